import CKernels
import Foundation
import Tabular

/// Evaluation metrics on a test partition, with scikit-learn's definitions.
public enum Metrics {
    /// Names of the metrics each task reports, in display order.
    public static func names(for task: Task) -> [String] {
        switch task {
        case .classification: return classificationNames
        case .regression: return regressionNames
        case .clustering: return clusteringNames
        }
    }

    /// The few metrics a one-line summary shows (`show`, `leaderboard`).
    public static func headline(for task: Task) -> [String] {
        switch task {
        case .classification: return ["accuracy", "f1_macro", "auc", "log_loss"]
        case .regression: return regressionNames
        case .clustering: return clusteringNames
        }
    }

    static let classificationNames = ["accuracy", "balanced_accuracy", "f1_macro", "f1_weighted", "precision_macro", "precision_weighted",
                                      "recall_macro", "recall_weighted", "auc", "log_loss", "mcc", "precision", "recall", "f1"]
    /// Of the positive class, so two-class models only (`target … positive=`, else the second class).
    public static let positiveClassNames = ["precision", "recall", "f1"]
    static let regressionNames = ["rmse", "mae", "r2", "mape"]
    static let clusteringNames = ["silhouette", "inertia"]

    /// Whether a larger value of the metric is better (for goals and model ranking).
    public static func higherIsBetter(_ metric: String) -> Bool {
        !["rmse", "mae", "log_loss", "mape", "inertia"].contains(metric)
    }

    /// The metric a task is ranked by when none is named (nor a goal's).
    public static func defaultName(for task: Task) -> String {
        switch task {
        case .classification: return "accuracy"
        case .regression: return "rmse"
        case .clustering: return "silhouette"
        }
    }

    public static let allNames = classificationNames + regressionNames + clusteringNames

    /// The within-cluster sum of squares: each row's squared distance to the mean of its
    /// cluster's rows (for k-means on its training rows, its inertia).
    /// - Complexity: O(rows × features), in blocks of rows in parallel (fixed blocks, added
    ///   in order: the same bits on any number of cores).
    public static func inertia(_ x: DesignMatrix, clusters: [Int]) -> Double {
        let p = x.columns
        // Cluster numbers index arrays (they run from 0); any other number is refused as NaN.
        guard let top = clusters.max(), clusters.allSatisfy({ $0 >= 0 }), top < max(1, clusters.count) else { return clusters.isEmpty ? 0 : .nan }
        var means = [Double](repeating: 0, count: (top + 1) * p), counts = [Int](repeating: 0, count: top + 1)
        x.values.withUnsafeBufferPointer { mlw_cluster_sums($0.baseAddress, clusters.count, p, clusters, top + 1, &means, &counts) }
        for c in 0...top where counts[c] > 0 {
            for j in 0..<p { means[c * p + j] /= Double(counts[c]) }
        }
        let blocks = x.values.withUnsafeBufferPointer { v in
            Parallel.map(ParallelRows.blocks(clusters.count, size: 4096)) { block -> Double in
                var total = 0.0
                for i in block {
                    let c = clusters[i]
                    for j in 0..<p { let d = v[i * p + j] - means[c * p + j]; total += d * d }
                }
                return total
            }
        }
        return blocks.reduce(0, +)
    }

    /// Rows the silhouette is computed over at most (evenly spaced): it is O(rows²).
    public static let silhouetteRows = 2000

    /// scikit-learn's `silhouette_score` (euclidean): per row, (b − a) / max(a, b), a its mean
    /// distance to its own cluster's other rows, b to the nearest other cluster's rows; 0 for
    /// a row alone in its cluster; NaN with fewer than 2 clusters. Over at most
    /// `silhouetteRows` evenly spaced rows.
    public static func silhouette(_ x: DesignMatrix, clusters: [Int]) -> Double {
        let n = x.rows, p = x.columns
        let rows = n > silhouetteRows ? (0..<silhouetteRows).map { $0 * n / silhouetteRows } : Array(0..<n)
        let labels = Array(Set(rows.map { clusters[$0] })).sorted()
        guard labels.count >= 2, labels.count < rows.count else { return .nan }
        let index = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
        let group = rows.map { index[clusters[$0]]! }
        var sizes = [Int](repeating: 0, count: labels.count)
        for g in group { sizes[g] += 1 }
        // Every pair's distance, each pair once (the triangle's quads dealt to threads in turn).
        let sample = rows.flatMap { x.values[($0 * p)..<(($0 + 1) * p)] }
        let m = rows.count
        var packed = [Double](repeating: 0, count: (m + 3) / 4 * p * 4)
        mlw_pack_centres(sample, m, p, &packed)
        var distance = [Double](repeating: 0, count: m * m)
        let threads = max(1, ProcessInfo.processInfo.activeProcessorCount) * 4
        distance.withUnsafeMutableBufferPointer { out in
            let base = out.baseAddress!
            _ = Parallel.map(threads) { first in mlw_pairwise_distances(sample, m, p, packed, first, threads, base) }
        }
        let scores = Parallel.map(m) { a -> Double in
            var sums = [Double](repeating: 0, count: labels.count)
            for b in 0..<m where b != a { sums[group[b]] += distance[a * m + b] }
            let own = group[a]
            guard sizes[own] > 1 else { return 0 }
            let inside = sums[own] / Double(sizes[own] - 1)
            let nearest = (0..<labels.count).filter { $0 != own }.map { sums[$0] / Double(sizes[$0]) }.min()!
            return (nearest - inside) / max(inside, nearest)
        }
        return scores.reduce(0, +) / Double(scores.count)
    }

