import CommandLanguage
import Foundation
import Learning
import Tabular

/// `tune`: a search over an algorithm's settings, each candidate scored by k-fold
/// cross-validation with the recipe refitted in each fold (`CrossValidation`). Grid and
/// random search score every candidate on all the training rows; successive halving
/// scores them on a growing, nested, stratified share of the rows and keeps the best
/// third after each round. Everything is drawn from the recorded seed, and budgets count
/// trials, so a replay runs the same search.
enum Tuning {
    /// A settled search: the candidates in the order they are tried and the rounds they go through.
    struct Plan {
        var algorithm: Algorithm
        var method: SearchMethod
        var space: SearchSpace
        var candidates: [[(key: String, value: SettingValue)]]
        var folds: Int
        var metric: String
        var seed: UInt64
        /// Halving: the rows and the candidates kept in each round; otherwise one round of all.
        var rounds: [Round]
        /// Halving: how many of `rounds` to run (fewer when a run was stopped early).
        var roundsToRun: Int
    }

    struct Round {
        var rows: Int
        var candidates: Int
    }

    /// One candidate scored in one round.
    struct Trial {
        /// Its place in the candidate list, from 1.
        var number: Int
        var values: [(key: String, value: SettingValue)]
        var settings: Settings
        var round: Int
        var rows: Int
        /// Each metric's value per fold; nil when the fit failed.
        var scores: [(name: String, values: [Double])]?
        var failure: String?

        func mean(_ metric: String) -> Double? {
            guard let values = scores?.first(where: { $0.name == metric })?.values, !values.isEmpty else { return nil }
            return values.reduce(0, +) / Double(values.count)
        }

