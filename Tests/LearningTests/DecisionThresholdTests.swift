import Tabular
import Testing
@testable import Learning

/// The threshold sweep's metrics are the metrics `evaluate` computes on the same decisions,
/// and the threshold it chooses is the best any threshold could do.
struct DecisionThresholdTests {
    /// Seeded scores rounded to two decimals (so many rows tie) and labels that follow them loosely.
    static func sample(seed: UInt64, rows: Int) -> (positive: [Bool], scores: [Double]) {
        var generator = SeededGenerator(seed: seed)
        var positive: [Bool] = [], scores: [Double] = []
        for _ in 0..<rows {
            let score = (Double.random(in: 0...1, using: &generator) * 100).rounded() / 100
            scores.append(score)
            positive.append(Double.random(in: 0...1, using: &generator) < 0.2 + 0.6 * score)
        }
        return (positive, scores)
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func everyPointAgreesWithTheMetricsOnItsDecisions(seed: UInt64) {
        let (positive, scores) = Self.sample(seed: seed, rows: 300)
        let truth = positive.map { $0 ? 1 : 0 }
        let points = ThresholdSweep.points(positive: positive, scores: scores)
        #expect(points.count == Set(scores).count + 1)
        for point in points {
            let called = scores.map { $0 >= point.threshold ? 1 : 0 }
            #expect(abs(point.value(of: "accuracy") - Metrics.accuracy(truth: truth, predicted: called)) < 1e-12)
            #expect(abs(point.value(of: "balanced_accuracy") - Metrics.balancedAccuracy(truth: truth, predicted: called, classCount: 2)) < 1e-12)
            #expect(abs(point.value(of: "f1_macro") - Metrics.f1Macro(truth: truth, predicted: called, classCount: 2)) < 1e-12)
            #expect(abs(point.value(of: "mcc") - Metrics.mcc(truth: truth, predicted: called, classCount: 2)) < 1e-12)
            #expect(point == ThresholdSweep.counts(positive: positive, called: called.map { $0 == 1 }, threshold: point.threshold))
        }
    }

    /// y = [0, 0, 1, 1, 1, 0, 1], s = [0.1, 0.4, 0.35, 0.8, 0.4, 0.7, 0.9]: from 0.4 up, five
    /// rows are called positive, three rightly (scikit-learn's f1_score: 2·3 / (2·3 + 2 + 1)).
    @Test func f1IsThePositiveClasssAsScikitLearns() {
        let positive = [0, 0, 1, 1, 1, 0, 1].map { $0 == 1 }
        let points = ThresholdSweep.points(positive: positive, scores: [0.1, 0.4, 0.35, 0.8, 0.4, 0.7, 0.9])
        let atPointFour = points.first { $0.threshold == 0.4 }!
        #expect(abs(atPointFour.value(of: "f1") - 2.0 / 3) < 1e-12)
        #expect(abs(atPointFour.value(of: "precision") - 0.6) < 1e-12 && abs(atPointFour.value(of: "recall") - 0.75) < 1e-12)
        // The same decisions with the first class positive: scikit-learn's pos_label=0 gives
        // precision 1/2, recall 1/3, f1 2/5.
        let scores = Metrics.positiveClassScores(truth: [0, 0, 1, 1, 1, 0, 1], predicted: [0, 1, 0, 1, 1, 1, 1], classCount: 2, positive: 0)
        #expect(scores.map(\.name) == Metrics.positiveClassNames)
        #expect(zip(scores.map(\.value), [0.5, 1.0 / 3, 0.4]).allSatisfy { abs($0 - $1) < 1e-12 })
        // Nothing called positive: scikit-learn's zero_division=0.
        #expect(points[0].value(of: "f1") == 0 && points[0].value(of: "precision") == 0)
    }

    @Test(arguments: ThresholdSweep.metrics)
    func theChosenThresholdIsAsGoodAsAnyAndDecidesAsItsPoint(metric: String) throws {
        let (positive, scores) = Self.sample(seed: 7, rows: 500)
        let points = ThresholdSweep.points(positive: positive, scores: scores)
        let best = try #require(ThresholdSweep.best(points, by: metric))
        // Halfway between two distinct scores: no row sits on it.
        #expect(!scores.contains(best.threshold))
        let called = scores.map { $0 >= best.threshold }
        let achieved = ThresholdSweep.counts(positive: positive, called: called, threshold: best.threshold).value(of: metric)
        #expect(abs(achieved - best.value) < 1e-12)
        #expect(points[best.index].value(of: metric) == best.value)
        // No threshold on a fine grid does better.
        for step in 0...1000 {
            let t = Double(step) / 1000
            let value = ThresholdSweep.counts(positive: positive, called: scores.map { $0 >= t }, threshold: t).value(of: metric)
            #expect(value <= best.value + 1e-12, "\(metric) \(value) at \(t) beats \(best.value) at \(best.threshold)")
        }
    }

    /// Separable scores leave a whole interval of perfect thresholds: the one nearest 0.5 wins.
    @Test func ofEqualBestsTheOneNearestAHalfIsChosen() throws {
        let positive = [false, false, true, true]
        let low = try #require(ThresholdSweep.best(ThresholdSweep.points(positive: positive, scores: [0.05, 0.1, 0.2, 0.3]), by: "f1"))
        #expect(abs(low.threshold - 0.15) < 1e-12 && low.value == 1)
        let wide = try #require(ThresholdSweep.best(ThresholdSweep.points(positive: positive, scores: [0.1, 0.2, 0.8, 0.9]), by: "accuracy"))
        #expect(abs(wide.threshold - 0.5) < 1e-12)
        // Every row scored alike: the only choices are all or nothing.
        let flat = try #require(ThresholdSweep.best(ThresholdSweep.points(positive: positive, scores: [0.5, 0.5, 0.5, 0.5]), by: "f1"))
        #expect(flat.threshold == 0.25 && flat.value == 2.0 / 3)
    }

    @Test func aRuleDecidesTwoClassPredictionsOnly() {
        let two = Prediction.classes(probabilities: [0.7, 0.3, 0.45, 0.55, 0.9, 0.1], classCount: 2)
        #expect(DecisionThreshold.classIndices(of: two, under: nil) == [0, 1, 0])
        #expect(DecisionThreshold.classIndices(of: two, under: DecisionThreshold(positive: 1, threshold: 0.25)) == [1, 1, 0])
        #expect(DecisionThreshold.classIndices(of: two, under: DecisionThreshold(positive: 0, threshold: 0.8)) == [1, 1, 0])
        let three = Prediction.classes(probabilities: [0.2, 0.3, 0.5], classCount: 3)
        #expect(DecisionThreshold.classIndices(of: three, under: DecisionThreshold(positive: 1, threshold: 0.1)) == [2])
    }
}
