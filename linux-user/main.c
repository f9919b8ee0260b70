/*
 * main.c — ferry-x86_64: run an x86-64 Linux program on this host.
 * Options follow qemu-user (-L, -E, -U, -0, -cpu, -d, -D, -strace, -s,
 * -B, -one-insn-per-tb, -version, -h; ferry's own -jit and -tso), each also settable through a
 * FERRY_* environment variable; then load, build the stack, create the
 * engine, and run the guest until it exits. Started by binfmt_misc, it
 * takes the program from AT_EXECFD (O flag) and honours the P flag.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

#include "frontend-x86/cpu-model.h"
#include "frontend-x86/translate.h"
#include "jit/engine.h"
#include "jit/fatal.h"
#include "linux-user/binfmt-script.h"
#include "linux-user/cpuloop.h"
#include "linux-user/elfload.h"
#include "linux-user/procfs.h"
#include "linux-user/signal.h"
#include "linux-user/stack.h"
#include "linux-user/syscall.h"
#include "linux-user/vdso.h"

extern char **environ;

/* -tso: when guest accesses are translated x86-TSO ordered
 * (docs/memory-model.md). */
typedef enum LuTso { LU_TSO_AUTO, LU_TSO_ON, LU_TSO_OFF } LuTso;

/* AT_FLAGS bit 0: binfmt_misc's P flag (include/uapi/linux/binfmts.h). */
#define LU_AT_FLAGS_PRESERVE_ARGV0 1

typedef struct LuOptions {
    const char *sysroot;
    GPtrArray *env_set, *env_unset;  /* char* (not owned) */
    const char *argv0;
    unsigned log_mask;
    bool strace, one_insn, interp;
    const char *log_file;
    uint64_t stack_size;
    uint64_t guest_base;
    bool guest_base_set;
    LuTso tso;
} LuOptions;

static _Noreturn void usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "ferry: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, " (try ferry-x86_64 -h)\n");
    exit(1);
}

/* ---------------------------------------------------------------------- */
/* Option handlers                                                          */

static void opt_sysroot(LuOptions *o, const char *a) { o->sysroot = a; }
static void opt_argv0(LuOptions *o, const char *a) { o->argv0 = a; }
static void opt_strace(LuOptions *o, const char *a) { o->strace = true; }
static void opt_one_insn(LuOptions *o, const char *a) { o->one_insn = true; }
static void opt_stats(LuOptions *o, const char *a) { o->log_mask |= JIT_LOG_STATS; }
static void opt_log_file(LuOptions *o, const char *a) { o->log_file = a; }

/* -E and -U take one item; their environment forms a comma-separated list. */
static void opt_set_env(LuOptions *o, const char *a)
{
    char **items = g_strsplit(a, ",", -1);
    for (char **i = items; *i; i++) {
        if (!strchr(*i, '=')) {
            usage_error("-E wants VAR=VALUE, not '%s'", *i);
        }
        g_ptr_array_add(o->env_set, g_strdup(*i));
    }
    g_strfreev(items);
}

static void opt_unset_env(LuOptions *o, const char *a)
{
    char **items = g_strsplit(a, ",", -1);
    for (char **i = items; *i; i++) {
        g_ptr_array_add(o->env_unset, g_strdup(*i));
    }
    g_strfreev(items);
}

static void opt_cpu(LuOptions *o, const char *a)
{
    (void)o;
    if (strcmp(a, "help") == 0) {
        printf("Available CPUs:\n");
        for (const X86CpuModel *m = x86_cpu_models; m->name; m++) {
            printf("  %-6s %s\n", m->name, m->what);
        }
        exit(0);
    }
    const X86CpuModel *m = x86_cpu_model_find(strcmp(a, "ferry") == 0 ? "max" : a);
    if (!m) {
        usage_error("unknown CPU model '%s' (-cpu help lists them)", a);
    }
    x86_cpu_model_select(m);
}

