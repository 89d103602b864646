#include "ckernels.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

// No fused multiply-add: the AVX2 clone must round exactly as the baseline one does, so
// a session recorded on one CPU verifies on another (fingerprints hash model bits).
#pragma clang fp contract(off)

typedef double double4 __attribute__((vector_size(32)));

#if defined(__x86_64__) && defined(__clang__)
#define MLW_WIDE __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define MLW_WIDE
#endif

// Macros, not functions: a function taking or returning a 32-byte vector has a different
// ABI in the AVX clone than in the baseline one.
#define LOAD4(p) ({ double4 v_; memcpy(&v_, (p), sizeof v_); v_; })
#define TOTAL4(v) (((v)[0] + (v)[1]) + ((v)[2] + (v)[3]))

/// Two columns against two at a time: four loads feed four multiply-adds, where a plain
/// dot product needs two loads for each. A lone last column pairs with itself and its
/// extra sums are dropped.
MLW_WIDE
void mlw_add_tile_products(const double *tile, long stride, long rows, long features, double *sums) {
    const long q = features, wide = rows & ~3L;
    for (long a = 0; a < q; a += 2) {
        const long a1 = a + 1 < q ? a + 1 : a;
        const double *xa = tile + a * stride, *xa1 = tile + a1 * stride;
        for (long b = a; b < q; b += 2) {
            const long b1 = b + 1 < q ? b + 1 : b;
            const double *xb = tile + b * stride, *xb1 = tile + b1 * stride;
            double4 s00 = {0, 0, 0, 0}, s01 = s00, s10 = s00, s11 = s00;
            long i = 0;
            for (; i < wide; i += 4) {
                const double4 va = LOAD4(xa + i), va1 = LOAD4(xa1 + i), vb = LOAD4(xb + i), vb1 = LOAD4(xb1 + i);
                s00 += va * vb;
                s01 += va * vb1;
                s10 += va1 * vb;
                s11 += va1 * vb1;
            }
            double t00 = TOTAL4(s00), t01 = TOTAL4(s01), t10 = TOTAL4(s10), t11 = TOTAL4(s11);
            for (; i < rows; i++) {
                t00 += xa[i] * xb[i];
                t01 += xa[i] * xb1[i];
                t10 += xa1[i] * xb[i];
                t11 += xa1[i] * xb1[i];
            }
            sums[a * q + b] += t00;
            if (b1 != b) sums[a * q + b1] += t01;
            if (a1 != a && b >= a1) sums[a1 * q + b] += t10;
            if (a1 != a && b1 != b) sums[a1 * q + b1] += t11;
        }
    }
}

/// x · y over n values with four four-lane accumulators (a plain loop is one long chain
/// of dependent adds, which the compiler may not reorder).
#define DOT(result, xs, ys, n) do { \
    const double *x_ = (xs), *y_ = (ys); \
    const long n_ = (n), wide_ = n_ & ~15L; \
    double4 d0_ = {0, 0, 0, 0}, d1_ = d0_, d2_ = d0_, d3_ = d0_; \
    long j_ = 0; \
    for (; j_ < wide_; j_ += 16) { \
        d0_ += LOAD4(x_ + j_) * LOAD4(y_ + j_); \
        d1_ += LOAD4(x_ + j_ + 4) * LOAD4(y_ + j_ + 4); \
        d2_ += LOAD4(x_ + j_ + 8) * LOAD4(y_ + j_ + 8); \
        d3_ += LOAD4(x_ + j_ + 12) * LOAD4(y_ + j_ + 12); \
    } \
    double4 d_ = (d0_ + d1_) + (d2_ + d3_); \
    double s_ = TOTAL4(d_); \
    for (; j_ < n_; j_++) s_ += x_[j_] * y_[j_]; \
    (result) = s_; \
} while (0)

