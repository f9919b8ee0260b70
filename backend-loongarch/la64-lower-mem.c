/*
 * la64-lower-mem.c — memory ops of the loongarch64 backend: host loads and
 * stores relative to a host pointer (ld/st), guest loads and stores, and
 * guest atomics. User mode addresses guest memory as [guest_base + addr]
 * with LDX/STX; softmmu runs the inline TLB lookup first (la64-softmmu.c)
 * and addresses [addend + addr]. Aligned 32/64-bit xchg and fetch ops use
 * AM*_DB (full barrier semantics); every other atomic runs an LL.D/SC.D
 * loop on the containing doubleword between DBARs (emit_atomic_generic).
 */
#include "backend-loongarch/la64-lower.h"

#include "jit/softmmu.h"

#define IMM { .imm = RA_IMM_ANY }

static const RaConstraint c_ld = { .name = "r_r" };
static const RaConstraint c_st = { .name = "ri_r", .in = { IMM } };
static const RaConstraint c_gld = { .name = "gld_r_r", .flags = RA_OP_SYNC_GLOBALS };
static const RaConstraint c_gst = { .name = "gst_ri_r", .flags = RA_OP_SYNC_GLOBALS, .in = { IMM } };
static const RaConstraint c_gst_soft = { .name = "gst_soft_r_r", .flags = RA_OP_SYNC_GLOBALS };
/* Atomics: inputs in registers, four scratch for emit_atomic_generic. */
static const RaConstraint c_rmw_4s = {
    .name = "rmw_r_r_r_4s", .flags = RA_OP_SYNC_GLOBALS, .nb_scratch = 4,
};
static const RaConstraint c_cmpxchg_4s = {
    .name = "cmpxchg_r_r_r_r_4s", .flags = RA_OP_SYNC_GLOBALS, .nb_scratch = 4,
};

static bool is_atomic(IrOpcode opc)
{
    return opc >= IR_OP_atomic_cmpxchg && opc <= IR_OP_atomic_fetch_xor;
}

const RaConstraint *la64_mem_constraint(La64Gen *g, const IrOp *op)
{
    switch (op->opc) {
    case IR_OP_ld:        return &c_ld;
    case IR_OP_st:        return &c_st;
    case IR_OP_guest_ld:  return &c_gld;
    case IR_OP_guest_st:
        /* an immediate is fine unless a slow path must pass it in a register */
        return g->user_mode && !(ir_op_cargs((IrOp *)op)[0] & IR_MO_ALIGN) ? &c_gst : &c_gst_soft;
    default:
        break;
    }
    if (!is_atomic(op->opc)) {
        return NULL;
    }
    return op->opc == IR_OP_atomic_cmpxchg ? &c_cmpxchg_4s : &c_rmw_4s;
}

/* ---------------------------------------------------------------------- */
/* Plain accesses                                                          */

typedef int (*La64Rrr)(La64Buf *, int, int, int);

/* One access of kind k at base+idx (idx >= 0: LDX/STX) or base+off. */
static void raw_access(La64Gen *g, La64MemOp k, int rd, int base, int idx, int64_t off)
{
    static const La64Rrr indexed[LA64_MEM_COUNT] = {
        [LA64_LD_B] = la64_ldx_b, [LA64_LD_H] = la64_ldx_h, [LA64_LD_W] = la64_ldx_w,
        [LA64_LD_D] = la64_ldx_d, [LA64_LD_BU] = la64_ldx_bu, [LA64_LD_HU] = la64_ldx_hu,
        [LA64_LD_WU] = la64_ldx_wu, [LA64_ST_B] = la64_stx_b, [LA64_ST_H] = la64_stx_h,
        [LA64_ST_W] = la64_stx_w, [LA64_ST_D] = la64_stx_d,
    };
    if (idx >= 0) {
        indexed[k](&g->buf, rd, base, idx);
    } else {
        la64_mem(&g->buf, k, rd, base, off, LA64_TMP2);
    }
}

