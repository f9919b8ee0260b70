/*
 * reference.c — the fuzzer's oracle: a deliberately plain evaluator that
 * walks an IR list op by op (no bytecode, no frame layout; the value
 * semantics of tests/ir/ref-value.c: bit loops, 32-bit limbs) for
 * the subset of ops tests/ir/fuzz.c generates, in user-mode memory terms
 * (atomics are plain read-modify-writes: one thread).
 * Programs only contain defined cases (divisors are never 0 or -1).
 */
#include <glib.h>
#include <string.h>

#include "jit/fatal.h"
#include "tests/ir/harness.h"
#include "tests/ir/ref-value.h"

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

/* A guest memory value of n bytes, byte-reversed. */
static uint64_t byte_swap(uint64_t v, unsigned n)
{
    static const IrOpcode by_size[9] = { [2] = IR_OP_bswap16, [4] = IR_OP_bswap32,
                                         [8] = IR_OP_bswap64 };
    return n == 1 ? v : ref_unary(by_size[n], v, 64, 64);
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
    set(r, op->args[0], (mo & IR_MO_SIGN) ? (uint64_t)ref_signed(v, 8 * n) : v);
}

/* Atomics: [old][addr][cmp, new | val][memop][mmu], as plain RMW. */
static void atomic(Ref *r, const IrOp *op)
{
    bool cx = op->opc == IR_OP_atomic_cmpxchg;
    IrMemOp mo = op->args[cx ? 4 : 3];
    unsigned n = ir_memop_size(mo);
    uint8_t *p = r->mem + (get(r, op->args[1]) - TH_MEM_BASE);
    uint64_t old = 0, nv, mask = ref_mask(8 * n);
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
    set(r, op->args[0], (mo & IR_MO_SIGN) ? (uint64_t)ref_signed(old, 8 * n) : old);
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

/* Double-width ops: products and carries by ref_pair; division with a
 * 128-bit dividend here (the programs keep the quotient in range). */
static void pair_op(Ref *r, const IrOp *op, unsigned w)
{
    const IrArg *a = op->args;

    if (op->opc == IR_OP_divu2 || op->opc == IR_OP_divs2) {
        unsigned __int128 n = (unsigned __int128)get(r, a[3]) << w | get(r, a[2]);
        if (op->opc == IR_OP_divu2) {
            set(r, a[0], (uint64_t)(n / get(r, a[4])));
            set(r, a[1], (uint64_t)(n % get(r, a[4])));
        } else {
            __int128 x = w == 32 ? (__int128)(int64_t)(uint64_t)n : (__int128)n;
            set(r, a[0], (uint64_t)(x / ref_signed(get(r, a[4]), w)));
            set(r, a[1], (uint64_t)(x % ref_signed(get(r, a[4]), w)));
        }
        return;
    }
    bool carry_in = op->opc == IR_OP_addcarry || op->opc == IR_OP_subborrow;
    uint64_t in[3] = { get(r, a[2]), get(r, a[3]), carry_in ? get(r, a[4]) : 0 }, lo, hi;
    ref_pair(op->opc, in, w, &lo, &hi);
    set(r, a[0], lo);
    set(r, a[1], hi);
}

static uint64_t lane(u128 v, unsigned bits, unsigned i)
{
    return (uint64_t)(v >> (i * bits)) & ref_mask(bits);
}

static u128 with_lane(u128 v, unsigned bits, unsigned i, uint64_t x)
{
    u128 m = (u128)ref_mask(bits) << (i * bits);
    return (v & ~m) | (((u128)(x & ref_mask(bits)) << (i * bits)) & m);
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
        case IR_OP_vec_cmpgt: o = ref_signed(p, bits) > ref_signed(q, bits) ? ~0ull : 0; break;
        case IR_OP_vec_shli:  o = p << a[3]; break;
        case IR_OP_vec_shri:  o = p >> a[3]; break;
        default:              o = (uint64_t)(ref_signed(p, bits) >> a[3]); break;
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
    case IR_OP_neg: case IR_OP_not: case IR_OP_popcnt: case IR_OP_bswap16:
    case IR_OP_bswap32: case IR_OP_bswap64: case IR_OP_extu_i32_i64: case IR_OP_exts_i32_i64:
    case IR_OP_extrl_i64_i32: case IR_OP_extrh_i64_i32: {
        unsigned in_w = ir_temp(r->ctx, a[1])->type == IR_I32 ? 32 : 64;
        set(r, a[0], ref_unary(op->opc, get(r, a[1]), w, in_w));
        break;
    }
    case IR_OP_extract: case IR_OP_sextract:
        set(r, a[0], ref_field(op->opc, get(r, a[1]), 0, a[2], a[3]));
        break;
    case IR_OP_deposit:
        set(r, a[0], ref_field(op->opc, get(r, a[1]), get(r, a[2]), a[3], a[4]));
        break;
    case IR_OP_setcond: set(r, a[0], ref_cond(a[3], get(r, a[1]), get(r, a[2]), w)); break;
    case IR_OP_negsetcond:
        set(r, a[0], ref_cond(a[3], get(r, a[1]), get(r, a[2]), w) ? ~0ull : 0);
        break;
    case IR_OP_movcond:
        set(r, a[0], get(r, ref_cond(a[5], get(r, a[1]), get(r, a[2]), w) ? a[3] : a[4]));
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
        return ref_cond(a[2], get(r, a[0]), get(r, a[1]), w) ? (int64_t)a[3] : -1;
    case IR_OP_set_label: case IR_OP_exit_tb: case IR_OP_insn_start:
        break;
    default:
        set(r, a[0], ref_binary(op->opc, get(r, a[1]), get(r, a[2]), w));
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
