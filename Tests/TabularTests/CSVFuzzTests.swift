import Foundation
import FuzzSupport
import Testing
@testable import Tabular

/// Byte-level mutations of CSV files through the reader: no crash, every failure a
/// `CSVError` (located when it is about the content), a table that keeps its invariants,
/// and the same answer whether the body is parsed as one chunk or many (the chunk
/// scanner must cut records where the tokenizer does).
struct CSVFuzzTests {
    static let seeds: [[UInt8]] = {
        var texts = [
            "a,b,c\n1,x,true\n2.5,\"y, z\",false\n,\"q\"\"uote\",\n",
            "\u{FEFF}id;name;score\r\n1;\"multi\r\nline\";3e2\r\n2;NA;-0\r\n",
            "x\n1\n2\n\n3\n",
            "h1,h2\n\"\",\"\"\n\"a\"\"\",5\"\n",
            "n,t\n1e308,inf\n-Infinity,nan\n0x10,007\n",
            "é,ü\n日本,中文\n\"\u{1F600}\",x\n",
            "a|b|c\n1|2|3\n4|5|6\n",
            ",dup,dup\n1,2,3\n",
            "d,t\n2024-02-29,2024-03-31T14:30:00+02:00\n1999-12-31,2024-03-31 14:30:00.5Z\n,\n",
        ]
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        for name in ["penguins", "airquality", "auto_mpg"] {
            if let text = try? String(contentsOfFile: root + "/datasets/\(name).csv", encoding: .utf8) {
                texts.append(text.split(separator: "\n", omittingEmptySubsequences: false).prefix(40).joined(separator: "\n"))
            }
        }
        return texts.map { Array($0.utf8) }
    }()

    static let interesting: [UInt8] = Array("\",\n\r;\t|.-+:0123456789eEnNaAtTfFZ ".utf8) + [0, 0xFF, 0xC3, 0xA9, 0xEF, 0xBB, 0xBF]

    static func mutate(_ bytes: [UInt8], _ random: inout FuzzRandom) -> [UInt8] {
        var out = bytes
        for _ in 0..<(1 + random.below(4)) {
            let position = out.isEmpty ? 0 : random.below(out.count)
            switch random.below(7) {
            case 0 where !out.isEmpty: out[position] = random.pick(interesting)
            case 1: out.insert(random.pick(interesting), at: min(position, out.count))
            case 2 where !out.isEmpty: out.removeSubrange(position..<min(out.count, position + 1 + random.below(8)))
            case 3 where !out.isEmpty:
                let end = min(out.count, position + 1 + random.below(40))
                out.insert(contentsOf: out[position..<end], at: random.below(out.count + 1))
            case 4: out = Array(out.prefix(position))
            case 5 where !out.isEmpty: out[position] = UInt8(truncatingIfNeeded: random.next())
            default: out.insert(contentsOf: Array("\"".utf8), at: min(position, out.count))
            }
        }
        return out
    }

    func check(_ table: Table) {
        #expect(table.columns.allSatisfy { $0.count == table.rowCount })
        #expect(Set(table.columnNames).count == table.columns.count)
    }

    /// The outcome of a parse, comparable across chunkings.
    enum Outcome: Equatable {
        case table(Table)
        case failure(line: Int?, message: String)
    }

    func outcome(_ bytes: [UInt8], separator: UInt8?, missing: [String] = [], chunks: Int?) -> Outcome {
        do { return .table(try CSVReader.parse(bytes: bytes, name: "t", separator: separator, missing: missing, chunks: chunks).checkedTable) } catch let error as CSVError {
            return .failure(line: error.line, message: error.message)
        } catch {
            Issue.record("not a CSVError: \(error)")
            return .failure(line: nil, message: "\(error)")
        }
    }

