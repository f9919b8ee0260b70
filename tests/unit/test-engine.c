/*
 * test-engine.c — the JIT engine (TB cache, chaining, exec loop, restore)
 * driven through a toy guest whose "code" is a table of IR blocks keyed by
 * pc. Every check runs on every backend this build can execute, and the
 * expected values follow from the toy programs, not from ferry.
 */
#include <check.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <urcu.h>

#include "jit/engine.h"
#include "jit/softmmu.h"
#include "tests/unit/toy-guest.h"

/* ---------------------------------------------------------------------- */
/* Tests                                                                   */

/* A counted loop: r0 counts to r1 through a chained self-loop. */
static void loop_program(const char *step)
{
    toy_set_block(0x1000, step, END_BR_LTU, 0x1000, 0x2000);
    toy_set_block(0x2000, "", END_EXIT, 1, 0);
}

START_TEST(loop_chains)
{
    JitEngine *e = toy_engine_new(_i, 1 << 20);
    ToyCpu cpu;
    toy_cpu_init(e, &cpu);
    loop_program("  r0 = add.i64 r0, $1\n");
    cpu.pc = 0x1000;
    cpu.r[1] = 1000;
    ck_assert_int_eq(jit_cpu_exec(e, &cpu.jit), 1);
    ck_assert_uint_eq(cpu.r[0], 1000);
    ck_assert_uint_eq(cpu.pc, 0x2000);
    ck_assert_uint_eq(e->stats.tbs_translated, 2);
    /* The self-loop was chained once, so the exec loop looked up only a
     * few times, not once per iteration. */
    ck_assert_uint_ge(e->stats.chains, 1);
    ck_assert_uint_lt(e->stats.lookups, 10);
    toy_cpu_fini(e, &cpu);
    jit_engine_free(e);
}
END_TEST

/* exit_request seen at the entry of a TB reached through a chained goto_tb
 * (its predecessor stored no pc): the CPU goes on at that TB, running no
 * block twice. Block 0x1000 raises the request itself in its fifth round. */
START_TEST(request_at_chained_entry)
{
    JitEngine *e = toy_engine_new(_i, 1 << 20);
    ToyCpu cpu;
    char step[256];
    toy_cpu_init(e, &cpu);
    snprintf(step, sizeof(step),
             "  r0 = add.i64 r0, $1\n  r3 = add.i64 r3, $1\n"
             "  t0 = setcond.i64 r0, $5, eq\n  st.i64 t0, env, %zu, [u32]\n",
             offsetof(JitCpu, exit_request));
    toy_set_block(0x1000, step, END_JMP, 0x2000, 0);
    toy_set_block(0x2000, "  r2 = add.i64 r2, $1\n", END_BR_LTU, 0x1000, 0x3000);
    toy_set_block(0x3000, "", END_EXIT, 1, 0);
    cpu.pc = 0x1000;
    cpu.r[1] = 10;
    ck_assert_int_eq(jit_cpu_exec(e, &cpu.jit), 1);
    ck_assert_uint_eq(cpu.r[0], 10);
    ck_assert_uint_eq(cpu.r[3], 10);           /* each block ran once a round */
    ck_assert_uint_eq(cpu.r[2], 10);
    ck_assert_uint_ge(e->stats.chains, 2);
    toy_cpu_fini(e, &cpu);
    jit_engine_free(e);
}
END_TEST

START_TEST(invalidate_retranslates)
{
    JitEngine *e = toy_engine_new(_i, 1 << 20);
    ToyCpu cpu;
    toy_cpu_init(e, &cpu);
    loop_program("  r0 = add.i64 r0, $1\n");
    cpu.pc = 0x1000;
    cpu.r[1] = 10;
    ck_assert_int_eq(jit_cpu_exec(e, &cpu.jit), 1);
    ck_assert_uint_eq(cpu.r[0], 10);

    /* "Self-modifying code": the block now adds 3. Without invalidation the
     * old translation would still run. */
    loop_program("  r0 = add.i64 r0, $3\n");
    jit_tb_invalidate_range(e, 0x1000, 0x1004);
    cpu.pc = 0x1000;
    cpu.r[0] = 0;
    ck_assert_int_eq(jit_cpu_exec(e, &cpu.jit), 1);
    ck_assert_uint_eq(cpu.r[0], 12);
    ck_assert_uint_eq(e->stats.tbs_translated, 3);
    toy_cpu_fini(e, &cpu);
    jit_engine_free(e);
}
END_TEST

