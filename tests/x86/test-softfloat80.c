/*
 * test-softfloat80.c — frontend-x86/softfloat80.c against the host x87
 * (bit-for-bit results and exception flags, every rounding mode and
 * precision control, edge classes and random operands), plus exact-value
 * cases that also run on hosts without an x87.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend-x86/cpu.h"
#include "frontend-x86/softfloat80.h"

#define S(sign, exp, m) ((Sf80){ .mant = m##ull, .se = (uint16_t)((sign) << 15 | (exp)) })

static bool same(Sf80 a, Sf80 b)
{
    return a.mant == b.mant && a.se == b.se;
}

/* ---- exact values (every host) ---- */

START_TEST(test_exact)
{
    Sf80Env env = { .rc = SF80_RC_NEAREST, .pc = SF80_PC_64 };
    Sf80 one = S(0, 0x3fff, 0x8000000000000000), two = S(0, 0x4000, 0x8000000000000000);
    Sf80 three = S(0, 0x4000, 0xc000000000000000);

    ck_assert(same(sf80_add(one, one, &env), two));
    ck_assert_int_eq(env.flags, 0);
    /* 1/3 = 0x3ffd AAAA...AAAB (round to nearest), inexact, rounded up */
    ck_assert(same(sf80_div(one, three, &env), S(0, 0x3ffd, 0xaaaaaaaaaaaaaaab)));
    ck_assert_int_eq(env.flags, SF80_PE | SF80_C1);
    env.rc = SF80_RC_ZERO;
    ck_assert(same(sf80_div(one, three, &env), S(0, 0x3ffd, 0xaaaaaaaaaaaaaaaa)));
    /* sqrt(2) = 1.6A09E667F3BCC908B2FB... */
    env.rc = SF80_RC_NEAREST;
    ck_assert(same(sf80_sqrt(two, &env), S(0, 0x3fff, 0xb504f333f9de6484)));
    /* 1/3 under PC=24: 0xAAAAAB << 40 */
    env.pc = SF80_PC_24;
    ck_assert(same(sf80_div(one, three, &env), S(0, 0x3ffd, 0xaaaaab0000000000)));
    /* x - x = +0, and -0 when rounding down */
    env.pc = SF80_PC_64;
    ck_assert(same(sf80_sub(three, three, &env), S(0, 0, 0)));
    env.rc = SF80_RC_DOWN;
    ck_assert(same(sf80_sub(three, three, &env), S(1, 0, 0)));
    /* invalid operations give the real indefinite */
    env.flags = 0;
    ck_assert(same(sf80_sub(S(0, 0x7fff, 0x8000000000000000), S(0, 0x7fff, 0x8000000000000000),
                            &env), sf80_indefinite));
    ck_assert_int_eq(env.flags, SF80_IE);
    /* integer conversions: 2.5 rounds to 2, overflow gives indefinite */
    env.rc = SF80_RC_NEAREST;
    env.flags = 0;
    ck_assert_int_eq(sf80_to_int(S(0, 0x4000, 0xa000000000000000), 32, false, &env), 2);
    ck_assert_int_eq(sf80_to_int(S(0, 0x401f, 0x8000000000000000), 32, false, &env), INT32_MIN);
    ck_assert(same(sf80_from_int(-5), S(1, 0x4001, 0xa000000000000000)));
    /* float64 round trip of 0.1 */
    ck_assert_uint_eq(sf80_to_f64(sf80_from_double(0.1), &env), 0x3fb999999999999aull);
    /* BCD */
    uint8_t bcd[10];
    sf80_to_bcd(sf80_from_int(-1234), bcd, &env);
    ck_assert_uint_eq(bcd[0], 0x34);
    ck_assert_uint_eq(bcd[1], 0x12);
    ck_assert_uint_eq(bcd[9], 0x80);
    ck_assert(same(sf80_from_bcd(bcd), sf80_from_int(-1234)));
}
END_TEST

