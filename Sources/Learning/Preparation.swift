import Tabular

/// How `impute` chooses the fill value.
public enum ImputeStrategy: Sendable, Equatable {
    case mean, median, mode
    /// A constant given by the user (text, number or boolean as written).
    case value(String)
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

/// Replaces missing values of one column by a statistic of the fitting rows.
public struct Imputer: Sendable {
    public var strategy: ImputeStrategy

    public init(strategy: ImputeStrategy) {
        self.strategy = strategy
    }

    /// Learns the fill value from the given rows of `column`.
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
                guard let number = Double(text) else {
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

/// A learned fill value for one column.
public struct FittedImputer: Sendable, Equatable, Codable {
    public var column: String
    public var fill: FillValue

    public init(column: String, fill: FillValue) {
        self.column = column
        self.fill = fill
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
}

/// One-hot encoding: one 0/1 number column per category seen while fitting, named
/// `column_category`. Categories unseen at fitting time, and missing values, encode
/// as all zeros.
public struct OneHotEncoder: Sendable {
    public init() {}

    /// Learns the categories present in the given rows (all rows when nil), sorted.
    public func fit(_ column: Column, rows: [Int]?) throws -> FittedOneHot {
        let sample = rows.map { column.gathering($0) } ?? column
        let categories: [String]
        switch sample.data {
        case .text(let codes, let dictionary):
            var seen = [Bool](repeating: false, count: dictionary.count)
            for code in codes where code >= 0 { seen[Int(code)] = true }
            categories = dictionary.indices.filter { seen[$0] }.map { dictionary[$0] }.sorted()
        case .boolean:
            categories = ["false", "true"].filter { value in (0..<sample.count).contains { sample.text(at: $0) == value } }
        case .number:
            throw LearningError("'\(column.name)' holds numbers; one-hot encoding is for categories",
                                help: "encode text columns, e.g. 'encode onehot categorical'")
        case .date:
            throw LearningError("'\(column.name)' holds dates; one-hot encoding is for categories",
                                help: "derive a part of the date first: derive \(column.name)_month = month(\(column.name))")
        }
        guard !categories.isEmpty else { throw LearningError("'\(column.name)' has no values to learn categories from") }
        return FittedOneHot(column: column.name, categories: categories)
    }
}

/// The learned categories of one column.
public struct FittedOneHot: Sendable, Equatable, Codable {
    public var column: String
    public var categories: [String]

    public init(column: String, categories: [String]) {
        self.column = column
        self.categories = categories
    }

    public var outputNames: [String] { categories.map { "\(column)_\($0)" } }

    /// - Complexity: O(rows × categories) to fill the indicators with zeros, then O(rows):
    ///   the codes are read twice in all (not once per category, which at 10,000,000 rows
    ///   and 50 categories meant reading 2 GB).
    public func apply(_ input: Column) -> [Column] {
        var position: [String: Int] = [:]
        for (k, category) in categories.enumerated() { position[category] = k }
        let codes: [Int32], dictionary: [String]
        switch input.data {
        case .text(let c, let d): codes = c; dictionary = d
        default:
            let texts = (0..<input.count).map { input.text(at: $0) }
            guard case .text(let c, let d) = Column(name: input.name, texts: texts).data else { return [] }
            codes = c; dictionary = d
        }
        // The rows of each category, grouped by a counting sort over the codes; then each
        // indicator is zeros with ones at its category's rows.
        let categoryOfCode = dictionary.map { Int32(position[$0] ?? -1) }
        var starts = [Int](repeating: 0, count: categories.count + 1)
        var rowsByCategory = [Int32](repeating: 0, count: codes.count)
        categoryOfCode.withUnsafeBufferPointer { category in
            for code in codes where code >= 0 && category[Int(code)] >= 0 { starts[Int(category[Int(code)]) + 1] += 1 }
            for k in categories.indices { starts[k + 1] += starts[k] }
            var next = starts
            rowsByCategory.withUnsafeMutableBufferPointer { grouped in
                for (row, code) in codes.enumerated() where code >= 0 {
                    let k = Int(category[Int(code)])
                    if k >= 0 { grouped[next[k]] = Int32(row); next[k] += 1 }
                }
            }
        }
        return Parallel.map(categories.count) { k in
            let indicator = [Double](unsafeUninitializedCapacity: codes.count) { buffer, initialized in
                HugePages.advise(UnsafeMutableRawBufferPointer(buffer))
                guard let base = buffer.baseAddress else { initialized = 0; return }
                base.initialize(repeating: 0, count: codes.count)
                for i in starts[k]..<starts[k + 1] { base[Int(rowsByCategory[i])] = 1 }
                initialized = codes.count
            }
            return Column(name: outputNames[k], numbers: indicator)
        }
    }
}

/// The mean and count of the non-missing values among `rows` (all rows when nil), read in
/// place: bit for bit `Statistics.mean(presentValues(values, rows: rows))`, the same
/// compensated sum in the same order, without copying the values out first.
func presentMean(_ values: [Double], rows: [Int]?) -> (mean: Double, count: Int) {
    var sum = Statistics.CompensatedSum(), count = 0
    values.withUnsafeBufferPointer { v in
        if let rows { for row in rows where !v[row].isNaN { sum.add(v[row]); count += 1 } }
        else { for x in v where !x.isNaN { sum.add(x); count += 1 } }
    }
    return (count == 0 ? .nan : sum.value / Double(count), count)
}

/// The sum of squared deviations from `mean` of the non-missing values among `rows`, in
/// order (as a loop over `presentValues` would add them).
func presentSquaredDeviations(_ values: [Double], rows: [Int]?, from mean: Double) -> Double {
    var squares = 0.0
    values.withUnsafeBufferPointer { v in
        if let rows { for row in rows where !v[row].isNaN { squares += (v[row] - mean) * (v[row] - mean) } }
        else { for x in v where !x.isNaN { squares += (x - mean) * (x - mean) } }
    }
    return squares
}

/// The non-missing values among `rows` (all rows when nil), without copying the column.
func presentValues(_ values: [Double], rows: [Int]?) -> [Double] {
    guard let rows else { return values.filter { !$0.isNaN } }
    var present: [Double] = []
    present.reserveCapacity(rows.count)
    values.withUnsafeBufferPointer { v in
        for row in rows where !v[row].isNaN { present.append(v[row]) }
    }
    return present
}

/// Standard scaling: subtract the mean, divide by the population standard deviation
/// (as scikit-learn's StandardScaler); a constant column is only centred.
public struct StandardScaler: Sendable {
    public init() {}

    /// Learns mean and standard deviation from the given rows (all rows when nil).
    public func fit(_ column: Column, rows: [Int]?) throws -> FittedScaler {
        guard case .number(let values) = column.data else {
            throw LearningError("'\(column.name)' is \(column.type.rawValue); only number columns can be scaled")
        }
        let (mean, count) = presentMean(values, rows: rows)
        guard count > 0 else { throw LearningError("'\(column.name)' has no values to learn a scale from") }
        let deviation = (presentSquaredDeviations(values, rows: rows, from: mean) / Double(count)).squareRoot()
        return FittedScaler(column: column.name, mean: mean, deviation: deviation > 0 ? deviation : 1)
    }
}

/// A learned centre and scale for one column.
public struct FittedScaler: Sendable, Equatable, Codable {
    public var column: String
    public var mean: Double
    public var deviation: Double

    public init(column: String, mean: Double, deviation: Double) {
        self.column = column
        self.mean = mean
        self.deviation = deviation
    }

    /// (x − mean) / deviation; missing stays missing.
    public func apply(_ input: Column) -> Column {
        guard let values = input.numericValues else { return input }
        return Column(name: input.name, numbers: values.mapIntoHugePages { ($0 - mean) / deviation })
    }
}

extension Column {
    /// The column with every `from` value (nil: every missing cell) replaced by `to` (nil:
    /// missing). Values of another type than the column's change nothing.
    /// - Complexity: O(rows)
    public func replacing(_ from: FillValue?, with to: FillValue?) -> Column {
        switch data {
        case .number(let values):
            let target: Double
            switch to { case .number(let v)?: target = v; case nil: target = .nan; default: return self }
            switch from {
            case .number(let v)?: return Column(name: name, numbers: values.map { $0 == v ? target : $0 })
            case nil: return Column(name: name, numbers: values.map { $0.isNaN ? target : $0 })
            default: return self
            }
        case .boolean(let flags):
            let target: UInt8
            switch to { case .boolean(let b)?: target = b ? 1 : 0; case nil: target = Column.missingBoolean; default: return self }
            let source: UInt8
            switch from { case .boolean(let b)?: source = b ? 1 : 0; case nil: source = Column.missingBoolean; default: return self }
            return Column(name: name, data: .boolean(flags.map { $0 == source ? target : $0 }))
        case .text(let codes, var dictionary):
            let source: Int32
            switch from {
            case .text(let v)?: guard let i = dictionary.firstIndex(of: v) else { return self }; source = Int32(i)
            case nil: source = -1
            default: return self
            }
            guard codes.contains(source) else { return self }  // nothing to replace: no new category
            let target: Int32
            switch to {
            case .text(let v)?:
                if let i = dictionary.firstIndex(of: v) { target = Int32(i) } else { target = Int32(dictionary.count); dictionary.append(v) }
            case nil: target = -1
            default: return self
            }
            return Column(name: name, data: .text(codes: codes.map { $0 == source ? target : $0 }, dictionary: dictionary))
        case .date:
            return self  // `FillValue.reading` refuses date columns before this is reached
        }
    }
}
