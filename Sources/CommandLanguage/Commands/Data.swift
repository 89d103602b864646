import Learning
import Tabular

/// The commands of the 'data' stage, in the order `help` lists them.
extension CommandTable {
    static let dataCommands: [CommandSpec] = [
        CommandSpec(
            name: "load", stage: .data, usage: "load PATH [as NAME] [sep=\",\"] [na=\"?\" | na=[\"?\", \"-\"]]",
            summary: "read a CSV file into a table and make it current",
            details: """
            The header names the columns. The separator is detected from the header line
            (comma, semicolon, tab or pipe) unless sep= is given. Quoted fields may hold
            separators, quotes ("") and newlines. Empty fields, NA, N/A, NaN and null are
            missing values, and so are the values given with na= (a stand-in such as "?" or
            "-999": a column that holds numbers and "?" then loads as numbers). A model
            trained on the table reads new files with the same markers. Columns become
            numbers, booleans (true/false) or text. The table is named after the file
            unless 'as NAME' is given.
            """,
            examples: ["load datasets/iris.csv", "load \"data/my file.csv\" as raw sep=\";\"", "load survey.csv na=[\"?\", \"-\"]"],
            kind: .dataStep,
            complete: { words in words.isEmpty ? [.path] : [.words(["as", "sep=", "na="])] },
            parse: { c in
                let path = try c.path("a file path")
                var name: String?
                var separator: String?
                var missing: [String] = []
                while !c.isAtEnd {
                    if c.takeWord("as") {
                        name = try c.value("a table name").text
                    } else if c.peekWord("sep") {
                        c.index += 1
                        guard c.takeSymbol("=") else { throw Diagnostic(.badOption, "expected sep=\",\"", at: c.current?.range ?? c.endRange) }
                        let token = try c.value("a separator")
                        let sep = token.text == "\\t" || token.text == "tab" ? "\t" : token.text
                        guard sep.utf8.count == 1 else {
                            throw Diagnostic(.badValue, "a separator is one character, found '\(token.text)'", at: token.range)
                        }
                        guard !CSVReader.forbiddenSeparators.contains(sep.utf8.first!) else {
                            throw Diagnostic(.badValue, "a quote or a line break cannot separate fields", at: token.range)
                        }
                        separator = sep
                    } else if c.peekWord("na") {
                        c.index += 1
                        guard c.takeSymbol("=") else { throw Diagnostic(.badOption, "expected na=\"?\"", at: c.current?.range ?? c.endRange) }
                        missing = try c.valueList("a missing-value marker")
                        if missing.contains("") {
                            throw Diagnostic(.badValue, "an empty field is missing already; na= takes other markers, such as \"?\"")
                        }
                    } else {
                        try c.expectEnd()
                    }
                }
                return .load(path: path, name: name, separator: separator, missing: missing)
            }),
        CommandSpec(
            name: "tables", stage: .data, usage: "tables",
            summary: "list the loaded tables with their sizes",
            details: "The current table is marked with *.",
            examples: ["tables"], kind: .inspection, complete: { _ in [] },
            parse: { c in try c.expectEnd(); return .tables }),
        CommandSpec(
            name: "use", stage: .data, usage: "use TABLE",
            summary: "make another loaded table the current one",
            details: "Commands that read or change data work on the current table.",
            examples: ["use penguins"], kind: .dataStep, complete: { words in words.isEmpty ? [.table] : [] },
            parse: { c in .use(table: try c.only("a table name")) }),
        CommandSpec(
            name: "save", stage: .data, usage: "save [TABLE] to PATH  |  save metrics to PATH",
            summary: "write a table (the current one unless named) as CSV, TSV or JSON Lines, or the last evaluation as JSON",
            details: """
            The format follows the file's extension: .csv, .tsv (tab-separated) or .jsonl
            (one JSON object per row; missing values are null). The file is written whole or
            not at all (a temporary file renamed into place). 'save metrics to PATH' writes
            the last evaluation: the target, the task and each model's metrics. To save a
            table named metrics, quote its name.
            """,
            examples: ["save to out/penguins_clean.csv", "save penguins to out/penguins.jsonl", "save metrics to out/metrics.json"],
            kind: .fileWriting,
            complete: { words in words.isEmpty ? [.table, .words(["to", "metrics"])] : (words.last == "to" ? [.path] : [.words(["to"])]) },
            parse: { c in
                if let token = c.current, token.kind == .word, token.text == "metrics" {
                    c.index += 1
                    try c.expectWord("to")
                    let path = try c.path("a file path")
                    try c.expectEnd()
                    return .saveMetrics(path: path)
                }
                var table: String?
                if !c.peekWord("to") { table = try c.value("a table name or 'to'").text }
                try c.expectWord("to")
                let path = try c.path("a file path")
                try c.expectEnd()
                return .saveTable(table: table, path: path)
            }),
    ]
}
