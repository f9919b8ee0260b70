/*
 * la64-lower.c — IR op lowering for the loongarch64 backend: the named
 * operand descriptors handed to the register allocator and the emitters for
 * the integer, compare/select, bit-field, bit-count and branch ops.
 * Memory ops are in la64-lower-mem.c, vectors in la64-lower-vec.c, block
 * exits, calls and barriers in la64-lower-ctl.c. LoongArch is three-address, so no
 * descriptor needs two-address aliasing; immediates are accepted everywhere
 * the emitter can materialize them into a scratch register.
 *
 * i32 values may carry garbage in bits 63..32 (docs/ir.md): every op that
 * reads an i32 input with a 64-bit instruction (compares, divisions,
 * right shifts by register, counts, carries) extends it first.
 */
#include "backend-loongarch/la64-lower.h"

#include "jit/fatal.h"

#define R(x) ((RaRegSet)1 << (x))
#define ANY { 0 }
#define IMM { .imm = RA_IMM_ANY }
#define NEW { .flags = RA_ARG_NEWREG }

/* ---------------------------------------------------------------------- */
/* Named operand descriptors                                               */

static const RaConstraint c_none = { .name = "none" };
static const RaConstraint c_r_r = { .name = "r_r" };
static const RaConstraint c_r_ri_ri = { .name = "r_ri_ri", .in = { IMM, IMM } };
static const RaConstraint c_r_ri_ri_r_r = { .name = "r_ri_ri_r_r", .in = { IMM, IMM, ANY, ANY } };
static const RaConstraint c_ri_ri = { .name = "ri_ri", .in = { IMM, IMM } };
static const RaConstraint c_rr_ri_ri = { .name = "rr_ri_ri", .in = { IMM, IMM } };
static const RaConstraint c_rr_ri_ri_ri = { .name = "rr_ri_ri_ri", .in = { IMM, IMM, IMM } };
static const RaConstraint c_carry = { .name = "nn_ri_ri_ri", .out = { NEW, NEW }, .in = { IMM, IMM, IMM } };
/* divu2/divs2 i64: a 64-step shift-subtract loop needs three scratch. */
static const RaConstraint c_div2_loop = {
    .name = "div2_loop_3s", .nb_scratch = 3, .out = { NEW, NEW }, .in = { ANY, ANY, ANY },
};
static const RaConstraint c_r_r_2s = { .name = "r_r_2s", .nb_scratch = 2 };
static const RaConstraint c_lookup = {
    .name = "lookup_call", .flags = RA_OP_CALL_CLOBBER | RA_OP_SYNC_GLOBALS,
    .out = { { .regs = R(LA64_A0) } },
};

const RaConstraint *la64_constraint(void *be, const IrOp *op)
{
    La64Gen *g = be;
    const RaConstraint *mc = la64_vec_constraint(g, op);

    if (!mc) {
        mc = la64_mem_constraint(g, op);
    }
    if (mc) {
        return mc;
    }
    switch (op->opc) {
    case IR_OP_mov: case IR_OP_neg: case IR_OP_not:
    case IR_OP_bswap16: case IR_OP_bswap32: case IR_OP_bswap64:
    case IR_OP_extu_i32_i64: case IR_OP_exts_i32_i64: case IR_OP_extrl_i64_i32:
    case IR_OP_extrh_i64_i32: case IR_OP_extract: case IR_OP_sextract:
    case IR_OP_goto_ptr:
        return &c_r_r;
    case IR_OP_popcnt:
        return &c_r_r_2s;
    case IR_OP_add: case IR_OP_sub: case IR_OP_and: case IR_OP_or: case IR_OP_xor:
    case IR_OP_andc: case IR_OP_orc: case IR_OP_mul:
    case IR_OP_shl: case IR_OP_shr: case IR_OP_sar: case IR_OP_rotl: case IR_OP_rotr:
    case IR_OP_divu: case IR_OP_divs: case IR_OP_remu: case IR_OP_rems:
    case IR_OP_setcond: case IR_OP_negsetcond: case IR_OP_deposit:
    case IR_OP_clz: case IR_OP_ctz:
        return &c_r_ri_ri;
    case IR_OP_movcond:
        return &c_r_ri_ri_r_r;
    case IR_OP_brcond:
        return &c_ri_ri;
    case IR_OP_mulu2: case IR_OP_muls2:
        return &c_rr_ri_ri;
    case IR_OP_divu2: case IR_OP_divs2:
        return op->type == IR_I64 ? &c_div2_loop : &c_rr_ri_ri_ri;
    case IR_OP_addcarry: case IR_OP_subborrow:
        return &c_carry;
    case IR_OP_lookup_tb:
        return &c_lookup;
    default:
        return &c_none;
    }
}

