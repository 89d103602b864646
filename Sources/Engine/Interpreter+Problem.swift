import CommandLanguage
import Learning
import Tabular

/// The problem stage: `target`, `goal`, and `split` (the random division of a table's
/// rows into training and test rows, or another table as the test set).
extension Interpreter {
    static func target(_ name: String, _ task: Task?, positive: String?, _ step: inout Step) throws {
        let table = try currentTable(step.ws)
        guard let column = table.column(named: name) else {
            let encoded = (step.ws.preparations[table.name]?.steps ?? []).contains { $0.as(FittedOneHot.self)?.name == name }
            if encoded {
                throw Diagnostic(.noSuchColumn, "'\(name)' was one-hot encoded, so it is no longer a column",
                                 help: "run 'undo' back to before 'encode', set the target first, then encode: the target is never encoded")
            }
            throw noSuchColumn(name, table)
        }
        let (chosen, explanation, classCount) = try targetTask(column, requested: task)
        if let positive {
            guard chosen == .classification else { throw Diagnostic(.badValue, "positive= names a class, and '\(name)' is a regression target") }
            let labels = ClassLabels.from(column).labels
            guard labels.count == 2 else {
                throw Diagnostic(.badValue, "positive= is for two classes, and '\(name)' has \(labels.count)",
                                 help: "roc, pr and calibration draw each class against the rest for more than two")
            }
            guard labels.contains(positive) else {
                throw Diagnostic(.badValue, "'\(name)' has no class '\(positive)'", help: "its classes: " + labels.joined(separator: ", "))
            }
        }
        step.ws.target = Target(column: name, task: chosen, positive: positive)
        step.recorded = .target(column: name, task: chosen, positive: positive)
        step.output.blocks.append(.success("target \(name): \(chosen.rawValue)" + explanation + (positive.map { "; positive class \($0)" } ?? "")))
        if chosen == .classification, let warning = identifierWarning(column, classes: classCount) { step.output.blocks.append(.warning(warning)) }
    }

    static func goal(_ metric: String, _ comparison: GoalComparison, _ threshold: Double, _ step: inout Step) throws {
        guard let target = step.ws.target else {
            throw Diagnostic(.notReady, "a goal belongs to a target, and none is chosen",
                             help: "choose the column to predict first: target COLUMN")
        }
        let task = target.task
        if !Metrics.names(for: task).contains(metric) {
            throw Diagnostic(.badValue, "'\(metric)' is not a \(task.rawValue) metric",
                             help: "\(task.rawValue) metrics: " + Metrics.names(for: task).joined(separator: ", "))
        }
        if task == .classification, let table = step.ws.currentTable, let column = table.column(named: target.column) {
            try Evaluating.checkPositiveClassMetric(metric, classCount: ClassLabels.from(column).labels.count)
        }
        if Metrics.higherIsBetter(metric) != (comparison == .atLeast) {
            step.output.blocks.append(.warning("\(metric) is better when \(Metrics.higherIsBetter(metric) ? "higher" : "lower"); this goal asks for \(comparison == .atLeast ? "at least" : "at most") \(NumberFormatting.shortest(threshold))"))
        }
        let goal = Goal(metric: metric, comparison: comparison, threshold: threshold)
        step.ws.goals[target.column] = goal
        step.output.blocks.append(.success("goal for \(target.column): \(goal.text)"))
    }

    static func splitTestTable(_ testName: String, _ step: inout Step) throws {
        let table = try currentTable(step.ws)
        guard let test = step.ws.table(named: testName) else { throw noSuchTable(testName, step.ws) }
        guard testName != table.name else { throw Diagnostic(.badValue, "the test table must differ from the current table") }
        guard (step.ws.preparations[testName] ?? FittedRecipe()).isEmpty else {
            throw Diagnostic(.badValue, "'\(testName)' has been changed since it was loaded",
                             help: "the test table must be as loaded: the training table's preparation is applied to it")
        }
        step.ws.splits[table.name] = .table(testName)
        step.output.blocks.append(.success("split \(table.name): all \(Plural.count(table.rowCount, "row")) train; \(testName) (\(Plural.count(test.rowCount, "row"))) is the test set"))
    }

    static func split(_ fraction: Double, stratify: Bool, seed requestedSeed: UInt64?, _ step: inout Step, _ context: EngineContext) throws {
        var ws = step.ws
        var output = step.output
        var fingerprint = step.fingerprint
        defer { step.ws = ws; step.output = output; step.fingerprint = fingerprint }
        let table = try currentTable(ws)
        let seed = requestedSeed ?? context.makeSeed()
        var strata: [Int]?
        if stratify {
            guard let target = ws.target, target.task == .classification, let column = table.column(named: target.column) else {
                throw Diagnostic(.notReady, "stratify needs a classification target", help: "set one first: target COLUMN classification")
            }
            strata = stratumIndices(column)
        }
        let isTest = Splitter.split(rows: table.rowCount, trainFraction: fraction, strata: strata, seed: seed)
        let testCount = isTest.filter { $0 }.count
        guard testCount > 0, testCount < table.rowCount else {
            throw Diagnostic(.badValue, "a \(NumberFormatting.shortest(fraction)) split of \(Plural.count(table.rowCount, "row")) leaves one part empty")
        }
        ws.splits[table.name] = .rows(isTest: isTest)
        ws.stepsBeforeSplit[table.name] = ws.recipes[table.name]?.steps.count ?? 0
        fingerprint.add("train", "\(table.rowCount - testCount)")
        fingerprint.add("test", "\(testCount)")
        var rowsHasher = FingerprintHasher()
        for (row, test) in isTest.enumerated() where test { rowsHasher.combine(UInt64(row)) }
        fingerprint.add("test_rows", rowsHasher.hexDigest)
        output.blocks.append(.success("split \(table.name): \(Plural.count(table.rowCount - testCount, "training row")), \(Plural.count(testCount, "test row"))" + (stratify ? " (stratified)" : "") + ", seed \(seed)"))
        if (ws.recipes[table.name]?.steps ?? []).contains(where: \.isLearned) {
            output.blocks.append(.warning("steps before this split learned from every row, test rows included; split first to avoid leakage"))
        }
        step.recorded = .split(trainFraction: fraction, stratify: stratify, seed: seed)
    }

