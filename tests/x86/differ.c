/*
 * differ.c — the native oracle for the x86 translator: random instruction
 * sequences of one family run on the host CPU and under ferry (every
 * backend this build has), and their end states are compared: GPRs, the
 * EFLAGS bits the SDM defines for what ran, DF, the data buffer and the
 * stack, and the fault (kind, instruction, state at it). Mismatches are
 * printed as reproducers. With no arguments it is the fixed-seed `make
 * check` slice over the families marked in_check.
 *
 * Hosts without the x86 CPU replay recorded results: `differ --record
 * FILE` (x86-64) writes a digest of each case's native end state (what
 * the comparison looks at, undefined parts masked), `differ --replay FILE`
 * (any host; the default where there is no native runner) checks ferry's
 * end states against them. On x86-64 the default run also checks that
 * the recorded digests still match this CPU (a changed generator makes
 * them stale).
 */
#include "config.h"

#include <capstone/capstone.h>
#include <glib.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tests/x86/ferry-run.h"
#include "tests/x86/gen.h"
#include "tests/x86/native.h"

/* The native CPU is the oracle only on x86-64. */
#ifdef __x86_64__
#define HAVE_NATIVE 1
#else
#define HAVE_NATIVE 0
#endif

static const char *const reg_names[16] = {
    "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
    "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
};

typedef struct Options {
    const char *family;           /* NULL: every in_check family */
    const char *backend;          /* NULL: every backend */
    uint64_t seed;
    unsigned cases;
    bool cases_given;
    double seconds;               /* > 0: run for this long instead of `cases` */
    long only_case;               /* >= 0: just this case (a reproducer) */
    unsigned max_insns;
    bool max_insns_given;
    unsigned max_reports;
    bool show;                    /* print every case before running it */
    const char *record;           /* write native digests here and stop */
    const char *replay;           /* compare ferry with these digests */
} Options;

static csh cs;

/* ---------------------------------------------------------------------- */
/* Reporting                                                               */

static void print_code(const XtCase *c)
{
    cs_insn *insn;
    size_t n = cs_disasm(cs, c->code, c->len, (uint64_t)(uintptr_t)xt_snippet, 0, &insn);

    printf("  bytes:");
    for (size_t i = 0; i < c->len; i++) {
        printf(" %02x", c->code[i]);
    }
    printf("\n");
    for (size_t i = 0; i < n; i++) {
        char hex[64] = "";
        for (unsigned j = 0; j < insn[i].size && j < 20; j++) {
            snprintf(hex + 3 * j, sizeof(hex) - 3 * j, "%02x ", insn[i].bytes[j]);
        }
        printf("    +%-3llu %-30s %s %s\n",
               (unsigned long long)(insn[i].address - (uintptr_t)xt_snippet), hex,
               insn[i].mnemonic, insn[i].op_str);
    }
    if (n) {
        cs_free(insn, n);
    }
}

static void print_flags(const char *what, uint64_t f)
{
    printf("  %s rflags %#06llx [%s%s%s%s%s%s%s]\n", what, (unsigned long long)f,
           f & XT_OF ? " OF" : "", f & XT_DF ? " DF" : "", f & XT_SF ? " SF" : "",
           f & XT_ZF ? " ZF" : "", f & XT_AF ? " AF" : "", f & XT_PF ? " PF" : "",
           f & XT_CF ? " CF" : "");
}

static void print_init(const XtCase *c)
{
    for (unsigned r = 0; r < 16; r++) {
        printf("  init %-3s = %#018llx%s", reg_names[r], (unsigned long long)c->init.regs[r],
               r % 2 ? "\n" : "   ");
    }
    print_flags("init", c->init.rflags);
}

/* The index of the instruction (unit) containing offset off. */
static unsigned insn_at(const XtCase *c, uint64_t off)
{
    unsigned i = 0;
    while (i + 1 < c->nb_insns && c->insn_off[i + 1] <= off) {
        i++;
    }
    return i;
}

