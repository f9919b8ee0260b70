/*
 * test-i8259.c — the 8259A pair programmed as a PC BIOS does (master vectors
 * 0x08, slave 0x70, ICW4 8086 mode), driven through ports 0x20/0x21,
 * 0xA0/0xA1 and 0x4D0/0x4D1. Expected behaviour from the Intel 8259A
 * datasheet: fully nested priorities, EOI forms, masking, cascade on IR2,
 * rotation, auto-EOI, poll command, and edge versus level sensing.
 */
#include <check.h>
#include <string.h>

#include "hw/i8259.h"
#include "tests/system/devtest.h"
#include "tests/system/systest.h"

static PicPair pic;
static IrqProbe cpu;

static void set_irq(int irq, int level)
{
    sys_bql_lock();
    sys_irq_set(pic_input(&pic, irq), level);
    sys_bql_unlock();
}

static void pulse(int irq)
{
    set_irq(irq, 1);
    set_irq(irq, 0);
}

static int intack(void)
{
    int v;

    sys_bql_lock();
    v = pic_intack(&pic);
    sys_bql_unlock();
    return v;
}

/* OCW3 read ISR, then back to reading IRR. */
static uint8_t read_isr(uint16_t base)
{
    uint8_t v;

    outb(base, 0x0b);
    v = inb(base);
    outb(base, 0x0a);
    return v;
}

static void bios_init(uint8_t icw4)
{
    outb(0x20, 0x11); outb(0x21, 0x08); outb(0x21, 0x04); outb(0x21, icw4);
    outb(0xa0, 0x11); outb(0xa1, 0x70); outb(0xa1, 0x02); outb(0xa1, icw4);
}

static void setup(void)
{
    memset(&cpu, 0, sizeof(cpu));
    devtest_io_init();
    pic_init(&pic, irq_probe_line(&cpu));
    devtest_map(&pic.io_master, 0x20);
    devtest_map(&pic.io_slave, 0xa0);
    devtest_map(&pic.io_elcr, 0x4d0);
    bios_init(0x01);
}

static void teardown(void)
{
    devtest_io_fini();
}

START_TEST(init_clears_mask_and_delivers)
{
    ck_assert_uint_eq(inb(0x21), 0x00);        /* ICW1 clears the IMR */
    ck_assert_uint_eq(inb(0xa1), 0x00);
    ck_assert_int_eq(cpu.level, 0);
    pulse(1);
    ck_assert_int_eq(cpu.level, 1);
    ck_assert_uint_eq(inb(0x20), 0x02);        /* IRR */
    ck_assert_int_eq(intack(), 0x09);
    ck_assert_int_eq(cpu.level, 0);
    ck_assert_uint_eq(inb(0x20), 0x00);        /* edge: IRR cleared by INTA */
    ck_assert_uint_eq(read_isr(0x20), 0x02);
    outb(0x20, 0x20);                          /* non-specific EOI */
    ck_assert_uint_eq(read_isr(0x20), 0x00);
}
END_TEST

START_TEST(fully_nested_priority)
{
    pulse(3);
    pulse(1);
    ck_assert_int_eq(intack(), 0x09);          /* IR1 beats IR3 */
    ck_assert_int_eq(cpu.level, 0);            /* IR3 waits behind IR1 */
    pulse(5);
    ck_assert_int_eq(cpu.level, 0);
    pulse(0);
    ck_assert_int_eq(cpu.level, 1);            /* IR0 nests over IR1 */
    ck_assert_int_eq(intack(), 0x08);
    ck_assert_uint_eq(read_isr(0x20), 0x03);
    outb(0x20, 0x20);                          /* EOI ends IR0 (highest) */
    ck_assert_uint_eq(read_isr(0x20), 0x02);
    ck_assert_int_eq(cpu.level, 0);
    outb(0x20, 0x20);
    ck_assert_int_eq(cpu.level, 1);
    ck_assert_int_eq(intack(), 0x0b);          /* then IR3, then IR5 */
    outb(0x20, 0x20);
    ck_assert_int_eq(intack(), 0x0d);
    outb(0x20, 0x20);
    ck_assert_uint_eq(read_isr(0x20), 0x00);
}
END_TEST

