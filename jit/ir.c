/*
 * ir.c — IR containers: the context, temps, constants, labels, the op list
 * and the builder functions. The op table comes from jit/ir-ops.h; the text
 * form, verifier and passes live in their own files.
 */
#include "jit/ir.h"

#include <assert.h>
#include <glib.h>
#include <string.h>

#include "jit/fatal.h"

const IrOpDef ir_op_defs[IR_OP_COUNT] = {
#define IR_OP(n, o, i, c, f) [IR_OP_##n] = { #n, o, i, c, f },
#include "jit/ir-ops.h"
#undef IR_OP
};

/* ---------------------------------------------------------------------- */
/* Types and conditions                                                    */

unsigned ir_type_size(IrType t)
{
    static const unsigned sz[] = { [IR_I32] = 4, [IR_I64] = 8, [IR_I128] = 16, [IR_V128] = 16 };
    assert(t < IR_TYPE_COUNT);
    return sz[t];
}

const char *ir_type_name(IrType t)
{
    static const char *const names[] = {
        [IR_I32] = "i32", [IR_I64] = "i64", [IR_I128] = "i128", [IR_V128] = "v128",
        [IR_VOID] = "void",
    };
    assert(t <= IR_VOID);
    return names[t];
}

static const char *const cond_names[IR_COND_COUNT] = {
    [IR_COND_NEVER] = "never", [IR_COND_ALWAYS] = "always",
    [IR_COND_EQ] = "eq", [IR_COND_NE] = "ne",
    [IR_COND_LT] = "lt", [IR_COND_GE] = "ge", [IR_COND_LE] = "le", [IR_COND_GT] = "gt",
    [IR_COND_LTU] = "ltu", [IR_COND_GEU] = "geu", [IR_COND_LEU] = "leu", [IR_COND_GTU] = "gtu",
    [IR_COND_TSTEQ] = "tsteq", [IR_COND_TSTNE] = "tstne",
};

const char *ir_cond_name(IrCond c)
{
    return c < IR_COND_COUNT ? cond_names[c] : "?";
}

IrCond ir_cond_invert(IrCond c)
{
    static const IrCond inv[IR_COND_COUNT] = {
        [IR_COND_NEVER] = IR_COND_ALWAYS, [IR_COND_ALWAYS] = IR_COND_NEVER,
        [IR_COND_EQ] = IR_COND_NE, [IR_COND_NE] = IR_COND_EQ,
        [IR_COND_LT] = IR_COND_GE, [IR_COND_GE] = IR_COND_LT,
        [IR_COND_LE] = IR_COND_GT, [IR_COND_GT] = IR_COND_LE,
        [IR_COND_LTU] = IR_COND_GEU, [IR_COND_GEU] = IR_COND_LTU,
        [IR_COND_LEU] = IR_COND_GTU, [IR_COND_GTU] = IR_COND_LEU,
        [IR_COND_TSTEQ] = IR_COND_TSTNE, [IR_COND_TSTNE] = IR_COND_TSTEQ,
    };
    return inv[c];
}

IrCond ir_cond_swap(IrCond c)
{
    static const IrCond sw[IR_COND_COUNT] = {
        [IR_COND_NEVER] = IR_COND_NEVER, [IR_COND_ALWAYS] = IR_COND_ALWAYS,
        [IR_COND_EQ] = IR_COND_EQ, [IR_COND_NE] = IR_COND_NE,
        [IR_COND_LT] = IR_COND_GT, [IR_COND_GT] = IR_COND_LT,
        [IR_COND_LE] = IR_COND_GE, [IR_COND_GE] = IR_COND_LE,
        [IR_COND_LTU] = IR_COND_GTU, [IR_COND_GTU] = IR_COND_LTU,
        [IR_COND_LEU] = IR_COND_GEU, [IR_COND_GEU] = IR_COND_LEU,
        [IR_COND_TSTEQ] = IR_COND_TSTEQ, [IR_COND_TSTNE] = IR_COND_TSTNE,
    };
    return sw[c];
}

bool ir_cond_eval(IrCond c, uint64_t a, uint64_t b, unsigned bits)
{
    if (bits == 32) {
        a = (uint32_t)a;
        b = (uint32_t)b;
    }
    int64_t sa = bits == 32 ? (int64_t)(int32_t)a : (int64_t)a;
    int64_t sb = bits == 32 ? (int64_t)(int32_t)b : (int64_t)b;

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
    case IR_COND_TSTNE:  return (a & b) != 0;
    default:             ferry_die("bad condition %d", c);
    }
}

