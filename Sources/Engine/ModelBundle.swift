import CommandLanguage
import Foundation
import Learning
import Tabular

/// A saved model: a folder with `manifest.json` (versioned: schema, preparation,
/// metrics, lineage, file hashes) and `model.json` (the estimator). Both are plain data;
/// loading decodes JSON and checks hashes, and never runs code.
public enum ModelBundle {
    public static let format = "mlw-model"
    public static let version = 1
    public static let mlwVersion = "0.1.0"

    struct Manifest: Codable {
        var format: String
        var version: Int
        var mlwVersion: String
        var name: String
        var algorithm: String
        var settings: [String: Double]
        var task: Task
        var target: String
        var classes: [String]
        var features: [String]
        var inputSchema: [SchemaField]
        var preparation: [PreparationStep]
        var metrics: [String: Double]
        var goal: String?
        var trainingRows: Int
        var lineage: Lineage
        var files: [String: String]

        struct Lineage: Codable {
            var script: [String]
            var data: [DataSource]
        }

        enum CodingKeys: String, CodingKey {
            case format, version, name, algorithm, settings, task, target, classes, features, preparation, metrics, goal, lineage, files
            case mlwVersion = "mlw_version"
            case inputSchema = "input_schema"
            case trainingRows = "training_rows"
        }
    }

    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return encoder
    }

    /// Writes the bundle folder (replacing files of an earlier bundle at the same path).
    public static func write(_ model: TrainedModel, metrics: [(name: String, value: Double)], goal: Goal?, to path: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            let modelData = try encoder().encode(model.estimator)
            let modelPath = FilePaths.join(path, "model.json")
            try modelData.write(to: URL(fileURLWithPath: modelPath), options: .atomic)
            let manifest = Manifest(
                format: format, version: version, mlwVersion: mlwVersion, name: model.name, algorithm: model.algorithm,
                settings: Dictionary(uniqueKeysWithValues: model.settings.map { ($0.key, $0.value) }),
                task: model.task, target: model.target, classes: model.classes, features: model.features,
                inputSchema: model.inputSchema, preparation: model.preparation,
                metrics: Dictionary(uniqueKeysWithValues: metrics.filter { !$0.value.isNaN }.map { ($0.name, $0.value) }),
                goal: goal?.text, trainingRows: model.trainingRows,
                lineage: .init(script: model.lineage, data: model.dataSources),
                files: ["model.json": SHA256.hexDigest(of: [UInt8](modelData))])
            try encoder().encode(manifest).write(to: URL(fileURLWithPath: FilePaths.join(path, "manifest.json")), options: .atomic)
        } catch let error as EngineError {
            throw error
        } catch {
            throw EngineError.input("cannot write the bundle '\(path)': \(error.localizedDescription)")
        }
    }

    /// Reads and checks a bundle.
    public static func load(_ path: String) throws -> TrainedModel {
        let manifestPath = FilePaths.join(path, "manifest.json")
        guard let manifestData = FileManager.default.contents(atPath: manifestPath) else {
            throw EngineError.input("'\(path)' is not a model bundle (no manifest.json)")
        }
        let manifest: Manifest
        do { manifest = try JSONDecoder().decode(Manifest.self, from: manifestData) } catch {
            throw EngineError.corrupt("'\(manifestPath)' is damaged: \(error)")
        }
        guard manifest.format == format else { throw EngineError.corrupt("'\(path)' is not an mlw model bundle") }
        guard manifest.version <= version else {
            throw EngineError.corrupt("'\(path)' is bundle version \(manifest.version); this mlw reads up to version \(version)")
        }
        guard let expected = manifest.files["model.json"],
              let modelData = FileManager.default.contents(atPath: FilePaths.join(path, "model.json")) else {
            throw EngineError.corrupt("'\(path)' lacks model.json")
        }
        guard SHA256.hexDigest(of: [UInt8](modelData)) == expected else {
            throw EngineError.corrupt("'\(path)/model.json' does not match the SHA-256 in its manifest (changed or damaged)")
        }
        let estimator: FittedEstimator
        do { estimator = try JSONDecoder().decode(FittedEstimator.self, from: modelData) } catch {
            throw EngineError.corrupt("'\(path)/model.json' is damaged: \(error)")
        }
        return TrainedModel(
            name: manifest.name, algorithm: manifest.algorithm,
            settings: manifest.settings.keys.sorted().map { Command.Setting(key: $0, value: manifest.settings[$0]!) },
            task: manifest.task, target: manifest.target, classes: manifest.classes, features: manifest.features,
            inputSchema: manifest.inputSchema, preparation: manifest.preparation, estimator: estimator,
            trainingRows: manifest.trainingRows, lineage: manifest.lineage.script, dataSources: manifest.lineage.data, testSet: nil)
    }

    /// Scores a CSV file with a bundle: the input columns plus predictions.
    public static func predict(bundle path: String, input: String) throws -> Table {
        let model = try load(path)
        let table: Table
        do { table = try CSVReader.read(path: input, name: "input").table } catch let error as CSVError {
            throw EngineError.input("\(input): \(error.description)")
        }
        return try ModelScoring.scoredTable(model, rawTable: table)
    }
}
