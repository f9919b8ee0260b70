/*
 * test-opt-random.c — randomized self-check of the folding and liveness
 * passes: random straight-line programs of integer ops over a few globals
 * and constants are run by a small reference evaluator (the value
 * semantics of tests/ir/ref-value.c, independent of jit/opt-eval.c)
 * before and after the passes, and the globals must come out the same.
 */
#include "tests/unit/test-opt.h"

#include <check.h>
#include <stdint.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "jit/opt.h"
#include "tests/ir/ref-value.h"

#define NB_PROGRAMS 20000
#define MAX_PROGRAM_OPS 40
#define NB_INPUTS 4             /* initial global states per program */
#define NB_TEMPS 6              /* block temps per type */

/* ---------------------------------------------------------------------- */
/* A small deterministic PRNG (xorshift64*), fixed seed. The programs must
 * be the same on every host: at most one rnd() consumer per full
 * expression (C leaves the order of function arguments unspecified, and
 * GCC evaluates them differently for x86-64 and arm64).                   */

static uint64_t rng_state = 0x243f6a8885a308d3ull;

static uint64_t rnd(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

static unsigned rnd_below(unsigned n)
{
    return (unsigned)(rnd() % n);
}

/* ---------------------------------------------------------------------- */
/* Reference evaluator (value semantics: tests/ir/ref-value.c)             */

/* Helpers the random programs call, with their reference behaviour. */
static unsigned h_clobber, h_pure, h_ro;

static uint64_t helper_clobber(uint64_t a) { return a; }   /* never called */

static void register_random_helpers(void)
{
    IrHelper h = { .func = (void *)helper_clobber, .ret = IR_I64, .nb_args = 1,
                   .args = { IR_I64 } };
    h.name = "rnd_clobber";                 /* g1 = g1 * 3 + a; w0 ^= 0xffff; a ^ g2 */
    h_clobber = ir_helper_register(&h);
    h.name = "rnd_pure";                    /* a * 7 + 1 */
    h.flags = IR_CALL_NO_READ_GLOBALS | IR_CALL_NO_WRITE_GLOBALS | IR_CALL_NO_SIDE_EFFECTS;
    h_pure = ir_helper_register(&h);
    h.name = "rnd_ro";                      /* a + g0 */
    h.flags = IR_CALL_NO_WRITE_GLOBALS;
    h_ro = ir_helper_register(&h);
}

static void ref_call(IrContext *ctx, uint64_t *vals, IrOp *op)
{
    unsigned id = (unsigned)ir_op_cargs(op)[0];
    IrTempIdx at = op->args[1];
    uint64_t a = ir_temp_is_const(ctx, at) ? ir_temp(ctx, at)->val : vals[at], r;

    if (id == h_clobber) {
        vals[test_g[1]] = vals[test_g[1]] * 3 + a;
        vals[test_w[0]] ^= 0xffff;
        r = a ^ vals[test_g[2]];
    } else if (id == h_pure) {
        r = a * 7 + 1;
    } else {
        r = a + vals[test_g[0]];
    }
    vals[op->args[0]] = r;
}

/* A branch: the label to skip forward to, or -1 when not taken. */
static int64_t ref_branch(IrContext *ctx, uint64_t *vals, IrOp *op)
{
    if (op->opc == IR_OP_br) {
        return (int64_t)op->args[0];
    }
    unsigned bits = op->type == IR_I64 ? 64 : 32;
    uint64_t in[2];
    for (int i = 0; i < 2; i++) {
        IrTempIdx t = op->args[i];
        in[i] = ir_temp_is_const(ctx, t) ? ir_temp(ctx, t)->val : vals[t];
    }
    return ref_cond((IrCond)op->args[2], in[0], in[1], bits) ? (int64_t)op->args[3] : -1;
}

static void ref_op(IrContext *ctx, uint64_t *vals, IrOp *op);

/* Block temps die at the end of their basic block: poison them, so that a
 * pass that reads one past its block gives a different result. */
static void kill_block_temps(IrContext *ctx, uint64_t *vals)
{
    for (uint32_t t = ctx->nb_globals; t < ctx->nb_temps; t++) {
        if (ir_temp(ctx, t)->kind == IR_TEMP_BLOCK) {
            vals[t] = 0xdead0000dead0000ull;
        }
    }
}

/* Run the op list on `vals` (indexed by temp; globals preset); branches
 * only go forward. */
static void ref_run(IrContext *ctx, uint64_t *vals)
{
    int64_t skip_to = -1;

    IR_FOR_EACH_OP(ctx, op) {
        if (op->opc == IR_OP_set_label) {
            skip_to = skip_to == (int64_t)op->args[0] ? -1 : skip_to;
            kill_block_temps(ctx, vals);
        } else if (skip_to >= 0) {
            continue;
        } else if (op->opc == IR_OP_brcond || op->opc == IR_OP_br) {
            skip_to = ref_branch(ctx, vals, op);
            kill_block_temps(ctx, vals);
        } else if (op->opc == IR_OP_call) {
            ref_call(ctx, vals, op);
        } else if (ir_op_nb_oargs(op)) {
            ref_op(ctx, vals, op);
        }
    }
}

static void ref_op(IrContext *ctx, uint64_t *vals, IrOp *op)
{
    unsigned o = ir_op_nb_oargs(op), ni = ir_op_nb_iargs(op);
    uint64_t in[5] = { 0 }, r0 = 0, r1 = 0;
    IrArg *c = ir_op_cargs(op);
    unsigned bits = ir_temp(ctx, op->args[0])->type == IR_I64 ? 64 : 32;
    for (unsigned i = 0; i < ni; i++) {
        IrTempIdx t = op->args[o + i];
        in[i] = ir_temp_is_const(ctx, t) ? ir_temp(ctx, t)->val : vals[t];
    }
    unsigned ibits = ir_temp(ctx, op->args[o])->type == IR_I64 ? 64 : 32;
    switch (op->opc) {
    case IR_OP_mov: case IR_OP_neg: case IR_OP_not: case IR_OP_popcnt: case IR_OP_bswap16:
    case IR_OP_bswap32: case IR_OP_bswap64: case IR_OP_extu_i32_i64: case IR_OP_exts_i32_i64:
    case IR_OP_extrl_i64_i32: case IR_OP_extrh_i64_i32:
        r0 = ref_unary((IrOpcode)op->opc, in[0], bits, ibits);
        break;
    case IR_OP_extract: case IR_OP_sextract: case IR_OP_deposit:
        r0 = ref_field((IrOpcode)op->opc, in[0], in[1], (unsigned)c[0], (unsigned)c[1]);
        break;
    case IR_OP_setcond:       r0 = ref_cond((IrCond)c[0], in[0], in[1], bits); break;
    case IR_OP_negsetcond:    r0 = ref_cond((IrCond)c[0], in[0], in[1], bits) ? ~0ull : 0; break;
    case IR_OP_movcond:
        r0 = ref_cond((IrCond)c[0], in[0], in[1], bits) ? in[2] : in[3];
        break;
    case IR_OP_mulu2: case IR_OP_muls2: case IR_OP_addcarry: case IR_OP_subborrow:
        ref_pair((IrOpcode)op->opc, in, bits, &r0, &r1);
        break;
    default:
        r0 = ref_binary((IrOpcode)op->opc, in[0], in[1], bits);
        break;
    }
    vals[op->args[0]] = r0 & ref_mask(bits);
    if (o == 2) {
        vals[op->args[1]] = r1 & ref_mask(bits);
    }
}

/* ---------------------------------------------------------------------- */
/* Random programs                                                         */

typedef struct Gen {
    IrContext *ctx;
    IrTempIdx temps[2][NB_TEMPS];     /* [0]: i32, [1]: i64 */
    bool defined[2][NB_TEMPS];
    IrTempIdx tb[2];                  /* one TB temp per type, defined up front */
    struct { uint32_t label; unsigned at; } pending[4];   /* forward branch targets */
    unsigned nb_pending;
} Gen;

static uint64_t edge_value(IrType t)
{
    static const uint64_t e64[] = {
        0, 1, 2, 3, ~0ull, 0x8000000000000000ull, 0x7fffffffffffffffull, 31, 32, 33, 63, 64,
        65, 0xff, 0xffff, 0xffffffffull, 0x80000000ull, 0x100000000ull, 0xf0, 7,
    };
    static const uint64_t e32[] = {
        0, 1, 2, 3, 0xffffffff, 0x80000000, 0x7fffffff, 15, 16, 31, 32, 33, 0xff, 0xffff,
        0xff00, 0xf0, 7,
    };
    unsigned k = rnd_below(4);
    if (k == 0) {
        return rnd();
    }
    if (t == IR_I64) {
        return e64[rnd_below(sizeof(e64) / sizeof(e64[0]))];
    }
    return e32[rnd_below(sizeof(e32) / sizeof(e32[0]))];
}

static IrTempIdx pick_input(Gen *g, IrType t)
{
    unsigned ti = t == IR_I64;
    switch (rnd_below(10)) {
    case 0: case 1:
        return ir_const(g->ctx, t, edge_value(t));
    case 2: case 3: case 4:
        return t == IR_I64 ? test_g[rnd_below(TEST_NB_G)] : test_w[rnd_below(TEST_NB_W)];
    case 5:
        return g->tb[ti];
    default: {
        unsigned i = rnd_below(NB_TEMPS);
        return g->defined[ti][i] ? g->temps[ti][i] : pick_input(g, t);
    }
    }
}

static IrTempIdx pick_output(Gen *g, IrType t)
{
    unsigned ti = t == IR_I64;
    switch (rnd_below(3)) {
    case 0:
        return t == IR_I64 ? test_g[rnd_below(TEST_NB_G)] : test_w[rnd_below(TEST_NB_W)];
    default: {
        unsigned i = rnd_below(NB_TEMPS);
        g->defined[ti][i] = true;
        return g->temps[ti][i];
    }
    }
}

static const IrOpcode binary_ops[] = {
    IR_OP_add, IR_OP_sub, IR_OP_mul, IR_OP_and, IR_OP_or, IR_OP_xor, IR_OP_andc, IR_OP_orc,
    IR_OP_shl, IR_OP_shr, IR_OP_sar, IR_OP_rotl, IR_OP_rotr, IR_OP_divu, IR_OP_divs,
    IR_OP_remu, IR_OP_rems, IR_OP_clz, IR_OP_ctz,
};
static const IrOpcode unary_ops[] = {
    IR_OP_mov, IR_OP_neg, IR_OP_not, IR_OP_popcnt, IR_OP_bswap16, IR_OP_bswap32, IR_OP_bswap64,
};
static const IrOpcode pair_ops[] = { IR_OP_mulu2, IR_OP_muls2, IR_OP_addcarry, IR_OP_subborrow };

#define PICK(arr) (arr)[rnd_below(sizeof(arr) / sizeof((arr)[0]))]

static void gen_fields(Gen *g, IrType t, unsigned bits)
{
    unsigned len = 1 + rnd_below(bits), pos = rnd_below(bits - len + 1);
    IrTempIdx a = pick_input(g, t), b = pick_input(g, t);
    IrTempIdx d = pick_output(g, t);      /* outputs after inputs: never read undefined */
    switch (rnd_below(3)) {
    case 0: ir_gen_extract(g->ctx, t, d, a, pos, len); break;
    case 1: ir_gen_sextract(g->ctx, t, d, a, pos, len); break;
    default: ir_gen_deposit(g->ctx, t, d, a, b, pos, len); break;
    }
}

static void gen_compare(Gen *g, IrType t)
{
    IrCond c = (IrCond)rnd_below(IR_COND_COUNT);
    IrTempIdx a = pick_input(g, t), b = rnd_below(4) ? pick_input(g, t) : a;
    IrTempIdx vt = pick_input(g, t), vf = rnd_below(8) ? pick_input(g, t) : vt;
    IrTempIdx d = pick_output(g, t);
    switch (rnd_below(3)) {
    case 0: ir_gen_setcond(g->ctx, t, c, d, a, b); break;
    case 1: ir_emit(g->ctx, IR_OP_negsetcond, t, 1, 2, (IrArg[]){ d, a, b, c }); break;
    default: ir_gen_movcond(g->ctx, t, c, d, a, b, vt, vf); break;
    }
}

static void gen_pair(Gen *g, IrType t)
{
    IrOpcode opc = PICK(pair_ops);
    IrTempIdx a = pick_input(g, t), b = pick_input(g, t), c = pick_input(g, t);
    IrTempIdx d0 = pick_output(g, t), d1;
    do {
        d1 = pick_output(g, t);
    } while (d1 == d0);
    bool three = opc == IR_OP_addcarry || opc == IR_OP_subborrow;
    ir_emit(g->ctx, opc, t, 2, three ? 3 : 2, (IrArg[]){ d0, d1, a, b, c });
}

static void gen_op(Gen *g)
{
    IrType t = rnd_below(2) ? IR_I64 : IR_I32;
    unsigned bits = t == IR_I64 ? 64 : 32;
    IrTempIdx a = pick_input(g, t), b = rnd_below(5) ? pick_input(g, t) : a;
    IrOpcode opc;

    switch (rnd_below(14)) {
    case 12: case 13:
        /* copies between globals and temps feed copy propagation */
        ir_gen_mov(g->ctx, t, pick_output(g, t), a);
        break;
    case 0: case 1: case 2: case 3:
        opc = PICK(binary_ops);         /* not in the call: argument order is unspecified */
        ir_gen_op2(g->ctx, opc, t, pick_output(g, t), a, b);
        break;
    case 4: case 5:
        opc = PICK(unary_ops);
        opc = opc == IR_OP_bswap64 && t == IR_I32 ? IR_OP_not : opc;
        ir_gen_op1(g->ctx, opc, t, pick_output(g, t), a);
        break;
    case 6:
        gen_fields(g, t, bits);
        break;
    case 7: case 8:
        gen_compare(g, t);
        break;
    case 9:
        gen_pair(g, t);
        break;
    default:
        if (t == IR_I64) {
            opc = rnd_below(2) ? IR_OP_extrl_i64_i32 : IR_OP_extrh_i64_i32;
            ir_gen_op1(g->ctx, opc, IR_I32, pick_output(g, IR_I32), a);
        } else {
            opc = rnd_below(2) ? IR_OP_extu_i32_i64 : IR_OP_exts_i32_i64;
            ir_gen_op1(g->ctx, opc, IR_I64, pick_output(g, IR_I64), a);
        }
        break;
    }
}

/* Place the pending labels due at op number i (all of them for ~0u). */
static void place_labels(Gen *g, unsigned i)
{
    for (unsigned k = 0; k < g->nb_pending;) {
        if (g->pending[k].at <= i) {
            ir_gen_set_label(g->ctx, g->pending[k].label);
            memset(g->defined, 0, sizeof(g->defined));
            g->pending[k] = g->pending[--g->nb_pending];
        } else {
            k++;
        }
    }
}

/* A forward brcond (or br) to a label placed a few ops later. */
static void gen_branch(Gen *g, unsigned i, bool uncond)
{
    if (g->nb_pending == 4) {
        return;
    }
    uint32_t label = ir_label_new(g->ctx);
    g->pending[g->nb_pending].label = label;
    g->pending[g->nb_pending++].at = i + 1 + rnd_below(8);
    if (uncond) {
        ir_gen_br(g->ctx, label);
    } else {
        IrType t = rnd_below(2) ? IR_I64 : IR_I32;
        IrTempIdx a = pick_input(g, t), b = rnd_below(4) ? pick_input(g, t) : a;
        ir_gen_brcond(g->ctx, t, (IrCond)rnd_below(IR_COND_COUNT), a, b, label);
    }
    memset(g->defined, 0, sizeof(g->defined));   /* block temps die here */
}

static void gen_call(Gen *g)
{
    static const unsigned *const ids[] = { &h_clobber, &h_pure, &h_ro };
    IrTempIdx a = pick_input(g, IR_I64);
    unsigned id = *ids[rnd_below(3)];
    ir_gen_call(g->ctx, id, pick_output(g, IR_I64), (IrTempIdx[]){ a });
}

static void gen_program(Gen *g)
{
    unsigned n = 1 + rnd_below(MAX_PROGRAM_OPS);

    memset(g->defined, 0, sizeof(g->defined));
    for (int ti = 0; ti < 2; ti++) {
        IrType t = ti ? IR_I64 : IR_I32;
        for (int i = 0; i < NB_TEMPS; i++) {
            g->temps[ti][i] = ir_temp_new(g->ctx, t);
        }
        g->tb[ti] = ir_temp_new_tb(g->ctx, t);
        ir_gen_movi(g->ctx, t, g->tb[ti], edge_value(t));
    }
    g->nb_pending = 0;
    for (unsigned i = 0; i < n; i++) {
        place_labels(g, i);
        switch (rnd_below(24)) {
        case 0:
            /* a label nobody branches to: a merge point where block temps die */
            ir_gen_set_label(g->ctx, ir_label_new(g->ctx));
            memset(g->defined, 0, sizeof(g->defined));
            break;
        case 1: case 2:
            gen_branch(g, i, false);
            break;
        case 3:
            gen_branch(g, i, true);
            break;
        case 4: case 5:
            gen_call(g);
            break;
        default:
            gen_op(g);
            break;
        }
    }
    place_labels(g, ~0u);
    ir_gen_exit_tb(g->ctx, 0);
}

/* ---------------------------------------------------------------------- */

static void run_inputs(IrContext *ctx, uint64_t inputs[NB_INPUTS][TEST_NB_G + TEST_NB_W],
                       uint64_t out[NB_INPUTS][TEST_NB_G + TEST_NB_W])
{
    uint64_t *vals = g_new0(uint64_t, ctx->nb_temps);
    for (int k = 0; k < NB_INPUTS; k++) {
        memset(vals, 0, ctx->nb_temps * sizeof(uint64_t));
        for (int i = 0; i < TEST_NB_G; i++) {
            vals[test_g[i]] = inputs[k][i];
        }
        for (int i = 0; i < TEST_NB_W; i++) {
            vals[test_w[i]] = inputs[k][TEST_NB_G + i] & 0xffffffffull;
        }
        ref_run(ctx, vals);
        for (int i = 0; i < TEST_NB_G; i++) {
            out[k][i] = vals[test_g[i]];
        }
        for (int i = 0; i < TEST_NB_W; i++) {
            out[k][TEST_NB_G + i] = vals[test_w[i]];
        }
    }
    g_free(vals);
}

static void check_same(IrContext *ctx, const char *pass, int prog,
                       uint64_t a[NB_INPUTS][TEST_NB_G + TEST_NB_W],
                       uint64_t b[NB_INPUTS][TEST_NB_G + TEST_NB_W])
{
    if (memcmp(a, b, sizeof(uint64_t) * NB_INPUTS * (TEST_NB_G + TEST_NB_W)) == 0) {
        return;
    }
    fprintf(stderr, "program %d differs after %s; optimized program:\n", prog, pass);
    IR_FOR_EACH_OP(ctx, op) {
        fprintf(stderr, "  %s.%s", ir_op_defs[op->opc].name, ir_type_name((IrType)op->type));
        for (unsigned i = 0; i < ir_op_nb_oargs(op) + ir_op_nb_iargs(op) + ir_op_nb_cargs(op); i++) {
            fprintf(stderr, " %llu", (unsigned long long)op->args[i]);
        }
        fprintf(stderr, "\n");
    }
    ck_abort_msg("program %d: globals differ after %s", prog, pass);
}

static void check_valid(IrContext *ctx, const char *after, int prog)
{
    char msg[256];
    if (!ir_verify(ctx, msg, sizeof(msg))) {
        ir_print(ctx, stderr);
        ck_abort_msg("program %d: IR invalid after %s: %s", prog, after, msg);
    }
}

START_TEST(random_programs)
{
    IrContext *ctx = test_opt_context();
    Gen g = { .ctx = ctx };
    uint64_t inputs[NB_INPUTS][TEST_NB_G + TEST_NB_W];
    uint64_t before[NB_INPUTS][TEST_NB_G + TEST_NB_W], after[NB_INPUTS][TEST_NB_G + TEST_NB_W];
    unsigned ops_before = 0, ops_after = 0;
    gint64 pass_us = 0;

    for (int prog = 0; prog < NB_PROGRAMS; prog++) {
        ir_reset(ctx);
        gen_program(&g);
        for (int k = 0; k < NB_INPUTS; k++) {
            for (int i = 0; i < TEST_NB_G + TEST_NB_W; i++) {
                inputs[k][i] = rnd_below(3) ? rnd() : edge_value(IR_I64);
            }
        }
        ops_before += ctx->nb_live_ops;
        check_valid(ctx, "generation", prog);
        run_inputs(ctx, inputs, before);
        gint64 t0 = g_get_monotonic_time();
        opt_fold(ctx);
        pass_us += g_get_monotonic_time() - t0;
        check_valid(ctx, "opt_fold", prog);
        run_inputs(ctx, inputs, after);
        check_same(ctx, "opt_fold", prog, before, after);
        t0 = g_get_monotonic_time();
        opt_liveness(ctx);
        pass_us += g_get_monotonic_time() - t0;
        check_valid(ctx, "opt_liveness", prog);
        run_inputs(ctx, inputs, after);
        check_same(ctx, "opt_liveness", prog, before, after);
        ops_after += ctx->nb_live_ops;
    }
    /* informational: the passes are timed, not judged */
    fprintf(stderr, "test-opt: %d random programs, %u ops before, %u after fold+liveness "
            "(%.1f ns per input op in the two passes)\n", NB_PROGRAMS, ops_before, ops_after,
            1000.0 * (double)pass_us / ops_before);
    ir_context_free(ctx);
}
END_TEST

Suite *opt_random_suite(void)
{
    Suite *s = suite_create("opt-random");
    register_random_helpers();
    TCase *tc = tcase_create("fold-vs-reference");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, random_programs);
    suite_add_tcase(s, tc);
    return s;
}
