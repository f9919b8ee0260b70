/*
 * softmmu.h — guest memory access from C: the slow paths that generated
 * code calls on a TLB miss (softmmu) and the accessors the interpreter
 * uses for every access, in both memory modes. Also TLB maintenance and
 * the non-local exit out of generated code.
 *
 * `ra` is the host return address inside generated code (or, for the
 * interpreter, the address of the op being executed inside its code in the
 * code buffer): on a fault the guest state is restored from it through the
 * TB's insn_start data. 0 means "state is already exact".
 */
#ifndef FERRY_JIT_SOFTMMU_H
#define FERRY_JIT_SOFTMMU_H

#include <stdint.h>

#include "jit/cpu-common.h"
#include "jit/ir.h"

/* Pack a memop and mmu index into one helper argument, and back. */
static inline uint32_t jit_make_oi(IrMemOp mo, unsigned mmu) { return mo | (mmu << 16); }
static inline IrMemOp jit_oi_memop(uint32_t oi) { return oi & 0xffff; }
static inline unsigned jit_oi_mmu(uint32_t oi) { return oi >> 16; }

/*
 * Loads return the value extended per the memop (sign or zero) to 64 bits,
 * byte-swapped if IR_MO_BSWAP. 128-bit accesses use the _128 forms with the
 * value as two little-endian halves (lo, hi).
 */
uint64_t jit_ld_helper(JitCpu *cpu, uint64_t addr, uint32_t oi, uintptr_t ra);
void jit_st_helper(JitCpu *cpu, uint64_t addr, uint64_t val, uint32_t oi, uintptr_t ra);
void jit_ld128_helper(JitCpu *cpu, uint64_t addr, uint32_t oi, uintptr_t ra, uint64_t out[2]);
void jit_st128_helper(JitCpu *cpu, uint64_t addr, const uint64_t val[2], uint32_t oi,
                      uintptr_t ra);

/* Atomics (fallback path; native backends inline the fast path). */
typedef enum JitAtomicOp {
    JIT_ATOMIC_XCHG, JIT_ATOMIC_ADD, JIT_ATOMIC_AND, JIT_ATOMIC_OR, JIT_ATOMIC_XOR,
} JitAtomicOp;
uint64_t jit_atomic_cmpxchg_helper(JitCpu *cpu, uint64_t addr, uint64_t cmp, uint64_t nv,
                                   uint32_t oi, uintptr_t ra);
uint64_t jit_atomic_rmw_helper(JitCpu *cpu, uint64_t addr, uint64_t val, JitAtomicOp op,
                               uint32_t oi, uintptr_t ra);
void jit_atomic_cmpxchg128_helper(JitCpu *cpu, uint64_t addr, const uint64_t cmp[2],
                                  const uint64_t nv[2], uint32_t oi, uintptr_t ra,
                                  uint64_t old[2]);

/* TLB maintenance (owner thread only). */
void jit_tlb_init(JitCpu *cpu);
void jit_tlb_free(JitCpu *cpu);
void jit_tlb_flush(JitCpu *cpu);
void jit_tlb_flush_page(JitCpu *cpu, uint64_t vaddr);
/*
 * Install a 4K mapping for vaddr in mmu mode `mmu`. host is the host address
 * of the page for RAM (NULL for MMIO); prot is a mask of 1 << JitAccess;
 * flags are extra JIT_TLB_* bits; iotlb is passed back to io_read/io_write.
 */
void jit_tlb_set_page(JitCpu *cpu, uint64_t vaddr, void *host, unsigned prot, unsigned mmu,
                      unsigned flags, uint64_t iotlb);

/*
 * Leave generated code and return to the exec loop's sigsetjmp point.
 * The _restore form first restores the guest state for host address ra.
 * Safe because generated code holds no resources: everything it had in
 * host registers is either dead or recovered from ra (DESIGN §2, §5).
 */
_Noreturn void jit_cpu_loop_exit(JitCpu *cpu);
_Noreturn void jit_cpu_loop_exit_restore(JitCpu *cpu, uintptr_t ra);

/*
 * The interpreter does not call helpers from generated code, so a helper's
 * own return address means nothing there: before each call it stores the
 * `ra` of the call op here (0 otherwise; jit_cpu_loop_exit clears it).
 * Helpers that may raise a guest exception take their ra with JIT_GETPC(),
 * which works under every backend.
 */
extern __thread uintptr_t jit_interp_helper_ra;
#define JIT_GETPC() \
    (jit_interp_helper_ra ? jit_interp_helper_ra : (uintptr_t)__builtin_return_address(0))

/* ---------------------------------------------------------------------- */
/* Hooks between this layer and the rest of the system                     */

/*
 * Provided by the exec layer (jit/tbcache.c): restore the guest state of
 * the instruction whose generated code contains host_pc, from the TB's
 * insn_start data. host_pc is a return-address-like value: it lies strictly
 * after the start of the faulting op and at or before its end (native
 * backends pass the return address of the helper call; the interpreter the
 * address just past the op it is executing).
 */
void jit_restore_state(JitCpu *cpu, uintptr_t host_pc);

/*
 * Called after a store to a page mapped with JIT_TLB_NOTDIRTY (it holds
 * translated code) has been done, with the guest address and size written.
 * The exec layer sets it once at init, before any vCPU runs; NULL ignores
 * such stores. It may invalidate TBs, change the TLB entry, or leave
 * generated code through jit_cpu_loop_exit (precise self-modifying code).
 */
extern void (*jit_notdirty_hook)(JitCpu *cpu, uint64_t addr, unsigned size);

/*
 * Called for an access with IR_MO_ALIGN at a misaligned address, before
 * any memory is touched. Set once at init by the front end; must raise the
 * guest's alignment exception and not return (jit_cpu_loop_exit_restore).
 * If it is NULL, or returns, ferry dies.
 */
extern void (*jit_unaligned_hook)(JitCpu *cpu, uint64_t addr, JitAccess access,
                                  unsigned mmu, uintptr_t ra);

/*
 * User mode: called on the CPU's own thread, inside a helper, around the
 * fallback of an atomic the host cannot do in one instruction (begin
 * true before it touches memory, false after). linux-user parks every
 * other guest thread there (jit_exclusive_start with this CPU), since no
 * TLB can divert their stores (DESIGN §6). Set once at init; NULL: the
 * fallback is atomic only with respect to other fallbacks. A hook rather
 * than a call so that softmmu.c does not pull the exec loop into programs
 * that replace it (the IR test harness).
 */
extern void (*jit_user_exclusive_hook)(JitCpu *cpu, bool begin);

/*
 * User mode: the `ra` of the guest access a C helper of this file is doing
 * on this thread, 0 outside one. A host SIGSEGV whose pc is not in the code
 * buffer uses it to find the faulting guest instruction.
 */
extern __thread uintptr_t jit_user_access_ra;

#endif
