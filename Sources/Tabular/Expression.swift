/// A half-open range of character offsets in the line a command was typed on.
public struct SourceRange: Sendable, Equatable, Hashable {
    public var lower: Int
    public var upper: Int

    public init(_ lower: Int, _ upper: Int) {
        self.lower = lower
        self.upper = upper
    }

    /// The smallest range holding both.
    public static func covering(_ a: SourceRange, _ b: SourceRange) -> SourceRange {
        SourceRange(Swift.min(a.lower, b.lower), Swift.max(a.upper, b.upper))
    }
}

/// An expression of `derive` and `filter`. Equality ignores source positions, so a
/// parsed expression equals the one parsed from its printed form.
public struct Expression: Sendable, Equatable, CustomStringConvertible {
    public indirect enum Kind: Sendable, Equatable {
        case number(Double)
        case text(String)
        case boolean(Bool)
        case column(String)
        case negate(Expression)
        case not(Expression)
        case binary(BinaryOperator, Expression, Expression)
        case isMissing(Expression, negated: Bool)
        /// `x in [a, b]`, `x not in [a, b]`.
        case isIn(Expression, [Expression], negated: Bool)
        case call(String, [Expression])
    }

    public var kind: Kind
    public var range: SourceRange
    /// Levels in the tree below and including this node (a literal is 1). The parser
    /// caps it, so evaluating and printing, which recurse, cannot exhaust the stack.
    public let height: Int

    public init(_ kind: Kind, _ range: SourceRange = SourceRange(0, 0)) {
        self.kind = kind
        self.range = range
        switch kind {
        case .number, .text, .boolean, .column: height = 1
        case .negate(let e), .not(let e), .isMissing(let e, _): height = e.height + 1
        case .binary(_, let a, let b): height = max(a.height, b.height) + 1
        case .isIn(let e, let items, _): height = max(e.height, items.map(\.height).max() ?? 0) + 1
        case .call(_, let arguments): height = (arguments.map(\.height).max() ?? 0) + 1
        }
    }

    public static func == (a: Expression, b: Expression) -> Bool { a.kind == b.kind }

    /// Every column the expression reads.
    public var columnReferences: [String] {
        switch kind {
        case .number, .text, .boolean: return []
        case .column(let name): return [name]
        case .negate(let e), .not(let e), .isMissing(let e, _): return e.columnReferences
        case .binary(_, let a, let b): return a.columnReferences + b.columnReferences
        case .isIn(let e, let items, _): return e.columnReferences + items.flatMap(\.columnReferences)
        case .call(_, let arguments): return arguments.flatMap(\.columnReferences)
        }
    }

    /// The canonical source text: minimal parentheses, names quoted with backticks only
    /// when they are not plain identifiers.
    public var description: String { render(parentPrecedence: 0) }

    private func render(parentPrecedence: Int) -> String {
        let text: String
        let precedence: Int
        switch kind {
        case .number(let value):
            return value < 0 ? "(\(NumberFormatting.shortest(value)))" : NumberFormatting.shortest(value)
        case .text(let value):
            return "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        case .boolean(let value):
            return value ? "true" : "false"
        case .column(let name):
            return Expression.quoteIdentifier(name)
        case .call(let name, let arguments):
            return name + "(" + arguments.map { $0.render(parentPrecedence: 0) }.joined(separator: ", ") + ")"
        case .negate(let operand):
            precedence = 7
            text = "-" + operand.render(parentPrecedence: precedence)
        case .not(let operand):
            precedence = 3
            text = "not " + operand.render(parentPrecedence: precedence)
        case .isMissing(let operand, let negated):
            precedence = 4
            text = operand.render(parentPrecedence: precedence + 1) + (negated ? " is not missing" : " is missing")
        case .isIn(let operand, let items, let negated):
            precedence = 4
            text = operand.render(parentPrecedence: precedence + 1) + (negated ? " not in [" : " in [")
                + items.map { $0.render(parentPrecedence: 5) }.joined(separator: ", ") + "]"
        case .binary(let op, let lhs, let rhs):
            precedence = op.precedence
            // Left-associative operators need parentheses on a right operand of equal
            // precedence; `^` is right-associative, so the reverse holds; comparisons
            // (and `is missing`) do not chain at all (`a < b < c` is not an expression),
            // so both sides need them.
            let leftBump = op == .power || op.isComparison ? 1 : 0
            let rightBump = op == .power ? 0 : 1
            text = lhs.render(parentPrecedence: precedence + leftBump) + " \(op.rawValue) "
                + rhs.render(parentPrecedence: precedence + rightBump)
        }
        return precedence < parentPrecedence ? "(" + text + ")" : text
    }

    /// Identifiers print bare; other column names are written in backticks, with `` ` ``
    /// and `\` escaped by a backslash (as the expression tokenizer reads them back).
    public static func quoteIdentifier(_ name: String) -> String {
        if isPlainIdentifier(name) && !ExpressionKeywords.reserved.contains(name) { return name }
        return "`" + name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "`", with: "\\`") + "`"
    }

    /// Whether `name` is a letter or `_` followed by letters, digits or `_`.
    public static func isPlainIdentifier(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first,
              first == "_" || first.properties.isAlphabetic else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0) }
    }
}

/// Words that cannot be bare column names inside expressions.
public enum ExpressionKeywords {
    public static let reserved: Set<String> = ["and", "or", "not", "is", "missing", "true", "false", "in"]
}

/// Operators with two operands, spelled as in the source.
public enum BinaryOperator: String, Sendable, CaseIterable {
    case or, and
    case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    case add = "+", subtract = "-"
    case multiply = "*", divide = "/", remainder = "%"
    case power = "^"

    /// Binding strength: higher binds tighter (see docs/expressions.md for the grammar).
    public var precedence: Int {
        switch self {
        case .or: return 1
        case .and: return 2
        case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual: return 4
        case .add, .subtract: return 5
        case .multiply, .divide, .remainder: return 6
        case .power: return 8
        }
    }

    public var isComparison: Bool { precedence == 4 }
    public var isArithmetic: Bool { precedence >= 5 }
    public var isLogical: Bool { self == .and || self == .or }
}
