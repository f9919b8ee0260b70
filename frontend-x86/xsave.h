/*
 * xsave.h — the XSAVE feature set as ferry implements it: state components
 * x87 (bit 0) and SSE (bit 1) only, XCR0 = 3, no AVX. The functions work on
 * an XSAVE area in host memory so that both the translator (which copies
 * the guest's area in and out in IR, frontend-x86/xsave.c) and linux-user's
 * signal frames (the area at lu_g2h(guest address)) share one definition of
 * the layout. CPUID leaf 0xD describes exactly this (frontend-x86/system.c).
 */
#ifndef FERRY_FRONTEND_X86_XSAVE_H
#define FERRY_FRONTEND_X86_XSAVE_H

#include <stdbool.h>
#include <stdint.h>

#include "frontend-x86/cpu.h"

#define X86_XCR0 3u                      /* x87 | SSE: XGETBV(0), CPUID.0xD.0:EAX */
#define X86_XSAVE_HDR 512                /* offset of the XSAVE header */

/* How an area is written / read (flags of x86_xsave_write/read). */
enum {
    X86_XSAVE_COMPACT = 1 << 0,          /* XSAVEC: compacted format, init optimization */
    X86_XSAVE_XMM8 = 1 << 1,             /* outside 64-bit mode: xmm0-7 only */
};

/*
 * XSAVE (flags 0; XSAVEOPT behaves the same in ferry) or XSAVEC
 * (X86_XSAVE_COMPACT) of cpu's state into the X86_XSAVE_AREA_SIZE bytes at
 * area, with the requested-feature bitmap rfbm & X86_XCR0, in the 64-bit
 * (REX.W) layout. Writes only what the instruction writes: the components
 * selected (XSAVEC: and in use), MXCSR with the SSE component, XSTATE_BV
 * (XSAVE keeps the bits outside rfbm) and, for XSAVEC, XCOMP_BV. The
 * caller checks the 64-byte alignment (#GP) and maps guest addresses.
 */
void x86_xsave_write(const X86Cpu *cpu, uint8_t *area, uint64_t rfbm, unsigned flags);

/*
 * XRSTOR of the area (standard or compacted form, chosen by XCOMP_BV[63]
 * as the instruction does) with rfbm & X86_XCR0: components whose
 * XSTATE_BV bit is clear are initialized. Returns false, changing nothing,
 * where XRSTOR raises #GP: XSTATE_BV or XCOMP_BV naming components outside
 * XCR0, nonzero reserved header bytes, or reserved MXCSR bits set.
 */
bool x86_xsave_read(X86Cpu *cpu, const uint8_t *area, uint64_t rfbm, unsigned flags);

#endif
