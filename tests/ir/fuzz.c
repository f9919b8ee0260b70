/*
 * fuzz.c — random-IR differential tester. Generates random well-typed TBs
 * (integer and vector ops over globals, block and TB temps, forward
 * branches, calls to pure helpers, guest loads, stores and atomics into the
 * test memory), runs each on every backend of
 * the build (tests/ir/harness.h) and on a small reference evaluator that
 * walks the IR list directly, and compares the final globals and memory.
 *
 *   fuzz                      fixed seed 1, 3000 programs (make check)
 *   fuzz --seconds N          random seeds for N seconds
 *   fuzz --seed S --count N   N programs from seed S (reproduce a failure)
 */
#include <glib.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/ir/harness.h"

typedef struct Fz {
    IrContext *ctx;
    GRand *rng;
    IrTempIdx r[TH_NB_R], w[TH_NB_W], v[TH_NB_V];
    IrTempIdx blk[3][16];          /* live block temps per type: i32, i64, v128 */
    unsigned nblk[3];
    IrTempIdx tbt[3][3];           /* TB temps per type, live across labels */
    IrTempIdx fresh[4];            /* defined by the op being generated */
    unsigned nfresh;
    uint32_t pending[8];           /* labels branched to but not placed */
    unsigned npending;
    unsigned h_add3, h_mix32;
} Fz;

/*
 * A seed must give the same program on every host (a failure seen in the
 * arm64 cross build has to reproduce natively with --seed). C leaves the
 * order of function arguments, initializer-list items and operands of |
 * unspecified, and GCC orders them differently on x86-64 and arm64: so no
 * expression below contains two calls that draw random numbers (rnd, src,
 * dst, ...); operands are drawn into locals first, in the order written.
 */
static unsigned rnd(Fz *z, unsigned n)
{
    return g_rand_int_range(z->rng, 0, n);
}

static uint64_t rnd64(Fz *z)
{
    uint64_t hi = g_rand_int(z->rng);
    return hi << 32 | g_rand_int(z->rng);
}

static uint64_t interesting(Fz *z)
{
    static const uint64_t v[] = {
        0, 1, 2, ~0ull, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ull,
        0x7fffffffffffffffull, 0x8000000000000000ull, 31, 32, 63, 64, 0xff, 0x8000,
    };
    return rnd(z, 3) ? v[rnd(z, G_N_ELEMENTS(v))] : rnd64(z);
}

static unsigned ti(IrType t) { return t == IR_I32 ? 0 : t == IR_I64 ? 1 : 2; }

static IrTempIdx global_of(Fz *z, IrType t)
{
    return t == IR_I64 ? z->r[rnd(z, TH_NB_R)] : t == IR_I32 ? z->w[rnd(z, TH_NB_W)]
         : z->v[rnd(z, TH_NB_V)];
}

/* A random source operand of type t: a global, a live block temp or a constant. */
static IrTempIdx src(Fz *z, IrType t)
{
    unsigned k = rnd(z, 10);
    if (k < 2 && t != IR_V128) {
        return ir_const(z->ctx, t, interesting(z));
    }
    if (k < 5 && z->nblk[ti(t)]) {
        return z->blk[ti(t)][rnd(z, z->nblk[ti(t)])];
    }
    if (k < 6) {
        return z->tbt[ti(t)][rnd(z, 3)];
    }
    return global_of(z, t);
}

/*
 * A random destination of type t: a global or a fresh block temp. A fresh
 * temp becomes a source only after its op is emitted (commit_fresh), so no
 * op reads a temp before it is defined.
 */
static IrTempIdx dst(Fz *z, IrType t)
{
    if (rnd(z, 5) < 2 && z->nblk[ti(t)] + z->nfresh < 16 && z->nfresh < 4) {
        IrTempIdx n = ir_temp_new(z->ctx, t);
        z->fresh[z->nfresh++] = n;
        return n;
    }
    if (rnd(z, 8) == 0) {
        return z->tbt[ti(t)][rnd(z, 3)];
    }
    return global_of(z, t);
}

