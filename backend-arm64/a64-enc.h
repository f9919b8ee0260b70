/*
 * a64-enc.h — the arm64 instruction encoder: a code-buffer writer and one
 * function per instruction (or alias). Host-independent C: every build can
 * emit arm64 code. The op emitter (IR lowering) is the main user.
 *
 * Conventions for every encoder below:
 *   - `sf` selects the 64-bit (X) form when true, the 32-bit (W) form when
 *     false. Memory ops take an explicit access size instead.
 *   - Register operands are numbers from a64-regs.h. Each operand accepts
 *     either A64_ZR or A64_SP (never both), as the ISA field does; the other
 *     one is rejected with A64_ERR_REG.
 *   - The return value is A64_OK or a negative A64Err. On error nothing is
 *     emitted and the first error is also kept in the buffer (sticky), so a
 *     caller may emit a whole sequence and check `a64_buf_error()` once. An
 *     error is ordinary control flow: the caller falls back to another
 *     sequence (or flushes the code cache and retries on overflow).
 *   - Branch offsets are byte offsets from the branch instruction itself.
 *
 * Files: a64-enc.c (buffer, immediates, add/sub, logical), a64-enc-bits.c
 * (shifts, bitfields, multiply, conditional select), a64-enc-mem.c (loads,
 * stores, atomics), a64-enc-ctl.c (branches, patching, system, NEON).
 */
#ifndef FERRY_BACKEND_ARM64_A64_ENC_H
#define FERRY_BACKEND_ARM64_A64_ENC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backend-arm64/a64-regs.h"

/* ---------------------------------------------------------------------- */
/* Errors and the code buffer                                              */

typedef enum A64Err {
    A64_OK = 0,
    A64_ERR_OVERFLOW = -1,   /* code buffer full */
    A64_ERR_IMM = -2,        /* immediate not encodable */
    A64_ERR_REG = -3,        /* register not allowed in this operand */
    A64_ERR_RANGE = -4,      /* branch/address target out of range */
    A64_ERR_ALIGN = -5,      /* offset/target not suitably aligned */
    A64_ERR_OPERAND = -6,    /* other invalid combination (size, lane...) */
} A64Err;

/*
 * A code buffer over caller-owned memory. Not thread-safe: one emitting
 * thread owns it (the translation lock in the JIT).
 */
typedef struct A64Buf {
    uint8_t *base;   /* start of the caller's array (4-byte aligned) */
    size_t size;     /* capacity in bytes */
    size_t pos;      /* bytes emitted so far */
    int err;         /* first error seen, A64_OK if none (sticky) */
} A64Buf;

/* Start an empty buffer writing into mem[0..size). */
void a64_buf_init(A64Buf *b, void *mem, size_t size);
/* First error since init (or A64_OK). */
static inline int a64_buf_error(const A64Buf *b) { return b->err; }
/* Address where the next instruction goes. */
static inline uint32_t *a64_buf_cur(A64Buf *b)
{
    return (uint32_t *)(void *)(b->base + b->pos);
}
/* Append one raw instruction word (little-endian). */
int a64_emit32(A64Buf *b, uint32_t insn);
/* Record error e (if it is the first) and return it. */
int a64_buf_fail(A64Buf *b, int e);
/* Short text for an A64Err ("immediate not encodable", ...). */
const char *a64_err_str(int e);

/* ---------------------------------------------------------------------- */
/* Operand kinds                                                           */

typedef enum A64Shift { A64_LSL, A64_LSR, A64_ASR, A64_ROR } A64Shift;

typedef enum A64Extend {
    A64_UXTB, A64_UXTH, A64_UXTW, A64_UXTX,
    A64_SXTB, A64_SXTH, A64_SXTW, A64_SXTX,
} A64Extend;

/* Add/sub operation: value is op<<1 | S, as encoded. */
typedef enum A64AddSub { A64_ADD, A64_ADDS, A64_SUB, A64_SUBS } A64AddSub;

/* Logical operation: value is opc<<1 | N, as encoded (N inverts Rm). */
typedef enum A64Logic {
    A64_AND, A64_BIC, A64_ORR, A64_ORN, A64_EOR, A64_EON, A64_ANDS, A64_BICS,
} A64Logic;

/* ---------------------------------------------------------------------- */
/* Immediates                                                              */

/*
 * Encode v as a logical (bitmask) immediate for a 64-bit (sf) or 32-bit
 * operation. On success store N:immr:imms (13 bits, N at bit 12) in *enc
 * and return true. For 32-bit, v must fit in 32 bits.
 */
