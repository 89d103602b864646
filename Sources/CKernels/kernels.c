#include "ckernels.h"

#include <math.h>
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
                             const long *labels, double *gradient, double *loss, double *scores) {
    double total_loss = 0;
    for (long i = 0; i < rows; i++) {
        const double *row = x + i * p;
        for (long c = 0; c < k; c++) {
            double z;
            DOT(z, w + c * p, row, p);
            scores[c] = b[c] + z;
        }
        const long label = labels[i];
        if (k == 1) {
            const double z = scores[0], y = (double)label;
            // One exponential serves both the loss log(1 + e^z) - y·z and the sigmoid,
            // each in its overflow-free form.
            const double e = exp(-fabs(z));
            total_loss += (z > 0 ? z + log1p(e) : log1p(e)) - y * z;
            const double residual = (z >= 0 ? 1 / (1 + e) : e / (1 + e)) - y;
            for (long j = 0; j < p; j++) gradient[j] += residual * row[j];
            gradient[p] += residual;
        } else {
            double top = scores[0];
            for (long c = 1; c < k; c++) if (scores[c] > top) top = scores[c];
            double sum = 0;
            for (long c = 0; c < k; c++) sum += exp(scores[c] - top);
            const double log_total = log(sum) + top;
            total_loss += log_total - scores[label];
            for (long c = 0; c < k; c++) {
                const double residual = exp(scores[c] - log_total) - (c == label ? 1 : 0);
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