/* ---------------------------------------------------------------------- */
/* Helper registry: written before translation starts, read-only after.    */

static IrHelper *helpers;
static unsigned nb_helpers, helpers_cap;

unsigned ir_helper_register(const IrHelper *h)
{
    assert(h->nb_args <= IR_MAX_CALL_ARGS);
    if (ir_helper_find(h->name, NULL)) {
        ferry_die("helper %s registered twice", h->name);
    }
    if (nb_helpers == helpers_cap) {
        helpers_cap = helpers_cap ? helpers_cap * 2 : 64;
        helpers = g_renew(IrHelper, helpers, helpers_cap);
    }
    helpers[nb_helpers] = *h;
    return nb_helpers++;
}

const IrHelper *ir_helper_find(const char *name, unsigned *id)
{
    for (unsigned i = 0; i < nb_helpers; i++) {
        if (strcmp(helpers[i].name, name) == 0) {
            if (id) {
                *id = i;
            }
            return &helpers[i];
        }
    }
    return NULL;
}

const IrHelper *ir_helper_get(unsigned id)
{
    assert(id < nb_helpers);
    return &helpers[id];
}

unsigned ir_helper_count(void)
{
    return nb_helpers;
}

/* ---------------------------------------------------------------------- */
/* Context and temps                                                       */

static IrTempIdx temp_alloc(IrContext *ctx, IrTempKind kind, IrType type)
{
    if (ctx->nb_temps == ctx->temps_cap) {
        ctx->temps_cap *= 2;
        ctx->temps = g_renew(IrTemp, ctx->temps, ctx->temps_cap);
    }
    IrTempIdx t = ctx->nb_temps++;
    memset(&ctx->temps[t], 0, sizeof(IrTemp));
    ctx->temps[t].kind = kind;
    ctx->temps[t].type = type;
    return t;
}

IrContext *ir_context_new(void)
{
    IrContext *ctx = g_new0(IrContext, 1);

    ctx->temps_cap = 256;
    ctx->temps = g_new(IrTemp, ctx->temps_cap);
    ctx->ops_cap = 512;
    ctx->ops = g_new0(IrOp, ctx->ops_cap);
    ctx->nb_ops = 1;                 /* ops[0] is the sentinel */
    ctx->labels_cap = 16;
    ctx->labels = g_new0(IrLabel, ctx->labels_cap);
    ctx->const_hash_cap = 256;
    ctx->const_hash = g_new0(IrTempIdx, ctx->const_hash_cap);

    /* Temp 0 is never used so that 0 can mean "none" in builders. */
    temp_alloc(ctx, IR_TEMP_FIXED, IR_I64);
    ctx->temps[0].name = "<none>";
    ctx->env = temp_alloc(ctx, IR_TEMP_FIXED, IR_I64);
    ctx->temps[ctx->env].name = "env";
    ctx->nb_globals = ctx->nb_temps;
    return ctx;
}

void ir_context_free(IrContext *ctx)
{
    if (!ctx) {
        return;
    }
    for (uint32_t i = 0; i < ctx->nb_globals; i++) {
        if (ctx->temps[i].kind == IR_TEMP_GLOBAL) {
            g_free((char *)ctx->temps[i].name);
        }
    }
    g_free(ctx->temps);
    g_free(ctx->ops);
    g_free(ctx->labels);
    g_free(ctx->const_hash);
    g_free(ctx);
}

void ir_reset(IrContext *ctx)
{
    ctx->nb_temps = ctx->nb_globals;
    ctx->next_block_index = ctx->next_tb_index = 0;
    ctx->ops[0].next = ctx->ops[0].prev = 0;
    ctx->nb_ops = 1;
    ctx->free_ops = 0;
    ctx->nb_live_ops = 0;
    ctx->nb_labels = 0;
    memset(ctx->const_hash, 0, ctx->const_hash_cap * sizeof(IrTempIdx));
    ctx->const_hash_used = 0;
}

