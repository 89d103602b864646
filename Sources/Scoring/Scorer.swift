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
        let (matrix, columnsNotFinite) = DesignMatrix.gathering(features: vectors, rows: rows)
        if let j = columnsNotFinite.first {
            let values = vectors[j].numbers
            let row = rows.map { $0.first { !values[$0].isFinite } } ?? values.firstIndex { !$0.isFinite }
            let value = values[row ?? 0]
            if value.isNaN {
                throw ScoringError.input("feature '\(features[j])' is missing in row \((row ?? 0) + 1); the model needs every feature")
            }
            throw ScoringError.input("feature '\(features[j])' is \(value > 0 ? "" : "-")infinite in row \((row ?? 0) + 1); the model needs finite numbers")
        }
        return matrix
    }

    /// The table's vector of each feature, in the model's order, as the table stores it.
    public static func featureVectors(_ table: Table, features: [String]) throws -> [FeatureVector] {
        try features.map { name in
            guard let column = table.column(named: name) else {
                throw ScoringError.input("the prepared input lacks the feature '\(name)'")
            }
            guard let vector = FeatureVector(column) else {
                throw ScoringError.input("feature '\(name)' is \(column.type.rawValue), not numbers")
            }
            return vector
        }
    }

    /// The columns of a raw input table that a model reads, in the schema's order and
    /// with their training types (numbers read as text are converted, and back), plus
    /// the `keeping` columns. Every other input column is left out: one named like a
    /// column the preparation makes (`island_Biscoe` beside `island`) would otherwise
    /// stand in for it.
    /// - Throws: `ScoringError.input` naming every missing column at once, or a value of the wrong type.
    public static func conform(_ table: Table, to schema: [SchemaField], keeping extra: [String] = []) throws -> Table {
        let (conformed, problems) = try conform(table, to: schema, keeping: extra, collecting: false)
        precondition(problems.isEmpty, "problems are thrown unless collected")
        return conformed
    }

    /// As `conform(_:to:keeping:)`. With `collecting`, a value that does not convert is
    /// missing and its row a `RowProblem`, instead of an error.
    static func conform(_ table: Table, to schema: [SchemaField], keeping extra: [String],
                        collecting: Bool) throws -> (table: Table, problems: [RowProblem]) {
        let missing = schema.map(\.name).filter { table.column(named: $0) == nil }
        if !missing.isEmpty {
            let listed = missing.prefix(10).map { "'\($0)'" }.joined(separator: ", ") + (missing.count > 10 ? ", …" : "")
            let hint = missing.count == 1 ? Suggestions.didYouMean(missing[0], among: table.columnNames).map { " (\($0))" } ?? "" : ""
            throw ScoringError.input("the input has no column\(missing.count == 1 ? "" : "s") \(listed)\(hint); the model reads "
                                     + Plural.count(schema.count, "column"))
        }
        let kept = schema.map(\.name) + extra.filter { name in !schema.contains { $0.name == name } && table.column(named: name) != nil }
        var result = Table(name: table.name, columns: kept.map { table.column(named: $0)! }, rowCount: table.rowCount)
        var problems: [RowProblem] = []
        func refuse(_ row: Int, _ field: SchemaField, _ text: String, _ wanted: String) throws {
            let problem = RowProblem(row: row, column: field.name, value: text, reason: "'\(field.name)' should hold \(wanted)")
            guard collecting else { throw ScoringError.row(problem) }
            problems.append(problem)
        }
        for field in schema {
            let column = table.column(named: field.name)!
            if column.type == field.type { continue }
            let texts = (0..<column.count).map { column.text(at: $0) }
            switch field.type {
            case .text:
                result.setColumn(Column(name: field.name, texts: texts))
            case .number:
                var numbers: [Double] = []
                numbers.reserveCapacity(texts.count)
                for (row, text) in texts.enumerated() {
                    guard let text else { numbers.append(.nan); continue }
                    guard let value = NumberParsing.parseDouble(text) else {
                        try refuse(row, field, text, "numbers"); numbers.append(.nan); continue
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
                    default: try refuse(row, field, text!, "true/false"); flags.append(Column.missingBoolean)
                    }
                }
                result.setColumn(Column(name: field.name, data: .boolean(flags)))
            case .date:
                var seconds: [Double] = []
                for (row, text) in texts.enumerated() {
                    guard let text else { seconds.append(.nan); continue }
                    guard let value = Dates.parse(text) else { try refuse(row, field, text, "ISO 8601 dates"); seconds.append(.nan); continue }
                    seconds.append(value)
                }
                result.setColumn(Column(name: field.name, data: .date(seconds)))
            }
        }
        return (result, problems)
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
        var output = withPredictions(rawTable, prediction, model, at: Array(0..<rawTable.rowCount))
        output.name = rawTable.name
        return output
    }

    /// Scores raw rows, doing with a row that cannot be scored (a value that does not
    /// convert, a value a step refuses, a feature left missing) what `policy` says: `fail`
    /// throws naming the first, `skip` leaves it out of the output, `null` keeps it with an
    /// empty prediction. The output keeps the input's columns as they were read.
    /// - Throws: `ScoringError.input` (a missing column) or `ScoringError.row` (under
    ///   `fail`, the first row that cannot be scored).
    public static func scoredRows(_ model: ScoringModel, rawTable: Table, policy: RowErrorPolicy) throws -> ScoredRows {
        let (conformed, conformProblems) = try conform(rawTable, to: model.inputSchema, keeping: [], collecting: policy != .fail)
        var problems = conformProblems
        var bad = Set(problems.map(\.row))
        var report = PreparationReport()
        // A step refuses the rows it cannot take all at once; they are set aside and the
        // rest prepared again (every fitted step works row by row).
        var prepared: Table, good: [Int]
        while true {
            good = (0..<rawTable.rowCount).filter { !bad.contains($0) }
            let subset = good.count == rawTable.rowCount ? conformed : conformed.gathering(good)
            report = PreparationReport()
            do {
                prepared = try model.preparation.apply(to: subset, report: &report)
                break
            } catch PreparationError.rows(let rows, let column, let reason) {
                for row in rows.map({ good[$0] }) {
                    let problem = RowProblem(row: row, column: column, value: rawTable.column(named: column)?.text(at: row), reason: reason)
                    guard policy != .fail else { throw ScoringError.row(problem) }
                    problems.append(problem)
                    bad.insert(row)
                }
            } catch let error as PreparationError {
                throw ScoringError.input(error.description)
            }
        }
        // Features left missing or infinite: found while gathering the matrix; only when there
        // are some are their columns read again for the rows, which are then left out.
        let vectors = try featureVectors(prepared, features: model.features)
        let gathered = DesignMatrix.gathering(features: vectors)
        var matrix = gathered.matrix
        let notFinite = gathered.columnsNotFinite
        var scorable = Array(0..<good.count)
        if !notFinite.isEmpty {
            var unusable = Set<Int>()
            for j in notFinite {
                let name = model.features[j]
                try vectors[j].withValues { v in
                    for k in 0..<good.count where !v[k].isFinite && !unusable.contains(k) {
                        let reason = v[k].isNaN ? "feature '\(name)' is missing; the model needs every feature"
                                                : "feature '\(name)' is infinite; the model needs finite numbers"
                        let problem = RowProblem(row: good[k], column: name, value: rawTable.column(named: name)?.text(at: good[k]), reason: reason)
                        guard policy != .fail else { throw ScoringError.row(problem) }
                        unusable.insert(k)
                        problems.append(problem)
                    }
                }
            }
            scorable = scorable.filter { !unusable.contains($0) }
            matrix = DesignMatrix.gathering(features: vectors, rows: scorable).matrix
        }
        let prediction = model.estimator.predict(matrix)
        let scoredRows = scorable.map { good[$0] }
        problems.sort { $0.row < $1.row }
        let rows = policy == .skip ? scoredRows : Array(0..<rawTable.rowCount)
        let at = policy == .skip ? Array(0..<scoredRows.count) : scoredRows
        let predictions = withPredictions(Table(name: rawTable.name, columns: [], rowCount: rows.count), prediction, model, at: at)
        return ScoredRows(input: rawTable, rows: rows, predictions: predictions, problems: problems, unseenLevels: report.unseenLevels)
    }

    /// `table` plus `prediction` and, for classifiers, `probability_<class>`: the
    /// predictions at rows `at` (in order), missing elsewhere.
    static func withPredictions(_ table: Table, _ prediction: Prediction, _ model: ScoringModel, at rows: [Int]) -> Table {
        var output = table
        output.removeColumns(named: Set(["prediction"] + model.classes.map { "probability_\($0)" }))
        let n = table.rowCount
        switch prediction {
        case .classes(let probabilities, let k):
            var labels = [String?](repeating: nil, count: n)
            for (i, c) in model.decide(prediction).enumerated() { labels[rows[i]] = model.classes[c] }
            output.setColumn(Column(name: "prediction", texts: labels))
            for (c, label) in model.classes.enumerated() {
                var values = [Double](repeating: .nan, count: n)
                for i in rows.indices { values[rows[i]] = probabilities[i * k + c] }
                output.setColumn(Column(name: "probability_\(label)", numbers: values))
            }
        case .values(let predicted):
            var values = [Double](repeating: .nan, count: n)
            for i in rows.indices { values[rows[i]] = predicted[i] }
            output.setColumn(Column(name: "prediction", numbers: values))
        case .clusters(let ids):
            var values = [Double](repeating: .nan, count: n)
            for i in rows.indices { values[rows[i]] = Double(ids[i]) }
            output.setColumn(Column(name: "prediction", numbers: values))
        }
        return output
    }
}

