/*
 * la64-enc.c — loongarch64 instruction encoder. Field layouts follow the
 * LoongArch Reference Manual vol. 1 §1.2 (instruction formats 2R, 3R,
 * 2RI8/12/14/16, 1RI20/21, I26); the opcodes live in la64-enc.h tables.
 * Every encoder validates its operands and reports instead of truncating.
 */
#include "backend-loongarch/la64-enc.h"

/* ---------------------------------------------------------------------- */
/* Buffer                                                                  */

void la64_buf_init(La64Buf *b, uint32_t *mem, size_t cap_insns)
{
    b->start = mem;
    b->cap = cap_insns;
    b->len = 0;
    b->err = LA64_OK;
}

/* Record @err as the buffer's first error (if it is one) and return it. */
static int fail(La64Buf *b, int err)
{
    if (err != LA64_OK && b->err == LA64_OK) {
        b->err = err;
    }
    return err;
}

int la64_emit(La64Buf *b, uint32_t insn)
{
    if (b->len >= b->cap) {
        return fail(b, LA64_ERR_OVERFLOW);
    }
    b->start[b->len++] = insn;
    return LA64_OK;
}

const char *la64_err_name(int err)
{
    switch (err) {
    case LA64_OK: return "ok";
    case LA64_ERR_OVERFLOW: return "buffer overflow";
    case LA64_ERR_RANGE: return "operand out of range";
    case LA64_ERR_REG: return "bad register";
    case LA64_ERR_ALIGN: return "misaligned offset";
    case LA64_ERR_INSN: return "not the expected instruction";
    }
    return "unknown error";
}

const char *la64_reg_name(int r)
{
    static const char *const names[LA64_NREGS] = {
        "$zero", "$ra", "$tp", "$sp", "$a0", "$a1", "$a2", "$a3",
        "$a4", "$a5", "$a6", "$a7", "$t0", "$t1", "$t2", "$t3",
        "$t4", "$t5", "$t6", "$t7", "$t8", "$r21", "$fp", "$s0",
        "$s1", "$s2", "$s3", "$s4", "$s5", "$s6", "$s7", "$s8",
    };
    return (r >= 0 && r < LA64_NREGS) ? names[r] : "?";
}

/* ---------------------------------------------------------------------- */
/* Operand checks                                                          */

static int reg_ok(int r) { return r >= 0 && r < LA64_NREGS; }

static int fits_s(int64_t v, unsigned bits)
{
    return v >= -((int64_t)1 << (bits - 1)) && v < ((int64_t)1 << (bits - 1));
}

static int fits_u(int64_t v, unsigned bits)
{
    return v >= 0 && v < ((int64_t)1 << bits);
}

static uint32_t field(int64_t v, unsigned bits)
{
    return (uint32_t)((uint64_t)v & (((uint64_t)1 << bits) - 1));
}

/* ---------------------------------------------------------------------- */
/* Formats                                                                 */

static int emit_3r(La64Buf *b, uint32_t op, int rd, int rj, int rk)
{
    if (!reg_ok(rd) || !reg_ok(rj) || !reg_ok(rk)) {
        return fail(b, LA64_ERR_REG);
    }
    return la64_emit(b, op | (uint32_t)rk << 10 | (uint32_t)rj << 5 | (uint32_t)rd);
}

static int emit_am(La64Buf *b, uint32_t op, int rd, int rk, int rj)
{
    if (rd != LA64_ZERO && (rd == rk || rd == rj)) {
        return fail(b, LA64_ERR_REG);
    }
    return emit_3r(b, op, rd, rj, rk);
}

static int emit_2r(La64Buf *b, uint32_t op, int rd, int rj)
{
    return emit_3r(b, op, rd, rj, 0);
}

/* rd, rj and an immediate field of @bits at bit 10. @scale low bits of
 * @imm must be zero and are dropped (LL/SC, LDPTR, branches). */
