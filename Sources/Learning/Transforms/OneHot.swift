import Foundation
import Tabular

/// The options of `encode onehot`, in scikit-learn's `OneHotEncoder` terms.
public struct OneHotOptions: Sendable, Equatable {
    /// Which indicator to leave out, so the columns are not collinear with an intercept.
    public enum Drop: String, Sendable, CaseIterable { case none, first, ifBinary = "if_binary" }
    /// What a level never seen in the fitting rows becomes.
    public enum Unseen: String, Sendable, Codable, CaseIterable { case ignore, error, other }

    public var drop: Drop = .none
    /// Levels seen fewer times than this (a count, or a share of the rows when below 1)
    /// are grouped into one `COL_other` column; nil keeps every level.
    public var minFrequency: Double?
    public var unseen: Unseen = .ignore
    /// Indicators as 8-byte numbers, as journals of fingerprints v1 and v2 recorded them
    /// (not a setting: `Workspace.followsV2Rules` asks for it); otherwise booleans, one byte
    /// a row (as pandas' `get_dummies`).
    public var numberIndicators = false

    public init(drop: Drop = .none, minFrequency: Double? = nil, unseen: Unseen = .ignore) {
        self.drop = drop
        self.minFrequency = minFrequency
        self.unseen = unseen
    }

    public static let settings = SettingsSchema([
        SettingSpec("drop", "leave out one indicator: first (always) or if_binary (only for a column of two levels)",
                    forms: [.word(Drop.allCases.map(\.rawValue))], default: .value(.word("none"))),
        SettingSpec("min_frequency", "group the levels seen fewer times (a count, or a share of the fitting rows) into COLUMN_other",
                    forms: [.whole(1...Int.max), .number(0...1, excludingLower: true), .none(meaning: "keep every level")], default: .value(.none)),
        SettingSpec("unseen", "a level not seen in training: ignore (all zeros), error, or other (into COLUMN_other when there is one)",
                    forms: [.word(Unseen.allCases.map(\.rawValue))], default: .value(.word("ignore"))),
    ])

    public init(_ settings: Settings) {
        drop = Drop(rawValue: settings.word("drop"))!
        minFrequency = settings["min_frequency"]?.numberValue
        unseen = Unseen(rawValue: settings.word("unseen"))!
    }

    /// The options as `key=value` words, defaults left out.
    var text: String {
        var words: [String] = []
        if drop != .none { words.append("drop=\(drop.rawValue)") }
        if let minFrequency { words.append("min_frequency=\(NumberFormatting.shortest(minFrequency))") }
        if unseen != .ignore { words.append("unseen=\(unseen.rawValue)") }
        return words.map { " " + $0 }.joined()
    }
}

/// `encode onehot COLUMNS [drop=…] [min_frequency=…] [unseen=…]`: one indicator column
/// per level seen in the fitting rows, named `COLUMN_LEVEL`: a boolean (1 byte a row),
/// which models read as 0/1. Missing values encode as all false.
public struct OneHotStep: PreparationStep {
    public var columns: [String]
    public var options: OneHotOptions

    public init(columns: [String], options: OneHotOptions = OneHotOptions()) {
        self.columns = columns
        self.options = options
    }

    public var verb: String { "encode" }
    public var text: String { "encode onehot " + listText(columns) + options.text }
    public var isLearned: Bool { true }

    public func fit(_ table: Table, rows: [Int]?) throws -> (fitted: [FittedStep], table: Table) {
        let encoders = try fitEach(columns, of: table) { try OneHotEncoder(options).fit($0, rows: rows) }
        try Self.checkOneHot(encoders, of: table)
        let encoded = Parallel.map(encoders) { encoder in Result { try encoder.apply(table.column(named: encoder.name)!).columns } }
        var result = table
        for (encoder, made) in zip(encoders, encoded) { result.replaceColumn(at: result.index(of: encoder.name)!, with: try made.get()) }
        return (encoders.map(FittedStep.init), result)
    }

