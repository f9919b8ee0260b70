/*
 * reference.c — the fuzzer's oracle: a deliberately plain evaluator that
 * walks an IR list op by op (no bytecode, no frame layout, different
 * formulations of the arithmetic: bit loops, 128-bit intermediates) for
 * the subset of ops tests/ir/fuzz.c generates, in user-mode memory terms
 * (atomics are plain read-modify-writes: one thread).
 * Programs only contain defined cases (divisors are never 0 or -1).
 */
#include <glib.h>
#include <string.h>

#include "jit/fatal.h"
#include "tests/ir/harness.h"

void fz_reference_run(IrContext *ctx, TestCpu *cpu, uint8_t *mem);

typedef struct Ref {
    IrContext *ctx;
    TestCpu *cpu;
    uint8_t *mem;
    uint64_t *val;                 /* per temp */
    unsigned __int128 *vec;        /* per temp: v128 values */
} Ref;

typedef unsigned __int128 u128;

static u128 get128(Ref *r, IrArg a)
{
    const IrTemp *t = ir_temp(r->ctx, a);
    u128 v;

    if (t->kind == IR_TEMP_GLOBAL) {
        memcpy(&v, (uint8_t *)r->cpu + t->offset, 16);
        return v;
    }
    return r->vec[a];
}

static void set128(Ref *r, IrArg a, u128 v)
{
    const IrTemp *t = ir_temp(r->ctx, a);

    if (t->kind == IR_TEMP_GLOBAL) {
        memcpy((uint8_t *)r->cpu + t->offset, &v, 16);
    } else {
        r->vec[a] = v;
    }
}

static uint64_t get(Ref *r, IrArg a)
{
    const IrTemp *t = ir_temp(r->ctx, a);
    uint64_t v = 0;

    switch (t->kind) {
    case IR_TEMP_CONST:
        return t->val;
    case IR_TEMP_GLOBAL:
        memcpy(&v, (uint8_t *)r->cpu + t->offset, t->type == IR_I32 ? 4 : 8);
        return v;
    default:
        return r->val[a];
    }
}

static void set(Ref *r, IrArg a, uint64_t v)
{
    const IrTemp *t = ir_temp(r->ctx, a);

    if (t->type == IR_I32) {
        v &= 0xffffffffu;
    }
    if (t->kind == IR_TEMP_GLOBAL) {
        memcpy((uint8_t *)r->cpu + t->offset, &v, t->type == IR_I32 ? 4 : 8);
    } else {
        r->val[a] = v;
    }
}

/* Sign-extend the low `bits` bits. */
static int64_t sx(uint64_t v, unsigned bits)
{
    return bits == 64 ? (int64_t)v : (int64_t)(v << (64 - bits)) >> (64 - bits);
}

static uint64_t trunc_to(uint64_t v, unsigned bits)
{
    return bits == 64 ? v : v & ((1ull << bits) - 1);
}

static uint64_t count_bits(uint64_t v, unsigned bits, int kind, uint64_t fb)
{
    unsigned n = 0;

    if (kind != IR_OP_popcnt && v == 0) {
        return fb;
    }
    for (unsigned i = 0; i < bits; i++) {
        unsigned b = kind == IR_OP_clz ? bits - 1 - i : i;
        bool set = (v >> b) & 1;
        if (kind == IR_OP_popcnt) {
            n += set;
        } else if (set) {
            return i;
        } else {
            n++;
        }
    }
    return n;
}

static uint64_t byte_swap(uint64_t v, unsigned bytes)
{
    uint64_t r = 0;

    for (unsigned i = 0; i < bytes; i++) {
        r |= ((v >> (8 * i)) & 0xff) << (8 * (bytes - 1 - i));
    }
    return r;
}

/* v128 guest accesses of 8 or 16 bytes, little-endian, zero-filled. */
static void guest_mem128(Ref *r, const IrOp *op, bool store)
{
    unsigned n = ir_memop_size(op->args[2]);
    uint8_t *p = r->mem + (get(r, op->args[1]) - TH_MEM_BASE);
    u128 v = 0;

    if (store) {
        v = get128(r, op->args[0]);
        for (unsigned i = 0; i < n; i++) {
            p[i] = (uint8_t)(v >> (8 * i));
        }
        return;
    }
    for (unsigned i = 0; i < n; i++) {
        v |= (u128)p[i] << (8 * i);
    }
    set128(r, op->args[0], v);
}

