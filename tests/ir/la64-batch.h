/*
 * la64-batch.h — runs many IR test cases on the loongarch64 backend in one
 * standalone executable under qemu-loongarch64: each case's TBs are
 * translated into one code blob after the backend's prologue, its CPU state
 * (TestCpu image) and 64 KiB of guest memory go to the data block, and a
 * startup routine emitted here runs every case and writes the data block
 * back to stdout. Used by tests/ir/run-la64.c, fuzz-la64.c and x86-la64.c.
 *
 * Calls out of generated code go to stand-ins emitted into the executable
 * (la64_call_target_hook): the test helpers h_add3, h_mix32, h_sum6 and
 * h_set_r0 of tests/ir/harness.c, and jit_lookup_tb_ptr, which finds TB
 * number `tbsel` of the running case (so lookup_tb assumes a TestCpu
 * state), and the softmmu slow paths jit_ld_helper, jit_st_helper, their
 * _128 forms, jit_atomic_rmw_helper and jit_atomic_cmpxchg_helper for RAM
 * (no faults, no MMIO). Any other helper makes gen_code report JIT_ERR_UNSUPPORTED.
 */
#ifndef FERRY_TESTS_IR_LA64_BATCH_H
#define FERRY_TESTS_IR_LA64_BATCH_H

#include <glib.h>
#include <stdbool.h>

#include "tests/ir/harness.h"

typedef struct La64BatchCase {
    size_t env_off, env_size, ret_off, mem_off;   /* in the data block */
    size_t table_off;                   /* lookup_tb's table: count, entries */
    size_t tlb_off;                     /* softmmu: the TLB, 0 in user mode */
    size_t entry;                       /* word index of TB 0 in the code */
    size_t tb[TH_MAX_TBS];              /* word index of each TB */
    unsigned nb_tbs;
} La64BatchCase;

/* One executable being assembled. Single-threaded test use only. */
typedef struct La64Batch {
    GArray *code;            /* uint32_t words: B startup, prologue, TBs */
    GByteArray *data;
    GArray *cases;           /* La64BatchCase */
    GByteArray *result;      /* the data block as the program wrote it back */
} La64Batch;

void la64_batch_init(La64Batch *b);
void la64_batch_free(La64Batch *b);

/*
 * Translate tbs[0..n) (prepared: opt_run already applied) for user mode,
 * patch chain[t][slot] (TB index or -1), and queue the case with initial
 * CPU state env[0..env_size) (a struct that begins with JitCpu; its
 * guest_base is set at run time) and TH_MEM_SIZE bytes of guest memory at
 * TH_MEM_BASE. softmmu: generate softmmu code; the case gets a TLB (every
 * mmu index) that maps exactly the RAM pages, and the slow paths reach
 * stand-ins that access RAM directly. TH_RAN when queued, TH_UNSUPPORTED
 * or TH_GEN_FAILED otherwise (nothing queued).
 */
ThStatus la64_batch_add(La64Batch *b, IrContext *const *tbs, unsigned n,
                        const int chain[][2], const void *env, size_t env_size,
                        const uint8_t *mem, bool softmmu);

/* Number of queued cases. */
static inline unsigned la64_batch_count(const La64Batch *b) { return b->cases->len; }

/*
 * Write the executable and run it under qemu (timeout_s seconds). True
 * when it exited 0 having written the whole data block; else *why says what
 * happened (static string or formatted into why_buf).
 */
bool la64_batch_run(La64Batch *b, const char *qemu, unsigned timeout_s, char *why, size_t len);

/* After a successful run: case i's final state (env_size bytes, memory,
 * the exit_tb word). */
void la64_batch_result(const La64Batch *b, unsigned i, void *env, uint8_t *mem,
                       uint64_t *ret);

#endif
