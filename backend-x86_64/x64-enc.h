/*
 * x64-enc.h — the x86-64 instruction encoder: one function per instruction
 * form, writing into an X64Buf. Host-independent C (any build can emit
 * x86-64 code). The op lowering (x64-lower.c) is its only user besides the
 * encoder tests, which disassemble every form with capstone.
 *
 * Overflow: an X64Buf never writes past its end. Each instruction first
 * checks that X64_MAX_INSN bytes remain; if not, the buffer is marked
 * overflowed and the instruction (and every later one) is written into a
 * small sink instead. Callers test x64_buf_overflow() once at the end.
 */
#ifndef FERRY_BACKEND_X86_64_X64_ENC_H
#define FERRY_BACKEND_X86_64_X64_ENC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* General-purpose registers, numbered as in the encoding. */
enum {
    X64_RAX, X64_RCX, X64_RDX, X64_RBX, X64_RSP, X64_RBP, X64_RSI, X64_RDI,
    X64_R8, X64_R9, X64_R10, X64_R11, X64_R12, X64_R13, X64_R14, X64_R15,
};
/* In an X64Mem: no base / no index; X64_RIP as base means RIP-relative. */
#define X64_NOREG (-1)
#define X64_RIP   (-2)

#define X64_MAX_INSN 16

typedef struct X64Buf {
    uint8_t *start, *p, *end;
    uintptr_t rx;              /* run-time address of start */
    bool overflow;
    uint8_t sink[2 * X64_MAX_INSN];
} X64Buf;

/* Start encoding into [rw, rw + cap) that will run at address rx. */
void x64_buf_init(X64Buf *b, uint8_t *rw, size_t cap, uintptr_t rx);
static inline bool x64_buf_overflow(const X64Buf *b) { return b->overflow; }
/* Bytes written so far (meaningless once overflowed). */
static inline size_t x64_buf_offset(const X64Buf *b) { return b->overflow ? 0 : (size_t)(b->p - b->start); }
/* Run-time address of the current position. */
static inline uintptr_t x64_buf_pc(const X64Buf *b) { return b->rx + x64_buf_offset(b); }

/* A memory operand: [base + index * (1 << scale) + disp], or [rip + disp]. */
typedef struct X64Mem {
    int8_t base, index;
    uint8_t scale;
    int32_t disp;
} X64Mem;

static inline X64Mem x64_mem(int base, int32_t disp)
{
    return (X64Mem){ .base = base, .index = X64_NOREG, .disp = disp };
}
static inline X64Mem x64_mem_idx(int base, int index, unsigned scale, int32_t disp)
{
    return (X64Mem){ .base = base, .index = index, .scale = scale, .disp = disp };
}
/* RIP-relative: disp is the raw displacement from the end of the insn. */
static inline X64Mem x64_mem_rip(int32_t disp)
{
    return (X64Mem){ .base = X64_RIP, .index = X64_NOREG, .disp = disp };
}

/* Condition codes (the low nibble of Jcc/SETcc/CMOVcc). */
typedef enum X64Cond {
    X64_CC_O, X64_CC_NO, X64_CC_B, X64_CC_AE, X64_CC_E, X64_CC_NE, X64_CC_BE, X64_CC_A,
    X64_CC_S, X64_CC_NS, X64_CC_P, X64_CC_NP, X64_CC_L, X64_CC_GE, X64_CC_LE, X64_CC_G,
} X64Cond;

typedef enum X64Alu {
    X64_ADD, X64_OR, X64_ADC, X64_SBB, X64_AND, X64_SUB, X64_XOR, X64_CMP,
} X64Alu;

typedef enum X64Shift {
    X64_ROL = 0, X64_ROR = 1, X64_SHL = 4, X64_SHR = 5, X64_SAR = 7,
} X64Shift;

/* Group 3 (F7 /n): one-operand forms. */
typedef enum X64Unary {
    X64_NOT = 2, X64_NEG = 3, X64_MUL = 4, X64_IMUL1 = 5, X64_DIV = 6, X64_IDIV = 7,
} X64Unary;