IrTempIdx ir_global_new(IrContext *ctx, IrType type, int32_t offset, const char *name)
{
    IrTempIdx t;

    if (ctx->nb_temps != ctx->nb_globals) {
        ferry_die("globals must be registered before any other temp");
    }
    if (ir_global_find(ctx, name, &t)) {
        ferry_die("global %s registered twice", name);
    }
    t = temp_alloc(ctx, IR_TEMP_GLOBAL, type);
    ctx->temps[t].offset = offset;
    ctx->temps[t].name = g_strdup(name);
    ctx->nb_globals = ctx->nb_temps;
    return t;
}

bool ir_global_find(const IrContext *ctx, const char *name, IrTempIdx *out)
{
    for (uint32_t i = 1; i < ctx->nb_globals; i++) {
        if (strcmp(ctx->temps[i].name, name) == 0) {
            *out = i;
            return true;
        }
    }
    return false;
}

IrTempIdx ir_temp_new(IrContext *ctx, IrType type)
{
    IrTempIdx t = temp_alloc(ctx, IR_TEMP_BLOCK, type);
    ctx->temps[t].index = ctx->next_block_index++;
    return t;
}

IrTempIdx ir_temp_new_tb(IrContext *ctx, IrType type)
{
    IrTempIdx t = temp_alloc(ctx, IR_TEMP_TB, type);
    ctx->temps[t].index = ctx->next_tb_index++;
    return t;
}

static uint64_t truncate_to(IrType type, uint64_t v)
{
    return type == IR_I32 ? (uint32_t)v : v;
}

static uint32_t const_hash(IrType type, uint64_t v)
{
    uint64_t h = (v ^ ((uint64_t)type << 61)) * 0x9e3779b97f4a7c15ull;
    return (uint32_t)(h >> 32);
}

static void const_hash_grow(IrContext *ctx)
{
    uint32_t old_cap = ctx->const_hash_cap;
    IrTempIdx *old = ctx->const_hash;

    ctx->const_hash_cap *= 2;
    ctx->const_hash = g_new0(IrTempIdx, ctx->const_hash_cap);
    for (uint32_t i = 0; i < old_cap; i++) {
        if (old[i]) {
            IrTemp *tp = &ctx->temps[old[i]];
            uint32_t mask = ctx->const_hash_cap - 1;
            uint32_t h = const_hash(tp->type, tp->val) & mask;
            while (ctx->const_hash[h]) {
                h = (h + 1) & mask;
            }
            ctx->const_hash[h] = old[i];
        }
    }
    g_free(old);
}

IrTempIdx ir_const(IrContext *ctx, IrType type, uint64_t v)
{
    assert(type == IR_I32 || type == IR_I64);
    v = truncate_to(type, v);
    if (ctx->const_hash_used * 2 >= ctx->const_hash_cap) {
        const_hash_grow(ctx);
    }
    uint32_t mask = ctx->const_hash_cap - 1;
    uint32_t h = const_hash(type, v) & mask;
    while (ctx->const_hash[h]) {
        IrTemp *tp = &ctx->temps[ctx->const_hash[h]];
        if (tp->type == type && tp->val == v) {
            return ctx->const_hash[h];
        }
        h = (h + 1) & mask;
    }
    IrTempIdx t = temp_alloc(ctx, IR_TEMP_CONST, type);
    ctx->temps[t].val = v;
    ctx->const_hash[h] = t;
    ctx->const_hash_used++;
    return t;
}

uint32_t ir_label_new(IrContext *ctx)
{
    if (ctx->nb_labels == ctx->labels_cap) {
        ctx->labels_cap *= 2;
        ctx->labels = g_renew(IrLabel, ctx->labels, ctx->labels_cap);
    }
    memset(&ctx->labels[ctx->nb_labels], 0, sizeof(IrLabel));
    return ctx->nb_labels++;
}

/* ---------------------------------------------------------------------- */
/* Op list                                                                 */

static IrOp *op_alloc(IrContext *ctx, IrOpcode opc, IrType type, int nb_o, int nb_i,
                      const IrArg *args)
{
    const IrOpDef *def = &ir_op_defs[opc];
    uint32_t idx;

    if (opc != IR_OP_call) {
        assert(nb_o < 0 || nb_o == def->nb_oargs);
        assert(nb_i < 0 || nb_i == def->nb_iargs);
        nb_o = def->nb_oargs;
        nb_i = def->nb_iargs;
    }
    assert(nb_o + nb_i + def->nb_cargs <= IR_MAX_ARGS);

    if (ctx->free_ops) {
        idx = ctx->free_ops;
        ctx->free_ops = ctx->ops[idx].next;
    } else {
        if (ctx->nb_ops == ctx->ops_cap) {
            ctx->ops_cap *= 2;
            ctx->ops = g_renew(IrOp, ctx->ops, ctx->ops_cap);
        }
        idx = ctx->nb_ops++;
    }
    IrOp *op = &ctx->ops[idx];
    memset(op, 0, sizeof(*op));
    op->opc = opc;
    op->type = type;
    op->nb_oargs = nb_o;
    op->nb_iargs = nb_i;
    memcpy(op->args, args, (nb_o + nb_i + def->nb_cargs) * sizeof(IrArg));
    ctx->nb_live_ops++;
    return op;
}

