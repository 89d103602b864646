import CommandLanguage
import Foundation
import Learning
import Scoring
import SQLiteSource
import Tabular

/// The data stage: `load`, `tables`, `use`, `save`.
extension Interpreter {
    /// Loads a CSV file as a table and makes it current; records the table name it chose.
    static func load(_ argument: PathArgument, name: String?, separator: String?, missing: [String], _ step: inout Step, _ context: EngineContext) throws {
        let path = try argument.resolved(in: step.ws.parameters)
        let tableName = name ?? defaultTableName(for: path)
        guard Tabular.Expression.isPlainIdentifier(tableName) || name != nil else {
            throw Diagnostic(.badValue, "cannot name a table after '\(path)'", help: "name it: load \"\(path)\" as NAME")
        }
        let file = context.resolve(path)
        let result: CSVReadResult
        do {
            let task = "loading " + FilePaths.fileName(of: file)
            result = try TableReader.read(path: file, name: tableName, separator: separator?.utf8.first, missing: missing,
                                          isCancelled: context.isCancelled, progress: context.progress.map { step in { bytes, total, rows in
                                              step.report(ProgressUpdate(task: task, fraction: Double(bytes) / Double(max(total, 1)), count: rows, unit: "rows"))
                                          } })
        } catch let error as CSVError where error.line == nil {
            // No such file, or one that cannot be opened: missing input (EX_NOINPUT).
            let unreadable = !FileManager.default.isReadableFile(atPath: file)
            throw Diagnostic(unreadable ? .missingInput : .fileError, error.message,
                             help: FileManager.default.fileExists(atPath: file) ? nil : pathSuggestion(file))
        } catch let error as CSVError {
            throw Diagnostic(.dataError, "\(file): \(error.description)")
        }
        install(result.table, from: DataSource(path: file, checksum: result.checksum, separator: separator, missing: missing.isEmpty ? nil : missing),
                warnings: result.warnings, missingCounts: result.missingCounts, &step)
        step.recorded = .load(path: argument, name: tableName, separator: separator, missing: missing)
    }

    /// Loads a table or the rows of a query from a SQLite file. The data's checksum is a
    /// hash of the rows read (the file may hold other tables that change).
    static func loadSQLite(_ argument: PathArgument, _ selection: SQLiteSelection, name: String?, _ step: inout Step, _ context: EngineContext) throws {
        let path = try argument.resolved(in: step.ws.parameters)
        let file = context.resolve(path)
        let tableName: String
        switch selection {
        case .table(let table): tableName = name ?? table
        case .query: tableName = name!  // the parser asks for one
        }
        guard Tabular.Expression.isPlainIdentifier(tableName) || name != nil else {
            throw Diagnostic(.badValue, "cannot name a table after '\(tableName)'", help: "name it: … as NAME")
        }
        let cancelled = context.isCancelled
        let result: SQLiteReadResult
        do {
            switch selection {
            case .table(let table): result = try SQLiteReader.read(path: file, table: table, name: tableName, isCancelled: { cancelled() })
            case .query(let query): result = try SQLiteReader.read(path: file, query: query, name: tableName, isCancelled: { cancelled() })
            }
        } catch let error as SQLiteError {
            throw Diagnostic(error.isMissingFile ? .missingInput : .dataError, error.message,
                             help: error.help ?? (FileManager.default.fileExists(atPath: file) ? nil : pathSuggestion(file)))
        } catch is CancellationError {
            throw Interrupted()
        }
        let query: String
        switch selection {
        case .table(let table): query = "table \(table)"
        case .query(let text): query = text
        }
        install(result.table, from: DataSource(path: file, checksum: result.table.contentHash, separator: nil, query: query),
                warnings: result.warnings, &step)
        step.recorded = .load(path: argument, name: tableName, separator: nil, missing: [], sqlite: selection)
    }

