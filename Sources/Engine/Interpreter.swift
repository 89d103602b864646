import CommandLanguage
import Foundation
import Learning
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
    /// The recorded steps that made the current workspace (undone steps removed).
    public var effectiveScript: [JournalEntry]
    /// Fresh seeds for splits that do not name one.
    public var makeSeed: @Sendable () -> UInt64
    /// Where relative input paths start (a pipeline's folder under `mlw run`); nil: the
    /// current directory.
    public var baseDirectory: String?

    public init(isCancelled: @escaping @Sendable () -> Bool = { false }, effectiveScript: [JournalEntry] = [],
                makeSeed: @escaping @Sendable () -> UInt64 = { UInt64.random(in: 0..<1_000_000) },
                baseDirectory: String? = nil) {
        self.isCancelled = isCancelled
        self.effectiveScript = effectiveScript
        self.makeSeed = makeSeed
        self.baseDirectory = baseDirectory
    }

    /// The file a path names: relative paths start at `baseDirectory` when there is one.
    public func resolve(_ path: String) -> String {
        baseDirectory.map { FilePaths.absolute(path, from: $0) } ?? FilePaths.expandingTilde(path)
    }
}

/// Executes commands: `apply(command, to: workspace)` returns a new workspace and what
/// to show, or throws a `Diagnostic` and changes nothing. Takes no terminal.
public enum Interpreter {
    /// Runs one command against a workspace.
    /// - Returns: the new workspace, what to show, the normalised command and its fingerprint.
    /// - Throws: `Diagnostic` for the user's mistakes (nothing changes), `Interrupted` on Ctrl-C.
    public static func apply(_ command: Command, to workspace: Workspace, context: EngineContext = EngineContext()) throws -> StepResult {
        var ws = workspace
        var output = Output()
        var recorded = command
        var fingerprint = Fingerprint()
        do {
            switch command {
            case .load(let path, let name, let separator):
                recorded = try load(path, name: name, separator: separator, &ws, &output, &fingerprint, context)
            case .tables:
                guard !ws.tables.isEmpty else { return noChange(ws, .text("no tables yet: load one with 'load PATH'"), command) }
                let rows = ws.tables.map { table -> [String] in
                    [(table.name == ws.current ? "* " : "  ") + table.name, "\(table.rowCount)", "\(table.columns.count)",
                     ws.sources[table.name]?.path ?? ""]
                }
                output.blocks.append(.table(TextTable(headers: ["table", "rows", "columns", "source"], rows: rows,
                                                      rightAligned: [false, true, true, false])))
                return StepResult(workspace: ws, output: output, recorded: command, fingerprint: fingerprint)

            case .use(let name):
                guard ws.table(named: name) != nil else { throw noSuchTable(name, ws) }
                ws.current = name
                output.blocks.append(.success("using \(tableSummary(ws.table(named: name)!))"))

            case .head(let count):
                let table = try currentTable(ws)
                output.blocks.append(.table(Rendering.rows(of: table, limit: count, target: ws.target?.column)))
                if table.rowCount > count { output.blocks.append(.note("\(count) of \(table.rowCount) rows")) }
                return StepResult(workspace: ws, output: output, recorded: command, fingerprint: fingerprint)

            case .schema:
                let table = try currentTable(ws)
                output.blocks.append(.table(Rendering.schema(of: table, target: ws.target?.column, split: ws.splits[table.name])))
                return StepResult(workspace: ws, output: output, recorded: command, fingerprint: fingerprint)

            case .describe(let names):
                let table = try currentTable(ws)
                for name in names where table.column(named: name) == nil { throw noSuchColumn(name, table) }
                output.blocks += Rendering.describe(table, columns: names.isEmpty ? table.columnNames : names)
                return StepResult(workspace: ws, output: output, recorded: command, fingerprint: fingerprint)

            case .derive(let name, let expression):
                var table = try currentTable(ws)
                let values = try evaluate(expression, on: table)
                let replaced = table.column(named: name) != nil
                if name == ws.target?.column {
                    throw Diagnostic(.badValue, "'\(name)' is the target; derive a new column instead")
                }
                table.setColumn(Column(name: name, data: values))
                ws.store(table)
                ws.preparations[table.name, default: []].append(.derive(name: name, expression: expression.description))
                let column = table.column(named: name)!
                output.blocks.append(.success("\(replaced ? "replaced" : "added") \(name) (\(column.type.rawValue), \(column.missingCount) missing)"))
                if case .number(let values) = column.data {
                    let infinite = values.reduce(0) { $0 + ($1.isInfinite ? 1 : 0) }
                    if infinite > 0 {
                        output.blocks.append(.warning("\(Plural.count(infinite, "value")) of \(name) \(infinite == 1 ? "is" : "are") infinite (from dividing by zero, or overflow); train refuses infinite features"))
                    }
                }

            case .filter(let expression):
                let table = try currentTable(ws)
                let kept: [Int]
                do { kept = try ExpressionEvaluator(table: table).matchingRows(expression) } catch let error as ExpressionError {
                    throw Diagnostic(.badExpression, error.message, at: error.range, help: error.help)
                }
                ws.store(table.gathering(kept))
                if case .rows(let isTest) = ws.splits[table.name] {
                    ws.splits[table.name] = .rows(isTest: kept.map { isTest[$0] })
                }
                output.blocks.append(.success("kept \(kept.count) of \(Plural.count(table.rowCount, "row")) (\(table.rowCount - kept.count) dropped)"))

            case .drop(let names):
                var table = try currentTable(ws)
                for name in names where table.column(named: name) == nil { throw noSuchColumn(name, table) }
                if let target = ws.target?.column, names.contains(target) {
                    throw Diagnostic(.badValue, "'\(target)' is the target", help: "choose another target first with 'target COLUMN'")
                }
                table.removeColumns(named: Set(names))
                ws.store(table)
                ws.preparations[table.name, default: []].append(.drop(columns: names))
                output.blocks.append(.success("dropped \(names.joined(separator: ", ")); \(Plural.count(table.columns.count, "column")) left"))

            case .impute(let selector, let strategy):
                try impute(selector, strategy, &ws, &output)
            case .encodeOneHot(let selector):
                try encodeOneHot(selector, &ws, &output)
            case .scaleStandard(let selector):
                try scaleStandard(selector, &ws, &output)
            case .target(let name, let task):
                let table = try currentTable(ws)
                guard let column = table.column(named: name) else {
                    let encoded = (ws.preparations[table.name] ?? []).contains { if case .oneHot(let e) = $0 { return e.column == name }; return false }
                    if encoded {
                        throw Diagnostic(.noSuchColumn, "'\(name)' was one-hot encoded, so it is no longer a column",
                                         help: "run 'undo' back to before 'encode', set the target first, then encode: the target is never encoded")
                    }
                    throw noSuchColumn(name, table)
                }
                let (chosen, explanation, classCount) = try targetTask(column, requested: task)
                ws.target = Target(column: name, task: chosen)
                recorded = .target(column: name, task: chosen)
                output.blocks.append(.success("target \(name): \(chosen.rawValue)" + explanation))
                if chosen == .classification, let warning = identifierWarning(column, classes: classCount) { output.blocks.append(.warning(warning)) }

            case .goal(let metric, let comparison, let threshold):
                guard let target = ws.target else {
                    throw Diagnostic(.notReady, "a goal belongs to a target, and none is chosen",
                                     help: "choose the column to predict first: target COLUMN")
                }
                let task = target.task
                if !Metrics.names(for: task).contains(metric) {
                    throw Diagnostic(.badValue, "'\(metric)' is not a \(task.rawValue) metric",
                                     help: "\(task.rawValue) metrics: " + Metrics.names(for: task).joined(separator: ", "))
                }
                if Metrics.higherIsBetter(metric) != (comparison == .atLeast) {
                    output.blocks.append(.warning("\(metric) is better when \(Metrics.higherIsBetter(metric) ? "higher" : "lower"); this goal asks for \(comparison == .atLeast ? "at least" : "at most") \(NumberFormatting.shortest(threshold))"))
                }
                let goal = Goal(metric: metric, comparison: comparison, threshold: threshold)
                ws.goals[target.column] = goal
                output.blocks.append(.success("goal for \(target.column): \(goal.text)"))

            case .split(let fraction, let stratify, let requestedSeed):
                recorded = try split(fraction, stratify: stratify, seed: requestedSeed, &ws, &output, &fingerprint, context)
            case .splitTestTable(let testName):
                let table = try currentTable(ws)
                guard let test = ws.table(named: testName) else { throw noSuchTable(testName, ws) }
                guard testName != table.name else { throw Diagnostic(.badValue, "the test table must differ from the current table") }
                guard (ws.preparations[testName] ?? []).isEmpty else {
                    throw Diagnostic(.badValue, "'\(testName)' has been changed since it was loaded",
                                     help: "the test table must be as loaded: the training table's preparation is applied to it")
                }
                ws.splits[table.name] = .table(testName)
                output.blocks.append(.success("split \(table.name): all \(Plural.count(table.rowCount, "row")) train; \(testName) (\(Plural.count(test.rowCount, "row"))) is the test set"))

            case .train(let algorithmName, let requestedName, let settings):
                let trained = try Training.train(algorithm: algorithmName, name: requestedName, settings: settings, workspace: ws, context: context)
                ws.models.append(trained.model)
                recorded = trained.recorded
                fingerprint.add("rows", "\(trained.model.trainingRows)")
                fingerprint.add("features", "\(trained.model.features.count)")
                fingerprint.add("model", trained.hash)
                output.blocks += trained.output

            case .evaluate:
                let evaluation = try Evaluating.evaluate(ws)
                ws.evaluation = evaluation.evaluation
                for row in evaluation.evaluation.rows {
                    for metric in row.metrics { fingerprint.add("\(row.model).\(metric.name)", Fingerprint.format(metric.value)) }
                }
                output.blocks += evaluation.output

            case .saveMetrics(let argument):
                let path = try argument.resolved(in: ws.parameters)
                guard let evaluation = ws.evaluation else {
                    throw Diagnostic(.notReady, "there are no metrics yet", help: "run 'evaluate' first")
                }
                try writeFile(MetricsJSON.encode(evaluation, goals: ws.goals), to: path)
                return StepResult(workspace: ws, output: .success("wrote metrics of \(Plural.count(evaluation.rows.count, "model")) to \(path)"), recorded: command, fingerprint: fingerprint)

            case .predict(let modelName, let tableName, let argument):
                let path = try argument?.resolved(in: ws.parameters)
                guard let model = ws.model(named: modelName) else { throw noSuchModel(modelName, ws) }
                guard let table = ws.table(named: tableName) else { throw noSuchTable(tableName, ws) }
                guard (ws.preparations[tableName] ?? []).isEmpty else {
                    throw Diagnostic(.badValue, "'\(tableName)' has been changed since it was loaded",
                                     help: "predict takes rows as loaded and applies the model's own preparation; load the file again under another name")
                }
                let scored: Table
                do { scored = try ModelScoring.scoredTable(model, rawTable: table) } catch let error as EngineError {
                    throw Diagnostic(.dataError, "cannot score '\(tableName)' with '\(modelName)': \(error)")
                }
                if let path {
                    try writeFile(to: path) { try CSVWriter.write(scored, to: path) }
                    output.blocks.append(.success("wrote \(Plural.count(scored.rowCount, "prediction")) to \(path)"))
                } else {
                    output.blocks.append(.table(Rendering.rows(of: scored, limit: 10, target: nil)))
                    if scored.rowCount > 10 { output.blocks.append(.note("10 of \(scored.rowCount) rows; add 'to PATH' to write them all")) }
                }
                return StepResult(workspace: ws, output: output, recorded: command, fingerprint: fingerprint)

            case .exportModel(let modelName, let argument, let force):
                let path = try argument.resolved(in: ws.parameters)
                guard let model = ws.model(named: modelName) else { throw noSuchModel(modelName, ws) }
                // The goal gates the export: a model that fails it, or cannot be checked, is
                // exported only when asked explicitly, and the bundle says so.
                let goal = ws.goals[model.target]
                let check = goal.map { Evaluating.check(model, against: $0) }
                if let goal, let check, !check.passed {
                    let problem: String
                    if case .failed(let value) = check {
                        problem = "'\(model.name)' fails its goal: \(goal.metric) is \(Evaluating.format(value)), the goal is \(goal.text)"
                    } else {
                        problem = "'\(model.name)' has no test rows to check its goal (\(goal.text)) on"
                    }
                    guard force else {
                        throw Diagnostic(.notReady, problem, help: "export it anyway with: \(Command.exportModel(model: modelName, path: argument, force: true))")
                    }
                    output.blocks.append(.warning(problem + "; exported as asked (the bundle records it)"))
                }
                do {
                    try ModelBundle.write(model, metrics: Evaluating.metrics(of: model) ?? [], goal: goal, goalMet: check?.passed, to: path)
                } catch let error as EngineError {
                    throw Diagnostic(.cannotWrite, error.description)
                }
                output.blocks.insert(.success("wrote model bundle \(path) (\(model.name): \(model.algorithm), \(Plural.count(model.preparation.count, "preparation step")))"), at: 0)
                return StepResult(workspace: ws, output: output, recorded: command, fingerprint: fingerprint)

            case .exportPipeline(let modelName, let argument):
                let path = try argument.resolved(in: ws.parameters)
                let model = try PipelineExport.chooseModel(modelName, ws)
                let written = try PipelineExport.write(model: model, workspace: ws, script: context.effectiveScript, to: path)
                output.blocks.append(.success("wrote pipeline \(path) for model '\(model.name)': \(Plural.count(written.steps, "step")) (\(written.dropped) exploration and dead-end steps left out)"))
                output.blocks.append(.note("run it with: mlw run \(path) [--set data=OTHER.csv]"))
                return StepResult(workspace: ws, output: output, recorded: command, fingerprint: fingerprint)

            case .param(let name, let value):
                ws.parameters[name] = value
                output.blocks.append(.success("param \(name) = \"\(value)\""))

            case .help(let topic):
                let text = try topic.map { try Help.topic($0) } ?? Help.overview()
                return StepResult(workspace: ws, output: .text(text), recorded: command, fingerprint: fingerprint)

            case .history, .undo, .quit:
                // Session-level commands; the session handles them before the engine.
                return StepResult(workspace: ws, output: Output(), recorded: command, fingerprint: fingerprint)
            }
        } catch let error as Interrupted {
            throw error
        } catch is CancelledOptimization {
            throw Interrupted()
        }
        if command.changesData, let table = ws.currentTable {
            fingerprint.add("rows", "\(table.rowCount)")
            fingerprint.add("cols", "\(table.columns.count)")
            fingerprint.add("data", table.contentHash)
        }
        return StepResult(workspace: ws, output: output, recorded: recorded, fingerprint: fingerprint)
    }

