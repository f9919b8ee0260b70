/*
 * debugcon.c — port 0xE9 debug console: writes to the sink, reads 0xE9.
 */
#include "hw/debugcon.h"

#include <string.h>

static uint64_t debugcon_read(void *opaque, uint64_t addr, unsigned size)
{
    return DEBUGCON_PORT;
}

static void debugcon_write(void *opaque, uint64_t addr, uint64_t val,
                           unsigned size)
{
    Debugcon *d = opaque;
    uint8_t ch = val;

    if (d->sink) {
        d->sink(d->opaque, &ch, 1);
    }
}

static const MemoryRegionOps debugcon_ops = {
    .read = debugcon_read, .write = debugcon_write, .max_access = 1,
};

void debugcon_init(Debugcon *d, DebugconSink sink, void *opaque)
{
    memset(d, 0, sizeof(*d));
    d->sink = sink;
    d->opaque = opaque;
    sys_mr_init_io(&d->io, "debugcon", 1, &debugcon_ops, d);
}
