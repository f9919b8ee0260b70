/*
 * debugcon.h — the Bochs/QEMU debug console: bytes written to port 0xE9 go
 * to a sink; a read returns 0xE9 so guests can detect the port.
 */
#ifndef FERRY_HW_DEBUGCON_H
#define FERRY_HW_DEBUGCON_H

#include <stdint.h>

#include "system/memory.h"

#define DEBUGCON_PORT 0xe9

typedef void (*DebugconSink)(void *opaque, const uint8_t *buf, int len);

typedef struct Debugcon {
    DebugconSink sink;         /* immutable; NULL drops output */
    void *opaque;
    MemoryRegion io;           /* 1 byte, map at 0xE9 */
} Debugcon;

/* Initialise, sending output to @sink(@opaque, ...) under the BQL. */
void debugcon_init(Debugcon *d, DebugconSink sink, void *opaque);

#endif
