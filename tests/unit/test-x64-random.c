/*
 * test-x64-random.c — random IR programs on the x86-64 backend compared with
 * a reference IR interpreter written here from the op specs: mixed i32/i64
 * arithmetic, shifts by registers and constants, bit fields, compares and
 * selects, double-width ops, helper calls, forward branches, TB temps and
 * user-mode guest loads/stores. Each program also runs with the register
 * file limited to one register per class and with the cpuid features off,
 * so the allocator's spills/moves and the lowering's fallbacks meet random
 * register assignments.
 */
#include <check.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "backend-x86_64/x64-enc.h"
#include "jit/backend.h"
#include "jit/opt.h"
#include "jit/regalloc.h"
#include "jit/softmmu.h"

typedef struct RCpu {
    JitCpu jc;
    uint64_t r[8];
    uint32_t w[4];
} RCpu;

#define MEM_SIZE 0x400
#define GUEST_MEM 0x7000ull

static IrContext *ctx;
static IrTempIdx gr[8], gw[4];
static uint8_t *code;
static size_t code_start;
static uint8_t mem_native[MEM_SIZE], mem_ref[MEM_SIZE];
static unsigned h_mix;

/* The backend links against these; user-mode code here never calls them. */
const void *jit_lookup_tb_ptr(JitCpu *cpu) { return NULL; }
uint64_t jit_ld_helper(JitCpu *c, uint64_t a, uint32_t oi, uintptr_t ra) { ck_abort(); return 0; }
void jit_st_helper(JitCpu *c, uint64_t a, uint64_t v, uint32_t oi, uintptr_t ra) { ck_abort(); }
void jit_ld128_helper(JitCpu *c, uint64_t a, uint32_t oi, uintptr_t ra, uint64_t o[2]) { ck_abort(); }
void jit_st128_helper(JitCpu *c, uint64_t a, const uint64_t v[2], uint32_t oi, uintptr_t ra) { ck_abort(); }
uint64_t jit_atomic_cmpxchg_helper(JitCpu *c, uint64_t a, uint64_t cmp, uint64_t nv, uint32_t oi,
                                   uintptr_t ra) { ck_abort(); return 0; }
uint64_t jit_atomic_rmw_helper(JitCpu *c, uint64_t a, uint64_t v, JitAtomicOp op, uint32_t oi,
                               uintptr_t ra) { ck_abort(); return 0; }
void jit_atomic_cmpxchg128_helper(JitCpu *c, uint64_t a, const uint64_t cmp[2], const uint64_t nv[2],
                                  uint32_t oi, uintptr_t ra, uint64_t old[2]) { ck_abort(); }

static uint64_t helper_mix(uint64_t a, uint64_t b, uint32_t c)
{
    return (a ^ (b >> 3)) * 0x9e3779b97f4a7c15ull + c;
}

/* ---------------------------------------------------------------------- */
/* Reference semantics                                                     */

static uint64_t tr(IrType t, uint64_t v) { return t == IR_I64 ? v : (uint32_t)v; }
static int64_t sx(IrType t, uint64_t v) { return t == IR_I64 ? (int64_t)v : (int32_t)v; }

static uint64_t ref2(IrOpcode opc, IrType t, uint64_t a, uint64_t b)
{
    unsigned w = t == IR_I64 ? 64 : 32, n = b & (w - 1);
    a = tr(t, a);
    b = tr(t, b);
    switch (opc) {
    case IR_OP_add: return tr(t, a + b);
    case IR_OP_sub: return tr(t, a - b);
    case IR_OP_mul: return tr(t, a * b);
    case IR_OP_and: return a & b;
    case IR_OP_or: return a | b;
    case IR_OP_xor: return a ^ b;
    case IR_OP_andc: return tr(t, a & ~b);
    case IR_OP_orc: return tr(t, a | ~b);
    case IR_OP_shl: return tr(t, a << n);
    case IR_OP_shr: return a >> n;
    case IR_OP_sar: return tr(t, (uint64_t)(sx(t, a) >> n));
    case IR_OP_rotl: return n ? tr(t, a << n | a >> (w - n)) : a;
    case IR_OP_rotr: return n ? tr(t, a >> n | a << (w - n)) : a;
    case IR_OP_divu: return a / b;
    case IR_OP_remu: return a % b;
    case IR_OP_divs: return tr(t, (uint64_t)(sx(t, a) / sx(t, b)));
    case IR_OP_rems: return tr(t, (uint64_t)(sx(t, a) % sx(t, b)));
    case IR_OP_clz: return a ? (uint64_t)__builtin_clzll(a) - (64 - w) : b;
    case IR_OP_ctz: return a ? (uint64_t)__builtin_ctzll(a) : b;
    default: ck_abort(); return 0;
    }
}

