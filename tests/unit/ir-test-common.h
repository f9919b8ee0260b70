/*
 * ir-test-common.h — shared by test-ir-text.c and test-ir-verify.c: the
 * globals and helpers the test programs name, and a corpus in canonical
 * printed form that uses every op and every const spelling.
 */
#ifndef FERRY_TESTS_UNIT_IR_TEST_COMMON_H
#define FERRY_TESTS_UNIT_IR_TEST_COMMON_H

#include <stdint.h>

#include "jit/ir.h"

/* Helper ids, valid after test_helpers_register(). */
static unsigned helper_add3_id, helper_void1_id, helper_none_id;

static uint64_t helper_add3(void *env, uint64_t a, uint32_t b)
{
    return (uint64_t)(uintptr_t)env + a + b;
}

static void helper_void1(uint64_t a)
{
    (void)a;
}

static uint32_t helper_none(void)
{
    return 42;
}

/* The registry is process-wide: call once from main before forking tests. */
static void test_helpers_register(void)
{
    helper_add3_id = ir_helper_register(&(IrHelper){
        .name = "helper_add3", .func = (void *)helper_add3, .ret = IR_I64,
        .nb_args = 3, .args = { IR_I64, IR_I64, IR_I32 } });
    helper_void1_id = ir_helper_register(&(IrHelper){
        .name = "helper_void1", .func = (void *)helper_void1, .ret = IR_VOID,
        .nb_args = 1, .args = { IR_I64 }, .flags = IR_CALL_NO_READ_GLOBALS });
    helper_none_id = ir_helper_register(&(IrHelper){
        .name = "helper_none", .func = (void *)helper_none, .ret = IR_I32,
        .nb_args = 0, .flags = IR_CALL_NO_SIDE_EFFECTS });
}

/* A context with the globals rax rbx rcx cc_src cc_dst (i64), cc_op (i32),
 * xmm0 xmm1 (v128). */
static IrContext *test_ctx_new(void)
{
    IrContext *ctx = ir_context_new();
    ir_global_new(ctx, IR_I64, 0, "rax");
    ir_global_new(ctx, IR_I64, 8, "rbx");
    ir_global_new(ctx, IR_I64, 16, "rcx");
    ir_global_new(ctx, IR_I64, 24, "cc_src");
    ir_global_new(ctx, IR_I64, 32, "cc_dst");
    ir_global_new(ctx, IR_I32, 40, "cc_op");
    ir_global_new(ctx, IR_V128, 48, "xmm0");
    ir_global_new(ctx, IR_V128, 64, "xmm1");
    return ctx;
}

/*
 * Canonical text (exactly what ir_print writes): every op of ir-ops.h but
 * nop, every condition, memop size/sign/flag, mb word, element size, and
 * decimal, negative and hex constants of both widths. It also verifies.
 */
