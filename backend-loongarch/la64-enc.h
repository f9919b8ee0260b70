/*
 * la64-enc.h — loongarch64 instruction encoder: a bounded code-buffer
 * writer and one function per host instruction the x86 translator needs.
 * The op emitter (IR lowering) and the ELF test harness build on it; it is
 * host-independent, so every build can emit loongarch64 code.
 *
 * Conventions for every encoder below:
 *  - Operands appear in assembler order ("add.d rd, rj, rk" is
 *    la64_add_d(b, rd, rj, rk)); registers are 0..31 (la64-regs.h).
 *  - Immediates are passed as int64_t exactly as the assembler writes them:
 *    load/store, LL/SC and LDPTR offsets and branch offsets are in bytes
 *    (branch offsets relative to the branch instruction itself).
 *  - The return value is LA64_OK or a negative La64Err. On error nothing is
 *    emitted and the first error is also latched in La64Buf.err, so a caller
 *    may emit a sequence and check once at the end.
 */
#ifndef FERRY_BACKEND_LOONGARCH_LA64_ENC_H
#define FERRY_BACKEND_LOONGARCH_LA64_ENC_H

#include <stddef.h>
#include <stdint.h>

#include "backend-loongarch/la64-regs.h"

typedef enum La64Err {
    LA64_OK = 0,
    LA64_ERR_OVERFLOW = -1,  /* the buffer is full (flush the cache, retry) */
    LA64_ERR_RANGE = -2,     /* an immediate or offset does not fit */
    LA64_ERR_REG = -3,       /* a register outside 0..31, or one the insn forbids */
    LA64_ERR_ALIGN = -4,     /* an offset that must be a multiple of 4 isn't */
    LA64_ERR_INSN = -5,      /* patching: the word is not the expected kind */
} La64Err;

/*
 * A code buffer over caller-owned memory. Single-owner: the translating
 * thread writes it; nothing else may touch it until the code is published.
 */
typedef struct La64Buf {
    uint32_t *start;  /* first instruction slot (caller's array) */
    size_t cap;       /* capacity in instructions */
    size_t len;       /* instructions emitted so far */
    int err;          /* first error seen, LA64_OK if none (sticky) */
} La64Buf;

/* Start an empty buffer over @mem, which holds @cap_insns instructions. */
void la64_buf_init(La64Buf *b, uint32_t *mem, size_t cap_insns);

/* Address where the next instruction goes (for labels and patching). */
static inline uint32_t *la64_buf_cur(const La64Buf *b) { return b->start + b->len; }

/* Append one raw instruction word; LA64_ERR_OVERFLOW when full. */
int la64_emit(La64Buf *b, uint32_t insn);

/* Short name of an error code, for logs and test messages. */
const char *la64_err_name(int err);

/* ---------------------------------------------------------------------- */
/* Instruction tables: X(name, opcode). One encoder per row, named la64_NAME,
 * with the operand list of its family. The opcode column is the instruction
 * word with every operand field zero. */

