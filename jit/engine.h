/*
 * engine.h — the JIT engine: one code buffer, one TB table and one backend
 * shared by all CPUs of a process or machine, plus the exec loop that runs a
 * CPU until something needs the outside world (exception, syscall, interrupt
 * request, halt). A front end plugs in through JitTranslator.
 *
 * Lock order (outermost first; a thread may skip levels, never go back up):
 *   1. an exclusive section (jit_exclusive_start: not a mutex, but whoever
 *      holds one waits for every running CPU, so it is taken holding none
 *      of the locks below, and a running CPU only parks holding none)
 *   2. jit_link_lock     a split atomic, or a store to a linked page
 *                        (excl-link.c); held briefly, never across a wait
 *   3. jit_tb_lock       translation, TB table writes, chaining, invalidation
 *                        (2 and 3 are never held together today: a split
 *                        atomic that stores into a code page reports it
 *                        after releasing jit_link_lock)
 *   4. jit_cpu_list_lock the CPU list, running/has_waiter, exclusive state
 * glib's and liburcu's internal locks are leaves. Readers of the TB table
 * and of the host-pc map hold only an RCU read lock (or nothing, in a signal
 * handler: the host-pc map is append-only between flushes). A CPU inside
 * jit_cpu_exec holds the RCU read lock while it runs TBs and leaves it to
 * park, so an exclusive section may wait for a grace period; a running CPU
 * that loops in chained code holds it until kicked.
 *
 * The locks are process-wide rather than per engine: clang's analysis of C
 * cannot name a sibling field in GUARDED_BY, and a process has one engine.
 */
#ifndef FERRY_JIT_ENGINE_H
#define FERRY_JIT_ENGINE_H

#include <glib.h>
#include <pthread.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdint.h>

#include "jit/backend.h"
#include "jit/codebuf.h"
#include "jit/cpu-common.h"
#include "jit/ir.h"
#include "jit/tb.h"
#include "jit/thread-annot.h"

/* Level 3 of the lock order above. */
extern JitMutex jit_tb_lock;

/* What a front end provides. */
typedef struct JitTranslator {
    /* Register the front end's globals in a fresh context (once per context). */
    void (*init_context)(IrContext *ctx);
    /* The key of the TB to run next for the CPU's current state. */
    void (*get_tb_key)(JitCpu *cpu, uint64_t *pc, uint64_t *cs_base, uint32_t *flags);
    /*
     * Translate the guest code at tb->pc into ctx (already reset). Must set
     * tb->guest_size and tb->page[]. Returns 0, or -1 when the code cannot
     * be fetched; then cpu->exception says why and the exec loop returns it.
     * May use the TB's address (exit_tb values) but not its code fields.
     */
    int (*translate)(JitCpu *cpu, TbEntry *tb, IrContext *ctx);
    /* Set the guest state for the instruction whose insn_start words are data. */
    void (*restore_state)(JitCpu *cpu, const TbEntry *tb, const uint64_t data[2]);
} JitTranslator;

/* Values jit_cpu_exec returns besides the front end's exception numbers. */
enum {
    JIT_EXCP_INTERRUPT = 0x10000,  /* exit_request was set (kick) */
    JIT_EXCP_HALTED    = 0x10001,
};

/* Debug logging of what is translated, selected with -d. */
enum {
    JIT_LOG_OP      = 1 << 0,      /* IR before optimization */
    JIT_LOG_OP_OPT  = 1 << 1,      /* IR after optimization */
    JIT_LOG_OUT_ASM = 1 << 2,      /* host code, through capstone */
    JIT_LOG_EXEC    = 1 << 3,      /* every TB entered */
    JIT_LOG_UNIMP   = 1 << 4,      /* unimplemented instructions and syscalls */
    JIT_LOG_IN_ASM  = 1 << 5,      /* guest code of each TB translated */
    JIT_LOG_STATS   = 1 << 6,      /* counters at exit (jit_stats_print) */
};

typedef struct JitStats {
    _Atomic uint64_t tbs_translated;
    _Atomic uint64_t flushes;
    _Atomic uint64_t chains;
    _Atomic uint64_t lookups;      /* jump cache misses: shared-table lookups */
    _Atomic uint64_t ir_ops;       /* IR ops after optimization */
    _Atomic uint64_t host_bytes;
    _Atomic uint64_t guest_insns;  /* guest instructions translated */
    _Atomic uint64_t translate_ns; /* time spent translating (under jit_tb_lock) */
} JitStats;

