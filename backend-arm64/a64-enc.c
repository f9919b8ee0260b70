/*
 * a64-enc.c — arm64 encoder, part one: the code buffer, immediates (move
 * wide, bitmask immediates, the shortest constant sequence), add/subtract
 * and logical instructions. Encodings follow the Arm ARM (DDI 0487) "A64
 * instruction set encoding" tables; each base constant is its class.
 */
#include "backend-arm64/a64-enc.h"

#include "backend-arm64/a64-enc-int.h"

/* ---------------------------------------------------------------------- */
/* Buffer                                                                  */

void a64_buf_init(A64Buf *b, void *mem, size_t size)
{
    b->base = mem;
    b->size = size;
    b->pos = 0;
    b->err = A64_OK;
}

int a64_buf_fail(A64Buf *b, int e)
{
    if (b->err == A64_OK) {
        b->err = e;
    }
    return e;
}

int a64_emit32(A64Buf *b, uint32_t insn)
{
    uint8_t *p;

    if (b->size - b->pos < 4 || b->pos > b->size) {
        return a64_buf_fail(b, A64_ERR_OVERFLOW);
    }
    /* Byte stores keep the output little-endian whatever the build host. */
    p = b->base + b->pos;
    p[0] = insn & 0xff;
    p[1] = (insn >> 8) & 0xff;
    p[2] = (insn >> 16) & 0xff;
    p[3] = insn >> 24;
    b->pos += 4;
    return A64_OK;
}

const char *a64_err_str(int e)
{
    switch (e) {
    case A64_OK:          return "ok";
    case A64_ERR_OVERFLOW: return "code buffer full";
    case A64_ERR_IMM:     return "immediate not encodable";
    case A64_ERR_REG:     return "register not allowed";
    case A64_ERR_RANGE:   return "target out of range";
    case A64_ERR_ALIGN:   return "misaligned offset";
    case A64_ERR_OPERAND: return "invalid operand combination";
    }
    return "unknown error";
}

const char *a64_reg_name(int r, int sf)
{
    static const char *const xn[] = {
        "x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10",
        "x11", "x12", "x13", "x14", "x15", "x16", "x17", "x18", "x19", "x20",
        "x21", "x22", "x23", "x24", "x25", "x26", "x27", "x28", "x29", "x30",
        "xzr", "sp",
    };
    static const char *const wn[] = {
        "w0", "w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8", "w9", "w10",
        "w11", "w12", "w13", "w14", "w15", "w16", "w17", "w18", "w19", "w20",
        "w21", "w22", "w23", "w24", "w25", "w26", "w27", "w28", "w29", "w30",
        "wzr", "wsp",
    };

    if (r < 0 || r > A64_SP) {
        return "?";
    }
    return sf ? xn[r] : wn[r];
}

const char *a64_cond_name(A64Cond c)
{
    static const char *const names[16] = {
        "eq", "ne", "hs", "lo", "mi", "pl", "vs", "vc",
        "hi", "ls", "ge", "lt", "gt", "le", "al", "nv",
    };
    return names[c & 15];
}

/* ---------------------------------------------------------------------- */
/* Immediates                                                              */

bool a64_logical_imm_encode(uint64_t v, bool sf, uint32_t *enc)
{
    unsigned size = 64, ones, r;
    uint64_t mask, elt, pat;

    if (!sf) {
        if (v >> 32) {
            return false;
        }
        v |= v << 32;
    }
    if (v == 0 || v == ~UINT64_C(0)) {
        return false;
    }
    /* Smallest power-of-two element size the value repeats with. */
    while (size > 2) {
        unsigned half = size / 2;
        mask = (UINT64_C(1) << half) - 1;
        if ((v & mask) != ((v >> half) & mask)) {
            break;
        }
        size = half;
    }
    mask = size == 64 ? ~UINT64_C(0) : (UINT64_C(1) << size) - 1;
    elt = v & mask;
    ones = __builtin_popcountll(elt);
    pat = (UINT64_C(1) << ones) - 1;
    /* The element must be a run of ones rotated right by immr. */
    for (r = 0; r < size; r++) {
        uint64_t rot = r == 0 ? pat : ((pat >> r) | (pat << (size - r))) & mask;
        if (rot == elt) {
            uint32_t imms = ((~(size - 1) << 1) | (ones - 1)) & 0x3f;
            *enc = (uint32_t)(size == 64) << 12 | r << 6 | imms;
            return true;
        }
    }
    return false;
}