/* rd, rj, rk */
#define LA64_3R_OPS(X) \
    X(add_w, 0x00100000) X(add_d, 0x00108000) X(sub_w, 0x00110000) \
    X(sub_d, 0x00118000) X(slt, 0x00120000) X(sltu, 0x00128000) \
    X(maskeqz, 0x00130000) X(masknez, 0x00138000) X(nor, 0x00140000) \
    X(and, 0x00148000) X(or, 0x00150000) X(xor, 0x00158000) \
    X(orn, 0x00160000) X(andn, 0x00168000) X(sll_w, 0x00170000) \
    X(srl_w, 0x00178000) X(sra_w, 0x00180000) X(sll_d, 0x00188000) \
    X(srl_d, 0x00190000) X(sra_d, 0x00198000) X(rotr_w, 0x001b0000) \
    X(rotr_d, 0x001b8000) X(mul_w, 0x001c0000) X(mulh_w, 0x001c8000) \
    X(mulh_wu, 0x001d0000) X(mul_d, 0x001d8000) X(mulh_d, 0x001e0000) \
    X(mulh_du, 0x001e8000) X(mulw_d_w, 0x001f0000) X(mulw_d_wu, 0x001f8000) \
    X(div_w, 0x00200000) X(mod_w, 0x00208000) X(div_wu, 0x00210000) \
    X(mod_wu, 0x00218000) X(div_d, 0x00220000) X(mod_d, 0x00228000) \
    X(div_du, 0x00230000) X(mod_du, 0x00238000) \
    X(ldx_b, 0x38000000) X(ldx_h, 0x38040000) X(ldx_w, 0x38080000) \
    X(ldx_d, 0x380c0000) X(stx_b, 0x38100000) X(stx_h, 0x38140000) \
    X(stx_w, 0x38180000) X(stx_d, 0x381c0000) X(ldx_bu, 0x38200000) \
    X(ldx_hu, 0x38240000) X(ldx_wu, 0x38280000)

/* Atomic memory ops, assembler order "amadd.w rd, rk, rj": rd receives the
 * old value, rk is the operand, rj the address. rd must differ from rk and
 * rj (the hardware treats rd == rj or rd == rk as undefined): LA64_ERR_REG. */
#define LA64_AM_OPS(X) \
    X(amswap_w, 0x38600000) X(amswap_d, 0x38608000) X(amadd_w, 0x38610000) \
    X(amadd_d, 0x38618000) X(amand_w, 0x38620000) X(amand_d, 0x38628000) \
    X(amor_w, 0x38630000) X(amor_d, 0x38638000) X(amxor_w, 0x38640000) \
    X(amxor_d, 0x38648000) \
    X(amswap_db_w, 0x38690000) X(amswap_db_d, 0x38698000) \
    X(amadd_db_w, 0x386a0000) X(amadd_db_d, 0x386a8000) \
    X(amand_db_w, 0x386b0000) X(amand_db_d, 0x386b8000) \
    X(amor_db_w, 0x386c0000) X(amor_db_d, 0x386c8000) \
    X(amxor_db_w, 0x386d0000) X(amxor_db_d, 0x386d8000)

/* rd, rj (RDTIME*: rd = stable counter, rj = counter id; CPUCFG: rd =
 * configuration word number rj) */
#define LA64_2R_OPS(X) \
    X(clz_w, 0x00001400) X(ctz_w, 0x00001c00) X(clz_d, 0x00002400) \
    X(ctz_d, 0x00002c00) X(revb_2h, 0x00003000) X(revb_4h, 0x00003400) \
    X(revb_2w, 0x00003800) X(revb_d, 0x00003c00) X(bitrev_4b, 0x00004800) \
    X(bitrev_8b, 0x00004c00) X(bitrev_w, 0x00005000) X(bitrev_d, 0x00005400) \
    X(ext_w_h, 0x00005800) X(ext_w_b, 0x00005c00) X(clo_w, 0x00001000) \
    X(cto_w, 0x00001800) X(clo_d, 0x00002000) X(cto_d, 0x00002800) \
    X(rdtimel_w, 0x00006000) X(rdtimeh_w, 0x00006400) X(rdtime_d, 0x00006800) \
    X(cpucfg, 0x00006c00)

/* rd, rj, si12 (loads and stores: byte offset -2048..2047) */
#define LA64_2RI12S_OPS(X) \
    X(slti, 0x02000000) X(sltui, 0x02400000) X(addi_w, 0x02800000) \
    X(addi_d, 0x02c00000) X(lu52i_d, 0x03000000) \
    X(ld_b, 0x28000000) X(ld_h, 0x28400000) X(ld_w, 0x28800000) \
    X(ld_d, 0x28c00000) X(st_b, 0x29000000) X(st_h, 0x29400000) \
    X(st_w, 0x29800000) X(st_d, 0x29c00000) X(ld_bu, 0x2a000000) \
    X(ld_hu, 0x2a400000) X(ld_wu, 0x2a800000)

