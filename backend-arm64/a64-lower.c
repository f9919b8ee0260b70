/*
 * a64-lower.c — IR op lowering for the arm64 backend: the named operand
 * descriptors handed to the register allocator and the emitters for the
 * integer, compare/select, bit-field and control-flow ops (three-address
 * A64, i32 ops in W registers). Guest memory and vectors are in
 * a64-lower-mem.c and a64-lower-vec.c.
 */
#include "backend-arm64/a64-lower.h"

#include <stddef.h>

#include "jit/fatal.h"

/* Provided by the exec layer: host code for env's current pc, or NULL. */
extern const void *jit_lookup_tb_ptr(JitCpu *cpu);

#define R(x) ((RaRegSet)1 << (x))
#define ANY { 0 }
#define IMM { .imm = RA_IMM_ANY }
#define FIX(r) { .regs = R(r) }

/* ---------------------------------------------------------------------- */
/* Named operand descriptors                                               */

static const RaConstraint c_none = { .name = "none" };
static const RaConstraint c_r_r = { .name = "r_r" };
static const RaConstraint c_r_r_ri = { .name = "r_r_ri", .in = { ANY, IMM } };
static const RaConstraint c_r_r_ri_ri = { .name = "r_r_ri_ri", .in = { ANY, IMM, IMM } };
static const RaConstraint c_rr_r_ri = { .name = "rr_r_ri", .in = { ANY, IMM } };
static const RaConstraint c_carry = { .name = "rr_r_ri_r", .in = { ANY, IMM, ANY } };
static const RaConstraint c_movcond = {
    .name = "r_r_ri_ri_ri", .in = { ANY, IMM, IMM, IMM },
};
static const RaConstraint c_cmp = { .name = "cmp_r_ri", .in = { ANY, IMM } };
static const RaConstraint c_st = { .name = "st_ri_r", .in = { IMM, ANY } };
/* divu2/divs2.i64: out-of-line 128/64 division helper, result in x0:x1 */
static const RaConstraint c_div2_call = {
    .name = "div2_call", .flags = RA_OP_CALL_CLOBBER,
    .out = { FIX(A64_X0), FIX(A64_X1) },
    .in = { FIX(A64_X0), FIX(A64_X1), FIX(A64_X2) },
};
static const RaConstraint c_lookup = {
    .name = "lookup_call", .flags = RA_OP_CALL_CLOBBER | RA_OP_SYNC_GLOBALS,
    .out = { FIX(A64_X0) },
};

/* Ops the vector file handles (some have scalar types: extrl_i128_i64). */
static bool vec_candidate(const IrOp *op)
{
    return op->type == IR_V128 || op->type == IR_I128 || ir_op_defs[op->opc].flags & IR_OPF_VEC ||
           op->opc == IR_OP_concat_i64_i128 || op->opc == IR_OP_extrl_i128_i64 ||
           op->opc == IR_OP_extrh_i128_i64;
}

