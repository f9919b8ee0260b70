/*
 * a64-enc-mem.c — arm64 encoder, part three: loads and stores (single
 * register in every addressing mode, pairs), acquire/release accesses,
 * exclusives and the ARMv8.1 LSE atomics the x86 LOCK lowering needs.
 */
#include "backend-arm64/a64-enc.h"

#include "backend-arm64/a64-enc-int.h"

/* ---------------------------------------------------------------------- */
/* Single register                                                         */

/* Bit n set if n is a valid A64MemOp value. */
#define MEMOP_VALID_MASK 0x330c37ffu

static bool memop_valid(A64MemOp op)
{
    return (unsigned)op < 32 && ((MEMOP_VALID_MASK >> op) & 1);
}

unsigned a64_memop_bytes(A64MemOp op)
{
    bool v = (op >> 4) & 1;
    unsigned size = (op >> 2) & 3;

    if (v && size == 0 && (op & 2)) {
        return 16;   /* the Q forms reuse size 0 with opc 1x */
    }
    return 1u << size;
}

/* Store in *w the instruction word of `op` with everything but the
 * addressing-mode bits; false if rt/rn are not allowed. */
static bool memop_word(A64MemOp op, int rt, int rn, uint32_t *w)
{
    int t = (op & 0x10) ? a64f_v(rt) : a64f_zr(rt), n = a64f_sp(rn);

    if ((t | n) < 0) {
        return false;
    }
    *w = (uint32_t)((op >> 2) & 3) << 30 | (uint32_t)((op >> 4) & 1) << 26 |
           (uint32_t)(op & 3) << 22 | (uint32_t)n << 5 | (uint32_t)t;
    return true;
}

A64MemOp a64_memop_load(int size, bool sign, bool sf)
{
    if (size < 0 || size > 3 || (!sf && size == 3)) {
        return A64_MEMOP_INVALID;
    }
    /* Sign-extending to the access width itself is a plain load. */
    if (!sign || size == 3 || (!sf && size == 2)) {
        return (A64MemOp)(size << 2 | 1);
    }
    return (A64MemOp)(size << 2 | (sf ? 2 : 3));
}

A64MemOp a64_memop_store(int size)
{
    if (size < 0 || size > 3) {
        return A64_MEMOP_INVALID;
    }
    return (A64MemOp)(size << 2);
}

int a64_ldst_uoff(A64Buf *b, A64MemOp op, int rt, int rn, int64_t off)
{
    unsigned bytes = a64_memop_bytes(op);
    uint32_t w;

    A64_REQUIRE(b, memop_valid(op), A64_ERR_OPERAND);
    A64_REQUIRE(b, memop_word(op, rt, rn, &w), A64_ERR_REG);
    A64_REQUIRE(b, off >= 0 && off % bytes == 0, A64_ERR_ALIGN);
    A64_REQUIRE(b, off / bytes < 4096, A64_ERR_IMM);
    return a64_emit32(b, 0x39000000u | w | (uint32_t)(off / bytes) << 10);
}

/* Unscaled, post-index (mode 1) and pre-index (mode 3) share a layout. */
static int ldst_imm9(A64Buf *b, A64MemOp op, int rt, int rn, int64_t off,
                     uint32_t mode)
{
    uint32_t w;

    A64_REQUIRE(b, memop_valid(op), A64_ERR_OPERAND);
    A64_REQUIRE(b, memop_word(op, rt, rn, &w), A64_ERR_REG);
    A64_REQUIRE(b, a64_fits_signed(off, 9), A64_ERR_IMM);
    /* Writeback into the transfer register is UNPREDICTABLE. */
    A64_REQUIRE(b, mode == 0 || (op & 0x10) || rt != rn || rt == A64_ZR,
                A64_ERR_OPERAND);
    return a64_emit32(b, 0x38000000u | w | ((uint32_t)off & 0x1ff) << 12 |
                      mode << 10);
}

