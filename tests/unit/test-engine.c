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

/* ---------------------------------------------------------------------- */
/* The toy guest                                                           */

typedef struct ToyCpu {
    JitCpu jit;
    uint64_t pc;
    uint64_t r[4];
} ToyCpu;

typedef enum ToyEnd { END_JMP, END_BR_LTU, END_IND, END_EXIT } ToyEnd;

/* A block: body in IR text, then a terminator. BR_LTU: r0 <u r1 ? t0 : t1. */
typedef struct ToyBlock {
    uint64_t pc;
    const char *body;
    ToyEnd end;
    uint64_t t0, t1;
} ToyBlock;

#define MAX_BLOCKS 512
static ToyBlock blocks[MAX_BLOCKS];
static unsigned nb_blocks;
static pthread_mutex_t blocks_lock = PTHREAD_MUTEX_INITIALIZER;

static void set_block(uint64_t pc, const char *body, ToyEnd end, uint64_t t0, uint64_t t1)
{
    pthread_mutex_lock(&blocks_lock);
    unsigned i;
    for (i = 0; i < nb_blocks && blocks[i].pc != pc; i++) {
    }
    if (i == nb_blocks) {
        ck_assert_uint_lt(nb_blocks, MAX_BLOCKS);
        nb_blocks++;
    }
    blocks[i] = (ToyBlock){ pc, body, end, t0, t1 };
    pthread_mutex_unlock(&blocks_lock);
}

static IrTempIdx g_pc;

static void toy_init_context(IrContext *ctx)
{
    g_pc = ir_global_new(ctx, IR_I64, offsetof(ToyCpu, pc), "pc");
    for (int i = 0; i < 4; i++) {
        char name[4];
        snprintf(name, sizeof(name), "r%d", i);
        ir_global_new(ctx, IR_I64, (int32_t)offsetof(ToyCpu, r[i]), name);
    }
}

static void toy_get_tb_key(JitCpu *cpu, uint64_t *pc, uint64_t *cs_base, uint32_t *flags)
{
    *pc = ((ToyCpu *)cpu)->pc;
    *cs_base = 0;
    *flags = 0;
}

static void toy_restore_state(JitCpu *cpu, const TbEntry *tb, const uint64_t data[2])
{
    (void)tb;
    ((ToyCpu *)cpu)->pc = data[0];
}

static void gen_jump(IrContext *ctx, TbEntry *tb, unsigned slot, uint64_t target)
{
    ir_gen_goto_tb(ctx, slot);
    ir_gen_movi(ctx, IR_I64, g_pc, target);
    ir_gen_exit_tb(ctx, (uintptr_t)tb | slot);
}

static int toy_translate(JitCpu *cpu, TbEntry *tb, IrContext *ctx)
{
    ToyBlock b;
    bool found = false;

    pthread_mutex_lock(&blocks_lock);
    for (unsigned i = 0; i < nb_blocks; i++) {
        if (blocks[i].pc == tb->pc) {
            b = blocks[i];
            found = true;
        }
    }
    pthread_mutex_unlock(&blocks_lock);
    if (!found) {
        cpu->exception = 99;
        return -1;
    }
    tb->page[0] = tb->pc & JIT_PAGE_MASK;
    tb->guest_size = 4;

    uint32_t exit_label = ir_label_new(ctx);
    IrTempIdx req = ir_temp_new(ctx, IR_I32);
    ir_gen_ld(ctx, IR_I32, req, ctx->env, offsetof(JitCpu, exit_request), IR_MO_32);
    ir_gen_brcond(ctx, IR_I32, IR_COND_NE, req, ir_const_i32(ctx, 0), exit_label);

    IrParseError err;
    if (!ir_parse(ctx, b.body, &err)) {
        ck_abort_msg("toy block %#llx: %u:%u: %s", (unsigned long long)b.pc, err.line, err.col,
                     err.msg);
    }
    IrTempIdx r0, r1;
    ir_global_find(ctx, "r0", &r0);
    ir_global_find(ctx, "r1", &r1);
    switch (b.end) {
    case END_JMP:
        gen_jump(ctx, tb, 0, b.t0);
        break;
    case END_BR_LTU: {
        uint32_t l = ir_label_new(ctx);
        ir_gen_brcond(ctx, IR_I64, IR_COND_LTU, r0, r1, l);
        gen_jump(ctx, tb, 0, b.t1);
        ir_gen_set_label(ctx, l);
        gen_jump(ctx, tb, 1, b.t0);
        break;
    }
    case END_IND: {
        IrTempIdx code = ir_temp_new(ctx, IR_I64);
        ir_emit(ctx, IR_OP_lookup_tb, IR_I64, 1, 0, (IrArg[]){ code });
        ir_emit(ctx, IR_OP_goto_ptr, IR_I64, 0, 1, (IrArg[]){ code });
        break;
    }
    case END_EXIT:
        ir_gen_st(ctx, IR_I32, ir_const_i32(ctx, (uint32_t)b.t0), ctx->env,
                  offsetof(JitCpu, exception), IR_MO_32);
        ir_gen_exit_tb(ctx, 0);
        break;
    }
    ir_gen_set_label(ctx, exit_label);
    ir_gen_exit_tb(ctx, (uintptr_t)tb | JIT_EXIT_REQUESTED);
    return 0;
}

