/*
 * run-conformance.c — the IR backend conformance runner. Reads the test
 * files (the .ir files of tests/ir, format in tests/ir/README.md), runs every
 * case on every backend of the build (tests/ir/harness.h) in the memory
 * modes the case asks for, and compares the final state with the expected values
 * written in the file. Prints per backend the runs passed, failed and
 * unsupported and the ops covered; exits non-zero on any failure or if the
 * suite does not cover every op.
 *
 *   run-conformance [-v] [-b BACKEND] [-c SUBSTRING] [FILE.ir | DIR]...
 *     default files: $srcdir/tests/ir; -b runs one backend, -c only the cases
 *     whose name contains SUBSTRING (both skip the coverage requirement);
 *     -v lists passes and prints the IR of a failing case as it was given to
 *     the backend (after its prepare hook).
 */
#include <ctype.h>
#include <dirent.h>
#include <glib.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/ir/harness.h"

/* ---------------------------------------------------------------------- */
/* Cases                                                                   */

enum { MODE_USER = 1, MODE_SOFTMMU = 2 };

typedef struct Assign {
    char name[16];                 /* register or observation; "mem" for bytes */
    uint64_t v[2];                 /* value, lo/hi */
    uint64_t addr;                 /* mem: guest address */
    GByteArray *bytes;             /* mem: the bytes */
} Assign;

typedef struct Case {
    char name[64];
    const char *file;
    unsigned line;
    unsigned modes;
    GArray *ins, *outs;            /* of Assign */
    GString *tb[TH_MAX_TBS];
    unsigned tb_line[TH_MAX_TBS];
    unsigned nb_tbs;
    int chain[TH_MAX_TBS][2];
} Case;

static bool verbose;
static const char *only_backend, *only_case;
/* --tso: every guest_ld/guest_st is x86-TSO ordered (the parallel-mode
 * lowering must compute the same results; docs/memory-model.md). */
static bool tso_all;

/* A named field of TestCpu: registers, tbsel and the observations. */
static bool cpu_field(const char *name, size_t *off, unsigned *size)
{
    static const struct { const char *n; size_t off; } obs[] = {
        { "tbsel", offsetof(TestCpu, tbsel) }, { "fills", offsetof(TestCpu, fills) },
        { "io_count", offsetof(TestCpu, io_count) }, { "io_addr", offsetof(TestCpu, io_addr) },
        { "io_val", offsetof(TestCpu, io_val) }, { "io_size", offsetof(TestCpu, io_size) },
        { "nd_count", offsetof(TestCpu, nd_count) }, { "nd_addr", offsetof(TestCpu, nd_addr) },
        { "rpc", offsetof(TestCpu, rpc) },
    };
    char *end;
    unsigned long i = strtoul(name + 1, &end, 10);

    if (name[1] && !*end && isdigit((unsigned char)name[1])) {
        if (name[0] == 'r' && i < TH_NB_R) {
            *off = offsetof(TestCpu, r) + 8 * i, *size = 8;
            return true;
        }
        if (name[0] == 'w' && i < TH_NB_W) {
            *off = offsetof(TestCpu, w) + 4 * i, *size = 4;
            return true;
        }
        if (name[0] == 'v' && i < TH_NB_V) {
            *off = offsetof(TestCpu, v) + 16 * i, *size = 16;
            return true;
        }
    }
    for (unsigned k = 0; k < G_N_ELEMENTS(obs); k++) {
        if (!strcmp(name, obs[k].n)) {
            *off = obs[k].off, *size = 8;
            return true;
        }
    }
    return false;
}

/* r0..r15, w0..w15, v0..v7: compared in full by check_state. */
static bool is_register(const char *name)
{
    size_t off;
    unsigned size;
    return strchr("rwv", name[0]) && isdigit((unsigned char)name[1]) &&
           cpu_field(name, &off, &size);
}

static bool is_pseudo(const char *name)
{
    return !strcmp(name, "ret") || !strcmp(name, "exc") || !strcmp(name, "fault");
}

/* ---------------------------------------------------------------------- */
/* Reading test files                                                      */

typedef struct Reader {
    const char *file;
    unsigned line;
    bool error;
} Reader;

