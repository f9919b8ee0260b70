/*
 * x64-lower.c — IR op lowering for the x86-64 backend: the named operand
 * descriptors handed to the register allocator and the emitters for the
 * integer, compare/select, bit-field and control-flow ops. Guest memory
 * and vectors are in x64-lower-mem.c and x64-lower-vec.c.
 */
#include "backend-x86_64/x64-lower.h"

#include <assert.h>

#include "jit/fatal.h"

/* Provided by the exec layer: host code for env's current pc, or NULL. */
extern const void *jit_lookup_tb_ptr(JitCpu *cpu);

#define R(x) ((RaRegSet)1 << (x))
#define NOT_AX_DX (~(R(X64_RAX) | R(X64_RDX)))
#define ANY { 0 }
#define ALIAS(i) { .alias = (i) + 1 }
#define RI32 { .imm = RA_IMM_S32 }
#define IMM { .imm = RA_IMM_ANY }
#define FIX(r) { .regs = R(r) }

/* ---------------------------------------------------------------------- */
/* Named operand descriptors                                               */

static const RaConstraint c_none = { .name = "none" };
static const RaConstraint c_r_0 = { .name = "r_0", .out = { ALIAS(0) } };
static const RaConstraint c_r_r = { .name = "r_r" };
static const RaConstraint c_r_0_ri = { .name = "r_0_ri", .out = { ALIAS(0) }, .in = { ANY, RI32 } };
static const RaConstraint c_lea = { .name = "r_r_ri_lea", .in = { ANY, RI32 } };
static const RaConstraint c_r_0_r = { .name = "r_0_r", .out = { ALIAS(0) } };
static const RaConstraint c_r_r_r = { .name = "r_r_r" };
static const RaConstraint c_shift_i = { .name = "r_0_i", .out = { ALIAS(0) }, .in = { ANY, IMM } };
static const RaConstraint c_rorx = { .name = "r_r_i", .in = { ANY, IMM } };
static const RaConstraint c_shift_cl = {
    .name = "shift_by_cl", .out = { ALIAS(0) }, .in = { ANY, FIX(X64_RCX) },
};
static const RaConstraint c_div = {
    .name = "div_rax_rdx", .clobbers = R(X64_RDX),
    .out = { { .regs = R(X64_RAX), .alias = 1 } },
    .in = { FIX(X64_RAX), { .regs = NOT_AX_DX } },
};
static const RaConstraint c_rem = {
    .name = "rem_rax_rdx", .clobbers = R(X64_RAX) | R(X64_RDX),
    .out = { FIX(X64_RDX) },
    .in = { FIX(X64_RAX), { .regs = NOT_AX_DX } },
};
static const RaConstraint c_div2 = {
    .name = "div2_rax_rdx",
    .out = { { .regs = R(X64_RAX), .alias = 1 }, { .regs = R(X64_RDX), .alias = 2 } },
    .in = { FIX(X64_RAX), FIX(X64_RDX), { .regs = NOT_AX_DX } },
};
static const RaConstraint c_mul2 = {
    .name = "mul2_rax_rdx", .clobbers = R(X64_RDX),
    .out = { { .regs = R(X64_RAX), .alias = 1 }, FIX(X64_RDX) },
    .in = { FIX(X64_RAX), { .regs = NOT_AX_DX } },
};
static const RaConstraint c_carry = {
    .name = "carry_r_0_ri_r", .out = { ALIAS(0), ANY }, .in = { ANY, RI32, ANY },
};
static const RaConstraint c_setcond = { .name = "r_r_ri", .in = { ANY, RI32 } };
static const RaConstraint c_movcond = {
    .name = "movcond_r_r_ri_r_4", .out = { ALIAS(3) }, .in = { ANY, RI32, ANY, ANY },
};
static const RaConstraint c_cmp = { .name = "cmp_r_ri", .in = { ANY, RI32 } };
static const RaConstraint c_count_fb = { .name = "count_r_1", .out = { ALIAS(1) } };
static const RaConstraint c_popcnt_swar = {
    .name = "r_r_scratch", .out = { { .flags = RA_ARG_NEWREG } }, .nb_scratch = 1,
};
static const RaConstraint c_st = { .name = "st_ri_r", .in = { RI32, ANY } };
static const RaConstraint c_lookup = {
    .name = "lookup_call", .flags = RA_OP_CALL_CLOBBER | RA_OP_SYNC_GLOBALS,
    .out = { FIX(X64_RAX) },
};

