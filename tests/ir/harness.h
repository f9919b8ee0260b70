/*
 * harness.h — the fixed test machine that the IR conformance runner, the
 * random-IR differential tester and the interpreter unit test share: a CPU
 * state with named globals, 64 KiB of guest memory, a test TLB with RAM,
 * read-only, NOTDIRTY and MMIO pages, a few helpers, the table of backends
 * in this build, and a function that translates and runs TBs on one of
 * them. tests/ir/README.md describes the machine for test writers.
 */
#ifndef FERRY_TESTS_IR_HARNESS_H
#define FERRY_TESTS_IR_HARNESS_H

#include <stdbool.h>
#include <stdint.h>

#include "jit/backend.h"
#include "jit/cpu-common.h"
#include "jit/ir.h"

#define TH_NB_R 16                 /* i64 globals r0..r15 */
#define TH_NB_W 16                 /* i32 globals w0..w15 */
#define TH_NB_V 8                  /* v128 globals v0..v7 */

#define TH_MEM_BASE  0x10000u      /* guest RAM: 64 KiB */
#define TH_MEM_SIZE  0x10000u
#define TH_RO_PAGE   0x1e000u      /* softmmu: read-only RAM page */
#define TH_ND_PAGE   0x1f000u      /* softmmu: NOTDIRTY RAM page (holds "code") */
#define TH_MMIO_PAGE 0x30000u      /* softmmu: MMIO page; byte at a reads as a & 0xff */
#define TH_IOTLB     0x1234u       /* what tlb_fill records for the MMIO page */

#define TH_EXC_NONE  (-1)
#define TH_EXC_PAGE  14            /* tlb_fill found no mapping */
#define TH_EXC_ALIGN 17            /* IR_MO_ALIGN violated */

typedef struct TestCpu {
    JitCpu common;
    uint64_t r[TH_NB_R];
    uint32_t w[TH_NB_W];
    uint64_t v[TH_NB_V][2] __attribute__((aligned(16)));
    uint64_t tbsel;                /* global: which TB lookup_tb finds */
    /* Observations (not IR globals), checked by name in test files. */
    uint64_t fills;                /* tlb_fill calls */
    uint64_t io_count, io_addr, io_val, io_size;   /* io_write calls, last one */
    uint64_t nd_count, nd_addr;    /* NOTDIRTY hook calls, last address */
    uint64_t rpc;                  /* guest pc restored by jit_restore_state */
} TestCpu;

/* Register the globals (r*, w*, v*, tbsel) in a fresh context. */
void th_register_globals(IrContext *ctx);

/* Register the test helpers once per process (idempotent). */
void th_register_helpers(void);

typedef struct TestBackend {
    const char *name;
    JitBackend *be;
    /* Run before gen_code (e.g. liveness for native backends); NULL: none. */
    void (*prepare)(IrContext *ctx);
} TestBackend;

/* Every backend that can run on this build's host; [0] is the interpreter. */
extern const TestBackend th_backends[];
extern const unsigned th_nb_backends;

typedef enum ThStatus {
    TH_RAN,                        /* ran to exit_tb or to an exception */
    TH_UNSUPPORTED,                /* the backend cannot emit an op */
    TH_GEN_FAILED,                 /* any other gen_code error */
} ThStatus;

#define TH_MAX_TBS 4

/* One run: TBs to translate, chains to patch, and the state to start from. */
typedef struct ThRun {
    IrContext *tbs[TH_MAX_TBS];
    unsigned nb_tbs;
    int chain[TH_MAX_TBS][2];      /* TB i slot n -> TB index, -1 = unchained */
    JitMemMode mode;
    /* out */
    uint64_t ret;                  /* exit_tb value */
    int exception;                 /* TH_EXC_* */
    uint64_t fault_addr;
} ThRun;

/*
 * A zeroed test machine: memory is TH_MEM_SIZE bytes for TH_MEM_BASE. The
 * test TLB maps the memory of the last th_cpu_init (several CPUs may share
 * it; call this before starting threads).
 */
void th_cpu_init(TestCpu *cpu, uint8_t *mem, JitMemMode mode);
void th_cpu_free(TestCpu *cpu);

/*
 * Translate run->tbs with tb, patch the chains, and run from TB 0 on cpu
 * (whose memory is mem). The contexts must have globals registered by
 * th_register_globals; each TB must end in a block exit.
 */
ThStatus th_run(const TestBackend *tb, ThRun *run, TestCpu *cpu, uint8_t *mem);

#endif
