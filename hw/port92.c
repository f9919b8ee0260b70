/*
 * port92.c — System Control Port A as on PIIX and most PC chipsets: bit 1
 * is the fast A20 gate, a 0->1 write of bit 0 pulses the CPU reset (the bit
 * then reads back as written, as QEMU and SeaBIOS expect).
 */
#include "hw/port92.h"

#include <string.h>

static uint64_t port92_read(void *opaque, uint64_t addr, unsigned size)
{
    Port92 *p = opaque;

    return p->value;
}

static void port92_write(void *opaque, uint64_t addr, uint64_t val,
                         unsigned size)
{
    Port92 *p = opaque;
    uint8_t old = p->value;

    p->value = val & 0x03;
    if (((old ^ val) & 0x02) && p->a20_cb) {
        p->a20_cb(p->opaque, val & 0x02);
    }
    if ((val & 0x01) && !(old & 0x01) && p->reset_cb) {
        p->reset_cb(p->opaque);
    }
}

static const MemoryRegionOps port92_ops = {
    .read = port92_read, .write = port92_write, .max_access = 1,
};

void port92_reset(Port92 *p)
{
    port92_write(p, 0, 0, 1);
}

void port92_init(Port92 *p, I8042ResetCb reset_cb, I8042A20Cb a20_cb,
                 void *opaque)
{
    memset(p, 0, sizeof(*p));
    p->reset_cb = reset_cb;
    p->a20_cb = a20_cb;
    p->opaque = opaque;
    sys_mr_init_io(&p->io, "port92", 1, &port92_ops, p);
}
