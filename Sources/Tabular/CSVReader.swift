import Dispatch
#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A problem reading or writing a CSV file, located by its physical line (1-based) when
/// the problem is in the content.
public struct CSVError: Error, Equatable, CustomStringConvertible, LocalizedError {
    public var line: Int?
    public var message: String

    public init(line: Int?, message: String) {
        self.line = line
        self.message = message
    }

    public var description: String { line.map { "line \($0): \(message)" } ?? message }
    public var errorDescription: String? { description }
}

/// How far a long read has got: bytes read, bytes in all, records read.
public typealias ReadProgress = (_ bytesRead: Int, _ totalBytes: Int, _ rows: Int) -> Void

/// Thrown when a long-running operation sees the user's interrupt (Ctrl-C).
public struct Interrupted: Error, Equatable {
    public init() {}
}

/// The result of reading a CSV file: the table plus facts worth reporting.
public struct CSVReadResult: Sendable {
    public var table: Table
    /// The separator that was used (detected or given).
    public var separator: UInt8
    /// Notes for the user, e.g. renamed duplicate headers.
    public var warnings: [String]
    /// `ContentChecksum` of the file's bytes (set by `read(path:)`).
    public var checksum: String = ""
    /// Each column's `missingCount`, when the reader counted them as it built the columns
    /// (nil: compute them).
    public var missingCounts: [Int]?
}

/// Reads CSV files into typed columnar tables.
///
/// Parsing works on bytes: the body is cut into chunks at record boundaries and the
/// chunks are parsed in parallel, each inferring column types as it goes (number,
/// boolean, text). Chunks that disagree on a column's type re-read that column as
/// text. Text is dictionary-encoded while parsing, so no string is built per cell.
public enum CSVReader {
    /// Field values that mean "missing" besides the empty field (as pandas' defaults).
    public static let missingMarkers: [String] = ["NA", "N/A", "NaN", "nan", "null", "NULL"]

    /// Reads the file at `path`, memory-mapped (no copy of the file is made).
    /// - Parameters:
    ///   - separator: the field separator; detected from the header line when nil.
    ///   - missing: more field values that mean "missing" (`?`, `-999`), besides the empty
    ///     field and `missingMarkers`.
    ///   - isCancelled: polled during parsing; when it returns true, `Interrupted` is thrown.
    /// - Complexity: O(bytes), spread over all cores.
    ///   - progress: called between parts of a long read with the bytes read so far, the
    ///     file's size and the records read so far.
    /// - Parameter textColumns: columns read as text whatever their values look like (a
    ///   model's text inputs: `02134` stays `02134`), and never as dates.
    public static func read(path: String, name: String, separator: UInt8? = nil, missing: [String] = [], textColumns: Set<String> = [],
                            isCancelled: @escaping @Sendable () -> Bool = { false }, progress: ReadProgress? = nil) throws -> CSVReadResult {
        if let separator { try check(separator: separator) }
        // Non-blocking, so a named pipe with no writer cannot hang open(); cleared below.
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw CSVError(line: nil, message: "cannot open '\(path)': \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw CSVError(line: nil, message: "cannot read '\(path)'") }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw CSVError(line: nil, message: "'\(path)' is a directory, not a CSV file")
        case S_IFIFO, S_IFSOCK:
            // A pipe (`/dev/stdin`, `<(cmd)`, a named pipe): read it to its end, then parse.
            let bytes = try readStream(fd, path: path, isCancelled: isCancelled)
            return try parse(bytes: bytes, name: name, separator: separator, missing: missing, textColumns: textColumns, isCancelled: isCancelled)
        default:
            throw CSVError(line: nil, message: "'\(path)' is a device, not a CSV file")
        }
        let size = Int(info.st_size)
        guard size > 0 else { throw CSVError(line: nil, message: "the file is empty (no header line)") }
        guard let mapping = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), mapping != MAP_FAILED else {
            throw CSVError(line: nil, message: "cannot read '\(path)': \(String(cString: strerror(errno)))")
        }
        defer { munmap(mapping, size) }
        let buffer = UnsafeBufferPointer(start: mapping.assumingMemoryBound(to: UInt8.self), count: size)
        var parse = CSVParse(buffer: buffer, name: name, separator: separator, isCancelled: isCancelled)
        parse.missing = missing
        parse.textColumns = textColumns
        parse.releasesParsedPages = true
        parse.progress = progress.map { report in { bytes, rows in report(bytes, size, rows) } }
        return try parse.run()
    }

    /// Parses CSV bytes into a table.
    public static func parse(bytes: [UInt8], name: String, separator: UInt8? = nil, missing: [String] = [], textColumns: Set<String> = [],
                             isCancelled: @escaping @Sendable () -> Bool = { false }) throws -> CSVReadResult {
        try parse(bytes: bytes, name: name, separator: separator, missing: missing, chunks: nil, textColumns: textColumns, isCancelled: isCancelled)
    }

    /// As `parse(bytes:…)`; `chunks` forces that many parallel chunks whatever the size
    /// (tests check that any chunking gives what one chunk gives).
    static func parse(bytes: [UInt8], name: String, separator: UInt8?, missing: [String] = [], chunks: Int?, textColumns: Set<String> = [],
                      isCancelled: @escaping @Sendable () -> Bool = { false }) throws -> CSVReadResult {
        if let separator { try check(separator: separator) }
        guard !bytes.isEmpty else { throw CSVError(line: nil, message: "the file is empty (no header line)") }
        return try bytes.withUnsafeBufferPointer { buffer in
            var parse = CSVParse(buffer: buffer, name: name, separator: separator, isCancelled: isCancelled)
            parse.forcedChunks = chunks
            parse.missing = missing
            parse.textColumns = textColumns
            return try parse.run()
        }
    }
}

