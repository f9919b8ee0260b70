/*
 * test-tso-lower.c — the host instructions `tso` guest loads and stores
 * become (docs/memory-model.md): the arm64 backend with LRCPC (LDAPR,
 * STLR), without it (LDR + DMB ISHLD, DMB ISHST + STR) and loongarch64
 * (DBAR hints),
 * disassembled by llvm-mc-16, not by ferry. Code is only generated, never
 * run, so it works on any build machine; skips without llvm-mc-16.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend-arm64/a64-lower.h"
#include "jit/backend.h"
#include "jit/opt.h"


#define CODE_CAP 4096

/* Unordered and tso forms of the same accesses: integer of several sizes
 * and signs, an immediate store, and a 16-byte SSE-style pair. */
static const char *const body =
    "t0 = guest_ld.i64 r0, [u64 TSO], mmu0\n"
    "t1 = guest_ld.i64 r1, [s8 TSO], mmu0\n"
    "guest_st.i64 t1, r2, [u32 TSO], mmu0\n"
    "guest_st.i64 $7, r2, [u16 TSO], mmu0\n"
    "t2 = guest_ld.v128 r3, [u128 TSO], mmu0\n"
    "guest_st.v128 t2, r0, [u128 TSO], mmu0\n"
    "r4 = add.i64 t0, t1\n";

/* x86 LOCK XCHG and LOCK XADD: full barriers in every mode. */
static const char *const atomics =
    "t0 = atomic_xchg.i64 r0, r1, [u64 atom], mmu0\n"
    "t1 = atomic_fetch_add.i64 r2, t0, [u64 atom], mmu0\n"
    "r4 = add.i64 t0, t1\n";

/* Build the TB from text with every "TSO" replaced by tso or nothing. */
static IrContext *build_from(const char *src, bool tso)
{
    IrContext *ctx = ir_context_new();
    IrParseError err;
    char name[4];

    for (int i = 0; i < 5; i++) {
        snprintf(name, sizeof name, "r%d", i);
        ir_global_new(ctx, IR_I64, 64 + 8 * i, name);
    }
    GString *text = g_string_new(src);
    g_string_replace(text, " TSO", tso ? " tso" : "", 0);
    g_string_append(text, "exit_tb $0\n");
    ck_assert_msg(ir_parse(ctx, text->str, &err), "line %u: %s", err.line, err.msg);
    g_string_free(text, true);
    opt_liveness(ctx);
    return ctx;
}

static IrContext *build(bool tso)
{
    return build_from(body, tso);
}

/* Generate code for ctx with be (user mode), disassemble it with llvm-mc
 * and return the listing, one "mnemonic operands" per line. */
static char *lower_and_disassemble(JitBackend *be, IrContext *ctx, const char *triple)
{
    /* the prologue first: TBs leave through its epilogue */
    static uint8_t buf[2 * CODE_CAP] __attribute__((aligned(16)));
    uint8_t *code = buf + CODE_CAP;
    JitCodeGen pcg = { .rw = buf, .rx = (uintptr_t)buf, .cap = CODE_CAP };
    JitCodeGen cg = { .rw = code, .rx = (uintptr_t)code, .cap = CODE_CAP, .user_mode = true };
    char path[] = "/tmp/ferry-tso-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);

    ck_assert_int_eq(be->gen_prologue(&pcg), JIT_OK);
    be->prologue = buf;
    ck_assert_int_eq(be->gen_code(ctx, &cg), JIT_OK);
    be->prologue = NULL;
    FILE *f = fdopen(fd, "w");
    for (size_t i = 0; i < cg.size; i++) {
        fprintf(f, "0x%02x ", code[i]);
    }
    fclose(f);
    char *cmd = g_strdup_printf("llvm-mc-16 --disassemble -triple=%s -mattr=+rcpc,+lse < %s "
                                "2>&1", triple, path);
    FILE *p = popen(cmd, "r");
    GString *out = g_string_new("");
    char line[256];
    while (p && fgets(line, sizeof line, p)) {
        char *s = g_strstrip(line);
        if (*s && *s != '.') {
            g_strdelimit(s, "\t", ' ');
            g_string_append_printf(out, "%s\n", s);
        }
    }
    ck_assert_int_eq(p ? pclose(p) : -1, 0);
    unlink(path);
    g_free(cmd);
    return g_string_free(out, false);
}

