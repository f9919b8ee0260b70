/*
 * irq.h — interrupt lines as plain values: a handler, its opaque pointer and
 * the input number it stands for. A device holds the lines it drives and
 * sets their level; the board wires them by copying values. Lines change
 * under the BQL, so handlers run under it too.
 */
#ifndef FERRY_SYSTEM_IRQ_H
#define FERRY_SYSTEM_IRQ_H

#include <stdbool.h>

#include "system/bql.h"

/* Called with the new @level (0 or 1) of input @n of @opaque. */
typedef void (*SysIrqHandler)(void *opaque, int n, int level);

typedef struct SysIrqLine {
    SysIrqHandler handler;     /* NULL: not connected, setting is a no-op */
    void *opaque;
    int n;
} SysIrqLine;

/* The line that drives input @n of @opaque through @handler. */
static inline SysIrqLine sys_irq_line(SysIrqHandler handler, void *opaque,
                                      int n)
{
    SysIrqLine l = { handler, opaque, n };

    return l;
}

/* Set @line to @level (any non-zero is 1). Handlers are called every time,
 * even without a change: edge detection belongs to the receiver. */
void sys_irq_set(SysIrqLine line, int level) REQUIRES(sys_bql);

static inline void sys_irq_raise(SysIrqLine line) REQUIRES(sys_bql)
{
    sys_irq_set(line, 1);
}

static inline void sys_irq_lower(SysIrqLine line) REQUIRES(sys_bql)
{
    sys_irq_set(line, 0);
}

/* Raise then lower: an edge for edge-triggered receivers. */
static inline void sys_irq_pulse(SysIrqLine line) REQUIRES(sys_bql)
{
    sys_irq_set(line, 1);
    sys_irq_set(line, 0);
}

/* One input driving several lines (an ISA IRQ going to both the PIC and
 * the I/O APIC). Embedded by whoever wires it; outputs set at wiring. */
#define SYS_IRQ_FANOUT_MAX 4
typedef struct SysIrqFanout {
    SysIrqLine out[SYS_IRQ_FANOUT_MAX];
    int n;
} SysIrqFanout;

/* The line that sets every output of @f to its level. */
SysIrqLine sys_irq_fanout_line(SysIrqFanout *f);

/* Whether @line is connected. */
static inline bool sys_irq_connected(SysIrqLine line)
{
    return line.handler != NULL;
}

#endif
