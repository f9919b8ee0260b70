/*
 * bitops.c — single-bit and bit-scan instructions: BT/BTS/BTR/BTC (register
 * and memory bit strings, LOCK forms as atomics), BSF/BSR, TZCNT/LZCNT and
 * POPCNT, and the flag instructions CLC/STC/CMC/CLD/STD/LAHF/SAHF.
 */
#include "frontend-x86/translate.h"

/* Replace the bits `mask` of the current OSZAPC with `bits` (already in
 * place) and make the lazy state EFLAGS. */
static void merge_flags(X86Tr *tr, uint64_t mask, IrTempIdx bits)
{
    IrContext *ctx = tr->ctx;
    IrTempIdx f = x86_gen_eflags(tr), nf = x86_tmp(tr);

    ir_gen_op2(ctx, IR_OP_andc, IR_I64, nf, f, x86_const(tr, mask));
    ir_gen_op2(ctx, IR_OP_or, IR_I64, nf, nf, bits);
    x86_set_cc(tr, X86_CC_EFLAGS, 8, 0, nf, 0);
}

bool x86_tr_bt(X86Tr *tr)
{
    IrContext *ctx = tr->ctx;
    X86Op op = (X86Op)tr->insn.op;
    unsigned size = x86_opnd_size(tr, 0), bits = size * 8;
    bool imm = tr->insn.opnd[1] == X86_OPND_Ib;
    bool mem = tr->insn.mod != 3;
    IrTempIdx off = imm ? x86_const(tr, (uint64_t)tr->insn.imm & (bits - 1))
                        : x86_load_reg(tr, tr->insn.reg, size);
    IrTempIdx bit = x86_tmp(tr), mask = x86_tmp(tr), addr = 0, v, nv = 0;

    ir_gen_op2(ctx, IR_OP_and, IR_I64, bit, off, x86_const(tr, bits - 1));
    ir_gen_op2(ctx, IR_OP_shl, IR_I64, mask, x86_const(tr, 1), bit);
    if (mem) {
        addr = x86_ea(tr);
        if (!imm) {
            /* A register offset addresses a bit string: signed word index. */
            IrTempIdx w = x86_tmp(tr), a2 = x86_tmp(tr);
            ir_gen_op2(ctx, IR_OP_sar, IR_I64, w, x86_sext(tr, off, size),
                       x86_const(tr, __builtin_ctz(bits)));
            ir_gen_op2(ctx, IR_OP_mul, IR_I64, w, w, x86_const(tr, size));
            ir_gen_op2(ctx, IR_OP_add, IR_I64, a2, addr, w);
            addr = a2;
        }
    }
    if (mem && op != X86_OP_BT && (tr->insn.prefixes & X86_PFX_LOCK)) {
        static const IrMemOp mo[9] = { [2] = IR_MO_16, [4] = IR_MO_32, [8] = IR_MO_64 };
        IrOpcode opc = op == X86_OP_BTS ? IR_OP_atomic_fetch_or
                     : op == X86_OP_BTR ? IR_OP_atomic_fetch_and : IR_OP_atomic_fetch_xor;
        IrTempIdx arg = mask;
        if (op == X86_OP_BTR) {
            arg = x86_tmp(tr);
            ir_gen_op1(ctx, IR_OP_not, IR_I64, arg, mask);
        }
        v = x86_tmp(tr);
        ir_emit(ctx, opc, IR_I64, 1, 2, (IrArg[]){ v, addr, arg, mo[size] | IR_MO_ATOM, tr->mmu });
    } else {
        v = mem ? x86_gen_ld(tr, addr, size) : x86_load_reg(tr, tr->insn.rm, size);
        if (op != X86_OP_BT) {
            nv = x86_tmp(tr);
            IrOpcode opc = op == X86_OP_BTS ? IR_OP_or : op == X86_OP_BTR ? IR_OP_andc : IR_OP_xor;
            ir_gen_op2(ctx, opc, IR_I64, nv, v, mask);
            if (mem) {
                x86_gen_st(tr, addr, size, nv);
            } else {
                x86_store_reg(tr, tr->insn.rm, size, nv);
            }
        }
    }
    IrTempIdx cf = x86_tmp(tr);
    ir_gen_op2(ctx, IR_OP_shr, IR_I64, cf, v, bit);
    ir_gen_op2(ctx, IR_OP_and, IR_I64, cf, cf, x86_const(tr, 1));
    merge_flags(tr, X86_CF, cf);
    return true;
}