/* Transcendentals at exactly known points (every host). */
START_TEST(test_trans_exact)
{
    Sf80Env env = { .rc = SF80_RC_NEAREST, .pc = SF80_PC_64 };
    Sf80 one = S(0, 0x3fff, 0x8000000000000000), two = S(0, 0x4000, 0x8000000000000000);
    Sf80 eight = S(0, 0x4002, 0x8000000000000000), zero = S(0, 0, 0), r, c;
    /* 2^1 - 1 = 1; 2^-1 - 1 = -0.5; log2(8) * 2 = 6; atan2(1, 1) = pi/4 */
    ck_assert(same(sf80_f2xm1(one, &env), one));
    ck_assert(same(sf80_f2xm1(S(1, 0x3fff, 0x8000000000000000), &env),
                   S(1, 0x3ffe, 0x8000000000000000)));
    ck_assert(same(sf80_yl2x(eight, two, &env), S(0, 0x4001, 0xc000000000000000)));
    ck_assert(same(sf80_patan(one, one, &env), S(0, 0x3ffe, 0xc90fdaa22168c235)));
    /* sin 0 = 0, cos 0 = 1, tan 0 = 0; log2(0): -inf with ZE */
    ck_assert(sf80_sincos(zero, &r, &c, &env));
    ck_assert(same(r, zero) && same(c, one));
    env.flags = 0;
    ck_assert(same(sf80_yl2x(zero, one, &env), S(1, 0x7fff, 0x8000000000000000)));
    ck_assert_int_eq(env.flags, SF80_ZE);
    /* out of range for FSIN: |x| >= 2^63 */
    ck_assert(!sf80_sincos(S(0, 0x403e, 0x8000000000000000), &r, &c, &env));
}
END_TEST

#if defined(__x86_64__)

/* ---- the host x87 as oracle ---- */

typedef struct Res {
    Sf80 r;
    uint64_t i;            /* integer / float results */
    uint16_t sw;
} Res;

#define HOST_BIN(name, insn)                                                  \
    static Res host_##name(Sf80 a, Sf80 b, uint16_t cw)                       \
    {                                                                         \
        Res o = { 0 };                                                        \
        __asm__ volatile("fninit\n\tfldcw %[cw]\n\tfldt %[b]\n\tfldt %[a]\n\t" \
                         insn "\n\tfnstsw %[sw]\n\tfnclex\n\tfstpt %[r]\n\tfninit" \
                         : [r] "=m"(o.r), [sw] "=m"(o.sw)                     \
                         : [a] "m"(a), [b] "m"(b), [cw] "m"(cw));             \
        return o;                                                             \
    }
HOST_BIN(add, "fadd %%st(1), %%st")
HOST_BIN(sub, "fsub %%st(1), %%st")
HOST_BIN(mul, "fmul %%st(1), %%st")
HOST_BIN(div, "fdiv %%st(1), %%st")
HOST_BIN(sqrt, "fsqrt")
HOST_BIN(rndint, "frndint")
HOST_BIN(prem, "fprem")
HOST_BIN(prem1, "fprem1")
HOST_BIN(scale, "fscale")

#define HOST_CMP(name, insn)                                                  \
    static Res host_##name(Sf80 a, Sf80 b, uint16_t cw)                       \
    {                                                                         \
        Res o = { 0 };                                                        \
        __asm__ volatile("fninit\n\tfldcw %[cw]\n\tfldt %[b]\n\tfldt %[a]\n\t" \
                         insn "\n\tfnstsw %[sw]\n\tfninit"                    \
                         : [sw] "=m"(o.sw)                                    \
                         : [a] "m"(a), [b] "m"(b), [cw] "m"(cw));             \
        return o;                                                             \
    }
HOST_CMP(fcom, "fcom %%st(1)")
HOST_CMP(fucom, "fucom %%st(1)")

