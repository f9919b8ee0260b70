/*
 * excl-link.c — the set of linked host pages, the handshake that puts
 * JIT_TLB_LINKED into every running CPU's TLB before a split atomic runs,
 * and the lock split atomics and linked stores share (see excl-link.h).
 *
 * Protocol: the linker adds its pages to the set and bumps link_gen under
 * jit_link_lock, releases the lock, kicks every running CPU whose
 * link_gen_seen is older (they leave chained code at the next TB entry)
 * and waits until each has run jit_link_sync (or is not running: it syncs
 * in cpu_exec_start before running code). Then it takes the lock and does
 * its read-modify-write; any store to those pages by another CPU now goes
 * through the store helper, which takes the same lock.
 */
#include "jit/excl-link.h"

#include <sched.h>

#include "jit/engine.h"

/* Host page addresses (0: free). Written under jit_link_lock, read
 * lock-free by TLB fills. */
static _Atomic uintptr_t link_page[JIT_LINK_MAX_PAGES];
/* The generation at which each page was linked. */
static uint64_t link_page_gen[JIT_LINK_MAX_PAGES] GUARDED_BY(jit_link_lock);
/* Bumped (seq_cst, under the lock) whenever the set changes. */
static _Atomic uint64_t link_gen;
static _Atomic int link_count;
static __thread bool link_held;

bool jit_link_held(void)
{
    return link_held;
}

bool jit_link_page_linked(uintptr_t host_page)
{
    if (!atomic_load_explicit(&link_count, memory_order_acquire)) {
        return false;
    }
    for (unsigned i = 0; i < JIT_LINK_MAX_PAGES; i++) {
        if (atomic_load_explicit(&link_page[i], memory_order_relaxed) == host_page) {
            return true;
        }
    }
    return false;
}

/* Re-tag one mmu mode's TLB: LINKED exactly on RAM pages in the set. */
static void sync_tlb(JitTlbEntry *tlb)
{
    for (unsigned i = 0; i < JIT_TLB_SIZE; i++) {
        JitTlbEntry *te = &tlb[i];
        if (te->addr_write & (JIT_TLB_INVALID | JIT_TLB_MMIO)) {
            continue;
        }
        uintptr_t hp = (uintptr_t)(te->addr_write & JIT_PAGE_MASK) + te->addend;
        if (jit_link_page_linked(hp)) {
            te->addr_write |= JIT_TLB_LINKED;
        } else {
            te->addr_write &= ~(uint64_t)JIT_TLB_LINKED;
        }
    }
}

void jit_link_sync(JitCpu *cpu)
{
    /* seq_cst: pairs with the linker's bump and read of `running`. */
    uint64_t gen = atomic_load(&link_gen);

    if (gen == atomic_load_explicit(&cpu->link_gen_seen, memory_order_relaxed)) {
        return;
    }
    jit_mutex_lock(&jit_link_lock);
    gen = atomic_load(&link_gen);
    if (cpu->mem_mode == JIT_MEM_SOFTMMU) {
        for (unsigned m = 0; m < JIT_NB_MMU_MODES; m++) {
            sync_tlb(cpu->tlb[m]);
        }
    }
    atomic_store_explicit(&cpu->link_gen_seen, gen, memory_order_release);
    jit_mutex_unlock(&jit_link_lock);
}

/* Link hp; returns the generation every CPU must have acknowledged. */
static uint64_t link_page_locked(uintptr_t hp) REQUIRES(jit_link_lock)
{
    int free_slot = -1;

    for (int i = 0; i < JIT_LINK_MAX_PAGES; i++) {
        uintptr_t p = atomic_load_explicit(&link_page[i], memory_order_relaxed);
        if (p == hp) {
            return link_page_gen[i];
        }
        if (!p && free_slot < 0) {
            free_slot = i;
        }
    }
    if (free_slot < 0) {
        /* Full: unlink everything (CPUs drop the flags at their next sync;
         * until then their stores merely take the slow path). No holder
         * is inside its atomic: that runs under this lock. */
        for (int i = 0; i < JIT_LINK_MAX_PAGES; i++) {
            atomic_store_explicit(&link_page[i], 0, memory_order_relaxed);
        }
        atomic_store(&link_count, 0);
        free_slot = 0;
    }
    atomic_store_explicit(&link_page[free_slot], hp, memory_order_relaxed);
    atomic_fetch_add(&link_count, 1);
    link_page_gen[free_slot] = atomic_fetch_add(&link_gen, 1) + 1;
    return link_page_gen[free_slot];
}

/* Whether every running CPU has acknowledged gen; kicks those that have
 * not, so that they reach a safe point soon. */
static bool all_acked(JitEngine *e, uint64_t gen) EXCLUDES(jit_cpu_list_lock)
{
    bool done = true;

    jit_mutex_lock(&jit_cpu_list_lock);
    for (guint i = 0; i < e->cpus->len; i++) {
        JitCpu *c = g_ptr_array_index(e->cpus, i);
        if (atomic_load(&c->running) &&
            atomic_load_explicit(&c->link_gen_seen, memory_order_acquire) < gen) {
            done = false;
            atomic_store_explicit(&c->exit_request, 1, memory_order_release);
        }
    }
    jit_mutex_unlock(&jit_cpu_list_lock);
    return done;
}

void jit_link_acquire(JitCpu *cpu, const uintptr_t hp[2])
{
    for (;;) {
        jit_mutex_lock(&jit_link_lock);
        uint64_t need = 0;
        /* A CPU outside any engine cannot reach the others for the
         * handshake: it only serializes with the other fallbacks. */
        for (int i = 0; i < 2 && cpu->engine; i++) {
            if (hp[i]) {
                uint64_t g = link_page_locked(hp[i]);
                need = g > need ? g : need;
            }
        }
        if (!need || all_acked(cpu->engine, need)) {
            link_held = true;
            return;
        }
        /* Wait without the lock: a CPU we wait for may be storing to a
         * linked page, which needs it. */
        jit_mutex_unlock(&jit_link_lock);
        do {
            jit_link_sync(cpu);
            sched_yield();
        } while (!all_acked(cpu->engine, need));
        /* Retry: the pages may have been unlinked meanwhile (set full). */
    }
}

void jit_link_release(JitCpu *cpu)
{
    (void)cpu;
    link_held = false;
    jit_mutex_unlock(&jit_link_lock);
}