    @Test func mutatedFilesNeverCrashAndChunkingNeverChangesTheAnswer() {
        Fuzz.run("CSVFuzz", cases: Fuzz.cases(default: 3000)) { _, random in
            let bytes = Self.mutate(random.pick(Self.seeds), &random)
            let separator: UInt8? = random.chance(0.2) ? random.pick(Array(",;\t|1.x ".utf8)) : nil
            // Missing-value markers of every kind, numbers among them (they turn the fused number path off).
            let missing = random.chance(0.2) ? (0..<(1 + random.below(2))).map { _ in random.pick(["?", "-999", "1", "x", "é", "\"", "NA", "  "]) } : []
            Fuzz.describe("separator \(separator.map { String(UnicodeScalar($0)) } ?? "auto"), na \(missing): \(String(decoding: bytes, as: UTF8.self).debugDescription)")
            let single = outcome(bytes, separator: separator, missing: missing, chunks: 1)
            if case .table(let table) = single {
                check(table)
                // The records `mlw predict` echoes are the rows the reader read.
                let records = CSVRecords(bytes: bytes)
                records.locateRecords(separator: try! CSVReader.parse(bytes: bytes, name: "t", separator: separator, missing: missing).separator)
                #expect(records.records.count == table.rowCount, "records and rows differ: \(String(decoding: bytes, as: UTF8.self).debugDescription)")
            }
            let chunked = outcome(bytes, separator: separator, missing: missing, chunks: 2 + random.below(6))
            #expect(chunked == single, "chunking changed the answer for \(String(decoding: bytes, as: UTF8.self).debugDescription)")
        }
    }

    /// Large mutated files take the real chunking path (over 1 MiB).
    @Test func largeMutatedFilesMatchOneChunk() {
        Fuzz.run("CSVFuzzLarge", cases: max(1, Fuzz.cases(default: 3000) / 300)) { _, random in
            var body = Self.mutate(random.pick(Self.seeds), &random)
            let header = body.prefix { $0 != UInt8(ascii: "\n") }
            let rest = body.dropFirst(header.count)
            while body.count < (1 << 20) + 1000 { body.append(contentsOf: rest.isEmpty ? [UInt8(ascii: "\n")] : rest) }
            Fuzz.describe("large file from: \(String(decoding: body.prefix(400), as: UTF8.self).debugDescription)")
            #expect(outcome(body, separator: nil, chunks: nil) == outcome(body, separator: nil, chunks: 1))
        }
    }
}

/// The loader's number reader has two forms: one for fields with 40 bytes of buffer ahead,
/// which checks no bounds per digit, and one near the end of the buffer. On random
/// number-like fields both give the same answer, and every number they accept is exactly
/// what the general parser reads.
struct NumberFieldFuzzTests {
    @Test func bothFormsOfTheFieldReaderAgree() {
        let alphabet = Array("0123456789012345678901234567890123456789.-+e \r\n,;x".utf8)
        Fuzz.run("NumberFieldFuzz", cases: Fuzz.cases(default: 20_000)) { _, random in
            let length = random.below(random.chance(0.1) ? 45 : 14)
            var field = (0..<length).map { _ in random.pick(alphabet) }
            if random.chance(0.3) { field.append(random.pick(Array(",;\n".utf8))) }
            let separator = random.pick(Array(",;".utf8))
            Fuzz.describe("field \(String(decoding: field, as: UTF8.self).debugDescription), separator \(UnicodeScalar(separator))")
            // The same field, once with room after it and once at the very end of the buffer.
            let padded = field + [UInt8](repeating: UInt8(ascii: "7"), count: NumberParsing.windowSize)
            let windowed = padded.withUnsafeBufferPointer { NumberParsing.plainDecimalFieldInWindow($0.baseAddress!, from: 0, separator: separator) }
            let nearEnd = padded.withUnsafeBufferPointer { NumberParsing.plainDecimalFieldNearEnd($0.baseAddress!, from: 0, limit: $0.count, separator: separator) }
            let atEnd = field.withUnsafeBufferPointer { buffer in
                buffer.baseAddress.flatMap { NumberParsing.plainDecimalFieldNearEnd($0, from: 0, limit: buffer.count, separator: separator) }
            }
            #expect(windowed?.0.bitPattern == nearEnd?.0.bitPattern && windowed?.1 == nearEnd?.1)
            for (value, end) in [windowed, atEnd].compactMap({ $0 }) {
                let general = field.withUnsafeBufferPointer { NumberParsing.parseDouble($0.baseAddress!, end) }
                #expect(general?.bitPattern == value.bitPattern, "read \(value), the general parser \(String(describing: general))")
            }
        }
    }
}
