/*
 * test-regalloc.c — the register allocator alone, on a simulated machine
 * with a tiny register file: 6 allocatable registers, fixed-register and
 * two-address constraints, clobbers, scratch registers and calls. The
 * allocator's output (moves, loads, stores and ops with concrete operands)
 * is recorded and executed by a simulator that trashes every clobbered and
 * scratch register; random IR programs must leave the same guest state as
 * a reference IR interpreter written here. Also run with the stress knob
 * (ra_set_reg_limit) down to 1 register.
 */
#include <check.h>
#include <glib.h>
#include <string.h>

#include "jit/opt.h"
#include "jit/regalloc.h"

#define NREG 8
#define ENV_REG 6
#define FRAME_REG 7
#define R(x) ((RaRegSet)1 << (x))
#define NG 8

typedef struct SimCpu {
    JitCpu jc;
    uint64_t g[NG];
} SimCpu;

enum { S_MOV, S_MOVI, S_LD, S_ST, S_STI, S_OP };

typedef struct SimInsn {
    uint8_t kind;
    IrType type;
    int a, b;                 /* registers */
    int32_t off;
    uint64_t v;
    const IrOp *op;
    const RaConstraint *c;
    RaOperand o[RA_MAX_OPERANDS];
} SimInsn;

static GArray *prog;          /* SimInsn */
static int *label_at;         /* instruction index per label */
static IrContext *ctx;
static IrTempIdx g[NG];
static unsigned h_pure, h_glob;

static void rec(SimInsn i) { g_array_append_val(prog, i); }
static void h_mov(void *be, IrType t, int d, int s) { rec((SimInsn){ S_MOV, t, d, s }); }
static void h_movi(void *be, IrType t, int d, uint64_t v) { rec((SimInsn){ S_MOVI, t, d, .v = v }); }
static void h_load(void *be, IrType t, int r, int base, int32_t off)
{
    rec((SimInsn){ S_LD, t, r, base, off });
}
static void h_store(void *be, IrType t, int r, int base, int32_t off)
{
    rec((SimInsn){ S_ST, t, r, base, off });
}
static void h_store_imm(void *be, IrType t, uint64_t v, int base, int32_t off)
{
    rec((SimInsn){ S_STI, t, 0, base, off, v });
}

/* Named descriptors of the simulated machine. */
static const RaConstraint c_none = { .name = "none" };
static const RaConstraint c_r_0_ri = { .name = "r_0_ri", .out = { { .alias = 1 } },
                                       .in = { { 0 }, { .imm = RA_IMM_ANY } } };
static const RaConstraint c_r_r_r = { .name = "r_r_r" };
static const RaConstraint c_xor = { .name = "r_0_r_scratch2", .nb_scratch = 2,
                                    .out = { { .alias = 1 } } };
static const RaConstraint c_mul = { .name = "mul_r0_clob1", .clobbers = R(1),
                                    .out = { { .regs = R(0), .alias = 1 } },
                                    .in = { { .regs = R(0) }, { 0 } } };
static const RaConstraint c_shl = { .name = "shift_by_r2", .out = { { .alias = 1 } },
                                    .in = { { 0 }, { .regs = R(2) } } };
static const RaConstraint c_mul2 = { .name = "mul2_r0_r1", .clobbers = R(1),
                                     .out = { { .regs = R(0), .alias = 1 }, { .regs = R(1) } },
                                     .in = { { .regs = R(0) }, { .regs = ~(R(0) | R(1)) } } };
static const RaConstraint c_setcond = { .name = "r_r_ri", .in = { { 0 }, { .imm = RA_IMM_ANY } } };
static const RaConstraint c_movcond = { .name = "movcond", .out = { { .alias = 4 } } };
static const RaConstraint c_brcond = { .name = "cmp_r_ri", .in = { { 0 }, { .imm = RA_IMM_ANY } } };
static const RaConstraint c_mov = { .name = "r_0", .out = { { .alias = 1 } } };

