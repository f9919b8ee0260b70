/*
 * test-vcpu.c — the vCPU lifecycle on the null accelerator: run_on_cpu from
 * the main thread and between vCPUs (both directions at once), pause and
 * resume of 4 vCPUs in a loop, kicks and interrupts to halted vCPUs, safe
 * work in an exclusive section, reset and triple fault (with and without
 * -no-reboot). Every wait has a deadline, so a deadlock fails the test.
 */
#include <check.h>
#include <stdatomic.h>

#include "system/main-loop.h"
#include "system/runstate.h"
#include "system/vcpu.h"

#define NCPUS 4
#define DEADLINE_US (20 * G_USEC_PER_SEC)

/* Let other threads have the BQL for a while (the fixture holds it). */
NO_THREAD_SAFETY_ANALYSIS
static void sleep_without_bql(gulong us) REQUIRES(sys_bql)
{
    sys_bql_unlock();
    g_usleep(us);
    sys_bql_lock();
}

NO_THREAD_SAFETY_ANALYSIS
static void join_without_bql(GThread *t) REQUIRES(sys_bql)
{
    sys_bql_unlock();
    g_thread_join(t);
    sys_bql_lock();
}

/* Poll @cond (evaluated with the BQL held), letting the main loop run. */
#define WAIT_UNTIL(cond)                                                    \
    do {                                                                    \
        gint64 dl_ = g_get_monotonic_time() + DEADLINE_US;                  \
        while (!(cond)) {                                                   \
            ck_assert_msg(g_get_monotonic_time() < dl_,                     \
                          "timed out waiting for " #cond);                  \
            sys_main_loop_iterate(false);                                   \
            sleep_without_bql(50);                                          \
        }                                                                   \
    } while (0)

NO_THREAD_SAFETY_ANALYSIS
static void setup(void)
{
    sys_bql_lock();
    sys_vcpu_create_all(NCPUS, &sys_null_accel);
    sys_vm_start();
}

NO_THREAD_SAFETY_ANALYSIS
static void teardown(void)
{
    /* Back to a stopped machine, so that the next test's vm_start starts it
     * again when the tests share a process (CK_FORK=no, as under TSan). */
    sys_vm_stop();
    sys_vcpu_pause_all();
    sys_vcpu_destroy_all();
    sys_bql_unlock();
}

/* ---- run_on_cpu ---------------------------------------------------------- */

typedef struct Probe {
    SysCPU *ran_on;
    bool had_bql;
    int count;
} Probe;

static void probe_fn(SysCPU *cpu, void *data)
{
    Probe *p = data;

    p->ran_on = sys_vcpu_current();
    p->had_bql = sys_bql_held();
    p->count++;
}

START_TEST(test_run_on_cpu_main)
{
    sys_bql_assert_held();     /* the fixture holds it */
    for (int round = 0; round < 200; round++) {
        for (int i = 0; i < NCPUS; i++) {
            Probe p = { 0 };

            sys_run_on_cpu(sys_vcpu_get(i), probe_fn, &p);
            ck_assert_ptr_eq(p.ran_on, sys_vcpu_get(i));
            ck_assert(p.had_bql);
            ck_assert_int_eq(p.count, 1);
        }
    }
}
END_TEST

/* vCPU a runs work that synchronously runs work on vCPU b. */
typedef struct CrossCall {
    SysCPU *target;
    Probe probe;
    atomic_int done;
} CrossCall;

NO_THREAD_SAFETY_ANALYSIS   /* run_on_cpu work: BQL held */
static void cross_fn(SysCPU *cpu, void *data)
{
    CrossCall *c = data;

    sys_run_on_cpu(c->target, probe_fn, &c->probe);
    atomic_store(&c->done, 1);
}

START_TEST(test_run_on_cpu_between_vcpus)
{
    sys_bql_assert_held();     /* the fixture holds it */
    /* 0 -> 1 and 1 -> 0 at the same time: each must keep serving its own
     * queue while it waits for the other. */
    for (int round = 0; round < 500; round++) {
        SysCPU *a = sys_vcpu_get(round % NCPUS);
        SysCPU *b = sys_vcpu_get((round + 1) % NCPUS);
        CrossCall ab = { .target = b }, ba = { .target = a };

        sys_async_run_on_cpu(a, cross_fn, &ab);
        sys_async_run_on_cpu(b, cross_fn, &ba);
        WAIT_UNTIL(atomic_load(&ab.done) && atomic_load(&ba.done));
        ck_assert_ptr_eq(ab.probe.ran_on, b);
        ck_assert_ptr_eq(ba.probe.ran_on, a);
        ck_assert(ab.probe.had_bql && ba.probe.had_bql);
    }
}
END_TEST

/* ---- pause / resume ------------------------------------------------------ */

START_TEST(test_pause_resume_loop)
{
    sys_bql_assert_held();     /* the fixture holds it */
    for (int round = 0; round < 300; round++) {
        uint64_t before[NCPUS];

        sys_vm_stop();
        ck_assert(sys_vcpu_all_stopped());
        ck_assert(!sys_runstate_is_running());
        for (int i = 0; i < NCPUS; i++) {
            before[i] = sys_null_accel_execs(sys_vcpu_get(i));
            /* An interrupt to a stopped vCPU must not make it run. */
            sys_cpu_interrupt(sys_vcpu_get(i), SYS_CPU_INTERRUPT_HARD);
        }
        /* Work still runs on stopped vCPUs (monitor commands need it). */
        for (int i = 0; i < NCPUS; i++) {
            Probe p = { 0 };

            sys_run_on_cpu(sys_vcpu_get(i), probe_fn, &p);
            ck_assert_int_eq(p.count, 1);
            ck_assert_uint_eq(sys_null_accel_execs(sys_vcpu_get(i)),
                              before[i]);
        }
        sys_vm_start();
        ck_assert(sys_runstate_is_running());
        /* Each vCPU now takes its pending interrupt. */
        for (int i = 0; i < NCPUS; i++) {
            WAIT_UNTIL(sys_null_accel_execs(sys_vcpu_get(i)) > before[i]);
        }
    }
}
END_TEST

/* ---- kicks and interrupts ------------------------------------------------ */

NO_THREAD_SAFETY_ANALYSIS   /* WAIT_UNTIL evaluates under the BQL */
static bool cpu_halted(SysCPU *cpu)
{
    return cpu->halted;
}

START_TEST(test_kick_halted)
{
    sys_bql_assert_held();     /* the fixture holds it */
    SysCPU *cpu = sys_vcpu_get(2);

    for (int round = 0; round < 300; round++) {
        uint64_t irqs = sys_null_accel_interrupts(cpu);
        uint64_t execs;

        WAIT_UNTIL(cpu_halted(cpu));
        execs = sys_null_accel_execs(cpu);
        /* A bare kick wakes it, but a halted CPU with nothing pending goes
         * back to sleep without running. */
        sys_cpu_kick(cpu);
        sleep_without_bql(100);
        ck_assert_uint_eq(sys_null_accel_execs(cpu), execs);
        /* An interrupt wakes it and it runs (and takes the interrupt). */
        sys_cpu_interrupt(cpu, SYS_CPU_INTERRUPT_HARD);
        WAIT_UNTIL(sys_null_accel_interrupts(cpu) == irqs + 1);
        ck_assert_uint_gt(sys_null_accel_execs(cpu), execs);
    }
}
END_TEST

/* Interrupts raised from other threads without the BQL are never lost. */
static gpointer irq_storm(gpointer data)
{
    for (int i = 0; i < 2000; i++) {
        sys_cpu_interrupt(sys_vcpu_get(i % NCPUS), SYS_CPU_INTERRUPT_HARD);
        if (i % 64 == 0) {
            g_usleep(10);
        }
    }
    return NULL;
}

START_TEST(test_interrupts_without_bql)
{
    sys_bql_assert_held();     /* the fixture holds it */
    GThread *t;

    t = g_thread_new("irq", irq_storm, NULL);
    join_without_bql(t);
    /* Each vCPU ends up taking the last interrupt it was sent. */
    for (int i = 0; i < NCPUS; i++) {
        WAIT_UNTIL(!atomic_load(&sys_vcpu_get(i)->interrupt_request));
        WAIT_UNTIL(cpu_halted(sys_vcpu_get(i)));
    }
}
END_TEST

/* ---- safe work ----------------------------------------------------------- */

static atomic_int safe_ran, safe_violations;

static void safe_fn(SysCPU *cpu, void *data)
{
    for (int i = 0; i < NCPUS; i++) {
        if (atomic_load(&sys_vcpu_get(i)->running)) {
            atomic_fetch_add(&safe_violations, 1);
        }
    }
    if (sys_bql_held()) {
        atomic_fetch_add(&safe_violations, 1);
    }
    atomic_fetch_add(&safe_ran, 1);
}

static gpointer irq_spinner(gpointer data)
{
    atomic_int *stop = data;

    while (!atomic_load(stop)) {
        for (int i = 0; i < NCPUS; i++) {
            sys_cpu_interrupt(sys_vcpu_get(i), SYS_CPU_INTERRUPT_HARD);
        }
    }
    return NULL;
}

START_TEST(test_safe_work)
{
    sys_bql_assert_held();     /* the fixture holds it */
    atomic_int stop = 0;
    GThread *t;

    t = g_thread_new("spin", irq_spinner, &stop);   /* keep vCPUs busy */
    for (int i = 0; i < 400; i++) {
        sys_async_safe_run_on_cpu(sys_vcpu_get(i % NCPUS), safe_fn, NULL);
    }
    WAIT_UNTIL(atomic_load(&safe_ran) == 400);
    atomic_store(&stop, 1);
    join_without_bql(t);
    ck_assert_int_eq(atomic_load(&safe_violations), 0);
}
END_TEST

/* ---- reset and triple fault ---------------------------------------------- */

static int device_resets;

static void count_reset(void *opaque)
{
    device_resets++;
}

START_TEST(test_triple_fault_resets)
{
    sys_bql_assert_held();     /* the fixture holds it */
    sys_reset_register(count_reset, NULL);
    sys_null_accel_inject(sys_vcpu_get(1), SYS_EXEC_TRIPLE_FAULT);
    WAIT_UNTIL(device_resets == 1);
    /* The machine keeps running after the reset. */
    ck_assert(sys_runstate_is_running());
    ck_assert(!sys_shutdown_done());
    WAIT_UNTIL(!sys_vcpu_all_stopped());
}
END_TEST

START_TEST(test_triple_fault_no_reboot)
{
    sys_bql_assert_held();     /* the fixture holds it */
    sys_runstate_set_no_reboot(true);
    sys_null_accel_inject(sys_vcpu_get(3), SYS_EXEC_TRIPLE_FAULT);
    WAIT_UNTIL(sys_shutdown_done());
    ck_assert(sys_vcpu_all_stopped());
    ck_assert_int_eq(sys_runstate_get(), SYS_RUN_STATE_SHUTDOWN);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("vcpu");
    TCase *tc = tcase_create("null-accel");
    SRunner *sr;
    int failed;

    sys_main_loop_init();
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_run_on_cpu_main);
    tcase_add_test(tc, test_run_on_cpu_between_vcpus);
    tcase_add_test(tc, test_pause_resume_loop);
    tcase_add_test(tc, test_kick_halted);
    tcase_add_test(tc, test_interrupts_without_bql);
    tcase_add_test(tc, test_safe_work);
    tcase_add_test(tc, test_triple_fault_resets);
    tcase_add_test(tc, test_triple_fault_no_reboot);
    tcase_set_timeout(tc, 120);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