static void rd_error(Reader *r, const char *fmt, const char *arg)
{
    fprintf(stderr, "%s:%u: ", r->file, r->line);
    fprintf(stderr, fmt, arg);
    fputc('\n', stderr);
    r->error = true;
}

/* A number: decimal or 0x hex up to 128 bits, optional leading '-'. */
static bool parse_value(const char *s, uint64_t v[2])
{
    bool neg = *s == '-';
    unsigned __int128 x = 0;

    s += neg;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        s += 2;
        if (!*s || strlen(s) > 32) {
            return false;
        }
        for (; *s; s++) {
            if (!isxdigit((unsigned char)*s)) {
                return false;
            }
            x = x << 4 | (unsigned)g_ascii_xdigit_value(*s);
        }
    } else {
        if (!*s) {
            return false;
        }
        for (; *s; s++) {
            if (!isdigit((unsigned char)*s)) {
                return false;
            }
            x = x * 10 + (unsigned)(*s - '0');
        }
    }
    if (neg) {
        x = -x;
    }
    v[0] = (uint64_t)x;
    v[1] = (uint64_t)(x >> 64);
    return true;
}

/* `NAME = VALUE` or `mem ADDR = BYTES...` after `in`/`out`. */
static void parse_assign(Reader *r, Case *c, char **tok, bool out)
{
    Assign a = { 0 };

    if (!tok[0] || !tok[1]) {
        rd_error(r, "incomplete %s line", out ? "out" : "in");
        return;
    }
    if (!strcmp(tok[0], "mem")) {
        uint64_t addr[2];
        if (!tok[1] || !tok[2] || strcmp(tok[2], "=") || !parse_value(tok[1], addr) ||
            addr[0] < TH_MEM_BASE || !tok[3]) {
            rd_error(r, "bad mem line%s", "");
            return;
        }
        strcpy(a.name, "mem");
        a.addr = addr[0];
        a.bytes = g_byte_array_new();
        for (unsigned i = 3; tok[i]; i++) {
            char *end;
            unsigned long b = strtoul(tok[i], &end, 16);
            if (*end || b > 0xff) {
                rd_error(r, "bad byte '%s'", tok[i]);
            }
            g_byte_array_append(a.bytes, (guint8[]){ b }, 1);
        }
        if (a.addr + a.bytes->len > TH_MEM_BASE + TH_MEM_SIZE) {
            rd_error(r, "mem line outside the test memory%s", "");
        }
    } else {
        size_t off;
        unsigned size;
        if (strlen(tok[0]) >= sizeof(a.name) || strcmp(tok[1], "=") || !tok[2] || tok[3] ||
            !parse_value(tok[2], a.v)) {
            rd_error(r, "expected NAME = VALUE, near '%s'", tok[0]);
            return;
        }
        if (!cpu_field(tok[0], &off, &size) && !(out && is_pseudo(tok[0]))) {
            rd_error(r, "unknown name '%s'", tok[0]);
            return;
        }
        strcpy(a.name, tok[0]);
    }
    g_array_append_val(out ? c->outs : c->ins, a);
}

static Case *case_new(const char *file, unsigned line, const char *name)
{
    Case *c = g_new0(Case, 1);

    g_strlcpy(c->name, name, sizeof(c->name));
    c->file = file;
    c->line = line;
    c->modes = MODE_USER | MODE_SOFTMMU;
    c->ins = g_array_new(false, true, sizeof(Assign));
    c->outs = g_array_new(false, true, sizeof(Assign));
    memset(c->chain, -1, sizeof(c->chain));
    return c;
}

static void case_free(Case *c)
{
    GArray *arrs[] = { c->ins, c->outs };
    for (unsigned k = 0; k < 2; k++) {
        for (guint i = 0; i < arrs[k]->len; i++) {
            Assign *a = &g_array_index(arrs[k], Assign, i);
            if (a->bytes) {
                g_byte_array_unref(a->bytes);
            }
        }
        g_array_free(arrs[k], true);
    }
    for (unsigned i = 0; i < c->nb_tbs; i++) {
        g_string_free(c->tb[i], true);
    }
    g_free(c);
}

