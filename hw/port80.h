/*
 * port80.h — the POST code port 0x80. Firmware writes progress codes there
 * and OSes use it as an I/O delay; the last code is kept for the monitor.
 */
#ifndef FERRY_HW_PORT80_H
#define FERRY_HW_PORT80_H

#include <stdint.h>

#include "system/memory.h"

typedef struct Port80 {
    uint8_t last_code;         /* BQL */
    MemoryRegion io;           /* 1 byte, map at 0x80 */
} Port80;

void port80_init(Port80 *p);

#endif
