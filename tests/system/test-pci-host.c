/*
 * test-pci-host.c — configuration mechanism #1 at 0xCF8/0xCFC reading the
 * i440FX host bridge: vendor 8086, device 1237, class 060000 (PCI spec and
 * the 82441FX datasheet defaults), sub-dword accesses, the enable bit,
 * empty slots and buses reading all ones, and the write masks.
 */
#include <check.h>
#include <string.h>

#include "hw/pci-host.h"
#include "tests/system/devtest.h"
#include "tests/system/systest.h"

static PciHost host;

static uint32_t cfg_addr(unsigned bus, unsigned dev, unsigned fn,
                         unsigned reg)
{
    return 0x80000000u | bus << 16 | dev << 11 | fn << 8 | (reg & 0xfc);
}

static uint32_t cfg_read(unsigned dev, unsigned reg, unsigned size)
{
    devtest_out(0xcf8, 4, cfg_addr(0, dev, 0, reg));
    return devtest_in(0xcfc + (reg & 3), size);
}

static void cfg_write(unsigned dev, unsigned reg, unsigned size, uint32_t v)
{
    devtest_out(0xcf8, 4, cfg_addr(0, dev, 0, reg));
    devtest_out(0xcfc + (reg & 3), size, v);
}

static void setup(void)
{
    devtest_io_init();
    pci_host_init(&host);
    devtest_map(&host.io_addr, 0xcf8);
    devtest_map(&host.io_data, 0xcfc);
}

static void teardown(void)
{
    devtest_io_fini();
}

START_TEST(host_bridge_ids)
{
    ck_assert_uint_eq(cfg_read(0, 0x00, 4), 0x12378086);
    ck_assert_uint_eq(cfg_read(0, 0x00, 2), 0x8086);
    ck_assert_uint_eq(cfg_read(0, 0x02, 2), 0x1237);
    ck_assert_uint_eq(cfg_read(0, 0x03, 1), 0x12);
    ck_assert_uint_eq(cfg_read(0, 0x08, 4), 0x06000002);  /* class, rev */
    ck_assert_uint_eq(cfg_read(0, 0x0e, 1), 0x00);        /* header type 0 */
    ck_assert_uint_eq(cfg_read(0, 0x06, 2), 0x0280);      /* status */
}
END_TEST

START_TEST(config_address_register)
{
    devtest_out(0xcf8, 4, 0xffffffff);
    ck_assert_uint_eq(devtest_in(0xcf8, 4), 0x80fffffc);  /* reserved 0 */
    devtest_out(0xcf8, 4, cfg_addr(0, 0, 0, 0) & ~0x80000000u);
    ck_assert_uint_eq(devtest_in(0xcfc, 4), 0xffffffff);  /* disabled */
}
END_TEST

START_TEST(empty_slots_read_ones)
{
    ck_assert_uint_eq(cfg_read(1, 0x00, 4), 0xffffffff);
    ck_assert_uint_eq(cfg_read(31, 0x00, 2), 0xffff);
    devtest_out(0xcf8, 4, cfg_addr(1, 0, 0, 0));          /* bus 1 */
    ck_assert_uint_eq(devtest_in(0xcfc, 4), 0xffffffff);
    cfg_write(1, 0x04, 2, 0x0007);                        /* ignored */
}
END_TEST

START_TEST(write_masks)
{
    cfg_write(0, 0x00, 4, 0);                             /* IDs read-only */
    ck_assert_uint_eq(cfg_read(0, 0x00, 4), 0x12378086);
    cfg_write(0, 0x04, 2, 0xffff);
    ck_assert_uint_eq(cfg_read(0, 0x04, 2), 0x0547);
    cfg_write(0, 0x3c, 1, 0x0b);
    ck_assert_uint_eq(cfg_read(0, 0x3c, 1), 0x0b);
    cfg_write(0, 0x59, 1, 0x30);                          /* PAM0 */
    ck_assert_uint_eq(cfg_read(0, 0x58, 4), 0x00003000);
    sys_bql_lock();
    ck_assert_uint_eq(pci_bus_config_read(&host.bus, PCI_DEVFN(0, 0), 0x59,
                                          1), 0x30);
    sys_bql_unlock();
}
END_TEST

int main(void)
{
    Suite *s = suite_create("pci-host");
    TCase *tc = tcase_create("pci");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, host_bridge_ids);
    tcase_add_test(tc, config_address_register);
    tcase_add_test(tc, empty_slots_read_ones);
    tcase_add_test(tc, write_masks);
    suite_add_tcase(s, tc);
    return systest_run(s);
}
