/*
 * ir-parse.c — reads the IR text form (docs/ir.md, "Text format") back into
 * ops appended to an IrContext. Used by tests/ir programs and unit tests.
 * Each line is parsed on its own with a cursor that never passes the line's
 * end; every error names line, column and what was expected.
 */
#include "jit/ir.h"

#include <glib.h>
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#include "jit/ir-text.h"

#define MAX_NAME 64       /* longest identifier accepted */
#define MAX_TOKS 8        /* outputs or inputs on one line */

typedef struct Tok {
    const char *s;
    unsigned len;
} Tok;

typedef struct Parser {
    IrContext *ctx;
    IrParseError *err;
    const char *line_start, *p, *end;   /* end: the line's '\n', '#' or NUL */
    unsigned line;
    GHashTable *block_temps, *tb_temps, *labels;  /* text number -> index + 1 */
} Parser;

/* ---------------------------------------------------------------------- */
/* Errors and low-level scanning                                           */

static bool perr(Parser *P, const char *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static bool perr(Parser *P, const char *at, const char *fmt, ...)
{
    va_list ap;

    P->err->line = P->line;
    P->err->col = (unsigned)(at - P->line_start) + 1;
    va_start(ap, fmt);
    vsnprintf(P->err->msg, sizeof(P->err->msg), fmt, ap);
    va_end(ap);
    return false;
}

static bool is_ident(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_';
}

static void skip_ws(Parser *P)
{
    while (P->p < P->end && (*P->p == ' ' || *P->p == '\t' || *P->p == '\r')) {
        P->p++;
    }
}

static bool at_end(Parser *P)
{
    return P->p >= P->end;
}

/* Error for the character under the cursor (or the end of the line). */
static bool unexpected(Parser *P, const char *what)
{
    if (at_end(P)) {
        return perr(P, P->p, "expected %s, found end of line", what);
    }
    unsigned char c = (unsigned char)*P->p;
    if (c >= 0x20 && c < 0x7f) {
        return perr(P, P->p, "expected %s, found unexpected character '%c'", what, c);
    }
    return perr(P, P->p, "expected %s, found unexpected byte 0x%02x", what, c);
}

/* Read [A-Za-z0-9_]+ into tok; false (with an error) if there is none. */
static bool read_word(Parser *P, Tok *tok, const char *what)
{
    const char *s = P->p;

    while (P->p < P->end && is_ident(*P->p)) {
        P->p++;
    }
    if (P->p == s) {
        return unexpected(P, what);
    }
    if (P->p - s > MAX_NAME) {
        return perr(P, s, "name too long (more than %d characters)", MAX_NAME);
    }
    tok->s = s;
    tok->len = (unsigned)(P->p - s);
    return true;
}

static bool tok_is(const Tok *t, const char *s)
{
    return strlen(s) == t->len && memcmp(t->s, s, t->len) == 0;
}

static bool expect_char(Parser *P, char c)
{
    char what[8];

    skip_ws(P);
    if (!at_end(P) && *P->p == c) {
        P->p++;
        skip_ws(P);
        return true;
    }
    snprintf(what, sizeof(what), "'%c'", c);
    return unexpected(P, what);
}

/*
 * Parse an unsigned decimal or 0x-hex number from [s, s+len) into *v.
 * Returns false on a non-digit or on overflow of 64 bits.
 */
static bool tok_number(const char *s, unsigned len, uint64_t *v, bool *overflow)
{
    unsigned base = 10, i = 0;
    uint64_t x = 0;

    *overflow = false;
    if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        i = 2;
    }
    if (i == len) {
        return false;
    }
    for (; i < len; i++) {
        char c = s[i];
        unsigned d;
        if (c >= '0' && c <= '9') {
            d = c - '0';
        } else if (base == 16 && c >= 'a' && c <= 'f') {
            d = c - 'a' + 10;
        } else if (base == 16 && c >= 'A' && c <= 'F') {
            d = c - 'A' + 10;
        } else {
            return false;
        }
        if (x > (UINT64_MAX - d) / base) {
            *overflow = true;
            return false;
        }
        x = x * base + d;
    }
    *v = x;
    return true;
}

