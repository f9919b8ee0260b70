/*
 * sse-state.c — LDMXCSR/STMXCSR and FXSAVE/FXRSTOR. The 512-byte FXSAVE
 * image holds the x87 state (built by x87_state_to_fxsave into
 * X86Cpu.fx_image, copied in IR), MXCSR, MXCSR_MASK 0xffff and xmm0-15
 * (xmm0-7 outside 64-bit mode); FXRSTOR reads all of it back.
 */
#include "frontend-x86/sse-tr.h"

/* A TB-temp copy of the 32-bit MXCSR value at ea + off; #GP if it sets
 * reserved bits (as LDMXCSR and FXRSTOR do). */
static IrTempIdx load_mxcsr_checked(X86Tr *tr, IrTempIdx ea, unsigned off)
{
    IrContext *ctx = tr->ctx;
    IrTempIdx addr = ea;
    IrTempIdx v = ir_temp_new_tb(ctx, IR_I64);
    uint32_t ok = ir_label_new(ctx);

    if (off) {
        addr = x86_tmp(tr);
        ir_gen_op2(ctx, IR_OP_add, IR_I64, addr, ea, x86_const(tr, off));
    }
    ir_gen_mov(ctx, IR_I64, v, x86_gen_ld(tr, addr, 4));
    ir_gen_brcond(ctx, IR_I64, IR_COND_TSTEQ, v, x86_const(tr, ~(uint64_t)X86_MXCSR_WRITABLE), ok);
    x86_gen_exception(tr, X86_EXCP_GP);
    tr->end = false;
    ir_gen_set_label(ctx, ok);
    return v;
}

static void st_at(X86Tr *tr, IrTempIdx ea, unsigned off, unsigned size, IrTempIdx v)
{
    IrTempIdx addr = x86_tmp(tr);

    ir_gen_op2(tr->ctx, IR_OP_add, IR_I64, addr, ea, x86_const(tr, off));
    x86_gen_st(tr, addr, size, v);
}

/* Offsets of the x87 part of an FXSAVE image, 8 bytes at a time. */
static bool x87_qword(unsigned off)
{
    return off < 24 || (off >= 32 && off < 160);
}

static void gen_fxsave(X86Tr *tr)
{
    IrContext *ctx = tr->ctx;
    IrTempIdx ea = sse_ea(tr);
    unsigned nregs = tr->mode == X86_MODE_64 ? 16 : 8;

    sse_check_align(tr);
    ir_gen_call(ctx, sse_h.fx_x87_save, 0, (IrTempIdx[]){ ctx->env });
    for (unsigned off = 0; off < 160; off += 8) {  /* FCW..FDP, ST0-7 / MM0-7 */
        if (x87_qword(off)) {
            IrTempIdx v = x86_tmp(tr);
            ir_gen_ld(ctx, IR_I64, v, ctx->env, (int32_t)offsetof(X86Cpu, fx_image) + off,
                      IR_MO_64);
            st_at(tr, ea, off, 8, v);
        }
    }
    IrTempIdx mx = x86_tmp(tr);
    ir_gen_ld(ctx, IR_I64, mx, ctx->env, SSE_MXCSR_OFF, IR_MO_32);
    ir_gen_op2(ctx, IR_OP_or, IR_I64, mx, mx, x86_const(tr, (uint64_t)X86_MXCSR_WRITABLE << 32));
    st_at(tr, ea, 24, 8, mx);                      /* MXCSR, MXCSR_MASK */
    for (unsigned i = 0; i < nregs; i++) {
        IrTempIdx addr = x86_tmp(tr);
        ir_gen_op2(ctx, IR_OP_add, IR_I64, addr, ea, x86_const(tr, 160 + 16 * i));
        ir_gen_guest_st(ctx, IR_V128, sse_ld_xmm(tr, SSE_XMM_OFF(i)), addr, IR_MO_128, tr->mmu);
    }
}

static void gen_fxrstor(X86Tr *tr)
{
    IrContext *ctx = tr->ctx;
    IrTempIdx ea = sse_ea(tr);
    unsigned nregs = tr->mode == X86_MODE_64 ? 16 : 8;

    sse_check_align(tr);
    IrTempIdx mx = load_mxcsr_checked(tr, ea, 24);
    /* Load everything before changing any state: a fault midway changes
     * nothing (the x87 part goes to the fx_image scratch first). */
    for (unsigned off = 0; off < 160; off += 8) {
        if (x87_qword(off)) {
            IrTempIdx addr = x86_tmp(tr);
            ir_gen_op2(ctx, IR_OP_add, IR_I64, addr, ea, x86_const(tr, off));
            ir_gen_st(ctx, IR_I64, x86_gen_ld(tr, addr, 8), ctx->env,
                      (int32_t)offsetof(X86Cpu, fx_image) + off, IR_MO_64);
        }
    }
    IrTempIdx v[16];
    for (unsigned i = 0; i < nregs; i++) {
        IrTempIdx addr = x86_tmp(tr);
        v[i] = ir_temp_new(ctx, IR_V128);
        ir_gen_op2(ctx, IR_OP_add, IR_I64, addr, ea, x86_const(tr, 160 + 16 * i));
        ir_gen_guest_ld(ctx, IR_V128, v[i], addr, IR_MO_128, tr->mmu);
    }
    for (unsigned i = 0; i < nregs; i++) {
        sse_st_xmm(tr, SSE_XMM_OFF(i), v[i]);
    }
    ir_gen_st(ctx, IR_I64, mx, ctx->env, SSE_MXCSR_OFF, IR_MO_32);
    ir_gen_call(ctx, sse_h.fx_x87_restore, 0, (IrTempIdx[]){ ctx->env });
}

bool x86_tr_sse_state(X86Tr *tr)
{
    IrContext *ctx = tr->ctx;

    if (tr->insn.prefixes & X86_PFX_VEX) {
        return false;
    }
    switch (tr->insn.op) {
    case X86_OP_LDMXCSR: {
        IrTempIdx v = load_mxcsr_checked(tr, sse_ea(tr), 0);
        ir_gen_st(ctx, IR_I64, v, ctx->env, SSE_MXCSR_OFF, IR_MO_32);
        return true;
    }
    case X86_OP_STMXCSR: {
        IrTempIdx v = x86_tmp(tr);
        ir_gen_ld(ctx, IR_I64, v, ctx->env, SSE_MXCSR_OFF, IR_MO_32);
        x86_gen_st(tr, x86_ea(tr), 4, v);
        return true;
    }
    case X86_OP_FXSAVE:
        gen_fxsave(tr);
        return true;
    case X86_OP_FXRSTOR:
        gen_fxrstor(tr);
        return true;
    default:
        return false;
    }
}
