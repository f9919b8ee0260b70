/*
 * softfloat80.c — the x87 extended-precision arithmetic of softfloat80.h.
 * Finite values are unpacked to (sign, unbiased exponent, 64-bit normalized
 * significand) and everything inexact goes through one rounding routine,
 * round_fmt(), which serves the 80-bit format under every precision control
 * as well as float32/float64 conversions. Wide intermediates use 128-bit
 * integers (GCC/clang on every 64-bit host).
 */
#include "frontend-x86/softfloat80.h"

typedef unsigned __int128 u128;

enum { BIAS = 16383, EMAX80 = 16383, EMIN80 = -16382 };

const Sf80 sf80_indefinite = { .mant = 0xc000000000000000ull, .se = 0xffff };

/* ---------------------------------------------------------------------- */
/* Classification and NaNs                                                 */

bool sf80_is_nan(Sf80 a)
{
    return SF80_EXP(a) == 0x7fff && (a.mant >> 63) && (a.mant << 1) != 0;
}

bool sf80_is_snan(Sf80 a)
{
    return sf80_is_nan(a) && !((a.mant >> 62) & 1);
}

bool sf80_is_unsupported(Sf80 a)
{
    unsigned e = SF80_EXP(a);
    return e != 0 && !(a.mant >> 63);
}

static bool is_inf(Sf80 a)
{
    return SF80_EXP(a) == 0x7fff && a.mant == 0x8000000000000000ull;
}

static bool is_zero(Sf80 a)
{
    return SF80_EXP(a) == 0 && a.mant == 0;
}

static bool is_denormal(Sf80 a)
{
    return SF80_EXP(a) == 0 && a.mant != 0;
}

static Sf80 quiet(Sf80 a)
{
    a.mant |= 1ull << 62;
    return a;
}

/* Two operands, at least one NaN: the x87 choice (larger significand). */
static Sf80 pick_nan(Sf80 a, Sf80 b)
{
    bool an = sf80_is_nan(a), bn = sf80_is_nan(b);
    if (!bn) {
        return quiet(a);
    }
    if (!an) {
        return quiet(b);
    }
    Sf80 qa = quiet(a), qb = quiet(b);
    if (sf80_is_snan(a) != sf80_is_snan(b)) {
        return sf80_is_snan(a) ? qb : qa;
    }
    if (qa.mant != qb.mant) {
        return qa.mant > qb.mant ? qa : qb;
    }
    return SF80_SIGN(a) ? qb : qa;
}

/*
 * Operand checks shared by the binary operations: unsupported encodings and
 * NaNs produce the result in *r (true returned), else false.
 */
static bool check2(Sf80 a, Sf80 b, Sf80 *r, Sf80Env *env)
{
    if (sf80_is_unsupported(a) || sf80_is_unsupported(b)) {
        env->flags |= SF80_IE;
        *r = sf80_indefinite;
        return true;
    }
    if (sf80_is_nan(a) || sf80_is_nan(b)) {
        if (sf80_is_snan(a) || sf80_is_snan(b)) {
            env->flags |= SF80_IE;
        }
        *r = pick_nan(a, b);
        return true;
    }
    return false;
}

/* DE for denormal operands: raised after the invalid and divide-by-zero
 * checks, which take precedence on the x87. */
static void denorm2(Sf80 a, Sf80 b, Sf80Env *env)
{
    if (is_denormal(a) || is_denormal(b)) {
        env->flags |= SF80_DE;
    }
}

static bool check1(Sf80 a, Sf80 *r, Sf80Env *env)
{
    return check2(a, sf80_make(0, 0, 0), r, env);
}

static Sf80 invalid(Sf80Env *env)
{
    env->flags |= SF80_IE;
    return sf80_indefinite;
}

/* Finite nonzero a: unbiased exponent of bit 63 after normalization. */
static int unpack(Sf80 a, uint64_t *sig)
{
    int e = SF80_EXP(a);
    uint64_t m = a.mant;
    if (e == 0) {
        e = 1;                     /* denormals and pseudo-denormals */
    }
    int s = __builtin_clzll(m);
    *sig = m << s;
    return e - s - BIAS;
}

static u128 shr_jam(u128 x, int n)
{
    if (n <= 0) {
        return x;
    }
    if (n >= 128) {
        return x != 0;
    }
    return (x >> n) | ((x << (128 - n)) != 0);
}

