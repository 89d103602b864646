import Foundation
import Tabular

/// Mutual information between a continuous feature and class labels by nearest
/// neighbours (Ross, 2014), as scikit-learn's `mutual_info_classif` with 3 neighbours:
/// the feature scaled to unit spread, each value's distance to its k-th neighbour of the
/// same class, then how many values of any class lie closer. In one dimension the
/// neighbours are found in sorted order, O(n log n).
enum MutualInformation {
    static func continuousDiscrete(_ x: [Double], _ labels: [Int], neighbours: Int = 3) -> Double {
        let n = x.count
        guard n > 1 else { return 0 }
        // scikit-learn divides by the standard deviation (no centring).
        let mean = x.reduce(0, +) / Double(n)
        let deviation = (x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n)).squareRoot()
        let values = deviation > 0 ? x.map { $0 / deviation } : x
        var radius = [Double](repeating: 0, count: n), kAll = [Int](repeating: 0, count: n), counts = [Int](repeating: 0, count: n)
        var byLabel: [Int: [Int]] = [:]
        for (i, label) in labels.enumerated() { byLabel[label, default: []].append(i) }
        for (_, members) in byLabel {
            guard members.count > 1 else { continue }
            let k = min(neighbours, members.count - 1)
            let sorted = members.sorted { values[$0] < values[$1] }
            for (position, i) in sorted.enumerated() {
                // The k nearest others: walk outwards from the value's place.
                var left = position - 1, right = position + 1, distance = 0.0
                for _ in 0..<k {
                    let dl = left >= 0 ? values[i] - values[sorted[left]] : .infinity
                    let dr = right < sorted.count ? values[sorted[right]] - values[i] : .infinity
                    if dl <= dr { distance = dl; left -= 1 } else { distance = dr; right += 1 }
                }
                radius[i] = distance.nextDown > 0 ? distance.nextDown : 0
                kAll[i] = k
                counts[i] = members.count
            }
        }
        let kept = (0..<n).filter { counts[$0] > 1 }
        guard !kept.isEmpty else { return 0 }
        let all = kept.map { values[$0] }.sorted()
        // Values whose distance is within the radius (inclusive), the value itself among
        // them. Distances are compared, not shifted bounds: center + r can round onto the
        // k-th neighbour, which is just outside.
        func within(_ center: Double, _ r: Double) -> Int {
            var low = lowerBound(all, center - r, inclusive: false), high = lowerBound(all, center + r, inclusive: true)
            while low > 0, abs(all[low - 1] - center) <= r { low -= 1 }
            while low < high, abs(all[low] - center) > r { low += 1 }
            while high < all.count, abs(all[high] - center) <= r { high += 1 }
            while high > low, abs(all[high - 1] - center) > r { high -= 1 }
            return high - low
        }
        var sum = 0.0
        for i in kept { sum += digamma(kAll[i]) - digamma(counts[i]) - digamma(within(values[i], radius[i])) }
        let mi = digamma(kept.count) + sum / Double(kept.count)
        return max(0, mi)
    }

    /// The number of values < bound (or <= bound when inclusive) in ascending `values`.
    private static func lowerBound(_ values: [Double], _ bound: Double, inclusive: Bool) -> Int {
        var low = 0, high = values.count
        while low < high {
            let middle = (low + high) / 2
            if values[middle] < bound || inclusive && values[middle] == bound { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// ψ(n) for a whole n ≥ 1: −γ + 1 + 1/2 + … + 1/(n − 1).
    static func digamma(_ n: Int) -> Double {
        precondition(n >= 1)
        var sum = -0.57721566490153286061
        if n < 10_000 {
            for j in 1..<n { sum += 1 / Double(j) }
            return sum
        }
        // Asymptotic series for large n.
        let x = Double(n), squared = x * x
        let series: Double = 1 / (2 * x) + 1 / (12 * squared) - 1 / (120 * squared * squared)
        return Foundation.log(x) - series
    }
}
