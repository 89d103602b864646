import Foundation

/// A problem in an expression, pointing at the part of the line that caused it.
public struct ExpressionError: Error, Equatable, Sendable {
    /// What went wrong, so the command language can name it (`bad-expression`, …).
    public enum Category: Sendable, Equatable {
        /// The text is not an expression.
        case syntax
        /// There is no expression at all.
        case missingExpression
        /// A string or quoted name has no closing quote.
        case unterminatedString
        /// The expression parses but cannot be evaluated on this table.
        case evaluation
    }

    public var category: Category
    public var message: String
    public var range: SourceRange
    public var help: String?

    public init(category: Category = .evaluation, _ message: String, at range: SourceRange, help: String? = nil) {
        self.category = category
        self.message = message
        self.range = range
        self.help = help
    }
}

/// The functions expressions may call, with their arity (nil: one or more).
public enum ExpressionFunctions {
    public static let all: [(name: String, arity: ClosedRange<Int>, summary: String)] = [
        ("abs", 1...1, "absolute value"),
        ("sqrt", 1...1, "square root (missing for negative numbers)"),
        ("log", 1...1, "natural logarithm (missing for numbers ≤ 0)"),
        ("log10", 1...1, "base-10 logarithm (missing for numbers ≤ 0)"),
        ("exp", 1...1, "e raised to the number"),
        ("round", 1...2, "round half away from zero, optionally to N decimals"),
        ("floor", 1...1, "largest integer not above"),
        ("ceil", 1...1, "smallest integer not below"),
        ("min", 2...16, "smallest of the arguments (missing if any is)"),
        ("max", 2...16, "largest of the arguments (missing if any is)"),
        ("pow", 2...2, "first argument raised to the second"),
        ("if", 3...3, "if(condition, then, else): then where condition is true, else where false"),
        ("coalesce", 2...16, "the first argument that is not missing"),
        ("log1p", 1...1, "log(1 + x), accurate for small x (missing for numbers ≤ -1)"),
        ("lower", 1...1, "text in lower case"),
        ("upper", 1...1, "text in upper case"),
        ("length", 1...1, "the number of characters of text"),
        ("contains", 2...2, "contains(text, part): whether the text holds the part"),
        ("date", 1...1, "date(text): the text read as an ISO 8601 date or timestamp (missing if it is not one)"),
        ("make_date", 3...3, "make_date(year, month, day): that calendar date (missing if there is none)"),
        ("year", 1...1, "the year of a date"),
        ("month", 1...1, "the month of a date, 1 to 12"),
        ("day", 1...1, "the day of the month of a date, 1 to 31"),
        ("weekday", 1...1, "the day of the week of a date, 1 (Monday) to 7 (Sunday)"),
        ("hour", 1...1, "the hour of a timestamp, 0 to 23"),
        ("days_between", 2...2, "days_between(start, end): days from start to end (fractional for timestamps)"),
    ]

    public static var names: [String] { all.map(\.name) }

    static func arity(of name: String) -> ClosedRange<Int>? { all.first { $0.name == name }?.arity }
}

/// Type-checks and evaluates expressions column-wise over a table.
///
/// Missing values propagate through arithmetic and comparisons; `and`/`or` use
/// three-valued logic (false and missing = false, true or missing = true).
public struct ExpressionEvaluator {
    public let table: Table

    public init(table: Table) {
        self.table = table
    }