/* d = the memop-sized value, byte-swapped if asked, extended per the sign. */
void la64_emit_load(La64Gen *g, IrMemOp mo, int d, int base, int idx, int64_t off)
{
    static const La64MemOp zx[4] = { LA64_LD_BU, LA64_LD_HU, LA64_LD_WU, LA64_LD_D };
    static const La64MemOp sx[4] = { LA64_LD_B, LA64_LD_H, LA64_LD_W, LA64_LD_D };
    unsigned sz = mo & IR_MO_SIZE_MASK;
    bool sign = mo & IR_MO_SIGN;
    La64Buf *b = &g->buf;

    if (!(mo & IR_MO_BSWAP) || sz == 0) {
        raw_access(g, sign ? sx[sz] : zx[sz], d, base, idx, off);
        return;
    }
    raw_access(g, zx[sz], d, base, idx, off);
    if (sz == 1) {
        la64_revb_2h(b, d, d);
        if (sign) {
            la64_ext_w_h(b, d, d);
        } else {
            la64_bstrpick_d(b, d, d, 15, 0);
        }
    } else if (sz == 2) {
        la64_revb_2w(b, d, d);
        if (sign) {
            la64_sext32(g, d, d);
        } else {
            la64_bstrpick_d(b, d, d, 31, 0);
        }
    } else {
        la64_revb_d(b, d, d);
    }
}

/* Store the low memop-size bytes of v (byte-swapped in TMP1 if asked). */
void la64_emit_store(La64Gen *g, IrMemOp mo, RaOperand v, int base, int idx, int64_t off)
{
    static const La64MemOp st[4] = { LA64_ST_B, LA64_ST_H, LA64_ST_W, LA64_ST_D };
    unsigned sz = mo & IR_MO_SIZE_MASK;
    int r = la64_opnd_reg(g, v, LA64_TMP1, false);

    if ((mo & IR_MO_BSWAP) && sz > 0 && r != LA64_ZERO) {
        (sz == 1 ? la64_revb_2h : sz == 2 ? la64_revb_2w : la64_revb_d)(&g->buf, LA64_TMP1, r);
        r = LA64_TMP1;
    }
    raw_access(g, st[sz], r, base, idx, off);
}

/* ---------------------------------------------------------------------- */
/* Atomics                                                                 */

/* d = old (in TMP1) extended per the memop. */
static void atomic_result(La64Gen *g, IrMemOp mo, int d, int old)
{
    unsigned sz = mo & IR_MO_SIZE_MASK;
    unsigned bits = 8u << sz;
    La64Buf *b = &g->buf;

    if (sz == 3) {
        la64_mov(b, d, old);
    } else if (mo & IR_MO_SIGN) {
        la64_slli_d(b, d, old, 64 - bits);
        la64_srai_d(b, d, d, 64 - bits);
    } else {
        la64_bstrpick_d(b, d, old, bits - 1, 0);
    }
}

/* 32/64-bit xchg and fetch-op: one AM*_DB (rd must differ from rk, rj). */
static void emit_am(La64Gen *g, const IrOp *op, IrMemOp mo, int d, int val)
{
    typedef int (*AmFn)(La64Buf *, int, int, int);
    bool dw = (mo & IR_MO_SIZE_MASK) == 3;
    AmFn fn;

    switch (op->opc) {
    case IR_OP_atomic_xchg:      fn = dw ? la64_amswap_db_d : la64_amswap_db_w; break;
    case IR_OP_atomic_fetch_add: fn = dw ? la64_amadd_db_d : la64_amadd_db_w; break;
    case IR_OP_atomic_fetch_and: fn = dw ? la64_amand_db_d : la64_amand_db_w; break;
    case IR_OP_atomic_fetch_or:  fn = dw ? la64_amor_db_d : la64_amor_db_w; break;
    default:                     fn = dw ? la64_amxor_db_d : la64_amxor_db_w; break;
    }
    fn(&g->buf, LA64_TMP1, val, LA64_TMP0);
    atomic_result(g, mo, d, LA64_TMP1);
}