const RaConstraint *a64_constraint(void *be, const IrOp *op)
{
    A64Gen *g = be;

    if (vec_candidate(op)) {
        const RaConstraint *c = a64_vec_constraint(g, op);
        if (c) {
            return c;
        }
    }
    switch (op->opc) {
    case IR_OP_mov: case IR_OP_neg: case IR_OP_not: case IR_OP_popcnt:
    case IR_OP_bswap16: case IR_OP_bswap32: case IR_OP_bswap64:
    case IR_OP_extu_i32_i64: case IR_OP_exts_i32_i64: case IR_OP_extrl_i64_i32:
    case IR_OP_extrh_i64_i32: case IR_OP_extract: case IR_OP_sextract: case IR_OP_ld:
    case IR_OP_goto_ptr:
        return &c_r_r;
    case IR_OP_add: case IR_OP_sub: case IR_OP_and: case IR_OP_or: case IR_OP_xor:
    case IR_OP_andc: case IR_OP_orc: case IR_OP_mul: case IR_OP_divu: case IR_OP_divs:
    case IR_OP_remu: case IR_OP_rems: case IR_OP_shl: case IR_OP_shr: case IR_OP_sar:
    case IR_OP_rotl: case IR_OP_rotr: case IR_OP_setcond: case IR_OP_negsetcond:
    case IR_OP_clz: case IR_OP_ctz: case IR_OP_deposit:
        return &c_r_r_ri;
    case IR_OP_mulu2: case IR_OP_muls2:
        return &c_rr_r_ri;
    case IR_OP_divu2: case IR_OP_divs2:
        return op->type == IR_I64 ? &c_div2_call : &c_r_r_ri_ri;
    case IR_OP_addcarry: case IR_OP_subborrow:
        return &c_carry;
    case IR_OP_movcond:
        return &c_movcond;
    case IR_OP_brcond:
        return &c_cmp;
    case IR_OP_st:
        return &c_st;
    case IR_OP_lookup_tb:
        return &c_lookup;
    case IR_OP_guest_ld: case IR_OP_guest_st: case IR_OP_atomic_cmpxchg:
    case IR_OP_atomic_xchg: case IR_OP_atomic_fetch_add: case IR_OP_atomic_fetch_and:
    case IR_OP_atomic_fetch_or: case IR_OP_atomic_fetch_xor:
        return a64_mem_constraint(g, op);
    default:
        return &c_none;
    }
}

/* ---------------------------------------------------------------------- */
/* Shared helpers                                                          */

void a64_emit_mov(A64Gen *g, IrType t, int d, int s)
{
    if (d == s) {
        return;
    }
    if (t == IR_V128 || t == IR_I128) {
        a64_vmov(&g->buf, true, a64_v(d), a64_v(s));
    } else {
        a64_mov_rr(&g->buf, t == IR_I64, d, s);
    }
}

int a64_opnd_reg(A64Gen *g, bool sf, RaOperand o, int tmp)
{
    if (!o.is_imm) {
        return o.reg;
    }
    uint64_t v = sf ? o.imm : (uint32_t)o.imm;
    if (v == 0) {
        return A64_ZR;
    }
    a64_movi(&g->buf, sf, tmp, v);
    return tmp;
}

void a64_ldst_any(A64Gen *g, A64MemOp op, int rt, int base, int64_t off)
{
    int64_t size = a64_memop_bytes(op);
    if ((off >= 0 && off % size == 0 && off / size < 4096) || (off >= -256 && off < 256)) {
        a64_ldst(&g->buf, op, rt, base, off);
    } else {
        a64_movi64(&g->buf, A64_TMP0, (uint64_t)off);
        a64_ldst_reg(&g->buf, op, rt, base, A64_TMP0, A64_UXTX, false);
    }
}

static bool in_b_range(int64_t d)
{
    return d >= -(INT64_C(1) << 27) && d < (INT64_C(1) << 27);
}

void a64_call_abs(A64Gen *g, uintptr_t target)
{
    int64_t d = (int64_t)(target - a64_pc(g));
    if (in_b_range(d)) {
        a64_bl(&g->buf, d);
    } else {
        a64_movi64(&g->buf, A64_TMP0, target);
        a64_blr(&g->buf, A64_TMP0);
    }
}

void a64_jump_abs(A64Gen *g, uintptr_t target)
{
    int64_t d = (int64_t)(target - a64_pc(g));
    if (in_b_range(d)) {
        a64_b(&g->buf, d);
    } else {
        a64_movi64(&g->buf, A64_TMP0, target);
        a64_br(&g->buf, A64_TMP0);
    }
}

/* add/sub immediate (12 bits, optionally shifted by 12), either sign. */
static bool addsub_imm_ok(int64_t v)
{
    uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
    return v != INT64_MIN && (u < 4096 || ((u & 0xfff) == 0 && u < (UINT64_C(1) << 24)));
}

/* The immediate of an i32/i64 op as a signed value of its width. */
static int64_t simm(bool sf, uint64_t v)
{
    return sf ? (int64_t)v : (int64_t)(int32_t)v;
}

static bool logic_imm_ok(bool sf, uint64_t v)
{
    uint32_t enc;
    return a64_logical_imm_encode(sf ? v : (uint32_t)v, sf, &enc);
}

