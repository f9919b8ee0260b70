/*
 * test-linux-boot.c — the bzImage loader against the x86 boot protocol
 * (Documentation/arch/x86/boot.rst): a synthetic image with a 2.15 setup
 * header; the protected-mode part at 1 MiB, boot_params with the header
 * copied and completed (type_of_loader 0xff, cmd_line_ptr, ramdisk, e820,
 * alt_mem_k), the initrd page-aligned at the top of usable memory, the GDT
 * with flat selectors 0x10/0x18, and rejections.
 */
#include <check.h>
#include <string.h>

#include "hw/linux-boot.h"
#include "tests/system/systest.h"

#define RAM_SIZE (64u << 20)
#define SETUP_SECTS 4
#define SETUP_LEN ((SETUP_SECTS + 1) * 512)
#define KERNEL_LEN 0x3000

static MemoryRegion root, ram;
static AddressSpace *as;
static uint8_t img[SETUP_LEN + KERNEL_LEN];

static uint32_t ram32(uint32_t a)
{
    uint32_t v;

    memcpy(&v, ram.ram + a, 4);
    return v;
}

static uint64_t ram64(uint32_t a)
{
    uint64_t v;

    memcpy(&v, ram.ram + a, 8);
    return v;
}

static void put16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }

static void make_image(uint16_t version, uint8_t loadflags)
{
    memset(img, 0, sizeof(img));
    img[0x1f1] = SETUP_SECTS;
    put16(img + 0x1fe, 0xaa55);
    img[0x200] = 0xeb;
    img[0x201] = 0x66;                          /* header ends at 0x268 */
    put32(img + 0x202, 0x53726448);             /* "HdrS" */
    put16(img + 0x206, version);
    img[0x211] = loadflags;
    put32(img + 0x214, 0x100000);               /* code32_start */
    put32(img + 0x22c, 0x37ffffff);             /* initrd_addr_max */
    put32(img + 0x230, 0x200000);               /* kernel_alignment */
    put32(img + 0x238, 2047);                   /* cmdline_size */
    put32(img + 0x260, 0x400000);               /* init_size: 4 MiB */
    for (int i = 0; i < KERNEL_LEN; i++) {
        img[SETUP_LEN + i] = i * 13 + 1;
    }
}

static void setup(void)
{
    sys_bql_lock();
    sys_mr_init_container(&root, "root", UINT64_MAX);
    sys_mr_init_ram(&ram, "ram", RAM_SIZE);
    sys_mr_add_subregion(&root, 0, &ram);
    as = sys_as_new("lx-mem", &root);
    sys_bql_unlock();
}

static void teardown(void)
{
    sys_as_free(as);
    sys_bql_lock();
    sys_mr_del_subregion(&root, &ram);
    sys_bql_unlock();
    sys_rcu_synchronize();
    sys_mr_fini(&ram);
}

START_TEST(load_bzimage)
{
    static uint8_t initrd[5000];
    const uint32_t bp = LINUX_BOOT_PARAMS;
    LinuxBoot boot;
    GError *err = NULL;

    memset(initrd, 0x77, sizeof(initrd));
    make_image(0x020f, 0x01);
    ck_assert(linux_boot_probe(img, sizeof(img)));
    ck_assert(linux_boot_load(as, RAM_SIZE, 0, img, sizeof(img),
                              "console=ttyS0", initrd, sizeof(initrd),
                              &boot, &err));
    ck_assert_mem_eq(ram.ram + 0x100000, img + SETUP_LEN, KERNEL_LEN);
    ck_assert_uint_eq(boot.entry, 0x100000);
    ck_assert_uint_eq(boot.esi, bp);
    ck_assert_uint_eq(boot.version, 0x020f);
    /* Setup header copied; loader fields filled. */
    ck_assert_uint_eq(ram32(bp + 0x202), 0x53726448);
    ck_assert_uint_eq(ram.ram[bp + 0x1f1], SETUP_SECTS);
    ck_assert_uint_eq(ram32(bp + 0x260), 0x400000);
    ck_assert_uint_eq(ram.ram[bp + 0x210], 0xff);
    ck_assert_uint_eq(ram32(bp + 0x228), LINUX_BOOT_CMDLINE);
    ck_assert_str_eq((char *)ram.ram + LINUX_BOOT_CMDLINE, "console=ttyS0");
    /* 64 MiB - 5000 rounded down to a page: 0x3ffe000. */
    ck_assert_uint_eq(ram32(bp + 0x218), 0x3ffe000);
    ck_assert_uint_eq(ram32(bp + 0x21c), 5000);
    ck_assert_uint_eq(boot.initrd_addr, 0x3ffe000);
    ck_assert_uint_eq(ram.ram[0x3ffe000 + 4999], 0x77);
    ck_assert_uint_eq(ram32(bp + 0x1e0), (RAM_SIZE - 0x100000) / 1024);
    /* e820: 4 entries, the fourth is RAM from 1 MiB. */
    ck_assert_uint_eq(ram.ram[bp + 0x1e8], 4);
    ck_assert_uint_eq(ram64(bp + 0x2d0 + 60), 0x100000);
    ck_assert_uint_eq(ram64(bp + 0x2d0 + 68), RAM_SIZE - 0x100000);
    ck_assert_uint_eq(ram32(bp + 0x2d0 + 76), 1);
    ck_assert_uint_eq(ram32(bp + 0x2d0 + 36), 2);   /* EBDA reserved */
    /* GDT: 0x10 flat code, 0x18 flat data. */
    ck_assert_uint_eq(boot.cs, 0x10);
    ck_assert_uint_eq(boot.ds, 0x18);
    ck_assert_uint_eq(boot.gdt_limit, 31);
    ck_assert_uint_eq(ram64(boot.gdt_base + 0x10),
                      UINT64_C(0x00cf9b000000ffff));
    ck_assert_uint_eq(ram64(boot.gdt_base + 0x18),
                      UINT64_C(0x00cf93000000ffff));
}
END_TEST

START_TEST(rejections)
{
    LinuxBoot boot;
    GError *err = NULL;
    char longline[3000];

    make_image(0x020f, 0x00);                   /* zImage */
    ck_assert(!linux_boot_load(as, RAM_SIZE, 0, img, sizeof(img), NULL,
                               NULL, 0, &boot, &err));
    ck_assert_ptr_nonnull(strstr(err->message, "zImage"));
    g_clear_error(&err);
    make_image(0x0201, 0x01);                   /* too old */
    ck_assert(!linux_boot_load(as, RAM_SIZE, 0, img, sizeof(img), NULL,
                               NULL, 0, &boot, &err));
    g_clear_error(&err);
    make_image(0x020f, 0x01);
    memset(longline, 'a', sizeof(longline) - 1);
    longline[sizeof(longline) - 1] = 0;
    ck_assert(!linux_boot_load(as, RAM_SIZE, 0, img, sizeof(img), longline,
                               NULL, 0, &boot, &err));
    ck_assert_ptr_nonnull(strstr(err->message, "command line"));
    g_clear_error(&err);
    ck_assert(!linux_boot_load(as, 4u << 20, 0, img, sizeof(img), NULL,
                               NULL, 0, &boot, &err));  /* init_size */
    ck_assert_ptr_nonnull(strstr(err->message, "does not fit"));
    g_clear_error(&err);
    img[0x202] = 0;
    ck_assert(!linux_boot_probe(img, sizeof(img)));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("linux-boot");
    TCase *tc = tcase_create("bzimage");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, load_bzimage);
    tcase_add_test(tc, rejections);
    suite_add_tcase(s, tc);
    return systest_run(s);
}
