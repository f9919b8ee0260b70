/*
 * debug-exit.h — isa-debug-exit: a port (default 0x501, 1, 2 or 4 bytes wide)
 * where a write of v asks the emulator to exit with status (v << 1) | 1, so
 * test kernels can report pass/fail without a shutdown path.
 */
#ifndef FERRY_HW_DEBUG_EXIT_H
#define FERRY_HW_DEBUG_EXIT_H

#include <stdint.h>

#include "system/memory.h"

#define DEBUG_EXIT_DEFAULT_IOBASE 0x501

/* Receives the exit request, under the BQL. */
typedef void (*DebugExitCb)(void *opaque, uint64_t status);

typedef struct DebugExit {
    unsigned iosize;           /* 1, 2 or 4; immutable */
    DebugExitCb cb;            /* immutable */
    void *opaque;
    MemoryRegion io;           /* iosize bytes, map at the iobase */
} DebugExit;

/* Initialise with an @iosize of 1, 2 or 4 bytes; aborts on another size
 * (a configuration bug, not guest input). */
void debug_exit_init(DebugExit *d, unsigned iosize, DebugExitCb cb,
                     void *opaque);

#endif
