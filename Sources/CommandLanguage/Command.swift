import Learning
import Tabular

/// Which columns a preparation command applies to. The target is never included.
public enum ColumnSelector: Sendable, Equatable {
    /// Every number and boolean column the data measured: not the target, and not the
    /// indicator columns an encoding or an imputation made.
    case numeric
    /// Every text column.
    case categorical
    /// The boolean indicator columns the preparation made (one-hot levels, missing flags).
    case indicators
    case columns([String])
}

/// A file path as the command was written: literal text, or `$NAME`, a declared
/// parameter read when the step runs. Keeping the reference (instead of the value the
/// lexer substituted) is what lets `mlw replay --set NAME=…` change what a recorded
/// step reads.
public enum PathArgument: Sendable, Equatable {
    case literal(String)
    case parameter(String)

    public var isParameter: Bool {
        if case .parameter = self { return true }
        return false
    }

    /// The path, with a parameter looked up among the declared ones.
    public func resolved(in parameters: [String: String]) throws -> String {
        switch self {
        case .literal(let path): return path
        case .parameter(let name):
            guard let value = parameters[name] else {
                throw Diagnostic(.unknownParameter, "no parameter '\(name)'", help: "declare one with: param \(name) = \"value\"")
            }
            return value
        }
    }
}

/// Which rows and columns an inspection shows: its own selection, which changes nothing
/// (`head 5 bill_length_mm, species where island == "Dream"`).
public struct RowView: Sendable, Equatable {
    public var count: Int
    /// The columns to show (all when empty).
    public var columns: [String]
    /// Only the rows where this holds (all when nil).
    public var condition: Expression?

    public init(count: Int, columns: [String] = [], condition: Expression? = nil) {
        self.count = count
        self.columns = columns
        self.condition = condition
    }
}

/// What `load sqlite:PATH` reads: a whole table (or view), or the rows of a query.
public enum SQLiteSelection: Sendable, Equatable {
    case table(String)
    case query(String)
}

/// How `outliers` decides a value lies far out.
public enum OutlierMethod: Sendable, Equatable {
    /// Beyond Tukey's fences: below Q1 - k·IQR or above Q3 + k·IQR.
    case iqr(k: Double)
    /// More than `z` standard deviations from the mean.
    case zscore(z: Double)

    /// As the command writes it: "method=iqr k=1.5".
    public var text: String {
        switch self {
        case .iqr(let k): return "method=iqr k=\(NumberFormatting.shortest(k))"
        case .zscore(let z): return "method=zscore z=\(NumberFormatting.shortest(z))"
        }
    }
}

/// How `corr` measures association.
public enum CorrelationMethod: String, Sendable, Equatable, CaseIterable {
    /// Linear correlation of the values.
    case pearson
    /// Pearson's correlation of the ranks (monotone association).
    case spearman
}

/// One aggregate of `group`: a function of a column (`mean(body_mass_g)`) or `count()`.
public struct Aggregate: Sendable, Equatable {
    public enum Function: String, Sendable, CaseIterable {
        case count, sum, mean, median, min, max, std, distinct
    }

    public var function: Function
    /// Nil for `count()`, which counts rows.
    public var column: String?

    public init(_ function: Function, _ column: String?) {
        self.function = function
        self.column = column
    }

    /// `mean(body_mass_g)`, `count()`.
    /// (A column in an aggregate is one word as typed, so it prints back bare.)
    public var text: String { "\(function.rawValue)(\(column ?? ""))" }
}

/// One key of `sort`.
public struct SortKey: Sendable, Equatable {
    public var column: String
    public var descending: Bool

    public init(column: String, descending: Bool = false) {
        self.column = column
        self.descending = descending
    }
}

/// How many rows `sample` keeps: a count, or a share of the rows.
public enum SampleSize: Sendable, Equatable {
    case rows(Int)
    case fraction(Double)
}

/// The direction of a goal: `>=` for scores, `<=` for errors.
public enum GoalComparison: String, Sendable, Equatable {
    case atLeast = ">="
    case atMost = "<="
}

