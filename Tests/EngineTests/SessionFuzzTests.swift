import CommandLanguage
import Foundation
import FuzzSupport
import Learning
import Tabular
import Testing
@testable import Engine

/// Random sessions through the engine with no terminal: lines built from the command
/// table's verbs and the workspace's own names, with wrong values, odd names, files that
/// are not CSV, emptied tables and undo at any point. Properties: no crash, no failure
/// that is a bug (`internal error`), and the journal of every session replays with every
/// fingerprint matching.
struct SessionFuzzTests {
    struct LineGenerator {
        let directory: String
        static let readable = ["datasets/iris.csv", "datasets/penguins.csv", "datasets/airquality.csv", "datasets/house_votes84.csv",
                               "Tests/EngineTests/Fixtures/collide.csv", "Tests/EngineTests/Fixtures/odd_names.csv",
                               "Tests/EngineTests/Fixtures/one_row.csv", "Tests/EngineTests/Fixtures/overflow.csv",
                               "x", "/", "/dev/null", "datasets", "nope.csv", "~/nope.csv", "sessions/penguins.mlw",
                               "Tests/EngineTests/Fixtures/question_marks.csv"]
        static let names = ["t", "u", "my t", "a=b", "with", "x", "1st", "é", "m", "logistic", "linear", "model 2"]
        static let numbers = ["0", "1", "-1", "0.5", "0.8", "0.99", "2", "1e6", "1e999", "nan", "inf", "x", "3.5", "100000", "1e-9"]

        func written(_ random: inout FuzzRandom) -> String {
            quoted(directory + "/" + random.pick(["out/p.csv", "out/m.json", "out/b", "out/pipe", "x", "out", "out/p.csv/y"]))
        }