bool a64_logical_imm_encode(uint64_t v, bool sf, uint32_t *enc);

/* Number of instructions a64_movi() will use for v (1..4). */
int a64_movi_len(bool sf, uint64_t v);

/* rd = v by the shortest sequence of MOVZ/MOVN/MOVK/ORR-immediate.
 * rd: x0..x30 (not ZR/SP). For !sf only the low 32 bits of v count. */
int a64_movi(A64Buf *b, bool sf, int rd, uint64_t v);
static inline int a64_movi64(A64Buf *b, int rd, uint64_t v)
{
    return a64_movi(b, true, rd, v);
}

/* Move wide: rd = imm16 << 16*hw, rd = ~(imm16 << 16*hw), or replace
 * halfword hw of rd (MOVK). hw < 4 (X) or < 2 (W); rd: ZR form. */
int a64_movz(A64Buf *b, bool sf, int rd, uint16_t imm16, int hw);
int a64_movn(A64Buf *b, bool sf, int rd, uint16_t imm16, int hw);
int a64_movk(A64Buf *b, bool sf, int rd, uint16_t imm16, int hw);

/* ---------------------------------------------------------------------- */
/* Arithmetic                                                              */

/* rd = rn op (rm shift amount). rd, rn, rm: ZR form. ROR not allowed. */
int a64_addsub_shift(A64Buf *b, A64AddSub op, bool sf, int rd, int rn,
                     int rm, A64Shift shift, int amount);
/* rd = rn op (extend(rm) << amount), amount 0..4. rd: SP form unless the op
 * sets flags (then ZR); rn: SP form; rm: ZR form. */
int a64_addsub_ext(A64Buf *b, A64AddSub op, bool sf, int rd, int rn, int rm,
                   A64Extend ext, int amount);
/* rd = rn op (imm12 << (lsl12 ? 12 : 0)). rd as in addsub_ext, rn: SP. */
int a64_addsub_imm(A64Buf *b, A64AddSub op, bool sf, int rd, int rn,
                   uint32_t imm12, bool lsl12);
/* rd = rn op imm for any imm that ADD or SUB (the other sign) with an
 * optional LSL 12 can encode; else A64_ERR_IMM. Registers as addsub_imm. */
int a64_addsub_ri(A64Buf *b, A64AddSub op, bool sf, int rd, int rn,
                  int64_t imm);

int a64_add_rrr(A64Buf *b, bool sf, int rd, int rn, int rm);
int a64_adds_rrr(A64Buf *b, bool sf, int rd, int rn, int rm);
int a64_sub_rrr(A64Buf *b, bool sf, int rd, int rn, int rm);
int a64_subs_rrr(A64Buf *b, bool sf, int rd, int rn, int rm);
int a64_add_rri(A64Buf *b, bool sf, int rd, int rn, int64_t imm);
int a64_sub_rri(A64Buf *b, bool sf, int rd, int rn, int64_t imm);
int a64_cmp_rr(A64Buf *b, bool sf, int rn, int rm);
int a64_cmp_ri(A64Buf *b, bool sf, int rn, int64_t imm);
int a64_cmn_rr(A64Buf *b, bool sf, int rn, int rm);
/* rd = -rm, and the flag-setting form. */
int a64_neg(A64Buf *b, bool sf, int rd, int rm);
int a64_negs(A64Buf *b, bool sf, int rd, int rm);

/* Carry forms: rd = rn + rm + C; rd = rn - rm - !C. All ZR form. */
int a64_adc(A64Buf *b, bool sf, int rd, int rn, int rm);
int a64_adcs(A64Buf *b, bool sf, int rd, int rn, int rm);
int a64_sbc(A64Buf *b, bool sf, int rd, int rn, int rm);
int a64_sbcs(A64Buf *b, bool sf, int rd, int rn, int rm);

/* ---------------------------------------------------------------------- */
/* Logical                                                                 */

/* rd = rn op (rm shift amount). All ZR form. */
int a64_logic_shift(A64Buf *b, A64Logic op, bool sf, int rd, int rn, int rm,
                    A64Shift shift, int amount);
/* rd = rn op imm, imm a bitmask immediate (else A64_ERR_IMM; for !sf imm
 * must fit in 32 bits). op is AND, ORR, EOR or ANDS. rd: SP form (ZR for
 * ANDS); rn: ZR form. */
