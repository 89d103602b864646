import CommandLanguage
import Tabular

/// Facts recorded beside a step in the journal (`#= rows=150 data=…`) that a verified
/// replay must reproduce exactly.
public struct Fingerprint: Sendable, Equatable {
    /// Version of the fingerprint scheme (hash functions, formats). Journals name it in
    /// their header; bump it whenever a change makes old fingerprints differ, and say in
    /// `comparable(_:recordedIn:)` what of an older version still compares.
    /// 2: linear regression solves by Householder + QL (the model bits differ from v1's
    /// Jacobi solver); fingerprint keys are percent-encoded.
    /// 3: the `numeric` selector leaves out the indicator columns an encoding or an
    /// imputation made, and `encode onehot` makes boolean indicators. A journal of v1 or v2
    /// replays with the old meanings (`Workspace.followsV2Rules`), so its fingerprints
    /// still compare.
    /// 4: logistic regression with l1 > 0 takes Newton steps solved by coordinate descent
    /// (OWL-QN before); gbdt reads indicator features' 0s as missing values (XGBoost then
    /// keeps each row's 1s only). A journal of v3 or earlier fits both as before
    /// (`Workspace.earlierFits`), so its fingerprints still compare.
    public static let version = 4

    /// Versions whose journals `--verify` can check.
    public static let readableVersions = 1...version

    /// The part of a fingerprint recorded by an older version that this version
    /// reproduces: v1 differs only in the `model` hash of `train linear` steps.
    public static func comparable(_ expected: Fingerprint, recordedIn version: Int, command: Command) -> Fingerprint {
        guard version == 1, case .train(let algorithm, _, _) = command, algorithm == "linear" else { return expected }
        var kept = Fingerprint()
        for entry in expected.entries where entry.key != "model" { kept.add(entry.key, entry.value) }
        return kept
    }

    /// The journal header line that declares the scheme.
    public static var headerTag: String { "fingerprints v\(version)" }

    public private(set) var entries: [(key: String, value: String)] = []

    public init() {}

    public init(parsing text: String) {
        for pair in text.split(separator: " ") {
            guard let equals = pair.firstIndex(of: "=") else { continue }
            entries.append((Self.decode(pair[..<equals]), Self.decode(pair[pair.index(after: equals)...])))
        }
    }

    /// Appends one fact; keys keep their insertion order in the journal.
    public mutating func add(_ key: String, _ value: String) {
        entries.append((key, value))
    }

    public var isEmpty: Bool { entries.isEmpty }

    /// The value recorded under `key`, if any.
    public subscript(key: String) -> String? { entries.first { $0.key == key }?.value }

    /// `key=value` pairs separated by spaces; in keys and values (a model's name may be
    /// any text) space, `=`, `%`, `#` and control characters are percent-encoded.
    public var text: String { entries.map { "\(Self.encode($0.key))=\(Self.encode($0.value))" }.joined(separator: " ") }

    static func encode(_ part: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for byte in part.utf8 {
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "=") || byte == UInt8(ascii: "%") || byte == UInt8(ascii: "#")
                || byte < 0x20 || byte == 0x7F {
                out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 15)]]
            } else {
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func decode(_ part: Substring) -> String {
        var bytes: [UInt8] = []
        var utf8 = Array(part.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "%"), utf8.count >= 2, let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(value)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

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
