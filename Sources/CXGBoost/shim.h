// XGBoost's C API (Debian's libxgboost-dev), and a log callback that keeps the library's
// own messages off the terminal: its warnings reach the user through mlw's remarks.
#ifndef MLW_CXGBOOST_SHIM_H
#define MLW_CXGBOOST_SHIM_H

#include <xgboost/c_api.h>

static inline void mlw_xgboost_quiet_log(const char *message) { (void)message; }

static inline int mlw_xgboost_silence(void) {
    return XGBRegisterLogCallback(mlw_xgboost_quiet_log);
}

#endif
