import CommandLanguage
import Learning
import Tabular

/// The prepare stage: `derive`, `impute` and the verbs of `PreparationMethods` (`encode`,
/// `scale`, `transform`, `bin`, `dateparts`, `interact`, `poly`, `pca`), each added to the
/// table's recipe (as asked) and its fitted preparation (as learned, from the training
/// rows once a split exists); `recipe` and `features` show them. Every step that adds to
/// the recipe goes through `prepare`.
extension Interpreter {
    static func derive(_ name: String, _ expression: Tabular.Expression, _ step: inout Step) throws {
        let table = try currentTable(step.ws)
        if name == step.ws.target?.column {
            throw Diagnostic(.badValue, "'\(name)' is the target; derive a new column instead")
        }
        let replaced = table.column(named: name) != nil
        let column = try prepare(RecipeStep(DeriveStep(name: name, expression: expression)), table, &step).table.column(named: name)!
        step.output.blocks.append(.success("\(replaced ? "replaced" : "added") \(name) (\(column.type.rawValue), \(column.missingCount) missing)"))
        if case .number(let values) = column.data {
            let infinite = values.reduce(0) { $0 + ($1.isInfinite ? 1 : 0) }
            if infinite > 0 {
                step.output.blocks.append(.warning("\(Plural.count(infinite, "value")) of \(name) \(infinite == 1 ? "is" : "are") infinite (from dividing by zero, or overflow); train refuses infinite features"))
            }
        }
    }

    static func impute(_ selector: ColumnSelector, _ strategy: ImputeStrategy, indicator: Bool, _ step: inout Step) throws {
        let table = try currentTable(step.ws)
        let names = try resolve(selector, in: table, step.ws, purpose: "impute")
        let missing = names.map { table.column(named: $0)!.missingCount }
        let fitted = try prepare(RecipeStep(ImputeStep(columns: names, strategy: strategy, indicator: indicator)), table, &step).fitted
        var filled: [String] = []
        for (k, fitted) in fitted.enumerated() {
            guard let imputer = fitted.as(FittedImputer.self) else { continue }
            if missing[k] > 0 || selector != .numeric && selector != .categorical {
                filled.append("\(imputer.name) (\(missing[k]) with \(imputer.fill.displayText))")
            }
        }
        step.output.blocks.insert(.success(filled.isEmpty ? "nothing to fill: no missing values in \(Plural.count(names.count, "column"))"
                                           : "filled " + filled.joined(separator: ", ")), at: 0)
        let flags = fitted.compactMap { $0.as(FittedImputer.self)?.indicator }
        if indicator {
            step.output.blocks.insert(.note(flags.isEmpty ? "no indicator columns: no column had missing values in the fitting rows"
                                            : "added \(Plural.count(flags.count, "indicator column")): " + listText(flags)), at: 1)
        }
    }

    /// A verb with methods (`encode onehot`, `scale robust`, …): resolves the columns the
    /// method takes and its settings, fits it through `prepare`, and says what it made.
    static func prepareColumns(_ verb: String, _ methodName: String, _ selector: ColumnSelector, _ given: [Command.Setting], _ step: inout Step,
                               _ context: EngineContext) throws {
        guard let method = PreparationMethods.named(verb, methodName) else {
            throw Diagnostic(.badValue, "unknown \(verb) method '\(methodName)'")
        }
        let table = try currentTable(step.ws)
        var names = try resolve(selector, in: table, step.ws, purpose: verb)
        if method.takes == .numbers, selector == .numeric { names = names.filter { table.column(named: $0)!.type == .number } }
        let settings = try learning {
            try method.settings.resolve(given.map { ($0.key, $0.value) }, algorithm: "\(verb) \(methodName)", makeSeed: context.makeSeed)
        }
        // A seed chosen now is recorded, so a replay deals the same folds.
        let seeds = method.settings.specs.filter { $0.defaultValue == .randomSeed && !given.map(\.key).contains($0.key) }
        if !seeds.isEmpty {
            step.recorded = .prepare(verb: verb, method: methodName, selector: selector,
                                     settings: given + seeds.map { Command.Setting(key: $0.key, value: settings[$0.key]!) })
        }
        var target: PreparationTarget?
        if method.needsTarget {
            guard let chosen = step.ws.target, table.column(named: chosen.column) != nil else {
                throw Diagnostic(.notReady, "\(verb) \(methodName) learns from the target, and none is chosen",
                                 help: "choose the column to predict first: target COLUMN")
            }
            guard chosen.task != .clustering else { throw Diagnostic(.notReady, "\(verb) \(methodName) needs a target to predict") }
            target = PreparationTarget(column: chosen.column, classification: chosen.task == .classification)
        }
        var recipeStep = try learning { try method.step(columns: names, settings: settings, target: target) }
        if step.ws.followsV2Rules, var oneHot = recipeStep.as(OneHotStep.self) {
            oneHot.options.numberIndicators = true
            recipeStep = RecipeStep(oneHot)
        }
        let fitted = try prepare(recipeStep, table, &step).fitted
        step.output.blocks.insert(contentsOf: outcome(of: verb, methodName, names: names, fitted: fitted), at: 0)
        if verb == "encode" { warnAboutIdentifiers(fitted, table, &step) }
    }