static void commit_fresh(Fz *z)
{
    for (unsigned i = 0; i < z->nfresh; i++) {
        IrType t = ir_temp(z->ctx, z->fresh[i])->type;
        z->blk[ti(t)][z->nblk[ti(t)]++] = z->fresh[i];
    }
    z->nfresh = 0;
}

static void end_block(Fz *z)
{
    z->nblk[0] = z->nblk[1] = z->nblk[2] = 0;
    z->nfresh = 0;
}

/* A divisor that is never 0 and never -1: (x >> 1) | 1. */
static IrTempIdx safe_divisor(Fz *z, IrType t)
{
    IrTempIdx d = ir_temp_new(z->ctx, t);
    ir_gen_op2(z->ctx, IR_OP_shr, t, d, src(z, t), ir_const(z->ctx, t, 1));
    ir_gen_op2(z->ctx, IR_OP_or, t, d, d, ir_const(z->ctx, t, 1));
    return d;
}

static void gen_div2(Fz *z, IrType t, bool is_signed)
{
    IrTempIdx d = safe_divisor(z, t), lo = src(z, t), hi = ir_temp_new(z->ctx, t);
    /* The quotient fits: unsigned hi = 0; signed hi = sign of lo, d > 0. */
    if (is_signed) {
        ir_gen_op2(z->ctx, IR_OP_sar, t, hi, lo, ir_const(z->ctx, t, t == IR_I32 ? 31 : 63));
    } else {
        ir_gen_movi(z->ctx, t, hi, 0);
    }
    IrTempIdx q = dst(z, t), r = dst(z, t);
    if (q == r) {
        r = ir_temp_new(z->ctx, t);
    }
    ir_emit(z->ctx, is_signed ? IR_OP_divs2 : IR_OP_divu2, t, 2, 3,
            (IrArg[]){ q, r, lo, hi, d });
}

static void gen_pair_op(Fz *z, IrType t, IrOpcode opc)
{
    IrTempIdx a = dst(z, t), b = dst(z, t);
    if (a == b) {
        b = ir_temp_new(z->ctx, t);
    }
    IrTempIdx x = src(z, t), y = src(z, t);
    if (opc == IR_OP_addcarry || opc == IR_OP_subborrow) {
        IrTempIdx c = src(z, t);
        ir_emit(z->ctx, opc, t, 2, 3, (IrArg[]){ a, b, x, y, c });
    } else {
        ir_emit(z->ctx, opc, t, 2, 2, (IrArg[]){ a, b, x, y });
    }
}

static void gen_bitfield(Fz *z, IrType t)
{
    unsigned w = t == IR_I32 ? 32 : 64, len = 1 + rnd(z, w), pos = rnd(z, w - len + 1);
    unsigned kind = rnd(z, 3);
    IrTempIdx d = dst(z, t), a = src(z, t);
    switch (kind) {
    case 0: ir_gen_extract(z->ctx, t, d, a, pos, len); break;
    case 1: ir_gen_sextract(z->ctx, t, d, a, pos, len); break;
    default: ir_gen_deposit(z->ctx, t, d, a, src(z, t), pos, len); break;
    }
}

/* A load/store memop for type t: any size up to t's, signed or not, maybe swapped. */
static IrMemOp rand_memop(Fz *z, IrType t)
{
    IrMemOp mo = rnd(z, t == IR_I64 ? 4 : 3);
    mo |= rnd(z, 2) ? IR_MO_SIGN : 0;
    return mo | (rnd(z, 4) == 0 ? IR_MO_BSWAP : 0);
}

