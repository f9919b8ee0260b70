/*
 * la64-regs.h — loongarch64 host registers: numbers, ABI names, and the
 * register convention ferry's loongarch64 backend uses for translated code
 * (env pointer, guest_base, scratch, the 16 x86 GPRs in fixed registers).
 * Pure data: the encoder, the op emitter and the host glue all include it.
 */
#ifndef FERRY_BACKEND_LOONGARCH_LA64_REGS_H
#define FERRY_BACKEND_LOONGARCH_LA64_REGS_H

/* General registers by LP64 ABI name (LoongArch ELF psABI, table "GARs"). */
enum {
    LA64_ZERO = 0,  /* hard-wired zero */
    LA64_RA = 1,    /* return address (caller-saved) */
    LA64_TP = 2,    /* thread pointer: never touched by translated code */
    LA64_SP = 3,    /* stack pointer */
    LA64_A0 = 4, LA64_A1, LA64_A2, LA64_A3, LA64_A4, LA64_A5, LA64_A6, LA64_A7,
    LA64_T0 = 12, LA64_T1, LA64_T2, LA64_T3, LA64_T4, LA64_T5, LA64_T6, LA64_T7,
    LA64_T8,
    LA64_R21 = 21,  /* "reserved" in the psABI; the kernel preserves it */
    LA64_FP = 22,   /* frame pointer, also s9 (callee-saved) */
    LA64_S0 = 23, LA64_S1, LA64_S2, LA64_S3, LA64_S4, LA64_S5, LA64_S6, LA64_S7,
    LA64_S8,
    LA64_NREGS = 32
};

/*
 * ferry's register convention on loongarch64 (DESIGN §8: the x86 GPRs stay
 * in fixed host registers across blocks).
 *
 *   s0 (r23)      env: the CPU state pointer, live in all translated code
 *   s1 (r24)      guest_base (linux-user; 0 is still kept in a register so
 *                 address generation is one LDX/STX)
 *   fp, s2..s8    guest RAX RCX RDX RBX RSP RBP RSI RDI (callee-saved: the
 *                 most used guest registers survive helper calls for free)
 *   t1..t8        guest R8..R15 (caller-saved: the call emitter stores the
 *                 live ones to env before a helper call and reloads after)
 *   a0..a7        block-local temps for the allocator, helper arguments and
 *                 return values
 *   t0, ra        emitter scratch (TMP0, TMP1): constants, addresses, the
 *                 target of a helper call. Never live across an op. ra is
 *                 free because blocks are entered from the prologue (which
 *                 saves the C caller's ra) and chained with B, not BL.
 *   r21           not used (psABI-reserved); a candidate third scratch.
 *   tp, sp, zero  untouched; sp keeps the C ABI's 16-byte alignment.
 *
 * So 18 of the 27 usable registers are pinned, leaving 8 allocatable temps
 * plus 2 scratch. Guest flags stay in env in lazy form (DESIGN §4).
 */
enum {
    LA64_REG_ENV = LA64_S0,
    LA64_REG_GUEST_BASE = LA64_S1,
    LA64_REG_TMP0 = LA64_T0,
    LA64_REG_TMP1 = LA64_RA,
};

/* Host register that holds x86 GPR @x86_reg (0 = RAX ... 15 = R15). */
static inline int la64_guest_gpr(int x86_reg)
{
    static const unsigned char map[16] = {
        LA64_FP, LA64_S2, LA64_S3, LA64_S4,     /* RAX RCX RDX RBX */
        LA64_S5, LA64_S6, LA64_S7, LA64_S8,     /* RSP RBP RSI RDI */
        LA64_T1, LA64_T2, LA64_T3, LA64_T4,     /* R8  R9  R10 R11 */
        LA64_T5, LA64_T6, LA64_T7, LA64_T8,     /* R12 R13 R14 R15 */
    };
    return map[x86_reg & 15];
}

/* True for registers the C ABI lets a callee clobber. */
static inline int la64_reg_caller_saved(int r)
{
    return r == LA64_RA || (r >= LA64_A0 && r <= LA64_T8);
}

/* ABI name of register @r as llvm-objdump prints it ("$a0"), or "?".
 * (Defined in la64-enc.c; this header has no .c of its own.) */
const char *la64_reg_name(int r);

#endif
