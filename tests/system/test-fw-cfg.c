/*
 * test-fw-cfg.c — fw_cfg at 0x510/0x511 as firmware reads it, with the
 * layout of QEMU's docs/specs/fw_cfg.rst: signature "QEMU", ID 1, little-
 * endian numbered items, the big-endian file directory (count, then 64-byte
 * entries of size, select, reserved, name), zeros past an item's end, and
 * the DMA interface (signature "QEMU CFG", big-endian FWCfgDmaAccess).
 */
#include <check.h>
#include <string.h>

#include "hw/fw-cfg.h"
#include "tests/system/devtest.h"
#include "tests/system/systest.h"

static FwCfg fw;

static void sel(uint16_t key)
{
    devtest_out(0x510, 2, key);
}

static void read_bytes(uint8_t *buf, int n)
{
    for (int i = 0; i < n; i++) {
        buf[i] = inb(0x511);
    }
}

static uint64_t read_le(int n)
{
    uint8_t b[8];
    uint64_t v = 0;

    read_bytes(b, n);
    for (int i = n - 1; i >= 0; i--) {
        v = v << 8 | b[i];
    }
    return v;
}

static uint32_t read_be32(void)
{
    uint8_t b[4];

    read_bytes(b, 4);
    return (uint32_t)b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3];
}

static void setup(void)
{
    devtest_io_init();
    fw_cfg_init(&fw);
    devtest_map(&fw.io, FW_CFG_IOBASE);
}

static void teardown(void)
{
    devtest_io_fini();
    fw_cfg_fini(&fw);
}

START_TEST(signature_and_id)
{
    uint8_t sig[5] = { 0 };

    sel(0x0000);
    read_bytes(sig, 4);
    ck_assert_str_eq((char *)sig, "QEMU");
    ck_assert_uint_eq(inb(0x511), 0x00);        /* past the end */
    sel(0x0000);                                /* reselect: from start */
    ck_assert_uint_eq(inb(0x511), 'Q');
    sel(0x0001);
    ck_assert_uint_eq(read_le(4), 1);           /* traditional interface */
    sel(0x0123);                                /* no such item */
    ck_assert_uint_eq(read_le(4), 0);
}
END_TEST

START_TEST(numbered_items)
{
    fw_cfg_add_i64(&fw, FW_CFG_RAM_SIZE, UINT64_C(0x180000000));
    fw_cfg_add_i16(&fw, FW_CFG_NB_CPUS, 4);
    fw_cfg_add_i16(&fw, FW_CFG_MAX_CPUS, 8);
    fw_cfg_add_i32(&fw, FW_CFG_KERNEL_ADDR, 0x100000);
    fw_cfg_add_i32(&fw, FW_CFG_KERNEL_SIZE, 3);
    fw_cfg_add_bytes(&fw, FW_CFG_KERNEL_DATA, "\x90\x90\xf4", 3);
    fw_cfg_add_i32(&fw, FW_CFG_CMDLINE_SIZE, 15);
    fw_cfg_add_string(&fw, FW_CFG_CMDLINE_DATA, "console=ttyS0 ");
    sel(0x0003);
    ck_assert_uint_eq(read_le(8), UINT64_C(0x180000000));
    sel(0x0005);
    ck_assert_uint_eq(read_le(2), 4);
    sel(0x000f);
    ck_assert_uint_eq(read_le(2), 8);
    sel(0x0007);
    ck_assert_uint_eq(read_le(4), 0x100000);
    sel(0x0008);
    ck_assert_uint_eq(read_le(4), 3);
    sel(0x0011);
    ck_assert_uint_eq(read_le(3), 0xf49090);
    sel(0x0014);
    ck_assert_uint_eq(read_le(4), 15);
    sel(0x0015);
    char cmd[16] = { 0 };
    read_bytes((uint8_t *)cmd, 15);
    ck_assert_str_eq(cmd, "console=ttyS0 ");
}
END_TEST