int a64_logic_imm(A64Buf *b, A64Logic op, bool sf, int rd, int rn,
                  uint64_t imm);

int a64_and_rrr(A64Buf *b, bool sf, int rd, int rn, int rm);
int a64_orr_rrr(A64Buf *b, bool sf, int rd, int rn, int rm);
int a64_eor_rrr(A64Buf *b, bool sf, int rd, int rn, int rm);
int a64_ands_rrr(A64Buf *b, bool sf, int rd, int rn, int rm);
int a64_bic_rrr(A64Buf *b, bool sf, int rd, int rn, int rm);
int a64_orn_rrr(A64Buf *b, bool sf, int rd, int rn, int rm);
int a64_eon_rrr(A64Buf *b, bool sf, int rd, int rn, int rm);
int a64_tst_rr(A64Buf *b, bool sf, int rn, int rm);
int a64_tst_ri(A64Buf *b, bool sf, int rn, uint64_t imm);
/* rd = ~rm. */
int a64_mvn(A64Buf *b, bool sf, int rd, int rm);
/* rd = rn. Either may be SP (uses ADD #0) or ZR (uses ORR), not both. */
int a64_mov_rr(A64Buf *b, bool sf, int rd, int rn);

/* ---------------------------------------------------------------------- */
/* Shifts and bitfields                                                    */

/* Variable shifts: rd = rn shift (rm mod width). All ZR form. */
int a64_shift_rrr(A64Buf *b, A64Shift shift, bool sf, int rd, int rn, int rm);
/* Immediate shifts (LSL/LSR/ASR via UBFM/SBFM, ROR via EXTR), amount <
 * width. */
int a64_shift_rri(A64Buf *b, A64Shift shift, bool sf, int rd, int rn,
                  int amount);

/* Raw bitfield moves; immr, imms < width. */
int a64_ubfm(A64Buf *b, bool sf, int rd, int rn, int immr, int imms);
int a64_sbfm(A64Buf *b, bool sf, int rd, int rn, int immr, int imms);
int a64_bfm(A64Buf *b, bool sf, int rd, int rn, int immr, int imms);
/* Field aliases: 0 < width, lsb + width <= register width. */
int a64_ubfx(A64Buf *b, bool sf, int rd, int rn, int lsb, int width);
int a64_sbfx(A64Buf *b, bool sf, int rd, int rn, int lsb, int width);
int a64_bfi(A64Buf *b, bool sf, int rd, int rn, int lsb, int width);
int a64_bfxil(A64Buf *b, bool sf, int rd, int rn, int lsb, int width);
int a64_ubfiz(A64Buf *b, bool sf, int rd, int rn, int lsb, int width);
/* Extensions. UXTB/UXTH write a W register (zeroing the top half). */
int a64_uxtb(A64Buf *b, int rd, int rn);
int a64_uxth(A64Buf *b, int rd, int rn);
int a64_sxtb(A64Buf *b, bool sf, int rd, int rn);
int a64_sxth(A64Buf *b, bool sf, int rd, int rn);
int a64_sxtw(A64Buf *b, int rd, int rn);
/* rd = (rn:rm) >> lsb, lsb < width. */
int a64_extr(A64Buf *b, bool sf, int rd, int rn, int rm, int lsb);

/* ---------------------------------------------------------------------- */
/* Multiply, divide, bit operations                                        */

/* rd = ra + rn*rm; rd = ra - rn*rm. */
int a64_madd(A64Buf *b, bool sf, int rd, int rn, int rm, int ra);
int a64_msub(A64Buf *b, bool sf, int rd, int rn, int rm, int ra);
int a64_mul_rrr(A64Buf *b, bool sf, int rd, int rn, int rm);
/* High 64 bits of the 128-bit product (X only). */
int a64_smulh(A64Buf *b, int rd, int rn, int rm);
int a64_umulh(A64Buf *b, int rd, int rn, int rm);
/* Xd = Xa + Wn*Wm, widened signed/unsigned; SMULL/UMULL with ra = ZR. */
int a64_smaddl(A64Buf *b, int rd, int rn, int rm, int ra);
int a64_umaddl(A64Buf *b, int rd, int rn, int rm, int ra);
int a64_smull(A64Buf *b, int rd, int rn, int rm);
int a64_umull(A64Buf *b, int rd, int rn, int rm);
/* Division: x/0 = 0, INT_MIN/-1 = INT_MIN (no trap). */
int a64_udiv(A64Buf *b, bool sf, int rd, int rn, int rm);
int a64_sdiv(A64Buf *b, bool sf, int rd, int rn, int rm);
int a64_clz(A64Buf *b, bool sf, int rd, int rn);
int a64_cls(A64Buf *b, bool sf, int rd, int rn);
int a64_rbit(A64Buf *b, bool sf, int rd, int rn);
/* Byte reverse whole register / in each halfword / in each word (X). */
int a64_rev(A64Buf *b, bool sf, int rd, int rn);
int a64_rev16(A64Buf *b, bool sf, int rd, int rn);
int a64_rev32(A64Buf *b, int rd, int rn);

