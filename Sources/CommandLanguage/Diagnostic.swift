import Tabular

/// A message for the user about something they typed: what is wrong, where, and how
/// to fix it. Diagnostics never end the session and never change the workspace.
public struct Diagnostic: Error, Equatable, Sendable, CustomStringConvertible {
    /// Stable identifier from `DiagnosticID`, for tests and documentation.
    public var id: DiagnosticID
    /// Lower case, naming the user's token in quotes, saying what was expected.
    public var message: String
    /// The part of the line the message is about, when there is one.
    public var range: SourceRange?
    /// One suggestion for the fix, when there is a clear one.
    public var help: String?

    public init(_ id: DiagnosticID, _ message: String, at range: SourceRange? = nil, help: String? = nil) {
        self.id = id
        self.message = message
        self.range = range
        self.help = help
    }

    public var description: String { "error: \(message)" + (help.map { "\nhelp: \($0)" } ?? "") }

    /// An expression's parse or evaluation error, named by its category.
    public init(_ error: ExpressionError) {
        let id: DiagnosticID
        switch error.category {
        case .missingExpression: id = .missingArgument
        case .unterminatedString: id = .unterminatedString
        case .syntax, .evaluation: id = .badExpression
        }
        self.init(id, error.message, at: error.range, help: error.help)
    }

    /// The sysexits status a script ends with when this diagnostic stops it.
    public var exitStatus: Int32 {
        switch id {
        case .missingInput: return 66
        case .cannotWrite: return 73
        case .journalError: return 74
        default: return 65
        }
    }

    /// The message with the source line and a caret marker under the range.
    public func rendered(source: String?) -> String {
        var lines = ["error: \(message)"]
        if let source, let range, !source.isEmpty {
            // Long lines show a window of at most 100 characters starting near the error.
            let characters = Array(source)
            let start = characters.count > 100 ? max(0, min(range.lower - 20, characters.count - 100)) : 0
            let end = min(characters.count, start + 100)
            let prefix = start > 0 ? "…" : "", suffix = end < characters.count ? "…" : ""
            let lower = max(0, range.lower - start)
            let width = max(1, min(range.upper, end + 1) - max(range.lower, start))
            lines.append("  | " + prefix + String(characters[start..<end]) + suffix)
            lines.append("  | " + String(repeating: " ", count: lower + prefix.count) + String(repeating: "^", count: width))
        }
        if let help { lines.append("help: \(help)") }
        return lines.joined(separator: "\n")
    }
}

/// The catalogue of diagnostics, alphabetised. Each names one kind of mistake.
public enum DiagnosticID: String, Sendable, CaseIterable {
    case badExpression = "bad-expression"
    case badOption = "bad-option"
    case badValue = "bad-value"
    /// A file could not be written (scripts exit 73, EX_CANTCREAT).
    case cannotWrite = "cannot-write"
    case dataError = "data-error"
    case fileError = "file-error"
    /// The session file could not be written (scripts exit 74, EX_IOERR).
    case journalError = "journal-error"
    case missingArgument = "missing-argument"
    /// An input file does not exist or cannot be read (scripts exit 66, EX_NOINPUT).
    case missingInput = "missing-input"
    case noSuchColumn = "no-such-column"
    case noSuchModel = "no-such-model"
    case noSuchTable = "no-such-table"
    case notReady = "not-ready"
    case unexpectedInput = "unexpected-input"
    case unknownCommand = "unknown-command"
    case unknownParameter = "unknown-parameter"
    case unterminatedString = "unterminated-string"
}
