import CommandLanguage
import Foundation
import Learning
import Scoring
import Tabular
import Testing
@testable import Engine

/// The recipe is kept unfitted beside what it learned, and refits on any rows.
struct RecipeTests {
    /// Found by the session fuzz: a column named twice made a target encoding of three
    /// classes look for the column it had already replaced, and crash.
    @Test func aColumnNamedTwiceIsPreparedOnce() throws {
        let session = Session(makeSeed: { 1 })
        try runAll(session, ["load datasets/iris.csv", "target species", "split 0.8 stratify seed=2",
                             "encode target sepal_length sepal_length, sepal_length", "scale standard petal_width petal_width"])
        let table = try #require(session.workspace.currentTable)
        #expect(table.columnNames == ["sepal_length_setosa", "sepal_length_versicolor", "sepal_length_virginica", "sepal_width",
                                      "petal_length", "petal_width", "species"])
        #expect(session.workspace.recipes["iris"]?.steps.last?.text == "scale standard petal_width")
    }

    static let preparation = [
        "load datasets/penguins.csv", "target species", "filter island != \"Torgersen\"", "split 0.8 stratify seed=5",
        "derive ratio = bill_length_mm / bill_depth_mm", "impute numeric with median", "impute categorical with mode",
        "drop year", "encode onehot categorical", "scale standard numeric",
    ]

    @Test func refittingOnTheTrainingRowsGivesWhatTheSessionLearned() throws {
        _ = repositoryRoot
        let session = Session()
        try runAll(session, Self.preparation)
        let ws = session.workspace
        let rows = try #require(ws.splits["penguins"]?.trainingRows)
        let (fitted, table) = try #require(try ws.refitRecipe(of: "penguins", rows: rows))
        #expect(fitted == ws.preparations["penguins"])
        #expect(table == ws.currentTable)
        // Filtered rows are not in the recipe's input: it starts from the loaded rows still held.
        #expect(ws.recipeInput(of: "penguins")?.rowCount == 292)
        #expect(ws.recipes["penguins"]?.steps.count == 6)
    }

    @Test func refittingOnOtherRowsLearnsFromThoseRowsOnly() throws {
        _ = repositoryRoot
        let session = Session()
        try runAll(session, Self.preparation)
        let ws = session.workspace
        let fold = Array(stride(from: 0, to: 292, by: 3))
        let (fitted, table) = try #require(try ws.refitRecipe(of: "penguins", rows: fold))
        #expect(fitted != ws.preparations["penguins"])
        #expect(table.rowCount == 292)
        // The median fill of bill_length_mm is the median of the fold's present values.
        let input = try #require(ws.recipeInput(of: "penguins"))
        var present = fold.compactMap { input.column(named: "bill_length_mm")!.number(at: $0) }
        let median = Statistics.quantiles(selectingIn: &present, [0.5])[0]
        let fill = fitted.steps.compactMap { step -> Double? in
            if let imputer = step.as(FittedImputer.self), imputer.name == "bill_length_mm", case .number(let v) = imputer.fill { return v }
            return nil
        }
        #expect(fill == [median])
        // And the scaled columns have mean 0 over the fold's rows.
        let scaled = table.column(named: "flipper_length_mm")!.numericValues!
        #expect(abs(fold.map { scaled[$0] }.reduce(0, +) / Double(fold.count)) < 1e-12)
    }

    @Test func aLearnedStepBeforeAnySplitSaysItLeaks() throws {
        _ = repositoryRoot
        let session = Session()
        try runAll(session, ["load datasets/penguins.csv", "target species"])
        guard case .shown(let output) = session.run("impute numeric with median") else { Issue.record("impute failed"); return }
        #expect(output.blocks.contains { if case .warning(let text) = $0 { return text.contains("leakage") && text.contains("split first") }; return false })
        guard case .shown(let derived) = session.run("derive r = bill_length_mm * 2") else { Issue.record("derive failed"); return }
        #expect(!derived.blocks.contains { if case .warning = $0 { return true }; return false })
    }
}

