/*
 * signal.c — guest signals on the host side. The guest's dispositions are
 * mirrored to the host (SIG_DFL and SIG_IGN as they are, a handler as
 * lu_signal_host_handler) and each guest thread's blocked mask is applied
 * to its host thread, so the host kernel picks the thread, keeps blocked
 * signals pending, and ends the process for default actions by itself.
 * A caught signal is queued on the guest thread it hit (one slot per
 * signal) and further host signals stay blocked until the thread delivers
 * it at a block boundary (signal-frame.c). SIGSEGV, SIGBUS and SIGFPE
 * belong to ferry (guest faults, cpuloop.c); glibc keeps 32 and 33.
 */
#include "linux-user/signal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include "jit/engine.h"
#include "linux-user/safe-syscall.h"
#include "linux-user/syscall-nr.h"

/* This host thread's guest thread: set once by lu_signal_thread_start. */
static __thread LuThread *cur_thread;

#define NEVER_BLOCKED (LU_SIGBIT(SIGKILL) | LU_SIGBIT(SIGSTOP))

/* Faults of guest code arrive as these: ferry always handles them. */
static bool ferry_owned(int sig)
{
    return sig == SIGSEGV || sig == SIGBUS || sig == SIGFPE;
}

/* The host C library's own signals (SIGCANCEL, SIGSETXID): never touched. */
static bool libc_owned(int sig)
{
    return sig >= 32 && sig < SIGRTMIN;
}

void lu_signal_thread_exit(LuThread *t)
{
    lu_signal_block_all(NULL);
    uint64_t left = atomic_load(&t->sig_pending) | t->sig_held;
    for (int sig = 1; left; sig++) {
        if (!(left & LU_SIGBIT(sig))) {
            continue;
        }
        left &= ~LU_SIGBIT(sig);
        LuSigInfo *info = &t->sig_info[sig - 1];
        if (info->code == SI_TKILL) {
            continue;              /* sent to this thread: dies with it */
        }
        /* the kernel lets only the main thread keep a kernel si_code */
        if (syscall(SYS_rt_sigqueueinfo, getpid(), sig, info) != 0) {
            kill(getpid(), sig);
        }
    }
    atomic_store(&t->sig_pending, 0);
    t->sig_held = 0;
    cur_thread = NULL;
}

LuThread *lu_signal_current(void)
{
    return cur_thread;
}

void lu_signal_host_set(uint64_t mask, bool wait, sigset_t *out)
{
    sigemptyset(out);
    for (int sig = 1; sig <= LU_NSIG; sig++) {
        if ((mask & LU_SIGBIT(sig)) && !libc_owned(sig) && (wait || !ferry_owned(sig))) {
            sigaddset(out, sig);
        }
    }
}

void lu_signal_block_all(sigset_t *old)
{
    sigset_t all;
    lu_signal_host_set(~0ull, false, &all);
    pthread_sigmask(SIG_SETMASK, &all, old);
}

/* ---------------------------------------------------------------------- */
/* The host handler                                                        */

