import Foundation
import Testing
@testable import Learning
import Tabular

/// mlw's transforms against scikit-learn's, on the data of `KnownAnswers/transforms.py`,
/// whose printed figures (`KnownAnswers/transforms.out`) are written down here once.
struct TransformKnownAnswerTests {
    static let x: [Double] = [3.1, -0.4, 12.0, 7.7, 0.0, 2.2, 45.5, 5.0, -3.3, 9.9, 1.1, 18.0]
    static let levels = ["b", "a", "c", "b", "d", "b", "a", "e", "c", "b", "a", "b"]

    static func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-12) -> Bool {
        abs(a - b) <= tolerance * max(1, abs(b))
    }

    static var table: Table {
        Table(name: "t", columns: [Column(name: "x", numbers: x), Column(name: "c", texts: levels)])
    }

    @Test func scalersLearnWhatScikitLearnsScalersLearn() throws {
        let column = Column(name: "x", numbers: Self.x)
        let expected: [(ScaleMethod, Double, Double)] = [(.standard, 8.4, 12.584845383767469), (.minmax, -3.3, 48.8), (.robust, 4.05, 9.600000000000001)]
        for (method, center, scale) in expected {
            let fitted = try Scaler(method: method).fit(column, rows: nil)
            #expect(Self.close(fitted.center, center) && Self.close(fitted.scale, scale), "\(method): \(fitted.center), \(fitted.scale)")
        }
    }

    @Test func yeoJohnsonFindsScikitLearnsLambdaAndScale() throws {
        let (fitted, table) = try RecipeStep(TransformStep(columns: ["x"], function: .yeoJohnson)).fit(Self.table, rows: nil)
        let transform = try #require(fitted.first?.as(FittedPowerTransform.self))
        // λ comes from Brent's method, whose stopping point depends on the steps taken: close, not equal.
        #expect(Self.close(transform.lambda!, 0.4760153448750214, 1e-6), "λ = \(transform.lambda!)")
        #expect(Self.close(transform.mean!, 2.674172427811012, 1e-6) && Self.close(transform.deviation!, 3.870025594489635, 1e-6))
        let values = table.column(named: "x")!.numericValues!
        for (value, expected) in zip(values, [-0.1712524375708786, -0.8045838207841541, 0.6066023803466357]) {
            #expect(Self.close(value, expected, 1e-6), "\(value) against \(expected)")
        }
    }

    @Test func binsHaveScikitLearnsEdgesAndIndices() throws {
        let cases: [(BinMethod, Int, [Double], [Double])] = [
            (.quantile, 4, [-3.3, 0.8250000000000001, 4.05, 10.425, 45.5], [1, 0, 3, 2, 0, 1, 3, 2, 0, 2, 1, 3]),
            (.equal, 3, [-3.3, 12.966666666666665, 29.23333333333333, 45.5], [0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 1]),
        ]
        for (method, bins, edges, indices) in cases {
            let (fitted, table) = try RecipeStep(BinStep(columns: ["x"], method: method, bins: bins)).fit(Self.table, rows: nil)
            let learned = try #require(fitted.first?.as(FittedBins.self)).edges
            #expect(learned.count == edges.count && zip(learned, edges).allSatisfy { Self.close($0, $1) }, "\(method): \(learned)")
            #expect(table.column(named: "x")!.numericValues == indices)
        }
    }

    @Test func oneHotDropsAndGroupsAsScikitLearn() throws {
        let options = OneHotOptions(drop: .first, minFrequency: 2, unseen: .other)
        let encoder = try OneHotEncoder(options).fit(Column(name: "x", texts: Self.levels), rows: nil)
        #expect(encoder.outputNames == ["x_b", "x_c", "x_other"])  // scikit-learn: x_b, x_c, x_infrequent_sklearn
        #expect(encoder.infrequent == ["d", "e"] && encoder.dropped == ["a"])
        let rows = try encoder.apply(Column(name: "x", texts: ["a", "b", "d", "z"]))
        #expect(rows.unseen == 1)
        let matrix = (0..<4).map { row in rows.columns.map { $0.numericValues![row] } }
        #expect(matrix == [[0, 0, 0], [1, 0, 0], [0, 0, 1], [0, 0, 1]])
    }

    /// The full-fit encodings (what test rows and new data get) equal scikit-learn's `encodings_`.
    @Test func targetEncodingsMatchScikitLearn() throws {
        func encodings(_ target: Column, classification: Bool, smooth: Double?) throws -> [[Double]] {
            let table = Table(name: "t", columns: [Column(name: "c", texts: Self.levels), target])
            let step = TargetEncodingStep(columns: ["c"], target: target.name, classification: classification, folds: 3, smooth: smooth, seed: 1)
            let encoder = try #require(try step.fit(table, rows: nil).fitted.first?.as(FittedLevelEncoding.self))
            #expect(encoder.levels == ["a", "b", "c", "d", "e"])
            return encoder.values
        }
        func same(_ a: [[Double]], _ b: [[Double]]) -> Bool {
            a.count == b.count && zip(a, b).allSatisfy { $0.count == $1.count && zip($0, $1).allSatisfy { Self.close($0, $1, 1e-12) } }
        }
        let y = Column(name: "y", numbers: [1.0, 2.0, 0.5, 3.0, 2.5, 1.5, 0.0, 4.0, 1.0, 2.0, 3.5, 0.5])
        let m10 = try encodings(y, classification: false, smooth: 10)
        #expect(same(m10, [[1.8012820512820513, 1.7277777777777779, 1.6180555555555556, 1.8560606060606062, 1.9924242424242424]]), "\(m10)")
        let auto = try encodings(y, classification: false, smooth: nil)
        #expect(same(auto, [[1.8201320132013201, 1.6174517862788493, 0.7715765247410817, 2.5, 4.0]]), "\(auto)")
        let binary = Column(name: "y", texts: ["no", "yes", "no", "yes", "yes", "no", "no", "yes", "no", "no", "yes", "yes"])
        let binaryAuto = try encodings(binary, classification: true, smooth: nil)
        #expect(same(binaryAuto, [[0.6285714285714286, 0.4161073825503356, 0.0, 1.0, 1.0]]), "\(binaryAuto)")
        let multiclass = Column(name: "y", texts: ["p", "q", "r", "p", "q", "r", "p", "p", "q", "r", "r", "p"])
        let m5 = try encodings(multiclass, classification: true, smooth: 5)
        #expect(same(m5, [[0.3854166666666667, 0.5083333333333334, 0.2976190476190476, 0.34722222222222227, 0.513888888888889],
                          [0.28125, 0.125, 0.32142857142857145, 0.375, 0.20833333333333334],
                          [0.3333333333333333, 0.36666666666666664, 0.38095238095238093, 0.27777777777777773, 0.27777777777777773]]), "\(m5)")
    }
}

