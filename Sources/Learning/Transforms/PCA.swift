import Tabular

/// How many components `pca` keeps.
public enum ComponentCount: Sendable, Equatable {
    /// As many as there are columns.
    case all
    case count(Int)
    /// The fewest components whose explained variance reaches this share (as scikit-learn
    /// counts them: the first whose cumulative share exceeds it).
    case variance(Double)
}

/// `pca COLUMNS [components=K | variance=X]`: the columns replaced by their principal
/// components `pc1`, `pc2`, …: the centred values projected on the eigenvectors of their
/// covariance on the fitting rows, largest variance first, each signed so that its
/// largest loading is positive (scikit-learn's `PCA`, whose components these equal). The
/// columns are centred, not scaled: scale them first when their units differ.
public struct PCAStep: PreparationStep {
    public var columns: [String]
    public var components: ComponentCount

    public init(columns: [String], components: ComponentCount) {
        self.columns = columns
        self.components = components
    }

    public var verb: String { "pca" }
    public var text: String {
        switch components {
        case .all: return "pca \(listText(columns))"
        case .count(let k): return "pca \(listText(columns)) components=\(k)"
        case .variance(let x): return "pca \(listText(columns)) variance=\(NumberFormatting.shortest(x))"
        }
    }
    public var isLearned: Bool { true }

    /// The most columns it decomposes (the eigen-solver is O(p³)).
    static let mostColumns = 1000

    public func fit(_ table: Table, rows: [Int]?) throws -> (fitted: [FittedStep], table: Table) {
        // Columns an earlier learned selection dropped (in a refit) are left out, as fitEach does.
        let columns = self.columns.filter { table.column(named: $0) != nil }
        guard columns.count >= 2 else { throw LearningError("pca takes two number columns or more") }
        guard columns.count <= Self.mostColumns else {
            throw LearningError("pca takes at most \(Self.mostColumns) columns, and there are \(columns.count)", help: "select fewer first, e.g. select best 100 by anova")
        }
        var data: [[Double]] = []
        for name in columns {
            let column = table.column(named: name)!
            guard let values = column.numericValues, column.type.isNumeric else {
                throw LearningError("'\(name)' is \(column.type.rawValue); pca takes number columns")
            }
            let fitting = rows.map { $0.map { values[$0] } } ?? values
            guard fitting.allSatisfy(\.isFinite) else {
                throw LearningError("'\(name)' has missing or infinite values, which pca cannot project", help: "impute it first")
            }
            data.append(fitting)
        }
        let n = data[0].count, p = columns.count
        guard n >= 2 else { throw LearningError("pca needs two rows or more to learn from") }
        let means = data.map { $0.reduce(0, +) / Double(n) }
        // Covariance (divided by n − 1, as scikit-learn's explained variance).
        var covariance = [Double](repeating: 0, count: p * p)
        let centred = zip(data, means).map { column, mean in column.map { $0 - mean } }
        for i in 0..<p {
            for j in i..<p {
                var sum = 0.0
                centred[i].withUnsafeBufferPointer { a in centred[j].withUnsafeBufferPointer { b in for r in 0..<n { sum += a[r] * b[r] } } }
                covariance[i * p + j] = sum / Double(n - 1)
                covariance[j * p + i] = covariance[i * p + j]
            }
        }
        let (values, vectors) = JacobiEigen.decompose(covariance, size: p)
        let order = values.indices.sorted { values[$0] > values[$1] }
        let total = values.reduce(0) { $0 + max($1, 0) }
        guard total > 0 else { throw LearningError("the columns are constant on the fitting rows: there is no variance to keep") }
        let ratios = order.map { max(values[$0], 0) / total }
        let keep: Int
        switch components {
        case .all: keep = p
        case .count(let k):
            guard k <= p else { throw LearningError("pca of \(Plural.count(p, "column")) has at most \(p) components, not \(k)") }
            keep = k
        case .variance(let share):
            var cumulative = 0.0, k = 0
            while k < p, cumulative <= share { cumulative += ratios[k]; k += 1 }
            keep = max(1, k)
        }
        var loadings: [[Double]] = []
        for index in order.prefix(keep) {
            var vector = (0..<p).map { vectors[$0 * p + index] }
            // Signed so that the largest loading (the first of equals) is positive.
            let largest = vector.indices.max { abs(vector[$0]) < abs(vector[$1]) || abs(vector[$0]) == abs(vector[$1]) && $0 > $1 }!
            if vector[largest] < 0 { vector = vector.map { -$0 } }
            loadings.append(vector)
        }
        let fitted = FittedPCA(columns: columns, means: means, loadings: loadings,
                               explainedVariance: order.prefix(keep).map { values[$0] }, explainedRatio: Array(ratios.prefix(keep)))
        var taken = Set(table.columnNames).subtracting(columns)
        for name in fitted.outputNames where !taken.insert(name).inserted {
            throw LearningError("pca would make a column '\(name)', but that name is taken", help: "rename it first")
        }
        return ([FittedStep(fitted)], try fitted.apply(to: table))
    }
}

