/*
 * cpu.h — the x86 guest CPU state as generated code sees it. It begins
 * with the JIT's common header (so `env` points at both); every field the
 * translator names in IR is registered as a global in x86_init_context.
 *
 * Flags are lazy (DESIGN §4): the last flag-setting operation is recorded as
 * cc_op plus its operands/result in cc_dst, cc_src, cc_src2, and EFLAGS bits
 * are computed from them only where read. DF, and the system bits (IF, TF,
 * AC, ID, ...), live in `eflags` itself; its OSZAPC bits are meaningful only
 * when cc_op is X86_CC_EFLAGS.
 *
 * Ownership: one X86Cpu per guest thread / vCPU, touched only by its owner
 * (the JitCpu header documents the exceptions).
 */
#ifndef FERRY_FRONTEND_X86_CPU_H
#define FERRY_FRONTEND_X86_CPU_H

#include <stdint.h>

#include "frontend-x86/softfloat80.h"
#include "jit/cpu-common.h"

enum {
    X86_RAX, X86_RCX, X86_RDX, X86_RBX, X86_RSP, X86_RBP, X86_RSI, X86_RDI,
    X86_R8, X86_R9, X86_R10, X86_R11, X86_R12, X86_R13, X86_R14, X86_R15,
};

/* EFLAGS bits. */
enum {
    X86_CF = 1 << 0, X86_PF = 1 << 2, X86_AF = 1 << 4, X86_ZF = 1 << 6,
    X86_SF = 1 << 7, X86_TF = 1 << 8, X86_IF = 1 << 9, X86_DF = 1 << 10,
    X86_OF = 1 << 11, X86_AC = 1 << 18, X86_ID = 1 << 21,
    X86_OSZAPC = X86_CF | X86_PF | X86_AF | X86_ZF | X86_SF | X86_OF,
};

/*
 * Lazy flag states. For each operation kind the B/W/L/Q variants give the
 * operand size; cc_dst holds the result and cc_src (cc_src2) what the
 * operation needs to rebuild CF/AF/OF:
 *   ADD:  src = second operand          SUB: src = second operand
 *   ADC/SBB: src = second operand, src2 = carry in
 *   LOGIC: flags from dst only (CF = OF = 0)
 *   INC/DEC: src = the old CF (INC/DEC keep CF)
 *   SHL/SAR/SHR: src = the value shifted by count-1 (its top/bottom bit is CF)
 *   MUL: src = high half (CF = OF = src != 0, or != sign-extension for IMUL)
 *   EFLAGS: the OSZAPC bits are in cc_src (already computed)
 */
#define X86_CC_OP_LIST(X) \
    X(EFLAGS) \
    X(ADDB) X(ADDW) X(ADDL) X(ADDQ) \
    X(ADCB) X(ADCW) X(ADCL) X(ADCQ) \
    X(SUBB) X(SUBW) X(SUBL) X(SUBQ) \
    X(SBBB) X(SBBW) X(SBBL) X(SBBQ) \
    X(LOGICB) X(LOGICW) X(LOGICL) X(LOGICQ) \
    X(INCB) X(INCW) X(INCL) X(INCQ) \
    X(DECB) X(DECW) X(DECL) X(DECQ) \
    X(SHLB) X(SHLW) X(SHLL) X(SHLQ) \
    X(SARB) X(SARW) X(SARL) X(SARQ) \
    X(MULB) X(MULW) X(MULL) X(MULQ) \
    X(IMULB) X(IMULW) X(IMULL) X(IMULQ)

typedef enum X86CcOp {
#define X(n) X86_CC_##n,
    X86_CC_OP_LIST(X)
#undef X
    X86_CC_COUNT
} X86CcOp;

/* The XSAVE area of the state components ferry implements (x87 and SSE,
 * XCR0 = 3): the 512-byte legacy region and the 64-byte header. */
#define X86_XSAVE_AREA_SIZE 576

typedef struct X86Vec {
    uint64_t q[2];
} __attribute__((aligned(16))) X86Vec;

/*
 * x87 state (frontend-x86/x87-helpers.c). Registers are kept physically:
 * ST(i) is st[(top + i) & 7]. The full tag word is derived from tag_used and
 * the contents when stored. fip/fdp/fop describe the last non-control x87
 * instruction (FNSTENV/FNSAVE). tmp and buf carry operands and memory images
 * between generated code and helpers within one instruction.
 */
