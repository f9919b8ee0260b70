/*
 * exec.c — the exec loop: find the TB for the CPU's state, chain the
 * previous TB to it, run it, and decode how it exited, until the CPU
 * must leave (exception, syscall, kick). Also the entry points generated
 * code calls back into (lookup_tb). Helpers leave generated code through
 * jit_cpu_loop_exit (jit/softmmu.c), which lands at the sigsetjmp here.
 */
#include "jit/engine.h"

#include "jit/softmmu.h"

void jit_cpu_kick(JitCpu *cpu)
{
    atomic_store_explicit(&cpu->exit_request, 1, memory_order_release);
}

const void *jit_lookup_tb_ptr(JitCpu *cpu)
{
    JitEngine *e = cpu->engine;
    uint64_t pc, cs_base;
    uint32_t flags;

    e->tr->get_tb_key(cpu, &pc, &cs_base, &flags);
    TbEntry *tb = jit_tb_find(e, cpu, pc, cs_base, flags, false);
    return tb ? (const void *)tb->code_rx : NULL;
}

/* Run TBs until something makes the CPU leave; see jit_cpu_exec. */
static int exec_tbs(JitEngine *e, JitCpu *cpu)
{
    TbEntry *last = NULL;
    unsigned slot = 0;
    uint64_t flushes = atomic_load_explicit(&e->stats.flushes, memory_order_relaxed);

    for (;;) {
        if (atomic_load_explicit(&cpu->exit_request, memory_order_acquire)) {
            atomic_store_explicit(&cpu->exit_request, 0, memory_order_relaxed);
            return JIT_EXCP_INTERRUPT;
        }
        if (cpu->exception >= 0) {
            int excp = cpu->exception;
            cpu->exception = -1;
            return excp;
        }
        uint64_t pc, cs_base;
        uint32_t flags;
        e->tr->get_tb_key(cpu, &pc, &cs_base, &flags);
        TbEntry *tb = jit_tb_find(e, cpu, pc, cs_base, flags, true);
        if (!tb) {
            continue;   /* the translator raised an exception: returned above */
        }
        /* A flush during that translation freed `last`'s code: never chain it. */
        uint64_t now = atomic_load_explicit(&e->stats.flushes, memory_order_relaxed);
        if (last && slot < 2 && now == flushes) {
            jit_tb_chain(e, last, (int)slot, tb);
        }
        flushes = now;
        if (e->log_mask & JIT_LOG_EXEC) {
            fprintf(e->log, "exec tb %p pc %#llx\n", (void *)tb, (unsigned long long)pc);
        }
        uintptr_t ret = e->backend->enter(e->backend, cpu, (const void *)tb->code_rx);
        last = (TbEntry *)(ret & ~(uintptr_t)JIT_EXIT_MASK);
        slot = ret & JIT_EXIT_MASK;
        if (slot == JIT_EXIT_REQUESTED) {
            last = NULL;
        }
    }
}

int jit_cpu_exec(JitEngine *e, JitCpu *cpu)
{
    int ret;

    rcu_read_lock();
    /*
     * Helpers leave generated code with siglongjmp back here (see
     * softmmu.h). Nothing is live across the jump: exec_tbs starts afresh
     * and the guest state was made exact before jumping.
     */
    if (sigsetjmp(cpu->jmp_env, 0) != 0 && cpu->exception >= 0) {
        ret = cpu->exception;
        cpu->exception = -1;
    } else {
        ret = exec_tbs(e, cpu);
    }
    rcu_read_unlock();
    return ret;
}