START_TEST(masking)
{
    outb(0x21, 0x10);
    ck_assert_uint_eq(inb(0x21), 0x10);
    pulse(4);
    ck_assert_int_eq(cpu.level, 0);
    ck_assert_uint_eq(inb(0x20), 0x10);        /* requested, masked */
    outb(0x21, 0x00);
    ck_assert_int_eq(cpu.level, 1);
    ck_assert_int_eq(intack(), 0x0c);
    outb(0x20, 0x64);                          /* specific EOI, IR4 */
    ck_assert_uint_eq(read_isr(0x20), 0x00);
}
END_TEST

START_TEST(cascade_irq10)
{
    pulse(10);
    ck_assert_int_eq(cpu.level, 1);
    ck_assert_int_eq(intack(), 0x72);
    ck_assert_uint_eq(read_isr(0x20), 0x04);   /* master IR2 */
    ck_assert_uint_eq(read_isr(0xa0), 0x04);   /* slave IR2 */
    outb(0xa0, 0x20);
    outb(0x20, 0x20);
    ck_assert_uint_eq(read_isr(0x20), 0x00);
    ck_assert_uint_eq(read_isr(0xa0), 0x00);
    /* Masking IR2 on the master blocks the whole slave. */
    outb(0x21, 0x04);
    pulse(15);
    ck_assert_int_eq(cpu.level, 0);
    outb(0x21, 0x00);
    ck_assert_int_eq(intack(), 0x77);
    outb(0xa0, 0x20);
    outb(0x20, 0x20);
}
END_TEST

START_TEST(spurious_is_ir7)
{
    ck_assert_int_eq(intack(), 0x0f);
    ck_assert_uint_eq(read_isr(0x20), 0x00);   /* no ISR bit for spurious */
}
END_TEST

START_TEST(rotation)
{
    /* Rotate on non-specific EOI: IR0 becomes the lowest priority. */
    pulse(0);
    ck_assert_int_eq(intack(), 0x08);
    outb(0x20, 0xa0);
    pulse(0);
    pulse(3);
    ck_assert_int_eq(intack(), 0x0b);
    outb(0x20, 0x20);
    ck_assert_int_eq(intack(), 0x08);
    outb(0x20, 0x20);
    /* Set priority: IR4 lowest, so IR5 highest, above IR1. */
    outb(0x20, 0xc4);
    pulse(1);
    pulse(5);
    ck_assert_int_eq(intack(), 0x0d);
    /* Rotate on specific EOI for IR5: IR6 becomes highest. */
    outb(0x20, 0xe5);
    ck_assert_uint_eq(read_isr(0x20), 0x00);
    pulse(6);
    ck_assert_int_eq(intack(), 0x0e);
    outb(0x20, 0x20);
    ck_assert_int_eq(intack(), 0x09);
    outb(0x20, 0x20);
}
END_TEST

START_TEST(auto_eoi)
{
    bios_init(0x03);                           /* ICW4: AEOI, 8086 */
    pulse(1);
    ck_assert_int_eq(intack(), 0x09);
    ck_assert_uint_eq(read_isr(0x20), 0x00);
    pulse(3);
    ck_assert_int_eq(cpu.level, 1);            /* nothing in service */
    ck_assert_int_eq(intack(), 0x0b);
}
END_TEST

START_TEST(poll_command)
{
    outb(0x20, 0x0c);
    ck_assert_uint_eq(inb(0x20), 0x00);        /* nothing pending */
    pulse(6);
    pulse(2 + 1);
    outb(0x20, 0x0c);
    ck_assert_uint_eq(inb(0x20), 0x83);        /* I=1, level 3 */
    ck_assert_uint_eq(read_isr(0x20), 0x08);   /* acknowledged */
    ck_assert_uint_eq(inb(0x20), 0x40);        /* poll was one-shot: IRR */
    outb(0x20, 0x20);
}
END_TEST

