/*
 * stack.c — PUSH and POP in their register, memory, immediate and segment
 * forms, and LEAVE.
 */
#include "frontend-x86/translate.h"

/* Operand size of a stack operation: 64 (or 16 with 66) in long mode. */
static unsigned push_size(const X86Tr *tr)
{
    if (tr->mode == X86_MODE_64) {
        return tr->insn.opsize == 2 ? 2 : 8;
    }
    return tr->insn.opsize;
}

static bool is_segment(const X86Tr *tr)
{
    switch (tr->insn.opnd[0]) {
    case X86_OPND_ES: case X86_OPND_CS: case X86_OPND_SS: case X86_OPND_DS:
    case X86_OPND_FS: case X86_OPND_GS:
        return true;
    default:
        return false;
    }
}

bool x86_tr_push(X86Tr *tr)
{
    unsigned size = push_size(tr);

    if (is_segment(tr)) {
        return x86_tr_push_seg(tr, size);   /* FS, GS (the others: #UD in 64-bit mode) */
    }
    IrTempIdx v = x86_load_opnd(tr, 0);
    if (tr->insn.opnd[0] == X86_OPND_Ibs || tr->insn.opnd[0] == X86_OPND_Iz) {
        v = x86_const(tr, (uint64_t)tr->insn.imm);
    }
    /* `push rsp` pushes the old value: v was read before the push. */
    IrTempIdx keep = x86_tmp(tr);
    ir_gen_mov(tr->ctx, IR_I64, keep, v);
    x86_push(tr, size, keep);
    return true;
}

bool x86_tr_pop(X86Tr *tr)
{
    unsigned size = push_size(tr);

    if (is_segment(tr)) {
        return x86_tr_pop_seg(tr, size);
    }
    IrTempIdx v = x86_pop(tr, size);
    /* `pop [rsp+d]` addresses with the incremented rsp, as the CPU does;
     * x86_ea reads rsp after x86_pop has updated it. */
    if (tr->insn.has_modrm && tr->insn.mod != 3) {
        x86_gen_st(tr, x86_ea(tr), size, v);
    } else {
        x86_store_reg(tr, tr->insn.opnd[0] == X86_OPND_Zv ? tr->insn.zreg : tr->insn.rm, size, v);
    }
    return true;
}

bool x86_tr_leave(X86Tr *tr)
{
    unsigned width = tr->mode == X86_MODE_64 ? 8 : 4;
    unsigned size = push_size(tr);

    x86_store_reg(tr, X86_RSP, width, x86_g.regs[X86_RBP]);
    IrTempIdx v = x86_pop(tr, size);
    x86_store_reg(tr, X86_RBP, size, v);
    return true;
}