static int emit_rri(La64Buf *b, uint32_t op, int rd, int rj, int64_t imm,
                    unsigned bits, int is_signed, unsigned scale)
{
    if (!reg_ok(rd) || !reg_ok(rj)) {
        return fail(b, LA64_ERR_REG);
    }
    if (imm & (((int64_t)1 << scale) - 1)) {
        return fail(b, LA64_ERR_ALIGN);
    }
    imm >>= scale;  /* arithmetic on negative int64_t: gcc/clang define it */
    if (is_signed ? !fits_s(imm, bits) : !fits_u(imm, bits)) {
        return fail(b, LA64_ERR_RANGE);
    }
    return la64_emit(b, op | field(imm, bits) << 10 | (uint32_t)rj << 5 | (uint32_t)rd);
}

static int emit_ri20(La64Buf *b, uint32_t op, int rd, int64_t imm)
{
    if (!reg_ok(rd)) {
        return fail(b, LA64_ERR_REG);
    }
    if (!fits_s(imm, 20)) {
        return fail(b, LA64_ERR_RANGE);
    }
    return la64_emit(b, op | field(imm, 20) << 5 | (uint32_t)rd);
}

/* offs21: low 16 bits at [25:10], high 5 at [4:0]. */
static uint32_t enc_offs21(int64_t w)
{
    return field(w, 16) << 10 | field(w >> 16, 5);
}

/* offs26: low 16 bits at [25:10], high 10 at [9:0]. */
static uint32_t enc_offs26(int64_t w)
{
    return field(w, 16) << 10 | field(w >> 16, 10);
}

/* Check a byte offset against a signed word-offset field of @bits. */
static int check_offs(int64_t offs, unsigned bits)
{
    if (offs & 3) {
        return LA64_ERR_ALIGN;
    }
    return fits_s(offs >> 2, bits) ? LA64_OK : LA64_ERR_RANGE;
}

static int emit_br21(La64Buf *b, uint32_t op, int rj, int64_t offs)
{
    int err = reg_ok(rj) ? check_offs(offs, 21) : LA64_ERR_REG;
    if (err) {
        return fail(b, err);
    }
    return la64_emit(b, op | enc_offs21(offs >> 2) | (uint32_t)rj << 5);
}

static int emit_br26(La64Buf *b, uint32_t op, int64_t offs)
{
    int err = check_offs(offs, 26);
    if (err) {
        return fail(b, err);
    }
    return la64_emit(b, op | enc_offs26(offs >> 2));
}

static int emit_hint(La64Buf *b, uint32_t op, unsigned code)
{
    if (code >= (1u << 15)) {
        return fail(b, LA64_ERR_RANGE);
    }
    return la64_emit(b, op | code);
}

/* ---------------------------------------------------------------------- */
/* Table-generated encoders (la64-enc.h)                                  */

#define DEF_3R(n, o) \
    int la64_##n(La64Buf *b, int rd, int rj, int rk) { return emit_3r(b, o, rd, rj, rk); }
#define DEF_AM(n, o) \
    int la64_##n(La64Buf *b, int rd, int rk, int rj) { return emit_am(b, o, rd, rk, rj); }
#define DEF_2R(n, o) \
    int la64_##n(La64Buf *b, int rd, int rj) { return emit_2r(b, o, rd, rj); }
#define DEF_RRI(n, o, bits, sgn, scale) \
    int la64_##n(La64Buf *b, int rd, int rj, int64_t imm) \
    { return emit_rri(b, o, rd, rj, imm, bits, sgn, scale); }
#define DEF_12S(n, o) DEF_RRI(n, o, 12, 1, 0)
#define DEF_12U(n, o) DEF_RRI(n, o, 12, 0, 0)
#define DEF_14(n, o) DEF_RRI(n, o, 14, 1, 2)
#define DEF_SHW(n, o) DEF_RRI(n, o, 5, 0, 0)
#define DEF_SHD(n, o) DEF_RRI(n, o, 6, 0, 0)
#define DEF_RI20(n, o) \
    int la64_##n(La64Buf *b, int rd, int64_t imm) { return emit_ri20(b, o, rd, imm); }
#define DEF_HINT(n, o) \
    int la64_##n(La64Buf *b, unsigned code) { return emit_hint(b, o, code); }
