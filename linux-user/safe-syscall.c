/*
 * safe-syscall.c — lu_safe_syscall6: the current guest thread's queued
 * signal word handed to the assembly stub (safe-syscall-stub.S). On a host
 * without a stub the fallback checks the word in C and calls syscall(2),
 * leaving the window between check and call open (a signal landing there
 * is delivered when the call returns by itself).
 */
#include "linux-user/safe-syscall.h"

#include <errno.h>
#include <unistd.h>

#include "linux-user/signal.h"

#if !defined(__x86_64__) && !defined(__aarch64__) && !defined(__loongarch64)
const char lu_safe_syscall_start[1], lu_safe_syscall_end[1], lu_safe_syscall_interrupted[1];

long lu_safe_syscall_base(const _Atomic uint64_t *pending, long nr, long a1, long a2,
                          long a3, long a4, long a5, long a6)
{
    if (*pending) {
        return -EINTR;
    }
    long r = syscall(nr, a1, a2, a3, a4, a5, a6);
    return r < 0 ? -errno : r;
}
#endif

long lu_safe_syscall6(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
    static const _Atomic uint64_t none;
    LuThread *t = lu_signal_current();
    return lu_safe_syscall_base(t ? &t->sig_pending : &none, nr, a1, a2, a3, a4, a5, a6);
}