static const JitTranslator toy_translator = {
    .init_context = toy_init_context,
    .get_tb_key = toy_get_tb_key,
    .translate = toy_translate,
    .restore_state = toy_restore_state,
};

/* ---------------------------------------------------------------------- */
/* Softmmu for the restore test: one RAM page at 0x10000; anything else    */
/* raises exception 14 at the faulting instruction.                        */

static uint8_t ram[JIT_PAGE_SIZE] __attribute__((aligned(4096)));

static void toy_tlb_fill(JitCpu *cpu, uint64_t addr, JitAccess access, unsigned mmu,
                         uintptr_t ra)
{
    (void)access;
    if ((addr & JIT_PAGE_MASK) == 0x10000) {
        jit_tlb_set_page(cpu, addr & JIT_PAGE_MASK, ram, 7, mmu, 0, 0);
        return;
    }
    cpu->exception = 14;
    cpu->fault_addr = addr;
    jit_cpu_loop_exit_restore(cpu, ra);
}

static const JitMemOps toy_mem_ops = { .tlb_fill = toy_tlb_fill };

/* ---------------------------------------------------------------------- */
/* Backends                                                                */

static JitBackend *backend_for(int i)
{
    static JitBackend *const list[] = {
        &jit_backend_interp,
#ifdef FERRY_TEST_X86_64
        &jit_backend_x86_64,
#endif
#ifdef FERRY_TEST_ARM64
        &jit_backend_arm64,
#endif
#ifdef FERRY_TEST_LOONGARCH64
        &jit_backend_loongarch64,
#endif
    };
    return i < (int)(sizeof(list) / sizeof(list[0])) ? list[i] : NULL;
}

static int nb_backends(void)
{
    int n = 0;
    while (backend_for(n)) {
        n++;
    }
    return n;
}

static JitEngine *new_engine(int be, size_t size)
{
    nb_blocks = 0;
    return jit_engine_new(backend_for(be), &toy_translator, size, JIT_WX_AUTO);
}

static void cpu_init(JitEngine *e, ToyCpu *cpu)
{
    memset(cpu, 0, sizeof(*cpu));
    cpu->jit.mem_mode = JIT_MEM_SOFTMMU;
    cpu->jit.mem_ops = &toy_mem_ops;
    jit_tlb_init(&cpu->jit);
    jit_cpu_register(e, &cpu->jit);
}

static void cpu_fini(JitEngine *e, ToyCpu *cpu)
{
    jit_cpu_unregister(e, &cpu->jit);
    jit_tlb_free(&cpu->jit);
}

/* ---------------------------------------------------------------------- */
/* Tests                                                                   */

/* A counted loop: r0 counts to r1 through a chained self-loop. */
static void loop_program(const char *step)
{
    set_block(0x1000, step, END_BR_LTU, 0x1000, 0x2000);
    set_block(0x2000, "", END_EXIT, 1, 0);
}

START_TEST(loop_chains)
{
    JitEngine *e = new_engine(_i, 1 << 20);
    ToyCpu cpu;
    cpu_init(e, &cpu);
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
    cpu_fini(e, &cpu);
    jit_engine_free(e);
}
END_TEST

