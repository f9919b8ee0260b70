/*
 * test-interp.c — Check tests for the interpreter backend and the C guest
 * memory layer (jit/softmmu.c), built with the IR builders on the test
 * machine of tests/ir/harness.h. Expected values come from the op specs in
 * jit/ir-ops.h and the machine description in tests/ir/README.md. The
 * textual conformance suite (the .ir files in tests/ir) covers every op on every
 * backend; this file covers the mechanics around them.
 */
#include <check.h>
#include <glib.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "jit/interp.h"
#include "jit/softmmu.h"
#include "tests/ir/harness.h"

static uint8_t mem[TH_MEM_SIZE];
static TestCpu cpu;
static IrContext *ctx[TH_MAX_TBS];
static ThRun run;

static void setup_mode(JitMemMode mode)
{
    th_register_helpers();
    memset(mem, 0, sizeof(mem));
    th_cpu_init(&cpu, mem, mode);
    memset(&run, 0, sizeof(run));
    memset(run.chain, -1, sizeof(run.chain));
    run.mode = mode;
    for (unsigned i = 0; i < TH_MAX_TBS; i++) {
        ctx[i] = ir_context_new();
        th_register_globals(ctx[i]);
    }
}

static void setup_user(void) { setup_mode(JIT_MEM_USER); }
static void setup_softmmu(void) { setup_mode(JIT_MEM_SOFTMMU); }

static void teardown(void)
{
    th_cpu_free(&cpu);
    for (unsigned i = 0; i < TH_MAX_TBS; i++) {
        ir_context_free(ctx[i]);
    }
}

static IrTempIdx G(IrContext *c, const char *name)
{
    IrTempIdx t;
    ck_assert_msg(ir_global_find(c, name, &t), "no global %s", name);
    return t;
}

/* Run TBs 0..nb-1 on the interpreter. */
static void go(unsigned nb)
{
    run.nb_tbs = nb;
    for (unsigned i = 0; i < nb; i++) {
        ir_gen_exit_tb(ctx[i], 0);
        run.tbs[i] = ctx[i];
    }
    ck_assert_int_eq(th_run(&th_backends[0], &run, &cpu, mem), TH_RAN);
}

/* ---------------------------------------------------------------------- */

START_TEST(test_i32_wraps_and_globals)
{
    IrContext *c = ctx[0];
    cpu.w[1] = 0xffffffffu;
    cpu.w[2] = 0xdeadbeef;                       /* neighbour must survive */
    ir_gen_op2(c, IR_OP_add, IR_I32, G(c, "w1"), G(c, "w1"), ir_const_i32(c, 2));
    IrTempIdx t = ir_temp_new(c, IR_I64);
    ir_gen_op1(c, IR_OP_exts_i32_i64, IR_I64, t, G(c, "w1"));
    ir_gen_mov(c, IR_I64, G(c, "r3"), t);
    go(1);
    ck_assert_uint_eq(cpu.w[1], 1);
    ck_assert_uint_eq(cpu.w[2], 0xdeadbeef);
    ck_assert_uint_eq(cpu.r[3], 1);
}
END_TEST

START_TEST(test_defined_division_edges)
{
    IrContext *c = ctx[0];
    cpu.r[1] = 0x8000000000000000ull;
    cpu.r[2] = ~0ull;
    ir_gen_op2(c, IR_OP_divs, IR_I64, G(c, "r3"), G(c, "r1"), G(c, "r2"));
    ir_gen_op2(c, IR_OP_rems, IR_I64, G(c, "r4"), G(c, "r1"), G(c, "r2"));
    ir_gen_op2(c, IR_OP_divu, IR_I64, G(c, "r5"), G(c, "r1"), ir_const_i64(c, 0));
    ir_gen_op2(c, IR_OP_remu, IR_I64, G(c, "r6"), G(c, "r1"), ir_const_i64(c, 0));
    go(1);
    ck_assert_uint_eq(cpu.r[3], 0x8000000000000000ull);   /* interpreter's choice */
    ck_assert_uint_eq(cpu.r[4], 0);
    ck_assert_uint_eq(cpu.r[5], ~0ull);
    ck_assert_uint_eq(cpu.r[6], 0x8000000000000000ull);
}
END_TEST