/* ---- Integer moves. `q` selects the 64-bit form, else 32-bit. ---------- */
void x64_mov_rr(X64Buf *b, bool q, int d, int s);
/* d = v with the shortest encoding (never touches flags). */
void x64_movi(X64Buf *b, int d, uint64_t v);
/* d = 0 via xor (clobbers flags). */
void x64_zero(X64Buf *b, int d);
/* Load size bytes (1, 2, 4, 8) zero- or sign-extended into d (32/64). */
void x64_load(X64Buf *b, unsigned size, bool sign, bool q, int d, X64Mem m);
/* Store the low size bytes (1, 2, 4, 8) of s. */
void x64_store(X64Buf *b, unsigned size, int s, X64Mem m);
/* Store an immediate (sign-extended for size 8). */
void x64_store_imm(X64Buf *b, unsigned size, int32_t imm, X64Mem m);
void x64_movzx(X64Buf *b, unsigned size, int d, int s);          /* size 1, 2 -> 32 */
void x64_movsx(X64Buf *b, unsigned size, bool q, int d, int s);  /* size 1, 2, 4 */
void x64_lea(X64Buf *b, bool q, int d, X64Mem m);
void x64_xchg_rr(X64Buf *b, bool q, int a, int c);

/* ---- ALU. -------------------------------------------------------------- */
void x64_alu_rr(X64Buf *b, X64Alu op, bool q, int d, int s);
void x64_alu_ri(X64Buf *b, X64Alu op, bool q, int d, int32_t imm);
void x64_alu_rm(X64Buf *b, X64Alu op, bool q, int d, X64Mem m);      /* d op= [m] */
void x64_alu_mr(X64Buf *b, X64Alu op, unsigned size, X64Mem m, int s); /* [m] op= s */
void x64_alu_mi(X64Buf *b, X64Alu op, unsigned size, X64Mem m, int32_t imm);
void x64_test_rr(X64Buf *b, bool q, int a, int c);
void x64_test_ri(X64Buf *b, bool q, int r, int32_t imm);
void x64_unary(X64Buf *b, X64Unary op, bool q, int r);
void x64_inc(X64Buf *b, bool q, int r);
void x64_dec(X64Buf *b, bool q, int r);
void x64_shift_cl(X64Buf *b, X64Shift op, bool q, int r);
void x64_shift_ri(X64Buf *b, X64Shift op, bool q, int r, unsigned n);
void x64_imul_rr(X64Buf *b, bool q, int d, int s);
void x64_imul_rri(X64Buf *b, bool q, int d, int s, int32_t imm);
void x64_cqo(X64Buf *b, bool q);                 /* cdq when !q */
void x64_bswap(X64Buf *b, bool q, int r);
void x64_rol16_8(X64Buf *b, int r);              /* rol r16, 8: swap the low two bytes */
void x64_bt_ri(X64Buf *b, bool q, int r, unsigned bit);
void x64_setcc(X64Buf *b, X64Cond cc, int r);    /* r8 = cc (forces REX for spl..dil) */
void x64_cmov(X64Buf *b, X64Cond cc, bool q, int d, int s);
/* BMI2 (VEX): d = s op (cnt mod width); rorx by an immediate. */
void x64_shlx(X64Buf *b, bool q, int d, int s, int cnt);
void x64_shrx(X64Buf *b, bool q, int d, int s, int cnt);
void x64_sarx(X64Buf *b, bool q, int d, int s, int cnt);
void x64_rorx(X64Buf *b, bool q, int d, int s, unsigned imm);
/* LZCNT/TZCNT/POPCNT (F3 prefix) and their BSR/BSF fallbacks. */
void x64_lzcnt(X64Buf *b, bool q, int d, int s);
void x64_tzcnt(X64Buf *b, bool q, int d, int s);
void x64_popcnt(X64Buf *b, bool q, int d, int s);
void x64_bsr(X64Buf *b, bool q, int d, int s);
void x64_bsf(X64Buf *b, bool q, int d, int s);

/* ---- Atomics and fences. ----------------------------------------------- */
void x64_lock(X64Buf *b);                        /* F0 prefix for the next insn */
void x64_cmpxchg(X64Buf *b, unsigned size, X64Mem m, int s);
void x64_cmpxchg16b(X64Buf *b, X64Mem m);
void x64_xadd(X64Buf *b, unsigned size, X64Mem m, int s);
void x64_xchg_mr(X64Buf *b, unsigned size, X64Mem m, int s);   /* implicitly locked */
void x64_mfence(X64Buf *b);

/* ---- Control flow. ----------------------------------------------------- */
/* Jumps with a 32-bit displacement to be patched: return the offset of the
 * displacement field. */
