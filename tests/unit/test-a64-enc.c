/*
 * test-a64-enc.c — unit tests of the arm64 encoder (backend-arm64/a64-enc*).
 * Every encoder is run with several operand combinations and its output is
 * disassembled with capstone and compared with the text written here.
 * Instructions capstone 4 does not know (LSE atomics, LDAPR) are compared
 * with instruction words written here (as llvm-mc-16 -mattr=+lse,+rcpc
 * assembles them). The bitmask-immediate encoder is checked against a
 * brute-force enumeration of every (N, immr, imms).
 */
#include "backend-arm64/a64-enc.h"

#include <capstone/capstone.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/a64-test-util.h"

/* ---------------------------------------------------------------------- */
/* Harness                                                                 */

static csh cs;
static uint32_t mem[64];
static A64Buf bufv, *b = &bufv;
static int nfail;

/* Base address used for disassembly: branch targets print relative to it. */
#define BASE 0x1000

static void setup(void)
{
    ck_assert_int_eq(cs_open(CS_ARCH_ARM64, CS_MODE_ARM, &cs), CS_ERR_OK);
    nfail = 0;
}

static void teardown(void)
{
    cs_close(&cs);
}

/* Capstone's text of the whole buffer: "mnemonic operands; ..." */
static void disasm(char *out, size_t n)
{
    cs_insn *insn;
    size_t cnt = cs_disasm(cs, b->base, b->pos, BASE, 0, &insn), i;

    out[0] = 0;
    for (i = 0; i < cnt; i++) {
        size_t l = strlen(out);
        snprintf(out + l, n - l, "%s%s%s%s", i ? "; " : "", insn[i].mnemonic,
                 insn[i].op_str[0] ? " " : "", insn[i].op_str);
    }
    if (cnt * 4 != b->pos) {
        size_t l = strlen(out);
        snprintf(out + l, n - l, "%s<undecodable>", cnt ? "; " : "");
    }
    if (cnt) {
        cs_free(insn, cnt);
    }
}

static void report(int line, const char *what, const char *got, const char *want)
{
    fprintf(stderr, "line %d: %s\n  got:  %s\n  want: %s\n", line, what, got,
            want);
    nfail++;
}

static void expect_text(int line, const char *what, int rc, const char *want)
{
    char got[512];

    if (rc != A64_OK) {
        report(line, what, a64_err_str(rc), want);
        return;
    }
    disasm(got, sizeof(got));
    if (strcmp(got, want) != 0) {
        report(line, what, got, want);
    }
}

static void expect_word(int line, const char *what, int rc, uint32_t want)
{
    char got[32], w[32];

    snprintf(w, sizeof(w), "%08x", want);
    if (rc != A64_OK || b->pos != 4) {
        report(line, what, rc ? a64_err_str(rc) : "wrong length", w);
        return;
    }
    snprintf(got, sizeof(got), "%08x", mem[0]);
    if (mem[0] != want) {
        report(line, what, got, w);
    }
}

static void expect_err(int line, const char *what, int rc, int want)
{
    if (rc != want || b->pos != 0 || b->err != want) {
        char got[64];
        snprintf(got, sizeof(got), "rc %d pos %zu err %d", rc, b->pos, b->err);
        report(line, what, got, a64_err_str(want));
    }
}

#define START() a64_buf_init(b, mem, sizeof(mem))
#define T(want, call) expect_text(__LINE__, #call, (START(), (call)), want)
#define W(want, call) expect_word(__LINE__, #call, (START(), (call)), want)
#define E(want, call) expect_err(__LINE__, #call, (START(), (call)), want)
#define DONE() ck_assert_msg(nfail == 0, "%d encodings wrong (see stderr)", nfail)

enum { X0, X1, X2, X3, X4, X5, X6, X7, X8, X9, X10, X16 = 16, X17, X19 = 19,
       X28 = 28, X29, X30, ZR = A64_ZR, SP = A64_SP };

/* ---------------------------------------------------------------------- */
/* Buffer                                                                  */

