/*
 * a64-lower-mem.c — guest memory for the arm64 backend: loads, stores and
 * atomics, plus the host ld/st memop shapes. User mode addresses
 * [x28 + addr] (register offset; faults are host signals). Softmmu emits
 * the inline TLB fast path (x16 = entry, compare the tag, x16 = addend) and
 * records an out-of-line slow path, emitted after the TB body, that saves
 * the live call-clobbered registers, calls the softmmu helper with the
 * return address inside the TB and branches back.
 *
 * Atomics: LSE (CASAL, SWPAL, LDADDAL, LDCLRAL, LDSETAL, LDEORAL, CASPAL)
 * when the host has them, else LDAXR/STLXR loops followed by DMB ISH (the
 * AL forms are fully ordered; the loops need the barrier for that).
 * Byte-swapped atomics always go to the helper.
 *
 * `tso` loads and stores (docs/memory-model.md): with LRCPC, LDAPR and
 * STLR at x16 = base + addr; they fault when misaligned, so in user mode a
 * misaligned address branches to an out-of-line plain access + DMB (in
 * softmmu the TLB compare already sends it to the helper). Without LRCPC,
 * and for vectors: LDR + DMB ISHLD and DMB ISHST + STR.
 */
#include "backend-arm64/a64-lower.h"

#include <stddef.h>

#include "jit/softmmu.h"

#define R(x) ((RaRegSet)1 << (x))
#define IMM { .imm = RA_IMM_ANY }
#define X0_5 (R(A64_X0) | R(A64_X1) | R(A64_X2) | R(A64_X3) | R(A64_X4) | R(A64_X5))

static const RaConstraint c_ld = { .name = "gld_r_r" };
static const RaConstraint c_ld_tlb = { .name = "gld_r_r_tlb", .nb_scratch = 1 };
static const RaConstraint c_st = { .name = "gst_ri_r", .in = { IMM } };
static const RaConstraint c_st_tlb = { .name = "gst_ri_r_tlb", .in = { IMM }, .nb_scratch = 1 };
/* atomics: old value in x16's partner x17, then extended into the output;
 * scratch: [0] tag compare / LL-SC new value, [1] LL-SC status */
static const RaConstraint c_atom_lse = { .name = "atomic_lse", .nb_scratch = 1 };
static const RaConstraint c_atom_llsc = { .name = "atomic_llsc", .nb_scratch = 2 };
static const RaConstraint c_atom_call = { .name = "atomic_helper" };
static const RaConstraint c_cas128 = {
    .name = "cmpxchg128_x0_x5", .clobbers = X0_5, .nb_scratch = 1,
};

static bool atom_via_helper(IrMemOp mo)
{
    return mo & IR_MO_BSWAP && ir_memop_size(mo) > 1;
}

const RaConstraint *a64_mem_constraint(A64Gen *g, const IrOp *op)
{
    bool tlb = !g->user_mode;
    IrMemOp mo = ir_op_cargs((IrOp *)op)[0];

    switch (op->opc) {
    case IR_OP_guest_ld:
        return tlb ? &c_ld_tlb : &c_ld;
    case IR_OP_guest_st:
        return tlb ? &c_st_tlb : &c_st;
    default:
        break;
    }
    if (op->type == IR_I128) {
        return &c_cas128;
    }
    if (atom_via_helper(mo)) {
        return &c_atom_call;
    }
    return g->lse ? &c_atom_lse : &c_atom_llsc;
}

/* ---------------------------------------------------------------------- */
/* Fast-path checks                                                        */

static A64Slow *new_slow(A64Gen *g, RaState *ra, const IrOp *op, int addr, IrMemOp mo,
                         unsigned mmu)
{
    A64Slow s = {
        .type = op->type, .addr = addr, .out = 255, .val = 255, .cmp = 255,
        .oi = jit_make_oi(mo, mmu),
        .branch_off = a64_off(g),
        .save = ra_live_regs(ra) & a64_target(false)->call_clobbered,
    };
    g_array_append_val(g->slows, s);
    return &g_array_index(g->slows, A64Slow, g->slows->len - 1);
}

/*
 * Branch to a new slow path unless the TLB entry for addr matches; on a hit
 * x16 holds the addend, so the host address is [x16 + addr]. `scratch` is
 * a free allocatable register for the masked address.
 */
