import Learning
import Tabular

/// The commands of the 'prepare' stage, in the order `help` lists them.
extension CommandTable {
    static let prepareCommands: [CommandSpec] = [
        CommandSpec(
            name: "derive", stage: .prepare, usage: "derive NAME = EXPRESSION",
            summary: "add a column computed from others (or replace one of the same name)",
            details: """
            Expressions have arithmetic (+ - * / % ^), comparisons (== != < <= > >=),
            and/or/not, 'is missing', 'in [...]', and the functions abs, sqrt, log, log10,
            log1p, exp, round, lower, upper, length, contains,
            floor, ceil, min, max, pow, if and coalesce. Text is written in quotes; a column
            whose name is not a plain word is written in backticks. See docs/expressions.md.
            """,
            examples: ["derive bill_ratio = bill_length_mm / bill_depth_mm",
                       "derive heavy = body_mass_g > 4500 and sex == \"male\""],
            kind: .dataStep,
            complete: { words in words.count >= 2 ? [.column, .function] : [] },
            parse: { c in
                let name = try c.value("a name for the new column")
                guard c.takeSymbol("=") else {
                    throw Diagnostic(.missingArgument, "expected '=' after the column name", at: c.current?.range ?? c.endRange,
                                     help: "usage: \(c.usage)")
                }
                guard let start = c.restStart() else {
                    throw Diagnostic(.missingArgument, "expected an expression after '='", at: c.endRange, help: "usage: \(c.usage)")
                }
                return .derive(name: name.text, expression: try c.expression(from: start))
            }),
        CommandSpec(
            name: "impute", stage: .prepare, usage: "impute SELECTOR with mean|median|mode|VALUE [indicator]",
            summary: "fill missing values with a statistic learned from the training rows, or a value",
            details: """
            SELECTOR is a list of columns, 'numeric' (the measured number and boolean
            columns), 'categorical' (text columns) or 'indicators'; the target is never
            included. Once a split exists the statistic is learned from the training rows
            only. The learned value is stored with every model trained afterwards and applied
            again at prediction. With 'indicator', each column that had missing values in
            the training rows gets a boolean column COLUMN_missing beside it, true where a value was
            filled, so a model can learn from the gap itself.
            """,
            examples: ["impute numeric with median", "impute categorical with mode", "impute sex with \"unknown\"",
                       "impute age with median indicator"],
            kind: .dataStep,
            complete: { words in
                if words.last == "with" { return [.words(["mean", "median", "mode"])] }
                if words.count >= 2, words[words.count - 2] == "with" { return [.words(["indicator"])] }
                return words.isEmpty ? [.words(["numeric", "categorical"]), .column] : [.column, .words(["with"])]
            },
            parse: { c in
                let selector = try c.selector(stopWords: ["with"])
                try c.expectWord("with")
                let token = try c.value("mean, median, mode or a value")
                let strategy: ImputeStrategy
                switch (token.kind, token.text) {
                case (.word, "mean"): strategy = .mean
                case (.word, "median"): strategy = .median
                case (.word, "mode"): strategy = .mode
                default: strategy = .value(token.text)
                }
                let indicator = c.takeWord("indicator")
                try c.expectEnd()
                return .impute(selector: selector, strategy: strategy, indicator: indicator)
            }),
        methodCommand(
            "encode", summary: "replace text columns by numbers: one-hot indicators, ordinal codes, frequencies or target means",
            details: """
            Levels are learned from the training rows once a split exists. A level not seen
            in training is handled as the method's 'unseen' setting says. One-hot columns are
            booleans (a byte per row and level; models read them as 0 and 1): an encoding that
            needs more than a quarter of the machine's memory is refused, and a column with
            nearly as many levels as rows (an identifier) gets a warning. Methods and their
            settings:
            """,
            examples: ["encode onehot categorical", "encode onehot island, sex drop=first", "encode onehot city min_frequency=0.01 unseen=other"]),
        methodCommand(
            "scale", summary: "centre and divide number columns by a spread learned from the training rows",
            details: """
            The centre and spread are learned from the training rows once a split exists;
            'numeric' leaves out booleans and the indicator columns. Methods:
            """,
            examples: ["scale standard numeric", "scale robust income", "scale minmax bill_length_mm"]),
        methodCommand(
            "transform", summary: "replace number columns by a function of them: log, log1p, sqrt or a fitted power transform",
            details: """
            Skewed amounts (incomes, prices, counts) become closer to symmetric, which suits
            linear models. log, log1p and sqrt refuse values outside their domain, naming
            the row, at the prompt and at prediction; yeo-johnson takes any number and
            learns its λ from the training rows once a split exists. Missing stays missing.
            Functions:
            """,
            examples: ["transform log1p income", "transform yeo-johnson numeric", "transform yeo-johnson price standardize=false"]),
        methodCommand(
            "bin", summary: "replace number columns by the index of their bin (0, 1, …), edges learned from the training rows",
            details: """
            Values beyond the outer edges fall in the first or last bin; repeated quantiles
            are merged, so a column may get fewer bins than asked. Missing stays missing.
            'encode onehot' then makes one indicator per bin. Methods:
            """,
            examples: ["bin age quantile bins=4", "bin income equal bins=10"]),
        plainCommand(
            "dateparts", usage: "dateparts COLUMNS",
            summary: "replace date columns by their parts: year, month, day, weekday (and hour)",
            details: """
            Each date column COL becomes COL_year, COL_month, COL_day and COL_weekday (1 is
            Monday, 7 Sunday), in UTC, and COL_hour when a training row has a time of day
            other than midnight. Missing stays missing. The same parts are taken from new rows.
            """,
            examples: ["dateparts signup", "dateparts start, end"]),
        plainCommand(
            "interact", usage: "interact COLUMN COLUMN [COLUMN ...]",
            summary: "add the product of two or more number columns as a new column A*B",
            details: "The product lets a linear model weigh one column by another. Missing in, missing out.",
            examples: ["interact bill_length_mm bill_depth_mm"]),
        plainCommand(
            "poly", usage: "poly SELECTOR [degree=2|3]",
            summary: "add every product of the columns up to a degree: A^2, A*B, B^2, …",
            details: """
            As scikit-learn's PolynomialFeatures without the bias and the columns
            themselves, in its order: degree 2 first, then 3. More than 10,000 products are
            refused. The new columns go after the last of the columns.
            """,
            examples: ["poly horsepower, weight", "poly numeric degree=2"]),
        plainCommand(
            "pca", usage: "pca SELECTOR [components=K | variance=X]",
            summary: "replace number columns by their principal components, learned from the training rows",
            details: """
            The columns are centred on their training means and projected on the
            eigenvectors of their covariance, largest variance first, as scikit-learn's PCA
            (each component signed so its largest loading is positive). They are not
            scaled: 'scale standard' them first when their units differ. Missing values are
            refused (impute first). The output shows each component's share of the
            variance as a chart; the recipe keeps the means and loadings.
            """,
            examples: ["pca numeric variance=0.95", "pca bill_length_mm, bill_depth_mm, flipper_length_mm components=2"]),
        CommandSpec(
            name: "recipe", stage: .prepare, usage: "recipe",
            summary: "show the current table's preparation steps and what each learned",
            details: """
            Every derive, drop, impute, encode, scale and transform since the table was loaded, as it
            was asked for, with the values it learned: fill values, categories, means and
            standard deviations. Learned steps learn from the training rows once a split
            exists (a step before the split learned from every row, which leaks the test
            rows into it). Every model trained on the table carries this recipe, fitted, and
            applies it to new rows; cross-validation refits it inside each fold.
            """,
            examples: ["recipe"], kind: .inspection, complete: { _ in [] },
            parse: { c in try c.expectEnd(); return .recipe }),
        CommandSpec(
            name: "features", stage: .prepare, usage: "features",
            summary: "list the current features, each with the step that made it",
            details: """
            Every column of the current table but the target: its type, whether it is a
            true/false indicator (which 'numeric' leaves out and 'indicators' selects), and the
            recipe step that last made or changed it ('loaded' when none has). A text or
            date column is not a feature a model can read yet; the list says so.
            """,
            examples: ["features"], kind: .inspection, complete: { _ in [] },
            parse: { c in try c.expectEnd(); return .features }),
    ]
}