static uint64_t ref1(IrOpcode opc, IrType t, uint64_t a)
{
    /* the input of extrl/extrh is i64 whatever the op's (output) type */
    a = opc == IR_OP_extrl_i64_i32 || opc == IR_OP_extrh_i64_i32 ? a : tr(t, a);
    switch (opc) {
    case IR_OP_mov: return a;
    case IR_OP_neg: return tr(t, -a);
    case IR_OP_not: return tr(t, ~a);
    case IR_OP_popcnt: return __builtin_popcountll(a);
    case IR_OP_bswap16: return __builtin_bswap16(a);
    case IR_OP_bswap32: return __builtin_bswap32(a);
    case IR_OP_bswap64: return __builtin_bswap64(a);
    case IR_OP_extu_i32_i64: return (uint32_t)a;
    case IR_OP_exts_i32_i64: return (uint64_t)(int64_t)(int32_t)a;
    case IR_OP_extrl_i64_i32: return (uint32_t)a;
    case IR_OP_extrh_i64_i32: return a >> 32;
    default: ck_abort(); return 0;
    }
}

/* Interpret the op list; values of non-global temps in val[]. */
static void reference(RCpu *cpu)
{
    static uint64_t val[4096];
    ck_assert_uint_lt(ctx->nb_temps, 4096);
    for (IrOp *op = ir_first_op(ctx); op; op = ir_next_op(ctx, op)) {
        unsigned no = ir_op_nb_oargs(op), ni = ir_op_nb_iargs(op);
        IrArg *ca = ir_op_cargs(op);
        IrType t = op->type;
        uint64_t in[8], out[2] = { 0 };
        for (unsigned k = 0; k < ni; k++) {
            const IrTemp *tp = ir_temp(ctx, op->args[no + k]);
            in[k] = tp->kind == IR_TEMP_CONST ? tp->val
                  : tp->kind == IR_TEMP_GLOBAL ? (tp->type == IR_I64 ?
                        *(uint64_t *)((uint8_t *)cpu + tp->offset) : *(uint32_t *)((uint8_t *)cpu + tp->offset))
                  : tp->kind == IR_TEMP_FIXED ? (uintptr_t)cpu : val[op->args[no + k]];
        }
        unsigned w = t == IR_I64 ? 64 : 32;
        uint64_t mask;
        unsigned __int128 p;
        __int128 ps;
        switch (op->opc) {
        case IR_OP_exit_tb:
            return;
        case IR_OP_brcond:
            if (ir_cond_eval(ca[0], in[0], in[1], w)) {
                while (!(op->opc == IR_OP_set_label && ir_op_cargs(op)[0] == ca[1])) {
                    op = ir_next_op(ctx, op);
                }
            }
            continue;
        case IR_OP_set_label: case IR_OP_insn_start:
            continue;
        case IR_OP_setcond: out[0] = ir_cond_eval(ca[0], in[0], in[1], w); break;
        case IR_OP_negsetcond: out[0] = tr(t, -(uint64_t)ir_cond_eval(ca[0], in[0], in[1], w)); break;
        case IR_OP_movcond: out[0] = tr(t, ir_cond_eval(ca[0], in[0], in[1], w) ? in[2] : in[3]); break;
        case IR_OP_extract: case IR_OP_sextract:
            mask = ca[1] == 64 ? ~0ull : (1ull << ca[1]) - 1;
            out[0] = (tr(t, in[0]) >> ca[0]) & mask;
            if (op->opc == IR_OP_sextract && out[0] >> (ca[1] - 1) & 1) {
                out[0] = tr(t, out[0] | ~mask);
            }
            break;
        case IR_OP_deposit:
            mask = ca[1] == 64 ? ~0ull : (1ull << ca[1]) - 1;
            out[0] = tr(t, (in[0] & ~(mask << ca[0])) | ((in[1] & mask) << ca[0]));
            break;
        case IR_OP_mulu2:
            p = (unsigned __int128)tr(t, in[0]) * tr(t, in[1]);
            out[0] = tr(t, (uint64_t)p);
            out[1] = tr(t, (uint64_t)(p >> w));
            break;
        case IR_OP_muls2:
            ps = (__int128)sx(t, in[0]) * sx(t, in[1]);
            out[0] = tr(t, (uint64_t)ps);
            out[1] = tr(t, (uint64_t)((unsigned __int128)ps >> w));
            break;
        case IR_OP_addcarry:
            p = (unsigned __int128)tr(t, in[0]) + tr(t, in[1]) + (in[2] & 1);
            out[0] = tr(t, (uint64_t)p);
            out[1] = (uint64_t)(p >> w) & 1;
            break;
        case IR_OP_subborrow:
            out[0] = tr(t, in[0] - in[1] - (in[2] & 1));
            out[1] = (unsigned __int128)tr(t, in[1]) + (in[2] & 1) > tr(t, in[0]);
            break;
        case IR_OP_call:
            out[0] = helper_mix(in[0], in[1], in[2]);
            break;
        case IR_OP_guest_ld: {
            unsigned sz = ir_memop_size(ca[0]);
            uint64_t v = 0;
            memcpy(&v, mem_ref + (in[0] - GUEST_MEM), sz);
            if (ca[0] & IR_MO_SIGN && sz < 8) {
                v = (uint64_t)((int64_t)(v << (64 - 8 * sz)) >> (64 - 8 * sz));
            }
            out[0] = tr(t, v);
            break;
        }
        case IR_OP_guest_st:
            memcpy(mem_ref + (in[1] - GUEST_MEM), &in[0], ir_memop_size(ca[0]));
            continue;
        default:
            if (ni == 2) {
                out[0] = ref2(op->opc, t, in[0], in[1]);
            } else {
                out[0] = ref1(op->opc, t, in[0]);
            }
            break;
        }
        for (unsigned k = 0; k < no; k++) {
            const IrTemp *tp = ir_temp(ctx, op->args[k]);
            if (tp->kind == IR_TEMP_GLOBAL && tp->type == IR_I64) {
                *(uint64_t *)((uint8_t *)cpu + tp->offset) = out[k];
            } else if (tp->kind == IR_TEMP_GLOBAL) {
                *(uint32_t *)((uint8_t *)cpu + tp->offset) = (uint32_t)out[k];
            } else {
                val[op->args[k]] = tp->type == IR_I32 ? (uint32_t)out[k] : out[k];
            }
        }
    }
}

