import CommandLanguage
import Learning
import Scoring
import Tabular

/// `train`, in three parts that can be used apart: `problem` reads what to learn from the
/// workspace (checks, features, target), `fit` learns from any subset of its rows (a
/// fold, once cross-validation comes), and `record` makes the session's model from a fit
/// (lineage, test set, fingerprint).
enum Training {
    /// What a table offers to learn from: its prepared features and its target.
    struct Problem {
        var table: Table
        var featureNames: [String]
        /// The feature vectors, checked complete and finite.
        var features: [FeatureVector]
        var target: Target?
        /// Class labels in the model's order (classification).
        var classes: [String]
        /// The features of each one-hot encoded column (`TrainingData.categoricalGroups`).
        var categoricalGroups: [[Int]] = []
        /// Fits to make as an earlier mlw did (`Workspace.earlierFits`).
        var earlierFits: EarlierFits = []

        /// The training target of the given rows (all rows when nil), in their order.
        func trainingTarget(rows: [Int]?) throws -> TrainingTarget? {
            guard let target else { return nil }
            switch target.task {
            case .classification:
                return .classes(try Training.classIndices(table, rows: rows, target: target, classes: classes), labels: classes)
            case .regression:
                return .values(try Training.targetValues(table, rows: rows, target: target))
            case .clustering:
                return nil
            }
        }
    }

    /// The target `algorithm` learns: none for a clustering (it leaves the target's column
    /// out of its features), else the chosen one.
    static func target(for algorithm: Algorithm, _ ws: Workspace) -> Target? {
        algorithm.findsClusters ? nil : ws.target
    }

    /// What `algorithm` does in this workspace: clustering, the target's task, or nil when it
    /// predicts a target and none is chosen.
    static func task(of algorithm: Algorithm, _ ws: Workspace) -> Task? {
        algorithm.findsClusters ? .clustering : ws.target?.task
    }

