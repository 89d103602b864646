import Learning
import Tabular

/// Builds display tables from data (what `head`, `schema` and `describe` show).
enum Rendering {
    static func rows(of table: Table, limit: Int, target: String?) -> TextTable {
        let shown = min(limit, table.rowCount)
        var cells: [[String]] = []
        var dim: Set<TextTable.Cell> = []
        for row in 0..<shown {
            cells.append(table.columns.enumerated().map { c, column in
                if let text = column.text(at: row) {
                    // 8 significant digits: full values for typical data, no 0.30000000000000004 noise.
                    return column.type == .number ? NumberFormatting.significant(Double(text) ?? .nan, digits: 8) : text
                }
                dim.insert(TextTable.Cell(row: row, column: c))
                return "·"
            })
        }
        var result = TextTable(headers: table.columnNames, rows: cells, rightAligned: table.columns.map { $0.type == .number })
        result.dimCells = dim
        return result
    }

    static func schema(of table: Table, target: String?, split: Split?) -> TextTable {
        let rows = table.columns.map { column -> [String] in
            var role = column.name == target ? "target" : ""
            if case .text(_, let dictionary) = column.data { role += (role.isEmpty ? "" : ", ") + Plural.count(dictionary.count, "value") }
            return [column.name, column.type.rawValue, "\(column.missingCount)", role]
        }
        return TextTable(headers: ["column", "type", "missing", "notes"], rows: rows, rightAligned: [false, false, true, false])
    }

    /// Names joined with commas in at most `width` columns: as many as fit whole, then
    /// "+N more" (a table would clip the text instead, hiding where two lists differ).
    static func nameList(_ names: [String], width: Int) -> String {
        let all = names.joined(separator: ", ")
        guard TextWidth.of(all) > width else { return all }
        var shown: [String] = []
        for name in names {
            let more = " +\(names.count - shown.count - 1) more"
            if TextWidth.of((shown + [name]).joined(separator: ", ") + more) > width { break }
            shown.append(name)
        }
        return shown.isEmpty ? "\(names.count) columns" : shown.joined(separator: ", ") + " +\(names.count - shown.count) more"
    }

    /// "12 (3.5%)", or "0".
    static func missingText(_ missing: Int, of total: Int) -> String {
        missing == 0 || total == 0 ? "\(missing)" : "\(missing) (" + String(format: "%.1f%%", Double(missing) / Double(total) * 100) + ")"
    }

    static func describe(_ table: Table, columns names: [String]) -> [Output.Block] {
        let columns = names.compactMap { table.column(named: $0) }
        var blocks: [Output.Block] = []
        let numbers = columns.filter { $0.type == .number }
        if !numbers.isEmpty {
            let headers = ["column", "count", "missing", "distinct", "zeros", "mean", "std", "min", "25%", "50%", "75%", "max", "skew", "kurt"]
            let rows = Parallel.map(numbers) { column -> [String] in
                let s = Statistics.summarize(numbers: column.numericValues!)
                let f = { (v: Double) in v.isNaN ? "·" : NumberFormatting.significant(v, digits: 5) }
                let shape = { (v: Double) in v.isNaN ? "·" : String(format: "%.2f", v) }
                return [column.name, "\(s.count)", missingText(s.missing, of: s.count + s.missing), (s.distinctIsExact ? "" : "≈") + "\(s.distinct)",
                        "\(s.zeros)", f(s.mean), f(s.std), f(s.min), f(s.q25), f(s.median), f(s.q75), f(s.max), shape(s.skewness), shape(s.kurtosis)]
            }
            blocks.append(.table(TextTable(headers: headers, rows: rows, rightAligned: headers.indices.map { $0 > 0 })))
        }
        let dates = columns.filter { $0.type == .date }
        if !dates.isEmpty {
            let headers = ["column", "count", "missing", "distinct", "earliest", "median", "latest"]
            let rows = Parallel.map(dates) { column -> [String] in
                guard case .date(let seconds) = column.data else { return [] }
                let s = Statistics.summarize(numbers: seconds)
                let f = { (v: Double) in v.isNaN ? "·" : Dates.format(v) }
                return [column.name, "\(s.count)", missingText(s.missing, of: s.count + s.missing), (s.distinctIsExact ? "" : "≈") + "\(s.distinct)",
                        f(s.min), f(s.median), f(s.max)]
            }
            blocks.append(.table(TextTable(headers: headers, rows: rows, rightAligned: [false, true, true, true, true, true, true])))
        }
        let others = columns.filter { $0.type == .text || $0.type == .boolean }
        if !others.isEmpty {
            let headers = ["column", "type", "count", "missing", "distinct", "most frequent"]
            let rows = others.map { column -> [String] in
                let codes: [Int32], dictionary: [String]
                switch column.data {
                case .text(let c, let d): codes = c; dictionary = d
                default:
                    dictionary = ["false", "true"]
                    codes = (0..<column.count).map { row in column.text(at: row).map { $0 == "true" ? 1 : 0 } ?? -1 }
                }
                let s = Statistics.summarize(codes: codes, dictionary: dictionary, top: 3)
                return [column.name, column.type.rawValue, "\(s.count)", missingText(s.missing, of: s.count + s.missing), "\(s.distinct)",
                        s.top.map { "\($0.value) (\($0.count))" }.joined(separator: ", ")]
            }
            blocks.append(.table(TextTable(headers: headers, rows: rows, rightAligned: [false, false, true, true, true, false])))
        }
        return blocks
    }
}

