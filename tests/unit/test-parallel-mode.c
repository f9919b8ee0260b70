/*
 * test-parallel-mode.c — the engine side of -tso (docs/memory-model.md):
 * jit_engine_set_parallel flushes the code cache exactly when the mode
 * changes, and the x86 front end marks guest loads and stores `tso` (and
 * drops LFENCE/SFENCE) only in parallel mode and keeps LOCK atomics atomic
 * only there, read from the -d op log of real x86 code translated through
 * the engine (interpreter backend).
 */
#include <check.h>
#include <stdio.h>
#include <string.h>
#include <urcu.h>

#include "frontend-x86/cpu.h"
#include "frontend-x86/translate.h"
#include "jit/engine.h"

/* mov rax, [rbx]; mov [rcx], rax; lfence; sfence; mfence;
 * lock xadd [rdx], rax; ret */
static const uint8_t code[] = {
    0x48, 0x8b, 0x03, 0x48, 0x89, 0x01, 0x0f, 0xae, 0xe8, 0x0f, 0xae, 0xf8,
    0x0f, 0xae, 0xf0, 0xf0, 0x48, 0x0f, 0xc1, 0x02, 0xc3,
};

/* Guest addresses are host addresses (guest_base 0). */
static size_t fetch(JitCpu *cpu, uint64_t addr, uint8_t *buf, size_t len)
{
    const uint8_t *p = (const uint8_t *)(uintptr_t)addr;
    (void)cpu;
    if (p < code || p >= code + sizeof code) {
        return 0;
    }
    size_t n = (size_t)(code + sizeof code - p);
    n = n < len ? n : len;
    memcpy(buf, p, n);
    return n;
}

static JitEngine *e;
static X86Cpu cpu;
static char *logbuf;
static size_t logsize;

static void setup(void)
{
    rcu_register_thread();
    x86_tr_config.fetch = fetch;
    e = jit_engine_new(&jit_backend_interp, &x86_translator, 1 << 20, JIT_WX_AUTO);
    e->log = open_memstream(&logbuf, &logsize);
    e->log_mask = JIT_LOG_OP;
    memset(&cpu, 0, sizeof cpu);
    cpu.jit.mem_mode = JIT_MEM_USER;
    jit_cpu_register(e, &cpu.jit);
}

static void teardown(void)
{
    jit_cpu_unregister(e, &cpu.jit);
    fclose(e->log);
    free(logbuf);
    jit_engine_free(e);
    rcu_unregister_thread();
}

/* Translate the code (it must not be in the cache yet) and return the IR
 * log of that translation. */
static char *translate_log(void)
{
    uint64_t before = atomic_load(&e->stats.tbs_translated);
    fflush(e->log);
    size_t from = logsize;
    TbEntry *tb = jit_tb_lookup_or_translate(e, &cpu.jit, (uintptr_t)code, 0, X86_MODE_64);
    ck_assert_ptr_nonnull(tb);
    ck_assert_uint_eq(atomic_load(&e->stats.tbs_translated), before + 1);
    fflush(e->log);
    return g_strndup(logbuf + from, logsize - from);
}

static unsigned count(const char *hay, const char *needle)
{
    unsigned n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle)) {
        n++;
    }
    return n;
}

START_TEST(test_plain_then_parallel)
{
    ck_assert(!jit_engine_parallel(e));
    char *ir = translate_log();
    /* The load, the store, the return address pop and the XADD as a plain
     * load and store; no tso; all fences. */
    ck_assert_msg(count(ir, "guest_ld") == 3 && count(ir, "guest_st") == 2, "%s", ir);
    ck_assert_msg(!count(ir, "atomic_") && !count(ir, "tso]"), "%s", ir);
    ck_assert_msg(count(ir, "mb ldld|ldst\n") == 1 && count(ir, "mb stst\n") == 1 &&
                  count(ir, "mb all\n") == 1, "%s", ir);
    g_free(ir);

    uint64_t flushes = atomic_load(&e->stats.flushes);
    jit_engine_set_parallel(e, true);
    ck_assert(jit_engine_parallel(e));
    ck_assert_uint_eq(atomic_load(&e->stats.flushes), flushes + 1);

    /* Flushed: translated again, now ordered; LFENCE/SFENCE are implied. */
    ir = translate_log();
    ck_assert_msg(count(ir, "tso]") == 3 && count(ir, "atomic_fetch_add") == 1, "%s", ir);
    ck_assert_msg(!count(ir, "mb ldld") && !count(ir, "mb stst") && count(ir, "mb all\n") == 1,
                  "%s", ir);
    g_free(ir);

    /* No change, no flush. */
    jit_engine_set_parallel(e, true);
    ck_assert_uint_eq(atomic_load(&e->stats.flushes), flushes + 1);
}
END_TEST

/* -tso off: parallel mode makes atomics atomic but orders nothing else. */
START_TEST(test_unordered)
{
    x86_tr_config.unordered = true;
    jit_engine_set_parallel(e, true);
    char *ir = translate_log();
    ck_assert_msg(!count(ir, "tso]") && count(ir, "atomic_fetch_add") == 1, "%s", ir);
    ck_assert_msg(count(ir, "mb ldld|ldst\n") == 1 && count(ir, "mb stst\n") == 1, "%s", ir);
    g_free(ir);
    x86_tr_config.unordered = false;
}
END_TEST

int main(void)
{
    Suite *s = suite_create("parallel-mode");
    TCase *tc = tcase_create("engine");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_plain_then_parallel);
    tcase_add_test(tc, test_unordered);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
