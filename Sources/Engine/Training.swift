import CommandLanguage
import Learning
import Tabular

/// `train`: builds the training matrix from the current table, fits, and captures
/// the test set and lineage with the model.
enum Training {
    struct Trained {
        var model: TrainedModel
        var recorded: Command
        var hash: String
        var output: [Output.Block]
    }

    static func train(algorithm algorithmName: String, name requestedName: String?, settings: [Command.Setting],
                      workspace ws: Workspace, context: EngineContext) throws -> Trained {
        let table = try Interpreter.currentTable(ws)
        guard let descriptor = AlgorithmCatalog.descriptor(named: algorithmName) else {
            throw Diagnostic(.badValue, "unknown algorithm '\(algorithmName)'")
        }
        guard let target = ws.target else {
            throw Diagnostic(.notReady, "no target chosen", help: "choose the column to predict: target COLUMN")
        }
        guard let targetColumn = table.column(named: target.column) else {
            throw Diagnostic(.notReady, "the target '\(target.column)' is not a column of '\(table.name)'",
                             help: "use the table that holds it, or choose another target")
        }
        guard descriptor.task == target.task else {
            let fitting = AlgorithmCatalog.all.filter { $0.task == target.task }.map(\.name)
            throw Diagnostic(.badValue, "'\(algorithmName)' is for \(descriptor.task.rawValue), but the target '\(target.column)' is \(target.task.rawValue)",
                             help: "try: train \(fitting.first ?? "")")
        }
        let name = requestedName ?? defaultName(algorithmName, ws)
        guard ws.model(named: name) == nil else {
            throw Diagnostic(.badValue, "a model named '\(name)' exists already", help: "give this one another name: train \(algorithmName) NAME")
        }
        let resolved: [(key: String, value: Double)]
        do { resolved = try descriptor.resolve(Dictionary(uniqueKeysWithValues: settings.map { ($0.key, $0.value) })) } catch let error as LearningError {
            throw Diagnostic(.badOption, error.message, help: error.help)
        }

        // Rows missing the target cannot train or test.
        let missingTarget = targetColumn.missingCount
        if missingTarget > 0 {
            throw Diagnostic(.dataError, "cannot train on '\(target.column)': \(missingTarget) row\(missingTarget == 1 ? " has" : "s have") no value",
                             help: "drop them with: filter \(Expression.quoteIdentifier(target.column)) is not missing")
        }
        let features = table.columns.filter { $0.name != target.column }
        guard !features.isEmpty else { throw Diagnostic(.dataError, "there are no feature columns besides the target") }
        if let text = features.first(where: { $0.type == .text }) {
            throw Diagnostic(.dataError, "feature '\(text.name)' is text; models need numbers",
                             help: "encode it with 'encode onehot \(Expression.quoteIdentifier(text.name))' or drop it with 'drop \(text.name)'")
        }
        // Missing and infinite cells, per feature, in one parallel pass.
        let counts = Parallel.map(features) { column -> (missing: Int, infinite: Int) in
            guard case .number(let values) = column.data else { return (column.missingCount, 0) }
            var missing = 0, infinite = 0
            for v in values { if v.isNaN { missing += 1 } else if v.isInfinite { infinite += 1 } }
            return (missing, infinite)
        }
        if let k = counts.firstIndex(where: { $0.missing > 0 }) {
            let gappy = features[k]
            throw Diagnostic(.dataError, "feature '\(gappy.name)' has \(Plural.count(counts[k].missing, "missing value"))",
                             help: "fill them, e.g. 'impute numeric with median', or drop the rows with 'filter \(Expression.quoteIdentifier(gappy.name)) is not missing'")
        }
        if let k = counts.firstIndex(where: { $0.infinite > 0 }) {
            let name = Expression.quoteIdentifier(features[k].name)
            throw Diagnostic(.dataError, "feature '\(features[k].name)' has \(Plural.count(counts[k].infinite, "infinite value")); models need finite numbers",
                             help: "infinities come from dividing by zero or from overflow; keep the finite rows with 'filter abs(\(name)) < 1e308', or derive the column another way")
        }
        let featureNames = features.map(\.name)
        let split = ws.splits[table.name]
        let splitTrainingRows = split?.trainingRows  // nil: every row trains
        let trainingRowCount = splitTrainingRows?.count ?? table.rowCount

        let classes = target.task == .classification ? ClassLabels.from(targetColumn).labels : []
        let estimator: FittedEstimator
        var notes: [Output.Block] = []
        switch descriptor.name {
        case "logistic":
            let parameters = LogisticRegression.Parameters(settings: resolved)
            // Multinomial over dense features costs rows × classes × features per pass.
            let classLimit = 1000
            guard classes.count <= classLimit else {
                throw Diagnostic(.dataError, "'\(target.column)' has \(classes.count) classes; logistic regression here handles at most \(classLimit)",
                                 help: "choose a target with fewer classes")
            }
            let trainingSet = try labelled(table, rows: splitTrainingRows, features: featureNames, target: target, classes: classes)
            let presentClasses = Set(trainingSet.classIndices).count
            guard presentClasses >= 2 else {
                throw Diagnostic(.dataError, "the training rows hold a single class of '\(target.column)'",
                                 help: "a classifier needs at least two classes")
            }
            let model = try Interpreter.learning {
                try LogisticRegression.fit(trainingSet.x, labels: trainingSet.classIndices, classCount: classes.count,
                                           parameters: parameters, isCancelled: context.isCancelled)
            }
            if !model.converged {
                // Two ways to stop short: the iteration limit, or a loss that no longer
                // improves while the gradient is still above the tolerance.
                if model.iterations >= parameters.maxIterations {
                    notes.append(.warning("did not converge in \(Plural.count(model.iterations, "iteration")) (max_iter); raise max_iter or scale the features"))
                } else {
                    notes.append(.warning("stopped after \(Plural.count(model.iterations, "iteration")): the loss stopped improving before the gradient fell below tol=\(NumberFormatting.shortest(parameters.tolerance)); scale the features ('scale standard numeric') or raise tol"))
                }
            }
            estimator = .logistic(model)
        case "linear":
            let parameters = LinearRegression.Parameters(settings: resolved)
            // Straight from the table's vectors: least squares needs only sums over rows.
            let x = try featureColumns(table, features: featureNames, rows: splitTrainingRows)
            let y = try targetValues(table, rows: splitTrainingRows, target: target)
            let model = try Interpreter.learning {
                try LinearRegression.fit(x, targets: y, parameters: parameters, isCancelled: context.isCancelled)
            }
            if model.rank < featureNames.count && parameters.l2 == 0 {
                notes.append(.note("features are collinear (rank \(model.rank) of \(featureNames.count)); the minimum-norm solution was taken"))
            }
            estimator = .linear(model)
        default:
            throw Diagnostic(.badValue, "unknown algorithm '\(algorithmName)'")
        }

        // Finite data can still overflow (values near 1e308): such a model predicts nothing useful.
        guard estimator.parametersAreFinite else {
            throw Diagnostic(.dataError, "training gave coefficients that are not finite numbers: the values are too large to compute with",
                             help: "scale the features ('scale standard numeric') and, for regression, the target")
        }
        let recorded = Command.train(algorithm: algorithmName, name: name,
                                     settings: resolved.map { Command.Setting(key: $0.key, value: $0.value) })
        let inputSchema = (ws.loadedSchemas[table.name] ?? []).filter { $0.name != target.column }
        var model = TrainedModel(
            name: name, algorithm: algorithmName, settings: recorded.trainSettings, task: target.task, target: target.column,
            classes: classes, features: featureNames, inputSchema: inputSchema,
            preparation: ws.preparations[table.name] ?? [], estimator: estimator, trainingRows: trainingRowCount,
            lineage: [], dataSources: [], testSet: nil)
        let slice = PipelineExport.slice(for: table.name, testTable: split?.testTableName, script: context.effectiveScript)
        model.lineage = slice.map(\.text) + [recorded.description]
        model.dataSources = [table.name, split?.testTableName].compactMap { $0.flatMap { ws.sources[$0] } }
        model.table = table.name

        // The test set, prepared exactly as the training rows were.
        switch split {
        case .rows?:
            let testRows = split!.testRows!
            model.testSet = try labelled(table, rows: testRows, features: featureNames, target: target, classes: classes)
            var rowsHasher = FingerprintHasher()
            rowsHasher.combine(table.name)
            for row in testRows { rowsHasher.combine(UInt64(row)) }
            model.testSetID = "rows:" + rowsHasher.hexDigest
        case .table(let testName)?:
            guard let raw = ws.table(named: testName) else { throw Interpreter.noSuchTable(testName, ws) }
            guard raw.column(named: target.column) != nil else {
                throw Diagnostic(.dataError, "the test table '\(testName)' has no target column '\(target.column)'")
            }
            do {
                let prepared = try model.preparation.apply(to: ModelScoring.conform(raw, to: inputSchema, keeping: [target.column]))
                model.testSet = try labelled(prepared, features: featureNames, target: target, classes: classes)
                model.testSetID = "table:\(testName):" + (ws.sources[testName]?.checksum ?? "")
            } catch let error as EngineError {
                throw Diagnostic(.dataError, "cannot prepare the test table '\(testName)': \(error)")
            }
        case nil:
            break
        }

        var hasher = FingerprintHasher()
        switch estimator {
        case .logistic(let m):
            for row in m.coefficients { for v in row { hasher.combine(v) } }
            for v in m.intercepts { hasher.combine(v) }
        case .linear(let m):
            for v in m.coefficients { hasher.combine(v) }
            hasher.combine(m.intercept)
        }
        var summary = "trained \(name) (\(algorithmName)) on \(Plural.count(trainingRowCount, "row")) × \(Plural.count(featureNames.count, "feature"))"
        if case .logistic(let m) = estimator { summary += ", \(Plural.count(classes.count, "class")), \(Plural.count(m.iterations, "iteration"))" }
        var blocks: [Output.Block] = [.success(summary)]
        if split == nil { blocks.append(.note("no split: trained on every row, so 'evaluate' has no test set for it")) }
        return Trained(model: model, recorded: recorded, hash: hasher.hexDigest, output: blocks + notes)
    }

