/*
 * a64-enc-ctl.c — arm64 encoder, part four: branches (with range checks
 * and the atomic retargeting used for TB chaining), PC-relative addresses,
 * system instructions (barriers, NZCV/FPCR access, traps) and the NEON
 * basics that v128 ops lower to.
 */
#include "backend-arm64/a64-enc.h"

#include "backend-arm64/a64-enc-int.h"

/* ---------------------------------------------------------------------- */
/* Branches                                                                */

/* The immediate field for a branch of `bits` signed word-offset bits, or a
 * negative A64Err. */
static int64_t branch_field(int64_t off, int bits)
{
    if (off & 3) {
        return A64_ERR_ALIGN;
    }
    if (!a64_fits_signed(off / 4, bits)) {
        return A64_ERR_RANGE;
    }
    return (off / 4) & ((INT64_C(1) << bits) - 1);
}

static int branch26(A64Buf *b, uint32_t base, int64_t off)
{
    int64_t f = branch_field(off, 26);

    A64_REQUIRE(b, f >= 0, (int)f);
    return a64_emit32(b, base | (uint32_t)f);
}

int a64_b(A64Buf *b, int64_t off)
{
    return branch26(b, 0x14000000u, off);
}

int a64_bl(A64Buf *b, int64_t off)
{
    return branch26(b, 0x94000000u, off);
}

int a64_bcond(A64Buf *b, A64Cond c, int64_t off)
{
    int64_t f = branch_field(off, 19);

    A64_REQUIRE(b, c >= 0 && c <= 15, A64_ERR_OPERAND);
    A64_REQUIRE(b, f >= 0, (int)f);
    return a64_emit32(b, 0x54000000u | (uint32_t)f << 5 | c);
}

static int cbranch(A64Buf *b, uint32_t base, bool sf, int rt, int64_t off)
{
    int64_t f = branch_field(off, 19);
    int t = a64f_zr(rt);

    A64_REQUIRE(b, t >= 0, A64_ERR_REG);
    A64_REQUIRE(b, f >= 0, (int)f);
    return a64_emit32(b, base | (uint32_t)sf << 31 | (uint32_t)f << 5 | t);
}

int a64_cbz(A64Buf *b, bool sf, int rt, int64_t off)
{
    return cbranch(b, 0x34000000u, sf, rt, off);
}

int a64_cbnz(A64Buf *b, bool sf, int rt, int64_t off)
{
    return cbranch(b, 0x35000000u, sf, rt, off);
}

static int tbranch(A64Buf *b, uint32_t base, int rt, int bit, int64_t off)
{
    int64_t f = branch_field(off, 14);
    int t = a64f_zr(rt);

    A64_REQUIRE(b, t >= 0, A64_ERR_REG);
    A64_REQUIRE(b, bit >= 0 && bit < 64, A64_ERR_IMM);
    A64_REQUIRE(b, f >= 0, (int)f);
    return a64_emit32(b, base | (uint32_t)(bit >> 5) << 31 |
                      (uint32_t)(bit & 31) << 19 | (uint32_t)f << 5 | t);
}

int a64_tbz(A64Buf *b, int rt, int bit, int64_t off)
{
    return tbranch(b, 0x36000000u, rt, bit, off);
}

int a64_tbnz(A64Buf *b, int rt, int bit, int64_t off)
{
    return tbranch(b, 0x37000000u, rt, bit, off);
}

static int branch_reg(A64Buf *b, uint32_t base, int rn)
{
    A64_REQUIRE(b, rn >= 0 && rn <= 30, A64_ERR_REG);
    return a64_emit32(b, base | (uint32_t)rn << 5);
}

int a64_br(A64Buf *b, int rn)
{
    return branch_reg(b, 0xd61f0000u, rn);
}

int a64_blr(A64Buf *b, int rn)
{
    return branch_reg(b, 0xd63f0000u, rn);
}

int a64_ret(A64Buf *b, int rn)
{
    return branch_reg(b, 0xd65f0000u, rn);
}

