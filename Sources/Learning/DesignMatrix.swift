import Dispatch
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
        let rows = selected?.count ?? columnVectors.first?.count ?? 0
        let columns = columnVectors.count
        let values = [Double](unsafeUninitializedCapacity: rows * columns) { buffer, initialized in
            let base = buffer.baseAddress
            let blocks = ParallelBlocks.blocks(count: rows, minimumBlock: 4096)
            DispatchQueue.concurrentPerform(iterations: blocks.count) { k in
                guard let base else { return }
                for (j, vector) in columnVectors.enumerated() {
                    vector.withUnsafeBufferPointer { v in
                        if let selected {
                            for i in blocks[k] { (base + i * columns + j).initialize(to: v[selected[i]]) }
                        } else {
                            for i in blocks[k] { (base + i * columns + j).initialize(to: v[i]) }
                        }
                    }
                }
            }
            initialized = rows * columns
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
        Parallel.map(blocks(count: count), body)
    }
}
