/*
 * interp.c — the interpreter backend's execution: runs the bytecode that
 * interp-gen.c wrote into the code buffer (format in jit/interp-bc.h), one
 * switch case per IR op, with temps in a frame on the host stack and globals
 * read and written in env directly (so env is always exact: a fault or a
 * helper sees the state of the current op).
 *
 * A guest exception leaves through siglongjmp (jit_cpu_loop_exit) across
 * interp_run and, from a helper, across ffi_call: safe because neither
 * holds anything that needs releasing (the frame is on the stack, env is
 * exact at every op, libffi keeps no state between calls).
 *
 * Choices for what jit/ir-ops.h leaves undefined (the interpreter must
 * never crash on them; native backends may give other values, so the
 * conformance suite does not test them):
 *   divu/remu by 0: quotient all ones, remainder the dividend;
 *   divs/rems by 0: quotient -1, remainder the dividend;
 *   divs MIN / -1: quotient MIN, remainder 0;
 *   divu2/divs2 by 0: quotient all ones (-1), remainder the low dividend word;
 *   divu2/divs2 quotient overflow: the quotient truncated to the width, the
 *     remainder exact.
 */
#include "jit/interp.h"

#include <ffi.h>
#include <string.h>

#include "jit/fatal.h"
#include "jit/interp-bc.h"
#include "jit/softmmu.h"

typedef unsigned __int128 u128;
typedef __int128 s128;

/* ---------------------------------------------------------------------- */
/* Operand access                                                          */

typedef struct Frame {
    uint64_t *slot;
    uint8_t *env;
} Frame;

