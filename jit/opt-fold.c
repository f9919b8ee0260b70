/*
 * opt-fold.c — the forward folding pass: constant folding, copy
 * propagation, algebraic simplification and known bits, in one walk over
 * the op list (see opt_fold in jit/opt.h). Op evaluation itself lives in
 * jit/opt-eval.c so that this file is only about IR rewriting.
 */
#include "jit/opt.h"

#include <assert.h>
#include <glib.h>
#include <string.h>

#include "jit/opt-eval.h"

/* What a temp is known to equal, besides its known bits. */
enum { REL_NONE, REL_COPY, REL_NOT, REL_NEG, REL_EXTRL };

/*
 * Per-temp facts. They hold only while `epoch` is current (bumped at every
 * label) and, for a global, while `gepoch` is current (bumped by calls
 * that may write globals). A relation to `src` holds only while src keeps
 * the generation it had (`gen` is bumped at every definition, never reset)
 * and, for a global src, the gepoch; for a block src, the basic block.
 */
typedef struct FoldTemp {
    uint32_t epoch, gepoch, gen;
    uint8_t rel;
    bool rev;           /* REL_COPY made by `src = mov t` (see record_copy) */
    IrTempIdx src;
    uint32_t src_gen, src_gepoch, src_bb;
    OptBits bits;
} FoldTemp;

/* Thread-local scratch reused across calls; counters never go back, so
 * stale entries from an earlier TB never look valid. */
typedef struct Fold {
    IrContext *ctx;
    FoldTemp *t;
    uint32_t cap, epoch, gepoch, bb;
} Fold;

static _Thread_local Fold fold_tls;

static void new_epoch(Fold *f)
{
    if (++f->epoch == 0) {          /* wrapped: forget everything for real */
        memset(f->t, 0, f->cap * sizeof(FoldTemp));
        f->epoch = 1;
    }
}

static void fold_begin(Fold *f, IrContext *ctx)
{
    if (f->cap < ctx->nb_temps) {
        uint32_t cap = MAX(ctx->nb_temps, 2 * f->cap);
        f->t = g_renew(FoldTemp, f->t, cap);
        memset(f->t + f->cap, 0, (cap - f->cap) * sizeof(FoldTemp));
        f->cap = cap;
    }
    f->ctx = ctx;
    new_epoch(f);
    f->gepoch++;
    f->bb++;
}

/* ---------------------------------------------------------------------- */
/* Facts about temps                                                       */

static unsigned type_bits(IrType t)
{
    return t == IR_I32 ? 32 : t == IR_I64 ? 64 : 0;
}

static unsigned temp_bits(const Fold *f, IrTempIdx t)
{
    return type_bits(f->ctx->temps[t].type);
}

static bool is_const(const Fold *f, IrTempIdx t)
{
    return f->ctx->temps[t].kind == IR_TEMP_CONST;
}

static uint64_t const_val(const Fold *f, IrTempIdx t)
{
    return f->ctx->temps[t].val;
}

static FoldTemp *valid_info(Fold *f, IrTempIdx t)
{
    const IrTemp *tp = &f->ctx->temps[t];
    if (tp->kind == IR_TEMP_CONST || t >= f->cap) {
        return NULL;
    }
    FoldTemp *ft = &f->t[t];
    if (ft->epoch != f->epoch || (tp->kind == IR_TEMP_GLOBAL && ft->gepoch != f->gepoch)) {
        return NULL;
    }
    return ft;
}

static OptBits get_bits(Fold *f, IrTempIdx t, unsigned bits)
{
    uint64_t m = opt_wmask(bits);
    OptBits b = { 0, 0 };

    if (is_const(f, t)) {
        b.zero = ~const_val(f, t) & m;
        b.one = const_val(f, t) & m;
    } else {
        FoldTemp *ft = valid_info(f, t);
        if (ft) {
            b.zero = ft->bits.zero & m;
            b.one = ft->bits.one & m;
        }
    }
    return b;
}