static const struct { const char *name; unsigned mask; const char *help; } log_items[] = {
    { "in_asm", JIT_LOG_IN_ASM, "guest code of each translated block" },
    { "op", JIT_LOG_OP, "IR before optimization" },
    { "op_opt", JIT_LOG_OP_OPT, "IR after optimization" },
    { "out_asm", JIT_LOG_OUT_ASM, "generated host code" },
    { "exec", JIT_LOG_EXEC, "every block entered" },
    { "unimp", JIT_LOG_UNIMP, "unimplemented instructions and syscalls" },
    { "strace", 0, "every syscall (same as -strace)" },
    { "stats", JIT_LOG_STATS, "ferry's counters at exit (same as -stats)" },
};

static void opt_log(LuOptions *o, const char *a)
{
    char **items = g_strsplit(a, ",", -1);
    for (char **i = items; *i; i++) {
        bool found = false;
        for (unsigned k = 0; k < G_N_ELEMENTS(log_items); k++) {
            if (strcmp(*i, log_items[k].name) == 0) {
                o->log_mask |= log_items[k].mask;
                o->strace |= strcmp(*i, "strace") == 0;
                found = true;
            }
        }
        if (strcmp(*i, "help") == 0) {
            for (unsigned k = 0; k < G_N_ELEMENTS(log_items); k++) {
                printf("%-8s %s\n", log_items[k].name, log_items[k].help);
            }
            exit(0);
        }
        if (!found) {
            usage_error("unknown -d item '%s'", *i);
        }
    }
    g_strfreev(items);
}

static uint64_t parse_size(const char *a)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(a, &end, 0);
    switch (*end) {
    case 'k': case 'K': v <<= 10; end++; break;
    case 'm': case 'M': v <<= 20; end++; break;
    case 'g': case 'G': v <<= 30; end++; break;
    default: break;
    }
    if (errno || end == a || *end) {
        usage_error("bad size '%s'", a);
    }
    return v;
}

static void opt_stack(LuOptions *o, const char *a)
{
    o->stack_size = parse_size(a);
    if (o->stack_size < 64 * 1024 || o->stack_size > (1ull << 32)) {
        usage_error("stack size '%s' must be between 64K and 4G", a);
    }
}

static void opt_guest_base(LuOptions *o, const char *a)
{
    o->guest_base = parse_size(a);
    o->guest_base_set = true;
    if (o->guest_base % (uint64_t)sysconf(_SC_PAGESIZE)) {
        usage_error("guest base '%s' is not host-page aligned", a);
    }
}

static void opt_jit(LuOptions *o, const char *a)
{
    if (strcmp(a, "interp") == 0) {
        o->interp = true;
    } else if (strcmp(a, "native") == 0) {
        o->interp = false;
    } else {
        usage_error("-jit wants 'native' or 'interp', not '%s'", a);
    }
}

static void opt_tso(LuOptions *o, const char *a)
{
    if (strcmp(a, "auto") == 0) {
        o->tso = LU_TSO_AUTO;
    } else if (strcmp(a, "on") == 0) {
        o->tso = LU_TSO_ON;
    } else if (strcmp(a, "off") == 0) {
        o->tso = LU_TSO_OFF;
    } else {
        usage_error("-tso wants 'on', 'off' or 'auto', not '%s'", a);
    }
}

static void opt_help(LuOptions *o, const char *a);

static void opt_version(LuOptions *o, const char *a)
{
    printf("ferry-x86_64 version %s\n", PACKAGE_VERSION);
    exit(0);
}

typedef struct LuOpt {
    const char *name;
    const char *env;
    const char *arg;               /* NULL: a flag */
    void (*handle)(LuOptions *o, const char *arg);
    const char *help;
} LuOpt;