static int movewide(A64Buf *b, uint32_t opc, bool sf, int rd, uint16_t imm,
                    int hw)
{
    int d = a64f_zr(rd);

    A64_REQUIRE(b, d >= 0, A64_ERR_REG);
    A64_REQUIRE(b, hw >= 0 && hw < (sf ? 4 : 2), A64_ERR_IMM);
    return a64_emit32(b, 0x12800000u | (uint32_t)sf << 31 | opc << 29 |
                      (uint32_t)hw << 21 | (uint32_t)imm << 5 | d);
}

int a64_movn(A64Buf *b, bool sf, int rd, uint16_t imm16, int hw)
{
    return movewide(b, 0, sf, rd, imm16, hw);
}

int a64_movz(A64Buf *b, bool sf, int rd, uint16_t imm16, int hw)
{
    return movewide(b, 2, sf, rd, imm16, hw);
}

int a64_movk(A64Buf *b, bool sf, int rd, uint16_t imm16, int hw)
{
    return movewide(b, 3, sf, rd, imm16, hw);
}

static uint32_t mw_word(uint32_t opc, bool sf, int rd, unsigned imm, int hw)
{
    return 0x12800000u | (uint32_t)sf << 31 | opc << 29 | (uint32_t)hw << 21 |
           (imm & 0xffff) << 5 | rd;
}

static uint32_t orr_imm_word(bool sf, int rd, uint32_t nrs)
{
    return 0x32000000u | (uint32_t)sf << 31 | nrs << 10 | 31u << 5 | rd;
}

/* ORR of a bitmask immediate followed by one MOVK: try making one halfword
 * "don't care" by replacing it with another halfword or 0/0xffff. */
static int movi_orr_movk(int rd, uint64_t v, uint32_t *out)
{
    for (int i = 0; i < 4; i++) {
        uint64_t hole = ~(UINT64_C(0xffff) << (16 * i));
        for (int j = 0; j < 6; j++) {
            uint64_t fill = j < 4 ? (v >> (16 * j)) & 0xffff
                                  : j == 4 ? 0 : 0xffff;
            uint64_t w = (v & hole) | fill << (16 * i);
            uint32_t nrs;
            if (a64_logical_imm_encode(w, true, &nrs)) {
                out[0] = orr_imm_word(true, rd, nrs);
                out[1] = mw_word(3, true, rd, (v >> (16 * i)) & 0xffff, i);
                return 2;
            }
        }
    }
    return 0;
}

/* The instruction words of the shortest sequence for rd = v; returns how
 * many (1..4). */
static int movi_plan(bool sf, int rd, uint64_t v, uint32_t *out)
{
    int nh = sf ? 4 : 2, nz = 0, nf = 0, n = 0, i;
    uint32_t nrs;
    bool use_movn;

    if (!sf) {
        v &= 0xffffffffu;
    }
    for (i = 0; i < nh; i++) {
        unsigned h = (v >> (16 * i)) & 0xffff;
        nz += h != 0;
        nf += h != 0xffff;
    }
    if (nz > 1 && nf > 1 && a64_logical_imm_encode(v, sf, &nrs)) {
        out[0] = orr_imm_word(sf, rd, nrs);
        return 1;
    }
    if (sf && nz > 2 && nf > 2 && (n = movi_orr_movk(rd, v, out)) != 0) {
        return n;
    }
    /* MOVN starts from all-ones, MOVZ from zero; each further halfword that
     * differs from the start costs one MOVK. */
    use_movn = nf < nz;
    for (i = 0; i < nh; i++) {
        unsigned h = (v >> (16 * i)) & 0xffff;
        if (h == (use_movn ? 0xffffu : 0)) {
            continue;
        }
        if (n == 0) {
            out[n++] = mw_word(use_movn ? 0 : 2, sf, rd, use_movn ? ~h : h, i);
        } else {
            out[n++] = mw_word(3, sf, rd, h, i);
        }
    }
    if (n == 0) {   /* v is 0 (or all ones for MOVN) */
        out[n++] = mw_word(use_movn ? 0 : 2, sf, rd, 0, 0);
    }
    return n;
}

