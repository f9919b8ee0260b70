/*
 * fw-cfg.h — QEMU's firmware configuration interface as firmware (SeaBIOS,
 * OVMF) and Linux expect it on a PC: a 16-bit selector written at 0x510
 * and a byte-wide data port at 0x511 reading the selected item from its
 * start. Items are numbered (RAM size, CPU count, kernel, initrd, command
 * line) or named files listed in a big-endian directory. Optionally the DMA
 * interface at 0x514 copies items straight into guest memory.
 */
#ifndef FERRY_HW_FW_CFG_H
#define FERRY_HW_FW_CFG_H

#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "system/memory.h"

#define FW_CFG_IOBASE 0x510
#define FW_CFG_DMA_IOBASE 0x514

/* Item keys (QEMU docs/specs/fw_cfg.rst). */
enum {
    FW_CFG_SIGNATURE = 0x00, FW_CFG_ID = 0x01, FW_CFG_UUID = 0x02,
    FW_CFG_RAM_SIZE = 0x03, FW_CFG_NOGRAPHIC = 0x04, FW_CFG_NB_CPUS = 0x05,
    FW_CFG_MACHINE_ID = 0x06, FW_CFG_KERNEL_ADDR = 0x07,
    FW_CFG_KERNEL_SIZE = 0x08, FW_CFG_KERNEL_CMDLINE = 0x09,
    FW_CFG_INITRD_ADDR = 0x0a, FW_CFG_INITRD_SIZE = 0x0b,
    FW_CFG_BOOT_DEVICE = 0x0c, FW_CFG_NUMA = 0x0d, FW_CFG_BOOT_MENU = 0x0e,
    FW_CFG_MAX_CPUS = 0x0f, FW_CFG_KERNEL_ENTRY = 0x10,
    FW_CFG_KERNEL_DATA = 0x11, FW_CFG_INITRD_DATA = 0x12,
    FW_CFG_CMDLINE_ADDR = 0x13, FW_CFG_CMDLINE_SIZE = 0x14,
    FW_CFG_CMDLINE_DATA = 0x15, FW_CFG_SETUP_ADDR = 0x16,
    FW_CFG_SETUP_SIZE = 0x17, FW_CFG_SETUP_DATA = 0x18,
    FW_CFG_FILE_DIR = 0x19, FW_CFG_FILE_FIRST = 0x20,
    FW_CFG_WRITE_CHANNEL = 0x4000, FW_CFG_ARCH_LOCAL = 0x8000,
    FW_CFG_E820_TABLE = 0x8003,
};

#define FW_CFG_MAX_FILE_PATH 56

/* The device. Items are added by the board before the guest runs; the
 * selection state is protected by the BQL. */
typedef struct FwCfg {
    GHashTable *items;         /* key -> GBytes */
    GPtrArray *files;          /* FwCfgFile, sorted by name */
    uint16_t cur_key;          /* BQL */
    uint32_t cur_offset;       /* BQL */
    uint64_t dma_addr;         /* BQL: high half written first */
    AddressSpace *dma_as;      /* set by fw_cfg_enable_dma; immutable */
    MemoryRegion io;           /* 2 bytes, map at 0x510 */
    MemoryRegion io_dma;       /* 8 bytes, map at 0x514 (with DMA) */
} FwCfg;

/* Initialise with the signature "QEMU", the ID (traditional interface
 * only: 1) and an empty file directory. */
void fw_cfg_init(FwCfg *f);

/* Offer the DMA interface (ID bit 1) working on @as; map io_dma. */
void fw_cfg_enable_dma(FwCfg *f, AddressSpace *as);

/* Reset the selection (items stay). */
void fw_cfg_reset(FwCfg *f) REQUIRES(sys_bql);

/* Free the items. */
void fw_cfg_fini(FwCfg *f);

/* Set item @key to a copy of @len bytes at @data (replacing it). */
void fw_cfg_add_bytes(FwCfg *f, uint16_t key, const void *data, size_t len);

/* Set item @key to a little-endian integer / a NUL-terminated string. */
void fw_cfg_add_i16(FwCfg *f, uint16_t key, uint16_t v);
void fw_cfg_add_i32(FwCfg *f, uint16_t key, uint32_t v);
void fw_cfg_add_i64(FwCfg *f, uint16_t key, uint64_t v);
void fw_cfg_add_string(FwCfg *f, uint16_t key, const char *s);

/* Add a named file (copied); returns its selector. Names are unique and at
 * most 55 characters (a board bug otherwise). Selectors follow name order,
 * so they may shift while files are still being added. */
uint16_t fw_cfg_add_file(FwCfg *f, const char *name, const void *data,
                         size_t len);

#endif
