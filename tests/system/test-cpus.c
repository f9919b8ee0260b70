/*
 * test-cpus.c — vCPU threads with a fake accelerator whose exec() "runs
 * guest code" until kicked: run_on_cpu runs on the target thread under the
 * BQL, async work runs in order, a halted vCPU sleeps until it has work,
 * safe work runs only while no vCPU is in exec(), and pause stops them
 * all outside guest code. Also run under TSan by tsan.sh.
 */
#include <check.h>
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

#include "system/cpus.h"
#include "tests/system/systest.h"

#define NCPU 4

typedef struct FakeCpu {
    _Atomic bool inside;         /* in exec() */
    _Atomic long execs;
    _Atomic bool halt_next;
    _Atomic bool irq;
} FakeCpu;

static FakeCpu fakes[NCPU];
static SysCpu *cpus[NCPU];
static _Atomic int violations;

static SysCpuExit fake_exec(SysCpu *cpu)
{
    FakeCpu *f = cpu->opaque;

    f->execs++;
    f->inside = true;
    while (!cpu->exit_request) {
        if (f->halt_next) {
            f->halt_next = false;
            f->inside = false;
            return SYS_CPU_EXIT_HALT;
        }
        usleep(50);             /* "guest code", politely */
    }
    f->inside = false;
    return SYS_CPU_EXIT_REQUEST;
}

static bool fake_has_work(SysCpu *cpu)
{
    return ((FakeCpu *)cpu->opaque)->irq;
}

static const SysAccelOps fake_ops = {
    .exec = fake_exec, .has_work = fake_has_work,
};

static void setup(void)
{
    violations = 0;
    sys_bql_lock();
    for (int i = 0; i < NCPU; i++) {
        fakes[i].execs = 0;
        fakes[i].halt_next = false;
        fakes[i].irq = false;
        cpus[i] = sys_cpu_new(i, &fake_ops, &fakes[i]);
    }
    for (int i = 0; i < NCPU; i++) {
        sys_cpu_start(cpus[i]);
    }
    sys_bql_unlock();
}

static void teardown(void)
{
    for (int i = 0; i < NCPU; i++) {
        sys_cpu_destroy(cpus[i]);
    }
}

typedef struct WhereRan {
    pthread_t thread;
    SysCpu *current;
    bool bql;
} WhereRan;

static void where_fn(SysCpu *cpu, void *data)
{
    WhereRan *w = data;

    w->thread = pthread_self();
    w->current = sys_cpu_current();
    w->bql = sys_bql_held();
}

START_TEST(run_on_cpu_runs_there)
{
    for (int i = 0; i < NCPU; i++) {
        WhereRan w = { 0 };

        sys_bql_lock();
        sys_run_on_cpu(cpus[i], where_fn, &w);
        sys_bql_unlock();
        ck_assert(pthread_equal(w.thread, cpus[i]->thread));
        ck_assert_ptr_eq(w.current, cpus[i]);
        ck_assert(w.bql);
    }
}
END_TEST

static int order[100];
static int norder;

static void append_fn(SysCpu *cpu, void *data)
{
    order[norder++] = (int)(intptr_t)data;
}

static void nop_fn(SysCpu *cpu, void *data)
{
}

START_TEST(async_work_in_order)
{
    norder = 0;
    for (intptr_t i = 0; i < 100; i++) {
        sys_async_run_on_cpu(cpus[1], append_fn, (void *)i);
    }
    sys_bql_lock();
    sys_run_on_cpu(cpus[1], nop_fn, NULL);  /* FIFO: a barrier */
    ck_assert_int_eq(norder, 100);
    for (int i = 0; i < 100; i++) {
        ck_assert_int_eq(order[i], i);
    }
    sys_bql_unlock();
}
END_TEST

START_TEST(halt_sleeps_until_work)
{
    long execs;
    bool halted = false;

    fakes[2].halt_next = true;
    while (!halted) {
        usleep(1000);
        sys_bql_lock();
        halted = cpus[2]->halted;
        sys_bql_unlock();
    }
    execs = fakes[2].execs;
    sys_cpu_kick(cpus[2]);                  /* a kick is not work */
    usleep(50000);
    ck_assert_int_eq(fakes[2].execs, execs);
    fakes[2].irq = true;
    sys_bql_lock();
    sys_cpu_interrupt(cpus[2]);
    sys_bql_unlock();
    while (fakes[2].execs == execs) {
        usleep(1000);
    }
    sys_bql_lock();
    ck_assert(!cpus[2]->halted);
    sys_bql_unlock();
}
END_TEST

static _Atomic int safe_runs;

static void safe_fn(SysCpu *cpu, void *data) REQUIRES(sys_bql)
{
    if (sys_cpus_in_exec() != 0) {
        violations++;
    }
    for (int i = 0; i < NCPU; i++) {
        if (fakes[i].inside) {
            violations++;
        }
    }
    safe_runs++;
}

START_TEST(safe_work_is_exclusive)
{
    safe_runs = 0;
    for (int i = 0; i < 40; i++) {
        sys_async_safe_run_on_cpu(cpus[i % NCPU], safe_fn, NULL);
        usleep(200);
    }
    sys_bql_lock();
    for (int i = 0; i < NCPU; i++) {
        sys_run_on_cpu(cpus[i], nop_fn, NULL);
    }
    sys_bql_unlock();
    ck_assert_int_eq(safe_runs, 40);
    ck_assert_int_eq(violations, 0);
}
END_TEST

START_TEST(pause_and_resume)
{
    long execs[NCPU];

    usleep(5000);
    sys_bql_lock();
    sys_pause_all_vcpus();
    ck_assert_int_eq(sys_cpus_in_exec(), 0);
    sys_bql_unlock();
    for (int i = 0; i < NCPU; i++) {
        ck_assert(!fakes[i].inside);
        execs[i] = fakes[i].execs;
    }
    usleep(20000);
    for (int i = 0; i < NCPU; i++) {
        ck_assert_int_eq(fakes[i].execs, execs[i]);
    }
    sys_bql_lock();
    sys_resume_all_vcpus();
    sys_bql_unlock();
    for (int i = 0; i < NCPU; i++) {
        sys_cpu_kick(cpus[i]);
        while (fakes[i].execs == execs[i]) {
            usleep(1000);
        }
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cpus");
    TCase *tc = tcase_create("vcpu");

    tcase_set_timeout(tc, 60);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, run_on_cpu_runs_there);
    tcase_add_test(tc, async_work_in_order);
    tcase_add_test(tc, halt_sleeps_until_work);
    tcase_add_test(tc, safe_work_is_exclusive);
    tcase_add_test(tc, pause_and_resume);
    suite_add_tcase(s, tc);
    return systest_run(s);
}
