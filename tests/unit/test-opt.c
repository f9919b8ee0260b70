/*
 * test-opt.c — directed tests of the optimizer passes (jit/opt.h): folds
 * that must and must not happen, known bits, liveness (dead ops, dead and
 * sync bits) and barrier merging. Expected values are written by hand from
 * the op semantics in jit/ir-ops.h. The randomized check is in
 * test-opt-random.c.
 */
#include "tests/unit/test-opt.h"

#include <check.h>
#include <stdint.h>
#include <stdlib.h>

#include "jit/opt.h"

/* More ops than the coalescing window of jit/liveness.c (16). */
#define COALESCE_TEST_GAP 20

IrTempIdx test_g[TEST_NB_G], test_w[TEST_NB_W];

IrContext *test_opt_context(void)
{
    IrContext *c = ir_context_new();
    char name[8];

    for (int i = 0; i < TEST_NB_G; i++) {
        snprintf(name, sizeof(name), "g%d", i);
        test_g[i] = ir_global_new(c, IR_I64, 8 * i, name);
    }
    for (int i = 0; i < TEST_NB_W; i++) {
        snprintf(name, sizeof(name), "w%d", i);
        test_w[i] = ir_global_new(c, IR_I32, 64 + 4 * i, name);
    }
    return c;
}

static IrContext *ctx;
#define G(i) test_g[i]
#define W(i) test_w[i]

/* Helpers: never called, only their flags matter. */
static unsigned h_rw, h_ro, h_none, h_pure;

static uint64_t dummy_helper(uint64_t a)
{
    return a;
}

static void register_helpers(void)
{
    IrHelper h = { .func = (void *)dummy_helper, .ret = IR_I64, .nb_args = 1,
                   .args = { IR_I64 } };
    h.name = "rw";
    h.flags = 0;
    h_rw = ir_helper_register(&h);
    h.name = "ro";
    h.flags = IR_CALL_NO_WRITE_GLOBALS;
    h_ro = ir_helper_register(&h);
    h.name = "none";
    h.flags = IR_CALL_NO_READ_GLOBALS | IR_CALL_NO_WRITE_GLOBALS;
    h_none = ir_helper_register(&h);
    h.name = "pure";
    h.flags = IR_CALL_NO_READ_GLOBALS | IR_CALL_NO_WRITE_GLOBALS | IR_CALL_NO_SIDE_EFFECTS;
    h_pure = ir_helper_register(&h);
}

static void setup(void)
{
    ctx = test_opt_context();
}

static void teardown(void)
{
    ir_context_free(ctx);
    ctx = NULL;
}

/* Run a pass on the test context; the IR must verify before and after. */
static void verified(void (*pass)(IrContext *), const char *name)
{
    char msg[256];
    ck_assert_msg(ir_verify(ctx, msg, sizeof(msg)), "test IR invalid before %s: %s", name, msg);
    pass(ctx);
    ck_assert_msg(ir_verify(ctx, msg, sizeof(msg)), "IR invalid after %s: %s", name, msg);
}

#define RUN(pass) verified(pass, #pass)

static IrTempIdx C(IrType t, uint64_t v)
{
    return ir_const(ctx, t, v);
}

static IrTempIdx dest_of(IrType t)
{
    return t == IR_I64 ? G(3) : W(1);
}

static unsigned count_ops(void)
{
    unsigned n = 0;
    IR_FOR_EACH_OP(ctx, op) {
        n++;
    }
    return n;
}

static IrOp *nth_op(unsigned n)
{
    IR_FOR_EACH_OP(ctx, op) {
        if (n-- == 0) {
            return op;
        }
    }
    return NULL;
}

static const char *opname(const IrOp *op)
{
    return op ? ir_op_defs[op->opc].name : "(none)";
}

static void check_mov_const(const IrOp *op, IrTempIdx d, uint64_t v, int line)
{
    ck_assert_msg(op && op->opc == IR_OP_mov, "case at line %d: expected mov, got %s", line,
                  opname(op));
    ck_assert_msg(op->args[0] == d, "case at line %d: wrong destination", line);
    ck_assert_msg(ir_temp_is_const(ctx, op->args[1]), "case at line %d: mov of a non-const",
                  line);
    ck_assert_msg(ir_temp(ctx, op->args[1])->val == v,
                  "case at line %d: got 0x%llx, want 0x%llx", line,
                  (unsigned long long)ir_temp(ctx, op->args[1])->val, (unsigned long long)v);
}

static void check_mov(const IrOp *op, IrTempIdx d, IrTempIdx s)
{
    ck_assert_msg(op && op->opc == IR_OP_mov, "expected mov, got %s", opname(op));
    ck_assert_uint_eq(op->args[0], d);
    ck_assert_uint_eq(op->args[1], s);
}

/* ---------------------------------------------------------------------- */
/* Constant folding: every integer op, i32 and i64, edge values            */

#define I32 IR_I32
#define I64 IR_I64
#define M64 0x8000000000000000ull
#define MAX64 0x7fffffffffffffffull
#define ONES64 0xffffffffffffffffull

typedef struct BinCase {
    IrOpcode opc;
    IrType type;
    uint64_t a, b, want;
    int line;
} BinCase;

#define B(o, t, a, b, w) { IR_OP_##o, t, a, b, w, __LINE__ }
static const BinCase bin_cases[] = {
    B(add, I32, 0x7fffffff, 1, 0x80000000), B(add, I32, 0xffffffff, 1, 0),
    B(add, I64, MAX64, 1, M64), B(add, I64, ONES64, ONES64, ONES64 - 1),
    B(sub, I32, 0, 1, 0xffffffff), B(sub, I32, 0x80000000, 1, 0x7fffffff),
    B(sub, I64, M64, 1, MAX64), B(sub, I64, 0, ONES64, 1),
    B(mul, I32, 0x10000, 0x10000, 0), B(mul, I32, 0xffffffff, 0xffffffff, 1),
    B(mul, I64, 0x100000000ull, 0x100000000ull, 0), B(mul, I64, MAX64, 3, 0x7ffffffffffffffdull),
    B(and, I32, 0xf0f0f0f0, 0x0ff00ff0, 0x00f000f0), B(and, I64, ONES64, M64, M64),
    B(or, I32, 0xf0000000, 0xf, 0xf000000f), B(or, I64, M64, 1, M64 | 1),
    B(xor, I32, 0xffffffff, 0x12345678, 0xedcba987), B(xor, I64, ONES64, MAX64, M64),
    B(andc, I32, 0xff, 0x0f, 0xf0), B(andc, I64, ONES64, 1, ONES64 - 1),
    B(orc, I32, 0, 0xffff0000, 0xffff), B(orc, I64, 0, ONES64, 0),
    B(shl, I32, 1, 31, 0x80000000), B(shl, I32, 1, 32, 1), B(shl, I32, 1, 33, 2),
    B(shl, I64, 1, 63, M64), B(shl, I64, 1, 64, 1), B(shl, I64, 3, 127, M64),
    B(shr, I32, 0x80000000, 31, 1), B(shr, I32, 0x80000000, 32, 0x80000000),
    B(shr, I64, M64, 63, 1), B(shr, I64, M64, 64, M64), B(shr, I64, ONES64, 68, 0x0fffffffffffffffull),
    B(sar, I32, 0x80000000, 31, 0xffffffff), B(sar, I32, 0x80000000, 4, 0xf8000000),
    B(sar, I32, 0x80000000, 36, 0xf8000000), B(sar, I32, 0x7fffffff, 31, 0),
    B(sar, I64, M64, 63, ONES64), B(sar, I64, M64, 64, M64), B(sar, I64, M64, 68, 0xf800000000000000ull),
    B(rotl, I32, 0x80000001, 1, 3), B(rotl, I32, 0x12345678, 32, 0x12345678),
    B(rotl, I32, 0x12345678, 36, 0x23456781),
    B(rotl, I64, M64 | 1, 1, 3), B(rotl, I64, 0x0123456789abcdefull, 64, 0x0123456789abcdefull),
    B(rotr, I32, 1, 1, 0x80000000), B(rotr, I32, 0x12345678, 4, 0x81234567),
    B(rotr, I32, 0x12345678, 33, 0x091a2b3c),
    B(rotr, I64, 1, 65, M64), B(rotr, I64, 0x0123456789abcdefull, 8, 0xef0123456789abcdull),
    B(divu, I32, 0xffffffff, 2, 0x7fffffff), B(divu, I64, ONES64, 3, 0x5555555555555555ull),
    B(divs, I32, 0xfffffff9, 2, 0xfffffffd), B(divs, I32, 0x80000000, 1, 0x80000000),
    B(divs, I32, 0x80000000, 0xffffffff - 1, 0x40000000),
    B(divs, I64, M64, 2, 0xc000000000000000ull), B(divs, I64, 7, ONES64, ONES64 - 6),
    B(remu, I32, 7, 3, 1), B(remu, I64, ONES64, 10, 5),
    B(rems, I32, 0xfffffff9, 2, 0xffffffff), B(rems, I32, 7, 0xfffffffe, 1),
    B(rems, I64, M64, 3, ONES64 - 1),
    B(clz, I32, 1, 99, 31), B(clz, I32, 0, 99, 99), B(clz, I32, 0x80000000, 99, 0),
    B(clz, I64, 1, 0, 63), B(clz, I64, 0, 64, 64), B(clz, I64, 0x100000000ull, 0, 31),
    B(ctz, I32, 0x80000000, 0, 31), B(ctz, I32, 0, 32, 32), B(ctz, I64, M64, 0, 63),
    B(ctz, I64, 0, 7, 7), B(ctz, I64, 0x100000000ull, 0, 32),
};

