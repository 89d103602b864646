import CKernels
import Foundation
import Tabular

/// CART decision trees for classification (Gini or entropy) and regression (squared
/// error), as scikit-learn's `DecisionTreeClassifier` and `DecisionTreeRegressor`.
///
/// Split finding works on binned features: each feature's training values are cut into
/// at most `max_bins` bins, one per distinct value when there are no more than that (then
/// every threshold scikit-learn would try is tried, at the same midpoints), else at
/// quantiles. `max_bins=auto` is exact CART up to 100,000 training rows (65,535 bins,
/// more than such data has distinct values) and 256 quantile bins above, as histogram
/// boosting does at scale. The tree grows level by level (`TreeGrower`); for every (node,
/// group of features) pair, in parallel, histograms of the node's rows over the bins give
/// the best thresholds in one scan each (or, for a node with few rows for a feature's bins,
/// its rows sorted by bin). Ties go to the first feature and the smallest threshold, so a
/// fit is deterministic; `seed` drives only the choice of features when `max_features` is
/// below the feature count.
///
/// - Complexity: O(rows × features) per level to fit, plus O(features × bins) per node;
///   O(rows × depth) to predict.
public struct DecisionTree: Estimator {
    public static let name = "tree"
    public static let summary = "CART decision tree (Gini or entropy for classes, squared error for values)"
    public static let tasks: [Task] = [.classification, .regression]
    public static let settings = SettingsSchema(growthSettings(maxFeatures: .value(.none)) + [
        SettingSpec("max_bins", "most bins per feature; a feature with fewer distinct values gets one per value (exact CART); auto: exact up to 100,000 training rows, 256 bins above",
                    forms: [.whole(2...65_535), .word(["auto"])], default: .value(.word("auto"))),
        SettingSpec("seed", "seed of the choice of features when max_features is below their number",
                    forms: [.whole(0...Int.max)], default: .randomSeed),
    ])

    /// The settings of how a tree grows, shared with `forest` (which draws features by default).
    static func growthSettings(maxFeatures: SettingDefault) -> [SettingSpec] {
        [
            SettingSpec("criterion", "what a split reduces: gini or entropy (classes), squared_error (values)",
                        forms: [.word(["gini", "entropy", "squared_error"])],
                        default: .perTask([.classification: .word("gini"), .regression: .word("squared_error")])),
            SettingSpec("max_depth", "deepest a leaf may be (the root is depth 0)",
                        forms: [.whole(1...1000), .none(meaning: "no limit")], default: .value(.none)),
            SettingSpec("min_samples_split", "fewest training rows a node needs to be split",
                        forms: [.whole(2...Int.max)], default: .value(.whole(2))),
            SettingSpec("min_samples_leaf", "fewest training rows each side of a split must keep",
                        forms: [.whole(1...Int.max)], default: .value(.whole(1))),
            SettingSpec("max_features", "features tried at each split: a count, a fraction, sqrt, log2 or none (all)",
                        forms: [.whole(1...Int.max), .number(0...1, excludingLower: true), .word(["sqrt", "log2"]), .none(meaning: "every feature")],
                        default: maxFeatures),
        ]
    }

    public var criterion: String
    public var maxDepth: Int?
    public var minSamplesSplit: Int
    public var minSamplesLeaf: Int
    public var maxFeatures: SettingValue
    /// Nil: `auto`.
    public var maxBins: Int?

    public static func searchSpace(for task: Task) -> [SearchDimension] {
        [SearchDimension(key: "max_depth", values: .list([.whole(3), .whole(5), .whole(8), .whole(12), .none])),
         SearchDimension(key: "min_samples_leaf", values: .list([.whole(1), .whole(5), .whole(20), .whole(50)]))]
            + (task == .classification ? [SearchDimension(key: "criterion", values: .list([.word("gini"), .word("entropy")]))] : [])
    }

    public init(_ settings: Settings) {
        criterion = settings.word("criterion")
        maxDepth = settings.whole("max_depth")
        minSamplesSplit = settings.whole("min_samples_split")!
        minSamplesLeaf = settings.whole("min_samples_leaf")!
        maxFeatures = settings["max_features"]!
        if case .whole(let bins)? = settings["max_bins"] { maxBins = bins } else { maxBins = nil }
    }

    // MARK: - The fitted tree

    /// A fitted tree, nodes in breadth-first order (the root first, children after their
    /// parent). A split node sends a row left when its feature is at most the threshold.
    public struct Model: FittedModel {
        public var task: Task
        /// Classes (classification), 0 for regression.
        public var classCount: Int
        /// Per node: the feature tested, or -1 at a leaf.
        public var feature: [Int]
        public var threshold: [Double]
        public var left: [Int]
        public var right: [Int]
        /// Per node: the training rows that reached it.
        public var samples: [Int]
        /// Per node, flat: `classCount` class shares (classification) or 1 mean (regression).
        public var value: [Double]
        /// Per feature: impurity-based importance, summing to 1 (all 0 for a single leaf).
        public var importances: [Double]

        enum CodingKeys: String, CodingKey {
            case task, feature, threshold, left, right, samples, value, importances
            case classCount = "class_count"
        }

        public var nodeCount: Int { feature.count }
        var width: Int { max(classCount, 1) }

