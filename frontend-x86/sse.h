/*
 * sse.h — what the SSE families share: MXCSR bits, the #XM exception
 * number, and the C helpers that generated code calls for SSE
 * instructions. Helpers take X86Vec pointers into env (xmm registers or
 * the xmm_tmp scratch holding a memory operand) so they can be unit-tested
 * directly against the host CPU (tests/x86/test-sse.c).
 */
#ifndef FERRY_FRONTEND_X86_SSE_H
#define FERRY_FRONTEND_X86_SSE_H

#include <stdbool.h>
#include <stdint.h>

#include "frontend-x86/cpu.h"

/* MXCSR fields. */
enum {
    X86_MXCSR_IE = 1 << 0, X86_MXCSR_DE = 1 << 1, X86_MXCSR_ZE = 1 << 2,
    X86_MXCSR_OE = 1 << 3, X86_MXCSR_UE = 1 << 4, X86_MXCSR_PE = 1 << 5,
    X86_MXCSR_FLAGS = 0x3f,
    X86_MXCSR_DAZ = 1 << 6,
    X86_MXCSR_MASK_SHIFT = 7,      /* IM..PM: bits 7..12, same order as flags */
    X86_MXCSR_RC_SHIFT = 13,       /* 0 nearest, 1 down, 2 up, 3 toward zero */
    X86_MXCSR_FTZ = 1 << 15,
    X86_MXCSR_DEFAULT = 0x1f80,
    X86_MXCSR_WRITABLE = 0xffff,   /* also the FXSAVE MXCSR_MASK */
};

/* Put the SSE state in its power-on/exec state (MXCSR = 0x1f80, xmm = 0). */
void x86_sse_reset(X86Cpu *cpu);

/*
 * Float helpers (sse-float.c). Each computes into *d from *d (the first
 * source, as in legacy SSE) and *s, updating the MXCSR flags of cpu with
 * the exceptions that occurred. They return 0, or 1 when an unmasked
 * exception occurred: then *d is unchanged (the flags are still set, as on
 * the CPU) and the caller raises #XM. `op` selects the operation:
 */
enum {
    X86_FOP_ADD, X86_FOP_SUB, X86_FOP_MUL, X86_FOP_DIV,
    X86_FOP_MIN, X86_FOP_MAX, X86_FOP_SQRT,
};
/* form: 0 PS, 1 PD, 2 SS, 3 SD. */
enum { X86_FFORM_PS, X86_FFORM_PD, X86_FFORM_SS, X86_FFORM_SD };
uint32_t x86_sse_arith(X86Cpu *cpu, X86Vec *d, const X86Vec *s, uint32_t op_form);
#define X86_SSE_ARITH(op, form) ((uint32_t)(op) << 4 | (form))
/* CMPPS/PD/SS/SD: pred is imm8 & 7. */
uint32_t x86_sse_cmp(X86Cpu *cpu, X86Vec *d, const X86Vec *s, uint32_t pred_form);
/* (U)COMISS/SD: returns the OSZAPC bits (ZF, PF, CF) in the low 12 bits,
 * or 1 << 31 for #XM. form SS/SD; bit 4 set = COMIS (signals on QNaN). */
uint32_t x86_sse_comi(X86Cpu *cpu, const X86Vec *a, const X86Vec *b, uint32_t form);
/* HADD/HSUB/ADDSUB PS/PD: kind 0 HADD, 1 HSUB, 2 ADDSUB; form PS or PD. */
uint32_t x86_sse_horiz(X86Cpu *cpu, X86Vec *d, const X86Vec *s, uint32_t kind_form);
/* ROUNDPS/PD/SS/SD with imm8 (bits 0-1 mode, 2 use MXCSR.RC, 3 no PE). */
uint32_t x86_sse_round(X86Cpu *cpu, X86Vec *d, const X86Vec *s, uint32_t imm_form);
/* DPPS/DPPD with imm8. */
uint32_t x86_sse_dp(X86Cpu *cpu, X86Vec *d, const X86Vec *s, uint32_t imm_form);
/* RCPPS/RCPSS/RSQRTPS/RSQRTSS: kind 0 RCP, 1 RSQRT; form PS or SS.
 * Within 1.5*2^-12 relative error of the exact value, like the CPU. */
void x86_sse_rcp(X86Cpu *cpu, X86Vec *d, const X86Vec *s, uint32_t kind_form);

/*
 * Conversions (sse-cvt.c). `cvt` names source and destination:
 */
