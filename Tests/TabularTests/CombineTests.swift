import FuzzSupport
import Testing
@testable import Tabular

/// Joins and appends on small tables with every kind of key and value.
struct CombineTests {
    let left = Table(name: "l", columns: [
        Column(name: "k", texts: ["a", "b", nil, "c", "a"]),
        Column(name: "v", numbers: [1, 2, 3, 4, 5]),
    ])
    // Different dictionary order from the left's: text keys compare by their characters.
    let right = Table(name: "r", columns: [
        Column(name: "k", texts: ["c", "a", "a", nil, "z"]),
        Column(name: "v", numbers: [30, 10, 11, 99, 0]),
        Column(name: "w", data: .boolean([1, 0, 1, 1, 0])),
    ])

    @Test func leftJoinKeepsEveryRowRepeatsMultipleMatchesAndNeverMatchesMissing() throws {
        let result = try left.joined(with: right, on: ["k"], kind: .left)
        #expect(result.table.name == "l" && result.table.columnNames == ["k", "v", "v_r", "w"])
        #expect(result.renamed.map(\.to) == ["v_r"])
        #expect(result.table.column(named: "k")!.data == Column(name: "k", texts: ["a", "a", "b", nil, "c", "a", "a"]).data)
        #expect(result.table.column(named: "v")!.numericValues == [1, 1, 2, 3, 4, 5, 5])
        let joined = result.table.column(named: "v_r")!.numericValues!
        #expect(joined.enumerated().allSatisfy { i, x in [10, 11, nil, nil, 30, 10, 11][i].map { $0 == x } ?? x.isNaN })
        #expect(result.table.column(named: "w")!.data == .boolean([0, 1, Column.missingBoolean, Column.missingBoolean, 1, 0, 1]))
        #expect(result.matchedRows == 3 && result.repeatedRows == 2)
    }

    @Test func innerJoinKeepsOnlyMatchesOnEveryKey() throws {
        let a = Table(name: "a", columns: [Column(name: "x", numbers: [0, 1, 1, .nan]), Column(name: "y", texts: ["p", "p", "q", "p"])])
        let b = Table(name: "b", columns: [Column(name: "y", texts: ["q", "p", "p"]), Column(name: "x", numbers: [1, -0.0, .nan]),
                                          Column(name: "z", texts: ["one-q", "zero-p", "nan-p"])])
        let result = try a.joined(with: b, on: ["x", "y"], kind: .inner)
        #expect(result.table.rowCount == 2)
        #expect((0..<2).map { result.table.column(named: "z")!.text(at: $0) } == ["zero-p", "one-q"])
        #expect(result.table.column(named: "x")!.numericValues == [0, 1])
        #expect(result.matchedRows == 2 && result.repeatedRows == 0 && result.renamed.isEmpty)
    }

    @Test func aJoinTooLargeIsRefusedBeforeItIsBuilt() {
        // 'a' twice on the left matches 'a' twice on the right: 4 rows, plus b and c and the missing key.
        #expect(throws: JoinTooLarge.self) { try left.joined(with: right, on: ["k"], kind: .left, maxCells: 6 * 3) }
        #expect((try? left.joined(with: right, on: ["k"], kind: .left, maxCells: 7 * 4))?.table.rowCount == 7)
    }

    @Test func appendMergesTextDictionariesAndKeepsTheLeftColumnOrder() {
        let other = Table(name: "o", columns: [Column(name: "v", numbers: [7]), Column(name: "k", texts: ["z"])])
        let appended = left.appending(other)
        #expect(appended.rowCount == 6 && appended.columnNames == ["k", "v"])
        #expect((0..<6).map { appended.column(named: "k")!.text(at: $0) } == ["a", "b", nil, "c", "a", "z"])
        #expect(appended.column(named: "v")!.numericValues == [1, 2, 3, 4, 5, 7])
        #expect(Column.missing(name: "m", type: .text, count: 2).missingCount == 2)
    }

    /// Random small tables with one or two keys of a random type (few values, some
    /// missing, -0 among numbers), joined both ways, against a nested-loop join.
    @Test func randomJoinsMatchANestedLoopJoin() throws {
        try Fuzz.run("JoinFuzz", cases: Fuzz.cases(default: 3000) / 3) { _, random in
            let types = (0..<(1 + random.below(2))).map { _ in random.pick(ColumnType.allCases) }
            func table(_ name: String) -> Table {
                let rows = random.below(12)
                var columns = types.enumerated().map { k, type -> Column in
                    switch type {
                    case .number: return Column(name: "k\(k)", numbers: (0..<rows).map { _ in random.pick([0, -0.0, 1, 2.5, .nan]) })
                    case .text: return Column(name: "k\(k)", texts: (0..<rows).map { _ in random.pick(["a", "b", "é", nil]) })
                    case .boolean: return Column(name: "k\(k)", data: .boolean((0..<rows).map { _ in random.pick([0, 1, Column.missingBoolean]) }))
                    case .date: return Column(name: "k\(k)", data: .date((0..<rows).map { _ in random.pick([0, 86_400, 86_400.5, .nan]) }))
                    }
                }
                columns.insert(Column(name: "v", numbers: (0..<rows).map(Double.init)), at: random.below(columns.count + 1))
                return Table(name: name, columns: columns, rowCount: rows)
            }
            let a = table("a"), b = table("b"), keys = types.indices.map { "k\($0)" }
            Fuzz.describe("\(CSVWriter.csv(a))\n\(CSVWriter.csv(b))")
            func equal(_ x: Column, _ i: Int, _ y: Column, _ j: Int) -> Bool {
                !x.isMissing(i) && !y.isMissing(j) && (x.number(at: i).map { $0 == y.number(at: j) } ?? (x.text(at: i) == y.text(at: j)))
            }
            for kind in JoinKind.allCases {
                var expected: [(Int, Int?)] = []
                for i in 0..<a.rowCount {
                    let found = (0..<b.rowCount).filter { j in keys.allSatisfy { equal(a.column(named: $0)!, i, b.column(named: $0)!, j) } }
                    expected += found.isEmpty ? (kind == .left ? [(i, nil)] : []) : found.map { (i, $0) }
                }
                let result = try a.joined(with: b, on: keys, kind: kind).table
                #expect(result.rowCount == expected.count)
                guard result.rowCount == expected.count else { return }
                #expect(result.column(named: "v")!.numericValues! == expected.map { Double($0.0) })
                let joined = result.column(named: "v_b")!.numericValues!
                #expect(zip(joined, expected).allSatisfy { x, e in e.1.map { Double($0) == x } ?? x.isNaN })
            }
        }
    }
}
