/*
 * sse-move.c — lane rearrangements as a helper: SHUFPS/PD, PSHUFD/LW/HW,
 * UNPCK*, PUNPCK*, PACK*, PSHUFB, PALIGNR, PMOVZX/SX, PBLENDW, BLENDPS/PD,
 * INSERTPS, MOVSLDUP/MOVSHDUP/MOVDDUP. Plain moves (MOVAPS, MOVD, MOVSS, ...)
 * are IR loads and stores, generated in sse-translate.c.
 */
#include "frontend-x86/sse.h"

#include "frontend-x86/decode.h"

#define LANES(n, expr) do { for (unsigned i = 0; i < (n); i++) { expr; } } while (0)

static int16_t sat16(int32_t v) { return v > 32767 ? 32767 : v < -32768 ? -32768 : (int16_t)v; }
static int8_t sat8(int32_t v) { return v > 127 ? 127 : v < -128 ? -128 : (int8_t)v; }
static uint8_t satu8(int32_t v) { return v > 255 ? 255 : v < 0 ? 0 : (uint8_t)v; }
static uint16_t satu16(int32_t v) { return v > 65535 ? 65535 : v < 0 ? 0 : (uint16_t)v; }

/* Interleave the low (hi = 0) or high halves of a and b by `size` bytes. */
static void unpack(SseLanes *r, const SseLanes *a, const SseLanes *b, unsigned size, bool hi)
{
    SseLanes t;
    unsigned n = 8 / size, base = hi ? 8 : 0;

    for (unsigned i = 0; i < n; i++) {
        for (unsigned k = 0; k < size; k++) {
            t.b[2 * i * size + k] = a->b[base + i * size + k];
            t.b[(2 * i + 1) * size + k] = b->b[base + i * size + k];
        }
    }
    *r = t;
}

static bool do_unpack(SseLanes *r, const SseLanes *a, const SseLanes *b, unsigned op)
{
    switch (op) {
    case X86_OP_PUNPCKLBW: unpack(r, a, b, 1, false); break;
    case X86_OP_PUNPCKLWD: unpack(r, a, b, 2, false); break;
    case X86_OP_PUNPCKLDQ: case X86_OP_UNPCKLPS: unpack(r, a, b, 4, false); break;
    case X86_OP_PUNPCKLQDQ: case X86_OP_UNPCKLPD: unpack(r, a, b, 8, false); break;
    case X86_OP_PUNPCKHBW: unpack(r, a, b, 1, true); break;
    case X86_OP_PUNPCKHWD: unpack(r, a, b, 2, true); break;
    case X86_OP_PUNPCKHDQ: case X86_OP_UNPCKHPS: unpack(r, a, b, 4, true); break;
    case X86_OP_PUNPCKHQDQ: case X86_OP_UNPCKHPD: unpack(r, a, b, 8, true); break;
    default: return false;
    }
    return true;
}

static bool do_pack(SseLanes *r, const SseLanes *a, const SseLanes *b, unsigned op)
{
    SseLanes t;

    switch (op) {
    case X86_OP_PACKSSWB:
        LANES(8, t.sb[i] = sat8(a->sw[i]); t.sb[i + 8] = sat8(b->sw[i]));
        break;
    case X86_OP_PACKUSWB:
        LANES(8, t.b[i] = satu8(a->sw[i]); t.b[i + 8] = satu8(b->sw[i]));
        break;
    case X86_OP_PACKSSDW:
        LANES(4, t.sw[i] = sat16(a->sd[i]); t.sw[i + 4] = sat16(b->sd[i]));
        break;
    case X86_OP_PACKUSDW:
        LANES(4, t.w[i] = satu16(a->sd[i]); t.w[i + 4] = satu16(b->sd[i]));
        break;
    default:
        return false;
    }
    *r = t;
    return true;
}

