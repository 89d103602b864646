import Foundation
import Tabular

/// The values a tuning run may give one setting: one fixed value, a list to choose from,
/// or a range (`max_depth=2..10`, `l2=0.001..100`).
public enum SearchValues: Sendable, Equatable {
    case fixed(SettingValue)
    case list([SettingValue])
    case range(low: SettingValue, high: SettingValue)
}

/// One setting of a tuning run and the values it may take.
public struct SearchDimension: Sendable, Equatable {
    public var key: String
    public var values: SearchValues

    public init(key: String, values: SearchValues) {
        self.key = key
        self.values = values
    }

    /// `key=value`, `key=[a, b]` or `key=LO..HI`, as typed (values in the setting's own
    /// form, so they read back as themselves).
    public func text(in schema: SettingsSchema?) -> String {
        func valueText(_ value: SettingValue) -> String { schema?.spec(key)?.text(of: value) ?? "\(value)" }
        switch values {
        case .fixed(let value): return "\(key)=" + valueText(value)
        case .list(let values): return "\(key)=" + valueText(.list(values))
        case .range(let low, let high): return "\(key)=\(valueText(low))..\(valueText(high))"
        }
    }
}

/// How a tuning run picks the settings it tries.
public enum SearchMethod: String, Sendable, CaseIterable {
    /// Every combination of the lists, in order (the last setting varies fastest).
    case grid
    /// Combinations drawn at random from the lists and ranges.
    case random
    /// Successive halving: every candidate on a third of the rows, the best third on
    /// three times as many, and so on until the last round uses every row.
    case halving
}

/// The settings a tuning run searches, checked against an algorithm's schema: fixed
/// values, lists and ranges, and the combinations drawn from them. Pure and seeded, so a
/// run's candidates are the same on every replay.
public struct SearchSpace: Sendable {
    public let dimensions: [SearchDimension]
    public let schema: SettingsSchema

    /// Most combinations a grid may have.
    public static let largestGrid = 100_000

    /// - Throws: `LearningError` for an unknown key, a value the setting does not take,
    ///   a range of a setting that is not a number, or a range whose ends are not in order.
    public init(_ dimensions: [SearchDimension], schema: SettingsSchema, algorithm: String) throws {
        var seen: Set<String> = []
        var checked: [SearchDimension] = []
        for dimension in dimensions {
            guard let spec = schema.spec(dimension.key) else {
                throw LearningError("'\(algorithm)' has no setting '\(dimension.key)'", help: schema.help(forUnknown: dimension.key))
            }
            guard seen.insert(dimension.key).inserted else { throw LearningError("'\(dimension.key)' is given twice") }
            switch dimension.values {
            case .fixed(let value):
                checked.append(SearchDimension(key: dimension.key, values: .fixed(try spec.checked(value))))
            case .list(let values):
                guard !values.isEmpty else { throw LearningError("\(dimension.key)=[] lists no values") }
                let values = try values.map(spec.checked)
                guard Set(values).count == values.count else {
                    throw LearningError("\(dimension.key) lists a value twice", help: "each value is tried once; list it once")
                }
                checked.append(SearchDimension(key: dimension.key, values: .list(values)))
            case .range(let low, let high):
                let low = try spec.checked(low), high = try spec.checked(high)
                switch (low, high) {
                case (.whole, .whole), (.number, .number):
                    guard low.numberValue! < high.numberValue! else {
                        throw LearningError("\(dimension.key)=\(spec.text(of: low))..\(spec.text(of: high)) is empty: the low end comes first",
                                            help: "e.g. \(dimension.key)=\(spec.text(of: high))..\(spec.text(of: low))")
                    }
                    checked.append(SearchDimension(key: dimension.key, values: .range(low: low, high: high)))
                default:
                    throw LearningError("a range is for numbers, and \(dimension.key)=\(spec.text(of: low))..\(spec.text(of: high)) is not a range of one kind of number",
                                        help: "list the values instead: \(dimension.key)=[\(spec.text(of: low)), \(spec.text(of: high))]")
                }
            }
        }
        self.dimensions = checked
        self.schema = schema
    }

    /// The settings that vary from one candidate to the next.
    public var searched: [SearchDimension] { dimensions.filter { if case .fixed = $0.values { return false }; return true } }

