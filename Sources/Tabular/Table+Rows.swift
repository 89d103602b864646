/// Rows compared by the values of some columns: equal rows (`dedupe`).
public struct RowKeys {
    let columns: [Column]

    public init(_ columns: [Column]) {
        self.columns = columns
    }

    /// The first row of each set of rows with equal values in the columns, in row order.
    /// Missing values are equal to each other; a number's -0 equals 0.
    /// - Complexity: O(rows × columns), rows hashed and compared only on equal hashes.
    public func firstOfEach(rowCount: Int) -> [Int] {
        let hashes = rowHashes(rowCount: rowCount)
        // The first row of each hash; rows whose hash is taken by a different row (rare)
        // go to a list per hash.
        var first: [UInt64: Int32] = [:]
        first.reserveCapacity(rowCount)
        var others: [UInt64: [Int]] = [:]
        var kept: [Int] = []
        for row in 0..<rowCount {
            let key = hashes[row]
            guard let earlier = first[key] else { first[key] = Int32(row); kept.append(row); continue }
            if equal(Int(earlier), row) { continue }
            if let candidates = others[key], candidates.contains(where: { equal($0, row) }) { continue }
            others[key, default: []].append(row)
            kept.append(row)
        }
        return kept
    }

    /// Every row's hash, column by column (each column read once, in order).
    func rowHashes(rowCount: Int) -> [UInt64] {
        var hashes = [UInt64](repeating: 0xcbf2_9ce4_8422_2325, count: rowCount)
        @inline(__always) func mix(_ h: inout UInt64, _ value: UInt64) {
            h = (h ^ value) &* 0x9E37_79B9_7F4A_7C15
            h ^= h >> 29
        }
        hashes.withUnsafeMutableBufferPointer { h in
            for column in columns {
                switch column.data {
                case .number(let values), .date(let values):
                    for row in 0..<rowCount {
                        let v = values[row]
                        mix(&h[row], v.isNaN ? 0x7ff8_0000_0000_0000 : (v == 0 ? 0 : v.bitPattern))
                    }
                case .text(let codes, _): for row in 0..<rowCount { mix(&h[row], UInt64(bitPattern: Int64(codes[row]))) }
                case .boolean(let flags): for row in 0..<rowCount { mix(&h[row], UInt64(flags[row])) }
                }
            }
        }
        return hashes
    }

    private func hash(_ row: Int) -> UInt64 {
        var hasher = FingerprintHasher()
        for column in columns {
            switch column.data {
            case .number(let values), .date(let values): hasher.combine(values[row])
            case .text(let codes, _): hasher.combine(UInt64(bitPattern: Int64(codes[row])))
            case .boolean(let flags): hasher.combine(UInt64(flags[row]))
            }
        }
        return hasher.value
    }

    private func equal(_ a: Int, _ b: Int) -> Bool {
        columns.allSatisfy { column in
            switch column.data {
            case .number(let values), .date(let values): return values[a] == values[b] || (values[a].isNaN && values[b].isNaN)
            case .text(let codes, _): return codes[a] == codes[b]  // a dictionary holds each value once
            case .boolean(let flags): return flags[a] == flags[b]
            }
        }
    }
}

/// Rows ordered by the values of some columns (`sort`).
public struct RowOrder {
    /// Per key: a sortable value per row (text by its rank among the column's values,
    /// booleans 0 and 1), NaN for missing, and whether the key descends.
    let keys: [(values: [Double], descending: Bool)]

    public init(_ keys: [(column: Column, descending: Bool)]) {
        self.keys = keys.map { column, descending in (column.orderingValues, descending) }
    }

    /// The rows in order: by each key in turn, missing values last whatever the direction,
    /// and equal rows in their original order.
    /// - Complexity: O(rows log rows × keys)
    public func sorted(rowCount: Int) -> [Int] {
        (0..<rowCount).sorted { a, b in
            for (values, descending) in keys {
                let x = values[a], y = values[b]
                if x.isNaN || y.isNaN {
                    if x.isNaN != y.isNaN { return y.isNaN }
                    continue
                }
                if x != y { return descending ? x > y : x < y }
            }
            return a < b
        }
    }
}

extension RowKeys {
    /// The group of each row (rows with equal values in the columns share one), numbered
    /// in order of first appearance, and the first row of each group. Each column's values
    /// become small dense codes first (text through its dictionary codes), and a row's
    /// codes combine into one number: no hashing of cells.
    /// - Complexity: O(rows × columns)
    public func groups(rowCount: Int) -> (groupOfRow: [Int], firstRows: [Int]) {
        let dense = Parallel.map(columns) { Self.denseCodes($0) }
        var combined = [Int](repeating: 0, count: rowCount)
        var capacity = 1
        var fits = true
        for (codes, count) in dense {
            if capacity.multipliedReportingOverflow(by: count).overflow { fits = false; break }
            for row in 0..<rowCount { combined[row] = combined[row] * count + Int(codes[row]) }
            capacity *= count
        }
        guard fits else { return groupsByHash(rowCount: rowCount) }
        var groupOfRow = [Int](repeating: 0, count: rowCount)
        var firstRows: [Int] = []
        if capacity <= 1 << 22 {
            var groupOfKey = [Int32](repeating: -1, count: max(1, capacity))
            for row in 0..<rowCount {
                let key = combined[row]
                if groupOfKey[key] < 0 { groupOfKey[key] = Int32(firstRows.count); firstRows.append(row) }
                groupOfRow[row] = Int(groupOfKey[key])
            }
        } else {
            var groupOfKey: [Int: Int] = [:]
            for row in 0..<rowCount {
                let key = combined[row]
                if let group = groupOfKey[key] { groupOfRow[row] = group; continue }
                groupOfKey[key] = firstRows.count
                groupOfRow[row] = firstRows.count
                firstRows.append(row)
            }
        }
        return (groupOfRow, firstRows)
    }

