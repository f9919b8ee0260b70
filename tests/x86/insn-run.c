/*
 * insn-run.c [-v] [DIR] — runs the hand-written instruction tests of tests/x86/insn/
 * (format in tests/x86/README). Each test's bytes come from the nasm
 * listing made at build time; the test runs natively, which checks the
 * written expectation against the CPU, and under ferry on every backend,
 * which checks the translator against the expectation. Without the x86
 * CPU (the arm64 cross build) only the ferry half runs: the expectations
 * were checked against the CPU by the x86-64 build.
 */
#include <ctype.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/x86/native.h"
#ifdef XT_WITH_FERRY
#include "tests/x86/ferry-run.h"
#endif

static const char *const reg_names[16] = {
    "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
    "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
};

/* One expected or initial memory value: `size` bytes at base+off. */
typedef struct MemVal {
    bool stack;                   /* relative to the initial rsp, else to rbx */
    int off;
    unsigned size;
    uint64_t val;
} MemVal;

typedef struct InsnTest {
    char name[64];
    char file[128];
    uint8_t code[XT_MAX_CODE];
    size_t len;
    XtState init;
    uint16_t expect_regs;         /* registers named in `expect` */
    uint64_t regs[16];
    uint32_t flags, flags_mask;   /* expected OSZAPC/DF bits, and which */
    bool flags_given;
    MemVal mem[16];
    unsigned nb_mem;
    XtOutcome outcome;
} InsnTest;

/* ---------------------------------------------------------------------- */
/* Parsing                                                                 */

/* A number (C syntax, may be negative) or data/stack/code[+-N]. */
static bool parse_value(const char *s, uint64_t *v)
{
    static const char *const bases[] = { "data", "stack", "code" };
    uint64_t base_val[3] = { XT_DATA_PTR, XT_STACK_PTR, (uint64_t)(uintptr_t)xt_snippet };
    char *end;

    for (unsigned i = 0; i < 3; i++) {
        size_t n = strlen(bases[i]);
        if (strncmp(s, bases[i], n) == 0) {
            s += n;
            if (!*s) {
                *v = base_val[i];
                return true;
            }
            if (*s != '+' && *s != '-') {
                return false;
            }
            *v = base_val[i] + (uint64_t)strtoll(s, &end, 0);
            return *end == 0;
        }
    }
    *v = *s == '-' ? (uint64_t)strtoll(s, &end, 0) : strtoull(s, &end, 0);
    return end != s && *end == 0;
}

static bool parse_flags(const char *s, uint32_t *out)
{
    static const struct { const char *n; uint32_t bit; } names[] = {
        { "CF", XT_CF }, { "PF", XT_PF }, { "AF", XT_AF }, { "ZF", XT_ZF },
        { "SF", XT_SF }, { "OF", XT_OF }, { "DF", XT_DF }, { "OSZAPC", XT_OSZAPC },
    };
    *out = 0;
    gchar **parts = g_strsplit(s, ",", -1);
    bool ok = true;
    for (gchar **p = parts; *p && ok; p++) {
        if (!**p || strcmp(*p, "none") == 0) {
            continue;
        }
        ok = false;
        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
            if (strcmp(*p, names[i].n) == 0) {
                *out |= names[i].bit;
                ok = true;
            }
        }
    }
    g_strfreev(parts);
    return ok;
}

/* m8/m16/m32/m64[OFF] (data, from rbx) or s8..s64[OFF] (stack, from rsp) */
static bool parse_mem(const char *key, const char *val, MemVal *m)
{
    char kind;
    unsigned bits;
    int off;
    if (sscanf(key, "%c%u[%i]", &kind, &bits, &off) != 3 || (kind != 'm' && kind != 's') ||
        (bits != 8 && bits != 16 && bits != 32 && bits != 64)) {
        return false;
    }
    m->stack = kind == 's';
    m->off = off;
    m->size = bits / 8;
    return parse_value(val, &m->val);
}

static int reg_index(const char *name)
{
    for (int r = 0; r < 16; r++) {
        if (strcmp(name, reg_names[r]) == 0) {
            return r;
        }
    }
    return -1;
}

static void put_mem(XtState *st, const MemVal *m)
{
    uint8_t *p = m->stack ? st->stack + XT_STACK_SIZE / 2 : st->data + XT_DATA_SIZE / 2;
    memcpy(p + m->off, &m->val, m->size);
}