#if HAVE_NATIVE
/* ---------------------------------------------------------------------- */
/* Comparison                                                              */

static void diff_buf(GString *why, const char *name, const uint8_t *a, const uint8_t *b,
                     size_t len, int base)
{
    unsigned shown = 0;
    for (size_t i = 0; i < len && shown < 4; i++) {
        if (a[i] != b[i]) {
            g_string_append_printf(why, "    %s[%+d]: native %02x ferry %02x\n", name,
                                   (int)i - base, a[i], b[i]);
            shown++;
        }
    }
}

/* x87 (family x87): control, status and tag words, and the non-empty
 * registers. Every snippet starts in the FNINIT state on both sides. */
static void diff_x87(GString *why, const XtX87 *n, const XtX87 *f)
{
    if (n->fcw != f->fcw || n->fsw != f->fsw || n->ftw != f->ftw) {
        g_string_append_printf(why, "    x87 fcw/fsw/ftw: native %04x %04x %04x ferry %04x %04x"
                               " %04x\n", n->fcw, n->fsw, n->ftw, f->fcw, f->fsw, f->ftw);
    }
    unsigned top = (n->fsw >> 11) & 7;
    for (unsigned i = 0; i < 8; i++) {
        if (((n->ftw >> (2 * ((top + i) & 7))) & 3) != 3 && memcmp(n->st[i], f->st[i], 10)) {
            uint64_t nm, fm;
            uint16_t ne, fe;
            memcpy(&nm, n->st[i], 8);
            memcpy(&ne, n->st[i] + 8, 2);
            memcpy(&fm, f->st[i], 8);
            memcpy(&fe, f->st[i] + 8, 2);
            g_string_append_printf(why, "    st(%u): native %04x:%016llx ferry %04x:%016llx\n",
                                   i, ne, (unsigned long long)nm, fe, (unsigned long long)fm);
        }
    }
}

/* Compare; appends what differs to why. */
static bool same(const XtCase *c, const XtResult *n, const XtResult *f, GString *why)
{
    if (n->outcome != f->outcome || (n->outcome != XT_DONE && n->fault_off != f->fault_off)) {
        g_string_append_printf(why, "    outcome: native %s at +%llu, ferry %s at +%llu\n",
                               xt_outcome_name(n->outcome), (unsigned long long)n->fault_off,
                               xt_outcome_name(f->outcome), (unsigned long long)f->fault_off);
        return false;
    }
    bool done = n->outcome == XT_DONE;
    uint32_t fmask = done ? c->flags_def[c->nb_insns] : c->flags_def[insn_at(c, n->fault_off)];
    uint16_t undef = done ? c->regs_undef : 0;
    uint16_t undef_hi = done ? c->regs_undef_hi : 0;
    if (done && (n->st.rflags & XT_ZF)) {
        undef |= c->regs_undef_if_zf;
    }
    for (unsigned r = 0; r < 16; r++) {
        uint64_t cmp = (undef_hi & (1u << r)) ? 0xffffffffull : ~0ull;
        if (!(undef & (1u << r)) && ((n->st.regs[r] ^ f->st.regs[r]) & cmp)) {
            g_string_append_printf(why, "    %s: native %#llx ferry %#llx\n", reg_names[r],
                                   (unsigned long long)n->st.regs[r],
                                   (unsigned long long)f->st.regs[r]);
        }
    }
    uint64_t fd = (n->st.rflags ^ f->st.rflags) & ((fmask & XT_OSZAPC) | XT_DF);
    if (fd) {
        g_string_append_printf(why, "    rflags (defined bits %#x): native %#llx ferry %#llx"
                               " differ in %#llx\n", fmask,
                               (unsigned long long)(n->st.rflags & (fmask | XT_DF)),
                               (unsigned long long)(f->st.rflags & (fmask | XT_DF)),
                               (unsigned long long)fd);
    }
    diff_buf(why, "data", n->st.data, f->st.data, XT_DATA_SIZE, XT_DATA_SIZE / 2);
    diff_buf(why, "stack", n->st.stack, f->st.stack, XT_STACK_SIZE, XT_STACK_SIZE / 2);
    diff_x87(why, &n->st.x87, &f->st.x87);
    return why->len == 0;
}

