import CommandLanguage
import Learning
import Tabular

/// The prepare stage: `derive` and the learned steps `impute`, `encode onehot` and `scale
/// standard`, each added to the table's recipe (as asked) and its fitted preparation (as
/// learned, from the training rows once a split exists); `recipe` shows both. Every step
/// that adds to the recipe goes through `prepare`.
extension Interpreter {
    static func derive(_ name: String, _ expression: Tabular.Expression, _ step: inout Step) throws {
        let table = try currentTable(step.ws)
        if name == step.ws.target?.column {
            throw Diagnostic(.badValue, "'\(name)' is the target; derive a new column instead")
        }
        let replaced = table.column(named: name) != nil
        let column = try prepare(.derive(name: name, expression: expression), table, &step).table.column(named: name)!
        step.output.blocks.append(.success("\(replaced ? "replaced" : "added") \(name) (\(column.type.rawValue), \(column.missingCount) missing)"))
        if case .number(let values) = column.data {
            let infinite = values.reduce(0) { $0 + ($1.isInfinite ? 1 : 0) }
            if infinite > 0 {
                step.output.blocks.append(.warning("\(Plural.count(infinite, "value")) of \(name) \(infinite == 1 ? "is" : "are") infinite (from dividing by zero, or overflow); train refuses infinite features"))
            }
        }
    }

    static func impute(_ selector: ColumnSelector, _ strategy: ImputeStrategy, _ step: inout Step) throws {
        let table = try currentTable(step.ws)
        let names = try resolve(selector, in: table, step.ws, purpose: "impute")
        let missing = names.map { table.column(named: $0)!.missingCount }
        let fitted = try prepare(.impute(columns: names, strategy: strategy), table, &step).fitted
        var filled: [String] = []
        for (k, fitted) in fitted.enumerated() {
            guard case .impute(let imputer) = fitted else { continue }
            if missing[k] > 0 || selector != .numeric && selector != .categorical {
                filled.append("\(imputer.column) (\(missing[k]) with \(imputer.fill.displayText))")
            }
        }
        step.output.blocks.insert(.success(filled.isEmpty ? "nothing to fill: no missing values in \(Plural.count(names.count, "column"))"
                                           : "filled " + filled.joined(separator: ", ")), at: 0)
    }

    static func encodeOneHot(_ selector: ColumnSelector, _ step: inout Step) throws {
        let table = try currentTable(step.ws)
        let names = try resolve(selector, in: table, step.ws, purpose: "encode")
        let fitted = try prepare(.oneHot(columns: names), table, &step).fitted
        let encoders = fitted.compactMap { step -> FittedOneHot? in if case .oneHot(let e) = step { return e }; return nil }
        let made = encoders.map { "\($0.column) → \($0.categories.count)" }
        var blocks: [Output.Block] = []
        switch names.count {
        case 0: blocks.append(.success("no text columns to encode"))
        case 1...4: blocks.append(.success("encoded " + made.joined(separator: ", ") + " columns"))
        default:
            blocks.append(.success("encoded \(names.count) text columns into \(Plural.count(encoders.reduce(0) { $0 + $1.categories.count }, "column"))"))
            blocks.append(.note(made.joined(separator: ", ")))
        }
        step.output.blocks.insert(contentsOf: blocks, at: 0)
        // A column with nearly as many categories as rows is an identifier, not a feature.
        let rows = step.ws.splits[table.name]?.trainingRows?.count ?? table.rowCount
        for encoder in encoders where encoder.categories.count > 20 && encoder.categories.count * 4 > rows {
            step.output.blocks.append(.warning("'\(encoder.column)' has \(encoder.categories.count) categories in \(rows) rows: its columns mostly single out rows, which a model learns by heart; consider 'drop \(Tabular.Expression.quoteIdentifier(encoder.column))' first"))
        }
    }

    static func scaleStandard(_ selector: ColumnSelector, _ step: inout Step) throws {
        let table = try currentTable(step.ws)
        let names = try resolve(selector, in: table, step.ws, purpose: "scale").filter { table.column(named: $0)!.type == .number || selector != .numeric }
        _ = try prepare(.scale(columns: names), table, &step)
        step.output.blocks.insert(.success("scaled \(Plural.count(names.count, "column")) to mean 0 and standard deviation 1"), at: 0)
    }

