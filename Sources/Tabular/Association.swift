import Foundation

/// How strongly two columns go together, whatever their types: the uncertainty coefficient
/// (from mutual information, for any pair), the correlation ratio η (categories and
/// numbers) and Cramér's V (categories and categories). Pearson's r is `Correlation`.
public enum Association {
    /// A column's values as small codes for counting, and how many codes there are:
    /// numbers in up to `bins` quantile bins (equal values share a bin), text by value
    /// (the `maxLevels - 1` most frequent, the rest sharing one code), booleans as
    /// themselves. Missing values get one code more. Past 100,000 values, the bin edges
    /// are the quantiles of an evenly spaced 100,000 of them.
    /// - Complexity: O(rows × log bins)
    public static func levels(_ column: Column, bins: Int = 10, maxLevels: Int = 20) -> (codes: [Int32], count: Int) {
        switch column.data {
        case .boolean(let flags):
            return (flags.map { $0 == Column.missingBoolean ? 2 : Int32($0) }, 3)
        case .text(let codes, let dictionary):
            var counts = [Int](repeating: 0, count: dictionary.count)
            for code in codes where code >= 0 { counts[Int(code)] += 1 }
            let ranked = counts.indices.filter { counts[$0] > 0 }.sorted { counts[$0] != counts[$1] ? counts[$0] > counts[$1] : $0 < $1 }
            var level = [Int32](repeating: Int32(maxLevels - 1), count: dictionary.count)
            let kept = ranked.count <= maxLevels ? ranked : Array(ranked.prefix(maxLevels - 1))
            for (k, code) in kept.enumerated() { level[code] = Int32(k) }
            let used = ranked.count <= maxLevels ? ranked.count : maxLevels
            return (codes.map { $0 < 0 ? Int32(used) : level[Int($0)] }, used + 1)
        case .number(let values), .date(let values):
            var present = values.filter { !$0.isNaN }
            guard !present.isEmpty else { return ([Int32](repeating: 0, count: values.count), 1) }
            // Bin edges from an evenly spaced 100,000 of the values past that many: bins
            // need not be exact quantiles, only the same for every row.
            if present.count > 100_000 { present = (0..<100_000).map { present[$0 * present.count / 100_000] } }
            let qs = (1..<bins).map { Double($0) / Double(bins) }
            var thresholds: [Double] = []
            for t in Statistics.quantiles(selectingIn: &present, qs) where thresholds.last.map({ t > $0 }) ?? true { thresholds.append(t) }
            let missing = Int32(thresholds.count + 1)
            let codes = values.map { x -> Int32 in
                if x.isNaN { return missing }
                // The first threshold at or above x (binary search).
                var low = 0, high = thresholds.count
                while low < high { let mid = (low + high) / 2; if thresholds[mid] < x { low = mid + 1 } else { high = mid } }
                return Int32(low)
            }
            return (codes, thresholds.count + 2)
        }
    }

    /// The uncertainty coefficient U(target | feature) = I(feature; target) / H(target): the
    /// share of the target's entropy the feature accounts for, 0 (nothing) to 1 (all). The
    /// mutual information is Miller–Madow corrected (less (levels−1)² / 2n), so a feature
    /// with many levels does not seem informative by chance alone. NaN for a constant target.
    public static func uncertaintyCoefficient(feature: (codes: [Int32], count: Int), target: (codes: [Int32], count: Int)) -> Double {
        let n = feature.codes.count
        guard n > 0 else { return .nan }
        var joint = [Int](repeating: 0, count: feature.count * target.count)
        for row in 0..<n { joint[Int(feature.codes[row]) * target.count + Int(target.codes[row])] += 1 }
        var px = [Int](repeating: 0, count: feature.count), py = [Int](repeating: 0, count: target.count)
        for x in 0..<feature.count { for y in 0..<target.count { px[x] += joint[x * target.count + y]; py[y] += joint[x * target.count + y] } }
        let total = Double(n)
        var entropy = 0.0
        for count in py where count > 0 { let p = Double(count) / total; entropy -= p * log(p) }
        guard entropy > 0 else { return .nan }
        var information = 0.0
        for x in 0..<feature.count where px[x] > 0 {
            for y in 0..<target.count {
                let count = joint[x * target.count + y]
                guard count > 0 else { continue }
                information += Double(count) / total * log(Double(count) * total / (Double(px[x]) * Double(py[y])))
            }
        }
        let levelsX = px.filter { $0 > 0 }.count, levelsY = py.filter { $0 > 0 }.count
        information -= Double((levelsX - 1) * (levelsY - 1)) / (2 * total)
        return min(1, max(0, information / entropy))
    }

    /// The correlation ratio η: how much of a number's variance lies between categories,
    /// √(between-group sum of squares / total), over the rows with a number. NaN when
    /// the numbers do not vary.
    public static func correlationRatio(categories: [Int32], count: Int, values: [Double]) -> Double {
        var sums = [Double](repeating: 0, count: count), counts = [Double](repeating: 0, count: count)
        var total = 0.0, n = 0.0
        for (code, x) in zip(categories, values) where !x.isNaN { sums[Int(code)] += x; counts[Int(code)] += 1; total += x; n += 1 }
        guard n > 1 else { return .nan }
        let mean = total / n
        var all = 0.0
        for x in values where !x.isNaN { all += (x - mean) * (x - mean) }
        guard all > 0 else { return .nan }
        var between = 0.0
        for k in 0..<count where counts[k] > 0 { let m = sums[k] / counts[k]; between += counts[k] * (m - mean) * (m - mean) }
        return min(1, (between / all).squareRoot())
    }

    /// Cramér's V of two codings: √(χ² / (n · (min(levels) − 1))), 0 to 1. NaN when one
    /// side has a single level.
    public static func cramersV(_ a: (codes: [Int32], count: Int), _ b: (codes: [Int32], count: Int)) -> Double {
        let n = a.codes.count
        var joint = [Int](repeating: 0, count: a.count * b.count)
        for row in 0..<n { joint[Int(a.codes[row]) * b.count + Int(b.codes[row])] += 1 }
        var pa = [Int](repeating: 0, count: a.count), pb = [Int](repeating: 0, count: b.count)
        for x in 0..<a.count { for y in 0..<b.count { pa[x] += joint[x * b.count + y]; pb[y] += joint[x * b.count + y] } }
        let levels = min(pa.filter { $0 > 0 }.count, pb.filter { $0 > 0 }.count)
        guard n > 0, levels > 1 else { return .nan }
        var chi2 = 0.0
        for x in 0..<a.count where pa[x] > 0 {
            for y in 0..<b.count where pb[y] > 0 {
                let expected = Double(pa[x]) * Double(pb[y]) / Double(n)
                let d = Double(joint[x * b.count + y]) - expected
                chi2 += d * d / expected
            }
        }
        return min(1, (chi2 / (Double(n) * Double(levels - 1))).squareRoot())
    }
}