/* Ops the vector file handles (some have scalar types: extrl_i128_i64). */
static bool vec_candidate(const IrOp *op)
{
    return op->type == IR_V128 || op->type == IR_I128 || ir_op_defs[op->opc].flags & IR_OPF_VEC ||
           op->opc == IR_OP_concat_i64_i128 || op->opc == IR_OP_extrl_i128_i64 ||
           op->opc == IR_OP_extrh_i128_i64;
}

static bool in_is_const(const IrContext *ctx, const IrOp *op, unsigned i)
{
    return ir_temp_is_const(ctx, op->args[ir_op_nb_oargs(op) + i]);
}

static const RaConstraint *shift_constraint(X64Gen *g, const IrOp *op)
{
    bool rot = op->opc == IR_OP_rotl || op->opc == IR_OP_rotr;
    if (in_is_const(g->ctx, op, 1)) {
        return rot && g->feat->bmi2 ? &c_rorx : &c_shift_i;   /* rorx: non-destructive */
    }
    bool bmi2_form = op->opc == IR_OP_shl || op->opc == IR_OP_shr || op->opc == IR_OP_sar;
    return bmi2_form && g->feat->bmi2 ? &c_r_r_r : &c_shift_cl;
}

/* clz/ctz whose fallback is the width need no select (lzcnt/tzcnt give it). */
static const RaConstraint *count_constraint(X64Gen *g, const IrOp *op)
{
    bool has = op->opc == IR_OP_clz ? g->feat->lzcnt : g->feat->bmi1;
    const IrTemp *fb = ir_temp(g->ctx, op->args[2]);
    unsigned width = op->type == IR_I64 ? 64 : 32;
    if (has && fb->kind == IR_TEMP_CONST && fb->val == width) {
        return &c_r_r;
    }
    return &c_count_fb;
}

const RaConstraint *x64_constraint(void *be, const IrOp *op)
{
    X64Gen *g = be;

    if (vec_candidate(op)) {
        const RaConstraint *c = x64_vec_constraint(g, op);
        if (c) {
            return c;
        }
    }
    switch (op->opc) {
    case IR_OP_mov: case IR_OP_neg: case IR_OP_not:
    case IR_OP_bswap16: case IR_OP_bswap32: case IR_OP_bswap64:
        return &c_r_0;
    case IR_OP_extu_i32_i64: case IR_OP_exts_i32_i64: case IR_OP_extrl_i64_i32:
    case IR_OP_extrh_i64_i32: case IR_OP_extract: case IR_OP_sextract: case IR_OP_ld:
        return &c_r_r;
    case IR_OP_popcnt:
        return g->feat->popcnt ? &c_r_r : &c_popcnt_swar;
        return &c_r_r;
    case IR_OP_add:
        return &c_lea;          /* three-address through lea */
    case IR_OP_sub:
        return in_is_const(g->ctx, op, 1) ? &c_lea : &c_r_0_ri;
    case IR_OP_and: case IR_OP_or: case IR_OP_xor:
    case IR_OP_mul: case IR_OP_andc: case IR_OP_orc:
        return &c_r_0_ri;
    case IR_OP_deposit:
        return &c_r_0_r;
    case IR_OP_shl: case IR_OP_shr: case IR_OP_sar: case IR_OP_rotl: case IR_OP_rotr:
        return shift_constraint(g, op);
    case IR_OP_divu: case IR_OP_divs:
        return &c_div;
    case IR_OP_remu: case IR_OP_rems:
        return &c_rem;
    case IR_OP_divu2: case IR_OP_divs2:
        return &c_div2;
    case IR_OP_mulu2: case IR_OP_muls2:
        return &c_mul2;
    case IR_OP_addcarry: case IR_OP_subborrow:
        return &c_carry;
    case IR_OP_setcond: case IR_OP_negsetcond:
        return &c_setcond;
    case IR_OP_movcond:
        return &c_movcond;
    case IR_OP_brcond:
        return &c_cmp;
    case IR_OP_clz: case IR_OP_ctz:
        return count_constraint(g, op);
    case IR_OP_st:
        return &c_st;
    case IR_OP_goto_ptr:
        return &c_r_r;
    case IR_OP_lookup_tb:
        return &c_lookup;
    case IR_OP_guest_ld: case IR_OP_guest_st: case IR_OP_atomic_cmpxchg:
    case IR_OP_atomic_xchg: case IR_OP_atomic_fetch_add: case IR_OP_atomic_fetch_and:
    case IR_OP_atomic_fetch_or: case IR_OP_atomic_fetch_xor:
        return x64_mem_constraint(g, op);
    default:
        return &c_none;
    }
}

/* ---------------------------------------------------------------------- */
/* Helpers                                                                 */

