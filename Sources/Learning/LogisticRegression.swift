import CKernels
import Foundation
import Tabular

/// Penalised logistic regression: binomial for two classes, multinomial (softmax) for
/// more. The objective is Σ log-loss + ½·l2·‖W‖² + l1·‖W‖₁ with unpenalised intercepts:
/// with l1=0 scikit-learn's `LogisticRegression(C=1/l2)` (lbfgs), with l1 > 0 its
/// `LogisticRegression(C=1/(l1+l2), l1_ratio=l1/(l1+l2))` (saga; lasso when l2=0), which
/// Newton steps solved by coordinate descent minimise (`LogisticCoordinateDescent`), so
/// unneeded coefficients come out exactly 0; with
/// `class_weight=balanced`, each row's loss weighs n / (classes × its class's rows), as
/// scikit-learn's `class_weight='balanced'`.
public struct LogisticRegression: Estimator {
    public static let name = "logistic"
    public static let summary = "logistic regression with L2, L1 (lasso) or elastic-net penalties (multinomial for more than two classes)"
    public static let tasks: [Task] = [.classification]
    public static let settings = SettingsSchema([
        SettingSpec("l2", "L2 penalty strength (scikit-learn's 1/C); 0 turns it off",
                    forms: [.number(0...1e9)], default: .value(.number(1))),
        SettingSpec("l1", "L1 penalty strength: coefficients that do not pay for it become exactly 0 (with l2 too, elastic-net: scikit-learn's C=1/(l1+l2), l1_ratio=l1/(l1+l2))",
                    forms: [.number(0...1e9)], default: .value(.number(0))),
        SettingSpec("max_iter", "most iterations (L-BFGS steps; with l1, Newton steps)", forms: [.whole(1...100_000)], default: .value(.whole(500))),
        SettingSpec("tol", "stop when every gradient component is below this",
                    forms: [.number(1e-15...1)], default: .value(.number(1e-7))),
        SettingSpec("class_weight", "balanced: each class's rows weigh n / (classes × its rows), so rare classes count as much as common ones",
                    forms: [.word(["balanced"]), .none(meaning: "every row counts alike")], default: .value(.none)),
    ])

    /// Multinomial over dense features costs rows × classes × features per pass.
    public static let classLimit = 1000

    public var l2: Double
    public var l1: Double
    public var maxIterations: Int
    public var tolerance: Double
    public var balanced: Bool
    /// Minimises an L1 penalty by OWL-QN, as mlw did before fingerprints v4.
    public var l1ByOWLQN = false

    public static func searchSpace(for task: Task) -> [SearchDimension] {
        [SearchDimension(key: "l2", values: .range(low: .number(0.0001), high: .number(100)))]
    }

    public init(_ settings: Settings) {
        l2 = settings.number("l2")
        // Bundles and journals from before l1 existed read as l1=0: the same fit.
        l1 = settings["l1"] == nil ? 0 : settings.number("l1")
        maxIterations = settings.whole("max_iter")!
        tolerance = settings.number("tol")
        balanced = settings["class_weight"] == .word("balanced")
    }

    public func fit(_ data: TrainingData) throws -> Fit<Model> {
        let (labels, classCount) = try data.classes(for: Self.name)
        guard classCount <= Self.classLimit else {
            throw LearningError("'\(data.targetName)' has \(classCount) classes; logistic regression here handles at most \(Self.classLimit)",
                                help: "choose a target with fewer classes")
        }
        var estimator = self
        estimator.l1ByOWLQN = data.earlierFits.contains(.l1LogisticByOWLQN)
        let model = try estimator.fit(data.designMatrix(), labels: labels, classCount: classCount, oneHotGroups: data.categoricalGroups,
                                      isCancelled: data.isCancelled)
        var remarks: [Remark] = []
        if !model.converged {
            // Two ways to stop short: the iteration limit, or a loss that no longer
            // improves while the gradient is still above the tolerance.
            if model.iterations >= maxIterations {
                remarks.append(.warning("did not converge in \(Plural.count(model.iterations, "iteration")) (max_iter); raise max_iter or scale the features"))
            } else {
                remarks.append(.warning("stopped after \(Plural.count(model.iterations, "iteration")): the loss stopped improving before the gradient fell below tol=\(NumberFormatting.shortest(tolerance)); scale the features ('scale standard numeric') or raise tol"))
            }
        }
        return Fit(model, remarks: remarks)
    }

