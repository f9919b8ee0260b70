/*
 * misc.c — the remaining general-purpose instructions: MOVBE, PUSHF/POPF,
 * ENTER, XLAT, and the fences (LFENCE, SFENCE, MFENCE) with the cache
 * hints that have no architectural effect in user mode.
 */
#include "frontend-x86/translate.h"

static unsigned helper_pushf, helper_popf;

static uint64_t helper_x86_pushf(void *env)
{
    /* RF and VM always read as 0 in the pushed image. */
    return x86_cpu_get_eflags(env) & ~(uint64_t)0x30000;
}

/* POPF at CPL 3: OSZAPC, TF, DF, NT, AC, ID change; IF and IOPL do not. */
static void helper_x86_popf(void *env, uint64_t v, uint32_t size)
{
    X86Cpu *cpu = env;
    uint64_t mask = X86_OSZAPC | X86_TF | X86_DF | 0x4000 /* NT */ | X86_AC | X86_ID;
    if (size == 2) {
        mask &= 0xffff;
    }
    uint64_t old = x86_cpu_get_eflags(cpu);
    x86_cpu_set_eflags(cpu, (old & ~mask) | (v & mask));
}

void x86_misc_register_helpers(void)
{
    static const IrHelper pushf = {
        .name = "x86_pushf", .func = (void *)helper_x86_pushf, .ret = IR_I64, .nb_args = 1,
        .args = { IR_I64 }, .flags = IR_CALL_NO_WRITE_GLOBALS,
    };
    static const IrHelper popf = {
        .name = "x86_popf", .func = (void *)helper_x86_popf, .ret = IR_VOID, .nb_args = 3,
        .args = { IR_I64, IR_I64, IR_I32 }, .flags = 0,
    };
    if (!ir_helper_find(pushf.name, &helper_pushf)) {
        helper_pushf = ir_helper_register(&pushf);
        helper_popf = ir_helper_register(&popf);
    }
    ir_helper_find(popf.name, &helper_popf);
}

static unsigned stack_op_size(const X86Tr *tr)
{
    if (tr->mode == X86_MODE_64) {
        return tr->insn.opsize == 2 ? 2 : 8;
    }
    return tr->insn.opsize;
}

bool x86_tr_pushf(X86Tr *tr)
{
    IrTempIdx f = x86_tmp(tr);
    ir_gen_call(tr->ctx, helper_pushf, f, (IrTempIdx[]){ tr->ctx->env });
    x86_push(tr, stack_op_size(tr), f);
    return true;
}

bool x86_tr_popf(X86Tr *tr)
{
    unsigned size = stack_op_size(tr);
    IrTempIdx v = x86_pop(tr, size);
    ir_gen_call(tr->ctx, helper_popf, 0,
                (IrTempIdx[]){ tr->ctx->env, v, ir_const_i32(tr->ctx, size) });
    tr->cc_static = -1;
    return true;
}

bool x86_tr_movbe(X86Tr *tr)
{
    static const IrMemOp mo[9] = { [2] = IR_MO_16, [4] = IR_MO_32, [8] = IR_MO_64 };
    unsigned size = tr->insn.opsize;
    IrTempIdx addr = x86_ea(tr);

    if (tr->insn.mod == 3) {
        return false;
    }
    if (tr->insn.opcode == 0xf0) {                /* MOVBE Gv, Mv */
        IrTempIdx v = x86_tmp(tr);
        ir_gen_guest_ld(tr->ctx, IR_I64, v, addr, mo[size] | IR_MO_BSWAP, tr->mmu);
        x86_store_reg(tr, tr->insn.reg, size, v);
    } else {                                      /* MOVBE Mv, Gv */
        ir_gen_guest_st(tr->ctx, IR_I64, x86_load_reg(tr, tr->insn.reg, size), addr,
                        mo[size] | IR_MO_BSWAP, tr->mmu);
    }
    return true;
}

bool x86_tr_enter(X86Tr *tr)
{
    IrContext *ctx = tr->ctx;
    unsigned size = stack_op_size(tr);
    unsigned width = tr->mode == X86_MODE_64 ? 8 : 4;
    unsigned level = tr->insn.imm2 & 31;
    uint64_t alloc = (uint64_t)tr->insn.imm & 0xffff;

    x86_push(tr, size, x86_g.regs[X86_RBP]);
    IrTempIdx frame = ir_temp_new_tb(ctx, IR_I64);
    ir_gen_mov(ctx, IR_I64, frame, x86_g.regs[X86_RSP]);
    if (level > 0) {
        /* Copy level - 1 outer frame pointers, then push the new frame. */
        IrTempIdx bp = x86_tmp(tr);
        ir_gen_mov(ctx, IR_I64, bp, x86_g.regs[X86_RBP]);
        for (unsigned i = 1; i < level; i++) {
            ir_gen_op2(ctx, IR_OP_sub, IR_I64, bp, bp, x86_const(tr, size));
            x86_push(tr, size, x86_gen_ld(tr, x86_zext(tr, bp, width), size));
        }
        x86_push(tr, size, frame);
    }
    x86_store_reg(tr, X86_RBP, size, frame);
    IrTempIdx rsp = x86_tmp(tr);
    ir_gen_op2(ctx, IR_OP_sub, IR_I64, rsp, x86_g.regs[X86_RSP], x86_const(tr, alloc));
    x86_store_reg(tr, X86_RSP, width, rsp);
    return true;
}

bool x86_tr_xlat(X86Tr *tr)
{
    IrContext *ctx = tr->ctx;
    IrTempIdx a = x86_tmp(tr), al = x86_load_reg(tr, X86_RAX, 1);
    int seg = tr->insn.seg != X86_SEG_NONE ? tr->insn.seg : X86_SEG_DS;

    ir_gen_op2(ctx, IR_OP_add, IR_I64, a, x86_g.regs[X86_RBX], al);
    a = x86_zext(tr, a, tr->insn.addrsize);
    if (tr->mode != X86_MODE_64 || seg == X86_SEG_FS || seg == X86_SEG_GS) {
        IrTempIdx t = x86_tmp(tr);
        ir_gen_op2(ctx, IR_OP_add, IR_I64, t, a, x86_g.seg_base[seg]);
        a = t;
    }
    x86_store_reg(tr, X86_RAX, 1, x86_gen_ld(tr, a, 1));
    return true;
}

/* In parallel mode the TB's accesses are `tso` (translate.c), which orders
 * every pair LFENCE and SFENCE would (MOVNT stores included: they are
 * ordinary stores here); docs/memory-model.md. */
bool x86_tr_fence(X86Tr *tr)
{
    bool tso = jit_engine_parallel(tr->cpu->engine) && !x86_tr_config.unordered;

    switch (tr->insn.op) {
    case X86_OP_MFENCE:
        ir_gen_mb(tr->ctx, IR_MB_ALL);
        return true;
    case X86_OP_LFENCE:
        if (!tso) {
            ir_gen_mb(tr->ctx, IR_MB_LD_LD | IR_MB_LD_ST);
        }
        return true;
    case X86_OP_SFENCE:
        if (!tso) {
            ir_gen_mb(tr->ctx, IR_MB_ST_ST);
        }
        return true;
    default:
        /* CLFLUSH, CLFLUSHOPT, CLWB: no effect a user program can see. */
        return true;
    }
}
