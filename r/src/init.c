
// clang-format sorts includes unless SortIncludes: Never. However, the ordering
// does matter here. So, we need to disable clang-format for safety.

// clang-format off
#include <stdint.h>
#include <Rinternals.h>
#include <R_ext/Parse.h>
// clang-format on

#include "rust/api.h"

static uintptr_t TAGGED_POINTER_MASK = (uintptr_t)1;

SEXP handle_result(SEXP res_) {
    uintptr_t res = (uintptr_t)res_;

    // An error is indicated by tag.
    if ((res & TAGGED_POINTER_MASK) == 1) {
        // Remove tag
        SEXP res_aligned = (SEXP)(res & ~TAGGED_POINTER_MASK);

        // Currently, there are two types of error cases:
        //
        //   1. Error from Rust code
        //   2. Error from R's C API, which is caught by R_UnwindProtect()
        //
        if (TYPEOF(res_aligned) == CHARSXP) {
            // In case 1, the result is an error message that can be passed to
            // Rf_errorcall() directly.
            Rf_errorcall(R_NilValue, "%s", CHAR(res_aligned));
        } else {
            // In case 2, the result is the token to restart the
            // cleanup process on R's side.
            R_ContinueUnwind(res_aligned);
        }
    }

    return (SEXP)res;
}

SEXP savvy_rs_bundled_rounds__impl(void) {
    SEXP res = savvy_rs_bundled_rounds__ffi();
    return handle_result(res);
}

SEXP savvy_rs_compute__impl(SEXP c_arg__columns, SEXP c_arg__source, SEXP c_arg__settings, SEXP c_arg__inference) {
    SEXP res = savvy_rs_compute__ffi(c_arg__columns, c_arg__source, c_arg__settings, c_arg__inference);
    return handle_result(res);
}

SEXP savvy_rs_decompose__impl(SEXP c_arg__rounds, SEXP c_arg__settings) {
    SEXP res = savvy_rs_decompose__ffi(c_arg__rounds, c_arg__settings);
    return handle_result(res);
}

SEXP savvy_rs_gic__impl(SEXP c_arg__rounds, SEXP c_arg__settings) {
    SEXP res = savvy_rs_gic__ffi(c_arg__rounds, c_arg__settings);
    return handle_result(res);
}

SEXP savvy_rs_grouped__impl(SEXP c_arg__population, SEXP c_arg__welfare, SEXP c_arg__kind, SEXP c_arg__settings) {
    SEXP res = savvy_rs_grouped__ffi(c_arg__population, c_arg__welfare, c_arg__kind, c_arg__settings);
    return handle_result(res);
}

SEXP savvy_rs_lorenz__impl(SEXP c_arg__x, SEXP c_arg__points, SEXP c_arg__weights) {
    SEXP res = savvy_rs_lorenz__ffi(c_arg__x, c_arg__points, c_arg__weights);
    return handle_result(res);
}

SEXP savvy_rs_measure_names__impl(void) {
    SEXP res = savvy_rs_measure_names__ffi();
    return handle_result(res);
}

SEXP savvy_rs_measures__impl(SEXP c_arg__x, SEXP c_arg__names, SEXP c_arg__settings, SEXP c_arg__weights) {
    SEXP res = savvy_rs_measures__ffi(c_arg__x, c_arg__names, c_arg__settings, c_arg__weights);
    return handle_result(res);
}

SEXP savvy_rs_panic_for_test__impl(void) {
    SEXP res = savvy_rs_panic_for_test__ffi();
    return handle_result(res);
}

SEXP savvy_rs_reproduce__impl(SEXP c_arg__settings, SEXP c_arg__files) {
    SEXP res = savvy_rs_reproduce__ffi(c_arg__settings, c_arg__files);
    return handle_result(res);
}

SEXP savvy_rs_synth__impl(SEXP c_arg__round, SEXP c_arg__households, SEXP c_arg__seed, SEXP c_arg__family) {
    SEXP res = savvy_rs_synth__ffi(c_arg__round, c_arg__households, c_arg__seed, c_arg__family);
    return handle_result(res);
}

SEXP savvy_rs_trend__impl(SEXP c_arg__rounds, SEXP c_arg__settings) {
    SEXP res = savvy_rs_trend__ffi(c_arg__rounds, c_arg__settings);
    return handle_result(res);
}


static const R_CallMethodDef CallEntries[] = {
    {"savvy_rs_bundled_rounds__impl", (DL_FUNC) &savvy_rs_bundled_rounds__impl, 0},
    {"savvy_rs_compute__impl", (DL_FUNC) &savvy_rs_compute__impl, 4},
    {"savvy_rs_decompose__impl", (DL_FUNC) &savvy_rs_decompose__impl, 2},
    {"savvy_rs_gic__impl", (DL_FUNC) &savvy_rs_gic__impl, 2},
    {"savvy_rs_grouped__impl", (DL_FUNC) &savvy_rs_grouped__impl, 4},
    {"savvy_rs_lorenz__impl", (DL_FUNC) &savvy_rs_lorenz__impl, 3},
    {"savvy_rs_measure_names__impl", (DL_FUNC) &savvy_rs_measure_names__impl, 0},
    {"savvy_rs_measures__impl", (DL_FUNC) &savvy_rs_measures__impl, 4},
    {"savvy_rs_panic_for_test__impl", (DL_FUNC) &savvy_rs_panic_for_test__impl, 0},
    {"savvy_rs_reproduce__impl", (DL_FUNC) &savvy_rs_reproduce__impl, 2},
    {"savvy_rs_synth__impl", (DL_FUNC) &savvy_rs_synth__impl, 4},
    {"savvy_rs_trend__impl", (DL_FUNC) &savvy_rs_trend__impl, 2},
    {NULL, NULL, 0}
};

void R_init_ginikit(DllInfo *dll) {
    R_registerRoutines(dll, NULL, CallEntries, NULL, NULL);
    R_useDynamicSymbols(dll, FALSE);

    // Functions for initialization, if any.

}
