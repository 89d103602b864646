import Foundation

/// Writes tables as RFC 4180 CSV (comma separated, quotes only where needed, `\n` lines).
public enum CSVWriter {
    /// The CSV text of `table`; missing values are empty fields.
    /// - Complexity: O(rows × columns)
    public static func csv(_ table: Table) -> String {
        var out = table.columnNames.map(escape).joined(separator: ",")
        out += "\n"
        for row in 0..<table.rowCount {
            var first = true
            for column in table.columns {
                if !first { out += "," }
                first = false
                if let text = column.text(at: row) { out += escape(text) }
            }
            out += "\n"
        }
        return out
    }

    /// Writes the CSV text of `table` to `path` atomically.
    public static func write(_ table: Table, to path: String) throws {
        try csv(table).write(toFile: path, atomically: true, encoding: .utf8)
    }

    static func escape(_ field: String) -> String {
        if field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return field
    }
}
