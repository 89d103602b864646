/// Least-squares linear regression with an optional L2 (ridge) penalty on the
/// coefficients (the intercept is not penalised), as scikit-learn's `LinearRegression`
/// (l2=0) and `Ridge(alpha=l2)`.
public enum LinearRegression {
    public static let descriptor = AlgorithmDescriptor(
        name: "linear", task: .regression,
        summary: "least-squares linear regression, with an optional L2 (ridge) penalty",
        hyperParameters: [
            HyperParameter(key: "l2", summary: "ridge penalty on the summed squared error (scikit-learn's alpha); 0 is plain least squares",
                           defaultValue: 0, range: 0...1e12),
        ])

    /// Settings of a fit (a value; validated through `descriptor`).
    public struct Parameters: Sendable, Equatable {
        public var l2: Double = 0

        public init() {}

        /// Maps resolved `key=value` settings to properties.
        public init(settings: [(key: String, value: Double)]) {
            for (key, value) in settings {
                switch key {
                case "l2": l2 = value
                default: preconditionFailure("unknown linear setting \(key)")
                }
            }
        }
    }

    /// A fitted linear model.
    public struct Model: Sendable, Codable, Equatable {
        public var coefficients: [Double]
        public var intercept: Double
        /// Numerical rank of the centred design (less than the feature count when
        /// features are collinear; the minimum-norm solution is returned then).
        public var rank: Int

        /// Predicted values, one per row.
        /// - Complexity: O(rows × features)
        public func predict(_ x: DesignMatrix) -> [Double] {
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
    }

    /// Solves the (ridge) normal equations of the centred problem through a symmetric
    /// eigendecomposition of the Gram matrix. Centring removes the intercept from the
    /// system and keeps the Gram matrix well scaled; the eigendecomposition gives the
    /// minimum-norm solution when columns are collinear (e.g. every level of a one-hot
    /// encoding), where a plain Cholesky factorisation would fail.
    /// - Complexity: O(rows × features²) for the Gram matrix, O(features³) for the solve.
    public static func fit(_ x: DesignMatrix, targets y: [Double], parameters: Parameters,
                           isCancelled: () -> Bool = { false }) throws -> Model {
        guard x.rows == y.count else { throw LearningError("features and targets differ in length") }
        guard x.rows > 0 else { throw LearningError("there are no training rows") }
        let p = x.columns
        let means = x.columnMeans()
        let yMean = y.reduce(0, +) / Double(y.count)
        if isCancelled() { throw CancelledOptimization() }
        let partials = ParallelBlocks.map(count: x.rows) { range -> ([Double], [Double]) in
            var gram = [Double](repeating: 0, count: p * p)
            var xty = [Double](repeating: 0, count: p)
            // Rows are centred four at a time into a small buffer, then one pass over the
            // upper triangle adds all four rank-1 updates: each Gram entry is loaded and
            // stored once per four rows. Raw pointers keep bounds checks out so the inner
            // loop vectorises.
            let centred = UnsafeMutablePointer<Double>.allocate(capacity: max(4 * p, 1))
            defer { centred.deallocate() }
            let c0 = centred, c1 = centred + p, c2 = centred + 2 * p, c3 = centred + 3 * p
            x.values.withUnsafeBufferPointer { values in
                gram.withUnsafeMutableBufferPointer { g in
                    xty.withUnsafeMutableBufferPointer { v in
                        let gp = g.baseAddress!, vp = v.baseAddress!
                        var i = range.lowerBound
                        while i < range.upperBound {
                            let group = min(4, range.upperBound - i)
                            var r = (0.0, 0.0, 0.0, 0.0)
                            for k in 0..<4 {
                                let buffer = centred + k * p
                                if k < group {
                                    let row = values.baseAddress! + (i + k) * p
                                    for j in 0..<p { buffer[j] = row[j] - means[j] }
                                } else {
                                    for j in 0..<p { buffer[j] = 0 }  // a short last group adds nothing
                                }
                            }
                            if group > 0 { r.0 = y[i] - yMean }
                            if group > 1 { r.1 = y[i + 1] - yMean }
                            if group > 2 { r.2 = y[i + 2] - yMean }
                            if group > 3 { r.3 = y[i + 3] - yMean }
                            for a in 0..<p {
                                let x0 = c0[a], x1 = c1[a], x2 = c2[a], x3 = c3[a]
                                vp[a] += x0 * r.0 + x1 * r.1 + x2 * r.2 + x3 * r.3
                                let line = gp + a * p
                                for b in a..<p { line[b] += x0 * c0[b] + x1 * c1[b] + x2 * c2[b] + x3 * c3[b] }
                            }
                            i += group
                        }
                    }
                }
            }
            return (gram, xty)
        }
        var gram = [Double](repeating: 0, count: p * p)
        var xty = [Double](repeating: 0, count: p)
        for (g, v) in partials {
            for i in gram.indices { gram[i] += g[i] }
            for i in xty.indices { xty[i] += v[i] }
        }
        for a in 0..<p { for b in 0..<a { gram[a * p + b] = gram[b * p + a] } }
        if isCancelled() { throw CancelledOptimization() }
        let (eigenvalues, eigenvectors) = SymmetricEigen.decompose(gram, size: p)
        let largest = eigenvalues.map(abs).max() ?? 0
        // Relative cut-off for a zero eigenvalue of XᵀX (the square of lstsq's rcond ~ 1e-8).
        let cutoff = largest * 1e-12
        var beta = [Double](repeating: 0, count: p)
        var rank = 0
        for k in 0..<p {
            let lambda = eigenvalues[k]
            if parameters.l2 == 0, lambda <= cutoff { continue }
            rank += lambda > cutoff ? 1 : 0
            var projection = 0.0
            for j in 0..<p { projection += eigenvectors[j * p + k] * xty[j] }
            let scale = projection / (lambda + parameters.l2)
            for j in 0..<p { beta[j] += eigenvectors[j * p + k] * scale }
        }
        var intercept = yMean
        for j in 0..<p { intercept -= beta[j] * means[j] }
        return Model(coefficients: beta, intercept: intercept, rank: rank)
    }
}
