/*
 * test-engine-threads.c — the engine under several host threads, through
 * the toy guest: concurrent translation of shared and private blocks,
 * chaining into TBs that are being invalidated, full flushes run as
 * exclusive sections while other CPUs execute, the exclusive section
 * itself, and the link helpers of DESIGN §6 (split atomics racing plain
 * stores). Expected values follow from the toy programs.
 */
#include <check.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <urcu.h>

#include "jit/engine.h"
#include "jit/excl-link.h"
#include "jit/softmmu.h"
#include "jit/tsan.h"

#include "tests/unit/toy-guest.h"

#define MAX_THREADS 4

/* One guest CPU on its own host thread; runs `pcs` in turn, each until
 * its exit, and records the exits. */
typedef struct Runner {
    JitEngine *e;
    ToyCpu cpu;
    uint64_t pcs[2];
    uint64_t r1;                    /* loop bound for the program */
    uint64_t r3;                    /* an address for the program */
    int ret[2];
    pthread_barrier_t *start;
    int done;                       /* set (release) when the programs ended */
} Runner;

static void *runner_main(void *p)
{
    Runner *r = p;

    rcu_register_thread();
    toy_cpu_init(r->e, &r->cpu);
    if (r->start) {
        pthread_barrier_wait(r->start);
    }
    for (int i = 0; i < 2 && r->pcs[i]; i++) {
        r->cpu.pc = r->pcs[i];
        r->cpu.r[1] = r->r1;
        r->cpu.r[3] = r->r3;
        r->ret[i] = jit_cpu_exec(r->e, &r->cpu.jit);
    }
    __atomic_store_n(&r->done, 1, __ATOMIC_RELEASE);
    toy_cpu_fini(r->e, &r->cpu);
    rcu_unregister_thread();
    return NULL;
}

static void run_all(Runner *r, int n)
{
    pthread_t th[MAX_THREADS];
    pthread_barrier_t start;

    pthread_barrier_init(&start, NULL, n);
    for (int i = 0; i < n; i++) {
        r[i].start = &start;
        pthread_create(&th[i], NULL, runner_main, &r[i]);
    }
    for (int i = 0; i < n; i++) {
        pthread_join(th[i], NULL);
    }
    pthread_barrier_destroy(&start);
}

/* A straight chain of n blocks from pc, each adding 1 to r0, then exit. */
static void chain_program(uint64_t pc, unsigned n, int exit_code)
{
    for (unsigned i = 0; i < n; i++) {
        toy_set_block(pc + i * 0x1000, "  r0 = add.i64 r0, $1\n", END_JMP,
                      pc + (i + 1) * 0x1000, 0);
    }
    toy_set_block(pc + n * 0x1000, "", END_EXIT, exit_code, 0);
}

/* ---------------------------------------------------------------------- */
/* Translation, chaining, invalidation                                     */

/* Four threads start at once on the same 40-block chain, then each on its
 * own 20-block chain: every distinct block is translated exactly once. */
START_TEST(translate_shared_and_private)
{
    JitEngine *e = toy_engine_new(_i, 4 << 20);
    Runner r[MAX_THREADS] = { 0 };

    chain_program(0x1000000, 40, 1);
    for (int i = 0; i < MAX_THREADS; i++) {
        chain_program(0x2000000 + i * 0x100000, 20, 2);
        r[i] = (Runner){ .e = e, .pcs = { 0x1000000, 0x2000000 + i * 0x100000 } };
    }
    run_all(r, MAX_THREADS);
    for (int i = 0; i < MAX_THREADS; i++) {
        ck_assert_int_eq(r[i].ret[0], 1);
        ck_assert_int_eq(r[i].ret[1], 2);
        ck_assert_uint_eq(r[i].cpu.r[0], 60);
    }
    ck_assert_uint_eq(e->stats.tbs_translated, 41 + MAX_THREADS * 21);
    ck_assert_uint_eq(e->stats.flushes, 0);
    jit_engine_free(e);
}
END_TEST

/* Two CPUs loop A -> B -> A ... (A at 0x1000 counts, B at 0x2000 tests)
 * while the main thread keeps invalidating B: both keep chaining into and
 * out of a TB that is being unchained, and must count exactly. */
