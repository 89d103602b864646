/// Recursive-descent parser for expressions, one function per grammar rule on a
/// precedence ladder (docs/expressions.md has the grammar in EBNF).
public struct ExpressionParser {
    private enum TokenKind: Equatable {
        case number(Double)
        case string(String)
        case identifier(String)   // bare names, keywords and function names
        case quotedName(String)   // `any name`
        case op(String)
        case end
    }

    private struct ExpressionToken {
        var kind: TokenKind
        var range: SourceRange
    }

    private var tokens: [ExpressionToken] = []
    private var position = 0
    /// Current recursion depth of the parse functions.
    private var depth = 0

    /// Deepest expression tree accepted. Far beyond any hand-written expression, and
    /// well within the stack of the recursive evaluator and printer.
    public static let maximumHeight = 200

    /// Parses `line[start..<end]` as one expression; ranges refer to `line`.
    public static func parse(_ line: [Character], from start: Int, to end: Int? = nil) throws -> Expression {
        var parser = ExpressionParser()
        parser.tokens = try tokenize(line, from: start, to: end ?? line.count)
        guard parser.tokens.count > 1 else {
            throw ExpressionError(category: .missingExpression, "expected an expression", at: SourceRange(start, max(start + 1, end ?? line.count)),
                             help: "for example: bill_length_mm / bill_depth_mm")
        }
        let expression = try parser.parseOr()
        let next = parser.tokens[parser.position]
        if next.kind != .end {
            if case .op("=") = next.kind {
                throw ExpressionError(category: .syntax, "'=' is not a comparison", at: next.range, help: "use '==' to compare values")
            }
            throw ExpressionError(category: .syntax, "unexpected '\(parser.text(of: next))' after a complete expression", at: next.range,
                             help: "join conditions with 'and' or 'or'")
        }
        return expression
    }