/* ---------------------------------------------------------------------- */
/* Conditional select and compare                                          */

int a64_csel(A64Buf *b, bool sf, int rd, int rn, int rm, A64Cond c);
int a64_csinc(A64Buf *b, bool sf, int rd, int rn, int rm, A64Cond c);
int a64_csinv(A64Buf *b, bool sf, int rd, int rn, int rm, A64Cond c);
int a64_csneg(A64Buf *b, bool sf, int rd, int rn, int rm, A64Cond c);
/* rd = c ? 1 : 0; rd = c ? -1 : 0. c must not be AL/NV. */
int a64_cset(A64Buf *b, bool sf, int rd, A64Cond c);
int a64_csetm(A64Buf *b, bool sf, int rd, A64Cond c);
/* Flags = c ? flags(rn - rm) : nzcv. CCMN adds instead. */
int a64_ccmp(A64Buf *b, bool sf, int rn, int rm, int nzcv, A64Cond c);
int a64_ccmn(A64Buf *b, bool sf, int rn, int rm, int nzcv, A64Cond c);
/* Same with a 5-bit unsigned immediate in place of rm. */
int a64_ccmp_imm(A64Buf *b, bool sf, int rn, int imm5, int nzcv, A64Cond c);
int a64_ccmn_imm(A64Buf *b, bool sf, int rn, int imm5, int nzcv, A64Cond c);

/* ---------------------------------------------------------------------- */
/* Loads and stores (a64-enc-mem.c)                                        */

/*
 * A single-register load/store kind: the value is V<<4 | size<<2 | opc as
 * encoded (size = log2 of the access, opc selects store/load/sign-extend).
 * The S/D/Q forms move SIMD&FP registers.
 */
typedef enum A64MemOp {
    A64_STRB = 0x0, A64_LDRB = 0x1, A64_LDRSB_X = 0x2, A64_LDRSB_W = 0x3,
    A64_STRH = 0x4, A64_LDRH = 0x5, A64_LDRSH_X = 0x6, A64_LDRSH_W = 0x7,
    A64_STR_W = 0x8, A64_LDR_W = 0x9, A64_LDRSW = 0xa,
    A64_STR_X = 0xc, A64_LDR_X = 0xd,
    A64_STR_S = 0x18, A64_LDR_S = 0x19,
    A64_STR_D = 0x1c, A64_LDR_D = 0x1d,
    A64_STR_Q = 0x12, A64_LDR_Q = 0x13,
    A64_MEMOP_INVALID = 0xff,
} A64MemOp;

/* The integer load of 2^size bytes into a W (!sf) or X register, zero- or
 * sign-extended to the register width (a plain load when the access is as
 * wide as the register); A64_MEMOP_INVALID for 8 bytes into W. */
A64MemOp a64_memop_load(int size, bool sign, bool sf);
/* The integer store of 2^size bytes. */
A64MemOp a64_memop_store(int size);

/* Access size in bytes of a memory op (1..16). */
unsigned a64_memop_bytes(A64MemOp op);

/* Base+offset: picks the scaled unsigned 12-bit form when the offset is a
 * non-negative multiple of the size in range, else the unscaled 9-bit
 * LDUR/STUR form, else A64_ERR_IMM. rt: ZR form (or a V register); rn: SP. */
int a64_ldst(A64Buf *b, A64MemOp op, int rt, int rn, int64_t off);
/* Exactly the scaled unsigned-offset form (off in bytes). */
int a64_ldst_uoff(A64Buf *b, A64MemOp op, int rt, int rn, int64_t off);
/* Exactly the unscaled form (LDUR/STUR...), -256 <= off < 256. */
int a64_ldst_unscaled(A64Buf *b, A64MemOp op, int rt, int rn, int64_t off);
/* Pre-index (rn += off, then access) and post-index (access, rn += off),
 * -256 <= off < 256. */
