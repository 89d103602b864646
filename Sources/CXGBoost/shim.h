// XGBoost's C API (Debian's libxgboost-dev), and a log callback that keeps the library's
// own messages off the terminal: its warnings reach the user through mlw's remarks.
#ifndef MLW_CXGBOOST_SHIM_H
#define MLW_CXGBOOST_SHIM_H

#include <stdint.h>
#include <stdio.h>
#include <xgboost/c_api.h>

static inline void mlw_xgboost_quiet_log(const char *message) { (void)message; }

static inline int mlw_xgboost_silence(void) {
    return XGBRegisterLogCallback(mlw_xgboost_quiet_log);
}

// A training matrix built straight into XGBoost's quantile form (a QuantileDMatrix):
// XGBoost sketches the dense floats once, without first copying them into its sparse
// pages as XGDMatrixCreateFromMat does. XGBoost reads the data through an iterator of
// batches; here there is one batch, handed over as array interfaces.
typedef struct {
    DMatrixHandle proxy;
    int given;
    char data[192];
    char labels[160];
} mlw_xgb_batch;

static inline void mlw_xgb_batch_reset(DataIterHandle handle) { ((mlw_xgb_batch *)handle)->given = 0; }

static inline int mlw_xgb_batch_next(DataIterHandle handle) {
    mlw_xgb_batch *batch = (mlw_xgb_batch *)handle;
    if (batch->given) return 0;
    batch->given = 1;
    if (XGProxyDMatrixSetDataDense(batch->proxy, batch->data) != 0) return -1;
    if (XGDMatrixSetInfoFromInterface(batch->proxy, "label", batch->labels) != 0) return -1;
    return 1;
}

/// `values`: row-major rows × columns floats (NaN missing); `labels`: one per row.
static inline int mlw_xgb_quantile_matrix(const float *values, const float *labels, unsigned long rows, unsigned long columns,
                                          int max_bin, int threads, DMatrixHandle *out) {
    mlw_xgb_batch batch;
    batch.given = 0;
    if (XGProxyDMatrixCreate(&batch.proxy) != 0) return -1;
    snprintf(batch.data, sizeof batch.data, "{\"data\": [%llu, true], \"shape\": [%lu, %lu], \"typestr\": \"<f4\", \"version\": 3}",
             (unsigned long long)(uintptr_t)values, rows, columns);
    snprintf(batch.labels, sizeof batch.labels, "{\"data\": [%llu, true], \"shape\": [%lu], \"typestr\": \"<f4\", \"version\": 3}",
             (unsigned long long)(uintptr_t)labels, rows);
    char config[128];
    snprintf(config, sizeof config, "{\"missing\": NaN, \"nthread\": %d, \"max_bin\": %d}", threads, max_bin);
    int status = XGQuantileDMatrixCreateFromCallback(&batch, batch.proxy, NULL, mlw_xgb_batch_reset, mlw_xgb_batch_next, config, out);
    XGDMatrixFree(batch.proxy);
    return status;
}

#endif