    /// What a method step made, as the lines that open its output.
    private static func outcome(of verb: String, _ method: String, names: [String], fitted: [FittedStep]) -> [Output.Block] {
        switch verb {
        case "encode":
            let made = fitted.map { part -> (column: String, count: Int) in
                (part.column ?? "", part.as(FittedOneHot.self)?.outputNames.count ?? part.as(FittedLevelEncoding.self)?.outputs.count ?? 1)
            }
            let total = made.reduce(0) { $0 + $1.count }
            let list = made.map { "\($0.column) → \($0.count)" }
            switch names.count {
            case 0: return [.success("no text columns to encode")]
            case 1...4: return [.success("encoded " + list.joined(separator: ", ") + " column" + (total == 1 ? "" : "s"))]
            default:
                return [.success("encoded \(names.count) text columns into \(Plural.count(total, "column"))"), .note(list.joined(separator: ", "))]
            }
        case "scale":
            return [.success("scaled \(Plural.count(names.count, "column")) \(ScaleMethod(rawValue: method)?.outcome ?? "")")]
        case "bin":
            let made = fitted.compactMap { $0.as(FittedBins.self) }.map { "\($0.name) → \($0.edges.count - 1)" }
            return [.success("binned \(Plural.count(names.count, "column"))" + (made.isEmpty ? "" : ": " + made.joined(separator: ", ")) + " bins")]
        case "pca":
            guard let pca = fitted.first?.as(FittedPCA.self) else { return [] }
            let share = pca.explainedRatio.reduce(0, +) * 100
            let ratios = pca.explainedRatio.prefix(30)
            return [.success("pca: \(Plural.count(pca.columns.count, "column")) → \(Plural.count(pca.loadings.count, "component")), "
                             + "\(NumberFormatting.significant(share, digits: 4))% of the variance"),
                    .chart(.bars(Chart.Bars(title: "explained variance", labelHeader: "component", valueHeader: "share",
                                            annotationHeader: "cumulative", labels: pca.outputNames.prefix(30).map { $0 },
                                            values: Array(ratios),
                                            annotations: ratios.indices.map { k in String(format: "%.1f%%", ratios.prefix(k + 1).reduce(0, +) * 100) },
                                            maximum: 1, decimals: 3)))]
        case "dateparts":
            let made = fitted.compactMap { $0.as(FittedDateParts.self) }.map { "\($0.name) → " + $0.outputNames.joined(separator: ", ") }
            return [.success("took the parts of \(Plural.count(names.count, "date column")): " + made.joined(separator: "; "))]
        case "interact", "poly":
            let made = fitted.compactMap { $0.as(FittedProducts.self) }.flatMap(\.outputNames)
            return [.success("added \(Plural.count(made.count, "column")): " + listText(made))]
        case "transform":
            var blocks: [Output.Block] = [.success("transformed \(Plural.count(names.count, "column")) with \(method)")]
            let lambdas = fitted.compactMap { part in part.as(FittedPowerTransform.self).flatMap { t in t.lambda.map { "\(t.name) λ=\(NumberFormatting.significant($0, digits: 4))" } } }
            if !lambdas.isEmpty { blocks.append(.note(lambdas.joined(separator: ", "))) }
            return blocks
        default:
            return [.success("\(verb) \(method): \(Plural.count(names.count, "column"))")]
        }
    }

    /// A column with nearly as many categories as rows is an identifier, not a feature.
    private static func warnAboutIdentifiers(_ fitted: [FittedStep], _ table: Table, _ step: inout Step) {
        let rows = step.ws.splits[table.name]?.trainingRows?.count ?? table.rowCount
        for encoder in fitted.compactMap({ $0.as(FittedOneHot.self) }) where encoder.categories.count > 20 && encoder.categories.count * 4 > rows {
            step.output.blocks.append(.warning("'\(encoder.name)' has \(encoder.categories.count) categories in \(rows) rows: its columns mostly single out rows, which a model learns by heart; consider 'drop \(Tabular.Expression.quoteIdentifier(encoder.name))' first"))
        }
    }