/* ---------------------------------------------------------------------- */
/* Rounding                                                                */

typedef struct Fmt {
    int prec;                      /* significand bits incl. the integer bit */
    int emin, emax;                /* unbiased normal exponent range */
    bool wrap;                     /* 80-bit: env->traps may wrap the exponent */
} Fmt;

enum { WRAP = 24576 };             /* the x87's exponent adjustment */

/* Result of round_fmt: biased-style exponent (0 = zero/denormal) and the
 * significand aligned at bit 63 (integer bit explicit). */
typedef struct Rounded {
    int bexp;                      /* emin..emax mapped to 1.., 0 denormal/zero,
                                      emax-emin+2 infinity */
    uint64_t sig;
} Rounded;

static int pc_prec(const Sf80Env *env)
{
    return env->pc == SF80_PC_24 ? 24 : env->pc == SF80_PC_53 ? 53 : 64;
}

/* Would rounding the normalized x (bit 127 set) at bit `low` carry into a
 * new exponent? Decides tininess after rounding, as the x87 does. */
static bool carries(bool sign, u128 x, int low, int rc)
{
    u128 mask = ((u128)1 << low) - 1, rem = x & mask, half = (u128)1 << (low - 1);
    u128 y = x >> low;
    bool inc = false;
    switch (rc) {
    case SF80_RC_NEAREST: inc = rem > half || (rem == half && (y & 1)); break;
    case SF80_RC_UP:      inc = !sign && rem; break;
    case SF80_RC_DOWN:    inc = sign && rem; break;
    default:              break;
    }
    return inc && ((y + 1) >> (128 - low)) != 0;
}

/*
 * Round sign * X * 2^(e - 127) (X nonzero, any alignment) to fmt per
 * env->rc, with overflow, underflow, inexact and C1 ("rounded up") flags.
 */
static Rounded round_fmt(bool sign, int e, u128 x, Fmt f, Sf80Env *env)
{
    Rounded r;
    int lz = x >> 64 ? __builtin_clzll((uint64_t)(x >> 64))
                     : 64 + __builtin_clzll((uint64_t)x);
    x <<= lz;
    e -= lz;                       /* now bit 127 set, value = X * 2^(e-127) */
    bool tiny = e < f.emin && !(e == f.emin - 1 && carries(sign, x, 128 - f.prec, env->rc));
    /* Unmasked beyond even the wrapped range (only FSCALE gets there):
     * a signed zero or infinity whatever the rounding, as on the CPU. */
    if (f.wrap && (((env->traps & SF80_UE) && e + WRAP < f.emin) ||
                   ((env->traps & SF80_OE) && e - WRAP > f.emax))) {
        bool big = e > f.emax;
        env->flags |= SF80_PE | (big ? SF80_OE | SF80_C1 : SF80_UE);
        r.bexp = big ? f.emax - f.emin + 2 : 0;
        r.sig = big ? 1ull << 63 : 0;
        return r;
    }
    if (tiny && f.wrap && (env->traps & SF80_UE)) {
        env->flags |= SF80_UE;         /* unmasked: no denormalization */
        e += WRAP;
        tiny = false;
    } else if (e < f.emin) {
        x = shr_jam(x, f.emin - e);
        e = f.emin;
    }
    int low = 128 - f.prec;
    u128 rem = x & (((u128)1 << low) - 1), half = (u128)1 << (low - 1);
    uint64_t y = (uint64_t)(x >> low);
    bool inc = false;
    switch (env->rc) {
    case SF80_RC_NEAREST: inc = rem > half || (rem == half && (y & 1)); break;
    case SF80_RC_UP:      inc = !sign && rem; break;
    case SF80_RC_DOWN:    inc = sign && rem; break;
    default:              break;
    }
    if (rem) {
        env->flags |= SF80_PE;
        if (tiny) {
            env->flags |= SF80_UE;
        }
    }
    if (inc) {
        env->flags |= SF80_C1;
        y++;
        if (f.prec == 64 ? y == 0 : (y >> f.prec) != 0) {
            y = 1ull << (f.prec - 1);      /* carried into a new binade */
            e++;
        }
    }
    if (e > f.emax && f.wrap && (env->traps & SF80_OE)) {
        env->flags |= SF80_OE;         /* unmasked: the wrapped result */
        e -= WRAP;
    }
    if (e > f.emax) {
        bool to_inf = env->rc == SF80_RC_NEAREST || (env->rc == SF80_RC_UP && !sign) ||
                      (env->rc == SF80_RC_DOWN && sign);
        env->flags |= SF80_OE | SF80_PE;
        if (to_inf) {
            env->flags |= SF80_C1;
            r.bexp = f.emax - f.emin + 2;
            r.sig = 1ull << 63;
        } else {
            env->flags &= ~SF80_C1;
            r.bexp = f.emax - f.emin + 1;
            r.sig = ~0ull << (64 - f.prec);
        }
        return r;
    }
    r.sig = y << (64 - f.prec);
    r.bexp = (r.sig >> 63) ? e - f.emin + 1 : 0;
    return r;
}