static const RaConstraint *h_constraint(void *be, const IrOp *op)
{
    switch (op->opc) {
    case IR_OP_add: return &c_r_0_ri;
    case IR_OP_sub: return &c_r_r_r;
    case IR_OP_xor: return &c_xor;
    case IR_OP_mul: return &c_mul;
    case IR_OP_shl: return &c_shl;
    case IR_OP_mulu2: return &c_mul2;
    case IR_OP_setcond: return &c_setcond;
    case IR_OP_movcond: return &c_movcond;
    case IR_OP_brcond: return &c_brcond;
    case IR_OP_mov: return &c_mov;
    default: return &c_none;
    }
}

static JitError h_emit(void *be, RaState *ra, const IrOp *op, const RaOperand *o)
{
    SimInsn i = { .kind = S_OP, .op = op };
    i.c = op->opc == IR_OP_call ? NULL : h_constraint(be, op);
    unsigned n = ir_op_nb_oargs(op) + ir_op_nb_iargs(op) + (i.c ? i.c->nb_scratch : 0);
    memcpy(i.o, o, n * sizeof(RaOperand));
    if (op->opc == IR_OP_set_label) {
        label_at[ir_op_cargs((IrOp *)op)[0]] = prog->len;
    }
    rec(i);
    return JIT_OK;
}

static const uint8_t order[] = { 3, 4, 5, 0, 1, 2 };
static const RaTarget sim = {
    .nb_regs = NREG,
    .class_regs = { [RA_CLASS_GPR] = 0x3f },
    .alloc_order = order, .nb_alloc_order = 6,
    .call_clobbered = R(0) | R(1) | R(2) | R(3),
    .call_arg_regs = { 0, 1, 2, 3, 4, 5 }, .call_ret_reg = 0,
    .env_reg = ENV_REG, .frame_reg = FRAME_REG, .frame_offset = 0, .frame_size = 64 * 16,
    .hooks = { h_mov, h_movi, h_load, h_store, h_store_imm, h_constraint, h_emit },
};

/* ---------------------------------------------------------------------- */
/* Semantics shared by the simulator and the reference interpreter          */

static uint64_t helper_pure(uint64_t a, uint64_t b, uint64_t c) { return a * 3 + (b ^ c); }
static uint64_t helper_glob(SimCpu *cpu)
{
    cpu->g[7] += cpu->g[0];
    return cpu->g[1] + 1;
}

/* Outputs of one op from its input values; returns the branch decision. */
static bool eval(const IrOp *op, const uint64_t *in, uint64_t *out, SimCpu *cpu)
{
    IrArg *ca = ir_op_cargs((IrOp *)op);
    unsigned __int128 p;
    switch (op->opc) {
    case IR_OP_mov: out[0] = in[0]; break;
    case IR_OP_add: out[0] = in[0] + in[1]; break;
    case IR_OP_sub: out[0] = in[0] - in[1]; break;
    case IR_OP_xor: out[0] = in[0] ^ in[1]; break;
    case IR_OP_mul: out[0] = in[0] * in[1]; break;
    case IR_OP_shl: out[0] = in[0] << (in[1] & 63); break;
    case IR_OP_mulu2:
        p = (unsigned __int128)in[0] * in[1];
        out[0] = (uint64_t)p;
        out[1] = (uint64_t)(p >> 64);
        break;
    case IR_OP_setcond: out[0] = ir_cond_eval(ca[0], in[0], in[1], 64); break;
    case IR_OP_movcond: out[0] = ir_cond_eval(ca[0], in[0], in[1], 64) ? in[2] : in[3]; break;
    case IR_OP_brcond: return ir_cond_eval(ca[0], in[0], in[1], 64);
    case IR_OP_call:
        if (ca[0] == h_pure) {
            out[0] = helper_pure(in[0], in[1], in[2]);
        } else {
            out[0] = helper_glob(cpu);
        }
        break;
    default: break;
    }
    return false;
}

/* ---------------------------------------------------------------------- */
/* Simulator                                                               */

