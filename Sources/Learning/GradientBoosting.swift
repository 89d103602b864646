import Foundation
import Tabular

/// Gradient-boosted trees through XGBoost's C library (`hist` trees): logistic loss for two
/// classes, softmax for more, squared error for values. Settings take scikit-learn's and
/// XGBoost's names in snake_case. With `early_stopping=N`, a seeded share of the training
/// rows (`validation_fraction`) is held out, boosting stops after N rounds without a better
/// validation loss, and the model keeps the rounds up to the best one.
///
/// The model is XGBoost's own JSON, stored whole in the bundle, so XGBoost's tools read it.
/// Features are handed over as 32-bit floats, as XGBoost holds them.
public struct GradientBoosting: Estimator {
    public static let name = "gbdt"
    public static let summary = "gradient-boosted trees (XGBoost's hist trees; logistic, softmax or squared-error loss)"
    public static let tasks: [Task] = [.classification, .regression]
    public static let settings = SettingsSchema([
        SettingSpec("rounds", "boosting rounds (trees per class); with early_stopping, the most",
                    forms: [.whole(1...100_000)], default: .value(.whole(100))),
        SettingSpec("learning_rate", "shrinkage of each tree's contribution",
                    forms: [.number(0...1, excludingLower: true)], default: .value(.number(0.1))),
        SettingSpec("max_depth", "deepest a tree may grow (with max_leaves set, none: no limit)",
                    forms: [.whole(1...64), .none(meaning: "no limit; needs max_leaves")], default: .value(.whole(6))),
        SettingSpec("max_leaves", "most leaves per tree, grown best-first (LightGBM's num_leaves); none: level by level to max_depth",
                    forms: [.whole(2...65_536), .none(meaning: "grow level by level")], default: .value(.none)),
        SettingSpec("min_child_weight", "least hessian a leaf must hold (for squared error: rows); auto: what 20 rows hold at the start, as scikit-learn's and LightGBM's 20-row leaves",
                    forms: [.number(0...1e9), .word(["auto"])], default: .value(.word("auto"))),
        SettingSpec("subsample", "share of the rows each tree is grown on",
                    forms: [.number(0...1, excludingLower: true)], default: .value(.number(1))),
        SettingSpec("colsample", "share of the features each tree may use",
                    forms: [.number(0...1, excludingLower: true)], default: .value(.number(1))),
        SettingSpec("l2", "L2 penalty on leaf weights (XGBoost's lambda)",
                    forms: [.number(0...1e9)], default: .value(.number(1))),
        SettingSpec("max_bins", "most histogram bins per feature",
                    forms: [.whole(2...65_535)], default: .value(.whole(256))),
        SettingSpec("early_stopping", "stop after this many rounds without a better validation loss; none: boost every round",
                    forms: [.whole(1...100_000), .none(meaning: "every round")], default: .value(.none)),
        SettingSpec("validation_fraction", "share of the training rows held out to decide early stopping",
                    forms: [.number(0...0.5, excludingLower: true)], default: .value(.number(0.1))),
        SettingSpec("seed", "seed of row and feature sampling and of the early-stopping hold-out",
                    forms: [.whole(0...Int.max)], default: .randomSeed),
    ])

    public var rounds: Int
    public var learningRate: Double
    public var maxDepth: Int?
    public var maxLeaves: Int?
    /// Nil: `auto`.
    public var minChildWeight: Double?
    public var subsample: Double
    public var colsample: Double
    public var l2: Double
    public var maxBins: Int
    public var earlyStopping: Int?
    public var validationFraction: Double

    public static func searchSpace(for task: Task) -> [SearchDimension] {
        [SearchDimension(key: "learning_rate", values: .range(low: .number(0.02), high: .number(0.3))),
         SearchDimension(key: "max_depth", values: .range(low: .whole(2), high: .whole(8))),
         SearchDimension(key: "subsample", values: .list([.number(0.7), .number(0.85), .number(1)])),
         SearchDimension(key: "colsample", values: .list([.number(0.6), .number(0.8), .number(1)]))]
    }

