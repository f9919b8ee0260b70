/*
 * sse-float.c — SSE floating-point arithmetic helpers: ADD/SUB/MUL/DIV/
 * MIN/MAX/SQRT, compares, (U)COMIS, horizontal ops, ROUND, DP, RCP/RSQRT.
 * Host float ops do the arithmetic under the guest's rounding mode; x86's
 * NaN, DAZ/FTZ and exception-flag rules are applied explicitly, so the
 * results are x86's on any host (arm64 NaNs and flush rules differ).
 */
#include "frontend-x86/sse-fp.h"

#include <fenv.h>
#include <math.h>
#include <string.h>

/* ---------------------------------------------------------------------- */
/* Context: rounding mode in, exception flags out                          */

/*
 * The host's floating-point control and status. On an x86-64 host that is
 * MXCSR itself, read and written directly: glibc's fesetround and
 * feclearexcept also go through the x87 environment, which made a helper
 * call ~15 times slower. Elsewhere (arm64 FPCR/FPSR) <fenv.h> is cheap.
 * Flags are cleared only when the ones a single operation must see on its
 * own (IE ZE UE) are set; PE just accumulates.
 */
#if defined(__x86_64__)
static inline uint32_t host_csr_read(void)
{
    uint32_t m;
    __asm__ volatile("stmxcsr %0" : "=m"(m));
    return m;
}

static inline void host_csr_write(uint32_t m)
{
    __asm__ volatile("ldmxcsr %0" : : "m"(m));
}

void sse_fp_begin(SseFp *f, const X86Cpu *cpu, unsigned rc)
{
    f->mxcsr = cpu->mxcsr;
    f->flags = 0;
    f->host = X86_MXCSR_DEFAULT | (rc & 3) << X86_MXCSR_RC_SHIFT;
    if (host_csr_read() != f->host) {  /* a read is much cheaper than a write */
        host_csr_write(f->host);
    }
}

/* The host's x86 flags (DE excluded: the helpers decide it) and clear the
 * per-operation ones. */
static uint32_t host_take(SseFp *f)
{
    uint32_t fl = host_csr_read() & (X86_MXCSR_FLAGS & ~X86_MXCSR_DE);
    if (fl & (X86_MXCSR_IE | X86_MXCSR_ZE | X86_MXCSR_UE)) {
        host_csr_write(f->host);
    }
    return fl;
}

/* Back to round-to-nearest for ferry's own code when the guest's mode was
 * another (rare: the common case costs nothing). */
static void host_restore(SseFp *f)
{
    if ((f->host >> X86_MXCSR_RC_SHIFT) & 3) {
        host_csr_write(X86_MXCSR_DEFAULT);
    }
}
#else
static const int host_round[4] = { FE_TONEAREST, FE_DOWNWARD, FE_UPWARD, FE_TOWARDZERO };

void sse_fp_begin(SseFp *f, const X86Cpu *cpu, unsigned rc)
{
    f->mxcsr = cpu->mxcsr;
    f->flags = 0;
    f->host = rc & 3;
    if (fegetround() != host_round[rc & 3]) {
        fesetround(host_round[rc & 3]);
    }
    feclearexcept(FE_ALL_EXCEPT);
}

static uint32_t host_take(SseFp *f)
{
    int e = fetestexcept(FE_ALL_EXCEPT);

    (void)f;
    if (e == 0) {
        return 0;
    }
    feclearexcept(e);
    return (e & FE_INVALID ? X86_MXCSR_IE : 0) | (e & FE_DIVBYZERO ? X86_MXCSR_ZE : 0) |
           (e & FE_OVERFLOW ? X86_MXCSR_OE : 0) | (e & FE_UNDERFLOW ? X86_MXCSR_UE : 0) |
           (e & FE_INEXACT ? X86_MXCSR_PE : 0);
}

static void host_restore(SseFp *f)
{
    if (f->host != 0) {
        fesetround(FE_TONEAREST);
    }
}
#endif

void sse_fp_collect(SseFp *f)
{
    f->flags |= host_take(f);
}

void sse_fp_discard(SseFp *f)
{
    (void)host_take(f);
}

uint32_t sse_fp_end(SseFp *f, X86Cpu *cpu)
{
    sse_fp_collect(f);
    cpu->mxcsr |= f->flags;
    host_restore(f);
    uint32_t masks = (f->mxcsr >> X86_MXCSR_MASK_SHIFT) & X86_MXCSR_FLAGS;
    return (f->flags & ~masks) ? 1 : 0;
}

/* ---------------------------------------------------------------------- */
/* Scalar operations: in, out, op, compare, round for each width            */

#define SF_W 32
#include "frontend-x86/sse-float-width.h"
#undef SF_W
#define SF_W 64
#include "frontend-x86/sse-float-width.h"
#undef SF_W

/* ---------------------------------------------------------------------- */
/* Packed and scalar forms                                                 */