static void simulate(SimCpu *cpu)
{
    uint64_t reg[NREG];
    static uint8_t frame[64 * 16];
    uint64_t trash = 0xdead000000000001ull;

    for (int r = 0; r < NREG; r++) {
        reg[r] = trash++;
    }
    reg[ENV_REG] = (uintptr_t)cpu;
    reg[FRAME_REG] = (uintptr_t)frame;
    for (unsigned pc = 0; pc < prog->len; pc++) {
        SimInsn *i = &g_array_index(prog, SimInsn, pc);
        unsigned sz = i->type == IR_I64 ? 8 : 4;
        switch (i->kind) {
        case S_MOV: reg[i->a] = reg[i->b]; break;
        case S_MOVI: reg[i->a] = i->v; break;
        case S_LD: reg[i->a] = 0; memcpy(&reg[i->a], (void *)(uintptr_t)(reg[i->b] + i->off), sz); break;
        case S_ST: memcpy((void *)(uintptr_t)(reg[i->b] + i->off), &reg[i->a], sz); break;
        case S_STI: memcpy((void *)(uintptr_t)(reg[i->b] + i->off), &i->v, sz); break;
        default: {
            const IrOp *op = i->op;
            unsigned no = ir_op_nb_oargs(op), ni = ir_op_nb_iargs(op);
            uint64_t in[8], out[2];
            for (unsigned k = 0; k < ni; k++) {
                in[k] = i->o[no + k].is_imm ? i->o[no + k].imm : reg[i->o[no + k].reg];
            }
            if (op->opc == IR_OP_exit_tb) {
                return;
            }
            bool taken = eval(op, in, out, cpu);
            RaRegSet clob = op->opc == IR_OP_call ? sim.call_clobbered : i->c->clobbers;
            for (unsigned k = 0; i->c && k < i->c->nb_scratch; k++) {
                clob |= R(i->o[no + ni + k].reg);
            }
            for (int r = 0; r < NREG; r++) {
                if (clob >> r & 1) {
                    reg[r] = trash++;
                }
            }
            for (unsigned k = 0; k < no; k++) {
                reg[i->o[k].reg] = out[k];
            }
            if (op->opc == IR_OP_br || taken) {
                pc = label_at[ir_op_cargs((IrOp *)op)[op->opc == IR_OP_br ? 0 : 1]] - 1;
            }
        }
        }
    }
}

/* Reference: run the IR list directly on per-temp values. */
static void reference(SimCpu *cpu)
{
    uint64_t *val = g_new0(uint64_t, ctx->nb_temps);
    for (IrOp *op = ir_first_op(ctx); op; op = ir_next_op(ctx, op)) {
        unsigned no = ir_op_nb_oargs(op), ni = ir_op_nb_iargs(op);
        uint64_t in[8], out[2];
        if (op->opc == IR_OP_exit_tb) {
            break;
        }
        for (unsigned k = 0; k < ni; k++) {
            const IrTemp *tp = ir_temp(ctx, op->args[no + k]);
            in[k] = tp->kind == IR_TEMP_CONST ? tp->val : tp->kind == IR_TEMP_GLOBAL ?
                    cpu->g[(tp->offset - offsetof(SimCpu, g)) / 8] : tp->kind == IR_TEMP_FIXED ?
                    (uintptr_t)cpu : val[op->args[no + k]];
        }
        bool taken = eval(op, in, out, cpu);
        for (unsigned k = 0; k < no; k++) {
            const IrTemp *tp = ir_temp(ctx, op->args[k]);
            if (tp->kind == IR_TEMP_GLOBAL) {
                cpu->g[(tp->offset - offsetof(SimCpu, g)) / 8] = out[k];
            } else {
                val[op->args[k]] = out[k];
            }
        }
        if (op->opc == IR_OP_br || taken) {
            uint32_t l = ir_op_cargs(op)[op->opc == IR_OP_br ? 0 : 1];
            while (!(op->opc == IR_OP_set_label && ir_op_cargs(op)[0] == l)) {
                op = ir_next_op(ctx, op);
            }
        }
    }
    g_free(val);
}

/* ---------------------------------------------------------------------- */
/* Random programs                                                         */

