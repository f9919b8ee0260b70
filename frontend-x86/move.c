/*
 * move.c — data movement: MOV, MOVZX/MOVSX/MOVSXD, LEA, XCHG, CBW family,
 * CWD family, BSWAP, CMOVcc and SETcc.
 */
#include "frontend-x86/translate.h"

bool x86_tr_mov(X86Tr *tr)
{
    const X86Insn *in = &tr->insn;

    /* Control and debug registers are CPL 0 only. */
    if (in->opnd[0] == X86_OPND_Cy || in->opnd[1] == X86_OPND_Cy ||
        in->opnd[0] == X86_OPND_Dy || in->opnd[1] == X86_OPND_Dy) {
        x86_gen_exception(tr, X86_EXCP_GP);
        return true;
    }
    if (in->opnd[0] == X86_OPND_Sw || in->opnd[1] == X86_OPND_Sw) {
        return x86_tr_mov_seg(tr);
    }
    x86_store_opnd(tr, 0, x86_load_opnd(tr, 1));
    return true;
}

bool x86_tr_movx(X86Tr *tr)
{
    unsigned from = x86_opnd_size(tr, 1);
    IrTempIdx v = x86_load_opnd(tr, 1);

    if (tr->insn.op != X86_OP_MOVZX) {
        v = x86_sext(tr, v, from);
    }
    x86_store_opnd(tr, 0, v);
    return true;
}

bool x86_tr_lea(X86Tr *tr)
{
    if (tr->insn.mod == 3) {
        return false;              /* register form: #UD */
    }
    /* LEA ignores segments: compute the offset part only. */
    const X86Insn *in = &tr->insn;
    IrContext *ctx = tr->ctx;
    IrTempIdx a;

    if (in->rip_rel) {
        a = x86_const(tr, tr->next_pc + (uint64_t)in->disp);
    } else {
        a = x86_const(tr, (uint64_t)in->disp);
        if (in->base >= 0) {
            IrTempIdx t = x86_tmp(tr);
            ir_gen_op2(ctx, IR_OP_add, IR_I64, t, x86_g.regs[in->base], a);
            a = t;
        }
        if (in->index >= 0) {
            IrTempIdx s = x86_tmp(tr), t = x86_tmp(tr);
            ir_gen_op2(ctx, IR_OP_shl, IR_I64, s, x86_g.regs[in->index], x86_const(tr, in->scale));
            ir_gen_op2(ctx, IR_OP_add, IR_I64, t, a, s);
            a = t;
        }
    }
    if (in->addrsize != 8) {
        a = x86_zext(tr, a, in->addrsize);
    }
    x86_store_opnd(tr, 0, a);
    return true;
}

bool x86_tr_xchg(X86Tr *tr)
{
    const X86Insn *in = &tr->insn;
    unsigned size = x86_opnd_size(tr, 0);

    /* 90 is NOP; with REX.B it is XCHG r8, rax. */
    if (in->opnd[0] == X86_OPND_Zv && in->zreg == X86_RAX) {
        return true;
    }
    bool mem = in->has_modrm && in->mod != 3;
    unsigned mem_i = in->opnd[0] == X86_OPND_Eb || in->opnd[0] == X86_OPND_Ev ? 0 : 1;
    if (mem) {
        /* XCHG with memory is always locked. */
        static const IrMemOp mo[9] = { [1] = IR_MO_8, [2] = IR_MO_16, [4] = IR_MO_32,
                                       [8] = IR_MO_64 };
        unsigned reg_i = 1 - mem_i;
        IrTempIdx v = x86_load_opnd(tr, reg_i), old = x86_tmp(tr);
        ir_emit(tr->ctx, IR_OP_atomic_xchg, IR_I64, 1, 2,
                (IrArg[]){ old, x86_ea(tr), v, mo[size] | IR_MO_ATOM, tr->mmu });
        x86_store_opnd(tr, reg_i, old);
        return true;
    }
    IrTempIdx a = x86_load_opnd(tr, 0), b = x86_load_opnd(tr, 1);
    IrTempIdx ta = x86_tmp(tr);
    ir_gen_mov(tr->ctx, IR_I64, ta, a);   /* a may be the register itself */
    x86_store_opnd(tr, 0, b);
    x86_store_opnd(tr, 1, ta);
    return true;
}

bool x86_tr_cbw(X86Tr *tr)
{
    unsigned size = tr->insn.opsize;      /* 2: CBW, 4: CWDE, 8: CDQE */
    IrTempIdx v = x86_sext(tr, x86_load_reg(tr, X86_RAX, size / 2), size / 2);
    x86_store_reg(tr, X86_RAX, size, v);
    return true;
}

bool x86_tr_cwd(X86Tr *tr)
{
    unsigned size = tr->insn.opsize;      /* 2: CWD, 4: CDQ, 8: CQO */
    IrTempIdx v = x86_sext(tr, x86_load_reg(tr, X86_RAX, size), size);
    IrTempIdx s = x86_tmp(tr);
    ir_gen_op2(tr->ctx, IR_OP_sar, IR_I64, s, v, x86_const(tr, 63));
    x86_store_reg(tr, X86_RDX, size, s);
    return true;
}

bool x86_tr_bswap(X86Tr *tr)
{
    unsigned size = tr->insn.opsize;
    unsigned reg = tr->insn.zreg;
    IrTempIdx r = x86_tmp(tr);

    if (size == 8) {
        ir_gen_op1(tr->ctx, IR_OP_bswap64, IR_I64, r, x86_g.regs[reg]);
    } else if (size == 4) {
        ir_gen_op1(tr->ctx, IR_OP_bswap32, IR_I64, r, x86_g.regs[reg]);
    } else {
        /* BSWAP r16 is undefined; current CPUs write zero to the low word. */
        r = x86_const(tr, 0);
    }
    x86_store_reg(tr, reg, size, r);
    return true;
}

bool x86_tr_setcc(X86Tr *tr)
{
    x86_store_opnd(tr, 0, x86_gen_setcc(tr, tr->insn.cond));
    return true;
}

bool x86_tr_cmovcc(X86Tr *tr)
{
    unsigned size = x86_opnd_size(tr, 0);
    IrTempIdx src = x86_load_opnd(tr, 1);          /* the load happens either way */
    IrTempIdx cur = x86_load_reg(tr, tr->insn.reg, size);
    IrTempIdx r = x86_tmp(tr), a, b;
    IrCond c;

    x86_gen_cond(tr, tr->insn.cond, &c, &a, &b);
    ir_gen_movcond(tr->ctx, IR_I64, c, r, a, b, src, cur);
    /* A 32-bit CMOV zero-extends the destination even when false. */
    x86_store_reg(tr, tr->insn.reg, size, r);
    return true;
}
