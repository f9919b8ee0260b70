/*
 * cpu-common.h — the part of every guest CPU state that the JIT core and
 * generated code know about. A front end's CPU state struct begins with a
 * JitCpu; `env` (the fixed IR temp) points at it, so guest globals are
 * offsets from the start of the containing struct.
 *
 * Ownership: a JitCpu belongs to its vCPU / guest thread. Other threads
 * touch only the fields marked below (atomics, or under jit_cpu_list_lock);
 * the TLB is changed by its owner only (other CPUs' link requests are
 * applied by the owner at a safe point, jit/excl-link.c).
 */
#ifndef FERRY_JIT_CPU_COMMON_H
#define FERRY_JIT_CPU_COMMON_H

#include <setjmp.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "jit/ir.h"
#include "jit/thread-annot.h"

/* The CPU list lock: level 4 of the lock order in jit/engine.h. */
extern JitMutex jit_cpu_list_lock;

/* Guest pages are 4K whatever the host page size is. */
#define JIT_PAGE_BITS 12
#define JIT_PAGE_SIZE (1u << JIT_PAGE_BITS)
#define JIT_PAGE_MASK (~(uint64_t)(JIT_PAGE_SIZE - 1))

/* ---------------------------------------------------------------------- */
/* Softmmu TLB                                                             */

#define JIT_TLB_BITS 8
#define JIT_TLB_SIZE (1u << JIT_TLB_BITS)
#define JIT_NB_MMU_MODES 4

/*
 * Flags kept in the low (page-offset) bits of a TLB tag. Any flag makes the
 * inline compare fail, so the access takes the slow path, which looks at
 * the flags. The fast-path compare is
 *     (addr & (JIT_PAGE_MASK | (size - 1))) == tag
 * so a misaligned access within the low bits also misses (the slow path
 * handles accesses that cross a page).
 */
enum {
    JIT_TLB_INVALID  = 1u << 11,   /* entry empty */
    JIT_TLB_MMIO     = 1u << 10,   /* I/O: go through JitMemOps.io_* */
    JIT_TLB_NOTDIRTY = 1u << 9,    /* page holds translated code: invalidate on write */
    JIT_TLB_WATCH    = 1u << 8,    /* watchpoint */
    JIT_TLB_LINKED   = 1u << 7,    /* linked by a split atomic (excl-link.c) */
    JIT_TLB_FLAGS_MASK = 0xf80u,
};

/* One entry: 32 bytes, so index << 5 addresses it. */
typedef struct JitTlbEntry {
    uint64_t addr_read;            /* tag for loads: page | flags */
    uint64_t addr_write;           /* tag for stores */
    uint64_t addr_code;            /* tag for instruction fetch */
    uintptr_t addend;              /* host address = guest address + addend */
} JitTlbEntry;

_Static_assert(sizeof(JitTlbEntry) == 32, "TLB entry size is part of the fast path");

typedef enum JitAccess {
    JIT_ACCESS_READ,
    JIT_ACCESS_WRITE,
    JIT_ACCESS_CODE,
} JitAccess;

struct JitCpu;

/*
 * What a machine supplies for softmmu mode. tlb_fill either fills the
 * entry for addr (via jit_tlb_set_page) and returns, or raises a guest
 * exception and does not return (jit_cpu_loop_exit_restore). io_read and
 * io_write handle MMIO pages; `addr` is the guest virtual address and
 * `iotlb` what tlb_fill recorded for the page.
 */
typedef struct JitMemOps {
    void (*tlb_fill)(struct JitCpu *cpu, uint64_t addr, JitAccess access, unsigned mmu,
                     uintptr_t host_ra);
    uint64_t (*io_read)(struct JitCpu *cpu, uint64_t iotlb, uint64_t addr, unsigned size,
                        uintptr_t host_ra);
    void (*io_write)(struct JitCpu *cpu, uint64_t iotlb, uint64_t addr, uint64_t val,
                     unsigned size, uintptr_t host_ra);
} JitMemOps;

typedef enum JitMemMode {
    JIT_MEM_USER,                  /* host = guest + guest_base, faults are host signals */
    JIT_MEM_SOFTMMU,               /* per-CPU TLB */
} JitMemMode;

/* ---------------------------------------------------------------------- */
/* The common CPU header                                                    */

/* Exit codes returned by generated code (low bits of the returned word). */
enum {
    JIT_EXIT_GOTO_TB0 = 0,         /* left through goto_tb slot 0: chainable */
    JIT_EXIT_GOTO_TB1 = 1,         /* left through goto_tb slot 1: chainable */
    JIT_EXIT_REQUESTED = 2,        /* exit_request was seen at TB entry: nothing ran,
                                    * the exec loop sets the pc to the TB's start */
    JIT_EXIT_MASK = 3,
};

struct TbEntry;
struct JitJumpCache;
struct JitEngine;

/*
 * Per-CPU counters for -d stats, on the exec loop's hot path: written by
 * the owning thread only, with a relaxed load and store (no locked
 * read-modify-write, no shared cache line); other threads read them
 * relaxed when printing the statistics.
 */
typedef struct JitCpuStats {
    _Atomic uint64_t tb_enters;       /* TBs entered from the exec loop */
    _Atomic uint64_t jc_hits;         /* jit_tb_find answered by the jump cache */
    _Atomic uint64_t lookup_tb_calls; /* goto_ptr lookups (inline probe missed) */
} JitCpuStats;

static inline void jit_stat_inc(_Atomic uint64_t *c)
{
    atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + 1,
                          memory_order_relaxed);
}

typedef struct JitCpu {
    /* Read by generated code at every TB entry; written atomically by any
     * thread that wants this CPU to leave generated code (kick). */
    _Atomic int32_t exit_request;
    /* Set by jit_cpu_kick with exit_request: the exec loop returns
     * JIT_EXCP_INTERRUPT. An exit_request without it is internal (an
     * exclusive section or a link request) and the loop carries on. */
    atomic_bool kick_pending;
    /* Inside jit_cpu_exec and not parked (seq_cst; exec.c). */
    atomic_bool running;
    /* An exclusive section counted this CPU and waits for it to park. */
    bool has_waiter GUARDED_BY(jit_cpu_list_lock);
    /* Link generation whose TLB flags this CPU has applied (excl-link.c):
     * written by the owner (release), read by link holders (acquire). */
    _Atomic uint64_t link_gen_seen;
    /* Owner thread only from here on. */
    uint64_t linked_stores;        /* stores that took the link slow path */
    int32_t exception;             /* front end's exception number, -1 none */
    JitMemMode mem_mode;
    uint64_t guest_base;           /* user mode */
    JitTlbEntry *tlb[JIT_NB_MMU_MODES];   /* softmmu: JIT_TLB_SIZE entries each */
    uint64_t *iotlb[JIT_NB_MMU_MODES];    /* softmmu: per entry, machine data */
    const JitMemOps *mem_ops;      /* softmmu slow path */
    struct JitJumpCache *jmp_cache;
    sigjmp_buf jmp_env;            /* jit_cpu_loop_exit lands here */
    bool can_do_io;
    uint64_t fault_addr;           /* last guest fault address, for the front end */
    struct JitEngine *engine;      /* set by jit_cpu_register */
    JitCpuStats stats;
} JitCpu;

#endif /* FERRY_JIT_CPU_COMMON_H */
