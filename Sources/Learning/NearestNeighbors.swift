import CKernels
import Foundation
import Tabular

/// k-nearest neighbours, as scikit-learn's `KNeighborsClassifier` and
/// `KNeighborsRegressor` with the brute-force search: a row is predicted from the `k`
/// training rows nearest to it (euclidean or manhattan), by their class shares or their
/// mean value, each neighbour counting alike or by the inverse of its distance. Ties in
/// distance go to the earlier training row. The model is the training rows themselves, so a
/// bundle holds them all: features should be scaled first, as the distance sums them.
///
/// - Complexity: fitting copies the rows; predicting is O(queries × training rows ×
///   features), in query blocks in parallel, each block passing over cache-sized tiles of
///   the training rows (`mlw_nearest`).
public struct NearestNeighbors: Estimator {
    public static let name = "knn"
    public static let summary = "k-nearest neighbours (brute-force search; euclidean or manhattan distance)"
    public static let tasks: [Task] = [.classification, .regression]
    public static let settings = SettingsSchema([
        SettingSpec("k", "neighbours each prediction is made from (scikit-learn's n_neighbors)",
                    forms: [.whole(1...10_000)], default: .value(.whole(5))),
        SettingSpec("weights", "how neighbours count: uniform (alike) or distance (by 1/distance; a row at distance 0 decides alone)",
                    forms: [.word(["uniform", "distance"])], default: .value(.word("uniform"))),
        SettingSpec("metric", "distance between rows: euclidean or manhattan",
                    forms: [.word(["euclidean", "manhattan"])], default: .value(.word("euclidean"))),
    ])

    public var k: Int
    public var byDistance: Bool
    public var manhattan: Bool

    public static func searchSpace(for task: Task) -> [SearchDimension] {
        [SearchDimension(key: "k", values: .range(low: .whole(1), high: .whole(50))),
         SearchDimension(key: "weights", values: .list([.word("uniform"), .word("distance")])),
         SearchDimension(key: "metric", values: .list([.word("euclidean"), .word("manhattan")]))]
    }

    public init(_ settings: Settings) {
        k = settings.whole("k")!
        byDistance = settings.word("weights") == "distance"
        manhattan = settings.word("metric") == "manhattan"
    }

    public func fit(_ data: TrainingData) throws -> Fit<Model> {
        guard data.rowCount > 0 else { throw LearningError("there are no training rows") }
        guard data.features.count > 0 else { throw LearningError("there are no features") }
        guard k <= data.rowCount else {
            throw LearningError("k=\(k) is more than the \(Plural.count(data.rowCount, "training row"))", help: "choose k=\(data.rowCount) or fewer")
        }
        if data.isCancelled() { throw CancelledOptimization() }
        let x = data.designMatrix()
        switch data.target {
        case .classes?:
            let (indices, count) = try data.classes(for: Self.name)
            return Fit(Model(task: .classification, classCount: count, k: k, byDistance: byDistance, manhattan: manhattan,
                             featureCount: x.columns, rows: x.values, targets: indices.map(Double.init)))
        case .values(let values)?:
            return Fit(Model(task: .regression, classCount: 0, k: k, byDistance: byDistance, manhattan: manhattan,
                             featureCount: x.columns, rows: x.values, targets: values))
        case nil:
            throw LearningError("knn predicts a target; choose one with 'target COLUMN'")
        }
    }

    /// The training rows and their targets.
    public struct Model: FittedModel {
        public var task: Task
        public var classCount: Int
        public var k: Int
        public var byDistance: Bool
        public var manhattan: Bool
        public let featureCount: Int
        /// The training rows, row-major.
        public let rows: [Double]
        /// Per training row: its class index (classification) or its value.
        public let targets: [Double]

        enum CodingKeys: String, CodingKey {
            case task, k, manhattan, rows, targets
            case classCount = "class_count", byDistance = "by_distance", featureCount = "feature_count"
        }

        public static func == (a: Model, b: Model) -> Bool {
            a.task == b.task && a.classCount == b.classCount && a.k == b.k && a.byDistance == b.byDistance && a.manhattan == b.manhattan
                && a.featureCount == b.featureCount && a.rows == b.rows && a.targets == b.targets
        }

        var rowCount: Int { targets.count }

        /// The training rows packed for the search and their squared norms: made once per
        /// model (a scorer or server predicts many times) and shared by its copies.
        private let index = SearchIndex()

        /// Each query row's k nearest training rows and their distances, nearest first.
        /// `screening: false` keeps to the exact search (the tests compare the two).
        func neighbours(_ x: DesignMatrix, screening: Bool = true) -> (indices: [Int], distances: [Double]) {
            let p = featureCount, n = rowCount
            let prepared = index.prepared(rows: rows, count: n, features: p, manhattan: manhattan)
            // 60 queries a block: ten of the screened search's six-query steps.
            let blocks = Swift.stride(from: 0, to: x.rows, by: 60).map { $0..<min(x.rows, $0 + 60) }
            let found = x.values.withUnsafeBufferPointer { queries in
                rows.withUnsafeBufferPointer { train in
                    Parallel.map(blocks) { block -> ([Int], [Double]) in
                        var indices = [Int](repeating: 0, count: block.count * k)
                        var distances = [Double](repeating: 0, count: block.count * k)
                        let start = queries.baseAddress! + block.lowerBound * p
                        if screening, let single = prepared.single, mlw_screenable(start, block.count * p) != 0 {
                            single.packed.withUnsafeBufferPointer { packed in single.norms.withUnsafeBufferPointer { norms in
                                single.roots.withUnsafeBufferPointer { roots in
                                    mlw_nearest_screened(start, block.count, train.baseAddress, prepared.norms, packed.baseAddress,
                                                         norms.baseAddress, roots.baseAddress, n, p, k, manhattan ? 1 : 0, &indices, &distances)
                                }
                            } }
                        } else {
                            mlw_nearest(start, block.count, train.baseAddress, index.exactlyPacked(rows: rows, count: n, features: p), prepared.norms,
                                        n, p, k, manhattan ? 1 : 0, &indices, &distances)
                        }
                        return (indices, distances)
                    }
                }
            }
            return (found.flatMap(\.0), found.flatMap(\.1))
        }

