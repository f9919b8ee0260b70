/*
 * exec.c — the exec loop: find the TB for the CPU's state, chain the
 * previous TB to it, run it, and decode how it exited, until the CPU
 * must leave (exception, syscall, kick). Between TBs is the safe point
 * where a CPU parks for exclusive sections, applies link requests and runs
 * a pending flush. Also the entry points generated code calls back into
 * (lookup_tb). Helpers leave generated code through jit_cpu_loop_exit
 * (jit/softmmu.c), which lands at the sigsetjmp here.
 */
#include "jit/engine.h"

#include "jit/excl-link.h"
#include "jit/softmmu.h"
#include "jit/tsan.h"

void jit_cpu_kick(JitCpu *cpu)
{
    atomic_store(&cpu->kick_pending, true);
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

/* ---------------------------------------------------------------------- */
/* Exclusive sections, after QEMU's start_exclusive/cpu_exec_start: a     */
/* CPU is `running` inside jit_cpu_exec except while parked. The section  */
/* owner publishes pending_cpus, then reads every `running`; a CPU stores */
/* `running`, then reads pending_cpus. Both seq_cst, so at least one of   */
/* them sees the other (Dekker).                                          */

/* The CPU enters jit_cpu_exec or leaves a park: wait out a section that
 * did not count it, then apply link requests made meanwhile. */
static void cpu_exec_start(JitEngine *e, JitCpu *cpu) EXCLUDES(jit_cpu_list_lock)
{
    atomic_store(&cpu->running, true);
    if (atomic_load(&e->pending_cpus)) {
        jit_mutex_lock(&jit_cpu_list_lock);
        if (!cpu->has_waiter) {
            atomic_store(&cpu->running, false);
            while (atomic_load(&e->pending_cpus)) {
                jit_cond_wait(&e->exclusive_resume, &jit_cpu_list_lock);
            }
            atomic_store(&cpu->running, true);
        }
        /* else a section counted us: it waits for our cpu_exec_end, which
         * comes at the next safe point (we were kicked). */
        jit_mutex_unlock(&jit_cpu_list_lock);
    }
    jit_link_sync(cpu);
}

/* The CPU leaves jit_cpu_exec or parks: tell a waiting section. */
static void cpu_exec_end(JitEngine *e, JitCpu *cpu) EXCLUDES(jit_cpu_list_lock)
{
    atomic_store(&cpu->running, false);
    if (atomic_load(&e->pending_cpus)) {
        jit_mutex_lock(&jit_cpu_list_lock);
        if (cpu->has_waiter) {
            cpu->has_waiter = false;
            if (atomic_fetch_sub(&e->pending_cpus, 1) == 2) {
                pthread_cond_signal(&e->exclusive_cond);
            }
        }
        jit_mutex_unlock(&jit_cpu_list_lock);
    }
}

void jit_exclusive_start(JitEngine *e, JitCpu *self)
{
    if (self) {
        cpu_exec_end(e, self);
    }
    jit_mutex_lock(&jit_cpu_list_lock);
    while (atomic_load(&e->pending_cpus)) {
        jit_cond_wait(&e->exclusive_resume, &jit_cpu_list_lock);
    }
    atomic_store(&e->pending_cpus, 1);
    int waiting = 0;
    for (guint i = 0; i < e->cpus->len; i++) {
        JitCpu *cpu = g_ptr_array_index(e->cpus, i);
        if (cpu != self && atomic_load(&cpu->running)) {
            cpu->has_waiter = true;
            waiting++;
            atomic_store_explicit(&cpu->exit_request, 1, memory_order_release);
        }
    }
    atomic_fetch_add(&e->pending_cpus, waiting);
    while (atomic_load(&e->pending_cpus) > 1) {
        jit_cond_wait(&e->exclusive_cond, &jit_cpu_list_lock);
    }
    jit_mutex_unlock(&jit_cpu_list_lock);
}

void jit_exclusive_end(JitEngine *e, JitCpu *self)
{
    jit_mutex_lock(&jit_cpu_list_lock);
    atomic_store(&e->pending_cpus, 0);
    pthread_cond_broadcast(&e->exclusive_resume);
    jit_mutex_unlock(&jit_cpu_list_lock);
    if (self) {
        cpu_exec_start(e, self);
    }
}

/*
 * The safe point between TBs: no TB of this CPU is running and it holds no
 * lock. Park for an exclusive section, run a requested flush, apply link
 * requests. Returns true if a kick asks jit_cpu_exec to return.
 */
static bool safe_point(JitEngine *e, JitCpu *cpu)
{
    bool kicked = false;

    if (atomic_load_explicit(&cpu->exit_request, memory_order_acquire)) {
        atomic_store(&cpu->exit_request, 0);
        kicked = atomic_exchange(&cpu->kick_pending, false);
    }
    if (!atomic_load(&e->pending_cpus) && !atomic_load(&e->flush_pending)) {
        jit_link_sync(cpu);
        return kicked;
    }
    /* Leave the RCU read section while parked, so that grace periods (TBs
     * freed after a flush) do not wait for a section to end. The exec loop
     * keeps no TbEntry across this except `last`, which it does not touch
     * after a flush. */
    JIT_TSAN_READER_DONE();
    rcu_read_unlock();
    if (atomic_load(&e->pending_cpus)) {
        cpu_exec_end(e, cpu);
        cpu_exec_start(e, cpu);
    }
    if (atomic_load(&e->flush_pending)) {
        jit_exclusive_start(e, cpu);
        if (atomic_load(&e->flush_pending)) {
            jit_tb_flush_exclusive(e);
        }
        jit_exclusive_end(e, cpu);
    }
    rcu_read_lock();
    jit_link_sync(cpu);
    return kicked;
}

/* ---------------------------------------------------------------------- */
/* The loop                                                                */

/* Run TBs until something makes the CPU leave; see jit_cpu_exec. */
static int exec_tbs(JitEngine *e, JitCpu *cpu)
{
    TbEntry *last = NULL;
    unsigned slot = 0;
    uint64_t flushes = atomic_load_explicit(&e->stats.flushes, memory_order_relaxed);

    for (;;) {
        if (safe_point(e, cpu)) {
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
            continue;   /* an exception (returned above) or a pending flush */
        }
        /* A flush since `last` ran freed its code: never chain it. Flushes
         * happen only while this CPU is in safe_point (parked, or flushing
         * itself), so the counter cannot change between here and the chain. */
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

    cpu_exec_start(e, cpu);         /* may wait: outside the read section */
    rcu_read_lock();
    /*
     * Helpers leave generated code with siglongjmp back here (see
     * softmmu.h). Nothing is live across the jump: exec_tbs starts afresh
     * and the guest state was made exact before jumping. Helpers never
     * park or take a lock they keep across the jump.
     */
    if (sigsetjmp(cpu->jmp_env, 0) != 0 && cpu->exception >= 0) {
        ret = cpu->exception;
        cpu->exception = -1;
    } else {
        ret = exec_tbs(e, cpu);
    }
    JIT_TSAN_READER_DONE();
    rcu_read_unlock();
    cpu_exec_end(e, cpu);
    return ret;
}
