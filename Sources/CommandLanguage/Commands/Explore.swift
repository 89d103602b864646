import Learning
import Tabular

/// The commands of the 'explore' stage, in the order `help` lists them.
extension CommandTable {
    static let exploreCommands: [CommandSpec] = [
        CommandSpec(
            name: "head", stage: .explore, usage: "head [N] [COLUMNS] [where CONDITION]",
            summary: "show the first N rows of the current table (10 by default), or of those where a condition holds",
            details: """
            Shows without changing anything: COLUMNS picks the columns to show, and 'where'
            the rows (the expression language of 'filter'). A table wider than the terminal
            is shown in pages of columns, each repeating the first column.
            """,
            examples: ["head", "head 5", "head 3 species, bill_length_mm where island == \"Dream\""], kind: .inspection,
            complete: { words in words.count >= 1 && words.last != "where" ? [.column, .words(["where"])] : [.column] },
            parse: { c in .head(try c.rowView()) }),
        CommandSpec(
            name: "tail", stage: .explore, usage: "tail [N] [COLUMNS] [where CONDITION]",
            summary: "show the last N rows of the current table (10 by default), or of those where a condition holds",
            details: "As 'head', from the end: changes nothing.",
            examples: ["tail", "tail 3 species where body_mass_g > 6000"], kind: .inspection,
            complete: { words in words.count >= 1 && words.last != "where" ? [.column, .words(["where"])] : [.column] },
            parse: { c in .tail(try c.rowView()) }),
        CommandSpec(
            name: "schema", stage: .explore, usage: "schema",
            summary: "list the columns of the current table with their types and missing counts",
            details: "", examples: ["schema"], kind: .inspection, complete: { _ in [] },
            parse: { c in try c.expectEnd(); return .schema }),
        CommandSpec(
            name: "profile", stage: .explore, usage: "profile [TABLE]",
            summary: "one screen about a table: each column's type, missing values, distribution and values, then warnings",
            details: """
            Per column: its type, missing values, distinct values, a bar per part of its
            range (numbers: 8 equal bins from the smallest to the largest value; text: its
            commonest values) and its range or commonest values. Then warnings: constant
            columns, identifier-like ones, text with too many values to encode, heavy skew,
            mostly missing columns, pairs of numbers correlated above 0.95, repeated rows,
            and features that almost fix the target. The current table unless one is named.
            Changes nothing.
            """,
            examples: ["profile", "profile holdout"], kind: .inspection,
            complete: { words in words.isEmpty ? [.table] : [] },
            parse: { c in .profile(table: c.isAtEnd ? nil : try c.only("a table name")) }),
        CommandSpec(
            name: "describe", stage: .explore, usage: "describe [COLUMNS]",
            summary: "summary statistics of every column, or of the columns named",
            details: """
            Numbers: count, missing (and its share), distinct values, zeros, mean, standard
            deviation (n-1), minimum, quartiles, maximum, skewness and excess kurtosis
            (bias-corrected, as pandas' skew() and kurt()). Above 200,000 values holding more
            than 65,536 different ones, the distinct count is an estimate within about 1%,
            marked ≈. Text and booleans: count, missing, distinct values and the most frequent
            ones. Changes nothing.
            """,
            examples: ["describe", "describe bill_length_mm, species"], kind: .inspection,
            complete: { _ in [.column] },
            parse: { c in
                let columns = c.isAtEnd ? [] : try c.names("column names")
                return .describe(columns: columns)
            }),
        CommandSpec(
            name: "counts", stage: .explore, usage: "counts COLUMN [top=N] [where CONDITION]",
            summary: "how often each value of a column occurs, with a bar per value",
            details: """
            The most frequent values first (top=20 by default), with their share of the rows;
            missing values are counted apart. 'where' counts only the rows where a condition
            holds. Changes nothing.
            """,
            examples: ["counts island", "counts species top=2 where body_mass_g > 4000"], kind: .inspection,
            complete: { words in words.isEmpty ? [.column] : [.words(["top=", "where"])] },
            parse: { c in
                let column = try c.value("a column name").text
                let top = try c.wholeOption("top", in: 1...10_000, fallback: 20)
                return .counts(column: column, top: top, condition: try c.condition())
            }),
        CommandSpec(
            name: "hist", stage: .explore, usage: "hist COLUMN [bins=N] [where CONDITION]",
            summary: "a histogram of a number or date column: how many values fall in each of N equal bins",
            details: """
            20 bins from the smallest to the largest value unless bins= says otherwise; a bin
            holds its lower edge and not its upper one (the last holds both). Dates that
            span more days than there are bins get bins of whole days from a midnight. The
            bars are drawn with block characters, or # with MLW_ASCII=1. Changes nothing.
            """,
            examples: ["hist flipper_length_mm", "hist body_mass_g bins=10 where species == \"Gentoo\""], kind: .inspection,
            complete: { words in words.isEmpty ? [.column] : [.words(["bins=", "where"])] },
            parse: { c in
                let column = try c.value("a column name").text
                let bins = try c.wholeOption("bins", in: 1...500, fallback: 20)
                return .hist(column: column, bins: bins, condition: try c.condition())
            }),
        CommandSpec(
            name: "bar", stage: .explore, usage: "bar COLUMN [FUNCTION(COLUMN)] [top=N] [where CONDITION]",
            summary: "a bar chart per value of a column: how many rows hold it, or an aggregate of another column",
            details: """
            Without a function, the row count of each value, in the order of the values (for
            ordered values such as years; 'counts' orders by frequency). With one, such as
            mean(body_mass_g), that aggregate over each value's rows, largest first. At most
            top= bars (20): the values with the most rows. Missing values are a bar of their
            own. Changes nothing.
            """,
            examples: ["bar cylinders", "bar species mean(body_mass_g)", "bar origin median(mpg) where model_year >= 1980"], kind: .inspection,
            complete: { words in words.isEmpty ? [.column] : [.words(Aggregate.Function.allCases.map { $0.rawValue + "(" } + ["top=", "where"])] },
            parse: { c in
                let column = try c.value("a column name").text
                var aggregate: Aggregate?
                if let token = c.current, token.kind != .symbol, token.text.contains("("), token.text.hasSuffix(")") {
                    aggregate = try c.aggregate()
                    if aggregate?.function == .distinct || aggregate?.column == nil && aggregate?.function != .count {
                        throw Diagnostic(.badValue, "bar takes count() or a function of a number column such as mean(x)", at: token.range)
                    }
                }
                let top = try c.wholeOption("top", in: 1...200, fallback: 20)
                return .bar(column: column, aggregate: aggregate, top: top, condition: try c.condition())
            }),
        CommandSpec(
            name: "box", stage: .explore, usage: "box COLUMNS [by COLUMN] [where CONDITION]",
            summary: "box plots of number columns: quartiles, whiskers and outliers, per value of another column",
            details: """
            The box spans the quartiles with the median marked; whiskers reach the furthest
            values within 1.5 IQR of the box, and the values beyond are dots (Tukey). One
            chart per column on its own scale, one box per value of 'by' (the 12 values with
            the most rows), with the figures below. Changes nothing.
            """,
            examples: ["box body_mass_g by species", "box mpg, horsepower by origin where model_year >= 1975"], kind: .inspection,
            complete: { words in words.last == "by" ? [.column] : [.column, .words(["by", "where"])] },
            parse: { c in
                let columns = try c.names("number column names", stopWords: ["by", "where"])
                let by = c.takeWord("by") ? try c.value("a column to group by").text : nil
                return .box(columns: columns, by: by, condition: try c.condition())
            }),
        CommandSpec(
            name: "scatter", stage: .explore, usage: "scatter X Y [by COLUMN] [where CONDITION]",
            summary: "a scatter plot of two number columns, in braille dots sized to the terminal",
            details: """
            X across, Y up; with 'by', each of up to 8 values of a column in its own colour
            (letters when colours are off or MLW_ASCII=1). Rows missing either value are left
            out and counted. Beyond 20,000 rows an evenly spaced 20,000 are drawn. Changes
            nothing.
            """,
            examples: ["scatter flipper_length_mm body_mass_g", "scatter weight mpg by origin"], kind: .inspection,
            complete: { words in words.count < 2 ? [.column] : (words.last == "by" ? [.column] : [.words(["by", "where"])]) },
            parse: { c in
                let x = try c.value("a column for the x axis").text
                let y = try c.value("a column for the y axis").text
                let by = c.takeWord("by") ? try c.value("a column to group by").text : nil
                return .scatter(x: x, y: y, by: by, condition: try c.condition())
            }),
        CommandSpec(
            name: "corr", stage: .explore, usage: "corr [pearson|spearman] [COLUMNS]",
            summary: "correlations between number columns, as a shaded matrix",
            details: """
            Pearson's correlation (linear) unless 'spearman' asks for the correlation of the
            ranks (any monotone relation). Each pair uses the rows where both have a value.
            Every number and boolean column unless columns are named. The strongest pairs are
            listed below the matrix. Changes nothing.
            """,
            examples: ["corr", "corr spearman bill_length_mm, body_mass_g, flipper_length_mm"], kind: .inspection,
            complete: { words in words.isEmpty ? [.words(["pearson", "spearman"]), .column] : [.column] },
            parse: { c in
                var method = CorrelationMethod.pearson
                if let token = c.current, token.kind == .word, let chosen = CorrelationMethod(rawValue: token.text) { method = chosen; c.index += 1 }
                return .corr(method: method, columns: c.isAtEnd ? [] : try c.names("column names"))
            }),
        CommandSpec(
            name: "relations", stage: .explore, usage: "relations [COLUMNS]",
            summary: "how each column relates to the target: its balance, then every feature's strength, strongest first",
            details: """
            Needs a target. First the target: its classes and their shares, or a histogram.
            Then each feature (every column unless columns are named) by its uncertainty
            coefficient U, the share of the target's entropy it accounts for (mutual
            information over the target's entropy, numbers in 10 quantile bins, missing
            values as a value of their own): 0 tells nothing, 1 everything. Beside it the
            usual measure for the pair: Pearson's r for two numbers, the correlation ratio η
            for numbers and classes, Cramér's V for classes and classes. A feature that
            almost fixes the target is flagged: is it known when predicting, or does it leak
            the answer? Changes nothing.
            """,
            examples: ["relations", "relations bill_length_mm, island"], kind: .inspection,
            complete: { _ in [.column] },
            parse: { c in .relations(columns: c.isAtEnd ? [] : try c.names("column names")) }),
        CommandSpec(
            name: "missing", stage: .explore, usage: "missing [COLUMNS]",
            summary: "missing values per column, and the commonest sets of columns missing together",
            details: "Only columns with a missing value are listed. Changes nothing.",
            examples: ["missing", "missing bill_length_mm, sex"], kind: .inspection,
            complete: { _ in [.column] },
            parse: { c in .missing(columns: c.isAtEnd ? [] : try c.names("column names")) }),
        CommandSpec(
            name: "outliers", stage: .explore, usage: "outliers [COLUMNS|numeric] [method=iqr|zscore] [k=N] [z=N]",
            summary: "values far from the rest in number columns: how many, where the bounds lie, and the rows",
            details: """
            'iqr' (the default) counts values beyond Tukey's fences, Q1 - k·IQR and Q3 + k·IQR
            (k=1.5, 3 for far out); 'zscore' those more than z standard deviations from the
            mean (z=3). Every number column unless columns are named. For one column the most
            extreme rows are shown, with the filter that finds them all. Changes nothing: limit
            them with 'clip', drop them with 'filter'.
            """,
            examples: ["outliers", "outliers body_mass_g", "outliers numeric method=zscore z=4"], kind: .inspection,
            complete: { _ in [.column, .words(["numeric", "method=", "k=", "z="])] },
            parse: { c in
                let keys: Set<String> = ["method", "k", "z"]
                let startsWithSettings = c.current.map { $0.kind == .word && keys.contains($0.text) } ?? true
                let selector: ColumnSelector = startsWithSettings ? .numeric : try c.selector(stopWords: keys)
                guard selector != .categorical else {
                    throw Diagnostic(.badValue, "outliers are of number columns, not categorical ones", help: "rare values of text show in 'counts COLUMN'")
                }
                let settings = try c.settings(SettingsSchema([
                    SettingSpec("method", "how far out counts", forms: [.word(["iqr", "zscore"])], default: .value(.word("iqr"))),
                    SettingSpec("k", "IQRs beyond the quartiles (iqr)", forms: [.number(0...100, excludingLower: true)], default: .value(.number(1.5))),
                    SettingSpec("z", "standard deviations from the mean (zscore)", forms: [.number(0...100, excludingLower: true)], default: .value(.number(3))),
                ]))
                let value = { (key: String) in settings.first { $0.key == key } }
                let zscore = value("method")?.value == .word("zscore")
                if zscore, let k = value("k") { throw Diagnostic(.badOption, "k= is for method=iqr; method=zscore takes z=", at: k.range) }
                if !zscore, let z = value("z") { throw Diagnostic(.badOption, "z= is for method=zscore; method=iqr takes k=", at: z.range, help: "outliers … method=zscore z=\(z.value.numberValue.map(NumberFormatting.shortest) ?? "3")") }
                return .outliers(selector: selector, method: zscore ? .zscore(z: value("z")?.value.numberValue ?? 3) : .iqr(k: value("k")?.value.numberValue ?? 1.5))
            }),
        CommandSpec(
            name: "group", stage: .explore, usage: "group KEYS [agg FUNCTION(COLUMN), ...]",
            summary: "aggregates per group of rows with equal keys: count(), sum, mean, median, min, max, std, distinct",
            details: """
            One row per group, sorted by the keys (missing keys form their own group).
            Without 'agg', each group's row count. Functions of numbers ignore missing values;
            distinct counts different values; count() counts rows. Changes nothing.
            """,
            examples: ["group species", "group species, island agg count(), mean(body_mass_g), max(flipper_length_mm)"], kind: .inspection,
            complete: { words in words.contains("agg") ? [.words(Aggregate.Function.allCases.map { $0.rawValue + "(" })] : [.column, .words(["agg"])] },
            parse: { c in
                let keys = try c.names("key columns", stopWords: ["agg"])
                guard c.takeWord("agg") else { try c.expectEnd(); return .group(keys: keys, aggregates: [Aggregate(.count, nil)]) }
                var aggregates: [Aggregate] = []
                while let token = c.current {
                    if token.kind == .symbol, token.text == "," { c.index += 1; continue }
                    aggregates.append(try c.aggregate())
                }
                guard !aggregates.isEmpty else { throw Diagnostic(.missingArgument, "expected aggregates after 'agg'", at: c.endRange, help: "for example: agg count(), mean(x)") }
                return .group(keys: keys, aggregates: aggregates)
            }),
        CommandSpec(
            name: "crosstab", stage: .explore, usage: "crosstab COLUMN COLUMN",
            summary: "how many rows have each pair of values of two columns, with totals",
            details: "Rows are the first column's values, columns the second's; missing values count as '(missing)'. Changes nothing.",
            examples: ["crosstab species island"], kind: .inspection,
            complete: { words in words.count < 2 ? [.column] : [] },
            parse: { c in
                let rows = try c.value("a column name").text
                return .crosstab(rows: rows, columns: try c.only("a second column name"))
            }),
    ]
}
