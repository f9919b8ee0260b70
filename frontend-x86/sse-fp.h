/*
 * sse-fp.h — the scalar IEEE core the SSE float helpers share (private to
 * sse-float.c and sse-cvt.c): x86's NaN rules, DAZ/FTZ, the host rounding
 * mode taken from MXCSR and the host exception flags folded into MXCSR.
 * Both files are built with -frounding-math so the host ops see the mode.
 */
#ifndef FERRY_FRONTEND_X86_SSE_FP_H
#define FERRY_FRONTEND_X86_SSE_FP_H

#include <stdbool.h>
#include <stdint.h>

#include "frontend-x86/sse.h"

/* One helper call's floating-point context. */
typedef struct SseFp {
    uint32_t mxcsr;                /* the guest MXCSR at entry */
    uint32_t flags;                /* exception flags raised so far */
    uint32_t host;                 /* the host control word set at entry */
} SseFp;

#define F32_QUIET 0x00400000u
#define F64_QUIET 0x0008000000000000ull
#define F32_DEFAULT_NAN 0xffc00000u
#define F64_DEFAULT_NAN 0xfff8000000000000ull

static inline bool f32_is_nan(uint32_t a) { return (a & 0x7fffffffu) > 0x7f800000u; }
static inline bool f32_is_snan(uint32_t a) { return f32_is_nan(a) && !(a & F32_QUIET); }
static inline bool f32_is_denormal(uint32_t a)
{
    return (a & 0x7f800000u) == 0 && (a & 0x007fffffu) != 0;
}
static inline bool f64_is_nan(uint64_t a)
{
    return (a & 0x7fffffffffffffffull) > 0x7ff0000000000000ull;
}
static inline bool f64_is_snan(uint64_t a) { return f64_is_nan(a) && !(a & F64_QUIET); }
static inline bool f64_is_denormal(uint64_t a)
{
    return (a & 0x7ff0000000000000ull) == 0 && (a & 0x000fffffffffffffull) != 0;
}

/* Enter a helper: host rounding mode = rc (0..3, MXCSR encoding), host
 * exception flags cleared. */
void sse_fp_begin(SseFp *f, const X86Cpu *cpu, unsigned rc);
/* Fold the host exception flags raised since the last collect into
 * f->flags / drop them (they belong to a computation x86 does not make). */
void sse_fp_collect(SseFp *f);
void sse_fp_discard(SseFp *f);
/* Leave: accumulate flags into cpu->mxcsr; returns 1 if one is unmasked. */
uint32_t sse_fp_end(SseFp *f, X86Cpu *cpu);

/* A source operand after DAZ (denormal -> signed zero) or DE accounting. */
uint32_t f32_in(SseFp *f, uint32_t a);
uint64_t f64_in(SseFp *f, uint64_t a);
/* A result after FTZ (tiny -> signed zero, UE|PE); tiny: the host
 * signalled underflow for it. */
uint32_t f32_out(SseFp *f, uint32_t r, bool tiny);
uint64_t f64_out(SseFp *f, uint64_t r, bool tiny);

/* x86 scalar arithmetic (X86_FOP_*), with NaN rules and flags. */
uint32_t f32_op(SseFp *f, unsigned op, uint32_t a, uint32_t b);
uint64_t f64_op(SseFp *f, unsigned op, uint64_t a, uint64_t b);

static inline float f32_val(uint32_t a)
{
    union { uint32_t u; float f; } c = { .u = a };
    return c.f;
}
static inline uint32_t f32_bits(float a)
{
    union { float f; uint32_t u; } c = { .f = a };
    return c.u;
}
static inline double f64_val(uint64_t a)
{
    union { uint64_t u; double f; } c = { .u = a };
    return c.f;
}
static inline uint64_t f64_bits(double a)
{
    union { double f; uint64_t u; } c = { .f = a };
    return c.u;
}

#endif