START_TEST(test_loop_with_labels)
{
    /* r0 = sum of 1..10 with a backward branch. */
    IrContext *c = ctx[0];
    uint32_t top = ir_label_new(c);
    ir_gen_movi(c, IR_I64, G(c, "r0"), 0);
    ir_gen_movi(c, IR_I64, G(c, "r1"), 10);
    ir_gen_set_label(c, top);
    ir_gen_op2(c, IR_OP_add, IR_I64, G(c, "r0"), G(c, "r0"), G(c, "r1"));
    ir_gen_op2(c, IR_OP_sub, IR_I64, G(c, "r1"), G(c, "r1"), ir_const_i64(c, 1));
    ir_gen_brcond(c, IR_I64, IR_COND_NE, G(c, "r1"), ir_const_i64(c, 0), top);
    go(1);
    ck_assert_uint_eq(cpu.r[0], 55);
}
END_TEST

static void two_tbs_with_goto_tb(void)
{
    ir_gen_movi(ctx[0], IR_I64, G(ctx[0], "r0"), 1);
    ir_gen_goto_tb(ctx[0], 0);
    ir_gen_exit_tb(ctx[0], 100);
    ir_gen_movi(ctx[1], IR_I64, G(ctx[1], "r1"), 2);
    ir_gen_exit_tb(ctx[1], 200);
}

START_TEST(test_goto_tb_unchained_falls_through)
{
    two_tbs_with_goto_tb();
    go(2);
    ck_assert_uint_eq(run.ret, 100);
    ck_assert_uint_eq(cpu.r[0], 1);
    ck_assert_uint_eq(cpu.r[1], 0);
}
END_TEST

START_TEST(test_goto_tb_chained_continues)
{
    two_tbs_with_goto_tb();
    run.chain[0][0] = 1;
    go(2);
    ck_assert_uint_eq(run.ret, 200);
    ck_assert_uint_eq(cpu.r[1], 2);
}
END_TEST

/* Chain, run, unchain (patch back to the reset offset), run again. */
START_TEST(test_patch_jump_chain_and_unchain)
{
    static uint64_t buf[256];
    JitCodeGen cg0 = { .rw = (uint8_t *)buf, .rx = (uintptr_t)buf, .cap = 1024 };
    JitCodeGen cg1 = { .rw = (uint8_t *)(buf + 128), .rx = (uintptr_t)(buf + 128), .cap = 1024 };
    const JitBackend *be = &jit_backend_interp;

    two_tbs_with_goto_tb();
    ck_assert_int_eq(be->gen_code(ctx[0], &cg0), JIT_OK);
    ck_assert_int_eq(be->gen_code(ctx[1], &cg1), JIT_OK);
    ck_assert(cg0.goto_tb_used[0] && !cg0.goto_tb_used[1]);
    ck_assert_uint_eq(cg0.goto_tb_jmp[0] % 8, 0);
    uintptr_t jmp = cg0.rx + cg0.goto_tb_jmp[0];
    be->patch_jump(jmp, (uint8_t *)jmp, cg1.rx);
    ck_assert_uint_eq(be->enter(be, &cpu.common, (void *)cg0.rx), 200);
    be->patch_jump(jmp, (uint8_t *)jmp, cg0.rx + cg0.goto_tb_reset[0]);
    ck_assert_uint_eq(be->enter(be, &cpu.common, (void *)cg0.rx), 100);
}
END_TEST

START_TEST(test_insn_end_offsets)
{
    static uint64_t buf[256];
    JitCodeGen cg = { .rw = (uint8_t *)buf, .rx = (uintptr_t)buf, .cap = sizeof(buf) };
    IrContext *c = ctx[0];

    ir_gen_insn_start(c, 0x10, 1);
    ir_gen_movi(c, IR_I64, G(c, "r0"), 1);
    ir_gen_insn_start(c, 0x20, 2);
    ir_gen_insn_start(c, 0x30, 3);
    ir_gen_movi(c, IR_I64, G(c, "r1"), 1);
    ir_gen_exit_tb(c, 0);
    ck_assert_int_eq(jit_backend_interp.gen_code(c, &cg), JIT_OK);
    ck_assert_uint_eq(cg.nb_insns, 3);
    ck_assert_uint_eq(cg.insn_data[2][0], 0x30);
    ck_assert_uint_eq(cg.insn_data[2][1], 3);
    /* Ends are increasing, an empty insn ends where it starts, the last one at the end. */
    ck_assert_uint_lt(cg.insn_end[0], cg.insn_end[2]);
    ck_assert_uint_eq(cg.insn_end[0], cg.insn_end[1]);
    ck_assert_uint_eq(cg.insn_end[2], cg.size);
}
END_TEST