static A64Cond a64_cond(IrCond c)
{
    static const A64Cond map[IR_COND_COUNT] = {
        [IR_COND_EQ] = A64_EQ, [IR_COND_NE] = A64_NE,
        [IR_COND_LT] = A64_LT, [IR_COND_GE] = A64_GE,
        [IR_COND_LE] = A64_LE, [IR_COND_GT] = A64_GT,
        [IR_COND_LTU] = A64_LO, [IR_COND_GEU] = A64_HS,
        [IR_COND_LEU] = A64_LS, [IR_COND_GTU] = A64_HI,
        [IR_COND_TSTEQ] = A64_EQ, [IR_COND_TSTNE] = A64_NE,
    };
    return map[c];
}

/* Set flags for `a c b` (CMP, or TST for the tst conditions). */
static void emit_cmp(A64Gen *g, bool sf, IrCond c, int a, RaOperand b)
{
    A64Buf *buf = &g->buf;
    if (c == IR_COND_TSTEQ || c == IR_COND_TSTNE) {
        if (b.is_imm && logic_imm_ok(sf, b.imm) && (sf ? b.imm : (uint32_t)b.imm) != 0) {
            a64_tst_ri(buf, sf, a, sf ? b.imm : (uint32_t)b.imm);
        } else {
            a64_tst_rr(buf, sf, a, a64_opnd_reg(g, sf, b, A64_TMP0));
        }
    } else if (b.is_imm && addsub_imm_ok(simm(sf, b.imm))) {
        a64_cmp_ri(buf, sf, a, simm(sf, b.imm));
    } else {
        a64_cmp_rr(buf, sf, a, a64_opnd_reg(g, sf, b, A64_TMP0));
    }
}

/* ---------------------------------------------------------------------- */
/* Arithmetic and logic                                                    */

static void emit_addsub(A64Gen *g, bool sub, bool sf, int d, int a, RaOperand b)
{
    if (b.is_imm && addsub_imm_ok(simm(sf, b.imm))) {
        a64_addsub_ri(&g->buf, sub ? A64_SUB : A64_ADD, sf, d, a, simm(sf, b.imm));
    } else if (sub) {
        a64_sub_rrr(&g->buf, sf, d, a, a64_opnd_reg(g, sf, b, A64_TMP0));
    } else {
        a64_add_rrr(&g->buf, sf, d, a, a64_opnd_reg(g, sf, b, A64_TMP0));
    }
}

/* and/or/xor (inv: andc/orc) with a register or bitmask immediate. */
static void emit_logic(A64Gen *g, A64Logic op, bool inv, bool sf, int d, int a, RaOperand b)
{
    if (b.is_imm) {
        uint64_t v = inv ? ~b.imm : b.imm;
        v = sf ? v : (uint32_t)v;
        if (logic_imm_ok(sf, v)) {
            a64_logic_imm(&g->buf, op, sf, d, a, v);
            return;
        }
        b.imm = v;
        inv = false;
    }
    a64_logic_shift(&g->buf, (A64Logic)(op | inv), sf, d, a, a64_opnd_reg(g, sf, b, A64_TMP0),
                    A64_LSL, 0);
}

static void emit_shift(A64Gen *g, const IrOp *op, const RaOperand *o)
{
    static const A64Shift kind[] = {
        [IR_OP_shl] = A64_LSL, [IR_OP_shr] = A64_LSR, [IR_OP_sar] = A64_ASR,
        [IR_OP_rotl] = A64_ROR, [IR_OP_rotr] = A64_ROR,
    };
    bool sf = op->type == IR_I64;
    unsigned mask = sf ? 63 : 31;
    int d = o[0].reg, a = o[1].reg;

    if (o[2].is_imm) {
        unsigned n = o[2].imm & mask;
        if (op->opc == IR_OP_rotl) {
            n = (mask + 1 - n) & mask;
        }
        if (n) {
            a64_shift_rri(&g->buf, kind[op->opc], sf, d, a, n);
        } else {
            a64_mov_rr(&g->buf, sf, d, a);
        }
    } else if (op->opc == IR_OP_rotl) {
        a64_neg(&g->buf, sf, A64_TMP0, o[2].reg);     /* rotl n = rotr -n */
        a64_shift_rrr(&g->buf, A64_ROR, sf, d, a, A64_TMP0);
    } else {
        a64_shift_rrr(&g->buf, kind[op->opc], sf, d, a, o[2].reg);
    }
}