MLW_WIDE
void mlw_logistic_accumulate(const double *x, long rows, long p, long k, const double *w, const double *b,
                             const long *labels, const double *class_weights, double *gradient, double *loss, double *scores) {
    double total_loss = 0;
    for (long i = 0; i < rows; i++) {
        const double *row = x + i * p;
        for (long c = 0; c < k; c++) {
            double z;
            DOT(z, w + c * p, row, p);
            scores[c] = b[c] + z;
        }
        const long label = labels[i];
        // A weight of 1 multiplies exactly, so unweighted fits keep their bits.
        const double weight = class_weights ? class_weights[label] : 1;
        if (k == 1) {
            const double z = scores[0], y = (double)label;
            // One exponential serves both the loss log(1 + e^z) - y·z and the sigmoid,
            // each in its overflow-free form.
            const double e = exp(-fabs(z));
            total_loss += weight * ((z > 0 ? z + log1p(e) : log1p(e)) - y * z);
            const double residual = weight * ((z >= 0 ? 1 / (1 + e) : e / (1 + e)) - y);
            for (long j = 0; j < p; j++) gradient[j] += residual * row[j];
            gradient[p] += residual;
        } else {
            double top = scores[0];
            for (long c = 1; c < k; c++) if (scores[c] > top) top = scores[c];
            double sum = 0;
            for (long c = 0; c < k; c++) sum += exp(scores[c] - top);
            const double log_total = log(sum) + top;
            total_loss += weight * (log_total - scores[label]);
            for (long c = 0; c < k; c++) {
                const double residual = weight * (exp(scores[c] - log_total) - (c == label ? 1 : 0));
                double *g = gradient + c * (p + 1);
                for (long j = 0; j < p; j++) g[j] += residual * row[j];
                g[p] += residual;
            }
        }
    }
    *loss += total_loss;
}

/// out[i] = A[i, 0..<m] · v for the m × m block at a (rows lda apart).
MLW_WIDE
void mlw_block_matvec(const double *a, long lda, long m, const double *v, double *out) {
    for (long i = 0; i < m; i++) {
        double s;
        DOT(s, a + i * lda, v, m);
        out[i] = s;
    }
}

/// A -= v wᵀ + w vᵀ on the m × m block at a (rows lda apart). Each cell subtracts
/// v[i]·w[j] + w[i]·v[j], and a[j][i] the same two products in the other order, so a
/// symmetric block stays exactly symmetric.
MLW_WIDE
void mlw_block_symmetric_rank2_update(double *a, long lda, long m, const double *v, const double *w) {
    for (long i = 0; i < m; i++) {
        const double vi = v[i], wi = w[i];
        double *row = a + i * lda;
        for (long j = 0; j < m; j++) row[j] -= vi * w[j] + wi * v[j];
    }
}

/// x · y over n values (the four-lane DOT above, callable from Swift).
MLW_WIDE
double mlw_dot(const double *x, const double *y, long n) {
    double s;
    DOT(s, x, y, n);
    return s;
}

/// Σ g·z and Σ d·z² over n values, each summed in a fixed four-lane order.
MLW_WIDE
void mlw_weighted_column_sums(const double *z, const double *g, const double *d, long n, double *gz, double *dzz) {
    const long wide = n & ~7L;
    double4 a0 = {0, 0, 0, 0}, a1 = a0, b0 = a0, b1 = a0;
    long i = 0;
    for (; i < wide; i += 8) {
        const double4 z0 = LOAD4(z + i), z1 = LOAD4(z + i + 4);
        a0 += LOAD4(g + i) * z0;
        a1 += LOAD4(g + i + 4) * z1;
        b0 += (LOAD4(d + i) * z0) * z0;
        b1 += (LOAD4(d + i + 4) * z1) * z1;
    }
    const double4 a = a0 + a1, b = b0 + b1;
    double sa = TOTAL4(a), sb = TOTAL4(b);
    for (; i < n; i++) {
        sa += g[i] * z[i];
        sb += (d[i] * z[i]) * z[i];
    }
    *gz = sa;
    *dzz = sb;
}

/// q[i] += step · (d[i] · z[i]) for i in 0..<n (d NULL: q[i] += step · z[i]). Each value on
/// its own, so every clone gives the same bits.
MLW_WIDE
void mlw_add_scaled_product(double *q, double step, const double *d, const double *z, long n) {
    if (d) {
        for (long i = 0; i < n; i++) q[i] += step * (d[i] * z[i]);
    } else {
        for (long i = 0; i < n; i++) q[i] += step * z[i];
    }
}

// Far enough ahead for a cache miss to be served before its row is reached.
#define MLW_PREFETCH_DISTANCE 24

void mlw_tree_count_classes(const unsigned short *codes, long width, long place, const int *order, long start, long end,
                            const int *labels, long classes, unsigned int *counts) {
    for (long i = start; i < end; i++) {
        if (i + MLW_PREFETCH_DISTANCE < end) {
            __builtin_prefetch(codes + (long)order[i + MLW_PREFETCH_DISTANCE] * width + place);
        }
        long code = codes[(long)order[i] * width + place];
        counts[code * classes + labels[i]] += 1;
    }
}

