import Tabular

/// Facts recorded beside a step in the journal (`#= rows=150 data=…`) that a verified
/// replay must reproduce exactly.
public struct Fingerprint: Sendable, Equatable {
    /// Version of the fingerprint scheme (hash functions, formats). Journals name it in
    /// their header; bump it whenever a change makes old fingerprints differ.
    public static let version = 1

    /// The journal header line that declares the scheme.
    public static var headerTag: String { "fingerprints v\(version)" }

    public private(set) var entries: [(key: String, value: String)] = []

    public init() {}

    public init(parsing text: String) {
        for pair in text.split(separator: " ") {
            guard let equals = pair.firstIndex(of: "=") else { continue }
            entries.append((String(pair[..<equals]), String(pair[pair.index(after: equals)...])))
        }
    }

    /// Appends one fact; keys keep their insertion order in the journal.
    public mutating func add(_ key: String, _ value: String) {
        entries.append((key, value))
    }

    public var isEmpty: Bool { entries.isEmpty }

    public var text: String { entries.map { "\($0.key)=\($0.value)" }.joined(separator: " ") }

    public static func == (a: Fingerprint, b: Fingerprint) -> Bool { a.text == b.text }

    /// Metric values with 6 significant digits: stable across runs, readable in diffs.
    static func format(_ value: Double) -> String {
        value.isNaN ? "nan" : NumberFormatting.significant(value, digits: 6)
    }

    /// The first difference from an expected fingerprint, worded for the user.
    public func firstDifference(from expected: Fingerprint) -> String? {
        for (key, value) in expected.entries {
            guard let actual = entries.first(where: { $0.key == key }) else { return "\(key) was not produced (expected \(value))" }
            if actual.value != value {
                // The commonest cause, said plainly.
                if key == "file" { return "the file has changed since it was recorded (checksum \(actual.value), recorded \(value))" }
                return "\(key) is \(actual.value), expected \(value)"
            }
        }
        return nil
    }
}
