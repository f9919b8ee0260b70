/*
 * a64-regs.h — arm64 host registers, condition codes, and the register
 * convention ferry's arm64 backend uses for translated code. The encoder
 * (a64-enc.h) takes register numbers from here; the op emitter and the
 * register allocator take the convention.
 */
#ifndef FERRY_BACKEND_ARM64_A64_REGS_H
#define FERRY_BACKEND_ARM64_A64_REGS_H

/*
 * Integer register numbers. 0..30 are x0..x30. Encoding 31 means either the
 * zero register or the stack pointer depending on the instruction field; we
 * keep the two apart in the API so that a mix-up is an encoder error instead
 * of silently wrong code: A64_ZR is 31 and A64_SP is 32. Every encoder states
 * which of the two each operand accepts.
 */
enum {
    A64_X0, A64_X1, A64_X2, A64_X3, A64_X4, A64_X5, A64_X6, A64_X7,
    A64_X8, A64_X9, A64_X10, A64_X11, A64_X12, A64_X13, A64_X14, A64_X15,
    A64_X16, A64_X17, A64_X18, A64_X19, A64_X20, A64_X21, A64_X22, A64_X23,
    A64_X24, A64_X25, A64_X26, A64_X27, A64_X28, A64_X29, A64_X30,
    A64_ZR = 31,
    A64_SP = 32,
    A64_FP = A64_X29,
    A64_LR = A64_X30,
};

/* SIMD&FP registers v0..v31 are numbered 0..31 in their own namespace. */
enum { A64_V0 = 0, A64_V31 = 31 };

/* Condition codes, in encoding order (the low bit inverts the condition). */
typedef enum A64Cond {
    A64_EQ, A64_NE, A64_HS, A64_LO, A64_MI, A64_PL, A64_VS, A64_VC,
    A64_HI, A64_LS, A64_GE, A64_LT, A64_GT, A64_LE, A64_AL, A64_NV,
    A64_CS = A64_HS,
    A64_CC = A64_LO,
} A64Cond;

/* The opposite condition (EQ <-> NE, ...). Not meaningful for AL/NV. */
static inline A64Cond a64_cond_invert(A64Cond c)
{
    return (A64Cond)(c ^ 1);
}

/* NZCV flag bits as CCMP/CCMN's immediate nzcv field spells them. */
enum { A64_NZCV_V = 1, A64_NZCV_C = 2, A64_NZCV_Z = 4, A64_NZCV_N = 8 };

/*
 * Register convention for translated code (DESIGN §8: with 32 host
 * registers the 16 x86 GPRs stay in fixed host registers across blocks).
 *
 *   x19..x26  RAX RCX RDX RBX RSP RBP RSI RDI — callee-saved under AAPCS64,
 *             so they survive helper calls without any save/restore. These
 *             are the most used guest registers.
 *   x8..x15   R8..R15 — caller-saved: the op emitter stores the live ones
 *             to env (or the stack) around a helper call and reloads after.
 *             x8 is AAPCS64's indirect-result register, which only matters
 *             for helpers returning large structs; ferry's helpers do not.
 *   x27       env, the CPU state pointer (callee-saved: helpers keep it).
 *   x28       guest_base for linux-user (0 when the layout allows; the
 *             emitter then uses plain guest addresses).
 *   x0..x7    allocatable temps; also helper arguments and return value.
 *   x16, x17  encoder scratch (IP0/IP1): multi-instruction sequences such as
 *             large immediates and far branches use them; never allocated.
 *   x18       platform register: never touched (reserved on some OSes).
 *   x29       frame pointer, kept so host unwinders and perf work.
 *   x30       link register: BL to helpers clobbers it; the prologue saves it.
 *   sp        16-byte aligned host stack holding the spill area.
 *
 * The exec-loop prologue saves x19..x30 and loads env, guest_base and the
 * guest GPRs; the epilogue stores the guest GPRs back to env.
 *
 * Status: jit_backend_arm64 (a64-lower*.c) keeps env in x27, guest_base in
 * x28 and x16/x17 as scratch as above, but does not pin guest GPRs yet: it
 * allocates x0..x15, x19..x26 (and x28 in softmmu) per block like the
 * x86-64 backend (docs/backend-arm64.md).
 */
enum {
    A64_REG_ENV = A64_X27,
    A64_REG_GUEST_BASE = A64_X28,
    A64_REG_TMP0 = A64_X16,
    A64_REG_TMP1 = A64_X17,
};

/* Host register of x86 GPR n (0 = RAX ... 15 = R15, x86 encoding order). */
static inline int a64_guest_gpr(int n)
{
    return n < 8 ? A64_X19 + n : A64_X8 + (n - 8);
}

/* Allocatable temps for the register allocator: x0..x7. */
#define A64_TEMP_REGS_MASK 0x000000ffu

/* Printable name of integer register r ("x0".."x30", "xzr"/"sp", or the
 * "w" forms when sf is false). Returns "?" for an invalid number. */
const char *a64_reg_name(int r, int sf);

/* Printable condition name ("eq", "ne", ...). */
const char *a64_cond_name(A64Cond c);

#endif
