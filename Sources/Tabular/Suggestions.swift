/// "Did you mean" suggestions, shared by every kind of name.
public enum Suggestions {
    /// Edit distance with adjacent transpositions (optimal string alignment), case-insensitive.
    public static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a.lowercased()), y = Array(b.lowercased())
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var d = [[Int]](repeating: [Int](repeating: 0, count: y.count + 1), count: x.count + 1)
        for i in 0...x.count { d[i][0] = i }
        for j in 0...y.count { d[0][j] = j }
        for i in 1...x.count {
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] {
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[x.count][y.count]
    }

    /// The one candidate clearly closest to `word`, or nil. A candidate qualifies when it
    /// is within a third of the word's length in edits (at least 1), or when `word` is a
    /// prefix of it; ties mean no suggestion.
    public static func best(_ word: String, among candidates: [String]) -> String? {
        guard !word.isEmpty else { return nil }
        let limit = max(1, word.count / 3)
        var scored: [(String, Int)] = []
        for candidate in Set(candidates) {
            var score = distance(word, candidate)
            if candidate.lowercased().hasPrefix(word.lowercased()) || word.lowercased().hasPrefix(candidate.lowercased()) {
                score = min(score, 1)
            }
            if candidate.lowercased().contains(word.lowercased()), word.count >= 3 { score = min(score, limit) }
            if score <= limit { scored.append((candidate, score)) }
        }
        guard let top = scored.min(by: { $0.1 < $1.1 }) else { return nil }
        if scored.filter({ $0.1 == top.1 }).count > 1 { return nil }
        return top.0
    }

    /// A help line "did you mean 'x'?" when there is a clear best candidate.
    public static func didYouMean(_ word: String, among candidates: [String]) -> String? {
        best(word, among: candidates).map { "did you mean '\($0)'?" }
    }
}
