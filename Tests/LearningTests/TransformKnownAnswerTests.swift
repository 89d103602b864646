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
