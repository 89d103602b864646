import CommandLanguage
import Foundation
import Learning
import Scoring
import Tabular

/// `threshold MODEL …`: a two-class model's decision threshold, chosen on out-of-fold
/// predictions of the training rows (so the test rows still judge it), given, or removed.
/// The model keeps it: evaluate, confusion, explain, predict and its bundle decide with it.
extension Interpreter {
    static func threshold(_ name: String, _ choice: Command.ThresholdChoice, _ step: inout Step, _ context: EngineContext) throws {
        let model = try model(named: name, step.ws)
        guard model.task == .classification else {
            throw Diagnostic(.badValue, "'\(name)' \(model.task == .clustering ? "finds clusters" : "predicts numbers"); a decision threshold is for classifiers of two classes")
        }
        guard model.classes.count == 2 else {
            throw Diagnostic(.badValue, "'\(name)' has \(model.classes.count) classes; a threshold decides between two",
                             help: "it predicts its most probable class; 'calibration \(name)' shows how far to trust the probabilities")
        }
        let positive = Evaluating.positiveClass(of: model, in: step.ws)
        let label = model.classes[positive]
        let rule: DecisionThreshold?
        switch choice {
        case .removed:
            rule = nil
        case .given(let value):
            rule = DecisionThreshold(positive: positive, threshold: value)
        case .crossValidated(let requestedMetric, let requestedFolds, let requestedSeed):
            let metric = requestedMetric ?? "f1"
            let k = requestedFolds ?? 5
            let seed = requestedSeed ?? context.makeSeed()
            let sweep = try outOfFoldSweep(model, positive: positive, folds: k, seed: seed, step.ws, context)
            guard let best = ThresholdSweep.best(sweep.points, by: metric) else {
                throw Diagnostic(.dataError, "the out-of-fold predictions of '\(name)' give no threshold to choose (every row scored alike)")
            }
            rule = DecisionThreshold(positive: positive, threshold: best.threshold)
            step.recorded = .threshold(model: name, choice: .crossValidated(metric: metric, folds: k, seed: seed))
            step.output.blocks += sweepReport(sweep.points, metric: metric, chosen: best.threshold, label: label,
                                              subject: "\(name)'s out-of-fold predictions of \(Plural.count(sweep.rows, "training row")) (\(k) folds)")
            step.output.blocks.append(.note("\(k) stratified folds of the \(Plural.count(sweep.rows, "training row")), seed \(seed); in each, \(model.algorithm) fitted again with \(name)'s settings after the recipe; the best \(metric), \(Evaluating.format(best.value)), is at \(Evaluating.format(best.threshold))"))
        }
        guard let index = step.ws.models.firstIndex(where: { $0.name == name }) else { throw noSuchModel(name, step.ws) }
        let before = step.ws.models[index].decision
        step.ws.models[index].decision = rule
        // An earlier evaluate's figures no longer hold for this model.
        step.ws.evaluation = nil
        step.fingerprint.add("threshold", rule.map { Fingerprint.format($0.threshold) } ?? "none")
        let now = rule.map { "now calls a row \(label) when its probability is at least \(Evaluating.format($0.threshold))" } ?? "predicts its more probable class again"
        step.output.blocks.append(.text("\(name) \(now)"))
        if let testSet = model.testSet, before != rule {
            step.output.blocks.append(testComparison(model, testSet: testSet, positive: positive, before: before, after: rule))
        }
    }