static A64Slow *tlb_check(A64Gen *g, RaState *ra, const IrOp *op, int addr, int scratch,
                          IrMemOp mo, unsigned mmu, bool write)
{
    A64Buf *b = &g->buf;
    unsigned size = ir_memop_size(mo);
    int32_t tlb_off = offsetof(JitCpu, tlb) + mmu * sizeof(JitTlbEntry *);

    a64_ldst_any(g, A64_LDR_X, A64_TMP0, A64_ENV, tlb_off);
    a64_ubfx(b, true, A64_TMP1, addr, JIT_PAGE_BITS, JIT_TLB_BITS);
    a64_addsub_shift(b, A64_ADD, true, A64_TMP0, A64_TMP0, A64_TMP1, A64_LSL, 5);
    a64_ldst(b, A64_LDR_X, A64_TMP1, A64_TMP0,
             write ? offsetof(JitTlbEntry, addr_write) : offsetof(JitTlbEntry, addr_read));
    a64_logic_imm(b, A64_AND, true, scratch, addr, JIT_PAGE_MASK | (size - 1));
    a64_cmp_rr(b, true, scratch, A64_TMP1);
    A64Slow *s = new_slow(g, ra, op, addr, mo, mmu);
    a64_bcond(b, A64_NE, 0);
    a64_ldst(b, A64_LDR_X, A64_TMP0, A64_TMP0, offsetof(JitTlbEntry, addend));
    return s;
}

/* The checks before a guest access: the softmmu TLB, or in user mode the
 * alignment an `align` memop requires (a misaligned access goes to the
 * helper, which raises the guest fault). NULL when there is no slow path. */
static A64Slow *mem_check(A64Gen *g, RaState *ra, const IrOp *op, int addr, int scratch,
                          IrMemOp mo, unsigned mmu, bool write, bool force_align)
{
    unsigned size = ir_memop_size(mo);

    if (!g->user_mode) {
        return tlb_check(g, ra, op, addr, scratch, mo, mmu, write);
    }
    if (!(mo & IR_MO_ALIGN || force_align) || size == 1) {
        return NULL;
    }
    a64_tst_ri(&g->buf, true, addr, size - 1);
    A64Slow *s = new_slow(g, ra, op, addr, mo, mmu);
    a64_bcond(&g->buf, A64_NE, 0);
    return s;
}

/* Base register of a guest access after mem_check. */
static int host_base(A64Gen *g)
{
    return g->user_mode ? A64_GBASE : A64_TMP0;
}

/* ---------------------------------------------------------------------- */
/* Memop-shaped loads and stores                                           */

static void mem_access(A64Gen *g, A64MemOp op, int rt, int base, int index, int32_t off)
{
    if (index >= 0) {
        a64_ldst_reg(&g->buf, op, rt, base, index, A64_UXTX, false);
    } else {
        a64_ldst_any(g, op, rt, base, off);
    }
}

static A64MemOp vec_memop(unsigned size, bool load)
{
    switch (size) {
    case 4:  return load ? A64_LDR_S : A64_STR_S;
    case 8:  return load ? A64_LDR_D : A64_STR_D;
    default: return load ? A64_LDR_Q : A64_STR_Q;
    }
}

/* Reverse the low `size` bytes (4, 8, 16) of vn into vd; the rest of a
 * narrow value is zero and stays zero. */
static void vec_bswap(A64Gen *g, unsigned size, int vd, int vn)
{
    if (size == 16) {
        a64_vrev(g, 8, true, vd, vn);
        a64_vext16(g, vd, vd, vd, 8);
    } else {
        a64_vrev(g, size, false, vd, vn);
    }
}

/* d holds the zero-extended raw value of a load: byte-swap it and sign-
 * extend it as mo says (sf: to 64 bits). */
static void load_fixup(A64Gen *g, IrMemOp mo, bool sf, int d)
{
    A64Buf *b = &g->buf;
    unsigned size = ir_memop_size(mo);
    bool sign = mo & IR_MO_SIGN;

    if (!(mo & IR_MO_BSWAP) || size == 1) {
        switch (sign ? size : 8) {
        case 1: a64_sxtb(b, sf, d, d); break;
        case 2: a64_sxth(b, sf, d, d); break;
        case 4: if (sf) { a64_sxtw(b, d, d); } break;
        default: break;
        }
        return;
    }
    switch (size) {
    case 2:
        a64_rev16(b, false, d, d);
        if (sign) {
            a64_sxth(b, sf, d, d);
        } else {
            a64_uxth(b, d, d);
        }
        break;
    case 4:
        a64_rev(b, false, d, d);
        if (sign && sf) {
            a64_sxtw(b, d, d);
        }
        break;
    default:
        a64_rev(b, true, d, d);
        break;
    }
}