/* ---------------------------------------------------------------------- */
/* Generator                                                               */

static uint32_t seed_state;
static uint32_t rnd(uint32_t n)
{
    seed_state = seed_state * 1664525u + 1013904223u;
    return (seed_state >> 7) % n;
}

typedef struct Pool {
    IrTempIdx t[64];
    unsigned n;
} Pool;

static const uint64_t consts[] = { 0, 1, 3, 31, 32, 63, 0x80, 0xffffffff, 0x80000000,
                                   0x7fffffffffffffffull, 0x8000000000000000ull, ~0ull,
                                   0x123456789abcdef0ull };

static IrTempIdx src(Pool *p, IrType t)
{
    if (rnd(5) == 0) {
        return ir_const(ctx, t, consts[rnd(sizeof(consts) / sizeof(consts[0]))]);
    }
    return p[t == IR_I64].t[rnd(p[t == IR_I64].n)];
}

static IrTempIdx dst(Pool *p, IrType t)
{
    Pool *q = &p[t == IR_I64];
    IrTempIdx d;
    if (rnd(3)) {
        d = ir_temp_new(ctx, t);
        if (q->n < 64) {
            q->t[q->n++] = d;
        }
    } else {
        d = t == IR_I64 ? gr[rnd(8)] : gw[rnd(4)];
    }
    return d;
}

/* A guest address inside the buffer: GUEST_MEM + (x & 0x3f0) + k. */
static IrTempIdx addr(Pool *p, unsigned size)
{
    IrTempIdx a = ir_temp_new(ctx, IR_I64);
    ir_gen_op2(ctx, IR_OP_and, IR_I64, a, src(p, IR_I64), ir_const_i64(ctx, 0x3f0));
    ir_gen_op2(ctx, IR_OP_add, IR_I64, a, a, ir_const_i64(ctx, GUEST_MEM + rnd(16 - size + 1)));
    return a;
}

