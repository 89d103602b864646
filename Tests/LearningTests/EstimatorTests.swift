import Foundation
import Testing
@testable import Learning
import Tabular

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

func dataset(_ name: String) throws -> Table {
    try CSVReader.read(path: repositoryRoot + "/datasets/\(name).csv", name: name).table
}

/// Known answers computed once with scikit-learn 1.x (tol=1e-10) on the shipped datasets.
struct LogisticRegressionTests {
    func iris() throws -> (DesignMatrix, [Int]) {
        let table = try dataset("iris")
        let x = DesignMatrix(columnVectors: table.columns.prefix(4).map { $0.numericValues! })
        let species = table.column(named: "species")!
        let classes = ["setosa", "versicolor", "virginica"]
        return (x, (0..<150).map { classes.firstIndex(of: species.text(at: $0)!)! })
    }

    @Test func multinomialMatchesScikitLearn() throws {
        let (x, y) = try iris()
        let model = try LogisticRegression().fit(x, labels: y, classCount: 3)
        let expected: [[Double]] = [[-0.4235130928, 0.9673506537, -2.5171542851, -1.0793345577],
                                    [0.5344640368, -0.3215881943, -0.2063932487, -0.9442989503],
                                    [-0.1109509441, -0.6457624594, 2.7235475337, 2.0236335079]]
        let intercepts = [9.849590072, 2.2371990405, -12.0867891126]
        for k in 0..<3 {
            for j in 0..<4 { #expect(abs(model.coefficients[k][j] - expected[k][j]) < 1e-4) }
            #expect(abs(model.intercepts[k] - intercepts[k]) < 1e-3)
        }
        let probabilities = model.probabilities(x)
        let predicted = (0..<150).map { i in (0..<3).max { probabilities[i * 3 + $0] < probabilities[i * 3 + $1] }! }
        #expect(Metrics.accuracy(truth: y, predicted: predicted) == 0.9733333333333334)
    }

    @Test func binomialMatchesScikitLearn() throws {
        let table = try dataset("breast_cancer")
        let x = DesignMatrix(columnVectors: table.columns.prefix(6).map { $0.numericValues! })
        let diagnosis = table.column(named: "diagnosis")!
        let y = (0..<table.rowCount).map { diagnosis.text(at: $0) == "malignant" ? 1 : 0 }
        let model = try LogisticRegression().fit(x, labels: y, classCount: 2)
        let expected = [-2.8565558995, 0.226980376, 0.6603330055, -0.0055458424, 0.4977453007, 0.8338989624]
        for j in 0..<6 { #expect(abs(model.coefficients[0][j] - expected[j]) < 2e-3 * max(1, abs(expected[j]))) }
        #expect(abs(model.intercepts[0] - -22.0794858318) < 2e-2)
        let auc = Metrics.auc(truth: y, probabilities: model.probabilities(x), classCount: 2)
        #expect(abs(auc - 0.9728344167855821) < 1e-4)
    }

    /// `class_weight=balanced` against scikit-learn's (`KnownAnswers/logistic.py`, `logistic.out`).
    @Test func balancedClassWeightsMatchScikitLearn() throws {
        let balanced = try LogisticRegression(LogisticRegression.settings.resolve(
            [("class_weight", .word("balanced")), ("tol", .number(1e-12)), ("max_iter", .whole(100_000))], algorithm: "logistic"))
        let cancer = try dataset("breast_cancer")
        let columns = cancer.columns.prefix(10).map { column -> [Double] in
            let v = column.numericValues!
            let mean = v.reduce(0, +) / Double(v.count)
            let deviation = (v.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(v.count)).squareRoot()
            return v.map { ($0 - mean) / deviation }
        }
        let diagnosis = cancer.column(named: "diagnosis")!
        let y = (0..<cancer.rowCount).map { diagnosis.text(at: $0) == "malignant" ? 1 : 0 }
        let binary = try balanced.fit(DesignMatrix(columnVectors: columns), labels: y, classCount: 2)
        let expected = [0.9887755091212508, 1.3796717417770228, 0.9039792799867462, 1.2806246989995396, 0.9486900242077159,
                        -0.3035873686434147, 1.0333250061360704, 1.6249401386964533, 0.3840481432297769, -0.3669567985851124]
        for j in 0..<10 { #expect(abs(binary.coefficients[0][j] - expected[j]) < 1e-5, "\(binary.coefficients[0])") }
        #expect(abs(binary.intercepts[0] - -0.09465598288050082) < 1e-5)

        // Iris with only 30 setosa rows: 30/50/50, C=0.5 (l2=2).
        var multinomial = balanced
        multinomial.l2 = 2
        let (x, labels) = try iris()
        let kept = (0..<150).filter { labels[$0] != 0 || $0 < 30 }
        let subset = DesignMatrix(rows: kept.count, columns: 4, values: kept.flatMap { i in (0..<4).map { x.values[i * 4 + $0] } })
        let model = try multinomial.fit(subset, labels: kept.map { labels[$0] }, classCount: 3)
        let coefficients: [[Double]] = [[-0.38704880978616335, 0.7080034654357227, -1.9682559628975025, -0.8345223927808003],
                                        [0.3304997798568746, -0.3813983856131029, -0.09268543529745922, -0.6168678395358472],
                                        [0.05654902992929497, -0.32660507982261894, 2.0609413981949594, 1.4513902323166474]]
        let intercepts = [8.082946645655117, 2.1726330749442635, -10.255579720600318]
        for k in 0..<3 {
            for j in 0..<4 { #expect(abs(model.coefficients[k][j] - coefficients[k][j]) < 1e-5, "\(model.coefficients)") }
            #expect(abs(model.intercepts[k] - intercepts[k]) < 1e-4)
        }
        // Without weights the fit is the one from before class_weight existed.
        let plain = try LogisticRegression().fit(subset, labels: kept.map { labels[$0] }, classCount: 3)
        #expect(plain != model)
        let settings = try Settings.reading(["l2": .number(1), "max_iter": .whole(500), "tol": .number(1e-7)], of: AlgorithmRegistry.named("logistic")!)
        #expect(settings["class_weight"] == SettingValue.none)
    }

    /// L1 and elastic-net against scikit-learn's saga (`KnownAnswers/logistic.py`): the same
    /// coefficients, and exactly 0 where saga's are.
    @Test func l1AndElasticNetMatchScikitLearnsSaga() throws {
        func fit(l1: Double, l2: Double, _ x: DesignMatrix, _ y: [Int], classes: Int) throws -> LogisticRegression.Model {
            try LogisticRegression(LogisticRegression.settings.resolve(
                [("l1", .number(l1)), ("l2", .number(l2)), ("tol", .number(1e-10)), ("max_iter", .whole(100_000))], algorithm: "logistic"))
                .fit(x, labels: y, classCount: classes)
        }
        func standardised(_ columns: [[Double]]) -> DesignMatrix {
            DesignMatrix(columnVectors: columns.map { v in
                let mean = v.reduce(0, +) / Double(v.count)
                let deviation = (v.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(v.count)).squareRoot()
                return v.map { ($0 - mean) / deviation }
            })
        }
        func expectClose(_ model: LogisticRegression.Model, _ coefficients: [[Double]], _ intercepts: [Double], _ what: String) {
            for k in coefficients.indices {
                for j in coefficients[k].indices {
                    let (got, want) = (model.coefficients[k][j], coefficients[k][j])
                    #expect(want == 0 ? got == 0 : abs(got - want) < 1e-4 * max(1, abs(want)), "\(what) [\(k)][\(j)]: \(got) against \(want)")
                }
                #expect(abs(model.intercepts[k] - intercepts[k]) < 1e-4, "\(what) intercept \(k)")
            }
        }
        let cancer = try dataset("breast_cancer")
        let x = standardised(cancer.columns.prefix(10).map { $0.numericValues! })
        let diagnosis = cancer.column(named: "diagnosis")!
        let y = (0..<cancer.rowCount).map { diagnosis.text(at: $0) == "malignant" ? 1 : 0 }
        expectClose(try fit(l1: 2, l2: 0, x, y, classes: 2),
                    [[0, 1.2765405320802328, 0, 2.945284991718236, 0.6138052198962476, 0, 0.4340589964592826, 2.1510282972091335, 0.30284188585643323, -0.19795017662159545]],
                    [-0.4377573474981458], "l1 binary")
        expectClose(try fit(l1: 1, l2: 1, x, y, classes: 2),
                    [[0.919900954335841, 1.2692568282259913, 0.7641653679133075, 1.177126661665588, 0.8003956111780572, 0, 0.8325715791246106, 1.5275310281793082, 0.35025803739090866, -0.3877240554829942]],
                    [-0.6016452699133479], "elastic-net binary")
        let (irisX, irisY) = try iris()
        let irisColumns = (0..<4).map { j in (0..<150).map { irisX.values[$0 * 4 + j] } }
        expectClose(try fit(l1: 1, l2: 0, standardised(irisColumns), irisY, classes: 3),
                    [[0, 0.9210330295051795, -4.7169449457714325, 0], [0.21540291033364783, 0, 0, 0], [0, -0.6984725543609204, 4.165604975075856, 5.035106876915442]],
                    [0.13314804806845384, 2.885985665079773, -3.0191337131480003], "l1 multinomial")
    }

    /// The largest pseudo-gradient component of the L1 objective (mean loss) at a model,
    /// worked out afresh from the original-scale model, with respect to the coefficients of
    /// the standardised features (θⱼ = wⱼσⱼ, intercept b + Σwⱼμⱼ), which is what `tol` bounds.
    func largestScaledPseudoGradient(_ model: LogisticRegression.Model, _ x: DesignMatrix, _ y: [Int], l1: Double, l2: Double) -> Double {
        let n = Double(x.rows), p = x.columns
        let probabilities = model.probabilities(x)
        let (means, deviations) = x.columnMeansAndDeviations()
        var largest = 0.0
        for (k, coefficients) in model.coefficients.enumerated() {
            let scored = model.coefficients.count == 1 ? 1 : k
            var slopes = [Double](repeating: 0, count: p + 1)
            for i in 0..<x.rows {
                let residual = probabilities[i * model.classCount + scored] - (y[i] == scored ? 1 : 0)
                for j in 0..<p { slopes[j] += residual * x.values[i * p + j] / n }
                slopes[p] += residual / n
            }
            largest = max(largest, abs(slopes[p]))
            for j in 0..<p {
                // ∂/∂θⱼ = (∂/∂wⱼ − μⱼ·∂/∂b)/σⱼ; the L1 term on θⱼ is l1/(nσⱼ)·|θⱼ|.
                let sigma = deviations[j] > 0 ? deviations[j] : 1
                let w = coefficients[j], g = (slopes[j] + l2 / n * w - means[j] * slopes[p]) / sigma, lambda = l1 / n / sigma
                let pseudo = w > 0 ? g + lambda : w < 0 ? g - lambda : max(abs(g) - lambda, 0)
                largest = max(largest, abs(pseudo))
            }
        }
        return largest
    }

    /// Rows with two numbers and a six-level category one-hot encoded (a weak effect per
    /// level), labels drawn from the logistic model they define.
    func rowsWithACategory(_ n: Int, levels: Int = 6) -> (DesignMatrix, [Int], groups: [[Int]]) {
        var generator = SeededGenerator(seed: 12345)
        let effects = (0..<levels).map { [0.3, -0.2, 0.1, 0.0, -0.4, 0.25][$0 % 6] + Double($0 / 6) * 0.05 }
        var columns = [[Double]](repeating: [Double](repeating: 0, count: n), count: 2 + effects.count)
        var y = [Int](repeating: 0, count: n)
        for i in 0..<n {
            let a = Double.random(in: -1..<1, using: &generator), b = Double.random(in: -1..<1, using: &generator)
            let level = Int.random(in: 0..<effects.count, using: &generator)
            (columns[0][i], columns[1][i], columns[2 + level][i]) = (a, b, 1)
            y[i] = Double.random(in: 0..<1, using: &generator) < sigmoid(0.8 * a - 0.5 * b + effects[level]) ? 1 : 0
        }
        return (DesignMatrix(columnVectors: columns), y, [Array(2..<(2 + effects.count))])
    }

    func l1Fit(l1: Double, l2: Double = 0, maxIterations: Int = 500, _ x: DesignMatrix, _ y: [Int], classes: Int = 2,
               groups: [[Int]] = [], owlqn: Bool = false) throws -> LogisticRegression.Model {
        var estimator = try LogisticRegression(LogisticRegression.settings.resolve(
            [("l1", .number(l1)), ("l2", .number(l2)), ("max_iter", .whole(maxIterations))], algorithm: "logistic"))
        estimator.l1ByOWLQN = owlqn
        return try estimator.fit(x, labels: y, classCount: classes, oneHotGroups: groups)
    }

    /// At the default tol every L1 fit stops where the objective's pseudo-gradient, worked out
    /// independently, is within it: binary and multinomial, lasso and elastic-net, and
    /// refitting gives the same bits.
    @Test func l1FitsStopAtTheOptimumAtTheDefaultTolerance() throws {
        let (x, y, groups) = rowsWithACategory(1500)
        // Iris standardised, as 'scale standard numeric' leaves it. On its raw features the
        // classes are near separable and a small l1's optimum lies far out, where both
        // solvers take hundreds of steps (l1=0.05: 669 Newton steps, OWL-QN 1,390).
        let (rawIris, irisY) = try iris()
        let (means, deviations) = rawIris.columnMeansAndDeviations()
        var irisX = rawIris
        for i in 0..<150 { for j in 0..<4 { irisX.values[i * 4 + j] = (rawIris.values[i * 4 + j] - means[j]) / deviations[j] } }
        for (l1, l2) in [(0.01, 0.0), (0.5, 0.0), (0.05, 1.0)] {
            let binary = try l1Fit(l1: l1, l2: l2, x, y, groups: groups)
            #expect(binary.converged && binary.iterations <= 10, "l1=\(l1) l2=\(l2): \(binary.iterations) iterations")
            #expect(largestScaledPseudoGradient(binary, x, y, l1: l1, l2: l2) <= 1.01e-7)
            #expect(try l1Fit(l1: l1, l2: l2, x, y, groups: groups) == binary)
            let multinomial = try l1Fit(l1: l1, l2: l2, irisX, irisY, classes: 3)
            #expect(multinomial.converged, "iris l1=\(l1) l2=\(l2)")
            #expect(largestScaledPseudoGradient(multinomial, irisX, irisY, l1: l1, l2: l2) <= 1.01e-7)
        }
    }

    /// A one-hot encoding's indicators sum to 1, so the loss is flat along shifting all of
    /// its coefficients together and only the small L1 term decides where on that valley
    /// the optimum lies. Coordinate descent alone crawls along it (12 levels, 4,000 rows:
    /// not converged after 4 Newton steps); the valley moves go there directly, to a point
    /// the independent optimality check passes.
    @Test func l1ConvergesAlongAOneHotValley() throws {
        let (x, y, groups) = rowsWithACategory(4000, levels: 12)
        let direct = try l1Fit(l1: 0.001, x, y, groups: groups)
        #expect(direct.converged && direct.iterations <= 4, "\(direct.iterations) iterations")
        #expect(largestScaledPseudoGradient(direct, x, y, l1: 0.001, l2: 0) <= 1.01e-7)
        #expect(!(try l1Fit(l1: 0.001, maxIterations: 4, x, y)).converged)
        // Not a group: a row where no indicator is set leaves the valley alone.
        var broken = x
        for j in groups[0] { broken.values[0 * x.columns + j] = 0 }
        #expect(try l1Fit(l1: 0.001, maxIterations: 2, broken, y, groups: groups) == (try l1Fit(l1: 0.001, maxIterations: 2, broken, y)))
    }

    /// The least point of the valley's penalties against a fine scan, for random shapes:
    /// lasso only (an interval when the kinks are even in number), with l2 too, ties.
    @Test func valleyLeastPointsMatchAScan() {
        var generator = SeededGenerator(seed: 7)
        for trial in 0..<300 {
            let m = Int.random(in: 1...7, using: &generator)
            var u = (0..<m).map { _ in Double(Int.random(in: -20...20, using: &generator)) / 8 }
            if trial % 5 == 0 && m > 1 { u[1] = u[0] }
            let alpha = trial % 3 == 0 ? [Double](repeating: 0, count: m) : (0..<m).map { _ in Double.random(in: 0..<2, using: &generator) }
            let beta = (0..<m).map { _ in trial % 7 == 0 ? 0 : Double.random(in: 0.1..<1, using: &generator) }
            func penalty(_ t: Double) -> Double {
                (0..<m).reduce(0) { $0 + 0.5 * alpha[$1] * (u[$1] + t) * (u[$1] + t) + beta[$1] * abs(u[$1] + t) }
            }
            guard let least = LogisticCoordinateDescent.leastPoints(u: u, alpha: alpha, beta: beta) else {
                #expect(alpha.allSatisfy { $0 == 0 } && beta.allSatisfy { $0 == 0 })
                continue
            }
            #expect(least.low <= least.high)
            let best = stride(from: -4.0, through: 4.0, by: 1.0 / 1024).map(penalty).min()!
            let tolerance = 1e-9 * max(1, best)
            #expect(penalty(least.low) <= best + tolerance, "trial \(trial): \(u) \(alpha) \(beta) -> \(least)")
            #expect(penalty(least.high) <= best + tolerance, "trial \(trial)")
            // Just outside the interval the penalty rises.
            #expect(penalty(least.low - 1e-3) > penalty(least.low) || alpha.allSatisfy { $0 == 0 } && beta.allSatisfy { $0 == 0 })
            #expect(penalty(least.high + 1e-3) > penalty(least.high), "trial \(trial)")
        }
    }

    /// With `l1ByOWLQN` (journals of fingerprints v3 and before) an L1 fit is the OWL-QN one
    /// those journals recorded: near the same optimum, by other steps, so other bits.
    @Test func owlqnFitsRemainForOlderJournals() throws {
        let (x, y) = try iris()
        let owlqn = try l1Fit(l1: 1, x, y, classes: 3, owlqn: true)
        let newton = try l1Fit(l1: 1, x, y, classes: 3)
        #expect(owlqn != newton)
        #expect(owlqn.iterations > newton.iterations)
        for (a, b) in zip(owlqn.coefficients.joined(), newton.coefficients.joined()) { #expect(abs(a - b) < 1e-4 && (a == 0) == (b == 0)) }
    }

    /// The battery every estimator passes.
    @Test func sameInputsGiveTheSameModelAndRoundTrip() throws {
        let (x, y) = try iris()
        let copy = x
        let a = try LogisticRegression().fit(x, labels: y, classCount: 3)
        let b = try LogisticRegression().fit(x, labels: y, classCount: 3)
        #expect(a == b)
        #expect(x == copy)
        let decoded = try JSONDecoder().decode(LogisticRegression.Model.self, from: JSONEncoder().encode(a))
        #expect(decoded.probabilities(x) == a.probabilities(x))
        #expect(a.probabilities(x).count == 150 * 3)
    }

    @Test func singleClassIsADiagnostic() {
        let x = DesignMatrix(rows: 3, columns: 1, values: [1, 2, 3])
        #expect(throws: LearningError.self) { try LogisticRegression().fit(x, labels: [0, 0, 0], classCount: 1) }
    }

    @Test func badSettingsAreRejected() {
        #expect(throws: LearningError.self) { try LogisticRegression.settings.resolve([("l2", .number(-1))], algorithm: "logistic") }
        #expect(throws: LearningError.self) { try LogisticRegression.settings.resolve([("max_iter", .number(2.5))], algorithm: "logistic") }
        #expect(throws: LearningError.self) { try LogisticRegression.settings.resolve([("depth", .whole(3))], algorithm: "logistic") }
    }
}

struct LinearRegressionTests {
    func auto() throws -> (DesignMatrix, [Double]) {
        let table = try dataset("auto_mpg")
        let names = ["cylinders", "displacement", "horsepower", "weight", "acceleration", "model_year"]
        let rows = (0..<table.rowCount).filter { row in !(names + ["mpg"]).contains { table.column(named: $0)!.isMissing(row) } }
        let x = DesignMatrix(columnVectors: names.map { name in rows.map { table.column(named: name)!.number(at: $0)! } })
        return (x, rows.map { table.column(named: "mpg")!.number(at: $0)! })
    }

    @Test func leastSquaresMatchesScikitLearn() throws {
        let (x, y) = try auto()
        #expect(x.rows == 392)
        let model = try LinearRegression().fit(x, targets: y)
        let expected = [-3.4166283159e-01, 7.6869575750e-03, -4.3671548790e-04, -6.7665894006e-03, 8.8436292453e-02, 7.3042063305e-01]
        for j in 0..<6 { #expect(abs(model.coefficients[j] - expected[j]) < 1e-8 * max(1, abs(expected[j])) * 1e3) }
        #expect(abs(model.intercept - -1400.7081018377626) < 1e-6)
    }

    @Test func ridgeMatchesScikitLearn() throws {
        let (x, y) = try auto()
        var ridge = LinearRegression()
        ridge.l2 = 10
        let model = try ridge.fit(x, targets: y)
        let expected = [-3.1268068217e-01, 7.2292759648e-03, -4.7785312487e-04, -6.7676133972e-03, 8.7846718266e-02, 7.2882758890e-01]
        for j in 0..<6 { #expect(abs(model.coefficients[j] - expected[j]) < 1e-7) }
        #expect(abs(model.intercept - -1397.6132656572759) < 1e-5)
    }

    /// The battery every estimator passes.
    @Test func deterministicRoundTripsAndOnePredictionPerRow() throws {
        let (x, y) = try auto()
        let copy = x
        let a = try LinearRegression().fit(x, targets: y)
        #expect(try LinearRegression().fit(x, targets: y) == a)
        #expect(x == copy)
        let decoded = try JSONDecoder().decode(LinearRegression.Model.self, from: JSONEncoder().encode(a))
        #expect(decoded.predict(x) == a.predict(x))
        #expect(a.predict(x).rowCount == x.rows)
    }

    @Test func constantTargetGivesAConstantModel() throws {
        let (x, _) = try auto()
        let model = try LinearRegression().fit(x, targets: [Double](repeating: 7, count: x.rows))
        #expect(model.coefficients.allSatisfy { abs($0) < 1e-12 })
        #expect(abs(model.intercept - 7) < 1e-9)
    }

    @Test func noRowsIsAnError() {
        #expect(throws: LearningError.self) { try LinearRegression().fit(DesignMatrix(rows: 0, columns: 2, values: []), targets: []) }
        #expect(throws: LearningError.self) { try LinearRegression.settings.resolve([("l2", .number(-3))], algorithm: "linear") }
    }

    @Test func collinearColumnsGiveTheMinimumNormSolution() throws {
        // y = 2a; b duplicates a, so the minimum-norm answer splits the weight evenly.
        let a: [Double] = [1, 2, 3, 4, 5]
        let x = DesignMatrix(columnVectors: [a, a])
        let model = try LinearRegression().fit(x, targets: a.map { 2 * $0 })
        #expect(model.rank == 1)
        #expect(abs(model.coefficients[0] - 1) < 1e-9 && abs(model.coefficients[1] - 1) < 1e-9)
    }
}

struct DesignMatrixTests {
    /// Rows in several parallel blocks, and a count that is not a multiple of four (the
    /// Gram kernel takes rows four at a time).
    static let rowCount = 20_003

    static func columns() -> [[Double]] {
        let a = (0..<rowCount).map { Double($0 % 101) / 7 }
        let b = (0..<rowCount).map { Double(($0 * 37) % 53) - 20 }
        let c = (0..<rowCount).map { sin(Double($0)) * 1000 + 5e6 }
        return [a, b, c]
    }

    @Test func gatheringCopiesTheChosenRowsAndFindsValuesThatAreNotFinite() {
        var vectors = Self.columns()
        let rows = [20_002, 0, 7, 7, 19_999]
        let (matrix, clean) = DesignMatrix.gathering(vectors, rows: rows)
        #expect(clean.isEmpty)
        #expect(matrix.rows == 5 && matrix.columns == 3)
        for (i, row) in rows.enumerated() { for j in 0..<3 { #expect(matrix.values[i * 3 + j] == vectors[j][row]) } }
        vectors[2][7] = .nan
        vectors[0][19_999] = -.infinity
        #expect(DesignMatrix.gathering(vectors, rows: rows).columnsNotFinite == [0, 2])
        #expect(DesignMatrix.gathering(vectors, rows: [0, 1, 2]).columnsNotFinite.isEmpty)
        #expect(DesignMatrix.gathering(vectors).columnsNotFinite == [0, 2])
    }

    @Test func meansAndDeviationsMatchAPlainTwoPassComputation() {
        let vectors = Self.columns()
        let (means, deviations) = DesignMatrix(columnVectors: vectors).columnMeansAndDeviations()
        for (j, v) in vectors.enumerated() {
            let mean = v.reduce(0, +) / Double(v.count)
            let deviation = (v.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(v.count)).squareRoot()
            #expect(abs(means[j] - mean) <= 1e-9 * max(1, abs(mean)))
            #expect(abs(deviations[j] - deviation) <= 1e-9 * deviation)
        }
    }

    @Test(arguments: [1, 2, 3, 4])
    func crossProductsMatchAPlainSum(features: Int) throws {
        let vectors = Array(Self.columns().prefix(features)) + (features == 4 ? [Self.columns()[0].map { $0 * $0 }] : [])
        let p = vectors.count
        let rows = Array(stride(from: 5, to: Self.rowCount, by: 3))  // 6666 rows: not a multiple of 4 or of a tile
        let columns = FeatureColumns(vectors, rows: rows)
        let means = columns.means()
        let y = rows.map { Double($0 % 17) }
        let yMean = y.reduce(0, +) / Double(y.count)
        let products = try #require(columns.centredCrossProducts(means: means, appended: y, appendedMean: yMean))
        let centred = (0..<p).map { j in rows.map { vectors[j][$0] - means[j] } } + [y.map { $0 - yMean }]
        for a in 0...p {
            for b in 0...p {
                let expected = zip(centred[a], centred[b]).reduce(0) { $0 + $1.0 * $1.1 }
                #expect(abs(products[a * (p + 1) + b] - expected) <= 1e-9 * max(1, abs(expected)), "(\(a), \(b))")
            }
        }
    }

    @Test func linearFitRecoversAnExactRelationOverManyBlocks() throws {
        let vectors = Self.columns()
        let y = (0..<Self.rowCount).map { i -> Double in
            let a = vectors[0][i], b = vectors[1][i], c = vectors[2][i]
            return 3 + 2 * a - 0.5 * b + 1e-3 * c
        }
        let model = try LinearRegression().fit(DesignMatrix(columnVectors: vectors), targets: y)
        #expect(model.rank == 3)
        #expect(abs(model.coefficients[0] - 2) < 1e-9 && abs(model.coefficients[1] + 0.5) < 1e-9)
        #expect(abs(model.coefficients[2] - 1e-3) < 1e-12)
        #expect(abs(model.intercept - 3) < 1e-5)
    }
}

struct MetricsTests {
    @Test func classificationMetrics() {
        let truth = [0, 0, 1, 1, 2, 2], predicted = [0, 1, 1, 1, 2, 0]
        #expect(Metrics.accuracy(truth: truth, predicted: predicted) == 4.0 / 6)
        // per-class F1: 0.5, 0.8, 0.6667
        #expect(abs(Metrics.f1Macro(truth: truth, predicted: predicted, classCount: 3) - (0.5 + 0.8 + 2.0 / 3) / 3) < 1e-12)
        #expect(Metrics.binaryAUC(positives: [false, false, true, true], scores: [0.1, 0.4, 0.35, 0.8]) == 0.75)
        #expect(Metrics.binaryAUC(positives: [false, true], scores: [0.5, 0.5]) == 0.5)
    }

    @Test func regressionMetrics() {
        #expect(Metrics.rmse(truth: [1, 2, 3], predicted: [1, 2, 5]) == (4.0 / 3).squareRoot())
        #expect(Metrics.mae(truth: [1, 2, 3], predicted: [1, 2, 5]) == 2.0 / 3)
        #expect(Metrics.r2(truth: [1, 2, 3], predicted: [1, 2, 3]) == 1)
    }
}