static void guest_mem(Ref *r, const IrOp *op, bool store)
{
    IrMemOp mo = op->args[2];
    unsigned n = ir_memop_size(mo);
    uint8_t *p = r->mem + (get(r, op->args[1]) - TH_MEM_BASE);
    uint64_t v = 0;

    if (op->type == IR_V128) {
        guest_mem128(r, op, store);
        return;
    }

    if (store) {
        v = get(r, op->args[0]);
        if (mo & IR_MO_BSWAP) {
            v = byte_swap(v, n);
        }
        for (unsigned i = 0; i < n; i++) {
            p[i] = v >> (8 * i);
        }
        return;
    }
    for (unsigned i = 0; i < n; i++) {
        v |= (uint64_t)p[i] << (8 * i);
    }
    if (mo & IR_MO_BSWAP) {
        v = byte_swap(v, n);
    }
    set(r, op->args[0], (mo & IR_MO_SIGN) ? (uint64_t)sx(v, 8 * n) : v);
}

/* Atomics: [old][addr][cmp, new | val][memop][mmu], as plain RMW. */
static void atomic(Ref *r, const IrOp *op)
{
    bool cx = op->opc == IR_OP_atomic_cmpxchg;
    IrMemOp mo = op->args[cx ? 4 : 3];
    unsigned n = ir_memop_size(mo);
    uint8_t *p = r->mem + (get(r, op->args[1]) - TH_MEM_BASE);
    uint64_t old = 0, nv, mask = trunc_to(~0ull, 8 * n);
    bool store = true;

    for (unsigned i = 0; i < n; i++) {
        old |= (uint64_t)p[i] << (8 * i);
    }
    if (mo & IR_MO_BSWAP) {
        old = byte_swap(old, n);
    }
    uint64_t v = get(r, op->args[2]);
    switch (op->opc) {
    case IR_OP_atomic_cmpxchg:
        store = old == (v & mask);
        nv = get(r, op->args[3]);
        break;
    case IR_OP_atomic_xchg:      nv = v; break;
    case IR_OP_atomic_fetch_add: nv = old + v; break;
    case IR_OP_atomic_fetch_and: nv = old & v; break;
    case IR_OP_atomic_fetch_or:  nv = old | v; break;
    default:                     nv = old ^ v; break;
    }
    if (store) {
        nv &= mask;
        if (mo & IR_MO_BSWAP) {
            nv = byte_swap(nv, n);
        }
        for (unsigned i = 0; i < n; i++) {
            p[i] = nv >> (8 * i);
        }
    }
    set(r, op->args[0], (mo & IR_MO_SIGN) ? (uint64_t)sx(old, 8 * n) : old);
}

static void call(Ref *r, const IrOp *op)
{
    unsigned nb_o = ir_op_nb_oargs(op), nb_i = ir_op_nb_iargs(op);
    const IrHelper *h = ir_helper_get(op->args[nb_o + nb_i]);
    const IrArg *in = op->args + nb_o;

    if (!strcmp(h->name, "h_add3")) {
        set(r, op->args[0], get(r, in[0]) + 2 * get(r, in[1]) + 3 * get(r, in[2]));
    } else if (!strcmp(h->name, "h_mix32")) {
        set(r, op->args[0], get(r, in[0]) ^ (get(r, in[1]) >> 16));
    } else {
        ferry_die("reference: helper %s", h->name);
    }
}

static uint64_t binop(unsigned opc, uint64_t a, uint64_t b, unsigned w)
{
    unsigned c = b % w;
    switch (opc) {
    case IR_OP_add:  return a + b;
    case IR_OP_sub:  return a - b;
    case IR_OP_mul:  return a * b;
    case IR_OP_and:  return a & b;
    case IR_OP_or:   return a | b;
    case IR_OP_xor:  return a ^ b;
    case IR_OP_andc: return a & ~b;
    case IR_OP_orc:  return a | ~b;
    case IR_OP_shl:  return c ? a << c : a;
    case IR_OP_shr:  return c ? trunc_to(a, w) >> c : a;
    case IR_OP_sar:  return (uint64_t)(sx(a, w) >> c);
    case IR_OP_rotl: return (uint64_t)((((unsigned __int128)trunc_to(a, w) << w) | trunc_to(a, w)) >> (w - c));
    case IR_OP_rotr: return (uint64_t)((((unsigned __int128)trunc_to(a, w) << w) | trunc_to(a, w)) >> c);
    case IR_OP_divu: return trunc_to(a, w) / trunc_to(b, w);
    case IR_OP_remu: return trunc_to(a, w) % trunc_to(b, w);
    case IR_OP_divs: return (uint64_t)(sx(a, w) / sx(b, w));
    case IR_OP_rems: return (uint64_t)(sx(a, w) % sx(b, w));
    default: ferry_die("reference: op %s", ir_op_defs[opc].name);
    }
}

