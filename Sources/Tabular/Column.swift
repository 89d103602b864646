import Synchronization
import Foundation

/// The type a column holds, as the user sees it.
public enum ColumnType: String, Sendable, Codable, CaseIterable {
    case number
    case text
    case boolean
    /// Dates and times (see `Dates`).
    case date

    /// Numbers and booleans can feed a model directly; text must be encoded first, and a
    /// date's parts derived (year, month, …).
    public var isNumeric: Bool { self == .number || self == .boolean }
}

/// Typed columnar storage. Missing values are encoded inside the storage so no
/// per-cell optionals or enums are needed:
/// - numbers: `Double.nan`
/// - text: code `-1` (codes index `dictionary`, which holds each distinct value once)
/// - booleans: `Column.missingBoolean`
/// - dates: `Double.nan` (values are seconds since 1970-01-01 UTC)
public enum ColumnData: Sendable, Equatable {
    case number([Double])
    case text(codes: [Int32], dictionary: [String])
    case boolean([UInt8])
    case date([Double])

    public var type: ColumnType {
        switch self {
        case .number: return .number
        case .text: return .text
        case .boolean: return .boolean
        case .date: return .date
        }
    }

    /// Equal contents, with missing numbers (NaN) equal to each other.
    public static func == (a: ColumnData, b: ColumnData) -> Bool {
        switch (a, b) {
        case (.number(let x), .number(let y)), (.date(let x), .date(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }
        case (.text(let xc, let xd), .text(let yc, let yd)):
            return xc.count == yc.count && zip(xc, yc).allSatisfy { p, q in
                p < 0 || q < 0 ? p == q : xd[Int(p)] == yd[Int(q)]
            }
        case (.boolean(let x), .boolean(let y)):
            return x == y
        default:
            return false
        }
    }

    public var count: Int {
        switch self {
        case .number(let values), .date(let values): return values.count
        case .text(let codes, _): return codes.count
        case .boolean(let values): return values.count
        }
    }
}

/// A named column of a `Table`.
public struct Column: Sendable, Equatable {
    /// Marker stored in boolean columns for a missing value (0 is false, 1 is true).
    public static let missingBoolean: UInt8 = 255

    public var name: String
    public var data: ColumnData {
        didSet { digestCache = DigestCache() }
    }
    /// `Table.valuesDigest` of `data` once taken: each data step fingerprints the whole
    /// table, and most of its columns are the previous step's, unchanged. Copies of the
    /// column share it (they share the values); changing `data` starts a new one.
    private(set) var digestCache = DigestCache()

    public init(name: String, data: ColumnData) {
        self.name = name
        self.data = data
    }

    /// Equal names and values (a digest taken or not makes no difference).
    public static func == (lhs: Column, rhs: Column) -> Bool { lhs.name == rhs.name && lhs.data == rhs.data }

    public init(name: String, numbers: [Double]) {
        self.init(name: name, data: .number(numbers))
    }

    /// Builds a dictionary-encoded text column from optional strings (nil = missing).
    public init(name: String, texts: [String?]) {
        var lookup: [String: Int32] = [:]
        var dictionary: [String] = []
        var codes: [Int32] = []
        codes.reserveCapacity(texts.count)
        for value in texts {
            guard let value else { codes.append(-1); continue }
            if let code = lookup[value] {
                codes.append(code)
            } else {
                let code = Int32(dictionary.count)
                lookup[value] = code
                dictionary.append(value)
                codes.append(code)
            }
        }
        self.init(name: name, data: .text(codes: codes, dictionary: dictionary))
    }

    public var type: ColumnType { data.type }
    public var count: Int { data.count }

    /// Whether the cell at `row` is missing.
    public func isMissing(_ row: Int) -> Bool {
        switch data {
        case .number(let values), .date(let values): return values[row].isNaN
        case .text(let codes, _): return codes[row] < 0
        case .boolean(let values): return values[row] == Column.missingBoolean
        }
    }

    /// Number of missing cells.
    /// - Complexity: O(n)
    public var missingCount: Int {
        switch data {
        case .number(let values), .date(let values):
            // A plain loop over the buffer, which the compiler turns into vector compares.
            return values.withUnsafeBufferPointer { buffer in
                var missing = 0
                for x in buffer { missing &+= x != x ? 1 : 0 }
                return missing
            }
        case .text(let codes, _): return codes.reduce(0) { $0 + ($1 < 0 ? 1 : 0) }
        case .boolean(let values): return values.reduce(0) { $0 + ($1 == Column.missingBoolean ? 1 : 0) }
        }
    }

    /// The value at `row` as a number (booleans are 0/1); nil when missing, text or a date.
    public func number(at row: Int) -> Double? {
        switch data {
        case .number(let values): return values[row].isNaN ? nil : values[row]
        case .boolean(let values): return values[row] == Column.missingBoolean ? nil : Double(values[row])
        case .text, .date: return nil
        }
    }