START_TEST(test_buffer_too_small)
{
    static uint64_t buf[4];
    JitCodeGen cg = { .rw = (uint8_t *)buf, .rx = (uintptr_t)buf, .cap = sizeof(buf) };
    IrContext *c = ctx[0];

    for (unsigned i = 0; i < 8; i++) {
        ir_gen_op2(c, IR_OP_add, IR_I64, G(c, "r0"), G(c, "r0"), G(c, "r1"));
    }
    ir_gen_exit_tb(c, 0);
    ck_assert_int_eq(jit_backend_interp.gen_code(c, &cg), JIT_ERR_BUF_FULL);
}
END_TEST

START_TEST(test_lookup_and_goto_ptr)
{
    IrContext *c = ctx[0];
    IrTempIdx p = ir_temp_new(c, IR_I64);
    ir_emit(c, IR_OP_lookup_tb, IR_I64, 1, 0, (IrArg[]){ p });
    ir_emit(c, IR_OP_goto_ptr, IR_I64, 0, 1, (IrArg[]){ p });
    ir_gen_movi(ctx[1], IR_I64, G(ctx[1], "r2"), 9);
    ir_gen_exit_tb(ctx[1], 7);
    cpu.tbsel = 1;
    go(2);
    ck_assert_uint_eq(run.ret, 7);
    ck_assert_uint_eq(cpu.r[2], 9);
}
END_TEST

START_TEST(test_lookup_miss_reaches_epilogue)
{
    IrContext *c = ctx[0];
    IrTempIdx p = ir_temp_new(c, IR_I64);
    ir_emit(c, IR_OP_lookup_tb, IR_I64, 1, 0, (IrArg[]){ p });
    ir_emit(c, IR_OP_goto_ptr, IR_I64, 0, 1, (IrArg[]){ p });
    cpu.tbsel = 99;
    go(1);
    ck_assert_uint_eq(run.ret, 0);
}
END_TEST