        /// TreeSHAP over the training rows that reached each node.
        public func explain(_ row: [Double], trainingMeans: [Double], classes: [String]) throws -> Explanation? {
            let (base, contributions) = TreeSHAP.explain(self, row: row)
            return Explanation(outputs: task == .classification ? classes.map { "probability of \($0)" } : ["value"], base: base, contributions: contributions)
        }

        /// The leaf a row (its features in the training order) falls in.
        func leaf(_ row: UnsafePointer<Double>) -> Int {
            var node = 0
            while feature[node] >= 0 { node = row[feature[node]] <= threshold[node] ? left[node] : right[node] }
            return node
        }

        /// The leaf each row of `x` falls in.
        /// - Complexity: O(rows × depth)
        func leaves(_ x: DesignMatrix) -> [Int] {
            let p = x.columns
            return x.values.withUnsafeBufferPointer { values in
                Parallel.map(ParallelRows.blocks(x.rows)) { block -> [Int] in
                    block.map { i in leaf(values.baseAddress! + i * p) }
                }.flatMap { $0 }
            }
        }

        public func predict(_ x: DesignMatrix) -> Prediction {
            let leaves = leaves(x)
            if task == .classification {
                var probabilities = [Double](repeating: 0, count: x.rows * classCount)
                for (i, leaf) in leaves.enumerated() {
                    for k in 0..<classCount { probabilities[i * classCount + k] = value[leaf * classCount + k] }
                }
                return .classes(probabilities: probabilities, classCount: classCount)
            }
            return .values(leaves.map { value[$0] })
        }

        public func combine(into hasher: inout FingerprintHasher) {
            for node in 0..<nodeCount {
                hasher.combine(UInt64(bitPattern: Int64(feature[node])))
                hasher.combine(threshold[node])
                hasher.combine(UInt64(samples[node]))
                for k in 0..<width { hasher.combine(value[node * width + k]) }
            }
        }

        public var isFinite: Bool {
            threshold.allSatisfy { !$0.isNaN } && value.allSatisfy(\.isFinite) && importances.allSatisfy(\.isFinite)
        }

        public func check(featureCount p: Int, classCount classes: Int) throws {
            guard task == .classification || task == .regression else { throw LearningError("holds a tree for \(task.rawValue)") }
            guard classCount == (task == .classification ? classes : 0) else {
                throw LearningError("has class_count \(classCount), but manifest.json lists \(Plural.count(classes, "class"))")
            }
            let n = feature.count
            guard n >= 1, [threshold.count, left.count, right.count, samples.count].allSatisfy({ $0 == n }),
                  value.count == n * width else {
                throw LearningError("has node arrays of different lengths")
            }
            guard importances.count == p else {
                throw LearningError("has \(importances.count) importances, but manifest.json lists \(Plural.count(p, "feature"))")
            }
            for node in 0..<n {
                if feature[node] == -1 {
                    guard left[node] == -1, right[node] == -1 else { throw LearningError("has a leaf \(node) with children") }
                } else {
                    guard (0..<p).contains(feature[node]) else {
                        throw LearningError("tests feature \(feature[node]) at node \(node), but manifest.json lists \(Plural.count(p, "feature"))")
                    }
                    // Children come after their parent, so a walk always ends at a leaf.
                    guard left[node] > node, right[node] > node, left[node] < n, right[node] < n else {
                        throw LearningError("has node \(node) with children out of order")
                    }
                }
            }
        }

        public var summary: String? {
            "depth \(depth), \(Plural.count(leafCount, "leaf", plural: "leaves"))"
        }

        public var featureImportances: [Double]? { importances }

        public var leafCount: Int { feature.filter { $0 < 0 }.count }

        public var depth: Int {
            var depths = [Int](repeating: 0, count: nodeCount)
            for node in 0..<nodeCount where feature[node] >= 0 {
                depths[left[node]] = depths[node] + 1
                depths[right[node]] = depths[node] + 1
            }
            return depths.max() ?? 0
        }

        public func rules(features: [String], classes: [String]) -> String? {
            var lines: [String] = []
            func leafText(_ node: Int) -> String {
                if task == .classification {
                    var best = 0
                    for k in 1..<classCount where value[node * classCount + k] > value[node * classCount + best] { best = k }
                    let label = best < classes.count ? classes[best] : "class \(best)"
                    return "\(label) (\(Self.percent(value[node * classCount + best])) of \(Plural.count(samples[node], "row")))"
                }
                return "\(NumberFormatting.significant(value[node], digits: 5)) (\(Plural.count(samples[node], "row")))"
            }
            func walk(_ node: Int, _ indent: String) {
                guard feature[node] >= 0 else { return }
                let name = feature[node] < features.count ? Tabular.Expression.quoteIdentifier(features[feature[node]]) : "feature \(feature[node])"
                let cut = NumberFormatting.significant(threshold[node], digits: 6)
                for (child, test) in [(left[node], "<="), (right[node], ">")] {
                    if feature[child] < 0 {
                        lines.append("\(indent)if \(name) \(test) \(cut) then \(leafText(child))")
                    } else {
                        lines.append("\(indent)if \(name) \(test) \(cut):")
                        walk(child, indent + "  ")
                    }
                }
            }
            if feature[0] < 0 { return "always \(leafText(0))" }
            walk(0, "")
            return lines.joined(separator: "\n")
        }