    /// New columns must not take a name that exists (or that another encoding of the same
    /// step makes), and the indicators must fit in memory.
    static func checkOneHot(_ encoders: [FittedOneHot], of table: Table) throws {
        var taken = Set(table.columnNames)
        for encoder in encoders {
            taken.remove(encoder.name)
            if let clash = encoder.outputNames.first(where: { !taken.insert($0).inserted }) {
                throw LearningError("encoding '\(encoder.name)' would make a column '\(clash)', but that name is taken",
                                    help: "rename or drop the column '\(clash)' first, e.g. 'drop \(Tabular.Expression.quoteIdentifier(clash))'")
            }
        }
        let total = encoders.reduce(0) { $0 + $1.outputNames.count }
        let bytes = Double(table.rowCount) * Double(total) * Double(encoders.first?.numberIndicators ?? false ? 8 : 1)
        let budget = Double(ProcessInfo.processInfo.physicalMemory) / 4
        if bytes > budget, let widest = encoders.max(by: { $0.outputNames.count < $1.outputNames.count }) {
            throw LearningError("one-hot encoding would add \(formatBytes(bytes)) of columns, more than a quarter of this machine's memory (\(formatBytes(budget * 4)))",
                                help: "'\(widest.name)' alone has \(widest.categories.count) categories; group the rare ones (min_frequency=…), drop it ('drop \(Tabular.Expression.quoteIdentifier(widest.name))') or encode fewer columns")
        }
    }
}

/// Learns the levels of one column for one-hot encoding.
public struct OneHotEncoder: Sendable {
    public var options: OneHotOptions

    public init(_ options: OneHotOptions = OneHotOptions()) {
        self.options = options
    }

    /// The most distinct values a number column may have to be one-hot encoded.
    static let mostNumberLevels = 100

    /// Learns the levels present in the given rows (all rows when nil), sorted, and which
    /// are rare and which indicator is dropped.
    public func fit(_ column: Column, rows: [Int]?) throws -> FittedOneHot {
        let (levels, levelCounts) = try fittedLevels(column, rows: rows)
        // A number column is encoded when it holds a few codes (a bin, a rating); a
        // measurement would make a column per value.
        if column.type == .number, levels.count > Self.mostNumberLevels {
            throw LearningError("'\(column.name)' holds \(levels.count) different numbers; one-hot encoding is for categories (at most \(Self.mostNumberLevels) values of a number column)",
                                help: "make bins first: bin \(Tabular.Expression.quoteIdentifier(column.name)) quantile bins=5, then encode them")
        }
        let counts = Dictionary(uniqueKeysWithValues: zip(levels, levelCounts))
        var frequent = levels, infrequent: [String] = []
        if let minFrequency = options.minFrequency {
            let fitted = rows?.count ?? column.count
            let least = minFrequency >= 1 ? minFrequency : minFrequency * Double(fitted)
            frequent = levels.filter { Double(counts[$0]!) >= least }
            infrequent = levels.filter { Double(counts[$0]!) < least }
        }
        // As scikit-learn: the first level is dropped; when it is a rare one, the group is.
        var dropped: [String] = []
        let outputs = frequent.count + (infrequent.isEmpty ? 0 : 1)
        if options.drop == .first || options.drop == .ifBinary && outputs == 2 {
            if infrequent.first == levels.first {
                dropped = infrequent
                infrequent = []
            } else {
                dropped = [frequent.removeFirst()]
            }
        }
        return FittedOneHot(column: column.name, categories: frequent, infrequent: infrequent, dropped: dropped, unseen: options.unseen,
                            numberIndicators: options.numberIndicators)
    }
}