/* The temp that t is known to be rel(src) of, or 0 when there is none. */
static IrTempIdx rel_src(Fold *f, IrTempIdx t, int rel)
{
    FoldTemp *ft = valid_info(f, t);
    if (!ft || ft->rel != rel) {
        return 0;
    }
    IrTempIdx s = ft->src;
    switch (f->ctx->temps[s].kind) {
    case IR_TEMP_CONST:
        return s;
    case IR_TEMP_GLOBAL:
        if (ft->src_gepoch != f->gepoch) {
            return 0;
        }
        break;
    case IR_TEMP_BLOCK:
        if (ft->src_bb != f->bb) {
            return 0;               /* never past the end of its block */
        }
        break;
    default:
        break;
    }
    return f->t[s].gen == ft->src_gen ? s : 0;
}

/* What an input should read instead of t. A `mov` keeps reading a temp
 * that was copied into a longer-lived one (see record_copy). */
static IrTempIdx resolve(Fold *f, IrTempIdx t, bool for_mov)
{
    IrTempIdx s = rel_src(f, t, REL_COPY);
    if (!s || (for_mov && f->t[t].rev)) {
        return t;
    }
    return s;
}

/* d has just been written (by something we may know nothing about). */
static void def_temp(Fold *f, IrTempIdx d, OptBits b)
{
    FoldTemp *ft = &f->t[d];
    assert(d < f->cap && !is_const(f, d));
    ft->gen++;
    ft->epoch = f->epoch;
    ft->gepoch = f->gepoch;
    ft->rel = REL_NONE;
    ft->bits = b;
}

/* Record d == rel(s); `t = not t` relates t to nothing. */
static void set_rel(Fold *f, IrTempIdx d, int rel, IrTempIdx s)
{
    FoldTemp *ft = &f->t[d];
    bool same_type = f->ctx->temps[d].type == f->ctx->temps[s].type;

    if (d == s || same_type == (rel == REL_EXTRL)) {
        return;                     /* extrl changes the type, the others keep it */
    }
    ft->rel = rel;
    ft->rev = false;
    ft->src = s;
    ft->src_gen = is_const(f, s) ? 0 : f->t[s].gen;
    ft->src_gepoch = f->gepoch;
    ft->src_bb = f->bb;
}

/* ---------------------------------------------------------------------- */
/* Rewriting ops in place                                                  */

static void make_op(IrOp *op, IrOpcode opc, unsigned nb_i, IrTempIdx a, IrTempIdx b)
{
    op->opc = opc;
    op->nb_oargs = ir_op_defs[opc].nb_oargs;
    op->nb_iargs = nb_i;
    op->args[1] = a;
    op->args[2] = b;
}

static void make_mov(Fold *f, IrOp *op, IrTempIdx s)
{
    op->type = f->ctx->temps[op->args[0]].type;
    make_op(op, IR_OP_mov, 1, s, 0);
}

static void make_movi(Fold *f, IrOp *op, uint64_t v)
{
    IrType type = f->ctx->temps[op->args[0]].type;
    make_mov(f, op, ir_const(f->ctx, type, v));
}

/* ---------------------------------------------------------------------- */
/* Known bits of an op's single output                                     */

static OptBits memop_bits(IrMemOp mo, unsigned bits)
{
    OptBits b = { 0, 0 };
    unsigned size = ir_memop_size(mo);
    if (!(mo & IR_MO_SIGN) && size * 8 < bits) {
        b.zero = opt_wmask(bits) & ~((1ull << (size * 8)) - 1);
    }
    return b;
}

