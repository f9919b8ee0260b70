/*
 * test-x64-backend.c — the x86-64 backend run natively: IR built with the
 * builders is compiled through the JitBackend interface only, executed on a
 * small test CPU, and the guest state compared with values computed here in
 * plain C from the op specs (jit/ir-ops.h). Covers every integer op with
 * edge values (registers and immediates), register pressure and the tiny
 * register file, helper calls, branches, user-mode and softmmu guest memory
 * (TLB hit, miss, MMIO, page crossing), atomics, goto_tb patching,
 * lookup_tb/goto_ptr and vectors. The test defines the exec/softmmu entry
 * points the backend calls (jit_lookup_tb_ptr, jit_*_helper) as a small
 * reference softmmu.
 */
#include <capstone/capstone.h>
#include <check.h>
#include <stdlib.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "backend-x86_64/x64-enc.h"
#include "jit/backend.h"
#include "jit/codebuf.h"
#include "jit/opt.h"
#include "jit/regalloc.h"
#include "jit/softmmu.h"

typedef struct TestCpu {
    JitCpu jc;
    uint64_t r[16];
    uint32_t w[8];
    uint64_t pc;
    uint8_t v[4][16] __attribute__((aligned(16)));
} TestCpu;

static IrContext *ctx;
static IrTempIdx gr[16], gw[8], gv[4], gpc;
/* Split W^X mapping: code is written through `code` (rw) and run at its rx
 * alias, so every rx/rw mix-up in the backend shows. */
static JitCodeBuf *cb;
static uint8_t *code;
static uintptr_t rx_of(const uint8_t *rw) { return jit_codebuf_to_rx(cb, rw); }
static size_t code_used;            /* prologue */
#define CODE_SIZE (4u << 20)

static JitCodeGen last_cg;
/* Hints for the allocator: opt_liveness (what the engine runs), or the
 * allocator's own conservative ones (for IR that skipped the optimizer). */
static bool conservative_hints;
static void dump_code(const uint8_t *p, size_t len);

static void ctx_setup(void)
{
    char name[8];
    ctx = ir_context_new();
    for (int i = 0; i < 16; i++) {
        snprintf(name, sizeof name, "r%d", i);
        gr[i] = ir_global_new(ctx, IR_I64, offsetof(TestCpu, r[i]), name);
    }
    for (int i = 0; i < 8; i++) {
        snprintf(name, sizeof name, "w%d", i);
        gw[i] = ir_global_new(ctx, IR_I32, offsetof(TestCpu, w[i]), name);
    }
    for (int i = 0; i < 4; i++) {
        snprintf(name, sizeof name, "v%d", i);
        gv[i] = ir_global_new(ctx, IR_V128, offsetof(TestCpu, v[i]), name);
    }
    gpc = ir_global_new(ctx, IR_I64, offsetof(TestCpu, pc), "pc");
}

/* Compile ctx at code offset `at` (0: right after the prologue). */
static uint8_t *compile_at(size_t at, bool user)
{
    uint8_t *p = code + (at ? at : code_used);
    if (conservative_hints) {
        ra_conservative_liveness(ctx);
    } else {
        opt_liveness(ctx);
    }
    last_cg = (JitCodeGen){ .rw = p, .rx = rx_of(p), .cap = CODE_SIZE / 4, .user_mode = user };
    JitError e = jit_backend_x86_64.gen_code(ctx, &last_cg);
    ck_assert_int_eq(e, JIT_OK);
    dump_code(p, last_cg.size);
    return p;
}

/* FERRY_TEST_DUMP=1: print the IR and the generated code of every TB. */
static void dump_code(const uint8_t *p, size_t len)
{
    csh cs;
    cs_insn *insn;
    if (!getenv("FERRY_TEST_DUMP") || cs_open(CS_ARCH_X86, CS_MODE_64, &cs) != CS_ERR_OK) {
        return;
    }
    size_t n = cs_disasm(cs, p, len, rx_of(p), 0, &insn);
    for (size_t i = 0; i < n; i++) {
        fprintf(stderr, "  %4lx: %s %s\n", (unsigned long)(insn[i].address - rx_of(p)),
                insn[i].mnemonic, insn[i].op_str);
    }
    cs_free(insn, n);
    cs_close(&cs);
}

/* Run the code written at rw pointer p (from its rx alias). */
static uintptr_t run_code(TestCpu *cpu, const uint8_t *p)
{
    return jit_backend_x86_64.enter(&jit_backend_x86_64, &cpu->jc, (const void *)rx_of(p));
}

static uintptr_t run(TestCpu *cpu, bool user)
{
    return run_code(cpu, compile_at(0, user));
}

static void cpu_init(TestCpu *cpu)
{
    memset(cpu, 0, sizeof(*cpu));
    cpu->jc.mem_mode = JIT_MEM_USER;
}

static IrTempIdx gi(IrType t, int i) { return t == IR_I64 ? gr[i] : gw[i]; }
static uint64_t trunc_t(IrType t, uint64_t v) { return t == IR_I64 ? v : (uint32_t)v; }
static uint64_t get(TestCpu *c, IrType t, int i) { return t == IR_I64 ? c->r[i] : c->w[i]; }
static void set(TestCpu *c, IrType t, int i, uint64_t v)
{
    if (t == IR_I64) {
        c->r[i] = v;
    } else {
        c->w[i] = v;
    }
}

static const uint64_t edge[] = {
    0, 1, 2, 5, 31, 32, 63, 64, 0x7f, 0x80, 0xff, 0x7fffffff, 0x80000000, 0xffffffff,
    0x100000000ull, 0x123456789abcdef0ull, 0x7fffffffffffffffull, 0x8000000000000000ull,
    ~0ull, ~1ull, 0xfffffffffffff000ull,
};
#define NB_EDGE (sizeof(edge) / sizeof(edge[0]))

/* ---------------------------------------------------------------------- */
/* Reference semantics (from jit/ir-ops.h)                                 */

static uint64_t sext(IrType t, uint64_t v) { return t == IR_I64 ? v : (uint64_t)(int64_t)(int32_t)v; }

static bool ref_binop(IrOpcode opc, IrType t, uint64_t a, uint64_t b, uint64_t *out)
{
    unsigned w = t == IR_I64 ? 64 : 32;
    a = trunc_t(t, a);
    b = trunc_t(t, b);
    unsigned n = b & (w - 1);
    int64_t sa = sext(t, a), sb = sext(t, b);
    uint64_t r;

    switch (opc) {
    case IR_OP_add: r = a + b; break;
    case IR_OP_sub: r = a - b; break;
    case IR_OP_mul: r = a * b; break;
    case IR_OP_and: r = a & b; break;
    case IR_OP_or:  r = a | b; break;
    case IR_OP_xor: r = a ^ b; break;
    case IR_OP_andc: r = a & ~b; break;
    case IR_OP_orc: r = a | ~b; break;
    case IR_OP_shl: r = a << n; break;
    case IR_OP_shr: r = a >> n; break;
    case IR_OP_sar: r = (uint64_t)(sa >> n); break;
    case IR_OP_rotl: r = n ? a << n | a >> (w - n) : a; break;
    case IR_OP_rotr: r = n ? a >> n | a << (w - n) : a; break;
    case IR_OP_divu: case IR_OP_remu:
        if (!b) {
            return false;
        }
        r = opc == IR_OP_divu ? a / b : a % b;
        break;
    case IR_OP_divs: case IR_OP_rems:
        if (!b || (sb == -1 && sa == (t == IR_I64 ? INT64_MIN : INT32_MIN))) {
            return false;
        }
        r = opc == IR_OP_divs ? (uint64_t)(sa / sb) : (uint64_t)(sa % sb);
        break;
    case IR_OP_clz: r = a ? (unsigned)__builtin_clzll(a) - (64 - w) : b; break;
    case IR_OP_ctz: r = a ? (unsigned)__builtin_ctzll(a) : b; break;
    default: ck_abort_msg("no reference for %s", ir_op_defs[opc].name);
    }
    *out = trunc_t(t, r);
    return true;
}

/* ---------------------------------------------------------------------- */
/* Integer ops                                                             */

/* d = op(a, b) with both in registers, b immediate, a immediate. */
static void check_binop(IrOpcode opc, IrType t, uint64_t a, uint64_t b)
{
    TestCpu cpu;
    uint64_t want;

    ir_reset(ctx);
    ir_gen_op2(ctx, opc, t, gi(t, 2), gi(t, 0), gi(t, 1));
    ir_gen_op2(ctx, opc, t, gi(t, 3), gi(t, 0), ir_const(ctx, t, b));
    ir_gen_op2(ctx, opc, t, gi(t, 4), ir_const(ctx, t, a), gi(t, 1));
    IrTempIdx x = ir_temp_new(ctx, t);          /* same input twice, block temp */
    ir_gen_mov(ctx, t, x, gi(t, 0));
    ir_gen_op2(ctx, opc, t, x, x, x);
    ir_gen_mov(ctx, t, gi(t, 5), x);
    ir_gen_exit_tb(ctx, 0x1234);
    cpu_init(&cpu);
    set(&cpu, t, 0, a);
    set(&cpu, t, 1, b);
    ck_assert_uint_eq(run(&cpu, true), 0x1234);
    if (ref_binop(opc, t, a, b, &want)) {
        ck_assert_msg(get(&cpu, t, 2) == want && get(&cpu, t, 3) == want && get(&cpu, t, 4) == want,
                      "%s.%s %#lx, %#lx: got %#lx %#lx %#lx want %#lx", ir_op_defs[opc].name,
                      ir_type_name(t), a, b, get(&cpu, t, 2), get(&cpu, t, 3), get(&cpu, t, 4), want);
    }
    if (ref_binop(opc, t, a, a, &want)) {
        ck_assert_msg(get(&cpu, t, 5) == want, "%s.%s x,x %#lx: got %#lx want %#lx",
                      ir_op_defs[opc].name, ir_type_name(t), a, get(&cpu, t, 5), want);
    }
    ck_assert_uint_eq(get(&cpu, t, 0), trunc_t(t, a));   /* inputs preserved */
    ck_assert_uint_eq(get(&cpu, t, 1), trunc_t(t, b));
}