        func quoted(_ text: String) -> String { "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }

        func name(_ text: String) -> String {
            text.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" } && !(text.first?.isNumber ?? true) ? text : quoted(text)
        }

        /// Datasets with a target that suits them.
        static let datasets: [(path: String, target: String)] = [
            ("datasets/iris.csv", "species"), ("datasets/penguins.csv", "species"), ("datasets/airquality.csv", "Ozone"),
            ("datasets/auto_mpg.csv", "mpg"), ("datasets/house_votes84.csv", "party"), ("datasets/breast_cancer.csv", "diagnosis"),
            ("Tests/EngineTests/Fixtures/dates.csv", "amount"),
        ]

        /// The first lines of a session: a real table, usually its target and the usual
        /// preparation, often a split, sometimes a second, raw copy to predict on.
        func prefix(_ random: inout FuzzRandom) -> [String] {
            let (path, target) = random.pick(Self.datasets)
            let tableName = random.chance(0.3) ? random.pick(Self.names) : FilePaths.fileName(of: path).replacingOccurrences(of: ".csv", with: "")
            var lines = ["load \(quoted(path)) as \(name(tableName))"]
            if random.chance(0.3) { lines += ["load \(quoted(path)) as raw", "use \(name(tableName))"] }
            guard random.chance(0.85) else { return lines }
            lines.append("target \(target)")
            if random.chance(0.7) { lines.append("filter \(target) is not missing") }
            if random.chance(0.7) { lines.append("split \(random.pick(["0.7", "0.8", "0.5"]))" + (random.chance(0.5) ? " stratify" : "") + " seed=\(random.below(100))") }
            if random.chance(0.8) { lines.append("impute numeric with \(random.pick(["median", "mean"]))") }
            if random.chance(0.8) { lines.append("impute categorical with mode") }
            if random.chance(0.8) { lines.append("encode onehot categorical") }
            if random.chance(0.4) { lines.append("scale standard numeric") }
            return lines
        }

        /// An expression of the right type over the current table's columns, usually.
        func typed(_ table: Table?, condition: Bool, _ random: inout FuzzRandom, depth: Int = 0) -> String {
            let numbers = table?.columns.filter { $0.type != .text }.map { Tabular.Expression.quoteIdentifier($0.name) } ?? []
            let texts = table?.columns.filter { $0.type == .text } ?? []
            func number(_ depth: Int) -> String {
                if depth > 3 || random.chance(0.35) {
                    return numbers.isEmpty || random.chance(0.3) ? random.pick(["1", "2.5", "0", "1e6", "-3", "0.001"]) : random.pick(numbers)
                }
                switch random.below(6) {
                case 0, 1, 2: return "\(number(depth + 1)) \(random.pick(["+", "-", "*", "/", "^", "%"])) \(number(depth + 1))"
                case 3: return "\(random.pick(["abs", "sqrt", "log", "log10", "exp", "round", "floor", "ceil"]))(\(number(depth + 1)))"
                case 4: return "\(random.pick(["min", "max", "pow", "coalesce"]))(\(number(depth + 1)), \(number(depth + 1)))"
                default: return "if(\(boolean(depth + 1)), \(number(depth + 1)), \(number(depth + 1)))"
                }
            }
            func boolean(_ depth: Int) -> String {
                if depth > 3 || random.chance(0.4) {
                    if let text = texts.isEmpty ? nil : random.pick(texts), random.chance(0.5),
                       case .text(_, let dictionary) = text.data, let value = dictionary.isEmpty ? nil : random.pick(dictionary) {
                        return "\(Tabular.Expression.quoteIdentifier(text.name)) \(random.pick(["==", "!="])) \(quoted(value))"
                    }
                    if random.chance(0.2), let any = table?.columns.randomElement(using: &random) {
                        return "\(Tabular.Expression.quoteIdentifier(any.name)) is \(random.chance(0.5) ? "not " : "")missing"
                    }
                    return "\(number(depth + 1)) \(random.pick(["<", "<=", ">", ">=", "==", "!="])) \(number(depth + 1))"
                }
                switch random.below(3) {
                case 0: return "\(boolean(depth + 1)) \(random.pick(["and", "or"])) \(boolean(depth + 1))"
                case 1: return "not (\(boolean(depth + 1)))"
                default: return "(\(boolean(depth + 1)))"
                }
            }
            return condition ? boolean(depth) : number(depth)
        }

        func line(_ ws: Workspace, _ random: inout FuzzRandom) -> String {
            let table = ws.currentTable
            let columns = table?.columnNames ?? []
            let features = columns.filter { $0 != ws.target?.column }
            let wrong = random.chance(0.15)  // a value that should be refused, now and then
            func column(_ from: [String]? = nil) -> String {
                let pool = from ?? columns
                return pool.isEmpty || wrong ? random.pick(Self.names) : name(random.pick(pool))
            }
            func columnList() -> String { (0..<(1 + random.below(3))).map { _ in column(features) }.joined(separator: random.chance(0.8) ? ", " : " ") }
            func selector() -> String { random.chance(0.6) ? random.pick(["numeric", "categorical", "indicators"]) : columnList() }
            func tableName() -> String { ws.tables.isEmpty || wrong ? random.pick(Self.names) : name(random.pick(ws.tables.map(\.name))) }
            func model() -> String { ws.models.isEmpty || wrong ? random.pick(Self.names) : name(random.pick(ws.models.map(\.name))) }
            func expression(condition: Bool) -> String {
                if random.chance(0.06) { return random.pick(["false", "true"]) }
                if wrong || random.chance(0.1) {
                    return Generators.expression(columns: columns.map { Tabular.Expression.quoteIdentifier($0) }, functions: ExpressionFunctions.names, &random)
                }
                return typed(table, condition: condition, &random)
            }
            // An algorithm for the target's task, from the registry (new ones are reached unasked).
            let algorithm = random.pick(AlgorithmRegistry.solving(ws.target?.task ?? .classification)).name
            let raw = ws.tables.first { (ws.preparations[$0.name]?.steps ?? []).isEmpty && $0.name != ws.current }?.name
            var line: String
            // Once there are models, the steps that use them come up more often.
            let choice = !ws.models.isEmpty && random.chance(0.35) ? random.pick([23, 23, 24, 25, 26]) : random.below(31)
            switch choice {
            case 0 where random.chance(0.15):
                let file = quoted(random.chance(0.8) ? repositoryRoot + "/datasets/penguins.db" : random.pick(Self.datasets).path)
                line = "load sqlite:" + file + " " + random.pick([
                    "table=penguins", "table=gentoo", "table=nope", "query=\"SELECT * FROM penguins WHERE year > 2007\" as q",
                    "query=\"SELECT species, count(*) AS n FROM penguins GROUP BY species\" as counts", "query=\"SELEC\" as q", "query=\"SELECT 1\"",
                    "table=penguins as " + name(random.pick(Self.names)),
                ])
            case 0:
                line = "load " + quoted(random.chance(0.7) ? random.pick(Self.datasets).path : random.chance(0.6) ? random.pick(Self.readable)
                                        : directory + "/" + random.pick(["out/p.csv", "out/m.json", "out/pipe/pipeline.mlw", "out/b/manifest.json", "out/t.jsonl", "out/t.tsv"]))
                if random.chance(0.5) { line += " as " + name(random.pick(Self.names)) }
                if random.chance(0.1) { line += " sep=" + random.pick(["\",\"", "\";\"", "\"\\t\"", "\"1\"", "\"\"", "tab", "\"\\\"\""]) }
            case 1: line = "use " + tableName()
            case 2: line = random.pick(["tables", "schema", "history", "evaluate", "undo", "undo", "recipe", "help", "help " + random.pick(CommandTable.names + ["nope"])])
            case 3: line = "head" + (random.chance(0.5) ? " " + random.pick(Self.numbers) : "")
            case 4: line = "describe" + (random.chance(0.5) ? " " + columnList() : "")
            case 5, 6, 7: line = "derive " + (random.chance(0.2) ? column() : name(random.pick(Self.names))) + " = " + expression(condition: random.chance(0.3))
            case 8, 9: line = "filter " + expression(condition: true)
            case 10: line = "drop " + (random.chance(0.05) ? columns.map(name).joined(separator: ", ") : columnList())
            case 11, 12: line = "impute \(selector()) with " + (wrong ? random.pick(["0", "\"unknown\"", "true", "x", "1e999", "mean"]) : random.pick(["median", "mode", "mean"]))
                + (random.chance(0.3) ? " indicator" : "")
            case 13, 14, 15:
                // Every method of every verb in the registry (new ones are reached unasked), with its settings.
                let method = random.pick(PreparationMethods.all)
                let columnsPart = random.chance(0.6) ? (method.takes == .numbers ? "numeric" : random.pick(["categorical", "indicators"])) : selector()
                line = method.verb == "bin" ? "bin \(columnsPart) \(method.name)" : "\(method.verb) \(wrong ? random.pick(["nope", method.name]) : method.name) \(columnsPart)"
                for _ in 0..<random.below(3) {
                    guard !method.settings.specs.isEmpty, !wrong || random.chance(0.5) else {
                        line += " " + random.pick(["drop", "bins", "folds", "smooth", "unseen", "nope"]) + "=" + random.pick(Self.numbers + ["first", "auto", "none"])
                        continue
                    }
                    let spec = random.pick(method.settings.specs)
                    line += " \(spec.key)=" + settingValue(spec)
                }
            case 16: line = "target " + column() + (random.chance(0.3) ? " " + random.pick(["classification", "regression", "clustering"]) : "")
                + (random.chance(0.2) ? " positive=" + random.pick(["1", "0", "yes", "setosa", "Adelie", "\"x y\""]) : "")
            case 17: line = "goal " + (wrong ? random.pick(["speed", "rmse", "accuracy"]) : ws.target?.task == .regression ? random.pick(["rmse", "mae", "r2"]) : random.pick(["accuracy", "f1_macro", "auc"]))
                + " " + random.pick([">=", "<="]) + " " + (wrong ? random.pick(Self.numbers) : random.pick(["0.5", "0.9", "0.99", "3", "10"]))
            case 18:
                line = random.chance(0.15) ? "split test=" + tableName()
                    : "split " + (wrong ? random.pick(Self.numbers) : random.pick(["0.7", "0.8", "0.6"])) + (random.chance(0.5) ? " stratify" : "") + (random.chance(0.7) ? " seed=\(random.below(1000))" : "")
            case 19, 20, 21, 22:
                let chosen = wrong ? random.pick(AlgorithmRegistry.all.map(\.name) + ["boosted"]) : algorithm
                line = "train " + chosen
                if random.chance(0.4) { line += " " + name(random.pick(Self.names)) }
                let schema = AlgorithmRegistry.named(chosen)?.settings
                for _ in 0..<random.below(wrong ? 3 : 3) {
                    guard let spec = schema.map({ random.pick($0.specs) }), !wrong || random.chance(0.5) else {
                        line += " " + random.pick(["l2", "max_iter", "k", "max_depth", "criterion"]) + "=" + random.pick(Self.numbers + ["gini", "none", "[1, 2]"])
                        continue
                    }
                    line += " \(spec.key)=" + settingValue(spec)
                }
                // Ensembles stay small: the harness is after parsing and replay, not scale.
                if let size = SessionFuzzTests.ensembleSize[chosen], !line.contains(size + "=") { line += " \(size)=\(random.pick([1, 3, 8]))" }
            // train auto without forest and gbdt (their default sizes would slow the harness down).
            case 23: line = random.chance(0.05) ? "train auto algorithms=[\(random.pick(["logistic, tree", "tree", "linear, knn", "naive_bayes", "x"]))]"
                + " cv=\(random.pick(["2", "3"])) trials=\(random.pick(["1", "2"]))"
                : random.chance(0.25) ? tuneLine() : random.pick(["evaluate", "evaluate \(model())" + (random.chance(0.5) ? " by class" : ""), "rules \(model())", "importance \(model())", "importance \(model()) permutation" + (random.chance(0.5) ? " repeats=\(random.pick(["1", "2", "0"]))" : "") + (random.chance(0.3) ? " metric=" + random.pick(Metrics.allNames) : ""), "confusion \(model())", "show \(model())",
                                         "roc \(model())" + (random.chance(0.3) ? ", \(model())" : ""), "pr \(model())", "calibration \(model())" + (random.chance(0.3) ? " bins=\(random.pick(["1", "3", "10", "x"]))" : ""),
                                         "residuals \(model())", "threshold \(model())" + random.pick([" 0.3", " none", " 1.5", " x", "", " metric=" + random.pick(["f1", "mcc", "auc", "balanced_accuracy"]), " cv=" + random.pick(["2", "3", "1"]) + " seed=\(random.below(100))"]),
                                         "elbow k=\(random.pick(["1", "2", "3"]))..\(random.pick(["3", "4", "x"]))", "explain \(model()) row=\(random.pick(["1", "2", "150", "0", "99999"]))" + (random.chance(0.2) ? " class=" + random.pick(["setosa", "1", "x"]) : ""),
                                         "leaderboard" + (random.chance(0.5) ? " sort=" + random.pick(Metrics.allNames + ["speed"]) : ""),
                                         "cv \(random.pick(["2", "3", "5", "1", "x"]))" + (random.chance(0.5) ? " " + random.pick([model(), SessionFuzzTests.ensembleSize[algorithm] == nil ? algorithm : "tree", "kmeans"]) : "")
                                            + (random.chance(0.5) ? " seed=\(random.below(100))" : "")])
            case 24: line = "save metrics to " + written(&random)
            case 25: line = "predict \(model()) on \(raw.map(name) != nil && random.chance(0.7) ? name(raw!) : tableName())" + (random.chance(0.5) ? " to " + written(&random) : "")
            case 26, 27: line = random.chance(0.6) ? "export model \(model()) to \(written(&random))" + (random.chance(0.5) ? " force" : "")
                : "export pipeline" + (random.chance(0.5) ? " " + model() : "") + " to " + written(&random)
            case 28: line = random.chance(0.3) ? "undo" : cleanLine()
            case 29: line = cleanLine()
            default: line = "param " + random.pick(["data", "p", "x y"]) + " = " + random.pick(["\"datasets/iris.csv\"", "\"\"", "v"])
            }
            return random.chance(0.05) ? Generators.disturb(line, &random) : line

            /// The clean stage's verbs and the inspections that take their own selection.
            func cleanLine() -> String {
                func value() -> String { random.pick(["\"?\"", "0", "-1", "missing", "\"x y\"", "true", "1e9", "\"\""]) }
                switch random.below(19) {
                case 17:
                    // Joins only of small tables: keys that repeat multiply rows.
                    guard table?.rowCount ?? 0 < 2000 || wrong else { return "recipe" }
                    let other = wrong || ws.tables.isEmpty ? nil : random.pick(ws.tables)
                    let shared = other.map { other in columns.filter { other.column(named: $0) != nil } } ?? []
                    let keys = shared.isEmpty ? columnList() : (0..<(1 + random.below(2))).map { _ in name(random.pick(shared)) }.joined(separator: ", ")
                    return "join \(other.map { name($0.name) } ?? tableName()) on \(keys)" + (random.chance(0.5) ? " " + random.pick(["left", "inner", "outer"]) : "")
                case 18: return "append " + (random.chance(0.5) && ws.current != nil ? name(ws.current!) : tableName())
                case 16:
                    return "save " + (random.chance(0.4) ? tableName() + " " : "") + "to "
                        + quoted(directory + "/" + random.pick(["out/t.csv", "out/t.tsv", "out/t.jsonl", "out/t.dat", "out", "out/t.csv/x.csv"]))
                case 11: return "counts \(column())" + (random.chance(0.4) ? " top=\(random.pick(Self.numbers))" : "") + (random.chance(0.3) ? " where " + expression(condition: true) : "")
                case 12 where random.chance(0.5):
                    let condition = random.chance(0.3) ? " where " + expression(condition: true) : ""
                    switch random.below(3) {
                    case 0: return "bar \(column())" + (random.chance(0.5) ? " " + random.pick(["count()", "mean", "median", "sum", "std", "min", "max", "distinct", "avg"]).appending(random.chance(0.9) ? "(\(column()))" : "") : "")
                        + (random.chance(0.3) ? " top=\(random.pick(Self.numbers))" : "") + condition
                    case 1: return "box \(columnList())" + (random.chance(0.5) ? " by \(column())" : "") + condition
                    default: return "scatter \(column()) \(column())" + (random.chance(0.5) ? " by \(column())" : "") + condition
                    }
                case 12: return "hist \(column())" + (random.chance(0.4) ? " bins=\(random.pick(Self.numbers))" : "") + (random.chance(0.3) ? " where " + expression(condition: true) : "")
                case 13: return "corr" + (random.chance(0.5) ? " " + random.pick(["pearson", "spearman"]) : "") + (random.chance(0.5) ? " " + columnList() : "")
                case 14:
                    switch random.below(3) {
                    case 0 where random.chance(0.5): return random.chance(0.5) ? "profile" + (random.chance(0.3) ? " " + tableName() : "") : "relations" + (random.chance(0.3) ? " " + columnList() : "")
                    case 0: return "missing" + (random.chance(0.3) ? " " + columnList() : "")
                    case 1: return "crosstab \(column()) \(column())"
                    default:
                        return "outliers" + (random.chance(0.6) ? " " + selector() : "") + (random.chance(0.5) ? " method=" + random.pick(["iqr", "zscore", "mad"]) : "")
                            + (random.chance(0.4) ? " " + random.pick(["k", "z"]) + "=" + random.pick(Self.numbers) : "")
                    }
                case 15:
                    let functions = ["count()", "sum", "mean", "median", "min", "max", "std", "distinct", "avg", "count"]
                    return "group \(columnList())" + (random.chance(0.7) ? " agg " + (0..<(1 + random.below(3))).map { _ in
                        let f = random.pick(functions)
                        return f.hasSuffix(")") ? f : "\(f)(\(random.chance(0.9) ? column() : ""))"
                    }.joined(separator: ", ") : "")
                case 0: return random.pick(["head", "tail"]) + " " + random.pick(Self.numbers) + (random.chance(0.6) ? " " + columnList() : "")
                    + (random.chance(0.5) ? " where " + expression(condition: true) : "")
                case 1: return "dropna" + (random.chance(0.5) ? " " + columnList() : "")
                case 2: return "dedupe" + (random.chance(0.5) ? " " + columnList() : "")
                case 3: return "sort " + (0..<(1 + random.below(2))).map { _ in column() + (random.chance(0.4) ? " desc" : "") }.joined(separator: ", ")
                case 4: return "sample " + random.pick(["10", "0.5", "0.01", "1", "5000", "0", "1.5"]) + (random.chance(0.7) ? " seed=\(random.below(100))" : "")
                case 5: return "select " + columnList() + (random.chance(0.5) && ws.target != nil ? ", " + name(ws.target!.column) : "")
                case 6: return "rename \(column()) to \(random.chance(0.7) ? name(random.pick(Self.names)) : column())"
                case 7: return "cast \(columnList()) to \(random.pick(["number", "text", "boolean", "bool", "date"]))"
                case 8: return "replace \(value()) with \(value()) in \(columnList())"
                case 9: return "clip \(random.chance(0.3) ? "numeric" : columnList()) " + (random.chance(0.5) ? "between \(random.pick(Self.numbers)) and \(random.pick(Self.numbers))"
                                                                                                       : "iqr" + (random.chance(0.5) ? " k=\(random.pick(Self.numbers))" : ""))
                default: return "recipe"
                }
            }

            /// A value of one of the setting's forms: usually inside it, sometimes at or past its edges.
            /// A small search: one or two settings listed, ranged or fixed, few trials and folds.
            func tuneLine() -> String {
                // Clusterings are tuned too (by silhouette), with or without a target.
                let chosen = wrong ? random.pick(AlgorithmRegistry.all.map(\.name) + ["boosted"]) : random.chance(0.15) ? "kmeans" : algorithm
                var line = "tune " + chosen
                if random.chance(0.3) { line += " " + name(random.pick(Self.names)) }
                let searchable = AlgorithmRegistry.named(chosen)?.settings.specs.filter { $0.key != "seed" } ?? []
                for _ in 0..<(1 + random.below(2)) {
                    guard !searchable.isEmpty else { line += " max_depth=[1, 2]"; continue }
                    let spec = random.pick(searchable)
                    switch random.below(3) {
                    case 0: line += " \(spec.key)=[\(settingValue(spec)), \(settingValue(spec))]"
                    case 1: line += " \(spec.key)=\(random.pick(["1", "0.1", "2", "x"]))..\(random.pick(["3", "10", "0.9", ""]))"
                    default: line += " \(spec.key)=" + settingValue(spec)
                    }
                }
                if let size = SessionFuzzTests.ensembleSize[chosen], !line.contains(size + "=") { line += " \(size)=\(random.pick([1, 3]))" }
                line += " cv=" + random.pick(["2", "3", "1"]) + " trials=" + random.pick(["1", "2", "3"])
                if random.chance(0.5) { line += " search=" + random.pick(["grid", "random", "halving", "best"]) }
                if random.chance(0.3) { line += " metric=" + random.pick(Metrics.allNames) }
                if random.chance(0.6) { line += " seed=\(random.below(100))" }
                return line
            }

            func settingValue(_ spec: SettingSpec) -> String {
                switch random.pick(spec.forms) {
                case .number(let range, _):
                    let edge = random.pick([range.lowerBound, range.upperBound, range.lowerBound - 1, range.upperBound * 2])
                    return random.chance(0.8) ? random.pick(["0.5", "1", "0.1", "3", "1e-4", "1.0"]) : NumberFormatting.shortest(edge)
                case .whole(let range):
                    return random.chance(0.8) ? String(random.pick([1, 2, 3, 5, 20, 100])) : String(random.pick([range.lowerBound, range.lowerBound - 1, 0]))
                case .word(let words): return random.chance(0.9) ? random.pick(words) : "nonsense"
                case .boolean: return random.pick(["true", "false"])
                case .none: return "none"
                }
            }
        }
    }

