import Tabular

/// A token of a command line outside expressions.
public struct Token: Equatable, Sendable {
    /// What sort of token this is.
    public enum Kind: Equatable, Sendable {
        /// A bare run of characters (names, numbers, paths).
        case word
        /// A quoted string; `text` is its unescaped content.
        case string
        /// One of `=`, `,`, `[`, `]`, `<`, `>` and the two-character `<=`, `>=`.
        case symbol
    }

    public var kind: Kind
    public var text: String
    public var range: SourceRange
    /// The parameter this token was substituted from (`$NAME`), if any.
    public var parameter: String? = nil
}

/// Splits a command line into tokens. `#` outside quotes starts a comment. `$name`
/// is replaced by the value of a declared parameter (as a string token). Strings are
/// quoted with ", ' or ` (the backtick quotes names, as in expressions).
public struct Lexer {
    public static let symbolCharacters: Set<Character> = ["=", ",", "[", "]", "<", ">"]

    /// Splits `line` into tokens, substituting `$NAME` parameters.
    /// - Throws: `Diagnostic` for an unclosed string or an unknown parameter.
    public static func tokenize(_ line: [Character], parameters: [String: String] = [:]) throws -> [Token] {
        var tokens: [Token] = []
        var i = 0
        while i < line.count {
            let c = line[i]
            if c == " " || c == "\t" { i += 1; continue }
            if c == "#" { break }
            if c == "\"" || c == "'" || c == "`" {
                let start = i
                var text = ""
                i += 1
                var closed = false
                while i < line.count {
                    if line[i] == "\\", i + 1 < line.count, line[i + 1] == c || line[i + 1] == "\\" {
                        text.append(line[i + 1]); i += 2; continue
                    }
                    if line[i] == c { closed = true; i += 1; break }
                    text.append(line[i]); i += 1
                }
                guard closed else {
                    throw Diagnostic(.unterminatedString, "this string has no closing \(c)", at: SourceRange(start, line.count),
                                     help: "end it with \(c)")
                }
                tokens.append(Token(kind: .string, text: text, range: SourceRange(start, i)))
                continue
            }
            if Lexer.symbolCharacters.contains(c) {
                if (c == "<" || c == ">"), i + 1 < line.count, line[i + 1] == "=" {
                    tokens.append(Token(kind: .symbol, text: String([c, "="]), range: SourceRange(i, i + 2)))
                    i += 2
                } else {
                    tokens.append(Token(kind: .symbol, text: String(c), range: SourceRange(i, i + 1)))
                    i += 1
                }
                continue
            }
            let start = i
            while i < line.count, !(line[i] == " " || line[i] == "\t" || line[i] == "#" || line[i] == "\"" || line[i] == "'" || line[i] == "`"
                                    || Lexer.symbolCharacters.contains(line[i])) {
                i += 1
            }
            let word = String(line[start..<i])
            if word.hasPrefix("$"), word.count > 1 {
                let name = String(word.dropFirst()).trimmingCharacters(in: ["{", "}"])
                guard let value = parameters[name] else {
                    throw Diagnostic(.unknownParameter, "no parameter '\(name)'", at: SourceRange(start, i),
                                     help: parameters.isEmpty ? "declare one with: param \(name) = \"value\""
                                        : Suggestions.didYouMean(name, among: Array(parameters.keys)))
                }
                tokens.append(Token(kind: .string, text: value, range: SourceRange(start, i), parameter: name))
            } else {
                tokens.append(Token(kind: .word, text: word, range: SourceRange(start, i)))
            }
        }
        return tokens
    }
}

extension String {
    func trimmingCharacters(in set: Set<Character>) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
