import Foundation
import Testing
@testable import Tabular

struct CSVReaderTests {
    func read(_ text: String, separator: UInt8? = nil) throws -> Table {
        try CSVReader.parse(bytes: Array(text.utf8), name: "t", separator: separator).checkedTable
    }

    @Test func typesAreInferredPerColumn() throws {
        let table = try read("a,b,c,d\n1,x,true,\n2.5,y,false,\n")
        #expect(table.rowCount == 2)
        #expect(table.columns.map(\.type) == [.number, .text, .boolean, .number])
        #expect(table.column(named: "a")?.numericValues == [1, 2.5])
        #expect(table.column(named: "d")?.missingCount == 2)
    }

    @Test func quotedFieldsHoldSeparatorsQuotesAndNewlines() throws {
        let table = try read("name,note\n\"Smith, J\",\"said \"\"hi\"\"\nthen left\"\nplain,x\n")
        #expect(table.rowCount == 2)
        #expect(table.column(named: "name")?.text(at: 0) == "Smith, J")
        #expect(table.column(named: "note")?.text(at: 0) == "said \"hi\"\nthen left")
    }

    @Test func crlfBomAndMissingMarkers() throws {
        let table = try read("\u{FEFF}x,y\r\n1,NA\r\n2,a\r\n")
        #expect(table.columnNames == ["x", "y"])
        #expect(table.column(named: "y")?.text(at: 0) == nil)
        #expect(table.column(named: "y")?.text(at: 1) == "a")
    }

    @Test func separatorIsDetectedOrGiven() throws {
        #expect(try read("a;b\n1;2\n").columnNames == ["a", "b"])
        #expect(try read("a\tb\n1\t2\n").columnNames == ["a", "b"])
        #expect(try read("a;b\n1;2\n", separator: UInt8(ascii: ",")).columnNames == ["a;b"])
    }

    @Test(arguments: [
        ("a,b\n1,2\n3\n", 3, "expected 2 fields, found 1"),
        ("a,b\n1,2\n\"open,3\n", 3, "a quoted field is never closed"),
        ("a,b\n\"x\"y,2\n", 2, "unexpected character after a closing quote"),
        // The header goes through the same tokenizer and must map its errors the same way.
        ("\"abc,def\n1,2\n", 1, "the header has a quoted name that is never closed"),
        ("a,\"b\"x\n1,2\n", 1, "unexpected character after a closing quote"),
        ("\"", 1, "the header has a quoted name that is never closed"),
    ])
    func malformedFilesNameTheLine(text: String, line: Int, message: String) throws {
        let error = #expect(throws: CSVError.self) { try read(text) }
        #expect(error?.line == line)
        #expect(error?.message.hasPrefix(message) == true)
    }

    /// Chunk boundaries of a file over 1 MiB are found by a scan that must read quotes as
    /// the tokenizer does: `5"` in an unquoted field opens nothing.
    @Test func quoteInsideAnUnquotedFieldDoesNotShiftChunkBoundaries() throws {
        var text = "id,size,note\n"
        for i in 0..<120_000 {
            if i == 10 { text += "\(i),5\",plain\n" }
            else if i % 7 == 0 { text += "\(i),3,\"two\nlines, with comma\"\n" }
            else { text += "\(i),4,note\(i)\n" }
        }
        #expect(text.utf8.count > 2 << 20)
        let table = try read(text)
        #expect(table.rowCount == 120_000)
        #expect(table.column(named: "size")?.text(at: 10) == "5\"")
        #expect(table.column(named: "note")?.text(at: 119_994) == "two\nlines, with comma")
        #expect(table.column(named: "id")?.numericValues?.last == 119_999)
    }

    /// The fused number path must not read a separator that can occur in numbers.
    @Test(arguments: ["1", ".", "-", "+", "9"])
    func separatorsThatLookLikeNumberParts(separator: String) throws {
        let s = separator
        let table = try read("a\(s)b\n2\(s)3\n4\(s)5\n", separator: s.utf8.first!)
        #expect(table.columnNames == ["a", "b"])
        #expect(table.column(named: "a")?.numericValues == [2, 4])
        #expect(table.column(named: "b")?.numericValues == [3, 5])
    }

    @Test func quotesAndLineBreaksCannotSeparate() {
        for separator in ["\"", "\n", "\r"] {
            #expect(throws: CSVError.self) { try read("a,b\n1,2\n", separator: separator.utf8.first!) }
        }
    }

