/*
 * a64-enc-bits.c — arm64 encoder, part two: shifts, bitfield moves and
 * their aliases, multiply/divide, one-source bit operations (CLZ, RBIT,
 * REV) and conditional select/compare.
 */
#include "backend-arm64/a64-enc.h"

#include "backend-arm64/a64-enc-int.h"

/* ---------------------------------------------------------------------- */
/* Shifts and bitfields                                                    */

static int dp2(A64Buf *b, uint32_t opcode, bool sf, int rd, int rn, int rm)
{
    int d = a64f_zr(rd), n = a64f_zr(rn), m = a64f_zr(rm);

    A64_REQUIRE(b, (d | n | m) >= 0, A64_ERR_REG);
    return a64_emit32(b, 0x1ac00000u | (uint32_t)sf << 31 | m << 16 |
                      opcode << 10 | n << 5 | d);
}

int a64_shift_rrr(A64Buf *b, A64Shift shift, bool sf, int rd, int rn, int rm)
{
    return dp2(b, 8 + shift, sf, rd, rn, rm);
}

int a64_udiv(A64Buf *b, bool sf, int rd, int rn, int rm)
{
    return dp2(b, 2, sf, rd, rn, rm);
}

int a64_sdiv(A64Buf *b, bool sf, int rd, int rn, int rm)
{
    return dp2(b, 3, sf, rd, rn, rm);
}

static int bitfield(A64Buf *b, uint32_t opc, bool sf, int rd, int rn,
                    int immr, int imms)
{
    int d = a64f_zr(rd), n = a64f_zr(rn), w = sf ? 64 : 32;

    A64_REQUIRE(b, (d | n) >= 0, A64_ERR_REG);
    A64_REQUIRE(b, immr >= 0 && immr < w && imms >= 0 && imms < w,
                A64_ERR_IMM);
    return a64_emit32(b, 0x13000000u | (uint32_t)sf << 31 | opc << 29 |
                      (uint32_t)sf << 22 | immr << 16 | imms << 10 |
                      n << 5 | d);
}

int a64_sbfm(A64Buf *b, bool sf, int rd, int rn, int immr, int imms)
{
    return bitfield(b, 0, sf, rd, rn, immr, imms);
}

int a64_bfm(A64Buf *b, bool sf, int rd, int rn, int immr, int imms)
{
    return bitfield(b, 1, sf, rd, rn, immr, imms);
}

int a64_ubfm(A64Buf *b, bool sf, int rd, int rn, int immr, int imms)
{
    return bitfield(b, 2, sf, rd, rn, immr, imms);
}

int a64_extr(A64Buf *b, bool sf, int rd, int rn, int rm, int lsb)
{
    int d = a64f_zr(rd), n = a64f_zr(rn), m = a64f_zr(rm);

    A64_REQUIRE(b, (d | n | m) >= 0, A64_ERR_REG);
    A64_REQUIRE(b, lsb >= 0 && lsb < (sf ? 64 : 32), A64_ERR_IMM);
    return a64_emit32(b, 0x13800000u | (uint32_t)sf << 31 |
                      (uint32_t)sf << 22 | m << 16 | lsb << 10 | n << 5 | d);
}

int a64_shift_rri(A64Buf *b, A64Shift shift, bool sf, int rd, int rn,
                  int amount)
{
    int w = sf ? 64 : 32;

    A64_REQUIRE(b, amount >= 0 && amount < w, A64_ERR_IMM);
    switch (shift) {
    case A64_LSL:
        return bitfield(b, 2, sf, rd, rn, (w - amount) % w, w - 1 - amount);
    case A64_LSR:
        return bitfield(b, 2, sf, rd, rn, amount, w - 1);
    case A64_ASR:
        return bitfield(b, 0, sf, rd, rn, amount, w - 1);
    case A64_ROR:
        return a64_extr(b, sf, rd, rn, rn, amount);
    }
    return a64_buf_fail(b, A64_ERR_OPERAND);
}

/* A field of `width` bits at `lsb` must lie inside the register. */
static bool field_ok(bool sf, int lsb, int width)
{
    int w = sf ? 64 : 32;
    return lsb >= 0 && width > 0 && lsb + width <= w;
}

int a64_ubfx(A64Buf *b, bool sf, int rd, int rn, int lsb, int width)
{
    A64_REQUIRE(b, field_ok(sf, lsb, width), A64_ERR_IMM);
    return bitfield(b, 2, sf, rd, rn, lsb, lsb + width - 1);
}

