/*
 * test-a64-backend.c — what the IR conformance suite and the fuzzer (which
 * run the arm64 backend from one RWX buffer, single-threaded) do not cover:
 * code written through a split W^X mapping and run at its rx alias (helper
 * calls, goto_tb patching), env offsets beyond the scaled-immediate range,
 * a too-small buffer, the LSE / LDAXR-STLXR choice following HWCAP_ATOMICS,
 * and atomicity of the atomics with several threads hammering one word.
 * Runs on an arm64 host (or under qemu-aarch64 through LOG_COMPILER).
 */
#include <check.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>

#include "backend-arm64/a64-lower.h"
#include "jit/backend.h"
#include "jit/codebuf.h"
#include "jit/opt.h"

#ifndef HWCAP_ATOMICS
#define HWCAP_ATOMICS (1 << 8)
#endif

typedef struct TestCpu {
    JitCpu jc;
    uint64_t r[8];
    uint8_t pad[40000];                 /* pushes `far` past LDR's scaled range */
    uint64_t far[2];
    uint8_t vfar[2][16] __attribute__((aligned(16)));
} TestCpu;

static IrContext *ctx;
static IrTempIdx gr[8], gfar0, gfar1, gvfar0, gvfar1;
static JitCodeBuf *cb;
static size_t prologue_size;
#define CODE_SIZE (1u << 20)

static uint64_t h_twice_plus(uint64_t a, uint64_t b)
{
    return 2 * a + b;
}

static unsigned helper_id;

static void setup(void)
{
    static bool registered;
    char name[8];

    if (!registered) {
        IrHelper h = { .name = "twice_plus", .func = (void *)h_twice_plus, .ret = IR_I64,
                       .nb_args = 2, .args = { IR_I64, IR_I64 },
                       .flags = IR_CALL_NO_READ_GLOBALS | IR_CALL_NO_WRITE_GLOBALS };
        helper_id = ir_helper_register(&h);
        registered = true;
    }
    ctx = ir_context_new();
    for (int i = 0; i < 8; i++) {
        snprintf(name, sizeof name, "r%d", i);
        gr[i] = ir_global_new(ctx, IR_I64, offsetof(TestCpu, r[i]), name);
    }
    gfar0 = ir_global_new(ctx, IR_I64, offsetof(TestCpu, far[0]), "far0");
    gfar1 = ir_global_new(ctx, IR_I64, offsetof(TestCpu, far[1]), "far1");
    gvfar0 = ir_global_new(ctx, IR_V128, offsetof(TestCpu, vfar[0]), "vfar0");
    gvfar1 = ir_global_new(ctx, IR_V128, offsetof(TestCpu, vfar[1]), "vfar1");
    cb = jit_codebuf_new(CODE_SIZE, JIT_WX_SPLIT);
    ck_assert_ptr_nonnull(cb);
    JitCodeGen pcg = { .rw = cb->rw, .rx = (uintptr_t)cb->rx, .cap = CODE_SIZE };
    ck_assert_int_eq(jit_backend_arm64.gen_prologue(&pcg), JIT_OK);
    jit_backend_arm64.prologue = cb->rx;
    prologue_size = (pcg.size + 63) & ~(size_t)63;
    cb->used = prologue_size;
    a64_set_lse_allowed(true);
}

static void teardown(void)
{
    ir_context_free(ctx);
    jit_codebuf_free(cb);
    jit_backend_arm64.prologue = NULL;
}

/* Compile ctx into the next free part of the buffer; returns its rx. */
static uintptr_t compile(JitCodeGen *cg, bool user)
{
    uint8_t *p = cb->rw + cb->used;
    opt_liveness(ctx);
    *cg = (JitCodeGen){ .rw = p, .rx = jit_codebuf_to_rx(cb, p), .cap = CODE_SIZE - cb->used,
                        .user_mode = user };
    ck_assert_int_eq(jit_backend_arm64.gen_code(ctx, cg), JIT_OK);
    jit_codebuf_sync(cb, cg->rx, cg->size);
    cb->used = (cb->used + cg->size + 63) & ~(size_t)63;
    ir_reset(ctx);
    return cg->rx;
}

static uintptr_t run(TestCpu *cpu, uintptr_t code)
{
    return jit_backend_arm64.enter(&jit_backend_arm64, &cpu->jc, (const void *)code);
}

static void cpu_init(TestCpu *cpu)
{
    memset(cpu, 0, sizeof(*cpu));
    cpu->jc.mem_mode = JIT_MEM_USER;
}

