/*
 * gen-mmx.c — the mmx family of the oracle differ: MMX instructions on
 * values loaded from the random data buffer and GPRs (MOVD/MOVQ), the
 * arithmetic/logic/compare/shift/pack/unpack rows of the 0F map, the
 * SSE-era extensions and SSSE3's mm forms, stores to memory and GPRs,
 * EMMS and an x87 push afterwards. The differ sees the mm registers as the
 * x87 registers' significands (with their tags, TOP and exponents).
 */
#include "tests/x86/gen-enc.h"

/* Destination GPRs that are neither rbx (data) nor rsp. */
static unsigned pick_gpr(XtGen *g)
{
    static const unsigned r[6] = { 0, 1, 2, 5, 6, 7 };
    return r[xt_pick(g, 6)];
}

/* [pfx] 0F [map bytes] op with ModRM: reg, and rm either mm(rm) or
 * [rbx + disp8]. pfx 0x40 stands for a random REX without W. */
static void emit_op(XtGen *g, uint8_t pfx, const uint8_t *op, unsigned oplen, unsigned reg,
                    bool mem, unsigned rm, int imm)
{
    uint8_t b[10];
    unsigned n = 0;

    if (pfx == 0x40) {
        /* REX.R/REX.B on mm-only register forms: ignored by the CPU */
        unsigned r = mem ? 0 : xt_pick(g, 2);
        b[n++] = mem ? 0x40 : (uint8_t)(0x40 | 4 * r | xt_pick(g, 2));
    } else if (pfx) {
        b[n++] = pfx;
    }
    for (unsigned i = 0; i < oplen; i++) {
        b[n++] = op[i];
    }
    if (mem) {
        b[n++] = (uint8_t)(0x43 | (reg & 7) << 3);
        b[n++] = (uint8_t)(-128 + 8 * (int)xt_pick(g, 31));
    } else {
        b[n++] = (uint8_t)(0xc0 | (reg & 7) << 3 | (rm & 7));
    }
    if (imm >= 0) {
        b[n++] = (uint8_t)imm;
    }
    xt_emit_raw(g, b, n);
}

/* Random operands of emit_op, drawn in a fixed order (C leaves the order
 * of a call's argument evaluations open, and the cases must be the same
 * on every host: differ --replay). */
typedef struct Operands {
    uint8_t pfx;                  /* with_rex: 0 or a random REX (0x40) */
    unsigned reg, rm;
    bool mem;
} Operands;

static Operands operands(XtGen *g, bool with_rex)
{
    Operands o = { 0 };
    o.pfx = with_rex && !xt_pick(g, 4) ? 0x40 : 0;
    o.reg = xt_pick(g, 8);
    o.mem = xt_coin(g);
    o.rm = xt_pick(g, 8);
    return o;
}

/* MOVQ mm, m64 / MOVD mm, m32 / MOVD mm, r32 / MOVQ mm, r64 (REX.W). */
static bool g_load(XtGen *g)
{
    unsigned k = xt_pick(g, 4), mm = xt_pick(g, 8);
    static const uint8_t movq[2] = { 0x0f, 0x6f }, movd[2] = { 0x0f, 0x6e };
    switch (k) {
    case 0: emit_op(g, 0, movq, 2, mm, true, 0, -1); break;
    case 1: emit_op(g, 0, movd, 2, mm, true, 0, -1); break;
    case 2: emit_op(g, 0, movd, 2, mm, false, pick_gpr(g), -1); break;
    default: emit_op(g, 0x48, movd, 2, mm, false, pick_gpr(g), -1); break;
    }
    return true;
}

/* Up to two loads before an operation, so it sees random values. */
static void preload(XtGen *g)
{
    for (unsigned i = xt_pick(g, 3); i > 0; i--) {
        g_load(g);
    }
}

/* MOVD r32/m32, mm; MOVQ r64, mm; MOVQ m64/mm, mm (7F); MOVQ mm, mm (6F);
 * MOVNTQ m64, mm. */
static bool g_store(XtGen *g)
{
    static const uint8_t movd[2] = { 0x0f, 0x7e }, movq[2] = { 0x0f, 0x7f },
                         movq6f[2] = { 0x0f, 0x6f }, movntq[2] = { 0x0f, 0xe7 };
    unsigned mm = xt_pick(g, 8), gpr = pick_gpr(g);
    switch (xt_pick(g, 7)) {
    case 0: emit_op(g, 0, movd, 2, mm, false, gpr, -1); xt_wrote(g, gpr); break;
    case 1: emit_op(g, 0x48, movd, 2, mm, false, gpr, -1); xt_wrote(g, gpr); break;
    case 2: emit_op(g, 0, movd, 2, mm, true, 0, -1); break;
    case 3: emit_op(g, 0, movq, 2, mm, true, 0, -1); break;
    case 4: emit_op(g, 0, movq, 2, mm, false, xt_pick(g, 8), -1); break;
    case 5: emit_op(g, 0, movq6f, 2, mm, false, xt_pick(g, 8), -1); break;
    default: emit_op(g, 0, movntq, 2, mm, true, 0, -1); break;
    }
    return true;
}

