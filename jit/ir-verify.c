/*
 * ir-verify.c — the IR verifier: checks an op list against the rules of
 * docs/ir.md (argument counts, kinds and types, constant ranges, block-temp
 * scoping, label placement, list links). Debug builds run it after every
 * pass; it is linear in the number of ops plus temps plus labels.
 */
#include "jit/ir.h"

#include <glib.h>
#include <inttypes.h>
#include <stdarg.h>

#include "jit/ir-text.h"

/* ---------------------------------------------------------------------- */
/* Argument types                                                          */

/* Scalar side of a vector op with element size log2 vece: i64 for e64. */
static IrType scalar_for_vece(uint64_t vece)
{
    return vece > 3 ? IR_VOID : vece == 3 ? IR_I64 : IR_I32;
}

static IrType call_arg_type(const IrOp *op, unsigned nb_o, unsigned nb_i, unsigned argno)
{
    if (nb_o + nb_i >= IR_MAX_ARGS) {
        return IR_VOID;
    }
    uint64_t id = op->args[nb_o + nb_i];
    if (id >= ir_helper_count()) {
        return IR_VOID;
    }
    const IrHelper *h = ir_helper_get((unsigned)id);
    if (argno < nb_o) {
        return argno == 0 ? h->ret : IR_VOID;
    }
    return argno - nb_o < h->nb_args ? h->args[argno - nb_o] : IR_VOID;
}

IrType ir_op_arg_type(const IrContext *ctx, const IrOp *op, unsigned argno)
{
    if (op->opc >= IR_OP_COUNT) {
        return IR_VOID;
    }
    unsigned nb_o = ir_op_nb_oargs(op), nb_i = ir_op_nb_iargs(op);
    if (argno >= nb_o + nb_i) {
        return IR_VOID;
    }
    IrType t = op->type;
    uint64_t c0 = nb_o + nb_i < IR_MAX_ARGS ? op->args[nb_o + nb_i] : 0;

    switch (op->opc) {
    case IR_OP_extu_i32_i64: case IR_OP_exts_i32_i64:
        return argno == 0 ? IR_I64 : IR_I32;
    case IR_OP_extrl_i64_i32: case IR_OP_extrh_i64_i32:
        return argno == 0 ? IR_I32 : IR_I64;
    case IR_OP_concat_i64_i128:
        return argno == 0 ? IR_I128 : IR_I64;
    case IR_OP_extrl_i128_i64: case IR_OP_extrh_i128_i64:
        return argno == 0 ? IR_I64 : IR_I128;
    case IR_OP_bswap64: case IR_OP_goto_ptr: case IR_OP_lookup_tb:
        return IR_I64;
    case IR_OP_ld: case IR_OP_st:                    /* base is the last input */
    case IR_OP_guest_ld: case IR_OP_guest_st:        /* address likewise */
        if (argno == 1) {
            return IR_I64;
        }
        break;
    case IR_OP_atomic_cmpxchg: case IR_OP_atomic_xchg:
    case IR_OP_atomic_fetch_add: case IR_OP_atomic_fetch_and:
    case IR_OP_atomic_fetch_or: case IR_OP_atomic_fetch_xor:
        if (argno == 1) {                            /* address: first input */
            return IR_I64;
        }
        break;
    case IR_OP_call:
        return call_arg_type(op, nb_o, nb_i, argno);
    case IR_OP_dup:
        return argno == 0 ? IR_V128 : scalar_for_vece(c0);
    case IR_OP_vec_extract:
        return argno == 0 ? scalar_for_vece(c0) : IR_V128;
    case IR_OP_vec_insert:
        return argno == 2 ? scalar_for_vece(c0) : IR_V128;
    default:
        break;
    }
    return ir_op_type_allowed(op->opc, t) ? t : IR_VOID;
}

bool ir_op_type_allowed(IrOpcode opc, IrType t)
{
    if (opc >= IR_OP_COUNT || t >= IR_TYPE_COUNT) {
        return false;
    }
    uint32_t f = ir_op_defs[opc].flags;
    if ((f & IR_OPF_INT) && (f & IR_OPF_VEC)) {
        return true;                         /* mov, ld, st, guest_ld, guest_st */
    }
    if (f & IR_OPF_INT) {
        return t == IR_I32 || t == IR_I64 || (t == IR_I128 && opc == IR_OP_atomic_cmpxchg);
    }
    if (f & IR_OPF_VEC) {
        return t == IR_V128;
    }
    return true;                             /* fixed-type op: the field is ignored */
}