    /// Makes a freshly read table current, with its source, an empty recipe and no split.
    /// A reader may have counted the missing values already.
    private static func install(_ table: Table, from source: DataSource, warnings: [String], missingCounts: [Int]? = nil,
                                _ step: inout Step) {
        let tableName = table.name
        let replacing = step.ws.table(named: tableName) != nil
        step.ws.store(table)
        step.ws.current = tableName
        step.ws.sources[tableName] = source
        step.ws.loaded[tableName] = table
        step.ws.combinedSources[tableName] = nil
        step.ws.rowOrigins[tableName] = nil
        step.ws.resetPreparation(of: tableName)
        step.ws.loadedSchemas[tableName] = table.columns.map { SchemaField(name: $0.name, type: $0.type) }
        step.ws.splits[tableName] = nil
        step.ws.stepsBeforeSplit[tableName] = nil
        step.fingerprint.add("file", source.checksum)
        step.output.blocks.append(.success((replacing ? "reloaded " : "loaded ") + tableSummary(table, missingCounts: missingCounts)))
        for warning in warnings { step.output.blocks.append(.warning(warning)) }
    }

    static func tables(_ step: inout Step) throws {
        let ws = step.ws
        guard !ws.tables.isEmpty else { step.output.blocks.append(.text("no tables yet: load one with 'load PATH'")); return }
        let rows = ws.tables.map { table -> [String] in
            [(table.name == ws.current ? "* " : "  ") + table.name, "\(table.rowCount)", "\(table.columns.count)",
             ws.sources[table.name]?.path ?? ""]
        }
        step.output.blocks.append(.table(TextTable(headers: ["table", "rows", "columns", "source"], rows: rows,
                                                   rightAligned: [false, true, true, false])))
    }

    static func use(_ name: String, _ step: inout Step) throws {
        guard let table = step.ws.table(named: name) else { throw noSuchTable(name, step.ws) }
        step.ws.current = name
        step.output.blocks.append(.success("using \(tableSummary(table))"))
    }

    static func tableSummary(_ table: Table, missingCounts: [Int]? = nil) -> String {
        var counts: [ColumnType: Int] = [:]
        for column in table.columns { counts[column.type, default: 0] += 1 }
        let missing = (missingCounts ?? Parallel.map(table.columns) { $0.missingCount }).reduce(0, +)
        let types = ColumnType.allCases.compactMap { type in counts[type].map { "\(type.rawValue) \($0)" } }.joined(separator: ", ")
        return "\(table.name): \(Plural.count(table.rowCount, "row")) × \(Plural.count(table.columns.count, "column")) (\(types)), \(Plural.count(missing, "missing value"))"
    }

    static func defaultTableName(for path: String) -> String {
        var base = FilePaths.fileName(of: path)
        if let dot = base.lastIndex(of: ".") { base = String(base[..<dot]) }
        let cleaned = String(base.map { $0.isLetter || $0.isNumber || $0 == "_" ? $0 : "_" })
        return cleaned.first?.isNumber == true ? "t_" + cleaned : cleaned
    }

    static func pathSuggestion(_ path: String) -> String? {
        let directory = FilePaths.directory(of: path)
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory.isEmpty ? "." : directory)) ?? []
        return Suggestions.best(FilePaths.fileName(of: path), among: entries).map { "did you mean '\(FilePaths.join(directory, $0))'?" }
    }

    static func saveMetrics(_ argument: PathArgument, _ step: inout Step) throws {
        let path = try argument.resolved(in: step.ws.parameters)
        guard let evaluation = step.ws.evaluation else {
            throw Diagnostic(.notReady, "there are no metrics yet", help: "run 'evaluate' first")
        }
        try writeFile(MetricsJSON.encode(evaluation, goals: step.ws.goals), to: path)
        step.output.blocks.append(.success("wrote metrics of \(Plural.count(evaluation.rows.count, "model")) to \(path)"))
    }

    static func saveTable(_ name: String?, to argument: PathArgument, _ step: inout Step) throws {
        let path = try argument.resolved(in: step.ws.parameters)
        let table = try tableNamed(name, or: step.ws)
        let format = FilePaths.fileName(of: path).split(separator: ".").last.map { $0.lowercased() } ?? ""
        let write: () throws -> Void
        switch format {
        case "csv": write = { try CSVWriter.write(table, to: path) }
        case "tsv", "tab": write = { try CSVWriter.write(table, to: path, separator: UInt8(ascii: "\t")) }
        case "jsonl", "ndjson": write = { try JSONLinesWriter.write(table, to: path) }
        default:
            throw Diagnostic(.badValue, "cannot tell which format to write '\(path)' in",
                             help: "end the file name with .csv, .tsv or .jsonl")
        }
        try writeFile(to: path, write)
        step.output.blocks.append(.success("wrote \(table.name) (\(Plural.count(table.rowCount, "row")) × \(Plural.count(table.columns.count, "column"))) to \(path)"))
    }
}
