import CommandLanguage
import Learning
import Scoring
import Tabular

/// Everything the session has built, as a value: replaying the recorded script
/// produces exactly this, and `undo` restores an earlier value.
public struct Workspace: Sendable {
    /// Loaded tables in load order (the current one may have been prepared since).
    public var tables: [Table] = []
    /// Name of the table commands work on.
    public var current: String?
    /// Per table: where it was loaded from (for lineage and pipeline parameters).
    public var sources: [String: DataSource] = [:]
    /// Per table: the sources of the tables joined or appended to it (lineage).
    public var combinedSources: [String: [DataSource]] = [:]
    /// Per table: the table as loaded, the input its recipe is refitted on.
    public var loaded: [String: Table] = [:]
    /// Per table: for each current row, the row of the loaded table it came from (absent:
    /// the same rows, as loaded). Filters keep it aligned.
    public var rowOrigins: [String: [Int]] = [:]
    /// Per table: the preparation steps since loading as they were asked for (unfitted),
    /// which can be refitted on any subset of rows.
    public var recipes: [String: Recipe] = [:]
    /// Per table: what those steps learned (from the training rows once a split exists),
    /// as applied to the current table and carried by every model trained on it.
    public var preparations: [String: FittedRecipe] = [:]
    /// Per table: how many fitted steps each recipe step made, in order (`recipe` shows
    /// each step's own).
    public var fittedCounts: [String: [Int]] = [:]
    /// The fingerprint version whose meanings commands follow: a journal recorded with an
    /// older one replays with the meanings it was recorded with (`Fingerprint.version`).
    public var rulesVersion = Fingerprint.version
    /// Whether commands mean what they meant in journals of fingerprints v1 and v2:
    /// `numeric` also selects the indicator columns an encoding made, and `encode onehot`
    /// makes them 8-byte numbers rather than booleans.
    var followsV2Rules: Bool { rulesVersion <= 2 }
    /// The fits to make as mlw made them at `rulesVersion`: before v4, an L1 logistic
    /// regression by OWL-QN and gbdt reading indicators' 0s as values.
    var earlierFits: EarlierFits { rulesVersion <= 3 ? [.l1LogisticByOWLQN, .gbdtDenseIndicators] : [] }
    /// Per table: the columns as loaded (the input schema a model asks for).
    public var loadedSchemas: [String: [SchemaField]] = [:]
    /// Per table: how its rows are divided into training and test rows.
    public var splits: [String: Split] = [:]
    /// Per table split into rows: how many recipe steps came before its split (those that
    /// learned, learned from every row, test rows included).
    public var stepsBeforeSplit: [String: Int] = [:]
    /// The column to predict and the kind of problem.
    public var target: Target?
    /// Per target column: the success metric that evaluation checks and exports gate on.
    /// A goal belongs to the target it was set for (an accuracy goal means nothing to a
    /// regression target chosen later).
    public var goals: [String: Goal] = [:]
    /// Trained models in training order.
    public var models: [TrainedModel] = []
    /// The latest evaluation, if any.
    public var evaluation: Evaluation?
    /// Declared script parameters (`param NAME = VALUE`).
    public var parameters: [String: String] = [:]

    public init() {}

    /// The goal of the current target.
    public var goal: Goal? { target.flatMap { goals[$0.column] } }

    public var currentTable: Table? {
        current.flatMap { name in tables.first { $0.name == name } }
    }

    /// The loaded table of that name.
    public func table(named name: String) -> Table? { tables.first { $0.name == name } }

    /// The trained model of that name.
    public func model(named name: String) -> TrainedModel? { models.first { $0.name == name } }

    mutating func store(_ table: Table) {
        if let i = tables.firstIndex(where: { $0.name == table.name }) { tables[i] = table } else { tables.append(table) }
    }

    /// Records one preparation step of a table: as asked for, and as fitted.
    mutating func addPreparation(_ step: RecipeStep, fitted: [FittedStep], to table: String) {
        recipes[table, default: Recipe()].steps.append(step)
        preparations[table, default: FittedRecipe()].steps += fitted
        fittedCounts[table, default: []].append(fitted.count)
    }

