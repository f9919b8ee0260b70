/*
 * bmi.c — BMI1/BMI2 (ANDN, BLSI, BLSMSK, BLSR, BZHI, BEXTR, PDEP, PEXT,
 * MULX, SARX, SHLX, SHRX, RORX) and ADX (ADCX, ADOX). All are VEX-encoded
 * except ADX; operands are Gy (ModRM.reg), By (VEX.vvvv) and Ey (r/m).
 */
#include "frontend-x86/translate.h"

static unsigned helper_pdep, helper_pext;

static uint64_t helper_x86_pdep(uint64_t src, uint64_t mask)
{
    uint64_t r = 0;
    for (uint64_t bit = 1; mask; bit <<= 1) {
        uint64_t low = mask & -mask;
        if (src & bit) {
            r |= low;
        }
        mask &= mask - 1;
    }
    return r;
}

static uint64_t helper_x86_pext(uint64_t src, uint64_t mask)
{
    uint64_t r = 0;
    for (uint64_t bit = 1; mask; bit <<= 1) {
        uint64_t low = mask & -mask;
        if (src & low) {
            r |= bit;
        }
        mask &= mask - 1;
    }
    return r;
}

void x86_bmi_register_helpers(void)
{
    static const IrHelper pdep = {
        .name = "x86_pdep", .func = (void *)helper_x86_pdep, .ret = IR_I64, .nb_args = 2,
        .args = { IR_I64, IR_I64 },
        .flags = IR_CALL_NO_READ_GLOBALS | IR_CALL_NO_WRITE_GLOBALS | IR_CALL_NO_SIDE_EFFECTS,
    };
    static const IrHelper pext = {
        .name = "x86_pext", .func = (void *)helper_x86_pext, .ret = IR_I64, .nb_args = 2,
        .args = { IR_I64, IR_I64 },
        .flags = IR_CALL_NO_READ_GLOBALS | IR_CALL_NO_WRITE_GLOBALS | IR_CALL_NO_SIDE_EFFECTS,
    };
    if (!ir_helper_find(pdep.name, &helper_pdep)) {
        helper_pdep = ir_helper_register(&pdep);
        helper_pext = ir_helper_register(&pext);
    }
    ir_helper_find(pext.name, &helper_pext);
}

/* Flags from a result: ZF, SF, and the given CF (0/1 temp); OF = 0. */
static void set_zs_cf(X86Tr *tr, unsigned size, IrTempIdx r, IrTempIdx cf)
{
    IrContext *ctx = tr->ctx;
    IrTempIdx z = x86_tmp(tr), s = x86_tmp(tr), f = x86_tmp(tr);

    ir_gen_setcond(ctx, IR_I64, IR_COND_EQ, z, r, x86_const(tr, 0));
    ir_gen_op2(ctx, IR_OP_shl, IR_I64, z, z, x86_const(tr, 6));
    ir_gen_extract(ctx, IR_I64, s, r, size * 8 - 1, 1);
    ir_gen_op2(ctx, IR_OP_shl, IR_I64, s, s, x86_const(tr, 7));
    ir_gen_op2(ctx, IR_OP_or, IR_I64, f, z, s);
    ir_gen_op2(ctx, IR_OP_or, IR_I64, f, f, cf);
    x86_set_cc(tr, X86_CC_EFLAGS, 8, 0, f, 0);
}

/* BLSI, BLSMSK, BLSR: dst = By, src = Ey. */
static void gen_bls(X86Tr *tr, unsigned size)
{
    IrContext *ctx = tr->ctx;
    IrTempIdx src = x86_load_opnd(tr, 1), m1 = x86_tmp(tr), r = x86_tmp(tr), cf = x86_tmp(tr);

    ir_gen_op2(ctx, IR_OP_sub, IR_I64, m1, src, x86_const(tr, 1));
    switch (tr->insn.op) {
    case X86_OP_BLSI:
        ir_gen_op1(ctx, IR_OP_neg, IR_I64, m1, src);
        ir_gen_op2(ctx, IR_OP_and, IR_I64, r, src, m1);
        ir_gen_setcond(ctx, IR_I64, IR_COND_NE, cf, src, x86_const(tr, 0));
        break;
    case X86_OP_BLSMSK:
        ir_gen_op2(ctx, IR_OP_xor, IR_I64, r, src, m1);
        ir_gen_setcond(ctx, IR_I64, IR_COND_EQ, cf, src, x86_const(tr, 0));
        break;
    default: /* BLSR */
        ir_gen_op2(ctx, IR_OP_and, IR_I64, r, src, m1);
        ir_gen_setcond(ctx, IR_I64, IR_COND_EQ, cf, src, x86_const(tr, 0));
        break;
    }
    r = x86_zext(tr, r, size);
    x86_store_opnd(tr, 0, r);
    set_zs_cf(tr, size, r, cf);
}