#define HOST_ST(name, insn)                                                   \
    static Res host_##name(Sf80 a, Sf80 b, uint16_t cw)                       \
    {                                                                         \
        Res o = { 0 };                                                        \
        (void)b;                                                              \
        __asm__ volatile("fninit\n\tfldcw %[cw]\n\tfldt %[a]\n\t"             \
                         insn " %[i]\n\tfnstsw %[sw]\n\tfninit"               \
                         : [i] "=m"(o.i), [sw] "=m"(o.sw)                     \
                         : [a] "m"(a), [cw] "m"(cw));                         \
        return o;                                                             \
    }
HOST_ST(ist16, "fistps")
HOST_ST(ist32, "fistpl")
HOST_ST(ist64, "fistpll")
HOST_ST(istt64, "fisttpll")
HOST_ST(st32, "fstps")
HOST_ST(st64, "fstpl")

/* ---- the same through softfloat80 ---- */

static Sf80Env env_of(uint16_t cw)
{
    return (Sf80Env){ .rc = (cw >> 10) & 3, .pc = (cw >> 8) & 3,
                      .traps = (uint8_t)(~cw & (SF80_OE | SF80_UE)) };
}

#define SF_BIN(name, fn)                                                      \
    static Res sf_##name(Sf80 a, Sf80 b, uint16_t cw)                         \
    {                                                                         \
        Sf80Env e = env_of(cw);                                               \
        Res o = { .r = fn(a, b, &e) };                                        \
        o.sw = e.flags;                                                       \
        return o;                                                             \
    }
SF_BIN(add, sf80_add)
SF_BIN(sub, sf80_sub)
SF_BIN(mul, sf80_mul)
SF_BIN(div, sf80_div)
SF_BIN(scale, sf80_scale)

static Res sf_sqrt(Sf80 a, Sf80 b, uint16_t cw)
{
    Sf80Env e = env_of(cw);
    (void)b;
    Res o = { .r = sf80_sqrt(a, &e) };
    o.sw = e.flags;
    return o;
}

static Res sf_rndint(Sf80 a, Sf80 b, uint16_t cw)
{
    Sf80Env e = env_of(cw);
    (void)b;
    Res o = { .r = sf80_round_int(a, &e) };
    o.sw = e.flags;
    return o;
}

static Res sf_rem(Sf80 a, Sf80 b, uint16_t cw, bool ieee)
{
    Sf80Env e = env_of(cw);
    unsigned q;
    bool partial;
    Res o = { .r = sf80_rem(a, b, ieee, &q, &partial, &e) };
    o.sw = e.flags | (partial ? 0x400 : 0) | ((q & 4) ? 0x100 : 0) | ((q & 2) ? 0x4000 : 0) |
           ((q & 1) ? 0x200 : 0);
    return o;
}

static Res sf_prem(Sf80 a, Sf80 b, uint16_t cw) { return sf_rem(a, b, cw, false); }
static Res sf_prem1(Sf80 a, Sf80 b, uint16_t cw) { return sf_rem(a, b, cw, true); }

static Res sf_cmp(Sf80 a, Sf80 b, uint16_t cw, bool quiet)
{
    static const uint16_t cc[4] = { 0x100, 0x4000, 0, 0x4500 };
    Sf80Env e = env_of(cw);
    Res o = { 0 };
    o.sw = cc[sf80_compare(a, b, quiet, &e)];
    o.sw |= e.flags;
    return o;
}

static Res sf_fcom(Sf80 a, Sf80 b, uint16_t cw) { return sf_cmp(a, b, cw, false); }
static Res sf_fucom(Sf80 a, Sf80 b, uint16_t cw) { return sf_cmp(a, b, cw, true); }

#define SF_INT(name, bits, trunc)                                             \
    static Res sf_##name(Sf80 a, Sf80 b, uint16_t cw)                         \
    {                                                                         \
        Sf80Env e = env_of(cw);                                               \
        (void)b;                                                              \
        Res o = { .i = (uint64_t)sf80_to_int(a, bits, trunc, &e) };           \
        o.i &= bits == 64 ? ~0ull : (1ull << bits) - 1;                       \
        o.sw = e.flags;                                                       \
        return o;                                                             \
    }