enum {
    X86_CVT_SI2SS, X86_CVT_SI2SD,          /* s->q[0] holds the integer; size 4/8 */
    X86_CVT_SS2SI, X86_CVT_SD2SI,          /* result in the return value's... see below */
    X86_CVT_TSS2SI, X86_CVT_TSD2SI,
    X86_CVT_SS2SD, X86_CVT_SD2SS,
    X86_CVT_PS2PD, X86_CVT_PD2PS,
    X86_CVT_DQ2PS, X86_CVT_PS2DQ, X86_CVT_TPS2DQ,
    X86_CVT_DQ2PD, X86_CVT_PD2DQ, X86_CVT_TPD2DQ,
};
/*
 * Vector/scalar conversions into *d (int sources read from *s). For the
 * float-to-integer scalar forms the integer is written to d->q[0] (32-bit
 * results zero-extended) and the caller moves it to the GPR. cvt_size is
 * cvt | (integer size in bytes << 8). Returns 0 or 1 (#XM) as above.
 */
uint32_t x86_sse_cvt(X86Cpu *cpu, X86Vec *d, const X86Vec *s, uint32_t cvt_size);

/*
 * Integer helpers (sse-int.c): d = op(d, s) on 128 bits, no flags.
 * The op numbers are the X86Op values themselves; imm is the imm8 where the
 * instruction has one. Returns 0, or 1 if the op is not an integer helper op.
 */
uint32_t x86_sse_int(X86Vec *d, const X86Vec *s, uint32_t op, uint32_t imm);
/* PTEST: returns ZF | CF as EFLAGS bits. */
uint32_t x86_sse_ptest(const X86Vec *a, const X86Vec *b);
/* PBLENDVB/BLENDVPS/BLENDVPD: mask is xmm0. */
void x86_sse_blendv(X86Vec *d, const X86Vec *s, const X86Vec *mask, uint32_t op);
/* Move-mask forms: PMOVMSKB, MOVMSKPS, MOVMSKPD. */
uint32_t x86_sse_movmsk(const X86Vec *s, uint32_t op);

/* An xmm value by lanes of each width (host order = guest order: both
 * little-endian, which ferry's hosts are). */
typedef union SseLanes {
    uint8_t b[16];
    int8_t sb[16];
    uint16_t w[8];
    int16_t sw[8];
    uint32_t d[4];
    int32_t sd[4];
    uint64_t q[2];
    int64_t sq[2];
} SseLanes;

/* Shuffles, unpacks, packs, blends, PMOVZX/SX, INSERTPS (sse-move.c):
 * r = op(a, b, imm) where a is the destination's old value; false if op is
 * not one of them. Used by x86_sse_int. */
bool x86_sse_shuffle(SseLanes *r, const SseLanes *a, const SseLanes *b, unsigned op,
                     unsigned imm);

/* AES-NI and PCLMULQDQ (sse-aes.c): r = op(a, b, imm) with a the first
 * (destination) operand and b the second (the round key, or the source of
 * AESIMC/AESKEYGENASSIST); false if op is not one of them. Used by
 * x86_sse_int. */
bool x86_sse_crypto(SseLanes *r, const SseLanes *a, const SseLanes *b, unsigned op,
                    unsigned imm);
/* The 128-bit carry-less product of x and y into out[0] (low), out[1]. */
void x86_clmul64(uint64_t x, uint64_t y, uint64_t out[2]);

/*
 * PCMPxSTRx (sse-string.c): compare a (xmm1) with b (xmm2/m128) under
 * ctl = imm8 | X86_PCMPSTR_* flags; rax/rdx are the explicit lengths.
 * Returns the OSZAPC bits (CF ZF SF OF; AF PF clear) and, for the I
 * forms, the index for ECX in bits 32..; the M forms write *xmm0.
 */
enum {
    X86_PCMPSTR_EXPLICIT = 1 << 8,   /* PCMPESTRx: lengths in EAX/EDX */
    X86_PCMPSTR_WIDE = 1 << 9,       /* REX.W: lengths in RAX/RDX */
    X86_PCMPSTR_MASK = 1 << 10,      /* PCMPxSTRM: result to xmm0 */
};
uint64_t x86_sse_pcmpstr(X86Vec *xmm0, const X86Vec *a, const X86Vec *b, uint32_t ctl,
                         uint64_t rax, uint64_t rdx);

/* CRC32 (crc32.c): crc32c of the low `size` bytes of val onto crc. */
uint32_t x86_crc32c(uint32_t crc, uint64_t val, uint32_t size);

#endif
