/*
 * test-softfloat80.c — frontend-x86/softfloat80.c against the host x87
 * (bit-for-bit results and exception flags, every rounding mode and
 * precision control, edge classes and random operands), plus exact-value
 * cases that also run on hosts without an x87.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
                         insn "\n\tfnstsw %[sw]\n\tfstpt %[r]\n\tfninit"      \
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
    return (Sf80Env){ .rc = (cw >> 10) & 3, .pc = (cw >> 8) & 3 };
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
    for (unsigned rc = 0; rc < 4; rc++) {
        for (unsigned p = 0; p < 3; p++) {
            uint16_t cw = (uint16_t)(0x7f | pcs[p] << 8 | rc << 10);
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
    { "fadd", host_add, sf_add, false, FLAGS },
    { "fsub", host_sub, sf_sub, false, FLAGS },
    { "fmul", host_mul, sf_mul, false, FLAGS },
    { "fdiv", host_div, sf_div, false, FLAGS },
    { "fsqrt", host_sqrt, sf_sqrt, false, FLAGS },
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
    { "fscale", host_scale, sf_scale, false, FLAGS },
};
enum { N_CASES = sizeof(cases) / sizeof(cases[0]) };

START_TEST(test_host)
{
    run_case(&cases[_i], 3000);
}
END_TEST

#endif

int main(void)
{
    Suite *s = suite_create("softfloat80");
    TCase *tc = tcase_create("exact");
    tcase_add_test(tc, test_exact);
    suite_add_tcase(s, tc);
#if defined(__x86_64__)
    TCase *th = tcase_create("host");
    tcase_set_timeout(th, 120);
    tcase_add_loop_test(th, test_host, 0, N_CASES);
    suite_add_tcase(s, th);
#endif
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
