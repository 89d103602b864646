import CommandLanguage
import Foundation
import Scoring
import Tabular
import Testing
@testable import Engine

func temporaryDirectory() -> String {
    let path = NSTemporaryDirectory() + "mlw-tests-\(UUID().uuidString)"
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

func runAll(_ session: Session, _ lines: [String]) throws {
    for line in lines {
        switch session.run(line) {
        case .failed(let diagnostic): throw diagnostic
        case .bug(let bug): throw bug
        default: continue
        }
    }
}

extension Session {
    /// One line through the step loop, as the prompt runs it.
    func run(_ line: String) -> StepLoop.Outcome { StepLoop(session: self).step(line) }
}

let penguinsScript = [
    "load datasets/penguins.csv", "target species", "goal accuracy >= 0.9", "split 0.7 stratify seed=3",
    "describe", "impute numeric with median", "impute categorical with mode", "derive ratio = bill_length_mm / bill_depth_mm",
    "encode onehot categorical", "scale standard numeric", "train logistic", "train logistic strong l2=50", "evaluate",
]

struct SessionTests {
    @Test func undoRestoresTheExactWorkspace() throws {
        _ = repositoryRoot
        let session = Session()
        try runAll(session, ["load datasets/iris.csv", "split 0.8 seed=1"])
        let before = session.workspace.currentTable!
        try runAll(session, ["derive x = sepal_length * 2", "filter x > 10"])
        #expect(session.workspace.currentTable != before)
        try runAll(session, ["undo", "undo"])
        #expect(session.workspace.currentTable == before)
        #expect(session.effective.map(\.text) == ["load \"datasets/iris.csv\" as iris", "split 0.8 seed=1"])
        #expect(session.recorded.last?.text == "undo")
    }

    @Test func failedCommandsChangeAndRecordNothing() throws {
        _ = repositoryRoot
        let directory = temporaryDirectory()
        let journal = try JournalFile(path: directory + "/s.mlw", header: "# test")
        let session = Session(journal: journal)
        try runAll(session, ["load datasets/penguins.csv"])
        let table = session.workspace.currentTable
        for bad in ["derive r = bill_length_mm / bill_dept", "train logistic", "filter island + 1", "load nowhere.csv", "split 2"] {
            guard case .failed = session.run(bad) else { Issue.record("'\(bad)' should fail"); continue }
        }
        #expect(session.workspace.currentTable == table)
        let lines = try ScriptRunner.lines(of: directory + "/s.mlw")
        #expect(lines.count == 2)
    }

    @Test func trainNamesTheMissingValueProblem() throws {
        _ = repositoryRoot
        let session = Session()
        try runAll(session, ["load datasets/penguins.csv", "target species", "drop island, sex"])
        guard case .failed(let diagnostic) = session.run("train logistic") else { Issue.record("should fail"); return }
        #expect(diagnostic.message == "feature 'bill_length_mm' has 2 missing values")
    }

    @Test func logisticRefusesMoreClassesThanItCanHandle() throws {
        let directory = temporaryDirectory()
        let rows = (0..<3000).map { "\($0 % 1001),\(Double($0) / 7)" }
        try (["label,x"] + rows).joined(separator: "\n").write(toFile: directory + "/many.csv", atomically: true, encoding: .utf8)
        let session = Session()
        try runAll(session, ["load \"\(directory)/many.csv\" as many", "target label classification"])
        guard case .failed(let diagnostic) = session.run("train logistic") else { Issue.record("should fail"); return }
        #expect(diagnostic.message == "'label' has 1001 classes; logistic regression here handles at most 1000")
        #expect(session.workspace.models.isEmpty)
    }

    @Test func recordedScriptReplaysWithVerifiedFingerprints() throws {
        _ = repositoryRoot
        let directory = temporaryDirectory()
        let session = Session(journal: try JournalFile(path: directory + "/s.mlw", header: nil))
        try runAll(session, penguinsScript)
        let lines = try ScriptRunner.lines(of: directory + "/s.mlw")
        var errors: [String] = []
        let (code, verified) = ScriptRunner(session: Session(), verify: true, print: nil, printError: { errors.append($0) })
            .run(lines: lines, source: "s.mlw")
        #expect(code == .ok, "\(errors)")
        #expect(verified >= 10)
        // A changed seed is caught at the split step.
        let tampered = lines.map { $0.replacingOccurrences(of: "seed=3", with: "seed=4") }
        let (badCode, _) = ScriptRunner(session: Session(), verify: true, print: nil, printError: { errors.append($0) })
            .run(lines: tampered, source: "s.mlw")
        #expect(badCode == .dataError)
        #expect(errors.last?.hasPrefix("s.mlw:4: verify failed") == true)
    }

    @Test func bundlePredictionsEqualPromptPredictions() throws {
        _ = repositoryRoot
        let directory = temporaryDirectory()
        let session = Session()
        try runAll(session, penguinsScript + [
            "load datasets/penguins.csv as fresh", "use penguins",
            "predict logistic on fresh to \"\(directory)/prompt.csv\"", "export model logistic to \"\(directory)/bundle\""])
        let fromBundle = try ModelBundle.predict(bundle: directory + "/bundle", input: "datasets/penguins.csv").table
        let fromPrompt = try CSVReader.read(path: directory + "/prompt.csv", name: "input").table
        let names = fromPrompt.columnNames.filter { $0 == "prediction" || $0.hasPrefix("probability_") }
        #expect(names.count == 4 && fromBundle.rowCount == fromPrompt.rowCount)
        for name in names { #expect(fromBundle.column(named: name) == fromPrompt.column(named: name), "\(name)") }
        #expect(fromBundle.column(named: "probability_Gentoo") != nil)
        // The manifest is plain, versioned JSON with flat preparation steps.
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory + "/bundle/manifest.json"))) as! [String: Any]
        #expect(manifest["format"] as? String == "mlw-model" && manifest["version"] as? Int == 4)
        let steps = manifest["preparation"] as! [[String: Any]]
        #expect(steps.first?["step"] as? String == "impute" && steps.first?["column"] as? String == "bill_length_mm")
        #expect(steps.contains { $0["step"] as? String == "derive" && $0["expression"] as? String == "bill_length_mm / bill_depth_mm" })
        #expect((manifest["input_schema"] as! [[String: Any]]).count == 7)
        let lineage = manifest["lineage"] as! [String: Any]
        #expect((lineage["script"] as! [String]).last == "train logistic logistic l2=1 l1=0 max_iter=500 tol=1e-07 class_weight=none")
        let modelFile = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory + "/bundle/model.json"))) as! [String: Any]
        #expect(modelFile["algorithm"] as? String == "logistic")
        // A tampered model file is refused.
        try "{}".write(toFile: directory + "/bundle/model.json", atomically: true, encoding: .utf8)
        #expect(throws: ScoringError.self) { try ModelBundle.load(directory + "/bundle") }
    }

    @Test func exportedPipelineReproducesTheSessionMetrics() throws {
        _ = repositoryRoot
        let directory = temporaryDirectory()
        let session = Session()
        try runAll(session, penguinsScript + ["export pipeline to \"\(directory)/pipe\""])
        let script = try ScriptRunner.lines(of: directory + "/pipe/pipeline.mlw")
        #expect(!script.contains("describe"))
        #expect(script.contains("load $data as penguins"))
        // The goal picks the better model of the two, so only its train step remains.
        #expect(script.filter { $0.hasPrefix("train ") }.count == 1)
        // Its input path is relative to the pipeline's folder, as `mlw run` resolves it.
        #expect(script.contains("param data = \"\(FilePaths.relative(of: repositoryRoot + "/datasets/penguins.csv", from: directory + "/pipe"))\""))
        let rerun = Session()
        rerun.baseDirectory = directory + "/pipe"
        let (code, _) = ScriptRunner(session: rerun, print: nil, printError: { Issue.record("\($0)") }).run(lines: script, source: "pipeline.mlw")
        #expect(code == .ok)
        let model = rerun.workspace.models.last!.name
        let original = session.workspace.evaluation!.rows.first { $0.model == model }!
        #expect(rerun.workspace.evaluation!.rows.first! == original)
        _ = try PipelineOutputs.write(rerun.workspace, to: directory + "/out")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory + "/out/metrics.json"))) as! [String: Any]
        let rows = json["models"] as! [[String: Any]]
        #expect(rows.count == 1 && rows[0]["task"] as? String == "classification" && rows[0]["target"] as? String == "species")
        #expect(FileManager.default.fileExists(atPath: directory + "/out/model/manifest.json"))
    }

    /// A tuned model (and train auto's) exports as the plain train of the settings chosen,
    /// with its decision threshold, and the pipeline refits the same model.
    @Test func tunedModelsExportAsPipelinesOfTheirChosenSettings() throws {
        _ = repositoryRoot
        let directory = temporaryDirectory()
        let session = Session()
        try runAll(session, ["load datasets/breast_cancer.csv as cancer", "target diagnosis", "split 0.8 stratify seed=3", "scale standard numeric",
                             "tune logistic l2=[0.1, 10] cv=3 seed=1", "threshold logistic_tuned 0.3",
                             "train auto cv=2 trials=1 seed=4 algorithms=[logistic, tree]",
                             "export pipeline logistic_tuned to \"\(directory)/tuned\"", "export pipeline auto to \"\(directory)/auto\""])
        for (name, folder) in [("logistic_tuned", "tuned"), ("auto", "auto")] {
            let script = try ScriptRunner.lines(of: directory + "/\(folder)/pipeline.mlw")
            let model = try #require(session.workspace.model(named: name))
            #expect(script.contains(model.lineage.last!) && !script.contains { $0.hasPrefix("tune") || $0.hasPrefix("train auto") })
            #expect(script.contains("threshold logistic_tuned 0.3") == (name == "logistic_tuned"))
            let rerun = Session()
            rerun.baseDirectory = directory + "/" + folder
            let (code, _) = ScriptRunner(session: rerun, print: nil, printError: { Issue.record("\($0)") }).run(lines: script, source: "pipeline.mlw")
            #expect(code == .ok)
            // The same fitted model and decision (its lineage names the pipeline's own steps).
            let refitted = try #require(rerun.workspace.model(named: name))
            #expect(refitted.estimator == model.estimator && refitted.preparation == model.preparation && refitted.decision == model.decision)
        }
    }

    @Test func pipelineOfAJoinedTableLoadsWhatItJoinsAndReproducesTheModel() throws {
        _ = repositoryRoot
        let directory = temporaryDirectory()
        let session = Session()
        try runAll(session, [
            "load datasets/auto_mpg.csv as cars", "load datasets/auto_mpg.csv as specs", "select name, weight", "dedupe name",
            "rename weight to listed_weight", "save to \"\(directory)/specs.csv\"", "load \"\(directory)/specs.csv\" as specs",
            "load datasets/auto_mpg.csv as unused", "load datasets/auto_mpg.csv as late",
            "filter model_year >= 1980", "use cars", "filter model_year < 1980", "append late", "join specs on name",
            // Steps on a joined table after its join do not shape the model.
            "use specs", "filter listed_weight > 3000", "use cars", "describe",
            "drop name, origin, weight", "filter mpg is not missing", "target mpg", "impute numeric with median",
            "split 0.8 seed=5", "train linear", "evaluate", "export pipeline to \"\(directory)/pipe\"",
        ])
        #expect(throws: Diagnostic.self) { try runAll(session, ["join specs on name"]) }  // split already
        let script = try ScriptRunner.lines(of: directory + "/pipe/pipeline.mlw")
        #expect(script.contains("load $data as late") && script.contains("filter model_year >= 1980"))
        #expect(script.contains("load $specs_data as specs") && !script.contains("dedupe name"))  // before its last load
        #expect(!script.contains { $0.contains("unused") || $0.contains("listed_weight > 3000") || $0 == "describe" })
        #expect(session.workspace.models.last!.dataSources.map { FilePaths.fileName(of: $0.path) } == ["auto_mpg.csv", "specs.csv"])
        let rerun = Session()
        rerun.baseDirectory = directory + "/pipe"
        let (code, _) = ScriptRunner(session: rerun, print: nil, printError: { Issue.record("\($0)") }).run(lines: script, source: "pipeline.mlw")
        #expect(code == .ok)
        #expect(rerun.workspace.evaluation!.rows.first! == session.workspace.evaluation!.rows.first!)
    }

    @Test func regressionWithTestTable() throws {
        _ = repositoryRoot
        let session = Session()
        try runAll(session, [
            "load datasets/auto_mpg.csv as cars", "load datasets/auto_mpg.csv as holdout", "use cars",
            "filter mpg is not missing", "target mpg", "split test=holdout", "drop name",
            "impute numeric with median", "encode onehot origin",
        ])
        // The holdout still has rows without mpg, so its test set cannot be built.
        guard case .failed(let diagnostic) = session.run("train linear") else { Issue.record("holdout has missing targets"); return }
        #expect(diagnostic.message.contains("has no 'mpg'"))
    }
}

