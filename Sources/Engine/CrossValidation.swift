import CommandLanguage
import Learning
import Tabular

/// `cv K`: k-fold cross-validation of models (their algorithm and settings) or algorithms
/// (their defaults) on the current table's training rows. In each fold the whole recipe is
/// fitted again on the fold's training rows (`Workspace.refitRecipe`), so no step learns
/// from the rows that score it; the folds are stratified by class for classification and
/// dealt from a seeded shuffle, the seed recorded.
enum CrossValidation {
    /// One candidate: a name to show, the algorithm and the settings it fits with.
    struct Candidate {
        var name: String
        var algorithm: Algorithm
        var settings: Settings
    }

    /// Per candidate, each metric's value in each fold.
    struct Result {
        var candidate: Candidate
        var metrics: [(name: String, values: [Double])]
    }

    /// The rows cross-validation uses: the training rows of a split into rows, else every row.
    static func rows(of table: Table, _ ws: Workspace) -> [Int] {
        ws.splits[table.name]?.trainingRows ?? Array(0..<table.rowCount)
    }

    /// `rows` dealt into `k` folds: shuffled with the seed, each class dealt on in turn
    /// (stratified) when `labels` are given.
    static func folds(_ rows: [Int], k: Int, labels: [Int]?, seed: UInt64) -> [[Int]] {
        var generator = SeededGenerator(seed: seed)
        var groups: [[Int]]
        if let labels {
            var byLabel: [Int: [Int]] = [:]
            for (position, row) in rows.enumerated() { byLabel[labels[position], default: []].append(row) }
            groups = byLabel.keys.sorted().map { byLabel[$0]! }
        } else {
            groups = [rows]
        }
        var folds = [[Int]](repeating: [], count: k)
        var dealt = 0
        for group in groups {
            for row in group.shuffled(using: &generator) { folds[dealt % k].append(row); dealt += 1 }
        }
        return folds.map { $0.sorted() }
    }

    /// Fits and scores every candidate in every fold.
    /// - Throws: a `Diagnostic` from refitting the recipe or fitting; `CancelledOptimization`
    ///   when cancelled.
    static func run(_ candidates: [Candidate], folds: [[Int]], table: Table, _ ws: Workspace, context: EngineContext) throws -> [Result] {
        guard let target = ws.target else { throw Diagnostic(.notReady, "cross-validation scores predictions of a target, and none is chosen") }
        var results = candidates.map { Result(candidate: $0, metrics: []) }
        for (k, held) in folds.enumerated() {
            if context.isCancelled() { throw CancelledOptimization() }
            context.progress?.report(ProgressUpdate(task: "cross-validating", fraction: Double(k) / Double(folds.count), count: k,
                                                    unit: "of \(folds.count) folds done"))
            let training = folds.indices.filter { $0 != k }.flatMap { folds[$0] }.sorted()
            // The recipe refitted on this fold's training rows, applied to every row.
            let refitted: (fitted: FittedRecipe, table: Table)?
            do { refitted = try Interpreter.learning({ try ws.refitRecipe(of: table.name, rows: training) }) } catch let error as Diagnostic {
                // A step names the columns its command resolved when it ran; a learned
                // selection before it may keep other columns in a fold.
                let selects = (ws.recipes[table.name]?.steps ?? []).contains { $0.as(SelectionStep.self).map { $0.isLearned } ?? false }
                throw Diagnostic(.dataError, "fold \(k + 1) of \(folds.count): the recipe could not be fitted again on the fold's rows: \(error.message)",
                                 help: selects ? "a learned selection (select variance, correlated or best) can keep other columns in a fold than on all the training rows; a later step that needs one it dropped (interact, poly, cast, …) cannot be fitted: make the selections the recipe's last steps" : error.help)
            }
            guard let (_, prepared) = refitted else {
                throw Diagnostic(.notReady, "'\(table.name)' was not loaded from a source, so its recipe cannot be fitted again")
            }
            for (c, candidate) in candidates.enumerated() {
                let problem = try Training.problem(for: candidate.algorithm, ws, table: prepared)
                let fit = try Training.fit(candidate.algorithm, settings: candidate.settings, on: problem, rows: training, isCancelled: context.isCancelled)
                let truth = try Training.labelled(prepared, rows: held, features: problem.featureNames, target: target, classes: problem.classes)
                let scores = ModelMetrics.of(task: target.task, classCount: problem.classes.count, truth: truth,
                                             prediction: fit.model.predict(truth.x))
                if results[c].metrics.isEmpty { results[c].metrics = scores.map { ($0.name, []) } }
                for (m, score) in scores.enumerated() { results[c].metrics[m].values.append(score.value) }
            }
        }
        return results
    }
}
