import Tabular

/// A dense row-major matrix of model inputs (rows are observations).
public struct DesignMatrix: Sendable, Equatable {
    public var rows: Int
    public var columns: Int
    /// `values[row * columns + column]`
    public var values: [Double]

    public init(rows: Int, columns: Int, values: [Double]) {
        precondition(values.count == rows * columns, "matrix size does not match its values")
        self.rows = rows
        self.columns = columns
        self.values = values
    }

    /// Builds a matrix from column vectors (as tables store them), taking only the given
    /// rows (all when nil) in their order. Row blocks are filled in parallel, each written
    /// once: no zero-fill and no intermediate copy of the selected rows.
    /// - Complexity: O(rows × columns)
    public init(columnVectors: [[Double]], rows selected: [Int]? = nil) {
        self = DesignMatrix.gathering(columnVectors, rows: selected).matrix
    }

    /// As `init(columnVectors:rows:)`, also saying which columns hold a value that is not
    /// finite (NaN, the missing value, or ±infinity) among the taken rows, found while
    /// copying (a separate check would read every cell again).
    public static func gathering(_ columnVectors: [[Double]], rows selected: [Int]? = nil) -> (matrix: DesignMatrix, columnsNotFinite: [Int]) {
        gathering(features: columnVectors.map { .numbers($0) }, rows: selected)
    }

    /// As `gathering(_:rows:)`, from features as tables store them (booleans read as 0/1).
    public static func gathering(features columnVectors: [FeatureVector], rows selected: [Int]? = nil) -> (matrix: DesignMatrix, columnsNotFinite: [Int]) {
        let rows = selected?.count ?? columnVectors.first?.count ?? 0
        let columns = columnVectors.count
        let blocks = ParallelBlocks.blocks(count: rows, minimumBlock: 4096)
        var nanSeen: [[Bool]] = []  // per block, per column
        let values = [Double](unsafeUninitializedCapacity: rows * columns) { buffer, initialized in
            HugePages.advise(UnsafeMutableRawBufferPointer(buffer))
            guard let base = buffer.baseAddress else { return }
            nanSeen = Parallel.map(blocks) { block in
                columnVectors.indices.map { j in
                    var nan = false
                    columnVectors[j].withValues { v in
                        // x - x is 0 for finite x and NaN for NaN and ±infinity.
                        if let selected {
                            for i in block { let x = v[selected[i]]; nan = nan || x - x != 0; (base + i * columns + j).initialize(to: x) }
                        } else {
                            for i in block { let x = v[i]; nan = nan || x - x != 0; (base + i * columns + j).initialize(to: x) }
                        }
                    }
                    return nan
                }
            }
            initialized = rows * columns
        }
        let withNaN = (0..<columns).filter { j in nanSeen.contains { $0[j] } }
        return (DesignMatrix(rows: rows, columns: columns, values: values), withNaN)
    }

    /// Per-column mean, summed over row blocks in parallel and combined in block order.
    /// - Complexity: O(rows × columns)
    public func columnMeans() -> [Double] {
        guard rows > 0 else { return [Double](repeating: 0, count: columns) }
        let p = columns
        return columnSums { row, out in for j in 0..<p { out[j] += row[j] } }.map { $0 / Double(rows) }
    }

    /// Per-column mean and population standard deviation (n in the denominator).
    /// Two passes (mean, then squared deviations) for accuracy; each pass sums row blocks
    /// in parallel and combines them in block order, so the result is deterministic.
    /// - Complexity: O(rows × columns)
    public func columnMeansAndDeviations() -> (means: [Double], deviations: [Double]) {
        guard rows > 0 else { return ([Double](repeating: 0, count: columns), [Double](repeating: 0, count: columns)) }
        let p = columns
        let means = columnMeans()
        let squares = means.withUnsafeBufferPointer { m in
            columnSums { row, out in for j in 0..<p { let d = row[j] - m[j]; out[j] += d * d } }
        }
        return (means, squares.map { ($0 / Double(rows)).squareRoot() })
    }

    /// Adds `accumulate(row, sums)` over all rows, in parallel row blocks combined in order.
    private func columnSums(_ accumulate: (UnsafePointer<Double>, UnsafeMutablePointer<Double>) -> Void) -> [Double] {
        let p = columns
        let partials = values.withUnsafeBufferPointer { x in
            ParallelBlocks.map(count: rows) { range -> [Double] in
                var sums = [Double](repeating: 0, count: p)
                sums.withUnsafeMutableBufferPointer { out in
                    for i in range { accumulate(x.baseAddress! + i * p, out.baseAddress!) }
                }
                return sums
            }
        }
        var total = [Double](repeating: 0, count: p)
        for partial in partials { for j in 0..<p { total[j] += partial[j] } }
        return total
    }
}

/// Splits `0..<count` into contiguous blocks processed in parallel, combining the
/// per-block results in block order so floating-point sums are deterministic.
enum ParallelBlocks {
    static func blocks(count: Int, minimumBlock: Int = 8192) -> [Range<Int>] {
        guard count > 0 else { return [] }
        let blockCount = max(1, min(64, count / minimumBlock))
        let size = (count + blockCount - 1) / blockCount
        return stride(from: 0, to: count, by: size).map { $0..<min(count, $0 + size) }
    }

    static func map<T>(count: Int, _ body: (Range<Int>) -> T) -> [T] {
        Parallel.map(blocks(count: count), body)
    }
}

