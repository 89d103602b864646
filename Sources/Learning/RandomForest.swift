import CKernels
import Foundation
import Tabular

/// Random forests, as scikit-learn's `RandomForestClassifier` and `RandomForestRegressor`:
/// CART trees (`DecisionTree`'s grower) each grown on a bootstrap sample of the training
/// rows, trying a random subset of the features at each split; classes are predicted by
/// averaging the trees' class shares, values by averaging their values. The features are
/// binned once for every tree. Trees grow in parallel; each tree's randomness comes from
/// the forest's seed and the tree's number alone, so a fit is the same on any number of
/// cores. With bootstrap, each row is scored by the trees that did not see it: the
/// out-of-bag accuracy or R².
///
/// - Complexity: about `trees` × a tree's fit on the rows with `max_features` features;
///   O(rows × trees × depth) to predict.
public struct RandomForest: Estimator {
    public static let name = "forest"
    public static let summary = "random forest of CART trees on bootstrap samples, with an out-of-bag score"
    public static let tasks: [Task] = [.classification, .regression]
    public static let settings = SettingsSchema([
        SettingSpec("trees", "trees in the forest (scikit-learn's n_estimators)",
                    forms: [.whole(1...10_000)], default: .value(.whole(100))),
    ] + DecisionTree.growthSettings(maxFeatures: .perTask([.classification: .word("sqrt"), .regression: .number(1)])) + [
        SettingSpec("bootstrap", "grow each tree on a bootstrap sample (else on every row)",
                    forms: [.boolean], default: .value(.boolean(true))),
        SettingSpec("max_bins", "most bins per feature (a feature with fewer distinct values gets one per value); auto: exact up to 100,000 training rows, 256 bins above, as tree",
                    forms: [.whole(2...65_535), .word(["auto"])], default: .value(.whole(256))),
        SettingSpec("seed", "seed of the bootstrap samples and of the features tried",
                    forms: [.whole(0...Int.max)], default: .randomSeed),
    ])

    public var trees: Int
    public var tree: DecisionTree
    public var bootstrap: Bool

    public static func searchSpace(for task: Task) -> [SearchDimension] {
        [SearchDimension(key: "max_features", values: .list([.word("sqrt"), .number(0.3), .number(0.6), .number(1)])),
         SearchDimension(key: "min_samples_leaf", values: .list([.whole(1), .whole(3), .whole(10)])),
         SearchDimension(key: "max_depth", values: .list([.whole(8), .whole(16), .none]))]
    }

    public init(_ settings: Settings) {
        trees = settings.whole("trees")!
        bootstrap = settings["bootstrap"] == .boolean(true)
        // The tree settings are the same keys; `tree` reads those it declares.
        let treeKeys = Set(DecisionTree.settings.keys)
        tree = DecisionTree(Settings(entries: settings.entries.filter { treeKeys.contains($0.key) }))
    }

