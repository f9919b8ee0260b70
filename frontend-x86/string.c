/*
 * string.c — MOVS, STOS, LODS, CMPS and SCAS with REP/REPE/REPNE. A
 * repeated instruction loops inside its TB and checks exit_request every
 * iteration, so a long REP MOVS still lets a kick (signal, interrupt) in;
 * it then leaves with rip at the instruction and the registers of the
 * iterations done, exactly where the CPU would take an interrupt. For that
 * the repeated form always begins its own TB.
 */
#include "frontend-x86/translate.h"

#include <stddef.h>

static unsigned str_size(const X86Tr *tr)
{
    switch (tr->insn.opnd[0]) {
    case X86_OPND_Xb: case X86_OPND_Yb: case X86_OPND_AL:
        return 1;
    default:
        return tr->insn.opsize;
    }
}

/* The DF-scaled step for an element of `size` bytes. */
static IrTempIdx str_step(X86Tr *tr, unsigned size)
{
    IrTempIdx d = x86_tmp(tr), s = x86_tmp(tr);
    ir_gen_op1(tr->ctx, IR_OP_exts_i32_i64, IR_I64, d, x86_g.df);
    ir_gen_op2(tr->ctx, IR_OP_shl, IR_I64, s, d, x86_const(tr, __builtin_ctz(size)));
    return s;
}

/* Linear address of DS:rSI (segment overridable) or ES:rDI. */
static IrTempIdx str_addr(X86Tr *tr, unsigned reg)
{
    IrContext *ctx = tr->ctx;
    int seg = reg == X86_RDI ? X86_SEG_ES
                             : (tr->insn.seg != X86_SEG_NONE ? tr->insn.seg : X86_SEG_DS);
    IrTempIdx a = x86_zext(tr, x86_g.regs[reg], tr->insn.addrsize);

    if (tr->mode == X86_MODE_64 && seg != X86_SEG_FS && seg != X86_SEG_GS) {
        return a;
    }
    IrTempIdx t = x86_tmp(tr);
    ir_gen_op2(ctx, IR_OP_add, IR_I64, t, a, x86_g.seg_base[seg]);
    if (tr->mode != X86_MODE_64) {
        ir_gen_extract(ctx, IR_I64, t, t, 0, 32);
    }
    return t;
}

static void str_advance(X86Tr *tr, unsigned reg, IrTempIdx step)
{
    IrTempIdx n = x86_tmp(tr);
    ir_gen_op2(tr->ctx, IR_OP_add, IR_I64, n, x86_g.regs[reg], step);
    x86_store_reg(tr, reg, tr->insn.addrsize, n);
}

/* One iteration of the instruction. */
static void str_once(X86Tr *tr, unsigned size)
{
    IrTempIdx step = str_step(tr, size);
    IrTempIdx a, b, r;

    switch (tr->insn.op) {
    case X86_OP_MOVS:
        a = x86_gen_ld(tr, str_addr(tr, X86_RSI), size);
        x86_gen_st(tr, str_addr(tr, X86_RDI), size, a);
        str_advance(tr, X86_RSI, step);
        str_advance(tr, X86_RDI, step);
        break;
    case X86_OP_STOS:
        x86_gen_st(tr, str_addr(tr, X86_RDI), size, x86_load_reg(tr, X86_RAX, size));
        str_advance(tr, X86_RDI, step);
        break;
    case X86_OP_LODS:
        a = x86_gen_ld(tr, str_addr(tr, X86_RSI), size);
        x86_store_reg(tr, X86_RAX, size, a);
        str_advance(tr, X86_RSI, step);
        break;
    case X86_OP_CMPS:
        a = x86_gen_ld(tr, str_addr(tr, X86_RSI), size);
        b = x86_gen_ld(tr, str_addr(tr, X86_RDI), size);
        r = x86_tmp(tr);
        ir_gen_op2(tr->ctx, IR_OP_sub, IR_I64, r, a, b);
        x86_set_cc(tr, X86_CC_SUBB, size, x86_zext(tr, r, size), b, 0);
        str_advance(tr, X86_RSI, step);
        str_advance(tr, X86_RDI, step);
        break;
    default: /* SCAS */
        a = x86_load_reg(tr, X86_RAX, size);
        b = x86_gen_ld(tr, str_addr(tr, X86_RDI), size);
        r = x86_tmp(tr);
        ir_gen_op2(tr->ctx, IR_OP_sub, IR_I64, r, a, b);
        x86_set_cc(tr, X86_CC_SUBB, size, x86_zext(tr, r, size), b, 0);
        str_advance(tr, X86_RDI, step);
        break;
    }
}

static void gen_rep(X86Tr *tr, unsigned size)
{
    IrContext *ctx = tr->ctx;
    unsigned as = tr->insn.addrsize;
    bool cond = tr->insn.op == X86_OP_CMPS || tr->insn.op == X86_OP_SCAS;
    uint32_t top = ir_label_new(ctx), done = ir_label_new(ctx), kicked = ir_label_new(ctx);
    IrTempIdx zero = x86_const(tr, 0);

    ir_gen_set_label(ctx, top);
    ir_gen_brcond(ctx, IR_I64, IR_COND_EQ, x86_load_reg(tr, X86_RCX, as), zero, done);
    str_once(tr, size);
    IrTempIdx c = x86_tmp(tr);
    ir_gen_op2(ctx, IR_OP_sub, IR_I64, c, x86_g.regs[X86_RCX], x86_const(tr, 1));
    x86_store_reg(tr, X86_RCX, as, c);
    if (cond) {
        /* REPE (F3) stops when ZF = 0, REPNE (F2) when ZF = 1: the last
         * result is in cc_dst (a CMP), so ZF is cc_dst == 0. */
        IrCond stop = tr->insn.rep == 0xf3 ? IR_COND_NE : IR_COND_EQ;
        ir_gen_brcond(ctx, IR_I64, stop, x86_g.cc_dst, zero, done);
    }
    IrTempIdx req = ir_temp_new(ctx, IR_I32);
    ir_gen_ld(ctx, IR_I32, req, ctx->env, offsetof(JitCpu, exit_request), IR_MO_32);
    ir_gen_brcond(ctx, IR_I32, IR_COND_NE, req, ir_const_i32(ctx, 0), kicked);
    ir_gen_br(ctx, top);

    /* Interrupted between iterations: rip stays at this instruction. A
     * plain exit (JIT_EXIT_REQUESTED would put rip back at the TB's start);
     * the exec loop sees exit_request at its safe point. */
    ir_gen_set_label(ctx, kicked);
    ir_gen_movi(ctx, IR_I64, x86_g.rip, tr->pc);
    ir_gen_exit_tb(ctx, 0);

    ir_gen_set_label(ctx, done);
    x86_gen_jmp_tb(tr, 0, tr->next_pc);
    tr->end = true;
}

bool x86_tr_string(X86Tr *tr)
{
    unsigned size = str_size(tr);
    bool rep = tr->insn.rep != 0;

    if (!rep) {
        str_once(tr, size);
        return true;
    }
    if (tr->pc != tr->tb->pc) {
        /* Start a new TB at this instruction (see the file comment). */
        x86_gen_jmp_tb(tr, 0, tr->pc);
        tr->end = true;
        return true;
    }
    gen_rep(tr, size);
    return true;
}