static Sf80 pack_rounded(bool sign, Rounded r)
{
    return sf80_make(sign, (unsigned)r.bexp, r.sig);
}

/* Round to the 80-bit format under the precision control. */
static Sf80 round80(bool sign, int e, u128 x, Sf80Env *env)
{
    Fmt f = { pc_prec(env), EMIN80, EMAX80, true };
    return pack_rounded(sign, round_fmt(sign, e, x, f, env));
}

static Sf80 round80_full(bool sign, int e, u128 x, Sf80Env *env)
{
    Fmt f = { 64, EMIN80, EMAX80, true };
    return pack_rounded(sign, round_fmt(sign, e, x, f, env));
}

static Sf80 zero_of(bool sign)
{
    return sf80_make(sign, 0, 0);
}

static Sf80 inf_of(bool sign)
{
    return sf80_make(sign, 0x7fff, 1ull << 63);
}

/* ---------------------------------------------------------------------- */
/* Add, subtract                                                           */

static Sf80 add_signed(Sf80 a, Sf80 b, bool negb, Sf80Env *env)
{
    Sf80 r;
    if (check2(a, b, &r, env)) {
        return r;
    }
    bool sa = SF80_SIGN(a), sb = SF80_SIGN(b) ^ negb;
    denorm2(a, b, env);
    if (is_inf(a) || is_inf(b)) {
        if (is_inf(a) && is_inf(b) && sa != sb) {
            return invalid(env);
        }
        return inf_of(is_inf(a) ? sa : sb);
    }
    if (is_zero(a) && is_zero(b)) {
        return zero_of(sa == sb ? sa : env->rc == SF80_RC_DOWN);
    }
    uint64_t ma = 0, mb = 0;
    int ea = is_zero(a) ? 0 : unpack(a, &ma), eb = is_zero(b) ? 0 : unpack(b, &mb);
    if (is_zero(b)) {
        return round80(sa, ea, (u128)ma << 64, env);
    }
    if (is_zero(a)) {
        return round80(sb, eb, (u128)mb << 64, env);
    }
    /* Align at bit 125 (two bits of headroom), exponent of the larger. */
    u128 xa = (u128)ma << 62, xb = (u128)mb << 62;
    int e = ea > eb ? ea : eb;
    xa = shr_jam(xa, e - ea);
    xb = shr_jam(xb, e - eb);
    bool sign = sa;
    u128 x;
    if (sa == sb) {
        x = xa + xb;
    } else if (xa >= xb) {
        x = xa - xb;
    } else {
        x = xb - xa;
        sign = sb;
    }
    if (x == 0) {
        return zero_of(env->rc == SF80_RC_DOWN);
    }
    return round80(sign, e + 2, x, env);
}

Sf80 sf80_add(Sf80 a, Sf80 b, Sf80Env *env)
{
    return add_signed(a, b, false, env);
}

Sf80 sf80_sub(Sf80 a, Sf80 b, Sf80Env *env)
{
    return add_signed(a, b, true, env);
}

/* ---------------------------------------------------------------------- */
/* Multiply, divide, square root                                           */

Sf80 sf80_mul(Sf80 a, Sf80 b, Sf80Env *env)
{
    Sf80 r;
    if (check2(a, b, &r, env)) {
        return r;
    }
    bool sign = SF80_SIGN(a) ^ SF80_SIGN(b);
    if (is_inf(a) || is_inf(b)) {
        if (is_zero(a) || is_zero(b)) {
            return invalid(env);
        }
        denorm2(a, b, env);
        return inf_of(sign);
    }
    denorm2(a, b, env);
    if (is_zero(a) || is_zero(b)) {
        return zero_of(sign);
    }
    uint64_t ma, mb;
    int ea = unpack(a, &ma), eb = unpack(b, &mb);
    /* ma*mb * 2^(ea+eb-126) = X * 2^(e-127) with e = ea+eb+1 */
    return round80(sign, ea + eb + 1, (u128)ma * mb, env);
}

