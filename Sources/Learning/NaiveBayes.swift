import Foundation
import Tabular

/// Naive Bayes, as scikit-learn's `GaussianNB` for number features and `CategoricalNB` for
/// one-hot encoded text columns: each class's number features taken as independent normals
/// with the class's mean and variance (every variance widened by `var_smoothing` × the
/// largest of their variances, so a constant feature cannot divide by zero); each encoded
/// column as one categorical variable whose level probabilities within a class are
/// (count + alpha) / (class rows + alpha × levels); the class priors their share of the
/// training rows. A row's class probabilities are the priors times the likelihoods,
/// normalised in log space. A level no indicator shows (a dropped or unseen one) is a level
/// of its own.
///
/// - Complexity: fitting is one pass over the rows, O(rows × features); predicting is
///   O(rows × classes × features).
public struct NaiveBayes: Estimator {
    public static let name = "naive_bayes"
    public static let summary = "naive Bayes: Gaussian for numbers, categorical for one-hot encoded columns"
    public static let tasks: [Task] = [.classification]
    public static let settings = SettingsSchema([
        SettingSpec("var_smoothing", "share of the largest feature variance added to every variance, for stability",
                    forms: [.number(0...1)], default: .value(.number(1e-9))),
        SettingSpec("alpha", "additive (Laplace) smoothing of the level counts of one-hot encoded columns",
                    forms: [.number(0...1e9)], default: .value(.number(1))),
    ])

    public var varSmoothing: Double
    public var alpha: Double

    public static func searchSpace(for task: Task) -> [SearchDimension] {
        [SearchDimension(key: "var_smoothing", values: .range(low: .number(1e-12), high: .number(0.1)))]
    }

    public init(_ settings: Settings) {
        varSmoothing = settings.number("var_smoothing")
        alpha = settings["alpha"] == nil ? 1 : settings.number("alpha")
    }

    public func fit(_ data: TrainingData) throws -> Fit<Model> {
        guard data.target != nil else { throw LearningError("naive_bayes predicts classes; choose a target with 'target COLUMN'") }
        let (labels, k) = try data.classes(for: Self.name)
        guard data.features.count > 0 else { throw LearningError("there are no features") }
        if data.isCancelled() { throw CancelledOptimization() }
        let x = data.designMatrix()
        let n = x.rows, p = x.columns
        var counts = [Double](repeating: 0, count: k)
        var means = [Double](repeating: 0, count: k * p)
        for i in 0..<n {
            let c = labels[i]
            counts[c] += 1
            for j in 0..<p { means[c * p + j] += x.values[i * p + j] }
        }
        for c in 0..<k where counts[c] > 0 { for j in 0..<p { means[c * p + j] /= counts[c] } }
        // Two passes (centred), as scikit-learn's, so large offsets do not cancel.
        var variances = [Double](repeating: 0, count: k * p)
        for i in 0..<n {
            let c = labels[i]
            for j in 0..<p {
                let d = x.values[i * p + j] - means[c * p + j]
                variances[c * p + j] += d * d
            }
        }
        for c in 0..<k where counts[c] > 0 { for j in 0..<p { variances[c * p + j] /= counts[c] } }
        // Encoded columns whose indicators are 0/1 with at most one set in a row are categorical.
        let groups = data.categoricalGroups.filter { group in
            (0..<n).allSatisfy { i in
                var ones = 0
                for j in group {
                    let v = x.values[i * p + j]
                    guard v == 0 || v == 1 else { return false }
                    if v == 1 { ones += 1 }
                }
                return ones <= 1
            }
        }
        let grouped = Set(groups.joined())
        // The largest variance of the number features over all the rows sets the smoothing's scale.
        let deviations = x.columnMeansAndDeviations().deviations
        let largest = (0..<p).filter { !grouped.contains($0) }.reduce(0) { max($0, deviations[$1] * deviations[$1]) }
        let epsilon = varSmoothing * largest
        guard epsilon > 0 || (0..<k).allSatisfy({ c in (0..<p).allSatisfy { grouped.contains($0) || variances[c * p + $0] > 0 } }) else {
            throw LearningError("a feature is constant within a class and var_smoothing is 0, so its density is undefined",
                                help: "leave var_smoothing at its default (1e-9)")
        }
        // Per group and class, the log-probability of each level: its indicators', then none of them.
        var levelLogProbabilities: [[Double]] = []
        for group in groups {
            let levels = group.count + 1
            var levelCounts = [Double](repeating: 0, count: k * levels)
            for i in 0..<n {
                let level = group.firstIndex { x.values[i * p + $0] == 1 } ?? group.count
                levelCounts[labels[i] * levels + level] += 1
            }
            // As CategoricalNB: the levels the training rows have.
            let seen = Double((0..<levels).filter { l in (0..<k).contains { levelCounts[$0 * levels + l] > 0 } }.count)
            levelLogProbabilities.append((0..<k * levels).map { t in
                log((levelCounts[t] + alpha) / (counts[t / levels] + alpha * seen))
            })
        }
        guard levelLogProbabilities.allSatisfy({ $0.allSatisfy(\.isFinite) }) else {
            throw LearningError("a level of a one-hot encoded column has no rows in a class and alpha is 0, so its probability is 0",
                                help: "leave alpha at its default (1)")
        }
        let priors = counts.map { $0 / Double(n) }
        return Fit(Model(classCount: k, priors: priors, means: means, variances: variances.map { $0 + epsilon }, featureCount: p,
                         categoricalGroups: groups.isEmpty ? nil : groups, levelLogProbabilities: groups.isEmpty ? nil : levelLogProbabilities))
    }

