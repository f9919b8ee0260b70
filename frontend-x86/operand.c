/*
 * operand.c — operand access for the translator: operand sizes, effective
 * addresses (ModRM/SIB, RIP-relative, moffs, segment bases), register reads
 * and writes with x86's partial-register rules, guest memory and the stack.
 */
#include "frontend-x86/translate.h"

#include <assert.h>

#include "jit/fatal.h"

unsigned x86_opnd_size(const X86Tr *tr, unsigned i)
{
    const X86Insn *in = &tr->insn;
    unsigned os = in->opsize;

    switch (in->opnd[i]) {
    case X86_OPND_Eb: case X86_OPND_Gb: case X86_OPND_Ib: case X86_OPND_Zb:
    case X86_OPND_AL: case X86_OPND_CL: case X86_OPND_Ob: case X86_OPND_Mb:
    case X86_OPND_Jb:
        return 1;
    case X86_OPND_Ew: case X86_OPND_Gw: case X86_OPND_Iw: case X86_OPND_AX:
    case X86_OPND_DX: case X86_OPND_Mw: case X86_OPND_Rw: case X86_OPND_Sw:
        return 2;
    case X86_OPND_Ed: case X86_OPND_Gd: case X86_OPND_Md:
        return 4;
    case X86_OPND_Eq: case X86_OPND_Gq: case X86_OPND_Mq:
        return 8;
    case X86_OPND_Ey: case X86_OPND_Gy: case X86_OPND_Ry:
        return os == 8 ? 8 : 4;
    case X86_OPND_Iz: case X86_OPND_Jz:
        return os == 2 ? 2 : 4;
    default:
        return os;                 /* v forms, Ibs, Iv, rAX, Zv, M */
    }
}

static bool is_mem(const X86Tr *tr)
{
    return tr->insn.has_modrm && tr->insn.mod != 3;
}

/* Default segment of the memory operand: SS for rSP/rBP bases, else DS. */
static int mem_segment(const X86Tr *tr)
{
    const X86Insn *in = &tr->insn;

    if (in->seg != X86_SEG_NONE) {
        return in->seg;
    }
    if (in->base == X86_RSP || in->base == X86_RBP) {
        return X86_SEG_SS;
    }
    return X86_SEG_DS;
}

/* Add the segment base where the mode uses one: only FS/GS in 64-bit mode. */
static IrTempIdx add_seg(X86Tr *tr, IrTempIdx addr, int seg)
{
    if (tr->mode == X86_MODE_64 && seg != X86_SEG_FS && seg != X86_SEG_GS) {
        return addr;
    }
    IrTempIdx t = x86_tmp(tr);
    ir_gen_op2(tr->ctx, IR_OP_add, IR_I64, t, addr, x86_g.seg_base[seg]);
    if (tr->mode != X86_MODE_64) {
        ir_gen_extract(tr->ctx, IR_I64, t, t, 0, 32);
    }
    return t;
}

/* Truncate an address to the instruction's address size. */
static IrTempIdx addr_trunc(X86Tr *tr, IrTempIdx a)
{
    unsigned as = tr->insn.addrsize;
    if (as == 8) {
        return a;
    }
    IrTempIdx t = x86_tmp(tr);
    ir_gen_extract(tr->ctx, IR_I64, t, a, 0, as * 8);
    return t;
}

IrTempIdx x86_ea(X86Tr *tr)
{
    const X86Insn *in = &tr->insn;
    IrContext *ctx = tr->ctx;

    if (tr->ea) {
        return tr->ea;
    }
    IrTempIdx a;
    if (in->opnd[0] == X86_OPND_Ob || in->opnd[0] == X86_OPND_Ov ||
        in->opnd[1] == X86_OPND_Ob || in->opnd[1] == X86_OPND_Ov) {
        a = x86_const(tr, (uint64_t)in->disp);
    } else if (in->rip_rel) {
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
            ir_gen_op2(ctx, IR_OP_shl, IR_I64, s, x86_g.regs[in->index],
                       x86_const(tr, in->scale));
            ir_gen_op2(ctx, IR_OP_add, IR_I64, t, a, s);
            a = t;
        }
    }
    a = addr_trunc(tr, a);
    tr->ea = add_seg(tr, a, mem_segment(tr));
    return tr->ea;
}

