import CommandLanguage
import Learning
import Tabular

/// The fitted estimator inside a model.
public enum FittedEstimator: Sendable, Equatable {
    case logistic(LogisticRegression.Model)
    case linear(LinearRegression.Model)
}

extension FittedEstimator {
    /// Whether every learned number is finite (JSON cannot hold the others, and a model
    /// with them predicts NaN).
    var parametersAreFinite: Bool {
        switch self {
        case .logistic(let m): return m.intercepts.allSatisfy(\.isFinite) && m.coefficients.allSatisfy { $0.allSatisfy(\.isFinite) }
        case .linear(let m): return m.intercept.isFinite && m.coefficients.allSatisfy(\.isFinite)
        }
    }
}

/// model.json: `{"algorithm": "logistic", "parameters": {...}}`.
extension FittedEstimator: Codable {
    private enum CodingKeys: String, CodingKey { case algorithm, parameters }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let algorithm = try c.decode(String.self, forKey: .algorithm)
        switch algorithm {
        case "logistic": self = .logistic(try c.decode(LogisticRegression.Model.self, forKey: .parameters))
        case "linear": self = .linear(try c.decode(LinearRegression.Model.self, forKey: .parameters))
        default:
            throw DecodingError.dataCorruptedError(forKey: .algorithm, in: c, debugDescription: "unknown algorithm '\(algorithm)'")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .logistic(let model):
            try c.encode("logistic", forKey: .algorithm)
            try c.encode(model, forKey: .parameters)
        case .linear(let model):
            try c.encode("linear", forKey: .algorithm)
            try c.encode(model, forKey: .parameters)
        }
    }
}

/// A trained model with everything needed to score raw rows and to explain where it
/// came from. The Codable part is what a bundle stores.
public struct TrainedModel: Sendable, Equatable {
    public var name: String
    public var algorithm: String
    /// The table it was trained on ("" for a model loaded from a bundle).
    public var table: String = ""
    public var settings: [Command.Setting]
    public var task: Task
    public var target: String
    /// Class labels in index order (classification only).
    public var classes: [String]
    /// Model input columns after preparation, in matrix order.
    public var features: [String]
    /// Raw input columns the preparation starts from (the target excluded).
    public var inputSchema: [SchemaField]
    public var preparation: [PreparationStep]
    public var estimator: FittedEstimator
    public var trainingRows: Int
    /// Script lines the model depends on, ending with its `train` line.
    public var lineage: [String]
    public var dataSources: [DataSource]
    /// Held-out rows, already prepared (not stored in bundles).
    var testSet: LabelledMatrix?
    /// Identifies the held-out rows (table and row numbers, or the test table and its
    /// file): models with equal ids were tested on the same rows.
    var testSetID: String = ""

    public static func == (a: TrainedModel, b: TrainedModel) -> Bool {
        a.name == b.name && a.estimator == b.estimator && a.features == b.features && a.preparation == b.preparation
    }
}

/// Features and labels of a set of rows.
struct LabelledMatrix: Sendable {
    var x: DesignMatrix
    var classIndices: [Int]
    var values: [Double]
}

/// Predictions for a set of rows.
public struct Predictions: Sendable {
    /// Class index (classification) per row.
    public var classIndices: [Int]
    /// Predicted values (regression) per row.
    public var values: [Double]
    /// Row-major `rows × classes` probabilities (classification).
    public var probabilities: [Double]
}

/// Turns tables into model inputs and runs the estimator: the one path used by
/// evaluate, predict at the prompt, `mlw predict` and `mlw run`.
enum ModelScoring {
    /// The feature matrix of `table` (only `rows`, when given) in the model's feature order.
    static func featureMatrix(_ table: Table, features: [String], rows: [Int]? = nil) throws -> DesignMatrix {
        let vectors = try featureVectors(table, features: features)
        let (matrix, columnsNotFinite) = DesignMatrix.gathering(vectors, rows: rows)
        if let j = columnsNotFinite.first {
            let values = vectors[j]
            let row = rows.map { $0.first { !values[$0].isFinite } } ?? values.firstIndex { !$0.isFinite }
            let value = values[row ?? 0]
            if value.isNaN {
                throw EngineError.input("feature '\(features[j])' is missing in row \((row ?? 0) + 1); the model needs every feature")
            }
            throw EngineError.input("feature '\(features[j])' is \(value > 0 ? "" : "-")infinite in row \((row ?? 0) + 1); the model needs finite numbers")
        }
        return matrix
    }

    /// The table's vector of each feature, in the model's order.
    static func featureVectors(_ table: Table, features: [String]) throws -> [[Double]] {
        try features.map { name in
            guard let column = table.column(named: name) else {
                throw EngineError.input("the prepared input lacks the feature '\(name)'")
            }
            guard let values = column.numericValues else {
                throw EngineError.input("feature '\(name)' is text; encode it first")
            }
            return values
        }
    }

