/*
 * test-multiboot.c — the Multiboot 1 loader against the specification
 * (0.6.96): header search and checksum, flag 16 address fields with bss
 * zeroing, ELF32 with physical placement and the entry translated to its
 * physical address, page-aligned modules, and the boot information layout
 * (flags, mem_lower/upper in KB, cmdline, mods, mmap entries of size 20).
 */
#include <check.h>
#include <string.h>

#include "hw/multiboot.h"
#include "tests/system/systest.h"

#define RAM_SIZE (32u << 20)

static MemoryRegion root, ram;
static AddressSpace *as;
static const MbMemory mem = { RAM_SIZE, 0 };

static void put32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, 4);           /* little-endian host */
}

static void put16(uint8_t *p, uint16_t v)
{
    memcpy(p, &v, 2);
}

static uint32_t ram32(uint32_t addr)
{
    uint32_t v;

    memcpy(&v, ram.ram + addr, 4);
    return v;
}

static void header(uint8_t *p, uint32_t flags)
{
    put32(p, MB_HEADER_MAGIC);
    put32(p + 4, flags);
    put32(p + 8, -(MB_HEADER_MAGIC + flags));
}

static void setup(void)
{
    sys_bql_lock();
    sys_mr_init_container(&root, "root", UINT64_MAX);
    sys_mr_init_ram(&ram, "ram", RAM_SIZE);
    memset(ram.ram, 0xaa, RAM_SIZE);
    sys_mr_add_subregion(&root, 0, &ram);
    as = sys_as_new("mb-mem", &root);
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

/* A kernel with address fields: 0x180 bytes loaded at 1 MiB, bss to
 * 0x102000, header at file offset 0x40. */
static size_t aout_image(uint8_t *img, uint32_t load_addr)
{
    for (int i = 0; i < 0x200; i++) {
        img[i] = i;
    }
    header(img + 0x40, 0x00010003);
    put32(img + 0x4c, load_addr + 0x40);        /* header_addr */
    put32(img + 0x50, load_addr);               /* load_addr */
    put32(img + 0x54, load_addr + 0x180);       /* load_end_addr */
    put32(img + 0x58, load_addr + 0x2000);      /* bss_end_addr */
    put32(img + 0x5c, load_addr + 0x80);        /* entry_addr */
    return 0x200;
}

START_TEST(aout_kludge_and_info)
{
    uint8_t img[0x200];
    MbBoot boot;
    GError *err = NULL;
    uint32_t info, mmap;

    aout_image(img, 0x100000);
    ck_assert(mb_probe(img, sizeof(img)));
    ck_assert(mb_load(as, &mem, img, sizeof(img), "root=x", NULL, 0, &boot,
                      &err));
    ck_assert_mem_eq(ram.ram + 0x100000, img, 0x180);
    ck_assert_uint_eq(ram.ram[0x100180], 0);    /* bss zeroed */
    ck_assert_uint_eq(ram.ram[0x101fff], 0);
    ck_assert_uint_eq(ram.ram[0xfffff], 0xaa);  /* nothing before */
    ck_assert_uint_eq(boot.entry, 0x100080);
    ck_assert_uint_eq(boot.eax, 0x2badb002);
    ck_assert_uint_eq(boot.ebx, 0x102000);      /* page after the bss */
    info = boot.ebx;
    ck_assert_uint_eq(ram32(info + 0), 0x24d);  /* mem, cmdline, mods,
                                                   mmap, loader name */
    ck_assert_uint_eq(ram32(info + 4), 640);
    ck_assert_uint_eq(ram32(info + 8), (RAM_SIZE - 0x100000) / 1024);
    ck_assert_str_eq((char *)ram.ram + ram32(info + 16), "root=x");
    ck_assert_uint_eq(ram32(info + 20), 0);
    ck_assert_str_eq((char *)ram.ram + ram32(info + 64), "ferry");
    ck_assert_uint_eq(ram32(info + 44), 4 * 24);
    mmap = ram32(info + 48);
    ck_assert_uint_eq(ram32(mmap), 20);
    ck_assert_uint_eq(ram32(mmap + 4), 0);              /* base low */
    ck_assert_uint_eq(ram32(mmap + 12), 0x9fc00);       /* length low */
    ck_assert_uint_eq(ram32(mmap + 20), 1);             /* available */
    ck_assert_uint_eq(ram32(mmap + 72 + 4), 0x100000);
    ck_assert_uint_eq(ram32(mmap + 72 + 12), RAM_SIZE - 0x100000);
    ck_assert_uint_eq(ram32(mmap + 72 + 20), 1);
    ck_assert_uint_eq(ram32(mmap + 24 + 20), 2);        /* EBDA reserved */
}
END_TEST

/* An ELF32 kernel linked at 0xC0100000 and loaded at 1 MiB. */
static size_t elf_image(uint8_t *img)
{
    memset(img, 0, 0x2000);
    memcpy(img, "\177ELF", 4);
    img[4] = 1;                                 /* ELFCLASS32 */
    img[5] = 1;                                 /* little-endian */
    img[6] = 1;
    put16(img + 16, 2);                         /* ET_EXEC */
    put16(img + 18, 3);                         /* EM_386 */
    put32(img + 20, 1);
    put32(img + 24, 0xc0100010);                /* e_entry (virtual) */
    put32(img + 28, 52);                        /* e_phoff */
    put16(img + 40, 52);
    put16(img + 42, 32);                        /* e_phentsize */
    put16(img + 44, 2);                         /* e_phnum */
    for (int i = 0; i < 2; i++) {
        uint8_t *ph = img + 52 + 32 * i;

        put32(ph, 1);                           /* PT_LOAD */
        put32(ph + 4, 0x1000 + 0x800 * i);      /* p_offset */
        put32(ph + 8, 0xc0100000 + 0x1000 * i); /* p_vaddr */
        put32(ph + 12, 0x100000 + 0x1000 * i);  /* p_paddr */
        put32(ph + 16, i ? 0x10 : 0x100);       /* p_filesz */
        put32(ph + 20, i ? 0x2000 : 0x100);     /* p_memsz */
    }
    header(img + 0x1000, 0x00000003);
    for (int i = 0x100c; i < 0x1100; i++) {
        img[i] = 0x90;
    }
    memset(img + 0x1800, 0x5a, 0x10);
    return 0x2000;
}

START_TEST(elf32_with_modules)
{
    static uint8_t img[0x2000], mod1[5000];
    MbModule mods[2] = {
        { mod1, sizeof(mod1), "mod1 a" }, { (const uint8_t *)"0123456789", 10,
                                            NULL },
    };
    MbBoot boot;
    GError *err = NULL;
    uint32_t info, list;

    memset(mod1, 0x11, sizeof(mod1));
    elf_image(img);
    ck_assert(mb_load(as, &mem, img, sizeof(img), NULL, mods, 2, &boot,
                      &err));
    ck_assert_uint_eq(boot.entry, 0x100010);    /* physical */
    ck_assert_uint_eq(ram32(0x100000), MB_HEADER_MAGIC);
    ck_assert_uint_eq(ram.ram[0x101000], 0x5a);
    ck_assert_uint_eq(ram.ram[0x101010], 0);    /* bss of segment 2 */
    ck_assert_uint_eq(ram.ram[0x102fff], 0);
    ck_assert_uint_eq(boot.kernel_end, 0x103000);
    info = boot.ebx;
    ck_assert_uint_eq(info, 0x106000);
    ck_assert_uint_eq(ram32(info + 20), 2);
    list = ram32(info + 24);
    ck_assert_uint_eq(ram32(list), 0x103000);           /* page-aligned */
    ck_assert_uint_eq(ram32(list + 4), 0x103000 + 5000);
    ck_assert_str_eq((char *)ram.ram + ram32(list + 8), "mod1 a");
    ck_assert_uint_eq(ram32(list + 16), 0x105000);
    ck_assert_uint_eq(ram32(list + 20), 0x10500a);
    ck_assert_str_eq((char *)ram.ram + ram32(list + 24), "");
    ck_assert_mem_eq(ram.ram + 0x105000, "0123456789", 10);
    ck_assert_uint_eq(ram.ram[0x103000 + 4999], 0x11);
    ck_assert_str_eq((char *)ram.ram + ram32(info + 16), "");
}
END_TEST

START_TEST(rejections)
{
    static uint8_t img[0x2000];
    MbBoot boot;
    GError *err = NULL;

    memset(img, 0, sizeof(img));
    ck_assert(!mb_probe(img, sizeof(img)));
    ck_assert(!mb_load(as, &mem, img, sizeof(img), NULL, NULL, 0, &boot,
                       &err));
    g_clear_error(&err);
    header(img + 8, 0x3);
    img[16] ^= 1;                               /* bad checksum */
    ck_assert(!mb_probe(img, sizeof(img)));
    header(img + 8, 0x8);                       /* unknown required bit */
    ck_assert(!mb_load(as, &mem, img, sizeof(img), NULL, NULL, 0, &boot,
                       &err));
    ck_assert_ptr_nonnull(strstr(err->message, "unsupported"));
    g_clear_error(&err);
    elf_image(img);
    img[4] = 2;                                 /* ELFCLASS64 */
    ck_assert(!mb_load(as, &mem, img, sizeof(img), NULL, NULL, 0, &boot,
                       &err));
    ck_assert_ptr_nonnull(strstr(err->message, "64-bit"));
    g_clear_error(&err);
    aout_image(img, 0x10000000);                /* 256 MiB: beyond RAM */
    ck_assert(!mb_load(as, &mem, img, 0x200, NULL, NULL, 0, &boot, &err));
    ck_assert_ptr_nonnull(strstr(err->message, "outside RAM"));
    g_clear_error(&err);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("multiboot");
    TCase *tc = tcase_create("loader");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, aout_kludge_and_info);
    tcase_add_test(tc, elf32_with_modules);
    tcase_add_test(tc, rejections);
    suite_add_tcase(s, tc);
    return systest_run(s);
}