static void gen_mem(Fz *z)
{
    IrType t = rnd(z, 2) ? IR_I64 : IR_I32;
    IrMemOp mo = rand_memop(z, t);
    IrTempIdx a = ir_temp_new(z->ctx, IR_I64);

    /* Any address in 0x10000..0x1bfff + 7: RAM, never the special pages. */
    ir_gen_op2(z->ctx, IR_OP_and, IR_I64, a, src(z, IR_I64), ir_const_i64(z->ctx, 0xbfff));
    ir_gen_op2(z->ctx, IR_OP_add, IR_I64, a, a, ir_const_i64(z->ctx, TH_MEM_BASE));
    if (rnd(z, 2)) {
        ir_gen_guest_ld(z->ctx, t, dst(z, t), a, mo, 0);
    } else {
        ir_gen_guest_st(z->ctx, t, src(z, t), a, mo & ~IR_MO_SIGN, 0);
    }
}

static void gen_atomic(Fz *z)
{
    static const IrOpcode ops[] = {
        IR_OP_atomic_cmpxchg, IR_OP_atomic_xchg, IR_OP_atomic_fetch_add,
        IR_OP_atomic_fetch_and, IR_OP_atomic_fetch_or, IR_OP_atomic_fetch_xor,
    };
    IrType t = rnd(z, 2) ? IR_I64 : IR_I32;
    IrMemOp mo = rand_memop(z, t);
    IrOpcode opc = ops[rnd(z, G_N_ELEMENTS(ops))];
    IrTempIdx a = ir_temp_new(z->ctx, IR_I64);

    ir_gen_op2(z->ctx, IR_OP_and, IR_I64, a, src(z, IR_I64), ir_const_i64(z->ctx, 0xbfff));
    ir_gen_op2(z->ctx, IR_OP_add, IR_I64, a, a, ir_const_i64(z->ctx, TH_MEM_BASE));
    IrTempIdx d = dst(z, t), x = src(z, t);
    if (opc == IR_OP_atomic_cmpxchg) {
        IrTempIdx y = src(z, t);
        ir_emit(z->ctx, opc, t, 1, 3, (IrArg[]){ d, a, x, y, mo, 0 });
    } else {
        ir_emit(z->ctx, opc, t, 1, 2, (IrArg[]){ d, a, x, mo, 0 });
    }
}

/* A 128- or 64-bit guest load or store of a v128 value. */
static void gen_vec_mem(Fz *z)
{
    IrContext *c = z->ctx;
    IrMemOp mo = rnd(z, 2) ? IR_MO_128 : IR_MO_64;
    IrTempIdx a = ir_temp_new(c, IR_I64);

    ir_gen_op2(c, IR_OP_and, IR_I64, a, src(z, IR_I64), ir_const_i64(c, 0xbfff));
    ir_gen_op2(c, IR_OP_add, IR_I64, a, a, ir_const_i64(c, TH_MEM_BASE));
    if (rnd(z, 2)) {
        ir_gen_guest_ld(c, IR_V128, dst(z, IR_V128), a, mo, 0);
    } else {
        ir_gen_guest_st(c, IR_V128, src(z, IR_V128), a, mo, 0);
    }
}

