/*
 * opt-eval.c — evaluation of integer IR ops on constant inputs and of
 * known bits, exactly as jit/ir-ops.h specifies them, for i32 and i64.
 * Used by the folding pass (jit/opt-fold.c); pure functions, no state.
 */
#include "jit/opt-eval.h"

static int64_t sext(uint64_t v, unsigned bits)
{
    return bits == 64 ? (int64_t)v : (int64_t)(int32_t)v;
}

static uint64_t rotl(uint64_t a, unsigned sh, unsigned bits)
{
    uint64_t m = opt_wmask(bits);
    a &= m;
    return sh ? ((a << sh) | (a >> (bits - sh))) & m : a;
}

static bool eval_div(IrOpcode opc, unsigned bits, uint64_t a, uint64_t b, uint64_t *r)
{
    uint64_t m = opt_wmask(bits);
    int64_t sa = sext(a, bits), sb = sext(b, bits);
    int64_t smin = bits == 64 ? INT64_MIN : INT32_MIN;

    if ((b & m) == 0) {
        return false;                   /* undefined value: never fold */
    }
    switch (opc) {
    case IR_OP_divu: *r = (a & m) / (b & m); return true;
    case IR_OP_remu: *r = (a & m) % (b & m); return true;
    case IR_OP_divs:
    case IR_OP_rems:
        if (sa == smin && sb == -1) {
            return false;
        }
        *r = (uint64_t)(opc == IR_OP_divs ? sa / sb : sa % sb);
        return true;
    default:
        return false;
    }
}

static uint64_t count_zeros(IrOpcode opc, unsigned bits, uint64_t a, uint64_t fallback)
{
    a &= opt_wmask(bits);
    if (!a) {
        return fallback;
    }
    if (opc == IR_OP_ctz) {
        return (uint64_t)__builtin_ctzll(a);
    }
    return (uint64_t)__builtin_clzll(a) - (64 - bits);
}

bool opt_eval_binary(IrOpcode opc, unsigned bits, uint64_t a, uint64_t b, uint64_t *r)
{
    uint64_t m = opt_wmask(bits);
    unsigned sh = (unsigned)(b & (bits - 1));

    switch (opc) {
    case IR_OP_add:  *r = a + b; break;
    case IR_OP_sub:  *r = a - b; break;
    case IR_OP_mul:  *r = a * b; break;
    case IR_OP_and:  *r = a & b; break;
    case IR_OP_or:   *r = a | b; break;
    case IR_OP_xor:  *r = a ^ b; break;
    case IR_OP_andc: *r = a & ~b; break;
    case IR_OP_orc:  *r = a | ~b; break;
    case IR_OP_shl:  *r = a << sh; break;
    case IR_OP_shr:  *r = (a & m) >> sh; break;
    case IR_OP_sar:  *r = (uint64_t)(sext(a, bits) >> sh); break;
    case IR_OP_rotl: *r = rotl(a, sh, bits); break;
    case IR_OP_rotr: *r = rotl(a, (bits - sh) & (bits - 1), bits); break;
    case IR_OP_clz:
    case IR_OP_ctz:  *r = count_zeros(opc, bits, a, b); break;
    case IR_OP_divu: case IR_OP_divs: case IR_OP_remu: case IR_OP_rems:
        if (!eval_div(opc, bits, a, b, r)) {
            return false;
        }
        break;
    default:
        return false;
    }
    *r &= m;
    return true;
}

bool opt_eval_unary(IrOpcode opc, unsigned bits, uint64_t a, uint64_t *r)
{
    switch (opc) {
    case IR_OP_mov:     *r = a; break;
    case IR_OP_neg:     *r = -a; break;
    case IR_OP_not:     *r = ~a; break;
    case IR_OP_popcnt:  *r = (uint64_t)__builtin_popcountll(a & opt_wmask(bits)); break;
    case IR_OP_bswap16: *r = __builtin_bswap16((uint16_t)a); break;
    case IR_OP_bswap32: *r = __builtin_bswap32((uint32_t)a); break;
    case IR_OP_bswap64: *r = __builtin_bswap64(a); break;
    /* Type changes: `bits` is the output width; the input is as typed. */
    case IR_OP_extu_i32_i64:  *r = (uint32_t)a; break;
    case IR_OP_exts_i32_i64:  *r = (uint64_t)(int64_t)(int32_t)a; break;
    case IR_OP_extrl_i64_i32: *r = (uint32_t)a; break;
    case IR_OP_extrh_i64_i32: *r = a >> 32; break;
    default:
        return false;
    }
    *r &= opt_wmask(bits);
    return true;
}

uint64_t opt_eval_extract(bool sign, unsigned bits, uint64_t a, unsigned pos, unsigned len)
{
    uint64_t v = (a & opt_wmask(bits)) >> pos;
    if (len < 64) {
        v &= (1ull << len) - 1;
        if (sign && (v >> (len - 1)) & 1) {
            v |= ~0ull << len;
        }
    }
    return v & opt_wmask(bits);
}

