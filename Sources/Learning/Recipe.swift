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
    /// Keep these columns (the engine adds the target), dropping the others.
    case select(columns: [String])
    case rename(from: String, to: String)
    case cast(columns: [String], type: ColumnType)
    /// Replace one value (or missing, nil) by another (or missing) in each column.
    case replace(columns: [String], from: String?, to: String?)
    case clip(columns: [String], bounds: ClipBounds)
    case impute(columns: [String], strategy: ImputeStrategy)
    case oneHot(columns: [String])
    case scale(columns: [String])

    /// Whether the step learns from the rows it is fitted on (so leakage matters).
    public var isLearned: Bool {
        switch self {
        case .derive, .drop, .select, .rename, .cast, .replace: return false
        case .clip(_, let bounds): return bounds.isLearned
        case .impute, .oneHot, .scale: return true
        }
    }

    /// How many fitted steps the step makes (one per column for the per-column steps).
    public var fittedCount: Int {
        switch self {
        case .derive, .drop, .select, .rename: return 1
        case .cast(let columns, _), .replace(let columns, _, _), .clip(let columns, _), .impute(let columns, _),
             .oneHot(let columns), .scale(let columns):
            return columns.count
        }
    }

    /// The step as a command line would ask for it.
    public var text: String {
        func list(_ columns: [String]) -> String {
            columns.count <= 4 ? columns.joined(separator: ", ") : columns.prefix(3).joined(separator: ", ") + ", … (\(columns.count) columns)"
        }
        func value(_ text: String?) -> String { text.map { Double($0) != nil ? $0 : "\"\($0)\"" } ?? "missing" }
        switch self {
        case .derive(let name, let expression): return "derive \(name) = \(expression)"
        case .drop(let columns): return "drop " + list(columns)
        case .select(let columns): return "select " + list(columns)
        case .rename(let from, let to): return "rename \(from) to \(to)"
        case .cast(let columns, let type): return "cast \(list(columns)) to \(type.rawValue)"
        case .replace(let columns, let from, let to): return "replace \(value(from)) with \(value(to)) in \(list(columns))"
        case .clip(let columns, let bounds): return "clip \(list(columns)) \(bounds.text)"
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
        case .select(let columns):
            for name in columns where table.column(named: name) == nil { throw PreparationError.input("there is no column '\(name)'") }
            let fitted = FittedStep.drop(columns: table.columnNames.filter { !columns.contains($0) })
            return ([fitted], try fitted.apply(to: table))
        case .rename(let from, let to):
            let fitted = FittedStep.rename(from: from, to: to)
            return ([fitted], try fitted.apply(to: table))
        case .cast(let columns, let type):
            // At the prompt a value that does not convert is refused, naming two examples.
            for name in columns {
                guard let column = table.column(named: name) else { throw PreparationError.input("there is no column '\(name)'") }
                guard column.canCast(to: type) else {
                    throw LearningError("'\(name)' is \(column.type.rawValue) and cannot become \(type.rawValue)",
                                        help: type == .date ? "dates are read from text such as \"2024-03-31\"; cast to text first if the numbers are written that way"
                                                            : "take a number from the date with year(...), month(...), day(...), weekday(...), hour(...) or days_between(start, end) in derive")
                }
                let failures = column.cast(to: type).failures
                if !failures.isEmpty {
                    // Two different values when there are two: the same one twice says less.
                    var examples = [failures[0]]
                    if let other = failures.first(where: { $0.text != failures[0].text }) ?? failures.dropFirst().first { examples.append(other) }
                    let shown = examples.map { "'\($0.text)' (row \($0.row + 1))" }.joined(separator: " and ")
                    throw LearningError("cannot cast '\(name)' to \(type.rawValue): \(Plural.count(failures.count, "value")) \(failures.count == 1 ? "does" : "do") not convert, e.g. \(shown)",
                                        help: type == .date ? "dates are read as in ISO 8601: 2024-03-31, 2024-03-31T14:30:00 or 2024-03-31 14:30:00+02:00"
                                            : type == .number ? "if they stand for missing values, 'replace \"\(failures[0].text)\" with missing in \(Tabular.Expression.quoteIdentifier(name))' first" : nil)
                }
            }
            return try applyEach(columns.map { FittedStep.cast(column: $0, type: type) }, to: table)
        case .replace(let columns, let from, let to):
            let fitted = try columns.map { name -> FittedStep in
                guard let column = table.column(named: name) else { throw PreparationError.input("there is no column '\(name)'") }
                return .replace(column: name, from: try FillValue.reading(from, for: column), to: try FillValue.reading(to, for: column))
            }
            return try applyEach(fitted, to: table)
        case .clip(let columns, let bounds):
            let fitted = try fitEach(columns, of: table) { column -> FittedStep in
                guard case .number(let values) = column.data else {
                    throw LearningError("'\(column.name)' is \(column.type.rawValue); only number columns can be clipped")
                }
                switch bounds {
                case .between(let lower, let upper):
                    return .clip(column: column.name, lower: lower, upper: upper)
                case .iqr(let k):
                    var present = presentValues(values, rows: rows)
                    guard !present.isEmpty else { throw LearningError("'\(column.name)' has no values to learn its quartiles from") }
                    let q = Statistics.quantiles(selectingIn: &present, [0.25, 0.75])
                    return .clip(column: column.name, lower: q[0] - k * (q[1] - q[0]), upper: q[1] + k * (q[1] - q[0]))
                }
            }
            return try applyEach(fitted, to: table)
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

    /// Applies fitted steps in order.
    private func applyEach(_ fitted: [FittedStep], to table: Table) throws -> (fitted: [FittedStep], table: Table) {
        (fitted, try fitted.reduce(table) { try $1.apply(to: $0) })
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

/// The bounds of `clip`: given, or learned from the training rows' quartiles.
public enum ClipBounds: Sendable, Equatable {
    case between(Double, Double)
    /// Q1 − k·IQR to Q3 + k·IQR (Tukey's fences; k = 1.5 is the usual).
    case iqr(Double)

    public var isLearned: Bool {
        if case .iqr = self { return true }
        return false
    }

    /// As a command writes it.
    public var text: String {
        switch self {
        case .between(let lower, let upper): return "between \(NumberFormatting.shortest(lower)) and \(NumberFormatting.shortest(upper))"
        case .iqr(let k): return "iqr k=\(NumberFormatting.shortest(k))"
        }
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
    case rename(from: String, to: String)
    case cast(column: String, type: ColumnType)
    /// One value (nil: missing) replaced by another (nil: missing).
    case replace(column: String, from: FillValue?, to: FillValue?)
    /// Values below `lower` become `lower`, above `upper` become `upper`.
    case clip(column: String, lower: Double, upper: Double)
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
        case .rename(let from, let to):
            let column = try required(from, in: table)
            if from != to, table.column(named: to) != nil {
                throw PreparationError.input("renaming '\(from)' to '\(to)' would repeat the column '\(to)'")
            }
            result.replaceColumn(at: table.index(of: from)!, with: [Column(name: to, data: column.data)])
        case .cast(let name, let type):
            let original = try required(name, in: table)
            guard original.canCast(to: type) else {
                throw PreparationError.input("column '\(name)' is \(original.type.rawValue), which does not convert to \(type.rawValue)")
            }
            let (column, failures) = original.cast(to: type)
            if let failure = failures.first {
                throw PreparationError.input("column '\(name)' should convert to \(type.rawValue), but row \(failure.row + 1) has '\(failure.text)'")
            }
            result.setColumn(column)
        case .replace(let name, let from, let to):
            result.setColumn(try required(name, in: table).replacing(from, with: to))
        case .clip(let name, let lower, let upper):
            let column = try required(name, in: table)
            guard let values = column.numericValues, column.type == .number else {
                throw PreparationError.input("column '\(name)' should hold numbers to be clipped")
            }
            result.setColumn(Column(name: name, numbers: values.map { $0.isNaN ? $0 : min(max($0, lower), upper) }))
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
        case .rename(let from, let to):
            _ = try required(from, in: table)
            guard !to.isEmpty else { throw PreparationError.corrupt("it renames '\(from)' to an empty name") }
        case .cast(let name, _):
            _ = try required(name, in: table)
        case .replace(let name, let from, let to):
            let column = try required(name, in: table)
            for value in [from, to].compactMap({ $0 }) where !value.suits(column.type) {
                throw PreparationError.corrupt("its value \(value.displayText) does not suit the \(column.type.rawValue) column '\(name)'")
            }
        case .clip(let name, let lower, let upper):
            let column = try required(name, in: table)
            guard column.type == .number else { throw PreparationError.corrupt("it clips '\(name)', a \(column.type.rawValue) column") }
            guard lower.isFinite, upper.isFinite, lower <= upper else {
                throw PreparationError.corrupt("its bounds \(lower) and \(upper) are not finite numbers in order")
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

    /// The one column a per-column step works on (nil for derive, drop and rename).
    public var column: String? {
        switch self {
        case .derive, .drop, .rename: return nil
        case .cast(let column, _), .replace(let column, _, _), .clip(let column, _, _): return column
        case .impute(let imputer): return imputer.column
        case .oneHot(let encoder): return encoder.column
        case .scale(let scaler): return scaler.column
        }
    }

    /// The step with what it learned, in a line.
    public var summary: String {
        switch self {
        case .derive(let name, let expression): return "derive \(name) = \(expression)"
        case .drop(let columns): return "drop " + columns.joined(separator: ", ")
        case .rename(let from, let to): return "rename \(from) to \(to)"
        case .cast(let column, let type): return "cast \(column) to \(type.rawValue)"
        case .replace(let column, let from, let to):
            return "replace \(from?.displayText ?? "missing") with \(to?.displayText ?? "missing") in \(column)"
        case .clip(let column, let lower, let upper):
            return "clip \(column) between \(NumberFormatting.significant(lower)) and \(NumberFormatting.significant(upper))"
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
        case step, column, columns, expression, fill, categories, mean, std, to, type, from, lower, upper
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
        case "rename":
            self = .rename(from: try c.decode(String.self, forKey: .column), to: try c.decode(String.self, forKey: .to))
        case "cast":
            self = .cast(column: try c.decode(String.self, forKey: .column), type: try c.decode(ColumnType.self, forKey: .type))
        case "replace":
            self = .replace(column: try c.decode(String.self, forKey: .column), from: try c.decode(FillValue?.self, forKey: .from),
                            to: try c.decode(FillValue?.self, forKey: .to))
        case "clip":
            self = .clip(column: try c.decode(String.self, forKey: .column), lower: try c.decode(Double.self, forKey: .lower),
                         upper: try c.decode(Double.self, forKey: .upper))
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
        case .rename(let from, let to):
            try c.encode("rename", forKey: .step)
            try c.encode(from, forKey: .column)
            try c.encode(to, forKey: .to)
        case .cast(let column, let type):
            try c.encode("cast", forKey: .step)
            try c.encode(column, forKey: .column)
            try c.encode(type, forKey: .type)
        case .replace(let column, let from, let to):
            try c.encode("replace", forKey: .step)
            try c.encode(column, forKey: .column)
            try c.encode(from, forKey: .from)
            try c.encode(to, forKey: .to)
        case .clip(let column, let lower, let upper):
            try c.encode("clip", forKey: .step)
            try c.encode(column, forKey: .column)
            try c.encode(lower, forKey: .lower)
            try c.encode(upper, forKey: .upper)
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
    /// A value written in a command (nil: `missing`) in the type of `column`.
    /// - Throws: `LearningError` when it does not suit the column.
    static func reading(_ text: String?, for column: Column) throws -> FillValue? {
        guard let text else { return nil }
        switch column.type {
        case .number:
            guard let number = Double(text), number.isFinite else {
                throw LearningError("'\(column.name)' holds numbers, but '\(text)' is not a number")
            }
            return .number(number)
        case .boolean:
            guard text == "true" || text == "false" else { throw LearningError("'\(column.name)' holds booleans: true or false, not '\(text)'") }
            return .boolean(text == "true")
        case .text:
            return .text(text)
        case .date:
            throw LearningError("'\(column.name)' holds dates, whose values replace does not change",
                                help: "filter the rows instead, e.g. filter \(column.name) != \"\(text)\"")
        }
    }

    /// Whether the value can be in a column of this type.
    func suits(_ type: ColumnType) -> Bool {
        switch (self, type) {
        case (.number(let v), .number): return v.isFinite
        case (.text, .text), (.boolean, .boolean): return true
        default: return false
        }
    }

    /// As listings show it: numbers with 6 significant digits, text quoted.
    public var displayText: String {
        switch self {
        case .number(let v): return NumberFormatting.significant(v)
        case .text(let v): return "\"\(v)\""
        case .boolean(let v): return v ? "true" : "false"
        }
    }
}
