/*
 * softfloat80-trans.c — the x87 transcendentals (F2XM1, FYL2X, FYL2XP1,
 * FPTAN, FPATAN, FSIN, FCOS, FSINCOS): x87 special cases and flags here,
 * the function values from the host C library in long double, which is
 * 80-bit on x86-64 and IEEE quad (113-bit) on arm64 and loongarch64, then
 * rounded to 64 bits per RC.
 *
 * Accuracy: on quad hosts the libm results (< 1 ulp of quad) round to
 * within 1 ulp of the true value in 80 bits. On x86-64 the 80-bit libm
 * functions are themselves within ~1-2 ulp; the ln 2 / log2 e scalings
 * carry their rounding error (fmal), so F2XM1 and FYL2XP1 add no more.
 * Measured against the host x87 (test-softfloat80): see the report.
 * Argument reduction is exact (unlike the CPU's 66-bit pi), so for large
 * |x| FSIN/FCOS/FPTAN give the true value where the CPU is off. PE is
 * always raised for inexact results; C1 ("rounded up") is approximate.
 */
#include "frontend-x86/softfloat80.h"

#include <float.h>
#include <math.h>
#include <string.h>

static bool is_inf(Sf80 a)
{
    return SF80_EXP(a) == 0x7fff && a.mant == 1ull << 63;
}

static bool is_zero(Sf80 a)
{
    return SF80_EXP(a) == 0 && a.mant == 0;
}

static Sf80 inf_of(bool sign)
{
    return sf80_make(sign, 0x7fff, 1ull << 63);
}

static Sf80 invalid(Sf80Env *env)
{
    env->flags |= SF80_IE;
    return sf80_indefinite;
}

/* NaN and unsupported operands of one or two-operand functions. */
static bool special(Sf80 a, Sf80 b, Sf80 *r, Sf80Env *env)
{
    Sf80Env e = *env;
    Sf80 t = sf80_add(a, b, &e);       /* x87 NaN rules, IE for SNaN/unsupported */
    if (sf80_is_unsupported(a) || sf80_is_unsupported(b) || sf80_is_nan(a) ||
        sf80_is_nan(b)) {
        *r = t;
        env->flags |= e.flags & SF80_IE;
        return true;
    }
    if ((SF80_EXP(a) == 0 && a.mant) || (SF80_EXP(b) == 0 && b.mant)) {
        env->flags |= SF80_DE;
    }
    return false;
}

static long double to_ld(Sf80 a)
{
#if LDBL_MANT_DIG == 64
    long double r = 0;
    memcpy(&r, &a.mant, 8);
    memcpy((char *)&r + 8, &a.se, 2);
    return r;
#else
    int e = SF80_EXP(a) ? SF80_EXP(a) : 1;
    long double r = ldexpl((long double)a.mant, e - 16383 - 63);
    return SF80_SIGN(a) ? -r : r;
#endif
}

/* Round a finite or infinite long double to 80 bits; PE unless exact. */
static Sf80 from_ld(long double v, bool exact, Sf80Env *env)
{
    if (isinf(v)) {
        return inf_of(signbit(v) != 0);
    }
    if (v == 0) {
        if (!exact) {
            env->flags |= SF80_PE | SF80_UE;
        }
        return sf80_make(signbit(v) != 0, 0, 0);
    }
    int e;
    long double m = ldexpl(frexpl(fabsl(v), &e), 64);
    uint64_t hi = (uint64_t)m;
    uint64_t lo = (uint64_t)ldexpl(m - (long double)hi, 64);
    Sf80 r = sf80_round_pack(signbit(v) != 0, e - 1, hi, lo, env);
    if (!exact) {
        env->flags |= SF80_PE;
        if (SF80_EXP(r) == 0) {
            env->flags |= SF80_UE;
        }
    }
    return r;
}

/* ln 2 and log2 e as a 64-bit head and a tail (exact to ~128 bits). */
static const long double ln2_hi = 0xb17217f7d1cf79acp-64L, ln2_lo = -0xd871319ff0342543p-130L;
static const long double l2e_hi = 0xb8aa3b295c17f0bcp-63L, l2e_lo = -0x82f0025f2dc582eep-128L;

/* x * (hi + lo) as a head and a tail (fmal is exact). */
static long double mul2(long double x, long double hi, long double lo, long double *tail)
{
    long double p = x * hi;
    *tail = fmal(x, hi, -p) + x * lo;
    return p;
}