void mlw_tree_sum_values(const unsigned short *codes, long width, long place, const int *order, long start, long end,
                         const double *values, double *sums, unsigned int *counts) {
    for (long i = start; i < end; i++) {
        if (i + MLW_PREFETCH_DISTANCE < end) {
            __builtin_prefetch(codes + (long)order[i + MLW_PREFETCH_DISTANCE] * width + place);
        }
        long code = codes[(long)order[i] * width + place];
        sums[code] += values[i];
        counts[code] += 1;
    }
}

typedef long long long4 __attribute__((vector_size(32)));

// Keeps the k best (distance, row) pairs of one query sorted, nearest first; a pair enters
// only when strictly nearer than the k-th, so among equals the lower row (seen first) stays.
// A distance that overflowed (infinite, or NaN from inf - inf) counts as farthest but still
// fills an empty slot, so every query gets k real rows (the bundle fuzz found -1 left there).
static inline void mlw_offer(double d, long row, long k, double *best, long *rows) {
    if (d != d) d = __builtin_inf();
    if (!(d < best[k - 1]) && rows[k - 1] >= 0) return;
    long i = k - 1;
    while (i > 0 && (d < best[i - 1] || rows[i - 1] < 0)) { best[i] = best[i - 1]; rows[i] = rows[i - 1]; i--; }
    best[i] = d;
    rows[i] = row;
}

// The distance terms of one pair, summed in feature order (one lane of the packed kernel).
static inline double mlw_pair_sum(const double *x, const double *y, long p, int manhattan) {
    double sum = 0;
    for (long j = 0; j < p; j++) sum += manhattan ? fabs(x[j] - y[j]) : x[j] * y[j];
    return sum;
}

void mlw_row_norms(const double *x, long n, long p, double *norms) {
    for (long i = 0; i < n; i++) norms[i] = mlw_pair_sum(x + i * p, x + i * p, p, 0);
}

void mlw_pack_rows(const double *rows, long n, long p, double *packed) {
    const long quads = n / 4;
    for (long g = 0; g < quads; g++) {
        for (long j = 0; j < p; j++) {
            for (long r = 0; r < 4; r++) packed[(g * p + j) * 4 + r] = rows[(g * 4 + r) * p + j];
        }
    }
}

