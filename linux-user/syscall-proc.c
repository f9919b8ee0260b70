/*
 * syscall-proc.c — process and thread calls: exit, process ids, uname (machine
 * "x86_64"), arch_prctl (FS/GS bases), the thread-setup calls glibc makes
 * at start (set_tid_address, set_robust_list, rseq), resource limits,
 * affinity, getrandom, futex. The signal calls are in syscall-signal.c,
 * user and group ids in syscall-cred.c.
 */
#include <linux/futex.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/times.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "linux-user/safe-syscall.h"
#include "linux-user/syscall-int.h"

/* ---------------------------------------------------------------------- */
/* Exit and ids                                                             */

/* The whole process: every thread stops (thread.c ends the process as
 * soon as the calling thread's loop sees `exited`). */
static int64_t sys_exit_group(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    p->exit_status = (int)(a[0] & 0xff);
    atomic_store_explicit(&p->exited, true, memory_order_release);
    return 0;
}

/* The calling thread only; the process ends with its last thread. */
static int64_t sys_exit(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    LuThread *t = lu_thread_of(c);
    t->exit_code = (int)(a[0] & 0xff);
    t->exiting = true;
    return 0;
}

static int64_t sys_getpid(LuProc *p, X86Cpu *c, const uint64_t *a) { return getpid(); }
static int64_t sys_getppid(LuProc *p, X86Cpu *c, const uint64_t *a) { return getppid(); }
static int64_t sys_gettid(LuProc *p, X86Cpu *c, const uint64_t *a) { return gettid(); }
static int64_t sys_getpgrp(LuProc *p, X86Cpu *c, const uint64_t *a) { return getpgrp(); }
static int64_t sys_setsid(LuProc *p, X86Cpu *c, const uint64_t *a) { return lu_ret(setsid()); }

static int64_t sys_getpgid(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    return lu_ret(getpgid((pid_t)a[0]));
}

static int64_t sys_getsid(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    return lu_ret(getsid((pid_t)a[0]));
}

static int64_t sys_setpgid(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    return lu_ret(setpgid((pid_t)a[0], (pid_t)a[1]));
}

static int64_t sys_uname(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    GBUF(buf, a[0], sizeof(struct utsname), PROT_WRITE);
    struct utsname u;
    if (uname(&u) != 0) {
        return -errno;
    }
    snprintf(u.machine, sizeof(u.machine), "x86_64");
    memcpy(buf, &u, sizeof(u));
    return 0;
}

/* ---------------------------------------------------------------------- */
/* Thread setup                                                             */

#define LU_ARCH_SET_GS 0x1001
#define LU_ARCH_SET_FS 0x1002
#define LU_ARCH_GET_FS 0x1003
#define LU_ARCH_GET_GS 0x1004
#define LU_SEG_FS 4
#define LU_SEG_GS 5

static int64_t sys_arch_prctl(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    switch (a[0]) {
    case LU_ARCH_SET_FS:
    case LU_ARCH_SET_GS:
        if (a[1] >= LU_GUEST_ADDR_LIMIT) {
            return -EPERM;         /* not a canonical user address */
        }
        c->seg_base[a[0] == LU_ARCH_SET_FS ? LU_SEG_FS : LU_SEG_GS] = a[1];
        return 0;
    case LU_ARCH_GET_FS:
    case LU_ARCH_GET_GS: {
        GBUF(out, a[1], 8, PROT_WRITE);
        uint64_t v = c->seg_base[a[0] == LU_ARCH_GET_FS ? LU_SEG_FS : LU_SEG_GS];
        memcpy(out, &v, 8);
        return 0;
    }
    default:
        return -EINVAL;            /* CET, CPUID faulting, AMX: not offered */
    }
}

static int64_t sys_set_tid_address(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    (void)p;
    lu_thread_of(c)->clear_child_tid = a[0];
    return gettid();
}

static int64_t sys_set_robust_list(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    if (a[1] != 24) {              /* sizeof(struct robust_list_head) */
        return -EINVAL;
    }
    (void)p;
    lu_thread_of(c)->robust_list = a[0];
    return 0;
}

/* rseq is not offered: glibc then does without it. */
static int64_t sys_rseq(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    return -ENOSYS;
}

