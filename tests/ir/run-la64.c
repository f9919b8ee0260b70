/*
 * run-la64.c — the IR conformance suite (the .ir files of tests/ir) on the loongarch64
 * backend, run as standalone executables under qemu-loongarch64 (no
 * loongarch64 C library exists here). Case files are read and checked by
 * run-conformance.c itself (included below with its main renamed, so its
 * reader, state setup and strict comparison are reused, not copied). One
 * executable per .ir file holds all its eligible cases.
 *
 *   run-la64 [-v] [-c SUBSTRING] [FILE.ir | DIR]...
 *
 * Every case runs four times: after opt_run (as the JIT does) and raw with
 * only opt_liveness (constants reach the backend as operands), each in user
 * mode and in softmmu mode. Softmmu runs get a TLB that maps exactly the
 * RAM pages and slow-path stand-ins that access RAM (la64-batch.h), so the
 * user-mode cases exercise the inline TLB fast path and, for misaligned or
 * page-crossing accesses, the slow-path calls. Helper calls and lookup_tb
 * reach stand-ins emitted into the executable too.
 *
 * Skipped, by documented reason: softmmu-only cases (faults, read-only,
 * NOTDIRTY and MMIO pages, tlb_fill counts need the C softmmu layer) and
 * cases expecting an exception (no exception machinery runs standalone).
 * Cases the backend cannot emit (i128 cmpxchg) count as unsupported.
 */
#define main run_conformance_main
#include "tests/ir/run-conformance.c"
#undef main

#include "jit/opt.h"
#include "tests/ir/la64-batch.h"

#ifndef QEMU_LOONGARCH64
#define QEMU_LOONGARCH64 "qemu-loongarch64-static"
#endif

typedef struct La64Stats {
    BackendStats bs;         /* run-conformance's counters and coverage */
    unsigned skipped[4];
} La64Stats;

static const char *const skip_names[4] = { "softmmu only", "unused",
                                           "expects an exception", "malformed" };

/* Why a case cannot run standalone (index into skip_names), or -1. */
static int skip_reason(const Case *c, const ThRun *run)
{
    if (!(c->modes & MODE_USER)) {
        return 0;
    }
    for (guint i = 0; i < c->outs->len; i++) {
        const Assign *a = &g_array_index(c->outs, Assign, i);
        if (!strcmp(a->name, "exc") && a->v[0] != (uint64_t)(int64_t)TH_EXC_NONE) {
            return 2;
        }
    }
    return -1;
}

/* The initial and the expected state of case c (as run_one sets them up). */
static void case_states(const Case *c, TestCpu *cpu, uint8_t *m, TestCpu *want, uint8_t *wm)
{
    th_cpu_init(cpu, m, JIT_MEM_USER);
    memset(m, 0, TH_MEM_SIZE);
    for (guint i = 0; i < c->ins->len; i++) {
        apply(cpu, m, &g_array_index(c->ins, Assign, i));
    }
    *want = *cpu;
    memcpy(wm, m, TH_MEM_SIZE);
    for (guint i = 0; i < c->outs->len; i++) {
        apply(want, wm, &g_array_index(c->outs, Assign, i));
    }
}

typedef struct Queued {
    const Case *c;
    ThRun run;
} Queued;

static void free_run(ThRun *run)
{
    for (unsigned t = 0; t < run->nb_tbs; t++) {
        ir_context_free(run->tbs[t]);
        run->tbs[t] = NULL;
    }
}

/* Check queued case i of a batch that ran. */
static void check_one(La64Batch *b, unsigned i, Queued *q, La64Stats *st, const char *mname)
{
    static TestCpu cpu, want, got;
    GString *why = g_string_new(NULL);

    case_states(q->c, &cpu, mem, &want, want_mem);
    la64_batch_result(b, i, &got, mem, &q->run.ret);
    q->run.exception = TH_EXC_NONE;
    q->run.fault_addr = 0;
    if (check_pseudo(q->c, &q->run, "loongarch64", why)) {
        check_state(q->c, &got, &want, why);
    }
    if (why->len) {
        printf("FAIL %s:%u %s [loongarch64, %s]:%s\n", q->c->file, q->c->line, q->c->name,
               mname, why->str);
        st->bs.failed++;
        for (unsigned t = 0; verbose && t < q->run.nb_tbs; t++) {
            printf("  tb %u as given to loongarch64:\n", t);
            ir_print(q->run.tbs[t], stdout);
        }
    } else {
        if (verbose) {
            printf("pass %s [loongarch64, %s]\n", q->c->name, mname);
        }
        st->bs.passed++;
        mark_covered(&q->run, &st->bs);
    }
    th_cpu_free(&cpu);
    g_string_free(why, true);
}

/* Parse and prepare case c; false when it will not run (counted). */
static bool prepare_case(const Case *c, Queued *q, La64Stats *st, bool raw)
{
    memset(q, 0, sizeof(*q));
    q->c = c;
    q->run.mode = JIT_MEM_USER;
    if (!build_tbs(c, &q->run)) {
        st->skipped[3]++;
        st->bs.failed++;
        return false;
    }
    int r = skip_reason(c, &q->run);
    if (r >= 0) {
        st->skipped[r]++;
        free_run(&q->run);
        return false;
    }
    for (unsigned t = 0; t < q->run.nb_tbs; t++) {
        (raw ? opt_liveness : opt_run)(q->run.tbs[t]);
    }
    return true;
}

/*
 * Run the prepared cases q[0..n) as one executable and check them; if the
 * executable as a whole fails, each case again alone, to name the one that
 * crashed or hung.
 */