/* ---------------------------------------------------------------------- */
/* Shared helpers                                                          */

void la64_sext32(La64Gen *g, int rd, int rj)
{
    la64_addi_w(&g->buf, rd, rj, 0);
}

int la64_opnd_reg(La64Gen *g, RaOperand o, int tmp, bool i32_sext)
{
    if (!o.is_imm) {
        return o.reg;
    }
    uint64_t v = i32_sext ? (uint64_t)(int64_t)(int32_t)o.imm : o.imm;
    if (v == 0) {
        return LA64_ZERO;
    }
    la64_movi64(&g->buf, tmp, v);
    return tmp;
}

/* An input for a 64-bit instruction reading an i32 value: sign-extended
 * into tmp (i32), or as it is (i64). */
static int in_ext(La64Gen *g, bool q, RaOperand o, int tmp)
{
    int r = la64_opnd_reg(g, o, tmp, !q);
    if (!q && !o.is_imm) {
        la64_sext32(g, tmp, r);
        return tmp;
    }
    return r;
}

/* The same, zero-extended for i32. */
static int in_zext(La64Gen *g, bool q, RaOperand o, int tmp)
{
    int r = la64_opnd_reg(g, o, tmp, false);
    if (!q && r != LA64_ZERO) {
        la64_bstrpick_d(&g->buf, tmp, r, 31, 0);
        return tmp;
    }
    return r;
}

void la64_jump_abs(La64Gen *g, uintptr_t target, bool link)
{
    int64_t off = (int64_t)(target - la64_gen_pc(g));
    if (off >= -(1 << 27) && off < (1 << 27)) {
        (link ? la64_bl : la64_b)(&g->buf, off);
    } else {
        la64_jump_far(&g->buf, link ? LA64_RA : LA64_ZERO, off, LA64_TMP0);
    }
}

static void emit_mov(La64Gen *g, int d, int s)
{
    if (d != s) {
        la64_mov(&g->buf, d, s);
    }
}

/* ---------------------------------------------------------------------- */
/* Arithmetic and logic                                                    */

/* d = a OP b for the plain three-register ALU ops. */
static JitError emit_alu(La64Gen *g, const IrOp *op, const RaOperand *o)
{
    La64Buf *b = &g->buf;
    bool q = op->type == IR_I64;
    int d = o[0].reg;
    int x = la64_opnd_reg(g, o[1], LA64_TMP0, false);
    int y = la64_opnd_reg(g, o[2], LA64_TMP1, false);

    switch (op->opc) {
    case IR_OP_add:  (q ? la64_add_d : la64_add_w)(b, d, x, y); break;
    case IR_OP_sub:  (q ? la64_sub_d : la64_sub_w)(b, d, x, y); break;
    case IR_OP_mul:  (q ? la64_mul_d : la64_mul_w)(b, d, x, y); break;
    case IR_OP_and:  la64_and(b, d, x, y); break;
    case IR_OP_or:   la64_or(b, d, x, y); break;
    case IR_OP_xor:  la64_xor(b, d, x, y); break;
    case IR_OP_andc: la64_andn(b, d, x, y); break;
    case IR_OP_orc:  la64_orn(b, d, x, y); break;
    default:         return JIT_ERR_UNSUPPORTED;
    }
    return JIT_OK;
}

