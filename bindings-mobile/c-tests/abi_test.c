/* The C ABI that the generated Kotlin, Swift and Dart code calls, exercised
 * directly from C: a scheduler handle, a value returned in a RustBuffer, an
 * error returned (not a panic) in RustCallStatus, and freeing both.
 *
 * Build: cc -I <dir of learnloopFFI.h> abi_test.c -L <dir of the .so> -llearnloop_mobile
 * Ends with "N passed, N failed". */
#define _Nonnull
#define _Nullable
#include "learnloopFFI.h"
#include <stdio.h>
#include <string.h>

static int passed = 0, failed = 0;
#define CHECK(cond, what)                                  \
    do {                                                   \
        if (cond) {                                        \
            passed++;                                      \
        } else {                                           \
            failed++;                                      \
            fprintf(stderr, "FAILED: %s (%s:%d)\n", what, __FILE__, __LINE__); \
        }                                                  \
    } while (0)

static uint32_t be32(const uint8_t *p) {
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static double be_f64(const uint8_t *p) {
    uint64_t bits = ((uint64_t)be32(p) << 32) | be32(p + 4);
    double value;
    memcpy(&value, &bits, sizeof value);
    return value;
}

int main(void) {
    RustCallStatus status = {0};

    /* A scheduler handle and a method on it. */
    uint64_t fsrs = uniffi_learnloop_mobile_fn_constructor_fsrs_withdefaults(&status);
    CHECK(status.code == 0 && fsrs != 0, "Fsrs.withDefaults() returns a handle");
    /* Its options record: parameters (i32 count, then big-endian f64s), then
     * desired_retention. */
    RustBuffer options = uniffi_learnloop_mobile_fn_method_fsrs_options(fsrs, &status);
    CHECK(status.code == 0 && options.len >= 4, "Fsrs.options() returns a record");
    if (status.code == 0 && options.len >= 4) {
        uint32_t count = be32(options.data);
        CHECK(count == 21, "FSRS-6 has 21 parameters");
        CHECK(options.len >= 4 + 8 * (count + 1) && be_f64(options.data + 4 + 8 * count) == 0.9,
              "desired retention is 0.9");
        RustCallStatus s = {0};
        ffi_learnloop_mobile_rustbuffer_free(options, &s);
    }

    /* A value in a RustBuffer: enum Rating is its 1-based variant index, big-endian. */
    RustCallStatus ok = {0};
    RustBuffer good = uniffi_learnloop_mobile_fn_func_rating_from_number(3, &ok);
    CHECK(ok.code == 0, "rating_from_number(3) succeeds");
    CHECK(good.len == 4 && be32(good.data) == 3, "rating 3 is the third variant (Good)");
    RustCallStatus freed = {0};
    ffi_learnloop_mobile_rustbuffer_free(good, &freed);
    CHECK(freed.code == 0, "the buffer is freed");

    /* An error: code 1 (a returned error, not 2, a panic), with the error in errorBuf:
     * variant index of LearnloopException (InvalidRating = 3), then code, field, detail strings. */
    RustCallStatus err = {0};
    uniffi_learnloop_mobile_fn_func_rating_from_number(9, &err);
    CHECK(err.code == 1, "rating_from_number(9) returns an error, not a panic");
    if (err.code == 1 && err.errorBuf.len >= 8) {
        const uint8_t *p = err.errorBuf.data;
        CHECK(be32(p) == 3, "the error is InvalidRating");
        uint32_t len = be32(p + 4);
        CHECK(len == strlen("invalid_rating") && memcmp(p + 8, "invalid_rating", len) == 0,
              "the error code is invalid_rating");
        RustCallStatus s = {0};
        ffi_learnloop_mobile_rustbuffer_free(err.errorBuf, &s);
        CHECK(s.code == 0, "the error buffer is freed");
    } else {
        CHECK(0, "the error buffer holds the error");
    }

    RustCallStatus dropped = {0};
    uniffi_learnloop_mobile_fn_free_fsrs(fsrs, &dropped);
    CHECK(dropped.code == 0, "the handle is freed");

    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