/* offs16 branches share the 2RI16 layout: rj at [9:5], rd at [4:0]. */
#define DEF_BR16(n, o) \
    int la64_##n(La64Buf *b, int rj, int rd, int64_t offs) \
    { return emit_rri(b, o, rd, rj, offs, 16, 1, 2); }
#define DEF_BR21(n, o) \
    int la64_##n(La64Buf *b, int rj, int64_t offs) { return emit_br21(b, o, rj, offs); }
#define DEF_BR26(n, o) \
    int la64_##n(La64Buf *b, int64_t offs) { return emit_br26(b, o, offs); }

LA64_3R_OPS(DEF_3R)
LA64_AM_OPS(DEF_AM)
LA64_2R_OPS(DEF_2R)
LA64_2RI12S_OPS(DEF_12S)
LA64_2RI12U_OPS(DEF_12U)
LA64_2RI14_OPS(DEF_14)
LA64_SHIFT_W_OPS(DEF_SHW)
LA64_SHIFT_D_OPS(DEF_SHD)
LA64_1RI20_OPS(DEF_RI20)
LA64_HINT_OPS(DEF_HINT)
LA64_BR16_OPS(DEF_BR16)
LA64_BR21_OPS(DEF_BR21)
LA64_BR26_OPS(DEF_BR26)

/* ---------------------------------------------------------------------- */
/* Other encoders                                                          */

int la64_addu16i_d(La64Buf *b, int rd, int rj, int64_t si16)
{
    return emit_rri(b, 0x10000000, rd, rj, si16, 16, 1, 0);
}

int la64_jirl(La64Buf *b, int rd, int rj, int64_t offs)
{
    return emit_rri(b, 0x4c000000, rd, rj, offs, 16, 1, 2);
}

/* msb at bit 16, lsb at bit 10; @w6 selects the 6-bit (.d) fields. */
static int emit_bstr(La64Buf *b, uint32_t op, int rd, int rj,
                     unsigned msb, unsigned lsb, int w6)
{
    unsigned lim = w6 ? 64 : 32;
    if (!reg_ok(rd) || !reg_ok(rj)) {
        return fail(b, LA64_ERR_REG);
    }
    if (msb >= lim || lsb > msb) {
        return fail(b, LA64_ERR_RANGE);
    }
    return la64_emit(b, op | msb << 16 | lsb << 10 | (uint32_t)rj << 5 | (uint32_t)rd);
}

int la64_bstrins_w(La64Buf *b, int rd, int rj, unsigned msb, unsigned lsb)
{
    return emit_bstr(b, 0x00600000, rd, rj, msb, lsb, 0);
}

int la64_bstrpick_w(La64Buf *b, int rd, int rj, unsigned msb, unsigned lsb)
{
    return emit_bstr(b, 0x00608000, rd, rj, msb, lsb, 0);
}

int la64_bstrins_d(La64Buf *b, int rd, int rj, unsigned msb, unsigned lsb)
{
    return emit_bstr(b, 0x00800000, rd, rj, msb, lsb, 1);
}

int la64_bstrpick_d(La64Buf *b, int rd, int rj, unsigned msb, unsigned lsb)
{
    return emit_bstr(b, 0x00c00000, rd, rj, msb, lsb, 1);
}

/* 3R with a small shift field at bit 15 holding @field (< @lim). */
static int emit_3r_sa(La64Buf *b, uint32_t op, int rd, int rj, int rk,
                      unsigned field, unsigned lim)
{
    if (field >= lim) {
        return fail(b, LA64_ERR_RANGE);
    }
    return emit_3r(b, op | field << 15, rd, rj, rk);
}

/* ALSL encodes sa - 1; sa == 0 wraps to a huge field and is rejected. */
int la64_alsl_w(La64Buf *b, int rd, int rj, int rk, unsigned sa)
{
    return emit_3r_sa(b, 0x00040000, rd, rj, rk, sa - 1, 4);
}

int la64_alsl_wu(La64Buf *b, int rd, int rj, int rk, unsigned sa)
{
    return emit_3r_sa(b, 0x00060000, rd, rj, rk, sa - 1, 4);
}

