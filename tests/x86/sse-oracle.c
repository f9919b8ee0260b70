/*
 * sse-oracle.c — SSE snippets (sse-oracle-snips.h) run natively and under
 * ferry through the oracle's runners (tests/x86/native.h, ferry-run.h), on
 * the interpreter and the host's backend, with 64 and with 1 instruction
 * per TB; xmm0-11 are loaded from the data buffer first and stored back
 * with MXCSR at the end, so the data comparison covers them.
 *     sse-oracle [cases-per-snippet]        exit 1 on any difference
 *     sse-oracle --record FILE [cases]      x86-64: the snippets' bytes and
 *                                           a digest of each native result
 *     sse-oracle --replay FILE              any host (the default where there
 *                                           is no x86 CPU): ferry against them
 */
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tests/x86/native.h"
#include "tests/x86/ferry-run.h"

typedef struct { const char *name; const uint8_t *s, *e; } Snip;

#ifdef __x86_64__
#define LOADS \
 "movl $0x1f80, -1860(%rbx)\n ldmxcsr -1860(%rbx)\n" \
 "movdqu -1888(%rbx), %xmm10\n movdqu -1872(%rbx), %xmm11\n pxor %xmm12, %xmm12\n" \
 "pxor %xmm13, %xmm13\n pxor %xmm14, %xmm14\n pxor %xmm15, %xmm15\n" \
 "movdqu -2048(%rbx), %xmm0\n movdqu -2032(%rbx), %xmm1\n movdqu -2016(%rbx), %xmm2\n" \
 "movdqu -2000(%rbx), %xmm3\n movdqu -1984(%rbx), %xmm4\n movdqu -1968(%rbx), %xmm5\n" \
 "movdqu -1952(%rbx), %xmm6\n movdqu -1936(%rbx), %xmm7\n movdqu -1920(%rbx), %xmm8\n" \
 "movdqu -1904(%rbx), %xmm9\n"
#define STORES \
 "movdqu %xmm0, -1024(%rbx)\n movdqu %xmm1, -1008(%rbx)\n movdqu %xmm2, -992(%rbx)\n" \
 "movdqu %xmm3, -976(%rbx)\n movdqu %xmm4, -960(%rbx)\n movdqu %xmm5, -944(%rbx)\n" \
 "movdqu %xmm6, -928(%rbx)\n movdqu %xmm7, -912(%rbx)\n movdqu %xmm8, -896(%rbx)\n" \
 "movdqu %xmm9, -880(%rbx)\n stmxcsr -864(%rbx)\n"