    /// The settings every candidate shares.
    public var fixed: [(key: String, value: SettingValue)] {
        dimensions.compactMap { if case .fixed(let value) = $0.values { return ($0.key, value) }; return nil }
    }

    /// The values a discrete dimension takes in order, or nil for a range of numbers.
    private func choices(_ dimension: SearchDimension) -> [SettingValue]? {
        switch dimension.values {
        case .fixed(let value): return [value]
        case .list(let values): return values
        case .range(.whole(let low), .whole(let high)):
            guard high - low < Self.largestGrid else { return nil }
            return (low...high).map(SettingValue.whole)
        case .range: return nil
        }
    }

    /// How many combinations the searched settings make, or nil when a range of numbers
    /// (or more than `largestGrid` combinations) makes them too many to list.
    public var gridSize: Int? {
        var size = 1
        for dimension in searched {
            guard let count = choices(dimension)?.count else { return nil }
            let (product, overflow) = size.multipliedReportingOverflow(by: count)
            guard !overflow, product <= Self.largestGrid else { return nil }
            size = product
        }
        return size
    }

    /// The first `limit` combinations of the grid, the last setting varying fastest.
    /// - Precondition: `gridSize` is not nil.
    public func grid(limit: Int) -> [[(key: String, value: SettingValue)]] {
        let dimensions = searched
        let lists = dimensions.map { choices($0)! }
        let count = min(limit, gridSize!)
        var combinations: [[(key: String, value: SettingValue)]] = []
        combinations.reserveCapacity(count)
        var index = [Int](repeating: 0, count: lists.count)
        while combinations.count < count {
            combinations.append(dimensions.indices.map { (dimensions[$0].key, lists[$0][index[$0]]) })
            // Advance like an odometer: the last setting first.
            var d = lists.count - 1
            while d >= 0 {
                index[d] += 1
                if index[d] < lists[d].count { break }
                index[d] = 0
                d -= 1
            }
        }
        return combinations
    }

    /// Whether a range of numbers is drawn on a log scale: both ends above 0 and the high
    /// end at least ten times the low one (`l2=0.001..100`), as penalties and rates are
    /// searched; otherwise uniformly (`subsample=0.5..1`).
    public static func isLogScale(low: Double, high: Double) -> Bool { low > 0 && high >= 10 * low }

    /// `count` distinct combinations drawn with the seed (fewer when the lists and whole
    /// ranges hold fewer). Numbers are drawn to three significant digits, so the settings
    /// read as a person would write them.
    public func draw(_ count: Int, seed: UInt64) -> [[(key: String, value: SettingValue)]] {
        var generator = SeededGenerator(seed: seed)
        let dimensions = searched
        // A grid no larger than the budget is tried whole, in a seeded order.
        if let size = gridSize, size <= count {
            return grid(limit: size).shuffled(using: &generator)
        }
        var drawn: [[(key: String, value: SettingValue)]] = []
        var seen: Set<[SettingValue]> = []
        var attempts = 0
        while drawn.count < count, attempts < count * 100 {
            attempts += 1
            let combination = dimensions.map { ($0.key, drawValue($0, using: &generator)) }
            guard seen.insert(combination.map(\.1)).inserted else { continue }
            drawn.append(combination)
        }
        return drawn
    }

    private func drawValue(_ dimension: SearchDimension, using generator: inout SeededGenerator) -> SettingValue {
        switch dimension.values {
        case .fixed(let value): return value
        case .list(let values): return values[Int.random(in: 0..<values.count, using: &generator)]
        case .range(.whole(let low), .whole(let high)): return .whole(Int.random(in: low...high, using: &generator))
        case .range(let low, let high):
            let a = low.numberValue!, b = high.numberValue!
            let u = Double.random(in: 0..<1, using: &generator)
            let x = Self.isLogScale(low: a, high: b) ? exp(log(a) + u * (log(b) - log(a))) : a + u * (b - a)
            let rounded = Double(String(format: "%.3g", x)) ?? x
            // Rounding may step over an end, or onto a low end the setting refuses.
            let inside = min(b, max(a, rounded))
            if let spec = schema.spec(dimension.key), (try? spec.checked(.number(inside))) != nil { return .number(inside) }
            return .number(x)
        }
    }
}