/*
 * Read an optionally negative number and check it fits: `bits` wide,
 * signed range if negative (or if is_signed), unsigned range otherwise.
 * The result is truncated to `bits`.
 */
static bool read_number(Parser *P, unsigned bits, bool is_signed, uint64_t *out)
{
    const char *s = P->p;
    bool neg = false, overflow;
    uint64_t mag;
    Tok w;

    if (!at_end(P) && *P->p == '-') {
        neg = true;
        P->p++;
    }
    if (!read_word(P, &w, "a number")) {
        return false;
    }
    if (!tok_number(w.s, w.len, &mag, &overflow)) {
        return overflow ? perr(P, s, "constant out of range (more than 64 bits)")
                        : perr(P, s, "bad number '%.*s'", (int)(P->p - s), s);
    }
    uint64_t umax = bits == 64 ? UINT64_MAX : (UINT64_C(1) << bits) - 1;
    uint64_t smax = UINT64_C(1) << (bits - 1);          /* |min| of the signed range */
    bool fits = neg ? mag <= smax : mag <= (is_signed ? smax - 1 : umax);
    if (!fits) {
        return perr(P, s, "constant %.*s out of range for %u bits", (int)(P->p - s), s, bits);
    }
    *out = (neg ? -mag : mag) & umax;
    return true;
}

/* ---------------------------------------------------------------------- */
/* Temps, labels and operands                                              */

/*
 * `Xdigits` (X is the one-letter prefix): the decimal number, and the index
 * + 1 it already maps to in tab (0 if first mention).
 */
static bool lookup_numbered(GHashTable *tab, const Tok *t, uint32_t *num, uint32_t *idx1)
{
    uint64_t v = 0;

    if (t->len < 2 || t->len > 11) {
        return false;
    }
    for (unsigned i = 1; i < t->len; i++) {
        if (t->s[i] < '0' || t->s[i] > '9') {
            return false;
        }
        v = v * 10 + (unsigned)(t->s[i] - '0');
    }
    if (v > UINT32_MAX) {
        return false;
    }
    *num = (uint32_t)v;
    *idx1 = GPOINTER_TO_UINT(g_hash_table_lookup(tab, GUINT_TO_POINTER(*num)));
    return true;
}

static bool resolve_label(Parser *P, const Tok *t, uint32_t *label)
{
    uint32_t num, idx1;

    if (t->s[0] != 'L' || !lookup_numbered(P->labels, t, &num, &idx1)) {
        return perr(P, t->s, "expected a label LN, found '%.*s'", (int)t->len, t->s);
    }
    if (!idx1) {
        idx1 = ir_label_new(P->ctx) + 1;
        g_hash_table_insert(P->labels, GUINT_TO_POINTER(num), GUINT_TO_POINTER(idx1));
    }
    *label = idx1 - 1;
    return true;
}

static bool check_temp_type(Parser *P, const Tok *t, IrTempIdx idx, IrType want)
{
    IrType have = P->ctx->temps[idx].type;
    if (have != want) {
        return perr(P, t->s, "'%.*s' has type %s, expected %s", (int)t->len, t->s,
                    ir_type_name(have), ir_type_name(want));
    }
    return true;
}

/* A `$N` constant of type want. */
static bool resolve_const(Parser *P, const Tok *t, IrType want, bool output, IrTempIdx *out)
{
    uint64_t v;

    if (output) {
        return perr(P, t->s, "an output cannot be a constant");
    }
    if (want != IR_I32 && want != IR_I64) {
        return perr(P, t->s, "a constant cannot have type %s", ir_type_name(want));
    }
    P->p = t->s + 1;                 /* re-scan the number after '$' */
    if (!read_number(P, want == IR_I32 ? 32 : 64, false, &v)) {
        return false;
    }
    *out = ir_const(P->ctx, want, v);
    return true;
}

