/*
 * test-i8254.c — the 8254 against virtual time, through ports 0x40-0x43 and
 * 0x61. Expected values come from the datasheet (Intel 8254, 231164) and
 * the PC input clock of 1.193182 MHz: mode 0 OUT rises after N clocks,
 * mode 2 is low for one clock every N, mode 3 is a square wave counting
 * down by two, latch/read-back/BCD rules, port 0x61 bits.
 */
#include <check.h>
#include <string.h>

#include "hw/i8254.h"
#include "tests/system/devtest.h"
#include "tests/system/systest.h"

static PitState pit;
static SysClock *clk;
static IrqProbe irq0;

/* First nanosecond at which @ticks clocks of 1193182 Hz have elapsed. */
static int64_t ns_for_ticks(double ticks)
{
    return (int64_t)(ticks * 1e9 / 1193182.0) + 1;
}

/* Move the clock to @ticks clocks (plus a fraction) after the start. */
static void at_ticks(double ticks)
{
    int64_t target = ns_for_ticks(ticks);

    sys_bql_lock();
    ck_assert_int_ge(target, sys_clock_ns(clk));
    sys_clock_advance(clk, target - sys_clock_ns(clk));
    sys_bql_unlock();
}

static uint16_t read_word(uint16_t port)
{
    uint8_t lo = inb(port);

    return lo | inb(port) << 8;
}

static void setup(void)
{
    memset(&irq0, 0, sizeof(irq0));
    devtest_io_init();
    clk = sys_clock_new_manual(0);
    pit_init(&pit, clk, irq_probe_line(&irq0));
    devtest_map(&pit.io, 0x40);
    devtest_map(&pit.io_speaker, 0x61);
    sys_bql_lock();
    pit_reset(&pit);                    /* as the machine does after init */
    sys_bql_unlock();
    ck_assert_int_eq(irq0.level, 1);    /* mode 3 idles with OUT high */
    irq0.rises = 0;
}

static void teardown(void)
{
    sys_bql_lock();
    pit_reset(&pit);            /* drops pending timers */
    sys_bql_unlock();
    devtest_io_fini();
    sys_clock_free(clk);
}

START_TEST(mode0_terminal_count)
{
    outb(0x43, 0x30);                   /* ch0, LSB then MSB, mode 0 */
    ck_assert_int_eq(irq0.level, 0);    /* OUT low after the control word */
    outb(0x40, 1000 & 0xff);
    outb(0x40, 1000 >> 8);
    at_ticks(500.5);
    outb(0x43, 0x00);                   /* latch ch0 */
    ck_assert_uint_eq(read_word(0x40), 500);
    at_ticks(999.5);
    ck_assert_int_eq(irq0.level, 0);
    at_ticks(1000.5);
    ck_assert_int_eq(irq0.level, 1);
    ck_assert_int_eq(irq0.rises, 1);
    at_ticks(5000.5);                   /* stays high; count wraps on */
    ck_assert_int_eq(irq0.rises, 1);
    ck_assert_uint_eq(read_word(0x40), (uint16_t)(1000 - 5000));
}
END_TEST

START_TEST(mode2_rate_generator)
{
    outb(0x43, 0x34);                   /* ch0, LSB then MSB, mode 2 */
    outb(0x40, 100);
    outb(0x40, 0);
    ck_assert_int_eq(irq0.level, 1);
    at_ticks(30.5);
    ck_assert_uint_eq(read_word(0x40), 70);
    at_ticks(99.5);                     /* count 1: OUT low for one clock */
    ck_assert_int_eq(irq0.level, 0);
    at_ticks(100.5);                    /* reload: OUT high again */
    ck_assert_int_eq(irq0.level, 1);
    ck_assert_uint_eq(read_word(0x40), 100);
    ck_assert_int_eq(irq0.rises, 1);
    at_ticks(1000.5);                   /* one rising edge per 100 clocks */
    ck_assert_int_eq(irq0.rises, 10);
}
END_TEST

