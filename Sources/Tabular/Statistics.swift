import Foundation

/// Summary statistics of columns, as `describe` shows them.
public enum Statistics {
    /// `describe` figures of a number column.
    public struct NumberSummary: Sendable, Equatable {
        public var count: Int
        public var missing: Int
        public var mean: Double
        /// Sample standard deviation (n − 1), as pandas and R report it.
        public var std: Double
        public var min: Double
        public var q25: Double
        public var median: Double
        public var q75: Double
        public var max: Double
        /// Values equal to zero.
        public var zeros: Int = 0
        /// Different values (exact up to `exactDistinctLimit` values or `exactDistinctValues`
        /// different ones, else a HyperLogLog estimate within about 1%, and `distinctIsExact`
        /// is false).
        public var distinct: Int = 0
        public var distinctIsExact = true
        /// Sample skewness and excess kurtosis, bias-corrected as pandas' `skew()` and
        /// `kurt()` (NaN with fewer than 3 or 4 values, or none spread).
        public var skewness: Double = .nan
        public var kurtosis: Double = .nan
    }

    /// Up to this many values, `distinct` is counted exactly.
    public static let exactDistinctLimit = 200_000
    /// Past `exactDistinctLimit` values, still exact while no more different ones than this.
    public static let exactDistinctValues = 65_536

    /// Different values (-0 is 0): exact for up to `exactDistinctLimit` values or
    /// `exactDistinctValues` different ones, else a HyperLogLog estimate.
    static func distinctCount(_ values: [Double]) -> (count: Int, exact: Bool) {
        var seen = Set<Double>(minimumCapacity: min(values.count, 1024))
        let limit = values.count <= exactDistinctLimit ? Int.max : exactDistinctValues
        for v in values {
            seen.insert(v == 0 ? 0 : v)
            if seen.count > limit { return (HyperLogLog(values).estimate, false) }
        }
        return (seen.count, true)
    }

    /// `describe` figures of a text or boolean column.
    public struct TextSummary: Sendable, Equatable {
        public var count: Int
        public var missing: Int
        public var distinct: Int
        /// The most frequent values with their counts, most frequent first (ties by value).
        public var top: [(value: String, count: Int)]

        public static func == (a: TextSummary, b: TextSummary) -> Bool {
            a.count == b.count && a.missing == b.missing && a.distinct == b.distinct
                && a.top.map(\.value) == b.top.map(\.value) && a.top.map(\.count) == b.top.map(\.count)
        }
    }

    /// Count, missing, mean, standard deviation and quartiles of the non-missing values.
    /// Quartiles interpolate linearly between order statistics (pandas' default).
    /// - Complexity: O(n): quartiles come from selection, not a full sort.
    public static func summarize(numbers values: [Double]) -> NumberSummary {
        var present = values.filter { !$0.isNaN }
        let missing = values.count - present.count
        guard !present.isEmpty else {
            return NumberSummary(count: 0, missing: missing, mean: .nan, std: .nan, min: .nan, q25: .nan,
                                 median: .nan, q75: .nan, max: .nan)
        }
        let mean = Statistics.mean(present)
        let std = standardDeviation(present, mean: mean)
        // Central moments, zeros and distinct values, before selection reorders the values.
        var m2 = 0.0, m3 = 0.0, m4 = 0.0, zeros = 0
        for v in present {
            let d = v - mean, d2 = d * d
            m2 += d2; m3 += d2 * d; m4 += d2 * d2
            if v == 0 { zeros += 1 }
        }
        let n = Double(present.count)
        m2 /= n; m3 /= n; m4 /= n
        var skewness = Double.nan, kurtosis = Double.nan
        if present.count >= 3, m2 > 0 { skewness = (n * (n - 1)).squareRoot() / (n - 2) * m3 / pow(m2, 1.5) }
        if present.count >= 4, m2 > 0 {
            let g2 = m4 / (m2 * m2) - 3
            kurtosis = ((n + 1) * g2 + 6) * (n - 1) / ((n - 2) * (n - 3))
        }
        let (distinct, exact) = distinctCount(present)
        let quartiles = quantiles(selectingIn: &present, [0.25, 0.5, 0.75])
        return NumberSummary(count: present.count, missing: missing, mean: mean, std: std,
                             min: present.min()!, q25: quartiles[0], median: quartiles[1], q75: quartiles[2], max: present.max()!,
                             zeros: zeros, distinct: distinct, distinctIsExact: exact, skewness: skewness, kurtosis: kurtosis)
    }

    /// Linearly interpolated quantiles (ascending `qs`), found by selection; reorders `values`.
    /// - Complexity: O(n) expected per quantile.
    public static func quantiles(selectingIn values: inout [Double], _ qs: [Double]) -> [Double] {
        let n = values.count
        guard n > 0 else { return qs.map { _ in .nan } }
        var results: [Double] = []
        var start = 0
        for q in qs {
            let position = q * Double(n - 1)
            let lower = Int(position.rounded(.down))
            let upper = Swift.min(lower + 1, n - 1)
            select(&values, lower, from: start)
            // After selecting `lower`, everything right of it is ≥ it, so the next order
            // statistic is the smallest of the right part.
            let lowerValue = values[lower]
            let upperValue = upper == lower ? lowerValue : values[(lower + 1)...].min()!
            results.append(lowerValue + (upperValue - lowerValue) * (position - Double(lower)))
            start = lower
        }
        return results
    }

