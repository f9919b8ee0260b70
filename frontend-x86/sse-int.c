/*
 * sse-int.c — SSE2/SSSE3/SSE4.1 integer helpers: arithmetic (saturating,
 * multiply, madd, sad, avg, abs, sign, horizontal), min/max, compares,
 * shifts, PTEST, PHMINPOSUW. One entry point dispatches on the X86Op so
 * the translator needs a single helper; the hottest ops are generated as
 * IR vector ops instead (sse-translate.c).
 */
#include "frontend-x86/sse.h"

#include <stdlib.h>
#include <string.h>

#include "frontend-x86/decode.h"


static int16_t sat16(int32_t v) { return v > 32767 ? 32767 : v < -32768 ? -32768 : (int16_t)v; }
static int8_t sat8(int32_t v) { return v > 127 ? 127 : v < -128 ? -128 : (int8_t)v; }
static uint8_t satu8(int32_t v) { return v > 255 ? 255 : v < 0 ? 0 : (uint8_t)v; }
static uint16_t satu16(int32_t v) { return v > 65535 ? 65535 : v < 0 ? 0 : (uint16_t)v; }

#define LANES(n, expr) do { for (unsigned i = 0; i < (n); i++) { expr; } } while (0)

/* Add/sub families, saturating or not. */
static bool int_addsub(SseLanes *r, const SseLanes *a, const SseLanes *b, unsigned op)
{
    switch (op) {
    case X86_OP_PADDB:   LANES(16, r->b[i] = a->b[i] + b->b[i]); break;
    case X86_OP_PADDW:   LANES(8, r->w[i] = a->w[i] + b->w[i]); break;
    case X86_OP_PADDD:   LANES(4, r->d[i] = a->d[i] + b->d[i]); break;
    case X86_OP_PADDQ:   LANES(2, r->q[i] = a->q[i] + b->q[i]); break;
    case X86_OP_PSUBB:   LANES(16, r->b[i] = a->b[i] - b->b[i]); break;
    case X86_OP_PSUBW:   LANES(8, r->w[i] = a->w[i] - b->w[i]); break;
    case X86_OP_PSUBD:   LANES(4, r->d[i] = a->d[i] - b->d[i]); break;
    case X86_OP_PSUBQ:   LANES(2, r->q[i] = a->q[i] - b->q[i]); break;
    case X86_OP_PADDSB:  LANES(16, r->sb[i] = sat8(a->sb[i] + b->sb[i])); break;
    case X86_OP_PADDSW:  LANES(8, r->sw[i] = sat16(a->sw[i] + b->sw[i])); break;
    case X86_OP_PADDUSB: LANES(16, r->b[i] = satu8(a->b[i] + b->b[i])); break;
    case X86_OP_PADDUSW: LANES(8, r->w[i] = satu16(a->w[i] + b->w[i])); break;
    case X86_OP_PSUBSB:  LANES(16, r->sb[i] = sat8(a->sb[i] - b->sb[i])); break;
    case X86_OP_PSUBSW:  LANES(8, r->sw[i] = sat16(a->sw[i] - b->sw[i])); break;
    case X86_OP_PSUBUSB: LANES(16, r->b[i] = satu8(a->b[i] - b->b[i])); break;
    case X86_OP_PSUBUSW: LANES(8, r->w[i] = satu16(a->w[i] - b->w[i])); break;
    case X86_OP_PAVGB:   LANES(16, r->b[i] = (uint8_t)((a->b[i] + b->b[i] + 1) >> 1)); break;
    case X86_OP_PAVGW:   LANES(8, r->w[i] = (uint16_t)((a->w[i] + b->w[i] + 1) >> 1)); break;
    default: return false;
    }
    return true;
}

