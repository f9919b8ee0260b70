/*
 * fuzz-la64.c — a fixed-seed slice of the random-IR differential tester on
 * the loongarch64 backend under qemu-loongarch64. The generator and the
 * reference evaluator are fuzz.c's and reference.c's (fuzz.c is included
 * with its main renamed). Even seeds run in user mode, odd seeds in softmmu
 * mode with a RAM-only TLB and slow-path stand-ins (the generator only
 * addresses RAM); helper calls (h_add3, h_mix32) reach the stand-ins emitted into
 * the executable (la64-batch.h). Batches of programs share one executable.
 *
 *   fuzz-la64 [--seed S] [--count N] [--no-opt] [--verbose]
 *     default seed 2, 600 programs. Every other program is given to the
 *     backend raw (only opt_liveness run, so constant operands and dead
 *     code reach it), the rest after opt_run; --no-opt makes all raw.
 */
#define main fuzz_main
#include "tests/ir/fuzz.c"
#undef main

#include "jit/opt.h"
#include "tests/ir/la64-batch.h"

#ifndef QEMU_LOONGARCH64
#define QEMU_LOONGARCH64 "qemu-loongarch64-static"
#endif

#define BATCH 150

/* Code size statistics per memory mode (0 user, 1 softmmu). */
static uint64_t stat_ops[2], stat_bytes[2];

static bool no_opt;

typedef struct Expect {
    uint64_t seed;
    TestCpu cpu;
    uint8_t *mem;
} Expect;

static bool same_globals(uint64_t seed, const TestCpu *got, const uint8_t *gm, const Expect *e)
{
    return same_state("loongarch64", seed, got, gm, &e->cpu, e->mem);
}

/* Generate, transform and reference-run seed; queue it on b. */
static bool queue_seed(La64Batch *b, IrContext *ctx, uint64_t seed, Expect *e, bool raw,
                       unsigned *unsupported)
{
    static uint8_t mem0[TH_MEM_SIZE];
    static TestCpu c0;
    Fz z = { .ctx = ctx, .rng = g_rand_new_with_seed_array((const guint32 *)&seed, 2) };
    char msg[256];
    bool ok = true;

    for (unsigned i = 0; i < TH_NB_R; i++) {
        char name[8];
        snprintf(name, sizeof(name), "r%u", i);
        ir_global_find(ctx, name, &z.r[i]);
        snprintf(name, sizeof(name), "w%u", i);
        ir_global_find(ctx, name, &z.w[i]);
        if (i < TH_NB_V) {
            snprintf(name, sizeof(name), "v%u", i);
            ir_global_find(ctx, name, &z.v[i]);
        }
    }
    ir_helper_find("h_add3", &z.h_add3);
    ir_helper_find("h_mix32", &z.h_mix32);
    ir_reset(ctx);
    bool soft = seed & 1;
    th_cpu_init(&c0, mem0, soft ? JIT_MEM_SOFTMMU : JIT_MEM_USER);
    random_state(&z, &c0, mem0);
    gen_program(&z, 10 + rnd(&z, 60));
    if (!ir_verify(ctx, msg, sizeof(msg))) {
        printf("seed %" PRIu64 ": generated program is malformed: %s\n", seed, msg);
        ok = false;
    }
    if (verbose) {
        ir_print(ctx, stdout);
    }
    e->seed = seed;
    e->cpu = c0;
    e->mem = g_memdup2(mem0, TH_MEM_SIZE);
    if (ok) {
        fz_reference_run(ctx, &e->cpu, e->mem);
        if (raw) {
            opt_liveness(ctx);
        } else {
            opt_run(ctx);
        }
        const int chain[1][2] = { { -1, -1 } };
        size_t before = b->code->len;
        ThStatus st = la64_batch_add(b, &ctx, 1, chain, &c0, sizeof(c0), mem0, soft);
        if (st == TH_RAN) {
            stat_bytes[soft] += 4 * (b->code->len - before);
            IR_FOR_EACH_OP(ctx, op) {
                stat_ops[soft] += op->opc != IR_OP_insn_start && op->opc != IR_OP_set_label;
            }
        }
        if (st == TH_UNSUPPORTED) {
            (*unsupported)++;
            ok = false;
        } else if (st != TH_RAN) {
            printf("seed %" PRIu64 ": code generation failed (%d)\n", seed, st);
            ok = false;
        }
    }
    th_cpu_free(&c0);
    g_rand_free(z.rng);
    return ok;
}

int main(int argc, char **argv)
{
    uint64_t seed = 2, count = 600;
    unsigned failed = 0, unsupported = 0;
    static uint8_t gm[TH_MEM_SIZE];
    static TestCpu got;
    gint64 t0 = g_get_monotonic_time();

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--verbose")) {
            verbose = true;
        } else if (!strcmp(argv[i], "--no-opt")) {
            no_opt = true;
        } else if (!strcmp(argv[i], "--seed") && i + 1 < argc) {
            seed = strtoull(argv[++i], NULL, 0);
        } else if (!strcmp(argv[i], "--count") && i + 1 < argc) {
            count = strtoull(argv[++i], NULL, 0);
        } else {
            fprintf(stderr, "usage: fuzz-la64 [--seed S] [--count N] [--no-opt] [--verbose]\n");
            return 2;
        }
    }
    if (!g_file_test(QEMU_LOONGARCH64, G_FILE_TEST_IS_EXECUTABLE)) {
        printf("SKIP: %s not found\n", QEMU_LOONGARCH64);
        return 77;
    }
    th_register_helpers();
    IrContext *ctx = ir_context_new();
    th_register_globals(ctx);
    Expect *ex = g_new0(Expect, BATCH);
    for (uint64_t done = 0; done < count && failed < 10;) {
        La64Batch b;
        unsigned n = 0;
        char why[160];
        la64_batch_init(&b);
        for (; n < BATCH && done < count; done++) {
            unsigned u = unsupported;
            if (queue_seed(&b, ctx, seed + done, &ex[n], no_opt || (done & 2), &unsupported)) {
                n++;
            } else {
                g_free(ex[n].mem);
                failed += u == unsupported;
            }
        }
        if (n && !la64_batch_run(&b, QEMU_LOONGARCH64, 120, why, sizeof(why))) {
            printf("seeds %" PRIu64 "..%" PRIu64 ": %s\n", ex[0].seed, ex[n - 1].seed, why);
            failed += n;
        } else {
            for (unsigned i = 0; i < n; i++) {
                uint64_t ret;
                la64_batch_result(&b, i, &got, gm, &ret);
                failed += !same_globals(ex[i].seed, &got, gm, &ex[i]);
            }
        }
        for (unsigned i = 0; i < n; i++) {
            g_free(ex[i].mem);
        }
        la64_batch_free(&b);
    }
    printf("fuzz-la64: %" PRIu64 " programs from seed %" PRIu64 " (even seeds user mode, odd "
           "softmmu), %u failed, %u unsupported, %.1f s\n", count, seed,
           failed, unsupported, (g_get_monotonic_time() - t0) / 1e6);
    for (int m = 0; m < 2; m++) {
        printf("  %s: %" PRIu64 " IR ops, %" PRIu64 " bytes of code, %.1f bytes per op\n",
               m ? "softmmu" : "user", stat_ops[m], stat_bytes[m],
               stat_ops[m] ? (double)stat_bytes[m] / stat_ops[m] : 0.0);
    }
    g_free(ex);
    ir_context_free(ctx);
    return failed ? 1 : 0;
}