static const IrOpcode binops[] = {
    IR_OP_add, IR_OP_sub, IR_OP_mul, IR_OP_and, IR_OP_or, IR_OP_xor, IR_OP_andc, IR_OP_orc,
    IR_OP_shl, IR_OP_shr, IR_OP_sar, IR_OP_rotl, IR_OP_rotr, IR_OP_divu, IR_OP_divs,
    IR_OP_remu, IR_OP_rems, IR_OP_clz, IR_OP_ctz,
};

static void all_binops(void)
{
    for (unsigned o = 0; o < sizeof(binops) / sizeof(binops[0]); o++) {
        for (IrType t = IR_I32; t <= IR_I64; t++) {
            for (unsigned i = 0; i < NB_EDGE; i++) {
                for (unsigned j = 0; j < NB_EDGE; j++) {
                    check_binop(binops[o], t, edge[i], edge[j]);
                }
            }
        }
    }
}

START_TEST(test_binops)
{
    all_binops();
}
END_TEST

/* The same with the register file limited to 2 per class and without
 * BMI1/BMI2/LZCNT/POPCNT/SSE4 (the fallbacks). */
START_TEST(test_binops_tiny_nofeat)
{
    static const X64Features none = { 0 };
    ra_set_reg_limit(2);
    x64_set_features(&none);
    conservative_hints = true;
    all_binops();
    conservative_hints = false;
    x64_set_features(NULL);
    ra_set_reg_limit(0);
}
END_TEST

static uint64_t ref_unop(IrOpcode opc, IrType t, uint64_t a)
{
    uint64_t r;
    a = trunc_t(t, a);
    switch (opc) {
    case IR_OP_neg: r = -a; break;
    case IR_OP_not: r = ~a; break;
    case IR_OP_popcnt: r = __builtin_popcountll(a); break;
    case IR_OP_bswap16: r = __builtin_bswap16(a); break;
    case IR_OP_bswap32: r = __builtin_bswap32(a); break;
    case IR_OP_bswap64: r = __builtin_bswap64(a); break;
    default: ck_abort(); return 0;
    }
    return trunc_t(t, r);
}

START_TEST(test_unops)
{
    static const IrOpcode ops[] = { IR_OP_neg, IR_OP_not, IR_OP_popcnt, IR_OP_bswap16,
                                    IR_OP_bswap32, IR_OP_bswap64 };
    static const X64Features none = { 0 };
    for (int pass = 0; pass < 2; pass++) {
        x64_set_features(pass ? &none : NULL);
        for (unsigned o = 0; o < 6; o++) {
            for (IrType t = IR_I32; t <= IR_I64; t++) {
                if (ops[o] == IR_OP_bswap64 && t == IR_I32) {
                    continue;
                }
                for (unsigned i = 0; i < NB_EDGE; i++) {
                    TestCpu cpu;
                    ir_reset(ctx);
                    ir_gen_op1(ctx, ops[o], t, gi(t, 1), gi(t, 0));
                    ir_gen_exit_tb(ctx, 1);
                    cpu_init(&cpu);
                    set(&cpu, t, 0, edge[i]);
                    run(&cpu, true);
                    ck_assert_msg(get(&cpu, t, 1) == ref_unop(ops[o], t, edge[i]),
                                  "%s.%s %#lx: got %#lx", ir_op_defs[ops[o]].name,
                                  ir_type_name(t), edge[i], get(&cpu, t, 1));
                }
            }
        }
    }
    x64_set_features(NULL);
}
END_TEST

START_TEST(test_ext)
{
    for (unsigned i = 0; i < NB_EDGE; i++) {
        TestCpu cpu;
        uint64_t a = edge[i];
        ir_reset(ctx);
        ir_gen_op1(ctx, IR_OP_extu_i32_i64, IR_I64, gr[1], gw[0]);
        ir_gen_op1(ctx, IR_OP_exts_i32_i64, IR_I64, gr[2], gw[0]);
        ir_gen_op1(ctx, IR_OP_extrl_i64_i32, IR_I32, gw[1], gr[0]);
        ir_gen_op1(ctx, IR_OP_extrh_i64_i32, IR_I32, gw[2], gr[0]);
        ir_gen_exit_tb(ctx, 1);
        cpu_init(&cpu);
        cpu.r[0] = a;
        cpu.w[0] = (uint32_t)(a >> 7);
        run(&cpu, true);
        ck_assert_uint_eq(cpu.r[1], (uint32_t)(a >> 7));
        ck_assert_uint_eq(cpu.r[2], (uint64_t)(int64_t)(int32_t)(a >> 7));
        ck_assert_uint_eq(cpu.w[1], (uint32_t)a);
        ck_assert_uint_eq(cpu.w[2], (uint32_t)(a >> 32));
    }
}
END_TEST

START_TEST(test_setcond_brcond_movcond)
{
    for (IrType t = IR_I32; t <= IR_I64; t++) {
        for (IrCond c = IR_COND_NEVER; c < IR_COND_COUNT; c++) {
            for (unsigned i = 0; i < NB_EDGE; i += 2) {
                for (unsigned j = 0; j < NB_EDGE; j += 3) {
                    uint64_t a = edge[i], b = edge[j];
                    bool want = ir_cond_eval(c, a, b, t == IR_I64 ? 64 : 32);
                    TestCpu cpu;
                    ir_reset(ctx);
                    uint32_t l = ir_label_new(ctx);
                    ir_gen_setcond(ctx, t, c, gi(t, 2), gi(t, 0), gi(t, 1));
                    ir_emit(ctx, IR_OP_negsetcond, t, 1, 2,
                            (IrArg[]){ gi(t, 3), gi(t, 0), ir_const(ctx, t, b), c });
                    ir_gen_movcond(ctx, t, c, gi(t, 4), gi(t, 0), gi(t, 1), gi(t, 6), gi(t, 7));
                    ir_gen_movi(ctx, t, gi(t, 5), 1);
                    ir_gen_brcond(ctx, t, c, gi(t, 0), ir_const(ctx, t, b), l);
                    ir_gen_movi(ctx, t, gi(t, 5), 0);
                    ir_gen_set_label(ctx, l);
                    ir_gen_exit_tb(ctx, 7);
                    cpu_init(&cpu);
                    set(&cpu, t, 0, a);
                    set(&cpu, t, 1, b);
                    set(&cpu, t, 6, 0x1111);
                    set(&cpu, t, 7, 0x2222);
                    ck_assert_uint_eq(run(&cpu, true), 7);
                    ck_assert_msg(get(&cpu, t, 2) == want, "setcond %s %#lx %#lx",
                                  ir_cond_name(c), a, b);
                    ck_assert_uint_eq(get(&cpu, t, 3), trunc_t(t, want ? ~0ull : 0));
                    ck_assert_uint_eq(get(&cpu, t, 4), want ? 0x1111 : 0x2222);
                    ck_assert_msg(get(&cpu, t, 5) == want, "brcond %s", ir_cond_name(c));
                }
            }
        }
    }
}
END_TEST

