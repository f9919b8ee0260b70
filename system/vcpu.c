/*
 * vcpu.c — vCPU threads: the run loop around the accelerator's exec, idle
 * waits, queued work (synchronous, asynchronous and "safe" work run inside
 * an exclusive section), pause/resume and reset. The vCPU list is fixed when
 * created; per-vCPU state says what protects it (vcpu.h). Lock order is in
 * vcpu.h; waits for another thread go through wait_sync().
 */
#include "system/vcpu.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "jit/fatal.h"
#include "system/rcu.h"
#include "system/runstate.h"

struct SysWorkItem {
    SysWorkItem *next;
    SysRunOnCpuFn fn;
    void *data;
    bool async;             /* heap item, freed after running */
    bool exclusive;         /* safe work: run inside an exclusive section */
    bool done;              /* sync items: GUARDED_BY(sys_bql) */
};

/* Written once by sys_vcpu_create_all (BQL) and read-only until destroy. */
static SysCPU **cpus;
static int ncpus;

static __thread SysCPU *current_cpu;

/* Broadcast (BQL held) whenever a vCPU is created, stops, exits, or sync
 * work completes; non-vCPU threads wait on it with the BQL. */
static pthread_cond_t sync_cond = PTHREAD_COND_INITIALIZER;

/* The exclusive section (safe work). */
static SysMutex excl_lock = { PTHREAD_MUTEX_INITIALIZER };
static pthread_cond_t excl_cond = PTHREAD_COND_INITIALIZER;
static bool excl_pending GUARDED_BY(excl_lock);
static int excl_running GUARDED_BY(excl_lock);

static void process_queued_work(SysCPU *cpu) REQUIRES(sys_bql);

/* ---- waking and waiting -------------------------------------------------- */

/* Bump the vCPU's kick sequence and wake it if it sleeps. Any context. */
NO_THREAD_SAFETY_ANALYSIS   /* pthread_cond_broadcast on a SysMutex */
static void wake(SysCPU *cpu)
{
    sys_mutex_lock(&cpu->wake_lock);
    atomic_fetch_add(&cpu->kick_seq, 1);
    pthread_cond_broadcast(&cpu->wake_cond);
    sys_mutex_unlock(&cpu->wake_lock);
}

/* Sleep (BQL released) until @cpu's kick sequence differs from @seq. */
NO_THREAD_SAFETY_ANALYSIS   /* pthread_cond_wait on a SysMutex */
static void wait_kick(SysCPU *cpu, unsigned seq) REQUIRES(sys_bql)
{
    sys_bql_unlock();
    sys_mutex_lock(&cpu->wake_lock);
    while (atomic_load(&cpu->kick_seq) == seq) {
        pthread_cond_wait(&cpu->wake_cond, &cpu->wake_lock.m);
    }
    sys_mutex_unlock(&cpu->wake_lock);
    sys_bql_lock();
}

/* Tell every thread in wait_sync that something changed. */
static void notify_sync(void) REQUIRES(sys_bql)
{
    pthread_cond_broadcast(&sync_cond);
    for (int i = 0; i < ncpus; i++) {
        if (cpus[i]->sync_waiting) {
            wake(cpus[i]);
        }
    }
}

/* Wait once for notify_sync (callers loop on their predicate). A vCPU keeps
 * serving its own work queue while it waits, so that vCPUs waiting for each
 * other cannot deadlock. */
static void wait_sync(void) REQUIRES(sys_bql)
{
    SysCPU *self = current_cpu;
    unsigned seq;

    if (!self) {
        sys_bql_cond_wait(&sync_cond);
        return;
    }
    seq = atomic_load(&self->kick_seq);
    self->sync_waiting = true;
    process_queued_work(self);
    if (atomic_load(&self->kick_seq) == seq) {
        wait_kick(self, seq);
    }
    self->sync_waiting = false;
}