static int pcrel(A64Buf *b, uint32_t base, int rd, int64_t imm21)
{
    A64_REQUIRE(b, rd >= 0 && rd <= 30, A64_ERR_REG);
    A64_REQUIRE(b, a64_fits_signed(imm21, 21), A64_ERR_RANGE);
    return a64_emit32(b, base | ((uint32_t)imm21 & 3) << 29 |
                      (((uint32_t)imm21 >> 2) & 0x7ffff) << 5 | rd);
}

int a64_adr(A64Buf *b, int rd, int64_t off)
{
    return pcrel(b, 0x10000000u, rd, off);
}

int a64_adrp(A64Buf *b, int rd, int64_t page_off)
{
    A64_REQUIRE(b, (page_off & 4095) == 0, A64_ERR_ALIGN);
    return pcrel(b, 0x90000000u, rd, page_off / 4096);
}

/* ---------------------------------------------------------------------- */
/* Patching                                                                */

/* Where the offset field of a direct branch lives: shift and width. */
static bool branch_field_pos(uint32_t insn, int *shift, int *bits)
{
    if ((insn & 0x7c000000u) == 0x14000000u) {          /* B, BL */
        *shift = 0, *bits = 26;
    } else if ((insn & 0xff000010u) == 0x54000000u ||   /* B.cond */
               (insn & 0x7e000000u) == 0x34000000u) {   /* CBZ, CBNZ */
        *shift = 5, *bits = 19;
    } else if ((insn & 0x7e000000u) == 0x36000000u) {   /* TBZ, TBNZ */
        *shift = 5, *bits = 14;
    } else {
        return false;
    }
    return true;
}

int a64_patch_branch(uint32_t *insn, const void *target)
{
    uint32_t old = __atomic_load_n(insn, __ATOMIC_RELAXED), mask;
    int64_t off = (int64_t)((intptr_t)target - (intptr_t)insn), f;
    int shift, bits;

    if (!branch_field_pos(old, &shift, &bits)) {
        return A64_ERR_OPERAND;
    }
    f = branch_field(off, bits);
    if (f < 0) {
        return (int)f;
    }
    mask = ((1u << bits) - 1) << shift;
    /* One aligned 32-bit store: concurrent executors see old or new. */
    __atomic_store_n(insn, (old & ~mask) | (uint32_t)f << shift,
                     __ATOMIC_RELEASE);
    return A64_OK;
}

const void *a64_branch_target(const uint32_t *insn)
{
    uint32_t w = *insn;
    int shift, bits;
    int64_t f;

    if (!branch_field_pos(w, &shift, &bits)) {
        return NULL;
    }
    f = (w >> shift) & ((1u << bits) - 1);
    f = (f ^ (INT64_C(1) << (bits - 1))) - (INT64_C(1) << (bits - 1));
    return (const uint8_t *)insn + f * 4;
}

/* ---------------------------------------------------------------------- */
/* System                                                                  */

static bool barrier_ok(A64Barrier opt)
{
    return opt == A64_BAR_ISHLD || opt == A64_BAR_ISHST || opt == A64_BAR_ISH ||
           opt == A64_BAR_LD || opt == A64_BAR_ST || opt == A64_BAR_SY;
}

int a64_dmb(A64Buf *b, A64Barrier opt)
{
    A64_REQUIRE(b, barrier_ok(opt), A64_ERR_OPERAND);
    return a64_emit32(b, 0xd50330bfu | (uint32_t)opt << 8);
}

int a64_dsb(A64Buf *b, A64Barrier opt)
{
    A64_REQUIRE(b, barrier_ok(opt), A64_ERR_OPERAND);
    return a64_emit32(b, 0xd503309fu | (uint32_t)opt << 8);
}

int a64_isb(A64Buf *b)
{
    return a64_emit32(b, 0xd5033fdfu);
}

int a64_nop(A64Buf *b)
{
    return a64_emit32(b, 0xd503201fu);
}

int a64_brk(A64Buf *b, uint16_t imm)
{
    return a64_emit32(b, 0xd4200000u | (uint32_t)imm << 5);
}