    /// A fitted model: one coefficient row per class (one row in the binary case, for the
    /// second class).
    public struct Model: FittedModel {
        public var classCount: Int
        /// Row-major `[row][feature]`; 1 row when binary, `classCount` rows otherwise.
        public var coefficients: [[Double]]
        public var intercepts: [Double]
        public var iterations: Int
        public var converged: Bool

        enum CodingKeys: String, CodingKey {
            case coefficients, intercepts, iterations, converged
            case classCount = "class_count"
        }

        public func learnedValues(features: [String], classes: [String]) -> LearnedValues? {
            // Binary: one row of coefficients, for the second class's log-odds.
            let labels = coefficients.count == 1 ? [classes.count > 1 ? classes[1] : "log-odds"] : classes
            let largest = features.indices.map { j in coefficients.map { abs($0[j]) }.max() ?? 0 }
            let order = features.indices.sorted { largest[$0] != largest[$1] ? largest[$0] > largest[$1] : $0 < $1 }
            return LearnedValues(headers: ["feature"] + labels,
                                 rows: [["(intercept)"] + intercepts.map { NumberFormatting.significant($0) }]
                                    + order.map { j in [features[j]] + coefficients.map { NumberFormatting.significant($0[j]) } },
                                 note: "log-odds coefficients" + (coefficients.count == 1 ? " of \(labels[0])" : " per class")
                                    + " in the units of the prepared features, largest magnitude first")
        }

        /// Exact: coefficient × (value − training mean), per log-odds (binary) or per class score.
        public func explain(_ row: [Double], trainingMeans: [Double], classes: [String]) throws -> Explanation? {
            let outputs = coefficients.count == 1 ? ["log-odds of \(classes.count > 1 ? classes[1] : "the second class")"]
                : classes.map { "softmax score of \($0)" }
            return Explanation(outputs: outputs,
                               base: coefficients.indices.map { c in intercepts[c] + zip(coefficients[c], trainingMeans).reduce(0) { $0 + $1.0 * $1.1 } },
                               contributions: coefficients.map { beta in row.indices.map { beta[$0] * (row[$0] - trainingMeans[$0]) } })
        }

        /// Class probabilities, row-major (`rows × classCount`).
        /// - Complexity: O(rows × features × classes)
        public func probabilities(_ x: DesignMatrix) -> [Double] {
            let p = x.columns
            var out = [Double](repeating: 0, count: x.rows * classCount)
            x.values.withUnsafeBufferPointer { values in
                for i in 0..<x.rows {
                    let row = values.baseAddress! + i * p
                    if classCount == 2 {
                        var z = intercepts[0]
                        for j in 0..<p { z += coefficients[0][j] * row[j] }
                        let positive = sigmoid(z)
                        out[i * 2] = 1 - positive
                        out[i * 2 + 1] = positive
                    } else {
                        var scores = [Double](repeating: 0, count: classCount)
                        for k in 0..<classCount {
                            var z = intercepts[k]
                            for j in 0..<p { z += coefficients[k][j] * row[j] }
                            scores[k] = z
                        }
                        let top = scores.max()!
                        var total = 0.0
                        for k in 0..<classCount { scores[k] = exp(scores[k] - top); total += scores[k] }
                        for k in 0..<classCount { out[i * classCount + k] = scores[k] / total }
                    }
                }
            }
            return out
        }

        public func predict(_ x: DesignMatrix) -> Prediction {
            .classes(probabilities: probabilities(x), classCount: classCount)
        }

        public var task: Task { .classification }

        public func combine(into hasher: inout FingerprintHasher) {
            for row in coefficients { for v in row { hasher.combine(v) } }
            for v in intercepts { hasher.combine(v) }
        }

        public var isFinite: Bool {
            intercepts.allSatisfy(\.isFinite) && coefficients.allSatisfy { $0.allSatisfy(\.isFinite) }
        }

