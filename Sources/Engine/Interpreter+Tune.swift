import CommandLanguage
import Foundation
import Learning
import Tabular

/// `tune`: settles the search (method, trials, folds, metric, seed), runs it (`Tuning`),
/// fits the best settings on the training rows as a normal model, and records every
/// choice, so the journal's line replays the same search.
extension Interpreter {
    /// Trials a random or halving search runs when none are asked for.
    static let defaultTrials = 20
    /// Folds when `cv=` is left out (scikit-learn's default).
    static let defaultTuningFolds = 5

    static func tune(_ request: Command.TuneRequest, _ step: inout Step, _ context: EngineContext) throws {
        let table = try currentTable(step.ws)
        guard let algorithm = AlgorithmRegistry.named(request.algorithm) else {
            throw Diagnostic(.badValue, "unknown algorithm '\(request.algorithm)'")
        }
        // A clustering is tuned on its held-out rows' silhouette (or inertia), with no target.
        let target = Training.target(for: algorithm, step.ws)
        guard let task = Training.task(of: algorithm, step.ws) else {
            throw Diagnostic(.notReady, "tuning scores predictions of a target, and none is chosen",
                             help: "choose the column to predict first: target COLUMN")
        }
        try Training.checkTask(of: algorithm, step.ws)
        let name = request.name ?? Training.defaultName(algorithm.name + "_tuned", step.ws)
        guard step.ws.model(named: name) == nil else {
            throw Diagnostic(.badValue, "a model named '\(name)' exists already", help: "give this one another name: tune \(algorithm.name) NAME …")
        }
        // Nothing searched: the algorithm's default search, less the settings given.
        var dimensions = request.space
        if !dimensions.contains(where: { if case .fixed = $0.values { return false }; return true }) {
            let given = Set(dimensions.map(\.key))
            let defaults = algorithm.searchSpace(task).filter { !given.contains($0.key) }
            guard !defaults.isEmpty else {
                throw Diagnostic(.badOption, "nothing to search: the settings \(algorithm.name)'s default search varies are all fixed here",
                                 help: "give a setting a list or a range, e.g. " + algorithm.searchSpace(task).map { $0.text(in: algorithm.settings) }.joined(separator: " "))
            }
            dimensions += defaults
        }
        let space: SearchSpace
        do { space = try SearchSpace(dimensions, schema: algorithm.settings, algorithm: algorithm.name) } catch let error as LearningError {
            throw Diagnostic(.badOption, error.message, help: error.help)
        }
        let metricNames = Metrics.names(for: task)
        let metric = request.metric ?? target.flatMap { step.ws.goals[$0.column]?.metric } ?? Metrics.defaultName(for: task)
        guard metricNames.contains(metric) else {
            throw Diagnostic(.badValue, "'\(metric)' is not a \(task.rawValue) metric", help: "\(task.rawValue) metrics: " + metricNames.joined(separator: ", "))
        }
        let classCount = task == .classification ? max(2, target.flatMap { table.column(named: $0.column) }.map { ClassLabels.from($0).labels.count } ?? 2) : 1
        if task == .classification { try Evaluating.checkPositiveClassMetric(metric, classCount: classCount) }
        let plan = try plan(request, algorithm: algorithm, space: space, metric: metric, rows: CrossValidation.rows(of: table, step.ws).count,
                            classCount: classCount, context: context)
        // The plan has checked the rows against the folds.
        let (rows, labels) = try CrossValidation.labelledRows(of: table, step.ws, target: target, folds: nil, fewer: "")
        let outcome = try Tuning.run(plan, rows: rows, labels: labels, table: table, step.ws, context: context)

        // The best settings fitted on every training row; only a second Ctrl-C stops this.
        context.progress?.report(ProgressUpdate(task: "fitting the best settings on the training rows", fraction: 1, count: outcome.trials.count,
                                                unit: "trials done"))
        let problem = try Training.problem(for: algorithm, step.ws)
        let fit = try Training.fit(algorithm, settings: outcome.best.settings, on: problem, rows: step.ws.splits[table.name]?.trainingRows,
                                   isCancelled: context.isCancelled)
        // The model's lineage is the plain `train` of its settings: a pipeline refits it
        // without searching again.
        let trained = Command.train(algorithm: algorithm.name, name: name,
                                    settings: outcome.best.settings.entries.map { Command.Setting(key: $0.key, value: $0.value) })
        let model = try Training.record(fit.model, name: name, problem: problem, recorded: trained, step.ws, context: context)
        step.ws.models.append(model)

        var recorded = request
        recorded.name = name
        recorded.space = space.dimensions
        recorded.folds = plan.folds
        recorded.search = plan.method
        recorded.metric = metric
        recorded.seed = plan.seed
        if plan.method != .grid || request.trials != nil { recorded.trials = plan.candidates.count }
        if let stopped = outcome.stoppedAfter {
            if plan.method == .halving { recorded.rounds = stopped } else { recorded.trials = stopped }
        }
        step.recorded = .tune(recorded)

        // Every trial's score, compared at the fingerprint's precision.
        var scores = FingerprintHasher()
        for trial in outcome.trials {
            scores.combine("\(trial.number).\(trial.round)=" + (trial.mean(metric).map(Fingerprint.format) ?? "failed"))
        }
        step.fingerprint.add("trials", "\(outcome.trials.count)")
        step.fingerprint.add("scores", scores.hexDigest)
        step.fingerprint.add("best", "\(outcome.best.number)")
        step.fingerprint.add(metric, outcome.best.mean(metric).map(Fingerprint.format) ?? "failed")
        step.fingerprint.add("rows", "\(model.trainingRows)")
        step.fingerprint.add("features", "\(model.features.count)")
        step.fingerprint.add("model", fit.model.fingerprint)

        let best = outcome.best
        let searchedKeys = space.searched.map(\.key)
        let bestValues = best.values.map { "\($0.key)=" + (algorithm.settings.spec($0.key)?.text(of: $0.value) ?? "") }.joined(separator: " ")
        step.output.blocks.append(.success("tuned \(name) (\(algorithm.name)): \(bestValues), \(metric) \(scoreText(best, metric)) over \(plan.folds) folds"
                                           + "; trained on \(Plural.count(model.trainingRows, "row")) × \(Plural.count(model.features.count, "feature"))"))
        step.output.blocks += trialTable(outcome, plan: plan, keys: searchedKeys, metric: metric)
        if let stopped = outcome.stoppedAfter {
            let planned = plan.method == .halving ? "\(stopped) of \(plan.rounds.count) rounds" : "\(stopped) of \(plan.candidates.count) trials"
            step.output.blocks.append(.warning("stopped by Ctrl-C after \(planned): kept the best of those, recorded as "
                                               + (plan.method == .halving ? "halving_rounds=\(stopped)" : "trials=\(stopped)") + " so a replay runs the same"))
        }
        let failures = outcome.trials.filter { $0.failure != nil }
        if let first = failures.first {
            step.output.blocks.append(.warning("\(Plural.count(failures.count, "trial")) failed (ranked last); trial \(first.number): \(first.failure!)"))
        }
        if let edge = edgeWarning(best, space: space, algorithm: algorithm) { step.output.blocks.append(.note(edge)) }
        if metric == "inertia", space.searched.contains(where: { $0.key == "k" }) {
            step.output.blocks.append(.warning("inertia falls as clusters are added, so ranking by it favours the largest k; "
                                               + "silhouette (the default for clusterings) weighs how well the clusters separate"))
        }
        for remark in fit.remarks {
            switch remark {
            case .note(let text): step.output.blocks.append(.note(text))
            case .warning(let text): step.output.blocks.append(.warning(text))
            }
        }
        if step.ws.splits[table.name] == nil {
            step.output.blocks.append(.note("no split: tuned and trained on every row, so 'evaluate' has no test set for it"))
        }
    }