/* Vector ops, v128 moves and 128/64-bit guest accesses of v128 values. */
static void gen_vec(Fz *z)
{
    static const IrOpcode bin[] = { IR_OP_vec_add, IR_OP_vec_sub, IR_OP_vec_cmpeq,
                                    IR_OP_vec_cmpgt };
    static const IrOpcode logic[] = { IR_OP_vec_and, IR_OP_vec_or, IR_OP_vec_xor,
                                      IR_OP_vec_andc };
    static const IrOpcode sh[] = { IR_OP_vec_shli, IR_OP_vec_shri, IR_OP_vec_sari };
    unsigned vece = rnd(z, 4), k = rnd(z, 8);
    IrType st = vece == 3 ? IR_I64 : IR_I32;
    IrContext *c = z->ctx;

    IrOpcode opc;
    IrTempIdx d, x, y;
    unsigned imm;

    if (k == 0 || k == 1) {
        opc = k == 0 ? bin[rnd(z, 4)] : logic[rnd(z, 4)];
        d = dst(z, IR_V128);
        x = src(z, IR_V128);
        y = src(z, IR_V128);
        if (k == 0) {
            ir_emit(c, opc, IR_V128, 1, 2, (IrArg[]){ d, x, y, vece });
        } else {
            ir_emit(c, opc, IR_V128, 1, 2, (IrArg[]){ d, x, y });
        }
    } else if (k == 2) {
        opc = sh[rnd(z, 3)];
        d = dst(z, IR_V128);
        x = src(z, IR_V128);
        imm = rnd(z, 8u << vece);
        ir_emit(c, opc, IR_V128, 1, 1, (IrArg[]){ d, x, vece, imm });
    } else if (k == 3) {
        d = dst(z, IR_V128);
        ir_emit(c, IR_OP_dup, IR_V128, 1, 1, (IrArg[]){ d, src(z, st), vece });
    } else if (k == 4) {
        d = dst(z, st);
        x = src(z, IR_V128);
        imm = rnd(z, 16u >> vece);
        ir_emit(c, IR_OP_vec_extract, IR_V128, 1, 1, (IrArg[]){ d, x, vece, imm });
    } else if (k == 5) {
        d = dst(z, IR_V128);
        x = src(z, IR_V128);
        y = src(z, st);
        imm = rnd(z, 16u >> vece);
        ir_emit(c, IR_OP_vec_insert, IR_V128, 1, 2, (IrArg[]){ d, x, y, vece, imm });
    } else if (k == 6) {
        d = dst(z, IR_V128);
        ir_gen_mov(c, IR_V128, d, src(z, IR_V128));
    } else {
        gen_vec_mem(z);
    }
}

static void gen_call(Fz *z)
{
    IrTempIdx d, a[3];

    if (rnd(z, 2)) {
        d = dst(z, IR_I64);
        for (unsigned i = 0; i < 3; i++) {
            a[i] = src(z, IR_I64);
        }
        ir_gen_call(z->ctx, z->h_add3, d, a);
    } else {
        d = dst(z, IR_I32);
        a[0] = src(z, IR_I32);
        a[1] = src(z, IR_I64);
        ir_gen_call(z->ctx, z->h_mix32, d, a);
    }
}

static void gen_branch(Fz *z, IrType t)
{
    if (z->npending == G_N_ELEMENTS(z->pending)) {
        return;
    }
    uint32_t l = ir_label_new(z->ctx);
    IrCond c = 2 + rnd(z, IR_COND_COUNT - 2);
    IrTempIdx a = src(z, t), b = src(z, t);
    ir_gen_brcond(z->ctx, t, c, a, b, l);
    z->pending[z->npending++] = l;
    end_block(z);
}

static void place_label(Fz *z)
{
    unsigned i = rnd(z, z->npending);
    ir_gen_set_label(z->ctx, z->pending[i]);
    z->pending[i] = z->pending[--z->npending];
    end_block(z);
}

static const IrOpcode binops[] = {
    IR_OP_add, IR_OP_sub, IR_OP_mul, IR_OP_and, IR_OP_or, IR_OP_xor, IR_OP_andc, IR_OP_orc,
    IR_OP_shl, IR_OP_shr, IR_OP_sar, IR_OP_rotl, IR_OP_rotr, IR_OP_clz, IR_OP_ctz,
};
static const IrOpcode unops[] = {
    IR_OP_neg, IR_OP_not, IR_OP_popcnt, IR_OP_bswap16, IR_OP_bswap32, IR_OP_mov,
};

/* d = opc a, b with d, a, b drawn in that order. */
static void emit_op2(Fz *z, IrOpcode opc, IrType t)
{
    IrTempIdx d = dst(z, t), a = src(z, t);
    ir_gen_op2(z->ctx, opc, t, d, a, src(z, t));
}

