import Tabular

// The steps that only rearrange columns: drop, select and rename. They learn nothing.

/// `drop COLUMNS`.
public struct DropStep: PreparationStep {
    public var columns: [String]

    public init(columns: [String]) { self.columns = columns }

    public var verb: String { "drop" }
    public var text: String { "drop " + listText(columns) }
    public var isLearned: Bool { false }

    public func fit(_ table: Table, rows: [Int]?) throws -> (fitted: [FittedStep], table: Table) {
        try applyEach([FittedStep(FittedDrop(columns: columns))], to: table)
    }
}

/// `select COLUMNS`: keep these columns (the engine adds the target), dropping the others.
public struct SelectStep: PreparationStep {
    public var columns: [String]

    public init(columns: [String]) { self.columns = columns }

    public var verb: String { "select" }
    public var text: String { "select " + listText(columns) }
    public var isLearned: Bool { false }

    public func fit(_ table: Table, rows: [Int]?) throws -> (fitted: [FittedStep], table: Table) {
        for name in columns where table.column(named: name) == nil { throw PreparationError.input("there is no column '\(name)'") }
        return try applyEach([FittedStep(FittedDrop(columns: table.columnNames.filter { !columns.contains($0) }))], to: table)
    }
}

/// Bundle JSON: `{"step": "drop", "columns": [...]}`.
public struct FittedDrop: FittedTransform {
    public static let kind = "drop"
    public var columns: [String]

    public init(columns: [String]) { self.columns = columns }

    public func apply(to table: Table, report: inout PreparationReport) throws -> Table {
        var result = table
        result.removeColumns(named: Set(columns))
        return result
    }

    public func check(against table: Table) throws {
        for name in columns where table.column(named: name) == nil {
            throw PreparationError.corrupt("it drops '\(name)', which is not a column at that point")
        }
    }

    public var column: String? { nil }
    public var summary: String { "drop " + columns.joined(separator: ", ") }
}

/// `rename FROM to TO`.
public struct RenameStep: PreparationStep {
    public var from: String
    public var to: String

    public init(from: String, to: String) {
        self.from = from
        self.to = to
    }

    public var verb: String { "rename" }
    public var text: String { "rename \(from) to \(to)" }
    public var isLearned: Bool { false }

    public func fit(_ table: Table, rows: [Int]?) throws -> (fitted: [FittedStep], table: Table) {
        try applyEach([FittedStep(FittedRename(from: from, to: to))], to: table)
    }
}

/// Bundle JSON: `{"step": "rename", "column": FROM, "to": TO}`.
public struct FittedRename: FittedTransform {
    public static let kind = "rename"
    public var from: String
    public var to: String

    public init(from: String, to: String) {
        self.from = from
        self.to = to
    }

    public func apply(to table: Table, report: inout PreparationReport) throws -> Table {
        let column = try requiredColumn(from, in: table)
        if from != to, table.column(named: to) != nil {
            throw PreparationError.input("renaming '\(from)' to '\(to)' would repeat the column '\(to)'")
        }
        var result = table
        result.replaceColumn(at: table.index(of: from)!, with: [Column(name: to, data: column.data)])
        return result
    }

    public func check(against table: Table) throws {
        _ = try requiredColumn(from, in: table)
        guard !to.isEmpty else { throw PreparationError.corrupt("it renames '\(from)' to an empty name") }
    }

    public var column: String? { nil }
    public var summary: String { "rename \(from) to \(to)" }
    public var producedColumns: [String] { [to] }

    private enum CodingKeys: String, CodingKey { case from = "column", to }
}
