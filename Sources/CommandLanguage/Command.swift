import Learning
import Tabular

/// Which columns a preparation command applies to. The target is never included.
public enum ColumnSelector: Sendable, Equatable {
    /// Every number and boolean column.
    case numeric
    /// Every text column.
    case categorical
    case columns([String])
}

/// The direction of a goal: `>=` for scores, `<=` for errors.
public enum GoalComparison: String, Sendable, Equatable {
    case atLeast = ">="
    case atMost = "<="
}

/// One parsed command: the syntax tree the engine executes and the journal prints.
public enum Command: Sendable, Equatable {
    case load(path: String, name: String?, separator: String?)
    case tables
    case use(table: String)
    case head(count: Int)
    case schema
    case describe(columns: [String])
    case derive(name: String, expression: Expression)
    case filter(Expression)
    case drop(columns: [String])
    case impute(selector: ColumnSelector, strategy: ImputeStrategy)
    case encodeOneHot(selector: ColumnSelector)
    case scaleStandard(selector: ColumnSelector)
    case target(column: String, task: Task?)
    case goal(metric: String, comparison: GoalComparison, threshold: Double)
    case split(trainFraction: Double, stratify: Bool, seed: UInt64?)
    case splitTestTable(table: String)
    case train(algorithm: String, name: String?, settings: [Setting])
    case evaluate
    case saveMetrics(path: String)
    case predict(model: String, table: String, path: String?)
    case exportModel(model: String, path: String)
    case exportPipeline(model: String?, path: String)
    case param(name: String, value: String)
    case help(topic: String?)
    case history
    case undo
    case quit

    /// A `key=value` setting of `train`.
    public struct Setting: Sendable, Equatable {
        public var key: String
        public var value: Double

        public init(key: String, value: Double) {
            self.key = key
            self.value = value
        }
    }

    /// The command's verb as the table names it.
    public var verb: String {
        switch self {
        case .load: return "load"
        case .tables: return "tables"
        case .use: return "use"
        case .head: return "head"
        case .schema: return "schema"
        case .describe: return "describe"
        case .derive: return "derive"
        case .filter: return "filter"
        case .drop: return "drop"
        case .impute: return "impute"
        case .encodeOneHot: return "encode"
        case .scaleStandard: return "scale"
        case .target: return "target"
        case .goal: return "goal"
        case .split, .splitTestTable: return "split"
        case .train: return "train"
        case .evaluate: return "evaluate"
        case .saveMetrics: return "save"
        case .predict: return "predict"
        case .exportModel, .exportPipeline: return "export"
        case .param: return "param"
        case .help: return "help"
        case .history: return "history"
        case .undo: return "undo"
        case .quit: return "quit"
        }
    }

    /// Whether running the command writes files. Such a command is not abandoned on
    /// Ctrl-C: once its files are written, "nothing changed" would not be true.
    public var writesFiles: Bool {
        switch self {
        case .saveMetrics, .exportModel, .exportPipeline: return true
        case .predict(_, _, let path): return path != nil
        default: return false
        }
    }
}
