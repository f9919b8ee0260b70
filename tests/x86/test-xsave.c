/*
 * test-xsave.c — the exported XSAVE API (frontend-x86/xsave.h) against the
 * host CPU, without the translator: for random x87 + SSE states, the area
 * x86_xsave_write makes with rfbm 1..3 (standard and compacted) is the one
 * XSAVE64/XSAVEC64 write, and x86_xsave_read of an area (XSTATE_BV 0..3)
 * leaves the state XRSTOR64 leaves. Masked: MXCSR_MASK (the host's own,
 * AMD 0x2FFFF; ferry 0xFFFF). Every saved state has x87 and xmm values in
 * use, since the host's tracking of components in their initial state is
 * implementation-specific (see docs/frontend-x86.md).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend-x86/cpu.h"
#include "frontend-x86/sse.h"
#include "frontend-x86/xsave.h"

/* A host state: 16 xmm values, n x87 registers (80-bit images), MXCSR. */
typedef struct HostState {
    uint8_t xmm[256];
    uint8_t st[8][16];
    uint32_t n, mxcsr;
} HostState;

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static void random_state(HostState *h)
{
    for (unsigned i = 0; i < 256; i += 8) {
        uint64_t v = next();
        memcpy(h->xmm + i, &v, 8);
    }
    h->n = 1 + (unsigned)(next() % 8);
    for (unsigned i = 0; i < 8; i++) {
        uint64_t m = next(), se = next();
        if (se & 0x10000) {
            m |= 1ull << 63;       /* mostly normal numbers, some unnormals */
        }
        memcpy(h->st[i], &m, 8);
        uint16_t e = (uint16_t)se;
        memcpy(h->st[i] + 8, &e, 2);
    }
    /* flags, masks, rounding, DAZ, FTZ: any valid MXCSR */
    h->mxcsr = (uint32_t)next() & X86_MXCSR_WRITABLE;
}

/* Load h on the CPU, FXSAVE64 it to fx, then XSAVE64 (or XSAVEC64) with
 * rfbm into area. */
static void host_save(const HostState *h, uint8_t *fx, uint8_t *area, uint32_t rfbm,
                      bool compact)
{
    static const uint32_t dflt = X86_MXCSR_DEFAULT;
    const uint8_t *st = &h->st[0][0];
    uint32_t n = h->n;
    __asm__ volatile(
        "fninit\n\t"
        "1: fldt (%[st])\n\t add $16, %[st]\n\t dec %[n]\n\t jnz 1b\n\t"
        "movdqu 0(%[x]), %%xmm0\n\t movdqu 16(%[x]), %%xmm1\n\t movdqu 32(%[x]), %%xmm2\n\t"
        "movdqu 48(%[x]), %%xmm3\n\t movdqu 64(%[x]), %%xmm4\n\t movdqu 80(%[x]), %%xmm5\n\t"
        "movdqu 96(%[x]), %%xmm6\n\t movdqu 112(%[x]), %%xmm7\n\t movdqu 128(%[x]), %%xmm8\n\t"
        "movdqu 144(%[x]), %%xmm9\n\t movdqu 160(%[x]), %%xmm10\n\t movdqu 176(%[x]), %%xmm11\n\t"
        "movdqu 192(%[x]), %%xmm12\n\t movdqu 208(%[x]), %%xmm13\n\t movdqu 224(%[x]), %%xmm14\n\t"
        "movdqu 240(%[x]), %%xmm15\n\t ldmxcsr %[mx]\n\t"
        "fxsave64 (%[fx])\n\t"
        "test %[c], %[c]\n\t jnz 2f\n\t xsave64 (%[a])\n\t jmp 3f\n"
        "2: xsavec64 (%[a])\n"
        "3: fninit\n\t ldmxcsr %[dflt]"
        : [st] "+r"(st), [n] "+r"(n)
        : [x] "r"(h->xmm), [mx] "m"(h->mxcsr), [fx] "r"(fx), [a] "r"(area), [c] "r"(compact),
          "a"(rfbm), "d"(0), [dflt] "m"(dflt)
        : "memory", "cc", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7",
          "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15",
          "st", "st(1)", "st(2)", "st(3)", "st(4)", "st(5)", "st(6)", "st(7)");
}

/* ferry's copy of the state an FXSAVE image describes. */
static void cpu_from_fx(X86Cpu *cpu, const uint8_t *fx)
{
    memset(cpu, 0, sizeof(*cpu));
    x87_state_from_fxsave(cpu, fx);
    memcpy(cpu->xmm, fx + 160, 256);
    memcpy(&cpu->mxcsr, fx + 24, 4);
}

