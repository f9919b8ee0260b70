/*
 * safe-syscall.h — host syscalls that a guest signal can interrupt without
 * a lost wakeup (after QEMU's safe_syscall). A blocking call checks the
 * thread's queued-signal word in a small per-host assembly stub right
 * before its syscall instruction; a host signal that lands between that
 * check and the instruction finds its pc inside the stub and sends it to
 * the "interrupted" exit, so the call returns -EINTR instead of sleeping
 * with a signal queued. A signal during the call makes the host kernel
 * return EINTR (ferry's host handlers have no SA_RESTART).
 */
#ifndef FERRY_LINUX_USER_SAFE_SYSCALL_H
#define FERRY_LINUX_USER_SAFE_SYSCALL_H

#include <stdint.h>
#include <sys/syscall.h>

/*
 * The stub (safe-syscall-stub.S): returns the raw result (-errno on
 * failure); -EINTR without entering the kernel when *pending is non-zero.
 */
long lu_safe_syscall_base(const _Atomic uint64_t *pending, long nr, long a1, long a2,
                          long a3, long a4, long a5, long a6);

/* The stub's labels: a pc in (start, end) has not entered the syscall
 * yet; the handler moves it to interrupted. */
extern const char lu_safe_syscall_start[], lu_safe_syscall_end[],
    lu_safe_syscall_interrupted[];

/*
 * Host syscall nr (a <sys/syscall.h> SYS_* number) with up to six
 * arguments for the current guest thread: the result or -errno.
 */
long lu_safe_syscall6(long nr, long a1, long a2, long a3, long a4, long a5, long a6);

#define LU_SAFE_ARG(x) ((long)(x))
#define lu_safe_syscall(nr, ...) lu_safe_syscall_n(nr, __VA_ARGS__, 0, 0, 0, 0, 0, 0)
#define lu_safe_syscall_n(nr, a, b, c, d, e, f, ...) \
    lu_safe_syscall6((nr), LU_SAFE_ARG(a), LU_SAFE_ARG(b), LU_SAFE_ARG(c), LU_SAFE_ARG(d), \
                     LU_SAFE_ARG(e), LU_SAFE_ARG(f))

#endif