START_TEST(mode3_square_wave_on_ch2)
{
    outb(0x61, 0x00);                   /* gate 2 low */
    outb(0x43, 0xb6);                   /* ch2, LSB then MSB, mode 3 */
    outb(0x42, 1000 & 0xff);
    outb(0x42, 1000 >> 8);
    outb(0x61, 0x01);                   /* gate rising: counting starts */
    at_ticks(100.5);
    ck_assert_uint_eq(inb(0x61) & 0x20, 0x20);
    outb(0x43, 0x80);                   /* latch ch2 */
    ck_assert_uint_eq(read_word(0x42), 1000 - 2 * 100);
    at_ticks(499.5);
    ck_assert_uint_eq(inb(0x61) & 0x20, 0x20);
    at_ticks(500.5);                    /* second half: low */
    ck_assert_uint_eq(inb(0x61) & 0x20, 0x00);
    at_ticks(999.5);
    ck_assert_uint_eq(inb(0x61) & 0x20, 0x00);
    at_ticks(1000.5);
    ck_assert_uint_eq(inb(0x61) & 0x21, 0x21);
    outb(0x61, 0x00);                   /* gate low: OUT goes high */
    at_ticks(1600.5);
    ck_assert_uint_eq(inb(0x61) & 0x20, 0x20);
}
END_TEST

START_TEST(mode3_odd_count_irq)
{
    /* Odd N: high for (N+1)/2 clocks, low for (N-1)/2. */
    outb(0x43, 0x36);
    outb(0x40, 5);
    outb(0x40, 0);
    at_ticks(2.5);
    ck_assert_int_eq(irq0.level, 1);
    at_ticks(3.5);
    ck_assert_int_eq(irq0.level, 0);
    at_ticks(4.5);
    ck_assert_int_eq(irq0.level, 0);
    at_ticks(5.5);
    ck_assert_int_eq(irq0.level, 1);
    at_ticks(50.5);
    ck_assert_int_eq(irq0.rises, 10);
}
END_TEST

START_TEST(latch_and_read_back)
{
    outb(0x43, 0x34);
    outb(0x40, 0x00);
    outb(0x40, 0x10);                   /* 0x1000 */
    at_ticks(16.5);
    outb(0x43, 0x00);                   /* latch: 0x1000 - 16 */
    at_ticks(200.5);
    outb(0x43, 0x00);                   /* ignored until read */
    ck_assert_uint_eq(read_word(0x40), 0x1000 - 16);
    /* Read-back, status only, ch0: OUT=1, null=0, RW=11, mode 2. */
    outb(0x43, 0xe2);
    ck_assert_uint_eq(inb(0x40), 0xb4);
    /* Read-back of both: status first, then the count. */
    outb(0x43, 0xc2);
    ck_assert_uint_eq(inb(0x40), 0xb4);
    ck_assert_uint_eq(read_word(0x40), 0x1000 - 200);
    /* A new control word sets null count until the count is written. */
    outb(0x43, 0x30);
    outb(0x43, 0xe2);
    ck_assert_uint_eq(inb(0x40), 0x70); /* OUT=0, null=1, RW=11, mode 0 */
}
END_TEST

START_TEST(mode0_gate_suspends)
{
    /* Mode 0: GATE low disables counting, high resumes it. */
    outb(0x61, 0x01);
    outb(0x43, 0xb0);                   /* ch2, LSB then MSB, mode 0 */
    outb(0x42, 1000 & 0xff);
    outb(0x42, 1000 >> 8);
    at_ticks(300.5);
    outb(0x61, 0x00);                   /* gate low at 300 */
    at_ticks(800.5);
    outb(0x43, 0x80);
    ck_assert_uint_eq(read_word(0x42), 700);
    ck_assert_uint_eq(inb(0x61) & 0x20, 0x00);
    outb(0x61, 0x01);                   /* resume at 800: 700 to go */
    at_ticks(1499.0);
    ck_assert_uint_eq(inb(0x61) & 0x20, 0x00);
    at_ticks(1501.0);
    ck_assert_uint_eq(inb(0x61) & 0x20, 0x20);
}
END_TEST

