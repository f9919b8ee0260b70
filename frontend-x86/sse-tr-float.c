/*
 * sse-tr-float.c — translation of SSE floating-point instructions: the
 * arithmetic, compare, horizontal, round, dot-product, approximation and
 * conversion forms are helper calls on env pointers followed by an #XM
 * check; (U)COMIS writes the flags lazily as EFLAGS bits.
 */
#include "frontend-x86/sse-tr.h"

/* Form from the mandatory prefix: none PS, 66 PD, F3 SS, F2 SD. */
static unsigned form_of(const X86Insn *in)
{
    switch (in->mandatory) {
    case 0x66: return X86_FFORM_PD;
    case 0xf3: return X86_FFORM_SS;
    case 0xf2: return X86_FFORM_SD;
    default:   return X86_FFORM_PS;
    }
}

/* Memory size of a form's source: 16 (aligned) for packed, else 4/8. */
static unsigned form_size(unsigned form)
{
    return form == X86_FFORM_SS ? 4 : form == X86_FFORM_SD ? 8 : 16;
}

/* d = helper(env, &xmm[reg], &src, sel); #XM when it says so. */
static void gen_fcall(X86Tr *tr, unsigned helper, unsigned size, bool align, uint32_t sel)
{
    IrContext *ctx = tr->ctx;
    int32_t s = sse_src(tr, size, align);
    IrTempIdx r = ir_temp_new(ctx, IR_I32);

    ir_gen_call(ctx, helper, r,
                (IrTempIdx[]){ ctx->env, sse_ptr(tr, SSE_XMM_OFF(tr->insn.reg)), sse_ptr(tr, s),
                               ir_const_i32(ctx, sel) });
    sse_check_xm(tr, r);
}

static int arith_op(unsigned op)
{
    switch (op) {
    case X86_OP_ADDPS: case X86_OP_ADDPD: case X86_OP_ADDSS: case X86_OP_ADDSD:
        return X86_FOP_ADD;
    case X86_OP_SUBPS: case X86_OP_SUBPD: case X86_OP_SUBSS: case X86_OP_SUBSD:
        return X86_FOP_SUB;
    case X86_OP_MULPS: case X86_OP_MULPD: case X86_OP_MULSS: case X86_OP_MULSD:
        return X86_FOP_MUL;
    case X86_OP_DIVPS: case X86_OP_DIVPD: case X86_OP_DIVSS: case X86_OP_DIVSD:
        return X86_FOP_DIV;
    case X86_OP_MINPS: case X86_OP_MINPD: case X86_OP_MINSS: case X86_OP_MINSD:
        return X86_FOP_MIN;
    case X86_OP_MAXPS: case X86_OP_MAXPD: case X86_OP_MAXSS: case X86_OP_MAXSD:
        return X86_FOP_MAX;
    case X86_OP_SQRTPS: case X86_OP_SQRTPD: case X86_OP_SQRTSS: case X86_OP_SQRTSD:
        return X86_FOP_SQRT;
    default:
        return -1;
    }
}

/* (U)COMISS/SD: OSZAPC from the helper (ZF PF CF; OF SF AF clear). */
static void gen_comi(X86Tr *tr, bool signal, unsigned form)
{
    IrContext *ctx = tr->ctx;
    int32_t s = sse_src(tr, form_size(form), false);
    IrTempIdx f = ir_temp_new_tb(ctx, IR_I64);
    IrTempIdx xm = ir_temp_new(ctx, IR_I32);

    ir_gen_call(ctx, sse_h.comi, f,
                (IrTempIdx[]){ ctx->env, sse_ptr(tr, SSE_XMM_OFF(tr->insn.reg)), sse_ptr(tr, s),
                               ir_const_i32(ctx, (signal ? 16 : 0) | form) });
    ir_gen_extract(ctx, IR_I64, f, f, 0, 32);
    ir_emit(ctx, IR_OP_extrl_i64_i32, IR_I32, 1, 1, (IrArg[]){ xm, f });
    ir_gen_op2(ctx, IR_OP_shr, IR_I32, xm, xm, ir_const_i32(ctx, 31));
    sse_check_xm(tr, xm);
    x86_set_cc(tr, X86_CC_EFLAGS, 8, 0, f, 0);
}