int a64_ldst_unscaled(A64Buf *b, A64MemOp op, int rt, int rn, int64_t off)
{
    return ldst_imm9(b, op, rt, rn, off, 0);
}

int a64_ldst_post(A64Buf *b, A64MemOp op, int rt, int rn, int64_t off)
{
    return ldst_imm9(b, op, rt, rn, off, 1);
}

int a64_ldst_pre(A64Buf *b, A64MemOp op, int rt, int rn, int64_t off)
{
    return ldst_imm9(b, op, rt, rn, off, 3);
}

int a64_ldst(A64Buf *b, A64MemOp op, int rt, int rn, int64_t off)
{
    unsigned bytes = a64_memop_bytes(op);

    if (off >= 0 && off % bytes == 0 && off / bytes < 4096) {
        return a64_ldst_uoff(b, op, rt, rn, off);
    }
    return a64_ldst_unscaled(b, op, rt, rn, off);
}

int a64_ldst_reg(A64Buf *b, A64MemOp op, int rt, int rn, int rm,
                 A64Extend ext, bool shift)
{
    int m = a64f_zr(rm);
    uint32_t w;

    A64_REQUIRE(b, memop_valid(op), A64_ERR_OPERAND);
    A64_REQUIRE(b, ext == A64_UXTW || ext == A64_UXTX || ext == A64_SXTW ||
                ext == A64_SXTX, A64_ERR_OPERAND);
    A64_REQUIRE(b, m >= 0 && memop_word(op, rt, rn, &w), A64_ERR_REG);
    return a64_emit32(b, 0x38200800u | w | (uint32_t)m << 16 |
                      (uint32_t)ext << 13 | (uint32_t)shift << 12);
}

/* ---------------------------------------------------------------------- */
/* Pairs                                                                   */

static const struct {
    uint8_t opc, v, l, scale;
} pair_ops[] = {
    [A64_STP_W] = { 0, 0, 0, 4 },  [A64_LDP_W] = { 0, 0, 1, 4 },
    [A64_STP_X] = { 2, 0, 0, 8 },  [A64_LDP_X] = { 2, 0, 1, 8 },
    [A64_LDPSW] = { 1, 0, 1, 4 },
    [A64_STP_S] = { 0, 1, 0, 4 },  [A64_LDP_S] = { 0, 1, 1, 4 },
    [A64_STP_D] = { 1, 1, 0, 8 },  [A64_LDP_D] = { 1, 1, 1, 8 },
    [A64_STP_Q] = { 2, 1, 0, 16 }, [A64_LDP_Q] = { 2, 1, 1, 16 },
};

int a64_ldstp(A64Buf *b, A64PairOp op, A64Index idx, int rt, int rt2, int rn,
              int64_t off)
{
    static const uint32_t idx_bits[] = { 2, 3, 1 };
    int t, t2, n = a64f_sp(rn), scale;

    A64_REQUIRE(b, (unsigned)op <= A64_LDP_Q && (unsigned)idx <= A64_IDX_POST,
                A64_ERR_OPERAND);
    t = pair_ops[op].v ? a64f_v(rt) : a64f_zr(rt);
    t2 = pair_ops[op].v ? a64f_v(rt2) : a64f_zr(rt2);
    scale = pair_ops[op].scale;
    A64_REQUIRE(b, (t | t2 | n) >= 0, A64_ERR_REG);
    A64_REQUIRE(b, off % scale == 0, A64_ERR_ALIGN);
    A64_REQUIRE(b, a64_fits_signed(off / scale, 7), A64_ERR_IMM);
    /* A load pair into one register twice, and writeback into a transfer
     * register, are UNPREDICTABLE. */
    A64_REQUIRE(b, !pair_ops[op].l || rt != rt2, A64_ERR_OPERAND);
    A64_REQUIRE(b, idx == A64_IDX_OFF || pair_ops[op].v ||
                (rn != rt && rn != rt2), A64_ERR_OPERAND);
    return a64_emit32(b, 0x28000000u | (uint32_t)pair_ops[op].opc << 30 |
                      (uint32_t)pair_ops[op].v << 26 | idx_bits[idx] << 23 |
                      (uint32_t)pair_ops[op].l << 22 |
                      ((uint32_t)(off / scale) & 0x7f) << 15 |
                      (uint32_t)t2 << 10 | (uint32_t)n << 5 | (uint32_t)t);
}

