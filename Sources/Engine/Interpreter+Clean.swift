import CommandLanguage
import Learning
import Tabular

/// The clean stage. Row steps (`filter`, `dropna`, `dedupe`, `sort`, `sample`) choose and
/// order rows through `keepRows`; they are not part of the recipe, which applies to every
/// row a model scores. Column steps (`drop`, `select`, `rename`, `cast`, `replace`, `clip`)
/// are recipe steps, added through `prepare`.
extension Interpreter {
    static func filter(_ expression: Tabular.Expression, _ step: inout Step) throws {
        let table = try currentTable(step.ws)
        let kept: [Int]
        do { kept = try ExpressionEvaluator(table: table).matchingRows(expression) } catch let error as ExpressionError {
            throw Diagnostic(error)
        }
        keepRows(kept, of: table, &step.ws)
        step.output.blocks.append(.success("kept \(kept.count) of \(Plural.count(table.rowCount, "row")) (\(table.rowCount - kept.count) dropped)"))
    }

    static func dropna(_ names: [String], _ step: inout Step) throws {
        let table = try currentTable(step.ws)
        for name in names where table.column(named: name) == nil { throw noSuchColumn(name, table) }
        let columns = names.isEmpty ? table.columns : names.map { table.column(named: $0)! }
        let kept = (0..<table.rowCount).filter { row in !columns.contains { $0.isMissing(row) } }
        keepRows(kept, of: table, &step.ws)
        step.output.blocks.append(.success("kept \(kept.count) of \(Plural.count(table.rowCount, "row")) (\(table.rowCount - kept.count) with a missing value dropped)"))
    }

    static func dedupe(_ names: [String], _ step: inout Step) throws {
        let table = try currentTable(step.ws)
        for name in names where table.column(named: name) == nil { throw noSuchColumn(name, table) }
        let columns = names.isEmpty ? table.columns : names.map { table.column(named: $0)! }
        let kept = RowKeys(columns).firstOfEach(rowCount: table.rowCount)
        keepRows(kept, of: table, &step.ws)
        step.output.blocks.append(.success("kept \(kept.count) of \(Plural.count(table.rowCount, "row")) (\(Plural.count(table.rowCount - kept.count, "repeated row")) dropped)"))
    }

    static func sort(_ keys: [SortKey], _ step: inout Step) throws {
        let table = try currentTable(step.ws)
        for key in keys where table.column(named: key.column) == nil { throw noSuchColumn(key.column, table) }
        let order = RowOrder(keys.map { (table.column(named: $0.column)!, $0.descending) }).sorted(rowCount: table.rowCount)
        keepRows(order, of: table, &step.ws)
        step.output.blocks.append(.success("sorted \(Plural.count(table.rowCount, "row")) by " + keys.map { $0.column + ($0.descending ? " (descending)" : "") }.joined(separator: ", ")))
    }

    static func sample(_ size: SampleSize, seed requested: UInt64?, _ step: inout Step, _ context: EngineContext) throws {
        let table = try currentTable(step.ws)
        let n = table.rowCount
        let k: Int
        switch size {
        case .rows(let count):
            guard count <= n else {
                throw Diagnostic(.badValue, "cannot sample \(Plural.count(count, "row")) of \(Plural.count(n, "row"))", help: "sample at most \(n), or a share such as 'sample 0.5'")
            }
            k = count
        case .fraction(let share): k = Int((share * Double(n)).rounded())
        }
        let seed = requested ?? context.makeSeed()
        // A partial Fisher–Yates shuffle with the recorded seed, then the chosen rows in order.
        var generator = SeededGenerator(seed: seed)
        var rows = Array(0..<n)
        for i in 0..<k { rows.swapAt(i, i + Int(generator.next() % UInt64(n - i))) }
        let kept = rows.prefix(k).sorted()
        keepRows(kept, of: table, &step.ws)
        step.recorded = .sample(size: size, seed: seed)
        step.output.blocks.append(.success("kept a random \(kept.count) of \(Plural.count(n, "row")), seed \(seed)"))
    }

    static func drop(_ names: [String], _ step: inout Step) throws {
        let table = try currentTable(step.ws)
        for name in names where table.column(named: name) == nil { throw noSuchColumn(name, table) }
        if let target = step.ws.target?.column, names.contains(target) {
            throw Diagnostic(.badValue, "'\(target)' is the target", help: "choose another target first with 'target COLUMN'")
        }
        let after = try prepare(.drop(columns: names), table, &step).table
        step.output.blocks.append(.success("dropped \(names.joined(separator: ", ")); \(Plural.count(after.columns.count, "column")) left"))
    }