static const char ir_test_corpus[] =
    "  insn_start $0x401000, $0\n"
    "  t0 = mov.i64 rax\n"
    "  t1 = extrl_i64_i32 t0\n"
    "  t2 = extrh_i64_i32 t0\n"
    "  t3 = extu_i32_i64 t1\n"
    "  t4 = exts_i32_i64 t2\n"
    "  t5 = concat_i64_i128 t3, t4\n"
    "  t6 = extrl_i128_i64 t5\n"
    "  t7 = extrh_i128_i64 t5\n"
    "  t8 = add.i64 t6, $5\n"
    "  t9 = sub.i32 t1, $-1\n"
    "  t10 = neg.i64 t8\n"
    "  t11 = mul.i64 t10, $4096\n"
    "  t12, t13 = mulu2.i64 t11, rbx\n"
    "  t14, t15 = muls2.i32 t9, t1\n"
    "  t16 = divu.i64 t12, $0x1001\n"
    "  t17 = divs.i32 t14, $-4096\n"
    "  t18 = remu.i64 t16, $0x7fffffffffffffff\n"
    "  t19 = rems.i32 t17, $0x80000000\n"
    "  t20, t21 = divu2.i64 t18, $0, rcx\n"
    "  t22, t23 = divs2.i32 t19, t15, $7\n"
    "  t24, t25 = addcarry.i64 t20, t21, $1\n"
    "  t26, t27 = subborrow.i32 t22, t23, $0\n"
    "  t28 = and.i64 t24, $0xffffffffffffefff\n"
    "  t29 = or.i32 t26, $0xffffefff\n"
    "  t30 = xor.i64 t28, t25\n"
    "  t31 = andc.i32 t29, t27\n"
    "  t32 = orc.i64 t30, $-4096\n"
    "  t33 = not.i32 t31\n"
    "  t34 = shl.i64 t32, $3\n"
    "  t35 = shr.i32 t33, $31\n"
    "  t36 = sar.i64 t34, $63\n"
    "  t37 = rotl.i32 t35, $1\n"
    "  t38 = rotr.i64 t36, $0x8000000000000000\n"
    "  t39 = extract.i64 t38, 8, 8\n"
    "  t40 = sextract.i32 t37, 0, 32\n"
    "  t41 = deposit.i64 t39, t38, 60, 4\n"
    "  t42 = setcond.i32 t40, $0, ltu\n"
    "  t43 = negsetcond.i64 t41, $0, tstne\n"
    "  t44 = movcond.i64 t43, t41, t39, t38, eq\n"
    "  t45 = clz.i64 t44, $64\n"
    "  t46 = ctz.i32 t42, $32\n"
    "  t47 = popcnt.i64 t45\n"
    "  t48 = bswap16.i32 t46\n"
    "  t49 = bswap32.i64 t47\n"
    "  t50 = bswap64 t49\n"
    "  t51 = setcond.i64 t50, t49, never\n"
    "  t51 = setcond.i64 t50, t49, always\n"
    "  t51 = setcond.i64 t50, t49, ne\n"
    "  t51 = setcond.i64 t50, t49, lt\n"
    "  t51 = setcond.i64 t50, t49, ge\n"
    "  t51 = setcond.i64 t50, t49, le\n"
    "  t51 = setcond.i64 t50, t49, gt\n"
    "  t51 = setcond.i64 t50, t49, geu\n"
    "  t51 = setcond.i64 t50, t49, leu\n"
    "  t51 = setcond.i64 t50, t49, gtu\n"
    "  t51 = setcond.i64 t50, t49, tsteq\n"
    "  t52 = ld.i64 env, 16, [u32]\n"
    "  st.i32 t48, env, -8, [u32]\n"
    "  t53 = ld.v128 env, 48, [u128]\n"
    "  st.v128 t53, env, 64, [u128]\n"
    "  t54 = ld.i32 env, -2147483648, [s8]\n"
    "  st.i64 t51, env, 2147483647, [s64]\n"
    "  t55 = guest_ld.i64 t52, [s16 be align], mmu0\n"
    "  guest_st.i64 t55, t52, [u64], mmu1\n"
    "  t56 = guest_ld.i128 t52, [u128 align atom], mmu15\n"
    "  guest_st.i128 t56, t52, [u128 atom], mmu2\n"
    "  t57 = guest_ld.i64 t52, [s32], mmu9\n"
    "  t58 = guest_ld.i32 t52, [u8 be], mmu10\n"
    "  guest_st.i32 t58, t52, [u16 be atom], mmu3\n"
    "  t59 = guest_ld.v128 t52, [u64 be align atom], mmu4\n"
    "  t60 = atomic_cmpxchg.i64 t52, t55, t50, [u64 atom], mmu0\n"
    "  t61 = atomic_cmpxchg.i128 t52, t56, t56, [u128 align atom], mmu0\n"
    "  t62 = atomic_xchg.i32 t52, t48, [u32], mmu0\n"
    "  t63 = atomic_fetch_add.i64 t52, $1, [u64 be], mmu3\n"
    "  t64 = atomic_fetch_and.i32 t52, t62, [s8], mmu0\n"
    "  t65 = atomic_fetch_or.i64 t52, t63, [u16], mmu0\n"
    "  t66 = atomic_fetch_xor.i32 t52, t64, [u32 align], mmu0\n"
    "  mb ldld|stst\n"
    "  mb all\n"
    "  mb ldst|stld\n"
    "  mb ldld|ldst|stld\n"
    "  rax = mov.i64 t65\n"
    "  cc_op = mov.i32 t66\n"
    "  xmm0 = dup.v128 t66, e32\n"
    "  t67 = dup.v128 t63, e64\n"
    "  t68 = vec_add.v128 xmm0, t67, e8\n"
    "  t69 = vec_sub.v128 t68, xmm1, e16\n"
    "  t70 = vec_and.v128 t69, t68\n"
    "  t71 = vec_or.v128 t70, t69\n"
    "  t72 = vec_xor.v128 t71, t70\n"
    "  t73 = vec_andc.v128 t72, t71\n"
    "  t74 = vec_cmpeq.v128 t73, t72, e32\n"
    "  t75 = vec_cmpgt.v128 t74, t73, e64\n"
    "  t76 = vec_shli.v128 t75, e16, 3\n"
    "  t77 = vec_shri.v128 t76, e8, 7\n"
    "  t78 = vec_sari.v128 t77, e64, 63\n"
    "  t79 = vec_extract.v128 t78, e32, 3\n"
    "  t80 = vec_extract.v128 t78, e64, 1\n"
    "  t81 = vec_insert.v128 t78, t79, e32, 0\n"
    "  xmm1 = vec_insert.v128 t81, t80, e64, 1\n"
    "  t82 = mov.v128 xmm1\n"
    "  t83 = mov.i128 t61\n"
    "  l0 = mov.i64 t80\n"
    "  l1 = call helper_add3(env, l0, t79)\n"
    "  call helper_void1(l1)\n"
    "  t84 = call helper_none()\n"
    "  cc_op = mov.i32 t84\n"
    "  cc_src = mov.i64 $0xffffffff\n"
    "  cc_dst = mov.i64 $-4095\n"
    "  brcond.i64 l0, $0, ne, L0\n"
    "  brcond.i32 cc_op, $-1, tsteq, L1\n"
    "  br L2\n"
    "L0:\n"
    "  t0 = mov.i64 $0x8000000000000000\n"
    "  rbx = mov.i64 t0\n"
    "  goto_tb 0\n"
    "  exit_tb $0x7f0000001000\n"
    "L2:\n"
    "  l2 = mov.i32 $0x7fffffff\n"
    "  goto_tb 1\n"
    "  exit_tb $1\n"
    "L1:\n"
    "  t85 = lookup_tb\n"
    "  goto_ptr t85\n";

#endif /* FERRY_TESTS_UNIT_IR_TEST_COMMON_H */
