/*
 * thread.h — one guest thread: its CPU state and the per-thread state the
 * kernel keeps (blocked signals, alternate signal stack, the tid pointers
 * of set_tid_address and set_robust_list). Syscall handlers receive the
 * X86Cpu; lu_thread_of recovers the thread around it.
 */
#ifndef FERRY_LINUX_USER_THREAD_H
#define FERRY_LINUX_USER_THREAD_H

#include <stddef.h>
#include <stdint.h>

#include "frontend-x86/cpu.h"

struct LuProc;

/*
 * A guest thread. Owned by the host thread that runs it: every field is
 * read and written only by that thread (other threads reach it only
 * through the kernel, e.g. a signal), unless a field says otherwise.
 */
typedef struct LuThread {
    X86Cpu cpu;                    /* the guest registers; see lu_thread_of */
    struct LuProc *proc;           /* the process: immutable */
    int tid;                       /* host tid = guest tid: immutable */
    uint64_t sigmask;              /* the guest's blocked set, bit sig-1 */
    uint64_t altstack[3];          /* guest stack_t: ss_sp, ss_flags, ss_size */
    uint64_t clear_child_tid;      /* set_tid_address / CLONE_CHILD_CLEARTID */
    uint64_t robust_list;          /* set_robust_list head */
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

#endif