void sys_cpu_kick(SysCPU *cpu)
{
    atomic_store(&cpu->exit_request, true);
    if (cpu->accel->kick) {
        cpu->accel->kick(cpu);
    }
    wake(cpu);
}

void sys_cpu_interrupt(SysCPU *cpu, unsigned mask)
{
    atomic_fetch_or(&cpu->interrupt_request, mask);
    sys_cpu_kick(cpu);
}

void sys_cpu_reset_interrupt(SysCPU *cpu, unsigned mask)
{
    atomic_fetch_and(&cpu->interrupt_request, ~mask);
}

/* ---- exclusive sections (safe work) -------------------------------------- */

NO_THREAD_SAFETY_ANALYSIS   /* pthread_cond_wait on a SysMutex */
void sys_cpu_exec_start(SysCPU *cpu)
{
    sys_mutex_lock(&excl_lock);
    while (excl_pending) {
        pthread_cond_wait(&excl_cond, &excl_lock.m);
    }
    atomic_store(&cpu->running, true);
    excl_running++;
    sys_mutex_unlock(&excl_lock);
}

void sys_cpu_exec_end(SysCPU *cpu)
{
    sys_mutex_lock(&excl_lock);
    atomic_store(&cpu->running, false);
    excl_running--;
    if (excl_pending) {
        pthread_cond_broadcast(&excl_cond);
    }
    sys_mutex_unlock(&excl_lock);
}

/* Wait until no vCPU is inside exec and keep them out. Without the BQL: a
 * vCPU may need it to finish an MMIO access before it can leave exec. */
NO_THREAD_SAFETY_ANALYSIS   /* pthread_cond_wait on a SysMutex */
static void start_exclusive(void)
{
    assert(!sys_bql_held());
    sys_mutex_lock(&excl_lock);
    while (excl_pending) {
        pthread_cond_wait(&excl_cond, &excl_lock.m);
    }
    excl_pending = true;
    for (int i = 0; i < ncpus; i++) {
        if (atomic_load(&cpus[i]->running)) {
            sys_cpu_kick(cpus[i]);
        }
    }
    while (excl_running > 0) {
        pthread_cond_wait(&excl_cond, &excl_lock.m);
    }
    sys_mutex_unlock(&excl_lock);
}

static void end_exclusive(void)
{
    sys_mutex_lock(&excl_lock);
    excl_pending = false;
    pthread_cond_broadcast(&excl_cond);
    sys_mutex_unlock(&excl_lock);
}

/* ---- work queues --------------------------------------------------------- */

static void queue_work(SysCPU *cpu, SysWorkItem *wi)
{
    wi->next = NULL;
    sys_mutex_lock(&cpu->work_lock);
    if (cpu->work_tail) {
        cpu->work_tail->next = wi;
    } else {
        cpu->work_head = wi;
    }
    cpu->work_tail = wi;
    sys_mutex_unlock(&cpu->work_lock);
    sys_cpu_kick(cpu);
}

static bool cpu_has_work(SysCPU *cpu)
{
    bool has;

    sys_mutex_lock(&cpu->work_lock);
    has = cpu->work_head != NULL;
    sys_mutex_unlock(&cpu->work_lock);
    return has;
}

static SysWorkItem *dequeue_work(SysCPU *cpu)
{
    SysWorkItem *wi;

    sys_mutex_lock(&cpu->work_lock);
    wi = cpu->work_head;
    if (wi) {
        cpu->work_head = wi->next;
        if (!cpu->work_head) {
            cpu->work_tail = NULL;
        }
    }
    sys_mutex_unlock(&cpu->work_lock);
    return wi;
}

static void process_queued_work(SysCPU *cpu)
{
    SysWorkItem *wi;

    while ((wi = dequeue_work(cpu))) {
        if (wi->exclusive) {
            sys_bql_unlock();
            start_exclusive();
            wi->fn(cpu, wi->data);
            end_exclusive();
            sys_bql_lock();
        } else {
            wi->fn(cpu, wi->data);
        }
        if (wi->async) {
            g_free(wi);
        } else {
            wi->done = true;    /* the waiter needs the BQL to look: safe */
            notify_sync();
        }
    }
}