SF_INT(ist16, 16, false)
SF_INT(ist32, 32, false)
SF_INT(ist64, 64, false)
SF_INT(istt64, 64, true)

static Res sf_st32(Sf80 a, Sf80 b, uint16_t cw)
{
    Sf80Env e = env_of(cw);
    (void)b;
    Res o = { .i = sf80_to_f32(a, &e) };
    o.sw = e.flags;
    return o;
}

static Res sf_st64(Sf80 a, Sf80 b, uint16_t cw)
{
    Sf80Env e = env_of(cw);
    (void)b;
    Res o = { .i = sf80_to_f64(a, &e) };
    o.sw = e.flags;
    return o;
}

/* ---- operand generation ---- */

static const Sf80 edges[] = {
    S(0, 0, 0), S(1, 0, 0), S(0, 0, 1), S(1, 0, 0x7fffffffffffffff), S(0, 0, 0x8000000000000000),
    S(1, 0, 0x8000000000000001), S(0, 1, 0x8000000000000000), S(1, 1, 0xffffffffffffffff),
    S(0, 0x7ffe, 0xffffffffffffffff), S(1, 0x7ffe, 0x8000000000000000),
    S(0, 0x3fff, 0x8000000000000000), S(1, 0x3fff, 0xc000000000000000),
    S(0, 0x3fff, 0x8000000000000400), S(0, 0x3fff, 0x8000008000000000),
    S(0, 0x3fff, 0x8000000000000001), S(1, 0x4000, 0xffffffffffffffff),
    S(0, 0x7fff, 0x8000000000000000), S(1, 0x7fff, 0x8000000000000000),
    S(0, 0x7fff, 0xc000000000000001), S(1, 0x7fff, 0xc000000000000000),
    S(0, 0x7fff, 0x8000000000000001), S(1, 0x7fff, 0xa000000000000000),
    S(0, 0x4000, 0x4000000000000000), S(0, 0x7fff, 0), S(1, 0x7fff, 0x4000000000000000),
    S(0, 0x403e, 0xffffffffffffffff), S(1, 0x401d, 0x8000000000000000),
    S(0, 0x400e, 0xffff000000000000), S(0, 0x3ffe, 0x8000000000000000),
    S(1, 0x3ffe, 0x8000000000000001), S(0, 0x3c00, 0x8000000000000000),
    S(0, 0x3f80, 0xc000000000000000), S(1, 0x43ff, 0x8000000000000000),
};
enum { N_EDGES = sizeof(edges) / sizeof(edges[0]) };

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static Sf80 random_operand(void)
{
    uint64_t r = rnd();
    unsigned sign = r & 1, exp;
    switch ((r >> 1) & 7) {
    case 0:  exp = (unsigned)(r >> 8) & 0x7fff; break;
    case 1:  exp = (unsigned)(r >> 8) % 70; break;                 /* near denormal */
    case 2:  exp = 0x7fff - (unsigned)(r >> 8) % 70; break;        /* near overflow */
    case 3:  return edges[(r >> 8) % N_EDGES];
    default: exp = 0x3fff - 40 + (unsigned)(r >> 8) % 80; break;
    }
    uint64_t m = rnd();
    switch ((r >> 40) & 7) {
    case 0:  m &= ~0ull << 40; break;                              /* short significands */
    case 1:  m &= ~0ull << 11; break;
    case 2:  m = (m & ~0ull << 60) | (1ull << ((r >> 44) & 63)); break;
    default: break;
    }
    if (exp != 0 && ((r >> 50) & 31) != 0) {
        m |= 1ull << 63;                                           /* mostly canonical */
    }
    return sf80_make(sign, exp, m);
}

typedef Res (*OpFn)(Sf80, Sf80, uint16_t);

typedef struct OpCase {
    const char *name;
    OpFn host, sf;
    bool int_result;
    uint16_t sw_mask;
    bool unmasked;                 /* also run with OE/UE unmasked */
} OpCase;

