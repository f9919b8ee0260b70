/*
 * sse-string.c — the SSE4.2 string compares PCMPESTRI/PCMPESTRM/
 * PCMPISTRI/PCMPISTRM: element format, aggregation (equal any, ranges,
 * equal each, equal ordered), polarity and output selection from imm8, with
 * the SDM's rules for elements past the end of either string.
 */
#include "frontend-x86/sse.h"

#include <stdlib.h>

/* Element k of v in the imm8 format (0 ub, 1 uw, 2 sb, 3 sw), widened. */
static int32_t elem(const X86Vec *v, unsigned fmt, unsigned k)
{
    const uint8_t *p = (const uint8_t *)v;
    switch (fmt & 3) {
    case 0:  return p[k];
    case 1:  return (uint16_t)(p[2 * k] | p[2 * k + 1] << 8);
    case 2:  return (int8_t)p[k];
    default: return (int16_t)(uint16_t)(p[2 * k] | p[2 * k + 1] << 8);
    }
}

/* Implicit length: the index of the first zero element (n if none). */
static unsigned implicit_len(const X86Vec *v, unsigned fmt, unsigned n)
{
    for (unsigned k = 0; k < n; k++) {
        if (elem(v, fmt, k) == 0) {
            return k;
        }
    }
    return n;
}

/* Explicit length: |value| saturated to n (value is EAX/EDX or RAX/RDX). */
static unsigned explicit_len(uint64_t v, bool wide, unsigned n)
{
    int64_t s = wide ? (int64_t)v : (int32_t)v;
    uint64_t m = s < 0 ? (uint64_t)0 - (uint64_t)s : (uint64_t)s;
    return m > n ? n : (unsigned)m;
}

/* IntRes1 of the aggregation, bit j for element j of b. */
static uint32_t aggregate(const X86Vec *a, const X86Vec *b, unsigned imm, unsigned n,
                          unsigned la, unsigned lb)
{
    unsigned fmt = imm & 3;
    uint32_t r = 0;

    for (unsigned j = 0; j < n; j++) {
        bool bit = false;
        switch ((imm >> 2) & 3) {
        case 0:                    /* equal any */
            for (unsigned i = 0; i < la && j < lb && !bit; i++) {
                bit = elem(a, fmt, i) == elem(b, fmt, j);
            }
            break;
        case 1:                    /* ranges: a holds [lo, hi] pairs */
            for (unsigned i = 0; i + 1 < la && j < lb && !bit; i += 2) {
                bit = elem(a, fmt, i) <= elem(b, fmt, j) && elem(a, fmt, i + 1) >= elem(b, fmt, j);
            }
            break;
        case 2:                    /* equal each */
            bit = (j >= la && j >= lb) ||
                  (j < la && j < lb && elem(a, fmt, j) == elem(b, fmt, j));
            break;
        default:                   /* equal ordered: a is a substring at j */
            bit = true;
            for (unsigned k = 0; k + j < n && bit; k++) {
                if (k >= la) {
                    break;         /* the needle ended: matched */
                }
                bit = j + k < lb && elem(a, fmt, k) == elem(b, fmt, j + k);
            }
            break;
        }
        r |= (uint32_t)bit << j;
    }
    return r;
}

uint64_t x86_sse_pcmpstr(X86Vec *xmm0, const X86Vec *a, const X86Vec *b, uint32_t ctl,
                         uint64_t rax, uint64_t rdx)
{
    unsigned imm = ctl & 0xff, n = (imm & 1) ? 8 : 16;
    bool expl = ctl & X86_PCMPSTR_EXPLICIT, wide = ctl & X86_PCMPSTR_WIDE;
    unsigned la = expl ? explicit_len(rax, wide, n) : implicit_len(a, imm, n);
    unsigned lb = expl ? explicit_len(rdx, wide, n) : implicit_len(b, imm, n);
    uint32_t all = (1u << n) - 1, valid_b = (1u << lb) - 1;
    uint32_t r = aggregate(a, b, imm, n, la, lb);

    switch ((imm >> 4) & 3) {
    case 1: r ^= all; break;
    case 3: r ^= valid_b; break;
    default: break;
    }
    uint64_t flags = (r ? X86_CF : 0) | (lb < n ? X86_ZF : 0) | (la < n ? X86_SF : 0) |
                     ((r & 1) ? X86_OF : 0);
    if (ctl & X86_PCMPSTR_MASK) {
        X86Vec m = { { 0, 0 } };
        if (imm & 0x40) {
            uint8_t *p = (uint8_t *)&m;
            unsigned es = 16 / n;
            for (unsigned j = 0; j < n; j++) {
                for (unsigned k = 0; k < es; k++) {
                    p[j * es + k] = (r >> j & 1) ? 0xff : 0;
                }
            }
        } else {
            m.q[0] = r;
        }
        *xmm0 = m;
        return flags;
    }
    unsigned idx = n;
    if (r) {
        idx = (imm & 0x40) ? 31 - (unsigned)__builtin_clz(r) : (unsigned)__builtin_ctz(r);
    }
    return flags | (uint64_t)idx << 32;
}
