#ifndef MLW_CKERNELS_H
#define MLW_CKERNELS_H

/// Numeric inner loops that need the CPU's wide vector units. Swift compiles for the
/// x86-64 baseline (SSE2, no fused multiply-add); these are built twice, for that
/// baseline and for x86-64-v3 (AVX2 + FMA), and the loader picks the clone the CPU runs.

/// For every pair a <= b of the `features` columns of a column-major tile (column j at
/// tile + j * stride, `rows` values each), adds their dot product to
/// sums[a * features + b]. Only the upper triangle is written.
void mlw_add_tile_products(const double *tile, long stride, long rows, long features, double *sums);

#endif