Sf80 sf80_div(Sf80 a, Sf80 b, Sf80Env *env)
{
    Sf80 r;
    if (check2(a, b, &r, env)) {
        return r;
    }
    bool sign = SF80_SIGN(a) ^ SF80_SIGN(b);
    if ((is_inf(a) && is_inf(b)) || (is_zero(a) && is_zero(b))) {
        return invalid(env);
    }
    if (is_zero(b) && !is_inf(a)) {
        env->flags |= SF80_ZE;             /* takes precedence over DE */
        return inf_of(sign);
    }
    denorm2(a, b, env);
    if (is_inf(a) || is_zero(b)) {
        return inf_of(sign);
    }
    if (is_inf(b)) {
        return zero_of(sign);
    }
    if (is_zero(a)) {
        return zero_of(sign);
    }
    uint64_t ma, mb;
    int ea = unpack(a, &ma), eb = unpack(b, &mb);
    u128 n = (u128)ma << 63;
    uint64_t q1 = (uint64_t)(n / mb);
    u128 r1 = n % mb;
    u128 n2 = r1 << 64;
    uint64_t q2 = (uint64_t)(n2 / mb);
    bool sticky = (n2 % mb) != 0;
    u128 q = ((u128)q1 << 64) | q2 | sticky;
    /* q ~ ma/mb * 2^127: value = q * 2^(ea-eb-127) */
    return round80(sign, ea - eb, q, env);
}

/* Integer square root of a 128-bit value: floor root, remainder. */
static uint64_t isqrt128(u128 m, u128 *rem)
{
    u128 root = 0, r = 0;
    for (int i = 63; i >= 0; i--) {
        r = (r << 2) | (uint64_t)((m >> (2 * i)) & 3);
        u128 t = (root << 2) | 1;
        root <<= 1;
        if (r >= t) {
            r -= t;
            root |= 1;
        }
    }
    *rem = r;
    return (uint64_t)root;
}

Sf80 sf80_sqrt(Sf80 a, Sf80Env *env)
{
    Sf80 r;
    if (check1(a, &r, env)) {
        return r;
    }
    if (is_zero(a)) {
        return a;
    }
    if (SF80_SIGN(a)) {
        return invalid(env);
    }
    denorm2(a, a, env);
    if (is_inf(a)) {
        return a;
    }
    uint64_t m;
    int e = unpack(a, &m);                 /* value = m * 2^(e-63) */
    int s = ((e - 63) & 1) ? 63 : 64;      /* make e-63-s even */
    u128 rem;
    uint64_t root = isqrt128((u128)m << s, &rem);
    bool guard = rem > root;
    u128 x = ((u128)root << 64) | ((u128)guard << 63) | (rem != 0);
    /* value = root * 2^((e-63-s)/2) = x * 2^((e-63-s)/2 - 64) */
    return round80(false, (e - 63 - s) / 2 - 64 + 127, x, env);
}

/* ---------------------------------------------------------------------- */
/* Compare                                                                 */

int sf80_compare(Sf80 a, Sf80 b, bool quiet_cmp, Sf80Env *env)
{
    if (sf80_is_unsupported(a) || sf80_is_unsupported(b)) {
        env->flags |= SF80_IE;
        return SF80_UN;
    }
    if (sf80_is_nan(a) || sf80_is_nan(b)) {
        if (!quiet_cmp || sf80_is_snan(a) || sf80_is_snan(b)) {
            env->flags |= SF80_IE;
        }
        return SF80_UN;
    }
    if (is_denormal(a) || is_denormal(b)) {
        env->flags |= SF80_DE;
    }
    if (is_zero(a) && is_zero(b)) {
        return SF80_EQ;
    }
    bool sa = SF80_SIGN(a), sb = SF80_SIGN(b);
    if (sa != sb) {
        return sa ? SF80_LT : SF80_GT;
    }
    /* Same sign: compare magnitudes via normalized (exponent, significand). */
    int ea = -100000, eb = -100000;
    uint64_t ma = 0, mb = 0;
    if (!is_zero(a)) {
        ea = is_inf(a) ? 100000 : unpack(a, &ma);
    }
    if (!is_zero(b)) {
        eb = is_inf(b) ? 100000 : unpack(b, &mb);
    }
    int c = ea != eb ? (ea < eb ? -1 : 1) : ma != mb ? (ma < mb ? -1 : 1) : 0;
    if (sa) {
        c = -c;
    }
    return c < 0 ? SF80_LT : c > 0 ? SF80_GT : SF80_EQ;
}

