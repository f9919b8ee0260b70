/*
 * sse-cvt.c — SSE conversion helpers (CVT*): integer <-> float under the
 * MXCSR rounding mode or truncating, single <-> double. Out-of-range and
 * NaN conversions to integer give x86's "integer indefinite" (the most
 * negative value) and signal IE; NaNs keep their payload across widths.
 */
#include "frontend-x86/sse-fp.h"

#include <fenv.h>
#include <math.h>
#include <string.h>

/* A double (exact image of the source) to an integer of `bits` bits:
 * rounded in the current host mode, or truncated. */
static uint64_t to_int(SseFp *f, double x, bool nan, unsigned bits, bool trunc)
{
    uint64_t indef = 1ull << (bits - 1);
    double lim = bits == 64 ? 0x1p63 : 0x1p31;

    if (nan) {
        f->flags |= X86_MXCSR_IE;
        return indef;
    }
    double r = trunc ? (x < 0 ? ceil(x) : floor(x)) : nearbyint(x);
    if (!(r >= -lim && r < lim)) {
        f->flags |= X86_MXCSR_IE;
        return indef;
    }
    if (r != x) {
        f->flags |= X86_MXCSR_PE;
    }
    uint64_t v = (uint64_t)(int64_t)r;
    return bits == 64 ? v : (uint32_t)v;
}

/* Source operands of conversions to integer: DAZ applies, DE is not signalled. */
static double in32_noe(SseFp *f, uint32_t a)
{
    if (f32_is_denormal(a) && (f->mxcsr & X86_MXCSR_DAZ)) {
        a &= 0x80000000u;
    }
    return f32_val(a);
}

static double in64_noe(SseFp *f, uint64_t a)
{
    if (f64_is_denormal(a) && (f->mxcsr & X86_MXCSR_DAZ)) {
        a &= 0x8000000000000000ull;
    }
    return f64_val(a);
}

static uint64_t ss2sd(SseFp *f, uint32_t a)
{
    if (f32_is_nan(a)) {
        if (f32_is_snan(a)) {
            f->flags |= X86_MXCSR_IE;
        }
        return ((uint64_t)(a & 0x80000000u) << 32) | 0x7ff8000000000000ull |
               ((uint64_t)(a & 0x003fffffu) << 29);
    }
    return f64_bits(f32_val(f32_in(f, a)));
}

static uint32_t sd2ss(SseFp *f, uint64_t a)
{
    if (f64_is_nan(a)) {
        if (f64_is_snan(a)) {
            f->flags |= X86_MXCSR_IE;
        }
        return (uint32_t)(a >> 32 & 0x80000000u) | 0x7fc00000u |
               (uint32_t)(a >> 29 & 0x003fffffu);
    }
    uint32_t saved = f->flags;
    f->flags = 0;
    volatile double x = f64_val(f64_in(f, a));
    volatile float r = (float)x;
    sse_fp_collect(f);
    bool tiny = f->flags & X86_MXCSR_UE;
    if (tiny && (f32_bits(r) & 0x7fffffffu) == 0x00800000u) {
        /* tininess after rounding, as in f32_op: redo it scaled by 2^64 */
        volatile float s = (float)(x * 0x1p64);
        sse_fp_discard(f);
        tiny = fabsf(s) < 0x1p-62f;
        if (!tiny) {
            f->flags &= ~X86_MXCSR_UE;
        }
    }
    f->flags |= saved;
    return f32_out(f, f32_bits(r), tiny);
}

static uint32_t lane32(const X86Vec *v, unsigned i)
{
    uint32_t x;
    memcpy(&x, (const uint8_t *)v + 4 * i, 4);
    return x;
}

static void set_lane32(X86Vec *v, unsigned i, uint32_t x)
{
    memcpy((uint8_t *)v + 4 * i, &x, 4);
}

/* Integer to float: the host conversion rounds in the current mode. */
static uint32_t i2ss(int64_t v)
{
    volatile int64_t x = v;
    volatile float r = (float)x;
    return f32_bits(r);
}

