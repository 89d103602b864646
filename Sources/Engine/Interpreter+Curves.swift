import CommandLanguage
import Foundation
import Learning
import Scoring
import Tabular

/// The diagnostic charts of a trained model on its test rows: `roc`, `pr`, `calibration`
/// (classifiers) and `residuals` (regressors). Each is a terminal chart and a table of
/// the figures behind it.
extension Interpreter {
    /// A classifier's test rows with its probabilities (row-major, one per class).
    private struct Scored {
        var model: TrainedModel
        var truth: [Int]
        var probabilities: [Double]
        var classCount: Int

        func probability(row: Int, of k: Int) -> Double { probabilities[row * classCount + k] }
    }

    private static func scoredClassifier(_ name: String, _ ws: Workspace, verb: String) throws -> Scored {
        let model = try model(named: name, ws)
        guard model.task != .clustering else {
            throw Diagnostic(.badValue, "'\(name)' finds clusters; \(verb) is for classifiers", help: "'evaluate' shows its silhouette and inertia")
        }
        guard model.task == .classification else {
            throw Diagnostic(.badValue, "'\(name)' predicts numbers; \(verb) is for classifiers", help: "try 'residuals \(name)' for its errors")
        }
        guard let testSet = model.testSet else {
            throw Diagnostic(.notReady, "'\(name)' has no test rows", help: "split before training, e.g. 'split 0.8 stratify', then train again")
        }
        guard case .classes(let probabilities, let k) = model.estimator.predict(testSet.x) else {
            throw InternalError("a classifier predicted no class probabilities")
        }
        return Scored(model: model, truth: testSet.classIndices, probabilities: probabilities, classCount: k)
    }

    /// Points along a polyline, about `perUnit` per unit of its length in the unit square,
    /// so braille dots draw it as a line.
    private static func line(_ points: [(x: Double, y: Double)], perUnit: Double = 240) -> (x: [Double], y: [Double]) {
        var xs: [Double] = [], ys: [Double] = []
        for (a, b) in zip(points, points.dropFirst()) {
            let steps = max(1, Int((hypot(b.x - a.x, b.y - a.y) * perUnit).rounded(.up)))
            for s in 0..<steps {
                let t = Double(s) / Double(steps)
                xs.append(a.x + t * (b.x - a.x))
                ys.append(a.y + t * (b.y - a.y))
            }
        }
        if let last = points.last { xs.append(last.x); ys.append(last.y) }
        return (xs, ys)
    }

    /// Curves as one scatter chart, a group each.
    static func curveChart(_ title: String, x: String, y: String, curves: [(label: String, points: [(x: Double, y: Double)])]) -> Output.Block {
        var xs: [Double] = [], ys: [Double] = [], groups: [Int] = []
        for (k, curve) in curves.enumerated() {
            let drawn = line(curve.points)
            xs += drawn.x
            ys += drawn.y
            groups += [Int](repeating: k, count: drawn.x.count)
        }
        return .chart(.scatter(Chart.Scatter(title: title, xLabel: x, yLabel: y, x: xs, y: ys, groups: curves.count > 1 ? groups : [],
                                             groupLabels: curves.count > 1 ? curves.map(\.label) : [], xRange: 0...1, yRange: 0...1)))
    }

    /// The models a curve command draws together: one multiclass model, or binary models
    /// of one target tested on the same rows.
    private static func curveModels(_ names: [String], _ ws: Workspace, verb: String) throws -> [Scored] {
        let scored = try names.map { try scoredClassifier($0, ws, verb: verb) }
        if scored.count > 1 {
            if let multi = scored.first(where: { $0.classCount > 2 }) {
                throw Diagnostic(.badValue, "'\(multi.model.name)' has \(multi.classCount) classes, so its \(verb) is a curve per class: draw it alone",
                                 help: "\(verb) \(multi.model.name)")
            }
            if Set(scored.map(\.model.testSetID)).count > 1 || Set(scored.map(\.model.target)).count > 1 {
                throw Diagnostic(.badValue, "these models were not tested on the same rows of the same target, so their curves do not compare",
                                 help: "draw them one at a time")
            }
        }
        return scored
    }