static bool resolve_operand(Parser *P, const Tok *t, IrType want, bool output, IrTempIdx *out)
{
    char name[MAX_NAME + 1];
    uint32_t num, idx1;

    if (t->s[0] == '$') {
        return resolve_const(P, t, want, output, out);
    }
    memcpy(name, t->s, t->len);
    name[t->len] = '\0';
    if (ir_global_find(P->ctx, name, out)) {
        return check_temp_type(P, t, *out, want);
    }
    GHashTable *tab = t->s[0] == 't' ? P->block_temps : t->s[0] == 'l' ? P->tb_temps : NULL;
    if (!tab || !lookup_numbered(tab, t, &num, &idx1)) {
        return perr(P, t->s, "unknown temp or global '%s'", name);
    }
    if (idx1) {
        *out = idx1 - 1;
        return check_temp_type(P, t, *out, want);
    }
    if (want >= IR_TYPE_COUNT) {
        return perr(P, t->s, "cannot infer the type of '%s'", name);
    }
    *out = tab == P->block_temps ? ir_temp_new(P->ctx, want) : ir_temp_new_tb(P->ctx, want);
    g_hash_table_insert(tab, GUINT_TO_POINTER(num), GUINT_TO_POINTER(*out + 1));
    return true;
}

/* An operand token: a name or `$number`, resolved later. */
static bool read_operand(Parser *P, Tok *t)
{
    const char *s = P->p;

    if (!at_end(P) && *P->p == '$') {
        P->p++;
        if (!at_end(P) && *P->p == '-') {
            P->p++;
        }
        Tok w;
        if (!read_word(P, &w, "a number after '$'")) {
            return false;
        }
        t->s = s;
        t->len = (unsigned)(P->p - s);
        return true;
    }
    return read_word(P, t, "a temp, a global or a $constant");
}

/* ---------------------------------------------------------------------- */
/* Immediate const arguments                                               */

static bool read_memop(Parser *P, uint64_t *out)
{
    static const char *const sizes[] = { "8", "16", "32", "64", "128" };
    const char *open = P->p;
    IrMemOp mo = 0;
    bool sized = false;
    Tok w;

    if (at_end(P) || *P->p != '[') {
        return unexpected(P, "a memop '['");
    }
    P->p++;
    skip_ws(P);
    if (!read_word(P, &w, "a memop size such as u32")) {
        return false;
    }
    for (unsigned i = 0; i <= IR_MO_128 && w.len >= 2; i++) {
        if ((w.s[0] == 'u' || w.s[0] == 's') && w.len - 1 == strlen(sizes[i]) &&
            memcmp(w.s + 1, sizes[i], w.len - 1) == 0) {
            mo = i | (w.s[0] == 's' ? IR_MO_SIGN : 0);
            sized = true;
        }
    }
    if (!sized) {
        return perr(P, w.s, "bad memop size '%.*s' (expected u8..u128 or s8..s128)",
                    (int)w.len, w.s);
    }
    for (;;) {
        skip_ws(P);
        if (at_end(P)) {
            return perr(P, open, "unterminated '[' in memop");
        }
        if (*P->p == ']') {
            P->p++;
            break;
        }
        if (!read_word(P, &w, "be, align, atom, tso or ']'")) {
            return false;
        }
        IrMemOp bit = tok_is(&w, "be") ? IR_MO_BSWAP : tok_is(&w, "align") ? IR_MO_ALIGN
                    : tok_is(&w, "atom") ? IR_MO_ATOM : tok_is(&w, "tso") ? IR_MO_TSO : 0;
        if (!bit || (mo & bit)) {
            return perr(P, w.s, "%s memop word '%.*s'", bit ? "repeated" : "unknown",
                        (int)w.len, w.s);
        }
        mo |= bit;
    }
    *out = mo;
    return true;
}

static bool read_mb_mask(Parser *P, uint64_t *out)
{
    uint64_t mask = 0;
    Tok w;

    if (!read_word(P, &w, "a barrier mask")) {
        return false;
    }
    if (tok_is(&w, "all")) {
        *out = IR_MB_ALL;
        return true;
    }
    for (;;) {
        int bit = -1;
        for (int b = 0; b < 4; b++) {
            if (tok_is(&w, ir_text_mb_names[b])) {
                bit = b;
            }
        }
        if (bit < 0 || (mask & (1u << bit))) {
            return perr(P, w.s, "%s barrier '%.*s' (expected ldld, ldst, stld, stst or all)",
                        bit < 0 ? "unknown" : "repeated", (int)w.len, w.s);
        }
        mask |= 1u << bit;
        skip_ws(P);
        if (at_end(P) || *P->p != '|') {
            break;
        }
        P->p++;
        skip_ws(P);
        if (!read_word(P, &w, "a barrier after '|'")) {
            return false;
        }
    }
    *out = mask;
    return true;
}