    /// The type the expression produces, or the first problem found.
    public func type(of expression: Expression) throws -> ColumnType {
        switch expression.kind {
        case .number: return .number
        case .text: return .text
        case .boolean: return .boolean
        case .column(let name):
            guard let column = table.column(named: name) else {
                // `species == setosa`: a value of a text column written as if it were a column.
                if let holder = table.columns.first(where: { column in
                    if case .text(_, let dictionary) = column.data { return dictionary.contains(name) }
                    return false
                }) {
                    throw ExpressionError("no column '\(name)' in '\(table.name)'", at: expression.range,
                                          help: "'\(name)' is a value of '\(holder.name)': text is written in quotes, \"\(name)\"")
                }
                throw ExpressionError("no column '\(name)' in '\(table.name)'", at: expression.range,
                                      help: Suggestions.didYouMean(name, among: table.columnNames))
            }
            return column.type
        case .negate(let operand):
            try expect(operand, numeric: "'-'")
            return .number
        case .not(let operand):
            try expect(operand, is: .boolean, context: "'not'")
            return .boolean
        case .isMissing(let operand, _):
            _ = try type(of: operand)
            return .boolean
        case .isIn(let operand, let items, _):
            let left = try type(of: operand)
            for item in items {
                let right = try type(of: item)
                if left == .date || right == .date {
                    try checkDateComparison(left, operand, right, item)
                    continue
                }
                if (left == .text) != (right == .text) {
                    throw ExpressionError("cannot look for \(right.rawValue) among \(left.rawValue) values", at: item.range,
                                          help: left == .text ? "text values are written in quotes: island in [\"Biscoe\", \"Dream\"]" : nil)
                }
            }
            return .boolean
        case .binary(let op, let lhs, let rhs):
            if op.isLogical {
                try expect(lhs, is: .boolean, context: "'\(op.rawValue)'")
                try expect(rhs, is: .boolean, context: "'\(op.rawValue)'")
                return .boolean
            }
            if op.isArithmetic {
                try expect(lhs, numeric: "'\(op.rawValue)'")
                try expect(rhs, numeric: "'\(op.rawValue)'")
                return .number
            }
            let left = try type(of: lhs), right = try type(of: rhs)
            if left == .date || right == .date {
                try checkDateComparison(left, lhs, right, rhs)
                return .boolean
            }
            if (left == .text) != (right == .text) {
                throw ExpressionError("cannot compare \(left.rawValue) with \(right.rawValue)",
                                      at: SourceRange.covering(lhs.range, rhs.range),
                                      help: left == .text || right == .text ? "text values are written in quotes: island == \"Biscoe\"" : nil)
            }
            return .boolean
        case .call(let name, let arguments):
            guard let arity = ExpressionFunctions.arity(of: name) else {
                throw ExpressionError("unknown function '\(name)'", at: expression.range,
                                      help: Suggestions.didYouMean(name, among: ExpressionFunctions.names)
                                        ?? "functions: " + ExpressionFunctions.names.joined(separator: ", "))
            }
            guard arity.contains(arguments.count) else {
                let expected = arity.lowerBound == arity.upperBound ? "\(arity.lowerBound)" : "\(arity.lowerBound) to \(arity.upperBound)"
                throw ExpressionError("'\(name)' takes \(expected) argument\(arity.upperBound == 1 ? "" : "s"), found \(arguments.count)", at: expression.range)
            }
            switch name {
            case "if":
                try expect(arguments[0], is: .boolean, context: "the condition of 'if'")
                let a = try type(of: arguments[1]), b = try type(of: arguments[2])
                if a == b { return a }
                if a.isNumeric && b.isNumeric { return .number }
                throw ExpressionError("the branches of 'if' differ in type (\(a.rawValue) and \(b.rawValue))", at: expression.range)
            case "date":
                try expect(arguments[0], is: .text, context: "'date'")
                return .date
            case "make_date":
                for argument in arguments { try expect(argument, numeric: "'make_date'") }
                return .date
            case "year", "month", "day", "weekday", "hour":
                try expect(arguments[0], is: .date, context: "'\(name)'")
                return .number
            case "days_between":
                for argument in arguments { try expect(argument, is: .date, context: "'days_between'") }
                return .number
            case "coalesce":
                let types = try arguments.map { try type(of: $0) }
                if Set(types).count == 1 { return types[0] }
                if types.allSatisfy(\.isNumeric) { return .number }
                throw ExpressionError("the arguments of 'coalesce' differ in type", at: expression.range)
            case "lower", "upper", "length", "contains":
                for argument in arguments { try expect(argument, is: .text, context: "'\(name)'") }
                return name == "length" ? .number : name == "contains" ? .boolean : .text
            default:
                for argument in arguments { try expect(argument, numeric: "'\(name)'") }
                return .number
            }
        }
    }

    private func expect(_ expression: Expression, numeric context: String) throws {
        let found = try type(of: expression)
        if found == .date {
            throw ExpressionError("\(context) needs a number, but this is a date", at: expression.range,
                                  help: "take a part of it (year, month, day, weekday, hour) or days_between(start, end)")
        }
        if !found.isNumeric {
            throw ExpressionError("\(context) needs a number, but this is text", at: expression.range)
        }
    }

