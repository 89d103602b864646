import Learning
import Tabular

/// The commands of the 'model' stage, in the order `help` lists them.
extension CommandTable {
    static let modelCommands: [CommandSpec] = [
        CommandSpec(
            name: "train", stage: .model, usage: "train ALGORITHM [NAME] [key=value ...] | train auto [NAME] [algorithms=[A, B, ...]] [cv=K] [trials=N] [metric=METRIC] [seed=N]",
            summary: "fit a model to the training rows of the current table",
            details: """
            The features are every column but the target; they must be numbers or booleans
            with no missing values (see impute and encode). A model's default name is its
            algorithm (logistic, then logistic_2, ...).

            train auto cross-validates every algorithm of the target's task (or those of
            algorithms=[…]; the list is recorded) on its defaults
            (cv=5 folds of the training rows, the recipe refitted in each), tunes the best
            two with a random search of their default spaces (trials=20 between them; see
            tune), and keeps the best of everything it scored, fitted on all the training
            rows, as a model named NAME (auto by default). It ranks by METRIC (the goal's,
            else accuracy or rmse); its seed deals the folds, draws the candidates and
            seeds the algorithms, and is recorded, so a replay makes the same choice.

            Algorithms and their settings:
            """ + "\n" + algorithmReference,
            examples: ["train logistic", "train logistic strong l2=10", "train linear l2=0.5", "train tree max_depth=4 criterion=entropy",
                       "train auto", "train auto best cv=3 trials=30 metric=auc", "train auto algorithms=[logistic, gbdt]"], kind: .workspaceStep,
            complete: { words in words.isEmpty ? [.algorithm, .words(["auto"])] : words.first == "auto" ? [.words(["algorithms=", "cv=", "trials=", "metric=", "seed="])] : [.algorithmSettings] },
            parse: { c in
                if c.current?.kind == .word, c.current?.text == "auto" {
                    c.index += 1
                    return try c.trainAuto()
                }
                let algorithmToken = try c.value("an algorithm")
                guard let algorithm = AlgorithmRegistry.named(algorithmToken.text) else {
                    let names = AlgorithmRegistry.all.map(\.name)
                    throw Diagnostic(.badValue, "unknown algorithm '\(algorithmToken.text)'", at: algorithmToken.range,
                                     help: Suggestions.didYouMean(algorithmToken.text, among: names) ?? "algorithms: " + names.joined(separator: ", "))
                }
                var name: String?
                if let token = c.current, token.kind != .symbol,
                   !(c.index + 1 < c.tokens.count && c.tokens[c.index + 1].text == "=" && c.tokens[c.index + 1].kind == .symbol) {
                    name = token.text
                    c.index += 1
                }
                let settings = try c.settings(algorithm.settings)
                return .train(algorithm: algorithm.name, name: name,
                              settings: settings.map { Command.Setting(key: $0.key, value: $0.value) })
            }),
        CommandSpec(
            name: "cv", stage: .model, usage: "cv K [MODELS|ALGORITHMS] [seed=N]",
            summary: "cross-validate models or algorithms in K folds of the training rows, the recipe refitted in each",
            details: """
            The training rows (every row before a split) are dealt into K folds, stratified
            by class for classification; each fold in turn is scored by a model fitted on the
            others, with the table's whole preparation (imputation, encodings, scaling, …)
            fitted again on those rows only, so nothing learns from the rows that score it.
            A model name reuses its algorithm and settings; an algorithm name its defaults.
            With no names, every model trained on the table. Shows each metric's mean and
            standard deviation over the folds. The seed is recorded, so replays deal the
            same folds. The test rows are not touched. A clustering (kmeans) needs no
            target: each fold's held-out rows are assigned to the clusters fitted on the
            others and scored by their silhouette and inertia, as 'evaluate' scores a test
            set; clusterings and predictors are cross-validated apart.
            """,
            examples: ["cv 5", "cv 10 logistic tree", "cv 5 weak seed=7", "cv 5 kmeans"], kind: .workspaceStep,
            complete: { words in words.isEmpty ? [.words(["5", "10"])] : [.model, .algorithm, .words(["seed="])] },
            parse: { c in
                let count = try c.value("how many folds")
                guard let folds = Int(count.text), (2...100).contains(folds) else {
                    throw Diagnostic(.badValue, "expected a number of folds from 2 to 100, found '\(count.text)'", at: count.range, help: "usage: \(c.usage)")
                }
                var names: [String] = []
                while let token = c.current, !(token.kind == .word && token.text == "seed" && c.index + 1 < c.tokens.count && c.tokens[c.index + 1].text == "=") {
                    if token.kind == .symbol, token.text == "," { c.index += 1; continue }
                    names.append(try c.value("a model or algorithm").text)
                }
                let seed = try c.seed()
                try c.expectEnd()
                return .crossValidate(folds: folds, names: names, seed: seed)
            }),
        CommandSpec(
            name: "tune", stage: .model,
            usage: "tune ALGORITHM [NAME] key=[v1,v2,...] key=LO..HI [key=value ...] [cv=K] [search=grid|random|halving] [trials=N] [metric=METRIC] [seed=N]",
            summary: "search an algorithm's settings by cross-validation and keep the best as a trained model",
            details: """
            Each setting given a list ([3, 6, 9]) or a range (2..10, 0.001..100) is
            searched; one given a single value is fixed. With none searched, the
            algorithm's default search (below) is used, less the settings fixed. Every candidate is scored by K-fold
            cross-validation of the training rows (cv=5 by default), with the recipe fitted
            again in each fold, as 'cv' does; the best by METRIC (the goal's, else accuracy,
            rmse, or for a clustering the held-out rows' silhouette) is then fitted on all the training rows and kept as a model named NAME
            (ALGORITHM_tuned by default), which evaluate, show and export take as any other.
            search=grid tries every combination of the lists in order (a whole-number range
            counts as the list of its numbers); search=random draws trials combinations
            (20 by default), numbers uniformly, or on a log scale when the range spans ten
            times or more, to three significant digits; search=halving starts all trials
            candidates on a third of the rows and gives the best third three times the rows
            in each round, until the last round uses them all. The default is grid when
            every searched setting is a list (and trials, if given, cover the grid),
            random otherwise. Budgets count trials, never
            seconds, and the seed (which also seeds the algorithm) is recorded, so a replay
            runs the same search. Ctrl-C stops the search and keeps the best so far: the
            journal records the trials that ran (trials=, or halving_rounds= for the
            halving rounds completed); a second Ctrl-C abandons it.

            Default searches (classification; regression the same but where noted):
            """ + "\n" + defaultSearchReference,
            examples: ["tune tree max_depth=[2, 4, 8, none] min_samples_leaf=[1, 5, 20]", "tune gbdt trials=30",
                       "tune gbdt learning_rate=0.01..0.3 max_depth=2..8 trials=30 metric=auc",
                       "tune logistic best l2=0.001..100 search=halving trials=27 cv=3", "tune kmeans k=2..10"],
            kind: .workspaceStep, keepsWorkOnInterrupt: true,
            complete: { words in
                words.isEmpty ? [.algorithm] : [.algorithmSettings, .words(["cv=", "search=", "trials=", "metric=", "seed="])]
            },
            parse: { c in try c.tuneRequest() }),
        CommandSpec(
            name: "evaluate", stage: .model, usage: "evaluate [MODELS] [by class]",
            summary: "score every trained model on the test rows",
            details: """
            A column per model, a row per metric, with scikit-learn's definitions.
            Classification: accuracy, balanced accuracy, F1, precision and recall (macro:
            classes alike; weighted: by their support), AUC (one-vs-rest macro for more than
            two classes), log loss and the Matthews correlation. Regression: RMSE, MAE, R² and
            MAPE (a fraction). With a goal set, each model is marked pass or fail. Name
            models to see only those; 'by class' adds each class's precision, recall, F1 and
            test rows for every classifier shown.
            """,
            examples: ["evaluate", "evaluate logistic tree", "evaluate logistic by class"], kind: .workspaceStep,
            complete: { words in words.last == "by" ? [.words(["class"])] : [.model, .words(["by"])] },
            parse: { c in
                var models: [String] = []
                var byClass = false
                while let token = c.current {
                    if token.kind == .symbol, token.text == "," { c.index += 1; continue }
                    if token.kind == .word, token.text == "by" {
                        c.index += 1
                        try c.expectWord("class")
                        byClass = true
                        try c.expectEnd()
                        break
                    }
                    models.append(try c.value("a model").text)
                }
                return .evaluate(models: models, byClass: byClass)
            }),
        CommandSpec(
            name: "show", stage: .model, usage: "show MODEL",
            summary: "show a model's settings, the data it learned from, its test metrics and what it learned",
            details: """
            The algorithm and every setting (defaults and chosen seeds included), the table,
            target, training rows and features, the preparation it carries, its test metrics,
            and what it learned per feature: coefficients for linear and logistic models
            (largest magnitude first), importances for trees (see also 'rules').
            """,
            examples: ["show logistic"], kind: .inspection, complete: { words in words.isEmpty ? [.model] : [] },
            parse: { c in .show(model: try c.only("a model name")) }),
        CommandSpec(
            name: "confusion", stage: .model, usage: "confusion MODEL",
            summary: "show a classifier's test rows as counts of true against predicted class",
            details: """
            A row per true class, a column per predicted class, drawn as a heatmap: the
            diagonal holds the rows predicted right. Below it, each class's precision,
            recall and F1 on the test rows.
            """,
            examples: ["confusion logistic"], kind: .inspection, complete: { words in words.isEmpty ? [.model] : [] },
            parse: { c in .confusion(model: try c.only("a model name")) }),
        CommandSpec(
            name: "roc", stage: .model, usage: "roc MODELS",
            summary: "draw classifiers' ROC curves on their test rows, with AUC and true positive rates at low false positive rates",
            details: """
            The true positive rate against the false positive rate as the threshold on the
            positive class's probability falls (the positive class: target's positive=, else
            the second class). Several binary models tested on the same rows are drawn
            together, with the chance diagonal; a model of more classes is drawn alone, a
            curve per class against the rest. The table gives each curve's area and, for
            two classes, the share of positives caught while letting through at most 1%,
            5%, 10% and 20% of the negatives.
            """,
            examples: ["roc logistic", "roc logistic gbdt"], kind: .inspection, complete: { _ in [.model] },
            parse: { c in .roc(models: try c.modelNames()) }),
        CommandSpec(
            name: "pr", stage: .model, usage: "pr MODELS",
            summary: "draw classifiers' precision-recall curves on their test rows, with average precision",
            details: """
            Precision against recall as the threshold on the positive class's probability
            falls, as roc chooses the positive class and draws models together; the no-skill
            line is the positives' share. The table gives each curve's average precision
            (scikit-learn's), the precision and recall at a threshold of 0.5, and the best F1
            with its threshold: read off the test rows, so it flatters the model.
            """,
            examples: ["pr logistic", "pr logistic forest"], kind: .inspection, complete: { _ in [.model] },
            parse: { c in .precisionRecall(models: try c.modelNames()) }),
        CommandSpec(
            name: "calibration", stage: .model, usage: "calibration MODEL [bins=N]",
            summary: "compare a classifier's predicted probabilities with how often they came true",
            details: """
            The test rows in N equal bins of predicted probability (10 by default): each
            bin's mean prediction against the share of its rows that were positive (for two
            classes) or predicted right (for more, the predicted class's probability). A
            calibrated model lies on the diagonal. Shows the expected calibration error and
            the Brier score.
            """,
            examples: ["calibration logistic", "calibration gbdt bins=5"], kind: .inspection, complete: { words in words.isEmpty ? [.model] : [.words(["bins="])] },
            parse: { c in
                let model = try c.value("a model name").text
                var bins: Int?
                if c.peekWord("bins") { bins = try c.wholeOption("bins", in: 2...100, fallback: 10) }
                try c.expectEnd()
                return .calibration(model: model, bins: bins)
            }),
        CommandSpec(
            name: "residuals", stage: .model, usage: "residuals MODEL",
            summary: "draw a regressor's errors on its test rows against its predictions",
            details: """
            Each test row's target minus the prediction, against the prediction: a good model
            leaves a shapeless band around 0. Below, the residuals' mean, spread and
            quantiles, and the five largest errors with their rows.
            """,
            examples: ["residuals linear"], kind: .inspection, complete: { words in words.isEmpty ? [.model] : [] },
            parse: { c in .residuals(model: try c.only("a model name")) }),
        CommandSpec(
            name: "elbow", stage: .model, usage: "elbow [k=LO..HI] [seed=N]",
            summary: "fit k-means for each k and chart the inertia and silhouette, to choose k",
            details: """
            k-means (n_init=3) on the training rows of the current table (every column but a
            chosen target, which must be numbers: scale them first, as the distance sums
            them) for each k from LO to HI (2 to 10 by default). The inertia always falls as
            k grows: look for the bend, where more clusters stop paying; the silhouette
            (higher is better, at most 1) peaks where clusters are compact and apart. No
            model is kept: train the chosen one with 'train kmeans k=K'. The seed is recorded.
            """,
            examples: ["elbow", "elbow k=2..15 seed=3"], kind: .inspection, complete: { _ in [.words(["k=", "seed="])] },
            parse: { c in
                var low = 2, high = 10
                if c.peekWord("k") {
                    c.index += 1
                    guard c.takeSymbol("=") else { throw Diagnostic(.missingArgument, "expected k=LO..HI", at: c.current?.range ?? c.endRange) }
                    let token = try c.value("a range of k, as 2..10")
                    let parts = token.text.components(separatedBy: "..")
                    guard parts.count == 2, let a = Int(parts[0]), let b = Int(parts[1]), a >= 1, b <= 100, a < b else {
                        throw Diagnostic(.badValue, "expected k=LO..HI with 1 ≤ LO < HI ≤ 100, found '\(token.text)'", at: token.range)
                    }
                    (low, high) = (a, b)
                }
                let seed = try c.seed()
                return .elbow(low: low, high: high, seed: seed)
            }),
        CommandSpec(
            name: "explain", stage: .model, usage: "explain MODEL row=N [class=CLASS]",
            summary: "show each feature's contribution to a model's prediction for one row",
            details: """
            Row N (from 1) of the model's table, as prepared: each feature's additive
            contribution (its SHAP value), so that the expected output over the training
            rows plus the contributions gives the model's output for the row. Exact for
            linear and logistic models (coefficient × (value − its training mean)) and for
            trees, forests and gbdt (TreeSHAP; XGBoost's own for gbdt). The output is the
            value (regression), the log-odds or class score (logistic, gbdt) or the class
            probability (tree, forest) of the positive class for two classes, else of the
            predicted class or of CLASS. k-nearest neighbours have no exact contributions:
            'importance MODEL permutation' ranks their features.
            """,
            examples: ["explain logistic row=12", "explain forest row=3 class=virginica"], kind: .inspection,
            complete: { words in words.isEmpty ? [.model] : [.words(["row=", "class="])] },
            parse: { c in
                let model = try c.value("a model name").text
                guard c.peekWord("row") else {
                    throw Diagnostic(.missingArgument, "expected row=N, the row to explain", at: c.current?.range ?? c.endRange, help: "usage: \(c.usage)")
                }
                let row = try c.wholeOption("row", in: 1...Int(Int32.max), fallback: 1)
                var className: String?
                if c.peekWord("class") {
                    c.index += 1
                    guard c.takeSymbol("=") else { throw Diagnostic(.missingArgument, "expected class=CLASS", at: c.current?.range ?? c.endRange) }
                    className = try c.value("a class").text
                }
                try c.expectEnd()
                return .explain(model: model, row: row, className: className)
            }),
        CommandSpec(
            name: "leaderboard", stage: .model, usage: "leaderboard [sort=METRIC]",
            summary: "list every model with its settings and test metrics, best first",
            details: """
            Models with a test set, ranked by METRIC (by default the goal's metric, else
            accuracy for classification and rmse for regression), lower first for errors.
            Models of different targets are listed apart.
            """,
            examples: ["leaderboard", "leaderboard sort=f1_macro"], kind: .inspection,
            complete: { _ in [.words(["sort="])] },
            parse: { c in
                guard c.current != nil else { return .leaderboard(sort: nil) }
                guard c.peekWord("sort"), c.index + 1 < c.tokens.count, c.tokens[c.index + 1].text == "=" else {
                    throw Diagnostic(.unexpectedInput, "expected sort=METRIC", at: c.current!.range, help: "usage: \(c.usage)")
                }
                c.index += 2
                let metric = try c.value("a metric")
                guard Metrics.allNames.contains(metric.text) else {
                    throw Diagnostic(.badValue, "unknown metric '\(metric.text)'", at: metric.range,
                                     help: Suggestions.didYouMean(metric.text, among: Metrics.allNames) ?? "metrics: " + Metrics.allNames.joined(separator: ", "))
                }
                try c.expectEnd()
                return .leaderboard(sort: metric.text)
            }),
        CommandSpec(
            name: "rules", stage: .model, usage: "rules MODEL",
            summary: "show a tree model as if/then rules",
            details: """
            One line per split and per leaf, indented by depth: the feature and threshold
            tested, and at each leaf the predicted class (with its share of the leaf's
            training rows) or value, and the number of training rows that reached it.
            """,
            examples: ["rules tree"], kind: .inspection,
            complete: { words in words.isEmpty ? [.model] : [] },
            parse: { c in .rules(model: try c.only("a model name")) }),
        CommandSpec(
            name: "importance", stage: .model, usage: "importance MODEL [permutation [repeats=N] [metric=METRIC] [seed=N]]",
            summary: "rank a model's features by importance",
            details: """
            For tree models, the impurity-based importance of each feature: how much the
            splits on it reduced impurity (Gini, entropy or squared error), weighted by the
            training rows they split, as a share of the total (scikit-learn's
            feature_importances_). The top 20 are shown with a bar each.

            With permutation, any model: how much METRIC (the goal's, else accuracy or
            rmse) worsens on the test rows when one feature's values are shuffled among
            them, breaking its link to the target, averaged over N shuffles (5 by default;
            scikit-learn's permutation_importance). The seed of the shuffles is recorded.
            Features that carry the same information share it: shuffling one leaves the
            other, so both can look unimportant.
            """,
            examples: ["importance tree", "importance logistic permutation", "importance gbdt permutation repeats=10 metric=auc"], kind: .inspection,
            complete: { words in words.isEmpty ? [.model] : words.count == 1 ? [.words(["permutation"])] : [.words(["repeats=", "metric=", "seed="])] },
            parse: { c in
                let model = try c.value("a model name").text
                guard c.takeWord("permutation") else {
                    if let token = c.current {
                        throw Diagnostic(.unexpectedInput, "unexpected '\(token.text)'", at: token.range,
                                         help: Suggestions.didYouMean(token.text, among: ["permutation"]) ?? "usage: \(c.usage)")
                    }
                    return .importance(model: model, permutation: nil)
                }
                var options = Command.PermutationImportance()
                for (key, value) in try c.keyedOptions(["repeats", "metric", "seed"]) {
                    switch key {
                    case "repeats":
                        guard let n = Int(value.text), (1...100).contains(n) else {
                            throw Diagnostic(.badValue, "repeats takes a whole number from 1 to 100, found '\(value.text)'", at: value.range)
                        }
                        options.repeats = n
                    case "metric":
                        guard Metrics.allNames.contains(value.text) else {
                            throw Diagnostic(.badValue, "unknown metric '\(value.text)'", at: value.range,
                                             help: Suggestions.didYouMean(value.text, among: Metrics.allNames) ?? "metrics: " + Metrics.allNames.joined(separator: ", "))
                        }
                        options.metric = value.text
                    default: options.seed = try ArgumentCursor.seed(value)
                    }
                }
                return .importance(model: model, permutation: options)
            }),
        CommandSpec(
            name: "threshold", stage: .model, usage: "threshold MODEL [metric=METRIC] [cv=K] [seed=N] | threshold MODEL P | threshold MODEL none",
            summary: "choose the probability from which a two-class model calls a row positive",
            details: """
            A two-class model calls a row its positive class (the target's positive=, else
            the second class) when that class's probability is at least the threshold; with
            none, from above 0.5. Without a value, the threshold is the one that maximises
            METRIC (f1 by default: the positive class's F1; also f1_macro, accuracy,
            balanced_accuracy, mcc) on out-of-fold predictions: the model's algorithm and
            settings fitted again in K folds of the training rows (cv=5), the recipe
            refitted in each, as 'cv' does, so the test rows stay unseen and its metrics
            honest. Shows the metric, precision and recall against the threshold, and the
            test metrics before and after. 'threshold MODEL 0.3' sets one by hand, and
            'threshold MODEL none' removes it. evaluate, confusion, explain, predict, export
            and mlw predict decide with it; AUC and log loss do not depend on it. The seed of
            the folds is recorded.
            """,
            examples: ["threshold logistic", "threshold forest metric=balanced_accuracy cv=10", "threshold logistic 0.35", "threshold logistic none"],
            kind: .workspaceStep,
            complete: { words in words.isEmpty ? [.model] : [.words(["metric=", "cv=", "seed=", "none"])] },
            parse: { c in
                let model = try c.value("a model name").text
                if c.takeWord("none") { try c.expectEnd(); return .threshold(model: model, choice: .removed) }
                if let token = c.current, !c.isAtKeyedValue {
                    let (value, range) = try c.number("a threshold from 0 to 1, or metric=, cv=, seed=")
                    guard DecisionThreshold.range.contains(value) else {
                        throw Diagnostic(.badValue, "a threshold is a probability from 0 to 1, found \(token.text)", at: range)
                    }
                    try c.expectEnd()
                    return .threshold(model: model, choice: .given(value))
                }
                var metric: String?, folds: Int?, seed: UInt64?
                for (key, value) in try c.keyedOptions(["metric", "cv", "seed"]) {
                    switch key {
                    case "metric":
                        guard ThresholdSweep.metrics.contains(value.text) else {
                            throw Diagnostic(.badValue, "a threshold is chosen by one of \(ThresholdSweep.metrics.joined(separator: ", ")), not '\(value.text)'", at: value.range,
                                             help: Suggestions.didYouMean(value.text, among: ThresholdSweep.metrics)
                                                ?? "metrics that do not depend on a threshold (auc, log_loss) or that one can push to 1 alone (precision, recall) cannot choose one")
                        }
                        metric = value.text
                    case "cv":
                        guard let k = Int(value.text), (2...100).contains(k) else {
                            throw Diagnostic(.badValue, "cv takes a number of folds from 2 to 100, found '\(value.text)'", at: value.range)
                        }
                        folds = k
                    default: seed = try ArgumentCursor.seed(value)
                    }
                }
                return .threshold(model: model, choice: .crossValidated(metric: metric, folds: folds, seed: seed))
            }),
    ]
}