/* divu/divs/remu/rems: UDIV/SDIV never trap (x/0 = 0, MIN/-1 = MIN). */
static void emit_div(A64Gen *g, const IrOp *op, const RaOperand *o)
{
    bool sf = op->type == IR_I64;
    bool sign = op->opc == IR_OP_divs || op->opc == IR_OP_rems;
    bool rem = op->opc == IR_OP_remu || op->opc == IR_OP_rems;
    int d = o[0].reg, a = o[1].reg, b = a64_opnd_reg(g, sf, o[2], A64_TMP1);

    if (!rem) {
        (sign ? a64_sdiv : a64_udiv)(&g->buf, sf, d, a, b);
        return;
    }
    (sign ? a64_sdiv : a64_udiv)(&g->buf, sf, A64_TMP0, a, b);
    a64_msub(&g->buf, sf, d, A64_TMP0, b, a);        /* a - q * b */
}

/* lo, hi = a * b: the product goes to x16 first (an output may reuse a
 * dead input's register). */
static void emit_mul2(A64Gen *g, const IrOp *op, const RaOperand *o)
{
    A64Buf *buf = &g->buf;
    bool sign = op->opc == IR_OP_muls2;
    int lo = o[0].reg, hi = o[1].reg, a = o[2].reg;
    int b = a64_opnd_reg(g, op->type == IR_I64, o[3], A64_TMP1);

    if (op->type == IR_I64) {
        a64_mul_rrr(buf, true, A64_TMP0, a, b);
        (sign ? a64_smulh : a64_umulh)(buf, hi, a, b);
        a64_mov_rr(buf, true, lo, A64_TMP0);
    } else {
        (sign ? a64_smull : a64_umull)(buf, A64_TMP0, a, b);
        a64_mov_rr(buf, false, lo, A64_TMP0);
        a64_shift_rri(buf, A64_LSR, true, hi, A64_TMP0, 32);
    }
}

/* divu2/divs2.i32 inline: the 64-bit dividend hi:lo / d in X registers. */
static void emit_div2_i32(A64Gen *g, const IrOp *op, const RaOperand *o)
{
    A64Buf *buf = &g->buf;
    bool sign = op->opc == IR_OP_divs2;
    int q = o[0].reg, r = o[1].reg;

    a64_mov_rr(buf, false, A64_TMP0, o[2].reg);      /* x16 = zero-extended lo */
    a64_bfi(buf, true, A64_TMP0, a64_opnd_reg(g, false, o[3], A64_TMP1), 32, 32);
    if (o[4].is_imm) {
        uint32_t v = o[4].imm;
        a64_movi64(buf, A64_TMP1, sign ? (uint64_t)(int64_t)(int32_t)v : v);
    } else if (sign) {
        a64_sxtw(buf, A64_TMP1, o[4].reg);
    } else {
        a64_mov_rr(buf, false, A64_TMP1, o[4].reg);
    }
    (sign ? a64_sdiv : a64_udiv)(buf, true, q, A64_TMP0, A64_TMP1);
    a64_msub(buf, true, r, q, A64_TMP1, A64_TMP0);    /* r = n - q * d */
}

typedef struct A64Div2 { uint64_t q, r; } A64Div2;

/* 128-by-64 division for divu2/divs2.i64 (quotient known to fit): a C
 * routine returning q in x0 and r in x1 (AAPCS64 two-word struct). */
static A64Div2 a64_divu2_helper(uint64_t lo, uint64_t hi, uint64_t d)
{
    unsigned __int128 n = (unsigned __int128)hi << 64 | lo;
    if (d == 0) {
        return (A64Div2){ 0, 0 };
    }
    return (A64Div2){ (uint64_t)(n / d), (uint64_t)(n % d) };
}