void x64_emit_mov(X64Gen *g, IrType t, int d, int s)
{
    if (d == s) {
        return;
    }
    if (t == IR_V128 || t == IR_I128) {
        x64_sse_rr(&g->buf, X64_MOVDQA, x64_xmm(d), x64_xmm(s));
    } else {
        x64_mov_rr(&g->buf, t == IR_I64, d, s);
    }
}

static X64Cond x64_cond(IrCond c)
{
    static const X64Cond map[IR_COND_COUNT] = {
        [IR_COND_EQ] = X64_CC_E, [IR_COND_NE] = X64_CC_NE,
        [IR_COND_LT] = X64_CC_L, [IR_COND_GE] = X64_CC_GE,
        [IR_COND_LE] = X64_CC_LE, [IR_COND_GT] = X64_CC_G,
        [IR_COND_LTU] = X64_CC_B, [IR_COND_GEU] = X64_CC_AE,
        [IR_COND_LEU] = X64_CC_BE, [IR_COND_GTU] = X64_CC_A,
        [IR_COND_TSTEQ] = X64_CC_E, [IR_COND_TSTNE] = X64_CC_NE,
    };
    return map[c];
}

/* Set flags for `a c b`; cmp with 0 becomes test (same flags for every cond). */
static void emit_cmp(X64Gen *g, bool q, IrCond c, RaOperand a, RaOperand b)
{
    X64Buf *buf = &g->buf;
    if (c == IR_COND_TSTEQ || c == IR_COND_TSTNE) {
        if (b.is_imm) {
            x64_test_ri(buf, q, a.reg, (int32_t)b.imm);
        } else {
            x64_test_rr(buf, q, a.reg, b.reg);
        }
    } else if (b.is_imm && (q ? b.imm : (uint32_t)b.imm) == 0) {
        x64_test_rr(buf, q, a.reg, a.reg);
    } else if (b.is_imm) {
        x64_alu_ri(buf, X64_CMP, q, a.reg, (int32_t)b.imm);
    } else {
        x64_alu_rr(buf, X64_CMP, q, a.reg, b.reg);
    }
}

/*
 * d = a + b / a - imm (r_r_ri_lea): add/sub when d is a, else lea, which
 * leaves a intact (no copy). -INT32_MIN has no disp32: mov + sub.
 */
static void emit_add_lea(X64Gen *g, bool sub, bool q, int d, RaOperand a, RaOperand b)
{
    X64Buf *buf = &g->buf;
    if (b.is_imm && (d == a.reg || (sub && (int32_t)b.imm == INT32_MIN))) {
        if (d != a.reg) {
            x64_mov_rr(buf, q, d, a.reg);
        }
        x64_alu_ri(buf, sub ? X64_SUB : X64_ADD, q, d, (int32_t)b.imm);
    } else if (b.is_imm) {
        int32_t disp = sub ? -(int32_t)b.imm : (int32_t)b.imm;
        x64_lea(buf, q, d, x64_mem(a.reg, disp));
    } else if (sub && d == b.reg && d != a.reg) {
        x64_unary(buf, X64_NEG, q, d);            /* d = -b + a */
        x64_alu_rr(buf, X64_ADD, q, d, a.reg);
    } else if (sub) {
        if (d != a.reg) {
            x64_mov_rr(buf, q, d, a.reg);
        }
        x64_alu_rr(buf, X64_SUB, q, d, b.reg);
    } else if (d == a.reg || d == b.reg) {
        x64_alu_rr(buf, X64_ADD, q, d, d == a.reg ? b.reg : a.reg);
    } else {
        x64_lea(buf, q, d, x64_mem_idx(a.reg, b.reg, 0, 0));
    }
}

/* d op= b for two-address ALU ops with a register or imm32. */
static void emit_alu(X64Gen *g, X64Alu op, bool q, int d, RaOperand b)
{
    if (b.is_imm) {
        x64_alu_ri(&g->buf, op, q, d, (int32_t)b.imm);
    } else {
        x64_alu_rr(&g->buf, op, q, d, b.reg);
    }
}

/* ---------------------------------------------------------------------- */
/* Arithmetic and logic                                                    */

static void emit_andc_orc(X64Gen *g, bool is_or, bool q, int d, RaOperand b)
{
    X64Alu op = is_or ? X64_OR : X64_AND;
    if (b.is_imm) {
        x64_alu_ri(&g->buf, op, q, d, ~(int32_t)b.imm);
    } else {
        x64_mov_rr(&g->buf, q, X64_TMP, b.reg);
        x64_unary(&g->buf, X64_NOT, q, X64_TMP);
        x64_alu_rr(&g->buf, op, q, d, X64_TMP);
    }
}

/* The code just emitted ends with a 32-bit write of r (see X64Gen.zx_end). */
static void note_zx(X64Gen *g, int r)
{
    g->zx_reg = r;
    g->zx_end = x64_buf_offset(&g->buf) + 1;
}

