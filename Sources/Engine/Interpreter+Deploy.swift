import CommandLanguage
import Learning
import Scoring
import Tabular

/// The deploy stage: `predict` (through the scorer, as `mlw predict` does) and `export`.
extension Interpreter {
    static func predict(_ modelName: String, on tableName: String, to argument: PathArgument?, _ step: inout Step) throws {
        let ws = step.ws
        let path = try argument?.resolved(in: ws.parameters)
        let model = try model(named: modelName, ws)
        guard let table = ws.table(named: tableName) else { throw noSuchTable(tableName, ws) }
        guard (ws.preparations[tableName] ?? FittedRecipe()).isEmpty else {
            throw Diagnostic(.badValue, "'\(tableName)' has been changed since it was loaded",
                             help: "predict takes rows as loaded and applies the model's own preparation; load the file again under another name")
        }
        let scored: Table
        do { scored = try Scorer.scoredTable(model.scoring, rawTable: table) } catch let error as ScoringError {
            throw Diagnostic(.dataError, "cannot score '\(tableName)' with '\(modelName)': \(error)")
        }
        if let path {
            try writeFile(to: path) { try CSVWriter.write(scored, to: path) }
            step.output.blocks.append(.success("wrote \(Plural.count(scored.rowCount, "prediction")) to \(path)"))
        } else {
            step.output.blocks.append(.table(Rendering.rows(of: scored, limit: 10, target: nil)))
            if scored.rowCount > 10 { step.output.blocks.append(.note("10 of \(scored.rowCount) rows; add 'to PATH' to write them all")) }
        }
    }

    static func exportModel(_ modelName: String, to argument: PathArgument, force: Bool, _ step: inout Step) throws {
        let ws = step.ws
        let path = try argument.resolved(in: ws.parameters)
        let model = try model(named: modelName, ws)
        // The goal gates the export: a model that fails it, or cannot be checked, is
        // exported only when asked explicitly, and the bundle says so.
        let goal = ws.goals[model.target]
        let check = goal.map { Evaluating.check(model, against: $0, in: step.ws) }
        if let goal, let check, !check.passed {
            let problem: String
            if case .failed(let value) = check {
                problem = "'\(model.name)' fails its goal: \(goal.metric) is \(Evaluating.format(value)), the goal is \(goal.text)"
            } else {
                problem = "'\(model.name)' has no test rows to check its goal (\(goal.text)) on"
            }
            guard force else {
                throw Diagnostic(.notReady, problem, help: "export it anyway with: \(Command.exportModel(model: modelName, path: argument, force: true))")
            }
            step.output.blocks.append(.warning(problem + "; exported as asked (the bundle records it)"))
        }
        do {
            try ModelBundle.write(model.scoring, metrics: Evaluating.metrics(of: model, in: step.ws) ?? [], goal: goal?.text, goalMet: check?.passed, to: path)
        } catch let error as ScoringError {
            throw Diagnostic(.cannotWrite, error.description)
        }
        step.output.blocks.insert(.success("wrote model bundle \(path) (\(model.name): \(model.algorithm), \(Plural.count(model.preparation.count, "preparation step")))"), at: 0)
    }

    static func exportPipeline(_ modelName: String?, to argument: PathArgument, _ step: inout Step, _ context: EngineContext) throws {
        let path = try argument.resolved(in: step.ws.parameters)
        let model = try PipelineExport.chooseModel(modelName, step.ws)
        let written = try PipelineExport.write(model: model, workspace: step.ws, script: context.effectiveScript, to: path)
        step.output.blocks.append(.success("wrote pipeline \(path) for model '\(model.name)': \(Plural.count(written.steps, "step")) (\(written.dropped) exploration and dead-end steps left out)"))
        step.output.blocks.append(.note("run it with: mlw run \(path) [--set data=OTHER.csv]"))
    }
}