uint64_t opt_eval_deposit(unsigned bits, uint64_t base, uint64_t val, unsigned pos, unsigned len)
{
    uint64_t field = (len >= 64 ? ~0ull : (1ull << len) - 1) << pos;
    return ((base & ~field) | ((val << pos) & field)) & opt_wmask(bits);
}

/* Two-output ops: lo/hi products, carries and double-width division. */
bool opt_eval_pair(IrOpcode opc, unsigned bits, const uint64_t *in, uint64_t *r0, uint64_t *r1)
{
    uint64_t m = opt_wmask(bits);
    uint64_t a = in[0] & m, b = in[1] & m;
    unsigned __int128 u;
    __int128 s;

    switch (opc) {
    case IR_OP_mulu2:
        u = (unsigned __int128)a * b;
        *r0 = (uint64_t)u & m;
        *r1 = (uint64_t)(u >> bits) & m;
        return true;
    case IR_OP_muls2:
        s = (__int128)sext(a, bits) * sext(b, bits);
        *r0 = (uint64_t)s & m;
        *r1 = (uint64_t)(s >> bits) & m;
        return true;
    case IR_OP_addcarry:
        u = (unsigned __int128)a + b + (in[2] & 1);
        *r0 = (uint64_t)u & m;
        *r1 = (uint64_t)(u >> bits) & 1;
        return true;
    case IR_OP_subborrow:
        *r0 = (a - b - (in[2] & 1)) & m;
        *r1 = (unsigned __int128)a < (unsigned __int128)b + (in[2] & 1);
        return true;
    case IR_OP_divu2:
    case IR_OP_divs2:
        return opt_eval_div2(opc == IR_OP_divs2, bits, in, r0, r1);
    default:
        return false;
    }
}

/* (hi:lo) / d; false when d is 0 or the quotient does not fit `bits`. */
bool opt_eval_div2(bool sign, unsigned bits, const uint64_t *in, uint64_t *q, uint64_t *r)
{
    uint64_t m = opt_wmask(bits);
    unsigned __int128 n = ((unsigned __int128)(in[1] & m) << bits) | (in[0] & m);
    uint64_t d = in[2] & m;

    if (d == 0) {
        return false;
    }
    if (!sign) {
        unsigned __int128 uq = n / d;
        if (uq > m) {
            return false;
        }
        *q = (uint64_t)uq;
        *r = (uint64_t)(n % d);
        return true;
    }
    /* Sign-extend the 2*bits dividend from bit 2*bits-1. */
    __int128 sn = bits == 64 ? (__int128)n : (__int128)(int64_t)(uint64_t)n;
    __int128 sd = sext(d, bits);
    __int128 min = bits == 64 ? (__int128)((unsigned __int128)1 << 127) : (__int128)INT64_MIN;
    if (sn == min && sd == -1) {
        return false;
    }
    __int128 sq = sn / sd;
    __int128 lim = (__int128)1 << (bits - 1);
    if (sq < -lim || sq >= lim) {
        return false;
    }
    *q = (uint64_t)sq & m;
    *r = (uint64_t)(sn % sd) & m;
    return true;
}

/* ---------------------------------------------------------------------- */
/* Known bits                                                              */

static OptBits shift_bits(IrOpcode opc, unsigned bits, OptBits a, unsigned sh)
{
    uint64_t m = opt_wmask(bits);
    OptBits r;

    switch (opc) {
    case IR_OP_shl:
        r.zero = (a.zero << sh) | ((1ull << sh) - 1);
        r.one = a.one << sh;
        break;
    case IR_OP_shr:
        r.zero = (a.zero >> sh) | ~(m >> sh);
        r.one = a.one >> sh;
        break;
    case IR_OP_sar:
        r.zero = (uint64_t)(sext(a.zero, bits) >> sh);
        r.one = (uint64_t)(sext(a.one, bits) >> sh);
        break;
    case IR_OP_rotl:
    case IR_OP_rotr:
        if (opc == IR_OP_rotr) {
            sh = (bits - sh) & (bits - 1);
        }
        r.zero = rotl(a.zero, sh, bits);
        r.one = rotl(a.one, sh, bits);
        break;
    default:
        r.zero = r.one = 0;
        break;
    }
    r.zero &= m;
    r.one &= m;
    return r;
}