/* d = opc a, d of type `to`, a of type `from`. */
static void emit_op1(Fz *z, IrOpcode opc, IrType to, IrType from)
{
    IrTempIdx d = dst(z, to);
    ir_gen_op1(z->ctx, opc, to, d, src(z, from));
}

static void gen_div(Fz *z, IrType t)
{
    static const IrOpcode ops[] = { IR_OP_divu, IR_OP_divs, IR_OP_remu, IR_OP_rems };
    IrTempIdx div = safe_divisor(z, t);
    IrOpcode opc = ops[rnd(z, 4)];
    IrTempIdx d = dst(z, t);
    ir_gen_op2(z->ctx, opc, t, d, src(z, t), div);
}

static void gen_compare(Fz *z, IrType t)
{
    IrCond c = rnd(z, IR_COND_COUNT);
    unsigned kind = rnd(z, 3);
    IrTempIdx d = dst(z, t), a = src(z, t), b = src(z, t);

    if (kind == 0) {
        IrTempIdx vt = src(z, t), vf = src(z, t);
        ir_gen_movcond(z->ctx, t, c, d, a, b, vt, vf);
    } else {
        IrOpcode opc = rnd(z, 2) ? IR_OP_setcond : IR_OP_negsetcond;
        ir_emit(z->ctx, opc, t, 1, 2, (IrArg[]){ d, a, b, c });
    }
}

static void gen_one(Fz *z)
{
    IrType t = rnd(z, 2) ? IR_I64 : IR_I32;
    unsigned k = rnd(z, 100);

    if (k < 30) {
        emit_op2(z, binops[rnd(z, G_N_ELEMENTS(binops))], t);
    } else if (k < 40) {
        emit_op1(z, unops[rnd(z, G_N_ELEMENTS(unops))], t, t);
    } else if (k < 45) {
        gen_div(z, t);
    } else if (k < 48) {
        gen_div2(z, t, rnd(z, 2));
    } else if (k < 53) {
        static const IrOpcode p[] = { IR_OP_mulu2, IR_OP_muls2, IR_OP_addcarry, IR_OP_subborrow };
        gen_pair_op(z, t, p[rnd(z, 4)]);
    } else if (k < 58) {
        gen_bitfield(z, t);
    } else if (k < 64) {
        gen_compare(z, t);
    } else if (k < 70) {
        static const IrOpcode x[] = { IR_OP_extu_i32_i64, IR_OP_exts_i32_i64,
                                      IR_OP_extrl_i64_i32, IR_OP_extrh_i64_i32 };
        unsigned i = rnd(z, 4);
        IrType from = i < 2 ? IR_I32 : IR_I64, to = i < 2 ? IR_I64 : IR_I32;
        emit_op1(z, x[i], to, from);
    } else if (k < 73) {
        if (rnd(z, 3)) {
            gen_vec(z);
        } else {
            emit_op1(z, IR_OP_bswap64, IR_I64, IR_I64);
        }
    } else if (k < 82) {
        gen_mem(z);
    } else if (k < 85) {
        gen_atomic(z);
    } else if (k < 90) {
        gen_call(z);
    } else if (k < 95) {
        gen_branch(z, t);
    } else if (z->npending) {
        place_label(z);
    }
    commit_fresh(z);
}

static void gen_program(Fz *z, unsigned nops)
{
    z->nblk[0] = z->nblk[1] = z->nblk[2] = 0;
    z->npending = 0;
    for (unsigned k = 0; k < 3; k++) {
        IrType t = k == 0 ? IR_I32 : k == 1 ? IR_I64 : IR_V128;
        for (unsigned i = 0; i < 3; i++) {
            z->tbt[k][i] = ir_temp_new_tb(z->ctx, t);
            ir_gen_mov(z->ctx, t, z->tbt[k][i], global_of(z, t));
        }
    }
    for (unsigned i = 0; i < nops; i++) {
        gen_one(z);
    }
    while (z->npending) {
        place_label(z);
    }
    ir_gen_exit_tb(z->ctx, 0);
}

