/*
 * test-sse.c — the SSE float helpers against this (x86-64) CPU: every
 * helper is run on vectors of special inputs (NaNs of both kinds and
 * signs, infinities, denormals, signed zeros, overflow/underflow cases)
 * under several MXCSR settings, and the destination bits and MXCSR flags
 * must be what the same instruction, executed natively by inline asm,
 * produces; then the same cases again on arm64 (sse-replay under qemu).
 * The integer helpers are in test-sse-int.c.
 */
#include <check.h>
#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "frontend-x86/decode.h"
#include "frontend-x86/sse.h"
#include "tests/x86/sse-native.h"
#include "tests/x86/sse-replay.h"


/* MXCSR settings every float op is tried under. */
static const uint32_t mxcsrs[] = {
    0x1f80, 0x3f80, 0x5f80, 0x7f80,          /* RC nearest, down, up, zero */
    0x9f80, 0x1fc0, 0x9fc0,                  /* FTZ, DAZ, both */
};

static const uint32_t f32_vals[] = {
    0x00000000, 0x80000000, 0x00000001, 0x80000001, 0x007fffff, 0x807fffff,
    0x00800000, 0x80800000, 0x3f800000, 0xbf800000, 0x3fc00000, 0x40490fdb,
    0xc0000000, 0x7f7fffff, 0xff7fffff, 0x7f800000, 0xff800000, 0x7fc00000,
    0xffc00000, 0x7fc12345, 0xffd00001, 0x7f800001, 0xff812345, 0x7fa00000,
    0x34000000, 0x00ffffff, 0x3eaaaaab, 0x4b000001, 0xcf000000, 0x4f000000,
    0x5f000000, 0xdf000000, 0x3f000000, 0xbf000000, 0x40400000, 0x3fc00001,
    0x0c000000, 0x33ffffff, 0x4effffff, 0xc0200000,
};
#define N32 (sizeof(f32_vals) / sizeof(f32_vals[0]))

static const uint64_t f64_vals[] = {
    0, 0x8000000000000000ull, 1, 0x8000000000000001ull, 0x000fffffffffffffull,
    0x0010000000000000ull, 0x3ff0000000000000ull, 0xbff0000000000000ull,
    0x3ff8000000000000ull, 0x400921fb54442d18ull, 0xc000000000000000ull,
    0x7fefffffffffffffull, 0xffefffffffffffffull, 0x7ff0000000000000ull,
    0xfff0000000000000ull, 0x7ff8000000000000ull, 0xfff8000000000000ull,
    0x7ff8000012345678ull, 0x7ff0000000000001ull, 0xfff4000000000abcull,
    0x3fd5555555555555ull, 0x41dfffffffc00000ull, 0xc1e0000000000000ull,
    0x41e0000000000000ull, 0x43e0000000000000ull, 0xc3e0000000000000ull,
    0x3fe0000000000000ull, 0xbfe0000000000000ull, 0x47efffffe0000000ull,
    0x36a0000000000000ull, 0x3ff0000000000001ull, 0x380fffffffffffffull,
    0x4008000000000000ull, 0xc1dfffffffffffffull,
};
#define N64 (sizeof(f64_vals) / sizeof(f64_vals[0]))

static FILE *rec_out;              /* set: the cases also write replay records */

static void record(uint32_t kind, uint32_t sel, uint32_t mx, uint32_t wmx, const X86Vec *a,
                   const X86Vec *b, const X86Vec *want)
{
    if (rec_out) {
        SseRecord rec = { .kind = kind, .sel = sel, .mxcsr = mx, .want_mxcsr = wmx,
                          .a = *a, .b = *b, .want = *want };
        fwrite(&rec, sizeof(rec), 1, rec_out);
    }
}



/* ---------------------------------------------------------------------- */
/* Native runners                                                          */

#define ARITH_NATS(X) \
    X(ADD, addps, addpd, addss, addsd) X(SUB, subps, subpd, subss, subsd) \
    X(MUL, mulps, mulpd, mulss, mulsd) X(DIV, divps, divpd, divss, divsd) \
    X(MIN, minps, minpd, minss, minsd) X(MAX, maxps, maxpd, maxss, maxsd) \
    X(SQRT, sqrtps, sqrtpd, sqrtss, sqrtsd)