    // MARK: - Helpers

    private static func noChange(_ ws: Workspace, _ block: Output.Block, _ command: Command) -> StepResult {
        StepResult(workspace: ws, output: Output([block]), recorded: command, fingerprint: Fingerprint())
    }

    static func currentTable(_ ws: Workspace) throws -> Table {
        guard let table = ws.currentTable else {
            throw Diagnostic(.notReady, "no table loaded", help: "load one first, e.g. 'load datasets/iris.csv'")
        }
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

    static func noSuchModel(_ name: String, _ ws: Workspace) -> Diagnostic {
        Diagnostic(.noSuchModel, "no model '\(name)'",
                   help: Suggestions.didYouMean(name, among: ws.models.map(\.name))
                    ?? (ws.models.isEmpty ? trainFirst(ws) : "models: " + ws.models.map(\.name).joined(separator: ", ")))
    }

    /// Help for a step that needs a model: an algorithm that fits the chosen target's task.
    static func trainFirst(_ ws: Workspace) -> String {
        let algorithm = AlgorithmCatalog.all.first { $0.task == (ws.target?.task ?? .classification) }?.name ?? "logistic"
        return "train one first, e.g. 'train \(algorithm)'"
    }

    static func evaluate(_ expression: Tabular.Expression, on table: Table) throws -> ColumnData {
        do { return try ExpressionEvaluator(table: table).evaluate(expression) } catch let error as ExpressionError {
            throw Diagnostic(.badExpression, error.message, at: error.range, help: error.help)
        }
    }

    /// Runs a learning step, turning its errors into diagnostics.
    static func learning<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as LearningError {
            throw Diagnostic(.dataError, error.message, help: error.help)
        }
    }