static void report(const char *family, const char *backend, const Options *o, long idx,
                   const XtCase *c, const XtResult *n, const XtResult *f, int excp,
                   const GString *why)
{
    printf("MISMATCH family %s backend %s: reproduce with\n"
           "  tests/x86/differ --family %s --backend %s --seed %llu --case %ld"
           " --max-insns %u\n", family, backend, family, backend,
           (unsigned long long)o->seed, idx, o->max_insns);
    printf("  kinds:");
    for (unsigned i = 0; i < c->nb_insns; i++) {
        printf(" %s", c->insn_kind[i]);
    }
    printf("\n");
    print_code(c);
    print_init(c);
    if (strcmp(family, "x87") == 0) {              /* its operands: [rbx-128, rbx) */
        for (int off = -128; off < 0; off += 16) {
            printf("  data[%+4d]:", off);
            for (int k = 0; k < 16; k++) {
                printf(" %02x", c->init.data[XT_DATA_SIZE / 2 + off + k]);
            }
            printf("\n");
        }
    }
    printf("  native: %s", xt_outcome_name(n->outcome));
    print_flags(" final", n->st.rflags);
    if (f->outcome == XT_DONE) {
        printf("  ferry:  %s", xt_outcome_name(f->outcome));
    } else {
        printf("  ferry:  %s (exception %d)", xt_outcome_name(f->outcome), excp);
    }
    print_flags(" final", f->st.rflags);
    printf("  differences:\n%s\n", why->str);
}

#endif

/* ---------------------------------------------------------------------- */
/* Driver                                                                  */

typedef struct Counts {
    unsigned long cases, mismatches, faults;
} Counts;

/* Independent generator states per (seed, family, case): hashed, so that
 * neighbouring cases do not share a shifted random stream. */
