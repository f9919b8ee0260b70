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
            tr->cc_written |= 1u << i;
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
    } else if (bits == 32) {
        /* One host rotate of the low half (SHA-256 and MD5 rounds are full
         * of these) instead of two shifts and an or. */
        IrTempIdx a32 = ir_temp_new(ctx, IR_I32), n32 = ir_temp_new(ctx, IR_I32);
        ir_gen_op1(ctx, IR_OP_extrl_i64_i32, IR_I32, a32, a);
        ir_gen_op1(ctx, IR_OP_extrl_i64_i32, IR_I32, n32, n);
        ir_gen_op2(ctx, op == X86_OP_ROL ? IR_OP_rotl : IR_OP_rotr, IR_I32, a32, a32, n32);
        ir_gen_op1(ctx, IR_OP_extu_i32_i64, IR_I64, r, a32);
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

    /* New CF/OF: kept lazily with the previous flags when possible (an
     * immediate count), else merged into the computed flags. */
    IrTempIdx cf = x86_tmp(tr), of = x86_tmp(tr), nf = x86_tmp(tr);
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
    ir_gen_op2(ctx, IR_OP_shl, IR_I64, of, of, x86_const(tr, 11));
    ir_gen_op2(ctx, IR_OP_or, IR_I64, of, of, cf);              /* CF | OF */
    if (imm && (immc == 0 || x86_set_cc_rotate(tr, of))) {
        return;                    /* count 0: flags untouched */
    }
    IrTempIdx f = x86_gen_eflags(tr);
    ir_gen_op2(ctx, IR_OP_andc, IR_I64, nf, f, x86_const(tr, X86_CF | X86_OF));
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

/* ---------------------------------------------------------------------- */
/* SHLD / SHRD                                                              */

bool x86_tr_shiftd(X86Tr *tr)
{
    IrContext *ctx = tr->ctx;
    bool left = tr->insn.op == X86_OP_SHLD;
    unsigned size = x86_opnd_size(tr, 0), bits = size * 8;
    uint64_t cmask = size == 8 ? 63 : 31;
    bool imm = tr->insn.opnd[2] != X86_OPND_CL;
    uint64_t immc = imm ? (uint64_t)tr->insn.imm & cmask : 0;
    IrTempIdx c;

    if (imm) {
        c = x86_const(tr, immc);
    } else {
        c = x86_tmp(tr);
        ir_gen_op2(ctx, IR_OP_and, IR_I64, c, x86_g.regs[X86_RCX], x86_const(tr, cmask));
    }
    IrTempIdx a = x86_load_opnd(tr, 0), b = x86_load_reg(tr, tr->insn.reg, size);
    IrTempIdx cm1 = x86_tmp(tr), inv = x86_tmp(tr), inv1 = x86_tmp(tr);
    IrTempIdx r = x86_tmp(tr), prev = x86_tmp(tr), t1 = x86_tmp(tr), t2 = x86_tmp(tr);

    ir_gen_op2(ctx, IR_OP_sub, IR_I64, cm1, c, x86_const(tr, 1));
    ir_gen_op2(ctx, IR_OP_sub, IR_I64, inv, x86_const(tr, bits), c);
    ir_gen_op2(ctx, IR_OP_sub, IR_I64, inv1, x86_const(tr, bits + 1), c);
    /* r = a shifted by c with b's bits coming in; prev = the same by c - 1. */
    IrOpcode in = left ? IR_OP_shl : IR_OP_shr, out = left ? IR_OP_shr : IR_OP_shl;
    ir_gen_op2(ctx, in, IR_I64, t1, a, c);
    ir_gen_op2(ctx, out, IR_I64, t2, b, inv);
    ir_gen_op2(ctx, IR_OP_or, IR_I64, r, t1, t2);
    ir_gen_movcond(ctx, IR_I64, IR_COND_EQ, r, c, x86_const(tr, 0), a, r);
    IrTempIdx p1 = x86_tmp(tr), p2 = x86_tmp(tr);
    ir_gen_op2(ctx, in, IR_I64, p1, a, cm1);
    ir_gen_op2(ctx, out, IR_I64, p2, b, inv1);
    ir_gen_op2(ctx, IR_OP_or, IR_I64, prev, p1, p2);
    /* For a count of 1, `b >> bits` would wrap the shift: prev is just a. */
    ir_gen_movcond(ctx, IR_I64, IR_COND_EQ, prev, c, x86_const(tr, 1), a, prev);
    r = x86_zext(tr, r, size);
    x86_store_opnd(tr, 0, r);

    IrTempIdx src2 = x86_const(tr, 0);
    if (!left) {
        /* SHRD's OF (count 1): the sign changed. */
        IrTempIdx x = x86_tmp(tr);
        src2 = x86_tmp(tr);
        ir_gen_op2(ctx, IR_OP_xor, IR_I64, x, r, a);
        ir_gen_extract(ctx, IR_I64, src2, x, bits - 1, 1);
    }
    set_flags(tr, imm, immc, c, left ? X86_CC_SHLB : X86_CC_SARB, size, r,
              x86_zext(tr, prev, size), src2);
    return true;
}

/* ---------------------------------------------------------------------- */
/* RCL / RCR: rare, so a helper does the (bits + 1)-bit rotation.           */

static unsigned helper_rotc;

/* form = size | (right << 4). Reads and rewrites the lazy flags in env. */
static uint64_t helper_x86_rotc(void *env, uint64_t a, uint64_t count, uint32_t form)
{
    X86Cpu *cpu = env;
    unsigned size = form & 15, bits = size * 8;
    bool right = form >> 4;
    uint64_t m = bits == 64 ? ~0ull : (1ull << bits) - 1;
    unsigned c = (unsigned)(count & (size == 8 ? 63 : 31));
    uint64_t f = x86_cc_compute(cpu->cc_op, cpu->cc_dst, cpu->cc_src, cpu->cc_src2);
    uint64_t cf = f & X86_CF;

    if (bits < 32) {
        c %= bits + 1;
    }
    a &= m;
    if (c == 0) {
        return a;                  /* flags untouched */
    }
    for (unsigned i = 0; i < c; i++) {
        uint64_t out;
        if (right) {
            out = a & 1;
            a = (a >> 1) | (cf << (bits - 1));
        } else {
            out = (a >> (bits - 1)) & 1;
            a = ((a << 1) | cf) & m;
        }
        cf = out;
    }
    uint64_t top = (a >> (bits - 1)) & 1;
    uint64_t of = right ? top ^ ((a >> (bits - 2)) & 1) : top ^ cf;
    f = (f & ~(uint64_t)(X86_CF | X86_OF)) | cf | (of << 11);
    cpu->cc_op = X86_CC_EFLAGS;
    cpu->cc_src = f;
    return a;
}

void x86_shift_register_helpers(void)
{
    static const IrHelper h = {
        .name = "x86_rotc", .func = (void *)helper_x86_rotc, .ret = IR_I64,
        .nb_args = 4, .args = { IR_I64, IR_I64, IR_I64, IR_I32 }, .flags = 0,
    };
    if (!ir_helper_find(h.name, &helper_rotc)) {
        helper_rotc = ir_helper_register(&h);
    }
}

bool x86_tr_rotc(X86Tr *tr)
{
    IrContext *ctx = tr->ctx;
    unsigned size = x86_opnd_size(tr, 0);
    bool right = tr->insn.op == X86_OP_RCR;
    IrTempIdx c = tr->insn.opnd[1] == X86_OPND_CL ? x86_g.regs[X86_RCX]
                : x86_const(tr, tr->insn.opnd[1] == X86_OPND_ONE ? 1 : (uint64_t)tr->insn.imm);
    IrTempIdx a = x86_load_opnd(tr, 0), r = x86_tmp(tr);

    /* The helper reads the flags from env: make them current there. */
    ir_gen_call(ctx, helper_rotc, r,
                (IrTempIdx[]){ ctx->env, a, c, ir_const_i32(ctx, size | (right ? 16 : 0)) });
    x86_store_opnd(tr, 0, r);
    tr->cc_static = -1;
    return true;
}