/* One `key=value` of an init or expect line. */
static bool parse_item(InsnTest *t, bool expect, const char *key, const char *val)
{
    int r = reg_index(key);
    uint64_t v;
    MemVal m;

    if (r >= 0) {
        if (!parse_value(val, &v)) {
            return false;
        }
        if (expect) {
            t->regs[r] = v;
            t->expect_regs |= (uint16_t)(1u << r);
        } else {
            t->init.regs[r] = v;
        }
        return true;
    }
    if (strcmp(key, "flags") == 0) {
        uint32_t f;
        if (!parse_flags(val, &f)) {
            return false;
        }
        if (expect) {
            t->flags = f;
            t->flags_given = true;
        } else {
            t->init.rflags = f;
        }
        return true;
    }
    if (expect && strcmp(key, "mask") == 0) {
        return parse_flags(val, &t->flags_mask);
    }
    if (expect && strcmp(key, "fault") == 0) {
        static const char *const names[] = { "none", "DE", "UD", "GP", "BP" };
        for (unsigned i = 0; i < 5; i++) {
            if (strcmp(val, names[i]) == 0) {
                t->outcome = (XtOutcome)i;
                return true;
            }
        }
        return false;
    }
    if (parse_mem(key, val, &m)) {
        if (expect) {
            if (t->nb_mem == 16) {
                return false;
            }
            t->mem[t->nb_mem++] = m;
        } else {
            put_mem(&t->init, &m);
        }
        return true;
    }
    return false;
}

static bool parse_directive(InsnTest *t, const char *text)
{
    gchar **words = g_strsplit_set(text, " \t", -1);
    bool ok = true, expect = strcmp(words[0], "expect") == 0;

    if (!expect && strcmp(words[0], "init") != 0) {
        ok = false;
    }
    for (gchar **w = words + 1; *w && ok; w++) {
        if (!**w) {
            continue;
        }
        char *eq = strchr(*w, '=');
        if (!eq) {
            ok = false;
            break;
        }
        *eq = 0;
        ok = parse_item(t, expect, *w, eq + 1);
    }
    g_strfreev(words);
    return ok;
}

static void test_start(InsnTest *t, const char *name, const char *file)
{
    memset(t, 0, sizeof(*t));
    xt_state_init(&t->init);
    t->flags_mask = XT_OSZAPC;
    g_strlcpy(t->name, name, sizeof(t->name));
    g_strlcpy(t->file, file, sizeof(t->file));
}

/* Append the bytes of a listing's hex column. */
static bool add_bytes(InsnTest *t, const char *hex)
{
    for (; isxdigit((unsigned char)hex[0]) && isxdigit((unsigned char)hex[1]); hex += 2) {
        if (t->len >= XT_MAX_CODE) {
            return false;
        }
        char b[3] = { hex[0], hex[1], 0 };
        t->code[t->len++] = (uint8_t)strtoul(b, NULL, 16);
    }
    return true;
}

/* Read a nasm listing into tests; returns how many, -1 on a format error. */
static int parse_listing(const char *path, GArray *tests)
{
    gchar *text;
    if (!g_file_get_contents(path, &text, NULL, NULL)) {
        fprintf(stderr, "%s: cannot read\n", path);
        return -1;
    }
    gchar *base = g_path_get_basename(path);
    gchar **lines = g_strsplit(text, "\n", -1);
    InsnTest *cur = NULL;
    int n = 0, bad = 0;

    for (gchar **l = lines; *l; l++) {
        char *p = *l;
        while (*p == ' ') p++;
        while (isdigit((unsigned char)*p)) p++;       /* the line number */
        if (*p++ != ' ') {
            continue;
        }
        unsigned off;
        char hex[64];
        if (sscanf(p, "%8x %63[0-9A-F]", &off, hex) == 2 && isxdigit((unsigned char)p[0])) {
            if (!cur || !add_bytes(cur, hex)) {
                fprintf(stderr, "%s: code outside a test: %s\n", path, *l);
                bad++;
            }
            continue;
        }
        char *d = strstr(p, ";>");
        if (!d) {
            continue;
        }
        d += 2;
        while (*d == ' ') d++;
        g_strchomp(d);
        if (strncmp(d, "test ", 5) == 0) {
            g_array_set_size(tests, tests->len + 1);
            cur = &g_array_index(tests, InsnTest, tests->len - 1);
            test_start(cur, d + 5, base);
            n++;
        } else if (!cur || !parse_directive(cur, d)) {
            fprintf(stderr, "%s: bad directive: %s\n", path, d);
            bad++;
        }
    }
    g_strfreev(lines);
    g_free(base);
    g_free(text);
    return bad ? -1 : n;
}

/* ---------------------------------------------------------------------- */
/* Checking                                                                */

static uint64_t get_mem(const XtState *st, const MemVal *m)
{
    uint64_t v = 0;
    const uint8_t *p = m->stack ? st->stack + XT_STACK_SIZE / 2 : st->data + XT_DATA_SIZE / 2;
    memcpy(&v, p + m->off, m->size);
    return v;
}