/* Lanes per form: PS 4, PD 2, SS 1, SD 1; single or double precision. */
static unsigned form_lanes(unsigned form) { return form == 0 ? 4 : form == 1 ? 2 : 1; }
static bool form_double(unsigned form) { return form & 1; }

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

uint32_t x86_sse_arith(X86Cpu *cpu, X86Vec *d, const X86Vec *s, uint32_t op_form)
{
    unsigned op = op_form >> 4, form = op_form & 15;
    SseFp f;
    X86Vec r = *d;

    sse_fp_begin(&f, cpu, cpu->mxcsr >> X86_MXCSR_RC_SHIFT);
    for (unsigned i = 0; i < form_lanes(form); i++) {
        if (form_double(form)) {
            r.q[i] = f64_op(&f, op, d->q[i], s->q[i]);
        } else {
            set_lane32(&r, i, f32_op(&f, op, lane32(d, i), lane32(s, i)));
        }
    }
    if (sse_fp_end(&f, cpu)) {
        return 1;
    }
    *d = r;
    return 0;
}

/* Compare predicates 0..7: EQ LT LE UNORD NEQ NLT NLE ORD. LT/LE/NLT/NLE
 * signal IE on any NaN, the others only on an SNaN. */
static bool cmp_pred(unsigned pred, bool unord, bool lt, bool eq, SseFp *f)
{
    if (unord && (pred & 3) != 0 && (pred & 3) != 3) {
        f->flags |= X86_MXCSR_IE;
    }
    bool r;
    switch (pred & 3) {
    case 0:  r = !unord && eq; break;
    case 1:  r = !unord && lt; break;
    case 2:  r = !unord && (lt || eq); break;
    default: r = unord; break;
    }
    return (pred & 4) ? !r : r;
}

uint32_t x86_sse_cmp(X86Cpu *cpu, X86Vec *d, const X86Vec *s, uint32_t pred_form)
{
    unsigned pred = (pred_form >> 4) & 7, form = pred_form & 15;
    bool lt, eq;
    SseFp f;
    X86Vec r = *d;

    sse_fp_begin(&f, cpu, 0);
    for (unsigned i = 0; i < form_lanes(form); i++) {
        if (form_double(form)) {
            bool unord = f64_compare(&f, d->q[i], s->q[i], &lt, &eq);
            r.q[i] = cmp_pred(pred, unord, lt, eq, &f) ? ~0ull : 0;
        } else {
            bool unord = f32_compare(&f, lane32(d, i), lane32(s, i), &lt, &eq);
            set_lane32(&r, i, cmp_pred(pred, unord, lt, eq, &f) ? ~0u : 0);
        }
    }
    if (sse_fp_end(&f, cpu)) {
        return 1;
    }
    *d = r;
    return 0;
}

uint32_t x86_sse_comi(X86Cpu *cpu, const X86Vec *a, const X86Vec *b, uint32_t form)
{
    bool signal = form & 16, dbl = form & 1;
    bool unord, lt, eq;
    SseFp f;

    sse_fp_begin(&f, cpu, 0);
    if (dbl) {
        unord = f64_compare(&f, a->q[0], b->q[0], &lt, &eq);
    } else {
        unord = f32_compare(&f, lane32(a, 0), lane32(b, 0), &lt, &eq);
    }
    if (signal && unord) {
        f.flags |= X86_MXCSR_IE;
    }
    if (sse_fp_end(&f, cpu)) {
        return 1u << 31;
    }
    if (unord) {
        return X86_ZF | X86_PF | X86_CF;
    }
    return lt ? X86_CF : eq ? X86_ZF : 0;
}

/* ---------------------------------------------------------------------- */
/* Horizontal, rounding, dot product                                       */

uint32_t x86_sse_horiz(X86Cpu *cpu, X86Vec *d, const X86Vec *s, uint32_t kind_form)
{
    unsigned kind = kind_form >> 4, form = kind_form & 15;
    SseFp f;
    X86Vec r;

    sse_fp_begin(&f, cpu, cpu->mxcsr >> X86_MXCSR_RC_SHIFT);
    if (form_double(form)) {
        if (kind == 2) {
            r.q[0] = f64_op(&f, X86_FOP_SUB, d->q[0], s->q[0]);
            r.q[1] = f64_op(&f, X86_FOP_ADD, d->q[1], s->q[1]);
        } else {
            unsigned op = kind ? X86_FOP_SUB : X86_FOP_ADD;
            r.q[0] = f64_op(&f, op, d->q[0], d->q[1]);
            r.q[1] = f64_op(&f, op, s->q[0], s->q[1]);
        }
    } else if (kind == 2) {
        for (unsigned i = 0; i < 4; i++) {
            unsigned op = i & 1 ? X86_FOP_ADD : X86_FOP_SUB;
            set_lane32(&r, i, f32_op(&f, op, lane32(d, i), lane32(s, i)));
        }
    } else {
        unsigned op = kind ? X86_FOP_SUB : X86_FOP_ADD;
        for (unsigned i = 0; i < 4; i++) {
            const X86Vec *v = i < 2 ? d : s;
            unsigned j = (i & 1) * 2;
            set_lane32(&r, i, f32_op(&f, op, lane32(v, j), lane32(v, j + 1)));
        }
    }
    if (sse_fp_end(&f, cpu)) {
        return 1;
    }
    *d = r;
    return 0;
}