    /// The search settled: method, candidates, folds, seed and rounds.
    static func plan(_ request: Command.TuneRequest, algorithm: Algorithm, space: SearchSpace, metric: String, rows: Int,
                             classCount: Int, context: EngineContext) throws -> Tuning.Plan {
        let folds = request.folds ?? defaultTuningFolds
        let seed = request.seed ?? context.makeSeed()
        let gridSize = space.gridSize
        // A grid when every searched setting is a list and the trials (if given) cover it.
        let allLists = space.searched.allSatisfy { if case .list = $0.values { return true }; return false }
        let method = request.search ?? (allLists && gridSize != nil && (request.trials ?? .max) >= gridSize! ? .grid : .random)
        guard rows >= 2 * folds else {
            throw Diagnostic(.dataError, "\(Plural.count(rows, "training row")) are too few for \(folds) folds", help: "use fewer folds: cv=\(max(2, rows / 2))")
        }
        var candidates: [[(key: String, value: SettingValue)]]
        switch method {
        case .grid:
            guard let size = gridSize else {
                let range = space.searched.first { if case .range(.number, _) = $0.values { return true }; return false }
                throw Diagnostic(.badOption, range.map { "a grid lists values, and \($0.key) is a range of numbers" } ?? "the grid has more than \(SearchSpace.largestGrid) combinations",
                                 help: "search=random draws from ranges: add search=random trials=N, or list the values to try")
            }
            candidates = space.grid(limit: request.trials ?? size)
        case .random, .halving:
            candidates = space.draw(request.trials ?? defaultTrials, seed: seed)
        }
        var rounds = [Tuning.Round(rows: rows, candidates: candidates.count)]
        if method == .halving {
            // Each fold of the first round should hold every class a few times.
            rounds = Tuning.halvingRounds(candidates: candidates.count, rows: rows, fewestRows: min(rows, folds * max(4, 3 * classCount)))
        }
        if request.rounds != nil, method != .halving {
            throw Diagnostic(.badOption, "halving_rounds= is for search=halving", help: "trials= sets how many candidates a \(method.rawValue) search tries")
        }
        return Tuning.Plan(algorithm: algorithm, method: method, space: space, candidates: candidates, folds: folds, metric: metric, seed: seed,
                           rounds: rounds, roundsToRun: min(request.rounds ?? rounds.count, rounds.count))
    }

