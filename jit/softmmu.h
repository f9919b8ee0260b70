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

#endif