/* ---------------------------------------------------------------------- */
/* Integers                                                                */

static Sf80 from_mag(bool sign, uint64_t mag)
{
    if (mag == 0) {
        return zero_of(sign);
    }
    int lz = __builtin_clzll(mag);
    return sf80_make(sign, (unsigned)(BIAS + 63 - lz), mag << lz);
}

Sf80 sf80_from_int(int64_t v)
{
    return from_mag(v < 0, v < 0 ? -(uint64_t)v : (uint64_t)v);
}

/*
 * Finite nonzero a with unbiased exponent <= 63: its magnitude rounded to
 * an integer per rc. Sets *inexact, and *up when the magnitude grew.
 */
static uint64_t to_integer(bool sign, int e, uint64_t m, int rc, bool *inexact, bool *up)
{
    if (e == 63) {
        *inexact = *up = false;
        return m;
    }
    u128 g = shr_jam((u128)m << 64, 127 - e - 2);
    uint64_t n = (uint64_t)(g >> 2);
    unsigned rb = (unsigned)g & 3;
    bool inc = false;
    switch (rc) {
    case SF80_RC_NEAREST: inc = rb > 2 || (rb == 2 && (n & 1)); break;
    case SF80_RC_UP:      inc = !sign && rb; break;
    case SF80_RC_DOWN:    inc = sign && rb; break;
    default:              break;
    }
    *inexact = rb != 0;
    *up = inc;
    return n + inc;
}

Sf80 sf80_round_int(Sf80 a, Sf80Env *env)
{
    Sf80 r;
    if (check1(a, &r, env)) {
        return r;
    }
    denorm2(a, a, env);
    if (is_zero(a) || is_inf(a)) {
        return a;
    }
    uint64_t m;
    int e = unpack(a, &m);
    if (e >= 63) {
        return a;
    }
    bool inexact, up, sign = SF80_SIGN(a);
    uint64_t n = to_integer(sign, e, m, env->rc, &inexact, &up);
    if (inexact) {
        env->flags |= SF80_PE | (up ? SF80_C1 : 0);
    }
    return from_mag(sign, n);
}

int64_t sf80_to_int(Sf80 a, unsigned bits, bool trunc, Sf80Env *env)
{
    int64_t indef = (int64_t)(~0ull << (bits - 1));
    if (sf80_is_unsupported(a) || sf80_is_nan(a) || is_inf(a)) {
        env->flags |= SF80_IE;
        return indef;
    }
    if (is_zero(a)) {
        return 0;
    }
    uint64_t m;
    int e = unpack(a, &m);
    bool sign = SF80_SIGN(a), inexact, up;
    if (e > 63) {
        env->flags |= SF80_IE;
        return indef;
    }
    uint64_t n = to_integer(sign, e, m, trunc ? SF80_RC_ZERO : env->rc, &inexact, &up);
    uint64_t lim = (1ull << (bits - 1)) - (sign ? 0 : 1);
    if ((e == 63 && n != 0 && n - 1 >= lim) || n > lim) {
        env->flags |= SF80_IE;
        return indef;
    }
    if (inexact) {
        env->flags |= SF80_PE | (up ? SF80_C1 : 0);
    }
    return sign ? (int64_t)-n : (int64_t)n;
}

/* ---------------------------------------------------------------------- */
/* float32 / float64                                                       */

/* IEEE binary format described by its field widths. */
typedef struct Ieee {
    int frac_bits, exp_bits;
} Ieee;

