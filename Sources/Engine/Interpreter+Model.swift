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

    /// `cv K [NAMES] [seed=N]`: each candidate's metrics over K folds of the training rows.
    static func crossValidate(_ k: Int, _ names: [String], _ requestedSeed: UInt64?, _ step: inout Step, _ context: EngineContext) throws {
        let table = try currentTable(step.ws)
        func noTarget() -> Diagnostic {
            Diagnostic(.notReady, "cross-validation scores predictions of a target, and none is chosen",
                       help: "choose the column to predict first: target COLUMN (a clustering needs none: cv \(k) kmeans)")
        }
        // One recorded seed deals the folds and seeds any algorithm named here, so a replay
        // fits the same forests and boosters.
        let seed = requestedSeed ?? context.makeSeed()
        let chosen = names.isEmpty ? step.ws.models.filter { $0.table == table.name }.map(\.name) : names
        guard !chosen.isEmpty else {
            if step.ws.target == nil { throw noTarget() }
            throw Diagnostic(.notReady, "no models of '\(table.name)' to cross-validate",
                             help: "name algorithms, e.g. 'cv 5 logistic tree', or train a model first")
        }
        // Each name's algorithm, and the settings of a model named.
        var named: [(name: String, algorithm: Algorithm, settings: Settings?)] = []
        for name in chosen {
            if let model = step.ws.model(named: name) {
                guard let algorithm = AlgorithmRegistry.named(model.estimator.algorithm) else { throw Diagnostic(.badValue, "'\(name)' has no algorithm this mlw knows") }
                guard model.table == table.name else {
                    throw Diagnostic(.badValue, "'\(name)' was trained on '\(model.table)', not on '\(table.name)'", help: "use \(model.table) first")
                }
                named.append((name, algorithm, model.estimator.settings))
            } else if let algorithm = AlgorithmRegistry.named(name) {
                named.append((name, algorithm, nil))
            } else {
                throw Diagnostic(.badValue, "'\(name)' is neither a model nor an algorithm",
                                 help: Suggestions.didYouMean(name, among: step.ws.models.map(\.name) + AlgorithmRegistry.all.map(\.name))
                                    ?? "models: " + step.ws.models.map(\.name).joined(separator: ", ") + "; algorithms: " + AlgorithmRegistry.all.map(\.name).joined(separator: ", "))
            }
        }
        // Clusterings and predictors have no metric in common: one table holds one kind.
        let clusterings = named.filter { $0.algorithm.findsClusters }
        if let clustering = clusterings.first, let predictor = named.first(where: { !$0.algorithm.findsClusters }) {
            throw Diagnostic(.badValue, "'\(clustering.name)' finds clusters and '\(predictor.name)' predicts a target: they share no metric to compare",
                             help: "cross-validate them apart: cv \(k) " + clusterings.map(\.name).joined(separator: " "))
        }
        let target: Target?
        if clusterings.isEmpty {
            guard let chosenTarget = step.ws.target, chosenTarget.task != .clustering else { throw noTarget() }
            target = chosenTarget
        } else {
            target = nil
        }
        let task = target?.task ?? .clustering
        var candidates: [CrossValidation.Candidate] = []
        for entry in named {
            let settings = try entry.settings ?? learning { try entry.algorithm.settings.resolve([], algorithm: entry.algorithm.name, task: task, makeSeed: { seed }) }
            candidates.append(.init(name: entry.name, algorithm: entry.algorithm, settings: settings))
            try Training.checkTask(of: entry.algorithm, step.ws)
        }
        // Folds are stratified by class; the problem checks come with the first fold's fit.
        let (rows, labels) = try CrossValidation.labelledRows(of: table, step.ws, target: target, folds: k, fewer: "use fewer folds")
        let folds = CrossValidation.folds(rows, k: k, labels: labels, seed: seed)
        let results = try CrossValidation.run(candidates, folds: folds, table: table, step.ws, context: context)
        step.recorded = .crossValidate(folds: k, names: names, seed: seed)
        guard let metricNames = results.first?.metrics.map(\.name) else { return }
        func mean(_ v: [Double]) -> Double { v.reduce(0, +) / Double(v.count) }
        func deviation(_ v: [Double]) -> Double {
            let m = mean(v)
            return (v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(v.count)).squareRoot()
        }
        // As evaluate: a column per model, a row per metric.
        var cells = [["algorithm"] + results.map(\.candidate.algorithm.name)]
        for (m, name) in metricNames.enumerated() {
            cells.append([name] + results.map { result in
                let values = result.metrics[m].values
                return Evaluating.spread(mean: mean(values), deviation: deviation(values))
            })
        }
        let headers = ["metric"] + results.map(\.candidate.name)
        step.output.blocks.append(.table(TextTable(headers: headers, rows: cells, rightAligned: headers.indices.map { $0 > 0 })))
        for result in results {
            for metric in result.metrics { step.fingerprint.add("\(result.candidate.name).\(metric.name)", Fingerprint.format(mean(metric.values))) }
        }
        let sizes = folds.map(\.count)
        step.output.blocks.append(.note("\(k) folds of the \(Plural.count(rows.count, "training row")) (\(sizes.min()!)–\(sizes.max()!) each\(labels != nil ? ", stratified" : "")), seed \(seed); the recipe refitted in each; mean ± standard deviation over the folds"))
    }

    static func evaluate(_ names: [String], byClass: Bool, _ step: inout Step) throws {
        for name in names { _ = try model(named: name, step.ws) }
        var ws = step.ws
        if !names.isEmpty { ws.models = ws.models.filter { names.contains($0.name) } }
        let evaluation = try Evaluating.evaluate(ws)
        step.ws.evaluation = evaluation.evaluation
        for row in evaluation.evaluation.rows {
            for metric in row.metrics { step.fingerprint.add("\(row.model).\(metric.name)", Fingerprint.format(metric.value)) }
        }
        step.output.blocks += evaluation.output
        guard byClass else { return }
        let classifiers = ws.models.filter { $0.task == .classification && $0.testSet != nil }
        guard !classifiers.isEmpty else {
            throw Diagnostic(.badValue, "'by class' is for classifiers, and none with test rows is shown")
        }
        for model in classifiers { step.output.blocks.append(perClassTable(model, counts: confusionMatrix(model))) }
    }

    /// Counts of each true class (rows) against each predicted class on a classifier's test rows.
    static func confusionMatrix(_ model: TrainedModel) -> [[Double]] {
        let testSet = model.testSet!
        let k = model.classes.count
        var counts = [[Double]](repeating: [Double](repeating: 0, count: k), count: k)
        for (t, p) in zip(testSet.classIndices, model.scoring.decide(model.estimator.predict(testSet.x))) { counts[t][p] += 1 }
        return counts
    }

    /// Each class's test rows, precision, recall and F1, from a classifier's confusion matrix.
    static func perClassTable(_ model: TrainedModel, counts: [[Double]]) -> Output.Block {
        let k = model.classes.count
        let rows = (0..<k).map { c -> [String] in
            let tp = counts[c][c], fn = counts[c].reduce(0, +) - tp, fp = (0..<k).reduce(0) { $0 + counts[$1][c] } - tp
            let scores = Metrics.ClassCounts(tp: tp, fp: fp, fn: fn)
            return [model.name, model.classes[c], "\(Int(tp + fn))", Evaluating.format(Metrics.precision(scores)),
                    Evaluating.format(Metrics.recall(scores)), Evaluating.format(Metrics.f1(scores))]
        }
        return .table(TextTable(headers: ["model", "class", "test rows", "precision", "recall", "f1"], rows: rows,
                                rightAligned: [false, false, true, true, true, true]))
    }

    /// `show MODEL`: its settings, data, preparation, test metrics and learned values.
    static func show(_ modelName: String, _ step: inout Step) throws {
        let model = try model(named: modelName, step.ws)
        let algorithm = AlgorithmRegistry.named(model.estimator.algorithm)
        let settings = model.estimator.settings.entries.map { "\($0.key)=" + (algorithm?.settings.spec($0.key)?.text(of: $0.value) ?? "\($0.value)") }
        var facts: [Output.Fact] = [
            .init("algorithm", model.estimator.algorithm + (model.estimator.summary.map { " (\($0))" } ?? "")),
            .init("settings", settings.isEmpty ? "none" : settings.joined(separator: " ")),
            .init("task", model.task.rawValue + (model.task == .classification ? ", \(Plural.count(model.classes.count, "class")): " + listText(model.classes) : "")),
            .init("target", model.target.isEmpty ? "none (a clustering)" : model.target),
            .init("learned from", "\(Plural.count(model.trainingRows, "row")) of '\(model.table)'"),
            .init("features", "\(model.features.count): " + listText(model.features)),
            .init("preparation", model.preparation.isEmpty ? "none" : Plural.count(model.preparation.count, "fitted transform") + " (recipe shows the steps that made them)"),
        ]
        if let decision = model.decision {
            facts.append(.init("decides", "\(model.classes[decision.positive]) when its probability is at least \(Evaluating.format(decision.threshold)) (threshold)"))
        }
        if let metrics = Evaluating.metrics(of: model, in: step.ws) {
            let main = Metrics.headline(for: model.task)
            facts.append(.init("test metrics", metrics.filter { main.contains($0.name) }.map { "\($0.name) \(Evaluating.format($0.value))" }.joined(separator: ", ")))
        }
        step.output.blocks.append(.facts(title: modelName, facts: facts))
        if let learned = model.estimator.learnedValues(features: model.features, classes: model.classes) {
            let shown = 25
            step.output.blocks.append(.table(TextTable(headers: learned.headers, rows: Array(learned.rows.prefix(shown)),
                                                       rightAligned: learned.headers.indices.map { $0 > 0 })))
            step.output.blocks.append(.note(learned.note + (learned.rows.count > shown ? "; \(learned.rows.count - shown) more not shown" : "")))
        }
    }

    /// `confusion MODEL`: true against predicted classes on the test rows, and each class's scores.
    static func confusion(_ modelName: String, _ step: inout Step) throws {
        let model = try model(named: modelName, step.ws)
        guard model.task == .classification else {
            throw Diagnostic(.badValue, "'\(modelName)' predicts numbers; a confusion matrix is for classifiers", help: "try 'evaluate' for its errors")
        }
        guard let testSet = model.testSet else {
            throw Diagnostic(.notReady, "'\(modelName)' has no test rows", help: "split before training, e.g. 'split 0.8 stratify', then train again")
        }
        let counts = confusionMatrix(model)
        step.output.blocks.append(.chart(.heatmap(Chart.Heatmap(
            title: "\(modelName) on \(Plural.count(testSet.classIndices.count, "test row")): true class (rows) against predicted (columns)",
            rowLabels: model.classes, columnLabels: model.classes, values: counts, diverging: false, decimals: 0))))
        step.output.blocks.append(perClassTable(model, counts: counts))
    }

    /// `leaderboard [sort=METRIC]`: every model with a test set, with its settings, best first.
    static func leaderboard(_ sort: String?, _ step: inout Step) throws {
        let rows = Evaluating.rows(step.ws.models, in: step.ws)
        guard !rows.isEmpty else {
            throw Diagnostic(.notReady, step.ws.models.isEmpty ? "no models yet" : "no model has a test set",
                             help: step.ws.models.isEmpty ? trainFirst(step.ws) : "split before training, e.g. 'split 0.8 stratify', then train again")
        }
        let groups = Dictionary(grouping: rows, by: \.target).sorted { $0.key < $1.key }
        // A sort metric ranks the groups of its task; the others keep their goal's or default metric.
        let tasks = Set(groups.map { $0.value[0].task })
        if let sort, !tasks.contains(where: { Metrics.names(for: $0).contains(sort) }) {
            let task = groups[0].value[0].task
            throw Diagnostic(.badValue, "'\(sort)' is not a \(tasks.count > 1 ? "metric of these models" : task.rawValue + " metric")",
                             help: tasks.sorted { $0.rawValue < $1.rawValue }.map { "\($0.rawValue) metrics: " + Metrics.names(for: $0).joined(separator: ", ") }
                                .joined(separator: "; "))
        }
        for (target, group) in groups {
            let task = group[0].task
            let metric = sort.flatMap { Metrics.names(for: task).contains($0) ? $0 : nil }
                ?? step.ws.goals[target].map(\.metric) ?? Metrics.defaultName(for: task)
            let higher = Metrics.higherIsBetter(metric)
            let ranked = group.enumerated().sorted { a, b in
                let x = a.element.value(of: metric) ?? .nan, y = b.element.value(of: metric) ?? .nan
                if x.isNaN != y.isNaN { return y.isNaN }
                if x != y, !x.isNaN { return higher ? x > y : x < y }
                return a.offset < b.offset
            }.map(\.element)
            let shown = Metrics.headline(for: task)
            let columns = [metric] + shown.filter { $0 != metric }
            let cells = ranked.enumerated().map { rank, row -> [String] in
                // The settings that differ from the algorithm's defaults (the seed aside).
                var settings = ""
                if let model = step.ws.model(named: row.model), let algorithm = AlgorithmRegistry.named(model.estimator.algorithm),
                   let defaults = try? algorithm.settings.resolve([], algorithm: algorithm.name, task: task) {
                    let changed = model.estimator.settings.entries.filter { $0.key != "seed" && defaults[$0.key] != $0.value }
                    settings = changed.isEmpty ? "defaults" : changed.map { "\($0.key)=" + (algorithm.settings.spec($0.key)?.text(of: $0.value) ?? "") }.joined(separator: " ")
                }
                return ["\(rank + 1)", row.model, row.algorithm] + columns.map { row.value(of: $0).map(Evaluating.format) ?? "n/a" } + [settings]
            }
            if groups.count > 1 { step.output.blocks.append(.text(target.isEmpty ? "clusterings:" : "\(target) (\(task.rawValue)):")) }
            let headers = ["#", "model", "algorithm"] + columns + ["settings"]
            step.output.blocks.append(.table(TextTable(headers: headers, rows: cells,
                                                       rightAligned: headers.indices.map { $0 == 0 || (3..<(3 + columns.count)).contains($0) })))
            step.output.blocks.append(.note("ranked by \(metric) on each model's test rows (\(higher ? "higher" : "lower") is better)"
                                            + (Set(group.map(\.testSet)).count > 1 ? "; not like for like: the models were tested on different rows" : "")))
        }
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

    /// `importance MODEL permutation`: the worsening of a metric on the test rows when each
    /// feature's values are shuffled among them (scikit-learn's permutation_importance).
    static func permutationImportance(_ modelName: String, _ options: Command.PermutationImportance, _ step: inout Step,
                                      _ context: EngineContext) throws {
        let model = try model(named: modelName, step.ws)
        guard model.task != .clustering else { throw Diagnostic(.badValue, "'\(modelName)' has no target to score a shuffle against") }
        guard let testSet = model.testSet else {
            throw Diagnostic(.notReady, "'\(modelName)' has no test rows to shuffle", help: "split before training, e.g. 'split 0.8', then train again")
        }
        let names = Metrics.names(for: model.task)
        let metric = options.metric ?? step.ws.goals[model.target].map(\.metric) ?? Metrics.defaultName(for: model.task)
        guard names.contains(metric) else {
            throw Diagnostic(.badValue, "'\(metric)' is not a \(model.task.rawValue) metric", help: "\(model.task.rawValue) metrics: " + names.joined(separator: ", "))
        }
        if model.task == .classification { try Evaluating.checkPositiveClassMetric(metric, classCount: model.classes.count) }
        let repeats = options.repeats ?? 5
        let seed = options.seed ?? context.makeSeed()
        step.recorded = .importance(model: modelName, permutation: Command.PermutationImportance(repeats: repeats, metric: metric, seed: seed))
        func score(_ x: DesignMatrix) -> Double {
            ModelMetrics.of(task: model.task, classCount: model.classes.count, truth: LabelledMatrix(x: x, classIndices: testSet.classIndices, values: testSet.values),
                            prediction: model.estimator.predict(x), decision: model.decision,
                            positive: Evaluating.positiveClass(of: model, in: step.ws)).first { $0.name == metric }!.value
        }
        let baseline = score(testSet.x)
        let higher = Metrics.higherIsBetter(metric)
        let rows = testSet.x.rows, columns = testSet.x.columns
        // Each feature's shuffles from its own seeded stream: the result does not depend on scheduling.
        let drops = Parallel.map(columns) { j -> [Double] in
            var generator = SeededGenerator(seed: seed &+ UInt64(j) &* 0x9E37_79B9_7F4A_7C15)
            var shuffled = testSet.x
            let column = (0..<rows).map { testSet.x.values[$0 * columns + j] }
            return (0..<repeats).map { _ in
                if context.isCancelled() { return .nan }
                let order = Array(0..<rows).shuffled(using: &generator)
                for i in 0..<rows { shuffled.values[i * columns + j] = column[order[i]] }
                let permuted = score(shuffled)
                return higher ? baseline - permuted : permuted - baseline
            }
        }
        if context.isCancelled() { throw CancelledOptimization() }
        let stats = drops.map { values -> (mean: Double, sd: Double) in
            let mean = values.reduce(0, +) / Double(values.count)
            return (mean, (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)).squareRoot())
        }
        for (feature, stat) in zip(model.features, stats) { step.fingerprint.add(feature, Fingerprint.format(stat.mean)) }
        let ranked = stats.indices.sorted { stats[$0].mean != stats[$1].mean ? stats[$0].mean > stats[$1].mean : $0 < $1 }
        let shown = ranked.prefix(20)
        let top = max(0, stats[ranked[0]].mean)
        let cells = shown.map { j -> [String] in
            let width = top > 0 ? Int((max(0, stats[j].mean) / top * 30).rounded()) : 0
            return [model.features[j], NumberFormatting.significant(stats[j].mean, digits: 4), NumberFormatting.significant(stats[j].sd, digits: 2),
                    String(repeating: "█", count: width)]
        }
        step.output.blocks.append(.table(TextTable(headers: ["feature", "\(metric) \(higher ? "drop" : "rise")", "sd", ""], rows: cells,
                                                   rightAligned: [false, true, true, false])))
        var note = "\(metric) \(Evaluating.format(baseline)) on the \(Plural.count(rows, "test row")); each feature shuffled \(Plural.count(repeats, "time")) (seed \(seed)), "
            + "the mean \(higher ? "drop" : "rise") shown (below 0: shuffling helped, by chance)"
        if ranked.count > shown.count { note += "; \(ranked.count - shown.count) more not shown" }
        step.output.blocks.append(.note(note))
    }

    /// The names of this session's models with a property, or nil when none has it.
    private static func modelsWith(_ property: (TrainedModel) -> Bool, _ ws: Workspace) -> String? {
        let names = ws.models.filter(property).map(\.name)
        return names.isEmpty ? nil : names.joined(separator: ", ")
    }
}
