/*
 * x64-lower-mem.c — guest memory for the x86-64 backend: loads, stores and
 * atomics. User mode addresses [guest_base + addr] directly (faults are host
 * signals). Softmmu emits the inline TLB fast path (index, compare the tag,
 * add the addend) and records an out-of-line slow path, emitted after the TB
 * body, that saves the live call-clobbered registers, calls the softmmu
 * helper with the host return address and jumps back.
 *
 * The `ra` passed to helpers is the address where the slow path returns to:
 * the first byte after the op's inline fast path, inside the guest
 * instruction's range (insn_start data maps it back to the guest pc).
 */
#include "backend-x86_64/x64-lower.h"

#include <assert.h>
#include <stddef.h>

#include "jit/softmmu.h"

#define R(x) ((RaRegSet)1 << (x))
#define NOT_ABCD (~(R(X64_RAX) | R(X64_RBX) | R(X64_RCX) | R(X64_RDX)))

static const RaConstraint c_ld = { .name = "gld_r_r" };
static const RaConstraint c_ld_tlb = { .name = "gld_r_r_tlb", .nb_scratch = 1 };
static const RaConstraint c_st = { .name = "gst_ri_r", .in = { { .imm = RA_IMM_S32 } } };
static const RaConstraint c_st_tlb = { .name = "gst_r_r_tlb", .nb_scratch = 1 };
static const RaConstraint c_cmpxchg = {
    .name = "cmpxchg_rax", .out = { { .regs = R(X64_RAX), .alias = 2 } },
    .in = { { 0 }, { .regs = R(X64_RAX) }, { 0 } },
};
static const RaConstraint c_cmpxchg_tlb = {
    .name = "cmpxchg_rax_tlb", .nb_scratch = 1, .out = { { .regs = R(X64_RAX), .alias = 2 } },
    .in = { { 0 }, { .regs = R(X64_RAX) }, { 0 } },
};
/* byte-swapped cmpxchg: the first scratch holds the swapped new value */
static const RaConstraint c_cmpxchg_sw = {
    .name = "cmpxchg_rax_swap", .nb_scratch = 1, .out = { { .regs = R(X64_RAX), .alias = 2 } },
    .in = { { 0 }, { .regs = R(X64_RAX) }, { 0 } },
};
static const RaConstraint c_cmpxchg_sw_tlb = {
    .name = "cmpxchg_rax_swap_tlb", .nb_scratch = 2, .out = { { .regs = R(X64_RAX), .alias = 2 } },
    .in = { { 0 }, { .regs = R(X64_RAX) }, { 0 } },
};
/* fetch_add/and/or/xor whose old value is dead: one lock add/and/or/xor */
static const RaConstraint c_lock_rmw = {
    .name = "lock_rmw_ri", .in = { { 0 }, { .imm = RA_IMM_S32 } },
};
static const RaConstraint c_lock_rmw_tlb = { .name = "lock_rmw_r_tlb", .nb_scratch = 1 };
static const RaConstraint c_cmpxchg16b = {
    .name = "cmpxchg16b", .clobbers = R(X64_RAX) | R(X64_RBX) | R(X64_RCX) | R(X64_RDX),
    .in = { { .regs = NOT_ABCD }, { 0 }, { 0 } },
};
static const RaConstraint c_cmpxchg16b_tlb = {
    .name = "cmpxchg16b_tlb", .nb_scratch = 1,
    .clobbers = R(X64_RAX) | R(X64_RBX) | R(X64_RCX) | R(X64_RDX),
    .in = { { .regs = NOT_ABCD }, { 0 }, { 0 } },
};
static const RaConstraint c_xchg = { .name = "xchg_r_1", .out = { { .alias = 2 } } };
static const RaConstraint c_xchg_tlb = {
    .name = "xchg_r_1_tlb", .nb_scratch = 1, .out = { { .alias = 2 } },
};
static const RaConstraint c_rmw_loop = {
    .name = "rmw_cmpxchg_loop", .nb_scratch = 1, .clobbers = R(X64_RAX),
    .out = { { .regs = R(X64_RAX) } },
};
static const RaConstraint c_rmw_loop_tlb = {
    .name = "rmw_cmpxchg_loop_tlb", .nb_scratch = 2, .clobbers = R(X64_RAX),
    .out = { { .regs = R(X64_RAX) } },
};

