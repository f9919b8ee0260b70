/*
 * thread.c — guest threads in ferry-x86_64: clone(CLONE_VM|CLONE_THREAD)
 * starts a host thread per guest thread (guest tid = host tid) with its own
 * LuThread and JIT CPU; exit(2) ends one thread (robust list, then
 * clear_child_tid) and the process with its last thread; exit_group ends
 * the process from any thread; fork from a multi-threaded process takes
 * every lock first so that the child (only the caller survives) can use
 * them. The thread model and the lock order are in docs/linux-user.md.
 */
#include "linux-user/thread.h"

#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "jit/engine.h"
#include "jit/fatal.h"
#include "jit/softmmu.h"
#include "linux-user/cpuloop.h"
#include "linux-user/signal.h"
#include "linux-user/syscall-int.h"   /* lu_gptr: thread.c does syscall work */

enum {
    LU_CLONE_VM = 0x100, LU_CLONE_FS = 0x200, LU_CLONE_FILES = 0x400,
    LU_CLONE_SIGHAND = 0x800, LU_CLONE_THREAD = 0x10000, LU_CLONE_SYSVSEM = 0x40000,
    LU_CLONE_SETTLS = 0x80000, LU_CLONE_PARENT_SETTID = 0x100000,
    LU_CLONE_CHILD_CLEARTID = 0x200000, LU_CLONE_DETACHED = 0x400000,
    LU_CLONE_CHILD_SETTID = 0x1000000,
};
/* What a host thread shares with its process anyway: a guest thread must
 * ask for all of it (glibc's pthread_create does). */
#define LU_CLONE_THREAD_NEEDS (LU_CLONE_VM | LU_CLONE_FS | LU_CLONE_FILES | \
                               LU_CLONE_SIGHAND | LU_CLONE_THREAD)
#define LU_CLONE_THREAD_OK (LU_CLONE_THREAD_NEEDS | LU_CLONE_SYSVSEM | LU_CLONE_SETTLS | \
                            LU_CLONE_PARENT_SETTID | LU_CLONE_CHILD_CLEARTID | \
                            LU_CLONE_DETACHED | LU_CLONE_CHILD_SETTID)
#define LU_SEG_FS 4
#define LU_HOST_STACK (2u << 20)   /* ferry's own stack per thread */

/* The process and engine threads run on: written by lu_threads_init before
 * any guest code runs, read-only afterwards. */
static LuProc *thread_proc;
static JitEngine *thread_engine;
/* Set once (exchange) when the second guest thread is created. */
static atomic_bool thread_multi;
/* The guest thread this host thread runs: owner thread only. */
static __thread LuThread *thread_current;
/* Held while a thread registers with or leaves liburcu and the engine, and
 * across a fork: liburcu's registry lock must not be held by a thread the
 * fork child does not have. Outermost: taken before the exclusive section. */
static pthread_mutex_t thread_life_lock = PTHREAD_MUTEX_INITIALIZER;

void lu_threads_became_multi(LuProc *p)
{
    /* A second thread observes this one's stores: x86-TSO ordering from
     * now on (docs/memory-model.md; -tso decides what that costs). */
    lu_sys_go_parallel(p);
    /* From now on the process cannot end through exit(3) (other host
     * threads may be running generated code while atexit handlers and
     * library destructors run): process_exit uses _exit. */
    atomic_store(&thread_multi, true);
}

/* ---------------------------------------------------------------------- */
/* Exit                                                                     */

/* End the process with status (exit_group, or the last thread's exit). */
static _Noreturn void process_exit(int status)
{
    if (thread_engine->log_mask & JIT_LOG_STATS) {
        jit_stats_print(thread_engine, thread_proc->log);
    }
    fflush(NULL);
    if (!atomic_load(&thread_multi)) {
        exit(status);
    }
    _exit(status);                 /* exit_group: every other thread too */
}

/* A 32-bit guest word for the kernel-side updates below, or NULL. */
static _Atomic uint32_t *guest_word(LuProc *p, uint64_t addr)
{
    return lu_gptr(p, addr, 4, PROT_READ | PROT_WRITE);
}