static unsigned count(const char *hay, const char *needle)
{
    unsigned n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle)) {
        n++;
    }
    return n;
}

/* The line index (0-based) of the first line starting with `prefix` at or
 * after line `from`, or -1. */
static int find_line(const char *listing, const char *prefix, int from)
{
    char **lines = g_strsplit(listing, "\n", -1);
    int at = -1;
    for (int i = from; lines[i] && at < 0; i++) {
        at = g_str_has_prefix(lines[i], prefix) ? i : -1;
    }
    g_strfreev(lines);
    return at;
}

static char *a64(bool tso, A64FeatMode lrcpc)
{
    a64_set_lrcpc_mode(lrcpc);
    IrContext *ctx = build(tso);
    char *s = lower_and_disassemble(&jit_backend_arm64, ctx, "aarch64");
    ir_context_free(ctx);
    a64_set_lrcpc_mode(A64_FEAT_HOST);
    return s;
}

START_TEST(test_a64_plain)
{
    char *s = a64(false, A64_FEAT_ON);
    ck_assert_msg(!count(s, "ldapr") && !count(s, "stlr") && !count(s, "dmb"), "%s", s);
    free(s);
}
END_TEST

START_TEST(test_a64_lrcpc)
{
    char *s = a64(true, A64_FEAT_ON);
    /* i64 load LDAPR x; s8 load LDAPRB + SXTB; both stores STLR(H). */
    ck_assert_msg(count(s, "ldapr x") == 1 && count(s, "ldaprb w") == 1, "%s", s);
    ck_assert_msg(find_line(s, "sxtb x", find_line(s, "ldaprb", 0)) > 0, "%s", s);
    ck_assert_msg(count(s, "stlr w") == 1 && count(s, "stlrh w") == 1, "%s", s);
    /* LDAPR and STLR fault when misaligned: the 2-, 4- and 8-byte ones
     * test the address first; a misaligned one branches to the plain
     * access with its DMB, out of line: LDR + DMB ISHLD, DMB ISHST + STR. */
    ck_assert_msg(count(s, "tst x") == 3 && count(s, "b.ne") == 3, "%s", s);
    int slow = find_line(s, "ldr x", find_line(s, "b #-", 0) + 1);
    ck_assert_msg(slow > 0 && strstr(s, "dmb ishld\nb #-") && strstr(s, "dmb ishst\nstr w") &&
                  strstr(s, "dmb ishst\nmov w17, #7\nstrh w17"), "%s", s);
    /* The 16-byte load is LDR q + DMB ISHLD, the store DMB ISHST + STR q. */
    int ldq = find_line(s, "ldr q", 0), stq = find_line(s, "str q", 0);
    ck_assert_msg(ldq >= 0 && find_line(s, "dmb ishld", ldq) == ldq + 1, "%s", s);
    ck_assert_msg(stq > 0 && find_line(s, "dmb ishst", stq - 1) == stq - 1, "%s", s);
    ck_assert_msg(count(s, "dmb ishld") == 2 && count(s, "dmb ishst") == 3, "%s", s);
    free(s);
}
END_TEST