START_TEST(fold_binary)
{
    for (size_t i = 0; i < sizeof(bin_cases) / sizeof(bin_cases[0]); i++) {
        const BinCase *k = &bin_cases[i];
        ir_reset(ctx);
        ir_gen_op2(ctx, k->opc, k->type, dest_of(k->type), C(k->type, k->a), C(k->type, k->b));
        RUN(opt_fold);
        ck_assert_uint_eq(count_ops(), 1);
        check_mov_const(ir_last_op(ctx), dest_of(k->type), k->want, k->line);
    }
}
END_TEST

typedef struct UnCase {
    IrOpcode opc;
    IrType out, in;
    uint64_t a, want;
    int line;
} UnCase;

#define U(o, t, ti, a, w) { IR_OP_##o, t, ti, a, w, __LINE__ }
static const UnCase un_cases[] = {
    U(neg, I32, I32, 0x80000000, 0x80000000), U(neg, I32, I32, 1, 0xffffffff),
    U(neg, I64, I64, 0, 0), U(neg, I64, I64, M64, M64), U(neg, I64, I64, 1, ONES64),
    U(not, I32, I32, 0, 0xffffffff), U(not, I64, I64, MAX64, M64),
    U(popcnt, I32, I32, 0xffffffff, 32), U(popcnt, I64, I64, ONES64, 64), U(popcnt, I64, I64, 0, 0),
    U(bswap16, I32, I32, 0x12345678, 0x7856), U(bswap16, I64, I64, ONES64, 0xffff),
    U(bswap32, I32, I32, 0x12345678, 0x78563412),
    U(bswap32, I64, I64, 0xffffffff12345678ull, 0x78563412),
    U(bswap64, I64, I64, 0x0102030405060708ull, 0x0807060504030201ull),
    U(extu_i32_i64, I64, I32, 0x80000000, 0x80000000),
    U(exts_i32_i64, I64, I32, 0x80000000, 0xffffffff80000000ull),
    U(exts_i32_i64, I64, I32, 0x7fffffff, 0x7fffffff),
    U(extrl_i64_i32, I32, I64, 0x123456789abcdef0ull, 0x9abcdef0),
    U(extrh_i64_i32, I32, I64, 0x123456789abcdef0ull, 0x12345678),
    U(mov, I32, I32, 0xffffffff, 0xffffffff),
};

START_TEST(fold_unary)
{
    for (size_t i = 0; i < sizeof(un_cases) / sizeof(un_cases[0]); i++) {
        const UnCase *k = &un_cases[i];
        ir_reset(ctx);
        ir_gen_op1(ctx, k->opc, k->out, dest_of(k->out), C(k->in, k->a));
        RUN(opt_fold);
        ck_assert_uint_eq(count_ops(), 1);
        check_mov_const(ir_last_op(ctx), dest_of(k->out), k->want, k->line);
    }
}
END_TEST

typedef struct FieldCase {
    IrOpcode opc;
    IrType type;
    uint64_t a, b;
    unsigned pos, len;
    uint64_t want;
    int line;
} FieldCase;

#define F(o, t, a, b, p, l, w) { IR_OP_##o, t, a, b, p, l, w, __LINE__ }
static const FieldCase field_cases[] = {
    F(extract, I32, 0xabcd1234, 0, 8, 8, 0x12), F(extract, I32, 0xffffffff, 0, 0, 32, 0xffffffff),
    F(extract, I64, ONES64, 0, 0, 64, ONES64), F(extract, I64, M64, 0, 63, 1, 1),
    F(extract, I64, 0x123456789abcdef0ull, 0, 28, 8, 0x89),
    F(sextract, I32, 0x8000, 0, 0, 16, 0xffff8000), F(sextract, I32, 0x70, 0, 4, 4, 7),
    F(sextract, I32, 0x80000000, 0, 31, 1, 0xffffffff),
    F(sextract, I64, 0xf0, 0, 4, 4, ONES64), F(sextract, I64, M64, 0, 0, 64, M64),
    F(sextract, I64, 0x80000000, 0, 0, 32, 0xffffffff80000000ull),
    F(deposit, I32, 0xffffffff, 0, 8, 8, 0xffff00ff),
    F(deposit, I32, 0x12345678, 0xabcdef01, 0, 32, 0xabcdef01),
    F(deposit, I32, 0, 0xff, 28, 4, 0xf0000000),
    F(deposit, I64, 0, 0xffff, 60, 4, 0xf000000000000000ull),
    F(deposit, I64, ONES64, 0, 0, 64, 0), F(deposit, I64, 0, 3, 31, 2, 0x180000000ull),
};

START_TEST(fold_fields)
{
    for (size_t i = 0; i < sizeof(field_cases) / sizeof(field_cases[0]); i++) {
        const FieldCase *k = &field_cases[i];
        IrTempIdx d = dest_of(k->type);
        ir_reset(ctx);
        if (k->opc == IR_OP_deposit) {
            ir_gen_deposit(ctx, k->type, d, C(k->type, k->a), C(k->type, k->b), k->pos, k->len);
        } else {
            ir_emit(ctx, k->opc, k->type, 1, 1, (IrArg[]){ d, C(k->type, k->a), k->pos, k->len });
        }
        RUN(opt_fold);
        check_mov_const(ir_last_op(ctx), d, k->want, k->line);
    }
}
END_TEST

typedef struct CondCase {
    IrOpcode opc;
    IrType type;
    IrCond cond;
    uint64_t a, b, want;
    int line;
} CondCase;