int la64_alsl_d(La64Buf *b, int rd, int rj, int rk, unsigned sa)
{
    return emit_3r_sa(b, 0x002c0000, rd, rj, rk, sa - 1, 4);
}

int la64_bytepick_w(La64Buf *b, int rd, int rj, int rk, unsigned sa)
{
    return emit_3r_sa(b, 0x00080000, rd, rj, rk, sa, 4);
}

int la64_bytepick_d(La64Buf *b, int rd, int rj, int rk, unsigned sa)
{
    return emit_3r_sa(b, 0x000c0000, rd, rj, rk, sa, 8);
}

int la64_nop(La64Buf *b)
{
    return la64_andi(b, LA64_ZERO, LA64_ZERO, 0);
}

int la64_mov(La64Buf *b, int rd, int rj)
{
    return la64_or(b, rd, rj, LA64_ZERO);
}

/* ---------------------------------------------------------------------- */
/* 64-bit constants                                                        */

/*
 * A constant is built in up to three steps: the low 32 bits (which leave
 * bits 63..32 as the sign of bit 31, except ORI from zero which leaves
 * them 0 — the same thing for a value below 0x800), then LU32I.D for bits
 * 51..32 (sign-extending bit 51 upwards), then LU52I.D for bits 63..52.
 * Each step is skipped when the previous ones already produced its bits.
 * Two shortcuts: a value whose low 52 bits are zero is one LU52I.D from
 * $zero, and a value whose halves are equal (0x5555555555555555 and the
 * other SWAR masks x86 code is full of) is its low half plus one
 * BSTRINS.D rd, rd, 63, 32, when that is shorter.
 */
typedef struct MoviPlan {
    int len;        /* instructions */
    int lo_kind;    /* 0: addi.w, 1: ori, 2: lu12i.w, 3: lu12i.w + ori */
    int need_lu32;
    int need_lu52;
    int only_lu52;
    int rep32;      /* low half, then bstrins.d rd, rd, 63, 32 */
} MoviPlan;

static MoviPlan movi_plan(uint64_t v)
{
    MoviPlan p = { 1, 0, 0, 0, 0, 0 };
    int64_t lo = (int32_t)(uint32_t)v;  /* low 32 bits, sign-extended */
    int64_t mid = (int64_t)(v << 12) >> 44;  /* bits 51..32, sign-extended */
    int lo_len;

    if (v != 0 && (v & 0x000fffffffffffffull) == 0) {
        p.only_lu52 = 1;
        return p;
    }
    if (fits_s(lo, 12)) {
        p.lo_kind = 0;
    } else if (fits_u(lo, 12)) {
        p.lo_kind = 1;
    } else {
        p.lo_kind = (lo & 0xfff) ? 3 : 2;
    }
    lo_len = p.lo_kind == 3 ? 2 : 1;
    /* After the low step, bits 63..32 are all copies of bit 31. */
    p.need_lu32 = mid != (lo < 0 ? -1 : 0);
    /* After step 2, bits 63..52 are copies of bit 51. */
    p.need_lu52 = ((int64_t)v >> 52) != (int64_t)(v << 12) >> 63;
    p.len = lo_len + p.need_lu32 + p.need_lu52;
    if ((v >> 32) == (v & 0xffffffffu) && lo_len + 1 < p.len) {
        p.rep32 = 1;
        p.len = lo_len + 1;
    }
    return p;
}

int la64_movi64_len(uint64_t v)
{
    return movi_plan(v).len;
}