/* The two-operand rows: mm, mm/m64. */
static bool g_arith(XtGen *g)
{
    static const uint8_t ops[] = {
        0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b,
        0x74, 0x75, 0x76, 0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd8, 0xd9, 0xda, 0xdb,
        0xdc, 0xdd, 0xde, 0xdf, 0xe0, 0xe1, 0xe2, 0xe3, 0xe4, 0xe5, 0xe8, 0xe9,
        0xea, 0xeb, 0xec, 0xed, 0xee, 0xef, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6,
        0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd, 0xfe,
    };
    uint8_t op[2] = { 0x0f, ops[xt_pick(g, sizeof(ops))] };
    bool shift = (op[1] >= 0xd1 && op[1] <= 0xd3) || op[1] == 0xe1 || op[1] == 0xe2 ||
                 (op[1] >= 0xf1 && op[1] <= 0xf3);
    /* shifts by a register count: a count from memory is random (mostly
     * >= the lane width); the register form often has a small count */
    preload(g);
    uint8_t pfx = xt_pick(g, 4) ? 0 : 0x40;
    unsigned reg = xt_pick(g, 8);
    bool mem = shift ? xt_coin(g) : xt_pick(g, 3) == 0;
    emit_op(g, pfx, op, 2, reg, mem, xt_pick(g, 8), -1);
    return true;
}

/* SSSE3 mm forms (0F 38 00..0B, 1C..1E) and PALIGNR (0F 3A 0F). */
static bool g_ssse3(XtGen *g)
{
    static const uint8_t ops[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x1c, 0x1d, 0x1e };
    preload(g);
    if (xt_pick(g, 5) == 0) {
        static const uint8_t palignr[3] = { 0x0f, 0x3a, 0x0f };
        Operands o = operands(g, false);
        emit_op(g, 0, palignr, 3, o.reg, o.mem, o.rm, (int)xt_pick(g, 20));
        return true;
    }
    uint8_t op[3] = { 0x0f, 0x38, ops[xt_pick(g, sizeof(ops))] };
    Operands o = operands(g, true);
    emit_op(g, o.pfx, op, 3, o.reg, o.mem, o.rm, -1);
    return true;
}

/* PSRLW/PSRAW/PSLLW (71), D (72), PSRLQ/PSLLQ (73) by imm8. */
static bool g_shift_imm(XtGen *g)
{
    static const uint8_t sub[3][3] = { { 2, 4, 6 }, { 2, 4, 6 }, { 2, 6, 6 } };
    unsigned row = xt_pick(g, 3);
    uint8_t op[2] = { 0x0f, (uint8_t)(0x71 + row) };
    int imm = xt_coin(g) ? (int)xt_pick(g, 70) : (int)xt_pick(g, 256);
    preload(g);
    uint8_t pfx = xt_pick(g, 4) ? 0 : 0x40;
    unsigned reg = sub[row][xt_pick(g, 3)];
    emit_op(g, pfx, op, 2, reg, false, xt_pick(g, 8), imm);
    return true;
}

/* PSHUFW, PINSRW, PEXTRW, PMOVMSKB, EMMS, MOVQ2DQ + MOVDQ2Q, MASKMOVQ,
 * an x87 push after the MMX code (stack fault: every tag is valid). */
