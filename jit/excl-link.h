/*
 * excl-link.h — link helpers for atomics the host cannot do in one
 * instruction (split across a cache line or page, 16 bytes without host
 * support, MMIO): DESIGN §6. The atomic links the host pages it touches;
 * every CPU's TLB entries for a linked page carry JIT_TLB_LINKED on their
 * write tag, so stores to it leave the inline fast path and serialize with
 * the link holder on jit_link_lock. Nobody stops: other CPUs apply a new
 * link to their TLB at their next safe point and carry on.
 */
#ifndef FERRY_JIT_EXCL_LINK_H
#define FERRY_JIT_EXCL_LINK_H

#include <stdbool.h>
#include <stdint.h>

#include "jit/cpu-common.h"
#include "jit/thread-annot.h"

/* Pages linked at once; linking one more when full unlinks them all. */
#define JIT_LINK_MAX_PAGES 32

/* Level 2 of the lock order in jit/engine.h: held while a fallback atomic
 * runs, and by a store to a linked page. Never held across a wait. */
extern JitMutex jit_link_lock;

/*
 * Take links on the host pages hp[0] and hp[1] (0: none; both 0 for MMIO
 * or user mode, which only serialize on the lock) and return holding
 * jit_link_lock, once every running CPU (the caller's included) has
 * JIT_TLB_LINKED on its TLB entries for them. Owner thread of cpu; cpu may
 * be inside a helper called by generated code. Links outlive the call:
 * the next atomic on the same pages waits for nobody. A CPU registered with
 * no engine links nothing (there is nobody it could make wait). The caller
 * must hold no lock that a running CPU may wait for inside a helper (the
 * BQL, a device lock): the handshake waits for every running CPU to reach
 * a safe point.
 */
void jit_link_acquire(JitCpu *cpu, const uintptr_t hp[2]) ACQUIRE(jit_link_lock);
void jit_link_release(JitCpu *cpu) RELEASE(jit_link_lock);

/* Whether this thread holds jit_link_lock (its own atomic is storing). */
bool jit_link_held(void);

/*
 * Bring cpu's TLB write tags up to date with the set of linked pages, and
 * acknowledge it. Owner thread, at a safe point (no TLB lookup in flight).
 * Costs one load and compare when nothing changed.
 */
void jit_link_sync(JitCpu *cpu) EXCLUDES(jit_link_lock);

/* Whether the host page starting at host_page is linked (lock-free, for
 * jit_tlb_set_page; a fill that races with a new link is fixed up by the
 * filling CPU's next jit_link_sync, which the link holder waits for). */
bool jit_link_page_linked(uintptr_t host_page);

#endif