    public func fit(_ data: TrainingData) throws -> Fit<Model> {
        let n = data.rowCount, p = data.features.count
        guard n > 0 else { throw LearningError("there are no training rows") }
        guard p > 0 else { throw LearningError("there are no features") }
        let target = try tree.growthTarget(data)
        var bins = try FeatureBins(data.features, maxBins: tree.maxBins ?? (n <= DecisionTree.exactRowLimit ? 65_535 : 256),
                                   groupSize: 1, isCancelled: data.isCancelled)
        // One copy of the codes, read by every tree through its sample.
        let codes = bins.codes.map(Positions.init(copying:))
        bins.codes = []
        let featuresPerSplit = tree.featuresPerSplit(p)
        let seed = data.seed
        // Each tree: its sample, grown. The out-of-bag rows are found again from the seed
        // afterwards rather than kept (at a million rows, a hundred trees' lists are 300 MB).
        let grown = Parallel.map(trees) { t -> DecisionTree.Model? in
            if data.isCancelled() { return nil }
            let (sample, treeSeed) = self.sample(tree: t, rows: n, seed: seed)
            var grower = TreeGrower(bins: bins, sharedCodes: codes, rows: sample, target: target, maxDepth: tree.maxDepth,
                                    minSamplesSplit: tree.minSamplesSplit, minSamplesLeaf: tree.minSamplesLeaf,
                                    featuresPerSplit: featuresPerSplit, seed: treeSeed, isCancelled: data.isCancelled)
            return try? grower.grow()
        }
        guard grown.allSatisfy({ $0 != nil }) else { throw CancelledOptimization() }
        let models = grown.map { $0! }
        var importances = [Double](repeating: 0, count: p)
        for model in models { for j in 0..<p { importances[j] += model.importances[j] } }
        let total = importances.reduce(0, +)
        importances = importances.map { total > 0 ? $0 / total : 0 }
        var forest = Model(task: models[0].task, classCount: models[0].classCount, trees: models, importances: importances, outOfBag: nil)
        if bootstrap {
            forest.outOfBag = forest.outOfBagScore(data, target: target) { t in
                var drawn = [Bool](repeating: false, count: n)
                for i in self.sample(tree: t, rows: n, seed: seed).rows { drawn[i] = true }
                return drawn
            }
        }
        var remarks: [Remark] = []
        if bootstrap && forest.outOfBag == nil {
            remarks.append(.note("every row was drawn by every tree, so there is no out-of-bag score; use more trees"))
        }
        return Fit(forest, remarks: remarks)
    }

    /// Tree `t`'s rows (a bootstrap sample in row order, or every row) and the seed of its
    /// features: from the forest's seed and `t` alone, so the same on any number of cores.
    func sample(tree t: Int, rows n: Int, seed: UInt64) -> (rows: [Int], seed: UInt64) {
        var generator = SeededGenerator(seed: seed &+ UInt64(t + 1) &* 0xD1B5_4A32_D192_ED03)
        guard bootstrap else { return (Array(0..<n), generator.next()) }
        // Counting draws per row gives the sorted sample without sorting it.
        var counts = [UInt32](repeating: 0, count: n)
        for _ in 0..<n { counts[Int(generator.next() % UInt64(n))] += 1 }
        var rows: [Int] = []
        rows.reserveCapacity(n)
        for i in 0..<n where counts[i] > 0 { for _ in 0..<counts[i] { rows.append(i) } }
        return (rows, generator.next())
    }

    /// A fitted forest.
    public struct Model: FittedModel {
        public var task: Task
        public var classCount: Int
        public var trees: [DecisionTree.Model]
        /// Mean of the trees' impurity-based importances, summing to 1.
        public var importances: [Double]
        /// Out-of-bag accuracy (classes) or R² (values); nil without bootstrap or when no
        /// row was left out of every tree.
        public var outOfBag: Double?
        /// The trees as prediction walks them, made on the first prediction.
        let walking = TreeWalks()

        enum CodingKeys: String, CodingKey {
            case task, trees, importances
            case classCount = "class_count", outOfBag = "out_of_bag"
        }

        /// The mean of the trees' TreeSHAP values (the forest predicts their mean).
        public func explain(_ row: [Double], trainingMeans: [Double], classes: [String]) throws -> Explanation? {
            let each = trees.map { TreeSHAP.explain($0, row: row) }
            let n = Double(trees.count)
            let width = each[0].base.count
            return Explanation(outputs: task == .classification ? classes.map { "probability of \($0)" } : ["value"],
                               base: (0..<width).map { k in each.reduce(0) { $0 + $1.base[k] } / n },
                               contributions: (0..<width).map { k in row.indices.map { j in each.reduce(0) { $0 + $1.contributions[k][j] } / n } })
        }

