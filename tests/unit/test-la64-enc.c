/*
 * test-la64-enc.c — the loongarch64 encoder against llvm-objdump-16: every
 * encoder is run with several operand combinations and edge immediates,
 * the words are wrapped in an ELF object (llvm-objdump-16 has no
 * "-b binary"), disassembled, and compared with the assembler text written
 * here. Operand errors are checked directly.
 */
#include "backend-loongarch/la64-enc.h"

#include <check.h>
#include <glib.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "backend-loongarch/la64-elf.h"

#define MAXW 2048

/* ABI names as the LoongArch psABI and llvm spell them (not la64_reg_name:
 * the expected text must not come from the code under test). */
static const char *const R[32] = {
    "$zero", "$ra", "$tp", "$sp", "$a0", "$a1", "$a2", "$a3", "$a4", "$a5", "$a6",
    "$a7", "$t0", "$t1", "$t2", "$t3", "$t4", "$t5", "$t6", "$t7", "$t8", "$r21",
    "$fp", "$s0", "$s1", "$s2", "$s3", "$s4", "$s5", "$s6", "$s7", "$s8",
};

/* ---------------------------------------------------------------------- */
/* Emit-and-expect context                                                 */

typedef struct Ctx {
    uint32_t words[MAXW];
    La64Buf b;
    char *exp[MAXW];  /* expected disassembly per word */
} Ctx;

static Ctx *ctx_new(void)
{
    Ctx *c = g_new0(Ctx, 1);
    la64_buf_init(&c->b, c->words, MAXW);
    return c;
}

/* Record the expected text of the words emitted since @before. @lines is
 * ';'-separated, one entry per word. */
static void expect_at(Ctx *c, size_t before, int rc, const char *lines, int line)
{
    char **v = g_strsplit(lines, ";", -1);
    size_t n = g_strv_length(v);

    ck_assert_msg(rc == LA64_OK, "line %d: %s: %s", line, lines, la64_err_name(rc));
    ck_assert_msg(c->b.len - before == n, "line %d: %s: emitted %zu words, expected %zu",
                  line, lines, c->b.len - before, n);
    for (size_t i = 0; i < n; i++) {
        c->exp[before + i] = g_strdup(g_strstrip(v[i]));
    }
    g_strfreev(v);
}

#define E(c, call, text) do { \
        size_t before_ = (c)->b.len; \
        int rc_ = (call); \
        expect_at((c), before_, rc_, (text), __LINE__); \
    } while (0)

/* Expect @call to fail with @err, emitting nothing. */
#define EFAIL(c, call, want) do { \
        size_t before_ = (c)->b.len; \
        int rc_ = (call); \
        ck_assert_msg(rc_ == (want), "line %d: got %s, want %s", __LINE__, \
                      la64_err_name(rc_), la64_err_name(want)); \
        ck_assert_uint_eq((c)->b.len, before_); \
        (c)->b.err = LA64_OK; \
    } while (0)

/* Disassembly of one objdump line: "<addr>:\t<mnemonic>\t<operands>" with the
 * tab turned into a space and a trailing " <sym+off>" comment dropped. */
static char *norm_line(const char *s)
{
    GString *g = g_string_new(NULL);
    const char *lt = strstr(s, " <");

    for (const char *p = s; *p && p != lt; p++) {
        g_string_append_c(g, *p == '\t' ? ' ' : *p);
    }
    return g_strstrip(g_string_free(g, FALSE));
}

/* Disassemble the context's words and compare with the expectations. */
static void check_disasm(Ctx *c)
{
    char *path = g_strdup_printf("/tmp/ferry-la64-enc-%d.o", (int)getpid());
    char *argv[] = { (char *)LLVM_OBJDUMP, "-d", "--no-show-raw-insn",
                     "--triple=loongarch64", path, NULL };
    char *out = NULL;
    int status = -1, bad = 0;
    size_t n = 0;

    ck_assert_int_eq(c->b.err, LA64_OK);
    ck_assert_int_eq(la64_elf_write_obj(path, c->words, c->b.len * 4), 0);
    ck_assert(g_spawn_sync(NULL, argv, NULL, 0, NULL, NULL, &out, NULL, &status, NULL));
    ck_assert_int_eq(status, 0);
    unlink(path);

    char **lines = g_strsplit(out, "\n", -1);
    for (char **l = lines; *l; l++) {
        unsigned long addr;
        int end = 0;
        /* instruction lines are "<spaces><hex addr>:\t..." */
        if ((*l)[0] != ' ' || sscanf(*l, " %lx%n", &addr, &end) != 1 || (*l)[end] != ':') {
            continue;
        }
        char *got = norm_line(*l + end + 1);
        ck_assert_uint_lt(n, c->b.len);
        ck_assert_uint_eq(addr, n * 4);
        if (strcmp(got, c->exp[n]) != 0) {
            fprintf(stderr, "word %zu %08" PRIx32 ": expected \"%s\", objdump \"%s\"\n",
                    n, c->words[n], c->exp[n], got);
            bad++;
        }
        g_free(got);
        n++;
    }
    g_strfreev(lines);
    g_free(out);
    g_free(path);
    ck_assert_uint_eq(n, c->b.len);
    ck_assert_msg(bad == 0, "%d words disassemble differently", bad);
    for (size_t i = 0; i < c->b.len; i++) {
        g_free(c->exp[i]);
    }
    g_free(c);
}

/* Register triples used for the register-only families. */
static const int RR[][3] = {
    { LA64_A0, LA64_A1, LA64_A2 }, { LA64_S8, LA64_T8, LA64_RA },
    { LA64_R21, LA64_FP, LA64_SP }, { LA64_T0, LA64_ZERO, LA64_S0 },
};
#define NRR (sizeof(RR) / sizeof(RR[0]))

/* ---------------------------------------------------------------------- */
/* Register-register families                                              */

typedef int (*Enc3)(La64Buf *, int, int, int);
typedef int (*Enc2)(La64Buf *, int, int);
typedef int (*EncI)(La64Buf *, int, int, int64_t);
typedef int (*Enc1I)(La64Buf *, int, int64_t);

