import CommandLanguage
import Learning
import Scoring
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
        let columns = try columns(names, of: table)
        let kept = (0..<table.rowCount).filter { row in !columns.contains { $0.isMissing(row) } }
        keepRows(kept, of: table, &step.ws)
        step.output.blocks.append(.success("kept \(kept.count) of \(Plural.count(table.rowCount, "row")) (\(table.rowCount - kept.count) with a missing value dropped)"))
    }

    static func dedupe(_ names: [String], _ step: inout Step) throws {
        let table = try currentTable(step.ws)
        let columns = try columns(names, of: table)
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

    /// `select variance|correlated|best|important …`: drops the number features a rule
    /// rejects, learned on the training rows.
    static func selectFeatures(_ rule: SelectionRule, _ step: inout Step) throws {
        let table = try currentTable(step.ws)
        let target = step.ws.target?.column
        var candidates = table.columns.filter { $0.type.isNumeric && $0.name != target }.map(\.name)
        var rule = rule
        var preparationTarget: PreparationTarget?
        switch rule {
        case .best(let k, _):
            guard let chosen = step.ws.target, chosen.task != .clustering, table.column(named: chosen.column) != nil else {
                throw Diagnostic(.notReady, "select best scores features against the target, and none is chosen", help: "choose the column to predict first: target COLUMN")
            }
            preparationTarget = PreparationTarget(column: chosen.column, classification: chosen.task == .classification)
            if k >= candidates.count {
                throw Diagnostic(.badValue, "there are \(Plural.count(candidates.count, "number feature")), so keeping the best \(k) keeps them all")
            }
        case .important(let k, let modelName, _):
            let model = try model(named: modelName, step.ws)
            guard let importances = model.estimator.featureImportances else {
                throw Diagnostic(.badValue, "'\(modelName)' is a \(model.algorithm) model, which has no built-in feature importances",
                                 help: "train a tree first, e.g. 'train tree', then select important \(k) from tree")
            }
            let missing = model.features.filter { table.column(named: $0) == nil }
            guard missing.isEmpty else {
                throw Diagnostic(.badValue, "'\(modelName)' reads \(listText(missing)), which \(missing.count == 1 ? "is" : "are") not in '\(table.name)' now",
                                 help: "select from a model trained on this table as it is")
            }
            guard k < model.features.count else {
                throw Diagnostic(.badValue, "'\(modelName)' has \(Plural.count(model.features.count, "feature")), so keeping the \(k) most important keeps them all")
            }
            let ranked = model.features.indices.sorted { importances[$0] != importances[$1] ? importances[$0] > importances[$1] : $0 < $1 }
            candidates = model.features
            rule = .important(k: k, model: modelName, keep: ranked.prefix(k).map { model.features[$0] })
        default: break
        }
        let (fitted, after) = try prepare(RecipeStep(SelectionStep(rule: rule, candidates: candidates, target: preparationTarget)), table, &step)
        guard let selection = fitted.first?.as(FittedSelection.self) else { return }
        step.output.blocks.insert(.success("kept \(selection.kept.count) of \(Plural.count(candidates.count, "feature"))"
                                           + (selection.dropped.isEmpty ? "; dropped none" : "; dropped " + listText(selection.dropped))), at: 0)
        if after.columns.filter({ $0.type.isNumeric && $0.name != target }).isEmpty {
            step.output.blocks.append(.warning("no number feature is left: train needs one"))
        }
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
            guard let (lower, upper) = fittedStep.as(FittedClip.self).map({ ($0.lower, $0.upper) }) else { continue }
            let old = table.column(named: name)!.numericValues!, new = after.column(named: name)!.numericValues!
            let count = zip(old, new).filter { $0 != $1 && !($0.isNaN && $1.isNaN) }.count
            changes.append("\(name) to \(NumberFormatting.significant(lower, digits: 5))…\(NumberFormatting.significant(upper, digits: 5)) (\(Plural.count(count, "value")) changed)")
        }
        step.output.blocks.insert(.success("clipped " + (changes.isEmpty ? "nothing: no number columns" : changes.joined(separator: ", "))), at: 0)
    }

    static func join(_ otherName: String, on keys: [String], _ kind: JoinKind, _ step: inout Step) throws {
        let table = try currentTable(step.ws)
        guard let other = step.ws.table(named: otherName) else { throw noSuchTable(otherName, step.ws) }
        for key in keys {
            guard let mine = table.column(named: key) else {
                throw Diagnostic(.noSuchColumn, "the join key '\(key)' is not a column of '\(table.name)'", help: Suggestions.didYouMean(key, among: table.columnNames))
            }
            guard let theirs = other.column(named: key) else {
                throw Diagnostic(.noSuchColumn, "the join key '\(key)' is not a column of '\(other.name)'",
                                 help: Suggestions.didYouMean(key, among: other.columnNames).map { $0 + " (rename it in '\(other.name)' to match)" }
                                    ?? "its columns: " + other.columnNames.joined(separator: ", "))
            }
            guard mine.type == theirs.type else {
                throw Diagnostic(.badValue, "the join key '\(key)' is \(mine.type.rawValue) in '\(table.name)' but \(theirs.type.rawValue) in '\(other.name)'",
                                 help: "cast one to match, e.g. 'cast \(key) to \(theirs.type.rawValue)'")
            }
        }
        if Set(keys).count < keys.count { throw Diagnostic(.badValue, "a join key is named twice") }
        try checkCombinable(table, with: other, verb: "join", step.ws)
        let result: JoinResult
        do {
            result = try table.joined(with: other, on: keys, kind: kind, maxCells: maxJoinCells)
        } catch let tooLarge as JoinTooLarge {
            throw Diagnostic(.badValue, "the join would make \(Plural.count(tooLarge.rows, "row")) × \(Plural.count(tooLarge.columns, "column")), more than mlw holds "
                             + "(\(maxJoinCells / 1_000_000) million values): keys repeat in both tables",
                             help: "'dedupe \(keys.joined(separator: ", "))' on '\(other.name)' keeps one row per key")
        }
        if result.matchedRows == 0, kind == .inner {
            throw Diagnostic(.badValue, "no row of '\(table.name)' matches a row of '\(other.name)' on \(keys.joined(separator: ", ")): an inner join would leave none",
                             help: "compare the keys' values: 'counts \(keys[0])' in each table")
        }
        let baked = step.ws.recipes[table.name]?.steps ?? []
        restart(table.name, from: result.table, combinedWith: other.name, &step.ws)
        let added = result.table.columns.count - table.columns.count
        var summary = "joined \(other.name) on \(keys.joined(separator: ", ")) (\(kind.rawValue)): \(result.matchedRows) of \(Plural.count(table.rowCount, "row")) matched; "
            + "\(Plural.count(result.table.rowCount, "row")) × \(Plural.count(result.table.columns.count, "column")) (\(added) added)"
        if !result.renamed.isEmpty { summary += "; renamed " + result.renamed.map { "\($0.from) to \($0.to)" }.joined(separator: ", ") }
        step.output.blocks.append(.success(summary))
        if result.matchedRows == 0 {
            step.output.blocks.append(.warning("no row matched: the \(Plural.count(added, "added column")) hold only missing values"))
        }
        if result.repeatedRows > 0 {
            step.output.blocks.append(.warning("\(Plural.count(result.repeatedRows, "row")) matched more than one row of '\(other.name)' and repeat once per match; "
                                               + "'dedupe \(keys.joined(separator: ", "))' on '\(other.name)' first keeps one match each"))
        }
        noteBakedSteps(baked, &step)
    }

    /// The most values a join may make: 500 million (4 GB of numbers).
    static let maxJoinCells = 500_000_000

    static func append(_ otherName: String, _ step: inout Step) throws {
        let table = try currentTable(step.ws)
        guard let other = step.ws.table(named: otherName) else { throw noSuchTable(otherName, step.ws) }
        let lacking = table.columnNames.filter { other.column(named: $0) == nil }
        let extra = other.columnNames.filter { table.column(named: $0) == nil }
        guard lacking.isEmpty, extra.isEmpty else {
            let parts = (lacking.isEmpty ? [] : ["'\(other.name)' lacks " + lacking.joined(separator: ", ")])
                + (extra.isEmpty ? [] : ["'\(other.name)' has \(extra.joined(separator: ", ")) that '\(table.name)' lacks"])
            throw Diagnostic(.badValue, "cannot append '\(other.name)' to '\(table.name)': " + parts.joined(separator: "; "),
                             help: "append needs the same columns: rename, drop or derive them first")
        }
        let differing = table.columns.compactMap { mine -> String? in
            let theirs = other.column(named: mine.name)!
            return theirs.type == mine.type || theirs.missingCount == theirs.count ? nil : "\(mine.name) (\(mine.type.rawValue) here, \(theirs.type.rawValue) in '\(other.name)')"
        }
        guard differing.isEmpty else {
            throw Diagnostic(.badValue, "cannot append '\(other.name)': columns of different types: " + differing.joined(separator: ", "),
                             help: "cast them to match first")
        }
        try checkCombinable(table, with: other, verb: "append", step.ws)
        // A column of the other table with no values at all reads as this table's type.
        let aligned = Table(name: other.name, columns: other.columns.map { theirs in
            let mine = table.column(named: theirs.name)!
            return mine.type == theirs.type ? theirs : Column.missing(name: theirs.name, type: mine.type, count: theirs.count)
        }, rowCount: other.rowCount)
        let appended = table.appending(aligned)
        let baked = step.ws.recipes[table.name]?.steps ?? []
        restart(table.name, from: appended, combinedWith: other.name, &step.ws)
        step.output.blocks.append(.success("appended \(Plural.count(other.rowCount, "row")) of \(other.name): \(table.name) has \(Plural.count(appended.rowCount, "row")) now"))
        noteBakedSteps(baked, &step)
    }

    /// Join and append start the table's data again from the combined rows, so they come
    /// before what needs the rows as loaded: a split, and steps that learn (whose fitted
    /// values a model must apply to new rows).
    private static func checkCombinable(_ table: Table, with other: Table, verb: String, _ ws: Workspace) throws {
        if ws.splits[table.name] != nil {
            throw Diagnostic(.notReady, "'\(table.name)' is split already; \(verb) before 'split'",
                             help: "undo back to before the split, \(verb), then split again")
        }
        if let learned = ws.recipes[table.name]?.steps.first(where: \.isLearned) {
            throw Diagnostic(.notReady, "'\(table.name)' has a step that learns from its rows ('\(learned.text)'); \(verb) before it",
                             help: "undo back to before it, \(verb), then prepare again")
        }
        if other.rowCount == 0, verb == "append" {
            throw Diagnostic(.badValue, "'\(other.name)' has no rows: nothing to append")
        }
    }

    /// Makes a combined table the data a table starts from: its recipe input, with the
    /// steps so far inside it, and the other table's sources in its lineage.
    private static func restart(_ name: String, from combined: Table, combinedWith other: String, _ ws: inout Workspace) {
        ws.store(combined)
        ws.loaded[name] = combined
        ws.rowOrigins[name] = nil
        ws.resetPreparation(of: name)
        ws.loadedSchemas[name] = combined.columns.map { SchemaField(name: $0.name, type: $0.type) }
        let sources = [ws.sources[other]].compactMap { $0 } + (ws.combinedSources[other] ?? [])
        ws.combinedSources[name, default: []] += sources.filter { !(ws.combinedSources[name] ?? []).contains($0) }
    }

    /// Says so when preparation steps became part of the data (the recipe starts again).
    private static func noteBakedSteps(_ steps: [RecipeStep], _ step: inout Step) {
        guard !steps.isEmpty else { return }
        step.output.blocks.append(.note("the \(steps.count == 1 ? "step" : "\(steps.count) steps") before (\(steps.map(\.text).joined(separator: "; "))) "
                                        + (steps.count == 1 ? "is" : "are") + " part of the data now: a model trained from here reads the combined columns"))
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