    /// Pipes are read to their end; a named pipe nobody writes to is refused at once
    /// instead of blocking in open().
    @Test func pipesAreReadAndAWriterlessNamedPipeIsRefused() throws {
        let path = NSTemporaryDirectory() + "mlw-fifo-\(UUID().uuidString)"
        #expect(mkfifo(path, 0o600) == 0)
        defer { unlink(path) }
        let error = #expect(throws: CSVError.self) { try CSVReader.read(path: path, name: "p") }
        #expect(error?.message.contains("is a pipe with nothing written to it") == true)
        // A writer already waiting (as `cat data > fifo &` is): the data arrives.
        // If a read gives up before this writer is counted, its write fails with EPIPE
        // (SIGPIPE ignored, not fatal) and it tries again with the next reader.
        signal(SIGPIPE, SIG_IGN)
        let writer = Thread {
            let bytes = Array("x,y\n1,2\n3,4\n".utf8)
            for _ in 0..<100 {
                let fd = open(path, O_WRONLY)
                let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                close(fd)
                if written == bytes.count { return }
            }
        }
        writer.start()
        var table: Table?
        for _ in 0..<100 where table == nil {
            usleep(20_000)
            table = try? CSVReader.read(path: path, name: "p").table
        }
        #expect(table?.rowCount == 2)
        #expect(throws: CSVError.self) { try CSVReader.read(path: "/dev/zero", name: "z") }
    }

    @Test func emptyFileIsAnError() {
        #expect(throws: CSVError.self) { try read("") }
    }

    @Test func duplicateHeadersAreRenamedWithAWarning() throws {
        let result = try CSVReader.parse(bytes: Array("a,a\n1,2\n".utf8), name: "t")
        #expect(result.table.columnNames == ["a", "a_2"])
        #expect(result.warnings.count == 1)
    }

    @Test func mixedChunksFallBackToText() throws {
        // Large enough for several parallel chunks; the last row makes column b text.
        var text = "a,b\n"
        for i in 0..<200_000 { text += "\(i),\(i % 7)\n" }
        text += "1,seven\n"
        let table = try read(text)
        #expect(table.rowCount == 200_001)
        #expect(table.column(named: "b")?.type == .text)
        #expect(table.column(named: "b")?.text(at: 8) == "1")
        #expect(table.column(named: "b")?.text(at: 200_000) == "seven")
        #expect(table.column(named: "a")?.numericValues?.last == 1)
    }

    @Test func numbersParseExactly() throws {
        let values = ["0.1", "-2.5e-3", "12345678901234567890", "1e300", "3.14159265358979323846", "007",
                      "123456789012345.6", "-0.000001", "inf", "-Infinity", " 42 "]
        let table = try read("x\n" + values.joined(separator: "\n") + "\n")
        let expected = values.map { Double($0.trimmingCharacters(in: .whitespaces).lowercased().replacingOccurrences(of: "infinity", with: "inf"))! }
        #expect(table.column(named: "x")?.numericValues == expected)
    }

    @Test func irisLoadsWithKnownFigures() throws {
        let table = try CSVReader.read(path: repositoryRoot + "/datasets/iris.csv", name: "iris").table
        #expect(table.rowCount == 150)
        let summary = Statistics.summarize(numbers: table.column(named: "sepal_length")!.numericValues!)
        #expect(abs(summary.mean - 5.843333333) < 1e-8)
        #expect(abs(summary.std - 0.8280661280) < 1e-9)
        #expect(summary.median == 5.8)
        #expect(summary.q25 == 5.1 && summary.q75 == 6.4)
        // pandas 3.1: skew() 0.3149109566369741, kurt() -0.5520640413156371, nunique() 35.
        #expect(abs(summary.skewness - 0.3149109566369741) < 1e-12)
        #expect(abs(summary.kurtosis - -0.5520640413156371) < 1e-12)
        #expect(summary.distinct == 35 && summary.distinctIsExact && summary.zeros == 0)
    }

    @Test func distinctValuesAreCountedExactlyThenEstimated() {
        let small = Statistics.summarize(numbers: [0, -0.0, 1, 1, .nan, 2])
        #expect(small.distinct == 3 && small.distinctIsExact && small.zeros == 2 && small.missing == 1)
        #expect(small.kurtosis.isNaN == false && Statistics.summarize(numbers: [1, 2]).skewness.isNaN)
        #expect(Statistics.summarize(numbers: [4, 4, 4, 4]).skewness.isNaN)
        // 300,000 values with 150,000 different ones: past the exact limit, within 2%.
        let many = (0..<300_000).map { Double($0 % 150_000) * 0.37 }
        let estimate = Statistics.summarize(numbers: many)
        #expect(!estimate.distinctIsExact)
        #expect(abs(Double(estimate.distinct) - 150_000) / 150_000 < 0.02)
    }