/// Every shipped session and tutorial script replays with all fingerprints matching.
struct ShippedScriptTests {
    static var scripts: [String] {
        _ = repositoryRoot
        return ["sessions", "tutorials"].flatMap { folder in
            ((try? FileManager.default.contentsOfDirectory(atPath: repositoryRoot + "/" + folder)) ?? [])
                .filter { $0.hasSuffix(".mlw") }.map { "\(folder)/\($0)" }
        }
    }

    /// Tutorials that ship the session they record (`NAME.md` beside `NAME.mlw`).
    static var recordedTutorials: [String] {
        scripts.filter { $0.hasPrefix("tutorials/") }.map { String($0.dropLast(4)) }
            .filter { FileManager.default.fileExists(atPath: repositoryRoot + "/" + $0 + ".md") }
    }

    /// Typing the tutorial's `mlw> ` lines records exactly its shipped script (header aside).
    @Test(arguments: recordedTutorials)
    func tutorialScriptIsWhatTypingTheTutorialRecords(tutorial: String) throws {
        let text = try String(contentsOfFile: repositoryRoot + "/" + tutorial + ".md", encoding: .utf8)
        let inputs = markdownTranscriptBlocks(text).flatMap {
            $0.content.components(separatedBy: "\n").filter { $0.hasPrefix("mlw> ") }.map { String($0.dropFirst(5)) }
        }
        let path = NSTemporaryDirectory() + "mlw-tutorial-\(UUID().uuidString).mlw"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let session = Session(journal: try JournalFile(path: path, header: "# header"), makeSeed: { 42 })
        for line in inputs { _ = session.run(line) }
        func body(_ file: String) throws -> [String] {
            Array(try String(contentsOfFile: file, encoding: .utf8).components(separatedBy: "\n").dropFirst())
        }
        let recorded = try body(path), shipped = try body(repositoryRoot + "/" + tutorial + ".mlw")
        #expect(recorded == shipped, "\(tutorial).mlw differs from what the tutorial records:\n\(lineDiff(shipped.joined(separator: "\n"), recorded.joined(separator: "\n")))")
    }