JitError a64_emit_load(A64Gen *g, IrType t, IrMemOp mo, int d, int base, int index,
                       int32_t off)
{
    unsigned size = ir_memop_size(mo), lg = mo & IR_MO_SIZE_MASK;
    bool vec = t == IR_V128 || t == IR_I128, sf = t == IR_I64;
    bool sign = mo & IR_MO_SIGN;

    if (vec ? size < 4 : size == 16) {
        return JIT_ERR_UNSUPPORTED;
    }
    if (vec) {
        mem_access(g, vec_memop(size, true), a64_v(d), base, index, off);
        if (mo & IR_MO_BSWAP) {
            vec_bswap(g, size, a64_v(d), a64_v(d));
        }
        return JIT_OK;
    }
    if (!(mo & IR_MO_BSWAP) || size == 1) {
        mem_access(g, a64_memop_load(lg, sign, sf), d, base, index, off);
        return JIT_OK;
    }
    mem_access(g, a64_memop_load(lg, false, sf), d, base, index, off);
    load_fixup(g, mo, sf, d);
    return JIT_OK;
}

static uint64_t bswap_const(uint64_t v, unsigned size)
{
    switch (size) {
    case 2: return __builtin_bswap16(v);
    case 4: return __builtin_bswap32(v);
    case 8: return __builtin_bswap64(v);
    default: return v;
    }
}

/* The register holding the integer value of a store: x17 when it needs
 * work (immediate, byte swap); x16 is left alone (base or far offset). */
static int store_value(A64Gen *g, IrMemOp mo, RaOperand v)
{
    A64Buf *b = &g->buf;
    unsigned size = ir_memop_size(mo);
    bool swap = mo & IR_MO_BSWAP && size > 1;

    if (v.is_imm) {
        uint64_t imm = swap ? bswap_const(v.imm, size) : v.imm;
        return a64_opnd_reg(g, size == 8, (RaOperand){ .is_imm = true, .imm = imm }, A64_TMP1);
    }
    if (!swap) {
        return v.reg;
    }
    if (size == 2) {
        a64_rev16(b, false, A64_TMP1, v.reg);
    } else {
        a64_rev(b, size == 8, A64_TMP1, v.reg);
    }
    return A64_TMP1;
}

JitError a64_emit_store(A64Gen *g, IrType t, IrMemOp mo, RaOperand v, int base, int index,
                        int32_t off)
{
    unsigned size = ir_memop_size(mo), lg = mo & IR_MO_SIZE_MASK;
    bool vec = t == IR_V128 || t == IR_I128;
    bool swap = mo & IR_MO_BSWAP && size > 1;
    int r;

    if (vec ? size < 4 : size == 16) {
        return JIT_ERR_UNSUPPORTED;
    }
    if (vec) {
        r = a64_v(v.reg);
        if (swap) {
            vec_bswap(g, size, A64_VTMP, r);
            r = A64_VTMP;
        }
        mem_access(g, vec_memop(size, false), r, base, index, off);
        return JIT_OK;
    }
    r = store_value(g, mo, v);
    mem_access(g, a64_memop_store(lg), r, base, index, off);
    return JIT_OK;
}

/* ---------------------------------------------------------------------- */
/* Guest loads and stores                                                  */

/* Whether a tso access of type t is one LDAPR / STLR (which need natural
 * alignment) rather than a plain access and a DMB. */
static bool tso_acq_rel(A64Gen *g, IrType t)
{
    return g->lrcpc && t != IR_V128 && t != IR_I128;
}

/* A `tso` load: ordered before every later access (acquire). LDAPR is
 * RCpc, which is all x86 asks (docs/memory-model.md). */
static void emit_tso_load(A64Gen *g, IrType t, IrMemOp mo, int d, int addr)
{
    A64Buf *b = &g->buf;

    if (!tso_acq_rel(g, t)) {
        a64_emit_load(g, t, mo, d, host_base(g), addr, 0);
        a64_dmb(b, A64_BAR_ISHLD);
        return;
    }
    a64_add_rrr(b, true, A64_TMP0, host_base(g), addr);
    a64_ldapr(b, mo & IR_MO_SIZE_MASK, d, A64_TMP0);
    load_fixup(g, mo, t == IR_I64, d);
}