int a64_svc(A64Buf *b, uint16_t imm)
{
    return a64_emit32(b, 0xd4000001u | (uint32_t)imm << 5);
}

/* op0<2>:op1:CRn:CRm:op2 of each register (op0 is 3 for all of them). */
static int sysreg_bits(A64SysReg sr)
{
    switch (sr) {
    case A64_SYS_NZCV: return 0x5a10;   /* S3_3_C4_C2_0 */
    case A64_SYS_FPCR: return 0x5a20;   /* S3_3_C4_C4_0 */
    case A64_SYS_FPSR: return 0x5a21;   /* S3_3_C4_C4_1 */
    }
    return -1;
}

int a64_mrs(A64Buf *b, int rt, A64SysReg sr)
{
    int t = a64f_zr(rt), s = sysreg_bits(sr);

    A64_REQUIRE(b, t >= 0, A64_ERR_REG);
    A64_REQUIRE(b, s >= 0, A64_ERR_OPERAND);
    return a64_emit32(b, 0xd5300000u | (uint32_t)s << 5 | t);
}

int a64_msr(A64Buf *b, A64SysReg sr, int rt)
{
    int t = a64f_zr(rt), s = sysreg_bits(sr);

    A64_REQUIRE(b, t >= 0, A64_ERR_REG);
    A64_REQUIRE(b, s >= 0, A64_ERR_OPERAND);
    return a64_emit32(b, 0xd5100000u | (uint32_t)s << 5 | t);
}

/* ---------------------------------------------------------------------- */
/* NEON                                                                    */

/* Three-register "same" class: base | Q | size | Rm | Rn | Rd. The 1D
 * arrangement does not exist, so size 3 needs q. */
static int vec3(A64Buf *b, uint32_t base, bool q, int sz, int vd, int vn,
                int vm)
{
    int d = a64f_v(vd), n = a64f_v(vn), m = a64f_v(vm);

    A64_REQUIRE(b, (d | n | m) >= 0, A64_ERR_REG);
    A64_REQUIRE(b, sz >= 0 && sz <= 3 && (q || sz != 3), A64_ERR_OPERAND);
    return a64_emit32(b, base | (uint32_t)q << 30 | (uint32_t)sz << 22 |
                      m << 16 | n << 5 | d);
}

/* The logical ops keep their opcode in the size field. */
int a64_vand(A64Buf *b, bool q, int vd, int vn, int vm)
{
    return vec3(b, 0x0e201c00u, q, 0, vd, vn, vm);
}

int a64_vbic(A64Buf *b, bool q, int vd, int vn, int vm)
{
    return vec3(b, 0x0e201c00u, q, 1, vd, vn, vm);
}

int a64_vorr(A64Buf *b, bool q, int vd, int vn, int vm)
{
    return vec3(b, 0x0e201c00u, q, 2, vd, vn, vm);
}

int a64_veor(A64Buf *b, bool q, int vd, int vn, int vm)
{
    return vec3(b, 0x2e201c00u, q, 0, vd, vn, vm);
}

int a64_vmov(A64Buf *b, bool q, int vd, int vn)
{
    return a64_vorr(b, q, vd, vn, vn);
}

int a64_vadd(A64Buf *b, bool q, A64VSize sz, int vd, int vn, int vm)
{
    return vec3(b, 0x0e208400u, q, sz, vd, vn, vm);
}

int a64_vsub(A64Buf *b, bool q, A64VSize sz, int vd, int vn, int vm)
{
    return vec3(b, 0x2e208400u, q, sz, vd, vn, vm);
}

int a64_vcmeq(A64Buf *b, bool q, A64VSize sz, int vd, int vn, int vm)
{
    return vec3(b, 0x2e208c00u, q, sz, vd, vn, vm);
}

int a64_vcmgt(A64Buf *b, bool q, A64VSize sz, int vd, int vn, int vm)
{
    return vec3(b, 0x0e203400u, q, sz, vd, vn, vm);
}

/* Shift by immediate: immh:immb is esize + shift (left) or 2*esize - shift
 * (right), which also encodes the element size. */