static Sf80 from_ieee(uint64_t v, Ieee f, Sf80Env *env)
{
    int emax = (1 << f.exp_bits) - 1, bias = emax >> 1;
    bool sign = (v >> (f.frac_bits + f.exp_bits)) & 1;
    int exp = (int)((v >> f.frac_bits) & (uint64_t)emax);
    uint64_t frac = v & ((1ull << f.frac_bits) - 1);
    if (exp == emax) {
        if (frac == 0) {
            return inf_of(sign);
        }
        Sf80 n = sf80_make(sign, 0x7fff, (1ull << 63) | (frac << (63 - f.frac_bits)));
        if (sf80_is_snan(n)) {
            env->flags |= SF80_IE;
        }
        return quiet(n);
    }
    if (exp == 0) {
        if (frac == 0) {
            return zero_of(sign);
        }
        env->flags |= SF80_DE;
        exp = 1;
    } else {
        frac |= 1ull << f.frac_bits;
    }
    /* value = frac * 2^(exp - bias - frac_bits); exact in 80 bits */
    Sf80Env exact = { .rc = SF80_RC_NEAREST, .pc = SF80_PC_64 };
    return round80_full(sign, exp - bias - f.frac_bits + 63, (u128)frac << 64, &exact);
}

static uint64_t to_ieee(Sf80 a, Ieee f, Sf80Env *env)
{
    int emax = (1 << f.exp_bits) - 1, bias = emax >> 1;
    uint64_t sbit = (uint64_t)SF80_SIGN(a) << (f.frac_bits + f.exp_bits);
    uint64_t inf = (uint64_t)emax << f.frac_bits;
    if (sf80_is_unsupported(a)) {
        env->flags |= SF80_IE;
        return (1ull << (f.frac_bits + f.exp_bits)) | inf | (1ull << (f.frac_bits - 1));
    }
    if (sf80_is_nan(a)) {
        if (sf80_is_snan(a)) {
            env->flags |= SF80_IE;
        }
        return sbit | inf | (quiet(a).mant << 1 >> (64 - f.frac_bits));
    }
    if (is_inf(a)) {
        return sbit | inf;
    }
    if (is_zero(a)) {
        return sbit;
    }
    uint64_t m;
    int e = unpack(a, &m);
    Fmt fmt = { f.frac_bits + 1, 1 - bias, bias, false };
    Rounded r = round_fmt(SF80_SIGN(a), e, (u128)m << 64, fmt, env);
    uint64_t frac = (r.sig >> (63 - f.frac_bits)) & ((1ull << f.frac_bits) - 1);
    if (r.bexp > emax - 1) {
        return sbit | inf;
    }
    return sbit | ((uint64_t)r.bexp << f.frac_bits) | frac;
}

static const Ieee ieee32 = { 23, 8 }, ieee64 = { 52, 11 };

Sf80 sf80_from_f32(uint32_t v, Sf80Env *env) { return from_ieee(v, ieee32, env); }
Sf80 sf80_from_f64(uint64_t v, Sf80Env *env) { return from_ieee(v, ieee64, env); }
uint32_t sf80_to_f32(Sf80 a, Sf80Env *env) { return (uint32_t)to_ieee(a, ieee32, env); }
uint64_t sf80_to_f64(Sf80 a, Sf80Env *env) { return to_ieee(a, ieee64, env); }

Sf80 sf80_from_double(double d)
{
    uint64_t v;
    Sf80Env env = { 0 };
    __builtin_memcpy(&v, &d, 8);
    return sf80_from_f64(v, &env);
}

/* ---------------------------------------------------------------------- */
/* Packed BCD                                                              */

Sf80 sf80_from_bcd(const uint8_t bcd[10])
{
    uint64_t v = 0;
    for (int i = 8; i >= 0; i--) {
        v = v * 100 + (bcd[i] >> 4) * 10 + (bcd[i] & 15);
    }
    return from_mag(bcd[9] >> 7, v);
}

void sf80_to_bcd(Sf80 a, uint8_t bcd[10], Sf80Env *env)
{
    static const uint8_t indef[10] = { 0, 0, 0, 0, 0, 0, 0, 0xc0, 0xff, 0xff };
    uint64_t n = 0;
    bool sign = SF80_SIGN(a);
    if (sf80_is_unsupported(a) || sf80_is_nan(a) || is_inf(a)) {
        goto bad;
    }
    if (!is_zero(a)) {
        uint64_t m;
        bool inexact, up;
        int e = unpack(a, &m);
        if (e > 63) {
            goto bad;
        }
        n = to_integer(sign, e, m, env->rc, &inexact, &up);
        if (n > 999999999999999999ull) {
            goto bad;
        }
        if (inexact) {
            env->flags |= SF80_PE | (up ? SF80_C1 : 0);
        }
    }
    for (int i = 0; i < 9; i++) {
        unsigned lo = n % 10, hi = (n / 10) % 10;
        n /= 100;
        bcd[i] = (uint8_t)(hi << 4 | lo);
    }
    bcd[9] = sign ? 0x80 : 0;
    return;
bad:
    env->flags |= SF80_IE;
    __builtin_memcpy(bcd, indef, 10);
}

