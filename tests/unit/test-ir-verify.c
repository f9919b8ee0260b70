/*
 * test-ir-verify.c — the IR verifier and ir_op_arg_type: well-formed
 * programs pass; for each rule of docs/ir.md a program that breaks exactly
 * that rule fails with a message that names the problem.
 */
#include <check.h>
#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "jit/ir.h"
#include "tests/unit/ir-test-common.h"

static IrContext *C;
static IrTempIdx rax, rbx, ccop, xmm0;
static IrTempIdx a, b, w, v, q;      /* block temps i64, i64, i32, v128, i128 */

static void setup(void)
{
    C = test_ctx_new();
    ck_assert(ir_global_find(C, "rax", &rax));
    ck_assert(ir_global_find(C, "rbx", &rbx));
    ck_assert(ir_global_find(C, "cc_op", &ccop));
    ck_assert(ir_global_find(C, "xmm0", &xmm0));
    a = ir_temp_new(C, IR_I64);
    b = ir_temp_new(C, IR_I64);
    w = ir_temp_new(C, IR_I32);
    v = ir_temp_new(C, IR_V128);
    q = ir_temp_new(C, IR_I128);
}

static void teardown(void)
{
    ir_context_free(C);
}

static void expect_ok(void)
{
    char msg[256];
    if (!ir_verify(C, msg, sizeof(msg))) {
        ck_abort_msg("verify failed: %s", msg);
    }
    ck_assert_str_eq(msg, "");
}

static void expect_fail(const char *needle)
{
    char msg[256];
    if (ir_verify(C, msg, sizeof(msg))) {
        ck_abort_msg("verify passed, expected failure mentioning \"%s\"", needle);
    }
    if (!strstr(msg, needle)) {
        ck_abort_msg("message \"%s\" does not mention \"%s\"", msg, needle);
    }
}

#define EMIT(opc, type, ...) ir_emit(C, IR_OP_##opc, type, -1, -1, (IrArg[]){ __VA_ARGS__ })
#define K64(x) ir_const_i64(C, (x))
#define K32(x) ir_const_i32(C, (x))

/* ---------------------------------------------------------------------- */
/* Programs that pass                                                      */

START_TEST(test_ok_corpus)
{
    IrParseError err;
    ck_assert(ir_parse(C, ir_test_corpus, &err));
    expect_ok();
}
END_TEST

/* The worked example of jit/ir.h, as the front end would build it. */
START_TEST(test_ok_worked_example)
{
    IrTempIdx ccsrc, ccdst;
    ck_assert(ir_global_find(C, "cc_src", &ccsrc));
    ck_assert(ir_global_find(C, "cc_dst", &ccdst));
    ir_gen_insn_start(C, 0x401000, 0);
    ir_gen_op2(C, IR_OP_add, IR_I64, a, rax, K64(5));
    ir_gen_movi(C, IR_I64, ccsrc, 5);
    ir_gen_mov(C, IR_I64, ccdst, a);
    ir_gen_movi(C, IR_I32, ccop, 7);
    ir_gen_mov(C, IR_I64, rax, a);
    ir_gen_exit_tb(C, 0);
    expect_ok();
}
END_TEST

/* TB temps and globals live across labels; block temps are rewritten. */
START_TEST(test_ok_scopes)
{
    IrTempIdx l = ir_temp_new_tb(C, IR_I64);
    uint32_t L = ir_label_new(C);
    ir_gen_mov(C, IR_I64, l, rax);
    ir_gen_mov(C, IR_I64, a, rax);
    ir_gen_brcond(C, IR_I64, IR_COND_EQ, a, K64(0), L);
    ir_gen_set_label(C, L);
    ir_gen_op2(C, IR_OP_add, IR_I64, a, l, rbx);     /* a written again: fine */
    ir_gen_op2(C, IR_OP_add, IR_I64, rax, a, a);
    ir_gen_call(C, helper_none_id, w, NULL);
    ir_gen_mov(C, IR_I32, ccop, w);
    /* A label that nothing branches to may still be placed. */
    ir_gen_set_label(C, ir_label_new(C));
    EMIT(concat_i64_i128, IR_I128, q, rax, rbx);
    EMIT(atomic_cmpxchg, IR_I128, q, rax, q, q, IR_MO_128 | IR_MO_ATOM, 0);
    ir_gen_exit_tb(C, 0);
    expect_ok();
}
END_TEST

/* ---------------------------------------------------------------------- */
/* ir_op_arg_type                                                          */

static IrType arg_type(IrOp *op, unsigned i)
{
    return ir_op_arg_type(C, op, i);
}