/// What `mlw predict` does with a row it cannot score.
public enum RowErrorPolicy: String, Sendable, CaseIterable {
    /// Stop at the first, naming it (exit 65).
    case fail
    /// Leave the row out of the output.
    case skip
    /// Keep the row, with an empty prediction.
    case null
}

/// A row of the input that could not be scored.
public struct RowProblem: Sendable, Equatable {
    /// 0-based, among the input's rows.
    public var row: Int
    public var column: String
    /// The input's value in that column, when the input has the column.
    public var value: String?
    public var reason: String
    /// The line of the input file where the row starts, when the input's bytes are at hand.
    public var line: Int?

    public init(row: Int, column: String, value: String?, reason: String) {
        self.row = row
        self.column = column
        self.value = value
        self.reason = reason
    }

    /// "line 5 (row 3)", or "row 3" without a line.
    public var place: String { line.map { "line \($0) (row \(row + 1))" } ?? "row \(row + 1)" }

    /// The reason and the value found.
    public var text: String { reason + (value.map { ", found '\($0)'" } ?? "") }
}

/// Scored rows, the rows that could not be scored, and per column how many rows held a
/// level not seen in training (encoded as the model's `unseen` setting says).
public struct ScoredRows: Sendable {
    /// The rows as read.
    public var input: Table
    /// The input rows the output holds, in order (every row, or under `skip` the scored ones).
    public var rows: [Int]
    /// `prediction` and `probability_<class>`, one row per output row (missing where a row
    /// could not be scored).
    public var predictions: Table
    public var problems: [RowProblem]
    public var unseenLevels: [String: Int]
    /// The input's bytes, when it was CSV: the output echoes its records as written.
    public var records: CSVRecords?
    public var separator = UInt8(ascii: ",")

    /// The output rows as a table: the input's columns (as read, typed) and the predictions.
    public var table: Table {
        var output = rows.count == input.rowCount ? input : input.gathering(rows)
        output.removeColumns(named: Set(predictions.columnNames))
        for column in predictions.columns { output.setColumn(column) }
        return output
    }

    /// The output as CSV bytes: each input record as written (when the input's bytes are
    /// at hand and its records are the rows read) and the prediction fields after it.
    public func csvBlocks() -> [[UInt8]] {
        if let records, records.records.count == input.rowCount, !input.columnNames.contains(where: predictions.columnNames.contains) {
            return CSVWriter.blocks(predictions, after: records, rows: rows, separator: separator)
        }
        return CSVWriter.blocks(table)
    }
}
