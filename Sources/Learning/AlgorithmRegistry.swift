import Foundation
import Tabular

/// The algorithms `train` knows, in the order `help` lists them. Adding an algorithm is
/// one line here and one file with its `Estimator`.
public enum AlgorithmRegistry {
    public static let all: [Algorithm] = [
        Algorithm(LogisticRegression.self),
        Algorithm(LinearRegression.self),
        Algorithm(DecisionTree.self),
        Algorithm(RandomForest.self),
        Algorithm(GradientBoosting.self),
        Algorithm(NearestNeighbors.self),
        Algorithm(NaiveBayes.self),
        Algorithm(KMeans.self),
    ]

    /// The algorithm of that name.
    public static func named(_ name: String) -> Algorithm? {
        all.first { $0.name == name }
    }

    /// The algorithms that solve a task, main ones first.
    public static func solving(_ task: Task) -> [Algorithm] {
        all.filter { $0.tasks.first == task } + all.filter { $0.tasks.dropFirst().contains(task) }
    }
}

/// A registered estimator with its type erased, so the command language, the engine and
/// the bundle reader can work with every algorithm alike.
public struct Algorithm: Sendable {
    public let name: String
    public let summary: String
    public let tasks: [Task]
    public let settings: SettingsSchema
    /// The default search of `tune` and `train auto` for a task (see `Estimator.searchSpace`).
    public let searchSpace: @Sendable (Task) -> [SearchDimension]
    /// Whether it finds clusters (it is fitted without a target, which it leaves out).
    public var findsClusters: Bool { tasks == [.clustering] }
    private let fitting: @Sendable (Settings, TrainingData) throws -> Fit<any FittedModel>
    private let decoding: @Sendable (Decoder) throws -> any FittedModel

    public init<E: Estimator>(_ estimator: E.Type) {
        name = E.name
        summary = E.summary
        tasks = E.tasks
        settings = E.settings
        searchSpace = { E.searchSpace(for: $0) }
        fitting = { settings, data in
            let fit = try E(settings).fit(data)
            return Fit(fit.model, remarks: fit.remarks)
        }
        decoding = { decoder in try E.Model(from: decoder) }
    }

    /// Fits with resolved settings; the `seed` setting, when declared, seeds the fit.
    /// - Throws: as `Estimator.fit`.
    public func fit(_ settings: Settings, _ data: TrainingData) throws -> Fit<AnyFittedModel> {
        var data = data
        if case .whole(let seed)? = settings["seed"] { data.seed = UInt64(seed) }
        let fit = try fitting(settings, data)
        return Fit(AnyFittedModel(algorithm: name, settings: settings, base: fit.model), remarks: fit.remarks)
    }

    /// Reads a model of this algorithm.
    func decodeModel(from decoder: Decoder) throws -> any FittedModel {
        try decoding(decoder)
    }
}

/// A fitted model of any registered algorithm, with the settings it was fitted with.
/// Bundle JSON (`model.json`): `{"algorithm": "tree", "settings": {…}, "state": {…}}`;
/// bundles of versions 1 and 2 wrote `{"algorithm": "logistic", "parameters": {…}}`
/// (the state under another name, the settings only in the manifest), which still reads.
public struct AnyFittedModel: Sendable, Equatable {
    public let algorithm: String
    /// Empty for a model read from a version 1 or 2 `model.json` until the manifest's are set.
    public var settings: Settings
    public let base: any FittedModel

    public init(algorithm: String, settings: Settings, base: any FittedModel) {
        self.algorithm = algorithm
        self.settings = settings
        self.base = base
    }

    public static func == (a: AnyFittedModel, b: AnyFittedModel) -> Bool {
        a.algorithm == b.algorithm && a.settings == b.settings && a.base.isEqual(to: b.base)
    }

    public func predict(_ x: DesignMatrix) -> Prediction { base.predict(x) }

    public func learnedValues(features: [String], classes: [String]) -> LearnedValues? {
        base.learnedValues(features: features, classes: classes)
    }
    public var isFinite: Bool { base.isFinite }
    public var task: Task { base.task }
    public var summary: String? { base.summary }
    public var featureImportances: [Double]? { base.featureImportances }
    public func rules(features: [String], classes: [String]) -> String? { base.rules(features: features, classes: classes) }
    public func explain(_ row: [Double], trainingMeans: [Double], classes: [String]) throws -> Explanation? {
        try base.explain(row, trainingMeans: trainingMeans, classes: classes)
    }
    public func check(featureCount: Int, classCount: Int) throws { try base.check(featureCount: featureCount, classCount: classCount) }

