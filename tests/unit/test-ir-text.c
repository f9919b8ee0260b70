/*
 * test-ir-text.c — the IR text form: every op printed from ops built with
 * the builders and ir_emit against a line written here; the corpus parses
 * and prints back byte for byte; malformed input fails with the right line,
 * column and message, without crashing.
 */
#include <check.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jit/ir.h"
#include "tests/unit/ir-test-common.h"

static IrContext *C;
static bool covered[IR_OP_COUNT];
static IrTempIdx rax, rbx, ccop, xmm0, xmm1;

static void setup(void)
{
    C = test_ctx_new();
    ck_assert(ir_global_find(C, "rax", &rax));
    ck_assert(ir_global_find(C, "rbx", &rbx));
    ck_assert(ir_global_find(C, "cc_op", &ccop));
    ck_assert(ir_global_find(C, "xmm0", &xmm0));
    ck_assert(ir_global_find(C, "xmm1", &xmm1));
}

static void teardown(void)
{
    ir_context_free(C);
}

static char *print_op_str(const IrOp *op)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    ir_print_op(C, op, f);
    fclose(f);
    return buf;
}

static char *print_str(void)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    ir_print(C, f);
    fclose(f);
    return buf;
}

static void expect_op(const IrOp *op, const char *want)
{
    char *got = print_op_str(op);
    covered[op->opc] = true;
    ck_assert_str_eq(got, want);
    free(got);
}

