import Tabular

/// `cast COLUMNS to TYPE`. At the prompt a value that does not convert is refused, naming
/// two examples; at prediction, naming the row.
public struct CastStep: PreparationStep {
    public var columns: [String]
    public var type: ColumnType

    public init(columns: [String], type: ColumnType) {
        self.columns = columns
        self.type = type
    }

    public var verb: String { "cast" }
    public var text: String { "cast \(listText(columns)) to \(type.rawValue)" }
    public var isLearned: Bool { false }

    public func fit(_ table: Table, rows: [Int]?) throws -> (fitted: [FittedStep], table: Table) {
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
        return try applyEach(columns.map { FittedStep(FittedCast(column: $0, type: type)) }, to: table)
    }
}

/// Bundle JSON: `{"step": "cast", "column": NAME, "type": TYPE}`.
public struct FittedCast: FittedTransform {
    public static let kind = "cast"
    public var name: String
    public var type: ColumnType

    public init(column: String, type: ColumnType) {
        self.name = column
        self.type = type
    }

    public func apply(to table: Table, report: inout PreparationReport) throws -> Table {
        let original = try requiredColumn(name, in: table)
        guard original.canCast(to: type) else {
            throw PreparationError.input("column '\(name)' is \(original.type.rawValue), which does not convert to \(type.rawValue)")
        }
        let (column, failures) = original.cast(to: type)
        if let failure = failures.first {
            throw PreparationError.rows(failures.map(\.row), column: name,
                                        reason: "'\(name)' should convert to \(type.rawValue)")
        }
        var result = table
        result.setColumn(column)
        return result
    }

    public func check(against table: Table) throws { _ = try requiredColumn(name, in: table) }

    public var column: String? { name }
    public var summary: String { "cast \(name) to \(type.rawValue)" }

    private enum CodingKeys: String, CodingKey { case name = "column", type }
}