static bool res_equal(const OpCase *c, Res h, Res s)
{
    if ((h.sw & c->sw_mask) != (s.sw & c->sw_mask)) {
        return false;
    }
    return c->int_result ? h.i == s.i : same(h.r, s.r);
}

static int mismatches;

static void check_one(const OpCase *c, Sf80 a, Sf80 b, uint16_t cw)
{
    Res h = c->host(a, b, cw), s = c->sf(a, b, cw);
    if (res_equal(c, h, s)) {
        return;
    }
    if (mismatches++ < 12) {
        fprintf(stderr,
                "%s cw=%04x a=%04x:%016llx b=%04x:%016llx host=%04x:%016llx i=%llx sw=%04x "
                "sf=%04x:%016llx i=%llx sw=%04x\n",
                c->name, cw, a.se, (unsigned long long)a.mant, b.se,
                (unsigned long long)b.mant, h.r.se, (unsigned long long)h.r.mant,
                (unsigned long long)h.i, h.sw & c->sw_mask, s.r.se,
                (unsigned long long)s.r.mant, (unsigned long long)s.i, s.sw & c->sw_mask);
    }
}

static void run_case(const OpCase *c, unsigned n_random)
{
    static const uint16_t pcs[3] = { 0, 2, 3 };
    mismatches = 0;
    /* register results also with OE and UE unmasked (exponent wrapping) */
    for (unsigned rc = 0; rc < (c->unmasked ? 8u : 4u); rc++) {
        for (unsigned p = 0; p < 3; p++) {
            uint16_t cw = (uint16_t)((rc & 4 ? 0x67 : 0x7f) | pcs[p] << 8 | (rc & 3) << 10);
            for (unsigned i = 0; i < N_EDGES; i++) {
                for (unsigned j = 0; j < N_EDGES; j++) {
                    check_one(c, edges[i], edges[j], cw);
                }
            }
            for (unsigned i = 0; i < n_random; i++) {
                check_one(c, random_operand(), random_operand(), cw);
            }
        }
    }
    ck_assert_msg(mismatches == 0, "%s: %d mismatches", c->name, mismatches);
}

enum { FLAGS = 0x23f, CMP = 0x453f, REM = 0x473f };

static const OpCase cases[] = {
    { "fadd", host_add, sf_add, false, FLAGS, true },
    { "fsub", host_sub, sf_sub, false, FLAGS, true },
    { "fmul", host_mul, sf_mul, false, FLAGS, true },
    { "fdiv", host_div, sf_div, false, FLAGS, true },
    { "fsqrt", host_sqrt, sf_sqrt, false, FLAGS, true },
    { "frndint", host_rndint, sf_rndint, false, FLAGS },
    { "fcom", host_fcom, sf_fcom, true, CMP },
    { "fucom", host_fucom, sf_fucom, true, CMP },
    { "fistp16", host_ist16, sf_ist16, true, FLAGS },
    { "fistp32", host_ist32, sf_ist32, true, FLAGS },
    { "fistp64", host_ist64, sf_ist64, true, FLAGS },
    { "fisttp64", host_istt64, sf_istt64, true, FLAGS },
    { "fstp32", host_st32, sf_st32, true, FLAGS },
    { "fstp64", host_st64, sf_st64, true, FLAGS },
    { "fprem", host_prem, sf_prem, false, REM },
    { "fprem1", host_prem1, sf_prem1, false, REM },
    { "fscale", host_scale, sf_scale, false, FLAGS, true },
};
enum { N_CASES = sizeof(cases) / sizeof(cases[0]) };

START_TEST(test_host)
{
    run_case(&cases[_i], 3000);
}
END_TEST

/* ---- transcendentals: host within a few ulps, special values exactly ---- */