    /// `roc MODELS`: true against false positive rate as the threshold falls.
    static func roc(_ names: [String], _ step: inout Step) throws {
        let scored = try curveModels(names, step.ws, verb: "roc")
        let first = scored[0]
        let rows = first.truth.count
        if first.classCount > 2 {
            // One class against the rest, a curve each.
            var curves: [(String, [(x: Double, y: Double)])] = []
            var cells: [[String]] = []
            for (k, label) in first.model.classes.enumerated() {
                let curve = Curves.roc(positive: first.truth.map { $0 == k }, scores: (0..<rows).map { first.probability(row: $0, of: k) })
                curves.append((label, curve.map { ($0.falsePositiveRate, $0.truePositiveRate) }))
                cells.append([label, "\(first.truth.filter { $0 == k }.count)", Evaluating.format(Curves.area(curve))])
                step.fingerprint.add("\(label).auc", Fingerprint.format(Curves.area(curve)))
            }
            step.output.blocks.append(curveChart("ROC of \(first.model.name) on \(Plural.count(rows, "test row")), each class against the rest: true positive rate (up) against false positive rate (across)",
                                                 x: "false positive rate", y: "true positive rate", curves: curves))
            step.output.blocks.append(.table(TextTable(headers: ["class", "test rows", "auc"], rows: cells, rightAligned: [false, true, true])))
            step.output.blocks.append(.note("one-vs-rest: each class's probability ranks its rows against all others; evaluate's auc is the mean of these"))
            return
        }
        let positive = Evaluating.positiveClass(of: first.model, in: step.ws)
        let label = first.model.classes[positive]
        var curves: [(String, [(x: Double, y: Double)])] = []
        var cells: [[String]] = []
        let limits = [0.01, 0.05, 0.1, 0.2]
        for model in scored {
            let curve = Curves.roc(positive: model.truth.map { $0 == positive }, scores: (0..<rows).map { model.probability(row: $0, of: positive) })
            curves.append((model.model.name, curve.map { ($0.falsePositiveRate, $0.truePositiveRate) }))
            let auc = Curves.area(curve)
            step.fingerprint.add("\(model.model.name).auc", Fingerprint.format(auc))
            // The most positives caught while letting through at most that share of negatives.
            cells.append([model.model.name, Evaluating.format(auc)] + limits.map { limit in
                Evaluating.format(curve.filter { $0.falsePositiveRate <= limit + 1e-12 }.map(\.truePositiveRate).max() ?? 0)
            })
        }
        curves.append(("chance", [(0, 0), (1, 1)]))
        step.output.blocks.append(curveChart("ROC on \(Plural.count(rows, "test row")), positive class \(label): true positive rate (up) against false positive rate (across)",
                                             x: "false positive rate", y: "true positive rate", curves: curves))
        let headers = ["model", "auc"] + limits.map { "tpr at fpr ≤ \(NumberFormatting.shortest($0))" }
        step.output.blocks.append(.table(TextTable(headers: headers, rows: cells, rightAligned: headers.indices.map { $0 > 0 })))
        step.output.blocks.append(.note("tpr at fpr ≤ x: the share of \(label) rows caught at the best threshold letting through at most x of the others (on the test rows)"))
    }