    public init(_ settings: Settings) {
        rounds = settings.whole("rounds")!
        learningRate = settings.number("learning_rate")
        maxDepth = settings.whole("max_depth")
        maxLeaves = settings.whole("max_leaves")
        if case .number(let weight)? = settings["min_child_weight"] { minChildWeight = weight } else { minChildWeight = nil }
        subsample = settings.number("subsample")
        colsample = settings.number("colsample")
        l2 = settings.number("l2")
        maxBins = settings.whole("max_bins")!
        earlyStopping = settings.whole("early_stopping")
        validationFraction = settings.number("validation_fraction")
    }

    /// XGBoost's parameters for a task (`classCount` 0 for regression).
    /// - Parameter start: the prediction boosting starts from (XGBoost's `base_score`).
    func parameters(classCount: Int, start: Double?, seed: UInt64, threads: Int) -> [(String, String)] {
        var objective: [(String, String)]
        switch classCount {
        case 0: objective = [("objective", "reg:squarederror")]
        case 2: objective = [("objective", "binary:logistic")]
        default: objective = [("objective", "multi:softprob"), ("num_class", String(classCount))]
        }
        if let start { objective.append(("base_score", String(Float(start)))) }
        // XGBoost's seed is a 32-bit int; the recorded seed is folded into it.
        let librarySeed = Int32(truncatingIfNeeded: seed ^ (seed >> 32)) & Int32.max
        return objective + [
            ("tree_method", "hist"),
            ("eta", NumberFormatting.shortest(learningRate)),
            ("max_depth", String(maxDepth ?? 0)),
            ("grow_policy", maxLeaves == nil ? "depthwise" : "lossguide"),
            ("max_leaves", String(maxLeaves ?? 0)),
            ("min_child_weight", NumberFormatting.shortest(minChildWeight ?? Self.leafRows * Self.startingHessian(classCount: classCount, start: start))),
            ("subsample", NumberFormatting.shortest(subsample)),
            ("colsample_bytree", NumberFormatting.shortest(colsample)),
            ("lambda", NumberFormatting.shortest(l2)),
            ("max_bin", String(maxBins)),
            ("seed", String(librarySeed)),
            ("nthread", String(threads)),
            ("verbosity", "0"),
        ]
    }