START_TEST(flush_when_full)
{
    /* 300 distinct blocks in a chain through a buffer that holds far fewer:
     * the engine must flush and retry, never fail. */
    JitEngine *e = toy_engine_new(_i, 16 * 1024);
    ToyCpu cpu;
    toy_cpu_init(e, &cpu);
    for (uint64_t i = 0; i < 300; i++) {
        toy_set_block(0x100000 + i * 0x1000, "  r0 = add.i64 r0, $1\n  r2 = xor.i64 r2, r0\n",
                  END_JMP, 0x100000 + (i + 1) * 0x1000, 0);
    }
    toy_set_block(0x100000 + 300 * 0x1000, "", END_EXIT, 7, 0);
    cpu.pc = 0x100000;
    ck_assert_int_eq(jit_cpu_exec(e, &cpu.jit), 7);
    ck_assert_uint_eq(cpu.r[0], 300);
    uint64_t x = 0;
    for (uint64_t i = 1; i <= 300; i++) {
        x ^= i;
    }
    ck_assert_uint_eq(cpu.r[2], x);
    ck_assert_uint_gt(e->stats.flushes, 0);
    toy_cpu_fini(e, &cpu);
    jit_engine_free(e);
}
END_TEST

START_TEST(indirect_lookup)
{
    /* Blocks that compute their successor in pc and use lookup_tb/goto_ptr:
     * 0x5000 -> 0x6000 -> 0x5000 ... until r0 reaches r1. */
    JitEngine *e = toy_engine_new(_i, 1 << 20);
    ToyCpu cpu;
    toy_cpu_init(e, &cpu);
    toy_set_block(0x5000, "  r0 = add.i64 r0, $1\n  pc = mov.i64 $0x6000\n", END_IND, 0, 0);
    toy_set_block(0x6000, "", END_BR_LTU, 0x5000, 0x7000);
    toy_set_block(0x7000, "", END_EXIT, 2, 0);
    cpu.pc = 0x5000;
    cpu.r[1] = 500;
    ck_assert_int_eq(jit_cpu_exec(e, &cpu.jit), 2);
    ck_assert_uint_eq(cpu.r[0], 500);
    toy_cpu_fini(e, &cpu);
    jit_engine_free(e);
}
END_TEST

START_TEST(fault_restores_pc)
{
    JitEngine *e = toy_engine_new(_i, 1 << 20);
    ToyCpu cpu;
    toy_cpu_init(e, &cpu);
    /* Three instructions; the second loads from an unmapped address. */
    toy_set_block(0x3000,
              "  insn_start $0x3000, $0\n"
              "  r0 = add.i64 r0, $1\n"
              "  insn_start $0x3004, $0\n"
              "  r2 = guest_ld.i64 r1, [u64], mmu0\n"
              "  insn_start $0x3008, $0\n"
              "  r0 = add.i64 r0, $100\n",
              END_EXIT, 1, 0);
    cpu.pc = 0x3000;
    cpu.r[1] = 0x10008;                      /* mapped: runs to the end */
    memcpy(toy_ram + 8, &(uint64_t){ 0x1122334455667788ull }, 8);
    ck_assert_int_eq(jit_cpu_exec(e, &cpu.jit), 1);
    ck_assert_uint_eq(cpu.r[0], 101);
    ck_assert_uint_eq(cpu.r[2], 0x1122334455667788ull);

    cpu.pc = 0x3000;
    cpu.r[0] = 0;
    cpu.r[1] = 0x999000;                     /* unmapped: faults at 0x3004 */
    ck_assert_int_eq(jit_cpu_exec(e, &cpu.jit), 14);
    ck_assert_uint_eq(cpu.pc, 0x3004);
    ck_assert_uint_eq(cpu.r[0], 1);          /* the first instruction completed */
    ck_assert_uint_eq(cpu.jit.fault_addr, 0x999000);
    toy_cpu_fini(e, &cpu);
    jit_engine_free(e);
}
END_TEST