static void link_between(IrContext *ctx, IrOp *op, uint32_t prev, uint32_t next)
{
    uint32_t idx = ir_op_index(ctx, op);
    op->prev = prev;
    op->next = next;
    ctx->ops[prev].next = idx;
    ctx->ops[next].prev = idx;
}

IrOp *ir_emit(IrContext *ctx, IrOpcode opc, IrType type, int nb_o, int nb_i, const IrArg *args)
{
    IrOp *op = op_alloc(ctx, opc, type, nb_o, nb_i, args);
    link_between(ctx, op, ctx->ops[0].prev, 0);
    return op;
}

IrOp *ir_insert_before(IrContext *ctx, IrOp *at, IrOpcode opc, IrType type, int nb_o,
                       int nb_i, const IrArg *args)
{
    uint32_t at_idx = ir_op_index(ctx, at);
    IrOp *op = op_alloc(ctx, opc, type, nb_o, nb_i, args);
    /* op_alloc may have moved ctx->ops: re-derive `at`. */
    link_between(ctx, op, ctx->ops[at_idx].prev, at_idx);
    return op;
}

IrOp *ir_insert_after(IrContext *ctx, IrOp *at, IrOpcode opc, IrType type, int nb_o,
                      int nb_i, const IrArg *args)
{
    uint32_t at_idx = ir_op_index(ctx, at);
    IrOp *op = op_alloc(ctx, opc, type, nb_o, nb_i, args);
    link_between(ctx, op, at_idx, ctx->ops[at_idx].next);
    return op;
}

void ir_remove(IrContext *ctx, IrOp *op)
{
    uint32_t idx = ir_op_index(ctx, op);

    assert(idx != 0);
    if (op->opc == IR_OP_brcond || op->opc == IR_OP_br) {
        ctx->labels[ir_op_cargs(op)[op->opc == IR_OP_brcond ? 1 : 0]].refs--;
    }
    ctx->ops[op->prev].next = op->next;
    ctx->ops[op->next].prev = op->prev;
    op->opc = IR_OP_nop;
    op->next = ctx->free_ops;
    ctx->free_ops = idx;
    ctx->nb_live_ops--;
}

/* ---------------------------------------------------------------------- */
/* Builders                                                                */

void ir_gen_op1(IrContext *ctx, IrOpcode opc, IrType t, IrTempIdx d, IrTempIdx a)
{
    ir_emit(ctx, opc, t, 1, 1, (IrArg[]){ d, a });
}

void ir_gen_op2(IrContext *ctx, IrOpcode opc, IrType t, IrTempIdx d, IrTempIdx a, IrTempIdx b)
{
    ir_emit(ctx, opc, t, 1, 2, (IrArg[]){ d, a, b });
}

void ir_gen_mov(IrContext *ctx, IrType t, IrTempIdx d, IrTempIdx s)
{
    ir_gen_op1(ctx, IR_OP_mov, t, d, s);
}

void ir_gen_movi(IrContext *ctx, IrType t, IrTempIdx d, uint64_t v)
{
    ir_gen_mov(ctx, t, d, ir_const(ctx, t, v));
}

void ir_gen_setcond(IrContext *ctx, IrType t, IrCond c, IrTempIdx d, IrTempIdx a, IrTempIdx b)
{
    ir_emit(ctx, IR_OP_setcond, t, 1, 2, (IrArg[]){ d, a, b, c });
}

void ir_gen_movcond(IrContext *ctx, IrType t, IrCond c, IrTempIdx d, IrTempIdx a, IrTempIdx b,
                    IrTempIdx vt, IrTempIdx vf)
{
    ir_emit(ctx, IR_OP_movcond, t, 1, 4, (IrArg[]){ d, a, b, vt, vf, c });
}