#define SNIP(n, text) extern const uint8_t n##_s[], n##_e[]; \
 __asm__(".pushsection .rodata\n" #n "_s:\n" LOADS text "\n" STORES #n "_e:\n.popsection\n");
#include "tests/x86/sse-oracle-snips.h"
#undef SNIP
#define SNIP(n, text) { #n, n##_s, n##_e },
static const Snip native_snips[] = {
#include "tests/x86/sse-oracle-snips.h"
};
#endif

static const uint64_t specials[] = {
    0, 0x8000000000000000ull, 0x3ff0000000000000ull, 0x7ff8000000000000ull,
    0x7ff0000000000001ull, 0x7f8000003f800000ull, 0xffc00000ff800000ull, 0x0000000180000001ull,
    0x7fffffff80000000ull, 0x4f0000004effffffull, 0x41e0000000000000ull, 0x7f7fffff00800000ull,
};

/* Case k of snippet si: random data with special values, small GPRs
 * (GRand's sequence is the same on every host). */
static void make_input(unsigned k, size_t si, XtState *in)
{
    xt_state_init(in);
    GRand *g = g_rand_new_with_seed(k * 7919 + si);
    for (unsigned i = 0; i < XT_DATA_SIZE; i += 8) {
        uint64_t v = ((uint64_t)g_rand_int(g) << 32) | g_rand_int(g);
        if (g_rand_int_range(g, 0, 3) == 0) v = specials[g_rand_int_range(g, 0, 12)];
        if (g_rand_int_range(g, 0, 4) == 0) v &= 0x00000000ffffffffull;
        memcpy(in->data + i, &v, 8);
    }
    for (unsigned i = 0; i < 16; i++) if (i != 3 && i != 4) in->regs[i] = g_rand_int(g) & 0xff;
    g_rand_free(g);
}

static bool same(const XtResult *n, const XtResult *r)
{
    return n->outcome == r->outcome && memcmp(n->st.regs, r->st.regs, sizeof(n->st.regs)) == 0 &&
           memcmp(n->st.data, r->st.data, XT_DATA_SIZE) == 0 &&
           ((n->st.rflags ^ r->st.rflags) & XT_OSZAPC) == 0;
}

/* First 16 hex digits of the SHA-256 of what same() compares. */
static void digest(const XtResult *r, char out[17])
{
    GChecksum *ck = g_checksum_new(G_CHECKSUM_SHA256);
    uint64_t head[2] = { r->outcome, r->st.rflags & XT_OSZAPC };
    g_checksum_update(ck, (const guchar *)head, sizeof(head));
    g_checksum_update(ck, (const guchar *)r->st.regs, sizeof(r->st.regs));
    g_checksum_update(ck, r->st.data, XT_DATA_SIZE);
    g_strlcpy(out, g_checksum_get_string(ck), 17);
    g_checksum_free(ck);
}

static void report(const char *be, const Snip *sn, unsigned k, const XtResult *n,
                   const XtResult *r, int excp, const XtState *in)
{
    printf("%s %s case %u: outcome %d/%d excp %d flags %llx/%llx\n", be, sn->name, k,
           n->outcome, r->outcome, excp, (unsigned long long)n->st.rflags,
           (unsigned long long)r->st.rflags);
    for (unsigned i = 0; i < 16; i++) if (n->st.regs[i] != r->st.regs[i])
        printf("  r%u native %llx ferry %llx\n", i, (unsigned long long)n->st.regs[i],
               (unsigned long long)r->st.regs[i]);
    for (unsigned i = 0; i < XT_DATA_SIZE; i += 8) if (memcmp(n->st.data + i, r->st.data + i, 8)) {
        uint64_t a, b, x;
        memcpy(&a, n->st.data + i, 8); memcpy(&b, r->st.data + i, 8); memcpy(&x, in->data + i, 8);
        printf("  data[%d] native %016llx ferry %016llx (in %016llx)\n", (int)i - 2048,
               (unsigned long long)a, (unsigned long long)b, (unsigned long long)x);
    }
}

/* ---------------------------------------------------------------------- */
/* Recorded results: "snip NAME HEX" lines, then "NAME K DIGEST" lines.     */

typedef struct Records {
    GArray *snips;                 /* Snip, bytes owned here */
    GHashTable *digest;            /* "NAME/K" -> digest */
    unsigned cases;
} Records;

static Records *load_records(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "sse-oracle: cannot read %s\n", path);
        exit(2);
    }
    Records *rec = g_new0(Records, 1);
    rec->snips = g_array_new(FALSE, TRUE, sizeof(Snip));
    rec->digest = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    char line[8192], name[64], word[4096];
    unsigned k;
    while (fgets(line, sizeof(line), f)) {
        if (sscanf(line, "snip %63s %4095s", name, word) == 2) {
            size_t n = strlen(word) / 2;
            uint8_t *b = g_malloc(n);
            for (size_t i = 0; i < n; i++) {
                sscanf(word + 2 * i, "%2hhx", &b[i]);
            }
            Snip s = { g_strdup(name), b, b + n };
            g_array_append_val(rec->snips, s);
        } else if (sscanf(line, "cases %u", &k) == 1) {
            rec->cases = k;
        } else if (line[0] != '#' && sscanf(line, "%63s %u %4095s", name, &k, word) == 3) {
            g_hash_table_replace(rec->digest, g_strdup_printf("%s/%u", name, k),
                                 g_strdup(word));
        }
    }
    fclose(f);
    return rec;
}

#ifdef __x86_64__
static int write_records(const char *path, unsigned cases)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "sse-oracle: cannot write %s\n", path);
        return 2;
    }
    fprintf(f, "# The SSE oracle's snippets and the x86 CPU's results, replayed by\n"
               "# tests/x86/sse-oracle where there is no x86 CPU (the arm64 cross build).\n"
               "# Regenerate on an x86-64 host (the native build dir):\n"
               "#   tests/x86/sse-oracle --record $srcdir/tests/x86/sse-records.txt %u\n"
               "cases %u\n", cases, cases);
    for (size_t si = 0; si < G_N_ELEMENTS(native_snips); si++) {
        fprintf(f, "snip %s ", native_snips[si].name);
        for (const uint8_t *p = native_snips[si].s; p < native_snips[si].e; p++) {
            fprintf(f, "%02x", *p);
        }
        fprintf(f, "\n");
    }
    for (size_t si = 0; si < G_N_ELEMENTS(native_snips); si++) {
        const Snip *sn = &native_snips[si];
        for (unsigned k = 0; k < cases; k++) {
            static XtState in;
            static XtResult n;
            char dg[17];
            make_input(k, si, &in);
            xt_native_run(sn->s, (size_t)(sn->e - sn->s), &in, &n);
            digest(&n, dg);
            fprintf(f, "%s %u %s\n", sn->name, k, dg);
        }
    }
    return fclose(f) == 0 ? 0 : 2;
}

