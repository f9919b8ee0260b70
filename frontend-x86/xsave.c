/*
 * xsave.c — the XSAVE feature set: XSAVE, XSAVEOPT, XSAVEC, XRSTOR on an
 * area of x87 + SSE state (xsave.h), and XGETBV/XSETBV. The instructions
 * copy the guest's 576-byte area into X86Cpu.xsave_image in IR (so a fault
 * on it is an ordinary guest memory fault at the instruction), let a helper
 * apply the instruction to that image and the CPU state, and copy the image
 * back (XSAVE*), leaving bytes the instruction does not write as they were.
 */
#include "frontend-x86/xsave.h"

#include <string.h>

#include "frontend-x86/sse-tr.h"

/* ---------------------------------------------------------------------- */
/* The area, in host memory                                                */

static uint64_t get64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static void put64(uint8_t *p, uint64_t v)
{
    memcpy(p, &v, 8);
}

static bool x87_is_init(const X86Cpu *cpu)
{
    const X86Fpu *f = &cpu->fpu;

    if (f->fcw != 0x37f || x87_get_fsw(cpu) != 0 || f->tag_used != 0 || f->fop != 0 ||
        f->fip != 0 || f->fdp != 0) {
        return false;
    }
    for (unsigned i = 0; i < 8; i++) {
        if (f->st[i].mant != 0 || f->st[i].se != 0) {
            return false;
        }
    }
    return true;
}

/*
 * XINUSE (SDM vol. 1 §13.6) as ferry tracks it: bit 0 unless the x87 state
 * is in its initial configuration (FCW 037FH, FSW 0, all tags empty, FOP,
 * FIP, FDP and every ST register 0), bit 1 unless all xmm registers are 0.
 * compact: bit 1 also when MXCSR is not 1F80H (what XSAVEC stores).
 */
static uint64_t xinuse(const X86Cpu *cpu, bool compact)
{
    uint64_t in_use = x87_is_init(cpu) ? 0 : 1;

    for (unsigned i = 0; i < 16; i++) {
        if (cpu->xmm[i].q[0] | cpu->xmm[i].q[1]) {
            in_use |= 2;
        }
    }
    if (compact && cpu->mxcsr != X86_MXCSR_DEFAULT) {
        in_use |= 2;               /* SDM: XSAVEC saves a non-default MXCSR */
    }
    return in_use;
}

/* The x87 component: bytes 0-23 and 32-159 of the legacy region. */
static bool x87_byte(unsigned off)
{
    return off < 24 || (off >= 32 && off < 160);
}

void x86_xsave_write(const X86Cpu *cpu, uint8_t *area, uint64_t rfbm, unsigned flags)
{
    bool compact = flags & X86_XSAVE_COMPACT;
    uint64_t in_use = xinuse(cpu, compact);
    uint64_t save = rfbm & X86_XCR0 & (compact ? in_use : ~0ull);
    unsigned nregs = flags & X86_XSAVE_XMM8 ? 8 : 16;

    rfbm &= X86_XCR0;
    if (save & 1) {
        uint8_t fx[512];
        x87_state_to_fxsave(cpu, fx);
        for (unsigned off = 0; off < 160; off++) {
            if (x87_byte(off)) {
                area[off] = fx[off];
            }
        }
    }
    if (save & 2) {
        /* MXCSR goes with RFBM[1] (or RFBM[2], never set with XCR0 = 3) */
        memcpy(area + 24, &cpu->mxcsr, 4);
        uint32_t mask = X86_MXCSR_WRITABLE;
        memcpy(area + 28, &mask, 4);
        memcpy(area + 160, cpu->xmm, 16 * nregs);
    }
    if (compact) {
        put64(area + X86_XSAVE_HDR, save);
        put64(area + X86_XSAVE_HDR + 8, rfbm | 1ull << 63);
    } else {
        uint64_t old = get64(area + X86_XSAVE_HDR);
        put64(area + X86_XSAVE_HDR, (old & ~rfbm) | (in_use & rfbm));
    }
}