    /// Moves the `k`-th smallest element of `values[start...]` to index `k`, smaller ones
    /// before it and larger ones after (Hoare partitioning, median-of-three pivots).
    static func select(_ values: inout [Double], _ k: Int, from start: Int) {
        var low = start, high = values.count - 1
        values.withUnsafeMutableBufferPointer { a in
            while low < high {
                let middle = low + (high - low) / 2
                // Median of three as the pivot keeps sorted and reversed input linear.
                if a[middle] < a[low] { a.swapAt(middle, low) }
                if a[high] < a[low] { a.swapAt(high, low) }
                if a[high] < a[middle] { a.swapAt(high, middle) }
                let pivot = a[middle]
                var i = low, j = high
                while i <= j {
                    while a[i] < pivot { i += 1 }
                    while a[j] > pivot { j -= 1 }
                    if i <= j { a.swapAt(i, j); i += 1; j -= 1 }
                }
                if k <= j { high = j } else if k >= i { low = i } else { return }
            }
        }
    }

    /// Pairwise-free but compensated mean: sums with Kahan–Babuška (Neumaier) compensation
    /// so large columns do not lose digits.
    public static func mean(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return .nan }
        return compensatedSum(values) / Double(values.count)
    }

    /// Sum with Neumaier compensation.
    public static func compensatedSum(_ values: [Double]) -> Double {
        var sum = 0.0, compensation = 0.0
        for v in values {
            let t = sum + v
            if abs(sum) >= abs(v) { compensation += (sum - t) + v } else { compensation += (v - t) + sum }
            sum = t
        }
        return sum + compensation
    }

    /// Sample standard deviation by the two-pass formula (numerically stable).
    public static func standardDeviation(_ values: [Double], mean: Double) -> Double {
        guard values.count > 1 else { return .nan }
        var squares = 0.0
        for v in values { let d = v - mean; squares += d * d }
        return (squares / Double(values.count - 1)).squareRoot()
    }

    /// The `q` quantile of sorted values with linear interpolation.
    public static func quantile(sorted: [Double], _ q: Double) -> Double {
        guard !sorted.isEmpty else { return .nan }
        let position = q * Double(sorted.count - 1)
        let lower = Int(position.rounded(.down))
        let upper = Swift.min(lower + 1, sorted.count - 1)
        let fraction = position - Double(lower)
        return sorted[lower] + (sorted[upper] - sorted[lower]) * fraction
    }

    /// Value counts of a text column.
    public static func summarize(codes: [Int32], dictionary: [String], top: Int = 3) -> TextSummary {
        var counts = [Int](repeating: 0, count: dictionary.count)
        var missing = 0
        for code in codes { if code < 0 { missing += 1 } else { counts[Int(code)] += 1 } }
        let distinct = counts.filter { $0 > 0 }.count
        let ranked = counts.indices.filter { counts[$0] > 0 }
            .sorted { counts[$0] != counts[$1] ? counts[$0] > counts[$1] : dictionary[$0] < dictionary[$1] }
        return TextSummary(count: codes.count - missing, missing: missing, distinct: distinct,
                           top: ranked.prefix(top).map { (dictionary[$0], counts[$0]) })
    }

    /// The most frequent value of a column (ties broken by the smallest value), for
    /// `impute ... with mode`; nil when every value is missing.
    public static func mode(of column: Column) -> ModeValue? {
        switch column.data {
        case .number(let values):
            var counts: [Double: Int] = [:]
            for v in values where !v.isNaN { counts[v == 0 ? 0 : v, default: 0] += 1 }
            guard let best = counts.max(by: { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }) else { return nil }
            return .number(best.key)
        case .text(let codes, let dictionary):
            let summary = summarize(codes: codes, dictionary: dictionary, top: 1)
            return summary.top.first.map { .text($0.value) }
        case .boolean(let values):
            var counts = [0, 0]
            for v in values where v != Column.missingBoolean { counts[Int(v)] += 1 }
            if counts[0] + counts[1] == 0 { return nil }
            return .boolean(counts[1] > counts[0])
        case .date:
            return nil  // imputation refuses date columns before it asks
        }
    }

    /// The most frequent value of a column, typed.
    public enum ModeValue: Sendable, Equatable {
        case number(Double)
        case text(String)
        case boolean(Bool)
    }
}

/// A HyperLogLog sketch of the number of different values (Flajolet et al. 2007, with the
/// small-range correction): 16,384 registers, a standard error of about 0.8%.
struct HyperLogLog {
    private var registers = [UInt8](repeating: 0, count: 1 << 14)

    init(_ values: [Double]) {
        for v in values {
            var z = (v == 0 ? 0 : v).bitPattern &+ 0x9E37_79B9_7F4A_7C15
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            let index = Int(z >> 50)
            let rank = UInt8(min(51, (z << 14).leadingZeroBitCount + 1))
            if rank > registers[index] { registers[index] = rank }
        }
    }

    var estimate: Int {
        let m = Double(registers.count)
        let alpha = 0.7213 / (1 + 1.079 / m)
        var sum = 0.0, zeros = 0
        for r in registers { sum += pow(2, -Double(r)); if r == 0 { zeros += 1 } }
        let raw = alpha * m * m / sum
        if raw <= 2.5 * m, zeros > 0 { return Int((m * log(m / Double(zeros))).rounded()) }
        return Int(raw.rounded())
    }
}