static OptBits op_bits(Fold *f, IrOp *op)
{
    unsigned bits = temp_bits(f, op->args[0]);
    IrTempIdx a = op->args[1], b = op->args[2];
    OptBits r = { 0, 0 }, x, y;

    if (!bits) {
        return r;
    }
    switch (op->opc) {
    case IR_OP_mov: case IR_OP_not: case IR_OP_popcnt: case IR_OP_bswap16:
    case IR_OP_bswap32: case IR_OP_bswap64: case IR_OP_extu_i32_i64:
    case IR_OP_exts_i32_i64: case IR_OP_extrl_i64_i32: case IR_OP_extrh_i64_i32:
        return opt_bits_unary(op->opc, bits, get_bits(f, a, temp_bits(f, a)));
    case IR_OP_and: case IR_OP_or: case IR_OP_xor: case IR_OP_andc: case IR_OP_orc:
    case IR_OP_shl: case IR_OP_shr: case IR_OP_sar: case IR_OP_rotl: case IR_OP_rotr:
    case IR_OP_clz: case IR_OP_ctz:
        return opt_bits_binary(op->opc, bits, get_bits(f, a, bits), get_bits(f, b, bits),
                               is_const(f, b), is_const(f, b) ? const_val(f, b) : 0);
    case IR_OP_extract: case IR_OP_sextract:
        return opt_bits_extract(op->opc == IR_OP_sextract, bits, get_bits(f, a, bits),
                                (unsigned)op->args[2], (unsigned)op->args[3]);
    case IR_OP_deposit:
        return opt_bits_deposit(bits, get_bits(f, a, bits), get_bits(f, b, bits),
                                (unsigned)op->args[3], (unsigned)op->args[4]);
    case IR_OP_setcond:
        r.zero = opt_wmask(bits) & ~1ull;
        return r;
    case IR_OP_movcond:
        x = get_bits(f, op->args[3], bits);
        y = get_bits(f, op->args[4], bits);
        r.zero = x.zero & y.zero;
        r.one = x.one & y.one;
        return r;
    case IR_OP_ld: case IR_OP_guest_ld:
        return memop_bits((IrMemOp)op->args[op->opc == IR_OP_ld ? 3 : 2], bits);
    default:
        return r;
    }
}

/* How long a temp lives: copies are read from the longest-lived holder. */
static int temp_rank(const Fold *f, IrTempIdx t)
{
    switch (f->ctx->temps[t].kind) {
    case IR_TEMP_CONST:  return 4;
    case IR_TEMP_FIXED:  return 3;
    case IR_TEMP_GLOBAL: return 2;
    case IR_TEMP_TB:     return 1;
    default:             return 0;
    }
}

/*
 * After `d = mov s`, reads of the shorter-lived of the two become reads of
 * the other. For `rax = mov t0` that means later reads of t0 read rax, so
 * t0 dies at the mov and liveness can make t0's definition write rax
 * directly (opt_liveness coalesces such pairs). Such a reversed link is
 * not followed by later movs: after `cc_dst = mov t0`, `rax = mov t0`
 * stays as it is (then moves the link to rax) instead of becoming
 * `rax = mov cc_dst`, which would tie rax to a flag that is usually dead.
 */
static void record_copy(Fold *f, IrTempIdx d, IrTempIdx s)
{
    if (temp_rank(f, d) <= temp_rank(f, s)) {
        set_rel(f, d, REL_COPY, s);
        return;
    }
    /* s keeps its value and generation: only its facts are refreshed. */
    FoldTemp *fs = &f->t[s];
    fs->epoch = f->epoch;
    fs->gepoch = f->gepoch;
    fs->bits = f->t[d].bits;
    set_rel(f, s, REL_COPY, d);
    fs->rev = true;
}

/* Record what the (possibly rewritten) op tells about its outputs. */
static void finish_op(Fold *f, IrOp *op)
{
    unsigned nb_o = ir_op_nb_oargs(op);
    OptBits none = { 0, 0 };

    if (nb_o == 1) {
        OptBits b = op_bits(f, op);
        IrTempIdx d = op->args[0], s = op->args[1];
        def_temp(f, d, b);
        switch (op->opc) {
        case IR_OP_mov:           record_copy(f, d, s); break;
        case IR_OP_not:           set_rel(f, d, REL_NOT, s); break;
        case IR_OP_neg:           set_rel(f, d, REL_NEG, s); break;
        case IR_OP_extrl_i64_i32: set_rel(f, d, REL_EXTRL, s); break;
        default: break;
        }
        return;
    }
    for (unsigned i = 0; i < nb_o; i++) {
        def_temp(f, op->args[i], none);
    }
}

/* ---------------------------------------------------------------------- */
/* Constant folding: every input is a constant                             */