/* The header checks of XRSTOR (SDM vol. 1 §13.8.1 and §13.8.2). */
static bool header_ok(const uint8_t *hdr)
{
    uint64_t xstate_bv = get64(hdr), xcomp_bv = get64(hdr + 8);

    if (!(xcomp_bv >> 63)) {
        return (xstate_bv & ~(uint64_t)X86_XCR0) == 0 && get64(hdr + 16) == 0 &&
               xcomp_bv == 0;
    }
    if ((xcomp_bv & ~(1ull << 63) & ~(uint64_t)X86_XCR0) != 0 ||
        (xstate_bv & ~xcomp_bv) != 0) {
        return false;
    }
    for (unsigned off = 16; off < 64; off += 8) {
        if (get64(hdr + off) != 0) {
            return false;
        }
    }
    return true;
}

/* The SSE registers in their initial configuration. */
static void xmm_init(X86Cpu *cpu, unsigned nregs)
{
    memset(cpu->xmm, 0, 16 * nregs);
}

/* The x87 initial configuration: FNINIT plus every register zeroed. */
static void x87_init(X86Cpu *cpu)
{
    x87_reset(cpu);
    memset(cpu->fpu.st, 0, sizeof(cpu->fpu.st));
}

bool x86_xsave_read(X86Cpu *cpu, const uint8_t *area, uint64_t rfbm, unsigned flags)
{
    const uint8_t *hdr = area + X86_XSAVE_HDR;
    uint64_t xstate_bv = get64(hdr);
    bool compact = get64(hdr + 8) >> 63;
    unsigned nregs = flags & X86_XSAVE_XMM8 ? 8 : 16;
    uint32_t mxcsr = cpu->mxcsr;

    rfbm &= X86_XCR0;
    if (!header_ok(hdr)) {
        return false;
    }
    if (rfbm & 2) {
        /* the standard form loads MXCSR whenever RFBM[1] (or [2]) is set;
         * the compacted form only with XSTATE_BV[1], else it is 1F80H */
        if (!compact || (xstate_bv & 2)) {
            memcpy(&mxcsr, area + 24, 4);
        } else {
            mxcsr = X86_MXCSR_DEFAULT;
        }
        if (mxcsr & ~(uint32_t)X86_MXCSR_WRITABLE) {
            return false;
        }
    }
    if (rfbm & 1) {
        if (xstate_bv & 1) {
            x87_state_from_fxsave(cpu, area);
        } else {
            x87_init(cpu);
        }
    }
    if (rfbm & 2) {
        if (xstate_bv & 2) {
            memcpy(cpu->xmm, area + 160, 16 * nregs);
        } else {
            xmm_init(cpu, nregs);
        }
        cpu->mxcsr = mxcsr;
    }
    return true;
}

/* ---------------------------------------------------------------------- */
/* Translation                                                             */

static unsigned helper_xsave, helper_xrstor;

static void h_xsave(void *env, uint64_t rax, uint32_t flags)
{
    X86Cpu *cpu = env;
    x86_xsave_write(cpu, cpu->xsave_image, rax, flags);   /* EDX: XCR0 has no high bits */
}

static uint32_t h_xrstor(void *env, uint64_t rax, uint32_t flags)
{
    X86Cpu *cpu = env;
    return !x86_xsave_read(cpu, cpu->xsave_image, rax, flags);
}

void x86_xsave_register_helpers(void)
{
    /* they touch the x87/SSE state and xsave_image in env, no globals */
    static const IrHelper save = {
        .name = "x86_xsave", .func = (void *)h_xsave, .ret = IR_VOID, .nb_args = 3,
        .args = { IR_I64, IR_I64, IR_I32 },
        .flags = IR_CALL_NO_READ_GLOBALS | IR_CALL_NO_WRITE_GLOBALS,
    };
    static const IrHelper rstor = {
        .name = "x86_xrstor", .func = (void *)h_xrstor, .ret = IR_I32, .nb_args = 3,
        .args = { IR_I64, IR_I64, IR_I32 },
        .flags = IR_CALL_NO_READ_GLOBALS | IR_CALL_NO_WRITE_GLOBALS,
    };
    if (!ir_helper_find(save.name, &helper_xsave)) {
        helper_xsave = ir_helper_register(&save);
    }
    if (!ir_helper_find(rstor.name, &helper_xrstor)) {
        helper_xrstor = ir_helper_register(&rstor);
    }
}

