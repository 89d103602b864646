import Foundation
import Tabular

/// The value of an algorithm setting, as written after `key=`: typed, so that a setting
/// can be a number (`l2=0.5`), a whole number (`max_depth=4`), a word
/// (`criterion=entropy`), a boolean, `none`, or a list of these (the grids of tuning).
public enum SettingValue: Sendable, Hashable {
    case number(Double)
    case whole(Int)
    case word(String)
    case boolean(Bool)
    /// `none`: no limit, no value (as scikit-learn's `None`).
    case none
    case list([SettingValue])

    /// The value as a number (whole numbers and booleans included); nil for the others.
    public var numberValue: Double? {
        switch self {
        case .number(let x): return x
        case .whole(let n): return Double(n)
        case .boolean(let b): return b ? 1 : 0
        default: return nil
        }
    }
}

/// One form a setting's value may take; a setting accepts one or more forms
/// (`max_features` takes a whole number, a fraction, `sqrt`, `log2` or `none`).
public enum SettingForm: Sendable {
    /// A number in the range (`excludingLower`: the lower bound itself is refused).
    case number(ClosedRange<Double>, excludingLower: Bool = false)
    case whole(ClosedRange<Int>)
    /// One of these words.
    case word([String])
    case boolean
    /// The word `none`, meaning what the string says ("no limit").
    case none(meaning: String)

    /// "a whole number from 1 to 100000", "gini", "entropy", …: one phrase per alternative.
    var phrases: [String] {
        switch self {
        case .number(let range, let excludingLower):
            let low = Self.compact(range.lowerBound), high = Self.compact(range.upperBound)
            if range.upperBound >= 1e300 { return ["a number " + (excludingLower ? "above \(low)" : "from \(low) up")] }
            return ["a number " + (excludingLower ? "above \(low), up to \(high)" : "from \(low) to \(high)")]
        case .whole(let range):
            if range.upperBound == .max { return ["a whole number from \(range.lowerBound) up"] }
            return ["a whole number from \(range.lowerBound) to \(range.upperBound)"]
        case .word(let words): return words
        case .boolean: return ["true", "false"]
        case .none(let meaning): return ["none (\(meaning))"]
        }
    }

    /// 1e9 rather than 1000000000; other numbers as they print.
    static func compact(_ x: Double) -> String {
        let exponent = log10(abs(x)).rounded()
        if abs(x) >= 1e6, x == (x < 0 ? -1 : 1) * pow(10, exponent) { return (x < 0 ? "-" : "") + "1e\(Int(exponent))" }
        return NumberFormatting.shortest(x)
    }

    static func alternatives(_ words: [String]) -> String {
        words.count <= 1 ? words.joined() : words.dropLast().joined(separator: ", ") + " or " + words.last!
    }
}

/// What a setting is when the user does not give it.
public enum SettingDefault: Sendable, Equatable {
    case value(SettingValue)
    /// One value per task, for algorithms that solve several (a tree's `criterion`).
    case perTask([Task: SettingValue])
    /// A seed chosen when training starts and recorded, so the run replays exactly.
    case randomSeed
}

/// One declared setting of an algorithm: its key, the forms it takes, its default and a
/// one-line help. Parsing, validation, defaults, `help`, completion, the journal's
/// normalised form and `docs/commands.md` all read this one declaration.
public struct SettingSpec: Sendable {
    public var key: String
    public var summary: String
    public var forms: [SettingForm]
    public var defaultValue: SettingDefault

    public init(_ key: String, _ summary: String, forms: [SettingForm], default defaultValue: SettingDefault) {
        self.key = key
        self.summary = summary
        self.forms = forms
        self.defaultValue = defaultValue
    }

    /// "takes a whole number from 1 to 1000 or none (no limit)".
    public var accepted: String { SettingForm.alternatives(forms.flatMap(\.phrases)) }

