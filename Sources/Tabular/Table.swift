/// A named, column-oriented table. Columns are copy-on-write arrays, so copying a
/// table (for `undo` or a new workspace) is cheap until one side changes.
///
/// Invariants: column names are unique, and every column has `rowCount` values. A table
/// keeps its row count when its last column is dropped, so a split of its rows (or a
/// column derived afterwards) still lines up.
public struct Table: Sendable, Equatable {
    public var name: String
    public private(set) var columns: [Column]
    public private(set) var rowCount: Int

    public init(name: String, columns: [Column]) {
        self.init(name: name, columns: columns, rowCount: columns.first?.count ?? 0)
    }

    /// A table of `rowCount` rows (which may have no columns at all).
    public init(name: String, columns: [Column], rowCount: Int) {
        precondition(Set(columns.map(\.name)).count == columns.count, "duplicate column names")
        precondition(columns.allSatisfy { $0.count == rowCount }, "columns differ in length")
        self.name = name
        self.columns = columns
        self.rowCount = rowCount
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
        // An empty table made without rows takes its row count from its first column.
        if columns.isEmpty && rowCount == 0 { rowCount = column.count }
        precondition(column.count == rowCount, "column length differs from the table")
        if let i = index(of: column.name) {
            columns[i] = column
        } else {
            columns.append(column)
        }
    }

    /// The names among `replacements` that other columns already have (replacing the
    /// column at `index` by them would repeat a name).
    public func collisions(replacingColumnAt index: Int, with replacements: [String]) -> [String] {
        var taken = Set(columnNames)
        taken.remove(columns[index].name)
        var seen = Set<String>()
        return replacements.filter { !seen.insert($0).inserted || taken.contains($0) }
    }

    /// Replaces the column at `index` by the given columns (used by one-hot encoding).
    /// The caller checks `collisions(replacingColumnAt:with:)` first.
    public mutating func replaceColumn(at index: Int, with replacements: [Column]) {
        precondition(replacements.allSatisfy { $0.count == rowCount })
        precondition(collisions(replacingColumnAt: index, with: replacements.map(\.name)).isEmpty, "duplicate column names")
        columns.replaceSubrange(index...index, with: replacements)
    }

    /// Removes the named columns (names not present are ignored); the rows remain.
    public mutating func removeColumns(named names: Set<String>) {
        columns.removeAll { names.contains($0.name) }
    }

    /// A table holding only the given rows, in the given order.
    /// - Complexity: O(rows.count × columns)
    public func gathering(_ rows: [Int]) -> Table {
        Table(name: name, columns: columns.map { $0.gathering(rows) }, rowCount: rows.count)
    }
}