    /// The value at `row` as text for display and CSV output; nil when missing.
    public func text(at row: Int) -> String? {
        switch data {
        case .number(let values):
            return values[row].isNaN ? nil : NumberFormatting.shortest(values[row])
        case .date(let values):
            return values[row].isNaN ? nil : Dates.format(values[row])
        case .text(let codes, let dictionary):
            return codes[row] < 0 ? nil : dictionary[Int(codes[row])]
        case .boolean(let values):
            switch values[row] {
            case 0: return "false"
            case 1: return "true"
            default: return nil
            }
        }
    }

    /// The non-missing values as numbers, for numeric and boolean columns.
    public var numericValues: [Double]? {
        switch data {
        case .number(let values): return values
        case .boolean(let values): return values.map { $0 == Column.missingBoolean ? .nan : Double($0) }
        case .text, .date: return nil
        }
    }

    /// A text column whose every value reads as an ISO 8601 date or timestamp, as a date
    /// column; any other column as it is. Readers call this as they finish a column.
    /// - Complexity: O(distinct values + rows); O(1) when the first value is not a date.
    public func inferringDates() -> Column {
        guard case .text(let codes, let dictionary) = data, let seconds = Dates.allDates(dictionary) else { return self }
        return Column(name: name, data: .date(codes.map { $0 < 0 ? .nan : seconds[Int($0)] }))
    }

    /// Values that order the rows as the column's values do (numbers and dates as they
    /// are, booleans 0/1, text by its rank among the column's values), NaN for missing.
    public var orderingValues: [Double] {
        switch data {
        case .number(let values), .date(let values): return values
        case .boolean(let flags): return flags.map { $0 == Column.missingBoolean ? .nan : Double($0) }
        case .text(let codes, let dictionary):
            var rank = [Double](repeating: 0, count: dictionary.count)
            for (position, code) in dictionary.indices.sorted(by: { dictionary[$0] < dictionary[$1] }).enumerated() { rank[code] = Double(position) }
            return codes.map { $0 < 0 ? .nan : rank[Int($0)] }
        }
    }

    /// A column holding only the given rows, in the given order.
    /// - Complexity: O(rows.count)
    public func gathering(_ rows: [Int]) -> Column {
        switch data {
        case .number(let values):
            return Column(name: name, data: .number(rows.map { values[$0] }))
        case .date(let values):
            return Column(name: name, data: .date(rows.map { values[$0] }))
        case .text(let codes, let dictionary):
            return Column(name: name, data: .text(codes: rows.map { codes[$0] }, dictionary: dictionary))
        case .boolean(let values):
            return Column(name: name, data: .boolean(rows.map { values[$0] }))
        }
    }
}

/// Formatting of numbers for display, CSV output and the journal.
public enum NumberFormatting {
    /// Integers print without a fraction; other values in their shortest round-trip form.
    public static func shortest(_ value: Double) -> String {
        if value.isNaN { return "" }
        if value == value.rounded(), abs(value) < 1e15 {
            return String(Int64(value))
        }
        return "\(value)"
    }

    /// A fixed number of significant digits, for summaries and metrics.
    public static func significant(_ value: Double, digits: Int = 6) -> String {
        if value.isNaN { return "" }
        if value.isInfinite { return value > 0 ? "inf" : "-inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        let magnitude = value == 0 ? 0 : Int(floor(log10(abs(value))))
        let decimals = max(0, min(12, digits - 1 - magnitude))
        if abs(value) >= 1e15 || (abs(value) < 1e-4 && value != 0) {
            // 1.2500e-05 → 1.25e-05: the mantissa without its trailing zeros.
            let text = String(format: "%.\(digits - 1)e", value)
            guard let e = text.firstIndex(of: "e") else { return text }
            var mantissa = String(text[..<e])
            if mantissa.contains(".") {
                while mantissa.hasSuffix("0") { mantissa.removeLast() }
                if mantissa.hasSuffix(".") { mantissa.removeLast() }
            }
            return mantissa + text[e...]
        }
        var text = String(format: "%.\(decimals)f", value)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }
}

/// Holds a column's values digest once computed; 0 means not yet (a digest of 0 is merely
/// computed again each time).
final class DigestCache: Sendable {
    let stored = Atomic<UInt64>(0)
}

extension Column {
    /// Keeps `digest` as the values digest of this column (and its copies): the caller
    /// (`Table.cachedValuesDigest`, or a reader that took it while building the values)
    /// vouches that it is `Table.valuesDigest(self)`.
    func keepValuesDigest(_ digest: UInt64) { digestCache.stored.store(digest, ordering: .relaxed) }
}
