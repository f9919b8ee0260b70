/*
 * ref-value.c — the tests' reference semantics of the IR's value ops (see
 * ref-value.h): plain formulations — bit-at-a-time rotates and counts,
 * 32-bit limbs for the high half of a product — so that they share no
 * shortcut with jit/opt-eval.c, the interpreter or the backends.
 */
#include "tests/ir/ref-value.h"

uint64_t ref_mask(unsigned bits)
{
    return bits == 64 ? ~0ull : (1ull << bits) - 1;
}

int64_t ref_signed(uint64_t v, unsigned bits)
{
    v &= ref_mask(bits);
    return (bits < 64 && (v >> (bits - 1)) & 1) ? (int64_t)(v | ~ref_mask(bits)) : (int64_t)v;
}

static uint64_t ref_rotl(uint64_t v, unsigned n, unsigned bits)
{
    for (unsigned i = 0; i < n % bits; i++) {      /* one bit at a time */
        uint64_t top = (v >> (bits - 1)) & 1;
        v = ((v << 1) | top) & ref_mask(bits);
    }
    return v;
}

static uint64_t ref_count(IrOpcode opc, uint64_t v, unsigned bits)
{
    uint64_t n = 0;
    for (unsigned i = 0; i < bits; i++) {
        unsigned bit = opc == IR_OP_clz ? bits - 1 - i : i;
        if (opc == IR_OP_popcnt) {
            n += (v >> bit) & 1;
        } else if ((v >> bit) & 1) {
            return n;
        } else {
            n++;
        }
    }
    return n;
}

static uint64_t ref_bswap(uint64_t v, unsigned bytes)
{
    uint64_t r = 0;
    for (unsigned i = 0; i < bytes; i++) {
        r |= ((v >> (8 * i)) & 0xff) << (8 * (bytes - 1 - i));
    }
    return r;
}

/* High half of the unsigned product, by 32-bit limbs. */
static uint64_t ref_mulhu(uint64_t a, uint64_t b, unsigned bits)
{
    if (bits == 32) {
        return (a * b) >> 32;
    }
    uint64_t al = (uint32_t)a, ah = a >> 32, bl = (uint32_t)b, bh = b >> 32;
    uint64_t ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
    uint64_t mid = (ll >> 32) + (uint32_t)lh + (uint32_t)hl;
    return hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
}

/* Division with an undefined result: any fixed value will do, since the
 * optimizer must leave these ops alone. */
static uint64_t ref_div(IrOpcode opc, uint64_t a, uint64_t b, unsigned bits)
{
    int64_t sa = ref_signed(a, bits), sb = ref_signed(b, bits);
    if (b == 0) {
        return 0x5a5a5a5a5a5a5a5aull;
    }
    if ((opc == IR_OP_divs || opc == IR_OP_rems) && sb == -1) {
        /* x / -1 == -x (MIN / -1 is undefined: wrapping is as good as any);
         * x % -1 == 0 */
        return opc == IR_OP_divs ? 0 - (uint64_t)sa : 0;
    }
    switch (opc) {
    case IR_OP_divu: return a / b;
    case IR_OP_remu: return a % b;
    case IR_OP_divs: return (uint64_t)(sa / sb);
    default:         return (uint64_t)(sa % sb);
    }
}

bool ref_cond(IrCond c, uint64_t a, uint64_t b, unsigned bits)
{
    int64_t sa = ref_signed(a, bits), sb = ref_signed(b, bits);
    switch (c) {
    case IR_COND_NEVER:  return false;
    case IR_COND_ALWAYS: return true;
    case IR_COND_EQ:     return a == b;
    case IR_COND_NE:     return a != b;
    case IR_COND_LT:     return sa < sb;
    case IR_COND_GE:     return sa >= sb;
    case IR_COND_LE:     return sa <= sb;
    case IR_COND_GT:     return sa > sb;
    case IR_COND_LTU:    return a < b;
    case IR_COND_GEU:    return a >= b;
    case IR_COND_LEU:    return a <= b;
    case IR_COND_GTU:    return a > b;
    case IR_COND_TSTEQ:  return (a & b) == 0;
    default:             return (a & b) != 0;
    }
}

uint64_t ref_binary(IrOpcode opc, uint64_t a, uint64_t b, unsigned bits)
{
    a &= ref_mask(bits);
    b &= ref_mask(bits);
    unsigned n = (unsigned)(b % bits);
    switch (opc) {
    case IR_OP_add:  return a + b;
    case IR_OP_sub:  return a - b;
    case IR_OP_mul:  return a * b;
    case IR_OP_and:  return a & b;
    case IR_OP_or:   return a | b;
    case IR_OP_xor:  return a ^ b;
    case IR_OP_andc: return a & ~b;
    case IR_OP_orc:  return a | ~b;
    case IR_OP_shl:  return a << n;
    case IR_OP_shr:  return a >> n;
    case IR_OP_sar:  return (uint64_t)(ref_signed(a, bits) >> n);
    case IR_OP_rotl: return ref_rotl(a, n, bits);
    case IR_OP_rotr: return ref_rotl(a, bits - n, bits);
    case IR_OP_clz:
    case IR_OP_ctz:  return a ? ref_count(opc, a, bits) : b;
    default:         return ref_div(opc, a, b, bits);
    }
}

uint64_t ref_field(IrOpcode opc, uint64_t a, uint64_t b, unsigned pos, unsigned len)
{
    uint64_t lm = ref_mask(len);
    if (opc == IR_OP_deposit) {
        return (a & ~(lm << pos)) | ((b & lm) << pos);
    }
    uint64_t v = (a >> pos) & lm;
    return opc == IR_OP_sextract ? (uint64_t)ref_signed(v, len) : v;
}

uint64_t ref_unary(IrOpcode opc, uint64_t a, unsigned bits, unsigned in_bits)
{
    a &= ref_mask(in_bits);
    switch (opc) {
    case IR_OP_neg:           return 0 - a;
    case IR_OP_not:           return ~a;
    case IR_OP_popcnt:        return ref_count(IR_OP_popcnt, a, bits);
    case IR_OP_bswap16:       return ref_bswap(a, 2);
    case IR_OP_bswap32:       return ref_bswap(a, 4);
    case IR_OP_bswap64:       return ref_bswap(a, 8);
    case IR_OP_exts_i32_i64:  return (uint64_t)ref_signed(a, in_bits);
    case IR_OP_extrh_i64_i32: return a >> 32;
    default:                  return a;    /* mov, extu_i32_i64, extrl_i64_i32 */
    }
}

void ref_pair(IrOpcode opc, const uint64_t in[3], unsigned bits, uint64_t *r0, uint64_t *r1)
{
    uint64_t m = ref_mask(bits), a = in[0] & m, b = in[1] & m, c = in[2] & 1;
    switch (opc) {
    case IR_OP_mulu2:
    case IR_OP_muls2:
        *r0 = a * b;
        *r1 = ref_mulhu(a, b, bits);
        if (opc == IR_OP_muls2) {   /* signed high half from the unsigned one */
            *r1 -= (ref_signed(a, bits) < 0 ? b : 0) + (ref_signed(b, bits) < 0 ? a : 0);
        }
        break;
    case IR_OP_addcarry:
        if (bits == 32) {
            *r0 = (a + b + c) & m;
            *r1 = (a + b + c) >> 32;
        } else {
            uint64_t s1 = a + b;
            *r0 = s1 + c;
            *r1 = s1 < a || *r0 < s1;
        }
        break;
    default:                        /* subborrow */
        *r0 = a - b - c;
        *r1 = a < b || a - b < c;
        break;
    }
}