/* A `tso` store: ordered after every earlier access (release). Without
 * STLR, DMB ISHST orders earlier stores before it; earlier loads are
 * ordered by their own acquire or DMB ISHLD. */
static void emit_tso_store(A64Gen *g, IrType t, IrMemOp mo, RaOperand v, int addr)
{
    A64Buf *b = &g->buf;

    if (!tso_acq_rel(g, t)) {
        a64_dmb(b, A64_BAR_ISHST);
        a64_emit_store(g, t, mo, v, host_base(g), addr, 0);
        return;
    }
    int r = store_value(g, mo, v);
    a64_add_rrr(b, true, A64_TMP0, host_base(g), addr);
    a64_stlr(b, mo & IR_MO_SIZE_MASK, r, A64_TMP0);
}

/*
 * The checks before a guest load or store (mem_check), except that in user
 * mode a tso access done with LDAPR/STLR tests the alignment those need
 * and branches to an A64_SLOW_TSO_* path (kind set here) when misaligned.
 * An `align` memop keeps its faulting helper path.
 */
static A64Slow *access_check(A64Gen *g, RaState *ra, const IrOp *op, const RaOperand *o,
                             bool write)
{
    IrArg *ca = ir_op_cargs((IrOp *)op);
    IrMemOp mo = ca[0];
    unsigned size = ir_memop_size(mo);
    int addr = o[1].reg;

    if (!g->user_mode || !(mo & IR_MO_TSO) || !tso_acq_rel(g, op->type) ||
        mo & IR_MO_ALIGN || size == 1) {
        return mem_check(g, ra, op, addr, g->user_mode ? -1 : o[2].reg, mo, ca[1], write,
                         false);
    }
    a64_tst_ri(&g->buf, true, addr, size - 1);
    A64Slow *s = new_slow(g, ra, op, addr, mo, ca[1]);
    s->kind = write ? A64_SLOW_TSO_ST : A64_SLOW_TSO_LD;
    a64_bcond(&g->buf, A64_NE, 0);
    return s;
}

static JitError emit_ld(A64Gen *g, RaState *ra, const IrOp *op, const RaOperand *o)
{
    IrArg *ca = ir_op_cargs((IrOp *)op);
    IrMemOp mo = ca[0];
    unsigned size = ir_memop_size(mo);
    bool vec = op->type == IR_V128 || op->type == IR_I128;
    int d = o[0].reg, addr = o[1].reg;

    if (vec ? size < 4 : size == 16) {
        return JIT_ERR_UNSUPPORTED;
    }
    A64Slow *s = access_check(g, ra, op, o, false);
    if (mo & IR_MO_TSO) {
        emit_tso_load(g, op->type, mo, d, addr);
    } else {
        a64_emit_load(g, op->type, mo, d, host_base(g), addr, 0);
    }
    if (s) {
        s->kind = s->kind == A64_SLOW_TSO_LD ? A64_SLOW_TSO_LD : A64_SLOW_LD;
        s->out = d;
        s->save &= ~((RaRegSet)1 << d);
        s->ret_off = a64_off(g);
    }
    return JIT_OK;
}

static JitError emit_st(A64Gen *g, RaState *ra, const IrOp *op, const RaOperand *o)
{
    IrArg *ca = ir_op_cargs((IrOp *)op);
    IrMemOp mo = ca[0];
    unsigned size = ir_memop_size(mo);
    bool vec = op->type == IR_V128 || op->type == IR_I128;
    int addr = o[1].reg;

    if (vec ? size < 4 : size == 16) {
        return JIT_ERR_UNSUPPORTED;
    }
    A64Slow *s = access_check(g, ra, op, o, true);
    if (mo & IR_MO_TSO) {
        emit_tso_store(g, op->type, mo, o[0], addr);
    } else {
        a64_emit_store(g, op->type, mo, o[0], host_base(g), addr, 0);
    }
    if (s) {
        s->kind = s->kind == A64_SLOW_TSO_ST ? A64_SLOW_TSO_ST : A64_SLOW_ST;
        s->val_imm = o[0].is_imm;
        s->imm = o[0].imm;
        s->val = o[0].is_imm ? 255 : o[0].reg;
        s->ret_off = a64_off(g);
    }
    return JIT_OK;
}

