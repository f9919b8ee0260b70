/*
 * cpus.c — the vCPU thread loop and cross-vCPU work. Everything a vCPU
 * shares is under the BQL, which the thread holds except while inside
 * exec(). Every wake-up is a broadcast on the vCPU's condition after
 * setting the state under the BQL, so none can be lost. Safe work waits
 * for the count of vCPUs in exec() to reach zero; while any is pending no
 * vCPU enters exec().
 */
#include "system/cpus.h"

#include <assert.h>

#include "system/rcu.h"

typedef struct SysCpuWork {
    SysCpuWorkFn fn;
    void *data;
    bool safe;
    bool sync;              /* a waiter is on work_done, free nothing */
    bool done;
} SysCpuWork;

static GPtrArray *all_cpus GUARDED_BY(sys_bql);
static int cpus_in_exec GUARDED_BY(sys_bql);
static int safe_pending GUARDED_BY(sys_bql);
static pthread_cond_t work_done = PTHREAD_COND_INITIALIZER;   /* with BQL */
static pthread_cond_t paused = PTHREAD_COND_INITIALIZER;      /* with BQL */
static __thread SysCpu *this_cpu;

static void wake(SysCpu *cpu) REQUIRES(sys_bql)
{
    cpu->exit_request = true;
    if (cpu->ops->kick) {
        cpu->ops->kick(cpu);
    }
    pthread_cond_broadcast(&cpu->cond);
}

static void wake_all(void) REQUIRES(sys_bql)
{
    for (guint i = 0; i < all_cpus->len; i++) {
        wake(g_ptr_array_index(all_cpus, i));
    }
}

/* Run the first queued item if it may run now; returns whether it did. */
static bool run_one_work(SysCpu *cpu) REQUIRES(sys_bql)
{
    SysCpuWork *w = g_queue_peek_head(&cpu->work);

    if (!w || (w->safe && cpus_in_exec > 0)) {
        return false;
    }
    g_queue_pop_head(&cpu->work);
    w->fn(cpu, w->data);
    if (w->safe) {
        safe_pending--;
        wake_all();             /* others may enter exec() again */
    }
    if (w->sync) {
        w->done = true;
        pthread_cond_broadcast(&work_done);
    } else {
        g_free(w);
    }
    return true;
}

/* Whether the thread must sleep instead of entering exec(). */
static bool must_wait(SysCpu *cpu) REQUIRES(sys_bql)
{
    if (safe_pending > 0) {
        return true;
    }
    return cpu->halted && !cpu->ops->has_work(cpu);
}

NO_THREAD_SAFETY_ANALYSIS   /* exec() runs with the BQL released */
static void run_guest(SysCpu *cpu)
{
    SysCpuExit r;

    cpu->halted = false;
    cpu->in_exec = true;
    cpus_in_exec++;
    sys_bql_unlock();
    r = cpu->ops->exec(cpu);
    sys_bql_lock();
    cpu->exit_request = false;
    cpu->in_exec = false;
    if (--cpus_in_exec == 0 && safe_pending > 0) {
        wake_all();
    }
    if (r == SYS_CPU_EXIT_HALT) {
        cpu->halted = true;
    }
}

static void cpu_loop(SysCpu *cpu) REQUIRES(sys_bql)
{
    while (!cpu->exit_thread) {
        if (run_one_work(cpu)) {
            continue;
        }
        if (cpu->stop) {
            if (!cpu->stopped) {
                cpu->stopped = true;
                pthread_cond_broadcast(&paused);
            }
            sys_bql_cond_wait(&cpu->cond);
            continue;
        }
        cpu->stopped = false;
        if (must_wait(cpu)) {
            sys_bql_cond_wait(&cpu->cond);
            continue;
        }
        run_guest(cpu);
    }
}

NO_THREAD_SAFETY_ANALYSIS   /* the thread takes the BQL for its loop */
static void *cpu_thread(void *arg)
{
    SysCpu *cpu = arg;

    this_cpu = cpu;
    sys_rcu_register_thread();
    sys_bql_lock();
    cpu_loop(cpu);
    sys_bql_unlock();
    sys_rcu_unregister_thread();
    return NULL;
}