static void futex_wake_one(_Atomic uint32_t *w)
{
    /* Not FUTEX_PRIVATE: like the kernel, so a waiter on a shared mapping
     * is woken too (a private waiter in private memory has the same key). */
    syscall(SYS_futex, w, FUTEX_WAKE, 1, NULL, NULL, 0);
}

/* The kernel's handle_futex_death for one robust futex of thread tid. */
static void futex_owner_died(LuProc *p, uint64_t addr, int tid, bool pi, bool pending)
{
    _Atomic uint32_t *w = guest_word(p, addr);
    if (!w) {
        return;
    }
    uint32_t v = atomic_load(w);
    for (;;) {
        if (pending && !pi && v == 0) {
            futex_wake_one(w);     /* died between unlock and the wake */
            return;
        }
        if ((v & FUTEX_TID_MASK) != (uint32_t)tid) {
            return;
        }
        uint32_t nv = (v & FUTEX_WAITERS) | FUTEX_OWNER_DIED;
        if (atomic_compare_exchange_weak(w, &v, nv)) {
            break;
        }
    }
    if (!pi && (v & FUTEX_WAITERS)) {
        futex_wake_one(w);
    }
}

/* A guest pointer-sized word, or false when unreadable. */
static bool guest_u64(LuProc *p, uint64_t addr, uint64_t *out)
{
    const uint64_t *q = lu_gptr(p, addr, 8, PROT_READ);
    if (q) {
        *out = __atomic_load_n(q, __ATOMIC_RELAXED);
    }
    return q != NULL;
}

/*
 * Release the robust futexes t still holds, as the kernel's
 * exit_robust_list does (struct robust_list_head: next, futex_offset,
 * list_op_pending; bit 0 of an entry marks a PI futex). Done here rather
 * than by the host kernel: the host thread's own robust list is glibc's,
 * and the kernel would walk it after ferry's clear_child_tid wake, when
 * the joiner may already have freed the list's memory (the kernel walks
 * the list first).
 */
static void robust_list_release(LuProc *p, LuThread *t)
{
    uint64_t head = t->robust_list, entry, off, pending;
    if (!head || !guest_u64(p, head, &entry) || !guest_u64(p, head + 8, &off) ||
        !guest_u64(p, head + 16, &pending)) {
        return;
    }
    for (unsigned n = 0; (entry & ~1ull) != head && n < 2048; n++) {   /* ROBUST_LIST_LIMIT */
        uint64_t next;
        if (!guest_u64(p, entry & ~1ull, &next)) {
            return;
        }
        if ((entry & ~1ull) != (pending & ~1ull)) {
            futex_owner_died(p, (entry & ~1ull) + off, t->tid, entry & 1, false);
        }
        entry = next;
    }
    if (pending & ~1ull) {
        futex_owner_died(p, (pending & ~1ull) + off, t->tid, pending & 1, true);
    }
}

/* exit(2) of thread t: the process ends with its last thread, with that
 * thread's status (what Linux reports, whichever thread was the leader). */
static _Noreturn void thread_exit(LuThread *t)
{
    LuProc *p = t->proc;
    lu_signal_thread_exit(t);      /* what was queued here for the process */
    robust_list_release(p, t);
    if (t->clear_child_tid) {
        _Atomic uint32_t *w = guest_word(p, t->clear_child_tid);
        if (w) {
            atomic_store(w, 0);
            futex_wake_one(w);
        }
    }
    bool leader = t->tid == getpid();
    pthread_mutex_lock(&thread_life_lock);
    jit_cpu_unregister(thread_engine, &t->cpu.jit);
    if (atomic_fetch_sub(&p->nthreads, 1) == 1) {
        process_exit(t->exit_code);
    }
    thread_current = NULL;
    lu_thread_free(t);
    rcu_unregister_thread();
    pthread_mutex_unlock(&thread_life_lock);
    if (leader) {
        /* The host main thread must not return from main (that would end
         * the process), nor exit: a zombie leader's /proc/self/maps is
         * empty and its /proc/self/exe unreadable, and ferry reads both.
         * It sleeps, deaf to signals, until the last thread ends the
         * process. */
        sigset_t all;
        sigfillset(&all);
        pthread_sigmask(SIG_SETMASK, &all, NULL);
        for (;;) {
            pause();
        }
    }
    pthread_exit(NULL);
}