    static func predict(_ estimator: FittedEstimator, _ x: DesignMatrix) -> Predictions {
        switch estimator {
        case .logistic(let model):
            let probabilities = model.probabilities(x)
            let k = model.classCount
            let indices = (0..<x.rows).map { i -> Int in
                var best = 0
                for c in 1..<k where probabilities[i * k + c] > probabilities[i * k + best] { best = c }
                return best
            }
            return Predictions(classIndices: indices, values: [], probabilities: probabilities)
        case .linear(let model):
            return Predictions(classIndices: [], values: model.predict(x), probabilities: [])
        }
    }

    /// The columns of a raw input table that a model reads, in the schema's order and
    /// with their training types (numbers read as text are converted, and back), plus
    /// the `keeping` columns. Every other input column is left out: one named like a
    /// column the preparation makes (`island_Biscoe` beside `island`) would otherwise
    /// stand in for it.
    static func conform(_ table: Table, to schema: [SchemaField], keeping extra: [String] = []) throws -> Table {
        let missing = schema.map(\.name).filter { table.column(named: $0) == nil }
        if !missing.isEmpty {
            let listed = missing.prefix(10).map { "'\($0)'" }.joined(separator: ", ") + (missing.count > 10 ? ", …" : "")
            let hint = missing.count == 1 ? Suggestions.didYouMean(missing[0], among: table.columnNames).map { " (\($0))" } ?? "" : ""
            throw EngineError.input("the input has no column\(missing.count == 1 ? "" : "s") \(listed)\(hint); the model reads "
                                    + Plural.count(schema.count, "column"))
        }
        let kept = schema.map(\.name) + extra.filter { name in !schema.contains { $0.name == name } && table.column(named: name) != nil }
        var result = Table(name: table.name, columns: kept.map { table.column(named: $0)! }, rowCount: table.rowCount)
        for field in schema {
            let column = table.column(named: field.name)!
            if column.type == field.type { continue }
            let texts = (0..<column.count).map { column.text(at: $0) }
            switch field.type {
            case .text:
                result.setColumn(Column(name: field.name, texts: texts))
            case .number:
                var numbers: [Double] = []
                for (row, text) in texts.enumerated() {
                    guard let text else { numbers.append(.nan); continue }
                    guard let value = Double(text) else {
                        throw EngineError.input("column '\(field.name)' should hold numbers, but row \(row + 1) has '\(text)'")
                    }
                    numbers.append(value)
                }
                result.setColumn(Column(name: field.name, numbers: numbers))
            case .boolean:
                var flags: [UInt8] = []
                for (row, text) in texts.enumerated() {
                    switch text?.lowercased() {
                    case nil: flags.append(Column.missingBoolean)
                    case "true", "1": flags.append(1)
                    case "false", "0": flags.append(0)
                    default: throw EngineError.input("column '\(field.name)' should hold true/false, but row \(row + 1) has '\(text!)'")
                    }
                }
                result.setColumn(Column(name: field.name, data: .boolean(flags)))
            }
        }
        return result
    }

    /// Scores raw rows: conform, prepare, build features, predict.
    static func score(_ model: TrainedModel, rawTable: Table) throws -> Predictions {
        let conformed = try conform(rawTable, to: model.inputSchema)
        let prepared = try model.preparation.apply(to: conformed)
        return predict(model.estimator, try featureMatrix(prepared, features: model.features))
    }

    /// The input table plus `prediction` and, for classifiers, `probability_<class>`.
    static func scoredTable(_ model: TrainedModel, rawTable: Table) throws -> Table {
        let predictions = try score(model, rawTable: rawTable)
        var output = rawTable
        output.removeColumns(named: Set(["prediction"] + model.classes.map { "probability_\($0)" }))
        output.name = rawTable.name
        if model.task == .classification {
            output.setColumn(Column(name: "prediction", texts: predictions.classIndices.map { model.classes[$0] }))
            let k = model.classes.count
            for (c, label) in model.classes.enumerated() {
                output.setColumn(Column(name: "probability_\(label)",
                                        numbers: (0..<rawTable.rowCount).map { predictions.probabilities[$0 * k + c] }))
            }
        } else {
            output.setColumn(Column(name: "prediction", numbers: predictions.values))
        }
        return output
    }

    /// Metrics of predictions against truth.
    static func metrics(task: Task, classCount: Int, truth: LabelledMatrix, predictions: Predictions) -> [(name: String, value: Double)] {
        switch task {
        case .classification:
            return [
                ("accuracy", Metrics.accuracy(truth: truth.classIndices, predicted: predictions.classIndices)),
                ("f1_macro", Metrics.f1Macro(truth: truth.classIndices, predicted: predictions.classIndices, classCount: classCount)),
                ("auc", Metrics.auc(truth: truth.classIndices, probabilities: predictions.probabilities, classCount: classCount)),
            ]
        case .regression:
            return [
                ("rmse", Metrics.rmse(truth: truth.values, predicted: predictions.values)),
                ("mae", Metrics.mae(truth: truth.values, predicted: predictions.values)),
                ("r2", Metrics.r2(truth: truth.values, predicted: predictions.values)),
            ]
        }
    }
}