const RaConstraint *x64_mem_constraint(X64Gen *g, const IrOp *op)
{
    bool tlb = !g->user_mode;
    IrMemOp mo = ir_op_cargs((IrOp *)op)[0];
    bool swap = mo & IR_MO_BSWAP && ir_memop_size(mo) > 1;

    switch (op->opc) {
    case IR_OP_guest_ld:
        return tlb ? &c_ld_tlb : &c_ld;
    case IR_OP_guest_st:
        return tlb ? &c_st_tlb : &c_st;
    case IR_OP_atomic_cmpxchg:
        if (op->type == IR_I128) {
            return tlb ? &c_cmpxchg16b_tlb : &c_cmpxchg16b;
        }
        if (swap) {
            return tlb ? &c_cmpxchg_sw_tlb : &c_cmpxchg_sw;
        }
        return tlb ? &c_cmpxchg_tlb : &c_cmpxchg;
    case IR_OP_atomic_xchg:
        return tlb ? &c_xchg_tlb : &c_xchg;
    default:
        break;
    }
    /* The old value is not needed at all: dead and, for a global, not to be
     * stored either (dead alone only means "not read from a register"). */
    if (!swap && op->dead & 1 && !(op->sync & 1)) {
        return tlb ? &c_lock_rmw_tlb : &c_lock_rmw;
    }
    switch (op->opc) {
    case IR_OP_atomic_fetch_add:
        if (!swap) {            /* lock xadd; byte-swapped adds need the loop */
            return tlb ? &c_xchg_tlb : &c_xchg;
        }
        /* fall through */
    default:
        return tlb ? &c_rmw_loop_tlb : &c_rmw_loop;
    }
}

/* ---------------------------------------------------------------------- */
/* TLB fast path                                                           */

/* Record a slow path entered through the rel32 at `field`. */
static X64Slow *new_slow(X64Gen *g, RaState *ra, const IrOp *op, int addr, IrMemOp mo,
                         unsigned mmu, size_t field)
{
    X64Slow s = {
        .type = op->type, .addr = addr, .out = 255, .val = 255, .cmp = 255,
        .oi = jit_make_oi(mo, mmu),
        .jmp_field = field,
        .save = ra_live_regs(ra) & x64_target(false)->call_clobbered,
    };
    g_array_append_val(g->slows, s);
    return &g_array_index(g->slows, X64Slow, g->slows->len - 1);
}

/*
 * Branch to a new slow path unless the TLB entry for addr matches; on a hit
 * r11 holds the addend, so the host address is [r11 + addr].
 */
static X64Slow *tlb_check(X64Gen *g, RaState *ra, const IrOp *op, int addr, int scratch,
                          IrMemOp mo, unsigned mmu, bool write)
{
    X64Buf *b = &g->buf;
    unsigned size = ir_memop_size(mo);
    int32_t tlb_off = offsetof(JitCpu, tlb) + mmu * sizeof(JitTlbEntry *);

    x64_mov_rr(b, true, X64_TMP, addr);
    x64_shift_ri(b, X64_SHR, true, X64_TMP, JIT_PAGE_BITS - 5);
    x64_alu_ri(b, X64_AND, false, X64_TMP, (JIT_TLB_SIZE - 1) << 5);
    x64_alu_rm(b, X64_ADD, true, X64_TMP, x64_mem(X64_ENV, tlb_off));
    x64_mov_rr(b, true, scratch, addr);
    x64_alu_ri(b, X64_AND, true, scratch, (int32_t)(JIT_PAGE_MASK | (size - 1)));
    x64_alu_rm(b, X64_CMP, true, scratch,
               x64_mem(X64_TMP, write ? offsetof(JitTlbEntry, addr_write)
                                      : offsetof(JitTlbEntry, addr_read)));
    X64Slow *s = new_slow(g, ra, op, addr, mo, mmu, x64_jcc32(b, X64_CC_NE));
    x64_load(b, 8, false, true, X64_TMP, x64_mem(X64_TMP, offsetof(JitTlbEntry, addend)));
    return s;
}

