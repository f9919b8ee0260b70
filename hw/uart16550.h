/*
 * uart16550.h — a 16550A UART (8 registers, e.g. at 0x3F8 for COM1) with
 * 16-byte receive FIFO, interrupts with the datasheet's IIR priorities, and
 * loopback. Transmitted bytes go at once to a sink callback (a chardev
 * later); received bytes are injected with uart_receive().
 */
#ifndef FERRY_HW_UART16550_H
#define FERRY_HW_UART16550_H

#include <stdbool.h>
#include <stdint.h>

#include "system/clock.h"
#include "system/irq.h"
#include "system/memory.h"

#define UART_FIFO_SIZE 16

/* Receives transmitted bytes, under the BQL. */
typedef void (*UartSink)(void *opaque, const uint8_t *buf, int len);

/* The UART. All fields are protected by the BQL. */
typedef struct Uart16550 {
    uint16_t divisor;          /* DLL/DLM; baud = 115200 / divisor */
    uint8_t ier, lcr, mcr, lsr, msr, scr;
    uint8_t fcr;               /* FIFO enable and trigger bits as written */
    uint8_t rx[UART_FIFO_SIZE];
    uint8_t rx_head, rx_count;
    bool thr_ipending;         /* THR empty interrupt not yet acknowledged */
    bool timeout_ipending;     /* character timeout (FIFO mode) */
    uint8_t modem_in;          /* external CTS/DSR/RI/DCD, MSR bit layout */
    bool irq_level;
    SysIrqLine irq;            /* immutable after init */
    UartSink sink;             /* immutable after init; may be NULL */
    void *sink_opaque;
    SysClock *clock;           /* immutable after init */
    SysTimer timeout_timer;
    MemoryRegion io;           /* 8 bytes */
} Uart16550;

/* Initialise at power-on state; @sink may be NULL (output dropped). */
void uart_init(Uart16550 *s, SysClock *clock, SysIrqLine irq, UartSink sink,
               void *sink_opaque);

/* Master reset. */
void uart_reset(Uart16550 *s) REQUIRES(sys_bql);

/* Room in the receiver: how many bytes uart_receive() takes without
 * overrun (for a chardev's flow control). */
int uart_can_receive(Uart16550 *s) REQUIRES(sys_bql);

/* A byte string arriving on the serial line; bytes beyond the room are
 * lost with an overrun error, as on the wire. */
void uart_receive(Uart16550 *s, const uint8_t *buf, int len) REQUIRES(sys_bql);

/* Set the external modem inputs (MSR bits 4-7: CTS, DSR, RI, DCD). */
void uart_set_modem_inputs(Uart16550 *s, uint8_t msr_bits) REQUIRES(sys_bql);

#endif