/* Distance in ulps of two finite same-sign 80-bit values (large if not). */
static uint64_t ulps(Sf80 a, Sf80 b)
{
    if (SF80_SIGN(a) != SF80_SIGN(b)) {
        return (a.mant == 0 && b.mant == 0) ? 0 : ~0ull;
    }
    /* (exponent, significand) is monotonic for normalized values */
    __int128 ka = (__int128)SF80_EXP(a) << 64 | a.mant, kb = (__int128)SF80_EXP(b) << 64 | b.mant;
    __int128 d = ka > kb ? ka - kb : kb - ka;
    return d > (__int128)1 << 62 ? ~0ull : (uint64_t)d;
}

typedef enum { T_F2XM1, T_FYL2X, T_FYL2XP1, T_FPATAN, T_FSIN, T_FCOS, T_FPTAN } Trans;

static Sf80 host_trans(Trans t, Sf80 x, Sf80 y)
{
    Sf80 r = { 0 };
    switch (t) {
    case T_F2XM1:   __asm__ volatile("fninit\n\tfldt %1\n\tf2xm1\n\tfstpt %0" : "=m"(r) : "m"(x)); break;
    case T_FYL2X:   __asm__ volatile("fninit\n\tfldt %2\n\tfldt %1\n\tfyl2x\n\tfstpt %0" : "=m"(r) : "m"(x), "m"(y)); break;
    case T_FYL2XP1: __asm__ volatile("fninit\n\tfldt %2\n\tfldt %1\n\tfyl2xp1\n\tfstpt %0" : "=m"(r) : "m"(x), "m"(y)); break;
    case T_FPATAN:  __asm__ volatile("fninit\n\tfldt %2\n\tfldt %1\n\tfpatan\n\tfstpt %0" : "=m"(r) : "m"(x), "m"(y)); break;
    case T_FSIN:    __asm__ volatile("fninit\n\tfldt %1\n\tfsin\n\tfstpt %0" : "=m"(r) : "m"(x)); break;
    case T_FCOS:    __asm__ volatile("fninit\n\tfldt %1\n\tfcos\n\tfstpt %0" : "=m"(r) : "m"(x)); break;
    default:        __asm__ volatile("fninit\n\tfldt %1\n\tfptan\n\tfstp %%st(0)\n\tfstpt %0" : "=m"(r) : "m"(x)); break;
    }
    __asm__ volatile("fninit");
    return r;
}

static Sf80 sf_trans(Trans t, Sf80 x, Sf80 y)
{
    Sf80Env e = { .rc = SF80_RC_NEAREST, .pc = SF80_PC_64 };
    Sf80 r = x, c;
    switch (t) {
    case T_F2XM1:   return sf80_f2xm1(x, &e);
    case T_FYL2X:   return sf80_yl2x(x, y, &e);
    case T_FYL2XP1: return sf80_yl2xp1(x, y, &e);
    case T_FPATAN:  return sf80_patan(x, y, &e);
    case T_FSIN:    sf80_sincos(x, &r, &c, &e); return r;
    case T_FCOS:    sf80_sincos(x, &c, &r, &e); return r;
    default:        sf80_ptan(x, &r, &e); return r;
    }
}

/* A value in [-range, range] (range = 2^k), never tiny. */
static Sf80 in_range(int k, bool positive)
{
    uint64_t r = rnd();
    unsigned exp = (unsigned)(0x3fff + k - (int)(r % 24));
    return sf80_make(positive ? 0 : r >> 63, exp, rnd() | 1ull << 63);
}