START_TEST(edge_and_level)
{
    /* ELCR bits for IRQ 0-2 (and 8, 13) are hard-wired edge. */
    devtest_out(0x4d0, 2, 0xffff);
    ck_assert_uint_eq(inb(0x4d0), 0xf8);
    ck_assert_uint_eq(inb(0x4d1), 0xde);
    devtest_out(0x4d0, 2, 0x0200);             /* IRQ9 level, rest edge */
    ck_assert_uint_eq(devtest_in(0x4d0, 2), 0x0200);

    /* Edge: a held line interrupts once. */
    set_irq(1, 1);
    ck_assert_int_eq(intack(), 0x09);
    outb(0x20, 0x20);
    ck_assert_int_eq(cpu.level, 0);
    set_irq(1, 0);
    set_irq(1, 1);
    ck_assert_int_eq(cpu.level, 1);            /* a new rising edge */
    ck_assert_int_eq(intack(), 0x09);
    outb(0x20, 0x20);
    set_irq(1, 0);

    /* Level: still asserted after EOI means another interrupt. */
    set_irq(9, 1);
    ck_assert_int_eq(intack(), 0x71);
    outb(0xa0, 0x20);
    outb(0x20, 0x20);
    ck_assert_int_eq(cpu.level, 1);
    set_irq(9, 0);
    ck_assert_uint_eq(inb(0xa0), 0x00);        /* IRR follows the line */
    /* The master's edge-latched IR2 request stays; the slave has nothing
     * left, so the INTA cycle gets the slave's spurious IR7 vector. */
    ck_assert_int_eq(intack(), 0x77);
    ck_assert_uint_eq(read_isr(0xa0), 0x00);
    outb(0x20, 0x20);
    ck_assert_int_eq(cpu.level, 0);
}
END_TEST

START_TEST(special_mask_mode)
{
    /* SMM: with IR1 in service and masked, lower IR5 may interrupt. */
    pulse(1);
    ck_assert_int_eq(intack(), 0x09);
    pulse(5);
    ck_assert_int_eq(cpu.level, 0);            /* fully nested: blocked */
    outb(0x21, 0x02);                          /* mask IR1 */
    outb(0x20, 0x68);                          /* OCW3: set SMM */
    ck_assert_int_eq(cpu.level, 1);
    ck_assert_int_eq(intack(), 0x0d);
    ck_assert_uint_eq(read_isr(0x20), 0x22);
    outb(0x20, 0x65);                          /* specific EOI IR5 */
    outb(0x20, 0x48);                          /* OCW3: reset SMM */
    outb(0x21, 0x00);
    outb(0x20, 0x61);
    ck_assert_uint_eq(read_isr(0x20), 0x00);
}
END_TEST

START_TEST(special_fully_nested)
{
    /* SFNM (ICW4 bit 4) on the master: a higher slave request interrupts
     * while another slave interrupt is in service on master IR2. */
    bios_init(0x11);
    pulse(12);
    ck_assert_int_eq(intack(), 0x74);
    pulse(9);
    ck_assert_int_eq(cpu.level, 1);
    ck_assert_int_eq(intack(), 0x71);
    ck_assert_uint_eq(read_isr(0xa0), 0x12);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("i8259");
    TCase *tc = tcase_create("pic");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, init_clears_mask_and_delivers);
    tcase_add_test(tc, fully_nested_priority);
    tcase_add_test(tc, masking);
    tcase_add_test(tc, cascade_irq10);
    tcase_add_test(tc, spurious_is_ir7);
    tcase_add_test(tc, rotation);
    tcase_add_test(tc, auto_eoi);
    tcase_add_test(tc, poll_command);
    tcase_add_test(tc, edge_and_level);
    tcase_add_test(tc, special_mask_mode);
    tcase_add_test(tc, special_fully_nested);
    suite_add_tcase(s, tc);
    return systest_run(s);
}
