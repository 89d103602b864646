import CommandLanguage
import Foundation
import Learning
import Scoring
import Tabular

/// What running one command produced.
public struct StepResult: Sendable {
    public var workspace: Workspace
    public var output: Output
    /// The normalised command to record, with implicit values made explicit.
    public var recorded: Command
    /// Facts a replay must reproduce (row counts, data hashes, metrics).
    public var fingerprint: Fingerprint
}

/// Inputs to a command besides the workspace.
public struct EngineContext: Sendable {
    /// Polled by long operations; true means the user pressed Ctrl-C.
    public var isCancelled: @Sendable () -> Bool
    /// Polled by a step that keeps its work on Ctrl-C (`CommandSpec.keepsWorkOnInterrupt`):
    /// true means stop early and keep what is done (a tuning run's best so far).
    public var shouldStopEarly: @Sendable () -> Bool
    /// The recorded steps that made the current workspace (undone steps removed).
    public var effectiveScript: [JournalEntry]
    /// Fresh seeds for splits and models that do not name one.
    public var makeSeed: @Sendable () -> UInt64
    /// Where relative input paths start (a pipeline's folder under `mlw run`); nil: the
    /// current directory.
    public var baseDirectory: String?
    /// Where long steps report how far they have got (nil: nowhere).
    public var progress: StepProgress?

    public init(isCancelled: @escaping @Sendable () -> Bool = { false }, shouldStopEarly: @escaping @Sendable () -> Bool = { false },
                effectiveScript: [JournalEntry] = [],
                makeSeed: @escaping @Sendable () -> UInt64 = { UInt64.random(in: 0..<1_000_000) },
                baseDirectory: String? = nil, progress: StepProgress? = nil) {
        self.isCancelled = isCancelled
        self.shouldStopEarly = shouldStopEarly
        self.effectiveScript = effectiveScript
        self.makeSeed = makeSeed
        self.baseDirectory = baseDirectory
        self.progress = progress
    }

    /// The file a path names: relative paths start at `baseDirectory` when there is one.
    public func resolve(_ path: String) -> String {
        baseDirectory.map { FilePaths.absolute(path, from: $0) } ?? FilePaths.expandingTilde(path)
    }
}

/// A bug: a failure no diagnostic was written for. It is not the user's mistake, so it is
/// worded to be reported (`internal error: … (please report it)`) and ends a script with 70.
public struct InternalError: Error, Sendable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    /// Any error that reached the top without a diagnostic.
    public init(wrapping error: Error) {
        self.message = "\(type(of: error)): \(error)"
    }

    public var description: String { "internal error: \(message) (please report it)" }

    /// EX_SOFTWARE.
    public static let exitStatus: Int32 = 70
}

/// The state of one step while its handler runs: the workspace being changed, what to
/// show, the command to record and the facts to fingerprint.
struct Step {
    var ws: Workspace
    var output = Output()
    var recorded: Command
    var fingerprint = Fingerprint()
}

