/*
 * thread.h — one guest thread: its CPU state and the per-thread state the
 * kernel keeps (blocked signals, alternate signal stack, the tid pointers
 * of set_tid_address and set_robust_list). Syscall handlers receive the
 * X86Cpu; lu_thread_of recovers the thread around it. Each guest thread
 * runs on its own host thread (thread.c, in the runner: guest tid = host
 * tid); docs/linux-user.md has the thread model and the lock order.
 */
#ifndef FERRY_LINUX_USER_THREAD_H
#define FERRY_LINUX_USER_THREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "frontend-x86/cpu.h"

struct LuProc;
struct JitEngine;

/* The x86-64 kernel's siginfo_t (128 bytes; the same layout as every
 * 64-bit Linux host's, so a host siginfo is copied as it is). */
typedef struct LuSigInfo {
    int32_t signo, err, code, pad;
    union {
        struct { int32_t pid; uint32_t uid; uint64_t value; } kill;   /* kill, sigqueue */
        uint64_t addr;                                                /* faults */
        uint8_t raw[112];
    } u;
} LuSigInfo;

_Static_assert(sizeof(LuSigInfo) == 128, "x86-64 siginfo_t is 128 bytes");

/* Signal numbers 1..LU_NSIG; bit sig-1 of a mask word. */
#define LU_NSIG 64
#define LU_SIGBIT(sig) (1ull << ((sig) - 1))

/*
 * A guest thread. Owned by the host thread that runs it: every field is
 * read and written only by that thread (other threads reach it only
 * through the kernel, e.g. a signal), unless a field says otherwise.
 */
typedef struct LuThread {
    X86Cpu cpu;                    /* the guest registers; see lu_thread_of */
    struct LuProc *proc;           /* the process: immutable */
    int tid;                       /* host tid = guest tid: set before the thread
                                      runs guest code; a fork child's becomes its own */
    uint64_t sigmask;              /* the guest's blocked set, bit sig-1 */
    uint64_t altstack[3];          /* guest stack_t: ss_sp, ss_flags, ss_size */
    uint64_t clear_child_tid;      /* set_tid_address / CLONE_CHILD_CLEARTID */
    uint64_t robust_list;          /* set_robust_list head */
    /* Set by exit(2): the thread's loop stops and the thread ends. */
    bool exiting;
    int exit_code;

    /* Signals (linux-user/signal.c). sig_pending and sig_info are written
     * by this thread's host signal handler too: the thread itself clears
     * a bit only with host signals blocked. */
    _Atomic uint64_t sig_pending;  /* bit sig-1: sig_info[sig-1] is queued */
    LuSigInfo sig_info[LU_NSIG];
    uint64_t sig_held;             /* SIGSEGV/SIGBUS/SIGFPE sent while blocked
                                      (their info stays in sig_info): owner */
    LuSigInfo fault;               /* a host fault in guest code (cpuloop.c;
                                      its err holds page-fault error bits) */
    uint64_t saved_sigmask;        /* sigsuspend/ppoll: the mask to restore */
    bool restore_sigmask;          /* ... once a handler frame saved it */
    uint64_t restart_nr;           /* syscall interrupted by a host signal, */
    int restart_kind;              /* LU_RESTART_*, 0 when none */
    uint64_t trapno, error_code, cr2;  /* last exception (sigcontext) */
} LuThread;

/* The thread whose CPU state c is (every X86Cpu handed to a syscall
 * handler is embedded in a LuThread). */
static inline LuThread *lu_thread_of(X86Cpu *c)
{
    return (LuThread *)((char *)c - offsetof(LuThread, cpu));
}

/* A new thread of p with the host's current tid, the blocked set ferry's
 * own host thread has (as after exec) and no alternate stack. */
LuThread *lu_thread_new(struct LuProc *p);
void lu_thread_free(LuThread *t);

/* ---------------------------------------------------------------------- */
/* The runner's side (thread.c; not in liblu.a)                             */

/*
 * Make p able to run more threads on engine e: wires p->clone_thread
 * (clone with CLONE_VM|CLONE_THREAD) and p->fork_hook (fork from a
 * multi-threaded process). Once, before the main thread runs.
 */
void lu_threads_init(struct LuProc *p, struct JitEngine *e);

/*
 * Run guest thread t on the calling host thread (the main thread, or the
 * host thread clone started) until it exits or the process does. Does not
 * return: the last thread's exit, or exit_group from any thread, ends the
 * process with the status Linux would give it.
 */
_Noreturn void lu_thread_run(LuThread *t);

/*
 * Called once, by the thread that creates the second guest thread, before
 * that thread runs any guest code: from here on the process is
 * multi-threaded (it never goes back). Switches the engine to parallel mode
 * (lu_sys_go_parallel: real atomics, x86-TSO ordering per -tso) and makes
 * the process end through _exit.
 */
void lu_threads_became_multi(struct LuProc *p);

#endif