#define S(o, t, c, a, b, w) { IR_OP_##o, t, IR_COND_##c, a, b, w, __LINE__ }
static const CondCase cond_cases[] = {
    S(setcond, I32, LT, 0x80000000, 0, 1), S(setcond, I32, LTU, 0x80000000, 0, 0),
    S(setcond, I32, GTU, 0xffffffff, 1, 1), S(setcond, I32, GT, 0xffffffff, 1, 0),
    S(setcond, I32, GE, 0x7fffffff, 0x80000000, 1), S(setcond, I32, LE, 5, 5, 1),
    S(setcond, I32, LEU, 6, 5, 0), S(setcond, I32, GEU, 0, 0, 1),
    S(setcond, I32, EQ, 0xffffffff, 0xffffffff, 1), S(setcond, I32, NE, 1, 2, 1),
    S(setcond, I32, TSTEQ, 0xf0, 0x0f, 1), S(setcond, I32, TSTNE, 0xf0, 0x0f, 0),
    S(setcond, I32, TSTNE, 0x80000000, 0x80000000, 1),
    S(setcond, I32, NEVER, 0, 0, 0), S(setcond, I32, ALWAYS, 1, 2, 1),
    S(setcond, I64, LT, M64, MAX64, 1), S(setcond, I64, LTU, M64, MAX64, 0),
    S(setcond, I64, GT, 0, ONES64, 1), S(setcond, I64, GTU, 0, ONES64, 0),
    S(setcond, I64, EQ, 0x100000000ull, 0, 0), S(setcond, I64, TSTNE, M64, ONES64, 1),
    S(negsetcond, I32, EQ, 5, 5, 0xffffffff), S(negsetcond, I32, NE, 5, 5, 0),
    S(negsetcond, I64, LTU, 1, 2, ONES64), S(negsetcond, I64, GE, M64, 0, 0),
};

START_TEST(fold_setcond)
{
    for (size_t i = 0; i < sizeof(cond_cases) / sizeof(cond_cases[0]); i++) {
        const CondCase *k = &cond_cases[i];
        IrTempIdx d = dest_of(k->type);
        ir_reset(ctx);
        ir_emit(ctx, k->opc, k->type, 1, 2,
                (IrArg[]){ d, C(k->type, k->a), C(k->type, k->b), k->cond });
        RUN(opt_fold);
        check_mov_const(ir_last_op(ctx), d, k->want, k->line);
    }
}
END_TEST

START_TEST(fold_movcond_brcond)
{
    /* movcond with constant comparands selects one input (not a const) */
    ir_gen_movcond(ctx, I64, IR_COND_LT, G(3), C(I64, ONES64), C(I64, 0), G(1), G(2));
    ir_gen_movcond(ctx, I32, IR_COND_LTU, W(1), C(I32, 0xffffffff), C(I32, 0), W(0), C(I32, 9));
    RUN(opt_fold);
    check_mov(nth_op(0), G(3), G(1));
    check_mov_const(nth_op(1), W(1), 9, __LINE__);

    /* brcond always taken -> br; never taken -> removed */
    ir_reset(ctx);
    uint32_t l1 = ir_label_new(ctx), l2 = ir_label_new(ctx);
    ir_gen_brcond(ctx, I32, IR_COND_GTU, C(I32, 0x80000000), C(I32, 1), l1);
    ir_gen_brcond(ctx, I64, IR_COND_LT, C(I64, 0), C(I64, M64), l2);
    ir_gen_set_label(ctx, l1);
    ir_gen_set_label(ctx, l2);
    ir_gen_exit_tb(ctx, 0);
    RUN(opt_fold);
    ck_assert_str_eq(opname(nth_op(0)), "br");
    ck_assert_uint_eq(nth_op(0)->args[0], l1);
    /* the second brcond was unreachable after br, or never taken: gone */
    ck_assert_str_eq(opname(nth_op(1)), "set_label");
    ck_assert_uint_eq(ctx->labels[l2].refs, 0);
    ck_assert_uint_eq(count_ops(), 4);
}
END_TEST

typedef struct PairCase {
    IrOpcode opc;
    IrType type;
    uint64_t in[3], want0, want1;
    int line;
} PairCase;

#define P(o, t, a, b, c, w0, w1) { IR_OP_##o, t, { a, b, c }, w0, w1, __LINE__ }
static const PairCase pair_cases[] = {
    P(mulu2, I32, 0xffffffff, 0xffffffff, 0, 1, 0xfffffffe),
    P(muls2, I32, 0xffffffff, 0xffffffff, 0, 1, 0),
    P(muls2, I32, 0x80000000, 2, 0, 0, 0xffffffff),
    P(mulu2, I64, ONES64, ONES64, 0, 1, ONES64 - 1),
    P(muls2, I64, M64, ONES64, 0, M64, 0),
    P(muls2, I64, ONES64, 2, 0, ONES64 - 1, ONES64),
    P(addcarry, I32, 0xffffffff, 0, 1, 0, 1), P(addcarry, I32, 0xffffffff, 0, 2, 0xffffffff, 0),
    P(addcarry, I64, ONES64, ONES64, 1, ONES64, 1), P(addcarry, I64, 1, 2, 0, 3, 0),
    P(subborrow, I32, 0, 0, 1, 0xffffffff, 1), P(subborrow, I32, 5, 3, 1, 1, 0),
    P(subborrow, I32, 5, 5, 3, 0xffffffff, 1),
    P(subborrow, I64, 0, 1, 0, ONES64, 1), P(subborrow, I64, M64, 1, 0, MAX64, 0),
    P(divu2, I32, 0, 1, 2, 0x80000000, 0), P(divu2, I32, 7, 0, 2, 3, 1),
    P(divs2, I32, 0xfffffff9, 0xffffffff, 2, 0xfffffffd, 0xffffffff),
    P(divu2, I64, 0, 1, 4, 0x4000000000000000ull, 0),
    P(divs2, I64, ONES64 - 6, ONES64, 2, ONES64 - 2, ONES64),
};