MLW_WIDE
void mlw_nearest(const double *queries, long q, const double *train, const double *packed, const double *train_norms, long n, long p,
                 long k, int manhattan, long *indices, double *distances) {
    double query_norm[q > 0 ? q : 1];
    for (long a = 0; a < q; a++) {
        query_norm[a] = manhattan ? 0 : mlw_pair_sum(queries + a * p, queries + a * p, p, 0);
        for (long i = 0; i < k; i++) { distances[a * k + i] = __builtin_inf(); indices[a * k + i] = -1; }
    }
    const long quads = n / 4;
    const long4 sign = {0x7FFFFFFFFFFFFFFFLL, 0x7FFFFFFFFFFFFFFFLL, 0x7FFFFFFFFFFFFFFFLL, 0x7FFFFFFFFFFFFFFFLL};
    // Packed training rows, four to a vector per feature: each vector of sums holds four
    // whole pairs, summed feature by feature, so no sum is split across lanes.
    for (long g0 = 0; g0 < quads; g0 += 64) {  // 256 training rows (155 KB at 76 features) stay in the second-level cache
        const long g1 = g0 + 64 < quads ? g0 + 64 : quads;
        long a = 0;
        for (; a + 4 <= q; a += 4) {
            const double *x0 = queries + a * p, *x1 = x0 + p, *x2 = x1 + p, *x3 = x2 + p;
            long g = g0;
            for (; g + 2 <= g1; g += 2) {
                const double *t0 = packed + g * p * 4, *t1 = t0 + p * 4;
                double4 s0 = {0, 0, 0, 0}, s1 = s0, s2 = s0, s3 = s0, s4 = s0, s5 = s0, s6 = s0, s7 = s0;
                // One loop per metric: a test inside would keep the sums out of registers.
                if (manhattan) {
                    for (long j = 0; j < p; j++) {
                        double4 u0 = LOAD4(t0 + j * 4), u1 = LOAD4(t1 + j * 4);
                        double4 v = {x0[j], x0[j], x0[j], x0[j]};
                        s0 += (double4)((long4)(v - u0) & sign); s1 += (double4)((long4)(v - u1) & sign);
                        v = (double4){x1[j], x1[j], x1[j], x1[j]};
                        s2 += (double4)((long4)(v - u0) & sign); s3 += (double4)((long4)(v - u1) & sign);
                        v = (double4){x2[j], x2[j], x2[j], x2[j]};
                        s4 += (double4)((long4)(v - u0) & sign); s5 += (double4)((long4)(v - u1) & sign);
                        v = (double4){x3[j], x3[j], x3[j], x3[j]};
                        s6 += (double4)((long4)(v - u0) & sign); s7 += (double4)((long4)(v - u1) & sign);
                    }
                } else {
                    for (long j = 0; j < p; j++) {
                        double4 u0 = LOAD4(t0 + j * 4), u1 = LOAD4(t1 + j * 4);
                        double4 v = {x0[j], x0[j], x0[j], x0[j]};
                        s0 += v * u0; s1 += v * u1;
                        v = (double4){x1[j], x1[j], x1[j], x1[j]};
                        s2 += v * u0; s3 += v * u1;
                        v = (double4){x2[j], x2[j], x2[j], x2[j]};
                        s4 += v * u0; s5 += v * u1;
                        v = (double4){x3[j], x3[j], x3[j], x3[j]};
                        s6 += v * u0; s7 += v * u1;
                    }
                }
                double4 sums[8] = {s0, s1, s2, s3, s4, s5, s6, s7};
                for (long qa = 0; qa < 4; qa++) {
                    for (long h = 0; h < 2; h++) {
                        for (long r = 0; r < 4; r++) {
                            const long b = (g + h) * 4 + r;
                            double t = sums[qa * 2 + h][r];
                            double d = manhattan ? t : query_norm[a + qa] + train_norms[b] - 2 * t;
                            if (d < 0) d = 0;
                            mlw_offer(d, b, k, distances + (a + qa) * k, indices + (a + qa) * k);
                        }
                    }
                }
            }
            for (; g < g1; g++) {
                for (long qa = 0; qa < 4; qa++) {
                    for (long r = 0; r < 4; r++) {
                        const long b = g * 4 + r;
                        double t = mlw_pair_sum(queries + (a + qa) * p, train + b * p, p, manhattan);
                        double d = manhattan ? t : query_norm[a + qa] + train_norms[b] - 2 * t;
                        if (d < 0) d = 0;
                        mlw_offer(d, b, k, distances + (a + qa) * k, indices + (a + qa) * k);
                    }
                }
            }
        }
        for (; a < q; a++) {
            for (long b = g0 * 4; b < g1 * 4; b++) {
                double t = mlw_pair_sum(queries + a * p, train + b * p, p, manhattan);
                double d = manhattan ? t : query_norm[a] + train_norms[b] - 2 * t;
                if (d < 0) d = 0;
                mlw_offer(d, b, k, distances + a * k, indices + a * k);
            }
        }
    }
    // The rows after the last whole four.
    for (long a = 0; a < q; a++) {
        for (long b = quads * 4; b < n; b++) {
            double t = mlw_pair_sum(queries + a * p, train + b * p, p, manhattan);
            double d = manhattan ? t : query_norm[a] + train_norms[b] - 2 * t;
            if (d < 0) d = 0;
            mlw_offer(d, b, k, distances + a * k, indices + a * k);
        }
    }
    if (!manhattan) for (long i = 0; i < q * k; i++) distances[i] = sqrt(distances[i]);
}

void mlw_pack_centres(const double *centres, long k, long p, double *packed) {
    const long groups = (k + 3) / 4;
    for (long g = 0; g < groups; g++) {
        for (long j = 0; j < p; j++) {
            for (long r = 0; r < 4; r++) {
                const long c = g * 4 + r < k ? g * 4 + r : k - 1;  // padding lanes repeat the last centre
                packed[(g * p + j) * 4 + r] = centres[c * p + j];
            }
        }
    }
}