/* ---------------------------------------------------------------------- */
/* Atomics                                                                 */

static JitAtomicOp rmw_kind(IrOpcode opc)
{
    switch (opc) {
    case IR_OP_atomic_xchg:      return JIT_ATOMIC_XCHG;
    case IR_OP_atomic_fetch_add: return JIT_ATOMIC_ADD;
    case IR_OP_atomic_fetch_and: return JIT_ATOMIC_AND;
    case IR_OP_atomic_fetch_or:  return JIT_ATOMIC_OR;
    default:                     return JIT_ATOMIC_XOR;
    }
}

/* x17 = [x16] op val (or the cmpxchg) with LSE, fully ordered (AL). */
static void atomic_lse(A64Gen *g, const IrOp *op, const RaOperand *o, int lg)
{
    A64Buf *b = &g->buf;

    switch (op->opc) {
    case IR_OP_atomic_cmpxchg:
        a64_mov_rr(b, true, A64_TMP1, o[2].reg);
        a64_cas(b, lg, A64_ORD_AR, A64_TMP1, o[3].reg, A64_TMP0);
        break;
    case IR_OP_atomic_xchg:
        a64_swp(b, lg, A64_ORD_AR, o[2].reg, A64_TMP1, A64_TMP0);
        break;
    case IR_OP_atomic_fetch_add:
        a64_ldop(b, A64_LDADD, lg, A64_ORD_AR, o[2].reg, A64_TMP1, A64_TMP0);
        break;
    case IR_OP_atomic_fetch_and:
        a64_mvn(b, true, A64_TMP1, o[2].reg);           /* and = clear ~val */
        a64_ldop(b, A64_LDCLR, lg, A64_ORD_AR, A64_TMP1, A64_TMP1, A64_TMP0);
        break;
    case IR_OP_atomic_fetch_or:
        a64_ldop(b, A64_LDSET, lg, A64_ORD_AR, o[2].reg, A64_TMP1, A64_TMP0);
        break;
    default:
        a64_ldop(b, A64_LDEOR, lg, A64_ORD_AR, o[2].reg, A64_TMP1, A64_TMP0);
        break;
    }
}

/* The same as an LDAXR/STLXR loop + DMB ISH; s1, s2 are scratch. */
static void atomic_llsc(A64Gen *g, const IrOp *op, const RaOperand *o, int lg, int s1, int s2)
{
    A64Buf *b = &g->buf;
    bool sf = lg == 3;
    uint32_t loop, fail = 0;

    if (op->opc == IR_OP_atomic_cmpxchg && lg < 2) {
        (lg == 0 ? a64_uxtb : a64_uxth)(b, s1, o[2].reg);  /* cmp at the access size */
    } else if (op->opc == IR_OP_atomic_cmpxchg) {
        a64_mov_rr(b, sf, s1, o[2].reg);
    }
    loop = a64_off(g);
    a64_ldaxr(b, lg, A64_TMP1, A64_TMP0);
    int nv = s1;
    switch (op->opc) {
    case IR_OP_atomic_cmpxchg:
        a64_cmp_rr(b, sf, A64_TMP1, s1);
        fail = a64_off(g);
        a64_bcond(b, A64_NE, 0);
        nv = o[3].reg;
        break;
    case IR_OP_atomic_xchg:      nv = o[2].reg; break;
    case IR_OP_atomic_fetch_add: a64_add_rrr(b, true, s1, A64_TMP1, o[2].reg); break;
    case IR_OP_atomic_fetch_and: a64_and_rrr(b, true, s1, A64_TMP1, o[2].reg); break;
    case IR_OP_atomic_fetch_or:  a64_orr_rrr(b, true, s1, A64_TMP1, o[2].reg); break;
    default:                     a64_eor_rrr(b, true, s1, A64_TMP1, o[2].reg); break;
    }
    a64_stlxr(b, lg, s2, nv, A64_TMP0);
    a64_cbnz(b, false, s2, (int64_t)loop - (int64_t)a64_off(g));
    if (fail && !a64_buf_error(b)) {         /* (after an overflow the word is not there) */
        a64_patch_branch((uint32_t *)(void *)(b->base + fail), b->base + a64_off(g));
    }
    a64_dmb(b, A64_BAR_ISH);
}