/* Shifts and rotates: the .W forms read bits 31..0 and use count mod 32. */
static void emit_shift(La64Gen *g, const IrOp *op, const RaOperand *o)
{
    La64Buf *b = &g->buf;
    bool q = op->type == IR_I64;
    unsigned mask = q ? 63 : 31;
    int d = o[0].reg;
    int a = la64_opnd_reg(g, o[1], LA64_TMP0, false);

    if (o[2].is_imm) {
        unsigned n = o[2].imm & mask;
        switch (op->opc) {
        case IR_OP_shl:  (q ? la64_slli_d : la64_slli_w)(b, d, a, n); break;
        case IR_OP_shr:  (q ? la64_srli_d : la64_srli_w)(b, d, a, n); break;
        case IR_OP_sar:  (q ? la64_srai_d : la64_srai_w)(b, d, a, n); break;
        case IR_OP_rotl: (q ? la64_rotri_d : la64_rotri_w)(b, d, a, (mask + 1 - n) & mask); break;
        default:         (q ? la64_rotri_d : la64_rotri_w)(b, d, a, n); break;
        }
        return;
    }
    int c = o[2].reg;
    switch (op->opc) {
    case IR_OP_shl:  (q ? la64_sll_d : la64_sll_w)(b, d, a, c); break;
    case IR_OP_shr:  (q ? la64_srl_d : la64_srl_w)(b, d, a, c); break;
    case IR_OP_sar:  (q ? la64_sra_d : la64_sra_w)(b, d, a, c); break;
    case IR_OP_rotl:
        la64_sub_d(b, LA64_TMP1, LA64_ZERO, c);           /* rotl n = rotr -n */
        (q ? la64_rotr_d : la64_rotr_w)(b, d, a, LA64_TMP1);
        break;
    default:         (q ? la64_rotr_d : la64_rotr_w)(b, d, a, c); break;
    }
}

/*
 * divu/divs/remu/rems: LoongArch never traps on division. The .W forms are
 * only defined for sign-extended inputs, so i32 inputs are extended (the
 * unsigned .WU forms read bits 31..0 of the same sign-extended values).
 */
static void emit_div(La64Gen *g, const IrOp *op, const RaOperand *o)
{
    La64Buf *b = &g->buf;
    bool q = op->type == IR_I64;
    int x = in_ext(g, q, o[1], LA64_TMP0);
    int y = in_ext(g, q, o[2], LA64_TMP1);
    int d = o[0].reg;

    switch (op->opc) {
    case IR_OP_divu: (q ? la64_div_du : la64_div_wu)(b, d, x, y); break;
    case IR_OP_divs: (q ? la64_div_d : la64_div_w)(b, d, x, y); break;
    case IR_OP_remu: (q ? la64_mod_du : la64_mod_wu)(b, d, x, y); break;
    default:         (q ? la64_mod_d : la64_mod_w)(b, d, x, y); break;
    }
}

/* lo, hi = a * b: computed into TMP2/TMP0 first (outputs may share an input). */
static void emit_mul2(La64Gen *g, const IrOp *op, const RaOperand *o)
{
    La64Buf *b = &g->buf;
    bool q = op->type == IR_I64, s = op->opc == IR_OP_muls2;
    int x = la64_opnd_reg(g, o[2], LA64_TMP0, false);
    int y = la64_opnd_reg(g, o[3], LA64_TMP1, false);

    if (q) {
        la64_mul_d(b, LA64_TMP2, x, y);
        (s ? la64_mulh_d : la64_mulh_du)(b, LA64_TMP0, x, y);
    } else {
        la64_mul_w(b, LA64_TMP2, x, y);
        (s ? la64_mulh_w : la64_mulh_wu)(b, LA64_TMP0, x, y);
    }
    emit_mov(g, o[0].reg, LA64_TMP2);
    emit_mov(g, o[1].reg, LA64_TMP0);
}

/* i32 divu2/divs2: the 64-bit dividend hi:lo fits one register. */
static void emit_div2_i32(La64Gen *g, const IrOp *op, const RaOperand *o)
{
    La64Buf *b = &g->buf;
    bool s = op->opc == IR_OP_divs2;
    int lo = la64_opnd_reg(g, o[2], LA64_TMP0, false);
    int hi = la64_opnd_reg(g, o[3], LA64_TMP1, false);

    la64_bstrpick_d(b, LA64_TMP2, lo, 31, 0);
    la64_bstrins_d(b, LA64_TMP2, hi, 63, 32);        /* TMP2 = hi:lo */
    int dv = s ? in_ext(g, false, o[4], LA64_TMP0) : in_zext(g, false, o[4], LA64_TMP0);
    (s ? la64_mod_d : la64_mod_du)(b, LA64_TMP1, LA64_TMP2, dv);
    (s ? la64_div_d : la64_div_du)(b, LA64_TMP2, LA64_TMP2, dv);
    emit_mov(g, o[0].reg, LA64_TMP2);
    emit_mov(g, o[1].reg, LA64_TMP1);
}

