/*
 * branch.c — control transfers: Jcc, JMP, CALL, RET, LOOP/LOOPE/LOOPNE and
 * JCXZ/JECXZ/JRCXZ. Direct targets chain through goto_tb; indirect ones go
 * through the inline TB lookup (lookup_tb + goto_ptr).
 */
#include "frontend-x86/translate.h"

static uint64_t branch_target(const X86Tr *tr)
{
    uint64_t t = tr->next_pc + (uint64_t)tr->insn.imm;
    if (tr->insn.opsize == 2) {
        t &= 0xffff;               /* 16-bit operand size truncates the target */
    }
    return x86_mask_pc(tr, t);
}

/* Two-way end of block: taken goes through slot 1, fall-through slot 0. */
static void gen_branch2(X86Tr *tr, IrCond c, IrTempIdx a, IrTempIdx b, uint64_t taken)
{
    uint32_t l = ir_label_new(tr->ctx);

    ir_gen_brcond(tr->ctx, IR_I64, c, a, b, l);
    x86_gen_jmp_tb(tr, 0, tr->next_pc);
    ir_gen_set_label(tr->ctx, l);
    x86_gen_jmp_tb(tr, 1, taken);
    tr->end = true;
}

bool x86_tr_jcc(X86Tr *tr)
{
    IrCond c;
    IrTempIdx a, b;

    x86_gen_cond(tr, tr->insn.cond, &c, &a, &b);
    gen_branch2(tr, c, a, b, branch_target(tr));
    return true;
}

static bool is_far(const X86Tr *tr)
{
    return tr->insn.opnd[0] == X86_OPND_Ap || tr->insn.opnd[0] == X86_OPND_Mp;
}

bool x86_tr_jmp(X86Tr *tr)
{
    if (is_far(tr)) {
        return false;
    }
    if (tr->insn.opnd[0] == X86_OPND_Jb || tr->insn.opnd[0] == X86_OPND_Jz) {
        x86_gen_jmp_tb(tr, 0, branch_target(tr));
    } else {
        IrTempIdx t = x86_load_opnd(tr, 0);
        x86_gen_jmp_reg(tr, t);
    }
    tr->end = true;
    return true;
}

bool x86_tr_call(X86Tr *tr)
{
    unsigned size = tr->mode == X86_MODE_64 ? 8 : tr->insn.opsize;

    if (is_far(tr)) {
        return false;
    }
    if (tr->insn.opnd[0] == X86_OPND_Jz) {
        x86_push(tr, size, x86_const(tr, tr->next_pc));
        x86_gen_jmp_tb(tr, 0, branch_target(tr));
    } else {
        /* Read the target before the push: `call [rsp]` uses the old rsp. */
        IrTempIdx t = x86_load_opnd(tr, 0), keep = x86_tmp(tr);
        ir_gen_mov(tr->ctx, IR_I64, keep, t);
        x86_push(tr, size, x86_const(tr, tr->next_pc));
        x86_gen_jmp_reg(tr, keep);
    }
    tr->end = true;
    return true;
}

bool x86_tr_ret(X86Tr *tr)
{
    unsigned size = tr->mode == X86_MODE_64 ? 8 : tr->insn.opsize;
    IrTempIdx t = x86_pop(tr, size);

    if (tr->insn.opnd[0] == X86_OPND_Iw) {
        IrTempIdx rsp = x86_tmp(tr);
        ir_gen_op2(tr->ctx, IR_OP_add, IR_I64, rsp, x86_g.regs[X86_RSP],
                   x86_const(tr, (uint64_t)tr->insn.imm & 0xffff));
        x86_store_reg(tr, X86_RSP, tr->mode == X86_MODE_64 ? 8 : 4, rsp);
    }
    x86_gen_jmp_reg(tr, t);
    tr->end = true;
    return true;
}

bool x86_tr_loop(X86Tr *tr)
{
    IrContext *ctx = tr->ctx;
    unsigned as = tr->insn.addrsize;
    IrTempIdx zero = x86_const(tr, 0);
    uint64_t target = branch_target(tr);

    if (tr->insn.op == X86_OP_JCXZ) {
        gen_branch2(tr, IR_COND_EQ, x86_load_reg(tr, X86_RCX, as), zero, target);
        return true;
    }
    IrTempIdx c = x86_tmp(tr);
    ir_gen_op2(ctx, IR_OP_sub, IR_I64, c, x86_g.regs[X86_RCX], x86_const(tr, 1));
    x86_store_reg(tr, X86_RCX, as, c);
    IrTempIdx cnt = x86_load_reg(tr, X86_RCX, as);
    if (tr->insn.op == X86_OP_LOOP) {
        gen_branch2(tr, IR_COND_NE, cnt, zero, target);
        return true;
    }
    /* LOOPE: count != 0 and ZF; LOOPNE: count != 0 and !ZF. */
    IrTempIdx z = x86_gen_setcc(tr, tr->insn.op == X86_OP_LOOPE ? 4 : 5);
    IrTempIdx nz = x86_tmp(tr), both = x86_tmp(tr);
    ir_gen_setcond(ctx, IR_I64, IR_COND_NE, nz, cnt, zero);
    ir_gen_op2(ctx, IR_OP_and, IR_I64, both, nz, z);
    gen_branch2(tr, IR_COND_NE, both, zero, target);
    return true;
}