    public struct Model: FittedModel {
        public var classCount: Int
        public var priors: [Double]
        /// Row-major `classCount × features`.
        public var means: [Double]
        public var variances: [Double]
        public var featureCount: Int
        /// The features of each one-hot encoded column modelled as one categorical variable
        /// (nil: every feature Gaussian, as in models from before categorical columns).
        public var categoricalGroups: [[Int]]?
        /// Per group, row-major `classCount × (indicators + 1)`: each level's log-probability
        /// within each class, the last level "none of the indicators".
        public var levelLogProbabilities: [[Double]]?

        enum CodingKeys: String, CodingKey {
            case priors, means, variances
            case classCount = "class_count", featureCount = "feature_count"
            case categoricalGroups = "categorical_groups", levelLogProbabilities = "level_log_probabilities"
        }

        /// The features modelled as normals, in order.
        var gaussianFeatures: [Int] {
            let grouped = Set((categoricalGroups ?? []).joined())
            return (0..<featureCount).filter { !grouped.contains($0) }
        }

        public var task: Task { .classification }

        /// Class probabilities, row-major; classes no training row had get 0.
        public func predict(_ x: DesignMatrix) -> Prediction {
            let k = classCount, p = featureCount
            let gaussian = gaussianFeatures, groups = categoricalGroups ?? [], levelLogs = levelLogProbabilities ?? []
            let logNorm = (0..<k).map { c in gaussian.reduce(0) { $0 - 0.5 * log(2 * .pi * variances[c * p + $1]) } }
            let logPrior = priors.map { $0 > 0 ? log($0) : -Double.infinity }
            let blocks = ParallelRows.blocks(x.rows)
            let out = Parallel.map(blocks) { block -> [Double] in
                var result = [Double](repeating: 0, count: block.count * k)
                var scores = [Double](repeating: 0, count: k)
                for (b, i) in block.enumerated() {
                    for c in 0..<k {
                        var s = logPrior[c] + logNorm[c]
                        for j in gaussian {
                            let d = x.values[i * p + j] - means[c * p + j]
                            s -= 0.5 * d * d / variances[c * p + j]
                        }
                        for (g, group) in groups.enumerated() {
                            let level = group.firstIndex { x.values[i * p + $0] > 0.5 } ?? group.count
                            s += levelLogs[g][c * (group.count + 1) + level]
                        }
                        scores[c] = s
                    }
                    let top = scores.max()!
                    var total = 0.0
                    for c in 0..<k { let e = scores[c] == -.infinity ? 0 : exp(scores[c] - top); result[b * k + c] = e; total += e }
                    for c in 0..<k { result[b * k + c] /= total }
                }
                return result
            }.flatMap { $0 }
            return .classes(probabilities: out, classCount: k)
        }

