import Learning
import Tabular

/// Prints commands in their normalised form, the form the journal records.
/// `CommandParser.parse(command.description) == command` is a tested law.
extension Command: CustomStringConvertible {
    public var description: String {
        switch self {
        case .load(let path, let name, let separator, let missing, let sqlite):
            // `sqlite:"file"` reads as one word and a string; `sqlite: $p` needs the space.
            var text = "load " + (sqlite == nil ? "" : path.isParameter ? "sqlite: " : "sqlite:") + pathText(path)
            switch sqlite {
            case .table(let table)?: text += " table=\(nameText(table))"
            case .query(let query)?: text += " query=\(quoted(query))"
            case nil: break
            }
            if let name { text += " as \(nameText(name))" }
            if let separator { text += " sep=\(quoted(separator))" }
            if missing.count == 1 { text += " na=\(quoted(missing[0]))" }
            if missing.count > 1 { text += " na=[" + missing.map(quoted).joined(separator: ", ") + "]" }
            return text
        case .tables: return "tables"
        case .use(let table): return "use \(nameText(table))"
        case .head(let view): return "head" + viewText(view)
        case .tail(let view): return "tail" + viewText(view)
        case .schema: return "schema"
        case .describe(let columns): return columns.isEmpty ? "describe" : "describe " + nameList(columns)
        case .counts(let column, let top, let condition): return "counts \(nameText(column)) top=\(top)" + (condition.map { " where \($0)" } ?? "")
        case .hist(let column, let bins, let condition): return "hist \(nameText(column)) bins=\(bins)" + (condition.map { " where \($0)" } ?? "")
        case .corr(let method, let columns): return "corr \(method.rawValue)" + (columns.isEmpty ? "" : " " + nameList(columns))
        case .profile(let table): return "profile" + (table.map { " " + nameText($0) } ?? "")
        case .relations(let columns): return columns.isEmpty ? "relations" : "relations " + nameList(columns)
        case .missing(let columns): return columns.isEmpty ? "missing" : "missing " + nameList(columns)
        case .bar(let column, let aggregate, let top, let condition):
            return "bar \(nameText(column))" + (aggregate.map { " " + $0.text } ?? "") + " top=\(top)" + (condition.map { " where \($0)" } ?? "")
        case .box(let columns, let by, let condition):
            return "box \(nameList(columns))" + (by.map { " by \(nameText($0))" } ?? "") + (condition.map { " where \($0)" } ?? "")
        case .scatter(let x, let y, let by, let condition):
            return "scatter \(nameText(x)) \(nameText(y))" + (by.map { " by \(nameText($0))" } ?? "") + (condition.map { " where \($0)" } ?? "")
        case .outliers(let selector, let method): return "outliers \(selectorText(selector)) \(method.text)"
        case .group(let keys, let aggregates): return "group \(nameList(keys)) agg " + aggregates.map(\.text).joined(separator: ", ")
        case .crosstab(let rows, let columns): return "crosstab \(nameText(rows)) \(nameText(columns))"
        case .derive(let name, let expression): return "derive \(nameText(name)) = \(expression)"
        case .filter(let expression): return "filter \(expression)"
        case .drop(let columns): return "drop " + nameList(columns)
        case .dropna(let columns): return columns.isEmpty ? "dropna" : "dropna " + nameList(columns)
        case .dedupe(let columns): return columns.isEmpty ? "dedupe" : "dedupe " + nameList(columns)
        case .sort(let keys): return "sort " + keys.map { nameText($0.column) + ($0.descending ? " desc" : "") }.joined(separator: ", ")
        case .sample(let size, let seed):
            let amount: String
            switch size {
            case .rows(let n): amount = String(n)
            case .fraction(let share): amount = NumberFormatting.shortest(share)
            }
            return "sample \(amount)" + (seed.map { " seed=\($0)" } ?? "")
        case .select(let columns): return "select " + nameList(columns)
        case .selectFeatures(let rule):
            switch rule {
            case .important(let k, let model, _): return "select important \(k) from \(nameText(model))"
            default: return "select " + rule.text
            }
        case .join(let table, let keys, let kind): return "join \(nameText(table)) on \(nameList(keys)) \(kind.rawValue)"
        case .append(let table): return "append \(nameText(table))"
        case .rename(let from, let to): return "rename \(nameText(from)) to \(nameText(to))"
        case .cast(let columns, let type): return "cast \(nameList(columns)) to \(type.rawValue)"
        case .replace(let from, let to, let columns):
            return "replace \(valueText(from)) with \(valueText(to)) in \(nameList(columns))"
        case .clip(let columns, let bounds): return "clip \(nameList(columns)) \(bounds.text)"
        case .impute(let selector, let strategy, let indicator):
            let how: String
            switch strategy {
            case .mean: how = "mean"
            case .median: how = "median"
            case .mode: how = "mode"
            case .value(let value): how = Double(value) != nil && !value.contains(" ") ? value : quoted(value)
            }
            return "impute \(selectorText(selector)) with \(how)" + (indicator ? " indicator" : "")
        case .prepare(let verb, let method, let selector, let settings):
            // `bin` names its columns first (bin age quantile bins=4), the others their method.
            var text = verb == "bin" ? "bin \(selectorText(selector)) \(method)"
                : method.isEmpty ? "\(verb) \(selectorText(selector))" : "\(verb) \(method) \(selectorText(selector))"
            let schema = PreparationMethods.named(verb, method)?.settings
            for setting in settings {
                text += " \(setting.key)=" + (schema?.spec(setting.key)?.text(of: setting.value) ?? "\(setting.value)")
            }
            return text
        case .recipe: return "recipe"
        case .features: return "features"
        case .target(let column, let task, let positive):
            return "target \(nameText(column))" + (task.map { " \($0.rawValue)" } ?? "") + (positive.map { " positive=" + nameText($0) } ?? "")
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
        case .evaluate(let models, let byClass): return "evaluate" + (models.isEmpty ? "" : " " + nameList(models)) + (byClass ? " by class" : "")
        case .crossValidate(let folds, let names, let seed):
            return "cv \(folds)" + (names.isEmpty ? "" : " " + nameList(names)) + (seed.map { " seed=\($0)" } ?? "")
        case .trainAuto(let name, let algorithms, let folds, let trials, let metric, let seed):
            return "train auto" + (name.map { " " + nameText($0) } ?? "") + (algorithms.map { " algorithms=[" + $0.joined(separator: ", ") + "]" } ?? "")
                + (folds.map { " cv=\($0)" } ?? "")
                + (trials.map { " trials=\($0)" } ?? "") + (metric.map { " metric=\($0)" } ?? "") + (seed.map { " seed=\($0)" } ?? "")
        case .tune(let request):
            var text = "tune \(request.algorithm)"
            if let name = request.name { text += " \(nameText(name))" }
            let schema = AlgorithmRegistry.named(request.algorithm)?.settings
            for dimension in request.space { text += " " + dimension.text(in: schema) }
            if let folds = request.folds { text += " cv=\(folds)" }
            if let search = request.search { text += " search=\(search.rawValue)" }
            if let trials = request.trials { text += " trials=\(trials)" }
            if let rounds = request.rounds { text += " halving_rounds=\(rounds)" }
            if let metric = request.metric { text += " metric=\(metric)" }
            if let seed = request.seed { text += " seed=\(seed)" }
            return text
        case .saveMetrics(let path): return "save metrics to \(pathText(path))"
        case .saveTable(let table, let path):
            // A table named like the keyword is quoted, so it does not read back as `save metrics`.
            return "save " + (table.map { ($0 == "metrics" ? quoted($0) : nameText($0)) + " " } ?? "") + "to \(pathText(path))"
        case .rules(let model): return "rules \(nameText(model))"
        case .confusion(let model): return "confusion \(nameText(model))"
        case .roc(let models): return "roc " + nameList(models)
        case .precisionRecall(let models): return "pr " + nameList(models)
        case .calibration(let model, let bins): return "calibration \(nameText(model))" + (bins.map { " bins=\($0)" } ?? "")
        case .residuals(let model): return "residuals \(nameText(model))"
        case .elbow(let low, let high, let seed): return "elbow k=\(low)..\(high)" + (seed.map { " seed=\($0)" } ?? "")
        case .explain(let model, let row, let className): return "explain \(nameText(model)) row=\(row)" + (className.map { " class=" + nameText($0) } ?? "")
        case .show(let model): return "show \(nameText(model))"
        case .leaderboard(let sort): return "leaderboard" + (sort.map { " sort=\($0)" } ?? "")
        case .importance(let model, let permutation):
            guard let permutation else { return "importance \(nameText(model))" }
            return "importance \(nameText(model)) permutation" + (permutation.repeats.map { " repeats=\($0)" } ?? "")
                + (permutation.metric.map { " metric=\($0)" } ?? "") + (permutation.seed.map { " seed=\($0)" } ?? "")
        case .threshold(let model, .given(let value)): return "threshold \(nameText(model)) \(NumberFormatting.shortest(value))"
        case .threshold(let model, .removed): return "threshold \(nameText(model)) none"
        case .threshold(let model, .crossValidated(let metric, let folds, let seed)):
            return "threshold \(nameText(model))" + (metric.map { " metric=\($0)" } ?? "") + (folds.map { " cv=\($0)" } ?? "")
                + (seed.map { " seed=\($0)" } ?? "")
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
    let reserved: Set<String> = ["numeric", "categorical", "with", "to", "on", "as", "stratify", "where", "in", "desc",
                                 "between", "and", "iqr", "missing", "indicators", "indicator", "equal", "quantile"]
    let plain = !name.isEmpty && !reserved.contains(name) && name.allSatisfy { c in
        !(c == " " || c == "\t" || c == "#" || c == "\"" || c == "'" || c == "`" || c == "$" || Lexer.symbolCharacters.contains(c))
    }
    return plain ? name : quoted(name)
}

func nameList(_ names: [String]) -> String { names.map(nameText).joined(separator: ", ") }

/// A value of `replace`: `missing`, a number bare, text quoted.
func valueText(_ value: String?) -> String {
    guard let value else { return "missing" }
    return Double(value) != nil && !value.contains(" ") ? value : quoted(value)
}

/// ` N [COLUMNS] [where CONDITION]`, the count always written.
func viewText(_ view: RowView) -> String {
    " \(view.count)" + (view.columns.isEmpty ? "" : " " + nameList(view.columns)) + (view.condition.map { " where \($0)" } ?? "")
}

func selectorText(_ selector: ColumnSelector) -> String {
    switch selector {
    case .numeric: return "numeric"
    case .categorical: return "categorical"
    case .indicators: return "indicators"
    case .columns(let names): return nameList(names)
    }
}