    private func expect(_ expression: Expression, is expected: ColumnType, context: String) throws {
        let found = try type(of: expression)
        if found != expected {
            let help: String?
            switch expected {
            case .boolean: help = "write a comparison, such as: bill_length_mm > 40"
            case .date where found == .text: help = "read text as a date with date(...), or cast the column: cast COLUMN to date"
            default: help = nil
            }
            throw ExpressionError("\(context) needs a \(expected.rawValue), but this is \(found.rawValue)", at: expression.range, help: help)
        }
    }

    /// A date compares with a date, or with a text literal that reads as one ("2020-01-31").
    private func checkDateComparison(_ left: ColumnType, _ lhs: Expression, _ right: ColumnType, _ rhs: Expression) throws {
        if left == right { return }
        for (type, side) in [(left, lhs), (right, rhs)] where type != .date {
            if case .text(let literal) = side.kind {
                if Dates.parse(literal) != nil { continue }
                throw ExpressionError("'\(literal)' is not a date", at: side.range,
                                      help: "dates are written as in ISO 8601: \"2024-03-31\" or \"2024-03-31T14:30:00\"")
            }
            throw ExpressionError("cannot compare a date with \(type.rawValue)", at: SourceRange.covering(lhs.range, rhs.range),
                                  help: type == .text ? "read text as a date with date(...)" : "compare a part of the date, such as year(...) > 2020")
        }
    }

    /// Evaluates the expression for every row.
    /// - Complexity: O(rows × nodes)
    public func evaluate(_ expression: Expression) throws -> ColumnData {
        _ = try type(of: expression)
        return try values(expression).columnData
    }

    /// Rows where a boolean expression is true (missing counts as false).
    public func matchingRows(_ expression: Expression) throws -> [Int] {
        guard try type(of: expression) == .boolean else {
            throw ExpressionError("a filter needs a condition (true or false for each row)", at: expression.range,
                                  help: "for example: filter bill_length_mm > 40 and island == \"Biscoe\"")
        }
        guard case .boolean(let flags) = try values(expression) else { return [] }
        return flags.indices.filter { flags[$0] == 1 }
    }

    // MARK: - Evaluation over vectors

    private enum Vector {
        case number([Double])
        case boolean([UInt8])
        case text([String?])
        case date([Double])

        var columnData: ColumnData {
            switch self {
            case .number(let values): return .number(values)
            case .date(let values): return .date(values)
            case .boolean(let values): return .boolean(values)
            case .text(let values): return Column(name: "", texts: values).data
            }
        }

        var asNumbers: [Double] {
            switch self {
            case .number(let values), .date(let values): return values
            case .boolean(let values): return values.map { $0 == Column.missingBoolean ? .nan : Double($0) }
            case .text(let values): return values.map { _ in .nan }
            }
        }
    }

    private var rows: Int { table.rowCount }

    private func values(_ expression: Expression) throws -> Vector {
        switch expression.kind {
        case .number(let value): return .number([Double](repeating: value, count: rows))
        case .text(let value): return .text([String?](repeating: value, count: rows))
        case .boolean(let value): return .boolean([UInt8](repeating: value ? 1 : 0, count: rows))
        case .column(let name):
            let column = table.column(named: name)!
            switch column.data {
            case .number(let values): return .number(values)
            case .date(let values): return .date(values)
            case .boolean(let values): return .boolean(values)
            case .text(let codes, let dictionary): return .text(codes.map { $0 < 0 ? nil : dictionary[Int($0)] })
            }
        case .negate(let operand):
            return .number(try values(operand).asNumbers.map { -$0 })
        case .not(let operand):
            guard case .boolean(let flags) = try values(operand) else { return .boolean([]) }
            return .boolean(flags.map { $0 == Column.missingBoolean ? $0 : 1 - $0 })
        case .isMissing(let operand, let negated):
            let missing: [Bool]
            switch try values(operand) {
            case .number(let v), .date(let v): missing = v.map(\.isNaN)
            case .boolean(let v): missing = v.map { $0 == Column.missingBoolean }
            case .text(let v): missing = v.map { $0 == nil }
            }
            return .boolean(missing.map { ($0 != negated) ? 1 : 0 })
        case .binary(let op, let lhs, let rhs):
            return try binary(op, try values(lhs), try values(rhs))
        case .isIn(let operand, let items, let negated):
            // Missing stays missing (as a comparison with it would); else whether any item equals it.
            var found = [UInt8](repeating: 0, count: rows)
            let value = try values(operand)
            for item in items {
                guard case .boolean(let equal) = try binary(.equal, value, try values(item)) else { continue }
                for row in 0..<rows where found[row] != 1 && equal[row] != 0 { found[row] = equal[row] }
            }
            return .boolean(found.map { $0 == Column.missingBoolean ? $0 : (($0 == 1) != negated ? 1 : 0) })
        case .call(let name, let arguments):
            return try call(name, arguments.map { try values($0) })
        }
    }