SysCpu *sys_cpu_new(int index, const SysAccelOps *ops, void *opaque)
{
    SysCpu *cpu = g_new0(SysCpu, 1);

    cpu->index = index;
    cpu->ops = ops;
    cpu->opaque = opaque;
    pthread_cond_init(&cpu->cond, NULL);
    g_queue_init(&cpu->work);
    if (!all_cpus) {
        all_cpus = g_ptr_array_new();
    }
    g_ptr_array_add(all_cpus, cpu);
    return cpu;
}

void sys_cpu_start(SysCpu *cpu)
{
    pthread_create(&cpu->thread, NULL, cpu_thread, cpu);
}

void sys_cpu_destroy(SysCpu *cpu)
{
    assert(sys_cpu_current() == NULL);
    sys_bql_lock();
    cpu->exit_thread = true;
    wake(cpu);
    sys_bql_unlock();
    pthread_join(cpu->thread, NULL);
    sys_bql_lock();
    g_ptr_array_remove(all_cpus, cpu);
    while (!g_queue_is_empty(&cpu->work)) {
        SysCpuWork *w = g_queue_pop_head(&cpu->work);

        if (w->safe) {
            safe_pending--;
        }
        if (!w->sync) {
            g_free(w);
        }
    }
    sys_bql_unlock();
    pthread_cond_destroy(&cpu->cond);
    g_free(cpu);
}

SysCpu *sys_cpu_current(void)
{
    return this_cpu;
}

NO_THREAD_SAFETY_ANALYSIS   /* takes the BQL only when not held */
void sys_cpu_kick(SysCpu *cpu)
{
    bool locked = !sys_bql_held();

    if (locked) {
        sys_bql_lock();
    }
    wake(cpu);
    if (locked) {
        sys_bql_unlock();
    }
}

void sys_cpu_interrupt(SysCpu *cpu)
{
    wake(cpu);
}

static void queue_work(SysCpu *cpu, SysCpuWork *w) REQUIRES(sys_bql)
{
    g_queue_push_tail(&cpu->work, w);
    if (w->safe) {
        safe_pending++;
        wake_all();             /* everyone out of exec() */
    } else {
        wake(cpu);
    }
}

void sys_run_on_cpu(SysCpu *cpu, SysCpuWorkFn fn, void *data)
{
    SysCpuWork w = { fn, data, false, true, false };

    if (cpu == this_cpu) {
        fn(cpu, data);
        return;
    }
    queue_work(cpu, &w);
    while (!w.done) {
        sys_bql_cond_wait(&work_done);
    }
}

NO_THREAD_SAFETY_ANALYSIS   /* takes the BQL only when not held */
static void async_queue(SysCpu *cpu, SysCpuWorkFn fn, void *data, bool safe)
{
    SysCpuWork *w = g_new0(SysCpuWork, 1);
    bool locked = !sys_bql_held();

    w->fn = fn;
    w->data = data;
    w->safe = safe;
    if (locked) {
        sys_bql_lock();
    }
    queue_work(cpu, w);
    if (locked) {
        sys_bql_unlock();
    }
}

void sys_async_run_on_cpu(SysCpu *cpu, SysCpuWorkFn fn, void *data)
{
    async_queue(cpu, fn, data, false);
}

void sys_async_safe_run_on_cpu(SysCpu *cpu, SysCpuWorkFn fn, void *data)
{
    async_queue(cpu, fn, data, true);
}

static bool all_stopped(void) REQUIRES(sys_bql)
{
    for (guint i = 0; i < all_cpus->len; i++) {
        if (!((SysCpu *)g_ptr_array_index(all_cpus, i))->stopped) {
            return false;
        }
    }
    return true;
}

void sys_pause_all_vcpus(void)
{
    assert(sys_cpu_current() == NULL);
    for (guint i = 0; all_cpus && i < all_cpus->len; i++) {
        ((SysCpu *)g_ptr_array_index(all_cpus, i))->stop = true;
    }
    if (!all_cpus) {
        return;
    }
    wake_all();
    while (!all_stopped()) {
        sys_bql_cond_wait(&paused);
    }
}

void sys_resume_all_vcpus(void)
{
    for (guint i = 0; all_cpus && i < all_cpus->len; i++) {
        SysCpu *cpu = g_ptr_array_index(all_cpus, i);

        cpu->stop = false;
        cpu->stopped = false;
        wake(cpu);
    }
}

int sys_cpus_in_exec(void)
{
    return cpus_in_exec;
}