    public func fit(_ data: TrainingData) throws -> Fit<Model> {
        guard data.rowCount > 0 else { throw LearningError("there are no training rows") }
        guard data.features.count > 0 else { throw LearningError("there are no features") }
        if maxDepth == nil && maxLeaves == nil {
            throw LearningError("max_depth=none needs max_leaves to bound the trees", help: "set max_leaves=31, or a max_depth")
        }
        let labels: [Float]
        let classCount: Int
        switch data.target {
        case .classes?:
            let (indices, count) = try data.classes(for: Self.name)
            labels = indices.map(Float.init)
            classCount = count
        case .values(let values)?:
            labels = values.map { Float($0) }
            classCount = 0
        case nil:
            throw LearningError("gbdt learns from a target; choose one with 'target COLUMN'")
        }
        // Early stopping holds out a seeded share of the rows (stratified for classes).
        var trainRows = Array(0..<data.rowCount), validationRows: [Int] = []
        if earlyStopping != nil {
            (trainRows, validationRows) = Self.holdOut(count: data.rowCount, share: validationFraction,
                                                       classes: classCount > 0 ? labels.map(Int.init) : nil, seed: data.seed)
            guard !validationRows.isEmpty, !trainRows.isEmpty else {
                throw LearningError("\(data.rowCount) training rows are too few to hold out validation_fraction=\(NumberFormatting.shortest(validationFraction)) for early stopping")
            }
        }
        // A search fits the same rows again and again: the matrices (the quantile sketch
        // above all) depend on the rows, the bins and the hold-out alone, so they are kept.
        let rowsKey = earlyStopping == nil ? "all rows" : "held out \(validationFraction) with seed \(data.seed)"
        // Indicator features (one-hot levels, missing-value flags: only 0s and 1s, however
        // stored) are mostly 0: read as missing, XGBoost keeps only each row's 1s and builds
        // its histograms over those (a 0 and a missing value split alike: the 1s one way,
        // the rest the other). On the benchmark's 56 indicators of 76 features: 1.28x.
        let zerosMissing = data.earlierFits.contains(.gbdtDenseIndicators) ? [] : Self.indicatorFeatures(data.features)
        let layout = zerosMissing.isEmpty ? "" : ", indicator zeros missing"
        func kept<T>(_ name: String, _ make: () throws -> T) rethrows -> T {
            guard let cache = data.cache else { return try make() }
            return try cache.value(for: "gbdt \(name), \(rowsKey)", make: make)
        }
        let train = try kept("training matrix, max_bins=\(maxBins)\(layout)") {
            try Self.matrix(data.features, rows: trainRows, labels: labels, zerosMissing: zerosMissing, threads: data.threads, quantileBins: maxBins)
        }
        let validation = try validationRows.isEmpty ? nil : kept("validation matrix\(layout)") {
            try Self.matrix(data.features, rows: validationRows, labels: labels, zerosMissing: zerosMissing, threads: data.threads)
        }
        var booster = try XGBooster(training: [train] + (validation.map { [$0] } ?? []),
                                    parameters: parameters(classCount: classCount, start: Self.start(labels, rows: trainRows, classCount: classCount),
                                                          seed: data.seed, threads: data.threads))
        var best: (round: Int, loss: Double)?
        var roundsRun = 0
        for round in 0..<rounds {
            if data.isCancelled() { throw CancelledOptimization() }
            try booster.boost(round: round, on: train)
            roundsRun = round + 1
            guard let validation, let patience = earlyStopping else { continue }
            let loss = try booster.evaluate(round: round, on: validation)
            if best.map({ loss < $0.loss }) ?? true { best = (round, loss) }
            if round - best!.round >= patience { break }
        }
        if let best, best.round + 1 < roundsRun { booster = try booster.keeping(rounds: best.round + 1) }
        let json = try booster.json()
        let model = try Model(json: json, task: classCount > 0 ? .classification : .regression, classCount: classCount,
                              featureCount: data.features.count, roundsRun: roundsRun, bestValidationLoss: best?.loss,
                              zerosMissing: zerosMissing.isEmpty ? nil : zerosMissing)
        var remarks: [Remark] = []
        if let best, let patience = earlyStopping {
            let stopped = roundsRun < rounds
            remarks.append(.note("early stopping: best validation loss \(NumberFormatting.significant(best.loss, digits: 5)) at round \(best.round + 1)"
                                 + (stopped ? ", no better in the \(patience) after it" : " (every round run)")
                                 + "; \(validationRows.count) rows held out"))
        }
        return Fit(model, remarks: remarks)
    }

    /// The rows `min_child_weight=auto` asks of a leaf: scikit-learn's `min_samples_leaf` and
    /// LightGBM's `min_child_samples` default. (XGBoost's own default, a hessian of 1,
    /// lets a 300-row regression grow leaves of single rows and overfit.)
    static let leafRows = 20.0

    /// One row's hessian at the start: 1 for squared error, p(1 − p) for the logistic loss
    /// at the starting share, 2·(1/K)(1 − 1/K) for XGBoost's softmax over K classes.
    static func startingHessian(classCount: Int, start: Double?) -> Double {
        switch classCount {
        case 0: return 1
        case 2: let p = start ?? 0.5; return p * (1 - p)
        default: let p = 1 / Double(classCount); return 2 * p * (1 - p)
        }
    }

