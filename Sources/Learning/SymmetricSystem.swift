import CKernels

/// Solves `(A + ridge·I) x = b` for a real symmetric A, giving the minimum-norm solution
/// when `ridge` is 0 and A is singular (A⁺b: eigen-directions whose eigenvalue is zero
/// at working precision are left out), as least squares on collinear features needs.
///
/// The eigendecomposition A = (QZ) Λ (QZ)ᵀ is never formed as a matrix: Householder
/// reflections Q reduce A to tridiagonal T (the only O(n³) part, about 2n³ flops, in
/// `CKernels`), then implicit QL with Wilkinson shifts finds T = Z Λ Zᵀ while its
/// rotations are applied to Qᵀb as they happen (giving Zᵀ Qᵀ b) and logged, so that
/// Z y and then Q (Z y) are O(n²). Every operation runs in a fixed order with no fused
/// multiply-add, so the bits are the same on every x86-64 CPU (fingerprints hash them).
enum SymmetricSystem {
    struct Solution {
        var x: [Double]
        /// Eigenvalues above the zero cut-off.
        var rank: Int
    }

    /// - Parameters:
    ///   - a: the n × n matrix, row-major, symmetric.
    ///   - isCancelled: polled between reflections and QL iterations.
    /// - Returns: nil when cancelled.
    /// - Throws: `LearningError` if the matrix holds a value that is not finite, or QL
    ///   fails to converge (not seen in practice).
    /// - Complexity: O(n³) time, O(n²) memory.
    static func solve(_ a: [Double], size n: Int, rhs b: [Double], ridge: Double,
                      isCancelled: () -> Bool = { false }) throws -> Solution? {
        precondition(a.count == n * n && b.count == n)
        guard n > 0 else { return Solution(x: [], rank: 0) }
        guard a.allSatisfy(\.isFinite), b.allSatisfy(\.isFinite) else {
            throw LearningError("the sums of products of the features and the target are too large to compute with",
                                help: "scale the features ('scale standard numeric') and bring the target to a smaller unit with 'derive'")
        }
        // Scale by a power of two (exact) so that no sum of squares below can overflow.
        let largest = a.map(abs).max() ?? 0
        guard largest > 0 else { return Solution(x: [Double](repeating: 0, count: n), rank: 0) }
        let scale = Double(sign: .plus, exponent: largest.exponent, significand: 1)
        var m = a.map { $0 / scale }
        var c = b.map { $0 / scale }
        let scaledRidge = ridge / scale

        // 1. Householder: after step k, column k below the subdiagonal is zero. The
        // reflector I − τ v vᵀ acts on indices k+1..<n; v and τ are kept for Qᵀb and Q y.
        var diagonal = [Double](repeating: 0, count: n)
        var offDiagonal = [Double](repeating: 0, count: n)  // T[i][i+1]; the last is 0
        var reflectors: [(v: [Double], tau: Double)] = []
        var p = [Double](repeating: 0, count: n), w = [Double](repeating: 0, count: n)
        for k in 0..<max(0, n - 2) {
            if isCancelled() { return nil }
            let size = n - k - 1
            var v = Array(m[(k * n + k + 1)..<(k * n + n)])  // row k right of the diagonal = column k below it
            let norm = mlw_dot(v, v, size).squareRoot()
            diagonal[k] = m[k * n + k]
            guard norm > 0 else { offDiagonal[k] = 0; reflectors.append(([], 0)); continue }
            let alpha = v[0] > 0 ? -norm : norm
            v[0] -= alpha
            let vv = mlw_dot(v, v, size)
            guard vv > 0 else { offDiagonal[k] = v[0] + alpha; reflectors.append(([], 0)); continue }
            let tau = 2 / vv
            offDiagonal[k] = alpha
            let block = (k + 1) * n + k + 1
            m.withUnsafeMutableBufferPointer { buffer in
                mlw_block_matvec(buffer.baseAddress! + block, n, size, v, &p)
                for i in 0..<size { p[i] *= tau }
                let half = 0.5 * tau * mlw_dot(p, v, size)
                for i in 0..<size { w[i] = p[i] - half * v[i] }
                mlw_block_symmetric_rank2_update(buffer.baseAddress! + block, n, size, v, w)
            }
            reflectors.append((v, tau))
        }
        if n >= 2 {
            diagonal[n - 2] = m[(n - 2) * n + n - 2]
            offDiagonal[n - 2] = m[(n - 2) * n + n - 1]
        }
        diagonal[n - 1] = m[n * n - 1]
        m = []

        // c ← Qᵀ c = H_{n-3} ⋯ H_0 c.
        for (k, reflector) in reflectors.enumerated() where reflector.tau != 0 {
            apply(reflector, to: &c, from: k + 1)
        }

        // 2. Implicit QL on T (after JAMA's tql2). Each plane rotation would update two
        // columns of Z; applied to c instead it turns Zᵀ-so-far·c into the next, and the
        // log lets step 3 apply Z itself.
        var rotations: [(i: Int32, c: Double, s: Double)] = []
        rotations.reserveCapacity(2 * n * n)
        let epsilon = Double.ulpOfOne
        var shift = 0.0, norm = 0.0
        for l in 0..<n {
            if isCancelled() { return nil }
            norm = max(norm, abs(diagonal[l]) + abs(offDiagonal[l]))
            var mIndex = l
            while mIndex < n - 1, abs(offDiagonal[mIndex]) > epsilon * norm { mIndex += 1 }
            if mIndex > l {
                var iterations = 0
                repeat {
                    iterations += 1
                    guard iterations <= 100 else { throw LearningError("the least-squares solve did not converge") }
                    if iterations % 8 == 0, isCancelled() { return nil }
                    // Wilkinson shift from the leading 2 × 2 block.
                    let g = diagonal[l]
                    var q = (diagonal[l + 1] - g) / (2 * offDiagonal[l])
                    var r = hypotenuse(q, 1)
                    if q < 0 { r = -r }
                    diagonal[l] = offDiagonal[l] / (q + r)
                    diagonal[l + 1] = offDiagonal[l] * (q + r)
                    let nextDiagonal = diagonal[l + 1]
                    var h = g - diagonal[l]
                    if l + 2 < n { for i in (l + 2)..<n { diagonal[i] -= h } }
                    shift += h
                    q = diagonal[mIndex]
                    var cosine = 1.0, c2 = 1.0, c3 = 1.0, sine = 0.0, s2 = 0.0
                    let nextOff = offDiagonal[l + 1]
                    for i in stride(from: mIndex - 1, through: l, by: -1) {
                        c3 = c2; c2 = cosine; s2 = sine
                        let gi = cosine * offDiagonal[i]
                        h = cosine * q
                        r = hypotenuse(q, offDiagonal[i])
                        offDiagonal[i + 1] = sine * r
                        sine = offDiagonal[i] / r
                        cosine = q / r
                        q = cosine * diagonal[i] - sine * gi
                        diagonal[i + 1] = h + sine * (cosine * gi + sine * diagonal[i])
                        // The rotation of columns i, i+1 of Z, applied to the row vector cᵀ.
                        let ci1 = c[i + 1]
                        c[i + 1] = sine * c[i] + cosine * ci1
                        c[i] = cosine * c[i] - sine * ci1
                        rotations.append((Int32(i), cosine, sine))
                    }
                    q = -sine * s2 * c3 * nextOff * offDiagonal[l] / nextDiagonal
                    offDiagonal[l] = sine * q
                    diagonal[l] = cosine * q
                } while abs(offDiagonal[l]) > epsilon * norm
            }
            diagonal[l] += shift
            offDiagonal[l] = 0
        }

        // 3. y = Λ⁺ (Zᵀ Qᵀ b), then x = Q Z y. The cut-off for a zero eigenvalue is
        // relative (the square of lstsq's rcond ~ 1e-8).
        let cutoff = (diagonal.map(abs).max() ?? 0) * 1e-12
        var rank = 0
        for k in 0..<n {
            let lambda = diagonal[k]
            if lambda > cutoff { rank += 1 }
            c[k] = scaledRidge == 0 && lambda <= cutoff ? 0 : c[k] / (lambda + scaledRidge)
        }
        for rotation in rotations.reversed() {
            let i = Int(rotation.i)
            let yi = c[i], yi1 = c[i + 1]
            c[i] = rotation.c * yi + rotation.s * yi1
            c[i + 1] = rotation.c * yi1 - rotation.s * yi
        }
        for (k, reflector) in reflectors.enumerated().reversed() where reflector.tau != 0 {
            apply(reflector, to: &c, from: k + 1)
        }
        return Solution(x: c, rank: rank)
    }

    /// x[offset...] −= τ v (vᵀ x[offset...]).
    private static func apply(_ reflector: (v: [Double], tau: Double), to x: inout [Double], from offset: Int) {
        let size = reflector.v.count
        let projection = x.withUnsafeBufferPointer { mlw_dot($0.baseAddress! + offset, reflector.v, size) } * reflector.tau
        for i in 0..<size { x[offset + i] -= projection * reflector.v[i] }
    }

    /// √(x² + y²) without overflow, from IEEE operations only (libm's hypot may take
    /// another code path on another CPU, and fingerprints hash the result).
    private static func hypotenuse(_ x: Double, _ y: Double) -> Double {
        var a = abs(x), b = abs(y)
        if a < b { swap(&a, &b) }
        guard a > 0 else { return 0 }
        let t = b / a
        return a * (1 + t * t).squareRoot()
    }
}