static uint64_t case_seed(uint64_t seed, const char *family, long idx)
{
    uint64_t h = 0xcbf29ce484222325ull ^ seed;
    for (const char *p = family; *p; p++) {
        h = (h ^ (uint8_t)*p) * 0x100000001b3ull;
    }
    XtRng mix = { h ^ ((uint64_t)idx * 0xd1b54a32d192ed03ull) };
    xt_rand(&mix);
    return xt_rand(&mix);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* ---------------------------------------------------------------------- */
/* Recorded results                                                        */

#define DIGEST_LEN 16             /* hex digits kept of the SHA-256 */

/* A digest of what same() compares in r, for case c: the outcome, the
 * GPRs and flags with the parts the SDM leaves undefined cleared, both
 * buffers, the x87 words and non-empty registers. Two results that same()
 * accepts have the same digest (barring a collision). */
static void result_digest(const XtCase *c, const XtResult *r, char out[DIGEST_LEN + 1])
{
    GChecksum *ck = g_checksum_new(G_CHECKSUM_SHA256);
    bool done = r->outcome == XT_DONE;
    uint32_t fmask = done ? c->flags_def[c->nb_insns] : c->flags_def[insn_at(c, r->fault_off)];
    uint16_t undef = done ? c->regs_undef : 0, undef_hi = done ? c->regs_undef_hi : 0;
    if (done && (r->st.rflags & XT_ZF)) {
        undef |= c->regs_undef_if_zf;
    }
    uint64_t head[2] = { r->outcome, done ? 0 : r->fault_off };
    g_checksum_update(ck, (const guchar *)head, sizeof(head));
    for (unsigned i = 0; i < 16; i++) {
        uint64_t v = (undef & (1u << i)) ? 0 : r->st.regs[i];
        v &= (undef_hi & (1u << i)) ? 0xffffffffull : ~0ull;
        g_checksum_update(ck, (const guchar *)&v, sizeof(v));
    }
    uint64_t fl = r->st.rflags & ((fmask & XT_OSZAPC) | XT_DF);
    g_checksum_update(ck, (const guchar *)&fl, sizeof(fl));
    g_checksum_update(ck, r->st.data, XT_DATA_SIZE);
    g_checksum_update(ck, r->st.stack, XT_STACK_SIZE);
    const XtX87 *x = &r->st.x87;
    uint16_t words[3] = { x->fcw, x->fsw, x->ftw };
    g_checksum_update(ck, (const guchar *)words, sizeof(words));
    unsigned top = (x->fsw >> 11) & 7;
    for (unsigned i = 0; i < 8; i++) {
        static const uint8_t empty[10];
        bool used = ((x->ftw >> (2 * ((top + i) & 7))) & 3) != 3;
        g_checksum_update(ck, used ? x->st[i] : empty, 10);
    }
    g_strlcpy(out, g_checksum_get_string(ck), DIGEST_LEN + 1);
    g_checksum_free(ck);
}

/* Recorded digests: "family/index" -> digest, with the run they came from. */
typedef struct Records {
    GHashTable *digest;
    uint64_t seed;
    unsigned cases;
} Records;

static void free_records(Records *r)
{
    if (r) {
        g_hash_table_destroy(r->digest);
        g_free(r);
    }
}

static char *record_key(const char *family, long idx)
{
    return g_strdup_printf("%s/%ld", family, idx);
}

/* Read a records file (see write_records); NULL when it was made with the
 * arena elsewhere (end states hold its addresses). */
static Records *load_records(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "differ: cannot read %s\n", path);
        exit(2);
    }
    Records *r = g_new0(Records, 1);
    r->digest = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    char line[256], fam[64], dg[64];
    unsigned long long seed, snippet = 0;
    long idx;
    while (fgets(line, sizeof(line), f)) {
        if (sscanf(line, "seed %llu cases %u snippet %llx", &seed, &r->cases, &snippet) == 3) {
            r->seed = seed;
        } else if (sscanf(line, "%63s %ld %63s", fam, &idx, dg) == 3 && line[0] != '#') {
            g_hash_table_replace(r->digest, record_key(fam, idx), g_strdup(dg));
        }
    }
    fclose(f);
    if (snippet != (uintptr_t)xt_snippet) {
        fprintf(stderr, "differ: %s was recorded with the snippet at %#llx, here it is at %p\n",
                path, snippet, (void *)xt_snippet);
        free_records(r);
        return NULL;
    }
    return r;
}

#if HAVE_NATIVE
/* A "# cpu:" line naming the CPU that produced the records. */
static void write_cpu_model(FILE *f)
{
    char *info = NULL;
    if (g_file_get_contents("/proc/cpuinfo", &info, NULL, NULL)) {
        char *p = strstr(info, "model name");
        char *colon = p ? strchr(p, ':') : NULL;
        if (colon) {
            fprintf(f, "# cpu:%.*s\n", (int)strcspn(colon + 1, "\n"), colon + 1);
        }
    }
    g_free(info);
}