static void emit_shift(X64Gen *g, const IrOp *op, const RaOperand *o)
{
    static const X64Shift kind[] = {
        [IR_OP_shl] = X64_SHL, [IR_OP_shr] = X64_SHR, [IR_OP_sar] = X64_SAR,
        [IR_OP_rotl] = X64_ROL, [IR_OP_rotr] = X64_ROR,
    };
    bool q = op->type == IR_I64;
    unsigned mask = q ? 63 : 31;
    X64Shift k = kind[op->opc];

    /* Every form below but the empty one is a 32-bit write of o[0] (i32). */
    bool write32 = !q && !(o[2].is_imm && !(o[2].imm & mask) && o[0].reg == o[1].reg);
    if (o[2].is_imm && o[0].reg != o[1].reg) {
        /* r_r_i (rorx): rotl by n is rotr by width - n */
        unsigned n = o[2].imm & mask;
        x64_rorx(&g->buf, q, o[0].reg, o[1].reg, k == X64_ROL ? (mask + 1 - n) & mask : n);
    } else if (o[2].is_imm) {
        unsigned n = o[2].imm & mask;
        if (n) {
            x64_shift_ri(&g->buf, k, q, o[0].reg, n);
        }
    } else if (o[2].reg == X64_RCX && o[0].reg == o[1].reg) {
        x64_shift_cl(&g->buf, k, q, o[0].reg);
    } else if (op->opc == IR_OP_shl) {
        x64_shlx(&g->buf, q, o[0].reg, o[1].reg, o[2].reg);
    } else if (op->opc == IR_OP_shr) {
        x64_shrx(&g->buf, q, o[0].reg, o[1].reg, o[2].reg);
    } else {
        x64_sarx(&g->buf, q, o[0].reg, o[1].reg, o[2].reg);
    }
    if (write32) {
        note_zx(g, o[0].reg);
    }
}

/*
 * divu/divs/remu/rems: x86 traps on a zero divisor and on MIN / -1 where
 * the IR only says "undefined value", so both are branched around.
 */
static void emit_div(X64Gen *g, const IrOp *op, const RaOperand *o)
{
    X64Buf *b = &g->buf;
    bool q = op->type == IR_I64;
    bool sign = op->opc == IR_OP_divs || op->opc == IR_OP_rems;
    int d = o[2].reg;

    x64_test_rr(b, q, d, d);
    size_t skip_zero = x64_jcc8_fwd(b, X64_CC_E);
    size_t skip_m1 = 0;
    if (sign) {
        x64_alu_ri(b, X64_CMP, q, d, -1);
        size_t do_div = x64_jcc8_fwd(b, X64_CC_NE);
        x64_unary(b, X64_NEG, q, X64_RAX);        /* a / -1 = -a; a % -1 = 0 */
        x64_movi(b, X64_RDX, 0);
        skip_m1 = x64_jmp32(b);
        x64_patch_rel8(b, do_div, x64_buf_offset(b));
        x64_cqo(b, q);
        x64_unary(b, X64_IDIV, q, d);
    } else {
        x64_zero(b, X64_RDX);
        x64_unary(b, X64_DIV, q, d);
    }
    size_t done = x64_jmp32(b);
    x64_patch_rel8(b, skip_zero, x64_buf_offset(b));
    x64_movi(b, X64_RDX, 0);                      /* x / 0: quotient a, remainder 0 */
    x64_patch_rel32(b, done, x64_buf_offset(b));
    if (sign) {
        x64_patch_rel32(b, skip_m1, x64_buf_offset(b));
    }
}

static void emit_carry(X64Gen *g, const IrOp *op, const RaOperand *o)
{
    bool q = op->type == IR_I64;
    X64Alu alu = op->opc == IR_OP_addcarry ? X64_ADC : X64_SBB;

    if (o[4].is_imm) {
        /* cannot happen (register constraint), kept for clarity */
        ferry_die("carry input must be a register");
    }
    x64_bt_ri(&g->buf, false, o[4].reg, 0);      /* CF = cin & 1 */
    emit_alu(g, alu, q, o[0].reg, o[3]);
    x64_setcc(&g->buf, X64_CC_B, o[1].reg);
    x64_movzx(&g->buf, 1, o[1].reg, o[1].reg);
}

