import Learning
import Tabular

/// A column's name and type, as a model expects its input.
public struct SchemaField: Sendable, Equatable, Codable {
    public var name: String
    public var type: ColumnType

    public init(name: String, type: ColumnType) {
        self.name = name
        self.type = type
    }
}

/// A file a table was loaded from.
public struct DataSource: Sendable, Equatable, Codable {
    public var path: String
    /// `ContentChecksum` of the file (64-bit, fast; the bundle files themselves carry SHA-256).
    public var checksum: String
    public var separator: String?
    /// Field values read as missing besides the usual ones (`load … na=`); new files are
    /// read with them too.
    public var missing: [String]?
    /// For a SQLite source: the query that read it ("table NAME" for a whole table); the
    /// checksum is then a hash of the rows read.
    public var query: String?

    public init(path: String, checksum: String, separator: String?, missing: [String]? = nil, query: String? = nil) {
        self.path = path
        self.checksum = checksum
        self.separator = separator
        self.missing = missing
        self.query = query
    }
}

/// Everything needed to score raw rows and to say where the model came from: what a
/// bundle stores, and what the batch scorer, `mlw run` and the server load.
public struct ScoringModel: Sendable, Equatable {
    public var name: String
    public var task: Task
    /// The target column (empty for clustering).
    public var target: String
    /// Class labels in index order (classification only).
    public var classes: [String]
    /// Model input columns after preparation, in matrix order.
    public var features: [String]
    /// Raw input columns the preparation starts from (the target excluded).
    public var inputSchema: [SchemaField]
    public var preparation: FittedRecipe
    /// The fitted estimator with its algorithm and settings.
    public var estimator: AnyFittedModel
    public var trainingRows: Int
    /// A two-class model's decision threshold (`threshold MODEL …`); nil: the most probable class.
    public var decision: DecisionThreshold?
    /// Script lines the model depends on, ending with its `train` line.
    public var lineage: [String]
    public var dataSources: [DataSource]

    public init(name: String, task: Task, target: String, classes: [String], features: [String], inputSchema: [SchemaField],
                preparation: FittedRecipe, estimator: AnyFittedModel, trainingRows: Int, decision: DecisionThreshold? = nil,
                lineage: [String], dataSources: [DataSource]) {
        self.name = name
        self.task = task
        self.target = target
        self.classes = classes
        self.features = features
        self.inputSchema = inputSchema
        self.preparation = preparation
        self.estimator = estimator
        self.trainingRows = trainingRows
        self.decision = decision
        self.lineage = lineage
        self.dataSources = dataSources
    }

    public var algorithm: String { estimator.algorithm }
    public var settings: Settings { estimator.settings }

    /// Each row's class index (classification) under the model's decision threshold, or
    /// its cluster.
    public func decide(_ prediction: Prediction) -> [Int] {
        DecisionThreshold.classIndices(of: prediction, under: decision)
    }
}