/* A directive line of a case (not inside tb..end). */
static void parse_directive(Reader *r, GPtrArray *cases, char **tok, GString **in_tb)
{
    Case *c = cases->len ? g_ptr_array_index(cases, cases->len - 1) : NULL;

    if (!strcmp(tok[0], "case")) {
        if (!tok[1] || tok[2]) {
            rd_error(r, "expected: case NAME%s", "");
            return;
        }
        g_ptr_array_add(cases, case_new(r->file, r->line, tok[1]));
        return;
    }
    if (!c) {
        rd_error(r, "'%s' before the first case", tok[0]);
    } else if (!strcmp(tok[0], "mode") && tok[1]) {
        c->modes = !strcmp(tok[1], "user") ? MODE_USER : !strcmp(tok[1], "softmmu")
                 ? MODE_SOFTMMU : !strcmp(tok[1], "both") ? MODE_USER | MODE_SOFTMMU : 0;
        if (!c->modes) {
            rd_error(r, "bad mode '%s'", tok[1]);
        }
    } else if (!strcmp(tok[0], "in")) {
        parse_assign(r, c, tok + 1, false);
    } else if (!strcmp(tok[0], "out")) {
        parse_assign(r, c, tok + 1, true);
    } else if (!strcmp(tok[0], "tb")) {
        if (c->nb_tbs == TH_MAX_TBS) {
            rd_error(r, "too many tbs%s", "");
            return;
        }
        c->tb_line[c->nb_tbs] = r->line;
        *in_tb = c->tb[c->nb_tbs++] = g_string_new(NULL);
    } else if (!strcmp(tok[0], "chain") && tok[1] && tok[2] && tok[3]) {
        unsigned from = atoi(tok[1]), slot = atoi(tok[2]), to = atoi(tok[3]);
        if (from >= TH_MAX_TBS || slot > 1 || to >= TH_MAX_TBS) {
            rd_error(r, "bad chain%s", "");
            return;
        }
        c->chain[from][slot] = to;
    } else {
        rd_error(r, "unknown directive '%s'", tok[0]);
    }
}

static bool read_file(const char *path, GPtrArray *cases)
{
    char *text;
    Reader r = { .file = g_intern_string(path) };
    GString *in_tb = NULL;

    if (!g_file_get_contents(path, &text, NULL, NULL)) {
        fprintf(stderr, "%s: cannot read\n", path);
        return false;
    }
    char **lines = g_strsplit(text, "\n", -1);
    for (unsigned i = 0; lines[i]; i++) {
        r.line = i + 1;
        char *hash = strchr(lines[i], '#');
        char *l = g_strstrip(g_strdup(lines[i]));
        if (in_tb) {
            if (!strcmp(l, "end")) {
                in_tb = NULL;
            } else {
                g_string_append_printf(in_tb, "%s\n", lines[i]);
            }
        } else {
            if (hash) {
                l[strcspn(l, "#")] = 0;
            }
            char **tok = g_strsplit_set(g_strstrip(l), " \t", -1);
            unsigned n = 0;
            for (unsigned k = 0; tok[k]; k++) {
                if (*tok[k]) {
                    tok[n++] = tok[k];
                } else {
                    g_free(tok[k]);
                }
            }
            tok[n] = NULL;
            if (n) {
                parse_directive(&r, cases, tok, &in_tb);
            }
            g_strfreev(tok);
        }
        g_free(l);
    }
    if (in_tb) {
        rd_error(&r, "tb without end%s", "");
    }
    g_strfreev(lines);
    g_free(text);
    return !r.error;
}

/* ---------------------------------------------------------------------- */
/* Running                                                                 */

typedef struct BackendStats {
    unsigned passed, failed, unsupported;
    bool covered[IR_OP_COUNT];
} BackendStats;

static uint8_t mem[TH_MEM_SIZE], want_mem[TH_MEM_SIZE];

static void apply(TestCpu *cpu, uint8_t *m, const Assign *a)
{
    size_t off;
    unsigned size;

    if (a->bytes) {
        memcpy(m + (a->addr - TH_MEM_BASE), a->bytes->data, a->bytes->len);
    } else if (cpu_field(a->name, &off, &size)) {
        memcpy((uint8_t *)cpu + off, a->v, size);
    }
}