    /// `recipe`: the current table's preparation, each step as asked and what it learned.
    static func recipe(_ step: inout Step) throws {
        let table = try currentTable(step.ws)
        let steps = step.ws.recipes[table.name]?.steps ?? []
        guard !steps.isEmpty else {
            step.output.blocks.append(.text("'\(table.name)' has no preparation steps yet (derive, drop, impute, encode, scale and the other preparation commands add them)"))
            return
        }
        var lines: [String] = []
        for (k, (recipeStep, parts)) in step.ws.preparationSteps(of: table.name).enumerated() {
            let beforeSplit = recipeStep.isLearned && k < (step.ws.stepsBeforeSplit[table.name] ?? 0)
            lines.append("\(String(k + 1).leftPadded(3))  \(recipeStep.text)" + (beforeSplit ? "  (before the split: learned from every row)" : ""))
            let shown = 12
            for part in parts.prefix(shown) where !part.learnedText.isEmpty { lines.append("       " + part.learnedText) }
            if parts.count > shown { lines.append("       … \(parts.count - shown) more") }
        }
        step.output.blocks.append(.text(lines.joined(separator: "\n")))
        let note: String
        switch step.ws.splits[table.name] {
        case .rows?: note = "learned from the \(Plural.count(step.ws.splits[table.name]!.trainingRows!.count, "training row")) of '\(table.name)'"
        case .table(let test)?: note = "learned from all \(Plural.count(table.rowCount, "row")) of '\(table.name)' (\(test) is the test set)"
        case nil: note = "no split yet: the learned steps learned from all \(Plural.count(table.rowCount, "row")), which a later split would leak"
        }
        if steps.contains(where: \.isLearned) { step.output.blocks.append(.note(note)) }
    }

    /// `features`: each column but the target, its type and kind, and the step that made it.
    static func features(_ step: inout Step) throws {
        let table = try currentTable(step.ws)
        let target = step.ws.target?.column
        // Which recipe step last made each column.
        var madeBy: [String: Int] = [:]
        let steps = step.ws.preparationSteps(of: table.name)
        for (k, (_, parts)) in steps.enumerated() {
            for part in parts { for name in part.producedColumns { madeBy[name] = k } }
        }
        let indicators = step.ws.indicatorColumns(of: table.name)
        var rows: [[String]] = [], unreadable: [String] = []
        for column in table.columns where column.name != target {
            let kind = indicators.contains(column.name) ? "indicator" : column.type.isNumeric ? "measured" : "not yet a feature"
            if !column.type.isNumeric { unreadable.append(column.name) }
            let origin = madeBy[column.name].map { k in "\(k + 1)  \(steps[k].step.text)" } ?? "loaded"
            rows.append([column.name, column.type.rawValue, kind, origin])
        }
        guard !rows.isEmpty else {
            step.output.blocks.append(.text("'\(table.name)' has no columns besides the target"))
            return
        }
        step.output.blocks.append(.table(TextTable(headers: ["feature", "type", "kind", "made by"], rows: rows, rightAligned: [false, false, false, false])))
        let count = rows.count - unreadable.count
        var note = "\(Plural.count(count, "feature")) a model can read (\(rows.filter { $0[2] == "indicator" }.count) indicators)"
        if let target { note += "; target \(target)" }
        step.output.blocks.append(.note(note))
        if !unreadable.isEmpty {
            step.output.blocks.append(.warning("\(listText(unreadable)) \(unreadable.count == 1 ? "is" : "are") not numbers: train refuses \(unreadable.count == 1 ? "it" : "them") until encoded (encode, dateparts) or dropped"))
        }
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
            let indicators = ws.followsV2Rules ? [] : ws.indicatorColumns(of: table.name)
            return table.columns.filter { $0.type.isNumeric && $0.name != target && !indicators.contains($0.name) }.map(\.name)
        case .categorical:
            return table.columns.filter { $0.type == .text && $0.name != target }.map(\.name)
        case .indicators:
            let indicators = ws.indicatorColumns(of: table.name)
            return table.columns.filter { $0.type.isNumeric && $0.name != target && indicators.contains($0.name) }.map(\.name)
        case .columns(let names):
            for name in names where table.column(named: name) == nil {
                // A column an earlier step replaced is named with the step, not just missed.
                if let encoder = ws.preparations[table.name]?.steps.lazy.compactMap({ $0.as(FittedOneHot.self) }).last(where: { $0.name == name }) {
                    throw Diagnostic(.noSuchColumn, "'\(name)' was one-hot encoded into \(listText(encoder.outputNames)), so it is no longer a column",
                                     help: "select its indicators by name, or 'indicators' for all of them")
                }
                throw noSuchColumn(name, table)
            }
            if let target, names.contains(target) {
                throw Diagnostic(.badValue, "'\(target)' is the target; \(purpose) works on features only")
            }
            return names
        }
    }
}

extension Workspace {
    /// Each recipe step of the table with the fitted parts it made (they follow one another
    /// in the stored preparation, `fittedCounts` long).
    func preparationSteps(of table: String) -> [(step: RecipeStep, fitted: ArraySlice<FittedStep>)] {
        var fitted = (preparations[table] ?? FittedRecipe()).steps[...]
        let counts = fittedCounts[table] ?? []
        return (recipes[table]?.steps ?? []).enumerated().map { k, step in
            let count = k < counts.count ? counts[k] : 0
            defer { fitted = fitted.dropFirst(count) }
            return (step, fitted.prefix(count))
        }
    }

    /// The indicator columns the table's preparation made (one-hot levels, missing flags).
    func indicatorColumns(of table: String) -> Set<String> {
        preparations[table]?.indicatorColumns ?? []
    }
}