        public func check(featureCount p: Int, classCount classes: Int) throws {
            guard classes >= 2 else { throw LearningError("lists \(Plural.count(classes, "class")); a classifier has at least 2") }
            guard classCount == classes else {
                throw LearningError("has class_count \(classCount), but manifest.json lists \(Plural.count(classes, "class"))")
            }
            let rows = classCount == 2 ? 1 : classCount
            guard coefficients.count == rows, intercepts.count == rows else {
                throw LearningError("has \(coefficients.count) coefficient rows and \(intercepts.count) intercepts; \(Plural.count(classCount, "class")) need \(rows) of each")
            }
            if let short = coefficients.firstIndex(where: { $0.count != p }) {
                throw LearningError("has \(coefficients[short].count) coefficients in row \(short + 1), but manifest.json lists \(Plural.count(p, "feature"))")
            }
        }

        public var summary: String? {
            // An L1 penalty's point: how many coefficients it set to exactly 0.
            let zeros = coefficients.reduce(0) { $0 + $1.filter { $0 == 0 }.count }, total = coefficients.reduce(0) { $0 + $1.count }
            return "\(Plural.count(classCount, "class")), \(Plural.count(iterations, "iteration"))" + (zeros > 0 ? ", \(zeros) of \(total) coefficients 0" : "")
        }
    }

