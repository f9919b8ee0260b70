/*
 * syscall-time.c — clocks and sleeping. struct timespec and struct
 * timeval are two 64-bit words on every 64-bit host, and clock ids are
 * the same numbers, so these are checked pass-throughs; time(2), which
 * arm64 lacks, is answered from clock_gettime. Sleeps go through
 * lu_safe_syscall so a guest signal interrupts them; interval timers.
 */
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "linux-user/safe-syscall.h"
#include "linux-user/syscall-int.h"

static int64_t sys_clock_gettime(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    struct timespec *ts = lu_gptr(p, a[1], sizeof(*ts), PROT_WRITE);
    return ts ? lu_ret(clock_gettime((clockid_t)a[0], ts)) : -EFAULT;
}

static int64_t sys_clock_getres(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    struct timespec *ts = NULL;
    if (a[1] && !(ts = lu_gptr(p, a[1], sizeof(*ts), PROT_WRITE))) {
        return -EFAULT;
    }
    return lu_ret(clock_getres((clockid_t)a[0], ts));
}

static int64_t sys_gettimeofday(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    struct timeval *tv = NULL;
    if (a[0] && !(tv = lu_gptr(p, a[0], sizeof(*tv), PROT_WRITE))) {
        return -EFAULT;
    }
    if (a[1] && !lu_gptr(p, a[1], 8, PROT_WRITE)) {
        return -EFAULT;
    }
    struct timeval now;
    gettimeofday(&now, NULL);
    if (tv) {
        *tv = now;
    }
    if (a[1]) {
        int *tz = lu_gptr(p, a[1], 8, PROT_WRITE);
        tz[0] = tz[1] = 0;         /* the kernel's sys_tz is normally zero */
    }
    return 0;
}

static int64_t sys_time(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    if (a[0]) {
        int64_t *out = lu_gptr(p, a[0], 8, PROT_WRITE);
        if (!out) {
            return -EFAULT;
        }
        *out = ts.tv_sec;
    }
    return ts.tv_sec;
}

static int64_t sys_clock_nanosleep(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    const struct timespec *req = lu_gptr(p, a[2], sizeof(*req), PROT_READ);
    struct timespec *rem = NULL;
    if (!req || (a[3] && !(rem = lu_gptr(p, a[3], sizeof(*rem), PROT_WRITE)))) {
        return -EFAULT;
    }
    return lu_safe_syscall(SYS_clock_nanosleep, (clockid_t)a[0], (int)a[1], req, rem);
}

static int64_t sys_nanosleep(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    const uint64_t b[4] = { CLOCK_MONOTONIC, 0, a[0], a[1] };
    return sys_clock_nanosleep(p, c, b);
}

/* Interval timers: struct itimerval is the same on every 64-bit host. */
static int64_t sys_getitimer(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    struct itimerval *cur = lu_gptr(p, a[1], sizeof(*cur), PROT_WRITE);
    if (!cur) {
        return -EFAULT;
    }
    return lu_ret(getitimer((int)a[0], cur));
}

static int64_t sys_setitimer(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    const struct itimerval *new = NULL;
    struct itimerval *old = NULL;
    if (a[1] && !(new = lu_gptr(p, a[1], sizeof(*new), PROT_READ))) {
        return -EFAULT;
    }
    if (a[2] && !(old = lu_gptr(p, a[2], sizeof(*old), PROT_WRITE))) {
        return -EFAULT;
    }
    struct itimerval zero = { { 0, 0 }, { 0, 0 } };
    return lu_ret(setitimer((int)a[0], new ? new : &zero, old));
}

static int64_t sys_alarm(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    return alarm((unsigned)a[0]);
}

void lu_sys_time_init(void)
{
    static const LuSysEntry e[] = {
        { LU_NR_clock_gettime, sys_clock_gettime, "ddp" },
        { LU_NR_clock_getres, sys_clock_getres, "ddp" },
        { LU_NR_gettimeofday, sys_gettimeofday, "dpp" }, { LU_NR_time, sys_time, "dp" },
        { LU_NR_clock_nanosleep, sys_clock_nanosleep, "dddpp" },
        { LU_NR_nanosleep, sys_nanosleep, "dpp" },
        { LU_NR_getitimer, sys_getitimer, "ddp" },
        { LU_NR_setitimer, sys_setitimer, "ddpp" }, { LU_NR_alarm, sys_alarm, "du" },
    };
    lu_sys_add(e, G_N_ELEMENTS(e));
}
