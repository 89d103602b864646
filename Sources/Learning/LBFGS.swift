/// Limited-memory BFGS minimisation of a smooth function (Nocedal & Wright, alg. 7.4/7.5)
/// with a backtracking line search that enforces the Armijo condition; with L1 weights,
/// OWL-QN (Andrew & Gao 2007): the smooth function plus Σ λᵢ·|xᵢ|, minimised along the
/// pseudo-gradient within one orthant at a time, so coordinates reach exactly 0 (L1
/// logistic fits replaying journals of fingerprints v3 and before; new ones take
/// `LogisticCoordinateDescent`, which converges where OWL-QN crept).
struct LBFGS {
    var memory = 10
    var maxIterations = 500
    /// Stop when the largest gradient component falls below this.
    var gradientTolerance = 1e-7

    struct Result {
        var solution: [Double]
        var value: Double
        var iterations: Int
        var converged: Bool
    }

    /// Minimises `objective`, which returns the value and writes the gradient, plus
    /// Σ `l1[i]`·|xᵢ| when `l1` is given (nil: plain L-BFGS, as before L1 existed).
    func minimize(start: [Double], l1: [Double]? = nil, isCancelled: () -> Bool = { false },
                  objective: ([Double], inout [Double]) -> Double) throws -> Result {
        let n = start.count
        var x = start
        var gradient = [Double](repeating: 0, count: n)
        // The L1 term's value at x (0 without L1).
        func penalty(_ x: [Double]) -> Double {
            guard let l1 else { return 0 }
            var sum = 0.0
            for i in 0..<n where l1[i] != 0 { sum += l1[i] * abs(x[i]) }
            return sum
        }
        // The pseudo-gradient: the steepest-descent direction's negative where |xᵢ| has no
        // derivative (xᵢ = 0): 0 when the smooth slope lies within ±λᵢ.
        func steepest(_ x: [Double], _ g: [Double]) -> [Double] {
            guard let l1 else { return g }
            return (0..<n).map { i in
                let lambda = l1[i]
                if x[i] > 0 { return g[i] + lambda }
                if x[i] < 0 { return g[i] - lambda }
                if g[i] + lambda < 0 { return g[i] + lambda }
                if g[i] - lambda > 0 { return g[i] - lambda }
                return 0
            }
        }
        var value = objective(x, &gradient) + penalty(x)
        var sHistory: [[Double]] = [], yHistory: [[Double]] = [], rhoHistory: [Double] = []
        var iteration = 0
        while iteration < maxIterations {
            let pseudo = steepest(x, gradient)
            if pseudo.map(abs).max() ?? 0 <= gradientTolerance {
                return Result(solution: x, value: value, iterations: iteration, converged: true)
            }
            if isCancelled() { throw CancelledOptimization() }
            iteration += 1
            // Two-loop recursion: direction = -H·g.
            var q = pseudo
            var alphas = [Double](repeating: 0, count: sHistory.count)
            for k in stride(from: sHistory.count - 1, through: 0, by: -1) {
                alphas[k] = rhoHistory[k] * dot(sHistory[k], q)
                for i in 0..<n { q[i] -= alphas[k] * yHistory[k][i] }
            }
            if let lastS = sHistory.last, let lastY = yHistory.last {
                let scale = dot(lastS, lastY) / dot(lastY, lastY)
                for i in 0..<n { q[i] *= scale }
            } else {
                let norm = dot(pseudo, pseudo).squareRoot()
                for i in 0..<n { q[i] /= max(norm, 1) }
            }
            for k in 0..<sHistory.count {
                let beta = rhoHistory[k] * dot(yHistory[k], q)
                for i in 0..<n { q[i] += sHistory[k][i] * (alphas[k] - beta) }
            }
            var direction = q.map { -$0 }
            // OWL-QN: no coordinate moves against its steepest descent.
            if l1 != nil { for i in 0..<n where direction[i] * pseudo[i] >= 0 { direction[i] = 0 } }
            var slope = dot(direction, pseudo)
            if slope >= 0 {  // not a descent direction: restart from steepest descent
                sHistory.removeAll(); yHistory.removeAll(); rhoHistory.removeAll()
                direction = pseudo.map { -$0 }
                slope = dot(direction, pseudo)
            }
            // The orthant the step stays in: x's signs, or for zeros the direction of descent.
            let orthant = l1 == nil ? [] : (0..<n).map { i in x[i] != 0 ? (x[i] > 0 ? 1.0 : -1.0) : (pseudo[i] < 0 ? 1.0 : -1.0) }
            var step = 1.0
            var candidate = x
            var candidateGradient = gradient
            var candidateValue = value
            var accepted = false
            for _ in 0..<60 {
                for i in 0..<n { candidate[i] = x[i] + step * direction[i] }
                if l1 != nil {
                    // Coordinates that would cross into another orthant stop at 0.
                    for i in 0..<n where candidate[i] * orthant[i] < 0 { candidate[i] = 0 }
                    candidateValue = objective(candidate, &candidateGradient) + penalty(candidate)
                    var moved = 0.0
                    for i in 0..<n { moved += pseudo[i] * (candidate[i] - x[i]) }
                    if candidateValue <= value + 1e-4 * moved { accepted = true; break }
                } else {
                    candidateValue = objective(candidate, &candidateGradient)
                    if candidateValue <= value + 1e-4 * step * slope { accepted = true; break }
                }
                step *= 0.5
            }
            if !accepted {
                // No decrease is possible at floating-point precision: we are at the minimum.
                return Result(solution: x, value: value, iterations: iteration, converged: true)
            }
            let s = (0..<n).map { candidate[$0] - x[$0] }
            let y = (0..<n).map { candidateGradient[$0] - gradient[$0] }
            let sy = dot(s, y)
            if sy > 1e-12 * dot(y, y) {
                sHistory.append(s); yHistory.append(y); rhoHistory.append(1 / sy)
                if sHistory.count > memory { sHistory.removeFirst(); yHistory.removeFirst(); rhoHistory.removeFirst() }
            }
            let improvement = value - candidateValue
            x = candidate
            gradient = candidateGradient
            value = candidateValue
            if improvement <= 1e-16 * max(abs(value), 1) {
                let largest = steepest(x, gradient).map(abs).max() ?? 0
                return Result(solution: x, value: value, iterations: iteration, converged: largest <= gradientTolerance * 100)
            }
        }
        return Result(solution: x, value: value, iterations: iteration, converged: false)
    }

    private func dot(_ a: [Double], _ b: [Double]) -> Double {
        var sum = 0.0
        for i in a.indices { sum += a[i] * b[i] }
        return sum
    }
}

/// Thrown by the optimizer when the user interrupts training.
public struct CancelledOptimization: Error {
    public init() {}
}