static const LuOpt options[] = {
    { "h", NULL, NULL, opt_help, "print this help and exit" },
    { "help", NULL, NULL, opt_help, "print this help and exit" },
    { "L", "FERRY_LD_PREFIX", "path", opt_sysroot, "x86-64 sysroot for the interpreter and absolute paths" },
    { "E", "FERRY_SET_ENV", "var=value", opt_set_env, "set a variable in the guest's environment" },
    { "U", "FERRY_UNSET_ENV", "var", opt_unset_env, "remove a variable from the guest's environment" },
    { "0", "FERRY_ARGV0", "argv0", opt_argv0, "argv[0] for the guest (default: the program)" },
    { "cpu", "FERRY_CPU", "model", opt_cpu, "CPU model (-cpu help lists them)" },
    { "d", "FERRY_LOG", "item[,...]", opt_log, "log items (-d help lists them)" },
    { "D", "FERRY_LOG_FILENAME", "logfile", opt_log_file, "write logs to logfile instead of stderr" },
    { "strace", "FERRY_STRACE", NULL, opt_strace, "print each syscall with its arguments and result" },
    { "s", "FERRY_STACK_SIZE", "size", opt_stack, "guest stack size (default 8M)" },
    { "B", "FERRY_GUEST_BASE", "address", opt_guest_base, "host address of guest address 0 (default 0)" },
    { "one-insn-per-tb", "FERRY_ONE_INSN_PER_TB", NULL, opt_one_insn, "translate one guest instruction per block" },
    { "jit", "FERRY_JIT", "native|interp", opt_jit, "host code generator or the IR interpreter" },
    { "tso", "FERRY_TSO", "on|off|auto", opt_tso, "x86 memory ordering on weak hosts (auto: from a 2nd thread or shared mapping)" },
    { "stats", "FERRY_STATS", NULL, opt_stats, "print ferry's counters (name: value) on the log at exit" },
    { "version", "FERRY_VERSION", NULL, opt_version, "print the version and exit" },
};

static void opt_help(LuOptions *o, const char *a)
{
    printf("usage: ferry-x86_64 [options] program [arguments...]\n"
           "Run an x86-64 Linux program.\n\nOptions and their environment variables:\n");
    for (unsigned i = 0; i < G_N_ELEMENTS(options); i++) {
        char left[64];
        snprintf(left, sizeof(left), "-%s%s%s", options[i].name, options[i].arg ? " " : "",
                 options[i].arg ? options[i].arg : "");
        printf("  %-26s %-24s %s\n", left, options[i].env ? options[i].env : "",
               options[i].help);
    }
    exit(0);
}

/* ---------------------------------------------------------------------- */
/* Parsing                                                                  */

static void parse_env(LuOptions *o)
{
    for (unsigned i = 0; i < G_N_ELEMENTS(options); i++) {
        const char *v = options[i].env ? getenv(options[i].env) : NULL;
        if (v) {
            options[i].handle(o, v);
        }
    }
}

/* Returns the index of the program in argv. */
static int parse_args(LuOptions *o, int argc, char **argv)
{
    int i = 1;
    while (i < argc && argv[i][0] == '-') {
        const char *name = argv[i] + 1 + (argv[i][1] == '-');   /* -x or --x */
        i++;
        if (name[0] == '\0' && argv[i - 1][1] == '-') {
            break;                 /* "--": the program follows */
        }
        const LuOpt *opt = NULL;
        for (unsigned k = 0; k < G_N_ELEMENTS(options) && !opt; k++) {
            if (strcmp(options[k].name, name) == 0) {
                opt = &options[k];
            }
        }
        if (!opt) {
            usage_error("unknown option '%s'", argv[i - 1]);
        }
        if (opt->arg && i >= argc) {
            usage_error("option '%s' needs an argument", argv[i - 1]);
        }
        opt->handle(o, opt->arg ? argv[i++] : NULL);
    }
    if (i >= argc) {
        usage_error("%s", "no program to run");
    }
    return i;
}

/* The guest environment: ferry's, minus -U, plus -E. */
static GPtrArray *guest_env(const LuOptions *o)
{
    GPtrArray *env = g_ptr_array_new();
    for (char **e = environ; *e; e++) {
        bool drop = false;
        for (guint k = 0; k < o->env_unset->len && !drop; k++) {
            const char *u = o->env_unset->pdata[k];
            size_t n = strlen(u);
            drop = strncmp(*e, u, n) == 0 && (*e)[n] == '=';
        }
        for (guint k = 0; k < o->env_set->len && !drop; k++) {
            const char *s = o->env_set->pdata[k];
            size_t n = (size_t)(strchr(s, '=') - s);
            drop = strncmp(*e, s, n + 1) == 0;
        }
        if (!drop) {
            g_ptr_array_add(env, *e);
        }
    }
    for (guint k = 0; k < o->env_set->len; k++) {
        g_ptr_array_add(env, o->env_set->pdata[k]);
    }
    return env;
}