/* A word from a fixed list (conditions, element sizes): its index. */
static bool read_keyword(Parser *P, const char *what, const char *const *names,
                         unsigned n, uint64_t *out)
{
    Tok w;

    if (!read_word(P, &w, what)) {
        return false;
    }
    for (unsigned i = 0; i < n; i++) {
        if (tok_is(&w, names[i])) {
            *out = i;
            return true;
        }
    }
    return perr(P, w.s, "expected %s, found '%.*s'", what, (int)w.len, w.s);
}

static bool read_mmu(Parser *P, uint64_t *out)
{
    static const char *const names[IR_MMU_COUNT] = {
        "mmu0", "mmu1", "mmu2", "mmu3", "mmu4", "mmu5", "mmu6", "mmu7",
        "mmu8", "mmu9", "mmu10", "mmu11", "mmu12", "mmu13", "mmu14", "mmu15",
    };
    return read_keyword(P, "an mmu index mmu0..mmu15", names, IR_MMU_COUNT, out);
}

static bool read_const(Parser *P, IrConstKind k, uint64_t *out)
{
    static const char *const vece_names[] = { "e8", "e16", "e32", "e64" };
    const char *cond_names[IR_COND_COUNT];
    uint64_t v;
    Tok w;

    switch (k) {
    case IR_CK_UINT:
        return read_number(P, 32, false, out);
    case IR_CK_OFFSET:
        if (!read_number(P, 32, true, &v)) {
            return false;
        }
        *out = (uint64_t)(int64_t)(int32_t)(uint32_t)v;
        return true;
    case IR_CK_IMM64:
        if (at_end(P) || *P->p != '$') {
            return unexpected(P, "a $constant");
        }
        P->p++;
        return read_number(P, 64, false, out);
    case IR_CK_COND:
        for (unsigned i = 0; i < IR_COND_COUNT; i++) {
            cond_names[i] = ir_cond_name((IrCond)i);
        }
        return read_keyword(P, "a condition", cond_names, IR_COND_COUNT, out);
    case IR_CK_LABEL: {
        uint32_t l;
        if (!read_word(P, &w, "a label") || !resolve_label(P, &w, &l)) {
            return false;
        }
        *out = l;
        return true;
    }
    case IR_CK_MEMOP:
        return read_memop(P, out);
    case IR_CK_MMU:
        return read_mmu(P, out);
    case IR_CK_MBMASK:
        return read_mb_mask(P, out);
    case IR_CK_VECE:
        return read_keyword(P, "an element size e8, e16, e32 or e64", vece_names, 4, out);
    default:
        return perr(P, P->p, "internal: no const form");
    }
}

/* ---------------------------------------------------------------------- */
/* Lines                                                                   */

static int find_op(const Tok *w)
{
    for (int i = 0; i < IR_OP_COUNT; i++) {
        if (i != IR_OP_nop && tok_is(w, ir_op_defs[i].name)) {
            return i;
        }
    }
    return -1;
}

/* `.type` after the op name: required on polymorphic ops, refused elsewhere. */
static bool parse_suffix(Parser *P, IrOp *op)
{
    const char *name = ir_op_defs[op->opc].name;
    bool dot = !at_end(P) && *P->p == '.';
    Tok w;

    if (!ir_text_has_suffix(op->opc)) {
        return dot ? perr(P, P->p, "%s takes no type suffix", name) : true;
    }
    if (!dot) {
        return perr(P, P->p, "%s needs a type suffix (.i32, .i64, .i128 or .v128)", name);
    }
    P->p++;
    if (!read_word(P, &w, "a type")) {
        return false;
    }
    for (unsigned t = 0; t < IR_TYPE_COUNT; t++) {
        if (tok_is(&w, ir_type_name((IrType)t))) {
            if (!ir_op_type_allowed(op->opc, (IrType)t)) {
                return perr(P, w.s, "%s does not take type %s", name, ir_type_name((IrType)t));
            }
            op->type = (uint8_t)t;
            return true;
        }
    }
    return perr(P, w.s, "bad type suffix '%.*s'", (int)w.len, w.s);
}