    /// Fits the model to `labels` (class indices 0..<classCount).
    ///
    /// Optimises in standardised coordinates (each feature centred and divided by its
    /// standard deviation) for conditioning, with the penalty rewritten so the objective
    /// is exactly the one on the original scale; coefficients are mapped back.
    /// `oneHotGroups`: features that one-hot encode one column each (`TrainingData.categoricalGroups`);
    /// an L1 fit moves along the valley each one makes (see `LogisticCoordinateDescent.Problem.flatGroups`).
    public func fit(_ x: DesignMatrix, labels: [Int], classCount: Int, oneHotGroups: [[Int]] = [],
                    isCancelled: () -> Bool = { false }) throws -> Model {
        guard x.rows == labels.count else { throw LearningError("features and labels differ in length") }
        guard x.rows > 0 else { throw LearningError("there are no training rows") }
        guard classCount >= 2 else {
            throw LearningError("the target has a single class, so there is nothing to learn",
                                help: "a classifier needs at least two classes in the training rows")
        }
        let p = x.columns
        let rowsK = classCount == 2 ? 1 : classCount
        // scikit-learn's balanced weights: n / (classes × rows of the class).
        var counts = [Int](repeating: 0, count: classCount)
        for label in labels { counts[label] += 1 }
        let classWeights: [Double] = balanced
            ? counts.map { $0 > 0 ? Double(labels.count) / (Double(classCount) * Double($0)) : 0 } : []
        let (means, rawDeviations) = x.columnMeansAndDeviations()
        let deviations = rawDeviations.map { $0 > 0 ? $0 : 1 }
        let n = Double(x.rows)
        
        // θ holds, per class row k: p standardised weights then the standardised intercept.
        let stride = p + 1
        func originalScale(_ theta: [Double]) -> (w: [Double], b: [Double]) {
            var w = [Double](repeating: 0, count: rowsK * p)
            var b = [Double](repeating: 0, count: rowsK)
            for k in 0..<rowsK {
                var shift = 0.0
                for j in 0..<p {
                    w[k * p + j] = theta[k * stride + j] / deviations[j]
                    shift += w[k * p + j] * means[j]
                }
                b[k] = theta[k * stride + p] - shift
            }
            return (w, b)
        }

        let objective: ([Double], inout [Double]) -> Double = { theta, gradient in
            let (w, b) = originalScale(theta)
            // Gradient of the summed loss with respect to original-scale w and b, per block.
            let partials = ParallelBlocks.map(count: x.rows) { range -> (Double, [Double]) in
                var loss = 0.0
                var g = [Double](repeating: 0, count: rowsK * (p + 1))
                var scores = [Double](repeating: 0, count: rowsK)
                x.values.withUnsafeBufferPointer { values in
                    labels.withUnsafeBufferPointer { labelBuffer in
                        classWeights.withUnsafeBufferPointer { weights in
                            labelBuffer.baseAddress!.withMemoryRebound(to: CLong.self, capacity: labels.count) { labelPointer in
                                // An empty weight list passes NULL: every row weighs 1.
                                mlw_logistic_accumulate(values.baseAddress! + range.lowerBound * p, range.count, p, rowsK, w, b,
                                                        labelPointer + range.lowerBound, weights.isEmpty ? nil : weights.baseAddress,
                                                        &g, &loss, &scores)
                            }
                        }
                    }
                }
                return (loss, g)
            }
            var loss = 0.0
            var g = [Double](repeating: 0, count: rowsK * (p + 1))
            for (partLoss, partGradient) in partials {
                loss += partLoss
                for i in g.indices { g[i] += partGradient[i] }
            }
            // Penalty on original-scale weights, then the chain rule back to θ.
            for k in 0..<rowsK {
                for j in 0..<p {
                    let wkj = w[k * p + j]
                    loss += 0.5 * l2 * wkj * wkj
                    g[k * (p + 1) + j] += l2 * wkj
                }
            }
            for k in 0..<rowsK {
                let gb = g[k * (p + 1) + p]
                for j in 0..<p {
                    gradient[k * stride + j] = (g[k * (p + 1) + j] - gb * means[j]) / deviations[j] / n
                }
                gradient[k * stride + p] = gb / n
            }
            return loss / n
        }

        // The L1 term on original-scale weights, |w| = |θ|/σ, over the n the objective divides by.
        let l1PerFeature = (0..<p).map { l1 / deviations[$0] / n }
        let solution: [Double], iterations: Int, converged: Bool
        if l1 > 0 && !l1ByOWLQN {
            // Column-major standardised features: coordinate descent reads one feature at a time.
            let rows = x.rows
            var columns = [Double](repeating: 0, count: rows * p)
            x.values.withUnsafeBufferPointer { values in
                for i in 0..<rows {
                    for j in 0..<p { columns[j * rows + i] = (values[i * p + j] - means[j]) / deviations[j] }
                }
            }
            var problem = LogisticCoordinateDescent.Problem(
                columns: columns, rows: rows, features: p, labels: labels,
                rowWeights: balanced ? labels.map { classWeights[$0] } : nil, blocks: rowsK,
                l1: l1PerFeature, l2: (0..<p).map { l2 / (deviations[$0] * deviations[$0]) / n })
            // A group is flat only if every row has exactly one of its indicators set.
            problem.flatGroups = oneHotGroups.filter { group in
                group.count >= 2 && group.allSatisfy { $0 < p } && x.values.withUnsafeBufferPointer { values in
                    (0..<rows).allSatisfy { i in
                        var ones = 0
                        for j in group {
                            let v = values[i * p + j]
                            if v == 1 { ones += 1 } else if v != 0 { return false }
                        }
                        return ones == 1
                    }
                }
            }.map { group in (group, group.map { deviations[$0] }) }
            let result = try LogisticCoordinateDescent(maxIterations: maxIterations, tolerance: tolerance).minimize(problem, isCancelled: isCancelled)
            (solution, iterations, converged) = (result.solution, result.iterations, result.converged)
        } else {
            let optimizer = LBFGS(memory: 10, maxIterations: maxIterations, gradientTolerance: tolerance)
            let l1Weights = l1 > 0 ? (0..<rowsK * stride).map { i in i % stride == p ? 0 : l1PerFeature[i % stride] } : nil
            let result = try optimizer.minimize(start: [Double](repeating: 0, count: rowsK * stride), l1: l1Weights,
                                                isCancelled: isCancelled, objective: objective)
            (solution, iterations, converged) = (result.solution, result.iterations, result.converged)
        }
        let (w, fittedIntercepts) = originalScale(solution)
        var b = fittedIntercepts
        if l1 > 0, rowsK > 1 {
            // Softmax intercepts are free up to a shared shift, which L1 steps can move:
            // centred, as L-BFGS (whose gradient keeps them so) and scikit-learn leave them.
            let shift = b.reduce(0, +) / Double(rowsK)
            b = b.map { $0 - shift }
        }
        let coefficients = (0..<rowsK).map { k in Array(w[k * p..<(k + 1) * p]) }
        return Model(classCount: classCount, coefficients: coefficients, intercepts: b,
                     iterations: iterations, converged: converged)
    }
}

@inline(__always)
func sigmoid(_ z: Double) -> Double {
    z >= 0 ? 1 / (1 + exp(-z)) : exp(z) / (1 + exp(z))
}