START_TEST(file_directory)
{
    char name[57] = { 0 };
    uint8_t hdr[4];

    sel(0x0019);
    ck_assert_uint_eq(read_be32(), 0);          /* empty directory */
    fw_cfg_add_file(&fw, "etc/zz", "abc", 3);
    fw_cfg_add_file(&fw, "etc/e820", "0123456789abcdefghij", 20);
    sel(0x0019);
    ck_assert_uint_eq(read_be32(), 2);
    ck_assert_uint_eq(read_be32(), 20);         /* sorted: etc/e820 first */
    read_bytes(hdr, 4);
    ck_assert_uint_eq(hdr[0] << 8 | hdr[1], 0x0020);
    ck_assert_uint_eq(hdr[2] | hdr[3], 0);
    read_bytes((uint8_t *)name, 56);
    ck_assert_str_eq(name, "etc/e820");
    ck_assert_uint_eq(read_be32(), 3);
    read_bytes(hdr, 4);
    ck_assert_uint_eq(hdr[0] << 8 | hdr[1], 0x0021);
    read_bytes((uint8_t *)name, 56);
    ck_assert_str_eq(name, "etc/zz");
    sel(0x0021);
    ck_assert_uint_eq(read_le(3), 0x636261);    /* "abc" */
    sel(0x0020);
    ck_assert_uint_eq(inb(0x511), '0');
}
END_TEST

static MemoryRegion mem_root, ram;
static AddressSpace *mem;

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v;
}

/* Run one DMA descriptor placed at 0x1000; returns its control word. */
static uint32_t dma(uint32_t control, uint32_t len, uint32_t addr)
{
    uint8_t *d = ram.ram + 0x1000;

    put_be32(d, control);
    put_be32(d + 4, len);
    put_be32(d + 8, 0);
    put_be32(d + 12, addr);
    devtest_out(0x514, 4, __builtin_bswap32(0));        /* high half */
    devtest_out(0x518, 4, __builtin_bswap32(0x1000));   /* low: go */
    return (uint32_t)d[0] << 24 | d[1] << 16 | d[2] << 8 | d[3];
}

START_TEST(dma_interface)
{
    sys_bql_lock();
    sys_mr_init_container(&mem_root, "mem", UINT64_MAX);
    sys_mr_init_ram(&ram, "ram", 0x10000);
    sys_mr_add_subregion(&mem_root, 0, &ram);
    mem = sys_as_new("mem", &mem_root);
    sys_bql_unlock();
    fw_cfg_enable_dma(&fw, mem);
    devtest_map(&fw.io_dma, FW_CFG_DMA_IOBASE);
    ck_assert_uint_eq(devtest_in(0x514, 4), 0x554d4551);    /* "QEMU" */
    ck_assert_uint_eq(devtest_in(0x518, 4), 0x47464320);    /* " CFG" */
    sel(0x0001);
    ck_assert_uint_eq(read_le(4), 3);                       /* DMA too */
    fw_cfg_add_file(&fw, "etc/x", "0123456789", 10);
    memset(ram.ram + 0x2000, 0xee, 16);
    /* Select 0x20 and read 12: the 10 bytes, then zeros. */
    ck_assert_uint_eq(dma(0x0020 << 16 | 0x08 | 0x02, 12, 0x2000), 0);
    ck_assert_mem_eq(ram.ram + 0x2000, "0123456789\0\0", 12);
    ck_assert_uint_eq(ram.ram[0x200c], 0xee);
    /* Select, skip 3, read 2. */
    ck_assert_uint_eq(dma(0x0020 << 16 | 0x08 | 0x04, 3, 0), 0);
    ck_assert_uint_eq(dma(0x02, 2, 0x3000), 0);
    ck_assert_mem_eq(ram.ram + 0x3000, "34", 2);
    /* Writes are refused with the error bit. */
    ck_assert_uint_eq(dma(0x0020 << 16 | 0x08 | 0x10, 1, 0x3000), 0x01);
    sys_as_free(mem);
    sys_bql_lock();
    sys_mr_del_subregion(&mem_root, &ram);
    sys_bql_unlock();
    sys_rcu_synchronize();
    sys_mr_fini(&ram);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("fw-cfg");
    TCase *tc = tcase_create("fw_cfg");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, signature_and_id);
    tcase_add_test(tc, numbered_items);
    tcase_add_test(tc, file_directory);
    tcase_add_test(tc, dma_interface);
    suite_add_tcase(s, tc);
    return systest_run(s);
}
