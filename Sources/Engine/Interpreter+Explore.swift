import CommandLanguage
import Tabular

/// The explore stage: `head`, `schema`, `describe` (inspections: they change nothing).
extension Interpreter {
    static func head(_ count: Int, _ step: inout Step) throws {
        let table = try currentTable(step.ws)
        step.output.blocks.append(.table(Rendering.rows(of: table, limit: count, target: step.ws.target?.column)))
        if table.rowCount > count { step.output.blocks.append(.note("\(count) of \(table.rowCount) rows")) }
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
