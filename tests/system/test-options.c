/*
 * test-options.c — the command-line parser on its own: sizes with and
 * without suffixes (values written out in bytes here), -smp forms, the
 * defaults QEMU documents (128 MiB, one CPU), -nographic's serial on
 * stdio, repeated options, and the messages for impossible values.
 */
#include <check.h>
#include <stdarg.h>
#include <string.h>

#include "system/options.h"

#define MiB (UINT64_C(1) << 20)
#define GiB (UINT64_C(1) << 30)

static bool parse(SysOptions *o, GError **err, ...)
{
    const char *argv[32] = { "ferry-system-x86_64" };
    int argc = 1;
    va_list ap;
    const char *a;

    va_start(ap, err);
    while ((a = va_arg(ap, const char *))) {
        argv[argc++] = a;
    }
    va_end(ap);
    return sys_options_parse(o, argc, (char **)argv, err);
}

START_TEST(test_defaults)
{
    SysOptions o;

    ck_assert(parse(&o, NULL, NULL));
    ck_assert_uint_eq(o.ram_bytes, 128 * MiB);
    ck_assert_int_eq(o.smp, 1);
    ck_assert_str_eq(o.accel, "null");
    ck_assert_uint_eq(o.serial->len, 0);
    ck_assert(!o.start_stopped && !o.no_reboot && !o.monitor);
    sys_options_free(&o);
}
END_TEST

START_TEST(test_sizes)
{
    static const struct { const char *in; uint64_t bytes; } cases[] = {
        { "512", 512 * MiB }, { "512M", 512 * MiB }, { "512m", 512 * MiB },
        { "2G", 2 * GiB }, { "size=1G", GiB }, { "1.5G", 3 * GiB / 2 },
        { "65536K", 64 * MiB }, { "4096B", 4096 },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        uint64_t b = 0;

        ck_assert_msg(sys_options_parse_size(cases[i].in, &b, NULL), "%s",
                      cases[i].in);
        ck_assert_uint_eq(b, cases[i].bytes);
    }
    for (const char *const *bad = (const char *const[]){ "", "M", "-1",
             "12Q", "1GG", "size=", "9999999999999T", NULL }; *bad; bad++) {
        uint64_t b;
        GError *err = NULL;

        ck_assert_msg(!sys_options_parse_size(*bad, &b, &err), "%s", *bad);
        ck_assert(err);
        g_error_free(err);
    }
}
END_TEST

START_TEST(test_forms)
{
    SysOptions o;

    ck_assert(parse(&o, NULL, "--smp", "cpus=4", "-m", "1G", "-S",
                    "-no-reboot", "-nographic", "-qmp", "unix:/tmp/a,server",
                    "-qmp", "unix:/tmp/b,server,nowait", "-device", "x,y=1",
                    "-accel", "null", "-monitor", "none", NULL));
    ck_assert_int_eq(o.smp, 4);
    ck_assert_uint_eq(o.ram_bytes, GiB);
    ck_assert(o.start_stopped && o.no_reboot && o.nographic);
    /* -nographic puts the first serial port on stdio. */
    ck_assert_uint_eq(o.serial->len, 1);
    ck_assert_str_eq(g_ptr_array_index(o.serial, 0), "stdio");
    ck_assert_uint_eq(o.qmp->len, 2);
    ck_assert_str_eq(g_ptr_array_index(o.devices, 0), "x,y=1");
    ck_assert_str_eq(o.monitor, "none");
    sys_options_free(&o);

    /* An explicit -serial wins over -nographic's default. */
    ck_assert(parse(&o, NULL, "-nographic", "-serial", "none", NULL));
    ck_assert_uint_eq(o.serial->len, 1);
    ck_assert_str_eq(g_ptr_array_index(o.serial, 0), "none");
    sys_options_free(&o);

    ck_assert(parse(&o, NULL, "-device", "help", NULL));
    ck_assert(o.device_help);
    sys_options_free(&o);

    ck_assert(parse(&o, NULL, "-accel", "kvm", NULL));
    ck_assert_str_eq(o.accel, "kvm");
    sys_options_free(&o);
}
END_TEST

START_TEST(test_errors)
{
    static const struct { const char *args[5]; const char *msg; } cases[] = {
        { { "-smp", "0" }, "-smp 0: the CPU count must be 1 to 255" },
        { { "-smp", "256" }, "-smp 256: the CPU count must be 1 to 255" },
        { { "-smp", "4,sockets=2" }, "-smp 4,sockets=2: only a CPU count "
                                     "(N or cpus=N) is supported" },
        { { "-smp", "four" }, "-smp four: 'four' is not a number" },
        { { "-m", "0" }, "-m: the guest needs some RAM (got 0)" },
        { { "-accel", "tcg" }, "-accel tcg: the TCG (JIT) accelerator is not "
                               "built into ferry yet (available: kvm, null)" },
        { { "-accel", "hax" }, "-accel hax: unknown accelerator (try "
                               "-accel help)" },
        { { "-initrd", "/dev/null" }, "-initrd is only allowed with -kernel" },
        { { "-serial", "1", "-serial", "2", "-serial" }, "-serial needs an "
                                                         "argument" },
        { { "kernel.bin" }, "kernel.bin: unknown option (try -h)" },
        { { "-debugcon", "stdio", "-monitor", "stdio" },
          "stdio is given to more "
          "than one of -serial, -monitor, -debugcon and -qmp (ferry has no "
          "multiplexer "
          "yet)" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        const char *const *a = cases[i].args;
        SysOptions o;
        GError *err = NULL;

        ck_assert_msg(!parse(&o, &err, a[0], a[1], a[2], a[3], a[4], NULL),
                      "case %zu accepted", i);
        ck_assert_str_eq(err->message, cases[i].msg);
        g_error_free(err);
        sys_options_free(&o);
    }
}
END_TEST

START_TEST(test_too_many_serial)
{
    SysOptions o;
    GError *err = NULL;

    ck_assert(!parse(&o, &err, "-serial", "none", "-serial", "none",
                     "-serial", "none", "-serial", "none", "-serial", "none",
                     NULL));
    ck_assert_str_eq(err->message, "-serial none: at most 4 serial ports");
    g_error_free(err);
    sys_options_free(&o);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("options");
    TCase *tc = tcase_create("options");
    SRunner *sr;
    int failed;

    tcase_add_test(tc, test_defaults);
    tcase_add_test(tc, test_sizes);
    tcase_add_test(tc, test_forms);
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_too_many_serial);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
