/// How many terminal columns text takes: East Asian wide characters and most emoji take
/// two, combining marks none, everything else one.
public enum TextWidth {
    public static func of(_ text: String) -> Int {
        var width = 0
        for scalar in text.unicodeScalars { width += of(scalar) }
        return width
    }

    public static func of(_ scalar: Unicode.Scalar) -> Int {
        let v = scalar.value
        if v < 0x300 { return v < 0x20 || v == 0x7F ? 0 : 1 }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        switch v {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
             0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
             0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x3FFFD:
            return 2
        default:
            return 1
        }
    }

    /// `text` padded with spaces to `width` columns, on the right (or the left).
    public static func pad(_ text: String, to width: Int, right: Bool = false) -> String {
        let padding = String(repeating: " ", count: max(0, width - of(text)))
        return right ? padding + text : text + padding
    }

    /// `text` with control characters written as escapes (`\n`, `\t`, `\r`, `\u{1B}`), so
    /// a value with a line break (a quoted CSV field may hold one) never breaks the lines of
    /// a table or a chart.
    public static func printable(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F: out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// `printable(text)` clipped to `width` columns: what a cell or a label shows.
    public static func cell(_ text: String, width: Int) -> String { clip(printable(text), to: width) }

    /// The longest prefix of `text` that fits `width` columns, with "…" when cut.
    public static func clip(_ text: String, to width: Int) -> String {
        guard of(text) > width else { return text }
        var out = "", used = 0
        for character in text {
            let w = of(String(character))
            if used + w > width - 1 { break }
            out.append(character)
            used += w
        }
        return out + "…"
    }

    /// `text` broken into lines of at most `width` columns at spaces (a word longer than
    /// the width stays whole), continuation lines indented by `indent` spaces.
    public static func wrap(_ text: String, width: Int, indent: Int = 2) -> String {
        guard of(text) > width, width > indent + 10 else { return text }
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: false).map(String.init) {
            let prefix = lines.isEmpty ? "" : String(repeating: " ", count: indent)
            if line.isEmpty { line = prefix + word; continue }
            if of(line) + 1 + of(word) > width { lines.append(line); line = String(repeating: " ", count: indent) + word } else { line += " " + word }
        }
        if !line.isEmpty { lines.append(line) }
        return lines.joined(separator: "\n")
    }
}