/* ---------------------------------------------------------------------- */
/* Exclusives, acquire/release, compare-and-swap                           */

/* The load/store-exclusive class: size o2 L o1 Rs o0 Rt2 Rn Rt. */
static int ldstx(A64Buf *b, uint32_t size, uint32_t o2, uint32_t l,
                 uint32_t o1, uint32_t o0, int rs, int rt2, int rn, int rt)
{
    int s = a64f_zr(rs), t2 = a64f_zr(rt2), n = a64f_sp(rn), t = a64f_zr(rt);

    A64_REQUIRE(b, (s | t2 | n | t) >= 0, A64_ERR_REG);
    return a64_emit32(b, 0x08000000u | size << 30 | o2 << 23 | l << 22 |
                      o1 << 21 | (uint32_t)s << 16 | o0 << 15 |
                      (uint32_t)t2 << 10 | (uint32_t)n << 5 | (uint32_t)t);
}

#define SIZE_OK(size) ((size) >= 0 && (size) <= 3)

int a64_ldxr(A64Buf *b, int size, int rt, int rn)
{
    A64_REQUIRE(b, SIZE_OK(size), A64_ERR_OPERAND);
    return ldstx(b, size, 0, 1, 0, 0, A64_ZR, A64_ZR, rn, rt);
}

int a64_ldaxr(A64Buf *b, int size, int rt, int rn)
{
    A64_REQUIRE(b, SIZE_OK(size), A64_ERR_OPERAND);
    return ldstx(b, size, 0, 1, 0, 1, A64_ZR, A64_ZR, rn, rt);
}

/* The status register may not overlap the data or the address: the
 * architecture makes that UNPREDICTABLE. */
static bool status_ok(int rs, int rt, int rt2, int rn)
{
    return rs != rt && rs != rt2 && rs != rn;
}

int a64_stxr(A64Buf *b, int size, int rs, int rt, int rn)
{
    A64_REQUIRE(b, SIZE_OK(size), A64_ERR_OPERAND);
    A64_REQUIRE(b, status_ok(rs, rt, -1, rn), A64_ERR_OPERAND);
    return ldstx(b, size, 0, 0, 0, 0, rs, A64_ZR, rn, rt);
}

int a64_stlxr(A64Buf *b, int size, int rs, int rt, int rn)
{
    A64_REQUIRE(b, SIZE_OK(size), A64_ERR_OPERAND);
    A64_REQUIRE(b, status_ok(rs, rt, -1, rn), A64_ERR_OPERAND);
    return ldstx(b, size, 0, 0, 0, 1, rs, A64_ZR, rn, rt);
}

int a64_ldxp(A64Buf *b, bool sf, int rt, int rt2, int rn)
{
    A64_REQUIRE(b, rt != rt2, A64_ERR_OPERAND);
    return ldstx(b, 2 | sf, 0, 1, 1, 0, A64_ZR, rt2, rn, rt);
}

int a64_ldaxp(A64Buf *b, bool sf, int rt, int rt2, int rn)
{
    A64_REQUIRE(b, rt != rt2, A64_ERR_OPERAND);
    return ldstx(b, 2 | sf, 0, 1, 1, 1, A64_ZR, rt2, rn, rt);
}

int a64_stxp(A64Buf *b, bool sf, int rs, int rt, int rt2, int rn)
{
    A64_REQUIRE(b, status_ok(rs, rt, rt2, rn), A64_ERR_OPERAND);
    return ldstx(b, 2 | sf, 0, 0, 1, 0, rs, rt2, rn, rt);
}

