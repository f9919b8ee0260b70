/*
 * debug-exit.c — isa-debug-exit: any write to the port is an exit request
 * with status (value << 1) | 1 (odd, so it never looks like a clean 0).
 */
#include "hw/debug-exit.h"

#include <string.h>

#include "jit/fatal.h"

static void debug_exit_write(void *opaque, uint64_t addr, uint64_t val,
                             unsigned size)
{
    DebugExit *d = opaque;

    d->cb(d->opaque, (val << 1) | 1);
}

static const MemoryRegionOps debug_exit_ops = {
    .write = debug_exit_write, .min_access = 1, .max_access = 4,
};

void debug_exit_init(DebugExit *d, unsigned iosize, DebugExitCb cb,
                     void *opaque)
{
    if (iosize != 1 && iosize != 2 && iosize != 4) {
        ferry_die("isa-debug-exit: iosize %u is not 1, 2 or 4", iosize);
    }
    memset(d, 0, sizeof(*d));
    d->iosize = iosize;
    d->cb = cb;
    d->opaque = opaque;
    sys_mr_init_io(&d->io, "isa-debug-exit", iosize, &debug_exit_ops, d);
}