static A64Div2 a64_divs2_helper(uint64_t lo, uint64_t hi, uint64_t d)
{
    __int128 n = (__int128)((unsigned __int128)hi << 64 | lo);
    if (d == 0 || ((int64_t)d == -1 && n == -n)) {
        return (A64Div2){ lo, 0 };
    }
    return (A64Div2){ (uint64_t)(n / (int64_t)d), (uint64_t)(n % (int64_t)d) };
}

/* d, cout = a + b + (cin & 1) via ADCS; subborrow via SBCS with C = !bin. */
static void emit_carry(A64Gen *g, const IrOp *op, const RaOperand *o)
{
    A64Buf *buf = &g->buf;
    bool sf = op->type == IR_I64, add = op->opc == IR_OP_addcarry;
    int b = a64_opnd_reg(g, sf, o[3], A64_TMP1);

    a64_logic_imm(buf, A64_AND, false, A64_TMP0, o[4].reg, 1);
    if (add) {
        a64_cmp_ri(buf, false, A64_TMP0, 1);          /* C = cin & 1 */
        a64_adcs(buf, sf, o[0].reg, o[2].reg, b);
        a64_cset(buf, false, o[1].reg, A64_CS);
    } else {
        a64_negs(buf, false, A64_ZR, A64_TMP0);       /* C = !(bin & 1) */
        a64_sbcs(buf, sf, o[0].reg, o[2].reg, b);
        a64_cset(buf, false, o[1].reg, A64_CC);
    }
}

static void emit_setcond(A64Gen *g, const IrOp *op, const RaOperand *o)
{
    IrCond c = ir_op_cargs((IrOp *)op)[0];
    bool sf = op->type == IR_I64, neg = op->opc == IR_OP_negsetcond;
    int d = o[0].reg;

    if (c == IR_COND_NEVER || c == IR_COND_ALWAYS) {
        uint64_t v = c == IR_COND_ALWAYS ? 1 : 0;
        a64_movi(&g->buf, sf, d, neg ? -v : v);
        return;
    }
    emit_cmp(g, sf, c, o[1].reg, o[2]);
    (neg ? a64_csetm : a64_cset)(&g->buf, sf, d, a64_cond(c));
}

static void emit_movcond(A64Gen *g, const IrOp *op, const RaOperand *o)
{
    IrCond c = ir_op_cargs((IrOp *)op)[0];
    bool sf = op->type == IR_I64;
    int d = o[0].reg;

    if (c == IR_COND_NEVER || c == IR_COND_ALWAYS) {
        int s = a64_opnd_reg(g, sf, o[c == IR_COND_ALWAYS ? 3 : 4], A64_TMP0);
        a64_mov_rr(&g->buf, sf, d, s);
        return;
    }
    emit_cmp(g, sf, c, o[1].reg, o[2]);
    int t = a64_opnd_reg(g, sf, o[3], A64_TMP0);      /* MOVZ/MOVK keep the flags */
    int f = a64_opnd_reg(g, sf, o[4], A64_TMP1);
    a64_csel(&g->buf, sf, d, t, f, a64_cond(c));
}

/* clz/ctz with a fallback for 0 (CLZ gives the width, which is often it). */
static void emit_count(A64Gen *g, const IrOp *op, const RaOperand *o)
{
    A64Buf *buf = &g->buf;
    bool sf = op->type == IR_I64;
    int d = o[0].reg, a = o[1].reg;
    uint64_t width = sf ? 64 : 32;
    bool fb_width = o[2].is_imm && (sf ? o[2].imm : (uint32_t)o[2].imm) == width;
    int src = a;

    if (op->opc == IR_OP_ctz) {
        a64_rbit(buf, sf, A64_TMP0, a);
        src = A64_TMP0;
    }
    if (fb_width) {
        a64_clz(buf, sf, d, src);
        return;
    }
    a64_clz(buf, sf, A64_TMP0, src);
    a64_cmp_ri(buf, sf, a, 0);
    a64_csel(buf, sf, d, A64_TMP0, a64_opnd_reg(g, sf, o[2], A64_TMP1), A64_NE);
}