/*
 * Replace each `@NAME`, `@NAME+N` or `@NAME-N` in a TB body with the byte offset of
 * field NAME of TestCpu from env (plus N), so that ld/st tests do not
 * depend on the host's JitCpu layout.
 */
static char *expand_offsets(const char *text)
{
    GString *out = g_string_new(NULL);

    for (const char *p = text; *p;) {
        if (*p != '@') {
            g_string_append_c(out, *p++);
            continue;
        }
        char name[16];
        unsigned n = 0;
        size_t off;
        unsigned size;
        for (p++; (isalnum((unsigned char)*p) || *p == '_') && n < sizeof(name) - 1;) {
            name[n++] = *p++;
        }
        name[n] = 0;
        long add = 0;
        if (*p == '+' || *p == '-') {
            add = strtol(p, (char **)&p, 10);
        }
        if (!cpu_field(name, &off, &size)) {
            g_string_append_printf(out, "@%s", name);     /* the parser reports it */
        } else {
            g_string_append_printf(out, "%ld", (long)off + add);
        }
    }
    return g_string_free(out, false);
}

/* Parse the case's TBs into fresh contexts; false (with a message) if bad. */
static bool build_tbs(const Case *c, ThRun *run)
{
    for (unsigned t = 0; t < c->nb_tbs; t++) {
        IrParseError err;
        char msg[256];
        IrContext *ctx = run->tbs[t] = ir_context_new();
        th_register_globals(ctx);
        char *text = expand_offsets(c->tb[t]->str);
        bool parsed = ir_parse(ctx, text, &err);
        g_free(text);
        if (!parsed) {
            fprintf(stderr, "%s:%u: %s\n", c->file, c->tb_line[t] + err.line, err.msg);
            return false;
        }
        IR_FOR_EACH_OP(ctx, op) {
            if (tso_all && (op->opc == IR_OP_guest_ld || op->opc == IR_OP_guest_st)) {
                ir_op_cargs(op)[0] |= IR_MO_TSO;
            }
        }
        IrOp *last = ir_last_op(ctx);
        if (!last || (last->opc != IR_OP_exit_tb && last->opc != IR_OP_goto_ptr)) {
            ir_gen_exit_tb(ctx, 0);
        }
        if (!ir_verify(ctx, msg, sizeof(msg))) {
            fprintf(stderr, "%s:%u: case %s tb %u: %s\n", c->file, c->tb_line[t], c->name, t,
                    msg);
            return false;
        }
    }
    run->nb_tbs = c->nb_tbs;
    memcpy(run->chain, c->chain, sizeof(run->chain));
    return true;
}

static void mark_covered(const ThRun *run, BackendStats *st)
{
    for (unsigned t = 0; t < run->nb_tbs; t++) {
        IR_FOR_EACH_OP(run->tbs[t], op) {
            st->covered[op->opc] = true;
        }
    }
}

static bool check_pseudo(const Case *c, const ThRun *run, const char *who, GString *why)
{
    uint64_t want_ret = 0, want_exc = (uint64_t)(int64_t)TH_EXC_NONE;

    for (guint i = 0; i < c->outs->len; i++) {
        const Assign *a = &g_array_index(c->outs, Assign, i);
        if (!strcmp(a->name, "ret")) {
            want_ret = a->v[0];
        } else if (!strcmp(a->name, "exc")) {
            want_exc = a->v[0];
        } else if (!strcmp(a->name, "fault") && run->fault_addr != a->v[0]) {
            g_string_append_printf(why, " fault=%#" PRIx64 " (want %#" PRIx64 ")",
                                   run->fault_addr, a->v[0]);
        }
    }
    if (run->ret != want_ret) {
        g_string_append_printf(why, " ret=%#" PRIx64 " (want %#" PRIx64 ")", run->ret, want_ret);
    }
    if ((uint64_t)(int64_t)run->exception != want_exc) {
        g_string_append_printf(why, " exc=%d (want %" PRId64 ")", run->exception,
                               (int64_t)want_exc);
    }
    return why->len == 0;
}

