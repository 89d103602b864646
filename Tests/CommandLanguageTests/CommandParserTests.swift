import Testing
@testable import CommandLanguage
import Tabular

struct CommandParserTests {
    /// Every example in the command table, plus lines that exercise quoting and options.
    static let lines: [String] = CommandTable.all.flatMap(\.examples) + [
        "load \"my data/file.csv\" as raw sep=\"\\t\"",
        "impute sex with \"not known\"",
        "impute a, b with 0",
        "derive z = -(a + b) ^ 2 / c % 3",
        "derive w = (a - b) - c",
        "derive v = a - (b - c)",
        "derive u = 2 ^ 3 ^ 2",
        "derive t = (2 ^ 3) ^ 2",
        "filter not (a > 1 and b < 2) or c is missing",
        "filter (a + b) is not missing",
        "derive `odd name` = `weird col` * 2",
        "derive label = if(x > 0, \"pos\", \"neg\")",
        "target y regression",
        "goal rmse <= 3.5",
        "split 0.75 seed=7",
        "train linear l2=0.5",
        "train logistic m1 l2=2 max_iter=50",
        "predict m on t to \"out/p.csv\"",
        "export pipeline m to \"p\"",
        "param data = \"x.csv\"",
        "drop \"with\", numeric2",
        // Names with a backtick or a backslash are escaped when printed (expressions, commands).
        "derive `a\\`b` = `c\\\\d` + 1",
        "drop \"a`b\", \"c\\\\d\", \"e\\\"f\"",
        "derive x = 1e-999 + 2.5e300",
        // Comparisons do not chain, so a comparison operand of one keeps its parentheses.
        "filter (name is missing) == (a < b)",
        "filter (a < b) != true",
        // Found by the long harness run: quoted words print quoted.
        "help \"a b\"",
        "help \"a`b\"",
    ]

    @Test(arguments: lines)
    func printedFormParsesBackToTheSameCommand(line: String) throws {
        let command = try #require(try CommandParser.parse(line))
        let printed = command.description
        #expect(try CommandParser.parse(printed) == command, "printed as: \(printed)")
    }

    @Test func expressionPrecedence() throws {
        let command = try CommandParser.parse("derive x = 1 + 2 * 3 ^ 2")
        guard case .derive(_, let e)? = command else { Issue.record("not a derive"); return }
        #expect(e.description == "1 + 2 * 3 ^ 2")
        guard case .binary(.add, _, let right) = e.kind, case .binary(.multiply, _, let power) = right.kind,
              case .binary(.power, _, _) = power.kind else { Issue.record("wrong tree: \(e)"); return }
    }

    @Test func blankAndCommentLinesAreNothing() throws {
        #expect(try CommandParser.parse("   ") == nil)
        #expect(try CommandParser.parse("# a comment") == nil)
    }