int la64_movi64(La64Buf *b, int rd, uint64_t v)
{
    MoviPlan p = movi_plan(v);
    int64_t lo = (int32_t)(uint32_t)v;
    int64_t hi12 = (int64_t)v >> 52;

    if (!reg_ok(rd) || rd == LA64_ZERO) {
        return fail(b, LA64_ERR_REG);
    }
    if (b->cap - b->len < (size_t)p.len) {
        return fail(b, LA64_ERR_OVERFLOW);
    }
    /* From here on every operand is in range: the emits cannot fail. */
    if (p.only_lu52) {
        return la64_lu52i_d(b, rd, LA64_ZERO, hi12);
    }
    switch (p.lo_kind) {
    case 0: la64_addi_w(b, rd, LA64_ZERO, lo); break;
    case 1: la64_ori(b, rd, LA64_ZERO, lo); break;
    default:
        la64_lu12i_w(b, rd, lo >> 12);
        if (p.lo_kind == 3) {
            la64_ori(b, rd, rd, lo & 0xfff);
        }
    }
    if (p.rep32) {
        return la64_bstrins_d(b, rd, rd, 63, 32);
    }
    if (p.need_lu32) {
        la64_lu32i_d(b, rd, (int64_t)(v << 12) >> 44);
    }
    if (p.need_lu52) {
        la64_lu52i_d(b, rd, rd, hi12);
    }
    return LA64_OK;
}

/* ---------------------------------------------------------------------- */
/* Sequences for large operands                                            */

typedef int (*MemRI)(La64Buf *, int, int, int64_t);
typedef int (*MemRR)(La64Buf *, int, int, int);

static const struct {
    MemRI ri;      /* 12-bit offset form */
    MemRI ptr;     /* LDPTR/STPTR form, or NULL */
    MemRR rr;      /* register-offset form */
    int store;
} mem_ops[LA64_MEM_COUNT] = {
    [LA64_LD_B] = { la64_ld_b, NULL, la64_ldx_b, 0 },
    [LA64_LD_H] = { la64_ld_h, NULL, la64_ldx_h, 0 },
    [LA64_LD_W] = { la64_ld_w, la64_ldptr_w, la64_ldx_w, 0 },
    [LA64_LD_D] = { la64_ld_d, la64_ldptr_d, la64_ldx_d, 0 },
    [LA64_LD_BU] = { la64_ld_bu, NULL, la64_ldx_bu, 0 },
    [LA64_LD_HU] = { la64_ld_hu, NULL, la64_ldx_hu, 0 },
    [LA64_LD_WU] = { la64_ld_wu, NULL, la64_ldx_wu, 0 },
    [LA64_ST_B] = { la64_st_b, NULL, la64_stx_b, 1 },
    [LA64_ST_H] = { la64_st_h, NULL, la64_stx_h, 1 },
    [LA64_ST_W] = { la64_st_w, la64_stptr_w, la64_stx_w, 1 },
    [LA64_ST_D] = { la64_st_d, la64_stptr_d, la64_stx_d, 1 },
};

int la64_mem(La64Buf *b, La64MemOp op, int rd, int base, int64_t off, int tmp)
{
    if ((unsigned)op >= LA64_MEM_COUNT) {
        return fail(b, LA64_ERR_RANGE);
    }
    if (!reg_ok(rd) || !reg_ok(base)) {
        return fail(b, LA64_ERR_REG);
    }
    if (fits_s(off, 12)) {
        return mem_ops[op].ri(b, rd, base, off);
    }
    if (mem_ops[op].ptr && (off & 3) == 0 && fits_s(off >> 2, 14)) {
        return mem_ops[op].ptr(b, rd, base, off);
    }
    if (!reg_ok(tmp) || tmp == LA64_ZERO || tmp == base || (mem_ops[op].store && tmp == rd)) {
        return fail(b, LA64_ERR_REG);
    }
    if (b->cap - b->len < (size_t)la64_movi64_len((uint64_t)off) + 1) {
        return fail(b, LA64_ERR_OVERFLOW);
    }
    la64_movi64(b, tmp, (uint64_t)off);
    return mem_ops[op].rr(b, rd, base, tmp);
}