    @Test(arguments: scripts)
    func replayVerifies(script: String) throws {
        var errors: [String] = []
        let lines = try ScriptRunner.lines(of: repositoryRoot + "/" + script)
        let (code, verified) = ScriptRunner(session: Session(), verify: true, print: nil, printError: { errors.append($0) })
            .run(lines: lines, source: script)
        #expect(code == .ok, "\(errors)")
        #expect(verified > 0)
    }
}

/// What the journal holds replays to what the user saw (issue 5, item 13).
struct JournalFidelityTests {
    @Test func oddNamesAndParametersReplayAsTyped() throws {
        _ = repositoryRoot
        let directory = temporaryDirectory()
        let session = Session(journal: try JournalFile(path: directory + "/s.mlw", header: "# \(Fingerprint.headerTag)"))
        try runAll(session, [
            "param data = \"datasets/iris.csv\"", "load $data as \"my t\"", "target species", "split 0.8 stratify seed=4",
            "train logistic \"a b=c\"", "evaluate", "export pipeline to \"\(directory)/p\""])
        let lines = try ScriptRunner.lines(of: directory + "/s.mlw")
        #expect(lines.contains { $0.hasPrefix("load $data as \"my t\"  #= ") })
        #expect(lines.contains { $0.hasPrefix("evaluate  #= a%20b%3Dc.accuracy=") })
        // Fingerprints of a model whose name holds a space and '=' parse back and verify.
        var errors: [String] = []
        let (code, verified) = ScriptRunner(session: Session(), verify: true, print: nil, printError: { errors.append($0) })
            .run(lines: lines, source: "s.mlw")
        #expect(code == .ok, "\(errors)")
        #expect(verified == 4)
        // The pipeline quotes the table name and reads the session's own parameter.
        let pipeline = try ScriptRunner.lines(of: directory + "/p/pipeline.mlw")
        #expect(pipeline.contains("load $data as \"my t\""))
        #expect(pipeline.contains("param data = \"\(FilePaths.relative(of: repositoryRoot + "/datasets/iris.csv", from: directory + "/p"))\""))
        // Replaying with another value loads the other file (the recorded load reads $data).
        let subset = directory + "/subset.csv"
        try (try String(contentsOfFile: "datasets/iris.csv", encoding: .utf8)).split(separator: "\n").prefix(61).joined(separator: "\n")
            .write(toFile: subset, atomically: true, encoding: .utf8)
        #expect(ScriptRunner.overrideProblem(["data": subset], lines: lines) == nil)
        let rerun = Session(overrides: ["data": subset])
        _ = ScriptRunner(session: rerun, print: nil, printError: { _ in }).run(lines: Array(lines.prefix(3)), source: "s.mlw")
        #expect(rerun.workspace.table(named: "my t")?.rowCount == 60)
    }

