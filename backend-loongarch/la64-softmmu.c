/*
 * la64-softmmu.c — the loongarch64 backend's softmmu guest accesses: the
 * inline TLB lookup every guest load, store and atomic runs first, and the
 * out-of-line slow paths (after the TB body) that call the C layer
 * (jit/softmmu.h) on a miss. The fast path compares
 *     addr & (JIT_PAGE_MASK | (size - 1))
 * with the entry's read or write tag, so a flagged entry (MMIO, NOTDIRTY,
 * watch, invalid) or a misaligned access also takes the slow path, which
 * handles page crossing, alignment faults and I/O. In user mode the same
 * slow paths serve accesses with IR_MO_ALIGN at a misaligned address (the
 * C layer raises the alignment fault).
 */
#include "backend-loongarch/la64-lower.h"

#include <stddef.h>

#include "jit/softmmu.h"

#define R(x) ((RaRegSet)1 << (x))
#define CALL_CLOBBERED_GPRS (R(LA64_A0) | R(LA64_A1) | R(LA64_A2) | R(LA64_A3) | R(LA64_A4) | \
                             R(LA64_A5) | R(LA64_A6) | R(LA64_A7) | R(LA64_T1) | R(LA64_T2) | \
                             R(LA64_T3) | R(LA64_T4) | R(LA64_T5) | R(LA64_T6) | R(LA64_T7) | \
                             R(LA64_T8))

static La64Slow slow_new(RaState *ra, La64SlowKind kind, int addr, IrMemOp mo, unsigned mmu,
                         int out)
{
    return (La64Slow){
        .kind = kind, .out = out < 0 ? 255 : out, .addr = addr, .val = 255, .cmp = 255,
        .vreg = 255,
        .oi = jit_make_oi(mo, mmu),
        .save = ra_live_regs(ra) & CALL_CLOBBERED_GPRS & ~(out < 0 ? 0 : R(out)),
    };
}

int la64_align_check(La64Gen *g, RaState *ra, La64SlowKind kind, int addr, IrMemOp mo,
                     unsigned mmu, int out)
{
    unsigned sz = mo & IR_MO_SIZE_MASK;
    if (!(mo & IR_MO_ALIGN) || sz == 0) {
        return -1;
    }
    La64Slow s = slow_new(ra, kind, addr, mo, mmu, out);
    la64_andi(&g->buf, LA64_TMP1, addr, (1u << sz) - 1);
    s.miss_insn = g->buf.len;
    la64_bnez(&g->buf, LA64_TMP1, 4);
    g_array_append_val(g->slows, s);
    return g->slows->len - 1;
}

unsigned la64_slow_always(La64Gen *g, RaState *ra, La64SlowKind kind, int addr, IrMemOp mo,
                          unsigned mmu)
{
    size_t at = g->buf.len;
    la64_b(&g->buf, 4);
    return la64_slow_from(g, ra, kind, addr, mo, mmu, -1, at);
}

unsigned la64_slow_from(La64Gen *g, RaState *ra, La64SlowKind kind, int addr, IrMemOp mo,
                        unsigned mmu, int out, size_t branch)
{
    La64Slow s = slow_new(ra, kind, addr, mo, mmu, out);
    s.miss_insn = branch;
    g_array_append_val(g->slows, s);
    return g->slows->len - 1;
}

unsigned la64_tlb_check(La64Gen *g, RaState *ra, La64SlowKind kind, int addr, IrMemOp mo,
                        unsigned mmu, int out)
{
    La64Buf *b = &g->buf;
    unsigned sz = mo & IR_MO_SIZE_MASK;
    bool write = kind != LA64_SLOW_LD && kind != LA64_SLOW_LD128;
    La64Slow s = slow_new(ra, kind, addr, mo, mmu, out);

    la64_mem(b, LA64_LD_D, LA64_TMP0, LA64_ENV,
             offsetof(JitCpu, tlb) + sizeof(JitTlbEntry *) * mmu, LA64_TMP2);
    la64_bstrpick_d(b, LA64_TMP1, addr, JIT_PAGE_BITS + JIT_TLB_BITS - 1, JIT_PAGE_BITS);
    la64_slli_d(b, LA64_TMP1, LA64_TMP1, 5);            /* sizeof(JitTlbEntry) */
    la64_add_d(b, LA64_TMP0, LA64_TMP0, LA64_TMP1);
    la64_ld_d(b, LA64_TMP1, LA64_TMP0,
              write ? offsetof(JitTlbEntry, addr_write) : offsetof(JitTlbEntry, addr_read));
    la64_mov(b, LA64_TMP2, addr);
    la64_bstrins_d(b, LA64_TMP2, LA64_ZERO, JIT_PAGE_BITS - 1, sz);
    s.miss_insn = b->len;
    la64_bne(b, LA64_TMP1, LA64_TMP2, 4);
    la64_ld_d(b, LA64_TMP0, LA64_TMP0, offsetof(JitTlbEntry, addend));
    g_array_append_val(g->slows, s);
    return g->slows->len - 1;
}

void la64_slow_return(La64Gen *g, unsigned slow)
{
    g_array_index(g->slows, La64Slow, slow).ret_insn = g->buf.len;
}

static void save_regs(La64Gen *g, RaRegSet set, bool load)
{
    for (int r = 0; r < 32; r++) {
        if (set >> r & 1) {
            (load ? la64_ld_d : la64_st_d)(&g->buf, r, LA64_SP, LA64_FRAME_SLOW_OFF + 8 * r);
        }
    }
}

