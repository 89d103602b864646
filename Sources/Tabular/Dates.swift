/// Dates and times as date columns hold them: seconds since 1970-01-01T00:00:00 UTC (a
/// Double, NaN for missing), read from and written as ISO 8601. No time zones are kept:
/// a timestamp with an offset is moved to UTC.
public enum Dates {
    public static let secondsPerDay = 86_400.0

    /// Reads `YYYY-MM-DD`, optionally followed by `T` or a space and `HH:MM`, `HH:MM:SS` or
    /// `HH:MM:SS.fraction`, then optionally `Z` or an offset `±HH:MM`, `±HHMM` or `±HH`.
    /// Years 0001–9999; impossible dates (February 30th) are not dates.
    public static func parse(_ text: String) -> Double? {
        var text = text
        return text.withUTF8 { parse(UnsafeBufferPointer(rebasing: $0[...])) }
    }

    /// As `parse(_:)`, on UTF-8 bytes.
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        var i = 0
        let n = bytes.count
        func digits(_ count: Int) -> Int? {
            guard i + count <= n else { return nil }
            var value = 0
            for k in 0..<count {
                let d = Int(bytes[i + k]) - 48
                guard d >= 0, d <= 9 else { return nil }
                value = value * 10 + d
            }
            i += count
            return value
        }
        func take(_ byte: UInt8) -> Bool {
            guard i < n, bytes[i] == byte else { return false }
            i += 1
            return true
        }
        guard let year = digits(4), take(45), let month = digits(2), take(45), let day = digits(2) else { return nil }
        guard year >= 1, (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year) else { return nil }
        var seconds = Double(daysFromCivil(year: year, month: month, day: day)) * secondsPerDay
        if i == n { return seconds }
        guard take(84) || take(32) || take(116) else { return nil }  // T, space, t
        guard let hour = digits(2), take(58), let minute = digits(2), hour <= 23, minute <= 59 else { return nil }
        seconds += Double(hour * 3600 + minute * 60)
        if take(58) {
            guard let second = digits(2), second <= 59 else { return nil }
            seconds += Double(second)
            if take(46) || take(44) {  // . or ,
                var scale = 0.1, fraction = 0.0, any = false
                while i < n, bytes[i] >= 48, bytes[i] <= 57 { fraction += Double(bytes[i] - 48) * scale; scale /= 10; i += 1; any = true }
                guard any else { return nil }
                seconds += fraction
            }
        }
        if i == n { return seconds }
        if take(90) || take(122) { return i == n ? seconds : nil }  // Z, z
        let sign: Double
        if take(43) { sign = 1 } else if take(45) { sign = -1 } else { return nil }
        guard let offsetHours = digits(2), offsetHours <= 23 else { return nil }
        var offsetMinutes = 0
        if i < n {
            _ = take(58)
            guard let m = digits(2), m <= 59 else { return nil }
            offsetMinutes = m
        }
        guard i == n else { return nil }
        return seconds - sign * Double(offsetHours * 3600 + offsetMinutes * 60)
    }

    /// `YYYY-MM-DD` for midnight, else `YYYY-MM-DDTHH:MM:SS` (with the fraction when there
    /// is one, to the millisecond). UTC.
    public static func format(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "" }
        let c = components(seconds)
        var text = pad(c.year, 4) + "-" + pad(c.month, 2) + "-" + pad(c.day, 2)
        let within = seconds - (seconds / secondsPerDay).rounded(.down) * secondsPerDay
        guard within != 0 else { return text }
        text += "T" + pad(c.hour, 2) + ":" + pad(c.minute, 2) + ":" + pad(c.second, 2)
        let millis = Int(((within - within.rounded(.down)) * 1000).rounded())
        if millis > 0, millis < 1000 { text += "." + pad(millis, 3) }
        return text
    }

    /// The calendar fields of an instant (UTC); weekday 1 (Monday) to 7 (Sunday), as ISO 8601.
    public static func components(_ seconds: Double) -> (year: Int, month: Int, day: Int, weekday: Int, hour: Int, minute: Int, second: Int) {
        let days = Int((seconds / secondsPerDay).rounded(.down))
        let within = Int((seconds - Double(days) * secondsPerDay).rounded(.down))
        let (year, month, day) = civilFromDays(days)
        // 1970-01-01 was a Thursday (4).
        let weekday = ((days % 7) + 7 + 3) % 7 + 1
        return (year, month, day, weekday, within / 3600, within % 3600 / 60, within % 60)
    }

    /// Each value of a text column's dictionary read as a date, or nil unless every one
    /// reads as a date (and there is one).
    public static func allDates(_ values: [String]) -> [Double]? {
        guard !values.isEmpty else { return nil }
        // Most text columns fail on their first value: four digits and a dash is cheap to test.
        guard let first = values.first?.utf8, first.count >= 10,
              first.prefix(4).allSatisfy({ $0 >= 48 && $0 <= 57 }), first.dropFirst(4).first == 45 else { return nil }
        var parsed: [Double] = []
        parsed.reserveCapacity(values.count)
        for value in values {
            guard let seconds = parse(value) else { return nil }
            parsed.append(seconds)
        }
        return parsed
    }

    /// Midnight of a calendar date, or nil for an impossible one (month 13, February 30th).
    public static func date(year: Int, month: Int, day: Int) -> Double? {
        guard (1...9999).contains(year), (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year) else { return nil }
        return Double(daysFromCivil(year: year, month: month, day: day)) * secondsPerDay
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civilFromDays(_ days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}