/*
 * i64 divu2/divs2: 128-by-64 division as an inline 64-step restoring
 * shift-subtract loop (no helper library exists in the standalone tests,
 * and no 128-bit divide instruction). Signed: divide the magnitudes and fix
 * the signs (quotient negative when the signs differ, remainder takes the
 * dividend's sign). Outputs q, r are NEWREG; s0..s2 are scratch.
 */
static void emit_div2_i64(La64Gen *g, const IrOp *op, const RaOperand *o)
{
    La64Buf *b = &g->buf;
    bool sgn = op->opc == IR_OP_divs2;
    int q = o[0].reg, r = o[1].reg;
    int lo = o[2].reg, hi = o[3].reg, dv = o[4].reg;
    int d = o[5].reg, cnt = o[6].reg, sign = o[7].reg;

    emit_mov(g, q, lo);
    emit_mov(g, r, hi);
    emit_mov(g, d, dv);
    if (sgn) {
        /* sign bit 0: dividend negative; bit 1: quotient negative */
        la64_srli_d(b, sign, r, 63);
        la64_xor(b, LA64_TMP0, r, d);
        la64_srli_d(b, LA64_TMP0, LA64_TMP0, 63);
        la64_slli_d(b, LA64_TMP0, LA64_TMP0, 1);
        la64_or(b, sign, sign, LA64_TMP0);
        /* |hi:lo|: if negative, negate the 128-bit pair */
        la64_andi(b, LA64_TMP0, sign, 1);
        la64_beqz(b, LA64_TMP0, 6 * 4);
        la64_sub_d(b, q, LA64_ZERO, q);
        la64_sltu(b, LA64_TMP0, LA64_ZERO, q);          /* borrow = lo != 0 */
        la64_nor(b, r, r, LA64_ZERO);
        la64_addi_d(b, r, r, 1);
        la64_sub_d(b, r, r, LA64_TMP0);
        /* |d| */
        la64_srai_d(b, LA64_TMP0, d, 63);
        la64_xor(b, d, d, LA64_TMP0);
        la64_sub_d(b, d, d, LA64_TMP0);
    }
    la64_addi_d(b, cnt, LA64_ZERO, 64);
    /* loop: carry = r >> 63; r = r << 1 | q >> 63; q <<= 1;
     *       if (carry | (r >= d)) { r -= d; q |= 1; } */
    size_t loop = b->len;
    la64_srli_d(b, LA64_TMP0, r, 63);
    la64_slli_d(b, r, r, 1);
    la64_srli_d(b, LA64_TMP1, q, 63);
    la64_or(b, r, r, LA64_TMP1);
    la64_slli_d(b, q, q, 1);
    la64_sltu(b, LA64_TMP1, r, d);
    la64_xori(b, LA64_TMP1, LA64_TMP1, 1);           /* r >= d */
    la64_or(b, LA64_TMP0, LA64_TMP0, LA64_TMP1);
    la64_beqz(b, LA64_TMP0, 3 * 4);
    la64_sub_d(b, r, r, d);
    la64_ori(b, q, q, 1);
    la64_addi_d(b, cnt, cnt, -1);
    la64_bnez(b, cnt, -(int64_t)(b->len - loop) * 4);
    if (sgn) {
        la64_andi(b, LA64_TMP0, sign, 2);
        la64_beqz(b, LA64_TMP0, 2 * 4);
        la64_sub_d(b, q, LA64_ZERO, q);
        la64_andi(b, LA64_TMP0, sign, 1);
        la64_beqz(b, LA64_TMP0, 2 * 4);
        la64_sub_d(b, r, LA64_ZERO, r);
    }
}

/* d, cout = a + b + (cin & 1); d, bout = a - b - (bin & 1). The outputs
 * are NEWREG, so they serve as temporaries. */