    static func stratumIndices(_ column: Column) -> [Int] {
        let labels = ClassLabels.from(column).labels
        var index: [String: Int] = [:]
        for (i, label) in labels.enumerated() { index[label] = i }
        if case .text(let codes, let dictionary) = column.data {
            let stratumOfCode = dictionary.map { index[$0] ?? -1 }
            return codes.map { $0 < 0 ? -1 : stratumOfCode[Int($0)] }
        }
        return (0..<column.count).map { row in column.text(at: row).flatMap { index[$0] } ?? -1 }
    }

    /// A classification target with about as many classes as rows names rows, not classes.
    private static func identifierWarning(_ column: Column, classes: Int) -> String? {
        let present = column.count - column.missingCount
        guard classes > 20, classes * 2 > present else { return nil }
        return "'\(column.name)' has \(classes) classes in \(present) rows: most occur once, which no classifier can learn; is it an identifier?"
    }

    /// Decides classification or regression for a target column, explaining the choice.
    /// - Returns: the task, the explanation, and the number of classes (0 for regression).
    private static func targetTask(_ column: Column, requested: Task?) throws -> (Task, String, Int) {
        let present = column.count - column.missingCount
        guard present > 0 else { throw Diagnostic(.dataError, "'\(column.name)' has no values") }
        let missingNote = column.missingCount > 0 ? "; \(column.missingCount == 1 ? "1 row has" : "\(column.missingCount) rows have") no value" : ""
        switch column.data {
        case .date:
            throw Diagnostic(.badValue, "'\(column.name)' holds dates, which no model predicts",
                             help: "predict a part of it, e.g. derive \(column.name)_month = month(\(column.name)), then target \(column.name)_month")
        case .text, .boolean:
            if requested == .regression {
                throw Diagnostic(.badValue, "'\(column.name)' is \(column.type.rawValue), so it cannot be a regression target")
            }
            let classes = ClassLabels.from(column)
            let shown = 8
            var counts = classes.counts.prefix(shown).map { "\($0.label) \($0.count)" }.joined(separator: ", ")
            if classes.counts.count > shown { counts += ", … \(classes.counts.count - shown) more" }
            return (.classification, (requested == nil ? " (it holds \(column.type.rawValue))" : "") + ", \(Plural.count(classes.labels.count, "class")) (\(counts))" + missingNote,
                    classes.labels.count)
        case .number(let values):
            if requested == .regression { return (.regression, missingNote, 0) }
            let distinct = Set(values.filter { !$0.isNaN })
            if requested == .classification {
                return (.classification, ", \(Plural.count(distinct.count, "class"))" + missingNote, distinct.count)
            }
            if distinct.count <= 10 && distinct.allSatisfy({ $0 == $0.rounded() }) {
                return (.classification, " (inferred: \(distinct.count) distinct whole numbers; say 'target \(column.name) regression' otherwise)" + missingNote,
                        distinct.count)
            }
            return (.regression, " (inferred: numbers with \(distinct.count) distinct values)" + missingNote, 0)
        }
    }
}

/// The class labels of a target column, sorted (numerically when all are numbers).
enum ClassLabels {
    static func from(_ column: Column) -> (labels: [String], counts: [(label: String, count: Int)]) {
        var counts: [String: Int] = [:]
        if case .text(let codes, let dictionary) = column.data {
            // Count codes, then name them: no string per row.
            var perCode = [Int](repeating: 0, count: dictionary.count)
            for code in codes where code >= 0 { perCode[Int(code)] += 1 }
            for (code, count) in perCode.enumerated() where count > 0 { counts[dictionary[code], default: 0] += count }
        } else if case .number(let values) = column.data {
            // Count each distinct value, then write it once (formatting every row's number
            // took 0.5 s at 10,000,000 rows). Values that print alike share a label.
            var perValue: [UInt64: Int] = [:]
            for value in values where !value.isNaN { perValue[value.bitPattern, default: 0] += 1 }
            for (bits, count) in perValue { counts[NumberFormatting.shortest(Double(bitPattern: bits)), default: 0] += count }
        } else {
            for row in 0..<column.count { if let text = column.text(at: row) { counts[text, default: 0] += 1 } }
        }
        let labels = counts.keys.sorted(by: precedes)
        return (labels, labels.map { ($0, counts[$0]!) })
    }

    /// A total order on labels, so the class order is the same in every process (the
    /// counts come from a dictionary, whose order is not): numbers first, by value and
    /// then by text (`1` < `1.0` < `01`... by text), then the other labels by text.
    static func precedes(_ a: String, _ b: String) -> Bool {
        let x = Double(a).flatMap { $0.isNaN ? nil : $0 }, y = Double(b).flatMap { $0.isNaN ? nil : $0 }
        switch (x, y) {
        case let (x?, y?): return x != y ? x < y : a < b
        case (.some, nil): return true
        case (nil, .some): return false
        case (nil, nil): return a < b
        }
    }
}
