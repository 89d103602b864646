import Tabular

/// Least-squares linear regression with optional L2 (ridge) and L1 (lasso) penalties on the
/// coefficients (the intercept is not penalised), as scikit-learn's `LinearRegression`
/// (l2=0), `Ridge(alpha=l2)`, `Lasso(alpha=l1)` (l2=0) and `ElasticNet`: with both, the
/// objective is ‖y − Xw‖²/2n + l1·‖w‖₁ + l2·‖w‖²/2n, which is `ElasticNet(alpha=a,
/// l1_ratio=r)` for l1 = a·r and l2 = n·a·(1 − r).
public struct LinearRegression: Estimator {
    public static let name = "linear"
    public static let summary = "least-squares linear regression, with optional L2 (ridge) and L1 (lasso, elastic-net) penalties"
    public static let tasks: [Task] = [.regression]
    public static let settings = SettingsSchema([
        SettingSpec("l2", "ridge penalty on the summed squared error (scikit-learn's alpha); 0 is plain least squares",
                    forms: [.number(0...1e12)], default: .value(.number(0))),
        SettingSpec("l1", "lasso penalty on the mean squared error (scikit-learn's Lasso alpha); with l2 too, elastic-net",
                    forms: [.number(0...1e12)], default: .value(.number(0))),
    ])

    public var l2: Double
    public var l1: Double

    public static func searchSpace(for task: Task) -> [SearchDimension] {
        [SearchDimension(key: "l2", values: .range(low: .number(0.001), high: .number(1000))),
         SearchDimension(key: "l1", values: .list([.number(0), .number(0.001), .number(0.01), .number(0.1)]))]
    }

    public init(_ settings: Settings) {
        l2 = settings.number("l2")
        // Bundles and journals from before l1 existed read as l1=0: the same fit.
        l1 = settings["l1"] == nil ? 0 : settings.number("l1")
    }

    public func fit(_ data: TrainingData) throws -> Fit<Model> {
        let model = try fit(data.features, targets: try data.values(for: Self.name), isCancelled: data.isCancelled)
        var remarks: [Remark] = []
        if model.rank < data.features.count && l2 == 0 && l1 == 0 {
            remarks.append(.note("features are collinear (rank \(model.rank) of \(data.features.count)); the minimum-norm solution was taken"))
        }
        return Fit(model, remarks: remarks)
    }

    /// A fitted linear model.
    public struct Model: FittedModel {
        public var coefficients: [Double]
        public var intercept: Double
        /// Numerical rank of the centred design (less than the feature count when
        /// features are collinear; the minimum-norm solution is returned then).
        public var rank: Int

        public func learnedValues(features: [String], classes: [String]) -> LearnedValues? {
            let order = features.indices.sorted { abs(coefficients[$0]) != abs(coefficients[$1]) ? abs(coefficients[$0]) > abs(coefficients[$1]) : $0 < $1 }
            return LearnedValues(headers: ["feature", "coefficient"],
                                 rows: [["(intercept)", NumberFormatting.significant(intercept)]]
                                    + order.map { [features[$0], NumberFormatting.significant(coefficients[$0])] },
                                 note: "coefficients in the units of the prepared features, largest magnitude first")
        }

        /// Exact: coefficient × (value − training mean).
        public func explain(_ row: [Double], trainingMeans: [Double], classes: [String]) throws -> Explanation? {
            Explanation(outputs: ["value"], base: [intercept + zip(coefficients, trainingMeans).reduce(0) { $0 + $1.0 * $1.1 }],
                        contributions: [row.indices.map { coefficients[$0] * (row[$0] - trainingMeans[$0]) }])
        }

        /// Predicted values, one per row.
        /// - Complexity: O(rows × features)
        public func predictedValues(_ x: DesignMatrix) -> [Double] {
            let p = x.columns
            return x.values.withUnsafeBufferPointer { values in
                (0..<x.rows).map { i in
                    var sum = intercept
                    let row = values.baseAddress! + i * p
                    for j in 0..<p { sum += coefficients[j] * row[j] }
                    return sum
                }
            }
        }

        public func predict(_ x: DesignMatrix) -> Prediction { .values(predictedValues(x)) }

        public var task: Task { .regression }

        public func combine(into hasher: inout FingerprintHasher) {
            for v in coefficients { hasher.combine(v) }
            hasher.combine(intercept)
        }

        public var isFinite: Bool { intercept.isFinite && coefficients.allSatisfy(\.isFinite) }

        public func check(featureCount p: Int, classCount: Int) throws {
            guard classCount == 0 else { throw LearningError("lists classes for a regression model") }
            guard coefficients.count == p else {
                throw LearningError("has \(coefficients.count) coefficients, but manifest.json lists \(Plural.count(p, "feature"))")
            }
        }
    }