    /// The current table as a learning problem for `algorithm`: features are every
    /// column but the target, and must be complete, finite numbers.
    /// - Throws: a `Diagnostic` naming what to fix.
    /// - Parameter recipe: what prepared `prepared` (a fold's refitted recipe); nil: the table's.
    static func problem(for algorithm: Algorithm, _ ws: Workspace, table prepared: Table? = nil, recipe: FittedRecipe? = nil) throws -> Problem {
        let table = try prepared ?? Interpreter.currentTable(ws)
        try checkTask(of: algorithm, ws)
        let target = Self.target(for: algorithm, ws)
        var classes: [String] = []
        if let target {
            guard let targetColumn = table.column(named: target.column) else {
                throw Diagnostic(.notReady, "the target '\(target.column)' is not a column of '\(table.name)'",
                                 help: "use the table that holds it, or choose another target")
            }
            // Rows missing the target cannot train or test.
            let missingTarget = targetColumn.missingCount
            if missingTarget > 0 {
                throw Diagnostic(.dataError, "cannot train on '\(target.column)': \(missingTarget) row\(missingTarget == 1 ? " has" : "s have") no value",
                                 help: "drop them with: filter \(Expression.quoteIdentifier(target.column)) is not missing")
            }
            if target.task == .classification { classes = ClassLabels.from(targetColumn).labels }
        }
        let features = table.columns.filter { $0.name != ws.target?.column }
        guard !features.isEmpty else { throw Diagnostic(.dataError, "there are no feature columns besides the target") }
        if let text = features.first(where: { $0.type == .text }) {
            throw Diagnostic(.dataError, "feature '\(text.name)' is text; models need numbers",
                             help: "encode it with 'encode onehot \(Expression.quoteIdentifier(text.name))' or drop it with 'drop \(text.name)'")
        }
        if let date = features.first(where: { $0.type == .date }) {
            let name = Expression.quoteIdentifier(date.name)
            throw Diagnostic(.dataError, "feature '\(date.name)' holds dates; models need numbers",
                             help: "derive numbers from it, e.g. 'derive \(date.name)_month = month(\(name))' or days since a day with days_between, then 'drop \(name)'")
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
        let names = features.map(\.name)
        // Each one-hot encoding's indicators that are still features, by position.
        let position = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        let groups = (recipe ?? ws.preparations[table.name] ?? FittedRecipe()).steps.compactMap { $0.as(FittedOneHot.self) }
            .map { $0.indicatorColumns.compactMap { position[$0] } }.filter { !$0.isEmpty }
        return Problem(table: table, featureNames: names, features: try scoring { try Scorer.featureVectors(table, features: names) },
                       target: target, classes: classes, categoricalGroups: groups, earlierFits: ws.earlierFits)
    }

    /// - Throws: a `Diagnostic` when the algorithm does not solve the chosen target's task.
    static func checkTask(of algorithm: Algorithm, _ ws: Workspace) throws {
        // A clustering runs with or without a target (it leaves the target's column out).
        if algorithm.findsClusters { return }
        let task = ws.target?.task ?? .clustering
        guard !algorithm.tasks.contains(task) else { return }
        guard let target = ws.target else {
            throw Diagnostic(.notReady, "no target chosen", help: "choose the column to predict: target COLUMN")
        }
        let fitting = AlgorithmRegistry.solving(target.task).map(\.name)
        throw Diagnostic(.badValue, "'\(algorithm.name)' is for \(algorithm.tasks.map(\.rawValue).joined(separator: " or ")), but the target '\(target.column)' is \(target.task.rawValue)",
                         help: "try: train \(fitting.first ?? "")")
    }

    /// Fits the algorithm on `rows` of the problem (all rows when nil).
    /// - Throws: a `Diagnostic` for data the algorithm cannot learn from or a model that
    ///   is not finite; `CancelledOptimization` when cancelled.
    /// - Parameter threads: the thread budget of a fit with its own pool (XGBoost's); nil:
    ///   every core.
    static func fit(_ algorithm: Algorithm, settings: Settings, on problem: Problem, rows: [Int]?,
                    isCancelled: @escaping @Sendable () -> Bool, threads: Int? = nil, cache: FitCache? = nil) throws -> Fit<AnyFittedModel> {
        let target = try problem.trainingTarget(rows: rows)
        if case .classes(let indices, _)? = target, Set(indices).count < 2, let column = problem.target?.column {
            throw Diagnostic(.dataError, "the training rows hold a single class of '\(column)'", help: "a classifier needs at least two classes")
        }
        var data = TrainingData(features: FeatureColumns(features: problem.features, rows: rows), featureNames: problem.featureNames,
                                target: target, targetName: problem.target?.column ?? "", isCancelled: isCancelled)
        data.categoricalGroups = problem.categoricalGroups
        data.earlierFits = problem.earlierFits
        if let threads { data.threads = threads }
        data.cache = cache
        let fit = try Interpreter.learning { try algorithm.fit(settings, data) }
        // Finite data can still overflow (values near 1e308): such a model predicts nothing useful.
        guard fit.model.isFinite else {
            throw Diagnostic(.dataError, "training gave coefficients that are not finite numbers: the values are too large to compute with",
                             help: "scale the features ('scale standard numeric') and, for regression, the target")
        }
        return fit
    }

    /// The session's model from a fit on the current table's training rows: its recipe,
    /// schema and lineage, and its test rows prepared as its training rows were.
    static func record(_ fitted: AnyFittedModel, name: String, problem: Problem, recorded: Command,
                       _ ws: Workspace, context: EngineContext) throws -> TrainedModel {
        let table = problem.table
        let split = ws.splits[table.name]
        let targetColumn = problem.target?.column ?? ""
        // A clustering leaves a chosen target out too: new rows need not carry it.
        let leftOut = problem.target?.column ?? ws.target?.column ?? ""
        let inputSchema = (ws.loadedSchemas[table.name] ?? []).filter { $0.name != leftOut }
        let slice = PipelineExport.slice(for: table.name, testTable: split?.testTableName, script: context.effectiveScript)
        // Steps on the target column (an impute before the target was chosen, say) are not
        // the model's: new rows come without the target, and the step would find no column.
        let preparation = FittedRecipe((ws.preparations[table.name] ?? FittedRecipe()).steps.filter { $0.column == nil || $0.column != leftOut })
        var model = TrainedModel(scoring: ScoringModel(
            name: name, task: problem.target?.task ?? .clustering, target: targetColumn, classes: problem.classes,
            features: problem.featureNames, inputSchema: inputSchema, preparation: preparation,
            estimator: fitted, trainingRows: split?.trainingRows?.count ?? table.rowCount,
            lineage: slice.map(\.text) + [recorded.description],
            dataSources: ([table.name, split?.testTableName].compactMap { $0.flatMap { ws.sources[$0] } } + (ws.combinedSources[table.name] ?? [])).uniqued()))
        model.table = table.name

        // The test set, prepared exactly as the training rows were.
        guard let target = problem.target else {
            // A clustering is scored (silhouette, inertia) on the test rows of a split (or its
            // test table, prepared as new rows are), else on the rows it learned from.
            if case .table(let testName)? = split {
                guard let raw = ws.table(named: testName) else { throw Interpreter.noSuchTable(testName, ws) }
                do {
                    let prepared = try Scorer.prepare(raw, for: model.scoring, keeping: [])
                    model.testSet = LabelledMatrix(x: try Scorer.featureMatrix(prepared, features: problem.featureNames, rows: nil),
                                                   classIndices: [], values: [])
                    model.testSetID = "table:\(testName):" + (ws.sources[testName]?.checksum ?? "")
                } catch let error as ScoringError {
                    throw Diagnostic(.dataError, "cannot prepare the test table '\(testName)': \(error)")
                }
                return model
            }
            var rows: [Int]?
            if case .rows? = split { rows = split!.testRows }
            else if let trainingRows = split?.trainingRows { rows = trainingRows }
            model.testSet = LabelledMatrix(x: try scoring { try Scorer.featureMatrix(table, features: problem.featureNames, rows: rows) },
                                           classIndices: [], values: [])
            var rowsHasher = FingerprintHasher()
            rowsHasher.combine(table.name)
            for row in rows ?? Array(0..<table.rowCount) { rowsHasher.combine(UInt64(row)) }
            model.testSetID = "rows:" + rowsHasher.hexDigest
            return model
        }
        switch split {
        case .rows?:
            let testRows = split!.testRows!
            model.testSet = try labelled(table, rows: testRows, features: problem.featureNames, target: target, classes: problem.classes)
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
                let prepared = try Scorer.prepare(raw, for: model.scoring, keeping: [target.column])
                model.testSet = try labelled(prepared, features: problem.featureNames, target: target, classes: problem.classes)
                model.testSetID = "table:\(testName):" + (ws.sources[testName]?.checksum ?? "")
            } catch let error as ScoringError {
                throw Diagnostic(.dataError, "cannot prepare the test table '\(testName)': \(error)")
            }
        case nil:
            break
        }
        return model
    }

    static func defaultName(_ algorithm: String, _ ws: Workspace) -> String {
        if ws.model(named: algorithm) == nil { return algorithm }
        var k = 2
        while ws.model(named: "\(algorithm)_\(k)") != nil { k += 1 }
        return "\(algorithm)_\(k)"
    }

    /// Features and target of a prepared table's rows (all rows when `rows` is nil).
    /// - Parameter target: nil for a clustering (the features alone).
    static func labelled(_ table: Table, rows: [Int]? = nil, features: [String], target: Target?, classes: [String]) throws -> LabelledMatrix {
        let x = try scoring { try Scorer.featureMatrix(table, features: features, rows: rows) }
        guard let target else { return LabelledMatrix(x: x, classIndices: [], values: []) }
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

    /// Runs a scorer step, turning its errors into diagnostics.
    static func scoring<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as ScoringError {
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

extension Array where Element: Equatable {
    /// The elements without repeats, in order of first appearance.
    func uniqued() -> [Element] {
        reduce(into: []) { kept, element in if !kept.contains(element) { kept.append(element) } }
    }
}