int a64_stlxp(A64Buf *b, bool sf, int rs, int rt, int rt2, int rn)
{
    A64_REQUIRE(b, status_ok(rs, rt, rt2, rn), A64_ERR_OPERAND);
    return ldstx(b, 2 | sf, 0, 0, 1, 1, rs, rt2, rn, rt);
}

int a64_ldar(A64Buf *b, int size, int rt, int rn)
{
    A64_REQUIRE(b, SIZE_OK(size), A64_ERR_OPERAND);
    return ldstx(b, size, 1, 1, 0, 1, A64_ZR, A64_ZR, rn, rt);
}

int a64_stlr(A64Buf *b, int size, int rt, int rn)
{
    A64_REQUIRE(b, SIZE_OK(size), A64_ERR_OPERAND);
    return ldstx(b, size, 1, 0, 0, 1, A64_ZR, A64_ZR, rn, rt);
}

int a64_cas(A64Buf *b, int size, int ord, int rs, int rt, int rn)
{
    A64_REQUIRE(b, SIZE_OK(size) && ord >= 0 && ord <= 3, A64_ERR_OPERAND);
    return ldstx(b, size, 1, ord & A64_ORD_ACQ, 1, (ord & A64_ORD_REL) != 0,
                 rs, A64_ZR, rn, rt);
}

int a64_casp(A64Buf *b, bool sf, int ord, int rs, int rt, int rn)
{
    A64_REQUIRE(b, ord >= 0 && ord <= 3, A64_ERR_OPERAND);
    /* Pairs are (even, even+1); 30 would pair with ZR, which is invalid. */
    A64_REQUIRE(b, rs >= 0 && rs < 30 && rt >= 0 && rt < 30 &&
                !(rs & 1) && !(rt & 1), A64_ERR_REG);
    return ldstx(b, sf, 0, ord & A64_ORD_ACQ, 1, (ord & A64_ORD_REL) != 0,
                 rs, A64_ZR, rn, rt);
}

/* ---------------------------------------------------------------------- */
/* LSE atomic memory operations                                            */

static int atomic_op(A64Buf *b, int size, int ord, uint32_t o3, uint32_t opc,
                     int rs, int rt, int rn)
{
    int s = a64f_zr(rs), t = a64f_zr(rt), n = a64f_sp(rn);

    A64_REQUIRE(b, SIZE_OK(size) && ord >= 0 && ord <= 3, A64_ERR_OPERAND);
    A64_REQUIRE(b, (s | t | n) >= 0, A64_ERR_REG);
    return a64_emit32(b, 0x38200000u | (uint32_t)size << 30 |
                      (uint32_t)(ord & A64_ORD_ACQ) << 23 |
                      (uint32_t)((ord & A64_ORD_REL) != 0) << 22 |
                      (uint32_t)s << 16 | o3 << 15 | opc << 12 |
                      (uint32_t)n << 5 | (uint32_t)t);
}

int a64_swp(A64Buf *b, int size, int ord, int rs, int rt, int rn)
{
    return atomic_op(b, size, ord, 1, 0, rs, rt, rn);
}

int a64_ldop(A64Buf *b, A64AtomOp op, int size, int ord, int rs, int rt,
             int rn)
{
    A64_REQUIRE(b, (unsigned)op <= A64_LDSET, A64_ERR_OPERAND);
    return atomic_op(b, size, ord, 0, op, rs, rt, rn);
}

int a64_ldapr(A64Buf *b, int size, int rt, int rn)
{
    int t = a64f_zr(rt), n = a64f_sp(rn);

    A64_REQUIRE(b, SIZE_OK(size), A64_ERR_OPERAND);
    A64_REQUIRE(b, (t | n) >= 0, A64_ERR_REG);
    return a64_emit32(b, 0x38bfc000u | (uint32_t)size << 30 |
                      (uint32_t)n << 5 | (uint32_t)t);
}