_Noreturn void lu_thread_run(LuThread *t)
{
    LuProc *p = t->proc;
    thread_current = t;
    lu_cpu_loop(p, thread_engine, &t->cpu);
    if (atomic_load_explicit(&p->exited, memory_order_acquire)) {
        process_exit(p->exit_status);
    }
    thread_exit(t);
}

/* ---------------------------------------------------------------------- */
/* clone                                                                    */

/* What the parent hands the new host thread; lives on the parent's stack
 * until the child posts `started`. */
typedef struct LuCloneStart {
    LuThread *t;
    uint64_t flags, parent_tid, child_tid;
    int tid;                       /* written by the child before `started` */
    sem_t started;
} LuCloneStart;

static void put_tid(LuProc *p, uint64_t addr, int tid)
{
    _Atomic uint32_t *w = guest_word(p, addr);
    if (w) {
        atomic_store(w, (uint32_t)tid);
    }
}

static void *thread_start(void *arg)
{
    LuCloneStart *s = arg;
    LuThread *t = s->t;
    LuProc *p = t->proc;
    t->tid = (int)gettid();
    pthread_mutex_lock(&thread_life_lock);
    rcu_register_thread();
    jit_cpu_register(thread_engine, &t->cpu.jit);
    pthread_mutex_unlock(&thread_life_lock);
    /* Both before the parent's clone returns, as the kernel writes them. */
    if (s->flags & LU_CLONE_PARENT_SETTID) {
        put_tid(p, s->parent_tid, t->tid);
    }
    if (s->flags & LU_CLONE_CHILD_SETTID) {
        put_tid(p, s->child_tid, t->tid);
    }
    s->tid = t->tid;
    sem_post(&s->started);         /* s is gone from here on */
    /* Host signals stay blocked until lu_cpu_loop's lu_signal_thread_start
     * applies the thread's guest mask: none lands on a host thread that
     * is not yet a guest thread. */
    lu_thread_run(t);
}

/* The new thread's state: the parent's registers with rax = 0, the new
 * stack and TLS; the parent's blocked set; no alternate stack (Linux
 * resets it for CLONE_VM); a fresh JIT CPU header. */
static LuThread *thread_new_child(LuThread *parent, const uint64_t *a)
{
    LuThread *t = g_new0(LuThread, 1);
    t->proc = parent->proc;
    memcpy(&t->cpu, &parent->cpu, sizeof(t->cpu));
    JitMemMode mode = parent->cpu.jit.mem_mode;
    uint64_t guest_base = parent->cpu.jit.guest_base;
    memset(&t->cpu.jit, 0, sizeof(t->cpu.jit));
    t->cpu.jit.exception = -1;
    t->cpu.jit.mem_mode = mode;
    t->cpu.jit.guest_base = guest_base;
    t->cpu.regs[X86_RAX] = 0;
    if (a[1]) {
        t->cpu.regs[X86_RSP] = a[1];
    }
    if (a[0] & LU_CLONE_SETTLS) {
        t->cpu.seg_base[LU_SEG_FS] = a[4];
    }
    t->sigmask = parent->sigmask;
    t->altstack[1] = 2;            /* SS_DISABLE */
    t->clear_child_tid = (a[0] & LU_CLONE_CHILD_CLEARTID) ? a[3] : 0;
    return t;
}

/* p->clone_thread: clone(flags, newsp, parent_tid, child_tid, tls) with
 * CLONE_THREAD. Returns the new thread's tid once it is set up. */
