import Learning
import Tabular

/// The commands of the 'session' stage, in the order `help` lists them.
extension CommandTable {
    static let sessionCommands: [CommandSpec] = [
        CommandSpec(
            name: "param", stage: .session, usage: "param NAME = VALUE",
            summary: "declare a script parameter, used later as $NAME",
            details: "Replays and pipelines may override it: mlw replay s.mlw --set NAME=VALUE.",
            examples: ["param data = \"datasets/iris.csv\""], kind: .workspaceStep, pipeline: .always, complete: { _ in [] },
            parse: { c in
                let name = try c.value("a parameter name")
                guard Expression.isPlainIdentifier(name.text) else {
                    throw Diagnostic(.badValue, "a parameter name is a plain word, found '\(name.text)'", at: name.range)
                }
                guard c.takeSymbol("=") else { throw Diagnostic(.missingArgument, "expected '='", at: c.current?.range ?? c.endRange, help: "usage: \(c.usage)") }
                let value = try c.value("a value").text
                try c.expectEnd()
                return .param(name: name.text, value: value)
            }),
        CommandSpec(
            name: "help", stage: .session, usage: "help [COMMAND]",
            summary: "list the commands, or explain one with examples",
            details: "", examples: ["help", "help split"], kind: .session,
            complete: { words in words.isEmpty ? [.words(CommandTable.names)] : [] },
            parse: { c in
                let topic = c.optionalValue()?.text
                try c.expectEnd()
                return .help(topic: topic)
            }),
        CommandSpec(
            name: "history", stage: .session, usage: "history",
            summary: "show the steps recorded in this session",
            details: "", examples: ["history"], kind: .session, complete: { _ in [] },
            parse: { c in try c.expectEnd(); return .history }),
        CommandSpec(
            name: "undo", stage: .session, usage: "undo",
            summary: "return the workspace to what it was before the last change",
            details: "Undo is recorded too, so the script always equals the workspace.",
            examples: ["undo"], kind: .session, recorded: true, complete: { _ in [] },
            parse: { c in try c.expectEnd(); return .undo }),
        CommandSpec(
            name: "quit", stage: .session, usage: "quit",
            summary: "leave mlw (Ctrl-D does the same); every step is already saved",
            details: "", examples: ["quit"], kind: .session, complete: { _ in [] },
            parse: { c in try c.expectEnd(); return .quit }),
    ]
}
