import Tabular

/// Parses one line of the command language.
public enum CommandParser {
    /// Parses `line`; nil for a blank line or a comment.
    /// - Parameter parameters: values of declared parameters, substituted for `$NAME`.
    public static func parse(_ line: String, parameters: [String: String] = [:]) throws -> Command? {
        let characters = Array(line)
        let tokens = try Lexer.tokenize(characters, parameters: parameters)
        guard let first = tokens.first else { return nil }
        guard first.kind == .word, let spec = CommandTable.spec(named: first.text) else {
            throw Diagnostic(.unknownCommand, "unknown command '\(first.text)'", at: first.range,
                             help: Suggestions.didYouMean(first.text, among: CommandTable.names).map { "\($0) ('help' lists all commands)" }
                                ?? "'help' lists all commands")
        }
        var cursor = ArgumentCursor(line: characters, tokens: tokens, index: 1, usage: spec.usage)
        let command = try spec.parse(&cursor)
        try cursor.expectEnd()
        return command
    }
}
