/*
 * a64-enc-int.h — private helpers shared by the encoder's .c files:
 * register-field validation and the error/emit shorthand. Not for users of
 * the encoder (they include a64-enc.h).
 */
#ifndef FERRY_BACKEND_ARM64_A64_ENC_INT_H
#define FERRY_BACKEND_ARM64_A64_ENC_INT_H

#include "backend-arm64/a64-enc.h"

/* Field value of a register operand where encoding 31 is the zero
 * register: x0..x30 or A64_ZR; anything else gives -1. */
static inline int a64f_zr(int r)
{
    return (r >= 0 && r <= 31) ? r : -1;
}

/* Field value where encoding 31 is the stack pointer: x0..x30 or A64_SP. */
static inline int a64f_sp(int r)
{
    return (r >= 0 && r <= 30) ? r : r == A64_SP ? 31 : -1;
}

/* Field value of a SIMD&FP register v0..v31. */
static inline int a64f_v(int r)
{
    return (r >= 0 && r <= 31) ? r : -1;
}

/* Fail with e unless cond holds (the encoder's operand checks). */
#define A64_REQUIRE(b, cond, e) \
    do { if (!(cond)) return a64_buf_fail((b), (e)); } while (0)

/* True if v fits in a signed field of `bits` bits. */
static inline bool a64_fits_signed(int64_t v, int bits)
{
    return v >= -(INT64_C(1) << (bits - 1)) && v < (INT64_C(1) << (bits - 1));
}

#endif
