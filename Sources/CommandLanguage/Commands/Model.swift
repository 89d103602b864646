import Learning
import Tabular

/// The commands of the 'model' stage, in the order `help` lists them.
extension CommandTable {
    static let modelCommands: [CommandSpec] = [
        CommandSpec(
            name: "train", stage: .model, usage: "train ALGORITHM [NAME] [key=value ...]",
            summary: "fit a model to the training rows of the current table",
            details: """
            The features are every column but the target; they must be numbers or booleans
            with no missing values (see impute and encode). A model's default name is its
            algorithm (logistic, then logistic_2, ...). Algorithms and their settings:
            """ + "\n" + algorithmReference,
            examples: ["train logistic", "train logistic strong l2=10", "train linear l2=0.5", "train tree max_depth=4 criterion=entropy"], kind: .workspaceStep,
            complete: { words in words.isEmpty ? [.algorithm] : [.algorithmSettings] },
            parse: { c in
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
            same folds. The test rows are not touched.
            """,
            examples: ["cv 5", "cv 10 logistic tree", "cv 5 weak seed=7"], kind: .workspaceStep,
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
            name: "importance", stage: .model, usage: "importance MODEL",
            summary: "rank a model's features by importance",
            details: """
            For tree models, the impurity-based importance of each feature: how much the
            splits on it reduced impurity (Gini, entropy or squared error), weighted by the
            training rows they split, as a share of the total (scikit-learn's
            feature_importances_). The top 20 are shown with a bar each.
            """,
            examples: ["importance tree"], kind: .inspection,
            complete: { words in words.isEmpty ? [.model] : [] },
            parse: { c in .importance(model: try c.only("a model name")) }),
    ]
}

extension CommandTable {
    /// Every algorithm with its settings, as `help train` and docs/commands.md show them:
    /// generated from the registry's declarations.
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
