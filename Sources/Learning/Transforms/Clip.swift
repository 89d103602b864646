import Tabular

/// `clip COLUMNS between A and B` or `clip COLUMNS iqr k=K`: values below the lower bound
/// become it, above the upper bound become it.
public struct ClipStep: PreparationStep {
    public var columns: [String]
    public var bounds: ClipBounds

    public init(columns: [String], bounds: ClipBounds) {
        self.columns = columns
        self.bounds = bounds
    }

    public var verb: String { "clip" }
    public var text: String { "clip \(listText(columns)) \(bounds.text)" }
    public var isLearned: Bool { bounds.isLearned }

    public func fit(_ table: Table, rows: [Int]?) throws -> (fitted: [FittedStep], table: Table) {
        let fitted = try fitEach(columns, of: table) { column -> FittedStep in
            guard case .number(let values) = column.data else {
                throw LearningError("'\(column.name)' is \(column.type.rawValue); only number columns can be clipped")
            }
            switch bounds {
            case .between(let lower, let upper):
                return FittedStep(FittedClip(column: column.name, lower: lower, upper: upper))
            case .iqr(let k):
                var present = presentValues(values, rows: rows)
                guard !present.isEmpty else { throw LearningError("'\(column.name)' has no values to learn its quartiles from") }
                let q = Statistics.quantiles(selectingIn: &present, [0.25, 0.75])
                return FittedStep(FittedClip(column: column.name, lower: q[0] - k * (q[1] - q[0]), upper: q[1] + k * (q[1] - q[0])))
            }
        }
        return try applyEach(fitted, to: table)
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

/// Bundle JSON: `{"step": "clip", "column": NAME, "lower": A, "upper": B}`.
public struct FittedClip: FittedTransform {
    public static let kind = "clip"
    public var name: String
    public var lower: Double
    public var upper: Double

    public init(column: String, lower: Double, upper: Double) {
        self.name = column
        self.lower = lower
        self.upper = upper
    }

    public func apply(to table: Table, report: inout PreparationReport) throws -> Table {
        let column = try requiredColumn(name, in: table)
        guard let values = column.numericValues, column.type == .number else {
            throw PreparationError.input("column '\(name)' should hold numbers to be clipped")
        }
        var result = table
        result.setColumn(Column(name: name, numbers: values.map { $0.isNaN ? $0 : min(max($0, lower), upper) }))
        return result
    }

    public func check(against table: Table) throws {
        let column = try requiredColumn(name, in: table)
        guard column.type == .number else { throw PreparationError.corrupt("it clips '\(name)', a \(column.type.rawValue) column") }
        guard lower.isFinite, upper.isFinite, lower <= upper else {
            throw PreparationError.corrupt("its bounds \(lower) and \(upper) are not finite numbers in order")
        }
    }

    public var column: String? { name }
    public var summary: String { "clip \(name) between \(NumberFormatting.significant(lower)) and \(NumberFormatting.significant(upper))" }
    public var learnedText: String { "\(name): \(NumberFormatting.significant(lower, digits: 5)) to \(NumberFormatting.significant(upper, digits: 5))" }

    private enum CodingKeys: String, CodingKey { case name = "column", lower, upper }
}