/// One parsed command: the syntax tree the engine executes and the journal prints.
public enum Command: Sendable, Equatable {
    /// `missing`: field values that mean missing besides the usual ones (`na="?"`);
    /// `sqlite`: the path is a SQLite file, and this is what to read from it.
    case load(path: PathArgument, name: String?, separator: String?, missing: [String] = [], sqlite: SQLiteSelection? = nil)
    case tables
    case use(table: String)
    case head(RowView)
    case tail(RowView)
    case schema
    case describe(columns: [String])
    /// A frequency table of one column's values, the `top` most frequent.
    case counts(column: String, top: Int, condition: Expression?)
    /// A histogram of a number column in `bins` equal bins.
    case hist(column: String, bins: Int, condition: Expression?)
    /// Correlations of number columns (all when none are named).
    case corr(method: CorrelationMethod, columns: [String])
    /// One screen about a table: each column's type, gaps, spread and values, and warnings.
    case profile(table: String?)
    /// How each column relates to the target (its balance, then each feature's strength).
    case relations(columns: [String])
    /// Missing values per column and the commonest patterns of them.
    case missing(columns: [String])
    /// Bars per value of a column: its row count, or an aggregate of another column.
    case bar(column: String, aggregate: Aggregate?, top: Int, condition: Expression?)
    /// Box plots of number columns, one box per value of `by` (or one in all).
    case box(columns: [String], by: String?, condition: Expression?)
    /// Points of two number columns, marked by the value of `by`.
    case scatter(x: String, y: String, by: String?, condition: Expression?)
    /// Values far from the rest in number columns, and the rows that hold them.
    case outliers(selector: ColumnSelector, method: OutlierMethod)
    /// Aggregates per group of rows with equal keys.
    case group(keys: [String], aggregates: [Aggregate])
    /// Counts of each pair of values of two columns.
    case crosstab(rows: String, columns: String)
    case derive(name: String, expression: Expression)
    case filter(Expression)
    case drop(columns: [String])
    case dropna(columns: [String])
    case dedupe(columns: [String])
    case sort(keys: [SortKey])
    /// A seeded random sample of rows (nil seed: chosen when it runs, then recorded).
    case sample(size: SampleSize, seed: UInt64?)
    case select(columns: [String])
    /// `select variance > X`, `select correlated < X`, `select best K by SCORE`, `select
    /// important K from MODEL` (the names to keep are filled in when it runs).
    case selectFeatures(SelectionRule)
    /// Another table's columns added to each row with equal keys.
    case join(table: String, keys: [String], kind: JoinKind)
    /// Another table's rows added after the current table's.
    case append(table: String)
    case rename(from: String, to: String)
    case cast(columns: [String], type: ColumnType)
    /// `replace VALUE with VALUE in COLUMNS`; nil is `missing`.
    case replace(from: String?, to: String?, columns: [String])
    case clip(columns: [String], bounds: ClipBounds)
    /// `impute SELECTOR with STRATEGY [indicator]`.
    case impute(selector: ColumnSelector, strategy: ImputeStrategy, indicator: Bool)
    /// A verb with methods (`encode onehot`, `scale robust`, `transform log`, `bin quantile`):
    /// see `PreparationMethods`.
    case prepare(verb: String, method: String, selector: ColumnSelector, settings: [Setting])
    case recipe
    /// The current feature set: each column but the target, with the step that made it.
    case features
    /// `positive`: the class binary curves and scores take as positive (nil: the second class).
    case target(column: String, task: Task?, positive: String?)
    case goal(metric: String, comparison: GoalComparison, threshold: Double)
    case split(trainFraction: Double, stratify: Bool, seed: UInt64?)
    case splitTestTable(table: String)
    case train(algorithm: String, name: String?, settings: [Setting])
    /// `train auto [NAME] [cv=K] [trials=N] [metric=M] [seed=N]`: every algorithm of the
    /// task on its defaults, the best few tuned, the best of all kept (nil: chosen, then recorded).
    /// `algorithms`: the ones compared (nil: every one of the task, then recorded, so an
    /// algorithm added later does not change a replay).
    case trainAuto(name: String?, algorithms: [String]?, folds: Int?, trials: Int?, metric: String?, seed: UInt64?)
    /// `evaluate [MODELS] [by class]`: every model (or the named ones) on its test rows;
    /// `by class` adds each class's precision, recall and F1.
    case evaluate(models: [String], byClass: Bool)
    /// `cv K [NAMES] [seed=N]`: k-fold cross-validation of models or algorithms (nil seed:
    /// chosen when it runs, then recorded).
    case crossValidate(folds: Int, names: [String], seed: UInt64?)
    /// `tune ALGORITHM [NAME] key=[…] key=LO..HI [cv=K] [search=…] [trials=N] [metric=…] [seed=N]`.
    case tune(TuneRequest)
    case saveMetrics(path: PathArgument)
    /// A table (the current one when nil) written as CSV, TSV or JSON Lines.
    case saveTable(table: String?, path: PathArgument)
    case rules(model: String)
    /// A model's settings, data and what it learned.
    case show(model: String)
    /// Counts of each true class against each predicted class on a model's test rows.
    case confusion(model: String)
    /// Curves of classifiers on their test rows.
    case roc(models: [String])
    case precisionRecall(models: [String])
    case calibration(model: String, bins: Int?)
    /// A regressor's errors against its predictions.
    case residuals(model: String)
    /// k-means for each k from `low` to `high`: inertia and silhouette (nil seed: chosen, then recorded).
    case elbow(low: Int, high: Int, seed: UInt64?)
    /// Each feature's contribution to a model's prediction for row `row` (from 1) of its table.
    case explain(model: String, row: Int, className: String?)
    /// Every model with its settings and test metrics, best first (nil: by the goal, else
    /// accuracy or rmse).
    case leaderboard(sort: String?)
    /// Impurity-based importances, or with `permutation` the drop in a metric when each
    /// feature's test values are shuffled.
    case importance(model: String, permutation: PermutationImportance?)
    /// A two-class model's decision threshold: given, removed, or chosen by cross-validation.
    case threshold(model: String, choice: ThresholdChoice)

