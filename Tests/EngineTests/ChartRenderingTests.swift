import Testing
@testable import Engine
import Tabular
import Foundation

/// The terminal drawing of charts: where marks land for known values, in both alphabets.
struct ChartRenderingTests {
    @Test func aBoxPlotPlacesWhiskersQuartilesMedianAndOutliersOnOneScale() {
        // One box from 0 to 100 over 21 cells: one cell is 5 units.
        let box = Chart.Boxes.Box(label: "a", count: 9, q1: 25, median: 50, q3: 75, low: 10, high: 90, outliers: [0, 100], outlierCount: 2)
        let chart = Chart.Boxes(title: "t", labelHeader: "", boxes: [box])
        let line = OutputRenderer(width: 21, ascii: true).render(.boxes(chart)).split(separator: "\n")[1]
        // 0 → 0, 10 → 2, 25 → 5, 50 → 10, 75 → 15, 90 → 18, 100 → 20.
        #expect(line == "o |--[====#====]--| o")
        let unicode = OutputRenderer(width: 21).render(.boxes(chart)).split(separator: "\n")[1]
        #expect(unicode == "· ├──▒▒▒▒▒█▒▒▒▒▒──┤ ·")
    }

    @Test func scatterPointsLandInTheCornersTheirValuesName() {
        let chart = Chart.Scatter(title: "t", xLabel: "x", yLabel: "y", x: [0, 10, 10], y: [0, 5, 5], groups: [0, 1, 1], groupLabels: ["p", "q"])
        let lines = OutputRenderer(width: 24, ascii: true).render(.scatter(chart)).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // Title, 16 rows, the axis, its labels and the legend.
        #expect(lines.count == 20)
        #expect(lines[1].hasPrefix("  5 +") && lines[1].hasSuffix("b"))
        #expect(lines[16].hasPrefix("  0 +a"))
        #expect(lines[19] == "a p  b q")
        // Braille without groups: the top-right dot of a cell and the bottom-left of another.
        let braille = OutputRenderer(width: 24).render(.scatter(Chart.Scatter(title: "t", xLabel: "x", yLabel: "y", x: [0, 10], y: [0, 5])))
            .split(separator: "\n").map(String.init)
        #expect(braille[1].hasSuffix("\u{2808}") && braille[16].hasPrefix("  0 ┤\u{2840}"))
    }

    /// A value with a line break (a quoted CSV field may hold one) is shown escaped, so it
    /// never breaks a table's or a chart's lines; wide characters count two columns.
    @Test func lineBreaksInValuesAreEscapedAndWideLabelsAlign() {
        let renderer = OutputRenderer(width: 80, ascii: true)
        let table = renderer.render(TextTable(headers: ["note", "n"], rows: [["multi\nline", "1"], ["tab\there\u{7}", "2"], ["plain", "3"]]))
        #expect(table.split(separator: "\n").count == 5)
        #expect(table.contains("multi\\nline") && table.contains("tab\\there\\u{7}"))
        let bars = renderer.render(.bars(Chart.Bars(title: "t", labelHeader: "note", valueHeader: "count", labels: ["日本", "multi\nline", "ab"], values: [1, 2, 3])))
        let lines = bars.split(separator: "\n").map(String.init)
        #expect(lines.count == 5)
        // The counts end in the same terminal column whatever the label's characters.
        let ends = lines.dropFirst(2).map { line in TextWidth.of(String(line.prefix { $0 != "#" }).trimmingCharacters(in: .whitespaces)) }
        #expect(Set(ends).count == 1, "\(lines)")
    }
}

/// A target's classes are counted per distinct number and each written once: the same
/// labels and counts as writing every row's value, with 0 and -0 and missing values among
/// them.
struct ClassLabelTests {
    @Test func numberClassesMatchCountingEveryRowsText() {
        var state: UInt64 = 3
        func next(_ bound: Int) -> Int { state = state &* 6364136223846793005 &+ 1442695040888963407; return Int(state >> 33) % bound }
        let pool: [Double] = [0, -0.0, 1, 1.5, 2, -3, 1e21, .nan]
        for _ in 0..<30 {
            let column = Column(name: "y", numbers: (0..<next(200)).map { _ in pool[next(pool.count)] })
            var expected: [String: Int] = [:]
            for row in 0..<column.count { if let text = column.text(at: row) { expected[text, default: 0] += 1 } }
            let classes = ClassLabels.from(column)
            #expect(Dictionary(uniqueKeysWithValues: classes.counts.map { ($0.label, $0.count) }) == expected)
            #expect(classes.labels == expected.keys.sorted(by: ClassLabels.precedes))
        }
    }
}
