import Foundation
import Tabular

/// Gaussian naive Bayes, as scikit-learn's `GaussianNB`: each class's features taken as
/// independent normals with the class's mean and variance (every variance widened by
/// `var_smoothing` × the largest feature variance, so a constant feature cannot divide by
/// zero), the class priors their share of the training rows. A row's class probabilities
/// are the priors times the normal densities, normalised in log space.
///
/// - Complexity: fitting is one pass over the rows, O(rows × features); predicting is
///   O(rows × classes × features).
public struct NaiveBayes: Estimator {
    public static let name = "naive_bayes"
    public static let summary = "Gaussian naive Bayes (each class's features as independent normals)"
    public static let tasks: [Task] = [.classification]
    public static let settings = SettingsSchema([
        SettingSpec("var_smoothing", "share of the largest feature variance added to every variance, for stability",
                    forms: [.number(0...1)], default: .value(.number(1e-9))),
    ])

    public var varSmoothing: Double

    public static func searchSpace(for task: Task) -> [SearchDimension] {
        [SearchDimension(key: "var_smoothing", values: .range(low: .number(1e-12), high: .number(0.1)))]
    }

    public init(_ settings: Settings) {
        varSmoothing = settings.number("var_smoothing")
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
        // The largest variance of any feature over all the rows sets the smoothing's scale.
        let largest = x.columnMeansAndDeviations().deviations.reduce(0) { max($0, $1 * $1) }
        let epsilon = varSmoothing * largest
        guard epsilon > 0 || variances.allSatisfy({ $0 > 0 }) else {
            throw LearningError("a feature is constant within a class and var_smoothing is 0, so its density is undefined",
                                help: "leave var_smoothing at its default (1e-9)")
        }
        let priors = counts.map { $0 / Double(n) }
        return Fit(Model(classCount: k, priors: priors, means: means, variances: variances.map { $0 + epsilon }, featureCount: p))
    }

    public struct Model: FittedModel {
        public var classCount: Int
        public var priors: [Double]
        /// Row-major `classCount × features`.
        public var means: [Double]
        public var variances: [Double]
        public var featureCount: Int

        enum CodingKeys: String, CodingKey {
            case priors, means, variances
            case classCount = "class_count", featureCount = "feature_count"
        }

        public var task: Task { .classification }

        /// Class probabilities, row-major; classes no training row had get 0.
        public func predict(_ x: DesignMatrix) -> Prediction {
            let k = classCount, p = featureCount
            let logNorm = (0..<k).map { c in (0..<p).reduce(0) { $0 - 0.5 * log(2 * .pi * variances[c * p + $1]) } }
            let logPrior = priors.map { $0 > 0 ? log($0) : -Double.infinity }
            let blocks = ParallelRows.blocks(x.rows)
            let out = Parallel.map(blocks) { block -> [Double] in
                var result = [Double](repeating: 0, count: block.count * k)
                var scores = [Double](repeating: 0, count: k)
                for (b, i) in block.enumerated() {
                    for c in 0..<k {
                        var s = logPrior[c] + logNorm[c]
                        for j in 0..<p {
                            let d = x.values[i * p + j] - means[c * p + j]
                            s -= 0.5 * d * d / variances[c * p + j]
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
        }

        public var isFinite: Bool { (priors + means + variances).allSatisfy(\.isFinite) }

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
        }

        public var summary: String? { Plural.count(classCount, "class") }

        public func learnedValues(features: [String], classes: [String]) -> LearnedValues? {
            let p = featureCount
            return LearnedValues(headers: ["feature"] + classes.flatMap { ["\($0) mean", "\($0) sd"] },
                                 rows: [["(prior)"] + priors.flatMap { [NumberFormatting.significant($0, digits: 4), ""] }]
                                    + features.indices.map { j in
                                        [features[j]] + (0..<classCount).flatMap { c in
                                            [NumberFormatting.significant(means[c * p + j], digits: 4), NumberFormatting.significant(variances[c * p + j].squareRoot(), digits: 4)]
                                        }
                                    },
                                 note: "each class's prior, and each feature's mean and standard deviation within it (variance smoothed)")
        }
    }
}
