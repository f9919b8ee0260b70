/*
 * sse-native.h — what the SSE helper tests share (test-sse.c, test-sse-int.c):
 * moving X86Vec values in and out of host xmm registers, the NAT() macro
 * that wraps one instruction as a native runner under a given MXCSR, and
 * the mismatch report. Header-only: each test program has its own copy.
 */
#ifndef FERRY_TESTS_X86_SSE_NATIVE_H
#define FERRY_TESTS_X86_SSE_NATIVE_H

#include <stdio.h>
#include <string.h>

#include "frontend-x86/cpu.h"

typedef long long V2 __attribute__((vector_size(16)));

static inline V2 v2_of(const X86Vec *v) { V2 r; memcpy(&r, v, 16); return r; }
static inline X86Vec vec_of(V2 v) { X86Vec r; memcpy(&r, &v, 16); return r; }
static inline void set32(X86Vec *v, unsigned i, uint32_t x) { memcpy((char *)v + 4 * i, &x, 4); }

/* Mismatches of the current test; the first 25 are printed. */
static unsigned failures;

static inline void report(const char *what, uint32_t mx, const X86Vec *a, const X86Vec *b,
                          const X86Vec *want, uint32_t wmx, const X86Vec *got, uint32_t gmx)
{
    if (failures++ < 25) {
        fprintf(stderr,
                "%s mxcsr=%04x a=%016llx:%016llx b=%016llx:%016llx\n"
                "   native %016llx:%016llx mxcsr %04x\n   ferry  %016llx:%016llx mxcsr %04x\n",
                what, mx, (unsigned long long)a->q[1], (unsigned long long)a->q[0],
                (unsigned long long)b->q[1], (unsigned long long)b->q[0],
                (unsigned long long)want->q[1], (unsigned long long)want->q[0], wmx,
                (unsigned long long)got->q[1], (unsigned long long)got->q[0], gmx);
    }
}

/* Native runners: xmm = op(xmm, xmm [, imm]) under a given MXCSR. */
typedef uint32_t (*NativeFn)(X86Vec *d, const X86Vec *s, uint32_t mx);

#define NAT(fname, text)                                                        \
    static uint32_t fname(X86Vec *d, const X86Vec *s, uint32_t mx)              \
    {                                                                           \
        V2 a = v2_of(d), b = v2_of(s);                                          \
        uint32_t out, def = 0x1f80;                                             \
        __asm__ volatile("ldmxcsr %[mx]\n\t" text " %[b], %[a]\n\t"             \
                         "stmxcsr %[out]\n\tldmxcsr %[def]"                     \
                         : [a] "+x"(a), [out] "=m"(out)                         \
                         : [b] "x"(b), [mx] "m"(mx), [def] "m"(def));           \
        *d = vec_of(a);                                                         \
        return out;                                                             \
    }

#endif