/*
 * The checks before a guest access: the softmmu TLB, or in user mode the
 * alignment a memop may require (a misaligned access goes to the helper,
 * which raises the guest fault). NULL when the access needs no slow path.
 */
static X64Slow *mem_check(X64Gen *g, RaState *ra, const IrOp *op, int addr, int scratch,
                          IrMemOp mo, unsigned mmu, bool write)
{
    unsigned size = ir_memop_size(mo);

    if (!g->user_mode) {
        return tlb_check(g, ra, op, addr, scratch, mo, mmu, write);
    }
    if (!(mo & IR_MO_ALIGN) || size == 1) {
        return NULL;
    }
    x64_test_ri(&g->buf, false, addr, size - 1);
    return new_slow(g, ra, op, addr, mo, mmu, x64_jcc32(&g->buf, X64_CC_NE));
}

static X64Mem host_addr(X64Gen *g, int addr)
{
    return x64_mem_idx(g->user_mode ? X64_GBASE : X64_TMP, addr, 0, 0);
}

/* ---------------------------------------------------------------------- */
/* Loads and stores                                                        */

/* Byte-reverse the GPR value d of a loaded `mo` access, then extend it. */
static void bswap_loaded(X64Gen *g, IrType t, IrMemOp mo, int d)
{
    X64Buf *b = &g->buf;
    bool q = t == IR_I64;

    switch (mo & IR_MO_SIZE_MASK) {
    case IR_MO_16:
        x64_rol16_8(b, d);
        if (mo & IR_MO_SIGN) {
            x64_movsx(b, 2, q, d, d);
        } else {
            x64_movzx(b, 2, d, d);
        }
        break;
    case IR_MO_32:
        x64_bswap(b, false, d);
        if (mo & IR_MO_SIGN && q) {
            x64_movsx(b, 4, true, d, d);
        }
        break;
    case IR_MO_64:
        x64_bswap(b, true, d);
        break;
    }
}

/* Byte-reverse the low `size` bytes (4, 8, 16) of xmm x in SSE2 (the rest
 * is zero after a narrow load): reverse the words, then swap the bytes of
 * each word through xmm15. */