MLW_WIDE
void mlw_squared_distances(const double *x, long rows, long p, const double *packed, long k, double *out) {
    const long groups = (k + 3) / 4;
    long i = 0;
    // Four rows at a time against four centres: four independent vectors of sums, each lane
    // one (row, centre) pair summed feature by feature, as a scalar loop would.
    for (; i + 4 <= rows; i += 4) {
        const double *x0 = x + i * p, *x1 = x0 + p, *x2 = x1 + p, *x3 = x2 + p;
        for (long g = 0; g < groups; g++) {
            const double *u = packed + g * p * 4;
            double4 s0 = {0, 0, 0, 0}, s1 = s0, s2 = s0, s3 = s0;
            for (long j = 0; j < p; j++) {
                const double4 c = LOAD4(u + j * 4);
                double4 d = (double4){x0[j], x0[j], x0[j], x0[j]} - c; s0 += d * d;
                d = (double4){x1[j], x1[j], x1[j], x1[j]} - c; s1 += d * d;
                d = (double4){x2[j], x2[j], x2[j], x2[j]} - c; s2 += d * d;
                d = (double4){x3[j], x3[j], x3[j], x3[j]} - c; s3 += d * d;
            }
            for (long r = 0; r < 4 && g * 4 + r < k; r++) {
                out[(i + 0) * k + g * 4 + r] = s0[r];
                out[(i + 1) * k + g * 4 + r] = s1[r];
                out[(i + 2) * k + g * 4 + r] = s2[r];
                out[(i + 3) * k + g * 4 + r] = s3[r];
            }
        }
    }
    for (; i < rows; i++) {
        const double *x0 = x + i * p;
        for (long g = 0; g < groups; g++) {
            const double *u = packed + g * p * 4;
            double4 s0 = {0, 0, 0, 0};
            for (long j = 0; j < p; j++) {
                const double4 d = (double4){x0[j], x0[j], x0[j], x0[j]} - LOAD4(u + j * 4);
                s0 += d * d;
            }
            for (long r = 0; r < 4 && g * 4 + r < k; r++) out[i * k + g * 4 + r] = s0[r];
        }
    }
}

void mlw_cluster_sums(const double *x, long rows, long p, const long *labels, long k, double *sums, long *counts) {
    (void)k;
    for (long i = 0; i < rows; i++) {
        const long c = labels[i];
        counts[c] += 1;
        double *s = sums + c * p;
        const double *row = x + i * p;
        for (long j = 0; j < p; j++) s[j] += row[j];
    }
}

// ---------------------------------------------------------------------------------------
// Euclidean neighbours screened in single precision, decided in double.
//
// The exact search (mlw_nearest) is bound by double-precision arithmetic without fused
// multiply-adds. Here every pair is first scored in single precision (twice the lanes, and
// fused multiply-adds where the CPU has them) together with a bound on how far that score
// can be from the exact one; only pairs whose lower bound is within the k-th smallest upper
// bound are kept, and those few are scored again exactly as mlw_nearest scores them. The
// answer is therefore mlw_nearest's, bit for bit, on every CPU: the single-precision
// scores only decide which pairs are worth the exact arithmetic.
//
// The bound. For rows x and y of p values (single-precision copies x', y'), the computed
// x'·y' differs from x·y by at most (p + 2)u(1 + O(u))‖x‖‖y‖ (rounding x and y: 2u; the
// p-term sum, fused or not: pu; u = 2⁻²⁴), and the ranking value ‖y‖² − 2x·y adds the
// rounding of ‖y‖² and of one subtraction, each at most u(‖x‖ + ‖y‖)². As
// ‖x‖‖y‖ ≤ (‖x‖ + ‖y‖)²/4, all of it is below (p + 6)u(‖x‖ + ‖y‖)²; we allow twice
// that, plus an absolute p·2⁻¹²⁰ for sums that end among the subnormal numbers (products
// cannot underflow or overflow: values are 0 or within 2^±40, mlw_screenable). The
// double-precision error of the exact score is far below the slack.

typedef float float8 __attribute__((vector_size(32)));
typedef int int8v __attribute__((vector_size(32)));
#define LOADF8(p) ({ float8 v_; memcpy(&v_, (p), sizeof v_); v_; })
#define MLW_SCREEN_GROUPS_PER_TILE 64  // 512 training rows (156 KB at 76 features) per tile

int mlw_screenable(const double *x, long count) {
    for (long i = 0; i < count; i++) {
        const double a = fabs(x[i]);
        if (a != 0 && !(a >= 0x1p-40 && a <= 0x1p40)) return 0;
    }
    return 1;
}