/* Sources are picked before the destination (a new temp joins the pool). */
static void gen_op(Pool *p)
{
    static const IrOpcode bin[] = { IR_OP_add, IR_OP_sub, IR_OP_mul, IR_OP_and, IR_OP_or,
        IR_OP_xor, IR_OP_andc, IR_OP_orc, IR_OP_shl, IR_OP_shr, IR_OP_sar, IR_OP_rotl,
        IR_OP_rotr, IR_OP_clz, IR_OP_ctz };
    static const IrOpcode div[] = { IR_OP_divu, IR_OP_divs, IR_OP_remu, IR_OP_rems };
    static const IrOpcode un[] = { IR_OP_mov, IR_OP_neg, IR_OP_not, IR_OP_popcnt,
        IR_OP_bswap16, IR_OP_bswap32 };
    static const uint64_t dv[] = { 3, 7, 0x10001, (uint64_t)-5, 0x100000000ull };
    IrType t = rnd(3) ? IR_I64 : IR_I32;
    unsigned w = t == IR_I64 ? 64 : 32;
    IrTempIdx a = src(p, t), b = src(p, t), c = src(p, t), d = src(p, t);
    IrTempIdx a64 = src(p, IR_I64), a32 = src(p, IR_I32);

    switch (rnd(14)) {
    case 0: case 1: case 2: case 3:
        ir_gen_op2(ctx, bin[rnd(15)], t, dst(p, t), a, b);
        break;
    case 4:
        ir_gen_op2(ctx, div[rnd(4)], t, dst(p, t), a, ir_const(ctx, t, dv[rnd(t == IR_I64 ? 5 : 4)]));
        break;
    case 5:
        ir_gen_op1(ctx, un[rnd(6)], t, dst(p, t), a);
        break;
    case 6:
        switch (rnd(5)) {
        case 0: ir_gen_op1(ctx, IR_OP_extu_i32_i64, IR_I64, dst(p, IR_I64), a32); break;
        case 1: ir_gen_op1(ctx, IR_OP_exts_i32_i64, IR_I64, dst(p, IR_I64), a32); break;
        case 2: ir_gen_op1(ctx, IR_OP_extrl_i64_i32, IR_I32, dst(p, IR_I32), a64); break;
        case 3: ir_gen_op1(ctx, IR_OP_extrh_i64_i32, IR_I32, dst(p, IR_I32), a64); break;
        default: ir_gen_op1(ctx, IR_OP_bswap64, IR_I64, dst(p, IR_I64), a64); break;
        }
        break;
    case 7: {
        IrCond cc = 2 + rnd(12);
        unsigned k = rnd(3);
        IrTempIdx o = dst(p, t);
        if (k == 0) {
            ir_gen_setcond(ctx, t, cc, o, a, b);
        } else if (k == 1) {
            ir_emit(ctx, IR_OP_negsetcond, t, 1, 2, (IrArg[]){ o, a, b, cc });
        } else {
            ir_gen_movcond(ctx, t, cc, o, a, b, c, d);
        }
        break;
    }
    case 8: {
        unsigned pos = rnd(w), len = 1 + rnd(w - pos), k = rnd(3);
        IrTempIdx o = dst(p, t);
        if (k == 0) {
            ir_gen_extract(ctx, t, o, a, pos, len);
        } else if (k == 1) {
            ir_gen_sextract(ctx, t, o, a, pos, len);
        } else {
            ir_gen_deposit(ctx, t, o, a, b, pos, len);
        }
        break;
    }
    case 9: {
        static const IrOpcode two[] = { IR_OP_mulu2, IR_OP_muls2, IR_OP_addcarry, IR_OP_subborrow };
        unsigned k = rnd(4);
        IrTempIdx lo = dst(p, t), hi = dst(p, t);
        if (lo == hi) {
            hi = ir_temp_new(ctx, t);
        }
        if (k < 2) {
            ir_emit(ctx, two[k], t, 2, 2, (IrArg[]){ lo, hi, a, b });
        } else {
            ir_emit(ctx, two[k], t, 2, 3, (IrArg[]){ lo, hi, a, b, c });
        }
        break;
    }
    case 10: {
        IrTempIdx b64 = src(p, IR_I64);
        ir_gen_call(ctx, h_mix, dst(p, IR_I64), (IrTempIdx[]){ a64, b64, a32 });
        break;
    }
    case 11: {
        static const IrMemOp mos[] = { IR_MO_8, IR_MO_16 | IR_MO_SIGN, IR_MO_32, IR_MO_32 | IR_MO_SIGN, IR_MO_64 };
        IrMemOp mo = mos[rnd(t == IR_I64 ? 5 : 4)];
        IrTempIdx ad = addr(p, ir_memop_size(mo));
        ir_gen_guest_ld(ctx, t, dst(p, t), ad, mo, 0);
        break;
    }
    case 12: {
        IrMemOp mo = rnd(t == IR_I64 ? 4 : 3);
        ir_gen_guest_st(ctx, t, a, addr(p, ir_memop_size(mo)), mo, 0);
        break;
    }
    default:
        ir_gen_mov(ctx, t, dst(p, t), a);
        break;
    }
}