    /// "0.9583 ± 0.026".
    static func scoreText(_ trial: Tuning.Trial, _ metric: String) -> String {
        guard let mean = trial.mean(metric), let deviation = trial.deviation(metric) else { return "failed" }
        return Evaluating.spread(mean: mean, deviation: deviation)
    }

    /// The trials, best first (halving: the last round's first, then each earlier round's).
    private static func trialTable(_ outcome: Tuning.Outcome, plan: Tuning.Plan, keys: [String], metric: String) -> [Output.Block] {
        let shown = 10
        let halving = plan.method == .halving
        let ranked = outcome.trials.sorted { a, b in
            a.round != b.round ? a.round > b.round : Tuning.ranksAbove(a, b, metric: metric)
        }
        let rows = ranked.prefix(shown).enumerated().map { rank, trial -> [String] in
            var cells = ["\(rank + 1)", "\(trial.number)"] + (halving ? ["\(trial.round + 1)", "\(trial.rows)"] : [])
            cells += keys.map { key in
                trial.values.first { $0.key == key }.map { plan.algorithm.settings.spec(key)?.text(of: $0.value) ?? "" } ?? ""
            }
            return cells + [trial.failure == nil ? scoreText(trial, metric) : "failed"]
        }
        let headers = ["#", "trial"] + (halving ? ["round", "rows"] : []) + keys + ["\(metric) (mean ± sd)"]
        var note = "\(plan.method.rawValue) search"
        switch plan.method {
        case .grid: note += " of \(Plural.count(plan.candidates.count, "combination"))"
        case .random: note += " of \(Plural.count(plan.candidates.count, "trial"))"
        case .halving:
            note += ": \(plan.candidates.count) candidates in \(Plural.count(plan.rounds.count, "round")) ("
                + plan.rounds.map { "\($0.candidates) on \($0.rows) rows" }.joined(separator: ", ") + ")"
        }
        note += ", each scored by \(plan.folds)-fold cv with the recipe refitted, seed \(plan.seed); ranked by \(metric) (\(Metrics.higherIsBetter(metric) ? "higher" : "lower") is better)"
        if outcome.trials.count > shown { note += "; \(outcome.trials.count - shown) more not shown" }
        return [.table(TextTable(headers: headers, rows: rows, rightAligned: headers.indices.map { $0 < (halving ? 4 : 2) || $0 == headers.count - 1 })),
                .note(note)]
    }