    /// Labels that are equal as numbers (`1`, `01`, `1.0`) still have one order, the same
    /// whatever order a dictionary hands them out in.
    @Test func classOrderIsTotal() {
        let labels = ["b", "1.0", "01", "10", "a", "1", "-2", "nan", "1e0", "B"]
        let expected = ["-2", "01", "1", "1.0", "1e0", "10", "B", "a", "b", "nan"]
        var generator = SeededGenerator(seed: 5)
        for _ in 0..<50 {
            #expect(labels.shuffled(using: &generator).sorted(by: ClassLabels.precedes) == expected)
        }
    }

    @Test func metricsJSONHoldsNoNonFiniteNumber() throws {
        let row = Evaluation.Row(model: "m", algorithm: "linear", table: "t", target: "y", task: .regression, testRows: 3, testSet: "x",
                                 metrics: [("rmse", .infinity), ("mae", 2), ("r2", .nan)])
        let text = MetricsJSON.encode(Evaluation(rows: [row]), goals: ["y": Goal(metric: "rmse", comparison: .atMost, threshold: 1)])
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
        let model = (object["models"] as! [[String: Any]])[0]
        let metrics = model["metrics"] as! [String: Any]
        #expect(metrics["rmse"] is NSNull && metrics["r2"] is NSNull && metrics["mae"] as? Double == 2)
        #expect((model["goal"] as! [String: Any])["passed"] as? Bool == false)
    }
}