static uint8_t nat[1024] __attribute__((aligned(64)));
static uint8_t fer[1024] __attribute__((aligned(64)));
static uint8_t fx[512] __attribute__((aligned(16)));

static void dump_diff(const char *what, const uint8_t *a, const uint8_t *b, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        if (a[i] != b[i]) {
            fprintf(stderr, "%s: byte %u: host %02x ferry %02x\n", what, i, a[i], b[i]);
        }
    }
}

START_TEST(test_save)
{
    static X86Cpu cpu;
    unsigned fails = 0;

    for (unsigned k = 0; k < 2000; k++) {
        HostState h;
        random_state(&h);
        uint32_t rfbm = 1 + (uint32_t)(next() % 3);
        bool compact = next() & 1;
        uint8_t fill = (uint8_t)next();
        memset(nat, fill, sizeof(nat));
        memset(nat + X86_XSAVE_HDR, 0, 64);
        memcpy(fer, nat, sizeof(fer));
        host_save(&h, fx, nat, rfbm, compact);
        cpu_from_fx(&cpu, fx);
        x86_xsave_write(&cpu, fer, rfbm, compact ? X86_XSAVE_COMPACT : 0);
        if (rfbm & 2) {
            memset(nat + 28, 0, 4);   /* MXCSR_MASK: the CPU's own */
            memset(fer + 28, 0, 4);
        }
        if (memcmp(nat, fer, X86_XSAVE_AREA_SIZE) != 0) {
            if (fails++ < 3) {
                fprintf(stderr, "case %u rfbm %u compact %d:\n", k, rfbm, compact);
                dump_diff("xsave", nat, fer, X86_XSAVE_AREA_SIZE);
            }
        }
    }
    ck_assert_msg(fails == 0, "%u areas differ", fails);
}
END_TEST

START_TEST(test_restore)
{
    static X86Cpu cpu;
    static uint8_t fx_after[512] __attribute__((aligned(16)));
    unsigned fails = 0;

    for (unsigned k = 0; k < 2000; k++) {
        HostState a, b;
        random_state(&a);
        random_state(&b);
        bool compact = next() & 1;
        /* an area saved from state a, with XSTATE_BV cut to 0..3 */
        memset(nat, 0, sizeof(nat));
        host_save(&a, fx, nat, 3, compact);
        uint64_t bv = next() & 3;
        memcpy(nat + X86_XSAVE_HDR, &bv, 8);
        uint32_t rfbm = (uint32_t)(next() % 4);
        /* the host: from state b, XRSTOR64 the area, FXSAVE64 the result */
        host_save(&b, fx, fer, 3, false);
        cpu_from_fx(&cpu, fx);
        static const uint32_t dflt = X86_MXCSR_DEFAULT;
        __asm__ volatile("fxrstor64 (%[fx])\n\t xrstor64 (%[a])\n\t fxsave64 (%[out])\n\t"
                         "fninit\n\t ldmxcsr %[dflt]"
                         :: [fx] "r"(fx), [a] "r"(nat), [out] "r"(fx_after), "a"(rfbm), "d"(0),
                            [dflt] "m"(dflt)
                         : "memory", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6",
                           "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14",
                           "xmm15", "st", "st(1)", "st(2)", "st(3)", "st(4)", "st(5)", "st(6)",
                           "st(7)");
        /* ferry: from the same state b */
        ck_assert(x86_xsave_read(&cpu, nat, rfbm, 0));
        uint8_t got[512] = { 0 };
        x87_state_to_fxsave(&cpu, got);
        memcpy(got + 24, &cpu.mxcsr, 4);
        memcpy(got + 160, cpu.xmm, 256);
        memcpy(got + 28, fx_after + 28, 4);   /* MXCSR_MASK */
        if (memcmp(got, fx_after, 416) != 0) {
            if (fails++ < 3) {
                fprintf(stderr, "case %u xstate_bv %llu rfbm %u compact %d:\n", k,
                        (unsigned long long)bv, rfbm, compact);
                dump_diff("state after xrstor", fx_after, got, 416);
            }
        }
    }
    ck_assert_msg(fails == 0, "%u states differ", fails);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("xsave");
    TCase *tc = tcase_create("xsave");
    tcase_add_test(tc, test_save);
    tcase_add_test(tc, test_restore);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
