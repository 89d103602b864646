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

    /// A search's trials share each fold's matrices (`FitCache`): a fit that finds them kept
    /// learns exactly what a fit that builds them learns, with and without a hold-out.
    @Test func keptMatricesTrainTheSameBoosters() throws {
        var generator = SeededGenerator(seed: 9)
        let n = 600
        let columns = (0..<4).map { _ in (0..<n).map { _ in Double(generator.next() % 10_000) / 100 } }
        let labels = (0..<n).map { i in columns[0][i] + columns[1][i] > 100 ? 1 : 0 }
        let data = TrainingData(features: FeatureColumns(columns), featureNames: ["a", "b", "c", "d"], target: .classes(labels, labels: ["no", "yes"]))
        let cache = FitCache()
        var cached = data
        cached.cache = cache
        for settings: [(String, SettingValue)] in [[("rounds", .whole(20)), ("learning_rate", .number(0.3))],
                                                   [("rounds", .whole(15)), ("max_depth", .whole(2))],
                                                   [("rounds", .whole(40)), ("early_stopping", .whole(3))],
                                                   [("rounds", .whole(40)), ("early_stopping", .whole(3)), ("learning_rate", .number(0.5))]] {
            let fresh = try fit(data, settings, task: .classification), kept = try fit(cached, settings, task: .classification)
            #expect(fresh == kept, "\(settings)")
        }
        // The second of each pair found its matrices kept.
        #expect(cache.count == 3, "the training matrix of all rows, and the training and validation matrices of the hold-out")
    }

    /// Indicator features (0s and 1s, as bytes or numbers) reach XGBoost with their 0s as
    /// missing values, so it keeps each row's 1s only. A 0 and a missing value split alike,
    /// so the predictions are those of reading the 0s as values (as journals before
    /// fingerprints v4 still do); the model names the features, reads new rows the same way,
    /// round-trips through JSON, and a bundle naming a feature it does not have is refused.
    @Test func indicatorZerosAreMissingValuesWithTheSamePredictions() throws {
        var generator = SeededGenerator(seed: 21)
        let n = 800
        let level = (0..<n).map { _ in Int(generator.next() % 4) }
        let number = (0..<n).map { _ in Double(generator.next() % 1000) / 10 }
        let indicators = (0..<4).map { l in (0..<n).map { level[$0] == l ? UInt8(1) : 0 } }
        let flag01 = (0..<n).map { _ in Double(generator.next() % 2) }  // 0/1 stored as numbers
        let labels = (0..<n).map { i in (number[i] > 50) != (level[i] == 2) || flag01[i] == 1 && level[i] == 0 ? 1 : 0 }
        let features = [FeatureVector.numbers(number)] + indicators.map { .flags($0) } + [.numbers(flag01)]
        var data = TrainingData(features: FeatureColumns(features: features), featureNames: ["x", "a", "b", "c", "d", "f"],
                                target: .classes(labels, labels: ["no", "yes"]))
        let settings: [(String, SettingValue)] = [("rounds", .whole(25)), ("max_depth", .whole(3))]
        let sparse = try fit(data, settings, task: .classification)
        #expect(sparse.zerosMissing == [1, 2, 3, 4, 5])
        data.earlierFits = [.gbdtDenseIndicators]
        let dense = try fit(data, settings, task: .classification)
        #expect(dense.zerosMissing == nil)
        let x = DesignMatrix(columnVectors: features.map { $0.numbers })
        guard case .classes(let a, _) = sparse.predict(x), case .classes(let b, _) = dense.predict(x) else { Issue.record("not classes"); return }
        #expect(zip(a, b).allSatisfy { abs($0 - $1) < 1e-5 }, "largest difference \(zip(a, b).map { abs($0 - $1) }.max()!)")
        let decoded = try JSONDecoder().decode(GradientBoosting.Model.self, from: JSONEncoder().encode(sparse))
        #expect(decoded == sparse && decoded.predict(x) == sparse.predict(x))
        // A model from before v4 has no zeros_missing key and reads as before.
        #expect(!String(decoding: try JSONEncoder().encode(dense), as: UTF8.self).contains("zeros_missing"))
        var tampered = sparse
        tampered.zerosMissing = [1, 9]
        #expect(throws: LearningError.self) { try tampered.check(featureCount: 6, classCount: 2) }
        tampered.zerosMissing = [2, 1]
        #expect(throws: LearningError.self) { try tampered.check(featureCount: 6, classCount: 2) }
        try sparse.check(featureCount: 6, classCount: 2)
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
        // As a bundle reads it: the model decoded from JSON whose booster was changed.
        func edited(_ from: String, _ to: String) throws -> GradientBoosting.Model {
            let booster = model.booster.replacingOccurrences(of: from, with: to)
            #expect(booster != model.booster)
            var state = try #require(JSONSerialization.jsonObject(with: JSONEncoder().encode(model)) as? [String: Any])
            state["booster"] = booster
            return try JSONDecoder().decode(GradientBoosting.Model.self, from: JSONSerialization.data(withJSONObject: state))
        }
        let broken = try edited(#""left_children":[1,"#, #""left_children":[99,"#)
        #expect(throws: LearningError.self) { try broken.check(featureCount: 1, classCount: 0) }
        let wider = try edited(#""split_indices":[0,"#, #""split_indices":[7,"#)
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

/// `train knn` against scikit-learn's brute-force neighbours (`KnownAnswers/knn.py`, `knn.out`).
struct NearestNeighborsTests {
    /// The complete rows of Auto MPG: 300 to train on, 92 to query.
    func data() throws -> (train: [[Double]], query: DesignMatrix, mpg: [Double], origin: [Int]) {
        let table = try dataset("auto_mpg")
        let names = ["cylinders", "displacement", "horsepower", "weight", "acceleration", "model_year"]
        let complete = (0..<table.rowCount).filter { row in !(names + ["mpg", "origin"]).contains { table.column(named: $0)!.isMissing(row) } }
        let columns = names.map { name in complete.map { table.column(named: name)!.number(at: $0)! } }
        let origins = complete.map { table.column(named: "origin")!.text(at: $0)! }
        let classes = Array(Set(origins)).sorted()
        let query = DesignMatrix(columnVectors: columns.map { Array($0[300...]) })
        return (columns.map { Array($0[..<300]) }, query, complete.map { table.column(named: "mpg")!.number(at: $0)! },
                origins.map { classes.firstIndex(of: $0)! })
    }

    func model(_ settings: [(String, SettingValue)], target: TrainingTarget, train: [[Double]]) throws -> NearestNeighbors.Model {
        let task: Task = { if case .classes = target { return .classification }; return .regression }()
        let resolved = try NearestNeighbors.settings.resolve(settings, algorithm: "knn", task: task)
        return try NearestNeighbors(resolved).fit(TrainingData(features: FeatureColumns(train), featureNames: train.indices.map { "f\($0)" }, target: target)).model
    }

    @Test func regressionMatchesScikitLearn() throws {
        let (train, query, mpg, _) = try data()
        let uniform = try model([("k", .whole(5))], target: .values(Array(mpg[..<300])), train: train)
        #expect(uniform.neighbours(query).indices.prefix(15).elementsEqual([264, 203, 215, 117, 277, 143, 193, 149, 214, 202, 277, 144, 57, 29, 18]))
        let values = uniform.predict(query).values
        for (a, b) in zip(values.prefix(3), [28.3, 31.1, 27.3]) { #expect(abs(a - b) < 1e-9) }
        #expect(abs(values.reduce(0, +) - 2343.6) < 1e-9)
        let manhattan = try model([("k", .whole(7)), ("weights", .word("distance")), ("metric", .word("manhattan"))],
                                  target: .values(Array(mpg[..<300])), train: train)
        #expect(manhattan.neighbours(query).indices.prefix(21).elementsEqual([264, 203, 215, 277, 117, 82, 165, 143, 193, 149, 202, 214, 276, 292,
                                                                               277, 144, 57, 29, 18, 145, 264]))
        let weighted = manhattan.predict(query).values
        for (a, b) in zip(weighted.prefix(3), [28.5856998717438, 31.471627107034926, 27.54921424360098]) { #expect(abs(a - b) < 1e-9) }
        #expect(abs(weighted.reduce(0, +) - 2363.621539345462) < 1e-9)
    }

    @Test func classSharesMatchScikitLearn() throws {
        let (train, query, _, origin) = try data()
        let target = TrainingTarget.classes(Array(origin[..<300]), labels: ["europe", "japan", "usa"])
        for (k, weights, first, sums) in [(5, "uniform", [0.2, 0.4, 0.4, 0.2, 0.6, 0.2, 0.0, 0.6, 0.4], [27.4, 27.0, 37.6]),
                                          (4, "distance", [0.18648542421202274, 0.2615418089775456, 0.5519727668104316, 0.24789635805255586,
                                                           0.4858607438493462, 0.26624289809809804, 0.0, 0.47890940988268604, 0.5210905901173141],
                                           [25.647891173323917, 27.21084067146037, 39.14126815521569])] {
            let shares = try model([("k", .whole(k)), ("weights", .word(weights))], target: target, train: train).predict(query).probabilities
            for (a, b) in zip(shares.prefix(9), first) { #expect(abs(a - b) < 1e-9, "\(weights): \(shares.prefix(9))") }
            for c in 0..<3 {
                let total = stride(from: c, to: shares.count, by: 3).reduce(0.0) { $0 + shares[$1] }
                #expect(abs(total - sums[c]) < 1e-9)
            }
        }
    }

    @Test func aRowAtDistanceZeroDecidesAloneAndTiesGoToTheEarlierRow() throws {
        // Rows 0, 1 and 2 are all at distance 2 from 3: with k=1 the earliest, row 0, is the neighbour.
        let train: [[Double]] = [[0, 1, 2, 3]]
        let tied = try model([("k", .whole(1))], target: .values([10, 20, 30, 40]), train: [[1, 5, 1, 9]])
        #expect(tied.predict(DesignMatrix(rows: 1, columns: 1, values: [3])).values == [10])
        let exact = try model([("k", .whole(3)), ("weights", .word("distance"))], target: .values([10, 20, 30, 40]), train: train)
        #expect(exact.predict(DesignMatrix(rows: 1, columns: 1, values: [1])).values == [20])
        #expect(throws: LearningError.self) { try model([("k", .whole(9))], target: .values([1, 2]), train: [[0, 1]]) }
    }
}

/// Found by the bundle fuzz: a query whose distances overflow (a scaling step with a mean
/// of 1e308) left its neighbour slots empty, and predicting read row -1.
struct NearestNeighborsOverflowTests {
    @Test func overflowingDistancesStillFindKRows() throws {
        let (train, _, mpg, _) = try NearestNeighborsTests().data()
        let model = try NearestNeighborsTests().model([("k", .whole(3)), ("weights", .word("distance"))], target: .values(Array(mpg[..<300])), train: train)
        let query = DesignMatrix(rows: 2, columns: 6, values: [-1.2e308, 1, 1, 1, 1, 1, 1, 2, 3, 4, 5, 6])
        let found = model.neighbours(query)
        #expect(found.indices.allSatisfy { (0..<300).contains($0) })
        #expect(found.indices.prefix(3).elementsEqual([0, 1, 2]), "all equally far: the first rows, in order")
    }
}

/// `train naive_bayes` against scikit-learn's `GaussianNB` (`KnownAnswers/naive_bayes.py`, `naive_bayes.out`).
struct NaiveBayesTests {
    @Test(arguments: [
        (1e-9, [0.23809006472730024, 530.0570201058796, 420.8461147560853, 241391.57862504412, 7.741834920694377, 6.988433000255418],
         [0.29344584106428473, 0.7063265918042928, 0.00022756713142293674, 0.37280593079170954, 0.6270745443565252, 0.00011952485176371691,
          0.2566140071285268, 0.7431758336619382, 0.00021015920953616616], [38.78996679917689, 37.60685960095952, 15.603173599863599]),
        (0.01, [7787.0299890521255, 8316.848919093278, 8207.638013743484, 249178.37052403152, 7794.533733908093, 7793.780331987654],
         [0.38455853471205537, 0.557208392564073, 0.058233072723873215, 0.3795491358219008, 0.5788105992213189, 0.04164026495677716,
          0.38227914691103343, 0.5679183971959013, 0.04980245589306383], [35.43691277263242, 33.500815102232764, 23.062272125134776]),
    ])
    func probabilitiesMatchScikitLearn(smoothing: Double, variances: [Double], first: [Double], sums: [Double]) throws {
        let (train, query, _, origin) = try NearestNeighborsTests().data()
        let settings = try NaiveBayes.settings.resolve([("var_smoothing", .number(smoothing))], algorithm: "naive_bayes", task: .classification)
        let model = try NaiveBayes(settings).fit(TrainingData(features: FeatureColumns(train), featureNames: train.indices.map { "f\($0)" },
                                                              target: .classes(Array(origin[..<300]), labels: ["europe", "japan", "usa"]))).model
        for (a, b) in zip(model.priors, [0.18, 0.14666666666666667, 0.6733333333333333]) { #expect(abs(a - b) < 1e-15) }
        for (a, b) in zip(model.variances.prefix(6), variances) { #expect(abs(a - b) < 1e-9 * b) }
        let shares = model.predict(query).probabilities
        for (a, b) in zip(shares.prefix(9), first) { #expect(abs(a - b) < 1e-9, "\(shares.prefix(9))") }
        for c in 0..<3 {
            let total = stride(from: c, to: shares.count, by: 3).reduce(0.0) { $0 + shares[$1] }
            #expect(abs(total - sums[c]) < 1e-9)
        }
    }
}

/// Numbers and one-hot encoded text together: scikit-learn's GaussianNB on the numbers plus
/// CategoricalNB on the text columns (`KnownAnswers/naive_bayes.py`, the "mixed" line).
struct CategoricalNaiveBayesTests {
    @Test func numbersAndEncodedColumnsMatchGaussianPlusCategoricalNB() throws {
        let table = try dataset("penguins")
        let numbers = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]
        let complete = (0..<table.rowCount).filter { row in
            numbers.allSatisfy { !(table.column(named: $0)!.number(at: row)?.isNaN ?? true) }
                && ["island", "sex"].allSatisfy { table.column(named: $0)!.text(at: row) != nil }
        }
        // The indicators as `encode onehot` makes them: a column per level, levels sorted.
        var columns = numbers.map { name in complete.map { table.column(named: name)!.number(at: $0)! } }
        var groups: [[Int]] = []
        for name in ["island", "sex"] {
            let values = complete.map { table.column(named: name)!.text(at: $0)! }
            let levels = Array(Set(values)).sorted()
            groups.append(Array(columns.count..<(columns.count + levels.count)))
            for level in levels { columns.append(values.map { $0 == level ? 1 : 0 }) }
        }
        let species = ["Adelie", "Chinstrap", "Gentoo"]
        let labels = complete.map { species.firstIndex(of: table.column(named: "species")!.text(at: $0)!)! }
        let training = labels.indices.filter { $0 % 4 != 0 }, queried = labels.indices.filter { $0 % 4 == 0 }
        func matrix(_ rows: [Int]) -> [[Double]] { columns.map { column in rows.map { column[$0] } } }
        var data = TrainingData(features: FeatureColumns(matrix(training)), featureNames: columns.indices.map { "f\($0)" },
                                target: .classes(training.map { labels[$0] }, labels: species))
        data.categoricalGroups = groups
        let settings = try NaiveBayes.settings.resolve([], algorithm: "naive_bayes", task: .classification)
        let model = try NaiveBayes(settings).fit(data).model
        #expect(model.categoricalGroups == groups)
        let shares = model.predict(DesignMatrix(columnVectors: matrix(queried))).probabilities
        let first = [0.9998315881544426, 0.00016841184553360484, 2.3764555833405045e-14, 0.99979551230099, 0.00020448769900333093,
                     6.754585098186336e-15, 0.9999021424025462, 9.785759745210237e-05, 1.8099657974469097e-15]
        for (a, b) in zip(shares.prefix(9), first) { #expect(abs(a - b) < 1e-9, "\(shares.prefix(9))") }
        for (c, sum) in [36.8475580573929, 17.152360616264573, 30.000081326342524].enumerated() {
            #expect(abs(stride(from: c, to: shares.count, by: 3).reduce(0.0) { $0 + shares[$1] } - sum) < 1e-8)
        }
        // Indicators that are not 0/1 (scaled after encoding) stay Gaussian.
        var scaled = data
        scaled.features = FeatureColumns(matrix(training).enumerated().map { j, column in j >= 4 ? column.map { $0 * 2 } : column })
        #expect(try NaiveBayes(settings).fit(scaled).model.categoricalGroups == nil)
    }
}

/// Found by the bundle fuzz: a prepared value beyond the float range (a scaling step with
/// a tiny spread) reached XGBoost as infinity, which it refuses, and predicting crashed.
struct GradientBoostingRangeTests {
    @Test func valuesBeyondTheFloatRangePredictAsTheLargestFloat() throws {
        let data = try EstimatorBatteryTests.data(.regression)
        let settings = try GradientBoosting.settings.resolve([("rounds", .whole(5))], algorithm: "gbdt", task: .regression, makeSeed: { 1 })
        let model = try GradientBoosting(settings).fit(data).model
        let huge = DesignMatrix(rows: 2, columns: 6, values: [1e300, 1e300, 1e300, 1e300, 1e300, 1e300, 3.4e38, 3.4e38, 3.4e38, 3.4e38, 3.4e38, 3.4e38])
        let values = model.predict(huge).values
        #expect(values.count == 2 && values.allSatisfy(\.isFinite))
        #expect(values[0] == values[1], "both rows lie beyond every threshold")
        #expect(GradientBoosting.float(.nan).isNaN && GradientBoosting.float(-1e300) == -Float.greatestFiniteMagnitude && GradientBoosting.float(0.5) == 0.5)
    }
}

/// `train kmeans` against scikit-learn's `KMeans(n_clusters=3, n_init=10)` on the iris
/// measurements as they are: the same (global) optimum, and `silhouette_score` of its labels.
struct KMeansTests {
    @Test func irisReachesScikitLearnsOptimumAndSilhouette() throws {
        let table = try dataset("iris")
        let names = Array(table.columnNames.prefix(4))
        let data = TrainingData(features: FeatureColumns(names.map { table.column(named: $0)!.numericValues! }), featureNames: names, target: nil, seed: 1)
        let settings = try KMeans.settings.resolve([("k", .whole(3)), ("n_init", .whole(10))], algorithm: "kmeans", task: .clustering, makeSeed: { 1 })
        let model = try KMeans(settings).fit(data).model
        #expect(abs(model.inertia - 78.851441426146) < 1e-9)
        let x = data.designMatrix()
        guard case .clusters(let clusters) = model.predict(x) else { Issue.record("no clusters"); return }
        #expect(abs(Metrics.inertia(x, clusters: clusters) - 78.851441426146) < 1e-9)
        #expect(abs(Metrics.silhouette(x, clusters: clusters) - 0.5528190123564101) < 1e-12)
        #expect(Set(clusters).count == 3)
    }

    @Test func tooFewRowsAndOneClusterAreSaidPlainly() throws {
        let data = TrainingData(features: FeatureColumns([[1, 2, 3]]), featureNames: ["x"], target: nil)
        let settings = try KMeans.settings.resolve([("k", .whole(5))], algorithm: "kmeans", task: .clustering, makeSeed: { 1 })
        #expect(throws: LearningError.self) { try KMeans(settings).fit(data) }
        #expect(Metrics.silhouette(DesignMatrix(rows: 3, columns: 1, values: [1, 2, 3]), clusters: [0, 0, 0]).isNaN)
    }
}

/// The search scores pairs in single precision first and decides in double
/// (`mlw_nearest_screened`); it must find the exact search's neighbours and distances bit for
/// bit, by either metric, also where single precision cannot tell rows apart: near-duplicates,
/// exact ties, rows far from the origin (where ‖x‖² + ‖y‖² − 2x·y cancels), mixed scales.
struct ScreenedNeighboursTests {
    @Test(arguments: [1, 2, 3])
    func screenedSearchIsTheExactSearchBitForBit(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        for shape in 0..<40 {
            let p = [1, 2, 3, 7, 8, 9, 33, 76][shape % 8], n = [1, 5, 17, 64, 300, 1031][shape % 6]
            let k = min(n, [1, 3, 5, 16, 40][shape % 5]), q = [1, 5, 7, 13, 61, 130][(shape / 2) % 6]
            // The last scale puts rows a few single-precision steps apart at their offset,
            // where rounding to single precision reorders them.
            let offset = [0.0, 1e3, 1e6, 1e9][shape % 4], scale = [1.0, 1e-6, 1e-3, 1, max(1, offset) * 2e-7][(shape / 4) % 5]
            var rows: [Double] = []
            for b in 0..<n {
                if b > 0, Int.random(in: 0..<4, using: &random) == 0 {
                    // A copy of an earlier row, perhaps nudged by an ulp or two.
                    let source = Int.random(in: 0..<b, using: &random)
                    let nudge = Int.random(in: 0..<3, using: &random)
                    rows += rows[(source * p)..<((source + 1) * p)].map { nudge == 0 ? $0 : nudge == 1 ? $0.nextUp : $0.nextDown }
                } else {
                    rows += (0..<p).map { j in offset + scale * Double.random(in: -3...3, using: &random) * Double(j % 3 + 1) }
                }
            }
            var queries: [Double] = []
            for _ in 0..<q {
                if Bool.random(using: &random) {
                    let source = Int.random(in: 0..<n, using: &random)
                    queries += rows[(source * p)..<((source + 1) * p)].map { $0 + scale * 1e-9 * Double.random(in: -1...1, using: &random) }
                } else {
                    queries += (0..<p).map { _ in offset + scale * Double.random(in: -4...4, using: &random) }
                }
            }
            let columns = (0..<p).map { j in (0..<n).map { rows[$0 * p + j] } }
            let x = DesignMatrix(rows: q, columns: p, values: queries)
            for metric in ["euclidean", "manhattan"] {
                let model = try NearestNeighborsTests().model([("k", .whole(k)), ("metric", .word(metric))], target: .values((0..<n).map(Double.init)),
                                                              train: columns)
                let screened = model.neighbours(x), exact = model.neighbours(x, screening: false)
                #expect(screened.indices == exact.indices, "\(metric), seed \(seed) shape \(shape): n=\(n) p=\(p) k=\(k) q=\(q) offset=\(offset)")
                #expect(screened.distances.map(\.bitPattern) == exact.distances.map(\.bitPattern), "\(metric), seed \(seed) shape \(shape)")
            }
        }
    }
}