    /// The default as `help` shows it.
    public var defaultText: String {
        switch defaultValue {
        case .value(let value): return text(of: value)
        case .perTask(let values):
            return Task.allCases.compactMap { task in values[task].map { "\(text(of: $0)) (\(task.rawValue))" } }.joined(separator: ", ")
        case .randomSeed: return "random (recorded)"
        }
    }

    /// Reads a value written as `text` (a list is read element by element by the caller).
    /// Whole numbers are tried before numbers, so `max_features=1` is one feature and
    /// `max_features=1.0` every feature, as in scikit-learn.
    /// - Throws: `LearningError` naming the key and what it takes.
    public func value(parsing text: String) throws -> SettingValue {
        for form in forms {
            switch form {
            case .none where text == "none": return .none
            case .boolean where text == "true" || text == "false": return .boolean(text == "true")
            case .whole where Int(text) != nil: return try checked(.whole(Int(text)!))
            default: continue
            }
        }
        // `500.0` is 500 where only whole numbers are taken (and a fraction where both are).
        let takesNumbers = forms.contains { if case .number = $0 { return true }; return false }
        if !takesNumbers, forms.contains(where: { if case .whole = $0 { return true }; return false }),
           let number = Double(text), number.isFinite, number == number.rounded(), abs(number) < 9e15 {
            return try checked(.whole(Int(number)))
        }
        for form in forms {
            switch form {
            case .number:
                if let number = Double(text), number.isFinite { return try checked(.number(number)) }
            case .word(let words) where words.contains(text): return .word(text)
            default: continue
            }
        }
        let words = forms.flatMap { form -> [String] in
            switch form {
            case .word(let words): return words
            case .none: return ["none"]
            case .boolean: return ["true", "false"]
            default: return []
            }
        }
        throw LearningError("\(key) takes \(accepted), found '\(text)'", help: Suggestions.didYouMean(text, among: words))
    }

    /// The value itself if one of the forms admits it.
    /// - Throws: `LearningError` saying what the setting takes.
    public func checked(_ value: SettingValue) throws -> SettingValue {
        if case .list(let values) = value { return .list(try values.map(checked)) }
        for form in forms {
            switch (form, value) {
            case (.number(let range, let excludingLower), .number(let x)):
                if range.contains(x) && !(excludingLower && x == range.lowerBound) { return value }
            case (.number(let range, let excludingLower), .whole(let n)):
                // A whole number where only numbers are taken is that number.
                if !forms.contains(where: { if case .whole = $0 { return true }; return false }) {
                    let x = Double(n)
                    if range.contains(x) && !(excludingLower && x == range.lowerBound) { return .number(x) }
                }
            case (.whole(let range), .whole(let n)):
                if range.contains(n) { return value }
            case (.word(let words), .word(let w)):
                if words.contains(w) { return value }
            case (.boolean, .boolean), (.none, .none):
                return value
            default:
                continue
            }
        }
        if case .word(let word) = value {
            throw LearningError("\(key) takes \(accepted), found '\(word)'")
        }
        throw LearningError("\(key)=\(text(of: value)) is out of range: \(key) takes \(accepted)")
    }

    /// The value as the journal writes it: it reads back as the same value.
    public func text(of value: SettingValue) -> String {
        switch value {
        case .number(let x):
            // A whole-valued number must not read back as a whole number where both are taken.
            let takesWhole = forms.contains { if case .whole = $0 { return true }; return false }
            return takesWhole && x == x.rounded() && abs(x) < 1e15 ? "\(Int64(x)).0" : NumberFormatting.shortest(x)
        case .whole(let n): return String(n)
        case .word(let w): return w
        case .boolean(let b): return b ? "true" : "false"
        case .none: return "none"
        case .list(let values): return "[" + values.map(text(of:)).joined(separator: ", ") + "]"
        }
    }
}

/// The declared settings of an algorithm, in the order the journal writes them.
public struct SettingsSchema: Sendable {
    public var specs: [SettingSpec]

