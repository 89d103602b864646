import Learning
import Tabular

/// The cross-references of a loaded bundle: what the manifest says and what the model
/// file holds must agree before anything is scored, so that a damaged or hand-edited
/// bundle is refused with its fault named, never indexed out of range or applied
/// wrongly. Each check costs at most the size of the files.
enum BundleCheck {
    static func validate(_ model: TrainedModel, bundle: String) throws {
        func fault(_ file: String, _ message: String) -> EngineError {
            EngineError.corrupt("'\(bundle)' is inconsistent: \(file) \(message)")
        }
        guard !model.name.isEmpty else { throw fault("manifest.json", "has an empty model name") }
        guard model.trainingRows >= 1 else { throw fault("manifest.json", "says the model trained on \(model.trainingRows) rows") }
        let features = model.features
        guard !features.isEmpty else { throw fault("manifest.json", "lists no features") }
        if let repeated = repeatedName(features) { throw fault("manifest.json", "lists the feature '\(repeated)' twice") }
        if let repeated = repeatedName(model.inputSchema.map(\.name)) { throw fault("manifest.json", "lists the input column '\(repeated)' twice") }
        if model.inputSchema.contains(where: { $0.name == model.target }) {
            throw fault("manifest.json", "lists the target '\(model.target)' among the input columns")
        }
        guard model.estimator.parametersAreFinite else { throw fault("model.json", "holds coefficients that are not finite numbers") }

        // The estimator must match the task, the classes and the feature count.
        let p = features.count
        switch model.estimator {
        case .logistic(let m):
            guard model.task == .classification, model.algorithm == "logistic" else {
                throw fault("manifest.json", "says \(model.algorithm) (\(model.task.rawValue)), but model.json holds a logistic classifier")
            }
            guard model.classes.count >= 2 else { throw fault("manifest.json", "lists \(Plural.count(model.classes.count, "class")); a classifier has at least 2") }
            if let repeated = repeatedName(model.classes) { throw fault("manifest.json", "lists the class '\(repeated)' twice") }
            guard m.classCount == model.classes.count else {
                throw fault("model.json", "has class_count \(m.classCount), but manifest.json lists \(Plural.count(model.classes.count, "class"))")
            }
            let rows = m.classCount == 2 ? 1 : m.classCount
            guard m.coefficients.count == rows, m.intercepts.count == rows else {
                throw fault("model.json", "has \(m.coefficients.count) coefficient rows and \(m.intercepts.count) intercepts; \(Plural.count(m.classCount, "class")) need \(rows) of each")
            }
            if let short = m.coefficients.firstIndex(where: { $0.count != p }) {
                throw fault("model.json", "has \(m.coefficients[short].count) coefficients in row \(short + 1), but manifest.json lists \(Plural.count(p, "feature"))")
            }
        case .linear(let m):
            guard model.task == .regression, model.algorithm == "linear" else {
                throw fault("manifest.json", "says \(model.algorithm) (\(model.task.rawValue)), but model.json holds a linear regression")
            }
            guard model.classes.isEmpty else { throw fault("manifest.json", "lists classes for a regression model") }
            guard m.coefficients.count == p else {
                throw fault("model.json", "has \(m.coefficients.count) coefficients, but manifest.json lists \(Plural.count(p, "feature"))")
            }
        }

        // The preparation, run on no rows of the input schema, must apply step by step and
        // leave every feature as a number column.
        var table = Table(name: "input", columns: model.inputSchema.map { field in
            switch field.type {
            case .number: return Column(name: field.name, numbers: [])
            case .text: return Column(name: field.name, texts: [])
            case .boolean: return Column(name: field.name, data: .boolean([]))
            }
        })
        for (k, step) in model.preparation.enumerated() {
            do {
                try step.check(against: table)
                table = try step.apply(to: table)
            } catch let error as EngineError {
                throw fault("manifest.json", "has a preparation step \(k + 1) (\(step.summary)) that does not fit: \(error)")
            }
        }
        for name in features {
            guard let column = table.column(named: name) else {
                throw fault("manifest.json", "lists the feature '\(name)', which its preparation does not make from the input columns")
            }
            guard column.type.isNumeric else { throw fault("manifest.json", "lists the feature '\(name)', which is text after its preparation") }
        }
    }

    private static func repeatedName(_ names: [String]) -> String? {
        var seen = Set<String>()
        return names.first { !seen.insert($0).inserted }
    }
}