    /// Starts a table's preparation again (a fresh load, or a combination that makes the
    /// steps so far part of the data).
    mutating func resetPreparation(of table: String) {
        recipes[table] = Recipe()
        preparations[table] = FittedRecipe()
        fittedCounts[table] = []
    }

    /// The loaded rows behind the table's current rows: its recipe's input.
    public func recipeInput(of table: String) -> Table? {
        guard let loaded = loaded[table] else { return nil }
        return rowOrigins[table].map { loaded.gathering($0) } ?? loaded
    }

    /// Fits the table's recipe again on `rows` of its current rows (every row when nil):
    /// what a fold of a cross-validation trains on.
    /// - Returns: the fitted recipe and the prepared table (all current rows), or nil for a
    ///   table that was not loaded.
    /// - Throws: as `Recipe.fit`.
    public func refitRecipe(of table: String, rows: [Int]?) throws -> (fitted: FittedRecipe, table: Table)? {
        guard let input = recipeInput(of: table) else { return nil }
        return try (recipes[table] ?? Recipe()).fit(input, rows: rows)
    }
}

/// The column to predict and the kind of problem.
public struct Target: Sendable, Equatable {
    public var column: String
    public var task: Task
    /// The positive class of a binary target (nil: the second class).
    public var positive: String? = nil
}

/// The success criterion: a metric and the threshold it must reach.
public struct Goal: Sendable, Equatable {
    public var metric: String
    public var comparison: GoalComparison
    public var threshold: Double

    /// Whether a metric value meets the goal.
    public func isMet(by value: Double) -> Bool {
        comparison == .atLeast ? value >= threshold : value <= threshold
    }

    public var text: String { "\(metric) \(comparison.rawValue) \(NumberFormatting.shortest(threshold))" }
}

/// How a table's rows are divided for training and testing.
public enum Split: Sendable, Equatable {
    /// `isTest[row]` marks the held-out rows of this table; kept aligned by row filters.
    case rows(isTest: [Bool])
    /// The whole table trains; another table (raw, as loaded) is the test set.
    case table(String)

    var trainingRows: [Int]? {
        guard case .rows(let isTest) = self else { return nil }
        return isTest.indices.filter { !isTest[$0] }
    }

    var testRows: [Int]? {
        guard case .rows(let isTest) = self else { return nil }
        return isTest.indices.filter { isTest[$0] }
    }
}

/// Metrics of models on their test sets.
public struct Evaluation: Sendable, Equatable {
    /// One model's metrics, in `Metrics.names(for:)` order, and what they were measured on.
    public struct Row: Sendable, Equatable {
        public var model: String
        public var algorithm: String
        public var table: String
        public var target: String
        public var task: Task
        public var testRows: Int
        /// Identifies the test rows: equal for models tested on the same rows.
        public var testSet: String
        public var metrics: [(name: String, value: Double)]

        public static func == (a: Row, b: Row) -> Bool {
            a.model == b.model && a.algorithm == b.algorithm && a.table == b.table && a.target == b.target && a.task == b.task
                && a.testRows == b.testRows && a.testSet == b.testSet && a.metrics.map(\.name) == b.metrics.map(\.name)
                && zip(a.metrics, b.metrics).allSatisfy { $0.value == $1.value || ($0.value.isNaN && $1.value.isNaN) }
        }

        /// The value of one metric, if this row has it.
        public func value(of metric: String) -> Double? { metrics.first { $0.name == metric }?.value }
    }

    public var rows: [Row]

    /// The rows grouped by target, targets in order of first appearance.
    public var byTarget: [(target: String, rows: [Row])] {
        var order: [String] = []
        var groups: [String: [Row]] = [:]
        for row in rows {
            if groups[row.target] == nil { order.append(row.target) }
            groups[row.target, default: []].append(row)
        }
        return order.map { ($0, groups[$0]!) }
    }
}
