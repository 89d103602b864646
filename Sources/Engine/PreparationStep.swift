import CommandLanguage
import Learning
import Tabular

/// One transform applied to a table since it was loaded, with whatever it learned.
/// Stored with every model, so prediction applies exactly what training applied.
public enum PreparationStep: Sendable, Equatable {
    /// A computed column; the expression is kept as its canonical source text.
    case derive(name: String, expression: String)
    case drop(columns: [String])
    case impute(FittedImputer)
    case oneHot(FittedOneHot)
    case scale(FittedScaler)

    /// Applies the step to a table with the columns it needs.
    public func apply(to table: Table) throws -> Table {
        var result = table
        switch self {
        case .derive(let name, let source):
            guard let parsed = try? ExpressionParser.parse(Array(source), from: 0) else {
                throw EngineError.corrupt("the stored expression '\(source)' does not parse")
            }
            do {
                let values = try ExpressionEvaluator(table: table).evaluate(parsed)
                result.setColumn(Column(name: name, data: values))
            } catch let error as ExpressionError {
                throw EngineError.input("cannot derive '\(name)': \(error.message)")
            }
        case .drop(let columns):
            result.removeColumns(named: Set(columns))
        case .impute(let imputer):
            let column = try required(imputer.column, in: table)
            result.setColumn(imputer.apply(column))
        case .oneHot(let encoder):
            let column = try required(encoder.column, in: table)
            let index = table.index(of: column.name)!
            if let clash = table.collisions(replacingColumnAt: index, with: encoder.outputNames).first {
                throw EngineError.input("encoding '\(encoder.column)' makes the column '\(clash)', which the data already has")
            }
            result.replaceColumn(at: index, with: encoder.apply(column))
        case .scale(let scaler):
            let column = try required(scaler.column, in: table)
            result.setColumn(scaler.apply(column))
        }
        return result
    }

    /// Checks that the step's learned values make sense for the columns of `table` (the
    /// columns it will be applied to), beyond what `apply` needs: a loaded bundle's steps
    /// are data from a file, and a wrong one must be refused, not applied silently.
    func check(against table: Table) throws {
        switch self {
        case .derive(let name, let source):
            guard !name.isEmpty else { throw EngineError.corrupt("a derive step has no column name") }
            guard (try? ExpressionParser.parse(Array(source), from: 0)) != nil else {
                throw EngineError.corrupt("the expression '\(source)' does not parse")
            }
        case .drop(let columns):
            for name in columns where table.column(named: name) == nil {
                throw EngineError.corrupt("it drops '\(name)', which is not a column at that point")
            }
        case .impute(let imputer):
            let column = try required(imputer.column, in: table)
            switch (column.type, imputer.fill) {
            case (.number, .number(let v)) where v.isFinite: break
            case (.text, .text), (.boolean, .boolean): break
            default: throw EngineError.corrupt("its fill value \(imputer.fill.displayText) does not suit the \(column.type.rawValue) column '\(column.name)'")
            }
        case .oneHot(let encoder):
            let column = try required(encoder.column, in: table)
            guard column.type != .number else { throw EngineError.corrupt("it one-hot encodes '\(column.name)', a number column") }
            guard !encoder.categories.isEmpty, Set(encoder.categories).count == encoder.categories.count else {
                throw EngineError.corrupt("its categories are empty or repeated")
            }
        case .scale(let scaler):
            let column = try required(scaler.column, in: table)
            guard column.type == .number else { throw EngineError.corrupt("it scales '\(column.name)', a \(column.type.rawValue) column") }
            guard scaler.mean.isFinite, scaler.deviation.isFinite, scaler.deviation > 0 else {
                throw EngineError.corrupt("its standard deviation is \(scaler.deviation), but dividing needs a finite number above 0")
            }
        }
    }

    private func required(_ name: String, in table: Table) throws -> Column {
        guard let column = table.column(named: name) else {
            throw EngineError.input("the input has no column '\(name)'")
        }
        return column
    }

    /// A short description for `history`-like listings and bundle manifests.
    public var summary: String {
        switch self {
        case .derive(let name, let expression): return "derive \(name) = \(expression)"
        case .drop(let columns): return "drop " + columns.joined(separator: ", ")
        case .impute(let imputer):
            return "impute \(imputer.column) with \(imputer.fill.displayText)"
        case .oneHot(let encoder): return "onehot \(encoder.column) -> \(Plural.count(encoder.categories.count, "column"))"
        case .scale(let scaler):
            return "scale \(scaler.column): (x - \(NumberFormatting.significant(scaler.mean))) / \(NumberFormatting.significant(scaler.deviation))"
        }
    }
}

/// Applies steps in order.
extension Array where Element == PreparationStep {
    func apply(to table: Table) throws -> Table {
        try reduce(table) { try $1.apply(to: $0) }
    }
}

/// Bundle JSON: one flat object per step, named by `step`, e.g.
/// `{"step": "impute", "column": "sex", "fill": "male"}`.
extension PreparationStep: Codable {
    private enum CodingKeys: String, CodingKey {
        case step, column, columns, expression, fill, categories, mean, std
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let step = try c.decode(String.self, forKey: .step)
        switch step {
        case "derive":
            self = .derive(name: try c.decode(String.self, forKey: .column), expression: try c.decode(String.self, forKey: .expression))
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
            try c.encode(expression, forKey: .expression)
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
