import CommandLanguage
import Tabular

/// The explore stage: `head`, `tail`, `schema`, `describe`, `counts`, `hist` (inspections:
/// they change nothing).
extension Interpreter {
    /// `head` and `tail`: the first or last rows of the current table, or of those where a
    /// condition holds, in the columns named (all when none).
    static func show(_ view: RowView, fromEnd: Bool, _ step: inout Step) throws {
        let table = try currentTable(step.ws)
        for name in view.columns where table.column(named: name) == nil { throw noSuchColumn(name, table) }
        let matching: [Int]?
        if let condition = view.condition {
            do { matching = try ExpressionEvaluator(table: table).matchingRows(condition) } catch let error as ExpressionError {
                throw Diagnostic(error)
            }
        } else {
            matching = nil
        }
        let total = matching?.count ?? table.rowCount
        let taken = min(view.count, total)
        let positions = fromEnd ? (total - taken)..<total : 0..<taken
        let rows = positions.map { matching?[$0] ?? $0 }
        var named = Set<String>()
        let columns = view.columns.isEmpty ? table.columns : view.columns.filter { named.insert($0).inserted }.map { table.column(named: $0)! }
        let shown = Table(name: table.name, columns: columns.map { $0.gathering(rows) }, rowCount: rows.count)
        let scope = view.condition.map { " where \($0)" } ?? ""
        guard taken > 0 else {
            step.output.blocks.append(.text(view.condition == nil ? "'\(table.name)' has no rows" : "no rows\(scope)"))
            return
        }
        step.output.blocks.append(.table(Rendering.rows(of: shown, limit: taken, target: step.ws.target?.column)))
        if total > taken || view.condition != nil {
            step.output.blocks.append(.note("\(fromEnd ? "last" : "first") \(taken) of \(Plural.count(total, "row"))\(scope)"
                                            + (view.condition != nil ? " (\(table.rowCount) in all)" : "")))
        }
    }

    static func schema(_ step: inout Step) throws {
        let table = try currentTable(step.ws)
        step.output.blocks.append(.table(Rendering.schema(of: table, target: step.ws.target?.column, split: step.ws.splits[table.name])))
    }

    static func describe(_ names: [String], _ step: inout Step) throws {
        let table = try currentTable(step.ws)
        for name in names where table.column(named: name) == nil { throw noSuchColumn(name, table) }
        step.output.blocks += Rendering.describe(table, columns: names.isEmpty ? table.columnNames : names)
    }

    /// The rows where a condition holds (nil: every row).
    static func rows(where condition: Tabular.Expression?, in table: Table) throws -> [Int]? {
        guard let condition else { return nil }
        do { return try ExpressionEvaluator(table: table).matchingRows(condition) } catch let error as ExpressionError {
            throw Diagnostic(error)
        }
    }