static void emit_carry(La64Gen *g, const IrOp *op, const RaOperand *o)
{
    La64Buf *b = &g->buf;
    bool q = op->type == IR_I64, add = op->opc == IR_OP_addcarry;
    int d = o[0].reg, c = o[1].reg;
    int cin = la64_opnd_reg(g, o[4], LA64_TMP2, false);

    la64_andi(b, LA64_TMP2, cin, 1);
    if (!q) {
        /* on zero-extended values: the carry/borrow is bit 32 / the sign */
        int x = in_zext(g, false, o[2], LA64_TMP0);
        int y = in_zext(g, false, o[3], LA64_TMP1);
        (add ? la64_add_d : la64_sub_d)(b, d, x, y);
        (add ? la64_add_d : la64_sub_d)(b, d, d, LA64_TMP2);
        la64_srli_d(b, c, d, add ? 32 : 63);
        la64_andi(b, c, c, 1);
        return;
    }
    int x = la64_opnd_reg(g, o[2], LA64_TMP0, false);
    int y = la64_opnd_reg(g, o[3], LA64_TMP1, false);
    if (add) {
        la64_add_d(b, d, x, y);                          /* t = a + b */
        la64_sltu(b, c, d, y);                           /* c1 = t < b */
        la64_add_d(b, d, d, LA64_TMP2);
        la64_sltu(b, LA64_TMP2, d, LA64_TMP2);           /* c2 = t + cin < cin */
        la64_or(b, c, c, LA64_TMP2);
    } else {
        la64_sltu(b, c, x, y);                           /* b1 = a < b */
        la64_sub_d(b, d, x, y);                          /* t = a - b */
        la64_sltu(b, LA64_TMP0, d, LA64_TMP2);           /* b2 = t < bin */
        la64_sub_d(b, d, d, LA64_TMP2);
        la64_or(b, c, c, LA64_TMP0);
    }
}

/* ---------------------------------------------------------------------- */
/* Compare and select                                                      */

/*
 * d = (a c b) ? 1 : 0 for a real condition (not never/always). i32 inputs
 * are sign-extended, which keeps both signed and unsigned order. May use
 * TMP0 and TMP1; d may be either of them.
 */
static void emit_cond_bool(La64Gen *g, bool q, IrCond c, int d, RaOperand oa, RaOperand ob)
{
    La64Buf *b = &g->buf;
    int x = in_ext(g, q, oa, LA64_TMP0);
    int y = in_ext(g, q, ob, LA64_TMP1);

    switch (c) {
    case IR_COND_EQ: case IR_COND_NE: case IR_COND_TSTEQ: case IR_COND_TSTNE:
        if (c == IR_COND_EQ || c == IR_COND_NE) {
            la64_xor(b, d, x, y);
        } else {
            la64_and(b, d, x, y);
        }
        if (c == IR_COND_EQ || c == IR_COND_TSTEQ) {
            la64_sltui(b, d, d, 1);
        } else {
            la64_sltu(b, d, LA64_ZERO, d);
        }
        break;
    case IR_COND_LT:  la64_slt(b, d, x, y); break;
    case IR_COND_GT:  la64_slt(b, d, y, x); break;
    case IR_COND_GE:  la64_slt(b, d, x, y); la64_xori(b, d, d, 1); break;
    case IR_COND_LE:  la64_slt(b, d, y, x); la64_xori(b, d, d, 1); break;
    case IR_COND_LTU: la64_sltu(b, d, x, y); break;
    case IR_COND_GTU: la64_sltu(b, d, y, x); break;
    case IR_COND_GEU: la64_sltu(b, d, x, y); la64_xori(b, d, d, 1); break;
    default:          la64_sltu(b, d, y, x); la64_xori(b, d, d, 1); break;   /* LEU */
    }
}

static void emit_setcond(La64Gen *g, const IrOp *op, const RaOperand *o)
{
    IrCond c = ir_op_cargs((IrOp *)op)[0];
    bool neg = op->opc == IR_OP_negsetcond;
    int d = o[0].reg;

    if (c == IR_COND_NEVER || c == IR_COND_ALWAYS) {
        la64_movi64(&g->buf, d, c == IR_COND_ALWAYS ? (neg ? ~0ull : 1) : 0);
        return;
    }
    emit_cond_bool(g, op->type == IR_I64, c, d, o[1], o[2]);
    if (neg) {
        la64_sub_d(&g->buf, d, LA64_ZERO, d);
    }
}

