import Foundation
import Tabular

/// A problem applying a preparation step to rows, or a stored step that makes no sense.
public enum PreparationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The rows do not suit the step (a column is missing, a value cannot be computed).
    case input(String)
    /// The step itself is damaged (a bundle's manifest edited by hand, say).
    case corrupt(String)
    /// These rows (0-based, in order) hold values of `column` the step cannot take, for
    /// the same `reason`. The other rows could be prepared: `mlw predict --on-error
    /// skip|null` scores them.
    case rows([Int], column: String, reason: String)

    public var description: String {
        switch self {
        case .input(let message), .corrupt(let message): return message
        case .rows(let rows, _, let reason):
            return "\(reason) (row \(rows[0] + 1)" + (rows.count > 1 ? " and \(Plural.count(rows.count - 1, "other row")))" : ")")
        }
    }
}

/// One preparation step as the user asked for it, before anything is learned: the columns
/// are the ones the command named when it ran. Fitting it on some rows gives the fitted
/// transforms that apply it (one per column for the per-column steps). Each kind of step is
/// one file in `Transforms/`, holding this and its `FittedTransform`.
public protocol PreparationStep: Sendable, Equatable {
    /// The command verb that adds the step (`impute`, `encode`, …).
    var verb: String { get }
    /// The step as a command line would ask for it.
    var text: String { get }
    /// Whether the step learns from the rows it is fitted on (so leakage matters).
    var isLearned: Bool { get }
    /// Learns the step's values from `rows` of `table` (every row when nil) and applies it
    /// to every row.
    /// - Returns: the fitted transforms and the table after them. A step that fits by
    ///   cross-fitting (target encoding) returns training rows encoded out of fold, which
    ///   differ from what its fitted transform gives those rows later: that is the point.
    /// - Throws: `LearningError` (nothing to learn from, a name taken, a column of the
    ///   wrong type), `PreparationError` (no such column) or `ExpressionError` (derive).
    func fit(_ table: Table, rows: [Int]?) throws -> (fitted: [FittedStep], table: Table)
}

/// One fitted step with whatever it learned, applied unchanged at prediction time: by
/// `predict` at the prompt, `mlw predict`, exported pipelines and the server. Its stored
/// properties are its bundle JSON, one flat object named by `kind`
/// (`{"step": "impute", "column": "sex", "fill": "male"}`); `TransformRegistry` lists the
/// kinds a bundle may hold.
public protocol FittedTransform: Sendable, Codable, Equatable {
    /// The `step` name in bundle JSON.
    static var kind: String { get }
    /// Applies the step to a table with the columns it needs, noting in `report` what new
    /// rows did that the training rows did not (levels never seen).
    /// - Throws: `PreparationError.input` when a column it needs is missing or holds
    ///   values the step cannot take.
    func apply(to table: Table, report: inout PreparationReport) throws -> Table
    /// Checks that the learned values make sense for the columns of `table` (the columns
    /// the step will be applied to), beyond what `apply` needs: a loaded bundle's steps are
    /// data from a file, and a wrong one must be refused, not applied silently.
    /// - Throws: `PreparationError`.
    func check(against table: Table) throws
    /// The one input column a per-column step works on (nil for the others).
    var column: String? { get }
    /// The step with what it learned, in a line.
    var summary: String { get }
    /// What it learned, for `recipe` (empty when it learns nothing).
    var learnedText: String { get }
    /// The 0/1 indicator columns it makes (which the `numeric` selector leaves out).
    var indicatorColumns: [String] { get }
    /// The columns it makes or changes, as they are named after it (`features` says which
    /// step made each column).
    var producedColumns: [String] { get }
}

extension FittedTransform {
    public var learnedText: String { "" }
    public var indicatorColumns: [String] { [] }
    public var producedColumns: [String] { column.map { [$0] } ?? [] }

    /// Applies the step, noting nothing.
    public func apply(to table: Table) throws -> Table {
        var report = PreparationReport()
        return try apply(to: table, report: &report)
    }
}

/// What applying a preparation to new rows noticed without failing: per column, the rows
/// whose level was never seen in training (encoded as the step's `unseen` policy says).
public struct PreparationReport: Sendable, Equatable {
    public var unseenLevels: [String: Int] = [:]

    public init() {}
}

/// The kinds of fitted step a bundle may hold. Adding a transform is one line here and one
/// file with its `PreparationStep` and `FittedTransform`.
public enum TransformRegistry {
    static let all: [any FittedTransform.Type] = [
        FittedDerive.self, FittedDrop.self, FittedRename.self, FittedCast.self, FittedReplace.self, FittedClip.self,
        FittedImputer.self, FittedOneHot.self, FittedScaler.self, FittedPowerTransform.self, FittedBins.self, FittedLevelEncoding.self, FittedDateParts.self, FittedProducts.self, FittedSelection.self, FittedPCA.self,
    ]

    static func type(ofKind kind: String) -> (any FittedTransform.Type)? {
        all.first { $0.kind == kind }
    }
}

