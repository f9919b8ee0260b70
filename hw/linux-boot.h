/*
 * linux-boot.h — loading a Linux bzImage the way the x86 boot protocol
 * (Documentation/arch/x86/boot.rst) describes for a 32-bit entry: the
 * protected-mode kernel at 1 MiB, a zero page (boot_params) with the setup
 * header, command line, initrd and e820 map, and a GDT with the boot
 * selectors. The vCPU then enters the kernel as the result says.
 */
#ifndef FERRY_HW_LINUX_BOOT_H
#define FERRY_HW_LINUX_BOOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "system/memory.h"

/* Where the loader puts things (below 1 MiB). */
#define LINUX_BOOT_GDT       0x5000
#define LINUX_BOOT_PARAMS    0x7000
#define LINUX_BOOT_CMDLINE   0x20000
#define LINUX_BOOT_CMDLINE_MAX 0x10000

/* Offsets in boot_params (the zero page) and the setup header. */
enum {
    BP_ALT_MEM_K = 0x1e0, BP_E820_ENTRIES = 0x1e8, BP_SETUP_SECTS = 0x1f1,
    BP_BOOT_FLAG = 0x1fe, BP_JUMP = 0x200, BP_HEADER = 0x202,
    BP_VERSION = 0x206, BP_TYPE_OF_LOADER = 0x210, BP_LOADFLAGS = 0x211,
    BP_CODE32_START = 0x214, BP_RAMDISK_IMAGE = 0x218,
    BP_RAMDISK_SIZE = 0x21c, BP_CMD_LINE_PTR = 0x228,
    BP_INITRD_ADDR_MAX = 0x22c, BP_CMDLINE_SIZE = 0x238,
    BP_INIT_SIZE = 0x260, BP_E820_TABLE = 0x2d0,
};

/* The CPU state at entry: 32-bit protected mode, paging and interrupts
 * off, GDTR = {gdt_base, gdt_limit}, CS = cs (flat 4 GiB code), DS = ES =
 * SS = ds (flat data), ESI = esi (boot_params), EBX = EBP = EDI = 0,
 * EIP = entry. */
typedef struct LinuxBoot {
    uint32_t entry;
    uint32_t esi;
    uint32_t gdt_base;
    uint16_t gdt_limit;
    uint16_t cs, ds;
    uint32_t initrd_addr;        /* 0 without an initrd */
    uint16_t version;            /* boot protocol of the image */
} LinuxBoot;

/* Whether @image looks like a bzImage ("HdrS" setup header). */
bool linux_boot_probe(const uint8_t *image, size_t len);

/* Load @image with @cmdline (may be NULL) and @initrd (may be NULL) into
 * @as, whose RAM is @below_4g bytes from 0 and @above_4g from 4 GiB. On
 * failure returns false with @err set: not a bzImage, a protocol older
 * than 2.02, a zImage (not loaded high), a command line or initrd too
 * big, or a kernel that does not fit. */
bool linux_boot_load(AddressSpace *as, uint64_t below_4g, uint64_t above_4g,
                     const uint8_t *image, size_t len, const char *cmdline,
                     const uint8_t *initrd, size_t initrd_len,
                     LinuxBoot *out, GError **err);

GQuark linux_boot_error_quark(void);

#endif
