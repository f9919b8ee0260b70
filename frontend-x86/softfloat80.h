/*
 * softfloat80.h — x87 extended precision (1 sign, 15-bit exponent, 64-bit
 * significand with an explicit integer bit) in portable C, so hosts without
 * 80-bit floats (arm64, loongarch64) run x87 code bit-exactly. Results,
 * flags and NaN choices follow the x87 (tested against the host FPU in
 * tests/x86/test-softfloat80.c). Exceptions get the masked response, except
 * unmasked overflow/underflow of 80-bit results (Sf80Env.traps); the caller
 * decides what else an unmasked exception does.
 */
#ifndef FERRY_FRONTEND_X86_SOFTFLOAT80_H
#define FERRY_FRONTEND_X86_SOFTFLOAT80_H

#include <stdbool.h>
#include <stdint.h>

/* An 80-bit value: se = sign << 15 | biased exponent. */
typedef struct Sf80 {
    uint64_t mant;
    uint16_t se;
} Sf80;

/* Rounding control, in FCW.RC encoding. */
enum { SF80_RC_NEAREST = 0, SF80_RC_DOWN = 1, SF80_RC_UP = 2, SF80_RC_ZERO = 3 };
/* Precision control, in FCW.PC encoding (1 is reserved: treated as 64). */
enum { SF80_PC_24 = 0, SF80_PC_53 = 2, SF80_PC_64 = 3 };

/* Exception flags, in FSW bit positions; SF80_C1 = "rounded up". */
enum {
    SF80_IE = 1 << 0, SF80_DE = 1 << 1, SF80_ZE = 1 << 2, SF80_OE = 1 << 3,
    SF80_UE = 1 << 4, SF80_PE = 1 << 5, SF80_C1 = 1 << 9,
};

/* Rounding state in, accumulated flags out. Owned by the caller. */
typedef struct Sf80Env {
    uint8_t rc;            /* SF80_RC_* */
    uint8_t pc;            /* SF80_PC_* (arithmetic only; conversions ignore it) */
    uint16_t flags;        /* SF80_* ORed in by every operation */
    /* SF80_OE / SF80_UE unmasked: 80-bit results that overflow/underflow
     * are delivered with the exponent wrapped by 24576, as the x87 does. */
    uint8_t traps;
} Sf80Env;

/* Comparison results (the C3/C2/C0 patterns are the caller's business). */
enum { SF80_LT, SF80_EQ, SF80_GT, SF80_UN };

#define SF80_SIGN(a) ((a).se >> 15)
#define SF80_EXP(a) ((a).se & 0x7fff)

/* The x87 "real indefinite" QNaN, and other constants. */
extern const Sf80 sf80_indefinite;
static inline Sf80 sf80_make(unsigned sign, unsigned exp, uint64_t mant)
{
    return (Sf80){ .mant = mant, .se = (uint16_t)((sign << 15) | exp) };
}

/* Classification, as FXAM sees it. */
bool sf80_is_nan(Sf80 a);            /* QNaN or SNaN (integer bit set) */
bool sf80_is_snan(Sf80 a);
/* Unnormal, pseudo-NaN, pseudo-infinity: invalid operands on the 387+. */
bool sf80_is_unsupported(Sf80 a);

/* Arithmetic: rounded per env->rc and env->pc. */
Sf80 sf80_add(Sf80 a, Sf80 b, Sf80Env *env);
Sf80 sf80_sub(Sf80 a, Sf80 b, Sf80Env *env);
Sf80 sf80_mul(Sf80 a, Sf80 b, Sf80Env *env);
Sf80 sf80_div(Sf80 a, Sf80 b, Sf80Env *env);
Sf80 sf80_sqrt(Sf80 a, Sf80Env *env);
/* FRNDINT: round to an integral value per env->rc (PC ignored). */
Sf80 sf80_round_int(Sf80 a, Sf80Env *env);
/*
 * FPREM (ieee false: truncating quotient) / FPREM1 (ieee: nearest-even).
 * Does at most one partial step of 63 exponent bits as the CPU does:
 * *partial is set when the reduction is incomplete (C2), *quot gets the
 * low three quotient bits otherwise (bit 2 -> C0, bit 1 -> C3, bit 0 -> C1).
 */
Sf80 sf80_rem(Sf80 a, Sf80 b, bool ieee, unsigned *quot, bool *partial, Sf80Env *env);
/* FSCALE: a * 2^trunc(b). */
Sf80 sf80_scale(Sf80 a, Sf80 b, Sf80Env *env);
/* FXTRACT: *exp = unbiased exponent of a, returns the significand. */
Sf80 sf80_xtract(Sf80 a, Sf80 *exp, Sf80Env *env);

/* Compare; quiet (FUCOM) raises IE only for SNaNs, signalling for any NaN. */
int sf80_compare(Sf80 a, Sf80 b, bool quiet, Sf80Env *env);

/* Integer conversions. to_int: bits 16/32/64, trunc for FISTTP; out of
 * range or NaN: IE and the integer indefinite (most negative value). */
Sf80 sf80_from_int(int64_t v);
int64_t sf80_to_int(Sf80 a, unsigned bits, bool trunc, Sf80Env *env);
/* float32/float64 (raw bits). From: exact (DE for denormals, IE+quiet for
 * SNaN). To: rounded per env->rc, flags as FST. */
Sf80 sf80_from_f32(uint32_t v, Sf80Env *env);
Sf80 sf80_from_f64(uint64_t v, Sf80Env *env);
uint32_t sf80_to_f32(Sf80 a, Sf80Env *env);
uint64_t sf80_to_f64(Sf80 a, Sf80Env *env);
/* Packed BCD (FBLD/FBSTP): 10 bytes, 18 digits + sign byte. */
Sf80 sf80_from_bcd(const uint8_t bcd[10]);
void sf80_to_bcd(Sf80 a, uint8_t bcd[10], Sf80Env *env);

/* Exact conversion of a host double (tests). */
Sf80 sf80_from_double(double d);
/* Round sign * (hi:lo as a 128-bit integer) * 2^(exp - 127) to 64 bits
 * (PC ignored) per env->rc, with OE/UE/PE/C1. */
Sf80 sf80_round_pack(bool sign, int exp, uint64_t hi, uint64_t lo, Sf80Env *env);

/*
 * Transcendentals (softfloat80-trans.c), computed in the host's long double
 * (80-bit on x86-64, IEEE quad on arm64/loongarch64) and rounded per
 * env->rc; x87 special cases and flags. Accuracy: see that file.
 * sf80_ptan/sincos return false (C2 = 1, operand unchanged) for |x| >= 2^63.
 */
Sf80 sf80_f2xm1(Sf80 x, Sf80Env *env);
Sf80 sf80_yl2x(Sf80 x, Sf80 y, Sf80Env *env);
Sf80 sf80_yl2xp1(Sf80 x, Sf80 y, Sf80Env *env);
Sf80 sf80_patan(Sf80 x, Sf80 y, Sf80Env *env);            /* atan2(y, x) */
bool sf80_ptan(Sf80 x, Sf80 *tan, Sf80Env *env);
bool sf80_sincos(Sf80 x, Sf80 *sin, Sf80 *cos, Sf80Env *env);

#endif