/* d = the low `bits` of s byte-swapped, zero-extended (bits 16, 32, 64). */
static void swap_field(La64Gen *g, unsigned bits, int d, int s)
{
    La64Buf *b = &g->buf;
    if (bits == 16) {
        la64_revb_2h(b, d, s);
        la64_bstrpick_d(b, d, d, 15, 0);
    } else if (bits == 32) {
        la64_revb_2w(b, d, s);
        la64_bstrpick_d(b, d, d, 31, 0);
    } else if (bits == 64) {
        la64_revb_d(b, d, s);
    } else if (d != s) {
        la64_mov(b, d, s);
    }
}

/* w = op(old, val) for the fetch ops; the new value for xchg/cmpxchg. */
static void rmw_compute(La64Gen *g, IrOpcode opc, int w, int old, int val)
{
    La64Buf *b = &g->buf;
    switch (opc) {
    case IR_OP_atomic_fetch_add: la64_add_d(b, w, old, val); break;
    case IR_OP_atomic_fetch_and: la64_and(b, w, old, val); break;
    case IR_OP_atomic_fetch_or:  la64_or(b, w, old, val); break;
    case IR_OP_atomic_fetch_xor: la64_xor(b, w, old, val); break;
    default:                     la64_mov(b, w, val); break;
    }
}

static void set_branch_here(La64Gen *g, size_t at)
{
    if (g->buf.err == LA64_OK) {
        la64_set_branch_offset(&g->buf.start[at], (int64_t)(g->buf.len - at) * 4);
    }
}

static uint8_t rmw_kind(IrOpcode opc)
{
    switch (opc) {
    case IR_OP_atomic_fetch_add: return JIT_ATOMIC_ADD;
    case IR_OP_atomic_fetch_and: return JIT_ATOMIC_AND;
    case IR_OP_atomic_fetch_or:  return JIT_ATOMIC_OR;
    case IR_OP_atomic_fetch_xor: return JIT_ATOMIC_XOR;
    default:                     return JIT_ATOMIC_XCHG;
    }
}

/* The operands an atomic's slow path passes to the C helper. */
static void atomic_slow_args(La64Gen *g, unsigned slow, const IrOp *op, const RaOperand *o)
{
    bool cx = op->opc == IR_OP_atomic_cmpxchg;
    La64Slow *sl = &g_array_index(g->slows, La64Slow, slow);
    sl->val = o[cx ? 3 : 2].reg;
    sl->cmp = cx ? o[2].reg : 255;
    sl->rmw_op = rmw_kind(op->opc);
}

/*
 * Any atomic at host address TMP0: an LL.D/SC.D loop on the aligned
 * doubleword that contains the field (any size, any byte order, any
 * alignment within the doubleword): extract the field, swap it to guest
 * order, compute, swap back, merge. A field that straddles two doublewords
 * (a misaligned x86 split lock) cannot be done with one LL/SC: it goes to
 * the C helper (jit_atomic_*_helper, atomic under the C layer's fallback
 * lock), out of line like a softmmu miss. Scratch: sh (bit offset),
 * m (field mask), old (field in guest order, the result), w (work);
 * TMP1 = old doubleword, TMP2 = new doubleword.
 */
