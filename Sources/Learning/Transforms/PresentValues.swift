import Tabular

/// The mean and count of the non-missing values among `rows` (all rows when nil), read in
/// place: bit for bit `Statistics.mean(presentValues(values, rows: rows))`, the same
/// compensated sum in the same order, without copying the values out first.
func presentMean(_ values: [Double], rows: [Int]?) -> (mean: Double, count: Int) {
    var sum = Statistics.CompensatedSum(), count = 0
    values.withUnsafeBufferPointer { v in
        if let rows { for row in rows where !v[row].isNaN { sum.add(v[row]); count += 1 } }
        else { for x in v where !x.isNaN { sum.add(x); count += 1 } }
    }
    return (count == 0 ? .nan : sum.value / Double(count), count)
}

/// The sum of squared deviations from `mean` of the non-missing values among `rows`, in
/// order (as a loop over `presentValues` would add them).
func presentSquaredDeviations(_ values: [Double], rows: [Int]?, from mean: Double) -> Double {
    var squares = 0.0
    values.withUnsafeBufferPointer { v in
        if let rows { for row in rows where !v[row].isNaN { squares += (v[row] - mean) * (v[row] - mean) } }
        else { for x in v where !x.isNaN { squares += (x - mean) * (x - mean) } }
    }
    return squares
}

/// The non-missing values among `rows` (all rows when nil), without copying the column.
func presentValues(_ values: [Double], rows: [Int]?) -> [Double] {
    guard let rows else { return values.filter { !$0.isNaN } }
    var present: [Double] = []
    present.reserveCapacity(rows.count)
    values.withUnsafeBufferPointer { v in
        for row in rows where !v[row].isNaN { present.append(v[row]) }
    }
    return present
}