        /// - Complexity: O(queries × training rows × features)
        public func predict(_ x: DesignMatrix) -> Prediction {
            let (indices, distances) = neighbours(x)
            let width = max(classCount, 1)
            var out = [Double](repeating: 0, count: x.rows * width)
            for i in 0..<x.rows {
                let near = indices[(i * k)..<((i + 1) * k)], far = distances[(i * k)..<((i + 1) * k)]
                // scikit-learn's weights: 1/distance, or only the rows at distance 0 when there are some.
                let weights: [Double]
                if !byDistance {
                    weights = [Double](repeating: 1, count: k)
                } else if far.contains(0) {
                    weights = far.map { $0 == 0 ? 1 : 0 }
                } else {
                    weights = far.map { 1 / $0 }
                }
                let total = weights.reduce(0, +)
                for (row, weight) in zip(near, weights) {
                    if task == .classification { out[i * width + Int(targets[row])] += weight / total } else { out[i] += weight * targets[row] / total }
                }
            }
            return task == .classification ? .classes(probabilities: out, classCount: classCount) : .values(out)
        }

        public func combine(into hasher: inout FingerprintHasher) {
            hasher.combine(UInt64(k))
            for v in rows { hasher.combine(v) }
            for v in targets { hasher.combine(v) }
        }

        public var isFinite: Bool { rows.allSatisfy(\.isFinite) && targets.allSatisfy(\.isFinite) }

        public func check(featureCount p: Int, classCount classes: Int) throws {
            guard featureCount == p else {
                throw LearningError("has feature_count \(featureCount), but manifest.json lists \(Plural.count(p, "feature"))")
            }
            guard classCount == (task == .classification ? classes : 0) else {
                throw LearningError("has class_count \(classCount), but manifest.json lists \(Plural.count(classes, "class"))")
            }
            guard rows.count == targets.count * p else {
                throw LearningError("holds \(rows.count) feature values for \(Plural.count(targets.count, "training row")) of \(Plural.count(p, "feature"))")
            }
            guard k >= 1, k <= targets.count else { throw LearningError("has k=\(k) for \(Plural.count(targets.count, "training row"))") }
            if task == .classification, let bad = targets.first(where: { $0 < 0 || $0 >= Double(classCount) || $0 != $0.rounded() }) {
                throw LearningError("has a training row of class \(NumberFormatting.shortest(bad)), not one of the \(classCount)")
            }
        }

        public var summary: String? {
            "k=\(k), \(byDistance ? "distance" : "uniform") weights, \(manhattan ? "manhattan" : "euclidean")"
        }
    }
}

/// A knn model's training rows as the searches read them, each form made when first needed
/// and shared by the model's copies: their squared norms (euclidean), packed eight to a
/// vector in single precision for `mlw_nearest_screened` when the values suit it
/// (`mlw_screenable`), and packed four to a vector for the exact `mlw_nearest`, which only
/// queries or rows beyond single precision's range (or the tests) need.
final class SearchIndex: @unchecked Sendable {
    struct Single {
        let packed: [Float], norms: [Float], roots: [Float]
    }

    struct Prepared {
        let norms: [Double]
        let single: Single?
    }

    private let lock = NSLock()
    private var made: Prepared?
    private var exact: [Double]?

    func prepared(rows: [Double], count n: Int, features p: Int, manhattan: Bool) -> Prepared {
        lock.lock()
        defer { lock.unlock() }
        if let made { return made }
        var norms = [Double](repeating: 0, count: n)
        if !manhattan { rows.withUnsafeBufferPointer { mlw_row_norms($0.baseAddress, n, p, &norms) } }
        var single: Single?
        if rows.withUnsafeBufferPointer({ mlw_screenable($0.baseAddress, rows.count) }) != 0 {
            let slots = mlw_screen_groups(n) * 8
            var packed = [Float](repeating: 0, count: slots * p)
            var singleNorms = [Float](repeating: 0, count: slots), roots = [Float](repeating: 0, count: slots)
            rows.withUnsafeBufferPointer { mlw_pack_rows_single($0.baseAddress, n, p, norms, manhattan ? 1 : 0, &packed, &singleNorms, &roots) }
            single = Single(packed: packed, norms: singleNorms, roots: roots)
        }
        let result = Prepared(norms: norms, single: single)
        made = result
        return result
    }

    /// The rows as `mlw_pack_rows` lays them out.
    func exactlyPacked(rows: [Double], count n: Int, features p: Int) -> [Double] {
        lock.lock()
        defer { lock.unlock() }
        if let exact { return exact }
        var packed = [Double](repeating: 0, count: (n / 4) * 4 * p)
        rows.withUnsafeBufferPointer { mlw_pack_rows($0.baseAddress, n, p, &packed) }
        exact = packed
        return packed
    }
}
