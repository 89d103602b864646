import CommandLanguage
import Foundation
import Learning
import Tabular

/// `evaluate`: metrics of every model on its own test set, grouped by target and checked
/// against that target's goal.
enum Evaluating {
    /// "0.9583 ± 0.026": a mean over folds and its standard deviation, a deviation that is
    /// rounding noise (folds that all scored alike) shown as 0.
    static func spread(mean: Double, deviation: Double) -> String {
        let noise = deviation <= 1e-9 * max(1, abs(mean))
        return "\(NumberFormatting.significant(mean, digits: 4)) ± \(noise ? "0" : NumberFormatting.significant(deviation, digits: 2))"
    }

    /// The metrics of each model that has a test set, with what they were measured on.
    static func rows(_ models: [TrainedModel], in ws: Workspace) -> [Evaluation.Row] {
        models.compactMap { model in
            metrics(of: model, in: ws).map { metrics in
                Evaluation.Row(model: model.name, algorithm: model.algorithm, table: model.table, target: model.target,
                               task: model.task, testRows: model.testSet!.x.rows, testSet: model.testSetID, metrics: metrics)
            }
        }
    }

    /// A model's metrics on its test set; nil when it has none.
    static func metrics(of model: TrainedModel, in ws: Workspace) -> [(name: String, value: Double)]? {
        guard let testSet = model.testSet else { return nil }
        return ModelMetrics.of(task: model.task, classCount: model.classes.count, truth: testSet,
                               prediction: model.estimator.predict(testSet.x), decision: model.decision,
                               positive: positiveClass(of: model, in: ws))
    }

    /// Refuses a positive-class metric (precision, recall, f1) for a target of other than two classes.
    static func checkPositiveClassMetric(_ metric: String, classCount: Int) throws {
        guard Metrics.positiveClassNames.contains(metric), classCount != 2 else { return }
        throw Diagnostic(.badValue, "\(metric) is the positive class's, for two classes, and this target has \(classCount)",
                         help: "use \(metric)_macro or \(metric)_weighted")
    }

    /// The class a two-class model's precision, recall, f1, curves and threshold take as
    /// positive: the target's `positive=` while the model predicts that target, else the second.
    static func positiveClass(of model: TrainedModel, in ws: Workspace) -> Int {
        if let target = ws.target, target.column == model.target, let positive = target.positive, let k = model.classes.firstIndex(of: positive) { return k }
        return 1
    }

    /// How a model stands against a goal.
    enum GoalCheck: Equatable {
        case met(Double)
        case failed(Double)
        /// No test set, or the metric is undefined on it (n/a).
        case unchecked

        var passed: Bool { if case .met = self { return true }; return false }
    }

    static func check(_ model: TrainedModel, against goal: Goal, in ws: Workspace) -> GoalCheck {
        guard let value = metrics(of: model, in: ws)?.first(where: { $0.name == goal.metric })?.value, !value.isNaN else { return .unchecked }
        return goal.isMet(by: value) ? .met(value) : .failed(value)
    }