    /// Codes 0..<count, equal for equal values (missing is one more value).
    static func denseCodes(_ column: Column) -> (codes: [Int32], count: Int) {
        switch column.data {
        case .text(let codes, let dictionary): return (codes.map { $0 + 1 }, dictionary.count + 1)
        case .boolean(let flags): return (flags.map { $0 == Column.missingBoolean ? 2 : Int32($0) }, 3)
        case .number(let values), .date(let values):
            // Each distinct value gets the next id; missing gets the id after the last.
            var ids: [Double: Int32] = [:]
            var codes = [Int32](repeating: -1, count: values.count)
            for (row, x) in values.enumerated() where !x.isNaN {
                let key = x == 0 ? 0 : x  // -0 is 0
                if let id = ids[key] { codes[row] = id } else { let id = Int32(ids.count); ids[key] = id; codes[row] = id }
            }
            let missing = Int32(ids.count)
            return (codes.map { $0 < 0 ? missing : $0 }, ids.count + 1)
        }
    }

    private func groupsByHash(rowCount: Int) -> (groupOfRow: [Int], firstRows: [Int]) {
        var seen: [UInt64: [Int]] = [:]  // hash → group numbers
        var firstRows: [Int] = []
        var groupOfRow = [Int](repeating: 0, count: rowCount)
        for row in 0..<rowCount {
            let key = hash(row)
            if let candidates = seen[key], let group = candidates.first(where: { equal(firstRows[$0], row) }) {
                groupOfRow[row] = group
                continue
            }
            seen[key, default: []].append(firstRows.count)
            groupOfRow[row] = firstRows.count
            firstRows.append(row)
        }
        return (groupOfRow, firstRows)
    }
}

/// Correlation matrices of number columns.
public enum Correlation {
    /// Pearson's correlation of every pair of vectors over the rows where both have a
    /// value (pandas' pairwise-complete definition); NaN where fewer than two such rows
    /// remain or a vector is constant on them. Pairs in parallel, each in two passes
    /// (means, then centred products) for accuracy.
    /// - Complexity: O(rows × vectors²)
    public static func pearson(_ vectors: [[Double]]) -> [[Double]] {
        let p = vectors.count
        let pairs = (0..<p).flatMap { i in (i..<p).map { (i, $0) } }
        // Vectors without missing values: centred once, then each pair is one dot product.
        let complete = Parallel.map(vectors) { v -> [Double]? in
            guard !v.contains(where: \.isNaN) else { return nil }
            let mean = Statistics.mean(v)
            return v.map { $0 - mean }
        }
        let values = Parallel.map(pairs) { i, j -> Double in
            if let x = complete[i], let y = complete[j] {
                guard x.count >= 2 else { return .nan }
                let xx = dot(x, x), yy = dot(y, y)
                guard xx > 0, yy > 0 else { return .nan }
                return max(-1, min(1, dot(x, y) / (xx * yy).squareRoot()))
            }
            return vectors[i].withUnsafeBufferPointer { x in
                vectors[j].withUnsafeBufferPointer { y in
                    var n = 0.0, sx = 0.0, sy = 0.0
                    for k in 0..<x.count where !x[k].isNaN && !y[k].isNaN { n += 1; sx += x[k]; sy += y[k] }
                    guard n >= 2 else { return .nan }
                    let mx = sx / n, my = sy / n
                    var xy = 0.0, xx = 0.0, yy = 0.0
                    for k in 0..<x.count where !x[k].isNaN && !y[k].isNaN {
                        let dx = x[k] - mx, dy = y[k] - my
                        xy += dx * dy; xx += dx * dx; yy += dy * dy
                    }
                    guard xx > 0, yy > 0 else { return .nan }
                    return max(-1, min(1, xy / (xx * yy).squareRoot()))
                }
            }
        }
        var matrix = [[Double]](repeating: [Double](repeating: .nan, count: p), count: p)
        for ((i, j), r) in zip(pairs, values) { matrix[i][j] = r; matrix[j][i] = r }
        return matrix
    }

    /// Σ x·y in four running sums (independent, so the loop pipelines and vectorises).
    static func dot(_ a: [Double], _ b: [Double]) -> Double {
        a.withUnsafeBufferPointer { x in
            b.withUnsafeBufferPointer { y in
                var s = SIMD4<Double>(repeating: 0)
                let n = x.count, whole = n / 4 * 4
                var k = 0
                while k < whole {
                    let u = SIMD4<Double>(x[k], x[k + 1], x[k + 2], x[k + 3])
                    let v = SIMD4<Double>(y[k], y[k + 1], y[k + 2], y[k + 3])
                    s += u * v
                    k += 4
                }
                var tail = 0.0
                while k < n { tail += x[k] * y[k]; k += 1 }
                return s.sum() + tail
            }
        }
    }

    /// Spearman's correlation: Pearson's of the ranks (ties get their average rank;
    /// missing values stay missing and are ranked without).
    /// - Complexity: O(vectors × rows log rows + rows × vectors²)
    public static func spearman(_ vectors: [[Double]]) -> [[Double]] {
        pearson(Parallel.map(vectors, ranks))
    }

    /// Average ranks (1-based) of the values that are not missing.
    public static func ranks(_ values: [Double]) -> [Double] {
        let order = values.indices.filter { !values[$0].isNaN }.sorted { values[$0] < values[$1] }
        var ranks = [Double](repeating: .nan, count: values.count)
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count, values[order[j + 1]] == values[order[i]] { j += 1 }
            let average = Double(i + j) / 2 + 1
            for k in i...j { ranks[order[k]] = average }
            i = j + 1
        }
        return ranks
    }
}
