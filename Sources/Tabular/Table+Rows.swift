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
        var seen: [UInt64: [Int]] = [:]
        var kept: [Int] = []
        for row in 0..<rowCount {
            let key = hash(row)
            if let candidates = seen[key], candidates.contains(where: { equal($0, row) }) { continue }
            seen[key, default: []].append(row)
            kept.append(row)
        }
        return kept
    }

    private func hash(_ row: Int) -> UInt64 {
        var hasher = FingerprintHasher()
        for column in columns {
            switch column.data {
            case .number(let values): hasher.combine(values[row])
            case .text(let codes, _): hasher.combine(UInt64(bitPattern: Int64(codes[row])))
            case .boolean(let flags): hasher.combine(UInt64(flags[row]))
            }
        }
        return hasher.value
    }

    private func equal(_ a: Int, _ b: Int) -> Bool {
        columns.allSatisfy { column in
            switch column.data {
            case .number(let values): return values[a] == values[b] || (values[a].isNaN && values[b].isNaN)
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
        self.keys = keys.map { column, descending in
            switch column.data {
            case .number(let values): return (values, descending)
            case .boolean(let flags): return (flags.map { $0 == Column.missingBoolean ? .nan : Double($0) }, descending)
            case .text(let codes, let dictionary):
                var rank = [Double](repeating: 0, count: dictionary.count)
                for (position, code) in dictionary.indices.sorted(by: { dictionary[$0] < dictionary[$1] }).enumerated() { rank[code] = Double(position) }
                return (codes.map { $0 < 0 ? .nan : rank[Int($0)] }, descending)
            }
        }
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