/* Compare every register and memory byte with the expected state. */
static void check_state(const Case *c, const TestCpu *got, const TestCpu *want, GString *why)
{
    static const char *const kinds[] = { "r", "w", "v" };
    static const unsigned counts[] = { TH_NB_R, TH_NB_W, TH_NB_V }, sizes[] = { 8, 4, 16 };
    static const size_t offs[] = { offsetof(TestCpu, r), offsetof(TestCpu, w),
                                   offsetof(TestCpu, v) };

    for (unsigned k = 0; k < 3; k++) {
        for (unsigned i = 0; i < counts[k]; i++) {
            const uint8_t *g = (const uint8_t *)got + offs[k] + i * sizes[k];
            const uint8_t *w = (const uint8_t *)want + offs[k] + i * sizes[k];
            if (memcmp(g, w, sizes[k])) {
                uint64_t gv[2] = { 0 }, wv[2] = { 0 };
                memcpy(gv, g, sizes[k]);
                memcpy(wv, w, sizes[k]);
                g_string_append_printf(why, " %s%u=%#" PRIx64 ":%016" PRIx64
                                       " (want %#" PRIx64 ":%016" PRIx64 ")", kinds[k], i,
                                       gv[1], gv[0], wv[1], wv[0]);
            }
        }
    }
    if (got->tbsel != want->tbsel) {
        g_string_append_printf(why, " tbsel=%#" PRIx64, got->tbsel);
    }
    for (guint i = 0; i < c->outs->len; i++) {
        const Assign *a = &g_array_index(c->outs, Assign, i);
        size_t off;
        unsigned size;
        if (!a->bytes && !is_register(a->name) &&
            cpu_field(a->name, &off, &size) && memcmp((uint8_t *)got + off, a->v, 8)) {
            g_string_append_printf(why, " %s=%#" PRIx64 " (want %#" PRIx64 ")", a->name,
                                   *(const uint64_t *)((const uint8_t *)got + off), a->v[0]);
        }
    }
    for (unsigned i = 0; i < TH_MEM_SIZE; i++) {
        if (mem[i] != want_mem[i]) {
            g_string_append_printf(why, " mem[%#x]=%02x (want %02x)", TH_MEM_BASE + i,
                                   mem[i], want_mem[i]);
            break;
        }
    }
}

/* One case, one backend, one memory mode. */
static void run_one(const Case *c, unsigned b, JitMemMode mode, BackendStats *st)
{
    static TestCpu cpu, want;
    const char *mname = mode == JIT_MEM_USER ? "user" : "softmmu";
    ThRun run = { .mode = mode };
    GString *why = g_string_new(NULL);

    if (!build_tbs(c, &run)) {
        st->failed++;
        goto out;
    }
    th_cpu_init(&cpu, mem, mode);
    memset(mem, 0, sizeof(mem));
    for (guint i = 0; i < c->ins->len; i++) {
        apply(&cpu, mem, &g_array_index(c->ins, Assign, i));
    }
    want = cpu;
    memcpy(want_mem, mem, sizeof(mem));
    for (guint i = 0; i < c->outs->len; i++) {
        apply(&want, want_mem, &g_array_index(c->outs, Assign, i));
    }
    ThStatus s = th_run(&th_backends[b], &run, &cpu, mem);
    if (s == TH_UNSUPPORTED) {
        st->unsupported++;
    } else if (s != TH_RAN) {
        g_string_append(why, " code generation failed");
    } else if (check_pseudo(c, &run, th_backends[b].name, why)) {
        check_state(c, &cpu, &want, why);
    }
    if (s != TH_UNSUPPORTED) {
        if (why->len) {
            printf("FAIL %s:%u %s [%s, %s]:%s\n", c->file, c->line, c->name,
                   th_backends[b].name, mname, why->str);
            st->failed++;
            for (unsigned t = 0; verbose && t < c->nb_tbs; t++) {
                printf("  tb %u as given to %s:\n", t, th_backends[b].name);
                ir_print(run.tbs[t], stdout);
            }
        } else {
            if (verbose) {
                printf("pass %s [%s, %s]\n", c->name, th_backends[b].name, mname);
            }
            st->passed++;
            mark_covered(&run, st);
        }
    }
    th_cpu_free(&cpu);
out:
    for (unsigned t = 0; t < c->nb_tbs; t++) {
        ir_context_free(run.tbs[t]);
    }
    g_string_free(why, true);
}

