import CommandLanguage
import Foundation
import Learning
import Tabular

/// `export pipeline`: the slice of the script a model depends on, parameterised on its
/// input files, written as a folder that `mlw run` executes headless.
public enum PipelineExport {
    /// The model named, or the best by the goal metric, or the last trained.
    static func chooseModel(_ name: String?, _ ws: Workspace) throws -> TrainedModel {
        if let name {
            guard let model = ws.model(named: name) else { throw Interpreter.noSuchModel(name, ws) }
            return model
        }
        guard let last = ws.models.last else {
            throw Diagnostic(.notReady, "no models to export", help: Interpreter.trainFirst(ws))
        }
        // The best by the goal among the models of the last model's target.
        if let goal = ws.goals[last.target],
           let best = best(by: goal, among: Evaluating.rows(ws.models.filter { $0.target == last.target }, in: ws)),
           let model = ws.model(named: best.model) {
            return model
        }
        return last
    }

    static func best(by goal: Goal, among rows: [Evaluation.Row]) -> Evaluation.Row? {
        let candidates = rows.filter { row in row.value(of: goal.metric).map { !$0.isNaN } ?? false }
        let higher = Metrics.higherIsBetter(goal.metric)
        // max(by:) keeps the last of equal elements; ties should go to the earlier model.
        return candidates.reversed().max { a, b in
            let x = a.value(of: goal.metric)!, y = b.value(of: goal.metric)!
            return higher ? x < y : x > y
        }
    }

    /// The steps of `script` that shape the given tables: parameters, loads, data steps,
    /// target, goal and split, and those of the tables joined or appended to them up to
    /// that join, each from its last load. Exploration, other tables' steps and models drop out.
    static func slice(for table: String, testTable: String?, script: [JournalEntry]) -> [JournalEntry] {
        // Backwards, so a table joined in counts from its join back to its load.
        var tables = Set([table, testTable].compactMap { $0 })
        var kept: [JournalEntry] = []
        for entry in script.reversed() {
            let keep: Bool
            switch entry.command.spec.pipeline {
            case .always: keep = true
            case .ofModelTables: keep = entry.table.map(tables.contains) ?? false
            case .never: keep = false
            }
            guard keep else { continue }
            kept.append(entry)
            switch entry.command {
            case .join(let other, _, _), .append(let other): tables.insert(other)
            // What came before a table's load does not shape it.
            case .load(_, let name?, _, _, _): tables.remove(name)
            default: break
            }
        }
        return kept.reversed()
    }