static uint32_t rnd_state;
static uint32_t rnd(uint32_t n)
{
    rnd_state = rnd_state * 1103515245u + 12345u;
    return (rnd_state >> 8) % n;
}

static IrTempIdx pick(IrTempIdx *pool, unsigned n)
{
    unsigned k = rnd(n + 3);
    if (k >= n) {
        static const uint64_t cs[] = { 0, 1, 0xffffffffffffffffull, 0x123456789ull, 7 };
        return ir_const_i64(ctx, cs[rnd(5)]);
    }
    return pool[k];
}

static void gen_program(unsigned nb_segments)
{
    IrTempIdx tb[4];
    ir_reset(ctx);
    for (int i = 0; i < 4; i++) {
        tb[i] = ir_temp_new_tb(ctx, IR_I64);
        ir_gen_movi(ctx, IR_I64, tb[i], i * 11);
    }
    uint32_t pending = 0;
    bool has_pending = false;
    for (unsigned s = 0; s < nb_segments; s++) {
        IrTempIdx pool[40];
        unsigned n = 0;
        for (int i = 0; i < NG; i++) {
            pool[n++] = g[i];
        }
        for (int i = 0; i < 4; i++) {
            pool[n++] = tb[i];
        }
        for (unsigned k = 0, len = 4 + rnd(14); k < len && n < 38; k++) {
            IrTempIdx d = rnd(3) ? ir_temp_new(ctx, IR_I64) : pick(pool, NG + 4);
            if (ir_temp_is_const(ctx, d)) {
                d = g[rnd(NG)];
            }
            static const IrOpcode bin[] = { IR_OP_add, IR_OP_sub, IR_OP_xor, IR_OP_mul, IR_OP_shl };
            switch (rnd(8)) {
            case 0: case 1: case 2:
                ir_gen_op2(ctx, bin[rnd(5)], IR_I64, d, pick(pool, n), pick(pool, n));
                break;
            case 3: {
                IrTempIdx hi = ir_temp_new(ctx, IR_I64);
                ir_emit(ctx, IR_OP_mulu2, IR_I64, 2, 2, (IrArg[]){ d, hi, pick(pool, n), pick(pool, n) });
                pool[n++] = hi;
                break;
            }
            case 4:
                ir_gen_setcond(ctx, IR_I64, 2 + rnd(12), d, pick(pool, n), pick(pool, n));
                break;
            case 5:
                ir_gen_movcond(ctx, IR_I64, 2 + rnd(12), d, pick(pool, n), pick(pool, n),
                               pick(pool, n), pick(pool, n));
                break;
            case 6:
                if (rnd(2)) {
                    ir_gen_call(ctx, h_pure, d, (IrTempIdx[]){ pick(pool, n), pick(pool, n), pick(pool, n) });
                } else {
                    ir_gen_call(ctx, h_glob, d, (IrTempIdx[]){ ctx->env });
                }
                break;
            default:
                ir_gen_mov(ctx, IR_I64, d, pick(pool, n));
                break;
            }
            pool[n++] = d;
        }
        /* end the segment: fall through into a label, or branch forward */
        if (has_pending && rnd(2)) {
            ir_gen_set_label(ctx, pending);
            has_pending = false;
        } else if (!has_pending) {
            pending = ir_label_new(ctx);
            has_pending = true;
            if (rnd(4)) {
                ir_gen_brcond(ctx, IR_I64, 2 + rnd(12), pick(pool, n), pick(pool, n), pending);
            } else {
                ir_gen_br(ctx, pending);
                ir_gen_set_label(ctx, pending);
                has_pending = false;
            }
        }
    }
    if (has_pending) {
        ir_gen_set_label(ctx, pending);
    }
    for (int i = 0; i < 4; i++) {
        ir_gen_op2(ctx, IR_OP_add, IR_I64, g[i], g[i], tb[i]);
    }
    ir_gen_exit_tb(ctx, 0);
}