START_TEST(test_calls)
{
    IrContext *c = ctx[0];
    unsigned add3, mix32, set_r0, sum6;
    ck_assert_ptr_nonnull(ir_helper_find("h_add3", &add3));
    ck_assert_ptr_nonnull(ir_helper_find("h_mix32", &mix32));
    ck_assert_ptr_nonnull(ir_helper_find("h_set_r0", &set_r0));
    ck_assert_ptr_nonnull(ir_helper_find("h_sum6", &sum6));
    cpu.r[1] = 1; cpu.r[2] = 10; cpu.r[3] = 100;
    cpu.w[1] = 0xffff0000u; cpu.r[4] = 0x123456789abcull;
    ir_gen_call(c, add3, G(c, "r5"), (IrTempIdx[]){ G(c, "r1"), G(c, "r2"), G(c, "r3") });
    ir_gen_call(c, mix32, G(c, "w2"), (IrTempIdx[]){ G(c, "w1"), G(c, "r4") });
    ir_gen_call(c, set_r0, 0, (IrTempIdx[]){ c->env, ir_const_i64(c, 77) });
    IrTempIdx k[6];
    for (unsigned i = 0; i < 6; i++) {
        k[i] = ir_const_i64(c, i + 1);
    }
    ir_gen_call(c, sum6, G(c, "r6"), k);
    go(1);
    ck_assert_uint_eq(cpu.r[5], 1 + 20 + 300);
    ck_assert_uint_eq(cpu.w[2], 0xffff0000u ^ 0x12345678u);
    ck_assert_uint_eq(cpu.r[0], 77);
    ck_assert_uint_eq(cpu.r[6], 1 + 4 + 9 + 16 + 25 + 36);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Guest memory                                                            */

static void guest_ld(IrContext *c, IrType t, const char *d, uint64_t addr, IrMemOp mo)
{
    ir_gen_guest_ld(c, t, G(c, d), ir_const_i64(c, addr), mo, 0);
}

static void guest_st(IrContext *c, IrType t, const char *v, uint64_t addr, IrMemOp mo)
{
    ir_gen_guest_st(c, t, G(c, v), ir_const_i64(c, addr), mo, 0);
}

static void memops_body(void)
{
    IrContext *c = ctx[0];
    static const uint8_t init[] = { 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88 };
    memcpy(mem + 0x100, init, 8);
    cpu.r[9] = 0x1122334455667788ull;
    guest_ld(c, IR_I64, "r0", 0x10100, IR_MO_32);
    guest_ld(c, IR_I64, "r1", 0x10100, IR_MO_32 | IR_MO_SIGN);
    guest_ld(c, IR_I64, "r2", 0x10100, IR_MO_16 | IR_MO_BSWAP);
    guest_ld(c, IR_I32, "w0", 0x10101, IR_MO_16 | IR_MO_SIGN | IR_MO_BSWAP);
    guest_st(c, IR_I64, "r9", 0x10200, IR_MO_64 | IR_MO_BSWAP);
    guest_st(c, IR_I64, "r9", 0x10300, IR_MO_16);
    guest_ld(c, IR_V128, "v0", 0x10100, IR_MO_128);
}

static void memops_check(void)
{
    ck_assert_uint_eq(cpu.r[0], 0x84838281u);
    ck_assert_uint_eq(cpu.r[1], 0xffffffff84838281ull);
    ck_assert_uint_eq(cpu.r[2], 0x8182);
    ck_assert_uint_eq(cpu.w[0], 0xffff8283u);
    static const uint8_t be[] = { 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88 };
    ck_assert_mem_eq(mem + 0x200, be, 8);
    ck_assert_uint_eq(mem[0x300], 0x88);
    ck_assert_uint_eq(mem[0x301], 0x77);
    ck_assert_uint_eq(mem[0x302], 0);
    ck_assert_uint_eq(cpu.v[0][0], 0x8887868584838281ull);
    ck_assert_uint_eq(cpu.v[0][1], 0);
}

START_TEST(test_user_memops)
{
    memops_body();
    go(1);
    memops_check();
}
END_TEST

START_TEST(test_softmmu_memops)
{
    memops_body();
    go(1);
    memops_check();
    ck_assert_uint_eq(cpu.fills, 1);      /* one fill maps 0x10000 for read and write */
}
END_TEST

START_TEST(test_softmmu_hit_after_miss)
{
    IrContext *c = ctx[0];
    guest_ld(c, IR_I64, "r0", 0x12000, IR_MO_64);
    guest_ld(c, IR_I64, "r1", 0x12008, IR_MO_64);
    guest_ld(c, IR_I64, "r2", 0x13008, IR_MO_64);
    go(1);
    ck_assert_uint_eq(cpu.fills, 2);
}
END_TEST

START_TEST(test_softmmu_mmio)
{
    IrContext *c = ctx[0];
    cpu.r[5] = 0xcafef00d;
    guest_ld(c, IR_I64, "r0", TH_MMIO_PAGE + 0x10, IR_MO_32);
    guest_ld(c, IR_I64, "r1", TH_MMIO_PAGE + 0x80, IR_MO_16 | IR_MO_SIGN);
    guest_st(c, IR_I64, "r5", TH_MMIO_PAGE + 0x20, IR_MO_16 | IR_MO_BSWAP);
    go(1);
    ck_assert_uint_eq(cpu.r[0], 0x13121110u);
    ck_assert_uint_eq(cpu.r[1], 0xffffffffffff8180ull);
    ck_assert_uint_eq(cpu.io_count, 1);
    ck_assert_uint_eq(cpu.io_addr, TH_MMIO_PAGE + 0x20);
    ck_assert_uint_eq(cpu.io_val, 0x0df0);
    ck_assert_uint_eq(cpu.io_size, 2);
}
END_TEST

START_TEST(test_softmmu_cross_page)
{
    IrContext *c = ctx[0];
    for (unsigned i = 0; i < 8; i++) {
        mem[0x0ffc + i] = 0x10 + i;
    }
    cpu.r[5] = 0xa1a2a3a4a5a6a7a8ull;
    guest_ld(c, IR_I64, "r0", 0x10ffc, IR_MO_64);
    guest_st(c, IR_I64, "r5", 0x11ffd, IR_MO_64);
    go(1);
    ck_assert_uint_eq(cpu.r[0], 0x1716151413121110ull);
    static const uint8_t want[] = { 0xa8, 0xa7, 0xa6, 0xa5, 0xa4, 0xa3, 0xa2, 0xa1 };
    ck_assert_mem_eq(mem + 0x1ffd, want, 8);
}
END_TEST

START_TEST(test_softmmu_cross_page_fault_is_all_or_nothing)
{
    /* An 8-byte store from the last 4 bytes of 0x1d000 into read-only 0x1e000. */
    IrContext *c = ctx[0];
    cpu.r[5] = ~0ull;
    ir_gen_insn_start(c, 0x401000, 0);
    ir_gen_movi(c, IR_I64, G(c, "r1"), 1);
    ir_gen_insn_start(c, 0x401004, 0);
    guest_st(c, IR_I64, "r5", TH_RO_PAGE - 4, IR_MO_64);
    ir_gen_insn_start(c, 0x401008, 0);
    ir_gen_movi(c, IR_I64, G(c, "r2"), 1);
    go(1);
    ck_assert_int_eq(run.exception, TH_EXC_PAGE);
    ck_assert_uint_eq(run.fault_addr, TH_RO_PAGE + 3);
    ck_assert_uint_eq(cpu.rpc, 0x401004);
    ck_assert_uint_eq(cpu.r[1], 1);
    ck_assert_uint_eq(cpu.r[2], 0);
    for (unsigned i = 0; i < 8; i++) {
        ck_assert_uint_eq(mem[TH_RO_PAGE - TH_MEM_BASE - 4 + i], 0);
    }
}
END_TEST

START_TEST(test_softmmu_unmapped_faults)
{
    IrContext *c = ctx[0];
    ir_gen_insn_start(c, 0x500000, 0);
    guest_ld(c, IR_I64, "r0", 0x50000, IR_MO_8);
    go(1);
    ck_assert_int_eq(run.exception, TH_EXC_PAGE);
    ck_assert_uint_eq(run.fault_addr, 0x50000);
    ck_assert_uint_eq(cpu.rpc, 0x500000);
}
END_TEST

START_TEST(test_softmmu_notdirty)
{
    IrContext *c = ctx[0];
    cpu.r[5] = 0x55;
    guest_ld(c, IR_I64, "r0", TH_ND_PAGE + 8, IR_MO_8);
    guest_st(c, IR_I64, "r5", TH_ND_PAGE + 9, IR_MO_8);
    go(1);
    ck_assert_uint_eq(mem[TH_ND_PAGE - TH_MEM_BASE + 9], 0x55);
    ck_assert_uint_eq(cpu.nd_count, 1);
    ck_assert_uint_eq(cpu.nd_addr, TH_ND_PAGE + 9);
}
END_TEST

START_TEST(test_align_fault)
{
    IrContext *c = ctx[0];
    ir_gen_insn_start(c, 0x777, 0);
    guest_ld(c, IR_I64, "r0", 0x10002, IR_MO_32);
    ir_gen_insn_start(c, 0x778, 0);
    guest_ld(c, IR_I64, "r1", 0x10006, IR_MO_32 | IR_MO_ALIGN);
    go(1);
    ck_assert_int_eq(run.exception, TH_EXC_ALIGN);
    ck_assert_uint_eq(run.fault_addr, 0x10006);
    ck_assert_uint_eq(cpu.rpc, 0x778);
}
END_TEST

static void atomics_body(void)
{
    IrContext *c = ctx[0];
    IrTempIdx a = ir_const_i64(c, 0x10400);
    IrMemOp mo = IR_MO_32;
    mem[0x400] = 5;
    cpu.r[1] = 5;
    cpu.r[2] = 9;
    /* r0 = cmpxchg(5 -> 9) succeeds; r3 = cmpxchg(5 -> 1) fails; r4 = fetch_add 3. */
    ir_emit(c, IR_OP_atomic_cmpxchg, IR_I64, 1, 3,
            (IrArg[]){ G(c, "r0"), a, G(c, "r1"), G(c, "r2"), mo, 0 });
    ir_emit(c, IR_OP_atomic_cmpxchg, IR_I64, 1, 3,
            (IrArg[]){ G(c, "r3"), a, G(c, "r1"), ir_const_i64(c, 1), mo, 0 });
    ir_emit(c, IR_OP_atomic_fetch_add, IR_I64, 1, 2,
            (IrArg[]){ G(c, "r4"), a, ir_const_i64(c, 3), mo, 0 });
    /* A cross-page xchg takes the locked fallback in softmmu mode. */
    ir_emit(c, IR_OP_atomic_xchg, IR_I64, 1, 2,
            (IrArg[]){ G(c, "r6"), ir_const_i64(c, 0x10ffe), ir_const_i64(c, 0xaabbccdd),
                       mo, 0 });
}

static void atomics_check(void)
{
    ck_assert_uint_eq(cpu.r[0], 5);
    ck_assert_uint_eq(cpu.r[3], 9);
    ck_assert_uint_eq(cpu.r[4], 9);
    ck_assert_uint_eq(mem[0x400], 12);
    ck_assert_uint_eq(cpu.r[6], 0);
    ck_assert_uint_eq(mem[0xffe], 0xdd);
    ck_assert_uint_eq(mem[0x1001], 0xaa);
}

START_TEST(test_user_atomics) { atomics_body(); go(1); atomics_check(); }
END_TEST
START_TEST(test_softmmu_atomics) { atomics_body(); go(1); atomics_check(); }
END_TEST

START_TEST(test_cmpxchg128)
{
    IrContext *c = ctx[0];
    IrTempIdx cmp = ir_temp_new(c, IR_I128), nv = ir_temp_new(c, IR_I128);
    IrTempIdx old = ir_temp_new(c, IR_I128);
    memset(mem + 0x500, 0x11, 8);
    memset(mem + 0x508, 0x22, 8);
    ir_emit(c, IR_OP_concat_i64_i128, IR_I128, 1, 2,
            (IrArg[]){ cmp, ir_const_i64(c, 0x1111111111111111ull),
                       ir_const_i64(c, 0x2222222222222222ull) });
    ir_emit(c, IR_OP_concat_i64_i128, IR_I128, 1, 2,
            (IrArg[]){ nv, ir_const_i64(c, 3), ir_const_i64(c, 4) });
    ir_emit(c, IR_OP_atomic_cmpxchg, IR_I128, 1, 3,
            (IrArg[]){ old, ir_const_i64(c, 0x10500), cmp, nv, IR_MO_128 | IR_MO_ALIGN, 0 });
    ir_gen_op1(c, IR_OP_extrh_i128_i64, IR_I64, G(c, "r0"), old);
    go(1);
    ck_assert_uint_eq(cpu.r[0], 0x2222222222222222ull);
    uint64_t lo, hi;
    memcpy(&lo, mem + 0x500, 8);
    memcpy(&hi, mem + 0x508, 8);
    ck_assert_uint_eq(lo, 3);
    ck_assert_uint_eq(hi, 4);
}
END_TEST

START_TEST(test_tlb_flush_page)
{
    jit_tlb_set_page(&cpu.common, 0x12345, mem, 7, 1, 0, 0);
    JitTlbEntry *e = &cpu.common.tlb[1][0x12];
    ck_assert_uint_eq(e->addr_read, 0x12000);
    ck_assert_uint_eq(e->addend, (uintptr_t)mem - 0x12000);
    jit_tlb_flush_page(&cpu.common, 0x12fff);
    ck_assert_uint_eq(e->addr_read & JIT_TLB_INVALID, JIT_TLB_INVALID);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Atomicity: several threads run the same interpreted TB                  */

#define NB_THREADS 4
#define NB_ITERS 20000

typedef struct AtomThread {
    TestCpu cpu;
    const void *code;
    JitMemMode mode;
} AtomThread;

static void *atom_thread(void *opaque)
{
    AtomThread *t = opaque;

    if (t->mode == JIT_MEM_SOFTMMU) {
        jit_tlb_init(&t->cpu.common);
    }
    uintptr_t ret = jit_backend_interp.enter(&jit_backend_interp, &t->cpu.common, t->code);
    if (t->mode == JIT_MEM_SOFTMMU) {
        jit_tlb_free(&t->cpu.common);
    }
    return (void *)ret;
}

/*
 * Increments through an aligned fetch_add (host atomic), a page-crossing
 * one (the locked fallback) and a cmpxchg loop, from NB_THREADS threads
 * running the same bytecode: no increment may be lost.
 */
static void run_atomic_threads(JitMemMode mode)
{
    static uint64_t buf[512];
    static const char body[] =
        "  l0 = mov.i64 $20000\n"
        "L1:\n"
        "  t0 = atomic_fetch_add.i64 $0x10100, $1, [u64], mmu0\n"
        "  t1 = atomic_fetch_add.i64 $0x10ffe, $1, [u32], mmu0\n"
        "  l1 = guest_ld.i64 $0x10200, [u32], mmu0\n"
        "L2:\n"
        "  l2 = add.i64 l1, $1\n"
        "  t2 = atomic_cmpxchg.i64 $0x10200, l1, l2, [u32], mmu0\n"
        "  brcond.i64 t2, l1, eq, L3\n"
        "  l1 = mov.i64 t2\n"
        "  br L2\n"
        "L3:\n"
        "  l0 = sub.i64 l0, $1\n"
        "  brcond.i64 l0, $0, ne, L1\n"
        "  exit_tb $5\n";
    JitCodeGen cg = { .rw = (uint8_t *)buf, .rx = (uintptr_t)buf, .cap = sizeof(buf) };
    static AtomThread th[NB_THREADS];
    pthread_t tid[NB_THREADS];
    IrParseError err;

    ck_assert_msg(ir_parse(ctx[0], body, &err), "%u: %s", err.line, err.msg);
    ck_assert_int_eq(jit_backend_interp.gen_code(ctx[0], &cg), JIT_OK);
    for (unsigned i = 0; i < NB_THREADS; i++) {
        th_cpu_init(&th[i].cpu, mem, mode);
        th_cpu_free(&th[i].cpu);            /* each thread makes its own TLB */
        th[i].code = buf;
        th[i].mode = mode;
    }
    for (unsigned i = 0; i < NB_THREADS; i++) {
        pthread_create(&tid[i], NULL, atom_thread, &th[i]);
    }
    for (unsigned i = 0; i < NB_THREADS; i++) {
        void *ret;
        pthread_join(tid[i], &ret);
        ck_assert_uint_eq((uintptr_t)ret, 5);
    }
    uint64_t a, b, c;
    memcpy(&a, mem + 0x100, 8);
    memcpy(&b, mem + 0xffe, 4);
    memcpy(&c, mem + 0x200, 4);
    ck_assert_uint_eq(a, NB_THREADS * NB_ITERS);
    ck_assert_uint_eq(b & 0xffffffff, NB_THREADS * NB_ITERS);
    ck_assert_uint_eq(c & 0xffffffff, NB_THREADS * NB_ITERS);
}

START_TEST(test_atomics_from_threads_user) { run_atomic_threads(JIT_MEM_USER); }
END_TEST
START_TEST(test_atomics_from_threads_softmmu) { run_atomic_threads(JIT_MEM_SOFTMMU); }
END_TEST

static Suite *interp_suite(void)
{
    Suite *s = suite_create("interp");
    TCase *u = tcase_create("user");
    TCase *m = tcase_create("softmmu");

    tcase_set_timeout(u, 60);
    tcase_set_timeout(m, 60);
    tcase_add_checked_fixture(u, setup_user, teardown);
    tcase_add_checked_fixture(m, setup_softmmu, teardown);
    tcase_add_test(u, test_i32_wraps_and_globals);
    tcase_add_test(u, test_defined_division_edges);
    tcase_add_test(u, test_loop_with_labels);
    tcase_add_test(u, test_goto_tb_unchained_falls_through);
    tcase_add_test(u, test_goto_tb_chained_continues);
    tcase_add_test(u, test_lookup_and_goto_ptr);
    tcase_add_test(u, test_patch_jump_chain_and_unchain);
    tcase_add_test(u, test_insn_end_offsets);
    tcase_add_test(u, test_buffer_too_small);
    tcase_add_test(u, test_atomics_from_threads_user);
    tcase_add_test(u, test_lookup_miss_reaches_epilogue);
    tcase_add_test(u, test_calls);
    tcase_add_test(u, test_user_memops);
    tcase_add_test(u, test_align_fault);
    tcase_add_test(u, test_user_atomics);
    tcase_add_test(u, test_cmpxchg128);
    tcase_add_test(m, test_softmmu_memops);
    tcase_add_test(m, test_softmmu_hit_after_miss);
    tcase_add_test(m, test_softmmu_mmio);
    tcase_add_test(m, test_softmmu_cross_page);
    tcase_add_test(m, test_softmmu_cross_page_fault_is_all_or_nothing);
    tcase_add_test(m, test_softmmu_unmapped_faults);
    tcase_add_test(m, test_softmmu_notdirty);
    tcase_add_test(m, test_align_fault);
    tcase_add_test(m, test_softmmu_atomics);
    tcase_add_test(m, test_cmpxchg128);
    tcase_add_test(m, test_tlb_flush_page);
    tcase_add_test(m, test_atomics_from_threads_softmmu);
    suite_add_tcase(s, u);
    suite_add_tcase(s, m);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(interp_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
