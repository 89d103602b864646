import Learning
import Tabular

/// Names valid in the current workspace, for completion.
public struct CompletionContext {
    public var tables: [String]
    public var columns: [String]
    public var models: [String]
    /// Paths starting with the given prefix (folders end with "/").
    public var listPaths: (String) -> [String]

    public init(tables: [String], columns: [String], models: [String], listPaths: @escaping (String) -> [String]) {
        self.tables = tables
        self.columns = columns
        self.models = models
        self.listPaths = listPaths
    }
}

/// TAB completion driven by the command table.
public enum Completer {
    /// Candidates for the word that ends at the end of `prefix` (the line up to the cursor).
    /// - Returns: the partial word being completed and the full candidates for it, sorted.
    public static func complete(_ prefix: String, context: CompletionContext) -> (partial: String, candidates: [String]) {
        // Words so far; the last one is partial unless the line ends with a separator.
        var words: [String] = []
        var current = ""
        var inQuote: Character?
        for c in prefix {
            if let q = inQuote {
                if c == q { inQuote = nil } else { current.append(c) }
            } else if c == "\"" || c == "'" {
                inQuote = c
            } else if c == " " || c == "," || c == "\t" {
                if !current.isEmpty { words.append(current); current = "" }
            } else {
                current.append(c)
            }
        }
        // After `key=`: the words an algorithm's setting takes (`criterion=` gini, entropy);
        // other values (`sep=`, `seed=`, numbers) are free.
        if let equals = current.firstIndex(of: "=") {
            guard words.first == "train", words.count >= 2, let algorithm = AlgorithmRegistry.named(words[1]),
                  let spec = algorithm.settings.spec(String(current[..<equals])) else { return (current, []) }
            let key = String(current[..<equals])
            let choices = spec.forms.flatMap { form -> [String] in
                switch form {
                case .word(let words): return words
                case .none: return ["none"]
                case .boolean: return ["true", "false"]
                default: return []
                }
            }
            return (current, choices.map { "\(key)=\($0)" }.filter { $0.hasPrefix(current) }.sorted())
        }
        guard !words.isEmpty else {
            let names = CommandTable.names.filter { $0.hasPrefix(current) }
            return (current, names.sorted())
        }
        guard let spec = CommandTable.spec(named: words[0]) else { return (current, []) }
        let previous = Array(words.dropFirst())
        var candidates: [String] = []
        for kind in spec.complete(previous) {
            switch kind {
            case .path: candidates += context.listPaths(current)
            case .table: candidates += context.tables
            case .column: candidates += context.columns
            case .model: candidates += context.models
            case .algorithm: candidates += AlgorithmRegistry.all.map(\.name)
            case .words(let list): candidates += list
            case .function: candidates += ExpressionFunctions.names.map { $0 + "(" }
            case .algorithmSettings:
                if let algorithm = previous.first.flatMap(AlgorithmRegistry.named) {
                    let used = Set(previous.compactMap { $0.split(separator: "=").first.map(String.init) })
                    candidates += algorithm.settings.keys.filter { !used.contains($0) }.map { $0 + "=" }
                }
            }
        }
        let matches = Set(candidates.filter { $0.hasPrefix(current) })
        return (current, matches.sorted())
    }

    /// The longest common prefix of the candidates.
    public static func commonPrefix(_ candidates: [String]) -> String {
        guard var prefix = candidates.first else { return "" }
        for candidate in candidates.dropFirst() {
            while !candidate.hasPrefix(prefix) { prefix.removeLast() }
        }
        return prefix
    }
}
