/*
 * i8042.h — the PS/2 keyboard controller at 0x60 (data) and 0x64 (status,
 * command), as far as a PC needs it before input devices: self-tests, the
 * command byte, the output port with the A20 gate (0xD1, 0xDD/0xDF) and the
 * CPU reset pulse (0xFE), and the minimal keyboard replies probes expect.
 */
#ifndef FERRY_HW_I8042_H
#define FERRY_HW_I8042_H

#include <stdbool.h>
#include <stdint.h>

#include "system/irq.h"
#include "system/memory.h"

#define I8042_QUEUE 16

/* Called under the BQL: a reset request, and the A20 gate changing. */
typedef void (*I8042ResetCb)(void *opaque);
typedef void (*I8042A20Cb)(void *opaque, bool enabled);

/* All fields are protected by the BQL. */
typedef struct I8042 {
    uint8_t status;               /* status register bits 2-4, 6-7 */
    uint8_t cmd_byte;             /* "mode" / controller command byte */
    uint8_t outport;              /* output port (bit 0 reset, 1 A20) */
    uint8_t pending_cmd;          /* command awaiting its data byte, or 0 */
    uint8_t kbd_pending;          /* keyboard command awaiting its arg */
    uint8_t queue[I8042_QUEUE];   /* output buffer queue */
    bool queue_aux[I8042_QUEUE];  /* byte came from the aux port */
    uint8_t q_head, q_count;
    SysIrqLine irq_kbd;           /* IRQ1; immutable after init */
    SysIrqLine irq_aux;           /* IRQ12; immutable after init */
    I8042ResetCb reset_cb;        /* immutable after init */
    I8042A20Cb a20_cb;
    void *cb_opaque;
    MemoryRegion io_data;         /* 1 byte, map at 0x60 */
    MemoryRegion io_cmd;          /* 1 byte, map at 0x64 */
} I8042;

/* Initialise at power-on state (A20 enabled in the output port). */
void i8042_init(I8042 *k, SysIrqLine irq_kbd, SysIrqLine irq_aux,
                I8042ResetCb reset_cb, I8042A20Cb a20_cb, void *opaque);

/* Hardware reset: self-test state, command byte, output port with A20
 * enabled (the A20 callback is told if it changes), empty queue. */
void i8042_reset(I8042 *k) REQUIRES(sys_bql);

/* Whether the output port currently enables A20. */
bool i8042_a20_enabled(I8042 *k) REQUIRES(sys_bql);

#endif
