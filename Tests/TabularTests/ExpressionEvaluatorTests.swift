import Testing
@testable import Tabular

struct ExpressionEvaluatorTests {
    let table = Table(name: "t", columns: [
        Column(name: "x", numbers: [1, 2, .nan, 4]),
        Column(name: "s", texts: ["a", "b", nil, "a"]),
    ])

    func column(_ x: String) -> Expression { Expression(.column(x)) }
    func number(_ v: Double) -> Expression { Expression(.number(v)) }

    @Test func arithmeticPropagatesMissing() throws {
        let e = Expression(.binary(.multiply, column("x"), number(2)))
        guard case .number(let values) = try ExpressionEvaluator(table: table).evaluate(e) else { Issue.record("not numbers"); return }
        #expect(values[0] == 2 && values[1] == 4 && values[2].isNaN && values[3] == 8)
    }

    @Test func filterUsesThreeValuedLogic() throws {
        // x > 1 or s == "a": row 0 (false or true), row 1 (true), row 2 (missing or missing), row 3 (true)
        let e = Expression(.binary(.or, Expression(.binary(.greater, column("x"), number(1))),
                                   Expression(.binary(.equal, column("s"), Expression(.text("a"))))))
        #expect(try ExpressionEvaluator(table: table).matchingRows(e) == [0, 1, 3])
    }

    @Test func isMissingAndFunctions() throws {
        let e = Expression(.isMissing(column("x"), negated: false))
        #expect(try ExpressionEvaluator(table: table).matchingRows(e) == [2])
        let c = Expression(.call("coalesce", [column("x"), number(0)]))
        #expect(try ExpressionEvaluator(table: table).evaluate(c) == .number([1, 2, 0, 4]))
    }

    @Test func typeErrorsPointAtTheOperand() {
        let text = Expression(.column("s"), SourceRange(4, 5))
        let e = Expression(.binary(.add, number(1), text))
        let error = #expect(throws: ExpressionError.self) { try ExpressionEvaluator(table: table).evaluate(e) }
        #expect(error?.range == SourceRange(4, 5))
    }

    @Test func unknownColumnSuggestsTheClosest() {
        let error = #expect(throws: ExpressionError.self) {
            try ExpressionEvaluator(table: Table(name: "p", columns: [Column(name: "bill_depth_mm", numbers: [1])]))
                .evaluate(Expression(.column("bill_dept")))
        }
        #expect(error?.help == "did you mean 'bill_depth_mm'?")
    }
}

struct StatisticsTests {
    /// Selection must agree with sorting on every size and shape of input.
    @Test(arguments: [1, 2, 3, 4, 5, 10, 101, 1000])
    func quantilesBySelectionMatchSorting(count: Int) {
        var generator = SystemRandomNumberGenerator()
        let shapes: [[Double]] = [
            (0..<count).map { _ in Double(Int.random(in: -50...50, using: &generator)) },  // many ties
            (0..<count).map(Double.init),                                                    // sorted
            (0..<count).map { Double(count - $0) },                                          // reversed
            [Double](repeating: 3, count: count),                                            // constant
        ]
        for values in shapes {
            let sorted = values.sorted()
            var scratch = values
            let selected = Statistics.quantiles(selectingIn: &scratch, [0.25, 0.5, 0.75])
            for (q, value) in zip([0.25, 0.5, 0.75], selected) {
                #expect(value == Statistics.quantile(sorted: sorted, q), "q=\(q) of \(values)")
            }
        }
    }
}