/* ---------------------------------------------------------------------- */

/* The first TB calls a helper (BL from the rx address) and leaves through
 * goto_tb 0 (unchained: its exit_tb value). */
static uintptr_t build_tb1(JitCodeGen *cg)
{
    IrTempIdx t = ir_temp_new(ctx, IR_I64);
    IrTempIdx args[2] = { gr[0], gr[1] };

    ir_gen_call(ctx, helper_id, t, args);
    ir_gen_mov(ctx, IR_I64, gr[2], t);
    ir_gen_goto_tb(ctx, 0);
    ir_gen_exit_tb(ctx, 0x40);
    uintptr_t tb = compile(cg, true);
    ck_assert(cg->goto_tb_used[0]);
    return tb;
}

/* Target of the goto_tb jump, read through the rw alias, as an rx address. */
static uintptr_t jump_target(uintptr_t jmp_rx)
{
    const uint8_t *rw = jit_codebuf_to_rw(cb, jmp_rx);
    const uint8_t *t = a64_branch_target((const uint32_t *)(const void *)rw);
    return jmp_rx + (t - rw);
}

/*
 * Split W^X buffer: helper calls and goto_tb chaining. qemu-user does not
 * see writes through the rw alias of a page it already translated, so a TB
 * is run for the first time only after its jump was patched; the reset is
 * checked on the instruction word.
 */
START_TEST(test_split_wx_call_and_chain)
{
    JitCodeGen cg1, cg2, cg3;
    TestCpu cpu;

    uintptr_t tb1 = build_tb1(&cg1);
    ir_gen_op2(ctx, IR_OP_add, IR_I64, gr[3], gr[2], ir_const_i64(ctx, 1000));
    ir_gen_exit_tb(ctx, 0x80);
    uintptr_t tb2 = compile(&cg2, true);
    uintptr_t tb3 = build_tb1(&cg3);                 /* stays unchained */

    uintptr_t jmp_rx = tb1 + cg1.goto_tb_jmp[0];
    ck_assert_uint_eq(jump_target(jmp_rx), tb1 + cg1.goto_tb_reset[0]);
    jit_backend_arm64.patch_jump(jmp_rx, jit_codebuf_to_rw(cb, jmp_rx), tb2);
    ck_assert_uint_eq(jump_target(jmp_rx), tb2);

    cpu_init(&cpu);
    cpu.r[0] = 7;
    cpu.r[1] = 5;
    ck_assert_uint_eq(run(&cpu, tb3), 0x40);          /* unchained: falls through */
    ck_assert_uint_eq(cpu.r[2], 19);
    ck_assert_uint_eq(cpu.r[3], 0);
    cpu.r[0] = 100;
    ck_assert_uint_eq(run(&cpu, tb1), 0x80);          /* chained into tb2 */
    ck_assert_uint_eq(cpu.r[2], 205);
    ck_assert_uint_eq(cpu.r[3], 1205);

    jit_backend_arm64.patch_jump(jmp_rx, jit_codebuf_to_rw(cb, jmp_rx),
                                 tb1 + cg1.goto_tb_reset[0]);
    ck_assert_uint_eq(jump_target(jmp_rx), tb1 + cg1.goto_tb_reset[0]);
}
END_TEST

/* Globals and ld/st 40000+ bytes from env (beyond LDR's scaled 12 bits). */
START_TEST(test_far_env_offsets)
{
    JitCodeGen cg;
    TestCpu cpu;
    IrTempIdx t = ir_temp_new(ctx, IR_I64), v = ir_temp_new(ctx, IR_V128);

    ir_gen_op2(ctx, IR_OP_add, IR_I64, gfar1, gfar0, ir_const_i64(ctx, 3));
    IrTempIdx w = ir_temp_new(ctx, IR_I32);
    ir_gen_ld(ctx, IR_I32, w, ctx->env, offsetof(TestCpu, far[0]), IR_MO_32);
    ir_gen_st(ctx, IR_I32, w, ctx->env, offsetof(TestCpu, pad) + 39996, IR_MO_32);
    ir_gen_ld(ctx, IR_I64, t, ctx->env, offsetof(TestCpu, far[0]) + 1, IR_MO_16 | IR_MO_SIGN);
    ir_gen_st(ctx, IR_I64, t, ctx->env, offsetof(TestCpu, r[4]), IR_MO_64);
    ir_gen_mov(ctx, IR_V128, v, gvfar0);
    ir_gen_mov(ctx, IR_V128, gvfar1, v);
    ir_gen_exit_tb(ctx, 1);
    uintptr_t code = compile(&cg, true);

    cpu_init(&cpu);
    cpu.far[0] = 0x123456789a80ff00ull;
    memcpy(cpu.vfar[0], "0123456789abcdef", 16);
    ck_assert_uint_eq(run(&cpu, code), 1);
    ck_assert_uint_eq(cpu.far[1], 0x123456789a80ff03ull);
    ck_assert_uint_eq(cpu.r[4], (uint64_t)(int64_t)(int16_t)0x80ff);
    uint32_t w32;
    memcpy(&w32, cpu.pad + 39996, 4);
    ck_assert_uint_eq(w32, 0x9a80ff00u);
    ck_assert_mem_eq(cpu.vfar[1], "0123456789abcdef", 16);
}
END_TEST

