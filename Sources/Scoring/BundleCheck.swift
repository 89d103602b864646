import Learning
import Tabular

/// The cross-references of a loaded bundle: what the manifest says and what the model
/// file holds must agree before anything is scored, so that a damaged or hand-edited
/// bundle is refused with its fault named, never indexed out of range or applied
/// wrongly. Each check costs at most the size of the files.
enum BundleCheck {
    /// - Parameter algorithm: the algorithm the manifest names.
    static func validate(_ model: ScoringModel, algorithm: String, bundle: String) throws {
        func fault(_ file: String, _ message: String) -> ScoringError {
            ScoringError.corrupt("'\(bundle)' is inconsistent: \(file) \(message)")
        }
        guard !model.name.isEmpty else { throw fault("manifest.json", "has an empty model name") }
        guard model.trainingRows >= 1 else { throw fault("manifest.json", "says the model trained on \(model.trainingRows) rows") }
        let features = model.features
        guard !features.isEmpty else { throw fault("manifest.json", "lists no features") }
        if let repeated = repeatedName(features) { throw fault("manifest.json", "lists the feature '\(repeated)' twice") }
        if let repeated = repeatedName(model.inputSchema.map(\.name)) { throw fault("manifest.json", "lists the input column '\(repeated)' twice") }
        if model.task.needsTarget, model.inputSchema.contains(where: { $0.name == model.target }) {
            throw fault("manifest.json", "lists the target '\(model.target)' among the input columns")
        }
        guard model.estimator.isFinite else { throw fault("model.json", "holds learned numbers that are not finite") }

        // The estimator must be the algorithm the manifest names, solve its task, and
        // agree with its classes and features.
        guard algorithm == model.algorithm, model.estimator.task == model.task else {
            throw fault("manifest.json", "says \(algorithm) (\(model.task.rawValue)), but model.json holds a \(model.algorithm) model for \(model.estimator.task.rawValue)")
        }
        if model.task == .classification {
            guard model.classes.count >= 2 else { throw fault("manifest.json", "lists \(Plural.count(model.classes.count, "class")); a classifier has at least 2") }
            if let repeated = repeatedName(model.classes) { throw fault("manifest.json", "lists the class '\(repeated)' twice") }
        } else if !model.classes.isEmpty {
            throw fault("manifest.json", "lists classes for a \(model.task.rawValue) model")
        }
        if let decision = model.decision {
            guard model.task == .classification, model.classes.count == 2 else {
                throw fault("manifest.json", "holds a decision threshold, which only a two-class model has")
            }
            guard decision.threshold.isFinite, DecisionThreshold.range.contains(decision.threshold) else {
                throw fault("manifest.json", "holds the decision threshold \(decision.threshold), which is not a probability from 0 to 1")
            }
        }
        do { try model.estimator.check(featureCount: features.count, classCount: model.classes.count) } catch let error as LearningError {
            throw fault("model.json", error.message)
        }

        // The preparation, run on no rows of the input schema, must apply step by step and
        // leave every feature as a number column.
        var table = Table(name: "input", columns: model.inputSchema.map { field in
            switch field.type {
            case .number: return Column(name: field.name, numbers: [])
            case .text: return Column(name: field.name, texts: [])
            case .boolean: return Column(name: field.name, data: .boolean([]))
            case .date: return Column(name: field.name, data: .date([]))
            }
        })
        for (k, step) in model.preparation.steps.enumerated() {
            do {
                try step.check(against: table)
                table = try step.apply(to: table)
            } catch let error as PreparationError {
                throw fault("manifest.json", "has a preparation step \(k + 1) (\(step.summary)) that does not fit: \(error)")
            }
        }
        for name in features {
            guard let column = table.column(named: name) else {
                throw fault("manifest.json", "lists the feature '\(name)', which its preparation does not make from the input columns")
            }
            guard column.type.isNumeric else { throw fault("manifest.json", "lists the feature '\(name)', which is \(column.type.rawValue) after its preparation") }
        }
    }

    private static func repeatedName(_ names: [String]) -> String? {
        var seen = Set<String>()
        return names.first { !seen.insert($0).inserted }
    }
}
