import CommandLanguage
import Foundation
import Learning
import Tabular

/// `evaluate`: metrics of every model on its test set, checked against the goal.
enum Evaluating {
    static func evaluate(_ ws: Workspace) throws -> (evaluation: Evaluation, output: [Output.Block]) {
        guard !ws.models.isEmpty else {
            throw Diagnostic(.notReady, "no models to evaluate", help: Interpreter.trainFirst(ws))
        }
        let scorable = ws.models.filter { $0.testSet != nil }
        guard !scorable.isEmpty else {
            throw Diagnostic(.notReady, "no model has a test set",
                             help: "split before training, e.g. 'split 0.8 stratify', then train again")
        }
        let task = scorable[0].task
        var rows: [Evaluation.Row] = []
        for model in scorable where model.task == task {
            let testSet = model.testSet!
            let predictions = ModelScoring.predict(model.estimator, testSet.x)
            rows.append(Evaluation.Row(model: model.name, algorithm: model.algorithm,
                                       metrics: ModelScoring.metrics(task: task, classCount: model.classes.count,
                                                                     truth: testSet, predictions: predictions)))
        }
        let evaluation = Evaluation(target: scorable[0].target, task: task, rows: rows)
        let metricNames = Metrics.names(for: task)
        var headers = ["model", "algorithm", "test rows"] + metricNames
        if ws.goal != nil { headers.append("goal") }
        let table = TextTable(
            headers: headers,
            rows: zip(rows, scorable).map { row, model in
                var cells = [row.model, row.algorithm, "\(model.testSet!.x.rows)"] + row.metrics.map { $0.value.isNaN ? "n/a" : NumberFormatting.significant($0.value, digits: 4) }
                if let goal = ws.goal {
                    cells.append(row.value(of: goal.metric).map { goal.isMet(by: $0) ? "pass" : "fail" } ?? "n/a")
                }
                return cells
            },
            rightAligned: headers.indices.map { $0 >= 2 && $0 < 3 + metricNames.count })
        var output: [Output.Block] = [.table(table)]
        if let goal = ws.goal {
            if let best = PipelineExport.best(by: goal, among: evaluation) {
                output.append(.note("goal \(goal.text): best is \(best.model) (\(NumberFormatting.significant(best.value(of: goal.metric) ?? .nan, digits: 4)))"))
            }
        }
        let skipped = ws.models.filter { $0.testSet == nil }.map(\.name)
        if !skipped.isEmpty { output.append(.note("no test set for: " + skipped.joined(separator: ", "))) }
        return (evaluation, output)
    }
}

/// The metrics JSON other tools read: `{"target", "task", "models": [{"name", "algorithm", "metrics"}]}`.
public enum MetricsJSON {
    public static func encode(_ evaluation: Evaluation) -> String {
        var models: [[String: Any]] = []
        for row in evaluation.rows {
            var metrics: [String: Any] = [:]
            for metric in row.metrics { metrics[metric.name] = metric.value.isNaN ? NSNull() : metric.value }
            models.append(["name": row.model, "algorithm": row.algorithm, "metrics": metrics])
        }
        let object: [String: Any] = ["target": evaluation.target, "task": evaluation.task.rawValue, "models": models]
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