static void gen_shiftx(X86Tr *tr, unsigned size)
{
    IrContext *ctx = tr->ctx;
    IrTempIdx a = x86_load_opnd(tr, 1), c = x86_tmp(tr), r = x86_tmp(tr);
    IrOpcode opc;

    switch (tr->insn.op) {
    case X86_OP_SHLX: opc = IR_OP_shl; break;
    case X86_OP_SHRX: opc = IR_OP_shr; break;
    default: opc = IR_OP_sar; a = x86_sext(tr, a, size); break;
    }
    ir_gen_op2(ctx, IR_OP_and, IR_I64, c, x86_load_opnd(tr, 2), x86_const(tr, size * 8 - 1));
    ir_gen_op2(ctx, opc, IR_I64, r, a, c);
    x86_store_opnd(tr, 0, r);
}

static void gen_rorx(X86Tr *tr, unsigned size)
{
    IrContext *ctx = tr->ctx;
    unsigned bits = size * 8, n = (unsigned)tr->insn.imm & (bits - 1);
    IrTempIdx a = x86_load_opnd(tr, 1), r = x86_tmp(tr);

    if (size == 8) {
        ir_gen_op2(ctx, IR_OP_rotr, IR_I64, r, a, x86_const(tr, n));
    } else {
        IrTempIdx a32 = ir_temp_new(ctx, IR_I32), r32 = ir_temp_new(ctx, IR_I32);
        ir_gen_op1(ctx, IR_OP_extrl_i64_i32, IR_I32, a32, a);
        ir_gen_op2(ctx, IR_OP_rotr, IR_I32, r32, a32, ir_const_i32(ctx, n));
        ir_gen_op1(ctx, IR_OP_extu_i32_i64, IR_I64, r, r32);
    }
    x86_store_opnd(tr, 0, r);
}

static void gen_mulx(X86Tr *tr, unsigned size)
{
    IrContext *ctx = tr->ctx;
    IrTempIdx a = x86_load_reg(tr, X86_RDX, size), b = x86_load_opnd(tr, 2);
    IrTempIdx lo = x86_tmp(tr), hi = x86_tmp(tr);

    if (size == 8) {
        ir_emit(ctx, IR_OP_mulu2, IR_I64, 2, 2, (IrArg[]){ lo, hi, a, b });
    } else {
        IrTempIdx p = x86_tmp(tr);
        ir_gen_op2(ctx, IR_OP_mul, IR_I64, p, a, b);
        ir_gen_extract(ctx, IR_I64, lo, p, 0, 32);
        ir_gen_extract(ctx, IR_I64, hi, p, 32, 32);
    }
    /* Low half to By, then high half to Gy: the high half wins if the same. */
    x86_store_reg(tr, tr->insn.vex_vvvv, size, lo);
    x86_store_reg(tr, tr->insn.reg, size, hi);
}

static void gen_bzhi_bextr(X86Tr *tr, unsigned size)
{
    IrContext *ctx = tr->ctx;
    unsigned bits = size * 8;
    IrTempIdx src = x86_load_opnd(tr, 1), ctl = x86_load_opnd(tr, 2);
    IrTempIdx r = x86_tmp(tr), cf = x86_const(tr, 0);
    IrTempIdx big = x86_const(tr, bits);

    if (tr->insn.op == X86_OP_BZHI) {
        IrTempIdx n = x86_tmp(tr), mask = x86_tmp(tr), t = x86_tmp(tr);
        ir_gen_extract(ctx, IR_I64, n, ctl, 0, 8);
        /* mask = (1 << n) - 1, all ones when n >= bits (then CF = 1). */
        ir_gen_op2(ctx, IR_OP_shl, IR_I64, t, x86_const(tr, 1), n);
        ir_gen_op2(ctx, IR_OP_sub, IR_I64, mask, t, x86_const(tr, 1));
        ir_gen_movcond(ctx, IR_I64, IR_COND_GEU, mask, n, big, x86_const(tr, ~0ull), mask);
        ir_gen_op2(ctx, IR_OP_and, IR_I64, r, src, mask);
        cf = x86_tmp(tr);
        ir_gen_setcond(ctx, IR_I64, IR_COND_GEU, cf, n, big);
    } else {
        IrTempIdx start = x86_tmp(tr), len = x86_tmp(tr), sh = x86_tmp(tr);
        IrTempIdx mask = x86_tmp(tr), t = x86_tmp(tr);
        ir_gen_extract(ctx, IR_I64, start, ctl, 0, 8);
        ir_gen_extract(ctx, IR_I64, len, ctl, 8, 8);
        ir_gen_op2(ctx, IR_OP_shr, IR_I64, sh, src, start);
        ir_gen_movcond(ctx, IR_I64, IR_COND_GEU, sh, start, big, x86_const(tr, 0), sh);
        ir_gen_op2(ctx, IR_OP_shl, IR_I64, t, x86_const(tr, 1), len);
        ir_gen_op2(ctx, IR_OP_sub, IR_I64, mask, t, x86_const(tr, 1));
        ir_gen_movcond(ctx, IR_I64, IR_COND_GEU, mask, len, big, x86_const(tr, ~0ull), mask);
        ir_gen_op2(ctx, IR_OP_and, IR_I64, r, sh, mask);
    }
    r = x86_zext(tr, r, size);
    x86_store_opnd(tr, 0, r);
    set_zs_cf(tr, size, r, cf);
}