static const struct { Enc3 fn; const char *mn; } ops3r[] = {
    { la64_add_w, "add.w" }, { la64_add_d, "add.d" }, { la64_sub_w, "sub.w" },
    { la64_sub_d, "sub.d" }, { la64_slt, "slt" }, { la64_sltu, "sltu" },
    { la64_maskeqz, "maskeqz" }, { la64_masknez, "masknez" }, { la64_nor, "nor" },
    { la64_and, "and" }, { la64_or, "or" }, { la64_xor, "xor" }, { la64_orn, "orn" },
    { la64_andn, "andn" }, { la64_sll_w, "sll.w" }, { la64_srl_w, "srl.w" },
    { la64_sra_w, "sra.w" }, { la64_sll_d, "sll.d" }, { la64_srl_d, "srl.d" },
    { la64_sra_d, "sra.d" }, { la64_rotr_w, "rotr.w" }, { la64_rotr_d, "rotr.d" },
    { la64_mul_w, "mul.w" }, { la64_mulh_w, "mulh.w" }, { la64_mulh_wu, "mulh.wu" },
    { la64_mul_d, "mul.d" }, { la64_mulh_d, "mulh.d" }, { la64_mulh_du, "mulh.du" },
    { la64_mulw_d_w, "mulw.d.w" }, { la64_mulw_d_wu, "mulw.d.wu" },
    { la64_div_w, "div.w" }, { la64_mod_w, "mod.w" }, { la64_div_wu, "div.wu" },
    { la64_mod_wu, "mod.wu" }, { la64_div_d, "div.d" }, { la64_mod_d, "mod.d" },
    { la64_div_du, "div.du" }, { la64_mod_du, "mod.du" },
    { la64_ldx_b, "ldx.b" }, { la64_ldx_h, "ldx.h" }, { la64_ldx_w, "ldx.w" },
    { la64_ldx_d, "ldx.d" }, { la64_ldx_bu, "ldx.bu" }, { la64_ldx_hu, "ldx.hu" },
    { la64_ldx_wu, "ldx.wu" }, { la64_stx_b, "stx.b" }, { la64_stx_h, "stx.h" },
    { la64_stx_w, "stx.w" }, { la64_stx_d, "stx.d" },
};

START_TEST(test_3r)
{
    Ctx *c = ctx_new();
    for (size_t i = 0; i < G_N_ELEMENTS(ops3r); i++) {
        for (size_t k = 0; k < NRR; k++) {
            const int *r = RR[k];
            char *t = g_strdup_printf("%s %s, %s, %s", ops3r[i].mn, R[r[0]], R[r[1]], R[r[2]]);
            E(c, ops3r[i].fn(&c->b, r[0], r[1], r[2]), t);
            g_free(t);
        }
    }
    EFAIL(c, la64_add_d(&c->b, 32, 0, 0), LA64_ERR_REG);
    EFAIL(c, la64_add_d(&c->b, 0, -1, 0), LA64_ERR_REG);
    EFAIL(c, la64_stx_d(&c->b, 0, 0, 99), LA64_ERR_REG);
    check_disasm(c);
}
END_TEST

static const struct { Enc3 fn; const char *mn; } opsam[] = {
    { la64_amswap_w, "amswap.w" }, { la64_amswap_d, "amswap.d" },
    { la64_amadd_w, "amadd.w" }, { la64_amadd_d, "amadd.d" },
    { la64_amand_w, "amand.w" }, { la64_amand_d, "amand.d" },
    { la64_amor_w, "amor.w" }, { la64_amor_d, "amor.d" },
    { la64_amxor_w, "amxor.w" }, { la64_amxor_d, "amxor.d" },
    { la64_amswap_db_w, "amswap_db.w" }, { la64_amswap_db_d, "amswap_db.d" },
    { la64_amadd_db_w, "amadd_db.w" }, { la64_amadd_db_d, "amadd_db.d" },
    { la64_amand_db_w, "amand_db.w" }, { la64_amand_db_d, "amand_db.d" },
    { la64_amor_db_w, "amor_db.w" }, { la64_amor_db_d, "amor_db.d" },
    { la64_amxor_db_w, "amxor_db.w" }, { la64_amxor_db_d, "amxor_db.d" },
};

START_TEST(test_atomics)
{
    Ctx *c = ctx_new();
    for (size_t i = 0; i < G_N_ELEMENTS(opsam); i++) {
        for (size_t k = 0; k < NRR; k++) {
            const int *r = RR[k];  /* rd, rk, rj in assembler order */
            char *t = g_strdup_printf("%s %s, %s, %s", opsam[i].mn, R[r[0]], R[r[1]], R[r[2]]);
            E(c, opsam[i].fn(&c->b, r[0], r[1], r[2]), t);
            g_free(t);
        }
        char *t = g_strdup_printf("%s $zero, $a1, $a0", opsam[i].mn);
        E(c, opsam[i].fn(&c->b, LA64_ZERO, LA64_A1, LA64_A0), t);
        g_free(t);
        EFAIL(c, opsam[i].fn(&c->b, LA64_A0, LA64_A0, LA64_A1), LA64_ERR_REG);
        EFAIL(c, opsam[i].fn(&c->b, LA64_A0, LA64_A1, LA64_A0), LA64_ERR_REG);
    }
    E(c, la64_ll_w(&c->b, LA64_A0, LA64_A1, 0), "ll.w $a0, $a1, 0");
    E(c, la64_ll_d(&c->b, LA64_T8, LA64_S0, -32768), "ll.d $t8, $s0, -32768");
    E(c, la64_sc_w(&c->b, LA64_A2, LA64_A1, 32764), "sc.w $a2, $a1, 32764");
    E(c, la64_sc_d(&c->b, LA64_RA, LA64_SP, -4), "sc.d $ra, $sp, -4");
    EFAIL(c, la64_ll_w(&c->b, LA64_A0, LA64_A1, 32768), LA64_ERR_RANGE);
    EFAIL(c, la64_sc_d(&c->b, LA64_A0, LA64_A1, -32772), LA64_ERR_RANGE);
    EFAIL(c, la64_ll_d(&c->b, LA64_A0, LA64_A1, 2), LA64_ERR_ALIGN);
    E(c, la64_dbar(&c->b, 0), "dbar 0");
    E(c, la64_dbar(&c->b, 0x700), "dbar 1792");
    E(c, la64_dbar(&c->b, 0x7fff), "dbar 32767");
    E(c, la64_ibar(&c->b, 0), "ibar 0");
    /* hint values as Linux names them: orwrw, or_rw, orw_w, or_r_, o_w_w */
    E(c, la64_dbar(&c->b, LA64_DBAR_ORDER), "dbar 16");
    E(c, la64_dbar(&c->b, LA64_DBAR_ACQUIRE), "dbar 20");
    E(c, la64_dbar(&c->b, LA64_DBAR_RELEASE), "dbar 18");
    E(c, la64_dbar(&c->b, LA64_DBAR_LOADLOAD), "dbar 21");
    E(c, la64_dbar(&c->b, LA64_DBAR_STORESTORE), "dbar 26");
    EFAIL(c, la64_dbar(&c->b, 0x8000), LA64_ERR_RANGE);
    check_disasm(c);
}
END_TEST