/* differ --record FILE: the native digests of the selected families' cases. */
static int write_records(const Options *o, bool (*selected)(const XtFamily *, const Options *))
{
    static XtCase c;
    static XtResult nat;
    FILE *f = fopen(o->record, "w");
    if (!f) {
        fprintf(stderr, "differ: cannot write %s\n", o->record);
        return 2;
    }
    fprintf(f, "# The x86 oracle's native results, replayed by tests/x86/differ where\n"
               "# there is no x86 CPU (the arm64 cross build under qemu-aarch64). Each\n"
               "# line: family, case, first %d hex digits of the SHA-256 of the compared\n"
               "# end state. Regenerate on an x86-64 host (the native build dir):\n"
               "#   tests/x86/differ --record $srcdir/tests/x86/oracle-records.txt"
               " --cases %u\n", DIGEST_LEN, o->cases);
    write_cpu_model(f);
    fprintf(f, "seed %llu cases %u snippet %#llx\n", (unsigned long long)o->seed, o->cases,
            (unsigned long long)(uintptr_t)xt_snippet);
    for (const XtFamily *fam = xt_families; fam->name; fam++) {
        if (!selected(fam, o)) {
            continue;
        }
        for (long idx = 0; idx < (long)o->cases; idx++) {
            XtRng rng = { case_seed(o->seed, fam->name, idx) };
            char dg[DIGEST_LEN + 1];
            xt_gen_case(fam, &rng, &c);
            xt_native_run(c.code, c.len, &c.init, &nat);
            result_digest(&c, &nat, dg);
            fprintf(f, "%s %ld %s\n", fam->name, idx, dg);
        }
    }
    return fclose(f) == 0 ? 0 : 2;
}
#endif

/* Replay: ferry's end state against the recorded digest. Returns false
 * (and reports) on a difference. */
static bool replayed_case(const XtFamily *fam, const char *backend, const Options *o,
                          long idx, const XtCase *c, const XtResult *fer, int excp,
                          const char *want, bool report_it)
{
    char got[DIGEST_LEN + 1];
    if (!want) {
        fprintf(stderr, "differ: no record of %s case %ld\n", fam->name, idx);
        exit(2);
    }
    result_digest(c, fer, got);
    if (strcmp(got, want) == 0) {
        return true;
    }
    if (report_it) {
        printf("MISMATCH family %s backend %s max-insns %u: the x86 CPU's recorded end state"
               " (digest %s) is not ferry's (%s); see both on an x86-64 host with\n"
               "  tests/x86/differ --family %s --backend interp --seed %llu --case %ld\n",
               fam->name, backend, o->max_insns, want, got, fam->name,
               (unsigned long long)o->seed, idx);
        print_code(c);
        print_init(c);
        printf("  ferry: %s at +%llu (exception %d)", xt_outcome_name(fer->outcome),
               (unsigned long long)fer->fault_off, excp);
        print_flags(" final", fer->st.rflags);
        for (unsigned r = 0; r < 16; r++) {
            printf("  final %-3s = %#018llx%s", reg_names[r],
                   (unsigned long long)fer->st.regs[r], r % 2 ? "\n" : "   ");
        }
        const XtX87 *x = &fer->st.x87;
        printf("  final x87 fcw %04x fsw %04x ftw %04x\n", x->fcw, x->fsw, x->ftw);
        for (unsigned i = 0; i < 8; i++) {
            uint64_t m;
            uint16_t se;
            memcpy(&m, x->st[i], 8);
            memcpy(&se, x->st[i] + 8, 2);
            printf("  final st(%u) = %04x:%016llx\n", i, se, (unsigned long long)m);
        }
    }
    return false;
}

#if HAVE_NATIVE
/* The native run of one case against ferry's; with a record, the native
 * digest must also still be the recorded one. Returns false on a
 * difference (reported when report_it). */
static bool native_case(const XtFamily *fam, const char *backend, XtFerry *fr,
                        const Options *o, long idx, const XtCase *c, XtResult *fer,
                        int excp, const char *want, bool report_it, Counts *k)
{
    static XtResult nat;
    GString *why = g_string_new(NULL);
    xt_native_run(c->code, c->len, &c->init, &nat);
    k->faults += nat.outcome != XT_DONE;
    bool ok = same(c, &nat, fer, why);
    if (!ok && report_it) {
        report(fam->name, backend, o, idx, c, &nat, fer, excp, why);
        if (fer->outcome == XT_FAULT_UD && nat.outcome != XT_FAULT_UD) {
            xt_ferry_log_unimp(fr, true);     /* say which instruction */
            xt_ferry_run(fr, c->code, c->len, &c->init, fer, &excp);
            xt_ferry_log_unimp(fr, false);
        }
    }
    char dg[DIGEST_LEN + 1];
    result_digest(c, &nat, dg);
    if (want && strcmp(dg, want) != 0) {
        printf("STALE RECORD family %s case %ld: this CPU gives %s, the record %s;"
               " regenerate (see the head of tests/x86/oracle-records.txt)\n",
               fam->name, idx, dg, want);
        ok = false;
    }
    g_string_free(why, true);
    return ok;
}
#endif