int a64_movi_len(bool sf, uint64_t v)
{
    uint32_t w[4];
    return movi_plan(sf, 0, v, w);
}

int a64_movi(A64Buf *b, bool sf, int rd, uint64_t v)
{
    uint32_t w[4];
    int n, i;

    A64_REQUIRE(b, rd >= 0 && rd <= 30, A64_ERR_REG);
    n = movi_plan(sf, rd, v, w);
    A64_REQUIRE(b, b->pos <= b->size && b->size - b->pos >= 4u * n,
                A64_ERR_OVERFLOW);
    for (i = 0; i < n; i++) {
        a64_emit32(b, w[i]);
    }
    return A64_OK;
}

/* ---------------------------------------------------------------------- */
/* Add and subtract                                                        */

int a64_addsub_shift(A64Buf *b, A64AddSub op, bool sf, int rd, int rn,
                     int rm, A64Shift shift, int amount)
{
    int d = a64f_zr(rd), n = a64f_zr(rn), m = a64f_zr(rm);

    A64_REQUIRE(b, (d | n | m) >= 0, A64_ERR_REG);
    A64_REQUIRE(b, shift != A64_ROR && amount >= 0 && amount < (sf ? 64 : 32),
                A64_ERR_IMM);
    return a64_emit32(b, 0x0b000000u | (uint32_t)sf << 31 | (uint32_t)op << 29 |
                      (uint32_t)shift << 22 | m << 16 | amount << 10 |
                      n << 5 | d);
}

int a64_addsub_ext(A64Buf *b, A64AddSub op, bool sf, int rd, int rn, int rm,
                   A64Extend ext, int amount)
{
    int d = (op & 1) ? a64f_zr(rd) : a64f_sp(rd);
    int n = a64f_sp(rn), m = a64f_zr(rm);

    A64_REQUIRE(b, (d | n | m) >= 0, A64_ERR_REG);
    A64_REQUIRE(b, amount >= 0 && amount <= 4, A64_ERR_IMM);
    return a64_emit32(b, 0x0b200000u | (uint32_t)sf << 31 | (uint32_t)op << 29 |
                      m << 16 | (uint32_t)ext << 13 | amount << 10 |
                      n << 5 | d);
}

int a64_addsub_imm(A64Buf *b, A64AddSub op, bool sf, int rd, int rn,
                   uint32_t imm12, bool lsl12)
{
    int d = (op & 1) ? a64f_zr(rd) : a64f_sp(rd), n = a64f_sp(rn);

    A64_REQUIRE(b, (d | n) >= 0, A64_ERR_REG);
    A64_REQUIRE(b, imm12 < 4096, A64_ERR_IMM);
    return a64_emit32(b, 0x11000000u | (uint32_t)sf << 31 | (uint32_t)op << 29 |
                      (uint32_t)lsl12 << 22 | imm12 << 10 | n << 5 | d);
}

/*
 * A negative immediate flips ADD<->SUB. For the flag-setting forms this
 * gives the same NZCV as the unflipped operation for every imm except 0
 * (never flipped) and INT64_MIN (not encodable anyway).
 */
int a64_addsub_ri(A64Buf *b, A64AddSub op, bool sf, int rd, int rn,
                  int64_t imm)
{
    uint64_t u;

    if (imm < 0) {
        A64_REQUIRE(b, imm != INT64_MIN, A64_ERR_IMM);
        op ^= 2;
        imm = -imm;
    }
    u = (uint64_t)imm;
    if (u < 4096) {
        return a64_addsub_imm(b, op, sf, rd, rn, u, false);
    }
    A64_REQUIRE(b, (u & 0xfff) == 0 && u < (UINT64_C(1) << 24), A64_ERR_IMM);
    return a64_addsub_imm(b, op, sf, rd, rn, u >> 12, true);
}

