/*
 * test-debug-ports.c — isa-debug-exit (status (v << 1) | 1, iosize 1/2/4),
 * the 0xE9 debug console (output, readback 0xE9) and port 0x80 (codes
 * kept, reads 0xFF), all through the I/O space. Values as QEMU documents
 * these devices.
 */
#include <check.h>
#include <string.h>

#include "hw/debug-exit.h"
#include "hw/debugcon.h"
#include "hw/port80.h"
#include "tests/system/devtest.h"
#include "tests/system/systest.h"

static uint64_t exit_status;
static int exit_calls;
static char con[32];
static int con_len;

static void on_exit_req(void *opaque, uint64_t status)
{
    exit_status = status;
    exit_calls++;
}

static void con_sink(void *opaque, const uint8_t *buf, int len)
{
    for (int i = 0; i < len && con_len < (int)sizeof(con) - 1; i++) {
        con[con_len++] = buf[i];
    }
}

static void setup(void)
{
    exit_status = 0;
    exit_calls = 0;
    con_len = 0;
    memset(con, 0, sizeof(con));
    devtest_io_init();
}

static void teardown(void)
{
    devtest_io_fini();
}

START_TEST(debug_exit_byte)
{
    static DebugExit d;

    debug_exit_init(&d, 1, on_exit_req, NULL);
    devtest_map(&d.io, DEBUG_EXIT_DEFAULT_IOBASE);
    outb(0x501, 0x00);
    ck_assert_int_eq(exit_calls, 1);
    ck_assert_uint_eq(exit_status, 1);
    outb(0x501, 0x10);
    ck_assert_uint_eq(exit_status, 0x21);
    /* One byte wide: the next port is not part of it. */
    uint64_t v;
    ck_assert_int_eq(sys_as_read(devtest_io.as, 0x502, 1, &v),
                     SYS_MEM_UNASSIGNED);
}
END_TEST

START_TEST(debug_exit_dword)
{
    static DebugExit d;

    debug_exit_init(&d, 4, on_exit_req, NULL);
    devtest_map(&d.io, 0xf4);
    devtest_out(0xf4, 4, 0x31);
    ck_assert_uint_eq(exit_status, 0x63);
    devtest_out(0xf4, 2, 0x1234);
    ck_assert_uint_eq(exit_status, 0x2469);
    ck_assert_int_eq(exit_calls, 2);
}
END_TEST

START_TEST(debugcon_output)
{
    static Debugcon d;

    debugcon_init(&d, con_sink, NULL);
    devtest_map(&d.io, DEBUGCON_PORT);
    ck_assert_uint_eq(inb(0xe9), 0xe9);
    for (const char *p = "ok\n"; *p; p++) {
        outb(0xe9, *p);
    }
    ck_assert_str_eq(con, "ok\n");
}
END_TEST

START_TEST(port80_codes)
{
    static Port80 p;

    port80_init(&p);
    devtest_map(&p.io, 0x80);
    outb(0x80, 0x55);
    ck_assert_uint_eq(p.last_code, 0x55);
    ck_assert_uint_eq(inb(0x80), 0xff);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("debug-ports");
    TCase *tc = tcase_create("ports");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, debug_exit_byte);
    tcase_add_test(tc, debug_exit_dword);
    tcase_add_test(tc, debugcon_output);
    tcase_add_test(tc, port80_codes);
    suite_add_tcase(s, tc);
    return systest_run(s);
}