    /// Fits a row-major matrix (its columns are copied out: meant for small data and tests;
    /// training goes through `fit(_: FeatureColumns, …)` on the table's own vectors).
    public func fit(_ x: DesignMatrix, targets y: [Double], isCancelled: () -> Bool = { false }) throws -> Model {
        guard x.rows == y.count else { throw LearningError("features and targets differ in length") }
        return try fit(FeatureColumns(x), targets: y, isCancelled: isCancelled)
    }

    /// Solves the (ridge) normal equations of the centred problem through a symmetric
    /// eigendecomposition of the Gram matrix (`SymmetricSystem`). Centring removes the intercept from the
    /// system and keeps the Gram matrix well scaled; the eigendecomposition gives the
    /// minimum-norm solution when columns are collinear (e.g. every level of a one-hot
    /// encoding), where a plain Cholesky factorisation would fail.
    /// - Parameter y: one target per taken row, in the rows' order.
    /// - Complexity: O(rows × features²) for the Gram matrix, O(features³) for the solve.
    public func fit(_ x: FeatureColumns, targets y: [Double], isCancelled: () -> Bool = { false }) throws -> Model {
        guard x.rowCount == y.count else { throw LearningError("features and targets differ in length") }
        guard x.rowCount > 0 else { throw LearningError("there are no training rows") }
        let p = x.count
        let means = x.means()
        let yMean = y.reduce(0, +) / Double(y.count)
        if isCancelled() { throw CancelledOptimization() }
        // Cross-products of [X | y]: the Gram matrix XᵀX and, in the last column, Xᵀy.
        guard let products = x.centredCrossProducts(means: means, appended: y, appendedMean: yMean, isCancelled: isCancelled) else {
            throw CancelledOptimization()
        }
        let q = p + 1
        var gram = [Double](repeating: 0, count: p * p)
        var xty = [Double](repeating: 0, count: p)
        for a in 0..<p {
            for b in 0..<p { gram[a * p + b] = products[a * q + b] }
            xty[a] = products[a * q + p]
        }
        if isCancelled() { throw CancelledOptimization() }
        if l1 > 0 {
            let beta = try Self.coordinateDescent(gram: gram, xty: xty, size: p, l1: l1 * Double(y.count), l2: l2, isCancelled: isCancelled)
            var intercept = yMean
            for j in 0..<p { intercept -= beta[j] * means[j] }
            return Model(coefficients: beta, intercept: intercept, rank: beta.filter { $0 != 0 }.count)
        }
        guard let solution = try SymmetricSystem.solve(gram, size: p, rhs: xty, ridge: l2, isCancelled: isCancelled) else {
            throw CancelledOptimization()
        }
        let beta = solution.x, rank = solution.rank
        var intercept = yMean
        for j in 0..<p { intercept -= beta[j] * means[j] }
        return Model(coefficients: beta, intercept: intercept, rank: rank)
    }

    /// Minimises ½wᵀGw − wᵀc + l1‖w‖₁ + ½l2‖w‖² (the summed-loss form of the objective)
    /// by cyclic coordinate descent on the Gram matrix (glmnet's covariance updates): each
    /// sweep costs O(p²) whatever the number of rows, and `Gw` is kept up to date as
    /// coordinates move. Stops when a sweep moves no coefficient by more than 1e-13 of the
    /// largest (scaled by its feature's spread), as exact as the arithmetic allows.
    static func coordinateDescent(gram g: [Double], xty c: [Double], size p: Int, l1: Double, l2: Double,
                                  isCancelled: () -> Bool) throws -> [Double] {
        var w = [Double](repeating: 0, count: p)
        var gw = [Double](repeating: 0, count: p)
        let limit = 100_000
        for sweep in 0..<limit {
            if sweep % 64 == 63, isCancelled() { throw CancelledOptimization() }
            var largestStep = 0.0, largest = 0.0
            for j in 0..<p {
                let diagonal = g[j * p + j] + l2
                guard diagonal > 0 else { continue }  // a constant feature keeps 0
                let rho = c[j] - (gw[j] - g[j * p + j] * w[j])
                let updated = rho > l1 ? (rho - l1) / diagonal : rho < -l1 ? (rho + l1) / diagonal : 0
                let delta = updated - w[j]
                if delta != 0 {
                    for k in 0..<p { gw[k] += delta * g[k * p + j] }
                    w[j] = updated
                    largestStep = max(largestStep, abs(delta) * g[j * p + j].squareRoot())
                }
                largest = max(largest, abs(w[j]) * g[j * p + j].squareRoot())
            }
            if largestStep <= 1e-13 * max(largest, Double.leastNormalMagnitude) { return w }
        }
        throw LearningError("coordinate descent did not settle in \(limit) sweeps", help: "scale the features ('scale standard numeric')")
    }
}