START_TEST(test_buffer)
{
    uint32_t small[2];
    A64Buf sb;

    a64_buf_init(&sb, small, sizeof(small));
    ck_assert_int_eq(a64_nop(&sb), A64_OK);
    ck_assert_int_eq(a64_nop(&sb), A64_OK);
    ck_assert_int_eq(a64_nop(&sb), A64_ERR_OVERFLOW);
    ck_assert_uint_eq(sb.pos, 8);
    ck_assert_int_eq(a64_buf_error(&sb), A64_ERR_OVERFLOW);

    /* A multi-word sequence that does not fit emits nothing. */
    a64_buf_init(&sb, small, sizeof(small));
    ck_assert_int_eq(a64_movi64(&sb, X0, 0x123456789abcdef0ull),
                     A64_ERR_OVERFLOW);
    ck_assert_uint_eq(sb.pos, 0);

    /* Errors are sticky: the first one stays. */
    a64_buf_init(&sb, small, sizeof(small));
    ck_assert_int_eq(a64_add_rri(&sb, true, X0, X1, 0x1001), A64_ERR_IMM);
    ck_assert_int_eq(a64_add_rrr(&sb, true, SP, X1, X2), A64_ERR_REG);
    ck_assert_int_eq(a64_nop(&sb), A64_OK);
    ck_assert_int_eq(a64_buf_error(&sb), A64_ERR_IMM);
    ck_assert_uint_eq(sb.pos, 4);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Move wide and constants                                                 */

START_TEST(test_movewide)
{
    T("movz x0, #0x1", a64_movz(b, true, X0, 1, 0));
    T("movz x30, #0xffff, lsl #48", a64_movz(b, true, X30, 0xffff, 3));
    T("movz w5, #0x1234, lsl #16", a64_movz(b, false, X5, 0x1234, 1));
    T("movn x0, #0", a64_movn(b, true, X0, 0, 0));
    T("movn w1, #0x8000, lsl #16", a64_movn(b, false, X1, 0x8000, 1));
    T("movk x2, #0xbeef, lsl #32", a64_movk(b, true, X2, 0xbeef, 2));
    T("movk w3, #0x7", a64_movk(b, false, X3, 7, 0));
    E(A64_ERR_IMM, a64_movz(b, false, X0, 1, 2));
    E(A64_ERR_IMM, a64_movk(b, true, X0, 1, 4));
    E(A64_ERR_REG, a64_movz(b, true, SP, 1, 0));
    DONE();
}
END_TEST

START_TEST(test_movi_text)
{
    T("movz x0, #0", a64_movi64(b, X0, 0));
    T("movn x0, #0", a64_movi64(b, X0, ~0ull));
    T("movz w0, #0xffff", a64_movi(b, false, X0, 0xffff));
    T("movn w0, #0", a64_movi(b, false, X0, 0xffffffff));
    T("movz x1, #0x1234, lsl #32", a64_movi64(b, X1, 0x123400000000ull));
    T("movn x1, #0x1234, lsl #16", a64_movi64(b, X1, ~0x12340000ull));
    T("orr x2, xzr, #0x5555555555555555",
      a64_movi64(b, X2, 0x5555555555555555ull));
    T("orr w2, wzr, #0xff00ff0", a64_movi(b, false, X2, 0x0ff00ff0));
    T("movz x3, #0x5678; movk x3, #0x1234, lsl #16",
      a64_movi64(b, X3, 0x12345678));
    T("movn x3, #0xa987; movk x3, #0x1234, lsl #32",
      a64_movi64(b, X3, 0xffff1234ffff5678ull));
    T("movz x30, #0xdef0; movk x30, #0x9abc, lsl #16; "
      "movk x30, #0x5678, lsl #32; movk x30, #0x1234, lsl #48",
      a64_movi64(b, X30, 0x123456789abcdef0ull));
    /* ORR + MOVK beats a three-MOVK chain. */
    T("orr x4, xzr, #0xff00ff00ff00ff00; movk x4, #0x1234",
      a64_movi64(b, X4, 0xff00ff00ff001234ull));
    E(A64_ERR_REG, a64_movi64(b, SP, 1));
    E(A64_ERR_REG, a64_movi64(b, ZR, 1));
    DONE();
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Arithmetic                                                              */

START_TEST(test_addsub)
{
    T("add x0, x1, x2", a64_add_rrr(b, true, X0, X1, X2));
    T("add w30, w29, w28", a64_add_rrr(b, false, X30, X29, X28));
    T("adds x0, x1, x2", a64_adds_rrr(b, true, X0, X1, X2));
    T("sub x0, x1, x2", a64_sub_rrr(b, true, X0, X1, X2));
    T("subs w0, w1, w2", a64_subs_rrr(b, false, X0, X1, X2));
    T("add x0, x1, x2, lsl #63",
      a64_addsub_shift(b, A64_ADD, true, X0, X1, X2, A64_LSL, 63));
    T("sub w0, w1, w2, asr #31",
      a64_addsub_shift(b, A64_SUB, false, X0, X1, X2, A64_ASR, 31));
    T("adds x0, x1, x2, lsr #1",
      a64_addsub_shift(b, A64_ADDS, true, X0, X1, X2, A64_LSR, 1));
    T("cmp x1, x2", a64_cmp_rr(b, true, X1, X2));
    T("cmn w1, w2", a64_cmn_rr(b, false, X1, X2));
    T("cmp sp, x2", a64_cmp_rr(b, true, SP, X2));
    T("neg x0, x1", a64_neg(b, true, X0, X1));
    T("negs w0, w1", a64_negs(b, false, X0, X1));
    E(A64_ERR_IMM, a64_addsub_shift(b, A64_ADD, false, X0, X1, X2, A64_LSL, 32));
    E(A64_ERR_IMM, a64_addsub_shift(b, A64_ADD, true, X0, X1, X2, A64_ROR, 1));
    E(A64_ERR_REG, a64_add_rrr(b, true, X0, SP, X2));

    /* Extended register: SP is allowed in rd and rn. */
    T("add x0, sp, w1, uxtw",
      a64_addsub_ext(b, A64_ADD, true, X0, SP, X1, A64_UXTW, 0));
    T("add sp, x2, w3, sxtb #4",
      a64_addsub_ext(b, A64_ADD, true, SP, X2, X3, A64_SXTB, 4));
    T("sub x0, x1, x2, sxtx #2",
      a64_addsub_ext(b, A64_SUB, true, X0, X1, X2, A64_SXTX, 2));
    T("subs w0, w1, w2, uxth",
      a64_addsub_ext(b, A64_SUBS, false, X0, X1, X2, A64_UXTH, 0));
    E(A64_ERR_REG, a64_addsub_ext(b, A64_ADDS, true, SP, X1, X2, A64_UXTX, 0));
    E(A64_ERR_IMM, a64_addsub_ext(b, A64_ADD, true, X0, X1, X2, A64_UXTX, 5));

    /* Immediates. */
    T("add x0, x1, #0xfff", a64_add_rri(b, true, X0, X1, 4095));
    T("add x0, x1, #1, lsl #12", a64_add_rri(b, true, X0, X1, 4096));
    T("sub x0, x1, #0xfff, lsl #12", a64_add_rri(b, true, X0, X1, -0xfff000));
    T("sub w0, w1, #1", a64_sub_rri(b, false, X0, X1, 1));
    T("add w0, w1, #1", a64_sub_rri(b, false, X0, X1, -1));
    T("mov sp, x1", a64_add_rri(b, true, SP, X1, 0));
    T("add sp, sp, #0x10", a64_add_rri(b, true, SP, SP, 16));
    T("cmp x1, #0x2a", a64_cmp_ri(b, true, X1, 42));
    T("cmn w1, #0x2a", a64_cmp_ri(b, false, X1, -42));
    T("adds x0, sp, #8",
      a64_addsub_imm(b, A64_ADDS, true, X0, SP, 8, false));
    E(A64_ERR_IMM, a64_add_rri(b, true, X0, X1, 0x1001));
    E(A64_ERR_IMM, a64_add_rri(b, true, X0, X1, 0x1000000));
    E(A64_ERR_IMM, a64_add_rri(b, true, X0, X1, INT64_MIN));
    E(A64_ERR_REG, a64_add_rri(b, true, ZR, X1, 1));
    E(A64_ERR_REG, a64_addsub_imm(b, A64_SUBS, true, SP, X1, 1, false));

    /* Carry forms. */
    T("adc x0, x1, x2", a64_adc(b, true, X0, X1, X2));
    T("adcs w0, w1, w2", a64_adcs(b, false, X0, X1, X2));
    T("ngc x30, x2", a64_sbc(b, true, X30, ZR, X2));
    T("sbcs w0, w1, w2", a64_sbcs(b, false, X0, X1, X2));
    E(A64_ERR_REG, a64_adc(b, true, SP, X1, X2));
    DONE();
}
END_TEST

START_TEST(test_logical)
{
    T("and x0, x1, x2", a64_and_rrr(b, true, X0, X1, X2));
    T("orr w0, w1, w2", a64_orr_rrr(b, false, X0, X1, X2));
    T("eor x0, x1, x2", a64_eor_rrr(b, true, X0, X1, X2));
    T("ands x0, x1, x2", a64_ands_rrr(b, true, X0, X1, X2));
    T("bic x0, x1, x2", a64_bic_rrr(b, true, X0, X1, X2));
    T("orn w0, w1, w2", a64_orn_rrr(b, false, X0, X1, X2));
    T("eon x0, x1, x2", a64_eon_rrr(b, true, X0, X1, X2));
    T("bics x0, x1, x2, ror #63",
      a64_logic_shift(b, A64_BICS, true, X0, X1, X2, A64_ROR, 63));
    T("eor w0, w1, w2, lsr #31",
      a64_logic_shift(b, A64_EOR, false, X0, X1, X2, A64_LSR, 31));
    T("tst x1, x2", a64_tst_rr(b, true, X1, X2));
    T("mvn w0, w1", a64_mvn(b, false, X0, X1));
    T("mov x0, x30", a64_mov_rr(b, true, X0, X30));
    T("mov w0, wzr", a64_mov_rr(b, false, X0, ZR));
    T("mov sp, x1", a64_mov_rr(b, true, SP, X1));
    T("mov x29, sp", a64_mov_rr(b, true, X29, SP));
    E(A64_ERR_REG, a64_mov_rr(b, true, SP, ZR));
    E(A64_ERR_IMM,
      a64_logic_shift(b, A64_AND, false, X0, X1, X2, A64_LSL, 32));

    T("and x0, x1, #0xff", a64_logic_imm(b, A64_AND, true, X0, X1, 0xff));
    T("orr w0, w1, #0x80000000",
      a64_logic_imm(b, A64_ORR, false, X0, X1, 0x80000000));
    T("eor x0, x1, #0xaaaaaaaaaaaaaaaa",
      a64_logic_imm(b, A64_EOR, true, X0, X1, 0xaaaaaaaaaaaaaaaaull));
    T("and sp, x1, #0xfffffffffffffff0",
      a64_logic_imm(b, A64_AND, true, SP, X1, ~0xfull));
    T("ands w0, w1, #1", a64_logic_imm(b, A64_ANDS, false, X0, X1, 1));
    T("tst x1, #0x8000000000000000",
      a64_tst_ri(b, true, X1, 0x8000000000000000ull));
    E(A64_ERR_IMM, a64_logic_imm(b, A64_AND, true, X0, X1, 0));
    E(A64_ERR_IMM, a64_logic_imm(b, A64_AND, true, X0, X1, ~0ull));
    E(A64_ERR_IMM, a64_logic_imm(b, A64_ORR, true, X0, X1, 0x1234));
    E(A64_ERR_IMM, a64_logic_imm(b, A64_ORR, false, X0, X1, 0x100000000ull));
    E(A64_ERR_OPERAND, a64_logic_imm(b, A64_BIC, true, X0, X1, 0xff));
    E(A64_ERR_REG, a64_logic_imm(b, A64_ANDS, true, SP, X1, 0xff));
    E(A64_ERR_REG, a64_logic_imm(b, A64_AND, true, X0, SP, 0xff));
    DONE();
}
END_TEST

START_TEST(test_shift_bitfield)
{
    T("lsl x0, x1, x2", a64_shift_rrr(b, A64_LSL, true, X0, X1, X2));
    T("lsr w0, w1, w2", a64_shift_rrr(b, A64_LSR, false, X0, X1, X2));
    T("asr x0, x1, x2", a64_shift_rrr(b, A64_ASR, true, X0, X1, X2));
    T("ror w0, w1, w2", a64_shift_rrr(b, A64_ROR, false, X0, X1, X2));
    T("lsl x0, x1, #1", a64_shift_rri(b, A64_LSL, true, X0, X1, 1));
    T("lsl x0, x1, #0x3f", a64_shift_rri(b, A64_LSL, true, X0, X1, 63));
    T("lsl w0, w1, #0x1f", a64_shift_rri(b, A64_LSL, false, X0, X1, 31));
    T("lsr x0, x1, #0x3f", a64_shift_rri(b, A64_LSR, true, X0, X1, 63));
    T("asr w0, w1, #7", a64_shift_rri(b, A64_ASR, false, X0, X1, 7));
    T("ror x0, x1, #0xd", a64_shift_rri(b, A64_ROR, true, X0, X1, 13));
    E(A64_ERR_IMM, a64_shift_rri(b, A64_LSL, false, X0, X1, 32));
    E(A64_ERR_IMM, a64_shift_rri(b, A64_LSR, true, X0, X1, 64));

    T("ubfx x0, x1, #8, #8", a64_ubfx(b, true, X0, X1, 8, 8));
    T("lsr w0, w1, #0x1f", a64_ubfx(b, false, X0, X1, 31, 1));
    T("sbfx x0, x1, #0, #0x28", a64_sbfx(b, true, X0, X1, 0, 40));
    T("bfi x0, x1, #8, #0x10", a64_bfi(b, true, X0, X1, 8, 16));
    T("bfxil w0, w1, #4, #4", a64_bfxil(b, false, X0, X1, 4, 4));
    T("ubfiz x0, x1, #3, #0x1d", a64_ubfiz(b, true, X0, X1, 3, 29));
    T("uxtb w0, w1", a64_uxtb(b, X0, X1));
    T("uxth w0, w1", a64_uxth(b, X0, X1));
    T("sxtb x0, w1", a64_sxtb(b, true, X0, X1));
    T("sxth w0, w1", a64_sxth(b, false, X0, X1));
    T("sxtw x0, w1", a64_sxtw(b, X0, X1));
    T("lsr x0, x1, #0", a64_ubfm(b, true, X0, X1, 0, 63));
    T("asr w0, w1, #1", a64_sbfm(b, false, X0, X1, 1, 31));
    T("bfxil x30, xzr, #0, #1", a64_bfm(b, true, X30, ZR, 0, 0));
    T("extr x0, x1, x2, #0x3f", a64_extr(b, true, X0, X1, X2, 63));
    T("extr w0, w1, w2, #1", a64_extr(b, false, X0, X1, X2, 1));
    E(A64_ERR_IMM, a64_ubfx(b, false, X0, X1, 16, 17));
    E(A64_ERR_IMM, a64_bfi(b, true, X0, X1, 0, 0));
    E(A64_ERR_IMM, a64_ubfm(b, false, X0, X1, 32, 0));
    E(A64_ERR_IMM, a64_extr(b, false, X0, X1, X2, 32));
    E(A64_ERR_REG, a64_uxtb(b, SP, X1));
    DONE();
}
END_TEST

START_TEST(test_muldiv_bits)
{
    T("madd x0, x1, x2, x3", a64_madd(b, true, X0, X1, X2, X3));
    T("msub w0, w1, w2, w3", a64_msub(b, false, X0, X1, X2, X3));
    T("mul x0, x1, x2", a64_mul_rrr(b, true, X0, X1, X2));
    T("mul w30, w29, w28", a64_mul_rrr(b, false, X30, X29, X28));
    T("smulh x0, x1, x2", a64_smulh(b, X0, X1, X2));
    T("umulh x0, x1, x2", a64_umulh(b, X0, X1, X2));
    T("smaddl x0, w1, w2, x3", a64_smaddl(b, X0, X1, X2, X3));
    T("umaddl x0, w1, w2, x3", a64_umaddl(b, X0, X1, X2, X3));
    T("smull x0, w1, w2", a64_smull(b, X0, X1, X2));
    T("umull x0, w1, w2", a64_umull(b, X0, X1, X2));
    T("udiv x0, x1, x2", a64_udiv(b, true, X0, X1, X2));
    T("sdiv w0, w1, w2", a64_sdiv(b, false, X0, X1, X2));
    T("clz x0, x1", a64_clz(b, true, X0, X1));
    T("clz w0, w1", a64_clz(b, false, X0, X1));
    T("cls x0, x1", a64_cls(b, true, X0, X1));
    T("rbit x0, x1", a64_rbit(b, true, X0, X1));
    T("rev x0, x1", a64_rev(b, true, X0, X1));
    T("rev w0, w1", a64_rev(b, false, X0, X1));
    T("rev16 x0, x1", a64_rev16(b, true, X0, X1));
    T("rev16 w0, w1", a64_rev16(b, false, X0, X1));
    T("rev32 x0, x1", a64_rev32(b, X0, X1));
    E(A64_ERR_REG, a64_mul_rrr(b, true, X0, SP, X1));
    E(A64_ERR_REG, a64_clz(b, true, SP, X1));
    DONE();
}
END_TEST

START_TEST(test_condsel)
{
    T("csel x0, x1, x2, eq", a64_csel(b, true, X0, X1, X2, A64_EQ));
    T("csel w0, w1, w2, nv", a64_csel(b, false, X0, X1, X2, A64_NV));
    T("csinc x0, x1, x2, lt", a64_csinc(b, true, X0, X1, X2, A64_LT));
    T("csinv w0, w1, w2, hi", a64_csinv(b, false, X0, X1, X2, A64_HI));
    T("csneg x0, x1, x2, vs", a64_csneg(b, true, X0, X1, X2, A64_VS));
    T("cset x0, eq", a64_cset(b, true, X0, A64_EQ));
    T("cset w3, lo", a64_cset(b, false, X3, A64_LO));
    T("csetm x0, gt", a64_csetm(b, true, X0, A64_GT));
    T("csetm w0, ls", a64_csetm(b, false, X0, A64_LS));
    T("ccmp x1, x2, #0, ne", a64_ccmp(b, true, X1, X2, 0, A64_NE));
    T("ccmp w1, w2, #0xf, ge", a64_ccmp(b, false, X1, X2, 15, A64_GE));
    T("ccmn x1, x2, #4, eq", a64_ccmn(b, true, X1, X2, A64_NZCV_Z, A64_EQ));
    T("ccmp x1, #0x1f, #8, mi", a64_ccmp_imm(b, true, X1, 31, 8, A64_MI));
    T("ccmn w1, #0, #2, pl", a64_ccmn_imm(b, false, X1, 0, 2, A64_PL));
    E(A64_ERR_OPERAND, a64_cset(b, true, X0, A64_AL));
    E(A64_ERR_IMM, a64_ccmp_imm(b, true, X1, 32, 0, A64_EQ));
    E(A64_ERR_OPERAND, a64_ccmp(b, true, X1, X2, 16, A64_EQ));
    E(A64_ERR_REG, a64_csel(b, true, SP, X1, X2, A64_EQ));
    DONE();
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Memory                                                                  */

START_TEST(test_ldst)
{
    T("ldr x0, [x1]", a64_ldst(b, A64_LDR_X, X0, X1, 0));
    T("ldr x0, [sp, #0x7ff8]", a64_ldst(b, A64_LDR_X, X0, SP, 32760));
    T("str w30, [x2, #0x3ffc]", a64_ldst(b, A64_STR_W, X30, X2, 16380));
    T("strb wzr, [x1, #0xfff]", a64_ldst(b, A64_STRB, ZR, X1, 4095));
    T("ldrb w0, [x1, #1]", a64_ldst(b, A64_LDRB, X0, X1, 1));
    T("ldrh w0, [x1, #2]", a64_ldst(b, A64_LDRH, X0, X1, 2));
    T("strh w0, [x1, #0x1ffe]", a64_ldst(b, A64_STRH, X0, X1, 8190));
    T("ldrsb x0, [x1]", a64_ldst(b, A64_LDRSB_X, X0, X1, 0));
    T("ldrsb w0, [x1]", a64_ldst(b, A64_LDRSB_W, X0, X1, 0));
    T("ldrsh x0, [x1, #4]", a64_ldst(b, A64_LDRSH_X, X0, X1, 4));
    T("ldrsh w0, [x1]", a64_ldst(b, A64_LDRSH_W, X0, X1, 0));
    T("ldrsw x0, [x1, #4]", a64_ldst(b, A64_LDRSW, X0, X1, 4));
    T("ldr q0, [x1, #0x10]", a64_ldst(b, A64_LDR_Q, 0, X1, 16));
    T("str q31, [sp, #0xfff0]", a64_ldst(b, A64_STR_Q, 31, SP, 65520));
    T("ldr d1, [x1, #8]", a64_ldst(b, A64_LDR_D, 1, X1, 8));
    T("str s2, [x1, #4]", a64_ldst(b, A64_STR_S, 2, X1, 4));
    /* Negative or misaligned offsets fall back to the unscaled form. */
    T("ldur x0, [x1, #-8]", a64_ldst(b, A64_LDR_X, X0, X1, -8));
    T("ldur x0, [x1, #3]", a64_ldst(b, A64_LDR_X, X0, X1, 3));
    T("stur w0, [x1, #0xff]", a64_ldst(b, A64_STR_W, X0, X1, 255));
    T("ldursw x0, [x1, #-0x100]", a64_ldst_unscaled(b, A64_LDRSW, X0, X1, -256));
    T("ldur q0, [x1, #1]", a64_ldst(b, A64_LDR_Q, 0, X1, 1));
    E(A64_ERR_IMM, a64_ldst(b, A64_LDR_X, X0, X1, 32768));
    E(A64_ERR_IMM, a64_ldst(b, A64_LDR_X, X0, X1, -257));
    E(A64_ERR_ALIGN, a64_ldst_uoff(b, A64_LDR_W, X0, X1, 2));
    E(A64_ERR_REG, a64_ldst(b, A64_LDR_X, SP, X1, 0));
    E(A64_ERR_REG, a64_ldst(b, A64_LDR_X, X0, ZR, 0));
    E(A64_ERR_OPERAND, a64_ldst(b, (A64MemOp)0xb, X0, X1, 0));

    T("ldr x0, [x1, #8]!", a64_ldst_pre(b, A64_LDR_X, X0, X1, 8));
    T("str x30, [sp, #-0x10]!", a64_ldst_pre(b, A64_STR_X, X30, SP, -16));
    T("ldr x0, [x1], #0xff", a64_ldst_post(b, A64_LDR_X, X0, X1, 255));
    T("strb w0, [x1], #0xffffffffffffff00", a64_ldst_post(b, A64_STRB, X0, X1, -256));
    E(A64_ERR_OPERAND, a64_ldst_post(b, A64_LDR_X, X1, X1, 8));
    E(A64_ERR_IMM, a64_ldst_pre(b, A64_LDR_X, X0, X1, 256));

    T("ldr x0, [x1, x2]",
      a64_ldst_reg(b, A64_LDR_X, X0, X1, X2, A64_UXTX, false));
    T("ldr x0, [x1, x2, lsl #3]",
      a64_ldst_reg(b, A64_LDR_X, X0, X1, X2, A64_UXTX, true));
    T("ldrb w0, [x1, w2, uxtw]",
      a64_ldst_reg(b, A64_LDRB, X0, X1, X2, A64_UXTW, false));
    T("strh w0, [sp, w2, sxtw #1]",
      a64_ldst_reg(b, A64_STRH, X0, SP, X2, A64_SXTW, true));
    T("ldrsw x0, [x1, x2, sxtx #2]",
      a64_ldst_reg(b, A64_LDRSW, X0, X1, X2, A64_SXTX, true));
    T("ldr q0, [x1, x2, lsl #4]",
      a64_ldst_reg(b, A64_LDR_Q, 0, X1, X2, A64_UXTX, true));
    E(A64_ERR_OPERAND,
      a64_ldst_reg(b, A64_LDR_X, X0, X1, X2, A64_UXTB, false));
    E(A64_ERR_REG, a64_ldst_reg(b, A64_LDR_X, X0, X1, SP, A64_UXTX, false));
    DONE();
}
END_TEST

START_TEST(test_pairs)
{
    T("stp x29, x30, [sp, #-0x10]!",
      a64_ldstp(b, A64_STP_X, A64_IDX_PRE, X29, X30, SP, -16));
    T("ldp x29, x30, [sp], #0x10",
      a64_ldstp(b, A64_LDP_X, A64_IDX_POST, X29, X30, SP, 16));
    T("ldp x0, x1, [x2, #0x1f8]",
      a64_ldstp(b, A64_LDP_X, A64_IDX_OFF, X0, X1, X2, 504));
    T("stp w0, w1, [x2, #-0x100]",
      a64_ldstp(b, A64_STP_W, A64_IDX_OFF, X0, X1, X2, -256));
    T("ldpsw x0, x1, [x2, #8]",
      a64_ldstp(b, A64_LDPSW, A64_IDX_OFF, X0, X1, X2, 8));
    T("stp q0, q1, [sp, #0x20]",
      a64_ldstp(b, A64_STP_Q, A64_IDX_OFF, 0, 1, SP, 32));
    T("ldp d8, d9, [x0]",
      a64_ldstp(b, A64_LDP_D, A64_IDX_OFF, 8, 9, X0, 0));
    T("ldp s0, s1, [x0, #4]!",
      a64_ldstp(b, A64_LDP_S, A64_IDX_PRE, 0, 1, X0, 4));
    E(A64_ERR_IMM, a64_ldstp(b, A64_LDP_X, A64_IDX_OFF, X0, X1, X2, 512));
    E(A64_ERR_ALIGN, a64_ldstp(b, A64_LDP_X, A64_IDX_OFF, X0, X1, X2, 4));
    E(A64_ERR_OPERAND, a64_ldstp(b, A64_LDP_X, A64_IDX_OFF, X0, X0, X2, 0));
    E(A64_ERR_OPERAND, a64_ldstp(b, A64_STP_X, A64_IDX_PRE, X0, X2, X2, 16));
    T("stp x0, x1, [x2]", a64_ldstp(b, A64_STP_X, A64_IDX_OFF, X0, X1, X2, 0));
    DONE();
}
END_TEST

START_TEST(test_exclusive)
{
    T("ldxr x0, [x1]", a64_ldxr(b, 3, X0, X1));
    T("ldxrb w0, [sp]", a64_ldxr(b, 0, X0, SP));
    T("ldaxr w0, [x1]", a64_ldaxr(b, 2, X0, X1));
    T("ldaxrh w0, [x1]", a64_ldaxr(b, 1, X0, X1));
    T("stxr w2, x0, [x1]", a64_stxr(b, 3, X2, X0, X1));
    T("stlxr w2, w0, [x1]", a64_stlxr(b, 2, X2, X0, X1));
    T("stlxrb w30, w0, [x1]", a64_stlxr(b, 0, X30, X0, X1));
    T("ldxp x0, x1, [x2]", a64_ldxp(b, true, X0, X1, X2));
    T("ldaxp w0, w1, [x2]", a64_ldaxp(b, false, X0, X1, X2));
    T("stxp w3, x0, x1, [x2]", a64_stxp(b, true, X3, X0, X1, X2));
    T("stlxp w3, x0, x1, [sp]", a64_stlxp(b, true, X3, X0, X1, SP));
    T("ldar x0, [x1]", a64_ldar(b, 3, X0, X1));
    T("ldarb w0, [x1]", a64_ldar(b, 0, X0, X1));
    T("stlr w0, [x1]", a64_stlr(b, 2, X0, X1));
    T("stlrh w0, [sp]", a64_stlr(b, 1, X0, SP));
    E(A64_ERR_OPERAND, a64_stxr(b, 3, X0, X0, X1));
    E(A64_ERR_OPERAND, a64_stlxr(b, 3, X1, X0, X1));
    E(A64_ERR_OPERAND, a64_ldaxp(b, true, X0, X0, X1));
    E(A64_ERR_OPERAND, a64_ldar(b, 4, X0, X1));
    E(A64_ERR_REG, a64_ldar(b, 3, X0, ZR));
    DONE();
}
END_TEST

/* Capstone 4 predates LSE and LRCPC: words as llvm-mc-16 encodes them. */
START_TEST(test_lse)
{
    W(0xc8a07c41, a64_cas(b, 3, 0, X0, X1, X2));           /* cas x0, x1, [x2] */
    W(0x88e0ffe1, a64_cas(b, 2, A64_ORD_AR, X0, X1, SP));  /* casal w0, w1, [sp] */
    W(0x08e07c41, a64_cas(b, 0, A64_ORD_ACQ, X0, X1, X2)); /* casab w0, w1, [x2] */
    W(0x48a0fc41, a64_cas(b, 1, A64_ORD_REL, X0, X1, X2)); /* caslh w0, w1, [x2] */
    W(0x48207c82, a64_casp(b, true, 0, X0, X2, X4));       /* casp x0, x1, x2, x3, [x4] */
    W(0x0862fcc4, a64_casp(b, false, A64_ORD_AR, X2, X4, X6)); /* caspal w2, w3, w4, w5, [x6] */
    W(0xf8e08041, a64_swp(b, 3, A64_ORD_AR, X0, X1, X2));  /* swpal x0, x1, [x2] */
    W(0xb8208041, a64_swp(b, 2, 0, X0, X1, X2));           /* swp w0, w1, [x2] */
    W(0xb8e00041, a64_ldop(b, A64_LDADD, 2, A64_ORD_AR, X0, X1, X2)); /* ldaddal w0, w1, [x2] */
    W(0xf820003f, a64_ldop(b, A64_LDADD, 3, 0, X0, ZR, X1)); /* stadd x0, [x1] */
    W(0xf8e313e4, a64_ldop(b, A64_LDCLR, 3, A64_ORD_AR, X3, X4, SP)); /* ldclral x3, x4, [sp] */
    W(0x38a02041, a64_ldop(b, A64_LDEOR, 0, A64_ORD_ACQ, X0, X1, X2)); /* ldeorab w0, w1, [x2] */
    W(0x78603041, a64_ldop(b, A64_LDSET, 1, A64_ORD_REL, X0, X1, X2)); /* ldsetlh w0, w1, [x2] */
    W(0xf8bfc020, a64_ldapr(b, 3, X0, X1));                /* ldapr x0, [x1] */
    W(0x38bfc020, a64_ldapr(b, 0, X0, X1));                /* ldaprb w0, [x1] */
    W(0xb8bfc3e0, a64_ldapr(b, 2, X0, SP));                /* ldapr w0, [sp] */
    E(A64_ERR_REG, a64_casp(b, true, 0, X1, X2, X4));
    E(A64_ERR_REG, a64_casp(b, true, 0, X30, X2, X4));
    E(A64_ERR_OPERAND, a64_ldop(b, (A64AtomOp)4, 3, 0, X0, X1, X2));
    E(A64_ERR_OPERAND, a64_swp(b, 3, 4, X0, X1, X2));
    E(A64_ERR_REG, a64_ldapr(b, 3, SP, X1));
    DONE();
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Control flow and system                                                 */

START_TEST(test_branches)
{
    T("b #0x1000", a64_b(b, 0));
    T("b #0x8000ffc", a64_b(b, 0x7fffffc));
    T("bl #0xfffffffff8001000", a64_bl(b, -0x8000000));
    T("b.eq #0x1008", a64_bcond(b, A64_EQ, 8));
    T("b.le #0xffc", a64_bcond(b, A64_LE, -4));
    T("b.ne #0x100ffc", a64_bcond(b, A64_NE, 0xffffc));
    T("cbz x0, #0x1010", a64_cbz(b, true, X0, 16));
    T("cbnz w30, #0xf00", a64_cbnz(b, false, X30, -256));
    T("tbz w0, #0, #0x1004", a64_tbz(b, X0, 0, 4));
    T("tbnz x1, #0x3f, #0x8ffc", a64_tbnz(b, X1, 63, 0x7ffc));
    T("tbz w2, #0x1f, #0xffffffffffff9000", a64_tbz(b, X2, 31, -0x8000));
    T("br x16", a64_br(b, X16));
    T("blr x30", a64_blr(b, X30));
    T("ret", a64_ret(b, X30));
    T("ret x1", a64_ret(b, X1));
    T("adr x0, #0x1004", a64_adr(b, X0, 4));
    T("adr x30, #0xfffffffffff01000", a64_adr(b, X30, -0x100000));
    T("adrp x1, #0x2000", a64_adrp(b, X1, 4096));
    T("adrp x1, #0xffffffff00001000", a64_adrp(b, X1, -0x100000000ll));
    E(A64_ERR_RANGE, a64_b(b, 0x8000000));
    E(A64_ERR_ALIGN, a64_b(b, 2));
    E(A64_ERR_RANGE, a64_bcond(b, A64_EQ, 0x100000));
    E(A64_ERR_RANGE, a64_tbz(b, X0, 1, 0x8000));
    E(A64_ERR_IMM, a64_tbz(b, X0, 64, 0));
    E(A64_ERR_REG, a64_br(b, SP));
    E(A64_ERR_REG, a64_cbz(b, true, SP, 0));
    E(A64_ERR_RANGE, a64_adr(b, X0, 0x100000));
    E(A64_ERR_ALIGN, a64_adrp(b, X0, 4095));
    DONE();
}
END_TEST

/* An address off p without pointer arithmetic outside the array (the
 * targets are only compared, never dereferenced). */
#define AT(p, off) ((const void *)((uintptr_t)(p) + (intptr_t)(off)))

START_TEST(test_patch)
{
    uint32_t *code = mem;
    char got[256];

    START();
    a64_b(b, 0);
    a64_bcond(b, A64_GT, 0);
    a64_cbnz(b, false, X3, 0);
    a64_tbz(b, X5, 40, 0);
    a64_bl(b, 0);
    a64_nop(b);
    ck_assert_int_eq(a64_patch_branch(&code[0], &code[5]), A64_OK);
    ck_assert_int_eq(a64_patch_branch(&code[1], &code[0]), A64_OK);
    ck_assert_int_eq(a64_patch_branch(&code[2], &code[40]), A64_OK);
    ck_assert_int_eq(a64_patch_branch(&code[3], &code[3]), A64_OK);
    ck_assert_int_eq(a64_patch_branch(&code[4], &code[1]), A64_OK);
    disasm(got, sizeof(got));
    ck_assert_str_eq(got, "b #0x1014; b.gt #0x1000; cbnz w3, #0x10a0; "
                     "tbz x5, #0x28, #0x100c; bl #0x1004; nop");
    ck_assert_ptr_eq(a64_branch_target(&code[2]), &code[40]);
    ck_assert_ptr_eq(a64_branch_target(&code[4]), &code[1]);
    ck_assert_ptr_null(a64_branch_target(&code[5]));
    /* Not a branch, misaligned, out of range: left unchanged. */
    ck_assert_int_eq(a64_patch_branch(&code[5], &code[0]), A64_ERR_OPERAND);
    ck_assert_int_eq(a64_patch_branch(&code[0], AT(&code[1], 2)),
                     A64_ERR_ALIGN);
    ck_assert_int_eq(a64_patch_branch(&code[3], AT(&code[3], 0x8000)),
                     A64_ERR_RANGE);
    ck_assert_int_eq(a64_patch_branch(&code[0], AT(&code[0], 0x8000000)),
                     A64_ERR_RANGE);
    disasm(got, sizeof(got));
    ck_assert_str_eq(got, "b #0x1014; b.gt #0x1000; cbnz w3, #0x10a0; "
                     "tbz x5, #0x28, #0x100c; bl #0x1004; nop");
    /* The far end of B's range. */
    ck_assert_int_eq(a64_patch_branch(&code[0], AT(&code[0], -0x8000000)),
                     A64_OK);
    ck_assert_ptr_eq(a64_branch_target(&code[0]), AT(&code[0], -0x8000000));
}
END_TEST

START_TEST(test_system)
{
    T("dmb ish", a64_dmb(b, A64_BAR_ISH));
    T("dmb ishld", a64_dmb(b, A64_BAR_ISHLD));
    T("dmb ishst", a64_dmb(b, A64_BAR_ISHST));
    T("dmb sy", a64_dmb(b, A64_BAR_SY));
    T("dsb ish", a64_dsb(b, A64_BAR_ISH));
    T("isb", a64_isb(b));
    T("nop", a64_nop(b));
    T("brk #0", a64_brk(b, 0));
    T("brk #0xffff", a64_brk(b, 0xffff));
    T("svc #0", a64_svc(b, 0));
    T("mrs x0, nzcv", a64_mrs(b, X0, A64_SYS_NZCV));
    T("msr nzcv, x30", a64_msr(b, A64_SYS_NZCV, X30));
    T("mrs x1, fpcr", a64_mrs(b, X1, A64_SYS_FPCR));
    T("msr fpcr, x1", a64_msr(b, A64_SYS_FPCR, X1));
    T("mrs x2, fpsr", a64_mrs(b, X2, A64_SYS_FPSR));
    E(A64_ERR_OPERAND, a64_dmb(b, (A64Barrier)0));
    E(A64_ERR_REG, a64_mrs(b, SP, A64_SYS_NZCV));
    DONE();
}
END_TEST

START_TEST(test_neon)
{
    T("mov v0.16b, v1.16b", a64_vmov(b, true, 0, 1));
    T("mov v31.8b, v30.8b", a64_vmov(b, false, 31, 30));
    T("orr v0.16b, v1.16b, v2.16b", a64_vorr(b, true, 0, 1, 2));
    T("and v0.16b, v1.16b, v2.16b", a64_vand(b, true, 0, 1, 2));
    T("eor v0.8b, v1.8b, v2.8b", a64_veor(b, false, 0, 1, 2));
    T("bic v0.16b, v1.16b, v2.16b", a64_vbic(b, true, 0, 1, 2));
    T("add v0.16b, v1.16b, v2.16b", a64_vadd(b, true, A64_E8, 0, 1, 2));
    T("add v0.4h, v1.4h, v2.4h", a64_vadd(b, false, A64_E16, 0, 1, 2));
    T("add v0.4s, v1.4s, v2.4s", a64_vadd(b, true, A64_E32, 0, 1, 2));
    T("add v0.2d, v1.2d, v2.2d", a64_vadd(b, true, A64_E64, 0, 1, 2));
    T("sub v31.2s, v1.2s, v2.2s", a64_vsub(b, false, A64_E32, 31, 1, 2));
    T("sub v0.2d, v1.2d, v2.2d", a64_vsub(b, true, A64_E64, 0, 1, 2));
    T("cmeq v0.8h, v1.8h, v2.8h", a64_vcmeq(b, true, A64_E16, 0, 1, 2));
    T("cmgt v0.16b, v1.16b, v2.16b", a64_vcmgt(b, true, A64_E8, 0, 1, 2));
    T("cmgt v0.2d, v1.2d, v2.2d", a64_vcmgt(b, true, A64_E64, 0, 1, 2));
    T("shl v0.4s, v1.4s, #0x1f", a64_vshl_imm(b, true, A64_E32, 0, 1, 31));
    T("shl v0.16b, v1.16b, #0", a64_vshl_imm(b, true, A64_E8, 0, 1, 0));
    T("ushr v0.2d, v1.2d, #0x40", a64_vushr_imm(b, true, A64_E64, 0, 1, 64));
    T("ushr v0.8h, v1.8h, #1", a64_vushr_imm(b, true, A64_E16, 0, 1, 1));
    T("sshr v0.8b, v1.8b, #8", a64_vsshr_imm(b, false, A64_E8, 0, 1, 8));
    T("sshr v0.4s, v1.4s, #3", a64_vsshr_imm(b, true, A64_E32, 0, 1, 3));
    T("dup v0.16b, w1", a64_vdup_gpr(b, true, A64_E8, 0, X1));
    T("dup v0.4s, wzr", a64_vdup_gpr(b, true, A64_E32, 0, ZR));
    T("dup v0.2d, x30", a64_vdup_gpr(b, true, A64_E64, 0, X30));
    T("ins v0.s[3], w1", a64_vins_gpr(b, A64_E32, 0, 3, X1));
    T("ins v0.b[0xf], w1", a64_vins_gpr(b, A64_E8, 0, 15, X1));
    T("ins v31.d[1], x30", a64_vins_gpr(b, A64_E64, 31, 1, X30));
    T("umov w0, v1.b[7]", a64_vumov(b, A64_E8, X0, 1, 7));
    T("umov w0, v1.h[0]", a64_vumov(b, A64_E16, X0, 1, 0));
    T("mov w0, v1.s[2]", a64_vumov(b, A64_E32, X0, 1, 2));
    T("mov x0, v1.d[1]", a64_vumov(b, A64_E64, X0, 1, 1));
    T("fmov x0, d1", a64_fmov_to_gpr(b, true, X0, 1));
    T("fmov w0, s31", a64_fmov_to_gpr(b, false, X0, 31));
    T("fmov d2, x30", a64_fmov_from_gpr(b, true, 2, X30));
    T("fmov s2, wzr", a64_fmov_from_gpr(b, false, 2, ZR));
    E(A64_ERR_OPERAND, a64_vadd(b, false, A64_E64, 0, 1, 2));
    E(A64_ERR_IMM, a64_vshl_imm(b, true, A64_E8, 0, 1, 8));
    E(A64_ERR_IMM, a64_vushr_imm(b, true, A64_E8, 0, 1, 0));
    E(A64_ERR_OPERAND, a64_vins_gpr(b, A64_E32, 0, 4, X1));
    E(A64_ERR_REG, a64_vdup_gpr(b, true, A64_E8, 0, SP));
    E(A64_ERR_REG, a64_vadd(b, true, A64_E8, 32, 1, 2));
    DONE();
}
END_TEST

/* Memory-op selection for the IR lowering, checked through capstone. */
START_TEST(test_memop_select)
{
    static const struct {
        int size;
        bool sign, sf;
        const char *text;
    } loads[] = {
        { 0, false, false, "ldrb w0, [x1]" }, { 0, true, false, "ldrsb w0, [x1]" },
        { 0, true, true, "ldrsb x0, [x1]" },  { 1, false, true, "ldrh w0, [x1]" },
        { 1, true, false, "ldrsh w0, [x1]" }, { 1, true, true, "ldrsh x0, [x1]" },
        { 2, false, true, "ldr w0, [x1]" },   { 2, true, false, "ldr w0, [x1]" },
        { 2, true, true, "ldrsw x0, [x1]" },  { 3, true, true, "ldr x0, [x1]" },
    };
    static const char *const stores[] = {
        "strb w0, [x1]", "strh w0, [x1]", "str w0, [x1]", "str x0, [x1]",
    };
    static const unsigned bytes[] = { 1, 2, 4, 8 };

    for (size_t i = 0; i < sizeof(loads) / sizeof(loads[0]); i++) {
        A64MemOp op = a64_memop_load(loads[i].size, loads[i].sign, loads[i].sf);
        T(loads[i].text, a64_ldst(b, op, X0, X1, 0));
        ck_assert_uint_eq(a64_memop_bytes(op), bytes[loads[i].size]);
    }
    for (int i = 0; i < 4; i++) {
        T(stores[i], a64_ldst(b, a64_memop_store(i), X0, X1, 0));
    }
    ck_assert_int_eq(a64_memop_load(3, false, false), A64_MEMOP_INVALID);
    ck_assert_int_eq(a64_memop_store(4), A64_MEMOP_INVALID);
    E(A64_ERR_OPERAND, a64_ldst(b, A64_MEMOP_INVALID, X0, X1, 0));
    ck_assert_uint_eq(a64_memop_bytes(A64_LDR_Q), 16);
    ck_assert_uint_eq(a64_memop_bytes(A64_STR_D), 8);
    ck_assert_uint_eq(a64_memop_bytes(A64_LDR_S), 4);
    DONE();
}
END_TEST

/* The register convention in a64-regs.h must be self-consistent: 16
 * distinct guest registers that collide with nothing reserved. */
START_TEST(test_convention)
{
    uint32_t used = 0;

    for (int n = 0; n < 16; n++) {
        int r = a64_guest_gpr(n);
        ck_assert_int_ge(r, 0);
        ck_assert_int_le(r, 30);
        ck_assert_msg(!(used & (1u << r)), "x%d used twice", r);
        used |= 1u << r;
    }
    ck_assert_uint_eq(used & A64_TEMP_REGS_MASK, 0);
    ck_assert_uint_eq(used & (1u << A64_REG_ENV | 1u << A64_REG_GUEST_BASE |
                              1u << A64_REG_TMP0 | 1u << A64_REG_TMP1 |
                              1u << 18 | 1u << A64_FP | 1u << A64_LR), 0);
    ck_assert_int_eq(a64_guest_gpr(0), A64_X19);    /* RAX */
    ck_assert_int_eq(a64_guest_gpr(15), A64_X15);   /* R15 */
    ck_assert_str_eq(a64_reg_name(A64_ZR, true), "xzr");
    ck_assert_str_eq(a64_reg_name(A64_SP, false), "wsp");
    ck_assert_str_eq(a64_reg_name(A64_X30, false), "w30");
    ck_assert_str_eq(a64_reg_name(33, true), "?");
    ck_assert_str_eq(a64_cond_name(A64_HS), "hs");
    ck_assert_int_eq(a64_cond_invert(A64_GE), A64_LT);
    ck_assert_int_eq(a64_cond_invert(A64_HI), A64_LS);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Bitmask immediates against brute force                                  */

/*
 * The brute-force loops below make about a million checks. ck_assert()
 * reports every passing check to the parent process (_mark_point: a write
 * per check), which made test_bitmask_brute take seconds natively and
 * overrun the tcase timeout under qemu-aarch64. HOT_ASSERT only calls into
 * Check when the condition fails; the message says which check.
 */
#define HOT_ASSERT(cond, ...) \
    do { \
        if (!(cond)) { \
            ck_abort_msg(__VA_ARGS__); \
        } \
    } while (0)

static int cmp_u64(const void *a, const void *b2)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b2;
    return x < y ? -1 : x > y;
}

static bool in_set(const uint64_t *set, size_t n, uint64_t v)
{
    return bsearch(&v, set, n, sizeof(*set), cmp_u64) != NULL;
}

/* All values of (N, immr, imms) with a64t_decode_bitmask, sorted, unique. */
static size_t enumerate(bool sf, uint64_t *set)
{
    size_t n = 0, i, k = 0;

    for (int nbit = 0; nbit <= (sf ? 1 : 0); nbit++) {
        for (int immr = 0; immr < 64; immr++) {
            for (int imms = 0; imms < 64; imms++) {
                uint64_t v;
                if (a64t_decode_bitmask(sf, nbit, immr, imms, &v)) {
                    set[n++] = v;
                }
            }
        }
    }
    qsort(set, n, sizeof(*set), cmp_u64);
    for (i = 0; i < n; i++) {
        if (k == 0 || set[k - 1] != set[i]) {
            set[k++] = set[i];
        }
    }
    return k;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* Encode v and check the result decodes back to v in canonical form. */
static void check_roundtrip(bool sf, uint64_t v)
{
    uint32_t enc;
    uint64_t back;
    int nbit, immr, imms;

    HOT_ASSERT(a64_logical_imm_encode(v, sf, &enc),
               "encodable %016llx (sf %d) rejected", (unsigned long long)v, sf);
    nbit = enc >> 12, immr = (enc >> 6) & 63, imms = enc & 63;
    HOT_ASSERT(a64t_decode_bitmask(sf, nbit, immr, imms, &back) && back == v,
               "%016llx encodes as N=%d immr=%d imms=%d",
               (unsigned long long)v, nbit, immr, imms);
    HOT_ASSERT(sf || (nbit == 0 && immr < 32), "%016llx: 32-bit encoding N=%d immr=%d",
               (unsigned long long)v, nbit, immr);
}

START_TEST(test_bitmask_brute)
{
    static uint64_t set[2 * 64 * 64];
    bool sf = _i;
    size_t n = enumerate(sf, set), i;
    uint64_t lim = sf ? ~0ull : 0xffffffffull;

    /* Known counts: 5334 patterns for 64-bit, 1302 for 32-bit. */
    ck_assert_uint_eq(n, sf ? 5334 : 1302);
    for (i = 0; i < n; i++) {
        check_roundtrip(sf, set[i]);
    }
    /* Random values (mostly not encodable) and near misses. */
    for (i = 0; i < 200000; i++) {
        /* one rnd() per statement: the order of operands is unspecified */
        uint64_t v = rnd() & lim, near = set[rnd() % n];
        near ^= 1ull << (rnd() % (sf ? 64 : 32));
        uint32_t enc;
        HOT_ASSERT(a64_logical_imm_encode(v, sf, &enc) == in_set(set, n, v),
                   "%016llx (sf %d): encoder and brute force disagree", (unsigned long long)v,
                   sf);
        HOT_ASSERT(a64_logical_imm_encode(near, sf, &enc) == in_set(set, n, near),
                   "%016llx (sf %d): encoder and brute force disagree",
                   (unsigned long long)near, sf);
    }
    if (!sf) {
        uint32_t enc;
        ck_assert(!a64_logical_imm_encode(0x100000001ull, false, &enc));
    }
}
END_TEST

/* ---------------------------------------------------------------------- */
/* a64_movi: semantics and length                                          */

static void check_movi(bool sf, uint64_t v)
{
    uint64_t got, want = sf ? v : (uint32_t)v;
    int nz = 0, nf = 0, nh = sf ? 4 : 2, len, single;
    uint32_t enc;

    START();
    HOT_ASSERT(a64_movi(b, sf, X7, v) == A64_OK, "movi %016llx (sf %d) failed",
               (unsigned long long)v, sf);
    len = b->pos / 4;
    HOT_ASSERT(len == a64_movi_len(sf, v), "movi %016llx (sf %d): %d insns, movi_len says %d",
               (unsigned long long)v, sf, len, a64_movi_len(sf, v));
    HOT_ASSERT(a64t_eval_movi(mem, len, sf, X7, &got),
               "movi %016llx: unexpected instruction", (unsigned long long)v);
    HOT_ASSERT(got == want, "movi %016llx gave %016llx",
               (unsigned long long)want, (unsigned long long)got);
    for (int i = 0; i < nh; i++) {
        unsigned h = (want >> (16 * i)) & 0xffff;
        nz += h != 0;
        nf += h != 0xffff;
    }
    single = nz <= 1 || nf <= 1 || a64_logical_imm_encode(want, sf, &enc);
    HOT_ASSERT((len == 1) == single, "movi %016llx (sf %d): %d insns, single insn possible: %d",
               (unsigned long long)want, sf, len, single);
    HOT_ASSERT(len <= (nz > nf ? (nf ? nf : 1) : (nz ? nz : 1)),
               "movi %016llx (sf %d): %d insns, %d non-zero and %d non-ffff halfwords",
               (unsigned long long)want, sf, len, nz, nf);
}

START_TEST(test_movi_values)
{
    static const uint64_t fixed[] = {
        0, 1, ~0ull, 0xffff, 0x10000, 0xffffffff, 0x100000000ull,
        0x8000000000000000ull, 0x7fffffffffffffffull, 0x00ff00ff00ff00ffull,
        0x123456789abcdef0ull, 0xffff0000ffff0000ull, 0x0000ffffffff0000ull,
        0xfedcba9876543210ull, 0x5555555555551234ull,
    };
    for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
        check_movi(true, fixed[i]);
        check_movi(false, fixed[i]);
    }
    for (int i = 0; i < 20000; i++) {
        uint64_t v = rnd();
        /* Bias towards halfwords of 0 and 0xffff, as real constants are. */
        for (int h = 0; h < 4; h++) {
            int r = rnd() % 4;
            if (r == 0) {
                v &= ~(0xffffull << (16 * h));
            } else if (r == 1) {
                v |= 0xffffull << (16 * h);
            }
        }
        check_movi(true, v);
        check_movi(false, v);
    }
}
END_TEST

static Suite *a64_enc_suite(void)
{
    Suite *s = suite_create("a64-enc");
    TCase *tc = tcase_create("encode");

    /* Each test takes well under a second natively; the default 4 s is too
     * tight under qemu-aarch64 (10-20x slower) on a loaded machine. */
    tcase_set_timeout(tc, 30);

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_buffer);
    tcase_add_test(tc, test_movewide);
    tcase_add_test(tc, test_movi_text);
    tcase_add_test(tc, test_addsub);
    tcase_add_test(tc, test_logical);
    tcase_add_test(tc, test_shift_bitfield);
    tcase_add_test(tc, test_muldiv_bits);
    tcase_add_test(tc, test_condsel);
    tcase_add_test(tc, test_ldst);
    tcase_add_test(tc, test_pairs);
    tcase_add_test(tc, test_exclusive);
    tcase_add_test(tc, test_lse);
    tcase_add_test(tc, test_branches);
    tcase_add_test(tc, test_patch);
    tcase_add_test(tc, test_system);
    tcase_add_test(tc, test_neon);
    tcase_add_test(tc, test_memop_select);
    tcase_add_test(tc, test_convention);
    tcase_add_loop_test(tc, test_bitmask_brute, 0, 2);
    tcase_add_test(tc, test_movi_values);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(a64_enc_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