        func deviation(_ metric: String) -> Double? {
            guard let values = scores?.first(where: { $0.name == metric })?.values, let m = mean(metric) else { return nil }
            return (values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count)).squareRoot()
        }
    }

    struct Outcome {
        /// Every trial run, round by round.
        var trials: [Trial]
        /// The best trial of the last round run.
        var best: Trial
        /// Trials (grid, random) or rounds (halving) completed when stopped early; nil when it ran to the end.
        var stoppedAfter: Int?
    }

    /// The rounds of successive halving for `candidates` on `rows` training rows: each
    /// round keeps a third of the candidates (rounded up) and triples the rows, the last
    /// on every row; no round has fewer than `fewestRows`.
    static func halvingRounds(candidates: Int, rows: Int, fewestRows: Int) -> [Round] {
        var count = 1
        while pow(3, Double(count)) <= Double(candidates) { count += 1 }
        // Fewer rounds when the first would have too few rows.
        while count > 1, rows / Int(pow(3, Double(count - 1))) < fewestRows { count -= 1 }
        return (0..<count).map { r in
            let shrink = Int(pow(3, Double(count - 1 - r)))
            let kept = Int((Double(candidates) / pow(3, Double(r))).rounded(.up))
            return Round(rows: r == count - 1 ? rows : max(fewestRows, rows / shrink), candidates: max(1, kept))
        }
    }

    /// `rows` in a seeded order whose every prefix holds each class in its share of
    /// `labels` (all rows alike when nil): halving's nested samples are its prefixes.
    static func stratifiedOrder(_ rows: [Int], labels: [Int]?, seed: UInt64) -> [Int] {
        var generator = SeededGenerator(seed: seed)
        guard let labels else { return rows.shuffled(using: &generator) }
        var byLabel: [Int: [Int]] = [:]
        for (position, row) in rows.enumerated() { byLabel[labels[position], default: []].append(row) }
        var keyed: [(key: Double, label: Int, row: Int)] = []
        for label in byLabel.keys.sorted() {
            let members = byLabel[label]!.shuffled(using: &generator)
            for (i, row) in members.enumerated() { keyed.append(((Double(i) + 0.5) / Double(members.count), label, row)) }
        }
        keyed.sort { $0.key != $1.key ? $0.key < $1.key : $0.label < $1.label }
        return keyed.map(\.row)
    }

    /// Whether `a` ranks above `b` by the metric (failed trials last; ties keep their order).
    static func ranksAbove(_ a: Trial, _ b: Trial, metric: String) -> Bool {
        let x = a.mean(metric), y = b.mean(metric)
        switch (x, y) {
        case (nil, nil): return a.number < b.number
        case (nil, _): return false
        case (_, nil): return true
        case (let x?, let y?):
            if x.isNaN != y.isNaN { return y.isNaN }
            if x != y, !x.isNaN { return Metrics.higherIsBetter(metric) ? x > y : x < y }
            return a.number < b.number
        }
    }

    /// Runs the plan on the table's training rows.
    /// - Parameters:
    ///   - rows: the rows cross-validation deals (the training rows of a split).
    ///   - labels: the class index of each of `rows` (classification), for stratifying.
    /// - Throws: a `Diagnostic` when every candidate failed (the first one's reason) or the
    ///   recipe cannot be refitted; `CancelledOptimization` when cancelled, or when stopped
    ///   early before any trial (or, halving, any round) completed.
    /// - Parameter preparedFolds: the folds of all `rows` already prepared with the plan's
    ///   seed (a round on every row uses them rather than refitting the recipe again).
    static func run(_ plan: Plan, rows: [Int], labels: [Int]?, table: Table, _ ws: Workspace, context: EngineContext,
                    preparedFolds: [CrossValidation.PreparedFold]? = nil) throws -> Outcome {
        let stopping: @Sendable () -> Bool = { context.isCancelled() || context.shouldStopEarly() }
        let totalFits = plan.rounds.prefix(plan.roundsToRun).reduce(0) { $0 + $1.candidates } * plan.folds
        var fitsDone = 0
        var trials: [Trial] = []
        var best: Trial?
        let order = plan.method == .halving ? stratifiedOrder(rows, labels: labels, seed: plan.seed) : rows
        var survivors = Array(plan.candidates.indices)
        for (r, round) in plan.rounds.prefix(plan.roundsToRun).enumerated() {
            // The round's rows: a nested stratified sample (halving) or all of them.
            let sampled = round.rows >= rows.count ? rows : order.prefix(round.rows).sorted()
            let sampledLabels: [Int]? = labels.map { labels in
                let position = Dictionary(uniqueKeysWithValues: rows.enumerated().map { ($1, $0) })
                return sampled.map { labels[position[$0]!] }
            }
            let prepared: [CrossValidation.PreparedFold]
            if let preparedFolds, sampled.count == rows.count {
                prepared = preparedFolds
            } else {
                let folds = CrossValidation.folds(sampled, k: plan.folds, labels: sampledLabels, seed: plan.seed)
                prepared = try CrossValidation.prepare(folds, table: table, ws, algorithm: plan.algorithm, context: context)
            }
            var roundTrials: [Trial] = []
            best = nil
            for index in survivors.prefix(round.candidates) {
                if stopping() { return try stopped(trials: trials, roundTrials: roundTrials, round: r, plan: plan, best: best, context: context) }
                let values = plan.candidates[index]
                let settings = try Interpreter.learning {
                    try plan.algorithm.settings.resolve(plan.space.fixed + values, algorithm: plan.algorithm.name,
                                                        task: Training.task(of: plan.algorithm, ws), makeSeed: { plan.seed })
                }
                var trial = Trial(number: index + 1, values: values, settings: settings, round: r, rows: sampled.count)
                do {
                    let scores = try CrossValidation.score(.init(name: "", algorithm: plan.algorithm, settings: settings), on: prepared,
                                                           isCancelled: stopping) {
                        fitsDone += 1
                        report(plan, trialsDone: trials.count + roundTrials.count, fitsDone: fitsDone, totalFits: totalFits, best: best, context)
                    }
                    trial.scores = scores[0].indices.map { m in (scores[0][m].name, scores.map { $0[m].value }) }
                } catch is CancelledOptimization {
                    if context.isCancelled() { throw CancelledOptimization() }
                    return try stopped(trials: trials, roundTrials: roundTrials, round: r, plan: plan, best: best, context: context)
                } catch let diagnostic as Diagnostic {
                    trial.failure = diagnostic.message
                }
                roundTrials.append(trial)
                if best.map({ ranksAbove(trial, $0, metric: plan.metric) }) ?? true { best = trial }
                report(plan, trialsDone: trials.count + roundTrials.count, fitsDone: fitsDone, totalFits: totalFits, best: best, context)
            }
            trials += roundTrials
            // The next round goes on with the best third; the last round's best wins.
            let ranked = roundTrials.sorted { ranksAbove($0, $1, metric: plan.metric) }
            survivors = ranked.map { $0.number - 1 }
            best = ranked.first
        }
        return Outcome(trials: trials, best: try bestOrFailure(best, trials), stoppedAfter: nil)
    }

    /// The outcome of a run stopped early: the best of the trials completed (grid,
    /// random) or of the last round completed (halving).
    private static func stopped(trials: [Trial], roundTrials: [Trial], round: Int, plan: Plan, best: Trial?,
                                context: EngineContext) throws -> Outcome {
        if plan.method == .halving {
            // A round cut short is dropped: its trials saw other rows than a full round would.
            guard round > 0 else { throw CancelledOptimization() }
            let last = trials.filter { $0.round == round - 1 }.sorted { ranksAbove($0, $1, metric: plan.metric) }
            return Outcome(trials: trials, best: try bestOrFailure(last.first, trials), stoppedAfter: round)
        }
        let done = trials + roundTrials
        guard !done.isEmpty else { throw CancelledOptimization() }
        return Outcome(trials: done, best: try bestOrFailure(best, done), stoppedAfter: done.count)
    }

    /// The best trial, unless every trial failed: then the first failure, as an error.
    private static func bestOrFailure(_ best: Trial?, _ trials: [Trial]) throws -> Trial {
        guard let best, best.scores != nil else {
            let reason = trials.first?.failure ?? "no trial ran"
            throw Diagnostic(.dataError, "every trial failed; the first: \(reason)")
        }
        return best
    }

    private static func report(_ plan: Plan, trialsDone: Int, fitsDone: Int, totalFits: Int, best: Trial?, _ context: EngineContext) {
        guard let progress = context.progress else { return }
        let total = plan.rounds.prefix(plan.roundsToRun).reduce(0) { $0 + $1.candidates }
        let bestText = best?.mean(plan.metric).map { ", best \(plan.metric) \(NumberFormatting.significant($0, digits: 4))" } ?? ""
        progress.report(ProgressUpdate(task: "tuning \(plan.algorithm.name)\(bestText)", fraction: Double(fitsDone) / Double(max(1, totalFits)),
                                       count: trialsDone, unit: "of \(total) trials", estimatesTimeLeft: true))
    }
}