/* d = c ? vt : vf with MASKEQZ/MASKNEZ on the condition's 0/1. */
static void emit_movcond(La64Gen *g, const IrOp *op, const RaOperand *o)
{
    La64Buf *b = &g->buf;
    IrCond c = ir_op_cargs((IrOp *)op)[0];
    int d = o[0].reg, vt = o[3].reg, vf = o[4].reg;

    if (c == IR_COND_NEVER || c == IR_COND_ALWAYS) {
        emit_mov(g, d, c == IR_COND_ALWAYS ? vt : vf);
        return;
    }
    emit_cond_bool(g, op->type == IR_I64, c, LA64_TMP0, o[1], o[2]);
    la64_maskeqz(b, LA64_TMP1, vt, LA64_TMP0);
    la64_masknez(b, LA64_TMP0, vf, LA64_TMP0);
    la64_or(b, d, LA64_TMP0, LA64_TMP1);
}

/* A B to `label`: resolved now if placed, else recorded. */
static void branch_to_label(La64Gen *g, uint32_t label)
{
    if (g->label_insn[label] >= 0) {
        la64_b(&g->buf, ((int64_t)g->label_insn[label] - (int64_t)g->buf.len) * 4);
    } else {
        La64Reloc r = { label, (uint32_t)g->buf.len };
        g_array_append_val(g->relocs, r);
        la64_b(&g->buf, 0);
    }
}

/*
 * brcond: the inverted compare-and-branch skips a B to the label, so the
 * label may be anywhere within B's +-128 MiB.
 */
static void emit_brcond(La64Gen *g, const IrOp *op, const RaOperand *o)
{
    La64Buf *b = &g->buf;
    IrArg *ca = ir_op_cargs((IrOp *)op);
    IrCond c = ca[0];
    bool q = op->type == IR_I64;

    if (c == IR_COND_NEVER) {
        return;
    }
    if (c != IR_COND_ALWAYS) {
        int x = in_ext(g, q, o[0], LA64_TMP0);
        int y = in_ext(g, q, o[1], LA64_TMP1);
        const int64_t skip = 8;
        switch (c) {
        case IR_COND_EQ:  la64_bne(b, x, y, skip); break;
        case IR_COND_NE:  la64_beq(b, x, y, skip); break;
        case IR_COND_LT:  la64_bge(b, x, y, skip); break;
        case IR_COND_GE:  la64_blt(b, x, y, skip); break;
        case IR_COND_LE:  la64_blt(b, y, x, skip); break;
        case IR_COND_GT:  la64_bge(b, y, x, skip); break;
        case IR_COND_LTU: la64_bgeu(b, x, y, skip); break;
        case IR_COND_GEU: la64_bltu(b, x, y, skip); break;
        case IR_COND_LEU: la64_bltu(b, y, x, skip); break;
        case IR_COND_GTU: la64_bgeu(b, y, x, skip); break;
        default:
            la64_and(b, LA64_TMP0, x, y);
            (c == IR_COND_TSTEQ ? la64_bnez : la64_beqz)(b, LA64_TMP0, skip);
            break;
        }
    }
    branch_to_label(g, ca[1]);
}

/* ---------------------------------------------------------------------- */
/* Bit counting, byte swaps, bit fields, type changes                      */

/* d = a ? count(a) : fb. CLZ.W/CTZ.W read bits 31..0 and give 32 for 0. */
static void emit_count(La64Gen *g, const IrOp *op, const RaOperand *o)
{
    La64Buf *b = &g->buf;
    bool q = op->type == IR_I64, clz = op->opc == IR_OP_clz;
    int a = in_ext(g, q, o[1], LA64_TMP0);

    if (clz) {
        (q ? la64_clz_d : la64_clz_w)(b, LA64_TMP1, a);
    } else {
        (q ? la64_ctz_d : la64_ctz_w)(b, LA64_TMP1, a);
    }
    if (o[2].is_imm && o[2].imm == (q ? 64u : 32u)) {
        emit_mov(g, o[0].reg, LA64_TMP1);
        return;
    }
    la64_maskeqz(b, LA64_TMP1, LA64_TMP1, a);
    int fb = la64_opnd_reg(g, o[2], LA64_TMP2, false);
    la64_masknez(b, LA64_TMP2, fb, a);
    la64_or(b, o[0].reg, LA64_TMP1, LA64_TMP2);
}