static void emit_setcond(X64Gen *g, const IrOp *op, const RaOperand *o)
{
    IrCond c = ir_op_cargs((IrOp *)op)[0];
    bool q = op->type == IR_I64;
    int d = o[0].reg;

    if (c == IR_COND_NEVER || c == IR_COND_ALWAYS) {
        uint64_t v = c == IR_COND_ALWAYS ? 1 : 0;
        x64_movi(&g->buf, d, op->opc == IR_OP_negsetcond ? -v : v);
        return;
    }
    emit_cmp(g, q, c, o[1], o[2]);
    x64_setcc(&g->buf, x64_cond(c), d);
    x64_movzx(&g->buf, 1, d, d);
    if (op->opc == IR_OP_negsetcond) {
        x64_unary(&g->buf, X64_NEG, q, d);
    }
}

static void emit_movcond(X64Gen *g, const IrOp *op, const RaOperand *o)
{
    IrCond c = ir_op_cargs((IrOp *)op)[0];
    bool q = op->type == IR_I64;

    if (c == IR_COND_NEVER) {
        return;                                   /* d already holds f */
    }
    if (c == IR_COND_ALWAYS) {
        x64_mov_rr(&g->buf, q, o[0].reg, o[3].reg);
        return;
    }
    emit_cmp(g, q, c, o[1], o[2]);
    x64_cmov(&g->buf, x64_cond(c), q, o[0].reg, o[3].reg);
}

/* clz/ctz: d holds the fallback (aliased) unless the constraint was r_r. */
static void emit_count(X64Gen *g, const IrOp *op, const RaOperand *o, bool fb_in_d)
{
    X64Buf *b = &g->buf;
    bool q = op->type == IR_I64;
    bool clz = op->opc == IR_OP_clz;
    bool has = clz ? g->feat->lzcnt : g->feat->bmi1;
    int d = o[0].reg, a = o[1].reg;

    if (!fb_in_d) {
        (clz ? x64_lzcnt : x64_tzcnt)(b, q, d, a);
    } else if (has) {
        (clz ? x64_lzcnt : x64_tzcnt)(b, q, X64_TMP, a);
        x64_cmov(b, X64_CC_AE, q, d, X64_TMP);    /* CF clear: source was nonzero */
    } else {
        x64_test_rr(b, q, a, a);
        size_t skip = x64_jcc8_fwd(b, X64_CC_E);
        if (clz) {
            x64_bsr(b, q, d, a);
            x64_alu_ri(b, X64_XOR, q, d, q ? 63 : 31);
        } else {
            x64_bsf(b, q, d, a);
        }
        x64_patch_rel8(b, skip, x64_buf_offset(b));
    }
}

/* Portable popcount (no POPCNT): the SWAR sum, with a scratch register m
 * for the masks and r11 for the shifted copy. */
static void emit_popcnt_swar(X64Gen *g, bool q, int d, int a, int m)
{
    X64Buf *b = &g->buf;
    uint64_t m1 = 0x5555555555555555ull, m2 = 0x3333333333333333ull;
    uint64_t m4 = 0x0f0f0f0f0f0f0f0full, h01 = 0x0101010101010101ull;

    x64_mov_rr(b, q, d, a);
    x64_mov_rr(b, q, X64_TMP, d);                 /* x -= (x >> 1) & m1 */
    x64_shift_ri(b, X64_SHR, q, X64_TMP, 1);
    x64_movi(b, m, m1);
    x64_alu_rr(b, X64_AND, q, X64_TMP, m);
    x64_alu_rr(b, X64_SUB, q, d, X64_TMP);
    x64_mov_rr(b, q, X64_TMP, d);                 /* x = (x & m2) + ((x >> 2) & m2) */
    x64_shift_ri(b, X64_SHR, q, X64_TMP, 2);
    x64_movi(b, m, m2);
    x64_alu_rr(b, X64_AND, q, X64_TMP, m);
    x64_alu_rr(b, X64_AND, q, d, m);
    x64_alu_rr(b, X64_ADD, q, d, X64_TMP);
    x64_mov_rr(b, q, X64_TMP, d);                 /* x = (x + (x >> 4)) & m4 */
    x64_shift_ri(b, X64_SHR, q, X64_TMP, 4);
    x64_alu_rr(b, X64_ADD, q, d, X64_TMP);
    x64_movi(b, m, m4);
    x64_alu_rr(b, X64_AND, q, d, m);
    x64_movi(b, m, h01);                          /* (x * h01) >> (width - 8) */
    x64_imul_rr(b, q, d, m);
    x64_shift_ri(b, X64_SHR, q, d, q ? 56 : 24);
}

/* ---------------------------------------------------------------------- */
/* Bit fields                                                              */