/* PMOVSX/ZX: widen the low lanes of b. */
static bool do_pmovx(SseLanes *r, const SseLanes *b, unsigned op)
{
    SseLanes t;

    switch (op) {
    case X86_OP_PMOVSXBW: LANES(8, t.sw[i] = b->sb[i]); break;
    case X86_OP_PMOVSXBD: LANES(4, t.sd[i] = b->sb[i]); break;
    case X86_OP_PMOVSXBQ: LANES(2, t.sq[i] = b->sb[i]); break;
    case X86_OP_PMOVSXWD: LANES(4, t.sd[i] = b->sw[i]); break;
    case X86_OP_PMOVSXWQ: LANES(2, t.sq[i] = b->sw[i]); break;
    case X86_OP_PMOVSXDQ: LANES(2, t.sq[i] = b->sd[i]); break;
    case X86_OP_PMOVZXBW: LANES(8, t.w[i] = b->b[i]); break;
    case X86_OP_PMOVZXBD: LANES(4, t.d[i] = b->b[i]); break;
    case X86_OP_PMOVZXBQ: LANES(2, t.q[i] = b->b[i]); break;
    case X86_OP_PMOVZXWD: LANES(4, t.d[i] = b->w[i]); break;
    case X86_OP_PMOVZXWQ: LANES(2, t.q[i] = b->w[i]); break;
    case X86_OP_PMOVZXDQ: LANES(2, t.q[i] = b->d[i]); break;
    default: return false;
    }
    *r = t;
    return true;
}

/* Shuffles and blends with an immediate. */
static bool do_imm(SseLanes *r, const SseLanes *a, const SseLanes *b, unsigned op, unsigned imm)
{
    SseLanes t = *a;

    switch (op) {
    case X86_OP_SHUFPS:
        LANES(2, t.d[i] = a->d[(imm >> (2 * i)) & 3]; t.d[i + 2] = b->d[(imm >> (2 * i + 4)) & 3]);
        break;
    case X86_OP_SHUFPD:
        t.q[0] = a->q[imm & 1];
        t.q[1] = b->q[(imm >> 1) & 1];
        break;
    case X86_OP_PSHUFD:  LANES(4, t.d[i] = b->d[(imm >> (2 * i)) & 3]); break;
    case X86_OP_PSHUFLW: t.q[1] = b->q[1]; LANES(4, t.w[i] = b->w[(imm >> (2 * i)) & 3]); break;
    case X86_OP_PSHUFHW:
        t.q[0] = b->q[0];
        LANES(4, t.w[i + 4] = b->w[4 + ((imm >> (2 * i)) & 3)]);
        break;
    case X86_OP_PBLENDW: LANES(8, if (imm & (1u << i)) t.w[i] = b->w[i]); break;
    case X86_OP_BLENDPS: LANES(4, if (imm & (1u << i)) t.d[i] = b->d[i]); break;
    case X86_OP_BLENDPD: LANES(2, if (imm & (1u << i)) t.q[i] = b->q[i]); break;
    case X86_OP_PALIGNR:
        /* bytes imm.. of the 32-byte value a:b (b low) */
        LANES(16, { unsigned j = i + imm; t.b[i] = j < 16 ? b->b[j] : j < 32 ? a->b[j - 16] : 0; });
        break;
    case X86_OP_INSERTPS:
        /* The register form takes lane imm[7:6] of b; the memory form's
         * dword was loaded into lane 0 and imm[7:6] is ignored (caller
         * clears it). */
        t.d[(imm >> 4) & 3] = b->d[(imm >> 6) & 3];
        LANES(4, if (imm & (1u << i)) t.d[i] = 0);
        break;
    default:
        return false;
    }
    *r = t;
    return true;
}

bool x86_sse_shuffle(SseLanes *r, const SseLanes *a, const SseLanes *b, unsigned op,
                     unsigned imm)
{
    imm &= 0xff;
    switch (op) {
    case X86_OP_PSHUFB: {
        SseLanes t;
        LANES(16, t.b[i] = b->b[i] & 0x80 ? 0 : a->b[b->b[i] & 15]);
        *r = t;
        return true;
    }
    case X86_OP_MOVSLDUP: LANES(2, r->d[2 * i] = r->d[2 * i + 1] = b->d[2 * i]); return true;
    case X86_OP_MOVSHDUP: LANES(2, r->d[2 * i] = r->d[2 * i + 1] = b->d[2 * i + 1]); return true;
    case X86_OP_MOVDDUP:  r->q[0] = r->q[1] = b->q[0]; return true;
    default:
        return do_unpack(r, a, b, op) || do_pack(r, a, b, op) || do_pmovx(r, b, op) ||
               do_imm(r, a, b, op, imm);
    }
}