bool x86_tr_bitscan(X86Tr *tr)
{
    IrContext *ctx = tr->ctx;
    X86Op op = (X86Op)tr->insn.op;
    unsigned size = x86_opnd_size(tr, 0), bits = size * 8;
    IrTempIdx src = x86_load_opnd(tr, 1);
    IrTempIdx r = x86_tmp(tr), zf = x86_tmp(tr);

    ir_gen_setcond(ctx, IR_I64, IR_COND_EQ, zf, src, x86_const(tr, 0));
    switch (op) {
    case X86_OP_POPCNT:
        ir_gen_op1(ctx, IR_OP_popcnt, IR_I64, r, src);
        break;
    case X86_OP_TZCNT:
        ir_gen_op2(ctx, IR_OP_ctz, IR_I64, r, src, x86_const(tr, bits));
        break;
    case X86_OP_LZCNT:
        ir_gen_op2(ctx, IR_OP_clz, IR_I64, r, src, x86_const(tr, 64));
        ir_gen_op2(ctx, IR_OP_sub, IR_I64, r, r, x86_const(tr, 64 - bits));
        break;
    case X86_OP_BSF:
        /* A zero source leaves the destination unchanged (what CPUs do). */
        ir_gen_op2(ctx, IR_OP_ctz, IR_I64, r, src, x86_load_reg(tr, tr->insn.reg, size));
        break;
    default: { /* BSR */
        IrTempIdx c = x86_tmp(tr);
        ir_gen_op2(ctx, IR_OP_clz, IR_I64, c, src, x86_const(tr, 64));
        ir_gen_op2(ctx, IR_OP_xor, IR_I64, c, c, x86_const(tr, 63));
        ir_gen_movcond(ctx, IR_I64, IR_COND_EQ, r, src, x86_const(tr, 0),
                       x86_load_reg(tr, tr->insn.reg, size), c);
        break;
    }
    }
    x86_store_reg(tr, tr->insn.reg, size, r);

    /* Flags: POPCNT/BSF/BSR set ZF for a zero source and clear the rest;
     * TZCNT/LZCNT set CF for a zero source and ZF for a zero result. */
    IrTempIdx f = x86_tmp(tr);
    if (op == X86_OP_TZCNT || op == X86_OP_LZCNT) {
        IrTempIdx rz = x86_tmp(tr);
        ir_gen_setcond(ctx, IR_I64, IR_COND_EQ, rz, r, x86_const(tr, 0));
        ir_gen_op2(ctx, IR_OP_shl, IR_I64, rz, rz, x86_const(tr, 6));
        ir_gen_op2(ctx, IR_OP_or, IR_I64, f, rz, zf);      /* CF is bit 0 */
    } else {
        ir_gen_op2(ctx, IR_OP_shl, IR_I64, f, zf, x86_const(tr, 6));
    }
    x86_set_cc(tr, X86_CC_EFLAGS, 8, 0, f, 0);
    return true;
}

bool x86_tr_flagop(X86Tr *tr)
{
    IrContext *ctx = tr->ctx;

    switch (tr->insn.op) {
    case X86_OP_CLD:
    case X86_OP_STD:
        ir_gen_movi(ctx, IR_I32, x86_g.df, tr->insn.op == X86_OP_CLD ? 1 : (uint32_t)-1);
        return true;
    case X86_OP_CLC:
        merge_flags(tr, X86_CF, x86_const(tr, 0));
        return true;
    case X86_OP_STC:
        merge_flags(tr, X86_CF, x86_const(tr, X86_CF));
        return true;
    case X86_OP_CMC: {
        IrTempIdx f = x86_gen_eflags(tr), nf = x86_tmp(tr);
        ir_gen_op2(ctx, IR_OP_xor, IR_I64, nf, f, x86_const(tr, X86_CF));
        x86_set_cc(tr, X86_CC_EFLAGS, 8, 0, nf, 0);
        return true;
    }
    case X86_OP_LAHF: {
        IrTempIdx f = x86_gen_eflags(tr), ah = x86_tmp(tr);
        ir_gen_op2(ctx, IR_OP_or, IR_I64, ah, f, x86_const(tr, 2));   /* bit 1 reads 1 */
        ir_gen_op2(ctx, IR_OP_and, IR_I64, ah, ah, x86_const(tr, 0xd7));
        /* AH whatever the prefixes (LAHF ignores REX). */
        ir_gen_deposit(ctx, IR_I64, x86_g.regs[X86_RAX], x86_g.regs[X86_RAX], ah, 8, 8);
        return true;
    }
    case X86_OP_SAHF: {
        IrTempIdx ah = x86_tmp(tr), bits = x86_tmp(tr);
        ir_gen_extract(ctx, IR_I64, ah, x86_g.regs[X86_RAX], 8, 8);
        ir_gen_op2(ctx, IR_OP_and, IR_I64, bits, ah, x86_const(tr, X86_SF | X86_ZF | X86_AF |
                                                              X86_PF | X86_CF));
        merge_flags(tr, X86_SF | X86_ZF | X86_AF | X86_PF | X86_CF, bits);
        return true;
    }
    default:
        return false;
    }
}
