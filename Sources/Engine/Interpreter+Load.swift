import CommandLanguage
import Foundation
import Tabular

/// `load`: reading files into tables.
extension Interpreter {
    /// Loads a CSV file as a table and makes it current; returns the normalised command.
    static func load(_ argument: PathArgument, name: String?, separator: String?, _ ws: inout Workspace, _ output: inout Output,
                     _ fingerprint: inout Fingerprint, _ context: EngineContext) throws -> Command {
        let path = try argument.resolved(in: ws.parameters)
        let tableName = name ?? defaultTableName(for: path)
        guard Tabular.Expression.isPlainIdentifier(tableName) || name != nil else {
            throw Diagnostic(.badValue, "cannot name a table after '\(path)'", help: "name it: load \"\(path)\" as NAME")
        }
        let file = context.resolve(path)
        let result: CSVReadResult
        do {
            result = try CSVReader.read(path: file, name: tableName, separator: separator?.utf8.first,
                                        isCancelled: context.isCancelled)
        } catch let error as CSVError where error.line == nil {
            // No such file, or one that cannot be opened: missing input (EX_NOINPUT).
            let unreadable = !FileManager.default.isReadableFile(atPath: file)
            throw Diagnostic(unreadable ? .missingInput : .fileError, error.message,
                             help: FileManager.default.fileExists(atPath: file) ? nil : pathSuggestion(file))
        } catch let error as CSVError {
            throw Diagnostic(.dataError, "\(file): \(error.description)")
        }
        let table = result.table
        let replacing = ws.table(named: tableName) != nil
        ws.store(table)
        ws.current = tableName
        let checksum = result.checksum
        ws.sources[tableName] = DataSource(path: file, checksum: checksum, separator: separator)
        ws.preparations[tableName] = []
        ws.loadedSchemas[tableName] = table.columns.map { SchemaField(name: $0.name, type: $0.type) }
        ws.splits[tableName] = nil
        fingerprint.add("file", checksum)
        output.blocks.append(.success((replacing ? "reloaded " : "loaded ") + tableSummary(table)))
        for warning in result.warnings { output.blocks.append(.warning(warning)) }
        return .load(path: argument, name: tableName, separator: separator)
    }

    static func tableSummary(_ table: Table) -> String {
        var counts: [ColumnType: Int] = [:]
        var missing = 0
        for column in table.columns { counts[column.type, default: 0] += 1; missing += column.missingCount }
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

}