/* No population count instruction: the SWAR sum (m1, m2 = scratch). */
static void emit_popcnt(La64Gen *g, const IrOp *op, const RaOperand *o)
{
    La64Buf *b = &g->buf;
    bool q = op->type == IR_I64;
    int d = o[0].reg, m = o[2].reg, x = o[3].reg;

    if (q) {
        emit_mov(g, x, o[1].reg);
    } else {
        la64_bstrpick_d(b, x, o[1].reg, 31, 0);
    }
    la64_srli_d(b, LA64_TMP0, x, 1);                      /* x -= (x >> 1) & m1 */
    la64_movi64(b, m, 0x5555555555555555ull);
    la64_and(b, LA64_TMP0, LA64_TMP0, m);
    la64_sub_d(b, x, x, LA64_TMP0);
    la64_srli_d(b, LA64_TMP0, x, 2);                      /* (x & m2) + ((x >> 2) & m2) */
    la64_movi64(b, m, 0x3333333333333333ull);
    la64_and(b, LA64_TMP0, LA64_TMP0, m);
    la64_and(b, x, x, m);
    la64_add_d(b, x, x, LA64_TMP0);
    la64_srli_d(b, LA64_TMP0, x, 4);                      /* (x + (x >> 4)) & m4 */
    la64_add_d(b, x, x, LA64_TMP0);
    la64_movi64(b, m, 0x0f0f0f0f0f0f0f0full);
    la64_and(b, x, x, m);
    la64_movi64(b, m, 0x0101010101010101ull);             /* (x * h01) >> 56 */
    la64_mul_d(b, x, x, m);
    la64_srli_d(b, d, x, 56);
}

static void emit_bswap(La64Gen *g, const IrOp *op, const RaOperand *o)
{
    La64Buf *b = &g->buf;
    int d = o[0].reg, a = o[1].reg;

    switch (op->opc) {
    case IR_OP_bswap16:
        la64_revb_2h(b, d, a);
        la64_bstrpick_d(b, d, d, 15, 0);
        break;
    case IR_OP_bswap32:
        la64_revb_2w(b, d, a);
        la64_bstrpick_d(b, d, d, 31, 0);
        break;
    default:
        la64_revb_d(b, d, a);
        break;
    }
}

static void emit_extract(La64Gen *g, const IrOp *op, const RaOperand *o, bool sign)
{
    La64Buf *b = &g->buf;
    unsigned pos = ir_op_cargs((IrOp *)op)[0], len = ir_op_cargs((IrOp *)op)[1];
    int d = o[0].reg, s = o[1].reg;

    if (!sign) {
        la64_bstrpick_d(b, d, s, pos + len - 1, pos);
    } else if (pos + len == 64) {
        la64_srai_d(b, d, s, pos);
    } else {
        la64_slli_d(b, d, s, 64 - pos - len);
        la64_srai_d(b, d, d, 64 - len);
    }
}

/* d = base with bits [pos, pos+len) from val (built in TMP0: d may be val). */
static void emit_deposit(La64Gen *g, const IrOp *op, const RaOperand *o)
{
    unsigned pos = ir_op_cargs((IrOp *)op)[0], len = ir_op_cargs((IrOp *)op)[1];
    int base = la64_opnd_reg(g, o[1], LA64_TMP1, false);
    int val = la64_opnd_reg(g, o[2], LA64_TMP2, false);

    emit_mov(g, LA64_TMP0, base);
    la64_bstrins_d(&g->buf, LA64_TMP0, val, pos + len - 1, pos);
    emit_mov(g, o[0].reg, LA64_TMP0);
}

static void emit_ext(La64Gen *g, const IrOp *op, const RaOperand *o)
{
    La64Buf *b = &g->buf;
    int d = o[0].reg, s = o[1].reg;

    switch (op->opc) {
    case IR_OP_extu_i32_i64: la64_bstrpick_d(b, d, s, 31, 0); break;
    case IR_OP_exts_i32_i64: la64_sext32(g, d, s); break;
    case IR_OP_extrl_i64_i32: emit_mov(g, d, s); break;
    default:                 la64_srai_d(b, d, s, 32); break;   /* extrh */
    }
}

/* ---------------------------------------------------------------------- */
/* Dispatch                                                                */