        /// The trees' mean prediction for each row of `x`: row blocks in parallel, every
        /// tree walked for a block while its rows are in cache (512 rows of 76 features fill
        /// a third of a second-level cache; blocks of 16,384 rows made each tree fetch its
        /// rows from memory again, and a third more slowly).
        /// - Complexity: O(rows × trees × depth)
        public func predict(_ x: DesignMatrix) -> Prediction {
            let width = max(classCount, 1), p = x.columns
            let blocks = ParallelRows.blocks(x.rows, size: 512)
            let walks = walking.walks(of: trees)
            let sums = x.values.withUnsafeBufferPointer { values in
                Parallel.map(blocks) { block -> [Double] in
                    var sum = [Double](repeating: 0, count: block.count * width)
                    sum.withUnsafeMutableBufferPointer { sum in
                        for (tree, walk) in zip(trees, walks) {
                            walk.addPredictions(values.baseAddress!, columns: p, rows: block, values: tree.value, width: width, into: sum.baseAddress!)
                        }
                    }
                    return sum
                }
            }
            let scale = 1 / Double(trees.count)
            let mean = sums.flatMap { $0 }.map { $0 * scale }
            return task == .classification ? .classes(probabilities: mean, classCount: classCount) : .values(mean)
        }

        /// Accuracy or R² of each row's prediction by the trees that did not draw it.
        /// - Parameter drawn: whether each row was drawn for tree `t`.
        func outOfBagScore(_ data: TrainingData, target: GrowthTarget, drawn: (Int) -> [Bool]) -> Double? {
            let width = max(classCount, 1), n = data.rowCount
            let x = data.designMatrix()
            // Trees in fixed chunks, in parallel, summed in chunk order: the same sums on any
            // number of cores.
            let chunks = Swift.stride(from: 0, to: trees.count, by: 8).map { $0..<min(trees.count, $0 + 8) }
            let partials = x.values.withUnsafeBufferPointer { values in
                Parallel.map(chunks) { chunk -> (sums: [Double], votes: [Int]) in
                    var sums = [Double](repeating: 0, count: n * width)
                    var votes = [Int](repeating: 0, count: n)
                    for t in chunk {
                        let tree = trees[t]
                        for (i, seen) in drawn(t).enumerated() where !seen {
                            let node = tree.leaf(values.baseAddress! + i * x.columns)
                            for k in 0..<width { sums[i * width + k] += tree.value[node * width + k] }
                            votes[i] += 1
                        }
                    }
                    return (sums, votes)
                }
            }
            var sums = partials[0].sums, votes = partials[0].votes
            for partial in partials.dropFirst() {
                for i in sums.indices { sums[i] += partial.sums[i] }
                for i in votes.indices { votes[i] += partial.votes[i] }
            }
            let scored = (0..<n).filter { votes[$0] > 0 }
            guard !scored.isEmpty else { return nil }
            switch target {
            case .classes(let labels, _, _):
                let right = scored.filter { i in
                    var best = 0
                    for k in 1..<width where sums[i * width + k] > sums[i * width + best] { best = k }
                    return best == Int(labels[i])
                }.count
                return Double(right) / Double(scored.count)
            case .values(let values):
                let predicted = scored.map { sums[$0] / Double(votes[$0]) }
                return Metrics.r2(truth: scored.map { values[$0] }, predicted: predicted)
            }
        }

        public func combine(into hasher: inout FingerprintHasher) {
            hasher.combine(UInt64(trees.count))
            for tree in trees { tree.combine(into: &hasher) }
            if let outOfBag { hasher.combine(outOfBag) }
        }

        public var isFinite: Bool {
            trees.allSatisfy(\.isFinite) && importances.allSatisfy(\.isFinite) && (outOfBag?.isFinite ?? true)
        }

        public func check(featureCount p: Int, classCount classes: Int) throws {
            guard !trees.isEmpty else { throw LearningError("holds no trees") }
            guard classCount == (task == .classification ? classes : 0) else {
                throw LearningError("has class_count \(classCount), but manifest.json lists \(Plural.count(classes, "class"))")
            }
            for (t, tree) in trees.enumerated() {
                guard tree.task == task else { throw LearningError("has tree \(t + 1) for \(tree.task.rawValue), not \(task.rawValue)") }
                do { try tree.check(featureCount: p, classCount: classes) } catch let error as LearningError {
                    throw LearningError("tree \(t + 1) " + error.message)
                }
            }
            guard importances.count == p else {
                throw LearningError("has \(importances.count) importances, but manifest.json lists \(Plural.count(p, "feature"))")
            }
        }

