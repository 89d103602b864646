import Foundation
import Tabular

/// The kind of problem a model solves.
public enum Task: String, Sendable, Codable, CaseIterable {
    case classification
    case regression
    /// Grouping rows with no target.
    case clustering

    /// Whether the task learns from a target column.
    public var needsTarget: Bool { self != .clustering }
}

/// A problem with the settings or data given to an estimator, worded for the user.
public struct LearningError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    public var help: String?

    public init(_ message: String, help: String? = nil) {
        self.message = message
        self.help = help
    }

    public var description: String { message }
}

/// A remark a fit makes about itself (did not converge, collinear features), shown
/// after the `trained …` line.
public enum Remark: Sendable, Equatable {
    case note(String)
    case warning(String)
}

/// The target of a fit, one value per taken row, in the rows' order.
public enum TrainingTarget: Sendable {
    /// Class indices into `labels` (which are in the model's class order).
    case classes([Int], labels: [String])
    case values([Double])

    public var count: Int {
        switch self {
        case .classes(let indices, _): return indices.count
        case .values(let values): return values.count
        }
    }
}

/// Fits an earlier mlw made differently, to make as it did when a journal recorded then
/// replays (its fingerprints hash the models' bits). The engine chooses them from the
/// journal's fingerprint version; a new fit uses none.
public struct EarlierFits: OptionSet, Sendable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }
    /// Logistic regression with l1 > 0 by OWL-QN (fingerprints v3 and before), not by
    /// Newton steps solved by coordinate descent.
    public static let l1LogisticByOWLQN = EarlierFits(rawValue: 1 << 0)
    /// gbdt reading indicator features' 0s as values (fingerprints v3 and before), not as
    /// missing values.
    public static let gbdtDenseIndicators = EarlierFits(rawValue: 1 << 1)
}

/// Everything a fit reads: the features of the rows to learn from (a subset of a
/// table's rows, without copying it), the target of those rows (none for clustering),
/// the seed of any randomness and a cancellation poll. One fold of a cross-validation is
/// one `TrainingData`.
public struct TrainingData: Sendable {
    /// The feature vectors and the rows taken from them.
    public var features: FeatureColumns
    public var featureNames: [String]
    public var target: TrainingTarget?
    /// The target column's name, for messages ("'label' has 1001 classes").
    public var targetName: String
    /// The seed of the algorithm's randomness (its recorded `seed` setting, when it has one).
    public var seed: UInt64
    /// Polled between units of work; true means stop (throw `CancelledOptimization`).
    public var isCancelled: @Sendable () -> Bool
    /// The threads a fit that runs its own thread pool (XGBoost's) may use: every core,
    /// or fewer when folds or trials run side by side.
    public var threads: Int = max(1, ProcessInfo.processInfo.activeProcessorCount)
    /// Features that one-hot encode one column each (indices into the features): the
    /// categories an algorithm may model as one categorical variable (naive Bayes does).
    public var categoricalGroups: [[Int]] = []
    /// Where a fit may keep what it derives from these rows alone for the next fit on the
    /// same rows (the trials of a search share each fold's); nil: nothing is kept.
    public var cache: FitCache?
    /// Fits to make as an earlier mlw made them (replaying a journal recorded then).
    public var earlierFits: EarlierFits = []

    public init(features: FeatureColumns, featureNames: [String], target: TrainingTarget?, targetName: String = "the target",
                seed: UInt64 = 0, isCancelled: @escaping @Sendable () -> Bool = { false }) {
        precondition(features.count == featureNames.count, "feature names and vectors differ in number")
        precondition(target.map { $0.count == features.rowCount } ?? true, "target and rows differ in length")
        self.features = features
        self.featureNames = featureNames
        self.target = target
        self.targetName = targetName
        self.seed = seed
        self.isCancelled = isCancelled
    }

    public var rowCount: Int { features.rowCount }

