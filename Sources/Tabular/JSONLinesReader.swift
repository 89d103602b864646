import Foundation

/// Reads JSON Lines: one flat JSON object per line (`{"a": 1, "b": "x"}`). The columns are
/// the keys in the order they first appear; a key a row lacks, and `null`, are missing.
/// A column of numbers is a number column, of true/false a boolean one; any other mix is
/// text (numbers written as they print). Objects and arrays as values are refused.
public enum JSONLinesReader {
    /// - Throws: `CSVError` (the reader errors share one type) naming the line.
    /// - Complexity: O(bytes); lines parsed in parallel blocks.
    public static func read(path: String, name: String, isCancelled: @escaping @Sendable () -> Bool = { false }) throws -> CSVReadResult {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CSVError(line: nil, message: "cannot open '\(path)': \(String(cString: strerror(errno)))")
        }
        return try parse(bytes: [UInt8](data), name: name, isCancelled: isCancelled)
    }

    /// The keys of a JSON object in the order written (its top level only).
    static func keyOrder(_ line: ArraySlice<UInt8>) -> [String] {
        var keys: [String] = []
        var depth = 0
        var i = line.startIndex
        while i < line.endIndex {
            let byte = line[i]
            if byte == UInt8(ascii: "\"") {
                // A string: find its end, then whether a ':' follows (a key, at depth 1).
                var j = i + 1
                while j < line.endIndex, line[j] != UInt8(ascii: "\"") { j += line[j] == UInt8(ascii: "\\") ? 2 : 1 }
                let end = min(j, line.endIndex - 1)
                var k = end + 1
                while k < line.endIndex, line[k] == 0x20 || line[k] == 0x09 { k += 1 }
                if depth == 1, k < line.endIndex, line[k] == UInt8(ascii: ":"),
                   let key = try? JSONDecoder().decode(String.self, from: Data(line[i...end])) {
                    keys.append(key)
                }
                i = end + 1
                continue
            }
            if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") { depth += 1 }
            if byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") { depth -= 1 }
            i += 1
        }
        return keys
    }

    /// A flat JSON value.
    enum Scalar: Decodable {
        case null
        case boolean(Bool)
        case number(Double)
        case text(String)

        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if c.decodeNil() { self = .null }
            else if let flag = try? c.decode(Bool.self) { self = .boolean(flag) }
            else if let number = try? c.decode(Double.self) { self = .number(number) }
            else { self = .text(try c.decode(String.self)) }
        }
    }

    public static func parse(bytes: [UInt8], name: String, isCancelled: @escaping @Sendable () -> Bool = { false }) throws -> CSVReadResult {
        // Line ranges, skipping blank lines.
        var lines: [(number: Int, range: Range<Int>)] = []
        var start = 0, number = 1
        for (i, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
            if i > start { lines.append((number, start..<i)) }
            start = i + 1
            number += 1
        }
        if start < bytes.count { lines.append((number, start..<bytes.count)) }
        lines = lines.filter { line in bytes[line.range].contains { !($0 == 0x20 || $0 == 0x09 || $0 == 0x0D) } }
        guard !lines.isEmpty else { throw CSVError(line: nil, message: "the file is empty (no JSON lines)") }
        // Parse in blocks; each row becomes its values by key.
        let blocks = stride(from: 0, to: lines.count, by: 4096).map { $0..<min(lines.count, $0 + 4096) }
        let parsed = Parallel.map(blocks) { block -> Result<[[String: Scalar]], CSVError> in
            if isCancelled() { return .failure(CSVError(line: nil, message: "interrupted")) }
            let decoder = JSONDecoder()
            var rows: [[String: Scalar]] = []
            for k in block {
                let line = lines[k]
                do {
                    rows.append(try decoder.decode([String: Scalar].self, from: Data(bytes[line.range])))
                } catch let error as DecodingError {
                    if case .typeMismatch(_, let context) = error, let key = context.codingPath.first?.stringValue {
                        return .failure(CSVError(line: line.number, message: "'\(key)' holds an object or a list; only flat JSON objects are read"))
                    }
                    return .failure(CSVError(line: line.number, message: "this line is not a JSON object"))
                } catch {
                    return .failure(CSVError(line: line.number, message: "this line is not a JSON object"))
                }
            }
            return .success(rows)
        }
        if isCancelled() { throw Interrupted() }
        var rows: [[String: Scalar]] = []
        rows.reserveCapacity(lines.count)
        for result in parsed { rows += try result.get() }
        // Keys in the order the first line writes them, then any others in order of first
        // appearance (sorted within the row that introduces them).
        var names: [String] = []
        var known = Set<String>()
        for key in keyOrder(bytes[lines[0].range]) where rows[0][key] != nil && known.insert(key).inserted { names.append(key) }
        for row in rows { for key in row.keys.sorted() where known.insert(key).inserted { names.append(key) } }
        var columns: [Column] = []
        for key in names {
            var numbers: [Double] = [], flags: [UInt8] = [], texts: [String?] = []
            var isNumber = true, isBoolean = true
            for row in rows {
                switch row[key] ?? .null {
                case .null:
                    numbers.append(.nan); flags.append(Column.missingBoolean); texts.append(nil)
                case .boolean(let flag):
                    isNumber = false
                    flags.append(flag ? 1 : 0); texts.append(flag ? "true" : "false")
                case .number(let value):
                    isBoolean = false
                    numbers.append(value); texts.append(NumberFormatting.shortest(value))
                case .text(let text):
                    isNumber = false; isBoolean = false
                    texts.append(text)
                }
            }
            if isNumber && !numbers.isEmpty && numbers.count == rows.count { columns.append(Column(name: key, numbers: numbers)) }
            else if isBoolean && flags.count == rows.count { columns.append(Column(name: key, data: .boolean(flags))) }
            else { columns.append(Column(name: key, texts: texts).inferringDates()) }
        }
        guard !columns.isEmpty else { throw CSVError(line: nil, message: "the objects hold no keys") }
        var result = CSVReadResult(table: Table(name: name, columns: columns), separator: 0, warnings: [])
        result.checksum = bytes.withUnsafeBytes { ContentChecksum.hexDigest($0) }
        return result
    }
}

