import CKernels
import Foundation
import Tabular

/// k-means clustering, as scikit-learn's `KMeans` (Lloyd's algorithm): centres seeded by
/// greedy k-means++ (2 + ⌊ln k⌋ candidates per centre, the one that lowers the potential
/// most kept), then each row assigned to its nearest centre and each centre moved to the
/// mean of its rows until the centres move less than `tol` × the features' mean variance.
/// A centre left with no rows moves to the row farthest from its own centre. `n_init` runs
/// from different seeds; the one with the lowest inertia (summed squared distance of the
/// rows to their centres) is kept.
///
/// - Complexity: O(n_init × iterations × rows × k × features), rows in parallel blocks whose
///   sums are added in block order (the same centres on any number of cores).
public struct KMeans: Estimator {
    public static let name = "kmeans"
    public static let summary = "k-means clustering (k-means++ seeding, Lloyd's iterations); needs no target"
    public static let tasks: [Task] = [.clustering]
    public static let settings = SettingsSchema([
        SettingSpec("k", "clusters to find (scikit-learn's n_clusters)", forms: [.whole(1...10_000)], default: .value(.whole(8))),
        SettingSpec("n_init", "runs from different seeds; the lowest inertia is kept", forms: [.whole(1...1000)], default: .value(.whole(1))),
        SettingSpec("max_iter", "most iterations of a run", forms: [.whole(1...100_000)], default: .value(.whole(300))),
        SettingSpec("tol", "stop when the centres move less than this share of the features' mean variance",
                    forms: [.number(0...1)], default: .value(.number(1e-4))),
        SettingSpec("seed", "seed of the k-means++ seeding", forms: [.whole(0...Int.max)], default: .randomSeed),
    ])

    public var k: Int
    public var runs: Int
    public var maxIterations: Int
    public var tolerance: Double

    public static func searchSpace(for task: Task) -> [SearchDimension] {
        [SearchDimension(key: "k", values: .range(low: .whole(2), high: .whole(12)))]
    }

    public init(_ settings: Settings) {
        k = settings.whole("k")!
        runs = settings.whole("n_init")!
        maxIterations = settings.whole("max_iter")!
        tolerance = settings.number("tol")
    }

    public func fit(_ data: TrainingData) throws -> Fit<Model> {
        guard data.features.count > 0 else { throw LearningError("there are no features") }
        guard data.rowCount >= k else {
            throw LearningError("k=\(k) clusters need at least \(k) rows, and there are \(data.rowCount)", help: "choose k=\(max(1, data.rowCount)) or fewer")
        }
        let x = data.designMatrix()
        let p = x.columns
        // The tolerance is relative to the data's spread, as scikit-learn's.
        let meanVariance = x.columnMeansAndDeviations().deviations.reduce(0) { $0 + $1 * $1 } / Double(p)
        var best: (centres: [Double], inertia: Double, iterations: Int)?
        for run in 0..<runs {
            if data.isCancelled() { throw CancelledOptimization() }
            var generator = SeededGenerator(seed: data.seed &+ UInt64(run) &* 0x9E37_79B9_7F4A_7C15)
            let result = try lloyd(x, centres: seed(x, using: &generator), threshold: tolerance * meanVariance, isCancelled: data.isCancelled)
            if best == nil || result.inertia < best!.inertia { best = result }
        }
        let chosen = best!
        var remarks: [Remark] = []
        if chosen.iterations == maxIterations { remarks.append(.note("k-means stopped at max_iter=\(maxIterations) before the centres settled")) }
        return Fit(Model(k: k, featureCount: p, centres: chosen.centres, inertia: chosen.inertia, iterations: chosen.iterations), remarks: remarks)
    }