/// Feature selection's scores against scikit-learn's (`KnownAnswers/transforms.py`).
struct SelectionKnownAnswerTests {
    static let features: [[Double]] = [[0.5, 1.5, 2.5, 0.2, 3.3, 1.1, 2.2, 0.9], [3.0, 2.0, 2.5, 4.0, 1.0, 3.5, 0.5, 2.8],
                                       [1, 1, 1, 1, 1, 1, 1, 1], [7.2, 6.1, 9.3, 1.2, 4.4, 8.8, 2.9, 5.5]]
    static let classes = ["0", "1", "1", "0", "2", "0", "2", "1"]

    static func same(_ a: [Double], _ b: [Double], _ tolerance: Double = 1e-12) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { TransformKnownAnswerTests.close($0, $1, tolerance) }
    }

    @Test func variancesAndUnivariateScoresMatchScikitLearn() throws {
        #expect(Self.same(Self.features.map(SelectionStep.variance), [0.991875, 1.25359375, 0.0, 6.849375000000002]))
        let target = Column(name: "y", texts: Self.classes)
        let scored = [Self.features[0], Self.features[1], Self.features[3]]
        let anova = try FeatureScoring.scores(scored, target: target, classification: true, by: .anova)
        #expect(Self.same(anova, [6.007862759113666, 23.845227670753033, 0.7946847316310566]), "\(anova)")
        let chi2 = try FeatureScoring.scores(scored, target: target, classification: true, by: .chi2)
        #expect(Self.same(chi2, [3.6743169398907107, 3.7625215889464583, 2.32892804698972]), "\(chi2)")
        let regression = try FeatureScoring.scores([Self.features[0], Self.features[1]], target: Column(name: "y", numbers: Self.features[3]),
                                                   classification: false, by: .anova)
        #expect(Self.same(regression, [0.09000901319203515, 0.21627283201227043]), "\(regression)")
    }

    /// scikit-learn adds noise of 1e-10 of the scale before its neighbour search; on
    /// continuous data without near ties that moves no neighbour, so the figures agree.
    @Test func mutualInformationMatchesScikitLearnsEstimator() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("KnownAnswers/mi_data.csv").path
        let table = try CSVReader.read(path: path, name: "mi").table
        let labels = table.column(named: "y")!.numericValues!.map { Int($0) }
        let scores = ["a", "b"].map { MutualInformation.continuousDiscrete(table.column(named: $0)!.numericValues!, labels) }
        #expect(Self.same(scores, [0.45454528218422285, 0.0], 1e-9), "\(scores)")
    }

    @Test func selectionStepsDropWhatTheirRuleRejects() throws {
        let names = ["a", "b", "c", "d"]
        var columns = zip(names, Self.features).map { Column(name: $0, numbers: $1) }
        columns.append(Column(name: "e", numbers: Self.features[3].map { $0 * 2 + 1 }))  // d, moved: correlation 1
        columns.append(Column(name: "y", texts: Self.classes))
        let table = Table(name: "t", columns: columns)
        let candidates = ["a", "b", "c", "d", "e"]
        func dropped(_ rule: SelectionRule) throws -> [String] {
            let step = SelectionStep(rule: rule, candidates: candidates, target: PreparationTarget(column: "y", classification: true))
            let (fitted, after) = try step.fit(table, rows: nil)
            let selection = try #require(fitted.first?.as(FittedSelection.self))
            #expect(Set(after.columnNames) == Set(table.columnNames).subtracting(selection.dropped))
            return selection.dropped
        }
        #expect(try dropped(.variance(above: 1)) == ["a", "c"])
        #expect(try dropped(.correlated(below: 0.95)) == ["e"])
        #expect(try dropped(.best(k: 2, by: .anova)) == ["c", "d", "e"])  // b 23.8 and a 6.0 score best; c is constant
        #expect(try dropped(.important(k: 1, model: "m", keep: ["d"])) == ["a", "b", "c", "e"])
    }
}