START_TEST(test_trans_host)
{
    static const struct { Trans t; int k; bool pos; const char *name; } fns[] = {
        { T_F2XM1, -1, false, "f2xm1" }, { T_FYL2X, 10, true, "fyl2x" },
        { T_FYL2XP1, -2, false, "fyl2xp1" }, { T_FPATAN, 10, false, "fpatan" },
        { T_FSIN, 1, false, "fsin" }, { T_FCOS, 1, false, "fcos" }, { T_FPTAN, 0, false, "fptan" },
    };
    uint64_t worst[7] = { 0 };
    int bad = 0;
    for (unsigned f = 0; f < 7; f++) {
        for (int i = 0; i < 20000; i++) {
            Sf80 x = in_range(fns[f].k, fns[f].pos), y = in_range(3, false);
            Sf80 h = host_trans(fns[f].t, x, y), s = sf_trans(fns[f].t, x, y);
            uint64_t u = ulps(h, s);
            /* The CPU reduces FSIN/FCOS/FPTAN arguments with a 66-bit pi:
             * near their zeros it is off by about |x| * 2^-66 absolute. */
            long double lh, ls, lx;
            memcpy(&lh, &h, 10);
            memcpy(&ls, &s, 10);
            memcpy(&lx, &x, 10);
            bool reduced = fns[f].t >= T_FSIN;
            long double slope = fns[f].t == T_FPTAN ? 1 + lh * lh : 1;   /* tan' */
            bool ok = u <= 4 || (reduced && fabsl(lh - ls) <= fabsl(lx) * slope * 0x1p-63L);
            if (ok && u > worst[f] && u <= 4) {
                worst[f] = u;
            }
            if (!ok && bad++ < 10) {
                fprintf(stderr, "%s x=%04x:%016llx y=%04x:%016llx host %04x:%016llx sf %04x:%016llx\n",
                        fns[f].name, x.se, (unsigned long long)x.mant, y.se,
                        (unsigned long long)y.mant, h.se, (unsigned long long)h.mant, s.se,
                        (unsigned long long)s.mant);
            }
        }
        printf("%s: worst %llu ulp against the host x87 (outside pi reduction)\n", fns[f].name,
               (unsigned long long)worst[f]);
    }
    ck_assert_int_eq(bad, 0);
}
END_TEST

/* ---- x87 state: the FXSAVE image round trip against the CPU ---- */

START_TEST(test_fxsave_image)
{
    static const uint16_t cws[3] = { 0x037f, 0x0f7f, 0x127f };
    for (unsigned k = 0; k < 3; k++) {
        uint8_t img[512] __attribute__((aligned(16))), out[512];
        uint32_t env[7];
        double vals[3] = { 1.5, -0.0, 3.0 };
        uint16_t cw = cws[k];
        memset(img, 0, sizeof(img));
        __asm__ volatile("fninit\n\tfldcw %[cw]\n\tfldl %[v0]\n\tfldl %[v1]\n\t"
                         "fldpi\n\tfldz\n\tfdivr %%st(3), %%st\n\tfldl %[v2]\n\t"
                         "fincstp\n\tfxsave64 %[img]\n\tfnstenv %[env]\n\tfninit"
                         : [img] "=m"(img), [env] "=m"(env)
                         : [cw] "m"(cw), [v0] "m"(vals[0]), [v1] "m"(vals[1]),
                           [v2] "m"(vals[2]));
        X86Cpu cpu;
        memset(&cpu, 0, sizeof(cpu));
        x87_state_from_fxsave(&cpu, img);
        memcpy(out, img, sizeof(out));
        memset(out, 0xaa, 24);
        memset(out + 32, 0xaa, 128);
        x87_state_to_fxsave(&cpu, out);
        ck_assert_mem_eq(out, img, 24);
        ck_assert_mem_eq(out + 32, img + 32, 128);
        ck_assert_uint_eq(x87_get_fsw(&cpu), env[1] & 0xffff);
        ck_assert_uint_eq(x87_get_ftw(&cpu), env[2] & 0xffff);
        ck_assert_uint_eq(cpu.fpu.fcw, env[0] & 0xffff);
    }
}
END_TEST

#endif

int main(void)
{
    Suite *s = suite_create("softfloat80");
    TCase *tc = tcase_create("exact");
    tcase_add_test(tc, test_exact);
    tcase_add_test(tc, test_trans_exact);
    suite_add_tcase(s, tc);
#if defined(__x86_64__)
    TCase *th = tcase_create("host");
    tcase_set_timeout(th, 120);
    tcase_add_loop_test(th, test_host, 0, N_CASES);
    tcase_add_test(th, test_trans_host);
    tcase_add_test(th, test_fxsave_image);
    suite_add_tcase(s, th);
#endif
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