        static func percent(_ share: Double) -> String {
            let value = share * 100
            return (value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)) + "%"
        }
    }

    // MARK: - Fitting

    /// Up to this many training rows, `max_bins=auto` makes every distinct value a bin.
    public static let exactRowLimit = 100_000

    public func fit(_ data: TrainingData) throws -> Fit<Model> {
        let n = data.rowCount
        let p = data.features.count
        guard n > 0 else { throw LearningError("there are no training rows") }
        guard p > 0 else { throw LearningError("there are no features") }
        let target = try growthTarget(data)
        let features = featuresPerSplit(p)
        var grower = TreeGrower(bins: try FeatureBins(data.features, maxBins: maxBins ?? (n <= Self.exactRowLimit ? 65_535 : 256),
                                                      isCancelled: data.isCancelled),
                                target: target, maxDepth: maxDepth, minSamplesSplit: minSamplesSplit,
                                minSamplesLeaf: minSamplesLeaf, featuresPerSplit: features, seed: data.seed, isCancelled: data.isCancelled)
        return Fit(try grower.grow())
    }
}

/// Row blocks for parallel prediction.
enum ParallelRows {
    static func blocks(_ rows: Int, size: Int = 16_384) -> [Range<Int>] {
        return stride(from: 0, to: rows, by: size).map { $0..<min(rows, $0 + size) }
    }
}

/// What a tree is grown to predict.
enum GrowthTarget {
    /// Class index per training row.
    case classes([Int32], count: Int, entropy: Bool)
    case values([Double])
}

/// Every feature's training values as bin codes, with the threshold between each bin and
/// the next. A row's code `c` for a feature means `upper[c - 1] < value <= upper[c]`, so
/// "code at most c" and "value at most upper[c]" send the same training rows left.
struct FeatureBins: Sendable {
    /// The features in groups of up to 16 (`groups`), and per group its codes row by row:
    /// the code of training row `i` for the group's `k`th feature is
    /// `codes[g][i * groups[g].count + k]`. A pass over a node's rows for a group reads its
    /// codes for that group together (column by column, deep levels would miss the cache
    /// once per row and feature), and at the top levels reads the group's block in order.
    var codes: [[UInt16]]
    var groups: [Range<Int>]
    /// The group of each feature and its place in it.
    var place: [(group: Int, offset: Int)]
    var featureCount: Int
    /// Per feature, the threshold after each bin but the last.
    var upper: [[Double]]
    /// Per feature whose bins are its distinct values (no more than `maxBins` of them):
    /// those values, so a split between two bins can sit midway between the values the
    /// node's rows have, as scikit-learn's do; nil for quantile bins.
    var values: [[Double]?]
    var rowCount: Int

    /// Rows beyond this many are sampled (every k-th row, in order, so the sample is read
    /// sequentially) to place quantile thresholds: enough for 65,535 bins, and the cost of
    /// sorting stays bounded at any size.
    static let sampleLimit = 262_144

    /// - Parameter groupSize: features per group; by default up to 16, about an eighth of
    ///   them (a forest reads one feature of a group at a time, and asks for 1).
    init(_ features: FeatureColumns, maxBins: Int, groupSize: Int? = nil, isCancelled: @escaping @Sendable () -> Bool) throws {
        rowCount = features.rowCount
        featureCount = features.count
        let rows = features.rows
        let n = rowCount, p = featureCount
        // The thresholds of each feature, from its sorted distinct values (of a sample).
        let cuts = Parallel.map(features.vectors) { vector -> ([Double], [Double]?)? in
            if isCancelled() { return nil }
            return vector.withValues { v -> ([Double], [Double]?) in
                func value(_ i: Int) -> Double { rows.map { v[$0[i]] } ?? v[i] }
                var sample: [Double]
                if n <= Self.sampleLimit {
                    sample = (0..<n).map(value)
                } else {
                    let step = (n + Self.sampleLimit - 1) / Self.sampleLimit
                    sample = Swift.stride(from: 0, to: n, by: step).map(value)
                }
                var (distinct, counts) = Self.fewDistinct(sample, limit: min(maxBins, 1024)) ?? ([], [])
                if distinct.isEmpty {
                    sample.sort()
                    for x in sample {
                        if let last = distinct.last, last == x { counts[counts.count - 1] += 1 } else { distinct.append(x); counts.append(1) }
                    }
                }
                return (Self.thresholds(distinct: distinct, counts: counts, maxBins: maxBins), distinct.count <= maxBins ? distinct : nil)
            }
        }
        var upper: [[Double]] = [], values: [[Double]?] = []
        for result in cuts {
            guard let (u, d) = result else { throw CancelledOptimization() }
            upper.append(u)
            values.append(d)
        }
        let size = groupSize ?? max(1, min(16, (p + 7) / 8))
        groups = stride(from: 0, to: p, by: size).map { $0..<min(p, $0 + size) }
        place = (0..<p).map { ($0 / size, $0 % size) }
        // Each row's codes, by binary search among the thresholds, in row blocks (a block's
        // codes stay in cache while each feature of the group writes its column of them).
        codes = groups.map { group in
            let width = group.count
            return [UInt16](unsafeUninitializedCapacity: n * width) { buffer, initialized in
                let base = buffer.baseAddress!
                _ = ParallelBlocks.map(count: n) { block in
                    for (k, j) in group.enumerated() {
                        upper[j].withUnsafeBufferPointer { cuts in
                            features.vectors[j].withValues { v in
                                for i in block {
                                    let x = rows.map { v[$0[i]] } ?? v[i]
                                    var low = 0, high = cuts.count
                                    while low < high { let mid = (low + high) / 2; if cuts[mid] < x { low = mid + 1 } else { high = mid } }
                                    (base + i * width + k).initialize(to: UInt16(low))
                                }
                            }
                        }
                    }
                }
                initialized = n * width
            }
        }
        if isCancelled() { throw CancelledOptimization() }
        self.upper = upper
        self.values = values
    }

