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
            the rows (the expression language of 'filter'). Columns that do not fit the
            terminal width are left out and named below the table.
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
            name: "describe", stage: .explore, usage: "describe [COLUMNS]",
            summary: "summary statistics of every column, or of the columns named",
            details: """
            Numbers: count, missing, mean, standard deviation (n-1), minimum, quartiles and
            maximum. Text and booleans: count, missing, distinct values and the most frequent ones.
            """,
            examples: ["describe", "describe bill_length_mm, species"], kind: .inspection,
            complete: { _ in [.column] },
            parse: { c in
                let columns = c.isAtEnd ? [] : try c.names("column names")
                return .describe(columns: columns)
            }),
    ]
}