static int64_t sys_prctl(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    switch ((int)a[0]) {
    case PR_SET_NAME: {
        GBUF(name, a[1], 16, PROT_READ);
        char buf[16];
        memcpy(buf, name, 16);
        buf[15] = 0;
        return lu_ret(prctl(PR_SET_NAME, buf));
    }
    case PR_GET_NAME: {
        GBUF(name, a[1], 16, PROT_WRITE);
        return lu_ret(prctl(PR_GET_NAME, name));
    }
    case PR_GET_DUMPABLE:
    case PR_SET_DUMPABLE:
    case PR_SET_PDEATHSIG:
    case PR_SET_NO_NEW_PRIVS:
    case PR_GET_NO_NEW_PRIVS:
        return lu_ret(prctl((int)a[0], a[1], a[2], a[3], a[4]));
    default:
        return -EINVAL;
    }
}

/* ---------------------------------------------------------------------- */
/* Resources, scheduling, randomness                                        */

static int64_t sys_prlimit64(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    void *new = NULL, *old = NULL;
    if (a[2] && !(new = lu_gptr(p, a[2], 16, PROT_READ))) {
        return -EFAULT;
    }
    if (a[3] && !(old = lu_gptr(p, a[3], 16, PROT_WRITE))) {
        return -EFAULT;
    }
    return lu_ret(syscall(SYS_prlimit64, (pid_t)a[0], (int)a[1], new, old));
}

static int64_t sys_getrlimit(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    const uint64_t b[4] = { 0, a[0], 0, a[1] };
    return sys_prlimit64(p, c, b);
}

static int64_t sys_setrlimit(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    const uint64_t b[4] = { 0, a[0], a[1], 0 };
    return sys_prlimit64(p, c, b);
}

static int64_t sys_getrusage(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    GBUF(ru, a[1], sizeof(struct rusage), PROT_WRITE);
    return lu_ret(getrusage((int)a[0], ru));
}

static int64_t sys_sysinfo(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    GBUF(si, a[0], sizeof(struct sysinfo), PROT_WRITE);
    return lu_ret(sysinfo(si));
}

static int64_t sys_times(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    struct tms *t = NULL;
    if (a[0] && !(t = lu_gptr(p, a[0], sizeof(*t), PROT_WRITE))) {
        return -EFAULT;
    }
    return lu_ret(syscall(SYS_times, t));
}

static int64_t sys_sched_getaffinity(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    GBUF(mask, a[2], a[1], PROT_WRITE);
    return lu_ret(syscall(SYS_sched_getaffinity, (pid_t)a[0], (size_t)a[1], mask));
}

static int64_t sys_sched_setaffinity(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    GBUF(mask, a[2], a[1], PROT_READ);
    return lu_ret(syscall(SYS_sched_setaffinity, (pid_t)a[0], (size_t)a[1], mask));
}

static int64_t sys_sched_yield(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    return lu_ret(sched_yield());
}

static int64_t sys_getpriority(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    return lu_ret(syscall(SYS_getpriority, (int)a[0], (id_t)a[1]));   /* raw 20 - nice */
}

static int64_t sys_getcpu(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    unsigned *cpu = NULL, *node = NULL;
    if (a[0] && !(cpu = lu_gptr(p, a[0], 4, PROT_WRITE))) {
        return -EFAULT;
    }
    if (a[1] && !(node = lu_gptr(p, a[1], 4, PROT_WRITE))) {
        return -EFAULT;
    }
    return lu_ret(syscall(SYS_getcpu, cpu, node, NULL));
}

static int64_t sys_getrandom(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    GBUF(buf, a[0], a[1], PROT_WRITE);
    return lu_ret(syscall(SYS_getrandom, buf, (size_t)a[1], (unsigned)a[2]));
}

static int64_t sys_wait4(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    int *status = NULL;
    struct rusage *ru = NULL;
    if (a[1] && !(status = lu_gptr(p, a[1], 4, PROT_WRITE))) {
        return -EFAULT;
    }
    if (a[3] && !(ru = lu_gptr(p, a[3], sizeof(*ru), PROT_WRITE))) {
        return -EFAULT;
    }
    return lu_safe_syscall(SYS_wait4, (pid_t)a[0], status, (int)a[2], ru);
}

/* ---------------------------------------------------------------------- */
/* futex: on guest addresses, which are host addresses in this process      */
/*
 * Every guest thread is a host thread of this process, so the host futex
 * does all the work: PRIVATE futexes are keyed by address in our own
 * mm, waiters of different guest threads are different host waiters, and
 * the PI futexes' owner tid is the host tid (= the guest tid). The
 * arguments have the host's layout (struct timespec on a 64-bit host,
 * the WAKE_OP encoding); FUTEX_CLOCK_REALTIME and the absolute (BITSET,
 * LOCK_PI) versus relative (WAIT) timeouts are the kernel's to interpret.
 * Words the kernel writes (WAKE_OP's second word, the PI words) are
 * checked for PROT_WRITE, which also unprotects a code page under them.
 */

