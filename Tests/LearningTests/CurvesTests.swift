import Testing
@testable import Learning

/// The curves against scikit-learn 1.9.1 on a small case with a tie (two rows scored 0.4,
/// one of each class), printed by:
/// `roc_curve(y, s, drop_intermediate=False)`, `average_precision_score(y, s)`,
/// `brier_score_loss(y, s)`, `calibration_curve(y, s, n_bins=4)` with
/// y = [0, 0, 1, 1, 1, 0, 1], s = [0.1, 0.4, 0.35, 0.8, 0.4, 0.7, 0.9].
struct CurvesTests {
    let positive = [0, 0, 1, 1, 1, 0, 1].map { $0 == 1 }
    let scores = [0.1, 0.4, 0.35, 0.8, 0.4, 0.7, 0.9]

    @Test func rocTakesEqualScoresTogetherAsScikitLearn() {
        let curve = Curves.roc(positive: positive, scores: scores)
        #expect(curve.map(\.threshold) == [.infinity, 0.9, 0.8, 0.7, 0.4, 0.35, 0.1])
        let fpr = [0, 0, 0, 1.0 / 3, 2.0 / 3, 2.0 / 3, 1], tpr = [0, 0.25, 0.5, 0.5, 0.75, 1, 1]
        for (point, (x, y)) in zip(curve, zip(fpr, tpr)) {
            #expect(abs(point.falsePositiveRate - x) < 1e-12 && abs(point.truePositiveRate - y) < 1e-12)
        }
        // The area equals the rank statistic the metrics use.
        #expect(abs(Curves.area(curve) - Metrics.auc(truth: positive.map { $0 ? 1 : 0 }, probabilities: scores.flatMap { [1 - $0, $0] }, classCount: 2)) < 1e-12)
    }

    @Test func averagePrecisionBrierAndCalibrationAsScikitLearn() {
        #expect(abs(Curves.averagePrecision(Curves.precisionRecall(positive: positive, scores: scores)) - 0.8166666666666667) < 1e-12)
        #expect(abs(Curves.brier(positive: positive, probabilities: scores) - 0.21321428571428572) < 1e-12)
        let bins = Curves.calibration(positive: positive, probabilities: scores, bins: 4)
        #expect(bins.map(\.count) == [1, 3, 1, 2])
        let observed = [0, 2.0 / 3, 0, 1], predicted = [0.1, 0.38333333333333336, 0.7, 0.85]
        for (bin, (o, p)) in zip(bins, zip(observed, predicted)) {
            #expect(abs(bin.observed - o) < 1e-12 && abs(bin.meanPredicted - p) < 1e-12)
        }
    }
}
