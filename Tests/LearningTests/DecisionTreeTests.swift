import Foundation
import Testing
@testable import Learning
import Tabular

/// Known answers from scikit-learn 1.9.1 (`bench/tree_reference.py`, every row of the
/// shipped datasets). scikit-learn computes thresholds in 32-bit floats, so thresholds
/// agree to about 1e-7 relative; every other figure agrees exactly or to 1e-9.
struct DecisionTreeTests {
    struct Expected {
        var splits: [(feature: String, threshold: Double, rows: Int)]
        var leaves: [(rows: Int, value: [Double])]
        var importances: [Double]
    }

    func fit(_ data: TrainingData, _ settings: [(String, SettingValue)]) throws -> DecisionTree.Model {
        let resolved = try DecisionTree.settings.resolve(settings, algorithm: "tree", task: data.target.map { if case .classes = $0 { return .classification }; return .regression })
        return try DecisionTree(resolved).fit(data).model
    }

    /// The model's nodes in breadth-first order (its own order), split by kind.
    func check(_ model: DecisionTree.Model, names: [String], against expected: Expected) {
        var splits: [(String, Double, Int)] = [], leaves: [(Int, [Double])] = []
        let width = max(model.classCount, 1)
        for node in 0..<model.nodeCount {
            if model.feature[node] >= 0 { splits.append((names[model.feature[node]], model.threshold[node], model.samples[node])) }
            else { leaves.append((model.samples[node], Array(model.value[node * width..<(node + 1) * width]))) }
        }
        #expect(splits.count == expected.splits.count && leaves.count == expected.leaves.count)
        for (actual, wanted) in zip(splits, expected.splits) {
            #expect(actual.0 == wanted.feature && actual.2 == wanted.rows, "\(actual) vs \(wanted)")
            #expect(abs(actual.1 - wanted.threshold) <= 1e-6 * max(1, abs(wanted.threshold)), "\(actual) vs \(wanted)")
        }
        for (actual, wanted) in zip(leaves, expected.leaves) {
            #expect(actual.0 == wanted.rows, "\(actual) vs \(wanted)")
            for (a, w) in zip(actual.1, wanted.value) { #expect(abs(a - w) < 1e-9, "\(actual) vs \(wanted)") }
        }
        for (a, w) in zip(model.importances, expected.importances) { #expect(abs(a - w) < 1e-9, "\(model.importances)") }
    }

    func cancer() throws -> (TrainingData, [String]) {
        let table = try dataset("breast_cancer")
        let names = Array(table.columnNames.prefix(10))
        let diagnosis = table.column(named: "diagnosis")!
        let labels = (0..<table.rowCount).map { diagnosis.text(at: $0) == "malignant" ? 1 : 0 }
        let data = TrainingData(features: FeatureColumns(names.map { table.column(named: $0)!.numericValues! }), featureNames: names,
                                target: .classes(labels, labels: ["benign", "malignant"]))
        return (data, names)
    }

    @Test func giniClassifierMatchesScikitLearn() throws {
        let (data, names) = try cancer()
        let model = try fit(data, [("max_depth", .whole(3))])
        check(model, names: names, against: Expected(
            splits: [("mean_concave_points", 0.051419999450445175, 569), ("mean_area", 696.25, 349), ("mean_texture", 16.394999504089355, 220),
                     ("mean_concave_points", 0.04470000043511391, 331), ("mean_texture", 16.19000005722046, 18),
                     ("mean_concave_points", 0.07905000075697899, 28), ("mean_perimeter", 85.17499923706055, 192)],
            leaves: [(315, [0.9841269841, 0.0158730159]), (16, [0.75, 0.25]), (5, [1, 0]), (13, [0.1538461538, 0.8461538462]),
                     (17, [0.9411764706, 0.0588235294]), (11, [0.0909090909, 0.9090909091]), (14, [0.5, 0.5]), (178, [0.0224719101, 0.9775280899])],
            importances: [0, 0.0873800575, 0.0259304868, 0.0509975068, 0, 0, 0, 0.8356919489, 0, 0]))
        let predicted = model.predict(data.designMatrix()).classIndices
        guard case .classes(let truth, _)? = data.target else { return }
        #expect(Metrics.accuracy(truth: truth, predicted: predicted) == 0.9578207381370826)
    }

    @Test func entropyClassifierMatchesScikitLearn() throws {
        let (data, names) = try cancer()
        let model = try fit(data, [("max_depth", .whole(3)), ("criterion", .word("entropy"))])
        check(model, names: names, against: Expected(
            splits: [("mean_concave_points", 0.051419999450445175, 569), ("mean_area", 696.25, 349), ("mean_area", 790.8500061035156, 220),
                     ("mean_concave_points", 0.04470000043511391, 331), ("mean_texture", 16.19000005722046, 18),
                     ("mean_texture", 20.789999961853027, 88)],
            leaves: [(132, [0, 1]), (315, [0.9841269841, 0.0158730159]), (16, [0.75, 0.25]), (5, [1, 0]), (13, [0.1538461538, 0.8461538462]),
                     (55, [0.5090909091, 0.4909090909]), (33, [0, 1])],
            importances: [0, 0.0786157023, 0, 0.1751037897, 0, 0, 0, 0.7462805079, 0, 0]))
    }

    @Test func regressorMatchesScikitLearn() throws {
        let table = try dataset("auto_mpg")
        let names = ["cylinders", "displacement", "horsepower", "weight", "acceleration", "model_year"]
        let rows = (0..<table.rowCount).filter { row in !(names + ["mpg"]).contains { table.column(named: $0)!.isMissing(row) } }
        let data = TrainingData(features: FeatureColumns(names.map { table.column(named: $0)!.numericValues! }, rows: rows),
                                featureNames: names, target: .values(rows.map { table.column(named: "mpg")!.number(at: $0)! }))
        let model = try fit(data, [("max_depth", .whole(3)), ("min_samples_leaf", .whole(5))])
        check(model, names: names, against: Expected(
            splits: [("displacement", 190.5, 392), ("horsepower", 70.5, 222), ("horsepower", 127, 170), ("model_year", 1977.5, 71),
                     ("model_year", 1978.5, 151), ("model_year", 1981, 74), ("model_year", 1976.5, 96)],
            leaves: [(28, [29.75]), (43, [36.2162790698]), (94, [24.120212766]), (57, [29.8421052632]), (68, [18.9941176471]),
                     (6, [24.4666666667]), (76, [13.8223684211]), (20, [17.165])],
            importances: [0, 0.7023317078, 0.1852369197, 0, 0, 0.1124313726]))
        guard case .values(let truth)? = data.target else { return }
        #expect(abs(Metrics.rmse(truth: truth, predicted: model.predict(data.designMatrix()).values) - 3.248841081376931) < 1e-9)
    }
}