extension CSVReader {
    /// Bytes that cannot separate fields: they delimit quoted fields and records.
    public static let forbiddenSeparators: Set<UInt8> = [UInt8(ascii: "\""), UInt8(ascii: "\n"), UInt8(ascii: "\r")]

    static func check(separator: UInt8) throws {
        if forbiddenSeparators.contains(separator) {
            throw CSVError(line: nil, message: "a quote or a line break cannot separate fields")
        }
    }

    /// Reads a pipe to its end, polling `isCancelled` while waiting for data.
    /// A named pipe that no process has opened for writing reads as end-of-file at once
    /// (Linux reports no hang-up for it); that is refused, since waiting could be forever.
    public static func readStream(_ fd: Int32, path: String, isCancelled: @Sendable () -> Bool) throws -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var sawWriter = false
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                sawWriter = true
                bytes.append(contentsOf: chunk[0..<n])
                continue
            }
            if n == 0 {
                if !sawWriter && bytes.isEmpty {
                    throw CSVError(line: nil, message: "'\(path)' is a pipe with nothing written to it (no process is writing, or it wrote nothing)")
                }
                return bytes
            }
            if errno == EINTR { if isCancelled() { throw Interrupted() }; continue }
            guard errno == EAGAIN || errno == EWOULDBLOCK else {
                throw CSVError(line: nil, message: "cannot read '\(path)': \(String(cString: strerror(errno)))")
            }
            sawWriter = true  // EAGAIN: a writer holds the pipe open, data is yet to come
            var waiting = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            _ = poll(&waiting, 1, 100)
            if isCancelled() { throw Interrupted() }
        }
    }
}

private let quote = UInt8(ascii: "\"")
private let newline = UInt8(ascii: "\n")
private let carriageReturn = UInt8(ascii: "\r")

/// One parse of one buffer; holds the pieces shared by the chunk workers.
private struct CSVParse {
    let buffer: UnsafeBufferPointer<UInt8>
    let name: String
    let requestedSeparator: UInt8?
    let isCancelled: @Sendable () -> Bool
    /// Tests only: this many chunks regardless of size.
    var forcedChunks: Int?
    /// Field values that mean "missing" besides the usual ones.
    var missing: [String] = []
    /// Columns read as text whatever their values look like, and never as dates.
    var textColumns: Set<String> = []
    /// The buffer is a read-only file mapping whose pages can be given back once parsed.
    var releasesParsedPages = false
    /// Called between waves with the bytes parsed so far and the records read.
    var progress: ((Int, Int) -> Void)?

    init(buffer: UnsafeBufferPointer<UInt8>, name: String, separator: UInt8?, isCancelled: @escaping @Sendable () -> Bool) {
        self.buffer = buffer
        self.name = name
        self.requestedSeparator = separator
        self.isCancelled = isCancelled
    }

    func run() throws -> CSVReadResult {
        var start = 0
        if buffer.count >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { start = 3 }  // UTF-8 BOM
        // Skip blank lines before the header.
        while start < buffer.count, buffer[start] == newline || buffer[start] == carriageReturn { start += 1 }
        guard start < buffer.count else { throw CSVError(line: nil, message: "the file is empty (no header line)") }

        let separator = requestedSeparator ?? detectSeparator(from: start)
        let tokenizer = Tokenizer(buffer: buffer, separator: separator)
        var headerFields: [String] = []
        var position = start
        var fieldStart = 0, fieldEnd = 0
        var scratch: [UInt8] = []
        while true {
            let outcome: FieldOutcome
            do {
                outcome = try tokenizer.nextField(at: &position, fieldStart: &fieldStart, fieldEnd: &fieldEnd, scratch: &scratch)
            } catch let error as QuoteError {
                throw CSVError(line: lineNumber(at: error.offset), message: "the header has a quoted name that is never closed (missing '\"')")
            } catch let error as AfterQuoteError {
                throw CSVError(line: lineNumber(at: error.offset), message: QuoteProblem.afterClosingQuote)
            }
            let bytes = tokenizer.fieldBytes(fieldStart, fieldEnd, scratch: scratch)
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw CSVError(line: 1 + lineOffset(start), message: "the header is not valid UTF-8")
            }
            headerFields.append(text.trimmingCharacters(in: .whitespaces))
            if outcome != .fieldEnd { break }
        }
        var warnings: [String] = []
        let names = uniqueNames(headerFields, warnings: &warnings)
        let bodyStart = position