/* The records must still be this CPU's results for today's snippets. */
static unsigned check_records(const Records *rec)
{
    unsigned stale = 0;
    for (size_t si = 0; si < G_N_ELEMENTS(native_snips); si++) {
        const Snip *sn = &native_snips[si];
        const Snip *rs = si < rec->snips->len ? &g_array_index(rec->snips, Snip, si) : NULL;
        size_t len = (size_t)(sn->e - sn->s);
        bool same_code = rs && strcmp(rs->name, sn->name) == 0 &&
                         (size_t)(rs->e - rs->s) == len && memcmp(rs->s, sn->s, len) == 0;
        for (unsigned k = 0; k < rec->cases && same_code; k++) {
            static XtState in;
            static XtResult n;
            char dg[17], *key = g_strdup_printf("%s/%u", sn->name, k);
            make_input(k, si, &in);
            xt_native_run(sn->s, len, &in, &n);
            digest(&n, dg);
            const char *want = g_hash_table_lookup(rec->digest, key);
            same_code = want && strcmp(want, dg) == 0;
            g_free(key);
        }
        if (!same_code) {
            printf("STALE RECORD %s: regenerate (see the head of tests/x86/sse-records.txt)\n",
                   sn->name);
            stale++;
        }
    }
    return stale;
}
#endif

/* ---------------------------------------------------------------------- */

/* One case under ferry against the native run (rec NULL) or the record.
 * Returns false on a difference (reported, at most twice a snippet). */
static bool run_case(XtFerry *f, const char *be, const Snip *sn, size_t si, unsigned k,
                     const Records *rec, unsigned *sbad)
{
    static XtState in;
    static XtResult n, r;
    int excp;
    size_t len = (size_t)(sn->e - sn->s);
    make_input(k, si, &in);
    xt_ferry_run(f, sn->s, len, &in, &r, &excp);
    if (rec) {
        char *key = g_strdup_printf("%s/%u", sn->name, k), got[17];
        const char *want = g_hash_table_lookup(rec->digest, key);
        g_free(key);
        digest(&r, got);
        if (want && strcmp(want, got) == 0) {
            return true;
        }
        if ((*sbad)++ < 2) {
            printf("%s %s case %u: ferry's digest %s, the x86 CPU's %s (outcome %d, excp %d;"
                   " see both with tests/x86/sse-oracle on an x86-64 host)\n", be, sn->name,
                   k, got, want ? want : "missing", r.outcome, excp);
        }
        return false;
    }
#ifdef __x86_64__
    xt_native_run(sn->s, len, &in, &n);
#endif
    if (same(&n, &r)) {
        return true;
    }
    if ((*sbad)++ < 2) {
        report(be, sn, k, &n, &r, excp, &in);
    }
    return false;
}

int main(int argc, char **argv)
{
    const char *record = NULL, *replay = NULL;
    int ai = 1;
    if (argc > 2 && strcmp(argv[1], "--record") == 0) {
        record = argv[2];
        ai = 3;
    } else if (argc > 2 && strcmp(argv[1], "--replay") == 0) {
        replay = argv[2];
        ai = 3;
    }
    unsigned cases = argc > ai ? (unsigned)atoi(argv[ai]) : 200;
    xt_arena_init();
#ifdef __x86_64__
    if (record) {
        return write_records(record, cases);
    }
    const Snip *snips = native_snips;
    size_t nb_snips = G_N_ELEMENTS(native_snips);
#else
    if (record) {
        fprintf(stderr, "sse-oracle: --record needs the x86-64 CPU\n");
        return 2;
    }
    replay = replay ? replay : SSE_RECORDS;
    const Snip *snips = NULL;
    size_t nb_snips = 0;
#endif
    Records *rec = replay ? load_records(replay) : NULL;
    if (rec) {
        snips = (const Snip *)rec->snips->data;
        nb_snips = rec->snips->len;
        cases = rec->cases;
    }
    unsigned bad = 0, total = 0;
    for (unsigned round = 0; round < 4; round++) {
        const char *be = xt_ferry_backends[round & 1] ? xt_ferry_backends[round & 1] : "interp";
        xt_ferry_set_max_insns(round < 2 ? 64 : 1);
        XtFerry *f = xt_ferry_new(be);
        xt_ferry_log_unimp(f, true);
        for (size_t si = 0; si < nb_snips; si++) {
            unsigned sbad = 0;
            for (unsigned k = 0; k < cases; k++) {
                total++;
                bad += !run_case(f, be, &snips[si], si, k, rec, &sbad);
            }
        }
    }
#ifdef __x86_64__
    if (!rec && g_file_test(SSE_RECORDS, G_FILE_TEST_EXISTS)) {
        bad += check_records(load_records(SSE_RECORDS));
    }
#endif
    printf("%u of %u cases differ%s\n", bad, total, rec ? " (replayed)" : "");
    return bad != 0;
}
