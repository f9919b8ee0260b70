/*
 * syscall.c — the syscall dispatcher: a table indexed by x86-64 number
 * (filled once by the area files), the -strace printer, the process state,
 * and the guest pointer/string/path/flag helpers the handlers share.
 * Unknown numbers return -ENOSYS, logged under -d unimp.
 */
#include "linux-user/syscall.h"

#include <fcntl.h>
#include <glib.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "linux-user/procfs.h"
#include "linux-user/syscall-int.h"

/* Written once under pthread_once, read-only afterwards. */
static LuSysEntry sys_table[LU_NR_MAX];
static pthread_once_t sys_table_once = PTHREAD_ONCE_INIT;

void lu_sys_add(const LuSysEntry *e, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        g_assert(e[i].nr < LU_NR_MAX && strlen(e[i].fmt) <= 7);
        sys_table[e[i].nr] = e[i];
    }
}

static void sys_table_init(void)
{
    lu_sys_file_init();
    lu_sys_stat_init();
    lu_sys_mem_init();
    lu_sys_proc_init();
    lu_sys_time_init();
    lu_sys_cred_init();
    lu_sys_exec_init();
    lu_sys_signal_init();
    lu_sys_layout_init();
    lu_sys_net_init();
    lu_sys_misc_init();
}

const char *lu_syscall_name(uint64_t nr)
{
    switch (nr) {
#define X(name, num) case num: return #name;
    LU_SYSCALL_LIST(X)
#undef X
    default:
        return NULL;
    }
}

/* ---------------------------------------------------------------------- */
/* Process state                                                            */

LuProc *lu_proc_new(LuMem *mem, const char *exe_path, const char *sysroot, uint64_t brk)
{
    pthread_once(&sys_table_once, sys_table_init);
    LuProc *p = g_new0(LuProc, 1);
    p->mem = mem;
    p->exe_path = g_strdup(exe_path);
    p->sysroot = g_strdup(sysroot);
    p->log = stderr;
    pthread_mutex_init(&p->lock, NULL);
    pthread_mutex_init(&p->mmap_lock, NULL);
    p->brk_start = p->brk_cur = brk;
    atomic_init(&p->nthreads, 1);
    return p;
}

LuThread *lu_thread_new(LuProc *p)
{
    LuThread *t = g_new0(LuThread, 1);
    t->proc = p;
    t->tid = gettid();
    /* No alternate stack; the flags as the kernel leaves them after exec
     * (0; a thread made by clone gets SS_DISABLE, its sas_ss_reset). */
    t->altstack[1] = 0;
    sigset_t cur;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    for (int sig = 1; sig <= LU_NSIG; sig++) {
        if (sigismember(&cur, sig) == 1) {
            t->sigmask |= 1ull << (sig - 1);
        }
    }
    return t;
}

void lu_thread_free(LuThread *t)
{
    g_free(t);
}

void lu_proc_free(LuProc *p)
{
    lu_procfs_free(p);
    pthread_mutex_destroy(&p->lock);
    pthread_mutex_destroy(&p->mmap_lock);
    g_free(p->exe_path);
    g_free(p->sysroot);
    g_free(p);
}

void lu_sys_invalidate(LuProc *p, uint64_t start, uint64_t len)
{
    if (p->invalidate && len) {
        p->invalidate(p->invalidate_opaque, start, start + len);
    }
}

void lu_sys_go_parallel(LuProc *p)
{
    if (p->parallel) {
        p->parallel(p->invalidate_opaque);
    }
}

/* ---------------------------------------------------------------------- */
/* Guest pointers, strings, paths, flags                                    */

void *lu_gptr(LuProc *p, uint64_t addr, uint64_t len, int prot)
{
    if (len == 0) {
        return lu_g2h(p->mem, addr);
    }
    if (!lu_mem_check(p->mem, addr, len, prot)) {
        return NULL;
    }
    uint64_t start, end;
    if ((prot & PROT_WRITE) && lu_mem_code_unprotect(p->mem, addr, len, false, &start, &end)) {
        /* the kernel is about to write over translated code */
        lu_sys_invalidate(p, start, end - start);
    }
    return lu_g2h(p->mem, addr);
}

const char *lu_gstr(LuProc *p, uint64_t addr, size_t max, int *err)
{
    size_t len = 0;
    while (len < max) {
        uint64_t a = addr + len;
        size_t chunk = LU_PAGE_SIZE - (a & (LU_PAGE_SIZE - 1));
        if (!lu_mem_check(p->mem, a, 1, PROT_READ)) {
            *err = -EFAULT;
            return NULL;
        }
        const char *h = lu_g2h(p->mem, a);
        const char *nul = memchr(h, 0, chunk);
        if (nul) {
            return lu_g2h(p->mem, addr);
        }
        len += chunk;
    }
    *err = -ENAMETOOLONG;
    return NULL;
}

const char *lu_gpath(LuProc *p, uint64_t addr, char *buf, int *err)
{
    const char *path = lu_gstr(p, addr, PATH_MAX, err);
    if (!path) {
        return NULL;
    }
    const char *self = lu_procfs_self_file(path);
    if (self && strcmp(self, "exe") == 0 && p->exe_path) {
        return p->exe_path;
    }
    if (p->sysroot && path[0] == '/') {
        int n = snprintf(buf, PATH_MAX, "%s%s", p->sysroot, path);
        if (n > 0 && n < PATH_MAX && access(buf, F_OK) == 0) {
            return buf;
        }
    }
    return path;
}