int a64_add_rrr(A64Buf *b, bool sf, int rd, int rn, int rm)
{
    return a64_addsub_shift(b, A64_ADD, sf, rd, rn, rm, A64_LSL, 0);
}

int a64_adds_rrr(A64Buf *b, bool sf, int rd, int rn, int rm)
{
    return a64_addsub_shift(b, A64_ADDS, sf, rd, rn, rm, A64_LSL, 0);
}

int a64_sub_rrr(A64Buf *b, bool sf, int rd, int rn, int rm)
{
    return a64_addsub_shift(b, A64_SUB, sf, rd, rn, rm, A64_LSL, 0);
}

int a64_subs_rrr(A64Buf *b, bool sf, int rd, int rn, int rm)
{
    return a64_addsub_shift(b, A64_SUBS, sf, rd, rn, rm, A64_LSL, 0);
}

int a64_add_rri(A64Buf *b, bool sf, int rd, int rn, int64_t imm)
{
    return a64_addsub_ri(b, A64_ADD, sf, rd, rn, imm);
}

int a64_sub_rri(A64Buf *b, bool sf, int rd, int rn, int64_t imm)
{
    return a64_addsub_ri(b, A64_SUB, sf, rd, rn, imm);
}

/* CMP/CMN with SP as first operand need the extended-register form, where
 * encoding 31 in Rn means SP. */
static int cmp_rr(A64Buf *b, A64AddSub op, bool sf, int rn, int rm)
{
    if (rn == A64_SP) {
        return a64_addsub_ext(b, op, sf, A64_ZR, rn, rm,
                              sf ? A64_UXTX : A64_UXTW, 0);
    }
    return a64_addsub_shift(b, op, sf, A64_ZR, rn, rm, A64_LSL, 0);
}

int a64_cmp_rr(A64Buf *b, bool sf, int rn, int rm)
{
    return cmp_rr(b, A64_SUBS, sf, rn, rm);
}

int a64_cmn_rr(A64Buf *b, bool sf, int rn, int rm)
{
    return cmp_rr(b, A64_ADDS, sf, rn, rm);
}

int a64_cmp_ri(A64Buf *b, bool sf, int rn, int64_t imm)
{
    return a64_addsub_ri(b, A64_SUBS, sf, A64_ZR, rn, imm);
}

int a64_neg(A64Buf *b, bool sf, int rd, int rm)
{
    return a64_addsub_shift(b, A64_SUB, sf, rd, A64_ZR, rm, A64_LSL, 0);
}

int a64_negs(A64Buf *b, bool sf, int rd, int rm)
{
    return a64_addsub_shift(b, A64_SUBS, sf, rd, A64_ZR, rm, A64_LSL, 0);
}

static int addsub_carry(A64Buf *b, A64AddSub op, bool sf, int rd, int rn,
                        int rm)
{
    int d = a64f_zr(rd), n = a64f_zr(rn), m = a64f_zr(rm);

    A64_REQUIRE(b, (d | n | m) >= 0, A64_ERR_REG);
    return a64_emit32(b, 0x1a000000u | (uint32_t)sf << 31 | (uint32_t)op << 29 |
                      m << 16 | n << 5 | d);
}

int a64_adc(A64Buf *b, bool sf, int rd, int rn, int rm)
{
    return addsub_carry(b, A64_ADD, sf, rd, rn, rm);
}

int a64_adcs(A64Buf *b, bool sf, int rd, int rn, int rm)
{
    return addsub_carry(b, A64_ADDS, sf, rd, rn, rm);
}

int a64_sbc(A64Buf *b, bool sf, int rd, int rn, int rm)
{
    return addsub_carry(b, A64_SUB, sf, rd, rn, rm);
}

int a64_sbcs(A64Buf *b, bool sf, int rd, int rn, int rm)
{
    return addsub_carry(b, A64_SUBS, sf, rd, rn, rm);
}