static void bswap_xmm(X64Gen *g, unsigned size, int x)
{
    X64Buf *b = &g->buf;

    if (size == 16) {
        x64_pshufd(b, x, x, 0x4e);
        x64_pshufhw(b, x, x, 0x1b);
    }
    x64_pshuflw(b, x, x, size == 4 ? 0xb1 : 0x1b);
    x64_sse_rr(b, X64_MOVDQA, X64_VTMP, x);
    x64_sse_shift_i(b, X64_SHR, 1, x, 8);
    x64_sse_shift_i(b, X64_SHL, 1, X64_VTMP, 8);
    x64_sse_rr(b, X64_POR, x, X64_VTMP);
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

static void bswap_reg(X64Gen *g, unsigned size, int r)
{
    if (size == 2) {
        x64_rol16_8(&g->buf, r);
    } else if (size > 2) {
        x64_bswap(&g->buf, size == 8, r);
    }
}

JitError x64_emit_load(X64Gen *g, IrType t, IrMemOp mo, int d, X64Mem m)
{
    unsigned size = ir_memop_size(mo);
    bool vec = t == IR_V128 || t == IR_I128;

    if (vec ? size < 4 : size == 16) {
        return JIT_ERR_UNSUPPORTED;
    }
    if (vec) {
        x64_sse_load(&g->buf, size, x64_xmm(d), m);
        if (mo & IR_MO_BSWAP) {
            bswap_xmm(g, size, x64_xmm(d));
        }
    } else if (mo & IR_MO_BSWAP && size > 1) {
        x64_load(&g->buf, size, false, t == IR_I64, d, m);
        bswap_loaded(g, t, mo, d);
    } else {
        x64_load(&g->buf, size, mo & IR_MO_SIGN, t == IR_I64, d, m);
    }
    return JIT_OK;
}

/* A byte-swapped v128 store goes through swap_reg, 8 bytes at a time. */
static void store_xmm_bswap(X64Gen *g, unsigned size, int x, X64Mem m, int swap_reg)
{
    X64Buf *b = &g->buf;

    x64_movq_rx(b, size >= 8, swap_reg, x);
    bswap_reg(g, size >= 8 ? 8 : 4, swap_reg);
    x64_store(b, size >= 8 ? 8 : 4, swap_reg, (X64Mem){ m.base, m.index, m.scale, m.disp + (size == 16 ? 8 : 0) });
    if (size == 16) {
        x64_pshufd(b, X64_VTMP, x, 0xee);
        x64_movq_rx(b, true, swap_reg, X64_VTMP);
        x64_bswap(b, true, swap_reg);
        x64_store(b, 8, swap_reg, m);
    }
}

JitError x64_emit_store(X64Gen *g, IrType t, IrMemOp mo, RaOperand v, X64Mem m, int swap_reg)
{
    X64Buf *b = &g->buf;
    unsigned size = ir_memop_size(mo);
    bool vec = t == IR_V128 || t == IR_I128;

    if (vec ? size < 4 : size == 16) {
        return JIT_ERR_UNSUPPORTED;
    }
    if (vec && mo & IR_MO_BSWAP) {
        store_xmm_bswap(g, size, x64_xmm(v.reg), m, swap_reg);
    } else if (vec) {
        x64_sse_store(b, size, x64_xmm(v.reg), m);
    } else if (v.is_imm) {
        uint64_t imm = mo & IR_MO_BSWAP ? bswap_const(v.imm, size) : v.imm;
        if (size == 8 && (int64_t)imm != (int32_t)imm) {
            x64_movi(b, swap_reg, imm);
            x64_store(b, 8, swap_reg, m);
        } else {
            x64_store_imm(b, size, (int32_t)imm, m);
        }
    } else if (mo & IR_MO_BSWAP && size > 1) {
        x64_mov_rr(b, true, swap_reg, v.reg);
        bswap_reg(g, size, swap_reg);
        x64_store(b, size, swap_reg, m);
    } else {
        x64_store(b, size, v.reg, m);
    }
    return JIT_OK;
}

static JitError emit_ld(X64Gen *g, RaState *ra, const IrOp *op, const RaOperand *o)
{
    IrArg *ca = ir_op_cargs((IrOp *)op);
    IrMemOp mo = ca[0];
    unsigned size = ir_memop_size(mo);
    bool vec = op->type == IR_V128 || op->type == IR_I128;
    int d = o[0].reg, addr = o[1].reg;

    if (vec ? size < 4 : size == 16) {
        return JIT_ERR_UNSUPPORTED;
    }
    X64Slow *s = mem_check(g, ra, op, addr, g->user_mode ? -1 : o[2].reg, mo, ca[1], false);
    x64_emit_load(g, op->type, mo, d, host_addr(g, addr));
    if (s) {
        s->kind = X64_SLOW_LD;
        s->out = d;
        s->save &= ~((RaRegSet)1 << d);
        s->ret_off = x64_buf_offset(&g->buf);
    }
    return JIT_OK;
}

static JitError emit_st(X64Gen *g, RaState *ra, const IrOp *op, const RaOperand *o)
{
    X64Buf *b = &g->buf;
    IrArg *ca = ir_op_cargs((IrOp *)op);
    IrMemOp mo = ca[0];
    unsigned size = ir_memop_size(mo);
    bool vec = op->type == IR_V128 || op->type == IR_I128;
    int addr = o[1].reg;
    RaOperand v = o[0];

    if (vec ? size < 4 : size == 16) {
        return JIT_ERR_UNSUPPORTED;
    }
    X64Slow *s = mem_check(g, ra, op, addr, g->user_mode ? -1 : o[2].reg, mo, ca[1], true);
    /* The byte-swapped copy goes to r11 (user) or the free scratch (softmmu). */
    x64_emit_store(g, op->type, mo, v, host_addr(g, addr), g->user_mode ? X64_TMP : o[2].reg);
    if (s && v.is_imm) {
        s->kind = X64_SLOW_ST;                   /* only user-mode alignment checks */
        s->val_imm = true;
        s->imm = v.imm;
        s->ret_off = x64_buf_offset(b);
    } else if (s) {
        s->kind = X64_SLOW_ST;
        s->val = v.reg;
        s->ret_off = x64_buf_offset(b);
    }
    return JIT_OK;
}

/* ---------------------------------------------------------------------- */
/* Atomics                                                                 */

/*
 * i128 cmpxchg: lock cmpxchg16b with the halves in rdx:rax / rcx:rbx. A
 * host without CMPXCHG16B always takes the slow path (the helper).
 */
static JitError emit_cmpxchg128(X64Gen *g, RaState *ra, const IrOp *op, const RaOperand *o)
{
    X64Buf *b = &g->buf;
    IrArg *ca = ir_op_cargs((IrOp *)op);
    X64Slow *s;

    if (!g->feat->cx16) {
        s = new_slow(g, ra, op, o[1].reg, ca[0], ca[1], x64_jmp32(b));
    } else {
        if (g->user_mode) {
            /* cmpxchg16b faults unless 16-byte aligned: the helper does
             * misaligned ones (locked fallback, or the alignment fault). */
            x64_test_ri(b, false, o[1].reg, 15);
            s = new_slow(g, ra, op, o[1].reg, ca[0], ca[1], x64_jcc32(b, X64_CC_NE));
        } else {
            s = tlb_check(g, ra, op, o[1].reg, o[4].reg, ca[0], ca[1], true);
        }
        x64_xmm_to_pair(g, x64_xmm(o[2].reg), X64_RAX, X64_RDX);
        x64_xmm_to_pair(g, x64_xmm(o[3].reg), X64_RBX, X64_RCX);
        x64_lock(b);
        x64_cmpxchg16b(b, host_addr(g, o[1].reg));
        x64_pair_to_xmm(g, x64_xmm(o[0].reg), X64_RAX, X64_RDX);
    }
    if (s) {
        s->kind = X64_SLOW_CMPXCHG;
        s->out = o[0].reg;
        s->cmp = o[2].reg;
        s->val = o[3].reg;
        s->save &= ~((RaRegSet)1 << o[0].reg);
        s->ret_off = x64_buf_offset(b);
    }
    return JIT_OK;
}

/* Host op for fetch_and/or/xor loops and the helper's JitAtomicOp. */
static void rmw_kind(IrOpcode opc, X64Alu *alu, JitAtomicOp *aop)
{
    switch (opc) {
    case IR_OP_atomic_xchg:      *aop = JIT_ATOMIC_XCHG; *alu = X64_ADD; break;
    case IR_OP_atomic_fetch_add: *aop = JIT_ATOMIC_ADD; *alu = X64_ADD; break;
    case IR_OP_atomic_fetch_and: *aop = JIT_ATOMIC_AND; *alu = X64_AND; break;
    case IR_OP_atomic_fetch_or:  *aop = JIT_ATOMIC_OR; *alu = X64_OR; break;
    default:                     *aop = JIT_ATOMIC_XOR; *alu = X64_XOR; break;
    }
}

/*
 * i32/i64 atomics: lock cmpxchg, xchg, lock xadd, or a cmpxchg loop for
 * and/or/xor (and byte-swapped adds). A byte-swapped memop swaps the
 * operands going in and the old value coming out; in the loop the op is
 * done on the swapped-back value.
 */
static JitError emit_atomic(X64Gen *g, RaState *ra, const IrOp *op, const RaOperand *o)
{
    X64Buf *b = &g->buf;
    IrArg *ca = ir_op_cargs((IrOp *)op);
    IrMemOp mo = ca[0];
    unsigned size = ir_memop_size(mo);
    unsigned nb_i = ir_op_nb_iargs(op);
    const RaConstraint *c = x64_mem_constraint(g, op);
    bool q = op->type == IR_I64, swap = mo & IR_MO_BSWAP && size > 1;
    int d = o[0].reg, addr = o[1].reg;
    int t = c->nb_scratch ? o[1 + nb_i].reg : -1;                 /* first scratch */
    X64Alu alu;
    JitAtomicOp aop;

    if (op->type == IR_I128) {
        return emit_cmpxchg128(g, ra, op, o);
    }
    if (size > 8) {
        return JIT_ERR_UNSUPPORTED;
    }
    rmw_kind(op->opc, &alu, &aop);
    /* the last scratch register (softmmu) is free for the tag compare */
    int tag = g->user_mode ? -1 : o[1 + nb_i + c->nb_scratch - 1].reg;
    X64Slow *s = mem_check(g, ra, op, addr, tag, mo, ca[1], true);
    X64Mem m = host_addr(g, addr);
    if (c == &c_lock_rmw || c == &c_lock_rmw_tlb) {
        x64_lock(b);
        if (o[2].is_imm) {
            x64_alu_mi(b, alu, size, m, (int32_t)o[2].imm);
        } else {
            x64_alu_mr(b, alu, size, m, o[2].reg);
        }
        if (s) {
            s->kind = X64_SLOW_RMW;
            s->out = d;                        /* dead: the helper's result is moot */
            s->save &= ~((RaRegSet)1 << d);
            s->val = o[2].reg;
            s->rmw_op = aop;
            s->ret_off = x64_buf_offset(b);
        }
        return JIT_OK;
    }
    if (op->opc == IR_OP_atomic_cmpxchg) {
        int nv = o[3].reg;
        if (swap) {
            bswap_reg(g, size, X64_RAX);
            x64_mov_rr(b, true, t, nv);
            bswap_reg(g, size, t);
            nv = t;
        }
        x64_lock(b);
        x64_cmpxchg(b, size, m, nv);
    } else if (op->opc == IR_OP_atomic_xchg) {
        if (swap) {
            bswap_reg(g, size, d);
        }
        x64_xchg_mr(b, size, m, d);
    } else if (op->opc == IR_OP_atomic_fetch_add && !swap) {
        x64_lock(b);
        x64_xadd(b, size, m, d);
    } else {
        x64_load(b, size, false, q, X64_RAX, m);
        size_t loop = x64_buf_offset(b);
        x64_mov_rr(b, q, t, X64_RAX);
        if (swap) {             /* (r11 may hold the TLB addend: only t) */
            bswap_reg(g, size, t);
            x64_alu_rr(b, alu, q, t, o[2].reg);
            bswap_reg(g, size, t);
        } else {
            x64_alu_rr(b, alu, q, t, o[2].reg);
        }
        x64_lock(b);
        x64_cmpxchg(b, size, m, t);
        x64_jcc8(b, X64_CC_NE, loop);
    }
    if (swap) {
        bswap_reg(g, size, d);
    }
    /* Old value: x86 leaves the narrow value in the low bits (and a 32-bit
     * cmpxchg that succeeds leaves rax's upper half alone); zero-extend. */
    if (size < 4) {
        x64_movzx(b, size, d, d);
    } else if (size == 4 && q) {
        x64_mov_rr(b, false, d, d);
    }
    if (mo & IR_MO_SIGN && size < 8) {
        x64_movsx(b, size, q, d, d);
    }
    if (s) {
        s->kind = op->opc == IR_OP_atomic_cmpxchg ? X64_SLOW_CMPXCHG : X64_SLOW_RMW;
        s->out = d;
        s->save &= ~((RaRegSet)1 << d);
        s->val = op->opc == IR_OP_atomic_cmpxchg ? o[3].reg : o[2].reg;
        s->cmp = op->opc == IR_OP_atomic_cmpxchg ? o[2].reg : 255;
        s->rmw_op = aop;
        s->ret_off = x64_buf_offset(b);
    }
    return JIT_OK;
}

JitError x64_emit_mem(X64Gen *g, RaState *ra, const IrOp *op, const RaOperand *o)
{
    switch (op->opc) {
    case IR_OP_guest_ld: return emit_ld(g, ra, op, o);
    case IR_OP_guest_st: return emit_st(g, ra, op, o);
    default:             return emit_atomic(g, ra, op, o);
    }
}

/* ---------------------------------------------------------------------- */
/* Out-of-line slow paths                                                  */

static X64Mem save_slot(unsigned reg)
{
    return x64_mem(X64_RSP, reg < 16 ? X64_FRAME_SAVE_OFF + reg * 8
                                     : X64_FRAME_SAVE_OFF + 128 + (reg - 16) * 16);
}

static void save_regs(X64Gen *g, RaRegSet set, bool restore)
{
    for (; set; set &= set - 1) {
        unsigned r = __builtin_ctzll(set);
        if (r < 16 && restore) {
            x64_load(&g->buf, 8, false, true, r, save_slot(r));
        } else if (r < 16) {
            x64_store(&g->buf, 8, r, save_slot(r));
        } else if (restore) {
            x64_movdqu_load(&g->buf, x64_xmm(r), save_slot(r));
        } else {
            x64_movdqu_store(&g->buf, x64_xmm(r), save_slot(r));
        }
    }
}

/* reg = the run-time address of offset `off` in this TB. */
static void lea_code(X64Gen *g, int reg, uint32_t off)
{
    x64_lea(&g->buf, true, reg, x64_mem_rip(x64_rip_disp(&g->buf, g->buf.rx + off, 7)));
}

static void slow_call(X64Gen *g, const X64Slow *s)
{
    X64Buf *b = &g->buf;
    bool wide = ir_memop_size(jit_oi_memop(s->oi)) == 16;
    bool vec = s->type == IR_V128 || s->type == IR_I128;
    X64Mem buf = x64_mem(X64_RSP, X64_FRAME_BUF_OFF);
    static const int ra_reg[] = {
        [X64_SLOW_LD] = X64_RCX, [X64_SLOW_ST] = X64_R8,
        [X64_SLOW_CMPXCHG] = X64_R9, [X64_SLOW_RMW] = X64_R9,
    };

    /* Sources are read into argument registers in an order that never
     * overwrites a source still needed (r11 holds the second one). */
    if (s->val_imm) {
        x64_movi(b, X64_TMP, s->imm);
    } else if (s->kind != X64_SLOW_LD && vec && !wide) {
        x64_movq_rx(b, true, X64_TMP, x64_xmm(s->val));
    } else if (s->kind != X64_SLOW_LD && !wide) {
        x64_mov_rr(b, true, X64_TMP, s->val);
    }
    if (s->kind == X64_SLOW_ST && wide) {
        x64_movdqu_store(b, x64_xmm(s->val), buf);
    }
    x64_mov_rr(b, true, X64_RSI, s->addr);
    switch (s->kind) {
    case X64_SLOW_LD:
        x64_movi(b, X64_RDX, s->oi);
        if (wide) {
            x64_lea(b, true, X64_R8, buf);
        }
        break;
    case X64_SLOW_ST:
        if (wide) {
            x64_lea(b, true, X64_RDX, buf);
        } else {
            x64_mov_rr(b, true, X64_RDX, X64_TMP);
        }
        x64_movi(b, X64_RCX, s->oi);
        break;
    case X64_SLOW_CMPXCHG:
        x64_mov_rr(b, true, X64_RDX, s->cmp);
        x64_mov_rr(b, true, X64_RCX, X64_TMP);
        x64_movi(b, X64_R8, s->oi);
        break;
    default:
        x64_mov_rr(b, true, X64_RDX, X64_TMP);
        x64_movi(b, X64_RCX, s->rmw_op);
        x64_movi(b, X64_R8, s->oi);
        break;
    }
    lea_code(g, ra_reg[s->kind], s->ret_off);
    x64_mov_rr(b, true, X64_RDI, X64_ENV);
}

static uintptr_t slow_helper(const X64Slow *s)
{
    bool wide = ir_memop_size(jit_oi_memop(s->oi)) == 16;
    switch (s->kind) {
    case X64_SLOW_LD:      return wide ? (uintptr_t)jit_ld128_helper : (uintptr_t)jit_ld_helper;
    case X64_SLOW_ST:      return wide ? (uintptr_t)jit_st128_helper : (uintptr_t)jit_st_helper;
    case X64_SLOW_CMPXCHG: return (uintptr_t)jit_atomic_cmpxchg_helper;
    default:               return (uintptr_t)jit_atomic_rmw_helper;
    }
}

/* jit_atomic_cmpxchg128_helper(cpu, addr, cmp[2], nv[2], oi, ra, old[2]):
 * the buffers are in the frame, the 7th argument on the stack. */
static void slow_cmpxchg128(X64Gen *g, const X64Slow *s)
{
    X64Buf *b = &g->buf;

    x64_movdqu_store(b, x64_xmm(s->cmp), x64_mem(X64_RSP, X64_FRAME_BUF_OFF));
    x64_movdqu_store(b, x64_xmm(s->val), x64_mem(X64_RSP, X64_FRAME_BUF_OFF + 16));
    x64_mov_rr(b, true, X64_RSI, s->addr);
    x64_lea(b, true, X64_RDX, x64_mem(X64_RSP, X64_FRAME_BUF_OFF));
    x64_lea(b, true, X64_RCX, x64_mem(X64_RSP, X64_FRAME_BUF_OFF + 16));
    x64_movi(b, X64_R8, s->oi);
    lea_code(g, X64_R9, s->ret_off);
    x64_mov_rr(b, true, X64_RDI, X64_ENV);
    x64_lea(b, true, X64_RAX, x64_mem(X64_RSP, X64_FRAME_BUF_OFF + 32));
    x64_alu_ri(b, X64_SUB, true, X64_RSP, 16);             /* keeps rsp 16-aligned */
    x64_store(b, 8, X64_RAX, x64_mem(X64_RSP, 0));
    x64_call_abs(b, (uintptr_t)jit_atomic_cmpxchg128_helper, X64_TMP);
    x64_alu_ri(b, X64_ADD, true, X64_RSP, 16);
    x64_movdqu_load(b, x64_xmm(s->out), x64_mem(X64_RSP, X64_FRAME_BUF_OFF + 32));
}

void x64_emit_slow_paths(X64Gen *g)
{
    X64Buf *b = &g->buf;

    for (unsigned i = 0; i < g->slows->len; i++) {
        const X64Slow *s = &g_array_index(g->slows, X64Slow, i);
        x64_patch_rel32(b, s->jmp_field, x64_buf_offset(b));
        save_regs(g, s->save, false);
        if (s->kind == X64_SLOW_CMPXCHG && ir_memop_size(jit_oi_memop(s->oi)) == 16) {
            slow_cmpxchg128(g, s);
            save_regs(g, s->save, true);
            x64_patch_rel32(b, x64_jmp32(b), s->ret_off);
            continue;
        }
        slow_call(g, s);
        x64_call_abs(b, slow_helper(s), X64_TMP);
        bool vec = s->type == IR_V128 || s->type == IR_I128;
        if (s->out != 255 && vec && ir_memop_size(jit_oi_memop(s->oi)) == 16) {
            x64_movdqu_load(b, x64_xmm(s->out), x64_mem(X64_RSP, X64_FRAME_BUF_OFF));
        } else if (s->out != 255 && vec) {
            x64_movq_xr(b, true, x64_xmm(s->out), X64_RAX);
        } else if (s->out != 255) {
            x64_mov_rr(b, true, s->out, X64_RAX);
        }
        save_regs(g, s->save, true);
        x64_patch_rel32(b, x64_jmp32(b), s->ret_off);
    }
}
