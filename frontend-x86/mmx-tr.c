/*
 * mmx-tr.c — translation of the MMX instructions (0F-map forms on mm
 * registers, their SSE/SSSE3 extensions, MOVQ2DQ/MOVDQ2Q, EMMS). Generated
 * code loads a memory or GPR source, raises a pending x87 #MF, and calls
 * the one helper (mmx.c) that works on the x87 register file; stores of mm
 * registers are done in IR before the helper so a fault leaves the x87
 * state as it was.
 */
#include <stddef.h>

#include "frontend-x86/mmx.h"
#include "frontend-x86/sse-tr.h"
#include "frontend-x86/translate.h"
#include "jit/fatal.h"

/* Helper ids, set by x86_mmx_register_helpers (write once, then read-only). */
static unsigned h_mmx, h_wait;

void x86_mmx_register_helpers(void)
{
    static const IrHelper h = {
        .name = "x86_mmx", .func = (void *)x86_mmx_helper, .ret = IR_I64, .nb_args = 4,
        .args = { IR_I64, IR_I32, IR_I32, IR_I64 },
        /* it touches fpu and xmm in env, none of the globals */
        .flags = IR_CALL_NO_READ_GLOBALS | IR_CALL_NO_WRITE_GLOBALS,
    };
    if (!ir_helper_find(h.name, &h_mmx)) {
        h_mmx = ir_helper_register(&h);
    }
    if (!ir_helper_find("x87_wait", &h_wait)) {
        ferry_die("mmx: register the x87 helpers first");
    }
}

bool x86_is_mmx(const X86Insn *in)
{
    if (in->op == X86_OP_EMMS) {
        return true;
    }
    for (int i = 0; i < 4 && in->opnd[i] != X86_OPND_NONE; i++) {
        if (in->opnd[i] == X86_OPND_P || in->opnd[i] == X86_OPND_N ||
            in->opnd[i] == X86_OPND_Q) {
            return true;
        }
    }
    return false;
}

/* #MF when an unmasked x87 exception is pending (MMX instructions wait). */
static void gen_wait(X86Tr *tr)
{
    IrContext *ctx = tr->ctx;
    IrTempIdx pend = ir_temp_new(ctx, IR_I32);
    uint32_t ok = ir_label_new(ctx);

    ir_gen_call(ctx, h_wait, pend, (IrTempIdx[]){ ctx->env });
    ir_gen_brcond(ctx, IR_I32, IR_COND_EQ, pend, ir_const_i32(ctx, 0), ok);
    x86_gen_exception(tr, X86_EXCP_MF);
    tr->end = false;
    ir_gen_set_label(ctx, ok);
    tr->ea = 0;                    /* a label was placed */
}

static IrTempIdx call_mmx(X86Tr *tr, uint32_t ctl, IrTempIdx src)
{
    IrContext *ctx = tr->ctx;
    IrTempIdx r = x86_tmp(tr);

    ir_gen_call(ctx, h_mmx, r,
                (IrTempIdx[]){ ctx->env, ir_const_i32(ctx, tr->insn.op), ir_const_i32(ctx, ctl),
                               src ? src : x86_const(tr, 0) });
    return r;
}

/* MOVD/MOVQ r/m, mm and MOVNTQ: the store happens in IR first. */
static bool gen_store(X86Tr *tr, uint32_t ctl)
{
    IrContext *ctx = tr->ctx;
    const X86Insn *in = &tr->insn;

    if (in->mod == 3 && in->opnd[0] == X86_OPND_Q) {
        call_mmx(tr, ctl | MMX_CTL_STORE | MMX_CTL_SRC_MM, 0);
        return true;
    }
    IrTempIdx v = x86_tmp(tr);
    ir_gen_ld(ctx, IR_I64, v, ctx->env,
              (int32_t)(offsetof(X86Cpu, fpu.st) + sizeof(Sf80) * (in->reg & 7u)), IR_MO_64);
    if (in->opnd[0] == X86_OPND_Ey) {
        x86_store_opnd(tr, 0, v);
    } else {
        x86_gen_st(tr, x86_ea(tr), 8, v);
    }
    call_mmx(tr, ctl | MMX_CTL_STORE, 0);
    return true;
}

/* MASKMOVQ: the selected bytes of mm(reg) to DS:rDI (read-merge-write of
 * the quadword). */