    /// The sorted distinct values and their counts when there are at most `limit` of them
    /// (indicator columns, small counts), found in one pass without sorting the sample;
    /// nil as soon as there are more.
    static func fewDistinct(_ sample: [Double], limit: Int) -> (values: [Double], counts: [Int])? {
        var counts: [Double: Int] = [:]
        for x in sample {
            counts[x, default: 0] += 1
            if counts.count > limit { return nil }
        }
        let values = counts.keys.sorted()
        return (values, values.map { counts[$0]! })
    }

    /// Midpoints between adjacent distinct values (scikit-learn's thresholds) when they
    /// number fewer than `maxBins`; else midpoints at about equal shares of the rows.
    /// Halfway between two values, as scikit-learn's thresholds: never one that `b` does
    /// not exceed (the half-sum can round up to `b` for adjacent floating-point numbers).
    static func midpoint(_ a: Double, _ b: Double) -> Double {
        let m = a / 2 + b / 2
        return m >= b || m < a ? a : m
    }

    static func thresholds(distinct: [Double], counts: [Int], maxBins: Int) -> [Double] {
        guard distinct.count > maxBins else {
            return (0..<max(0, distinct.count - 1)).map { midpoint(distinct[$0], distinct[$0 + 1]) }
        }
        let total = counts.reduce(0, +)
        var cuts: [Double] = []
        var seen = 0
        var next = 1
        for k in 0..<(distinct.count - 1) {
            seen += counts[k]
            // Cut after the value where the running share passes the next quantile.
            if seen * maxBins >= next * total {
                cuts.append(midpoint(distinct[k], distinct[k + 1]))
                while next * total <= seen * maxBins { next += 1 }
                if cuts.count == maxBins - 1 { break }
            }
        }
        return cuts
    }

    func binCount(_ feature: Int) -> Int { upper[feature].count + 1 }

    /// The threshold between the last bin `a` on the left and the first bin `b` on the right.
    func threshold(_ feature: Int, between a: Int, and b: Int) -> Double {
        if let values = values[feature] { return Self.midpoint(values[a], values[b]) }
        return upper[feature][b - 1]
    }
}

/// A fixed-size array shared by reference: the grower keeps two of each and swaps them per
/// level instead of allocating. Written only by `TreeGrower.partition`, one task per buffer.
final class Positions<T>: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<T>

    init(copying array: [T]) {
        buffer = .allocate(capacity: array.count)
        _ = buffer.initialize(from: array)
    }

    init(count: Int, repeating value: T) {
        buffer = .allocate(capacity: count)
        buffer.initialize(repeating: value)
    }

    var count: Int { buffer.count }

    deinit {
        buffer.deinitialize()
        buffer.deallocate()
    }
}

/// Grows a tree level by level from binned features. Each node's rows are kept together:
/// the codes (per feature group) and the targets are reordered as nodes split, so a node is
/// a range of positions and every pass over its rows reads memory in order. (Left in the
/// training rows' order, a deep node's rows are scattered and each read misses the cache.)
/// Splitting is stable, so within a node the rows stay in training order and sums over
/// them are the same as over the rows in place.
///
/// A forest's trees instead share one copy of the codes, read through `order` (each
/// position's row, a bootstrap sample to start with): only the order and the targets move
/// as nodes split, since a node reads just the few features `max_features` gives it and
/// moving every feature's codes would cost more than the reads. Rows stay in increasing
/// order within a node, so the reads still go forwards through memory.
struct TreeGrower {
    let bins: FeatureBins
    let target: GrowthTarget
    let maxDepth: Int?
    let minSamplesSplit: Int
    let minSamplesLeaf: Int
    let featuresPerSplit: Int
    let seed: UInt64
    let isCancelled: @Sendable () -> Bool
    /// Per feature group, the codes by position (row-major within the group); by row when
    /// `order` is set.
    var codes: [Positions<UInt16>]
    /// The row at each position, when the codes are shared and read through it.
    var order: Positions<Int32>?
    var spareOrder: Positions<Int32>?
    /// The rows grown on (positions).
    let rowCount: Int
    /// The class index (classification) or the value (regression) by position.
    var labels: Positions<Int32>
    var values: Positions<Double>
    /// Where `partition` writes the next level's order before they are swapped (allocated
    /// once, so no level pays for fresh pages).
    var spareCodes: [Positions<UInt16>]
    var spareLabels: Positions<Int32>
    var spareValues: Positions<Double>

    /// Takes the bins' codes over (they are reordered here; the bins keep their thresholds).
    init(bins: FeatureBins, target: GrowthTarget, maxDepth: Int?, minSamplesSplit: Int, minSamplesLeaf: Int,
         featuresPerSplit: Int, seed: UInt64, isCancelled: @escaping @Sendable () -> Bool) {
        var bins = bins
        let codes = bins.codes.map(Positions.init(copying:))
        let spare = bins.codes.map { Positions<UInt16>(count: $0.count, repeating: 0) }
        bins.codes = []
        self.init(bins: bins, codes: codes, spareCodes: spare, order: nil, target: target, maxDepth: maxDepth, minSamplesSplit: minSamplesSplit,
                  minSamplesLeaf: minSamplesLeaf, featuresPerSplit: featuresPerSplit, seed: seed, isCancelled: isCancelled)
    }