uintptr_t lu_signal_host_pc(const void *uc_)
{
    const ucontext_t *uc = uc_;
#if defined(__x86_64__)
    return (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
#elif defined(__aarch64__)
    return (uintptr_t)uc->uc_mcontext.pc;
#elif defined(__loongarch64)
    return (uintptr_t)uc->uc_mcontext.__pc;
#else
    (void)uc;
    return 0;
#endif
}

/* A host signal landed in lu_safe_syscall_base before its syscall
 * instruction: leave through the -EINTR exit instead. */
static void safe_syscall_rewind(ucontext_t *uc)
{
    uintptr_t pc = lu_signal_host_pc(uc);
    if (pc <= (uintptr_t)lu_safe_syscall_start || pc >= (uintptr_t)lu_safe_syscall_end) {
        return;
    }
#if defined(__x86_64__)
    uc->uc_mcontext.gregs[REG_RIP] = (greg_t)(uintptr_t)lu_safe_syscall_interrupted;
#elif defined(__aarch64__)
    uc->uc_mcontext.pc = (uintptr_t)lu_safe_syscall_interrupted;
#elif defined(__loongarch64)
    uc->uc_mcontext.__pc = (uintptr_t)lu_safe_syscall_interrupted;
#endif
}

void lu_signal_host_handler(int sig, siginfo_t *si, void *uc_)
{
    int saved_errno = errno;
    ucontext_t *uc = uc_;
    LuThread *t = cur_thread;

    /* Keep every other guest signal in the host kernel until this one is
     * delivered: the thread's one slot per signal then never overflows
     * and real-time signals stay queued there. */
    lu_signal_host_set(~0ull, false, &uc->uc_sigmask);
    if (!t) {
        /* A host thread that runs no guest code (liburcu's): pass the
         * signal on to the process, where a guest thread takes it (its
         * sender and code become ferry's kill). */
        kill(getpid(), sig);
        errno = saved_errno;
        return;
    }
    uint64_t bit = LU_SIGBIT(sig);
    if (!(atomic_load(&t->sig_pending) & bit)) {
        memcpy(&t->sig_info[sig - 1], si, sizeof(LuSigInfo));
        atomic_fetch_or(&t->sig_pending, bit);
    }
    jit_cpu_kick(&t->cpu.jit);
    safe_syscall_rewind(uc);
    errno = saved_errno;
}

/* ---------------------------------------------------------------------- */
/* Dispositions, masks, queue                                              */

void lu_signal_init(LuProc *p)
{
    for (int sig = 1; sig <= LU_NSIG; sig++) {
        struct sigaction old;
        if (!libc_owned(sig) && sigaction(sig, NULL, &old) == 0 && old.sa_handler == SIG_IGN) {
            p->sigact[sig].handler = 1;        /* SIG_IGN survives exec */
        }
    }
}

void lu_signal_thread_start(LuThread *t)
{
    cur_thread = t;
    lu_signal_set_mask(t, t->sigmask);
}

void lu_signal_host_action(LuProc *p, int sig)
{
    if (sig == SIGKILL || sig == SIGSTOP || libc_owned(sig) || ferry_owned(sig)) {
        return;          /* the fault handler stays and forwards what is not a fault */
    }
    const LuSigaction *a = &p->sigact[sig];
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    if (a->handler <= 1) {
        sa.sa_handler = a->handler ? SIG_IGN : SIG_DFL;
    } else {
        sa.sa_sigaction = lu_signal_host_handler;
        sa.sa_flags = SA_SIGINFO;          /* no SA_RESTART: blocking calls return EINTR */
        lu_signal_host_set(~0ull, false, &sa.sa_mask);
    }
    sa.sa_flags |= (int)(a->flags & (SA_NOCLDSTOP | SA_NOCLDWAIT));   /* same bits */
    sigaction(sig, &sa, NULL);
}

/* Queued signals that mask now blocks go back to the host kernel (sent to
 * this thread again, with their siginfo), which keeps them pending until
 * unblocked: the queue then holds only deliverable signals, which is what
 * lu_safe_syscall tests. Host signals must be blocked. */
static void requeue_blocked(LuThread *t, uint64_t mask)
{
    uint64_t back = atomic_load(&t->sig_pending) & mask;
    for (int sig = 1; back; sig++) {
        if (!(back & LU_SIGBIT(sig))) {
            continue;
        }
        back &= ~LU_SIGBIT(sig);
        atomic_fetch_and(&t->sig_pending, ~LU_SIGBIT(sig));
        if (ferry_owned(sig)) {
            t->sig_held |= LU_SIGBIT(sig);   /* the host cannot hold these for us */
            continue;
        }
        syscall(SYS_rt_tgsigqueueinfo, getpid(), t->tid, sig, &t->sig_info[sig - 1]);
    }
}

void lu_signal_set_mask(LuThread *t, uint64_t mask)
{
    sigset_t host;
    lu_signal_block_all(NULL);
    t->sigmask = mask & ~NEVER_BLOCKED;
    requeue_blocked(t, t->sigmask);
    atomic_fetch_or(&t->sig_pending, t->sig_held & ~t->sigmask);
    t->sig_held &= t->sigmask;
    lu_signal_host_set(t->sigmask, false, &host);
    pthread_sigmask(SIG_SETMASK, &host, NULL);
}

int lu_signal_dequeue(LuThread *t, LuSigInfo *out)
{
    uint64_t ready = atomic_load(&t->sig_pending) & ~t->sigmask;
    const uint64_t sync = LU_SIGBIT(SIGSEGV) | LU_SIGBIT(SIGBUS) | LU_SIGBIT(SIGILL) |
                          LU_SIGBIT(SIGTRAP) | LU_SIGBIT(SIGFPE);
    if (ready & sync) {
        ready &= sync;
    }
    if (!ready) {
        requeue_blocked(t, t->sigmask);
        return 0;
    }
    int sig = __builtin_ctzll(ready) + 1;
    *out = t->sig_info[sig - 1];
    atomic_fetch_and(&t->sig_pending, ~LU_SIGBIT(sig));
    return sig;
}

void lu_signal_note_interrupted(LuThread *t, uint64_t nr)
{
    switch (nr) {
    case LU_NR_poll: case LU_NR_ppoll: case LU_NR_select: case LU_NR_pselect6:
    case LU_NR_pause: case LU_NR_rt_sigsuspend: case LU_NR_nanosleep:
    case LU_NR_clock_nanosleep:
        t->restart_kind = LU_RESTART_NOHAND;
        break;
    case LU_NR_execve:
        t->restart_kind = LU_RESTART_NOINTR;
        break;
    case LU_NR_rt_sigtimedwait: case LU_NR_epoll_wait: case LU_NR_epoll_pwait:
    case LU_NR_epoll_pwait2:
        return;                    /* never restarted: the guest sees EINTR */
    default:
        t->restart_kind = LU_RESTART_SYS;
        break;
    }
    t->restart_nr = nr;
}

bool lu_signal_default_ignores(int sig)
{
    return sig == SIGCHLD || sig == SIGCONT || sig == SIGURG || sig == SIGWINCH;
}

bool lu_signal_default_stops(int sig)
{
    return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

_Noreturn void lu_signal_die(LuProc *p, int sig, uint64_t rip, const char *why)
{
    if (why) {
        const char *name = sigabbrev_np(sig);
        fprintf(stderr, "ferry: guest SIG%s at rip %#llx%s%s\n", name ? name : "?",
                (unsigned long long)rip, *why ? ": " : "", why);
    }
    fflush(NULL);
    if (p->log && p->log != stderr) {
        fflush(p->log);
    }
    signal(sig, SIG_DFL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
    raise(sig);
    _exit(128 + sig);
}

/* ---------------------------------------------------------------------- */
/* Alternate stack, temporary masks, sigtimedwait                           */

bool lu_signal_on_altstack(const LuThread *t, uint64_t sp)
{
    if (t->altstack[1] & LU_SS_AUTODISARM) {
        return false;      /* the kernel's rule: such a stack is never "in use" */
    }
    return sp > t->altstack[0] && sp - t->altstack[0] <= t->altstack[2];
}

uint32_t lu_signal_ss_flags(const LuThread *t, uint64_t sp)
{
    if (!t->altstack[2]) {
        return LU_SS_DISABLE;
    }
    return lu_signal_on_altstack(t, sp) ? LU_SS_ONSTACK : 0;
}

int64_t lu_signal_set_altstack(LuThread *t, uint64_t sp, uint64_t ss_sp, uint32_t flags,
                               uint64_t size)
{
    if (lu_signal_on_altstack(t, sp)) {
        return -EPERM;
    }
    uint32_t mode = flags & ~LU_SS_AUTODISARM;
    if (mode != 0 && mode != LU_SS_DISABLE && mode != LU_SS_ONSTACK) {
        return -EINVAL;
    }
    if (t->altstack[0] == ss_sp && t->altstack[1] == flags && t->altstack[2] == size) {
        return 0;                  /* no change (what sigreturn usually asks) */
    }
    if (mode == LU_SS_DISABLE) {
        ss_sp = 0;
        size = 0;
    } else if (size < LU_MINSIGSTKSZ) {
        return -ENOMEM;
    }
    t->altstack[0] = ss_sp;
    t->altstack[1] = flags;
    t->altstack[2] = size;
    return 0;
}

void lu_signal_temp_mask(LuThread *t, uint64_t mask, sigset_t *host)
{
    sigset_t old;
    lu_signal_block_all(&old);
    t->saved_sigmask = t->sigmask;
    t->restore_sigmask = true;
    t->sigmask = mask & ~NEVER_BLOCKED;
    requeue_blocked(t, t->sigmask);
    atomic_fetch_or(&t->sig_pending, t->sig_held & ~t->sigmask);
    t->sig_held &= t->sigmask;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    lu_signal_host_set(t->sigmask, false, host);
}

void lu_signal_temp_mask_done(LuThread *t, int64_t result)
{
    if (result != -EINTR || !atomic_load(&t->sig_pending)) {
        t->restore_sigmask = false;
        lu_signal_set_mask(t, t->saved_sigmask);
    }
}

int lu_signal_take(LuThread *t, uint64_t set, LuSigInfo *out)
{
    sigset_t old;
    lu_signal_block_all(&old);
    uint64_t have = (atomic_load(&t->sig_pending) | t->sig_held) & set;
    int sig = have ? __builtin_ctzll(have) + 1 : 0;
    if (sig) {
        *out = t->sig_info[sig - 1];
        atomic_fetch_and(&t->sig_pending, ~LU_SIGBIT(sig));
        t->sig_held &= ~LU_SIGBIT(sig);
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return sig;
}