void sys_run_on_cpu(SysCPU *cpu, SysRunOnCpuFn fn, void *data)
{
    SysWorkItem wi = { .fn = fn, .data = data };

    if (cpu == current_cpu) {
        fn(cpu, data);
        return;
    }
    queue_work(cpu, &wi);
    while (!wi.done) {
        wait_sync();
    }
}

static void queue_async(SysCPU *cpu, SysRunOnCpuFn fn, void *data, bool excl)
{
    SysWorkItem *wi = g_new0(SysWorkItem, 1);

    wi->fn = fn;
    wi->data = data;
    wi->async = true;
    wi->exclusive = excl;
    queue_work(cpu, wi);
}

void sys_async_run_on_cpu(SysCPU *cpu, SysRunOnCpuFn fn, void *data)
{
    queue_async(cpu, fn, data, false);
}

void sys_async_safe_run_on_cpu(SysCPU *cpu, SysRunOnCpuFn fn, void *data)
{
    queue_async(cpu, fn, data, true);
}

/* ---- the vCPU thread ----------------------------------------------------- */

static bool cpu_thread_is_idle(SysCPU *cpu) REQUIRES(sys_bql)
{
    if (cpu->stop || cpu->unplug || cpu_has_work(cpu)) {
        return false;
    }
    if (cpu->stopped) {
        return true;
    }
    return cpu->halted && !atomic_load(&cpu->interrupt_request);
}

/* Idle wait, then queued work and stop requests (QEMU's wait_io_event). */
static void wait_io_event(SysCPU *cpu) REQUIRES(sys_bql)
{
    for (;;) {
        unsigned seq = atomic_load(&cpu->kick_seq);

        if (!cpu_thread_is_idle(cpu)) {
            break;
        }
        wait_kick(cpu, seq);
    }
    if (cpu->halted && atomic_load(&cpu->interrupt_request)) {
        cpu->halted = false;
    }
    process_queued_work(cpu);
    if (cpu->stop) {
        cpu->stop = false;
        cpu->stopped = true;
        notify_sync();
    }
}

static void run_exec(SysCPU *cpu) REQUIRES(sys_bql)
{
    SysExecExit r;

    /* Clear before looking at the queue: a kick after this is seen by exec. */
    atomic_store(&cpu->exit_request, false);
    if (cpu_has_work(cpu)) {
        return;
    }
    sys_bql_unlock();
    sys_cpu_exec_start(cpu);
    r = cpu->accel->exec(cpu);
    sys_cpu_exec_end(cpu);
    sys_bql_lock();
    switch (r) {
    case SYS_EXEC_HALTED:
        cpu->halted = !atomic_load(&cpu->interrupt_request);
        break;
    case SYS_EXEC_TRIPLE_FAULT:
        sys_request_reset(SYS_SHUTDOWN_GUEST_RESET);
        break;
    case SYS_EXEC_KICKED:
        break;
    }
}

static void *vcpu_thread(void *arg)
{
    SysCPU *cpu = arg;

    current_cpu = cpu;
    atomic_store(&cpu->thread_id, (int)syscall(SYS_gettid));
    sys_rcu_register_thread();      /* exec reads the memory map */
    sys_bql_lock();
    cpu->accel->init_vcpu(cpu);
    cpu->created = true;
    cpu->stopped = true;
    notify_sync();
    while (!cpu->unplug) {
        if (!cpu->stopped && !cpu->stop && !cpu->halted) {
            run_exec(cpu);
        }
        wait_io_event(cpu);
    }
    process_queued_work(cpu);
    cpu->accel->destroy_vcpu(cpu);
    cpu->created = false;
    notify_sync();
    sys_bql_unlock();
    sys_rcu_unregister_thread();
    return NULL;
}

