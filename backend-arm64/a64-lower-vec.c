/*
 * a64-lower-vec.c — v128 ops and i128 moves for the arm64 backend, in NEON
 * (three-address, so no operand aliasing). v128 and i128 values live in
 * v0..v30 (i128: d[0] = low half, d[1] = high half); v31 is the scratch.
 * Also the few raw NEON encodings the encoder does not provide.
 */
#include "backend-arm64/a64-lower.h"

static const RaConstraint c_v_v = { .name = "v_v" };
static const RaConstraint c_v_v_v = { .name = "v_v_v" };
static const RaConstraint c_v_r = { .name = "v_r" };
static const RaConstraint c_v_r_r = { .name = "v_r_r" };

const RaConstraint *a64_vec_constraint(A64Gen *g, const IrOp *op)
{
    (void)g;
    switch (op->opc) {
    case IR_OP_vec_add: case IR_OP_vec_sub: case IR_OP_vec_and: case IR_OP_vec_or:
    case IR_OP_vec_xor: case IR_OP_vec_andc: case IR_OP_vec_cmpeq: case IR_OP_vec_cmpgt:
    case IR_OP_vec_insert:
        return &c_v_v_v;
    case IR_OP_vec_shli: case IR_OP_vec_shri: case IR_OP_vec_sari:
        return &c_v_v;
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
/* Raw encodings                                                           */

/* CNT vd.8b, vn.8b: population count per byte. */
void a64_vcnt8(A64Gen *g, int vd, int vn)
{
    a64_emit32(&g->buf, 0x0e205800u | (uint32_t)vn << 5 | (uint32_t)vd);
}

/* ADDV bd, vn.8b: sum of the 8 bytes (the rest of vd is zeroed). */
void a64_vaddv8(A64Gen *g, int vd, int vn)
{
    a64_emit32(&g->buf, 0x0e31b800u | (uint32_t)vn << 5 | (uint32_t)vd);
}

/* Reverse the bytes in each `bytes`-wide (4 or 8) element: REV32/REV64. */
void a64_vrev(A64Gen *g, unsigned bytes, bool q, int vd, int vn)
{
    uint32_t base = bytes == 4 ? 0x2e200800u : 0x0e200800u;
    a64_emit32(&g->buf, base | (uint32_t)q << 30 | (uint32_t)vn << 5 | (uint32_t)vd);
}

/* EXT vd.16b, vn.16b, vm.16b, #imm4: bytes imm4.. of vm:vn. */
void a64_vext16(A64Gen *g, int vd, int vn, int vm, unsigned imm4)
{
    a64_emit32(&g->buf, 0x6e000000u | (uint32_t)vm << 16 | imm4 << 11 | (uint32_t)vn << 5 |
                        (uint32_t)vd);
}

/* ---------------------------------------------------------------------- */
/* Emitters                                                                */

static void emit_shift(A64Gen *g, const IrOp *op, int vd, int vn)
{
    IrArg *ca = ir_op_cargs((IrOp *)op);
    A64VSize sz = (A64VSize)ca[0];
    unsigned n = ca[1];

    if (n == 0) {
        if (vd != vn) {
            a64_vmov(&g->buf, true, vd, vn);
        }
    } else if (op->opc == IR_OP_vec_shli) {
        a64_vshl_imm(&g->buf, true, sz, vd, vn, n);
    } else if (op->opc == IR_OP_vec_shri) {
        a64_vushr_imm(&g->buf, true, sz, vd, vn, n);
    } else {
        a64_vsshr_imm(&g->buf, true, sz, vd, vn, n);
    }
}

JitError a64_emit_vec(A64Gen *g, const IrOp *op, const RaOperand *o)
{
    A64Buf *b = &g->buf;
    IrArg *ca = ir_op_cargs((IrOp *)op);
    int d = o[0].reg;

    switch (op->opc) {
    case IR_OP_vec_add:
        a64_vadd(b, true, (A64VSize)ca[0], a64_v(d), a64_v(o[1].reg), a64_v(o[2].reg));
        break;
    case IR_OP_vec_sub:
        a64_vsub(b, true, (A64VSize)ca[0], a64_v(d), a64_v(o[1].reg), a64_v(o[2].reg));
        break;
    case IR_OP_vec_and: a64_vand(b, true, a64_v(d), a64_v(o[1].reg), a64_v(o[2].reg)); break;
    case IR_OP_vec_or:  a64_vorr(b, true, a64_v(d), a64_v(o[1].reg), a64_v(o[2].reg)); break;
    case IR_OP_vec_xor: a64_veor(b, true, a64_v(d), a64_v(o[1].reg), a64_v(o[2].reg)); break;
    case IR_OP_vec_andc: a64_vbic(b, true, a64_v(d), a64_v(o[1].reg), a64_v(o[2].reg)); break;
    case IR_OP_vec_cmpeq:
        a64_vcmeq(b, true, (A64VSize)ca[0], a64_v(d), a64_v(o[1].reg), a64_v(o[2].reg));
        break;
    case IR_OP_vec_cmpgt:
        a64_vcmgt(b, true, (A64VSize)ca[0], a64_v(d), a64_v(o[1].reg), a64_v(o[2].reg));
        break;
    case IR_OP_vec_shli: case IR_OP_vec_shri: case IR_OP_vec_sari:
        emit_shift(g, op, a64_v(d), a64_v(o[1].reg));
        break;
    case IR_OP_dup:
        a64_vdup_gpr(b, true, (A64VSize)ca[0], a64_v(d), o[1].reg);
        break;
    case IR_OP_vec_extract:
        a64_vumov(b, (A64VSize)ca[0], d, a64_v(o[1].reg), ca[1]);
        break;
    case IR_OP_vec_insert:
        if (d != o[1].reg) {
            a64_vmov(b, true, a64_v(d), a64_v(o[1].reg));
        }
        a64_vins_gpr(b, (A64VSize)ca[0], a64_v(d), ca[1], o[2].reg);
        break;
    case IR_OP_concat_i64_i128:
        a64_fmov_from_gpr(b, true, a64_v(d), o[1].reg);
        a64_vins_gpr(b, A64_E64, a64_v(d), 1, o[2].reg);
        break;
    case IR_OP_extrl_i128_i64:
        a64_fmov_to_gpr(b, true, d, a64_v(o[1].reg));
        break;
    case IR_OP_extrh_i128_i64:
        a64_vumov(b, A64_E64, d, a64_v(o[1].reg), 1);
        break;
    default:
        return JIT_ERR_UNSUPPORTED;
    }
    return JIT_OK;
}