    static func defaultName(_ algorithm: String, _ ws: Workspace) -> String {
        if ws.model(named: algorithm) == nil { return algorithm }
        var k = 2
        while ws.model(named: "\(algorithm)_\(k)") != nil { k += 1 }
        return "\(algorithm)_\(k)"
    }

    /// Features and target of a prepared table's rows (all rows when `rows` is nil).
    static func labelled(_ table: Table, rows: [Int]? = nil, features: [String], target: Target, classes: [String]) throws -> LabelledMatrix {
        let x: DesignMatrix
        do { x = try ModelScoring.featureMatrix(table, features: features, rows: rows) } catch let error as EngineError {
            throw Diagnostic(.dataError, error.description)
        }
        if target.task == .classification {
            return LabelledMatrix(x: x, classIndices: try classIndices(table, rows: rows, target: target, classes: classes), values: [])
        }
        return LabelledMatrix(x: x, classIndices: [], values: try targetValues(table, rows: rows, target: target))
    }

    /// The class index (into `classes`) of each given row's target, in the rows' order.
    static func classIndices(_ table: Table, rows: [Int]?, target: Target, classes: [String]) throws -> [Int] {
        let column = try targetColumn(table, target)
        var index: [String: Int] = [:]
        for (i, label) in classes.enumerated() { index[label] = i }
        func unknown(_ label: String) -> Diagnostic {
            Diagnostic(.dataError, "'\(table.name)' has the class '\(label)', which the training table does not have")
        }
        let selected = rows ?? Array(0..<column.count)
        var indices: [Int] = []
        indices.reserveCapacity(selected.count)
        if case .text(let codes, let dictionary) = column.data {
            // Map each distinct label once, then rows through their codes.
            let classOfCode = dictionary.map { index[$0] ?? -1 }
            for row in selected {
                let code = Int(codes[row])
                guard code >= 0 else { throw noTarget(table, target, row: row) }
                guard classOfCode[code] >= 0 else { throw unknown(dictionary[code]) }
                indices.append(classOfCode[code])
            }
        } else {
            for row in selected {
                guard let text = column.text(at: row) else { throw noTarget(table, target, row: row) }
                guard let k = index[text] else { throw unknown(text) }
                indices.append(k)
            }
        }
        return indices
    }

