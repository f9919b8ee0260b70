/*
 * syscall-signal.c — the signal syscalls: dispositions (rt_sigaction,
 * mirrored to the host by signal.c), the blocked mask, the alternate
 * stack, waiting (rt_sigsuspend, pause, rt_sigtimedwait, signalfd),
 * pending, and sending (kill, tkill, tgkill, rt_[tg]sigqueueinfo, which
 * become the same host calls: guest pids and tids are host ones).
 * rt_sigreturn is in signal-frame.c (it needs the CPU's FP state).
 */
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "linux-user/safe-syscall.h"
#include "linux-user/signal.h"
#include "linux-user/syscall-int.h"

#define NEVER_BLOCKED (LU_SIGBIT(SIGKILL) | LU_SIGBIT(SIGSTOP))

/* A guest sigset_t argument of size bytes at addr (8 is the only size). */
static int64_t read_set(LuProc *p, uint64_t addr, uint64_t size, uint64_t *out)
{
    if (size != 8) {
        return -EINVAL;
    }
    const void *g = lu_gptr(p, addr, 8, PROT_READ);
    if (!g) {
        return -EFAULT;
    }
    memcpy(out, g, 8);
    return 0;
}

static int64_t sys_rt_sigaction(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    int sig = (int)a[0];
    if (a[3] != 8 || sig < 1 || sig > LU_NSIG) {
        return -EINVAL;
    }
    LuSigaction *act = NULL, *old = NULL;
    if (a[1] && !(act = lu_gptr(p, a[1], sizeof(*act), PROT_READ))) {
        return -EFAULT;
    }
    if (a[2] && !(old = lu_gptr(p, a[2], sizeof(*old), PROT_WRITE))) {
        return -EFAULT;
    }
    if (act && (sig == SIGKILL || sig == SIGSTOP)) {
        return -EINVAL;
    }
    LuSigaction new = act ? *act : (LuSigaction){ 0 };
    new.mask &= ~NEVER_BLOCKED;
    pthread_mutex_lock(&p->lock);
    if (old) {
        *old = p->sigact[sig];
    }
    if (act) {
        p->sigact[sig] = new;
        lu_signal_host_action(p, sig);
    }
    pthread_mutex_unlock(&p->lock);
    return 0;
}

static int64_t sys_rt_sigprocmask(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    int how = (int)a[0];
    if (a[3] != 8) {
        return -EINVAL;
    }
    uint64_t set = 0, *old = NULL;
    if (a[1] && read_set(p, a[1], 8, &set) < 0) {
        return -EFAULT;
    }
    if (a[2] && !(old = lu_gptr(p, a[2], 8, PROT_WRITE))) {
        return -EFAULT;
    }
    LuThread *t = lu_thread_of(c);
    uint64_t cur = t->sigmask;
    if (a[1]) {
        if (how == SIG_BLOCK) {
            lu_signal_set_mask(t, cur | set);
        } else if (how == SIG_UNBLOCK) {
            lu_signal_set_mask(t, cur & ~set);
        } else if (how == SIG_SETMASK) {
            lu_signal_set_mask(t, set);
        } else {
            return -EINVAL;
        }
    }
    if (old) {
        *old = cur;
    }
    return 0;
}

static int64_t sys_sigaltstack(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    uint64_t *ss = NULL, *old = NULL;
    if (a[0] && !(ss = lu_gptr(p, a[0], 24, PROT_READ))) {
        return -EFAULT;
    }
    if (a[1] && !(old = lu_gptr(p, a[1], 24, PROT_WRITE))) {
        return -EFAULT;
    }
    LuThread *t = lu_thread_of(c);
    uint64_t sp = c->regs[X86_RSP];
    uint64_t prev[3] = {
        t->altstack[0], lu_signal_ss_flags(t, sp) | (t->altstack[1] & LU_SS_AUTODISARM),
        t->altstack[2],
    };
    if (ss) {
        int64_t r = lu_signal_set_altstack(t, sp, ss[0], (uint32_t)ss[1], ss[2]);
        if (r < 0) {
            return r;
        }
    }
    if (old) {
        memcpy(old, prev, 24);
    }
    return 0;
}

/* ---------------------------------------------------------------------- */
/* Waiting                                                                  */

static int64_t sys_rt_sigsuspend(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    uint64_t set;
    int64_t r = read_set(p, a[0], a[1], &set);
    if (r < 0) {
        return r;
    }
    sigset_t host;
    lu_signal_temp_mask(lu_thread_of(c), set, &host);
    r = lu_safe_syscall(SYS_rt_sigsuspend, &host, sizeof(uint64_t));
    lu_signal_temp_mask_done(lu_thread_of(c), r);
    return r;
}

static int64_t sys_pause(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    /* No pause syscall on every host: ppoll on nothing waits the same way. */
    return lu_safe_syscall(SYS_ppoll, NULL, 0, NULL, NULL, 0);
}