/* Check a result against the test's expectation; prints what is wrong. */
static bool check(const InsnTest *t, const char *who, const XtResult *r)
{
    bool ok = true;
    XtState want = t->init;

    if (r->outcome != t->outcome) {
        printf("%s:%s [%s]: outcome %s at +%llu, expected %s\n", t->file, t->name, who,
               xt_outcome_name(r->outcome), (unsigned long long)r->fault_off,
               xt_outcome_name(t->outcome));
        return false;
    }
    for (unsigned r2 = 0; r2 < 16; r2++) {
        uint64_t exp = (t->expect_regs >> r2) & 1 ? t->regs[r2] : t->init.regs[r2];
        if (r->st.regs[r2] != exp) {
            printf("%s:%s [%s]: %s = %#llx, expected %#llx%s\n", t->file, t->name, who,
                   reg_names[r2], (unsigned long long)r->st.regs[r2],
                   (unsigned long long)exp, (t->expect_regs >> r2) & 1 ? "" : " (unchanged)");
            ok = false;
        }
    }
    uint32_t mask = t->flags_mask | XT_DF;
    uint64_t fexp = t->flags_given ? t->flags : t->init.rflags;
    if ((r->st.rflags ^ fexp) & mask) {
        printf("%s:%s [%s]: flags %#llx, expected %#llx (compared bits %#x)\n", t->file,
               t->name, who, (unsigned long long)(r->st.rflags & mask),
               (unsigned long long)(fexp & mask), mask);
        ok = false;
    }
    for (unsigned i = 0; i < t->nb_mem; i++) {
        put_mem(&want, &t->mem[i]);
        if (get_mem(&r->st, &t->mem[i]) != t->mem[i].val) {
            printf("%s:%s [%s]: %c%u[%d] = %#llx, expected %#llx\n", t->file, t->name, who,
                   t->mem[i].stack ? 's' : 'm', t->mem[i].size * 8, t->mem[i].off,
                   (unsigned long long)get_mem(&r->st, &t->mem[i]),
                   (unsigned long long)t->mem[i].val);
            ok = false;
        }
    }
    if (ok && (memcmp(want.data, r->st.data, XT_DATA_SIZE) ||
               memcmp(want.stack, r->st.stack, XT_STACK_SIZE))) {
        printf("%s:%s [%s]: memory not named in `expect` changed\n", t->file, t->name, who);
        ok = false;
    }
    return ok;
}

int main(int argc, char **argv)
{
    GArray *tests = g_array_new(false, true, sizeof(InsnTest));
    bool verbose = argc > 1 && strcmp(argv[1], "-v") == 0;
    if (verbose) {
        argc--;
        argv++;
    }
    const char *dir = argc > 1 ? argv[1] : XT_INSN_DIR;
    GDir *d = g_dir_open(dir, 0, NULL);
    const char *name;
    int failed = 0;

    setvbuf(stdout, NULL, _IOLBF, 0);
    xt_arena_init();
    while (d && (name = g_dir_read_name(d))) {
        if (g_str_has_suffix(name, ".lst")) {
            gchar *path = g_build_filename(dir, name, NULL);
            if (parse_listing(path, tests) < 0) {
                failed++;
            }
            g_free(path);
        }
    }
    if (d) {
        g_dir_close(d);
    }
    if (tests->len == 0) {
        printf("insn-run: no test listings in %s (nasm missing?)\n", dir);
        return failed ? EXIT_FAILURE : 77;
    }
#ifdef XT_WITH_FERRY
    XtFerry *fr[4] = { NULL };
    for (unsigned b = 0; xt_ferry_backends[b]; b++) {
        fr[b] = xt_ferry_new(xt_ferry_backends[b]);
    }
#endif
    for (unsigned i = 0; i < tests->len; i++) {
        const InsnTest *t = &g_array_index(tests, InsnTest, i);
        static XtResult r;
        if (verbose) {
            printf("%s:%s\n", t->file, t->name);
        }
#ifdef __x86_64__
        xt_native_run(t->code, t->len, &t->init, &r);
        failed += !check(t, "native", &r);
#endif
#ifdef XT_WITH_FERRY
        for (unsigned b = 0; xt_ferry_backends[b]; b++) {
            int excp;
            xt_ferry_run(fr[b], t->code, t->len, &t->init, &r, &excp);
            failed += !check(t, xt_ferry_backends[b], &r);
        }
#endif
    }
    printf("insn-run: %u tests, %d failures\n", tests->len, failed);
    g_array_free(tests, true);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
