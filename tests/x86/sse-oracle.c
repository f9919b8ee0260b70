/*
 * sse-oracle.c — SSE snippets (sse-oracle-snips.h) run natively and under
 * ferry through the oracle's runners (tests/x86/native.h, ferry-run.h from
 * branch oracle), on the interp and x86_64 backends, with 64 and with 1
 * instruction per TB; xmm0-11 are loaded from the data buffer first and
 * stored back with MXCSR at the end, so the data comparison covers them.
 *     sse-oracle [cases-per-snippet]        exit 1 on any difference
 */
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tests/x86/native.h"
#include "tests/x86/ferry-run.h"

#define LOADS \
 "movl $0x1f80, -1860(%rbx)\n ldmxcsr -1860(%rbx)\n" \
 "movdqu -1888(%rbx), %xmm10\n movdqu -1872(%rbx), %xmm11\n pxor %xmm12, %xmm12\n" \
 "pxor %xmm13, %xmm13\n pxor %xmm14, %xmm14\n pxor %xmm15, %xmm15\n" \
 "movdqu -2048(%rbx), %xmm0\n movdqu -2032(%rbx), %xmm1\n movdqu -2016(%rbx), %xmm2\n" \
 "movdqu -2000(%rbx), %xmm3\n movdqu -1984(%rbx), %xmm4\n movdqu -1968(%rbx), %xmm5\n" \
 "movdqu -1952(%rbx), %xmm6\n movdqu -1936(%rbx), %xmm7\n movdqu -1920(%rbx), %xmm8\n" \
 "movdqu -1904(%rbx), %xmm9\n"
#define STORES \
 "movdqu %xmm0, -1024(%rbx)\n movdqu %xmm1, -1008(%rbx)\n movdqu %xmm2, -992(%rbx)\n" \
 "movdqu %xmm3, -976(%rbx)\n movdqu %xmm4, -960(%rbx)\n movdqu %xmm5, -944(%rbx)\n" \
 "movdqu %xmm6, -928(%rbx)\n movdqu %xmm7, -912(%rbx)\n movdqu %xmm8, -896(%rbx)\n" \
 "movdqu %xmm9, -880(%rbx)\n stmxcsr -864(%rbx)\n"

typedef struct { const char *name; const uint8_t *s, *e; } Snip;
#define SNIP(n, text) extern const uint8_t n##_s[], n##_e[]; \
 __asm__(".pushsection .rodata\n" #n "_s:\n" LOADS text "\n" STORES #n "_e:\n.popsection\n");
#include "tests/x86/sse-oracle-snips.h"
#undef SNIP
#define SNIP(n, text) { #n, n##_s, n##_e },
static const Snip snips[] = {
#include "tests/x86/sse-oracle-snips.h"
};

static const uint64_t specials[] = {
    0, 0x8000000000000000ull, 0x3ff0000000000000ull, 0x7ff8000000000000ull,
    0x7ff0000000000001ull, 0x7f8000003f800000ull, 0xffc00000ff800000ull, 0x0000000180000001ull,
    0x7fffffff80000000ull, 0x4f0000004effffffull, 0x41e0000000000000ull, 0x7f7fffff00800000ull,
};

int main(int argc, char **argv)
{
    unsigned cases = argc > 1 ? atoi(argv[1]) : 200;
    const char *backends[] = { "interp", "x86_64" };
    xt_arena_init();
    unsigned bad = 0, total = 0;
    for (unsigned round = 0; round < 4; round++) {
        unsigned bi = round & 1;
        xt_ferry_set_max_insns(round < 2 ? 64 : 1);
        XtFerry *f = xt_ferry_new(backends[bi]);
        if (!f) { printf("no backend %s\n", backends[bi]); continue; }
        xt_ferry_log_unimp(f, true);
        for (size_t si = 0; si < sizeof(snips) / sizeof(snips[0]); si++) {
            unsigned sbad = 0;
            for (unsigned k = 0; k < cases; k++) {
                static XtState in;
                static XtResult n, r;
                int excp;
                xt_state_init(&in);
                GRand *g = g_rand_new_with_seed(k * 7919 + si);
                for (unsigned i = 0; i < XT_DATA_SIZE; i += 8) {
                    uint64_t v = ((uint64_t)g_rand_int(g) << 32) | g_rand_int(g);
                    if (g_rand_int_range(g, 0, 3) == 0) v = specials[g_rand_int_range(g, 0, 12)];
                    if (g_rand_int_range(g, 0, 4) == 0) v &= 0x00000000ffffffffull;
                    memcpy(in.data + i, &v, 8);
                }
                for (unsigned i = 0; i < 16; i++) if (i != 3 && i != 4) in.regs[i] = g_rand_int(g) & 0xff;
                g_rand_free(g);
                size_t len = (size_t)(snips[si].e - snips[si].s);
                xt_native_run(snips[si].s, len, &in, &n);
                xt_ferry_run(f, snips[si].s, len, &in, &r, &excp);
                total++;
                bool same = n.outcome == r.outcome && memcmp(n.st.regs, r.st.regs, sizeof(n.st.regs)) == 0 &&
                            memcmp(n.st.data, r.st.data, XT_DATA_SIZE) == 0 &&
                            ((n.st.rflags ^ r.st.rflags) & 0x8d5) == 0;
                if (!same) {
                    if (sbad++ < 2) {
                        printf("%s %s case %u: outcome %d/%d excp %d flags %llx/%llx\n", backends[bi], snips[si].name, k,
                               n.outcome, r.outcome, excp, (unsigned long long)n.st.rflags, (unsigned long long)r.st.rflags);
                        for (unsigned i = 0; i < 16; i++) if (n.st.regs[i] != r.st.regs[i])
                            printf("  r%u native %llx ferry %llx\n", i, (unsigned long long)n.st.regs[i], (unsigned long long)r.st.regs[i]);
                        for (unsigned i = 0; i < XT_DATA_SIZE; i += 8) if (memcmp(n.st.data + i, r.st.data + i, 8)) {
                            uint64_t a, b, x; memcpy(&a, n.st.data + i, 8); memcpy(&b, r.st.data + i, 8); memcpy(&x, in.data + i, 8);
                            printf("  data[%d] native %016llx ferry %016llx (in %016llx)\n", (int)i - 2048, (unsigned long long)a, (unsigned long long)b, (unsigned long long)x);
                        }
                    }
                    bad++;
                }
            }
        }
    }
    printf("%u of %u cases differ\n", bad, total);
    return bad != 0;
}