        public func combine(into hasher: inout FingerprintHasher) {
            for v in priors + means + variances { hasher.combine(v) }
            for group in categoricalGroups ?? [] { for j in group { hasher.combine(UInt64(j)) } }
            for v in (levelLogProbabilities ?? []).joined() { hasher.combine(v) }
        }

        public var isFinite: Bool { (priors + means + variances + (levelLogProbabilities ?? []).joined()).allSatisfy(\.isFinite) }

        public func check(featureCount p: Int, classCount classes: Int) throws {
            // The class count first: it comes from a file, and multiplies below.
            guard classCount == classes, priors.count == classes else {
                throw LearningError("has \(priors.count) priors, but manifest.json lists \(Plural.count(classes, "class"))")
            }
            guard featureCount == p, means.count == classCount * p, variances.count == classCount * p else {
                throw LearningError("has \(means.count) means and \(variances.count) variances, but manifest.json lists \(Plural.count(p, "feature")) and \(Plural.count(classes, "class"))")
            }
            guard variances.allSatisfy({ $0 > 0 }), priors.allSatisfy({ $0 >= 0 && $0 <= 1 }) else {
                throw LearningError("has a variance of 0 or less, or a prior outside 0 to 1")
            }
            let groups = categoricalGroups ?? []
            guard groups.count == (levelLogProbabilities ?? []).count else {
                throw LearningError("has \(groups.count) categorical groups but \((levelLogProbabilities ?? []).count) tables of level probabilities")
            }
            var seen = Set<Int>()
            for (g, group) in groups.enumerated() {
                guard !group.isEmpty, group.allSatisfy({ (0..<p).contains($0) && seen.insert($0).inserted }) else {
                    throw LearningError("has a categorical group that is empty, repeats a feature or names one beyond the \(Plural.count(p, "feature"))")
                }
                let (size, overflow) = classes.multipliedReportingOverflow(by: group.count + 1)
                guard !overflow, levelLogProbabilities![g].count == size, levelLogProbabilities![g].allSatisfy({ $0 <= 0 }) else {
                    throw LearningError("has level probabilities for group \(g + 1) that do not fit its \(Plural.count(group.count, "feature")) and \(Plural.count(classes, "class"))")
                }
            }
        }

        public var summary: String? {
            let groups = categoricalGroups?.count ?? 0
            return Plural.count(classCount, "class") + (groups > 0 ? ", \(Plural.count(groups, "categorical column"))" : "")
        }

        public func learnedValues(features: [String], classes: [String]) -> LearnedValues? {
            let p = featureCount
            return LearnedValues(headers: ["feature"] + classes.flatMap { ["\($0) mean", "\($0) sd"] },
                                 rows: [["(prior)"] + priors.flatMap { [NumberFormatting.significant($0, digits: 4), ""] }]
                                    + features.indices.map { j in
                                        [features[j]] + (0..<classCount).flatMap { c in
                                            [NumberFormatting.significant(means[c * p + j], digits: 4), NumberFormatting.significant(variances[c * p + j].squareRoot(), digits: 4)]
                                        }
                                    },
                                 note: "each class's prior, and each feature's mean and standard deviation within it (variance smoothed)"
                                    + ((categoricalGroups ?? []).isEmpty ? "" : "; an indicator's mean is its level's share of the class's rows, modelled with alpha smoothing"))
        }
    }
}
