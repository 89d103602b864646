import CommandLanguage
import Foundation
import Tabular

/// The explore stage's summaries of several columns: `corr`, `missing`, `group`,
/// `crosstab` (inspections: they change nothing).
extension Interpreter {
    static func corr(_ method: CorrelationMethod, _ names: [String], _ step: inout Step) throws {
        let table = try currentTable(step.ws)
        for name in names where table.column(named: name) == nil { throw noSuchColumn(name, table) }
        if let text = names.compactMap({ table.column(named: $0) }).first(where: { !$0.type.isNumeric }) {
            throw Diagnostic(.badValue, "'\(text.name)' is \(text.type.rawValue); correlation needs numbers",
                             help: "see how it goes with another column with 'crosstab \(Tabular.Expression.quoteIdentifier(text.name)) COLUMN'")
        }
        let columns = names.isEmpty ? table.columns.filter(\.type.isNumeric) : names.map { table.column(named: $0)! }
        guard columns.count >= 2 else {
            throw Diagnostic(.notReady, "correlation needs two number columns, and '\(table.name)' has \(columns.count)")
        }
        let vectors = columns.map { $0.numericValues! }
        let matrix = method == .pearson ? Correlation.pearson(vectors) : Correlation.spearman(vectors)
        let labels = columns.map(\.name)
        step.output.blocks.append(.chart(.heatmap(Chart.Heatmap(
            title: "\(method.rawValue) correlation of \(Plural.count(columns.count, "column")) (\(Plural.count(table.rowCount, "row")))",
            rowLabels: labels, columnLabels: labels, values: matrix, diverging: true, decimals: 2))))
        // The strongest pairs, in words.
        var pairs: [(String, Double)] = []
        for i in labels.indices { for j in (i + 1)..<labels.count where !matrix[i][j].isNaN { pairs.append(("\(labels[i]) ~ \(labels[j])", matrix[i][j])) } }
        let strongest = pairs.sorted { abs($0.1) > abs($1.1) }.prefix(3)
        if !strongest.isEmpty {
            step.output.blocks.append(.note("strongest: " + strongest.map { "\($0.0) \(String(format: "%.2f", $0.1))" }.joined(separator: ", ")))
        }
    }

    static func missing(_ names: [String], _ step: inout Step) throws {
        let table = try currentTable(step.ws)
        let columns = try columns(names, of: table)
        let counts = Parallel.map(columns) { $0.missingCount }
        let gappy = zip(columns, counts).filter { $0.1 > 0 }
        guard !gappy.isEmpty else {
            step.output.blocks.append(.text("no missing values in \(Plural.count(columns.count, "column")) of \(Plural.count(table.rowCount, "row"))"))
            return
        }
        let n = Double(max(1, table.rowCount))
        step.output.blocks.append(.chart(.bars(Chart.Bars(
            title: "missing values: \(Plural.count(gappy.count, "column")) of \(columns.count) \(gappy.count == 1 ? "has" : "have") some",
            labelHeader: "column", valueHeader: "missing", annotationHeader: "share",
            labels: gappy.map(\.0.name), values: gappy.map { Double($0.1) }, annotations: gappy.map { String(format: "%.1f%%", Double($0.1) / n * 100) }))))
        // The sets of columns missing together, commonest first.
        let tracked = gappy.map(\.0)
        var patterns: [[Bool]: Int] = [:]
        var affected = 0
        for row in 0..<table.rowCount {
            let pattern = tracked.map { $0.isMissing(row) }
            guard pattern.contains(true) else { continue }
            affected += 1
            patterns[pattern, default: 0] += 1
        }
        let common = patterns.sorted { a, b in a.value != b.value ? a.value > b.value : a.key.lexicographicallyPrecedes(b.key) { !$0 && $1 } }.prefix(5)
        let rows = common.map { pattern, count -> [String] in
            let names = zip(tracked, pattern).filter { $0.1 }.map(\.0.name)
            return [String(count), Rendering.nameList(names, width: 40)]
        }
        step.output.blocks.append(.table(TextTable(headers: ["rows", "missing together"], rows: rows, rightAligned: [true, false])))
        step.output.blocks.append(.note("\(Plural.count(affected, "row")) of \(table.rowCount) have a missing value, in \(Plural.count(patterns.count, "pattern"))"))
    }

