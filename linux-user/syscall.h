/*
 * syscall.h — the guest's system calls: x86-64 Linux numbers and argument
 * registers (rdi, rsi, rdx, r10, r8, r9; result or -errno in rax) turned
 * into host calls made by name, with guest pointers translated and checked
 * and structures converted where the host's layout differs. One process
 * (LuProc) per ferry, with one or more guest threads (LuThread).
 */
#ifndef FERRY_LINUX_USER_SYSCALL_H
#define FERRY_LINUX_USER_SYSCALL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "frontend-x86/cpu.h"
#include "linux-user/guestmem.h"
#include "linux-user/thread.h"

/* The x86-64 kernel's struct sigaction (what rt_sigaction passes). */
typedef struct LuSigaction {
    uint64_t handler;
    uint64_t flags;
    uint64_t restorer;
    uint64_t mask;
} LuSigaction;

/* The guest's /proc views (procfs.c). */
typedef struct LuProcfs LuProcfs;

/* Process-wide state of the guest. */
typedef struct LuProc {
    LuMem *mem;                    /* immutable pointer */
    /* Drop translations of guest code in [start, end) (main.c wires it to
     * jit_tb_invalidate_range); NULL in unit tests. Immutable. */
    void (*invalidate)(void *opaque, uint64_t start, uint64_t end);
    void *invalidate_opaque;
    /* Around fork: phase 0 before, 1 in the parent after, 2 in the child
     * (thread.c: liburcu's call_rcu thread, the JIT's and the process's
     * locks, the CPU list). NULL in unit tests. Immutable. */
    void (*fork_hook)(int phase);
    /* The process may now be observed by another agent (a second thread,
     * a shared writable mapping): translate x86-TSO ordered from now on
     * (main.c wires it to jit_engine_set_parallel on invalidate_opaque
     * unless -tso on; NULL in unit tests). Immutable. Called
     * through lu_sys_go_parallel. */
    void (*parallel)(void *opaque);
    /* clone with CLONE_VM and CLONE_THREAD (a = the clone arguments:
     * flags, newsp, parent_tid, child_tid, tls): the new thread's tid or
     * -errno. thread.c; NULL (ENOSYS) in unit tests. Immutable. */
    int64_t (*clone_thread)(struct LuProc *p, X86Cpu *parent, const uint64_t *a);
    char *exe_path;                /* absolute host path: /proc/self/exe */
    char *sysroot;                 /* -L prefix for absolute paths, or NULL */
    bool strace;                   /* print every syscall (-strace) */
    bool log_unimp;                /* log unknown syscalls (-d unimp) */
    FILE *log;                     /* where strace and -d go */
    LuProcfs *procfs;              /* set at setup, then immutable; NULL in unit tests */

    /* Serializes the guest's mmap, munmap, mprotect and mremap (taken
     * before jit_tb_lock and mem->lock; syscall-mem.c). */
    pthread_mutex_t mmap_lock;
    /* Held briefly; only mem->lock is taken under it (brk). */
    pthread_mutex_t lock;
    uint64_t brk_start, brk_cur;   /* lock */
    LuSigaction sigact[LU_NSIG + 1];   /* recorded guest dispositions: lock */

    /* Live guest threads (thread.c): starts at 1. */
    _Atomic int nthreads;
    /* Set by exit_group (any thread; the process ends right after, so
     * no other thread waits for it). exit_status is written before
     * exited (release) and read after it. */
    _Atomic bool exited;
    int exit_status;
} LuProc;

/* Create the process state; brk starts at brk (the end of the program). */
LuProc *lu_proc_new(LuMem *mem, const char *exe_path, const char *sysroot, uint64_t brk);
void lu_proc_free(LuProc *p);

/*
 * The guest process may now be observed by another agent: call this when
 * it gets its second thread (before that thread runs guest code) and when
 * it maps memory MAP_SHARED and writable. The engine switches to parallel
 * mode (atomics atomic; with -tso auto also x86-TSO ordering) and flushes
 * its translations (an exclusive section: call it outside jit_cpu_exec,
 * holding no engine lock); a no-op with -tso on and after the first time.
 * docs/memory-model.md.
 */
void lu_sys_go_parallel(LuProc *p);

/*
 * Run the system call the guest asked for: number in rax, arguments in
 * rdi, rsi, rdx, r10, r8, r9. Writes the result to rax (and clobbers rcx
 * and r11 as the syscall instruction does: rcx = rip, r11 = rflags).
 * Sets p->exited for exit_group, the thread's `exiting` for exit. Defined in cpuloop.c (it needs the
 * front end's EFLAGS helper), so liblu.a does not depend on the front end.
 */
void lu_syscall(LuProc *p, X86Cpu *cpu);

/* The same with explicit number and arguments; returns the result or
 * -errno (no register side effects). */
int64_t lu_do_syscall(LuProc *p, X86Cpu *cpu, uint64_t nr, const uint64_t args[6]);

/* The x86-64 kernel's struct stat (arch/x86/include/uapi/asm/stat.h). */
typedef struct LuX86Stat {
    uint64_t st_dev;
    uint64_t st_ino;
    uint64_t st_nlink;
    uint32_t st_mode;
    uint32_t st_uid;
    uint32_t st_gid;
    uint32_t pad0;
    uint64_t st_rdev;
    int64_t st_size;
    int64_t st_blksize;
    int64_t st_blocks;
    uint64_t st_atime_sec, st_atime_nsec;
    uint64_t st_mtime_sec, st_mtime_nsec;
    uint64_t st_ctime_sec, st_ctime_nsec;
    int64_t unused[3];
} LuX86Stat;

_Static_assert(sizeof(LuX86Stat) == 144, "x86-64 struct stat is 144 bytes");

/* The x86-64 struct epoll_event: packed (__EPOLL_PACKED), 12 bytes; 16 on
 * arm64 and loongarch64. */
typedef struct __attribute__((packed)) LuX86EpollEvent {
    uint32_t events;
    uint64_t data;
} LuX86EpollEvent;

_Static_assert(sizeof(LuX86EpollEvent) == 12, "x86-64 struct epoll_event is 12 bytes");

struct stat;
/* Convert the host's struct stat to the guest's (padding zeroed). */
void lu_stat_to_guest(LuX86Stat *g, const struct stat *h);

/* The name of an x86-64 syscall number, or NULL when ferry does not know it. */
const char *lu_syscall_name(uint64_t nr);

#endif
