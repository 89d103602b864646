import Foundation

/// The bytes of a CSV input's header and of each record as written, so rows can be
/// written back out unchanged: `mlw predict` echoes its input's rows byte for byte and
/// appends the predictions. A regular file is mapped; a pipe is read to its end (and
/// parsed from these bytes, since it cannot be read twice).
public final class CSVRecords: @unchecked Sendable {
    /// The whole input (a pipe's bytes; empty for a mapped file).
    public let bytes: [UInt8]
    private let mapping: (pointer: UnsafeMutableRawPointer, size: Int)?
    /// The header line, without its line end or a byte-order mark (after `locateRecords`).
    public private(set) var header: Range<Int> = 0..<0
    /// Each record, without its line end; blank lines are no records, as the reader has it
    /// (after `locateRecords`).
    public private(set) var records: [Range<Int>] = []

    /// Reads `path`: mapped when it is a regular file, read to its end when a pipe.
    /// - Throws: `CSVError` when it cannot be opened or read.
    public init(path: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw CSVError(line: nil, message: "cannot open '\(path)': \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw CSVError(line: nil, message: "cannot read '\(path)'") }
        if info.st_mode & S_IFMT == S_IFREG {
            let size = Int(info.st_size)
            bytes = []
            if size > 0, let pointer = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), pointer != MAP_FAILED {
                mapping = (pointer, size)
            } else {
                mapping = nil
            }
        } else {
            bytes = try CSVReader.readStream(fd, path: path, isCancelled: { false })
            mapping = nil
        }
    }

    /// Bytes already in memory.
    public init(bytes: [UInt8]) {
        self.bytes = bytes
        mapping = nil
    }

    deinit {
        if let mapping { munmap(mapping.pointer, mapping.size) }
    }

    /// Whether the input was read into `bytes` (a pipe) rather than mapped.
    public var isStream: Bool { mapping == nil }

    /// Calls `body` with the input's bytes.
    public func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        if let mapping { return try body(UnsafeBufferPointer(start: mapping.pointer.assumingMemoryBound(to: UInt8.self), count: mapping.size)) }
        return try bytes.withUnsafeBufferPointer(body)
    }

    /// The line of the input on which each of `rows` (0-based records) starts, counted
    /// from the bytes: records may span lines (quoted line breaks) and blank lines are no
    /// records, so it cannot be computed from the row.
    public func lineNumbers(of rows: Set<Int>) -> [Int: Int] {
        var result: [Int: Int] = [:]
        withBytes { b in
            var line = 1, position = 0
            for row in rows.sorted() where row < records.count {
                let start = records[row].lowerBound
                while position < start { if b[position] == UInt8(ascii: "\n") { line += 1 }; position += 1 }
                result[row] = line
            }
        }
        return result
    }

    /// Finds the header and the records, reading quotes as the reader does: a quote opens a
    /// quoted field only at the start of a field (elsewhere it is text), `""` inside one is
    /// a quote, and a line break inside one belongs to the field. A blank line (or a lone
    /// CR before one) is no record.
    /// - Parameter separator: the separator the reader found.
    public func locateRecords(separator: UInt8) {
        let newline = UInt8(ascii: "\n"), carriageReturn = UInt8(ascii: "\r"), quote = UInt8(ascii: "\"")
        var found: [Range<Int>] = []
        withBytes { b in
            var i = b.count >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF ? 3 : 0
            while i < b.count {
                if b[i] == newline { i += 1; continue }
                if b[i] == carriageReturn, i + 1 < b.count, b[i + 1] == newline { i += 2; continue }
                let start = i
                var quoted = false, fieldStart = true
                while i < b.count {
                    let byte = b[i]
                    if quoted {
                        if byte == quote {
                            if i + 1 < b.count, b[i + 1] == quote { i += 1 } else { quoted = false }
                        }
                    } else if byte == quote, fieldStart {
                        quoted = true
                        fieldStart = false
                    } else if byte == newline {
                        break
                    } else {
                        fieldStart = byte == separator
                    }
                    i += 1
                }
                var end = i
                if end > start, b[end - 1] == carriageReturn { end -= 1 }
                found.append(start..<end)
                i += 1
            }
        }
        if let first = found.first { header = first; records = Array(found.dropFirst()) } else { header = 0..<0; records = [] }
    }
}
