/*
 * flags.c — computing EFLAGS from the lazy flag state (cpu.h). Generated
 * code evaluates common conditions inline; this is the general path, used
 * by PUSHF, LAHF, interrupts and signal frames, and by helpers.
 */
#include "frontend-x86/cpu.h"

static unsigned size_bits(unsigned kind_index)
{
    return 8u << kind_index;       /* B W L Q -> 8 16 32 64 */
}

static uint64_t mask_of(unsigned bits)
{
    return bits == 64 ? ~0ull : (1ull << bits) - 1;
}

static uint64_t parity(uint64_t v)
{
    return (__builtin_popcount((unsigned)(v & 0xff)) & 1) ? 0 : X86_PF;
}

/* ZF, SF and PF of a result of `bits` bits. */
static uint64_t zsp(uint64_t dst, unsigned bits)
{
    uint64_t m = mask_of(bits);
    uint64_t f = parity(dst);
    if ((dst & m) == 0) {
        f |= X86_ZF;
    }
    if ((dst >> (bits - 1)) & 1) {
        f |= X86_SF;
    }
    return f;
}

static uint64_t top(uint64_t v, unsigned bits)
{
    return (v >> (bits - 1)) & 1;
}

/* Flags of dst = a + b + cin. */
static uint64_t add_flags(uint64_t dst, uint64_t b, uint64_t cin, unsigned bits)
{
    uint64_t m = mask_of(bits);
    dst &= m;
    b &= m;
    uint64_t a = (dst - b - cin) & m;
    uint64_t f = zsp(dst, bits);
    bool cf = cin ? dst <= a : dst < a;
    if (cf) {
        f |= X86_CF;
    }
    if ((a ^ b ^ dst) & 0x10) {
        f |= X86_AF;
    }
    if (top(~(a ^ b) & (a ^ dst), bits)) {
        f |= X86_OF;
    }
    return f;
}

/* Flags of dst = a - b - bin. */
static uint64_t sub_flags(uint64_t dst, uint64_t b, uint64_t bin, unsigned bits)
{
    uint64_t m = mask_of(bits);
    dst &= m;
    b &= m;
    uint64_t a = (dst + b + bin) & m;
    uint64_t f = zsp(dst, bits);
    bool cf = bin ? a <= b : a < b;
    if (cf) {
        f |= X86_CF;
    }
    if ((a ^ b ^ dst) & 0x10) {
        f |= X86_AF;
    }
    if (top((a ^ b) & (a ^ dst), bits)) {
        f |= X86_OF;
    }
    return f;
}

uint64_t x86_cc_compute(uint32_t cc_op, uint64_t dst, uint64_t src, uint64_t src2)
{
    if (cc_op == X86_CC_EFLAGS) {
        return src & X86_OSZAPC;
    }
    if (cc_op >= X86_CC_ROT) {
        /* After a rotate: CF and OF from src2, the rest from state k. */
        uint64_t f = x86_cc_compute(cc_op - X86_CC_ROT, dst, src, 0);
        return (f & ~(uint64_t)(X86_CF | X86_OF)) | (src2 & (X86_CF | X86_OF));
    }
    unsigned kind = (cc_op - X86_CC_ADDB) / 4;
    unsigned bits = size_bits((cc_op - X86_CC_ADDB) % 4);
    uint64_t m = mask_of(bits);
    uint64_t f;

    switch (kind) {
    case 0: /* ADD */
        return add_flags(dst, src, 0, bits);
    case 1: /* ADC */
        return add_flags(dst, src, src2 & 1, bits);
    case 2: /* SUB */
        return sub_flags(dst, src, 0, bits);
    case 3: /* SBB */
        return sub_flags(dst, src, src2 & 1, bits);
    case 4: /* LOGIC */
        return zsp(dst, bits);
    case 5: /* INC: CF kept in src */
        f = add_flags(dst, 1, 0, bits) & ~(uint64_t)X86_CF;
        return f | (src & X86_CF);
    case 6: /* DEC */
        f = sub_flags(dst, 1, 0, bits) & ~(uint64_t)X86_CF;
        return f | (src & X86_CF);
    case 7: /* SHL: src = value shifted by count-1; CF = its top bit */
        f = zsp(dst, bits) | (top(src, bits) ? X86_CF : 0);
        /* OF (defined for count 1) = top(result) ^ CF */
        if (top(dst, bits) ^ top(src, bits)) {
            f |= X86_OF;
        }
        return f;
    case 8: /* SAR and SHR: src = value shifted by count-1; CF = its low bit.
             * OF for count 1: 0 for SAR, top of the original for SHR — the
             * translator stores the original's top bit in src2 for SHR. */
        f = zsp(dst, bits) | (src & 1 ? X86_CF : 0);
        if (src2 & 1) {
            f |= X86_OF;
        }
        return f;
    case 9: /* MUL: src = high half */
        f = zsp(dst, bits);
        if (src & m) {
            f |= X86_CF | X86_OF;
        }
        return f;
    case 10: /* IMUL: src = high half, must equal the sign-extension of dst */
        f = zsp(dst, bits);
        if ((src & m) != (top(dst, bits) ? m : 0)) {
            f |= X86_CF | X86_OF;
        }
        return f;
    default:
        return 0;
    }
}

uint64_t x86_cc_compute_cf(uint32_t cc_op, uint64_t dst, uint64_t src, uint64_t src2)
{
    if (cc_op == X86_CC_EFLAGS) {
        return src & X86_CF;
    }
    if (cc_op >= X86_CC_ROT) {
        return src2 & X86_CF;
    }
    unsigned kind = (cc_op - X86_CC_ADDB) / 4;
    unsigned bits = size_bits((cc_op - X86_CC_ADDB) % 4);
    uint64_t m = mask_of(bits);

    dst &= m;
    switch (kind) {
    case 0: /* ADD */
        return dst < (src & m);
    case 2: /* SUB: the first operand was dst + src */
        return ((dst + src) & m) < (src & m);
    case 4: /* LOGIC */
        return 0;
    case 5: case 6: /* INC, DEC: CF kept in src */
        return src & X86_CF;
    case 7: /* SHL */
        return top(src, bits);
    case 8: /* SAR, SHR */
        return src & 1;
    default: /* ADC, SBB, MUL, IMUL: as the full computation */
        return x86_cc_compute(cc_op, dst, src, src2) & X86_CF;
    }
}

uint64_t x86_cpu_get_eflags(const X86Cpu *cpu)
{
    uint64_t f = cpu->eflags & ~(uint64_t)(X86_OSZAPC | X86_DF);
    f |= x86_cc_compute(cpu->cc_op, cpu->cc_dst, cpu->cc_src, cpu->cc_src2);
    if (cpu->df < 0) {
        f |= X86_DF;
    }
    return f | 2;                  /* bit 1 always reads as 1 */
}

void x86_cpu_set_eflags(X86Cpu *cpu, uint64_t eflags)
{
    cpu->cc_op = X86_CC_EFLAGS;
    cpu->cc_src = eflags & X86_OSZAPC;
    cpu->df = (eflags & X86_DF) ? -1 : 1;
    cpu->eflags = (eflags & ~(uint64_t)X86_OSZAPC) | 2;
}
