import Foundation

/// Each feature's additive contribution to one prediction: `base` plus the contributions
/// gives the model's output for the row, per output (SHAP values; for a linear model they
/// are exact, coefficient × (value − training mean)).
public struct Explanation: Sendable, Equatable {
    /// What each output is, e.g. "log-odds of malignant", "probability of setosa", "value".
    public var outputs: [String]
    /// Per output: the expected output (over the training rows).
    public var base: [Double]
    /// Per output, per feature.
    public var contributions: [[Double]]

    public init(outputs: [String], base: [Double], contributions: [[Double]]) {
        (self.outputs, self.base, self.contributions) = (outputs, base, contributions)
    }
}

extension FittedModel {
    /// The default: no exact contributions (k-nearest neighbours has none).
    public func explain(_ row: [Double], trainingMeans: [Double], classes: [String]) throws -> Explanation? { nil }
}

/// Exact path-dependent TreeSHAP (Lundberg, Erion and Lee 2018, algorithm 2) over a CART
/// tree: the training rows that reached each node stand for the distribution of the
/// features a path has not fixed.
enum TreeSHAP {
    private struct PathElement {
        var feature: Int
        var zero: Double
        var one: Double
        var weight: Double
    }

    /// The contributions of one tree to each of its outputs (`tree.width` of them), and
    /// its expected output, for the row.
    static func explain(_ tree: DecisionTree.Model, row: [Double]) -> (base: [Double], contributions: [[Double]]) {
        let width = tree.width
        var phi = [[Double]](repeating: [Double](repeating: 0, count: row.count), count: width)
        recurse(tree, row, node: 0, path: [], zero: 1, one: 1, feature: -1, phi: &phi)
        // The expected output: the leaves' values weighted by the training rows reaching them.
        var base = [Double](repeating: 0, count: width)
        let total = Double(tree.samples[0])
        for node in 0..<tree.nodeCount where tree.feature[node] < 0 {
            for k in 0..<width { base[k] += tree.value[node * width + k] * Double(tree.samples[node]) / total }
        }
        return (base, phi)
    }

    private static func extend(_ path: [PathElement], zero: Double, one: Double, feature: Int) -> [PathElement] {
        var path = path
        let depth = path.count
        path.append(PathElement(feature: feature, zero: zero, one: one, weight: depth == 0 ? 1 : 0))
        for i in stride(from: depth - 1, through: 0, by: -1) {
            path[i + 1].weight += one * path[i].weight * Double(i + 1) / Double(depth + 1)
            path[i].weight = zero * path[i].weight * Double(depth - i) / Double(depth + 1)
        }
        return path
    }

    private static func unwind(_ path: [PathElement], at index: Int) -> [PathElement] {
        var path = path
        let depth = path.count - 1
        let one = path[index].one, zero = path[index].zero
        var next = path[depth].weight
        for i in stride(from: depth - 1, through: 0, by: -1) {
            if one != 0 {
                let t = path[i].weight
                path[i].weight = next * Double(depth + 1) / (Double(i + 1) * one)
                next = t - path[i].weight * zero * Double(depth - i) / Double(depth + 1)
            } else {
                path[i].weight = path[i].weight * Double(depth + 1) / (zero * Double(depth - i))
            }
        }
        for i in index..<depth {
            path[i].feature = path[i + 1].feature
            path[i].zero = path[i + 1].zero
            path[i].one = path[i + 1].one
        }
        path.removeLast()
        return path
    }

    /// The total weight of the path with element `index` taken out.
    private static func unwoundSum(_ path: [PathElement], at index: Int) -> Double {
        let depth = path.count - 1
        let one = path[index].one, zero = path[index].zero
        var next = path[depth].weight, total = 0.0
        for i in stride(from: depth - 1, through: 0, by: -1) {
            if one != 0 {
                let t = next * Double(depth + 1) / (Double(i + 1) * one)
                total += t
                next = path[i].weight - t * zero * Double(depth - i) / Double(depth + 1)
            } else {
                total += path[i].weight / zero / (Double(depth - i) / Double(depth + 1))
            }
        }
        return total
    }

    private static func recurse(_ tree: DecisionTree.Model, _ row: [Double], node: Int, path: [PathElement], zero: Double, one: Double,
                                feature: Int, phi: inout [[Double]]) {
        var path = extend(path, zero: zero, one: one, feature: feature)
        let width = tree.width
        let split = tree.feature[node]
        if split < 0 {
            for i in 1..<path.count {
                let w = unwoundSum(path, at: i)
                for k in 0..<width { phi[k][path[i].feature] += w * (path[i].one - path[i].zero) * tree.value[node * width + k] }
            }
            return
        }
        let (hot, cold) = row[split] <= tree.threshold[node] ? (tree.left[node], tree.right[node]) : (tree.right[node], tree.left[node])
        var incomingZero = 1.0, incomingOne = 1.0
        // A feature already on the path: undo its earlier split, so it counts once.
        if let k = path.indices.dropFirst().first(where: { path[$0].feature == split }) {
            incomingZero = path[k].zero
            incomingOne = path[k].one
            path = unwind(path, at: k)
        }
        let samples = Double(tree.samples[node])
        recurse(tree, row, node: hot, path: path, zero: incomingZero * Double(tree.samples[hot]) / samples, one: incomingOne, feature: split, phi: &phi)
        recurse(tree, row, node: cold, path: path, zero: incomingZero * Double(tree.samples[cold]) / samples, one: 0, feature: split, phi: &phi)
    }
}
