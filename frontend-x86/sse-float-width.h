/*
 * sse-float-width.h — the scalar SSE float operations written once for
 * both widths: sse-float.c includes this file twice, with SF_W defined as
 * 32 (float, the f32_* names) and as 64 (double, the f64_* names). The
 * x86 rules are the same for both; only the formats' constants differ.
 * No include guard: it is a template, included once per width.
 */
#if SF_W == 32
#define FW(name) f32_##name
#define SF_UINT uint32_t
#define SF_FLT float
#define SF_SIGN 0x80000000u
#define SF_MIN_NORMAL 0x00800000u          /* bits of the smallest normal */
#define SF_QUIET F32_QUIET
#define SF_DEFAULT_NAN F32_DEFAULT_NAN
#define SF_SQRT sqrtf
#define SF_FABS fabsf
#define SF_NEARBYINT nearbyintf
#define SF_SCALE 0x1p64f
#define SF_SCALED_MIN_NORMAL 0x1p-62f      /* 2^-126 * 2^64 */
#elif SF_W == 64
#define FW(name) f64_##name
#define SF_UINT uint64_t
#define SF_FLT double
#define SF_SIGN 0x8000000000000000ull
#define SF_MIN_NORMAL 0x0010000000000000ull
#define SF_QUIET F64_QUIET
#define SF_DEFAULT_NAN F64_DEFAULT_NAN
#define SF_SQRT sqrt
#define SF_FABS fabs
#define SF_NEARBYINT nearbyint
#define SF_SCALE 0x1p64
#define SF_SCALED_MIN_NORMAL 0x1p-958      /* 2^-1022 * 2^64 */
#else
#error "define SF_W as 32 or 64 before including sse-float-width.h"
#endif

SF_UINT FW(in)(SseFp *f, SF_UINT a)
{
    if (FW(is_denormal)(a)) {
        if (f->mxcsr & X86_MXCSR_DAZ) {
            return a & SF_SIGN;
        }
        f->flags |= X86_MXCSR_DE;
    }
    return a;
}

/* Tiny results (x86 detects tininess before rounding: the host's UE says
 * so for inexact ones, an exact tiny result is a denormal): FTZ, with
 * underflow masked, flushes them to zero and signals UE and PE; unmasked
 * underflow signals UE even when exact. */
SF_UINT FW(out)(SseFp *f, SF_UINT r, bool tiny)
{
    if (FW(is_denormal)(r) || tiny) {
        bool um_masked = f->mxcsr & (X86_MXCSR_UE << X86_MXCSR_MASK_SHIFT);
        if ((f->mxcsr & X86_MXCSR_FTZ) && um_masked) {
            f->flags |= X86_MXCSR_UE | X86_MXCSR_PE;
            return r & SF_SIGN;
        }
        if (!um_masked) {
            f->flags |= X86_MXCSR_UE;
        }
    }
    return r;
}

/*
 * x86 detects tininess after rounding (as if the exponent were unbounded),
 * arm64 before rounding: they disagree only for results that round to the
 * smallest normal. Then redo MUL/DIV with the smaller operand (MUL) or the
 * dividend (DIV) scaled by 2^64, far from the subnormal range, and see if
 * that rounds below the scaled smallest normal. ADD/SUB results that small
 * are exact, so they never get here.
 */
static bool FW(tiny_after)(SseFp *f, unsigned op, SF_FLT x, SF_FLT y)
{
    volatile SF_FLT vx = x, vy = y, s;
    if (op == X86_FOP_MUL) {
        s = SF_FABS(vx) <= SF_FABS(vy) ? (vx * SF_SCALE) * vy : vx * (vy * SF_SCALE);
    } else {
        s = (vx * SF_SCALE) / vy;
    }
    sse_fp_discard(f);
    return SF_FABS(s) < SF_SCALED_MIN_NORMAL;
}

/*
 * NaN operands: MIN/MAX signal IE on any NaN and return the second
 * operand; the others signal IE on an SNaN and return the first NaN
 * operand, quieted. A NaN produced from non-NaN operands (inf - inf,
 * 0 * inf, sqrt(-1)) is the negative default NaN, whatever the host makes.
 */
