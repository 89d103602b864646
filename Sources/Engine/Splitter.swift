import Tabular

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