static void run_batch(Queued *q, unsigned n, La64Stats *st, bool soft)
{
    static TestCpu cpu, want;
    static uint8_t m[TH_MEM_SIZE], wm[TH_MEM_SIZE];
    La64Batch b;
    char why[160];
    unsigned *idx = g_new(unsigned, n), nq = 0;

    la64_batch_init(&b);
    for (unsigned i = 0; i < n; i++) {
        case_states(q[i].c, &cpu, m, &want, wm);
        ThStatus s = la64_batch_add(&b, q[i].run.tbs, q[i].run.nb_tbs,
                                    (const int (*)[2])q[i].run.chain, &cpu, sizeof(cpu), m, soft);
        th_cpu_free(&cpu);
        if (s == TH_RAN) {
            idx[nq++] = i;
        } else if (s == TH_UNSUPPORTED) {
            st->bs.unsupported++;
        } else {
            printf("FAIL %s:%u %s [loongarch64, user]: code generation failed\n",
                   q[i].c->file, q[i].c->line, q[i].c->name);
            st->bs.failed++;
        }
    }
    if (nq && la64_batch_run(&b, QEMU_LOONGARCH64, 60, why, sizeof(why))) {
        for (unsigned k = 0; k < nq; k++) {
            check_one(&b, k, &q[idx[k]], st, soft ? "softmmu" : "user");
        }
    } else if (nq == 1 || (nq && n == 1)) {
        printf("FAIL %s:%u %s [loongarch64, user]: %s\n", q[idx[0]].c->file,
               q[idx[0]].c->line, q[idx[0]].c->name, why);
        st->bs.failed++;
    } else if (nq) {
        printf("note: %s: the batch failed (%s); running its cases one by one\n",
               q[0].c->file, why);
        for (unsigned k = 0; k < nq; k++) {
            run_batch(&q[idx[k]], 1, st, soft);
        }
    }
    la64_batch_free(&b);
    g_free(idx);
}

static bool la64_report(const La64Stats *st, const char *how)
{
    unsigned covered = 0;
    GString *missing = g_string_new(NULL);

    for (unsigned o = 0; o < IR_OP_COUNT; o++) {
        if (st->bs.covered[o]) {
            covered++;
        } else if (o != IR_OP_nop) {
            g_string_append_printf(missing, " %s", ir_op_defs[o].name);
        }
    }
    printf("loongarch64 (qemu, %s): passed %u, failed %u, unsupported %u; "
           "ops covered %u/%u\n", how, st->bs.passed, st->bs.failed, st->bs.unsupported, covered,
           IR_OP_COUNT);
    printf("  skipped:");
    for (unsigned r = 0; r < 4; r++) {
        if (r != 1) {
            printf(" %s %u%s", skip_names[r], st->skipped[r], r < 3 ? "," : "\n");
        }
    }
    if (missing->len) {
        printf("  not covered:%s\n", missing->str);
    }
    g_string_free(missing, true);
    return st->bs.failed == 0;
}

int main(int argc, char **argv)
{
    GPtrArray *files = g_ptr_array_new_with_free_func(g_free);
    La64Stats stats[4];

    memset(stats, 0, sizeof(stats));
    gint64 t0 = g_get_monotonic_time();

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-v")) {
            verbose = true;
        } else if (!strcmp(argv[i], "--tso")) {
            tso_all = true;
        } else if (!strcmp(argv[i], "-c") && i + 1 < argc) {
            only_case = argv[++i];
        } else {
            add_path(argv[i], files);
        }
    }
    if (!g_file_test(QEMU_LOONGARCH64, G_FILE_TEST_IS_EXECUTABLE)) {
        printf("SKIP: %s not found\n", QEMU_LOONGARCH64);
        return 77;
    }
    if (!files->len) {
        const char *srcdir = getenv("srcdir");
        char *dir = g_build_filename(srcdir ? srcdir : ".", "tests", "ir", NULL);
        add_path(dir, files);
        g_free(dir);
    }
    th_register_helpers();
    unsigned nb_cases = 0;
    for (guint f = 0; f < files->len; f++) {
        GPtrArray *cases = g_ptr_array_new_with_free_func((GDestroyNotify)case_free);
        if (!read_file(g_ptr_array_index(files, f), cases)) {
            stats[0].bs.failed++;
        }
        Queued *q = g_new0(Queued, cases->len + 1);
        for (unsigned pass = 0; pass < 4; pass++) {
            bool raw = pass & 1, soft = pass & 2;
            La64Stats *st = &stats[pass];
            unsigned n = 0;
            for (guint i = 0; i < cases->len; i++) {
                const Case *c = g_ptr_array_index(cases, i);
                if (only_case && !strstr(c->name, only_case)) {
                    continue;
                }
                nb_cases += pass == 0;
                n += prepare_case(c, &q[n], st, raw);
            }
            if (n) {
                run_batch(q, n, st, soft);
            }
            for (unsigned i = 0; i < n; i++) {
                free_run(&q[i].run);
            }
        }
        g_free(q);
        g_ptr_array_free(cases, true);
    }
    printf("%u cases from %u files in %.1f s\n", nb_cases, files->len,
           (g_get_monotonic_time() - t0) / 1e6);
    bool ok = la64_report(&stats[0], "user mode, after opt_run");
    ok &= la64_report(&stats[1], "user mode, raw IR (opt_liveness only)");
    ok &= la64_report(&stats[2], "softmmu (RAM-only TLB), after opt_run");
    ok &= la64_report(&stats[3], "softmmu (RAM-only TLB), raw IR");
    g_ptr_array_free(files, true);
    return ok ? 0 : 1;
}
