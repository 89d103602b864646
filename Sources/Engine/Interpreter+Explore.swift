import CommandLanguage
import Tabular

/// The explore stage: `head`, `tail`, `schema`, `describe` (inspections: they change nothing).
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
}