START_TEST(invalidate_retranslates)
{
    JitEngine *e = new_engine(_i, 1 << 20);
    ToyCpu cpu;
    cpu_init(e, &cpu);
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
    cpu_fini(e, &cpu);
    jit_engine_free(e);
}
END_TEST

START_TEST(flush_when_full)
{
    /* 300 distinct blocks in a chain through a buffer that holds far fewer:
     * the engine must flush and retry, never fail. */
    JitEngine *e = new_engine(_i, 16 * 1024);
    ToyCpu cpu;
    cpu_init(e, &cpu);
    for (uint64_t i = 0; i < 300; i++) {
        set_block(0x100000 + i * 0x1000, "  r0 = add.i64 r0, $1\n  r2 = xor.i64 r2, r0\n",
                  END_JMP, 0x100000 + (i + 1) * 0x1000, 0);
    }
    set_block(0x100000 + 300 * 0x1000, "", END_EXIT, 7, 0);
    cpu.pc = 0x100000;
    ck_assert_int_eq(jit_cpu_exec(e, &cpu.jit), 7);
    ck_assert_uint_eq(cpu.r[0], 300);
    uint64_t x = 0;
    for (uint64_t i = 1; i <= 300; i++) {
        x ^= i;
    }
    ck_assert_uint_eq(cpu.r[2], x);
    ck_assert_uint_gt(e->stats.flushes, 0);
    cpu_fini(e, &cpu);
    jit_engine_free(e);
}
END_TEST

START_TEST(indirect_lookup)
{
    /* Blocks that compute their successor in pc and use lookup_tb/goto_ptr:
     * 0x5000 -> 0x6000 -> 0x5000 ... until r0 reaches r1. */
    JitEngine *e = new_engine(_i, 1 << 20);
    ToyCpu cpu;
    cpu_init(e, &cpu);
    set_block(0x5000, "  r0 = add.i64 r0, $1\n  pc = mov.i64 $0x6000\n", END_IND, 0, 0);
    set_block(0x6000, "", END_BR_LTU, 0x5000, 0x7000);
    set_block(0x7000, "", END_EXIT, 2, 0);
    cpu.pc = 0x5000;
    cpu.r[1] = 500;
    ck_assert_int_eq(jit_cpu_exec(e, &cpu.jit), 2);
    ck_assert_uint_eq(cpu.r[0], 500);
    cpu_fini(e, &cpu);
    jit_engine_free(e);
}
END_TEST

START_TEST(fault_restores_pc)
{
    JitEngine *e = new_engine(_i, 1 << 20);
    ToyCpu cpu;
    cpu_init(e, &cpu);
    /* Three instructions; the second loads from an unmapped address. */
    set_block(0x3000,
              "  insn_start $0x3000, $0\n"
              "  r0 = add.i64 r0, $1\n"
              "  insn_start $0x3004, $0\n"
              "  r2 = guest_ld.i64 r1, [u64], mmu0\n"
              "  insn_start $0x3008, $0\n"
              "  r0 = add.i64 r0, $100\n",
              END_EXIT, 1, 0);
    cpu.pc = 0x3000;
    cpu.r[1] = 0x10008;                      /* mapped: runs to the end */
    memcpy(ram + 8, &(uint64_t){ 0x1122334455667788ull }, 8);
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
    cpu_fini(e, &cpu);
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
    JitEngine *e = new_engine(_i, 1 << 20);
    ToyCpu cpu;
    cpu_init(e, &cpu);
    set_block(0x4000, "  r0 = add.i64 r0, $1\n", END_JMP, 0x4000, 0);   /* infinite */
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
    cpu_fini(e, &cpu);
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
    cpu_init(s->e, &s->cpu);
    s->cpu.pc = 0x1000;
    s->cpu.r[1] = 200000;
    s->ret = jit_cpu_exec(s->e, &s->cpu.jit);
    cpu_fini(s->e, &s->cpu);
    rcu_unregister_thread();
    return NULL;
}

START_TEST(invalidate_while_running)
{
    JitEngine *e = new_engine(_i, 1 << 20);
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
    int n = nb_backends();

    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, loop_chains, 0, n);
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
