/*
 * x64-lower-vec.c — v128 ops and i128 moves for the x86-64 backend, in SSE2
 * (plus SSE4.1 lane moves and SSE4.1/4.2 64-bit compares when cpuid has
 * them). v128 and i128 values live in xmm0..xmm14; xmm15 is the scratch.
 */
#include "backend-x86_64/x64-lower.h"

#define ANY { 0 }
#define ALIAS(i) { .alias = (i) + 1 }

static const RaConstraint c_v_0_v = { .name = "x_0_x", .out = { ALIAS(0) } };
static const RaConstraint c_v_1_v = { .name = "x_1_x", .out = { ALIAS(1) } };
static const RaConstraint c_v_0 = { .name = "x_0", .out = { ALIAS(0) } };
static const RaConstraint c_v_r = { .name = "x_r" };
static const RaConstraint c_v_r_r = { .name = "x_r_r" };

const RaConstraint *x64_vec_constraint(X64Gen *g, const IrOp *op)
{
    switch (op->opc) {
    case IR_OP_vec_add: case IR_OP_vec_sub: case IR_OP_vec_and: case IR_OP_vec_or:
    case IR_OP_vec_xor: case IR_OP_vec_cmpeq: case IR_OP_vec_cmpgt: case IR_OP_vec_insert:
        return &c_v_0_v;
    case IR_OP_vec_andc:
        return &c_v_1_v;
    case IR_OP_vec_shli: case IR_OP_vec_shri: case IR_OP_vec_sari:
        return &c_v_0;
    case IR_OP_dup: case IR_OP_vec_extract: case IR_OP_extrl_i128_i64:
    case IR_OP_extrh_i128_i64:
        return &c_v_r;
    case IR_OP_concat_i64_i128:
        return &c_v_r_r;
    default:
        return NULL;
    }
}

/* ---------------------------------------------------------------------- */
/* Helpers                                                                 */

void x64_xmm_to_pair(X64Gen *g, int x, int lo, int hi)
{
    x64_movq_rx(&g->buf, true, lo, x);
    if (g->feat->sse41) {
        x64_pextr(&g->buf, 8, hi, x, 1);
    } else {
        x64_pshufd(&g->buf, X64_VTMP, x, 0xee);
        x64_movq_rx(&g->buf, true, hi, X64_VTMP);
    }
}

void x64_pair_to_xmm(X64Gen *g, int x, int lo, int hi)
{
    x64_movq_xr(&g->buf, true, x, lo);
    if (g->feat->sse41) {
        x64_pinsr(&g->buf, 8, x, hi, 1);
    } else {
        x64_movq_xr(&g->buf, true, X64_VTMP, hi);
        x64_sse_rr(&g->buf, X64_PUNPCKLQDQ, x, X64_VTMP);
    }
}

/* xmm15 = the byte `mask` in every lane. */
static void byte_mask(X64Gen *g, uint8_t mask)
{
    x64_movi(&g->buf, X64_TMP, mask * 0x01010101u);
    x64_movq_xr(&g->buf, false, X64_VTMP, X64_TMP);
    x64_pshufd(&g->buf, X64_VTMP, X64_VTMP, 0);
}

/* ---------------------------------------------------------------------- */
/* Emitters                                                                */

static void emit_shift(X64Gen *g, const IrOp *op, int x)
{
    X64Buf *b = &g->buf;
    IrArg *ca = ir_op_cargs((IrOp *)op);
    unsigned vece = ca[0], n = ca[1];
    X64Shift k = op->opc == IR_OP_vec_shli ? X64_SHL : op->opc == IR_OP_vec_shri ? X64_SHR : X64_SAR;

    if (n == 0) {
        return;
    }
    if (vece == 0) {
        /* No byte shifts: shift words, then mask off the bits that crossed. */
        x64_sse_shift_i(b, k == X64_SHL ? X64_SHL : X64_SHR, 1, x, n);
        byte_mask(g, k == X64_SHL ? 0xff << n : 0xff >> n);
        x64_sse_rr(b, X64_PAND, x, X64_VTMP);
        if (k == X64_SAR) {
            byte_mask(g, 0x80 >> n);             /* (v ^ m) - m sign-extends */
            x64_sse_rr(b, X64_PXOR, x, X64_VTMP);
            x64_sse_rr(b, X64_PSUBB, x, X64_VTMP);
        }
    } else if (vece == 3 && k == X64_SAR) {
        /* No psraq: logical shift, then or in the sign bits from above. */
        x64_pshufd(b, X64_VTMP, x, 0xf5);
        x64_sse_shift_i(b, X64_SAR, 2, X64_VTMP, 31);
        x64_sse_shift_i(b, X64_SHR, 3, x, n);
        x64_sse_shift_i(b, X64_SHL, 3, X64_VTMP, 64 - n);
        x64_sse_rr(b, X64_POR, x, X64_VTMP);
    } else {
        x64_sse_shift_i(b, k, vece, x, n);
    }
}

static void emit_dup(X64Gen *g, unsigned vece, int x, int r)
{
    X64Buf *b = &g->buf;

    x64_movq_xr(b, vece == 3, x, r);
    switch (vece) {
    case 0:
        x64_sse_rr(b, X64_PUNPCKLBW, x, x);
        __attribute__((fallthrough));   /* now a word broadcast */
    case 1:
        x64_pshuflw(b, x, x, 0);
        x64_pshufd(b, x, x, 0);
        break;
    case 2:
        x64_pshufd(b, x, x, 0);
        break;
    default:
        x64_sse_rr(b, X64_PUNPCKLQDQ, x, x);
        break;
    }
}

