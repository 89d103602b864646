import CommandLanguage
import Foundation
import Tabular

/// `relations`: the target's balance and each feature's strength of relation to it.
extension Interpreter {
    /// U from which a feature is flagged as perhaps leaking the target.
    static let leakageStrength = 0.9

    static func relations(_ names: [String], _ step: inout Step) throws {
        let whole = try currentTable(step.ws)
        guard let target = step.ws.target, target.task != .clustering else {
            throw Diagnostic(.notReady, "no target yet", help: "choose the column to predict first: 'target COLUMN'")
        }
        guard let targetColumn = whole.column(named: target.column) else {
            throw Diagnostic(.notReady, "the target '\(target.column)' is not a column of '\(whole.name)'", help: "'use' its table, or choose another target")
        }
        for name in names where whole.column(named: name) == nil { throw noSuchColumn(name, whole) }
        if names.contains(target.column) { throw Diagnostic(.badValue, "'\(target.column)' is the target; name features to relate to it") }
        // Rows without a target value say nothing about the relation.
        let known = (0..<whole.rowCount).filter { !targetColumn.isMissing($0) }
        let table = known.count == whole.rowCount ? whole : whole.gathering(known)
        let y = table.column(named: target.column)!
        guard table.rowCount >= 2 else { throw Diagnostic(.dataError, "'\(target.column)' has fewer than two values to relate to") }
        let classification = target.task == .classification
        let targetLevels = Association.levels(y, bins: 10, maxLevels: 1000)
        if classification {
            let groups = valueGroups(y, rowCount: table.rowCount)
            let n = Double(table.rowCount)
            step.output.blocks.append(.chart(.bars(Chart.Bars(
                title: "\(target.column): \(Plural.count(groups.count, "class")) in \(Plural.count(table.rowCount, "row"))",
                labelHeader: "class", valueHeader: "rows", annotationHeader: "share",
                labels: groups.map(\.label), values: groups.map { Double($0.rows.count) },
                annotations: groups.map { String(format: "%.1f%%", Double($0.rows.count) / n * 100) }))))
            let sizes = groups.map(\.rows.count)
            if let largest = sizes.max(), let smallest = sizes.min(), smallest > 0, Double(largest) / Double(smallest) >= 1.5 {
                let ratio = Double(largest) / Double(smallest)
                let advice = Double(smallest) / n < 0.1 ? ": accuracy flatters a model that ignores the rare classes; judge by f1_macro or auc, and split with 'stratify'" : ""
                step.output.blocks.append(.note("imbalanced: the largest class has \(String(format: "%.1f", ratio))× the rows of the smallest\(advice)"))
            }
        } else {
            let values = y.numericValues!
            let low = values.min()!, high = values.max()!
            let bins = low == high ? 1 : 12
            let width = (high - low) / Double(bins)
            var counts = [Int](repeating: 0, count: bins)
            for x in values { counts[min(bins - 1, width > 0 ? Int((x - low) / width) : 0)] += 1 }
            step.output.blocks.append(.chart(.histogram(Chart.Histogram(
                title: "\(target.column): \(Plural.count(table.rowCount, "value"))",
                edges: (0...bins).map { $0 == bins ? high : low + Double($0) * width }, counts: counts))))
        }
        let features = (names.isEmpty ? table.columnNames.filter { $0 != target.column } : names).map { table.column(named: $0)! }
        guard !features.isEmpty else { return }
        let yValues = classification ? nil : y.numericValues
        let measured = Parallel.map(features) { feature -> (u: Double, text: String, strength: Double) in
            let levels = Association.levels(feature)
            let u = Association.uncertaintyCoefficient(feature: levels, target: targetLevels)
            switch (feature.type == .number, classification) {
            case (true, false):
                let r = Correlation.pearson([feature.numericValues!, yValues!])[0][1]
                return (u, r.isNaN ? "r ·" : "r " + String(format: "%.2f", r), abs(r))
            case (true, true):
                let eta = Association.correlationRatio(categories: targetLevels.codes, count: targetLevels.count, values: feature.numericValues!)
                return (u, eta.isNaN ? "η ·" : "η " + String(format: "%.2f", eta), eta)
            case (false, false):
                let eta = Association.correlationRatio(categories: levels.codes, count: levels.count, values: yValues!)
                return (u, eta.isNaN ? "η ·" : "η " + String(format: "%.2f", eta), eta)
            case (false, true):
                let v = Association.cramersV(levels, targetLevels)
                return (u, v.isNaN ? "V ·" : "V " + String(format: "%.2f", v), v)
            }
        }
        let order = features.indices.sorted { a, b in
            let x = measured[a].u.isNaN ? -1 : measured[a].u, y = measured[b].u.isNaN ? -1 : measured[b].u
            return x != y ? x > y : a < b
        }
        step.output.blocks.append(.chart(.bars(Chart.Bars(
            title: "how much each column tells about \(target.column) (U: 0 nothing, 1 all)",
            labelHeader: "column", valueHeader: "U", annotationHeader: "measure",
            labels: order.map { features[$0].name }, values: order.map { measured[$0].u.isNaN ? 0 : measured[$0].u },
            annotations: order.map { measured[$0].text }, maximum: 1, decimals: 2))))
        let leaking = order.filter { measured[$0].u >= leakageStrength || measured[$0].strength >= 0.99 }.map { features[$0].name }
        if !leaking.isEmpty {
            step.output.blocks.append(.warning("\(leaking.joined(separator: ", ")) \(leaking.count == 1 ? "almost fixes" : "almost fix") \(target.column): "
                                               + "if \(leaking.count == 1 ? "it is" : "they are") not known when predicting, \(leaking.count == 1 ? "it leaks" : "they leak") the answer; drop \(leaking.count == 1 ? "it" : "them")"))
        }
        if known.count < whole.rowCount {
            step.output.blocks.append(.note("\(Plural.count(whole.rowCount - known.count, "row")) without a value for \(target.column) left out"))
        }
    }
}