    /// `pr MODELS`: precision against recall as the threshold falls.
    static func precisionRecall(_ names: [String], _ step: inout Step) throws {
        let scored = try curveModels(names, step.ws, verb: "pr")
        let first = scored[0]
        let rows = first.truth.count
        let binary = first.classCount == 2
        let positive = binary ? Evaluating.positiveClass(of: first.model, in: step.ws) : 0
        var curves: [(String, [(x: Double, y: Double)])] = []
        var cells: [[String]] = []
        // Binary: a curve per model; more classes: a curve per class of the one model.
        let entries: [(label: String, model: Scored, k: Int)] = binary ? scored.map { ($0.model.name, $0, positive) }
            : first.model.classes.enumerated().map { ($0.element, first, $0.offset) }
        for entry in entries {
            let isPositive = entry.model.truth.map { $0 == entry.k }
            let curve = Curves.precisionRecall(positive: isPositive, scores: (0..<rows).map { entry.model.probability(row: $0, of: entry.k) })
            // From recall 0 at full precision, as scikit-learn draws it.
            curves.append((entry.label, [(0, 1)] + curve.map { ($0.recall, $0.precision) }))
            let ap = Curves.averagePrecision(curve)
            step.fingerprint.add("\(entry.label).ap", Fingerprint.format(ap))
            let atHalf = curve.last { $0.threshold >= 0.5 }
            let f1 = curve.map { p -> (Double, Double) in (p.precision + p.recall > 0 ? 2 * p.precision * p.recall / (p.precision + p.recall) : 0, p.threshold) }
            let best = f1.max { $0.0 < $1.0 } ?? (0, 0.5)
            cells.append([entry.label, "\(isPositive.filter { $0 }.count)", Evaluating.format(ap),
                          atHalf.map { Evaluating.format($0.precision) } ?? "n/a", atHalf.map { Evaluating.format($0.recall) } ?? "0",
                          Evaluating.format(best.0), Evaluating.format(best.1)])
        }
        if binary {
            let share = Double(first.truth.filter { $0 == positive }.count) / Double(max(1, rows))
            curves.append(("no skill", [(0, share), (1, share)]))
        }
        let subject = binary ? "positive class \(first.model.classes[positive])" : "\(first.model.name), each class against the rest"
        step.output.blocks.append(curveChart("precision (up) against recall (across) on \(Plural.count(rows, "test row")), \(subject)",
                                             x: "recall", y: "precision", curves: curves))
        let headers = [binary ? "model" : "class", "positives", "average precision", "precision at 0.5", "recall at 0.5", "best f1", "at threshold"]
        step.output.blocks.append(.table(TextTable(headers: headers, rows: cells, rightAligned: headers.indices.map { $0 > 0 })))
        step.output.blocks.append(.note("average precision as scikit-learn's (precision at each threshold weighted by the recall it adds); the best f1 and its threshold are read off the test rows, so they flatter the model"))
    }

    /// `calibration MODEL [bins=N]`: predicted probability against the observed share.
    static func calibration(_ name: String, bins: Int, _ step: inout Step) throws {
        let scored = try scoredClassifier(name, step.ws, verb: "calibration")
        let rows = scored.truth.count
        let binary = scored.classCount == 2
        let positive = Evaluating.positiveClass(of: scored.model, in: step.ws)
        // Two classes: the positive class's probability; more: the predicted class's, against being right.
        let predictedClasses = (0..<rows).map { r in (0..<scored.classCount).max { scored.probability(row: r, of: $0) < scored.probability(row: r, of: $1) }! }
        let probabilities = binary ? (0..<rows).map { scored.probability(row: $0, of: positive) } : (0..<rows).map { scored.probability(row: $0, of: predictedClasses[$0]) }
        let outcomes = binary ? scored.truth.map { $0 == positive } : (0..<rows).map { scored.truth[$0] == predictedClasses[$0] }
        let table = Curves.calibration(positive: outcomes, probabilities: probabilities, bins: bins)
        let gap = table.reduce(0) { $0 + Double($1.count) * abs($1.observed - $1.meanPredicted) } / Double(max(1, rows))
        let brier = Curves.brier(positive: outcomes, probabilities: probabilities)
        step.fingerprint.add("ece", Fingerprint.format(gap))
        step.fingerprint.add("brier", Fingerprint.format(brier))
        let subject = binary ? "probability of \(scored.model.classes[positive])" : "probability of the predicted class"
        let curves: [(label: String, points: [(x: Double, y: Double)])] = [
            (name, table.map { ($0.meanPredicted, $0.observed) }), ("perfect", [(0, 0), (1, 1)]),
        ]
        step.output.blocks.append(curveChart("calibration of \(name) on \(Plural.count(rows, "test row")): observed share (up) against the \(subject) (across), \(bins) bins",
                                             x: "predicted", y: "observed", curves: curves))
        let cells = table.map { bin in
            ["\(NumberFormatting.shortest(bin.low))–\(NumberFormatting.shortest(bin.high))", "\(bin.count)", Evaluating.format(bin.meanPredicted),
             Evaluating.format(bin.observed), Evaluating.format(bin.observed - bin.meanPredicted)]
        }
        step.output.blocks.append(.table(TextTable(headers: ["bin", "rows", "mean predicted", binary ? "observed share" : "share right", "gap"], rows: cells,
                                                   rightAligned: [false, true, true, true, true])))
        step.output.blocks.append(.note("expected calibration error \(Evaluating.format(gap)) (the rows' mean gap); Brier score \(Evaluating.format(brier))"
                                        + (binary ? "" : " (of the predicted class being right)") + "; bins with no rows left out"))
    }