void ir_gen_brcond(IrContext *ctx, IrType t, IrCond c, IrTempIdx a, IrTempIdx b, uint32_t label)
{
    ir_emit(ctx, IR_OP_brcond, t, 0, 2, (IrArg[]){ a, b, c, label });
    ctx->labels[label].refs++;
}

void ir_gen_br(IrContext *ctx, uint32_t label)
{
    ir_emit(ctx, IR_OP_br, IR_I64, 0, 0, (IrArg[]){ label });
    ctx->labels[label].refs++;
}

void ir_gen_set_label(IrContext *ctx, uint32_t label)
{
    assert(!ctx->labels[label].present);
    ctx->labels[label].present = true;
    ir_emit(ctx, IR_OP_set_label, IR_I64, 0, 0, (IrArg[]){ label });
}

void ir_gen_extract(IrContext *ctx, IrType t, IrTempIdx d, IrTempIdx s, unsigned pos, unsigned len)
{
    ir_emit(ctx, IR_OP_extract, t, 1, 1, (IrArg[]){ d, s, pos, len });
}

void ir_gen_sextract(IrContext *ctx, IrType t, IrTempIdx d, IrTempIdx s, unsigned pos, unsigned len)
{
    ir_emit(ctx, IR_OP_sextract, t, 1, 1, (IrArg[]){ d, s, pos, len });
}

void ir_gen_deposit(IrContext *ctx, IrType t, IrTempIdx d, IrTempIdx base, IrTempIdx val,
                    unsigned pos, unsigned len)
{
    ir_emit(ctx, IR_OP_deposit, t, 1, 2, (IrArg[]){ d, base, val, pos, len });
}

void ir_gen_ld(IrContext *ctx, IrType t, IrTempIdx d, IrTempIdx base, int32_t off, IrMemOp mo)
{
    ir_emit(ctx, IR_OP_ld, t, 1, 1, (IrArg[]){ d, base, (uint64_t)(int64_t)off, mo });
}

void ir_gen_st(IrContext *ctx, IrType t, IrTempIdx val, IrTempIdx base, int32_t off, IrMemOp mo)
{
    ir_emit(ctx, IR_OP_st, t, 0, 2, (IrArg[]){ val, base, (uint64_t)(int64_t)off, mo });
}

void ir_gen_guest_ld(IrContext *ctx, IrType t, IrTempIdx d, IrTempIdx addr, IrMemOp mo, unsigned mmu)
{
    ir_emit(ctx, IR_OP_guest_ld, t, 1, 1, (IrArg[]){ d, addr, mo, mmu });
}

void ir_gen_guest_st(IrContext *ctx, IrType t, IrTempIdx val, IrTempIdx addr, IrMemOp mo,
                     unsigned mmu)
{
    ir_emit(ctx, IR_OP_guest_st, t, 0, 2, (IrArg[]){ val, addr, mo, mmu });
}

void ir_gen_mb(IrContext *ctx, unsigned mask)
{
    ir_emit(ctx, IR_OP_mb, IR_I64, 0, 0, (IrArg[]){ mask });
}

void ir_gen_insn_start(IrContext *ctx, uint64_t pc, uint64_t extra)
{
    ir_emit(ctx, IR_OP_insn_start, IR_I64, 0, 0, (IrArg[]){ pc, extra });
}

void ir_gen_goto_tb(IrContext *ctx, unsigned slot)
{
    ir_emit(ctx, IR_OP_goto_tb, IR_I64, 0, 0, (IrArg[]){ slot });
}

void ir_gen_exit_tb(IrContext *ctx, uint64_t val)
{
    ir_emit(ctx, IR_OP_exit_tb, IR_I64, 0, 0, (IrArg[]){ val });
}

void ir_gen_call(IrContext *ctx, unsigned id, IrTempIdx ret, const IrTempIdx *args)
{
    const IrHelper *h = ir_helper_get(id);
    IrArg a[IR_MAX_ARGS];
    int n = 0;

    assert((h->ret == IR_VOID) == (ret == 0));
    if (ret) {
        a[n++] = ret;
    }
    for (unsigned i = 0; i < h->nb_args; i++) {
        a[n++] = args[i];
    }
    a[n] = id;
    ir_emit(ctx, IR_OP_call, h->ret == IR_VOID ? IR_I64 : h->ret, ret ? 1 : 0, h->nb_args, a);
}