/// Every fact about a command comes from its table entry.
struct CommandFactsTests {
    @Test func kindsDecideWhatTheSessionDoes() throws {
        func spec(_ line: String) throws -> (CommandSpec, Command) {
            let command = try #require(try CommandParser.parse(line))
            return (command.spec, command)
        }
        let (predict, shown) = try spec("predict m on t")
        #expect(!predict.writesFiles(shown) && predict.mayBeAbandoned(shown))
        let (_, written) = try spec("predict m on t to \"x.csv\"")
        #expect(written.writesFiles && !predict.mayBeAbandoned(written))
        #expect(try spec("filter a > 1").0.fingerprintsData)
        #expect(try spec("rules m").0.kind == .inspection && !(try spec("rules m").0.changesWorkspace))
        #expect(try spec("undo").0.isRecorded && !(try spec("history").0.isRecorded) && !(try spec("help").0.isRecorded))
        #expect(try spec("target y").0.pipeline == .always && (try spec("split 0.8").0.pipeline) == .ofModelTables)
        #expect(try spec("describe").0.pipeline == .never && (try spec("train logistic").0.pipeline) == .never)
        for entry in CommandTable.all {
            #expect(try Help.topic(entry.name).contains(entry.usage))
            #expect(entry.kind != .session || entry.stage == .session)
        }
    }

    /// A session command that reaches the engine is a bug, reported as one (exit 70).
    @Test func bugsAreNotDiagnostics() throws {
        #expect(throws: InternalError.self) { try Interpreter.apply(.history, to: Workspace()) }
        let bug = InternalError("an invariant broke")
        let loop = StepLoop(session: Session())
        let (_, error) = loop.report(.bug(bug), line: "x", location: "s.mlw:3")
        #expect(error == "s.mlw:3: error: internal error: an invariant broke (please report it)")
        #expect(StepLoop.Outcome.bug(bug).exitStatus == 70)
        #expect(StepLoop.Outcome.failed(Diagnostic(.badValue, "x")).exitStatus == 65)
    }
}

/// Found while adding the clean verbs: a step on a column that later became the target
/// (`impute categorical` before `target species`) went into the model's recipe, and the
/// exported bundle was then refused ("the input has no column 'species'"), since new rows
/// have no target. The model's recipe now leaves such steps out.
struct TargetStepTests {
    @Test func stepsOnTheTargetAreNotTheModels() throws {
        _ = repositoryRoot
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let session = Session()
        try runAll(session, ["load datasets/penguins.csv", "impute categorical with mode", "impute numeric with mean",
                             "encode onehot island, sex", "target species", "split 0.8 seed=1", "train logistic",
                             "export model logistic to \"\(directory)/b\""])
        let model = try #require(session.workspace.model(named: "logistic"))
        #expect(!model.preparation.steps.contains { $0.column == "species" })
        let loaded = try ModelBundle.load(directory + "/b")
        let raw = try CSVReader.read(path: "datasets/penguins.csv", name: "penguins").table
        #expect(try Scorer.scoredTable(loaded, rawTable: raw).column(named: "prediction")?.count == 344)
        guard case .shown = session.run("load datasets/penguins.csv as raw") else { Issue.record("load failed"); return }
        guard case .shown = session.run("predict logistic on raw") else { Issue.record("predict at the prompt failed"); return }
    }
}

/// Every transform's parity: the preparation a bundle carries, applied to the raw rows,
/// gives bit for bit the features training produced. Cross-fitted steps (encode target)
/// give the training rows out-of-fold values by design, so those compare on the test rows.
struct TransformParityTests {
    static let variants: [[String]] = [
        ["impute numeric with median indicator", "impute sex with mode indicator",
         "encode onehot island drop=first min_frequency=60 unseen=other", "transform yeo-johnson body_mass_g",
         "transform log1p bill_depth_mm", "bin flipper_length_mm quantile bins=4", "encode onehot flipper_length_mm, sex",
         "scale robust numeric", "scale minmax indicators"],
        ["impute numeric with mean", "impute categorical with mode", "encode ordinal island", "encode frequency sex",
         "transform yeo-johnson numeric standardize=false", "poly bill_length_mm, bill_depth_mm degree=3",
         "interact flipper_length_mm body_mass_g", "scale standard numeric", "pca numeric variance=0.9"],
        ["impute numeric with median", "impute categorical with mode", "encode target island seed=3", "encode onehot sex drop=if_binary",
         "bin year equal bins=2", "transform sqrt flipper_length_mm", "clip bill_length_mm iqr k=1.5",
         "select variance > 0.001", "select correlated < 0.9", "select best 6 by mutual_information"],
        ["dateparts sold_on, shipped_at", "impute numeric with median indicator", "encode frequency region", "scale standard numeric"],
    ]