    /// The setting that sizes each ensemble (their defaults take seconds in a debug build).
    static let ensembleSize = ["forest": "trees", "gbdt": "rounds"]

    @Test func randomSessionsNeverCrashAndAlwaysReplay() throws {
        _ = repositoryRoot
        let root = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        Fuzz.run("SessionFuzz", cases: Fuzz.cases(default: 3000) / 12) { index, random in
            let directory = root + "/\(index)"
            try? FileManager.default.createDirectory(atPath: directory + "/out", withIntermediateDirectories: true)
            let generator = LineGenerator(directory: directory)
            let journalPath = directory + "/s.mlw"
            guard let journal = try? JournalFile(path: journalPath, header: "# mlw fuzz session, \(Fingerprint.headerTag)") else {
                Issue.record("cannot open \(journalPath)"); return
            }
            var session: Session? = Session(journal: journal, makeSeed: { 42 })
            var typed: [String] = []
            let opening = generator.prefix(&random)
            steps: for step in 0..<(opening.count + 4 + random.below(16)) {
                let line = step < opening.count ? opening[step] : generator.line(session!.workspace, &random)
                typed.append(line)
                Fuzz.describe(typed.joined(separator: "\n"))
                let result = session!.run(line)
                if ProcessInfo.processInfo.environment["MLW_FUZZ_STATS"] != nil {
                    var kind = "ok"
                    if case .failed(let d) = result { kind = "fail " + d.message.prefix(40) }
                    print("STAT \(line.split(separator: " ").first ?? "") | \(kind)")
                }
                switch result {
                case .bug(let bug):
                    Issue.record("a bug, not a diagnostic, for '\(line)':\n\(bug)\nafter:\n\(typed.joined(separator: "\n"))")
                case .quit: break steps
                default: break
                }
            }
            session = nil  // closes the journal and lets go of its lock
            // Every recorded session replays to what the user saw.
            var errors: [String] = []
            guard let lines = try? ScriptRunner.lines(of: journalPath) else { Issue.record("the journal cannot be read"); return }
            let (code, _) = ScriptRunner(session: Session(), verify: true, print: nil, printError: { errors.append($0) })
                .run(lines: lines, source: journalPath)
            #expect(code == .ok, "the session does not replay: \(errors)\ntyped:\n\(typed.joined(separator: "\n"))\nrecorded:\n\(lines.joined(separator: "\n"))")
            try? FileManager.default.removeItem(atPath: directory)
        }
    }
}
