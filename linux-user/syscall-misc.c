/*
 * syscall-misc.c — file-descriptor kinds (eventfd, timerfd, inotify,
 * pidfd), pipe splicing, waitid, capabilities, memory locking and process
 * scheduling knobs. Their structures (itimerspec, inotify_event, siginfo
 * for SIGCHLD, rusage, __user_cap_header/data, loff_t) have the x86-64
 * layout on every 64-bit host, and their flags are O_NONBLOCK/O_CLOEXEC
 * or generic, so each is the host call on checked guest pointers.
 */
#include <fcntl.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "linux-user/safe-syscall.h"
#include "linux-user/syscall-int.h"

/* A guest pointer argument that may be NULL: var is NULL for 0, and the
 * handler returns -EFAULT for a bad non-zero one. */
#define GOPT(var, addr, len, prot) \
    void *var = (addr) ? lu_gptr(p, (addr), (len), (prot)) : NULL; \
    if ((addr) && !var) return -EFAULT

/* ---------------------------------------------------------------------- */
/* eventfd, timerfd, inotify, pidfd (arm64 has only eventfd2, inotify_init1) */

static int64_t sys_eventfd2(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    return lu_ret(syscall(SYS_eventfd2, (unsigned)a[0], (int)a[1]));
}

static int64_t sys_eventfd(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    return lu_ret(syscall(SYS_eventfd2, (unsigned)a[0], 0));
}

static int64_t sys_timerfd_create(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    return lu_ret(timerfd_create((int)a[0], (int)a[1]));
}

static int64_t sys_timerfd_settime(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    GOPT(nv, a[2], sizeof(struct itimerspec), PROT_READ);
    GOPT(ov, a[3], sizeof(struct itimerspec), PROT_WRITE);
    if (!nv) {
        return -EFAULT;
    }
    return lu_ret(timerfd_settime((int)a[0], (int)a[1], nv, ov));
}

static int64_t sys_timerfd_gettime(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    GOPT(cur, a[1], sizeof(struct itimerspec), PROT_WRITE);
    return cur ? lu_ret(timerfd_gettime((int)a[0], cur)) : -EFAULT;
}

static int64_t sys_inotify_init1(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    return lu_ret(inotify_init1((int)a[0]));
}

static int64_t sys_inotify_init(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    return lu_ret(inotify_init1(0));
}

static int64_t sys_inotify_add_watch(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    char buf[PATH_MAX];
    int err = 0;
    const char *path = lu_gpath(p, a[1], buf, &err);
    return path ? lu_ret(inotify_add_watch((int)a[0], path, (uint32_t)a[2])) : err;
}

static int64_t sys_inotify_rm_watch(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    return lu_ret(inotify_rm_watch((int)a[0], (int)a[1]));
}

static int64_t sys_pidfd_open(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    return lu_ret(syscall(SYS_pidfd_open, (pid_t)a[0], (unsigned)a[1]));
}

/* ---------------------------------------------------------------------- */
/* splice, tee, vmsplice: may block on a pipe                               */

static int64_t sys_splice(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    GOPT(off_in, a[1], sizeof(int64_t), PROT_READ | PROT_WRITE);
    GOPT(off_out, a[3], sizeof(int64_t), PROT_READ | PROT_WRITE);
    return lu_safe_syscall(SYS_splice, (int)a[0], off_in, (int)a[2], off_out, (size_t)a[4],
                           (unsigned)a[5]);
}

static int64_t sys_tee(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    return lu_safe_syscall(SYS_tee, (int)a[0], (int)a[1], (size_t)a[2], (unsigned)a[3]);
}

/* vmsplice into a pipe's write end reads guest memory; from its read end
 * (the data is copied out) it writes guest memory. */
static int64_t sys_vmsplice(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    int fl = fcntl((int)a[0], F_GETFL);
    if (fl < 0) {
        return -errno;
    }
    struct iovec iov[IOV_MAX];
    int prot = (fl & O_ACCMODE) == O_RDONLY ? PROT_WRITE : PROT_READ;
    int64_t r = lu_iov_to_host(p, a[1], a[2], iov, prot);
    return r ? r : lu_safe_syscall(SYS_vmsplice, (int)a[0], iov, (unsigned long)a[2],
                                   (unsigned)a[3]);
}

/* ---------------------------------------------------------------------- */
/* waitid and capabilities                                                  */

static int64_t sys_waitid(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    GOPT(info, a[2], 128, PROT_WRITE);                  /* siginfo_t */
    GOPT(ru, a[4], 144, PROT_WRITE);                    /* struct rusage */
    return lu_safe_syscall(SYS_waitid, (int)a[0], (id_t)a[1], info, (int)a[3], ru);
}