/* #GP unless the area is 64-byte aligned. */
static void check_align64(X86Tr *tr, IrTempIdx ea)
{
    IrContext *ctx = tr->ctx;
    uint32_t ok = ir_label_new(ctx);

    ir_gen_brcond(ctx, IR_I64, IR_COND_TSTEQ, ea, x86_const(tr, 63), ok);
    x86_gen_exception(tr, X86_EXCP_GP);
    tr->end = false;
    ir_gen_set_label(ctx, ok);
}

/* Copy the guest's area into xsave_image, or xsave_image back out. */
static void copy_area(X86Tr *tr, IrTempIdx ea, bool out)
{
    IrContext *ctx = tr->ctx;
    const int32_t img = (int32_t)offsetof(X86Cpu, xsave_image);

    for (unsigned off = 0; off < X86_XSAVE_AREA_SIZE; off += 16) {
        IrTempIdx addr = x86_tmp(tr), v = ir_temp_new(ctx, IR_V128);
        ir_gen_op2(ctx, IR_OP_add, IR_I64, addr, ea, x86_const(tr, off));
        if (out) {
            ir_gen_ld(ctx, IR_V128, v, ctx->env, img + (int32_t)off, IR_MO_128);
            ir_gen_guest_st(ctx, IR_V128, v, addr, IR_MO_128, tr->mmu);
        } else {
            ir_gen_guest_ld(ctx, IR_V128, v, addr, IR_MO_128, tr->mmu);
            ir_gen_st(ctx, IR_V128, v, ctx->env, img + (int32_t)off, IR_MO_128);
        }
    }
}

/* XGETBV: ECX = 0 reads XCR0; XGETBV1 (ECX = 1) is not advertised, so
 * every other ECX is #GP. */
static void gen_xgetbv(X86Tr *tr)
{
    IrContext *ctx = tr->ctx;
    uint32_t ok = ir_label_new(ctx);

    ir_gen_brcond(ctx, IR_I64, IR_COND_EQ, x86_load_reg(tr, X86_RCX, 4), x86_const(tr, 0), ok);
    x86_gen_exception(tr, X86_EXCP_GP);
    tr->end = false;
    ir_gen_set_label(ctx, ok);
    tr->ea = 0;
    x86_store_reg(tr, X86_RAX, 4, x86_const(tr, X86_XCR0));
    x86_store_reg(tr, X86_RDX, 4, x86_const(tr, 0));
}

bool x86_tr_xsave(X86Tr *tr)
{
    IrContext *ctx = tr->ctx;
    unsigned op = tr->insn.op;
    uint32_t flags = (op == X86_OP_XSAVEC ? X86_XSAVE_COMPACT : 0) |
                     (tr->mode != X86_MODE_64 ? X86_XSAVE_XMM8 : 0);

    switch (op) {
    case X86_OP_XGETBV:
        gen_xgetbv(tr);
        return true;
    case X86_OP_XSETBV:
        x86_gen_exception(tr, X86_EXCP_GP);    /* CPL 0 only */
        return true;
    case X86_OP_XSAVE: case X86_OP_XSAVEOPT: case X86_OP_XSAVEC: {
        IrTempIdx ea = sse_ea(tr);
        check_align64(tr, ea);
        copy_area(tr, ea, false);
        ir_gen_call(ctx, helper_xsave, 0,
                    (IrTempIdx[]){ ctx->env, x86_g.regs[X86_RAX], ir_const_i32(ctx, flags) });
        copy_area(tr, ea, true);
        return true;
    }
    case X86_OP_XRSTOR: {
        IrTempIdx ea = sse_ea(tr), r = ir_temp_new(ctx, IR_I32);
        check_align64(tr, ea);
        copy_area(tr, ea, false);
        ir_gen_call(ctx, helper_xrstor, r,
                    (IrTempIdx[]){ ctx->env, x86_g.regs[X86_RAX], ir_const_i32(ctx, flags) });
        uint32_t ok = ir_label_new(ctx);
        ir_gen_brcond(ctx, IR_I32, IR_COND_EQ, r, ir_const_i32(ctx, 0), ok);
        x86_gen_exception(tr, X86_EXCP_GP);
        tr->end = false;
        ir_gen_set_label(ctx, ok);
        return true;
    }
    default:
        return false;
    }
}
