/*
 * system.c — instructions that leave translated code or ask the host:
 * SYSCALL, INT3, UD0/UD1/UD2, HLT (privileged in user mode), CPUID, RDTSC,
 * and the NOP forms. CPUID reports the CPU model's features (cpu-model.c).
 */
#include "frontend-x86/translate.h"
#include "frontend-x86/cpu-model.h"

#include <time.h>

static unsigned helper_cpuid, helper_rdtsc;

/* CPUID of the process's CPU model (cpu-model.c): it reports only what
 * the translator implements. */
static void helper_x86_cpuid(void *env)
{
    X86Cpu *cpu = env;
    uint32_t r[4];                 /* eax, ebx, ecx, edx */

    x86_cpuid(x86_cpu_model_current(), (uint32_t)cpu->regs[X86_RAX],
              (uint32_t)cpu->regs[X86_RCX], r);
    cpu->regs[X86_RAX] = r[0];
    cpu->regs[X86_RBX] = r[1];
    cpu->regs[X86_RCX] = r[2];
    cpu->regs[X86_RDX] = r[3];
}

/* A monotonic nanosecond count stands for the TSC (1 GHz, invariant). */
static uint64_t helper_x86_rdtsc(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void x86_system_register_helpers(void)
{
    static const IrHelper cpuid = {
        .name = "x86_cpuid", .func = (void *)helper_x86_cpuid, .ret = IR_VOID,
        .nb_args = 1, .args = { IR_I64 }, .flags = 0,
    };
    static const IrHelper rdtsc = {
        .name = "x86_rdtsc", .func = (void *)helper_x86_rdtsc, .ret = IR_I64,
        .nb_args = 0, .flags = IR_CALL_NO_READ_GLOBALS | IR_CALL_NO_WRITE_GLOBALS,
    };
    if (!ir_helper_find(cpuid.name, &helper_cpuid)) {
        helper_cpuid = ir_helper_register(&cpuid);
        helper_rdtsc = ir_helper_register(&rdtsc);
    }
    ir_helper_find(rdtsc.name, &helper_rdtsc);
}

bool x86_tr_system(X86Tr *tr)
{
    IrContext *ctx = tr->ctx;

    switch (tr->insn.op) {
    case X86_OP_SYSCALL:
        if (tr->mode != X86_MODE_64) {
            return false;
        }
        x86_gen_exception_next(tr, X86_EXCP_SYSCALL);
        return true;
    case X86_OP_INT3:
        x86_gen_exception_next(tr, X86_EXCP_BP);
        return true;
    case X86_OP_HLT:
        x86_gen_exception(tr, X86_EXCP_GP);   /* privileged at CPL 3 */
        return true;
    case X86_OP_CPUID:
        ir_gen_call(ctx, helper_cpuid, 0, (IrTempIdx[]){ ctx->env });
        return true;
    case X86_OP_RDTSC: {
        IrTempIdx t = x86_tmp(tr), hi = x86_tmp(tr);
        ir_gen_call(ctx, helper_rdtsc, t, NULL);
        ir_gen_op2(ctx, IR_OP_shr, IR_I64, hi, t, x86_const(tr, 32));
        x86_store_reg(tr, X86_RAX, 4, t);
        x86_store_reg(tr, X86_RDX, 4, hi);
        return true;
    }
    case X86_OP_UD0: case X86_OP_UD1: case X86_OP_UD2:
        x86_gen_exception(tr, X86_EXCP_UD);
        return true;
    default:
        return false;
    }
}

/*
 * Instructions that fault at CPL 3 with #GP: I/O without IOPL, interrupt
 * flag changes, descriptor-table and control-register writes, MSRs, cache
 * and TLB control. The system emulator will give them their CPL 0 meaning.
 */
bool x86_tr_priv(X86Tr *tr)
{
    switch (tr->insn.op) {
    case X86_OP_INT1:
        /* #DB is a trap, but what a Linux program sees (the native oracle
         * on this host) is rip at the INT1 itself, so report it there. */
        x86_gen_exception(tr, X86_EXCP_DB);
        return true;
    case X86_OP_INT:
        /* INT n through a DPL 0 gate is #GP; Linux's 32-bit syscall gate
         * 0x80 has DPL 3 (linux-user runs the call, rip after the INT). */
        if ((tr->insn.imm & 0xff) == 0x80 && x86_tr_config.user_mode) {
            x86_gen_exception_next(tr, X86_EXCP_INT80);
            return true;
        }
        x86_gen_exception(tr, X86_EXCP_GP);
        return true;
    default:
        x86_gen_exception(tr, X86_EXCP_GP);
        return true;
    }
}

bool x86_tr_nop(X86Tr *tr)
{
    (void)tr;
    return true;
}
