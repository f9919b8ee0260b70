/*
 * sse-string.c — the SSE4.2 string compares PCMPESTRI/PCMPESTRM/
 * PCMPISTRI/PCMPISTRM: element format, aggregation (equal any, ranges,
 * equal each, equal ordered), polarity and output selection from imm8, with
 * the SDM's rules for elements past the end of either string.
 */
#include "frontend-x86/sse.h"

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

/* Bit i of the result: the top bit of byte i of x (the rest of x zero). */
static uint32_t gather_bytes(uint64_t x)
{
    return (uint32_t)(((x >> 7) * 0x0102040810204080ull) >> 56);
}

/* Lanes of v equal to c (its low 8 or 16 bits), bit k for element k.
 * Bytes word-parallel: a lane of x = v ^ broadcast(c) is zero exactly when
 * adding 0x7f to its low seven bits leaves its top bit and x's top bit clear. */
static uint32_t eq_mask(const X86Vec *v, unsigned fmt, uint32_t c)
{
    if (fmt & 1) {
        uint32_t m = 0;
        for (unsigned k = 0; k < 8; k++) {
            m |= (uint32_t)((uint16_t)(v->q[k / 4] >> (k % 4 * 16)) == (uint16_t)c) << k;
        }
        return m;
    }
    const uint64_t low7 = 0x7f7f7f7f7f7f7f7full;
    uint64_t bc = (c & 0xff) * 0x0101010101010101ull;
    uint32_t m = 0;
    for (unsigned h = 0; h < 2; h++) {
        uint64_t x = v->q[h] ^ bc;
        uint64_t z = ~(((x & low7) + low7) | x | low7);
        m |= gather_bytes(z) << (8 * h);
    }
    return m;
}

/* Implicit length: the index of the first zero element (n if none). */
static unsigned implicit_len(const X86Vec *v, unsigned fmt, unsigned n)
{
    uint32_t z = eq_mask(v, fmt, 0);
    return z ? (unsigned)__builtin_ctz(z) : n;
}

/* Explicit length: |value| saturated to n (value is EAX/EDX or RAX/RDX). */
static unsigned explicit_len(uint64_t v, bool wide, unsigned n)
{
    int64_t s = wide ? (int64_t)v : (int32_t)v;
    uint64_t m = s < 0 ? (uint64_t)0 - (uint64_t)s : (uint64_t)s;
    return m > n ? n : (unsigned)m;
}

/* Ranges: bit j when element j of b lies in one of a's [lo, hi] pairs. */
static uint32_t aggregate_ranges(const X86Vec *a, const X86Vec *b, unsigned fmt, unsigned la,
                                 unsigned lb)
{
    uint32_t r = 0;

    for (unsigned j = 0; j < lb; j++) {
        int32_t e = elem(b, fmt, j);
        for (unsigned i = 0; i + 1 < la; i += 2) {
            if (elem(a, fmt, i) <= e && elem(a, fmt, i + 1) >= e) {
                r |= 1u << j;
                break;
            }
        }
    }
    return r;
}

/*
 * IntRes1 of the aggregation, bit j for element j of b, from the rows of
 * the comparison matrix (a[i] == b[j] for all j) of a's valid elements
 * only. Equality ignores signedness, so the rows need no widening.
 */
static uint32_t aggregate(const X86Vec *a, const X86Vec *b, unsigned imm, unsigned n,
                          unsigned la, unsigned lb)
{
    unsigned fmt = imm & 3;
    uint32_t all = (1u << n) - 1, valid_b = (1u << lb) - 1;
    uint32_t r = 0;

    switch ((imm >> 2) & 3) {
    case 0:                        /* equal any */
        for (unsigned i = 0; i < la; i++) {
            r |= eq_mask(b, fmt, (uint32_t)elem(a, fmt, i));
        }
        return r & valid_b;
    case 1:                        /* ranges */
        return aggregate_ranges(a, b, fmt, la, lb);
    case 2: {                      /* equal each: the diagonal */
        uint32_t diag = 0;
        for (unsigned j = 0; j < la && j < lb; j++) {
            diag |= (uint32_t)(elem(a, fmt, j) == elem(b, fmt, j)) << j;
        }
        uint32_t both_ended = all & ~((1u << (la > lb ? la : lb)) - 1);
        return diag | both_ended;
    }
    default: {                     /* equal ordered: a is a substring at j */
        /* Bit j of row k shifted down by k: b[j + k] == a[k]; positions
         * past the end of the block (j + k >= n) match. */
        uint64_t acc = ~0ull;
        for (unsigned k = 0; k < la; k++) {
            uint64_t row = (eq_mask(b, fmt, (uint32_t)elem(a, fmt, k)) & valid_b) | ~(uint64_t)all;
            acc &= row >> k;
        }
        return (uint32_t)acc & all;
    }
    }
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
