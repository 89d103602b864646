import Foundation
import FuzzSupport
import Testing
@testable import Tabular

/// The byte-level number reader against the C library's strtod,
/// on random decimals of every length, at every position relative to the buffer's end.
struct NumberParsingTests {
    @Test func randomDecimalsReadAsStrtodReadsThem() {
        Fuzz.run("NumberParsing", cases: Fuzz.cases(default: 20_000)) { _, random in
            var text = random.chance(0.3) ? "-" : ""
            let integer = random.below(21), fraction = random.chance(0.6) ? random.below(19) : -1
            for k in 0..<integer { text.append(Character(String(k == 0 && integer > 1 && random.chance(0.8) ? 1 + random.below(9) : random.below(10)))) }
            if fraction >= 0 { text += "." + String((0..<fraction).map { _ in Character(String(random.below(10))) }) }
            if random.chance(0.1) { text += "e" + String(random.below(40) - 20) }
            let expected = Double(text)
            let padding = random.below(12)
            // The field followed by a separator and some padding, or ending the buffer.
            let bytes = Array(text.utf8) + (padding == 0 ? [] : [UInt8(ascii: ",")] + Array(repeating: UInt8(ascii: "7"), count: padding - 1))
            bytes.withUnsafeBufferPointer { buffer in
                let parsed = NumberParsing.parseDouble(buffer.baseAddress!, text.utf8.count)
                #expect(parsed == expected || (parsed?.isNaN == true && expected?.isNaN == true), "\(text)")
                if let (value, end) = NumberParsing.plainDecimalField(buffer.baseAddress!, from: 0, limit: buffer.count, separator: UInt8(ascii: ",")) {
                    #expect(value == expected, "\(text)")
                    #expect(end == text.utf8.count, "\(text)")
                }
            }
        }
    }
}

/// `describe`'s figures against plain definitions (a full sort, a `Set`) on random columns:
/// repeated values, ties at the quartiles, -0, infinities, every small length.
struct SummaryTests {
    @Test func quartilesAndDistinctCountsMatchTheirDefinitions() {
        Fuzz.run("Summaries", cases: Fuzz.cases(default: 3000)) { _, random in
            let n = random.chance(0.3) ? 1 + random.below(6) : 1 + random.below(3000)
            let pool = (0..<(1 + random.below(50))).map { _ in random.pick([0, -0.0, 1, 2.5, -7, .infinity, -.infinity, Double(random.below(1000)) / 8]) }
            let values = (0..<n).map { _ in random.chance(0.5) ? random.pick(pool) : Double(random.below(100_000)) - 50_000 }
            let sorted = values.sorted()
            var selecting = values
            let qs = [0.25, 0.5, 0.75, 0.9, 0.0, 1.0]
            let expected = qs.map { Statistics.quantile(sorted: sorted, $0) }
            let found = Statistics.quantiles(selectingIn: &selecting, qs)
            #expect(zip(found, expected).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }, "\(values.prefix(20)) … \(found) \(expected)")
            let distinct = Statistics.distinctCount(values)
            #expect(distinct.exact && distinct.count == Set(values.map { $0 == 0 ? 0 : $0 }).count)
        }
        // Past the exact limits the count is an estimate within about 1%.
        let many = (0..<300_000).map { Double($0) * 0.5 }
        let estimate = Statistics.distinctCount(many)
        #expect(!estimate.exact && abs(Double(estimate.count) / 300_000 - 1) < 0.03)
    }
}

extension SummaryTests {
    /// Past 50,000 values the quartiles come from a sample's brackets: exact all the same,
    /// on random, sorted, few-valued and periodic columns (the last defeats the sample).
    @Test func sampledQuartilesAreExact() {
        var random = FuzzRandom(seed: 7)
        let n = 120_001
        let columns: [[Double]] = [
            (0..<n).map { _ in Double(random.below(1_000_000)) / 7 },
            (0..<n).map(Double.init),
            (0..<n).map { _ in Double(random.below(3)) },
            (0..<n).map { Double(($0 * 7) % 16_384) } + [.infinity, -.infinity],
            (0..<n).map { $0 % 7_000 == 0 ? 1e300 : Double(random.below(10)) - 4.5 },
        ]
        for values in columns {
            let sorted = values.sorted()
            var selecting = values
            let qs = [0.25, 0.5, 0.75, 0.01, 0.999]
            #expect(Statistics.quantiles(selectingIn: &selecting, qs) == qs.map { Statistics.quantile(sorted: sorted, $0) })
        }
    }
}