START_TEST(fold_pairs)
{
    for (size_t i = 0; i < sizeof(pair_cases) / sizeof(pair_cases[0]); i++) {
        const PairCase *k = &pair_cases[i];
        IrType t = k->type;
        IrTempIdx d0 = t == I64 ? G(2) : W(0), d1 = dest_of(t);
        bool three = k->opc != IR_OP_mulu2 && k->opc != IR_OP_muls2;
        ir_reset(ctx);
        ir_emit(ctx, k->opc, t, 2, three ? 3 : 2,
                (IrArg[]){ d0, d1, C(t, k->in[0]), C(t, k->in[1]), C(t, k->in[2]) });
        RUN(opt_fold);
        ck_assert_uint_eq(count_ops(), 2);
        check_mov_const(nth_op(0), d0, k->want0, k->line);
        check_mov_const(nth_op(1), d1, k->want1, k->line);
    }
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Folds that must not happen                                              */

START_TEST(no_fold_undefined)
{
    static const struct { IrOpcode opc; IrType t; uint64_t a, b; } cases[] = {
        { IR_OP_divu, I32, 5, 0 }, { IR_OP_divs, I32, 5, 0 }, { IR_OP_remu, I32, 5, 0 },
        { IR_OP_rems, I32, 5, 0 }, { IR_OP_divu, I64, 5, 0 }, { IR_OP_divs, I64, 0, 0 },
        { IR_OP_divs, I32, 0x80000000, 0xffffffff }, { IR_OP_divs, I64, M64, ONES64 },
        { IR_OP_rems, I32, 0x80000000, 0xffffffff }, { IR_OP_rems, I64, M64, ONES64 },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        ir_reset(ctx);
        ir_gen_op2(ctx, cases[i].opc, cases[i].t, dest_of(cases[i].t), C(cases[i].t, cases[i].a),
                   C(cases[i].t, cases[i].b));
        RUN(opt_fold);
        ck_assert_msg(ir_last_op(ctx)->opc == cases[i].opc, "case %zu folded", i);
    }
    /* divu2 whose quotient does not fit, and divisor 0 */
    ir_reset(ctx);
    ir_emit(ctx, IR_OP_divu2, I32, 2, 3, (IrArg[]){ W(0), W(1), C(I32, 0), C(I32, 1), C(I32, 1) });
    ir_emit(ctx, IR_OP_divs2, I64, 2, 3, (IrArg[]){ G(0), G(1), C(I64, 0), C(I64, 1), C(I64, 0) });
    ir_emit(ctx, IR_OP_divs2, I64, 2, 3,
            (IrArg[]){ G(0), G(1), C(I64, 0), C(I64, M64), C(I64, ONES64) });
    RUN(opt_fold);
    ck_assert_str_eq(opname(nth_op(0)), "divu2");
    ck_assert_str_eq(opname(nth_op(1)), "divs2");
    ck_assert_str_eq(opname(nth_op(2)), "divs2");
}
END_TEST

START_TEST(no_fold_after_call)
{
    IrTempIdx t = ir_temp_new(ctx, I64);

    /* a call that may write globals: g0 is no longer known to be 5 */
    ir_gen_movi(ctx, I64, G(0), 5);
    ir_gen_call(ctx, h_rw, t, (IrTempIdx[]){ G(1) });
    ir_gen_op2(ctx, IR_OP_add, I64, G(2), G(0), C(I64, 1));
    /* after a call that does not write globals it is still known */
    ir_gen_movi(ctx, I64, G(1), 7);
    ir_gen_call(ctx, h_ro, t, (IrTempIdx[]){ G(1) });
    ir_gen_op2(ctx, IR_OP_add, I64, G(3), G(1), C(I64, 1));
    RUN(opt_fold);
    ck_assert_str_eq(opname(nth_op(2)), "add");
    ck_assert_uint_eq(nth_op(2)->args[1], G(0));
    /* the call's argument was propagated: g1 = 7 */
    ck_assert_uint_eq(nth_op(4)->args[1], C(I64, 7));
    check_mov_const(nth_op(5), G(3), 8, __LINE__);
}
END_TEST

START_TEST(no_copy_across_label)
{
    IrTempIdx l0 = ir_temp_new_tb(ctx, I64);
    uint32_t lab = ir_label_new(ctx);

    ir_gen_movi(ctx, I64, l0, 5);
    ir_gen_mov(ctx, I64, G(1), G(0));
    ir_gen_brcond(ctx, I64, IR_COND_EQ, G(2), C(I64, 0), lab);
    ir_gen_set_label(ctx, lab);
    ir_gen_op2(ctx, IR_OP_add, I64, G(2), l0, C(I64, 1));
    ir_gen_mov(ctx, I64, G(3), G(1));
    RUN(opt_fold);
    ck_assert_str_eq(opname(nth_op(4)), "add");
    ck_assert_uint_eq(nth_op(4)->args[1], l0);
    check_mov(nth_op(5), G(3), G(1));
}
END_TEST

START_TEST(no_block_temp_past_bb)
{
    IrTempIdx t0 = ir_temp_new(ctx, I64), t1 = ir_temp_new(ctx, I64);
    uint32_t lab = ir_label_new(ctx);

    ir_gen_op2(ctx, IR_OP_add, I64, t0, G(0), G(1));
    ir_gen_op1(ctx, IR_OP_not, I64, G(1), t0);            /* g1 = not t0 */
    ir_gen_op1(ctx, IR_OP_not, I64, G(3), G(1));          /* same block: mov t0 */
    ir_gen_mov(ctx, I64, G(2), t0);
    ir_gen_op2(ctx, IR_OP_sub, I64, t1, t0, G(1));        /* t0 is read from g2 */
    ir_gen_brcond(ctx, I64, IR_COND_EQ, t1, C(I64, 0), lab);
    ir_gen_op1(ctx, IR_OP_not, I64, G(3), G(1));          /* t0 is dead here: stays */
    ir_gen_set_label(ctx, lab);
    RUN(opt_fold);
    check_mov(nth_op(2), G(3), t0);
    check_mov(nth_op(3), G(2), t0);                        /* a mov keeps reading t0 */
    ck_assert_uint_eq(nth_op(4)->args[1], G(2));
    ck_assert_str_eq(opname(nth_op(6)), "not");
    ck_assert_uint_eq(nth_op(6)->args[1], G(1));
}
END_TEST

START_TEST(copy_invalidated_by_write)
{
    IrTempIdx t1 = ir_temp_new(ctx, I64);

    ir_gen_mov(ctx, I64, t1, G(0));
    ir_gen_op2(ctx, IR_OP_add, I64, G(1), t1, G(2));      /* reads g0 */
    ir_gen_op2(ctx, IR_OP_add, I64, G(0), G(0), C(I64, 1));
    ir_gen_mov(ctx, I64, G(3), t1);                        /* t1 is the old g0 */
    RUN(opt_fold);
    ck_assert_uint_eq(nth_op(1)->args[1], G(0));
    check_mov(nth_op(3), G(3), t1);
}
END_TEST

START_TEST(no_fold_side_effects)
{
    IrTempIdx t = ir_temp_new(ctx, I64);

    ir_gen_movi(ctx, I64, t, 0x1000);
    ir_gen_guest_st(ctx, I64, C(I64, 1), t, IR_MO_64, 0);
    ir_gen_st(ctx, I64, t, ctx->env, 200, IR_MO_64);
    ir_gen_call(ctx, h_pure, G(0), (IrTempIdx[]){ t });
    ir_gen_guest_ld(ctx, I64, G(1), t, IR_MO_64, 0);
    ir_emit(ctx, IR_OP_atomic_fetch_add, I64, 1, 2, (IrArg[]){ G(2), t, C(I64, 1), IR_MO_64, 0 });
    RUN(opt_fold);
    ck_assert_uint_eq(count_ops(), 6);
    ck_assert_str_eq(opname(nth_op(1)), "guest_st");
    ck_assert_uint_eq(nth_op(1)->args[1], C(I64, 0x1000));   /* inputs propagated */
    ck_assert_str_eq(opname(nth_op(2)), "st");
    ck_assert_str_eq(opname(nth_op(3)), "call");
    ck_assert_str_eq(opname(nth_op(4)), "guest_ld");
    ck_assert_str_eq(opname(nth_op(5)), "atomic_fetch_add");
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Copies and algebraic identities                                         */

START_TEST(copy_propagation)
{
    IrTempIdx t0 = ir_temp_new(ctx, I64), t1 = ir_temp_new(ctx, I64);

    ir_gen_mov(ctx, I64, t0, G(0));
    ir_gen_mov(ctx, I64, t1, t0);
    ir_gen_op2(ctx, IR_OP_add, I64, G(1), t1, G(2));
    ir_gen_mov(ctx, I64, G(2), G(2));                      /* self move: removed */
    RUN(opt_fold);
    ck_assert_uint_eq(count_ops(), 3);
    check_mov(nth_op(1), t1, G(0));
    ck_assert_uint_eq(nth_op(2)->args[1], G(0));
}
END_TEST

typedef struct AlgCase {
    IrOpcode opc;
    IrType type;
    bool x_first;           /* operands: (x, k) or (k, x) */
    uint64_t k;
    int want;               /* -1: mov x; -2: not x; -3: neg x; else mov $want */
    uint64_t wval;
    int line;
} AlgCase;

#define A(o, t, xf, k, w, v) { IR_OP_##o, t, xf, k, w, v, __LINE__ }
static const AlgCase alg_cases[] = {
    A(add, I64, true, 0, -1, 0), A(add, I32, false, 0, -1, 0),
    A(sub, I64, true, 0, -1, 0), A(sub, I32, false, 0, -3, 0),
    A(mul, I64, true, 1, -1, 0), A(mul, I32, false, 1, -1, 0),
    A(mul, I64, true, 0, 0, 0), A(mul, I32, false, 0, 0, 0),
    A(and, I64, true, 0, 0, 0), A(and, I64, false, ONES64, -1, 0), A(and, I32, true, 0xffffffff, -1, 0),
    A(or, I64, true, 0, -1, 0), A(or, I32, false, 0xffffffff, 0, 0xffffffff),
    A(or, I64, true, ONES64, 0, ONES64),
    A(xor, I64, true, 0, -1, 0), A(xor, I32, false, 0xffffffff, -2, 0),
    A(andc, I64, true, 0, -1, 0), A(andc, I32, true, 0xffffffff, 0, 0),
    A(orc, I64, true, ONES64, -1, 0), A(orc, I32, true, 0, 0, 0xffffffff),
    A(shl, I64, true, 0, -1, 0), A(shl, I64, true, 64, -1, 0), A(shl, I32, true, 32, -1, 0),
    A(shr, I32, true, 0, -1, 0), A(sar, I64, true, 128, -1, 0), A(rotl, I32, true, 64, -1, 0),
    A(rotr, I64, true, 0, -1, 0),
    A(shl, I64, false, 0, 0, 0), A(shr, I32, false, 0, 0, 0),
    A(sar, I64, false, ONES64, 0, ONES64), A(rotl, I32, false, 0xffffffff, 0, 0xffffffff),
};

START_TEST(algebraic)
{
    for (size_t i = 0; i < sizeof(alg_cases) / sizeof(alg_cases[0]); i++) {
        const AlgCase *k = &alg_cases[i];
        IrTempIdx x = k->type == I64 ? G(0) : W(0), d = dest_of(k->type);
        ir_reset(ctx);
        IrTempIdx c = C(k->type, k->k);
        ir_gen_op2(ctx, k->opc, k->type, d, k->x_first ? x : c, k->x_first ? c : x);
        RUN(opt_fold);
        IrOp *op = ir_last_op(ctx);
        if (k->want >= 0) {
            check_mov_const(op, d, k->wval, k->line);
            continue;
        }
        IrOpcode want = k->want == -1 ? IR_OP_mov : k->want == -2 ? IR_OP_not : IR_OP_neg;
        ck_assert_msg(op->opc == want && op->args[0] == d && op->args[1] == x,
                      "case at line %d: got %s", k->line, opname(op));
    }
}
END_TEST

START_TEST(algebraic_same_operand)
{
    IrTempIdx t = ir_temp_new(ctx, I64), u = ir_temp_new(ctx, I64);

    ir_gen_op2(ctx, IR_OP_xor, I64, G(1), G(0), G(0));
    ir_gen_op2(ctx, IR_OP_sub, I32, W(1), W(0), W(0));
    ir_gen_op2(ctx, IR_OP_and, I64, G(2), G(0), G(0));
    ir_gen_op2(ctx, IR_OP_or, I64, G(3), G(0), G(0));
    ir_gen_op1(ctx, IR_OP_not, I64, t, G(0));
    ir_gen_op1(ctx, IR_OP_not, I64, G(1), t);
    ir_gen_op1(ctx, IR_OP_neg, I64, u, G(0));
    ir_gen_op1(ctx, IR_OP_neg, I64, G(2), u);
    ir_gen_setcond(ctx, I64, IR_COND_LEU, G(3), G(0), G(0));
    ir_gen_setcond(ctx, I32, IR_COND_GT, W(1), W(0), W(0));
    ir_gen_setcond(ctx, I64, IR_COND_LTU, G(3), G(0), C(I64, 0));
    ir_gen_movcond(ctx, I64, IR_COND_EQ, G(3), G(0), G(1), G(2), G(2));
    ir_gen_op1(ctx, IR_OP_not, I64, G(0), G(0));
    ir_gen_op1(ctx, IR_OP_not, I64, G(1), G(0));           /* not(not g0) but g0 changed */
    RUN(opt_fold);
    check_mov_const(nth_op(0), G(1), 0, __LINE__);
    check_mov_const(nth_op(1), W(1), 0, __LINE__);
    check_mov(nth_op(2), G(2), G(0));
    check_mov(nth_op(3), G(3), G(0));
    check_mov(nth_op(5), G(1), G(0));
    check_mov(nth_op(7), G(2), G(0));
    check_mov_const(nth_op(8), G(3), 1, __LINE__);
    check_mov_const(nth_op(9), W(1), 0, __LINE__);
    check_mov_const(nth_op(10), G(3), 0, __LINE__);
    check_mov(nth_op(11), G(3), G(0));                      /* g2 is a copy of g0 */
    ck_assert_str_eq(opname(nth_op(13)), "not");
}
END_TEST

START_TEST(brcond_same_operand)
{
    uint32_t l1 = ir_label_new(ctx), l2 = ir_label_new(ctx);

    ir_gen_brcond(ctx, I64, IR_COND_NE, G(0), G(0), l1);    /* never */
    ir_gen_brcond(ctx, I64, IR_COND_LTU, G(0), C(I64, 0), l1);  /* never */
    ir_gen_brcond(ctx, I64, IR_COND_GE, G(0), G(0), l2);    /* always */
    ir_gen_set_label(ctx, l1);
    ir_gen_set_label(ctx, l2);
    RUN(opt_fold);
    ck_assert_uint_eq(count_ops(), 3);
    ck_assert_str_eq(opname(nth_op(0)), "br");
    ck_assert_uint_eq(ctx->labels[l1].refs, 0);
    ck_assert_uint_eq(ctx->labels[l2].refs, 1);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Known bits                                                              */

START_TEST(known_bits_masks)
{
    IrTempIdx t[8];
    for (int i = 0; i < 8; i++) {
        t[i] = ir_temp_new(ctx, I64);
    }
    ir_gen_op2(ctx, IR_OP_and, I64, t[0], G(0), C(I64, 0xff));
    ir_gen_op2(ctx, IR_OP_and, I64, G(1), t[0], C(I64, 0xffff));      /* 0: redundant */
    ir_gen_extract(ctx, I64, t[1], G(0), 8, 8);
    ir_gen_extract(ctx, I64, G(1), t[1], 0, 16);                      /* 1: redundant */
    ir_gen_op2(ctx, IR_OP_shr, I64, t[2], G(0), C(I64, 56));
    ir_gen_op2(ctx, IR_OP_and, I64, G(1), t[2], C(I64, 0xff));        /* 2: redundant */
    ir_gen_op1(ctx, IR_OP_extu_i32_i64, I64, t[3], W(0));
    ir_gen_op2(ctx, IR_OP_and, I64, G(1), t[3], C(I64, 0xffffffff));  /* 3: redundant */
    ir_gen_ld(ctx, I64, t[4], ctx->env, 256, IR_MO_8);
    ir_gen_op2(ctx, IR_OP_and, I64, G(1), C(I64, 0xff), t[4]);        /* 4: redundant */
    ir_gen_op1(ctx, IR_OP_bswap16, I64, t[5], G(0));
    ir_gen_extract(ctx, I64, G(1), t[5], 0, 32);                      /* 5: redundant */
    ir_gen_extract(ctx, I64, t[6], G(0), 0, 7);
    ir_gen_sextract(ctx, I64, G(1), t[6], 0, 8);                      /* 6: redundant */
    ir_gen_op2(ctx, IR_OP_and, I64, G(1), t[0], C(I64, 0x7f));        /* 7: needed */
    ir_gen_op2(ctx, IR_OP_or, I64, t[7], G(0), C(I64, 0x100));
    ir_gen_op2(ctx, IR_OP_or, I64, G(1), t[7], C(I64, 0x100));        /* 8: redundant */
    RUN(opt_fold);
    IrTempIdx src[] = { t[0], t[1], t[2], t[3], t[4], t[5], t[6] };
    for (int i = 0; i < 7; i++) {
        check_mov(nth_op(2 * i + 1), G(1), src[i]);
    }
    ck_assert_str_eq(opname(nth_op(14)), "and");
    check_mov(nth_op(16), G(1), t[7]);
}
END_TEST

START_TEST(known_bits_conditions)
{
    /* o and a are read by the second brcond, in another basic block */
    IrTempIdx s = ir_temp_new(ctx, I64), o = ir_temp_new_tb(ctx, I64), a = ir_temp_new_tb(ctx, I64);
    uint32_t lab = ir_label_new(ctx);

    ir_gen_setcond(ctx, I64, IR_COND_LT, s, G(0), G(1));
    ir_gen_op2(ctx, IR_OP_and, I64, G(2), s, C(I64, 1));               /* 1: mov s */
    ir_gen_setcond(ctx, I64, IR_COND_TSTNE, G(2), s, C(I64, 2));       /* 2: 0 */
    ir_gen_op2(ctx, IR_OP_or, I64, o, G(0), C(I64, 0x100));
    ir_gen_setcond(ctx, I64, IR_COND_TSTNE, G(3), o, C(I64, 0x300));   /* 4: 1 */
    ir_gen_setcond(ctx, I64, IR_COND_EQ, G(3), o, C(I64, 0));          /* 5: 0 */
    ir_gen_op2(ctx, IR_OP_and, I64, a, G(0), C(I64, 0xf0));
    ir_gen_op2(ctx, IR_OP_and, I64, G(3), a, C(I64, 0x0f));            /* 7: all bits known */
    ir_gen_brcond(ctx, I64, IR_COND_TSTEQ, o, C(I64, 0x100), lab);     /* never */
    ir_gen_brcond(ctx, I64, IR_COND_TSTEQ, a, C(I64, 0x100), lab);     /* always */
    ir_gen_set_label(ctx, lab);
    RUN(opt_fold);
    check_mov(nth_op(1), G(2), s);
    check_mov_const(nth_op(2), G(2), 0, __LINE__);
    check_mov_const(nth_op(4), G(3), 1, __LINE__);
    check_mov_const(nth_op(5), G(3), 0, __LINE__);
    check_mov_const(nth_op(7), G(3), 0, __LINE__);
    ck_assert_str_eq(opname(nth_op(8)), "br");
    ck_assert_uint_eq(count_ops(), 10);
}
END_TEST

START_TEST(known_bits_extensions)
{
    IrTempIdx x = ir_temp_new(ctx, I64), lo = ir_temp_new(ctx, I32);
    IrTempIdx y = ir_temp_new(ctx, I64), lo2 = ir_temp_new(ctx, I32);

    ir_gen_op2(ctx, IR_OP_shr, I64, x, G(0), C(I64, 40));
    ir_gen_op1(ctx, IR_OP_extrl_i64_i32, I32, lo, x);
    ir_gen_op1(ctx, IR_OP_extu_i32_i64, I64, G(1), lo);    /* == x */
    ir_gen_op1(ctx, IR_OP_exts_i32_i64, I64, G(2), lo);    /* == x: bit 31 is 0 */
    ir_gen_op2(ctx, IR_OP_shr, I64, y, G(0), C(I64, 16));
    ir_gen_op1(ctx, IR_OP_extrl_i64_i32, I32, lo2, y);
    ir_gen_op1(ctx, IR_OP_extu_i32_i64, I64, G(3), lo2);   /* y has 48 bits: needed */
    RUN(opt_fold);
    check_mov(nth_op(2), G(1), x);
    check_mov(nth_op(3), G(2), x);
    ck_assert_str_eq(opname(nth_op(6)), "extu_i32_i64");
}
END_TEST

START_TEST(known_bits_reset_at_label)
{
    IrTempIdx l0 = ir_temp_new_tb(ctx, I64);
    uint32_t lab = ir_label_new(ctx);

    ir_gen_op2(ctx, IR_OP_and, I64, l0, G(0), C(I64, 0xff));
    ir_gen_set_label(ctx, lab);
    ir_gen_op2(ctx, IR_OP_and, I64, G(1), l0, C(I64, 0xff));
    ir_gen_op2(ctx, IR_OP_and, I64, G(2), G(1), C(I64, 0xff));   /* after the label: known */
    RUN(opt_fold);
    ck_assert_str_eq(opname(nth_op(2)), "and");
    check_mov(nth_op(3), G(2), G(1));
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Liveness                                                                */

START_TEST(live_dead_ops_removed)
{
    IrTempIdx t0 = ir_temp_new(ctx, I64), t1 = ir_temp_new(ctx, I64);
    IrTempIdx l0 = ir_temp_new_tb(ctx, I64), r = ir_temp_new(ctx, I64);

    ir_gen_op2(ctx, IR_OP_add, I64, t0, G(0), C(I64, 1));
    ir_gen_op2(ctx, IR_OP_mul, I64, t1, t0, C(I64, 2));     /* t1 never read: chain dies */
    ir_gen_mov(ctx, I64, l0, G(1));                         /* TB temp never read */
    ir_gen_call(ctx, h_pure, r, (IrTempIdx[]){ G(0) });     /* result dead, no side effects */
    ir_gen_call(ctx, h_none, r, (IrTempIdx[]){ G(0) });     /* has side effects: kept */
    ir_gen_exit_tb(ctx, 0);
    RUN(opt_liveness);
    ck_assert_uint_eq(count_ops(), 2);
    ck_assert_str_eq(opname(nth_op(0)), "call");
    ck_assert_uint_eq(ir_op_cargs(nth_op(0))[0], h_none);
    ck_assert_uint_eq(nth_op(0)->dead, 1 | 2);   /* result dead; g0 not read again */
}
END_TEST

START_TEST(live_global_store_before_exit)
{
    ir_gen_op2(ctx, IR_OP_add, I64, G(0), G(0), C(I64, 1));
    ir_gen_exit_tb(ctx, 0);
    RUN(opt_liveness);
    ck_assert_uint_eq(count_ops(), 2);
    IrOp *op = nth_op(0);
    ck_assert_uint_eq(op->sync, 1);         /* g0 needed in env at the exit */
    ck_assert_uint_eq(op->dead, 1 | 2);     /* no register reads afterwards */
}
END_TEST

START_TEST(live_double_global_write)
{
    /* first write dead: no exit, call or fault point before the second */
    ir_gen_movi(ctx, I64, G(0), 1);
    ir_gen_call(ctx, h_none, ir_temp_new(ctx, I64), (IrTempIdx[]){ G(1) });
    ir_gen_movi(ctx, I64, G(0), 2);
    ir_gen_exit_tb(ctx, 0);
    RUN(opt_liveness);
    ck_assert_uint_eq(count_ops(), 3);
    ck_assert_str_eq(opname(nth_op(0)), "call");
    check_mov_const(nth_op(1), G(0), 2, __LINE__);
    ck_assert_uint_eq(nth_op(1)->sync, 1);
}
END_TEST

START_TEST(live_double_write_with_memory_point)
{
    IrTempIdx t = ir_temp_new(ctx, I64);

    /* a guest load may fault: g0 = 1 must be in env there */
    ir_gen_movi(ctx, I64, G(0), 1);
    ir_gen_guest_ld(ctx, I64, t, G(1), IR_MO_64, 0);
    ir_gen_movi(ctx, I64, G(0), 2);
    /* a call that reads globals */
    ir_gen_movi(ctx, I64, G(2), 1);
    ir_gen_call(ctx, h_ro, t, (IrTempIdx[]){ t });
    ir_gen_movi(ctx, I64, G(2), 2);
    /* read in between, but no memory point: no sync, not dead */
    ir_gen_movi(ctx, I64, G(3), 1);
    ir_gen_op2(ctx, IR_OP_add, I64, G(1), G(3), G(1));
    ir_gen_movi(ctx, I64, G(3), 2);
    /* goto_tb jumps to the next TB directly */
    ir_gen_movi(ctx, I32, W(0), 3);
    ir_gen_goto_tb(ctx, 0);
    ir_gen_exit_tb(ctx, 0);
    RUN(opt_liveness);
    ck_assert_uint_eq(count_ops(), 12);
    ck_assert_uint_eq(nth_op(0)->sync, 1);
    ck_assert_uint_eq(nth_op(0)->dead, 1);   /* memory point forgets nothing, but unread */
    ck_assert_uint_eq(nth_op(3)->sync, 1);
    ck_assert_uint_eq(nth_op(6)->sync, 0);
    ck_assert_uint_eq(nth_op(6)->dead, 0);
    ck_assert_uint_eq(nth_op(7)->dead, 7);   /* g1 out unread; both inputs overwritten */
    ck_assert_uint_eq(nth_op(7)->sync, 1);
    ck_assert_uint_eq(nth_op(9)->sync, 1);
}
END_TEST

START_TEST(live_dead_bits)
{
    IrTempIdx t0 = ir_temp_new(ctx, I64), l0 = ir_temp_new_tb(ctx, I64);
    uint32_t lab = ir_label_new(ctx);

    ir_gen_op2(ctx, IR_OP_add, I64, t0, G(0), G(1));      /* 0 */
    ir_gen_op2(ctx, IR_OP_mul, I64, l0, t0, t0);          /* 1: t0 dies here (once) */
    ir_gen_op2(ctx, IR_OP_sub, I64, G(2), G(0), l0);      /* 2 */
    ir_gen_brcond(ctx, I64, IR_COND_EQ, G(2), C(I64, 0), lab);   /* 3 */
    ir_gen_mov(ctx, I64, G(3), l0);                        /* 4 */
    ir_gen_set_label(ctx, lab);                            /* 5 */
    ir_gen_mov(ctx, I64, G(1), l0);                        /* 6 */
    ir_gen_exit_tb(ctx, 0);                                /* 7 */
    RUN(opt_liveness);
    ck_assert_uint_eq(count_ops(), 8);
    ck_assert_uint_eq(nth_op(0)->dead, 4);          /* g1 not read again; g0 is */
    ck_assert_uint_eq(nth_op(1)->dead, 2);          /* one of the two t0 positions */
    ck_assert_uint_eq(nth_op(2)->dead, 2);          /* g0 dead, g2 read by the brcond */
    ck_assert_uint_eq(nth_op(2)->sync, 1);          /* g2 needed in env at the brcond */
    ck_assert_uint_eq(nth_op(3)->dead, 1);          /* g2: registers forgotten at BB end */
    ck_assert_uint_eq(nth_op(4)->dead, 1);          /* l0 read after the label: live */
    ck_assert_uint_eq(nth_op(4)->sync, 1);
    ck_assert_uint_eq(nth_op(6)->dead, 3);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Barrier merging                                                         */

START_TEST(mb_merge)
{
    IrTempIdx t = ir_temp_new(ctx, I64);
    uint32_t lab = ir_label_new(ctx);

    ir_gen_mb(ctx, IR_MB_LD_LD);                          /* 0: absorbs 1 and 2 */
    ir_gen_op2(ctx, IR_OP_add, I64, G(0), G(0), C(I64, 1));
    ir_gen_ld(ctx, I64, t, ctx->env, 300, IR_MO_64);      /* env: not a guest access */
    ir_gen_mb(ctx, IR_MB_ST_ST);
    ir_gen_insn_start(ctx, 0x1000, 0);
    ir_gen_mb(ctx, IR_MB_ST_LD);
    ir_gen_guest_ld(ctx, I64, G(1), G(0), IR_MO_64, 0);   /* access: no merge across */
    ir_gen_mb(ctx, IR_MB_LD_LD);                          /* kept */
    ir_gen_call(ctx, h_none, t, (IrTempIdx[]){ t });
    ir_gen_mb(ctx, IR_MB_LD_ST);                          /* kept */
    ir_gen_set_label(ctx, lab);
    ir_gen_mb(ctx, IR_MB_ALL);                            /* kept */
    ir_gen_mb(ctx, IR_MB_LD_LD);                          /* merged into the ALL */
    RUN(opt_merge_barriers);
    ck_assert_uint_eq(count_ops(), 10);
    ck_assert_uint_eq(ir_op_cargs(nth_op(0))[0], IR_MB_LD_LD | IR_MB_ST_ST | IR_MB_ST_LD);
    ck_assert_str_eq(opname(nth_op(4)), "guest_ld");
    ck_assert_uint_eq(ir_op_cargs(nth_op(5))[0], IR_MB_LD_LD);
    ck_assert_uint_eq(ir_op_cargs(nth_op(7))[0], IR_MB_LD_ST);
    ck_assert_uint_eq(ir_op_cargs(nth_op(9))[0], IR_MB_ALL);
}
END_TEST

/* The worked example of jit/ir.h and docs/ir.md through the pipeline. */
START_TEST(pipeline_example)
{
    IrTempIdx t0 = ir_temp_new(ctx, I64);
    IrTempIdx rax = G(0), cc_src = G(1), cc_dst = G(2), cc_op = W(0);

    ir_gen_insn_start(ctx, 0x401000, 0);
    ir_gen_op2(ctx, IR_OP_add, I64, t0, rax, C(I64, 5));
    ir_gen_movi(ctx, I64, cc_src, 5);
    ir_gen_mov(ctx, I64, cc_dst, t0);
    ir_gen_movi(ctx, I32, cc_op, 7);
    ir_gen_mov(ctx, I64, rax, t0);
    ir_gen_insn_start(ctx, 0x401004, 0);                   /* overwrites the flags */
    ir_gen_movi(ctx, I64, cc_src, 0);
    ir_gen_mov(ctx, I64, cc_dst, rax);
    ir_gen_movi(ctx, I32, cc_op, 1);
    ir_gen_exit_tb(ctx, 0);
    RUN(opt_run);
    /* only `rax = add rax, $5` is left of the first instruction */
    ck_assert_uint_eq(count_ops(), 7);
    ck_assert_str_eq(opname(nth_op(0)), "insn_start");
    IrOp *add = nth_op(1);
    ck_assert_str_eq(opname(add), "add");
    ck_assert_uint_eq(add->args[0], rax);
    ck_assert_uint_eq(add->args[1], rax);
    ck_assert_uint_eq(add->args[2], C(I64, 5));
    ck_assert_uint_eq(add->dead, 2);        /* new rax read below; old rax dead */
    ck_assert_uint_eq(add->sync, 1);        /* needed in env at the exit */
    ck_assert_str_eq(opname(nth_op(2)), "insn_start");
    check_mov(nth_op(4), cc_dst, rax);
    ck_assert_uint_eq(nth_op(4)->dead, 3);
}
END_TEST

START_TEST(live_coalesce)
{
    IrTempIdx t[5], l0 = ir_temp_new_tb(ctx, I64);
    for (int i = 0; i < 5; i++) {
        t[i] = ir_temp_new(ctx, I64);
    }
    ir_gen_op2(ctx, IR_OP_add, I64, t[0], G(0), C(I64, 1));   /* 0: g0 may be faulted on */
    ir_gen_guest_ld(ctx, I64, t[1], G(1), IR_MO_64, 0);       /* 1 */
    ir_gen_mov(ctx, I64, G(0), t[0]);                          /* 2: kept */
    ir_gen_op2(ctx, IR_OP_add, I64, t[2], G(1), C(I64, 1));   /* 3: g1 read in between */
    ir_gen_op2(ctx, IR_OP_add, I64, G(3), G(1), t[1]);        /* 4 */
    ir_gen_mov(ctx, I64, G(1), t[2]);                          /* 5: kept */
    ir_gen_op2(ctx, IR_OP_mul, I64, t[3], G(2), G(2));        /* 6: t3 not read by a mov */
    ir_gen_call(ctx, h_rw, t[4], (IrTempIdx[]){ t[3] });       /* 7 */
    ir_gen_op2(ctx, IR_OP_sub, I64, t[4], G(2), C(I64, 1));   /* 8: becomes l0 = sub */
    ir_gen_call(ctx, h_rw, t[1], (IrTempIdx[]){ G(3) });       /* 9: no matter for a TB temp */
    ir_gen_mov(ctx, I64, l0, t[4]);                            /* 10: removed */
    ir_gen_mov(ctx, I64, G(2), l0);                            /* 11 */
    ir_gen_exit_tb(ctx, 0);
    RUN(opt_liveness);
    ck_assert_uint_eq(count_ops(), 12);
    check_mov(nth_op(2), G(0), t[0]);
    check_mov(nth_op(5), G(1), t[2]);
    ck_assert_uint_eq(nth_op(6)->args[0], t[3]);
    ck_assert_str_eq(opname(nth_op(8)), "sub");
    ck_assert_uint_eq(nth_op(8)->args[0], l0);
    ck_assert_uint_eq(nth_op(8)->dead, 2);      /* l0 read later; g2 reloaded after the call */
}
END_TEST

/* A TB temp read only before its write, through a backward branch. */
START_TEST(live_tb_temp_backward_branch)
{
    IrTempIdx l0 = ir_temp_new_tb(ctx, I64), l1 = ir_temp_new_tb(ctx, I64);
    uint32_t loop = ir_label_new(ctx);

    ir_gen_movi(ctx, I64, l0, 0);
    ir_gen_set_label(ctx, loop);
    ir_gen_op2(ctx, IR_OP_add, I64, G(0), G(0), l0);       /* reads l0 */
    ir_gen_op2(ctx, IR_OP_add, I64, l0, l0, C(I64, 1));    /* 3: live via the back edge */
    ir_gen_movi(ctx, I64, l1, 7);                           /* 4: never read: removed */
    ir_gen_brcond(ctx, I64, IR_COND_LTU, G(0), C(I64, 10), loop);  /* l0 not read here */
    ir_gen_exit_tb(ctx, 0);
    RUN(opt_liveness);
    ck_assert_uint_eq(count_ops(), 6);
    ck_assert_uint_eq(nth_op(3)->args[0], l0);
    ck_assert_uint_eq(nth_op(3)->dead, 2);    /* new l0 live at the back edge; old l0 dead */
    ck_assert_str_eq(opname(nth_op(4)), "brcond");
}
END_TEST

/* Reads of t between its definition and `g = mov t` are retargeted to g. */
START_TEST(live_coalesce_reads_between)
{
    IrTempIdx t0 = ir_temp_new(ctx, I64), t2 = ir_temp_new(ctx, I64);
    IrTempIdx l0 = ir_temp_new_tb(ctx, I64);
    uint32_t lab = ir_label_new(ctx);

    ir_gen_mov(ctx, I64, l0, C(I64, 0));
    ir_gen_op2(ctx, IR_OP_add, I64, t0, G(0), C(I64, 5));    /* 0: becomes g0 = add */
    ir_gen_mov(ctx, I64, G(2), t0);                           /* 1: reads g0 */
    ir_gen_op2(ctx, IR_OP_xor, I64, t2, t0, G(1));           /* 2: reads g0 */
    ir_gen_mov(ctx, I64, G(0), t0);                           /* 3: removed */
    ir_gen_mov(ctx, I64, G(3), t2);                           /* 4: becomes g3 = xor */
    ir_gen_brcond(ctx, I64, IR_COND_EQ, G(3), G(0), lab);
    ir_gen_op2(ctx, IR_OP_add, I64, t0, G(1), C(I64, 1));
    ir_gen_guest_st(ctx, I64, t0, G(3), IR_MO_64, 0);        /* reads t0 */
    for (int i = 2; i < COALESCE_TEST_GAP; i++) {
        ir_gen_insn_start(ctx, 0x1000 + i, 0);               /* survives, touches nothing */
    }
    ir_gen_mov(ctx, I64, l0, t0);                             /* too far: kept */
    ir_gen_set_label(ctx, lab);
    ir_gen_mov(ctx, I64, G(2), l0);
    ir_gen_exit_tb(ctx, 0);
    RUN(opt_liveness);
    IrOp *add = nth_op(1);
    ck_assert_str_eq(opname(add), "add");
    ck_assert_uint_eq(add->args[0], G(0));
    ck_assert_uint_eq(add->sync, 1);
    check_mov(nth_op(2), G(2), G(0));
    ck_assert_uint_eq(nth_op(3)->args[0], G(3));
    ck_assert_uint_eq(nth_op(3)->args[1], G(0));
    ck_assert_str_eq(opname(nth_op(4)), "brcond");
    ck_assert_uint_eq(nth_op(5)->args[0], t0);
    check_mov(nth_op(5 + COALESCE_TEST_GAP), l0, t0);
}
END_TEST

/*
 * `g = mov t` is the last use of the value of t written by the op just
 * before it; an op that writes t and cannot itself be coalesced (two
 * outputs, a call) must end that pairing, or an earlier definition of t
 * would be coalesced with the mov and g would get the wrong value.
 */
START_TEST(live_no_coalesce_past_redefinition)
{
    IrTempIdx t = ir_temp_new(ctx, I64), lo = ir_temp_new(ctx, I64);
    IrTempIdx u = ir_temp_new(ctx, I64);

    ir_gen_op2(ctx, IR_OP_sub, I64, t, G(1), C(I64, 1));          /* 0: stays t = sub */
    ir_emit(ctx, IR_OP_muls2, I64, 2, 2, (IrArg[]){ lo, t, G(2), t });   /* 1: t redefined */
    ir_gen_mov(ctx, I64, G(3), t);                                 /* 2: g3 = high half */
    ir_gen_op2(ctx, IR_OP_add, I64, u, G(1), C(I64, 2));          /* 3: stays u = add */
    ir_gen_call(ctx, h_pure, u, (IrTempIdx[]){ u });               /* 4: u redefined */
    ir_gen_mov(ctx, I64, G(0), u);                                 /* 5: g0 = call result */
    ir_gen_exit_tb(ctx, 0);
    RUN(opt_liveness);
    ck_assert_uint_eq(count_ops(), 7);
    ck_assert_str_eq(opname(nth_op(0)), "sub");
    ck_assert_uint_eq(nth_op(0)->args[0], t);
    ck_assert_uint_eq(nth_op(1)->args[1], t);
    ck_assert_uint_eq(nth_op(1)->args[3], t);
    check_mov(nth_op(2), G(3), t);
    ck_assert_str_eq(opname(nth_op(3)), "add");
    ck_assert_uint_eq(nth_op(3)->args[0], u);
    ck_assert_uint_eq(nth_op(4)->args[0], u);
    ck_assert_uint_eq(nth_op(4)->args[1], u);
    check_mov(nth_op(5), G(0), u);
}
END_TEST

static Suite *opt_suite(void)
{
    Suite *s = suite_create("opt");
    TCase *tc = tcase_create("fold");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, fold_binary);
    tcase_add_test(tc, fold_unary);
    tcase_add_test(tc, fold_fields);
    tcase_add_test(tc, fold_setcond);
    tcase_add_test(tc, fold_movcond_brcond);
    tcase_add_test(tc, fold_pairs);
    tcase_add_test(tc, no_fold_undefined);
    tcase_add_test(tc, no_fold_after_call);
    tcase_add_test(tc, no_copy_across_label);
    tcase_add_test(tc, no_block_temp_past_bb);
    tcase_add_test(tc, copy_invalidated_by_write);
    tcase_add_test(tc, no_fold_side_effects);
    tcase_add_test(tc, copy_propagation);
    tcase_add_test(tc, algebraic);
    tcase_add_test(tc, algebraic_same_operand);
    tcase_add_test(tc, brcond_same_operand);
    tcase_add_test(tc, known_bits_masks);
    tcase_add_test(tc, known_bits_conditions);
    tcase_add_test(tc, known_bits_extensions);
    tcase_add_test(tc, known_bits_reset_at_label);
    suite_add_tcase(s, tc);

    tc = tcase_create("liveness");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, live_dead_ops_removed);
    tcase_add_test(tc, live_global_store_before_exit);
    tcase_add_test(tc, live_double_global_write);
    tcase_add_test(tc, live_double_write_with_memory_point);
    tcase_add_test(tc, live_dead_bits);
    tcase_add_test(tc, live_coalesce);
    tcase_add_test(tc, live_tb_temp_backward_branch);
    tcase_add_test(tc, live_coalesce_reads_between);
    tcase_add_test(tc, live_no_coalesce_past_redefinition);
    suite_add_tcase(s, tc);

    tc = tcase_create("barriers and pipeline");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, mb_merge);
    tcase_add_test(tc, pipeline_example);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    register_helpers();
    SRunner *sr = srunner_create(opt_suite());
    srunner_add_suite(sr, opt_random_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
