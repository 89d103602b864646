import Learning
import Tabular

/// Prints commands in their normalised form, the form the journal records.
/// `CommandParser.parse(command.description) == command` is a tested law.
extension Command: CustomStringConvertible {
    public var description: String {
        switch self {
        case .load(let path, let name, let separator):
            var text = "load \(pathText(path))"
            if let name { text += " as \(nameText(name))" }
            if let separator { text += " sep=\(quoted(separator))" }
            return text
        case .tables: return "tables"
        case .use(let table): return "use \(nameText(table))"
        case .head(let count): return "head \(count)"
        case .schema: return "schema"
        case .describe(let columns): return columns.isEmpty ? "describe" : "describe " + nameList(columns)
        case .derive(let name, let expression): return "derive \(nameText(name)) = \(expression)"
        case .filter(let expression): return "filter \(expression)"
        case .drop(let columns): return "drop " + nameList(columns)
        case .impute(let selector, let strategy):
            let how: String
            switch strategy {
            case .mean: how = "mean"
            case .median: how = "median"
            case .mode: how = "mode"
            case .value(let value): how = Double(value) != nil && !value.contains(" ") ? value : quoted(value)
            }
            return "impute \(selectorText(selector)) with \(how)"
        case .encodeOneHot(let selector): return "encode onehot \(selectorText(selector))"
        case .scaleStandard(let selector): return "scale standard \(selectorText(selector))"
        case .recipe: return "recipe"
        case .target(let column, let task): return "target \(nameText(column))" + (task.map { " \($0.rawValue)" } ?? "")
        case .goal(let metric, let comparison, let threshold):
            return "goal \(nameText(metric)) \(comparison.rawValue) \(NumberFormatting.shortest(threshold))"
        case .split(let fraction, let stratify, let seed):
            return "split \(NumberFormatting.shortest(fraction))" + (stratify ? " stratify" : "") + (seed.map { " seed=\($0)" } ?? "")
        case .splitTestTable(let table): return "split test=\(nameText(table))"
        case .train(let algorithm, let name, let settings):
            var text = "train \(algorithm)"
            if let name { text += " \(nameText(name))" }
            let schema = AlgorithmRegistry.named(algorithm)?.settings
            for setting in settings {
                text += " \(setting.key)=" + (schema?.spec(setting.key)?.text(of: setting.value) ?? "\(setting.value)")
            }
            return text
        case .evaluate: return "evaluate"
        case .saveMetrics(let path): return "save metrics to \(pathText(path))"
        case .rules(let model): return "rules \(nameText(model))"
        case .importance(let model): return "importance \(nameText(model))"
        case .predict(let model, let table, let path):
            return "predict \(nameText(model)) on \(nameText(table))" + (path.map { " to \(pathText($0))" } ?? "")
        case .exportModel(let model, let path, let force): return "export model \(nameText(model)) to \(pathText(path))" + (force ? " force" : "")
        case .exportPipeline(let model, let path):
            return "export pipeline" + (model.map { " \(nameText($0))" } ?? "") + " to \(pathText(path))"
        case .param(let name, let value): return "param \(name) = \(quoted(value))"
        case .help(let topic): return topic.map { "help \(nameText($0))" } ?? "help"
        case .history: return "history"
        case .undo: return "undo"
        case .quit: return "quit"
        }
    }
}

/// `$NAME` for a parameter, else the quoted path.
func pathText(_ path: PathArgument) -> String {
    switch path {
    case .literal(let text): return quoted(text)
    case .parameter(let name): return "$" + name
    }
}

/// Double-quoted, with `"` and `\` escaped.
public func quoted(_ text: String) -> String {
    "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
}

/// A name printed bare when it lexes back as one word that is not a keyword.
public func nameText(_ name: String) -> String {
    let reserved: Set<String> = ["numeric", "categorical", "with", "to", "on", "as", "stratify"]
    let plain = !name.isEmpty && !reserved.contains(name) && name.allSatisfy { c in
        !(c == " " || c == "\t" || c == "#" || c == "\"" || c == "'" || c == "`" || c == "$" || Lexer.symbolCharacters.contains(c))
    }
    return plain ? name : quoted(name)
}

func nameList(_ names: [String]) -> String { names.map(nameText).joined(separator: ", ") }

func selectorText(_ selector: ColumnSelector) -> String {
    switch selector {
    case .numeric: return "numeric"
    case .categorical: return "categorical"
    case .columns(let names): return nameList(names)
    }
}
