import Tabular

/// The encodings that replace each level of a column by numbers learned from the fitting
/// rows: `ordinal` (its rank among the sorted levels), `frequency` (its share of the
/// fitting rows) and `target` (the target's mean among its rows, see `TargetEncodingStep`).
/// Missing stays missing; a level not seen in fitting gets the encoding's unseen value, or
/// an error with `unseen=error`.
public enum LevelEncodingMethod: String, Sendable, Codable, CaseIterable {
    case ordinal, frequency, target
}

/// What `unseen=` may say for ordinal, frequency and target encodings.
public enum UnseenLevelPolicy: String, Sendable, Codable, CaseIterable {
    /// The encoding's value for unseen levels: -1 (ordinal), 0 (frequency), the target's
    /// overall mean (target).
    case ignore
    case error
}

/// `encode ordinal|frequency COLUMNS [unseen=ignore|error]`.
public struct LevelEncodingStep: PreparationStep {
    public var columns: [String]
    public var method: LevelEncodingMethod
    public var unseen: UnseenLevelPolicy

    public init(columns: [String], method: LevelEncodingMethod, unseen: UnseenLevelPolicy = .ignore) {
        precondition(method != .target, "target encoding is TargetEncodingStep")
        self.columns = columns
        self.method = method
        self.unseen = unseen
    }

    public var verb: String { "encode" }
    public var text: String { "encode \(method.rawValue) " + listText(columns) + (unseen == .error ? " unseen=error" : "") }
    public var isLearned: Bool { true }

    public func fit(_ table: Table, rows: [Int]?) throws -> (fitted: [FittedStep], table: Table) {
        let encoders = try fitEach(columns, of: table) { column -> FittedLevelEncoding in
            let (levels, counts) = try fittedLevels(column, rows: rows)
            let fitted = Double(rows?.count ?? column.count)
            switch method {
            case .ordinal:
                return FittedLevelEncoding(column: column.name, method: .ordinal, outputs: [column.name], levels: levels,
                                           values: [levels.indices.map(Double.init)], unseenValues: [-1], unseen: unseen)
            case .frequency:
                return FittedLevelEncoding(column: column.name, method: .frequency, outputs: [column.name], levels: levels,
                                           values: [counts.map { Double($0) / fitted }], unseenValues: [0], unseen: unseen)
            case .target:
                preconditionFailure("target encoding is TargetEncodingStep")
            }
        }
        var result = table
        for encoder in encoders { result = try encoder.apply(to: result) }
        return (encoders.map(FittedStep.init), result)
    }
}

/// The levels present among `rows` (all rows when nil), sorted (numerically for a number
/// column), and how often each occurs.
/// - Throws: `LearningError` for a date column or no values.
func fittedLevels(_ column: Column, rows: [Int]?) throws -> (levels: [String], counts: [Int]) {
    if column.type == .date {
        throw LearningError("'\(column.name)' holds dates; encodings are for categories",
                            help: "derive a part of the date first: derive \(column.name)_month = month(\(column.name))")
    }
    let (codes, dictionary) = column.levelCodes()
    var counts = [Int](repeating: 0, count: dictionary.count)
    codes.withUnsafeBufferPointer { c in
        if let rows { for row in rows where c[row] >= 0 { counts[Int(c[row])] += 1 } }
        else { for code in c where code >= 0 { counts[Int(code)] += 1 } }
    }
    var byLevel: [String: Int] = [:]
    for (k, level) in dictionary.enumerated() where counts[k] > 0 { byLevel[level, default: 0] += counts[k] }
    guard !byLevel.isEmpty else { throw LearningError("'\(column.name)' has no values to learn levels from") }
    let levels = column.type == .number ? byLevel.keys.sorted { Double($0)! < Double($1)! } : byLevel.keys.sorted()
    return (levels, levels.map { byLevel[$0]! })
}

