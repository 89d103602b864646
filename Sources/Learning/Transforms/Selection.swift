import Tabular

/// How a feature-selection step judges columns.
public enum SelectionRule: Sendable, Equatable {
    /// Keep the columns whose variance on the fitting rows is above this (scikit-learn's
    /// `VarianceThreshold`: population variance, a constant column has 0).
    case variance(above: Double)
    /// Keep a column only while its correlation (Pearson, absolute) with every column kept
    /// before it stays below this: one of each highly correlated pair goes, the later one.
    case correlated(below: Double)
    /// Keep the `k` columns that score best against the target.
    case best(k: Int, by: FeatureScore)
    /// Keep the `k` columns a model found most important (decided when the step is asked
    /// for, from that model; the step carries the names).
    case important(k: Int, model: String, keep: [String])

    /// As a command writes it.
    public var text: String {
        switch self {
        case .variance(let x): return "variance > \(NumberFormatting.shortest(x))"
        case .correlated(let x): return "correlated < \(NumberFormatting.shortest(x))"
        case .best(let k, let score): return "best \(k) by \(score.rawValue)"
        case .important(let k, let model, _): return "important \(k) from \(model)"
        }
    }
}

/// Univariate scores of a feature against the target (scikit-learn's `f_classif` /
/// `f_regression`, `chi2`, `mutual_info_classif`).
public enum FeatureScore: String, Sendable, Equatable, CaseIterable, Codable {
    case anova, chi2
    case mutualInformation = "mutual_information"
}

/// `select variance > X`, `select correlated < X`, `select best K by SCORE`, `select
/// important K from MODEL`: drops columns among `candidates` (the number features when
/// it was asked for) by a rule learned on the fitting rows. The fitted step drops the same
/// columns from new rows.
public struct SelectionStep: PreparationStep {
    public var rule: SelectionRule
    public var candidates: [String]
    /// The target and its kind, for `best`.
    public var target: PreparationTarget?

    public init(rule: SelectionRule, candidates: [String], target: PreparationTarget? = nil) {
        self.rule = rule
        self.candidates = candidates
        self.target = target
    }

    public var verb: String { "select" }
    public var text: String { "select " + rule.text }
    public var isLearned: Bool {
        if case .important = rule { return false }
        return true
    }

    public func fit(_ table: Table, rows: [Int]?) throws -> (fitted: [FittedStep], table: Table) {
        var columns: [[Double]] = []
        // Candidates an earlier learned selection dropped (in a refit) are not candidates here.
        let candidates = self.candidates.filter { table.column(named: $0) != nil }
        for name in candidates {
            let column = table.column(named: name)!
            guard let values = column.numericValues, column.type.isNumeric else {
                throw LearningError("'\(name)' is \(column.type.rawValue); selection scores number columns", help: "encode it first")
            }
            columns.append(rows.map { rows in rows.map { values[$0] } } ?? values)
        }
        guard !candidates.isEmpty else { throw LearningError("there are no number features to select from") }
        var scores: [Double]
        var dropped: [String]
        switch rule {
        case .variance(let threshold):
            scores = columns.map(Self.variance)
            dropped = zip(candidates, scores).filter { !($0.1 > threshold) }.map(\.0)
        case .correlated(let threshold):
            scores = [Double](repeating: 0, count: candidates.count)
            var kept: [Int] = []
            dropped = []
            for j in candidates.indices {
                let strongest = kept.map { abs(Self.correlation(columns[$0], columns[j])) }.max() ?? 0
                scores[j] = strongest
                if strongest >= threshold { dropped.append(candidates[j]) } else { kept.append(j) }
            }
        case .best(let k, let score):
            guard let target, let targetColumn = table.column(named: target.column) else {
                throw LearningError("select best learns from the target, and none is chosen", help: "choose the column to predict first: target COLUMN")
            }
            for (name, values) in zip(candidates, columns) where values.contains(where: { !$0.isFinite }) {
                throw LearningError("'\(name)' has missing or infinite values, which \(score.rawValue) cannot score", help: "impute it first")
            }
            if score == .chi2, target.classification, let negative = zip(candidates, columns).first(where: { $0.1.contains { $0 < 0 } })?.0 {
                throw LearningError("chi2 scores counts and other values of 0 or more, and '\(negative)' has negative values",
                                    help: "use anova, or 'scale minmax' the features first")
            }
            let fitRows = rows ?? Array(0..<table.rowCount)
            scores = try FeatureScoring.scores(columns, target: targetColumn.gathering(fitRows), classification: target.classification, by: score)
            let order = candidates.indices.sorted { (scores[$0].isNaN ? -.infinity : scores[$0]) > (scores[$1].isNaN ? -.infinity : scores[$1]) }
            let keep = Set(order.prefix(k))
            dropped = candidates.indices.filter { !keep.contains($0) }.map { candidates[$0] }
        case .important(_, _, let keep):
            scores = []
            dropped = candidates.filter { !keep.contains($0) }
        }
        let fitted = FittedSelection(rule: rule.text, dropped: dropped, kept: candidates.filter { !dropped.contains($0) },
                                     scores: scores.isEmpty ? nil : scores)
        return ([FittedStep(fitted)], try fitted.apply(to: table))
    }

    /// Population variance of the present values.
    static func variance(_ values: [Double]) -> Double {
        let present = values.filter { !$0.isNaN }
        guard !present.isEmpty else { return 0 }
        let mean = Statistics.mean(present)
        return present.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(present.count)
    }