/* Two-output ops become two `mov d, $c`; returns the index of the second. */
static uint32_t fold_pair(Fold *f, uint32_t idx, unsigned bits)
{
    IrOp *op = &f->ctx->ops[idx];
    uint64_t in[3] = { 0, 0, 0 }, r0, r1;

    for (unsigned i = 0; i < ir_op_nb_iargs(op); i++) {
        in[i] = const_val(f, op->args[2 + i]);
    }
    if (!opt_eval_pair(op->opc, bits, in, &r0, &r1)) {
        return 0;
    }
    IrTempIdx d1 = op->args[1];
    IrType type = f->ctx->temps[d1].type;
    IrArg args[2] = { d1, ir_const(f->ctx, type, r1) };
    make_movi(f, op, r0);
    IrOp *second = ir_insert_after(f->ctx, op, IR_OP_mov, type, 1, 1, args);
    uint32_t second_idx = ir_op_index(f->ctx, second);
    finish_op(f, &f->ctx->ops[idx]);
    finish_op(f, &f->ctx->ops[second_idx]);
    return second_idx;
}

static bool all_inputs_const(Fold *f, IrOp *op)
{
    unsigned nb_o = ir_op_nb_oargs(op), nb_i = ir_op_nb_iargs(op);
    for (unsigned i = 0; i < nb_i; i++) {
        if (!is_const(f, op->args[nb_o + i])) {
            return false;
        }
    }
    return nb_i > 0;
}

/* Single-output ops; true when the op became `mov d, $c`. */
static bool fold_single(Fold *f, IrOp *op, unsigned bits)
{
    uint64_t a = const_val(f, op->args[1]), r;
    uint64_t b = ir_op_nb_iargs(op) > 1 ? const_val(f, op->args[2]) : 0;
    IrArg *c = ir_op_cargs(op);

    switch (op->opc) {
    case IR_OP_extract: case IR_OP_sextract:
        r = opt_eval_extract(op->opc == IR_OP_sextract, bits, a, (unsigned)c[0], (unsigned)c[1]);
        break;
    case IR_OP_deposit:
        r = opt_eval_deposit(bits, a, b, (unsigned)c[0], (unsigned)c[1]);
        break;
    case IR_OP_setcond: case IR_OP_negsetcond:
        r = ir_cond_eval((IrCond)c[0], a, b, bits);
        r = op->opc == IR_OP_negsetcond ? -r : r;
        break;
    case IR_OP_movcond:
        return false;               /* handled as a select in simplify */
    default:
        if (ir_op_nb_iargs(op) == 1 ? !opt_eval_unary(op->opc, bits, a, &r)
                                    : !opt_eval_binary(op->opc, bits, a, b, &r)) {
            return false;
        }
        break;
    }
    make_movi(f, op, r & opt_wmask(bits));
    return true;
}

/* ---------------------------------------------------------------------- */
/* Simplification                                                          */

static bool is_commutative(IrOpcode opc)
{
    return opc == IR_OP_add || opc == IR_OP_mul || opc == IR_OP_and || opc == IR_OP_or ||
           opc == IR_OP_xor;
}

