/// SplitMix64 (Steele, Lea & Flood 2014): a tiny seedable generator, so a recorded
/// seed reproduces a split on any machine.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Random train/test splits.
enum Splitter {
    /// Marks test rows. With strata, each stratum (e.g. class) contributes its own share
    /// of test rows; rows with stratum -1 (missing) form one more stratum.
    /// - Complexity: O(rows)
    static func split(rows: Int, trainFraction: Double, strata: [Int]?, seed: UInt64) -> [Bool] {
        var generator = SeededGenerator(seed: seed)
        var isTest = [Bool](repeating: false, count: rows)
        let groups: [[Int]]
        if let strata {
            var byStratum: [Int: [Int]] = [:]
            for row in 0..<rows { byStratum[strata[row], default: []].append(row) }
            groups = byStratum.keys.sorted().map { byStratum[$0]! }
        } else {
            groups = [Array(0..<rows)]
        }
        for group in groups {
            var shuffled = group
            // Fisher–Yates with our generator (Swift's shuffle algorithm may change between releases).
            if shuffled.count > 1 {
                for i in stride(from: shuffled.count - 1, to: 0, by: -1) {
                    let j = Int(generator.next() % UInt64(i + 1))
                    shuffled.swapAt(i, j)
                }
            }
            let testCount = Int((Double(group.count) * (1 - trainFraction)).rounded())
            for row in shuffled.prefix(testCount) { isTest[row] = true }
        }
        return isTest
    }
}
