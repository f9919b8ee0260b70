/*
 * irq.c — setting an interrupt line: call its handler under the BQL; and
 * fan-out lines that forward one level to several receivers.
 */
#include "system/irq.h"

void sys_irq_set(SysIrqLine line, int level)
{
    sys_bql_assert_held();
    if (line.handler) {
        line.handler(line.opaque, line.n, level != 0);
    }
}

static void fanout_set(void *opaque, int n, int level) REQUIRES(sys_bql)
{
    SysIrqFanout *f = opaque;

    for (int i = 0; i < f->n; i++) {
        sys_irq_set(f->out[i], level);
    }
}

SysIrqLine sys_irq_fanout_line(SysIrqFanout *f)
{
    return sys_irq_line(fanout_set, f, 0);
}