    /// Grows on `rows` (repeats allowed) of codes shared with other growers, read through
    /// the order; the targets are those of every row.
    init(bins: FeatureBins, sharedCodes: [Positions<UInt16>], rows: [Int], target: GrowthTarget, maxDepth: Int?, minSamplesSplit: Int,
         minSamplesLeaf: Int, featuresPerSplit: Int, seed: UInt64, isCancelled: @escaping @Sendable () -> Bool) {
        self.init(bins: bins, codes: sharedCodes, spareCodes: [], order: rows.map { Int32($0) }, target: target.taking(rows), maxDepth: maxDepth,
                  minSamplesSplit: minSamplesSplit, minSamplesLeaf: minSamplesLeaf, featuresPerSplit: featuresPerSplit, seed: seed,
                  isCancelled: isCancelled)
    }

    private init(bins: FeatureBins, codes: [Positions<UInt16>], spareCodes: [Positions<UInt16>], order: [Int32]?, target: GrowthTarget, maxDepth: Int?, minSamplesSplit: Int,
                 minSamplesLeaf: Int, featuresPerSplit: Int, seed: UInt64, isCancelled: @escaping @Sendable () -> Bool) {
        self.codes = codes
        self.spareCodes = spareCodes
        self.order = order.map(Positions.init(copying:))
        spareOrder = order.map { Positions(count: $0.count, repeating: 0) }
        rowCount = order?.count ?? bins.rowCount
        self.bins = bins
        self.target = target
        self.maxDepth = maxDepth
        self.minSamplesSplit = minSamplesSplit
        self.minSamplesLeaf = minSamplesLeaf
        self.featuresPerSplit = featuresPerSplit
        self.seed = seed
        self.isCancelled = isCancelled
        switch target {
        case .classes(let y, _, _): labels = Positions(copying: y); values = Positions(copying: [])
        case .values(let y): labels = Positions(copying: []); values = Positions(copying: y)
        }
        spareLabels = Positions(count: labels.count, repeating: 0)
        spareValues = Positions(count: values.count, repeating: 0)
    }

    /// The row whose codes sit at position `i`.
    @inline(__always) func row(_ i: Int) -> Int {
        if let order { return Int(order.buffer[i]) }
        return i
    }

    /// Per-class counts (classification) or one value (regression) per histogram bin, then the count.
    var width: Int {
        if case .classes(_, let count, _) = target { return count }
        return 1
    }

    var isClassification: Bool {
        if case .classes = target { return true }
        return false
    }

    /// A node waiting to be split: its index in the tree and its rows' positions.
    struct Pending {
        var node: Int
        var rows: Range<Int>
        var depth: Int
        var impurity: Double
    }

    /// The best split of one node on one feature.
    struct Candidate {
        var feature: Int
        /// Rows with a code up to this one go left.
        var bin: Int
        var threshold: Double
        /// The split's proxy score (larger is better; comparable only within a node).
        var score: Double
        var leftCount: Int
    }

    mutating func grow() throws -> DecisionTree.Model {
        let n = rowCount
        let p = bins.featureCount
        var model = DecisionTree.Model(task: isClassification ? .classification : .regression,
                                       classCount: isClassification ? width : 0,
                                       feature: [], threshold: [], left: [], right: [], samples: [], value: [],
                                       importances: [Double](repeating: 0, count: p))
        let (rootValue, rootImpurity) = summarize(0..<n)
        appendNode(&model, rows: n, value: rootValue)
        var frontier = [Pending(node: 0, rows: 0..<n, depth: 0, impurity: rootImpurity)]
        while !frontier.isEmpty {
            if isCancelled() { throw CancelledOptimization() }
            let splittable = frontier.filter(canSplit)
            let best = featuresPerSplit < p ? bestOfSampledFeatures(splittable) : bestOfAllFeatures(splittable)
            let splits = zip(splittable, best).compactMap { pending, split in split.map { (pending, $0) } }
            partition(splits)
            var next: [Pending] = []
            for (pending, split) in splits {
                let leftRows = pending.rows.lowerBound..<(pending.rows.lowerBound + split.leftCount)
                let rightRows = leftRows.upperBound..<pending.rows.upperBound
                let (leftValue, leftImpurity) = summarize(leftRows)
                let (rightValue, rightImpurity) = summarize(rightRows)
                let node = pending.node
                model.feature[node] = split.feature
                model.threshold[node] = split.threshold
                model.left[node] = model.feature.count
                appendNode(&model, rows: leftRows.count, value: leftValue)
                model.right[node] = model.feature.count
                appendNode(&model, rows: rightRows.count, value: rightValue)
                // Weighted impurity decrease, as scikit-learn's feature_importances_.
                let total = Double(pending.rows.count)
                model.importances[split.feature] += total * pending.impurity
                    - Double(leftRows.count) * leftImpurity - Double(rightRows.count) * rightImpurity
                next.append(Pending(node: model.left[node], rows: leftRows, depth: pending.depth + 1, impurity: leftImpurity))
                next.append(Pending(node: model.right[node], rows: rightRows, depth: pending.depth + 1, impurity: rightImpurity))
            }
            frontier = next
        }
        let sum = model.importances.reduce(0, +)
        model.importances = model.importances.map { sum > 0 ? $0 / sum : 0 }
        return model
    }