/// A fitted step of any kind.
public struct FittedStep: Sendable, Equatable, CustomStringConvertible {
    public let base: any FittedTransform

    public init(_ base: some FittedTransform) {
        self.base = base
    }

    public func apply(to table: Table, report: inout PreparationReport) throws -> Table {
        try base.apply(to: table, report: &report)
    }

    public func apply(to table: Table) throws -> Table {
        var report = PreparationReport()
        return try base.apply(to: table, report: &report)
    }

    public func check(against table: Table) throws { try base.check(against: table) }
    public var column: String? { base.column }
    public var summary: String { base.summary }
    public var learnedText: String { base.learnedText }
    public var indicatorColumns: [String] { base.indicatorColumns }
    public var producedColumns: [String] { base.producedColumns }
    public var description: String { summary }

    /// The step as a transform of that type, if it is one.
    public func `as`<T: FittedTransform>(_ type: T.Type) -> T? { base as? T }

    public static func == (a: FittedStep, b: FittedStep) -> Bool {
        func same<T: FittedTransform>(_ x: T) -> Bool { (b.base as? T) == x }
        return same(a.base)
    }
}

/// Bundle JSON: the transform's own keys and `step`, its kind, in one object.
extension FittedStep: Codable {
    private enum StepKey: String, CodingKey { case step }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: StepKey.self)
        let kind = try c.decode(String.self, forKey: .step)
        guard let type = TransformRegistry.type(ofKind: kind) else {
            throw DecodingError.dataCorruptedError(forKey: .step, in: c, debugDescription: "unknown preparation step '\(kind)'")
        }
        base = try type.init(from: decoder)
    }

    public func encode(to encoder: Encoder) throws {
        try base.encode(to: encoder)
        var c = encoder.container(keyedBy: StepKey.self)
        try c.encode(type(of: base).kind, forKey: .step)
    }
}

/// A preparation step of any kind.
public struct RecipeStep: Sendable, Equatable, CustomStringConvertible {
    public let base: any PreparationStep

    public init(_ base: some PreparationStep) {
        self.base = base
    }

    public var verb: String { base.verb }
    public var text: String { base.text }
    public var isLearned: Bool { base.isLearned }
    public var description: String { text }

    public func fit(_ table: Table, rows: [Int]?) throws -> (fitted: [FittedStep], table: Table) {
        try base.fit(table, rows: rows)
    }

    /// The step as a preparation step of that type, if it is one.
    public func `as`<T: PreparationStep>(_ type: T.Type) -> T? { base as? T }

    public static func == (a: RecipeStep, b: RecipeStep) -> Bool {
        func same<T: PreparationStep>(_ x: T) -> Bool { (b.base as? T) == x }
        return same(a.base)
    }
}

// MARK: - Helpers shared by the transforms

/// The column of that name, or the error that says the input lacks it.
func requiredColumn(_ name: String, in table: Table) throws -> Column {
    guard let column = table.column(named: name) else { throw PreparationError.input("the input has no column '\(name)'") }
    return column
}

/// Fits one transform per named column the table has, in parallel; the first error in
/// column order is reported, as a sequential loop would. A named column can be missing
/// only in a refit (a cross-validation fold), where a learned selection before the step
/// kept other columns than when the step was asked for: the step then fits the rest.
func fitEach<T>(_ names: [String], of table: Table, _ fit: (Column) throws -> T) throws -> [T] {
    let present = names.filter { table.column(named: $0) != nil }
    let results = Parallel.map(present) { name in Result { try fit(table.column(named: name)!) } }
    return try results.map { try $0.get() }
}

/// Applies fitted transforms in order.
func applyEach(_ fitted: [FittedStep], to table: Table) throws -> (fitted: [FittedStep], table: Table) {
    (fitted, try fitted.reduce(table) { try $1.apply(to: $0) })
}

/// Applies per-column transforms that each replace their own column, in parallel.
func applyColumnwise<T: FittedTransform>(_ fitted: [T], to table: Table, _ apply: (T, Column) -> Column) -> (fitted: [FittedStep], table: Table) {
    var result = table
    let made = Parallel.map(fitted) { transform in apply(transform, table.column(named: transform.column!)!) }
    for column in made { result.setColumn(column) }
    return (fitted.map(FittedStep.init), result)
}

/// A column list as a recipe line shows it: up to four names, then a count.
public func listText(_ columns: [String]) -> String {
    columns.count <= 4 ? columns.joined(separator: ", ") : columns.prefix(3).joined(separator: ", ") + ", … (\(columns.count) columns)"
}

/// "6400 GB", "1.5 GB", "320 MB".
func formatBytes(_ bytes: Double) -> String {
    bytes >= 1e11 ? String(format: "%.0f GB", bytes / 1e9) : bytes >= 1e9 ? String(format: "%.1f GB", bytes / 1e9) : String(format: "%.0f MB", bytes / 1e6)
}