static int64_t thread_clone(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    uint64_t flags = a[0];
    if ((flags & LU_CLONE_THREAD_NEEDS) != LU_CLONE_THREAD_NEEDS ||
        (flags & ~(uint64_t)LU_CLONE_THREAD_OK & ~0xffull) || (flags & 0xff)) {
        if (p->log_unimp) {
            fprintf(p->log, "ferry: clone flags %#llx for a thread not supported\n",
                    (unsigned long long)flags);
        }
        return -EINVAL;
    }
    LuCloneStart s = {
        .t = thread_new_child(lu_thread_of(c), a),
        .flags = flags, .parent_tid = a[2], .child_tid = a[3],
    };
    sem_init(&s.started, 0, 0);
    if (atomic_fetch_add(&p->nthreads, 1) == 1 && !atomic_load(&thread_multi)) {
        lu_threads_became_multi(p);
    }
    /* The child starts with every host signal blocked (see thread_start);
     * the parent's own mask comes back once the child exists. */
    sigset_t all, host_mask;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &host_mask);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, LU_HOST_STACK);
    pthread_t th;
    int r = pthread_create(&th, &attr, thread_start, &s);
    pthread_attr_destroy(&attr);
    pthread_sigmask(SIG_SETMASK, &host_mask, NULL);
    if (r != 0) {
        atomic_fetch_sub(&p->nthreads, 1);
        lu_thread_free(s.t);
        sem_destroy(&s.started);
        return -EAGAIN;
    }
    while (sem_wait(&s.started) != 0 && errno == EINTR) {
    }
    sem_destroy(&s.started);
    return s.tid;
}

/* ---------------------------------------------------------------------- */
/* fork                                                                     */

/*
 * p->fork_hook. Before the fork every other guest thread is parked
 * (exclusive section) or in a syscall, and this thread takes every lock
 * they could hold, in the lock order, so that none is held by a thread
 * the child does not have. In the child only the caller survives: its CPU
 * is the only one left in the engine.
 */
static void thread_fork_hook(int phase) NO_THREAD_SAFETY_ANALYSIS
{
    LuProc *p = thread_proc;
    JitEngine *e = thread_engine;
    if (phase == 0) {
        pthread_mutex_lock(&thread_life_lock);
        jit_exclusive_start(e, NULL);
        pthread_mutex_lock(&p->mmap_lock);
        jit_mutex_lock(&jit_tb_lock);
        pthread_mutex_lock(&p->lock);
        jit_mutex_lock(&jit_cpu_list_lock);
        pthread_mutex_lock(&p->mem->lock);
        /* Last: liburcu's call_rcu lock is taken under jit_tb_lock (a
         * flush's call_rcu), and its worker needs none of the above. */
        call_rcu_before_fork();
        return;
    }
    if (phase == 1) {
        call_rcu_after_fork_parent();
    } else {
        call_rcu_after_fork_child();
        LuThread *self = thread_current;
        self->tid = (int)gettid();
        for (guint i = e->cpus->len; i-- > 0;) {
            if (g_ptr_array_index(e->cpus, i) != &self->cpu.jit) {
                g_ptr_array_remove_index(e->cpus, i);
            }
        }
        atomic_store(&p->nthreads, 1);
    }
    pthread_mutex_unlock(&p->mem->lock);
    jit_mutex_unlock(&jit_cpu_list_lock);
    pthread_mutex_unlock(&p->lock);
    jit_mutex_unlock(&jit_tb_lock);
    pthread_mutex_unlock(&p->mmap_lock);
    jit_exclusive_end(e, NULL);
    pthread_mutex_unlock(&thread_life_lock);
}

/* jit_user_exclusive_hook: a split atomic's fallback, inside a helper on
 * the CPU's own thread, which counts as parked meanwhile. */
static void split_atomic_exclusive(JitCpu *cpu, bool begin)
{
    if (begin) {
        jit_exclusive_start(thread_engine, cpu);
    } else {
        jit_exclusive_end(thread_engine, cpu);
    }
}

void lu_threads_init(LuProc *p, JitEngine *e)
{
    jit_user_exclusive_hook = split_atomic_exclusive;
    thread_proc = p;
    thread_engine = e;
    p->clone_thread = thread_clone;
    p->fork_hook = thread_fork_hook;
}