/* rd, rj, ui12 (0..4095) */
#define LA64_2RI12U_OPS(X) \
    X(andi, 0x03400000) X(ori, 0x03800000) X(xori, 0x03c00000)

/* rd, rj, byte offset: a multiple of 4 in -32768..32764 (si14 << 2) */
#define LA64_2RI14_OPS(X) \
    X(ll_w, 0x20000000) X(sc_w, 0x21000000) X(ll_d, 0x22000000) \
    X(sc_d, 0x23000000) X(ldptr_w, 0x24000000) X(stptr_w, 0x25000000) \
    X(ldptr_d, 0x26000000) X(stptr_d, 0x27000000)

/* rd, rj, ui5 */
#define LA64_SHIFT_W_OPS(X) \
    X(slli_w, 0x00408000) X(srli_w, 0x00448000) X(srai_w, 0x00488000) \
    X(rotri_w, 0x004c8000)

/* rd, rj, ui6 */
#define LA64_SHIFT_D_OPS(X) \
    X(slli_d, 0x00410000) X(srli_d, 0x00450000) X(srai_d, 0x00490000) \
    X(rotri_d, 0x004d0000)

/* rd, si20 (PCADDI adds si20 << 2 to pc, PCADDU12I si20 << 12, PCADDU18I
 * si20 << 18) */
#define LA64_1RI20_OPS(X) \
    X(lu12i_w, 0x14000000) X(lu32i_d, 0x16000000) X(pcaddi, 0x18000000) \
    X(pcaddu12i, 0x1c000000) X(pcaddu18i, 0x1e000000)

/* ui15: DBAR hint, IBAR hint, SYSCALL code, BREAK code */
#define LA64_HINT_OPS(X) \
    X(dbar, 0x38720000) X(ibar, 0x38728000) X(break, 0x002a0000) \
    X(syscall, 0x002b0000)

/*
 * DBAR hints (LoongArch v1.1, the encoding Linux's asm/barrier.h uses).
 * Bit 4: 1 = ordering barrier, 0 = completion barrier. Bits 3..0, when
 * set, leave out previous reads, previous writes, subsequent reads,
 * subsequent writes. Cores without hint support execute any hint as
 * DBAR 0, so a weaker hint is never less safe, only possibly slower.
 * The TSO mapping picks among these (docs/memory-model.md).
 */
enum {
    LA64_DBAR_FULL = 0x00,        /* completion, rw -> rw */
    LA64_DBAR_ORDER = 0x10,       /* ordering, rw -> rw */
    LA64_DBAR_ACQUIRE = 0x14,     /* r -> rw: after a load */
    LA64_DBAR_RELEASE = 0x12,     /* rw -> w: before a store */
    LA64_DBAR_LOADLOAD = 0x15,    /* r -> r */
    LA64_DBAR_STORESTORE = 0x1a,  /* w -> w */
    LA64_DBAR_SAME_ADDR_RAR = 0x700,  /* read after read to one address */
};

/* rj, rd, byte offset: a multiple of 4 in -131072..131068 (offs16) */
#define LA64_BR16_OPS(X) \
    X(beq, 0x58000000) X(bne, 0x5c000000) X(blt, 0x60000000) \
    X(bge, 0x64000000) X(bltu, 0x68000000) X(bgeu, 0x6c000000)

/* rj, byte offset: a multiple of 4 in -4 MiB..4 MiB-4 (offs21) */
#define LA64_BR21_OPS(X) X(beqz, 0x40000000) X(bnez, 0x44000000)

/* byte offset: a multiple of 4 in -128 MiB..128 MiB-4 (offs26) */
#define LA64_BR26_OPS(X) X(b, 0x50000000) X(bl, 0x54000000)