static const struct { Enc2 fn; const char *mn; } ops2r[] = {
    { la64_clz_w, "clz.w" }, { la64_ctz_w, "ctz.w" }, { la64_clz_d, "clz.d" },
    { la64_ctz_d, "ctz.d" }, { la64_revb_2h, "revb.2h" }, { la64_revb_4h, "revb.4h" },
    { la64_revb_2w, "revb.2w" }, { la64_revb_d, "revb.d" },
    { la64_bitrev_4b, "bitrev.4b" }, { la64_bitrev_8b, "bitrev.8b" },
    { la64_bitrev_w, "bitrev.w" }, { la64_bitrev_d, "bitrev.d" },
    { la64_ext_w_h, "ext.w.h" }, { la64_ext_w_b, "ext.w.b" },
    { la64_clo_w, "clo.w" }, { la64_cto_w, "cto.w" }, { la64_clo_d, "clo.d" },
    { la64_cto_d, "cto.d" }, { la64_rdtimel_w, "rdtimel.w" },
    { la64_rdtimeh_w, "rdtimeh.w" }, { la64_rdtime_d, "rdtime.d" },
    { la64_cpucfg, "cpucfg" },
};

START_TEST(test_2r_bitfield)
{
    Ctx *c = ctx_new();
    for (size_t i = 0; i < G_N_ELEMENTS(ops2r); i++) {
        for (size_t k = 0; k < NRR; k++) {
            const int *r = RR[k];
            char *t = g_strdup_printf("%s %s, %s", ops2r[i].mn, R[r[0]], R[r[1]]);
            E(c, ops2r[i].fn(&c->b, r[0], r[1]), t);
            g_free(t);
        }
    }
    E(c, la64_bstrins_w(&c->b, LA64_A0, LA64_A1, 31, 0), "bstrins.w $a0, $a1, 31, 0");
    E(c, la64_bstrins_w(&c->b, LA64_S8, LA64_T0, 7, 3), "bstrins.w $s8, $t0, 7, 3");
    E(c, la64_bstrpick_w(&c->b, LA64_A0, LA64_A1, 31, 31), "bstrpick.w $a0, $a1, 31, 31");
    E(c, la64_bstrpick_w(&c->b, LA64_A0, LA64_A1, 15, 0), "bstrpick.w $a0, $a1, 15, 0");
    E(c, la64_bstrins_d(&c->b, LA64_A0, LA64_A1, 63, 0), "bstrins.d $a0, $a1, 63, 0");
    E(c, la64_bstrins_d(&c->b, LA64_T3, LA64_FP, 40, 8), "bstrins.d $t3, $fp, 40, 8");
    E(c, la64_bstrpick_d(&c->b, LA64_A0, LA64_A1, 63, 32), "bstrpick.d $a0, $a1, 63, 32");
    E(c, la64_bstrpick_d(&c->b, LA64_A0, LA64_A1, 31, 0), "bstrpick.d $a0, $a1, 31, 0");
    E(c, la64_bstrpick_d(&c->b, LA64_A0, LA64_A1, 0, 0), "bstrpick.d $a0, $a1, 0, 0");
    EFAIL(c, la64_bstrins_w(&c->b, LA64_A0, LA64_A1, 32, 0), LA64_ERR_RANGE);
    EFAIL(c, la64_bstrpick_w(&c->b, LA64_A0, LA64_A1, 3, 4), LA64_ERR_RANGE);
    EFAIL(c, la64_bstrins_d(&c->b, LA64_A0, LA64_A1, 64, 0), LA64_ERR_RANGE);
    EFAIL(c, la64_bstrpick_d(&c->b, LA64_A0, 32, 5, 0), LA64_ERR_REG);
    E(c, la64_alsl_w(&c->b, LA64_A0, LA64_A1, LA64_A2, 1), "alsl.w $a0, $a1, $a2, 1");
    E(c, la64_alsl_wu(&c->b, LA64_S8, LA64_T8, LA64_RA, 2), "alsl.wu $s8, $t8, $ra, 2");
    E(c, la64_alsl_d(&c->b, LA64_A0, LA64_A1, LA64_A2, 4), "alsl.d $a0, $a1, $a2, 4");
    E(c, la64_alsl_d(&c->b, LA64_T0, LA64_S1, LA64_FP, 3), "alsl.d $t0, $s1, $fp, 3");
    EFAIL(c, la64_alsl_d(&c->b, LA64_A0, LA64_A1, LA64_A2, 0), LA64_ERR_RANGE);
    EFAIL(c, la64_alsl_w(&c->b, LA64_A0, LA64_A1, LA64_A2, 5), LA64_ERR_RANGE);
    E(c, la64_bytepick_w(&c->b, LA64_A0, LA64_A1, LA64_A2, 0), "bytepick.w $a0, $a1, $a2, 0");
    E(c, la64_bytepick_w(&c->b, LA64_A0, LA64_A1, LA64_A2, 3), "bytepick.w $a0, $a1, $a2, 3");
    E(c, la64_bytepick_d(&c->b, LA64_S0, LA64_S1, LA64_S2, 7), "bytepick.d $s0, $s1, $s2, 7");
    E(c, la64_bytepick_d(&c->b, LA64_A0, LA64_A1, LA64_A2, 1), "bytepick.d $a0, $a1, $a2, 1");
    EFAIL(c, la64_bytepick_w(&c->b, LA64_A0, LA64_A1, LA64_A2, 4), LA64_ERR_RANGE);
    EFAIL(c, la64_bytepick_d(&c->b, LA64_A0, LA64_A1, LA64_A2, 8), LA64_ERR_RANGE);
    E(c, la64_nop(&c->b), "nop");
    E(c, la64_mov(&c->b, LA64_A0, LA64_S8), "move $a0, $s8");
    check_disasm(c);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Immediate families                                                      */

static const struct { EncI fn; const char *mn; } ops12s[] = {
    { la64_slti, "slti" }, { la64_sltui, "sltui" }, { la64_addi_w, "addi.w" },
    { la64_addi_d, "addi.d" }, { la64_lu52i_d, "lu52i.d" },
    { la64_ld_b, "ld.b" }, { la64_ld_h, "ld.h" }, { la64_ld_w, "ld.w" },
    { la64_ld_d, "ld.d" }, { la64_st_b, "st.b" }, { la64_st_h, "st.h" },
    { la64_st_w, "st.w" }, { la64_st_d, "st.d" }, { la64_ld_bu, "ld.bu" },
    { la64_ld_hu, "ld.hu" }, { la64_ld_wu, "ld.wu" },
};
static const struct { EncI fn; const char *mn; } ops12u[] = {
    { la64_andi, "andi" }, { la64_ori, "ori" }, { la64_xori, "xori" },
};
static const struct { EncI fn; const char *mn; } ops14[] = {
    { la64_ldptr_w, "ldptr.w" }, { la64_ldptr_d, "ldptr.d" },
    { la64_stptr_w, "stptr.w" }, { la64_stptr_d, "stptr.d" },
};

/* Emit @fn over registers and @imms, expect "mn rd, rj, imm". */
static void run_rri(Ctx *c, EncI fn, const char *mn, const int64_t *imms, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const int *r = RR[i % NRR];
        char *t = g_strdup_printf("%s %s, %s, %" PRId64, mn, R[r[0]], R[r[1]], imms[i]);
        E(c, fn(&c->b, r[0], r[1], imms[i]), t);
        g_free(t);
    }
}