    /// `residuals MODEL`: a regressor's errors against its predictions.
    static func residuals(_ name: String, _ step: inout Step) throws {
        let model = try model(named: name, step.ws)
        guard model.task == .regression else {
            throw Diagnostic(.badValue, "'\(name)' predicts \(model.task == .clustering ? "clusters" : "classes"); residuals are for regressors",
                             help: model.task == .clustering ? "'evaluate' shows its silhouette and inertia" : "try 'confusion \(name)' or 'calibration \(name)'")
        }
        guard let testSet = model.testSet else {
            throw Diagnostic(.notReady, "'\(name)' has no test rows", help: "split before training, e.g. 'split 0.8', then train again")
        }
        let predicted = model.estimator.predict(testSet.x).values
        let residuals = zip(testSet.values, predicted).map { $0 - $1 }
        let n = Double(residuals.count)
        let mean = residuals.reduce(0, +) / n
        let deviation = (residuals.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n).squareRoot()
        step.fingerprint.add("mean", Fingerprint.format(mean))
        step.fingerprint.add("sd", Fingerprint.format(deviation))
        step.output.blocks.append(.chart(.scatter(Chart.Scatter(
            title: "residuals of \(name) on \(Plural.count(residuals.count, "test row")): \(model.target) − predicted (up) against predicted (across)",
            xLabel: "predicted", yLabel: "residual", x: predicted, y: residuals))))
        let sorted = residuals.sorted()
        func quantile(_ q: Double) -> Double { Statistics.quantile(sorted: sorted, q) }
        let f = { (v: Double) in NumberFormatting.significant(v, digits: 4) }
        step.output.blocks.append(.table(TextTable(
            headers: ["mean", "sd", "5%", "25%", "median", "75%", "95%"],
            rows: [[f(mean), f(deviation), f(quantile(0.05)), f(quantile(0.25)), f(quantile(0.5)), f(quantile(0.75)), f(quantile(0.95))]],
            rightAligned: Array(repeating: true, count: 7))))
        let worst = residuals.indices.sorted { abs(residuals[$0]) != abs(residuals[$1]) ? abs(residuals[$0]) > abs(residuals[$1]) : $0 < $1 }.prefix(5)
        let testRows = step.ws.splits[model.table]?.testRows
        let cells = worst.map { k in
            [testRows.map { "\($0[k] + 1)" } ?? "\(k + 1)", f(testSet.values[k]), f(predicted[k]), f(residuals[k])]
        }
        step.output.blocks.append(.table(TextTable(headers: [testRows == nil ? "test row" : "row", model.target, "predicted", "residual"], rows: cells,
                                                   rightAligned: [true, true, true, true])))
        step.output.blocks.append(.note("the 5 largest errors" + (testRows == nil ? " (rows of the test table)" : " (rows of '\(model.table)')")
                                        + "; a pattern in the chart (a curve, a funnel) is what the model misses"))
    }

