import Tabular

/// How `scale` centres and divides a number column (as scikit-learn's scalers).
public enum ScaleMethod: String, Sendable, CaseIterable, Codable {
    /// (x − mean) / population standard deviation: `StandardScaler`.
    case standard
    /// (x − min) / (max − min), into [0, 1] on the fitting rows: `MinMaxScaler`.
    case minmax
    /// (x − median) / (Q3 − Q1): `RobustScaler`, which outliers barely move.
    case robust

    /// What it does, for `help`.
    var summary: String {
        switch self {
        case .standard: return "subtract the mean, divide by the standard deviation"
        case .minmax: return "subtract the minimum, divide by the range (0 to 1 on the fitting rows)"
        case .robust: return "subtract the median, divide by the interquartile range"
        }
    }

    public var outcome: String {
        switch self {
        case .standard: return "to mean 0 and standard deviation 1"
        case .minmax: return "to the range 0 to 1 of the fitting rows"
        case .robust: return "to median 0 and interquartile range 1"
        }
    }
}

/// `scale standard|minmax|robust COLUMNS`. A constant column is only centred.
public struct ScaleStep: PreparationStep {
    public var columns: [String]
    public var method: ScaleMethod

    public init(columns: [String], method: ScaleMethod = .standard) {
        self.columns = columns
        self.method = method
    }

    public var verb: String { "scale" }
    public var text: String { "scale \(method.rawValue) " + listText(columns) }
    public var isLearned: Bool { true }

    public func fit(_ table: Table, rows: [Int]?) throws -> (fitted: [FittedStep], table: Table) {
        let scalers = try fitEach(columns, of: table) { try Scaler(method: method).fit($0, rows: rows) }
        return applyColumnwise(scalers, to: table) { scaler, column in scaler.apply(column) }
    }
}

/// Learns a centre and a scale for one column from the fitting rows.
public struct Scaler: Sendable {
    public var method: ScaleMethod

    public init(method: ScaleMethod = .standard) {
        self.method = method
    }

    /// Learns from the given rows (all rows when nil); missing values are left out.
    public func fit(_ column: Column, rows: [Int]?) throws -> FittedScaler {
        guard column.type.isNumeric, let values = column.numericValues else {
            throw LearningError("'\(column.name)' is \(column.type.rawValue); only number and boolean columns can be scaled")
        }
        let center: Double, scale: Double
        switch method {
        case .standard:
            let (mean, count) = presentMean(values, rows: rows)
            guard count > 0 else { throw LearningError("'\(column.name)' has no values to learn a scale from") }
            center = mean
            scale = (presentSquaredDeviations(values, rows: rows, from: mean) / Double(count)).squareRoot()
        case .minmax:
            var low = Double.infinity, high = -Double.infinity
            values.withUnsafeBufferPointer { v in
                func see(_ x: Double) { if x < low { low = x }; if x > high { high = x } }  // NaN compares false: skipped
                if let rows { for row in rows { see(v[row]) } } else { for x in v { see(x) } }
            }
            guard low <= high else { throw LearningError("'\(column.name)' has no values to learn a scale from") }
            center = low
            scale = high - low
        case .robust:
            var present = presentValues(values, rows: rows)
            guard !present.isEmpty else { throw LearningError("'\(column.name)' has no values to learn a scale from") }
            let q = Statistics.quantiles(selectingIn: &present, [0.25, 0.5, 0.75])
            center = q[1]
            scale = q[2] - q[0]
        }
        guard center.isFinite, scale.isFinite else {
            throw LearningError("'\(column.name)' has infinite values, so no finite scale can be learned", help: "clip it or filter those rows first")
        }
        return FittedScaler(column: column.name, method: method, center: center, scale: scale > 0 ? scale : 1)
    }
}

/// A learned centre and scale for one column: (x − center) / scale; missing stays
/// missing. Bundle JSON: `{"step": "scale", "column": NAME, "mean": M, "std": S}` for
/// standard scaling (as every bundle version wrote it), `{"step": "scale", "column": NAME,
/// "method": "minmax"|"robust", "center": C, "scale": S}` for the others.
public struct FittedScaler: FittedTransform {
    public static let kind = "scale"
    public var name: String
    public var method: ScaleMethod
    public var center: Double
    public var scale: Double

    public init(column: String, method: ScaleMethod = .standard, center: Double, scale: Double) {
        self.name = column
        self.method = method
        self.center = center
        self.scale = scale
    }

    public func apply(_ input: Column) -> Column {
        guard let values = input.numericValues else { return input }
        let (center, scale) = (center, scale)
        return Column(name: input.name, numbers: values.mapIntoHugePages { ($0 - center) / scale })
    }

    public func apply(to table: Table, report: inout PreparationReport) throws -> Table {
        var result = table
        result.setColumn(apply(try requiredColumn(name, in: table)))
        return result
    }

    public func check(against table: Table) throws {
        let column = try requiredColumn(name, in: table)
        guard column.type.isNumeric else { throw PreparationError.corrupt("it scales '\(column.name)', a \(column.type.rawValue) column") }
        guard center.isFinite, scale.isFinite, scale > 0 else {
            let what = method == .standard ? "standard deviation" : method == .minmax ? "range" : "interquartile range"
            throw PreparationError.corrupt("its \(what) is \(scale), but dividing needs a finite number above 0")
        }
    }

    public var column: String? { name }

    public var summary: String {
        "scale \(name): (x - \(NumberFormatting.significant(center))) / \(NumberFormatting.significant(scale))"
    }

    public var learnedText: String {
        let (c, s) = (NumberFormatting.significant(center, digits: 4), NumberFormatting.significant(scale, digits: 4))
        switch method {
        case .standard: return "\(name): mean \(c), sd \(s)"
        case .minmax: return "\(name): min \(c), range \(s)"
        case .robust: return "\(name): median \(c), IQR \(s)"
        }
    }

    private enum CodingKeys: String, CodingKey { case name = "column", method, mean, std, center, scale }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        method = try c.decodeIfPresent(ScaleMethod.self, forKey: .method) ?? .standard
        if method == .standard {
            center = try c.decode(Double.self, forKey: .mean)
            scale = try c.decode(Double.self, forKey: .std)
        } else {
            center = try c.decode(Double.self, forKey: .center)
            scale = try c.decode(Double.self, forKey: .scale)
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        if method == .standard {
            try c.encode(center, forKey: .mean)
            try c.encode(scale, forKey: .std)
        } else {
            try c.encode(method, forKey: .method)
            try c.encode(center, forKey: .center)
            try c.encode(scale, forKey: .scale)
        }
    }
}