/* i128 cmpxchg with cmp in x0:x1 (old comes back there), new in x2:x3. */
static void cmpxchg128(A64Gen *g, const RaOperand *o)
{
    A64Buf *b = &g->buf;
    int vc = a64_v(o[2].reg), vn = a64_v(o[3].reg), vo = a64_v(o[0].reg);

    a64_fmov_to_gpr(b, true, A64_X0, vc);
    a64_vumov(b, A64_E64, A64_X1, vc, 1);
    a64_fmov_to_gpr(b, true, A64_X2, vn);
    a64_vumov(b, A64_E64, A64_X3, vn, 1);
    if (g->lse) {
        a64_casp(b, true, A64_ORD_AR, A64_X0, A64_X2, A64_TMP0);
    } else {
        a64_mov_rr(b, true, A64_X4, A64_X0);
        a64_mov_rr(b, true, A64_X5, A64_X1);
        uint32_t loop = a64_off(g);
        a64_ldaxp(b, true, A64_X0, A64_X1, A64_TMP0);
        a64_cmp_rr(b, true, A64_X0, A64_X4);
        a64_ccmp(b, true, A64_X1, A64_X5, 0, A64_EQ);
        a64_bcond(b, A64_NE, 12);                      /* unequal: store the old back */
        a64_stlxp(b, true, A64_TMP1, A64_X2, A64_X3, A64_TMP0);
        a64_b(b, 8);
        a64_stlxp(b, true, A64_TMP1, A64_X0, A64_X1, A64_TMP0);
        a64_cbnz(b, false, A64_TMP1, (int64_t)loop - (int64_t)a64_off(g));
        a64_dmb(b, A64_BAR_ISH);
    }
    a64_fmov_from_gpr(b, true, vo, A64_X0);
    a64_vins_gpr(b, A64_E64, vo, 1, A64_X1);
}

/* Extend the old value in x17 (zero-extended by the access) into d. */
static void extend_old(A64Gen *g, IrType t, IrMemOp mo, int d)
{
    A64Buf *b = &g->buf;
    bool sf = t == IR_I64;

    switch (mo & (IR_MO_SIZE_MASK | IR_MO_SIGN)) {
    case IR_MO_8 | IR_MO_SIGN:  a64_sxtb(b, sf, d, A64_TMP1); break;
    case IR_MO_16 | IR_MO_SIGN: a64_sxth(b, sf, d, A64_TMP1); break;
    case IR_MO_32 | IR_MO_SIGN:
        if (sf) {
            a64_sxtw(b, d, A64_TMP1);
            break;
        }
        __attribute__((fallthrough));
    default:
        a64_mov_rr(b, sf, d, A64_TMP1);
        break;
    }
}

static JitError emit_atomic(A64Gen *g, RaState *ra, const IrOp *op, const RaOperand *o)
{
    A64Buf *b = &g->buf;
    IrArg *ca = ir_op_cargs((IrOp *)op);
    IrMemOp mo = ca[0];
    unsigned nb_i = ir_op_nb_iargs(op), lg = mo & IR_MO_SIZE_MASK;
    const RaConstraint *c = a64_mem_constraint(g, op);
    int d = o[0].reg, addr = o[1].reg;
    int s1 = c->nb_scratch ? o[1 + nb_i].reg : -1;
    int s2 = c->nb_scratch > 1 ? o[2 + nb_i].reg : -1;
    A64Slow *s;
    bool wide = op->type == IR_I128;

    if (wide ? lg != 4 : lg > 3) {
        return JIT_ERR_UNSUPPORTED;
    }
    if (c == &c_atom_call) {
        s = new_slow(g, ra, op, addr, mo, ca[1]);
        a64_b(b, 0);
    } else {
        s = mem_check(g, ra, op, addr, s1, mo, ca[1], true, true);   /* A64 atomics fault when misaligned */
        a64_add_rrr(b, true, A64_TMP0, host_base(g), addr);
        if (wide) {
            cmpxchg128(g, o);
        } else {
            if (g->lse) {
                atomic_lse(g, op, o, lg);
            } else {
                atomic_llsc(g, op, o, lg, s1, s2);
            }
            extend_old(g, op->type, mo, d);
        }
    }
    if (s) {
        s->kind = op->opc == IR_OP_atomic_cmpxchg ? A64_SLOW_CMPXCHG : A64_SLOW_RMW;
        s->out = d;
        s->save &= ~((RaRegSet)1 << d);
        s->val = op->opc == IR_OP_atomic_cmpxchg ? o[3].reg : o[2].reg;
        s->cmp = op->opc == IR_OP_atomic_cmpxchg ? o[2].reg : 255;
        s->rmw_op = rmw_kind(op->opc);
        s->ret_off = a64_off(g);
    }
    return JIT_OK;
}

