import Tabular

/// `encode target COLUMNS [folds=5] [smooth=auto|M] [seed=N] [unseen=ignore|error]`: each
/// level replaced by the target's mean among the rows of that level, shrunk towards the
/// overall mean (scikit-learn's `TargetEncoder`). A binary target gives the share of its
/// second class (sorted), a multiclass target one column per class (`COLUMN_CLASS`), a
/// number target its mean.
///
/// The fitting rows are encoded by cross-fitting: they are dealt into `folds` folds
/// (stratified by class for a classification target), and each fold's rows get the means
/// learned from the other folds, so no row's own target shapes its feature. Every other
/// row (the test rows, new data) gets the means of all the fitting rows, which is what the
/// fitted step stores.
///
/// Shrinkage: with `smooth=M`, (sum + M · mean) / (count + M); with `auto`, the level's
/// mean weighted by count · τ² / (count · τ² + σ²), τ² the target's variance and σ² the
/// level's (empirical Bayes, as scikit-learn's `smooth="auto"`).
public struct TargetEncodingStep: PreparationStep {
    public var columns: [String]
    public var target: String
    public var classification: Bool
    public var folds: Int
    /// nil: auto.
    public var smooth: Double?
    public var seed: UInt64
    public var unseen: UnseenLevelPolicy

    public init(columns: [String], target: String, classification: Bool, folds: Int = 5, smooth: Double? = nil, seed: UInt64,
                unseen: UnseenLevelPolicy = .ignore) {
        self.columns = columns
        self.target = target
        self.classification = classification
        self.folds = folds
        self.smooth = smooth
        self.seed = seed
        self.unseen = unseen
    }

    public var verb: String { "encode" }
    public var text: String {
        "encode target " + listText(columns) + " folds=\(folds) smooth=\(smooth.map(NumberFormatting.shortest) ?? "auto") seed=\(seed)"
            + (unseen == .error ? " unseen=error" : "")
    }
    public var isLearned: Bool { true }

    public func fit(_ table: Table, rows: [Int]?) throws -> (fitted: [FittedStep], table: Table) {
        guard let targetColumn = table.column(named: target) else { throw PreparationError.input("there is no target column '\(target)'") }
        let (outputs, ys) = try targetValues(targetColumn)
        let fitting = (rows ?? Array(0..<table.rowCount)).filter { !ys[0][$0].isNaN }
        guard fitting.count >= folds else {
            throw LearningError("target encoding with \(folds) folds needs at least \(folds) rows with a target, and there are \(fitting.count)")
        }
        let foldOf = dealFolds(fitting, rowCount: table.rowCount, labels: classification ? targetColumn.levelCodes().codes : nil)
        let heldOut = (0..<folds).map { fold in fitting.filter { foldOf[$0] == fold } }
        let learnFrom = (0..<folds).map { fold in fitting.filter { foldOf[$0] != fold } }
        var result = table
        var fitted: [FittedStep] = []
        for name in columns {
            guard let column = table.column(named: name) else { throw PreparationError.input("there is no column '\(name)'") }
            let (levels, _) = try fittedLevels(column, rows: fitting)
            let names = outputs.count == 1 ? [name] : outputs.map { "\(name)_\($0)" }
            var encoder = FittedLevelEncoding(column: name, method: .target, outputs: names, levels: levels, values: [], unseenValues: [], unseen: unseen)
            let indices = encoder.levelIndices(column)
            (encoder.values, encoder.unseenValues) = encodings(indices, ys, rows: fitting, levelCount: levels.count)
            // Every row gets the full encoding, then each fold's fitting rows their out-of-fold one.
            var made = encoder.columns(for: indices).map { $0.numericValues! }
            for fold in 0..<folds {
                let (values, priors) = encodings(indices, ys, rows: learnFrom[fold], levelCount: levels.count)
                for row in heldOut[fold] {
                    let level = indices[row]
                    for j in names.indices where level != -1 { made[j][row] = level >= 0 ? values[j][Int(level)] : priors[j] }
                }
            }
            if let clash = table.collisions(replacingColumnAt: table.index(of: name)!, with: names).first(where: { $0 != name }) {
                throw LearningError("encoding '\(name)' would make a column '\(clash)', but that name is taken", help: "rename or drop the column '\(clash)' first")
            }
            result.replaceColumn(at: result.index(of: name)!, with: zip(names, made).map { Column(name: $0, numbers: $1) })
            fitted.append(FittedStep(encoder))
        }
        return (fitted, result)
    }