    /// Greedy k-means++: each new centre is the best of a few rows drawn with probability
    /// proportional to their squared distance from the centres so far.
    func seed(_ x: DesignMatrix, using generator: inout SeededGenerator) -> [Double] {
        let n = x.rows, p = x.columns
        let trials = 2 + Int(log(Double(k)))
        var centres = [Double]()
        centres.reserveCapacity(k * p)
        let first = Int.random(in: 0..<n, using: &generator)
        centres += x.values[(first * p)..<((first + 1) * p)]
        var closest = KMeans.squaredDistances(x, to: centres, k: 1)
        for _ in 1..<max(1, k) {
            let potential = closest.reduce(0, +)
            var cumulative = [Double](repeating: 0, count: n)
            var running = 0.0
            for i in 0..<n { running += closest[i]; cumulative[i] = running }
            // Every trial's row drawn first (the draws do not depend on the distances), then
            // their distances to all rows in one pass.
            let candidates = (0..<trials).map { _ -> Int in
                let target = Double.random(in: 0..<1, using: &generator) * potential
                // The first row whose running total passes the target (numpy's searchsorted).
                var low = 0, high = n - 1
                while low < high { let mid = (low + high) / 2; if cumulative[mid] <= target { low = mid + 1 } else { high = mid } }
                return potential > 0 ? low : Int.random(in: 0..<n, using: &generator)
            }
            let rows = candidates.flatMap { x.values[($0 * p)..<(($0 + 1) * p)] }
            let toCandidates = KMeans.squaredDistances(x, to: rows, k: trials)
            var bestTrial = 0, bestPotential = Double.infinity
            for t in 0..<trials {
                var total = 0.0
                for i in 0..<n { total += min(closest[i], toCandidates[i * trials + t]) }
                if total < bestPotential { (bestTrial, bestPotential) = (t, total) }
            }
            centres += x.values[(candidates[bestTrial] * p)..<((candidates[bestTrial] + 1) * p)]
            for i in 0..<n { closest[i] = min(closest[i], toCandidates[i * trials + bestTrial]) }
        }
        return centres
    }

    private func lloyd(_ x: DesignMatrix, centres start: [Double], threshold: Double,
                       isCancelled: () -> Bool) throws -> (centres: [Double], inertia: Double, iterations: Int) {
        let n = x.rows, p = x.columns
        var centres = start
        var iterations = 0
        while iterations < maxIterations {
            if isCancelled() { throw CancelledOptimization() }
            iterations += 1
            let (labels, distances) = KMeans.assign(x, centres: centres, k: k)
            // Block sums added in block order: the same centres on any number of cores.
            let blocks = ParallelRows.blocks(n)
            let partial = labels.withUnsafeBufferPointer { labelBuffer in
                x.values.withUnsafeBufferPointer { values in
                    Parallel.map(blocks) { block -> (sums: [Double], counts: [Int]) in
                        var sums = [Double](repeating: 0, count: k * p), counts = [Int](repeating: 0, count: k)
                        labelBuffer.baseAddress!.withMemoryRebound(to: CLong.self, capacity: n) { labelPointer in
                            counts.withUnsafeMutableBufferPointer { countBuffer in
                                countBuffer.baseAddress!.withMemoryRebound(to: CLong.self, capacity: k) { countPointer in
                                    mlw_cluster_sums(values.baseAddress! + block.lowerBound * p, block.count, p,
                                                     labelPointer + block.lowerBound, k, &sums, countPointer)
                                }
                            }
                        }
                        return (sums, counts)
                    }
                }
            }
            var sums = [Double](repeating: 0, count: k * p), counts = [Int](repeating: 0, count: k)
            for part in partial {
                for t in 0..<(k * p) { sums[t] += part.sums[t] }
                for c in 0..<k { counts[c] += part.counts[c] }
            }
            var next = centres
            var taken = Set<Int>()
            for c in 0..<k {
                if counts[c] > 0 {
                    for j in 0..<p { next[c * p + j] = sums[c * p + j] / Double(counts[c]) }
                } else {
                    // An empty cluster takes the row farthest from its centre (not taken already).
                    let far = (0..<n).filter { !taken.contains($0) }.max { distances[$0] < distances[$1] } ?? 0
                    taken.insert(far)
                    for j in 0..<p { next[c * p + j] = x.values[far * p + j] }
                }
            }
            let shift = zip(next, centres).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
            centres = next
            if shift <= threshold { break }
        }
        let (_, distances) = KMeans.assign(x, centres: centres, k: k)
        return (centres, distances.reduce(0, +), iterations)
    }

