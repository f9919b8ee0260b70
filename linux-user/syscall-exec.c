/*
 * syscall-exec.c — process creation: fork, vfork and clone without
 * CLONE_VM (a host fork), clone with CLONE_VM|CLONE_THREAD (a new guest
 * thread: p->clone_thread, thread.c), and execve, which
 * re-executes ferry itself on the new program (with the same -L and
 * -strace), after checking what the kernel would check first so that a
 * missing or non-executable program is an errno for the guest, not a
 * ferry exit status. vfork is a fork: the parent does not wait, and the
 * child does not share the parent's memory.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "linux-user/safe-syscall.h"
#include "linux-user/syscall-int.h"

enum {
    LU_CLONE_VM = 0x100, LU_CLONE_SIGHAND = 0x800, LU_CLONE_VFORK = 0x4000,
    LU_CLONE_THREAD = 0x10000, LU_CLONE_SETTLS = 0x80000,
    LU_CLONE_PARENT_SETTID = 0x100000, LU_CLONE_CHILD_CLEARTID = 0x200000,
    LU_CLONE_CHILD_SETTID = 0x1000000,
};
#define LU_EXEC_MAX_ARGS 65536

static void put_tid(LuProc *p, uint64_t addr, pid_t tid)
{
    uint32_t *t = lu_gptr(p, addr, 4, PROT_WRITE);
    if (t) {
        *t = (uint32_t)tid;
    }
}

/* clone(flags, newsp, parent_tid, child_tid, tls): a thread, or a host fork. */
static int64_t sys_clone(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    uint64_t flags = a[0];
    if ((flags & LU_CLONE_THREAD) && p->clone_thread) {
        return p->clone_thread(p, c, a);
    }
    if ((flags & (LU_CLONE_THREAD | LU_CLONE_SIGHAND)) ||
        ((flags & LU_CLONE_VM) && !(flags & LU_CLONE_VFORK))) {
        /* Memory or handlers shared with a process that is not a thread of
         * this one: nothing on the host ferry could follow. */
        if (p->log_unimp) {
            fprintf(p->log, "ferry: clone flags %#llx not supported\n",
                    (unsigned long long)flags);
        }
        return p->clone_thread ? -EINVAL : -ENOSYS;
    }
    if (p->fork_hook) {
        p->fork_hook(0);
    }
    fflush(p->log);
    pid_t pid = fork();
    if (p->fork_hook) {
        p->fork_hook(pid == 0 ? 2 : 1);
    }
    if (pid < 0) {
        return -errno;
    }
    if (pid == 0) {
        if (a[1]) {
            c->regs[X86_RSP] = a[1];
        }
        if (flags & LU_CLONE_SETTLS) {
            c->seg_base[4] = a[4];
        }
        if (flags & LU_CLONE_CHILD_SETTID) {
            put_tid(p, a[3], gettid());
        }
        if (flags & LU_CLONE_CHILD_CLEARTID) {
            lu_thread_of(c)->clear_child_tid = a[3];
        }
        return 0;
    }
    if (flags & LU_CLONE_PARENT_SETTID) {
        put_tid(p, a[2], pid);
    }
    return pid;
}

static int64_t sys_fork(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    const uint64_t b[5] = { SIGCHLD, 0, 0, 0, 0 };
    return sys_clone(p, c, b);
}

static int64_t sys_vfork(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    const uint64_t b[5] = { LU_CLONE_VM | LU_CLONE_VFORK | SIGCHLD, 0, 0, 0, 0 };
    return sys_clone(p, c, b);
}

/* ---------------------------------------------------------------------- */
/* execve                                                                   */

/* A NULL-terminated guest array of strings as host pointers (g_free the
 * array), or NULL with *err set. */
static const char **guest_strv(LuProc *p, uint64_t addr, int *n, int *err)
{
    GPtrArray *v = g_ptr_array_new();
    for (int i = 0; addr; i++) {
        const uint64_t *slot = lu_gptr(p, addr + 8 * (uint64_t)i, 8, PROT_READ);
        const char *s = NULL;
        if (!slot || i >= LU_EXEC_MAX_ARGS ||
            (*slot && !(s = lu_gstr(p, *slot, 128 * 1024, err)))) {
            *err = !slot ? -EFAULT : i >= LU_EXEC_MAX_ARGS ? -E2BIG : *err;
            g_ptr_array_free(v, TRUE);
            return NULL;
        }
        if (!*slot) {
            break;
        }
        g_ptr_array_add(v, (gpointer)s);
    }
    *n = (int)v->len;
    g_ptr_array_add(v, NULL);
    return (const char **)g_ptr_array_free(v, FALSE);
}

