import Foundation

/// Writes tables as RFC 4180 CSV (comma separated, quotes only where needed, `\n` lines),
/// or with another separator (tab for TSV).
/// Numbers print as `NumberFormatting.shortest` does (they read back to the same value);
/// missing values are empty fields. Row blocks are formatted in parallel straight into
/// bytes; text is escaped once per distinct value, not once per cell.
public enum CSVWriter {
    /// The CSV text of `table`.
    /// - Complexity: O(rows × columns)
    public static func csv(_ table: Table) -> String {
        String(decoding: formattedBlocks(table).joined(), as: UTF8.self)
    }

    /// Writes the CSV of `table` to `path` atomically: block by block into a temporary
    /// file beside it, renamed over `path` once complete.
    public static func write(_ table: Table, to path: String, separator: UInt8 = UInt8(ascii: ",")) throws {
        try AtomicFile.write(formattedBlocks(table, separator: separator), to: path)
    }

    /// Writes the CSV of `table` to an open file (standard output, say), block by block.
    public static func write(_ table: Table, to handle: FileHandle) throws {
        for block in formattedBlocks(table) { try handle.write(contentsOf: block) }
    }

    /// The CSV of `table` as byte blocks in order (the header first), for a caller that
    /// writes them itself.
    public static func blocks(_ table: Table) -> [[UInt8]] { formattedBlocks(table) }

    /// Each of `rows` of an input as it was written, followed by row i of `table`'s
    /// columns (the header likewise): appended columns that leave the input byte for byte.
    /// - Precondition: `rows.count == table.rowCount`.
    public static func blocks(_ table: Table, after input: CSVRecords, rows: [Int], separator: UInt8) -> [[UInt8]] {
        precondition(rows.count == table.rowCount, "one input record per row")
        return input.withBytes { bytes in formattedBlocks(table, separator: separator, echo: (bytes, input.header, input.records, rows)) }
    }

    /// A column ready for formatting; text holds each distinct value escaped, concatenated.
    private enum Field {
        case numbers([Double])
        case texts(codes: [Int32], escaped: [UInt8], ends: [Int])
        case booleans([UInt8])
        case dates([Double])
    }

