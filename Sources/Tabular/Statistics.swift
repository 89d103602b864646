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
    /// (An open-addressing table of bit patterns, not a `Set<Double>`: a quarter of the time.)
    static func distinctCount(_ values: [Double]) -> (count: Int, exact: Bool) {
        let limit = values.count <= exactDistinctLimit ? values.count : exactDistinctValues
        var size = 64
        while size < 2 * limit { size <<= 1 }
        let empty: UInt64 = 0x7FF8_0000_0000_0001  // a NaN: never a present value
        var slots = [UInt64](repeating: empty, count: size)
        var count = 0
        let mask = size - 1
        let found: Bool = slots.withUnsafeMutableBufferPointer { table in
            for v in values {
                let bits = (v == 0 ? 0 : v).bitPattern
                var slot = Int(truncatingIfNeeded: HyperLogLog.mix(bits) >> 20) & mask
                while true {
                    let entry = table[slot]
                    if entry == bits { break }
                    if entry == empty {
                        table[slot] = bits
                        count += 1
                        if count > limit { return false }
                        break
                    }
                    slot = (slot + 1) & mask
                }
            }
            return true
        }
        return found ? (count, true) : (HyperLogLog(values).estimate, false)
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
        // Without missing values the column itself is read (selection below copies it only
        // if it has to reorder it).
        var present = values.contains(where: \.isNaN) ? values.filter { !$0.isNaN } : values
        let missing = values.count - present.count
        guard !present.isEmpty else {
            return NumberSummary(count: 0, missing: missing, mean: .nan, std: .nan, min: .nan, q25: .nan,
                                 median: .nan, q75: .nan, max: .nan)
        }
        let mean = Statistics.mean(present)
        // Central moments, zeros and distinct values, before selection reorders the values.
        var m2 = 0.0, m3 = 0.0, m4 = 0.0, zeros = 0
        var smallest = present[0], largest = present[0]
        for v in present {
            let d = v - mean, d2 = d * d
            m2 += d2; m3 += d2 * d; m4 += d2 * d2
            zeros &+= v == 0 ? 1 : 0
            smallest = Swift.min(smallest, v)
            largest = Swift.max(largest, v)
        }
        // The sum of squares `standardDeviation` takes, in the same order: the same bits.
        let std = present.count > 1 ? (m2 / Double(present.count - 1)).squareRoot() : .nan
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
                             min: smallest, q25: quartiles[0], median: quartiles[1], q75: quartiles[2], max: largest,
                             zeros: zeros, distinct: distinct, distinctIsExact: exact, skewness: skewness, kurtosis: kurtosis)
    }

    /// Linearly interpolated quantiles (ascending `qs`), found by selection; reorders `values`.
    /// - Complexity: O(n) expected per quantile.
    public static func quantiles(selectingIn values: inout [Double], _ qs: [Double]) -> [Double] {
        let n = values.count
        guard n > 0 else { return qs.map { _ in .nan } }
        let positions = qs.map { $0 * Double(n - 1) }
        if n >= 65_536 {
            let ranks = Array(Set(positions.flatMap { p -> [Int] in
                let lower = Int(p.rounded(.down))
                return p > Double(lower) && lower + 1 < n ? [lower, lower + 1] : [lower]
            })).sorted()
            let found = Dictionary(uniqueKeysWithValues: zip(ranks, RadixSelect.orderStatistics(values, ranks)))
            return positions.map { p in
                let lower = Int(p.rounded(.down))
                guard p > Double(lower), lower + 1 < n else { return found[lower]! }
                return found[lower]! + (found[lower + 1]! - found[lower]!) * (p - Double(lower))
            }
        }
        let lowers = Array(Set(positions.map { Int($0.rounded(.down)) })).sorted()
        // The middle index first, then each side within its part: every selection works on
        // a shrinking range, and each selected index ends up holding its order statistic.
        func selectAll(_ indices: ArraySlice<Int>, _ low: Int, _ high: Int) {
            guard !indices.isEmpty else { return }
            let middle = indices.startIndex + indices.count / 2
            let k = indices[middle]
            select(&values, k, from: low, to: high)
            selectAll(indices[..<middle], low, k - 1)
            selectAll(indices[(middle + 1)...], k + 1, high)
        }
        selectAll(lowers[...], 0, n - 1)
        return positions.map { position in
            let lower = Int(position.rounded(.down))
            guard lower + 1 < n, position > Double(lower) else { return values[lower] }
            // Values between `lower` and the next selected index are all ≥ values[lower] and
            // ≤ values[next]: the next order statistic is the smallest of them.
            let next = lowers.first { $0 > lower } ?? n
            let upperValue = lower + 1 == next ? values[next] : values[(lower + 1)..<next].min()!
            return values[lower] + (upperValue - values[lower]) * (position - Double(lower))
        }
    }

    /// Moves the `k`-th smallest element of `values[start...end]` to index `k`, smaller
    /// ones before it and larger ones after (Hoare partitioning, median-of-three pivots).
    static func select(_ values: inout [Double], _ k: Int, from start: Int, to end: Int? = nil) {
        var low = start, high = end ?? values.count - 1
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
        var sum = CompensatedSum()
        for v in values { sum.add(v) }
        return sum.value
    }

    /// A running sum with Neumaier compensation, for values that are not in one array.
    public struct CompensatedSum: Sendable {
        private var sum = 0.0, compensation = 0.0

        public init() {}

        @inline(__always)
        public mutating func add(_ v: Double) {
            let t = sum + v
            if abs(sum) >= abs(v) { compensation += (sum - t) + v } else { compensation += (v - t) + sum }
            sum = t
        }

        public var value: Double { sum + compensation }
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
        // On an order statistic exactly, that value (interpolating towards an infinite
        // neighbour would give NaN).
        if fraction == 0 { return sorted[lower] }
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

    /// SplitMix64's finaliser: every input bit moves every output bit.
    @inline(__always)
    static func mix(_ bits: UInt64) -> UInt64 {
        var z = bits &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    init(_ values: [Double]) {
        for v in values {
            let z = Self.mix((v == 0 ? 0 : v).bitPattern)
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

/// Order statistics of many numbers by their bits: a double's bits, with the sign bit
/// flipped (and the rest too for negatives), order as the numbers do. One branch-free pass
/// counts the values per 16-bit prefix, which names the prefix holding each rank; one more
/// pass keeps only the values with those prefixes, and the same is done on them with the
/// next 16 bits. Two or three passes in all, against selection's unpredictable branches.
enum RadixSelect {
    @inline(__always)
    static func key(_ v: Double) -> UInt64 {
        let bits = v.bitPattern
        return bits & (1 << 63) != 0 ? ~bits : bits | (1 << 63)
    }

    /// The values of the given ranks (0-based, sorted, each < values.count; no NaN).
    static func orderStatistics(_ values: [Double], _ ranks: [Int]) -> [Double] {
        // Keys are made as they are read, never stored for the whole column.
        return select(values.lazy.map(key), ranks, shift: 48).map { k in
            Double(bitPattern: k & (1 << 63) != 0 ? k & ~(1 << 63) : ~k)
        }
    }

    /// Keys of the given ranks among `keys`, looking at the 16 bits at `shift` (the higher
    /// bits are the same for all of them).
    private static func select<Keys: Collection>(_ keys: Keys, _ ranks: [Int], shift: UInt64) -> [UInt64] where Keys.Element == UInt64 {
        if keys.count <= 4096 {
            let sorted = keys.sorted()
            return ranks.map { sorted[$0] }
        }
        var counts = [Int](repeating: 0, count: 1 << 16)
        counts.withUnsafeMutableBufferPointer { c in
            for k in keys { c[Int(truncatingIfNeeded: (k >> shift) & 0xFFFF)] &+= 1 }
        }
        // The prefix holding each rank, and the rank within it; ranks sharing a prefix
        // form one group.
        var groups: [(prefix: Int, ranks: [Int])] = []
        var below = 0, prefix = 0
        for rank in ranks {
            while below + counts[prefix] <= rank { below += counts[prefix]; prefix += 1 }
            if groups.last?.prefix == prefix { groups[groups.count - 1].ranks.append(rank - below) }
            else { groups.append((prefix, [rank - below])) }
        }
        // One pass moves each group's keys into its own array.
        var groupOf = [Int8](repeating: -1, count: 1 << 16)
        for (g, group) in groups.enumerated() { groupOf[group.prefix] = Int8(g) }
        let sizes = groups.map { counts[$0.prefix] }
        let storage = UnsafeMutablePointer<UInt64>.allocate(capacity: sizes.reduce(0, +))
        defer { storage.deallocate() }
        var starts = [Int](repeating: 0, count: groups.count)
        for g in groups.indices.dropFirst() { starts[g] = starts[g - 1] + sizes[g - 1] }
        var filled = starts
        groupOf.withUnsafeBufferPointer { table in
            for k in keys {
                let g = Int(table[Int(truncatingIfNeeded: (k >> shift) & 0xFFFF)])
                if g >= 0 { storage[filled[g]] = k; filled[g] += 1 }
            }
        }
        var result: [UInt64] = []
        for (g, group) in groups.enumerated() {
            let part = Array(UnsafeBufferPointer(start: storage + starts[g], count: sizes[g]))
            // At the last 16 bits every key of the group is the same number.
            result += shift == 0 ? group.ranks.map { _ in part[0] } : select(part, group.ranks, shift: shift - 16)
        }
        return result
    }
}
