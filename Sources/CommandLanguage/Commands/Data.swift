import Learning
import Tabular

/// The commands of the 'data' stage, in the order `help` lists them.
extension CommandTable {
    static let dataCommands: [CommandSpec] = [
        CommandSpec(
            name: "load", stage: .data,
            usage: "load PATH [as NAME] [sep=\",\"] [na=\"?\" | na=[\"?\", \"-\"]]  |  load sqlite:PATH table=NAME [as NAME]  |  load sqlite:PATH query=\"SELECT …\" as NAME",
            summary: "read a CSV, TSV or JSON Lines file, or a table or query of a SQLite file, into a table and make it current",
            details: """
            The header names the columns. The separator is detected from the header line
            (comma, semicolon, tab or pipe) unless sep= is given. Quoted fields may hold
            separators, quotes ("") and newlines. Empty fields, NA, N/A, NaN and null are
            missing values, and so are the values given with na= (a stand-in such as "?" or
            "-999": a column that holds numbers and "?" then loads as numbers). A model
            trained on the table reads new files with the same markers. Columns become
            numbers, booleans (true/false), dates (every value an ISO 8601 date or
            timestamp, such as 2024-03-31 or 2024-03-31T14:30:00+02:00, kept in UTC) or
            text. The table is named after the file
            unless 'as NAME' is given. Files ending .jsonl or .ndjson are JSON Lines (one
            flat object per line).

            'sqlite:PATH' reads a SQLite file, read-only: a whole table or view (table=), or
            the rows of a SELECT (query=, which needs 'as NAME'). INTEGER and REAL values
            become numbers, TEXT text (or dates, as above), NULL missing; BLOB columns are refused. The session
            records the query and a hash of the rows, so 'mlw replay --verify' notices when
            the data behind it has changed.
            """,
            examples: ["load datasets/iris.csv", "load \"data/my file.csv\" as raw sep=\";\"", "load survey.csv na=[\"?\", \"-\"]",
                       "load sqlite:shop.db table=orders", "load sqlite:shop.db query=\"SELECT * FROM orders WHERE year >= 2020\" as recent"],
            kind: .dataStep,
            complete: { words in words.isEmpty ? [.path, .words(["sqlite:"])] : [.words(words[0].hasPrefix("sqlite:") ? ["as", "table=", "query="] : ["as", "sep=", "na="])] },
            parse: { c in
                // `sqlite:file.db` is one word; `sqlite:"my file.db"` and `sqlite: $p` two tokens.
                var sqliteStart: SourceRange?
                var path: PathArgument
                if let token = c.current, token.kind == .word, token.text.hasPrefix("sqlite:") {
                    sqliteStart = token.range
                    if token.text == "sqlite:" {
                        c.index += 1
                        if c.peekWord("table") || c.peekWord("query") {
                            throw Diagnostic(.missingArgument, "expected the path of a SQLite file after sqlite:", at: token.range, help: "usage: \(c.usage)")
                        }
                        path = try c.path("the path of a SQLite file after sqlite:")
                    } else {
                        c.index += 1
                        path = .literal(String(token.text.dropFirst("sqlite:".count)))
                    }
                } else {
                    path = try c.path("a file path")
                }
                var name: String?
                var separator: String?
                var missing: [String] = []
                var selection: SQLiteSelection?
                while !c.isAtEnd {
                    if sqliteStart != nil, c.peekWord("table") || c.peekWord("query") {
                        let key = c.current!
                        c.index += 1
                        guard c.takeSymbol("=") else { throw Diagnostic(.badOption, "expected \(key.text)=…", at: c.current?.range ?? c.endRange) }
                        let value = try c.value(key.text == "table" ? "a table name" : "a query in quotes")
                        guard selection == nil else { throw Diagnostic(.badOption, "give table= or query=, once", at: key.range) }
                        guard !value.text.trimmingCharacters(in: .whitespaces).isEmpty else { throw Diagnostic(.badValue, "\(key.text)= is empty", at: value.range) }
                        selection = key.text == "table" ? .table(value.text) : .query(value.text)
                    } else if c.takeWord("as") {
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
                if let sqliteStart {
                    guard let selection else {
                        throw Diagnostic(.missingArgument, "a SQLite file needs table=NAME or query=\"SELECT …\"", at: c.endRange, help: "usage: \(c.usage)")
                    }
                    if separator != nil || !missing.isEmpty {
                        throw Diagnostic(.badOption, "sep= and na= are for text files; SQLite values have their types", at: sqliteStart)
                    }
                    if case .query = selection, name == nil {
                        throw Diagnostic(.missingArgument, "name the table a query makes: … as NAME", at: c.endRange)
                    }
                    if case .literal(let text) = path, text.isEmpty { throw Diagnostic(.missingArgument, "expected a file path after sqlite:", at: sqliteStart) }
                }
                return .load(path: path, name: name, separator: separator, missing: missing, sqlite: selection)
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