START_TEST(chain_into_invalidated)
{
    JitEngine *e = toy_engine_new(_i, 4 << 20);
    Runner r[2];
    pthread_t th[2];
    /* Long enough for the main thread to invalidate while they run, even
     * on a native backend (about 1 ns an iteration) on a busy machine. */
    uint64_t iters = _i == 0 ? 300000 : 30000000;

    toy_set_block(0x1000, "  r0 = add.i64 r0, $1\n", END_JMP, 0x2000, 0);
    toy_set_block(0x2000, "", END_BR_LTU, 0x1000, 0x3000);
    toy_set_block(0x3000, "", END_EXIT, 3, 0);
    for (int i = 0; i < 2; i++) {
        r[i] = (Runner){ .e = e, .pcs = { 0x1000 }, .r1 = iters };
        pthread_create(&th[i], NULL, runner_main, &r[i]);
    }
    for (int n = 0; !__atomic_load_n(&r[0].done, __ATOMIC_ACQUIRE) ||
                    !__atomic_load_n(&r[1].done, __ATOMIC_ACQUIRE); n++) {
        jit_tb_invalidate_range(e, 0x2000, 0x2001);
        if (n % 8 == 0) {
            jit_tb_invalidate_range(e, 0x1000, 0x3000);   /* A and B at once */
        }
        sched_yield();
    }
    for (int i = 0; i < 2; i++) {
        pthread_join(th[i], NULL);
        ck_assert_int_eq(r[i].ret[0], 3);
        ck_assert_uint_eq(r[i].cpu.r[0], iters);
    }
    ck_assert_uint_gt(e->stats.tbs_translated, 3);      /* it did race */
    jit_engine_free(e);
}
END_TEST

/* Three CPUs each run a loop over their own 150 blocks, five times,
 * through a code buffer that holds far fewer: the buffer fills under all
 * of them, and each full buffer is flushed in an exclusive section. */