JitError a64_emit_mem(A64Gen *g, RaState *ra, const IrOp *op, const RaOperand *o)
{
    switch (op->opc) {
    case IR_OP_guest_ld: return emit_ld(g, ra, op, o);
    case IR_OP_guest_st: return emit_st(g, ra, op, o);
    default:             return emit_atomic(g, ra, op, o);
    }
}

/* ---------------------------------------------------------------------- */
/* Out-of-line slow paths                                                  */

enum {
    BUF_ADDR = A64_FRAME_BUF_OFF,          /* guest address */
    BUF_VAL = A64_FRAME_BUF_OFF + 8,       /* value / new value (<= 8 bytes) */
    BUF_CMP = A64_FRAME_BUF_OFF + 16,      /* cmp (8 or 16 bytes) */
    BUF_VAL128 = A64_FRAME_BUF_OFF + 32,   /* 16-byte value / new value */
    BUF_OUT128 = A64_FRAME_BUF_OFF + 48,   /* 16-byte result */
};

static void save_regs(A64Gen *g, RaRegSet set, bool restore)
{
    for (; set; set &= set - 1) {
        unsigned r = __builtin_ctzll(set);
        if (a64_is_vreg(r)) {
            a64_ldst(&g->buf, restore ? A64_LDR_Q : A64_STR_Q, a64_v(r), A64_SP,
                     A64_FRAME_VSAVE_OFF + a64_v(r) * 16);
        } else {
            a64_ldst(&g->buf, restore ? A64_LDR_X : A64_STR_X, r, A64_SP,
                     A64_FRAME_SAVE_OFF + r * 8);
        }
    }
}

/* Store a value operand (GPR, V register, or immediate) to the buffer. */
static void stage(A64Gen *g, const A64Slow *s, unsigned reg, bool imm, int off16, int off8)
{
    A64Buf *b = &g->buf;
    bool wide = ir_memop_size(jit_oi_memop(s->oi)) == 16;

    if (imm) {
        a64_movi64(b, A64_TMP1, s->imm);
        a64_ldst(b, A64_STR_X, A64_TMP1, A64_SP, off8);
    } else if (a64_is_vreg(reg) && wide) {
        a64_ldst(b, A64_STR_Q, a64_v(reg), A64_SP, off16);
    } else if (a64_is_vreg(reg)) {
        a64_ldst(b, A64_STR_D, a64_v(reg), A64_SP, off8);
    } else {
        a64_ldst(b, A64_STR_X, reg, A64_SP, off8);
    }
}

static uintptr_t slow_helper(const A64Slow *s)
{
    bool wide = ir_memop_size(jit_oi_memop(s->oi)) == 16;
    switch (s->kind) {
    case A64_SLOW_LD:      return wide ? (uintptr_t)jit_ld128_helper : (uintptr_t)jit_ld_helper;
    case A64_SLOW_ST:      return wide ? (uintptr_t)jit_st128_helper : (uintptr_t)jit_st_helper;
    case A64_SLOW_CMPXCHG: return wide ? (uintptr_t)jit_atomic_cmpxchg128_helper
                                       : (uintptr_t)jit_atomic_cmpxchg_helper;
    default:               return (uintptr_t)jit_atomic_rmw_helper;
    }
}

/* Arguments per helper (softmmu.h): cpu, addr, then by kind. Sources are
 * staged in the frame first, so no argument register overwrites one. */
