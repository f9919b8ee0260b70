/*
 * linux-boot.c — the x86 Linux boot protocol, 32-bit entry. The setup
 * header is copied from the image into a zeroed boot_params and completed
 * (loader type, command line, initrd, memory sizes, e820); the real-mode
 * setup code is not run, so nothing below 1 MiB but our own tables is
 * used. The initrd goes as high as initrd_addr_max and RAM allow.
 */
#include "hw/linux-boot.h"

#include <string.h>

#include "hw/e820.h"

#define HDRS_MAGIC 0x53726448u          /* "HdrS" */
#define LOADED_HIGH 0x01
#define KERNEL_ADDR 0x100000u
#define PAGE 4096u

G_DEFINE_QUARK(ferry-linux-boot-error, linux_boot_error)

static uint32_t rd32(const uint8_t *p)
{
    return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t rd16(const uint8_t *p)
{
    return p[0] | p[1] << 8;
}

static void wr16(uint8_t *p, uint16_t v)
{
    p[0] = v;
    p[1] = v >> 8;
}

static void wr32(uint8_t *p, uint32_t v)
{
    wr16(p, v);
    wr16(p + 2, v >> 16);
}

static void wr64(uint8_t *p, uint64_t v)
{
    wr32(p, v);
    wr32(p + 4, v >> 32);
}

bool linux_boot_probe(const uint8_t *image, size_t len)
{
    return len >= 0x264 && rd32(image + BP_HEADER) == HDRS_MAGIC;
}

static bool fail(GError **err, const char *msg)
{
    g_set_error_literal(err, linux_boot_error_quark(), 0, msg);
    return false;
}

/* The setup header checks; sets the size of the real-mode part. */
static bool check_header(const uint8_t *image, size_t len, size_t *setup,
                         GError **err)
{
    unsigned sects;

    if (!linux_boot_probe(image, len)) {
        return fail(err, "linux: not a bzImage (no HdrS header)");
    }
    if (rd16(image + BP_VERSION) < 0x0202) {
        return fail(err, "linux: boot protocol older than 2.02");
    }
    if (!(image[BP_LOADFLAGS] & LOADED_HIGH)) {
        return fail(err, "linux: zImage (not loaded high) is unsupported");
    }
    sects = image[BP_SETUP_SECTS] ? image[BP_SETUP_SECTS] : 4;
    *setup = (sects + 1) * 512;
    if (*setup >= len) {
        return fail(err, "linux: image ends inside its setup code");
    }
    return true;
}

/* A flat GDT with the boot protocol's selectors 0x10 (code), 0x18 (data). */
static void write_gdt(AddressSpace *as, LinuxBoot *out)
{
    uint8_t gdt[32] = { 0 };

    wr64(gdt + 0x10, UINT64_C(0x00cf9b000000ffff));
    wr64(gdt + 0x18, UINT64_C(0x00cf93000000ffff));
    sys_as_write_buf(as, LINUX_BOOT_GDT, gdt, sizeof(gdt));
    out->gdt_base = LINUX_BOOT_GDT;
    out->gdt_limit = sizeof(gdt) - 1;
    out->cs = 0x10;
    out->ds = 0x18;
}

static void fill_memory(uint8_t *bp, uint64_t below_4g, uint64_t above_4g)
{
    E820Entry map[E820_PC_MAX];
    int n = e820_pc_layout(below_4g, above_4g, map);
    uint64_t ext_k = (below_4g - 0x100000) / 1024;

    wr16(bp + 0x002, MIN(ext_k, 0xfc00));       /* screen_info.ext_mem_k */
    wr32(bp + BP_ALT_MEM_K, ext_k);
    bp[BP_E820_ENTRIES] = n;
    for (int i = 0; i < n; i++) {
        wr64(bp + BP_E820_TABLE + i * 20, map[i].addr);
        wr64(bp + BP_E820_TABLE + i * 20 + 8, map[i].len);
        wr32(bp + BP_E820_TABLE + i * 20 + 16, map[i].type);
    }
}

/* The initrd at the highest page-aligned address below both RAM's end
 * and initrd_addr_max, above the kernel. */
static bool place_initrd(AddressSpace *as, uint8_t *bp, uint64_t below_4g,
                         uint64_t kernel_end, const uint8_t *initrd,
                         size_t len, LinuxBoot *out, GError **err)
{
    uint16_t version = rd16(bp + BP_VERSION);
    uint64_t max = version >= 0x0203 ? rd32(bp + BP_INITRD_ADDR_MAX)
                                     : 0x37ffffff;
    uint64_t top = MIN(max + 1, below_4g), addr;

    if (len > top || (top - len) / PAGE * PAGE < kernel_end) {
        return fail(err, "linux: initrd does not fit below initrd_addr_max");
    }
    addr = (top - len) & ~(uint64_t)(PAGE - 1);
    sys_as_write_buf(as, addr, initrd, len);
    wr32(bp + BP_RAMDISK_IMAGE, addr);
    wr32(bp + BP_RAMDISK_SIZE, len);
    out->initrd_addr = addr;
    return true;
}

static bool set_cmdline(AddressSpace *as, uint8_t *bp, const char *cmdline,
                        GError **err)
{
    uint16_t version = rd16(bp + BP_VERSION);
    size_t max = version >= 0x0206 ? rd32(bp + BP_CMDLINE_SIZE) : 255;
    size_t len = strlen(cmdline);

    if (len > max || len >= LINUX_BOOT_CMDLINE_MAX) {
        return fail(err, "linux: command line longer than the kernel takes");
    }
    sys_as_write_buf(as, LINUX_BOOT_CMDLINE, cmdline, len + 1);
    wr32(bp + BP_CMD_LINE_PTR, LINUX_BOOT_CMDLINE);
    return true;
}

bool linux_boot_load(AddressSpace *as, uint64_t below_4g, uint64_t above_4g,
                     const uint8_t *image, size_t len, const char *cmdline,
                     const uint8_t *initrd, size_t initrd_len,
                     LinuxBoot *out, GError **err)
{
    uint8_t bp[4096] = { 0 };
    size_t setup, hdr_end, kernel_len;
    uint64_t kernel_end;

    memset(out, 0, sizeof(*out));
    if (!check_header(image, len, &setup, err)) {
        return false;
    }
    kernel_len = len - setup;
    kernel_end = KERNEL_ADDR + kernel_len;
    if (rd16(image + BP_VERSION) >= 0x020a) {
        kernel_end = MAX(kernel_end, KERNEL_ADDR +
                                     (uint64_t)rd32(image + BP_INIT_SIZE));
    }
    if (kernel_end > below_4g) {
        return fail(err, "linux: kernel does not fit in RAM");
    }
    /* The header runs from 0x1f1 to 0x202 + the byte at 0x201. */
    hdr_end = MIN(0x202 + (size_t)image[BP_JUMP + 1], setup);
    memcpy(bp + BP_SETUP_SECTS, image + BP_SETUP_SECTS,
           hdr_end - BP_SETUP_SECTS);
    bp[BP_TYPE_OF_LOADER] = 0xff;               /* undefined loader */
    out->version = rd16(bp + BP_VERSION);
    if (!set_cmdline(as, bp, cmdline ? cmdline : "", err)) {
        return false;
    }
    if (initrd && !place_initrd(as, bp, below_4g, kernel_end, initrd,
                                initrd_len, out, err)) {
        return false;
    }
    fill_memory(bp, below_4g, above_4g);
    sys_as_write_buf(as, KERNEL_ADDR, image + setup, kernel_len);
    sys_as_write_buf(as, LINUX_BOOT_PARAMS, bp, sizeof(bp));
    write_gdt(as, out);
    out->entry = rd32(bp + BP_CODE32_START) ? rd32(bp + BP_CODE32_START)
                                            : KERNEL_ADDR;
    out->esi = LINUX_BOOT_PARAMS;
    return true;
}