/* _LINUX_CAPABILITY_VERSION_1 has one 12-byte data element, versions 2
 * and 3 two; an unknown version fails (the kernel writes its preferred
 * one into the header) without touching the data. */
#define LU_CAP_VERSION_1 0x19980330u

static int64_t do_cap(LuProc *p, const uint64_t *a, bool set)
{
    uint32_t *hdr = lu_gptr(p, a[0], 8, PROT_READ | PROT_WRITE);
    if (!hdr) {
        return -EFAULT;
    }
    uint64_t len = hdr[0] == LU_CAP_VERSION_1 ? 12 : 24;
    GOPT(data, a[1], len, set ? PROT_READ : PROT_WRITE);
    return lu_ret(syscall(set ? SYS_capset : SYS_capget, hdr, data));
}

static int64_t sys_capget(LuProc *p, X86Cpu *c, const uint64_t *a) { return do_cap(p, a, false); }
static int64_t sys_capset(LuProc *p, X86Cpu *c, const uint64_t *a) { return do_cap(p, a, true); }

/* ---------------------------------------------------------------------- */
/* Memory locking and scheduling                                            */

/* mlock/munlock/mlock2 on the host view of the guest range (the host
 * reports ENOMEM for what is not mapped). */
static int64_t sys_mlock(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    return lu_ret(syscall(SYS_mlock, lu_g2h(p->mem, a[0]), (size_t)a[1]));
}

static int64_t sys_munlock(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    return lu_ret(syscall(SYS_munlock, lu_g2h(p->mem, a[0]), (size_t)a[1]));
}

static int64_t sys_mlock2(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    return lu_ret(syscall(SYS_mlock2, lu_g2h(p->mem, a[0]), (size_t)a[1], (int)a[2]));
}

static int64_t sys_mlockall(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    return lu_ret(syscall(SYS_mlockall, (int)a[0]));
}

static int64_t sys_munlockall(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    return lu_ret(syscall(SYS_munlockall));
}

static int64_t sys_personality(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    return lu_ret(syscall(SYS_personality, (unsigned long)(uint32_t)a[0]));
}

static int64_t sys_setpriority(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    return lu_ret(syscall(SYS_setpriority, (int)a[0], (id_t)a[1], (int)a[2]));
}

static int64_t sys_sched_get_priority_max(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    return lu_ret(syscall(SYS_sched_get_priority_max, (int)a[0]));
}

static int64_t sys_sched_get_priority_min(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    return lu_ret(syscall(SYS_sched_get_priority_min, (int)a[0]));
}

void lu_sys_misc_init(void)
{
    static const LuSysEntry e[] = {
        { LU_NR_eventfd, sys_eventfd, "du" }, { LU_NR_eventfd2, sys_eventfd2, "dux" },
        { LU_NR_timerfd_create, sys_timerfd_create, "ddx" },
        { LU_NR_timerfd_settime, sys_timerfd_settime, "dfxpp" },
        { LU_NR_timerfd_gettime, sys_timerfd_gettime, "dfp" },
        { LU_NR_inotify_init, sys_inotify_init, "d" },
        { LU_NR_inotify_init1, sys_inotify_init1, "dx" },
        { LU_NR_inotify_add_watch, sys_inotify_add_watch, "dfsx" },
        { LU_NR_inotify_rm_watch, sys_inotify_rm_watch, "dfd" },
        { LU_NR_pidfd_open, sys_pidfd_open, "ddx" },
        { LU_NR_splice, sys_splice, "dfpfpux" }, { LU_NR_tee, sys_tee, "dffux" },
        { LU_NR_vmsplice, sys_vmsplice, "dfpux" },
        { LU_NR_waitid, sys_waitid, "dddpxp" },
        { LU_NR_capget, sys_capget, "dpp" }, { LU_NR_capset, sys_capset, "dpp" },
        { LU_NR_mlock, sys_mlock, "dpu" }, { LU_NR_munlock, sys_munlock, "dpu" },
        { LU_NR_mlock2, sys_mlock2, "dpux" }, { LU_NR_mlockall, sys_mlockall, "dx" },
        { LU_NR_munlockall, sys_munlockall, "d" },
        { LU_NR_personality, sys_personality, "xx" },
        { LU_NR_setpriority, sys_setpriority, "dddd" },
        { LU_NR_sched_get_priority_max, sys_sched_get_priority_max, "dd" },
        { LU_NR_sched_get_priority_min, sys_sched_get_priority_min, "dd" },
    };
    lu_sys_add(e, G_N_ELEMENTS(e));
}
