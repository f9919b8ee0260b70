/*
 * ferry-ir.c — runs an IR program through the JIT: the whole pipeline
 * (parse, optimize, register allocation, host code, code cache, exec loop)
 * without a guest front end. The machine has sixteen i64 globals r0..r15
 * and 1 MiB of guest memory at 0x10000 (user mode). The program is one TB;
 * it may loop with labels and ends by falling off its end.
 *
 *   ferry-ir [-b interp|native] [-d op,op_opt,out_asm] [-s] FILE [rN=VALUE...]
 */
#include <errno.h>
#include <glib.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <urcu.h>

#include "jit/engine.h"
#include "jit/softmmu.h"

#define MEM_BASE 0x10000u
#define MEM_SIZE (1u << 20)
#define EXCP_DONE 0x100

typedef struct IrCpu {
    JitCpu jit;
    uint64_t pc;
    uint64_t r[16];
} IrCpu;

static char *program;
static const char *program_name;

static void init_context(IrContext *ctx)
{
    ir_global_new(ctx, IR_I64, offsetof(IrCpu, pc), "pc");
    for (int i = 0; i < 16; i++) {
        char name[12];
        snprintf(name, sizeof(name), "r%d", i);
        ir_global_new(ctx, IR_I64, (int32_t)offsetof(IrCpu, r[i]), name);
    }
}

static void get_tb_key(JitCpu *cpu, uint64_t *pc, uint64_t *cs_base, uint32_t *flags)
{
    *pc = ((IrCpu *)cpu)->pc;
    *cs_base = 0;
    *flags = 0;
}

static int translate(JitCpu *cpu, TbEntry *tb, IrContext *ctx)
{
    IrParseError err;

    (void)cpu;
    tb->page[0] = 0;
    tb->guest_size = 1;
    if (!ir_parse(ctx, program, &err)) {
        fprintf(stderr, "%s:%u:%u: %s\n", program_name, err.line, err.col, err.msg);
        exit(1);
    }
    char msg[256];
    ir_gen_st(ctx, IR_I32, ir_const_i32(ctx, EXCP_DONE), ctx->env,
              offsetof(JitCpu, exception), IR_MO_32);
    ir_gen_exit_tb(ctx, 0);
    if (!ir_verify(ctx, msg, sizeof(msg))) {
        fprintf(stderr, "%s: invalid program: %s\n", program_name, msg);
        exit(1);
    }
    return 0;
}

static void restore_state(JitCpu *cpu, const TbEntry *tb, const uint64_t data[2])
{
    (void)tb;
    ((IrCpu *)cpu)->pc = data[0];
}

static const JitTranslator ir_translator = {
    .init_context = init_context,
    .get_tb_key = get_tb_key,
    .translate = translate,
    .restore_state = restore_state,
};

static JitBackend *pick_backend(const char *name)
{
    if (strcmp(name, "interp") == 0) {
        return &jit_backend_interp;
    }
#ifdef FERRY_HAVE_X86_64_BACKEND
    if (strcmp(name, "native") == 0 || strcmp(name, "x86_64") == 0) {
        return &jit_backend_x86_64;
    }
#endif
#ifdef FERRY_HAVE_ARM64_BACKEND
    if (strcmp(name, "native") == 0 || strcmp(name, "arm64") == 0) {
        return &jit_backend_arm64;
    }
#endif
#ifdef FERRY_HAVE_LOONGARCH64_BACKEND
    if (strcmp(name, "native") == 0 || strcmp(name, "loongarch64") == 0) {
        return &jit_backend_loongarch64;
    }
#endif
    fprintf(stderr, "ferry-ir: no backend '%s' in this build\n", name);
    exit(1);
}