    static func group(_ keys: [String], _ aggregates: [Aggregate], _ step: inout Step) throws {
        let table = try currentTable(step.ws)
        for name in keys + aggregates.compactMap(\.column) where table.column(named: name) == nil { throw noSuchColumn(name, table) }
        for aggregate in aggregates {
            guard let name = aggregate.column, let column = table.column(named: name), column.type == .text || column.type == .date else { continue }
            if ![.min, .max, .distinct, .count].contains(aggregate.function) {
                throw Diagnostic(.badValue, "\(aggregate.function.rawValue)() needs numbers, and '\(name)' is \(column.type.rawValue)",
                                 help: "\(column.type == .date ? "dates" : "text") take\(column.type == .date ? "" : "s") count(), distinct(), min() and max()")
            }
        }
        let keyColumns = keys.map { table.column(named: $0)! }
        let (groupOfRow, firstRows) = RowKeys(keyColumns).groups(rowCount: table.rowCount)
        var members = [[Int]](repeating: [], count: firstRows.count)
        for (row, group) in groupOfRow.enumerated() { members[group].append(row) }
        // Groups in key order (missing keys last), as sort orders rows.
        let order = RowOrder(keyColumns.map { ($0, false) }).sorted(rowCount: table.rowCount)
        var position = [Int](repeating: 0, count: table.rowCount)
        for (k, row) in order.enumerated() { position[row] = k }
        let sortedGroups = firstRows.indices.sorted { position[firstRows[$0]] < position[firstRows[$1]] }
        let values = Parallel.map(aggregates) { aggregate in
            let numbers = aggregate.column.flatMap { table.column(named: $0) }.flatMap { column -> [Double]? in
                switch column.data {
                case .text: return nil
                case .date(let seconds): return seconds
                default: return column.numericValues
                }
            }
            return sortedGroups.map { group in Self.aggregate(aggregate, members[group], table, numbers: numbers) }
        }
        let cells = sortedGroups.enumerated().map { k, group in
            keyColumns.map { $0.text(at: firstRows[group]) ?? "·" } + values.map { $0[k] }
        }
        let headers = keys + aggregates.map(\.text)
        step.output.blocks.append(.table(TextTable(headers: headers, rows: Array(cells.prefix(100)),
                                                   rightAligned: headers.indices.map { k in
                                                       if k < keys.count { return keyColumns[k].type == .number }
                                                       let aggregate = aggregates[k - keys.count]
                                                       return aggregate.column.flatMap { table.column(named: $0) }?.type != .text || aggregate.function == .distinct
                                                   })))
        step.output.blocks.append(.note("\(Plural.count(firstRows.count, "group"))" + (firstRows.count > 100 ? "; the first 100 shown" : "")))
    }

    /// One aggregate over a group's rows, formatted.
    /// - Parameter numbers: the column's values as numbers (read once for every group).
    static func aggregate(_ aggregate: Aggregate, _ rows: [Int], _ table: Table, numbers: [Double]?) -> String {
        guard let name = aggregate.column, let column = table.column(named: name) else { return String(rows.count) }
        let format = { (v: Double) in v.isNaN ? "·" : NumberFormatting.significant(v, digits: 6) }
        if aggregate.function == .distinct {
            return String(Set(rows.compactMap { column.text(at: $0) }).count)
        }
        if column.type == .text {
            let texts = rows.compactMap { column.text(at: $0) }
            return (aggregate.function == .min ? texts.min() : texts.max()) ?? "·"
        }
        if aggregate.function == .count { return String(rows.count) }
        let value = aggregateValue(aggregate.function, rows, numbers ?? [])
        if column.type == .date { return value.isNaN ? "·" : Dates.format(value) }
        return format(value)
    }

    /// One aggregate of numbers over some rows, missing values left out: NaN when none
    /// remain (a sum of none is 0), or for the std of one value. `count` counts rows.
    static func aggregateValue(_ function: Aggregate.Function, _ rows: [Int], _ numbers: [Double]) -> Double {
        if function == .count { return Double(rows.count) }
        var present: [Double] = []
        present.reserveCapacity(rows.count)
        for row in rows where !numbers[row].isNaN { present.append(numbers[row]) }
        guard !present.isEmpty else { return function == .sum ? 0 : .nan }
        switch function {
        case .count: return Double(rows.count)
        case .sum: return present.reduce(0, +)
        case .mean: return Statistics.mean(present)
        case .median: return Statistics.quantiles(selectingIn: &present, [0.5])[0]
        case .min: return present.min()!
        case .max: return present.max()!
        case .std:
            guard present.count > 1 else { return .nan }
            return Statistics.standardDeviation(present, mean: Statistics.mean(present))
        case .distinct: return Double(Set(present.map { $0 == 0 ? 0 : $0 }).count)
        }
    }