/* popcount through NEON: CNT counts per byte, ADDV sums the bytes. */
static void emit_popcnt(A64Gen *g, bool sf, int d, int a)
{
    a64_fmov_from_gpr(&g->buf, sf, A64_VTMP, a);
    a64_vcnt8(g, A64_VTMP, A64_VTMP);
    a64_vaddv8(g, A64_VTMP, A64_VTMP);
    a64_fmov_to_gpr(&g->buf, false, d, A64_VTMP);
}

/* ---------------------------------------------------------------------- */
/* Bit fields, type changes, host memory                                   */

static void emit_bitfield(A64Gen *g, const IrOp *op, const RaOperand *o)
{
    A64Buf *buf = &g->buf;
    bool sf = op->type == IR_I64;
    IrArg *ca = ir_op_cargs((IrOp *)op);
    unsigned pos = ca[0], len = ca[1];
    int d = o[0].reg;

    if (op->opc == IR_OP_extract) {
        a64_ubfx(buf, sf, d, o[1].reg, pos, len);
    } else if (op->opc == IR_OP_sextract) {
        a64_sbfx(buf, sf, d, o[1].reg, pos, len);
    } else {
        int v = a64_opnd_reg(g, sf, o[2], A64_TMP0);
        if (v == d) {
            a64_mov_rr(buf, true, A64_TMP1, v);
            v = A64_TMP1;
        }
        a64_mov_rr(buf, sf, d, o[1].reg);
        a64_bfi(buf, sf, d, v, pos, len);
    }
}

static void emit_ext(A64Gen *g, const IrOp *op, const RaOperand *o)
{
    int d = o[0].reg, s = o[1].reg;

    switch (op->opc) {
    case IR_OP_extu_i32_i64:
        a64_mov_rr(&g->buf, false, d, s);             /* W write zeroes the top */
        break;
    case IR_OP_extrl_i64_i32:
        if (d != s) {
            a64_mov_rr(&g->buf, false, d, s);
        }
        break;
    case IR_OP_exts_i32_i64:
        a64_sxtw(&g->buf, d, s);
        break;
    default:    /* extrh_i64_i32 */
        a64_shift_rri(&g->buf, A64_LSR, true, d, s, 32);
        break;
    }
}

static void emit_bswap(A64Gen *g, const IrOp *op, const RaOperand *o)
{
    int d = o[0].reg, s = o[1].reg;

    switch (op->opc) {
    case IR_OP_bswap16:
        a64_rev16(&g->buf, false, d, s);
        a64_uxth(&g->buf, d, d);
        break;
    case IR_OP_bswap32:
        a64_rev(&g->buf, false, d, s);
        break;
    default:
        a64_rev(&g->buf, true, d, s);
        break;
    }
}

/* ---------------------------------------------------------------------- */
/* Control flow                                                            */

static void branch_to_label(A64Gen *g, uint32_t label)
{
    A64Reloc r = { label, a64_off(g) };
    g_array_append_val(g->relocs, r);
}

static void emit_brcond(A64Gen *g, const IrOp *op, const RaOperand *o)
{
    IrArg *ca = ir_op_cargs((IrOp *)op);
    IrCond c = ca[0];
    bool sf = op->type == IR_I64;

    if (c == IR_COND_NEVER) {
        return;
    }
    if (c == IR_COND_ALWAYS) {
        branch_to_label(g, ca[1]);
        a64_b(&g->buf, 0);
    } else if ((c == IR_COND_EQ || c == IR_COND_NE) && o[1].is_imm &&
               (sf ? o[1].imm : (uint32_t)o[1].imm) == 0) {
        branch_to_label(g, ca[1]);
        (c == IR_COND_EQ ? a64_cbz : a64_cbnz)(&g->buf, sf, o[0].reg, 0);
    } else {
        emit_cmp(g, sf, c, o[0].reg, o[1]);
        branch_to_label(g, ca[1]);
        a64_bcond(&g->buf, a64_cond(c), 0);
    }
}