START_TEST(mode4_strobe)
{
    /* Mode 4: OUT high, low for one clock when the count reaches 0. */
    outb(0x43, 0x38);                   /* ch0, LSB then MSB, mode 4 */
    outb(0x40, 50);
    outb(0x40, 0);
    ck_assert_int_eq(irq0.level, 1);
    at_ticks(49.5);
    ck_assert_int_eq(irq0.level, 1);
    at_ticks(50.5);
    ck_assert_int_eq(irq0.level, 0);
    at_ticks(51.5);
    ck_assert_int_eq(irq0.level, 1);
    at_ticks(500.5);
    ck_assert_int_eq(irq0.rises, 1);    /* one strobe, no reload */
}
END_TEST

START_TEST(mode1_gate_one_shot)
{
    /* Mode 1 on ch2: OUT goes low at the gate trigger, high N clocks
     * later; a new trigger restarts it. */
    outb(0x61, 0x00);
    outb(0x43, 0xb2);                   /* ch2, LSB then MSB, mode 1 */
    outb(0x42, 100);
    outb(0x42, 0);
    at_ticks(10.5);
    ck_assert_uint_eq(inb(0x61) & 0x20, 0x20);  /* waits for a trigger */
    outb(0x61, 0x01);                   /* trigger at ~10 */
    ck_assert_uint_eq(inb(0x61) & 0x20, 0x00);
    at_ticks(109.0);
    ck_assert_uint_eq(inb(0x61) & 0x20, 0x00);
    at_ticks(111.0);
    ck_assert_uint_eq(inb(0x61) & 0x20, 0x20);
    outb(0x61, 0x00);
    outb(0x61, 0x01);                   /* retrigger at ~111 */
    ck_assert_uint_eq(inb(0x61) & 0x20, 0x00);
    at_ticks(212.0);
    ck_assert_uint_eq(inb(0x61) & 0x20, 0x20);
}
END_TEST

START_TEST(bcd_and_lsb_only)
{
    outb(0x43, 0x31);                   /* mode 0, BCD */
    outb(0x40, 0x34);
    outb(0x40, 0x12);                   /* 1234 decimal */
    at_ticks(34.5);
    outb(0x43, 0x00);
    ck_assert_uint_eq(read_word(0x40), 0x1200);
    outb(0x43, 0x50);                   /* ch1, LSB only, mode 0 */
    outb(0x41, 50);
    at_ticks(44.5);                     /* 10 clocks later */
    ck_assert_uint_eq(inb(0x41), 40);
    ck_assert_uint_eq(inb(0x41), 40);   /* LSB mode: no byte toggle */
}
END_TEST

START_TEST(port61_bits)
{
    ck_assert_uint_eq(inb(0x61) & 0x13, 0x00);  /* refresh low at t=0 */
    outb(0x61, 0x03);
    ck_assert_uint_eq(inb(0x61) & 0x03, 0x03);
    sys_bql_lock();
    sys_clock_advance(clk, 15085);      /* refresh toggles each 15.085us */
    sys_bql_unlock();
    ck_assert_uint_eq(inb(0x61) & 0x10, 0x10);
    sys_bql_lock();
    sys_clock_advance(clk, 15085);
    sys_bql_unlock();
    ck_assert_uint_eq(inb(0x61) & 0x10, 0x00);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("i8254");
    TCase *tc = tcase_create("pit");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, mode0_terminal_count);
    tcase_add_test(tc, mode2_rate_generator);
    tcase_add_test(tc, mode3_square_wave_on_ch2);
    tcase_add_test(tc, mode3_odd_count_irq);
    tcase_add_test(tc, latch_and_read_back);
    tcase_add_test(tc, mode0_gate_suspends);
    tcase_add_test(tc, bcd_and_lsb_only);
    tcase_add_test(tc, mode4_strobe);
    tcase_add_test(tc, mode1_gate_one_shot);
    tcase_add_test(tc, port61_bits);
    suite_add_tcase(s, tc);
    return systest_run(s);
}
