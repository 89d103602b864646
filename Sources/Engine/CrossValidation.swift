import CommandLanguage
import Foundation
import Learning
import Tabular

/// `cv K`: k-fold cross-validation of models (their algorithm and settings) or algorithms
/// (their defaults) on the current table's training rows. In each fold the whole recipe is
/// fitted again on the fold's training rows (`Workspace.refitRecipe`), so no step learns
/// from the rows that score it; the folds are stratified by class for classification and
/// dealt from a seeded shuffle, the seed recorded. A clustering is scored as `evaluate`
/// scores it on a test set: the held-out rows' silhouette and inertia under the clusters the
/// fold's model assigns them.
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

    /// The rows cross-validation uses and, for classes, their labels (which stratify the
    /// folds); with `k`, refuses fewer than two rows a fold.
    /// - Parameter fewer: the help that says how to ask for fewer folds.
    /// - Parameter target: nil for a clustering (its folds are not stratified).
    static func labelledRows(of table: Table, _ ws: Workspace, target: Target?, folds k: Int?, fewer: String) throws -> (rows: [Int], labels: [Int]?) {
        let rows = rows(of: table, ws)
        if let k, rows.count < 2 * k {
            throw Diagnostic(.dataError, "\(Plural.count(rows.count, "training row")) are too few for \(k) folds", help: fewer)
        }
        guard let target, target.task == .classification, let column = table.column(named: target.column) else { return (rows, nil) }
        return (rows, try Training.classIndices(table, rows: rows, target: target, classes: ClassLabels.from(column).labels))
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

    /// One fold ready to fit and score: the recipe fitted again on its training rows and
    /// applied to every row, the learning problem read from that, and its held-out rows.
    struct PreparedFold {
        var training: [Int]
        var problem: Training.Problem
        var truth: LabelledMatrix
        /// The class a two-class target's precision, recall and f1 are of.
        var positive: Int
        /// What the fold's models do: the target's task, or clustering.
        var task: Task
        /// What fits on the fold's rows keep for the next (a search's trials share it).
        let cache = FitCache()
    }

    /// Refits the recipe for each fold (each fold in turn held out).
    /// - Parameter algorithm: checked against the target's task (any candidate's will do;
    ///   the problem does not depend on it otherwise).
    /// - Throws: a `Diagnostic` naming the fold whose recipe could not be fitted.
    static func prepare(_ folds: [[Int]], table: Table, _ ws: Workspace, algorithm: Algorithm, context: EngineContext) throws -> [PreparedFold] {
        // A clustering leaves any target out and is scored on the features alone.
        let target = Training.target(for: algorithm, ws)
        guard let task = Training.task(of: algorithm, ws) else {
            throw Diagnostic(.notReady, "cross-validation scores predictions of a target, and none is chosen",
                             help: "choose the column to predict first: target COLUMN")
        }
        var prepared: [PreparedFold] = []
        for (k, held) in folds.enumerated() {
            if context.isCancelled() { throw CancelledOptimization() }
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
            guard let (fitted, table) = refitted else {
                throw Diagnostic(.notReady, "'\(table.name)' was not loaded from a source, so its recipe cannot be fitted again")
            }
            let problem = try Training.problem(for: algorithm, ws, table: table, recipe: fitted)
            let truth = try Training.labelled(table, rows: held, features: problem.featureNames, target: target, classes: problem.classes)
            let positive = target?.positive.flatMap { problem.classes.firstIndex(of: $0) } ?? 1
            prepared.append(PreparedFold(training: training, problem: problem, truth: truth, positive: positive, task: task))
        }
        return prepared
    }

    /// Each fold's metrics for one candidate, in fold order. The folds are fitted side by
    /// side, each with its share of the cores as its thread budget, so XGBoost's threads
    /// do not oversubscribe them; results do not depend on how they were scheduled.
    /// - Parameter fitted: called (from any thread) as each fold's fit is scored.
    /// - Throws: the first fold's (in fold order) `Diagnostic`; `CancelledOptimization`.
    static func score(_ candidate: Candidate, on folds: [PreparedFold], isCancelled: @escaping @Sendable () -> Bool,
                      fitted: () -> Void = {}) throws -> [[(name: String, value: Double)]] {
        try eachFold(candidate, on: folds, isCancelled: isCancelled, fitted: fitted) { fold, prediction in
            ModelMetrics.of(task: fold.task, classCount: fold.problem.classes.count, truth: fold.truth, prediction: prediction,
                            positive: fold.positive)
        }
    }

    /// Each fold's prediction for its held-out rows (out-of-fold predictions), in fold order.
    static func predictions(_ candidate: Candidate, on folds: [PreparedFold], isCancelled: @escaping @Sendable () -> Bool,
                            fitted: () -> Void = {}) throws -> [Prediction] {
        try eachFold(candidate, on: folds, isCancelled: isCancelled, fitted: fitted) { _, prediction in prediction }
    }

    /// Fits the candidate in every fold side by side and hands `use` each fold's
    /// prediction for its held-out rows.
    private static func eachFold<T>(_ candidate: Candidate, on folds: [PreparedFold], isCancelled: @escaping @Sendable () -> Bool,
                                    fitted: () -> Void, _ use: (PreparedFold, Prediction) -> T) throws -> [T] {
        let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)
        let threads = max(1, cores / max(1, min(folds.count, cores)))
        let lock = NSLock()
        let outcomes = Parallel.map(folds.count) { k -> Swift.Result<T, Error> in
            let fold = folds[k]
            let outcome = Swift.Result { () throws -> T in
                if isCancelled() { throw CancelledOptimization() }
                let fit = try Training.fit(candidate.algorithm, settings: candidate.settings, on: fold.problem, rows: fold.training,
                                           isCancelled: isCancelled, threads: threads, cache: fold.cache)
                return use(fold, fit.model.predict(fold.truth.x))
            }
            lock.withLock { fitted() }
            return outcome
        }
        // A cancellation anywhere wins over another fold's error: the user asked to stop.
        if outcomes.contains(where: { if case .failure(let error) = $0 { return error is CancelledOptimization }; return false }) {
            throw CancelledOptimization()
        }
        return try outcomes.map { try $0.get() }
    }

    /// Fits and scores every candidate in every fold.
    /// - Throws: a `Diagnostic` from refitting the recipe or fitting; `CancelledOptimization`
    ///   when cancelled.
    static func run(_ candidates: [Candidate], folds: [[Int]], table: Table, _ ws: Workspace, context: EngineContext) throws -> [Result] {
        guard let first = candidates.first else { return [] }
        let prepared = try prepare(folds, table: table, ws, algorithm: first.algorithm, context: context)
        let total = candidates.count * folds.count
        var done = 0
        return try candidates.map { candidate in
            let scores = try score(candidate, on: prepared, isCancelled: context.isCancelled) {
                done += 1
                context.progress?.report(ProgressUpdate(task: "cross-validating", fraction: Double(done) / Double(total), count: done,
                                                        unit: "of \(total) fits done"))
            }
            return Result(candidate: candidate, metrics: scores[0].indices.map { m in (scores[0][m].name, scores.map { $0[m].value }) })
        }
    }
}
