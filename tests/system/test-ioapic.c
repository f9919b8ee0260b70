/*
 * test-ioapic.c — the I/O APIC through its MMIO window (IOREGSEL at +0x00,
 * IOWIN at +0x10, EOI at +0x40). Expected from the 82093AA datasheet: ID
 * and version registers (24 entries), entries masked at reset, read-only
 * Remote IRR / Delivery Status bits, one message per edge and none for a
 * masked edge, level pins held off by Remote IRR until the EOI.
 */
#include <check.h>
#include <string.h>

#include "hw/ioapic.h"
#include "tests/system/systest.h"

static MemoryRegion root;
static AddressSpace *as;
static Ioapic io;
static IoapicMsg msgs[16];
static int nmsgs;

static void deliver(void *opaque, const IoapicMsg *m)
{
    msgs[nmsgs++ % 16] = *m;
}

static void w32(uint32_t off, uint32_t v)
{
    ck_assert_int_eq(sys_as_write(as, IOAPIC_BASE + off, 4, v), SYS_MEM_OK);
}

static uint32_t r32(uint32_t off)
{
    uint64_t v;

    ck_assert_int_eq(sys_as_read(as, IOAPIC_BASE + off, 4, &v), SYS_MEM_OK);
    return v;
}

static uint32_t reg_read(uint8_t idx)
{
    w32(0x00, idx);
    return r32(0x10);
}

static void reg_write(uint8_t idx, uint32_t v)
{
    w32(0x00, idx);
    w32(0x10, v);
}

static void set_pin(int pin, int level)
{
    sys_bql_lock();
    sys_irq_set(ioapic_input(&io, pin), level);
    sys_bql_unlock();
}

static void setup(void)
{
    nmsgs = 0;
    ioapic_init(&io, deliver, NULL);
    sys_bql_lock();
    sys_mr_init_container(&root, "mem", UINT64_MAX);
    sys_mr_add_subregion(&root, IOAPIC_BASE, &io.mmio);
    as = sys_as_new("mem", &root);
    sys_bql_unlock();
}

static void teardown(void)
{
    sys_as_free(as);
}

START_TEST(identification)
{
    ck_assert_uint_eq(reg_read(0x01), 0x00170020);
    reg_write(0x00, 0x0f000000 | 0x00abcdef);
    ck_assert_uint_eq(reg_read(0x00), 0x0f000000);
    ck_assert_uint_eq(reg_read(0x10), 0x00010000);     /* masked */
    ck_assert_uint_eq(reg_read(0x3f), 0x00000000);
}
END_TEST

START_TEST(edge_messages)
{
    reg_write(0x13, 0x03000000);                       /* dest 3 */
    reg_write(0x12, 0x00000831);   /* pin 1: vec 0x31, logical, fixed, edge */
    set_pin(1, 1);
    ck_assert_int_eq(nmsgs, 1);
    ck_assert_uint_eq(msgs[0].vector, 0x31);
    ck_assert(msgs[0].dest_logical);
    ck_assert_uint_eq(msgs[0].dest, 3);
    ck_assert(!msgs[0].level);
    set_pin(1, 1);                                     /* no new edge */
    ck_assert_int_eq(nmsgs, 1);
    set_pin(1, 0);
    set_pin(1, 1);
    ck_assert_int_eq(nmsgs, 2);
    set_pin(1, 0);
    reg_write(0x12, 0x00010831);                       /* mask */
    set_pin(1, 1);
    reg_write(0x12, 0x00000831);                       /* unmask */
    ck_assert_int_eq(nmsgs, 2);                        /* edge was lost */
}
END_TEST

START_TEST(level_remote_irr)
{
    reg_write(0x24, 0x0000a13a);   /* pin 10: vec 0x3a, level, low active */
    set_pin(10, 1);
    ck_assert_int_eq(nmsgs, 1);
    ck_assert(msgs[0].level);
    ck_assert_uint_eq(msgs[0].pin, 10);
    ck_assert_uint_eq(reg_read(0x24) & 0x4000, 0x4000);   /* Remote IRR */
    reg_write(0x24, 0x0000a13a);                       /* RO bit kept */
    ck_assert_uint_eq(reg_read(0x24) & 0x4000, 0x4000);
    ck_assert_int_eq(nmsgs, 1);
    w32(0x40, 0x3a);                                   /* EOI, still high */
    ck_assert_int_eq(nmsgs, 2);
    set_pin(10, 0);
    w32(0x40, 0x3a);
    ck_assert_int_eq(nmsgs, 2);
    ck_assert_uint_eq(reg_read(0x24) & 0x4000, 0);
    /* A masked level pin is held and sent on unmasking. */
    reg_write(0x24, 0x0001a13a);
    set_pin(10, 1);
    ck_assert_int_eq(nmsgs, 2);
    reg_write(0x24, 0x0000a13a);
    ck_assert_int_eq(nmsgs, 3);
    sys_bql_lock();
    ioapic_eoi(&io, 0x3a);                             /* LAPIC broadcast */
    sys_bql_unlock();
    ck_assert_int_eq(nmsgs, 4);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("ioapic");
    TCase *tc = tcase_create("ioapic");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, identification);
    tcase_add_test(tc, edge_messages);
    tcase_add_test(tc, level_remote_irr);
    suite_add_tcase(s, tc);
    return systest_run(s);
}