static void emit_extract(X64Gen *g, const IrOp *op, const RaOperand *o, bool sign)
{
    X64Buf *b = &g->buf;
    bool q = op->type == IR_I64;
    unsigned w = q ? 64 : 32;
    unsigned pos = ir_op_cargs((IrOp *)op)[0], len = ir_op_cargs((IrOp *)op)[1];
    int d = o[0].reg, s = o[1].reg;

    if (pos == 0 && (len == 8 || len == 16)) {
        if (sign) {
            x64_movsx(b, len / 8, q, d, s);
        } else {
            x64_movzx(b, len / 8, d, s);
        }
        return;
    }
    if (pos == 0 && len == 32 && q) {
        if (sign) {
            x64_movsx(b, 4, true, d, s);
        } else {
            x64_mov_rr(b, false, d, s);
            note_zx(g, d);
        }
        return;
    }
    x64_mov_rr(b, q, d, s);
    if (pos + len < w) {
        x64_shift_ri(b, X64_SHL, q, d, w - pos - len);
    }
    if (len < w) {
        x64_shift_ri(b, sign ? X64_SAR : X64_SHR, q, d, w - len);
    }
}

/* d (== base) with bits [pos, pos+len) replaced by the low bits of val. */
static void emit_deposit(X64Gen *g, const IrOp *op, const RaOperand *o)
{
    X64Buf *b = &g->buf;
    bool q = op->type == IR_I64;
    unsigned w = q ? 64 : 32;
    unsigned pos = ir_op_cargs((IrOp *)op)[0], len = ir_op_cargs((IrOp *)op)[1];
    int d = o[0].reg;

    if (len == w) {
        x64_mov_rr(b, q, d, o[2].reg);
        return;
    }
    if (pos + len <= 31 || (q && pos == 0 && len == 32)) {
        /* Byte and word register writes (AL, AH, AX...): the field's
         * clear mask fits a sign-extended imm32 (or is the high half). */
        if (len == 8 || len == 16) {
            x64_movzx(b, len / 8, X64_TMP, o[2].reg);
        } else {
            x64_mov_rr(b, false, X64_TMP, o[2].reg);
            if (len < 32) {
                x64_alu_ri(b, X64_AND, false, X64_TMP, (int32_t)((1u << len) - 1));
            }
        }
        if (pos) {
            x64_shift_ri(b, X64_SHL, false, X64_TMP, pos);
        }
        if (len == 32) {
            x64_shift_ri(b, X64_SHR, true, d, 32);
            x64_shift_ri(b, X64_SHL, true, d, 32);
        } else {
            x64_alu_ri(b, X64_AND, q, d, (int32_t)~(((1u << len) - 1) << pos));
        }
        x64_alu_rr(b, X64_OR, q, d, X64_TMP);
        return;
    }
    x64_mov_rr(b, q, X64_TMP, o[2].reg);          /* TMP = val & mask(len) */
    x64_shift_ri(b, X64_SHL, q, X64_TMP, w - len);
    x64_shift_ri(b, X64_SHR, q, X64_TMP, w - len);
    if (pos) {
        x64_shift_ri(b, X64_ROR, q, d, pos);      /* field at bit 0 */
    }
    x64_shift_ri(b, X64_SHR, q, d, len);          /* clear it */
    x64_shift_ri(b, X64_SHL, q, d, len);
    x64_alu_rr(b, X64_OR, q, d, X64_TMP);
    if (pos) {
        x64_shift_ri(b, X64_ROL, q, d, pos);
    }
}

/* ---------------------------------------------------------------------- */
/* Type changes and host memory                                            */

static void emit_ext(X64Gen *g, const IrOp *op, const RaOperand *o)
{
    X64Buf *b = &g->buf;
    int d = o[0].reg, s = o[1].reg;

    switch (op->opc) {
    case IR_OP_extu_i32_i64: case IR_OP_extrl_i64_i32:
        if (d == s && d == g->zx_reg && g->zx_prev == x64_buf_offset(b) + 1) {
            g->zx_end = g->zx_prev;   /* a 32-bit write just zeroed the upper half */
            break;
        }
        x64_mov_rr(b, false, d, s);
        note_zx(g, d);
        break;
    case IR_OP_exts_i32_i64:
        x64_movsx(b, 4, true, d, s);
        break;
    default:    /* extrh_i64_i32 */
        x64_mov_rr(b, true, d, s);
        x64_shift_ri(b, X64_SHR, true, d, 32);
        break;
    }
}

static JitError emit_host_ld(X64Gen *g, const IrOp *op, const RaOperand *o)
{
    IrArg *ca = ir_op_cargs((IrOp *)op);
    return x64_emit_load(g, op->type, ca[1], o[0].reg, x64_mem(o[1].reg, (int32_t)ca[0]));
}

static JitError emit_host_st(X64Gen *g, const IrOp *op, const RaOperand *o)
{
    IrArg *ca = ir_op_cargs((IrOp *)op);
    return x64_emit_store(g, op->type, ca[1], o[0], x64_mem(o[1].reg, (int32_t)ca[0]), X64_TMP);
}