uint32_t x86_sse_round(X86Cpu *cpu, X86Vec *d, const X86Vec *s, uint32_t imm_form)
{
    unsigned imm = imm_form >> 4, form = imm_form & 15;
    unsigned rc = (imm & 4) ? cpu->mxcsr >> X86_MXCSR_RC_SHIFT : imm & 3;
    SseFp f;
    X86Vec r = *d;

    sse_fp_begin(&f, cpu, rc);
    for (unsigned i = 0; i < form_lanes(form); i++) {
        if (form_double(form)) {
            r.q[i] = f64_round(&f, s->q[i], imm & 8);
        } else {
            set_lane32(&r, i, f32_round(&f, lane32(s, i), imm & 8));
        }
    }
    sse_fp_discard(&f);            /* nearbyint's own flags are not x86's */
    if (sse_fp_end(&f, cpu)) {
        return 1;
    }
    *d = r;
    return 0;
}

/* DPPS: products selected by imm[7:4] (others +0), summed as
 * (p0 + p1) + (p2 + p3), written to the lanes selected by imm[3:0]. */
uint32_t x86_sse_dp(X86Cpu *cpu, X86Vec *d, const X86Vec *s, uint32_t imm_form)
{
    unsigned imm = (imm_form >> 4) & 0xff;
    SseFp f;
    X86Vec r = { { 0, 0 } };

    sse_fp_begin(&f, cpu, cpu->mxcsr >> X86_MXCSR_RC_SHIFT);
    if (form_double(imm_form & 15)) {
        uint64_t p0 = imm & 0x10 ? f64_op(&f, X86_FOP_MUL, d->q[0], s->q[0]) : 0;
        uint64_t p1 = imm & 0x20 ? f64_op(&f, X86_FOP_MUL, d->q[1], s->q[1]) : 0;
        uint64_t sum = f64_op(&f, X86_FOP_ADD, p0, p1);
        for (unsigned i = 0; i < 2; i++) {
            r.q[i] = imm & (1u << i) ? sum : 0;
        }
    } else {
        uint32_t p[4];
        for (unsigned i = 0; i < 4; i++) {
            p[i] = imm & (0x10u << i) ? f32_op(&f, X86_FOP_MUL, lane32(d, i), lane32(s, i)) : 0;
        }
        uint32_t lo = f32_op(&f, X86_FOP_ADD, p[0], p[1]);
        uint32_t hi = f32_op(&f, X86_FOP_ADD, p[2], p[3]);
        uint32_t sum = f32_op(&f, X86_FOP_ADD, lo, hi);
        for (unsigned i = 0; i < 4; i++) {
            set_lane32(&r, i, imm & (1u << i) ? sum : 0);
        }
    }
    if (sse_fp_end(&f, cpu)) {
        return 1;
    }
    *d = r;
    return 0;
}

/* ---------------------------------------------------------------------- */
/* Approximations                                                          */

/* Keep 12 significant bits of a positive normal double, rounding half up
 * in integer arithmetic (no dependence on the rounding mode): relative
 * error <= 2^-13, inside the documented 1.5 * 2^-12. */
static double keep12(double x)
{
    uint64_t u = f64_bits(x) + (1ull << 40);
    return f64_val(u & ~((1ull << 41) - 1));
}

/* RCP and RSQRT of one single: denormal inputs count as zero and tiny
 * results are flushed to zero, as on the CPU; no exception is signalled. */
static uint32_t approx32(uint32_t a, bool rsqrt)
{
    uint32_t sign = a & 0x80000000u, mag = a & 0x7fffffffu;

    if (f32_is_nan(a)) {
        return a | F32_QUIET;
    }
    if (mag < 0x00800000u) {                   /* zero or denormal */
        return sign | 0x7f800000u;
    }
    if (rsqrt && sign) {
        return F32_DEFAULT_NAN;
    }
    if (mag == 0x7f800000u) {
        return sign;
    }
    double x = f32_val(mag);
    double r = keep12(rsqrt ? 1.0 / sqrt(x) : 1.0 / x);
    if (r < 0x1p-126) {
        return sign;
    }
    return sign | f32_bits((float)r);
}

void x86_sse_rcp(X86Cpu *cpu, X86Vec *d, const X86Vec *s, uint32_t kind_form)
{
    bool rsqrt = kind_form >> 4;
    unsigned n = form_lanes(kind_form & 15);

    (void)cpu;
    for (unsigned i = 0; i < n; i++) {
        set_lane32(d, i, approx32(lane32(s, i), rsqrt));
    }
}

void x86_sse_reset(X86Cpu *cpu)
{
    cpu->mxcsr = X86_MXCSR_DEFAULT;
    memset(cpu->xmm, 0, sizeof(cpu->xmm));
}