static void pair_op(Ref *r, const IrOp *op, unsigned w)
{
    const IrArg *a = op->args;
    __int128 x = 0;
    unsigned __int128 u = 0;

    switch (op->opc) {
    case IR_OP_mulu2: u = (unsigned __int128)get(r, a[2]) * get(r, a[3]); break;
    case IR_OP_muls2: u = (unsigned __int128)((__int128)sx(get(r, a[2]), w) * sx(get(r, a[3]), w)); break;
    case IR_OP_addcarry:
        u = (unsigned __int128)get(r, a[2]) + get(r, a[3]) + (get(r, a[4]) & 1);
        set(r, a[0], (uint64_t)u);
        set(r, a[1], (uint64_t)(u >> w) & 1);
        return;
    case IR_OP_subborrow: {
        uint64_t p = get(r, a[2]), q = get(r, a[3]), c = get(r, a[4]) & 1;
        set(r, a[0], p - q - c);
        set(r, a[1], (unsigned __int128)q + c > p);
        return;
    }
    default: { /* divu2 / divs2: the quotient fits */
        unsigned __int128 n = (unsigned __int128)get(r, a[3]) << w | get(r, a[2]);
        if (op->opc == IR_OP_divu2) {
            set(r, a[0], (uint64_t)(n / get(r, a[4])));
            set(r, a[1], (uint64_t)(n % get(r, a[4])));
        } else {
            x = w == 32 ? (__int128)(int64_t)(uint64_t)n : (__int128)n;
            set(r, a[0], (uint64_t)(x / sx(get(r, a[4]), w)));
            set(r, a[1], (uint64_t)(x % sx(get(r, a[4]), w)));
        }
        return;
    }
    }
    set(r, a[0], (uint64_t)u);
    set(r, a[1], (uint64_t)(u >> w));
}

static uint64_t lane(u128 v, unsigned bits, unsigned i)
{
    return (uint64_t)(v >> (i * bits)) & trunc_to(~0ull, bits);
}

static u128 with_lane(u128 v, unsigned bits, unsigned i, uint64_t x)
{
    u128 m = (u128)trunc_to(~0ull, bits) << (i * bits);
    return (v & ~m) | (((u128)trunc_to(x, bits) << (i * bits)) & m);
}

static void vec_op(Ref *r, const IrOp *op)
{
    const IrArg *a = op->args;
    unsigned opc = op->opc;
    u128 x = 0, y = 0, d = 0;

    switch (opc) {
    case IR_OP_vec_and: case IR_OP_vec_or: case IR_OP_vec_xor: case IR_OP_vec_andc:
        x = get128(r, a[1]);
        y = get128(r, a[2]);
        d = opc == IR_OP_vec_and ? x & y : opc == IR_OP_vec_or ? x | y
          : opc == IR_OP_vec_xor ? x ^ y : x & ~y;
        set128(r, a[0], d);
        return;
    case IR_OP_vec_extract:
        set(r, a[0], lane(get128(r, a[1]), 8u << a[2], a[3]));
        return;
    case IR_OP_vec_insert:
        set128(r, a[0], with_lane(get128(r, a[1]), 8u << a[3], a[4], get(r, a[2])));
        return;
    default:
        break;
    }
    bool shift = opc == IR_OP_vec_shli || opc == IR_OP_vec_shri || opc == IR_OP_vec_sari;
    unsigned vece = opc == IR_OP_dup || shift ? a[2] : a[3];
    unsigned bits = 8u << vece;
    x = opc == IR_OP_dup ? 0 : get128(r, a[1]);
    if (opc == IR_OP_vec_add || opc == IR_OP_vec_sub || opc == IR_OP_vec_cmpeq ||
        opc == IR_OP_vec_cmpgt) {
        y = get128(r, a[2]);
    }
    for (unsigned i = 0; i < 128 / bits; i++) {
        uint64_t p = lane(x, bits, i), q = lane(y, bits, i), o;
        switch (opc) {
        case IR_OP_dup:       o = get(r, a[1]); break;
        case IR_OP_vec_add:   o = p + q; break;
        case IR_OP_vec_sub:   o = p - q; break;
        case IR_OP_vec_cmpeq: o = p == q ? ~0ull : 0; break;
        case IR_OP_vec_cmpgt: o = sx(p, bits) > sx(q, bits) ? ~0ull : 0; break;
        case IR_OP_vec_shli:  o = p << a[3]; break;
        case IR_OP_vec_shri:  o = p >> a[3]; break;
        default:              o = (uint64_t)(sx(p, bits) >> a[3]); break;
        }
        d = with_lane(d, bits, i, o);
    }
    set128(r, a[0], d);
}