static uint64_t i2sd(int64_t v)
{
    volatile int64_t x = v;
    volatile double r = (double)x;
    return f64_bits(r);
}

static void cvt_packed(SseFp *f, X86Vec *r, const X86Vec *s, unsigned cvt)
{
    switch (cvt) {
    case X86_CVT_PS2PD:
        r->q[1] = ss2sd(f, lane32(s, 1));
        r->q[0] = ss2sd(f, lane32(s, 0));
        break;
    case X86_CVT_PD2PS:
        set_lane32(r, 0, sd2ss(f, s->q[0]));
        set_lane32(r, 1, sd2ss(f, s->q[1]));
        r->q[1] = 0;
        break;
    case X86_CVT_DQ2PS:
        for (unsigned i = 0; i < 4; i++) {
            set_lane32(r, i, i2ss((int32_t)lane32(s, i)));
        }
        break;
    case X86_CVT_PS2DQ:
    case X86_CVT_TPS2DQ:
        for (unsigned i = 0; i < 4; i++) {
            uint32_t a = lane32(s, i);
            set_lane32(r, i, (uint32_t)to_int(f, in32_noe(f, a), f32_is_nan(a), 32,
                                               cvt == X86_CVT_TPS2DQ));
        }
        break;
    case X86_CVT_DQ2PD: {
        uint32_t lo = lane32(s, 0), hi = lane32(s, 1);
        r->q[0] = i2sd((int32_t)lo);
        r->q[1] = i2sd((int32_t)hi);
        break;
    }
    default: {                     /* PD2DQ, TPD2DQ */
        bool t = cvt == X86_CVT_TPD2DQ;
        uint32_t lo = (uint32_t)to_int(f, in64_noe(f, s->q[0]), f64_is_nan(s->q[0]), 32, t);
        uint32_t hi = (uint32_t)to_int(f, in64_noe(f, s->q[1]), f64_is_nan(s->q[1]), 32, t);
        r->q[0] = lo | (uint64_t)hi << 32;
        r->q[1] = 0;
        break;
    }
    }
}

uint32_t x86_sse_cvt(X86Cpu *cpu, X86Vec *d, const X86Vec *s, uint32_t cvt_size)
{
    unsigned cvt = cvt_size & 0xff, isize = cvt_size >> 8;
    unsigned bits = isize == 8 ? 64 : 32;
    SseFp f;
    X86Vec r = *d;

    sse_fp_begin(&f, cpu, cpu->mxcsr >> X86_MXCSR_RC_SHIFT);
    switch (cvt) {
    case X86_CVT_SI2SS:
        set_lane32(&r, 0, i2ss(bits == 64 ? (int64_t)s->q[0] : (int32_t)s->q[0]));
        break;
    case X86_CVT_SI2SD:
        r.q[0] = i2sd(bits == 64 ? (int64_t)s->q[0] : (int32_t)s->q[0]);
        break;
    case X86_CVT_SS2SI:
    case X86_CVT_TSS2SI: {
        uint32_t a = lane32(s, 0);
        r.q[0] = to_int(&f, in32_noe(&f, a), f32_is_nan(a), bits, cvt == X86_CVT_TSS2SI);
        break;
    }
    case X86_CVT_SD2SI:
    case X86_CVT_TSD2SI:
        r.q[0] = to_int(&f, in64_noe(&f, s->q[0]), f64_is_nan(s->q[0]), bits,
                        cvt == X86_CVT_TSD2SI);
        break;
    case X86_CVT_SS2SD:
        r.q[0] = ss2sd(&f, lane32(s, 0));
        break;
    case X86_CVT_SD2SS:
        set_lane32(&r, 0, sd2ss(&f, s->q[0]));
        break;
    default:
        cvt_packed(&f, &r, s, cvt);
        break;
    }
    if (cvt >= X86_CVT_SS2SI && cvt <= X86_CVT_TSD2SI) {
        sse_fp_discard(&f);             /* to_int accounted for its flags */
    }
    if (sse_fp_end(&f, cpu)) {
        return 1;
    }
    *d = r;
    return 0;
}
