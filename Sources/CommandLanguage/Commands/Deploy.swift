import Learning
import Tabular

/// The commands of the 'deploy' stage, in the order `help` lists them.
extension CommandTable {
    static let deployCommands: [CommandSpec] = [
        CommandSpec(
            name: "predict", stage: .deploy, usage: "predict MODEL on TABLE [to PATH]",
            summary: "score the rows of a table with a model, applying the model's preparation",
            details: """
            TABLE holds raw rows, as loaded: the preparation recorded with the model
            (derive, impute, encode, scale, drop) is applied first. The result has the input
            columns plus 'prediction' (and probability_CLASS columns for classifiers); it is
            shown, or written as CSV with 'to PATH'.
            """,
            examples: ["predict logistic on penguins_new", "predict logistic on penguins_new to out/scored.csv"],
            kind: .fileWriting,
            writesFiles: { command in
                if case .predict(_, _, let path) = command { return path != nil }
                return false
            },
            complete: { words in
                switch words.count {
                case 0: return [.model]
                case 1: return [.words(["on"])]
                case 2: return [.table]
                case 3: return [.words(["to"])]
                default: return [.path]
                }
            },
            parse: { c in
                let model = try c.value("a model name").text
                try c.expectWord("on")
                let table = try c.value("a table name").text
                var path: PathArgument?
                if c.takeWord("to") { path = try c.path("a file path") }
                try c.expectEnd()
                return .predict(model: model, table: table, path: path)
            }),
        CommandSpec(
            name: "export", stage: .deploy, usage: "export model NAME to PATH [force]  |  export pipeline [NAME] to DIR",
            summary: "write a model bundle, or a pipeline that retrains the model headless",
            details: """
            A model bundle is a folder with manifest.json (input schema, fitted preparation,
            metrics, lineage), model.json and SHA256SUMS (the SHA-256 of both, as sha256sum
            -c reads it); loading it checks every file and cross-reference and never runs
            code. It is written whole or not at all. When the model's target has a goal, the
            model must meet it on its test rows: a model that fails it (or has no test rows)
            is exported only with 'force', and the bundle records that it failed.
            A pipeline is the slice of this session the model depends on (exploration and
            dead ends dropped), parameterised on its input file; 'mlw run DIR' runs it from
            any directory, since the pipeline names its inputs relative to its own folder.
            Without a NAME, the pipeline takes the best model by the goal metric, else the
            last one trained.
            """,
            examples: ["export model logistic to models/penguins", "export model logistic to models/try force",
                       "export pipeline to pipelines/penguins"],
            kind: .fileWriting,
            complete: { words in
                if words.isEmpty { return [.words(["model", "pipeline"])] }
                if words.last == "to" { return [.path] }
                if words.first == "model", words.count == 4 { return [.words(["force"])] }
                return words.count == 1 ? [.model, .words(["to"])] : [.words(["to"])]
            },
            parse: { c in
                if c.takeWord("model") {
                    let model = try c.value("a model name").text
                    try c.expectWord("to")
                    let path = try c.path("a folder path")
                    let force = c.takeWord("force")
                    try c.expectEnd()
                    return .exportModel(model: model, path: path, force: force)
                }
                if c.takeWord("pipeline") {
                    var model: String?
                    if !c.peekWord("to") { model = try c.value("a model name or 'to'").text }
                    try c.expectWord("to")
                    let path = try c.path("a folder path")
                    try c.expectEnd()
                    return .exportPipeline(model: model, path: path)
                }
                let found = c.current
                throw Diagnostic(.missingArgument, found.map { "expected 'model' or 'pipeline', found '\($0.text)'" } ?? "expected 'model' or 'pipeline'",
                                 at: found?.range ?? c.endRange,
                                 help: found.flatMap { Suggestions.didYouMean($0.text, among: ["model", "pipeline"]) } ?? "usage: \(c.usage)")
            }),
    ]
}
