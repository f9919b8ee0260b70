/*
 * e820.c — the PC memory map: conventional memory up to the EBDA at
 * 0x9FC00, the BIOS at 0xF0000-0xFFFFF reserved, RAM from 1 MiB to the PCI
 * hole and from 4 GiB on.
 */
#include "hw/e820.h"

int e820_pc_layout(uint64_t below_4g, uint64_t above_4g,
                   E820Entry out[E820_PC_MAX])
{
    int n = 0;

    out[n++] = (E820Entry){ 0, 0x9fc00, E820_RAM };
    out[n++] = (E820Entry){ 0x9fc00, 0x400, E820_RESERVED };
    out[n++] = (E820Entry){ 0xf0000, 0x10000, E820_RESERVED };
    out[n++] = (E820Entry){ 0x100000, below_4g - 0x100000, E820_RAM };
    if (above_4g) {
        out[n++] = (E820Entry){ UINT64_C(0x100000000), above_4g, E820_RAM };
    }
    return n;
}