int a64_sbfx(A64Buf *b, bool sf, int rd, int rn, int lsb, int width)
{
    A64_REQUIRE(b, field_ok(sf, lsb, width), A64_ERR_IMM);
    return bitfield(b, 0, sf, rd, rn, lsb, lsb + width - 1);
}

int a64_bfxil(A64Buf *b, bool sf, int rd, int rn, int lsb, int width)
{
    A64_REQUIRE(b, field_ok(sf, lsb, width), A64_ERR_IMM);
    return bitfield(b, 1, sf, rd, rn, lsb, lsb + width - 1);
}

int a64_bfi(A64Buf *b, bool sf, int rd, int rn, int lsb, int width)
{
    int w = sf ? 64 : 32;

    A64_REQUIRE(b, field_ok(sf, lsb, width), A64_ERR_IMM);
    return bitfield(b, 1, sf, rd, rn, (w - lsb) % w, width - 1);
}

int a64_ubfiz(A64Buf *b, bool sf, int rd, int rn, int lsb, int width)
{
    int w = sf ? 64 : 32;

    A64_REQUIRE(b, field_ok(sf, lsb, width), A64_ERR_IMM);
    return bitfield(b, 2, sf, rd, rn, (w - lsb) % w, width - 1);
}

int a64_uxtb(A64Buf *b, int rd, int rn)
{
    return bitfield(b, 2, false, rd, rn, 0, 7);
}

int a64_uxth(A64Buf *b, int rd, int rn)
{
    return bitfield(b, 2, false, rd, rn, 0, 15);
}

int a64_sxtb(A64Buf *b, bool sf, int rd, int rn)
{
    return bitfield(b, 0, sf, rd, rn, 0, 7);
}

int a64_sxth(A64Buf *b, bool sf, int rd, int rn)
{
    return bitfield(b, 0, sf, rd, rn, 0, 15);
}

int a64_sxtw(A64Buf *b, int rd, int rn)
{
    return bitfield(b, 0, true, rd, rn, 0, 31);
}

/* ---------------------------------------------------------------------- */
/* Multiply and one-source operations                                      */

static int dp3(A64Buf *b, uint32_t op31, uint32_t o0, bool sf, int rd, int rn,
               int rm, int ra)
{
    int d = a64f_zr(rd), n = a64f_zr(rn), m = a64f_zr(rm), a = a64f_zr(ra);

    A64_REQUIRE(b, (d | n | m | a) >= 0, A64_ERR_REG);
    return a64_emit32(b, 0x1b000000u | (uint32_t)sf << 31 | op31 << 21 |
                      m << 16 | o0 << 15 | a << 10 | n << 5 | d);
}

int a64_madd(A64Buf *b, bool sf, int rd, int rn, int rm, int ra)
{
    return dp3(b, 0, 0, sf, rd, rn, rm, ra);
}

int a64_msub(A64Buf *b, bool sf, int rd, int rn, int rm, int ra)
{
    return dp3(b, 0, 1, sf, rd, rn, rm, ra);
}

int a64_mul_rrr(A64Buf *b, bool sf, int rd, int rn, int rm)
{
    return dp3(b, 0, 0, sf, rd, rn, rm, A64_ZR);
}

int a64_smaddl(A64Buf *b, int rd, int rn, int rm, int ra)
{
    return dp3(b, 1, 0, true, rd, rn, rm, ra);
}

int a64_umaddl(A64Buf *b, int rd, int rn, int rm, int ra)
{
    return dp3(b, 5, 0, true, rd, rn, rm, ra);
}

int a64_smull(A64Buf *b, int rd, int rn, int rm)
{
    return dp3(b, 1, 0, true, rd, rn, rm, A64_ZR);
}

int a64_umull(A64Buf *b, int rd, int rn, int rm)
{
    return dp3(b, 5, 0, true, rd, rn, rm, A64_ZR);
}

int a64_smulh(A64Buf *b, int rd, int rn, int rm)
{
    return dp3(b, 2, 0, true, rd, rn, rm, A64_ZR);
}

int a64_umulh(A64Buf *b, int rd, int rn, int rm)
{
    return dp3(b, 6, 0, true, rd, rn, rm, A64_ZR);
}

static int dp1(A64Buf *b, uint32_t opcode, bool sf, int rd, int rn)
{
    int d = a64f_zr(rd), n = a64f_zr(rn);

    A64_REQUIRE(b, (d | n) >= 0, A64_ERR_REG);
    return a64_emit32(b, 0x5ac00000u | (uint32_t)sf << 31 | opcode << 10 |
                      n << 5 | d);
}

int a64_rbit(A64Buf *b, bool sf, int rd, int rn)
{
    return dp1(b, 0, sf, rd, rn);
}

