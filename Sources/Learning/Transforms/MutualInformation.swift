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
        let order = kept.sorted { values[$0] < values[$1] }
        let all = order.map { values[$0] }
        // ψ of every count that can occur, once: ψ(1) = −γ, ψ(m + 1) = ψ(m) + 1/m.
        var psi = [Double](repeating: -0.57721566490153286061, count: kept.count + 1)
        for m in stride(from: 1, to: kept.count, by: 1) { psi[m + 1] = psi[m] + 1 / Double(m) }
        // For each value, how many values lie within its radius (inclusive, itself among
        // them). Distances are compared, not shifted bounds (center + r can round onto the
        // k-th neighbour, which is just outside). The window is found from the value's own
        // place by galloping outwards, then a binary search: memory near the value, ties or not.
        var sum = 0.0
        all.withUnsafeBufferPointer { a in
            for (p, i) in order.enumerated() {
                let center = a[p], r = radius[i]
                // Left end: the first place whose value is within r.
                var step = 1
                while p - step >= 0, center - a[p - step] <= r { step *= 2 }
                var low = max(0, p - step), high = p - step / 2  // a[high] is within, a[low] may not be
                while low < high { let middle = (low + high) / 2; if center - a[middle] <= r { high = middle } else { low = middle + 1 } }
                let first = low
                // Right end: the first place past p whose value is beyond r.
                step = 1
                while p + step < a.count, a[p + step] - center <= r { step *= 2 }
                low = p + step / 2 + 1; high = min(a.count, p + step)
                while low < high { let middle = (low + high) / 2; if a[middle] - center > r { high = middle } else { low = middle + 1 } }
                sum += psi[kAll[i]] - psi[counts[i]] - psi[low - first]
            }
        }
        let mi = psi[kept.count] + sum / Double(kept.count)
        return max(0, mi)
    }
}