/*
 * One slow path: save the live call-clobbered registers, call the C slow
 * path with (env, addr, ..., oi, ra) where ra is the fast path's return
 * point (inside the op's code, as jit_restore_state wants), move the result,
 * restore, and branch back.
 */
static bool emit_slow(La64Gen *g, const La64Slow *s)
{
    static const struct { const char *name; uintptr_t func; } fn[] = {
        [LA64_SLOW_LD] = { "jit_ld_helper", (uintptr_t)jit_ld_helper },
        [LA64_SLOW_ST] = { "jit_st_helper", (uintptr_t)jit_st_helper },
        [LA64_SLOW_CMPXCHG] = { "jit_atomic_cmpxchg_helper", (uintptr_t)jit_atomic_cmpxchg_helper },
        [LA64_SLOW_RMW] = { "jit_atomic_rmw_helper", (uintptr_t)jit_atomic_rmw_helper },
        [LA64_SLOW_LD128] = { "jit_ld128_helper", (uintptr_t)jit_ld128_helper },
        [LA64_SLOW_ST128] = { "jit_st128_helper", (uintptr_t)jit_st128_helper },
        [LA64_SLOW_CMPXCHG128] = { "jit_atomic_cmpxchg128_helper",
                                   (uintptr_t)jit_atomic_cmpxchg128_helper },
    };
    La64Buf *b = &g->buf;
    uintptr_t target = la64_call_target(fn[s->kind].name, fn[s->kind].func);
    uintptr_t ret = g->cg->rx + 4 * (uintptr_t)s->ret_insn;
    int next = LA64_A2;

    if (!target || la64_set_branch_offset(&b->start[s->miss_insn],
                                          ((int64_t)b->len - s->miss_insn) * 4)) {
        return false;
    }
    save_regs(g, s->save, false);
    if (s->kind == LA64_SLOW_CMPXCHG128) {
        /* (env, addr, cmp[2], new[2], oi, ra, old[2]): the vector slots */
        la64_mov(b, LA64_A1, s->addr);
        la64_mov(b, LA64_A0, LA64_ENV);
        la64_addi_d(b, LA64_A2, LA64_SP, la64_vslot(s->vcmp));
        la64_addi_d(b, LA64_A3, LA64_SP, la64_vslot(s->vnew));
        la64_movi64(b, LA64_A4, s->oi);
        la64_pcrel(b, LA64_A5, (int64_t)(ret - la64_gen_pc(g)));
        la64_addi_d(b, LA64_A6, LA64_SP, la64_vslot(s->vreg));
        la64_call_abs(g, target);
        save_regs(g, s->save, true);
        la64_b(b, ((int64_t)s->ret_insn - (int64_t)b->len) * 4);
        return b->err == LA64_OK;
    }
    la64_mov(b, LA64_TMP1, s->addr);                 /* a-registers may hold them */
    if (s->val != 255) {
        la64_mov(b, LA64_TMP2, s->val);
    } else if (s->vreg != 255 && s->kind == LA64_SLOW_ST) {
        la64_ld_d(b, LA64_TMP2, LA64_SP, la64_vslot(s->vreg));  /* <= 8 bytes of a v128 */
    } else if (s->vreg != 255) {
        la64_addi_d(b, LA64_TMP2, LA64_SP, la64_vslot(s->vreg));  /* the _128 forms' buffer */
    }
    if (s->cmp != 255) {
        la64_mov(b, LA64_TMP0, s->cmp);
    }
    la64_mov(b, LA64_A0, LA64_ENV);
    la64_mov(b, LA64_A1, LA64_TMP1);
    if (s->kind == LA64_SLOW_CMPXCHG) {
        la64_mov(b, next++, LA64_TMP0);              /* cmp, new */
    }
    if (s->kind != LA64_SLOW_LD && s->kind != LA64_SLOW_LD128) {
        la64_mov(b, next++, LA64_TMP2);              /* the stored / operand value */
    }
    if (s->kind == LA64_SLOW_RMW) {
        la64_movi64(b, next++, s->rmw_op);
    }
    la64_movi64(b, next++, s->oi);
    la64_pcrel(b, next++, (int64_t)(ret - la64_gen_pc(g)));
    if (s->kind == LA64_SLOW_LD128) {
        la64_mov(b, next, LA64_TMP2);                /* out[2] */
    }
    la64_call_abs(g, target);
    if (s->out != 255) {
        la64_mov(b, s->out, LA64_A0);
    } else if (s->vreg != 255 && s->kind == LA64_SLOW_LD) {
        /* <= 8 bytes into a v128: low half, high half zero or the sign */
        la64_st_d(b, LA64_A0, LA64_SP, la64_vslot(s->vreg));
        if (jit_oi_memop(s->oi) & IR_MO_SIGN) {
            la64_srai_d(b, LA64_A0, LA64_A0, 63);
        } else {
            la64_mov(b, LA64_A0, LA64_ZERO);
        }
        la64_st_d(b, LA64_A0, LA64_SP, la64_vslot(s->vreg) + 8);
    }
    save_regs(g, s->save, true);
    la64_b(b, ((int64_t)s->ret_insn - (int64_t)b->len) * 4);
    return b->err == LA64_OK;
}

bool la64_emit_slow_paths(La64Gen *g)
{
    for (unsigned i = 0; i < g->slows->len; i++) {
        if (!emit_slow(g, &g_array_index(g->slows, La64Slow, i))) {
            return false;
        }
    }
    return true;
}
