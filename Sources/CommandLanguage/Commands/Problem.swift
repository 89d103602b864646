import Learning
import Tabular

/// The commands of the 'problem' stage, in the order `help` lists them.
extension CommandTable {
    static let problemCommands: [CommandSpec] = [
        CommandSpec(
            name: "target", stage: .problem, usage: "target COLUMN [classification|regression] [positive=CLASS]",
            summary: "choose the column to predict, and the kind of problem",
            details: """
            When the kind is left out it is inferred: text and boolean targets, and number
            targets with few distinct whole values, mean classification; other numbers mean
            regression. The choice is said, and recorded explicitly. For two classes,
            positive=CLASS names the class that roc, pr and calibration take as positive
            (by default the second in sorted order, as scikit-learn's pos_label: 1 of 0
            and 1, true of false, "yes" of "no").
            """,
            examples: ["target species", "target body_mass_g regression", "target diagnosis positive=malignant"], kind: .workspaceStep, pipeline: .always,
            complete: { words in words.isEmpty ? [.column] : [.words(["classification", "regression", "positive="])] },
            parse: { c in
                let column = try c.value("a column").text
                var task: Task?
                var positive: String?
                let positiveNext = c.peekWord("positive") && c.index + 1 < c.tokens.count && c.tokens[c.index + 1].text == "="
                if !positiveNext, let token = c.optionalValue() {
                    guard let t = Task(rawValue: token.text), t.needsTarget else {
                        throw Diagnostic(.badValue, "expected 'classification' or 'regression', found '\(token.text)'", at: token.range,
                                         help: Suggestions.didYouMean(token.text, among: ["classification", "regression"]))
                    }
                    task = t
                }
                if c.peekWord("positive") {
                    c.index += 1
                    guard c.takeSymbol("=") else { throw Diagnostic(.missingArgument, "expected positive=CLASS", at: c.current?.range ?? c.endRange) }
                    positive = try c.value("a class").text
                }
                try c.expectEnd()
                if positive != nil, task == .regression {
                    throw Diagnostic(.badValue, "positive= names a class, and a regression has none", at: c.endRange)
                }
                return .target(column: column, task: task, positive: positive)
            }),
        CommandSpec(
            name: "goal", stage: .problem, usage: "goal METRIC >= VALUE",
            summary: "set the success metric of the current target, which evaluate checks and exports gate on",
            details: """
            Metrics: accuracy, balanced_accuracy, f1_macro, f1_weighted, precision_macro,
            precision_weighted, recall_macro, recall_weighted, auc, log_loss, mcc
            (classification); rmse, mae, r2, mape (regression). Use <= for errors (log_loss,
            rmse, mae, mape). A goal belongs to the target chosen when it is set. 'export model'
            refuses a model that fails it unless told 'force', and 'mlw run' of a pipeline
            whose model fails it writes no bundle and exits with status 3.
            """,
            examples: ["goal accuracy >= 0.95", "goal rmse <= 3.5"], kind: .workspaceStep, pipeline: .always,
            complete: { words in words.isEmpty ? [.words(Metrics.allNames)] : (words.count == 1 ? [.words([">=", "<="])] : []) },
            parse: { c in
                let metric = try c.value("a metric")
                guard Metrics.allNames.contains(metric.text) else {
                    throw Diagnostic(.badValue, "unknown metric '\(metric.text)'", at: metric.range,
                                     help: Suggestions.didYouMean(metric.text, among: Metrics.allNames)
                                        ?? "metrics: " + Metrics.allNames.joined(separator: ", "))
                }
                let comparison: GoalComparison
                if c.takeSymbol(">=") { comparison = .atLeast }
                else if c.takeSymbol("<=") { comparison = .atMost }
                else { throw Diagnostic(.missingArgument, "expected '>=' or '<='", at: c.current?.range ?? c.endRange, help: "usage: \(c.usage)") }
                let (threshold, _) = try c.number("a threshold")
                try c.expectEnd()
                return .goal(metric: metric.text, comparison: comparison, threshold: threshold)
            }),
        CommandSpec(
            name: "split", stage: .problem, usage: "split RATIO [stratify] [seed=N]  |  split test=TABLE",
            summary: "hold out rows for testing (RATIO is the training share), or use another table as the test set",
            details: """
            'split 0.8' keeps 80% of the rows for training and 20% for testing, chosen at
            random; 'stratify' keeps each class's share in both parts. The seed is recorded,
            so a replay makes the same split. 'split test=TABLE' uses a separately loaded
            table as the test set and the whole current table for training.
            """,
            examples: ["split 0.8 stratify seed=42", "split test=penguins_test"], kind: .workspaceStep, pipeline: .ofModelTables,
            complete: { words in words.isEmpty ? [.words(["0.8", "test="])] : [.words(["stratify", "seed="])] },
            parse: { c in
                if c.peekWord("test") {
                    c.index += 1
                    guard c.takeSymbol("=") else { throw Diagnostic(.missingArgument, "expected test=TABLE", at: c.current?.range ?? c.endRange) }
                    let table = try c.value("a table name").text
                    try c.expectEnd()
                    return .splitTestTable(table: table)
                }
                let (ratio, range) = try c.number("a training share between 0 and 1")
                guard ratio > 0, ratio < 1 else {
                    throw Diagnostic(.badValue, "the training share must be between 0 and 1 (exclusive), found \(NumberFormatting.shortest(ratio))",
                                     at: range, help: "for 80% training and 20% test: split 0.8")
                }
                var stratify = false
                var seed: UInt64?
                while let token = c.current {
                    if c.takeWord("stratify") { stratify = true; continue }
                    if token.text == "seed" {
                        c.index += 1
                        guard c.takeSymbol("=") else { throw Diagnostic(.missingArgument, "expected seed=N", at: c.current?.range ?? c.endRange) }
                        let value = try c.value("a seed")
                        guard let parsed = UInt64(value.text) else {
                            throw Diagnostic(.badValue, "a seed is a whole number from 0 up, found '\(value.text)'", at: value.range)
                        }
                        seed = parsed
                        continue
                    }
                    try c.expectEnd()
                }
                return .split(trainFraction: ratio, stratify: stratify, seed: seed)
            }),
    ]
}