/* Identities of two-input ops; true when the op was rewritten. */
static bool simplify_binary(Fold *f, IrOp *op, unsigned bits)
{
    IrTempIdx a = op->args[1], b = op->args[2];
    uint64_t m = opt_wmask(bits);
    bool bc = is_const(f, b), same = a == b;
    uint64_t bv = bc ? const_val(f, b) & m : 1;      /* 1: matches no rule */
    bool a0 = is_const(f, a) && (const_val(f, a) & m) == 0;
    bool am = is_const(f, a) && (const_val(f, a) & m) == m;

    switch (op->opc) {
    case IR_OP_add:
        if (bc && bv == 0) { make_mov(f, op, a); return true; }
        return false;
    case IR_OP_sub:
        if (same) { make_movi(f, op, 0); return true; }
        if (bc && bv == 0) { make_mov(f, op, a); return true; }
        if (a0) { make_op(op, IR_OP_neg, 1, b, 0); return true; }
        return false;
    case IR_OP_mul:
        if (bc && (bv == 0 || bv == 1)) {
            if (bv) { make_mov(f, op, a); } else { make_movi(f, op, 0); }
            return true;
        }
        return false;
    case IR_OP_and:
        if (same || (bc && bv == m)) { make_mov(f, op, a); return true; }
        if (bc && bv == 0) { make_movi(f, op, 0); return true; }
        return false;
    case IR_OP_or:
        if (same || (bc && bv == 0)) { make_mov(f, op, a); return true; }
        if (bc && bv == m) { make_movi(f, op, m); return true; }
        return false;
    case IR_OP_xor:
        if (same) { make_movi(f, op, 0); return true; }
        if (bc && bv == 0) { make_mov(f, op, a); return true; }
        if (bc && bv == m) { make_op(op, IR_OP_not, 1, a, 0); return true; }
        return false;
    case IR_OP_andc:
        if (same || (bc && bv == m)) { make_movi(f, op, 0); return true; }
        if (bc && bv == 0) { make_mov(f, op, a); return true; }
        return false;
    case IR_OP_orc:
        if (same || (bc && bv == 0)) { make_movi(f, op, m); return true; }
        if (bc && bv == m) { make_mov(f, op, a); return true; }
        return false;
    case IR_OP_shl: case IR_OP_shr: case IR_OP_sar: case IR_OP_rotl: case IR_OP_rotr:
        if (bc && (bv & (bits - 1)) == 0) { make_mov(f, op, a); return true; }
        if (a0 || (am && op->opc != IR_OP_shl && op->opc != IR_OP_shr)) {
            make_mov(f, op, a);     /* 0 stays 0; -1 stays -1 under sar/rot */
            return true;
        }
        return false;
    default:
        return false;
    }
}

/* An and/or that cannot change its first operand, by known bits. */
static bool simplify_mask(Fold *f, IrOp *op, unsigned bits)
{
    uint64_t m = opt_wmask(bits);
    OptBits x, y;

    if (op->opc != IR_OP_and && op->opc != IR_OP_or) {
        return false;
    }
    x = get_bits(f, op->args[1], bits);
    y = get_bits(f, op->args[2], bits);
    if (op->opc == IR_OP_and) {
        if ((m & ~y.one & ~x.zero) == 0) { make_mov(f, op, op->args[1]); return true; }
        if ((m & ~x.one & ~y.zero) == 0) { make_mov(f, op, op->args[2]); return true; }
    } else if (op->opc == IR_OP_or) {
        if ((m & ~y.zero & ~x.one) == 0) { make_mov(f, op, op->args[1]); return true; }
        if ((m & ~x.zero & ~y.one) == 0) { make_mov(f, op, op->args[2]); return true; }
    }
    return false;
}

/* Redundant extensions: the bits the op would rewrite are already right. */
static bool simplify_ext(Fold *f, IrOp *op, unsigned bits)
{
    IrTempIdx s = op->args[1], x;
    uint64_t m = opt_wmask(bits);
    OptBits k;

    switch (op->opc) {
    case IR_OP_extract:
    case IR_OP_sextract: {
        unsigned pos = (unsigned)op->args[2], len = (unsigned)op->args[3];
        if (pos != 0) {
            return false;
        }
        k = get_bits(f, s, bits);
        /* extract: bits [len, w) zero; sextract: bits [len-1, w) all equal */
        uint64_t hi = op->opc == IR_OP_extract ? m & ~(len >= 64 ? m : (1ull << len) - 1)
                                               : m & ~((1ull << (len - 1)) - 1);
        if ((hi & ~k.zero) == 0 || (op->opc == IR_OP_sextract && (hi & ~k.one) == 0)) {
            make_mov(f, op, s);
            return true;
        }
        return false;
    }
    case IR_OP_extu_i32_i64:
    case IR_OP_exts_i32_i64:
        /* ext(extrl(x)) == x when x's high half already is that extension. */
        x = rel_src(f, s, REL_EXTRL);
        if (!x || temp_bits(f, x) != 64) {
            return false;
        }
        k = get_bits(f, x, 64);
        uint64_t hi = op->opc == IR_OP_extu_i32_i64 ? ~0xffffffffull : ~0x7fffffffull;
        if ((hi & ~k.zero) == 0 || (op->opc == IR_OP_exts_i32_i64 && (hi & ~k.one) == 0)) {
            make_mov(f, op, x);
            return true;
        }
        return false;
    default:
        return false;
    }
}