/* ---------------------------------------------------------------------- */
/* Control flow                                                            */

static void jump_to_label(X64Gen *g, size_t field, uint32_t label)
{
    if (g->label_off[label] >= 0) {
        x64_patch_rel32(&g->buf, field, g->label_off[label]);
    } else {
        X64Reloc r = { label, field };
        g_array_append_val(g->relocs, r);
    }
}

static void emit_brcond(X64Gen *g, const IrOp *op, const RaOperand *o)
{
    IrArg *ca = ir_op_cargs((IrOp *)op);
    IrCond c = ca[0];

    if (c == IR_COND_NEVER) {
        return;
    }
    if (c == IR_COND_ALWAYS) {
        jump_to_label(g, x64_jmp32(&g->buf), ca[1]);
        return;
    }
    emit_cmp(g, op->type == IR_I64, c, o[0], o[1]);
    jump_to_label(g, x64_jcc32(&g->buf, x64_cond(c)), ca[1]);
}

static void emit_insn_start(X64Gen *g, const IrOp *op)
{
    JitError e = jit_cg_insn_start(g->cg, op, x64_buf_offset(&g->buf));
    if (e != JIT_OK) {
        g->err = e;
    }
}

/* A jmp rel32 whose displacement is 4-byte aligned: patched by one store. */
static void emit_goto_tb(X64Gen *g, unsigned slot)
{
    X64Buf *b = &g->buf;
    unsigned mis = (x64_buf_pc(b) + 1) & 3;

    x64_nop(b, mis ? 4 - mis : 0);
    g->cg->goto_tb_jmp[slot] = x64_buf_offset(b);
    size_t field = x64_jmp32(b);
    x64_patch_rel32(b, field, field + 4);        /* unchained: fall through */
    g->cg->goto_tb_reset[slot] = x64_buf_offset(b);
    g->cg->goto_tb_used[slot] = true;
}

static void emit_exit_tb(X64Gen *g, uint64_t val)
{
    if (val == 0) {
        x64_jmp_abs(&g->buf, g->epilogue_zero, X64_TMP);
    } else {
        x64_movi(&g->buf, X64_RAX, val);
        x64_jmp_abs(&g->buf, g->epilogue, X64_TMP);
    }
}

/* d = jit_lookup_tb_ptr(env), or the return-0 epilogue when it has none. */
static void emit_lookup_tb(X64Gen *g)
{
    X64Buf *b = &g->buf;

    x64_mov_rr(b, true, X64_RDI, X64_ENV);
    x64_call_abs(b, (uintptr_t)jit_lookup_tb_ptr, X64_TMP);
    x64_movi(b, X64_TMP, g->epilogue_zero);
    x64_test_rr(b, true, X64_RAX, X64_RAX);
    x64_cmov(b, X64_CC_E, true, X64_RAX, X64_TMP);
}

static void emit_call(X64Gen *g, const IrOp *op)
{
    const IrHelper *h = ir_helper_get(ir_op_cargs((IrOp *)op)[0]);
    x64_call_abs(&g->buf, (uintptr_t)h->func, X64_TMP);
}

/* ---------------------------------------------------------------------- */
/* Dispatch                                                                */

