/*
 * atomic.c — the exchange-and-compare family: XADD, CMPXCHG, CMPXCHG8B and
 * CMPXCHG16B. Memory forms become IR atomics (always atomic, which is a
 * valid implementation of the unlocked forms too); register forms are
 * plain moves with x86's rules for which register is written. Outside
 * parallel mode x86_plain_atomics turns the TB's atomics (from every
 * family) into plain load-op-store sequences.
 */
#include "frontend-x86/translate.h"

static IrMemOp size_memop(unsigned size)
{
    return size == 1 ? IR_MO_8 : size == 2 ? IR_MO_16 : size == 4 ? IR_MO_32 : IR_MO_64;
}

static bool mem_form(const X86Tr *tr)
{
    return tr->insn.mod != 3;
}

bool x86_tr_xadd(X86Tr *tr)
{
    unsigned size = x86_opnd_size(tr, 0);
    IrTempIdx src = x86_load_reg(tr, tr->insn.reg, size);
    IrTempIdx old, sum = x86_tmp(tr);

    if (mem_form(tr)) {
        old = x86_tmp(tr);
        ir_emit(tr->ctx, IR_OP_atomic_fetch_add, IR_I64, 1, 2,
                (IrArg[]){ old, x86_ea(tr), src, size_memop(size) | IR_MO_ATOM, tr->mmu });
        ir_gen_op2(tr->ctx, IR_OP_add, IR_I64, sum, old, src);
        x86_store_reg(tr, tr->insn.reg, size, old);
    } else {
        old = x86_tmp(tr);
        ir_gen_mov(tr->ctx, IR_I64, old, x86_load_reg(tr, tr->insn.rm, size));
        ir_gen_op2(tr->ctx, IR_OP_add, IR_I64, sum, old, src);
        /* SRC = DEST, then DEST = sum: with the same register the sum wins. */
        x86_store_reg(tr, tr->insn.reg, size, old);
        x86_store_reg(tr, tr->insn.rm, size, sum);
    }
    x86_set_cc(tr, X86_CC_ADDB, size, x86_zext(tr, sum, size), src, 0);
    return true;
}

/* rAX as x86_store_reg(RAX, size, v) would leave it, as a full value. */
static IrTempIdx rax_after_write(X86Tr *tr, unsigned size, IrTempIdx v)
{
    IrTempIdx r = x86_tmp(tr);
    if (size == 8) {
        ir_gen_mov(tr->ctx, IR_I64, r, v);
    } else if (size == 4) {
        ir_gen_extract(tr->ctx, IR_I64, r, v, 0, 32);
    } else {
        ir_gen_deposit(tr->ctx, IR_I64, r, x86_g.regs[X86_RAX], v, 0, size * 8);
    }
    return r;
}

bool x86_tr_cmpxchg(X86Tr *tr)
{
    IrContext *ctx = tr->ctx;
    unsigned size = x86_opnd_size(tr, 0);
    IrTempIdx src = x86_load_reg(tr, tr->insn.reg, size);
    IrTempIdx cmp = x86_load_reg(tr, X86_RAX, size);
    IrTempIdx old = x86_tmp(tr);

    if (mem_form(tr)) {
        ir_emit(ctx, IR_OP_atomic_cmpxchg, IR_I64, 1, 3,
                (IrArg[]){ old, x86_ea(tr), cmp, src, size_memop(size) | IR_MO_ATOM, tr->mmu });
    } else {
        /* Equal: DEST = SRC (so a 32-bit DEST is zero-extended); else rAX = DEST. */
        IrTempIdx cur = x86_load_reg(tr, tr->insn.rm, size), nd = x86_tmp(tr);
        ir_gen_mov(ctx, IR_I64, old, cur);
        ir_gen_movcond(ctx, IR_I64, IR_COND_EQ, nd, old, cmp, src, old);
        x86_store_reg(tr, tr->insn.rm, size, nd);
    }
    /* rAX is written only when the comparison failed. */
    IrTempIdx nrax = rax_after_write(tr, size, old);
    ir_gen_movcond(ctx, IR_I64, IR_COND_EQ, x86_g.regs[X86_RAX], old, cmp, x86_g.regs[X86_RAX],
                   nrax);
    IrTempIdx diff = x86_tmp(tr);
    ir_gen_op2(ctx, IR_OP_sub, IR_I64, diff, cmp, old);
    x86_set_cc(tr, X86_CC_SUBB, size, x86_zext(tr, diff, size), old, 0);
    return true;
}

