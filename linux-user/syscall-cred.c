/*
 * syscall-cred.c — user and group ids: the get calls, and the set calls
 * as raw syscalls. Linux keeps credentials per thread; the guest's libc
 * makes a change process-wide itself (glibc's setxid broadcast), so each
 * guest thread changing its own host thread's ids is the kernel's
 * behaviour exactly. ferry's own helper threads keep the ids they had.
 */
#include <errno.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "linux-user/syscall-int.h"

static int64_t sys_getuid(LuProc *p, X86Cpu *c, const uint64_t *a) { return getuid(); }
static int64_t sys_geteuid(LuProc *p, X86Cpu *c, const uint64_t *a) { return geteuid(); }
static int64_t sys_getgid(LuProc *p, X86Cpu *c, const uint64_t *a) { return getgid(); }
static int64_t sys_getegid(LuProc *p, X86Cpu *c, const uint64_t *a) { return getegid(); }

/* getresuid/getresgid: three 32-bit ids written to guest memory. */
static int64_t get_three(LuProc *p, const uint64_t *a, long nr)
{
    uint32_t *out[3];
    for (int i = 0; i < 3; i++) {
        if (!(out[i] = lu_gptr(p, a[i], 4, PROT_WRITE))) {
            return -EFAULT;
        }
    }
    return lu_ret(syscall(nr, out[0], out[1], out[2]));
}

static int64_t sys_getresuid(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    return get_three(p, a, SYS_getresuid);
}

static int64_t sys_getresgid(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    return get_three(p, a, SYS_getresgid);
}

static int64_t sys_getgroups(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    if ((int)a[0] < 0) {
        return -EINVAL;
    }
    void *list = lu_gptr(p, a[1], (uint64_t)(int)a[0] * 4, PROT_WRITE);
    if (!list && a[0]) {
        return -EFAULT;
    }
    return lu_ret(syscall(SYS_getgroups, (int)a[0], list));
}

static int64_t sys_setgroups(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    if ((int)a[0] < 0) {
        return -EINVAL;
    }
    void *list = lu_gptr(p, a[1], (uint64_t)(int)a[0] * 4, PROT_READ);
    if (!list && a[0]) {
        return -EFAULT;
    }
    return lu_ret(syscall(SYS_setgroups, (int)a[0], list));
}

/* The set calls: 32-bit ids (-1 = unchanged) straight to the kernel. The
 * host's libc wrappers would broadcast to every host thread, ferry's own
 * included, while the guest's libc broadcasts to the guest's threads. */
#define ID(i) ((unsigned int)a[i])
static int64_t sys_setuid(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    return lu_ret(syscall(SYS_setuid, ID(0)));
}
static int64_t sys_setgid(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    return lu_ret(syscall(SYS_setgid, ID(0)));
}
static int64_t sys_setreuid(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    return lu_ret(syscall(SYS_setreuid, ID(0), ID(1)));
}
static int64_t sys_setregid(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    return lu_ret(syscall(SYS_setregid, ID(0), ID(1)));
}
static int64_t sys_setresuid(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    return lu_ret(syscall(SYS_setresuid, ID(0), ID(1), ID(2)));
}
static int64_t sys_setresgid(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    return lu_ret(syscall(SYS_setresgid, ID(0), ID(1), ID(2)));
}
/* setfsuid/setfsgid return the previous id, never an error. */
static int64_t sys_setfsuid(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    return syscall(SYS_setfsuid, ID(0));
}
static int64_t sys_setfsgid(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    return syscall(SYS_setfsgid, ID(0));
}
#undef ID

void lu_sys_cred_init(void)
{
    static const LuSysEntry e[] = {
        { LU_NR_getuid, sys_getuid, "d" }, { LU_NR_geteuid, sys_geteuid, "d" },
        { LU_NR_getgid, sys_getgid, "d" }, { LU_NR_getegid, sys_getegid, "d" },
        { LU_NR_getresuid, sys_getresuid, "dppp" }, { LU_NR_getresgid, sys_getresgid, "dppp" },
        { LU_NR_getgroups, sys_getgroups, "ddp" }, { LU_NR_setgroups, sys_setgroups, "ddp" },
        { LU_NR_setuid, sys_setuid, "dd" }, { LU_NR_setgid, sys_setgid, "dd" },
        { LU_NR_setreuid, sys_setreuid, "ddd" }, { LU_NR_setregid, sys_setregid, "ddd" },
        { LU_NR_setresuid, sys_setresuid, "dddd" }, { LU_NR_setresgid, sys_setresgid, "dddd" },
        { LU_NR_setfsuid, sys_setfsuid, "dd" }, { LU_NR_setfsgid, sys_setfsgid, "dd" },
    };
    lu_sys_add(e, G_N_ELEMENTS(e));
}
