import Foundation
import FuzzSupport
import Testing
@testable import Tabular

/// JSON Lines in and out: types, key order, missing values, and mutated files.
struct JSONLinesTests {
    @Test func writtenTablesReadBackAsThemselves() throws {
        let table = Table(name: "t", columns: [
            Column(name: "n", numbers: [1.5, .nan, -0.25]),
            Column(name: "text \"q\"", texts: ["a\nb", nil, "é"]),
            Column(name: "flag", data: .boolean([1, Column.missingBoolean, 0])),
        ])
        let bytes = JSONLinesWriter.lines(table).flatMap { $0 }
        let back = try JSONLinesReader.parse(bytes: bytes, name: "t").table
        #expect(back.columnNames == table.columnNames)
        #expect(back == table)
    }

    @Test func keysFollowTheFirstLineThenFirstAppearance() throws {
        let bytes = Array("{\"z\": 1, \"a\": \"x\"}\n\n{\"a\": \"y\", \"m\": true, \"z\": null}\n".utf8)
        let table = try JSONLinesReader.parse(bytes: bytes, name: "t").table
        #expect(table.columnNames == ["z", "a", "m"])
        #expect(table.column(named: "z")!.type == .number && table.column(named: "z")!.missingCount == 1)
        #expect(table.column(named: "m")!.type == .boolean && table.column(named: "m")!.missingCount == 1)
        // A mix of numbers and text is text, numbers written as they print.
        let mixed = try JSONLinesReader.parse(bytes: Array("{\"v\": 1}\n{\"v\": \"two\"}\n".utf8), name: "t").table
        #expect(mixed.column(named: "v")!.text(at: 0) == "1" && mixed.column(named: "v")!.type == .text)
    }

    @Test func mutatedLinesAreReadOrRefusedNamingTheLine() {
        let seeds = ["{\"a\": 1, \"b\": \"x\", \"c\": true}\n{\"a\": 2.5, \"b\": null}\n", "{\"k\": \"v\\\"q\"}\n{\"k\": [1]}\n", "{}\n{\"x\": {}}\n"]
        Fuzz.run("JSONLinesFuzz", cases: Fuzz.cases(default: 3000) / 3) { _, random in
            var bytes = Array(random.pick(seeds).utf8)
            for _ in 0..<(1 + random.below(4)) {
                let position = bytes.isEmpty ? 0 : random.below(bytes.count + 1)
                switch random.below(3) {
                case 0 where !bytes.isEmpty: bytes.remove(at: min(position, bytes.count - 1))
                case 1: bytes.insert(random.pick(Array("{}[]\":,\\\n 0e-.tnu".utf8)), at: position)
                default: bytes.insert(contentsOf: Array(random.pick(["null", "1e999", "\"é\"", "{", "}\n{"]).utf8), at: position)
                }
            }
            Fuzz.describe(String(decoding: bytes, as: UTF8.self).debugDescription)
            do {
                let table = try JSONLinesReader.parse(bytes: bytes, name: "t").table
                #expect(table.columns.allSatisfy { $0.count == table.rowCount })
            } catch let error as CSVError {
                #expect(!error.message.isEmpty)
            } catch {
                Issue.record("not a CSVError: \(error)")
            }
        }
    }
}
