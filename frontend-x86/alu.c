/*
 * alu.c — the two-operand arithmetic and logic family (ADD OR ADC SBB AND
 * SUB XOR CMP), TEST, INC/DEC and NEG/NOT, including their LOCK forms,
 * which become IR atomics (fetch-op where the host has it, a compare-and-
 * swap loop for the rest).
 */
#include "frontend-x86/translate.h"

static IrMemOp size_memop(unsigned size)
{
    return size == 1 ? IR_MO_8 : size == 2 ? IR_MO_16 : size == 4 ? IR_MO_32 : IR_MO_64;
}

static bool locked(const X86Tr *tr)
{
    return (tr->insn.prefixes & X86_PFX_LOCK) != 0;
}

/* The value computation of one ALU op; cf is the carry in (ADC/SBB). */
static IrTempIdx alu_compute(X86Tr *tr, X86Op op, IrTempIdx a, IrTempIdx b, IrTempIdx cf)
{
    IrContext *ctx = tr->ctx;
    IrTempIdx r = x86_tmp(tr);

    switch (op) {
    case X86_OP_ADD: ir_gen_op2(ctx, IR_OP_add, IR_I64, r, a, b); break;
    case X86_OP_SUB: case X86_OP_CMP: ir_gen_op2(ctx, IR_OP_sub, IR_I64, r, a, b); break;
    case X86_OP_AND: ir_gen_op2(ctx, IR_OP_and, IR_I64, r, a, b); break;
    case X86_OP_OR:  ir_gen_op2(ctx, IR_OP_or, IR_I64, r, a, b); break;
    case X86_OP_XOR: ir_gen_op2(ctx, IR_OP_xor, IR_I64, r, a, b); break;
    case X86_OP_ADC: {
        IrTempIdx t = x86_tmp(tr);
        ir_gen_op2(ctx, IR_OP_add, IR_I64, t, a, b);
        ir_gen_op2(ctx, IR_OP_add, IR_I64, r, t, cf);
        break;
    }
    default: { /* SBB */
        IrTempIdx t = x86_tmp(tr);
        ir_gen_op2(ctx, IR_OP_sub, IR_I64, t, a, b);
        ir_gen_op2(ctx, IR_OP_sub, IR_I64, r, t, cf);
        break;
    }
    }
    return r;
}

static void alu_flags(X86Tr *tr, X86Op op, unsigned size, IrTempIdx r, IrTempIdx b,
                      IrTempIdx cf)
{
    IrTempIdx dst = x86_zext(tr, r, size);

    switch (op) {
    case X86_OP_ADD: x86_set_cc(tr, X86_CC_ADDB, size, dst, b, 0); break;
    case X86_OP_ADC: x86_set_cc(tr, X86_CC_ADCB, size, dst, b, cf); break;
    case X86_OP_SUB: case X86_OP_CMP: x86_set_cc(tr, X86_CC_SUBB, size, dst, b, 0); break;
    case X86_OP_SBB: x86_set_cc(tr, X86_CC_SBBB, size, dst, b, cf); break;
    default: x86_set_cc(tr, X86_CC_LOGICB, size, dst, 0, 0); break;
    }
}

/*
 * [addr] = f([addr]) atomically with a compare-and-swap loop; returns the
 * old value. `f` computes the new value from the old one in IR.
 */
typedef IrTempIdx (*RmwFn)(X86Tr *tr, IrTempIdx old, void *arg);

static IrTempIdx cas_loop(X86Tr *tr, IrTempIdx addr, unsigned size, RmwFn f, void *arg)
{
    IrContext *ctx = tr->ctx;
    IrMemOp mo = size_memop(size);
    uint32_t again = ir_label_new(ctx);
    IrTempIdx old = ir_temp_new_tb(ctx, IR_I64);
    IrTempIdx seen = ir_temp_new_tb(ctx, IR_I64);
    IrTempIdx taddr = ir_temp_new_tb(ctx, IR_I64);

    ir_gen_mov(ctx, IR_I64, taddr, addr);
    ir_gen_guest_ld(ctx, IR_I64, seen, taddr, mo, tr->mmu);
    ir_gen_set_label(ctx, again);
    ir_gen_mov(ctx, IR_I64, old, seen);
    IrTempIdx nv = f(tr, old, arg);
    ir_emit(ctx, IR_OP_atomic_cmpxchg, IR_I64, 1, 3,
            (IrArg[]){ seen, taddr, old, nv, mo | IR_MO_ATOM, tr->mmu });
    ir_gen_brcond(ctx, IR_I64, IR_COND_NE, seen, old, again);
    return old;
}

typedef struct AluRmw {
    X86Op op;
    IrTempIdx b, cf;
} AluRmw;

static IrTempIdx alu_rmw(X86Tr *tr, IrTempIdx old, void *arg)
{
    AluRmw *r = arg;
    return alu_compute(tr, r->op, old, r->b, r->cf);
}