/// The learned levels of one column. Bundle JSON: `{"step": "onehot", "column": NAME,
/// "categories": [...]}`, with `"infrequent"`, `"dropped"` and `"unseen"` when they are
/// not empty or the default, and `"indicators": "boolean"` for boolean indicators (a step
/// without it, as every bundle of versions 1–3, makes number indicators).
public struct FittedOneHot: FittedTransform {
    public static let kind = "onehot"
    public var name: String
    /// The levels with a column each, in column order.
    public var categories: [String]
    /// The rare levels that share the column `COLUMN_other` (none: no such column).
    public var infrequent: [String]
    /// Levels known from fitting that encode as all zeros (the dropped indicator's).
    public var dropped: [String]
    public var unseen: OneHotOptions.Unseen
    /// Whether the indicators are 8-byte numbers (bundles before boolean indicators).
    public var numberIndicators: Bool

    public init(column: String, categories: [String], infrequent: [String] = [], dropped: [String] = [], unseen: OneHotOptions.Unseen = .ignore,
                numberIndicators: Bool = false) {
        self.name = column
        self.categories = categories
        self.infrequent = infrequent
        self.dropped = dropped
        self.unseen = unseen
        self.numberIndicators = numberIndicators
    }

    public var outputNames: [String] {
        categories.map { "\(name)_\($0)" } + (infrequent.isEmpty ? [] : ["\(name)_other"])
    }

    /// The indicator columns, and how many rows held a level not seen in fitting.
    /// - Throws: `PreparationError.input` for unseen levels when the policy is `error`.
    /// - Complexity: O(rows × columns) to fill the indicators with zeros, then O(rows):
    ///   the codes are read twice in all (a counting sort of the rows by column), not once
    ///   per column, which at 10,000,000 rows and 50 levels meant reading 2 GB.
    public func apply(_ input: Column) throws -> (columns: [Column], unseen: Int) {
        let (codes, dictionary) = input.levelCodes()
        let outputs = outputNames
        // Per dictionary code: its column, or -1 (all zeros: dropped), or -2 (unseen).
        var position: [String: Int32] = [:]
        for (k, level) in categories.enumerated() { position[level] = Int32(k) }
        for level in infrequent { position[level] = Int32(categories.count) }
        for level in dropped { position[level] = -1 }
        let unseenTarget: Int32 = unseen == .other && !infrequent.isEmpty ? Int32(categories.count) : -1
        let columnOfCode = dictionary.map { position[$0] ?? -2 }
        var starts = [Int](repeating: 0, count: outputs.count + 1)
        var rowsByColumn = [Int32](repeating: 0, count: codes.count)
        var unseenRows = 0
        columnOfCode.withUnsafeBufferPointer { target in
            for code in codes where code >= 0 {
                var k = target[Int(code)]
                if k == -2 { unseenRows += 1; k = unseenTarget }
                if k >= 0 { starts[Int(k) + 1] += 1 }
            }
            for k in outputs.indices { starts[k + 1] += starts[k] }
            var next = starts
            rowsByColumn.withUnsafeMutableBufferPointer { grouped in
                for (row, code) in codes.enumerated() where code >= 0 {
                    var k = target[Int(code)]
                    if k == -2 { k = unseenTarget }
                    if k >= 0 { grouped[next[Int(k)]] = Int32(row); next[Int(k)] += 1 }
                }
            }
        }
        if unseen == .error, unseenRows > 0 {
            let rows = codes.indices.filter { codes[$0] >= 0 && columnOfCode[Int(codes[$0])] == -2 }
            throw PreparationError.rows(rows, column: name, reason: "'\(name)' has a level not seen in training (the model was fitted with unseen=error)")
        }
        let numbers = numberIndicators
        let columns = Parallel.map(outputs.count) { k in
            func filled<T: Numeric>(_: T.Type) -> [T] {
                [T](unsafeUninitializedCapacity: codes.count) { buffer, initialized in
                    guard let base = buffer.baseAddress else { initialized = 0; return }
                    base.initialize(repeating: 0, count: codes.count)
                    for i in starts[k]..<starts[k + 1] { base[Int(rowsByColumn[i])] = 1 }
                    initialized = codes.count
                }
            }
            return numbers ? Column(name: outputs[k], numbers: filled(Double.self)) : Column(name: outputs[k], data: .boolean(filled(UInt8.self)))
        }
        return (columns, unseenRows)
    }