START_TEST(test_arg_types)
{
    IrOp *op;

    op = EMIT(extu_i32_i64, IR_I64, a, w);
    ck_assert_int_eq(arg_type(op, 0), IR_I64);
    ck_assert_int_eq(arg_type(op, 1), IR_I32);
    ck_assert_int_eq(arg_type(op, 2), IR_VOID);
    op = EMIT(guest_ld, IR_I32, w, a, IR_MO_32, 0);
    ck_assert_int_eq(arg_type(op, 0), IR_I32);
    ck_assert_int_eq(arg_type(op, 1), IR_I64);
    op = EMIT(guest_st, IR_V128, v, a, IR_MO_128, 0);
    ck_assert_int_eq(arg_type(op, 0), IR_V128);
    ck_assert_int_eq(arg_type(op, 1), IR_I64);
    op = EMIT(ld, IR_I32, w, C->env, 0, IR_MO_32);
    ck_assert_int_eq(arg_type(op, 1), IR_I64);
    op = EMIT(st, IR_V128, v, C->env, 0, IR_MO_128);
    ck_assert_int_eq(arg_type(op, 0), IR_V128);
    ck_assert_int_eq(arg_type(op, 1), IR_I64);
    op = EMIT(mulu2, IR_I32, w, w, w, w);
    ck_assert_int_eq(arg_type(op, 0), IR_I32);
    ck_assert_int_eq(arg_type(op, 1), IR_I32);
    op = EMIT(concat_i64_i128, IR_I128, q, a, b);
    ck_assert_int_eq(arg_type(op, 0), IR_I128);
    ck_assert_int_eq(arg_type(op, 1), IR_I64);
    ck_assert_int_eq(arg_type(op, 2), IR_I64);
    op = EMIT(atomic_cmpxchg, IR_I128, q, a, q, q, IR_MO_128, 0);
    ck_assert_int_eq(arg_type(op, 0), IR_I128);
    ck_assert_int_eq(arg_type(op, 1), IR_I64);
    ck_assert_int_eq(arg_type(op, 3), IR_I128);
    op = EMIT(vec_extract, IR_V128, w, v, 2, 1);
    ck_assert_int_eq(arg_type(op, 0), IR_I32);
    ck_assert_int_eq(arg_type(op, 1), IR_V128);
    op = EMIT(vec_extract, IR_V128, a, v, 3, 1);
    ck_assert_int_eq(arg_type(op, 0), IR_I64);
    op = EMIT(vec_insert, IR_V128, v, v, w, 0, 5);
    ck_assert_int_eq(arg_type(op, 2), IR_I32);
    op = EMIT(dup, IR_V128, v, a, 3);
    ck_assert_int_eq(arg_type(op, 1), IR_I64);
    op = EMIT(bswap64, IR_I64, a, a);
    ck_assert_int_eq(arg_type(op, 1), IR_I64);
    op = EMIT(lookup_tb, IR_I64, a);
    ck_assert_int_eq(arg_type(op, 0), IR_I64);

    IrTempIdx args[] = { C->env, a, w };
    ir_gen_call(C, helper_add3_id, b, args);
    op = ir_last_op(C);
    ck_assert_int_eq(arg_type(op, 0), IR_I64);
    ck_assert_int_eq(arg_type(op, 1), IR_I64);
    ck_assert_int_eq(arg_type(op, 3), IR_I32);
    ck_assert_int_eq(arg_type(op, 4), IR_VOID);

    ck_assert(ir_op_type_allowed(IR_OP_add, IR_I32));
    ck_assert(!ir_op_type_allowed(IR_OP_add, IR_I128));
    ck_assert(ir_op_type_allowed(IR_OP_atomic_cmpxchg, IR_I128));
    ck_assert(!ir_op_type_allowed(IR_OP_atomic_xchg, IR_I128));
    ck_assert(ir_op_type_allowed(IR_OP_mov, IR_V128));
    ck_assert(!ir_op_type_allowed(IR_OP_vec_add, IR_I64));
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Programs that fail, one rule each                                       */

START_TEST(test_bad_arg_count)
{
    IrOp *op = EMIT(add, IR_I64, a, rax, rbx);
    op->nb_iargs = 1;
    expect_fail("op 1 (add): arg count 1 outputs, 1 inputs; expected 1, 2");
}
END_TEST

START_TEST(test_bad_call_arg_count)
{
    IrOp *op = EMIT(mov, IR_I64, a, rax);
    ir_gen_call(C, helper_void1_id, 0, &a);
    op = ir_last_op(C);
    op->nb_iargs = 0;                       /* the helper takes one */
    op->args[0] = helper_void1_id;
    expect_fail("op 2 (call): arg count 0 outputs, 0 inputs; helper helper_void1 takes 0, 1");
}
END_TEST

START_TEST(test_bad_helper_id)
{
    ir_emit(C, IR_OP_call, IR_I64, 0, 0, (IrArg[]){ 100000 });
    expect_fail("helper id 100000 is not registered");
}
END_TEST

START_TEST(test_bad_temp_index)
{
    EMIT(mov, IR_I64, a, 99999);
    expect_fail("input 0: temp index 99999 invalid");
}
END_TEST

START_TEST(test_bad_temp_zero)
{
    EMIT(mov, IR_I64, 0, rax);
    expect_fail("output 0: temp index 0 invalid");
}
END_TEST

START_TEST(test_bad_arg_type)
{
    EMIT(add, IR_I64, a, rax, ccop);
    expect_fail("input 1: cc_op has type i32, expected i64");
}
END_TEST

START_TEST(test_bad_arg_type_fixed_op)
{
    EMIT(extu_i32_i64, IR_I64, a, rax);
    expect_fail("input 0: rax has type i64, expected i32");
}
END_TEST

START_TEST(test_bad_arg_type_call)
{
    IrTempIdx args[] = { C->env, a, a };     /* third must be i32 */
    ir_gen_mov(C, IR_I64, a, rax);
    ir_gen_call(C, helper_add3_id, b, args);
    expect_fail("input 2: t0 has type i64, expected i32");
}
END_TEST

START_TEST(test_bad_arg_type_vec_extract)
{
    EMIT(vec_extract, IR_V128, a, xmm0, 2, 0);   /* e32 lane: output is i32 */
    expect_fail("output 0: t0 has type i64, expected i32");
}
END_TEST

START_TEST(test_bad_op_type)
{
    EMIT(add, IR_V128, v, xmm0, xmm0);
    expect_fail("type v128 not allowed");
}
END_TEST

START_TEST(test_bad_op_type_vec)
{
    EMIT(vec_and, IR_I64, a, rax, rax);
    expect_fail("type i64 not allowed");
}
END_TEST

START_TEST(test_bad_op_type_atomic)
{
    EMIT(mov, IR_I64, a, rax);
    EMIT(concat_i64_i128, IR_I128, q, a, a);
    EMIT(atomic_xchg, IR_I128, q, a, q, IR_MO_128, 0);
    expect_fail("type i128 not allowed");
}
END_TEST

START_TEST(test_bad_op_type_value)
{
    IrOp *op = EMIT(mov, IR_I64, a, rax);
    op->type = 9;
    expect_fail("invalid type 9");
}
END_TEST

START_TEST(test_bad_memop_size)
{
    EMIT(ld, IR_I32, w, C->env, 0, IR_MO_64);
    expect_fail("memop [u64] does not fit type i32");
}
END_TEST

START_TEST(test_bad_memop_bits)
{
    EMIT(guest_ld, IR_I64, a, rax, IR_MO_64 | 0x100, 0);
    expect_fail("bad memop 0x103");
}
END_TEST

/* tso orders guest loads and stores; atomics are full barriers already and
 * host ld/st are private to the vCPU. */
START_TEST(test_tso_only_on_guest_access)
{
    EMIT(guest_ld, IR_I64, a, rax, IR_MO_64 | IR_MO_TSO, 0);
    EMIT(guest_st, IR_I64, a, rax, IR_MO_32 | IR_MO_TSO, 0);
    expect_ok();
    EMIT(ld, IR_I64, a, C->env, 0, IR_MO_64 | IR_MO_TSO);
    expect_fail("tso memop on an op other than guest_ld/guest_st");
}
END_TEST

START_TEST(test_bad_memop_size_code)
{
    EMIT(guest_ld, IR_I64, a, rax, 5, 0);
    expect_fail("bad memop 0x5");
}
END_TEST

START_TEST(test_bad_mmu)
{
    EMIT(guest_st, IR_I64, rax, rbx, IR_MO_64, 16);
    expect_fail("mmu index 16 out of range");
}
END_TEST

START_TEST(test_bad_offset)
{
    EMIT(ld, IR_I64, a, C->env, 0x80000000ull, IR_MO_64);
    expect_fail("offset 2147483648 not an int32");
}
END_TEST

START_TEST(test_bad_cond)
{
    EMIT(setcond, IR_I64, a, rax, rbx, IR_COND_COUNT);
    expect_fail("cond 14 out of range");
}
END_TEST

START_TEST(test_bad_label_range)
{
    ir_label_new(C);
    EMIT(br, IR_I64, 1);
    expect_fail("label 1 out of range (1 labels)");
}
END_TEST

START_TEST(test_bad_extract_width)
{
    ir_gen_extract(C, IR_I32, w, ccop, 24, 9);
    expect_fail("bit field pos 24 len 9 outside 32 bits");
}
END_TEST

START_TEST(test_bad_extract_len0)
{
    ir_gen_extract(C, IR_I64, a, rax, 0, 0);
    expect_fail("bit field pos 0 len 0");
}
END_TEST

START_TEST(test_bad_deposit_pos)
{
    ir_gen_deposit(C, IR_I64, a, rax, rbx, 64, 1);
    expect_fail("bit field pos 64 len 1 outside 64 bits");
}
END_TEST

START_TEST(test_bad_vece)
{
    EMIT(vec_add, IR_V128, v, xmm0, xmm0, 4);
    expect_fail("vece 4 out of range 0..3");
}
END_TEST

START_TEST(test_bad_vec_shift)
{
    EMIT(vec_shli, IR_V128, v, xmm0, 1, 16);
    expect_fail("shift count 16 >= lane bits 16");
}
END_TEST

START_TEST(test_bad_vec_lane)
{
    EMIT(vec_extract, IR_V128, w, xmm0, 2, 4);
    expect_fail("lane 4 out of range for e32");
}
END_TEST

START_TEST(test_bad_goto_tb)
{
    ir_gen_goto_tb(C, 2);
    expect_fail("goto_tb slot 2 is not 0 or 1");
}
END_TEST

START_TEST(test_bad_mb)
{
    ir_gen_mb(C, 0);
    expect_fail("mb mask 0x0 out of range");
}
END_TEST

START_TEST(test_bad_output_const)
{
    EMIT(mov, IR_I64, K64(3), rax);
    expect_fail("output 0: $0x3 is a constant and cannot be written");
}
END_TEST

START_TEST(test_bad_output_env)
{
    EMIT(mov, IR_I64, C->env, rax);
    expect_fail("output 0: env is a fixed temp and cannot be written");
}
END_TEST

START_TEST(test_bad_block_use_before_def)
{
    ir_gen_op2(C, IR_OP_add, IR_I64, rax, rax, a);
    expect_fail("op 1 (add): input 1: block temp t0 used before being written");
}
END_TEST

START_TEST(test_bad_block_across_label)
{
    uint32_t L = ir_label_new(C);
    ir_gen_mov(C, IR_I64, a, rax);
    ir_gen_set_label(C, L);
    ir_gen_mov(C, IR_I64, rbx, a);
    expect_fail("op 3 (mov): input 0: block temp t0 used before being written");
}
END_TEST

START_TEST(test_bad_block_across_branch)
{
    uint32_t L = ir_label_new(C);
    ir_gen_mov(C, IR_I64, a, rax);
    ir_gen_brcond(C, IR_I64, IR_COND_EQ, a, rbx, L);  /* ends the block */
    ir_gen_mov(C, IR_I64, rbx, a);
    ir_gen_set_label(C, L);
    expect_fail("op 3 (mov): input 0: block temp t0 used before being written");
}
END_TEST

START_TEST(test_bad_label_twice)
{
    uint32_t L = ir_label_new(C);
    ir_gen_set_label(C, L);
    EMIT(set_label, IR_I64, L);
    expect_fail("op 2 (set_label): label L0 placed twice");
}
END_TEST

START_TEST(test_bad_label_unplaced)
{
    uint32_t L0 = ir_label_new(C), L1 = ir_label_new(C);
    ir_gen_br(C, L1);
    ir_gen_set_label(C, L0);
    expect_fail("label L1 is referenced but never placed");
}
END_TEST

START_TEST(test_bad_opcode)
{
    IrOp *op = EMIT(mov, IR_I64, a, rax);
    op->opc = IR_OP_COUNT + 3;
    expect_fail("invalid opcode");
}
END_TEST

START_TEST(test_bad_link_prev)
{
    EMIT(mov, IR_I64, a, rax);
    IrOp *op = EMIT(mov, IR_I64, b, a);
    op->prev = 0;
    expect_fail("op list: op 2.prev is 0, expected 1");
}
END_TEST

START_TEST(test_bad_link_range)
{
    IrOp *op = EMIT(mov, IR_I64, a, rax);
    op->next = 5000;
    expect_fail("out of range");
}
END_TEST

START_TEST(test_bad_link_cycle)
{
    EMIT(mov, IR_I64, a, rax);
    EMIT(mov, IR_I64, b, a);
    IrOp *op = EMIT(mov, IR_I64, rax, b);
    op->next = 2;                    /* back into the middle */
    C->ops[2].prev = 3;
    expect_fail("op list");
}
END_TEST

START_TEST(test_bad_link_tail)
{
    EMIT(mov, IR_I64, a, rax);
    EMIT(mov, IR_I64, b, a);
    C->ops[0].prev = 1;
    expect_fail("head.prev is 1, last op is 2");
}
END_TEST

START_TEST(test_bad_live_count)
{
    EMIT(mov, IR_I64, a, rax);
    C->nb_live_ops = 7;
    expect_fail("1 ops linked but nb_live_ops is 7");
}
END_TEST

/* The verifier tolerates a NULL buffer and a remove/insert sequence. */
START_TEST(test_misc)
{
    EMIT(mov, IR_I64, a, rax);
    IrOp *op = EMIT(add, IR_I64, b, a, a);
    ck_assert(ir_verify(C, NULL, 0));
    ir_insert_before(C, op, IR_OP_mov, IR_I64, -1, -1, (IrArg[]){ rbx, a });
    ir_remove(C, ir_first_op(C));
    ck_assert(!ir_verify(C, NULL, 0));       /* a is no longer written first */
    ir_insert_before(C, ir_first_op(C), IR_OP_mov, IR_I64, -1, -1, (IrArg[]){ a, rax });
    expect_ok();
}
END_TEST

int main(void)
{
    Suite *s = suite_create("ir-verify");
    TCase *tc = tcase_create("verify");
    SRunner *sr;
    int failed;

    test_helpers_register();
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_ok_corpus);
    tcase_add_test(tc, test_ok_worked_example);
    tcase_add_test(tc, test_ok_scopes);
    tcase_add_test(tc, test_arg_types);
    tcase_add_test(tc, test_bad_arg_count);
    tcase_add_test(tc, test_bad_call_arg_count);
    tcase_add_test(tc, test_bad_helper_id);
    tcase_add_test(tc, test_bad_temp_index);
    tcase_add_test(tc, test_bad_temp_zero);
    tcase_add_test(tc, test_bad_arg_type);
    tcase_add_test(tc, test_bad_arg_type_fixed_op);
    tcase_add_test(tc, test_bad_arg_type_call);
    tcase_add_test(tc, test_bad_arg_type_vec_extract);
    tcase_add_test(tc, test_bad_op_type);
    tcase_add_test(tc, test_bad_op_type_vec);
    tcase_add_test(tc, test_bad_op_type_atomic);
    tcase_add_test(tc, test_bad_op_type_value);
    tcase_add_test(tc, test_bad_memop_size);
    tcase_add_test(tc, test_bad_memop_bits);
    tcase_add_test(tc, test_tso_only_on_guest_access);
    tcase_add_test(tc, test_bad_memop_size_code);
    tcase_add_test(tc, test_bad_mmu);
    tcase_add_test(tc, test_bad_offset);
    tcase_add_test(tc, test_bad_cond);
    tcase_add_test(tc, test_bad_label_range);
    tcase_add_test(tc, test_bad_extract_width);
    tcase_add_test(tc, test_bad_extract_len0);
    tcase_add_test(tc, test_bad_deposit_pos);
    tcase_add_test(tc, test_bad_vece);
    tcase_add_test(tc, test_bad_vec_shift);
    tcase_add_test(tc, test_bad_vec_lane);
    tcase_add_test(tc, test_bad_goto_tb);
    tcase_add_test(tc, test_bad_mb);
    tcase_add_test(tc, test_bad_output_const);
    tcase_add_test(tc, test_bad_output_env);
    tcase_add_test(tc, test_bad_block_use_before_def);
    tcase_add_test(tc, test_bad_block_across_label);
    tcase_add_test(tc, test_bad_block_across_branch);
    tcase_add_test(tc, test_bad_label_twice);
    tcase_add_test(tc, test_bad_label_unplaced);
    tcase_add_test(tc, test_bad_opcode);
    tcase_add_test(tc, test_bad_link_prev);
    tcase_add_test(tc, test_bad_link_range);
    tcase_add_test(tc, test_bad_link_cycle);
    tcase_add_test(tc, test_bad_link_tail);
    tcase_add_test(tc, test_bad_live_count);
    tcase_add_test(tc, test_misc);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