    /// Each case marks the expected error range with ^ under the source.
    @Test(arguments: [
        ("descrbe", "^^^^^^^", DiagnosticID.unknownCommand, "did you mean 'describe'? ('help' lists all commands)"),
        ("split 1.5", "      ^^^", .badValue, "for 80% training and 20% test: split 0.8"),
        ("train logistic l22=2", "               ^^^", .badOption, "did you mean 'l2'?"),
        ("train logistc", "      ^^^^^^^", .badValue, "did you mean 'logistic'?"),
        ("derive r = a = b", "             ^", .badExpression, "use '==' to compare values"),
        ("filter a > ", "           ^", .badExpression, "expected a value, a column or '('"),
        ("load \"unterminated", "     ^^^^^^^^^^^^^", .unterminatedString, "end it with \""),
        ("head 0", "     ^", .badValue, nil),
        ("derive x = 1e999", "           ^^^^^", .badExpression, nil),
        ("derive x = log(1e)", "               ^^", .badExpression, "for example 1e3 (1000) or 2.5e-4"),
        ("filter 2x > 1", "       ^^", .badExpression, "a column whose name starts with a digit is written in backticks: `2x`"),
        ("load a.csv sep=\"\\\"\"", "               ^^^^", .badValue, nil),
        ("goal accurcy >= 0.9", "     ^^^^^^^", .badValue, "did you mean 'accuracy'?"),
    ] as [(String, String, DiagnosticID, String?)])
    func diagnostics(source: String, marker: String, id: DiagnosticID, help: String?) {
        let error = #expect(throws: Diagnostic.self) { try CommandParser.parse(source) }
        #expect(error?.id == id)
        let lower = marker.firstIndex(of: "^").map { marker.distance(from: marker.startIndex, to: $0) }
        #expect(error?.range?.lower == lower)
        #expect(error?.range.map { $0.upper - $0.lower } == marker.filter { $0 == "^" }.count)
        if let help { #expect(error?.help == help) }
    }

    @Test func overlyDeepExpressionsAreRefusedNotCrashed() throws {
        let long = "derive x = " + Array(repeating: "a", count: 3000).joined(separator: " + ")
        let error = #expect(throws: Diagnostic.self) { try CommandParser.parse(long) }
        #expect(error?.message.hasPrefix("this expression is nested too deeply") == true)
        let nested = "filter " + String(repeating: "(", count: 5000) + "a" + String(repeating: ")", count: 5000)
        #expect(throws: Diagnostic.self) { try CommandParser.parse(nested) }
        let negations = "filter " + String(repeating: "not ", count: 5000) + "a"
        #expect(throws: Diagnostic.self) { try CommandParser.parse(negations) }
        // A long but reasonable expression is fine.
        #expect(try CommandParser.parse("derive x = " + Array(repeating: "a", count: 150).joined(separator: " + ")) != nil)
    }

    @Test func parametersAreSubstituted() throws {
        // A path keeps its parameter, so a replay with --set reads the new value.
        let load = try CommandParser.parse("load $data as t", parameters: ["data": "x y.csv"])
        #expect(load == .load(path: .parameter("data"), name: "t", separator: nil, missing: []))
        #expect(load?.description == "load $data as t")
        #expect(try PathArgument.parameter("data").resolved(in: ["data": "x y.csv"]) == "x y.csv")
        // Other values are substituted.
        #expect(try CommandParser.parse("use $t", parameters: ["t": "penguins"]) == .use(table: "penguins"))
        let error = #expect(throws: Diagnostic.self) { try CommandParser.parse("load $dta", parameters: ["data": "x"]) }
        #expect(error?.help == "did you mean 'data'?")
    }
}

struct CompleterTests {
    let context = CompletionContext(tables: ["penguins", "iris"], columns: ["bill_length_mm", "bill_depth_mm", "sex"],
                                    models: ["logistic"], listPaths: { _ in ["datasets/"] })

    @Test func commandsColumnsKeysAndPaths() {
        #expect(Completer.complete("desc", context: context).candidates == ["describe"])
        #expect(Completer.complete("drop bill_d", context: context).candidates == ["bill_depth_mm"])
        #expect(Completer.complete("train logistic ma", context: context).candidates == ["max_iter="])
        #expect(Completer.complete("use ir", context: context).candidates == ["iris"])
        #expect(Completer.complete("load da", context: context).candidates == ["datasets/"])
        #expect(Completer.complete("impute numeric with m", context: context).candidates == ["mean", "median", "mode"])
        #expect(Completer.commonPrefix(["median", "mean", "mode"]) == "m")
    }
}

struct HelpTests {
    @Test func everyCommandHasHelpAndExamplesThatParse() throws {
        for spec in CommandTable.all {
            #expect(try Help.topic(spec.name).contains(spec.usage))
            for example in spec.examples { #expect(try CommandParser.parse(example)?.verb == spec.name) }
        }
        #expect(Help.overview().contains("describe"))
    }

    @Test func referenceDocumentIsCurrent() throws {
        let path = repositoryRoot + "/docs/commands.md"
        let written = try String(contentsOfFile: path, encoding: .utf8)
        #expect(written == Help.referenceMarkdown(), "regenerate docs/commands.md: MLW_RECORD=1 swift test --filter HelpTests")
    }

    @Test func recordReference() throws {
        guard ProcessInfo.processInfo.environment["MLW_RECORD"] != nil else { return }
        try Help.referenceMarkdown().write(toFile: repositoryRoot + "/docs/commands.md", atomically: true, encoding: .utf8)
    }
}

import Foundation
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