    public init(_ specs: [SettingSpec]) {
        self.specs = specs
    }

    public var keys: [String] { specs.map(\.key) }

    public func spec(_ key: String) -> SettingSpec? { specs.first { $0.key == key } }

    /// Other tools' names (scikit-learn's, XGBoost's, LightGBM's) for settings mlw names
    /// its own way: their name, mlw's key (the hint applies where the schema has it; nil:
    /// everywhere) and how to say it here, given the value typed (or an example).
    static let otherNames: [(name: String, key: String?, hint: @Sendable (String) -> String)] = {
        func renamed(_ name: String, _ key: String, example: String) -> (String, String?, @Sendable (String) -> String) {
            (name, key, { value in "\(name) is \(key) here: \(key)=\(value.isEmpty ? example : value)" })
        }
        let cores: @Sendable (String) -> String = { _ in "mlw uses every core by itself (folds and trials side by side); there is no setting for it" }
        let leafRows: @Sendable (String) -> String = { _ in "a leaf's least weight is min_child_weight here (auto: what 20 rows weigh)" }
        let stopping: @Sendable (String) -> String = { value in "stopping after rounds without gain is early_stopping here: early_stopping=\(value.isEmpty ? "10" : value)" }
        return [
            renamed("n_estimators", "trees", example: "100"), renamed("n_estimators", "rounds", example: "100"),
            renamed("num_boost_round", "rounds", example: "100"), renamed("max_iter", "rounds", example: "100"),
            ("C", "l2", { value in
                let inverse = Double(value).flatMap { $0 > 0 && $0.isFinite ? NumberFormatting.shortest(1 / $0) : nil }
                return "C is the inverse of l2 here: " + (inverse.map { "C=\(value) is l2=\($0)" } ?? "C=0.5 is l2=2")
            }),
            ("penalty", "l1", { _ in "each penalty has its own strength here: l1=S (lasso), l2=S (ridge), both for elastic-net" }),
            ("l1_ratio", "l1", { _ in "each penalty has its own strength here: l1=S and l2=S" }),
            ("alpha", "l2", { value in "Ridge's alpha is l2 here and Lasso's is l1: l2=\(value.isEmpty ? "1" : value) or l1=\(value.isEmpty ? "1" : value)" }),
            renamed("n_neighbors", "k", example: "5"), renamed("n_clusters", "k", example: "8"),
            renamed("num_leaves", "max_leaves", example: "31"), renamed("max_leaf_nodes", "max_leaves", example: "31"),
            renamed("eta", "learning_rate", example: "0.1"), renamed("lambda", "l2", example: "1"), renamed("reg_lambda", "l2", example: "1"),
            renamed("l2_regularization", "l2", example: "1"), renamed("colsample_bytree", "colsample", example: "0.8"),
            renamed("max_bin", "max_bins", example: "255"), renamed("random_state", "seed", example: "42"),
            ("min_child_samples", "min_child_weight", leafRows), ("min_samples_leaf", "min_child_weight", leafRows),
            ("early_stopping_rounds", "early_stopping", stopping), ("n_iter_no_change", "early_stopping", stopping),
            ("p", "metric", { _ in "the Minkowski p is metric here: p=1 is metric=manhattan, p=2 metric=euclidean" }),
            ("n_jobs", nil, cores), ("nthread", nil, cores), ("num_threads", nil, cores),
        ]
    }()

    /// What to say of a setting this schema lacks: what it is called here, if another tool's
    /// name (with the value typed, when given); else the nearest key; else every key
    /// (`also`: more keys the command takes).
    public func help(forUnknown key: String, value: String = "", also: [String] = []) -> String {
        if let known = Self.otherNames.first(where: { $0.name == key && ($0.key.map { spec($0) != nil } ?? true) }) { return known.hint(value) }
        return Suggestions.didYouMean(key, among: keys + also)
            ?? (keys.isEmpty && also.isEmpty ? "this takes no settings" : "settings: " + (keys + also).joined(separator: ", "))
    }

