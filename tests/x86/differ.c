/*
 * differ.c — the native oracle for the x86 translator: random instruction
 * sequences of one family run on the host CPU and under ferry (every
 * backend this build has), and their end states are compared: GPRs, the
 * EFLAGS bits the SDM defines for what ran, DF, the data buffer and the
 * stack, and the fault (kind, instruction, state at it). Mismatches are
 * printed as reproducers. With no arguments it is the fixed-seed `make
 * check` slice over the families marked in_check.
 */
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

static const char *const reg_names[16] = {
    "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
    "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
};

typedef struct Options {
    const char *family;           /* NULL: every in_check family */
    const char *backend;          /* NULL: every backend */
    uint64_t seed;
    unsigned cases;
    double seconds;               /* > 0: run for this long instead of `cases` */
    long only_case;               /* >= 0: just this case (a reproducer) */
    unsigned max_insns;
    bool max_insns_given;
    unsigned max_reports;
    bool show;                    /* print every case before running it */
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

static Counts run_family(const XtFamily *fam, const char *backend, XtFerry *fr,
                         const Options *o)
{
    static XtCase c;
    static XtResult nat, fer;
    Counts k = { 0 };
    double end = now() + o->seconds;
    GString *why = g_string_new(NULL);

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
        xt_native_run(c.code, c.len, &c.init, &nat);
        xt_ferry_run(fr, c.code, c.len, &c.init, &fer, &excp);
        k.cases++;
        k.faults += nat.outcome != XT_DONE;
        g_string_truncate(why, 0);
        if (!same(&c, &nat, &fer, why)) {
            if (k.mismatches++ < o->max_reports) {
                report(fam->name, backend, o, idx, &c, &nat, &fer, excp, why);
                if (fer.outcome == XT_FAULT_UD && nat.outcome != XT_FAULT_UD) {
                    xt_ferry_log_unimp(fr, true);     /* say which instruction */
                    xt_ferry_run(fr, c.code, c.len, &c.init, &fer, &excp);
                    xt_ferry_log_unimp(fr, false);
                }
            }
        }
    }
    g_string_free(why, true);
    return k;
}

static void usage(int status)
{
    fprintf(stderr, "usage: differ [--family F|all] [--backend B] [--seed S] [--cases N]\n"
                    "              [--seconds N] [--case K] [--max-insns N] [--reports N] [--show]\n"
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
        { "help", 0, NULL, 'h' },
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
        case 'n': o->cases = (unsigned)strtoul(optarg, NULL, 0); break;
        case 't': o->seconds = strtod(optarg, NULL); break;
        case 'k': o->only_case = strtol(optarg, NULL, 0); o->max_reports = 1; break;
        case 'm':
            o->max_insns = (unsigned)strtoul(optarg, NULL, 0);
            o->max_insns_given = true;
            break;
        case 'r': o->max_reports = (unsigned)strtoul(optarg, NULL, 0); break;
        case 'p': o->show = true; break;
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
                Counts k = run_family(f, *b, fr, &ro);
                printf("family %-11s backend %-6s max-insns %-2u: %6lu cases (%lu faulting "
                       "natively), %lu mismatches\n", f->name, *b, ro.max_insns, k.cases,
                       k.faults, k.mismatches);
                total_bad += k.mismatches;
            }
        }
    }
    cs_close(&cs);
    return total_bad ? EXIT_FAILURE : EXIT_SUCCESS;
}
