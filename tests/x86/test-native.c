/*
 * test-native.c — checks the oracle's native half against values from the
 * Intel SDM: the prologue/epilogue carry every register and flag through
 * unchanged, a few instructions give their documented results, faults are
 * caught with the state at the faulting instruction, and the random case
 * generator stays inside its buffers (no SIGSEGV, rbx intact).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "tests/x86/gen.h"
#include "tests/x86/native.h"

static XtState in;
static XtResult out;

static void setup(void)
{
    xt_state_init(&in);
    for (unsigned r = 0; r < 16; r++) {
        if (r != 3 && r != 4) {
            in.regs[r] = 0x1111111111111111ull * r;
        }
    }
    memset(&out, 0, sizeof(out));
}

#define RUN(...)                                                         \
    do {                                                                 \
        static const uint8_t code_[] = { __VA_ARGS__ };                  \
        xt_native_run(code_, sizeof(code_), &in, &out);                  \
    } while (0)

START_TEST(empty_round_trip)
{
    for (unsigned f = 0; f < 64; f++) {
        in.rflags = (f & 1 ? XT_CF : 0) | (f & 2 ? XT_PF : 0) | (f & 4 ? XT_AF : 0) |
                    (f & 8 ? XT_ZF : 0) | (f & 16 ? XT_SF : 0) | (f & 32 ? XT_OF : 0);
        xt_native_run(NULL, 0, &in, &out);
        ck_assert_int_eq(out.outcome, XT_DONE);
        ck_assert_mem_eq(out.st.regs, in.regs, sizeof(in.regs));
        ck_assert_uint_eq(out.st.rflags & (XT_OSZAPC | XT_DF), in.rflags);
    }
}
END_TEST

START_TEST(add_flags)
{
    in.regs[0] = 0x7fffffffffffffffull;
    in.regs[1] = 1;
    RUN(0x48, 0x01, 0xc8);                            /* add rax, rcx */
    ck_assert_int_eq(out.outcome, XT_DONE);
    ck_assert_uint_eq(out.st.regs[0], 0x8000000000000000ull);
    /* signed overflow, negative, AF from bit 3, even parity of 0x00 */
    ck_assert_uint_eq(out.st.rflags & XT_OSZAPC, XT_OF | XT_SF | XT_AF | XT_PF);
}
END_TEST

START_TEST(memory_and_stack)
{
    in.regs[0] = 0x0123456789abcdefull;
    RUN(0x48, 0x89, 0x43, 0x08,                       /* mov [rbx+8], rax */
        0x50,                                         /* push rax */
        0x5a);                                        /* pop rdx */
    ck_assert_int_eq(out.outcome, XT_DONE);
    uint64_t v;
    memcpy(&v, out.st.data + XT_DATA_SIZE / 2 + 8, 8);
    ck_assert_uint_eq(v, in.regs[0]);
    memcpy(&v, out.st.stack + XT_STACK_SIZE / 2 - 8, 8);
    ck_assert_uint_eq(v, in.regs[0]);
    ck_assert_uint_eq(out.st.regs[2], in.regs[0]);
    ck_assert_uint_eq(out.st.regs[4], XT_STACK_PTR);
}
END_TEST

START_TEST(faults)
{
    in.regs[1] = 0;
    RUN(0x48, 0xff, 0xc0,                             /* inc rax */
        0x48, 0xf7, 0xf1);                            /* div rcx: #DE */
    ck_assert_int_eq(out.outcome, XT_FAULT_DE);
    ck_assert_uint_eq(out.fault_off, 3);
    ck_assert_uint_eq(out.st.regs[0], in.regs[0] + 1);
    ck_assert_uint_eq(out.st.regs[4], XT_STACK_PTR);

    RUN(0x90, 0x0f, 0x0b);                            /* nop; ud2 */
    ck_assert_int_eq(out.outcome, XT_FAULT_UD);
    ck_assert_uint_eq(out.fault_off, 1);

    RUN(0xf0, 0x48, 0x01, 0xc8);                      /* lock add rax, rcx: #UD */
    ck_assert_int_eq(out.outcome, XT_FAULT_UD);

    /* the runner survives a fault and runs the next snippet normally */
    RUN(0x48, 0x31, 0xc0);                            /* xor rax, rax */
    ck_assert_int_eq(out.outcome, XT_DONE);
    ck_assert_uint_eq(out.st.regs[0], 0);
    ck_assert_uint_eq(out.st.rflags & (XT_ZF | XT_PF | XT_CF | XT_OF | XT_SF),
                      XT_ZF | XT_PF);
}
END_TEST

START_TEST(direction_flag)
{
    RUN(0xfd);                                        /* std */
    ck_assert_uint_eq(out.st.rflags & XT_DF, XT_DF);
    RUN(0xfc);                                        /* cld */
    ck_assert_uint_eq(out.st.rflags & XT_DF, 0);
}
END_TEST

/* Every family's random cases stay inside the buffers and are reproducible. */
START_TEST(generator_stays_inside)
{
    static XtCase c;
    static XtResult a, b2;
    unsigned faults = 0, cases = 0;

    for (const XtFamily *f = xt_families; f->name; f++) {
        XtRng rng = { 42 };
        bool faulty = strncmp(f->name, "fault", 5) == 0;   /* HLT: #GP on purpose */
        for (int i = 0; i < 400; i++) {
            xt_gen_case(f, &rng, &c);
            ck_assert_uint_gt(c.nb_insns, 0);
            xt_native_run(c.code, c.len, &c.init, &a);
            xt_native_run(c.code, c.len, &c.init, &b2);
            ck_assert_msg(faulty || a.outcome != XT_FAULT_SEGV, "family %s case %d: SIGSEGV at +%llu",
                          f->name, i, (unsigned long long)a.fault_off);
            ck_assert_uint_eq(a.st.regs[3], XT_DATA_PTR);
            ck_assert_int_eq(a.outcome, b2.outcome);
            ck_assert_mem_eq(a.st.regs, b2.st.regs, sizeof(a.st.regs));
            ck_assert(memcmp(a.st.data, b2.st.data, XT_DATA_SIZE) == 0);
            faults += !faulty && a.outcome != XT_DONE;
            cases += !faulty;
        }
    }
    /* #DE and LOCK #UD cases exist, but most cases complete. */
    ck_assert_uint_gt(faults, 0);
    ck_assert_uint_lt(faults, cases / 4);
}
END_TEST

int main(void)
{
    xt_arena_init();
    Suite *s = suite_create("x86-native");
    TCase *tc = tcase_create("native");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, empty_round_trip);
    tcase_add_test(tc, add_flags);
    tcase_add_test(tc, memory_and_stack);
    tcase_add_test(tc, faults);
    tcase_add_test(tc, direction_flag);
    tcase_add_test(tc, generator_stays_inside);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    /* No fork: the arena and the signal handlers belong to this process. */
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
