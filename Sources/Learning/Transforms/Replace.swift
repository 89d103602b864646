import Tabular

/// `replace VALUE with VALUE in COLUMNS`: one value (nil: missing) replaced by another
/// (nil: missing) in each column.
public struct ReplaceStep: PreparationStep {
    public var columns: [String]
    public var from: String?
    public var to: String?

    public init(columns: [String], from: String?, to: String?) {
        self.columns = columns
        self.from = from
        self.to = to
    }

    public var verb: String { "replace" }
    public var text: String {
        func value(_ text: String?) -> String { text.map { Double($0) != nil ? $0 : "\"\($0)\"" } ?? "missing" }
        return "replace \(value(from)) with \(value(to)) in \(listText(columns))"
    }
    public var isLearned: Bool { false }

    public func fit(_ table: Table, rows: [Int]?) throws -> (fitted: [FittedStep], table: Table) {
        let fitted = try columns.map { name -> FittedStep in
            guard let column = table.column(named: name) else { throw PreparationError.input("there is no column '\(name)'") }
            return FittedStep(FittedReplace(column: name, from: try FillValue.reading(from, for: column), to: try FillValue.reading(to, for: column)))
        }
        return try applyEach(fitted, to: table)
    }
}

/// Bundle JSON: `{"step": "replace", "column": NAME, "from": VALUE|null, "to": VALUE|null}`.
public struct FittedReplace: FittedTransform {
    public static let kind = "replace"
    public var name: String
    public var from: FillValue?
    public var to: FillValue?

    public init(column: String, from: FillValue?, to: FillValue?) {
        self.name = column
        self.from = from
        self.to = to
    }

    public func apply(to table: Table, report: inout PreparationReport) throws -> Table {
        var result = table
        result.setColumn(try requiredColumn(name, in: table).replacing(from, with: to))
        return result
    }

    public func check(against table: Table) throws {
        let column = try requiredColumn(name, in: table)
        for value in [from, to].compactMap({ $0 }) where !value.suits(column.type) {
            throw PreparationError.corrupt("its value \(value.displayText) does not suit the \(column.type.rawValue) column '\(name)'")
        }
    }

    public var column: String? { name }
    public var summary: String { "replace \(from?.displayText ?? "missing") with \(to?.displayText ?? "missing") in \(name)" }

    private enum CodingKeys: String, CodingKey { case name = "column", from, to }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        from = try c.decode(FillValue?.self, forKey: .from)
        to = try c.decode(FillValue?.self, forKey: .to)
    }

    // Missing is written as null, not left out: `from` and `to` are always present.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(from, forKey: .from)
        try c.encode(to, forKey: .to)
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