/* LOCK op [mem], src: returns the old memory value. */
static IrTempIdx alu_locked(X86Tr *tr, X86Op op, unsigned size, IrTempIdx b, IrTempIdx cf)
{
    IrContext *ctx = tr->ctx;
    IrTempIdx addr = x86_ea(tr);
    IrTempIdx old = x86_tmp(tr);
    IrMemOp mo = size_memop(size) | IR_MO_ATOM;
    IrOpcode opc;

    switch (op) {
    case X86_OP_ADD: opc = IR_OP_atomic_fetch_add; break;
    case X86_OP_AND: opc = IR_OP_atomic_fetch_and; break;
    case X86_OP_OR:  opc = IR_OP_atomic_fetch_or; break;
    case X86_OP_XOR: opc = IR_OP_atomic_fetch_xor; break;
    case X86_OP_SUB: {
        IrTempIdx nb = x86_tmp(tr);
        ir_gen_op1(ctx, IR_OP_neg, IR_I64, nb, b);
        ir_emit(ctx, IR_OP_atomic_fetch_add, IR_I64, 1, 2,
                (IrArg[]){ old, addr, nb, mo, tr->mmu });
        return old;
    }
    default: {
        AluRmw r = { op, b, cf };
        return cas_loop(tr, addr, size, alu_rmw, &r);
    }
    }
    ir_emit(ctx, opc, IR_I64, 1, 2, (IrArg[]){ old, addr, b, mo, tr->mmu });
    return old;
}

/* `xor r, r` / `sub r, r`: the zeroing idiom compilers emit everywhere. */
static bool is_zero_idiom(const X86Tr *tr, X86Op op)
{
    const X86Insn *in = &tr->insn;
    return (op == X86_OP_XOR || op == X86_OP_SUB) && in->has_modrm && in->mod == 3 &&
           in->rm == in->reg && !(in->prefixes & X86_PFX_LOCK) &&
           in->opnd[1] != X86_OPND_Ib && in->opnd[1] != X86_OPND_Iz &&
           in->opnd[1] != X86_OPND_Ibs;
}

bool x86_tr_alu(X86Tr *tr)
{
    X86Op op = (X86Op)tr->insn.op;
    unsigned size = x86_opnd_size(tr, 0);
    IrTempIdx cf = 0, a, r;

    if (is_zero_idiom(tr, op)) {
        IrTempIdx zero = x86_const(tr, 0);
        x86_store_opnd(tr, 0, zero);
        alu_flags(tr, op, size, zero, zero, 0);
        return true;
    }
    IrTempIdx b = x86_load_opnd(tr, 1);

    if (op == X86_OP_ADC || op == X86_OP_SBB) {
        cf = x86_gen_cf(tr);
    }
    if (locked(tr)) {
        if (cf) {
            /* ADC/SBB take the compare-and-swap loop: what the loop and the
             * flags after it use must live across its label (TB temps). */
            IrTempIdx tb = ir_temp_new_tb(tr->ctx, IR_I64), tc = ir_temp_new_tb(tr->ctx, IR_I64);
            ir_gen_mov(tr->ctx, IR_I64, tb, b);
            ir_gen_mov(tr->ctx, IR_I64, tc, cf);
            b = tb;
            cf = tc;
        }
        a = alu_locked(tr, op, size, b, cf);
        r = alu_compute(tr, op, a, b, cf);
    } else {
        a = x86_load_opnd(tr, 0);
        r = alu_compute(tr, op, a, b, cf);
        if (op != X86_OP_CMP) {
            x86_store_opnd(tr, 0, r);
        }
    }
    alu_flags(tr, op, size, r, b, cf);
    return true;
}

bool x86_tr_test(X86Tr *tr)
{
    unsigned size = x86_opnd_size(tr, 0);
    IrTempIdx a = x86_load_opnd(tr, 0), b = x86_load_opnd(tr, 1), r = x86_tmp(tr);

    ir_gen_op2(tr->ctx, IR_OP_and, IR_I64, r, a, b);
    x86_set_cc(tr, X86_CC_LOGICB, size, r, 0, 0);
    return true;
}

bool x86_tr_incdec(X86Tr *tr)
{
    bool inc = tr->insn.op == X86_OP_INC;
    unsigned size = x86_opnd_size(tr, 0);
    IrTempIdx one = x86_const(tr, 1);
    IrTempIdx cf = x86_gen_cf_entry(tr), a, r = x86_tmp(tr);

    if (locked(tr)) {
        a = alu_locked(tr, inc ? X86_OP_ADD : X86_OP_SUB, size, one, 0);
    } else {
        a = x86_load_opnd(tr, 0);
    }
    ir_gen_op2(tr->ctx, inc ? IR_OP_add : IR_OP_sub, IR_I64, r, a, one);
    if (!locked(tr)) {
        x86_store_opnd(tr, 0, r);
    }
    x86_set_cc(tr, inc ? X86_CC_INCB : X86_CC_DECB, size, x86_zext(tr, r, size), cf, 0);
    return true;
}

static IrTempIdx negnot_rmw(X86Tr *tr, IrTempIdx old, void *arg)
{
    IrTempIdx r = x86_tmp(tr);
    ir_gen_op1(tr->ctx, *(bool *)arg ? IR_OP_neg : IR_OP_not, IR_I64, r, old);
    return r;
}

bool x86_tr_negnot(X86Tr *tr)
{
    bool neg = tr->insn.op == X86_OP_NEG;
    unsigned size = x86_opnd_size(tr, 0);
    IrTempIdx a, r;

    if (locked(tr)) {
        a = cas_loop(tr, x86_ea(tr), size, negnot_rmw, &neg);
        r = negnot_rmw(tr, a, &neg);
    } else {
        a = x86_load_opnd(tr, 0);
        r = negnot_rmw(tr, a, &neg);
        x86_store_opnd(tr, 0, r);
    }
    if (neg) {
        /* NEG is 0 - a: flags as SUB with src = a. */
        x86_set_cc(tr, X86_CC_SUBB, size, x86_zext(tr, r, size), a, 0);
    }
    return true;
}