typedef struct JitEngine {
    JitBackend *backend;            /* immutable */
    const JitTranslator *tr;        /* immutable */
    unsigned log_mask;              /* immutable after setup */
    FILE *log;

    JitCodeBuf *code PT_GUARDED_BY(jit_tb_lock);   /* contents and `used` */
    IrContext *ctx PT_GUARDED_BY(jit_tb_lock);
    struct cds_lfht *table;         /* RCU readers; writers hold jit_tb_lock */
    /* TBs ever added to table: bumped with release order after each add
     * (under jit_tb_lock), never reset, so a translator that read it before
     * a failed lookup and finds it unchanged under the lock can skip the
     * second lookup. */
    _Atomic uint64_t nb_table_adds;
    GHashTable *pages PT_GUARDED_BY(jit_tb_lock);  /* guest page -> TbEntry list */

    /* TBs in code-address order, for host pc -> TB. Appended under
     * jit_tb_lock; nb_by_code is published with release order and read
     * with acquire. */
    TbEntry **by_code;
    size_t by_code_cap;
    _Atomic size_t nb_by_code;

    /* JitCpu* registered with the engine. */
    GPtrArray *cpus PT_GUARDED_BY(jit_cpu_list_lock);

    /* Exclusive sections (exec.c). pending_cpus is written under
     * jit_cpu_list_lock and read without it (seq_cst) at safe points: 0 no
     * section, else 1 + the CPUs the section still waits for. */
    _Atomic int pending_cpus;
    pthread_cond_t exclusive_cond;  /* the section's owner waits here */
    pthread_cond_t exclusive_resume;/* parked CPUs wait here */
    /* A translation found the code buffer full: the next safe point
     * flushes in an exclusive section. */
    atomic_bool flush_pending;
    /* Parallel mode (docs/memory-model.md): translations order guest
     * accesses for other threads to observe. Written by
     * jit_engine_set_parallel before its flush; read by translators under
     * jit_tb_lock (the flush's lock orders the two). */
    atomic_bool parallel;

    uint32_t prologue_size;
    JitStats stats;
    uint64_t start_ns;              /* CLOCK_MONOTONIC at creation; immutable */
    /* Per-CPU counters of CPUs already unregistered. */
    JitCpuStats cpus_gone GUARDED_BY(jit_cpu_list_lock);
} JitEngine;

/* Create an engine with a code buffer of code_size bytes. Dies on failure. */
JitEngine *jit_engine_new(JitBackend *be, const JitTranslator *tr, size_t code_size,
                          JitWxMode wx);
void jit_engine_free(JitEngine *e);

/* Attach a CPU (its jump cache, TLB pointers are the caller's). */
void jit_cpu_register(JitEngine *e, JitCpu *cpu) EXCLUDES(jit_cpu_list_lock);
/* Detach it; the caller's thread must not be inside an RCU read section. */
void jit_cpu_unregister(JitEngine *e, JitCpu *cpu) EXCLUDES(jit_cpu_list_lock);

/*
 * Run cpu until an exit; returns the front end's exception number, or a
 * JIT_EXCP_* value. The calling thread must be an RCU reader thread
 * (rcu_register_thread) and hold none of the engine's locks.
 */
int jit_cpu_exec(JitEngine *e, JitCpu *cpu) EXCLUDES(jit_tb_lock, jit_cpu_list_lock);

/* Ask cpu to leave generated code at the next TB entry and jit_cpu_exec
 * to return JIT_EXCP_INTERRUPT (any thread). */
void jit_cpu_kick(JitCpu *cpu);

/*
 * Exclusive section: on return every other registered CPU is parked at a
 * safe point (between TBs in the exec loop, or outside jit_cpu_exec) and
 * stays there until jit_exclusive_end. `self` is the calling thread's own
 * CPU when it is inside jit_cpu_exec (it counts as parked meanwhile), else
 * NULL. Must not be called holding any engine lock, nor from inside a
 * helper called by generated code with self NULL (that CPU could never
 * park); a helper passes its own CPU (user mode's split atomics do) and
 * must not leave the section with a non-local exit. Sections of
 * different threads run one after the other.
 */
void jit_exclusive_start(JitEngine *e, JitCpu *self) EXCLUDES(jit_tb_lock, jit_cpu_list_lock);
void jit_exclusive_end(JitEngine *e, JitCpu *self) EXCLUDES(jit_tb_lock, jit_cpu_list_lock);