static void emit_insn_start(A64Gen *g, const IrOp *op)
{
    JitError e = jit_cg_insn_start(g->cg, op, a64_off(g));
    if (e != JIT_OK) {
        g->err = e;
    }
}

/* A B to the next instruction (unchained); patch_jump rewrites it. Every
 * A64 instruction is 4-byte aligned, so the patch is one aligned store. */
static void emit_goto_tb(A64Gen *g, unsigned slot)
{
    g->cg->goto_tb_jmp[slot] = a64_off(g);
    a64_b(&g->buf, 4);
    g->cg->goto_tb_reset[slot] = a64_off(g);
    g->cg->goto_tb_used[slot] = true;
}

static void emit_exit_tb(A64Gen *g, uint64_t val)
{
    if (val == 0) {
        a64_jump_abs(g, g->epilogue_zero);
    } else {
        a64_movi64(&g->buf, A64_X0, val);
        a64_jump_abs(g, g->epilogue);
    }
}

/* x0 = jit_lookup_tb_ptr(env), or the return-0 epilogue when it has none. */
static void emit_lookup_tb(A64Gen *g)
{
    A64Buf *b = &g->buf;

    a64_mov_rr(b, true, A64_X0, A64_ENV);
    a64_call_abs(g, (uintptr_t)jit_lookup_tb_ptr);
    a64_movi64(b, A64_TMP1, g->epilogue_zero);
    a64_cmp_ri(b, true, A64_X0, 0);
    a64_csel(b, true, A64_X0, A64_X0, A64_TMP1, A64_NE);
}

static void emit_mb(A64Gen *g, unsigned mask)
{
    A64Barrier opt = A64_BAR_ISH;
    if (!(mask & ~IR_MB_ST_ST)) {
        opt = A64_BAR_ISHST;                      /* store -> store only */
    } else if (!(mask & (IR_MB_ST_LD | IR_MB_ST_ST))) {
        opt = A64_BAR_ISHLD;                      /* load -> load/store */
    }
    a64_dmb(&g->buf, opt);
}

/* ---------------------------------------------------------------------- */
/* Dispatch                                                                */

static JitError emit_host_ldst(A64Gen *g, const IrOp *op, const RaOperand *o)
{
    IrArg *ca = ir_op_cargs((IrOp *)op);
    if (op->opc == IR_OP_ld) {
        return a64_emit_load(g, op->type, ca[1], o[0].reg, o[1].reg, -1, (int32_t)ca[0]);
    }
    return a64_emit_store(g, op->type, ca[1], o[0], o[1].reg, -1, (int32_t)ca[0]);
}

