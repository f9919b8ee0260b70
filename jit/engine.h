/*
 * engine.h — the JIT engine: one code buffer, one TB table and one backend
 * shared by all CPUs of a process or machine, plus the exec loop that runs a
 * CPU until something needs the outside world (exception, syscall, interrupt
 * request, halt). A front end plugs in through JitTranslator.
 *
 * Lock order (outermost first): tb_lock, then cpu_list_lock. Readers of the
 * TB table and of the host-pc map hold only an RCU read lock (or nothing, in a
 * signal handler: the host-pc map is append-only between flushes).
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
};

typedef struct JitStats {
    _Atomic uint64_t tbs_translated;
    _Atomic uint64_t flushes;
    _Atomic uint64_t chains;
    _Atomic uint64_t lookups;      /* TB lookups done by the exec loop */
    _Atomic uint64_t ir_ops;       /* IR ops after optimization */
    _Atomic uint64_t host_bytes;
} JitStats;

typedef struct JitEngine {
    JitBackend *backend;            /* immutable */
    const JitTranslator *tr;        /* immutable */
    unsigned log_mask;              /* immutable after setup */
    FILE *log;

    pthread_mutex_t tb_lock;
    JitCodeBuf *code;               /* contents and `used`: tb_lock */
    IrContext *ctx;                 /* tb_lock */
    struct cds_lfht *table;         /* RCU readers; writers hold tb_lock */
    GHashTable *pages;              /* guest page -> TbEntry list: tb_lock */

    /* TBs in code-address order, for host pc -> TB. Appended under tb_lock;
     * nb_by_code is published with release order and read with acquire. */
    TbEntry **by_code;
    size_t by_code_cap;
    _Atomic size_t nb_by_code;

    pthread_mutex_t cpu_list_lock;
    GPtrArray *cpus;                /* JitCpu* registered with the engine */

    uint32_t prologue_size;
    JitStats stats;
} JitEngine;

/* Create an engine with a code buffer of code_size bytes. Dies on failure. */
JitEngine *jit_engine_new(JitBackend *be, const JitTranslator *tr, size_t code_size,
                          JitWxMode wx);
void jit_engine_free(JitEngine *e);

/* Attach a CPU (its jump cache, TLB pointers are the caller's). */
void jit_cpu_register(JitEngine *e, JitCpu *cpu);
void jit_cpu_unregister(JitEngine *e, JitCpu *cpu);

/*
 * Run cpu until an exit; returns the front end's exception number, or a
 * JIT_EXCP_* value. The calling thread must be an RCU reader thread
 * (rcu_register_thread).
 */
int jit_cpu_exec(JitEngine *e, JitCpu *cpu);

/* Ask cpu to leave generated code at the next TB entry (any thread). */
void jit_cpu_kick(JitCpu *cpu);

/* Find or translate the TB for a key (tb_lock taken inside). NULL if the
 * translator could not fetch the code (cpu->exception set). */
TbEntry *jit_tb_lookup_or_translate(JitEngine *e, JitCpu *cpu, uint64_t pc,
                                    uint64_t cs_base, uint32_t flags);

/*
 * The exec loop's lookup: the CPU's jump cache, then the shared table, then
 * (if translate) a new translation. Caller holds the RCU read lock.
 */
TbEntry *jit_tb_find(JitEngine *e, JitCpu *cpu, uint64_t pc, uint64_t cs_base,
                     uint32_t flags, bool translate);
/* Patch goto_tb slot n of src to jump straight to dst (tb_lock inside). */
void jit_tb_chain(JitEngine *e, TbEntry *src, int n, TbEntry *dst);

/* Called by generated code for lookup_tb: the code of the TB for the
 * CPU's current state if already translated, else NULL. */
const void *jit_lookup_tb_ptr(JitCpu *cpu);

/* Invalidate every TB with guest code in [start, end). Any thread. */
void jit_tb_invalidate_range(JitEngine *e, uint64_t start, uint64_t end);

/*
 * Drop all translations and reset the code buffer. The caller guarantees
 * no CPU is executing generated code (all parked at safe points, or this
 * is the only thread).
 */
void jit_tb_flush(JitEngine *e);

/* The TB whose host code contains host_pc, or NULL. Lock-free. */
TbEntry *jit_tb_find_by_host_pc(JitEngine *e, uintptr_t host_pc);

/* Restore the guest state of cpu for a host pc inside generated code.
 * Returns false if host_pc is not in any TB. */
bool jit_restore_state_from(JitEngine *e, JitCpu *cpu, uintptr_t host_pc);
void jit_restore_state(JitCpu *cpu, uintptr_t host_pc);

#endif