static int64_t sys_futex(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    int op = (int)a[1];
    int cmd = op & FUTEX_CMD_MASK;
    bool pi = cmd == FUTEX_LOCK_PI || cmd == FUTEX_LOCK_PI2 || cmd == FUTEX_UNLOCK_PI ||
              cmd == FUTEX_TRYLOCK_PI || cmd == FUTEX_CMP_REQUEUE_PI;
    GBUF(uaddr, a[0], 4, pi ? PROT_READ | PROT_WRITE : PROT_READ);
    const struct timespec *ts = NULL;
    void *uaddr2 = NULL;
    switch (cmd) {
    case FUTEX_WAIT:
    case FUTEX_WAIT_BITSET:
    case FUTEX_LOCK_PI:
    case FUTEX_LOCK_PI2:
    case FUTEX_WAIT_REQUEUE_PI:
        if (a[3] && !(ts = lu_gptr(p, a[3], sizeof(*ts), PROT_READ))) {
            return -EFAULT;
        }
        if (cmd == FUTEX_WAIT_REQUEUE_PI &&
            !(uaddr2 = lu_gptr(p, a[4], 4, PROT_READ | PROT_WRITE))) {
            return -EFAULT;
        }
        return lu_safe_syscall(SYS_futex, uaddr, op, (uint32_t)a[2], ts, uaddr2,
                               (uint32_t)a[5]);
    case FUTEX_WAKE:
    case FUTEX_WAKE_BITSET:
    case FUTEX_UNLOCK_PI:
    case FUTEX_TRYLOCK_PI:
        return lu_ret(syscall(SYS_futex, uaddr, op, (uint32_t)a[2], NULL, NULL,
                              (uint32_t)a[5]));
    case FUTEX_REQUEUE:
    case FUTEX_CMP_REQUEUE:
    case FUTEX_CMP_REQUEUE_PI:
    case FUTEX_WAKE_OP:
        /* val2 travels in the timeout slot */
        if (!(uaddr2 = lu_gptr(p, a[4], 4, cmd == FUTEX_REQUEUE || cmd == FUTEX_CMP_REQUEUE
                                               ? PROT_READ : PROT_READ | PROT_WRITE))) {
            return -EFAULT;
        }
        return lu_ret(syscall(SYS_futex, uaddr, op, (uint32_t)a[2], (unsigned long)a[3],
                              uaddr2, (uint32_t)a[5]));
    default:
        return -ENOSYS;
    }
}

void lu_sys_proc_init(void)
{
    static const LuSysEntry e[] = {
        { LU_NR_exit, sys_exit, "dd" }, { LU_NR_exit_group, sys_exit_group, "dd" },
        { LU_NR_getpid, sys_getpid, "d" }, { LU_NR_getppid, sys_getppid, "d" },
        { LU_NR_gettid, sys_gettid, "d" }, { LU_NR_getpgrp, sys_getpgrp, "d" },
        { LU_NR_getpgid, sys_getpgid, "dd" }, { LU_NR_getsid, sys_getsid, "dd" },
        { LU_NR_setpgid, sys_setpgid, "ddd" }, { LU_NR_setsid, sys_setsid, "d" },
        { LU_NR_uname, sys_uname, "dp" },
        { LU_NR_arch_prctl, sys_arch_prctl, "dxx" },
        { LU_NR_set_tid_address, sys_set_tid_address, "dp" },
        { LU_NR_set_robust_list, sys_set_robust_list, "dpu" },
        { LU_NR_rseq, sys_rseq, "dpuxx" }, { LU_NR_prctl, sys_prctl, "ddxxxx" },
        { LU_NR_prlimit64, sys_prlimit64, "dddpp" }, { LU_NR_getrlimit, sys_getrlimit, "ddp" },
        { LU_NR_setrlimit, sys_setrlimit, "ddp" }, { LU_NR_getrusage, sys_getrusage, "ddp" },
        { LU_NR_sysinfo, sys_sysinfo, "dp" }, { LU_NR_times, sys_times, "dp" },
        { LU_NR_sched_getaffinity, sys_sched_getaffinity, "ddup" },
        { LU_NR_sched_setaffinity, sys_sched_setaffinity, "ddup" },
        { LU_NR_sched_yield, sys_sched_yield, "d" },
        { LU_NR_getpriority, sys_getpriority, "ddd" }, { LU_NR_getcpu, sys_getcpu, "dppp" },
        { LU_NR_getrandom, sys_getrandom, "dpux" }, { LU_NR_wait4, sys_wait4, "ddpdp" },
        { LU_NR_futex, sys_futex, "dpdupdx" },
    };
    lu_sys_add(e, G_N_ELEMENTS(e));
}