SF_UINT FW(op)(SseFp *f, unsigned op, SF_UINT a, SF_UINT b)
{
    bool minmax = op == X86_FOP_MIN || op == X86_FOP_MAX;

    if (op == X86_FOP_SQRT) {
        a = b;                     /* unary: the source is the second operand */
    }
    if (FW(is_nan)(a) || FW(is_nan)(b)) {
        if (minmax || FW(is_snan)(a) || FW(is_snan)(b)) {
            f->flags |= X86_MXCSR_IE;
        }
        if (minmax) {
            /* DAZ still applies to the returned operand */
            return FW(is_denormal)(b) && (f->mxcsr & X86_MXCSR_DAZ) ? b & SF_SIGN : b;
        }
        return (FW(is_nan)(a) ? a : b) | SF_QUIET;
    }
    /* This op's flags are gathered apart: an invalid operation or a
     * division by zero hides the denormal-operand flag. */
    uint32_t saved = f->flags;
    f->flags = 0;
    a = FW(in)(f, a);
    b = FW(in)(f, b);
    volatile SF_FLT x = FW(val)(a), y = FW(val)(b), r;
    switch (op) {
    case X86_FOP_ADD: r = x + y; break;
    case X86_FOP_SUB: r = x - y; break;
    case X86_FOP_MUL: r = x * y; break;
    case X86_FOP_DIV: r = x / y; break;
    case X86_FOP_MIN: f->flags |= saved; return x < y ? a : b;
    case X86_FOP_MAX: f->flags |= saved; return x > y ? a : b;
    default:          r = SF_SQRT(y); break;
    }
    sse_fp_collect(f);
    if (f->flags & (X86_MXCSR_IE | X86_MXCSR_ZE)) {
        f->flags &= ~X86_MXCSR_DE;
    }
    bool tiny = f->flags & X86_MXCSR_UE;
    SF_UINT rb = FW(bits)(r);
    if (tiny && (rb & ~SF_SIGN) == SF_MIN_NORMAL && (op == X86_FOP_MUL || op == X86_FOP_DIV)) {
        tiny = FW(tiny_after)(f, op, x, y);
        if (!tiny) {
            f->flags &= ~X86_MXCSR_UE;
        }
    }
    f->flags |= saved;
    if (FW(is_nan)(rb)) {
        return SF_DEFAULT_NAN;
    }
    return FW(out)(f, rb, tiny);
}

/* Compare a with b: returns whether they are unordered (and then lt and
 * eq are false); an SNaN operand signals IE, denormals follow DAZ/DE. */
static bool FW(compare)(SseFp *f, SF_UINT a, SF_UINT b, bool *lt, bool *eq)
{
    bool unord = FW(is_nan)(a) || FW(is_nan)(b);
    if (FW(is_snan)(a) || FW(is_snan)(b)) {
        f->flags |= X86_MXCSR_IE;
    }
    if (!unord) {
        a = FW(in)(f, a);
        b = FW(in)(f, b);
    }
    /* no ordered compare on NaNs: it would raise the host's invalid */
    *lt = !unord && FW(val)(a) < FW(val)(b);
    *eq = !unord && FW(val)(a) == FW(val)(b);
    return unord;
}

/* Round to an integral value in the host's current mode; PE if inexact
 * unless suppressed. SNaN signals IE; NaNs come back quiet. */
static SF_UINT FW(round)(SseFp *f, SF_UINT a, bool no_pe)
{
    if (FW(is_nan)(a)) {
        if (FW(is_snan)(a)) {
            f->flags |= X86_MXCSR_IE;
        }
        return a | SF_QUIET;
    }
    if (FW(is_denormal)(a) && (f->mxcsr & X86_MXCSR_DAZ)) {
        a &= SF_SIGN;
    }
    volatile SF_FLT x = FW(val)(a);
    SF_FLT r = SF_NEARBYINT(x);
    if (r != x && !no_pe) {
        f->flags |= X86_MXCSR_PE;
    }
    return FW(bits)(r);
}

#undef FW
#undef SF_UINT
#undef SF_FLT
#undef SF_SIGN
#undef SF_MIN_NORMAL
#undef SF_QUIET
#undef SF_DEFAULT_NAN
#undef SF_SQRT
#undef SF_FABS
#undef SF_NEARBYINT
#undef SF_SCALE
#undef SF_SCALED_MIN_NORMAL
