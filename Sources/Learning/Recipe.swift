import Foundation
import Tabular

/// A problem applying a preparation step to rows, or a stored step that makes no sense.
public enum PreparationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The rows do not suit the step (a column is missing, a value cannot be computed).
    case input(String)
    /// The step itself is damaged (a bundle's manifest edited by hand, say).
    case corrupt(String)

    public var description: String {
        switch self {
        case .input(let message), .corrupt(let message): return message
        }
    }
}

/// One step of a table's preparation as the user asked for it, before anything is
/// learned: the columns are the ones the command named when it ran. Fitting it on some
/// rows gives the `FittedStep`s that apply it.
public enum RecipeStep: Sendable, Equatable {
    case derive(name: String, expression: Tabular.Expression)
    case drop(columns: [String])
    case impute(columns: [String], strategy: ImputeStrategy)
    case oneHot(columns: [String])
    case scale(columns: [String])

    /// Whether the step learns from the rows it is fitted on (so leakage matters).
    public var isLearned: Bool {
        switch self {
        case .derive, .drop: return false
        case .impute, .oneHot, .scale: return true
        }
    }

    /// The step as a command line would ask for it.
    public var text: String {
        func list(_ columns: [String]) -> String {
            columns.count <= 4 ? columns.joined(separator: ", ") : columns.prefix(3).joined(separator: ", ") + ", … (\(columns.count) columns)"
        }
        switch self {
        case .derive(let name, let expression): return "derive \(name) = \(expression)"
        case .drop(let columns): return "drop " + list(columns)
        case .impute(let columns, let strategy): return "impute \(list(columns)) with \(strategy.text)"
        case .oneHot(let columns): return "encode onehot " + list(columns)
        case .scale(let columns): return "scale standard " + list(columns)
        }
    }

    /// Learns the step's values from `rows` of `table` (every row when nil) and applies it
    /// to every row.
    /// - Returns: the fitted steps (one per column for impute, encode and scale) and the table after them.
    /// - Throws: `ExpressionError` (derive), `LearningError` (nothing to learn from, an
    ///   encoding too large for memory, a name taken) or `PreparationError` (no such column).
    /// - Complexity: O(rows × columns it touches), columns in parallel.
    public func fit(_ table: Table, rows: [Int]?) throws -> (fitted: [FittedStep], table: Table) {
        var result = table
        switch self {
        case .derive(let name, let expression):
            result.setColumn(Column(name: name, data: try ExpressionEvaluator(table: table).evaluate(expression)))
            return ([.derive(name: name, expression: expression)], result)
        case .drop(let columns):
            let fitted = FittedStep.drop(columns: columns)
            return ([fitted], try fitted.apply(to: table))
        case .impute(let columns, let strategy):
            let imputers = try fitEach(columns, of: table) { try Imputer(strategy: strategy).fit($0, rows: rows) }
            for imputer in imputers { result.setColumn(imputer.apply(table.column(named: imputer.column)!)) }
            return (imputers.map(FittedStep.impute), result)
        case .oneHot(let columns):
            let encoders = try fitEach(columns, of: table) { try OneHotEncoder().fit($0, rows: rows) }
            try Self.checkOneHot(encoders, of: table)
            let encoded = Parallel.map(encoders) { encoder in encoder.apply(table.column(named: encoder.column)!) }
            for (encoder, made) in zip(encoders, encoded) { result.replaceColumn(at: result.index(of: encoder.column)!, with: made) }
            return (encoders.map(FittedStep.oneHot), result)
        case .scale(let columns):
            let scalers = try fitEach(columns, of: table) { try StandardScaler().fit($0, rows: rows) }
            let scaled = Parallel.map(scalers) { scaler in scaler.apply(table.column(named: scaler.column)!) }
            for column in scaled { result.setColumn(column) }
            return (scalers.map(FittedStep.scale), result)
        }
    }

    /// New columns must not take a name that exists (or that another encoding of the same
    /// step makes), and dense indicators (8 bytes per row and category) must fit in memory.
    static func checkOneHot(_ encoders: [FittedOneHot], of table: Table) throws {
        var taken = Set(table.columnNames)
        for encoder in encoders {
            taken.remove(encoder.column)
            if let clash = encoder.outputNames.first(where: { !taken.insert($0).inserted }) {
                throw LearningError("encoding '\(encoder.column)' would make a column '\(clash)', but that name is taken",
                                    help: "rename or drop the column '\(clash)' first, e.g. 'drop \(Tabular.Expression.quoteIdentifier(clash))'")
            }
        }
        let total = encoders.reduce(0) { $0 + $1.categories.count }
        let bytes = Double(table.rowCount) * Double(total) * 8
        let budget = Double(ProcessInfo.processInfo.physicalMemory) / 4
        if bytes > budget, let widest = encoders.max(by: { $0.categories.count < $1.categories.count }) {
            throw LearningError("one-hot encoding would add \(formatBytes(bytes)) of columns, more than a quarter of this machine's memory (\(formatBytes(budget * 4)))",
                                help: "'\(widest.column)' alone has \(widest.categories.count) categories; drop it ('drop \(Tabular.Expression.quoteIdentifier(widest.column))') or encode fewer columns")
        }
    }

