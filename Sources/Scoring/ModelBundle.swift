import Foundation
import Learning
import Tabular

/// A saved model: a folder with `manifest.json` (versioned: schema, preparation, metrics,
/// lineage), `model.json` (the estimator) and `SHA256SUMS` (the SHA-256 of both, in the
/// format `sha256sum -c` reads). All plain data: loading decodes JSON, checks every hash
/// and cross-reference, and never runs code. A bundle is written whole or not at all.
public enum ModelBundle {
    public static let format = "mlw-model"
    /// 4: the manifest may hold a two-class model's decision threshold (`decision`), which
    /// an older mlw would ignore and so predict other classes: it refuses version 4.
    /// 3: model.json holds the algorithm, its settings and its state (any registered
    /// algorithm); settings may be words and whole numbers. 2: SHA256SUMS covers the
    /// manifest too. Versions 1 and 2 still load and predict as they did; version 1 with
    /// its one check (the manifest holds the model file's hash).
    public static let version = 4
    public static let mlwVersion = "0.2.0"
    static let checksumsFile = "SHA256SUMS"

    struct Manifest: Codable {
        var format: String
        var version: Int
        var mlwVersion: String
        var name: String
        var algorithm: String
        var settings: [String: SettingValue]
        var task: Task
        var target: String
        var classes: [String]
        var features: [String]
        var inputSchema: [SchemaField]
        var preparation: FittedRecipe
        var metrics: [String: Double]
        var goal: String?
        /// Whether the model met its goal on its test rows when exported (nil: no goal).
        var goalMet: Bool?
        var trainingRows: Int
        /// Version 4: the class a two-class model calls positive from what probability on.
        var decision: Decision?
        var lineage: Lineage
        /// Version 1 only: the SHA-256 of model.json.
        var files: [String: String]?

        struct Decision: Codable {
            var positive: String
            var threshold: Double
        }

        struct Lineage: Codable {
            var script: [String]
            var data: [DataSource]
        }