    static func crosstab(_ rowName: String, _ columnName: String, _ step: inout Step) throws {
        let table = try currentTable(step.ws)
        guard let rowColumn = table.column(named: rowName) else { throw noSuchColumn(rowName, table) }
        guard let columnColumn = table.column(named: columnName) else { throw noSuchColumn(columnName, table) }
        guard rowName != columnName else { throw Diagnostic(.badValue, "a crosstab takes two different columns") }
        // The pairs of values present, each counted once through the grouping of rows.
        let (groupOfRow, firstRows) = RowKeys([rowColumn, columnColumn]).groups(rowCount: table.rowCount)
        var sizes = [Int](repeating: 0, count: firstRows.count)
        for group in groupOfRow { sizes[group] += 1 }
        func labels(_ column: Column) -> [String] {
            let present = Set(firstRows.compactMap { column.text(at: $0) })
            let sorted = column.type == .number ? present.sorted { Double($0)! < Double($1)! } : present.sorted()
            return sorted + (firstRows.contains { column.isMissing($0) } ? ["(missing)"] : [])
        }
        let rowLabels = labels(rowColumn), columnLabels = labels(columnColumn)
        guard rowLabels.count <= 200, columnLabels.count <= 50 else {
            throw Diagnostic(.badValue, "'\(rowLabels.count > 200 ? rowName : columnName)' has too many values for a crosstab (\(max(rowLabels.count, columnLabels.count)))",
                             help: "count its values with 'counts', or group it: 'group \(rowName), \(columnName)'")
        }
        let rowIndex = Dictionary(uniqueKeysWithValues: rowLabels.enumerated().map { ($1, $0) })
        let columnIndex = Dictionary(uniqueKeysWithValues: columnLabels.enumerated().map { ($1, $0) })
        var counts = [[Int]](repeating: [Int](repeating: 0, count: columnLabels.count), count: rowLabels.count)
        for (group, first) in firstRows.enumerated() {
            counts[rowIndex[rowColumn.text(at: first) ?? "(missing)"]!][columnIndex[columnColumn.text(at: first) ?? "(missing)"]!] += sizes[group]
        }
        let rows = rowLabels.indices.map { i in [rowLabels[i]] + counts[i].map(String.init) + [String(counts[i].reduce(0, +))] }
        let totals = ["total"] + columnLabels.indices.map { j in String(counts.reduce(0) { $0 + $1[j] }) } + [String(table.rowCount)]
        let headers = ["\(rowName) \\ \(columnName)"] + columnLabels + ["total"]
        step.output.blocks.append(.table(TextTable(headers: headers, rows: rows + [totals], rightAligned: headers.indices.map { $0 > 0 })))
    }
}

