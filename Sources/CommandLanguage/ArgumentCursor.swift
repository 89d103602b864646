import Learning
import Tabular

/// Walks the tokens of one command's arguments, producing diagnostics that point at
/// the offending token. Parse functions in the command table are written with it.
public struct ArgumentCursor {
    let line: [Character]
    let tokens: [Token]
    var index: Int

    init(line: [Character], tokens: [Token], index: Int) {
        self.line = line
        self.tokens = tokens
        self.index = index
    }

    var current: Token? { index < tokens.count ? tokens[index] : nil }
    var isAtEnd: Bool { index >= tokens.count }

    /// Where a missing argument would go: just past the last token.
    var endRange: SourceRange {
        let end = tokens.last?.range.upper ?? line.count
        return SourceRange(end + 1, end + 2)
    }

    func peekWord(_ word: String) -> Bool {
        guard let token = current, token.kind == .word else { return false }
        return token.text == word
    }

    mutating func takeWord(_ word: String) -> Bool {
        if peekWord(word) { index += 1; return true }
        return false
    }

    mutating func expectWord(_ word: String, usage: String) throws {
        guard takeWord(word) else {
            throw Diagnostic(.missingArgument, current.map { "expected '\(word)', found '\($0.text)'" } ?? "expected '\(word)'",
                             at: current?.range ?? endRange, help: "usage: \(usage)")
        }
    }

    mutating func takeSymbol(_ symbol: String) -> Bool {
        if let token = current, token.kind == .symbol, token.text == symbol { index += 1; return true }
        return false
    }

    /// A name, number or path: a bare word or a quoted string.
    mutating func value(_ what: String, usage: String) throws -> Token {
        guard let token = current, token.kind != .symbol else {
            throw Diagnostic(.missingArgument, current.map { "expected \(what), found '\($0.text)'" } ?? "expected \(what)",
                             at: current?.range ?? endRange, help: "usage: \(usage)")
        }
        index += 1
        return token
    }

    /// A file path; `$NAME` stays a reference to the parameter (see `PathArgument`).
    mutating func path(_ what: String, usage: String) throws -> PathArgument {
        let token = try value(what, usage: usage)
        return token.parameter.map(PathArgument.parameter) ?? .literal(token.text)
    }

    mutating func optionalValue() -> Token? {
        guard let token = current, token.kind != .symbol else { return nil }
        index += 1
        return token
    }

    /// Names separated by commas (or spaces) up to the end or one of `stopWords`.
    mutating func names(_ what: String, usage: String, stopWords: Set<String> = []) throws -> [String] {
        var names: [String] = []
        while let token = current {
            if token.kind == .word, stopWords.contains(token.text) { break }
            if token.kind == .symbol {
                if token.text == "," { index += 1; continue }
                throw Diagnostic(.unexpectedInput, "unexpected '\(token.text)'", at: token.range, help: "usage: \(usage)")
            }
            names.append(token.text)
            index += 1
        }
        if names.isEmpty {
            throw Diagnostic(.missingArgument, "expected \(what)", at: current?.range ?? endRange, help: "usage: \(usage)")
        }
        return names
    }

    /// A column list or one of the words `numeric` / `categorical`.
    mutating func selector(usage: String, stopWords: Set<String> = []) throws -> ColumnSelector {
        if let token = current, token.kind == .word {
            if token.text == "numeric" { index += 1; return .numeric }
            if token.text == "categorical" { index += 1; return .categorical }
        }
        return .columns(try names("columns, 'numeric' or 'categorical'", usage: usage, stopWords: stopWords))
    }

    mutating func number(_ what: String, usage: String) throws -> (value: Double, range: SourceRange) {
        let token = try value(what, usage: usage)
        guard let number = Double(token.text), number.isFinite else {
            throw Diagnostic(.badValue, "expected \(what), found '\(token.text)'", at: token.range, help: "usage: \(usage)")
        }
        return (number, token.range)
    }

    /// `key=value` pairs to the end of the line, numbers only.
    mutating func settings(usage: String, allowed: [String]) throws -> [(key: String, value: Double, range: SourceRange)] {
        var result: [(String, Double, SourceRange)] = []
        while let key = current {
            guard key.kind == .word, index + 1 < tokens.count, tokens[index + 1].kind == .symbol, tokens[index + 1].text == "=" else {
                throw Diagnostic(.unexpectedInput, "expected key=value, found '\(key.text)'", at: key.range, help: "usage: \(usage)")
            }
            guard allowed.contains(key.text) else {
                throw Diagnostic(.badOption, "unknown setting '\(key.text)'", at: key.range,
                                 help: Suggestions.didYouMean(key.text, among: allowed)
                                    ?? (allowed.isEmpty ? "this takes no settings" : "settings: " + allowed.joined(separator: ", ")))
            }
            index += 2
            guard let valueToken = current, valueToken.kind != .symbol else {
                throw Diagnostic(.missingArgument, "expected a value after '\(key.text)='", at: current?.range ?? endRange)
            }
            guard let number = Double(valueToken.text), number.isFinite else {
                throw Diagnostic(.badValue, "'\(key.text)' takes a number, found '\(valueToken.text)'", at: valueToken.range)
            }
            if result.contains(where: { $0.0 == key.text }) {
                throw Diagnostic(.badOption, "'\(key.text)' is given twice", at: key.range)
            }
            result.append((key.text, number, SourceRange(key.range.lower, valueToken.range.upper)))
            index += 1
        }
        return result
    }

    /// The raw source from the current token to the end of the line (for expressions).
    mutating func restStart() -> Int? {
        guard let token = current else { return nil }
        index = tokens.count
        return token.range.lower
    }

    func expectEnd(usage: String) throws {
        if let token = current {
            throw Diagnostic(.unexpectedInput, "unexpected '\(token.text)'", at: SourceRange(token.range.lower, tokens.last!.range.upper),
                             help: "usage: \(usage)")
        }
    }
}
