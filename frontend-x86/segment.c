/*
 * segment.c — segment-register moves in 64-bit user mode: MOV r/m, Sreg,
 * MOV Sreg, r/m, PUSH/POP FS and GS. Selectors are the X86Cpu.seg_sel
 * values (CS 0x33, SS 0x2b, the others 0 at exec, as Linux sets them); a
 * load is checked against the descriptors Linux's x86-64 GDT gives CPL 3
 * (below) and raises #GP for any other selector, which the process sees as
 * SIGSEGV. In 64-bit mode only FS and GS have a base: loading either sets
 * it to 0 (the flat descriptors' base; a null selector clears it too on
 * the AMD CPU these were measured on). The system emulator will load real
 * descriptors instead.
 */
#include "frontend-x86/translate.h"

static unsigned helper_seg_check;

/*
 * Whether a CPL 3 program may load selector sel into segment register seg
 * (X86Seg) under Linux x86-64: no LDT; GDT entries 4 (user 32-bit code,
 * readable), 5 (user data), 6 (user 64-bit code, readable) and 15 (the
 * per-CPU data segment) have DPL 3; the rest are kernel or system
 * descriptors, or empty TLS slots. SS takes only the user data segment
 * with RPL 3 (null SS is #GP at CPL 3); the data segment registers also
 * take a null selector with any RPL. Measured on the host: tests/x86.
 */
static uint64_t helper_x86_seg_check(uint64_t seg, uint64_t sel)
{
    unsigned index = (sel & 0xffff) >> 3;

    if (seg == X86_SEG_SS) {
        return (sel & 0xffff) == 0x2b;
    }
    if (sel & 4) {
        return 0;                  /* LDT: none */
    }
    return index < 16 && ((0x8071u >> index) & 1);
}

void x86_segment_register_helpers(void)
{
    static const IrHelper check = {
        .name = "x86_seg_check", .func = (void *)helper_x86_seg_check, .ret = IR_I64,
        .nb_args = 2, .args = { IR_I64, IR_I64 },
        .flags = IR_CALL_NO_READ_GLOBALS | IR_CALL_NO_WRITE_GLOBALS,
    };
    if (!ir_helper_find(check.name, &helper_seg_check)) {
        helper_seg_check = ir_helper_register(&check);
    }
}

static int32_t sel_off(unsigned seg)
{
    return (int32_t)(offsetof(X86Cpu, seg_sel) + 2 * seg);
}

static IrTempIdx load_sel(X86Tr *tr, unsigned seg)
{
    IrTempIdx v = x86_tmp(tr);
    ir_gen_ld(tr->ctx, IR_I64, v, tr->ctx->env, sel_off(seg), IR_MO_16);
    return v;
}

/* Load segment register seg with the selector in sel (#GP if Linux gives
 * CPL 3 no such descriptor). undo_rsp: a TB temp holding rsp to put back
 * before the #GP (POP has already moved it), or 0. */
static void load_segment(X86Tr *tr, unsigned seg, IrTempIdx sel, IrTempIdx undo_rsp)
{
    IrContext *ctx = tr->ctx;
    IrTempIdx s = ir_temp_new_tb(ctx, IR_I64), ok = x86_tmp(tr);
    uint32_t good = ir_label_new(ctx);

    ir_gen_op2(ctx, IR_OP_and, IR_I64, s, sel, x86_const(tr, 0xffff));
    ir_gen_call(ctx, helper_seg_check, ok, (IrTempIdx[]){ x86_const(tr, seg), s });
    ir_gen_brcond(ctx, IR_I64, IR_COND_NE, ok, x86_const(tr, 0), good);
    if (undo_rsp) {
        ir_gen_mov(ctx, IR_I64, x86_g.regs[X86_RSP], undo_rsp);
    }
    x86_gen_exception(tr, X86_EXCP_GP);
    tr->end = false;
    ir_gen_set_label(ctx, good);
    tr->ea = 0;
    ir_gen_st(ctx, IR_I64, s, ctx->env, sel_off(seg), IR_MO_16);
    if (seg == X86_SEG_FS || seg == X86_SEG_GS) {
        ir_gen_mov(ctx, IR_I64, x86_g.seg_base[seg], x86_const(tr, 0));
    }
}

bool x86_tr_mov_seg(X86Tr *tr)
{
    const X86Insn *in = &tr->insn;
    unsigned seg = (in->modrm >> 3) & 7;   /* REX.R does not extend Sreg */

    if (tr->mode != X86_MODE_64) {
        return false;
    }
    if (in->opnd[1] == X86_OPND_Sw) {
        /* to a register: zero-extended to the operand size; to memory:
         * always 16 bits */
        IrTempIdx v = load_sel(tr, seg);
        if (in->mod == 3) {
            x86_store_reg(tr, in->rm, in->opsize, v);
        } else {
            x86_gen_st(tr, x86_ea(tr), 2, v);
        }
        return true;
    }
    IrTempIdx v = in->mod == 3 ? x86_load_reg(tr, in->rm, 2) : x86_gen_ld(tr, x86_ea(tr), 2);
    load_segment(tr, seg, v, 0);
    return true;
}

bool x86_tr_push_seg(X86Tr *tr, unsigned size)
{
    unsigned seg = tr->insn.opnd[0] == X86_OPND_FS ? X86_SEG_FS : X86_SEG_GS;

    if (tr->mode != X86_MODE_64) {
        return false;
    }
    x86_push(tr, size, load_sel(tr, seg));   /* zero-extended, as on the host */
    return true;
}

bool x86_tr_pop_seg(X86Tr *tr, unsigned size)
{
    IrContext *ctx = tr->ctx;
    unsigned seg = tr->insn.opnd[0] == X86_OPND_FS ? X86_SEG_FS : X86_SEG_GS;

    if (tr->mode != X86_MODE_64) {
        return false;
    }
    IrTempIdx old = ir_temp_new_tb(ctx, IR_I64);
    ir_gen_mov(ctx, IR_I64, old, x86_g.regs[X86_RSP]);
    load_segment(tr, seg, x86_pop(tr, size), old);
    return true;
}