/// Reads a table file in the format its extension names: JSON Lines for `.jsonl` and
/// `.ndjson`, else delimited text (CSV, TSV and others, the separator detected).
public enum TableReader {
    public static func isJSONLines(_ path: String) -> Bool {
        let name = FilePaths.fileName(of: path).lowercased()
        return name.hasSuffix(".jsonl") || name.hasSuffix(".ndjson")
    }

    /// - Parameter textColumns: CSV columns read as text whatever their values look like
    ///   (JSON Lines keep their JSON types).
    public static func read(path: String, name: String, separator: UInt8? = nil, missing: [String] = [], textColumns: Set<String> = [],
                            isCancelled: @escaping @Sendable () -> Bool = { false }, progress: ReadProgress? = nil) throws -> CSVReadResult {
        guard isJSONLines(path) else {
            return try CSVReader.read(path: path, name: name, separator: separator, missing: missing, textColumns: textColumns,
                                      isCancelled: isCancelled, progress: progress)
        }
        var result = try JSONLinesReader.read(path: path, name: name, isCancelled: isCancelled)
        if !missing.isEmpty {
            // Text values that are missing-value markers become missing, as in CSV files.
            for column in result.table.columns {
                guard case .text = column.data else { continue }
                var replaced = column
                for marker in missing { replaced = replaced.markingMissing(marker) }
                result.table.setColumn(replaced.inferringDates())
            }
        }
        return result
    }
}

extension Column {
    /// The column with every `marker` text value missing.
    func markingMissing(_ marker: String) -> Column {
        guard case .text(_, let dictionary) = data, dictionary.contains(marker) else { return self }
        // Rebuilt from the texts, so the marker does not stay behind as an unused value.
        return Column(name: name, texts: (0..<count).map { row in text(at: row).flatMap { $0 == marker ? nil : $0 } })
    }
}