START_TEST(test_a64_v80)
{
    char *s = a64(true, A64_FEAT_OFF);
    ck_assert_msg(!count(s, "ldapr") && !count(s, "ldar"), "%s", s);
    /* Every load (3) is followed by DMB ISHLD; stores are STLR / DMB ISHST. */
    ck_assert_msg(count(s, "dmb ishld") == 3 && count(s, "dmb ishst") == 3, "%s", s);
    ck_assert_msg(!count(s, "stlr") && !count(s, "tst"), "%s", s);
    /* ... right after each guest load (user mode: [x28 + addr]) */
    char **lines = g_strsplit(s, "\n", -1);
    unsigned fenced = 0;
    for (int i = 0; lines[i]; i++) {
        if (g_str_has_prefix(lines[i], "ldr") && strstr(lines[i], "[x28,")) {
            ck_assert_msg(lines[i + 1] && !strcmp(lines[i + 1], "dmb ishld"), "%s", s);
            fenced++;
        }
    }
    g_strfreev(lines);
    ck_assert_msg(fenced == 3, "%s", s);
    /* ... and before each guest store */
    lines = g_strsplit(s, "\n", -1);
    fenced = 0;
    for (int i = 1; lines[i]; i++) {
        if (g_str_has_prefix(lines[i], "str") && strstr(lines[i], "[x28,")) {
            int k = i - 1;
            while (k > 0 && g_str_has_prefix(lines[k], "mov w17")) {
                k--;                    /* the immediate value, after the barrier */
            }
            ck_assert_msg(!strcmp(lines[k], "dmb ishst"), "%s", s);
            fenced++;
        }
    }
    g_strfreev(lines);
    ck_assert_msg(fenced == 3, "%s", s);
    free(s);
}
END_TEST

static char *la64(bool tso)
{
    IrContext *ctx = build(tso);
    char *s = lower_and_disassemble(&jit_backend_loongarch64, ctx, "loongarch64");
    ir_context_free(ctx);
    return s;
}

START_TEST(test_la64)
{
    char *plain = la64(false);
    ck_assert_msg(!count(plain, "dbar"), "%s", plain);
    free(plain);

    char *s = la64(true);
    /* 0x14 = 20 after each of the 3 loads, 0x12 = 18 before each of the 3
     * stores (LoongArch v1.1 hints, Linux's ldacq_mb / strel_mb). */
    ck_assert_msg(count(s, "dbar 20") == 3 && count(s, "dbar 18") == 3, "%s", s);
    ck_assert_msg(count(s, "dbar") == 6, "%s", s);
    int ld = find_line(s, "ldx.d", 0), st = find_line(s, "stx.w", 0);
    ck_assert_msg(ld >= 0 && find_line(s, "dbar 20", ld) == ld + 1, "%s", s);
    ck_assert_msg(st > 0 && find_line(s, "dbar 18", st - 1) == st - 1, "%s", s);
    free(s);
}
END_TEST

/* Without LSE (this build machine's answer for a foreign host) an arm64
 * atomic is an LDAXR/STLXR loop and then DMB ISH: the loop alone is not a
 * full barrier (docs/memory-model.md). loongarch64: AM*_DB (full
 * barrier) for aligned 32/64-bit xchg and add. */
START_TEST(test_atomics)
{
    IrContext *ctx = build_from(atomics, false);
    char *s = lower_and_disassemble(&jit_backend_arm64, ctx, "aarch64");
    ir_context_free(ctx);
    ck_assert_msg(count(s, "ldaxr x") == 2 && count(s, "stlxr w") == 2, "%s", s);
    char **lines = g_strsplit(s, "\n", -1);
    unsigned full = 0;
    for (int i = 1; lines[i]; i++) {
        if (g_str_has_prefix(lines[i - 1], "cbnz") && !strcmp(lines[i], "dmb ish")) {
            full++;
        }
    }
    g_strfreev(lines);
    ck_assert_msg(full == 2, "%s", s);
    free(s);

    ctx = build_from(atomics, false);
    s = lower_and_disassemble(&jit_backend_loongarch64, ctx, "loongarch64");
    ir_context_free(ctx);
    ck_assert_msg(count(s, "amswap_db.d") == 1 && count(s, "amadd_db.d") == 1, "%s", s);
    free(s);
}
END_TEST

static bool have_llvm_mc(void)
{
    return system("llvm-mc-16 --version > /dev/null 2>&1") == 0;
}

int main(void)
{
    if (!have_llvm_mc()) {
        printf("SKIP: llvm-mc-16 not found\n");
        return 77;
    }
    Suite *s = suite_create("tso-lower");
    TCase *tc = tcase_create("lower");
    tcase_add_test(tc, test_a64_plain);
    tcase_add_test(tc, test_a64_lrcpc);
    tcase_add_test(tc, test_a64_v80);
    tcase_add_test(tc, test_la64);
    tcase_add_test(tc, test_atomics);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