extension CommandTable {
    /// Every algorithm with its settings, as `help train` and docs/commands.md show them:
    /// generated from the registry's declarations.
    static var defaultSearchReference: String {
        AlgorithmRegistry.all.map { algorithm in
            let main = algorithm.searchSpace(algorithm.tasks[0])
            var line = "  \(algorithm.name): " + main.map { $0.text(in: algorithm.settings) }.joined(separator: " ")
            for task in algorithm.tasks.dropFirst() where algorithm.searchSpace(task) != main {
                line += "\n    \(task.rawValue): " + algorithm.searchSpace(task).map { $0.text(in: algorithm.settings) }.joined(separator: " ")
            }
            return line
        }.joined(separator: "\n")
    }

    static var algorithmReference: String {
        AlgorithmRegistry.all.map { algorithm in
            let width = (algorithm.settings.keys.map(\.count).max() ?? 0) + 2
            return "\n  \(algorithm.name) (\(algorithm.tasks.map(\.rawValue).joined(separator: ", "))): \(algorithm.summary)\n"
                + algorithm.settings.specs.map { spec in
                    "    " + spec.key.padding(toLength: width, withPad: " ", startingAt: 0) + spec.summary + "\n"
                        + "    " + String(repeating: " ", count: width) + "takes \(spec.accepted); default \(spec.defaultText)"
                }.joined(separator: "\n")
        }.joined(separator: "\n")
    }
}