static Counts run_family(const XtFamily *fam, const char *backend, XtFerry *fr,
                         const Options *o, const Records *rec)
{
    static XtCase c;
    static XtResult fer;
    Counts k = { 0 };
    double end = now() + o->seconds;

    for (long idx = o->only_case >= 0 ? o->only_case : 0;; idx++) {
        if (o->only_case >= 0 ? idx > o->only_case
                              : o->seconds > 0 ? now() >= end : idx >= (long)o->cases) {
            break;
        }
        XtRng rng = { case_seed(o->seed, fam->name, idx) };
        int excp;
        xt_gen_case(fam, &rng, &c);
        if (o->show) {
            printf("case %ld:\n", idx);
            print_code(&c);
            print_init(&c);
        }
        xt_ferry_run(fr, c.code, c.len, &c.init, &fer, &excp);
        k.cases++;
        char *key = record_key(fam->name, idx);
        const char *want = rec ? g_hash_table_lookup(rec->digest, key) : NULL;
        g_free(key);
        bool report_it = k.mismatches < o->max_reports, ok;
#if HAVE_NATIVE
        if (!o->replay) {
            ok = native_case(fam, backend, fr, o, idx, &c, &fer, excp, want, report_it, &k);
        } else
#endif
        {
            ok = replayed_case(fam, backend, o, idx, &c, &fer, excp, want, report_it);
        }
        k.mismatches += !ok;
    }
    return k;
}

static void usage(int status)
{
    fprintf(stderr, "usage: differ [--family F|all] [--backend B] [--seed S] [--cases N]\n"
                    "              [--seconds N] [--case K] [--max-insns N] [--reports N] [--show]\n"
                    "              [--record FILE | --replay FILE]\n"
                    "families:");
    for (const XtFamily *f = xt_families; f->name; f++) {
        fprintf(stderr, "\n  %-12s %s%s", f->name, f->what,
                f->in_check ? "" : "  [not in check: fails today]");
    }
    fprintf(stderr, "\n");
    exit(status);
}

static void parse(int argc, char **argv, Options *o)
{
    static const struct option opts[] = {
        { "family", 1, NULL, 'f' }, { "backend", 1, NULL, 'b' }, { "seed", 1, NULL, 's' },
        { "cases", 1, NULL, 'n' }, { "seconds", 1, NULL, 't' }, { "case", 1, NULL, 'k' },
        { "max-insns", 1, NULL, 'm' }, { "reports", 1, NULL, 'r' }, { "show", 0, NULL, 'p' },
        { "help", 0, NULL, 'h' }, { "record", 1, NULL, 'R' }, { "replay", 1, NULL, 'P' },
        { NULL, 0, NULL, 0 },
    };
    int ch;

    *o = (Options){ .seed = 1, .cases = 1000, .only_case = -1, .max_insns = 64,
                    .max_reports = 3 };
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (ch) {
        case 'f': o->family = strcmp(optarg, "check") ? optarg : NULL; break;
        case 'b': o->backend = optarg; break;
        case 's': o->seed = strtoull(optarg, NULL, 0); break;
        case 'n':
            o->cases = (unsigned)strtoul(optarg, NULL, 0);
            o->cases_given = true;
            break;
        case 't': o->seconds = strtod(optarg, NULL); break;
        case 'k': o->only_case = strtol(optarg, NULL, 0); o->max_reports = 1; break;
        case 'm':
            o->max_insns = (unsigned)strtoul(optarg, NULL, 0);
            o->max_insns_given = true;
            break;
        case 'r': o->max_reports = (unsigned)strtoul(optarg, NULL, 0); break;
        case 'p': o->show = true; break;
        case 'R': o->record = optarg; break;
        case 'P': o->replay = optarg; break;
        case 'h': usage(0); break;
        default: usage(2);
        }
    }
    if (o->family && strcmp(o->family, "all") && !xt_family_find(o->family)) {
        usage(2);
    }
}