size_t x64_jcc32(X64Buf *b, X64Cond cc);
size_t x64_jmp32(X64Buf *b);
/* Point the rel32 field at `field` (an offset in b) to offset `target`. */
void x64_patch_rel32(X64Buf *b, size_t field, size_t target);
/* Short jumps to a known offset (must be within rel8 range). */
void x64_jcc8(X64Buf *b, X64Cond cc, size_t target);
void x64_jmp8(X64Buf *b, size_t target);
/* Short forward jumps: return the offset of the rel8 field. */
size_t x64_jcc8_fwd(X64Buf *b, X64Cond cc);
void x64_patch_rel8(X64Buf *b, size_t field, size_t target);
/* Call / jump an absolute address: rel32 if in range, else via `scratch`. */
void x64_call_abs(X64Buf *b, uintptr_t target, int scratch);
void x64_jmp_abs(X64Buf *b, uintptr_t target, int scratch);
void x64_call_r(X64Buf *b, int r);
void x64_jmp_r(X64Buf *b, int r);
void x64_ret(X64Buf *b);
void x64_push(X64Buf *b, int r);
void x64_pop(X64Buf *b, int r);
void x64_nop(X64Buf *b, unsigned n);             /* n <= 8 bytes of recommended NOPs */
void x64_int3(X64Buf *b);
/* RIP-relative displacement from the end of an insn whose disp field ends
 * `tail` bytes before the insn end, to address target. */
int32_t x64_rip_disp(const X64Buf *b, uintptr_t target, unsigned insn_len_from_here);

/* ---- SSE2/SSSE3/SSE4.1 on xmm registers 0..15. -------------------------- */
typedef enum X64Sse {
    /* 66 0F xx, xmm, xmm/m128 */
    X64_PADDB = 0xFC, X64_PADDW = 0xFD, X64_PADDD = 0xFE, X64_PADDQ = 0xD4,
    X64_PSUBB = 0xF8, X64_PSUBW = 0xF9, X64_PSUBD = 0xFA, X64_PSUBQ = 0xFB,
    X64_PAND = 0xDB, X64_POR = 0xEB, X64_PXOR = 0xEF, X64_PANDN = 0xDF,
    X64_PCMPEQB = 0x74, X64_PCMPEQW = 0x75, X64_PCMPEQD = 0x76,
    X64_PCMPGTB = 0x64, X64_PCMPGTW = 0x65, X64_PCMPGTD = 0x66,
    X64_PUNPCKLBW = 0x60, X64_PUNPCKLWD = 0x61, X64_PUNPCKLDQ = 0x62, X64_PUNPCKLQDQ = 0x6C,
    X64_MOVDQA = 0x6F,
    /* 66 0F 38 xx */
    X64_PSHUFB = 0x3800, X64_PCMPEQQ = 0x3829, X64_PCMPGTQ = 0x3837,
} X64Sse;
void x64_sse_rr(X64Buf *b, X64Sse op, int xd, int xs);
void x64_sse_rm(X64Buf *b, X64Sse op, int xd, X64Mem m);
/* Shift by immediate: lane log2 size 1..3 (w, d, q); op X64_SHL/SHR/SAR. */
void x64_sse_shift_i(X64Buf *b, X64Shift op, unsigned vece, int x, unsigned n);
void x64_pshufd(X64Buf *b, int xd, int xs, uint8_t imm);
void x64_pshuflw(X64Buf *b, int xd, int xs, uint8_t imm);
void x64_pshufhw(X64Buf *b, int xd, int xs, uint8_t imm);
void x64_movdqu_load(X64Buf *b, int x, X64Mem m);
void x64_movdqu_store(X64Buf *b, int x, X64Mem m);
void x64_movdqa_load(X64Buf *b, int x, X64Mem m);
void x64_movdqa_store(X64Buf *b, int x, X64Mem m);
/* Load/store the low 4 (movd), 8 (movq) or 16 (movdqu) bytes of an xmm;
 * the narrow loads zero the rest of the register. */
void x64_sse_load(X64Buf *b, unsigned size, int x, X64Mem m);
void x64_sse_store(X64Buf *b, unsigned size, int x, X64Mem m);
/* movq/movd between a GPR and the low lane (zeroing the rest). */
void x64_movq_xr(X64Buf *b, bool q, int x, int r);
void x64_movq_rx(X64Buf *b, bool q, int r, int x);
/* PINSR/PEXTR lane moves: size 1, 2, 4, 8 (1, 4, 8 need SSE4.1). */
void x64_pinsr(X64Buf *b, unsigned size, int x, int r, uint8_t lane);
void x64_pextr(X64Buf *b, unsigned size, int r, int x, uint8_t lane);

/* ---- Host features (cpuid), probed once. ------------------------------- */
typedef struct X64Features {
    bool bmi2, lzcnt, bmi1, popcnt, sse41, sse42, ssse3, cx16;
} X64Features;
/* Probe cpuid on an x86-64 host (all false elsewhere). Thread-safe and
 * idempotent; the result never changes. */
const X64Features *x64_features(void);
/* Test hook (stress mode): make code generation see `f` instead of cpuid,
 * to exercise the fallbacks; NULL restores cpuid. Not for use while other
 * threads translate. */
void x64_set_features(const X64Features *f);

#endif