/* Put a constant operand second (swapping the condition when given). */
static void canonicalize(Fold *f, IrOp *op, IrArg *cond)
{
    IrTempIdx a = op->args[ir_op_nb_oargs(op)], b = op->args[ir_op_nb_oargs(op) + 1];
    if (is_const(f, a) && !is_const(f, b)) {
        op->args[ir_op_nb_oargs(op)] = b;
        op->args[ir_op_nb_oargs(op) + 1] = a;
        if (cond) {
            *cond = ir_cond_swap((IrCond)*cond);
        }
    }
}

/* The outcome of the op's comparison if known: 1, 0 or -1. */
static int compare_known(Fold *f, IrOp *op, unsigned bits)
{
    unsigned o = ir_op_nb_oargs(op);
    IrTempIdx a = op->args[o], b = op->args[o + 1];
    IrArg *c = ir_op_cargs(op);

    canonicalize(f, op, c);
    a = op->args[o];
    b = op->args[o + 1];
    if (a == b && (*c == IR_COND_TSTEQ || *c == IR_COND_TSTNE)) {
        /* x & x == x: test against zero instead */
        *c = *c == IR_COND_TSTEQ ? IR_COND_EQ : IR_COND_NE;
        op->args[o + 1] = ir_const(f->ctx, (IrType)op->type, 0);
        b = op->args[o + 1];
    }
    return opt_cond_known((IrCond)*c, bits, get_bits(f, a, bits), get_bits(f, b, bits), a == b);
}

static bool simplify_compare(Fold *f, IrOp *op, unsigned bits)
{
    int k;

    switch (op->opc) {
    case IR_OP_setcond:
    case IR_OP_negsetcond:
        k = compare_known(f, op, bits);
        if (k < 0) {
            return false;
        }
        make_movi(f, op, op->opc == IR_OP_setcond ? (uint64_t)k : k ? opt_wmask(bits) : 0);
        return true;
    case IR_OP_movcond:
        if (op->args[3] == op->args[4]) {
            make_mov(f, op, op->args[3]);
            return true;
        }
        k = compare_known(f, op, bits);
        if (k < 0) {
            return false;
        }
        make_mov(f, op, op->args[k ? 3 : 4]);
        return true;
    default:
        return false;
    }
}

static bool simplify_unary(Fold *f, IrOp *op)
{
    IrTempIdx s;

    switch (op->opc) {
    case IR_OP_not:
    case IR_OP_neg:
        s = rel_src(f, op->args[1], op->opc == IR_OP_not ? REL_NOT : REL_NEG);
        if (s) {
            make_mov(f, op, s);     /* not(not x), neg(neg x) */
            return true;
        }
        return false;
    default:
        return false;
    }
}

/* Integer ops, bswap64 and the i32/i64 conversions (their table rows lack
 * IR_OPF_INT because they are not polymorphic); mov has nothing to simplify. */
static bool is_foldable(const IrOp *op)
{
    switch (op->opc) {
    case IR_OP_mov:
        return false;
    case IR_OP_extu_i32_i64: case IR_OP_exts_i32_i64:
    case IR_OP_extrl_i64_i32: case IR_OP_extrh_i64_i32: case IR_OP_bswap64:
        return true;
    default:
        return (ir_op_flags(op) & IR_OPF_INT) != 0;
    }
}

/*
 * Fold or simplify a side-effect-free op with an i32/i64 output. Returns
 * the index of the last op it leaves (fold_pair adds one), after
 * finish_op has recorded the facts for every output.
 */