int a64_ldst_pre(A64Buf *b, A64MemOp op, int rt, int rn, int64_t off);
int a64_ldst_post(A64Buf *b, A64MemOp op, int rt, int rn, int64_t off);
/* Register offset: address = rn + (ext(rm) << (shift ? size : 0)). ext is
 * UXTW, UXTX (printed LSL), SXTW or SXTX. */
int a64_ldst_reg(A64Buf *b, A64MemOp op, int rt, int rn, int rm,
                 A64Extend ext, bool shift);

/* Register pairs. */
typedef enum A64PairOp {
    A64_STP_W, A64_LDP_W, A64_STP_X, A64_LDP_X, A64_LDPSW,
    A64_STP_S, A64_LDP_S, A64_STP_D, A64_LDP_D, A64_STP_Q, A64_LDP_Q,
} A64PairOp;
typedef enum A64Index { A64_IDX_OFF, A64_IDX_PRE, A64_IDX_POST } A64Index;
/* off is in bytes, a multiple of the element size, within 7 signed bits
 * after scaling. */
int a64_ldstp(A64Buf *b, A64PairOp op, A64Index idx, int rt, int rt2, int rn,
              int64_t off);

/* Memory ordering for atomics: acquire and/or release semantics. */
enum { A64_ORD_ACQ = 1, A64_ORD_REL = 2, A64_ORD_AR = 3 };

/* Acquire/release single accesses; size is log2 bytes (0..3). */
int a64_ldar(A64Buf *b, int size, int rt, int rn);
int a64_stlr(A64Buf *b, int size, int rt, int rn);
/* LDAPR (ARMv8.3 LRCPC): acquire that may pass earlier STLRs. */
int a64_ldapr(A64Buf *b, int size, int rt, int rn);

/* Exclusives. rs receives the store status (0 = success). */
int a64_ldxr(A64Buf *b, int size, int rt, int rn);
int a64_ldaxr(A64Buf *b, int size, int rt, int rn);
int a64_stxr(A64Buf *b, int size, int rs, int rt, int rn);
int a64_stlxr(A64Buf *b, int size, int rs, int rt, int rn);
int a64_ldxp(A64Buf *b, bool sf, int rt, int rt2, int rn);
int a64_ldaxp(A64Buf *b, bool sf, int rt, int rt2, int rn);
int a64_stxp(A64Buf *b, bool sf, int rs, int rt, int rt2, int rn);
int a64_stlxp(A64Buf *b, bool sf, int rs, int rt, int rt2, int rn);

/* LSE (ARMv8.1) atomics; ord is a mix of A64_ORD_*.
 * CAS: rs = expected in, old value out; rt = new value. */
int a64_cas(A64Buf *b, int size, int ord, int rs, int rt, int rn);
/* CASP: rs/rs+1 and rt/rt+1 are even-numbered pairs. */
int a64_casp(A64Buf *b, bool sf, int ord, int rs, int rt, int rn);
/* rt = old [rn]; [rn] = rs. */
int a64_swp(A64Buf *b, int size, int ord, int rs, int rt, int rn);
/* rt = old [rn]; [rn] = old op rs. */
typedef enum A64AtomOp { A64_LDADD, A64_LDCLR, A64_LDEOR, A64_LDSET } A64AtomOp;
int a64_ldop(A64Buf *b, A64AtomOp op, int size, int ord, int rs, int rt,
             int rn);

/* ---------------------------------------------------------------------- */
/* Branches, system, patching (a64-enc-ctl.c)                             */

int a64_b(A64Buf *b, int64_t off);
int a64_bl(A64Buf *b, int64_t off);
int a64_bcond(A64Buf *b, A64Cond c, int64_t off);
int a64_cbz(A64Buf *b, bool sf, int rt, int64_t off);
int a64_cbnz(A64Buf *b, bool sf, int rt, int64_t off);
/* Test bit `bit` (0..63; >= 32 implies the X form) and branch. */
int a64_tbz(A64Buf *b, int rt, int bit, int64_t off);
int a64_tbnz(A64Buf *b, int rt, int bit, int64_t off);
int a64_br(A64Buf *b, int rn);
int a64_blr(A64Buf *b, int rn);
int a64_ret(A64Buf *b, int rn);
/* rd = pc + off (±1 MiB); rd = (pc & ~4095) + page_off (a multiple of
 * 4096, ±4 GiB). */