    /// The fingerprint of the learned state.
    public var fingerprint: String {
        var hasher = FingerprintHasher()
        base.combine(into: &hasher)
        return hasher.hexDigest
    }
}

extension AnyFittedModel: Codable {
    private enum CodingKeys: String, CodingKey { case algorithm, settings, state, parameters }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        algorithm = try c.decode(String.self, forKey: .algorithm)
        guard let registered = AlgorithmRegistry.named(algorithm) else {
            throw DecodingError.dataCorruptedError(forKey: .algorithm, in: c, debugDescription: "unknown algorithm '\(algorithm)'")
        }
        let stateKey: CodingKeys = c.contains(.state) ? .state : .parameters
        base = try registered.decodeModel(from: c.superDecoder(forKey: stateKey))
        if c.contains(.settings) {
            let given = try c.decode([String: SettingValue].self, forKey: .settings)
            settings = try AnyFittedModel.settings(given, of: registered, in: c)
        } else {
            settings = Settings(entries: [])
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(algorithm, forKey: .algorithm)
        try c.encode(SettingsJSON(settings, schema: AlgorithmRegistry.named(algorithm)?.settings), forKey: .settings)
        try base.encode(to: c.superEncoder(forKey: .state))
    }

    /// Stored settings checked against the algorithm's declaration (JSON does not tell a
    /// whole number from a number, so each value is read back in its declared form).
    private static func settings(_ given: [String: SettingValue], of algorithm: Algorithm, in c: KeyedDecodingContainer<CodingKeys>) throws -> Settings {
        do {
            return try Settings.reading(given, of: algorithm)
        } catch let error as LearningError {
            throw DecodingError.dataCorruptedError(forKey: .settings, in: c, debugDescription: error.message)
        }
    }
}

extension Settings {
    /// Settings as a bundle stores them, checked against the algorithm's declaration:
    /// every declared key present, none other, each value in range.
    /// - Throws: `LearningError` naming the key.
    /// The settings as a bundle stores them (model.json and manifest.json alike). JSON
    /// writes the number 1.0 as `1`; where a setting takes both whole numbers and fractions
    /// (`max_features=1` is one feature, `max_features=1.0` all of them) such a number is
    /// stored as its text, "1.0", which `reading` parses back.
    public func storable(_ schema: SettingsSchema?) -> [(key: String, value: SettingValue)] {
        entries.map { key, value in
            if case .number(let x) = value, x == x.rounded(), let spec = schema?.spec(key),
               spec.forms.contains(where: { if case .whole = $0 { return true }; return false }) {
                return (key, .word(spec.text(of: value)))
            }
            return (key, value)
        }
    }

    /// Settings added to an algorithm after bundles of it were written, with the value that
    /// gives the fit those bundles hold.
    static let addedSettings: [String: [String: SettingValue]] = ["linear": ["l1": .number(0)], "logistic": ["class_weight": .none, "l1": .number(0)],
                                                                        "naive_bayes": ["alpha": .number(1)]]

    public static func reading(_ given: [String: SettingValue], of algorithm: Algorithm) throws -> Settings {
        for key in given.keys.sorted() where algorithm.settings.spec(key) == nil {
            throw LearningError("'\(algorithm.name)' has no setting '\(key)'")
        }
        return Settings(entries: try algorithm.settings.specs.map { spec in
            guard let value = given[spec.key] else {
                // A setting added after the bundle was written reads as its default, which
                // every added setting keeps at the old behaviour (linear's l1=0).
                if let added = Self.addedSettings[algorithm.name]?[spec.key] { return (spec.key, added) }
                throw LearningError("the setting '\(spec.key)' is missing")
            }
            // A number JSON would write as a whole number where both are taken comes as its text.
            if case .word(let text) = value, (try? spec.checked(value)) == nil, let parsed = try? spec.value(parsing: text) {
                return (spec.key, parsed)
            }
            return (spec.key, try spec.checked(value))
        })
    }
}

/// Settings as a JSON object, keys sorted by the encoder.
struct SettingsJSON: Encodable {
    var settings: Settings
    var schema: SettingsSchema?
    init(_ settings: Settings, schema: SettingsSchema?) {
        self.settings = settings
        self.schema = schema
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        for (key, value) in settings.storable(schema) { try c.encode(value, forKey: Key(key)) }
    }

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ text: String) { stringValue = text }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
