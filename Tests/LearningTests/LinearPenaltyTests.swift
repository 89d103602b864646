import Foundation
import Testing
@testable import Learning
import Tabular

/// `train linear l1=…` against scikit-learn's `Lasso` and `ElasticNet` (`KnownAnswers/linear.py`,
/// whose printed figures, `linear.out`, are written down here): the complete rows of Auto MPG,
/// six standardised features.
struct LinearPenaltyTests {
    func data() throws -> (FeatureColumns, [Double]) {
        let table = try dataset("auto_mpg")
        let names = ["cylinders", "displacement", "horsepower", "weight", "acceleration", "model_year"]
        let complete = (0..<table.rowCount).filter { row in !(names + ["mpg"]).contains { table.column(named: $0)!.isMissing(row) } }
        let columns = names.map { name -> [Double] in
            let values = complete.map { table.column(named: name)!.number(at: $0)! }
            let mean = values.reduce(0, +) / Double(values.count)
            let deviation = (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)).squareRoot()
            return values.map { ($0 - mean) / deviation }
        }
        return (FeatureColumns(columns), complete.map { table.column(named: "mpg")!.number(at: $0)! })
    }

    func fit(l1: Double, l2: Double) throws -> LinearRegression.Model {
        let (x, y) = try data()
        let settings = try LinearRegression.settings.resolve([("l1", .number(l1)), ("l2", .number(l2))], algorithm: "linear")
        return try LinearRegression(settings).fit(x, targets: y)
    }

    func expect(_ model: LinearRegression.Model, _ coefficients: [Double], _ intercept: Double) {
        for (a, b) in zip(model.coefficients, coefficients) { #expect(abs(a - b) < 1e-9, "\(model.coefficients) vs \(coefficients)") }
        #expect(abs(model.intercept - intercept) < 1e-9)
        // The lasso's zeros are exact zeros, as scikit-learn's.
        for (a, b) in zip(model.coefficients, coefficients) where b == 0 { #expect(a == 0) }
    }

    @Test func theLassoMatchesScikitLearn() throws {
        expect(try fit(l1: 0.1, l2: 0), [-0.1872613896210889, -0.0, -0.019394942547986162, -5.331144182006204, 0.10188430504454705, 2.6696665879595938],
               23.44591836734701)
        expect(try fit(l1: 1, l2: 0), [-0.0, -0.0, -0.11143118534907882, -4.770210508364041, 0.0, 1.9994754865771878], 23.44591836734699)
    }

    @Test func theElasticNetMatchesScikitLearn() throws {
        // ElasticNet(alpha=0.5, l1_ratio=0.3) on 392 rows: l1 = 0.5 × 0.3, l2 = 392 × 0.5 × 0.7.
        expect(try fit(l1: 0.15, l2: 392 * 0.5 * 0.7),
               [-1.041557623364199, -1.1322948282122753, -1.0516886464871034, -2.119508776061141, 0.0, 1.853692064916828], 23.445918367346987)
    }

    @Test func withoutAnL1PenaltyTheFitIsTheRidgeOrLeastSquaresOneAsBefore() throws {
        // l1=0 takes the eigendecomposition path, bit for bit as before l1 existed.
        let (x, y) = try data()
        let old = try LinearRegression(LinearRegression.settings.resolve([("l2", .number(2))], algorithm: "linear")).fit(x, targets: y)
        let ridge = try fit(l1: 0, l2: 2)
        #expect(old == ridge)
        // A bundle written before l1 existed reads it as 0.
        let settings = try Settings.reading(["l2": .number(2)], of: AlgorithmRegistry.named("linear")!)
        #expect(settings["l1"] == .number(0))
        #expect(throws: LearningError.self) { try Settings.reading(["l1": .number(2)], of: AlgorithmRegistry.named("linear")!) }
    }
}