static void gen_rcp(X86Tr *tr, bool rsqrt, unsigned form)
{
    IrContext *ctx = tr->ctx;
    int32_t s = sse_src(tr, form_size(form), form == X86_FFORM_PS);

    ir_gen_call(ctx, sse_h.rcp, 0,
                (IrTempIdx[]){ ctx->env, sse_ptr(tr, SSE_XMM_OFF(tr->insn.reg)), sse_ptr(tr, s),
                               ir_const_i32(ctx, (rsqrt ? 16 : 0) | form) });
}

bool x86_tr_sse_float(X86Tr *tr)
{
    const X86Insn *in = &tr->insn;
    unsigned op = in->op, form = form_of(in), size = form_size(form);
    bool packed = size == 16;
    unsigned imm = (unsigned)in->imm & 0xff;
    int fop = arith_op(op);

    if (in->prefixes & X86_PFX_VEX) {
        return false;
    }
    if (fop >= 0) {
        gen_fcall(tr, sse_h.arith, size, packed, X86_SSE_ARITH(fop, form));
        return true;
    }
    switch (op) {
    case X86_OP_CMPPS: case X86_OP_CMPPD: case X86_OP_CMPSS: case X86_OP_CMPSD:
        gen_fcall(tr, sse_h.cmp, size, packed, (imm & 7) << 4 | form);
        return true;
    case X86_OP_UCOMISS: case X86_OP_UCOMISD:
        gen_comi(tr, false, op == X86_OP_UCOMISD ? X86_FFORM_SD : X86_FFORM_SS);
        return true;
    case X86_OP_COMISS: case X86_OP_COMISD:
        gen_comi(tr, true, op == X86_OP_COMISD ? X86_FFORM_SD : X86_FFORM_SS);
        return true;
    case X86_OP_HADDPS: case X86_OP_HADDPD:
        gen_fcall(tr, sse_h.horiz, 16, true, 0 << 4 | (op == X86_OP_HADDPD));
        return true;
    case X86_OP_HSUBPS: case X86_OP_HSUBPD:
        gen_fcall(tr, sse_h.horiz, 16, true, 1 << 4 | (op == X86_OP_HSUBPD));
        return true;
    case X86_OP_ADDSUBPS: case X86_OP_ADDSUBPD:
        gen_fcall(tr, sse_h.horiz, 16, true, 2 << 4 | (op == X86_OP_ADDSUBPD));
        return true;
    case X86_OP_ROUNDPS: gen_fcall(tr, sse_h.round, 16, true, imm << 4 | X86_FFORM_PS); return true;
    case X86_OP_ROUNDPD: gen_fcall(tr, sse_h.round, 16, true, imm << 4 | X86_FFORM_PD); return true;
    case X86_OP_ROUNDSS: gen_fcall(tr, sse_h.round, 4, false, imm << 4 | X86_FFORM_SS); return true;
    case X86_OP_ROUNDSD: gen_fcall(tr, sse_h.round, 8, false, imm << 4 | X86_FFORM_SD); return true;
    case X86_OP_DPPS: gen_fcall(tr, sse_h.dp, 16, true, imm << 4 | X86_FFORM_PS); return true;
    case X86_OP_DPPD: gen_fcall(tr, sse_h.dp, 16, true, imm << 4 | X86_FFORM_PD); return true;
    case X86_OP_RCPPS: case X86_OP_RCPSS:
        gen_rcp(tr, false, form);
        return true;
    case X86_OP_RSQRTPS: case X86_OP_RSQRTSS:
        gen_rcp(tr, true, form);
        return true;
    default:
        return false;
    }
}

/* ---------------------------------------------------------------------- */
/* Conversions                                                             */