/* ---------------------------------------------------------------------- */
/* Setup and run                                                            */

static void invalidate_hook(void *opaque, uint64_t start, uint64_t end)
{
    jit_tb_invalidate_range(opaque, start, end);
}

/* -tso auto/off: another agent may now observe guest memory. */
static void parallel_hook(void *opaque)
{
    jit_engine_set_parallel(opaque, true);
}

/* The build says which native backends it links (jit/local.mk's
 * jit_native_backend_cppflags, shared with ferry-ir); hosts without one
 * use the interpreter. */
static JitBackend *pick_backend(const LuOptions *o)
{
    if (o->interp) {
        return &jit_backend_interp;
    }
#if defined(FERRY_HAVE_X86_64_BACKEND) && defined(__x86_64__)
    return &jit_backend_x86_64;
#elif defined(FERRY_HAVE_ARM64_BACKEND) && defined(__aarch64__)
    return &jit_backend_arm64;
#elif defined(FERRY_HAVE_LOONGARCH64_BACKEND) && defined(__loongarch64)
    return &jit_backend_loongarch64;
#else
    return &jit_backend_interp;
#endif
}

static uint64_t build_stack(LuMem *m, const LuOptions *o, const LuElfInfo *info,
                            uint64_t vdso, const char *prog, int argc, char **argv)
{
    LuAuxInfo aux = { 0 };
    lu_aux_defaults(&aux);
    aux.sysinfo_ehdr = vdso;
    aux.hwcap = lu_cpuid_hwcap();
    aux.phdr = info->exe.phdr;
    aux.phnum = info->exe.phnum;
    aux.base = info->has_interp ? info->interp.lo : 0;
    aux.entry = info->exe.entry;
    aux.execfn = prog;
    GPtrArray *env = guest_env(o);
    char **gargv = g_new0(char *, argc + 1);
    for (int i = 0; i < argc; i++) {
        gargv[i] = argv[i];
    }
    if (o->argv0) {
        gargv[0] = (char *)o->argv0;
    }
    uint64_t sp = lu_stack_setup(m, o->stack_size, info->exec_stack, argc, gargv,
                                 (int)env->len, (char **)env->pdata, &aux);
    g_free(gargv);
    g_ptr_array_free(env, TRUE);
    return sp;
}

/* Load prog (and its interpreter); moves the guest to a non-zero base
 * when a fixed-address program collides with ferry. Exits on failure
 * with the loader's status. */
static LuMem *load_program(const LuOptions *o, const char *prog, int fd, LuElfInfo *info)
{
    LuMem *m = lu_mem_new(o->guest_base);
    char err[PATH_MAX + 256];
    int st = lu_elf_load_fd(m, fd, prog, o->sysroot, info, err, sizeof(err));
    if (st == LU_ELF_NEED_BASE && !o->guest_base_set) {
        uint64_t gb = lu_mem_pick_base(info->exe.hi);
        if (gb) {
            lu_mem_free(m);
            m = lu_mem_new(gb);
            st = lu_elf_load_fd(m, fd, prog, o->sysroot, info, err, sizeof(err));
        }
    }
    if (st != LU_ELF_OK) {
        fprintf(stderr, "ferry: %s\n", err);
        exit(st == LU_ELF_NEED_BASE ? LU_ELF_BAD : st);
    }
    return m;
}

/* The program to run and its guest argv: after the options; or, when the
 * kernel ran ferry through binfmt_misc with the P flag (AT_FLAGS says so,
 * Linux 5.12+), argv is [ferry, full path, original argv0, args...] and no
 * options are parsed. "#!" scripts are followed, nested up to 4 deep as
 * Linux allows (binfmt_misc hands over only ELF files). */