    /// `recipe`: the current table's preparation, each step as asked and what it learned.
    static func recipe(_ step: inout Step) throws {
        let table = try currentTable(step.ws)
        let steps = step.ws.recipes[table.name]?.steps ?? []
        guard !steps.isEmpty else {
            step.output.blocks.append(.text("'\(table.name)' has no preparation steps yet (derive, drop, impute, encode and scale add them)"))
            return
        }
        // Each step's fitted parts follow one another in the stored preparation.
        var fitted = (step.ws.preparations[table.name] ?? FittedRecipe()).steps[...]
        var lines: [String] = []
        for (k, recipeStep) in steps.enumerated() {
            let parts = fitted.prefix(recipeStep.fittedCount)
            fitted = fitted.dropFirst(recipeStep.fittedCount)
            let beforeSplit = recipeStep.isLearned && k < (step.ws.stepsBeforeSplit[table.name] ?? 0)
            lines.append("\(String(k + 1).leftPadded(3))  \(recipeStep.text)" + (beforeSplit ? "  (before the split: learned from every row)" : ""))
            guard recipeStep.isLearned else { continue }
            let shown = 12
            for part in parts.prefix(shown) { lines.append("       " + part.learnedText) }
            if parts.count > shown { lines.append("       … \(parts.count - shown) more") }
        }
        step.output.blocks.append(.text(lines.joined(separator: "\n")))
        let note: String
        switch step.ws.splits[table.name] {
        case .rows?: note = "learned from the \(Plural.count(step.ws.splits[table.name]!.trainingRows!.count, "training row")) of '\(table.name)'"
        case .table(let test)?: note = "learned from all \(Plural.count(table.rowCount, "row")) of '\(table.name)' (\(test) is the test set)"
        case nil: note = "no split yet: the learned steps learned from all \(Plural.count(table.rowCount, "row")), which a later split would leak"
        }
        step.output.blocks.append(.note(note))
    }

    /// Fits one recipe step on the table's training rows, applies it to every row, and
    /// records it in the table's recipe, unfitted and fitted. A learned step says what it
    /// learned from, or, before any split, why that leaks.
    /// - Returns: the fitted parts and the table after the step.
    static func prepare(_ recipeStep: RecipeStep, _ table: Table, _ step: inout Step) throws -> (fitted: [FittedStep], table: Table) {
        let fitRows = step.ws.splits[table.name]?.trainingRows
        let (fitted, after) = try learning { try recipeStep.fit(table, rows: fitRows) }
        step.ws.store(after)
        step.ws.addPreparation(recipeStep, fitted: fitted, to: table.name)
        if recipeStep.isLearned, !fitted.isEmpty {
            if let fitRows {
                step.output.blocks.append(.note("learned from the \(Plural.count(fitRows.count, "training row"))"))
            } else if step.ws.splits[table.name] == nil {
                step.output.blocks.append(.warning("no split yet, so this learned from all \(Plural.count(table.rowCount, "row")): the test rows of a split made later will have shaped it (leakage), and test scores will flatter the model; split first ('split 0.8'), then \(recipeStep.verb)"))
            }
        }
        return (fitted, after)
    }

    /// The columns a selector names, never including the target.
    static func resolve(_ selector: ColumnSelector, in table: Table, _ ws: Workspace, purpose: String) throws -> [String] {
        let target = ws.target?.column
        switch selector {
        case .numeric:
            return table.columns.filter { $0.type.isNumeric && $0.name != target }.map(\.name)
        case .categorical:
            return table.columns.filter { $0.type == .text && $0.name != target }.map(\.name)
        case .columns(let names):
            for name in names where table.column(named: name) == nil { throw noSuchColumn(name, table) }
            if let target, names.contains(target) {
                throw Diagnostic(.badValue, "'\(target)' is the target; \(purpose) works on features only")
            }
            return names
        }
    }
}

extension RecipeStep {
    /// The command verb that adds the step.
    var verb: String {
        switch self {
        case .derive: return "derive"
        case .drop: return "drop"
        case .select: return "select"
        case .rename: return "rename"
        case .cast: return "cast"
        case .replace: return "replace"
        case .clip: return "clip"
        case .impute: return "impute"
        case .oneHot: return "encode"
        case .scale: return "scale"
        }
    }
}

extension FittedStep {
    /// What the step learned, for `recipe`.
    var learnedText: String {
        switch self {
        case .derive, .drop, .rename, .cast, .replace: return ""
        case .clip(let column, let lower, let upper):
            return "\(column): \(NumberFormatting.significant(lower, digits: 5)) to \(NumberFormatting.significant(upper, digits: 5))"
        case .impute(let imputer): return "\(imputer.column) ← \(imputer.fill.displayText)"
        case .oneHot(let encoder):
            let shown = encoder.categories.prefix(8).joined(separator: ", ") + (encoder.categories.count > 8 ? ", …" : "")
            return "\(encoder.column): \(Plural.count(encoder.categories.count, "category", plural: "categories")) (\(shown))"
        case .scale(let scaler):
            return "\(scaler.column): mean \(NumberFormatting.significant(scaler.mean, digits: 4)), sd \(NumberFormatting.significant(scaler.deviation, digits: 4))"
        }
    }
}