    /// Boosting starts from the training rows' mean value or positive share (as LightGBM
    /// and scikit-learn's boosting do; XGBoost 1.7 starts from 0.5), so the first trees fit
    /// the signal rather than the offset. Nil for several classes (softmax ignores a
    /// shared start), and for a share of 0 or 1, where the log-odds are infinite.
    static func start(_ labels: [Float], rows: [Int], classCount: Int) -> Double? {
        guard classCount <= 2, !rows.isEmpty else { return nil }
        let mean = rows.reduce(0.0) { $0 + Double(labels[$1]) } / Double(rows.count)
        if classCount == 2 && (mean <= 0 || mean >= 1) { return nil }
        return mean
    }

    /// A seeded hold-out: `share` of the rows (of each class, when classes are given) for
    /// validation, the rest for training, both in row order.
    static func holdOut(count: Int, share: Double, classes: [Int]?, seed: UInt64) -> (train: [Int], validation: [Int]) {
        var generator = SeededGenerator(seed: seed ^ 0x6764_6274)  // "gdbt": apart from the sampling seed
        var groups: [[Int]] = []
        if let classes {
            var byClass: [Int: [Int]] = [:]
            for (i, c) in classes.enumerated() { byClass[c, default: []].append(i) }
            groups = byClass.keys.sorted().map { byClass[$0]! }
        } else {
            groups = [Array(0..<count)]
        }
        var held = [Bool](repeating: false, count: count)
        for var group in groups {
            group.shuffle(using: &generator)
            for i in group.prefix(Int((Double(group.count) * share).rounded())) { held[i] = true }
        }
        return ((0..<count).filter { !held[$0] }, (0..<count).filter { held[$0] })
    }

    /// A value as XGBoost's float: beyond the float range, the largest float of its sign
    /// (XGBoost refuses infinities, and every split threshold lies inside the range, so the
    /// row goes the same way); NaN stays NaN, which XGBoost reads as missing.
    @inline(__always)
    static func float(_ x: Double) -> Float {
        let largest = Double(Float.greatestFiniteMagnitude)
        return x > largest ? Float.greatestFiniteMagnitude : x < -largest ? -Float.greatestFiniteMagnitude : Float(x)
    }

    /// The features whose taken values are all 0 or 1 (booleans always are).
    static func indicatorFeatures(_ features: FeatureColumns) -> [Int] {
        let isIndicator = Parallel.map(Array(features.vectors.indices)) { j -> Bool in
            guard case .numbers = features.vectors[j] else { return true }
            return features.vectors[j].withValues { v in
                if let taken = features.rows { return taken.allSatisfy { v[$0] == 0 || v[$0] == 1 } }
                return (0..<features.rowCount).allSatisfy { v[$0] == 0 || v[$0] == 1 }
            }
        }
        return isIndicator.indices.filter { isIndicator[$0] }
    }

    /// The given rows of the features as XGBoost's float matrix, with their labels, the 0s
    /// of the `zerosMissing` features as missing values; in quantile form with
    /// `quantileBins` (the training matrix).
    static func matrix(_ features: FeatureColumns, rows: [Int], labels: [Float], zerosMissing: [Int] = [], threads: Int,
                       quantileBins: Int? = nil) throws -> XGBMatrix {
        let p = features.count, n = rows.count
        var missingZero = [Bool](repeating: false, count: p)
        for j in zerosMissing { missingZero[j] = true }
        let values = [Float](unsafeUninitializedCapacity: n * p) { buffer, initialized in
            let base = buffer.baseAddress!
            _ = ParallelBlocks.map(count: n) { block in
                for j in 0..<p {
                    let zeroIsMissing = missingZero[j]
                    features.vectors[j].withValues { v in
                        @inline(__always) func value(_ x: Double) -> Float { zeroIsMissing && x == 0 ? .nan : Self.float(x) }
                        if let taken = features.rows {
                            for i in block { (base + i * p + j).initialize(to: value(v[taken[rows[i]]])) }
                        } else {
                            for i in block { (base + i * p + j).initialize(to: value(v[rows[i]])) }
                        }
                    }
                }
            }
            initialized = n * p
        }
        let taken = rows.map { labels[$0] }
        if let quantileBins {
            return try XGBMatrix(quantilesOf: values, labels: taken, rows: n, columns: p, maxBins: quantileBins, threads: threads)
        }
        let matrix = try XGBMatrix(values: values, rows: n, columns: p, threads: threads)
        try matrix.setLabels(taken)
        return matrix
    }