int la64_addi_any(La64Buf *b, int rd, int rj, int64_t imm, int tmp)
{
    if (fits_s(imm, 12)) {
        return la64_addi_d(b, rd, rj, imm);
    }
    if ((imm & 0xffff) == 0 && fits_s(imm >> 16, 16)) {
        return la64_addu16i_d(b, rd, rj, imm >> 16);
    }
    if (!reg_ok(rd) || !reg_ok(rj) || !reg_ok(tmp) || tmp == LA64_ZERO || tmp == rj) {
        return fail(b, LA64_ERR_REG);
    }
    if (b->cap - b->len < (size_t)la64_movi64_len((uint64_t)imm) + 1) {
        return fail(b, LA64_ERR_OVERFLOW);
    }
    la64_movi64(b, tmp, (uint64_t)imm);
    return la64_add_d(b, rd, rj, tmp);
}

/* Split @offs into hi << @shift plus a signed low part of @shift bits. */
static int64_t split_hi(int64_t offs, unsigned shift)
{
    return (offs + ((int64_t)1 << (shift - 1))) >> shift;
}

int la64_pcrel(La64Buf *b, int rd, int64_t offs)
{
    int64_t hi = split_hi(offs, 12);

    if ((offs & 3) == 0 && fits_s(offs >> 2, 20)) {
        return la64_pcaddi(b, rd, offs >> 2);
    }
    if (!reg_ok(rd)) {
        return fail(b, LA64_ERR_REG);
    }
    if (!fits_s(hi, 20)) {
        return fail(b, LA64_ERR_RANGE);
    }
    if (b->cap - b->len < 2) {
        return fail(b, LA64_ERR_OVERFLOW);
    }
    la64_pcaddu12i(b, rd, hi);
    return la64_addi_d(b, rd, rd, offs - hi * 4096);
}

int la64_jump_far(La64Buf *b, int link, int64_t offs, int tmp)
{
    int64_t hi = split_hi(offs, 18);

    if (!reg_ok(link) || !reg_ok(tmp) || tmp == LA64_ZERO) {
        return fail(b, LA64_ERR_REG);
    }
    if (offs & 3) {
        return fail(b, LA64_ERR_ALIGN);
    }
    if (!fits_s(hi, 20)) {
        return fail(b, LA64_ERR_RANGE);
    }
    if (b->cap - b->len < 2) {
        return fail(b, LA64_ERR_OVERFLOW);
    }
    la64_pcaddu18i(b, tmp, hi);
    return la64_jirl(b, link, tmp, offs - hi * 262144);
}

/* ---------------------------------------------------------------------- */
/* Patching                                                                */

/* Branch kind of @insn by its major opcode (bits 31..26). */
static int branch_bits(uint32_t insn)
{
    switch (insn >> 26) {
    case 0x10: case 0x11: return 21;                 /* beqz bnez */
    case 0x14: case 0x15: return 26;                 /* b bl */
    case 0x16: case 0x17: case 0x18: case 0x19:
    case 0x1a: case 0x1b: return 16;                 /* beq..bgeu */
    }
    return 0;
}

static uint32_t with_offset(uint32_t insn, int bits, int64_t offs)
{
    int64_t w = offs >> 2;
    switch (bits) {
    case 16: return (insn & ~(0xffffu << 10)) | field(w, 16) << 10;
    case 21: return (insn & ~((0xffffu << 10) | 0x1f)) | enc_offs21(w);
    default: return (insn & 0xfc000000u) | enc_offs26(w);
    }
}

int la64_set_branch_offset(uint32_t *insn, int64_t offs)
{
    int bits = branch_bits(*insn);
    int err;
    if (bits == 0) {
        return LA64_ERR_INSN;
    }
    err = check_offs(offs, (unsigned)bits);
    if (err) {
        return err;
    }
    *insn = with_offset(*insn, bits, offs);
    return LA64_OK;
}

int la64_patch_branch(uint32_t *insn, const void *target)
{
    uint32_t old = __atomic_load_n(insn, __ATOMIC_RELAXED);
    int64_t offs = (int64_t)((intptr_t)target - (intptr_t)insn);
    int err;

    if (branch_bits(old) != 26) {
        return LA64_ERR_INSN;
    }
    err = check_offs(offs, 26);
    if (err) {
        return err;
    }
    /* One naturally aligned word store: fetch sees old or new, never a mix. */
    __atomic_store_n(insn, with_offset(old, 26, offs), __ATOMIC_RELEASE);
    return LA64_OK;
}