    static func counts(_ name: String, top: Int, where condition: Tabular.Expression?, _ step: inout Step) throws {
        let table = try currentTable(step.ws)
        guard let column = table.column(named: name) else { throw noSuchColumn(name, table) }
        let rows = try rows(where: condition, in: table)
        let total = rows?.count ?? table.rowCount
        // (label, count) per distinct value, counted through dictionary codes for text.
        var entries: [(label: String, count: Int, order: Double)] = []
        var missing = 0
        switch column.data {
        case .text(let codes, let dictionary):
            var perCode = [Int](repeating: 0, count: dictionary.count)
            func add(_ code: Int32) { if code < 0 { missing += 1 } else { perCode[Int(code)] += 1 } }
            if let rows { for row in rows { add(codes[row]) } } else { for code in codes { add(code) } }
            entries = perCode.enumerated().filter { $0.element > 0 }.map { (dictionary[$0.offset], $0.element, 0) }
        case .number(let values), .date(let values):
            var counts: [Double: Int] = [:]
            func add(_ x: Double) { if x.isNaN { missing += 1 } else { counts[x == 0 ? 0 : x, default: 0] += 1 } }
            if let rows { for row in rows { add(values[row]) } } else { for x in values { add(x) } }
            let label = column.type == .date ? Dates.format : NumberFormatting.shortest
            entries = counts.map { (label($0.key), $0.value, $0.key) }
        case .boolean(let flags):
            var perValue = [0, 0]
            func add(_ flag: UInt8) { if flag == Column.missingBoolean { missing += 1 } else { perValue[Int(flag)] += 1 } }
            if let rows { for row in rows { add(flags[row]) } } else { for flag in flags { add(flag) } }
            entries = [("false", perValue[0], 0), ("true", perValue[1], 1)].filter { $0.1 > 0 }
        }
        // Most frequent first; equal counts by value (numbers by size, text by its characters).
        entries.sort { a, b in
            a.count != b.count ? a.count > b.count : (column.type == .text ? a.label < b.label : a.order < b.order)
        }
        let shown = Array(entries.prefix(top)) + (missing > 0 ? [("(missing)", missing, 0)] : [])
        let percent = { (count: Int) in total > 0 ? String(format: "%.1f%%", Double(count) / Double(total) * 100) : "" }
        let scope = condition.map { " where \($0)" } ?? ""
        step.output.blocks.append(.chart(.bars(Chart.Bars(
            title: "\(name): \(Plural.count(entries.count, "distinct value")) in \(Plural.count(total, "row"))\(scope)",
            labelHeader: name, valueHeader: "count", annotationHeader: "share", labels: shown.map(\.label), values: shown.map { Double($0.count) },
            annotations: shown.map { percent($0.count) }))))
        if entries.count > top {
            let rest = entries.dropFirst(top).reduce(0) { $0 + $1.count }
            let more = entries.count - top
            step.output.blocks.append(.note("the \(top) most frequent shown; \(more) more \(more == 1 ? "value holds" : "values hold") \(Plural.count(rest, "row")) (\(percent(rest)))"))
        }
    }

    static func hist(_ name: String, bins: Int, where condition: Tabular.Expression?, _ step: inout Step) throws {
        let table = try currentTable(step.ws)
        guard let column = table.column(named: name) else { throw noSuchColumn(name, table) }
        let all: [Double]
        switch column.data {
        case .number(let values), .date(let values): all = values
        default:
            throw Diagnostic(.badValue, "'\(name)' is \(column.type.rawValue); a histogram needs a number or date column",
                             help: "count its values with 'counts \(Tabular.Expression.quoteIdentifier(name))'")
        }
        let rows = try rows(where: condition, in: table)
        let values = (rows.map { $0.map { all[$0] } } ?? all).filter { !$0.isNaN }
        let dates = column.type == .date
        let missing = (rows?.count ?? all.count) - values.count
        let scope = condition.map { " where \($0)" } ?? ""
        guard let low = values.min(), let high = values.max() else {
            throw Diagnostic(.dataError, "'\(name)' has no values\(scope) to draw")
        }
        guard low.isFinite, high.isFinite else {
            throw Diagnostic(.dataError, "'\(name)' has infinite values\(scope), which no bin can hold",
                             help: "keep the finite rows with 'where abs(\(Tabular.Expression.quoteIdentifier(name))) < 1e308'")
        }
        let count = low == high ? 1 : bins
        var width = (high - low) / Double(count)
        var edges = (0...count).map { $0 == count ? high : low + Double($0) * width }
        // Dates spanning days get bins of whole days, so each edge is a calendar date.
        var start = low
        if dates, high - low >= Double(count) * Dates.secondsPerDay {
            start = (low / Dates.secondsPerDay).rounded(.down) * Dates.secondsPerDay
            width = ((high - start) / Double(count) / Dates.secondsPerDay).rounded(.up) * Dates.secondsPerDay
            edges = (0...count).map { start + Double($0) * width }
        }
        var counts = [Int](repeating: 0, count: count)
        for x in values { counts[min(count - 1, width > 0 ? Int((x - start) / width) : 0)] += 1 }
        step.output.blocks.append(.chart(.histogram(Chart.Histogram(
            title: "\(name): \(Plural.count(values.count, "value"))\(scope)" + (missing > 0 ? " (\(missing) missing)" : ""),
            edges: edges, counts: counts, dates: dates))))
    }
}
