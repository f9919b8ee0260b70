/*
 * shift.c — SHL/SAL, SHR, SAR, ROL and ROR by 1, imm8 or CL. A masked count
 * of zero leaves the flags untouched, so with a CL count the new lazy flag
 * state is selected at run time (movcond) and cc_op becomes dynamic.
 */
#include "frontend-x86/translate.h"

/* Record flags only when count != 0 (count known only at run time). */
static void set_cc_if_count(X86Tr *tr, IrTempIdx count, X86CcOp base, unsigned size,
                            IrTempIdx dst, IrTempIdx src, IrTempIdx src2)
{
    IrContext *ctx = tr->ctx;
    IrTempIdx zero = x86_const(tr, 0);
    unsigned op = base == X86_CC_EFLAGS ? X86_CC_EFLAGS
                                        : base + (size == 1 ? 0 : size == 2 ? 1 : size == 4 ? 2 : 3);

    const IrTempIdx vals[3] = { dst, src, src2 };
    const IrTempIdx globals[3] = { x86_g.cc_dst, x86_g.cc_src, x86_g.cc_src2 };
    for (int i = 0; i < 3; i++) {
        if (vals[i]) {
            ir_gen_movcond(ctx, IR_I64, IR_COND_NE, globals[i], count, zero, vals[i], globals[i]);
        }
    }
    IrTempIdx c32 = ir_temp_new(ctx, IR_I32);
    ir_gen_op1(ctx, IR_OP_extrl_i64_i32, IR_I32, c32, count);
    ir_gen_movcond(ctx, IR_I32, IR_COND_NE, x86_g.cc_op, c32, ir_const_i32(ctx, 0),
                   ir_const_i32(ctx, op), x86_g.cc_op);
    tr->cc_static = -1;
}

static void set_flags(X86Tr *tr, bool imm, uint64_t immc, IrTempIdx count, X86CcOp base,
                      unsigned size, IrTempIdx dst, IrTempIdx src, IrTempIdx src2)
{
    if (imm) {
        if (immc != 0) {
            x86_set_cc(tr, base, size, dst, src, src2);
        }
    } else {
        set_cc_if_count(tr, count, base, size, dst, src, src2);
    }
}

/* SHL, SHR, SAR: r = a shifted by c; `prev` = a shifted by c - 1 gives CF. */
static void gen_shift(X86Tr *tr, X86Op op, unsigned size, IrTempIdx a, IrTempIdx c,
                      bool imm, uint64_t immc)
{
    IrContext *ctx = tr->ctx;
    IrTempIdx r = x86_tmp(tr), prev = x86_tmp(tr), cm1 = x86_tmp(tr);
    IrTempIdx src2 = x86_const(tr, 0);
    IrOpcode opc = op == X86_OP_SHL ? IR_OP_shl : op == X86_OP_SHR ? IR_OP_shr : IR_OP_sar;

    if (op == X86_OP_SAR) {
        a = x86_sext(tr, a, size);
    }
    ir_gen_op2(ctx, IR_OP_sub, IR_I64, cm1, c, x86_const(tr, 1));
    ir_gen_op2(ctx, opc, IR_I64, r, a, c);
    ir_gen_op2(ctx, opc, IR_I64, prev, a, cm1);
    if (op == X86_OP_SHR) {
        src2 = x86_tmp(tr);
        ir_gen_extract(ctx, IR_I64, src2, a, size * 8 - 1, 1);   /* OF = old top bit */
    }
    x86_store_opnd(tr, 0, r);
    set_flags(tr, imm, immc, c, op == X86_OP_SHL ? X86_CC_SHLB : X86_CC_SARB, size,
              x86_zext(tr, r, size), x86_zext(tr, prev, size), src2);
}

