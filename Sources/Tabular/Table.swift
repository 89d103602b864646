/// A named, column-oriented table. Columns are copy-on-write arrays, so copying a
/// table (for `undo` or a new workspace) is cheap until one side changes.
public struct Table: Sendable, Equatable {
    public var name: String
    public private(set) var columns: [Column]
    public private(set) var rowCount: Int

    public init(name: String, columns: [Column]) {
        precondition(Set(columns.map(\.name)).count == columns.count, "duplicate column names")
        let rows = columns.first?.count ?? 0
        precondition(columns.allSatisfy { $0.count == rows }, "columns differ in length")
        self.name = name
        self.columns = columns
        self.rowCount = rows
    }

    public var columnNames: [String] { columns.map(\.name) }

    /// Position of the named column.
    public func index(of column: String) -> Int? {
        columns.firstIndex { $0.name == column }
    }

    /// The named column.
    public func column(named name: String) -> Column? {
        index(of: name).map { columns[$0] }
    }

    /// Adds `column` at the end, or replaces the column of the same name in place.
    public mutating func setColumn(_ column: Column) {
        precondition(columns.isEmpty || column.count == rowCount, "column length differs from the table")
        if let i = index(of: column.name) {
            columns[i] = column
        } else {
            if columns.isEmpty { rowCount = column.count }
            columns.append(column)
        }
    }

    /// Replaces the column at `index` by the given columns (used by one-hot encoding).
    public mutating func replaceColumn(at index: Int, with replacements: [Column]) {
        precondition(replacements.allSatisfy { $0.count == rowCount })
        columns.replaceSubrange(index...index, with: replacements)
    }

    /// Removes the named columns (names not present are ignored).
    public mutating func removeColumns(named names: Set<String>) {
        columns.removeAll { names.contains($0.name) }
        if columns.isEmpty { rowCount = 0 }
    }

    /// A table holding only the given rows, in the given order.
    /// - Complexity: O(rows.count × columns)
    public func gathering(_ rows: [Int]) -> Table {
        var result = Table(name: name, columns: columns.map { $0.gathering(rows) })
        result.rowCount = rows.count
        return result
    }
}