IrTempIdx x86_zext(X86Tr *tr, IrTempIdx v, unsigned size)
{
    if (size == 8) {
        return v;
    }
    IrTempIdx t = x86_tmp(tr);
    ir_gen_extract(tr->ctx, IR_I64, t, v, 0, size * 8);
    return t;
}

IrTempIdx x86_sext(X86Tr *tr, IrTempIdx v, unsigned size)
{
    if (size == 8) {
        return v;
    }
    IrTempIdx t = x86_tmp(tr);
    ir_gen_sextract(tr->ctx, IR_I64, t, v, 0, size * 8);
    return t;
}

/* AH, CH, DH, BH: byte registers 4..7 without any REX prefix. */
static bool is_high_byte(const X86Tr *tr, unsigned reg, unsigned size)
{
    return size == 1 && reg >= 4 && reg < 8 && !tr->insn.rex &&
           !(tr->insn.prefixes & X86_PFX_VEX);
}

IrTempIdx x86_load_reg(X86Tr *tr, unsigned reg, unsigned size)
{
    IrTempIdx t = x86_tmp(tr);

    if (is_high_byte(tr, reg, size)) {
        ir_gen_extract(tr->ctx, IR_I64, t, x86_g.regs[reg - 4], 8, 8);
    } else if (size == 8) {
        /* A snapshot, not the global itself: handlers read their operands
         * after writing the destination (flags of `add r14, r14`, BTS's
         * old bit), and the copy costs nothing after copy propagation. */
        ir_gen_mov(tr->ctx, IR_I64, t, x86_g.regs[reg]);
    } else {
        ir_gen_extract(tr->ctx, IR_I64, t, x86_g.regs[reg], 0, size * 8);
    }
    return t;
}

void x86_store_reg(X86Tr *tr, unsigned reg, unsigned size, IrTempIdx val)
{
    IrContext *ctx = tr->ctx;

    if (is_high_byte(tr, reg, size)) {
        IrTempIdx r = x86_g.regs[reg - 4];
        ir_gen_deposit(ctx, IR_I64, r, r, val, 8, 8);
    } else if (size == 8) {
        ir_gen_mov(ctx, IR_I64, x86_g.regs[reg], val);
    } else if (size == 4) {
        ir_gen_extract(ctx, IR_I64, x86_g.regs[reg], val, 0, 32);
    } else {
        IrTempIdx r = x86_g.regs[reg];
        ir_gen_deposit(ctx, IR_I64, r, r, val, 0, size * 8);
    }
}

IrTempIdx x86_gen_ld(X86Tr *tr, IrTempIdx addr, unsigned size)
{
    static const IrMemOp mo[9] = { [1] = IR_MO_8, [2] = IR_MO_16, [4] = IR_MO_32, [8] = IR_MO_64 };
    IrTempIdx t = x86_tmp(tr);
    ir_gen_guest_ld(tr->ctx, IR_I64, t, addr, mo[size], tr->mmu);
    return t;
}

void x86_gen_st(X86Tr *tr, IrTempIdx addr, unsigned size, IrTempIdx val)
{
    static const IrMemOp mo[9] = { [1] = IR_MO_8, [2] = IR_MO_16, [4] = IR_MO_32, [8] = IR_MO_64 };
    ir_gen_guest_st(tr->ctx, IR_I64, val, addr, mo[size], tr->mmu);
}

/* The general register an operand of register kind names. */
static unsigned opnd_reg(const X86Tr *tr, unsigned i)
{
    const X86Insn *in = &tr->insn;

    switch (in->opnd[i]) {
    case X86_OPND_Gb: case X86_OPND_Gw: case X86_OPND_Gd: case X86_OPND_Gv:
    case X86_OPND_Gy: case X86_OPND_Gq:
        return in->reg;
    case X86_OPND_Zb: case X86_OPND_Zv:
        return in->zreg;
    case X86_OPND_AL: case X86_OPND_AX: case X86_OPND_rAX:
        return X86_RAX;
    case X86_OPND_CL:
        return X86_RCX;
    case X86_OPND_DX:
        return X86_RDX;
    case X86_OPND_By:
        return in->vex_vvvv;
    default:
        return in->rm;             /* E and R forms with mod == 3 */
    }
}

