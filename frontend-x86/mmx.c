/*
 * mmx.c — the MMX helper: one entry point that runs an MMX instruction on
 * the x87 register file it aliases (mm(i) is the significand of physical
 * x87 register i). Lane-wise operations reuse the SSE integer helpers with
 * the operands in the low halves; packs and horizontal operations put both
 * operands in one xmm value; the rest are written out here.
 */
#include "frontend-x86/mmx.h"

#include "frontend-x86/cpu.h"
#include "frontend-x86/decode.h"
#include "frontend-x86/sse.h"
#include "jit/fatal.h"

/* MMX mode: TOP = 0, every tag valid (SDM vol. 1 §9.5.1). */
static void enter_mmx(X86Cpu *cpu)
{
    cpu->fpu.top = 0;
    cpu->fpu.tag_used = 0xff;
}

static void set_mm(X86Cpu *cpu, unsigned i, uint64_t v)
{
    cpu->fpu.st[i & 7].mant = v;
    cpu->fpu.st[i & 7].se = 0xffff;
}

static uint64_t sse_op(uint64_t a, uint64_t b, uint32_t op, uint32_t imm)
{
    X86Vec d = { .q = { a, 0 } }, s = { .q = { b, 0 } };
    if (x86_sse_int(&d, &s, op, imm)) {
        ferry_die("mmx: no helper for op %u", op);   /* x86_is_mmx let in a new form */
    }
    return d.q[0];
}

/* PACK* and PHADD/PHSUB: the 128-bit form of (a:b) gives the 64-bit result
 * in its low half. */
static uint64_t pair_op(uint64_t a, uint64_t b, uint32_t op)
{
    X86Vec d = { .q = { a, b } }, s = { .q = { 0, 0 } };
    x86_sse_int(&d, &s, op, 0);
    return d.q[0];
}

static uint64_t pshufw(uint64_t b, unsigned imm)
{
    uint64_t r = 0;
    for (unsigned i = 0; i < 4; i++) {
        r |= (b >> (16 * ((imm >> (2 * i)) & 3)) & 0xffff) << (16 * i);
    }
    return r;
}

static uint64_t pshufb(uint64_t a, uint64_t b)
{
    uint64_t r = 0;
    for (unsigned i = 0; i < 8; i++) {
        unsigned sel = (unsigned)(b >> (8 * i)) & 0xff;
        if (!(sel & 0x80)) {
            r |= (a >> (8 * (sel & 7)) & 0xff) << (8 * i);
        }
    }
    return r;
}

/* PALIGNR: bytes imm.. of the 16-byte a:b (b low), zeros beyond. */
static uint64_t palignr(uint64_t a, uint64_t b, unsigned imm)
{
    uint64_t r = 0;
    for (unsigned i = 0; i < 8; i++) {
        unsigned k = imm + i;
        uint64_t byte = k < 8 ? b >> (8 * k) & 0xff : k < 16 ? a >> (8 * (k - 8)) & 0xff : 0;
        r |= byte << (8 * i);
    }
    return r;
}

static uint64_t maskmovq(uint64_t data, uint64_t mask, uint64_t old)
{
    uint64_t r = old;
    for (unsigned i = 0; i < 8; i++) {
        if (mask >> (8 * i + 7) & 1) {
            r = (r & ~(0xffull << (8 * i))) | (data & (0xffull << (8 * i)));
        }
    }
    return r;
}

/* The two-operand arithmetic forms: mm(reg) = op(mm(reg), b). */
static uint64_t arith(uint64_t a, uint64_t b, uint32_t op, unsigned imm)
{
    switch (op) {
    case X86_OP_PAND:  return a & b;        /* IR ops in SSE, not in x86_sse_int */
    case X86_OP_PANDN: return ~a & b;
    case X86_OP_POR:   return a | b;
    case X86_OP_PXOR:  return a ^ b;
    case X86_OP_PACKSSWB: case X86_OP_PACKSSDW: case X86_OP_PACKUSWB:
    case X86_OP_PHADDW: case X86_OP_PHADDD: case X86_OP_PHADDSW:
    case X86_OP_PHSUBW: case X86_OP_PHSUBD: case X86_OP_PHSUBSW:
        return pair_op(a, b, op);
    case X86_OP_PUNPCKHBW:
        return sse_op(a >> 32, b >> 32, X86_OP_PUNPCKLBW, 0);
    case X86_OP_PUNPCKHWD:
        return sse_op(a >> 32, b >> 32, X86_OP_PUNPCKLWD, 0);
    case X86_OP_PUNPCKHDQ:
        return sse_op(a >> 32, b >> 32, X86_OP_PUNPCKLDQ, 0);
    case X86_OP_PSHUFW:
        return pshufw(b, imm);
    case X86_OP_PSHUFB:
        return pshufb(a, b);
    case X86_OP_PALIGNR:
        return palignr(a, b, imm);
    default:
        return sse_op(a, b, op, imm);
    }
}