static void emit_atomic_generic(La64Gen *g, RaState *ra, const IrOp *op, IrMemOp mo,
                                const RaOperand *o, const int *s)
{
    La64Buf *b = &g->buf;
    unsigned sz = mo & IR_MO_SIZE_MASK, bits = 8u << sz;
    bool cx = op->opc == IR_OP_atomic_cmpxchg, swap = mo & IR_MO_BSWAP;
    int sh = s[0], m = s[1], old = s[2], w = s[3];
    int val = o[cx ? 3 : 2].reg;

    la64_movi64(b, m, bits == 64 ? ~0ull : (1ull << bits) - 1);
    la64_andi(b, sh, LA64_TMP0, 7);
    la64_slli_d(b, sh, sh, 3);
    la64_addi_d(b, w, sh, bits);
    la64_sltui(b, w, w, 65);                       /* the field fits the doubleword */
    size_t to_split = b->len;
    la64_beqz(b, w, 4);
    la64_bstrins_d(b, LA64_TMP0, LA64_ZERO, 2, 0);
    la64_dbar(b, LA64_DBAR_FULL);
    size_t loop = b->len;
    la64_ll_d(b, LA64_TMP1, LA64_TMP0, 0);
    la64_srl_d(b, w, LA64_TMP1, sh);
    la64_and(b, w, w, m);
    swap_field(g, swap ? bits : 8, old, w);
    size_t fail = 0;
    if (cx) {
        la64_and(b, w, o[2].reg, m);               /* cmp at the access size */
        fail = b->len;
        la64_bne(b, old, w, 4);
    }
    rmw_compute(g, op->opc, w, old, val);
    la64_and(b, w, w, m);
    swap_field(g, swap ? bits : 8, w, w);
    la64_sll_d(b, LA64_TMP2, m, sh);                /* merge the field */
    la64_sll_d(b, w, w, sh);
    la64_xor(b, w, w, LA64_TMP1);
    la64_and(b, w, w, LA64_TMP2);
    la64_xor(b, LA64_TMP2, w, LA64_TMP1);
    la64_sc_d(b, LA64_TMP2, LA64_TMP0, 0);
    la64_beqz(b, LA64_TMP2, -(int64_t)(b->len - loop) * 4);
    if (cx) {
        set_branch_here(g, fail);
    }
    la64_dbar(b, LA64_DBAR_FULL);
    atomic_result(g, mo, o[0].reg, old);
    unsigned slow = la64_slow_from(g, ra, cx ? LA64_SLOW_CMPXCHG : LA64_SLOW_RMW, o[1].reg, mo,
                                   ir_op_cargs((IrOp *)op)[1], o[0].reg, to_split);
    atomic_slow_args(g, slow, op, o);
    la64_slow_return(g, slow);
}

static void emit_atomic_body(La64Gen *g, RaState *ra, const IrOp *op, IrMemOp mo,
                             const RaOperand *o, const int *scratch, bool cx);

/*
 * Guest atomics (user mode): 32/64-bit xchg and fetch ops at an aligned
 * address are one AM*_DB; everything else (cmpxchg, 8/16 bits, byte
 * swapped, misaligned) takes emit_atomic_generic.
 */
static JitError emit_atomic(La64Gen *g, RaState *ra, const IrOp *op, const RaOperand *o)
{
    La64Buf *b = &g->buf;
    IrMemOp mo = ir_op_cargs((IrOp *)op)[0];
    unsigned sz = mo & IR_MO_SIZE_MASK;
    bool cx = op->opc == IR_OP_atomic_cmpxchg;
    unsigned nin = cx ? 3 : 2;
    int scratch[4];

    if (op->type == IR_I128 || sz > 3) {
        return JIT_ERR_UNSUPPORTED;
    }
    for (unsigned i = 0; i < 4; i++) {
        scratch[i] = o[1 + nin + i].reg;
    }
    if (!g->user_mode) {
        unsigned slow = la64_tlb_check(g, ra, cx ? LA64_SLOW_CMPXCHG : LA64_SLOW_RMW, o[1].reg,
                                       mo, ir_op_cargs((IrOp *)op)[1], o[0].reg);
        atomic_slow_args(g, slow, op, o);
        la64_add_d(b, LA64_TMP0, LA64_TMP0, o[1].reg);
        emit_atomic_body(g, ra, op, mo, o, scratch, cx);
        la64_slow_return(g, slow);
        return JIT_OK;
    }
    int al = la64_align_check(g, ra, cx ? LA64_SLOW_CMPXCHG : LA64_SLOW_RMW, o[1].reg, mo,
                              ir_op_cargs((IrOp *)op)[1], o[0].reg);
    if (al >= 0) {
        atomic_slow_args(g, al, op, o);
    }
    la64_add_d(b, LA64_TMP0, LA64_GBASE, o[1].reg);
    emit_atomic_body(g, ra, op, mo, o, scratch, cx);
    if (al >= 0) {
        la64_slow_return(g, al);
    }
    return JIT_OK;
}