    /// The output names' suffixes (empty for one output) and, per output, each row's
    /// target value to average (NaN: no target).
    private func targetValues(_ column: Column) throws -> (outputs: [String], ys: [[Double]]) {
        guard classification else {
            guard case .number(let values) = column.data else { throw LearningError("the target '\(target)' of a regression holds \(column.type.rawValue)") }
            return ([""], [values])
        }
        let (codes, dictionary) = column.levelCodes()
        let present = Set(codes.filter { $0 >= 0 })
        var classes = present.map { dictionary[Int($0)] }
        classes = column.type == .number ? classes.sorted { Double($0)! < Double($1)! } : classes.sorted()
        guard classes.count >= 2 else { throw LearningError("the target '\(target)' has fewer than 2 classes to encode by") }
        let ranks = dictionary.map { classes.firstIndex(of: $0) ?? -1 }
        let chosen = classes.count == 2 ? [1] : Array(classes.indices)
        let ys = chosen.map { k in codes.map { $0 < 0 ? Double.nan : ranks[Int($0)] == k ? 1.0 : 0.0 } }
        return (classes.count == 2 ? [""] : classes, ys)
    }

    /// Per row, its fold (-1 for rows not fitted on): the fitting rows dealt into folds
    /// after a seeded shuffle, each class dealt on in turn.
    private func dealFolds(_ rows: [Int], rowCount: Int, labels: [Int32]?) -> [Int] {
        var generator = SeededGenerator(seed: seed)
        var groups: [[Int]]
        if let labels {
            var byLabel: [Int32: [Int]] = [:]
            for row in rows { byLabel[labels[row], default: []].append(row) }
            groups = byLabel.keys.sorted().map { byLabel[$0]! }
        } else {
            groups = [rows]
        }
        var foldOf = [Int](repeating: -1, count: rowCount)
        var dealt = 0
        for group in groups {
            for row in group.shuffled(using: &generator) { foldOf[row] = dealt % folds; dealt += 1 }
        }
        return foldOf
    }

    /// Per output, each level's shrunk mean over `rows`, and the plain mean (the value of
    /// levels with no rows there).
    private func encodings(_ indices: [Int32], _ ys: [[Double]], rows: [Int], levelCount: Int) -> (values: [[Double]], priors: [Double]) {
        var values: [[Double]] = [], priors: [Double] = []
        for y in ys {
            var count = [Double](repeating: 0, count: levelCount), sum = count, squares = count
            var total = 0.0, totalSquares = 0.0
            for row in rows {
                total += y[row]; totalSquares += y[row] * y[row]
                let level = indices[row]
                guard level >= 0 else { continue }
                count[Int(level)] += 1; sum[Int(level)] += y[row]; squares[Int(level)] += y[row] * y[row]
            }
            let n = Double(rows.count), prior = total / n
            let variance = max(totalSquares / n - prior * prior, 0)
            values.append((0..<levelCount).map { i in
                guard count[i] > 0 else { return prior }
                let mean = sum[i] / count[i]
                if let smooth { return (sum[i] + smooth * prior) / (count[i] + smooth) }
                let within = max(squares[i] / count[i] - mean * mean, 0)
                let weight = count[i] * variance / (count[i] * variance + within)
                return weight.isFinite ? weight * mean + (1 - weight) * prior : prior
            })
            priors.append(prior)
        }
        return (values, priors)
    }
}