/* hints: opt_liveness (as in the engine) or the allocator's conservative ones */
static void check_random(unsigned seed, unsigned limit, bool opt_hints)
{
    SimCpu a, b;

    rnd_state = seed;
    gen_program(2 + seed % 9);
    memset(&a, 0, sizeof a);
    for (int i = 0; i < NG; i++) {
        a.g[i] = 0x1000 * i + seed;
    }
    b = a;
    reference(&b);                      /* on the IR as generated */
    if (opt_hints) {
        opt_liveness(ctx);
    } else {
        ra_conservative_liveness(ctx);
    }
    g_array_set_size(prog, 0);
    label_at = g_new0(int, ctx->nb_labels + 1);
    ra_set_reg_limit(limit);
    ck_assert_int_eq(ra_run(&sim, NULL, ctx, true), JIT_OK);
    ra_set_reg_limit(0);
    simulate(&a);
    for (int i = 0; i < NG; i++) {
        ck_assert_msg(a.g[i] == b.g[i], "seed %u limit %u: g%d = %#lx, reference %#lx", seed,
                      limit, i, a.g[i], b.g[i]);
    }
    g_free(label_at);
}

START_TEST(test_random_full)
{
    for (unsigned seed = 1; seed <= 600; seed++) {
        check_random(seed, 0, false);
        check_random(seed, 0, true);
    }
}
END_TEST

START_TEST(test_random_tiny)
{
    for (unsigned limit = 1; limit <= 3; limit++) {
        for (unsigned seed = 1; seed <= 400; seed++) {
            check_random(seed, limit, false);
            check_random(seed, limit, true);
        }
    }
}
END_TEST

/* Liveness hints: block temps die at their last use in the BB, an input
 * redefined by the same op dies, nothing else does. */
START_TEST(test_conservative_liveness)
{
    ir_reset(ctx);
    IrTempIdx t = ir_temp_new(ctx, IR_I64), u = ir_temp_new(ctx, IR_I64);
    IrOp *o1 = ir_emit(ctx, IR_OP_add, IR_I64, 1, 2, (IrArg[]){ t, g[0], g[1] });
    IrOp *o2 = ir_emit(ctx, IR_OP_add, IR_I64, 1, 2, (IrArg[]){ u, t, t });
    IrOp *o3 = ir_emit(ctx, IR_OP_add, IR_I64, 1, 2, (IrArg[]){ g[0], g[0], u });
    IrOp *o4 = ir_emit(ctx, IR_OP_add, IR_I64, 1, 2, (IrArg[]){ t, g[2], g[2] });
    ir_gen_exit_tb(ctx, 0);
    ra_conservative_liveness(ctx);
    ck_assert_uint_eq(o1->dead, 0);
    ck_assert_uint_eq(o2->dead, 0x6);            /* both uses of t are the last */
    ck_assert_uint_eq(o3->dead, 0x6);            /* g0 redefined here; u's last use */
    ck_assert_uint_eq(o4->dead, 0x1);            /* t's new value is never read */
}
END_TEST

int main(void)
{
    char name[8];
    ctx = ir_context_new();
    for (int i = 0; i < NG; i++) {
        snprintf(name, sizeof name, "g%d", i);
        g[i] = ir_global_new(ctx, IR_I64, offsetof(SimCpu, g[i]), name);
    }
    h_pure = ir_helper_register(&(IrHelper){ "pure", (void *)helper_pure, IR_I64, 3,
        { IR_I64, IR_I64, IR_I64 }, IR_CALL_NO_READ_GLOBALS | IR_CALL_NO_WRITE_GLOBALS });
    h_glob = ir_helper_register(&(IrHelper){ "glob", (void *)helper_glob, IR_I64, 1, { IR_I64 }, 0 });
    prog = g_array_new(FALSE, FALSE, sizeof(SimInsn));

    Suite *s = suite_create("regalloc");
    TCase *tc = tcase_create("sim");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_conservative_liveness);
    tcase_add_test(tc, test_random_full);
    tcase_add_test(tc, test_random_tiny);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    g_array_free(prog, TRUE);
    ir_context_free(ctx);
    return failed ? 1 : 0;
}