    // MARK: - The fitted model

    /// A fitted booster: XGBoost's JSON model, with what mlw reads from it once (its size
    /// and importances) so that showing and checking do not parse it again.
    public struct Model: FittedModel {
        public var task: Task
        public var classCount: Int
        public var featureCount: Int
        /// Rounds boosted; with early stopping, those kept are `keptRounds`.
        public var roundsRun: Int
        public var keptRounds: Int
        public var bestValidationLoss: Double?
        /// Total gain of each feature's splits, summing to 1.
        public var importances: [Double]
        /// The features whose 0s XGBoost read as missing values (indicators; nil in models
        /// from before fingerprints v4, which read every value as it is).
        public var zerosMissing: [Int]?
        /// XGBoost's own JSON model.
        public let booster: String
        /// The booster read from `booster`, made when first needed.
        private let loaded = LoadedBooster()

        enum CodingKeys: String, CodingKey {
            case task, importances, booster
            case classCount = "class_count", featureCount = "feature_count", roundsRun = "rounds_run"
            case keptRounds = "kept_rounds", bestValidationLoss = "best_validation_loss"
            case zerosMissing = "zeros_missing"
        }

        init(json: String, task: Task, classCount: Int, featureCount: Int, roundsRun: Int, bestValidationLoss: Double?,
             zerosMissing: [Int]? = nil) throws {
            self.task = task
            self.zerosMissing = zerosMissing
            self.classCount = classCount
            self.featureCount = featureCount
            self.roundsRun = roundsRun
            self.bestValidationLoss = bestValidationLoss
            booster = json
            let shape = try BoosterShape(json: json)
            keptRounds = shape.trees.count / max(1, shape.groups)
            importances = shape.importances(featureCount: featureCount)
        }

        public static func == (a: Model, b: Model) -> Bool {
            a.task == b.task && a.classCount == b.classCount && a.featureCount == b.featureCount && a.roundsRun == b.roundsRun
                && a.keptRounds == b.keptRounds && a.bestValidationLoss == b.bestValidationLoss && a.importances == b.importances
                && a.zerosMissing == b.zerosMissing && a.booster == b.booster
        }

        func readBooster() throws -> XGBooster { try loaded.booster(json: booster) }

        /// The rows of `x` as XGBoost's float matrix, read as the training rows were.
        func matrix(_ x: DesignMatrix) throws -> XGBMatrix {
            var values = x.values.map(GradientBoosting.float)
            if let zerosMissing {
                for i in 0..<x.rows { for j in zerosMissing where values[i * x.columns + j] == 0 { values[i * x.columns + j] = .nan } }
            }
            return try XGBMatrix(values: values, rows: x.rows, columns: x.columns)
        }

        /// - Complexity: O(rows × rounds × depth)
        public func predict(_ x: DesignMatrix) -> Prediction {
            // A model that passed `check` was written by XGBoost and reads back; predicting
            // cannot fail on a well-formed matrix, so a failure here is a broken invariant.
            let (values, _) = try! readBooster().predict(try! matrix(x))
            switch (task, classCount) {
            case (.classification, 2):
                var probabilities = [Double](repeating: 0, count: x.rows * 2)
                for i in 0..<x.rows { let p = Double(values[i]); probabilities[2 * i] = 1 - p; probabilities[2 * i + 1] = p }
                return .classes(probabilities: probabilities, classCount: 2)
            case (.classification, let k):
                // Float shares summed in Double miss 1 by ~1e-7: make each row sum to 1.
                var probabilities = values.map(Double.init)
                for i in 0..<x.rows {
                    let total = probabilities[(i * k)..<((i + 1) * k)].reduce(0, +)
                    for c in 0..<k { probabilities[i * k + c] /= total }
                }
                return .classes(probabilities: probabilities, classCount: k)
            default:
                return .values(values.map(Double.init))
            }
        }

