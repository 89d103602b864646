import Foundation
import Testing
@testable import Learning
import Tabular

/// `explain`: TreeSHAP against Shapley values computed by brute force over every subset of
/// features, and every explanation adding up to the model's own output.
struct ExplanationTests {
    /// The tree's expected output with the features in `fixed` set to the row's values and
    /// the others following the training rows down the tree (the path-dependent value
    /// function TreeSHAP computes Shapley values of).
    static func value(_ tree: DecisionTree.Model, _ row: [Double], fixed: Set<Int>, node: Int = 0, output: Int) -> Double {
        let width = max(tree.classCount, 1)
        let feature = tree.feature[node]
        guard feature >= 0 else { return tree.value[node * width + output] }
        if fixed.contains(feature) {
            return value(tree, row, fixed: fixed, node: row[feature] <= tree.threshold[node] ? tree.left[node] : tree.right[node], output: output)
        }
        let (l, r) = (tree.left[node], tree.right[node])
        let n = Double(tree.samples[node])
        return Double(tree.samples[l]) / n * value(tree, row, fixed: fixed, node: l, output: output)
            + Double(tree.samples[r]) / n * value(tree, row, fixed: fixed, node: r, output: output)
    }

    static func bruteForceShapley(_ tree: DecisionTree.Model, _ row: [Double], output: Int) -> [Double] {
        let m = row.count
        func factorial(_ n: Int) -> Double { n <= 1 ? 1 : Double(n) * factorial(n - 1) }
        return (0..<m).map { i in
            var phi = 0.0
            for mask in 0..<(1 << m) where mask & (1 << i) == 0 {
                let subset = Set((0..<m).filter { mask & (1 << $0) != 0 })
                let weight = factorial(subset.count) * factorial(m - subset.count - 1) / factorial(m)
                phi += weight * (value(tree, row, fixed: subset.union([i]), output: output) - value(tree, row, fixed: subset, output: output))
            }
            return phi
        }
    }

    @Test(arguments: [Task.classification, .regression])
    func treeSHAPIsTheShapleyValueOfThePathDependentExpectation(task: Task) throws {
        let data = try EstimatorBatteryTests.data(task)
        let tree = AlgorithmRegistry.named("tree")!
        let settings = try tree.settings.resolve([("max_depth", .whole(5))], algorithm: "tree", task: task)
        let model = try #require(try tree.fit(settings, data).model.base as? DecisionTree.Model)
        let x = DesignMatrix.gathering(features: data.features.vectors, rows: data.features.rows).matrix
        for r in stride(from: 0, to: x.rows, by: 37) {
            let row = Array(x.values[(r * x.columns)..<((r + 1) * x.columns)])
            let (base, phi) = TreeSHAP.explain(model, row: row)
            for output in 0..<max(model.classCount, 1) {
                let expected = Self.bruteForceShapley(model, row, output: output)
                for j in row.indices { #expect(abs(phi[output][j] - expected[j]) < 1e-9, "row \(r) output \(output) feature \(j)") }
                #expect(abs(base[output] - Self.value(model, row, fixed: [], output: output)) < 1e-12)
            }
        }
    }

    /// Every model with an explanation: the base plus the contributions is its output for the
    /// row (probability, log-odds or value), for each task it solves.
    @Test(arguments: EstimatorBatteryTests.cases)
    func contributionsAddUpToTheModelsOutput(_ c: EstimatorBatteryTests.Case) throws {
        let data = try EstimatorBatteryTests.data(c.task)
        let settings = try c.entry.settings.resolve(c.algorithm == "forest" ? [("trees", .whole(5))] : [], algorithm: c.algorithm, task: c.task, makeSeed: { 3 })
        let model = try c.entry.fit(settings, data).model
        let x = DesignMatrix.gathering(features: data.features.vectors, rows: data.features.rows).matrix
        let means = (0..<x.columns).map { j in (0..<x.rows).reduce(0) { $0 + x.values[$1 * x.columns + j] } / Double(x.rows) }
        let classes = c.task == .classification ? ["setosa", "versicolor", "virginica"] : []
        for r in [0, 60, 120] {
            let row = Array(x.values[(r * x.columns)..<((r + 1) * x.columns)])
            guard let explanation = try model.explain(row, trainingMeans: means, classes: classes) else {
                #expect(["knn", "naive_bayes", "kmeans"].contains(c.algorithm), "\(c) has no explanation")
                continue
            }
            let totals = explanation.base.indices.map { explanation.base[$0] + explanation.contributions[$0].reduce(0, +) }
            let prediction = model.predict(DesignMatrix(rows: 1, columns: row.count, values: row))
            switch prediction {
            case .values(let v):
                #expect(abs(totals[0] - v[0]) < 1e-6 * max(1, abs(v[0])))
            case .classes(let probabilities, let k):
                if explanation.outputs[0].hasPrefix("probability") {
                    for i in 0..<k { #expect(abs(totals[i] - probabilities[i]) < 1e-9) }
                } else {
                    // Class scores: their softmax is the probabilities.
                    let top = totals.max()!
                    let exps = totals.map { exp($0 - top) }
                    for i in 0..<k { #expect(abs(exps[i] / exps.reduce(0, +) - probabilities[i]) < 1e-5, "\(c) row \(r)") }
                }
            case .clusters: Issue.record("no clusters here")
            }
        }
    }
}