/* ZF = eq, other flags kept. */
static void set_zf(X86Tr *tr, IrTempIdx eq)
{
    IrContext *ctx = tr->ctx;
    IrTempIdx f = x86_gen_eflags(tr), nf = x86_tmp(tr), z = x86_tmp(tr);
    ir_gen_op2(ctx, IR_OP_andc, IR_I64, nf, f, x86_const(tr, X86_ZF));
    ir_gen_op2(ctx, IR_OP_shl, IR_I64, z, eq, x86_const(tr, 6));
    ir_gen_op2(ctx, IR_OP_or, IR_I64, nf, nf, z);
    x86_set_cc(tr, X86_CC_EFLAGS, 8, 0, nf, 0);
}

/* CMPXCHG8B: EDX:EAX vs m64; equal: m64 = ECX:EBX; else EDX:EAX = m64. */
static void gen_cmpxchg8b(X86Tr *tr)
{
    IrContext *ctx = tr->ctx;
    IrTempIdx cmp = x86_tmp(tr), nv = x86_tmp(tr), old = x86_tmp(tr), eq = x86_tmp(tr);

    ir_gen_deposit(ctx, IR_I64, cmp, x86_g.regs[X86_RAX], x86_g.regs[X86_RDX], 32, 32);
    ir_gen_deposit(ctx, IR_I64, nv, x86_g.regs[X86_RBX], x86_g.regs[X86_RCX], 32, 32);
    ir_emit(ctx, IR_OP_atomic_cmpxchg, IR_I64, 1, 3,
            (IrArg[]){ old, x86_ea(tr), cmp, nv, IR_MO_64 | IR_MO_ATOM, tr->mmu });
    ir_gen_setcond(ctx, IR_I64, IR_COND_EQ, eq, old, cmp);
    IrTempIdx lo = x86_tmp(tr), hi = x86_tmp(tr);
    ir_gen_extract(ctx, IR_I64, lo, old, 0, 32);
    ir_gen_extract(ctx, IR_I64, hi, old, 32, 32);
    /* Failure writes EAX/EDX (zero-extending RAX/RDX); success leaves them. */
    ir_gen_movcond(ctx, IR_I64, IR_COND_NE, x86_g.regs[X86_RAX], eq, x86_const(tr, 0),
                   x86_g.regs[X86_RAX], lo);
    ir_gen_movcond(ctx, IR_I64, IR_COND_NE, x86_g.regs[X86_RDX], eq, x86_const(tr, 0),
                   x86_g.regs[X86_RDX], hi);
    set_zf(tr, eq);
}

static void gen_cmpxchg16b(X86Tr *tr)
{
    IrContext *ctx = tr->ctx;
    IrTempIdx addr = x86_ea(tr), mis = x86_tmp(tr);
    uint32_t aligned = ir_label_new(ctx);

    /* A misaligned operand is #GP. */
    ir_gen_op2(ctx, IR_OP_and, IR_I64, mis, addr, x86_const(tr, 15));
    ir_gen_brcond(ctx, IR_I64, IR_COND_EQ, mis, x86_const(tr, 0), aligned);
    x86_gen_exception(tr, X86_EXCP_GP);
    tr->end = false;
    ir_gen_set_label(ctx, aligned);
    tr->ea = 0;                    /* the cached address was a block temp */

    IrTempIdx cmp = ir_temp_new(ctx, IR_I128), nv = ir_temp_new(ctx, IR_I128);
    IrTempIdx old = ir_temp_new(ctx, IR_I128);
    ir_emit(ctx, IR_OP_concat_i64_i128, IR_I128, 1, 2,
            (IrArg[]){ cmp, x86_g.regs[X86_RAX], x86_g.regs[X86_RDX] });
    ir_emit(ctx, IR_OP_concat_i64_i128, IR_I128, 1, 2,
            (IrArg[]){ nv, x86_g.regs[X86_RBX], x86_g.regs[X86_RCX] });
    ir_emit(ctx, IR_OP_atomic_cmpxchg, IR_I128, 1, 3,
            (IrArg[]){ old, x86_ea(tr), cmp, nv, IR_MO_128 | IR_MO_ATOM, tr->mmu });
    IrTempIdx lo = x86_tmp(tr), hi = x86_tmp(tr), e1 = x86_tmp(tr), e2 = x86_tmp(tr);
    ir_gen_op1(ctx, IR_OP_extrl_i128_i64, IR_I64, lo, old);
    ir_gen_op1(ctx, IR_OP_extrh_i128_i64, IR_I64, hi, old);
    ir_gen_setcond(ctx, IR_I64, IR_COND_EQ, e1, lo, x86_g.regs[X86_RAX]);
    ir_gen_setcond(ctx, IR_I64, IR_COND_EQ, e2, hi, x86_g.regs[X86_RDX]);
    ir_gen_op2(ctx, IR_OP_and, IR_I64, e1, e1, e2);
    ir_gen_mov(ctx, IR_I64, x86_g.regs[X86_RAX], lo);   /* equal: the same value */
    ir_gen_mov(ctx, IR_I64, x86_g.regs[X86_RDX], hi);
    set_zf(tr, e1);
}