/* Emit one op with explicit arguments and compare its printed line. */
#define E(opc, type, want, ...) \
    expect_op(ir_emit(C, IR_OP_##opc, type, -1, -1, (IrArg[]){ __VA_ARGS__ }), want "\n")
/* Compare the line of the op a builder just emitted. */
#define B(want) expect_op(ir_last_op(C), want "\n")
#define K32(v) ir_const_i32(C, (uint32_t)(v))
#define K64(v) ir_const_i64(C, (uint64_t)(v))

/* ---------------------------------------------------------------------- */

START_TEST(test_print_every_op)
{
    /* Block temps t0..t3 i64, t4..t6 i32, t7 i128, t8 t9 v128; TB l0 i64. */
    IrTempIdx a = ir_temp_new(C, IR_I64), b = ir_temp_new(C, IR_I64);
    IrTempIdx c = ir_temp_new(C, IR_I64), d = ir_temp_new(C, IR_I64);
    IrTempIdx w = ir_temp_new(C, IR_I32), x = ir_temp_new(C, IR_I32);
    IrTempIdx y = ir_temp_new(C, IR_I32), q = ir_temp_new(C, IR_I128);
    IrTempIdx v = ir_temp_new(C, IR_V128), u = ir_temp_new(C, IR_V128);
    IrTempIdx l0 = ir_temp_new_tb(C, IR_I64);
    uint32_t L0 = ir_label_new(C), L1 = ir_label_new(C);

    memset(covered, 0, sizeof(covered));
    ir_gen_mov(C, IR_I64, a, rax);                      B("  t0 = mov.i64 rax");
    ir_gen_movi(C, IR_I32, ccop, 7);                    B("  cc_op = mov.i32 $7");
    E(mov, IR_V128, "  t8 = mov.v128 xmm0", v, xmm0);
    E(mov, IR_I128, "  t7 = mov.i128 t7", q, q);
    ir_gen_mov(C, IR_I64, l0, a);                       B("  l0 = mov.i64 t0");
    E(extu_i32_i64, IR_I64, "  t0 = extu_i32_i64 t4", a, w);
    E(exts_i32_i64, IR_I64, "  t1 = exts_i32_i64 cc_op", b, ccop);
    E(extrl_i64_i32, IR_I32, "  t4 = extrl_i64_i32 rax", w, rax);
    E(extrh_i64_i32, IR_I32, "  t5 = extrh_i64_i32 t0", x, a);
    E(concat_i64_i128, IR_I128, "  t7 = concat_i64_i128 t0, t1", q, a, b);
    E(extrl_i128_i64, IR_I64, "  t2 = extrl_i128_i64 t7", c, q);
    E(extrh_i128_i64, IR_I64, "  t3 = extrh_i128_i64 t7", d, q);

    ir_gen_op2(C, IR_OP_add, IR_I64, c, rax, K64(5));  B("  t2 = add.i64 rax, $5");
    ir_gen_op2(C, IR_OP_sub, IR_I32, w, x, K32(-1));   B("  t4 = sub.i32 t5, $-1");
    ir_gen_op1(C, IR_OP_neg, IR_I64, a, b);             B("  t0 = neg.i64 t1");
    E(mul, IR_I32, "  t6 = mul.i32 t4, $0x10000", y, w, K32(0x10000));
    E(mulu2, IR_I64, "  t0, t1 = mulu2.i64 rax, rbx", a, b, rax, rbx);
    E(muls2, IR_I32, "  t4, t5 = muls2.i32 t6, cc_op", w, x, y, ccop);
    E(divu, IR_I64, "  t2 = divu.i64 t0, $4096", c, a, K64(4096));
    E(divs, IR_I64, "  t2 = divs.i64 t0, $0x1001", c, a, K64(4097));
    E(remu, IR_I32, "  t6 = remu.i32 t4, $-4096", y, w, K32(-4096));
    E(rems, IR_I32, "  t6 = rems.i32 t4, $0xffffefff", y, w, K32(-4097));
    E(divu2, IR_I64, "  t2, t3 = divu2.i64 t0, t1, rbx", c, d, a, b, rbx);
    E(divs2, IR_I32, "  t4, t5 = divs2.i32 t4, t5, t6", w, x, w, x, y);
    E(addcarry, IR_I64, "  t2, t3 = addcarry.i64 t0, t1, $1", c, d, a, b, K64(1));
    E(subborrow, IR_I32, "  t4, t5 = subborrow.i32 t4, t6, t5", w, x, w, y, x);

    E(and, IR_I64, "  t0 = and.i64 t0, $0xffffffffffffefff", a, a, K64(-4097));
    E(or, IR_I64, "  t0 = or.i64 t0, $0x8000000000000000", a, a, K64(1ull << 63));
    E(xor, IR_I32, "  t4 = xor.i32 t4, $0x80000000", w, w, K32(0x80000000u));
    E(andc, IR_I64, "  t0 = andc.i64 t0, $0xffffffff", a, a, K64(0xffffffffu));
    E(orc, IR_I32, "  t4 = orc.i32 t4, $4095", w, w, K32(4095));
    E(not, IR_I64, "  t0 = not.i64 t0", a, a);
    E(shl, IR_I64, "  t0 = shl.i64 t0, $63", a, a, K64(63));
    E(shr, IR_I32, "  t4 = shr.i32 t4, t5", w, w, x);
    E(sar, IR_I64, "  t0 = sar.i64 t0, $1", a, a, K64(1));
    E(rotl, IR_I32, "  t4 = rotl.i32 t4, $8", w, w, K32(8));
    E(rotr, IR_I64, "  t0 = rotr.i64 t0, $-1", a, a, K64(-1));

    ir_gen_extract(C, IR_I64, c, a, 8, 8);              B("  t2 = extract.i64 t0, 8, 8");
    ir_gen_sextract(C, IR_I32, w, x, 0, 32);            B("  t4 = sextract.i32 t5, 0, 32");
    ir_gen_deposit(C, IR_I64, a, a, b, 60, 4);          B("  t0 = deposit.i64 t0, t1, 60, 4");
    ir_gen_setcond(C, IR_I32, IR_COND_LTU, w, x, K32(0)); B("  t4 = setcond.i32 t5, $0, ltu");
    E(negsetcond, IR_I64, "  t0 = negsetcond.i64 t1, t2, tstne", a, b, c, IR_COND_TSTNE);
    ir_gen_movcond(C, IR_I64, IR_COND_EQ, d, a, b, c, d);
    B("  t3 = movcond.i64 t0, t1, t2, t3, eq");
    E(clz, IR_I64, "  t0 = clz.i64 t1, $64", a, b, K64(64));
    E(ctz, IR_I32, "  t4 = ctz.i32 t5, $32", w, x, K32(32));
    E(popcnt, IR_I64, "  t0 = popcnt.i64 t1", a, b);
    E(bswap16, IR_I32, "  t4 = bswap16.i32 t5", w, x);
    E(bswap32, IR_I64, "  t0 = bswap32.i64 t1", a, b);
    E(bswap64, IR_I64, "  t0 = bswap64 t1", a, b);

    ir_gen_ld(C, IR_I64, a, C->env, 16, IR_MO_32);      B("  t0 = ld.i64 env, 16, [u32]");
    ir_gen_st(C, IR_I32, w, C->env, -8, IR_MO_32);      B("  st.i32 t4, env, -8, [u32]");
    ir_gen_ld(C, IR_V128, v, C->env, 48, IR_MO_128);    B("  t8 = ld.v128 env, 48, [u128]");
    ir_gen_guest_ld(C, IR_I64, d, a, IR_MO_16 | IR_MO_SIGN | IR_MO_BSWAP | IR_MO_ALIGN, 0);
    B("  t3 = guest_ld.i64 t0, [s16 be align], mmu0");
    ir_gen_guest_st(C, IR_I64, d, a, IR_MO_64, 1);      B("  guest_st.i64 t3, t0, [u64], mmu1");
    E(atomic_cmpxchg, IR_I64, "  t1 = atomic_cmpxchg.i64 t0, t2, t3, [u64 atom], mmu0",
      b, a, c, d, IR_MO_64 | IR_MO_ATOM, 0);
    E(atomic_xchg, IR_I32, "  t4 = atomic_xchg.i32 t0, t5, [u32 align], mmu15",
      w, a, x, IR_MO_32 | IR_MO_ALIGN, 15);
    E(atomic_fetch_add, IR_I64, "  t1 = atomic_fetch_add.i64 t0, $1, [u64 be], mmu2",
      b, a, K64(1), IR_MO_64 | IR_MO_BSWAP, 2);
    E(atomic_fetch_and, IR_I32, "  t4 = atomic_fetch_and.i32 t0, t5, [s8], mmu0",
      w, a, x, IR_MO_8 | IR_MO_SIGN, 0);
    E(atomic_fetch_or, IR_I64, "  t1 = atomic_fetch_or.i64 t0, t2, [u16], mmu0",
      b, a, c, IR_MO_16, 0);
    E(atomic_fetch_xor, IR_I64, "  t1 = atomic_fetch_xor.i64 t0, t2, [s32], mmu0",
      b, a, c, IR_MO_32 | IR_MO_SIGN, 0);
    ir_gen_mb(C, IR_MB_LD_LD | IR_MB_ST_ST);            B("  mb ldld|stst");
    ir_gen_mb(C, IR_MB_ALL);                            B("  mb all");
    ir_gen_mb(C, IR_MB_LD_ST | IR_MB_ST_LD);            B("  mb ldst|stld");

    ir_gen_insn_start(C, 0x401000, 0);                  B("  insn_start $0x401000, $0");
    ir_gen_brcond(C, IR_I64, IR_COND_NE, a, K64(0), L1); B("  brcond.i64 t0, $0, ne, L1");
    ir_gen_br(C, L0);                                   B("  br L0");
    ir_gen_set_label(C, L1);                            B("L1:");
    ir_gen_goto_tb(C, 0);                               B("  goto_tb 0");
    ir_gen_exit_tb(C, 0);                               B("  exit_tb $0");
    ir_gen_exit_tb(C, 0x7f0000001003ull);               B("  exit_tb $0x7f0000001003");
    E(lookup_tb, IR_I64, "  t0 = lookup_tb", a);
    E(goto_ptr, IR_I64, "  goto_ptr t0", a);

    IrTempIdx args3[] = { C->env, a, w };
    ir_gen_call(C, helper_add3_id, b, args3);           B("  t1 = call helper_add3(env, t0, t4)");
    ir_gen_call(C, helper_void1_id, 0, &C->env);        B("  call helper_void1(env)");
    ir_gen_call(C, helper_none_id, w, NULL);            B("  t4 = call helper_none()");

    E(dup, IR_V128, "  t9 = dup.v128 t4, e32", u, w, 2);
    E(vec_add, IR_V128, "  t9 = vec_add.v128 t8, xmm1, e8", u, v, xmm1, 0);
    E(vec_sub, IR_V128, "  t9 = vec_sub.v128 t8, t9, e64", u, v, u, 3);
    E(vec_and, IR_V128, "  t9 = vec_and.v128 t8, t9", u, v, u);
    E(vec_or, IR_V128, "  t9 = vec_or.v128 t8, t9", u, v, u);
    E(vec_xor, IR_V128, "  t9 = vec_xor.v128 t8, t9", u, v, u);
    E(vec_andc, IR_V128, "  t9 = vec_andc.v128 t8, t9", u, v, u);
    E(vec_cmpeq, IR_V128, "  t9 = vec_cmpeq.v128 t8, t9, e16", u, v, u, 1);
    E(vec_cmpgt, IR_V128, "  t9 = vec_cmpgt.v128 t8, t9, e32", u, v, u, 2);
    E(vec_shli, IR_V128, "  t9 = vec_shli.v128 t8, e16, 3", u, v, 1, 3);
    E(vec_shri, IR_V128, "  t9 = vec_shri.v128 t8, e8, 7", u, v, 0, 7);
    E(vec_sari, IR_V128, "  t9 = vec_sari.v128 t8, e64, 63", u, v, 3, 63);
    E(vec_extract, IR_V128, "  t0 = vec_extract.v128 t8, e64, 1", a, v, 3, 1);
    E(vec_insert, IR_V128, "  xmm0 = vec_insert.v128 t8, t4, e32, 3", xmm0, v, w, 2, 3);

    for (int i = 0; i < IR_OP_COUNT; i++) {
        if (i != IR_OP_nop && !covered[i]) {
            ck_abort_msg("op %s has no print case", ir_op_defs[i].name);
        }
    }
}
END_TEST

/* Constants: decimal within ±4096 as a signed value of the type, else hex. */
START_TEST(test_print_consts)
{
    static const struct {
        IrType t;
        uint64_t v;
        const char *want;
    } cases[] = {
        { IR_I64, 0, "$0" },           { IR_I64, 4096, "$4096" },
        { IR_I64, 4097, "$0x1001" },   { IR_I64, -4096ull, "$-4096" },
        { IR_I64, -4097ull, "$0xffffffffffffefff" },
        { IR_I64, 0xffffffffull, "$0xffffffff" },
        { IR_I64, UINT64_MAX, "$-1" }, { IR_I64, 1ull << 63, "$0x8000000000000000" },
        { IR_I32, 0xffffffffu, "$-1" }, { IR_I32, -4096u, "$-4096" },
        { IR_I32, -4097u, "$0xffffefff" }, { IR_I32, 0x80000000u, "$0x80000000" },
        { IR_I32, 0x7fffffffu, "$0x7fffffff" }, { IR_I32, 12, "$12" },
    };
    IrTempIdx d64 = ir_temp_new(C, IR_I64), d32 = ir_temp_new(C, IR_I32);

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char want[64];
        ir_gen_movi(C, cases[i].t, cases[i].t == IR_I32 ? d32 : d64, cases[i].v);
        snprintf(want, sizeof(want), "  %s = mov.%s %s\n", cases[i].t == IR_I32 ? "t1" : "t0",
                 cases[i].t == IR_I32 ? "i32" : "i64", cases[i].want);
        expect_op(ir_last_op(C), want);
    }
}
END_TEST

START_TEST(test_memop_format)
{
    char buf[32];
    ck_assert_str_eq(ir_memop_format(IR_MO_8, buf, sizeof(buf)), "[u8]");
    ck_assert_str_eq(ir_memop_format(IR_MO_16 | IR_MO_SIGN, buf, sizeof(buf)), "[s16]");
    ck_assert_str_eq(ir_memop_format(IR_MO_64 | IR_MO_BSWAP, buf, sizeof(buf)), "[u64 be]");
    ck_assert_str_eq(ir_memop_format(IR_MO_32 | IR_MO_ALIGN, buf, sizeof(buf)), "[u32 align]");
    ck_assert_str_eq(ir_memop_format(IR_MO_128 | IR_MO_ATOM, buf, sizeof(buf)), "[u128 atom]");
    ck_assert_str_eq(ir_memop_format(IR_MO_32 | IR_MO_SIGN | IR_MO_BSWAP | IR_MO_ALIGN |
                                     IR_MO_ATOM, buf, sizeof(buf)), "[s32 be align atom]");
    ck_assert_str_eq(ir_memop_format(IR_MO_64 | IR_MO_TSO, buf, sizeof(buf)), "[u64 tso]");
    ck_assert_str_eq(ir_memop_format(IR_MO_16 | IR_MO_SIGN | IR_MO_BSWAP | IR_MO_TSO, buf,
                                     sizeof(buf)), "[s16 be tso]");
    /* Invalid memops print as something the parser refuses. */
    ck_assert_str_eq(ir_memop_format(5, buf, sizeof(buf)), "[?0x5]");
    ck_assert_str_eq(ir_memop_format(0x100 | IR_MO_32, buf, sizeof(buf)), "[?0x102]");
}
END_TEST

static void parse_ok(const char *text)
{
    IrParseError err;
    if (!ir_parse(C, text, &err)) {
        ck_abort_msg("parse failed at %u:%u: %s", err.line, err.col, err.msg);
    }
}

START_TEST(test_roundtrip_corpus)
{
    char msg[256];

    parse_ok(ir_test_corpus);
    char *once = print_str();
    ck_assert_str_eq(once, ir_test_corpus);

    memset(covered, 0, sizeof(covered));
    IR_FOR_EACH_OP(C, op) {
        covered[op->opc] = true;
    }
    for (int i = 0; i < IR_OP_COUNT; i++) {
        if (i != IR_OP_nop && !covered[i]) {
            ck_abort_msg("corpus lacks op %s", ir_op_defs[i].name);
        }
    }
    if (!ir_verify(C, msg, sizeof(msg))) {
        ck_abort_msg("corpus does not verify: %s", msg);
    }

    /* parse -> print -> parse -> print is a fixed point. */
    ir_reset(C);
    parse_ok(once);
    char *twice = print_str();
    ck_assert_str_eq(twice, once);
    free(once);
    free(twice);
}
END_TEST

/* The parser is lenient about spacing, comments and number spelling. */
START_TEST(test_parse_lenient)
{
    parse_ok("# a comment line\n"
             "\n"
             "\t t7 =add.i64   rax ,$0x5   # trailing comment\n"
             "t3=sub.i32 cc_op,$-0x1\n"
             "  t9 = mov.i64 $-4097\n"
             "  t2 = mov.i64 $18446744073709551615\n"
             "  t1 = mov.i32 $4294967295\n"
             "  t1 = mov.i32 $-2147483648\n"
             "  t5 = guest_ld.i32 t7, [ u32  atom ], mmu3\n"
             "  guest_st.i32 t5, t7, [ u16 tso ], mmu0\n"
             "  mb stst | ldld\n"
             "  l9 = call helper_add3( env ,t7,t3 )\n"
             "  brcond.i64 l9, $0, eq, L8\n"
             "L8 :\n"
             "  exit_tb $-1\r\n");
    char *got = print_str();
    ck_assert_str_eq(got,
                     "  t0 = add.i64 rax, $5\n"
                     "  t1 = sub.i32 cc_op, $-1\n"
                     "  t2 = mov.i64 $0xffffffffffffefff\n"
                     "  t3 = mov.i64 $-1\n"
                     "  t4 = mov.i32 $-1\n"
                     "  t4 = mov.i32 $0x80000000\n"
                     "  t5 = guest_ld.i32 t0, [u32 atom], mmu3\n"
                     "  guest_st.i32 t5, t0, [u16 tso], mmu0\n"
                     "  mb ldld|stst\n"
                     "  l0 = call helper_add3(env, t0, t1)\n"
                     "  brcond.i64 l0, $0, eq, L0\n"
                     "L0:\n"
                     "  exit_tb $-1\n");
    free(got);
    ck_assert(C->labels[0].present);
    ck_assert_uint_eq(C->labels[0].refs, 1);
    /* New temps take the type the op requires of them. */
    IrOp *op = ir_first_op(C);
    ck_assert_uint_eq(ir_temp(C, op->args[0])->type, IR_I64);
    op = ir_next_op(C, op);
    ck_assert_uint_eq(ir_temp(C, op->args[0])->type, IR_I32);
}
END_TEST

START_TEST(test_parse_empty)
{
    parse_ok("");
    parse_ok("\n\n# nothing\n   \n");
    ck_assert_ptr_null(ir_first_op(C));
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Malformed input                                                         */

static const struct BadCase {
    const char *text;
    unsigned line, col;
    const char *msg;          /* must appear in the error message */
} bad_cases[] = {
    { "  t0 = frob.i64 rax\n", 1, 8, "unknown op 'frob'" },
    { "  t0 = mov.i64 rax\n# ok\n\n  t1 = bogus t0\n", 4, 8, "unknown op 'bogus'" },
    { "  nop\n", 1, 3, "unknown op 'nop'" },
    /* argument counts */
    { "  t0 = add.i64 rax\n", 1, 19, "too few arguments for add" },
    { "  t0 = add.i64 rax, rbx, rcx\n", 1, 24, "too many arguments for add" },
    { "  t0, t1 = add.i64 rax, rbx\n", 1, 3, "add has 1 output(s), found 2" },
    { "  add.i64 rax, rbx\n", 1, 3, "add has 1 output(s), found 0" },
    { "  t0 = lookup_tb t1\n", 1, 18, "too many arguments for lookup_tb" },
    { "  t0 = extract.i64 rax, 8\n", 1, 26, "too few arguments for extract" },
    { "  t0 = call helper_add3(env, rax)\n", 1, 13, "helper_add3 takes 3 arguments, found 2" },
    { "  call helper_add3(env, rax, cc_op)\n", 1, 3, "helper_add3 has 1 output(s), found 0" },
    { "  call helper_nope(env)\n", 1, 8, "unknown helper 'helper_nope'" },
    { "  call helper_void1(rax\n", 1, 24, "expected ')'" },
    /* type suffixes */
    { "  t0 = add.i16 rax, rbx\n", 1, 12, "bad type suffix 'i16'" },
    { "  t0 = add.v128 rax, rbx\n", 1, 12, "add does not take type v128" },
    { "  t0 = vec_and.i64 rax, rbx\n", 1, 16, "vec_and does not take type i64" },
    { "  t0 = add rax, rbx\n", 1, 11, "add needs a type suffix" },
    { "  br.i64 L0\n", 1, 5, "br takes no type suffix" },
    { "  t0 = mov.i64 cc_op\n", 1, 16, "'cc_op' has type i32, expected i64" },
    { "  t0 = mov.i32 cc_op\n  t1 = add.i64 t0, $1\n", 2, 16, "'t0' has type i32" },
    /* constants */
    { "  cc_op = add.i32 cc_op, $0x100000000\n", 1, 27, "out of range for 32 bits" },
    { "  cc_op = add.i32 cc_op, $-2147483649\n", 1, 27, "out of range for 32 bits" },
    { "  rax = add.i64 rax, $18446744073709551616\n", 1, 23, "more than 64 bits" },
    { "  rax = add.i64 rax, $-0x8000000000000001\n", 1, 23, "out of range for 64 bits" },
    { "  rax = add.i64 rax, $12a\n", 1, 23, "bad number '12a'" },
    { "  rax = add.i64 rax, $\n", 1, 23, "expected a number after '$'" },
    { "  t0 = ld.i64 env, 2147483648, [u64]\n", 1, 20, "out of range for 32 bits" },
    { "  $1 = mov.i64 rax\n", 1, 3, "an output cannot be a constant" },
    { "  t0 = mov.v128 $1\n", 1, 17, "a constant cannot have type v128" },
    /* names */
    { "  t0 = add.i64 rdx, $1\n", 1, 16, "unknown temp or global 'rdx'" },
    { "  t0 = add.i64 tx, $1\n", 1, 16, "unknown temp or global 'tx'" },
    { "  br X1\n", 1, 6, "expected a label LN, found 'X1'" },
    { "  t0 = setcond.i64 rax, rbx, less\n", 1, 30, "expected a condition, found 'less'" },
    { "  t0 = guest_ld.i64 rax, [u64], mmu16\n", 1, 33, "mmu0..mmu15" },
    { "  t0 = dup.v128 rax, e128\n", 1, 22, "element size" },
    { "  mb ldld|ldld\n", 1, 11, "repeated barrier 'ldld'" },
    { "  mb ldld|sync\n", 1, 11, "unknown barrier 'sync'" },
    /* memops */
    { "  t0 = ld.i64 env, 0, [u24]\n", 1, 24, "bad memop size 'u24'" },
    { "  t0 = ld.i64 env, 0, [u32 le]\n", 1, 28, "unknown memop word 'le'" },
    { "  t0 = ld.i64 env, 0, [u32 be be]\n", 1, 31, "repeated memop word 'be'" },
    { "  t0 = ld.i64 env, 0, [u32 be\n", 1, 23, "unterminated '['" },
    { "  t0 = ld.i64 env, 0, [u32 be", 1, 23, "unterminated '['" },
    { "  t0 = ld.i64 env, 0, u32\n", 1, 23, "expected a memop '['" },
    /* garbage and punctuation */
    { "  t0 = add.i64 rax, @rbx\n", 1, 21, "unexpected character '@'" },
    { "  t0 = add.i64 rax, \x01\n", 1, 21, "unexpected byte 0x01" },
    { "  t0 = add.i64 rax $5\n", 1, 20, "expected ','" },
    { "  t0 add.i64 rax, $5\n", 1, 3, "unknown op 't0'" },
    { "  t0 = \n", 1, 8, "expected an op name, found end of line" },
    { "L1: br L1\n", 1, 5, "end of line after a label" },
    { "  t0 = mov.i64 rax ]\n", 1, 20, "expected end of line" },
};

START_TEST(test_parse_errors)
{
    const struct BadCase *bc = &bad_cases[_i];
    IrParseError err;

    ir_reset(C);
    memset(&err, 0, sizeof(err));
    if (ir_parse(C, bc->text, &err)) {
        ck_abort_msg("case %d parsed: %s", _i, bc->text);
    }
    if (err.line != bc->line || err.col != bc->col || !strstr(err.msg, bc->msg)) {
        ck_abort_msg("case %d: got %u:%u \"%s\", want %u:%u \"%s\"", _i, err.line, err.col,
                     err.msg, bc->line, bc->col, bc->msg);
    }
}
END_TEST

static char *repeat(const char *prefix, const char *unit, size_t n, const char *suffix)
{
    GString *s = g_string_new(prefix);
    for (size_t i = 0; i < n; i++) {
        g_string_append(s, unit);
    }
    g_string_append(s, suffix);
    return g_string_free(s, FALSE);
}

START_TEST(test_parse_long_lines)
{
    IrParseError err;
    char *t;

    /* A 10 KB name. */
    t = repeat("  t0 = add.i64 rax, ", "x", 10000, "\n");
    ck_assert(!ir_parse(C, t, &err));
    ck_assert_uint_eq(err.line, 1);
    ck_assert_uint_eq(err.col, 21);
    ck_assert_ptr_nonnull(strstr(err.msg, "name too long"));
    g_free(t);

    /* 10 KB of arguments. */
    t = repeat("  cc_op = add.i32 cc_op, $1", ", $1", 2500, "\n");
    ck_assert(!ir_parse(C, t, &err));
    ck_assert_uint_eq(err.col, 28);
    ck_assert_ptr_nonnull(strstr(err.msg, "too many arguments"));
    g_free(t);

    /* 10 KB of blanks then an error: the column counts them all. */
    t = repeat("  rax = mov.i64 rbx\n", " ", 10000, "frob\n");
    ck_assert(!ir_parse(C, t, &err));
    ck_assert_uint_eq(err.line, 2);
    ck_assert_uint_eq(err.col, 10001);
    g_free(t);

    /* 10 KB comment: fine. */
    t = repeat("  rax = mov.i64 rbx # ", "#x", 5000, "\n");
    ck_assert(ir_parse(C, t, &err));
    g_free(t);

    /* A 10 KB memop that never closes. */
    t = repeat("  t1 = ld.i64 env, 0, [u8 be", " ", 10000, "");
    ck_assert(!ir_parse(C, t, &err));
    ck_assert_uint_eq(err.col, 23);
    g_free(t);
}
END_TEST

/* Every prefix and many byte mutations of the corpus: no crash, no hang. */
START_TEST(test_parse_robust)
{
    size_t n = strlen(ir_test_corpus);
    char *buf = g_malloc(n + 1);
    IrParseError err;
    char msg[256];
    unsigned ok = 0, bad = 0;

    for (size_t len = 0; len <= n; len += 7) {
        memcpy(buf, ir_test_corpus, len);
        buf[len] = '\0';
        ir_reset(C);
        if (ir_parse(C, buf, &err)) {
            ok++;
            ir_verify(C, msg, sizeof(msg));
        } else {
            bad++;
            ck_assert_uint_ge(err.line, 1);
            ck_assert_uint_ge(err.col, 1);
        }
    }
    static const char junk[] = "$,[]=:|#.-x09 \n\t\x80\x01Lltmu";
    uint32_t seed = 12345;
    for (int iter = 0; iter < 3000; iter++) {
        memcpy(buf, ir_test_corpus, n + 1);
        for (int k = 0; k < 3; k++) {
            seed = seed * 1103515245u + 12345u;
            size_t pos = (seed >> 8) % n;
            seed = seed * 1103515245u + 12345u;
            buf[pos] = junk[(seed >> 8) % (sizeof(junk) - 1)];
        }
        ir_reset(C);
        if (ir_parse(C, buf, &err)) {
            ok++;
            ir_verify(C, msg, sizeof(msg));
        } else {
            bad++;
        }
    }
    ck_assert_uint_gt(ok, 0);
    ck_assert_uint_gt(bad, 0);
    g_free(buf);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("ir-text");
    TCase *tc = tcase_create("text");
    SRunner *sr;
    int failed;

    test_helpers_register();
    /* test_parse_robust takes ~0.1 s natively but ~1.7 s under qemu-aarch64
     * (cross build): the default 4 s leaves no room on a loaded machine. */
    tcase_set_timeout(tc, 30);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_print_every_op);
    tcase_add_test(tc, test_print_consts);
    tcase_add_test(tc, test_memop_format);
    tcase_add_test(tc, test_roundtrip_corpus);
    tcase_add_test(tc, test_parse_lenient);
    tcase_add_test(tc, test_parse_empty);
    tcase_add_loop_test(tc, test_parse_errors, 0, sizeof(bad_cases) / sizeof(bad_cases[0]));
    tcase_add_test(tc, test_parse_long_lines);
    tcase_add_test(tc, test_parse_robust);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