static uint32_t simplify(Fold *f, uint32_t idx)
{
    IrOp *op = &f->ctx->ops[idx];
    unsigned bits = temp_bits(f, op->args[0]);

    if (ir_op_nb_oargs(op) == 2) {
        uint32_t last = all_inputs_const(f, op) ? fold_pair(f, idx, bits) : 0;
        if (last) {
            return last;
        }
    } else if (is_foldable(op)) {
        if (is_commutative(op->opc)) {
            canonicalize(f, op, NULL);
        }
        bool done = (all_inputs_const(f, op) && fold_single(f, op, bits)) ||
                    simplify_compare(f, op, bits) || simplify_unary(f, op) ||
                    (ir_op_nb_iargs(op) == 2 && simplify_binary(f, op, bits)) ||
                    simplify_mask(f, op, bits) || simplify_ext(f, op, bits);
        if (!done && ir_op_nb_oargs(op) == 1) {
            OptBits k = op_bits(f, op);
            if (((k.zero | k.one) & opt_wmask(bits)) == opt_wmask(bits)) {
                make_movi(f, op, k.one);    /* every bit known */
            }
        }
    }
    finish_op(f, op);
    return idx;
}

/* ---------------------------------------------------------------------- */
/* The pass                                                                */

/* A brcond with a known outcome becomes br or goes away; 0 if removed. */
static uint32_t fold_brcond(Fold *f, uint32_t idx)
{
    IrOp *op = &f->ctx->ops[idx];
    unsigned bits = type_bits((IrType)op->type);
    int k = bits ? compare_known(f, op, bits) : -1;

    if (k == 0) {
        ir_remove(f->ctx, op);
        return 0;
    }
    if (k == 1) {
        IrArg label = op->args[3];
        op->opc = IR_OP_br;
        op->type = IR_I64;
        op->nb_oargs = op->nb_iargs = 0;
        op->args[0] = label;
    }
    return idx;
}

/* Process one op; returns the index of the last op it leaves, 0 if the op
 * was removed. */
static uint32_t fold_one(Fold *f, uint32_t idx)
{
    IrOp *op = &f->ctx->ops[idx];
    unsigned nb_o = ir_op_nb_oargs(op), nb_i = ir_op_nb_iargs(op);
    uint32_t flags = ir_op_flags(op);

    for (unsigned i = 0; i < nb_i; i++) {
        op->args[nb_o + i] = resolve(f, op->args[nb_o + i], op->opc == IR_OP_mov);
    }
    if (op->opc == IR_OP_mov && op->args[0] == op->args[1]) {
        ir_remove(f->ctx, op);
        return 0;
    }
    if (op->opc == IR_OP_call) {
        if (!(ir_helper_get((unsigned)ir_op_cargs(op)[0])->flags & IR_CALL_NO_WRITE_GLOBALS)) {
            f->gepoch++;            /* forget everything known about globals */
        }
        finish_op(f, op);
        return idx;
    }
    if (op->opc == IR_OP_brcond) {
        idx = fold_brcond(f, idx);
    } else if (!(flags & IR_OPF_SIDE_EFFECTS) && nb_o && temp_bits(f, op->args[0])) {
        return simplify(f, idx);
    } else {
        finish_op(f, op);
    }
    if (flags & IR_OPF_BB_END) {
        f->bb++;                    /* block temps die here */
    }
    return idx;
}

void opt_fold(IrContext *ctx)
{
    Fold *f = &fold_tls;
    bool unreachable = false;

    fold_begin(f, ctx);
    for (uint32_t i = ctx->ops[0].next, nx; i; i = nx) {
        nx = ctx->ops[i].next;
        if (ctx->ops[i].opc == IR_OP_set_label) {
            unreachable = false;    /* a merge point: forget everything */
            new_epoch(f);
            f->bb++;
            continue;
        }
        if (unreachable) {
            ir_remove(ctx, &ctx->ops[i]);
            continue;
        }
        uint32_t last = fold_one(f, i);
        if (last) {
            nx = ctx->ops[last].next;
            IrOpcode opc = ctx->ops[i].opc;
            unreachable = opc == IR_OP_br || opc == IR_OP_exit_tb || opc == IR_OP_goto_ptr;
        }
    }
    f->ctx = NULL;
}