        // Newlines bound each chunk's record count, so memory is allocated once. Chunks are
        // first cut at line ends and checked for quotes in the same parallel pass (the first
        // to touch the whole file); a quote anywhere means cutting again, as the tokenizer reads.
        var chunks = chunkBoundaries(from: bodyStart, separator: separator, quoted: false)
        let lineCounts = Parallel.map(chunks) { range in
            let scan = scanLines(buffer, range)
            return scan.hasQuote ? nil : scan.newlines
        }
        var estimates = lineCounts.map { ($0 ?? 0) + 1 }
        if lineCounts.contains(nil) {
            chunks = chunkBoundaries(from: bodyStart, separator: separator, quoted: true)
            estimates = Parallel.map(chunks) { countNewlines(buffer, $0) + 1 }
        }
        let columnCount = names.count
        // Chunks are parsed a wave at a time, one per core, each into a region reused by
        // the next wave; between waves their values are copied to the final columns. Fresh
        // memory (which the kernel must zero) is then the table and one wave's regions.
        let wave = max(1, ProcessInfo.processInfo.activeProcessorCount)
        let regions = (0..<min(wave, chunks.count)).map { _ in ChunkRegion(rows: estimates.max() ?? 1, columns: columnCount) }
        let builders = names.map { ColumnBuilder(name: $0, capacity: estimates.reduce(0, +), infersDates: !textColumns.contains($0)) }
        let alwaysText = names.indices.filter { textColumns.contains(names[$0]) }
        var checksum = ChecksumScan(buffer: UnsafeRawBufferPointer(buffer))
        var chunkOffsets: [Int] = []
        var rows = 0
        for first in stride(from: 0, to: chunks.count, by: wave) {
            let indices = first..<min(chunks.count, first + wave)
            let results = Parallel.map(indices.count) { j in
                var parser = ChunkParser(buffer: buffer, separator: separator, columnCount: columnCount, missing: missing, isCancelled: isCancelled)
                parser.alwaysText = alwaysText
                return parser.parse(range: chunks[first + j], region: regions[j], textColumns: nil)
            }
            if results.contains(where: { $0.interrupted }) || isCancelled() { throw Interrupted() }
            if let failure = results.compactMap(\.failure).first {
                throw CSVError(line: lineNumber(at: failure.offset), message: failure.message)
            }
            for (j, result) in results.enumerated() {
                chunkOffsets.append(rows)
                try integrate(result, chunk: first + j, chunks: chunks, offsets: chunkOffsets, into: builders, separator: separator)
                rows += result.rows
            }
            checksum.advance(to: chunks[indices.upperBound - 1].upperBound, releasing: releasesParsedPages)
            progress?(chunks[indices.upperBound - 1].upperBound, rows)
        }
        checksum.advance(to: buffer.count, releasing: false)
        // The first column's problem, as one chunk would have found it whatever the chunking.
        if let problem = builders.lazy.compactMap(\.problem).first { throw problem }
        let finished = Parallel.map(builders) { $0.column(rows: rows) }
        let table = columnCount == 0 ? Table(name: name, columns: []) : Table(name: name, columns: finished.map(\.column))
        var result = CSVReadResult(table: table, separator: separator, warnings: warnings)
        result.checksum = checksum.hexDigest
        // The digests the builders took serve the data fingerprint of the load step.
        for (column, known) in zip(table.columns, finished) { if let digest = known.valuesDigest { column.keepValuesDigest(digest) } }
        result.missingCounts = zip(finished, table.columns).map { $0.missing ?? $1.missingCount }
        return result
    }

    /// Adds one parsed chunk to the columns. A column whose chunks disagree on its type
    /// (numbers here, text there; numbers and booleans) becomes text, and the chunks read
    /// with another type are read again as text.
    private func integrate(_ result: ChunkResult, chunk k: Int, chunks: [Range<Int>], offsets: [Int],
                           into builders: [ColumnBuilder], separator: UInt8) throws {
        var earlier = Set<Int>(), again = Set<Int>()
        for (c, builder) in builders.enumerated() {
            let part = result.columns[c].kind
            guard part != .undetermined else { continue }
            if builder.kind == .undetermined || builder.kind == part {
                if part == .conflict { builder.become(.text, at: offsets[k]); again.insert(c) }
                continue
            }
            if builder.kind != .text {
                builder.become(.text, at: 0)
                if k > 0 { earlier.insert(c) }
            }
            if part != .text { again.insert(c) }
        }
        func reread(_ i: Int, _ columns: Set<Int>) throws {
            var parser = ChunkParser(buffer: buffer, separator: separator, columnCount: builders.count, missing: missing, isCancelled: isCancelled)
            let region = ChunkRegion(rows: (i == k ? result.rows : offsets[i + 1] - offsets[i]) + 1, columns: builders.count)
            let textual = parser.parse(range: chunks[i], region: region, textColumns: columns)
            if textual.interrupted { throw Interrupted() }
            for c in columns { builders[c].append(textual.columns[c], rows: textual.rows, at: offsets[i], lineNumber: lineNumber) }
        }
        if !earlier.isEmpty { for i in 0..<k { try reread(i, earlier) } }
        _ = Parallel.map(builders.count) { c in
            if !again.contains(c) {
                builders[c].append(result.columns[c], rows: result.rows, at: offsets[k], lineNumber: lineNumber)
            }
        }
        if !again.isEmpty { try reread(k, again) }
    }

    /// Counts candidate separators outside quotes on the header line; the most frequent wins.
    private func detectSeparator(from start: Int) -> UInt8 {
        let candidates: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\t"), UInt8(ascii: "|")]
        var counts = [Int](repeating: 0, count: candidates.count)
        var inQuotes = false
        var i = start
        while i < buffer.count {
            let byte = buffer[i]
            if byte == quote { inQuotes.toggle() }
            else if !inQuotes {
                if byte == newline { break }
                if let k = candidates.firstIndex(of: byte) { counts[k] += 1 }
            }
            i += 1
        }
        let best = counts.indices.max { counts[$0] < counts[$1] }!
        return counts[best] > 0 ? candidates[best] : candidates[0]
    }

    /// Empty header names become `column_N`; repeated names get a numeric suffix.
    private func uniqueNames(_ fields: [String], warnings: inout [String]) -> [String] {
        ColumnNames.unique(fields, warnings: &warnings)
    }

    /// Cuts the body into chunks that each start at a record boundary. Without quotes in
    /// the body (`quoted` false) any newline is a boundary; with quotes a sequential scan
    /// tracks quoting.
    private func chunkBoundaries(from bodyStart: Int, separator: UInt8, quoted hasQuotes: Bool) -> [Range<Int>] {
        let chunkBytes = 8 << 20  // a wave of chunks this size stays in the caches and memory
        let bodyLength = buffer.count - bodyStart
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let chunkCount = forcedChunks.map { max(1, min($0, bodyLength)) }
            ?? (bodyLength < (1 << 20) ? 1 : min(max(cores * 4, bodyLength / chunkBytes), max(1, bodyLength / (1 << 18))))
        if chunkCount <= 1 || bodyLength <= 0 { return [bodyStart..<buffer.count] }
        let target = bodyLength / chunkCount
        let base = buffer.baseAddress!
        var bounds = [bodyStart]
        if !hasQuotes {
            for k in 1..<chunkCount {
                let guess = max(bodyStart + k * target, bounds.last!)
                guard guess < buffer.count,
                      let found = memchr(base + guess, Int32(newline), buffer.count - guess) else { break }
                let next = UnsafePointer<UInt8>(found.assumingMemoryBound(to: UInt8.self)) - base + 1
                if next > bounds.last!, next < buffer.count { bounds.append(next) }
            }
        } else {
            // As the tokenizer reads: a quote opens a quoted field only at the start of a
            // field; elsewhere (`5"`) it is an ordinary byte. Counting every quote, as a
            // parity scan would, cuts records in the middle after such a field.
            var state = ScanState.fieldStart
            var nextTarget = bodyStart + target
            var i = bodyStart
            while i < buffer.count {
                let byte = base[i]
                switch state {
                case .fieldStart, .unquoted, .afterQuote:
                    if byte == newline {
                        if i >= nextTarget {
                            if i + 1 < buffer.count { bounds.append(i + 1) }
                            nextTarget = i + 1 + target
                        }
                        state = .fieldStart
                    } else if byte == separator {
                        state = .fieldStart
                    } else if byte == quote && state != .unquoted {
                        state = .quoted  // an opening quote, or the second of an escaped ""
                    } else {
                        state = .unquoted
                    }
                case .quoted:
                    if byte == quote { state = .afterQuote }
                }
                i += 1
            }
        }
        bounds.append(buffer.count)
        return (0..<bounds.count - 1).map { bounds[$0]..<bounds[$0 + 1] }
    }

    private func lineOffset(_ offset: Int) -> Int {
        var lines = 0
        for i in 0..<min(offset, buffer.count) where buffer[i] == newline { lines += 1 }
        return lines
    }

    /// The 1-based physical line holding byte `offset` (computed only on errors).
    private func lineNumber(at offset: Int) -> Int { 1 + lineOffset(offset) }

}

