import Foundation
import Tabular
import Scoring

/// What `mlw run` leaves behind: the metrics JSON and, when the model meets its goal
/// (or `--force`), the model bundle.
public enum PipelineOutputs {
    /// The exit status of `mlw run` when the model fails its goal (documented in `mlw --help`).
    public static let goalFailedStatus: Int32 = 3

    public struct Written {
        public var metrics: String
        /// Nil when the goal failed and the bundle was not forced.
        public var bundle: String?
        /// Why the model failed its goal, if it did.
        public var goalFailure: String?
    }

    /// Writes `metrics.json` and the bundle of the last model trained.
    public static func write(_ workspace: Workspace, to directory: String, force: Bool = false) throws -> Written {
        guard let model = workspace.models.last else { throw EngineError.input("the pipeline trained no model") }
        let evaluation = workspace.evaluation ?? Evaluation(rows: Evaluating.rows(workspace.models, in: workspace))
        guard !evaluation.rows.isEmpty else { throw EngineError.input("the pipeline's model has no test rows to evaluate it on") }
        let metricsPath = FilePaths.join(directory, "metrics.json")
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try MetricsJSON.encode(evaluation, goals: workspace.goals).write(toFile: metricsPath, atomically: true, encoding: .utf8)
        } catch {
            throw EngineError.cannotWrite("cannot write '\(metricsPath)': \(error.localizedDescription)")
        }
        let goal = workspace.goals[model.target]
        let check = goal.map { Evaluating.check(model, against: $0, in: workspace) }
        var failure: String?
        if let goal, let check, !check.passed {
            if case .failed(let value) = check {
                failure = "'\(model.name)' fails its goal: \(goal.metric) is \(Evaluating.format(value)), the goal is \(goal.text)"
            } else {
                failure = "'\(model.name)' could not be checked against its goal (\(goal.text)): \(goal.metric) is undefined on its test rows"
            }
        }
        guard failure == nil || force else { return Written(metrics: metricsPath, bundle: nil, goalFailure: failure) }
        let bundlePath = FilePaths.join(directory, "model")
        do {
            try ModelBundle.write(model.scoring, metrics: Evaluating.metrics(of: model, in: workspace) ?? [], goal: goal?.text, goalMet: check?.passed, to: bundlePath)
        } catch let error as ScoringError {
            throw EngineError(error)
        }
        return Written(metrics: metricsPath, bundle: bundlePath, goalFailure: failure)
    }
}