static JitError emit_int(A64Gen *g, const IrOp *op, const RaOperand *o)
{
    A64Buf *b = &g->buf;
    bool sf = op->type == IR_I64;
    int d = o[0].reg;

    switch (op->opc) {
    case IR_OP_mov:       a64_emit_mov(g, op->type, d, o[1].reg); break;
    case IR_OP_add:       emit_addsub(g, false, sf, d, o[1].reg, o[2]); break;
    case IR_OP_sub:       emit_addsub(g, true, sf, d, o[1].reg, o[2]); break;
    case IR_OP_and:       emit_logic(g, A64_AND, false, sf, d, o[1].reg, o[2]); break;
    case IR_OP_or:        emit_logic(g, A64_ORR, false, sf, d, o[1].reg, o[2]); break;
    case IR_OP_xor:       emit_logic(g, A64_EOR, false, sf, d, o[1].reg, o[2]); break;
    case IR_OP_andc:      emit_logic(g, A64_AND, true, sf, d, o[1].reg, o[2]); break;
    case IR_OP_orc:       emit_logic(g, A64_ORR, true, sf, d, o[1].reg, o[2]); break;
    case IR_OP_neg:       a64_neg(b, sf, d, o[1].reg); break;
    case IR_OP_not:       a64_mvn(b, sf, d, o[1].reg); break;
    case IR_OP_mul:
        a64_mul_rrr(b, sf, d, o[1].reg, a64_opnd_reg(g, sf, o[2], A64_TMP0));
        break;
    case IR_OP_mulu2: case IR_OP_muls2: emit_mul2(g, op, o); break;
    case IR_OP_divu: case IR_OP_divs: case IR_OP_remu: case IR_OP_rems:
        emit_div(g, op, o);
        break;
    case IR_OP_divu2: case IR_OP_divs2:
        if (sf) {
            a64_call_abs(g, op->opc == IR_OP_divu2 ? (uintptr_t)a64_divu2_helper
                                                   : (uintptr_t)a64_divs2_helper);
        } else {
            emit_div2_i32(g, op, o);
        }
        break;
    case IR_OP_addcarry: case IR_OP_subborrow: emit_carry(g, op, o); break;
    case IR_OP_shl: case IR_OP_shr: case IR_OP_sar: case IR_OP_rotl: case IR_OP_rotr:
        emit_shift(g, op, o);
        break;
    case IR_OP_extract: case IR_OP_sextract: case IR_OP_deposit:
        emit_bitfield(g, op, o);
        break;
    case IR_OP_setcond: case IR_OP_negsetcond: emit_setcond(g, op, o); break;
    case IR_OP_movcond:   emit_movcond(g, op, o); break;
    case IR_OP_clz: case IR_OP_ctz: emit_count(g, op, o); break;
    case IR_OP_popcnt:    emit_popcnt(g, sf, d, o[1].reg); break;
    case IR_OP_bswap16: case IR_OP_bswap32: case IR_OP_bswap64: emit_bswap(g, op, o); break;
    case IR_OP_extu_i32_i64: case IR_OP_exts_i32_i64: case IR_OP_extrl_i64_i32:
    case IR_OP_extrh_i64_i32:
        emit_ext(g, op, o);
        break;
    case IR_OP_ld: case IR_OP_st:
        return emit_host_ldst(g, op, o);
    default:
        return JIT_ERR_UNSUPPORTED;
    }
    return JIT_OK;
}

JitError a64_emit(void *be, RaState *ra, const IrOp *op, const RaOperand *o)
{
    A64Gen *g = be;
    IrArg *ca = ir_op_cargs((IrOp *)op);

    if (vec_candidate(op)) {
        JitError e = a64_emit_vec(g, op, o);
        if (e != JIT_ERR_UNSUPPORTED) {
            return e;
        }
    }
    switch (op->opc) {
    case IR_OP_insn_start: emit_insn_start(g, op); return g->err;
    case IR_OP_set_label:
        g->label_off[ca[0]] = a64_off(g);
        return JIT_OK;
    case IR_OP_br:
        branch_to_label(g, ca[0]);
        a64_b(&g->buf, 0);
        return JIT_OK;
    case IR_OP_brcond:     emit_brcond(g, op, o); return JIT_OK;
    case IR_OP_goto_tb:    emit_goto_tb(g, ca[0]); return JIT_OK;
    case IR_OP_exit_tb:    emit_exit_tb(g, ca[0]); return JIT_OK;
    case IR_OP_goto_ptr:   a64_br(&g->buf, o[0].reg); return JIT_OK;
    case IR_OP_lookup_tb:  emit_lookup_tb(g); return JIT_OK;
    case IR_OP_call: {
        const IrHelper *h = ir_helper_get(ca[0]);
        a64_call_abs(g, (uintptr_t)h->func);
        return JIT_OK;
    }
    case IR_OP_mb:         emit_mb(g, ca[0]); return JIT_OK;
    case IR_OP_guest_ld: case IR_OP_guest_st: case IR_OP_atomic_cmpxchg:
    case IR_OP_atomic_xchg: case IR_OP_atomic_fetch_add: case IR_OP_atomic_fetch_and:
    case IR_OP_atomic_fetch_or: case IR_OP_atomic_fetch_xor:
        return a64_emit_mem(g, ra, op, o);
    default:
        return emit_int(g, op, o);
    }
}
