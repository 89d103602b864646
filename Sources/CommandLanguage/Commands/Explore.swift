import Learning
import Tabular

/// The commands of the 'explore' stage, in the order `help` lists them.
extension CommandTable {
    static let exploreCommands: [CommandSpec] = [
        CommandSpec(
            name: "head", stage: .explore, usage: "head [N]",
            summary: "show the first N rows of the current table (10 by default)",
            details: "Columns that do not fit the terminal width are left out and named below the table.",
            examples: ["head", "head 5"], kind: .inspection, complete: { _ in [] },
            parse: { c in
                var count = 10
                if !c.isAtEnd {
                    let (value, range) = try c.number("a row count")
                    guard value >= 1, value == value.rounded(), value <= 1_000_000 else {
                        throw Diagnostic(.badValue, "the row count must be a whole number from 1 up", at: range)
                    }
                    count = Int(value)
                }
                try c.expectEnd()
                return .head(count: count)
            }),
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