/* What execve(2) reports before it replaces the process. */
static int exec_check(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        return -errno;
    }
    if (!S_ISREG(st.st_mode) || access(path, X_OK) != 0) {
        return -EACCES;
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return -errno;
    }
    unsigned char magic[4] = { 0 };
    ssize_t n = read(fd, magic, sizeof(magic));
    close(fd);
    if (n >= 2 && magic[0] == '#' && magic[1] == '!') {
        return 0;                  /* the new ferry runs its interpreter */
    }
    if (n != 4 || memcmp(magic, "\177ELF", 4) != 0) {
        return -ENOEXEC;
    }
    return 0;
}

/* Run host path (with guest argv and envp arrays at argv_addr and
 * envp_addr) under a new ferry, as execve and execveat do. */
static int64_t do_execve(LuProc *p, const char *path, uint64_t argv_addr, uint64_t envp_addr)
{
    int err = 0, argc = 0, envc = 0;
    const char **argv = guest_strv(p, argv_addr, &argc, &err);
    const char **envp = argv ? guest_strv(p, envp_addr, &envc, &err) : NULL;
    if (!envp || (err = exec_check(path)) != 0) {
        g_free(argv);
        return err;
    }
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (n <= 0) {
        g_free(argv);
        g_free(envp);
        return -ENOEXEC;
    }
    self[n] = 0;
    GPtrArray *hv = g_ptr_array_new();
    g_ptr_array_add(hv, self);
    g_ptr_array_add(hv, "-0");
    g_ptr_array_add(hv, (gpointer)(argc ? argv[0] : path));
    if (p->sysroot) {
        g_ptr_array_add(hv, "-L");
        g_ptr_array_add(hv, p->sysroot);
    }
    if (p->strace) {
        g_ptr_array_add(hv, "-strace");
    }
    g_ptr_array_add(hv, "--");
    g_ptr_array_add(hv, (gpointer)path);
    for (int i = 1; i < argc; i++) {
        g_ptr_array_add(hv, (gpointer)argv[i]);
    }
    g_ptr_array_add(hv, NULL);
    fflush(p->log);
    /* Through lu_safe_syscall: a guest signal queued before the exec makes
     * it return -EINTR, and the signal is delivered before the execve is
     * restarted (it would be lost with this process); one that arrives
     * during the call stays pending in the kernel across the exec. */
    err = (int)lu_safe_syscall(SYS_execve, self, hv->pdata, envp);
    g_ptr_array_free(hv, TRUE);
    g_free(argv);
    g_free(envp);
    return err;
}

static int64_t sys_execve(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    char buf[PATH_MAX];
    int err = 0;
    const char *path = lu_gpath(p, a[0], buf, &err);
    return path ? do_execve(p, path, a[1], a[2]) : err;
}

/* x86-64 AT_EMPTY_PATH and AT_SYMLINK_NOFOLLOW (generic values). */
#define LU_AT_EMPTY_PATH 0x1000
#define LU_AT_SYMLINK_NOFOLLOW 0x100

/*
 * execveat: the program named through /proc/self/fd. A program passed by
 * fd (AT_EMPTY_PATH) must still be open after the host exec, when the new
 * ferry loads it: an O_CLOEXEC fd fails with ENOENT then, where the
 * kernel would run it (only scripts fail there natively).
 */
static int64_t sys_execveat(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    char buf[PATH_MAX];
    int err = 0, dirfd = (int)a[0], flags = (int)a[4];
    const char *path = lu_gstr(p, a[1], PATH_MAX, &err);
    if (!path) {
        return err;
    }
    bool by_fd = !path[0];
    if (by_fd && !(flags & LU_AT_EMPTY_PATH)) {
        return -ENOENT;            /* the kernel looks at the name first */
    }
    if (flags & ~(LU_AT_EMPTY_PATH | LU_AT_SYMLINK_NOFOLLOW)) {
        return -EINVAL;
    }
    if (by_fd) {
        snprintf(buf, sizeof(buf), "/proc/self/fd/%d", dirfd);
        path = buf;
    } else if (path[0] != '/' && dirfd != AT_FDCWD) {
        snprintf(buf, sizeof(buf), "/proc/self/fd/%d/%s", dirfd, path);
        path = buf;
    } else if (!(path = lu_gpath(p, a[1], buf, &err))) {
        return err;
    }
    struct stat st;
    if ((flags & LU_AT_SYMLINK_NOFOLLOW) && !by_fd && lstat(path, &st) == 0 &&
        S_ISLNK(st.st_mode)) {
        return -ELOOP;
    }
    return do_execve(p, path, a[2], a[3]);
}

static int64_t sys_clone3(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    return -ENOSYS;                /* glibc falls back to clone */
}

void lu_sys_exec_init(void)
{
    static const LuSysEntry e[] = {
        { LU_NR_clone, sys_clone, "dxpppx" }, { LU_NR_fork, sys_fork, "d" },
        { LU_NR_vfork, sys_vfork, "d" }, { LU_NR_execve, sys_execve, "dspp" },
        { LU_NR_execveat, sys_execveat, "dfsppx" },
        { LU_NR_clone3, sys_clone3, "dpu" },
    };
    lu_sys_add(e, G_N_ELEMENTS(e));
}
