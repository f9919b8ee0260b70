/*
 * ir-print.c — the IR printer: one op per line in the textual form that
 * ir-parse.c reads back (docs/ir.md has the grammar). `-d op` logs and the
 * verifier's diagnostics use it. It never crashes on malformed IR: values
 * it cannot name print as `?N`, which the parser rejects.
 */
#include "jit/ir.h"

#include <inttypes.h>

#include "jit/ir-text.h"

const char *const ir_text_mb_names[4] = { "ldld", "ldst", "stld", "stst" };

IrConstKind ir_text_const_kind(IrOpcode opc, unsigned i)
{
    if (opc >= IR_OP_COUNT || i >= ir_op_defs[opc].nb_cargs) {
        return IR_CK_NONE;
    }
    switch (opc) {
    case IR_OP_extract: case IR_OP_sextract: case IR_OP_deposit:
    case IR_OP_goto_tb:
        return IR_CK_UINT;
    case IR_OP_setcond: case IR_OP_negsetcond: case IR_OP_movcond:
        return IR_CK_COND;
    case IR_OP_brcond:
        return i == 0 ? IR_CK_COND : IR_CK_LABEL;
    case IR_OP_ld: case IR_OP_st:
        return i == 0 ? IR_CK_OFFSET : IR_CK_MEMOP;
    case IR_OP_guest_ld: case IR_OP_guest_st:
    case IR_OP_atomic_cmpxchg: case IR_OP_atomic_xchg:
    case IR_OP_atomic_fetch_add: case IR_OP_atomic_fetch_and:
    case IR_OP_atomic_fetch_or: case IR_OP_atomic_fetch_xor:
        return i == 0 ? IR_CK_MEMOP : IR_CK_MMU;
    case IR_OP_mb:
        return IR_CK_MBMASK;
    case IR_OP_insn_start: case IR_OP_exit_tb:
        return IR_CK_IMM64;
    case IR_OP_set_label: case IR_OP_br:
        return IR_CK_LABEL;
    case IR_OP_call:
        return IR_CK_HELPER;
    default:
        /* Vector ops: the first const is the element size, then a number. */
        return i == 0 ? IR_CK_VECE : IR_CK_UINT;
    }
}

/* `$N`: decimal when within ±4096 as a signed value of `bits`, else hex. */
static void print_imm(uint64_t v, unsigned bits, FILE *f)
{
    int64_t s;

    if (bits == 32) {
        v = (uint32_t)v;
        s = (int32_t)v;
    } else {
        s = (int64_t)v;
    }
    if (s >= -4096 && s <= 4096) {
        fprintf(f, "$%" PRId64, s);
    } else {
        fprintf(f, "$0x%" PRIx64, v);
    }
}

static void print_temp(const IrContext *ctx, IrArg a, FILE *f)
{
    if (a == 0 || a >= ctx->nb_temps) {
        fprintf(f, "?%" PRIu64, a);
        return;
    }
    const IrTemp *t = &ctx->temps[a];
    switch (t->kind) {
    case IR_TEMP_CONST:
        print_imm(t->val, t->type == IR_I32 ? 32 : 64, f);
        break;
    case IR_TEMP_BLOCK:
        fprintf(f, "t%" PRIu32, t->index);
        break;
    case IR_TEMP_TB:
        fprintf(f, "l%" PRIu32, t->index);
        break;
    default:
        fputs(t->name, f);
        break;
    }
}

const char *ir_memop_format(IrMemOp mo, char *buf, size_t len)
{
    unsigned size = mo & IR_MO_SIZE_MASK;

    if (size > IR_MO_128 || (mo & ~(IrMemOp)IR_MO_ALL_BITS)) {
        snprintf(buf, len, "[?0x%" PRIx32 "]", mo);
        return buf;
    }
    snprintf(buf, len, "[%c%u%s%s%s%s]", (mo & IR_MO_SIGN) ? 's' : 'u', 8u << size,
             (mo & IR_MO_BSWAP) ? " be" : "", (mo & IR_MO_ALIGN) ? " align" : "",
             (mo & IR_MO_ATOM) ? " atom" : "", (mo & IR_MO_TSO) ? " tso" : "");
    return buf;
}

static void print_mb_mask(uint64_t v, FILE *f)
{
    if (v == IR_MB_ALL) {
        fputs("all", f);
        return;
    }
    if (v == 0 || v > IR_MB_ALL) {
        fprintf(f, "?%" PRIu64, v);
        return;
    }
    const char *sep = "";
    for (unsigned b = 0; b < 4; b++) {
        if (v & (1u << b)) {
            fprintf(f, "%s%s", sep, ir_text_mb_names[b]);
            sep = "|";
        }
    }
}