/// Principal components against scikit-learn's `PCA` (`KnownAnswers/transforms.py`).
struct PCAKnownAnswerTests {
    @Test func componentsVariancesAndProjectionsMatchScikitLearn() throws {
        let f = SelectionKnownAnswerTests.features
        let table = Table(name: "t", columns: [Column(name: "a", numbers: f[0]), Column(name: "b", numbers: f[1]), Column(name: "d", numbers: f[3])])
        let (fitted, made) = try RecipeStep(PCAStep(columns: ["a", "b", "d"], components: .all)).fit(table, rows: nil)
        let pca = try #require(fitted.first?.as(FittedPCA.self))
        let expected: [[Double]] = [[0.03977114344599737, 0.08988577373235752, 0.9951576778729759],
                                    [-0.6633396781758049, 0.747195557127959, -0.04097890635264754],
                                    [0.7472608162526778, 0.6584977958116294, -0.08934162190495315]]
        for (mine, theirs) in zip(pca.loadings, expected) {
            #expect(SelectionKnownAnswerTests.same(mine, theirs, 1e-10), "\(mine)")
        }
        #expect(SelectionKnownAnswerTests.same(pca.explainedVariance, [7.898749769833443, 2.3004611848287397, 0.19489618819496338], 1e-10))
        #expect(SelectionKnownAnswerTests.same(pca.explainedRatio, [0.7599257599784779, 0.22132359742025767, 0.01875064260126436], 1e-10))
        #expect(made.columnNames == ["pc1", "pc2", "pc3"])
        let first = made.columns.map { $0.numericValues![0] }
        #expect(SelectionKnownAnswerTests.same(first, [1.5296579287919005, 1.0564077277550883, -0.5153208550247159], 1e-10), "\(first)")
        // variance=0.9 keeps 2 components, as scikit-learn's n_components=0.9.
        let share = try RecipeStep(PCAStep(columns: ["a", "b", "d"], components: .variance(0.9))).fit(table, rows: nil).fitted
        #expect(share.first?.as(FittedPCA.self)?.loadings.count == 2)
    }
}

