/*
 * syscall-layout.c — calls whose structures the host lays out differently
 * or lacks: epoll (struct epoll_event is packed to 12 bytes on x86-64 and
 * 16 bytes on arm64 and loongarch64) and getdents (the old struct
 * linux_dirent; arm64 and loongarch64 have only getdents64). Each one goes
 * through a host copy, converted field by field, on every host alike.
 */
#include <fcntl.h>
#include <stddef.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "linux-user/safe-syscall.h"
#include "linux-user/signal.h"
#include "linux-user/syscall-int.h"

/* ---------------------------------------------------------------------- */
/* epoll                                                                    */

/* At most this many events per wait (the kernel's EP_MAX_EVENTS for the
 * guest's 12-byte events). */
#define EPOLL_MAX_EVENTS (INT_MAX / (int)sizeof(LuX86EpollEvent))

static int64_t sys_epoll_create(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    return (int)a[0] <= 0 ? -EINVAL : lu_ret(epoll_create1(0));
}

/* EPOLL_CLOEXEC is O_CLOEXEC, the same value on every host. */
static int64_t sys_epoll_create1(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    return lu_ret(epoll_create1((int)a[0]));
}

static int64_t sys_epoll_ctl(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    struct epoll_event ev = { 0 }, *evp = NULL;
    if ((int)a[1] != EPOLL_CTL_DEL || a[3]) {
        const LuX86EpollEvent *g = lu_gptr(p, a[3], sizeof(*g), PROT_READ);
        if (!g) {
            return -EFAULT;
        }
        ev.events = g->events;
        ev.data.u64 = g->data;
        evp = &ev;
    }
    return lu_ret(epoll_ctl((int)a[0], (int)a[1], (int)a[2], evp));
}

/* A timespec timeout in milliseconds, rounded up; NULL is -1 (forever). */
static int ts_to_ms(const struct timespec *ts)
{
    if (!ts) {
        return -1;
    }
    if (ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_sec >= INT_MAX / 1000 - 1) {
        return ts->tv_sec < 0 ? 0 : INT_MAX;
    }
    return (int)(ts->tv_sec * 1000 + (ts->tv_nsec + 999999) / 1000000);
}

/* epoll_wait, epoll_pwait and epoll_pwait2 (timeout NULL: ms; else a
 * guest timespec), through lu_safe_syscall so a guest signal interrupts
 * them. The pwait forms' guest mask (at mask_addr, 0 for none) is the
 * thread's mask for the call (lu_signal_temp_mask), applied by the host
 * call. */
static int64_t do_epoll_wait(LuProc *p, X86Cpu *c, const uint64_t *a, int timeout_ms,
                             const struct timespec *ts, bool use_ts, uint64_t mask_addr)
{
    int max = (int)a[2];
    if (max <= 0 || max > EPOLL_MAX_EVENTS) {
        return -EINVAL;
    }
    LuX86EpollEvent *g = lu_gptr(p, a[1], (uint64_t)max * sizeof(*g), PROT_WRITE);
    if (!g) {
        return -EFAULT;
    }
    sigset_t host;
    const sigset_t *hmask = NULL;
    if (mask_addr) {
        const uint64_t *m = a[5] == 8 ? lu_gptr(p, mask_addr, 8, PROT_READ) : NULL;
        if (!m) {
            return a[5] == 8 ? -EFAULT : -EINVAL;
        }
        lu_signal_temp_mask(lu_thread_of(c), *m, &host);
        hmask = &host;
    }
    struct epoll_event *h = g_new(struct epoll_event, max);
    long n = -ENOSYS;
    if (use_ts) {
        n = lu_safe_syscall(SYS_epoll_pwait2, (int)a[0], h, max, ts, hmask, 8);
        timeout_ms = ts_to_ms(ts);
    }
    if (n == -ENOSYS) {
        /* Hosts before Linux 5.11 (and qemu-user): milliseconds, rounded up. */
        n = lu_safe_syscall(SYS_epoll_pwait, (int)a[0], h, max, timeout_ms, hmask, 8);
    }
    if (mask_addr) {
        lu_signal_temp_mask_done(lu_thread_of(c), n);
    }
    for (long i = 0; i < n; i++) {
        g[i].events = h[i].events;
        g[i].data = h[i].data.u64;
    }
    g_free(h);
    return n;
}

static int64_t sys_epoll_wait(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    return do_epoll_wait(p, c, a, (int)a[3], NULL, false, 0);
}

static int64_t sys_epoll_pwait(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    return do_epoll_wait(p, c, a, (int)a[3], NULL, false, a[4]);
}

static int64_t sys_epoll_pwait2(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    const struct timespec *ts = NULL;
    if (a[3] && !(ts = lu_gptr(p, a[3], sizeof(*ts), PROT_READ))) {
        return -EFAULT;
    }
    return do_epoll_wait(p, c, a, -1, ts, true, a[4]);
}

/* ---------------------------------------------------------------------- */
/* getdents                                                                 */

/* struct linux_dirent (fs/readdir.c): d_ino, d_off, d_reclen, d_name,
 * then a NUL, padding and d_type in the last byte of the record. */
#define DIRENT_NAME_OFF 18

struct host_dirent64 {
    uint64_t d_ino;
    int64_t d_off;
    uint16_t d_reclen;
    uint8_t d_type;
    char d_name[];
};

/* getdents64 into a host buffer of the guest's size, then each record
 * rewritten in the old layout (which needs the same 8-aligned size:
 * 18 + name + NUL + type against 19 + name + NUL). */
static int64_t sys_getdents(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    void *out = lu_gptr(p, a[1], a[2], PROT_WRITE);
    if (!out) {
        return -EFAULT;
    }
    unsigned count = (unsigned)MIN(a[2], (uint64_t)INT_MAX);
    char *buf = g_malloc(count ? count : 1);
    long n = syscall(SYS_getdents64, (int)a[0], buf, count);
    int64_t r = lu_ret(n);
    size_t o = 0;
    for (long i = 0; i < n;) {
        const struct host_dirent64 *d = (const void *)(buf + i);
        size_t len = strlen(d->d_name);
        size_t reclen = (DIRENT_NAME_OFF + len + 2 + 7) & ~(size_t)7;
        g_assert(o + reclen <= (size_t)n);
        char *rec = (char *)out + o;
        uint64_t ino = d->d_ino, off = (uint64_t)d->d_off;
        uint16_t rl = (uint16_t)reclen;
        memset(rec, 0, reclen);
        memcpy(rec, &ino, 8);
        memcpy(rec + 8, &off, 8);
        memcpy(rec + 16, &rl, 2);
        memcpy(rec + DIRENT_NAME_OFF, d->d_name, len);
        rec[reclen - 1] = (char)d->d_type;
        o += reclen;
        i += d->d_reclen;
    }
    g_free(buf);
    return n < 0 ? r : (int64_t)o;
}

void lu_sys_layout_init(void)
{
    static const LuSysEntry e[] = {
        { LU_NR_epoll_create, sys_epoll_create, "dd" },
        { LU_NR_epoll_create1, sys_epoll_create1, "dx" },
        { LU_NR_epoll_ctl, sys_epoll_ctl, "dfdfp" },
        { LU_NR_epoll_wait, sys_epoll_wait, "dfpdd" },
        { LU_NR_epoll_pwait, sys_epoll_pwait, "dfpddpu" },
        { LU_NR_epoll_pwait2, sys_epoll_pwait2, "dfpdppu" },
        { LU_NR_getdents, sys_getdents, "dfpu" },
    };
    lu_sys_add(e, G_N_ELEMENTS(e));
}