long mlw_screen_groups(long n) { return ((n + 15) / 16) * 2; }

void mlw_pack_rows_single(const double *rows, long n, long p, const double *norms, int manhattan, float *packed, float *packed_norms,
                          float *roots) {
    const long groups = mlw_screen_groups(n);
    for (long g = 0; g < groups; g++) {
        for (long j = 0; j < p; j++) {
            for (long r = 0; r < 8; r++) {
                const long b = g * 8 + r;
                packed[(g * p + j) * 8 + r] = b < n ? (float)rows[b * p + j] : 0;
            }
        }
        for (long r = 0; r < 8; r++) {
            const long b = g * 8 + r;
            // Padding rows score NaN (their norm, or their bound's), which no comparison keeps.
            packed_norms[b] = b < n && !manhattan ? (float)norms[b] : __builtin_nanf("");
            if (b >= n) {
                roots[b] = manhattan ? __builtin_nanf("") : 0;
            } else if (manhattan) {
                double sum = 0;
                for (long j = 0; j < p; j++) sum += fabs(rows[b * p + j]);
                roots[b] = (float)sum;
            } else {
                roots[b] = (float)sqrt(norms[b]);
            }
        }
    }
}

// One query's candidates: every row whose lower bound was within the query's threshold
// when it was scored, in row order, with that lower bound.
typedef struct {
    long *rows;
    float *lows;
    long count, capacity;
} mlw_candidates;

// Keeps a pair that might be among the k nearest, and tightens the threshold (the k-th
// smallest upper bound) when its upper bound is below it. A full list first drops the pairs
// the threshold has passed by since (it only falls); it grows when that is not enough
// (many rows at one distance).
static void mlw_screen_offer(mlw_candidates *c, long row, float low, float up, long k, float *upper, float *threshold) {
    if (c->count == c->capacity) {
        long kept = 0;
        for (long i = 0; i < c->count; i++) {
            if (c->lows[i] <= *threshold) { c->rows[kept] = c->rows[i]; c->lows[kept] = c->lows[i]; kept++; }
        }
        c->count = kept;
        if (kept * 2 > c->capacity) {
            c->capacity *= 2;
            c->rows = realloc(c->rows, c->capacity * sizeof *c->rows);
            c->lows = realloc(c->lows, c->capacity * sizeof *c->lows);
        }
    }
    c->rows[c->count] = row;
    c->lows[c->count] = low;
    c->count++;
    if (up < upper[k - 1]) {
        long i = k - 1;
        while (i > 0 && up < upper[i - 1]) { upper[i] = upper[i - 1]; i--; }
        upper[i] = up;
        *threshold = upper[k - 1];
    }
}

// The exact scores of one query's pairs that passed, offered in row order as mlw_nearest
// offers them (outside mlw_nearest_screened, whose single-precision part may fuse).
static void mlw_screen_decide(const double *x, double x_norm, const double *train, const double *train_norms, long p, long k,
                              int manhattan, mlw_candidates *c, float threshold, long *rows, double *best) {
    for (long i = 0; i < k; i++) { best[i] = __builtin_inf(); rows[i] = -1; }
    for (long i = 0; i < c->count; i++) {
        if (!(c->lows[i] <= threshold)) continue;
        const long b = c->rows[i];
        double d = manhattan ? mlw_pair_sum(x, train + b * p, p, 1) : x_norm + train_norms[b] - 2 * mlw_pair_sum(x, train + b * p, p, 0);
        if (d < 0) d = 0;
        mlw_offer(d, b, k, best, rows);
    }
    if (!manhattan) for (long i = 0; i < k; i++) best[i] = sqrt(best[i]);
    free(c->rows);
    free(c->lows);
}