static int vshift(A64Buf *b, uint32_t base, bool left, bool q, A64VSize sz,
                  int vd, int vn, int shift)
{
    int d = a64f_v(vd), n = a64f_v(vn), esize = 8 << sz;
    uint32_t immhb = left ? esize + shift : 2 * esize - shift;

    A64_REQUIRE(b, (d | n) >= 0, A64_ERR_REG);
    A64_REQUIRE(b, sz >= 0 && sz <= 3 && (q || sz != 3), A64_ERR_OPERAND);
    A64_REQUIRE(b, left ? shift >= 0 && shift < esize
                        : shift >= 1 && shift <= esize, A64_ERR_IMM);
    return a64_emit32(b, base | (uint32_t)q << 30 |
                      immhb << 16 |
                      n << 5 | d);
}

int a64_vshl_imm(A64Buf *b, bool q, A64VSize sz, int vd, int vn, int shift)
{
    return vshift(b, 0x0f005400u, true, q, sz, vd, vn, shift);
}

int a64_vushr_imm(A64Buf *b, bool q, A64VSize sz, int vd, int vn, int shift)
{
    return vshift(b, 0x2f000400u, false, q, sz, vd, vn, shift);
}

int a64_vsshr_imm(A64Buf *b, bool q, A64VSize sz, int vd, int vn, int shift)
{
    return vshift(b, 0x0f000400u, false, q, sz, vd, vn, shift);
}

int a64_vdup_gpr(A64Buf *b, bool q, A64VSize sz, int vd, int rn)
{
    int d = a64f_v(vd), n = a64f_zr(rn);

    A64_REQUIRE(b, (d | n) >= 0, A64_ERR_REG);
    A64_REQUIRE(b, sz >= 0 && sz <= 3 && (q || sz != 3), A64_ERR_OPERAND);
    return a64_emit32(b, 0x0e000c00u | (uint32_t)q << 30 |
                      (1u << sz) << 16 | n << 5 | d);
}

/* imm5 of the lane-indexed forms: the index above a one-hot size bit. */
static int lane_imm5(A64VSize sz, int lane)
{
    if (sz < 0 || sz > 3 || lane < 0 || lane >= (16 >> sz)) {
        return -1;
    }
    return (lane << (sz + 1)) | (1 << sz);
}

int a64_vins_gpr(A64Buf *b, A64VSize sz, int vd, int lane, int rn)
{
    int d = a64f_v(vd), n = a64f_zr(rn), imm5 = lane_imm5(sz, lane);

    A64_REQUIRE(b, (d | n) >= 0, A64_ERR_REG);
    A64_REQUIRE(b, imm5 >= 0, A64_ERR_OPERAND);
    return a64_emit32(b, 0x4e001c00u | (uint32_t)imm5 << 16 | n << 5 | d);
}

int a64_vumov(A64Buf *b, A64VSize sz, int rd, int vn, int lane)
{
    int d = a64f_zr(rd), n = a64f_v(vn), imm5 = lane_imm5(sz, lane);

    A64_REQUIRE(b, (d | n) >= 0, A64_ERR_REG);
    A64_REQUIRE(b, imm5 >= 0, A64_ERR_OPERAND);
    return a64_emit32(b, 0x0e003c00u | (uint32_t)(sz == A64_E64) << 30 |
                      (uint32_t)imm5 << 16 | n << 5 | d);
}

int a64_fmov_to_gpr(A64Buf *b, bool sf, int rd, int vn)
{
    int d = a64f_zr(rd), n = a64f_v(vn);

    A64_REQUIRE(b, (d | n) >= 0, A64_ERR_REG);
    return a64_emit32(b, (sf ? 0x9e660000u : 0x1e260000u) | n << 5 | d);
}

int a64_fmov_from_gpr(A64Buf *b, bool sf, int vd, int rn)
{
    int d = a64f_v(vd), n = a64f_zr(rn);

    A64_REQUIRE(b, (d | n) >= 0, A64_ERR_REG);
    return a64_emit32(b, (sf ? 0x9e670000u : 0x1e270000u) | n << 5 | d);
}
