import Tabular

/// Least-squares linear regression with an optional L2 (ridge) penalty on the
/// coefficients (the intercept is not penalised), as scikit-learn's `LinearRegression`
/// (l2=0) and `Ridge(alpha=l2)`.
public struct LinearRegression: Estimator {
    public static let name = "linear"
    public static let summary = "least-squares linear regression, with an optional L2 (ridge) penalty"
    public static let tasks: [Task] = [.regression]
    public static let settings = SettingsSchema([
        SettingSpec("l2", "ridge penalty on the summed squared error (scikit-learn's alpha); 0 is plain least squares",
                    forms: [.number(0...1e12)], default: .value(.number(0))),
    ])

    public var l2: Double

    public init(_ settings: Settings) {
        l2 = settings.number("l2")
    }

    public func fit(_ data: TrainingData) throws -> Fit<Model> {
        let model = try fit(data.features, targets: try data.values(for: Self.name), isCancelled: data.isCancelled)
        var remarks: [Remark] = []
        if model.rank < data.features.count && l2 == 0 {
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
        guard let solution = try SymmetricSystem.solve(gram, size: p, rhs: xty, ridge: l2, isCancelled: isCancelled) else {
            throw CancelledOptimization()
        }
        let beta = solution.x, rank = solution.rank
        var intercept = yMean
        for j in 0..<p { intercept -= beta[j] * means[j] }
        return Model(coefficients: beta, intercept: intercept, rank: rank)
    }
}