    /// Each node's best split over every feature: every (node, group of features) pair in parallel.
    func bestOfAllFeatures(_ nodes: [Pending]) -> [Candidate?] {
        let work = nodes.indices.flatMap { k in bins.groups.indices.map { (node: k, group: $0) } }
        let found = Parallel.map(work) { item in bestSplits(nodes[item.node].rows, group: item.group) }
        var best = [Candidate?](repeating: nil, count: nodes.count)
        for (item, splits) in zip(work, found) {
            for candidate in splits {
                guard let candidate else { continue }
                // Features in order, the first of equal scores kept.
                if best[item.node].map({ candidate.score > $0.score || (candidate.score == $0.score && candidate.feature < $0.feature) }) ?? true {
                    best[item.node] = candidate
                }
            }
        }
        return best
    }

    /// Each node's best split over `featuresPerSplit` features taken in the node's random
    /// order, skipping those that cannot split it (a constant feature does not count, as in
    /// scikit-learn). Only the features a node may take are scanned: in rounds, each asking
    /// for as many more as the node still lacks, so a forest's trees with `sqrt` of 76
    /// features scan about 8 per node rather than all 76.
    func bestOfSampledFeatures(_ nodes: [Pending]) -> [Candidate?] {
        let p = bins.featureCount
        let orders = nodes.map { featureOrder(for: $0.node, count: p) }
        var next = [Int](repeating: 0, count: nodes.count)
        var usable = [Int](repeating: 0, count: nodes.count)
        var best = [Candidate?](repeating: nil, count: nodes.count)
        while true {
            // The next features each unsatisfied node asks for, by group.
            var work: [(node: Int, group: Int, features: [Int])] = []
            for k in nodes.indices where usable[k] < featuresPerSplit && next[k] < p {
                let wanted = orders[k][next[k]..<min(p, next[k] + featuresPerSplit - usable[k])]
                next[k] += wanted.count
                var byGroup: [Int: [Int]] = [:]
                for j in wanted { byGroup[bins.place[j].group, default: []].append(j) }
                for group in byGroup.keys.sorted() { work.append((k, group, byGroup[group]!)) }
            }
            guard !work.isEmpty else { break }
            let found = Parallel.map(work) { item in bestSplits(nodes[item.node].rows, group: item.group, only: item.features) }
            // The node's order decides ties, as when every feature is scanned in its order.
            for (item, splits) in zip(work, found) {
                let k = item.node
                for candidate in splits {
                    guard let candidate else { continue }
                    usable[k] += 1
                    if let current = best[k] {
                        let earlier = orders[k].firstIndex(of: candidate.feature)! < orders[k].firstIndex(of: current.feature)!
                        if candidate.score > current.score || (candidate.score == current.score && earlier) { best[k] = candidate }
                    } else {
                        best[k] = candidate
                    }
                }
            }
        }
        return best
    }

    /// Reorders each split node's rows, left rows first, keeping their order within each
    /// side: the codes of every group and the targets, groups in parallel.
    mutating func partition(_ splits: [(Pending, Candidate)]) {
        guard !splits.isEmpty else { return }
        // Which rows go left, from each split's own feature.
        var goesLeft = [Bool](repeating: false, count: rowCount)
        goesLeft.withUnsafeMutableBufferPointer { left in
            for (pending, split) in splits {
                let (group, offset) = bins.place[split.feature]
                let width = bins.groups[group].count
                let c = codes[group].buffer
                for i in pending.rows { left[i] = Int(c[row(i) * width + offset]) <= split.bin }
            }
        }
        // A leaf's positions are not read again, so only the split nodes' rows are moved.
        let moves = goesLeft
        func reorder<T>(_ source: Positions<T>, into target: Positions<T>, width: Int) {
            let from = source.buffer, to = target.buffer
            moves.withUnsafeBufferPointer { left in
                for (pending, split) in splits {
                    var l = pending.rows.lowerBound, r = pending.rows.lowerBound + split.leftCount
                    for i in pending.rows {
                        let position: Int
                        if left[i] { position = l; l += 1 } else { position = r; r += 1 }
                        for k in 0..<width { to[position * width + k] = from[i * width + k] }
                    }
                }
            }
        }
        if let current = order, let spare = spareOrder {
            reorder(current, into: spare, width: 1)
            swap(&order, &spareOrder)
        } else {
            let groups = bins.groups, current = codes, spare = spareCodes
            _ = Parallel.map(Array(groups.indices)) { g in reorder(current[g], into: spare[g], width: groups[g].count) }
            swap(&codes, &spareCodes)
        }
        if labels.count > 0 { reorder(labels, into: spareLabels, width: 1); swap(&labels, &spareLabels) }
        if values.count > 0 { reorder(values, into: spareValues, width: 1); swap(&values, &spareValues) }
    }

    func canSplit(_ pending: Pending) -> Bool {
        let count = pending.rows.count
        if let maxDepth, pending.depth >= maxDepth { return false }
        // A pure node is a leaf (scikit-learn's test: impurity at most the machine epsilon).
        return count >= minSamplesSplit && count >= 2 * minSamplesLeaf && pending.impurity > Double.ulpOfOne
    }