        enum CodingKeys: String, CodingKey {
            case format, version, name, algorithm, settings, task, target, classes, features, preparation, metrics, goal, lineage, files, decision
            case mlwVersion = "mlw_version"
            case inputSchema = "input_schema"
            case trainingRows = "training_rows"
            case goalMet = "goal_met"
        }
    }

    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return encoder
    }

    // MARK: - Writing

    /// Writes the bundle folder: built beside `path` and renamed into place, so a failure
    /// (a full disk, a value JSON cannot hold) leaves no half-written bundle. An earlier
    /// bundle at `path` is replaced; any other existing file or folder is refused.
    /// - Throws: `ScoringError.cannotWrite`.
    /// - Parameters:
    ///   - goal: the goal's text (`accuracy >= 0.9`), when the model's target has one.
    ///   - goalMet: whether the model met it on its test rows.
    public static func write(_ model: ScoringModel, metrics: [(name: String, value: Double)], goal: String?, goalMet: Bool?,
                             to path: String) throws {
        try checkReplaceable(path)
        let parent = FilePaths.directory(of: path)
        let staging = FilePaths.join(parent, ".\(FilePaths.fileName(of: path)).writing-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        do {
            if !parent.isEmpty { try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true) }
            try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: false)
            let modelData = try encoder().encode(model.estimator)
            let manifest = Manifest(
                format: format, version: version, mlwVersion: mlwVersion, name: model.name, algorithm: model.algorithm,
                settings: Dictionary(uniqueKeysWithValues: model.settings.storable(AlgorithmRegistry.named(model.algorithm)?.settings).map { ($0.key, $0.value) }),
                task: model.task, target: model.target, classes: model.classes, features: model.features,
                inputSchema: model.inputSchema, preparation: model.preparation,
                metrics: Dictionary(uniqueKeysWithValues: metrics.filter { $0.value.isFinite }.map { ($0.name, $0.value) }),
                goal: goal, goalMet: goal == nil ? nil : goalMet ?? false, trainingRows: model.trainingRows,
                decision: model.decision.map { .init(positive: model.classes[$0.positive], threshold: $0.threshold) },
                lineage: .init(script: model.lineage, data: model.dataSources), files: nil)
            let manifestData = try encoder().encode(manifest)
            let sums = "\(SHA256.hexDigest(of: [UInt8](manifestData)))  manifest.json\n\(SHA256.hexDigest(of: [UInt8](modelData)))  model.json\n"
            try writeSynced(modelData, to: FilePaths.join(staging, "model.json"))
            try writeSynced(manifestData, to: FilePaths.join(staging, "manifest.json"))
            try writeSynced(Data(sums.utf8), to: FilePaths.join(staging, checksumsFile))
            try moveIntoPlace(staging, path)
        } catch {
            try? FileManager.default.removeItem(atPath: staging)
            if let error = error as? ScoringError { throw error }
            throw ScoringError.cannotWrite("cannot write the bundle '\(path)': \(describe(error))")
        }
    }

    /// Refuses to replace anything but an earlier bundle or an empty folder.
    private static func checkReplaceable(_ path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return }
        guard isDirectory.boolValue else {
            throw ScoringError.cannotWrite("'\(path)' is a file; a model bundle is a folder, so choose another path")
        }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        if entries.isEmpty { return }
        let manifest = FileManager.default.contents(atPath: FilePaths.join(path, "manifest.json"))
            .flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
        guard manifest?["format"] as? String == format else {
            throw ScoringError.cannotWrite("'\(path)' is a folder that is not a model bundle; choose a new folder (nothing in it was changed)")
        }
    }

    private static func writeSynced(_ data: Data, to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ScoringError.cannotWrite("cannot write '\(path)': \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let bytes = [UInt8](data)
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + written, bytes.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                throw ScoringError.cannotWrite("cannot write '\(path)': \(String(cString: strerror(errno)))")
            }
            written += n
        }
        guard fsync(fd) == 0 else { throw ScoringError.cannotWrite("cannot write '\(path)': \(String(cString: strerror(errno)))") }
    }

    /// Renames the finished folder to `path`; an earlier bundle there is moved aside
    /// first and removed after.
    private static func moveIntoPlace(_ staging: String, _ path: String) throws {
        let aside = staging + ".old"
        let replacing = FileManager.default.fileExists(atPath: path)
        if replacing, rename(path, aside) != 0 {
            throw ScoringError.cannotWrite("cannot replace '\(path)': \(String(cString: strerror(errno)))")
        }
        guard rename(staging, path) == 0 else {
            let reason = String(cString: strerror(errno))
            if replacing { rename(aside, path) }
            throw ScoringError.cannotWrite("cannot write the bundle '\(path)': \(reason)")
        }
        if replacing { try? FileManager.default.removeItem(atPath: aside) }
        let parent = FilePaths.directory(of: path)
        let fd = open(parent.isEmpty ? "." : parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 { fsync(fd); close(fd) }
    }

    // MARK: - Reading

    /// Reads a bundle, checking every file against its hash and every cross-reference
    /// (features against the coefficients, classes against the model, each preparation
    /// step against the columns it works on).
    /// - Throws: `ScoringError.missing` (no such folder), `.input` (not a bundle) or
    ///   `.corrupt`, naming the file and what disagrees.
    public static func load(_ path: String) throws -> ScoringModel {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ScoringError.missing("no model bundle at '\(path)' (no such folder)")
        }
        guard isDirectory.boolValue, let manifestData = FileManager.default.contents(atPath: FilePaths.join(path, "manifest.json")) else {
            throw ScoringError.input("'\(path)' is not a model bundle (no manifest.json)")
        }
        guard let modelData = FileManager.default.contents(atPath: FilePaths.join(path, "model.json")) else {
            throw ScoringError.corrupt("'\(path)' lacks model.json")
        }
        let sums = FileManager.default.contents(atPath: FilePaths.join(path, checksumsFile))
        if let sums { try checkSums(sums, manifest: manifestData, model: modelData, bundle: path) }
        // The version is read first: what else to expect depends on it.
        let header = (try? JSONSerialization.jsonObject(with: manifestData)) as? [String: Any]
        guard header?["format"] as? String == format else {
            throw ScoringError.corrupt("'\(path)/manifest.json' is not an mlw model manifest")
        }
        guard let declared = header?["version"] as? Int, declared >= 1 else {
            throw ScoringError.corrupt("'\(path)/manifest.json' has no valid version")
        }
        guard declared <= version else {
            throw ScoringError.corrupt("'\(path)' is bundle version \(declared); this mlw reads up to version \(version)")
        }
        let manifest: Manifest
        do { manifest = try JSONDecoder().decode(Manifest.self, from: manifestData) } catch {
            throw ScoringError.corrupt("'\(path)/manifest.json' is damaged: \(describe(error))")
        }
        if sums == nil {
            // Version 1 carried only the model file's hash, in the manifest.
            guard manifest.version == 1 else { throw ScoringError.corrupt("'\(path)' lacks \(checksumsFile), which every version \(manifest.version) bundle has") }
            guard let expected = manifest.files?["model.json"] else { throw ScoringError.corrupt("'\(path)/manifest.json' holds no hash of model.json") }
            guard SHA256.hexDigest(of: [UInt8](modelData)) == expected else {
                throw ScoringError.corrupt("'\(path)/model.json' does not match the SHA-256 in its manifest (changed or damaged)")
            }
        }
        var estimator: AnyFittedModel
        do { estimator = try JSONDecoder().decode(AnyFittedModel.self, from: modelData) } catch {
            throw ScoringError.corrupt("'\(path)/model.json' is damaged: \(describe(error))")
        }
        // The manifest's settings, read in the forms the algorithm declares; versions 1 and 2
        // kept them only there.
        let settings: Settings
        do {
            guard let algorithm = AlgorithmRegistry.named(estimator.algorithm) else { throw LearningError("its algorithm is unknown") }
            settings = try Settings.reading(manifest.settings, of: algorithm)
        } catch let error as LearningError {
            throw ScoringError.corrupt("'\(path)' is inconsistent: manifest.json has settings that do not fit '\(estimator.algorithm)': \(error.message)")
        }
        if manifest.version < 3 {
            estimator.settings = settings
        } else if settings != estimator.settings {
            throw ScoringError.corrupt("'\(path)' is inconsistent: the settings in manifest.json and model.json differ")
        }
        var decision: DecisionThreshold?
        if let rule = manifest.decision {
            guard manifest.version >= 4 else { throw ScoringError.corrupt("'\(path)/manifest.json' holds a decision threshold, which bundles have from version 4, but says version \(manifest.version)") }
            guard let positive = manifest.classes.firstIndex(of: rule.positive) else {
                throw ScoringError.corrupt("'\(path)' is inconsistent: manifest.json decides for the class '\(rule.positive)', which is not one of its classes")
            }
            decision = DecisionThreshold(positive: positive, threshold: rule.threshold)
        }
        let model = ScoringModel(
            name: manifest.name, task: manifest.task, target: manifest.target, classes: manifest.classes, features: manifest.features,
            inputSchema: manifest.inputSchema, preparation: manifest.preparation, estimator: estimator,
            trainingRows: manifest.trainingRows, decision: decision, lineage: manifest.lineage.script, dataSources: manifest.lineage.data)
        try BundleCheck.validate(model, algorithm: manifest.algorithm, bundle: path)
        return model
    }

    /// Compares each file with its line in SHA256SUMS; both files must be listed.
    private static func checkSums(_ sums: Data, manifest: Data, model: Data, bundle: String) throws {
        var listed: [String: String] = [:]
        for line in String(decoding: sums, as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1)
            guard parts.count == 2 else { throw ScoringError.corrupt("'\(bundle)/\(checksumsFile)' is damaged: '\(line.prefix(80))' is not 'HASH  FILE'") }
            let name = parts[1].trimmingCharacters(in: CharacterSet(charactersIn: " *"))
            listed[name] = String(parts[0]).lowercased()
        }
        for (name, data) in [("manifest.json", manifest), ("model.json", model)] {
            guard let expected = listed[name] else { throw ScoringError.corrupt("'\(bundle)/\(checksumsFile)' does not list \(name)") }
            guard SHA256.hexDigest(of: [UInt8](data)) == expected else {
                throw ScoringError.corrupt("'\(bundle)/\(name)' does not match its SHA-256 in \(checksumsFile) (changed or damaged)")
            }
        }
    }

    /// A decoding error in a few words: where in the file, and what was wrong.
    static func describe(_ error: Error) -> String {
        func at(_ path: [CodingKey]) -> String {
            path.isEmpty ? "the top level" : "'" + path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
                .replacingOccurrences(of: ".[", with: "[") + "'"
        }
        guard let decoding = error as? DecodingError else { return error.localizedDescription }
        switch decoding {
        case .keyNotFound(let key, let context): return "\(at(context.codingPath + [key])) is missing"
        case .typeMismatch(let type, let context): return "\(at(context.codingPath)) is not \(type == String.self ? "text" : "a \(type)")"
        case .valueNotFound(_, let context): return "\(at(context.codingPath)) is null"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "it is not valid JSON" : "\(at(context.codingPath)): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }

    /// Scores a CSV or JSON Lines file with a bundle: its rows with predictions, and the
    /// rows that could not be scored, handled as `policy` says. A CSV input's bytes are
    /// kept with the result, so its records can be written back as they were.
    /// - Throws: `ScoringError` (a damaged bundle, an unreadable input, a missing column,
    ///   or under `fail` the first row that cannot be scored).
    public static func predict(bundle path: String, input: String, policy: RowErrorPolicy = .fail) throws -> ScoredRows {
        let model = try load(path)
        // New rows are read as the training file was: its missing-value markers too, and
        // the model's text columns as text whatever they look like.
        let missing = model.dataSources.first?.missing ?? []
        let textColumns = Set(model.inputSchema.filter { $0.type == .text }.map(\.name))
        var records: CSVRecords?
        let read: CSVReadResult
        do {
            if TableReader.isJSONLines(input) {
                read = try TableReader.read(path: input, name: "input", missing: missing, textColumns: textColumns)
            } else {
                let bytes = try CSVRecords(path: input)
                read = bytes.isStream ? try CSVReader.parse(bytes: bytes.bytes, name: "input", missing: missing, textColumns: textColumns)
                                      : try CSVReader.read(path: input, name: "input", missing: missing, textColumns: textColumns)
                bytes.locateRecords(separator: read.separator)
                records = bytes
            }
        } catch let error as CSVError {
            if error.line == nil, !FileManager.default.isReadableFile(atPath: input) { throw ScoringError.missing(error.description) }
            throw ScoringError.input("\(input): \(error.description)")
        }
        // Problems are told by the line of the file where the row starts.
        var scored: ScoredRows
        do { scored = try Scorer.scoredRows(model, rawTable: read.table, policy: policy) } catch ScoringError.row(var problem) {
            problem.line = records?.lineNumbers(of: [problem.row])[problem.row]
            throw ScoringError.row(problem)
        }
        if let records, !scored.problems.isEmpty {
            let lines = records.lineNumbers(of: Set(scored.problems.map(\.row)))
            for k in scored.problems.indices { scored.problems[k].line = lines[scored.problems[k].row] }
        }
        scored.records = records
        scored.separator = read.separator
        return scored
    }
}
