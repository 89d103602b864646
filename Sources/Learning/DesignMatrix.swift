import Dispatch

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

    /// Builds a matrix from column vectors (as tables store them).
    /// - Complexity: O(rows × columns)
    public init(columnVectors: [[Double]]) {
        let rows = columnVectors.first?.count ?? 0
        let columns = columnVectors.count
        var values = [Double](repeating: 0, count: rows * columns)
        for (j, vector) in columnVectors.enumerated() {
            for i in 0..<rows { values[i * columns + j] = vector[i] }
        }
        self.init(rows: rows, columns: columns, values: values)
    }

    /// Per-column mean and population standard deviation (n in the denominator).
    public func columnMeansAndDeviations() -> (means: [Double], deviations: [Double]) {
        var means = [Double](repeating: 0, count: columns)
        var squares = [Double](repeating: 0, count: columns)
        guard rows > 0 else { return (means, squares) }
        values.withUnsafeBufferPointer { x in
            for i in 0..<rows { for j in 0..<columns { means[j] += x[i * columns + j] } }
            for j in 0..<columns { means[j] /= Double(rows) }
            for i in 0..<rows { for j in 0..<columns { let d = x[i * columns + j] - means[j]; squares[j] += d * d } }
        }
        return (means, squares.map { ($0 / Double(rows)).squareRoot() })
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
        let ranges = blocks(count: count)
        var results = [T?](repeating: nil, count: ranges.count)
        results.withUnsafeMutableBufferPointer { slots in
            let base = slots.baseAddress!
            DispatchQueue.concurrentPerform(iterations: ranges.count) { k in
                base[k] = body(ranges[k])
            }
        }
        return results.map { $0! }
    }
}
