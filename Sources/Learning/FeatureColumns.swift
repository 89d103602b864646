import CKernels
import Tabular

/// Model inputs as tables store them: one vector per feature, and the rows to use (all
/// when nil). Fits that only need sums over rows (means, cross-products) stream over
/// these in cache-sized tiles instead of first copying everything into a row-major
/// `DesignMatrix`, which at a million rows is hundreds of megabytes written and read.
public struct FeatureColumns: Sendable {
    public var vectors: [FeatureVector]
    public var rows: [Int]?

    public init(features: [FeatureVector], rows: [Int]? = nil) {
        precondition(Set(features.map(\.count)).count <= 1, "feature vectors differ in length")
        self.vectors = features
        self.rows = rows
    }

    public init(_ vectors: [[Double]], rows: [Int]? = nil) {
        self.init(features: vectors.map { .numbers($0) }, rows: rows)
    }

    /// The columns of a matrix (a copy; meant for small matrices and tests).
    public init(_ matrix: DesignMatrix) {
        let vectors = (0..<matrix.columns).map { j in (0..<matrix.rows).map { matrix.values[$0 * matrix.columns + j] } }
        self.init(vectors)
    }

    /// Number of features.
    public var count: Int { vectors.count }

    /// Number of rows taken.
    public var rowCount: Int { rows?.count ?? vectors.first?.count ?? 0 }

    /// The mean of each feature over the taken rows (features in parallel).
    /// - Complexity: O(rows × features)
    public func means() -> [Double] {
        guard rowCount > 0 else { return [Double](repeating: 0, count: count) }
        let n = Double(rowCount)
        return Parallel.map(vectors) { vector in
            vector.withValues { v in
                var sum = 0.0
                if let rows { for i in rows { sum += v[i] } } else { for i in 0..<vector.count { sum += v[i] } }
                return sum / n
            }
        }
    }

    /// Sums of products of centred values, Σᵢ (xₐᵢ − mₐ)(x_bᵢ − m_b), over the taken rows
    /// for every pair of features, with `appended` (one value per taken row, centred by
    /// `appendedMean`) as one more feature at the end. Returns the full symmetric
    /// (count + 1)² matrix, row-major.
    ///
    /// Rows go in parallel blocks; each block copies tiles of 256 rows, centred, into a
    /// column-major buffer that stays in cache and adds the tile's dot products. Block
    /// results are added in block order, so the sums are deterministic. Nil when
    /// `isCancelled` turned true.
    /// - Complexity: O(rows × features²)
    public func centredCrossProducts(means: [Double], appended: [Double], appendedMean: Double,
                                     isCancelled: () -> Bool = { false }) -> [Double]? {
        precondition(appended.count == rowCount && means.count == count)
        let p = count, q = count + 1
        let tileRows = 256
        let partials = ParallelBlocks.map(count: rowCount) { block -> [Double]? in
            var sums = [Double](repeating: 0, count: q * q)
            let tile = UnsafeMutablePointer<Double>.allocate(capacity: q * tileRows)
            defer { tile.deallocate() }
            let finished = sums.withUnsafeMutableBufferPointer { s -> Bool in
                for (number, start) in stride(from: block.lowerBound, to: block.upperBound, by: tileRows).enumerated() {
                    if number % 64 == 63, isCancelled() { return false }
                    let m = min(tileRows, block.upperBound - start)
                    for j in 0..<q {
                        let target = tile + j * tileRows
                        if j == p {
                            appended.withUnsafeBufferPointer { y in for i in 0..<m { target[i] = y[start + i] - appendedMean } }
                        } else {
                            let mean = means[j]
                            vectors[j].withValues { v in
                                if let rows {
                                    rows.withUnsafeBufferPointer { r in for i in 0..<m { target[i] = v[r[start + i]] - mean } }
                                } else {
                                    for i in 0..<m { target[i] = v[start + i] - mean }
                                }
                            }
                        }
                    }
                    mlw_add_tile_products(tile, tileRows, m, q, s.baseAddress!)
                }
                return true
            }
            return finished ? sums : nil
        }
        var total = [Double](repeating: 0, count: q * q)
        for partial in partials {
            guard let partial else { return nil }  // cancelled
            for k in total.indices { total[k] += partial[k] }
        }
        for a in 0..<q { for b in 0..<a { total[a * q + b] = total[b * q + a] } }
        return total
    }
}

