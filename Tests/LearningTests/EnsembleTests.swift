import Foundation
import Testing
@testable import Learning
import Tabular

/// Known answers for the ensembles. Gradient boosting's first round has a closed form
/// (each leaf's weight is −Σ gradient / (Σ hessian + l2)), so one-round stumps are checked
/// against it; a forest without bootstrap and with every feature is its trees, each the
/// CART tree (whose known answers are scikit-learn's, in `DecisionTreeTests`).
struct GradientBoostingTests {
    func fit(_ data: TrainingData, _ settings: [(String, SettingValue)], task: Task) throws -> GradientBoosting.Model {
        let resolved = try GradientBoosting.settings.resolve(settings, algorithm: "gbdt", task: task, makeSeed: { 1 })
        var data = data
        data.seed = 1
        return try GradientBoosting(resolved).fit(data).model
    }

    static let stump: [(String, SettingValue)] = [("rounds", .whole(1)), ("learning_rate", .number(1)), ("max_depth", .whole(1)),
                                                   ("l2", .number(0)), ("min_child_weight", .number(0))]

    @Test func aRegressionStumpPredictsEachSidesMean() throws {
        // Boosting starts from the mean (3); one stump with no shrinkage or penalty moves
        // each side by its mean residual, so it predicts each side's mean exactly.
        let x: [Double] = [1, 2, 3, 4, 5, 6, 7, 8]
        let y: [Double] = [1, 1, 1, 1, 5, 5, 5, 5]
        let model = try fit(TrainingData(features: FeatureColumns([x]), featureNames: ["x"], target: .values(y)), Self.stump, task: .regression)
        let predicted = model.predict(DesignMatrix(rows: 8, columns: 1, values: x)).values
        #expect(predicted == y)
        #expect(model.keptRounds == 1 && model.importances == [1])
    }