/*
 * Find or translate the TB for a key (jit_tb_lock taken inside). NULL if
 * the translator could not fetch the code (cpu->exception set), or if the
 * code buffer is full (cpu->exception < 0): then a flush is pending, and
 * the exec loop runs it in an exclusive section at its next safe point.
 */
TbEntry *jit_tb_lookup_or_translate(JitEngine *e, JitCpu *cpu, uint64_t pc,
                                    uint64_t cs_base, uint32_t flags) EXCLUDES(jit_tb_lock);

/*
 * The exec loop's lookup: the CPU's jump cache, then the shared table, then
 * (if translate) a new translation. Caller holds the RCU read lock.
 */
TbEntry *jit_tb_find(JitEngine *e, JitCpu *cpu, uint64_t pc, uint64_t cs_base,
                     uint32_t flags, bool translate);
/* Patch goto_tb slot n of src to jump straight to dst (jit_tb_lock inside). */
void jit_tb_chain(JitEngine *e, TbEntry *src, int n, TbEntry *dst) EXCLUDES(jit_tb_lock);

/*
 * Emit IR for an indirect jump to guest pc `pc` (an i64 value the caller has
 * also stored where get_tb_key reads it): probe this CPU's jump cache inline
 * for a TB with that pc and the given cs_base and flags and jump straight to
 * its code; otherwise lookup_tb + goto_ptr. Ends the basic block. The probe
 * reads the jump cache and TbEntry fields without locks: entries are
 * published with release stores and TbEntry structs outlive the RCU read
 * section the exec loop holds.
 */
void jit_gen_goto_indirect(IrContext *ctx, IrTempIdx pc, uint64_t cs_base, uint32_t flags);

/* Called by generated code for lookup_tb: the code of the TB for the
 * CPU's current state if already translated, else NULL. */
const void *jit_lookup_tb_ptr(JitCpu *cpu);

/* Invalidate every TB with guest code in [start, end). Any thread. */
void jit_tb_invalidate_range(JitEngine *e, uint64_t start, uint64_t end)
    EXCLUDES(jit_tb_lock);

/*
 * Drop all translations and reset the code buffer, in an exclusive section
 * (jit_exclusive_start with self NULL: not from a thread inside
 * jit_cpu_exec). TbEntry structs are freed after a grace period.
 */
void jit_tb_flush(JitEngine *e) EXCLUDES(jit_tb_lock);

/* The same, by a caller already in an exclusive section (or before any CPU
 * runs). */
void jit_tb_flush_exclusive(JitEngine *e) EXCLUDES(jit_tb_lock);

/*
 * Enter (on) or leave parallel mode: set the flag translators read and,
 * when it changes, flush every translation (jit_tb_flush: an exclusive
 * section, so not from a thread inside jit_cpu_exec) so that no TB
 * translated in the other mode survives.
 */
void jit_engine_set_parallel(JitEngine *e, bool on) EXCLUDES(jit_tb_lock);

/* Whether TBs translated now must be in parallel mode (translators). */
static inline bool jit_engine_parallel(JitEngine *e)
{
    return atomic_load_explicit(&e->parallel, memory_order_relaxed);
}

/* The TB whose host code contains host_pc, or NULL. Lock-free. */
TbEntry *jit_tb_find_by_host_pc(JitEngine *e, uintptr_t host_pc);

/*
 * Print the engine's counters and the sum of every CPU's (registered ones
 * and those gone) to f, one `name: value` line each (integers, for
 * scripts such as bench/run): translation counts and time, chaining and
 * lookups. Any thread; the counts of CPUs still running are a snapshot.
 */
void jit_stats_print(JitEngine *e, FILE *f) EXCLUDES(jit_cpu_list_lock);

/* sum += c, field by field (the caller owns sum; c is read relaxed). */
void jit_stats_add(JitCpuStats *sum, const JitCpuStats *c);

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t jit_clock_ns(void);

/* Restore the guest state of cpu for a host pc inside generated code.
 * Returns false if host_pc is not in any TB. */
/* Restore cpu's guest pc to the start of tb, whose code it left at entry
 * without running anything (JIT_EXIT_REQUESTED): a TB entered through a
 * chained goto_tb has not had its pc stored by its predecessor. */
void jit_tb_restore_entry(JitEngine *e, JitCpu *cpu, const TbEntry *tb);
bool jit_restore_state_from(JitEngine *e, JitCpu *cpu, uintptr_t host_pc);
void jit_restore_state(JitCpu *cpu, uintptr_t host_pc);

#endif