    /// The class indices and class count of a classification target.
    /// - Throws: `LearningError` when the target is not classes, or when the rows hold fewer
    ///   than two of them (nothing to tell apart).
    public func classes(for algorithm: String) throws -> (indices: [Int], count: Int) {
        guard case .classes(let indices, let labels)? = target else {
            throw LearningError("'\(algorithm)' here needs a classification target")
        }
        guard Set(indices).count >= 2 else {
            throw LearningError("the training rows hold a single class, so there is nothing to learn",
                                help: "a classifier needs at least two classes in the training rows")
        }
        return (indices, labels.count)
    }

    /// The values of a regression target.
    public func values(for algorithm: String) throws -> [Double] {
        guard case .values(let values)? = target else { throw LearningError("'\(algorithm)' here needs a regression target") }
        return values
    }

    /// The taken rows as a dense row-major matrix (for fits that visit rows many times).
    /// - Complexity: O(rows × features)
    public func designMatrix() -> DesignMatrix {
        DesignMatrix.gathering(features: features.vectors, rows: features.rows).matrix
    }
}

/// What fits on the same rows (one fold of a search, trial after trial) may share: values
/// made from the rows alone, by a key that names everything else they depend on. Safe to
/// use from several threads; a value is made once.
public final class FitCache: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [String: Any] = [:]

    public init() {}

    /// The value kept for `key`, made by `make` if there is none.
    public func value<T>(for key: String, make: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        if let kept = values[key] as? T { return kept }
        let made = try make()
        values[key] = made
        return made
    }

    /// How many values are kept.
    public var count: Int { lock.withLock { values.count } }
}

/// What a fit returns: the model and its remarks.
public struct Fit<Model: Sendable>: Sendable {
    public var model: Model
    public var remarks: [Remark]

    public init(_ model: Model, remarks: [Remark] = []) {
        self.model = model
        self.remarks = remarks
    }
}

/// What a model predicts for a set of rows.
public enum Prediction: Sendable, Equatable {
    /// Row-major `rows × classCount` class probabilities.
    case classes(probabilities: [Double], classCount: Int)
    case values([Double])
    case clusters([Int])

    public var rowCount: Int {
        switch self {
        case .classes(let probabilities, let k): return k > 0 ? probabilities.count / k : 0
        case .values(let values): return values.count
        case .clusters(let ids): return ids.count
        }
    }

    /// The most probable class of each row (the first of equals), or the cluster id.
    public var classIndices: [Int] {
        switch self {
        case .classes(let probabilities, let k):
            return (0..<rowCount).map { i in
                var best = 0
                for c in 1..<k where probabilities[i * k + c] > probabilities[i * k + best] { best = c }
                return best
            }
        case .clusters(let ids): return ids
        case .values: return []
        }
    }

    public var values: [Double] {
        if case .values(let values) = self { return values }
        return []
    }

    public var probabilities: [Double] {
        if case .classes(let probabilities, _) = self { return probabilities }
        return []
    }
}

/// A fitted model: plain data (`Codable`, no code), hashable into fingerprints, able to
/// predict, and able to check itself against a bundle's description of it.
public protocol FittedModel: Codable, Sendable, Equatable {
    /// What the model predicts for each row of `x` (its columns in the training order).
    /// - Complexity: stated by each model.
    func predict(_ x: DesignMatrix) -> Prediction

    /// Adds every learned number, in a fixed order, to a fingerprint: a verified replay
    /// must reproduce them bit for bit.
    func combine(into hasher: inout FingerprintHasher)

    /// Whether every learned number is finite (JSON cannot hold the others, and a model
    /// with them predicts nothing useful).
    var isFinite: Bool { get }

    /// Checks the learned state against the shape a bundle's manifest describes.
    /// - Parameters:
    ///   - featureCount: the number of features the manifest lists.
    ///   - classCount: the number of classes it lists (0 for regression and clustering).
    /// - Throws: `LearningError` saying what disagrees, e.g. "has 3 coefficients, but
    ///   manifest.json lists 4 features".
    func check(featureCount: Int, classCount: Int) throws