static bool opnd_is_imm(const X86Tr *tr, unsigned i)
{
    switch (tr->insn.opnd[i]) {
    case X86_OPND_Ib: case X86_OPND_Ibs: case X86_OPND_Iw: case X86_OPND_Iz:
    case X86_OPND_Iv: case X86_OPND_ONE:
        return true;
    default:
        return false;
    }
}

static bool opnd_is_mem(const X86Tr *tr, unsigned i)
{
    switch (tr->insn.opnd[i]) {
    case X86_OPND_Ob: case X86_OPND_Ov:
        return true;
    case X86_OPND_Eb: case X86_OPND_Ew: case X86_OPND_Ed: case X86_OPND_Eq:
    case X86_OPND_Ev: case X86_OPND_Ey: case X86_OPND_M: case X86_OPND_Mb:
    case X86_OPND_Mw: case X86_OPND_Md: case X86_OPND_Mq:
        return is_mem(tr);
    default:
        return false;
    }
}

IrTempIdx x86_load_opnd(X86Tr *tr, unsigned i)
{
    unsigned size = x86_opnd_size(tr, i);

    if (tr->insn.opnd[i] == X86_OPND_ONE) {
        return x86_const(tr, 1);
    }
    if (opnd_is_imm(tr, i)) {
        /* The decoder sign-extended the immediate; it has the operand's
         * size (an imm32 of a 64-bit operation is sign-extended to 64). */
        uint64_t v = (uint64_t)tr->insn.imm;
        if (tr->insn.opnd[i] == X86_OPND_Iz) {
            size = tr->insn.opsize;
        }
        return x86_const(tr, size == 8 ? v : v & ((1ull << (size * 8)) - 1));
    }
    if (opnd_is_mem(tr, i)) {
        return x86_gen_ld(tr, x86_ea(tr), size);
    }
    return x86_load_reg(tr, opnd_reg(tr, i), size);
}

void x86_store_opnd(X86Tr *tr, unsigned i, IrTempIdx val)
{
    unsigned size = x86_opnd_size(tr, i);

    assert(!opnd_is_imm(tr, i));
    if (opnd_is_mem(tr, i)) {
        x86_gen_st(tr, x86_ea(tr), size, val);
    } else {
        x86_store_reg(tr, opnd_reg(tr, i), size, val);
    }
}

/* ---------------------------------------------------------------------- */
/* Stack                                                                   */

static unsigned stack_width(const X86Tr *tr)
{
    return tr->mode == X86_MODE_64 ? 8 : tr->mode == X86_MODE_32 ? 4 : 2;
}

static IrTempIdx stack_addr(X86Tr *tr, IrTempIdx rsp)
{
    if (tr->mode == X86_MODE_64) {
        return rsp;
    }
    IrTempIdx t = x86_zext(tr, rsp, stack_width(tr));
    return add_seg(tr, t, X86_SEG_SS);
}

void x86_push(X86Tr *tr, unsigned size, IrTempIdx val)
{
    IrTempIdx rsp = x86_tmp(tr);
    ir_gen_op2(tr->ctx, IR_OP_sub, IR_I64, rsp, x86_g.regs[X86_RSP], x86_const(tr, size));
    x86_gen_st(tr, stack_addr(tr, rsp), size, val);
    /* Written after the store so a faulting push leaves rsp unchanged. */
    x86_store_reg(tr, X86_RSP, stack_width(tr), rsp);
}

IrTempIdx x86_pop(X86Tr *tr, unsigned size)
{
    IrTempIdx v = x86_gen_ld(tr, stack_addr(tr, x86_g.regs[X86_RSP]), size);
    IrTempIdx rsp = x86_tmp(tr);
    ir_gen_op2(tr->ctx, IR_OP_add, IR_I64, rsp, x86_g.regs[X86_RSP], x86_const(tr, size));
    x86_store_reg(tr, X86_RSP, stack_width(tr), rsp);
    return v;
}