static const char *find_program(LuOptions *o, int argc, char **argv, int *gargc,
                                char ***gargv, bool binfmt, const char **execfn)
{
    bool preserve = (getauxval(AT_FLAGS) & LU_AT_FLAGS_PRESERVE_ARGV0) != 0;
    int prog_index = binfmt || preserve ? 1 : parse_args(o, argc, argv);
    if (prog_index >= argc) {
        usage_error("%s", "no program to run");
    }
    const char *path = argv[prog_index];
    *execfn = path;                /* AT_EXECFN: what was executed */
    *gargc = argc - prog_index;
    *gargv = argv + prog_index;
    if (preserve && *gargc >= 2) {
        (*gargc)--;
        (*gargv)++;
        return path;
    }
    for (int level = 0; level < 4 && !binfmt; level++) {
        int n;
        char **s = lu_script_argv((*gargv)[0], *gargc, *gargv, &n);
        if (!s) {
            break;
        }
        *gargc = n;
        *gargv = s;                /* kept until exit */
    }
    return (*gargv)[0];
}

int main(int argc, char **argv)
{
    LuOptions o = {
        .env_set = g_ptr_array_new(), .env_unset = g_ptr_array_new(),
        .stack_size = 8u << 20,
    };
    parse_env(&o);
    /* binfmt_misc's O (and C) flag: the kernel opened the program for us. */
    int execfd = (int)getauxval(AT_EXECFD);
    int gargc;
    char **gargv;
    const char *execfn;
    const char *prog = find_program(&o, argc, argv, &gargc, &gargv, execfd > 0, &execfn);
    FILE *log = stderr;
    if (o.log_file && !(log = fopen(o.log_file, "w"))) {
        fprintf(stderr, "ferry: cannot open log file %s: %s\n", o.log_file, strerror(errno));
        return 1;
    }
    if (!o.log_file && (o.log_mask & JIT_LOG_STATS)) {
        /* The guest shares fd 2 and may close it before exiting (xz
         * does): the statistics go to a private copy, high enough not to
         * change which fd the guest's next open returns. */
        int fd = fcntl(2, F_DUPFD_CLOEXEC, 1000);
        FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
        if (f) {
            setvbuf(f, NULL, _IOLBF, 0);   /* as timely as stderr for the other items */
        }
        log = f ? f : stderr;
    }

    rcu_register_thread();
    LuElfInfo info;
    LuMem *m = load_program(&o, prog, execfd > 0 ? execfd : -1, &info);
    if (execfd > 0) {
        close(execfd);             /* fully read: the guest must not see it */
    }
    uint64_t vdso = lu_vdso_map(m);
    uint64_t sp = build_stack(m, &o, &info, vdso, execfn, gargc, gargv);
    if (sp == 0) {
        fprintf(stderr, "ferry: cannot set up a %llu-byte stack\n",
                (unsigned long long)o.stack_size);
        return 1;
    }

    char *exe = realpath(prog, NULL);
    LuProc *p = lu_proc_new(m, exe ? exe : prog, o.sysroot, info.brk);
    free(exe);
    p->strace = o.strace;
    p->log_unimp = o.log_mask & JIT_LOG_UNIMP;
    p->log = log;
    lu_procfs_init(p, &info, sp, o.stack_size, lu_cpuid);
    if (vdso) {
        lu_procfs_name_range(p, vdso, vdso + LU_PAGE_ALIGN(lu_vdso_image_size), "[vdso]");
    }

    x86_tr_config.max_insns = o.one_insn ? 1 : x86_tr_config.max_insns;
    lu_fetch_init(m);
    JitEngine *e = jit_engine_new(pick_backend(&o), &x86_translator, 64u << 20, JIT_WX_AUTO);
    e->log_mask = o.log_mask;
    e->log = log;
    p->invalidate = invalidate_hook;
    p->invalidate_opaque = e;
    /* -tso off still switches (atomics become atomic) but never orders
     * plain accesses. */
    x86_tr_config.unordered = o.tso == LU_TSO_OFF;
    if (o.tso == LU_TSO_ON) {
        jit_engine_set_parallel(e, true);
    } else {
        p->parallel = parallel_hook;
    }
    lu_threads_init(p, e);
    lu_signal_init(p);

    LuThread *main_thread = lu_thread_new(p);
    X86Cpu *cpu = &main_thread->cpu;
    lu_cpu_init(cpu, m, info.start, sp);
    jit_cpu_register(e, &cpu->jit);
    lu_thread_run(main_thread);    /* ends the process */
}