typedef struct X86Fpu {
    Sf80 st[8];
    uint16_t fcw;
    uint16_t fsw;                  /* TOP (bits 11-13) lives in top */
    uint8_t top;
    uint8_t tag_used;              /* bit i: physical register i is not empty */
    uint16_t fop;
    uint64_t fip, fdp;
    Sf80 tmp;
    uint16_t tmp_flags;            /* DE/IE found converting tmp from memory */
    uint8_t buf[112];
} X86Fpu;

typedef struct X86Cpu {
    JitCpu jit;                    /* must be first: env points here */

    uint64_t regs[16];
    uint64_t rip;
    uint64_t cc_dst, cc_src, cc_src2;
    uint32_t cc_op;                /* X86CcOp */
    int32_t df;                    /* +1 or -1: string direction */
    uint64_t eflags;               /* non-OSZAPC bits (DF mirrored in df) */

    uint64_t seg_base[6];          /* ES CS SS DS FS GS */
    uint16_t seg_sel[6];

    X86Vec xmm[16];
    X86Vec xmm_tmp;                /* SSE scratch: a memory or GPR source
                                      operand copied for a helper */
    uint32_t mxcsr;

    X86Fpu fpu;                    /* x87; reset with x87_reset() */
    /* FXSAVE/FXRSTOR: the x87 part of the image (bytes 0-23, 32-159) is
     * built here by a helper and copied to/from guest memory in IR, so
     * faults on the guest image stay ordinary guest memory faults. */
    uint8_t fx_image[512] __attribute__((aligned(16)));
    /* XSAVE, XSAVEOPT, XSAVEC, XRSTOR: the guest's XSAVE area copied in (and back out) in IR
     * around the helper that implements the instruction on it (xsave.c). */
    uint8_t xsave_image[X86_XSAVE_AREA_SIZE] __attribute__((aligned(64)));

    /* Exception detail for the exec loop's caller. */
    uint32_t error_code;
    uint64_t next_rip;             /* rip after a trapping instruction (syscall) */
} X86Cpu;

/* Exceptions the translator raises through cpu->jit.exception. */
enum {
    X86_EXCP_DE = 0,               /* divide error */
    X86_EXCP_DB = 1,
    X86_EXCP_BP = 3,               /* int3 */
    X86_EXCP_UD = 6,               /* invalid opcode */
    X86_EXCP_GP = 13,
    X86_EXCP_PF = 14,
    X86_EXCP_MF = 16,              /* x87 floating-point error */
    X86_EXCP_XM = 19,              /* SIMD floating point (unmasked MXCSR exception;
                                      the flags that caused it are in mxcsr) */
    X86_EXCP_SYSCALL = 0x100,      /* user mode: syscall instruction */
    X86_EXCP_HLT = 0x101,
    X86_EXCP_INT80 = 0x102,        /* user mode: int 0x80, Linux's 32-bit syscall gate */
};

/* Full EFLAGS from the lazy state. */
uint64_t x86_cpu_get_eflags(const X86Cpu *cpu);
/* Set EFLAGS (all bits) and make the lazy state X86_CC_EFLAGS. */
void x86_cpu_set_eflags(X86Cpu *cpu, uint64_t eflags);
/* OSZAPC from a lazy state (what x86_cpu_get_eflags uses). */
uint64_t x86_cc_compute(uint32_t cc_op, uint64_t dst, uint64_t src, uint64_t src2);
/* CF alone (0 or 1): what INC/DEC/ADC/SBB read, without the other flags. */
uint64_t x86_cc_compute_cf(uint32_t cc_op, uint64_t dst, uint64_t src, uint64_t src2);

/* x87 (x87-helpers.c): the FNINIT state (a new thread starts with it). */
void x87_reset(X86Cpu *cpu);
/* FSW with TOP, and the full 16-bit tag word (00 valid .. 11 empty). */
uint16_t x87_get_fsw(const X86Cpu *cpu);
uint16_t x87_get_ftw(const X86Cpu *cpu);
/* The x87 part of the FXSAVE image (bytes 0..31 and the ST/MM slots at
 * 32..159); the SSE owner fills MXCSR and the XMM registers. */
void x87_state_to_fxsave(const X86Cpu *cpu, uint8_t out[512]);
void x87_state_from_fxsave(X86Cpu *cpu, const uint8_t in[512]);

#endif
