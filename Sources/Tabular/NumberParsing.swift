#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Parsing of decimal numbers straight from bytes, without building strings.
enum NumberParsing {
    /// Exact powers of ten representable as Double (10^0 ... 10^22).
    private static let powersOfTen: [Double] = (0...22).map { exponent in
        var value = 1.0
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    @inline(__always)
    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }

    /// Parses a decimal number (optional sign, digits, fraction, exponent), allowing
    /// surrounding spaces. Returns nil when the bytes are not exactly one number.
    ///
    /// Uses Clinger's fast path (mantissa < 2^53 and |exponent| ≤ 22 make one correctly
    /// rounded multiplication or division exact) and falls back to `strtod` otherwise,
    /// so every result is correctly rounded.
    static func parseDouble(_ base: UnsafePointer<UInt8>, _ count: Int) -> Double? {
        var start = 0
        var end = count
        while start < end, isSpace(base[start]) { start += 1 }
        while end > start, isSpace(base[end - 1]) { end -= 1 }
        if start == end { return nil }
        var i = start
        var negative = false
        if base[i] == UInt8(ascii: "-") || base[i] == UInt8(ascii: "+") {
            negative = base[i] == UInt8(ascii: "-")
            i += 1
        }
        var mantissa: UInt64 = 0
        var significantDigits = 0
        var digitsSeen = 0
        var exponent = 0
        var truncated = false
        while i < end {
            let d = base[i] &- UInt8(ascii: "0")
            if d > 9 { break }
            digitsSeen += 1
            if significantDigits < 19 {
                if mantissa != 0 || d != 0 { significantDigits += 1 }
                mantissa = mantissa &* 10 &+ UInt64(d)
            } else {
                exponent += 1
                if d != 0 { truncated = true }
            }
            i += 1
        }
        if i < end, base[i] == UInt8(ascii: ".") {
            i += 1
            while i < end {
                let d = base[i] &- UInt8(ascii: "0")
                if d > 9 { break }
                digitsSeen += 1
                if significantDigits < 19 {
                    if mantissa != 0 || d != 0 { significantDigits += 1 }
                    mantissa = mantissa &* 10 &+ UInt64(d)
                    exponent -= 1
                } else if d != 0 {
                    truncated = true
                }
                i += 1
            }
        }
        if digitsSeen == 0 { return nil }
        if i < end, base[i] == UInt8(ascii: "e") || base[i] == UInt8(ascii: "E") {
            i += 1
            var exponentNegative = false
            if i < end, base[i] == UInt8(ascii: "-") || base[i] == UInt8(ascii: "+") {
                exponentNegative = base[i] == UInt8(ascii: "-")
                i += 1
            }
            var explicit = 0
            var exponentDigits = 0
            while i < end {
                let d = base[i] &- UInt8(ascii: "0")
                if d > 9 { break }
                if explicit < 100_000 { explicit = explicit * 10 + Int(d) }
                exponentDigits += 1
                i += 1
            }
            if exponentDigits == 0 { return nil }
            exponent += exponentNegative ? -explicit : explicit
        }
        if i != end { return nil }
        if mantissa == 0 { return negative ? -0.0 : 0.0 }
        if !truncated, mantissa <= (1 << 53), exponent >= -22, exponent <= 22 {
            var value = Double(mantissa)
            value = exponent < 0 ? value / powersOfTen[-exponent] : value * powersOfTen[exponent]
            return negative ? -value : value
        }
        return slowParse(base + start, end - start)
    }

    /// Correctly rounded conversion by the C library for the rare long or extreme inputs.
    private static func slowParse(_ base: UnsafePointer<UInt8>, _ count: Int) -> Double? {
        var buffer = [CChar](repeating: 0, count: count + 1)
        for k in 0..<count { buffer[k] = CChar(bitPattern: base[k]) }
        return buffer.withUnsafeBufferPointer { pointer -> Double? in
            var endPointer: UnsafeMutablePointer<CChar>?
            let value = strtod(pointer.baseAddress!, &endPointer)
            guard let endPointer, endPointer - UnsafeMutablePointer(mutating: pointer.baseAddress!) == count else { return nil }
            return value
        }
    }

    /// Parses a whole string as a number (used for command arguments and expressions).
    public static func parseDouble(_ text: String) -> Double? {
        var utf8 = Array(text.utf8)
        if utf8.isEmpty { return nil }
        return utf8.withUnsafeMutableBufferPointer { parseDouble($0.baseAddress!, $0.count) }
    }
}