    public func apply(to table: Table, report: inout PreparationReport) throws -> Table {
        let column = try requiredColumn(name, in: table)
        let index = table.index(of: name)!
        if let clash = table.collisions(replacingColumnAt: index, with: outputNames).first {
            throw PreparationError.input("encoding '\(name)' makes the column '\(clash)', which the data already has")
        }
        let (columns, unseenRows) = try apply(column)
        if unseenRows > 0 { report.unseenLevels[name, default: 0] += unseenRows }
        var result = table
        result.replaceColumn(at: index, with: columns)
        return result
    }

    public func check(against table: Table) throws {
        let column = try requiredColumn(name, in: table)
        guard column.type != .date else { throw PreparationError.corrupt("it one-hot encodes '\(column.name)', a date column") }
        if column.type == .number, let wrong = (categories + infrequent + dropped).first(where: { Double($0) == nil }) {
            throw PreparationError.corrupt("it one-hot encodes '\(column.name)', a number column, but its level '\(wrong)' is not a number")
        }
        let known = categories + infrequent + dropped
        guard !outputNames.isEmpty, Set(known).count == known.count else {
            throw PreparationError.corrupt("its categories are empty or repeated")
        }
    }

    public var column: String? { name }
    public var summary: String { "onehot \(name) -> \(Plural.count(outputNames.count, "column"))" }
    public var indicatorColumns: [String] { outputNames }
    public var producedColumns: [String] { outputNames }

    public var learnedText: String {
        let shown = categories.prefix(8).joined(separator: ", ") + (categories.count > 8 ? ", …" : "")
        var text = "\(name): \(Plural.count(categories.count, "category", plural: "categories")) (\(shown))"
        if !infrequent.isEmpty { text += "; \(infrequent.count) rare in \(name)_other" }
        if !dropped.isEmpty { text += "; dropped \(dropped.count == 1 ? dropped[0] : "the rare group")" }
        if unseen != .ignore { text += "; unseen: \(unseen.rawValue)" }
        return text
    }

    private enum CodingKeys: String, CodingKey { case name = "column", categories, infrequent, dropped, unseen, indicators }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        categories = try c.decode([String].self, forKey: .categories)
        infrequent = try c.decodeIfPresent([String].self, forKey: .infrequent) ?? []
        dropped = try c.decodeIfPresent([String].self, forKey: .dropped) ?? []
        unseen = try c.decodeIfPresent(OneHotOptions.Unseen.self, forKey: .unseen) ?? .ignore
        let storage = try c.decodeIfPresent(String.self, forKey: .indicators)
        guard storage == nil || storage == "boolean" else {
            throw DecodingError.dataCorruptedError(forKey: .indicators, in: c, debugDescription: "unknown indicator storage '\(storage!)'")
        }
        numberIndicators = storage == nil
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(categories, forKey: .categories)
        if !infrequent.isEmpty { try c.encode(infrequent, forKey: .infrequent) }
        if !dropped.isEmpty { try c.encode(dropped, forKey: .dropped) }
        if unseen != .ignore { try c.encode(unseen, forKey: .unseen) }
        if !numberIndicators { try c.encode("boolean", forKey: .indicators) }
    }
}

extension Column {
    /// The values as level codes (-1: missing) and their dictionary: a text column's own,
    /// a boolean column's `false`/`true`; numbers and dates as their printed text.
    func levelCodes() -> (codes: [Int32], dictionary: [String]) {
        switch data {
        case .text(let codes, let dictionary): return (codes, dictionary)
        case .boolean(let flags): return (flags.map { $0 == Column.missingBoolean ? -1 : Int32($0) }, ["false", "true"])
        default:
            let texts = (0..<count).map { text(at: $0) }
            guard case .text(let codes, let dictionary) = Column(name: name, texts: texts).data else { return ([], []) }
            return (codes, dictionary)
        }
    }
}