/* Copy a dequeued guest signal out for sigtimedwait. */
static int64_t put_info(LuProc *p, uint64_t addr, const void *info)
{
    if (addr) {
        void *g = lu_gptr(p, addr, sizeof(LuSigInfo), PROT_WRITE);
        if (!g) {
            return -EFAULT;
        }
        memcpy(g, info, sizeof(LuSigInfo));
    }
    return 0;
}

static int64_t sys_rt_sigtimedwait(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    uint64_t set;
    int64_t r = read_set(p, a[0], a[3], &set);
    if (r < 0) {
        return r;
    }
    const void *ts = NULL;
    if (a[2] && !(ts = lu_gptr(p, a[2], 16, PROT_READ))) {
        return -EFAULT;
    }
    LuThread *t = lu_thread_of(c);
    LuSigInfo info;
    int sig = lu_signal_take(t, set & ~NEVER_BLOCKED, &info);
    if (sig) {
        r = put_info(p, a[1], &info);
        return r < 0 ? r : sig;
    }
    sigset_t host;
    lu_signal_host_set(set, true, &host);
    r = lu_safe_syscall(SYS_rt_sigtimedwait, &host, &info, ts, sizeof(uint64_t));
    if (r > 0) {
        int64_t e = put_info(p, a[1], &info);
        return e < 0 ? e : r;
    }
    return r;
}

static int64_t sys_signalfd4(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    uint64_t set;
    int64_t r = read_set(p, a[1], a[2], &set);
    if (r < 0) {
        return r;
    }
    sigset_t host;
    lu_signal_host_set(set, true, &host);
    /* SFD_NONBLOCK and SFD_CLOEXEC are O_NONBLOCK and O_CLOEXEC, whose
     * values x86-64 shares with the generic ABI; signalfd_siginfo has one
     * layout everywhere. */
    return lu_ret(syscall(SYS_signalfd4, (int)a[0], &host, sizeof(uint64_t), (int)a[3]));
}

static int64_t sys_signalfd(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    const uint64_t b[4] = { a[0], a[1], a[2], 0 };
    return sys_signalfd4(p, c, b);
}

static int64_t sys_rt_sigpending(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    if (a[1] != 8) {
        return -EINVAL;
    }
    GBUF(out, a[0], 8, PROT_WRITE);
    sigset_t host;
    if (sigpending(&host) != 0) {
        return -errno;
    }
    LuThread *t = lu_thread_of(c);
    uint64_t set = atomic_load(&t->sig_pending) | t->sig_held;
    for (int sig = 1; sig <= LU_NSIG; sig++) {
        if (sigismember(&host, sig) == 1) {
            set |= LU_SIGBIT(sig);
        }
    }
    set &= t->sigmask;
    memcpy(out, &set, 8);
    return 0;
}

/* ---------------------------------------------------------------------- */
/* Sending                                                                  */

static int64_t sys_kill(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    return lu_ret(kill((pid_t)a[0], (int)a[1]));
}

static int64_t sys_tgkill(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    return lu_ret(syscall(SYS_tgkill, (pid_t)a[0], (pid_t)a[1], (int)a[2]));
}

static int64_t sys_tkill(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    return lu_ret(syscall(SYS_tkill, (pid_t)a[0], (int)a[1]));
}

static int64_t sys_rt_sigqueueinfo(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    GBUF(info, a[2], sizeof(LuSigInfo), PROT_READ);
    return lu_ret(syscall(SYS_rt_sigqueueinfo, (pid_t)a[0], (int)a[1], info));
}

static int64_t sys_rt_tgsigqueueinfo(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    GBUF(info, a[3], sizeof(LuSigInfo), PROT_READ);
    return lu_ret(syscall(SYS_rt_tgsigqueueinfo, (pid_t)a[0], (pid_t)a[1], (int)a[2], info));
}

void lu_sys_signal_init(void)
{
    static const LuSysEntry e[] = {
        { LU_NR_rt_sigaction, sys_rt_sigaction, "ddppu" },
        { LU_NR_rt_sigprocmask, sys_rt_sigprocmask, "ddppu" },
        { LU_NR_sigaltstack, sys_sigaltstack, "dpp" },
        { LU_NR_rt_sigsuspend, sys_rt_sigsuspend, "dpu" },
        { LU_NR_pause, sys_pause, "d" },
        { LU_NR_rt_sigtimedwait, sys_rt_sigtimedwait, "dpppu" },
        { LU_NR_rt_sigpending, sys_rt_sigpending, "dpu" },
        { LU_NR_signalfd, sys_signalfd, "dfpu" },
        { LU_NR_signalfd4, sys_signalfd4, "dfpux" },
        { LU_NR_kill, sys_kill, "ddd" }, { LU_NR_tgkill, sys_tgkill, "dddd" },
        { LU_NR_tkill, sys_tkill, "ddd" },
        { LU_NR_rt_sigqueueinfo, sys_rt_sigqueueinfo, "dddp" },
        { LU_NR_rt_tgsigqueueinfo, sys_rt_tgsigqueueinfo, "ddddp" },
    };
    lu_sys_add(e, G_N_ELEMENTS(e));
}