    @Test(arguments: variants)
    func aBundlesPreparationGivesTheFeaturesTrainingMade(steps: [String]) throws {
        _ = repositoryRoot
        let folder = NSTemporaryDirectory() + "mlw-parity-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let session = Session()
        // Dates come from the sales fixture (a regression), everything else from the penguins.
        let dated = steps[0].hasPrefix("dateparts")
        let problem = dated ? ["load Tests/EngineTests/Fixtures/dates.csv as sales", "target amount", "split 0.75 seed=3"]
                            : ["load datasets/penguins.csv", "target species", "split 0.75 stratify seed=11"]
        let algorithm = dated ? "linear" : "logistic max_iter=2000"
        try runAll(session, problem + steps + ["train \(algorithm)", "export model \(algorithm.split(separator: " ")[0]) to \"\(folder)/model\" force"])
        let ws = session.workspace
        let table = dated ? "sales" : "penguins"
        let model = try ModelBundle.load(folder + "/model")
        let raw = try #require(ws.recipeInput(of: table))
        let prepared = try Scorer.prepare(raw, for: model)
        let trained = try #require(ws.currentTable)
        let crossFitted = steps.contains { $0.hasPrefix("encode target") }
        let rows = crossFitted ? try #require(ws.splits[table]?.testRows) : Array(0..<trained.rowCount)
        for feature in model.features {
            let made = try #require(prepared.column(named: feature)?.numericValues, "\(feature) is not made")
            let learned = try #require(trained.column(named: feature)?.numericValues)
            let same = rows.allSatisfy { made[$0].bitPattern == learned[$0].bitPattern }
            #expect(same, "\(feature) differs: \(steps)")
        }
        #expect(model.features.count >= 4)
    }
}

/// `cv K`: folds, and the recipe refitted inside each.
struct CrossValidationTests {
    @Test func foldsPartitionTheRowsStratifiedAndFollowTheSeed() {
        let rows = Array(stride(from: 0, to: 300, by: 3))
        let labels = rows.map { ($0 / 3) % 4 == 0 ? 1 : 0 }  // a quarter of class 1
        let folds = CrossValidation.folds(rows, k: 5, labels: labels, seed: 9)
        #expect(folds.flatMap { $0 }.sorted() == rows)
        for fold in folds {
            #expect(fold.count == 20)
            #expect(fold.filter { ($0 / 3) % 4 == 0 }.count == 5, "each fold holds its share of class 1")
        }
        #expect(CrossValidation.folds(rows, k: 5, labels: labels, seed: 9) == folds)
        #expect(CrossValidation.folds(rows, k: 5, labels: labels, seed: 10) != folds)
    }

    /// The classic selection leak: on pure noise, choosing the features that best separate
    /// the classes on every row and then cross-validating looks far better than chance. With
    /// the recipe (the selection) refitted in each fold, it is chance.
    @Test func selectionLearnedInsideEachFoldDoesNotLeak() throws {
        var random = SeededGenerator(seed: 4)
        let rows = 60, noise = 1000
        var lines = [(0..<noise).map { "f\($0)" }.joined(separator: ",") + ",y"]
        for r in 0..<rows {
            lines.append((0..<noise).map { _ in String(Double(Int.random(in: 0..<10_000, using: &random)) / 1000) }.joined(separator: ",") + ",\(r % 2)")
        }
        let path = NSTemporaryDirectory() + "mlw-noise-\(UUID().uuidString).csv"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        let session = Session(makeSeed: { 1 })
        try runAll(session, ["load \"\(path)\" as noise", "target y classification", "select best 10 by anova"])
        let table = try #require(session.workspace.currentTable)
        let logistic = try #require(AlgorithmRegistry.named("logistic"))
        let candidate = CrossValidation.Candidate(name: "logistic", algorithm: logistic,
                                                  settings: try logistic.settings.resolve([], algorithm: "logistic", task: .classification))
        let labels = (0..<rows).map { $0 % 2 }
        let folds = CrossValidation.folds(Array(0..<rows), k: 5, labels: labels, seed: 2)
        let refitted = try CrossValidation.run([candidate], folds: folds, table: table, session.workspace, context: EngineContext())
        let accuracy = refitted[0].metrics.first { $0.name == "accuracy" }!.values
        let mean = accuracy.reduce(0, +) / Double(accuracy.count)
        #expect(mean < 0.7, "cross-validated accuracy on noise is \(mean)")
        // The same folds on the table prepared once on every row (the leak) look far better.
        var leaky = session.workspace
        leaky.recipes["noise"] = Recipe()
        leaky.loaded["noise"] = table
        let leaked = try CrossValidation.run([candidate], folds: folds, table: table, leaky, context: EngineContext())
        let leakedMean = leaked[0].metrics.first { $0.name == "accuracy" }!.values.reduce(0, +) / 5
        #expect(leakedMean > 0.75 && leakedMean > mean + 0.15, "leaky \(leakedMean) against \(mean)")
    }
}