    /// Pearson correlation over the rows where both are present (0 when either is constant).
    static func correlation(_ x: [Double], _ y: [Double]) -> Double {
        var n = 0.0, sx = 0.0, sy = 0.0
        for i in x.indices where !x[i].isNaN && !y[i].isNaN { n += 1; sx += x[i]; sy += y[i] }
        guard n >= 2 else { return 0 }
        let mx = sx / n, my = sy / n
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for i in x.indices where !x[i].isNaN && !y[i].isNaN {
            let dx = x[i] - mx, dy = y[i] - my
            sxy += dx * dy; sxx += dx * dx; syy += dy * dy
        }
        guard sxx > 0, syy > 0 else { return 0 }
        return sxy / (sxx * syy).squareRoot()
    }
}

/// The univariate scores, as scikit-learn computes them.
enum FeatureScoring {
    static func scores(_ columns: [[Double]], target: Column, classification: Bool, by score: FeatureScore) throws -> [Double] {
        if classification {
            let (codes, _) = target.levelCodes()
            let present = codes.indices.filter { codes[$0] >= 0 }
            let labels = present.map { Int(codes[$0]) }
            let x = columns.map { column in present.map { column[$0] } }
            switch score {
            case .anova: return Parallel.map(x) { fClassif($0, labels) }
            case .chi2:
                precondition(!x.contains { $0.contains { $0 < 0 } }, "negative features are refused before scoring")
                return chi2(x, labels)
            case .mutualInformation: return Parallel.map(x) { MutualInformation.continuousDiscrete($0, labels) }
            }
        }
        guard case .number(let y) = target.data else { throw LearningError("the target of a regression must hold numbers") }
        let present = y.indices.filter { !y[$0].isNaN }
        let yy = present.map { y[$0] }
        switch score {
        case .anova: return columns.map { column in fRegression(present.map { column[$0] }, yy) }
        case .chi2: throw LearningError("chi2 scores features against classes, and the target is a number", help: "use anova")
        case .mutualInformation:
            throw LearningError("mutual_information is built for classification targets only, and the target is a number",
                                help: "use anova (the F statistic of each feature's correlation with the target)")
        }
    }

    /// One-way ANOVA F of a feature across classes (`f_classif`); labels are small
    /// whole numbers (class codes).
    static func fClassif(_ x: [Double], _ labels: [Int]) -> Double {
        let size = (labels.max() ?? -1) + 1
        var count = [Double](repeating: 0, count: size), sum = count
        var total = 0.0
        for (value, label) in zip(x, labels) { count[label] += 1; sum[label] += value; total += value }
        let n = Double(x.count), k = Double(count.filter { $0 > 0 }.count)
        let mean = total / n
        var between = 0.0, within = 0.0
        for c in 0..<size where count[c] > 0 { between += count[c] * (sum[c] / count[c] - mean) * (sum[c] / count[c] - mean) }
        for (value, label) in zip(x, labels) { let m = sum[label] / count[label]; within += (value - m) * (value - m) }
        guard k > 1, n > k else { return .nan }
        return (between / (k - 1)) / (within / (n - k))
    }

    /// The F statistic of a feature's correlation with a number target (`f_regression`).
    static func fRegression(_ x: [Double], _ y: [Double]) -> Double {
        let r = SelectionStep.correlation(x, y)
        return r * r / (1 - r * r) * Double(x.count - 2)
    }

    /// Chi-squared of each (non-negative) feature's sums per class against their
    /// expectation from the class shares (`chi2`).
    static func chi2(_ columns: [[Double]], _ labels: [Int]) -> [Double] {
        let classes = Array(Set(labels)).sorted()
        let n = Double(labels.count)
        let shares = classes.map { c in Double(labels.filter { $0 == c }.count) / n }
        return columns.map { x in
            let total = x.reduce(0, +)
            var chi = 0.0
            for (k, c) in classes.enumerated() {
                let observed = zip(x, labels).reduce(0) { $0 + ($1.1 == c ? $1.0 : 0) }
                let expected = shares[k] * total
                if expected > 0 { chi += (observed - expected) * (observed - expected) / expected }
            }
            return chi
        }
    }
}

/// Bundle JSON: `{"step": "selection", "rule": "variance > 0.01", "dropped": [...],
/// "kept": [...], "scores": [...]}` (scores in candidate order, when the rule has them).
public struct FittedSelection: FittedTransform {
    public static let kind = "selection"
    public var rule: String
    public var dropped: [String]
    public var kept: [String]
    public var scores: [Double]?

    public init(rule: String, dropped: [String], kept: [String], scores: [Double]?) {
        self.rule = rule
        self.dropped = dropped
        self.kept = kept
        self.scores = scores
    }

    public func apply(to table: Table, report: inout PreparationReport) throws -> Table {
        for name in dropped { _ = try requiredColumn(name, in: table) }
        var result = table
        result.removeColumns(named: Set(dropped))
        return result
    }

    public func check(against table: Table) throws {
        try FittedDrop(columns: dropped).check(against: table)
    }

    public var column: String? { nil }
    public var summary: String { "select \(rule): drop " + (dropped.isEmpty ? "nothing" : dropped.joined(separator: ", ")) }
    public var learnedText: String {
        "kept \(kept.count) of \(kept.count + dropped.count)" + (dropped.isEmpty ? "" : "; dropped " + listText(dropped))
    }

    private enum CodingKeys: String, CodingKey { case rule, dropped, kept, scores }
}
