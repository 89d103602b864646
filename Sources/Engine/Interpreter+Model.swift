import CommandLanguage
import Learning
import Scoring
import Tabular

/// The model stage: `train`, `evaluate`, and the inspections of a trained model (`rules`,
/// `importance`).
extension Interpreter {
    static func train(_ algorithmName: String, _ requestedName: String?, _ given: [Command.Setting], _ step: inout Step,
                      _ context: EngineContext) throws {
        _ = try currentTable(step.ws)
        guard let algorithm = AlgorithmRegistry.named(algorithmName) else {
            throw Diagnostic(.badValue, "unknown algorithm '\(algorithmName)'")
        }
        let problem = try Training.problem(for: algorithm, step.ws)
        let name = requestedName ?? Training.defaultName(algorithmName, step.ws)
        guard step.ws.model(named: name) == nil else {
            throw Diagnostic(.badValue, "a model named '\(name)' exists already", help: "give this one another name: train \(algorithmName) NAME")
        }
        let settings: Settings
        do {
            settings = try algorithm.settings.resolve(given.map { ($0.key, $0.value) }, algorithm: algorithm.name,
                                                     task: problem.target?.task ?? .clustering, makeSeed: context.makeSeed)
        } catch let error as LearningError {
            throw Diagnostic(.badOption, error.message, help: error.help)
        }
        let table = problem.table
        let fit = try Training.fit(algorithm, settings: settings, on: problem, rows: step.ws.splits[table.name]?.trainingRows,
                                   isCancelled: context.isCancelled)
        // Every setting is recorded, defaults and chosen seeds included, so a replay fits the same model.
        let recorded = Command.train(algorithm: algorithmName, name: name,
                                     settings: settings.entries.map { Command.Setting(key: $0.key, value: $0.value) })
        let model = try Training.record(fit.model, name: name, problem: problem, recorded: recorded, step.ws, context: context)
        step.ws.models.append(model)
        step.recorded = recorded
        step.fingerprint.add("rows", "\(model.trainingRows)")
        step.fingerprint.add("features", "\(model.features.count)")
        step.fingerprint.add("model", fit.model.fingerprint)

        var summary = "trained \(name) (\(algorithmName)) on \(Plural.count(model.trainingRows, "row")) × \(Plural.count(model.features.count, "feature"))"
        if let facts = fit.model.summary { summary += ", " + facts }
        step.output.blocks.append(.success(summary))
        if step.ws.splits[table.name] == nil, problem.target != nil {
            step.output.blocks.append(.note("no split: trained on every row, so 'evaluate' has no test set for it"))
        }
        for remark in fit.remarks {
            switch remark {
            case .note(let text): step.output.blocks.append(.note(text))
            case .warning(let text): step.output.blocks.append(.warning(text))
            }
        }
        // Every level's indicator kept: each encoding's indicators add up to the intercept.
        let fullEncodings = (step.ws.preparations[table.name]?.steps ?? []).compactMap { $0.as(FittedOneHot.self) }
            .filter { $0.dropped.isEmpty && $0.infrequent.isEmpty && $0.outputNames.allSatisfy(model.features.contains) }
        if fit.remarks.contains(where: { if case .note(let text) = $0 { return text.hasPrefix("features are collinear") }; return false }),
           let first = fullEncodings.first {
            step.output.blocks.append(.note("the indicators of '\(first.name)'\(fullEncodings.count > 1 ? " and \(fullEncodings.count - 1) other encodings" : "") add up to 1, as the intercept does; 'encode onehot … drop=first' leaves one out"))
        }
    }

    static func evaluate(_ step: inout Step) throws {
        let evaluation = try Evaluating.evaluate(step.ws)
        step.ws.evaluation = evaluation.evaluation
        for row in evaluation.evaluation.rows {
            for metric in row.metrics { step.fingerprint.add("\(row.model).\(metric.name)", Fingerprint.format(metric.value)) }
        }
        step.output.blocks += evaluation.output
    }

    /// `rules MODEL`: a tree as if/then rules, each leaf with its prediction and rows.
    static func rules(_ modelName: String, _ step: inout Step) throws {
        let model = try model(named: modelName, step.ws)
        guard let rules = model.estimator.rules(features: model.features, classes: model.classes) else {
            throw Diagnostic(.badValue, "'\(modelName)' is a \(model.algorithm) model, which is not a set of rules",
                             help: modelsWith({ $0.estimator.rules(features: $0.features, classes: $0.classes) != nil }, step.ws).map { "models that are: " + $0 } ?? "rules are for tree models, e.g. 'train tree max_depth=3'")
        }
        step.output.blocks.append(.text(rules))
    }

    /// `importance MODEL`: the features by impurity-based importance, with a bar each.
    static func importance(_ modelName: String, _ step: inout Step) throws {
        let model = try model(named: modelName, step.ws)
        guard let importances = model.estimator.featureImportances else {
            throw Diagnostic(.badValue, "'\(modelName)' is a \(model.algorithm) model, which has no built-in feature importances",
                             help: modelsWith({ $0.estimator.featureImportances != nil }, step.ws).map { "models that have them: " + $0 } ?? "tree models have them, e.g. 'train tree'")
        }
        let ranked = zip(model.features, importances).enumerated().sorted { a, b in
            a.element.1 != b.element.1 ? a.element.1 > b.element.1 : a.offset < b.offset
        }.map(\.element)
        let shown = ranked.prefix(20)
        let top = shown.first?.1 ?? 0
        let rows = shown.map { feature, value -> [String] in
            let width = top > 0 ? Int((value / top * 30).rounded()) : 0
            return [feature, NumberFormatting.significant(value, digits: 4), String(repeating: "█", count: width)]
        }
        step.output.blocks.append(.table(TextTable(headers: ["feature", "importance", ""], rows: rows, rightAligned: [false, true, false])))
        let unused = importances.filter { $0 == 0 }.count
        var note = "impurity-based (mean decrease in impurity over the training rows, summing to 1)"
        if ranked.count > shown.count { note += "; \(ranked.count - shown.count) more not shown" }
        if unused > 0 { note += "; \(Plural.count(unused, "feature")) never used" }
        step.output.blocks.append(.note(note))
    }

    /// The names of this session's models with a property, or nil when none has it.
    private static func modelsWith(_ property: (TrainedModel) -> Bool, _ ws: Workspace) -> String? {
        let names = ws.models.filter(property).map(\.name)
        return names.isEmpty ? nil : names.joined(separator: ", ")
    }
}