    /// A classification target with about as many classes as rows names rows, not classes.
    private static func identifierWarning(_ column: Column, classes: Int) -> String? {
        let present = column.count - column.missingCount
        guard classes > 20, classes * 2 > present else { return nil }
        return "'\(column.name)' has \(classes) classes in \(present) rows: most occur once, which no classifier can learn; is it an identifier?"
    }

    /// Decides classification or regression for a target column, explaining the choice.
    /// - Returns: the task, the explanation, and the number of classes (0 for regression).
    private static func targetTask(_ column: Column, requested: Task?) throws -> (Task, String, Int) {
        let present = column.count - column.missingCount
        guard present > 0 else { throw Diagnostic(.dataError, "'\(column.name)' has no values") }
        let missingNote = column.missingCount > 0 ? "; \(column.missingCount == 1 ? "1 row has" : "\(column.missingCount) rows have") no value" : ""
        switch column.data {
        case .text, .boolean:
            if requested == .regression {
                throw Diagnostic(.badValue, "'\(column.name)' is \(column.type.rawValue), so it cannot be a regression target")
            }
            let classes = ClassLabels.from(column)
            let shown = 8
            var counts = classes.counts.prefix(shown).map { "\($0.label) \($0.count)" }.joined(separator: ", ")
            if classes.counts.count > shown { counts += ", … \(classes.counts.count - shown) more" }
            return (.classification, (requested == nil ? " (it holds \(column.type.rawValue))" : "") + ", \(Plural.count(classes.labels.count, "class")) (\(counts))" + missingNote,
                    classes.labels.count)
        case .number(let values):
            if requested == .regression { return (.regression, missingNote, 0) }
            let distinct = Set(values.filter { !$0.isNaN })
            if requested == .classification {
                return (.classification, ", \(Plural.count(distinct.count, "class"))" + missingNote, distinct.count)
            }
            if distinct.count <= 10 && distinct.allSatisfy({ $0 == $0.rounded() }) {
                return (.classification, " (inferred: \(distinct.count) distinct whole numbers; say 'target \(column.name) regression' otherwise)" + missingNote,
                        distinct.count)
            }
            return (.regression, " (inferred: numbers with \(distinct.count) distinct values)" + missingNote, 0)
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

extension PreparationStep {
    /// Whether the step learned statistics from the data (so leakage matters).
    var isLearned: Bool {
        switch self {
        case .derive, .drop: return false
        case .impute, .oneHot, .scale: return true
        }
    }
}

extension Command {
    /// Commands after which the current table's row count and hash are fingerprinted.
    var changesData: Bool {
        switch self {
        case .load, .use, .derive, .filter, .drop, .impute, .encodeOneHot, .scaleStandard: return true
        default: return false
        }
    }
}

/// The class labels of a target column, sorted (numerically when all are numbers).
enum ClassLabels {
    static func from(_ column: Column) -> (labels: [String], counts: [(label: String, count: Int)]) {
        var counts: [String: Int] = [:]
        if case .text(let codes, let dictionary) = column.data {
            // Count codes, then name them: no string per row.
            var perCode = [Int](repeating: 0, count: dictionary.count)
            for code in codes where code >= 0 { perCode[Int(code)] += 1 }
            for (code, count) in perCode.enumerated() where count > 0 { counts[dictionary[code], default: 0] += count }
        } else {
            for row in 0..<column.count { if let text = column.text(at: row) { counts[text, default: 0] += 1 } }
        }
        let labels = counts.keys.sorted(by: precedes)
        return (labels, labels.map { ($0, counts[$0]!) })
    }

    /// A total order on labels, so the class order is the same in every process (the
    /// counts come from a dictionary, whose order is not): numbers first, by value and
    /// then by text (`1` < `1.0` < `01`... by text), then the other labels by text.
    static func precedes(_ a: String, _ b: String) -> Bool {
        let x = Double(a).flatMap { $0.isNaN ? nil : $0 }, y = Double(b).flatMap { $0.isNaN ? nil : $0 }
        switch (x, y) {
        case let (x?, y?): return x != y ? x < y : a < b
        case (.some, nil): return true
        case (nil, .some): return false
        case (nil, nil): return a < b
        }
    }
}