    /// "6400 GB", "1.5 GB", "320 MB".
    static func formatBytes(_ bytes: Double) -> String {
        bytes >= 1e11 ? String(format: "%.0f GB", bytes / 1e9) : bytes >= 1e9 ? String(format: "%.1f GB", bytes / 1e9) : String(format: "%.0f MB", bytes / 1e6)
    }

    /// Fits one transform per named column, in parallel; the first error in column order
    /// is reported, as a sequential loop would.
    private func fitEach<T>(_ names: [String], of table: Table, _ fit: (Column) throws -> T) throws -> [T] {
        for name in names where table.column(named: name) == nil { throw PreparationError.input("there is no column '\(name)'") }
        let results = Parallel.map(names) { name in Result { try fit(table.column(named: name)!) } }
        return try results.map { try $0.get() }
    }
}

/// The unfitted preparation of a table: every step since it was loaded, in order, which
/// can be fitted again on any subset of rows (the folds of a cross-validation, a
/// retraining on new data).
public struct Recipe: Sendable, Equatable {
    public var steps: [RecipeStep] = []

    public init(_ steps: [RecipeStep] = []) {
        self.steps = steps
    }

    /// Fits every step in order on `rows` of its input (every row when nil) and applies it
    /// to every row: the fitted recipe and the prepared table.
    /// - Parameter input: the table as loaded, at the rows the current table holds.
    /// - Throws: as `RecipeStep.fit`.
    public func fit(_ input: Table, rows: [Int]?) throws -> (fitted: FittedRecipe, table: Table) {
        var table = input
        var fitted: [FittedStep] = []
        for step in steps {
            let (made, next) = try step.fit(table, rows: rows)
            fitted += made
            table = next
        }
        return (FittedRecipe(fitted), table)
    }
}

/// One fitted step with whatever it learned: applied unchanged at prediction time.
public enum FittedStep: Sendable, Equatable {
    /// A computed column.
    case derive(name: String, expression: Tabular.Expression)
    case drop(columns: [String])
    case impute(FittedImputer)
    case oneHot(FittedOneHot)
    case scale(FittedScaler)

    /// Applies the step to a table with the columns it needs.
    /// - Throws: `PreparationError.input` when a column it needs is missing, or an
    ///   expression cannot be computed on these rows.
    public func apply(to table: Table) throws -> Table {
        var result = table
        switch self {
        case .derive(let name, let expression):
            do {
                result.setColumn(Column(name: name, data: try ExpressionEvaluator(table: table).evaluate(expression)))
            } catch let error as ExpressionError {
                throw PreparationError.input("cannot derive '\(name)': \(error.message)")
            }
        case .drop(let columns):
            result.removeColumns(named: Set(columns))
        case .impute(let imputer):
            result.setColumn(imputer.apply(try required(imputer.column, in: table)))
        case .oneHot(let encoder):
            let column = try required(encoder.column, in: table)
            let index = table.index(of: column.name)!
            if let clash = table.collisions(replacingColumnAt: index, with: encoder.outputNames).first {
                throw PreparationError.input("encoding '\(encoder.column)' makes the column '\(clash)', which the data already has")
            }
            result.replaceColumn(at: index, with: encoder.apply(column))
        case .scale(let scaler):
            result.setColumn(scaler.apply(try required(scaler.column, in: table)))
        }
        return result
    }

    /// Checks that the learned values make sense for the columns of `table` (the columns
    /// the step will be applied to), beyond what `apply` needs: a loaded bundle's steps
    /// are data from a file, and a wrong one must be refused, not applied silently.
    /// - Throws: `PreparationError`.
    public func check(against table: Table) throws {
        switch self {
        case .derive(let name, _):
            guard !name.isEmpty else { throw PreparationError.corrupt("a derive step has no column name") }
        case .drop(let columns):
            for name in columns where table.column(named: name) == nil {
                throw PreparationError.corrupt("it drops '\(name)', which is not a column at that point")
            }
        case .impute(let imputer):
            let column = try required(imputer.column, in: table)
            switch (column.type, imputer.fill) {
            case (.number, .number(let v)) where v.isFinite: break
            case (.text, .text), (.boolean, .boolean): break
            default: throw PreparationError.corrupt("its fill value \(imputer.fill.displayText) does not suit the \(column.type.rawValue) column '\(column.name)'")
            }
        case .oneHot(let encoder):
            let column = try required(encoder.column, in: table)
            guard column.type != .number else { throw PreparationError.corrupt("it one-hot encodes '\(column.name)', a number column") }
            guard !encoder.categories.isEmpty, Set(encoder.categories).count == encoder.categories.count else {
                throw PreparationError.corrupt("its categories are empty or repeated")
            }
        case .scale(let scaler):
            let column = try required(scaler.column, in: table)
            guard column.type == .number else { throw PreparationError.corrupt("it scales '\(column.name)', a \(column.type.rawValue) column") }
            guard scaler.mean.isFinite, scaler.deviation.isFinite, scaler.deviation > 0 else {
                throw PreparationError.corrupt("its standard deviation is \(scaler.deviation), but dividing needs a finite number above 0")
            }
        }
    }