/// Imputation, ordinal codes and polynomial products against scikit-learn's
/// `SimpleImputer(add_indicator=True)`, `OrdinalEncoder` and `PolynomialFeatures`.
struct SimpleTransformKnownAnswerTests {
    @Test func imputersLearnScikitLearnsStatisticsAndFlagTheSameRows() throws {
        let table = Table(name: "t", columns: [Column(name: "g", numbers: [1, .nan, 4, 2.5, .nan, 10, 2.5])])
        for (strategy, expected) in [(ImputeStrategy.mean, 4.0), (.median, 2.5), (.mode, 2.5)] {
            let (fitted, made) = try RecipeStep(ImputeStep(columns: ["g"], strategy: strategy, indicator: true)).fit(table, rows: nil)
            #expect(fitted.first?.as(FittedImputer.self)?.fill == .number(expected), "\(strategy)")
            #expect(made.column(named: "g_missing")?.numericValues == [0, 1, 0, 0, 1, 0, 0])
        }
    }

    @Test func ordinalCodesAreScikitLearnsOrder() throws {
        let table = Table(name: "t", columns: [Column(name: "c", texts: TransformKnownAnswerTests.levels)])
        let (fitted, made) = try RecipeStep(LevelEncodingStep(columns: ["c"], method: .ordinal)).fit(table, rows: nil)
        #expect(fitted.first?.as(FittedLevelEncoding.self)?.levels == ["a", "b", "c", "d", "e"])
        #expect(made.column(named: "c")?.numericValues?.prefix(4) == [1, 0, 2, 1])
    }

    @Test func productsAreScikitLearnsPolynomialFeatures() throws {
        let table = Table(name: "t", columns: [Column(name: "a", numbers: [1, 2]), Column(name: "b", numbers: [3, 4])])
        let (_, made) = try RecipeStep(ProductsStep(columns: ["a", "b"], degree: 3)).fit(table, rows: nil)
        // PolynomialFeatures(degree=3, include_bias=False) of [2, 4], names with '*' for its space.
        #expect(made.columnNames == ["a", "b", "a^2", "a*b", "b^2", "a^3", "a^2*b", "a*b^2", "b^3"])
        #expect(made.columns.map { $0.numericValues![1] } == [2, 4, 4, 8, 16, 8, 16, 32, 64])
    }
}

/// Evaluation metrics against scikit-learn's (`KnownAnswers/metrics.py`, `metrics.out`).
struct MetricsKnownAnswerTests {
    static let truth = [0, 1, 2, 2, 1, 0, 0, 2, 1, 1, 2, 0]
    static let predicted = [0, 2, 2, 2, 1, 0, 1, 2, 1, 0, 2, 2]
    static let probabilities: [Double] = [0.7, 0.2, 0.1, 0.1, 0.3, 0.6, 0.2, 0.2, 0.6, 0.0, 0.1, 0.9, 0.2, 0.5, 0.3, 0.8, 0.1, 0.1,
                                          0.3, 0.4, 0.3, 0.1, 0.1, 0.8, 0.2, 0.6, 0.2, 0.5, 0.3, 0.2, 0.1, 0.2, 0.7, 0.3, 0.2, 0.5]

    @Test func classificationMetricsMatchScikitLearn() {
        let (y, p) = (Self.truth, Self.predicted)
        func close(_ a: Double, _ b: Double) -> Bool { TransformKnownAnswerTests.close(a, b) }
        #expect(close(Metrics.balancedAccuracy(truth: y, predicted: p, classCount: 3), 0.6666666666666666))
        for (average, expected) in [(Metrics.Average.macro, [0.6666666666666666, 0.6666666666666666, 0.6476190476190476]),
                                    (.weighted, [0.6666666666666666, 0.6666666666666666, 0.6476190476190476])] {
            let scores = [Metrics.precision, Metrics.recall, Metrics.f1].map {
                Metrics.classScore($0, truth: y, predicted: p, classCount: 3, average: average)
            }
            #expect(zip(scores, expected).allSatisfy { close($0, $1) }, "\(average): \(scores)")
        }
        #expect(close(Metrics.logLoss(truth: y, probabilities: Self.probabilities, classCount: 3), 0.6496405959632817))
        #expect(close(Metrics.mcc(truth: y, predicted: p, classCount: 3), 0.5163977794943223))
        // A true value of 0 divides by machine epsilon, as scikit-learn does.
        #expect(close(Metrics.mape(truth: [3, -0.5, 2, 7, 0], predicted: [2.5, 0, 2, 8, 0.1]), 90071992547410.19))
    }
}