/* ---------------------------------------------------------------------- */
/* The reference evaluator (reference.c) and the driver                    */

void fz_reference_run(IrContext *ctx, TestCpu *cpu, uint8_t *mem);

static bool verbose;

static void random_state(Fz *z, TestCpu *cpu, uint8_t *mem)
{
    for (unsigned i = 0; i < TH_NB_R; i++) {
        cpu->r[i] = interesting(z);
    }
    for (unsigned i = 0; i < TH_NB_W; i++) {
        cpu->w[i] = interesting(z);
    }
    for (unsigned i = 0; i < TH_NB_V; i++) {
        cpu->v[i][0] = interesting(z);
        cpu->v[i][1] = rnd64(z);
    }
    for (unsigned i = 0; i < TH_MEM_SIZE; i += 4) {
        uint32_t v = g_rand_int(z->rng);
        memcpy(mem + i, &v, 4);
    }
}

static bool same_state(const char *who, uint64_t seed, const TestCpu *a, const uint8_t *ma,
                       const TestCpu *b, const uint8_t *mb)
{
    for (unsigned i = 0; i < TH_NB_R; i++) {
        if (a->r[i] != b->r[i]) {
            printf("seed %" PRIu64 ": %s: r%u = %#" PRIx64 ", reference %#" PRIx64 "\n",
                   seed, who, i, a->r[i], b->r[i]);
            return false;
        }
    }
    for (unsigned i = 0; i < TH_NB_W; i++) {
        if (a->w[i] != b->w[i]) {
            printf("seed %" PRIu64 ": %s: w%u = %#x, reference %#x\n", seed, who, i,
                   a->w[i], b->w[i]);
            return false;
        }
    }
    for (unsigned i = 0; i < TH_NB_V; i++) {
        if (a->v[i][0] != b->v[i][0] || a->v[i][1] != b->v[i][1]) {
            printf("seed %" PRIu64 ": %s: v%u = %#" PRIx64 ":%016" PRIx64 ", reference %#"
                   PRIx64 ":%016" PRIx64 "\n", seed, who, i, a->v[i][1], a->v[i][0],
                   b->v[i][1], b->v[i][0]);
            return false;
        }
    }
    for (unsigned i = 0; i < TH_MEM_SIZE; i++) {
        if (ma[i] != mb[i]) {
            printf("seed %" PRIu64 ": %s: memory byte %#x = %#x, reference %#x\n", seed, who,
                   TH_MEM_BASE + i, ma[i], mb[i]);
            return false;
        }
    }
    return true;
}

