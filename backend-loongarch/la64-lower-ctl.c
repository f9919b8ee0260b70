/*
 * la64-lower-ctl.c — the loongarch64 backend's block exits, helper calls
 * and barriers: insn_start bookkeeping, goto_tb (one patchable B), exit_tb
 * and goto_ptr, lookup_tb, call (LP64 ABI), mb (DBAR hints).
 */
#include "backend-loongarch/la64-lower.h"

/* Provided by the exec layer: host code for env's current pc, or NULL. */
extern const void *jit_lookup_tb_ptr(JitCpu *cpu);

static void emit_insn_start(La64Gen *g, const IrOp *op)
{
    JitError e = jit_cg_insn_start(g->cg, op, la64_gen_offset(g));
    if (e != JIT_OK) {
        g->err = e;
    }
}

/* A B to the next instruction: patch_jump retargets it with one store. */
static void emit_goto_tb(La64Gen *g, unsigned slot)
{
    g->cg->goto_tb_jmp[slot] = la64_gen_offset(g);
    la64_b(&g->buf, 4);
    g->cg->goto_tb_reset[slot] = la64_gen_offset(g);
    g->cg->goto_tb_used[slot] = true;
}

static void emit_exit_tb(La64Gen *g, uint64_t val)
{
    if (val == 0) {
        la64_jump_abs(g, g->epilogue_zero, false);
    } else {
        la64_movi64(&g->buf, LA64_A0, val);
        la64_jump_abs(g, g->epilogue, false);
    }
}

uintptr_t (*la64_call_target_hook)(const char *name, uintptr_t func);

/* Call an absolute run-time address: BL, PCADDU18I+JIRL, or the address
 * in TMP0 when it is beyond +-128 GiB. */
void la64_call_abs(La64Gen *g, uintptr_t target)
{
    int64_t off = (int64_t)(target - la64_gen_pc(g));
    if (off >= -(1ll << 37) && off < (1ll << 37)) {
        la64_jump_abs(g, target, true);
    } else {
        la64_movi64(&g->buf, LA64_TMP0, target);
        la64_jirl(&g->buf, LA64_RA, LA64_TMP0, 0);
    }
}

uintptr_t la64_call_target(const char *name, uintptr_t func)
{
    return la64_call_target_hook ? la64_call_target_hook(name, func) : func;
}

/* a0 = jit_lookup_tb_ptr(env), or the return-0 epilogue when NULL. */
static JitError emit_lookup_tb(La64Gen *g)
{
    La64Buf *b = &g->buf;
    uintptr_t target = la64_call_target("jit_lookup_tb_ptr", (uintptr_t)jit_lookup_tb_ptr);

    if (!target) {
        return JIT_ERR_UNSUPPORTED;
    }
    la64_mov(b, LA64_A0, LA64_ENV);
    la64_call_abs(g, target);
    size_t br = b->len;
    la64_bnez(b, LA64_A0, 4);
    la64_pcrel(b, LA64_A0, (int64_t)(g->epilogue_zero - la64_gen_pc(g)));
    if (b->err == LA64_OK) {
        la64_set_branch_offset(&b->start[br], (int64_t)(b->len - br) * 4);
    }
    return JIT_OK;
}

/*
 * A helper call; the allocator has put the arguments in a0..a5. The LP64
 * ABI passes 32-bit integers sign-extended (unsigned ones too), so i32
 * arguments, whose upper halves are undefined in IR, are extended first.
 */
static JitError emit_call(La64Gen *g, const IrOp *op, const RaOperand *o)
{
    const IrHelper *h = ir_helper_get(ir_op_cargs((IrOp *)op)[0]);
    uintptr_t target = la64_call_target(h->name, (uintptr_t)h->func);
    unsigned nb_o = ir_op_nb_oargs(op);

    if (!target) {
        return JIT_ERR_UNSUPPORTED;
    }
    for (unsigned i = 0; i < h->nb_args; i++) {
        if (h->args[i] == IR_I32) {
            la64_sext32(g, o[nb_o + i].reg, o[nb_o + i].reg);
        }
    }
    la64_call_abs(g, target);
    return JIT_OK;
}

/*
 * mb: DBAR with the hint for the orderings asked (la64-enc.h). Store→load
 * needs the full barrier; otherwise the ordering hints suffice (a core
 * without hints runs them as DBAR 0). The x86-TSO mapping of guest
 * accesses is docs/memory-model.md's business, not this op's.
 */
static void emit_mb(La64Gen *g, unsigned mask)
{
    unsigned hint = LA64_DBAR_ORDER;
    if (mask & IR_MB_ST_LD) {
        hint = LA64_DBAR_FULL;
    } else if (mask == IR_MB_LD_LD) {
        hint = LA64_DBAR_LOADLOAD;
    } else if (mask == IR_MB_ST_ST) {
        hint = LA64_DBAR_STORESTORE;
    } else if (!(mask & ~(IR_MB_LD_LD | IR_MB_LD_ST))) {
        hint = LA64_DBAR_ACQUIRE;
    }
    la64_dbar(&g->buf, hint);
}

/* ---------------------------------------------------------------------- */
/* Dispatch                                                                */

JitError la64_emit_ctl(La64Gen *g, const IrOp *op, const RaOperand *o)
{
    IrArg *ca = ir_op_cargs((IrOp *)op);

    switch (op->opc) {
    case IR_OP_insn_start: emit_insn_start(g, op); return g->err;
    case IR_OP_goto_tb:    emit_goto_tb(g, ca[0]); return JIT_OK;
    case IR_OP_exit_tb:    emit_exit_tb(g, ca[0]); return JIT_OK;
    case IR_OP_goto_ptr:   la64_jirl(&g->buf, LA64_ZERO, o[0].reg, 0); return JIT_OK;
    case IR_OP_lookup_tb:  return emit_lookup_tb(g);
    case IR_OP_call:       return emit_call(g, op, o);
    case IR_OP_mb:         emit_mb(g, ca[0]); return JIT_OK;
    default:               return JIT_ERR_UNSUPPORTED;
    }
}
