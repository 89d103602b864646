#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Parsing of decimal numbers straight from bytes, without building strings.
public enum NumberParsing {
    /// Exact powers of ten representable as Double (10^0 ... 10^22). A switch of
    /// literals, not a static array: a lazily initialised static costs a `swift_once`
    /// check on every call in this hot loop.
    @inline(__always)
    private static func powerOfTen(_ exponent: Int) -> Double {
        switch exponent {
        case 0: return 1e0
        case 1: return 1e1
        case 2: return 1e2
        case 3: return 1e3
        case 4: return 1e4
        case 5: return 1e5
        case 6: return 1e6
        case 7: return 1e7
        case 8: return 1e8
        case 9: return 1e9
        case 10: return 1e10
        case 11: return 1e11
        case 12: return 1e12
        case 13: return 1e13
        case 14: return 1e14
        case 15: return 1e15
        case 16: return 1e16
        case 17: return 1e17
        case 18: return 1e18
        case 19: return 1e19
        case 20: return 1e20
        case 21: return 1e21
        default: return 1e22
        }
    }

    @inline(__always)
    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }

    /// Reads `digits[.digits]` from `i`, accumulating every digit into one mantissa (one
    /// multiply-add each; callers reject more digits than the mantissa holds exactly).
    /// - Returns: the mantissa and the digit counts before and after the point.
    @inline(__always)
    private static func scanMantissa(_ base: UnsafePointer<UInt8>, _ i: inout Int, _ end: Int)
        -> (mantissa: UInt64, integerDigits: Int, fractionDigits: Int) {
        var mantissa: UInt64 = 0
        let integerStart = i
        while i < end {
            let d = base[i] &- UInt8(ascii: "0")
            if d > 9 { break }
            mantissa = mantissa &* 10 &+ UInt64(d)
            i += 1
        }
        let integerDigits = i - integerStart
        guard i < end, base[i] == UInt8(ascii: ".") else { return (mantissa, integerDigits, 0) }
        i += 1
        let fractionStart = i
        while i < end {
            let d = base[i] &- UInt8(ascii: "0")
            if d > 9 { break }
            mantissa = mantissa &* 10 &+ UInt64(d)
            i += 1
        }
        return (mantissa, integerDigits, i - fractionStart)
    }

    /// Parses a decimal number (optional sign, digits, fraction, exponent), allowing
    /// surrounding spaces. Returns nil when the bytes are not exactly one number.
    ///
    /// Uses Clinger's fast path (mantissa < 2^53 and |exponent| ≤ 22 make one correctly
    /// rounded multiplication or division exact) and falls back to `strtod` otherwise,
    /// so every result is correctly rounded.
    @inline(__always)
    static func parseDouble(_ base: UnsafePointer<UInt8>, _ count: Int) -> Double? {
        var start = 0
        var end = count
        if end == 0 { return nil }
        if isSpace(base[0]) || isSpace(base[end - 1]) {
            while start < end, isSpace(base[start]) { start += 1 }
            while end > start, isSpace(base[end - 1]) { end -= 1 }
            if start == end { return nil }
        }
        var i = start
        var negative = false
        if base[i] == UInt8(ascii: "-") { negative = true; i += 1 } else if base[i] == UInt8(ascii: "+") { i += 1 }
        // More than 19 digits may overflow the mantissa; those go to strtod below.
        let (mantissa, integerDigits, fractionDigits) = scanMantissa(base, &i, end)
        if integerDigits + fractionDigits == 0 {
            // "inf", "infinity" (any case, signed), as pandas and strtod read them.
            let word = String(decoding: UnsafeBufferPointer(start: base + i, count: end - i), as: UTF8.self).lowercased()
            guard word == "inf" || word == "infinity" else { return nil }
            return negative ? -.infinity : .infinity
        }
        var exponent = -fractionDigits
        if i < end, base[i] | 0x20 == UInt8(ascii: "e") {
            i += 1
            var exponentNegative = false
            if i < end, base[i] == UInt8(ascii: "-") || base[i] == UInt8(ascii: "+") {
                exponentNegative = base[i] == UInt8(ascii: "-")
                i += 1
            }
            var explicit = 0
            let exponentStart = i
            while i < end {
                let d = base[i] &- UInt8(ascii: "0")
                if d > 9 { break }
                if explicit < 100_000 { explicit = explicit * 10 + Int(d) }
                i += 1
            }
            if i == exponentStart { return nil }
            exponent += exponentNegative ? -explicit : explicit
        }
        if i != end { return nil }
        if integerDigits + fractionDigits > 19 { return slowParse(base + start, end - start) }
        if mantissa == 0 { return negative ? -0.0 : 0.0 }
        if mantissa <= (1 << 53), exponent >= -22, exponent <= 22 {
            var value = Double(mantissa)
            value = exponent < 0 ? value / powerOfTen(-exponent) : value * powerOfTen(exponent)
            return negative ? -value : value
        }
        return slowParse(base + start, end - start)
    }

    /// Parses a field of the form `[-]digits[.digits]` that ends at the separator, a
    /// newline, `\r\n` or `limit`. Returns the value and the index of the terminator, or
    /// nil for anything else (empty, quoted, exponents, spaces, long mantissas), which
    /// the general path then handles.
    ///
    /// `@_transparent`, not `@inline(__always)`: the chunk loop that calls it is large, and
    /// the optimiser kept it a call there, which measured about 10% of a whole load.
    @_transparent
    static func plainDecimalField(_ base: UnsafePointer<UInt8>, from start: Int, limit: Int, separator: UInt8) -> (Double, Int)? {
        start &+ windowSize <= limit
            ? plainDecimalFieldInWindow(base, from: start, separator: separator)
            : plainDecimalFieldNearEnd(base, from: start, limit: limit, separator: separator)
    }

    /// Bytes the windowed reader may look at from the field's start: a sign, 17 digits, a
    /// point, 17 digits, `\r\n`, with room to spare.
    static let windowSize = 40

    /// `plainDecimalField` when `windowSize` bytes from `start` are in the buffer: no check
    /// against the end per digit, which measured 10% of the parse (each digit run stops
    /// after 17 digits instead, more than the 15 a field may have). Transparent for the
    /// reason above (as a call it measured 6% slower).
    @_transparent
    static func plainDecimalFieldInWindow(_ base: UnsafePointer<UInt8>, from start: Int, separator: UInt8) -> (Double, Int)? {
        var i = start
        let negative = base[i] == UInt8(ascii: "-")
        if negative { i &+= 1 }
        var mantissa: UInt64 = 0
        let integerDigits = scanDigits(base, &i, into: &mantissa)
        var fractionDigits = 0
        if base[i] == UInt8(ascii: ".") {
            i &+= 1
            fractionDigits = scanDigits(base, &i, into: &mantissa)
        }
        let digits = integerDigits &+ fractionDigits
        if digits == 0 || digits > 15 { return nil }
        let terminator = base[i]
        if terminator != separator && terminator != UInt8(ascii: "\n") {
            guard terminator == UInt8(ascii: "\r"), base[i &+ 1] == UInt8(ascii: "\n") else { return nil }
        }
        return (exactDecimal(mantissa, fractionDigits: fractionDigits, negative: negative), i)
    }

    /// Accumulates up to 17 digits from `i` into `mantissa`; returns how many there were.
    @inline(__always)
    private static func scanDigits(_ base: UnsafePointer<UInt8>, _ i: inout Int, into mantissa: inout UInt64) -> Int {
        let first = i, last = i &+ 17
        while true {
            let d = base[i] &- UInt8(ascii: "0")
            if d > 9 { break }
            mantissa = mantissa &* 10 &+ UInt64(d)
            i &+= 1
            if i == last { break }
        }
        return i &- first
    }

    /// `plainDecimalField` within `windowSize` bytes of `limit`, checking every index.
    static func plainDecimalFieldNearEnd(_ base: UnsafePointer<UInt8>, from start: Int, limit: Int, separator: UInt8) -> (Double, Int)? {
        var i = start
        var negative = false
        if i < limit, base[i] == UInt8(ascii: "-") { negative = true; i += 1 }
        let (mantissa, integerDigits, fractionDigits) = scanMantissa(base, &i, limit)
        let digits = integerDigits + fractionDigits
        if digits == 0 || digits > 15 { return nil }
        if i < limit {
            let terminator = base[i]
            if terminator != separator && terminator != UInt8(ascii: "\n") {
                guard terminator == UInt8(ascii: "\r"), i + 1 < limit, base[i + 1] == UInt8(ascii: "\n") else { return nil }
            }
        }
        return (exactDecimal(mantissa, fractionDigits: fractionDigits, negative: negative), i)
    }

    /// At most 15 digits: the mantissa is exact and below 2^53, so one division by an
    /// exact power of ten is correctly rounded.
    @inline(__always)
    private static func exactDecimal(_ mantissa: UInt64, fractionDigits: Int, negative: Bool) -> Double {
        var value = Double(Int64(bitPattern: mantissa))  // below 2^53: one signed conversion
        if fractionDigits > 0 { value /= powerOfTen(fractionDigits) }
        return negative ? -value : value
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