static void gen_program(void)
{
    IrTempIdx tb64 = ir_temp_new_tb(ctx, IR_I64), tb32 = ir_temp_new_tb(ctx, IR_I32);
    unsigned nb_bb = 1 + rnd(5);

    ir_gen_movi(ctx, IR_I64, tb64, 0x5555);
    ir_gen_movi(ctx, IR_I32, tb32, 0x7777);
    for (unsigned bb = 0; bb < nb_bb; bb++) {
        Pool p[2] = { { .n = 0 }, { .n = 0 } };
        for (int i = 0; i < 4; i++) {
            p[0].t[p[0].n++] = gw[i];
        }
        for (int i = 0; i < 8; i++) {
            p[1].t[p[1].n++] = gr[i];
        }
        p[0].t[p[0].n++] = tb32;
        p[1].t[p[1].n++] = tb64;
        ir_gen_insn_start(ctx, 0x1000 + bb, 0);
        for (unsigned k = 0, n = 3 + rnd(25); k < n; k++) {
            gen_op(p);
        }
        ir_gen_op2(ctx, IR_OP_add, IR_I64, tb64, tb64, src(p, IR_I64));
        ir_gen_op2(ctx, IR_OP_xor, IR_I32, tb32, tb32, src(p, IR_I32));
        uint32_t l = ir_label_new(ctx);
        IrType t = rnd(2) ? IR_I64 : IR_I32;
        ir_gen_brcond(ctx, t, 2 + rnd(12), src(p, t), src(p, t), l);
        p[0].n = 5;             /* fallthrough BB: block temps of the old BB are dead */
        p[1].n = 9;
        for (unsigned k = 0, n = rnd(6); k < n; k++) {
            gen_op(p);
        }
        ir_gen_set_label(ctx, l);
    }
    ir_gen_op2(ctx, IR_OP_xor, IR_I64, gr[0], gr[0], tb64);
    ir_gen_op1(ctx, IR_OP_extu_i32_i64, IR_I64, gr[1], tb32);
    ir_gen_exit_tb(ctx, 0x55);
}

/* FERRY_TEST_DUMP=1: a rough listing of the failing program. */
static void dump_program(void)
{
    for (IrOp *op = ir_first_op(ctx); op; op = ir_next_op(ctx, op)) {
        unsigned n = ir_op_nb_oargs(op) + ir_op_nb_iargs(op);
        fprintf(stderr, "%s.%s", ir_op_defs[op->opc].name, ir_type_name(op->type));
        for (unsigned i = 0; i < n; i++) {
            const IrTemp *tp = ir_temp(ctx, op->args[i]);
            if (tp->kind == IR_TEMP_CONST) {
                fprintf(stderr, " $%#lx", tp->val);
            } else if (tp->kind == IR_TEMP_GLOBAL || tp->kind == IR_TEMP_FIXED) {
                fprintf(stderr, " %s", tp->name);
            } else {
                fprintf(stderr, " %c%u", tp->kind == IR_TEMP_TB ? 'l' : 't', tp->index);
            }
        }
        for (unsigned i = 0; i < ir_op_nb_cargs(op); i++) {
            fprintf(stderr, " #%lu", ir_op_cargs(op)[i]);
        }
        fprintf(stderr, "\n");
    }
}

/* Debug aid (FERRY_TEST_CUT=k): keep only the first k ops (and labels). */
static void cut_program(unsigned k)
{
    unsigned i = 0;
    IR_FOR_EACH_OP_SAFE(ctx, op, nx) {
        if (i++ >= k && op->opc != IR_OP_set_label && op->opc != IR_OP_exit_tb) {
            ir_remove(ctx, op);
        }
    }
}

/* How the IR reaches the backend in run_one. */
enum { PREP_LIVENESS, PREP_CONSERVATIVE, PREP_OPT_RUN };

