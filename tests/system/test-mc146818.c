/*
 * test-mc146818.c — the RTC/CMOS through ports 0x70/0x71 against virtual
 * time. Expected values from the MC146818A datasheet: BCD/binary and 12/24h
 * encodings (12 AM = 0x12, 1 PM = 0x81), day of week with Sunday = 1, UIP
 * 244 us before each update, SET halting updates, the first update 500 ms
 * after leaving divider reset, periodic rates (RS 6 = 976.5625 us), alarm
 * don't-care bytes (0xC0-0xFF), register C flags cleared by reading.
 */
#include <check.h>
#include <string.h>

#include "hw/mc146818.h"
#include "tests/system/devtest.h"
#include "tests/system/systest.h"

/* Thursday 2024-02-29 23:59:58 UTC. */
#define START_TIME INT64_C(1709251198)
#define MS INT64_C(1000000)

static RtcState rtc;
static SysClock *clk;
static IrqProbe irq8;

static uint8_t rd(uint8_t idx)
{
    outb(0x70, idx);
    return inb(0x71);
}

static void wr(uint8_t idx, uint8_t v)
{
    outb(0x70, idx);
    outb(0x71, v);
}

static void advance_ns(int64_t ns)
{
    sys_bql_lock();
    sys_clock_advance(clk, ns);
    sys_bql_unlock();
}

static void setup(void)
{
    memset(&irq8, 0, sizeof(irq8));
    devtest_io_init();
    clk = sys_clock_new_manual(0);
    rtc_init(&rtc, clk, irq_probe_line(&irq8), START_TIME);
    devtest_map(&rtc.io, 0x70);
}

static void teardown(void)
{
    wr(0x0b, 0x02);             /* interrupts off: timers disarmed */
    devtest_io_fini();
    sys_clock_free(clk);
}

START_TEST(time_registers_bcd_24h)
{
    ck_assert_uint_eq(rd(0x0a), 0x26);
    ck_assert_uint_eq(rd(0x0b), 0x02);
    ck_assert_uint_eq(rd(0x0d), 0x80);
    ck_assert_uint_eq(rd(0x00), 0x58);
    ck_assert_uint_eq(rd(0x02), 0x59);
    ck_assert_uint_eq(rd(0x04), 0x23);
    ck_assert_uint_eq(rd(0x06), 0x05);          /* Thursday */
    ck_assert_uint_eq(rd(0x07), 0x29);
    ck_assert_uint_eq(rd(0x08), 0x02);
    ck_assert_uint_eq(rd(0x09), 0x24);
    ck_assert_uint_eq(rd(0x32), 0x20);          /* century */
    advance_ns(2000 * MS);                      /* leap day rolls over */
    ck_assert_uint_eq(rd(0x00), 0x00);
    ck_assert_uint_eq(rd(0x04), 0x00);
    ck_assert_uint_eq(rd(0x06), 0x06);          /* Friday */
    ck_assert_uint_eq(rd(0x07), 0x01);
    ck_assert_uint_eq(rd(0x08), 0x03);
}
END_TEST

START_TEST(binary_and_12h)
{
    wr(0x0b, 0x06);                             /* binary, 24h */
    ck_assert_uint_eq(rd(0x00), 58);
    ck_assert_uint_eq(rd(0x04), 23);
    wr(0x0b, 0x00);                             /* BCD, 12h */
    ck_assert_uint_eq(rd(0x04), 0x91);          /* 11 PM */
    advance_ns(2000 * MS);
    ck_assert_uint_eq(rd(0x04), 0x12);          /* 12 AM */
    wr(0x04, 0x81);                             /* set 1 PM */
    wr(0x0b, 0x02);
    ck_assert_uint_eq(rd(0x04), 0x13);
    wr(0x0b, 0x04);                             /* binary, 12h */
    ck_assert_uint_eq(rd(0x04), 0x81);
    wr(0x04, 0x8c);                             /* 12 PM */
    wr(0x0b, 0x06);
    ck_assert_uint_eq(rd(0x04), 12);
}
END_TEST

START_TEST(uip_before_update)
{
    advance_ns(1000 * MS - 300000);             /* 300 us before */
    ck_assert_uint_eq(rd(0x0a) & 0x80, 0x00);
    advance_ns(100000);                         /* 200 us before */
    ck_assert_uint_eq(rd(0x0a) & 0x80, 0x80);
    ck_assert_uint_eq(rd(0x00), 0x58);
    advance_ns(200000);                         /* update done */
    ck_assert_uint_eq(rd(0x0a) & 0x80, 0x00);
    ck_assert_uint_eq(rd(0x00), 0x59);
}
END_TEST

START_TEST(set_bit_halts_and_sets)
{
    advance_ns(300 * MS);
    wr(0x0b, 0x82);                             /* SET */
    wr(0x00, 0x30);
    wr(0x02, 0x15);
    wr(0x04, 0x10);
    wr(0x07, 0x04);
    wr(0x08, 0x07);
    wr(0x09, 0x26);
    advance_ns(5000 * MS);                      /* frozen while SET */
    ck_assert_uint_eq(rd(0x00), 0x30);
    ck_assert_uint_eq(rd(0x0a) & 0x80, 0x00);   /* no UIP while SET */
    wr(0x0b, 0x02);
    ck_assert_uint_eq(rd(0x00), 0x30);
    ck_assert_uint_eq(rd(0x06), 0x07);          /* 2026-07-04: Saturday */
    /* The divider was not reset: the next update keeps the old phase,
     * 0.7 s later (5.3 s into the run). */
    advance_ns(690 * MS);
    ck_assert_uint_eq(rd(0x00), 0x30);
    advance_ns(20 * MS);
    ck_assert_uint_eq(rd(0x00), 0x31);
    sys_bql_lock();
    ck_assert_int_eq(rtc_get_time(&rtc), INT64_C(1783160131));
    sys_bql_unlock();
}
END_TEST

