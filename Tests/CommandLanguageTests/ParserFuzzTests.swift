import FuzzSupport
import Testing
@testable import CommandLanguage
import Tabular

/// Random expressions and command lines through the parsers: no crash, every failure a
/// `Diagnostic`, and the printing law `parse(print(x)) == x` (with `print` stable) for
/// every line that parses. Expressions are also evaluated over a small table.
struct ParserFuzzTests {
    static let columns = ["x", "y", "name", "flag", "`odd name`", "`a\\`b`", "`c\\\\d`", "`and`", "`1st`"]
    static let table = Table(name: "t", columns: [
        Column(name: "x", numbers: [1, -2.5, .nan, 0, 1e300, -0.0]),
        Column(name: "y", numbers: [3, 0, 7, .nan, 2, 1e-320]),
        Column(name: "name", texts: ["a", nil, "b", "a", "", "é"]),
        Column(name: "flag", data: .boolean([1, 0, Column.missingBoolean, 1, 0, 1])),
        Column(name: "odd name", numbers: [1, 2, 3, 4, 5, 6]),
        Column(name: "a`b", numbers: [1, 2, 3, 4, 5, 6]),
        Column(name: "c\\d", numbers: [1, 2, 3, 4, 5, 6]),
        Column(name: "and", numbers: [0, 0, 0, 0, 0, 0]),
        Column(name: "1st", texts: ["p", "q", "r", "s", "t", "u"]),
    ])

    static func expression(_ random: inout FuzzRandom) -> String { Generators.expression(columns: columns, functions: ExpressionFunctions.names, &random) }

    @Test func expressionsParsePrintAndEvaluate() {
        Fuzz.run("ExpressionFuzz", cases: Fuzz.cases(default: 4000)) { _, random in
            let source = Self.expression(&random)
            Fuzz.describe(source)
            let line = "derive z = " + source
            let command: Command?
            do { command = try CommandParser.parse(line) } catch is Diagnostic { return } catch {
                Issue.record("not a diagnostic for \(line): \(error)"); return
            }
            guard case .derive(_, let expression)? = command else { Issue.record("\(line) parsed as \(String(describing: command))"); return }
            let printed = expression.description
            let again = try? ExpressionParser.parse(Array(printed), from: 0)
            #expect(again == expression, "\(source) printed as \(printed), which parses differently")
            #expect(again?.description == printed)
            do {
                let values = try ExpressionEvaluator(table: Self.table).evaluate(expression)
                #expect(values.count == Self.table.rowCount)
            } catch is ExpressionError {} catch {
                Issue.record("evaluating \(printed): \(error)")
            }
        }
    }

    static let words = CommandTable.names + ["exit", "onehot", "standard", "numeric", "categorical", "with", "to", "on", "as", "stratify",
                                             "seed", "sep", "test", "force", "model", "pipeline", "metrics", "mean", "median", "mode",
                                             "logistic", "linear", "l2", "max_iter", "tol", "classification", "regression", "accuracy", "rmse",
                                             "cv", "trials", "search", "grid", "random", "halving", "halving_rounds", "metric", "max_depth", "k", "positive", "bins", "auto"]
    static let pieces = ["=", ",", "[", "]", "<", ">", "<=", ">=", "\"", "'", "`", "#", "$", "$data", "\\", " ", "\t", "0", "-1", "0.8", "1e999",
                         "nan", "inf", "x", "é", "\u{1F600}", "\u{0}", "sep=\"\\t\"", "sep=\"\"", "\"a b\"", "`a\\`b`", "seed=18446744073709551616",
                         "..", "1..10", "0.001..100", "10..1", "none..3", "[1, 2]", "[]", "cv=3", "trials=2"]

    @Test func commandLinesParseOrSayWhyAndPrintBack() {
        let examples = CommandTable.all.flatMap(\.examples)
        Fuzz.run("CommandLineFuzz", cases: Fuzz.cases(default: 4000)) { _, random in
            var line: String
            switch random.below(3) {
            case 0:
                // An example with its characters or tokens disturbed.
                var characters = Array(random.pick(examples))
                for _ in 0..<(1 + random.below(3)) {
                    let at = random.below(characters.count + 1)
                    switch random.below(3) {
                    case 0: characters.insert(contentsOf: Array(random.pick(Self.pieces)), at: at)
                    case 1: if at < characters.count { characters.remove(at: at) }
                    default: characters.insert(contentsOf: Array(" " + random.pick(Self.words) + " "), at: at)
                    }
                }
                line = String(characters)
            case 1:
                line = (0..<(1 + random.below(8))).map { _ in random.chance(0.5) ? random.pick(Self.words) : random.pick(Self.pieces) }
                    .joined(separator: random.chance(0.8) ? " " : "")
            default:
                line = random.pick(["derive v = ", "filter ", "train logistic m ", "load ", "impute a with ", "goal accuracy >= "])
                    + (random.chance(0.6) ? Self.expression(&random) : random.pick(Self.pieces))
            }
            Fuzz.describe(line)
            let parameters = ["data": "datasets/iris.csv", "p": "x y"]
            let command: Command?
            do { command = try CommandParser.parse(line, parameters: parameters) } catch let diagnostic as Diagnostic {
                #expect(!diagnostic.message.isEmpty)
                _ = diagnostic.rendered(source: line)  // the caret must draw for any range
                return
            } catch {
                Issue.record("not a diagnostic for \(line.debugDescription): \(error)"); return
            }
            guard let command else { return }
            let printed = command.description
            #expect(!printed.contains("\n"), "\(line.debugDescription) printed over two lines")
            let again = try? CommandParser.parse(printed, parameters: parameters)
            #expect(again == command, "\(line.debugDescription) printed as \(printed.debugDescription), which parses differently")
            #expect(again?.description == printed)
        }
    }
}