/* ---------------------------------------------------------------------- */
/* Logical                                                                 */

int a64_logic_shift(A64Buf *b, A64Logic op, bool sf, int rd, int rn, int rm,
                    A64Shift shift, int amount)
{
    int d = a64f_zr(rd), n = a64f_zr(rn), m = a64f_zr(rm);

    A64_REQUIRE(b, (d | n | m) >= 0, A64_ERR_REG);
    A64_REQUIRE(b, amount >= 0 && amount < (sf ? 64 : 32), A64_ERR_IMM);
    return a64_emit32(b, 0x0a000000u | (uint32_t)sf << 31 |
                      (uint32_t)(op >> 1) << 29 | (uint32_t)shift << 22 |
                      (uint32_t)(op & 1) << 21 | m << 16 | amount << 10 |
                      n << 5 | d);
}

int a64_logic_imm(A64Buf *b, A64Logic op, bool sf, int rd, int rn,
                  uint64_t imm)
{
    int d = op == A64_ANDS ? a64f_zr(rd) : a64f_sp(rd), n = a64f_zr(rn);
    uint32_t nrs;

    A64_REQUIRE(b, (d | n) >= 0, A64_ERR_REG);
    A64_REQUIRE(b, (op & 1) == 0, A64_ERR_OPERAND);
    A64_REQUIRE(b, a64_logical_imm_encode(imm, sf, &nrs), A64_ERR_IMM);
    return a64_emit32(b, 0x12000000u | (uint32_t)sf << 31 |
                      (uint32_t)(op >> 1) << 29 | nrs << 10 | n << 5 | d);
}

int a64_and_rrr(A64Buf *b, bool sf, int rd, int rn, int rm)
{
    return a64_logic_shift(b, A64_AND, sf, rd, rn, rm, A64_LSL, 0);
}

int a64_orr_rrr(A64Buf *b, bool sf, int rd, int rn, int rm)
{
    return a64_logic_shift(b, A64_ORR, sf, rd, rn, rm, A64_LSL, 0);
}

int a64_eor_rrr(A64Buf *b, bool sf, int rd, int rn, int rm)
{
    return a64_logic_shift(b, A64_EOR, sf, rd, rn, rm, A64_LSL, 0);
}

int a64_ands_rrr(A64Buf *b, bool sf, int rd, int rn, int rm)
{
    return a64_logic_shift(b, A64_ANDS, sf, rd, rn, rm, A64_LSL, 0);
}

int a64_bic_rrr(A64Buf *b, bool sf, int rd, int rn, int rm)
{
    return a64_logic_shift(b, A64_BIC, sf, rd, rn, rm, A64_LSL, 0);
}

int a64_orn_rrr(A64Buf *b, bool sf, int rd, int rn, int rm)
{
    return a64_logic_shift(b, A64_ORN, sf, rd, rn, rm, A64_LSL, 0);
}

int a64_eon_rrr(A64Buf *b, bool sf, int rd, int rn, int rm)
{
    return a64_logic_shift(b, A64_EON, sf, rd, rn, rm, A64_LSL, 0);
}

int a64_tst_rr(A64Buf *b, bool sf, int rn, int rm)
{
    return a64_logic_shift(b, A64_ANDS, sf, A64_ZR, rn, rm, A64_LSL, 0);
}

int a64_tst_ri(A64Buf *b, bool sf, int rn, uint64_t imm)
{
    return a64_logic_imm(b, A64_ANDS, sf, A64_ZR, rn, imm);
}

int a64_mvn(A64Buf *b, bool sf, int rd, int rm)
{
    return a64_logic_shift(b, A64_ORN, sf, rd, A64_ZR, rm, A64_LSL, 0);
}

int a64_mov_rr(A64Buf *b, bool sf, int rd, int rn)
{
    if (rd == A64_SP || rn == A64_SP) {
        return a64_addsub_imm(b, A64_ADD, sf, rd, rn, 0, false);
    }
    return a64_logic_shift(b, A64_ORR, sf, rd, A64_ZR, rn, A64_LSL, 0);
}