    func appendNode(_ model: inout DecisionTree.Model, rows: Int, value: [Double]) {
        model.feature.append(-1)
        model.threshold.append(0)
        model.left.append(-1)
        model.right.append(-1)
        model.samples.append(rows)
        model.value += value
    }

    /// The features a node tries, in order: all in order, or a random order of all (only
    /// the first `featuresPerSplit` that can split are used) seeded by the node.
    func featureOrder(for node: Int, count p: Int) -> [Int] {
        guard featuresPerSplit < p else { return Array(0..<p) }
        var generator = SeededGenerator(seed: seed ^ (UInt64(node) &* 0x9E37_79B9_7F4A_7C15))
        var order = Array(0..<p)
        for i in Swift.stride(from: p - 1, to: 0, by: -1) {
            order.swapAt(i, Int(generator.next() % UInt64(i + 1)))
        }
        return order
    }

    /// A node's prediction (class shares or mean) and impurity (Gini, entropy or variance).
    func summarize(_ rows: Range<Int>) -> (value: [Double], impurity: Double) {
        let n = Double(rows.count)
        switch target {
        case .classes(_, let count, let entropy):
            var counts = [Double](repeating: 0, count: count)
            for i in rows { counts[Int(labels.buffer[i])] += 1 }
            let shares = counts.map { n > 0 ? $0 / n : 0 }
            let impurity = entropy ? shares.reduce(0) { $1 > 0 ? $0 - $1 * log2($1) : $0 } : 1 - shares.reduce(0) { $0 + $1 * $1 }
            return (shares, impurity)
        case .values:
            var sum = 0.0
            for i in rows { sum += values.buffer[i] }
            let mean = n > 0 ? sum / n : 0
            var squares = 0.0
            for i in rows { let d = values.buffer[i] - mean; squares += d * d }
            return ([mean], n > 0 ? squares / n : 0)
        }
    }

    /// The best threshold of each feature of a group for one node's rows (nil for a
    /// feature where no threshold leaves `minSamplesLeaf` rows on each side).
    /// - Parameter only: the features of the group to scan (all when nil); the others' places hold nil.
    func bestSplits(_ rows: Range<Int>, group: Int, only: [Int]? = nil) -> [Candidate?] {
        let features = bins.groups[group]
        let scanned = only ?? Array(features)
        let n = rows.count
        let stride = statisticsWidth
        // Features with rows enough for a histogram over every bin share one pass over the
        // rows; a feature with many bins for a small node sorts the rows by bin instead.
        let dense = scanned.filter { bins.binCount($0) > 1 && bins.binCount($0) <= 8 * n }
        var offsets: [Int] = []
        var size = 0
        for j in dense { offsets.append(size); size += bins.binCount(j) * stride }
        var histograms = [Double](repeating: 0, count: size)
        if !dense.isEmpty { accumulate(rows, group: group, features: dense, offsets: offsets, into: &histograms) }
        var result = [Candidate?](repeating: nil, count: features.count)
        for (k, j) in dense.enumerated() {
            let slice = histograms[offsets[k]..<(offsets[k] + bins.binCount(j) * stride)]
            let present = (0..<bins.binCount(j)).filter { slice[slice.startIndex + $0 * stride + stride - 1] > 0 }
            if present.count > 1 { result[j - features.lowerBound] = scan(Array(slice), bins: present, dense: true, total: n, feature: j) }
        }
        for j in scanned where bins.binCount(j) > 8 * n {
            result[j - features.lowerBound] = sortedSplit(rows, feature: j)
        }
        return result
    }

    /// The best threshold of one feature over a node's rows sorted by bin: for a node with
    /// few rows for the feature's bins, where a histogram would be mostly empty.
    func sortedSplit(_ rows: Range<Int>, feature: Int) -> Candidate? {
        let stride = statisticsWidth
        let (group, offset) = bins.place[feature]
        let width = bins.groups[group].count
        let c = codes[group].buffer
        var keyed = rows.map { UInt64(c[row($0) * width + offset]) << 32 | UInt64(UInt32($0)) }
        keyed.sort()
        var histogram: [Double] = []
        var present: [Int] = []
        var slot = -1
        for key in keyed {
            let code = Int(key >> 32), position = Int(key & 0xFFFF_FFFF)
            if present.last != code {
                present.append(code)
                histogram += repeatElement(0, count: stride)
                slot += 1
            }
            if isClassification {
                histogram[slot * stride + Int(labels.buffer[position])] += 1
            } else {
                histogram[slot * stride] += values.buffer[position]
            }
            histogram[slot * stride + stride - 1] += 1
        }
        guard present.count > 1 else { return nil }
        return scan(histogram, bins: present, dense: false, total: rows.count, feature: feature)
    }

    /// Class counts then the row count (classification), or sum then count (regression).
    var statisticsWidth: Int { width + 1 }