    /// How `threshold MODEL …` sets the threshold.
    public enum ThresholdChoice: Sendable, Equatable {
        /// `threshold MODEL 0.3`
        case given(Double)
        /// `threshold MODEL none`: back to the most probable class.
        case removed
        /// `threshold MODEL [metric=M] [cv=K] [seed=N]` (nil: chosen, then recorded).
        case crossValidated(metric: String?, folds: Int?, seed: UInt64?)
    }

    /// `importance MODEL permutation [repeats=N] [metric=M] [seed=N]` (nil: chosen, then recorded).
    public struct PermutationImportance: Sendable, Equatable {
        public var repeats: Int?
        public var metric: String?
        public var seed: UInt64?

        public init(repeats: Int? = nil, metric: String? = nil, seed: UInt64? = nil) {
            (self.repeats, self.metric, self.seed) = (repeats, metric, seed)
        }
    }
    case predict(model: String, table: String, path: PathArgument?)
    /// `force` exports a model that fails its goal, or has none checked.
    case exportModel(model: String, path: PathArgument, force: Bool)
    case exportPipeline(model: String?, path: PathArgument)
    case param(name: String, value: String)
    case help(topic: String?)
    case history
    case undo
    case quit

    /// A `key=value` setting of `train`.
    public struct Setting: Sendable, Equatable {
        public var key: String
        public var value: SettingValue

        public init(key: String, value: SettingValue) {
            self.key = key
            self.value = value
        }
    }

    /// What a tuning run searches and how. Options left out (nil) are chosen when it runs
    /// and recorded, so the journal's line replays the same search.
    public struct TuneRequest: Sendable, Equatable {
        public var algorithm: String
        public var name: String?
        /// The algorithm's settings: fixed values, lists and ranges, as written.
        public var space: [SearchDimension]
        public var folds: Int?
        public var search: SearchMethod?
        public var trials: Int?
        public var metric: String?
        public var seed: UInt64?
        /// Halving only: the rounds run (fewer than planned when stopped by Ctrl-C).
        public var rounds: Int?

        public init(algorithm: String, name: String? = nil, space: [SearchDimension], folds: Int? = nil, search: SearchMethod? = nil,
                    trials: Int? = nil, metric: String? = nil, seed: UInt64? = nil, rounds: Int? = nil) {
            self.algorithm = algorithm
            self.name = name
            self.space = space
            self.folds = folds
            self.search = search
            self.trials = trials
            self.metric = metric
            self.seed = seed
            self.rounds = rounds
        }
    }

    /// The command's verb as the table names it.
    public var verb: String {
        switch self {
        case .load: return "load"
        case .tables: return "tables"
        case .use: return "use"
        case .head: return "head"
        case .tail: return "tail"
        case .schema: return "schema"
        case .describe: return "describe"
        case .counts: return "counts"
        case .hist: return "hist"
        case .corr: return "corr"
        case .relations: return "relations"
        case .profile: return "profile"
        case .missing: return "missing"
        case .bar: return "bar"
        case .box: return "box"
        case .scatter: return "scatter"
        case .outliers: return "outliers"
        case .group: return "group"
        case .crosstab: return "crosstab"
        case .derive: return "derive"
        case .filter: return "filter"
        case .drop: return "drop"
        case .dropna: return "dropna"
        case .dedupe: return "dedupe"
        case .sort: return "sort"
        case .sample: return "sample"
        case .select, .selectFeatures: return "select"
        case .join: return "join"
        case .append: return "append"
        case .rename: return "rename"
        case .cast: return "cast"
        case .replace: return "replace"
        case .clip: return "clip"
        case .impute: return "impute"
        case .prepare(let verb, _, _, _): return verb
        case .recipe: return "recipe"
        case .features: return "features"
        case .target: return "target"
        case .goal: return "goal"
        case .split, .splitTestTable: return "split"
        case .train, .trainAuto: return "train"
        case .evaluate: return "evaluate"
        case .crossValidate: return "cv"
        case .tune: return "tune"
        case .saveMetrics, .saveTable: return "save"
        case .rules: return "rules"
        case .confusion: return "confusion"
        case .roc: return "roc"
        case .precisionRecall: return "pr"
        case .calibration: return "calibration"
        case .residuals: return "residuals"
        case .explain: return "explain"
        case .elbow: return "elbow"
        case .show: return "show"
        case .leaderboard: return "leaderboard"
        case .importance: return "importance"
        case .threshold: return "threshold"
        case .predict: return "predict"
        case .exportModel, .exportPipeline: return "export"
        case .param: return "param"
        case .help: return "help"
        case .history: return "history"
        case .undo: return "undo"
        case .quit: return "quit"
        }
    }
}