    /// Writes `pipeline.mlw` and a README into `path`.
    static func write(model: TrainedModel, workspace ws: Workspace, script: [JournalEntry], to path: String) throws -> (steps: Int, dropped: Int) {
        // The step that made the model: a train, or a tune or train auto (whose model's
        // lineage ends with the plain train of the settings they chose: a pipeline refits
        // those without searching again).
        let trainEntryIndex = script.lastIndex { entry in
            switch entry.command {
            case .train(_, let name, _): return name == model.name
            case .tune(let request): return request.name == model.name
            case .trainAuto(let name, _, _, _, _, _): return name == model.name
            default: return false
            }
        }
        guard let trainEntryIndex else {
            throw Diagnostic(.notReady, "the session has no 'train' step for '\(model.name)' (was it undone?)")
        }
        let before = Array(script[..<trainEntryIndex])
        let sourceTable = script[trainEntryIndex].table ?? ws.current ?? ""
        var testTable: String?
        for entry in before where entry.table == sourceTable {
            if case .splitTestTable(let name) = entry.command { testTable = name }
            if case .split = entry.command { testTable = nil }
        }
        let steps = slice(for: sourceTable, testTable: testTable, script: before)
        var lines = [
            "# mlw pipeline: trains and evaluates model '\(model.name)' (\(model.algorithm)) on \(model.target)",
            "# exported \(ISO8601DateFormatter().string(from: Date())) from the session's recorded steps;",
            "# run with: mlw run DIR [--set data=OTHER.csv] [--out OUTDIR]",
            // A later mlw runs the steps with the meanings they had here (`Workspace.rulesVersion`).
            "# its steps mean what they meant in journals of fingerprints v\(ws.rulesVersion)",
        ]
        // Input paths in a pipeline are relative to its folder, so it runs from anywhere.
        let folder = FilePaths.absolute(path)
        func inFolderTerms(_ input: String) -> String {
            input.hasPrefix("/") || input.hasPrefix("~") ? input : FilePaths.relative(of: FilePaths.absolute(input), from: folder)
        }
        // Parameters the session declared, and those of them that loads read as paths.
        var sessionParameters: Set<String> = []
        var pathParameters: Set<String> = []
        for entry in steps {
            if case .param(let name, _) = entry.command { sessionParameters.insert(name) }
            if case .load(.parameter(let name), _, _, _, _) = entry.command { pathParameters.insert(name) }
        }
        // Each load of a literal path gets a parameter: `data` for the model's table,
        // `NAME_data` for others (never a name the session declared itself).
        var parameterOfPath: [String: String] = [:]
        var declared: [(name: String, path: String)] = []
        for entry in steps {
            guard case .load(.literal(let path), let name?, _, _, _) = entry.command, parameterOfPath[path] == nil else { continue }
            var parameter = name == sourceTable ? "data" : "\(name)_data"
            var k = 2
            while sessionParameters.contains(parameter) || declared.contains(where: { $0.name == parameter }) {
                parameter = (name == sourceTable ? "data" : "\(name)_data") + "_\(k)"; k += 1
            }
            parameterOfPath[path] = parameter
            declared.append((parameter, path))
            lines.append(Command.param(name: parameter, value: inFolderTerms(path)).description)
        }
        for entry in steps {
            switch entry.command {
            case .load(.literal(let path), let name, let separator, let missing, let sqlite):
                lines.append(Command.load(path: .parameter(parameterOfPath[path]!), name: name, separator: separator, missing: missing, sqlite: sqlite).description)
            case .param(let name, let value) where pathParameters.contains(name):
                lines.append(Command.param(name: name, value: inFolderTerms(value)).description)
            default:
                lines.append(entry.text)
            }
        }
        let parameterList = declared.map { ($0.name, $0.path) } + pathParameters.sorted().compactMap { name in
            steps.lazy.compactMap { entry -> (String, String)? in
                if case .param(name, let value) = entry.command { return (name, value) }
                return nil
            }.last
        }
        if case .train = script[trainEntryIndex].command {
            lines.append(script[trainEntryIndex].text)
        } else {
            guard let train = model.lineage.last, train.hasPrefix("train ") else {
                throw Diagnostic(.notReady, "'\(model.name)' records no train line of its chosen settings")
            }
            lines.append(train)
        }
        // The model's decision threshold, as last set after that training.
        let lastThreshold = script[(trainEntryIndex + 1)...].last { entry in
            if case .threshold(let name, _) = entry.command { return name == model.name }
            return false
        }
        var modelSteps = 2
        if let lastThreshold, case .threshold(_, let choice) = lastThreshold.command, choice != .removed {
            lines.append(lastThreshold.text)
            modelSteps += 1
        }
        lines.append("evaluate")
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            try (lines.joined(separator: "\n") + "\n").write(toFile: FilePaths.join(path, "pipeline.mlw"),
                                                              atomically: true, encoding: .utf8)
            let readme = """
            # Pipeline for model `\(model.name)`

            Exported by mlw. `pipeline.mlw` holds the steps the model depends on (loading,
            preparation, target, split, training and evaluation), with its input file as
            the parameter `data`. Paths inside `pipeline.mlw` are relative to this folder,
            so it runs from any directory; a path given with `--set` is relative to the
            directory you run from, as usual on a command line.

            ```sh
            mlw run \(path)                            # metrics.json and the model bundle in \(path)/out
            mlw run \(path) --set data=new.csv --out build
            ```

            Declared parameters: \(parameterList.map { "`\($0.0)` (default `\(inFolderTerms($0.1))`)" }.joined(separator: ", ")).

            """
            try readme.write(toFile: FilePaths.join(path, "README.md"), atomically: true, encoding: .utf8)
        } catch {
            throw Diagnostic(.cannotWrite, "cannot write the pipeline '\(path)': \(error.localizedDescription)")
        }
        let kept = steps.count + modelSteps
        return (kept, max(0, script.count - steps.count - modelSteps + 1))
    }

    /// The parameters a pipeline reads files through (`load $NAME`): `mlw run` takes their
    /// `--set` values relative to the directory it runs in.
    public static func pathParameters(in lines: [String]) -> Set<String> {
        var names: Set<String> = []
        for line in lines {
            let words = line.split(separator: " ", omittingEmptySubsequences: true)
            if words.count >= 2, words[0] == "load", words[1].hasPrefix("$") { names.insert(String(words[1].dropFirst())) }
        }
        return names
    }

    private static func quotedText(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
