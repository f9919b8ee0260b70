/*
 * syscall-int.h — what the syscall area files (syscall-file.c,
 * syscall-mem.c, ...) share: the handler signature and registration, and
 * the helpers that turn guest pointers, strings, paths and flags into
 * host ones. Not for use outside linux-user/syscall*.c and thread.c (which
 * handles clone and exit for them).
 */
#ifndef FERRY_LINUX_USER_SYSCALL_INT_H
#define FERRY_LINUX_USER_SYSCALL_INT_H

#include <errno.h>
#include <glib.h>
#include <limits.h>
#include <stdint.h>
#include <sys/uio.h>

#include "linux-user/syscall.h"
#include "linux-user/syscall-nr.h"

typedef int64_t (*LuSysFn)(LuProc *p, X86Cpu *cpu, const uint64_t *a);

/*
 * One handler. fmt describes the result and then each argument for
 * -strace: d signed, u unsigned, x hex, p pointer, s guest string,
 * f fd (or AT_FDCWD), o octal. fmt's length - 1 is the argument count.
 */
typedef struct LuSysEntry {
    unsigned nr;
    LuSysFn fn;
    const char *fmt;
} LuSysEntry;

/* Add entries to the dispatch table (at initialization only). */
void lu_sys_add(const LuSysEntry *e, unsigned n);

/* Each area registers its handlers. */
void lu_sys_file_init(void);
void lu_sys_stat_init(void);
void lu_sys_mem_init(void);
void lu_sys_proc_init(void);
void lu_sys_time_init(void);
void lu_sys_cred_init(void);
void lu_sys_exec_init(void);
void lu_sys_signal_init(void);
void lu_sys_layout_init(void);
void lu_sys_net_init(void);
void lu_sys_misc_init(void);

/* The host result of a libc call as a syscall result: r, or -errno. */
static inline int64_t lu_ret(long r)
{
    return r < 0 ? -(int64_t)errno : r;
}

/* Host pointer for guest [addr, addr+len) if all of it is mapped with
 * prot, else NULL (the handler returns -EFAULT). len 0 always succeeds. */
void *lu_gptr(LuProc *p, uint64_t addr, uint64_t len, int prot);

/* In a handler with `p` in scope: declare var as the host pointer for the
 * guest buffer, or return -EFAULT. */
#define GBUF(var, addr, len, prot) \
    void *var = lu_gptr(p, (addr), (len), (prot)); \
    if (!var) return -EFAULT

/* A readable NUL-terminated guest string of at most max bytes (with the
 * NUL), or NULL (-EFAULT, or -ENAMETOOLONG reported through *err). */
const char *lu_gstr(LuProc *p, uint64_t addr, size_t max, int *err);

/*
 * A guest path as the host should see it: /proc/self/exe is the guest
 * program, an absolute path that exists under the sysroot is taken from
 * there. Uses buf (PATH_MAX bytes) when it must build a new string.
 * Returns NULL with *err set to a negative errno on failure.
 */
const char *lu_gpath(LuProc *p, uint64_t addr, char *buf, int *err);

/* x86-64 open(2) flags <-> the host's (arm64 places O_DIRECTORY,
 * O_NOFOLLOW, O_DIRECT and O_LARGEFILE elsewhere). */
int lu_open_flags_to_host(uint64_t guest);
uint64_t lu_open_flags_to_guest(int host);

/* A guest iovec array (n entries at addr, the same 16-byte layout on
 * every 64-bit host) as host iovecs in host[n], each buffer checked for
 * prot. Returns 0, -EINVAL (n > IOV_MAX) or -EFAULT. */
int64_t lu_iov_to_host(LuProc *p, uint64_t addr, uint64_t n, struct iovec *host, int prot);

/* Invalidate translations of guest code in [start, start+len). */
void lu_sys_invalidate(LuProc *p, uint64_t start, uint64_t len);

#endif