START_TEST(test_double_width)
{
    for (IrType t = IR_I32; t <= IR_I64; t++) {
        unsigned w = t == IR_I64 ? 64 : 32;
        for (unsigned i = 0; i < NB_EDGE; i++) {
            for (unsigned j = 0; j < NB_EDGE; j++) {
                uint64_t a = trunc_t(t, edge[i]), b = trunc_t(t, edge[j]);
                TestCpu cpu;
                ir_reset(ctx);
                ir_emit(ctx, IR_OP_mulu2, t, 2, 2, (IrArg[]){ gi(t, 2), gi(t, 3), gi(t, 0), gi(t, 1) });
                ir_emit(ctx, IR_OP_muls2, t, 2, 2, (IrArg[]){ gi(t, 4), gi(t, 5), gi(t, 0), gi(t, 1) });
                /* divu2 (hi = a mod b < b so the quotient fits) */
                IrTempIdx hi = ir_temp_new(ctx, t);
                if (b) {
                    ir_gen_op2(ctx, IR_OP_remu, t, hi, gi(t, 0), gi(t, 1));
                    ir_emit(ctx, IR_OP_divu2, t, 2, 3, (IrArg[]){ gi(t, 6), gi(t, 7), gi(t, 0), hi, gi(t, 1) });
                }
                ir_gen_exit_tb(ctx, 1);
                cpu_init(&cpu);
                set(&cpu, t, 0, a);
                set(&cpu, t, 1, b);
                run(&cpu, true);
                unsigned __int128 pu = (unsigned __int128)a * b;
                __int128 ps = (__int128)(int64_t)sext(t, a) * (int64_t)sext(t, b);
                if (w == 32) {
                    ck_assert_uint_eq(cpu.w[2], (uint32_t)pu);
                    ck_assert_uint_eq(cpu.w[3], (uint32_t)(pu >> 32));
                    ck_assert_uint_eq(cpu.w[4], (uint32_t)ps);
                    ck_assert_uint_eq(cpu.w[5], (uint32_t)((uint64_t)ps >> 32));
                } else {
                    ck_assert_uint_eq(cpu.r[2], (uint64_t)pu);
                    ck_assert_uint_eq(cpu.r[3], (uint64_t)(pu >> 64));
                    ck_assert_uint_eq(cpu.r[4], (uint64_t)ps);
                    ck_assert_uint_eq(cpu.r[5], (uint64_t)((unsigned __int128)ps >> 64));
                }
                if (b) {
                    unsigned __int128 num = ((unsigned __int128)(a % b) << w) | a;
                    ck_assert_uint_eq(get(&cpu, t, 6), trunc_t(t, (uint64_t)(num / b)));
                    ck_assert_uint_eq(get(&cpu, t, 7), trunc_t(t, (uint64_t)(num % b)));
                }
            }
        }
    }
}
END_TEST

START_TEST(test_carry)
{
    for (IrType t = IR_I32; t <= IR_I64; t++) {
        unsigned w = t == IR_I64 ? 64 : 32;
        for (unsigned i = 0; i < NB_EDGE; i++) {
            for (unsigned j = 0; j < NB_EDGE; j += 2) {
                for (unsigned cin = 0; cin < 4; cin++) {
                    uint64_t a = trunc_t(t, edge[i]), b = trunc_t(t, edge[j]);
                    TestCpu cpu;
                    ir_reset(ctx);
                    ir_emit(ctx, IR_OP_addcarry, t, 2, 3, (IrArg[]){ gi(t, 3), gi(t, 4), gi(t, 0), gi(t, 1), gi(t, 2) });
                    ir_emit(ctx, IR_OP_subborrow, t, 2, 3, (IrArg[]){ gi(t, 5), gi(t, 6), gi(t, 0), ir_const(ctx, t, b), gi(t, 2) });
                    ir_gen_exit_tb(ctx, 1);
                    cpu_init(&cpu);
                    set(&cpu, t, 0, a);
                    set(&cpu, t, 1, b);
                    set(&cpu, t, 2, cin);
                    run(&cpu, true);
                    unsigned __int128 s = (unsigned __int128)a + b + (cin & 1);
                    ck_assert_uint_eq(get(&cpu, t, 3), trunc_t(t, (uint64_t)s));
                    ck_assert_uint_eq(get(&cpu, t, 4), (uint64_t)(s >> w) & 1);
                    ck_assert_uint_eq(get(&cpu, t, 5), trunc_t(t, a - b - (cin & 1)));
                    ck_assert_uint_eq(get(&cpu, t, 6),
                                      (unsigned __int128)b + (cin & 1) > a ? 1u : 0u);
                }
            }
        }
    }
}
END_TEST

