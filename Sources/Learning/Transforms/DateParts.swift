import Tabular

/// `dateparts COLUMNS`: each date column replaced by number columns of its parts
/// (UTC): `COL_year`, `COL_month`, `COL_day`, `COL_weekday` (1 Monday to 7 Sunday), and
/// `COL_hour` when a fitting row has a time of day other than midnight. Missing stays
/// missing.
public struct DatePartsStep: PreparationStep {
    public var columns: [String]

    public init(columns: [String]) {
        self.columns = columns
    }

    public var verb: String { "dateparts" }
    public var text: String { "dateparts " + listText(columns) }
    /// Only whether to make an hour column is learned, which cannot leak a target.
    public var isLearned: Bool { false }

    public func fit(_ table: Table, rows: [Int]?) throws -> (fitted: [FittedStep], table: Table) {
        let fitted = try fitEach(columns, of: table) { column -> FittedDateParts in
            guard case .date(let seconds) = column.data else {
                throw LearningError("'\(column.name)' is \(column.type.rawValue); dateparts takes date columns",
                                    help: column.type == .text ? "cast it to a date first: cast \(Tabular.Expression.quoteIdentifier(column.name)) to date" : nil)
            }
            let timed = (rows ?? Array(seconds.indices)).contains { row in
                let value = seconds[row]
                return !value.isNaN && value.truncatingRemainder(dividingBy: 86_400) != 0
            }
            return FittedDateParts(column: column.name, parts: DatePart.allCases.filter { $0 != .hour || timed })
        }
        var result = table
        for parts in fitted { result = try parts.apply(to: result) }
        return (fitted.map(FittedStep.init), result)
    }
}

/// A part of a date.
public enum DatePart: String, Sendable, Codable, CaseIterable {
    case year, month, day, weekday, hour

    func value(_ seconds: Double) -> Double {
        guard !seconds.isNaN, seconds.isFinite else { return .nan }
        let c = Dates.components(seconds)
        switch self {
        case .year: return Double(c.year)
        case .month: return Double(c.month)
        case .day: return Double(c.day)
        case .weekday: return Double(c.weekday)
        case .hour: return Double(c.hour)
        }
    }
}

/// Bundle JSON: `{"step": "dateparts", "column": NAME, "parts": ["year", …]}`.
public struct FittedDateParts: FittedTransform {
    public static let kind = "dateparts"
    public var name: String
    public var parts: [DatePart]

    public init(column: String, parts: [DatePart]) {
        self.name = column
        self.parts = parts
    }

    public var outputNames: [String] { parts.map { "\(name)_\($0.rawValue)" } }

    public func apply(to table: Table, report: inout PreparationReport) throws -> Table {
        let column = try requiredColumn(name, in: table)
        guard case .date(let seconds) = column.data else {
            throw PreparationError.input("column '\(name)' should hold dates to take their parts")
        }
        let index = table.index(of: name)!
        if let clash = table.collisions(replacingColumnAt: index, with: outputNames).first {
            throw PreparationError.input("the parts of '\(name)' make the column '\(clash)', which the data already has")
        }
        var result = table
        result.replaceColumn(at: index, with: zip(parts, outputNames).map { part, output in
            Column(name: output, numbers: seconds.map(part.value))
        })
        return result
    }

    public func check(against table: Table) throws {
        let column = try requiredColumn(name, in: table)
        guard column.type == .date else { throw PreparationError.corrupt("it takes the parts of '\(name)', a \(column.type.rawValue) column") }
        guard !parts.isEmpty, Set(parts).count == parts.count else { throw PreparationError.corrupt("its parts are empty or repeated") }
    }

    public var column: String? { name }
    public var producedColumns: [String] { outputNames }
    public var summary: String { "dateparts \(name) -> " + outputNames.joined(separator: ", ") }
    public var learnedText: String { "\(name) → " + outputNames.joined(separator: ", ") }

    private enum CodingKeys: String, CodingKey { case name = "column", parts }
}