static unsigned parse_log(const char *s)
{
    static const struct { const char *name; unsigned bit; } items[] = {
        { "op", JIT_LOG_OP }, { "op_opt", JIT_LOG_OP_OPT }, { "out_asm", JIT_LOG_OUT_ASM },
    };
    unsigned mask = 0;
    gchar **parts = g_strsplit(s, ",", -1);

    for (gchar **p = parts; *p; p++) {
        size_t i;
        for (i = 0; i < G_N_ELEMENTS(items) && strcmp(*p, items[i].name); i++) {
        }
        if (i == G_N_ELEMENTS(items)) {
            fprintf(stderr, "ferry-ir: unknown -d item '%s' (op, op_opt, out_asm)\n", *p);
            exit(1);
        }
        mask |= items[i].bit;
    }
    g_strfreev(parts);
    return mask;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: ferry-ir [-b interp|native] [-d op,op_opt,out_asm] [-s] FILE "
               "[rN=VALUE...]\n"
               "Runs an IR program (docs/ir.md) through the JIT and prints r0..r15.\n");
}

int main(int argc, char **argv)
{
#if defined(FERRY_HAVE_X86_64_BACKEND) || defined(FERRY_HAVE_ARM64_BACKEND) || \
    defined(FERRY_HAVE_LOONGARCH64_BACKEND)
    const char *backend = "native";
#else
    const char *backend = "interp";
#endif
    unsigned log_mask = 0;
    bool stats = false;
    int i;

    for (i = 1; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "-b") == 0 && i + 1 < argc) {
            backend = argv[++i];
        } else if (strcmp(argv[i], "-d") == 0 && i + 1 < argc) {
            log_mask = parse_log(argv[++i]);
        } else if (strcmp(argv[i], "-s") == 0) {
            stats = true;
        } else if (strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 0;
        } else {
            fprintf(stderr, "ferry-ir: unknown option '%s'\n", argv[i]);
            usage(stderr);
            return 1;
        }
    }
    if (i >= argc) {
        usage(stderr);
        return 1;
    }
    program_name = argv[i++];
    GError *gerr = NULL;
    if (!g_file_get_contents(program_name, &program, NULL, &gerr)) {
        fprintf(stderr, "ferry-ir: %s\n", gerr->message);
        return 1;
    }

    rcu_register_thread();
    JitEngine *e = jit_engine_new(pick_backend(backend), &ir_translator, 16 << 20, JIT_WX_AUTO);
    e->log_mask = log_mask;
    IrCpu *cpu = g_new0(IrCpu, 1);
    uint8_t *mem = g_malloc0(MEM_SIZE);
    cpu->jit.mem_mode = JIT_MEM_USER;
    cpu->jit.guest_base = (uintptr_t)mem - MEM_BASE;
    jit_cpu_register(e, &cpu->jit);

    for (; i < argc; i++) {
        unsigned n;
        char *end;
        if (sscanf(argv[i], "r%u=", &n) != 1 || n > 15 || !strchr(argv[i], '=')) {
            fprintf(stderr, "ferry-ir: expected rN=VALUE, got '%s'\n", argv[i]);
            return 1;
        }
        errno = 0;
        cpu->r[n] = strtoull(strchr(argv[i], '=') + 1, &end, 0);
        if (errno || *end) {
            fprintf(stderr, "ferry-ir: bad value in '%s'\n", argv[i]);
            return 1;
        }
    }

    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int ret = jit_cpu_exec(e, &cpu->jit);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (ret != EXCP_DONE) {
        fprintf(stderr, "ferry-ir: program stopped with exception %d at pc %#llx\n", ret,
                (unsigned long long)cpu->pc);
        return 2;
    }
    for (int r = 0; r < 16; r++) {
        if (cpu->r[r]) {
            printf("r%-2d = %#018llx  (%lld)\n", r, (unsigned long long)cpu->r[r],
                   (long long)cpu->r[r]);
        }
    }
    if (stats) {
        fflush(stdout);
        double ms = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
        fprintf(stderr, "backend %s: %.3f ms, %llu TBs, %llu IR ops, %llu host bytes\n",
                e->backend->name, ms, (unsigned long long)e->stats.tbs_translated,
                (unsigned long long)e->stats.ir_ops, (unsigned long long)e->stats.host_bytes);
    }
    jit_cpu_unregister(e, &cpu->jit);
    jit_engine_free(e);
    g_free(mem);
    g_free(cpu);
    g_free(program);
    rcu_unregister_thread();
    return 0;
}