START_TEST(divider_reset_first_update_500ms)
{
    advance_ns(300 * MS);
    wr(0x0a, 0x76);                             /* divider in reset */
    advance_ns(3000 * MS);
    ck_assert_uint_eq(rd(0x00), 0x58);
    wr(0x0a, 0x26);
    advance_ns(499 * MS);
    ck_assert_uint_eq(rd(0x00), 0x58);
    advance_ns(2 * MS);
    ck_assert_uint_eq(rd(0x00), 0x59);
}
END_TEST

START_TEST(periodic_1024hz)
{
    int irqs = 0;

    ck_assert_uint_eq(rd(0x0c), 0x00);
    wr(0x0b, 0x42);                             /* PIE */
    for (int i = 0; i < 1000; i++) {            /* 100 ms in 100 us steps */
        advance_ns(100000);
        if (irq8.level) {
            irqs++;
            ck_assert_uint_eq(rd(0x0c) & 0xc0, 0xc0);   /* IRQF, PF */
            ck_assert_int_eq(irq8.level, 0);
        }
    }
    /* 100 ms / 976.5625 us = 102.4: 102 periods. */
    ck_assert_int_eq(irqs, 102);
    wr(0x0a, 0x2f);                             /* RS 15: 500 ms */
    rd(0x0c);
    advance_ns(399 * MS);                       /* now 499 ms */
    ck_assert_int_eq(irq8.level, 0);
    advance_ns(1 * MS);                         /* the 500 ms grid point */
    ck_assert_int_eq(irq8.level, 1);
    ck_assert_uint_eq(rd(0x0c) & 0xc0, 0xc0);
    ck_assert_uint_eq(rd(0x0c), 0x00);          /* read cleared it */
}
END_TEST

START_TEST(periodic_flag_without_pie)
{
    advance_ns(10 * MS);
    ck_assert_uint_eq(rd(0x0c), 0x40);          /* PF without IRQF, no UF */
}
END_TEST

START_TEST(update_ended)
{
    rd(0x0c);
    wr(0x0b, 0x12);                             /* UIE */
    advance_ns(999 * MS);
    ck_assert_int_eq(irq8.level, 0);
    advance_ns(2 * MS);
    ck_assert_int_eq(irq8.level, 1);
    ck_assert_uint_eq(rd(0x0c) & 0xf0, 0xd0);   /* IRQF, PF, UF */
    ck_assert_int_eq(irq8.level, 0);
    wr(0x0b, 0x92);                             /* SET clears UIE */
    ck_assert_uint_eq(rd(0x0b), 0x82);
}
END_TEST

START_TEST(alarm_interrupt)
{
    wr(0x01, 0x05);                             /* :05 */
    wr(0x03, 0xc0);                             /* any minute */
    wr(0x05, 0xff);                             /* any hour */
    rd(0x0c);
    wr(0x0b, 0x22);                             /* AIE */
    advance_ns(6500 * MS);                      /* 23:59:58 -> 00:00:04 */
    ck_assert_int_eq(irq8.level, 0);
    advance_ns(1000 * MS);                      /* 00:00:05 */
    ck_assert_int_eq(irq8.level, 1);
    ck_assert_uint_eq(rd(0x0c) & 0xb0, 0xb0);   /* IRQF, AF, UF */
    advance_ns(59000 * MS);                     /* 00:01:04 */
    ck_assert_int_eq(irq8.level, 0);
    advance_ns(1000 * MS);                      /* 00:01:05 matches again */
    ck_assert_int_eq(irq8.level, 1);
}
END_TEST

START_TEST(index_nmi_and_cmos)
{
    outb(0x70, 0x8a);                           /* NMI off, register A */
    ck_assert_uint_eq(inb(0x71), 0x26);
    ck_assert(rtc.nmi_disabled);
    outb(0x70, 0x0a);
    ck_assert(!rtc.nmi_disabled);
    for (int i = 0x0e; i < 0x80; i++) {
        wr(i, i ^ 0x5a);
    }
    for (int i = 0x0e; i < 0x80; i++) {
        ck_assert_uint_eq(rd(i), i ^ 0x5a);
    }
    wr(0x0d, 0x00);                             /* read-only */
    ck_assert_uint_eq(rd(0x0d), 0x80);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("mc146818");
    TCase *tc = tcase_create("rtc");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, time_registers_bcd_24h);
    tcase_add_test(tc, binary_and_12h);
    tcase_add_test(tc, uip_before_update);
    tcase_add_test(tc, set_bit_halts_and_sets);
    tcase_add_test(tc, divider_reset_first_update_500ms);
    tcase_add_test(tc, periodic_1024hz);
    tcase_add_test(tc, periodic_flag_without_pie);
    tcase_add_test(tc, update_ended);
    tcase_add_test(tc, alarm_interrupt);
    tcase_add_test(tc, index_nmi_and_cmos);
    suite_add_tcase(s, tc);
    return systest_run(s);
}
