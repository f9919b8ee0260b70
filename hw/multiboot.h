/*
 * multiboot.h — loading a Multiboot (version 1) kernel into guest RAM: the
 * header search, ELF32 or the a.out kludge (address fields), modules, and
 * the boot information structure with memory map and command line. The
 * vCPU then starts the kernel as the specification requires.
 */
#ifndef FERRY_HW_MULTIBOOT_H
#define FERRY_HW_MULTIBOOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "system/memory.h"

#define MB_HEADER_MAGIC 0x1badb002u
#define MB_BOOT_MAGIC   0x2badb002u

/* Boot information flags (Multiboot 0.6.96, section 3.3). */
enum {
    MB_INFO_MEMORY = 1u << 0, MB_INFO_BOOTDEV = 1u << 1,
    MB_INFO_CMDLINE = 1u << 2, MB_INFO_MODS = 1u << 3,
    MB_INFO_MEM_MAP = 1u << 6, MB_INFO_LOADER_NAME = 1u << 9,
};

/* Offsets inside the boot information structure. */
enum {
    MBI_FLAGS = 0, MBI_MEM_LOWER = 4, MBI_MEM_UPPER = 8, MBI_BOOT_DEVICE = 12,
    MBI_CMDLINE = 16, MBI_MODS_COUNT = 20, MBI_MODS_ADDR = 24,
    MBI_MMAP_LENGTH = 44, MBI_MMAP_ADDR = 48, MBI_LOADER_NAME = 64,
    MBI_SIZE = 88,
};

typedef struct MbModule {
    const uint8_t *data;
    size_t len;
    const char *cmdline;        /* may be NULL */
} MbModule;

/* The guest RAM layout the loader may use and report. */
typedef struct MbMemory {
    uint64_t below_4g;          /* RAM bytes from 0 */
    uint64_t above_4g;          /* RAM bytes from 4 GiB */
} MbMemory;

/* Where the CPU starts: 32-bit protected mode, flat 4 GiB code and data
 * segments, paging and interrupts off, A20 on, EIP = entry, EAX = eax
 * (MB_BOOT_MAGIC), EBX = ebx (the boot information). */
typedef struct MbBoot {
    uint32_t entry;
    uint32_t eax;
    uint32_t ebx;
    uint32_t kernel_start, kernel_end;   /* loaded image, end exclusive */
} MbBoot;

/* Whether @image holds a Multiboot header (in its first 8 KiB). */
bool mb_probe(const uint8_t *image, size_t len);

/* Load @image with @cmdline (may be NULL) and @nmods modules into @as,
 * whose RAM is described by @mem. On failure returns false with @err set
 * (domain mb_error_quark()): no header, bad checksum, unsupported flags, a
 * malformed or 64-bit ELF, or a placement outside RAM. */
bool mb_load(AddressSpace *as, const MbMemory *mem, const uint8_t *image,
             size_t len, const char *cmdline, const MbModule *mods,
             int nmods, MbBoot *out, GError **err);

GQuark mb_error_quark(void);

#endif