    static func select(_ names: [String], _ step: inout Step) throws {
        let table = try currentTable(step.ws)
        for name in names where table.column(named: name) == nil { throw noSuchColumn(name, table) }
        let target = step.ws.target?.column
        var kept = names
        if let target, table.column(named: target) != nil, !kept.contains(target) { kept.append(target) }
        let after = try prepare(.select(columns: kept), table, &step)
        step.output.blocks.append(.success("kept \(Plural.count(after.table.columns.count, "column")) of \(table.columns.count)"
                                           + (kept.count > names.count ? " (the target \(target!) too)" : "")))
    }

    static func rename(_ from: String, to: String, _ step: inout Step) throws {
        let table = try currentTable(step.ws)
        guard table.column(named: from) != nil else { throw noSuchColumn(from, table) }
        if from == step.ws.target?.column {
            throw Diagnostic(.badValue, "'\(from)' is the target", help: "rename it before choosing it as the target")
        }
        guard !to.isEmpty else { throw Diagnostic(.badValue, "a column name cannot be empty") }
        if to != from, table.column(named: to) != nil {
            throw Diagnostic(.badValue, "'\(table.name)' has a column '\(to)' already", help: "drop it first, or choose another name")
        }
        _ = try prepare(.rename(from: from, to: to), table, &step)
        step.output.blocks.append(.success("renamed \(from) to \(to)"))
    }

    static func cast(_ names: [String], to type: ColumnType, _ step: inout Step) throws {
        let table = try currentTable(step.ws)
        let columns = try features(names, of: table, step.ws, purpose: "cast")
        let before = columns.map { table.column(named: $0)!.type }
        _ = try prepare(.cast(columns: columns, type: type), table, &step)
        let changed = zip(columns, before).filter { $0.1 != type }.map { "\($0.0) (\($0.1.rawValue))" }
        step.output.blocks.append(.success(changed.isEmpty ? "nothing to cast: \(columns.count == 1 ? "it is" : "they are") \(type.rawValue) already"
                                           : "cast \(changed.joined(separator: ", ")) to \(type.rawValue)"))
    }

    static func replace(_ from: String?, with to: String?, in names: [String], _ step: inout Step) throws {
        let table = try currentTable(step.ws)
        let columns = try features(names, of: table, step.ws, purpose: "replace")
        let after = try prepare(.replace(columns: columns, from: from, to: to), table, &step).table
        let changed = columns.map { name -> String in
            let old = table.column(named: name)!, new = after.column(named: name)!
            let count = (0..<table.rowCount).filter { old.text(at: $0) != new.text(at: $0) }.count
            return "\(name) (\(Plural.count(count, "value")))"
        }
        step.output.blocks.append(.success("replaced \(from.map { "'\($0)'" } ?? "missing values") with \(to.map { "'\($0)'" } ?? "missing") in " + changed.joined(separator: ", ")))
    }

    static func clip(_ names: [String], _ bounds: ClipBounds, _ step: inout Step) throws {
        let table = try currentTable(step.ws)
        let columns = names == ["numeric"] ? try resolve(.numeric, in: table, step.ws, purpose: "clip").filter { table.column(named: $0)!.type == .number }
                                           : try features(names, of: table, step.ws, purpose: "clip")
        let (fitted, after) = try prepare(.clip(columns: columns, bounds: bounds), table, &step)
        var changes: [String] = []
        for (name, fittedStep) in zip(columns, fitted) {
            guard case .clip(_, let lower, let upper) = fittedStep else { continue }
            let old = table.column(named: name)!.numericValues!, new = after.column(named: name)!.numericValues!
            let count = zip(old, new).filter { $0 != $1 && !($0.isNaN && $1.isNaN) }.count
            changes.append("\(name) to \(NumberFormatting.significant(lower, digits: 5))…\(NumberFormatting.significant(upper, digits: 5)) (\(Plural.count(count, "value")) changed)")
        }
        step.output.blocks.insert(.success("clipped " + (changes.isEmpty ? "nothing: no number columns" : changes.joined(separator: ", "))), at: 0)
    }

    /// Keeps the given rows of a table, in the given order; its split and the loaded rows
    /// behind it (the recipe's input) follow.
    static func keepRows(_ rows: [Int], of table: Table, _ ws: inout Workspace) {
        ws.store(table.gathering(rows))
        let origins = ws.rowOrigins[table.name]
        ws.rowOrigins[table.name] = origins.map { origins in rows.map { origins[$0] } } ?? rows
        if case .rows(let isTest) = ws.splits[table.name] {
            ws.splits[table.name] = .rows(isTest: rows.map { isTest[$0] })
        }
    }

    /// Column names that exist and are not the target (a column step is applied to new
    /// rows, which have no target).
    static func features(_ names: [String], of table: Table, _ ws: Workspace, purpose: String) throws -> [String] {
        try resolve(.columns(names), in: table, ws, purpose: purpose)
    }
}