    /// The task the model solves (a tree can be either).
    var task: Task { get }

    /// Short facts for the `trained …` line ("36 iterations", "depth 8, 41 leaves").
    var summary: String? { get }

    /// Impurity-based importances, one per feature, summing to 1; nil when the model has none.
    var featureImportances: [Double]? { get }

    /// The model as readable if/then rules; nil when it is not a set of rules.
    func rules(features: [String], classes: [String]) -> String?

    /// What it learned per feature, as a table for `show` (coefficients, importances); nil
    /// when it has nothing per feature.
    func learnedValues(features: [String], classes: [String]) -> LearnedValues?

    /// Each feature's contribution to the prediction for one row (its features in the
    /// training order); nil when the model has no exact way (see `Explanation`).
    /// - Parameter trainingMeans: each feature's mean over the training rows (the baseline
    ///   of a linear model's contributions).
    func explain(_ row: [Double], trainingMeans: [Double], classes: [String]) throws -> Explanation?
}

/// A table of learned values for `show`: a row per feature (and one for the intercept).
public struct LearnedValues: Sendable, Equatable {
    public var headers: [String]
    public var rows: [[String]]
    /// What the rows are sorted by, said under the table.
    public var note: String

    public init(headers: [String], rows: [[String]], note: String) {
        self.headers = headers
        self.rows = rows
        self.note = note
    }
}

extension FittedModel {
    public var summary: String? { nil }
    public var featureImportances: [Double]? { nil }
    public func rules(features: [String], classes: [String]) -> String? { nil }

    /// Importances, largest first, for a model that has them.
    public func learnedValues(features: [String], classes: [String]) -> LearnedValues? {
        guard let importances = featureImportances else { return nil }
        let order = features.indices.sorted { importances[$0] != importances[$1] ? importances[$0] > importances[$1] : $0 < $1 }
        return LearnedValues(headers: ["feature", "importance"],
                             rows: order.map { [features[$0], NumberFormatting.significant(importances[$0], digits: 4)] },
                             note: "impurity-based importances, largest first")
    }

    /// Equality with a model of any type.
    func isEqual(to other: any FittedModel) -> Bool {
        guard let other = other as? Self else { return false }
        return self == other
    }
}

/// An algorithm: its parameters are a value made from resolved settings (declared once,
/// in `settings`), and `fit` returns a separate fitted type, so "not fitted" cannot be
/// expressed. Adding one takes its own file and one line in `AlgorithmRegistry.all`.
public protocol Estimator: Sendable {
    associatedtype Model: FittedModel

    /// The name `train` takes (`train tree`).
    static var name: String { get }
    /// One line for `help train`.
    static var summary: String { get }
    /// The tasks it solves, the first being its main one.
    static var tasks: [Task] { get }
    /// Its settings: keys, forms, defaults and help.
    static var settings: SettingsSchema { get }
    /// What `tune ALGORITHM` searches when no setting is given a list or a range, and what
    /// `train auto` tunes: the settings that matter most, over ranges that usually hold
    /// the best (checked against `settings` by the estimator battery).
    static func searchSpace(for task: Task) -> [SearchDimension]

    /// The parameters from settings already checked against `settings`.
    init(_ settings: Settings)

    /// Learns from the training data.
    /// - Throws: `LearningError` for data it cannot learn from; `CancelledOptimization`
    ///   when `data.isCancelled` turned true.
    func fit(_ data: TrainingData) throws -> Fit<Model>
}

extension Estimator {
    /// The parameters with every setting at its default.
    public init() {
        // Defaults are in range by declaration (the battery checks it), so this cannot throw.
        self.init(try! Self.settings.resolve([], algorithm: Self.name))
    }
}
