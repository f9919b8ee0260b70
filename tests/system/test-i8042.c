/*
 * test-i8042.c — the PS/2 controller's system functions through 0x60/0x64
 * (IBM AT technical reference values): self-test 0x55, command byte
 * read/write and the SYS flag, the output port (0xD0/0xD1) with A20 and
 * reset, the 0xFE reset pulse, 0xDD/0xDF A20, IRQ1 on output, and the
 * keyboard's reset and identify replies.
 */
#include <check.h>
#include <string.h>

#include "hw/i8042.h"
#include "tests/system/devtest.h"
#include "tests/system/systest.h"

static I8042 kbc;
static IrqProbe irq1, irq12;
static int resets, a20_calls;
static bool a20;

static void on_reset(void *opaque)
{
    resets++;
}

static void on_a20(void *opaque, bool enabled)
{
    a20 = enabled;
    a20_calls++;
}

static void setup(void)
{
    memset(&irq1, 0, sizeof(irq1));
    memset(&irq12, 0, sizeof(irq12));
    resets = a20_calls = 0;
    a20 = true;
    devtest_io_init();
    i8042_init(&kbc, irq_probe_line(&irq1), irq_probe_line(&irq12), on_reset,
               on_a20, NULL);
    devtest_map(&kbc.io_data, 0x60);
    devtest_map(&kbc.io_cmd, 0x64);
}

static void teardown(void)
{
    devtest_io_fini();
}

START_TEST(self_test_and_command_byte)
{
    ck_assert_uint_eq(inb(0x64) & 0x05, 0x00);      /* no OBF, no SYS */
    outb(0x64, 0xaa);
    ck_assert_uint_eq(inb(0x64) & 0x05, 0x05);      /* OBF, SYS */
    ck_assert_int_eq(irq1.level, 1);
    ck_assert_uint_eq(inb(0x60), 0x55);
    ck_assert_uint_eq(inb(0x64) & 0x01, 0x00);
    ck_assert_int_eq(irq1.level, 0);
    outb(0x64, 0x60);
    ck_assert_uint_eq(inb(0x64) & 0x08, 0x08);      /* last write: command */
    outb(0x60, 0x65);                               /* XLATE, SYS, INT */
    ck_assert_uint_eq(inb(0x64) & 0x08, 0x00);      /* last write: data */
    outb(0x64, 0x20);
    ck_assert_uint_eq(inb(0x60), 0x65);
    outb(0x64, 0x60);
    outb(0x60, 0x64);                               /* IRQ1 off */
    outb(0x64, 0xab);
    ck_assert_uint_eq(inb(0x64) & 0x01, 0x01);
    ck_assert_int_eq(irq1.level, 0);
    ck_assert_uint_eq(inb(0x60), 0x00);             /* interface OK */
}
END_TEST

START_TEST(a20_gate)
{
    outb(0x64, 0xd0);
    ck_assert_uint_eq(inb(0x60) & 0x03, 0x03);      /* reset off, A20 on */
    outb(0x64, 0xd1);
    outb(0x60, 0xdd);                               /* A20 off */
    ck_assert_int_eq(a20_calls, 1);
    ck_assert(!a20);
    sys_bql_lock();
    ck_assert(!i8042_a20_enabled(&kbc));
    sys_bql_unlock();
    outb(0x64, 0xd0);
    ck_assert_uint_eq(inb(0x60) & 0x03, 0x01);
    outb(0x64, 0xd1);
    outb(0x60, 0xdf);                               /* A20 on */
    ck_assert(a20);
    outb(0x64, 0xdd);
    ck_assert(!a20);
    outb(0x64, 0xdf);
    ck_assert(a20);
    ck_assert_int_eq(a20_calls, 4);
    ck_assert_int_eq(resets, 0);
}
END_TEST

START_TEST(reset_pulse)
{
    outb(0x64, 0xff);                               /* pulse nothing */
    ck_assert_int_eq(resets, 0);
    outb(0x64, 0xfe);
    ck_assert_int_eq(resets, 1);
    outb(0x64, 0xd1);
    outb(0x60, 0x02);                               /* bit 0 low: reset */
    ck_assert_int_eq(resets, 2);
    outb(0x64, 0xd0);
    ck_assert_uint_eq(inb(0x60) & 0x01, 0x01);      /* pulse ended */
}
END_TEST

START_TEST(keyboard_replies)
{
    outb(0x60, 0xff);
    ck_assert_uint_eq(inb(0x60), 0xfa);
    ck_assert_uint_eq(inb(0x60), 0xaa);
    outb(0x60, 0xf2);
    ck_assert_uint_eq(inb(0x60), 0xfa);
    ck_assert_uint_eq(inb(0x60), 0xab);
    ck_assert_uint_eq(inb(0x60), 0x83);
    outb(0x60, 0xed);
    ck_assert_uint_eq(inb(0x60), 0xfa);
    outb(0x60, 0x07);                               /* LED argument */
    ck_assert_uint_eq(inb(0x60), 0xfa);
    outb(0x64, 0xd3);                               /* fake aux byte */
    outb(0x60, 0x42);
    ck_assert_uint_eq(inb(0x64) & 0x21, 0x21);
    ck_assert_int_eq(irq12.level, 1);
    ck_assert_uint_eq(inb(0x60), 0x42);
    ck_assert_int_eq(irq12.level, 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("i8042");
    TCase *tc = tcase_create("kbc");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, self_test_and_command_byte);
    tcase_add_test(tc, a20_gate);
    tcase_add_test(tc, reset_pulse);
    tcase_add_test(tc, keyboard_replies);
    suite_add_tcase(s, tc);
    return systest_run(s);
}