START_TEST(test_bitfield)
{
    for (IrType t = IR_I32; t <= IR_I64; t++) {
        unsigned w = t == IR_I64 ? 64 : 32;
        for (unsigned pos = 0; pos < w; pos += 3) {
            for (unsigned len = 1; pos + len <= w; len += (len < 9 ? 1 : 7)) {
                uint64_t a = trunc_t(t, 0x9bcdef0123456789ull), v = trunc_t(t, 0xf0e1d2c3b4a59687ull);
                TestCpu cpu;
                ir_reset(ctx);
                ir_gen_extract(ctx, t, gi(t, 2), gi(t, 0), pos, len);
                ir_gen_sextract(ctx, t, gi(t, 3), gi(t, 0), pos, len);
                ir_gen_deposit(ctx, t, gi(t, 4), gi(t, 0), gi(t, 1), pos, len);
                ir_gen_exit_tb(ctx, 1);
                cpu_init(&cpu);
                set(&cpu, t, 0, a);
                set(&cpu, t, 1, v);
                run(&cpu, true);
                uint64_t mask = len == 64 ? ~0ull : (1ull << len) - 1;
                uint64_t ex = (a >> pos) & mask;
                uint64_t sx = ex & (1ull << (len - 1)) ? ex | ~mask : ex;
                uint64_t dep = (a & ~(mask << pos)) | ((v & mask) << pos);
                ck_assert_msg(get(&cpu, t, 2) == ex, "extract %u %u", pos, len);
                ck_assert_msg(get(&cpu, t, 3) == trunc_t(t, sx), "sextract %u %u", pos, len);
                ck_assert_msg(get(&cpu, t, 4) == trunc_t(t, dep), "deposit %u %u", pos, len);
            }
        }
    }
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Register pressure, calls, branches                                      */

static void pressure_body(void)
{
    enum { N = 40 };
    IrTempIdx t[N];
    TestCpu cpu;

    ir_reset(ctx);
    for (int i = 0; i < N; i++) {
        t[i] = ir_temp_new(ctx, IR_I64);
        ir_gen_op2(ctx, IR_OP_mul, IR_I64, t[i], gr[0], ir_const_i64(ctx, 2 * i + 1));
    }
    IrTempIdx acc = ir_temp_new(ctx, IR_I64);
    ir_gen_movi(ctx, IR_I64, acc, 0);
    for (int i = 0; i < N; i++) {
        ir_gen_op2(ctx, IR_OP_rotl, IR_I64, acc, acc, ir_const_i64(ctx, 3));
        ir_gen_op2(ctx, IR_OP_xor, IR_I64, acc, acc, t[i]);
        ir_gen_op2(ctx, IR_OP_divu, IR_I64, gr[2 + i % 8], t[i], gr[1]);   /* fixed regs */
    }
    ir_gen_mov(ctx, IR_I64, gr[1], acc);
    ir_gen_exit_tb(ctx, 3);
    cpu_init(&cpu);
    cpu.r[0] = 0x123456789ull;
    cpu.r[1] = 7;
    run(&cpu, true);
    uint64_t want = 0;
    for (int i = 0; i < N; i++) {
        uint64_t ti = 0x123456789ull * (2 * i + 1);
        want = (want << 3 | want >> 61) ^ ti;
        if (i >= N - 8) {
            ck_assert_uint_eq(cpu.r[2 + i % 8], ti / 7);
        }
    }
    ck_assert_uint_eq(cpu.r[1], want);
}

START_TEST(test_pressure)
{
    pressure_body();
    ra_set_reg_limit(1);
    pressure_body();
    conservative_hints = true;
    pressure_body();
    conservative_hints = false;
    ra_set_reg_limit(0);
}
END_TEST

static uint64_t helper_mix(uint64_t a, uint64_t b, uint64_t c, uint32_t d, uint64_t e, uint64_t f)
{
    return a + 2 * b + 3 * c + 4 * (uint64_t)d + 5 * e + 6 * f;
}

/* Reads and writes globals through env: needs sync before and reload after. */
static uint64_t helper_globals(TestCpu *cpu)
{
    cpu->r[7] += cpu->r[6];
    return cpu->r[6] * 10;
}

static unsigned h_mix, h_glob;

START_TEST(test_calls)
{
    TestCpu cpu;
    ir_reset(ctx);
    IrTempIdx live = ir_temp_new(ctx, IR_I64), res = ir_temp_new(ctx, IR_I64);
    ir_gen_op2(ctx, IR_OP_add, IR_I64, live, gr[0], ir_const_i64(ctx, 1000));  /* across calls */
    ir_gen_op2(ctx, IR_OP_add, IR_I64, gr[6], gr[6], ir_const_i64(ctx, 1));   /* dirty global */
    ir_gen_call(ctx, h_mix, res, (IrTempIdx[]){ gr[0], gr[1], live, gw[0], ir_const_i64(ctx, 5), gr[1] });
    ir_gen_call(ctx, h_glob, gr[8], (IrTempIdx[]){ ctx->env });
    ir_gen_op2(ctx, IR_OP_add, IR_I64, gr[7], gr[7], ir_const_i64(ctx, 1));   /* reloaded */
    ir_gen_op2(ctx, IR_OP_add, IR_I64, gr[9], res, live);
    ir_gen_exit_tb(ctx, 9);
    cpu_init(&cpu);
    cpu.r[0] = 10;
    cpu.r[1] = 20;
    cpu.w[0] = 0xffffffff;
    cpu.r[6] = 4;
    cpu.r[7] = 100;
    ck_assert_uint_eq(run(&cpu, true), 9);
    uint64_t mix = 10 + 40 + 3 * 1010 + 4 * 0xffffffffull + 25 + 120;
    ck_assert_uint_eq(cpu.r[9], mix + 1010);
    ck_assert_uint_eq(cpu.r[8], 50);
    ck_assert_uint_eq(cpu.r[7], 100 + 5 + 1);
}
END_TEST

/* sum = 1 + ... + n with a TB temp across a backward branch. */
START_TEST(test_loop)
{
    TestCpu cpu;
    ir_reset(ctx);
    IrTempIdx i = ir_temp_new_tb(ctx, IR_I64), sum = ir_temp_new_tb(ctx, IR_I64);
    uint32_t top = ir_label_new(ctx), out = ir_label_new(ctx);
    ir_gen_insn_start(ctx, 0x1000, 0);
    ir_gen_movi(ctx, IR_I64, sum, 0);
    ir_gen_mov(ctx, IR_I64, i, gr[0]);
    ir_gen_insn_start(ctx, 0x1004, 0);
    ir_gen_set_label(ctx, top);
    ir_gen_brcond(ctx, IR_I64, IR_COND_EQ, i, ir_const_i64(ctx, 0), out);
    ir_gen_op2(ctx, IR_OP_add, IR_I64, sum, sum, i);
    ir_gen_op2(ctx, IR_OP_add, IR_I64, gr[2], gr[2], ir_const_i64(ctx, 1));
    ir_gen_op2(ctx, IR_OP_sub, IR_I64, i, i, ir_const_i64(ctx, 1));
    ir_gen_br(ctx, top);
    ir_gen_set_label(ctx, out);
    ir_gen_insn_start(ctx, 0x1008, 0);
    ir_gen_mov(ctx, IR_I64, gr[1], sum);
    ir_gen_exit_tb(ctx, 5);
    cpu_init(&cpu);
    cpu.r[0] = 1000;
    ck_assert_uint_eq(run(&cpu, true), 5);
    ck_assert_uint_eq(cpu.r[1], 500500);
    ck_assert_uint_eq(cpu.r[2], 1000);
    ck_assert_uint_eq(last_cg.nb_insns, 3);
    ck_assert_uint_eq(last_cg.insn_data[1][0], 0x1004);
    ck_assert(last_cg.insn_end[0] < last_cg.insn_end[1]);
    ck_assert(last_cg.insn_end[1] < last_cg.insn_end[2]);
    ck_assert(last_cg.insn_end[2] <= last_cg.size);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* goto_tb, lookup_tb, goto_ptr, mb                                        */

static const uint8_t *lookup_target;
static uint64_t lookup_pc;

const void *jit_lookup_tb_ptr(JitCpu *cpu)
{
    return ((TestCpu *)cpu)->pc == lookup_pc ? lookup_target : NULL;
}

START_TEST(test_chaining)
{
    TestCpu cpu;
    /* TB B at +64K: r1 = 0xb; exit 0xbbb0 */
    ir_reset(ctx);
    ir_gen_movi(ctx, IR_I64, gr[1], 0xb);
    ir_gen_exit_tb(ctx, 0xbbb0);
    uint8_t *tb_b = compile_at(0x10000, true);
    /* TB A: r1 = 0xa; goto_tb 0; exit_tb 0xaaa0 */
    ir_reset(ctx);
    ir_gen_movi(ctx, IR_I64, gr[1], 0xa);
    ir_gen_goto_tb(ctx, 0);
    ir_gen_exit_tb(ctx, 0xaaa0);
    uint8_t *tb_a = compile_at(0x20000, true);
    JitCodeGen cg = last_cg;
    ck_assert(cg.goto_tb_used[0] && !cg.goto_tb_used[1]);
    ck_assert_uint_eq((rx_of(tb_a) + cg.goto_tb_jmp[0] + 1) % 4, 0);
    cpu_init(&cpu);
    ck_assert_uint_eq(run_code(&cpu, tb_a), 0xaaa0);
    ck_assert_uint_eq(cpu.r[1], 0xa);
    jit_backend_x86_64.patch_jump(rx_of(tb_a) + cg.goto_tb_jmp[0], tb_a + cg.goto_tb_jmp[0],
                                  rx_of(tb_b));
    ck_assert_uint_eq(run_code(&cpu, tb_a), 0xbbb0);
    ck_assert_uint_eq(cpu.r[1], 0xb);
    jit_backend_x86_64.patch_jump(rx_of(tb_a) + cg.goto_tb_jmp[0], tb_a + cg.goto_tb_jmp[0],
                                  rx_of(tb_a) + cg.goto_tb_reset[0]);
    ck_assert_uint_eq(run_code(&cpu, tb_a), 0xaaa0);

    /* TB C: pc = r0; t = lookup_tb; goto_ptr t */
    ir_reset(ctx);
    IrTempIdx t = ir_temp_new(ctx, IR_I64);
    ir_gen_mov(ctx, IR_I64, gpc, gr[0]);
    ir_emit(ctx, IR_OP_lookup_tb, IR_I64, 1, 0, (IrArg[]){ t });
    ir_emit(ctx, IR_OP_goto_ptr, IR_I64, 0, 1, (IrArg[]){ t });
    uint8_t *tb_c = compile_at(0x30000, true);
    lookup_target = (const uint8_t *)rx_of(tb_b);
    lookup_pc = 0x4000;
    cpu.r[0] = 0x4000;
    cpu.r[1] = 0;
    ck_assert_uint_eq(run_code(&cpu, tb_c), 0xbbb0);
    ck_assert_uint_eq(cpu.r[1], 0xb);
    cpu.r[0] = 0x5000;                        /* no TB: the return-0 epilogue */
    ck_assert_uint_eq(run_code(&cpu, tb_c), 0);
    ck_assert_uint_eq(cpu.pc, 0x5000);
}
END_TEST

/* A buffer too small: JIT_ERR_BUF_FULL, and not one byte written past it. */
START_TEST(test_buf_full)
{
    static uint8_t buf[4096 + 64];
    ir_reset(ctx);
    for (int i = 0; i < 200; i++) {
        ir_gen_op2(ctx, IR_OP_add, IR_I64, gr[i % 16], gr[(i + 1) % 16], ir_const_i64(ctx, 0x12345678 + i));
    }
    ir_gen_exit_tb(ctx, 1);
    opt_liveness(ctx);
    for (size_t cap = 0; cap < 2048; cap += 61) {
        memset(buf, 0xa5, sizeof buf);
        JitCodeGen cg = { .rw = buf, .rx = (uintptr_t)buf, .cap = cap, .user_mode = true };
        ck_assert_int_eq(jit_backend_x86_64.gen_code(ctx, &cg), JIT_ERR_BUF_FULL);
        for (size_t i = cap; i < sizeof buf; i++) {
            ck_assert_uint_eq(buf[i], 0xa5);
        }
    }
    JitCodeGen cg = { .rw = buf, .rx = (uintptr_t)buf, .cap = sizeof buf, .user_mode = true };
    ck_assert_int_eq(jit_backend_x86_64.gen_code(ctx, &cg), JIT_OK);
    ck_assert_uint_gt(cg.size, 2048);
}
END_TEST

START_TEST(test_mb)
{
    static const uint8_t mfence[] = { 0x0f, 0xae, 0xf0 };
    TestCpu cpu;
    for (unsigned mask = 0; mask <= IR_MB_ALL; mask++) {
        ir_reset(ctx);
        ir_gen_mb(ctx, mask);
        ir_gen_exit_tb(ctx, 1);
        cpu_init(&cpu);
        uint8_t *p = compile_at(0, true);
        ck_assert_uint_eq(run_code(&cpu, p), 1);
        bool has = memmem(p, last_cg.size, mfence, 3) != NULL;
        ck_assert_int_eq(has, (mask & IR_MB_ST_LD) != 0);
    }
}
END_TEST

/* ---------------------------------------------------------------------- */
/* User-mode guest memory and atomics                                      */

static uint8_t guest_ram[0x4000] __attribute__((aligned(64)));
#define GUEST_BASE_ADDR 0x100000ull        /* guest address of guest_ram[0] */

static void user_cpu(TestCpu *cpu)
{
    cpu_init(cpu);
    cpu->jc.guest_base = (uint64_t)(uintptr_t)guest_ram - GUEST_BASE_ADDR;
}

static void mem_body(bool user, uint64_t addr, uint8_t *host, TestCpu *cpu)
{
    static const IrMemOp mos[] = {
        IR_MO_8, IR_MO_8 | IR_MO_SIGN, IR_MO_16, IR_MO_16 | IR_MO_SIGN, IR_MO_32,
        IR_MO_32 | IR_MO_SIGN, IR_MO_64, IR_MO_16 | IR_MO_BSWAP, IR_MO_32 | IR_MO_BSWAP | IR_MO_SIGN,
        IR_MO_64 | IR_MO_BSWAP,
    };
    const uint64_t pattern = 0x8899aabbccddeeffull;

    for (unsigned m = 0; m < sizeof(mos) / sizeof(mos[0]); m++) {
        for (IrType t = IR_I32; t <= IR_I64; t++) {
            IrMemOp mo = mos[m];
            unsigned size = ir_memop_size(mo);
            if (t == IR_I32 && size == 8) {
                continue;
            }
            memcpy(host, &pattern, 8);
            memset(host + 8, 0, 8);
            ir_reset(ctx);
            ir_gen_guest_ld(ctx, t, gi(t, 1), gr[0], mo, 0);
            ir_gen_op2(ctx, IR_OP_add, IR_I64, gr[3], gr[0], ir_const_i64(ctx, 8));
            ir_gen_guest_st(ctx, t, gi(t, 2), gr[3], mo, 0);
            ir_gen_exit_tb(ctx, 1);
            set(cpu, t, 2, 0x0123456789abcdefull);
            cpu->r[0] = addr;
            compile_at(0, user);
            run_code(cpu, code + code_used);
            uint64_t raw = 0, want;
            memcpy(&raw, host, size);
            if (mo & IR_MO_BSWAP) {
                raw = __builtin_bswap64(raw) >> (64 - 8 * size);
            }
            want = raw;
            if (mo & IR_MO_SIGN && size < 8) {
                want = (uint64_t)((int64_t)(raw << (64 - 8 * size)) >> (64 - 8 * size));
            }
            ck_assert_msg(get(cpu, t, 1) == trunc_t(t, want), "ld %u.%s: %#lx want %#lx", m,
                          ir_type_name(t), get(cpu, t, 1), trunc_t(t, want));
            uint64_t stv = trunc_t(t, 0x0123456789abcdefull), got = 0;
            memcpy(&got, host + 8, size);
            uint64_t exp = mo & IR_MO_BSWAP ? __builtin_bswap64(stv) >> (64 - 8 * size) : stv;
            if (size < 8) {
                exp &= (1ull << (8 * size)) - 1;
            }
            ck_assert_msg(got == exp, "st %u.%s: %#lx want %#lx", m, ir_type_name(t), got, exp);
        }
    }
    /* v128 load and store */
    for (int i = 0; i < 16; i++) {
        host[i] = i * 7 + 1;
    }
    ir_reset(ctx);
    ir_gen_guest_ld(ctx, IR_V128, gv[0], gr[0], IR_MO_128, 0);
    ir_gen_op2(ctx, IR_OP_add, IR_I64, gr[3], gr[0], ir_const_i64(ctx, 16));
    ir_gen_guest_st(ctx, IR_V128, gv[0], gr[3], IR_MO_128, 0);
    ir_gen_exit_tb(ctx, 1);
    cpu->r[0] = addr;
    compile_at(0, user);
    run_code(cpu, code + code_used);
    ck_assert(memcmp(cpu->v[0], host, 16) == 0);
    ck_assert(memcmp(host + 16, host, 16) == 0);
    /* narrow v128 accesses (movd/movq): zero-extended loads, low-lane stores */
    for (unsigned size = 4; size <= 8; size *= 2) {
        IrMemOp mo = size == 4 ? IR_MO_32 : IR_MO_64;
        memset(host + 16, 0xee, 16);
        memset(cpu->v[1], 0xcc, 16);
        ir_reset(ctx);
        ir_gen_guest_ld(ctx, IR_V128, gv[1], gr[0], mo, 0);
        ir_gen_op2(ctx, IR_OP_add, IR_I64, gr[3], gr[0], ir_const_i64(ctx, 16));
        ir_gen_guest_st(ctx, IR_V128, gv[0], gr[3], mo, 0);
        ir_gen_exit_tb(ctx, 1);
        compile_at(0, user);
        run_code(cpu, code + code_used);
        uint8_t want[16] = { 0 };
        memcpy(want, host, size);
        ck_assert(memcmp(cpu->v[1], want, 16) == 0);
        ck_assert(memcmp(host + 16, cpu->v[0], size) == 0);
        ck_assert_uint_eq(host[16 + size], 0xee);
    }
}

START_TEST(test_user_mem)
{
    TestCpu cpu;
    user_cpu(&cpu);
    mem_body(true, GUEST_BASE_ADDR + 0x100, guest_ram + 0x100, &cpu);
    mem_body(true, GUEST_BASE_ADDR + 0x203, guest_ram + 0x203, &cpu);   /* misaligned */
}
END_TEST

/* The guest value <-> memory bytes of a size-byte access (big-endian if be). */
static uint64_t guest_order(uint64_t raw, unsigned size, bool be)
{
    return be && size > 1 ? __builtin_bswap64(raw) >> (64 - 8 * size) : raw;
}

/* Every atomic at every size, little- and big-endian, values asymmetric in
 * their bytes so that a missing or extra byte swap shows. */
static void atomics_body(bool user, TestCpu *cpu, uint64_t addr, uint8_t *host)
{
    static const IrOpcode rmw[] = { IR_OP_atomic_xchg, IR_OP_atomic_fetch_add,
        IR_OP_atomic_fetch_and, IR_OP_atomic_fetch_or, IR_OP_atomic_fetch_xor };
    for (int be = 0; be < 2; be++)
    for (IrType t = IR_I32; t <= IR_I64; t++) {
        for (unsigned sz = 0; sz <= (t == IR_I64 ? 3u : 2u); sz++) {
            unsigned size = 1u << sz;
            IrMemOp mo = sz | (be ? IR_MO_BSWAP : 0);
            uint64_t mask = size == 8 ? ~0ull : (1ull << (8 * size)) - 1;
            for (unsigned k = 0; k < 5; k++) {
                uint64_t old = 0xf1e2d3c4b5a69788ull & mask, val = 0x0f1e2d3c4b5a6978ull;
                uint64_t raw = guest_order(old, size, be);
                memcpy(host, &raw, size);
                ir_reset(ctx);
                ir_emit(ctx, rmw[k], t, 1, 2, (IrArg[]){ gi(t, 1), gr[0], gi(t, 2), mo, 0 });
                ir_gen_exit_tb(ctx, 1);
                cpu->r[0] = addr;
                set(cpu, t, 2, val);
                compile_at(0, user);
                run_code(cpu, code + code_used);
                uint64_t v = val & mask, want;
                switch (k) {
                case 0: want = v; break;
                case 1: want = (old + v) & mask; break;
                case 2: want = old & v; break;
                case 3: want = old | v; break;
                default: want = old ^ v; break;
                }
                uint64_t mem = 0;
                memcpy(&mem, host, size);
                ck_assert_msg(get(cpu, t, 1) == old, "%s size %u be %d old %#lx",
                              ir_op_defs[rmw[k]].name, size, be, get(cpu, t, 1));
                ck_assert_msg(guest_order(mem, size, be) == want, "%s size %u be %d mem %#lx",
                              ir_op_defs[rmw[k]].name, size, be, mem);
            }
            /* the old value unused (lock add/and/or/xor), value in a register
             * and as an immediate */
            for (unsigned k = 1; k < 5; k++) {
                for (int imm = 0; imm < 2; imm++) {
                    uint64_t old = 0xf1e2d3c4b5a69788ull & mask, val = 0x0f1e2d3c4b5a6978ull;
                    uint64_t raw = guest_order(old, size, be);
                    memcpy(host, &raw, size);
                    ir_reset(ctx);
                    IrTempIdx unused = ir_temp_new(ctx, t);
                    IrTempIdx v = imm ? ir_const(ctx, t, t == IR_I64 ? 0x2d3c4b5a : val) : gi(t, 2);
                    ir_emit(ctx, rmw[k], t, 1, 2, (IrArg[]){ unused, gr[0], v, mo, 0 });
                    ir_gen_exit_tb(ctx, 1);
                    cpu->r[0] = addr;
                    set(cpu, t, 2, val);
                    compile_at(0, user);
                    run_code(cpu, code + code_used);
                    uint64_t x = (imm && t == IR_I64 ? 0x2d3c4b5a : val) & mask, want, mem = 0;
                    switch (k) {
                    case 1: want = (old + x) & mask; break;
                    case 2: want = old & x; break;
                    case 3: want = old | x; break;
                    default: want = old ^ x; break;
                    }
                    memcpy(&mem, host, size);
                    ck_assert_msg(guest_order(mem, size, be) == want, "%s (dead) size %u be %d imm %d",
                                  ir_op_defs[rmw[k]].name, size, be, imm);
                }
            }
            /* cmpxchg: a failing then a succeeding compare */
            for (int ok = 0; ok < 2; ok++) {
                uint64_t old = 0x1122334455667788ull & mask, nv = 0xa5b6c7d8e9fa0b1cull;
                uint64_t raw = guest_order(old, size, be);
                memcpy(host, &raw, size);
                ir_reset(ctx);
                ir_emit(ctx, IR_OP_atomic_cmpxchg, t, 1, 3,
                        (IrArg[]){ gi(t, 1), gr[0], gi(t, 2), gi(t, 3), mo, 0 });
                ir_gen_exit_tb(ctx, 1);
                cpu->r[0] = addr;
                set(cpu, t, 2, ok ? old : 5);
                set(cpu, t, 3, nv);
                compile_at(0, user);
                run_code(cpu, code + code_used);
                uint64_t mem = 0;
                memcpy(&mem, host, size);
                ck_assert_uint_eq(get(cpu, t, 1), old);
                ck_assert_uint_eq(guest_order(mem, size, be), ok ? nv & mask : old);
            }
        }
    }
}

/* i128 cmpxchg, the i128 values built from i64 halves: fail, then succeed. */
static void cmpxchg128_body(bool user, TestCpu *cpu, uint64_t addr, uint8_t *host)
{
    for (int ok = 0; ok < 2; ok++) {
        uint64_t mem[2] = { 0x1111, 0x2222 };
        memcpy(host, mem, 16);
        ir_reset(ctx);
        IrTempIdx cmp = ir_temp_new(ctx, IR_I128), nv = ir_temp_new(ctx, IR_I128);
        IrTempIdx old = ir_temp_new(ctx, IR_I128);
        ir_emit(ctx, IR_OP_concat_i64_i128, IR_I128, 1, 2, (IrArg[]){ cmp, gr[1], gr[2] });
        ir_emit(ctx, IR_OP_concat_i64_i128, IR_I128, 1, 2, (IrArg[]){ nv, gr[3], gr[4] });
        ir_emit(ctx, IR_OP_atomic_cmpxchg, IR_I128, 1, 3,
                (IrArg[]){ old, gr[0], cmp, nv, IR_MO_128 | IR_MO_ATOM, 0 });
        ir_emit(ctx, IR_OP_extrl_i128_i64, IR_I64, 1, 1, (IrArg[]){ gr[5], old });
        ir_emit(ctx, IR_OP_extrh_i128_i64, IR_I64, 1, 1, (IrArg[]){ gr[6], old });
        ir_gen_exit_tb(ctx, 1);
        cpu->r[0] = addr;
        cpu->r[1] = 0x1111;
        cpu->r[2] = ok ? 0x2222 : 0x2223;
        cpu->r[3] = 0xaaaa;
        cpu->r[4] = 0xbbbb;
        run(cpu, user);
        memcpy(mem, host, 16);
        ck_assert_uint_eq(cpu->r[5], 0x1111);
        ck_assert_uint_eq(cpu->r[6], 0x2222);
        ck_assert_uint_eq(mem[0], ok ? 0xaaaa : 0x1111);
        ck_assert_uint_eq(mem[1], ok ? 0xbbbb : 0x2222);
    }
}

START_TEST(test_user_atomics)
{
    TestCpu cpu;
    user_cpu(&cpu);
    atomics_body(true, &cpu, GUEST_BASE_ADDR + 0x400, guest_ram + 0x400);

    cmpxchg128_body(true, &cpu, GUEST_BASE_ADDR + 0x500, guest_ram + 0x500);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Softmmu through a test TLB                                              */

/* Guest layout: RAM pages at 0x10000..0x13fff, MMIO page at 0x20000. */
#define SM_RAM 0x10000ull
#define SM_MMIO 0x20000ull
static uint8_t sm_ram[0x4000] __attribute__((aligned(4096)));
static JitTlbEntry sm_tlb[JIT_TLB_SIZE];
static uint64_t sm_iotlb[JIT_TLB_SIZE];
static unsigned nb_fill, nb_io_read, nb_io_write, nb_slow;
static uint64_t io_last_addr, io_last_val;
static uintptr_t last_ra;

static void sm_fill(JitCpu *cpu, uint64_t addr, JitAccess acc, unsigned mmu, uintptr_t ra)
{
    uint64_t page = addr & JIT_PAGE_MASK;
    JitTlbEntry *e = &cpu->tlb[mmu][(addr >> JIT_PAGE_BITS) & (JIT_TLB_SIZE - 1)];
    nb_fill++;
    if (page == SM_MMIO) {
        e->addr_read = e->addr_write = page | JIT_TLB_MMIO;
        e->addend = 0;
        cpu->iotlb[mmu][(addr >> JIT_PAGE_BITS) & (JIT_TLB_SIZE - 1)] = 0x77;
    } else {
        ck_assert(page >= SM_RAM && page < SM_RAM + sizeof(sm_ram));
        e->addr_read = e->addr_write = page;
        e->addend = (uintptr_t)sm_ram - SM_RAM;
    }
}

static uint64_t sm_io_read(JitCpu *cpu, uint64_t iotlb, uint64_t addr, unsigned size, uintptr_t ra)
{
    ck_assert_uint_eq(iotlb, 0x77);
    nb_io_read++;
    io_last_addr = addr;
    uint64_t v = 0xfedcba9876543210ull ^ addr;
    return size == 8 ? v : v & ((1ull << (8 * size)) - 1);
}

static void sm_io_write(JitCpu *cpu, uint64_t iotlb, uint64_t addr, uint64_t val, unsigned size,
                        uintptr_t ra)
{
    nb_io_write++;
    io_last_addr = addr;
    io_last_val = val;
}

static const JitMemOps sm_ops = { sm_fill, sm_io_read, sm_io_write };

/* The reference slow path: one byte at a time across pages, else whole. */
static JitTlbEntry *sm_entry(JitCpu *cpu, uint64_t addr, unsigned mmu, bool write, uintptr_t ra)
{
    JitTlbEntry *e = &cpu->tlb[mmu][(addr >> JIT_PAGE_BITS) & (JIT_TLB_SIZE - 1)];
    uint64_t tag = write ? e->addr_write : e->addr_read;
    if ((tag & (JIT_PAGE_MASK | JIT_TLB_INVALID)) != (addr & JIT_PAGE_MASK)) {
        cpu->mem_ops->tlb_fill(cpu, addr, write ? JIT_ACCESS_WRITE : JIT_ACCESS_READ, mmu, ra);
    }
    return e;
}

static uint64_t sm_read(JitCpu *cpu, uint64_t addr, unsigned size, unsigned mmu, uintptr_t ra)
{
    if ((addr & ~JIT_PAGE_MASK) + size > JIT_PAGE_SIZE) {
        uint64_t v = 0;
        for (unsigned i = 0; i < size; i++) {
            v |= sm_read(cpu, addr + i, 1, mmu, ra) << (8 * i);
        }
        return v;
    }
    JitTlbEntry *e = sm_entry(cpu, addr, mmu, false, ra);
    if (e->addr_read & JIT_TLB_MMIO) {
        return cpu->mem_ops->io_read(cpu, cpu->iotlb[mmu][(addr >> 12) & 255], addr, size, ra);
    }
    uint64_t v = 0;
    memcpy(&v, (void *)(uintptr_t)(addr + e->addend), size);
    return v;
}

static void sm_write(JitCpu *cpu, uint64_t addr, uint64_t val, unsigned size, unsigned mmu,
                     uintptr_t ra)
{
    if ((addr & ~JIT_PAGE_MASK) + size > JIT_PAGE_SIZE) {
        for (unsigned i = 0; i < size; i++) {
            sm_write(cpu, addr + i, val >> (8 * i), 1, mmu, ra);
        }
        return;
    }
    JitTlbEntry *e = sm_entry(cpu, addr, mmu, true, ra);
    if (e->addr_write & JIT_TLB_MMIO) {
        cpu->mem_ops->io_write(cpu, cpu->iotlb[mmu][(addr >> 12) & 255], addr, val, size, ra);
        return;
    }
    memcpy((void *)(uintptr_t)(addr + e->addend), &val, size);
}

static uint64_t memop_value(IrMemOp mo, uint64_t v)
{
    unsigned size = ir_memop_size(mo);
    if (mo & IR_MO_BSWAP) {
        v = __builtin_bswap64(v) >> (64 - 8 * size);
    }
    if (mo & IR_MO_SIGN && size < 8) {
        v = (uint64_t)((int64_t)(v << (64 - 8 * size)) >> (64 - 8 * size));
    }
    return v;
}

/* User mode reaches the helpers only for accesses that must fault
 * (misaligned with IR_MO_ALIGN): recorded, and a marker value returned. */
static unsigned nb_align_faults;
#define ALIGN_MARK 0xa11a11a11ull

uint64_t jit_ld_helper(JitCpu *cpu, uint64_t addr, uint32_t oi, uintptr_t ra)
{
    nb_slow++;
    last_ra = ra;
    if (cpu->mem_mode == JIT_MEM_USER) {
        nb_align_faults++;
        return ALIGN_MARK;
    }
    IrMemOp mo = jit_oi_memop(oi);
    return memop_value(mo, sm_read(cpu, addr, ir_memop_size(mo), jit_oi_mmu(oi), ra));
}

void jit_st_helper(JitCpu *cpu, uint64_t addr, uint64_t val, uint32_t oi, uintptr_t ra)
{
    nb_slow++;
    last_ra = ra;
    if (cpu->mem_mode == JIT_MEM_USER) {
        nb_align_faults++;
        return;
    }
    IrMemOp mo = jit_oi_memop(oi);
    unsigned size = ir_memop_size(mo);
    if (mo & IR_MO_BSWAP) {
        val = __builtin_bswap64(val) >> (64 - 8 * size);
    }
    sm_write(cpu, addr, val, size, jit_oi_mmu(oi), ra);
}

void jit_ld128_helper(JitCpu *cpu, uint64_t addr, uint32_t oi, uintptr_t ra, uint64_t out[2])
{
    nb_slow++;
    out[0] = sm_read(cpu, addr, 8, jit_oi_mmu(oi), ra);
    out[1] = sm_read(cpu, addr + 8, 8, jit_oi_mmu(oi), ra);
}

void jit_st128_helper(JitCpu *cpu, uint64_t addr, const uint64_t val[2], uint32_t oi, uintptr_t ra)
{
    nb_slow++;
    sm_write(cpu, addr, val[0], 8, jit_oi_mmu(oi), ra);
    sm_write(cpu, addr + 8, val[1], 8, jit_oi_mmu(oi), ra);
}

uint64_t jit_atomic_cmpxchg_helper(JitCpu *cpu, uint64_t addr, uint64_t cmp, uint64_t nv,
                                   uint32_t oi, uintptr_t ra)
{
    IrMemOp mo = jit_oi_memop(oi);
    unsigned size = ir_memop_size(mo);
    uint64_t mask = size == 8 ? ~0ull : (1ull << (8 * size)) - 1;
    bool be = mo & IR_MO_BSWAP;
    nb_slow++;
    uint64_t old = guest_order(sm_read(cpu, addr, size, jit_oi_mmu(oi), ra), size, be);
    if (old == (cmp & mask)) {
        sm_write(cpu, addr, guest_order(nv & mask, size, be), size, jit_oi_mmu(oi), ra);
    }
    return memop_value(mo & ~IR_MO_BSWAP, old);
}

uint64_t jit_atomic_rmw_helper(JitCpu *cpu, uint64_t addr, uint64_t val, JitAtomicOp op,
                               uint32_t oi, uintptr_t ra)
{
    IrMemOp mo = jit_oi_memop(oi);
    unsigned size = ir_memop_size(mo);
    bool be = mo & IR_MO_BSWAP;
    uint64_t mask = size == 8 ? ~0ull : (1ull << (8 * size)) - 1;
    nb_slow++;
    uint64_t old = guest_order(sm_read(cpu, addr, size, jit_oi_mmu(oi), ra), size, be), nv;
    switch (op) {
    case JIT_ATOMIC_XCHG: nv = val; break;
    case JIT_ATOMIC_ADD:  nv = old + val; break;
    case JIT_ATOMIC_AND:  nv = old & val; break;
    case JIT_ATOMIC_OR:   nv = old | val; break;
    default:              nv = old ^ val; break;
    }
    sm_write(cpu, addr, guest_order(nv & mask, size, be), size, jit_oi_mmu(oi), ra);
    return memop_value(mo & ~IR_MO_BSWAP, old);
}

void jit_atomic_cmpxchg128_helper(JitCpu *cpu, uint64_t addr, const uint64_t cmp[2],
                                  const uint64_t nv[2], uint32_t oi, uintptr_t ra, uint64_t old[2])
{
    nb_slow++;
    old[0] = sm_read(cpu, addr, 8, jit_oi_mmu(oi), ra);
    old[1] = sm_read(cpu, addr + 8, 8, jit_oi_mmu(oi), ra);
    if (old[0] == cmp[0] && old[1] == cmp[1]) {
        sm_write(cpu, addr, nv[0], 8, jit_oi_mmu(oi), ra);
        sm_write(cpu, addr + 8, nv[1], 8, jit_oi_mmu(oi), ra);
    }
}

static void sm_cpu(TestCpu *cpu)
{
    cpu_init(cpu);
    cpu->jc.mem_mode = JIT_MEM_SOFTMMU;
    cpu->jc.mem_ops = &sm_ops;
    for (unsigned i = 0; i < JIT_TLB_SIZE; i++) {
        sm_tlb[i] = (JitTlbEntry){ JIT_TLB_INVALID, JIT_TLB_INVALID, JIT_TLB_INVALID, 0 };
    }
    cpu->jc.tlb[0] = sm_tlb;
    cpu->jc.iotlb[0] = sm_iotlb;
}

/* IR_MO_ALIGN in user mode: aligned accesses stay inline, misaligned ones
 * go to the helper (which raises the guest fault). */
START_TEST(test_user_align)
{
    TestCpu cpu;
    user_cpu(&cpu);
    for (unsigned mis = 0; mis < 8; mis++) {
        uint64_t v = 0x1122334455667788ull;
        memcpy(guest_ram + 0x600, &v, 8);
        ir_reset(ctx);
        ir_gen_guest_ld(ctx, IR_I64, gr[1], gr[0], IR_MO_32 | IR_MO_ALIGN, 0);
        ir_gen_guest_st(ctx, IR_I64, ir_const_i64(ctx, 0x99), gr[2], IR_MO_64 | IR_MO_ALIGN, 0);
        ir_gen_exit_tb(ctx, 1);
        cpu.r[0] = GUEST_BASE_ADDR + 0x600 + (mis & 3 ? mis : 0);
        cpu.r[2] = GUEST_BASE_ADDR + 0x608 + mis;
        nb_align_faults = 0;
        run(&cpu, true);
        ck_assert_uint_eq(cpu.r[1], mis & 3 ? ALIGN_MARK : 0x55667788);
        ck_assert_uint_eq(nb_align_faults, (mis & 3 ? 1 : 0) + (mis ? 1 : 0));
        if (!mis) {
            ck_assert_uint_eq(guest_ram[0x608], 0x99);
        }
    }
}
END_TEST

START_TEST(test_softmmu_mem)
{
    TestCpu cpu;
    sm_cpu(&cpu);
    nb_fill = nb_slow = 0;
    mem_body(false, SM_RAM + 0x100, sm_ram + 0x100, &cpu);   /* misses, then hits */
    ck_assert_uint_eq(nb_fill, 1);
    unsigned slow_before = nb_slow;
    mem_body(false, SM_RAM + 0x140, sm_ram + 0x140, &cpu);   /* all hits now */
    ck_assert_uint_eq(nb_slow, slow_before);
    mem_body(false, SM_RAM + 0x1ffb, sm_ram + 0x1ffb, &cpu); /* crossing a page */
    ck_assert_uint_gt(nb_slow, slow_before);
    atomics_body(false, &cpu, SM_RAM + 0x3400, sm_ram + 0x3400);   /* miss then hits */
    slow_before = nb_slow;
    atomics_body(false, &cpu, SM_RAM + 0x3410, sm_ram + 0x3410);
    ck_assert_uint_eq(nb_slow, slow_before);
    /* A flag in the tag (a watchpoint, say) sends every access to the
     * helpers: loads, stores and atomics of every shape. */
    JitTlbEntry *we = &sm_tlb[((SM_RAM + 0x2000) >> JIT_PAGE_BITS) & (JIT_TLB_SIZE - 1)];
    mem_body(false, SM_RAM + 0x2100, sm_ram + 0x2100, &cpu);
    we->addr_read |= JIT_TLB_WATCH;
    we->addr_write |= JIT_TLB_WATCH;
    slow_before = nb_slow;
    mem_body(false, SM_RAM + 0x2100, sm_ram + 0x2100, &cpu);
    atomics_body(false, &cpu, SM_RAM + 0x2400, sm_ram + 0x2400);
    ck_assert_uint_eq(nb_slow, slow_before + 42 + 98 + 112);   /* every access of both bodies */
    sm_tlb[((SM_RAM + 0x3420) >> JIT_PAGE_BITS) & (JIT_TLB_SIZE - 1)] = (JitTlbEntry){ JIT_TLB_INVALID, JIT_TLB_INVALID, JIT_TLB_INVALID, 0 };
    atomics_body(false, &cpu, SM_RAM + 0x3420, sm_ram + 0x3420);   /* helper path */
    slow_before = nb_slow;
    cmpxchg128_body(false, &cpu, SM_RAM + 0x3430, sm_ram + 0x3430);  /* TLB hit */
    ck_assert_uint_eq(nb_slow, slow_before);
    sm_tlb[((SM_RAM + 0x3440) >> JIT_PAGE_BITS) & (JIT_TLB_SIZE - 1)].addr_write = JIT_TLB_INVALID;
    cmpxchg128_body(false, &cpu, SM_RAM + 0x3440, sm_ram + 0x3440);  /* miss: helper */
    ck_assert_uint_gt(nb_slow, slow_before);
    /* no CMPXCHG16B on the host: always the helper */
    static const X64Features no_cx16 = { .sse41 = true };
    x64_set_features(&no_cx16);
    slow_before = nb_slow;
    cmpxchg128_body(false, &cpu, SM_RAM + 0x3450, sm_ram + 0x3450);
    ck_assert_uint_eq(nb_slow, slow_before + 2);
    x64_set_features(NULL);
}
END_TEST

/* MMIO goes to io_read/io_write, live registers survive the slow path, and
 * the ra handed to the helper lies inside the accessing instruction. */
START_TEST(test_softmmu_mmio)
{
    TestCpu cpu;
    sm_cpu(&cpu);
    ir_reset(ctx);
    IrTempIdx keep[10];
    for (int i = 0; i < 10; i++) {
        keep[i] = ir_temp_new(ctx, IR_I64);
        ir_gen_op2(ctx, IR_OP_add, IR_I64, keep[i], gr[1], ir_const_i64(ctx, i));
    }
    ir_gen_insn_start(ctx, 0x500, 0);
    ir_gen_op2(ctx, IR_OP_xor, IR_I64, gr[4], gr[4], gr[4]);
    ir_gen_insn_start(ctx, 0x504, 0);
    ir_gen_guest_ld(ctx, IR_I64, gr[2], gr[0], IR_MO_32 | IR_MO_SIGN, 0);
    ir_gen_insn_start(ctx, 0x508, 0);
    ir_gen_guest_st(ctx, IR_I64, gr[3], gr[0], IR_MO_16, 0);
    IrTempIdx acc = ir_temp_new(ctx, IR_I64);
    ir_gen_movi(ctx, IR_I64, acc, 0);
    for (int i = 0; i < 10; i++) {
        ir_gen_op2(ctx, IR_OP_add, IR_I64, acc, acc, keep[i]);
    }
    ir_gen_mov(ctx, IR_I64, gr[5], acc);
    ir_gen_exit_tb(ctx, 1);
    cpu.r[0] = SM_MMIO + 0x24;
    cpu.r[1] = 1000;
    cpu.r[3] = 0xabcdef;
    uint8_t *p = compile_at(0, false);
    nb_io_read = nb_io_write = 0;
    run_code(&cpu, p);
    ck_assert_uint_eq(nb_io_read, 1);
    ck_assert_uint_eq(nb_io_write, 1);
    ck_assert_uint_eq(io_last_addr, SM_MMIO + 0x24);
    ck_assert_uint_eq(io_last_val & 0xffff, 0xcdef);
    ck_assert_uint_eq(cpu.r[2], (uint64_t)(int64_t)(int32_t)(0xfedcba9876543210ull ^ (SM_MMIO + 0x24)));
    ck_assert_uint_eq(cpu.r[5], 10 * 1000 + 45);
    /* last_ra is from the store, the third instruction */
    uintptr_t off = last_ra - rx_of(p);
    ck_assert(off > last_cg.insn_end[1] && off <= last_cg.insn_end[2]);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Vectors                                                                 */

static void vec_ref(IrOpcode opc, unsigned vece, const uint8_t *a, const uint8_t *b, uint8_t *d,
                    unsigned n)
{
    unsigned es = 1u << vece, bits = 8 * es;
    for (unsigned i = 0; i < 16; i += es) {
        uint64_t x = 0, y = 0, r = 0;
        memcpy(&x, a + i, es);
        memcpy(&y, b + i, es);
        int64_t sx = (int64_t)(x << (64 - bits)) >> (64 - bits);
        int64_t sy = (int64_t)(y << (64 - bits)) >> (64 - bits);
        switch (opc) {
        case IR_OP_vec_add: r = x + y; break;
        case IR_OP_vec_sub: r = x - y; break;
        case IR_OP_vec_and: r = x & y; break;
        case IR_OP_vec_or: r = x | y; break;
        case IR_OP_vec_xor: r = x ^ y; break;
        case IR_OP_vec_andc: r = x & ~y; break;
        case IR_OP_vec_cmpeq: r = x == y ? ~0ull : 0; break;
        case IR_OP_vec_cmpgt: r = sx > sy ? ~0ull : 0; break;
        case IR_OP_vec_shli: r = x << n; break;
        case IR_OP_vec_shri: r = x >> n; break;
        case IR_OP_vec_sari: r = (uint64_t)(sx >> n); break;
        default: ck_abort();
        }
        memcpy(d + i, &r, es);
    }
}

static void vec_ops_body(void)
{
    static const IrOpcode bin[] = { IR_OP_vec_add, IR_OP_vec_sub, IR_OP_vec_and, IR_OP_vec_or,
        IR_OP_vec_xor, IR_OP_vec_andc, IR_OP_vec_cmpeq, IR_OP_vec_cmpgt };
    static const IrOpcode sh[] = { IR_OP_vec_shli, IR_OP_vec_shri, IR_OP_vec_sari };
    uint8_t a[16], b[16], want[16];
    for (int i = 0; i < 16; i++) {
        a[i] = (uint8_t)(0x93 * i + 0x75);
        b[i] = i % 3 ? a[i] : (uint8_t)(0x5b * i + 0x81);
    }
    for (unsigned vece = 0; vece < 4; vece++) {
        for (unsigned o = 0; o < 8; o++) {
            bool has_vece = ir_op_defs[bin[o]].nb_cargs;
            if (!has_vece && vece) {
                continue;
            }
            TestCpu cpu;
            ir_reset(ctx);
            if (has_vece) {
                ir_emit(ctx, bin[o], IR_V128, 1, 2, (IrArg[]){ gv[2], gv[0], gv[1], vece });
            } else {
                ir_emit(ctx, bin[o], IR_V128, 1, 2, (IrArg[]){ gv[2], gv[0], gv[1] });
            }
            ir_gen_exit_tb(ctx, 1);
            cpu_init(&cpu);
            memcpy(cpu.v[0], a, 16);
            memcpy(cpu.v[1], b, 16);
            run(&cpu, true);
            vec_ref(bin[o], vece, a, b, want, 0);
            ck_assert_msg(memcmp(cpu.v[2], want, 16) == 0, "%s vece %u", ir_op_defs[bin[o]].name, vece);
        }
        for (unsigned o = 0; o < 3; o++) {
            for (unsigned n = 0; n < (8u << vece); n += 1 + vece) {
                TestCpu cpu;
                ir_reset(ctx);
                ir_emit(ctx, sh[o], IR_V128, 1, 1, (IrArg[]){ gv[2], gv[0], vece, n });
                ir_gen_exit_tb(ctx, 1);
                cpu_init(&cpu);
                memcpy(cpu.v[0], a, 16);
                run(&cpu, true);
                vec_ref(sh[o], vece, a, a, want, n);
                ck_assert_msg(memcmp(cpu.v[2], want, 16) == 0, "%s vece %u n %u",
                              ir_op_defs[sh[o]].name, vece, n);
            }
        }
        /* dup, extract, insert */
        for (unsigned idx = 0; idx < 16u >> vece; idx += 1 + vece) {
            TestCpu cpu;
            IrType st = vece == 3 ? IR_I64 : IR_I32;
            ir_reset(ctx);
            ir_emit(ctx, IR_OP_dup, IR_V128, 1, 1, (IrArg[]){ gv[2], gi(st, 0), vece });
            ir_emit(ctx, IR_OP_vec_extract, st, 1, 1, (IrArg[]){ gi(st, 1), gv[0], vece, idx });
            ir_emit(ctx, IR_OP_vec_insert, IR_V128, 1, 2, (IrArg[]){ gv[3], gv[0], gi(st, 2), vece, idx });
            ir_gen_exit_tb(ctx, 1);
            cpu_init(&cpu);
            memcpy(cpu.v[0], a, 16);
            set(&cpu, st, 0, 0x8765432112345678ull);
            set(&cpu, st, 2, 0xdeadbeefcafef00dull);
            run(&cpu, true);
            unsigned es = 1u << vece;
            for (unsigned i = 0; i < 16; i += es) {
                ck_assert(memcmp(cpu.v[2] + i, (uint64_t[]){ 0x8765432112345678ull }, es) == 0);
            }
            uint64_t lane = 0;
            memcpy(&lane, a + idx * es, es);
            ck_assert_msg(get(&cpu, st, 1) == lane, "extract vece %u idx %u", vece, idx);
            memcpy(want, a, 16);
            memcpy(want + idx * es, (uint64_t[]){ 0xdeadbeefcafef00dull }, es);
            ck_assert_msg(memcmp(cpu.v[3], want, 16) == 0, "insert vece %u idx %u", vece, idx);
        }
    }
}

START_TEST(test_vec)
{
    vec_ops_body();
    ra_set_reg_limit(1);
    vec_ops_body();
    ra_set_reg_limit(0);
}
END_TEST

int main(void)
{
    cb = jit_codebuf_new(CODE_SIZE, JIT_WX_SPLIT);
    if (!cb || !cb->split || cb->rx == cb->rw) {
        perror("jit_codebuf_new (split)");
        return 1;
    }
    code = cb->rw;
    JitCodeGen cg = { .rw = code, .rx = rx_of(code), .cap = 4096 };
    if (jit_backend_x86_64.gen_prologue(&cg) != JIT_OK) {
        return 1;
    }
    jit_backend_x86_64.prologue = cb->rx;
    code_used = (cg.size + 63) & ~63u;
    ctx_setup();
    h_mix = ir_helper_register(&(IrHelper){ "mix", (void *)helper_mix, IR_I64, 6,
        { IR_I64, IR_I64, IR_I64, IR_I32, IR_I64, IR_I64 }, IR_CALL_NO_READ_GLOBALS | IR_CALL_NO_WRITE_GLOBALS });
    h_glob = ir_helper_register(&(IrHelper){ "glob", (void *)helper_globals, IR_I64, 1, { IR_I64 }, 0 });

    Suite *s = suite_create("x64-backend");
    TCase *tc = tcase_create("ops");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_binops);
    tcase_add_test(tc, test_binops_tiny_nofeat);
    tcase_add_test(tc, test_unops);
    tcase_add_test(tc, test_ext);
    tcase_add_test(tc, test_setcond_brcond_movcond);
    tcase_add_test(tc, test_double_width);
    tcase_add_test(tc, test_carry);
    tcase_add_test(tc, test_bitfield);
    tcase_add_test(tc, test_pressure);
    tcase_add_test(tc, test_calls);
    tcase_add_test(tc, test_loop);
    tcase_add_test(tc, test_chaining);
    tcase_add_test(tc, test_mb);
    tcase_add_test(tc, test_buf_full);
    tcase_add_test(tc, test_user_mem);
    tcase_add_test(tc, test_user_atomics);
    tcase_add_test(tc, test_user_align);
    tcase_add_test(tc, test_softmmu_mem);
    tcase_add_test(tc, test_softmmu_mmio);
    tcase_add_test(tc, test_vec);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    ir_context_free(ctx);
    jit_codebuf_free(cb);
    return failed ? 1 : 0;
}