START_TEST(test_imm12_14)
{
    static const int64_t s12[] = { -2048, -1, 0, 1, 2047, 100 };
    static const int64_t u12[] = { 0, 1, 2048, 4095, 255 };
    static const int64_t s14[] = { -32768, -4, 0, 4, 32764, 1024 };
    Ctx *c = ctx_new();

    for (size_t i = 0; i < G_N_ELEMENTS(ops12s); i++) {
        run_rri(c, ops12s[i].fn, ops12s[i].mn, s12, G_N_ELEMENTS(s12));
        EFAIL(c, ops12s[i].fn(&c->b, LA64_A0, LA64_A1, 2048), LA64_ERR_RANGE);
        EFAIL(c, ops12s[i].fn(&c->b, LA64_A0, LA64_A1, -2049), LA64_ERR_RANGE);
    }
    for (size_t i = 0; i < G_N_ELEMENTS(ops12u); i++) {
        /* skip "andi $zero, $zero, 0", which disassembles as nop */
        run_rri(c, ops12u[i].fn, ops12u[i].mn, u12, G_N_ELEMENTS(u12));
        EFAIL(c, ops12u[i].fn(&c->b, LA64_A0, LA64_A1, -1), LA64_ERR_RANGE);
        EFAIL(c, ops12u[i].fn(&c->b, LA64_A0, LA64_A1, 4096), LA64_ERR_RANGE);
    }
    for (size_t i = 0; i < G_N_ELEMENTS(ops14); i++) {
        run_rri(c, ops14[i].fn, ops14[i].mn, s14, G_N_ELEMENTS(s14));
        EFAIL(c, ops14[i].fn(&c->b, LA64_A0, LA64_A1, 32768), LA64_ERR_RANGE);
        EFAIL(c, ops14[i].fn(&c->b, LA64_A0, LA64_A1, 6), LA64_ERR_ALIGN);
    }
    E(c, la64_addu16i_d(&c->b, LA64_A0, LA64_A1, -32768), "addu16i.d $a0, $a1, -32768");
    E(c, la64_addu16i_d(&c->b, LA64_S1, LA64_S1, 32767), "addu16i.d $s1, $s1, 32767");
    EFAIL(c, la64_addu16i_d(&c->b, LA64_A0, LA64_A1, 32768), LA64_ERR_RANGE);
    check_disasm(c);
}
END_TEST

