/*
 * port92.h — System Control Port A (0x92, "fast A20"): bit 1 gates A20,
 * bit 0 requests a CPU reset, without going through the keyboard
 * controller.
 */
#ifndef FERRY_HW_PORT92_H
#define FERRY_HW_PORT92_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/i8042.h"
#include "system/memory.h"

typedef struct Port92 {
    uint8_t value;               /* BQL */
    I8042ResetCb reset_cb;       /* immutable after init */
    I8042A20Cb a20_cb;
    void *opaque;
    MemoryRegion io;             /* 1 byte, map at 0x92 */
} Port92;

/* Initialise with A20 off; the callbacks run under the BQL. */
void port92_init(Port92 *p, I8042ResetCb reset_cb, I8042A20Cb a20_cb,
                 void *opaque);

/* Reset: A20 gate bit and reset bit clear (the callback is told). */
void port92_reset(Port92 *p) REQUIRES(sys_bql);

#endif