// QN queries (x, a pointer per query) against training groups g and g + 1: the sums, then
// the screen. A macro so the accumulators stay in registers for each constant QN and
// metric (L1: manhattan, with |v − u| summed and each row's L1 norm in `roots`).
#define MLW_SCREEN_BLOCK(QN, L1)                                                                                    \
    do {                                                                                                            \
        const float *t0 = packed + g * p * 8, *t1 = t0 + p * 8;                                                     \
        float8 s[QN][2];                                                                                            \
        for (int qa = 0; qa < QN; qa++) s[qa][0] = s[qa][1] = (float8){0, 0, 0, 0, 0, 0, 0, 0};                     \
        for (long j = 0; j < p; j++) {                                                                              \
            const float8 u0 = LOADF8(t0 + j * 8), u1 = LOADF8(t1 + j * 8);                                          \
            for (int qa = 0; qa < QN; qa++) {                                                                       \
                const float w = xs[(a + qa) * p + j];                                                               \
                const float8 v = {w, w, w, w, w, w, w, w};                                                          \
                if (L1) {                                                                                           \
                    s[qa][0] += (float8)((int8v)(v - u0) & magnitude);                                              \
                    s[qa][1] += (float8)((int8v)(v - u1) & magnitude);                                              \
                } else {                                                                                            \
                    s[qa][0] += v * u0;                                                                             \
                    s[qa][1] += v * u1;                                                                             \
                }                                                                                                   \
            }                                                                                                       \
        }                                                                                                           \
        for (int h = 0; h < 2; h++) {                                                                               \
            const float8 ny = LOADF8(packed_norms + (g + h) * 8), ry = LOADF8(roots + (g + h) * 8);                 \
            for (int qa = 0; qa < QN; qa++) {                                                                       \
                const float8 e = root[a + qa] + ry;                                                                 \
                const float8 score = L1 ? s[qa][h] : ny - 2.0f * s[qa][h];                                          \
                const float8 bound = L1 ? slope * e + floor_ : slope * e * e + floor_;                              \
                const float8 low = score - bound;                                                                   \
                const int8v keep = low <= threshold[a + qa];                                                        \
                if (__builtin_reduce_or(keep)) {                                                                    \
                    for (int r = 0; r < 8; r++) {                                                                   \
                        if (keep[r]) {                                                                              \
                            mlw_screen_offer(&found[a + qa], (g + h) * 8 + r, low[r], score[r] + bound[r], k,       \
                                             upper + (a + qa) * k, &threshold[a + qa]);                             \
                        }                                                                                           \
                    }                                                                                               \
                }                                                                                                   \
            }                                                                                                       \
        }                                                                                                           \
    } while (0)

// Every query block against every tile of training groups, for one metric.
#define MLW_SCREEN_ALL(L1)                                                                                          \
    for (long g0 = 0; g0 < groups; g0 += MLW_SCREEN_GROUPS_PER_TILE) {                                              \
        const long g1 = g0 + MLW_SCREEN_GROUPS_PER_TILE < groups ? g0 + MLW_SCREEN_GROUPS_PER_TILE : groups;        \
        long a = 0;                                                                                                 \
        for (; a + 6 <= q; a += 6) {                                                                                \
            for (long g = g0; g < g1; g += 2) MLW_SCREEN_BLOCK(6, L1);                                              \
        }                                                                                                           \
        for (; a + 2 <= q; a += 2) {                                                                                \
            for (long g = g0; g < g1; g += 2) MLW_SCREEN_BLOCK(2, L1);                                              \
        }                                                                                                           \
        for (; a < q; a++) {                                                                                        \
            for (long g = g0; g < g1; g += 2) MLW_SCREEN_BLOCK(1, L1);                                              \
        }                                                                                                           \
    }