    /// The model's algorithm and settings fitted in `folds` folds of its table's training
    /// rows (the recipe refitted in each), its positive-class probabilities on each fold's
    /// held-out rows pooled, and the decision counts at every threshold of them.
    private static func outOfFoldSweep(_ model: TrainedModel, positive: Int, folds k: Int, seed: UInt64, _ ws: Workspace,
                                       _ context: EngineContext) throws -> (points: [ThresholdSweep.Point], rows: Int) {
        let name = model.name
        guard let algorithm = AlgorithmRegistry.named(model.algorithm) else { throw Diagnostic(.badValue, "'\(name)' has no algorithm this mlw knows") }
        guard !model.table.isEmpty, let table = ws.table(named: model.table) else {
            throw Diagnostic(.notReady, "'\(name)' was not trained in this session, so there are no training rows to choose a threshold on",
                             help: "set one by hand: 'threshold \(name) 0.4'")
        }
        // The folds refit the table's recipe as it is now: it must be the one the model was trained with.
        guard let target = ws.target, target.column == model.target,
              (ws.preparations[table.name] ?? FittedRecipe()) == model.preparation,
              CrossValidation.rows(of: table, ws).count == model.trainingRows else {
            throw Diagnostic(.notReady, "the target, split or preparation of '\(table.name)' changed since '\(name)' was trained, and the folds would fit another model",
                             help: "train it again ('train \(model.algorithm) \(name) …'), or set a threshold by hand: 'threshold \(name) 0.4'")
        }
        let (rows, labels) = try CrossValidation.labelledRows(of: table, ws, target: target, folds: k,
                                                              fewer: "use fewer folds: cv=\(max(2, model.trainingRows / 2))")
        let foldRows = CrossValidation.folds(rows, k: k, labels: labels, seed: seed)
        let prepared = try CrossValidation.prepare(foldRows, table: table, ws, algorithm: algorithm, context: context)
        var done = 0
        func report() { context.progress?.report(ProgressUpdate(task: "cross-validating", fraction: Double(done) / Double(k), count: done, unit: "of \(k) folds fitted")) }
        report()
        let candidate = CrossValidation.Candidate(name: name, algorithm: algorithm, settings: model.estimator.settings)
        let predictions = try CrossValidation.predictions(candidate, on: prepared, isCancelled: context.isCancelled) {
            done += 1
            report()
        }
        var isPositive: [Bool] = [], scores: [Double] = []
        for (fold, prediction) in zip(prepared, predictions) {
            // A fold's classes are the whole table's, as the model's (the problem reads them from the column).
            guard case .classes(let probabilities, 2) = prediction, fold.problem.classes == model.classes else {
                throw Diagnostic(.dataError, "a fold's model did not predict the two classes of '\(name)'")
            }
            for r in 0..<prediction.rowCount {
                scores.append(probabilities[r * 2 + positive])
                isPositive.append(fold.truth.classIndices[r] == positive)
            }
        }
        return (ThresholdSweep.points(positive: isPositive, scores: scores), scores.count)
    }

    /// The metric, precision and recall against the threshold, and a table of them at
    /// round thresholds and the chosen one.
    private static func sweepReport(_ points: [ThresholdSweep.Point], metric: String, chosen: Double, label: String, subject: String) -> [Output.Block] {
        // Lowest threshold first; at most ~400 points drawn.
        let finite = points.dropFirst().reversed().map { $0 }
        let stride = max(1, finite.count / 400)
        let drawn = finite.enumerated().filter { $0.offset % stride == 0 || $0.offset == finite.count - 1 }.map(\.element)
        func curve(_ name: String) -> [(x: Double, y: Double)] { drawn.map { ($0.threshold, $0.value(of: name)) } }
        let curves: [(label: String, points: [(x: Double, y: Double)])] = [
            (metric, curve(metric)), ("precision", curve("precision")), ("recall", curve("recall")),
            ("chosen", [(chosen, 0), (chosen, 1)]),
        ]
        let chart = curveChart("\(metric), precision and recall of \(label) (up) against the threshold (across), on \(subject)",
                               x: "threshold", y: "score", curves: curves)
        // The counts at threshold t: rows scored at least t called positive.
        func at(_ t: Double) -> ThresholdSweep.Point {
            points.last { $0.threshold >= t } ?? points[0]
        }
        let marks = (Array(1...9).map { Double($0) / 10 } + [chosen]).sorted()
        let cells = marks.map { t -> [String] in
            let p = at(t)
            return [(t == chosen ? "→ " : "") + Evaluating.format(t), Evaluating.format(p.value(of: metric)), Evaluating.format(p.value(of: "precision")),
                    Evaluating.format(p.value(of: "recall")), "\(Int(p.truePositives + p.falsePositives))"]
        }
        let table = TextTable(headers: ["threshold", metric, "precision", "recall", "called \(label)"], rows: cells,
                              rightAligned: [true, true, true, true, true])
        return [chart, .table(table)]
    }

    /// The test metrics that depend on the decision, before and after.
    private static func testComparison(_ model: TrainedModel, testSet: LabelledMatrix, positive: Int,
                                       before: DecisionThreshold?, after: DecisionThreshold?) -> Output.Block {
        let prediction = model.estimator.predict(testSet.x)
        func point(_ rule: DecisionThreshold?) -> ThresholdSweep.Point {
            let decided = DecisionThreshold.classIndices(of: prediction, under: rule)
            return ThresholdSweep.counts(positive: testSet.classIndices.map { $0 == positive }, called: decided.map { $0 == positive },
                                         threshold: rule?.threshold ?? 0.5)
        }
        let (old, new) = (point(before), point(after))
        func header(_ rule: DecisionThreshold?) -> String { rule.map { "at \(Evaluating.format($0.threshold))" } ?? "most probable" }
        let names = ["accuracy", "balanced_accuracy", "f1", "precision", "recall", "mcc"]
        let cells = names.map { [$0, Evaluating.format(old.value(of: $0)), Evaluating.format(new.value(of: $0))] }
            + [["called \(model.classes[positive])", "\(Int(old.truePositives + old.falsePositives))", "\(Int(new.truePositives + new.falsePositives))"]]
        return .table(TextTable(headers: ["on \(Plural.count(testSet.classIndices.count, "test row"))", header(before), header(after)], rows: cells,
                                rightAligned: [false, true, true]))
    }
}