    /// - Parameter echo: input bytes whose header and records (`records[rows[i]]` for row
    ///   i) start each line, before a separator and the table's fields.
    private static func formattedBlocks(_ table: Table, separator: UInt8 = UInt8(ascii: ","),
                                        echo: (bytes: UnsafeBufferPointer<UInt8>, header: Range<Int>, records: [Range<Int>], rows: [Int])? = nil) -> [[UInt8]] {
        let escape = { (field: String) in Self.escape(field, separator: separator) }
        let fields: [Field] = table.columns.map { column in
            switch column.data {
            case .number(let values): return .numbers(values)
            case .text(let codes, let dictionary):
                var escaped: [UInt8] = [], ends: [Int] = []
                for value in dictionary { escaped.append(contentsOf: escape(value).utf8); ends.append(escaped.count) }
                return .texts(codes: codes, escaped: escaped, ends: ends)
            case .boolean(let values): return .booleans(values)
            case .date(let values): return .dates(values)
            }
        }
        var header = Array((table.columnNames.map(escape).joined(separator: String(UnicodeScalar(separator))) + "\n").utf8)
        if let echo { header = Array(UnsafeBufferPointer(rebasing: echo.bytes[echo.header])) + [separator] + header }
        let rows = table.rowCount, q = fields.count
        let blockSize = max(4096, (rows + 63) / 64)
        let starts = Array(stride(from: 0, to: rows, by: blockSize))
        let body = Parallel.map(starts) { start -> [UInt8] in
            // Column by column into one scratch buffer (cell k = j * n + i ends at ends[k]),
            // then rows assembled from it: the per-column switch runs once per block.
            let n = min(start + blockSize, rows) - start
            var scratch: [UInt8] = []
            scratch.reserveCapacity(n * q * 8)
            var ends = [Int](repeating: 0, count: n * q)
            for (j, field) in fields.enumerated() {
                switch field {
                case .numbers(let values):
                    for i in 0..<n {
                        let value = values[start + i]
                        if !value.isNaN { appendNumber(value, to: &scratch) }
                        ends[j * n + i] = scratch.count
                    }
                case .texts(let codes, let escaped, let valueEnds):
                    escaped.withUnsafeBufferPointer { bytes in
                        for i in 0..<n {
                            let code = Int(codes[start + i])
                            if code >= 0 {
                                let from = code == 0 ? 0 : valueEnds[code - 1]
                                scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[from..<valueEnds[code]]))
                            }
                            ends[j * n + i] = scratch.count
                        }
                    }
                case .dates(let values):
                    for i in 0..<n {
                        let value = values[start + i]
                        if !value.isNaN { scratch.append(contentsOf: Dates.format(value).utf8) }
                        ends[j * n + i] = scratch.count
                    }
                case .booleans(let values):
                    for i in 0..<n {
                        switch values[start + i] {
                        case 0: scratch.append(contentsOf: "false".utf8)
                        case 1: scratch.append(contentsOf: "true".utf8)
                        default: break
                        }
                        ends[j * n + i] = scratch.count
                    }
                }
            }
            var out: [UInt8] = []
            out.reserveCapacity(scratch.count + n * q + (echo.map { e in (start..<(start + n)).reduce(0) { $0 + e.records[e.rows[$1]].count + 1 } } ?? 0))
            scratch.withUnsafeBufferPointer { cells in
                ends.withUnsafeBufferPointer { cellEnds in
                    for i in 0..<n {
                        if let echo {
                            out.append(contentsOf: UnsafeBufferPointer(rebasing: echo.bytes[echo.records[echo.rows[start + i]]]))
                            out.append(separator)
                        }
                        for j in 0..<q {
                            if j > 0 { out.append(separator) }
                            let k = j * n + i
                            let from = k == 0 ? 0 : cellEnds[k - 1]
                            out.append(contentsOf: UnsafeBufferPointer(rebasing: cells[from..<cellEnds[k]]))
                        }
                        out.append(UInt8(ascii: "\n"))
                    }
                }
            }
            return out
        }
        return [header] + body
    }

    /// `NumberFormatting.shortest` as bytes, whole numbers written digit by digit (a
    /// String per cell measured 10% slower on a million rows).
    private static func appendNumber(_ value: Double, to out: inout [UInt8]) {
        guard value == value.rounded(), abs(value) < 1e15 else { return out.append(contentsOf: value.description.utf8) }
        if value < 0 { out.append(UInt8(ascii: "-")) }
        var magnitude = Int64(value).magnitude
        let start = out.count
        repeat {
            out.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
            magnitude /= 10
        } while magnitude > 0
        out[start...].reverse()
    }

    static func escape(_ field: String, separator: UInt8 = UInt8(ascii: ",")) -> String {
        if field.utf8.contains(where: { $0 == separator || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") }) {
            return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return field
    }
}

/// Writes a file whole or not at all: into a temporary file beside it, synced, then renamed
/// over the path. A path that is a device or a pipe (`-o /dev/null`, a FIFO) is written in
/// place: renaming over it would replace the device with a plain file.
public enum AtomicFile {
    public static func write(_ blocks: [[UInt8]], to path: String) throws {
        var info = stat()
        if stat(path, &info) == 0, case let kind = info.st_mode & S_IFMT, kind != S_IFREG, kind != S_IFDIR {
            let descriptor = open(path, O_WRONLY | O_CLOEXEC)
            guard descriptor >= 0 else { throw CSVError(line: nil, message: String(cString: strerror(errno))) }
            let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
            for block in blocks { try handle.write(contentsOf: block) }
            try handle.close()
            return
        }
        let temporary = FilePaths.join(FilePaths.directory(of: path), "." + FilePaths.fileName(of: path) + ".tmp-\(getpid())")
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw CSVError(line: nil, message: String(cString: strerror(errno))) }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        do {
            for block in blocks { try handle.write(contentsOf: block) }
            try handle.synchronize()
            try handle.close()
            guard rename(temporary, path) == 0 else { throw CSVError(line: nil, message: String(cString: strerror(errno))) }
        } catch {
            unlink(temporary)
            throw error
        }
    }
}

/// Writes tables as JSON Lines: one object per row, `{"column": value, ...}`, with numbers
/// as numbers (missing and non-finite as null), booleans as true/false and text as strings.
public enum JSONLinesWriter {
    public static func write(_ table: Table, to path: String) throws {
        try AtomicFile.write(lines(table), to: path)
    }

    /// The rows as JSON Lines, in blocks formatted in parallel.
    public static func lines(_ table: Table) -> [[UInt8]] {
        let keys = table.columnNames.map { Array((string($0) + ":").utf8) }
        let texts: [[[UInt8]]?] = table.columns.map { column in
            guard case .text(_, let dictionary) = column.data else { return nil }
            return dictionary.map { Array(string($0).utf8) }
        }
        let blockSize = 8192
        return Parallel.map(Array(stride(from: 0, to: table.rowCount, by: blockSize))) { start -> [UInt8] in
            var out: [UInt8] = []
            for row in start..<min(start + blockSize, table.rowCount) {
                out.append(UInt8(ascii: "{"))
                for (j, column) in table.columns.enumerated() {
                    if j > 0 { out.append(UInt8(ascii: ",")) }
                    out.append(contentsOf: keys[j])
                    switch column.data {
                    case .number(let values):
                        let x = values[row]
                        out.append(contentsOf: (x.isFinite ? NumberFormatting.shortest(x) : "null").utf8)
                    case .boolean(let flags):
                        out.append(contentsOf: (flags[row] == Column.missingBoolean ? "null" : flags[row] == 1 ? "true" : "false").utf8)
                    case .date(let values):
                        out.append(contentsOf: (values[row].isNaN ? "null" : "\"" + Dates.format(values[row]) + "\"").utf8)
                    case .text(let codes, _):
                        let code = codes[row]
                        if code < 0 { out.append(contentsOf: "null".utf8) } else { out.append(contentsOf: texts[j]![Int(code)]) }
                    }
                }
                out.append(contentsOf: "}\n".utf8)
            }
            return out
        }
    }

    /// A JSON string literal.
    static func string(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }
}