static JitError emit_int(X64Gen *g, const IrOp *op, const RaOperand *o)
{
    X64Buf *b = &g->buf;
    bool q = op->type == IR_I64;

    switch (op->opc) {
    case IR_OP_mov:       x64_emit_mov(g, op->type, o[0].reg, o[1].reg); break;
    case IR_OP_add:       emit_add_lea(g, false, q, o[0].reg, o[1], o[2]); break;
    case IR_OP_sub:       emit_add_lea(g, true, q, o[0].reg, o[1], o[2]); break;
    case IR_OP_and:       emit_alu(g, X64_AND, q, o[0].reg, o[2]); break;
    case IR_OP_or:        emit_alu(g, X64_OR, q, o[0].reg, o[2]); break;
    case IR_OP_xor:       emit_alu(g, X64_XOR, q, o[0].reg, o[2]); break;
    case IR_OP_andc:      emit_andc_orc(g, false, q, o[0].reg, o[2]); break;
    case IR_OP_orc:       emit_andc_orc(g, true, q, o[0].reg, o[2]); break;
    case IR_OP_neg:       x64_unary(b, X64_NEG, q, o[0].reg); break;
    case IR_OP_not:       x64_unary(b, X64_NOT, q, o[0].reg); break;
    case IR_OP_mul:
        if (o[2].is_imm) {
            x64_imul_rri(b, q, o[0].reg, o[0].reg, (int32_t)o[2].imm);
        } else {
            x64_imul_rr(b, q, o[0].reg, o[2].reg);
        }
        break;
    case IR_OP_mulu2: case IR_OP_muls2:
        x64_unary(b, op->opc == IR_OP_mulu2 ? X64_MUL : X64_IMUL1, q, o[3].reg);
        break;
    case IR_OP_divu: case IR_OP_divs: case IR_OP_remu: case IR_OP_rems:
        emit_div(g, op, o);
        break;
    case IR_OP_divu2: case IR_OP_divs2:
        x64_unary(b, op->opc == IR_OP_divu2 ? X64_DIV : X64_IDIV, q, o[4].reg);
        break;
    case IR_OP_addcarry: case IR_OP_subborrow: emit_carry(g, op, o); break;
    case IR_OP_shl: case IR_OP_shr: case IR_OP_sar: case IR_OP_rotl: case IR_OP_rotr:
        emit_shift(g, op, o);
        break;
    case IR_OP_extract:   emit_extract(g, op, o, false); break;
    case IR_OP_sextract:  emit_extract(g, op, o, true); break;
    case IR_OP_deposit:   emit_deposit(g, op, o); break;
    case IR_OP_setcond: case IR_OP_negsetcond: emit_setcond(g, op, o); break;
    case IR_OP_movcond:   emit_movcond(g, op, o); break;
    case IR_OP_clz: case IR_OP_ctz:
        emit_count(g, op, o, x64_constraint(g, op) == &c_count_fb);
        break;
    case IR_OP_popcnt:
        if (g->feat->popcnt) {
            x64_popcnt(b, q, o[0].reg, o[1].reg);
        } else {
            emit_popcnt_swar(g, q, o[0].reg, o[1].reg, o[2].reg);
        }
        break;
    case IR_OP_bswap16:
        x64_rol16_8(b, o[0].reg);
        x64_movzx(b, 2, o[0].reg, o[0].reg);
        break;
    case IR_OP_bswap32:   x64_bswap(b, false, o[0].reg); break;
    case IR_OP_bswap64:   x64_bswap(b, true, o[0].reg); break;
    case IR_OP_extu_i32_i64: case IR_OP_exts_i32_i64: case IR_OP_extrl_i64_i32:
    case IR_OP_extrh_i64_i32:
        emit_ext(g, op, o);
        break;
    case IR_OP_ld:        return emit_host_ld(g, op, o);
    case IR_OP_st:        return emit_host_st(g, op, o);
    default:
        return JIT_ERR_UNSUPPORTED;
    }
    return JIT_OK;
}

JitError x64_emit(void *be, RaState *ra, const IrOp *op, const RaOperand *o)
{
    X64Gen *g = be;
    IrArg *ca = ir_op_cargs((IrOp *)op);

    g->zx_prev = g->zx_end;
    g->zx_end = 0;
    if (vec_candidate(op)) {
        JitError e = x64_emit_vec(g, op, o);
        if (e != JIT_ERR_UNSUPPORTED) {
            return e;
        }
    }
    switch (op->opc) {
    case IR_OP_insn_start: emit_insn_start(g, op); return g->err;
    case IR_OP_set_label:
        g->label_off[ca[0]] = x64_buf_offset(&g->buf);
        return JIT_OK;
    case IR_OP_br:         jump_to_label(g, x64_jmp32(&g->buf), ca[0]); return JIT_OK;
    case IR_OP_brcond:     emit_brcond(g, op, o); return JIT_OK;
    case IR_OP_goto_tb:    emit_goto_tb(g, ca[0]); return JIT_OK;
    case IR_OP_exit_tb:    emit_exit_tb(g, ca[0]); return JIT_OK;
    case IR_OP_goto_ptr:   x64_jmp_r(&g->buf, o[0].reg); return JIT_OK;
    case IR_OP_lookup_tb:  emit_lookup_tb(g); return JIT_OK;
    case IR_OP_call:       emit_call(g, op); return JIT_OK;
    case IR_OP_mb:
        if (ca[0] & IR_MB_ST_LD) {
            x64_mfence(&g->buf);                 /* x86-TSO orders everything else */
        }
        return JIT_OK;
    case IR_OP_guest_ld: case IR_OP_guest_st: case IR_OP_atomic_cmpxchg:
    case IR_OP_atomic_xchg: case IR_OP_atomic_fetch_add: case IR_OP_atomic_fetch_and:
    case IR_OP_atomic_fetch_or: case IR_OP_atomic_fetch_xor:
        return x64_emit_mem(g, ra, op, o);
    default:
        return emit_int(g, op, o);
    }
}