bool x86_tr_bmi(X86Tr *tr)
{
    IrContext *ctx = tr->ctx;
    unsigned size = x86_opnd_size(tr, 0);
    IrTempIdx r;

    switch (tr->insn.op) {
    case X86_OP_ANDN:
        r = x86_tmp(tr);
        ir_gen_op2(ctx, IR_OP_andc, IR_I64, r, x86_load_opnd(tr, 2), x86_load_opnd(tr, 1));
        x86_store_opnd(tr, 0, r);
        x86_set_cc(tr, X86_CC_LOGICB, size, r, 0, 0);
        return true;
    case X86_OP_BLSI: case X86_OP_BLSMSK: case X86_OP_BLSR:
        gen_bls(tr, size);
        return true;
    case X86_OP_BZHI: case X86_OP_BEXTR:
        gen_bzhi_bextr(tr, size);
        return true;
    case X86_OP_SHLX: case X86_OP_SHRX: case X86_OP_SARX:
        gen_shiftx(tr, size);
        return true;
    case X86_OP_RORX:
        gen_rorx(tr, size);
        return true;
    case X86_OP_MULX:
        gen_mulx(tr, size);
        return true;
    case X86_OP_PDEP: case X86_OP_PEXT:
        r = x86_tmp(tr);
        ir_gen_call(ctx, tr->insn.op == X86_OP_PDEP ? helper_pdep : helper_pext, r,
                    (IrTempIdx[]){ x86_load_opnd(tr, 1), x86_load_opnd(tr, 2) });
        x86_store_opnd(tr, 0, x86_zext(tr, r, size));
        return true;
    default:
        return false;
    }
}

/* ADCX (CF) and ADOX (OF): add with carry in and out through one flag. */
bool x86_tr_adx(X86Tr *tr)
{
    IrContext *ctx = tr->ctx;
    bool of = tr->insn.op == X86_OP_ADOX;
    unsigned size = x86_opnd_size(tr, 0);
    IrTempIdx f = x86_gen_eflags(tr), cin = x86_tmp(tr);
    IrTempIdx a = x86_load_opnd(tr, 0), b = x86_load_opnd(tr, 1);
    IrTempIdx r = x86_tmp(tr), cout = x86_tmp(tr);

    ir_gen_extract(ctx, IR_I64, cin, f, of ? 11 : 0, 1);
    if (size == 8) {
        ir_emit(ctx, IR_OP_addcarry, IR_I64, 2, 3, (IrArg[]){ r, cout, a, b, cin });
    } else {
        ir_gen_op2(ctx, IR_OP_add, IR_I64, r, a, b);
        ir_gen_op2(ctx, IR_OP_add, IR_I64, r, r, cin);
        ir_gen_extract(ctx, IR_I64, cout, r, 32, 1);
    }
    x86_store_opnd(tr, 0, r);
    IrTempIdx nf = x86_tmp(tr);
    ir_gen_op2(ctx, IR_OP_andc, IR_I64, nf, f, x86_const(tr, of ? X86_OF : X86_CF));
    if (of) {
        ir_gen_op2(ctx, IR_OP_shl, IR_I64, cout, cout, x86_const(tr, 11));
    }
    ir_gen_op2(ctx, IR_OP_or, IR_I64, nf, nf, cout);
    x86_set_cc(tr, X86_CC_EFLAGS, 8, 0, nf, 0);
    return true;
}