/* x86-64 values of the open flags whose host values may differ. */
#define X86_O_DIRECT    0040000
#define X86_O_LARGEFILE 0100000
#define X86_O_DIRECTORY 0200000
#define X86_O_NOFOLLOW  0400000

static const struct { uint64_t guest; int host; } open_flag_map[] = {
    { X86_O_DIRECT, O_DIRECT }, { X86_O_LARGEFILE, O_LARGEFILE },
    { X86_O_DIRECTORY, O_DIRECTORY }, { X86_O_NOFOLLOW, O_NOFOLLOW },
};
#define OPEN_FLAGS_MOVED (X86_O_DIRECT | X86_O_LARGEFILE | X86_O_DIRECTORY | X86_O_NOFOLLOW)

int lu_open_flags_to_host(uint64_t guest)
{
    int host = (int)(guest & ~(uint64_t)OPEN_FLAGS_MOVED);
    for (unsigned i = 0; i < G_N_ELEMENTS(open_flag_map); i++) {
        if (guest & open_flag_map[i].guest) {
            host |= open_flag_map[i].host;
        }
    }
    return host;
}

uint64_t lu_open_flags_to_guest(int host)
{
    int moved = 0;
    for (unsigned i = 0; i < G_N_ELEMENTS(open_flag_map); i++) {
        moved |= open_flag_map[i].host;
    }
    uint64_t guest = (uint64_t)(unsigned)(host & ~moved);
    for (unsigned i = 0; i < G_N_ELEMENTS(open_flag_map); i++) {
        if (host & open_flag_map[i].host) {
            guest |= open_flag_map[i].guest;
        }
    }
    return guest;
}

/* ---------------------------------------------------------------------- */
/* -strace                                                                  */

static void strace_arg(LuProc *p, char kind, uint64_t v)
{
    int err;
    const char *s;
    switch (kind) {
    case 'd': fprintf(p->log, "%lld", (long long)v); break;
    case 'u': fprintf(p->log, "%llu", (unsigned long long)v); break;
    case 'o': fprintf(p->log, "0%llo", (unsigned long long)v); break;
    case 'f':
        if ((int)v == AT_FDCWD) {
            fputs("AT_FDCWD", p->log);
        } else {
            fprintf(p->log, "%d", (int)v);
        }
        break;
    case 's':
        s = v ? lu_gstr(p, v, 4096, &err) : NULL;
        if (s) {
            fprintf(p->log, "\"%.64s\"%s", s, strlen(s) > 64 ? "..." : "");
        } else {
            fprintf(p->log, "%#llx", (unsigned long long)v);
        }
        break;
    case 'p':
        if (v == 0) {
            fputs("NULL", p->log);
            break;
        }
        /* fall through */
    default: fprintf(p->log, "%#llx", (unsigned long long)v); break;
    }
}

static void strace_enter(LuProc *p, uint64_t nr, const LuSysEntry *e, const uint64_t *a)
{
    const char *name = lu_syscall_name(nr);
    fprintf(p->log, "%d ", (int)getpid());
    if (name) {
        fprintf(p->log, "%s(", name);
    } else {
        fprintf(p->log, "syscall_%llu(", (unsigned long long)nr);
    }
    unsigned nargs = e->fn ? (unsigned)strlen(e->fmt) - 1 : 6;
    for (unsigned i = 0; i < nargs; i++) {
        if (i) {
            fputc(',', p->log);
        }
        strace_arg(p, e->fn ? e->fmt[i + 1] : 'x', a[i]);
    }
    fputc(')', p->log);
    fflush(p->log);
}

static void strace_exit(LuProc *p, const LuSysEntry *e, int64_t r)
{
    if (r < 0 && r >= -4095) {
        fprintf(p->log, " = -1 errno=%d (%s)\n", (int)-r, strerror((int)-r));
    } else if (e->fn && e->fmt[0] == 'x') {
        fprintf(p->log, " = %#llx\n", (unsigned long long)r);
    } else {
        fprintf(p->log, " = %lld\n", (long long)r);
    }
    fflush(p->log);
}

/* ---------------------------------------------------------------------- */
/* Dispatch                                                                 */

int64_t lu_do_syscall(LuProc *p, X86Cpu *cpu, uint64_t nr, const uint64_t args[6])
{
    static const LuSysEntry none = { 0, NULL, "d" };
    const LuSysEntry *e = nr < LU_NR_MAX && sys_table[nr].fn ? &sys_table[nr] : &none;
    if (p->strace) {
        strace_enter(p, nr, e, args);
    }
    int64_t r;
    if (e->fn) {
        r = e->fn(p, cpu, args);
    } else {
        r = -ENOSYS;
        if (p->log_unimp) {
            const char *name = lu_syscall_name(nr);
            fprintf(p->log, "ferry: unimplemented syscall %llu (%s)\n",
                    (unsigned long long)nr, name ? name : "unknown");
        }
    }
    if (p->strace && (p->exited || lu_thread_of(cpu)->exiting)) {
        fputc('\n', p->log);      /* exit and exit_group do not return */
    } else if (p->strace) {
        strace_exit(p, e, r);
    }
    return r;
}
