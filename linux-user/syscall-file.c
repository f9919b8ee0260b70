/*
 * syscall-file.c — file descriptors and paths: open/read/write and
 * friends, directories, links, pipes, fcntl and the ioctls a terminal
 * program needs. Structures here have the same layout on every 64-bit
 * Linux host (iovec, flock, pollfd, linux_dirent64, termios, winsize);
 * only open(2) flags need converting. The stat family is in syscall-stat.c.
 */
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <termios.h>
#include <unistd.h>

#include "linux-user/procfs.h"
#include "linux-user/safe-syscall.h"
#include "linux-user/signal.h"
#include "linux-user/syscall-int.h"

/* Guest path / string / buffer arguments; each returns from the handler
 * with the right -errno when the guest passed a bad pointer. */
#define GPATH(var, addr) \
    char var##_buf[PATH_MAX]; int var##_err = 0; \
    const char *var = lu_gpath(p, (addr), var##_buf, &var##_err); \
    if (!var) return var##_err
#define GSTR(var, addr) \
    int var##_err = 0; \
    const char *var = lu_gstr(p, (addr), PATH_MAX, &var##_err); \
    if (!var) return var##_err

/* ---------------------------------------------------------------------- */
/* Reading and writing                                                      */

static int64_t sys_read(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    GBUF(buf, a[1], a[2], PROT_WRITE);
    return lu_safe_syscall(SYS_read, (int)a[0], buf, a[2]);
}

static int64_t sys_write(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    GBUF(buf, a[1], a[2], PROT_READ);
    return lu_safe_syscall(SYS_write, (int)a[0], buf, a[2]);
}

static int64_t sys_pread64(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    GBUF(buf, a[1], a[2], PROT_WRITE);
    return lu_safe_syscall(SYS_pread64, (int)a[0], buf, a[2], (off_t)a[3]);
}

static int64_t sys_pwrite64(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    GBUF(buf, a[1], a[2], PROT_READ);
    return lu_safe_syscall(SYS_pwrite64, (int)a[0], buf, a[2], (off_t)a[3]);
}

/* Translate a guest iovec array (same layout as the host's) in place
 * into host. Returns 0 or -errno. */
int64_t lu_iov_to_host(LuProc *p, uint64_t addr, uint64_t n, struct iovec *host, int prot)
{
    if (n > IOV_MAX) {
        return -EINVAL;
    }
    const uint64_t *g = lu_gptr(p, addr, n * 16, PROT_READ);
    if (!g) {
        return -EFAULT;
    }
    for (uint64_t i = 0; i < n; i++) {
        host[i].iov_len = g[2 * i + 1];
        host[i].iov_base = lu_gptr(p, g[2 * i], host[i].iov_len, prot);
        if (!host[i].iov_base) {
            return -EFAULT;
        }
    }
    return 0;
}

static int64_t do_rwv(LuProc *p, const uint64_t *a, bool write, bool positioned)
{
    struct iovec iov[IOV_MAX];
    int64_t r = lu_iov_to_host(p, a[1], a[2], iov, write ? PROT_READ : PROT_WRITE);
    if (r < 0) {
        return r;
    }
    int fd = (int)a[0], n = (int)a[2];
    if (positioned) {
        /* the raw calls take the offset as two longs (low, high) */
        return lu_safe_syscall(write ? SYS_pwritev : SYS_preadv, fd, iov, n, a[3], 0);
    }
    return lu_safe_syscall(write ? SYS_writev : SYS_readv, fd, iov, n);
}

static int64_t sys_readv(LuProc *p, X86Cpu *c, const uint64_t *a) { return do_rwv(p, a, false, false); }
static int64_t sys_writev(LuProc *p, X86Cpu *c, const uint64_t *a) { return do_rwv(p, a, true, false); }
static int64_t sys_preadv(LuProc *p, X86Cpu *c, const uint64_t *a) { return do_rwv(p, a, false, true); }
static int64_t sys_pwritev(LuProc *p, X86Cpu *c, const uint64_t *a) { return do_rwv(p, a, true, true); }

static int64_t sys_lseek(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    return lu_ret(lseek((int)a[0], (off_t)a[1], (int)a[2]));
}

static int64_t sys_sendfile(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    off_t *off = NULL;
    if (a[2]) {
        off = lu_gptr(p, a[2], sizeof(off_t), PROT_READ | PROT_WRITE);
        if (!off) {
            return -EFAULT;
        }
    }
    return lu_ret(sendfile((int)a[0], (int)a[1], off, a[3]));
}

/* Optional guest loff_t pointer (NULL stays NULL). */
static bool opt_off(LuProc *p, uint64_t addr, loff_t **out)
{
    *out = NULL;
    return !addr || (*out = lu_gptr(p, addr, sizeof(loff_t), PROT_READ | PROT_WRITE));
}

static int64_t sys_copy_file_range(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    loff_t *in_off, *out_off;
    if (!opt_off(p, a[1], &in_off) || !opt_off(p, a[3], &out_off)) {
        return -EFAULT;
    }
    return lu_ret(syscall(SYS_copy_file_range, (int)a[0], in_off, (int)a[2], out_off,
                          (size_t)a[4], (unsigned)a[5]));
}

/* ---------------------------------------------------------------------- */
/* Opening and closing                                                      */

static int64_t do_openat(LuProc *p, int dirfd, uint64_t path_addr, uint64_t flags,
                         uint64_t mode)
{
    GPATH(path, path_addr);
    int host_flags = lu_open_flags_to_host(flags);
    int64_t fd;
    if (lu_procfs_open(p, dirfd, path, host_flags, &fd)) {
        return fd;                 /* the guest's view of its /proc files */
    }
    return lu_ret(openat(dirfd, path, host_flags, (mode_t)mode));
}

static int64_t sys_open(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    return do_openat(p, AT_FDCWD, a[0], a[1], a[2]);
}

static int64_t sys_creat(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    return do_openat(p, AT_FDCWD, a[0], O_CREAT | O_WRONLY | O_TRUNC, a[1]);
}

static int64_t sys_openat(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    return do_openat(p, (int)a[0], a[1], a[2], a[3]);
}

static int64_t sys_close(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    return lu_ret(close((int)a[0]));
}

static int64_t sys_close_range(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    return lu_ret(syscall(SYS_close_range, (unsigned)a[0], (unsigned)a[1], (unsigned)a[2]));
}

static int64_t sys_dup(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    return lu_ret(dup((int)a[0]));
}

static int64_t sys_dup2(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    return lu_ret(dup2((int)a[0], (int)a[1]));
}

static int64_t sys_dup3(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    return lu_ret(dup3((int)a[0], (int)a[1], lu_open_flags_to_host(a[2])));
}

static int64_t sys_pipe2(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    GBUF(fds, a[0], 2 * sizeof(int), PROT_WRITE);
    return lu_ret(pipe2(fds, lu_open_flags_to_host(a[1])));
}

static int64_t sys_pipe(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    const uint64_t b[2] = { a[0], 0 };
    return sys_pipe2(p, c, b);
}

/* ---------------------------------------------------------------------- */
/* fcntl, ioctl, poll                                                       */

static int64_t sys_fcntl(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    int fd = (int)a[0], cmd = (int)a[1];
    switch (cmd) {
    case F_GETFL: {
        int r = fcntl(fd, F_GETFL);
        return r < 0 ? -errno : (int64_t)lu_open_flags_to_guest(r);
    }
    case F_SETFL:
        return lu_ret(fcntl(fd, F_SETFL, lu_open_flags_to_host(a[2])));
    case F_GETLK: case F_SETLK: case F_SETLKW:
    case F_OFD_GETLK: case F_OFD_SETLK: case F_OFD_SETLKW: {
        GBUF(fl, a[2], sizeof(struct flock), PROT_READ | PROT_WRITE);
        return lu_ret(fcntl(fd, cmd, fl));
    }
    case F_DUPFD: case F_DUPFD_CLOEXEC: case F_GETFD: case F_SETFD:
    case F_GETOWN: case F_SETOWN: case F_GETSIG: case F_SETSIG:
    case F_SETPIPE_SZ: case F_GETPIPE_SZ: case F_ADD_SEALS: case F_GET_SEALS:
        return lu_ret(fcntl(fd, cmd, (long)a[2]));
    default:
        return -EINVAL;
    }
}

/* The ioctls passed through: their numbers and argument structures are
 * the same on x86-64 and every 64-bit host ferry supports. */
static int64_t sys_ioctl(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    int fd = (int)a[0];
    unsigned long req = (unsigned long)a[1];
    size_t len;
    switch (req) {
    case TCGETS: case TCSETS: case TCSETSW: case TCSETSF:
        len = sizeof(struct termios);
        break;
    case TIOCGWINSZ: case TIOCSWINSZ:
        len = sizeof(struct winsize);
        break;
    case FIONREAD: case FIONBIO: case TIOCGPGRP: case TIOCSPGRP: case TIOCOUTQ:
        len = sizeof(int);
        break;
    case FIOCLEX: case FIONCLEX:
        return lu_ret(ioctl(fd, req));
    default:
        if (p->log_unimp) {
            fprintf(p->log, "ferry: unsupported ioctl %#lx on fd %d\n", req, fd);
        }
        return -ENOTTY;
    }
    GBUF(arg, a[2], len, PROT_READ | PROT_WRITE);
    return lu_ret(ioctl(fd, req, arg));
}

/*
 * poll, select and their mask-taking forms all go to the host's ppoll and
 * pselect6 (arm64 has only those) through lu_safe_syscall. A guest mask
 * argument becomes the thread's mask for the call (lu_signal_temp_mask),
 * applied on the host by the call itself.
 */
static int64_t guest_mask(LuProc *p, uint64_t addr, uint64_t size, uint64_t *out)
{
    if (size != 8) {
        return -EINVAL;
    }
    const uint64_t *g = lu_gptr(p, addr, 8, PROT_READ);
    if (!g) {
        return -EFAULT;
    }
    *out = *g;
    return 0;
}

static int64_t do_ppoll(LuProc *p, X86Cpu *c, struct pollfd *fds, uint64_t n,
                        struct timespec *ts, uint64_t mask_addr, uint64_t mask_size)
{
    if (!mask_addr) {
        return lu_safe_syscall(SYS_ppoll, fds, (nfds_t)n, ts, NULL, 8);
    }
    uint64_t mask;
    int64_t r = guest_mask(p, mask_addr, mask_size, &mask);
    if (r < 0) {
        return r;
    }
    sigset_t host;
    lu_signal_temp_mask(lu_thread_of(c), mask, &host);
    r = lu_safe_syscall(SYS_ppoll, fds, (nfds_t)n, ts, &host, 8);
    lu_signal_temp_mask_done(lu_thread_of(c), r);
    return r;
}

static int64_t sys_poll(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    struct pollfd *fds = NULL;     /* none: a wait for a signal or the timeout */
    if (a[1] && !(fds = lu_gptr(p, a[0], a[1] * sizeof(*fds), PROT_READ | PROT_WRITE))) {
        return -EFAULT;
    }
    int ms = (int)a[2];
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };
    return do_ppoll(p, c, fds, a[1], ms < 0 ? NULL : &ts, 0, 0);
}

static int64_t sys_ppoll(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    struct pollfd *fds = NULL;     /* none: a wait for a signal or the timeout */
    if (a[1] && !(fds = lu_gptr(p, a[0], a[1] * sizeof(*fds), PROT_READ | PROT_WRITE))) {
        return -EFAULT;
    }
    struct timespec *ts = NULL;
    if (a[2] && !(ts = lu_gptr(p, a[2], sizeof(*ts), PROT_READ | PROT_WRITE))) {
        return -EFAULT;
    }
    return do_ppoll(p, c, fds, a[1], ts, a[3], a[4]);
}

/* select / pselect6: fd_set is a bit array of longs on every 64-bit host.
 * mask_arg is pselect6's {sigset pointer, size} pair, or 0. */
static int64_t do_select(LuProc *p, X86Cpu *c, const uint64_t *a, struct timespec *ts,
                         uint64_t mask_arg)
{
    fd_set *set[3] = { NULL, NULL, NULL };
    if ((int)a[0] < 0 || (int)a[0] > FD_SETSIZE) {
        return -EINVAL;
    }
    size_t bytes = ((size_t)a[0] + 63) / 64 * 8;
    for (int i = 0; i < 3; i++) {
        if (a[1 + i] && !(set[i] = lu_gptr(p, a[1 + i], bytes, PROT_READ | PROT_WRITE))) {
            return -EFAULT;
        }
    }
    const uint64_t *pair = NULL;
    if (mask_arg && !(pair = lu_gptr(p, mask_arg, 16, PROT_READ))) {
        return -EFAULT;
    }
    if (!pair || !pair[0]) {
        return lu_safe_syscall(SYS_pselect6, (int)a[0], set[0], set[1], set[2], ts, NULL);
    }
    uint64_t mask;
    int64_t r = guest_mask(p, pair[0], pair[1], &mask);
    if (r < 0) {
        return r;
    }
    sigset_t host;
    struct { sigset_t *set; size_t size; } hpair = { &host, 8 };
    lu_signal_temp_mask(lu_thread_of(c), mask, &host);
    r = lu_safe_syscall(SYS_pselect6, (int)a[0], set[0], set[1], set[2], ts, &hpair);
    lu_signal_temp_mask_done(lu_thread_of(c), r);
    return r;
}

/* select's timeval becomes a timespec and the time left is written back,
 * as Linux does. */
static int64_t sys_select(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    struct timeval *tv = NULL;
    if (a[4] && !(tv = lu_gptr(p, a[4], sizeof(*tv), PROT_READ | PROT_WRITE))) {
        return -EFAULT;
    }
    struct timespec ts;
    if (tv) {
        ts.tv_sec = tv->tv_sec;
        ts.tv_nsec = tv->tv_usec * 1000;
    }
    int64_t r = do_select(p, c, a, tv ? &ts : NULL, 0);
    if (tv) {
        tv->tv_sec = ts.tv_sec;
        tv->tv_usec = ts.tv_nsec / 1000;
    }
    return r;
}

static int64_t sys_pselect6(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    struct timespec *ts = NULL;
    if (a[4] && !(ts = lu_gptr(p, a[4], sizeof(*ts), PROT_READ | PROT_WRITE))) {
        return -EFAULT;
    }
    return do_select(p, c, a, ts, a[5]);
}

/* ---------------------------------------------------------------------- */
/* Directories and names                                                    */

static int64_t sys_getdents64(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    GBUF(buf, a[1], a[2], PROT_WRITE);
    return lu_ret(syscall(SYS_getdents64, (int)a[0], buf, (unsigned)a[2]));
}

static int64_t sys_getcwd(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    GBUF(buf, a[0], a[1], PROT_WRITE);
    return lu_ret(syscall(SYS_getcwd, buf, (size_t)a[1]));
}

static int64_t sys_chdir(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    GSTR(path, a[0]);
    return lu_ret(chdir(path));
}

static int64_t sys_fchdir(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    return lu_ret(fchdir((int)a[0]));
}

/* readlink of /proc/self/exe is the guest program, not ferry. */
static int64_t do_readlinkat(LuProc *p, int dirfd, uint64_t path_addr, uint64_t buf_addr,
                             uint64_t size)
{
    GSTR(raw, path_addr);
    if ((int64_t)size <= 0) {
        return -EINVAL;
    }
    GBUF(buf, buf_addr, size, PROT_WRITE);
    const char *self = lu_procfs_self_file(raw);
    if (p->exe_path && self && strcmp(self, "exe") == 0) {
        size_t n = MIN(strlen(p->exe_path), size);
        memcpy(buf, p->exe_path, n);
        return (int64_t)n;
    }
    GPATH(path, path_addr);
    return lu_ret(readlinkat(dirfd, path, buf, size));
}

static int64_t sys_readlink(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    return do_readlinkat(p, AT_FDCWD, a[0], a[1], a[2]);
}

static int64_t sys_readlinkat(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    return do_readlinkat(p, (int)a[0], a[1], a[2], a[3]);
}

static int64_t sys_faccessat2(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    GPATH(path, a[1]);
    return lu_ret(faccessat((int)a[0], path, (int)a[2], (int)a[3]));
}

static int64_t sys_faccessat(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    const uint64_t b[4] = { a[0], a[1], a[2], 0 };
    return sys_faccessat2(p, c, b);
}

static int64_t sys_access(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    const uint64_t b[4] = { (uint64_t)(int64_t)AT_FDCWD, a[0], a[1], 0 };
    return sys_faccessat2(p, c, b);
}

static int64_t sys_unlinkat(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    GSTR(path, a[1]);
    return lu_ret(unlinkat((int)a[0], path, (int)a[2]));
}

static int64_t sys_unlink(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    GSTR(path, a[0]);
    return lu_ret(unlinkat(AT_FDCWD, path, 0));
}

static int64_t sys_rmdir(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    GSTR(path, a[0]);
    return lu_ret(unlinkat(AT_FDCWD, path, AT_REMOVEDIR));
}

static int64_t sys_mkdirat(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    GSTR(path, a[1]);
    return lu_ret(mkdirat((int)a[0], path, (mode_t)a[2]));
}

static int64_t sys_mkdir(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    GSTR(path, a[0]);
    return lu_ret(mkdirat(AT_FDCWD, path, (mode_t)a[1]));
}

static int64_t sys_renameat2(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    GSTR(from, a[1]);
    GSTR(to, a[3]);
    return lu_ret(syscall(SYS_renameat2, (int)a[0], from, (int)a[2], to, (unsigned)a[4]));
}

static int64_t sys_renameat(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    const uint64_t b[5] = { a[0], a[1], a[2], a[3], 0 };
    return sys_renameat2(p, c, b);
}

static int64_t sys_rename(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    const uint64_t b[5] = { (uint64_t)(int64_t)AT_FDCWD, a[0], (uint64_t)(int64_t)AT_FDCWD, a[1], 0 };
    return sys_renameat2(p, c, b);
}

static int64_t sys_symlink(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    GSTR(target, a[0]);
    GSTR(path, a[1]);
    return lu_ret(symlinkat(target, AT_FDCWD, path));
}

static int64_t sys_link(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    GSTR(from, a[0]);
    GSTR(to, a[1]);
    return lu_ret(linkat(AT_FDCWD, from, AT_FDCWD, to, 0));
}

static int64_t sys_fchmodat(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    GSTR(path, a[1]);
    return lu_ret(fchmodat((int)a[0], path, (mode_t)a[2], 0));
}

static int64_t sys_chmod(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    GSTR(path, a[0]);
    return lu_ret(fchmodat(AT_FDCWD, path, (mode_t)a[1], 0));
}

static int64_t sys_fchmod(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    return lu_ret(fchmod((int)a[0], (mode_t)a[1]));
}

static int64_t sys_fchown(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    return lu_ret(fchown((int)a[0], (uid_t)a[1], (gid_t)a[2]));
}

static int64_t sys_umask(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    return umask((mode_t)a[0]);
}

static int64_t sys_ftruncate(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    return lu_ret(ftruncate((int)a[0], (off_t)a[1]));
}

static int64_t sys_truncate(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    GSTR(path, a[0]);
    return lu_ret(truncate(path, (off_t)a[1]));
}

static int64_t sys_fsync(LuProc *p, X86Cpu *c, const uint64_t *a) { return lu_ret(fsync((int)a[0])); }
static int64_t sys_fdatasync(LuProc *p, X86Cpu *c, const uint64_t *a) { return lu_ret(fdatasync((int)a[0])); }
static int64_t sys_flock(LuProc *p, X86Cpu *c, const uint64_t *a) { return lu_ret(flock((int)a[0], (int)a[1])); }

static int64_t sys_fadvise64(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    return -posix_fadvise((int)a[0], (off_t)a[1], (off_t)a[2], (int)a[3]);
}

static int64_t sys_utimensat(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    const char *path = NULL;
    int err = 0;
    if (a[1]) {
        path = lu_gstr(p, a[1], PATH_MAX, &err);
        if (!path) {
            return err;
        }
    }
    const struct timespec *ts = NULL;
    if (a[2]) {
        ts = lu_gptr(p, a[2], 2 * sizeof(struct timespec), PROT_READ);
        if (!ts) {
            return -EFAULT;
        }
    }
    return lu_ret(syscall(SYS_utimensat, (int)a[0], path, ts, (int)a[3]));
}

void lu_sys_file_init(void)
{
    static const LuSysEntry e[] = {
        { LU_NR_read, sys_read, "dfpu" }, { LU_NR_write, sys_write, "dfpu" },
        { LU_NR_pread64, sys_pread64, "dfpud" }, { LU_NR_pwrite64, sys_pwrite64, "dfpud" },
        { LU_NR_readv, sys_readv, "dfpu" }, { LU_NR_writev, sys_writev, "dfpu" },
        { LU_NR_preadv, sys_preadv, "dfpud" }, { LU_NR_pwritev, sys_pwritev, "dfpud" },
        { LU_NR_lseek, sys_lseek, "dfdd" }, { LU_NR_sendfile, sys_sendfile, "dffpu" },
        { LU_NR_open, sys_open, "dsxo" }, { LU_NR_creat, sys_creat, "dso" },
        { LU_NR_openat, sys_openat, "dfsxo" }, { LU_NR_close, sys_close, "df" },
        { LU_NR_close_range, sys_close_range, "duux" },
        { LU_NR_dup, sys_dup, "df" }, { LU_NR_dup2, sys_dup2, "dff" },
        { LU_NR_dup3, sys_dup3, "dffx" }, { LU_NR_pipe, sys_pipe, "dp" },
        { LU_NR_pipe2, sys_pipe2, "dpx" }, { LU_NR_fcntl, sys_fcntl, "dfdx" },
        { LU_NR_ioctl, sys_ioctl, "dfxp" }, { LU_NR_poll, sys_poll, "dpud" },
        { LU_NR_ppoll, sys_ppoll, "dpuppu" }, { LU_NR_select, sys_select, "ddpppp" },
        { LU_NR_pselect6, sys_pselect6, "ddppppp" },
        { LU_NR_copy_file_range, sys_copy_file_range, "dfpfpux" },
        { LU_NR_getdents64, sys_getdents64, "dfpu" }, { LU_NR_getcwd, sys_getcwd, "dpu" },
        { LU_NR_chdir, sys_chdir, "ds" }, { LU_NR_fchdir, sys_fchdir, "df" },
        { LU_NR_readlink, sys_readlink, "dspu" }, { LU_NR_readlinkat, sys_readlinkat, "dfspu" },
        { LU_NR_access, sys_access, "dso" }, { LU_NR_faccessat, sys_faccessat, "dfso" },
        { LU_NR_faccessat2, sys_faccessat2, "dfsox" },
        { LU_NR_unlink, sys_unlink, "ds" }, { LU_NR_unlinkat, sys_unlinkat, "dfsx" },
        { LU_NR_rmdir, sys_rmdir, "ds" }, { LU_NR_mkdir, sys_mkdir, "dso" },
        { LU_NR_mkdirat, sys_mkdirat, "dfso" }, { LU_NR_rename, sys_rename, "dss" },
        { LU_NR_renameat, sys_renameat, "dfsfs" }, { LU_NR_renameat2, sys_renameat2, "dfsfsx" },
        { LU_NR_symlink, sys_symlink, "dss" }, { LU_NR_link, sys_link, "dss" },
        { LU_NR_chmod, sys_chmod, "dso" }, { LU_NR_fchmod, sys_fchmod, "dfo" },
        { LU_NR_fchmodat, sys_fchmodat, "dfso" }, { LU_NR_fchown, sys_fchown, "dfdd" },
        { LU_NR_umask, sys_umask, "oo" }, { LU_NR_ftruncate, sys_ftruncate, "dfd" },
        { LU_NR_truncate, sys_truncate, "dsd" }, { LU_NR_fsync, sys_fsync, "df" },
        { LU_NR_fdatasync, sys_fdatasync, "df" }, { LU_NR_flock, sys_flock, "dfd" },
        { LU_NR_fadvise64, sys_fadvise64, "dfddd" },
        { LU_NR_utimensat, sys_utimensat, "dfspx" },
    };
    lu_sys_add(e, G_N_ELEMENTS(e));
}