static bool family_selected(const XtFamily *f, const Options *o)
{
    if (!o->family) {
        return f->in_check;
    }
    return strcmp(o->family, "all") == 0 || strcmp(o->family, f->name) == 0;
}

#ifndef XT_RECORDS
#define XT_RECORDS "tests/x86/oracle-records.txt"
#endif

/* The records to compare with: --replay's (which also give the seed and
 * the number of cases), else the checked-in file when it matches this
 * run's seed and arena (the native run then checks they are not stale). */
static Records *open_records(Options *o)
{
    const char *path = o->replay ? o->replay : XT_RECORDS;
    if (!o->replay && !g_file_test(path, G_FILE_TEST_EXISTS)) {
        return NULL;
    }
    Records *rec = load_records(path);
    if (!rec && o->replay) {
        exit(2);
    }
    if (rec && o->replay) {
        o->seed = rec->seed;
        o->cases = o->cases_given ? o->cases : rec->cases;
    } else if (rec && rec->seed != o->seed) {
        free_records(rec);         /* other cases: nothing to check */
        rec = NULL;
    }
    return rec;
}

int main(int argc, char **argv)
{
    Options o;
    unsigned long total_bad = 0;

    parse(argc, argv, &o);
    bool known = !o.backend;
    for (const char *const *b = xt_ferry_backends; *b && !known; b++) {
        known = strcmp(o.backend, *b) == 0;
    }
    if (!known) {
        fprintf(stderr, "differ: backend %s is not built here\n", o.backend);
        return 2;
    }
    if (cs_open(CS_ARCH_X86, CS_MODE_64, &cs) != CS_ERR_OK) {
        fprintf(stderr, "differ: capstone cannot open x86-64\n");
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    xt_arena_init();
#if HAVE_NATIVE
    if (o.record) {
        return write_records(&o, family_selected);
    }
#else
    if (o.record) {
        fprintf(stderr, "differ: --record needs the x86-64 CPU\n");
        return 2;
    }
    o.replay = o.replay ? o.replay : XT_RECORDS;   /* no native runner here */
#endif
    Records *rec = open_records(&o);
    /* The default run adds a round with one instruction per TB, where the
     * lazy flags cross every block boundary. */
    unsigned rounds = o.max_insns_given ? 1 : 2;
    XtFerry *ferries[8] = { NULL };
    for (unsigned round = 0; round < rounds; round++) {
        Options ro = o;
        if (round == 1) {
            ro.max_insns = 1;
            ro.cases = o.cases / 3;
        }
        xt_ferry_set_max_insns(ro.max_insns);
        for (unsigned bi = 0; xt_ferry_backends[bi]; bi++) {
            const char *const *b = &xt_ferry_backends[bi];
            if (o.backend && strcmp(o.backend, *b)) {
                continue;
            }
            if (!ferries[bi]) {
                ferries[bi] = xt_ferry_new(*b);
            }
            XtFerry *fr = ferries[bi];
            for (const XtFamily *f = xt_families; f->name; f++) {
                if (!family_selected(f, &o)) {
                    continue;
                }
                Counts k = run_family(f, *b, fr, &ro, rec);
                printf("family %-11s backend %-6s max-insns %-2u: %6lu cases (%s%lu faulting "
                       "natively), %lu mismatches\n", f->name, *b, ro.max_insns, k.cases,
                       o.replay ? "replayed, " : "", k.faults, k.mismatches);
                total_bad += k.mismatches;
            }
        }
    }
    free_records(rec);
    cs_close(&cs);
    return total_bad ? EXIT_FAILURE : EXIT_SUCCESS;
}
