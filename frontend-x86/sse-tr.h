/*
 * sse-tr.h — what the SSE translator files share (private to
 * sse-tr*.c and sse-state.c): env offsets of the xmm registers, source
 * operand fetching, alignment and #XM checks, the helper ids.
 *
 * The xmm registers are not IR globals: most SSE instructions are helper
 * calls that read and write them through env pointers, so keeping them in
 * env memory means no global has to be synced around those calls; the IR
 * forms (moves, logic, add/sub/compare) `ld`/`st` them as v128.
 */
#ifndef FERRY_FRONTEND_X86_SSE_TR_H
#define FERRY_FRONTEND_X86_SSE_TR_H

#include <stddef.h>

#include "frontend-x86/sse.h"
#include "frontend-x86/translate.h"

#define SSE_XMM_OFF(r) ((int32_t)(offsetof(X86Cpu, xmm) + 16 * (size_t)(r)))
#define SSE_TMP_OFF ((int32_t)offsetof(X86Cpu, xmm_tmp))
#define SSE_MXCSR_OFF ((int32_t)offsetof(X86Cpu, mxcsr))

/* Helper ids, set by x86_sse_register_helpers (write once, then read-only). */
typedef struct SseHelpers {
    unsigned arith, cmp, comi, horiz, round, dp, rcp, cvt;
    unsigned intop, ptest, blendv, movmsk, crc32, pcmpstr;
    unsigned fx_x87_save, fx_x87_restore;
} SseHelpers;
extern SseHelpers sse_h;

/* i64 temp = env + off (a host pointer for a helper). */
IrTempIdx sse_ptr(X86Tr *tr, int32_t off);
/* The memory operand's address, in a TB temp (it survives the labels of
 * alignment and exception checks). */
IrTempIdx sse_ea(X86Tr *tr);
/* #GP unless the memory operand is 16-byte aligned. */
void sse_check_align(X86Tr *tr);
/* Offset in env of the xmm/m source: the register (ModRM.rm), or xmm_tmp
 * holding `size` bytes loaded from memory with the rest zeroed; align
 * checks 16-byte alignment first. */
int32_t sse_src(X86Tr *tr, unsigned size, bool align);
/* Raise #XM when the i32 helper status r is nonzero. */
void sse_check_xm(X86Tr *tr, IrTempIdx r);
/* v128 value of xmm[reg] / store one. */
IrTempIdx sse_ld_xmm(X86Tr *tr, int32_t off);
void sse_st_xmm(X86Tr *tr, int32_t off, IrTempIdx v);
/* The index of the first operand of kind k (k1 or k2), -1 if none. */
int sse_opnd_index(const X86Tr *tr, unsigned k1, unsigned k2);

#endif