        /// Each feature's SHAP contribution to each row's raw score (log-odds, or the value),
        /// then the bias: row-major `rows × groups × (features + 1)`, a group per class for
        /// more than two classes, else one.
        public func contributions(_ x: DesignMatrix) throws -> (values: [Double], groups: Int) {
            let (values, shape) = try readBooster().predict(try matrix(x), contributions: true)
            return (values.map(Double.init), shape.count == 3 ? shape[1] : 1)
        }

        /// XGBoost's own TreeSHAP, in the raw score (log-odds, class scores or the value).
        public func explain(_ row: [Double], trainingMeans: [Double], classes: [String]) throws -> Explanation? {
            let (values, groups) = try contributions(DesignMatrix(rows: 1, columns: row.count, values: row))
            let p = row.count
            let outputs = task == .regression ? ["value"] : groups == 1 ? ["log-odds of \(classes.count > 1 ? classes[1] : "the second class")"]
                : classes.map { "softmax score of \($0)" }
            return Explanation(outputs: outputs, base: (0..<groups).map { values[$0 * (p + 1) + p] },
                               contributions: (0..<groups).map { g in (0..<p).map { values[g * (p + 1) + $0] } })
        }

        public func combine(into hasher: inout FingerprintHasher) {
            hasher.combine(booster)
            // Nil (every model before v4) leaves the hash as it was.
            for j in zerosMissing ?? [] { hasher.combine(UInt64(j)) }
        }

        public var isFinite: Bool { importances.allSatisfy(\.isFinite) && (bestValidationLoss?.isFinite ?? true) }

        public func check(featureCount p: Int, classCount classes: Int) throws {
            guard featureCount == p else {
                throw LearningError("has feature_count \(featureCount), but manifest.json lists \(Plural.count(p, "feature"))")
            }
            guard classCount == (task == .classification ? classes : 0) else {
                throw LearningError("has class_count \(classCount), but manifest.json lists \(Plural.count(classes, "class"))")
            }
            if let zerosMissing {
                if let wrong = zerosMissing.first(where: { !(0..<p).contains($0) }) {
                    throw LearningError("lists feature \(wrong) in zeros_missing, but manifest.json lists \(Plural.count(p, "feature"))")
                }
                guard zip(zerosMissing, zerosMissing.dropFirst()).allSatisfy({ $0 < $1 }) else {
                    throw LearningError("lists zeros_missing out of order or twice")
                }
            }
            let shape = try BoosterShape(json: booster)
            guard shape.featureCount == p else {
                throw LearningError("holds an XGBoost model of \(Plural.count(shape.featureCount, "feature")), but manifest.json lists \(Plural.count(p, "feature"))")
            }
            let groups = classCount > 2 ? classCount : 1
            guard shape.groups == groups else {
                throw LearningError("holds an XGBoost model with \(shape.groups) output groups; \(Plural.count(classCount, "class")) need \(groups)")
            }
            guard importances.count == p else {
                throw LearningError("has \(importances.count) importances, but manifest.json lists \(Plural.count(p, "feature"))")
            }
            _ = try readBooster()
        }

        public var summary: String? {
            let perRound = classCount > 2 ? ", \(classCount) trees each" : ""
            if bestValidationLoss != nil, keptRounds < roundsRun { return "best \(keptRounds) of \(roundsRun) rounds by early stopping" + perRound }
            return Plural.count(keptRounds, "round") + perRound
        }

        public var featureImportances: [Double]? { importances }