    private func binary(_ op: BinaryOperator, _ a: Vector, _ b: Vector) throws -> Vector {
        if op.isLogical {
            guard case .boolean(let x) = a, case .boolean(let y) = b else { return .boolean([]) }
            let m = Column.missingBoolean
            return .boolean(zip(x, y).map { p, q in
                if op == .and {
                    if p == 0 || q == 0 { return 0 }
                    return p == m || q == m ? m : 1
                }
                if p == 1 || q == 1 { return 1 }
                return p == m || q == m ? m : 0
            })
        }
        if op.isArithmetic {
            let x = a.asNumbers, y = b.asNumbers
            var out = [Double](repeating: 0, count: x.count)
            switch op {
            case .add: for i in out.indices { out[i] = x[i] + y[i] }
            case .subtract: for i in out.indices { out[i] = x[i] - y[i] }
            case .multiply: for i in out.indices { out[i] = x[i] * y[i] }
            case .divide: for i in out.indices { out[i] = x[i] / y[i] }
            case .remainder:
                // Floored remainder (the sign follows the divisor), as in Python and R.
                for i in out.indices { let r = fmod(x[i], y[i]); out[i] = (r != 0 && (r < 0) != (y[i] < 0)) ? r + y[i] : r }
            case .power: for i in out.indices { out[i] = pow(x[i], y[i]) }
            default: break
            }
            return .number(out)
        }
        let m = Column.missingBoolean
        // A date against text: the text (a literal, checked when typing) read as a date.
        var a = a, b = b
        if case .date = a, case .text(let y) = b { b = .date(y.map { $0.flatMap(Dates.parse) ?? .nan }) }
        if case .text(let x) = a, case .date = b { a = .date(x.map { $0.flatMap(Dates.parse) ?? .nan }) }
        if case .text(let x) = a, case .text(let y) = b {
            return .boolean(zip(x, y).map { p, q in
                guard let p, let q else { return m }
                return compare(op, p < q ? -1 : (p == q ? 0 : 1)) ? 1 : 0
            })
        }
        let x = a.asNumbers, y = b.asNumbers
        return .boolean(zip(x, y).map { p, q in
            if p.isNaN || q.isNaN { return m }
            return compare(op, p < q ? -1 : (p == q ? 0 : 1)) ? 1 : 0
        })
    }

    private func compare(_ op: BinaryOperator, _ order: Int) -> Bool {
        switch op {
        case .equal: return order == 0
        case .notEqual: return order != 0
        case .less: return order < 0
        case .lessOrEqual: return order <= 0
        case .greater: return order > 0
        case .greaterOrEqual: return order >= 0
        default: return false
        }
    }

