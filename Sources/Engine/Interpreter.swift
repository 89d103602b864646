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

    public init(isCancelled: @escaping @Sendable () -> Bool = { false }, effectiveScript: [JournalEntry] = [],
                makeSeed: @escaping @Sendable () -> UInt64 = { UInt64.random(in: 0..<1_000_000) }) {
        self.isCancelled = isCancelled
        self.effectiveScript = effectiveScript
        self.makeSeed = makeSeed
    }
}

/// Executes commands: `apply(command, to: workspace)` returns a new workspace and what
/// to show, or throws a `Diagnostic` and changes nothing. Takes no terminal.
public enum Interpreter {
    public static func apply(_ command: Command, to workspace: Workspace, context: EngineContext = EngineContext()) throws -> StepResult {
        var ws = workspace
        var output = Output()
        var recorded = command
        var fingerprint = Fingerprint()
        do {
            switch command {
            case .load(let path, let name, let separator):
                let tableName = name ?? defaultTableName(for: path)
                guard Tabular.Expression.isPlainIdentifier(tableName) || name != nil else {
                    throw Diagnostic(.badValue, "cannot name a table after '\(path)'", help: "name it: load \"\(path)\" as NAME")
                }
                let result: CSVReadResult
                do {
                    result = try CSVReader.read(path: path, name: tableName, separator: separator?.utf8.first,
                                                isCancelled: context.isCancelled)
                } catch let error as CSVError where error.line == nil {
                    throw Diagnostic(.fileError, error.message,
                                     help: FileManager.default.fileExists(atPath: path) ? nil : pathSuggestion(path))
                } catch let error as CSVError {
                    throw Diagnostic(.dataError, "\(path): \(error.description)")
                }
                let table = result.table
                let replacing = ws.table(named: tableName) != nil
                ws.store(table)
                ws.current = tableName
                let checksum = result.checksum
                ws.sources[tableName] = DataSource(path: path, sha256: checksum, separator: separator)
                ws.preparations[tableName] = []
                ws.loadedSchemas[tableName] = table.columns.map { SchemaField(name: $0.name, type: $0.type) }
                ws.splits[tableName] = nil
                recorded = .load(path: path, name: tableName, separator: separator)
                fingerprint.add("file", checksum)
                output.blocks.append(.success((replacing ? "reloaded " : "loaded ") + tableSummary(table)))
                for warning in result.warnings { output.blocks.append(.warning(warning)) }

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
                output.blocks.append(.success("kept \(kept.count) of \(table.rowCount) rows (\(table.rowCount - kept.count) dropped)"))

            case .drop(let names):
                var table = try currentTable(ws)
                for name in names where table.column(named: name) == nil { throw noSuchColumn(name, table) }
                if let target = ws.target?.column, names.contains(target) {
                    throw Diagnostic(.badValue, "'\(target)' is the target", help: "choose another target first with 'target COLUMN'")
                }
                table.removeColumns(named: Set(names))
                ws.store(table)
                ws.preparations[table.name, default: []].append(.drop(columns: names))
                output.blocks.append(.success("dropped \(names.joined(separator: ", ")); \(table.columns.count) columns left"))

            case .impute(let selector, let strategy):
                var table = try currentTable(ws)
                let names = try resolve(selector, in: table, ws, purpose: "impute")
                let fitRows = ws.splits[table.name]?.trainingRows
                let fitted = try fitEach(names, of: table) { try Imputer(strategy: strategy).fit($0, rows: fitRows) }
                var filled: [String] = []
                for (name, imputer) in zip(names, fitted) {
                    let column = table.column(named: name)!
                    let missing = column.missingCount
                    table.setColumn(imputer.apply(column))
                    ws.preparations[table.name, default: []].append(.impute(imputer))
                    if missing > 0 || selector != .numeric && selector != .categorical {
                        filled.append("\(name) (\(missing) with \(imputer.fill.displayText))")
                    }
                }
                ws.store(table)
                output.blocks.append(.success(filled.isEmpty ? "nothing to fill: no missing values in \(names.count) columns"
                                              : "filled " + filled.joined(separator: ", ")))
                if let fitRows { output.blocks.append(.note("learned from the \(fitRows.count) training rows")) }

            case .encodeOneHot(let selector):
                var table = try currentTable(ws)
                let names = try resolve(selector, in: table, ws, purpose: "encode")
                let fitRows = ws.splits[table.name]?.trainingRows
                let fitted = try fitEach(names, of: table) { try OneHotEncoder().fit($0, rows: fitRows) }
                let encoded = parallelMap(Array(zip(names, fitted))) { name, encoder in encoder.apply(table.column(named: name)!) }
                for ((name, encoder), columns) in zip(zip(names, fitted), encoded) {
                    table.replaceColumn(at: table.index(of: name)!, with: columns)
                    ws.preparations[table.name, default: []].append(.oneHot(encoder))
                }
                ws.store(table)
                output.blocks.append(.success(names.isEmpty ? "no text columns to encode"
                                              : "encoded " + zip(names, fitted).map { "\($0) → \($1.categories.count) columns" }.joined(separator: ", ")))

            case .scaleStandard(let selector):
                var table = try currentTable(ws)
                let names = try resolve(selector, in: table, ws, purpose: "scale").filter { table.column(named: $0)!.type == .number || selector != .numeric }
                let fitRows = ws.splits[table.name]?.trainingRows
                let fitted = try fitEach(names, of: table) { try StandardScaler().fit($0, rows: fitRows) }
                let scaled = parallelMap(Array(zip(names, fitted))) { name, scaler in scaler.apply(table.column(named: name)!) }
                for (scaler, column) in zip(fitted, scaled) {
                    table.setColumn(column)
                    ws.preparations[table.name, default: []].append(.scale(scaler))
                }
                ws.store(table)
                output.blocks.append(.success("scaled \(names.count) columns to mean 0 and standard deviation 1"))
                if let fitRows { output.blocks.append(.note("learned from the \(fitRows.count) training rows")) }

            case .target(let name, let task):
                let table = try currentTable(ws)
                guard let column = table.column(named: name) else { throw noSuchColumn(name, table) }
                let (chosen, explanation) = try targetTask(column, requested: task)
                ws.target = Target(column: name, task: chosen)
                recorded = .target(column: name, task: chosen)
                output.blocks.append(.success("target \(name): \(chosen.rawValue)" + explanation))

            case .goal(let metric, let comparison, let threshold):
                if let task = ws.target?.task, !Metrics.names(for: task).contains(metric) {
                    throw Diagnostic(.badValue, "'\(metric)' is not a \(task.rawValue) metric",
                                     help: "\(task.rawValue) metrics: " + Metrics.names(for: task).joined(separator: ", "))
                }
                if Metrics.higherIsBetter(metric) != (comparison == .atLeast) {
                    output.blocks.append(.warning("\(metric) is better when \(Metrics.higherIsBetter(metric) ? "higher" : "lower"); this goal asks for \(comparison == .atLeast ? "at least" : "at most") \(NumberFormatting.shortest(threshold))"))
                }
                ws.goal = Goal(metric: metric, comparison: comparison, threshold: threshold)
                output.blocks.append(.success("goal: \(ws.goal!.text)"))

            case .split(let fraction, let stratify, let requestedSeed):
                let table = try currentTable(ws)
                let seed = requestedSeed ?? context.makeSeed()
                var strata: [Int]?
                if stratify {
                    guard let target = ws.target, target.task == .classification, let column = table.column(named: target.column) else {
                        throw Diagnostic(.notReady, "stratify needs a classification target", help: "set one first: target COLUMN classification")
                    }
                    strata = stratumIndices(column)
                }
                let isTest = Splitter.split(rows: table.rowCount, trainFraction: fraction, strata: strata, seed: seed)
                let testCount = isTest.filter { $0 }.count
                guard testCount > 0, testCount < table.rowCount else {
                    throw Diagnostic(.badValue, "a \(NumberFormatting.shortest(fraction)) split of \(table.rowCount) rows leaves one part empty")
                }
                ws.splits[table.name] = .rows(isTest: isTest)
                recorded = .split(trainFraction: fraction, stratify: stratify, seed: seed)
                fingerprint.add("train", "\(table.rowCount - testCount)")
                fingerprint.add("test", "\(testCount)")
                var rowsHasher = FingerprintHasher()
                for (row, test) in isTest.enumerated() where test { rowsHasher.combine(UInt64(row)) }
                fingerprint.add("test_rows", rowsHasher.hexDigest)
                output.blocks.append(.success("split \(table.name): \(table.rowCount - testCount) training rows, \(testCount) test rows" + (stratify ? " (stratified)" : "") + ", seed \(seed)"))
                if !(ws.preparations[table.name] ?? []).filter(\.isLearned).isEmpty {
                    output.blocks.append(.warning("steps before this split learned from every row, test rows included; split first to avoid leakage"))
                }

            case .splitTestTable(let testName):
                let table = try currentTable(ws)
                guard let test = ws.table(named: testName) else { throw noSuchTable(testName, ws) }
                guard testName != table.name else { throw Diagnostic(.badValue, "the test table must differ from the current table") }
                guard (ws.preparations[testName] ?? []).isEmpty else {
                    throw Diagnostic(.badValue, "'\(testName)' has been changed since it was loaded",
                                     help: "the test table must be as loaded: the training table's preparation is applied to it")
                }
                ws.splits[table.name] = .table(testName)
                output.blocks.append(.success("split \(table.name): all \(table.rowCount) rows train; \(testName) (\(test.rowCount) rows) is the test set"))

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

            case .saveMetrics(let path):
                guard let evaluation = ws.evaluation else {
                    throw Diagnostic(.notReady, "there are no metrics yet", help: "run 'evaluate' first")
                }
                try writeFile(MetricsJSON.encode(evaluation), to: path)
                return StepResult(workspace: ws, output: .success("wrote metrics of \(evaluation.rows.count) models to \(path)"), recorded: command, fingerprint: fingerprint)

            case .predict(let modelName, let tableName, let path):
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
                    try writeFile(CSVWriter.csv(scored), to: path)
                    output.blocks.append(.success("wrote \(scored.rowCount) predictions to \(path)"))
                } else {
                    output.blocks.append(.table(Rendering.rows(of: scored, limit: 10, target: nil)))
                    if scored.rowCount > 10 { output.blocks.append(.note("10 of \(scored.rowCount) rows; add 'to PATH' to write them all")) }
                }
                return StepResult(workspace: ws, output: output, recorded: command, fingerprint: fingerprint)

            case .exportModel(let modelName, let path):
                guard let model = ws.model(named: modelName) else { throw noSuchModel(modelName, ws) }
                let metrics = ws.evaluation?.rows.first { $0.model == modelName }?.metrics ?? []
                do { try ModelBundle.write(model, metrics: metrics, goal: ws.goal, to: path) } catch let error as EngineError {
                    throw Diagnostic(.fileError, error.description)
                }
                return StepResult(workspace: ws, output: .success("wrote model bundle \(path) (\(model.name): \(model.algorithm), \(model.preparation.count) preparation steps)"),
                                  recorded: command, fingerprint: fingerprint)

            case .exportPipeline(let modelName, let path):
                let model = try PipelineExport.chooseModel(modelName, ws)
                let written = try PipelineExport.write(model: model, workspace: ws, script: context.effectiveScript, to: path)
                output.blocks.append(.success("wrote pipeline \(path) for model '\(model.name)': \(written.steps) steps (\(written.dropped) exploration and dead-end steps left out)"))
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

    static func tableSummary(_ table: Table) -> String {
        var counts: [ColumnType: Int] = [:]
        var missing = 0
        for column in table.columns { counts[column.type, default: 0] += 1; missing += column.missingCount }
        let types = ColumnType.allCases.compactMap { type in counts[type].map { "\(type.rawValue) \($0)" } }.joined(separator: ", ")
        return "\(table.name): \(table.rowCount) rows × \(table.columns.count) columns (\(types)), \(missing) missing values"
    }

    static func defaultTableName(for path: String) -> String {
        var base = (path as NSString).lastPathComponent
        if let dot = base.lastIndex(of: ".") { base = String(base[..<dot]) }
        let cleaned = String(base.map { $0.isLetter || $0.isNumber || $0 == "_" ? $0 : "_" })
        return cleaned.first?.isNumber == true ? "t_" + cleaned : cleaned
    }

    private static func pathSuggestion(_ path: String) -> String? {
        let directory = (path as NSString).deletingLastPathComponent
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory.isEmpty ? "." : directory)) ?? []
        let file = (path as NSString).lastPathComponent
        return Suggestions.best(file, among: entries).map { "did you mean '\(directory.isEmpty ? $0 : directory + "/" + $0)'?" }
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
                    ?? (ws.models.isEmpty ? "train one first, e.g. 'train logistic'" : "models: " + ws.models.map(\.name).joined(separator: ", ")))
    }

    private static func evaluate(_ expression: Tabular.Expression, on table: Table) throws -> ColumnData {
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

    /// Fits one transform per named column, in parallel; the first error in column
    /// order is reported, as a sequential loop would.
    private static func fitEach<T>(_ names: [String], of table: Table, _ fit: (Column) throws -> T) throws -> [T] {
        let results = parallelMap(names) { name in Result { try fit(table.column(named: name)!) } }
        return try results.map { result in
            do { return try result.get() } catch let error as LearningError {
                throw Diagnostic(.dataError, error.message, help: error.help)
            }
        }
    }

    /// The columns a selector names, never including the target.
    private static func resolve(_ selector: ColumnSelector, in table: Table, _ ws: Workspace, purpose: String) throws -> [String] {
        let target = ws.target?.column
        switch selector {
        case .numeric:
            return table.columns.filter { $0.type.isNumeric && $0.name != target }.map(\.name)
        case .categorical:
            return table.columns.filter { $0.type == .text && $0.name != target }.map(\.name)
        case .columns(let names):
            for name in names where table.column(named: name) == nil { throw noSuchColumn(name, table) }
            if let target, names.contains(target) {
                throw Diagnostic(.badValue, "'\(target)' is the target; \(purpose) works on features only")
            }
            return names
        }
    }

    /// Decides classification or regression for a target column, explaining the choice.
    private static func targetTask(_ column: Column, requested: Task?) throws -> (Task, String) {
        let present = column.count - column.missingCount
        guard present > 0 else { throw Diagnostic(.dataError, "'\(column.name)' has no values") }
        let missingNote = column.missingCount > 0 ? "; \(column.missingCount) rows have no value" : ""
        switch column.data {
        case .text, .boolean:
            if requested == .regression {
                throw Diagnostic(.badValue, "'\(column.name)' is \(column.type.rawValue), so it cannot be a regression target")
            }
            let classes = ClassLabels.from(column)
            let counts = classes.counts.map { "\($0.label) \($0.count)" }.joined(separator: ", ")
            return (.classification, (requested == nil ? " (it holds \(column.type.rawValue))" : "") + ", \(classes.labels.count) classes (\(counts))" + missingNote)
        case .number(let values):
            let distinct = Set(values.filter { !$0.isNaN })
            let wholeNumbers = distinct.allSatisfy { $0 == $0.rounded() }
            if let requested {
                if requested == .classification {
                    return (.classification, ", \(distinct.count) classes" + missingNote)
                }
                return (.regression, missingNote)
            }
            if wholeNumbers && distinct.count <= 10 {
                return (.classification, " (inferred: \(distinct.count) distinct whole numbers; say 'target \(column.name) regression' otherwise)" + missingNote)
            }
            return (.regression, " (inferred: numbers with \(distinct.count) distinct values)" + missingNote)
        }
    }

    private static func stratumIndices(_ column: Column) -> [Int] {
        let labels = ClassLabels.from(column).labels
        var index: [String: Int] = [:]
        for (i, label) in labels.enumerated() { index[label] = i }
        return (0..<column.count).map { row in column.text(at: row).flatMap { index[$0] } ?? -1 }
    }

    static func writeFile(_ text: String, to path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        do {
            if !directory.isEmpty { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw Diagnostic(.fileError, "cannot write '\(path)': \(error.localizedDescription)")
        }
    }
}

/// `map` over all cores, results in input order.
func parallelMap<T, R>(_ items: [T], _ transform: (T) -> R) -> [R] {
    var results = [R?](repeating: nil, count: items.count)
    results.withUnsafeMutableBufferPointer { slots in
        let base = slots.baseAddress!
        DispatchQueue.concurrentPerform(iterations: items.count) { k in base[k] = transform(items[k]) }
    }
    return results.map { $0! }
}

extension FillValue {
    var displayText: String {
        switch self {
        case .number(let v): return NumberFormatting.significant(v)
        case .text(let v): return "\"\(v)\""
        case .boolean(let v): return v ? "true" : "false"
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
        for row in 0..<column.count { if let text = column.text(at: row) { counts[text, default: 0] += 1 } }
        let labels = counts.keys.sorted { a, b in
            if let x = Double(a), let y = Double(b) { return x < y }
            return a < b
        }
        return (labels, labels.map { ($0, counts[$0]!) })
    }
}