/* The conversions between mm and xmm (SSE/SSE2 with an mm operand): the
 * packed SSE conversions on 128 bits; zero upper lanes raise no flags. */
static uint64_t convert(X86Cpu *cpu, uint32_t op, uint32_t ctl, uint64_t b)
{
    unsigned reg = (ctl >> MMX_CTL_REG_SHIFT) & 15, rm = (ctl >> MMX_CTL_RM_SHIFT) & 15;
    const X86Vec *xs = (ctl & MMX_CTL_SRC_TMP) ? &cpu->xmm_tmp : &cpu->xmm[rm];
    X86Vec s = { .q = { b, 0 } }, r = cpu->xmm[reg];
    bool to_xmm = op == X86_OP_CVTPI2PS || op == X86_OP_CVTPI2PD;
    unsigned cvt;

    switch (op) {
    case X86_OP_CVTPI2PS:  cvt = X86_CVT_DQ2PS; break;
    case X86_OP_CVTPI2PD:  cvt = X86_CVT_DQ2PD; break;
    case X86_OP_CVTPS2PI:  cvt = X86_CVT_PS2DQ; s.q[0] = xs->q[0]; break;
    case X86_OP_CVTTPS2PI: cvt = X86_CVT_TPS2DQ; s.q[0] = xs->q[0]; break;
    case X86_OP_CVTPD2PI:  cvt = X86_CVT_PD2DQ; s = *xs; break;
    default:               cvt = X86_CVT_TPD2DQ; s = *xs; break;
    }
    if (x86_sse_cvt(cpu, &r, &s, cvt)) {
        return 1;
    }
    if (!to_xmm || (ctl & MMX_CTL_SRC_MM)) {
        enter_mmx(cpu);
    }
    if (op == X86_OP_CVTPI2PS) {
        cpu->xmm[reg].q[0] = r.q[0];          /* the upper two floats stay */
    } else if (op == X86_OP_CVTPI2PD) {
        cpu->xmm[reg] = r;
    } else {
        set_mm(cpu, reg, r.q[0]);
    }
    return 0;
}

uint64_t x86_mmx_helper(void *env, uint32_t op, uint32_t ctl, uint64_t src)
{
    X86Cpu *cpu = env;
    unsigned reg = (ctl >> MMX_CTL_REG_SHIFT) & 15, rm = (ctl >> MMX_CTL_RM_SHIFT) & 15;
    unsigned imm = ctl & MMX_CTL_IMM_MASK;
    uint64_t a = cpu->fpu.st[reg & 7].mant;
    uint64_t b = (ctl & MMX_CTL_SRC_MM) ? cpu->fpu.st[rm & 7].mant : src;

    switch (op) {
    case X86_OP_CVTPI2PS: case X86_OP_CVTPI2PD: case X86_OP_CVTPS2PI:
    case X86_OP_CVTTPS2PI: case X86_OP_CVTPD2PI: case X86_OP_CVTTPD2PI:
        return convert(cpu, op, ctl, b);
    default:
        break;
    }
    if (op == X86_OP_EMMS) {
        cpu->fpu.top = 0;
        cpu->fpu.tag_used = 0;
        return 0;
    }
    enter_mmx(cpu);
    if (ctl & MMX_CTL_STORE) {
        if (ctl & MMX_CTL_SRC_MM) {
            set_mm(cpu, rm, a);
        }
        return 0;
    }
    if (ctl & MMX_CTL_HAS_IMM) {             /* 0F 71..73: mm(rm) shifted by imm8 */
        set_mm(cpu, rm, sse_op(b, 0, op, 0x100 | imm));
        return 0;
    }
    switch (op) {
    case X86_OP_MOVD: case X86_OP_MOVQ:
        set_mm(cpu, reg, b);
        return 0;
    case X86_OP_MOVQ2DQ:
        cpu->xmm[reg].q[0] = b;
        cpu->xmm[reg].q[1] = 0;
        return 0;
    case X86_OP_MOVDQ2Q:
        set_mm(cpu, reg, cpu->xmm[rm].q[0]);
        return 0;
    case X86_OP_PEXTRW:
        return b >> (16 * (imm & 3)) & 0xffff;
    case X86_OP_PINSRW: {
        unsigned sh = 16 * (imm & 3);
        set_mm(cpu, reg, (a & ~(0xffffull << sh)) | (src & 0xffff) << sh);
        return 0;
    }
    case X86_OP_PMOVMSKB: {
        X86Vec v = { .q = { b, 0 } };
        return x86_sse_movmsk(&v, op);
    }
    case X86_OP_MASKMOVQ:
        return maskmovq(a, cpu->fpu.st[rm & 7].mant, src);
    default:
        set_mm(cpu, reg, arith(a, b, op, imm));
        return 0;
    }
}