extension ArgumentCursor {
    /// The keys of `tune` itself; an algorithm's `metric` (knn's) is told apart by its value.
    public static let tuneOptions = ["cv", "search", "trials", "halving_rounds", "metric", "seed"]

    /// `tune`'s arguments: the algorithm, an optional name, then `key=` searched, fixed and
    /// tuning settings in any order.
    mutating func tuneRequest() throws -> Command {
        let algorithmToken = try value("an algorithm")
        guard let algorithm = AlgorithmRegistry.named(algorithmToken.text) else {
            let names = AlgorithmRegistry.all.map(\.name)
            throw Diagnostic(.badValue, "unknown algorithm '\(algorithmToken.text)'", at: algorithmToken.range,
                             help: Suggestions.didYouMean(algorithmToken.text, among: names) ?? "algorithms: " + names.joined(separator: ", "))
        }
        var request = Command.TuneRequest(algorithm: algorithm.name, space: [])
        if let token = current, token.kind != .symbol, !(index + 1 < tokens.count && tokens[index + 1].text == "=" && tokens[index + 1].kind == .symbol) {
            request.name = token.text
            index += 1
        }
        var given: Set<String> = []
        while let key = current {
            guard key.kind == .word, index + 1 < tokens.count, tokens[index + 1].kind == .symbol, tokens[index + 1].text == "=" else {
                throw Diagnostic(.unexpectedInput, "expected key=value, found '\(key.text)'", at: key.range, help: "usage: \(usage)")
            }
            let valueToken = index + 2 < tokens.count ? tokens[index + 2] : nil
            let isMetricOfTuning = key.text == "metric" && (algorithm.settings.spec("metric") == nil || valueToken.map { Metrics.allNames.contains($0.text) } ?? true)
            let isOption = key.text == "metric" ? isMetricOfTuning : Self.tuneOptions.contains(key.text)
            let label = isOption ? "tune's " + key.text : key.text
            guard given.insert(isOption ? "tune." + key.text : key.text).inserted else {
                throw Diagnostic(.badOption, "'\(key.text)' is given twice", at: key.range)
            }
            index += 2
            if isOption {
                try tuneOption(key, into: &request, label: label)
                continue
            }
            guard let spec = algorithm.settings.spec(key.text) else {
                throw Diagnostic(.badOption, "'\(algorithm.name)' has no setting '\(key.text)'", at: key.range,
                                 help: algorithm.settings.help(forUnknown: key.text, value: valueText(at: index), also: Self.tuneOptions))
            }
            let values = try searchValues(spec, key: key)
            request.space.append(SearchDimension(key: key.text, values: values))
        }
        return .tune(request)
    }

