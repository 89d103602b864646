import CommandLanguage
import Foundation
import Learning
import Tabular
import Testing
@testable import Engine

/// The search space of `tune`: what it lists, draws and refuses.
struct SearchSpaceTests {
    let tree = AlgorithmRegistry.named("tree")!.settings
    let gbdt = AlgorithmRegistry.named("gbdt")!.settings

    @Test func theGridVariesTheLastSettingFastestAndCountsWholeRanges() throws {
        let space = try SearchSpace([
            SearchDimension(key: "max_depth", values: .list([.whole(2), .none])),
            SearchDimension(key: "criterion", values: .fixed(.word("entropy"))),
            SearchDimension(key: "min_samples_leaf", values: .range(low: .whole(1), high: .whole(3))),
        ], schema: tree, algorithm: "tree")
        #expect(space.gridSize == 6)
        #expect(space.fixed.map(\.key) == ["criterion"])
        let grid = space.grid(limit: 100).map { $0.map(\.value) }
        #expect(grid == [[.whole(2), .whole(1)], [.whole(2), .whole(2)], [.whole(2), .whole(3)],
                         [.none, .whole(1)], [.none, .whole(2)], [.none, .whole(3)]])
        #expect(space.grid(limit: 4).count == 4)
    }

    /// A run stopped after n trials is recorded as trials=n: its candidates must be the
    /// first n of the longer run's, for grids small enough to shuffle and for ranges.
    @Test func drawsOfFewerTrialsAreThePrefixOfMore() throws {
        let finite = try SearchSpace([SearchDimension(key: "max_depth", values: .range(low: .whole(1), high: .whole(12)))], schema: tree, algorithm: "tree")
        let continuous = try SearchSpace([
            SearchDimension(key: "learning_rate", values: .range(low: .number(0.001), high: .number(1))),
            SearchDimension(key: "subsample", values: .range(low: .number(0.5), high: .number(1))),
        ], schema: gbdt, algorithm: "gbdt")
        for space in [finite, continuous] {
            let long = space.draw(10, seed: 7).map { $0.map(\.value) }
            for n in [1, 4, 9] { #expect(space.draw(n, seed: 7).map { $0.map(\.value) } == Array(long.prefix(n))) }
            #expect(Set(long).count == long.count, "no candidate twice")
            #expect(space.draw(10, seed: 8).map { $0.map(\.value) } != long)
        }
        // Every value of a grid within the budget, once.
        #expect(Set(finite.draw(50, seed: 1).map { $0[0].value }) == Set((1...12).map(SettingValue.whole)))
    }

    @Test func rangesOfNumbersDrawInsideOnTheirScaleToThreeDigits() throws {
        let space = try SearchSpace([
            SearchDimension(key: "learning_rate", values: .range(low: .number(0.001), high: .number(1))),
            SearchDimension(key: "subsample", values: .range(low: .number(0.5), high: .number(1))),
        ], schema: gbdt, algorithm: "gbdt")
        let drawn = space.draw(400, seed: 3)
        let rates = drawn.map { $0[0].value.numberValue! }, shares = drawn.map { $0[1].value.numberValue! }
        #expect(rates.allSatisfy { (0.001...1).contains($0) } && shares.allSatisfy { (0.5...1).contains($0) })
        for x in rates + shares { #expect(Double(String(format: "%.3g", x)) == x, "\(x) has more than three significant digits") }
        // Log scale: about a third of the rates in each decade; uniform: about half the shares above 0.75.
        let lowDecade = rates.filter { $0 < 0.01 }.count
        #expect((100...170).contains(lowDecade), "\(lowDecade) of 400 below 0.01")
        let upperHalf = shares.filter { $0 > 0.75 }.count
        #expect((160...240).contains(upperHalf), "\(upperHalf) of 400 above 0.75")
    }

    @Test func refusesWhatTheSettingDoesNotTake() {
        func refusal(_ dimension: SearchDimension) -> String? {
            do { _ = try SearchSpace([dimension], schema: tree, algorithm: "tree"); return nil } catch let error as LearningError { return error.message } catch { return "\(error)" }
        }
        #expect(refusal(SearchDimension(key: "depth", values: .list([.whole(1)])))?.contains("no setting 'depth'") == true)
        #expect(refusal(SearchDimension(key: "max_depth", values: .list([.whole(0), .whole(2)])))?.contains("out of range") == true)
        #expect(refusal(SearchDimension(key: "max_depth", values: .range(low: .whole(5), high: .whole(5))))?.contains("the low end comes first") == true)
        #expect(refusal(SearchDimension(key: "criterion", values: .range(low: .word("gini"), high: .word("entropy"))))?.contains("a range is for numbers") == true)
        #expect(refusal(SearchDimension(key: "max_depth", values: .list([.whole(2), .whole(2)])))?.contains("twice") == true)
    }

    /// Tuning's own keys must not shadow an algorithm's settings (knn's `metric` is told
    /// apart by its value, and `seed` is the run's, which seeds the algorithm).
    @Test func noAlgorithmSettingIsNamedLikeATuningOption() {
        for algorithm in AlgorithmRegistry.all {
            let clash = Set(algorithm.settings.keys).intersection(ArgumentCursor.tuneOptions).subtracting(["metric", "seed"])
            #expect(clash.isEmpty, "\(algorithm.name) declares \(clash)")
            if algorithm.settings.spec("metric") != nil, case .word(let words)? = algorithm.settings.spec("metric")?.forms.first {
                #expect(Set(words).isDisjoint(with: Metrics.allNames))
            }
        }
    }
}

/// `tune`: its plan, its scores, the model it keeps and what it records.
struct TuningTests {
    @Test func halvingKeepsAThirdAndTriplesTheRowsUntilEveryRow() {
        let rounds = Tuning.halvingRounds(candidates: 30, rows: 100_000, fewestRows: 30)
        #expect(rounds.map(\.candidates) == [30, 10, 4, 2])
        #expect(rounds.map(\.rows) == [3703, 11111, 33333, 100_000])
        // Too few rows for four rounds: fewer rounds, the last still on every row.
        let small = Tuning.halvingRounds(candidates: 9, rows: 120, fewestRows: 27)
        #expect(small.map(\.candidates) == [9, 3] && small.map(\.rows) == [40, 120])
        #expect(Tuning.halvingRounds(candidates: 1, rows: 50, fewestRows: 10).map(\.rows) == [50])
    }

    @Test func halvingSamplesAreNestedAndStratified() {
        let rows = Array(0..<400)
        let labels = rows.map { $0 % 4 == 0 ? 1 : 0 }
        let order = Tuning.stratifiedOrder(rows, labels: labels, seed: 5)
        #expect(order.sorted() == rows)
        for n in [40, 100, 250] {
            let positives = order.prefix(n).filter { $0 % 4 == 0 }.count
            #expect(abs(positives - n / 4) <= 1, "\(positives) of the first \(n) are class 1")
        }
    }

    static let iris = ["load datasets/iris.csv", "target species", "split 0.8 stratify seed=1"]

    /// Each trial's score is exactly what `cv` gives the same settings with the same seed,
    /// and the kept model is exactly what `train` gives the best settings.
    @Test func trialsScoreAsCvAndTheKeptModelIsTheTrainOfTheBest() throws {
        let session = Session(makeSeed: { 42 })
        try runAll(session, Self.iris + ["tune tree best max_depth=[1, 2, 3] criterion=entropy seed=7 cv=4"])
        guard case .tune(let recorded) = session.effective.last!.command else { Issue.record("not recorded as tune"); return }
        #expect(recorded.search == .grid && recorded.folds == 4 && recorded.metric == "accuracy" && recorded.seed == 7 && recorded.trials == nil)
        let tuned = try #require(session.workspace.model(named: "best"))
        #expect(tuned.lineage.last == "train tree best criterion=entropy max_depth=\(tuned.estimator.settings.whole("max_depth")!) min_samples_split=2 min_samples_leaf=1 max_features=none max_bins=auto seed=7")

        var scores: [Double] = []
        for depth in 1...3 {
            try runAll(session, ["train tree d\(depth) max_depth=\(depth) criterion=entropy seed=7"])
        }
        let fingerprint = try #require(try cvFingerprint(session, "cv 4 d1 d2 d3 seed=7"))
        for depth in 1...3 { scores.append(Double(fingerprint["d\(depth).accuracy"]!)!) }
        let bestDepth = scores.indices.max { scores[$0] < scores[$1] || (scores[$0] == scores[$1] && $0 > $1) }! + 1
        #expect(tuned.estimator.settings.whole("max_depth") == bestDepth)
        #expect(tuned.estimator.fingerprint == session.workspace.model(named: "d\(bestDepth)")!.estimator.fingerprint)
        let tuneFingerprint = session.recorded.first { if case .tune = $0.command { return true }; return false }!.fingerprint
        #expect(tuneFingerprint["accuracy"] == fingerprint["d\(bestDepth).accuracy"])
    }

    private func cvFingerprint(_ session: Session, _ line: String) throws -> [String: String]? {
        try runAll(session, [line])
        return Dictionary(session.recorded.last!.fingerprint.entries.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
    }

    /// A first Ctrl-C stops the search between trials and keeps the best so far; the line
    /// recorded names the trials that ran, and replaying it gives the same model.
    @Test func stoppingEarlyKeepsTheBestAndRecordsWhatRan() throws {
        final class StopAfter: ProgressDisplay, @unchecked Sendable {
            let trials: Int
            let flag = CancellationFlag()
            init(trials: Int) { self.trials = trials }
            func show(_ update: ProgressUpdate) { if update.unit.hasSuffix("trials"), update.count >= trials { flag.raise() } }
            func stepEnded() {}
        }
        let stopper = StopAfter(trials: 3)
        let session = Session(makeSeed: { 42 })
        try runAll(session, Self.iris)
        var context = EngineContext(progress: StepProgress(display: stopper))
        context.shouldStopEarly = { stopper.flag.isRaised }
        let command = try #require(try CommandParser.parse("tune knn k=1..40 weights=[uniform, distance] trials=10 seed=3"))
        let result = try Interpreter.apply(command, to: session.workspace, context: context)
        guard case .tune(let recorded) = result.recorded else { Issue.record("not a tune"); return }
        #expect(recorded.trials == 3 && recorded.search == .random)
        #expect(result.output.blocks.contains { if case .warning(let text) = $0 { return text.contains("stopped by Ctrl-C after 3 of 10 trials") }; return false })
        let kept = try #require(result.workspace.model(named: "knn_tuned"))

        let replay = try Interpreter.apply(result.recorded, to: session.workspace)
        #expect(replay.fingerprint == result.fingerprint)
        #expect(replay.workspace.model(named: "knn_tuned")!.estimator.fingerprint == kept.estimator.fingerprint)
        // Those three trials are the first three of the full run.
        let full = try Interpreter.apply(try #require(try CommandParser.parse("tune knn k=1..40 weights=[uniform, distance] trials=10 seed=3")), to: session.workspace)
        #expect(full.fingerprint["trials"] == "10")
    }

    /// Halving stopped in its first round has nothing comparable to keep: the step is
    /// interrupted and changes nothing.
    @Test func halvingStoppedInItsFirstRoundIsInterrupted() throws {
        let session = Session(makeSeed: { 42 })
        try runAll(session, Self.iris)
        var context = EngineContext()
        context.shouldStopEarly = { true }
        let command = try #require(try CommandParser.parse("tune logistic l2=0.01..100 search=halving trials=9 cv=3 seed=1"))
        #expect(throws: Interrupted.self) { try Interpreter.apply(command, to: session.workspace, context: context) }
    }

    /// Random and halving searches keep a model whose settings were among the candidates;
    /// the metric and its direction decide (log loss: lower).
    @Test func lowerIsBetterMetricsRankAscending() throws {
        let session = Session(makeSeed: { 42 })
        try runAll(session, Self.iris + ["tune logistic l2=[0.001, 1, 1000] metric=log_loss cv=3 seed=2"])
        let tuned = try #require(session.workspace.model(named: "logistic_tuned"))
        // A huge penalty predicts near-uniform probabilities: the worst log loss.
        #expect(tuned.estimator.settings.number("l2") != 1000)
        let entry = session.recorded.last!
        let losses = entry.fingerprint["log_loss"].flatMap(Double.init)
        #expect(losses != nil && losses! < 0.5)
    }

    @Test func aTuningRunReplaysWithVerifiedFingerprints() throws {
        let session = Session(makeSeed: { 11 })
        try runAll(session, ["load datasets/auto_mpg.csv", "filter mpg is not missing", "target mpg", "split 0.8 seed=2", "impute numeric with median", "drop name", "encode onehot origin",
                             "tune gbdt learning_rate=0.05..0.5 max_depth=[2, 3] rounds=20 search=halving trials=6 cv=3",
                             "tune forest trees=5 min_samples_leaf=[1, 5] max_features=[0.5, 1.0] metric=mae"])
        let script = session.recorded.map(\.line)
        let replay = StepLoop(session: Session(makeSeed: { 99 }))
        replay.verify = true
        for line in script {
            let outcome = replay.step(line)
            if case .verifyFailed(_, let difference) = outcome { Issue.record("\(line): \(difference)") }
            if case .failed(let diagnostic) = outcome { Issue.record("\(line): \(diagnostic.message)") }
        }
        #expect(replay.verified == script.count - 1)  // every step with a fingerprint
    }

    /// Nothing searched: the algorithm's default search, less what is fixed, spelled out in
    /// the journal so a later change of the defaults cannot change the replay.
    @Test func nothingSearchedUsesTheDefaultSearchAndRecordsIt() throws {
        let session = Session(makeSeed: { 42 })
        try runAll(session, Self.iris + ["tune tree trials=4 seed=2", "tune tree fixed max_depth=3 trials=4 seed=2"])
        let lines = session.recorded.map(\.text).filter { $0.hasPrefix("tune") }
        #expect(lines[0] == "tune tree tree_tuned max_depth=[3, 5, 8, 12, none] min_samples_leaf=[1, 5, 20, 50] criterion=[gini, entropy] cv=5 search=random trials=4 metric=accuracy seed=2")
        #expect(lines[1] == "tune tree fixed max_depth=3 min_samples_leaf=[1, 5, 20, 50] criterion=[gini, entropy] cv=5 search=random trials=4 metric=accuracy seed=2")
        #expect(session.workspace.model(named: "fixed")?.estimator.settings.whole("max_depth") == 3)
    }

    /// `train auto` keeps the best of every algorithm on its defaults and of the two it
    /// tuned, all scored on the same folds; the model is the `train` of its settings, and
    /// the recorded line replays to the same model.
    @Test func trainAutoKeepsTheBestOfEverythingItScored() throws {
        let session = Session(makeSeed: { 42 })
        try runAll(session, Self.iris + ["train auto cv=3 trials=6 seed=5"])
        let entry = try #require(session.recorded.last)
        #expect(entry.text == "train auto auto algorithms=[logistic, tree, forest, gbdt, knn, naive_bayes] cv=3 trials=6 metric=accuracy seed=5")
        let model = try #require(session.workspace.model(named: "auto"))
        let lineage = try #require(model.lineage.last)
        #expect(lineage.hasPrefix("train \(model.estimator.algorithm) auto "))
        // Its cv score is at least that of every algorithm on its defaults, with the same seed and folds.
        try runAll(session, ["cv 3 logistic tree forest gbdt knn seed=5"])
        let cv = session.recorded.last!.fingerprint
        let best = try #require(entry.fingerprint["accuracy"].flatMap(Double.init))
        for algorithm in ["logistic", "tree", "forest", "gbdt", "knn"] {
            #expect(best >= Double(cv["\(algorithm).accuracy"]!)!, "\(algorithm) scored more than the kept model")
        }
        // The model is exactly the train of its lineage.
        try runAll(session, [lineage.replacingOccurrences(of: " auto ", with: " again ")])
        #expect(session.workspace.model(named: "again")!.estimator.fingerprint == model.estimator.fingerprint)
        let replay = try Interpreter.apply(entry.command, to: Session(makeSeed: { 1 }).workspace.replaying(Self.iris))
        #expect(replay.fingerprint == entry.fingerprint)
    }
}

extension Workspace {
    /// This workspace after running `lines` (a test's setup).
    func replaying(_ lines: [String]) throws -> Workspace {
        var ws = self
        for line in lines { ws = try Interpreter.apply(try CommandParser.parse(line)!, to: ws).workspace }
        return ws
    }
}

/// `importance MODEL permutation`: what matters stands out, noise does not, and the
/// recorded seed gives the same figures again.
struct PermutationImportanceTests {
    @Test func theSignalStandsOutAndTheSeedRepeatsIt() throws {
        let session = Session(makeSeed: { 42 })
        try runAll(session, ["load datasets/iris.csv", "target species", "derive noise = (sepal_width * 7919 + sepal_length * 104729) % 13",
                             "split 0.8 stratify seed=1", "train logistic", "importance logistic permutation repeats=5"])
        let entry = try #require(session.recorded.last)
        #expect(entry.text == "importance logistic permutation repeats=5 metric=accuracy seed=42")
        let drop = { (feature: String) in Double(entry.fingerprint[feature]!)! }
        #expect(drop("petal_length") > 0.1 || drop("petal_width") > 0.1, "\(entry.fingerprint.text)")
        #expect(abs(drop("noise")) < 0.05, "\(entry.fingerprint.text)")
        let again = try Interpreter.apply(entry.command, to: session.workspace)
        #expect(again.fingerprint == entry.fingerprint)
    }
}