/* ROL, ROR: only CF and OF change; the rest of the flags are kept. */
static void gen_rotate(X86Tr *tr, X86Op op, unsigned size, IrTempIdx a, IrTempIdx c,
                       bool imm, uint64_t immc)
{
    IrContext *ctx = tr->ctx;
    unsigned bits = size * 8;
    IrTempIdx n = c, r = x86_tmp(tr);

    if (bits < 32) {
        n = x86_tmp(tr);
        ir_gen_op2(ctx, IR_OP_remu, IR_I64, n, c, x86_const(tr, bits));
    }
    if (bits == 64) {
        ir_gen_op2(ctx, op == X86_OP_ROL ? IR_OP_rotl : IR_OP_rotr, IR_I64, r, a, n);
    } else {
        /* Rotate within `bits`: (a << k) | (a >> (bits - k)), k = left count. */
        IrTempIdx k = n, l = x86_tmp(tr), h = x86_tmp(tr), t = x86_tmp(tr);
        if (op == X86_OP_ROR) {
            k = x86_tmp(tr);
            ir_gen_op2(ctx, IR_OP_sub, IR_I64, k, x86_const(tr, bits), n);
        }
        ir_gen_op2(ctx, IR_OP_sub, IR_I64, t, x86_const(tr, bits), k);
        ir_gen_op2(ctx, IR_OP_shl, IR_I64, l, a, k);
        ir_gen_op2(ctx, IR_OP_shr, IR_I64, h, a, t);
        ir_gen_op2(ctx, IR_OP_or, IR_I64, r, l, h);
        r = x86_zext(tr, r, size);
    }
    x86_store_opnd(tr, 0, r);

    /* New CF/OF merged into the computed flags. */
    IrTempIdx f = x86_gen_eflags(tr), cf = x86_tmp(tr), of = x86_tmp(tr), nf = x86_tmp(tr);
    IrTempIdx topb = x86_tmp(tr);
    ir_gen_extract(ctx, IR_I64, topb, r, bits - 1, 1);
    if (op == X86_OP_ROL) {
        ir_gen_extract(ctx, IR_I64, cf, r, 0, 1);
        ir_gen_op2(ctx, IR_OP_xor, IR_I64, of, topb, cf);
    } else {
        IrTempIdx next = x86_tmp(tr);
        ir_gen_mov(ctx, IR_I64, cf, topb);
        ir_gen_extract(ctx, IR_I64, next, r, bits - 2, 1);
        ir_gen_op2(ctx, IR_OP_xor, IR_I64, of, topb, next);
    }
    ir_gen_op2(ctx, IR_OP_andc, IR_I64, nf, f, x86_const(tr, X86_CF | X86_OF));
    ir_gen_op2(ctx, IR_OP_or, IR_I64, nf, nf, cf);
    ir_gen_op2(ctx, IR_OP_shl, IR_I64, of, of, x86_const(tr, 11));
    ir_gen_op2(ctx, IR_OP_or, IR_I64, nf, nf, of);
    /* Flags follow the masked count, even when the rotation amount is 0 mod bits. */
    set_flags(tr, imm, immc, c, X86_CC_EFLAGS, size, 0, nf, 0);
}

bool x86_tr_shift(X86Tr *tr)
{
    X86Op op = (X86Op)tr->insn.op;
    unsigned size = x86_opnd_size(tr, 0);
    uint64_t cmask = size == 8 ? 63 : 31;
    bool imm = tr->insn.opnd[1] != X86_OPND_CL;
    uint64_t immc = 0;
    IrTempIdx c;

    if (imm) {
        immc = (tr->insn.opnd[1] == X86_OPND_ONE ? 1 : (uint64_t)tr->insn.imm) & cmask;
        c = x86_const(tr, immc);
    } else {
        c = x86_tmp(tr);
        ir_gen_op2(tr->ctx, IR_OP_and, IR_I64, c, x86_g.regs[X86_RCX], x86_const(tr, cmask));
    }
    IrTempIdx a = x86_load_opnd(tr, 0);
    if (op == X86_OP_ROL || op == X86_OP_ROR) {
        gen_rotate(tr, op, size, a, c, imm, immc);
    } else {
        gen_shift(tr, op, size, a, c, imm, immc);
    }
    return true;
}