    @Test func writerRoundTrips() throws {
        let table = try read("name,v\n\"a, b\",1.5\n\"q\"\"\",\n")
        let again = try read(CSVWriter.csv(table))
        #expect(again == table)
    }

    @Test func writerFormatsEachKindOfValue() throws {
        let numbers: [Double] = [0, -0.0, 42, -7, 1e15, 123456789012345, 0.1, -2.5e-9, .infinity, .nan]
        let table = Table(name: "t", columns: [
            Column(name: "n", numbers: numbers),
            Column(name: "t,x", texts: ["plain", "a,b", "say \"hi\"", "two\nlines", nil, "plain", "", "é", "z", "y"]),
            Column(name: "b", data: .boolean([1, 0, Column.missingBoolean, 1, 0, 1, 0, 1, 0, 1])),
        ])
        let expected = """
        n,"t,x",b
        0,plain,true
        0,"a,b",false
        42,"say ""hi\""",
        -7,"two
        lines",true
        1000000000000000.0,,false
        123456789012345,plain,true
        0.1,,false
        -2.5e-09,é,true
        inf,z,false
        ,y,true

        """
        #expect(CSVWriter.csv(table) == expected)
        let cells = CSVWriter.csv(Table(name: "n", columns: [Column(name: "n", numbers: numbers)])).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(Array(cells[1...numbers.count]).map(String.init) == numbers.map(NumberFormatting.shortest))
        // Many rows go through several parallel blocks, in order.
        let long = Table(name: "l", columns: [Column(name: "i", numbers: (0..<50_000).map(Double.init))])
        #expect(CSVWriter.csv(long) == "i\n" + (0..<50_000).map { "\($0)\n" }.joined())
    }
}

/// `load … na=`: the caller's missing-value markers, numbers among them.
struct MissingMarkerTests {
    @Test func markersReadAsMissingInEveryColumnType() throws {
        let bytes = Array("a,b,c\n1,x,true\n?,-999,?\n3,y,false\n-999,?,true\n".utf8)
        let plain = try CSVReader.parse(bytes: bytes, name: "t").table
        #expect(plain.column(named: "a")?.type == .text && plain.column(named: "c")?.type == .text)
        let marked = try CSVReader.parse(bytes: bytes, name: "t", missing: ["?", "-999"]).table
        #expect(marked.column(named: "a")?.type == .number)
        #expect(marked.column(named: "a")!.missingCount == 2)
        #expect(marked.column(named: "b")?.type == .text && marked.column(named: "b")!.missingCount == 2)
        #expect(marked.column(named: "c")?.type == .boolean && marked.column(named: "c")!.missingCount == 1)
        // A marker that looks like a number is not read as one, whatever the chunking.
        for chunks in 1...4 {
            let chunked = try CSVReader.parse(bytes: bytes, name: "t", separator: nil, missing: ["?", "-999"], chunks: chunks).checkedTable
            #expect(chunked == marked)
        }
    }
}

/// Chunks are parsed a wave at a time and copied into the columns between waves; a
/// column whose type changes in a later wave is read again as text from its first chunk.
struct WaveTests {
    @Test func typesThatChangeInLaterChunksGiveWhatOneChunkGives() throws {
        var lines = ["late_text,late_bool,empty_then_number,number_then_empty,mixed_numbers_and_booleans,first_text"]
        for row in 0..<400 {
            lines.append([row == 377 ? "x" : "\(row)", row > 350 ? "maybe" : (row.isMultiple(of: 2) ? "true" : "false"),
                          row < 300 ? "" : "\(row).5", row < 100 ? "\(row)" : "", row < 200 ? "\(row)" : "true",
                          row == 0 ? "a" : "\(row)"].joined(separator: ","))
        }
        let bytes = Array((lines.joined(separator: "\n") + "\n").utf8)
        let single = try CSVReader.parse(bytes: bytes, name: "t", separator: nil, chunks: 1).checkedTable
        #expect(single.columns.map(\.type) == [.text, .text, .number, .number, .text, .text])
        #expect(single.column(named: "late_text")?.text(at: 5) == "5" && single.column(named: "late_text")?.text(at: 377) == "x")
        #expect(single.column(named: "mixed_numbers_and_booleans")?.text(at: 250) == "true")
        #expect(single.column(named: "empty_then_number")?.missingCount == 300)
        for chunks in [2, 3, 5, 8, 13, 40] {
            #expect(try CSVReader.parse(bytes: bytes, name: "t", separator: nil, chunks: chunks).checkedTable == single, "\(chunks) chunks")
        }
    }
}

