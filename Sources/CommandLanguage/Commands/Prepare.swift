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
            name: "impute", stage: .prepare, usage: "impute SELECTOR with mean|median|mode|VALUE",
            summary: "fill missing values with a statistic learned from the training rows, or a value",
            details: """
            SELECTOR is a list of columns, 'numeric' (number and boolean columns) or
            'categorical' (text columns); the target is never included. Once a split
            exists the statistic is learned from the training rows only. The learned value
            is stored with every model trained afterwards and applied again at prediction.
            """,
            examples: ["impute numeric with median", "impute categorical with mode", "impute sex with \"unknown\""],
            kind: .dataStep,
            complete: { words in
                if words.last == "with" { return [.words(["mean", "median", "mode"])] }
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
                try c.expectEnd()
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
            examples: ["encode onehot categorical", "encode onehot island, sex"], kind: .dataStep,
            complete: { words in words.isEmpty ? [.words(["onehot"])] : [.words(["categorical"]), .column] },
            parse: { c in
                try c.expectWord("onehot")
                return .encodeOneHot(selector: try c.selector())
            }),
        CommandSpec(
            name: "scale", stage: .prepare, usage: "scale standard SELECTOR",
            summary: "centre number columns and divide by their standard deviation",
            details: "Mean and standard deviation are learned from the training rows once a split exists.",
            examples: ["scale standard numeric", "scale standard bill_length_mm"], kind: .dataStep,
            complete: { words in words.isEmpty ? [.words(["standard"])] : [.words(["numeric"]), .column] },
            parse: { c in
                try c.expectWord("standard")
                return .scaleStandard(selector: try c.selector())
            }),
        CommandSpec(
            name: "recipe", stage: .prepare, usage: "recipe",
            summary: "show the current table's preparation steps and what each learned",
            details: """
            Every derive, drop, impute, encode and scale since the table was loaded, as it
            was asked for, with the values it learned: fill values, categories, means and
            standard deviations. Learned steps learn from the training rows once a split
            exists (a step before the split learned from every row, which leaks the test
            rows into it). Every model trained on the table carries this recipe, fitted, and
            applies it to new rows; cross-validation refits it inside each fold.
            """,
            examples: ["recipe"], kind: .inspection, complete: { _ in [] },
            parse: { c in try c.expectEnd(); return .recipe }),
    ]
}