    /// `train auto`'s options, after `auto`.
    mutating func trainAuto() throws -> Command {
        var name: String?
        if let token = current, token.kind != .symbol, !(index + 1 < tokens.count && tokens[index + 1].text == "=" && tokens[index + 1].kind == .symbol) {
            name = token.text
            index += 1
        }
        var request = Command.TuneRequest(algorithm: "auto", space: [])
        var algorithms: [String]?
        var given: Set<String> = []
        let options = ["algorithms", "cv", "trials", "metric", "seed"]
        while let key = current {
            guard key.kind == .word, index + 1 < tokens.count, tokens[index + 1].kind == .symbol, tokens[index + 1].text == "=" else {
                throw Diagnostic(.unexpectedInput, "expected key=value, found '\(key.text)'", at: key.range, help: "usage: \(usage)")
            }
            guard options.contains(key.text) else {
                throw Diagnostic(.badOption, "train auto has no option '\(key.text)'", at: key.range,
                                 help: Suggestions.didYouMean(key.text, among: options) ?? "its options: " + options.joined(separator: ", "))
            }
            guard given.insert(key.text).inserted else { throw Diagnostic(.badOption, "'\(key.text)' is given twice", at: key.range) }
            index += 2
            guard key.text == "algorithms" else {
                try tuneOption(key, into: &request, label: key.text)
                continue
            }
            let tokens = try valueTokens("an algorithm")
            for token in tokens where AlgorithmRegistry.named(token.text) == nil {
                let names = AlgorithmRegistry.all.map(\.name)
                throw Diagnostic(.badValue, "unknown algorithm '\(token.text)'", at: token.range,
                                 help: Suggestions.didYouMean(token.text, among: names) ?? "algorithms: " + names.joined(separator: ", "))
            }
            guard Set(tokens.map(\.text)).count == tokens.count else { throw Diagnostic(.badValue, "an algorithm is listed twice", at: key.range) }
            algorithms = tokens.map(\.text)
        }
        return .trainAuto(name: name, algorithms: algorithms, folds: request.folds, trials: request.trials, metric: request.metric, seed: request.seed)
    }