    /// Each row's squared distance to each of the `k` centres (row-major `k × features`),
    /// row-major `rows × k`: row blocks in parallel through the packed C kernel.
    /// - Complexity: O(rows × k × features)
    static func squaredDistances(_ x: DesignMatrix, to centres: [Double], k: Int) -> [Double] {
        let p = x.columns
        var packed = [Double](repeating: 0, count: (k + 3) / 4 * p * 4)
        mlw_pack_centres(centres, k, p, &packed)
        var out = [Double](repeating: 0, count: x.rows * k)
        out.withUnsafeMutableBufferPointer { target in
            let base = target.baseAddress!
            x.values.withUnsafeBufferPointer { values in
                Parallel.map(ParallelRows.blocks(x.rows)) { block in
                    mlw_squared_distances(values.baseAddress! + block.lowerBound * p, block.count, p, packed, k, base + block.lowerBound * k)
                }
            }
        }
        return out
    }

    /// Each row's nearest centre (the first of equals) and its squared distance.
    static func assign(_ x: DesignMatrix, centres: [Double], k: Int) -> (labels: [Int], distances: [Double]) {
        let all = squaredDistances(x, to: centres, k: k)
        var labels = [Int](repeating: 0, count: x.rows), distances = [Double](repeating: 0, count: x.rows)
        for i in 0..<x.rows {
            var best = 0, bestDistance = Double.infinity
            for c in 0..<k where all[i * k + c] < bestDistance { (best, bestDistance) = (c, all[i * k + c]) }
            labels[i] = best
            distances[i] = bestDistance
        }
        return (labels, distances)
    }

    public struct Model: FittedModel {
        public var k: Int
        public var featureCount: Int
        /// Row-major `k × features`.
        public var centres: [Double]
        /// The training rows' summed squared distance to their centres.
        public var inertia: Double
        public var iterations: Int

        enum CodingKeys: String, CodingKey {
            case k, centres, inertia, iterations
            case featureCount = "feature_count"
        }

        public var task: Task { .clustering }

        /// The nearest centre of each row (clusters numbered from 0).
        public func predict(_ x: DesignMatrix) -> Prediction {
            .clusters(KMeans.assign(x, centres: centres, k: k).labels)
        }

        public func combine(into hasher: inout FingerprintHasher) {
            hasher.combine(UInt64(k))
            for v in centres { hasher.combine(v) }
        }

        public var isFinite: Bool { centres.allSatisfy(\.isFinite) && inertia.isFinite }

        public func check(featureCount p: Int, classCount classes: Int) throws {
            // Multiplied with overflow reported: k comes from a file.
            let (expected, overflow) = k.multipliedReportingOverflow(by: p)
            guard featureCount == p, k >= 1, !overflow, centres.count == expected else {
                throw LearningError("has \(centres.count) centre values for k=\(k), but manifest.json lists \(Plural.count(p, "feature"))")
            }
            guard classes == 0 else { throw LearningError("is a clustering, but manifest.json lists \(Plural.count(classes, "class"))") }
        }

        public var summary: String? { "\(Plural.count(k, "cluster")), inertia \(NumberFormatting.significant(inertia, digits: 5)), \(Plural.count(iterations, "iteration"))" }

        public func learnedValues(features: [String], classes: [String]) -> LearnedValues? {
            let p = featureCount
            return LearnedValues(headers: ["feature"] + (0..<k).map { "cluster \($0)" },
                                 rows: features.indices.map { j in [features[j]] + (0..<k).map { NumberFormatting.significant(centres[$0 * p + j], digits: 4) } },
                                 note: "each cluster's centre in the units of the prepared features")
        }
    }
}