    private static func tokenize(_ line: [Character], from start: Int, to end: Int) throws -> [ExpressionToken] {
        var tokens: [ExpressionToken] = []
        var i = start
        let twoCharacter: Set<String> = ["<=", ">=", "==", "!="]
        while i < end {
            let c = line[i]
            if c == " " || c == "\t" { i += 1; continue }
            if c == "#" { break }
            if c.isNumber || (c == "." && i + 1 < end && line[i + 1].isNumber) {
                let s = i
                while i < end, line[i].isNumber || line[i] == "." { i += 1 }
                if i < end, line[i] == "e" || line[i] == "E" {
                    var j = i + 1
                    if j < end, line[j] == "+" || line[j] == "-" { j += 1 }
                    guard j < end, line[j].isNumber else {
                        throw ExpressionError(category: .syntax, "'\(String(line[s..<j]))' is not a number: an exponent needs digits",
                                         at: SourceRange(s, j), help: "for example 1e3 (1000) or 2.5e-4")
                    }
                    i = j
                    while i < end, line[i].isNumber { i += 1 }
                }
                // A name cannot start with a digit: `2x` is a malformed number, not 2 then x.
                var tail = i
                while tail < end, line[tail] == "_" || line[tail].isLetter || line[tail].isNumber || line[tail] == "." { tail += 1 }
                let text = String(line[s..<tail])
                guard tail == i, let value = Double(text) else {
                    throw ExpressionError(category: .syntax, "'\(text)' is not a number", at: SourceRange(s, tail),
                                     help: tail > i && line[i] != "." ? "a column whose name starts with a digit is written in backticks: `\(text)`" : nil)
                }
                // Out of range: recording it as 'inf' would replay as a column of that name.
                guard value.isFinite else {
                    throw ExpressionError(category: .syntax, "'\(text)' is too large for a number (the largest is about 1.8e308)", at: SourceRange(s, i))
                }
                tokens.append(ExpressionToken(kind: .number(value), range: SourceRange(s, i)))
                continue
            }
            if c == "\"" || c == "'" || c == "`" {
                let s = i
                var text = ""
                i += 1
                var closed = false
                while i < end {
                    if line[i] == "\\", i + 1 < end { text.append(line[i + 1]); i += 2; continue }
                    if line[i] == c { closed = true; i += 1; break }
                    text.append(line[i]); i += 1
                }
                guard closed else {
                    throw ExpressionError(category: .unterminatedString, "this \(c == "`" ? "name" : "string") has no closing \(c)",
                                     at: SourceRange(s, end), help: "end it with \(c)")
                }
                tokens.append(ExpressionToken(kind: c == "`" ? .quotedName(text) : .string(text), range: SourceRange(s, i)))
                continue
            }
            if c == "_" || c.isLetter {
                let s = i
                while i < end, line[i] == "_" || line[i].isLetter || line[i].isNumber { i += 1 }
                tokens.append(ExpressionToken(kind: .identifier(String(line[s..<i])), range: SourceRange(s, i)))
                continue
            }
            if i + 1 < end, twoCharacter.contains(String([c, line[i + 1]])) {
                tokens.append(ExpressionToken(kind: .op(String([c, line[i + 1]])), range: SourceRange(i, i + 2)))
                i += 2
                continue
            }
            if "+-*/%^()<>=,[]".contains(c) {
                tokens.append(ExpressionToken(kind: .op(String(c)), range: SourceRange(i, i + 1)))
                i += 1
                continue
            }
            throw ExpressionError(category: .syntax, "unexpected character '\(c)' in an expression", at: SourceRange(i, i + 1))
        }
        tokens.append(ExpressionToken(kind: .end, range: SourceRange(i, i + 1)))
        return tokens
    }

    private func text(of token: ExpressionToken) -> String {
        switch token.kind {
        case .number(let v): return NumberFormatting.shortest(v)
        case .string(let s): return "\"\(s)\""
        case .identifier(let s), .quotedName(let s): return s
        case .op(let s): return s
        case .end: return "end of line"
        }
    }

    private var current: ExpressionToken { tokens[position] }

    /// Builds a node, rejecting trees too deep to evaluate safely.
    private func node(_ kind: Expression.Kind, _ range: SourceRange) throws -> Expression {
        let expression = Expression(kind, range)
        if expression.height > Self.maximumHeight { throw tooDeep(range) }
        return expression
    }

    private func tooDeep(_ range: SourceRange) -> ExpressionError {
        ExpressionError(category: .syntax, "this expression is nested too deeply (more than \(Self.maximumHeight) levels)", at: range,
                   help: "split it into several derive steps")
    }

    /// Guards the recursive rules (prefix operators, parentheses, calls).
    private mutating func descend() throws {
        depth += 1
        if depth > Self.maximumHeight { throw tooDeep(current.range) }
    }

    private mutating func advance() -> ExpressionToken {
        let token = tokens[position]
        if position < tokens.count - 1 { position += 1 }
        return token
    }

    private func isIdentifier(_ word: String) -> Bool {
        if case .identifier(word) = current.kind { return true }
        return false
    }

    private func isOperator(_ symbol: String) -> Bool {
        if case .op(symbol) = current.kind { return true }
        return false
    }

    // or = and { "or" and }
    private mutating func parseOr() throws -> Expression {
        var left = try parseAnd()
        while isIdentifier("or") {
            _ = advance()
            let right = try parseAnd()
            left = try node(.binary(.or, left, right), .covering(left.range, right.range))
        }
        return left
    }

    // and = not { "and" not }
    private mutating func parseAnd() throws -> Expression {
        var left = try parseNot()
        while isIdentifier("and") {
            _ = advance()
            let right = try parseNot()
            left = try node(.binary(.and, left, right), .covering(left.range, right.range))
        }
        return left
    }

    // not = "not" not | comparison
    private mutating func parseNot() throws -> Expression {
        if isIdentifier("not") {
            let start = advance().range
            try descend()
            defer { depth -= 1 }
            let operand = try parseNot()
            return try node(.not(operand), .covering(start, operand.range))
        }
        return try parseComparison()
    }

    // comparison = sum [ compare-op sum | "is" ["not"] "missing" | ["not"] "in" "[" sum { "," sum } "]" ]
    private mutating func parseComparison() throws -> Expression {
        let left = try parseSum()
        if isIdentifier("in") || (isIdentifier("not") && position + 1 < tokens.count && tokens[position + 1].kind == .identifier("in")) {
            let negated = isIdentifier("not")
            if negated { _ = advance() }
            _ = advance()
            guard isOperator("[") else {
                throw ExpressionError(category: .syntax, "expected '[' after 'in'", at: current.range,
                                      help: "list the values in brackets: island in [\"Dream\", \"Biscoe\"]")
            }
            _ = advance()
            var items: [Expression] = []
            while true {
                if isOperator("]"), !items.isEmpty { break }
                items.append(try parseSum())
                if isOperator(",") { _ = advance(); continue }
                guard isOperator("]") else {
                    throw ExpressionError(category: .syntax, "expected ',' or ']' in the list after 'in'", at: current.range)
                }
            }
            let end = advance().range
            return try node(.isIn(left, items, negated: negated), .covering(left.range, end))
        }
        if isIdentifier("is") {
            let isToken = advance()
            var negated = false
            if isIdentifier("not") { _ = advance(); negated = true }
            guard isIdentifier("missing") else {
                throw ExpressionError(category: .syntax, "expected 'missing' after '\(negated ? "is not" : "is")'", at: current.range,
                                 help: "write: column is missing, or: column is not missing")
            }
            let end = advance().range
            _ = isToken
            return try node(.isMissing(left, negated: negated), .covering(left.range, end))
        }
        let comparisons: [String: BinaryOperator] = ["==": .equal, "!=": .notEqual, "<": .less, "<=": .lessOrEqual,
                                                     ">": .greater, ">=": .greaterOrEqual]
        if case .op(let symbol) = current.kind, let op = comparisons[symbol] {
            _ = advance()
            let right = try parseSum()
            return try node(.binary(op, left, right), .covering(left.range, right.range))
        }
        if case .op("=") = current.kind {
            throw ExpressionError(category: .syntax, "'=' is not a comparison", at: current.range, help: "use '==' to compare values")
        }
        return left
    }

    // sum = product { ("+" | "-") product }
    private mutating func parseSum() throws -> Expression {
        var left = try parseProduct()
        while isOperator("+") || isOperator("-") {
            let op: BinaryOperator = isOperator("+") ? .add : .subtract
            _ = advance()
            let right = try parseProduct()
            left = try node(.binary(op, left, right), .covering(left.range, right.range))
        }
        return left
    }

    // product = unary { ("*" | "/" | "%") unary }
    private mutating func parseProduct() throws -> Expression {
        var left = try parseUnary()
        while isOperator("*") || isOperator("/") || isOperator("%") {
            let op: BinaryOperator = isOperator("*") ? .multiply : (isOperator("/") ? .divide : .remainder)
            _ = advance()
            let right = try parseUnary()
            left = try node(.binary(op, left, right), .covering(left.range, right.range))
        }
        return left
    }

    // unary = "-" unary | power
    private mutating func parseUnary() throws -> Expression {
        if isOperator("-") {
            let start = advance().range
            try descend()
            defer { depth -= 1 }
            let operand = try parseUnary()
            return try node(.negate(operand), .covering(start, operand.range))
        }
        return try parsePower()
    }

    // power = primary [ "^" unary ]     (right-associative)
    private mutating func parsePower() throws -> Expression {
        let base = try parsePrimary()
        if isOperator("^") {
            _ = advance()
            try descend()
            defer { depth -= 1 }
            let exponent = try parseUnary()
            return try node(.binary(.power, base, exponent), .covering(base.range, exponent.range))
        }
        return base
    }

    // primary = number | string | "true" | "false" | name | call | "(" or ")"
    private mutating func parsePrimary() throws -> Expression {
        let token = advance()
        switch token.kind {
        case .number(let value):
            return Expression(.number(value), token.range)
        case .string(let value):
            return Expression(.text(value), token.range)
        case .quotedName(let name):
            return Expression(.column(name), token.range)
        case .identifier(let name):
            if name == "true" || name == "false" { return Expression(.boolean(name == "true"), token.range) }
            if ["and", "or", "not", "is", "missing"].contains(name) {
                throw ExpressionError(category: .syntax, "expected a value before '\(name)'", at: token.range)
            }
            if isOperator("(") {
                _ = advance()
                try descend()
                defer { depth -= 1 }
                var arguments: [Expression] = []
                if !isOperator(")") {
                    arguments.append(try parseOr())
                    while isOperator(",") {
                        _ = advance()
                        arguments.append(try parseOr())
                    }
                }
                guard isOperator(")") else {
                    throw ExpressionError(category: .syntax, "expected ')' to close the call of '\(name)'", at: current.range)
                }
                let close = advance().range
                return try node(.call(name, arguments), .covering(token.range, close))
            }
            return Expression(.column(name), token.range)
        case .op("("):
            try descend()
            defer { depth -= 1 }
            let inner = try parseOr()
            guard isOperator(")") else {
                throw ExpressionError(category: .syntax, "expected ')'", at: current.range, help: "every '(' needs a matching ')'")
            }
            let close = advance().range
            return Expression(inner.kind, .covering(token.range, close))
        case .end:
            throw ExpressionError(category: .syntax, "the expression ends too early", at: token.range, help: "expected a value, a column or '('")
        default:
            throw ExpressionError(category: .syntax, "expected a value, a column or '(', found '\(text(of: token))'", at: token.range)
        }
    }
}