/// `outliers`: values beyond bounds from the quartiles or the mean, per number column.
extension Interpreter {
    static func outliers(_ selector: ColumnSelector, _ method: OutlierMethod, _ step: inout Step) throws {
        let table = try currentTable(step.ws)
        let columns: [Column]
        switch selector {
        case .columns(let names):
            for name in names where table.column(named: name) == nil { throw noSuchColumn(name, table) }
            columns = names.map { table.column(named: $0)! }
            if let text = columns.first(where: { $0.type != .number }) {
                throw Diagnostic(.badValue, "'\(text.name)' is \(text.type.rawValue); outliers are of number columns",
                                 help: "its rare values show in 'counts \(Tabular.Expression.quoteIdentifier(text.name))'")
            }
        default:
            columns = table.columns.filter { $0.type == .number }
            guard !columns.isEmpty else { throw Diagnostic(.notReady, "'\(table.name)' has no number columns") }
        }
        let found = Parallel.map(columns) { OutlierScan(column: $0, method: method) }
        let methodText: String
        switch method {
        case .iqr(let k): methodText = "beyond Q1 − \(NumberFormatting.shortest(k))·IQR and Q3 + \(NumberFormatting.shortest(k))·IQR"
        case .zscore(let z): methodText = "more than \(NumberFormatting.shortest(z)) standard deviations from the mean"
        }
        let f = { (v: Double) in NumberFormatting.significant(v, digits: 5) }
        let flagged = found.enumerated().filter { $0.element.count > 0 }.sorted { $0.element.count != $1.element.count ? $0.element.count > $1.element.count : $0.offset < $1.offset }
        if flagged.isEmpty {
            let scope = columns.count == 1 ? columns[0].name : Plural.count(columns.count, "column")
            step.output.blocks.append(.text("no outliers \(methodText) in \(scope) (\(Plural.count(table.rowCount, "row")))"))
        } else {
            let rows = flagged.map { _, scan -> [String] in
                [scan.column.name, f(scan.lower), f(scan.upper), "\(scan.below.count)", "\(scan.above.count)",
                 String(format: "%.1f%%", Double(scan.count) / Double(max(1, scan.values)) * 100)]
            }
            step.output.blocks.append(.text("outliers \(methodText), \(Plural.count(table.rowCount, "row"))"))
            step.output.blocks.append(.table(TextTable(headers: ["column", "low bound", "high bound", "below", "above", "share"], rows: rows,
                                                       rightAligned: [false, true, true, true, true, true])))
            let clean = found.filter { $0.count == 0 }.map(\.column.name)
            if !clean.isEmpty, columns.count > 1 {
                step.output.blocks.append(.note("none in " + (clean.count <= 6 ? clean.joined(separator: ", ") : Plural.count(clean.count, "other column"))))
            }
        }
        // One column: the rows furthest out, and the filter that finds every one.
        guard columns.count == 1, let scan = found.first, scan.count > 0 else { return }
        let name = Tabular.Expression.quoteIdentifier(scan.column.name)
        let values = scan.column.numericValues!
        let extreme = (scan.below + scan.above).sorted { a, b in
            let da = scan.distance(values[a]), db = scan.distance(values[b])
            return da != db ? da > db : a < b
        }.prefix(5)
        let order = [scan.column] + table.columns.filter { $0.name != scan.column.name }
        let shown = Table(name: table.name, columns: order.map { $0.gathering(Array(extreme)) }, rowCount: extreme.count)
        step.output.blocks.append(.table(Rendering.rows(of: shown, limit: extreme.count, target: step.ws.target?.column)))
        // Bounds taken from the outlying values themselves: exact, and as short as the data.
        let parts = [scan.below.map { values[$0] }.max().map { "\(name) <= \(NumberFormatting.shortest($0))" },
                     scan.above.map { values[$0] }.min().map { "\(name) >= \(NumberFormatting.shortest($0))" }]
        let condition = parts.compactMap { $0 }.joined(separator: " or ")
        var advice = "the \(extreme.count == scan.count ? "" : "\(extreme.count) most extreme of the ")\(Plural.count(scan.count, "outlying row")); "
            + "all of them: 'head \(min(1000, max(scan.count, 1))) where \(condition)'"
        if case .iqr(let k) = method { advice += "; to limit them: 'clip \(name) iqr k=\(NumberFormatting.shortest(k))'" }
        step.output.blocks.append(.note(advice))
    }
}

/// One column's outliers by one method: the bounds and the rows beyond each.
struct OutlierScan {
    let column: Column
    var lower = Double.nan, upper = Double.nan
    var below: [Int] = [], above: [Int] = []
    /// Values present (not missing).
    var values = 0
    /// What one bound-width is worth, to compare how far out values lie.
    private var scale = 1.0

    var count: Int { below.count + above.count }

    init(column: Column, method: OutlierMethod) {
        self.column = column
        let all = column.numericValues!
        var present = all.filter { !$0.isNaN }
        values = present.count
        guard !present.isEmpty else { return }
        switch method {
        case .iqr(let k):
            let q = Statistics.quantiles(selectingIn: &present, [0.25, 0.75])
            let iqr = q[1] - q[0]
            (lower, upper, scale) = (q[0] - k * iqr, q[1] + k * iqr, iqr)
        case .zscore(let z):
            let mean = Statistics.mean(present), std = Statistics.standardDeviation(present, mean: mean)
            guard std.isFinite, std > 0 else { (lower, upper) = (mean, mean); return }
            (lower, upper, scale) = (mean - z * std, mean + z * std, std)
        }
        for (row, x) in all.enumerated() where !x.isNaN {
            if x < lower { below.append(row) } else if x > upper { above.append(row) }
        }
    }

    /// How far beyond its bound a value lies, in scale units (0 inside).
    func distance(_ x: Double) -> Double {
        (x < lower ? lower - x : x > upper ? x - upper : 0) / (scale > 0 ? scale : 1)
    }
}
