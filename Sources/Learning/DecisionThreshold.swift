import Foundation

/// A binary classifier's decision rule: a row is the `positive` class when that class's
/// probability is at least `threshold`, else the other class. Without one, a classifier
/// predicts its most probable class (for two classes, the positive one from above 0.5).
public struct DecisionThreshold: Sendable, Equatable {
    /// Index of the positive class among the model's (two) classes.
    public var positive: Int
    public var threshold: Double

    public init(positive: Int, threshold: Double) {
        self.positive = positive
        self.threshold = threshold
    }

    /// The thresholds a decision can take: probabilities, so within 0...1.
    public static let range: ClosedRange<Double> = 0...1

    /// Each row's class under this rule (a two-class prediction), or the most probable.
    public static func classIndices(of prediction: Prediction, under rule: DecisionThreshold?) -> [Int] {
        guard let rule, case .classes(let probabilities, 2) = prediction else { return prediction.classIndices }
        return (0..<prediction.rowCount).map { probabilities[$0 * 2 + rule.positive] >= rule.threshold ? rule.positive : 1 - rule.positive }
    }
}

/// The decision metrics of a two-class classifier at every threshold of its scores, to
/// choose one (`threshold MODEL metric=…`).
public enum ThresholdSweep {
    /// Metrics a threshold can be chosen by: `f1` is the positive class's F1 (scikit-learn's
    /// `f1_score` on two classes); the others as `evaluate` shows them.
    public static let metrics = ["f1", "f1_macro", "accuracy", "balanced_accuracy", "mcc"]

    /// The confusion counts when every row scored at least `threshold` is called positive.
    public struct Point: Sendable, Equatable {
        public var threshold: Double
        public var truePositives: Double, falsePositives: Double, falseNegatives: Double, trueNegatives: Double

        /// One of `metrics`, by scikit-learn's definitions (0 where they divide by 0).
        public func value(of metric: String) -> Double {
            let (tp, fp, fn, tn) = (truePositives, falsePositives, falseNegatives, trueNegatives)
            func ratio(_ a: Double, _ b: Double) -> Double { b > 0 ? a / b : 0 }
            switch metric {
            case "f1": return ratio(2 * tp, 2 * tp + fp + fn)
            case "f1_macro": return (ratio(2 * tp, 2 * tp + fp + fn) + ratio(2 * tn, 2 * tn + fn + fp)) / 2
            case "accuracy": return ratio(tp + tn, tp + fp + fn + tn)
            case "balanced_accuracy": return (ratio(tp, tp + fn) + ratio(tn, tn + fp)) / 2
            case "mcc":
                let denominator = ((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn)).squareRoot()
                return ratio(tp * tn - fp * fn, denominator)
            case "precision": return ratio(tp, tp + fp)
            case "recall": return ratio(tp, tp + fn)
            default: return .nan
            }
        }
    }

    /// The confusion counts of decisions already made (`threshold` only labels them).
    public static func counts(positive: [Bool], called: [Bool], threshold: Double) -> Point {
        var p = Point(threshold: threshold, truePositives: 0, falsePositives: 0, falseNegatives: 0, trueNegatives: 0)
        for (truth, call) in zip(positive, called) {
            switch (truth, call) {
            case (true, true): p.truePositives += 1
            case (false, true): p.falsePositives += 1
            case (true, false): p.falseNegatives += 1
            case (false, false): p.trueNegatives += 1
            }
        }
        return p
    }

    /// One point per distinct score (equal scores decided together), from the highest
    /// threshold down, after a first point above every score (nothing called positive).
    /// - Complexity: O(n log n)
    public static func points(positive: [Bool], scores: [Double]) -> [Point] {
        let positives = Double(positive.filter { $0 }.count), negatives = Double(positive.count) - positives
        return [Point(threshold: .infinity, truePositives: 0, falsePositives: 0, falseNegatives: positives, trueNegatives: negatives)]
            + Curves.cumulativeCounts(positive: positive, scores: scores).map {
                Point(threshold: $0.threshold, truePositives: $0.tp, falsePositives: $0.fp, falseNegatives: positives - $0.tp, trueNegatives: negatives - $0.fp)
            }
    }

    /// The threshold that maximises `metric` over `points`, placed halfway between the
    /// score it first calls positive and the next lower one, so rows scored near a
    /// boundary are not decided by a hair; of equal bests, the one nearest 0.5 (the
    /// threshold a classifier has without one).
    public static func best(_ points: [Point], by metric: String) -> (threshold: Double, value: Double, index: Int)? {
        guard points.count >= 2 else { return nil }
        // Point k calls positive every score down to its own; any threshold between that
        // score and the next lower one (0 below the last) decides the rows the same way.
        func placed(_ k: Int) -> Double? {
            if k == 0 { return points[1].threshold < 1 ? (1 + points[1].threshold) / 2 : nil }
            let lower = k + 1 < points.count ? points[k + 1].threshold : 0
            return min(1, max(0, (points[k].threshold + lower) / 2))
        }
        var best: (threshold: Double, value: Double, index: Int)?
        for k in points.indices {
            let value = points[k].value(of: metric)
            guard value.isFinite, let threshold = placed(k) else { continue }
            if let current = best {
                if value < current.value || (value == current.value && abs(threshold - 0.5) >= abs(current.threshold - 0.5)) { continue }
            }
            best = (threshold, value, k)
        }
        return best
    }
}