/* Min/max and compares. */
static bool int_cmp(SseLanes *r, const SseLanes *a, const SseLanes *b, unsigned op)
{
#define MIN(x, y) ((x) < (y) ? (x) : (y))
#define MAX(x, y) ((x) > (y) ? (x) : (y))
    switch (op) {
    case X86_OP_PMINUB: LANES(16, r->b[i] = MIN(a->b[i], b->b[i])); break;
    case X86_OP_PMAXUB: LANES(16, r->b[i] = MAX(a->b[i], b->b[i])); break;
    case X86_OP_PMINSB: LANES(16, r->sb[i] = MIN(a->sb[i], b->sb[i])); break;
    case X86_OP_PMAXSB: LANES(16, r->sb[i] = MAX(a->sb[i], b->sb[i])); break;
    case X86_OP_PMINUW: LANES(8, r->w[i] = MIN(a->w[i], b->w[i])); break;
    case X86_OP_PMAXUW: LANES(8, r->w[i] = MAX(a->w[i], b->w[i])); break;
    case X86_OP_PMINSW: LANES(8, r->sw[i] = MIN(a->sw[i], b->sw[i])); break;
    case X86_OP_PMAXSW: LANES(8, r->sw[i] = MAX(a->sw[i], b->sw[i])); break;
    case X86_OP_PMINUD: LANES(4, r->d[i] = MIN(a->d[i], b->d[i])); break;
    case X86_OP_PMAXUD: LANES(4, r->d[i] = MAX(a->d[i], b->d[i])); break;
    case X86_OP_PMINSD: LANES(4, r->sd[i] = MIN(a->sd[i], b->sd[i])); break;
    case X86_OP_PMAXSD: LANES(4, r->sd[i] = MAX(a->sd[i], b->sd[i])); break;
    case X86_OP_PCMPEQB: LANES(16, r->b[i] = a->b[i] == b->b[i] ? 0xff : 0); break;
    case X86_OP_PCMPEQW: LANES(8, r->w[i] = a->w[i] == b->w[i] ? 0xffff : 0); break;
    case X86_OP_PCMPEQD: LANES(4, r->d[i] = a->d[i] == b->d[i] ? ~0u : 0); break;
    case X86_OP_PCMPEQQ: LANES(2, r->q[i] = a->q[i] == b->q[i] ? ~0ull : 0); break;
    case X86_OP_PCMPGTB: LANES(16, r->b[i] = a->sb[i] > b->sb[i] ? 0xff : 0); break;
    case X86_OP_PCMPGTW: LANES(8, r->w[i] = a->sw[i] > b->sw[i] ? 0xffff : 0); break;
    case X86_OP_PCMPGTD: LANES(4, r->d[i] = a->sd[i] > b->sd[i] ? ~0u : 0); break;
    case X86_OP_PCMPGTQ: LANES(2, r->q[i] = a->sq[i] > b->sq[i] ? ~0ull : 0); break;
    default: return false;
    }
    return true;
#undef MIN
#undef MAX
}

/* Multiplies, madd, sad, sign, abs. */
static bool int_mul(SseLanes *r, const SseLanes *a, const SseLanes *b, unsigned op)
{
    switch (op) {
    case X86_OP_PMULLW:  LANES(8, r->w[i] = (uint16_t)(a->sw[i] * b->sw[i])); break;
    case X86_OP_PMULHW:  LANES(8, r->w[i] = (uint16_t)((a->sw[i] * b->sw[i]) >> 16)); break;
    case X86_OP_PMULHUW: LANES(8, r->w[i] = (uint16_t)(((uint32_t)a->w[i] * b->w[i]) >> 16)); break;
    case X86_OP_PMULLD:  LANES(4, r->d[i] = a->d[i] * b->d[i]); break;
    case X86_OP_PMULUDQ: LANES(2, r->q[i] = (uint64_t)a->d[2 * i] * b->d[2 * i]); break;
    case X86_OP_PMULDQ:  LANES(2, r->sq[i] = (int64_t)a->sd[2 * i] * b->sd[2 * i]); break;
    case X86_OP_PMULHRSW:
        LANES(8, r->w[i] = (uint16_t)((((a->sw[i] * b->sw[i]) >> 14) + 1) >> 1));
        break;
    case X86_OP_PMADDWD:
        LANES(4, r->d[i] = (uint32_t)(a->sw[2 * i] * b->sw[2 * i]) +
                           (uint32_t)(a->sw[2 * i + 1] * b->sw[2 * i + 1]));
        break;
    case X86_OP_PMADDUBSW:
        LANES(8, r->sw[i] = sat16(a->b[2 * i] * b->sb[2 * i] + a->b[2 * i + 1] * b->sb[2 * i + 1]));
        break;
    case X86_OP_PSADBW:
        for (unsigned h = 0; h < 2; h++) {
            unsigned sum = 0;
            LANES(8, sum += (unsigned)abs(a->b[8 * h + i] - b->b[8 * h + i]));
            r->q[h] = sum;
        }
        break;
    case X86_OP_PSIGNB:
        LANES(16, r->sb[i] = b->sb[i] < 0 ? (int8_t)-a->sb[i] : b->sb[i] ? a->sb[i] : 0);
        break;
    case X86_OP_PSIGNW:
        LANES(8, r->sw[i] = b->sw[i] < 0 ? (int16_t)-a->sw[i] : b->sw[i] ? a->sw[i] : 0);
        break;
    case X86_OP_PSIGND:
        LANES(4, r->d[i] = b->sd[i] < 0 ? -a->d[i] : b->sd[i] ? a->d[i] : 0);
        break;
    case X86_OP_PABSB: LANES(16, r->b[i] = (uint8_t)abs(b->sb[i])); break;
    case X86_OP_PABSW: LANES(8, r->w[i] = (uint16_t)abs(b->sw[i])); break;
    case X86_OP_PABSD: LANES(4, r->d[i] = b->sd[i] < 0 ? -b->d[i] : b->d[i]); break;
    default: return false;
    }
    return true;
}