/// The pass that sizes the chunks: its newline count bounds the records a chunk's memory
/// holds, so it must be exact, and one quote anywhere must be seen.
struct LineScanTests {
    @Test func newlinesAndQuotesAreFoundAtEveryOffset() {
        var state: UInt64 = 99
        func next() -> Int { state = state &* 6364136223846793005 &+ 1442695040888963407; return Int(state >> 33) }
        for length in [0, 1, 15, 16, 17, 4079, 4080, 4081, 8160, 8161, 20_000] {
            var bytes = (0..<length).map { _ in UInt8(ascii: next() % 7 == 0 ? "\n" : "a") }
            let quoteAt = length > 0 ? next() % length : 0
            for withQuote in [false, true] {
                if withQuote && length > 0 { bytes[quoteAt] = UInt8(ascii: "\"") }
                for range in [0..<length, min(3, length)..<length, 0..<max(0, length - 5)] {
                    let scan = bytes.withUnsafeBufferPointer { scanLines($0, range) }
                    #expect(scan.newlines == bytes[range].filter { $0 == UInt8(ascii: "\n") }.count, "length \(length), range \(range)")
                    #expect(scan.hasQuote == bytes[range].contains(UInt8(ascii: "\"")), "length \(length), range \(range)")
                }
            }
        }
    }
}

/// The records of an input as written, for echoing rows and naming their lines.
struct CSVRecordsTests {
    @Test func recordsAndTheirLinesSkipBlankLinesAndKeepQuotedBreaks() throws {
        let text = "\u{FEFF}a,b\r\n1,\"x\ny\"\r\n\r\n2,z\n\n3,\"q\"\"\"\n4,a\"b\n"
        let path = NSTemporaryDirectory() + "mlw-records-\(UUID().uuidString).csv"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let records = try CSVRecords(path: path)
        records.locateRecords(separator: UInt8(ascii: ","))
        let fields = records.withBytes { b in records.records.map { String(decoding: UnsafeBufferPointer(rebasing: b[$0]), as: UTF8.self) } }
        #expect(fields == ["1,\"x\ny\"", "2,z", "3,\"q\"\"\"", "4,a\"b"])  // a quote inside a field is text
        #expect(records.withBytes { b in String(decoding: UnsafeBufferPointer(rebasing: b[records.header]), as: UTF8.self) } == "a,b")
        #expect(records.lineNumbers(of: [0, 1, 2, 3]) == [0: 2, 1: 5, 2: 7, 3: 8])
        // As many records as the reader finds rows.
        #expect(try CSVReader.read(path: path, name: "t").table.rowCount == records.records.count)
    }
}

/// `AtomicFile` replaces a file by renaming a finished copy over it, but a device or a pipe
/// is written in place: `mlw predict … -o /dev/null` once replaced /dev/null with a file.
struct AtomicFileTests {
    func kind(_ path: String) -> mode_t {
        var info = stat()
        return stat(path, &info) == 0 ? info.st_mode & S_IFMT : 0
    }

    @Test func devicesAndPipesAreWrittenInPlace() throws {
        try AtomicFile.write([Array("a,b\n1,2\n".utf8)], to: "/dev/null")
        #expect(kind("/dev/null") == S_IFCHR)
        let directory = NSTemporaryDirectory() + "mlw-atomic-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        // A pipe, with a reader that takes the bytes.
        let fifo = directory + "/pipe"
        #expect(mkfifo(fifo, 0o600) == 0)
        let reader = Thread {
            let descriptor = open(fifo, O_RDONLY)
            var buffer = [UInt8](repeating: 0, count: 64)
            while read(descriptor, &buffer, 64) > 0 {}
            close(descriptor)
        }
        reader.start()
        try AtomicFile.write([Array("x\n".utf8)], to: fifo)
        #expect(kind(fifo) == S_IFIFO)
        // A plain file is still replaced whole.
        let file = directory + "/out.csv"
        try AtomicFile.write([Array("old\n".utf8)], to: file)
        try AtomicFile.write([Array("new\n".utf8)], to: file)
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "new\n" && kind(file) == S_IFREG)
    }
}