/* Byte-swapped 4- and 8-byte v128 guest accesses (REV32/REV64 on the low
 * lanes; the 16-byte ones are in tests/ir/guest_ld.ir, guest_st.ir). */
START_TEST(test_vec_bswap_narrow)
{
    static uint8_t mem[64] __attribute__((aligned(16)));
    JitCodeGen cg;
    TestCpu cpu;
    IrTempIdx a = ir_temp_new(ctx, IR_V128), b = ir_temp_new(ctx, IR_V128);

    ir_gen_guest_ld(ctx, IR_V128, a, gr[0], IR_MO_64 | IR_MO_BSWAP, 0);
    ir_gen_guest_ld(ctx, IR_V128, b, gr[1], IR_MO_32 | IR_MO_BSWAP, 0);
    ir_gen_mov(ctx, IR_V128, gvfar0, a);
    ir_gen_mov(ctx, IR_V128, gvfar1, b);
    ir_gen_guest_st(ctx, IR_V128, a, gr[2], IR_MO_64 | IR_MO_BSWAP, 0);
    ir_gen_guest_st(ctx, IR_V128, b, gr[3], IR_MO_32 | IR_MO_BSWAP, 0);
    ir_gen_exit_tb(ctx, 0);
    uintptr_t code = compile(&cg, true);

    for (int i = 0; i < 32; i++) {
        mem[i] = 0x10 + i;
        mem[32 + i] = 0xee;
    }
    cpu_init(&cpu);
    memset(cpu.vfar, 0xcc, sizeof(cpu.vfar));
    cpu.r[0] = (uintptr_t)mem;
    cpu.r[1] = (uintptr_t)mem + 4;
    cpu.r[2] = (uintptr_t)mem + 32;
    cpu.r[3] = (uintptr_t)mem + 48;
    run(&cpu, code);
    static const uint8_t want_a[16] = { 0x17, 0x16, 0x15, 0x14, 0x13, 0x12, 0x11, 0x10 };
    static const uint8_t want_b[16] = { 0x17, 0x16, 0x15, 0x14 };
    ck_assert_mem_eq(cpu.vfar[0], want_a, 16);        /* swapped, upper lanes zero */
    ck_assert_mem_eq(cpu.vfar[1], want_b, 16);
    ck_assert_mem_eq(mem + 32, mem, 8);               /* swapped back */
    ck_assert_mem_eq(mem + 48, mem + 4, 4);
    static const uint8_t untouched[8] = { 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee };
    ck_assert_mem_eq(mem + 40, untouched, 8);
    ck_assert_mem_eq(mem + 52, untouched, 4);
}
END_TEST