        public var summary: String? {
            let depths = trees.map(\.depth)
            let mean = Double(depths.reduce(0, +)) / Double(trees.count)
            var text = "\(Plural.count(trees.count, "tree")), depth \(NumberFormatting.significant(mean, digits: 3)) on average"
            if let outOfBag {
                text += ", out-of-bag \(task == .classification ? "accuracy" : "R²") \(NumberFormatting.significant(outOfBag, digits: 4))"
            }
            return text
        }

        public var featureImportances: [Double]? { importances }
    }
}

extension DecisionTree {
    /// What the tree is grown to predict, with the criterion checked against the task.
    func growthTarget(_ data: TrainingData) throws -> GrowthTarget {
        switch data.target {
        case .classes?:
            guard criterion == "gini" || criterion == "entropy" else {
                throw LearningError("criterion=\(criterion) is for regression trees; a classification tree takes gini or entropy")
            }
            let (indices, classCount) = try data.classes(for: Self.name)
            return .classes(indices.map { Int32($0) }, count: classCount, entropy: criterion == "entropy")
        case .values(let values)?:
            guard criterion == "squared_error" else {
                throw LearningError("criterion=\(criterion) is for classification trees; a regression tree takes squared_error")
            }
            return .values(values)
        case nil:
            throw LearningError("a tree learns from a target; choose one with 'target COLUMN'")
        }
    }

    /// The features each split tries, from `max_features`.
    func featuresPerSplit(_ p: Int) -> Int {
        switch maxFeatures {
        case .whole(let k): return min(k, p)
        case .number(let share): return max(1, Int(share * Double(p)))
        case .word("sqrt"): return max(1, Int(Double(p).squareRoot()))
        case .word("log2"): return max(1, Int(log2(Double(p))))
        default: return p
        }
    }
}

extension GrowthTarget {
    /// The targets of the given rows, in their order.
    func taking(_ rows: [Int]) -> GrowthTarget {
        switch self {
        case .classes(let labels, let count, let entropy): return .classes(rows.map { labels[$0] }, count: count, entropy: entropy)
        case .values(let values): return .values(rows.map { values[$0] })
        }
    }
}

/// A forest's trees in the walk form `mlw_tree_add_leaf_values` reads, made when first
/// needed and shared by the model's copies. A cache, not part of the model: models are
/// equal whatever it holds.
final class TreeWalks: @unchecked Sendable, Equatable {
    struct Walk {
        var feature: [Int], threshold: [Double], left: [Int], right: [Int]
        var depth: Int
    }

    private let lock = NSLock()
    private var made: [Walk]?

    static func == (a: TreeWalks, b: TreeWalks) -> Bool { true }

    func walks(of trees: [DecisionTree.Model]) -> [Walk] {
        lock.lock()
        defer { lock.unlock() }
        if let made { return made }
        let walks = trees.map { tree -> Walk in
            var walk = Walk(feature: tree.feature, threshold: tree.threshold, left: tree.left, right: tree.right, depth: 0)
            // Children follow their parents (`check` holds a read model to it), so one pass
            // in node order finds every depth.
            var depths = [Int](repeating: 0, count: tree.feature.count)
            for node in tree.feature.indices {
                if tree.feature[node] < 0 {
                    (walk.feature[node], walk.threshold[node], walk.left[node], walk.right[node]) = (0, .infinity, node, node)
                } else {
                    depths[tree.left[node]] = depths[node] + 1
                    depths[tree.right[node]] = depths[node] + 1
                }
            }
            walk.depth = depths.max() ?? 0
            return walk
        }
        made = walks
        return walks
    }
}

extension TreeWalks.Walk {
    /// Adds the tree's leaf values for the rows of `block` of a row-major matrix to `sums`
    /// (`width` values per row, from the block's first row).
    func addPredictions(_ x: UnsafePointer<Double>, columns p: Int, rows block: Range<Int>, values: [Double], width: Int,
                        into sums: UnsafeMutablePointer<Double>) {
        mlw_tree_add_leaf_values(x + block.lowerBound * p, p, block.count, feature, threshold, left, right, depth, values, width, sums)
    }
}
