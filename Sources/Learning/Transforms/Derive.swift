import Tabular

/// `derive NAME = EXPRESSION`: a computed column, computed again from new rows at
/// prediction time.
public struct DeriveStep: PreparationStep {
    public var name: String
    public var expression: Tabular.Expression

    public init(name: String, expression: Tabular.Expression) {
        self.name = name
        self.expression = expression
    }

    public var verb: String { "derive" }
    public var text: String { "derive \(name) = \(expression)" }
    public var isLearned: Bool { false }

    public func fit(_ table: Table, rows: [Int]?) throws -> (fitted: [FittedStep], table: Table) {
        var result = table
        result.setColumn(Column(name: name, data: try ExpressionEvaluator(table: table).evaluate(expression)))
        return ([FittedStep(FittedDerive(name: name, expression: expression))], result)
    }
}

/// Bundle JSON: `{"step": "derive", "column": NAME, "expression": TEXT}`. The expression is
/// stored as its canonical text and parsed on reading (by Tabular's expression parser, so a
/// scorer needs no command language).
public struct FittedDerive: FittedTransform {
    public static let kind = "derive"
    public var name: String
    public var expression: Tabular.Expression

    public init(name: String, expression: Tabular.Expression) {
        self.name = name
        self.expression = expression
    }

    public func apply(to table: Table, report: inout PreparationReport) throws -> Table {
        var result = table
        do {
            result.setColumn(Column(name: name, data: try ExpressionEvaluator(table: table).evaluate(expression)))
        } catch let error as ExpressionError {
            throw PreparationError.input("cannot derive '\(name)': \(error.message)")
        }
        return result
    }

    public func check(against table: Table) throws {
        guard !name.isEmpty else { throw PreparationError.corrupt("a derive step has no column name") }
    }

    public var column: String? { nil }
    public var summary: String { "derive \(name) = \(expression)" }
    public var producedColumns: [String] { [name] }

    private enum CodingKeys: String, CodingKey { case column, expression }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let source = try c.decode(String.self, forKey: .expression)
        name = try c.decode(String.self, forKey: .column)
        do {
            expression = try ExpressionParser.parse(Array(source), from: 0)
        } catch let error as ExpressionError {
            throw DecodingError.dataCorruptedError(forKey: .expression, in: c, debugDescription: "the expression '\(source)' does not parse (\(error.message))")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .column)
        try c.encode(expression.description, forKey: .expression)
    }
}
