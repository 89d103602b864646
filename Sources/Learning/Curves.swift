import Foundation

/// The curves of a classifier's scores against the truth, with scikit-learn's definitions
/// (`roc_curve`, `precision_recall_curve`, `average_precision_score`, `calibration_curve`,
/// `brier_score_loss`): one point per distinct score, equal scores taken together.
public enum Curves {
    /// A point of the ROC curve: the share of negatives and of positives scored at least `threshold`.
    public struct ROCPoint: Sendable, Equatable {
        public var threshold: Double
        public var falsePositiveRate: Double
        public var truePositiveRate: Double
    }

    /// A point of the precision-recall curve at a threshold.
    public struct PRPoint: Sendable, Equatable {
        public var threshold: Double
        public var precision: Double
        public var recall: Double
    }

    /// Counts of positives and negatives scored at least each distinct score, highest first.
    static func cumulativeCounts(positive: [Bool], scores: [Double]) -> [(threshold: Double, tp: Double, fp: Double)] {
        let order = scores.indices.sorted { scores[$0] > scores[$1] }
        var result: [(Double, Double, Double)] = []
        var tp = 0.0, fp = 0.0
        for (k, row) in order.enumerated() {
            if positive[row] { tp += 1 } else { fp += 1 }
            // Equal scores are one threshold: emit once the last of them is counted.
            if k + 1 == order.count || scores[order[k + 1]] != scores[row] { result.append((scores[row], tp, fp)) }
        }
        return result
    }

    /// From (0, 0) at an infinite threshold to (1, 1).
    public static func roc(positive: [Bool], scores: [Double]) -> [ROCPoint] {
        let counts = cumulativeCounts(positive: positive, scores: scores)
        let p = Double(positive.filter { $0 }.count), n = Double(positive.count) - p
        return [ROCPoint(threshold: .infinity, falsePositiveRate: 0, truePositiveRate: 0)]
            + counts.map { ROCPoint(threshold: $0.threshold, falsePositiveRate: n > 0 ? $0.fp / n : 0, truePositiveRate: p > 0 ? $0.tp / p : 0) }
    }

    /// The area under the ROC curve by the trapezoid rule (equal to `Metrics.auc` for two classes).
    public static func area(_ curve: [ROCPoint]) -> Double {
        zip(curve, curve.dropFirst()).reduce(0) { $0 + ($1.1.falsePositiveRate - $1.0.falsePositiveRate) * ($1.1.truePositiveRate + $1.0.truePositiveRate) / 2 }
    }

    /// Precision and recall at each distinct score, from the highest threshold down.
    public static func precisionRecall(positive: [Bool], scores: [Double]) -> [PRPoint] {
        let p = Double(positive.filter { $0 }.count)
        return cumulativeCounts(positive: positive, scores: scores).map {
            PRPoint(threshold: $0.threshold, precision: $0.tp / ($0.tp + $0.fp), recall: p > 0 ? $0.tp / p : 0)
        }
    }

    /// Σ (Rₙ − Rₙ₋₁) Pₙ over the thresholds: the step-wise area scikit-learn reports.
    public static func averagePrecision(_ curve: [PRPoint]) -> Double {
        var previous = 0.0, sum = 0.0
        for point in curve {
            sum += (point.recall - previous) * point.precision
            previous = point.recall
        }
        return sum
    }

    /// One bin of a reliability diagram: its rows, their mean predicted probability and
    /// the share of them that were positive.
    public struct CalibrationBin: Sendable, Equatable {
        public var low: Double, high: Double
        public var count: Int
        public var meanPredicted: Double
        public var observed: Double
    }

    /// Probabilities in `bins` equal bins of 0..1 (the last closed); empty bins left out.
    public static func calibration(positive: [Bool], probabilities: [Double], bins: Int) -> [CalibrationBin] {
        var count = [Int](repeating: 0, count: bins), predicted = [Double](repeating: 0, count: bins), hits = predicted
        for (isPositive, p) in zip(positive, probabilities) {
            let bin = min(bins - 1, max(0, Int(p * Double(bins))))
            count[bin] += 1
            predicted[bin] += p
            if isPositive { hits[bin] += 1 }
        }
        return (0..<bins).filter { count[$0] > 0 }.map { b in
            CalibrationBin(low: Double(b) / Double(bins), high: Double(b + 1) / Double(bins), count: count[b],
                           meanPredicted: predicted[b] / Double(count[b]), observed: hits[b] / Double(count[b]))
        }
    }

    /// The mean squared difference between the probability and the outcome (0 or 1).
    public static func brier(positive: [Bool], probabilities: [Double]) -> Double {
        guard !positive.isEmpty else { return .nan }
        return zip(positive, probabilities).reduce(0) { $0 + ($1.1 - ($1.0 ? 1 : 0)) * ($1.1 - ($1.0 ? 1 : 0)) } / Double(positive.count)
    }
}