    /// Checks the given settings and fills in the defaults, in declaration order.
    /// - Parameters:
    ///   - task: the task being fitted, which picks `.perTask` defaults.
    ///   - makeSeed: gives the seed of a `.randomSeed` setting left out.
    /// - Throws: `LearningError` for an unknown key, a repeated key, a list (one fit takes
    ///   one value per setting) or a value out of range.
    public func resolve(_ given: [(key: String, value: SettingValue)], algorithm: String, task: Task? = nil,
                        makeSeed: () -> UInt64 = { 0 }) throws -> Settings {
        var values: [String: SettingValue] = [:]
        for (key, value) in given {
            guard let spec = spec(key) else {
                throw LearningError("'\(algorithm)' has no setting '\(key)'", help: help(forUnknown: key))
            }
            guard values[key] == nil else { throw LearningError("'\(key)' is given twice") }
            if case .list = value {
                throw LearningError("\(key) takes one value here, found a list",
                                    help: "a list of values is for searching over them (tuning); give one, e.g. \(key)=\(spec.defaultText)")
            }
            values[key] = try spec.checked(value)
        }
        return Settings(entries: specs.map { spec in
            if let value = values[spec.key] { return (spec.key, value) }
            switch spec.defaultValue {
            case .value(let value): return (spec.key, value)
            case .perTask(let values):
                return (spec.key, task.flatMap { values[$0] } ?? Task.allCases.lazy.compactMap { values[$0] }.first!)
            case .randomSeed: return (spec.key, .whole(Int(makeSeed() % UInt64(Int.max))))
            }
        })
    }
}

/// Resolved settings of one fit: every declared key with a checked value, in
/// declaration order. Estimators read them through the typed accessors.
public struct Settings: Sendable, Equatable {
    public private(set) var entries: [(key: String, value: SettingValue)]

    public init(entries: [(key: String, value: SettingValue)]) {
        self.entries = entries
    }

    public subscript(key: String) -> SettingValue? { entries.first { $0.key == key }?.value }

    /// A number setting (whole numbers read as numbers).
    public func number(_ key: String) -> Double {
        guard let value = self[key]?.numberValue else { preconditionFailure("setting '\(key)' is not a number (the schema and the estimator disagree)") }
        return value
    }

    /// A whole-number setting; nil when it is `none`.
    public func whole(_ key: String) -> Int? {
        switch self[key] {
        case .whole(let n)?: return n
        case .none?: return nil
        default: preconditionFailure("setting '\(key)' is not a whole number (the schema and the estimator disagree)")
        }
    }

    public func word(_ key: String) -> String {
        guard case .word(let w)? = self[key] else { preconditionFailure("setting '\(key)' is not a word (the schema and the estimator disagree)") }
        return w
    }

    public static func == (a: Settings, b: Settings) -> Bool {
        a.entries.count == b.entries.count && zip(a.entries, b.entries).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }
}

/// Bundle JSON: the bare value (`1`, `0.5`, `"gini"`, `true`, `null`, `[…]`).
extension SettingValue: Codable {
    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .none }
        else if let flag = try? c.decode(Bool.self) { self = .boolean(flag) }
        else if let whole = try? c.decode(Int.self) { self = .whole(whole) }
        else if let number = try? c.decode(Double.self) { self = .number(number) }
        else if let word = try? c.decode(String.self) { self = .word(word) }
        else { self = .list(try c.decode([SettingValue].self)) }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .number(let x): try c.encode(x)
        case .whole(let n): try c.encode(n)
        case .word(let w): try c.encode(w)
        case .boolean(let b): try c.encode(b)
        case .none: try c.encodeNil()
        case .list(let values): try c.encode(values)
        }
    }
}
