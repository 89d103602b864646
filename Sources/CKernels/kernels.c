#include "ckernels.h"

#include <string.h>

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