bool x86_tr_cmpxchg8b(X86Tr *tr)
{
    if (!mem_form(tr)) {
        return false;
    }
    if (tr->insn.op == X86_OP_CMPXCHG16B) {
        gen_cmpxchg16b(tr);
    } else {
        gen_cmpxchg8b(tr);
    }
    return true;
}

/* ---------------------------------------------------------------------- */
/* Single-agent form                                                       */

/* cmp as atomic_cmpxchg compares it: truncated to the access size and
 * extended like the loaded value (docs/ir.md). */
static IrTempIdx cmp_at_size(IrContext *ctx, IrOp *at, IrTempIdx cmp, IrMemOp mo)
{
    unsigned bits = ir_memop_size(mo) * 8;

    if (bits >= ir_type_size(at->type) * 8) {
        return cmp;
    }
    IrTempIdx c = ir_temp_new(ctx, at->type);
    ir_insert_before(ctx, at, mo & IR_MO_SIGN ? IR_OP_sextract : IR_OP_extract, at->type, 1, 1,
                     (IrArg[]){ c, cmp, 0, bits });
    return c;
}

/* Replace one 32/64-bit atomic by: o = load; nv = o OP val (or the
 * cmpxchg choice); store nv; old = o. The store always happens, as the
 * locked instruction's write cycle does (a read-only page faults). */
static void plain_atomic(IrContext *ctx, IrOp *op)
{
    static const IrOpcode alu[] = {
        [IR_OP_atomic_fetch_add] = IR_OP_add, [IR_OP_atomic_fetch_and] = IR_OP_and,
        [IR_OP_atomic_fetch_or] = IR_OP_or, [IR_OP_atomic_fetch_xor] = IR_OP_xor,
    };
    IrType t = op->type;
    IrArg *ca = ir_op_cargs(op);
    IrMemOp mo = ca[0] & ~IR_MO_ATOM;
    IrArg mmu = ca[1];
    IrTempIdx old = op->args[0], addr = op->args[1], val = op->args[2];
    IrTempIdx o = ir_temp_new(ctx, t), nv = ir_temp_new(ctx, t);

    ir_insert_before(ctx, op, IR_OP_guest_ld, t, 1, 1, (IrArg[]){ o, addr, mo, mmu });
    if (op->opc == IR_OP_atomic_cmpxchg) {
        IrTempIdx cmp = cmp_at_size(ctx, op, val, mo);
        ir_insert_before(ctx, op, IR_OP_movcond, t, 1, 4,
                         (IrArg[]){ nv, o, cmp, op->args[3], o, IR_COND_EQ });
    } else if (op->opc == IR_OP_atomic_xchg) {
        nv = val;
    } else {
        ir_insert_before(ctx, op, alu[op->opc], t, 1, 2, (IrArg[]){ nv, o, val });
    }
    ir_insert_before(ctx, op, IR_OP_guest_st, t, 0, 2, (IrArg[]){ nv, addr, mo, mmu });
    ir_insert_before(ctx, op, IR_OP_mov, t, 1, 1, (IrArg[]){ old, o });
    ir_remove(ctx, op);
}

void x86_plain_atomics(IrContext *ctx)
{
    IR_FOR_EACH_OP_SAFE(ctx, op, nx) {
        bool atomic = op->opc == IR_OP_atomic_cmpxchg || op->opc == IR_OP_atomic_xchg ||
                      op->opc == IR_OP_atomic_fetch_add || op->opc == IR_OP_atomic_fetch_and ||
                      op->opc == IR_OP_atomic_fetch_or || op->opc == IR_OP_atomic_fetch_xor;
        if (atomic && op->type != IR_I128) {
            plain_atomic(ctx, op);
        }
    }
}
