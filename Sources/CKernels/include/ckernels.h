#ifndef MLW_CKERNELS_H
#define MLW_CKERNELS_H

/// Numeric inner loops that need the CPU's wide vector units. Swift compiles for the
/// x86-64 baseline (SSE2, no fused multiply-add); these are built twice, for that
/// baseline and for x86-64-v3 (AVX2 + FMA), and the loader picks the clone the CPU runs.

/// For every pair a <= b of the `features` columns of a column-major tile (column j at
/// tile + j * stride, `rows` values each), adds their dot product to
/// sums[a * features + b]. Only the upper triangle is written.
void mlw_add_tile_products(const double *tile, long stride, long rows, long features, double *sums);

/// Logistic loss and its gradient over `rows` rows of a row-major matrix x (p columns),
/// for k score rows (k = 1: binomial, labels 0/1; k > 1: multinomial, labels 0..k-1)
/// with weights w (k × p, row-major) and intercepts b (k). Adds the summed loss to
/// *loss and the summed gradient to gradient (k × (p + 1): per score row, p weights then
/// the intercept). Each row's loss and gradient are multiplied by its class's weight
/// (class_weights[label]; all 1 when class_weights is NULL). scores is scratch space for k values.
void mlw_logistic_accumulate(const double *x, long rows, long p, long k, const double *w, const double *b,
                             const long *labels, const double *class_weights, double *gradient, double *loss, double *scores);

/// out[i] = Σⱼ a[i * lda + j] · v[j] for i, j in 0..<m (an m × m block of a larger
/// row-major matrix).
void mlw_block_matvec(const double *a, long lda, long m, const double *v, double *out);

/// a[i * lda + j] -= v[i]·w[j] + w[i]·v[j] for i, j in 0..<m: the symmetric rank-2
/// update of Householder tridiagonalisation (a symmetric block stays exactly symmetric).
void mlw_block_symmetric_rank2_update(double *a, long lda, long m, const double *v, const double *w);

/// x · y over n values, summed in a fixed four-lane order.
double mlw_dot(const double *x, const double *y, long n);

/// *gz = Σ g[i]·z[i] and *dzz = Σ d[i]·z[i]² over n values (a column's gradient and
/// curvature under row weights g and d), each summed in a fixed four-lane order.
void mlw_weighted_column_sums(const double *z, const double *g, const double *d, long n, double *gz, double *dzz);
/// q[i] += step · (d[i] · z[i]) for i in 0..<n; with d NULL, q[i] += step · z[i].
void mlw_add_scaled_product(double *q, double step, const double *d, const double *z, long n);
/// The k nearest training rows of each query row (rows of p values, row-major): by
/// euclidean distance, computed as ‖x‖² + ‖y‖² − 2x·y (`train_norms` holds each training
/// row's ‖y‖², from mlw_row_norms) and clamped at 0, or by manhattan distance. `packed` is
/// the training rows as mlw_pack_rows lays them out. Ties go to the lower row. Writes per
/// query k row indices and their distances (euclidean: the root), nearest first. Every sum
/// runs over the features in order, one pair to a lane, so every clone and any blocking
/// give the same bits.
void mlw_nearest(const double *queries, long q, const double *train, const double *packed, const double *train_norms, long n, long p,
                 long k, int manhattan, long *indices, double *distances);

/// Whether every one of `count` values is 0 or within 2^±40 in magnitude: what
/// mlw_nearest_screened's single-precision bound assumes (no product under- or overflows).
int mlw_screenable(const double *x, long count);

/// How many groups of eight training rows mlw_pack_rows_single lays out for n rows (an even
/// number; rows past n are padding).
long mlw_screen_groups(long n);

/// The n training rows (p values each) for mlw_nearest_screened: in single precision, eight
/// to a vector per feature (row 8g + r's feature j at packed[(g * p + j) * 8 + r]), with,
/// for euclidean search, their squared norms (`norms`, from mlw_row_norms) and the norms'
/// roots, for manhattan search their L1 norms in `roots`; 8 × mlw_screen_groups(n) of each.
void mlw_pack_rows_single(const double *rows, long n, long p, const double *norms, int manhattan, float *packed, float *packed_norms,
                          float *roots);

/// mlw_nearest's answer, bit for bit, found faster: each pair is scored in single precision
/// with a bound on its error, and only the pairs that may be among the k nearest are scored
/// again in double precision as mlw_nearest scores them. The queries and the training rows
/// must pass mlw_screenable; the rows packed by mlw_pack_rows_single for the same metric.
void mlw_nearest_screened(const double *queries, long q, const double *train, const double *train_norms, const float *packed,
                          const float *packed_norms, const float *roots, long n, long p, long k, int manhattan, long *indices,
                          double *distances);

/// ‖row‖² of each of n rows of p values, summed in feature order.
void mlw_row_norms(const double *x, long n, long p, double *norms);

/// The first n & ~3 rows (p values each) four at a time, feature by feature: row 4g + r's
/// feature j at packed[(g * p + j) * 4 + r].
void mlw_pack_rows(const double *rows, long n, long p, double *packed);

/// k centres (row-major k x p) packed four to a vector per feature for mlw_squared_distances,
/// ((k + 3) / 4) * p * 4 doubles; padding lanes repeat the last centre.
void mlw_pack_centres(const double *centres, long k, long p, double *packed);

/// The squared euclidean distance of each of `rows` rows of x to each of the k packed
/// centres, written row-major (rows x k); each summed in feature order, so the bits do not
/// depend on the CPU or on how rows are split between threads.
void mlw_squared_distances(const double *x, long rows, long p, const double *packed, long k, double *out);

/// The euclidean distance between every two of m rows (row-major, p values each), into the
/// symmetric m × m matrix `out`, for the row quads first, first + step, … (callers split
/// the quads between threads by `first`); `packed` is the rows as mlw_pack_centres lays
/// them out. Each pair is summed once, in feature order, as mlw_squared_distances sums it
/// (a − b and b − a square alike), and written to both of its cells.
void mlw_pairwise_distances(const double *x, long m, long p, const double *packed, long first, long step, double *out);

/// Adds each row to its cluster's sum (row-major k x p) and counts it.
void mlw_cluster_sums(const double *x, long rows, long p, const long *labels, long k, double *sums, long *counts);

/// A tree node's histogram of one feature, read through a row order: for each position i
/// in start..<end, the code of row order[i] (codes[order[i] * width + place]) gets the
/// position's class counted (counts[code * classes + labels[i]] += 1). The rows of a deep
/// node lie scattered over the codes, so each row's code is prefetched well ahead.
void mlw_tree_count_classes(const unsigned short *codes, long width, long place, const int *order, long start, long end,
                            const int *labels, long classes, unsigned int *counts);

/// As mlw_tree_count_classes for values: sums[code] += values[i], counts[code] += 1, in
/// position order.
void mlw_tree_sum_values(const unsigned short *codes, long width, long place, const int *order, long start, long end,
                         const double *values, double *sums, unsigned int *counts);

/// Adds a tree's leaf values for `count` rows (row-major, p values each) to `sums` (`width`
/// values a row). The tree is in walk form: a split sends a row to left[n] when its
/// feature[n] is at most threshold[n], else to right[n] (NaN goes right); a leaf leads to
/// itself either way (feature 0, threshold +inf), so `depth` steps (the tree's depth) reach
/// every row's leaf without a test.
void mlw_tree_add_leaf_values(const double *x, long p, long count, const long *feature, const double *threshold, const long *left,
                              const long *right, long depth, const double *value, long width, double *sums);

#endif