/// Executes commands: `apply(command, to: workspace)` returns a new workspace and what
/// to show, or throws a `Diagnostic` and changes nothing. Takes no terminal. The handlers
/// live beside their commands' stage (`Interpreter+Prepare.swift` for `Commands/Prepare.swift`).
public enum Interpreter {
    /// Runs one command against a workspace.
    /// - Returns: the new workspace, what to show, the normalised command and its fingerprint.
    /// - Throws: `Diagnostic` for the user's mistakes (nothing changes), `Interrupted` on
    ///   Ctrl-C, `InternalError` for a command the session should have handled.
    public static func apply(_ command: Command, to workspace: Workspace, context: EngineContext = EngineContext()) throws -> StepResult {
        var step = Step(ws: workspace, recorded: command)
        do {
            switch command {
            // data
            case .load(let path, let name, let separator, let missing, nil): try load(path, name: name, separator: separator, missing: missing, &step, context)
            case .load(let path, let name, _, _, let selection?): try loadSQLite(path, selection, name: name, &step, context)
            case .tables: try tables(&step)
            case .use(let name): try use(name, &step)
            // explore
            case .head(let view): try show(view, fromEnd: false, &step)
            case .tail(let view): try show(view, fromEnd: true, &step)
            case .schema: try schema(&step)
            case .describe(let names): try describe(names, &step)
            case .counts(let name, let top, let condition): try counts(name, top: top, where: condition, &step)
            case .hist(let name, let bins, let condition): try hist(name, bins: bins, where: condition, &step)
            case .corr(let method, let names): try corr(method, names, &step)
            case .missing(let names): try missing(names, &step)
            case .relations(let names): try relations(names, &step)
            case .profile(let name): try profile(name, &step)
            case .bar(let name, let aggregate, let top, let condition): try bar(name, aggregate, top: top, where: condition, &step)
            case .box(let names, let by, let condition): try box(names, by: by, where: condition, &step)
            case .scatter(let x, let y, let by, let condition): try scatter(x, y, by: by, where: condition, &step)
            case .outliers(let selector, let method): try outliers(selector, method, &step)
            case .group(let keys, let aggregates): try group(keys, aggregates, &step)
            case .crosstab(let rows, let columns): try crosstab(rows, columns, &step)
            // clean
            case .filter(let expression): try filter(expression, &step)
            case .dropna(let names): try dropna(names, &step)
            case .dedupe(let names): try dedupe(names, &step)
            case .sort(let keys): try sort(keys, &step)
            case .sample(let size, let seed): try sample(size, seed: seed, &step, context)
            case .drop(let names): try drop(names, &step)
            case .select(let names): try select(names, &step)
            case .selectFeatures(let rule): try selectFeatures(rule, &step)
            case .join(let other, let keys, let kind): try join(other, on: keys, kind, &step)
            case .append(let other): try append(other, &step)
            case .rename(let from, let to): try rename(from, to: to, &step)
            case .cast(let names, let type): try cast(names, to: type, &step)
            case .replace(let from, let to, let names): try replace(from, with: to, in: names, &step)
            case .clip(let names, let bounds): try clip(names, bounds, &step)
            // prepare
            case .derive(let name, let expression): try derive(name, expression, &step)
            case .impute(let selector, let strategy, let indicator): try impute(selector, strategy, indicator: indicator, &step)
            case .prepare(let verb, let method, let selector, let settings): try prepareColumns(verb, method, selector, settings, &step, context)
            case .recipe: try recipe(&step)
            case .features: try features(&step)
            // problem
            case .target(let name, let task, let positive): try target(name, task, positive: positive, &step)
            case .goal(let metric, let comparison, let threshold): try goal(metric, comparison, threshold, &step)
            case .split(let fraction, let stratify, let seed): try split(fraction, stratify: stratify, seed: seed, &step, context)
            case .splitTestTable(let testName): try splitTestTable(testName, &step)
            // model
            case .train(let algorithm, let name, let settings): try train(algorithm, name, settings, &step, context)
            case .evaluate(let models, let byClass): try evaluate(models, byClass: byClass, &step)
            case .crossValidate(let folds, let names, let seed): try crossValidate(folds, names, seed, &step, context)
            case .tune(let request): try tune(request, &step, context)
            case .trainAuto(let name, let algorithms, let folds, let trials, let metric, let seed):
                try trainAuto(name, algorithms: algorithms, folds: folds, trials: trials, metric: metric, seed: seed, &step, context)
            case .saveMetrics(let path): try saveMetrics(path, &step)
            case .saveTable(let name, let path): try saveTable(name, to: path, &step)
            case .rules(let model): try rules(model, &step)
            case .confusion(let model): try confusion(model, &step)
            case .roc(let models): try roc(models, &step)
            case .precisionRecall(let models): try precisionRecall(models, &step)
            case .calibration(let model, let bins): try calibration(model, bins: bins ?? 10, &step)
            case .residuals(let model): try residuals(model, &step)
            case .elbow(let low, let high, let seed): try elbow(low...high, seed: seed, &step, context)
            case .explain(let model, let row, let className): try explain(model, row: row, className: className, &step)
            case .show(let model): try show(model, &step)
            case .leaderboard(let sort): try leaderboard(sort, &step)
            case .importance(let model, nil): try importance(model, &step)
            case .importance(let model, let permutation?): try permutationImportance(model, permutation, &step, context)
            case .threshold(let model, let choice): try threshold(model, choice, &step, context)
            // deploy
            case .predict(let model, let table, let path): try predict(model, on: table, to: path, &step)
            case .exportModel(let model, let path, let force): try exportModel(model, to: path, force: force, &step)
            case .exportPipeline(let model, let path): try exportPipeline(model, to: path, &step, context)
            // session
            case .param(let name, let value):
                step.ws.parameters[name] = value
                step.output.blocks.append(.success("param \(name) = \"\(value)\""))
            case .help, .history, .undo, .quit:
                throw InternalError("'\(command.verb)' is a session command; the session runs it, not the engine")
            }
        } catch is CancelledOptimization {
            throw Interrupted()
        }
        if command.spec.fingerprintsData, let table = step.ws.currentTable {
            step.fingerprint.add("rows", "\(table.rowCount)")
            step.fingerprint.add("cols", "\(table.columns.count)")
            step.fingerprint.add("data", table.contentHash)
        }
        return StepResult(workspace: step.ws, output: step.output, recorded: step.recorded, fingerprint: step.fingerprint)
    }