    private func call(_ name: String, _ arguments: [Vector]) throws -> Vector {
        func map1(_ f: (Double) -> Double) -> Vector { .number(arguments[0].asNumbers.map(f)) }
        switch name {
        case "abs": return map1 { abs($0) }
        case "sqrt": return map1 { $0 < 0 ? .nan : $0.squareRoot() }
        case "log": return map1 { $0 <= 0 ? .nan : Foundation.log($0) }
        case "log10": return map1 { $0 <= 0 ? .nan : Foundation.log10($0) }
        case "exp": return map1 { Foundation.exp($0) }
        case "floor": return map1 { $0.rounded(.down) }
        case "ceil": return map1 { $0.rounded(.up) }
        case "round":
            if arguments.count == 1 { return map1 { $0.rounded(.toNearestOrAwayFromZero) } }
            let digits = arguments[1].asNumbers
            return .number(zip(arguments[0].asNumbers, digits).map { x, d in
                if d.isNaN { return .nan }
                let scale = Foundation.pow(10.0, d.rounded())
                return (x * scale).rounded(.toNearestOrAwayFromZero) / scale
            })
        case "pow": return .number(zip(arguments[0].asNumbers, arguments[1].asNumbers).map { Foundation.pow($0, $1) })
        case "log1p": return map1 { $0 <= -1 ? .nan : Foundation.log1p($0) }
        case "lower", "upper":
            guard case .text(let texts) = arguments[0] else { return .text([]) }
            return .text(texts.map { $0.map { name == "lower" ? $0.lowercased() : $0.uppercased() } })
        case "length":
            guard case .text(let texts) = arguments[0] else { return .number([]) }
            return .number(texts.map { $0.map { Double($0.count) } ?? .nan })
        case "contains":
            guard case .text(let texts) = arguments[0], case .text(let parts) = arguments[1] else { return .boolean([]) }
            return .boolean(zip(texts, parts).map { text, part in
                guard let text, let part else { return Column.missingBoolean }
                return text.contains(part) ? 1 : 0
            })
        case "date":
            guard case .text(let texts) = arguments[0] else { return .date([]) }
            return .date(texts.map { $0.flatMap(Dates.parse) ?? .nan })
        case "make_date":
            let (years, months, days) = (arguments[0].asNumbers, arguments[1].asNumbers, arguments[2].asNumbers)
            return .date((0..<rows).map { row in
                let (y, m, d) = (years[row], months[row], days[row])
                guard y == y.rounded(), m == m.rounded(), d == d.rounded(), abs(y) < 1e5, abs(m) < 1e5, abs(d) < 1e5 else { return .nan }
                return Dates.date(year: Int(y), month: Int(m), day: Int(d)) ?? .nan
            })
        case "year", "month", "day", "weekday", "hour":
            return map1 { seconds in
                guard seconds.isFinite else { return .nan }
                let c = Dates.components(seconds)
                switch name {
                case "year": return Double(c.year)
                case "month": return Double(c.month)
                case "day": return Double(c.day)
                case "weekday": return Double(c.weekday)
                default: return Double(c.hour)
                }
            }
        case "days_between":
            return .number(zip(arguments[0].asNumbers, arguments[1].asNumbers).map { ($1 - $0) / Dates.secondsPerDay })
        case "min", "max":
            let columns = arguments.map(\.asNumbers)
            return .number((0..<rows).map { row in
                var best = columns[0][row]
                for column in columns.dropFirst() {
                    let v = column[row]
                    if v.isNaN || best.isNaN { best = .nan; continue }
                    best = name == "min" ? Swift.min(best, v) : Swift.max(best, v)
                }
                return best
            })
        case "if":
            guard case .boolean(let condition) = arguments[0] else { return .number([]) }
            return select(arguments[1], arguments[2]) { row in
                condition[row] == Column.missingBoolean ? nil : condition[row] == 1
            }
        case "coalesce":
            var result = arguments[0]
            for next in arguments.dropFirst() {
                let current = result
                result = select(current, next) { row in !Self.isMissing(current, row) }
            }
            return result
        default:
            throw ExpressionError("unknown function '\(name)'", at: SourceRange(0, 0))
        }
    }

    private static func isMissing(_ vector: Vector, _ row: Int) -> Bool {
        switch vector {
        case .number(let v), .date(let v): return v[row].isNaN
        case .boolean(let v): return v[row] == Column.missingBoolean
        case .text(let v): return v[row] == nil
        }
    }

    /// Row-wise choice between two vectors; `pickFirst` returns nil for a missing result.
    private func select(_ a: Vector, _ b: Vector, pickFirst: (Int) -> Bool?) -> Vector {
        switch (a, b) {
        case (.text(let x), .text(let y)):
            return .text((0..<rows).map { row in pickFirst(row).flatMap { $0 ? x[row] : y[row] } })
        case (.boolean(let x), .boolean(let y)):
            return .boolean((0..<rows).map { row in pickFirst(row).map { $0 ? x[row] : y[row] } ?? Column.missingBoolean })
        case (.date(let x), .date(let y)):
            return .date((0..<rows).map { row in pickFirst(row).map { $0 ? x[row] : y[row] } ?? .nan })
        default:
            let x = a.asNumbers, y = b.asNumbers
            return .number((0..<rows).map { row in pickFirst(row).map { $0 ? x[row] : y[row] } ?? .nan })
        }
    }
}