/* CVTSI2SS/SD: the GPR or memory integer goes through xmm_tmp. */
static void gen_cvt_from_int(X86Tr *tr, unsigned cvt)
{
    IrContext *ctx = tr->ctx;
    int i = sse_opnd_index(tr, X86_OPND_Ey, X86_OPND_Ey);
    unsigned size = x86_opnd_size(tr, (unsigned)i);
    IrTempIdx v = x86_load_opnd(tr, (unsigned)i);
    IrTempIdx r = ir_temp_new(ctx, IR_I32);

    ir_gen_st(ctx, IR_I64, v, ctx->env, SSE_TMP_OFF, IR_MO_64);
    ir_gen_call(ctx, sse_h.cvt, r,
                (IrTempIdx[]){ ctx->env, sse_ptr(tr, SSE_XMM_OFF(tr->insn.reg)),
                               sse_ptr(tr, SSE_TMP_OFF), ir_const_i32(ctx, cvt | size << 8) });
    sse_check_xm(tr, r);
}

/* CVT(T)SS2SI/SD2SI: the integer lands in xmm_tmp, then in the GPR. */
static void gen_cvt_to_int(X86Tr *tr, unsigned cvt, unsigned src_size)
{
    IrContext *ctx = tr->ctx;
    unsigned size = x86_opnd_size(tr, 0);
    int32_t s = sse_src(tr, src_size, false);
    IrTempIdx r = ir_temp_new(ctx, IR_I32);

    ir_gen_call(ctx, sse_h.cvt, r,
                (IrTempIdx[]){ ctx->env, sse_ptr(tr, SSE_TMP_OFF), sse_ptr(tr, s),
                               ir_const_i32(ctx, cvt | size << 8) });
    sse_check_xm(tr, r);
    IrTempIdx v = x86_tmp(tr);
    ir_gen_ld(ctx, IR_I64, v, ctx->env, SSE_TMP_OFF, IR_MO_64);
    x86_store_reg(tr, tr->insn.reg, size, v);
}

bool x86_tr_sse_cvt(X86Tr *tr)
{
    const X86Insn *in = &tr->insn;

    if (in->prefixes & X86_PFX_VEX) {
        return false;
    }
    switch (in->op) {
    case X86_OP_CVTSI2SS: gen_cvt_from_int(tr, X86_CVT_SI2SS); return true;
    case X86_OP_CVTSI2SD: gen_cvt_from_int(tr, X86_CVT_SI2SD); return true;
    case X86_OP_CVTSS2SI: gen_cvt_to_int(tr, X86_CVT_SS2SI, 4); return true;
    case X86_OP_CVTTSS2SI: gen_cvt_to_int(tr, X86_CVT_TSS2SI, 4); return true;
    case X86_OP_CVTSD2SI: gen_cvt_to_int(tr, X86_CVT_SD2SI, 8); return true;
    case X86_OP_CVTTSD2SI: gen_cvt_to_int(tr, X86_CVT_TSD2SI, 8); return true;
    case X86_OP_CVTSS2SD: gen_fcall(tr, sse_h.cvt, 4, false, X86_CVT_SS2SD); return true;
    case X86_OP_CVTSD2SS: gen_fcall(tr, sse_h.cvt, 8, false, X86_CVT_SD2SS); return true;
    case X86_OP_CVTPS2PD: gen_fcall(tr, sse_h.cvt, 8, false, X86_CVT_PS2PD); return true;
    case X86_OP_CVTPD2PS: gen_fcall(tr, sse_h.cvt, 16, true, X86_CVT_PD2PS); return true;
    case X86_OP_CVTDQ2PS: gen_fcall(tr, sse_h.cvt, 16, true, X86_CVT_DQ2PS); return true;
    case X86_OP_CVTPS2DQ: gen_fcall(tr, sse_h.cvt, 16, true, X86_CVT_PS2DQ); return true;
    case X86_OP_CVTTPS2DQ: gen_fcall(tr, sse_h.cvt, 16, true, X86_CVT_TPS2DQ); return true;
    case X86_OP_CVTDQ2PD: gen_fcall(tr, sse_h.cvt, 8, false, X86_CVT_DQ2PD); return true;
    case X86_OP_CVTPD2DQ: gen_fcall(tr, sse_h.cvt, 16, true, X86_CVT_PD2DQ); return true;
    case X86_OP_CVTTPD2DQ: gen_fcall(tr, sse_h.cvt, 16, true, X86_CVT_TPD2DQ); return true;
    default:
        return false;                 /* CVTPI2PS & co: MMX */
    }
}