    /// `explain MODEL row=N [class=C]`: each feature's contribution to one prediction.
    static func explain(_ name: String, row: Int, className: String?, _ step: inout Step) throws {
        let model = try model(named: name, step.ws)
        guard let table = step.ws.table(named: model.table) else {
            throw Diagnostic(.notReady, "'\(name)' came from a bundle, and its table is not loaded here", help: "explain models trained in this session")
        }
        guard row <= table.rowCount else {
            throw Diagnostic(.badValue, "'\(table.name)' has \(Plural.count(table.rowCount, "row")), so there is no row \(row)")
        }
        let x: DesignMatrix
        do { x = try Training.scoring { try Scorer.featureMatrix(table, features: model.features, rows: [row - 1]) } } catch let diagnostic as Diagnostic {
            throw Diagnostic(.dataError, "row \(row) of '\(table.name)' cannot be explained: \(diagnostic.message)",
                             help: "the table changed since '\(name)' was trained, or the row has values the model cannot take")
        }
        let values = Array(x.values)
        // The baseline of linear contributions: each feature's mean over the training rows.
        let trainingRows = step.ws.splits[table.name]?.trainingRows ?? Array(0..<table.rowCount)
        let means = try model.features.map { feature -> Double in
            guard let column = table.column(named: feature)?.numericValues else { throw noSuchColumn(feature, table) }
            return trainingRows.reduce(0) { $0 + column[$1] } / Double(max(1, trainingRows.count))
        }
        guard let explanation = try learning({ try model.estimator.explain(values, trainingMeans: means, classes: model.classes) }) else {
            if model.task == .clustering {
                throw Diagnostic(.badValue, "'\(name)' assigns rows to clusters, which has no per-feature contributions", help: "'show \(name)' lists each cluster's centre")
            }
            throw Diagnostic(.badValue, "'\(name)' is a \(model.algorithm) model, which has no exact per-feature contributions",
                             help: "'importance \(name) permutation' ranks its features by how much shuffling each costs")
        }
        // Which output: a class asked for, the positive class of two, else the predicted class.
        var output = 0
        var negate = false
        let prediction = model.estimator.predict(x)
        if model.task == .classification {
            let predicted = model.scoring.decide(prediction)[0]
            var wanted = model.classes.count == 2 ? Evaluating.positiveClass(of: model, in: step.ws) : predicted
            if let className {
                guard let k = model.classes.firstIndex(of: className) else {
                    throw Diagnostic(.badValue, "'\(name)' has no class '\(className)'", help: "its classes: " + model.classes.joined(separator: ", "))
                }
                wanted = k
            }
            if explanation.outputs.count == 1 { negate = wanted == 0 } else { output = wanted }
        } else if className != nil {
            throw Diagnostic(.badValue, "class= is for classifiers, and '\(name)' predicts numbers")
        }
        let sign = negate ? -1.0 : 1.0
        var label = explanation.outputs[output]
        if negate { label = "log-odds of \(model.classes[0])" }
        let contributions = explanation.contributions[output].map { $0 * sign }
        let base = explanation.base[output] * sign
        let total = base + contributions.reduce(0, +)
        for (feature, value) in zip(model.features, contributions) { step.fingerprint.add(feature, Fingerprint.format(value)) }

        var said = "\(name) on row \(row) of '\(table.name)': "
        switch prediction {
        case .classes(let probabilities, let k):
            let predicted = model.scoring.decide(prediction)[0]
            said += "predicts \(model.classes[predicted]) (\(Evaluating.format(probabilities[predicted])))"
            _ = k
        case .values(let v): said += "predicts \(NumberFormatting.significant(v[0], digits: 5))"
        case .clusters(let ids): said += "cluster \(ids[0])"
        }
        if let truth = table.column(named: model.target), let text = truth.text(at: row - 1) { said += "; \(model.target) is \(text)" }
        step.output.blocks.append(.success(said))
        let order = contributions.indices.sorted { abs(contributions[$0]) != abs(contributions[$1]) ? abs(contributions[$0]) > abs(contributions[$1]) : $0 < $1 }
        // Features the prediction did not use (a tree's unused ones) are left to the "others" line.
        let shown = Array(order.filter { contributions[$0] != 0 }.prefix(15))
        let largest = abs(contributions[order[0]])
        let f = { (v: Double) in NumberFormatting.significant(v, digits: 4) }
        var cells = shown.map { j -> [String] in
            let cells = largest > 0 ? Int((abs(contributions[j]) / largest * 20).rounded()) : 0
            let bar = String(repeating: contributions[j] >= 0 ? "█" : "▒", count: cells)
            return [model.features[j], f(values[j]), (contributions[j] >= 0 ? "+" : "") + f(contributions[j]), bar]
        }
        if order.count > shown.count {
            let rest = order.dropFirst(shown.count).reduce(0) { $0 + contributions[$1] }
            cells.append(["(\(order.count - shown.count) others)", "", rest == 0 ? "0" : (rest > 0 ? "+" : "") + f(rest), ""])
        }
        step.output.blocks.append(.table(TextTable(headers: ["feature", "value", "contribution", ""], rows: cells, rightAligned: [false, true, true, false])))
        step.output.blocks.append(.note("\(label): \(f(base)) expected over the training rows, \(total - base >= 0 ? "+" : "−") \(f(abs(total - base))) from the features = \(f(total)) for this row"
                                        + "; █ raises it, ▒ lowers it; values as prepared"))
    }

