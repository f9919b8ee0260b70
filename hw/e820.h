/*
 * e820.h — the PC memory map handed to kernels (Multiboot mmap, Linux
 * boot_params e820 table): usable RAM around the EBDA, the BIOS area and
 * the PCI hole, as one table both loaders share.
 */
#ifndef FERRY_HW_E820_H
#define FERRY_HW_E820_H

#include <stdint.h>

enum { E820_RAM = 1, E820_RESERVED = 2 };

#define E820_PC_MAX 5

typedef struct E820Entry {
    uint64_t addr;
    uint64_t len;
    uint32_t type;
} E820Entry;

/* Fill @out with the map of a PC with @below_4g bytes of RAM from 0 (at
 * least 1 MiB) and @above_4g from 4 GiB; returns the number of entries. */
int e820_pc_layout(uint64_t below_4g, uint64_t above_4g,
                   E820Entry out[E820_PC_MAX]);

#endif
