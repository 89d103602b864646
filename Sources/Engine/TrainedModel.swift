import Learning
import Scoring
import Tabular

/// A model trained in this session: what a bundle stores (`ScoringModel`, whose
/// properties read through this one) plus what only the session knows: the table it
/// was trained on and its prepared test rows.
@dynamicMemberLookup
public struct TrainedModel: Sendable, Equatable {
    public var scoring: ScoringModel
    /// The table it was trained on ("" for a model loaded from a bundle).
    public var table: String = ""
    /// Held-out rows, already prepared (not stored in bundles).
    var testSet: LabelledMatrix?
    /// Identifies the held-out rows (table and row numbers, or the test table and its
    /// file): models with equal ids were tested on the same rows.
    var testSetID: String = ""

    public subscript<T>(dynamicMember keyPath: WritableKeyPath<ScoringModel, T>) -> T {
        get { scoring[keyPath: keyPath] }
        set { scoring[keyPath: keyPath] = newValue }
    }

    public subscript<T>(dynamicMember keyPath: KeyPath<ScoringModel, T>) -> T { scoring[keyPath: keyPath] }

    public static func == (a: TrainedModel, b: TrainedModel) -> Bool {
        a.scoring == b.scoring && a.table == b.table
    }
}

/// Features and labels of a set of rows.
struct LabelledMatrix: Sendable {
    var x: DesignMatrix
    var classIndices: [Int]
    var values: [Double]
}

/// Metrics of predictions against truth, with scikit-learn's definitions.
enum ModelMetrics {
    /// - Parameters:
    ///   - decision: a two-class model's threshold, which decides its classes.
    ///   - positive: a two-class model's positive class, which precision, recall and f1 are of.
    static func of(task: Task, classCount: Int, truth: LabelledMatrix, prediction: Prediction,
                   decision: DecisionThreshold? = nil, positive: Int = 1) -> [(name: String, value: Double)] {
        switch task {
        case .classification:
            let (y, predicted) = (truth.classIndices, DecisionThreshold.classIndices(of: prediction, under: decision))
            func averaged(_ score: (Metrics.ClassCounts) -> Double, _ average: Metrics.Average) -> Double {
                Metrics.classScore(score, truth: y, predicted: predicted, classCount: classCount, average: average)
            }
            return [
                ("accuracy", Metrics.accuracy(truth: y, predicted: predicted)),
                ("balanced_accuracy", Metrics.balancedAccuracy(truth: y, predicted: predicted, classCount: classCount)),
                ("f1_macro", Metrics.f1Macro(truth: y, predicted: predicted, classCount: classCount)),
                ("f1_weighted", averaged(Metrics.f1, .weighted)),
                ("precision_macro", averaged(Metrics.precision, .macro)),
                ("precision_weighted", averaged(Metrics.precision, .weighted)),
                ("recall_macro", averaged(Metrics.recall, .macro)),
                ("recall_weighted", averaged(Metrics.recall, .weighted)),
                ("auc", Metrics.auc(truth: y, probabilities: prediction.probabilities, classCount: classCount)),
                ("log_loss", Metrics.logLoss(truth: y, probabilities: prediction.probabilities, classCount: classCount)),
                ("mcc", Metrics.mcc(truth: y, predicted: predicted, classCount: classCount)),
            ] + (classCount == 2 ? Metrics.positiveClassScores(truth: y, predicted: predicted, classCount: 2, positive: positive) : [])
        case .regression:
            return [
                ("rmse", Metrics.rmse(truth: truth.values, predicted: prediction.values)),
                ("mae", Metrics.mae(truth: truth.values, predicted: prediction.values)),
                ("r2", Metrics.r2(truth: truth.values, predicted: prediction.values)),
                ("mape", Metrics.mape(truth: truth.values, predicted: prediction.values)),
            ]
        case .clustering:
            let clusters: [Int]
            if case .clusters(let ids) = prediction { clusters = ids } else { clusters = [] }
            return [("silhouette", Metrics.silhouette(truth.x, clusters: clusters)), ("inertia", Metrics.inertia(truth.x, clusters: clusters))]
        }
    }
}
