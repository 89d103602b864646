import Foundation
import FuzzSupport
import GRDB
import SQLiteSource
import Tabular
import Testing

/// Reading SQLite files: types, missing values, mixed columns, refusals, and random
/// files and queries that must end in a table or an error, never a crash.
struct SQLiteReaderTests {
    let directory: String = {
        let path = NSTemporaryDirectory() + "mlw-sqlite-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()

    func database(_ sql: String) throws -> String {
        let path = directory + "/\(UUID().uuidString).db"
        let queue = try DatabaseQueue(path: path)
        try queue.write { try $0.execute(sql: sql) }
        return path
    }

    @Test func valuesKeepTheirStorageClassAndNullIsMissing() throws {
        let path = try database("""
            CREATE TABLE t(i INTEGER, r REAL, s TEXT, mixed);
            INSERT INTO t VALUES (1, 1.5, 'a', 2), (NULL, -0.25, NULL, 'x'), (3, NULL, 'c', NULL);
            """)
        let result = try SQLiteReader.read(path: path, table: "t", name: "t")
        let table = result.table
        #expect(table.rowCount == 3 && table.columnNames == ["i", "r", "s", "mixed"])
        #expect(table.column(named: "i")!.numericValues!.map { $0.isNaN ? -1 : $0 } == [1, -1, 3])
        #expect(table.column(named: "r")!.numericValues!.map { $0.isNaN ? -1 : $0 } == [1.5, -0.25, -1])
        #expect((0..<3).map { table.column(named: "s")!.text(at: $0) } == ["a", nil, "c"])
        // Numbers and text in one column: text, numbers written as they read.
        #expect(table.column(named: "mixed")!.type == .text)
        #expect((0..<3).map { table.column(named: "mixed")!.text(at: $0) } == ["2", "x", nil])
        #expect(result.warnings.count == 1 && result.warnings[0].contains("mixed"))
    }

    @Test func aQueryReadsItsRowsAndViewsReadLikeTables() throws {
        let path = try database("""
            CREATE TABLE t(k INTEGER, v TEXT); INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c');
            CREATE VIEW odd AS SELECT * FROM t WHERE k % 2 = 1;
            """)
        let query = try SQLiteReader.read(path: path, query: "SELECT v, k * 10 AS k10 FROM t WHERE k >= 2 ORDER BY k", name: "q").table
        #expect(query.columnNames == ["v", "k10"] && query.column(named: "k10")!.numericValues == [20, 30])
        #expect(try SQLiteReader.read(path: path, table: "odd", name: "odd").table.rowCount == 2)
    }

    @Test func faultsAreNamedPlainly() throws {
        let path = try database("CREATE TABLE orders(b BLOB); INSERT INTO orders VALUES (x'00');")
        func message(_ body: () throws -> Any) -> String? {
            do { _ = try body(); return nil } catch let error as SQLiteError { return error.message + " | " + (error.help ?? "") } catch { return "\(error)" }
        }
        #expect(message { try SQLiteReader.read(path: path, table: "order", name: "o") }?.contains("did you mean 'orders'") == true)
        #expect(message { try SQLiteReader.read(path: path, table: "orders", name: "o") }?.contains("binary data (BLOB)") == true)
        #expect(message { try SQLiteReader.read(path: path, query: "SELEC 1", name: "q") }?.contains("syntax error") == true)
        #expect(message { try SQLiteReader.read(path: path, query: "DELETE FROM orders", name: "q") } != nil)
        #expect(try SQLiteReader.read(path: path, query: "SELECT count(*) AS n FROM orders", name: "q").table.column(named: "n")!.numericValues == [1])
        let text = directory + "/text.db"
        try "this is not a database, it is text\n".write(toFile: text, atomically: true, encoding: .utf8)
        #expect(message { try SQLiteReader.read(path: text, table: "t", name: "t") }?.hasPrefix("'\(text)' is not a SQLite file") == true)
        #expect(message { try SQLiteReader.read(path: directory + "/none.db", table: "t", name: "t") }?.hasPrefix("no file") == true)
    }

    /// Random tables written with random values read back exactly; random bytes and random
    /// queries end in an error.
    @Test func randomFilesAndQueriesNeverCrash() throws {
        let count = Fuzz.cases(default: 3000) / 30
        try Fuzz.run("SQLiteFuzz", cases: count) { index, random in
            let path = directory + "/f\(index).db"
            switch random.below(3) {
            case 0:
                // Random bytes, sometimes behind a real SQLite header.
                var bytes = (0..<(random.below(4096) + 1)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
                if random.chance(0.5) { bytes.replaceSubrange(0..<min(16, bytes.count), with: Array("SQLite format 3\u{0}".utf8).prefix(bytes.count)) }
                FileManager.default.createFile(atPath: path, contents: Data(bytes))
                Fuzz.describe("\(bytes.count) random bytes")
                #expect(throws: SQLiteError.self) { _ = try SQLiteReader.read(path: path, table: "t", name: "t") }
            case 1:
                let rows = random.below(40)
                var values: [[DatabaseValue]] = []
                for _ in 0..<rows {
                    values.append((0..<3).map { _ in
                        switch random.below(5) {
                        case 0: return .null
                        case 1: return Int64(random.below(2000)) .databaseValue
                        case 2: return (Double(random.below(10_000)) / 7).databaseValue
                        case 3: return (random.chance(0.5) ? "x\(random.below(9))" : "é \"q\" ,").databaseValue
                        default: return (-Double(random.below(50))).databaseValue
                        }
                    })
                }
                let queue = try DatabaseQueue(path: path)
                try queue.write { db in
                    try db.execute(sql: "CREATE TABLE t(a, b, c)")
                    for row in values { try db.execute(sql: "INSERT INTO t VALUES (?, ?, ?)", arguments: StatementArguments(row)) }
                }
                Fuzz.describe("\(values)")
                let table = try SQLiteReader.read(path: path, table: "t", name: "t").table
                #expect(table.rowCount == rows)
                for (k, name) in ["a", "b", "c"].enumerated() {
                    let column = table.column(named: name)!
                    let text = values.contains { if case .string = $0[k].storage { return true } else { return false } }
                    #expect(column.type == (text ? .text : .number))
                    for row in 0..<rows {
                        switch values[row][k].storage {
                        case .null: #expect(column.isMissing(row))
                        case .int64(let n): #expect(text ? column.text(at: row) == NumberFormatting.shortest(Double(n)) : column.number(at: row) == Double(n))
                        case .double(let x): #expect(text ? column.text(at: row) == NumberFormatting.shortest(x) : column.number(at: row) == x)
                        case .string(let s): #expect(column.text(at: row) == s)
                        case .blob: break
                        }
                    }
                }
            default:
                let queue = try DatabaseQueue(path: path)
                try queue.write { try $0.execute(sql: "CREATE TABLE t(a INTEGER, b TEXT); INSERT INTO t VALUES (1, 'x'), (NULL, 'y')") }
                let pieces = ["SELECT", "*", "a", "b", "FROM", "t", "WHERE", "a", "=", "1", "(", ")", ",", "'", "\"", ";", "DROP", "x", "ORDER BY", "LIMIT", "-1", "NULL", "||", "UNION"]
                let query = (0..<(1 + random.below(8))).map { _ in random.pick(pieces) }.joined(separator: " ")
                Fuzz.describe(query)
                do { _ = try SQLiteReader.read(path: path, query: query, name: "q") } catch is SQLiteError {}
                // Whatever the query, the file is unchanged (read-only).
                #expect(try queue.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM t") } == 2)
            }
        }
    }
}