/* Evaluate one op; returns a label to skip forward to, or -1. */
static int64_t eval(Ref *r, const IrOp *op)
{
    const IrArg *a = op->args;
    unsigned w = op->type == IR_I32 ? 32 : 64;

    switch (op->opc) {
    case IR_OP_mov:
        if (op->type == IR_V128) {
            set128(r, a[0], get128(r, a[1]));
        } else {
            set(r, a[0], get(r, a[1]));
        }
        break;
    case IR_OP_dup: case IR_OP_vec_add: case IR_OP_vec_sub: case IR_OP_vec_and:
    case IR_OP_vec_or: case IR_OP_vec_xor: case IR_OP_vec_andc: case IR_OP_vec_cmpeq:
    case IR_OP_vec_cmpgt: case IR_OP_vec_shli: case IR_OP_vec_shri: case IR_OP_vec_sari:
    case IR_OP_vec_extract: case IR_OP_vec_insert:
        vec_op(r, op);
        break;
    case IR_OP_neg: set(r, a[0], 0 - get(r, a[1])); break;
    case IR_OP_not: set(r, a[0], get(r, a[1]) ^ ~0ull); break;
    case IR_OP_extu_i32_i64: case IR_OP_extrl_i64_i32: set(r, a[0], trunc_to(get(r, a[1]), 32)); break;
    case IR_OP_exts_i32_i64: set(r, a[0], (uint64_t)sx(get(r, a[1]), 32)); break;
    case IR_OP_extrh_i64_i32: set(r, a[0], get(r, a[1]) >> 32); break;
    case IR_OP_clz: case IR_OP_ctz: case IR_OP_popcnt:
        set(r, a[0], count_bits(trunc_to(get(r, a[1]), w), w, op->opc,
                                op->opc == IR_OP_popcnt ? 0 : get(r, a[2])));
        break;
    case IR_OP_bswap16: set(r, a[0], byte_swap(get(r, a[1]), 2)); break;
    case IR_OP_bswap32: set(r, a[0], byte_swap(get(r, a[1]), 4)); break;
    case IR_OP_bswap64: set(r, a[0], byte_swap(get(r, a[1]), 8)); break;
    case IR_OP_extract: set(r, a[0], trunc_to(get(r, a[1]) >> a[2], a[3])); break;
    case IR_OP_sextract: set(r, a[0], (uint64_t)sx(get(r, a[1]) >> a[2], a[3])); break;
    case IR_OP_deposit: {
        uint64_t m = trunc_to(~0ull, a[4]) << a[3];
        set(r, a[0], (get(r, a[1]) & ~m) | ((get(r, a[2]) << a[3]) & m));
        break;
    }
    case IR_OP_setcond: set(r, a[0], ir_cond_eval(a[3], get(r, a[1]), get(r, a[2]), w)); break;
    case IR_OP_negsetcond:
        set(r, a[0], ir_cond_eval(a[3], get(r, a[1]), get(r, a[2]), w) ? ~0ull : 0);
        break;
    case IR_OP_movcond:
        set(r, a[0], get(r, ir_cond_eval(a[5], get(r, a[1]), get(r, a[2]), w) ? a[3] : a[4]));
        break;
    case IR_OP_mulu2: case IR_OP_muls2: case IR_OP_addcarry: case IR_OP_subborrow:
    case IR_OP_divu2: case IR_OP_divs2:
        pair_op(r, op, w);
        break;
    case IR_OP_guest_ld: guest_mem(r, op, false); break;
    case IR_OP_guest_st: guest_mem(r, op, true); break;
    case IR_OP_call: call(r, op); break;
    case IR_OP_atomic_cmpxchg: case IR_OP_atomic_xchg: case IR_OP_atomic_fetch_add:
    case IR_OP_atomic_fetch_and: case IR_OP_atomic_fetch_or: case IR_OP_atomic_fetch_xor:
        atomic(r, op);
        break;
    case IR_OP_brcond:
        return ir_cond_eval(a[2], get(r, a[0]), get(r, a[1]), w) ? (int64_t)a[3] : -1;
    case IR_OP_set_label: case IR_OP_exit_tb: case IR_OP_insn_start:
        break;
    default:
        set(r, a[0], binop(op->opc, get(r, a[1]), get(r, a[2]), w));
        break;
    }
    return -1;
}

void fz_reference_run(IrContext *ctx, TestCpu *cpu, uint8_t *mem)
{
    Ref r = { ctx, cpu, mem, g_new0(uint64_t, ctx->nb_temps), g_new0(u128, ctx->nb_temps) };
    int64_t skip_to = -1;

    IR_FOR_EACH_OP(ctx, op) {
        if (skip_to >= 0) {
            if (op->opc == IR_OP_set_label && (int64_t)op->args[0] == skip_to) {
                skip_to = -1;
            }
            continue;
        }
        skip_to = eval(&r, op);
    }
    g_free(r.val);
    g_free(r.vec);
}
