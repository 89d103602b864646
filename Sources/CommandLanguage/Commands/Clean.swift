import Learning
import Tabular

/// The commands of the 'clean' stage, in the order `help` lists them. Row steps (filter,
/// dropna, dedupe, sort, sample) choose rows and are not part of the recipe a model applies
/// to new rows; column steps (drop, select, rename, cast, replace, clip) are.
extension CommandTable {
    static let cleanCommands: [CommandSpec] = [
        CommandSpec(
            name: "filter", stage: .clean, usage: "filter CONDITION",
            summary: "keep only the rows where the condition is true",
            details: "Rows where the condition is missing are dropped too. The expression language is the one of 'derive'.",
            examples: ["filter species is not missing", "filter bill_length_mm > 40 and island == \"Biscoe\""],
            kind: .dataStep, complete: { _ in [.column, .function] },
            parse: { c in
                guard let start = c.restStart() else {
                    throw Diagnostic(.missingArgument, "expected a condition", at: c.endRange, help: "usage: \(c.usage)")
                }
                return .filter(try c.expression(from: start))
            }),
        CommandSpec(
            name: "dropna", stage: .clean, usage: "dropna [COLUMNS]",
            summary: "drop the rows with a missing value (in any column, or in the columns named)",
            details: """
            A row step, like filter: it chooses rows and is not applied to the rows a model
            scores later (fill those with 'impute').
            """,
            examples: ["dropna", "dropna bill_length_mm, sex"], kind: .dataStep,
            complete: { _ in [.column] },
            parse: { c in .dropna(columns: c.isAtEnd ? [] : try c.names("column names")) }),
        CommandSpec(
            name: "dedupe", stage: .clean, usage: "dedupe [COLUMNS]",
            summary: "drop the rows that repeat an earlier row (in every column, or in the columns named)",
            details: "The first of each set of equal rows is kept; missing values count as equal to each other.",
            examples: ["dedupe", "dedupe name"], kind: .dataStep,
            complete: { _ in [.column] },
            parse: { c in .dedupe(columns: c.isAtEnd ? [] : try c.names("column names")) }),
        CommandSpec(
            name: "sort", stage: .clean, usage: "sort COLUMN [desc] [, COLUMN [desc] ...]",
            summary: "order the rows by one or more columns",
            details: """
            Ascending unless 'desc' follows the column; equal rows keep their order, and
            missing values come last. Text sorts by its characters, booleans false first.
            """,
            examples: ["sort body_mass_g desc", "sort island, bill_length_mm desc"], kind: .dataStep,
            complete: { words in words.last.map { $0 == "desc" } ?? true ? [.column] : [.column, .words(["desc"])] },
            parse: { c in
                var keys: [SortKey] = []
                while !c.isAtEnd {
                    let column = try c.value("a column name").text
                    keys.append(SortKey(column: column, descending: c.takeWord("desc")))
                    if c.takeSymbol(",") { continue }
                    try c.expectEnd()
                }
                guard !keys.isEmpty else { throw Diagnostic(.missingArgument, "expected a column to sort by", at: c.endRange, help: "usage: \(c.usage)") }
                return .sort(keys: keys)
            }),
        CommandSpec(
            name: "sample", stage: .clean, usage: "sample N|FRACTION [seed=N]",
            summary: "keep a random sample of rows: N of them, or a share between 0 and 1",
            details: """
            The rows kept stay in their order. The seed is recorded, so a replay keeps the
            same rows.
            """,
            examples: ["sample 1000 seed=7", "sample 0.1"], kind: .dataStep,
            complete: { words in words.isEmpty ? [] : [.words(["seed="])] },
            parse: { c in
                let (amount, range) = try c.number("a row count or a share between 0 and 1")
                let size: SampleSize
                if amount > 0, amount < 1 {
                    size = .fraction(amount)
                } else if amount >= 1, amount == amount.rounded(), amount <= 1e12 {
                    size = .rows(Int(amount))
                } else {
                    throw Diagnostic(.badValue, "sample takes a whole number of rows from 1, or a share between 0 and 1, found \(NumberFormatting.shortest(amount))", at: range)
                }
                return .sample(size: size, seed: try c.seed())
            }),
        CommandSpec(
            name: "join", stage: .clean, usage: "join TABLE on KEYS [left|inner]",
            summary: "add another table's columns to each row with equal values in the key columns",
            details: """
            'left' (the default) keeps every row of the current table, with missing values
            where the other table has no match; 'inner' keeps only the rows that match. A row
            matching several rows repeats once per match. A missing key matches nothing. The
            other table's columns follow, a taken name getting _TABLE appended. The joined rows
            become the table's data: the steps before stay in it, and a model trained after
            reads the joined columns, so rows it scores must carry them. Join before 'split'
            and before steps that learn (impute, encode, scale, clip iqr).
            """,
            examples: ["join stores on store_id", "join regions on country, year inner"], kind: .dataStep,
            complete: { words in words.isEmpty ? [.table] : (words.count == 1 ? [.words(["on"])] : [.column, .words(JoinKind.allCases.map(\.rawValue))]) },
            parse: { c in
                let table = try c.value("a table name").text
                try c.expectWord("on")
                let keys = try c.names("key column names", stopWords: Set(JoinKind.allCases.map(\.rawValue)))
                if let last = keys.last, ["outer", "right", "full", "cross"].contains(last.lowercased()) {
                    throw Diagnostic(.badValue, "joins are 'left' or 'inner', not '\(last)'",
                                     help: "for a right join, 'use' the other table and join this one to it")
                }
                var kind = JoinKind.left
                if let word = c.current, let chosen = JoinKind(rawValue: word.text), word.kind == .word { kind = chosen; _ = c.optionalValue() }
                try c.expectEnd()
                return .join(table: table, keys: keys, kind: kind)
            }),
        CommandSpec(
            name: "append", stage: .clean, usage: "append TABLE",
            summary: "add another table's rows after the current table's",
            details: """
            The other table needs the same columns (in any order) of the same types: cast or
            drop first where they differ. The appended rows become the table's data, as after
            'join': append before 'split' and before steps that learn.
            """,
            examples: ["append penguins_2010"], kind: .dataStep,
            complete: { words in words.isEmpty ? [.table] : [] },
            parse: { c in .append(table: try c.only("a table name")) }),
        CommandSpec(
            name: "drop", stage: .clean, usage: "drop COLUMNS",
            summary: "remove columns from the current table",
            details: "", examples: ["drop year", "drop name, model_year"], kind: .dataStep,
            complete: { _ in [.column] },
            parse: { c in .drop(columns: try c.names("column names")) }),
        CommandSpec(
            name: "select", stage: .clean,
            usage: "select COLUMNS | variance > X | correlated < X | best K by anova|chi2|mutual_information | important K from MODEL",
            summary: "keep only the columns named (and the target), or the features a rule keeps",
            details: """
            With names, the others are dropped, in the recipe too: a model reads only these
            columns' values. With a rule, the number features (indicators included) are
            judged on the training rows once a split exists, and the ones it rejects dropped:
              variance > X       keep those whose variance is above X (VarianceThreshold)
              correlated < X     drop the later of each pair whose |correlation| is X or more
              best K by SCORE    keep the K that score best against the target: anova (the F
                                 test: f_classif, f_regression), chi2 (non-negative features,
                                 classification) or mutual_information (classification)
              important K from MODEL  keep the K features a trained model found most important
            The recipe shows what was kept and dropped; new rows lose the same columns.
            """,
            examples: ["select bill_length_mm, bill_depth_mm, species", "select variance > 0.01", "select correlated < 0.95",
                       "select best 5 by anova", "select important 10 from tree"], kind: .dataStep,
            complete: { words in
                switch words.first {
                case "best"?: return words.count == 2 ? [.words(["by"])] : [.words(FeatureScore.allCases.map(\.rawValue))]
                case "important"?: return words.count == 2 ? [.words(["from"])] : [.model]
                default: return words.isEmpty ? [.words(["variance", "correlated", "best", "important"]), .column] : [.column]
                }
            },
            parse: { c in
                func followedBy(_ symbol: String) -> Bool {
                    c.index + 1 < c.tokens.count && c.tokens[c.index + 1].kind == .symbol && c.tokens[c.index + 1].text == symbol
                }
                func count() throws -> Int {
                    let token = try c.value("how many features to keep")
                    guard let k = Int(token.text), k >= 1 else {
                        throw Diagnostic(.badValue, "expected how many features to keep (1 or more), found '\(token.text)'", at: token.range, help: "usage: \(c.usage)")
                    }
                    return k
                }
                if c.peekWord("variance"), followedBy(">") {
                    c.index += 2
                    let threshold = try c.number("a variance")
                    try c.expectEnd()
                    return .selectFeatures(.variance(above: threshold.value))
                }
                if c.peekWord("correlated"), followedBy("<") {
                    c.index += 2
                    let threshold = try c.number("a correlation")
                    guard threshold.value > 0, threshold.value <= 1 else {
                        throw Diagnostic(.badValue, "a correlation threshold is above 0 and at most 1", at: threshold.range)
                    }
                    try c.expectEnd()
                    return .selectFeatures(.correlated(below: threshold.value))
                }
                func word(at offset: Int) -> String? {
                    c.index + offset < c.tokens.count && c.tokens[c.index + offset].kind != .symbol ? c.tokens[c.index + offset].text : nil
                }
                // `select best 5 by anova`; `select best, by, anova` names three columns.
                if c.peekWord("best"), Int(word(at: 1) ?? "") != nil || word(at: 1) != nil && word(at: 2) == "by" {
                    c.index += 1
                    let k = try count()
                    try c.expectWord("by")
                    let token = try c.value("a score")
                    guard let score = FeatureScore(rawValue: token.text) else {
                        let names = FeatureScore.allCases.map(\.rawValue)
                        throw Diagnostic(.badValue, "unknown score '\(token.text)'", at: token.range,
                                         help: Suggestions.didYouMean(token.text, among: names) ?? "scores: " + names.joined(separator: ", "))
                    }
                    try c.expectEnd()
                    return .selectFeatures(.best(k: k, by: score))
                }
                if c.peekWord("important"), Int(word(at: 1) ?? "") != nil || word(at: 1) != nil && word(at: 2) == "from" {
                    c.index += 1
                    let k = try count()
                    try c.expectWord("from")
                    let model = try c.only("a model")
                    return .selectFeatures(.important(k: k, model: model, keep: []))
                }
                return .select(columns: try c.names("column names"))
            }),
        CommandSpec(
            name: "rename", stage: .clean, usage: "rename COLUMN to NAME",
            summary: "give a column another name",
            details: "New rows are renamed the same way when a model scores them. The target cannot be renamed.",
            examples: ["rename bill_length_mm to bill_length"], kind: .dataStep,
            complete: { words in words.isEmpty ? [.column] : (words.count == 1 ? [.words(["to"])] : []) },
            parse: { c in
                let from = try c.value("a column name").text
                try c.expectWord("to")
                return .rename(from: from, to: try c.only("a new name"))
            }),
        CommandSpec(
            name: "cast", stage: .clean, usage: "cast COLUMNS to number|text|boolean|date",
            summary: "change the type of columns",
            details: """
            Text becomes numbers where it reads as one, booleans from true/false, yes/no and
            1/0, dates from ISO 8601 (2024-03-31, 2024-03-31T14:30:00, with Z or an offset
            such as +02:00, which is moved to UTC). A value that does not convert is an error
            that names it (turn stand-ins for missing values into missing first, with
            'replace "?" with missing in COLUMN'). Dates do not become numbers: take their
            parts in derive (year, month, day, weekday, hour, days_between).
            """,
            examples: ["cast year to text", "cast horsepower to number", "cast sold_on to date"], kind: .dataStep,
            complete: { words in words.last == "to" ? [.words(ColumnType.allCases.map(\.rawValue))] : [.column, .words(["to"])] },
            parse: { c in
                let columns = try c.names("column names", stopWords: ["to"])
                try c.expectWord("to")
                let token = try c.value("number, text, boolean or date")
                guard let type = ColumnType(rawValue: token.text == "bool" ? "boolean" : token.text) else {
                    throw Diagnostic(.badValue, "expected number, text, boolean or date, found '\(token.text)'", at: token.range,
                                     help: Suggestions.didYouMean(token.text, among: ColumnType.allCases.map(\.rawValue)))
                }
                try c.expectEnd()
                return .cast(columns: columns, type: type)
            }),
        CommandSpec(
            name: "replace", stage: .clean, usage: "replace VALUE with VALUE in COLUMNS",
            summary: "replace one value by another (either may be 'missing') in columns",
            details: """
            Values are read in each column's type: numbers, true/false, or text (quote text
            with spaces). 'replace "?" with missing in horsepower' turns a stand-in into a
            missing value; 'replace missing with 0 in x' fills a constant, as impute does.
            """,
            examples: ["replace \"?\" with missing in horsepower", "replace -999 with missing in ozone",
                       "replace \"n\" with \"no\" in handicapped_infants"], kind: .dataStep,
            complete: { words in words.contains("in") ? [.column] : (words.count == 1 ? [.words(["with"])] : (words.count == 3 ? [.words(["in"])] : [])) },
            parse: { c in
                func value() throws -> String? {
                    let token = try c.value("a value or 'missing'")
                    return token.kind == .word && token.text == "missing" ? nil : token.text
                }
                let from = try value()
                try c.expectWord("with")
                let to = try value()
                try c.expectWord("in")
                let columns = try c.names("column names")
                if from == to { throw Diagnostic(.badValue, "the two values are the same, so nothing would change") }
                return .replace(from: from, to: to, columns: columns)
            }),
        CommandSpec(
            name: "clip", stage: .clean, usage: "clip COLUMNS between LOW and HIGH  |  clip COLUMNS iqr [k=1.5]",
            summary: "limit number columns to a range: given, or learned from the quartiles (outliers)",
            details: """
            Values below the low bound become it, above the high bound become it; missing
            stays missing. 'iqr' learns the bounds Q1 - k·IQR and Q3 + k·IQR (Tukey's fences)
            from the training rows once a split exists, and a model applies them to new rows.
            """,
            examples: ["clip ozone between 0 and 150", "clip numeric iqr", "clip body_mass_g iqr k=3"], kind: .dataStep,
            complete: { words in words.contains("between") || words.contains("iqr") ? [.words(["and", "k="])] : [.column, .words(["between", "iqr"])] },
            parse: { c in
                let columns = try c.names("column names", stopWords: ["between", "iqr"])
                if c.takeWord("between") {
                    let (lower, lowRange) = try c.number("a lower bound")
                    try c.expectWord("and")
                    let (upper, _) = try c.number("an upper bound")
                    guard lower <= upper else {
                        throw Diagnostic(.badValue, "the lower bound \(NumberFormatting.shortest(lower)) is above the upper bound \(NumberFormatting.shortest(upper))", at: lowRange)
                    }
                    try c.expectEnd()
                    return .clip(columns: columns, bounds: .between(lower, upper))
                }
                guard c.takeWord("iqr") else {
                    throw Diagnostic(.missingArgument, c.current.map { "expected 'between' or 'iqr', found '\($0.text)'" } ?? "expected 'between' or 'iqr'",
                                     at: c.current?.range ?? c.endRange, help: "usage: \(c.usage)")
                }
                var k = 1.5
                if c.peekWord("k") {
                    let settings = try c.settings(SettingsSchema([SettingSpec("k", "how many IQRs beyond the quartiles", forms: [.number(0...100, excludingLower: true)], default: .value(.number(1.5)))]))
                    k = settings.first?.value.numberValue ?? 1.5
                }
                try c.expectEnd()
                return .clip(columns: columns, bounds: .iqr(k))
            }),
    ]
}
