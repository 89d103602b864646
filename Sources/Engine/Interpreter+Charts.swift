import CommandLanguage
import Foundation
import Tabular

/// The explore stage's charts of relations: `bar`, `box` and `scatter` (inspections). Each
/// computes the chart's data here; `ChartRendering` only draws it.
extension Interpreter {
    static func bar(_ name: String, _ aggregate: Aggregate?, top: Int, where condition: Tabular.Expression?, _ step: inout Step) throws {
        let whole = try currentTable(step.ws)
        guard whole.column(named: name) != nil else { throw noSuchColumn(name, whole) }
        var numbers: [Double]?
        if let valueName = aggregate?.column {
            guard let valueColumn = whole.column(named: valueName) else { throw noSuchColumn(valueName, whole) }
            guard valueColumn.type.isNumeric else {
                throw Diagnostic(.badValue, "\(aggregate!.function.rawValue)() needs numbers, and '\(valueName)' is \(valueColumn.type.rawValue)",
                                 help: "count its rows per value with 'crosstab \(Tabular.Expression.quoteIdentifier(name)) \(Tabular.Expression.quoteIdentifier(valueName))'")
            }
        }
        let table = try subset(whole, where: condition)
        numbers = aggregate?.column.flatMap { table.column(named: $0)?.numericValues }
        let column = table.column(named: name)!
        let groups = valueGroups(column, rowCount: table.rowCount)
        guard !groups.isEmpty else { throw Diagnostic(.dataError, "no rows\(condition.map { " where \($0)" } ?? "") to draw") }
        // The `top` values with the most rows, then in value order, or by the aggregate.
        var shown = groups.indices.sorted { groups[$0].rows.count != groups[$1].rows.count ? groups[$0].rows.count > groups[$1].rows.count : $0 < $1 }
            .prefix(top).sorted()
        var values = shown.map { k -> Double in
            guard let aggregate, aggregate.function != .count else { return Double(groups[k].rows.count) }
            return Self.aggregateValue(aggregate.function, groups[k].rows, numbers ?? [])
        }
        if aggregate != nil, aggregate?.function != .count {
            let order = values.indices.sorted { values[$0].isNaN ? false : values[$1].isNaN ? true : values[$0] > values[$1] }
            shown = order.map { shown[$0] }
            values = order.map { values[$0] }
        }
        let scope = condition.map { " where \($0)" } ?? ""
        let what = aggregate.map { $0.function == .count ? "rows" : $0.text } ?? "rows"
        step.output.blocks.append(.chart(.bars(Chart.Bars(
            title: "\(what) per \(name)\(scope): \(Plural.count(groups.count, "value")) in \(Plural.count(table.rowCount, "row"))",
            labelHeader: name, valueHeader: aggregate?.text ?? "count", labels: shown.map { groups[$0].label }, values: values))))
        if groups.count > shown.count {
            step.output.blocks.append(.note("the \(shown.count) values with the most rows shown of \(groups.count); top=N shows more"
                                            + (column.type == .number ? " ('hist \(Tabular.Expression.quoteIdentifier(name))' bins them)" : "")))
        }
    }

    static func box(_ names: [String], by: String?, where condition: Tabular.Expression?, _ step: inout Step) throws {
        let whole = try currentTable(step.ws)
        for name in names + [by].compactMap({ $0 }) where whole.column(named: name) == nil { throw noSuchColumn(name, whole) }
        if let text = names.compactMap({ whole.column(named: $0) }).first(where: { $0.type != .number }) {
            throw Diagnostic(.badValue, "'\(text.name)' is \(text.type.rawValue); a box plot needs a number column",
                             help: by == nil ? "to split boxes by it: 'box COLUMN by \(Tabular.Expression.quoteIdentifier(text.name))'" : nil)
        }
        let table = try subset(whole, where: condition)
        let scope = condition.map { " where \($0)" } ?? ""
        var groups = by.map { valueGroups(table.column(named: $0)!, rowCount: table.rowCount) } ?? [(label: "", rows: Array(0..<table.rowCount))]
        let dropped = max(0, groups.count - 12)
        if dropped > 0 {
            let kept = Set(groups.indices.sorted { groups[$0].rows.count > groups[$1].rows.count }.prefix(12))
            groups = groups.indices.filter(kept.contains).map { groups[$0] }
        }
        for name in names {
            let values = table.column(named: name)!.numericValues!
            let boxes = groups.compactMap { group -> Chart.Boxes.Box? in
                var present = group.rows.map { values[$0] }.filter { !$0.isNaN }
                guard !present.isEmpty else { return nil }
                return tukeyBox(group.label, &present)
            }
            guard !boxes.isEmpty else { throw Diagnostic(.dataError, "'\(name)' has no values\(scope) to draw") }
            let count = boxes.reduce(0) { $0 + $1.count }
            step.output.blocks.append(.chart(.boxes(Chart.Boxes(
                title: "\(name)\(by.map { " by \($0)" } ?? "")\(scope): \(Plural.count(count, "value"))", labelHeader: by ?? "", boxes: boxes))))
        }
        if dropped > 0 {
            step.output.blocks.append(.note("the 12 values of \(by!) with the most rows shown; \(dropped) more left out (narrow them with 'where')"))
        }
    }