/// Journals recorded by an earlier mlw (`Tests/EngineTests/Fixtures/*-vN.mlw`, each by the
/// mlw of its fingerprint version) still verify: their steps mean what they meant then
/// (`Fingerprint.version`, `Workspace.rulesVersion`).
struct OlderJournalTests {
    static var journals: [String] {
        _ = repositoryRoot
        let folder = "Tests/EngineTests/Fixtures"
        return ((try? FileManager.default.contentsOfDirectory(atPath: repositoryRoot + "/" + folder)) ?? [])
            .filter { $0.hasSuffix(".mlw") }.sorted().map { "\(folder)/\($0)" }
    }

    @Test(arguments: journals)
    func verifiesEveryStep(journal: String) throws {
        let lines = try ScriptRunner.lines(of: repositoryRoot + "/" + journal)
        var errors: [String] = []
        let (code, verified) = ScriptRunner(session: Session(), verify: true, print: nil, printError: { errors.append($0) })
            .run(lines: lines, source: journal)
        #expect(code == .ok, "\(errors)")
        #expect(verified == lines.filter { JournalEntry.split($0).fingerprint != nil }.count)
    }

    /// A pipeline exported from a session replaying the v3 journal says so in its header, so
    /// `mlw run` fits its L1 model as that session did, bit for bit.
    @Test func pipelineOfAnOlderSessionFitsAsItDid() throws {
        _ = repositoryRoot
        let directory = temporaryDirectory()
        let lines = try ScriptRunner.lines(of: repositoryRoot + "/Tests/EngineTests/Fixtures/logistic-l1-v3.mlw")
        let session = Session()
        let (code, _) = ScriptRunner(session: session, print: nil, printError: { Issue.record("\($0)") }).run(lines: lines, source: "v3.mlw")
        #expect(code == .ok)
        try runAll(session, ["use penguins", "export pipeline sparse to \"\(directory)/pipe\""])
        let pipeline = try ScriptRunner.lines(of: directory + "/pipe/pipeline.mlw")
        #expect(pipeline.prefix(5).contains("# its steps mean what they meant in journals of fingerprints v3"))
        let rerun = Session()
        rerun.baseDirectory = directory + "/pipe"
        let (rerunCode, _) = ScriptRunner(session: rerun, print: nil, printError: { Issue.record("\($0)") }).run(lines: pipeline, source: "pipeline.mlw")
        #expect(rerunCode == .ok)
        #expect(rerun.workspace.model(named: "sparse")?.scoring.estimator == session.workspace.model(named: "sparse")?.scoring.estimator)
        // Today's session makes another model of the same steps.
        let today = Session()
        try runAll(today, lines.dropFirst().prefix(8).map { JournalEntry.split($0).command })
        #expect(today.workspace.model(named: "sparse")?.scoring.estimator != session.workspace.model(named: "sparse")?.scoring.estimator)
    }

    /// The v3 journal's L1 logistic fits are OWL-QN's: read as today's (v4) steps, its first
    /// one no longer matches, so the fixture does test the old solver.
    @Test func l1LogisticOfV3ReplaysWithItsOwnSolver() throws {
        _ = repositoryRoot
        let lines = try ScriptRunner.lines(of: repositoryRoot + "/Tests/EngineTests/Fixtures/logistic-l1-v3.mlw")
        #expect(lines[0].hasSuffix("fingerprints v3"))
        let asToday = [lines[0].replacingOccurrences(of: "fingerprints v3", with: Fingerprint.headerTag)] + lines.dropFirst()
        var errors: [String] = []
        let (code, verified) = ScriptRunner(session: Session(), verify: true, print: nil, printError: { errors.append($0) })
            .run(lines: asToday, source: "today.mlw")
        #expect(code == .dataError)
        #expect(verified == 6)
        #expect(errors.last?.contains("today.mlw:9: verify failed at 'train logistic sparse") == true, "\(errors)")
    }
}
