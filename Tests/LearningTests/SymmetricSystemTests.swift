import Foundation
import Testing
@testable import Learning
import Tabular

struct SymmetricSystemTests {
    /// A = BᵀB with B of rank r < n: b = A·x0 for x0 in A's row space, so the minimum-norm
    /// solution is x0 itself.
    @Test(arguments: [(1, 1), (2, 1), (7, 7), (40, 25), (120, 119)])
    func rankDeficientSystemsGiveTheMinimumNormSolution(size n: Int, rank r: Int) throws {
        var generator = SystemRandom(seed: UInt64(n * 1000 + r))
        let bRows = (0..<r).map { _ in (0..<n).map { _ in generator.normal() } }
        var a = [Double](repeating: 0, count: n * n)
        for row in bRows { for i in 0..<n { for j in 0..<n { a[i * n + j] += row[i] * row[j] } } }
        // x0 = Bᵀ z lies in the row space.
        let z = (0..<r).map { _ in generator.normal() }
        let x0 = (0..<n).map { j in (0..<r).reduce(0) { $0 + bRows[$1][j] * z[$1] } }
        let b = (0..<n).map { i in (0..<n).reduce(0) { $0 + a[i * n + $1] * x0[$1] } }
        let solution = try #require(try SymmetricSystem.solve(a, size: n, rhs: b, ridge: 0))
        #expect(solution.rank == r)
        let error = zip(solution.x, x0).map { abs($0 - $1) }.max()!
        let size = x0.map(abs).max()!
        #expect(error <= 1e-8 * max(size, 1), "largest error \(error)")
    }

    @Test func ridgeSolvesTheShiftedSystem() throws {
        let n = 60
        var generator = SystemRandom(seed: 9)
        let rows = (0..<n).map { _ in (0..<n).map { _ in generator.normal() } }
        var a = [Double](repeating: 0, count: n * n)
        for row in rows.prefix(30) { for i in 0..<n { for j in 0..<n { a[i * n + j] += row[i] * row[j] } } }
        let b = (0..<n).map { _ in generator.normal() }
        let ridge = 0.75
        let x = try #require(try SymmetricSystem.solve(a, size: n, rhs: b, ridge: ridge)).x
        for i in 0..<n {
            let lhs = (0..<n).reduce(ridge * x[i]) { $0 + a[i * n + $1] * x[$1] }
            #expect(abs(lhs - b[i]) < 1e-9)
        }
    }

    @Test func hugeEntriesDoNotOverflowAndNonFiniteOnesAreRefused() throws {
        // Entries near 1e300: sums of their squares would overflow without the scaling.
        let a = [4e300, 2e300, 2e300, 3e300], b = [2e300, 1e300]
        let x = try #require(try SymmetricSystem.solve(a, size: 2, rhs: b, ridge: 0)).x
        #expect(abs(x[0] - 0.5) < 1e-12 && abs(x[1]) < 1e-12)
        #expect(throws: LearningError.self) { try SymmetricSystem.solve([.infinity], size: 1, rhs: [1], ridge: 0) }
    }

    @Test func cancellationStopsTheSolve() throws {
        let n = 50
        let a = (0..<(n * n)).map { Double(($0 * 7919) % 101) }.enumerated().map { k, v in k / n == k % n ? v + 500 : 0 }
        #expect(try SymmetricSystem.solve(a, size: n, rhs: [Double](repeating: 1, count: n), ridge: 0, isCancelled: { true }) == nil)
    }
}

/// Tabular's seeded generator with a Box–Muller normal, for reproducible test matrices.
struct SystemRandom {
    var generator: SeededGenerator
    init(seed: UInt64) { generator = SeededGenerator(seed: seed) }
    mutating func uniform() -> Double { Double(generator.next() >> 11) / Double(1 << 53) }
    mutating func normal() -> Double {
        let u = max(uniform(), 1e-300), v = uniform()
        return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
    }
}