    /// A setting's searched values: `[a, b]`, `LO..HI` or one value.
    private mutating func searchValues(_ spec: SettingSpec, key: Token) throws -> SearchValues {
        func parse(_ text: String, at range: SourceRange) throws -> SettingValue {
            do { return try spec.value(parsing: text) } catch let error as LearningError {
                throw Diagnostic(.badValue, error.message, at: range, help: error.help)
            }
        }
        guard let first = current else {
            throw Diagnostic(.missingArgument, "expected a value after '\(key.text)='", at: endRange, help: "\(key.text) takes \(spec.accepted), a list [A, B] or a range LO..HI")
        }
        if first.kind == .symbol, first.text == "[" {
            let values = try settingList(spec, open: first)
            guard Set(values).count == values.count else {
                throw Diagnostic(.badValue, "\(key.text) lists a value twice", at: SourceRange(first.range.lower, tokens[index - 1].range.upper))
            }
            return .list(values)
        }
        guard first.kind != .symbol else {
            throw Diagnostic(.missingArgument, "expected a value for '\(key.text)', found '\(first.text)'", at: first.range, help: "\(key.text) takes \(spec.accepted)")
        }
        index += 1
        guard let dots = first.text.range(of: "..") else { return .fixed(try parse(first.text, at: first.range)) }
        let lowText = String(first.text[..<dots.lowerBound]), highText = String(first.text[dots.upperBound...])
        guard !lowText.isEmpty, !highText.isEmpty else {
            throw Diagnostic(.badValue, "a range needs both ends, as \(key.text)=LO..HI", at: first.range)
        }
        let low = try parse(lowText, at: first.range), high = try parse(highText, at: first.range)
        do {
            let space = try SearchSpace([SearchDimension(key: key.text, values: .range(low: low, high: high))], schema: SettingsSchema([spec]), algorithm: "")
            return space.dimensions[0].values
        } catch let error as LearningError {
            throw Diagnostic(.badValue, error.message, at: first.range, help: error.help)
        }
    }

