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
    public static func read(path: String, name: String, separator: UInt8? = nil, missing: [String] = [],
                            isCancelled: @escaping @Sendable () -> Bool = { false }) throws -> CSVReadResult {
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
            return try parse(bytes: bytes, name: name, separator: separator, missing: missing, isCancelled: isCancelled)
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
        var result = try parse.run()
        result.checksum = ContentChecksum.hexDigest(UnsafeRawBufferPointer(buffer))
        return result
    }

    /// Parses CSV bytes into a table.
    public static func parse(bytes: [UInt8], name: String, separator: UInt8? = nil, missing: [String] = [],
                             isCancelled: @escaping @Sendable () -> Bool = { false }) throws -> CSVReadResult {
        try parse(bytes: bytes, name: name, separator: separator, missing: missing, chunks: nil, isCancelled: isCancelled)
    }

    /// As `parse(bytes:…)`; `chunks` forces that many parallel chunks whatever the size
    /// (tests check that any chunking gives what one chunk gives).
    static func parse(bytes: [UInt8], name: String, separator: UInt8?, missing: [String] = [], chunks: Int?,
                      isCancelled: @escaping @Sendable () -> Bool = { false }) throws -> CSVReadResult {
        if let separator { try check(separator: separator) }
        guard !bytes.isEmpty else { throw CSVError(line: nil, message: "the file is empty (no header line)") }
        return try bytes.withUnsafeBufferPointer { buffer in
            var parse = CSVParse(buffer: buffer, name: name, separator: separator, isCancelled: isCancelled)
            parse.forcedChunks = chunks
            parse.missing = missing
            var result = try parse.run()
            result.checksum = ContentChecksum.hexDigest(UnsafeRawBufferPointer(buffer))
            return result
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
    static func readStream(_ fd: Int32, path: String, isCancelled: @Sendable () -> Bool) throws -> [UInt8] {
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

        let chunks = chunkBoundaries(from: bodyStart, separator: separator)
        let columnCount = names.count
        let parsed = Parallel.map(chunks) { chunk in
            var parser = ChunkParser(buffer: buffer, separator: separator, columnCount: columnCount, missing: missing, isCancelled: isCancelled)
            // Newlines bound the record count, so column arrays are allocated once.
            parser.estimatedRows = countNewlines(buffer, chunk) + 1
            return parser.parse(range: chunk, textColumns: nil)
        }
        if parsed.contains(where: { $0.interrupted }) { throw Interrupted() }
        if let failure = parsed.compactMap(\.failure).first {
            throw CSVError(line: lineNumber(at: failure.offset), message: failure.message)
        }
        return CSVReadResult(table: try assemble(parsed, chunks: chunks, names: names, separator: separator),
                             separator: separator, warnings: warnings)
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
    /// the body any newline is a boundary; with quotes a sequential scan tracks quoting.
    private func chunkBoundaries(from bodyStart: Int, separator: UInt8) -> [Range<Int>] {
        let bodyLength = buffer.count - bodyStart
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let chunkCount = forcedChunks.map { max(1, min($0, bodyLength)) }
            ?? (bodyLength < (1 << 20) ? 1 : min(max(cores * 4, 1), max(1, bodyLength / (1 << 18))))
        if chunkCount <= 1 || bodyLength <= 0 { return [bodyStart..<buffer.count] }
        let target = bodyLength / chunkCount
        let base = buffer.baseAddress!
        let hasQuotes = memchr(base + bodyStart, Int32(quote), bodyLength) != nil
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

    /// Resolves each column's type across chunks and concatenates the chunk columns.
    private func assemble(_ parsed: [ChunkResult], chunks: [Range<Int>], names: [String], separator: UInt8) throws -> Table {
        var parsed = parsed
        let columnCount = names.count
        var finalKinds: [ColumnKind] = []
        for c in 0..<columnCount {
            var sawNumber = false, sawBoolean = false, sawText = false
            for chunk in parsed {
                switch chunk.columns[c].kind {
                case .undetermined: break
                case .number: sawNumber = true
                case .boolean: sawBoolean = true
                case .text, .conflict: sawText = true
                }
            }
            if sawText || (sawNumber && sawBoolean) { finalKinds.append(.text) }
            else if sawBoolean { finalKinds.append(.boolean) }
            else { finalKinds.append(.number) }
        }
        // Re-read as text the chunk columns whose kind differs from the final kind.
        for k in parsed.indices {
            let redo = Set((0..<columnCount).filter { c in
                let kind = parsed[k].columns[c].kind
                return finalKinds[c] == .text && kind != .text && kind != .undetermined
            })
            if redo.isEmpty { continue }
            var parser = ChunkParser(buffer: buffer, separator: separator, columnCount: columnCount, missing: missing, isCancelled: isCancelled)
            let textual = parser.parse(range: chunks[k], textColumns: redo)
            if textual.interrupted { throw Interrupted() }
            for c in redo { parsed[k].columns[c] = textual.columns[c] }
        }
        if isCancelled() { throw Interrupted() }
        let finished = parsed
        let columns = try Parallel.map(columnCount) { c in
            Result { try assembleColumn(c, name: names[c], kind: finalKinds[c], parsed: finished) }
        }.map { try $0.get() }
        if columns.isEmpty { return Table(name: name, columns: []) }
        return Table(name: name, columns: columns)
    }

    private func assembleColumn(_ c: Int, name: String, kind: ColumnKind, parsed: [ChunkResult]) throws -> Column {
        let total = parsed.reduce(0) { $0 + $1.rows }
        switch kind {
        case .number, .undetermined:
            var values: [Double] = []
            values.reserveCapacity(total)
            for chunk in parsed {
                let column = chunk.columns[c]
                if column.kind == .undetermined {
                    values.append(contentsOf: repeatElement(Double.nan, count: chunk.rows))
                } else {
                    values.append(contentsOf: column.numbers)
                }
            }
            return Column(name: name, data: .number(values))
        case .boolean:
            var values: [UInt8] = []
            values.reserveCapacity(total)
            for chunk in parsed {
                let column = chunk.columns[c]
                if column.kind == .undetermined {
                    values.append(contentsOf: repeatElement(Column.missingBoolean, count: chunk.rows))
                } else {
                    values.append(contentsOf: column.booleans)
                }
            }
            return Column(name: name, data: .boolean(values))
        case .text, .conflict:
            var dictionary: [String] = []
            var lookup: [String: Int32] = [:]
            var codes: [Int32] = []
            codes.reserveCapacity(total)
            for chunk in parsed {
                let column = chunk.columns[c]
                if column.kind == .undetermined {
                    codes.append(contentsOf: repeatElement(Int32(-1), count: chunk.rows))
                    continue
                }
                let (local, invalid) = column.interner.strings()
                if let invalid {
                    throw CSVError(line: lineNumber(at: column.interner.firstOffsets[invalid]),
                                   message: "column '\(name)' holds text that is not valid UTF-8")
                }
                let remap: [Int32] = local.map { value in
                    if let code = lookup[value] { return code }
                    let code = Int32(dictionary.count)
                    lookup[value] = code
                    dictionary.append(value)
                    return code
                }
                let isIdentity = remap.enumerated().allSatisfy { Int32($0.offset) == $0.element }
                if isIdentity {
                    codes.append(contentsOf: column.codes)
                } else {
                    codes.append(contentsOf: column.codes.lazy.map { $0 < 0 ? -1 : remap[Int($0)] })
                }
            }
            return Column(name: name, data: .text(codes: codes, dictionary: dictionary)).inferringDates()
        }
    }
}

private enum FieldOutcome { case fieldEnd, recordEnd, bufferEnd }

/// Where the chunk scanner is within a record.
private enum ScanState { case fieldStart, unquoted, quoted, afterQuote }

/// Newlines in `range` (memchr is vectorised, so this costs little next to parsing).
private func countNewlines(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int {
    let base = buffer.baseAddress!
    var count = 0
    var position = range.lowerBound
    while position < range.upperBound,
          let found = memchr(base + position, Int32(newline), range.upperBound - position) {
        count += 1
        position = UnsafePointer<UInt8>(found.assumingMemoryBound(to: UInt8.self)) - base + 1
    }
    return count
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

/// What one chunk learned about one column. (A struct: a class would add a runtime
/// exclusivity check to every append in the parse loop, which measured 2× slower.)
private struct ChunkColumn {
    var kind: ColumnKind = .undetermined
    var pendingMissing = 0  // missing cells seen while the kind was undetermined
    var numbers: [Double] = []
    var booleans: [UInt8] = []
    var codes: [Int32] = []
    var interner = ByteInterner()
}

private struct ChunkResult {
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
    /// Capacity to reserve when a column's type becomes known.
    var estimatedRows = 0
    /// The fused number path scans digits, '.' and '-' before looking for the separator,
    /// so it is off when the separator is one of those, or when a missing-value marker
    /// looks like a number (it would be read as one).
    let fastNumbers: Bool
    /// The caller's missing-value markers, as bytes.
    let extraMissing: [[UInt8]]

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

    mutating func parse(range: Range<Int>, textColumns: Set<Int>?) -> ChunkResult {
        var columns = [ChunkColumn](repeating: ChunkColumn(), count: columnCount)
        var forcedText = [Bool](repeating: false, count: columnCount)
        if let textColumns { for c in textColumns { forcedText[c] = true } }
        let tokenizer = Tokenizer(buffer: UnsafeBufferPointer(rebasing: buffer[0..<range.upperBound]), separator: separator)
        var scratch: [UInt8] = []
        var position = range.lowerBound
        var rows = 0
        var fieldStart = 0, fieldEnd = 0
        let base = buffer.baseAddress!
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
                if fastNumbers, textColumns == nil, field < columnCount, columns[field].kind == .number,
                   let (value, end) = NumberParsing.plainDecimalField(base, from: position, limit: range.upperBound, separator: separator) {
                    columns[field].numbers.append(value)
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
                    return ChunkResult(columns: columns, rows: rows, failure: (error.offset, "a quoted field is never closed (missing '\"')"))
                } catch let error as AfterQuoteError {
                    return ChunkResult(columns: columns, rows: rows, failure: (error.offset, QuoteProblem.afterClosingQuote))
                } catch {
                    return ChunkResult(columns: columns, rows: rows, failure: (position, "\(error)"))
                }
                if field < columnCount {
                    if textColumns == nil || forcedText[field] {
                        if fieldStart < 0 {
                            scratch.withUnsafeBufferPointer { s in
                                store(s.baseAddress!, fieldEnd, offset: recordStart, into: &columns[field], forceText: forcedText[field])
                            }
                        } else {
                            store(base + fieldStart, fieldEnd - fieldStart, offset: fieldStart, into: &columns[field], forceText: forcedText[field])
                        }
                    }
                }
                field += 1
                if outcome != .fieldEnd { break }
            }
            if field != columnCount {
                let found = field
                return ChunkResult(columns: columns, rows: rows, failure: (recordStart, "expected \(columnCount) fields, found \(found)"))
            }
            rows += 1
            if rows & 0xFFFF == 0, isCancelled() {
                return ChunkResult(columns: columns, rows: rows, failure: nil, interrupted: true)
            }
        }
        return ChunkResult(columns: columns, rows: rows, failure: nil)
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

    @inline(__always)
    private func store(_ p: UnsafePointer<UInt8>, _ n: Int, offset: Int, into column: inout ChunkColumn, forceText: Bool) {
        let missing = isMissing(p, n)
        switch column.kind {
        case .number:
            if missing { column.numbers.append(.nan); return }
            if let value = NumberParsing.parseDouble(p, n) { column.numbers.append(value) }
            else { column.kind = .conflict; column.numbers = [] }
        case .boolean:
            if missing { column.booleans.append(Column.missingBoolean); return }
            if let value = parseBoolean(p, n) { column.booleans.append(value) }
            else { column.kind = .conflict; column.booleans = [] }
        case .text:
            column.codes.append(missing ? -1 : column.interner.intern(p, n, sourceOffset: offset))
        case .conflict:
            return
        case .undetermined:
            if missing { column.pendingMissing += 1; return }
            if !forceText, let value = NumberParsing.parseDouble(p, n) {
                column.kind = .number
                column.numbers.reserveCapacity(estimatedRows)
                column.numbers.append(contentsOf: repeatElement(Double.nan, count: column.pendingMissing))
                column.numbers.append(value)
            } else if !forceText, let value = parseBoolean(p, n) {
                column.kind = .boolean
                column.booleans.reserveCapacity(estimatedRows)
                column.booleans.append(contentsOf: repeatElement(Column.missingBoolean, count: column.pendingMissing))
                column.booleans.append(value)
            } else {
                column.kind = .text
                column.codes.reserveCapacity(estimatedRows)
                column.codes.append(contentsOf: repeatElement(Int32(-1), count: column.pendingMissing))
                column.codes.append(column.interner.intern(p, n, sourceOffset: offset))
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