/* Horizontal add/sub (the first operand's pairs fill the low half),
 * PHMINPOSUW, MPSADBW. */
static bool int_horiz(SseLanes *r, const SseLanes *a, const SseLanes *b, unsigned op,
                      unsigned imm)
{
    switch (op) {
    case X86_OP_PHADDW:
        LANES(4, r->w[i] = a->w[2 * i] + a->w[2 * i + 1];
                 r->w[i + 4] = b->w[2 * i] + b->w[2 * i + 1]);
        break;
    case X86_OP_PHSUBW:
        LANES(4, r->w[i] = a->w[2 * i] - a->w[2 * i + 1];
                 r->w[i + 4] = b->w[2 * i] - b->w[2 * i + 1]);
        break;
    case X86_OP_PHADDSW:
        LANES(4, r->sw[i] = sat16(a->sw[2 * i] + a->sw[2 * i + 1]);
                 r->sw[i + 4] = sat16(b->sw[2 * i] + b->sw[2 * i + 1]));
        break;
    case X86_OP_PHSUBSW:
        LANES(4, r->sw[i] = sat16(a->sw[2 * i] - a->sw[2 * i + 1]);
                 r->sw[i + 4] = sat16(b->sw[2 * i] - b->sw[2 * i + 1]));
        break;
    case X86_OP_PHADDD:
        LANES(2, r->d[i] = a->d[2 * i] + a->d[2 * i + 1];
                 r->d[i + 2] = b->d[2 * i] + b->d[2 * i + 1]);
        break;
    case X86_OP_PHSUBD:
        LANES(2, r->d[i] = a->d[2 * i] - a->d[2 * i + 1];
                 r->d[i + 2] = b->d[2 * i] - b->d[2 * i + 1]);
        break;
    case X86_OP_MPSADBW: {
        unsigned o1 = (imm & 4) ? 4 : 0, o2 = (imm & 3) * 4;
        for (unsigned i = 0; i < 8; i++) {
            unsigned sum = 0;
            for (unsigned k = 0; k < 4; k++) {
                sum += (unsigned)abs(a->b[o1 + i + k] - b->b[o2 + k]);
            }
            r->w[i] = (uint16_t)sum;
        }
        break;
    }
    case X86_OP_PHMINPOSUW: {
        unsigned idx = 0;
        LANES(8, if (b->w[i] < b->w[idx]) idx = i);
        r->q[0] = b->w[idx] | (uint64_t)idx << 16;
        r->q[1] = 0;
        break;
    }
    default: return false;
    }
    return true;
}

