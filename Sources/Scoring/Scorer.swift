import Learning
import Tabular

/// Applies a model to raw rows: conform them to its input schema, apply its fitted
/// recipe, read its features, predict. The one path used by `predict` at the prompt,
/// `evaluate` on a test table, `mlw predict`, `mlw run` and the server to come; it needs
/// only tables and learning, not the engine or the command language.
public enum Scorer {
    /// The feature matrix of `table` (only `rows`, when given) in the model's feature order.
    /// - Throws: `ScoringError.input` naming a missing, text, missing-valued or infinite feature.
    public static func featureMatrix(_ table: Table, features: [String], rows: [Int]? = nil) throws -> DesignMatrix {
        let vectors = try featureVectors(table, features: features)
        let (matrix, columnsNotFinite) = DesignMatrix.gathering(vectors, rows: rows)
        if let j = columnsNotFinite.first {
            let values = vectors[j]
            let row = rows.map { $0.first { !values[$0].isFinite } } ?? values.firstIndex { !$0.isFinite }
            let value = values[row ?? 0]
            if value.isNaN {
                throw ScoringError.input("feature '\(features[j])' is missing in row \((row ?? 0) + 1); the model needs every feature")
            }
            throw ScoringError.input("feature '\(features[j])' is \(value > 0 ? "" : "-")infinite in row \((row ?? 0) + 1); the model needs finite numbers")
        }
        return matrix
    }

    /// The table's vector of each feature, in the model's order.
    public static func featureVectors(_ table: Table, features: [String]) throws -> [[Double]] {
        try features.map { name in
            guard let column = table.column(named: name) else {
                throw ScoringError.input("the prepared input lacks the feature '\(name)'")
            }
            guard let values = column.numericValues else {
                throw ScoringError.input("feature '\(name)' is \(column.type.rawValue), not numbers")
            }
            return values
        }
    }

    /// The columns of a raw input table that a model reads, in the schema's order and
    /// with their training types (numbers read as text are converted, and back), plus
    /// the `keeping` columns. Every other input column is left out: one named like a
    /// column the preparation makes (`island_Biscoe` beside `island`) would otherwise
    /// stand in for it.
    /// - Throws: `ScoringError.input` naming every missing column at once, or a value of the wrong type.
    public static func conform(_ table: Table, to schema: [SchemaField], keeping extra: [String] = []) throws -> Table {
        let missing = schema.map(\.name).filter { table.column(named: $0) == nil }
        if !missing.isEmpty {
            let listed = missing.prefix(10).map { "'\($0)'" }.joined(separator: ", ") + (missing.count > 10 ? ", …" : "")
            let hint = missing.count == 1 ? Suggestions.didYouMean(missing[0], among: table.columnNames).map { " (\($0))" } ?? "" : ""
            throw ScoringError.input("the input has no column\(missing.count == 1 ? "" : "s") \(listed)\(hint); the model reads "
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
                        throw ScoringError.input("column '\(field.name)' should hold numbers, but row \(row + 1) has '\(text)'")
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
                    default: throw ScoringError.input("column '\(field.name)' should hold true/false, but row \(row + 1) has '\(text!)'")
                    }
                }
                result.setColumn(Column(name: field.name, data: .boolean(flags)))
            case .date:
                var seconds: [Double] = []
                for (row, text) in texts.enumerated() {
                    guard let text else { seconds.append(.nan); continue }
                    guard let value = Dates.parse(text) else {
                        throw ScoringError.input("column '\(field.name)' should hold ISO 8601 dates, but row \(row + 1) has '\(text)'")
                    }
                    seconds.append(value)
                }
                result.setColumn(Column(name: field.name, data: .date(seconds)))
            }
        }
        return result
    }

    /// The raw rows conformed and prepared as the model was trained.
    /// - Throws: `ScoringError.input`.
    public static func prepare(_ rawTable: Table, for model: ScoringModel, keeping extra: [String] = []) throws -> Table {
        let conformed = try conform(rawTable, to: model.inputSchema, keeping: extra)
        do { return try model.preparation.apply(to: conformed) } catch let error as PreparationError {
            throw ScoringError.input(error.description)
        }
    }

    /// Predictions for raw rows: conform, prepare, read features, predict.
    public static func score(_ model: ScoringModel, rawTable: Table) throws -> Prediction {
        let prepared = try prepare(rawTable, for: model)
        return model.estimator.predict(try featureMatrix(prepared, features: model.features))
    }

    /// The input table plus `prediction` and, for classifiers, `probability_<class>`.
    public static func scoredTable(_ model: ScoringModel, rawTable: Table) throws -> Table {
        let prediction = try score(model, rawTable: rawTable)
        var output = rawTable
        output.removeColumns(named: Set(["prediction"] + model.classes.map { "probability_\($0)" }))
        output.name = rawTable.name
        switch prediction {
        case .classes(let probabilities, let k):
            output.setColumn(Column(name: "prediction", texts: prediction.classIndices.map { model.classes[$0] }))
            for (c, label) in model.classes.enumerated() {
                output.setColumn(Column(name: "probability_\(label)", numbers: (0..<rawTable.rowCount).map { probabilities[$0 * k + c] }))
            }
        case .values(let values):
            output.setColumn(Column(name: "prediction", numbers: values))
        case .clusters(let ids):
            output.setColumn(Column(name: "prediction", numbers: ids.map(Double.init)))
        }
        return output
    }
}