#define DEF_ARITH(op, ps, pd, ss, sd) NAT(nat_##ps, #ps) NAT(nat_##pd, #pd) \
    NAT(nat_##ss, #ss) NAT(nat_##sd, #sd)
ARITH_NATS(DEF_ARITH)

#define DEF_CMP(p) NAT(nat_cmpps##p, "cmpps $" #p ",") NAT(nat_cmppd##p, "cmppd $" #p ",") \
    NAT(nat_cmpss##p, "cmpss $" #p ",") NAT(nat_cmpsd##p, "cmpsd $" #p ",")
DEF_CMP(0) DEF_CMP(1) DEF_CMP(2) DEF_CMP(3) DEF_CMP(4) DEF_CMP(5) DEF_CMP(6) DEF_CMP(7)

NAT(nat_haddps, "haddps") NAT(nat_haddpd, "haddpd") NAT(nat_hsubps, "hsubps")
NAT(nat_hsubpd, "hsubpd") NAT(nat_addsubps, "addsubps") NAT(nat_addsubpd, "addsubpd")

#define DEF_ROUND(i) NAT(nat_roundps##i, "roundps $" #i ",") NAT(nat_roundpd##i, "roundpd $" #i ",") \
    NAT(nat_roundss##i, "roundss $" #i ",") NAT(nat_roundsd##i, "roundsd $" #i ",")
DEF_ROUND(0) DEF_ROUND(1) DEF_ROUND(2) DEF_ROUND(3) DEF_ROUND(4) DEF_ROUND(8) DEF_ROUND(11)

NAT(nat_dpps_ff, "dpps $0xff,") NAT(nat_dpps_35, "dpps $0x35,") NAT(nat_dpps_c2, "dpps $0xc2,")
NAT(nat_dppd_33, "dppd $0x33,") NAT(nat_dppd_12, "dppd $0x12,")

NAT(nat_cvtss2sd, "cvtss2sd") NAT(nat_cvtsd2ss, "cvtsd2ss") NAT(nat_cvtps2pd, "cvtps2pd")
NAT(nat_cvtpd2ps, "cvtpd2ps") NAT(nat_cvtdq2ps, "cvtdq2ps") NAT(nat_cvtps2dq, "cvtps2dq")
NAT(nat_cvttps2dq, "cvttps2dq") NAT(nat_cvtdq2pd, "cvtdq2pd") NAT(nat_cvtpd2dq, "cvtpd2dq")
NAT(nat_cvttpd2dq, "cvttpd2dq")

NAT(nat_rcpps, "rcpps") NAT(nat_rsqrtps, "rsqrtps") NAT(nat_rcpss, "rcpss")
NAT(nat_rsqrtss, "rsqrtss")

/* ---------------------------------------------------------------------- */
/* Float arithmetic                                                        */

typedef struct FloatCase {
    const char *name;
    NativeFn native;
    uint32_t (*helper)(X86Cpu *, X86Vec *, const X86Vec *, uint32_t);
    uint32_t arg;                  /* the helper's selector */
    unsigned form;                 /* X86_FFORM_* */
} FloatCase;

/* Put value pair (a, b) in lane `lane`, 1.0 in the others, run both. */
static void check_pair(const FloatCase *c, uint64_t a, uint64_t b, unsigned lane, uint32_t mx)
{
    bool dbl = c->form & 1;
    X86Vec va, vb;

    for (unsigned i = 0; i < 4; i++) {
        set32(&va, i, 0x3f800000);
        set32(&vb, i, 0x3f800000);
    }
    if (dbl) {
        va.q[0] = va.q[1] = vb.q[0] = vb.q[1] = 0x3ff0000000000000ull;
        va.q[lane] = a;
        vb.q[lane] = b;
    } else {
        set32(&va, lane, (uint32_t)a);
        set32(&vb, lane, (uint32_t)b);
    }
    X86Vec want = va, got = va;
    uint32_t wmx = c->native(&want, &vb, mx);
    X86Cpu cpu;
    memset(&cpu, 0, sizeof(cpu));
    cpu.mxcsr = mx;
    uint32_t r = c->helper(&cpu, &got, &vb, c->arg);
    if (r != 0 || memcmp(&want, &got, 16) != 0 || wmx != cpu.mxcsr) {
        report(c->name, mx, &va, &vb, &want, wmx, &got, cpu.mxcsr);
    }
    uint32_t kind = c->helper == x86_sse_arith ? SSE_REC_ARITH
                  : c->helper == x86_sse_cmp ? SSE_REC_CMP
                  : c->helper == x86_sse_horiz ? SSE_REC_HORIZ
                  : c->helper == x86_sse_round ? SSE_REC_ROUND
                  : c->helper == x86_sse_dp ? SSE_REC_DP : SSE_REC_CVT;
    record(kind, c->arg, mx, wmx, &va, &vb, &want);
}

static void run_float_case(const FloatCase *c)
{
    bool dbl = c->form & 1;
    unsigned lanes = c->form == X86_FFORM_PS ? 4 : c->form == X86_FFORM_PD ? 2 : 1;
    unsigned n = dbl ? N64 : N32, k = 0;

    for (unsigned m = 0; m < sizeof(mxcsrs) / sizeof(mxcsrs[0]); m++) {
        for (unsigned i = 0; i < n; i++) {
            for (unsigned j = 0; j < n; j++, k++) {
                uint64_t a = dbl ? f64_vals[i] : f32_vals[i];
                uint64_t b = dbl ? f64_vals[j] : f32_vals[j];
                check_pair(c, a, b, k % lanes, mxcsrs[m]);
            }
        }
    }
}

#define ARITH_CASES(op, ps, pd, ss, sd) \
    { #ps, nat_##ps, x86_sse_arith, X86_SSE_ARITH(X86_FOP_##op, X86_FFORM_PS), X86_FFORM_PS }, \
    { #pd, nat_##pd, x86_sse_arith, X86_SSE_ARITH(X86_FOP_##op, X86_FFORM_PD), X86_FFORM_PD }, \
    { #ss, nat_##ss, x86_sse_arith, X86_SSE_ARITH(X86_FOP_##op, X86_FFORM_SS), X86_FFORM_SS }, \
    { #sd, nat_##sd, x86_sse_arith, X86_SSE_ARITH(X86_FOP_##op, X86_FFORM_SD), X86_FFORM_SD },

static const FloatCase arith_cases[] = { ARITH_NATS(ARITH_CASES) };
#define COUNT_ARITH (sizeof(arith_cases) / sizeof(arith_cases[0]))

START_TEST(test_arith)
{
    failures = 0;
    run_float_case(&arith_cases[_i]);
    ck_assert_msg(failures == 0, "%s: %u mismatches", arith_cases[_i].name, failures);
}
END_TEST

#define CMP_CASES(p) \
    { "cmpps" #p, nat_cmpps##p, x86_sse_cmp, (p) << 4 | X86_FFORM_PS, X86_FFORM_PS }, \
    { "cmppd" #p, nat_cmppd##p, x86_sse_cmp, (p) << 4 | X86_FFORM_PD, X86_FFORM_PD }, \
    { "cmpss" #p, nat_cmpss##p, x86_sse_cmp, (p) << 4 | X86_FFORM_SS, X86_FFORM_SS }, \
    { "cmpsd" #p, nat_cmpsd##p, x86_sse_cmp, (p) << 4 | X86_FFORM_SD, X86_FFORM_SD },

static const FloatCase cmp_cases[] = {
    CMP_CASES(0) CMP_CASES(1) CMP_CASES(2) CMP_CASES(3)
    CMP_CASES(4) CMP_CASES(5) CMP_CASES(6) CMP_CASES(7)
};

START_TEST(test_cmp)
{
    failures = 0;
    run_float_case(&cmp_cases[_i]);
    ck_assert_msg(failures == 0, "%s: %u mismatches", cmp_cases[_i].name, failures);
}
END_TEST

static const FloatCase misc_cases[] = {
    { "haddps", nat_haddps, x86_sse_horiz, 0 << 4 | X86_FFORM_PS, X86_FFORM_PS },
    { "haddpd", nat_haddpd, x86_sse_horiz, 0 << 4 | X86_FFORM_PD, X86_FFORM_PD },
    { "hsubps", nat_hsubps, x86_sse_horiz, 1 << 4 | X86_FFORM_PS, X86_FFORM_PS },
    { "hsubpd", nat_hsubpd, x86_sse_horiz, 1 << 4 | X86_FFORM_PD, X86_FFORM_PD },
    { "addsubps", nat_addsubps, x86_sse_horiz, 2 << 4 | X86_FFORM_PS, X86_FFORM_PS },
    { "addsubpd", nat_addsubpd, x86_sse_horiz, 2 << 4 | X86_FFORM_PD, X86_FFORM_PD },
#define ROUND_CASES(i) \
    { "roundps" #i, nat_roundps##i, x86_sse_round, (i) << 4 | X86_FFORM_PS, X86_FFORM_PS }, \
    { "roundpd" #i, nat_roundpd##i, x86_sse_round, (i) << 4 | X86_FFORM_PD, X86_FFORM_PD }, \
    { "roundss" #i, nat_roundss##i, x86_sse_round, (i) << 4 | X86_FFORM_SS, X86_FFORM_SS }, \
    { "roundsd" #i, nat_roundsd##i, x86_sse_round, (i) << 4 | X86_FFORM_SD, X86_FFORM_SD },
    ROUND_CASES(0) ROUND_CASES(1) ROUND_CASES(2) ROUND_CASES(3) ROUND_CASES(4)
    ROUND_CASES(8) ROUND_CASES(11)
    { "dpps ff", nat_dpps_ff, x86_sse_dp, 0xff << 4 | X86_FFORM_PS, X86_FFORM_PS },
    { "dpps 35", nat_dpps_35, x86_sse_dp, 0x35 << 4 | X86_FFORM_PS, X86_FFORM_PS },
    { "dpps c2", nat_dpps_c2, x86_sse_dp, 0xc2 << 4 | X86_FFORM_PS, X86_FFORM_PS },
    { "dppd 33", nat_dppd_33, x86_sse_dp, 0x33 << 4 | X86_FFORM_PD, X86_FFORM_PD },
    { "dppd 12", nat_dppd_12, x86_sse_dp, 0x12 << 4 | X86_FFORM_PD, X86_FFORM_PD },
    { "cvtss2sd", nat_cvtss2sd, x86_sse_cvt, X86_CVT_SS2SD, X86_FFORM_SS },
    { "cvtsd2ss", nat_cvtsd2ss, x86_sse_cvt, X86_CVT_SD2SS, X86_FFORM_SD },
    { "cvtps2pd", nat_cvtps2pd, x86_sse_cvt, X86_CVT_PS2PD, X86_FFORM_PS },
    { "cvtpd2ps", nat_cvtpd2ps, x86_sse_cvt, X86_CVT_PD2PS, X86_FFORM_PD },
    { "cvtdq2ps", nat_cvtdq2ps, x86_sse_cvt, X86_CVT_DQ2PS, X86_FFORM_PS },
    { "cvtps2dq", nat_cvtps2dq, x86_sse_cvt, X86_CVT_PS2DQ, X86_FFORM_PS },
    { "cvttps2dq", nat_cvttps2dq, x86_sse_cvt, X86_CVT_TPS2DQ, X86_FFORM_PS },
    { "cvtdq2pd", nat_cvtdq2pd, x86_sse_cvt, X86_CVT_DQ2PD, X86_FFORM_PS },
    { "cvtpd2dq", nat_cvtpd2dq, x86_sse_cvt, X86_CVT_PD2DQ, X86_FFORM_PD },
    { "cvttpd2dq", nat_cvttpd2dq, x86_sse_cvt, X86_CVT_TPD2DQ, X86_FFORM_PD },
};

START_TEST(test_misc)
{
    failures = 0;
    run_float_case(&misc_cases[_i]);
    ck_assert_msg(failures == 0, "%s: %u mismatches", misc_cases[_i].name, failures);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* RCP/RSQRT: approximations; special results exact, others in the bound   */

static void check_approx(NativeFn native, bool rsqrt, unsigned form, uint32_t x, uint32_t mx)
{
    X86Vec vs = { { 0, 0 } }, want = { { 0x1111, 0x2222 } }, got = want;
    set32(&vs, 0, x);
    uint32_t wmx = native(&want, &vs, mx);
    X86Cpu cpu;
    memset(&cpu, 0, sizeof(cpu));
    cpu.mxcsr = mx;
    x86_sse_rcp(&cpu, &got, &vs, (rsqrt ? 1u << 4 : 0) | form);
    uint32_t n = (uint32_t)want.q[0], o = (uint32_t)got.q[0];
    float nf, of;
    memcpy(&nf, &n, 4);
    memcpy(&of, &o, 4);
    bool ok = want.q[1] == got.q[1] && wmx == cpu.mxcsr && (want.q[0] >> 32) == (got.q[0] >> 32);
    if (isnan(nf) || isinf(nf) || nf == 0) {
        ok = ok && n == o;
    } else {
        float xf;
        memcpy(&xf, &x, 4);
        double e = rsqrt ? 1.0 / sqrt(xf) : 1.0 / xf;
        ok = ok && fabs((of - e) / e) <= 1.5 * 0x1p-12;
    }
    if (!ok) {
        report(rsqrt ? "rsqrt" : "rcp", mx, &vs, &vs, &want, wmx, &got, cpu.mxcsr);
    }
}

START_TEST(test_rcp)
{
    failures = 0;
    for (unsigned m = 0; m < sizeof(mxcsrs) / sizeof(mxcsrs[0]); m++) {
        for (unsigned i = 0; i < N32; i++) {
            check_approx(nat_rcpps, false, X86_FFORM_PS, f32_vals[i], mxcsrs[m]);
            check_approx(nat_rsqrtps, true, X86_FFORM_PS, f32_vals[i], mxcsrs[m]);
            check_approx(nat_rcpss, false, X86_FFORM_SS, f32_vals[i], mxcsrs[m]);
            check_approx(nat_rsqrtss, true, X86_FFORM_SS, f32_vals[i], mxcsrs[m]);
        }
    }
    /* a sweep of mantissas and exponents */
    for (uint32_t x = 0x00400000; x < 0x7f800000; x += 0x0003f1b7) {
        check_approx(nat_rcpps, false, X86_FFORM_PS, x, 0x1f80);
        check_approx(nat_rsqrtps, true, X86_FFORM_PS, x, 0x1f80);
    }
    ck_assert_msg(failures == 0, "%u mismatches", failures);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* (U)COMIS and conversions to and from general registers                  */

#define COMI_NAT(fname, text)                                                   \
    static uint32_t fname(const X86Vec *x, const X86Vec *y, uint32_t mx, uint32_t *omx) \
    {                                                                           \
        V2 a = v2_of(x), b = v2_of(y);                                          \
        uint64_t fl;                                                            \
        uint32_t def = 0x1f80;                                                  \
        __asm__ volatile("ldmxcsr %[mx]\n\t" text " %[b], %[a]\n\tpushfq\n\t"   \
                         "popq %[f]\n\tstmxcsr %[o]\n\tldmxcsr %[def]"          \
                         : [f] "=r"(fl), [o] "=m"(*omx)                         \
                         : [a] "x"(a), [b] "x"(b), [mx] "m"(mx), [def] "m"(def) \
                         : "cc");                                               \
        return (uint32_t)fl & X86_OSZAPC;                                       \
    }
COMI_NAT(nat_comiss, "comiss") COMI_NAT(nat_ucomiss, "ucomiss")
COMI_NAT(nat_comisd, "comisd") COMI_NAT(nat_ucomisd, "ucomisd")

static void run_comi_cases(void)
{
    static const struct { const char *name; uint32_t (*fn)(const X86Vec *, const X86Vec *,
                                                           uint32_t, uint32_t *);
                          uint32_t form; } cases[] = {
        { "comiss", nat_comiss, 16 | X86_FFORM_SS }, { "ucomiss", nat_ucomiss, X86_FFORM_SS },
        { "comisd", nat_comisd, 16 | X86_FFORM_SD }, { "ucomisd", nat_ucomisd, X86_FFORM_SD },
    };
    failures = 0;
    for (unsigned c = 0; c < 4; c++) {
        bool dbl = cases[c].form & 1;
        unsigned n = dbl ? N64 : N32;
        for (unsigned m = 0; m < sizeof(mxcsrs) / sizeof(mxcsrs[0]); m++) {
            for (unsigned i = 0; i < n * n; i++) {
                X86Vec a = { { dbl ? f64_vals[i / n] : f32_vals[i / n], 0 } };
                X86Vec b = { { dbl ? f64_vals[i % n] : f32_vals[i % n], 0 } };
                uint32_t wmx;
                uint32_t want = cases[c].fn(&a, &b, mxcsrs[m], &wmx);
                X86Cpu cpu;
                memset(&cpu, 0, sizeof(cpu));
                cpu.mxcsr = mxcsrs[m];
                uint32_t got = x86_sse_comi(&cpu, &a, &b, cases[c].form);
                X86Vec w = { { want, 0 } }, g = { { got, 0 } };
                if (got != want || cpu.mxcsr != wmx) {
                    report(cases[c].name, mxcsrs[m], &a, &b, &w, wmx, &g, cpu.mxcsr);
                }
                record(SSE_REC_COMI, cases[c].form, mxcsrs[m], wmx, &a, &b, &w);
            }
        }
    }
}

START_TEST(test_comi)
{
    failures = 0;
    run_comi_cases();
    ck_assert_msg(failures == 0, "%u mismatches", failures);
}
END_TEST

/* Float -> GPR: native result in a 64-bit register. */
#define F2I_NAT(fname, text, reg)                                               \
    static uint64_t fname(const X86Vec *x, uint32_t mx, uint32_t *omx)          \
    {                                                                           \
        V2 a = v2_of(x);                                                        \
        uint64_t r = 0x5555555555555555ull;                                     \
        uint32_t def = 0x1f80;                                                  \
        __asm__ volatile("ldmxcsr %[mx]\n\t" text " %[a], %" reg "[r]\n\t"       \
                         "stmxcsr %[o]\n\tldmxcsr %[def]"                       \
                         : [r] "+r"(r), [o] "=m"(*omx)                          \
                         : [a] "x"(a), [mx] "m"(mx), [def] "m"(def));           \
        return r;                                                               \
    }
F2I_NAT(nat_cvtss2si32, "cvtss2si", "k") F2I_NAT(nat_cvtss2si64, "cvtss2si", "q")
F2I_NAT(nat_cvttss2si32, "cvttss2si", "k") F2I_NAT(nat_cvttss2si64, "cvttss2si", "q")
F2I_NAT(nat_cvtsd2si32, "cvtsd2si", "k") F2I_NAT(nat_cvtsd2si64, "cvtsd2si", "q")
F2I_NAT(nat_cvttsd2si32, "cvttsd2si", "k") F2I_NAT(nat_cvttsd2si64, "cvttsd2si", "q")

#define I2F_NAT(fname, text, reg)                                               \
    static uint32_t fname(X86Vec *d, uint64_t v, uint32_t mx)                   \
    {                                                                           \
        V2 a = v2_of(d);                                                        \
        uint32_t out, def = 0x1f80;                                             \
        __asm__ volatile("ldmxcsr %[mx]\n\t" text " %" reg "[v], %[a]\n\t"       \
                         "stmxcsr %[o]\n\tldmxcsr %[def]"                       \
                         : [a] "+x"(a), [o] "=m"(out)                           \
                         : [v] "r"(v), [mx] "m"(mx), [def] "m"(def));           \
        *d = vec_of(a);                                                         \
        return out;                                                             \
    }
I2F_NAT(nat_cvtsi2ss32, "cvtsi2ssl", "k") I2F_NAT(nat_cvtsi2ss64, "cvtsi2ssq", "q")
I2F_NAT(nat_cvtsi2sd32, "cvtsi2sdl", "k") I2F_NAT(nat_cvtsi2sd64, "cvtsi2sdq", "q")

static void run_cvt_gpr_cases(void)
{
    static const struct { const char *name; uint64_t (*fn)(const X86Vec *, uint32_t, uint32_t *);
                          unsigned cvt, size; } f2i[] = {
        { "cvtss2si32", nat_cvtss2si32, X86_CVT_SS2SI, 4 },
        { "cvtss2si64", nat_cvtss2si64, X86_CVT_SS2SI, 8 },
        { "cvttss2si32", nat_cvttss2si32, X86_CVT_TSS2SI, 4 },
        { "cvttss2si64", nat_cvttss2si64, X86_CVT_TSS2SI, 8 },
        { "cvtsd2si32", nat_cvtsd2si32, X86_CVT_SD2SI, 4 },
        { "cvtsd2si64", nat_cvtsd2si64, X86_CVT_SD2SI, 8 },
        { "cvttsd2si32", nat_cvttsd2si32, X86_CVT_TSD2SI, 4 },
        { "cvttsd2si64", nat_cvttsd2si64, X86_CVT_TSD2SI, 8 },
    };
    static const uint64_t ints[] = {
        0, 1, ~0ull, 0x7fffffff, 0x80000000, 0x80000001, 0xffffffff, 0x1000001, 0x1000003,
        0x7fffffffffffffffull, 0x8000000000000000ull, 0x20000000000001ull, 0xfffffffffffffffdull,
        0x123456789abcdefull, 0xfedcba9876543210ull,
    };
    failures = 0;
    for (unsigned m = 0; m < sizeof(mxcsrs) / sizeof(mxcsrs[0]); m++) {
        uint32_t mx = mxcsrs[m];
        for (unsigned c = 0; c < 8; c++) {
            bool dbl = f2i[c].cvt == X86_CVT_SD2SI || f2i[c].cvt == X86_CVT_TSD2SI;
            for (unsigned i = 0; i < (dbl ? N64 : N32); i++) {
                X86Vec s = { { dbl ? f64_vals[i] : f32_vals[i], 0 } };
                uint32_t wmx;
                uint64_t want = f2i[c].fn(&s, mx, &wmx);
                if (f2i[c].size == 4) {
                    want = (uint32_t)want;
                }
                X86Cpu cpu;
                memset(&cpu, 0, sizeof(cpu));
                cpu.mxcsr = mx;
                X86Vec d = { { 0, 0 } };
                x86_sse_cvt(&cpu, &d, &s, f2i[c].cvt | f2i[c].size << 8);
                X86Vec w = { { want, 0 } }, z = { { 0, 0 } };
                if (d.q[0] != want || cpu.mxcsr != wmx) {
                    report(f2i[c].name, mx, &s, &s, &w, wmx, &d, cpu.mxcsr);
                }
                record(SSE_REC_CVT, f2i[c].cvt | f2i[c].size << 8, mx, wmx, &z, &s, &w);
            }
        }
        for (unsigned i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
            static const struct { const char *name; uint32_t (*fn)(X86Vec *, uint64_t, uint32_t);
                                  unsigned cvt, size; } i2f[] = {
                { "cvtsi2ss32", nat_cvtsi2ss32, X86_CVT_SI2SS, 4 },
                { "cvtsi2ss64", nat_cvtsi2ss64, X86_CVT_SI2SS, 8 },
                { "cvtsi2sd32", nat_cvtsi2sd32, X86_CVT_SI2SD, 4 },
                { "cvtsi2sd64", nat_cvtsi2sd64, X86_CVT_SI2SD, 8 },
            };
            for (unsigned c = 0; c < 4; c++) {
                X86Vec want = { { 0x1122334455667788ull, 0x99aabbccddeeff00ull } }, got = want;
                X86Vec s = { { ints[i], 0 } };
                uint32_t wmx = i2f[c].fn(&want, ints[i], mx);
                record(SSE_REC_CVT, i2f[c].cvt | i2f[c].size << 8, mx, wmx, &got, &s, &want);
                X86Cpu cpu;
                memset(&cpu, 0, sizeof(cpu));
                cpu.mxcsr = mx;
                x86_sse_cvt(&cpu, &got, &s, i2f[c].cvt | i2f[c].size << 8);
                if (memcmp(&got, &want, 16) != 0 || cpu.mxcsr != wmx) {
                    report(i2f[c].name, mx, &s, &s, &want, wmx, &got, cpu.mxcsr);
                }
            }
        }
    }
}

START_TEST(test_cvt_gpr)
{
    failures = 0;
    run_cvt_gpr_cases();
    ck_assert_msg(failures == 0, "%u mismatches", failures);
}
END_TEST

/* Unmasked exceptions: the CPU raises #XM (SIGFPE here) and leaves the
 * destination alone; the helper must report 1 and keep *d. */
static sigjmp_buf fpe_jmp;

static void on_fpe(int sig)
{
    (void)sig;
    siglongjmp(fpe_jmp, 1);
}

/* Run the native op; true if it trapped (the MXCSR is then reset). */
static __attribute__((noinline)) bool native_traps(const FloatCase *fc, X86Vec *d,
                                                   const X86Vec *s, uint32_t mx)
{
    if (sigsetjmp(fpe_jmp, 1) == 0) {
        fc->native(d, s, mx);
        return false;
    }
    uint32_t def = 0x1f80;
    __asm__ volatile("ldmxcsr %0" : : "m"(def));
    return true;
}

START_TEST(test_unmasked)
{
    static const uint32_t umx[] = { 0x1f00, 0x1d80, 0x1b80, 0x1780, 0x0f80, 0x1e80, 0x0000 };
    struct sigaction sa = { .sa_handler = on_fpe }, old;
    sigaction(SIGFPE, &sa, &old);
    failures = 0;
    for (unsigned c = 0; c < COUNT_ARITH; c++) {
        const FloatCase *fc = &arith_cases[c];
        bool dbl = fc->form & 1;
        for (unsigned m = 0; m < sizeof(umx) / sizeof(umx[0]); m++) {
            for (unsigned i = 0; i < 12; i++) {
                for (unsigned j = 0; j < 12; j++) {
                    X86Vec a = { { dbl ? f64_vals[i * 3] : f32_vals[i * 3], 0x3ff0000000000000ull } };
                    X86Vec b = { { dbl ? f64_vals[j * 3 + 1] : f32_vals[j * 3 + 1], a.q[1] } };
                    X86Vec want = a, got = a;
                    bool trapped = native_traps(fc, &want, &b, umx[m]);
                    if (trapped) {
                        want = a;
                    }
                    X86Cpu cpu;
                    memset(&cpu, 0, sizeof(cpu));
                    cpu.mxcsr = umx[m];
                    uint32_t r = fc->helper(&cpu, &got, &b, fc->arg);
                    if (r != trapped || memcmp(&want, &got, 16) != 0) {
                        report(fc->name, umx[m], &a, &b, &want, trapped, &got, r);
                    }
                }
            }
        }
    }
    sigaction(SIGFPE, &old, NULL);
    ck_assert_msg(failures == 0, "%u mismatches", failures);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* The same float cases on arm64: records of inputs and native results,    */
/* replayed by sse-replay built for arm64 under qemu-aarch64               */

START_TEST(test_arm64_replay)
{
    const char *qemu = QEMU_AARCH64, *replay = SSE_REPLAY_A64;
    FILE *probe = fopen(replay, "rb");
    long size = 0;

    if (probe) {
        fseek(probe, 0, SEEK_END);
        size = ftell(probe);
        fclose(probe);
    }
    if (qemu[0] == 0 || size <= 0) {
        fprintf(stderr, "test_arm64_replay: skipped (no qemu-aarch64 or no arm64 cross compiler)\n");
        return;
    }
    char path[] = "/tmp/ferry-sse-recXXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    rec_out = fdopen(fd, "wb");
    failures = 0;
    for (unsigned i = 0; i < sizeof(arith_cases) / sizeof(arith_cases[0]); i++) {
        run_float_case(&arith_cases[i]);
    }
    for (unsigned i = 0; i < sizeof(cmp_cases) / sizeof(cmp_cases[0]); i += 5) {
        run_float_case(&cmp_cases[i]);
    }
    for (unsigned i = 0; i < sizeof(misc_cases) / sizeof(misc_cases[0]); i++) {
        run_float_case(&misc_cases[i]);
    }
    run_comi_cases();
    run_cvt_gpr_cases();
    fclose(rec_out);
    rec_out = NULL;
    char cmd[1024];
    snprintf(cmd, sizeof(cmd), "%s %s < %s", qemu, replay, path);
    int rc = system(cmd);
    unlink(path);
    ck_assert_msg(rc == 0, "the helpers differ from the x86 CPU on arm64 (see above)");
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Suite                                                                   */

#define COUNT(a) (int)(sizeof(a) / sizeof((a)[0]))

static Suite *sse_suite(void)
{
    Suite *s = suite_create("sse");
    TCase *tc = tcase_create("float");

    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_arith, 0, COUNT(arith_cases));
    tcase_add_loop_test(tc, test_cmp, 0, COUNT(cmp_cases));
    tcase_add_loop_test(tc, test_misc, 0, COUNT(misc_cases));
    tcase_add_test(tc, test_rcp);
    tcase_add_test(tc, test_comi);
    tcase_add_test(tc, test_cvt_gpr);
    tcase_add_test(tc, test_unmasked);
    tcase_add_test(tc, test_arm64_replay);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(sse_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
