import Foundation
import CommandLanguage
import Learning
import Tabular

/// `impute`, `encode onehot` and `scale standard`: transforms fitted on the training
/// rows (all rows before a split), applied to every row, and recorded for the models.
extension Interpreter {
    static func impute(_ selector: ColumnSelector, _ strategy: ImputeStrategy, _ ws: inout Workspace, _ output: inout Output) throws {
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
        output.blocks.append(.success(filled.isEmpty ? "nothing to fill: no missing values in \(Plural.count(names.count, "column"))"
                                      : "filled " + filled.joined(separator: ", ")))
        if let fitRows { output.blocks.append(.note("learned from the \(Plural.count(fitRows.count, "training row"))")) }
    }

    static func encodeOneHot(_ selector: ColumnSelector, _ ws: inout Workspace, _ output: inout Output) throws {
        var table = try currentTable(ws)
        let names = try resolve(selector, in: table, ws, purpose: "encode")
        let fitRows = ws.splits[table.name]?.trainingRows
        let fitted = try fitEach(names, of: table) { try OneHotEncoder().fit($0, rows: fitRows) }
        // New columns must not take the name of a column that exists (or that another
        // column of this command makes): a table's names are unique.
        var taken = Set(table.columnNames)
        for (name, encoder) in zip(names, fitted) {
            taken.remove(name)
            if let clash = encoder.outputNames.first(where: { !taken.insert($0).inserted }) {
                throw Diagnostic(.badValue, "encoding '\(name)' would make a column '\(clash)', but that name is taken",
                                 help: "rename or drop the column '\(clash)' first, e.g. 'drop \(Tabular.Expression.quoteIdentifier(clash))'")
            }
        }
        // Dense indicators cost 8 bytes per row per category: refuse what cannot fit in memory.
        let total = fitted.reduce(0) { $0 + $1.categories.count }
        let bytes = Double(table.rowCount) * Double(total) * 8
        let budget = Double(ProcessInfo.processInfo.physicalMemory) / 4
        if bytes > budget, let widest = zip(names, fitted).max(by: { $0.1.categories.count < $1.1.categories.count }) {
            throw Diagnostic(.dataError, "one-hot encoding would add \(formatBytes(bytes)) of columns, more than a quarter of this machine's memory (\(formatBytes(budget * 4)))",
                             help: "'\(widest.0)' alone has \(widest.1.categories.count) categories; drop it ('drop \(Tabular.Expression.quoteIdentifier(widest.0))') or encode fewer columns")
        }
        let encoded = Parallel.map(Array(zip(names, fitted))) { name, encoder in encoder.apply(table.column(named: name)!) }
        for ((name, encoder), columns) in zip(zip(names, fitted), encoded) {
            table.replaceColumn(at: table.index(of: name)!, with: columns)
            ws.preparations[table.name, default: []].append(.oneHot(encoder))
        }
        ws.store(table)
        let made = zip(names, fitted).map { "\($0) → \($1.categories.count)" }
        switch names.count {
        case 0: output.blocks.append(.success("no text columns to encode"))
        case 1...4: output.blocks.append(.success("encoded " + made.joined(separator: ", ") + " columns"))
        default:
            output.blocks.append(.success("encoded \(names.count) text columns into \(Plural.count(total, "column"))"))
            output.blocks.append(.note(made.joined(separator: ", ")))
        }
        if let fitRows, !names.isEmpty { output.blocks.append(.note("learned from the \(Plural.count(fitRows.count, "training row"))")) }
        // A column with nearly as many categories as rows is an identifier, not a feature.
        let rows = fitRows?.count ?? table.rowCount
        for (name, encoder) in zip(names, fitted) where encoder.categories.count > 20 && encoder.categories.count * 4 > rows {
            output.blocks.append(.warning("'\(name)' has \(encoder.categories.count) categories in \(rows) rows: its columns mostly single out rows, which a model learns by heart; consider 'drop \(Tabular.Expression.quoteIdentifier(name))' first"))
        }
    }

    /// "6400 GB", "1.5 GB", "320 MB".
    static func formatBytes(_ bytes: Double) -> String {
        bytes >= 1e11 ? String(format: "%.0f GB", bytes / 1e9) : bytes >= 1e9 ? String(format: "%.1f GB", bytes / 1e9) : String(format: "%.0f MB", bytes / 1e6)
    }

    static func scaleStandard(_ selector: ColumnSelector, _ ws: inout Workspace, _ output: inout Output) throws {
        var table = try currentTable(ws)
        let names = try resolve(selector, in: table, ws, purpose: "scale").filter { table.column(named: $0)!.type == .number || selector != .numeric }
        let fitRows = ws.splits[table.name]?.trainingRows
        let fitted = try fitEach(names, of: table) { try StandardScaler().fit($0, rows: fitRows) }
        let scaled = Parallel.map(Array(zip(names, fitted))) { name, scaler in scaler.apply(table.column(named: name)!) }
        for (scaler, column) in zip(fitted, scaled) {
            table.setColumn(column)
            ws.preparations[table.name, default: []].append(.scale(scaler))
        }
        ws.store(table)
        output.blocks.append(.success("scaled \(Plural.count(names.count, "column")) to mean 0 and standard deviation 1"))
        if let fitRows { output.blocks.append(.note("learned from the \(Plural.count(fitRows.count, "training row"))")) }
    }

    /// Fits one transform per named column, in parallel; the first error in column
    /// order is reported, as a sequential loop would.
    static func fitEach<T>(_ names: [String], of table: Table, _ fit: (Column) throws -> T) throws -> [T] {
        let results = Parallel.map(names) { name in Result { try fit(table.column(named: name)!) } }
        return try results.map { result in
            do { return try result.get() } catch let error as LearningError {
                throw Diagnostic(.dataError, error.message, help: error.help)
            }
        }
    }

    /// The columns a selector names, never including the target.
    static func resolve(_ selector: ColumnSelector, in table: Table, _ ws: Workspace, purpose: String) throws -> [String] {
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