/* A buffer too small for the TB: BUF_FULL, and nothing written past it. */
START_TEST(test_buffer_full)
{
    uint8_t *p = cb->rw + cb->used;
    for (int i = 0; i < 16; i++) {
        ir_gen_op2(ctx, IR_OP_mul, IR_I64, gr[i % 8], gr[(i + 1) % 8],
                   ir_const_i64(ctx, 0x123456789ull * (i + 3)));
    }
    ir_gen_exit_tb(ctx, 0);
    opt_liveness(ctx);
    memset(p, 0xa5, 256);
    JitCodeGen cg = { .rw = p, .rx = jit_codebuf_to_rx(cb, p), .cap = 64, .user_mode = true };
    ck_assert_int_eq(jit_backend_arm64.gen_code(ctx, &cg), JIT_ERR_BUF_FULL);
    for (int i = 64; i < 256; i++) {
        ck_assert_uint_eq(p[i], 0xa5);
    }
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Atomics                                                                 */

static IrArg emit_atomic(IrOpcode opc, IrType t, IrTempIdx d, IrTempIdx addr, IrTempIdx a,
                         IrTempIdx b, IrMemOp mo)
{
    IrArg args[6] = { d, addr, a };
    unsigned n = 3;
    if (opc == IR_OP_atomic_cmpxchg) {
        args[n++] = b;
    }
    args[n++] = mo;
    args[n++] = 0;
    ir_emit(ctx, opc, t, -1, -1, args);
    return d;
}

/* r1 times: fetch_add [r0], 1 (mode 0), or a guest_ld + cmpxchg retry
 * loop adding 1 (mode 1), or the same on both i128 halves (mode 2). */
static void build_counter(int mode)
{
    uint32_t top = ir_label_new(ctx), again = ir_label_new(ctx);
    IrTempIdx n = ir_temp_new_tb(ctx, IR_I64);

    ir_gen_mov(ctx, IR_I64, n, gr[1]);
    ir_gen_set_label(ctx, top);
    if (mode == 0) {
        emit_atomic(IR_OP_atomic_fetch_add, IR_I64, ir_temp_new(ctx, IR_I64), gr[0],
                    ir_const_i64(ctx, 1), 0, IR_MO_64);
    } else {
        ir_gen_br(ctx, again);
        ir_gen_set_label(ctx, again);
        IrType t = mode == 1 ? IR_I64 : IR_I128;
        IrTempIdx old = ir_temp_new(ctx, t), nv = ir_temp_new(ctx, t), got = ir_temp_new(ctx, t);
        IrTempIdx diff = ir_temp_new(ctx, IR_I64);
        ir_gen_guest_ld(ctx, t, old, gr[0], mode == 1 ? IR_MO_64 : IR_MO_128, 0);
        if (mode == 1) {
            ir_gen_op2(ctx, IR_OP_add, IR_I64, nv, old, ir_const_i64(ctx, 1));
            emit_atomic(IR_OP_atomic_cmpxchg, t, got, gr[0], old, nv, IR_MO_64);
            ir_gen_op2(ctx, IR_OP_xor, IR_I64, diff, got, old);
        } else {
            IrTempIdx lo = ir_temp_new(ctx, IR_I64), hi = ir_temp_new(ctx, IR_I64);
            IrTempIdx glo = ir_temp_new(ctx, IR_I64), ghi = ir_temp_new(ctx, IR_I64);
            IrArg a1[] = { lo, old }, a2[] = { hi, old };
            ir_emit(ctx, IR_OP_extrl_i128_i64, IR_I64, -1, -1, a1);
            ir_emit(ctx, IR_OP_extrh_i128_i64, IR_I64, -1, -1, a2);
            IrTempIdx lo1 = ir_temp_new(ctx, IR_I64), hi1 = ir_temp_new(ctx, IR_I64);
            ir_gen_op2(ctx, IR_OP_add, IR_I64, lo1, lo, ir_const_i64(ctx, 1));
            ir_gen_op2(ctx, IR_OP_add, IR_I64, hi1, hi, ir_const_i64(ctx, 1));
            IrArg a3[] = { nv, lo1, hi1 };
            ir_emit(ctx, IR_OP_concat_i64_i128, IR_I128, -1, -1, a3);
            emit_atomic(IR_OP_atomic_cmpxchg, t, got, gr[0], old, nv, IR_MO_128);
            IrArg a4[] = { glo, got }, a5[] = { ghi, got };
            ir_emit(ctx, IR_OP_extrl_i128_i64, IR_I64, -1, -1, a4);
            ir_emit(ctx, IR_OP_extrh_i128_i64, IR_I64, -1, -1, a5);
            ir_gen_op2(ctx, IR_OP_xor, IR_I64, glo, glo, lo);
            ir_gen_op2(ctx, IR_OP_xor, IR_I64, ghi, ghi, hi);
            ir_gen_op2(ctx, IR_OP_or, IR_I64, diff, glo, ghi);
        }
        ir_gen_brcond(ctx, IR_I64, IR_COND_NE, diff, ir_const_i64(ctx, 0), again);
    }
    ir_gen_op2(ctx, IR_OP_sub, IR_I64, n, n, ir_const_i64(ctx, 1));
    ir_gen_brcond(ctx, IR_I64, IR_COND_NE, n, ir_const_i64(ctx, 0), top);
    ir_gen_exit_tb(ctx, 0);
}

#define NB_THREADS 4
#define NB_ITERS 200000

typedef struct Worker {
    pthread_t th;
    TestCpu *cpu;
    uintptr_t code;
} Worker;

/* All workers start together, so their loops overlap. */
static pthread_barrier_t start;

static void *worker_main(void *arg)
{
    Worker *w = arg;
    pthread_barrier_wait(&start);
    run(w->cpu, w->code);
    return NULL;
}

/* Whether the code between rw p and p + size holds a word matching mask/val. */
static bool has_word(const uint8_t *p, size_t size, uint32_t mask, uint32_t val)
{
    for (size_t i = 0; i + 4 <= size; i += 4) {
        uint32_t w;
        memcpy(&w, p + i, 4);
        if ((w & mask) == val) {
            return true;
        }
    }
    return false;
}

/* LSE atomic memory ops (LDADD..SWP), CAS/CASP; and LDAXR/LDAXP. */
#define LSE_LDOP_MASK 0x3f200c00u
#define LSE_LDOP_VAL  0x38200000u
#define LSE_CAS_MASK  0x3fa07c00u
#define LSE_CAS_VAL   0x08a07c00u
#define LSE_CASP_VAL  0x08207c00u
#define LDAX_MASK     0x3fdf8000u    /* load-exclusive acquire, pair or single */
#define LDAX_VAL      0x085f8000u

static void hammer(int mode, bool lse_allowed)
{
    static uint64_t word[2] __attribute__((aligned(16)));
    TestCpu *cpus = g_new0(TestCpu, NB_THREADS);
    Worker w[NB_THREADS];
    JitCodeGen cg;
    bool host_lse = (getauxval(AT_HWCAP) & HWCAP_ATOMICS) != 0;

    a64_set_lse_allowed(lse_allowed);
    build_counter(mode);
    uintptr_t code = compile(&cg, true);
    const uint8_t *rw = jit_codebuf_to_rw(cb, code);
    bool lse_code = has_word(rw, cg.size, LSE_LDOP_MASK, LSE_LDOP_VAL) ||
                    has_word(rw, cg.size, LSE_CAS_MASK, LSE_CAS_VAL) ||
                    has_word(rw, cg.size, LSE_CAS_MASK, LSE_CASP_VAL);
    bool llsc_code = has_word(rw, cg.size, LDAX_MASK, LDAX_VAL);
    ck_assert_int_eq(lse_code, lse_allowed && host_lse);
    ck_assert_int_eq(llsc_code, !(lse_allowed && host_lse));

    word[0] = word[1] = 0;
    pthread_barrier_init(&start, NULL, NB_THREADS);
    for (int i = 0; i < NB_THREADS; i++) {
        cpus[i].jc.mem_mode = JIT_MEM_USER;
        cpus[i].r[0] = (uintptr_t)word;                /* guest_base 0 */
        cpus[i].r[1] = NB_ITERS;
        w[i] = (Worker){ .cpu = &cpus[i], .code = code };
        ck_assert_int_eq(pthread_create(&w[i].th, NULL, worker_main, &w[i]), 0);
    }
    for (int i = 0; i < NB_THREADS; i++) {
        pthread_join(w[i].th, NULL);
    }
    pthread_barrier_destroy(&start);
    ck_assert_uint_eq(word[0], (uint64_t)NB_THREADS * NB_ITERS);
    if (mode == 2) {
        ck_assert_uint_eq(word[1], (uint64_t)NB_THREADS * NB_ITERS);
    }
    g_free(cpus);
}

START_TEST(test_threads_fetch_add)  { hammer(0, _i); }
END_TEST
START_TEST(test_threads_cmpxchg)    { hammer(1, _i); }
END_TEST
START_TEST(test_threads_cmpxchg128) { hammer(2, _i); }
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("a64-backend");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_split_wx_call_and_chain);
    tcase_add_test(tc, test_far_env_offsets);
    tcase_add_test(tc, test_buffer_full);
    tcase_add_test(tc, test_vec_bswap_narrow);
    /* _i = 0: LSE forced off (LDAXR/STLXR loops); 1: as the host says */
    tcase_add_loop_test(tc, test_threads_fetch_add, 0, 2);
    tcase_add_loop_test(tc, test_threads_cmpxchg, 0, 2);
    tcase_add_loop_test(tc, test_threads_cmpxchg128, 0, 2);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
