import Tabular

/// Help text generated from the command table.
public enum Help {
    /// The overview: commands grouped by stage, one line each.
    public static func overview() -> String {
        var lines = ["commands (help COMMAND for details and examples):"]
        for stage in CommandStage.allCases {
            let specs = CommandTable.all.filter { $0.stage == stage }
            guard !specs.isEmpty else { continue }
            lines.append("")
            lines.append("\(stage.rawValue):")
            for spec in specs {
                lines.append("  " + spec.name.padding(toLength: 10, withPad: " ", startingAt: 0) + spec.summary)
            }
        }
        lines.append("")
        lines.append("help selectors: what 'numeric', 'categorical' and 'indicators' choose.")
        lines.append("Lines starting with # are comments. TAB completes; Up/Down and Ctrl-R search history;")
        lines.append("Ctrl-C drops the line or stops a running step (nothing changes); Ctrl-D quits.")
        return lines.joined(separator: "\n")
    }

    /// Usage, summary, details and examples of one command.
    public static func topic(_ name: String) throws -> String {
        if name == "selectors" { return selectors }
        guard let spec = CommandTable.spec(named: name) else {
            throw Diagnostic(.unknownCommand, "no command '\(name)'",
                             help: Suggestions.didYouMean(name, among: CommandTable.names) ?? "'help' lists all commands")
        }
        var lines = ["usage: \(spec.usage)", "", spec.summary]
        if !spec.details.isEmpty { lines += ["", spec.details] }
        if !spec.examples.isEmpty {
            lines += ["", "examples:"] + spec.examples.map { "  \($0)" }
        }
        return lines.joined(separator: "\n")
    }

    /// What the column selectors of the preparation commands choose.
    static let selectors = """
    Preparation commands (impute, encode, scale, transform, bin, poly, pca, …) take a list
    of columns or one of these words. The target is never included.

      numeric       the number and boolean columns the data measured: not the indicator
                    columns that 'encode onehot' and 'impute … indicator' made (methods
                    that take numbers only, as scale, leave booleans out too)
      categorical   the text columns
      indicators    the true/false indicator columns the preparation made
      COLUMNS       the columns named, separated by commas or spaces; a name that is not a
                    plain word is written in quotes or backticks

    'features' lists each column with its kind and the step that made it.
    """

    /// The command reference in Markdown (docs/commands.md is this, checked by a test).
    public static func referenceMarkdown() -> String {
        var out = "# Command reference\n\nGenerated from the command table (`Sources/CommandLanguage/CommandTable.swift`); a test keeps this file in step.\n"
        out += "\n## Selectors\n\n```\n\(selectors)\n```\n"
        for stage in CommandStage.allCases {
            let specs = CommandTable.all.filter { $0.stage == stage }
            guard !specs.isEmpty else { continue }
            out += "\n## \(stage.rawValue)\n"
            for spec in specs {
                out += "\n### \(spec.name)\n\n```\n\(spec.usage)\n```\n\n\(spec.summary).\n"
                if !spec.details.isEmpty { out += "\n\(spec.details)\n" }
                if !spec.examples.isEmpty { out += "\nExamples:\n\n```\n" + spec.examples.joined(separator: "\n") + "\n```\n" }
            }
        }
        return out
    }
}