    /// The most points a scatter plot keeps (evenly spaced rows beyond).
    static let scatterPoints = 20_000

    static func scatter(_ xName: String, _ yName: String, by: String?, where condition: Tabular.Expression?, _ step: inout Step) throws {
        let whole = try currentTable(step.ws)
        for name in [xName, yName] + [by].compactMap({ $0 }) where whole.column(named: name) == nil { throw noSuchColumn(name, whole) }
        for name in [xName, yName] where !whole.column(named: name)!.type.isNumeric {
            throw Diagnostic(.badValue, "'\(name)' is \(whole.column(named: name)!.type.rawValue); a scatter plot needs number columns",
                             help: by == nil ? "to mark points by it: 'scatter X Y by \(Tabular.Expression.quoteIdentifier(name))'" : nil)
        }
        let table = try subset(whole, where: condition)
        let x = table.column(named: xName)!.numericValues!, y = table.column(named: yName)!.numericValues!
        var rows = (0..<table.rowCount).filter { x[$0].isFinite && y[$0].isFinite }
        let left = table.rowCount - rows.count
        let scope = condition.map { " where \($0)" } ?? ""
        guard !rows.isEmpty else { throw Diagnostic(.dataError, "no rows\(scope) with both \(xName) and \(yName) to draw") }
        let total = rows.count
        if rows.count > scatterPoints {
            rows = (0..<scatterPoints).map { rows[$0 * total / scatterPoints] }
        }
        var groupOfRow: [Int] = [], labels: [String] = []
        if let by {
            let groups = valueGroups(table.column(named: by)!, rowCount: table.rowCount)
            // The 7 values with the most rows keep their colour; the rest share "other".
            let ranked = groups.indices.sorted { groups[$0].rows.count > groups[$1].rows.count }
            let kept = groups.count <= 8 ? Array(groups.indices) : Array(ranked.prefix(7)).sorted()
            var index = [Int](repeating: kept.count, count: table.rowCount)
            for (k, group) in kept.enumerated() { for row in groups[group].rows { index[row] = k } }
            labels = kept.map { groups[$0].label } + (groups.count > kept.count ? ["other (\(groups.count - kept.count) values)"] : [])
            groupOfRow = rows.map { index[$0] }
        }
        var title = "\(yName) against \(xName)\(by.map { " by \($0)" } ?? "")\(scope): \(Plural.count(total, "point"))"
        if total > rows.count { title += " (\(rows.count) evenly spaced drawn)" }
        if left > 0 { title += ", \(left) without both values left out" }
        step.output.blocks.append(.chart(.scatter(Chart.Scatter(title: title, xLabel: xName, yLabel: yName,
                                                                 x: rows.map { x[$0] }, y: rows.map { y[$0] }, groups: groupOfRow, groupLabels: labels))))
    }

    /// The rows where the condition holds, as a table (the table itself without one).
    private static func subset(_ table: Table, where condition: Tabular.Expression?) throws -> Table {
        guard let rows = try rows(where: condition, in: table) else { return table }
        return table.gathering(rows)
    }

    /// The rows of each value of a column, in value order (numbers by size, text by its
    /// characters, false before true), missing values last as "(missing)".
    static func valueGroups(_ column: Column, rowCount: Int) -> [(label: String, rows: [Int])] {
        let (groupOfRow, firstRows) = RowKeys([column]).groups(rowCount: rowCount)
        var members = [[Int]](repeating: [], count: firstRows.count)
        for (row, group) in groupOfRow.enumerated() { members[group].append(row) }
        let order = RowOrder([(column.gathering(firstRows), false)]).sorted(rowCount: firstRows.count)
        return order.map { group in (column.text(at: firstRows[group]).map { column.type == .number ? NumberFormatting.shortest(Double($0) ?? .nan) : $0 } ?? "(missing)", members[group]) }
    }

    /// Tukey's box of some values (reordered).
    static func tukeyBox(_ label: String, _ values: inout [Double]) -> Chart.Boxes.Box {
        let q = Statistics.quantiles(selectingIn: &values, [0.25, 0.5, 0.75])
        let fence = 1.5 * (q[2] - q[0])
        var low = q[0], high = q[2]
        var below: [Double] = [], above: [Double] = []
        for x in values {
            if x < q[0] - fence { below.append(x) } else if x > q[2] + fence { above.append(x) } else { low = min(low, x); high = max(high, x) }
        }
        let outliers = Array(below.sorted().prefix(100)) + Array(above.sorted().suffix(100))
        return Chart.Boxes.Box(label: label, count: values.count, q1: q[0], median: q[1], q3: q[2], low: low, high: high,
                               outliers: outliers, outlierCount: below.count + above.count)
    }
}
