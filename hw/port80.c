/*
 * port80.c — POST code port: writes are remembered, reads return 0xFF (no
 * POST card latches them back on a PC).
 */
#include "hw/port80.h"

#include <string.h>

static uint64_t port80_read(void *opaque, uint64_t addr, unsigned size)
{
    return 0xff;
}

static void port80_write(void *opaque, uint64_t addr, uint64_t val,
                         unsigned size)
{
    Port80 *p = opaque;

    p->last_code = val;
}

static const MemoryRegionOps port80_ops = {
    .read = port80_read, .write = port80_write, .max_access = 1,
};

void port80_init(Port80 *p)
{
    memset(p, 0, sizeof(*p));
    sys_mr_init_io(&p->io, "port80", 1, &port80_ops, p);
}
