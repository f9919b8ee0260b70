/*
 * bios-tables.h — little-endian field writers and the byte checksum that
 * firmware tables (hw/mptable.c, hw/acpi-tables.c) share: every table's
 * bytes, checksum included, sum to 0 modulo 256.
 */
#ifndef FERRY_HW_BIOS_TABLES_H
#define FERRY_HW_BIOS_TABLES_H

#include <stddef.h>
#include <stdint.h>

static inline void bt_put16(uint8_t *p, uint16_t v)
{
    p[0] = v;
    p[1] = v >> 8;
}

static inline void bt_put32(uint8_t *p, uint32_t v)
{
    bt_put16(p, v);
    bt_put16(p + 2, v >> 16);
}

static inline void bt_put64(uint8_t *p, uint64_t v)
{
    bt_put32(p, v);
    bt_put32(p + 4, v >> 32);
}

/* The byte that makes @len bytes at @p (with it as 0) sum to 0. */
static inline uint8_t bt_checksum(const uint8_t *p, size_t len)
{
    uint8_t sum = 0;

    for (size_t i = 0; i < len; i++) {
        sum += p[i];
    }
    return -sum;
}

#endif