/* Shifts: by the low 64 bits of b, or by imm when imm bit 8 is set. */
static bool int_shift(SseLanes *r, const SseLanes *a, const SseLanes *b, unsigned op, unsigned imm)
{
    uint64_t n = imm & 0x100 ? (imm & 0xff) : b->q[0];
    unsigned c16 = n > 15 ? 16 : (unsigned)n, c32 = n > 31 ? 32 : (unsigned)n;
    unsigned c64 = n > 63 ? 64 : (unsigned)n;

    switch (op) {
    case X86_OP_PSLLW: LANES(8, r->w[i] = c16 > 15 ? 0 : (uint16_t)(a->w[i] << c16)); break;
    case X86_OP_PSRLW: LANES(8, r->w[i] = c16 > 15 ? 0 : (uint16_t)(a->w[i] >> c16)); break;
    case X86_OP_PSRAW: LANES(8, r->sw[i] = (int16_t)(a->sw[i] >> (c16 > 15 ? 15 : c16))); break;
    case X86_OP_PSLLD: LANES(4, r->d[i] = c32 > 31 ? 0 : a->d[i] << c32); break;
    case X86_OP_PSRLD: LANES(4, r->d[i] = c32 > 31 ? 0 : a->d[i] >> c32); break;
    case X86_OP_PSRAD: LANES(4, r->sd[i] = a->sd[i] >> (c32 > 31 ? 31 : c32)); break;
    case X86_OP_PSLLQ: LANES(2, r->q[i] = c64 > 63 ? 0 : a->q[i] << c64); break;
    case X86_OP_PSRLQ: LANES(2, r->q[i] = c64 > 63 ? 0 : a->q[i] >> c64); break;
    case X86_OP_PSLLDQ:
    case X86_OP_PSRLDQ: {
        unsigned k = imm & 0xff;
        SseLanes t = { .q = { 0, 0 } };
        for (unsigned i = 0; i < 16; i++) {
            unsigned j = op == X86_OP_PSLLDQ ? i - k : i + k;
            t.b[i] = (k <= 15 && j < 16) ? a->b[j] : 0;
        }
        *r = t;
        break;
    }
    default: return false;
    }
    return true;
}

uint32_t x86_sse_ptest(const X86Vec *a, const X86Vec *b)
{
    bool zf = !((a->q[0] & b->q[0]) | (a->q[1] & b->q[1]));
    bool cf = !((~a->q[0] & b->q[0]) | (~a->q[1] & b->q[1]));
    return (zf ? X86_ZF : 0) | (cf ? X86_CF : 0);
}

void x86_sse_blendv(X86Vec *d, const X86Vec *s, const X86Vec *mask, uint32_t op)
{
    SseLanes a, b, m;

    memcpy(&a, d, 16);
    memcpy(&b, s, 16);
    memcpy(&m, mask, 16);
    switch (op) {
    case X86_OP_PBLENDVB:  LANES(16, if (m.sb[i] < 0) a.b[i] = b.b[i]); break;
    case X86_OP_BLENDVPS:  LANES(4, if (m.sd[i] < 0) a.d[i] = b.d[i]); break;
    default:               LANES(2, if (m.sq[i] < 0) a.q[i] = b.q[i]); break;
    }
    memcpy(d, &a, 16);
}

uint32_t x86_sse_movmsk(const X86Vec *s, uint32_t op)
{
    SseLanes v;
    uint32_t m = 0;

    memcpy(&v, s, 16);
    switch (op) {
    case X86_OP_PMOVMSKB: LANES(16, m |= (uint32_t)(v.b[i] >> 7) << i); break;
    case X86_OP_MOVMSKPS: LANES(4, m |= (v.d[i] >> 31) << i); break;
    default:              LANES(2, m |= (uint32_t)(v.q[i] >> 63) << i); break;
    }
    return m;
}

uint32_t x86_sse_int(X86Vec *d, const X86Vec *s, uint32_t op, uint32_t imm)
{
    SseLanes a, b, r;

    memcpy(&a, d, 16);
    memcpy(&b, s, 16);
    r = a;
    if (!int_addsub(&r, &a, &b, op) && !int_cmp(&r, &a, &b, op) &&
        !int_mul(&r, &a, &b, op) && !int_horiz(&r, &a, &b, op, imm) &&
        !int_shift(&r, &a, &b, op, imm) && !x86_sse_shuffle(&r, &a, &b, op, imm) &&
        !x86_sse_crypto(&r, &a, &b, op, imm)) {
        return 1;
    }
    memcpy(d, &r, 16);
    return 0;
}