/* ---------------------------------------------------------------------- */
/* Driver                                                                  */

static void add_path(const char *path, GPtrArray *files)
{
    if (!g_file_test(path, G_FILE_TEST_IS_DIR)) {
        g_ptr_array_add(files, g_strdup(path));
        return;
    }
    GDir *d = g_dir_open(path, 0, NULL);
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    for (const char *n; d && (n = g_dir_read_name(d));) {
        if (g_str_has_suffix(n, ".ir")) {
            g_ptr_array_add(names, g_build_filename(path, n, NULL));
        }
    }
    if (d) {
        g_dir_close(d);
    }
    g_ptr_array_sort(names, (GCompareFunc)g_strcmp0);
    for (guint i = 0; i < names->len; i++) {
        g_ptr_array_add(files, g_strdup(g_ptr_array_index(names, i)));
    }
    g_ptr_array_free(names, true);
}

static bool report(unsigned b, const BackendStats *st, bool required)
{
    unsigned covered = 0;
    GString *missing = g_string_new(NULL);

    for (unsigned o = 0; o < IR_OP_COUNT; o++) {
        if (st->covered[o]) {
            covered++;
        } else if (o != IR_OP_nop) {
            g_string_append_printf(missing, " %s", ir_op_defs[o].name);
        }
    }
    printf("%-8s passed %u, failed %u, unsupported %u; ops covered %u/%u "
           "(nop is never in a program)\n", th_backends[b].name, st->passed, st->failed,
           st->unsupported, covered, IR_OP_COUNT);
    if (missing->len && !only_backend && !only_case) {
        printf("         not covered:%s\n", missing->str);
    }
    bool ok = st->failed == 0 && (!required || !missing->len);
    g_string_free(missing, true);
    return ok;
}

int main(int argc, char **argv)
{
    GPtrArray *files = g_ptr_array_new_with_free_func(g_free);
    GPtrArray *cases = g_ptr_array_new_with_free_func((GDestroyNotify)case_free);
    bool ok = true;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-v")) {
            verbose = true;
        } else if (!strcmp(argv[i], "--tso")) {
            tso_all = true;
        } else if (!strcmp(argv[i], "-b") && i + 1 < argc) {
            only_backend = argv[++i];
        } else if (!strcmp(argv[i], "-c") && i + 1 < argc) {
            only_case = argv[++i];
        } else {
            add_path(argv[i], files);
        }
    }
    bool whole_suite = !files->len;    /* only then must every op be covered */
    if (whole_suite) {
        const char *srcdir = getenv("srcdir");
        char *dir = g_build_filename(srcdir ? srcdir : ".", "tests", "ir", NULL);
        add_path(dir, files);
        g_free(dir);
    }
    th_register_helpers();
    for (guint i = 0; i < files->len; i++) {
        ok &= read_file(g_ptr_array_index(files, i), cases);
    }
    BackendStats *stats = g_new0(BackendStats, th_nb_backends);
    for (guint i = 0; i < cases->len; i++) {
        const Case *c = g_ptr_array_index(cases, i);
        if (only_case && !strstr(c->name, only_case)) {
            continue;
        }
        for (unsigned b = 0; b < th_nb_backends; b++) {
            if (only_backend && strcmp(th_backends[b].name, only_backend)) {
                continue;
            }
            if (c->modes & MODE_USER) {
                run_one(c, b, JIT_MEM_USER, &stats[b]);
            }
            if (c->modes & MODE_SOFTMMU) {
                run_one(c, b, JIT_MEM_SOFTMMU, &stats[b]);
            }
        }
    }
    printf("%u cases from %u files\n", cases->len, files->len);
    for (unsigned b = 0; b < th_nb_backends; b++) {
        if (!only_backend || !strcmp(th_backends[b].name, only_backend)) {
            ok &= report(b, &stats[b], b == 0 && !only_backend && !only_case && whole_suite);
        }
    }
    g_free(stats);
    g_ptr_array_free(cases, true);
    g_ptr_array_free(files, true);
    return ok ? 0 : 1;
}
