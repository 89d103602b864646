import Foundation
import GRDB
import Tabular

/// A table read from a SQLite file, and what a person should know about it.
public struct SQLiteReadResult {
    public var table: Tabular.Table
    public var warnings: [String]
}

/// Why a SQLite file could not be read: a message that names the file, the table or the
/// query, and what to do.
public struct SQLiteError: Error, CustomStringConvertible {
    public var message: String
    public var help: String?
    /// Whether the file itself is missing or unreadable (not a fault of its content).
    public var isMissingFile = false

    public var description: String { message }
}

/// Reads whole tables or query results from SQLite files, read-only. Values keep their
/// storage class: INTEGER and REAL become numbers, TEXT text, NULL missing; a column
/// holding both numbers and text becomes text. BLOB values are refused.
public enum SQLiteReader {
    /// Every row of a table.
    public static func read(path: String, table: String, name: String, isCancelled: @escaping @Sendable () -> Bool = { false }) throws -> SQLiteReadResult {
        try read(path: path, name: name, isCancelled: isCancelled) { db in
            guard try db.tableExists(table) || viewExists(db, table) else {
                let tables = try tableNames(db)
                throw SQLiteError(message: "'\(path)' has no table '\(table)'",
                                  help: Suggestions.didYouMean(table, among: tables)
                                    ?? (tables.isEmpty ? "it holds no tables" : "its tables: " + tables.joined(separator: ", ")))
            }
            return "SELECT * FROM \"" + table.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
    }

    /// The rows of a query (one statement that returns rows).
    public static func read(path: String, query: String, name: String, isCancelled: @escaping @Sendable () -> Bool = { false }) throws -> SQLiteReadResult {
        try read(path: path, name: name, isCancelled: isCancelled) { _ in query }
    }

    /// The names of the tables and views of a file, for completion and messages.
    public static func tableNames(path: String) throws -> [String] {
        try open(path).read { db in try tableNames(db) }
    }

    private static func tableNames(_ db: Database) throws -> [String] {
        try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' ORDER BY name")
    }

    private static func viewExists(_ db: Database, _ name: String) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT 1 FROM sqlite_master WHERE type = 'view' AND name = ?", arguments: [name]) ?? false
    }

    private static func open(_ path: String) throws -> DatabaseQueue {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw SQLiteError(message: "no file '\(path)'", isMissingFile: true)
        }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw SQLiteError(message: "cannot read '\(path)' (permission denied)", isMissingFile: true)
        }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.label = "mlw load"
        do {
            return try DatabaseQueue(path: path, configuration: configuration)
        } catch let error as DatabaseError {
            throw describe(error, path: path, query: nil)
        }
    }

    private static func read(path: String, name: String, isCancelled: @escaping @Sendable () -> Bool,
                             sql: (Database) throws -> String) throws -> SQLiteReadResult {
        let queue = try open(path)
        do {
            return try queue.read { db -> SQLiteReadResult in
                let text = try sql(db)
                let statement: Statement
                do { statement = try db.makeStatement(sql: text) } catch let error as DatabaseError { throw describe(error, path: path, query: text) }
                guard statement.columnCount > 0 else {
                    throw SQLiteError(message: "the query returns no columns", help: "load takes a SELECT, such as query=\"SELECT * FROM t\"")
                }
                guard statement.isReadonly else {
                    throw SQLiteError(message: "the query would change the file; load reads only", help: "give a SELECT")
                }
                let names = statement.columnNames
                var builders = names.map { _ in ColumnBuilder() }
                let cursor = try Row.fetchCursor(statement)
                var rows = 0
                while let row = try cursor.next() {
                    for (k, value) in row.databaseValues.enumerated() {
                        if case .blob = value.storage {
                            throw SQLiteError(message: "column '\(names[k])' holds binary data (BLOB) at row \(rows + 1)",
                                              help: "leave it out: name the columns in query=\"SELECT …\"")
                        }
                        builders[k].append(value.storage)
                    }
                    rows += 1
                    if rows % 65_536 == 0, isCancelled() { throw CancellationError() }
                }
                var warnings: [String] = []
                var columns: [Tabular.Column] = []
                for (columnName, builder) in zip(ColumnNames.unique(names, warnings: &warnings), builders) {
                    if builder.mixed { warnings.append("'\(columnName)' holds numbers and text; it loads as text (cast it to number to read the numbers)") }
                    columns.append(builder.column(named: columnName, rows: rows))
                }
                return SQLiteReadResult(table: Tabular.Table(name: name, columns: columns, rowCount: rows), warnings: warnings)
            }
        } catch let error as DatabaseError {
            throw describe(error, path: path, query: nil)
        }
    }

    /// A SQLite error as a person reads it: not a database, a syntax error in the query.
    private static func describe(_ error: DatabaseError, path: String, query: String?) -> SQLiteError {
        switch error.resultCode {
        case .SQLITE_NOTADB: return SQLiteError(message: "'\(path)' is not a SQLite file")
        case .SQLITE_CANTOPEN: return SQLiteError(message: "cannot open '\(path)' as a SQLite file", isMissingFile: true)
        case .SQLITE_CORRUPT: return SQLiteError(message: "'\(path)' is damaged (SQLite reports it corrupt)")
        default:
            let message = error.message ?? "\(error.resultCode)"
            return SQLiteError(message: query == nil ? "\(path): \(message)" : "the query fails: \(message)",
                               help: query.map { _ in "check it in the sqlite3 shell: sqlite3 \(path)" })
        }
    }
}

/// One column's values as they arrive: numbers until text appears, then text.
private struct ColumnBuilder {
    var numbers: [Double] = []
    var texts: [String?]?
    var sawNumber = false, sawText = false
    var mixed: Bool { sawNumber && sawText }

    mutating func append(_ value: DatabaseValue.Storage) {
        switch value {
        case .null:
            if texts != nil { texts!.append(nil) } else { numbers.append(.nan) }
        case .int64(let n): appendNumber(Double(n))
        case .double(let x): appendNumber(x)
        case .string(let s):
            sawText = true
            if texts == nil { texts = numbers.map { $0.isNaN ? nil : NumberFormatting.shortest($0) }; numbers = [] }
            texts!.append(s)
        case .blob: break  // refused by the reader
        }
    }

    private mutating func appendNumber(_ x: Double) {
        sawNumber = true
        if texts != nil { texts!.append(NumberFormatting.shortest(x)) } else { numbers.append(x) }
    }

    func column(named name: String, rows: Int) -> Tabular.Column {
        if let texts { return Tabular.Column(name: name, texts: texts).inferringDates() }
        return Tabular.Column(name: name, numbers: numbers)
    }
}
