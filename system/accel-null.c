/*
 * accel-null.c — the null accelerator: a vCPU with no guest code. exec takes
 * the pending interrupts (counting them), returns an injected exit if a test
 * asked for one, and otherwise halts, so the vCPU lifecycle (halt, kick,
 * queued work, pause, reset, triple fault) runs without the JIT.
 */
#include "system/vcpu.h"

#include <stdatomic.h>

typedef struct NullState {
    atomic_ullong execs;        /* written by the vCPU, read by anyone */
    atomic_ullong interrupts;
    atomic_int inject;          /* 1 + SysExecExit, or 0 */
    atomic_ullong resets;
} NullState;

static void null_init_vcpu(SysCPU *cpu)
{
    cpu->accel_state = g_new0(NullState, 1);
}

static SysExecExit null_exec(SysCPU *cpu)
{
    NullState *s = cpu->accel_state;
    unsigned irq = atomic_exchange(&cpu->interrupt_request, 0);
    int inj = atomic_exchange(&s->inject, 0);

    atomic_fetch_add(&s->execs, 1);
    if (irq) {
        atomic_fetch_add(&s->interrupts, __builtin_popcount(irq));
    }
    return inj ? (SysExecExit)(inj - 1) : SYS_EXEC_HALTED;
}

static void null_dump_state(SysCPU *cpu, GString *out)
{
    NullState *s = cpu->accel_state;

    g_string_append_printf(out,
                           "CPU#%d (null accelerator: no guest registers)\n"
                           "execs=%llu interrupts=%llu resets=%llu\n",
                           cpu->index, (unsigned long long)s->execs,
                           (unsigned long long)s->interrupts,
                           (unsigned long long)s->resets);
}

static void null_reset(SysCPU *cpu)
{
    NullState *s = cpu->accel_state;

    atomic_fetch_add(&s->resets, 1);
}

static void null_destroy_vcpu(SysCPU *cpu)
{
    g_free(cpu->accel_state);
    cpu->accel_state = NULL;
}

const SysAccelOps sys_null_accel = {
    .name = "null",
    .init_vcpu = null_init_vcpu,
    .exec = null_exec,
    .kick = NULL,               /* exec never blocks */
    .synchronize_state = NULL,  /* nothing is held elsewhere */
    .dump_state = null_dump_state,
    .reset = null_reset,
    .destroy_vcpu = null_destroy_vcpu,
};

void sys_null_accel_inject(SysCPU *cpu, SysExecExit exit)
{
    NullState *s = cpu->accel_state;

    atomic_store(&s->inject, (int)exit + 1);
    cpu->halted = false;            /* run exec again even if halted */
    sys_cpu_kick(cpu);
}

uint64_t sys_null_accel_execs(SysCPU *cpu)
{
    NullState *s = cpu->accel_state;

    return atomic_load(&s->execs);
}

uint64_t sys_null_accel_interrupts(SysCPU *cpu)
{
    NullState *s = cpu->accel_state;

    return atomic_load(&s->interrupts);
}