/* Inputs then consts, comma-separated; consts are decoded into op->args. */
static bool parse_args(Parser *P, IrOp *op, Tok *ins)
{
    const IrOpDef *def = &ir_op_defs[op->opc];
    unsigned nb_i = def->nb_iargs, total = nb_i + def->nb_cargs;

    for (unsigned k = 0; k < total; k++) {
        skip_ws(P);
        if (k > 0 && !at_end(P)) {
            if (*P->p != ',') {
                return unexpected(P, "','");
            }
            P->p++;
            skip_ws(P);
        }
        if (at_end(P)) {
            return perr(P, P->p, "too few arguments for %s (expected %u, found %u)",
                        def->name, total, k);
        }
        bool ok = k < nb_i ? read_operand(P, &ins[k])
                  : read_const(P, ir_text_const_kind(op->opc, k - nb_i),
                               &op->args[def->nb_oargs + k]);
        if (!ok) {
            return false;
        }
    }
    skip_ws(P);
    if (!at_end(P) && (*P->p == ',' || total == 0)) {
        return perr(P, P->p, "too many arguments for %s (expected %u)", def->name, total);
    }
    return true;
}

/* `call name(a, b)`: the helper fixes output count, inputs and their types. */
static bool parse_call(Parser *P, IrOp *op, const Tok *outs, unsigned nb_outs,
                       const Tok *opw, Tok *ins)
{
    char name[MAX_NAME + 1];
    unsigned id, n = 0;
    Tok hn;

    skip_ws(P);
    if (!read_word(P, &hn, "a helper name")) {
        return false;
    }
    memcpy(name, hn.s, hn.len);
    name[hn.len] = '\0';
    const IrHelper *h = ir_helper_find(name, &id);
    if (!h) {
        return perr(P, hn.s, "unknown helper '%s'", name);
    }
    unsigned want_o = h->ret != IR_VOID;
    if (nb_outs != want_o) {
        return perr(P, nb_outs ? outs[0].s : opw->s, "helper %s has %u output(s), found %u",
                    name, want_o, nb_outs);
    }
    if (!expect_char(P, '(')) {
        return false;
    }
    while (!at_end(P) && *P->p != ')') {
        if (n == IR_MAX_CALL_ARGS) {
            return perr(P, P->p, "too many arguments for call (at most %d)", IR_MAX_CALL_ARGS);
        }
        if (n && !expect_char(P, ',')) {
            return false;
        }
        if (!read_operand(P, &ins[n++])) {
            return false;
        }
        skip_ws(P);
    }
    if (!expect_char(P, ')')) {
        return false;
    }
    if (n != h->nb_args) {
        return perr(P, hn.s, "helper %s takes %u arguments, found %u", name, h->nb_args, n);
    }
    op->nb_oargs = (uint8_t)want_o;
    op->nb_iargs = (uint8_t)n;
    op->args[want_o + n] = id;
    op->type = h->ret != IR_VOID ? h->ret : IR_I64;
    return true;
}

static bool resolve_args(Parser *P, IrOp *op, const Tok *outs, const Tok *ins)
{
    unsigned nb_o = op->nb_oargs, nb_i = op->nb_iargs;

    for (unsigned i = 0; i < nb_o + nb_i; i++) {
        const Tok *t = i < nb_o ? &outs[i] : &ins[i - nb_o];
        IrType want = ir_op_arg_type(P->ctx, op, i);
        IrTempIdx idx;
        if (!resolve_operand(P, t, want, i < nb_o, &idx)) {
            return false;
        }
        op->args[i] = idx;
    }
    return true;
}