    private func required(_ name: String, in table: Table) throws -> Column {
        guard let column = table.column(named: name) else { throw PreparationError.input("the input has no column '\(name)'") }
        return column
    }

    /// Whether the step learned from data (so leakage matters).
    public var isLearned: Bool {
        switch self {
        case .derive, .drop: return false
        case .impute, .oneHot, .scale: return true
        }
    }

    /// The step with what it learned, in a line.
    public var summary: String {
        switch self {
        case .derive(let name, let expression): return "derive \(name) = \(expression)"
        case .drop(let columns): return "drop " + columns.joined(separator: ", ")
        case .impute(let imputer): return "impute \(imputer.column) with \(imputer.fill.displayText)"
        case .oneHot(let encoder): return "onehot \(encoder.column) -> \(Plural.count(encoder.categories.count, "column"))"
        case .scale(let scaler):
            return "scale \(scaler.column): (x - \(NumberFormatting.significant(scaler.mean))) / \(NumberFormatting.significant(scaler.deviation))"
        }
    }
}

/// The fitted preparation a model carries: applied in order to raw rows (conformed to
/// the model's input schema) before its features are read.
public struct FittedRecipe: Sendable, Equatable {
    public var steps: [FittedStep]

    public init(_ steps: [FittedStep] = []) {
        self.steps = steps
    }

    /// Applies every step in order.
    /// - Throws: `PreparationError`.
    public func apply(to table: Table) throws -> Table {
        try steps.reduce(table) { try $1.apply(to: $0) }
    }

    public var count: Int { steps.count }
    public var isEmpty: Bool { steps.isEmpty }
}

/// Bundle JSON: the array of steps.
extension FittedRecipe: Codable {
    public init(from decoder: Decoder) throws {
        steps = try decoder.singleValueContainer().decode([FittedStep].self)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(steps)
    }
}

/// Bundle JSON: one flat object per step, named by `step`, e.g.
/// `{"step": "impute", "column": "sex", "fill": "male"}`. A derive's expression is stored
/// as its canonical text and parsed on reading (by Tabular's expression parser, so a
/// scorer needs no command language).
extension FittedStep: Codable {
    private enum CodingKeys: String, CodingKey {
        case step, column, columns, expression, fill, categories, mean, std
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let step = try c.decode(String.self, forKey: .step)
        switch step {
        case "derive":
            let source = try c.decode(String.self, forKey: .expression)
            do {
                self = .derive(name: try c.decode(String.self, forKey: .column), expression: try ExpressionParser.parse(Array(source), from: 0))
            } catch let error as ExpressionError {
                throw DecodingError.dataCorruptedError(forKey: .expression, in: c, debugDescription: "the expression '\(source)' does not parse (\(error.message))")
            }
        case "drop":
            self = .drop(columns: try c.decode([String].self, forKey: .columns))
        case "impute":
            self = .impute(FittedImputer(column: try c.decode(String.self, forKey: .column), fill: try c.decode(FillValue.self, forKey: .fill)))
        case "onehot":
            self = .oneHot(FittedOneHot(column: try c.decode(String.self, forKey: .column),
                                        categories: try c.decode([String].self, forKey: .categories)))
        case "scale":
            self = .scale(FittedScaler(column: try c.decode(String.self, forKey: .column), mean: try c.decode(Double.self, forKey: .mean),
                                       deviation: try c.decode(Double.self, forKey: .std)))
        default:
            throw DecodingError.dataCorruptedError(forKey: .step, in: c, debugDescription: "unknown preparation step '\(step)'")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .derive(let name, let expression):
            try c.encode("derive", forKey: .step)
            try c.encode(name, forKey: .column)
            try c.encode(expression.description, forKey: .expression)
        case .drop(let columns):
            try c.encode("drop", forKey: .step)
            try c.encode(columns, forKey: .columns)
        case .impute(let imputer):
            try c.encode("impute", forKey: .step)
            try c.encode(imputer.column, forKey: .column)
            try c.encode(imputer.fill, forKey: .fill)
        case .oneHot(let encoder):
            try c.encode("onehot", forKey: .step)
            try c.encode(encoder.column, forKey: .column)
            try c.encode(encoder.categories, forKey: .categories)
        case .scale(let scaler):
            try c.encode("scale", forKey: .step)
            try c.encode(scaler.column, forKey: .column)
            try c.encode(scaler.mean, forKey: .mean)
            try c.encode(scaler.deviation, forKey: .std)
        }
    }
}

extension ImputeStrategy {
    /// As a command writes it.
    public var text: String {
        switch self {
        case .mean: return "mean"
        case .median: return "median"
        case .mode: return "mode"
        case .value(let value): return Double(value) != nil ? value : "\"\(value)\""
        }
    }
}

extension FillValue {
    /// As listings show it: numbers with 6 significant digits, text quoted.
    public var displayText: String {
        switch self {
        case .number(let v): return NumberFormatting.significant(v)
        case .text(let v): return "\"\(v)\""
        case .boolean(let v): return v ? "true" : "false"
        }
    }
}