static void slow_args(A64Gen *g, const A64Slow *s)
{
    A64Buf *b = &g->buf;
    bool wide = ir_memop_size(jit_oi_memop(s->oi)) == 16;
    int ra_reg;

    a64_ldst(b, A64_STR_X, s->addr, A64_SP, BUF_ADDR);
    if (s->kind != A64_SLOW_LD) {
        stage(g, s, s->val, s->val_imm, BUF_VAL128, BUF_VAL);
    }
    if (s->kind == A64_SLOW_CMPXCHG) {
        stage(g, s, s->cmp, false, BUF_CMP, BUF_CMP);
    }
    a64_mov_rr(b, true, A64_X0, A64_ENV);
    a64_ldst(b, A64_LDR_X, A64_X1, A64_SP, BUF_ADDR);
    switch (s->kind) {
    case A64_SLOW_LD:
        a64_movi64(b, A64_X2, s->oi);
        ra_reg = A64_X3;
        if (wide) {
            a64_add_rri(b, true, A64_X4, A64_SP, BUF_OUT128);
        }
        break;
    case A64_SLOW_ST:
        if (wide) {
            a64_add_rri(b, true, A64_X2, A64_SP, BUF_VAL128);
        } else {
            a64_ldst(b, A64_LDR_X, A64_X2, A64_SP, BUF_VAL);
        }
        a64_movi64(b, A64_X3, s->oi);
        ra_reg = A64_X4;
        break;
    case A64_SLOW_CMPXCHG:
        if (wide) {
            a64_add_rri(b, true, A64_X2, A64_SP, BUF_CMP);
            a64_add_rri(b, true, A64_X3, A64_SP, BUF_VAL128);
            a64_add_rri(b, true, A64_X6, A64_SP, BUF_OUT128);
        } else {
            a64_ldst(b, A64_LDR_X, A64_X2, A64_SP, BUF_CMP);
            a64_ldst(b, A64_LDR_X, A64_X3, A64_SP, BUF_VAL);
        }
        a64_movi64(b, A64_X4, s->oi);
        ra_reg = A64_X5;
        break;
    default:
        a64_ldst(b, A64_LDR_X, A64_X2, A64_SP, BUF_VAL);
        a64_movi64(b, A64_X3, s->rmw_op);
        a64_movi64(b, A64_X4, s->oi);
        ra_reg = A64_X5;
        break;
    }
    a64_adr(b, ra_reg, (int64_t)s->ret_off - (int64_t)a64_off(g));
}

static void slow_result(A64Gen *g, const A64Slow *s)
{
    A64Buf *b = &g->buf;
    bool wide = ir_memop_size(jit_oi_memop(s->oi)) == 16;

    if (s->out == 255) {
        return;
    }
    if (a64_is_vreg(s->out) && wide) {
        a64_ldst(b, A64_LDR_Q, a64_v(s->out), A64_SP, BUF_OUT128);
    } else if (a64_is_vreg(s->out)) {
        a64_fmov_from_gpr(b, true, a64_v(s->out), A64_X0);
    } else {
        a64_mov_rr(b, true, s->out, A64_X0);
    }
}

/* A misaligned tso access in user mode: the plain access at [x28 + addr]
 * with the DMB form of its ordering (docs/memory-model.md), then back. */
static void slow_tso_plain(A64Gen *g, const A64Slow *s)
{
    IrMemOp mo = jit_oi_memop(s->oi);

    if (s->kind == A64_SLOW_TSO_LD) {
        a64_emit_load(g, s->type, mo, s->out, A64_GBASE, s->addr, 0);
        a64_dmb(&g->buf, A64_BAR_ISHLD);
    } else {
        RaOperand v = { .is_imm = s->val_imm, .reg = s->val, .imm = s->imm };
        a64_dmb(&g->buf, A64_BAR_ISHST);
        a64_emit_store(g, s->type, mo, v, A64_GBASE, s->addr, 0);
    }
}

void a64_emit_slow_paths(A64Gen *g)
{
    A64Buf *b = &g->buf;

    for (unsigned i = 0; i < g->slows->len; i++) {
        const A64Slow *s = &g_array_index(g->slows, A64Slow, i);
        if (a64_buf_error(b)) {
            return;
        }
        a64_patch_branch((uint32_t *)(void *)(b->base + s->branch_off), b->base + a64_off(g));
        if (s->kind == A64_SLOW_TSO_LD || s->kind == A64_SLOW_TSO_ST) {
            slow_tso_plain(g, s);
            a64_b(b, (int64_t)s->ret_off - (int64_t)a64_off(g));
            continue;
        }
        save_regs(g, s->save, false);
        slow_args(g, s);
        a64_call_abs(g, slow_helper(s));
        slow_result(g, s);
        save_regs(g, s->save, true);
        a64_b(b, (int64_t)s->ret_off - (int64_t)a64_off(g));
    }
}