static bool parse_op(Parser *P, const Tok *outs, unsigned nb_outs, const Tok *opw)
{
    Tok ins[IR_MAX_ARGS];
    IrOp op;
    int opc = find_op(opw);

    if (opc < 0) {
        return perr(P, opw->s, "unknown op '%.*s'", (int)opw->len, opw->s);
    }
    memset(&op, 0, sizeof(op));
    op.opc = (uint16_t)opc;
    op.type = IR_I64;
    if (!parse_suffix(P, &op)) {
        return false;
    }
    if (opc == IR_OP_call) {
        if (!parse_call(P, &op, outs, nb_outs, opw, ins)) {
            return false;
        }
        skip_ws(P);
    } else {
        const IrOpDef *def = &ir_op_defs[opc];
        if (nb_outs != def->nb_oargs) {
            return perr(P, nb_outs ? outs[0].s : opw->s, "%s has %u output(s), found %u",
                        def->name, def->nb_oargs, nb_outs);
        }
        op.nb_oargs = def->nb_oargs;
        op.nb_iargs = def->nb_iargs;
        if (!parse_args(P, &op, ins)) {
            return false;
        }
        if (!ir_text_has_suffix(op.opc) && op.nb_oargs) {
            op.type = ir_op_arg_type(P->ctx, &op, 0);   /* fixed: the result type */
        }
    }
    if (!at_end(P)) {
        return unexpected(P, "end of line");
    }
    if (!resolve_args(P, &op, outs, ins)) {
        return false;
    }
    ir_emit(P->ctx, op.opc, op.type, op.nb_oargs, op.nb_iargs, op.args);
    if (op.opc == IR_OP_br || op.opc == IR_OP_brcond) {
        P->ctx->labels[op.args[op.opc == IR_OP_br ? 0 : 3]].refs++;
    }
    return true;
}

static bool parse_label_def(Parser *P, const Tok *t)
{
    uint32_t l;

    if (!resolve_label(P, t, &l)) {
        return false;
    }
    P->p++;                                  /* the ':' */
    skip_ws(P);
    if (!at_end(P)) {
        return unexpected(P, "end of line after a label");
    }
    P->ctx->labels[l].present = true;
    ir_emit(P->ctx, IR_OP_set_label, IR_I64, 0, 0, (IrArg[]){ l });
    return true;
}

static bool parse_line(Parser *P)
{
    Tok first, outs[MAX_TOKS], opw;
    unsigned nb_outs = 0;

    skip_ws(P);
    if (at_end(P)) {
        return true;
    }
    if (!read_operand(P, &first)) {
        return false;
    }
    const char *after = P->p;
    skip_ws(P);
    if (!at_end(P) && *P->p == ':') {
        return parse_label_def(P, &first);
    }
    if (at_end(P) || (*P->p != ',' && *P->p != '=')) {
        if (first.s[0] == '$') {
            return perr(P, first.s, "expected an op name or an output");
        }
        P->p = after;
        return parse_op(P, outs, 0, &first);
    }
    outs[nb_outs++] = first;
    while (!at_end(P) && *P->p == ',') {
        P->p++;
        skip_ws(P);
        if (nb_outs == MAX_TOKS) {
            return perr(P, P->p, "too many outputs");
        }
        if (!read_operand(P, &outs[nb_outs++])) {
            return false;
        }
        skip_ws(P);
    }
    if (!expect_char(P, '=') || !read_word(P, &opw, "an op name")) {
        return false;
    }
    return parse_op(P, outs, nb_outs, &opw);
}

bool ir_parse(IrContext *ctx, const char *text, IrParseError *err)
{
    IrParseError dummy;
    Parser P = { .ctx = ctx, .err = err ? err : &dummy, .line = 1 };
    bool ok = true;

    P.block_temps = g_hash_table_new(g_direct_hash, g_direct_equal);
    P.tb_temps = g_hash_table_new(g_direct_hash, g_direct_equal);
    P.labels = g_hash_table_new(g_direct_hash, g_direct_equal);
    for (const char *s = text;; P.line++) {
        const char *e = s + strcspn(s, "\n");
        const char *hash = memchr(s, '#', (size_t)(e - s));
        P.line_start = P.p = s;
        P.end = hash ? hash : e;
        if (!parse_line(&P)) {
            ok = false;
            break;
        }
        if (!*e) {
            break;
        }
        s = e + 1;
    }
    g_hash_table_destroy(P.block_temps);
    g_hash_table_destroy(P.tb_temps);
    g_hash_table_destroy(P.labels);
    if (ok) {
        P.err->line = P.err->col = 0;
        P.err->msg[0] = '\0';
    }
    return ok;
}
