import Tabular

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
    /// - Throws: as `PreparationStep.fit`.
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

/// The fitted preparation a model carries: applied in order to raw rows (conformed to
/// the model's input schema) before its features are read.
public struct FittedRecipe: Sendable, Equatable {
    public var steps: [FittedStep]

    public init(_ steps: [FittedStep] = []) {
        self.steps = steps
    }

    /// Applies every step in order, noting in `report` what new rows did that the
    /// training rows did not.
    /// - Throws: `PreparationError`.
    public func apply(to table: Table, report: inout PreparationReport) throws -> Table {
        try steps.reduce(table) { try $1.apply(to: $0, report: &report) }
    }

    /// Applies every step in order.
    /// - Throws: `PreparationError`.
    public func apply(to table: Table) throws -> Table {
        var report = PreparationReport()
        return try apply(to: table, report: &report)
    }

    /// The 0/1 indicator columns the steps make (which `numeric` leaves out).
    public var indicatorColumns: Set<String> { Set(steps.flatMap(\.indicatorColumns)) }

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
