import Tabular

/// How `impute` chooses the fill value.
public enum ImputeStrategy: Sendable, Equatable {
    case mean, median, mode
    /// A constant given by the user (text, number or boolean as written).
    case value(String)

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

/// `impute COLUMNS with STRATEGY [indicator]`: missing values filled with a statistic of
/// the fitting rows or a constant; with `indicator`, a boolean column `COL_missing` beside
/// each column that had missing values in the fitting rows says which rows were filled (as
/// scikit-learn's `SimpleImputer(add_indicator=True)`).
public struct ImputeStep: PreparationStep {
    public var columns: [String]
    public var strategy: ImputeStrategy
    public var indicator: Bool

    public init(columns: [String], strategy: ImputeStrategy, indicator: Bool = false) {
        self.columns = columns
        self.strategy = strategy
        self.indicator = indicator
    }

    public var verb: String { "impute" }
    public var text: String { "impute \(listText(columns)) with \(strategy.text)" + (indicator ? " indicator" : "") }
    public var isLearned: Bool { true }

    public func fit(_ table: Table, rows: [Int]?) throws -> (fitted: [FittedStep], table: Table) {
        var imputers = try fitEach(columns, of: table) { try Imputer(strategy: strategy).fit($0, rows: rows) }
        if indicator {
            var taken = Set(table.columnNames)
            for k in imputers.indices {
                let column = table.column(named: imputers[k].name)!
                guard column.hasMissing(among: rows) else { continue }
                let name = "\(column.name)_missing"
                guard taken.insert(name).inserted else {
                    throw LearningError("the missing-value indicator of '\(column.name)' would be named '\(name)', but that name is taken",
                                        help: "rename the column '\(name)' first")
                }
                imputers[k].indicator = name
            }
        }
        var result = table
        for imputer in imputers {
            let column = table.column(named: imputer.name)!
            result.replaceColumn(at: result.index(of: imputer.name)!, with: imputer.columns(from: column))
        }
        return (imputers.map(FittedStep.init), result)
    }
}

/// A fill value learned by `Imputer.fit`, applied unchanged at prediction time.
public enum FillValue: Sendable, Equatable {
    case number(Double)
    case text(String)
    case boolean(Bool)
}

/// JSON: the bare value (`44.4`, `"male"`, `true`).
extension FillValue: Codable {
    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let flag = try? c.decode(Bool.self) { self = .boolean(flag) }
        else if let number = try? c.decode(Double.self) { self = .number(number) }
        else { self = .text(try c.decode(String.self)) }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .number(let v): try c.encode(v)
        case .text(let v): try c.encode(v)
        case .boolean(let v): try c.encode(v)
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

/// Learns a fill value for one column from the fitting rows.
public struct Imputer: Sendable {
    public var strategy: ImputeStrategy

    public init(strategy: ImputeStrategy) {
        self.strategy = strategy
    }

    /// Learns the fill value from the given rows of `column` (all rows when nil).
    public func fit(_ column: Column, rows: [Int]?) throws -> FittedImputer {
        if column.type == .date {
            throw LearningError("'\(column.name)' holds dates, which impute does not fill",
                                help: "drop the rows without one (dropna \(column.name)), or derive its parts first: derive \(column.name)_year = year(\(column.name))")
        }
        switch strategy {
        case .mean, .median:
            guard case .number(let values) = column.data else {
                throw LearningError("cannot take the \(strategy == .mean ? "mean" : "median") of '\(column.name)': it is \(column.type.rawValue)",
                                    help: "use 'mode' or a value for text and boolean columns")
            }
            if strategy == .mean {
                let (mean, count) = presentMean(values, rows: rows)
                guard count > 0 else { throw LearningError("'\(column.name)' has no values to learn a fill value from") }
                return FittedImputer(column: column.name, fill: .number(mean))
            }
            var present = presentValues(values, rows: rows)
            guard !present.isEmpty else { throw LearningError("'\(column.name)' has no values to learn a fill value from") }
            return FittedImputer(column: column.name, fill: .number(Statistics.quantiles(selectingIn: &present, [0.5])[0]))
        case .mode:
            let sample = rows.map { column.gathering($0) } ?? column
            guard let mode = Statistics.mode(of: sample) else {
                throw LearningError("'\(column.name)' has no values to learn a fill value from")
            }
            switch mode {
            case .number(let v): return FittedImputer(column: column.name, fill: .number(v))
            case .text(let v): return FittedImputer(column: column.name, fill: .text(v))
            case .boolean(let v): return FittedImputer(column: column.name, fill: .boolean(v))
            }
        case .value(let text):
            switch column.type {
            case .number:
                guard let number = Double(text), number.isFinite else {
                    throw LearningError("'\(column.name)' holds numbers, but the fill value '\(text)' is not a number",
                                        help: Suggestions.didYouMean(text, among: ["mean", "median", "mode"]))
                }
                return FittedImputer(column: column.name, fill: .number(number))
            case .boolean:
                guard text == "true" || text == "false" else {
                    throw LearningError("'\(column.name)' holds booleans, so the fill value must be true or false")
                }
                return FittedImputer(column: column.name, fill: .boolean(text == "true"))
            case .text:
                return FittedImputer(column: column.name, fill: .text(text))
            case .date:
                preconditionFailure("dates are refused above")
            }
        }
    }
}

/// A learned fill value for one column, and the name of its missing-value indicator when
/// it has one. Bundle JSON: `{"step": "impute", "column": NAME, "fill": VALUE}`, with
/// `"indicator": NAME` when it makes one.
public struct FittedImputer: FittedTransform {
    public static let kind = "impute"
    public var name: String
    public var fill: FillValue
    /// The 0/1 column made beside it (1 where the value was missing), if any.
    public var indicator: String?