MLW_WIDE
void mlw_nearest_screened(const double *queries, long q, const double *train, const double *train_norms, const float *packed,
                          const float *packed_norms, const float *roots, long n, long p, long k, int manhattan, long *indices,
                          double *distances) {
#pragma clang fp contract(fast)
    if (q <= 0) return;
    float *xs = malloc(q * p * sizeof *xs), *root = malloc(q * sizeof *root), *threshold = malloc(q * sizeof *threshold);
    float *upper = malloc(q * k * sizeof *upper);
    double *query_norm = malloc(q * sizeof *query_norm);
    mlw_candidates *found = malloc(q * sizeof *found);
    mlw_row_norms(queries, q, p, query_norm);
    // The bound's slope: euclidean, twice (p + 6)u on (‖x‖ + ‖y‖)²; manhattan, twice (p + 4)u
    // on ‖x‖₁ + ‖y‖₁ (rounding x and y, each difference, and the p-term sum).
    const float slope = 2.0f * (float)(p + (manhattan ? 4 : 6)) * 0x1p-24f, floor_ = (float)p * 0x1p-120f;
    const int8v magnitude = {0x7FFFFFFF, 0x7FFFFFFF, 0x7FFFFFFF, 0x7FFFFFFF, 0x7FFFFFFF, 0x7FFFFFFF, 0x7FFFFFFF, 0x7FFFFFFF};
    for (long a = 0; a < q; a++) {
        double l1 = 0;
        for (long j = 0; j < p; j++) {
            xs[a * p + j] = (float)queries[a * p + j];
            l1 += fabs(queries[a * p + j]);
        }
        root[a] = manhattan ? (float)l1 : (float)sqrt(query_norm[a]);
        threshold[a] = __builtin_inff();
        for (long i = 0; i < k; i++) upper[a * k + i] = __builtin_inff();
        found[a].capacity = 64 + 2 * k;
        found[a].count = 0;
        found[a].rows = malloc(found[a].capacity * sizeof *found[a].rows);
        found[a].lows = malloc(found[a].capacity * sizeof *found[a].lows);
    }
    const long groups = mlw_screen_groups(n);
    if (manhattan) {
        MLW_SCREEN_ALL(1)
    } else {
        MLW_SCREEN_ALL(0)
    }
    for (long a = 0; a < q; a++) {
        mlw_screen_decide(queries + a * p, query_norm[a], train, train_norms, p, k, manhattan, &found[a], threshold[a],
                          indices + a * k, distances + a * k);
    }
    free(found); free(query_norm); free(upper); free(threshold); free(root); free(xs);
}

MLW_WIDE
void mlw_pairwise_distances(const double *x, long m, long p, const double *packed, long first, long step, double *out) {
    const long groups = (m + 3) / 4;
    for (long i = first; i < groups; i += step) {
        // Rows 4i … 4i + 3 (past the last row: the last row again, not written).
        const double *x0 = x + (4 * i < m ? 4 * i : m - 1) * p, *x1 = x + (4 * i + 1 < m ? 4 * i + 1 : m - 1) * p;
        const double *x2 = x + (4 * i + 2 < m ? 4 * i + 2 : m - 1) * p, *x3 = x + (4 * i + 3 < m ? 4 * i + 3 : m - 1) * p;
        for (long g = i; g < groups; g++) {
            const double *u = packed + g * p * 4;
            double4 s[4] = {{0, 0, 0, 0}, {0, 0, 0, 0}, {0, 0, 0, 0}, {0, 0, 0, 0}};
            for (long j = 0; j < p; j++) {
                const double4 c = LOAD4(u + j * 4);
                double4 d = (double4){x0[j], x0[j], x0[j], x0[j]} - c; s[0] += d * d;
                d = (double4){x1[j], x1[j], x1[j], x1[j]} - c; s[1] += d * d;
                d = (double4){x2[j], x2[j], x2[j], x2[j]} - c; s[2] += d * d;
                d = (double4){x3[j], x3[j], x3[j], x3[j]} - c; s[3] += d * d;
            }
            for (long r = 0; r < 4; r++) {
                const long a = 4 * i + r;
                if (a >= m) break;
                for (long l = 0; l < 4; l++) {
                    const long b = 4 * g + l;
                    if (b >= m) break;
                    const double distance = sqrt(s[r][l]);
                    out[a * m + b] = distance;
                    out[b * m + a] = distance;
                }
            }
        }
    }
}

void mlw_tree_add_leaf_values(const double *x, long p, long count, const long *feature, const double *threshold, const long *left,
                              const long *right, long depth, const double *value, long width, double *sums) {
    long r = 0;
    // Eight rows walk side by side: each step of one row waits on its last load, and the
    // eight chains overlap those waits.
    for (; r + 8 <= count; r += 8) {
        long node[8] = {0, 0, 0, 0, 0, 0, 0, 0};
        const double *row = x + r * p;
        for (long d = 0; d < depth; d++) {
            for (int i = 0; i < 8; i++) {
                const long n = node[i];
                node[i] = row[i * p + feature[n]] <= threshold[n] ? left[n] : right[n];
            }
        }
        for (int i = 0; i < 8; i++) {
            for (long k = 0; k < width; k++) sums[(r + i) * width + k] += value[node[i] * width + k];
        }
    }
    for (; r < count; r++) {
        long n = 0;
        const double *row = x + r * p;
        for (long d = 0; d < depth; d++) n = row[feature[n]] <= threshold[n] ? left[n] : right[n];
        for (long k = 0; k < width; k++) sums[r * width + k] += value[n * width + k];
    }
}