/// The eigenvalues and eigenvectors of a symmetric matrix by cyclic Jacobi rotations:
/// slower than Householder and QL, but simple, accurate to working precision, and the
/// vectors come with it. Deterministic (a fixed order of rotations).
enum JacobiEigen {
    /// - Returns: the eigenvalues, and the eigenvectors as the columns of a row-major p × p matrix.
    static func decompose(_ matrix: [Double], size p: Int) -> (values: [Double], vectors: [Double]) {
        var a = matrix
        var v = [Double](repeating: 0, count: p * p)
        for i in 0..<p { v[i * p + i] = 1 }
        for _ in 0..<100 {
            var off = 0.0, diagonal = 0.0
            for i in 0..<p {
                diagonal += a[i * p + i] * a[i * p + i]
                for j in (i + 1)..<max(i + 1, p) { off += a[i * p + j] * a[i * p + j] }
            }
            if off <= 1e-30 * max(diagonal, Double.leastNormalMagnitude) { break }
            for i in 0..<(p - 1) {
                for j in (i + 1)..<p {
                    let aij = a[i * p + j]
                    guard aij != 0 else { continue }
                    let theta = (a[j * p + j] - a[i * p + i]) / (2 * aij)
                    let t = (theta >= 0 ? 1 : -1) / (abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot(), s = t * c
                    for k in 0..<p {  // columns i and j
                        let aki = a[k * p + i], akj = a[k * p + j]
                        a[k * p + i] = c * aki - s * akj
                        a[k * p + j] = s * aki + c * akj
                    }
                    for k in 0..<p {  // rows i and j
                        let aik = a[i * p + k], ajk = a[j * p + k]
                        a[i * p + k] = c * aik - s * ajk
                        a[j * p + k] = s * aik + c * ajk
                    }
                    for k in 0..<p {
                        let vki = v[k * p + i], vkj = v[k * p + j]
                        v[k * p + i] = c * vki - s * vkj
                        v[k * p + j] = s * vki + c * vkj
                    }
                }
            }
        }
        return ((0..<p).map { a[$0 * p + $0] }, v)
    }
}

/// Bundle JSON: `{"step": "pca", "columns": [...], "means": [...], "loadings": [[...] per
/// component], "explained_variance": [...], "explained_ratio": [...]}`.
public struct FittedPCA: FittedTransform {
    public static let kind = "pca"
    public var columns: [String]
    public var means: [Double]
    public var loadings: [[Double]]
    public var explainedVariance: [Double]
    public var explainedRatio: [Double]

    public init(columns: [String], means: [Double], loadings: [[Double]], explainedVariance: [Double], explainedRatio: [Double]) {
        self.columns = columns
        self.means = means
        self.loadings = loadings
        self.explainedVariance = explainedVariance
        self.explainedRatio = explainedRatio
    }

    public var outputNames: [String] { loadings.indices.map { "pc\($0 + 1)" } }

    public func apply(to table: Table, report: inout PreparationReport) throws -> Table {
        let inputs = try columns.map { name -> [Double] in
            let column = try requiredColumn(name, in: table)
            guard let values = column.numericValues, column.type.isNumeric else {
                throw PreparationError.input("column '\(name)' should hold numbers for pca")
            }
            return values
        }
        let unusable = (0..<table.rowCount).filter { row in inputs.contains { !$0[row].isFinite } }
        if let first = unusable.first {
            let name = columns[inputs.firstIndex { !$0[first].isFinite }!]
            throw PreparationError.rows(unusable, column: name, reason: "pca needs every one of its columns, and '\(name)' is missing or infinite")
        }
        let made = Parallel.map(loadings.count) { k -> Column in
            var projected = [Double](repeating: 0, count: table.rowCount)
            for (j, values) in inputs.enumerated() {
                let weight = loadings[k][j], mean = means[j]
                projected.withUnsafeMutableBufferPointer { out in for r in out.indices { out[r] += (values[r] - mean) * weight } }
            }
            return Column(name: outputNames[k], numbers: projected)
        }
        if let clash = outputNames.first(where: { table.column(named: $0) != nil && !columns.contains($0) }) {
            throw PreparationError.input("pca makes the column '\(clash)', which the data already has")
        }
        var result = table
        let first = columns.compactMap { table.index(of: $0) }.min()!
        result.replaceColumn(at: first, with: made)
        result.removeColumns(named: Set(columns).subtracting(outputNames))
        return result
    }

    public func check(against table: Table) throws {
        guard columns.count >= 2, means.count == columns.count, !loadings.isEmpty, loadings.allSatisfy({ $0.count == columns.count }),
              explainedVariance.count == loadings.count, explainedRatio.count == loadings.count else {
            throw PreparationError.corrupt("its columns, means and loadings do not line up")
        }
        guard means.allSatisfy(\.isFinite), loadings.allSatisfy({ $0.allSatisfy(\.isFinite) }) else {
            throw PreparationError.corrupt("its means or loadings are not finite numbers")
        }
        for name in columns {
            let column = try requiredColumn(name, in: table)
            guard column.type.isNumeric else { throw PreparationError.corrupt("it projects '\(name)', a \(column.type.rawValue) column") }
        }
    }

    public var column: String? { nil }
    public var producedColumns: [String] { outputNames }
    public var summary: String { "pca \(listText(columns)) -> \(Plural.count(loadings.count, "component"))" }
    public var learnedText: String {
        let share = explainedRatio.reduce(0, +) * 100
        return "\(Plural.count(columns.count, "column")) → \(listText(outputNames)), \(NumberFormatting.significant(share, digits: 4))% of the variance"
    }

    private enum CodingKeys: String, CodingKey {
        case columns, means, loadings, explainedVariance = "explained_variance", explainedRatio = "explained_ratio"
    }
}