    /// The regression target of the given rows (all when nil), in their order.
    static func targetValues(_ table: Table, rows: [Int]?, target: Target) throws -> [Double] {
        let column = try targetColumn(table, target)
        guard let all = column.numericValues, column.type == .number else {
            throw Diagnostic(.dataError, "the regression target '\(target.column)' must hold numbers")
        }
        let values = rows.map { $0.map { all[$0] } } ?? all
        if let position = values.firstIndex(where: \.isNaN) { throw noTarget(table, target, row: rows?[position] ?? position) }
        if let position = values.firstIndex(where: \.isInfinite) {
            let name = Expression.quoteIdentifier(target.column)
            throw Diagnostic(.dataError, "the target '\(target.column)' is infinite in row \((rows?[position] ?? position) + 1) of '\(table.name)'",
                             help: "keep the finite rows with 'filter abs(\(name)) < 1e308'")
        }
        return values
    }

    private static func targetColumn(_ table: Table, _ target: Target) throws -> Column {
        guard let column = table.column(named: target.column) else {
            throw Diagnostic(.dataError, "'\(table.name)' has no target column '\(target.column)'")
        }
        return column
    }

    private static func noTarget(_ table: Table, _ target: Target, row: Int) -> Diagnostic {
        Diagnostic(.dataError, "row \(row + 1) of '\(table.name)' has no '\(target.column)'",
                   help: "filter \(Expression.quoteIdentifier(target.column)) is not missing")
    }

    /// The training features as the table holds them (checked complete by `train` already).
    static func featureColumns(_ table: Table, features: [String], rows: [Int]?) throws -> FeatureColumns {
        do { return FeatureColumns(try ModelScoring.featureVectors(table, features: features), rows: rows) } catch let error as EngineError {
            throw Diagnostic(.dataError, error.description)
        }
    }
}

extension Split {
    var testTableName: String? {
        if case .table(let name) = self { return name }
        return nil
    }
}

extension Command {
    var trainSettings: [Command.Setting] {
        if case .train(_, _, let settings) = self { return settings }
        return []
    }
}