    static func evaluate(_ ws: Workspace) throws -> (evaluation: Evaluation, output: [Output.Block]) {
        guard !ws.models.isEmpty else {
            throw Diagnostic(.notReady, "no models to evaluate", help: Interpreter.trainFirst(ws))
        }
        let evaluation = Evaluation(rows: rows(ws.models, in: ws))
        guard !evaluation.rows.isEmpty else {
            throw Diagnostic(.notReady, "no model has a test set",
                             help: "split before training, e.g. 'split 0.8 stratify', then train again")
        }
        var output: [Output.Block] = []
        let groups = evaluation.byTarget
        for (target, rows) in groups {
            let task = rows[0].task
            let goal = ws.goals[target]
            if groups.count > 1 { output.append(.text(target.isEmpty ? "clusterings:" : "\(target) (\(task.rawValue)):")) }
            // A column per model and a row per metric: the metrics are many, the models few.
            let metricNames = Metrics.names(for: task)
            var cells = [["algorithm"] + rows.map(\.algorithm), ["test rows"] + rows.map { "\($0.testRows)" }]
            // A metric no model here has (the positive class's, for more than two classes) is left out.
            for name in metricNames where rows.contains(where: { $0.value(of: name) != nil }) {
                cells.append([name + (goal?.metric == name ? " (goal)" : "")] + rows.map { row in row.value(of: name).map(format) ?? "n/a" })
            }
            if let goal {
                cells.append(["goal " + goal.text] + rows.map { row in
                    row.value(of: goal.metric).map { $0.isNaN ? "n/a" : goal.isMet(by: $0) ? "pass" : "fail" } ?? "n/a"
                })
            }
            let headers = ["metric"] + rows.map(\.model)
            output.append(.table(TextTable(headers: headers, rows: cells, rightAligned: headers.indices.map { $0 > 0 })))
            if let binary = ws.models.first(where: { $0.target == target && $0.task == .classification && $0.classes.count == 2 && $0.testSet != nil }) {
                output.append(.note("precision, recall and f1 are of the positive class, \(binary.classes[positiveClass(of: binary, in: ws)])"
                                    + (ws.target?.column == target && ws.target?.positive != nil ? "" : " (the second; 'target \(target) positive=CLASS' chooses)")))
            }
            // Metrics on different rows do not rank models: say so before naming a best.
            let sets = Set(rows.map(\.testSet))
            if sets.count > 1 {
                output.append(.warning("not like for like: these models were tested on different rows ("
                                       + rows.map { "\($0.model): \($0.testRows) rows of \($0.table)" }.joined(separator: ", ")
                                       + "), so their metrics do not compare; train them again after the same split"))
            }
            if let goal, let best = PipelineExport.best(by: goal, among: rows) {
                output.append(.note("goal \(goal.text): best is \(best.model) (\(format(best.value(of: goal.metric) ?? .nan)))"
                                    + (sets.count > 1 ? ", but see the warning above" : "")))
            }
        }
        let skipped = ws.models.filter { $0.testSet == nil }.map(\.name)
        if !skipped.isEmpty { output.append(.note("no test set for: " + skipped.joined(separator: ", "))) }
        return (evaluation, output)
    }

    static func format(_ value: Double) -> String {
        value.isNaN ? "n/a" : NumberFormatting.significant(value, digits: 4)
    }

    static func format(_ metric: (name: String, value: Double)) -> String { format(metric.value) }
}

/// The metrics JSON other tools read (`save metrics`, `mlw run`):
/// `{"models": [{"name", "algorithm", "table", "target", "task", "test_rows", "metrics": {…},
/// "goal": {"metric", "comparison", "threshold", "passed"}}]}`. A metric that is not a
/// finite number (undefined, or an overflow) is null: JSON has no NaN or infinity.
public enum MetricsJSON {
    public static func encode(_ evaluation: Evaluation, goals: [String: Goal]) -> String {
        var models: [[String: Any]] = []
        for row in evaluation.rows {
            var metrics: [String: Any] = [:]
            for metric in row.metrics { metrics[metric.name] = metric.value.isFinite ? metric.value : NSNull() }
            var model: [String: Any] = ["name": row.model, "algorithm": row.algorithm, "table": row.table, "target": row.target,
                                        "task": row.task.rawValue, "test_rows": row.testRows, "metrics": metrics]
            if let goal = goals[row.target] {
                let value = row.value(of: goal.metric)
                model["goal"] = ["metric": goal.metric, "comparison": goal.comparison.rawValue, "threshold": goal.threshold,
                                 "passed": value.map { $0.isNaN ? NSNull() : goal.isMet(by: $0) as Any } ?? NSNull()] as [String: Any]
            }
            models.append(model)
        }
        // Every value is a string, a finite number, a boolean or null, so this cannot fail.
        let data = (try? JSONSerialization.data(withJSONObject: ["models": models], options: [.prettyPrinted, .sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