START_TEST(flush_while_others_run)
{
    JitEngine *e = toy_engine_new(_i, 16 * 1024);
    Runner r[3];
    enum { NB = 150, ROUNDS = 5 };

    for (int t = 0; t < 3; t++) {
        uint64_t base = 0x4000000 + t * 0x1000000;
        for (unsigned i = 0; i < NB - 1; i++) {
            toy_set_block(base + i * 0x1000, "  r2 = add.i64 r2, $1\n", END_JMP,
                          base + (i + 1) * 0x1000, 0);
        }
        /* The last block counts a round and loops back while r0 < r1. */
        toy_set_block(base + (NB - 1) * 0x1000, "  r0 = add.i64 r0, $1\n  r2 = add.i64 r2, $1\n",
                      END_BR_LTU, base, base + NB * 0x1000);
        toy_set_block(base + NB * 0x1000, "", END_EXIT, 4, 0);
        r[t] = (Runner){ .e = e, .pcs = { base }, .r1 = ROUNDS };
    }
    run_all(r, 3);
    for (int t = 0; t < 3; t++) {
        ck_assert_int_eq(r[t].ret[0], 4);
        ck_assert_uint_eq(r[t].cpu.r[0], ROUNDS);
        ck_assert_uint_eq(r[t].cpu.r[2], ROUNDS * NB);
    }
    ck_assert_uint_gt(e->stats.flushes, 0);
    jit_engine_free(e);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* The exclusive section                                                   */

static uint64_t counter_of(Runner *r)
{
    return __atomic_load_n(&r->cpu.r[0], __ATOMIC_RELAXED);
}

/* Three CPUs count forever; while the main thread is in an exclusive
 * section none of them moves, and afterwards all of them move again. */
START_TEST(exclusive_parks_everyone)
{
    JitEngine *e = toy_engine_new(_i, 1 << 20);
    Runner r[3];
    pthread_t th[3];

    toy_set_block(0x4000, "  r0 = add.i64 r0, $1\n", END_JMP, 0x4000, 0);
    for (int i = 0; i < 3; i++) {
        r[i] = (Runner){ .e = e, .pcs = { 0x4000 } };
        pthread_create(&th[i], NULL, runner_main, &r[i]);
    }
    for (int round = 0; round < 10; round++) {
        uint64_t before[3], during[3];
        for (int i = 0; i < 3; i++) {
            before[i] = counter_of(&r[i]);
        }
        for (int i = 0; i < 3; i++) {     /* every CPU is running */
            while (counter_of(&r[i]) < before[i] + 100) {
                sched_yield();
            }
        }
        jit_exclusive_start(e, NULL);
        for (int i = 0; i < 3; i++) {
            during[i] = counter_of(&r[i]);
        }
        usleep(5000);
        for (int i = 0; i < 3; i++) {
            ck_assert_uint_eq(counter_of(&r[i]), during[i]);
            ck_assert(!atomic_load(&r[i].cpu.jit.running) || r[i].cpu.jit.engine == NULL);
        }
        jit_exclusive_end(e, NULL);
    }
    for (int i = 0; i < 3; i++) {
        while (!atomic_load(&r[i].cpu.jit.running)) {
            sched_yield();
        }
        jit_cpu_kick(&r[i].cpu.jit);
        pthread_join(th[i], NULL);
        ck_assert_int_eq(r[i].ret[0], JIT_EXCP_INTERRUPT);
    }
    jit_engine_free(e);
}
END_TEST

/* A flush does not free the TbEntry structs (and their insn_start data)
 * that a reader inside an RCU read section may still hold: they go only
 * after the section ends. rcu_barrier() on another thread cannot return
 * before the reader leaves, and the TB stays intact meanwhile. */
typedef struct FlushArg {
    JitEngine *e;
    int flushed, freed;
} FlushArg;

static void *flush_and_barrier(void *p)
{
    FlushArg *f = p;

    rcu_register_thread();
    jit_tb_flush(f->e);
    __atomic_store_n(&f->flushed, 1, __ATOMIC_RELEASE);
    rcu_barrier();
    __atomic_store_n(&f->freed, 1, __ATOMIC_RELEASE);
    rcu_unregister_thread();
    return NULL;
}

START_TEST(tb_freed_after_grace_period)
{
    JitEngine *e = toy_engine_new(_i, 1 << 20);
    ToyCpu cpu;
    pthread_t th;

    toy_cpu_init(e, &cpu);
    toy_set_block(0x3000, "  insn_start $0x3000, $0\n  r0 = add.i64 r0, $1\n", END_EXIT, 1, 0);
    cpu.pc = 0x3000;
    ck_assert_int_eq(jit_cpu_exec(e, &cpu.jit), 1);

    rcu_read_lock();
    TbEntry *tb = jit_tb_find(e, &cpu.jit, 0x3000, 0, 0, false);
    ck_assert_ptr_nonnull(tb);
    const uint8_t *data = tb->insn_data;
    uint32_t size = tb->insn_data_size;
    uint8_t copy[64];
    ck_assert_uint_le(size, sizeof(copy));
    memcpy(copy, data, size);

    FlushArg f = { .e = e };
    pthread_create(&th, NULL, flush_and_barrier, &f);
    while (!__atomic_load_n(&f.flushed, __ATOMIC_ACQUIRE)) {
        sched_yield();
    }
    ck_assert(atomic_load(&tb->invalid));                 /* the flush did run */
    usleep(20000);
    ck_assert_int_eq(__atomic_load_n(&f.freed, __ATOMIC_ACQUIRE), 0);
    ck_assert_uint_eq(tb->pc, 0x3000);                    /* still intact */
    ck_assert_ptr_eq(tb->insn_data, data);
    ck_assert_mem_eq(tb->insn_data, copy, size);
    JIT_TSAN_READER_DONE();                               /* see jit/tsan.h */
    rcu_read_unlock();

    pthread_join(th, NULL);
    ck_assert_int_eq(f.freed, 1);
    toy_cpu_fini(e, &cpu);
    jit_engine_free(e);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Link helpers: split atomics against plain stores                        */

/*
 * The counter C is 8 bytes at `c`, split across a cache line or a page;
 * its high half is the aligned word H = c + 4. Incrementers add 1 to C
 * with a 64-bit fetch_add, which the host cannot do in one instruction,
 * so it runs in the fallback: read C, write C + 1 — all 8 bytes, H too.
 * One storer writes 1, 2, 3... to H with plain 4-byte stores and reads
 * each back, until the incrementers are done. x86 makes the locked add
 * atomic against that store, and the add never changes H (the low half
 * does not carry), so the storer must always read back its own value, H
 * must end as its last value, and the low half must count every increment.
 */
#define INCR_ITERS 20000
#define DONE_ADDR (TOY_RAM_BASE + 3 * JIT_PAGE_SIZE + 0x800)   /* never linked */

static void link_program(void)
{
    /* 0x7000: r3 = &C; loop r0 < r1. 0x8000: r3 = &H; r2 counts misreads;
     * loops while the word at DONE_ADDR is 0 (r1 = r0 + !done). */
    toy_set_block(0x7000, "  t0 = atomic_fetch_add.i64 r3, $1, [u64], mmu0\n"
                          "  r0 = add.i64 r0, $1\n", END_BR_LTU, 0x7000, 0x9000);
    toy_set_block(0x8000, "  r0 = add.i64 r0, $1\n"
                          "  guest_st.i64 r0, r3, [u32], mmu0\n"
                          "  t0 = guest_ld.i64 r3, [u32], mmu0\n"
                          "  t1 = setcond.i64 t0, r0, ne\n"
                          "  r2 = add.i64 r2, t1\n"
                          "  t2 = guest_ld.i64 $0x13800, [u32], mmu0\n"
                          "  t3 = setcond.i64 t2, $0, eq\n"
                          "  r1 = add.i64 r0, t3\n", END_BR_LTU, 0x8000, 0x9000);
    toy_set_block(0x9000, "", END_EXIT, 9, 0);
}

_Static_assert(DONE_ADDR == 0x13800, "link_program hard-codes DONE_ADDR");

/* Run r[0..nb_incr-1] (incrementers) and r[nb_incr] (the storer) at once;
 * tell the storer to stop when the incrementers are done. */
static void run_incr_and_store(Runner *r, int nb_incr)
{
    pthread_t th[MAX_THREADS];

    __atomic_store_n((uint32_t *)(toy_ram + (DONE_ADDR - TOY_RAM_BASE)), 0, __ATOMIC_RELEASE);
    for (int i = 0; i <= nb_incr; i++) {
        pthread_create(&th[i], NULL, runner_main, &r[i]);
    }
    for (int i = 0; i < nb_incr; i++) {
        pthread_join(th[i], NULL);
    }
    __atomic_store_n((uint32_t *)(toy_ram + (DONE_ADDR - TOY_RAM_BASE)), 1, __ATOMIC_RELEASE);
    pthread_join(th[nb_incr], NULL);
}

static void run_split_counter(int be, uint64_t c)
{
    JitEngine *e = toy_engine_new(be, 1 << 20);
    Runner r[MAX_THREADS];
    uint64_t h = c + 4;
    enum { NB_INCR = MAX_THREADS - 1 };

    memset(toy_ram, 0, TOY_RAM_PAGES * JIT_PAGE_SIZE);
    link_program();
    for (int i = 0; i < NB_INCR; i++) {
        r[i] = (Runner){ .e = e, .pcs = { 0x7000 }, .r1 = INCR_ITERS, .r3 = c };
    }
    r[NB_INCR] = (Runner){ .e = e, .pcs = { 0x8000 }, .r1 = 1, .r3 = h };
    run_incr_and_store(r, NB_INCR);

    uint32_t lo, hi;
    memcpy(&lo, toy_ram + (c - TOY_RAM_BASE), 4);
    memcpy(&hi, toy_ram + (h - TOY_RAM_BASE), 4);
    for (int i = 0; i < MAX_THREADS; i++) {
        ck_assert_int_eq(r[i].ret[0], 9);
    }
    ck_assert_uint_eq(r[NB_INCR].cpu.r[2], 0);          /* no store lost */
    ck_assert_uint_eq(hi, r[NB_INCR].cpu.r[0]);
    ck_assert_uint_eq(lo, NB_INCR * INCR_ITERS);
    /* The storer did leave the fast path for the linked page. */
    ck_assert_uint_gt(r[NB_INCR].cpu.jit.linked_stores, 0);
    jit_engine_free(e);
}

START_TEST(split_page_atomics_vs_stores)
{
    run_split_counter(_i, TOY_RAM_BASE + JIT_PAGE_SIZE - 4);
}
END_TEST

START_TEST(split_line_atomics_vs_stores)
{
    run_split_counter(_i, TOY_RAM_BASE + 2 * JIT_PAGE_SIZE + 64 - 4);
}
END_TEST

/* A CPU that stores only to pages nobody links keeps every store on the
 * fast path while others do split atomics elsewhere. */
START_TEST(no_link_no_cost)
{
    JitEngine *e = toy_engine_new(_i, 1 << 20);
    Runner r[3];
    uint64_t quiet = TOY_RAM_BASE + 3 * JIT_PAGE_SIZE + 0x100;

    memset(toy_ram, 0, TOY_RAM_PAGES * JIT_PAGE_SIZE);
    link_program();
    r[0] = (Runner){ .e = e, .pcs = { 0x7000 }, .r1 = INCR_ITERS,
                     .r3 = TOY_RAM_BASE + JIT_PAGE_SIZE - 4 };
    r[1] = (Runner){ .e = e, .pcs = { 0x7000 }, .r1 = INCR_ITERS,
                     .r3 = TOY_RAM_BASE + JIT_PAGE_SIZE - 4 };
    r[2] = (Runner){ .e = e, .pcs = { 0x8000 }, .r1 = 1, .r3 = quiet };
    run_incr_and_store(r, 2);
    ck_assert_uint_eq(r[2].cpu.r[2], 0);
    ck_assert_uint_eq(r[2].cpu.jit.linked_stores, 0);
    ck_assert(!jit_link_page_linked((uintptr_t)toy_ram + 3 * JIT_PAGE_SIZE));
    ck_assert(jit_link_page_linked((uintptr_t)toy_ram));
    jit_engine_free(e);
}
END_TEST

/* A split atomic whose bytes land in a code page reports them to the
 * NOTDIRTY hook once, for exactly those bytes, and only after releasing
 * jit_link_lock (the real hook invalidates TBs and may longjmp out). */
static unsigned nd_calls, nd_locked;
static uint64_t nd_addr;
static unsigned nd_size;

static void count_notdirty(JitCpu *cpu, uint64_t addr, unsigned size)
{
    (void)cpu;
    nd_calls++;
    nd_locked += jit_link_held();
    nd_addr = addr;
    nd_size = size;
}

START_TEST(split_atomic_into_code_page)
{
    JitEngine *e = toy_engine_new(_i, 1 << 20);
    ToyCpu cpu;

    memset(toy_ram, 0, TOY_RAM_PAGES * JIT_PAGE_SIZE);
    toy_code_page = TOY_RAM_BASE + JIT_PAGE_SIZE;
    nd_calls = nd_locked = 0;
    jit_notdirty_hook = count_notdirty;
    toy_cpu_init(e, &cpu);
    link_program();
    cpu.pc = 0x7000;
    cpu.r[1] = 1;
    cpu.r[3] = TOY_RAM_BASE + JIT_PAGE_SIZE - 4;    /* 4 bytes each side */
    ck_assert_int_eq(jit_cpu_exec(e, &cpu.jit), 9);
    jit_notdirty_hook = NULL;
    toy_code_page = 0;
    ck_assert_uint_eq(nd_calls, 1);
    ck_assert_uint_eq(nd_locked, 0);
    ck_assert_uint_eq(nd_addr, TOY_RAM_BASE + JIT_PAGE_SIZE);
    ck_assert_uint_eq(nd_size, 4);
    uint64_t c;
    memcpy(&c, toy_ram + JIT_PAGE_SIZE - 4, 8);
    ck_assert_uint_eq(c, 1);
    toy_cpu_fini(e, &cpu);
    jit_engine_free(e);
}
END_TEST

TCase *engine_threads_tcase(int n);

TCase *engine_threads_tcase(int n)
{
    TCase *tc = tcase_create("threads");

    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, translate_shared_and_private, 0, n);
    tcase_add_loop_test(tc, chain_into_invalidated, 0, n);
    tcase_add_loop_test(tc, flush_while_others_run, 0, n);
    tcase_add_loop_test(tc, exclusive_parks_everyone, 0, n);
    tcase_add_loop_test(tc, tb_freed_after_grace_period, 0, n);
    tcase_add_loop_test(tc, split_page_atomics_vs_stores, 0, n);
    tcase_add_loop_test(tc, split_line_atomics_vs_stores, 0, n);
    tcase_add_loop_test(tc, no_link_no_cost, 0, n);
    tcase_add_loop_test(tc, split_atomic_into_code_page, 0, n);
    return tc;
}

int main(void)
{
    rcu_register_thread();
    Suite *s = suite_create("engine-threads");
    suite_add_tcase(s, engine_threads_tcase(toy_nb_backends()));
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    rcu_unregister_thread();
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