OptBits opt_bits_binary(IrOpcode opc, unsigned bits, OptBits a, OptBits b, bool b_const,
                        uint64_t bval)
{
    OptBits r = { 0, 0 };

    switch (opc) {
    case IR_OP_and:  r.zero = a.zero | b.zero; r.one = a.one & b.one; break;
    case IR_OP_or:   r.zero = a.zero & b.zero; r.one = a.one | b.one; break;
    case IR_OP_andc: r.zero = a.zero | b.one;  r.one = a.one & b.zero; break;
    case IR_OP_orc:  r.zero = a.zero & b.one;  r.one = a.one | b.zero; break;
    case IR_OP_xor:
        r.zero = (a.zero & b.zero) | (a.one & b.one);
        r.one = (a.zero & b.one) | (a.one & b.zero);
        break;
    case IR_OP_shl: case IR_OP_shr: case IR_OP_sar: case IR_OP_rotl: case IR_OP_rotr:
        if (b_const) {
            r = shift_bits(opc, bits, a, (unsigned)(bval & (bits - 1)));
        }
        break;
    case IR_OP_clz:
    case IR_OP_ctz:
        /* a nonzero: result <= 63; else the fallback b. */
        r.zero = ~(uint64_t)63 & b.zero;
        break;
    default:
        break;
    }
    r.zero &= opt_wmask(bits);
    r.one &= opt_wmask(bits);
    return r;
}

/* Known bits of unary ops; `bits` is the output width. */
OptBits opt_bits_unary(IrOpcode opc, unsigned bits, OptBits a)
{
    OptBits r = { 0, 0 };

    switch (opc) {
    case IR_OP_mov: r = a; break;
    case IR_OP_not: r.zero = a.one; r.one = a.zero; break;
    case IR_OP_popcnt: r.zero = ~(uint64_t)127; break;
    case IR_OP_bswap16:
        r.zero = ~0xffffull | __builtin_bswap16((uint16_t)a.zero);
        r.one = __builtin_bswap16((uint16_t)a.one);
        break;
    case IR_OP_bswap32:
        r.zero = ~0xffffffffull | __builtin_bswap32((uint32_t)a.zero);
        r.one = __builtin_bswap32((uint32_t)a.one);
        break;
    case IR_OP_bswap64:
        r.zero = __builtin_bswap64(a.zero);
        r.one = __builtin_bswap64(a.one);
        break;
    case IR_OP_extu_i32_i64:
        r.zero = a.zero | ~0xffffffffull;
        r.one = (uint32_t)a.one;
        break;
    case IR_OP_exts_i32_i64:
        r.zero = (uint64_t)(int64_t)(int32_t)a.zero;
        r.one = (uint64_t)(int64_t)(int32_t)a.one;
        break;
    case IR_OP_extrl_i64_i32: r = a; break;
    case IR_OP_extrh_i64_i32: r.zero = a.zero >> 32; r.one = a.one >> 32; break;
    default:
        break;
    }
    r.zero &= opt_wmask(bits);
    r.one &= opt_wmask(bits);
    return r;
}

OptBits opt_bits_extract(bool sign, unsigned bits, OptBits a, unsigned pos, unsigned len)
{
    OptBits r;
    /* Known-zero bits above the field come from the zero extension, which
     * opt_eval_extract applies to an all-zero field: extract ~zero instead. */
    r.zero = ~opt_eval_extract(sign, bits, ~a.zero, pos, len) & opt_wmask(bits);
    r.one = opt_eval_extract(sign, bits, a.one, pos, len);
    return r;
}

OptBits opt_bits_deposit(unsigned bits, OptBits base, OptBits val, unsigned pos, unsigned len)
{
    OptBits r;
    r.zero = opt_eval_deposit(bits, base.zero, val.zero, pos, len);
    r.one = opt_eval_deposit(bits, base.one, val.one, pos, len);
    return r;
}

int opt_cond_known(IrCond c, unsigned bits, OptBits a, OptBits b, bool same)
{
    uint64_t m = opt_wmask(bits);

    if (c == IR_COND_NEVER || c == IR_COND_ALWAYS) {
        return c == IR_COND_ALWAYS;
    }
    if (((a.zero | a.one) & m) == m && ((b.zero | b.one) & m) == m) {
        return ir_cond_eval(c, a.one, b.one, bits);
    }
    if (same && c != IR_COND_TSTEQ && c != IR_COND_TSTNE) {
        return ir_cond_eval(c, 0, 0, bits);     /* x cmp x == 0 cmp 0 */
    }
    switch (c) {
    case IR_COND_EQ:
    case IR_COND_NE:
        if ((a.one & b.zero) | (a.zero & b.one)) {
            return c == IR_COND_NE;             /* some bit differs */
        }
        return -1;
    case IR_COND_TSTEQ:
    case IR_COND_TSTNE:
        if (((a.zero | b.zero) & m) == m) {
            return c == IR_COND_TSTEQ;          /* a & b == 0 */
        }
        if (a.one & b.one) {
            return c == IR_COND_TSTNE;
        }
        return -1;
    case IR_COND_LTU:
    case IR_COND_GEU:
        if ((b.zero & m) == m) {
            return c == IR_COND_GEU;            /* x <u 0 never */
        }
        return -1;
    default:
        return -1;
    }
}