int a64_adr(A64Buf *b, int rd, int64_t off);
int a64_adrp(A64Buf *b, int rd, int64_t page_off);

/*
 * Retarget the branch at insn (B, BL, B.cond, CBZ/CBNZ or TBZ/TBNZ) to
 * target, keeping its kind and condition. The rewrite is one aligned
 * 32-bit store, so a thread running the code sees either the old or the
 * new branch (the caller still owns the icache maintenance). Returns
 * A64_ERR_RANGE/ALIGN if the target does not fit, A64_ERR_OPERAND if insn
 * is not a direct branch; the instruction is then left unchanged. Works on
 * the word in host byte order: all ferry hosts are little-endian like A64.
 * Does not touch the buffer's sticky error (it may run long after emission).
 */
int a64_patch_branch(uint32_t *insn, const void *target);
/* Target of the direct branch at insn (NULL if it is not one). */
const void *a64_branch_target(const uint32_t *insn);

/* Barrier options for DMB/DSB. */
typedef enum A64Barrier {
    A64_BAR_ISHLD = 0x9, A64_BAR_ISHST = 0xa, A64_BAR_ISH = 0xb,
    A64_BAR_LD = 0xd, A64_BAR_ST = 0xe, A64_BAR_SY = 0xf,
} A64Barrier;
int a64_dmb(A64Buf *b, A64Barrier opt);
int a64_dsb(A64Buf *b, A64Barrier opt);
int a64_isb(A64Buf *b);
int a64_nop(A64Buf *b);
int a64_brk(A64Buf *b, uint16_t imm);
int a64_svc(A64Buf *b, uint16_t imm);

/* System registers MRS/MSR know about. */
typedef enum A64SysReg { A64_SYS_NZCV, A64_SYS_FPCR, A64_SYS_FPSR } A64SysReg;
int a64_mrs(A64Buf *b, int rt, A64SysReg sr);
int a64_msr(A64Buf *b, A64SysReg sr, int rt);

/* ---------------------------------------------------------------------- */
/* NEON basics for v128 (a64-enc-ctl.c)                                    */

/* Element size for vector ops: log2 of the element bytes (0..3). q picks
 * the 128-bit form (16B/8H/4S/2D) over the 64-bit one (8B/4H/2S). */
typedef enum A64VSize { A64_E8, A64_E16, A64_E32, A64_E64 } A64VSize;

int a64_vorr(A64Buf *b, bool q, int vd, int vn, int vm);
int a64_vmov(A64Buf *b, bool q, int vd, int vn);
int a64_vand(A64Buf *b, bool q, int vd, int vn, int vm);
int a64_veor(A64Buf *b, bool q, int vd, int vn, int vm);
int a64_vbic(A64Buf *b, bool q, int vd, int vn, int vm);
int a64_vadd(A64Buf *b, bool q, A64VSize sz, int vd, int vn, int vm);
int a64_vsub(A64Buf *b, bool q, A64VSize sz, int vd, int vn, int vm);
int a64_vcmeq(A64Buf *b, bool q, A64VSize sz, int vd, int vn, int vm);
int a64_vcmgt(A64Buf *b, bool q, A64VSize sz, int vd, int vn, int vm);
/* Shift each element by an immediate: SHL 0..esize-1, USHR/SSHR
 * 1..esize. */
int a64_vshl_imm(A64Buf *b, bool q, A64VSize sz, int vd, int vn, int shift);
int a64_vushr_imm(A64Buf *b, bool q, A64VSize sz, int vd, int vn, int shift);
int a64_vsshr_imm(A64Buf *b, bool q, A64VSize sz, int vd, int vn, int shift);
/* Every element = rn (low bits). */
int a64_vdup_gpr(A64Buf *b, bool q, A64VSize sz, int vd, int rn);
/* vd.sz[lane] = rn; rd = vn.sz[lane] zero-extended. */
int a64_vins_gpr(A64Buf *b, A64VSize sz, int vd, int lane, int rn);
int a64_vumov(A64Buf *b, A64VSize sz, int rd, int vn, int lane);
/* FMOV between a GPR and the low S (sf false) or D (sf true) of a V reg. */
int a64_fmov_to_gpr(A64Buf *b, bool sf, int rd, int vn);
int a64_fmov_from_gpr(A64Buf *b, bool sf, int vd, int rn);

#endif