static inline uint64_t rd(const Frame *f, uint64_t r)
{
    if (!(r & BC_REF_GLOBAL)) {
        return f->slot[r & BC_REF_IDX_MASK];
    }
    const uint8_t *p = f->env + (r & BC_REF_IDX_MASK);
    if (BC_REF_LG(r) == 2) {
        uint32_t v;
        memcpy(&v, p, 4);
        return v;
    }
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static inline void wr(Frame *f, uint64_t r, uint64_t v)
{
    if (BC_REF_LG(r) == 2) {
        v = (uint32_t)v;
    }
    if (!(r & BC_REF_GLOBAL)) {
        f->slot[r & BC_REF_IDX_MASK] = v;
        return;
    }
    uint8_t *p = f->env + (r & BC_REF_IDX_MASK);
    if (BC_REF_LG(r) == 2) {
        uint32_t w = v;
        memcpy(p, &w, 4);
    } else {
        memcpy(p, &v, 8);
    }
}

static inline void rd128(const Frame *f, uint64_t r, uint64_t out[2])
{
    if (r & BC_REF_GLOBAL) {
        memcpy(out, f->env + (r & BC_REF_IDX_MASK), 16);
    } else {
        out[0] = f->slot[r & BC_REF_IDX_MASK];
        out[1] = f->slot[(r & BC_REF_IDX_MASK) + 1];
    }
}

static inline void wr128(Frame *f, uint64_t r, const uint64_t v[2])
{
    if (r & BC_REF_GLOBAL) {
        memcpy(f->env + (r & BC_REF_IDX_MASK), v, 16);
    } else {
        f->slot[r & BC_REF_IDX_MASK] = v[0];
        f->slot[(r & BC_REF_IDX_MASK) + 1] = v[1];
    }
}

/* ---------------------------------------------------------------------- */
/* Arithmetic with defined edge cases                                      */

static inline uint64_t mask_bits(unsigned len)
{
    return len >= 64 ? ~0ull : (1ull << len) - 1;
}

static uint64_t sext(uint64_t v, bool w32)
{
    return w32 ? (uint64_t)(int64_t)(int32_t)v : v;
}

static uint64_t op_div(unsigned opc, uint64_t a, uint64_t b, bool w32)
{
    uint64_t min = w32 ? 0x80000000ull : 1ull << 63, m1 = w32 ? 0xffffffffull : ~0ull;

    switch (opc) {
    case IR_OP_divu: return b ? a / b : ~0ull;
    case IR_OP_remu: return b ? a % b : a;
    case IR_OP_divs:
        if (!b) return ~0ull;
        if (a == min && b == m1) return min;
        return (uint64_t)((int64_t)sext(a, w32) / (int64_t)sext(b, w32));
    default: /* rems */
        if (!b) return a;
        if (a == min && b == m1) return 0;
        return (uint64_t)((int64_t)sext(a, w32) % (int64_t)sext(b, w32));
    }
}

/* (hi:lo) / d for divu2/divs2, width 32 or 64. */
static void op_div2(bool is_signed, bool w32, uint64_t lo, uint64_t hi, uint64_t d,
                    uint64_t *q, uint64_t *r)
{
    unsigned bits = w32 ? 32 : 64;
    u128 n = ((u128)hi << bits) | lo, dd = d, uq, ur;
    bool nneg = false, dneg = false;

    if (w32) {
        n &= 0xffffffffffffffffull;
    }
    if (!d) {
        *q = ~0ull;
        *r = lo;
        return;
    }
    if (is_signed) {
        s128 sn = w32 ? (s128)(int64_t)(uint64_t)n : (s128)n;
        s128 sd = (s128)(int64_t)sext(d, w32);
        nneg = sn < 0;
        dneg = sd < 0;
        n = nneg ? -(u128)sn : (u128)sn;
        dd = dneg ? -(u128)sd : (u128)sd;
    }
    uq = n / dd;
    ur = n % dd;
    *q = (uint64_t)((nneg != dneg) ? -uq : uq);
    *r = (uint64_t)(nneg ? -ur : ur);
}

static void op_mul2(bool is_signed, bool w32, uint64_t a, uint64_t b, uint64_t *lo,
                    uint64_t *hi)
{
    if (w32) {
        uint64_t p = is_signed ? (uint64_t)((int64_t)(int32_t)a * (int32_t)b)
                               : (uint64_t)(uint32_t)a * (uint32_t)b;
        *lo = p;
        *hi = p >> 32;
        return;
    }
    u128 p = is_signed ? (u128)((s128)(int64_t)a * (int64_t)b) : (u128)a * b;
    *lo = (uint64_t)p;
    *hi = (uint64_t)(p >> 64);
}

static uint64_t op_shift(unsigned opc, uint64_t a, uint64_t b, bool w32)
{
    unsigned w = w32 ? 32 : 64, c = b & (w - 1);

    switch (opc) {
    case IR_OP_shl:  return a << c;
    case IR_OP_shr:  return a >> c;
    case IR_OP_sar:  return (uint64_t)((int64_t)sext(a, w32) >> c);
    case IR_OP_rotl: return c ? (a << c) | (a >> (w - c)) : a;
    default:         return c ? (a >> c) | (a << (w - c)) : a;
    }
}

static uint64_t op_bitcount(unsigned opc, uint64_t a, uint64_t fb, bool w32)
{
    switch (opc) {
    case IR_OP_clz:
        if (!a) return fb;
        return w32 ? (uint64_t)__builtin_clz((uint32_t)a) : (uint64_t)__builtin_clzll(a);
    case IR_OP_ctz:
        return a ? (uint64_t)__builtin_ctzll(a) : fb;
    default:
        return (uint64_t)__builtin_popcountll(a);
    }
}

/* ---------------------------------------------------------------------- */
/* Host and guest memory                                                   */

/*
 * Host loads and stores (env fields such as exit_request, which other
 * threads write atomically): an aligned one is a relaxed atomic access,
 * the plain load or store native backends emit, so that it is not a C data
 * race; others are plain copies.
 */
static uint64_t host_load(uintptr_t p, IrMemOp mo)
{
    unsigned size = ir_memop_size(mo);
    uint64_t v = 0;

    if ((p & (size - 1)) != 0 || size > 8) {
        memcpy(&v, (const void *)p, size);     /* little-endian hosts only */
    } else if (size == 8) {
        v = __atomic_load_n((const uint64_t *)p, __ATOMIC_RELAXED);
    } else if (size == 4) {
        v = __atomic_load_n((const uint32_t *)p, __ATOMIC_RELAXED);
    } else if (size == 2) {
        v = __atomic_load_n((const uint16_t *)p, __ATOMIC_RELAXED);
    } else {
        v = __atomic_load_n((const uint8_t *)p, __ATOMIC_RELAXED);
    }
    if (mo & IR_MO_BSWAP) {
        v = __builtin_bswap64(v) >> (64 - 8 * size);
    }
    if ((mo & IR_MO_SIGN) && size < 8) {
        unsigned sh = 64 - 8 * size;
        v = (uint64_t)((int64_t)(v << sh) >> sh);
    }
    return v;
}

static void host_store(uintptr_t p, uint64_t v, IrMemOp mo)
{
    unsigned size = ir_memop_size(mo);

    if (mo & IR_MO_BSWAP) {
        v = __builtin_bswap64(v) >> (64 - 8 * size);
    }
    if ((p & (size - 1)) != 0 || size > 8) {
        memcpy((void *)p, &v, size);
    } else if (size == 8) {
        __atomic_store_n((uint64_t *)p, v, __ATOMIC_RELAXED);
    } else if (size == 4) {
        __atomic_store_n((uint32_t *)p, (uint32_t)v, __ATOMIC_RELAXED);
    } else if (size == 2) {
        __atomic_store_n((uint16_t *)p, (uint16_t)v, __ATOMIC_RELAXED);
    } else {
        __atomic_store_n((uint8_t *)p, (uint8_t)v, __ATOMIC_RELAXED);
    }
}

static inline IrMemOp mo_of(uint64_t w) { return (IrMemOp)w; }

/*
 * Write a loaded value of at most 8 bytes: a 128-bit destination gets it
 * in its low half and the high half zeroed (or filled with the sign when
 * the memop is signed).
 */
static void wr_loaded(Frame *f, uint64_t r, uint64_t v, IrMemOp mo)
{
    if (BC_REF_LG(r) == 4) {
        uint64_t w[2] = { v, (mo & IR_MO_SIGN) ? (uint64_t)((int64_t)v >> 63) : 0 };
        wr128(f, r, w);
    } else {
        wr(f, r, v);
    }
}

/* ld / st relative to a host pointer: [d|val][base][off][memop]. */
static void do_host_mem(Frame *f, const uint64_t *a, bool store)
{
    IrMemOp mo = a[3];
    uintptr_t p = rd(f, a[1]) + (intptr_t)(int64_t)a[2];

    if (ir_memop_size(mo) == 16) {
        uint64_t v[2];
        if (store) {
            rd128(f, a[0], v);
            memcpy((void *)p, v, 16);
        } else {
            memcpy(v, (const void *)p, 16);
            wr128(f, a[0], v);
        }
    } else if (store) {
        host_store(p, rd(f, a[0]), mo);
    } else {
        wr_loaded(f, a[0], host_load(p, mo), mo);
    }
}

/* guest_ld [d][addr][memop][mmu], guest_st [val][addr][memop][mmu]. */
static void do_guest_mem(Frame *f, const uint64_t *a, bool store, uintptr_t ra)
{
    JitCpu *cpu = (JitCpu *)f->env;
    uint64_t addr = rd(f, a[1]);
    uint32_t oi = jit_make_oi(a[2], a[3]);

    if (ir_memop_size(a[2]) == 16) {
        uint64_t v[2];
        if (store) {
            rd128(f, a[0], v);
            jit_st128_helper(cpu, addr, v, oi, ra);
        } else {
            jit_ld128_helper(cpu, addr, oi, ra, v);
            wr128(f, a[0], v);
        }
    } else if (store) {
        jit_st_helper(cpu, addr, rd(f, a[0]), oi, ra);
    } else {
        wr_loaded(f, a[0], jit_ld_helper(cpu, addr, oi, ra), mo_of(a[2]));
    }
}

/* atomic_cmpxchg [old][addr][cmp][new][memop][mmu]. */
static void do_cmpxchg(Frame *f, const uint64_t *a, uintptr_t ra)
{
    JitCpu *cpu = (JitCpu *)f->env;
    uint64_t addr = rd(f, a[1]);
    uint32_t oi = jit_make_oi(a[4], a[5]);

    if (BC_REF_LG(a[0]) == 4) {
        uint64_t cmp[2], nv[2], old[2];
        rd128(f, a[2], cmp);
        rd128(f, a[3], nv);
        jit_atomic_cmpxchg128_helper(cpu, addr, cmp, nv, oi, ra, old);
        wr128(f, a[0], old);
    } else {
        wr(f, a[0], jit_atomic_cmpxchg_helper(cpu, addr, rd(f, a[2]), rd(f, a[3]), oi, ra));
    }
}

/* atomic_xchg / fetch_* [old][addr][val][memop][mmu]. */
static void do_rmw(Frame *f, const uint64_t *a, JitAtomicOp op, uintptr_t ra)
{
    uint32_t oi = jit_make_oi(a[3], a[4]);

    wr(f, a[0], jit_atomic_rmw_helper((JitCpu *)f->env, rd(f, a[1]), rd(f, a[2]), op, oi, ra));
}

/* call: [cif][func][nb_o | nb_i << 8][out?][in...]; ra for JIT_GETPC. */
static void do_call(Frame *f, const uint64_t *a, uintptr_t ra)
{
    ffi_cif *cif = (ffi_cif *)(uintptr_t)a[0];
    unsigned nb_o = a[2] & 0xff, nb_i = (a[2] >> 8) & 0xff;
    const uint64_t *refs = a + 3;
    uint64_t v64[IR_MAX_CALL_ARGS];
    uint32_t v32[IR_MAX_CALL_ARGS];
    void *argv[IR_MAX_CALL_ARGS];
    union { ffi_arg a; uint64_t u; } ret = { 0 };

    for (unsigned i = 0; i < nb_i; i++) {
        uint64_t r = refs[nb_o + i];
        if (BC_REF_LG(r) == 2) {
            v32[i] = rd(f, r);
            argv[i] = &v32[i];
        } else {
            v64[i] = rd(f, r);
            argv[i] = &v64[i];
        }
    }
    jit_interp_helper_ra = ra;
    ffi_call(cif, FFI_FN(a[1]), &ret, argv);
    jit_interp_helper_ra = 0;
    if (nb_o) {
        wr(f, refs[0], ret.u);
    }
}

/* ---------------------------------------------------------------------- */
/* Vectors (lanes are little-endian in the two 64-bit halves)              */

static uint64_t lane_get(const uint64_t v[2], unsigned vece, unsigned i)
{
    uint64_t x = 0;
    memcpy(&x, (const uint8_t *)v + (i << vece), 1u << vece);
    return x;
}

static void lane_set(uint64_t v[2], unsigned vece, unsigned i, uint64_t x)
{
    memcpy((uint8_t *)v + (i << vece), &x, 1u << vece);
}

static uint64_t lane_sext(uint64_t x, unsigned vece)
{
    unsigned sh = 64 - (8u << vece);
    return (uint64_t)((int64_t)(x << sh) >> sh);
}

/* Lane-wise binary ops with an element size: add, sub, cmpeq, cmpgt. */
static void vec_lanes2(unsigned opc, unsigned vece, const uint64_t x[2], const uint64_t y[2],
                       uint64_t d[2])
{
    unsigned n = 16 >> vece;
    uint64_t r[2];

    for (unsigned i = 0; i < n; i++) {
        uint64_t p = lane_get(x, vece, i), q = lane_get(y, vece, i), o;
        switch (opc) {
        case IR_OP_vec_add:   o = p + q; break;
        case IR_OP_vec_sub:   o = p - q; break;
        case IR_OP_vec_cmpeq: o = p == q ? ~0ull : 0; break;
        default: o = (int64_t)lane_sext(p, vece) > (int64_t)lane_sext(q, vece) ? ~0ull : 0;
        }
        lane_set(r, vece, i, o);
    }
    d[0] = r[0];
    d[1] = r[1];
}

static void vec_shift(unsigned opc, unsigned vece, unsigned c, const uint64_t x[2],
                      uint64_t d[2])
{
    unsigned n = 16 >> vece, bits = 8u << vece;
    uint64_t r[2];

    c &= bits - 1;
    for (unsigned i = 0; i < n; i++) {
        uint64_t p = lane_get(x, vece, i), o;
        switch (opc) {
        case IR_OP_vec_shli: o = p << c; break;
        case IR_OP_vec_shri: o = p >> c; break;
        default:             o = (uint64_t)((int64_t)lane_sext(p, vece) >> c); break;
        }
        lane_set(r, vece, i, o);
    }
    d[0] = r[0];
    d[1] = r[1];
}

/* Every vector op: a points at the instruction's argument words. */
static void do_vec(Frame *f, unsigned opc, const uint64_t *a)
{
    uint64_t x[2], y[2], d[2];

    switch (opc) {
    case IR_OP_dup:
        for (unsigned i = 0; i < (16u >> a[2]); i++) {
            lane_set(d, a[2], i, rd(f, a[1]));
        }
        break;
    case IR_OP_vec_add: case IR_OP_vec_sub: case IR_OP_vec_cmpeq: case IR_OP_vec_cmpgt:
        rd128(f, a[1], x);
        rd128(f, a[2], y);
        vec_lanes2(opc, a[3], x, y, d);
        break;
    case IR_OP_vec_and: case IR_OP_vec_or: case IR_OP_vec_xor: case IR_OP_vec_andc:
        rd128(f, a[1], x);
        rd128(f, a[2], y);
        for (unsigned i = 0; i < 2; i++) {
            d[i] = opc == IR_OP_vec_and ? x[i] & y[i] : opc == IR_OP_vec_or ? x[i] | y[i]
                 : opc == IR_OP_vec_xor ? x[i] ^ y[i] : x[i] & ~y[i];
        }
        break;
    case IR_OP_vec_shli: case IR_OP_vec_shri: case IR_OP_vec_sari:
        rd128(f, a[1], x);
        vec_shift(opc, a[2], a[3], x, d);
        break;
    case IR_OP_vec_extract:
        rd128(f, a[1], x);
        wr(f, a[0], lane_get(x, a[2], a[3] & ((16u >> a[2]) - 1)));
        return;
    default: /* vec_insert */
        rd128(f, a[1], d);
        lane_set(d, a[3], a[4] & ((16u >> a[3]) - 1), rd(f, a[2]));
        break;
    }
    wr128(f, a[0], d);
}

/* ---------------------------------------------------------------------- */
/* The dispatch loop                                                       */

/* Where `lookup_tb` sends goto_ptr when there is no TB: return 0. */
static const uint64_t interp_epilogue[2] = { BC_HDR(IR_OP_exit_tb, IR_I64, 2), 0 };

static uintptr_t interp_run(JitCpu *env, const uint64_t *pc)
{
    uint64_t slots[INTERP_MAX_SLOTS];
    Frame fr = { .slot = slots, .env = (uint8_t *)env }, *f = &fr;

    slots[0] = (uintptr_t)env;
    for (;;) {
        uint64_t h = pc[0];
        unsigned opc = BC_OPC(h);
        bool w32 = BC_TYPE(h) == IR_I32;
        unsigned bits = w32 ? 32 : 64;
        const uint64_t *a = pc + 1, *next = pc + BC_NWORDS(h);
        uintptr_t ra = (uintptr_t)next;   /* like a native return address */
        uint64_t v[2], lo, hi;

        switch (opc) {
        case BC_MOVI:
            wr(f, a[0], a[1]);
            break;
        case IR_OP_mov:
            if (BC_REF_LG(a[0]) == 4) {
                rd128(f, a[1], v);
                wr128(f, a[0], v);
            } else {
                wr(f, a[0], rd(f, a[1]));
            }
            break;
        case IR_OP_extu_i32_i64:  wr(f, a[0], (uint32_t)rd(f, a[1])); break;
        case IR_OP_exts_i32_i64:  wr(f, a[0], (uint64_t)(int64_t)(int32_t)rd(f, a[1])); break;
        case IR_OP_extrl_i64_i32: wr(f, a[0], (uint32_t)rd(f, a[1])); break;
        case IR_OP_extrh_i64_i32: wr(f, a[0], rd(f, a[1]) >> 32); break;
        case IR_OP_concat_i64_i128:
            v[0] = rd(f, a[1]);
            v[1] = rd(f, a[2]);
            wr128(f, a[0], v);
            break;
        case IR_OP_extrl_i128_i64: rd128(f, a[1], v); wr(f, a[0], v[0]); break;
        case IR_OP_extrh_i128_i64: rd128(f, a[1], v); wr(f, a[0], v[1]); break;

        case IR_OP_add: wr(f, a[0], rd(f, a[1]) + rd(f, a[2])); break;
        case IR_OP_sub: wr(f, a[0], rd(f, a[1]) - rd(f, a[2])); break;
        case IR_OP_neg: wr(f, a[0], -rd(f, a[1])); break;
        case IR_OP_mul: wr(f, a[0], rd(f, a[1]) * rd(f, a[2])); break;
        case IR_OP_mulu2: case IR_OP_muls2:
            op_mul2(opc == IR_OP_muls2, w32, rd(f, a[2]), rd(f, a[3]), &lo, &hi);
            wr(f, a[0], lo);
            wr(f, a[1], hi);
            break;
        case IR_OP_divu: case IR_OP_divs: case IR_OP_remu: case IR_OP_rems:
            wr(f, a[0], op_div(opc, rd(f, a[1]), rd(f, a[2]), w32));
            break;
        case IR_OP_divu2: case IR_OP_divs2:
            op_div2(opc == IR_OP_divs2, w32, rd(f, a[2]), rd(f, a[3]), rd(f, a[4]), &lo, &hi);
            wr(f, a[0], lo);
            wr(f, a[1], hi);
            break;
        case IR_OP_addcarry: {
            u128 s = (u128)rd(f, a[2]) + rd(f, a[3]) + (rd(f, a[4]) & 1);
            wr(f, a[0], (uint64_t)s);
            wr(f, a[1], (uint64_t)(s >> bits) & 1);
            break;
        }
        case IR_OP_subborrow: {
            uint64_t x = rd(f, a[2]), y = rd(f, a[3]), bin = rd(f, a[4]) & 1;
            wr(f, a[0], x - y - bin);
            wr(f, a[1], (u128)x < (u128)y + bin);
            break;
        }

        case IR_OP_and:  wr(f, a[0], rd(f, a[1]) & rd(f, a[2])); break;
        case IR_OP_or:   wr(f, a[0], rd(f, a[1]) | rd(f, a[2])); break;
        case IR_OP_xor:  wr(f, a[0], rd(f, a[1]) ^ rd(f, a[2])); break;
        case IR_OP_andc: wr(f, a[0], rd(f, a[1]) & ~rd(f, a[2])); break;
        case IR_OP_orc:  wr(f, a[0], rd(f, a[1]) | ~rd(f, a[2])); break;
        case IR_OP_not:  wr(f, a[0], ~rd(f, a[1])); break;

        case IR_OP_shl: case IR_OP_shr: case IR_OP_sar: case IR_OP_rotl: case IR_OP_rotr:
            wr(f, a[0], op_shift(opc, rd(f, a[1]), rd(f, a[2]), w32));
            break;

        case IR_OP_extract:
            wr(f, a[0], (rd(f, a[1]) >> a[2]) & mask_bits(a[3]));
            break;
        case IR_OP_sextract:
            wr(f, a[0], (uint64_t)((int64_t)(rd(f, a[1]) << (64 - a[2] - a[3])) >> (64 - a[3])));
            break;
        case IR_OP_deposit: {
            uint64_t m = mask_bits(a[4]) << a[3];
            wr(f, a[0], (rd(f, a[1]) & ~m) | ((rd(f, a[2]) << a[3]) & m));
            break;
        }

        case IR_OP_setcond:
            wr(f, a[0], ir_cond_eval(a[3], rd(f, a[1]), rd(f, a[2]), bits));
            break;
        case IR_OP_negsetcond:
            wr(f, a[0], -(uint64_t)ir_cond_eval(a[3], rd(f, a[1]), rd(f, a[2]), bits));
            break;
        case IR_OP_movcond:
            wr(f, a[0], ir_cond_eval(a[5], rd(f, a[1]), rd(f, a[2]), bits)
                        ? rd(f, a[3]) : rd(f, a[4]));
            break;

        case IR_OP_clz: case IR_OP_ctz:
            wr(f, a[0], op_bitcount(opc, rd(f, a[1]), rd(f, a[2]), w32));
            break;
        case IR_OP_popcnt:
            wr(f, a[0], op_bitcount(opc, rd(f, a[1]), 0, w32));
            break;
        case IR_OP_bswap16: wr(f, a[0], __builtin_bswap16(rd(f, a[1]))); break;
        case IR_OP_bswap32: wr(f, a[0], __builtin_bswap32(rd(f, a[1]))); break;
        case IR_OP_bswap64: wr(f, a[0], __builtin_bswap64(rd(f, a[1]))); break;

        case IR_OP_ld: do_host_mem(f, a, false); break;
        case IR_OP_st: do_host_mem(f, a, true); break;
        case IR_OP_guest_ld: do_guest_mem(f, a, false, ra); break;
        case IR_OP_guest_st: do_guest_mem(f, a, true, ra); break;
        case IR_OP_atomic_cmpxchg:   do_cmpxchg(f, a, ra); break;
        case IR_OP_atomic_xchg:      do_rmw(f, a, JIT_ATOMIC_XCHG, ra); break;
        case IR_OP_atomic_fetch_add: do_rmw(f, a, JIT_ATOMIC_ADD, ra); break;
        case IR_OP_atomic_fetch_and: do_rmw(f, a, JIT_ATOMIC_AND, ra); break;
        case IR_OP_atomic_fetch_or:  do_rmw(f, a, JIT_ATOMIC_OR, ra); break;
        case IR_OP_atomic_fetch_xor: do_rmw(f, a, JIT_ATOMIC_XOR, ra); break;
        case IR_OP_mb:
            __atomic_thread_fence(__ATOMIC_SEQ_CST);
            break;

        case IR_OP_br:
            next = pc + (int64_t)a[0];
            break;
        case IR_OP_brcond:
            if (ir_cond_eval(a[2], rd(f, a[0]), rd(f, a[1]), bits)) {
                next = pc + (int64_t)a[3];
            }
            break;
        case IR_OP_goto_tb:
            /* Acquire: pairs with patch_jump's release of a finished TB. */
            next = (const uint64_t *)(uintptr_t)__atomic_load_n(&a[0], __ATOMIC_ACQUIRE);
            break;
        case IR_OP_exit_tb:
            return a[0];
        case IR_OP_goto_ptr:
            next = (const uint64_t *)(uintptr_t)rd(f, a[0]);
            break;
        case IR_OP_lookup_tb: {
            const void *code = jit_lookup_tb_ptr(env);
            wr(f, a[0], (uintptr_t)(code ? code : interp_epilogue));
            break;
        }
        case IR_OP_call:
            do_call(f, a, ra);
            break;

        case IR_OP_dup: case IR_OP_vec_add: case IR_OP_vec_sub: case IR_OP_vec_and:
        case IR_OP_vec_or: case IR_OP_vec_xor: case IR_OP_vec_andc: case IR_OP_vec_cmpeq:
        case IR_OP_vec_cmpgt: case IR_OP_vec_shli: case IR_OP_vec_shri: case IR_OP_vec_sari:
        case IR_OP_vec_extract: case IR_OP_vec_insert:
            do_vec(f, opc, a);
            break;

        default:
            ferry_die("interp: bad bytecode op %u at %p", opc, (const void *)pc);
        }
        pc = next;
    }
}

uintptr_t jit_interp_enter(const JitBackend *be, JitCpu *env, const void *code)
{
    return interp_run(env, code);
}