/* ---------------------------------------------------------------------- */
/* FPREM/FPREM1, FSCALE, FXTRACT                                           */

Sf80 sf80_rem(Sf80 a, Sf80 b, bool ieee, unsigned *quot, bool *partial, Sf80Env *env)
{
    Sf80 r;
    *quot = 0;
    *partial = false;
    if (check2(a, b, &r, env)) {
        return r;
    }
    if (is_inf(a) || is_zero(b)) {
        return invalid(env);
    }
    denorm2(a, b, env);
    if (is_zero(a)) {
        return a;
    }
    uint64_t ma, mb = 0;
    int ea = unpack(a, &ma), eb = is_inf(b) ? 1 << 20 : unpack(b, &mb), d = ea - eb;
    bool sign = SF80_SIGN(a);
    if (d < 0) {
        if (!ieee || d < -1 || ma <= mb) {
            return round80_full(sign, ea, (u128)ma << 64, env);   /* normalized */
        }
        /* |a| in (|b|/2, |b|): the nearest quotient is 1 */
        *quot = 1;
        return round80_full(!sign, ea + 2, (2 * (u128)mb - ma) << 62, env);
    }
    int dd = d;
    if (d >= 64) {
        *partial = true;
        dd = 32 + (d - 32) % 32;
    }
    int e = eb + (d - dd);
    u128 rr = ma;
    uint64_t q = 0;
    for (int i = dd; i >= 0; i--) {
        q <<= 1;
        if (rr >= mb) {
            rr -= mb;
            q |= 1;
        }
        if (i) {
            rr <<= 1;
        }
    }
    if (ieee && !*partial && (2 * rr > mb || (2 * rr == mb && (q & 1)))) {
        rr = mb - rr;
        q++;
        sign = !sign;
    }
    if (!*partial) {
        *quot = (unsigned)(q & 7);
    }
    if (rr == 0) {
        return zero_of(SF80_SIGN(a));
    }
    return round80_full(sign, e, rr << 64, env);
}

Sf80 sf80_scale(Sf80 a, Sf80 b, Sf80Env *env)
{
    Sf80 r;
    if (check2(a, b, &r, env)) {
        return r;
    }
    bool sa = SF80_SIGN(a), sb = SF80_SIGN(b);
    denorm2(a, b, env);
    if (is_inf(b)) {
        if ((!sb && is_zero(a)) || (sb && is_inf(a))) {
            return invalid(env);
        }
        return sb ? zero_of(sa) : inf_of(sa);
    }
    if (is_zero(a) || is_inf(a)) {
        return a;
    }
    int n = 0;
    if (!is_zero(b)) {
        uint64_t mb;
        int eb = unpack(b, &mb);
        n = eb < 0 ? 0 : eb > 20 ? (1 << 20) : (int)(mb >> (63 - eb));
        n = sb ? -n : n;
    }
    uint64_t m;
    int e = unpack(a, &m);
    return round80_full(sa, e + n, (u128)m << 64, env);   /* PC does not apply */
}

Sf80 sf80_xtract(Sf80 a, Sf80 *exp, Sf80Env *env)
{
    Sf80 r;
    if (check1(a, &r, env)) {
        *exp = r;
        return r;
    }
    denorm2(a, a, env);
    if (is_zero(a)) {
        env->flags |= SF80_ZE;
        *exp = inf_of(true);
        return a;
    }
    if (is_inf(a)) {
        *exp = inf_of(false);
        return a;
    }
    uint64_t m;
    int e = unpack(a, &m);
    *exp = sf80_from_int(e);
    return sf80_make(SF80_SIGN(a), BIAS, m);
}

/* ---------------------------------------------------------------------- */
/* Packing for other modules                                               */

Sf80 sf80_round_pack(bool sign, int exp, uint64_t hi, uint64_t lo, Sf80Env *env)
{
    u128 x = ((u128)hi << 64) | lo;
    if (x == 0) {
        return zero_of(sign);
    }
    return round80_full(sign, exp, x, env);
}