    /// One of `tune`'s own options.
    private mutating func tuneOption(_ key: Token, into request: inout Command.TuneRequest, label: String) throws {
        if let open = current, open.kind == .symbol, open.text == "[" {
            throw Diagnostic(.badValue, key.text == "seed" ? "a tuning run takes one seed, which also seeds the algorithm" : "\(key.text) takes one value, not a list",
                             at: open.range, help: key.text == "seed" ? "seed=N; searching over seeds is not tuning" : "usage: \(usage)")
        }
        let token = try value("a value for \(label)")
        func whole(_ range: ClosedRange<Int>) throws -> Int {
            guard let n = Int(token.text), range.contains(n) else {
                throw Diagnostic(.badValue, "\(key.text) takes a whole number from \(range.lowerBound) to \(range.upperBound), found '\(token.text)'", at: token.range)
            }
            return n
        }
        switch key.text {
        case "cv": request.folds = try whole(2...100)
        case "trials": request.trials = try whole(1...10_000)
        case "halving_rounds": request.rounds = try whole(1...100)
        case "seed":
            guard let seed = UInt64(token.text) else {
                throw Diagnostic(.badValue, "a seed is a whole number from 0 up, found '\(token.text)'", at: token.range)
            }
            request.seed = seed
        case "search":
            guard let method = SearchMethod(rawValue: token.text) else {
                let names = SearchMethod.allCases.map(\.rawValue)
                throw Diagnostic(.badValue, "search takes grid, random or halving, found '\(token.text)'", at: token.range,
                                 help: Suggestions.didYouMean(token.text, among: names))
            }
            request.search = method
        default:
            guard Metrics.allNames.contains(token.text) else {
                throw Diagnostic(.badValue, "unknown metric '\(token.text)'", at: token.range,
                                 help: Suggestions.didYouMean(token.text, among: Metrics.allNames) ?? "metrics: " + Metrics.allNames.joined(separator: ", "))
            }
            request.metric = token.text
        }
    }
}

extension ArgumentCursor {
    /// One or more model names, commas allowed between them.
    mutating func modelNames() throws -> [String] {
        var names: [String] = []
        while let token = current {
            if token.kind == .symbol, token.text == "," { index += 1; continue }
            names.append(try value("a model name").text)
        }
        guard !names.isEmpty else { throw Diagnostic(.missingArgument, "expected a model name", at: endRange, help: "usage: \(usage)") }
        return names
    }
}
