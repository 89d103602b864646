import Foundation
import Tabular

/// Box plots and scatter plots in the terminal: one character per cell for boxes, braille
/// dots (2 × 4 per cell) for points, letters where groups need telling apart without colours.
extension OutputRenderer {
    /// Where a value falls among `cells` positions from `low` to `high`.
    private func position(_ x: Double, _ low: Double, _ high: Double, _ cells: Int) -> Int {
        guard high > low else { return cells / 2 }
        return max(0, min(cells - 1, Int(((x - low) / (high - low) * Double(cells - 1)).rounded())))
    }

    /// Three values under a plot of `cells`: the low end, the middle and the high end.
    private func axisLabels(_ low: Double, _ high: Double, cells: Int) -> String {
        let texts = [low, (low + high) / 2, high].map { NumberFormatting.significant($0, digits: 4) }
        var line = [Character](repeating: " ", count: cells)
        func put(_ text: String, at start: Int) {
            for (k, character) in text.enumerated() where start + k >= 0 && start + k < cells { line[start + k] = character }
        }
        put(texts[0], at: 0)
        put(texts[2], at: cells - texts[2].count)
        let middle = cells / 2 - texts[1].count / 2
        if middle > texts[0].count + 1, middle + texts[1].count < cells - texts[2].count - 1 { put(texts[1], at: middle) }
        return String(line)
    }

