/*
 * irq.c — setting an interrupt line: call its handler under the BQL.
 */
#include "system/irq.h"

void sys_irq_set(SysIrqLine line, int level)
{
    sys_bql_assert_held();
    if (line.handler) {
        line.handler(line.opaque, line.n, level != 0);
    }
}