static void gen_maskmovq(X86Tr *tr, uint32_t ctl)
{
    IrContext *ctx = tr->ctx;
    IrTempIdx a = x86_zext(tr, x86_g.regs[X86_RDI], tr->insn.addrsize);
    int seg = tr->insn.seg != X86_SEG_NONE ? tr->insn.seg : X86_SEG_DS;

    if (tr->mode != X86_MODE_64 || seg == X86_SEG_FS || seg == X86_SEG_GS) {
        IrTempIdx t = x86_tmp(tr);
        ir_gen_op2(ctx, IR_OP_add, IR_I64, t, a, x86_g.seg_base[seg]);
        if (tr->mode != X86_MODE_64) {
            ir_gen_extract(ctx, IR_I64, t, t, 0, 32);
        }
        a = t;
    }
    IrTempIdx addr = ir_temp_new_tb(ctx, IR_I64);
    ir_gen_mov(ctx, IR_I64, addr, a);
    IrTempIdx old = x86_gen_ld(tr, addr, 8);
    IrTempIdx r = call_mmx(tr, ctl | MMX_CTL_SRC_MM, old);
    x86_gen_st(tr, addr, 8, r);
}

/* CVTPI2PS/PD xmm, mm/m64 and CVT(T)PS2PI mm, xmm/m64, CVT(T)PD2PI mm,
 * xmm/m128 (aligned): #XM when the helper says so. Only the forms with an
 * mm source or destination wait for x87 exceptions. */
static void gen_convert(X86Tr *tr, uint32_t ctl)
{
    IrContext *ctx = tr->ctx;
    const X86Insn *in = &tr->insn;
    IrTempIdx src = 0;

    if (in->op == X86_OP_CVTPI2PS || in->op == X86_OP_CVTPI2PD) {
        if (in->mod == 3) {
            ctl |= MMX_CTL_SRC_MM;
        } else {
            src = x86_gen_ld(tr, x86_ea(tr), 8);
        }
    } else if (in->mod != 3) {
        bool pd = in->op == X86_OP_CVTPD2PI || in->op == X86_OP_CVTTPD2PI;
        sse_src(tr, pd ? 16 : 8, pd);
        ctl |= MMX_CTL_SRC_TMP;
    }
    if (in->op != X86_OP_CVTPI2PS && in->op != X86_OP_CVTPI2PD) {
        gen_wait(tr);
    } else if (ctl & MMX_CTL_SRC_MM) {
        gen_wait(tr);
    }
    IrTempIdx r = call_mmx(tr, ctl, src);
    uint32_t ok = ir_label_new(ctx);
    ir_gen_brcond(ctx, IR_I64, IR_COND_EQ, r, x86_const(tr, 0), ok);
    x86_gen_exception(tr, X86_EXCP_XM);
    tr->end = false;
    ir_gen_set_label(ctx, ok);
}

bool x86_tr_mmx(X86Tr *tr)
{
    const X86Insn *in = &tr->insn;
    unsigned k0 = in->opnd[0], k1 = in->opnd[1];
    uint32_t ctl = (uint32_t)(in->reg & 15) << MMX_CTL_REG_SHIFT |
                   (uint32_t)(in->rm & 15) << MMX_CTL_RM_SHIFT;
    IrTempIdx src = 0;

    if (in->prefixes & X86_PFX_VEX) {
        return false;
    }
    if (in->imm_size) {
        ctl |= (uint32_t)in->imm & 0xff;
    }
    switch (in->op) {
    case X86_OP_CVTPI2PS: case X86_OP_CVTPI2PD: case X86_OP_CVTPS2PI:
    case X86_OP_CVTTPS2PI: case X86_OP_CVTPD2PI: case X86_OP_CVTTPD2PI:
        gen_convert(tr, ctl);
        return true;
    default:
        break;
    }
    gen_wait(tr);
    if (in->op == X86_OP_EMMS) {
        call_mmx(tr, 0, 0);
        return true;
    }
    if (in->op == X86_OP_MOVNTQ || ((in->op == X86_OP_MOVD || in->op == X86_OP_MOVQ) &&
                                    (k0 == X86_OPND_Ey || k0 == X86_OPND_Q))) {
        return gen_store(tr, ctl);
    }
    if (in->op == X86_OP_MASKMOVQ) {
        gen_maskmovq(tr, ctl);
        return true;
    }
    if (k0 == X86_OPND_N && k1 == X86_OPND_Ib) {
        ctl |= MMX_CTL_HAS_IMM | MMX_CTL_SRC_MM;      /* 0F 71..73 */
    } else if (k1 == X86_OPND_N || (k1 == X86_OPND_Q && in->mod == 3)) {
        ctl |= MMX_CTL_SRC_MM;
    } else if (k1 == X86_OPND_Q) {
        src = x86_gen_ld(tr, x86_ea(tr), 8);
    } else if (k1 == X86_OPND_Ey || k1 == X86_OPND_Ew) {
        src = x86_zext(tr, x86_load_opnd(tr, 1), x86_opnd_size(tr, 1));
    } else if (k1 != X86_OPND_U) {
        return false;
    }
    IrTempIdx r = call_mmx(tr, ctl, src);
    if (k0 == X86_OPND_Gd) {
        x86_store_reg(tr, in->reg, 4, r);               /* PEXTRW, PMOVMSKB */
    }
    return true;
}