    func render(_ chart: Chart.Boxes) -> String {
        let labelled = !chart.labelHeader.isEmpty
        let labels = chart.boxes.map { TextWidth.cell($0.label, width: 24) }
        let labelWidth = labelled ? max(TextWidth.of(chart.labelHeader), labels.map { TextWidth.of($0) }.max() ?? 0) : 0
        let cells = max(20, min(100, width - (labelled ? labelWidth + 2 : 0)))
        let ends = chart.boxes.flatMap { [$0.low, $0.high] + $0.outliers }
        let low = ends.min() ?? 0, high = ends.max() ?? 0
        var lines = [heading(chart.title)]
        for (box, label) in zip(chart.boxes, labels) {
            var line = [String](repeating: " ", count: cells)
            let at = { (x: Double) in self.position(x, low, high, cells) }
            for x in box.outliers { line[at(x)] = ascii ? "o" : "·" }
            for k in at(box.low)...at(box.high) { line[k] = ascii ? "-" : "─" }
            line[at(box.low)] = ascii ? "|" : "├"
            line[at(box.high)] = ascii ? "|" : "┤"
            for k in at(box.q1)...at(box.q3) { line[k] = paint(ascii ? "=" : "▒", "36") }
            if ascii, at(box.q3) > at(box.q1) + 1 { line[at(box.q1)] = "["; line[at(box.q3)] = "]" }
            line[at(box.median)] = paint(ascii ? "#" : "█", "36")
            lines.append((labelled ? TextWidth.pad(label, to: labelWidth) + "  " : "") + line.joined().replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression))
        }
        lines.append((labelled ? String(repeating: " ", count: labelWidth + 2) : "") + paint(axisLabels(low, high, cells: cells), "2"))
        let f = { (v: Double) in NumberFormatting.significant(v, digits: 5) }
        let rows = chart.boxes.map { box in
            (labelled ? [box.label] : []) + ["\(box.count)", f(box.low), f(box.q1), f(box.median), f(box.q3), f(box.high), "\(box.outlierCount)"]
        }
        let headers = (labelled ? [chart.labelHeader] : []) + ["n", "whisker low", "q1", "median", "q3", "whisker high", "outliers"]
        lines.append(render(TextTable(headers: headers, rows: rows, rightAligned: headers.indices.map { $0 > 0 })))
        return lines.joined(separator: "\n")
    }

    /// Colours of groups (256-colour codes), distinct on dark and light backgrounds.
    private static let groupColours = [33, 208, 34, 196, 135, 130, 205, 244]

    func render(_ chart: Chart.Scatter) -> String {
        let grouped = !chart.groupLabels.isEmpty
        let braille = !ascii && (!grouped || colors)
        let finite = chart.x.indices.filter { chart.x[$0].isFinite && chart.y[$0].isFinite }
        let xs = finite.map { chart.x[$0] }, ys = finite.map { chart.y[$0] }
        guard var xLow = xs.min(), var xHigh = xs.max(), var yLow = ys.min(), var yHigh = ys.max() else { return heading(chart.title) }
        if let range = chart.xRange { (xLow, xHigh) = (min(xLow, range.lowerBound), max(xHigh, range.upperBound)) }
        if let range = chart.yRange { (yLow, yHigh) = (min(yLow, range.lowerBound), max(yHigh, range.upperBound)) }
        let yTexts = [yHigh, (yLow + yHigh) / 2, yLow].map { NumberFormatting.significant($0, digits: 4) }
        let labelWidth = yTexts.map(\.count).max() ?? 0
        let cells = max(20, min(120, width - labelWidth - 2))
        let rows = 16
        let (dotsX, dotsY) = braille ? (cells * 2, rows * 4) : (cells, rows)
        let groupCount = max(1, chart.groupLabels.count)
        var counts = [Int32](repeating: 0, count: cells * rows * groupCount)
        var dots = [UInt8](repeating: 0, count: cells * rows)
        // Braille dot bits by (column, row) within a cell.
        let bits: [[UInt8]] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]]
        for point in finite {
            let dx = position(chart.x[point], xLow, xHigh, dotsX)
            let dy = dotsY - 1 - position(chart.y[point], yLow, yHigh, dotsY)
            let cell = (braille ? dy / 4 : dy) * cells + (braille ? dx / 2 : dx)
            if braille { dots[cell] |= bits[dx % 2][dy % 4] }
            counts[cell * groupCount + (grouped ? chart.groups[point] : 0)] += 1
        }
        var lines = [heading(chart.title)]
        for row in 0..<rows {
            let label = row == 0 ? yTexts[0] : row == rows / 2 ? yTexts[1] : row == rows - 1 ? yTexts[2] : ""
            var line = String(repeating: " ", count: labelWidth - label.count) + label + (ascii ? (label.isEmpty ? " |" : " +") : (label.isEmpty ? " │" : " ┤"))
            for column in 0..<cells {
                let cell = row * cells + column
                let perGroup = counts[(cell * groupCount)..<((cell + 1) * groupCount)]
                let total = perGroup.reduce(0, +)
                guard total > 0 else { line += " "; continue }
                let majority = perGroup.indices.max { perGroup[$0] < perGroup[$1] }! - cell * groupCount
                let mark: String
                if braille {
                    mark = String(UnicodeScalar(0x2800 + UInt32(dots[cell]))!)
                } else if grouped {
                    mark = String(Character(UnicodeScalar(UInt8(97 + majority % 26))))
                } else {
                    mark = total == 1 ? "." : total < 4 ? "o" : "O"
                }
                line += grouped && colors ? "\u{1B}[38;5;\(Self.groupColours[majority % Self.groupColours.count])m\(mark)\u{1B}[0m" : mark
            }
            lines.append(line.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression))
        }
        lines.append(String(repeating: " ", count: labelWidth + 1) + (ascii ? "+" : "└") + String(repeating: ascii ? "-" : "─", count: cells))
        lines.append(String(repeating: " ", count: labelWidth + 2) + paint(axisLabels(xLow, xHigh, cells: cells), "2"))
        if grouped {
            let legend = chart.groupLabels.enumerated().map { k, label -> String in
                let mark = braille ? "●" : String(Character(UnicodeScalar(UInt8(97 + k % 26))))
                return (colors ? "\u{1B}[38;5;\(Self.groupColours[k % Self.groupColours.count])m\(mark)\u{1B}[0m" : mark) + " " + label
            }
            lines.append(legend.joined(separator: "  "))
        }
        return lines.joined(separator: "\n")
    }

    /// Heights as one character each: eighth blocks, or ASCII from '.' to '#'; nothing for 0.
    func sparkline(_ heights: [Double]) -> String {
        let top = heights.max() ?? 0
        let levels: [Character] = ascii ? [".", ":", "-", "=", "+", "*", "%", "#"] : ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
        return String(heights.map { h -> Character in
            guard top > 0, h > 0 else { return " " }
            return levels[min(7, Int((h / top * 8).rounded(.up)) - 1)]
        })
    }

    func render(_ chart: Chart.SparkTable) -> String {
        var table = chart.table
        for (row, heights) in chart.sparklines.enumerated() where row < table.rows.count { table.rows[row][chart.sparkColumn] = sparkline(heights) }
        return heading(chart.title) + "\n" + render(table)
    }
}
