/// What a command shows, as data: the REPL renders it for a terminal, tests read it
/// as text, and nothing here knows about terminals.
public struct Output: Sendable, Equatable {
    /// One piece of output, rendered in order.
    public enum Block: Sendable, Equatable {
        /// Plain text lines.
        case text(String)
        /// A short confirmation of what changed.
        case success(String)
        /// A secondary remark (rendered dim on a terminal).
        case note(String)
        /// A warning about the data that did not stop the command.
        case warning(String)
        case table(TextTable)
    }

    public var blocks: [Block] = []

    public init(_ blocks: [Block] = []) {
        self.blocks = blocks
    }

    /// Output that is a single confirmation line.
    public static func success(_ text: String) -> Output { Output([.success(text)]) }
    /// Output that is plain text.
    public static func text(_ text: String) -> Output { Output([.text(text)]) }
}

/// A table of cells for display.
public struct TextTable: Sendable, Equatable {
    public var headers: [String]
    public var rows: [[String]]
    /// Per column: right-align (numbers) or left-align.
    public var rightAligned: [Bool]
    /// Cells to highlight (e.g. missing values), as (row, column).
    public var dimCells: Set<Cell> = []

    /// A cell position (row, column) in the body of the table.
    public struct Cell: Hashable, Sendable {
        public var row: Int
        public var column: Int
    }

    public init(headers: [String], rows: [[String]], rightAligned: [Bool]? = nil) {
        self.headers = headers
        self.rows = rows
        self.rightAligned = rightAligned ?? headers.map { _ in false }
    }
}