    // MARK: - Helpers

    static func currentTable(_ ws: Workspace) throws -> Table {
        guard let table = ws.currentTable else {
            throw Diagnostic(.notReady, "no table loaded", help: "load one first, e.g. 'load datasets/iris.csv'")
        }
        return table
    }

    /// The table of that name, or the current one when no name is given.
    static func tableNamed(_ name: String?, or ws: Workspace) throws -> Table {
        guard let name else { return try currentTable(ws) }
        guard let table = ws.table(named: name) else { throw noSuchTable(name, ws) }
        return table
    }

    static func noSuchTable(_ name: String, _ ws: Workspace) -> Diagnostic {
        Diagnostic(.noSuchTable, "no table '\(name)'",
                   help: Suggestions.didYouMean(name, among: ws.tables.map(\.name))
                    ?? (ws.tables.isEmpty ? "no tables are loaded" : "tables: " + ws.tables.map(\.name).joined(separator: ", ")))
    }

    static func noSuchColumn(_ name: String, _ table: Table) -> Diagnostic {
        Diagnostic(.noSuchColumn, "no column '\(name)' in '\(table.name)'", help: Suggestions.didYouMean(name, among: table.columnNames))
    }

    /// The named columns of `table`, or all of them when no names are given.
    /// - Throws: `noSuchColumn` for the first name that is not a column.
    static func columns(_ names: [String], of table: Table) throws -> [Column] {
        if names.isEmpty { return table.columns }
        return try names.map { name in
            guard let column = table.column(named: name) else { throw noSuchColumn(name, table) }
            return column
        }
    }

    static func noSuchModel(_ name: String, _ ws: Workspace) -> Diagnostic {
        Diagnostic(.noSuchModel, "no model '\(name)'",
                   help: Suggestions.didYouMean(name, among: ws.models.map(\.name))
                    ?? (ws.models.isEmpty ? trainFirst(ws) : "models: " + ws.models.map(\.name).joined(separator: ", ")))
    }

    static func model(named name: String, _ ws: Workspace) throws -> TrainedModel {
        guard let model = ws.model(named: name) else { throw noSuchModel(name, ws) }
        return model
    }

    /// Help for a step that needs a model: an algorithm that fits the chosen target's task.
    static func trainFirst(_ ws: Workspace) -> String {
        let algorithm = AlgorithmRegistry.solving(ws.target?.task ?? .classification).first?.name ?? "logistic"
        return "train one first, e.g. 'train \(algorithm)'"
    }

    static func evaluate(_ expression: Tabular.Expression, on table: Table) throws -> ColumnData {
        do { return try ExpressionEvaluator(table: table).evaluate(expression) } catch let error as ExpressionError {
            throw Diagnostic(error)
        }
    }

    /// Runs a learning step, turning its errors into diagnostics.
    static func learning<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as LearningError {
            throw Diagnostic(.dataError, error.message, help: error.help)
        } catch let error as PreparationError {
            throw Diagnostic(.dataError, error.description)
        } catch let error as ExpressionError {
            throw Diagnostic(error)
        }
    }

    static func writeFile(_ text: String, to path: String) throws {
        try writeFile(to: path) { try text.write(toFile: path, atomically: true, encoding: .utf8) }
    }

    /// Runs `write` after creating the file's folder; any failure becomes a diagnostic.
    static func writeFile(to path: String, _ write: () throws -> Void) throws {
        do {
            try FilePaths.createParentDirectory(of: path)
            try write()
        } catch {
            throw Diagnostic(.cannotWrite, "cannot write '\(path)': \(error.localizedDescription)")
        }
    }
}
