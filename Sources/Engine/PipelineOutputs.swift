import Foundation

/// What `mlw run` leaves behind: the metrics JSON and the model bundle.
public enum PipelineOutputs {
    /// Writes `metrics.json` and the bundle of the last model trained.
    /// - Returns: the two paths written.
    public static func write(_ workspace: Workspace, to directory: String) throws -> (metrics: String, bundle: String) {
        guard let model = workspace.models.last else { throw EngineError.input("the pipeline trained no model") }
        guard let evaluation = workspace.evaluation else { throw EngineError.input("the pipeline has no evaluation") }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let metricsPath = FilePaths.join(directory, "metrics.json")
        try MetricsJSON.encode(evaluation).write(toFile: metricsPath, atomically: true, encoding: .utf8)
        let bundlePath = FilePaths.join(directory, "model")
        let metrics = evaluation.rows.first { $0.model == model.name }?.metrics ?? []
        try ModelBundle.write(model, metrics: metrics, goal: workspace.goal, to: bundlePath)
        return (metricsPath, bundlePath)
    }
}
