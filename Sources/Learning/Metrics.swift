import Tabular

/// Evaluation metrics on a test partition, with scikit-learn's definitions.
public enum Metrics {
    /// Names of the metrics each task reports, in display order.
    public static func names(for task: Task) -> [String] {
        task == .classification ? ["accuracy", "f1_macro", "auc"] : ["rmse", "mae", "r2"]
    }

    /// Whether a larger value of the metric is better (for goals and model ranking).
    public static func higherIsBetter(_ metric: String) -> Bool {
        !["rmse", "mae"].contains(metric)
    }

    public static let allNames = ["accuracy", "f1_macro", "auc", "rmse", "mae", "r2"]

    /// Share of rows whose predicted class is the true one.
    public static func accuracy(truth: [Int], predicted: [Int]) -> Double {
        guard !truth.isEmpty else { return .nan }
        return Double(zip(truth, predicted).filter { $0 == $1 }.count) / Double(truth.count)
    }

    /// Unweighted mean of per-class F1 over the classes present in truth or predictions
    /// (an F1 with no true positives counts as 0).
    public static func f1Macro(truth: [Int], predicted: [Int], classCount: Int) -> Double {
        var tp = [Int](repeating: 0, count: classCount), fp = tp, fn = tp
        for (t, p) in zip(truth, predicted) {
            if t == p { tp[t] += 1 } else { fp[p] += 1; fn[t] += 1 }
        }
        var total = 0.0, present = 0
        for k in 0..<classCount where tp[k] + fp[k] + fn[k] > 0 {
            present += 1
            let denominator = Double(2 * tp[k] + fp[k] + fn[k])
            total += denominator > 0 ? Double(2 * tp[k]) / denominator : 0
        }
        return present > 0 ? total / Double(present) : .nan
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