    /// Per class: true positives, false positives, false negatives and support (true count).
    static func confusionCounts(truth: [Int], predicted: [Int], classCount: Int) -> (tp: [Double], fp: [Double], fn: [Double]) {
        var tp = [Double](repeating: 0, count: classCount), fp = tp, fn = tp
        for (t, p) in zip(truth, predicted) {
            if t == p { tp[t] += 1 } else { fp[p] += 1; fn[t] += 1 }
        }
        return (tp, fp, fn)
    }

    /// How per-class scores are averaged: unweighted over the classes present in truth or
    /// predictions (`macro`), or weighted by each class's support (`weighted`).
    public enum Average: Sendable { case macro, weighted }

    /// Precision, recall or F1 averaged over classes, as scikit-learn's
    /// `precision_recall_fscore_support` (a score whose denominator is 0 counts as 0).
    public static func classScore(_ score: (ClassCounts) -> Double, truth: [Int], predicted: [Int],
                                  classCount: Int, average: Average) -> Double {
        let (tp, fp, fn) = confusionCounts(truth: truth, predicted: predicted, classCount: classCount)
        var total = 0.0, weight = 0.0
        for k in 0..<classCount where tp[k] + fp[k] + fn[k] > 0 {
            let w = average == .macro ? 1 : tp[k] + fn[k]
            total += w * score(ClassCounts(tp: tp[k], fp: fp[k], fn: fn[k]))
            weight += w
        }
        return weight > 0 ? total / weight : .nan
    }

    /// One class's true positives, false positives and false negatives.
    public struct ClassCounts: Sendable {
        public var tp: Double, fp: Double, fn: Double

        public init(tp: Double, fp: Double, fn: Double) {
            (self.tp, self.fp, self.fn) = (tp, fp, fn)
        }
    }

    /// Precision, recall and F1 of one class (`positiveClassNames`), as scikit-learn's
    /// `precision_score(…, pos_label=)` and its siblings (0 where they divide by 0).
    public static func positiveClassScores(truth: [Int], predicted: [Int], classCount: Int, positive: Int) -> [(name: String, value: Double)] {
        let (tp, fp, fn) = confusionCounts(truth: truth, predicted: predicted, classCount: classCount)
        let counts = ClassCounts(tp: tp[positive], fp: fp[positive], fn: fn[positive])
        return [("precision", precision(counts)), ("recall", recall(counts)), ("f1", f1(counts))]
    }

    public static func precision(_ c: ClassCounts) -> Double { c.tp + c.fp > 0 ? c.tp / (c.tp + c.fp) : 0 }
    public static func recall(_ c: ClassCounts) -> Double { c.tp + c.fn > 0 ? c.tp / (c.tp + c.fn) : 0 }
    public static func f1(_ c: ClassCounts) -> Double {
        2 * c.tp + c.fp + c.fn > 0 ? 2 * c.tp / (2 * c.tp + c.fp + c.fn) : 0
    }

    /// The mean of each true class's recall (classes absent from the truth left out).
    public static func balancedAccuracy(truth: [Int], predicted: [Int], classCount: Int) -> Double {
        let (tp, _, fn) = confusionCounts(truth: truth, predicted: predicted, classCount: classCount)
        let present = (0..<classCount).filter { tp[$0] + fn[$0] > 0 }
        guard !present.isEmpty else { return .nan }
        return present.reduce(0) { $0 + tp[$1] / (tp[$1] + fn[$1]) } / Double(present.count)
    }

    /// Mean negative log-probability of the true class, probabilities clipped to
    /// [ε, 1 − ε] (ε the double's machine epsilon) and each row renormalised, as
    /// scikit-learn's `log_loss`.
    public static func logLoss(truth: [Int], probabilities: [Double], classCount: Int) -> Double {
        guard !truth.isEmpty else { return .nan }
        let epsilon = Double.ulpOfOne
        var total = 0.0
        for (row, t) in truth.enumerated() {
            var sum = 0.0
            for k in 0..<classCount { sum += min(max(probabilities[row * classCount + k], epsilon), 1 - epsilon) }
            let p = min(max(probabilities[row * classCount + t], epsilon), 1 - epsilon) / sum
            total -= log(p)
        }
        return total / Double(truth.count)
    }

