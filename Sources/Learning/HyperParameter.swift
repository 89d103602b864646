/// A tunable setting of an algorithm, as the command language exposes it (`key=value`).
public struct HyperParameter: Sendable, Equatable {
    public var key: String
    public var summary: String
    public var defaultValue: Double
    /// Accepted values, inclusive.
    public var range: ClosedRange<Double>
    public var isInteger: Bool

    public init(key: String, summary: String, defaultValue: Double, range: ClosedRange<Double>, isInteger: Bool = false) {
        self.key = key
        self.summary = summary
        self.defaultValue = defaultValue
        self.range = range
        self.isInteger = isInteger
    }
}

/// A problem with the settings or data given to an estimator, worded for the user.
public struct LearningError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    public var help: String?

    public init(_ message: String, help: String? = nil) {
        self.message = message
        self.help = help
    }

    public var description: String { message }
}

/// The kind of problem a model solves.
public enum Task: String, Sendable, Codable, CaseIterable {
    case classification
    case regression
}

/// One entry of the algorithm catalogue: everything the command language needs to
/// parse, complete and document `train ALGO key=value`.
public struct AlgorithmDescriptor: Sendable {
    public var name: String
    public var task: Task
    public var summary: String
    public var hyperParameters: [HyperParameter]

    /// Checks the given settings and fills in defaults, in catalogue order.
    public func resolve(_ given: [String: Double]) throws -> [(key: String, value: Double)] {
        for key in given.keys where !hyperParameters.contains(where: { $0.key == key }) {
            throw LearningError("'\(name)' has no setting '\(key)'",
                                help: "settings of '\(name)': " + hyperParameters.map(\.key).joined(separator: ", "))
        }
        return try hyperParameters.map { parameter in
            let value = given[parameter.key] ?? parameter.defaultValue
            guard parameter.range.contains(value), !value.isNaN else {
                throw LearningError("\(parameter.key)=\(value) is out of range for '\(name)'",
                                    help: "\(parameter.key) takes values from \(parameter.range.lowerBound) to \(parameter.range.upperBound)")
            }
            if parameter.isInteger, value != value.rounded() {
                throw LearningError("\(parameter.key) must be a whole number")
            }
            return (parameter.key, value)
        }
    }
}

/// The algorithms `train` knows.
public enum AlgorithmCatalog {
    public static let all: [AlgorithmDescriptor] = [LogisticRegression.descriptor, LinearRegression.descriptor]

    /// The catalogue entry for an algorithm name.
    public static func descriptor(named name: String) -> AlgorithmDescriptor? {
        all.first { $0.name == name }
    }
}