    /// A note when the best value of a searched range or list of numbers is at its end:
    /// the best may lie beyond it.
    private static func edgeWarning(_ best: Tuning.Trial, space: SearchSpace, algorithm: Algorithm) -> String? {
        for dimension in space.searched {
            guard let value = best.values.first(where: { $0.key == dimension.key })?.value, let x = value.numberValue else { continue }
            var ends: [Double] = []
            switch dimension.values {
            case .range(let low, let high): ends = [low.numberValue!, high.numberValue!]
            case .list(let values):
                let numbers = values.compactMap(\.numberValue)
                if numbers.count == values.count, numbers.count >= 3 { ends = [numbers.min()!, numbers.max()!] }
            case .fixed: continue
            }
            guard let low = ends.first, let high = ends.last else { continue }
            let spec = algorithm.settings.spec(dimension.key)
            // Within 2% of an end (on the scale it is drawn on) counts as at it.
            let (a, b, y) = SearchSpace.isLogScale(low: low, high: high) ? (log(low), log(high), log(x)) : (low, high, x)
            if abs(y - a) <= 0.02 * (b - a) || abs(y - b) <= 0.02 * (b - a) {
                let end = abs(y - a) <= abs(y - b) ? low : high
                // An end that is the setting's own limit (min_samples_leaf=1) has nothing beyond it.
                let step = end == low ? -1.0 : 1.0
                let beyond: SettingValue = value == .whole(Int(x)) ? .whole(Int(x) + Int(step)) : .number(x + step * max(abs(x) * 0.5, 1e-9))
                guard (try? spec?.checked(beyond)) != nil else { continue }
                return "the best \(dimension.key) (\(spec?.text(of: value) ?? "")) is at the \(end == low ? "low" : "high") end of what was searched; the best may lie beyond it"
            }
        }
        return nil
    }

    /// How many of the algorithms `train auto` tunes (the best on their defaults).
    static let algorithmsAutoTunes = 2