int a64_rev16(A64Buf *b, bool sf, int rd, int rn)
{
    return dp1(b, 1, sf, rd, rn);
}

int a64_rev32(A64Buf *b, int rd, int rn)
{
    return dp1(b, 2, true, rd, rn);
}

int a64_rev(A64Buf *b, bool sf, int rd, int rn)
{
    return dp1(b, sf ? 3 : 2, sf, rd, rn);
}

int a64_clz(A64Buf *b, bool sf, int rd, int rn)
{
    return dp1(b, 4, sf, rd, rn);
}

int a64_cls(A64Buf *b, bool sf, int rd, int rn)
{
    return dp1(b, 5, sf, rd, rn);
}

/* ---------------------------------------------------------------------- */
/* Conditional select and compare                                          */

static int condsel(A64Buf *b, uint32_t op, uint32_t op2, bool sf, int rd,
                   int rn, int rm, A64Cond c)
{
    int d = a64f_zr(rd), n = a64f_zr(rn), m = a64f_zr(rm);

    A64_REQUIRE(b, (d | n | m) >= 0, A64_ERR_REG);
    A64_REQUIRE(b, c >= 0 && c <= 15, A64_ERR_OPERAND);
    return a64_emit32(b, 0x1a800000u | (uint32_t)sf << 31 | op << 30 |
                      m << 16 | (uint32_t)c << 12 | op2 << 10 | n << 5 | d);
}

int a64_csel(A64Buf *b, bool sf, int rd, int rn, int rm, A64Cond c)
{
    return condsel(b, 0, 0, sf, rd, rn, rm, c);
}

int a64_csinc(A64Buf *b, bool sf, int rd, int rn, int rm, A64Cond c)
{
    return condsel(b, 0, 1, sf, rd, rn, rm, c);
}

int a64_csinv(A64Buf *b, bool sf, int rd, int rn, int rm, A64Cond c)
{
    return condsel(b, 1, 0, sf, rd, rn, rm, c);
}

int a64_csneg(A64Buf *b, bool sf, int rd, int rn, int rm, A64Cond c)
{
    return condsel(b, 1, 1, sf, rd, rn, rm, c);
}

int a64_cset(A64Buf *b, bool sf, int rd, A64Cond c)
{
    A64_REQUIRE(b, c >= 0 && c < A64_AL, A64_ERR_OPERAND);
    return condsel(b, 0, 1, sf, rd, A64_ZR, A64_ZR, a64_cond_invert(c));
}

int a64_csetm(A64Buf *b, bool sf, int rd, A64Cond c)
{
    A64_REQUIRE(b, c >= 0 && c < A64_AL, A64_ERR_OPERAND);
    return condsel(b, 1, 0, sf, rd, A64_ZR, A64_ZR, a64_cond_invert(c));
}

static int condcmp(A64Buf *b, uint32_t op, bool imm, bool sf, int rn, int rm,
                   int nzcv, A64Cond c)
{
    int n = a64f_zr(rn), m = imm ? rm : a64f_zr(rm);

    A64_REQUIRE(b, (n | m) >= 0, A64_ERR_REG);
    A64_REQUIRE(b, m < 32, A64_ERR_IMM);
    A64_REQUIRE(b, nzcv >= 0 && nzcv < 16 && c >= 0 && c <= 15,
                A64_ERR_OPERAND);
    return a64_emit32(b, 0x3a400000u | (uint32_t)sf << 31 | op << 30 |
                      m << 16 | (uint32_t)c << 12 | (uint32_t)imm << 11 |
                      n << 5 | nzcv);
}

int a64_ccmp(A64Buf *b, bool sf, int rn, int rm, int nzcv, A64Cond c)
{
    return condcmp(b, 1, false, sf, rn, rm, nzcv, c);
}

int a64_ccmn(A64Buf *b, bool sf, int rn, int rm, int nzcv, A64Cond c)
{
    return condcmp(b, 0, false, sf, rn, rm, nzcv, c);
}

int a64_ccmp_imm(A64Buf *b, bool sf, int rn, int imm5, int nzcv, A64Cond c)
{
    if (imm5 < 0) {
        return a64_buf_fail(b, A64_ERR_IMM);
    }
    return condcmp(b, 1, true, sf, rn, imm5, nzcv, c);
}

int a64_ccmn_imm(A64Buf *b, bool sf, int rn, int imm5, int nzcv, A64Cond c)
{
    if (imm5 < 0) {
        return a64_buf_fail(b, A64_ERR_IMM);
    }
    return condcmp(b, 0, true, sf, rn, imm5, nzcv, c);
}