    @Test func aLogisticStumpMovesTheLogOddsByTheNewtonStep() throws {
        // Start p = 0.5 (the positive share), gradient p − y, hessian p(1 − p) = 1/4: each
        // side's weight is ∓(4 × 0.5) / (4 × 0.25) = ∓2 in log-odds.
        let x: [Double] = [1, 2, 3, 4, 5, 6, 7, 8]
        let labels = [0, 0, 0, 0, 1, 1, 1, 1]
        let data = TrainingData(features: FeatureColumns([x]), featureNames: ["x"], target: .classes(labels, labels: ["no", "yes"]))
        let model = try fit(data, Self.stump, task: .classification)
        let probabilities = model.predict(DesignMatrix(rows: 8, columns: 1, values: x)).probabilities
        for i in 0..<8 {
            let expected = 1 / (1 + exp(labels[i] == 1 ? -2.0 : 2.0))
            #expect(abs(probabilities[2 * i + 1] - expected) < 1e-6, "row \(i): \(probabilities[2 * i + 1]) vs \(expected)")
        }
        // Contributions: the bias (the start's log-odds, 0) and x's share add up to the margin.
        let (contributions, groups) = try model.contributions(DesignMatrix(rows: 8, columns: 1, values: x))
        #expect(groups == 1 && contributions.count == 16)
        for i in 0..<8 { #expect(abs(contributions[2 * i] + contributions[2 * i + 1] - (labels[i] == 1 ? 2 : -2)) < 1e-6) }
    }

    @Test func earlyStoppingKeepsTheBestRoundOfAStratifiedHoldOut() throws {
        // Labels unrelated to the feature: the validation loss soon stops improving.
        var generator = SeededGenerator(seed: 5)
        let n = 400
        let x = (0..<n).map { _ in Double(generator.next() % 1000) }
        let labels = (0..<n).map { _ in Int(generator.next() % 2) }
        let data = TrainingData(features: FeatureColumns([x]), featureNames: ["x"], target: .classes(labels, labels: ["a", "b"]))
        let resolved = try GradientBoosting.settings.resolve([("rounds", .whole(300)), ("early_stopping", .whole(5))], algorithm: "gbdt",
                                                             task: .classification, makeSeed: { 1 })
        let fit = try GradientBoosting(resolved).fit(data)
        #expect(fit.model.roundsRun < 300 && fit.model.keptRounds == fit.model.roundsRun - 5)
        #expect(fit.model.summary?.contains("early stopping") == true)
        #expect(fit.remarks.contains { if case .note(let text) = $0 { return text.contains("40 rows held out") }; return false })
        let (train, validation) = GradientBoosting.holdOut(count: n, share: 0.1, classes: labels, seed: 1)
        #expect(Set(train).isDisjoint(with: validation) && train.count + validation.count == n)
        let positives = labels.filter { $0 == 1 }.count
        #expect(validation.filter { labels[$0] == 1 }.count == Int((Double(positives) * 0.1).rounded()))
    }

    @Test func theModelIsTheSameOnAnyNumberOfThreads() throws {
        let table = try dataset("breast_cancer")
        let names = Array(table.columnNames.prefix(10))
        let diagnosis = table.column(named: "diagnosis")!
        var data = TrainingData(features: FeatureColumns(names.map { table.column(named: $0)!.numericValues! }), featureNames: names,
                                target: .classes((0..<table.rowCount).map { diagnosis.text(at: $0) == "malignant" ? 1 : 0 }, labels: ["b", "m"]))
        let settings = try GradientBoosting.settings.resolve([("subsample", .number(0.8)), ("colsample", .number(0.7))], algorithm: "gbdt",
                                                             task: .classification, makeSeed: { 3 })
        data.threads = 1
        let one = try GradientBoosting(settings).fit(data).model
        data.threads = 2
        let two = try GradientBoosting(settings).fit(data).model
        data.threads = 5
        let five = try GradientBoosting(settings).fit(data).model
        #expect(one == two && two == five)
    }

    @Test func aBoosterThatPointsOutsideItselfIsRefusedBeforeXGBoostReadsIt() throws {
        let x: [Double] = [1, 2, 3, 4, 5, 6, 7, 8]
        let model = try fit(TrainingData(features: FeatureColumns([x]), featureNames: ["x"], target: .values(x)), Self.stump, task: .regression)
        try model.check(featureCount: 1, classCount: 0)
        var broken = model
        broken.booster = model.booster.replacingOccurrences(of: #""left_children":[1,"#, with: #""left_children":[99,"#)
        #expect(broken.booster != model.booster)
        #expect(throws: LearningError.self) { try broken.check(featureCount: 1, classCount: 0) }
        var wider = model
        wider.booster = model.booster.replacingOccurrences(of: #""split_indices":[0,"#, with: #""split_indices":[7,"#)
        #expect(throws: LearningError.self) { try wider.check(featureCount: 1, classCount: 0) }
        #expect(throws: LearningError.self) { try model.check(featureCount: 2, classCount: 0) }
    }
}

struct RandomForestTests {
    func iris() throws -> TrainingData {
        let table = try dataset("iris")
        let names = Array(table.columnNames.prefix(4))
        let species = table.column(named: "species")!
        let labels = ["setosa", "versicolor", "virginica"]
        return TrainingData(features: FeatureColumns(names.map { table.column(named: $0)!.numericValues! }), featureNames: names,
                            target: .classes((0..<150).map { labels.firstIndex(of: species.text(at: $0)!)! }, labels: labels), seed: 11)
    }

    @Test func withoutBootstrapAndWithEveryFeatureEachTreeIsTheCARTTree() throws {
        let data = try iris()
        let settings = try RandomForest.settings.resolve([("trees", .whole(3)), ("bootstrap", .boolean(false)), ("max_features", .none)],
                                                         algorithm: "forest", task: .classification, makeSeed: { 11 })
        let forest = try RandomForest(settings).fit(data).model
        let tree = try DecisionTree(DecisionTree.settings.resolve([], algorithm: "tree", task: .classification, makeSeed: { 11 })).fit(data).model
        #expect(forest.trees.allSatisfy { $0 == tree })
        #expect(forest.outOfBag == nil)
        let x = data.designMatrix()
        #expect(forest.predict(x) == tree.predict(x))
    }

    @Test func theOutOfBagScoreScoresEachRowByTheTreesThatDidNotDrawIt() throws {
        let data = try iris()
        let settings = try RandomForest.settings.resolve([("trees", .whole(1))], algorithm: "forest", task: .classification, makeSeed: { 11 })
        let forest = RandomForest(settings)
        let model = try forest.fit(data).model
        // One tree: the out-of-bag rows are those its bootstrap sample left out.
        let drawn = Set(forest.sample(tree: 0, rows: 150, seed: 11).rows)
        let left = (0..<150).filter { !drawn.contains($0) }
        #expect(left.count > 30 && left.count < 80)  // about 150/e
        let predicted = model.predict(data.designMatrix()).classIndices
        guard case .classes(let truth, _)? = data.target else { return }
        let accuracy = Double(left.filter { predicted[$0] == truth[$0] }.count) / Double(left.count)
        #expect(model.outOfBag == accuracy)
    }

    @Test func bootstrapSamplesAreSortedDrawsWithRepeatsAndDifferPerTree() {
        let forest = RandomForest()
        let a = forest.sample(tree: 0, rows: 1000, seed: 4).rows, b = forest.sample(tree: 1, rows: 1000, seed: 4).rows
        #expect(a.count == 1000 && a == a.sorted() && Set(a).count < 1000 && a != b)
        #expect(forest.sample(tree: 0, rows: 1000, seed: 4).rows == a)
    }
}