/// Learned numbers per level of one column, one output column or several (a target
/// encoding of a multiclass target makes one per class). Bundle JSON:
/// `{"step": "encode", "column": NAME, "method": "ordinal"|"frequency"|"target",
/// "outputs": [...], "levels": [...], "values": [[...] per output], "unseen_values": [...],
/// "unseen": "ignore"|"error"}`.
public struct FittedLevelEncoding: FittedTransform {
    public static let kind = "encode"
    public var name: String
    public var method: LevelEncodingMethod
    /// The columns it makes, in order; the first replaces the input column's place.
    public var outputs: [String]
    public var levels: [String]
    /// Per output, the value of each level (in `levels` order).
    public var values: [[Double]]
    /// Per output, the value of a level not seen in fitting.
    public var unseenValues: [Double]
    public var unseen: UnseenLevelPolicy

    public init(column: String, method: LevelEncodingMethod, outputs: [String], levels: [String], values: [[Double]],
                unseenValues: [Double], unseen: UnseenLevelPolicy) {
        self.name = column
        self.method = method
        self.outputs = outputs
        self.levels = levels
        self.values = values
        self.unseenValues = unseenValues
        self.unseen = unseen
    }

    /// Per row: the index of its level, -1 for missing, -2 for a level not seen in fitting.
    func levelIndices(_ input: Column) -> [Int32] {
        let (codes, dictionary) = input.levelCodes()
        var position: [String: Int32] = [:]
        for (k, level) in levels.enumerated() { position[level] = Int32(k) }
        let indexOfCode = dictionary.map { position[$0] ?? -2 }
        return codes.map { $0 < 0 ? -1 : indexOfCode[Int($0)] }
    }

    /// The output columns for these level indices.
    func columns(for indices: [Int32]) -> [Column] {
        outputs.indices.map { j in
            let table = values[j], fallback = unseenValues[j]
            return Column(name: outputs[j], numbers: indices.map { $0 >= 0 ? table[Int($0)] : $0 == -1 ? .nan : fallback })
        }
    }

    public func apply(to table: Table, report: inout PreparationReport) throws -> Table {
        let column = try requiredColumn(name, in: table)
        let index = table.index(of: name)!
        if let clash = table.collisions(replacingColumnAt: index, with: outputs).first {
            throw PreparationError.input("encoding '\(name)' makes the column '\(clash)', which the data already has")
        }
        let indices = levelIndices(column)
        if indices.contains(-2) {
            let count = indices.reduce(0) { $0 + ($1 == -2 ? 1 : 0) }
            if unseen == .error {
                throw PreparationError.rows(indices.indices.filter { indices[$0] == -2 }, column: name,
                                            reason: "'\(name)' has a level not seen in training (the model was fitted with unseen=error)")
            }
            report.unseenLevels[name, default: 0] += count
        }
        var result = table
        result.replaceColumn(at: index, with: columns(for: indices))
        return result
    }

    public func check(against table: Table) throws {
        let column = try requiredColumn(name, in: table)
        guard column.type != .date else { throw PreparationError.corrupt("it encodes '\(name)', a date column") }
        guard !outputs.isEmpty, values.count == outputs.count, unseenValues.count == outputs.count,
              values.allSatisfy({ $0.count == levels.count }), Set(levels).count == levels.count else {
            throw PreparationError.corrupt("its levels and values do not line up")
        }
        guard values.allSatisfy({ $0.allSatisfy(\.isFinite) }), unseenValues.allSatisfy(\.isFinite) else {
            throw PreparationError.corrupt("its values are not all finite numbers")
        }
    }

    public var column: String? { name }
    public var producedColumns: [String] { outputs }
    public var summary: String { "encode \(name) by \(method.rawValue) -> \(Plural.count(outputs.count, "column"))" }

    public var learnedText: String {
        let shown = levels.indices.prefix(6).map { k in
            "\(levels[k]) \(values.map { NumberFormatting.significant($0[k], digits: 4) }.joined(separator: "/"))"
        }.joined(separator: ", ") + (levels.count > 6 ? ", …" : "")
        return "\(name): \(Plural.count(levels.count, "level")) (\(shown))" + (outputs.count > 1 ? " → \(listText(outputs))" : "")
    }

    private enum CodingKeys: String, CodingKey {
        case name = "column", method, outputs, levels, values, unseenValues = "unseen_values", unseen
    }
}