/* One program from seed on every backend; false on a difference. */
static bool fuzz_one(uint64_t seed, IrContext *ctx, unsigned *unsupported)
{
    static uint8_t mem0[TH_MEM_SIZE], mref[TH_MEM_SIZE], mrun[TH_MEM_SIZE];
    static TestCpu c0, cref, crun;
    Fz z = { .ctx = ctx, .rng = g_rand_new_with_seed_array((const guint32 *)&seed, 2) };
    bool ok = true;

    ir_helper_find("h_add3", &z.h_add3);
    ir_helper_find("h_mix32", &z.h_mix32);
    for (unsigned i = 0; i < TH_NB_R; i++) {
        char name[8];
        snprintf(name, sizeof(name), "r%u", i);
        ir_global_find(ctx, name, &z.r[i]);
        snprintf(name, sizeof(name), "w%u", i);
        ir_global_find(ctx, name, &z.w[i]);
        if (i < TH_NB_V) {
            snprintf(name, sizeof(name), "v%u", i);
            ir_global_find(ctx, name, &z.v[i]);
        }
    }
    ir_reset(ctx);
    JitMemMode mode = (seed & 1) ? JIT_MEM_SOFTMMU : JIT_MEM_USER;
    th_cpu_init(&c0, mem0, mode);
    random_state(&z, &c0, mem0);
    gen_program(&z, 10 + rnd(&z, 60));

    char msg[256];
    if (!ir_verify(ctx, msg, sizeof(msg))) {
        printf("seed %" PRIu64 ": generated program is malformed: %s\n", seed, msg);
        ir_print(ctx, stdout);
        ok = false;
    }
    cref = c0;
    memcpy(mref, mem0, TH_MEM_SIZE);
    fz_reference_run(ctx, &cref, mref);
    if (verbose) {
        ir_print(ctx, stdout);
    }
    for (unsigned b = 0; b < th_nb_backends && ok; b++) {
        ThRun run = { .tbs = { ctx }, .nb_tbs = 1, .mode = mode };
        memset(run.chain, -1, sizeof(run.chain));
        th_cpu_init(&crun, mrun, mode);
        memcpy(crun.r, c0.r, sizeof(c0.r));
        memcpy(crun.w, c0.w, sizeof(c0.w));
        memcpy(crun.v, c0.v, sizeof(c0.v));
        memcpy(mrun, mem0, TH_MEM_SIZE);
        ThStatus st = th_run(&th_backends[b], &run, &crun, mrun);
        if (st == TH_UNSUPPORTED) {
            unsupported[b]++;
        } else if (st != TH_RAN || run.exception != TH_EXC_NONE) {
            printf("seed %" PRIu64 ": %s: did not run (status %d, exception %d)\n", seed,
                   th_backends[b].name, st, run.exception);
            ok = false;
        } else {
            ok = same_state(th_backends[b].name, seed, &crun, mrun, &cref, mref);
        }
        th_cpu_free(&crun);
    }
    th_cpu_free(&c0);
    g_rand_free(z.rng);
    return ok;
}

int main(int argc, char **argv)
{
    uint64_t seed = 1, count = 3000;
    double seconds = 0;
    unsigned unsupported[8] = { 0 }, failed = 0;
    uint64_t n = 0;

    for (int i = 1; i < argc; i += 2) {
        if (!strcmp(argv[i], "--verbose")) {
            verbose = true;
            i--;
        } else if (i + 1 == argc) {
            fprintf(stderr, "usage: fuzz [--seconds N] [--seed S] [--count N] [--verbose]\n");
            return 2;
        } else if (!strcmp(argv[i], "--seconds")) {
            seconds = atof(argv[i + 1]);
        } else if (!strcmp(argv[i], "--seed")) {
            seed = strtoull(argv[i + 1], NULL, 0);
        } else if (!strcmp(argv[i], "--count")) {
            count = strtoull(argv[i + 1], NULL, 0);
        } else {
            fprintf(stderr, "usage: fuzz [--seconds N] [--seed S] [--count N]\n");
            return 2;
        }
    }
    if (seconds > 0) {
        seed = g_get_real_time();
        count = UINT64_MAX;
    }
    th_register_helpers();
    IrContext *ctx = ir_context_new();
    th_register_globals(ctx);
    gint64 start = g_get_monotonic_time();
    for (; n < count; n++) {
        if (seconds > 0 && g_get_monotonic_time() - start > seconds * 1e6) {
            break;
        }
        if (!fuzz_one(seed + n, ctx, unsupported) && ++failed >= 10) {
            n++;
            break;
        }
    }
    printf("fuzz: %" PRIu64 " programs from seed %" PRIu64 ", %u failed\n", n, seed, failed);
    for (unsigned b = 0; b < th_nb_backends; b++) {
        printf("  %-8s %u unsupported\n", th_backends[b].name, unsupported[b]);
    }
    ir_context_free(ctx);
    return failed ? 1 : 0;
}