static bool g_misc(XtGen *g)
{
    unsigned gpr = pick_gpr(g);
    switch (xt_pick(g, 8)) {
    case 0: {
        static const uint8_t op[2] = { 0x0f, 0x70 };
        Operands o = operands(g, false);
        emit_op(g, 0, op, 2, o.reg, o.mem, o.rm, (int)xt_pick(g, 256));
        break;
    }
    case 1: {
        static const uint8_t op[2] = { 0x0f, 0xc4 };
        unsigned reg = xt_pick(g, 8);
        bool mem = xt_coin(g);
        unsigned src = pick_gpr(g);
        emit_op(g, 0, op, 2, reg, mem, src, (int)xt_pick(g, 256));
        break;
    }
    case 2: {
        static const uint8_t op[2] = { 0x0f, 0xc5 };
        unsigned rm = xt_pick(g, 8);
        emit_op(g, 0, op, 2, gpr, false, rm, (int)xt_pick(g, 256));
        xt_wrote(g, gpr);
        break;
    }
    case 3: {
        static const uint8_t op[2] = { 0x0f, 0xd7 };
        emit_op(g, 0, op, 2, gpr, false, xt_pick(g, 8), -1);
        xt_wrote(g, gpr);
        break;
    }
    case 4: {                                  /* [FLD1;] EMMS: TOP back to 0 */
        static const uint8_t op[2] = { 0x0f, 0x77 }, fld1[2] = { 0xd9, 0xe8 };
        if (xt_coin(g)) {
            xt_emit_raw(g, fld1, 2);
        }
        xt_emit_raw(g, op, 2);
        break;
    }
    case 5: {                                  /* MOVQ2DQ xmm0, mm; MOVDQ2Q mm, xmm0 */
        static const uint8_t op[2] = { 0x0f, 0xd6 };
        emit_op(g, 0xf3, op, 2, 0, false, xt_pick(g, 8), -1);
        emit_op(g, 0xf2, op, 2, xt_pick(g, 8), false, 0, -1);
        break;
    }
    case 6: {                                  /* LEA rdi, [rbx + d]; MASKMOVQ */
        uint8_t lea[4] = { 0x48, 0x8d, 0x7b, (uint8_t)(-128 + 8 * (int)xt_pick(g, 31)) };
        static const uint8_t op[2] = { 0x0f, 0xf7 };
        xt_emit_raw(g, lea, 4);
        xt_wrote(g, 7);
        unsigned reg = xt_pick(g, 8);
        emit_op(g, 0, op, 2, reg, false, xt_pick(g, 8), -1);
        break;
    }
    default: {
        static const uint8_t fld1[2] = { 0xd9, 0xe8 };
        xt_emit_raw(g, fld1, 2);
        break;
    }
    }
    return true;
}

/* CVTPI2PS/PD xmm0, mm/m64 and CVT(T)PS/PD2PI mm, xmm0/m: xmm0 is loaded
 * first (MOVQ xmm0, m64 zeroes its upper half) and a result in xmm0 is
 * moved to a GPR, as the differ compares no xmm registers. */
static bool g_convert(XtGen *g)
{
    static const uint8_t movq_load[2] = { 0x0f, 0x7e };
    static const uint8_t rows[6][2] = {
        { 0, 0x2a }, { 0x66, 0x2a }, { 0, 0x2c }, { 0, 0x2d }, { 0x66, 0x2c }, { 0x66, 0x2d },
    };
    unsigned k = xt_pick(g, 6), gpr = pick_gpr(g);
    uint8_t op[2] = { 0x0f, rows[k][1] };

    preload(g);
    emit_op(g, 0xf3, movq_load, 2, 0, true, 0, -1);
    if (k < 2) {
        bool mem = xt_coin(g);
        emit_op(g, rows[k][0], op, 2, 0, mem, xt_pick(g, 8), -1);
        uint8_t st[5] = { 0x66, 0x48, 0x0f, 0x7e, (uint8_t)(0xc0 | gpr) };
        xt_emit_raw(g, st, 5);
        xt_wrote(g, gpr);
    } else if (k >= 4 && xt_coin(g)) {
        /* CVT(T)PD2PI xmm/m128: memory 16-byte aligned (rbx is), as a
         * misaligned one raises #GP (SIGSEGV, which cases must not) */
        unsigned reg = xt_pick(g, 8);
        uint8_t b[5] = { 0x66, 0x0f, rows[k][1], (uint8_t)(0x43 | reg << 3),
                         (uint8_t)(-128 + 16 * (int)xt_pick(g, 16)) };
        xt_emit_raw(g, b, 5);
    } else {
        unsigned reg = xt_pick(g, 8);
        emit_op(g, rows[k][0], op, 2, reg, k < 4 && xt_pick(g, 3) == 0, 0, -1);
    }
    return true;
}

const XtGenEntry xt_mmx_entries[] = {
    { "mmx-convert", g_convert },
    { "mmx-load", g_load }, { "mmx-load2", g_load }, { "mmx-store", g_store },
    { "mmx-arith", g_arith }, { "mmx-arith2", g_arith }, { "mmx-arith3", g_arith },
    { "mmx-ssse3", g_ssse3 }, { "mmx-shift-imm", g_shift_imm }, { "mmx-misc", g_misc },
    { NULL, NULL },
};