    public init(column: String, fill: FillValue, indicator: String? = nil) {
        self.name = column
        self.fill = fill
        self.indicator = indicator
    }

    /// The column with its missing cells filled, followed by its indicator when it has one.
    public func columns(from input: Column) -> [Column] {
        let filled = apply(input)
        guard let indicator else { return [filled] }
        let flags = input.missingFlags()
        return [filled, Column(name: indicator, data: .boolean(flags.map { $0 ? 1 : 0 }))]
    }

    /// The column with its missing cells filled.
    public func apply(_ input: Column) -> Column {
        switch (input.data, fill) {
        case (.number(let values), .number(let v)):
            // A column with nothing to fill is returned as it is: no copy, no fresh memory.
            guard values.contains(where: \.isNaN) else { return input }
            return Column(name: input.name, data: .number(values.mapIntoHugePages { $0.isNaN ? v : $0 }))
        case (.boolean(let values), .boolean(let v)):
            guard values.contains(Column.missingBoolean) else { return input }
            return Column(name: input.name, data: .boolean(values.map { $0 == Column.missingBoolean ? (v ? 1 : 0) : $0 }))
        case (.text(let codes, var dictionary), .text(let v)):
            guard codes.contains(where: { $0 < 0 }) else { return input }  // nothing to fill: no new category
            let code: Int32
            if let existing = dictionary.firstIndex(of: v) { code = Int32(existing) }
            else { code = Int32(dictionary.count); dictionary.append(v) }
            return Column(name: input.name, data: .text(codes: codes.map { $0 < 0 ? code : $0 }, dictionary: dictionary))
        default:
            return input
        }
    }

    public func apply(to table: Table, report: inout PreparationReport) throws -> Table {
        let column = try requiredColumn(name, in: table)
        var result = table
        let index = table.index(of: name)!
        if let indicator, let clash = table.collisions(replacingColumnAt: index, with: [name, indicator]).first {
            throw PreparationError.input("imputing '\(name)' makes the column '\(clash)', which the data already has")
        }
        result.replaceColumn(at: index, with: columns(from: column))
        return result
    }

    public func check(against table: Table) throws {
        let column = try requiredColumn(name, in: table)
        switch (column.type, fill) {
        case (.number, .number(let v)) where v.isFinite: break
        case (.text, .text), (.boolean, .boolean): break
        default: throw PreparationError.corrupt("its fill value \(fill.displayText) does not suit the \(column.type.rawValue) column '\(column.name)'")
        }
        if let indicator, indicator.isEmpty || indicator == name {
            throw PreparationError.corrupt("its missing-value indicator has no name of its own")
        }
    }

    public var column: String? { name }
    public var summary: String { "impute \(name) with \(fill.displayText)" + (indicator.map { " (indicator \($0))" } ?? "") }
    public var learnedText: String { "\(name) ← \(fill.displayText)" + (indicator.map { ", missing flagged in \($0)" } ?? "") }
    public var indicatorColumns: [String] { indicator.map { [$0] } ?? [] }
    public var producedColumns: [String] { [name] + indicatorColumns }

    private enum CodingKeys: String, CodingKey { case name = "column", fill, indicator }
}

extension Column {
    /// Whether any of `rows` (every row when nil) is missing.
    func hasMissing(among rows: [Int]?) -> Bool {
        guard let rows else { return missingCount > 0 }
        let flags = missingFlags()
        return rows.contains { flags[$0] }
    }

    /// Per row, whether the value is missing.
    func missingFlags() -> [Bool] {
        switch data {
        case .number(let values), .date(let values): return values.map(\.isNaN)
        case .text(let codes, _): return codes.map { $0 < 0 }
        case .boolean(let flags): return flags.map { $0 == Column.missingBoolean }
        }
    }
}