        public func learnedValues(features: [String], classes: [String]) -> LearnedValues? {
            let order = features.indices.sorted { importances[$0] != importances[$1] ? importances[$0] > importances[$1] : $0 < $1 }
            return LearnedValues(headers: ["feature", "gain share"],
                                 rows: order.map { [features[$0], NumberFormatting.significant(importances[$0], digits: 4)] },
                                 note: "each feature's share of the total split gain, largest first")
        }
    }
}

/// The booster a model reads from its JSON, once, shared by copies of the model.
final class LoadedBooster: @unchecked Sendable {
    private let lock = NSLock()
    private var booster: XGBooster?

    func booster(json: String) throws -> XGBooster {
        lock.lock()
        defer { lock.unlock() }
        if let booster { return booster }
        let read = try XGBooster(json: json)
        booster = read
        return read
    }
}

/// What mlw reads from XGBoost's JSON model: its feature and output-group counts, and each
/// tree's splits (for importances). The format is XGBoost's documented JSON schema.
struct BoosterShape {
    var featureCount: Int
    var groups: Int
    /// Per tree: the feature and gain of each split node.
    var trees: [[(feature: Int, gain: Double)]]

    init(json: String) throws {
        func fail(_ what: String) -> LearningError { LearningError("holds an XGBoost model without \(what)") }
        guard let root = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
              let learner = root["learner"] as? [String: Any] else { throw fail("a learner") }
        guard let parameters = learner["learner_model_param"] as? [String: Any],
              let features = (parameters["num_feature"] as? String).flatMap(Int.init) else { throw fail("num_feature") }
        let classes = (parameters["num_class"] as? String).flatMap(Int.init) ?? 0
        featureCount = features
        groups = max(1, classes)
        guard let booster = learner["gradient_booster"] as? [String: Any], let model = booster["model"] as? [String: Any],
              let trees = model["trees"] as? [[String: Any]] else { throw fail("trees") }
        guard let info = model["tree_info"] as? [Any], info.count == trees.count,
              info.allSatisfy({ ($0 as? NSNumber).map { $0.intValue >= 0 && $0.intValue < max(1, classes) } ?? false }) else {
            throw fail("an output group for each tree")
        }
        // XGBoost trusts its arrays when predicting: a child out of range would read outside
        // them, so every tree is checked before a booster is built from it.
        self.trees = try trees.enumerated().map { number, tree in
            func numbers(_ key: String) -> [Double]? {
                (tree[key] as? [Any])?.compactMap { ($0 as? NSNumber)?.doubleValue }
            }
            guard let left = numbers("left_children"), let right = numbers("right_children"),
                  let indices = numbers("split_indices"), let gains = numbers("loss_changes"),
                  let conditions = numbers("split_conditions"), let defaults = numbers("default_left"),
                  let weights = numbers("base_weights"), !left.isEmpty,
                  [right, indices, gains, conditions, defaults, weights].allSatisfy({ $0.count == left.count }) else {
                throw fail("well-formed trees (tree \(number) has arrays of different lengths)")
            }
            // mlw trains no categorical splits; a model claiming one would need arrays it lacks.
            if let kinds = numbers("split_type"), kinds.contains(where: { $0 != 0 }) { throw fail("categorical splits") }
            let n = left.count
            return try (0..<n).compactMap { node -> (feature: Int, gain: Double)? in
                if left[node] == -1 && right[node] == -1 { return nil }
                guard left[node] > Double(node), right[node] > Double(node), left[node] < Double(n), right[node] < Double(n),
                      indices[node] >= 0, indices[node] < Double(features) else {
                    throw fail("well-formed trees (tree \(number) node \(node) points outside it)")
                }
                return (Int(indices[node]), gains[node])
            }
        }
    }

    /// Each feature's total split gain, summing to 1 (all 0 when no tree splits).
    func importances(featureCount p: Int) -> [Double] {
        var gain = [Double](repeating: 0, count: p)
        for tree in trees { for split in tree where (0..<p).contains(split.feature) { gain[split.feature] += split.gain } }
        let total = gain.reduce(0, +)
        return gain.map { total > 0 ? $0 / total : 0 }
    }
}