typedef struct KickArg {
    ToyCpu *cpu;
    int ret;
} KickArg;

static void *run_forever(void *p)
{
    KickArg *k = p;
    rcu_register_thread();
    k->ret = jit_cpu_exec(k->cpu->jit.engine, &k->cpu->jit);
    rcu_unregister_thread();
    return NULL;
}

START_TEST(kick_stops_a_spinning_cpu)
{
    JitEngine *e = toy_engine_new(_i, 1 << 20);
    ToyCpu cpu;
    toy_cpu_init(e, &cpu);
    toy_set_block(0x4000, "  r0 = add.i64 r0, $1\n", END_JMP, 0x4000, 0);   /* infinite */
    cpu.pc = 0x4000;
    KickArg k = { &cpu, -1 };
    pthread_t th;
    pthread_create(&th, NULL, run_forever, &k);
    while (__atomic_load_n(&cpu.r[0], __ATOMIC_RELAXED) < 1000) {
        sched_yield();
    }
    jit_cpu_kick(&cpu.jit);
    pthread_join(th, NULL);
    ck_assert_int_eq(k.ret, JIT_EXCP_INTERRUPT);
    toy_cpu_fini(e, &cpu);
    jit_engine_free(e);
}
END_TEST

/* Several CPUs run the same loop while the main thread keeps invalidating
 * it: every CPU must still finish with the right count. */
typedef struct StressArg {
    JitEngine *e;
    ToyCpu cpu;
    int ret;
} StressArg;

static void *stress_cpu(void *p)
{
    StressArg *s = p;
    rcu_register_thread();
    toy_cpu_init(s->e, &s->cpu);
    s->cpu.pc = 0x1000;
    s->cpu.r[1] = 200000;
    s->ret = jit_cpu_exec(s->e, &s->cpu.jit);
    toy_cpu_fini(s->e, &s->cpu);
    rcu_unregister_thread();
    return NULL;
}

START_TEST(invalidate_while_running)
{
    JitEngine *e = toy_engine_new(_i, 1 << 20);
    StressArg s[3];
    pthread_t th[3];

    loop_program("  r0 = add.i64 r0, $1\n");
    for (int i = 0; i < 3; i++) {
        s[i].e = e;
        pthread_create(&th[i], NULL, stress_cpu, &s[i]);
    }
    for (int n = 0; n < 200; n++) {
        jit_tb_invalidate_range(e, 0x1000, 0x1004);
        sched_yield();
    }
    for (int i = 0; i < 3; i++) {
        pthread_join(th[i], NULL);
        ck_assert_int_eq(s[i].ret, 1);
        ck_assert_uint_eq(s[i].cpu.r[0], 200000);
    }
    jit_engine_free(e);
}
END_TEST

static Suite *engine_suite(void)
{
    Suite *s = suite_create("engine");
    TCase *tc = tcase_create("engine");
    int n = toy_nb_backends();

    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, loop_chains, 0, n);
    tcase_add_loop_test(tc, request_at_chained_entry, 0, n);
    tcase_add_loop_test(tc, invalidate_retranslates, 0, n);
    tcase_add_loop_test(tc, flush_when_full, 0, n);
    tcase_add_loop_test(tc, indirect_lookup, 0, n);
    tcase_add_loop_test(tc, fault_restores_pc, 0, n);
    tcase_add_loop_test(tc, kick_stops_a_spinning_cpu, 0, n);
    tcase_add_loop_test(tc, invalidate_while_running, 0, n);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    rcu_register_thread();
    SRunner *sr = srunner_create(engine_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    rcu_unregister_thread();
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