#define LA64_DECL_3R(n, o) int la64_##n(La64Buf *b, int rd, int rj, int rk);
#define LA64_DECL_AM(n, o) int la64_##n(La64Buf *b, int rd, int rk, int rj);
#define LA64_DECL_2R(n, o) int la64_##n(La64Buf *b, int rd, int rj);
#define LA64_DECL_RRI(n, o) int la64_##n(La64Buf *b, int rd, int rj, int64_t imm);
#define LA64_DECL_RI(n, o) int la64_##n(La64Buf *b, int rd, int64_t imm);
#define LA64_DECL_HINT(n, o) int la64_##n(La64Buf *b, unsigned code);
#define LA64_DECL_BR16(n, o) int la64_##n(La64Buf *b, int rj, int rd, int64_t offs);
#define LA64_DECL_BR21(n, o) int la64_##n(La64Buf *b, int rj, int64_t offs);
#define LA64_DECL_BR26(n, o) int la64_##n(La64Buf *b, int64_t offs);
LA64_3R_OPS(LA64_DECL_3R)
LA64_AM_OPS(LA64_DECL_AM)
LA64_2R_OPS(LA64_DECL_2R)
LA64_2RI12S_OPS(LA64_DECL_RRI)
LA64_2RI12U_OPS(LA64_DECL_RRI)
LA64_2RI14_OPS(LA64_DECL_RRI)
LA64_SHIFT_W_OPS(LA64_DECL_RRI)
LA64_SHIFT_D_OPS(LA64_DECL_RRI)
LA64_1RI20_OPS(LA64_DECL_RI)
LA64_HINT_OPS(LA64_DECL_HINT)
LA64_BR16_OPS(LA64_DECL_BR16)
LA64_BR21_OPS(LA64_DECL_BR21)
LA64_BR26_OPS(LA64_DECL_BR26)

/* ---------------------------------------------------------------------- */
/* Instructions outside the table families */

/* addu16i.d rd, rj, si16: rd = rj + (si16 << 16). */
int la64_addu16i_d(La64Buf *b, int rd, int rj, int64_t si16);

/* jirl rd, rj, offs: rd = pc + 4; pc = rj + offs (a multiple of 4 within
 * -131072..131068). jirl(zero, ra, 0) is the return. */
int la64_jirl(La64Buf *b, int rd, int rj, int64_t offs);

/* bstrins.w/d rd, rj, msb, lsb: rd[msb:lsb] = rj[msb-lsb:0]; needs
 * lsb <= msb < 32 (.w) or < 64 (.d). bstrpick: rd = zext(rj[msb:lsb]). */
int la64_bstrins_w(La64Buf *b, int rd, int rj, unsigned msb, unsigned lsb);
int la64_bstrpick_w(La64Buf *b, int rd, int rj, unsigned msb, unsigned lsb);
int la64_bstrins_d(La64Buf *b, int rd, int rj, unsigned msb, unsigned lsb);
int la64_bstrpick_d(La64Buf *b, int rd, int rj, unsigned msb, unsigned lsb);

/* alsl.w/wu/d rd, rj, rk, sa: rd = (rj << sa) + rk with sa in 1..4 (x86
 * scaled-index addressing); .w sign-extends the 32-bit sum, .wu
 * zero-extends it. */
int la64_alsl_w(La64Buf *b, int rd, int rj, int rk, unsigned sa);
int la64_alsl_wu(La64Buf *b, int rd, int rj, int rk, unsigned sa);
int la64_alsl_d(La64Buf *b, int rd, int rj, int rk, unsigned sa);

/* bytepick.w rd, rj, rk, sa (0..3): rd = sext32(rk[31-8sa:0] : rj[31:32-8sa]);
 * bytepick.d with sa 0..7 likewise on 64 bits. */
int la64_bytepick_w(La64Buf *b, int rd, int rj, int rk, unsigned sa);
int la64_bytepick_d(La64Buf *b, int rd, int rj, int rk, unsigned sa);