static void run_one(unsigned seed, unsigned limit, const X64Features *feat, int prep)
{
    RCpu native, ref;

    seed_state = seed;
    ir_reset(ctx);
    gen_program();
    if (getenv("FERRY_TEST_CUT")) {
        cut_program(atoi(getenv("FERRY_TEST_CUT")));
    }
    memset(&native, 0, sizeof native);
    for (int i = 0; i < 8; i++) {
        native.r[i] = 0x0123456789abcdefull * (i + 1) ^ ((uint64_t)seed << 32);
    }
    for (int i = 0; i < 4; i++) {
        native.w[i] = 0x89abcdef * (i + 3) + seed;
    }
    for (unsigned i = 0; i < MEM_SIZE; i++) {
        mem_native[i] = (uint8_t)(i * 37 + seed);
    }
    memcpy(mem_ref, mem_native, MEM_SIZE);
    native.jc.guest_base = (uintptr_t)mem_native - GUEST_MEM;
    ref = native;
    reference(&ref);                    /* on the IR as generated */
    if (prep == PREP_OPT_RUN) {
        opt_run(ctx);
    } else if (prep == PREP_LIVENESS) {
        opt_liveness(ctx);
    } else {
        ra_conservative_liveness(ctx);
    }

    ra_set_reg_limit(limit);
    x64_set_features(feat);
    JitCodeGen cg = { .rw = code + code_start, .rx = (uintptr_t)code + code_start,
                      .cap = (1 << 20) - code_start, .user_mode = true };
    JitError e = jit_backend_x86_64.gen_code(ctx, &cg);
    ra_set_reg_limit(0);
    x64_set_features(NULL);
    ck_assert_int_eq(e, JIT_OK);
    uintptr_t ret = jit_backend_x86_64.enter(&jit_backend_x86_64, &native.jc, cg.rw);
    if (getenv("FERRY_TEST_DUMP") && memcmp(&native.r, &ref.r, sizeof ref.r + sizeof ref.w)) {
        dump_program();
        FILE *f = fopen("/tmp/x64-random.bin", "wb");
        fwrite(cg.rw, 1, cg.size, f);
        fclose(f);
    }
    ck_assert_uint_eq(ret, 0x55);
    for (int i = 0; i < 8; i++) {
        ck_assert_msg(native.r[i] == ref.r[i], "seed %u limit %u: r%d %#lx, reference %#lx",
                      seed, limit, i, native.r[i], ref.r[i]);
    }
    for (int i = 0; i < 4; i++) {
        ck_assert_msg(native.w[i] == ref.w[i], "seed %u limit %u: w%d %#x, reference %#x",
                      seed, limit, i, native.w[i], ref.w[i]);
    }
    ck_assert_msg(memcmp(mem_native, mem_ref, MEM_SIZE) == 0, "seed %u: memory differs", seed);
}

START_TEST(test_random)
{
    static const X64Features none = { 0 };
    unsigned first = getenv("FERRY_TEST_SEED") ? atoi(getenv("FERRY_TEST_SEED")) : 1;
    for (unsigned seed = first; seed <= 1500; seed++) {
        run_one(seed, 0, NULL, PREP_OPT_RUN);
        run_one(seed, 0, NULL, PREP_LIVENESS);
        run_one(seed, 1, NULL, PREP_LIVENESS);
        run_one(seed, 2, &none, PREP_CONSERVATIVE);
    }
}
END_TEST

int main(void)
{
    char name[8];

    code = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS,
                -1, 0);
    if (code == MAP_FAILED) {
        return 1;
    }
    JitCodeGen cg = { .rw = code, .rx = (uintptr_t)code, .cap = 4096 };
    if (jit_backend_x86_64.gen_prologue(&cg) != JIT_OK) {
        return 1;
    }
    jit_backend_x86_64.prologue = code;
    code_start = (cg.size + 63) & ~(size_t)63;

    ctx = ir_context_new();
    for (int i = 0; i < 8; i++) {
        snprintf(name, sizeof name, "r%d", i);
        gr[i] = ir_global_new(ctx, IR_I64, offsetof(RCpu, r[i]), name);
    }
    for (int i = 0; i < 4; i++) {
        snprintf(name, sizeof name, "w%d", i);
        gw[i] = ir_global_new(ctx, IR_I32, offsetof(RCpu, w[i]), name);
    }
    h_mix = ir_helper_register(&(IrHelper){ "mix", (void *)helper_mix, IR_I64, 3,
        { IR_I64, IR_I64, IR_I32 }, IR_CALL_NO_READ_GLOBALS | IR_CALL_NO_WRITE_GLOBALS });

    Suite *s = suite_create("x64-random");
    TCase *tc = tcase_create("programs");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, test_random);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    ir_context_free(ctx);
    return failed ? 1 : 0;
}