/// One column of the table being assembled from the chunks' values. Its type is the
/// first type a chunk found, until a chunk disagrees (then text); its storage has room
/// for every row the file can hold and is trimmed to the rows read at the end. As it
/// copies values in (in row order), it counts the missing ones and takes the digest of
/// the values for the table's fingerprint, while they are in cache.
private final class ColumnBuilder: @unchecked Sendable {
    let name: String
    private(set) var kind: ColumnKind = .undetermined
    let capacity: Int
    private var numbers: [Double] = []
    private var booleans: [UInt8] = []
    private var codes: [Int32] = []
    private var dictionary: [String] = []
    private var lookup: [String: Int32] = [:]
    /// `ValueDigest.word` of each dictionary entry.
    private var valueHashes: [UInt64] = []
    private var missing = 0
    private var digest = ValueDigest()
    /// Text that is not UTF-8, in the first chunk that has it.
    private(set) var problem: CSVError?

    /// Whether a finished text column whose values all read as dates becomes dates.
    let infersDates: Bool

    init(name: String, capacity: Int, infersDates: Bool = true) {
        self.name = name
        self.capacity = capacity
        self.infersDates = infersDates
    }

    /// An array of `count` trivial values, not yet written. Every value is written (by a
    /// chunk, or as missing) before the column is read. (Not advised into huge pages: at
    /// gigabytes the kernel compacts memory to find them, which measured 15–60% slower.)
    private static func uninitialized<T>(_ count: Int) -> [T] {
        [T](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
    }

    /// Takes `kind`, the rows before `offset` missing (those chunks had no values).
    func become(_ newKind: ColumnKind, at offset: Int) {
        kind = newKind == .conflict ? .text : newKind
        numbers = []; booleans = []; codes = []; dictionary = []; lookup = [:]; valueHashes = []
        missing = 0
        digest = ValueDigest()
        switch kind {
        case .number: numbers = Self.uninitialized(capacity)
        case .boolean: booleans = Self.uninitialized(capacity)
        default: codes = Self.uninitialized(capacity)
        }
        appendMissing(offset, at: 0)
    }

    /// Rows `offset ..< offset + count` are missing.
    private func appendMissing(_ count: Int, at offset: Int) {
        missing += count
        switch kind {
        case .number:
            numbers.withUnsafeMutableBufferPointer { ($0.baseAddress! + offset).update(repeating: .nan, count: count) }
            digest.add(count) { _ in ValueDigest.word(Double.nan) }
        case .boolean:
            booleans.withUnsafeMutableBufferPointer { ($0.baseAddress! + offset).update(repeating: Column.missingBoolean, count: count) }
            digest.add(count) { _ in UInt64(Column.missingBoolean) }
        default:
            codes.withUnsafeMutableBufferPointer { ($0.baseAddress! + offset).update(repeating: -1, count: count) }
            digest.add(count) { _ in ValueDigest.missingText }
        }
    }

    /// Copies a chunk's values (of this column's kind, or all missing) to rows `offset...`.
    func append(_ part: ChunkColumn, rows count: Int, at offset: Int, lineNumber: (Int) -> Int) {
        if kind == .undetermined {
            guard part.kind != .undetermined else { return }
            become(part.kind, at: offset)
        }
        if part.kind == .undetermined { appendMissing(count, at: offset); return }
        // Locals, so the loops below need no exclusivity checks on the class's properties.
        var digest = self.digest, missing = 0
        defer { self.digest = digest; self.missing += missing }
        switch kind {
        case .number:
            missing = Self.copy(count, from: part.numbers, to: &numbers, at: offset, digest: &digest, isMissing: \.isNaN, word: ValueDigest.word)
        case .boolean:
            missing = Self.copy(count, from: part.booleans, to: &booleans, at: offset, digest: &digest,
                                isMissing: { $0 == Column.missingBoolean }, word: { UInt64($0) })
        default:
            guard problem == nil else { return }
            let (local, invalid) = part.interner.strings()
            if let invalid {
                problem = CSVError(line: lineNumber(part.interner.firstOffsets[invalid]), message: "column '\(name)' holds text that is not valid UTF-8")
                return
            }
            let remap: [Int32] = local.map { value in
                if let code = lookup[value] { return code }
                let code = Int32(dictionary.count)
                lookup[value] = code
                dictionary.append(value)
                valueHashes.append(ValueDigest.word(value))
                return code
            }
            codes.withUnsafeMutableBufferPointer { target in
                let out = target.baseAddress! + offset, source = part.codes
                remap.withUnsafeBufferPointer { map in
                    valueHashes.withUnsafeBufferPointer { hashes in
                        digest.add(count) { i in
                            let local = source[i]
                            guard local >= 0 else { out[i] = -1; missing &+= 1; return ValueDigest.missingText }
                            let code = map[Int(local)]
                            out[i] = code
                            return hashes[Int(code)]
                        }
                    }
                }
            }
        }
    }

    /// Copies `count` values to `target[offset...]`, digesting each; returns how many were missing.
    @inline(__always)
    private static func copy<T>(_ count: Int, from source: UnsafePointer<T>, to target: inout [T], at offset: Int,
                                digest: inout ValueDigest, isMissing: (T) -> Bool, word: (T) -> UInt64) -> Int {
        var missing = 0
        target.withUnsafeMutableBufferPointer { buffer in
            let out = buffer.baseAddress! + offset
            digest.add(count) { i in
                let value = source[i]
                out[i] = value
                missing &+= isMissing(value) ? 1 : 0
                return word(value)
            }
        }
        return missing
    }

    /// The finished column of `rows` rows (a column no chunk saw a value in is numbers),
    /// with its missing count and values digest when it has the type the builder built.
    func column(rows: Int) -> (column: Column, missing: Int?, valuesDigest: UInt64?) {
        switch kind {
        case .undetermined: return (Column(name: name, numbers: [Double](repeating: .nan, count: rows)), rows, nil)
        case .number:
            numbers.removeLast(capacity - rows)
            return (Column(name: name, data: .number(numbers)), missing, digest.value)
        case .boolean:
            booleans.removeLast(capacity - rows)
            return (Column(name: name, data: .boolean(booleans)), missing, digest.value)
        default:
            codes.removeLast(capacity - rows)
            let text = Column(name: name, data: .text(codes: codes, dictionary: dictionary))
            let column = infersDates ? text.inferringDates() : text
            // A column that became dates is digested as dates, later.
            return column.type == .text ? (column, missing, digest.value) : (column, nil, nil)
        }
    }
}

private enum FieldOutcome { case fieldEnd, recordEnd, bufferEnd }

/// Where the chunk scanner is within a record.
private enum ScanState { case fieldStart, unquoted, quoted, afterQuote }

/// Newlines in `range`, and whether it holds a quote: one pass, 16 bytes at a time.
func scanLines(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> (newlines: Int, hasQuote: Bool) {
    let base = UnsafeRawPointer(buffer.baseAddress!)
    let newlines = SIMD16<UInt8>(repeating: newline), quotes = SIMD16<UInt8>(repeating: quote)
    let ones = SIMD16<UInt8>(repeating: 1)
    var count = 0
    var quoteSeen = SIMDMask<SIMD16<Int8>>(repeating: false)
    var i = range.lowerBound
    // Per-lane counts fit a byte for 255 steps.
    while i + 16 * 255 <= range.upperBound {
        var lanes = SIMD16<UInt8>()
        for _ in 0..<255 {
            let bytes = base.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self)
            lanes &+= ones.replacing(with: 0, where: bytes .!= newlines)
            quoteSeen .|= bytes .== quotes
            i += 16
        }
        count += Int(SIMD16<UInt16>(truncatingIfNeeded: lanes).wrappedSum())
    }
    var hasQuote = any(quoteSeen)
    while i < range.upperBound {
        if buffer[i] == newline { count += 1 } else if buffer[i] == quote { hasQuote = true }
        i += 1
    }
    return (count, hasQuote)
}

/// Newlines in `range`.
private func countNewlines(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int {
    scanLines(buffer, range).newlines
}

/// Splits fields, honouring quotes (`""` inside quotes is one quote character).
private struct Tokenizer {
    let buffer: UnsafeBufferPointer<UInt8>
    let separator: UInt8

    /// Reads one field starting at `position`; on return `position` is past the field's
    /// terminator. Quoted fields containing `""` are unescaped into `scratch` and
    /// reported with `fieldStart == -1`.
    @inline(__always)
    func nextField(at position: inout Int, fieldStart: inout Int, fieldEnd: inout Int, scratch: inout [UInt8]) throws -> FieldOutcome {
        let base = buffer.baseAddress!
        let count = buffer.count
        var i = position
        if i < count, base[i] == quote {
            i += 1
            let contentStart = i
            var escaped = false
            while true {
                guard i < count else { throw QuoteError(offset: contentStart - 1) }
                if base[i] == quote {
                    if i + 1 < count, base[i + 1] == quote { escaped = true; i += 2; continue }
                    break
                }
                i += 1
            }
            if escaped {
                scratch.removeAll(keepingCapacity: true)
                var j = contentStart
                while j < i {
                    scratch.append(base[j])
                    j += base[j] == quote ? 2 : 1
                }
                fieldStart = -1
                fieldEnd = scratch.count
            } else {
                fieldStart = contentStart
                fieldEnd = i
            }
            i += 1  // closing quote
            if i >= count { position = i; return .bufferEnd }
            let next = base[i]
            if next == separator { position = i + 1; return .fieldEnd }
            if next == newline { position = i + 1; return .recordEnd }
            if next == carriageReturn, i + 1 < count, base[i + 1] == newline { position = i + 2; return .recordEnd }
            if next == carriageReturn, i + 1 == count { position = count; return .bufferEnd }
            throw AfterQuoteError(offset: i)
        }
        let start = i
        while i < count {
            let byte = base[i]
            if byte == separator || byte == newline { break }
            i += 1
        }
        fieldStart = start
        if i >= count {
            fieldEnd = (i > start && base[i - 1] == carriageReturn) ? i - 1 : i
            position = i
            return .bufferEnd
        }
        if base[i] == newline {
            fieldEnd = (i > start && base[i - 1] == carriageReturn) ? i - 1 : i
            position = i + 1
            return .recordEnd
        }
        fieldEnd = i
        position = i + 1
        return .fieldEnd
    }

    func fieldBytes(_ start: Int, _ end: Int, scratch: [UInt8]) -> [UInt8] {
        start < 0 ? Array(scratch[0..<end]) : Array(buffer[start..<end])
    }
}

private struct QuoteError: Error { let offset: Int }
private enum QuoteProblem {
    static let afterClosingQuote = "unexpected character after a closing quote (a '\"' inside a quoted field must be written '\"\"')"
}
private struct AfterQuoteError: Error { let offset: Int }

private enum ColumnKind { case undetermined, number, boolean, text, conflict }

/// Memory for one chunk's values: a slot of `rows` × 8 bytes per column (numbers use
/// all 8, text codes 4, booleans 1), allocated at once and backed by huge pages, so the
/// parse loop stores through pointers: no array growth, no copy-on-write checks, and
/// few page faults. Pages of a slot that is never written are never touched.
private final class ChunkRegion: @unchecked Sendable {
    let rows: Int
    let base: UnsafeMutableRawPointer

    init(rows: Int, columns: Int) {
        self.rows = max(rows, 1)
        let bytes = max(self.rows * max(columns, 1) * 8, 8)
        var pointer: UnsafeMutableRawPointer?
        if posix_memalign(&pointer, HugePages.size, bytes) != 0 || pointer == nil { fatalError("out of memory reading a CSV chunk") }
        base = pointer!
        HugePages.advise(UnsafeMutableRawBufferPointer(start: base, count: bytes))
    }

    deinit { free(base) }

    func slot(_ column: Int) -> UnsafeMutableRawPointer { base + column * rows * 8 }
}

/// What one chunk learned about one column. Its values live in the chunk's region (the
/// column's slot), one per record, written at the record's index (every record has every
/// field, so no count of its own is kept); a struct, read and written in place through a
/// pointer.
private struct ChunkColumn {
    var kind: ColumnKind = .undetermined
    var slot: UnsafeMutableRawPointer
    var interner = ByteInterner()

    init(slot: UnsafeMutableRawPointer) { self.slot = slot }

    var numbers: UnsafeMutablePointer<Double> { slot.assumingMemoryBound(to: Double.self) }
    var booleans: UnsafeMutablePointer<UInt8> { slot.assumingMemoryBound(to: UInt8.self) }
    var codes: UnsafeMutablePointer<Int32> { slot.assumingMemoryBound(to: Int32.self) }
}

private struct ChunkResult {
    /// Their values are in the region the chunk was parsed into, until it is reused.
    var columns: [ChunkColumn]
    var rows: Int
    var failure: (offset: Int, message: String)?
    var interrupted = false
}

private struct ChunkParser {
    let buffer: UnsafeBufferPointer<UInt8>
    let separator: UInt8
    let columnCount: Int
    let isCancelled: @Sendable () -> Bool
    /// The fused number path scans digits, '.' and '-' before looking for the separator,
    /// so it is off when the separator is one of those, or when a missing-value marker
    /// looks like a number (it would be read as one).
    let fastNumbers: Bool
    /// The caller's missing-value markers, as bytes.
    let extraMissing: [[UInt8]]
    /// Columns stored as text whatever their values look like.
    var alwaysText: [Int] = []

    init(buffer: UnsafeBufferPointer<UInt8>, separator: UInt8, columnCount: Int, missing: [String],
         isCancelled: @escaping @Sendable () -> Bool) {
        self.buffer = buffer
        self.separator = separator
        self.columnCount = columnCount
        self.isCancelled = isCancelled
        extraMissing = missing.map { Array($0.utf8) }
        let numeric = Set("0123456789.-+".utf8)
        fastNumbers = !numeric.contains(separator) && !extraMissing.contains { $0.first.map(numeric.contains) ?? false }
    }

    /// Parses the records in `range` into `region` (which has room for them); with
    /// `textColumns`, reads only those columns, as text.
    mutating func parse(range: Range<Int>, region: ChunkRegion, textColumns: Set<Int>?) -> ChunkResult {
        let storage = UnsafeMutableBufferPointer<ChunkColumn>.allocate(capacity: columnCount)
        for c in 0..<columnCount { (storage.baseAddress! + c).initialize(to: ChunkColumn(slot: region.slot(c))) }
        defer { storage.deinitialize(); storage.deallocate() }
        let columns = storage
        func result(failure: (Int, String)? = nil, interrupted: Bool = false, rows: Int) -> ChunkResult {
            ChunkResult(columns: Array(columns), rows: rows, failure: failure, interrupted: interrupted)
        }
        var forcedText = [Bool](repeating: false, count: columnCount)
        if let textColumns { for c in textColumns { forcedText[c] = true } }
        for c in alwaysText { forcedText[c] = true }
        let tokenizer = Tokenizer(buffer: UnsafeBufferPointer(rebasing: buffer[0..<range.upperBound]), separator: separator)
        var scratch: [UInt8] = []
        var position = range.lowerBound
        var rows = 0
        var fieldStart = 0, fieldEnd = 0
        let base = buffer.baseAddress!
        let fused = fastNumbers && textColumns == nil
        while position < range.upperBound {
            // Blank lines (including a lone CR) are skipped, as most CSV readers do.
            if base[position] == newline { position += 1; continue }
            if base[position] == carriageReturn, position + 1 < range.upperBound, base[position + 1] == newline {
                position += 2; continue
            }
            let recordStart = position
            var field = 0
            while true {
                // Fused fast path: a plain decimal in a column already typed as numbers is
                // parsed while scanning for its end, instead of scanned twice.
                if fused, field < columnCount, columns[field].kind == .number,
                   let (value, end) = NumberParsing.plainDecimalField(base, from: position, limit: range.upperBound, separator: separator) {
                    columns[field].numbers[rows] = value
                    field += 1
                    if end >= range.upperBound { position = end; break }
                    let terminator = base[end]
                    if terminator == separator { position = end + 1; continue }
                    position = end + (terminator == newline ? 1 : 2)  // "\n" or "\r\n" (checked by the fast path)
                    break
                }
                let outcome: FieldOutcome
                do {
                    outcome = try tokenizer.nextField(at: &position, fieldStart: &fieldStart, fieldEnd: &fieldEnd, scratch: &scratch)
                } catch let error as QuoteError {
                    return result(failure: (error.offset, "a quoted field is never closed (missing '\"')"), rows: rows)
                } catch let error as AfterQuoteError {
                    return result(failure: (error.offset, QuoteProblem.afterClosingQuote), rows: rows)
                } catch {
                    return result(failure: (position, "\(error)"), rows: rows)
                }
                if field < columnCount {
                    if textColumns == nil || forcedText[field] {
                        if fieldStart < 0 {
                            scratch.withUnsafeBufferPointer { s in
                                store(s.baseAddress!, fieldEnd, offset: recordStart, into: &columns[field], row: rows, forceText: forcedText[field])
                            }
                        } else {
                            store(base + fieldStart, fieldEnd - fieldStart, offset: fieldStart, into: &columns[field], row: rows, forceText: forcedText[field])
                        }
                    }
                }
                field += 1
                if outcome != .fieldEnd { break }
            }
            if field != columnCount {
                return result(failure: (recordStart, "expected \(columnCount) fields, found \(field)"), rows: rows)
            }
            rows += 1
            if rows & 0xFFFF == 0, isCancelled() { return result(interrupted: true, rows: rows) }
        }
        return result(rows: rows)
    }

    @inline(__always)
    private func isMissing(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        if n == 0 { return true }
        for marker in extraMissing where marker.count == n {
            if marker.withUnsafeBufferPointer({ memcmp($0.baseAddress!, p, n) == 0 }) { return true }
        }
        if n > 4 { return false }
        let first = p[0]
        guard first == UInt8(ascii: "N") || first == UInt8(ascii: "n") else { return false }
        let text = String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)
        return CSVReader.missingMarkers.contains(text)
    }

    @inline(__always)
    private func parseBoolean(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt8? {
        if n == 4 {
            let t = p[0] | 0x20, r = p[1] | 0x20, u = p[2] | 0x20, e = p[3] | 0x20
            if t == UInt8(ascii: "t"), r == UInt8(ascii: "r"), u == UInt8(ascii: "u"), e == UInt8(ascii: "e") { return 1 }
        } else if n == 5 {
            let f = p[0] | 0x20, a = p[1] | 0x20, l = p[2] | 0x20, s = p[3] | 0x20, e = p[4] | 0x20
            if f == UInt8(ascii: "f"), a == UInt8(ascii: "a"), l == UInt8(ascii: "l"), s == UInt8(ascii: "s"), e == UInt8(ascii: "e") { return 0 }
        }
        return nil
    }

    /// Stores record `row`'s field in its column. While a column's kind is undetermined its
    /// fields so far were all missing, so they are written when the first value decides it.
    @inline(__always)
    private func store(_ p: UnsafePointer<UInt8>, _ n: Int, offset: Int, into column: inout ChunkColumn, row: Int, forceText: Bool) {
        let missing = isMissing(p, n)
        switch column.kind {
        case .number:
            if missing { column.numbers[row] = .nan; return }
            if let value = NumberParsing.parseDouble(p, n) { column.numbers[row] = value } else { column.kind = .conflict }
        case .boolean:
            if missing { column.booleans[row] = Column.missingBoolean; return }
            if let value = parseBoolean(p, n) { column.booleans[row] = value } else { column.kind = .conflict }
        case .text:
            column.codes[row] = missing ? -1 : column.interner.intern(p, n, sourceOffset: offset)
        case .conflict:
            return
        case .undetermined:
            if missing { return }
            if !forceText, let value = NumberParsing.parseDouble(p, n) {
                column.kind = .number
                column.numbers.update(repeating: .nan, count: row)
                column.numbers[row] = value
            } else if !forceText, let value = parseBoolean(p, n) {
                column.kind = .boolean
                column.booleans.update(repeating: Column.missingBoolean, count: row)
                column.booleans[row] = value
            } else {
                column.kind = .text
                column.codes.update(repeating: -1, count: row)
                column.codes[row] = column.interner.intern(p, n, sourceOffset: offset)
            }
        }
    }
}

/// Column names as a source gives them, made usable.
public enum ColumnNames {
    /// Empty names become `column_N` (N counted from 1); a repeated name gets `_2`, `_3`, …
    /// Each change adds a warning that says so.
    public static func unique(_ fields: [String], warnings: inout [String]) -> [String] {
        var seen = Set<String>()
        var names: [String] = []
        for (i, field) in fields.enumerated() {
            var candidate = field.isEmpty ? "column_\(i + 1)" : field
            if field.isEmpty { warnings.append("column \(i + 1) has no name; called it '\(candidate)'") }
            if seen.contains(candidate) {
                var suffix = 2
                while seen.contains("\(candidate)_\(suffix)") { suffix += 1 }
                warnings.append("column name '\(candidate)' is repeated; renamed the copy to '\(candidate)_\(suffix)'")
                candidate = "\(candidate)_\(suffix)"
            }
            seen.insert(candidate)
            names.append(candidate)
        }
        return names
    }
}