static JitError emit_int(La64Gen *g, const IrOp *op, const RaOperand *o)
{
    switch (op->opc) {
    case IR_OP_mov:       emit_mov(g, o[0].reg, o[1].reg); break;
    case IR_OP_add: case IR_OP_sub: case IR_OP_mul: case IR_OP_and: case IR_OP_or:
    case IR_OP_xor: case IR_OP_andc: case IR_OP_orc:
        return emit_alu(g, op, o);
    case IR_OP_neg:       la64_sub_d(&g->buf, o[0].reg, LA64_ZERO, o[1].reg); break;
    case IR_OP_not:       la64_nor(&g->buf, o[0].reg, o[1].reg, LA64_ZERO); break;
    case IR_OP_shl: case IR_OP_shr: case IR_OP_sar: case IR_OP_rotl: case IR_OP_rotr:
        emit_shift(g, op, o);
        break;
    case IR_OP_divu: case IR_OP_divs: case IR_OP_remu: case IR_OP_rems:
        emit_div(g, op, o);
        break;
    case IR_OP_mulu2: case IR_OP_muls2: emit_mul2(g, op, o); break;
    case IR_OP_divu2: case IR_OP_divs2:
        if (op->type == IR_I64) {
            emit_div2_i64(g, op, o);
        } else {
            emit_div2_i32(g, op, o);
        }
        break;
    case IR_OP_addcarry: case IR_OP_subborrow: emit_carry(g, op, o); break;
    case IR_OP_setcond: case IR_OP_negsetcond: emit_setcond(g, op, o); break;
    case IR_OP_movcond:   emit_movcond(g, op, o); break;
    case IR_OP_clz: case IR_OP_ctz: emit_count(g, op, o); break;
    case IR_OP_popcnt:    emit_popcnt(g, op, o); break;
    case IR_OP_bswap16: case IR_OP_bswap32: case IR_OP_bswap64: emit_bswap(g, op, o); break;
    case IR_OP_extract:   emit_extract(g, op, o, false); break;
    case IR_OP_sextract:  emit_extract(g, op, o, true); break;
    case IR_OP_deposit:   emit_deposit(g, op, o); break;
    case IR_OP_extu_i32_i64: case IR_OP_exts_i32_i64: case IR_OP_extrl_i64_i32:
    case IR_OP_extrh_i64_i32:
        emit_ext(g, op, o);
        break;
    default:
        return JIT_ERR_UNSUPPORTED;
    }
    return JIT_OK;
}

static JitError emit_op(La64Gen *g, RaState *ra, const IrOp *op, const RaOperand *o)
{
    IrArg *ca = ir_op_cargs((IrOp *)op);
    JitError e;

    e = la64_emit_vec(g, ra, op, o);
    if (e != JIT_ERR_UNSUPPORTED || op->type == IR_V128 || op->type == IR_I128) {
        return e;
    }
    switch (op->opc) {
    case IR_OP_set_label:
        g->label_insn[ca[0]] = (int32_t)g->buf.len;
        return JIT_OK;
    case IR_OP_br:         branch_to_label(g, ca[0]); return JIT_OK;
    case IR_OP_brcond:     emit_brcond(g, op, o); return JIT_OK;
    default:
        e = la64_emit_ctl(g, op, o);
        if (e != JIT_ERR_UNSUPPORTED) {
            return e;
        }
        e = la64_emit_mem(g, ra, op, o);
        return e == JIT_ERR_UNSUPPORTED ? emit_int(g, op, o) : e;
    }
}

/*
 * `tso` guest accesses (docs/memory-model.md), scalar and vector alike:
 * DBAR 0x12 (earlier reads and writes before later writes) ahead of a
 * store, DBAR 0x14 (earlier reads before later reads and writes) after a
 * load, after the slow path's return point so both paths pass it.
 */
JitError la64_emit_op(void *be, RaState *ra, const IrOp *op, const RaOperand *o)
{
    La64Gen *g = be;
    bool mem = op->opc == IR_OP_guest_ld || op->opc == IR_OP_guest_st;
    bool tso = mem && (ir_op_cargs((IrOp *)op)[0] & IR_MO_TSO);

    if (tso && op->opc == IR_OP_guest_st) {
        la64_dbar(&g->buf, LA64_DBAR_RELEASE);
    }
    JitError e = emit_op(g, ra, op, o);
    if (tso && op->opc == IR_OP_guest_ld && e == JIT_OK) {
        la64_dbar(&g->buf, LA64_DBAR_ACQUIRE);
    }
    return e;
}