    /// `train auto`: every algorithm of the task on its defaults, the best few tuned on the
    /// same folds, the best of all fitted on the training rows.
    static func trainAuto(_ requestedName: String?, algorithms requestedAlgorithms: [String]?, folds requestedFolds: Int?, trials requestedTrials: Int?, metric requestedMetric: String?,
                          seed requestedSeed: UInt64?, _ step: inout Step, _ context: EngineContext) throws {
        let table = try currentTable(step.ws)
        guard let target = step.ws.target, target.task != .clustering else {
            throw Diagnostic(.notReady, "train auto compares predictions of a target, and none is chosen",
                             help: "choose the column to predict first: target COLUMN")
        }
        let name = requestedName ?? Training.defaultName("auto", step.ws)
        guard step.ws.model(named: name) == nil else {
            throw Diagnostic(.badValue, "a model named '\(name)' exists already", help: "give this one another name: train auto NAME")
        }
        let metricNames = Metrics.names(for: target.task)
        let metric = requestedMetric ?? step.ws.goals[target.column].map(\.metric) ?? Metrics.defaultName(for: target.task)
        guard metricNames.contains(metric) else {
            throw Diagnostic(.badValue, "'\(metric)' is not a \(target.task.rawValue) metric", help: "\(target.task.rawValue) metrics: " + metricNames.joined(separator: ", "))
        }
        if target.task == .classification, let column = table.column(named: target.column) {
            try Evaluating.checkPositiveClassMetric(metric, classCount: ClassLabels.from(column).labels.count)
        }
        let seed = requestedSeed ?? context.makeSeed()
        let folds = requestedFolds ?? defaultTuningFolds
        let trials = requestedTrials ?? defaultTrials
        let trainingRows = CrossValidation.rows(of: table, step.ws).count
        let (rows, labels) = try CrossValidation.labelledRows(of: table, step.ws, target: target, folds: folds,
                                                              fewer: "use fewer folds: cv=\(max(2, trainingRows / 2))")
        let algorithms = try (requestedAlgorithms ?? AlgorithmRegistry.solving(target.task).map(\.name)).map { name -> Algorithm in
            guard let algorithm = AlgorithmRegistry.named(name) else {
                throw Diagnostic(.badValue, "unknown algorithm '\(name)'", help: "algorithms: " + AlgorithmRegistry.all.map(\.name).joined(separator: ", "))
            }
            guard algorithm.tasks.contains(target.task) else {
                throw Diagnostic(.badValue, "'\(name)' is for \(algorithm.tasks.map(\.rawValue).joined(separator: " or ")), but the target '\(target.column)' is \(target.task.rawValue)",
                                 help: "algorithms for \(target.task.rawValue): " + AlgorithmRegistry.solving(target.task).map(\.name).joined(separator: ", "))
            }
            return algorithm
        }
        let prepared = try CrossValidation.prepare(CrossValidation.folds(rows, k: folds, labels: labels, seed: seed), table: table, step.ws,
                                                   algorithm: algorithms[0], context: context)

        // Every algorithm on its defaults, on the same folds.
        var defaults: [(algorithm: Algorithm, trial: Tuning.Trial)] = []
        for (k, algorithm) in algorithms.enumerated() {
            context.progress?.report(ProgressUpdate(task: "cross-validating \(algorithm.name) on its defaults", fraction: Double(k) / Double(algorithms.count),
                                                    count: k, unit: "of \(algorithms.count) algorithms", estimatesTimeLeft: true))
            let settings = try learning { try algorithm.settings.resolve([], algorithm: algorithm.name, task: target.task, makeSeed: { seed }) }
            var trial = Tuning.Trial(number: k + 1, values: [], settings: settings, round: 0, rows: rows.count)
            do {
                let scores = try CrossValidation.score(.init(name: algorithm.name, algorithm: algorithm, settings: settings), on: prepared,
                                                       isCancelled: context.isCancelled)
                trial.scores = scores[0].indices.map { m in (scores[0][m].name, scores.map { $0[m].value }) }
            } catch let diagnostic as Diagnostic {
                trial.failure = diagnostic.message
            }
            defaults.append((algorithm, trial))
        }
        let ranked = defaults.enumerated().sorted { a, b in
            Tuning.ranksAbove(a.element.trial, b.element.trial, metric: metric)
        }.map(\.element).filter { $0.trial.scores != nil }
        guard !ranked.isEmpty else {
            throw Diagnostic(.dataError, "every algorithm failed; the first: \(defaults.first?.trial.failure ?? "")")
        }

        // The best few tuned, the trials shared between them.
        let chosen = Array(ranked.prefix(algorithmsAutoTunes))
        var tuned: [(algorithm: Algorithm, plan: Tuning.Plan, outcome: Tuning.Outcome)] = []
        for (k, entry) in chosen.enumerated() {
            let share = trials / chosen.count + (k < trials % chosen.count ? 1 : 0)
            guard share > 0 else { continue }
            let space = try learning { try SearchSpace(entry.algorithm.searchSpace(target.task), schema: entry.algorithm.settings, algorithm: entry.algorithm.name) }
            let candidates = space.draw(share, seed: seed)
            let plan = Tuning.Plan(algorithm: entry.algorithm, method: .random, space: space, candidates: candidates, folds: folds, metric: metric,
                                   seed: seed, rounds: [Tuning.Round(rows: rows.count, candidates: candidates.count)], roundsToRun: 1)
            tuned.append((entry.algorithm, plan, try Tuning.run(plan, rows: rows, labels: labels, table: table, step.ws, context: context, preparedFolds: prepared)))
        }

        // The best of everything scored: defaults first, so a tie keeps the simpler.
        var contenders = ranked.map { (algorithm: $0.algorithm, trial: $0.trial, tuned: false) }
        contenders += tuned.map { (algorithm: $0.algorithm, trial: $0.outcome.best, tuned: true) }
        var best = contenders[0]
        for contender in contenders.dropFirst() {
            let x = contender.trial.mean(metric)!, y = best.trial.mean(metric)!
            if x != y, !x.isNaN, y.isNaN || (Metrics.higherIsBetter(metric) ? x > y : x < y) { best = contender }
        }

        context.progress?.report(ProgressUpdate(task: "fitting the best on the training rows", fraction: 1, count: algorithms.count, unit: "algorithms"))
        let problem = try Training.problem(for: best.algorithm, step.ws)
        let fit = try Training.fit(best.algorithm, settings: best.trial.settings, on: problem, rows: step.ws.splits[table.name]?.trainingRows,
                                   isCancelled: context.isCancelled)
        let trained = Command.train(algorithm: best.algorithm.name, name: name,
                                    settings: best.trial.settings.entries.map { Command.Setting(key: $0.key, value: $0.value) })
        let model = try Training.record(fit.model, name: name, problem: problem, recorded: trained, step.ws, context: context)
        step.ws.models.append(model)
        step.recorded = .trainAuto(name: name, algorithms: algorithms.map(\.name), folds: folds, trials: trials, metric: metric, seed: seed)

        var scores = FingerprintHasher()
        for entry in defaults { scores.combine("\(entry.algorithm.name)=" + (entry.trial.mean(metric).map(Fingerprint.format) ?? "failed")) }
        for entry in tuned {
            for trial in entry.outcome.trials { scores.combine("\(entry.algorithm.name).\(trial.number)=" + (trial.mean(metric).map(Fingerprint.format) ?? "failed")) }
        }
        step.fingerprint.add("scores", scores.hexDigest)
        step.fingerprint.add("best", best.algorithm.name + (best.tuned ? ".tuned" : ""))
        step.fingerprint.add(metric, best.trial.mean(metric).map(Fingerprint.format) ?? "failed")
        step.fingerprint.add("rows", "\(model.trainingRows)")
        step.fingerprint.add("features", "\(model.features.count)")
        step.fingerprint.add("model", fit.model.fingerprint)

        let algorithm = best.algorithm
        let changed = changedSettings(best.trial.settings, of: algorithm, task: target.task)
        step.output.blocks.append(.success("trained \(name) (\(algorithm.name)\(best.tuned ? ", tuned" : ", defaults")): "
                                           + (changed.isEmpty ? "" : changed + ", ") + "\(metric) \(scoreText(best.trial, metric)) over \(folds) folds"
                                           + "; on \(Plural.count(model.trainingRows, "row")) × \(Plural.count(model.features.count, "feature"))"))
        let cells = defaults.map { entry -> [String] in
            let tuning = tuned.first { $0.algorithm.name == entry.algorithm.name }
            return [entry.algorithm.name, entry.trial.failure == nil ? scoreText(entry.trial, metric) : "failed",
                    tuning.map { scoreText($0.outcome.best, metric) } ?? "",
                    tuning.map { "\($0.outcome.trials.count)" } ?? "",
                    tuning.map { changedSettings($0.outcome.best.settings, of: $0.algorithm, task: target.task) }.map { $0.isEmpty ? "defaults" : $0 } ?? ""]
        }
        let headers = ["algorithm", "defaults: \(metric)", "tuned: \(metric)", "trials", "best tuned settings"]
        step.output.blocks.append(.table(TextTable(headers: headers, rows: cells, rightAligned: [false, true, true, true, false])))
        step.output.blocks.append(.note("each scored by the same \(folds)-fold cv of the \(Plural.count(rows.count, "training row"))\(labels != nil ? " (stratified)" : ""), the recipe refitted in each, seed \(seed); "
                                        + "the best \(chosen.count) on defaults tuned by random search of their default spaces (help tune); ranked by \(metric) (\(Metrics.higherIsBetter(metric) ? "higher" : "lower") is better)"))
        if let failed = defaults.first(where: { $0.trial.failure != nil }) {
            step.output.blocks.append(.warning("\(failed.algorithm.name) failed: \(failed.trial.failure!)"))
        }
        for remark in fit.remarks {
            switch remark {
            case .note(let text): step.output.blocks.append(.note(text))
            case .warning(let text): step.output.blocks.append(.warning(text))
            }
        }
        if step.ws.splits[table.name] == nil {
            step.output.blocks.append(.note("no split: chosen and trained on every row, so 'evaluate' has no test set for it"))
        }
    }

    /// The settings that differ from the algorithm's defaults (the seed aside), as typed.
    static func changedSettings(_ settings: Settings, of algorithm: Algorithm, task: Task) -> String {
        guard let defaults = try? algorithm.settings.resolve([], algorithm: algorithm.name, task: task) else { return "" }
        return settings.entries.filter { $0.key != "seed" && defaults[$0.key] != $0.value }
            .map { "\($0.key)=" + (algorithm.settings.spec($0.key)?.text(of: $0.value) ?? "") }.joined(separator: " ")
    }
}