    /// Matthews correlation coefficient, multiclass (Gorodkin's R_K), as scikit-learn's
    /// `matthews_corrcoef`; 0 when a denominator is 0.
    public static func mcc(truth: [Int], predicted: [Int], classCount: Int) -> Double {
        guard !truth.isEmpty else { return .nan }
        var t = [Double](repeating: 0, count: classCount), p = t
        var correct = 0.0
        for (a, b) in zip(truth, predicted) { t[a] += 1; p[b] += 1; if a == b { correct += 1 } }
        let s = Double(truth.count)
        let covariance = correct * s - zip(t, p).reduce(0) { $0 + $1.0 * $1.1 }
        let predictedSpread = s * s - p.reduce(0) { $0 + $1 * $1 }
        let trueSpread = s * s - t.reduce(0) { $0 + $1 * $1 }
        guard predictedSpread > 0, trueSpread > 0 else { return 0 }
        return covariance / (predictedSpread * trueSpread).squareRoot()
    }

    /// Mean absolute percentage error, |y − ŷ| / max(|y|, ε), as a fraction (scikit-learn's
    /// `mean_absolute_percentage_error`).
    public static func mape(truth: [Double], predicted: [Double]) -> Double {
        guard !truth.isEmpty else { return .nan }
        var sum = 0.0
        for (t, p) in zip(truth, predicted) { sum += abs(t - p) / max(abs(t), Double.ulpOfOne) }
        return sum / Double(truth.count)
    }

    /// Share of rows whose predicted class is the true one.
    public static func accuracy(truth: [Int], predicted: [Int]) -> Double {
        guard !truth.isEmpty else { return .nan }
        return Double(zip(truth, predicted).filter { $0 == $1 }.count) / Double(truth.count)
    }

    /// Unweighted mean of per-class F1 over the classes present in truth or predictions
    /// (an F1 with no true positives counts as 0).
    public static func f1Macro(truth: [Int], predicted: [Int], classCount: Int) -> Double {
        classScore(f1, truth: truth, predicted: predicted, classCount: classCount, average: .macro)
    }

    /// Area under the ROC curve: binary on the second class's probability; with more
    /// classes the unweighted mean of one-vs-rest AUCs. Ties get average ranks
    /// (the Mann–Whitney statistic). NaN when a class needed is absent.
    public static func auc(truth: [Int], probabilities: [Double], classCount: Int) -> Double {
        let n = truth.count
        if classCount == 2 {
            return binaryAUC(positives: truth.map { $0 == 1 }, scores: (0..<n).map { probabilities[$0 * 2 + 1] })
        }
        var total = 0.0
        for k in 0..<classCount {
            let value = binaryAUC(positives: truth.map { $0 == k }, scores: (0..<n).map { probabilities[$0 * classCount + k] })
            if value.isNaN { return .nan }
            total += value
        }
        return total / Double(classCount)
    }

    static func binaryAUC(positives: [Bool], scores: [Double]) -> Double {
        // Ties share their average rank; a NaN score gets none, so the AUC is NaN, not arbitrary.
        let ranks = Correlation.ranks(scores)
        let positiveCount = positives.filter { $0 }.count
        let negativeCount = positives.count - positiveCount
        guard positiveCount > 0, negativeCount > 0 else { return .nan }
        var rankSum = 0.0
        for (index, isPositive) in positives.enumerated() where isPositive { rankSum += ranks[index] }
        let u = rankSum - Double(positiveCount * (positiveCount + 1)) / 2
        return u / (Double(positiveCount) * Double(negativeCount))
    }

    /// Root mean squared error.
    public static func rmse(truth: [Double], predicted: [Double]) -> Double {
        guard !truth.isEmpty else { return .nan }
        var sum = 0.0
        for (t, p) in zip(truth, predicted) { sum += (t - p) * (t - p) }
        return (sum / Double(truth.count)).squareRoot()
    }

    /// Mean absolute error.
    public static func mae(truth: [Double], predicted: [Double]) -> Double {
        guard !truth.isEmpty else { return .nan }
        var sum = 0.0
        for (t, p) in zip(truth, predicted) { sum += abs(t - p) }
        return sum / Double(truth.count)
    }

    /// Coefficient of determination, 1 − SSres/SStot.
    public static func r2(truth: [Double], predicted: [Double]) -> Double {
        guard truth.count > 1 else { return .nan }
        let mean = truth.reduce(0, +) / Double(truth.count)
        var residual = 0.0, total = 0.0
        for (t, p) in zip(truth, predicted) { residual += (t - p) * (t - p); total += (t - mean) * (t - mean) }
        return total > 0 ? 1 - residual / total : .nan
    }
}