/* The atomic at host address TMP0. */
static void emit_atomic_body(La64Gen *g, RaState *ra, const IrOp *op, IrMemOp mo,
                             const RaOperand *o, const int *scratch, bool cx)
{
    La64Buf *b = &g->buf;
    unsigned sz = mo & IR_MO_SIZE_MASK;

    if (cx || sz < 2 || (mo & IR_MO_BSWAP)) {
        emit_atomic_generic(g, ra, op, mo, o, scratch);
        return;
    }
    la64_andi(b, LA64_TMP1, LA64_TMP0, (1u << sz) - 1);
    size_t to_generic = b->len;
    la64_bnez(b, LA64_TMP1, 4);
    emit_am(g, op, mo, o[0].reg, o[2].reg);
    size_t to_done = b->len;
    la64_b(b, 4);
    set_branch_here(g, to_generic);
    emit_atomic_generic(g, ra, op, mo, o, scratch);
    set_branch_here(g, to_done);
}

/* ---------------------------------------------------------------------- */
/* Dispatch                                                                */

/* Softmmu guest load/store: TLB check, access at TMP0 + addr, slow path. */
static void emit_soft_access(La64Gen *g, RaState *ra, const IrOp *op, const RaOperand *o)
{
    IrArg *ca = ir_op_cargs((IrOp *)op);
    bool ld = op->opc == IR_OP_guest_ld;
    unsigned slow = la64_tlb_check(g, ra, ld ? LA64_SLOW_LD : LA64_SLOW_ST, o[1].reg, ca[0],
                                   ca[1], ld ? o[0].reg : -1);
    if (ld) {
        la64_emit_load(g, ca[0], o[0].reg, LA64_TMP0, o[1].reg, 0);
    } else {
        g_array_index(g->slows, La64Slow, slow).val = o[0].reg;
        la64_emit_store(g, ca[0], o[0], LA64_TMP0, o[1].reg, 0);
    }
    la64_slow_return(g, slow);
}

/* User-mode guest load/store at guest_base + addr (alignment-checked if
 * the memop asks). */
static void emit_user_access(La64Gen *g, RaState *ra, const IrOp *op, const RaOperand *o)
{
    IrArg *ca = ir_op_cargs((IrOp *)op);
    bool ld = op->opc == IR_OP_guest_ld;
    int al = la64_align_check(g, ra, ld ? LA64_SLOW_LD : LA64_SLOW_ST, o[1].reg, ca[0], ca[1],
                              ld ? o[0].reg : -1);
    if (ld) {
        la64_emit_load(g, ca[0], o[0].reg, LA64_GBASE, o[1].reg, 0);
    } else {
        if (al >= 0) {
            RaOperand v = o[0];
            if (v.is_imm) {
                return;      /* cannot happen: the constraint below keeps it a register */
            }
            g_array_index(g->slows, La64Slow, al).val = v.reg;
        }
        la64_emit_store(g, ca[0], o[0], LA64_GBASE, o[1].reg, 0);
    }
    if (al >= 0) {
        la64_slow_return(g, al);
    }
}

JitError la64_emit_mem(La64Gen *g, RaState *ra, const IrOp *op, const RaOperand *o)
{
    IrArg *ca = ir_op_cargs((IrOp *)op);
    bool vec = op->type == IR_I128 || op->type == IR_V128;

    switch (op->opc) {
    case IR_OP_ld:
        if (vec) {
            return JIT_ERR_UNSUPPORTED;
        }
        la64_emit_load(g, ca[1], o[0].reg, o[1].reg, -1, (int32_t)ca[0]);
        return JIT_OK;
    case IR_OP_st:
        if (vec) {
            return JIT_ERR_UNSUPPORTED;
        }
        la64_emit_store(g, ca[1], o[0], o[1].reg, -1, (int32_t)ca[0]);
        return JIT_OK;
    case IR_OP_guest_ld: case IR_OP_guest_st:
        if (vec) {
            return JIT_ERR_UNSUPPORTED;
        } else if (!g->user_mode) {
            emit_soft_access(g, ra, op, o);
        } else {
            emit_user_access(g, ra, op, o);
        }
        return JIT_OK;
    default:
        return is_atomic(op->opc) ? emit_atomic(g, ra, op, o) : JIT_ERR_UNSUPPORTED;
    }
}
