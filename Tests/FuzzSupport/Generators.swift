/// Generators of random inputs in source form, shared by the harnesses.
public enum Generators {
    /// A random expression (often ill-typed, sometimes malformed) over the given column
    /// references (already written as the source would: bare or in backticks) and
    /// function names.
    public static func expression(columns: [String], functions: [String], _ random: inout FuzzRandom, depth: Int = 0) -> String {
        if depth > 5 || random.chance(0.3) {
            switch random.below(7) {
            case 0: return random.pick(["0", "1", "2.5", "1e3", ".5", "1e-320", "1e308", "007", "3.", "1e999", "1e", "2x", "1.2.3", "-0"])
            case 1: return random.pick(["\"a\"", "\"\"", "\"q\\\"uote\"", "'single'", "\"é\"", "\"unterminated"])
            case 2: return random.pick(["true", "false"])
            case 3, 4: return columns.isEmpty ? "nowhere" : random.pick(columns)
            case 5: return random.pick(["missing", "nowhere", "is", "not", "(", ")", ",", "#", "=", "$p", "@", "in", "[", "]"])
            default: return "-" + expression(columns: columns, functions: functions, &random, depth: depth + 1)
            }
        }
        let a = expression(columns: columns, functions: functions, &random, depth: depth + 1), b = expression(columns: columns, functions: functions, &random, depth: depth + 1)
        switch random.below(10) {
        case 9:
            let items = (0..<random.below(4)).map { _ in expression(columns: columns, functions: functions, &random, depth: depth + 1) }
            return "\(a) \(random.chance(0.3) ? "not " : "")in " + (random.chance(0.9) ? "[" + items.joined(separator: ", ") + "]" : items.joined(separator: ", "))
        case 0, 1: return "\(a) \(random.pick(["+", "-", "*", "/", "%", "^"])) \(b)"
        case 2: return "\(a) \(random.pick(["==", "!=", "<", "<=", ">", ">=", "="])) \(b)"
        case 3: return "\(a) \(random.pick(["and", "or"])) \(b)"
        case 4: return "not \(a)"
        case 5: return "(\(a))"
        case 6: return "\(a) is \(random.chance(0.5) ? "not " : "")missing"
        case 7:
            let function = random.pick(functions + ["nope", "IF"])
            let count = random.below(4)
            return "\(function)(" + (0..<count).map { _ in expression(columns: columns, functions: functions, &random, depth: depth + 1) }.joined(separator: ", ") + ")"
        default: return random.chance(0.5) ? "\(a)\(b)" : "\(a) \(b)"
        }
    }

    /// `text` with 1–3 random edits (insertions of troublesome characters, deletions).
    public static func disturb(_ text: String, _ random: inout FuzzRandom) -> String {
        var characters = Array(text)
        for _ in 0..<(1 + random.below(3)) {
            let at = random.below(characters.count + 1)
            if random.chance(0.5), at < characters.count { characters.remove(at: at) }
            else { characters.insert(contentsOf: Array(random.pick(["\"", "`", "'", "=", ",", "#", "$", "\\", " ", "(", ")", "é", "0", "x"])), at: at) }
        }
        return String(characters)
    }
}