/// Renders `Output` as text for a terminal of a given width, with ANSI colours or not.
public struct OutputRenderer: Sendable {
    public var width: Int
    public var colors: Bool
    /// Charts drawn with ASCII characters only (`MLW_ASCII=1`), for terminals and fonts
    /// without block characters.
    public var ascii: Bool

    public init(width: Int = 100, colors: Bool = false, ascii: Bool = false) {
        self.width = width
        self.colors = colors
        self.ascii = ascii
    }

    func paint(_ text: String, _ code: String) -> String { colors ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }

    /// The text of all blocks, separated by newlines.
    public func render(_ output: Output) -> String {
        output.blocks.map { block -> String in
            switch block {
            case .text(let text): return text
            case .facts(let title, let facts):
                let labelWidth = facts.map { TextWidth.of($0.label) }.max() ?? 0
                return ([title] + facts.map { fact in
                    TextWidth.wrap(fact.label.padding(toLength: labelWidth + 2, withPad: " ", startingAt: 0) + fact.value,
                                   width: width - 2, indent: labelWidth + 2)
                        .split(separator: "\n").map { "  " + $0 }.joined(separator: "\n")
                }).joined(separator: "\n")
            case .success(let text): return paint(TextWidth.wrap(text, width: width), "32")
            case .note(let text): return paint(TextWidth.wrap(text, width: width), "2")
            case .warning(let text): return paint(TextWidth.wrap("warning: " + text, width: width), "33")
            case .table(let table): return render(table)
            case .chart(let chart): return render(chart)
            }
        }.joined(separator: "\n")
    }

    /// A rendered diagnostic, with the `error:` and `help:` lines coloured when colours are on.
    public func renderError(_ text: String) -> String {
        guard colors else { return text }
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            if line.hasPrefix("error:") { return paint(String(line), "1;31") }
            if line.hasPrefix("help:") { return paint(String(line), "36") }
            return String(line)
        }.joined(separator: "\n")
    }

    /// Aligned columns, measured in terminal columns (wide characters count two). A table
    /// wider than the terminal is shown in pages of columns, each repeating the first
    /// column, rather than dropping any.
    public func render(_ table: TextTable) -> String {
        let columnCount = table.headers.count
        let maxCell = 40
        func clip(_ s: String) -> String { TextWidth.cell(s, width: maxCell) }
        let widths = (0..<columnCount).map { c in
            ([table.headers[c]] + table.rows.map { $0[c] }).map { TextWidth.of(clip($0)) }.max() ?? 0
        }
        // Pages: as many columns as fit, the first column repeated on each later page.
        var pages: [[Int]] = []
        var page: [Int] = []
        var used = 0
        for c in 0..<columnCount {
            let needed = widths[c] + (page.isEmpty ? 0 : 2)
            if used + needed > width, page.count > (pages.isEmpty ? 0 : 1) {
                pages.append(page)
                page = [0]
                used = widths[0]
            }
            page.append(c)
            used += widths[c] + (page.count == 1 ? 0 : 2)
        }
        if !page.isEmpty { pages.append(page) }
        func line(_ cells: [String], _ shown: [Int], row: Int?, header: Bool) -> String {
            shown.map { c -> String in
                var cell = TextWidth.pad(clip(cells[c]), to: widths[c], right: table.rightAligned[c])
                if header { cell = paint(cell, "1") }
                else if let row, table.dimCells.contains(TextTable.Cell(row: row, column: c)) { cell = paint(cell, "2") }
                return cell
            }.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
        return pages.map { shown in
            var lines = [line(table.headers, shown, row: nil, header: true)]
            lines.append(shown.map { String(repeating: "─", count: widths[$0]) }.joined(separator: "  "))
            for (r, row) in table.rows.enumerated() { lines.append(line(row, shown, row: r, header: false)) }
            return lines.joined(separator: "\n")
        }.joined(separator: "\n\n")
    }

}

import Foundation