extension CommandTable {
    /// The entry of a verb whose methods `PreparationMethods` lists: `VERB METHOD SELECTOR
    /// [key=value …]`, or for `bin` `bin SELECTOR METHOD [key=value …]`. Usage, help,
    /// completion and parsing all read the methods and their settings from there.
    static func methodCommand(_ verb: String, summary: String, details: String, examples: [String]) -> CommandSpec {
        let methods = PreparationMethods.methods(of: verb)
        let names = methods.map(\.name)
        let columnsFirst = verb == "bin"
        let options = methods.contains { !$0.settings.specs.isEmpty } ? " [key=value ...]" : ""
        let usage = columnsFirst ? "\(verb) SELECTOR \(names.joined(separator: "|"))" + options
                                 : "\(verb) \(names.joined(separator: "|")) SELECTOR" + options
        return CommandSpec(
            name: verb, stage: .prepare, usage: usage, summary: summary,
            details: details + "\n" + PreparationMethods.reference(of: verb),
            examples: examples, kind: .dataStep,
            complete: { words in
                let method = columnsFirst ? words.first(where: names.contains) : words.first
                guard let method, let found = PreparationMethods.named(verb, method) else {
                    return columnsFirst && !words.isEmpty ? [.words(names), .column] : columnsFirst ? [.words(["numeric"]), .column] : [.words(names)]
                }
                let used = Set(words.compactMap { $0.split(separator: "=").first.map(String.init) })
                let settings = found.settings.keys.filter { !used.contains($0) }.map { $0 + "=" }
                let selectors = found.takes == .numbers ? ["numeric", "indicators"] : ["categorical"]
                return [.words(settings + (words.count <= 1 && !columnsFirst ? selectors : [])), .column]
            },
            parse: { c in
                func methodWord() throws -> PreparationMethod {
                    let token = try c.value("a method (\(names.joined(separator: ", ")))")
                    guard let method = PreparationMethods.named(verb, token.text) else {
                        throw Diagnostic(.badValue, "unknown \(verb) method '\(token.text)'", at: token.range,
                                         help: Suggestions.didYouMean(token.text, among: names) ?? "methods: " + names.joined(separator: ", "))
                    }
                    return method
                }
                let method: PreparationMethod, selector: ColumnSelector
                if columnsFirst {
                    selector = try c.selector(stopWords: Set(names))
                    method = try methodWord()
                } else {
                    method = try methodWord()
                    selector = try c.selector()
                }
                let settings = try c.settings(method.settings)
                return .prepare(verb: verb, method: method.name, selector: selector,
                                settings: settings.map { Command.Setting(key: $0.key, value: $0.value) })
            })
    }
}

extension CommandTable {
    /// The entry of a verb with no methods (`dateparts`, `interact`, `poly`): `VERB SELECTOR
    /// [key=value …]`, its settings from its one entry in `PreparationMethods`.
    static func plainCommand(_ verb: String, usage: String, summary: String, details: String, examples: [String]) -> CommandSpec {
        let method = PreparationMethods.named(verb, "")!
        let settings = method.settings.specs.isEmpty ? "" : "\nSettings:\n" + PreparationMethods.reference(of: verb).split(separator: "\n").dropFirst().joined(separator: "\n")
        return CommandSpec(
            name: verb, stage: .prepare, usage: usage, summary: summary, details: details + settings,
            examples: examples, kind: .dataStep,
            complete: { words in
                let used = Set(words.compactMap { $0.split(separator: "=").first.map(String.init) })
                return [.words(method.settings.keys.filter { !used.contains($0) }.map { $0 + "=" } + (words.isEmpty && method.takes == .numbers ? ["numeric"] : [])), .column]
            },
            parse: { c in
                let selector = try c.selector()
                let given = try c.settings(method.settings)
                return .prepare(verb: verb, method: "", selector: selector, settings: given.map { Command.Setting(key: $0.key, value: $0.value) })
            })
    }
}
