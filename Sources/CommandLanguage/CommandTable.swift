import Learning
import Tabular

/// What a word at some position of a command can be, for TAB completion.
public enum CompletionKind: Sendable, Equatable {
    case path
    case table
    case column
    case model
    case algorithm
    case words([String])
    /// `key=` settings of the algorithm named earlier on the line.
    case algorithmSettings
    case function
}

/// The stage of the lifecycle a command belongs to (groups `help`).
public enum CommandStage: String, Sendable, CaseIterable {
    case data = "data"
    case explore = "explore"
    case prepare = "prepare"
    case problem = "problem"
    case model = "model"
    case deploy = "deploy"
    case session = "session"
}

/// One entry of the command table: the single source for parsing, help, completion,
/// suggestions and the reference document (docs/commands.md).
public struct CommandSpec: Sendable {
    public var name: String
    public var stage: CommandStage
    public var usage: String
    public var summary: String
    public var details: String
    public var examples: [String]
    /// Whether a successful run changes the workspace (and so can be undone).
    public var changesWorkspace: Bool
    /// Completion candidates given the words typed after the verb so far.
    public var complete: @Sendable (_ previousWords: [String]) -> [CompletionKind]
    var parse: @Sendable (inout ArgumentCursor) throws -> Command
}

/// The commands of mlw, in the order `help` lists them.
public enum CommandTable {
    public static let all: [CommandSpec] = [
        CommandSpec(
            name: "load", stage: .data, usage: "load PATH [as NAME] [sep=\",\"]",
            summary: "read a CSV file into a table and make it current",
            details: """
            The header names the columns. The separator is detected from the header line
            (comma, semicolon, tab or pipe) unless sep= is given. Quoted fields may hold
            separators, quotes ("") and newlines. Empty fields, NA, N/A, NaN and null are
            missing values. Columns become numbers, booleans (true/false) or text.
            The table is named after the file unless 'as NAME' is given.
            """,
            examples: ["load datasets/iris.csv", "load \"data/my file.csv\" as raw sep=\";\""],
            changesWorkspace: true,
            complete: { words in words.isEmpty ? [.path] : (words.count == 1 ? [.words(["as", "sep="])] : []) },
            parse: { c in
                let usage = "load PATH [as NAME] [sep=\",\"]"
                let path = try c.path("a file path", usage: usage)
                var name: String?
                var separator: String?
                while !c.isAtEnd {
                    if c.takeWord("as") {
                        name = try c.value("a table name", usage: usage).text
                    } else if c.peekWord("sep") {
                        c.index += 1
                        guard c.takeSymbol("=") else { throw Diagnostic(.badOption, "expected sep=\",\"", at: c.current?.range ?? c.endRange) }
                        let token = try c.value("a separator", usage: usage)
                        let sep = token.text == "\\t" || token.text == "tab" ? "\t" : token.text
                        guard sep.utf8.count == 1 else {
                            throw Diagnostic(.badValue, "a separator is one character, found '\(token.text)'", at: token.range)
                        }
                        guard !CSVReader.forbiddenSeparators.contains(sep.utf8.first!) else {
                            throw Diagnostic(.badValue, "a quote or a line break cannot separate fields", at: token.range)
                        }
                        separator = sep
                    } else {
                        try c.expectEnd(usage: usage)
                    }
                }
                return .load(path: path, name: name, separator: separator)
            }),
        CommandSpec(
            name: "tables", stage: .data, usage: "tables",
            summary: "list the loaded tables with their sizes",
            details: "The current table is marked with *.",
            examples: ["tables"], changesWorkspace: false, complete: { _ in [] },
            parse: { c in try c.expectEnd(usage: "tables"); return .tables }),
        CommandSpec(
            name: "use", stage: .data, usage: "use TABLE",
            summary: "make another loaded table the current one",
            details: "Commands that read or change data work on the current table.",
            examples: ["use penguins"], changesWorkspace: true, complete: { words in words.isEmpty ? [.table] : [] },
            parse: { c in
                let table = try c.value("a table name", usage: "use TABLE").text
                try c.expectEnd(usage: "use TABLE")
                return .use(table: table)
            }),
        CommandSpec(
            name: "head", stage: .explore, usage: "head [N]",
            summary: "show the first N rows of the current table (10 by default)",
            details: "Columns that do not fit the terminal width are left out and named below the table.",
            examples: ["head", "head 5"], changesWorkspace: false, complete: { _ in [] },
            parse: { c in
                var count = 10
                if !c.isAtEnd {
                    let (value, range) = try c.number("a row count", usage: "head [N]")
                    guard value >= 1, value == value.rounded(), value <= 1_000_000 else {
                        throw Diagnostic(.badValue, "the row count must be a whole number from 1 up", at: range)
                    }
                    count = Int(value)
                }
                try c.expectEnd(usage: "head [N]")
                return .head(count: count)
            }),
        CommandSpec(
            name: "schema", stage: .explore, usage: "schema",
            summary: "list the columns of the current table with their types and missing counts",
            details: "", examples: ["schema"], changesWorkspace: false, complete: { _ in [] },
            parse: { c in try c.expectEnd(usage: "schema"); return .schema }),
        CommandSpec(
            name: "describe", stage: .explore, usage: "describe [COLUMNS]",
            summary: "summary statistics of every column, or of the columns named",
            details: """
            Numbers: count, missing, mean, standard deviation (n-1), minimum, quartiles and
            maximum. Text and booleans: count, missing, distinct values and the most frequent ones.
            """,
            examples: ["describe", "describe bill_length_mm, species"], changesWorkspace: false,
            complete: { _ in [.column] },
            parse: { c in
                let columns = c.isAtEnd ? [] : try c.names("column names", usage: "describe [COLUMNS]")
                return .describe(columns: columns)
            }),
        CommandSpec(
            name: "derive", stage: .prepare, usage: "derive NAME = EXPRESSION",
            summary: "add a column computed from others (or replace one of the same name)",
            details: """
            Expressions have arithmetic (+ - * / % ^), comparisons (== != < <= > >=),
            and/or/not, 'is missing', and the functions abs, sqrt, log, log10, exp, round,
            floor, ceil, min, max, pow, if and coalesce. Text is written in quotes; a column
            whose name is not a plain word is written in backticks. See docs/expressions.md.
            """,
            examples: ["derive bill_ratio = bill_length_mm / bill_depth_mm",
                       "derive heavy = body_mass_g > 4500 and sex == \"male\""],
            changesWorkspace: true,
            complete: { words in words.count >= 2 ? [.column, .function] : [] },
            parse: { c in
                let usage = "derive NAME = EXPRESSION"
                let name = try c.value("a name for the new column", usage: usage)
                guard c.takeSymbol("=") else {
                    throw Diagnostic(.missingArgument, "expected '=' after the column name", at: c.current?.range ?? c.endRange,
                                     help: "usage: \(usage)")
                }
                guard let start = c.restStart() else {
                    throw Diagnostic(.missingArgument, "expected an expression after '='", at: c.endRange, help: "usage: \(usage)")
                }
                return .derive(name: name.text, expression: try ExpressionParser.parse(c.line, from: start))
            }),
        CommandSpec(
            name: "filter", stage: .prepare, usage: "filter CONDITION",
            summary: "keep only the rows where the condition is true",
            details: "Rows where the condition is missing are dropped too. The expression language is the one of 'derive'.",
            examples: ["filter species is not missing", "filter bill_length_mm > 40 and island == \"Biscoe\""],
            changesWorkspace: true, complete: { _ in [.column, .function] },
            parse: { c in
                guard let start = c.restStart() else {
                    throw Diagnostic(.missingArgument, "expected a condition", at: c.endRange, help: "usage: filter CONDITION")
                }
                return .filter(try ExpressionParser.parse(c.line, from: start))
            }),
        CommandSpec(
            name: "drop", stage: .prepare, usage: "drop COLUMNS",
            summary: "remove columns from the current table",
            details: "", examples: ["drop year", "drop name, model_year"], changesWorkspace: true,
            complete: { _ in [.column] },
            parse: { c in .drop(columns: try c.names("column names", usage: "drop COLUMNS")) }),
        CommandSpec(
            name: "impute", stage: .prepare, usage: "impute SELECTOR with mean|median|mode|VALUE",
            summary: "fill missing values with a statistic learned from the training rows, or a value",
            details: """
            SELECTOR is a list of columns, 'numeric' (number and boolean columns) or
            'categorical' (text columns); the target is never included. Once a split
            exists the statistic is learned from the training rows only. The learned value
            is stored with every model trained afterwards and applied again at prediction.
            """,
            examples: ["impute numeric with median", "impute categorical with mode", "impute sex with \"unknown\""],
            changesWorkspace: true,
            complete: { words in
                if words.last == "with" { return [.words(["mean", "median", "mode"])] }
                return words.isEmpty ? [.words(["numeric", "categorical"]), .column] : [.column, .words(["with"])]
            },
            parse: { c in
                let usage = "impute SELECTOR with mean|median|mode|VALUE"
                let selector = try c.selector(usage: usage, stopWords: ["with"])
                try c.expectWord("with", usage: usage)
                let token = try c.value("mean, median, mode or a value", usage: usage)
                let strategy: ImputeStrategy
                switch (token.kind, token.text) {
                case (.word, "mean"): strategy = .mean
                case (.word, "median"): strategy = .median
                case (.word, "mode"): strategy = .mode
                default: strategy = .value(token.text)
                }
                try c.expectEnd(usage: usage)
                return .impute(selector: selector, strategy: strategy)
            }),
        CommandSpec(
            name: "encode", stage: .prepare, usage: "encode onehot SELECTOR",
            summary: "replace text columns by one 0/1 column per category",
            details: """
            Categories are learned from the training rows once a split exists. A new column
            is named COLUMN_CATEGORY. At prediction, unseen categories and missing values
            encode as all zeros. The columns are dense (8 bytes per row and category): an
            encoding that needs more than a quarter of the machine's memory is refused, and
            a column with nearly as many categories as rows (an identifier) gets a warning.
            """,
            examples: ["encode onehot categorical", "encode onehot island, sex"], changesWorkspace: true,
            complete: { words in words.isEmpty ? [.words(["onehot"])] : [.words(["categorical"]), .column] },
            parse: { c in
                try c.expectWord("onehot", usage: "encode onehot SELECTOR")
                return .encodeOneHot(selector: try c.selector(usage: "encode onehot SELECTOR"))
            }),
        CommandSpec(
            name: "scale", stage: .prepare, usage: "scale standard SELECTOR",
            summary: "centre number columns and divide by their standard deviation",
            details: "Mean and standard deviation are learned from the training rows once a split exists.",
            examples: ["scale standard numeric", "scale standard bill_length_mm"], changesWorkspace: true,
            complete: { words in words.isEmpty ? [.words(["standard"])] : [.words(["numeric"]), .column] },
            parse: { c in
                try c.expectWord("standard", usage: "scale standard SELECTOR")
                return .scaleStandard(selector: try c.selector(usage: "scale standard SELECTOR"))
            }),
        CommandSpec(
            name: "target", stage: .problem, usage: "target COLUMN [classification|regression]",
            summary: "choose the column to predict, and the kind of problem",
            details: """
            When the kind is left out it is inferred: text and boolean targets, and number
            targets with few distinct whole values, mean classification; other numbers mean
            regression. The choice is said, and recorded explicitly.
            """,
            examples: ["target species", "target body_mass_g regression"], changesWorkspace: true,
            complete: { words in words.isEmpty ? [.column] : [.words(["classification", "regression"])] },
            parse: { c in
                let usage = "target COLUMN [classification|regression]"
                let column = try c.value("a column", usage: usage).text
                var task: Task?
                if let token = c.optionalValue() {
                    guard let t = Task(rawValue: token.text) else {
                        throw Diagnostic(.badValue, "expected 'classification' or 'regression', found '\(token.text)'", at: token.range,
                                         help: Suggestions.didYouMean(token.text, among: Task.allCases.map(\.rawValue)))
                    }
                    task = t
                }
                try c.expectEnd(usage: usage)
                return .target(column: column, task: task)
            }),
        CommandSpec(
            name: "goal", stage: .problem, usage: "goal METRIC >= VALUE",
            summary: "set the success metric of the current target, which evaluate checks and exports gate on",
            details: """
            Metrics: accuracy, f1_macro, auc (classification); rmse, mae, r2 (regression). Use
            <= for errors. A goal belongs to the target chosen when it is set. 'export model'
            refuses a model that fails it unless told 'force', and 'mlw run' of a pipeline
            whose model fails it writes no bundle and exits with status 3.
            """,
            examples: ["goal accuracy >= 0.95", "goal rmse <= 3.5"], changesWorkspace: true,
            complete: { words in words.isEmpty ? [.words(Metrics.allNames)] : (words.count == 1 ? [.words([">=", "<="])] : []) },
            parse: { c in
                let usage = "goal METRIC >= VALUE"
                let metric = try c.value("a metric", usage: usage)
                guard Metrics.allNames.contains(metric.text) else {
                    throw Diagnostic(.badValue, "unknown metric '\(metric.text)'", at: metric.range,
                                     help: Suggestions.didYouMean(metric.text, among: Metrics.allNames)
                                        ?? "metrics: " + Metrics.allNames.joined(separator: ", "))
                }
                let comparison: GoalComparison
                if c.takeSymbol(">=") { comparison = .atLeast }
                else if c.takeSymbol("<=") { comparison = .atMost }
                else { throw Diagnostic(.missingArgument, "expected '>=' or '<='", at: c.current?.range ?? c.endRange, help: "usage: \(usage)") }
                let (threshold, _) = try c.number("a threshold", usage: usage)
                try c.expectEnd(usage: usage)
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
            examples: ["split 0.8 stratify seed=42", "split test=penguins_test"], changesWorkspace: true,
            complete: { words in words.isEmpty ? [.words(["0.8", "test="])] : [.words(["stratify", "seed="])] },
            parse: { c in
                let usage = "split RATIO [stratify] [seed=N]  |  split test=TABLE"
                if c.peekWord("test") {
                    c.index += 1
                    guard c.takeSymbol("=") else { throw Diagnostic(.missingArgument, "expected test=TABLE", at: c.current?.range ?? c.endRange) }
                    let table = try c.value("a table name", usage: usage).text
                    try c.expectEnd(usage: usage)
                    return .splitTestTable(table: table)
                }
                let (ratio, range) = try c.number("a training share between 0 and 1", usage: usage)
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
                        let value = try c.value("a seed", usage: usage)
                        guard let parsed = UInt64(value.text) else {
                            throw Diagnostic(.badValue, "a seed is a whole number from 0 up, found '\(value.text)'", at: value.range)
                        }
                        seed = parsed
                        continue
                    }
                    try c.expectEnd(usage: usage)
                }
                return .split(trainFraction: ratio, stratify: stratify, seed: seed)
            }),
        CommandSpec(
            name: "train", stage: .model, usage: "train ALGORITHM [NAME] [key=value ...]",
            summary: "fit a model to the training rows of the current table",
            details: """
            The features are every column but the target; they must be numbers or booleans
            with no missing values (see impute and encode). A model's default name is its
            algorithm (logistic, then logistic_2, ...). Algorithms and their settings:
            """ + "\n" + AlgorithmCatalog.all.map { algorithm in
                "  \(algorithm.name) (\(algorithm.task.rawValue)): \(algorithm.summary)\n"
                    + algorithm.hyperParameters.map { "    \($0.key)=\(NumberFormatting.shortest($0.defaultValue))  \($0.summary)" }.joined(separator: "\n")
            }.joined(separator: "\n"),
            examples: ["train logistic", "train logistic strong l2=10", "train linear l2=0.5"], changesWorkspace: true,
            complete: { words in words.isEmpty ? [.algorithm] : [.algorithmSettings] },
            parse: { c in
                let usage = "train ALGORITHM [NAME] [key=value ...]"
                let algorithmToken = try c.value("an algorithm", usage: usage)
                guard let algorithm = AlgorithmCatalog.descriptor(named: algorithmToken.text) else {
                    let names = AlgorithmCatalog.all.map(\.name)
                    throw Diagnostic(.badValue, "unknown algorithm '\(algorithmToken.text)'", at: algorithmToken.range,
                                     help: Suggestions.didYouMean(algorithmToken.text, among: names) ?? "algorithms: " + names.joined(separator: ", "))
                }
                var name: String?
                if let token = c.current, token.kind != .symbol,
                   !(c.index + 1 < c.tokens.count && c.tokens[c.index + 1].text == "=" && c.tokens[c.index + 1].kind == .symbol) {
                    name = token.text
                    c.index += 1
                }
                let settings = try c.settings(usage: usage, allowed: algorithm.hyperParameters.map(\.key))
                for setting in settings {
                    let parameter = algorithm.hyperParameters.first { $0.key == setting.key }!
                    if !parameter.range.contains(setting.value) || (parameter.isInteger && setting.value != setting.value.rounded()) {
                        throw Diagnostic(.badValue, "\(setting.key)=\(NumberFormatting.shortest(setting.value)) is out of range",
                                         at: setting.range,
                                         help: "\(setting.key) takes \(parameter.isInteger ? "whole numbers" : "values") from \(NumberFormatting.shortest(parameter.range.lowerBound)) to \(NumberFormatting.shortest(parameter.range.upperBound))")
                    }
                }
                return .train(algorithm: algorithm.name, name: name,
                              settings: settings.map { Command.Setting(key: $0.key, value: $0.value) })
            }),
        CommandSpec(
            name: "evaluate", stage: .model, usage: "evaluate",
            summary: "score every trained model on the test rows",
            details: """
            Classification: accuracy, macro-averaged F1 and AUC (one-vs-rest macro for more
            than two classes). Regression: RMSE, MAE and R². With a goal set, each model is
            marked pass or fail.
            """,
            examples: ["evaluate"], changesWorkspace: true, complete: { _ in [] },
            parse: { c in try c.expectEnd(usage: "evaluate"); return .evaluate }),
        CommandSpec(
            name: "save", stage: .model, usage: "save metrics to PATH",
            summary: "write the last evaluation as JSON",
            details: "The JSON holds the target, the task and each model's metrics.",
            examples: ["save metrics to out/metrics.json"], changesWorkspace: false,
            complete: { words in words.isEmpty ? [.words(["metrics"])] : (words.count == 1 ? [.words(["to"])] : [.path]) },
            parse: { c in
                let usage = "save metrics to PATH"
                try c.expectWord("metrics", usage: usage)
                try c.expectWord("to", usage: usage)
                let path = try c.path("a file path", usage: usage)
                try c.expectEnd(usage: usage)
                return .saveMetrics(path: path)
            }),
        CommandSpec(
            name: "predict", stage: .deploy, usage: "predict MODEL on TABLE [to PATH]",
            summary: "score the rows of a table with a model, applying the model's preparation",
            details: """
            TABLE holds raw rows, as loaded: the preparation recorded with the model
            (derive, impute, encode, scale, drop) is applied first. The result has the input
            columns plus 'prediction' (and probability_CLASS columns for classifiers); it is
            shown, or written as CSV with 'to PATH'.
            """,
            examples: ["predict logistic on penguins_new", "predict logistic on penguins_new to out/scored.csv"],
            changesWorkspace: false,
            complete: { words in
                switch words.count {
                case 0: return [.model]
                case 1: return [.words(["on"])]
                case 2: return [.table]
                case 3: return [.words(["to"])]
                default: return [.path]
                }
            },
            parse: { c in
                let usage = "predict MODEL on TABLE [to PATH]"
                let model = try c.value("a model name", usage: usage).text
                try c.expectWord("on", usage: usage)
                let table = try c.value("a table name", usage: usage).text
                var path: PathArgument?
                if c.takeWord("to") { path = try c.path("a file path", usage: usage) }
                try c.expectEnd(usage: usage)
                return .predict(model: model, table: table, path: path)
            }),
        CommandSpec(
            name: "export", stage: .deploy, usage: "export model NAME to PATH [force]  |  export pipeline [NAME] to DIR",
            summary: "write a model bundle, or a pipeline that retrains the model headless",
            details: """
            A model bundle is a folder with manifest.json (input schema, fitted preparation,
            metrics, lineage), model.json and SHA256SUMS (the SHA-256 of both, as sha256sum
            -c reads it); loading it checks every file and cross-reference and never runs
            code. It is written whole or not at all. When the model's target has a goal, the
            model must meet it on its test rows: a model that fails it (or has no test rows)
            is exported only with 'force', and the bundle records that it failed.
            A pipeline is the slice of this session the model depends on (exploration and
            dead ends dropped), parameterised on its input file; 'mlw run DIR' runs it from
            any directory, since the pipeline names its inputs relative to its own folder.
            Without a NAME, the pipeline takes the best model by the goal metric, else the
            last one trained.
            """,
            examples: ["export model logistic to models/penguins", "export model logistic to models/try force",
                       "export pipeline to pipelines/penguins"],
            changesWorkspace: false,
            complete: { words in
                if words.isEmpty { return [.words(["model", "pipeline"])] }
                if words.last == "to" { return [.path] }
                if words.first == "model", words.count == 4 { return [.words(["force"])] }
                return words.count == 1 ? [.model, .words(["to"])] : [.words(["to"])]
            },
            parse: { c in
                let usage = "export model NAME to PATH [force]  |  export pipeline [NAME] to DIR"
                if c.takeWord("model") {
                    let model = try c.value("a model name", usage: usage).text
                    try c.expectWord("to", usage: usage)
                    let path = try c.path("a folder path", usage: usage)
                    let force = c.takeWord("force")
                    try c.expectEnd(usage: usage)
                    return .exportModel(model: model, path: path, force: force)
                }
                if c.takeWord("pipeline") {
                    var model: String?
                    if !c.peekWord("to") { model = try c.value("a model name or 'to'", usage: usage).text }
                    try c.expectWord("to", usage: usage)
                    let path = try c.path("a folder path", usage: usage)
                    try c.expectEnd(usage: usage)
                    return .exportPipeline(model: model, path: path)
                }
                let found = c.current
                throw Diagnostic(.missingArgument, found.map { "expected 'model' or 'pipeline', found '\($0.text)'" } ?? "expected 'model' or 'pipeline'",
                                 at: found?.range ?? c.endRange,
                                 help: found.flatMap { Suggestions.didYouMean($0.text, among: ["model", "pipeline"]) } ?? "usage: \(usage)")
            }),
        CommandSpec(
            name: "param", stage: .session, usage: "param NAME = VALUE",
            summary: "declare a script parameter, used later as $NAME",
            details: "Replays and pipelines may override it: mlw replay s.mlw --set NAME=VALUE.",
            examples: ["param data = \"datasets/iris.csv\""], changesWorkspace: true, complete: { _ in [] },
            parse: { c in
                let usage = "param NAME = VALUE"
                let name = try c.value("a parameter name", usage: usage)
                guard Expression.isPlainIdentifier(name.text) else {
                    throw Diagnostic(.badValue, "a parameter name is a plain word, found '\(name.text)'", at: name.range)
                }
                guard c.takeSymbol("=") else { throw Diagnostic(.missingArgument, "expected '='", at: c.current?.range ?? c.endRange, help: "usage: \(usage)") }
                let value = try c.value("a value", usage: usage).text
                try c.expectEnd(usage: usage)
                return .param(name: name.text, value: value)
            }),
        CommandSpec(
            name: "help", stage: .session, usage: "help [COMMAND]",
            summary: "list the commands, or explain one with examples",
            details: "", examples: ["help", "help split"], changesWorkspace: false,
            complete: { words in words.isEmpty ? [.words(CommandTable.names)] : [] },
            parse: { c in
                let topic = c.optionalValue()?.text
                try c.expectEnd(usage: "help [COMMAND]")
                return .help(topic: topic)
            }),
        CommandSpec(
            name: "history", stage: .session, usage: "history",
            summary: "show the steps recorded in this session",
            details: "", examples: ["history"], changesWorkspace: false, complete: { _ in [] },
            parse: { c in try c.expectEnd(usage: "history"); return .history }),
        CommandSpec(
            name: "undo", stage: .session, usage: "undo",
            summary: "return the workspace to what it was before the last change",
            details: "Undo is recorded too, so the script always equals the workspace.",
            examples: ["undo"], changesWorkspace: true, complete: { _ in [] },
            parse: { c in try c.expectEnd(usage: "undo"); return .undo }),
        CommandSpec(
            name: "quit", stage: .session, usage: "quit",
            summary: "leave mlw (Ctrl-D does the same); every step is already saved",
            details: "", examples: ["quit"], changesWorkspace: false, complete: { _ in [] },
            parse: { c in try c.expectEnd(usage: "quit"); return .quit }),
    ]

    public static var names: [String] { all.map(\.name) }

    /// Accepted spellings for commands; each maps to a name in the table.
    public static let aliases: [String: String] = ["exit": "quit"]

    /// The entry for a command name or alias, if any.
    public static func spec(named name: String) -> CommandSpec? {
        let resolved = aliases[name] ?? name
        return all.first { $0.name == resolved }
    }
}
