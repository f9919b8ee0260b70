/*
 * softfloat80-trans.c — the x87 transcendentals (F2XM1, FYL2X, FYL2XP1,
 * FPTAN, FPATAN, FSIN, FCOS, FSINCOS): x87 special cases and flags here,
 * the function values from the host C library in long double, which is
 * 80-bit on x86-64 and IEEE quad (113-bit) on arm64 and loongarch64, then
 * rounded to 64 bits per RC.
 *
 * Accuracy: on quad hosts the libm results (< 1 ulp of quad) round to
 * within 1 ulp of the true value in 80 bits. On x86-64 the 80-bit libm
 * functions are themselves within ~1-2 ulp, and F2XM1/FYL2XP1 add one
 * rounding of an intermediate (argument scaled by ln 2): up to ~3 ulp.
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
    return from_ld(expm1l(to_ld(x) * 0.693147180559945309417232121458176568L), false, env);
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
    return from_ld(ly * (log1pl(lx) * 1.44269504088896340735992468100189214L), false, env);
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
