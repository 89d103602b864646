import Learning
import Tabular

/// Walks the tokens of one command's arguments, producing diagnostics that point at
/// the offending token. Parse functions in the command table are written with it.
public struct ArgumentCursor {
    let line: [Character]
    let tokens: [Token]
    var index: Int
    /// The usage line of the command being parsed (its table entry's, written once),
    /// shown in the help of a diagnostic.
    let usage: String

    init(line: [Character], tokens: [Token], index: Int, usage: String) {
        self.line = line
        self.tokens = tokens
        self.index = index
        self.usage = usage
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

    mutating func expectWord(_ word: String) throws {
        guard takeWord(word) else {
            throw Diagnostic(.missingArgument, current.map { "expected '\(word)', found '\($0.text)'" } ?? "expected '\(word)'",
                             at: current?.range ?? endRange, help: "usage: \(usage)")
        }
    }

    mutating func takeSymbol(_ symbol: String) -> Bool {
        if let token = current, token.kind == .symbol, token.text == symbol { index += 1; return true }
        return false
    }

    /// Whether the cursor is at `key=` (a word followed by `=`).
    var isAtKeyedValue: Bool {
        guard let token = current, token.kind == .word, index + 1 < tokens.count else { return false }
        return tokens[index + 1].text == "="
    }

    /// `key=value` options to the end of the line, each key one of `keys` and given once:
    /// the keys and their value tokens, in the order written.
    mutating func keyedOptions(_ keys: [String]) throws -> [(key: String, value: Token)] {
        var options: [(key: String, value: Token)] = []
        while let key = current {
            guard isAtKeyedValue, keys.contains(key.text) else {
                throw Diagnostic(.unexpectedInput, "expected " + keys.map { "\($0)=" }.joined(separator: ", ") + ", found '\(key.text)'",
                                 at: key.range, help: "usage: \(usage)")
            }
            guard !options.contains(where: { $0.key == key.text }) else { throw Diagnostic(.badOption, "'\(key.text)' is given twice", at: key.range) }
            index += 2
            options.append((key.text, try value("a value for \(key.text)")))
        }
        return options
    }

    /// A seed's value token as a number.
    static func seed(_ value: Token) throws -> UInt64 {
        guard let seed = UInt64(value.text) else {
            throw Diagnostic(.badValue, "a seed is a whole number from 0 up, found '\(value.text)'", at: value.range)
        }
        return seed
    }

    /// A name, number or path: a bare word or a quoted string.
    mutating func value(_ what: String) throws -> Token {
        guard let token = current, token.kind != .symbol else {
            throw Diagnostic(.missingArgument, current.map { "expected \(what), found '\($0.text)'" } ?? "expected \(what)",
                             at: current?.range ?? endRange, help: "usage: \(usage)")
        }
        index += 1
        return token
    }

    /// `[N] [COLUMNS] [where CONDITION]` of the inspections that take their own selection.
    mutating func rowView() throws -> RowView {
        var view = RowView(count: 10)
        if let token = current, token.kind == .word, let value = Double(token.text) {
            guard value >= 1, value == value.rounded(), value <= 1_000_000 else {
                throw Diagnostic(.badValue, "the row count must be a whole number from 1 to 1000000", at: token.range)
            }
            view.count = Int(value)
            index += 1
        }
        if !isAtEnd, !peekWord("where") { view.columns = try names("column names", stopWords: ["where"]) }
        if takeWord("where") {
            guard let start = restStart() else {
                throw Diagnostic(.missingArgument, "expected a condition after 'where'", at: endRange, help: "usage: \(usage)")
            }
            view.condition = try expression(from: start)
        }
        return view
    }

    /// One value, or a list of them in brackets (`"?"` or `["?", "-"]`).
    mutating func valueList(_ what: String) throws -> [String] { try valueTokens(what).map(\.text) }

    /// As `valueList`, with each value's place on the line.
    mutating func valueTokens(_ what: String) throws -> [Token] {
        guard let open = current, open.kind == .symbol, open.text == "[" else { return [try value(what)] }
        index += 1
        var values: [Token] = []
        while true {
            guard let token = current else {
                throw Diagnostic(.missingArgument, "this list has no closing ']'", at: SourceRange(open.range.lower, endRange.lower))
            }
            if token.kind == .symbol, token.text == "]", !values.isEmpty { index += 1; return values }
            values.append(try value(what))
            _ = takeSymbol(",")
        }
    }

    /// An optional `key=N` whole number (`top=20`), or `fallback` when it is not there.
    mutating func wholeOption(_ key: String, in range: ClosedRange<Int>, fallback: Int) throws -> Int {
        guard peekWord(key) else { return fallback }
        index += 1
        guard takeSymbol("=") else { throw Diagnostic(.missingArgument, "expected \(key)=N", at: current?.range ?? endRange) }
        let token = try value("a whole number")
        guard let n = Int(token.text), range.contains(n) else {
            throw Diagnostic(.badValue, "\(key) takes a whole number from \(range.lowerBound) to \(range.upperBound), found '\(token.text)'", at: token.range)
        }
        return n
    }

    /// An optional `where CONDITION` ending the command.
    mutating func condition() throws -> Expression? {
        guard takeWord("where") else { try expectEnd(); return nil }
        guard let start = restStart() else {
            throw Diagnostic(.missingArgument, "expected a condition after 'where'", at: endRange, help: "usage: \(usage)")
        }
        return try expression(from: start)
    }

    /// One aggregate of `group`: `mean(x)` or `count()`, as one word (the lexer keeps a
    /// name and its parentheses together) or quoted.
    mutating func aggregate() throws -> Aggregate {
        let token = try value("an aggregate such as mean(x)")
        let text = token.text
        let names = Aggregate.Function.allCases.map(\.rawValue)
        guard let open = text.firstIndex(of: "("), text.hasSuffix(")") else {
            throw Diagnostic(.badValue, "expected FUNCTION(COLUMN), found '\(text)'", at: token.range,
                             help: Suggestions.didYouMean(text, among: names.map { $0 + "()" }) ?? "functions: " + names.map { $0 + "()" }.joined(separator: ", "))
        }
        let name = String(text[..<open])
        guard let function = Aggregate.Function(rawValue: name) else {
            throw Diagnostic(.badValue, "no aggregate '\(name)'", at: token.range,
                             help: Suggestions.didYouMean(name, among: names) ?? "functions: " + names.joined(separator: ", "))
        }
        var column = String(text[text.index(after: open)..<text.index(before: text.endIndex)]).trimmingCharacters(in: .whitespaces)
        if column.hasPrefix("`"), column.hasSuffix("`"), column.count >= 2 { column = String(column.dropFirst().dropLast()) }
        switch (function, column.isEmpty) {
        case (.count, true): return Aggregate(.count, nil)
        case (.count, false): throw Diagnostic(.badValue, "count() counts rows and takes no column", at: token.range, help: "write count(), or distinct(\(column)) for its different values")
        case (_, true): throw Diagnostic(.badValue, "\(name)() needs a column, as \(name)(x)", at: token.range)
        default: return Aggregate(function, column)
        }
    }

    /// An optional `seed=N` ending the command.
    mutating func seed() throws -> UInt64? {
        guard !isAtEnd else { return nil }
        guard peekWord("seed") else { try expectEnd(); return nil }
        index += 1
        guard takeSymbol("=") else { throw Diagnostic(.missingArgument, "expected seed=N", at: current?.range ?? endRange) }
        let value = try self.value("a seed")
        guard let parsed = UInt64(value.text) else {
            throw Diagnostic(.badValue, "a seed is a whole number from 0 up, found '\(value.text)'", at: value.range)
        }
        try expectEnd()
        return parsed
    }

    /// The one argument of a command that takes nothing else (`use TABLE`, `rules MODEL`).
    mutating func only(_ what: String) throws -> String {
        let token = try value(what)
        try expectEnd()
        return token.text
    }

    /// A file path; `$NAME` stays a reference to the parameter (see `PathArgument`).
    mutating func path(_ what: String) throws -> PathArgument {
        let token = try value(what)
        return token.parameter.map(PathArgument.parameter) ?? .literal(token.text)
    }

    mutating func optionalValue() -> Token? {
        guard let token = current, token.kind != .symbol else { return nil }
        index += 1
        return token
    }

    /// Names separated by commas (or spaces) up to the end or one of `stopWords`.
    mutating func names(_ what: String, stopWords: Set<String> = [], stopAtSettings: Bool = false) throws -> [String] {
        var names: [String] = []
        while let token = current {
            if token.kind == .word, stopWords.contains(token.text) { break }
            if stopAtSettings, token.kind == .word, index + 1 < tokens.count, tokens[index + 1].kind == .symbol, tokens[index + 1].text == "=" { break }
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

    /// A column list or one of the words `numeric`, `categorical` or `indicators`, up to
    /// the end, one of `stopWords` or a `key=value` setting.
    mutating func selector(stopWords: Set<String> = []) throws -> ColumnSelector {
        if let token = current, token.kind == .word {
            if token.text == "numeric" { index += 1; return .numeric }
            if token.text == "categorical" { index += 1; return .categorical }
            if token.text == "indicators" { index += 1; return .indicators }
        }
        return .columns(try names("columns, 'numeric', 'categorical' or 'indicators'", stopWords: stopWords, stopAtSettings: true))
    }

    mutating func number(_ what: String) throws -> (value: Double, range: SourceRange) {
        let token = try value(what)
        guard let number = Double(token.text), number.isFinite else {
            throw Diagnostic(.badValue, "expected \(what), found '\(token.text)'", at: token.range, help: "usage: \(usage)")
        }
        return (number, token.range)
    }

    /// The text of the value token at `position` for a hint: a word's, not a symbol's (a
    /// list's bracket); "" when there is none.
    func valueText(at position: Int) -> String {
        position < tokens.count && tokens[position].kind == .word ? tokens[position].text : ""
    }

    /// `key=value` pairs to the end of the line, each value read in the form its setting
    /// declares (`max_depth=4`, `criterion=entropy`, `max_depth=none`), or a list of such
    /// values (`max_depth=[3, 5]`) when `lists` allows it.
    mutating func settings(_ schema: SettingsSchema, lists: Bool = false) throws -> [(key: String, value: SettingValue, range: SourceRange)] {
        var result: [(String, SettingValue, SourceRange)] = []
        while let key = current {
            guard key.kind == .word, index + 1 < tokens.count, tokens[index + 1].kind == .symbol, tokens[index + 1].text == "=" else {
                throw Diagnostic(.unexpectedInput, "expected key=value, found '\(key.text)'", at: key.range, help: "usage: \(usage)")
            }
            guard let spec = schema.spec(key.text) else {
                throw Diagnostic(.badOption, "unknown setting '\(key.text)'", at: key.range, help: schema.help(forUnknown: key.text, value: valueText(at: index + 2)))
            }
            if result.contains(where: { $0.0 == key.text }) {
                throw Diagnostic(.badOption, "'\(key.text)' is given twice", at: key.range)
            }
            index += 2
            let value: SettingValue
            let end: Int
            if let open = current, open.kind == .symbol, open.text == "[" {
                let values = try settingList(spec, open: open)
                guard lists else {
                    throw Diagnostic(.badValue, "\(key.text) takes one value here, found a list", at: SourceRange(open.range.lower, tokens[index - 1].range.upper),
                                     help: "a list of values is for searching over them (tuning); give one, e.g. \(key.text)=\(spec.defaultText)")
                }
                value = .list(values)
                end = tokens[index - 1].range.upper
            } else {
                value = try settingValue(spec)
                end = tokens[index - 1].range.upper
            }
            result.append((key.text, value, SourceRange(key.range.lower, end)))
        }
        return result
    }

    /// `[A, B, …]` after `key=`, each value read in the setting's form; the cursor is at `open`.
    mutating func settingList(_ spec: SettingSpec, open: Token) throws -> [SettingValue] {
        index += 1
        var values: [SettingValue] = []
        while true {
            guard let token = current else {
                throw Diagnostic(.missingArgument, "this list has no closing ']'", at: SourceRange(open.range.lower, endRange.lower))
            }
            if token.kind == .symbol, token.text == "]", !values.isEmpty { index += 1; break }
            values.append(try settingValue(spec))
            if let separator = current, separator.kind == .symbol, separator.text == "," { index += 1 }
        }
        return values
    }

    /// One value of a setting, read in its declared form.
    private mutating func settingValue(_ spec: SettingSpec) throws -> SettingValue {
        guard let token = current, token.kind != .symbol else {
            throw Diagnostic(.missingArgument, current.map { "expected a value for '\(spec.key)', found '\($0.text)'" } ?? "expected a value after '\(spec.key)='",
                             at: current?.range ?? endRange, help: "\(spec.key) takes \(spec.accepted)")
        }
        index += 1
        do { return try spec.value(parsing: token.text) } catch let error as LearningError {
            throw Diagnostic(.badValue, error.message, at: token.range, help: error.help)
        }
    }

    /// The expression from `start` to the end of the line.
    func expression(from start: Int) throws -> Expression {
        do { return try ExpressionParser.parse(line, from: start) } catch let error as ExpressionError {
            throw Diagnostic(error)
        }
    }

    /// The raw source from the current token to the end of the line (for expressions).
    mutating func restStart() -> Int? {
        guard let token = current else { return nil }
        index = tokens.count
        return token.range.lower
    }

    func expectEnd() throws {
        if let token = current {
            throw Diagnostic(.unexpectedInput, "unexpected '\(token.text)'", at: SourceRange(token.range.lower, tokens.last!.range.upper),
                             help: "usage: \(usage)")
        }
    }
}