static JitError emit_extract(X64Gen *g, unsigned vece, unsigned idx, int r, int x)
{
    X64Buf *b = &g->buf;

    if (vece == 1) {
        x64_pextr(b, 2, r, x, idx);
    } else if (vece == 3 && idx == 0) {
        x64_movq_rx(b, true, r, x);
    } else if (g->feat->sse41) {
        x64_pextr(b, 1 << vece, r, x, idx);
    } else if (vece == 0) {
        x64_pextr(b, 2, r, x, idx / 2);
        if (idx & 1) {
            x64_shift_ri(b, X64_SHR, false, r, 8);
        }
        x64_movzx(b, 1, r, r);
    } else {
        /* move the lane down with pshufd (dword granularity) */
        x64_pshufd(b, X64_VTMP, x, vece == 2 ? idx : 0xee);
        x64_movq_rx(b, vece == 3, r, X64_VTMP);
    }
    return JIT_OK;
}

static JitError emit_cmp(X64Gen *g, const IrOp *op, int d, int s)
{
    static const X64Sse eq[] = { X64_PCMPEQB, X64_PCMPEQW, X64_PCMPEQD, X64_PCMPEQQ };
    static const X64Sse gt[] = { X64_PCMPGTB, X64_PCMPGTW, X64_PCMPGTD, X64_PCMPGTQ };
    unsigned vece = ir_op_cargs((IrOp *)op)[0];
    bool is_eq = op->opc == IR_OP_vec_cmpeq;

    if (vece == 3 && is_eq && !g->feat->sse41) {
        x64_sse_rr(&g->buf, X64_PCMPEQD, d, s);  /* both dword halves equal */
        x64_pshufd(&g->buf, X64_VTMP, d, 0xb1);
        x64_sse_rr(&g->buf, X64_PAND, d, X64_VTMP);
        return JIT_OK;
    }
    if (vece == 3 && !is_eq && !g->feat->sse42) {
        return JIT_ERR_UNSUPPORTED;
    }
    x64_sse_rr(&g->buf, (is_eq ? eq : gt)[vece], d, s);
    return JIT_OK;
}

JitError x64_emit_vec(X64Gen *g, const IrOp *op, const RaOperand *o)
{
    static const X64Sse add[] = { X64_PADDB, X64_PADDW, X64_PADDD, X64_PADDQ };
    static const X64Sse sub[] = { X64_PSUBB, X64_PSUBW, X64_PSUBD, X64_PSUBQ };
    X64Buf *b = &g->buf;
    IrArg *ca = ir_op_cargs((IrOp *)op);

    switch (op->opc) {
    case IR_OP_vec_add: x64_sse_rr(b, add[ca[0]], x64_xmm(o[0].reg), x64_xmm(o[2].reg)); break;
    case IR_OP_vec_sub: x64_sse_rr(b, sub[ca[0]], x64_xmm(o[0].reg), x64_xmm(o[2].reg)); break;
    case IR_OP_vec_and: x64_sse_rr(b, X64_PAND, x64_xmm(o[0].reg), x64_xmm(o[2].reg)); break;
    case IR_OP_vec_or:  x64_sse_rr(b, X64_POR, x64_xmm(o[0].reg), x64_xmm(o[2].reg)); break;
    case IR_OP_vec_xor: x64_sse_rr(b, X64_PXOR, x64_xmm(o[0].reg), x64_xmm(o[2].reg)); break;
    case IR_OP_vec_andc:          /* d holds b: ~b & a */
        x64_sse_rr(b, X64_PANDN, x64_xmm(o[0].reg), x64_xmm(o[1].reg));
        break;
    case IR_OP_vec_cmpeq: case IR_OP_vec_cmpgt:
        return emit_cmp(g, op, x64_xmm(o[0].reg), x64_xmm(o[2].reg));
    case IR_OP_vec_shli: case IR_OP_vec_shri: case IR_OP_vec_sari:
        emit_shift(g, op, x64_xmm(o[0].reg));
        break;
    case IR_OP_dup:
        emit_dup(g, ca[0], x64_xmm(o[0].reg), o[1].reg);
        break;
    case IR_OP_vec_extract:
        return emit_extract(g, ca[0], ca[1], o[0].reg, x64_xmm(o[1].reg));
    case IR_OP_vec_insert:
        if (ca[0] != 1 && !g->feat->sse41) {
            return JIT_ERR_UNSUPPORTED;
        }
        x64_pinsr(b, 1 << ca[0], x64_xmm(o[0].reg), o[2].reg, ca[1]);
        break;
    case IR_OP_concat_i64_i128:
        x64_pair_to_xmm(g, x64_xmm(o[0].reg), o[1].reg, o[2].reg);
        break;
    case IR_OP_extrl_i128_i64:
        x64_movq_rx(b, true, o[0].reg, x64_xmm(o[1].reg));
        break;
    case IR_OP_extrh_i128_i64:
        emit_extract(g, 3, 1, o[0].reg, x64_xmm(o[1].reg));
        break;
    default:
        return JIT_ERR_UNSUPPORTED;
    }
    return JIT_OK;
}