Sf80 sf80_f2xm1(Sf80 x, Sf80Env *env)
{
    Sf80 r;
    if (special(x, x, &r, env)) {
        return r;
    }
    if (is_zero(x)) {
        return x;
    }
    if (is_inf(x)) {
        return SF80_SIGN(x) ? sf80_make(1, 0x3fff, 1ull << 63) : x;
    }
    /* 2^x - 1 = expm1(t + dt) ~ e + dt * (1 + e), t + dt = x ln 2 */
    long double dt, t = mul2(to_ld(x), ln2_hi, ln2_lo, &dt);
    long double e = expm1l(t);
    return from_ld(e + dt * (1 + e), false, env);
}

Sf80 sf80_yl2x(Sf80 x, Sf80 y, Sf80Env *env)
{
    Sf80 r;
    if (special(x, y, &r, env)) {
        return r;
    }
    bool sx = SF80_SIGN(x), sy = SF80_SIGN(y);
    if (sx && !is_zero(x)) {
        return invalid(env);
    }
    if (is_zero(x)) {
        if (is_zero(y)) {
            return invalid(env);
        }
        if (!is_inf(y)) {
            env->flags |= SF80_ZE;
        }
        return inf_of(!sy);
    }
    long double lx = to_ld(x), ly = to_ld(y);
    if (is_inf(x)) {
        return is_zero(y) ? invalid(env) : inf_of(sy);
    }
    if (lx == 1.0L) {
        return is_inf(y) ? invalid(env) : sf80_make(sy, 0, 0);
    }
    if (is_inf(y) || is_zero(y)) {
        bool neg = sy ^ (lx < 1.0L);
        return is_inf(y) ? inf_of(neg) : sf80_make(neg, 0, 0);
    }
    return from_ld(ly * log2l(lx), false, env);
}

Sf80 sf80_yl2xp1(Sf80 x, Sf80 y, Sf80Env *env)
{
    Sf80 r;
    if (special(x, y, &r, env)) {
        return r;
    }
    bool sx = SF80_SIGN(x), sy = SF80_SIGN(y);
    if (is_zero(x)) {
        return is_inf(y) ? invalid(env) : sf80_make(sx ^ sy, 0, 0);
    }
    long double lx = to_ld(x), ly = to_ld(y);
    if (lx < -1.0L) {
        return invalid(env);
    }
    if (is_inf(y) || is_zero(y)) {
        return is_inf(y) ? inf_of(sx ^ sy) : sf80_make(sx ^ sy, 0, 0);
    }
    /* y * log1p(x) * log2(e), carrying the rounding error of the scaling */
    long double dl, l = mul2(log1pl(lx), l2e_hi, l2e_lo, &dl);
    long double q = ly * l;
    return from_ld(q + (fmal(ly, l, -q) + ly * dl), false, env);
}

Sf80 sf80_patan(Sf80 x, Sf80 y, Sf80Env *env)
{
    Sf80 r;
    if (special(x, y, &r, env)) {
        return r;
    }
    if (is_zero(y)) {
        /* atan2(+-0, x): +-0 for x >= +0, +-pi for x <= -0 */
        if (!SF80_SIGN(x)) {
            return y;
        }
    }
    long double v = atan2l(to_ld(y), to_ld(x));
    return from_ld(v, false, env);
}

/* |x| < 2^63, as FSIN/FCOS/FPTAN require (else C2 = 1, no change). */
static bool in_range(Sf80 x)
{
    return SF80_EXP(x) < 16383 + 63;
}

bool sf80_ptan(Sf80 x, Sf80 *tan, Sf80Env *env)
{
    if (special(x, x, tan, env)) {
        return true;
    }
    if (is_inf(x)) {
        *tan = invalid(env);
        return true;
    }
    if (!in_range(x)) {
        return false;
    }
    *tan = is_zero(x) ? x : from_ld(tanl(to_ld(x)), false, env);
    return true;
}

bool sf80_sincos(Sf80 x, Sf80 *s, Sf80 *c, Sf80Env *env)
{
    if (special(x, x, s, env)) {
        *c = *s;
        return true;
    }
    if (is_inf(x)) {
        *s = *c = invalid(env);
        return true;
    }
    if (!in_range(x)) {
        return false;
    }
    if (is_zero(x)) {
        *s = x;
        *c = sf80_make(0, 0x3fff, 1ull << 63);
        return true;
    }
    long double lx = to_ld(x);
    Sf80Env e2 = *env;
    *s = from_ld(sinl(lx), false, env);
    *c = from_ld(cosl(lx), false, &e2);
    env->flags |= e2.flags;
    return true;
}
