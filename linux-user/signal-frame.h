/*
 * signal-frame.h — delivering guest signals: the x86-64 rt_sigframe the
 * kernel builds (ucontext, XSAVE- or FXSAVE-format FP state, siginfo) on
 * the guest stack, the handler's entry registers, and rt_sigreturn. Called by the
 * CPU loop at block boundaries (cpuloop.c); the host side is signal.c.
 */
#ifndef FERRY_LINUX_USER_SIGNAL_FRAME_H
#define FERRY_LINUX_USER_SIGNAL_FRAME_H

#include "linux-user/signal.h"

/*
 * Deliver what is queued on t and not blocked (several signals nest, the
 * last one's handler running first), settle an interrupted syscall
 * (-EINTR or restart) and apply t's mask to the host. Call only from t's
 * own thread, between blocks. Default actions that end the process do not
 * return.
 */
void lu_signal_deliver(LuProc *p, LuThread *t);

/*
 * A synchronous signal of the instruction at t's rip (a fault or trap;
 * t->trapno, error_code and cr2 already set): a handler frame is built at
 * once; if the signal is blocked, ignored or default, the process dies of
 * it (after the "ferry: guest SIG..." note with why), as the kernel's
 * forced signals do.
 */
void lu_signal_sync(LuProc *p, LuThread *t, const LuSigInfo *info, const char *why);

/* rt_sigreturn: restore registers, FP state, mask and altstack from the
 * frame at rsp - 8 (a bad frame is a SIGSEGV). */
void lu_sigreturn(LuProc *p, LuThread *t);

#endif
