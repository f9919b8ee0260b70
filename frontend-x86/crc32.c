/*
 * crc32.c — the SSE4.2 CRC32 instruction's arithmetic: CRC-32C (Castagnoli,
 * reflected polynomial 0x82F63B78) over 1, 2, 4 or 8 little-endian bytes,
 * without the initial/final inversion (the instruction has none).
 */
#include "frontend-x86/sse.h"

static uint32_t crc32c_table[256];

/* Built on first use; a racing second build writes identical values. */
static void crc32c_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) {
            c = (c >> 1) ^ (c & 1 ? 0x82f63b78u : 0);
        }
        crc32c_table[i] = c;
    }
}

uint32_t x86_crc32c(uint32_t crc, uint64_t val, uint32_t size)
{
    if (crc32c_table[1] == 0) {
        crc32c_init();
    }
    for (uint32_t i = 0; i < size; i++) {
        crc = (crc >> 8) ^ crc32c_table[(crc ^ (uint8_t)(val >> (8 * i))) & 0xff];
    }
    return crc;
}