    /// `elbow k=LO..HI`: k-means for each k on the training rows, inertia and silhouette.
    static func elbow(_ ks: ClosedRange<Int>, seed requestedSeed: UInt64?, _ step: inout Step, _ context: EngineContext) throws {
        let table = try currentTable(step.ws)
        guard let kmeans = AlgorithmRegistry.named("kmeans") else { throw InternalError("kmeans is not registered") }
        let seed = requestedSeed ?? context.makeSeed()
        step.recorded = .elbow(low: ks.lowerBound, high: ks.upperBound, seed: seed)
        let problem = try Training.problem(for: kmeans, step.ws)
        let rows = step.ws.splits[table.name]?.trainingRows
        let count = rows?.count ?? table.rowCount
        guard count > ks.upperBound else {
            throw Diagnostic(.dataError, "\(Plural.count(count, "training row")) are too few for k up to \(ks.upperBound)", help: "try elbow k=2..\(max(2, count - 1))")
        }
        let x = try Training.scoring { try Scorer.featureMatrix(table, features: problem.featureNames, rows: rows) }
        var cells: [[String]] = []
        var points: [(x: Double, y: Double)] = []
        for (n, k) in ks.enumerated() {
            context.progress?.report(ProgressUpdate(task: "k-means for k=\(k)", fraction: Double(n) / Double(ks.count), count: n,
                                                    unit: "of \(ks.count) values of k", estimatesTimeLeft: true))
            let settings = try learning { try kmeans.settings.resolve([("k", .whole(k)), ("n_init", .whole(3))], algorithm: "kmeans", task: .clustering, makeSeed: { seed }) }
            let fit = try Training.fit(kmeans, settings: settings, on: problem, rows: rows, isCancelled: context.isCancelled)
            guard case .clusters(let clusters) = fit.model.predict(x) else { throw InternalError("k-means predicted no clusters") }
            let inertia = Metrics.inertia(x, clusters: clusters)
            let silhouette = Metrics.silhouette(x, clusters: clusters)
            step.fingerprint.add("k\(k)", Fingerprint.format(inertia))
            points.append((Double(k), inertia))
            cells.append(["\(k)", NumberFormatting.significant(inertia, digits: 5), silhouette.isNaN ? "n/a" : Evaluating.format(silhouette)])
        }
        // Drawn as a line through the points, in the unit square so both axes count alike.
        let (xLow, xHigh) = (points.map(\.x).min()!, points.map(\.x).max()!), (yLow, yHigh) = (points.map(\.y).min()!, points.map(\.y).max()!)
        let unit = line(points.map { (($0.x - xLow) / max(xHigh - xLow, 1e-300), ($0.y - yLow) / max(yHigh - yLow, 1e-300)) })
        let drawn = (x: unit.x.map { xLow + $0 * (xHigh - xLow) }, y: unit.y.map { yLow + $0 * (yHigh - yLow) })
        step.output.blocks.append(.chart(.scatter(Chart.Scatter(title: "k-means inertia (up) against k (across) on \(Plural.count(count, "training row")) of '\(table.name)'",
                                                                 xLabel: "k", yLabel: "inertia", x: drawn.x, y: drawn.y))))
        step.output.blocks.append(.table(TextTable(headers: ["k", "inertia", "silhouette"], rows: cells, rightAligned: [true, true, true])))
        let best = cells.indices.filter { cells[$0][2] != "n/a" }.max { Double(cells[$0][2])! < Double(cells[$1][2])! }
        step.output.blocks.append(.note("n_init=3 per k, seed \(seed)\(count > Metrics.silhouetteRows ? "; silhouette over \(Metrics.silhouetteRows) evenly spaced rows" : "")"
                                        + (best.map { "; the highest silhouette is at k=\(cells[$0][0])" } ?? "") + "; train the chosen k with 'train kmeans k=K'"))
    }
}
