/*
 * signal.h — guest signals, host side: dispositions mirrored to the host,
 * the host handler that queues a signal on the guest thread it hit and
 * kicks that thread out of generated code, the guest's blocked mask kept
 * applied to the host thread, and the syscall-restart bookkeeping. Frames
 * and delivery are in signal-frame.c; docs/linux-user-signals.md has the
 * whole design.
 */
#ifndef FERRY_LINUX_USER_SIGNAL_H
#define FERRY_LINUX_USER_SIGNAL_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "linux-user/syscall.h"

/* How an interrupted syscall restarts (the kernel's -ERESTART* codes). */
enum {
    LU_RESTART_SYS = 1,            /* restart unless a handler without SA_RESTART ran */
    LU_RESTART_NOHAND,             /* restart only if no handler ran (poll, pause, ...) */
    LU_RESTART_NOINTR,             /* always restart, after the handler (execve) */
};

/* Guest sa_flags. */
#define LU_SA_SIGINFO   0x00000004u
#define LU_SA_ONSTACK   0x08000000u
#define LU_SA_RESTART   0x10000000u
#define LU_SA_NODEFER   0x40000000u
#define LU_SA_RESETHAND 0x80000000u
#define LU_SA_RESTORER  0x04000000u

/* Guest stack_t.ss_flags. */
#define LU_SS_ONSTACK    1
#define LU_SS_DISABLE    2
#define LU_SS_AUTODISARM (1u << 31)

/*
 * Start signal handling for process p: record the dispositions inherited
 * through exec (SIG_IGN stays SIG_IGN for the guest). Once per process,
 * before the first guest thread runs.
 */
void lu_signal_init(LuProc *p);

/*
 * Called on the host thread that will run t, before it runs guest code:
 * makes t the thread this host thread's signals are queued on and applies
 * t's blocked mask to the host thread. Every guest thread calls it first.
 */
void lu_signal_thread_start(LuThread *t);

/*
 * Called on t's host thread when the guest thread ends (the thread exit
 * path of clone'd threads): signals queued on t for the process are sent
 * to the process again, those sent to t alone are dropped, as the kernel
 * does; host signals stay blocked on this thread from here on.
 */
void lu_signal_thread_exit(LuThread *t);

/* The guest thread this host thread runs, or NULL (async-signal-safe). */
LuThread *lu_signal_current(void);

/*
 * The host handler of every signal the guest catches, and where the fault
 * handler sends signals that are not faults of guest code. Queues the
 * signal on the current guest thread, keeps further host signals blocked
 * until the thread has delivered it, makes the thread leave generated code
 * and, if it was about to enter a host syscall through lu_safe_syscall,
 * makes that return -EINTR instead. Async-signal-safe.
 */
void lu_signal_host_handler(int sig, siginfo_t *si, void *uc);

/* The host pc in a host signal handler's ucontext. */
uintptr_t lu_signal_host_pc(const void *uc);

/* Set t's blocked mask (SIGKILL/SIGSTOP dropped) and apply it to the host. */
void lu_signal_set_mask(LuThread *t, uint64_t mask);

/* The host signal set for a guest mask. With wait, the signals ferry keeps
 * unblocked for its own faults are included (for sigtimedwait, signalfd). */
void lu_signal_host_set(uint64_t mask, bool wait, sigset_t *out);

/* Block every host signal on this thread (old mask to *old). */
void lu_signal_block_all(sigset_t *old);

/*
 * Take the next queued signal t does not block into *out (clearing it);
 * returns its number or 0. Synchronous ones (SIGSEGV, SIGBUS, SIGILL,
 * SIGTRAP, SIGFPE) first, then the lowest number, as the kernel does.
 * Call with host signals blocked.
 */
int lu_signal_dequeue(LuThread *t, LuSigInfo *out);

/*
 * Record that the syscall nr returned -EINTR because a host signal
 * arrived (lu_syscall calls it when a signal is queued): the delivery
 * decides between -EINTR and restarting the syscall.
 */
void lu_signal_note_interrupted(LuThread *t, uint64_t nr);

/* The guest's MINSIGSTKSZ: sigaltstack refuses smaller stacks. */
#define LU_MINSIGSTKSZ 2048

/* Whether sp is on t's alternate stack, and the ss_flags sigaltstack
 * reports for it (SS_DISABLE, SS_ONSTACK or 0), as the kernel computes. */
bool lu_signal_on_altstack(const LuThread *t, uint64_t sp);
uint32_t lu_signal_ss_flags(const LuThread *t, uint64_t sp);

/* sigaltstack's set half for a thread whose stack pointer is sp: 0 or
 * -EPERM (on the stack now), -EINVAL (flags), -ENOMEM (too small). */
int64_t lu_signal_set_altstack(LuThread *t, uint64_t sp, uint64_t ss_sp, uint32_t flags,
                               uint64_t size);

/*
 * For a call that waits with a temporary blocked mask (rt_sigsuspend,
 * ppoll, pselect6): make mask t's mask, remembering the old one, and give
 * the host set the host call should apply. The host thread keeps its mask
 * (the host call switches atomically). Afterwards call
 * lu_signal_temp_mask_done with the call's result: unless a signal
 * interrupted it, the old mask comes back now; else the handler frame
 * saves the old mask and sigreturn restores it.
 */
void lu_signal_temp_mask(LuThread *t, uint64_t mask, sigset_t *host);
void lu_signal_temp_mask_done(LuThread *t, int64_t result);

/* Take a queued signal of set (for rt_sigtimedwait): its number, 0 if none. */
int lu_signal_take(LuThread *t, uint64_t set, LuSigInfo *out);

/* Whether sig's default action ignores it / stops the process. */
bool lu_signal_default_ignores(int sig);
bool lu_signal_default_stops(int sig);

/*
 * End the process by sig as its default action does (the parent's wait
 * status shows the signal), after the stderr note "ferry: guest SIG... at
 * rip ..." when why is not NULL.
 */
_Noreturn void lu_signal_die(LuProc *p, int sig, uint64_t rip, const char *why);

/*
 * The guest's new disposition for sig (already recorded in p->sigact):
 * mirror it to the host: SIG_IGN and SIG_DFL as they are (so the kernel
 * acts for ferry, including the exit status), a handler as ferry's host
 * handler. Call with p->lock held.
 */
void lu_signal_host_action(LuProc *p, int sig);

#endif