static void print_const(IrConstKind k, uint64_t v, FILE *f)
{
    char buf[32];

    switch (k) {
    case IR_CK_OFFSET:
        fprintf(f, "%" PRId64, (int64_t)v);
        break;
    case IR_CK_IMM64:
        print_imm(v, 64, f);
        break;
    case IR_CK_COND:
        if (v < IR_COND_COUNT) {
            fputs(ir_cond_name((IrCond)v), f);
        } else {
            fprintf(f, "?%" PRIu64, v);
        }
        break;
    case IR_CK_LABEL:
        fprintf(f, "L%" PRIu64, v);
        break;
    case IR_CK_MEMOP:
        fputs(v <= UINT32_MAX ? ir_memop_format((IrMemOp)v, buf, sizeof(buf)) : "[?]", f);
        break;
    case IR_CK_MMU:
        fprintf(f, "mmu%" PRIu64, v);
        break;
    case IR_CK_MBMASK:
        print_mb_mask(v, f);
        break;
    case IR_CK_VECE:
        if (v <= 3) {
            fprintf(f, "e%u", 8u << v);
        } else {
            fprintf(f, "?%" PRIu64, v);
        }
        break;
    default:
        fprintf(f, "%" PRIu64, v);
        break;
    }
}

/* `call name(args)`: the helper name then its parenthesised inputs. */
static void print_call_tail(const IrContext *ctx, const IrOp *op, unsigned nb_o,
                            unsigned nb_i, FILE *f)
{
    uint64_t id = op->args[nb_o + nb_i];
    const IrHelper *h = id < ir_helper_count() ? ir_helper_get((unsigned)id) : NULL;

    if (h) {
        fprintf(f, "call %s(", h->name);
    } else {
        fprintf(f, "call ?%" PRIu64 "(", id);
    }
    for (unsigned i = 0; i < nb_i; i++) {
        if (i) {
            fputs(", ", f);
        }
        print_temp(ctx, op->args[nb_o + i], f);
    }
    fputs(")", f);
}

void ir_print_op(const IrContext *ctx, const IrOp *op, FILE *f)
{
    if (op->opc >= IR_OP_COUNT) {
        fprintf(f, "  ?op%u\n", op->opc);
        return;
    }
    if (op->opc == IR_OP_set_label) {
        fprintf(f, "L%" PRIu64 ":\n", op->args[0]);
        return;
    }
    unsigned nb_o = ir_op_nb_oargs(op), nb_i = ir_op_nb_iargs(op);
    unsigned nb_c = ir_op_nb_cargs(op);
    if (nb_o + nb_i + nb_c > IR_MAX_ARGS) {
        fprintf(f, "  ?%s with %u arguments\n", ir_op_defs[op->opc].name, nb_o + nb_i + nb_c);
        return;
    }

    fputs("  ", f);
    for (unsigned i = 0; i < nb_o; i++) {
        if (i) {
            fputs(", ", f);
        }
        print_temp(ctx, op->args[i], f);
    }
    if (nb_o) {
        fputs(" = ", f);
    }
    if (op->opc == IR_OP_call) {
        print_call_tail(ctx, op, nb_o, nb_i, f);
        fputs("\n", f);
        return;
    }
    fputs(ir_op_defs[op->opc].name, f);
    if (ir_text_has_suffix(op->opc)) {
        fprintf(f, ".%s", op->type < IR_TYPE_COUNT ? ir_type_name(op->type) : "?");
    }
    for (unsigned i = 0; i < nb_i + nb_c; i++) {
        fputs(i ? ", " : " ", f);
        if (i < nb_i) {
            print_temp(ctx, op->args[nb_o + i], f);
        } else {
            print_const(ir_text_const_kind(op->opc, i - nb_i), op->args[nb_o + i], f);
        }
    }
    fputs("\n", f);
}

void ir_print(const IrContext *ctx, FILE *f)
{
    /* Bounded by nb_ops so that a corrupt (cyclic) list cannot loop forever. */
    uint32_t n = 0;
    for (uint32_t i = ctx->ops[0].next; i && i < ctx->nb_ops && n < ctx->nb_ops;
         i = ctx->ops[i].next, n++) {
        ir_print_op(ctx, &ctx->ops[i], f);
    }
}