/* ---------------------------------------------------------------------- */
/* Verifier state                                                          */

typedef struct Verifier {
    const IrContext *ctx;
    char *msg;
    size_t len;
    const IrOp *op;          /* op being checked, NULL for list-level errors */
    uint32_t pos;            /* its 1-based position: its line in ir_print output */
    uint32_t bb;             /* current basic block number, from 1 */
    uint32_t *written;       /* per temp: bb in which a block temp was last written */
    uint8_t *placed;         /* per label: set_label count, saturating at 2 */
    uint8_t *used;           /* per label: referenced by a branch */
} Verifier;

static bool fail(Verifier *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static bool fail(Verifier *v, const char *fmt, ...)
{
    char body[200];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(body, sizeof(body), fmt, ap);
    va_end(ap);
    if (!v->msg || !v->len) {
        return false;
    }
    if (v->op) {
        const char *name = v->op->opc < IR_OP_COUNT ? ir_op_defs[v->op->opc].name : "?";
        snprintf(v->msg, v->len, "op %" PRIu32 " (%s): %s", v->pos, name, body);
    } else {
        snprintf(v->msg, v->len, "%s", body);
    }
    return false;
}

static bool check_links(Verifier *v)
{
    const IrContext *ctx = v->ctx;
    uint32_t prev = 0, n = 0;

    for (uint32_t i = ctx->ops[0].next; i; i = ctx->ops[i].next) {
        if (i >= ctx->nb_ops) {
            return fail(v, "op list: link %" PRIu32 " -> %" PRIu32 " out of range", prev, i);
        }
        if (ctx->ops[i].prev != prev) {
            return fail(v, "op list: op %" PRIu32 ".prev is %" PRIu32 ", expected %" PRIu32,
                        i, ctx->ops[i].prev, prev);
        }
        if (++n > ctx->nb_ops) {
            return fail(v, "op list: cycle through op %" PRIu32, i);
        }
        prev = i;
    }
    if (ctx->ops[0].prev != prev) {
        return fail(v, "op list: head.prev is %" PRIu32 ", last op is %" PRIu32,
                    ctx->ops[0].prev, prev);
    }
    if (n != ctx->nb_live_ops) {
        return fail(v, "op list: %" PRIu32 " ops linked but nb_live_ops is %" PRIu32,
                    n, ctx->nb_live_ops);
    }
    return true;
}

/* ---------------------------------------------------------------------- */
/* Per-op checks                                                           */

static bool check_shape(Verifier *v, const IrOp *op)
{
    if (op->opc >= IR_OP_COUNT || op->opc == IR_OP_nop) {
        return fail(v, "invalid opcode %u in the list", op->opc);
    }
    const IrOpDef *def = &ir_op_defs[op->opc];
    if (op->opc == IR_OP_call) {
        if (op->nb_oargs + op->nb_iargs + 1 > IR_MAX_ARGS) {
            return fail(v, "%u arguments, more than %d", op->nb_oargs + op->nb_iargs + 1,
                        IR_MAX_ARGS);
        }
        uint64_t id = op->args[op->nb_oargs + op->nb_iargs];
        if (id >= ir_helper_count()) {
            return fail(v, "helper id %" PRIu64 " is not registered", id);
        }
        const IrHelper *h = ir_helper_get((unsigned)id);
        if (op->nb_oargs != (h->ret != IR_VOID) || op->nb_iargs != h->nb_args) {
            return fail(v, "arg count %u outputs, %u inputs; helper %s takes %u, %u",
                        op->nb_oargs, op->nb_iargs, h->name, h->ret != IR_VOID, h->nb_args);
        }
        return true;
    }
    if (op->nb_oargs != def->nb_oargs || op->nb_iargs != def->nb_iargs) {
        return fail(v, "arg count %u outputs, %u inputs; expected %u, %u",
                    op->nb_oargs, op->nb_iargs, def->nb_oargs, def->nb_iargs);
    }
    if (op->type >= IR_TYPE_COUNT) {
        return fail(v, "invalid type %u", op->type);
    }
    if (!ir_op_type_allowed(op->opc, op->type)) {
        return fail(v, "type %s not allowed for this op", ir_type_name(op->type));
    }
    return true;
}

static bool check_memop(Verifier *v, uint64_t mo, IrType t)
{
    if (mo & ~(uint64_t)IR_MO_ALL_BITS || (mo & IR_MO_SIZE_MASK) > IR_MO_128) {
        return fail(v, "bad memop 0x%" PRIx64, mo);
    }
    if (ir_memop_size((IrMemOp)mo) > ir_type_size(t)) {
        char buf[32];
        return fail(v, "memop %s does not fit type %s",
                    ir_memop_format((IrMemOp)mo, buf, sizeof(buf)), ir_type_name(t));
    }
    return true;
}

/* Range of one const argument by its kind (op-specific limits come later). */
static bool check_const(Verifier *v, const IrOp *op, IrConstKind k, uint64_t c)
{
    switch (k) {
    case IR_CK_OFFSET:
        return (int64_t)c == (int32_t)c ? true : fail(v, "offset %" PRId64 " not an int32",
                                                      (int64_t)c);
    case IR_CK_COND:
        return c < IR_COND_COUNT ? true : fail(v, "cond %" PRIu64 " out of range", c);
    case IR_CK_LABEL:
        return c < v->ctx->nb_labels ? true
               : fail(v, "label %" PRIu64 " out of range (%" PRIu32 " labels)", c,
                      v->ctx->nb_labels);
    case IR_CK_MEMOP:
        if (c & IR_MO_TSO && op->opc != IR_OP_guest_ld && op->opc != IR_OP_guest_st) {
            return fail(v, "tso memop on an op other than guest_ld/guest_st");
        }
        return check_memop(v, c, op->type);
    case IR_CK_MMU:
        return c < IR_MMU_COUNT ? true : fail(v, "mmu index %" PRIu64 " out of range", c);
    case IR_CK_MBMASK:
        return c && c <= IR_MB_ALL ? true : fail(v, "mb mask 0x%" PRIx64 " out of range", c);
    case IR_CK_VECE:
        return c <= 3 ? true : fail(v, "vece %" PRIu64 " out of range 0..3", c);
    default:
        return true;
    }
}

static bool check_op_consts(Verifier *v, const IrOp *op, const IrArg *c)
{
    unsigned width = op->type == IR_I32 ? 32 : 64;

    switch (op->opc) {
    case IR_OP_extract: case IR_OP_sextract: case IR_OP_deposit:
        if (c[1] < 1 || c[0] >= width || c[1] > width - c[0]) {
            return fail(v, "bit field pos %" PRIu64 " len %" PRIu64 " outside %u bits "
                        "(need len >= 1, pos + len <= width)", c[0], c[1], width);
        }
        return true;
    case IR_OP_goto_tb:
        return c[0] <= 1 ? true : fail(v, "goto_tb slot %" PRIu64 " is not 0 or 1", c[0]);
    case IR_OP_vec_shli: case IR_OP_vec_shri: case IR_OP_vec_sari:
        return c[1] < (8u << c[0]) ? true
               : fail(v, "shift count %" PRIu64 " >= lane bits %u", c[1], 8u << c[0]);
    case IR_OP_vec_extract: case IR_OP_vec_insert:
        return c[1] < (16u >> c[0]) ? true
               : fail(v, "lane %" PRIu64 " out of range for e%u", c[1], 8u << c[0]);
    default:
        return true;
    }
}

static bool check_consts(Verifier *v, const IrOp *op)
{
    unsigned nb_c = ir_op_nb_cargs(op);
    const IrArg *c = &op->args[ir_op_nb_oargs(op) + ir_op_nb_iargs(op)];

    for (unsigned i = 0; i < nb_c; i++) {
        if (!check_const(v, op, ir_text_const_kind(op->opc, i), c[i])) {
            return false;
        }
    }
    return check_op_consts(v, op, c);
}

static const char *temp_name(const IrContext *ctx, IrTempIdx t, char *buf, size_t len)
{
    const IrTemp *tp = &ctx->temps[t];
    switch (tp->kind) {
    case IR_TEMP_CONST: snprintf(buf, len, "$0x%" PRIx64, tp->val); break;
    case IR_TEMP_BLOCK: snprintf(buf, len, "t%" PRIu32, tp->index); break;
    case IR_TEMP_TB:    snprintf(buf, len, "l%" PRIu32, tp->index); break;
    default:            snprintf(buf, len, "%s", tp->name); break;
    }
    return buf;
}

/* Index, kind, type and block scope of temp argument i (outputs first). */
static bool check_temp(Verifier *v, const IrOp *op, unsigned i, unsigned nb_o)
{
    const IrContext *ctx = v->ctx;
    IrArg a = op->args[i];
    const char *role = i < nb_o ? "output" : "input";
    unsigned n = i < nb_o ? i : i - nb_o;
    char buf[40];

    if (a == 0 || a >= ctx->nb_temps) {
        return fail(v, "%s %u: temp index %" PRIu64 " invalid", role, n, a);
    }
    const IrTemp *tp = &ctx->temps[a];
    IrType want = ir_op_arg_type(ctx, op, i);
    if (tp->type != want) {
        return fail(v, "%s %u: %s has type %s, expected %s", role, n,
                    temp_name(ctx, a, buf, sizeof(buf)),
                    tp->type <= IR_VOID ? ir_type_name(tp->type) : "?", ir_type_name(want));
    }
    if (i < nb_o && (tp->kind == IR_TEMP_CONST || tp->kind == IR_TEMP_FIXED)) {
        return fail(v, "output %u: %s is a %s and cannot be written", n,
                    temp_name(ctx, a, buf, sizeof(buf)),
                    tp->kind == IR_TEMP_CONST ? "constant" : "fixed temp");
    }
    if (i >= nb_o && tp->kind == IR_TEMP_BLOCK && v->written[a] != v->bb) {
        return fail(v, "input %u: block temp %s used before being written in its "
                    "basic block", n, temp_name(ctx, a, buf, sizeof(buf)));
    }
    return true;
}

static bool check_temps(Verifier *v, const IrOp *op)
{
    unsigned nb_o = ir_op_nb_oargs(op), nb_i = ir_op_nb_iargs(op);

    /* Inputs first: an op may read the temp it writes. */
    for (unsigned i = nb_o; i < nb_o + nb_i; i++) {
        if (!check_temp(v, op, i, nb_o)) {
            return false;
        }
    }
    for (unsigned i = 0; i < nb_o; i++) {
        if (!check_temp(v, op, i, nb_o)) {
            return false;
        }
        v->written[op->args[i]] = v->bb;
    }
    return true;
}

static bool check_labels(Verifier *v, const IrOp *op)
{
    if (op->opc == IR_OP_set_label) {
        uint64_t l = op->args[0];
        if (v->placed[l]++) {
            return fail(v, "label L%" PRIu64 " placed twice", l);
        }
    } else if (op->opc == IR_OP_br) {
        v->used[op->args[0]] = 1;
    } else if (op->opc == IR_OP_brcond) {
        v->used[op->args[3]] = 1;
    }
    return true;
}

static bool check_op(Verifier *v, const IrOp *op)
{
    if (!check_shape(v, op) || !check_consts(v, op)) {
        return false;
    }
    if (ir_op_flags(op) & IR_OPF_BB_START) {
        v->bb++;
    }
    if (!check_temps(v, op) || !check_labels(v, op)) {
        return false;
    }
    if (ir_op_flags(op) & IR_OPF_BB_END) {
        v->bb++;
    }
    return true;
}

bool ir_verify(const IrContext *ctx, char *msg, size_t len)
{
    Verifier v = { .ctx = ctx, .msg = msg, .len = len, .bb = 1 };
    bool ok;

    if (!check_links(&v)) {
        return false;
    }
    v.written = g_new0(uint32_t, ctx->nb_temps);
    v.placed = g_new0(uint8_t, ctx->nb_labels + 1);
    v.used = g_new0(uint8_t, ctx->nb_labels + 1);
    ok = true;
    for (uint32_t i = ctx->ops[0].next; ok && i; i = ctx->ops[i].next) {
        v.op = &ctx->ops[i];
        v.pos++;
        ok = check_op(&v, v.op);
    }
    v.op = NULL;
    for (uint32_t l = 0; ok && l < ctx->nb_labels; l++) {
        if (v.used[l] && !v.placed[l]) {
            ok = fail(&v, "label L%" PRIu32 " is referenced but never placed", l);
        }
    }
    g_free(v.written);
    g_free(v.placed);
    g_free(v.used);
    if (ok && msg && len) {
        msg[0] = '\0';
    }
    return ok;
}