/* ---- lifecycle ----------------------------------------------------------- */

static SysCPU *vcpu_new(int index, const SysAccelOps *accel)
{
    SysCPU *cpu = g_new0(SysCPU, 1);

    cpu->index = index;
    cpu->accel = accel;
    sys_mutex_init(&cpu->wake_lock);
    sys_mutex_init(&cpu->work_lock);
    pthread_cond_init(&cpu->wake_cond, NULL);
    return cpu;
}

void sys_vcpu_create_all(int n, const SysAccelOps *accel)
{
    assert(!cpus && n > 0);
    cpus = g_new0(SysCPU *, n);
    ncpus = n;
    for (int i = 0; i < n; i++) {
        char name[32];
        int err;

        cpus[i] = vcpu_new(i, accel);
        err = pthread_create(&cpus[i]->thread, NULL, vcpu_thread, cpus[i]);
        if (err) {
            ferry_die("cannot create vCPU thread: %s", strerror(err));
        }
        snprintf(name, sizeof(name), "CPU %d/%s", i, accel->name);
        name[15] = 0;       /* the kernel's limit for thread names */
        pthread_setname_np(cpus[i]->thread, name);
    }
    for (int i = 0; i < n; i++) {
        while (!cpus[i]->created) {
            wait_sync();
        }
    }
}

void sys_vcpu_destroy_all(void)
{
    assert(!current_cpu);
    for (int i = 0; i < ncpus; i++) {
        cpus[i]->unplug = true;
        sys_cpu_kick(cpus[i]);
    }
    /* All threads must be past their last notify_sync (which walks the
     * whole list) before any SysCPU is freed. */
    for (int i = 0; i < ncpus; i++) {
        while (cpus[i]->created) {
            wait_sync();
        }
    }
    for (int i = 0; i < ncpus; i++) {
        pthread_join(cpus[i]->thread, NULL);
        pthread_cond_destroy(&cpus[i]->wake_cond);
        sys_mutex_destroy(&cpus[i]->wake_lock);
        sys_mutex_destroy(&cpus[i]->work_lock);
        g_free(cpus[i]);
    }
    g_free(cpus);
    cpus = NULL;
    ncpus = 0;
}

int sys_vcpu_count(void)
{
    return ncpus;
}

SysCPU *sys_vcpu_get(int i)
{
    assert(i >= 0 && i < ncpus);
    return cpus[i];
}

SysCPU *sys_vcpu_current(void)
{
    return current_cpu;
}

bool sys_vcpu_all_stopped(void)
{
    for (int i = 0; i < ncpus; i++) {
        if (!cpus[i]->stopped) {
            return false;
        }
    }
    return true;
}

void sys_vcpu_pause_all(void)
{
    for (int i = 0; i < ncpus; i++) {
        SysCPU *cpu = cpus[i];

        if (cpu == current_cpu) {
            cpu->stop = false;
            cpu->stopped = true;
        } else if (!cpu->stopped) {
            cpu->stop = true;
            sys_cpu_kick(cpu);
        }
    }
    while (!sys_vcpu_all_stopped()) {
        wait_sync();
    }
}

void sys_vcpu_resume_all(void)
{
    for (int i = 0; i < ncpus; i++) {
        cpus[i]->stop = false;
        cpus[i]->stopped = false;
        sys_cpu_kick(cpus[i]);
    }
}

static void reset_one(SysCPU *cpu, void *data) REQUIRES(sys_bql)
{
    atomic_store(&cpu->interrupt_request, 0);
    cpu->halted = false;
    if (cpu->accel->reset) {
        cpu->accel->reset(cpu);
    }
}

void sys_vcpu_reset_all(void)
{
    assert(sys_vcpu_all_stopped());
    for (int i = 0; i < ncpus; i++) {
        sys_run_on_cpu(cpus[i], reset_one, NULL);
    }
}