START_TEST(test_shift_imm20)
{
    static const struct { EncI fn; const char *mn; int bits; } sh[] = {
        { la64_slli_w, "slli.w", 5 }, { la64_srli_w, "srli.w", 5 },
        { la64_srai_w, "srai.w", 5 }, { la64_rotri_w, "rotri.w", 5 },
        { la64_slli_d, "slli.d", 6 }, { la64_srli_d, "srli.d", 6 },
        { la64_srai_d, "srai.d", 6 }, { la64_rotri_d, "rotri.d", 6 },
    };
    static const struct { Enc1I fn; const char *mn; } ri[] = {
        { la64_lu12i_w, "lu12i.w" }, { la64_lu32i_d, "lu32i.d" },
        { la64_pcaddi, "pcaddi" }, { la64_pcaddu12i, "pcaddu12i" },
    };
    static const int64_t i20[] = { -524288, -1, 0, 1, 524287, 0x12345 };
    Ctx *c = ctx_new();

    for (size_t i = 0; i < G_N_ELEMENTS(sh); i++) {
        int64_t top = (1 << sh[i].bits) - 1;
        int64_t imms[] = { 0, 1, top / 2, top };
        run_rri(c, sh[i].fn, sh[i].mn, imms, G_N_ELEMENTS(imms));
        EFAIL(c, sh[i].fn(&c->b, LA64_A0, LA64_A1, top + 1), LA64_ERR_RANGE);
        EFAIL(c, sh[i].fn(&c->b, LA64_A0, LA64_A1, -1), LA64_ERR_RANGE);
    }
    for (size_t i = 0; i < G_N_ELEMENTS(ri); i++) {
        for (size_t k = 0; k < G_N_ELEMENTS(i20); k++) {
            int rd = RR[k % NRR][0];
            char *t = g_strdup_printf("%s %s, %" PRId64, ri[i].mn, R[rd], i20[k]);
            E(c, ri[i].fn(&c->b, rd, i20[k]), t);
            g_free(t);
        }
        EFAIL(c, ri[i].fn(&c->b, LA64_A0, 524288), LA64_ERR_RANGE);
        EFAIL(c, ri[i].fn(&c->b, LA64_A0, -524289), LA64_ERR_RANGE);
    }
    E(c, la64_syscall(&c->b, 0), "syscall 0");
    E(c, la64_break(&c->b, 5), "break 5");
    E(c, la64_break(&c->b, 0x7fff), "break 32767");
    EFAIL(c, la64_syscall(&c->b, 0x8000), LA64_ERR_RANGE);
    check_disasm(c);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Branches and patching                                                   */

START_TEST(test_branches)
{
    static const struct { EncI fn; const char *mn; } br16[] = {
        { la64_beq, "beq" }, { la64_bne, "bne" }, { la64_blt, "blt" },
        { la64_bge, "bge" }, { la64_bltu, "bltu" }, { la64_bgeu, "bgeu" },
    };
    static const int64_t o16[] = { -131072, -4, 0, 4, 131068 };
    static const int64_t o21[] = { -4194304, -8, 0, 8, 4194300 };
    static const int64_t o26[] = { -134217728, -4, 0, 4, 134217724 };
    Ctx *c = ctx_new();

    for (size_t i = 0; i < G_N_ELEMENTS(br16); i++) {
        for (size_t k = 0; k < G_N_ELEMENTS(o16); k++) {
            const int *r = RR[k % NRR];  /* rj, rd */
            char *t = g_strdup_printf("%s %s, %s, %" PRId64, br16[i].mn, R[r[0]], R[r[1]], o16[k]);
            E(c, br16[i].fn(&c->b, r[0], r[1], o16[k]), t);
            g_free(t);
        }
        EFAIL(c, br16[i].fn(&c->b, LA64_A0, LA64_A1, 131072), LA64_ERR_RANGE);
        EFAIL(c, br16[i].fn(&c->b, LA64_A0, LA64_A1, 2), LA64_ERR_ALIGN);
    }
    for (size_t k = 0; k < G_N_ELEMENTS(o21); k++) {
        char *t = g_strdup_printf("beqz $a0, %" PRId64 ";bnez $s8, %" PRId64, o21[k], o21[k]);
        size_t before = c->b.len;
        int rc = la64_beqz(&c->b, LA64_A0, o21[k]);
        rc = rc ? rc : la64_bnez(&c->b, LA64_S8, o21[k]);
        expect_at(c, before, rc, t, __LINE__);
        g_free(t);
        t = g_strdup_printf("b %" PRId64 ";bl %" PRId64, o26[k], o26[k]);
        before = c->b.len;
        rc = la64_b(&c->b, o26[k]);
        rc = rc ? rc : la64_bl(&c->b, o26[k]);
        expect_at(c, before, rc, t, __LINE__);
        g_free(t);
    }
    EFAIL(c, la64_beqz(&c->b, LA64_A0, 4194304), LA64_ERR_RANGE);
    EFAIL(c, la64_bnez(&c->b, LA64_A0, -4194308), LA64_ERR_RANGE);
    EFAIL(c, la64_b(&c->b, 134217728), LA64_ERR_RANGE);
    EFAIL(c, la64_bl(&c->b, -134217732), LA64_ERR_RANGE);
    EFAIL(c, la64_b(&c->b, 6), LA64_ERR_ALIGN);
    E(c, la64_jirl(&c->b, LA64_RA, LA64_A0, 4), "jirl $ra, $a0, 4");
    E(c, la64_jirl(&c->b, LA64_RA, LA64_T0, -131072), "jirl $ra, $t0, -131072");
    E(c, la64_jirl(&c->b, LA64_A1, LA64_RA, 131068), "jirl $a1, $ra, 131068");
    E(c, la64_jirl(&c->b, LA64_ZERO, LA64_RA, 0), "ret");
    E(c, la64_jirl(&c->b, LA64_ZERO, LA64_A0, 0), "jr $a0");
    EFAIL(c, la64_jirl(&c->b, LA64_RA, LA64_A0, 131072), LA64_ERR_RANGE);
    check_disasm(c);
}
END_TEST

START_TEST(test_patch)
{
    Ctx *c = ctx_new();
    uint32_t *w = c->words;

    la64_b(&c->b, 0);                                  /* 0 */
    la64_bl(&c->b, 0);                                 /* 1 */
    la64_beq(&c->b, LA64_A0, LA64_A1, 0);              /* 2 */
    la64_bnez(&c->b, LA64_T0, 0);                      /* 3 */
    la64_b(&c->b, 8);                                  /* 4 */
    la64_add_d(&c->b, LA64_A0, LA64_A0, LA64_A0);      /* 5 */
    la64_bgeu(&c->b, LA64_S0, LA64_S1, 0);             /* 6 */
    ck_assert_int_eq(la64_patch_branch(&w[0], &w[5]), LA64_OK);
    ck_assert_int_eq(la64_patch_branch(&w[1], &w[0]), LA64_OK);
    ck_assert_int_eq(la64_set_branch_offset(&w[2], -8), LA64_OK);
    ck_assert_int_eq(la64_set_branch_offset(&w[3], 4194300), LA64_OK);
    ck_assert_int_eq(la64_patch_branch(&w[4], (char *)&w[4] - 134217728), LA64_OK);
    ck_assert_int_eq(la64_set_branch_offset(&w[6], -131072), LA64_OK);
    /* errors leave the word alone */
    ck_assert_int_eq(la64_patch_branch(&w[2], &w[0]), LA64_ERR_INSN);
    ck_assert_int_eq(la64_patch_branch(&w[5], &w[0]), LA64_ERR_INSN);
    ck_assert_int_eq(la64_set_branch_offset(&w[5], 4), LA64_ERR_INSN);
    ck_assert_int_eq(la64_patch_branch(&w[0], (char *)&w[0] + 2), LA64_ERR_ALIGN);
    ck_assert_int_eq(la64_patch_branch(&w[0], (char *)&w[0] + 134217728), LA64_ERR_RANGE);
    ck_assert_int_eq(la64_set_branch_offset(&w[2], 131072), LA64_ERR_RANGE);
    ck_assert_int_eq(la64_set_branch_offset(&w[3], -4194308), LA64_ERR_RANGE);
    expect_at(c, 0, 0, "b 20;bl -4;beq $a0, $a1, -8;bnez $t0, 4194300;b -134217728;"
              "add.d $a0, $a0, $a0;bgeu $s0, $s1, -131072", __LINE__);
    check_disasm(c);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Sequences for large operands                                            */

START_TEST(test_sequences)
{
    Ctx *c = ctx_new();
    const int T0 = LA64_T0;

    E(c, la64_mem(&c->b, LA64_LD_D, LA64_A0, LA64_S0, 2047, T0), "ld.d $a0, $s0, 2047");
    E(c, la64_mem(&c->b, LA64_ST_H, LA64_A0, LA64_S0, -2048, T0), "st.h $a0, $s0, -2048");
    E(c, la64_mem(&c->b, LA64_LD_D, LA64_A0, LA64_S0, 2048, T0), "ldptr.d $a0, $s0, 2048");
    E(c, la64_mem(&c->b, LA64_LD_W, LA64_A0, LA64_S0, -32768, T0), "ldptr.w $a0, $s0, -32768");
    E(c, la64_mem(&c->b, LA64_ST_W, LA64_A0, LA64_S0, 32764, T0), "stptr.w $a0, $s0, 32764");
    E(c, la64_mem(&c->b, LA64_LD_WU, LA64_A0, LA64_S0, 2048, T0),
      "ori $t0, $zero, 2048;ldx.wu $a0, $s0, $t0");
    E(c, la64_mem(&c->b, LA64_LD_D, LA64_A0, LA64_S0, 2050, T0),
      "ori $t0, $zero, 2050;ldx.d $a0, $s0, $t0");
    E(c, la64_mem(&c->b, LA64_ST_D, LA64_A0, LA64_S0, 32768, T0),
      "lu12i.w $t0, 8;stx.d $a0, $s0, $t0");
    E(c, la64_mem(&c->b, LA64_ST_B, LA64_A0, LA64_S0, -2049, T0),
      "lu12i.w $t0, -1;ori $t0, $t0, 2047;stx.b $a0, $s0, $t0");
    E(c, la64_mem(&c->b, LA64_LD_HU, LA64_A0, LA64_S0, (int64_t)0x123456789abcdef0ull, LA64_A0),
      "lu12i.w $a0, -414771;ori $a0, $a0, 3824;lu32i.d $a0, 284280;"
      "lu52i.d $a0, $a0, 291;ldx.hu $a0, $s0, $a0");
    EFAIL(c, la64_mem(&c->b, LA64_ST_D, LA64_A0, LA64_S0, 40000, LA64_A0), LA64_ERR_REG);
    EFAIL(c, la64_mem(&c->b, LA64_LD_D, LA64_A0, LA64_S0, 4095, LA64_S0), LA64_ERR_REG);
    EFAIL(c, la64_mem(&c->b, LA64_LD_D, LA64_A0, LA64_S0, 4095, LA64_ZERO), LA64_ERR_REG);
    EFAIL(c, la64_mem(&c->b, LA64_MEM_COUNT, LA64_A0, LA64_S0, 0, T0), LA64_ERR_RANGE);

    E(c, la64_addi_any(&c->b, LA64_A0, LA64_A1, 2047, T0), "addi.d $a0, $a1, 2047");
    E(c, la64_addi_any(&c->b, LA64_A0, LA64_A1, 0x10000, T0), "addu16i.d $a0, $a1, 1");
    E(c, la64_addi_any(&c->b, LA64_A0, LA64_A1, -0x80000000ll, T0), "addu16i.d $a0, $a1, -32768");
    E(c, la64_addi_any(&c->b, LA64_A0, LA64_A1, 4096, T0), "lu12i.w $t0, 1;add.d $a0, $a1, $t0");
    E(c, la64_addi_any(&c->b, LA64_A0, LA64_A1, 0x7fffffff0000ll, LA64_A0),
      "lu12i.w $a0, -16;lu32i.d $a0, 32767;add.d $a0, $a1, $a0");
    EFAIL(c, la64_addi_any(&c->b, LA64_A0, LA64_A1, 4096, LA64_A1), LA64_ERR_REG);

    E(c, la64_pcrel(&c->b, LA64_A0, 8), "pcaddi $a0, 2");
    E(c, la64_pcrel(&c->b, LA64_A0, -2097152), "pcaddi $a0, -524288");
    E(c, la64_pcrel(&c->b, LA64_A0, 2097152), "pcaddu12i $a0, 512;addi.d $a0, $a0, 0");
    E(c, la64_pcrel(&c->b, LA64_A0, 6), "pcaddu12i $a0, 0;addi.d $a0, $a0, 6");
    E(c, la64_pcrel(&c->b, LA64_A0, 0x7ffff7ff), "pcaddu12i $a0, 524287;addi.d $a0, $a0, 2047");
    E(c, la64_pcrel(&c->b, LA64_A0, -0x80000000ll), "pcaddu12i $a0, -524288;addi.d $a0, $a0, 0");
    E(c, la64_pcrel(&c->b, LA64_A0, 0x12345), "pcaddu12i $a0, 18;addi.d $a0, $a0, 837");
    EFAIL(c, la64_pcrel(&c->b, LA64_A0, 0x7ffff800), LA64_ERR_RANGE);

    E(c, la64_jump_far(&c->b, LA64_RA, 0x100000, T0), "pcaddu18i $t0, 4;jirl $ra, $t0, 0");
    E(c, la64_jump_far(&c->b, LA64_ZERO, -4, LA64_T1), "pcaddu18i $t1, 0;jirl $zero, $t1, -4");
    E(c, la64_jump_far(&c->b, LA64_RA, 137438822396ll, T0),
      "pcaddu18i $t0, 524287;jirl $ra, $t0, 131068");
    E(c, la64_jump_far(&c->b, LA64_RA, -137438953472ll, T0),
      "pcaddu18i $t0, -524288;jirl $ra, $t0, 0");
    E(c, la64_jump_far(&c->b, LA64_RA, 131072, T0), "pcaddu18i $t0, 1;jirl $ra, $t0, -131072");
    EFAIL(c, la64_jump_far(&c->b, LA64_RA, 137438822400ll, T0), LA64_ERR_RANGE);
    EFAIL(c, la64_jump_far(&c->b, LA64_RA, 2, T0), LA64_ERR_ALIGN);
    EFAIL(c, la64_jump_far(&c->b, LA64_RA, 8, LA64_ZERO), LA64_ERR_REG);
    check_disasm(c);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Random operands                                                         */

/* Text of one random instruction from the tables above, emitted into @c.
 * Covers field placement for operand bit patterns the edge tests miss. */
static char *emit_random(Ctx *c, GRand *g)
{
    int rd = g_rand_int_range(g, 0, 32), rj = g_rand_int_range(g, 0, 32);
    int rk = g_rand_int_range(g, 0, 32), k;
    int64_t imm;

    switch (g_rand_int_range(g, 0, 7)) {
    case 0:
        k = g_rand_int_range(g, 0, G_N_ELEMENTS(ops3r));
        ck_assert_int_eq(ops3r[k].fn(&c->b, rd, rj, rk), LA64_OK);
        if (ops3r[k].fn == la64_or && rk == 0) {
            return g_strdup_printf("move %s, %s", R[rd], R[rj]);
        }
        return g_strdup_printf("%s %s, %s, %s", ops3r[k].mn, R[rd], R[rj], R[rk]);
    case 1:
        k = g_rand_int_range(g, 0, G_N_ELEMENTS(ops2r));
        ck_assert_int_eq(ops2r[k].fn(&c->b, rd, rj), LA64_OK);
        return g_strdup_printf("%s %s, %s", ops2r[k].mn, R[rd], R[rj]);
    case 2:
        k = g_rand_int_range(g, 0, G_N_ELEMENTS(ops12s));
        imm = g_rand_int_range(g, -2048, 2048);
        ck_assert_int_eq(ops12s[k].fn(&c->b, rd, rj, imm), LA64_OK);
        return g_strdup_printf("%s %s, %s, %" PRId64, ops12s[k].mn, R[rd], R[rj], imm);
    case 3:
        k = g_rand_int_range(g, 0, G_N_ELEMENTS(ops12u));
        imm = g_rand_int_range(g, 0, 4096);
        ck_assert_int_eq(ops12u[k].fn(&c->b, rd, rj, imm), LA64_OK);
        if (ops12u[k].fn == la64_andi && rd == 0 && rj == 0 && imm == 0) {
            return g_strdup("nop");
        }
        return g_strdup_printf("%s %s, %s, %" PRId64, ops12u[k].mn, R[rd], R[rj], imm);
    case 4:
        k = g_rand_int_range(g, 0, G_N_ELEMENTS(ops14));
        imm = 4 * (int64_t)g_rand_int_range(g, -8192, 8192);
        ck_assert_int_eq(ops14[k].fn(&c->b, rd, rj, imm), LA64_OK);
        return g_strdup_printf("%s %s, %s, %" PRId64, ops14[k].mn, R[rd], R[rj], imm);
    case 5:
        k = g_rand_int_range(g, 0, G_N_ELEMENTS(opsam));
        rd = (rd == rj || rd == rk) ? 0 : rd;
        ck_assert_int_eq(opsam[k].fn(&c->b, rd, rk, rj), LA64_OK);
        return g_strdup_printf("%s %s, %s, %s", opsam[k].mn, R[rd], R[rk], R[rj]);
    default:
        imm = 4 * (int64_t)g_rand_int_range(g, -(1 << 25), 1 << 25);
        ck_assert_int_eq(la64_bl(&c->b, imm), LA64_OK);
        return g_strdup_printf("bl %" PRId64, imm);
    }
}

START_TEST(test_random)
{
    GRand *g = g_rand_new_with_seed(0x10a6);
    Ctx *c = ctx_new();

    for (int i = 0; i < 1500; i++) {
        size_t before = c->b.len;
        char *t = emit_random(c, g);
        expect_at(c, before, LA64_OK, t, __LINE__);
        g_free(t);
    }
    g_rand_free(g);
    check_disasm(c);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Constants and buffer limits                                             */

START_TEST(test_movi64)
{
    /* Expected sequences worked out by hand from the ISA: low 32 bits by
     * addi.w / ori / lu12i.w(+ori), then lu32i.d for bits 51..32, lu52i.d
     * for 63..52, each only when the previous step left them wrong. */
    static const struct { uint64_t v; const char *seq; } t[] = {
        { 0, "addi.w $a0, $zero, 0" },
        { 2047, "addi.w $a0, $zero, 2047" },
        { (uint64_t)-2048, "addi.w $a0, $zero, -2048" },
        { (uint64_t)-1, "addi.w $a0, $zero, -1" },
        { 0x800, "ori $a0, $zero, 2048" },
        { 0xfff, "ori $a0, $zero, 4095" },
        { 0x1000, "lu12i.w $a0, 1" },
        { 0xfffffffffffff000ull, "lu12i.w $a0, -1" },
        { 0x12345678, "lu12i.w $a0, 74565;ori $a0, $a0, 1656" },
        { 0x7fffffff, "lu12i.w $a0, 524287;ori $a0, $a0, 4095" },
        { 0xffffffff80000000ull, "lu12i.w $a0, -524288" },
        { 0x80000000, "lu12i.w $a0, -524288;lu32i.d $a0, 0" },
        { 0xffffffff, "addi.w $a0, $zero, -1;lu32i.d $a0, 0" },
        { 0x100000000ull, "addi.w $a0, $zero, 0;lu32i.d $a0, 1" },
        { 0xffffffff00000000ull, "addi.w $a0, $zero, 0;lu32i.d $a0, -1" },
        { 0x0008000000000000ull,
          "addi.w $a0, $zero, 0;lu32i.d $a0, -524288;lu52i.d $a0, $a0, 0" },
        { 0xfff0000000000000ull, "lu52i.d $a0, $zero, -1" },
        { 0x8000000000000000ull, "lu52i.d $a0, $zero, -2048" },
        { 0x0010000000000000ull, "lu52i.d $a0, $zero, 1" },
        { 0x7fffffffffffffffull, "addi.w $a0, $zero, -1;lu52i.d $a0, $a0, 2047" },
        { 0x1230000000000456ull, "addi.w $a0, $zero, 1110;lu52i.d $a0, $a0, 291" },
        { 0x1230000000000856ull, "ori $a0, $zero, 2134;lu52i.d $a0, $a0, 291" },
        { 0x123456789abcdef0ull, "lu12i.w $a0, -414771;ori $a0, $a0, 3824;"
          "lu32i.d $a0, 284280;lu52i.d $a0, $a0, 291" },
        { 0x8000000000000001ull, "addi.w $a0, $zero, 1;lu52i.d $a0, $a0, -2048" },
        { 0x0000000120000000ull, "lu12i.w $a0, 131072;lu32i.d $a0, 1" },
        /* equal halves: the low half, then copy it up */
        { 0x5555555555555555ull,
          "lu12i.w $a0, 349525;ori $a0, $a0, 1365;bstrins.d $a0, $a0, 63, 32" },
        { 0xf0f0f0f0f0f0f0f0ull,
          "lu12i.w $a0, -61681;ori $a0, $a0, 240;bstrins.d $a0, $a0, 63, 32" },
        { 0x0000080000000800ull, "ori $a0, $zero, 2048;lu32i.d $a0, 2048" },
        { 0x0001000000010000ull, "lu12i.w $a0, 16;lu32i.d $a0, 65536" },
        { 0x1234500012345000ull, "lu12i.w $a0, 74565;bstrins.d $a0, $a0, 63, 32" },
    };
    Ctx *c = ctx_new();

    for (size_t i = 0; i < G_N_ELEMENTS(t); i++) {
        size_t before = c->b.len;
        E(c, la64_movi64(&c->b, LA64_A0, t[i].v), t[i].seq);
        ck_assert_int_eq(la64_movi64_len(t[i].v), (int)(c->b.len - before));
    }
    E(c, la64_movi64(&c->b, LA64_S8, 0x8000), "lu12i.w $s8, 8");
    EFAIL(c, la64_movi64(&c->b, LA64_ZERO, 1), LA64_ERR_REG);
    check_disasm(c);
}
END_TEST

START_TEST(test_overflow)
{
    uint32_t mem[3];
    La64Buf b;

    la64_buf_init(&b, mem, 3);
    ck_assert_int_eq(la64_movi64(&b, LA64_A0, 0x123456789abcdef0ull), LA64_ERR_OVERFLOW);
    ck_assert_uint_eq(b.len, 0);
    ck_assert_int_eq(b.err, LA64_ERR_OVERFLOW);
    b.err = LA64_OK;
    ck_assert_int_eq(la64_movi64(&b, LA64_A0, 0x12345678), LA64_OK);
    ck_assert_int_eq(la64_nop(&b), LA64_OK);
    ck_assert_int_eq(la64_nop(&b), LA64_ERR_OVERFLOW);
    ck_assert_int_eq(la64_add_d(&b, 1, 2, 3), LA64_ERR_OVERFLOW);
    ck_assert_int_eq(la64_addi_d(&b, 1, 2, 5000), LA64_ERR_RANGE);
    ck_assert_int_eq(b.err, LA64_ERR_OVERFLOW);  /* the first error sticks */
    ck_assert_uint_eq(b.len, 3);
    ck_assert_ptr_eq(la64_buf_cur(&b), mem + 3);
}
END_TEST

START_TEST(test_names)
{
    for (int r = 0; r < 32; r++) {
        ck_assert_str_eq(la64_reg_name(r), R[r]);
    }
    ck_assert_str_eq(la64_reg_name(32), "?");
    ck_assert_str_eq(la64_reg_name(-1), "?");
    /* the convention's pinned registers are distinct and never scratch */
    int used[32] = { 0 };
    used[LA64_REG_ENV]++;
    used[LA64_REG_GUEST_BASE]++;
    used[LA64_REG_TMP0]++;
    used[LA64_REG_TMP1]++;
    for (int x = 0; x < 16; x++) {
        used[la64_guest_gpr(x)]++;
    }
    for (int r = 0; r < 32; r++) {
        ck_assert_int_le(used[r], 1);
    }
    ck_assert_int_eq(used[LA64_ZERO] + used[LA64_TP] + used[LA64_SP] + used[LA64_R21], 0);
    for (int r = LA64_A0; r <= LA64_A7; r++) {
        ck_assert_int_eq(used[r], 0);               /* left for args and temps */
    }
    ck_assert(!la64_reg_caller_saved(LA64_REG_ENV));
    ck_assert(!la64_reg_caller_saved(LA64_REG_GUEST_BASE));
    ck_assert(la64_reg_caller_saved(LA64_T0) && !la64_reg_caller_saved(LA64_FP));
}
END_TEST

static Suite *la64_enc_suite(void)
{
    Suite *s = suite_create("la64-enc");
    TCase *tc = tcase_create("objdump");

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_3r);
    tcase_add_test(tc, test_atomics);
    tcase_add_test(tc, test_2r_bitfield);
    tcase_add_test(tc, test_imm12_14);
    tcase_add_test(tc, test_shift_imm20);
    tcase_add_test(tc, test_branches);
    tcase_add_test(tc, test_patch);
    tcase_add_test(tc, test_random);
    tcase_add_test(tc, test_sequences);
    tcase_add_test(tc, test_movi64);
    tcase_add_test(tc, test_overflow);
    tcase_add_test(tc, test_names);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr;
    int failed;

    if (LLVM_OBJDUMP[0] == '\0' || access(LLVM_OBJDUMP, X_OK) != 0) {
        fprintf(stderr, "llvm-objdump-16 not found: skipping\n");
        return 77;
    }
    sr = srunner_create(la64_enc_suite());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
