import CommandLanguage
import Foundation
import Tabular

/// `profile`: what a data scientist reads first about a table, on one screen.
extension Interpreter {
    static func profile(_ name: String?, _ step: inout Step) throws {
        let table = try tableNamed(name, or: step.ws)
        let n = table.rowCount
        let summaries = Parallel.map(table.columns) { ColumnProfile($0) }
        let duplicates = n - RowKeys(table.columns).firstOfEach(rowCount: n).count
        let missing = summaries.reduce(0) { $0 + $1.missing }
        let gappy = summaries.filter { $0.missing > 0 }.count
        let cells = Double(max(1, n * table.columns.count))
        var title = "\(table.name): \(Plural.count(n, "row")) × \(Plural.count(table.columns.count, "column"))"
        title += missing == 0 ? ", no missing values" : ", \(Plural.count(missing, "missing value")) (\(String(format: "%.1f%%", Double(missing) / cells * 100))) in \(Plural.count(gappy, "column"))"
        title += ", \(Plural.count(duplicates, "repeated row"))"
        let target = step.ws.target?.column
        let rows = summaries.map { s -> [String] in
            [s.column.name + (s.column.name == target ? " (target)" : ""), s.column.type.rawValue, Rendering.missingText(s.missing, of: n),
             (s.distinctIsExact ? "" : "≈") + "\(s.distinct)", "", s.values]
        }
        let headers = ["column", "type", "missing", "distinct", "distribution", "values"]
        step.output.blocks.append(.chart(.sparkTable(Chart.SparkTable(
            title: title, table: TextTable(headers: headers, rows: rows, rightAligned: [false, false, true, true, false, false]),
            sparkColumn: 4, sparklines: summaries.map(\.shape)))))

        // Warnings, one per kind (listing its columns), so a wide table still fits a screen.
        var warnings: [String] = []
        func list(_ names: [String]) -> String { names.count <= 6 ? names.joined(separator: ", ") : names.prefix(5).joined(separator: ", ") + " and \(names.count - 5) more" }
        func are(_ names: [String]) -> String { names.count == 1 ? "is" : "are" }
        let constant = summaries.filter { $0.distinct <= 1 }.map(\.column.name)
        if !constant.isEmpty { warnings.append("\(list(constant)) \(are(constant)) constant: \(constant.count == 1 ? "it tells" : "they tell") a model nothing") }
        let identifiers = summaries.filter { $0.distinct > 1 && $0.identifierLike }.map(\.column.name)
        if !identifiers.isEmpty { warnings.append("\(list(identifiers)) \(identifiers.count == 1 ? "looks" : "look") like \(identifiers.count == 1 ? "an identifier" : "identifiers") (every value different): drop before training") }
        let crowded = summaries.filter { s in
            s.column.type == .text && !s.identifierLike && s.distinct > 50 && Double(s.distinct) > 0.05 * Double(n - s.missing)
        }
        if !crowded.isEmpty { warnings.append(list(crowded.map { "\($0.column.name) (\($0.distinct))" }) + " \(crowded.count == 1 ? "has" : "have") too many different values to one-hot encode well") }
        let sparse = summaries.filter { n > 0 && Double($0.missing) >= 0.5 * Double(n) }
        if !sparse.isEmpty { warnings.append(list(sparse.map { "\($0.column.name) (\(String(format: "%.0f%%", Double($0.missing) / Double(n) * 100)))" }) + " \(sparse.count == 1 ? "is" : "are") mostly missing") }
        let skewed = summaries.filter { abs($0.skewness ?? 0) > 2 }
        if !skewed.isEmpty {
            let positive = skewed.filter { ($0.skewness ?? 0) > 0 && ($0.minimum ?? -1) >= 0 }
            warnings.append(list(skewed.map { "\($0.column.name) (\(String(format: "%.1f", $0.skewness!)))" }) + " \(skewed.count == 1 ? "is" : "are") heavily skewed"
                            + (positive.isEmpty ? "" : positive.count == skewed.count ? ": log1p() evens \(skewed.count == 1 ? "it" : "them") out" : ": log1p() evens out the positive ones"))
        }
        // Numbers that move together, as groups (pairs above 0.95 joined): keep one of each.
        let numbers = summaries.filter { $0.column.type == .number && $0.distinct > 1 }.map(\.column)
        if numbers.count >= 2 {
            let matrix = Correlation.pearson(numbers.map { $0.numericValues! })
            var groupOf = Array(numbers.indices)
            func root(_ i: Int) -> Int { var i = i; while groupOf[i] != i { i = groupOf[i] }; return i }
            var strongest = [Int: (Double, Double)]()
            for i in numbers.indices { for j in (i + 1)..<numbers.count where abs(matrix[i][j]) >= 0.95 { groupOf[root(j)] = root(i) } }
            for i in numbers.indices { for j in (i + 1)..<numbers.count where abs(matrix[i][j]) >= 0.95 {
                let r = abs(matrix[i][j]), g = root(i)
                strongest[g] = (min(strongest[g]?.0 ?? r, r), max(strongest[g]?.1 ?? r, r))
            } }
            for group in Set(numbers.indices.map(root)).sorted() where numbers.indices.filter({ root($0) == group }).count > 1 {
                let members = numbers.indices.filter { root($0) == group }.map { numbers[$0].name }
                let (low, high) = strongest[group] ?? (0.95, 1)
                let range = String(format: "%.2f", low) == String(format: "%.2f", high) ? String(format: "%.2f", high) : String(format: "%.2f–%.2f", low, high)
                warnings.append("\(list(members)) move together (|r| \(range)): one may do for \(members.count == 2 ? "both" : "all")")
            }
        }
        if duplicates > 0 { warnings.append("\(Plural.count(duplicates, "row")) repeat an earlier row: 'dedupe' drops them") }
        if let target, let y = table.column(named: target), let task = step.ws.target?.task, task != .clustering {
            let known = (0..<n).filter { !y.isMissing($0) }
            let rows = known.count == n ? table : table.gathering(known)
            let levels = Association.levels(rows.column(named: target)!, bins: 10, maxLevels: 1000)
            let features = rows.columns.filter { $0.name != target }
            let strengths = Parallel.map(features) { Association.uncertaintyCoefficient(feature: Association.levels($0), target: levels) }
            for (feature, u) in zip(features, strengths) where u >= leakageStrength {
                warnings.append("\(feature.name) almost fixes the target \(target) (U \(String(format: "%.2f", u))): a leak, unless it is known when predicting")
            }
        }
        if warnings.isEmpty {
            step.output.blocks.append(.note("no warnings"))
        } else {
            for warning in warnings { step.output.blocks.append(.warning(warning)) }
        }
    }
}