/* nop (andi zero, zero, 0); mov rd, rj (or rd, rj, zero). */
int la64_nop(La64Buf *b);
int la64_mov(La64Buf *b, int rd, int rj);

/*
 * Load the 64-bit constant @v into @rd (not $zero) in 1 to 4 instructions:
 * ADDI.W / ORI / LU12I.W(+ORI) for the low half, then LU32I.D and LU52I.D
 * only where needed, or LU52I.D alone, or the low half plus BSTRINS.D for
 * a value with equal halves. One instruction whenever any single
 * instruction can produce @v. All or nothing: on overflow nothing is
 * emitted.
 */
int la64_movi64(La64Buf *b, int rd, uint64_t v);

/* Number of instructions la64_movi64 emits for @v (1..4). */
int la64_movi64_len(uint64_t v);

/* ---------------------------------------------------------------------- */
/* Sequences for operands that do not fit one instruction. @tmp is a scratch
 * register the sequence may clobber (LA64_REG_TMP0/1 in translated code). */

/* The memory access kinds of la64_mem, in no particular order. */
typedef enum La64MemOp {
    LA64_LD_B, LA64_LD_H, LA64_LD_W, LA64_LD_D, LA64_LD_BU, LA64_LD_HU, LA64_LD_WU,
    LA64_ST_B, LA64_ST_H, LA64_ST_W, LA64_ST_D, LA64_MEM_COUNT
} La64MemOp;

/*
 * Load rd from (or store rd to) base + @off for any 64-bit @off: LD/ST
 * when @off fits 12 bits, LDPTR/STPTR for word/doubleword at a multiple of
 * 4 within +-32 KiB, else the offset in @tmp and LDX/STX (up to 5
 * instructions). @tmp must not be $zero or @base, nor @rd for a store.
 */
int la64_mem(La64Buf *b, La64MemOp op, int rd, int base, int64_t off, int tmp);

/*
 * rd = rj + @imm for any 64-bit @imm: ADDI.D or ADDU16I.D when one fits,
 * else the constant in @tmp (which may be @rd unless @rd == @rj) and ADD.D.
 */
int la64_addi_any(La64Buf *b, int rd, int rj, int64_t imm, int tmp);

/*
 * rd = (address of the first instruction emitted) + @offs, for a byte
 * offset within +-2 GiB: PCADDI alone when @offs is a multiple of 4 within
 * +-2 MiB, else PCADDU12I + ADDI.D.
 */
int la64_pcrel(La64Buf *b, int rd, int64_t offs);

/*
 * Jump to (address of the first instruction) + @offs, a multiple of 4
 * within +-128 GiB, always as PCADDU18I tmp + JIRL @link, tmp: a fixed
 * two-word sequence that can be retargeted in place. @link is $ra for a
 * call, $zero for a jump. For targets within +-128 MiB, B/BL is shorter.
 */
int la64_jump_far(La64Buf *b, int link, int64_t offs, int tmp);

/* ---------------------------------------------------------------------- */
/* Patching */

/*
 * Retarget the B or BL at @insn to @target with one aligned 32-bit store,
 * so a thread running the old code sees either the old or the new branch
 * (TB chaining/unchaining). The caller makes the change visible to
 * instruction fetch (IBAR on the executing cores / cache sync). Errors:
 * LA64_ERR_INSN if *insn is not B/BL, LA64_ERR_RANGE beyond +-128 MiB,
 * LA64_ERR_ALIGN for a misaligned target; *insn is then unchanged.
 */
int la64_patch_branch(uint32_t *insn, const void *target);

/*
 * Set the byte offset of any pc-relative branch (B, BL, BEQZ, BNEZ,
 * BEQ..BGEU) at @insn, e.g. to resolve a forward label before the code is
 * published. Same errors as la64_patch_branch, checked against the
 * branch's own range.
 */
int la64_set_branch_offset(uint32_t *insn, int64_t offs);

#endif
