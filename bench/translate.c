/*
 * translate.c — end-to-end translation speed of the x86 front end: every
 * basic block of a real program's .text (libc by default) goes through
 * decode, IR generation, the optimizer and the backend into the code cache,
 * block after block, as the engine does on first execution. Prints guest
 * instructions translated per second of CPU time, and IR ops and host bytes
 * per guest instruction. The target: 2 million guest instructions
 * per second on the x86-64 backend. The arm64 and loongarch64 backends
 * only emit code, so they work here too: with -tso (parallel mode) that
 * gives the cost of x86-TSO ordering in host bytes (docs/memory-model.md);
 * -no-lrcpc selects arm64's ARMv8.0 form.
 * Usage: bench/translate [-b interp|native|arm64|loongarch64] [-tso] [-no-lrcpc] [elf-file]
 */
#include <stdio.h>
#include <string.h>
#include <urcu.h>

#include "backend-arm64/a64-lower.h"
#include "bench/elf-text.h"
#include "frontend-x86/translate.h"


static const uint8_t *text_start, *text_end;

/* Guest addresses are host addresses (guest_base 0): read up to the end of
 * the section. */
static size_t fetch(JitCpu *cpu, uint64_t addr, uint8_t *buf, size_t len)
{
    const uint8_t *p = (const uint8_t *)(uintptr_t)addr;
    (void)cpu;
    if (p < text_start || p >= text_end) {
        return 0;
    }
    size_t n = (size_t)(text_end - p) < len ? (size_t)(text_end - p) : len;
    memcpy(buf, p, n);
    return n;
}

int main(int argc, char **argv)
{
    JitBackend *be = &jit_backend_x86_64;
    bool tso = false;
    int i = 1;

    a64_set_lrcpc_mode(A64_FEAT_ON);        /* arm64: as on an LRCPC host */
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "-b") == 0 && i + 1 < argc) {
            const char *b = argv[++i];
            be = !strcmp(b, "interp") ? &jit_backend_interp
               : !strcmp(b, "arm64") ? &jit_backend_arm64
               : !strcmp(b, "loongarch64") ? &jit_backend_loongarch64 : &jit_backend_x86_64;
        } else if (strcmp(argv[i], "-tso") == 0) {
            tso = true;
        } else if (strcmp(argv[i], "-no-lrcpc") == 0) {
            a64_set_lrcpc_mode(A64_FEAT_OFF);
        } else {
            fprintf(stderr, "translate: unknown option %s\n", argv[i]);
            return 1;
        }
    }
    const char *path = i < argc ? argv[i] : BENCH_DEFAULT_ELF;
    size_t size;
    if (!bench_find_text(path, &text_start, &size)) {
        fprintf(stderr, "translate: no .text in %s\n", path);
        return 1;
    }
    text_end = text_start + size;

    rcu_register_thread();
    x86_tr_config.fetch = fetch;

    /* One pass = a fresh engine translating every block once: what a
     * program's first run through its code costs. Only the passes are timed. */
    uint64_t insns = 0, tbs = 0, ir_ops = 0, host_bytes = 0;
    double t = 0;
    while (t < 1.0) {
        JitEngine *e = jit_engine_new(be, &x86_translator, 256 << 20, JIT_WX_AUTO);
        jit_engine_set_parallel(e, tso);
        X86Cpu cpu = { .jit.mem_mode = JIT_MEM_USER, .df = 1 };
        jit_cpu_register(e, &cpu.jit);
        double t0 = bench_cpu_seconds();
        for (uint64_t pc = (uintptr_t)text_start; pc < (uintptr_t)text_end;) {
            TbEntry *tb = jit_tb_lookup_or_translate(e, &cpu.jit, pc, 0, X86_MODE_64);
            insns += tb->nb_insns;
            tbs++;
            pc += tb->guest_size ? tb->guest_size : 1;
        }
        t += bench_cpu_seconds() - t0;
        ir_ops += e->stats.ir_ops;
        host_bytes += e->stats.host_bytes;
        jit_cpu_unregister(e, &cpu.jit);
        jit_engine_free(e);
    }

    printf("translate (%s backend%s%s): %s .text %zu bytes: %.2f M guest insns/s, "
           "%.1f insns/TB, %.1f IR ops and %.2f host bytes per guest insn\n",
           be->name, tso ? ", tso" : "",
           be == &jit_backend_arm64 ? (a64_have_lrcpc() ? ", LRCPC" : ", ARMv8.0") : "", path,
           size, insns / t / 1e6, (double)insns / tbs, (double)ir_ops / insns,
           (double)host_bytes / insns);
    rcu_unregister_thread();
    return 0;
}