/// One column's figures for `profile`.
struct ColumnProfile {
    let column: Column
    var missing = 0
    var distinct = 0
    var distinctIsExact = true
    /// Bar heights of the distribution (numbers: 8 equal bins; text: commonest values).
    var shape: [Double] = []
    /// Range and median, or the commonest values with their shares.
    var values = ""
    var skewness: Double?
    var minimum: Double?
    /// Every value different, and (numbers) whole and increasing: row numbers or keys.
    var identifierLike = false

    init(_ column: Column) {
        self.column = column
        let f = { (v: Double) in NumberFormatting.significant(v, digits: 5) }
        switch column.data {
        case .number(let all), .date(let all):
            let s = Statistics.summarize(numbers: all)
            missing = s.missing
            distinct = s.distinct
            distinctIsExact = s.distinctIsExact
            guard s.count > 0 else { values = "no values"; return }
            if s.min.isFinite, s.max.isFinite, s.max > s.min {
                var bins = [Double](repeating: 0, count: 8)
                let width = (s.max - s.min) / 8
                for x in all where !x.isNaN { bins[min(7, Int((x - s.min) / width))] += 1 }
                shape = bins
            } else if s.min == s.max {
                shape = [1]
            }
            if column.type == .date {
                values = "\(Dates.format(s.min)) … \(Dates.format(s.max))"
                return
            }
            skewness = s.skewness.isNaN ? nil : s.skewness
            minimum = s.min
            values = "\(f(s.min)) … \(f(s.max)), median \(f(s.median))"
            if s.count > 20, s.distinct == s.count, s.distinctIsExact {
                var previous = -Double.infinity, increasing = true
                for x in all where !x.isNaN { if x <= previous || x != x.rounded() { increasing = false; break }; previous = x }
                identifierLike = increasing
            }
        case .text(let codes, let dictionary):
            let s = Statistics.summarize(codes: codes, dictionary: dictionary, top: 8)
            missing = s.missing
            distinct = s.distinct
            shape = s.top.map { Double($0.count) }
            let share = { (count: Int) in String(format: "%.0f%%", Double(count) / Double(max(1, s.count)) * 100) }
            values = s.top.prefix(3).map { "\($0.value) \(share($0.count))" }.joined(separator: ", ") + (s.distinct > 3 ? ", …" : "")
            identifierLike = s.count > 20 && s.distinct == s.count
        case .boolean(let flags):
            var counts = [0, 0]
            for flag in flags { if flag == Column.missingBoolean { missing += 1 } else { counts[Int(flag)] += 1 } }
            distinct = counts.filter { $0 > 0 }.count
            shape = counts.map(Double.init)
            let present = Double(max(1, counts[0] + counts[1]))
            values = "false \(String(format: "%.0f%%", Double(counts[0]) / present * 100)), true \(String(format: "%.0f%%", Double(counts[1]) / present * 100))"
        }
    }
}
