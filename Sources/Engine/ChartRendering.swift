import Foundation
import Tabular

/// Charts drawn in the terminal: bars of Unicode eighth blocks (or `#` in ASCII), sized to
/// the width, and heatmaps with background colours when colours are on.
extension OutputRenderer {
    public func render(_ chart: Chart) -> String {
        switch chart {
        case .bars(let bars): return render(bars)
        case .histogram(let histogram): return render(histogram)
        case .heatmap(let heatmap): return render(heatmap)
        case .boxes(let boxes): return render(boxes)
        case .scatter(let scatter): return render(scatter)
        case .sparkTable(let table): return render(table)
        }
    }

    /// A chart's title in bold, wrapped at word boundaries.
    func heading(_ title: String) -> String { paint(TextWidth.wrap(title, width: width), "1") }

    /// A bar `value / top` of `cells` wide, in eighths of a cell.
    func bar(_ value: Double, of top: Double, cells: Int) -> String {
        guard top > 0, value > 0, cells > 0 else { return "" }
        let eighths = Int((value / top * Double(cells * 8)).rounded())
        if ascii { return String(repeating: "#", count: max(1, (eighths + 4) / 8)) }
        let partial = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]
        return String(repeating: "█", count: eighths / 8) + partial[eighths % 8] + (eighths == 0 ? "▏" : "")
    }

    private func render(_ bars: Chart.Bars) -> String {
        let labels = bars.labels.map { TextWidth.cell($0, width: 30) }
        let values = bars.values.map { value in bars.decimals.map { String(format: "%.\($0)f", value) } ?? NumberFormatting.significant(value, digits: 6) }
        let labelWidth = max(TextWidth.of(bars.labelHeader), labels.map(TextWidth.of).max() ?? 0)
        let valueWidth = max(bars.valueHeader.count, values.map(\.count).max() ?? 0)
        let noteWidth = bars.annotations.isEmpty ? 0 : max(bars.annotationHeader.count, bars.annotations.map(\.count).max() ?? 0)
        let used = labelWidth + 2 + valueWidth + 2 + (noteWidth > 0 ? noteWidth + 2 : 0)
        let cells = max(10, min(40, width - used))
        let top = bars.maximum ?? bars.values.map(abs).max() ?? 0  // negative values: bars of their size, in red
        var lines = [heading(bars.title)]
        lines.append(paint(TextWidth.pad(bars.labelHeader, to: labelWidth) + "  "
                           + String(repeating: " ", count: valueWidth - bars.valueHeader.count) + bars.valueHeader
                           + (noteWidth > 0 ? "  " + String(repeating: " ", count: noteWidth - bars.annotationHeader.count) + bars.annotationHeader : ""), "1"))
        for (k, label) in labels.enumerated() {
            var line = TextWidth.pad(label, to: labelWidth) + "  "
                + String(repeating: " ", count: valueWidth - values[k].count) + values[k] + "  "
            if noteWidth > 0 {
                let note = k < bars.annotations.count ? bars.annotations[k] : ""
                line += String(repeating: " ", count: noteWidth - note.count) + note + "  "
            }
            lines.append(line + paint(bar(abs(bars.values[k]), of: top, cells: cells), bars.values[k] < 0 ? "31" : "36"))
        }
        return lines.map { $0.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) }.joined(separator: "\n")
    }

    private func render(_ histogram: Chart.Histogram) -> String {
        let edges = histogram.edges.map { histogram.dates ? Dates.format($0) : NumberFormatting.significant($0, digits: 4) }
        let lowWidth = edges.dropLast().map(\.count).max() ?? 0, highWidth = edges.dropFirst().map(\.count).max() ?? 0
        let counts = histogram.counts.map(String.init)
        let countWidth = counts.map(\.count).max() ?? 0
        let cells = max(10, min(50, width - (lowWidth + highWidth + countWidth + 8)))
        let top = Double(histogram.counts.max() ?? 0)
        var lines = [heading(histogram.title)]
        for k in histogram.counts.indices {
            let range = String(repeating: " ", count: lowWidth - edges[k].count) + edges[k] + (ascii ? " - " : " – ")
                + edges[k + 1] + String(repeating: " ", count: highWidth - edges[k + 1].count)
            let line = range + "  " + String(repeating: " ", count: countWidth - counts[k].count) + counts[k] + "  "
                + paint(bar(Double(histogram.counts[k]), of: top, cells: cells), "36")
            lines.append(line.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression))
        }
        return lines.joined(separator: "\n")
    }

    private func render(_ heatmap: Chart.Heatmap) -> String {
        let cell = { (v: Double) -> String in v.isNaN ? "·" : String(format: "%.\(heatmap.decimals)f", v) }
        let clip = { (s: String) in TextWidth.cell(s, width: 24) }
        let rowLabels = heatmap.rowLabels.map(clip), columnLabels = heatmap.columnLabels.map(clip)
        let labelWidth = rowLabels.map(TextWidth.of).max() ?? 0
        let texts = heatmap.values.map { $0.map(cell) }
        let widths = columnLabels.indices.map { j in max(TextWidth.of(columnLabels[j]), texts.map { $0[j].count }.max() ?? 0) }
        // Columns that do not fit the width go on further pages, each repeating the row labels.
        var pages: [Range<Int>] = []
        var first = 0
        while first < widths.count {
            var last = first + 1, used = labelWidth + 2 + widths[first]
            while last < widths.count, used + 2 + widths[last] <= width { used += 2 + widths[last]; last += 1 }
            pages.append(first..<last)
            first = last
        }
        let top = heatmap.values.flatMap { $0 }.filter { !$0.isNaN }.map(abs).max() ?? 1
        var lines = [heading(heatmap.title)]
        for (k, page) in pages.enumerated() {
            if k > 0 { lines.append("") }
            lines.append(paint(String(repeating: " ", count: labelWidth) + page.map { j in
                "  " + TextWidth.pad(columnLabels[j], to: widths[j], right: true)
            }.joined(), "1"))
            for (i, label) in rowLabels.enumerated() {
                var line = TextWidth.pad(label, to: labelWidth)
                for j in page {
                    let text = String(repeating: " ", count: widths[j] - texts[i][j].count) + texts[i][j]
                    line += "  " + shade(text, heatmap.values[i][j], top: heatmap.diverging ? 1 : top, diverging: heatmap.diverging)
                }
                lines.append(line)
            }
        }
        return lines.joined(separator: "\n")
    }

    /// A cell on a background whose strength follows the value: blue for positive, red for
    /// negative (diverging), blue alone otherwise; plain text without colours.
    private func shade(_ text: String, _ value: Double, top: Double, diverging: Bool) -> String {
        guard colors, !value.isNaN, top > 0 else { return text }
        let strength = min(1, abs(value) / top)
        let level = Int((strength * 4).rounded())  // 0…4
        guard level > 0 else { return text }
        let blues = [0, 153, 111, 69, 27], reds = [0, 224, 217, 210, 203]
        let colour = value < 0 && diverging ? reds[level] : blues[level]
        return "\u{1B}[48;5;\(colour)m\u{1B}[38;5;16m\(text)\u{1B}[0m"
    }
}