    /// Adds each row's target to the statistics of its bin, for every feature given (each
    /// feature's histogram at its offset), reading the node's positions in order.
    func accumulate(_ rows: Range<Int>, group: Int, features: [Int], offsets: [Int], into histograms: inout [Double]) {
        let stride = statisticsWidth
        let width = bins.groups[group].count
        let count = features.count
        let places = features.map { bins.place[$0].offset }
        let classification = isClassification
        let codes = codes[group].buffer, y = labels.buffer, v = values.buffer
        if let order {
            accumulateThrough(order, rows, codes: codes, groupWidth: width, places: places, offsets: offsets, into: &histograms)
            return
        }
        places.withUnsafeBufferPointer { places in
            offsets.withUnsafeBufferPointer { offsets in
                histograms.withUnsafeMutableBufferPointer { h in
                    for i in rows {
                        let codesOfRow = codes.baseAddress! + row(i) * width
                        if classification {
                            let label = Int(y[i])
                            for k in 0..<count {
                                let base = offsets[k] + Int(codesOfRow[places[k]]) * stride
                                h[base + label] += 1
                                h[base + stride - 1] += 1
                            }
                        } else {
                            let value = v[i]
                            for k in 0..<count {
                                let base = offsets[k] + Int(codesOfRow[places[k]]) * 2
                                h[base] += value
                                h[base + 1] += 1
                            }
                        }
                    }
                }
            }
        }
    }

    /// `accumulate` for codes read through the order (a forest's trees): a feature at a time
    /// in C, prefetching the scattered codes, with whole-number counts.
    func accumulateThrough(_ order: Positions<Int32>, _ rows: Range<Int>, codes: UnsafeMutableBufferPointer<UInt16>, groupWidth: Int,
                           places: [Int], offsets: [Int], into histograms: inout [Double]) {
        let stride = statisticsWidth
        let classes = isClassification ? width : 0
        for (k, (place, offset)) in zip(places, offsets).enumerated() {
            let end = k + 1 < offsets.count ? offsets[k + 1] : histograms.count
            let bins = (end - offset) / stride
            var counts = [UInt32](repeating: 0, count: bins * max(classes, 1))
            if classes > 0 {
                counts.withUnsafeMutableBufferPointer { c in
                    mlw_tree_count_classes(codes.baseAddress, groupWidth, place, order.buffer.baseAddress, rows.lowerBound, rows.upperBound,
                                           labels.buffer.baseAddress, classes, c.baseAddress)
                }
                for b in 0..<bins {
                    var total: UInt32 = 0
                    for c in 0..<classes { histograms[offset + b * stride + c] = Double(counts[b * classes + c]); total += counts[b * classes + c] }
                    histograms[offset + b * stride + classes] = Double(total)
                }
            } else {
                var sums = [Double](repeating: 0, count: bins)
                sums.withUnsafeMutableBufferPointer { s in
                    counts.withUnsafeMutableBufferPointer { c in
                        mlw_tree_sum_values(codes.baseAddress, groupWidth, place, order.buffer.baseAddress, rows.lowerBound, rows.upperBound,
                                            values.buffer.baseAddress, s.baseAddress, c.baseAddress)
                    }
                }
                for b in 0..<bins {
                    histograms[offset + b * 2] = sums[b]
                    histograms[offset + b * 2 + 1] = Double(counts[b])
                }
            }
        }
    }

    /// Scans thresholds left to right: the first best (strictly larger proxy) wins.
    /// - Parameters:
    ///   - bins: the bin code of each histogram slot, ascending.
    ///   - dense: whether the histogram has one slot per bin (else one per present bin).
    func scan(_ histogram: [Double], bins present: [Int], dense: Bool, total n: Int, feature: Int) -> Candidate? {
        let stride = statisticsWidth
        var left = [Double](repeating: 0, count: stride)
        var totals = [Double](repeating: 0, count: stride)
        for slot in 0..<(dense ? histogram.count / stride : present.count) {
            for k in 0..<stride { totals[k] += histogram[slot * stride + k] }
        }
        var best: Candidate?
        for (position, code) in present.dropLast().enumerated() {
            let slot = dense ? code : position
            for k in 0..<stride { left[k] += histogram[slot * stride + k] }
            let nLeft = Int(left[stride - 1]), nRight = n - nLeft
            guard nLeft >= minSamplesLeaf, nRight >= minSamplesLeaf else { continue }
            let score = proxy(left, totals, nLeft: Double(nLeft), nRight: Double(nRight))
            if best.map({ score > $0.score }) ?? true {
                // The split goes after the last present bin on the left, before the next present one.
                best = Candidate(feature: feature, bin: code, threshold: bins.threshold(feature, between: code, and: present[position + 1]),
                                 score: score, leftCount: nLeft)
            }
        }
        return best
    }

    /// scikit-learn's proxy of the impurity decrease (larger is better): for Gini
    /// Σ L²/nL + Σ R²/nR, for entropy −(nL·H(L) + nR·H(R)), for squared error
    /// sumL²/nL + sumR²/nR.
    func proxy(_ left: [Double], _ totals: [Double], nLeft: Double, nRight: Double) -> Double {
        switch target {
        case .classes(_, let count, let entropy):
            if entropy {
                var value = 0.0
                for k in 0..<count {
                    let l = left[k], r = totals[k] - left[k]
                    if l > 0 { value += l * log(l / nLeft) }
                    if r > 0 { value += r * log(r / nRight) }
                }
                return value
            }
            var l2 = 0.0, r2 = 0.0
            for k in 0..<count {
                let r = totals[k] - left[k]
                l2 += left[k] * left[k]
                r2 += r * r
            }
            return l2 / nLeft + r2 / nRight
        case .values:
            let sumLeft = left[0], sumRight = totals[0] - left[0]
            return sumLeft * sumLeft / nLeft + sumRight * sumRight / nRight
        }
    }
}
