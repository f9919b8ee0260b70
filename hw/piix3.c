/*
 * piix3.c — PIIX3 interrupt routing (Intel 82371SB datasheet, PIRQRC[A:D]):
 * bit 7 set disables a route, bits 3:0 name the ISA IRQ (0-2, 8 and 13 are
 * reserved). An ISA IRQ is driven high while any PIRQ routed to it is; the
 * guest sets it level-triggered in the ELCR. The PIRQs also go straight to
 * I/O APIC pins when the board connects them. Everything runs under the
 * BQL.
 */
#include "hw/piix3.h"

#include <string.h>

static bool route_valid(uint8_t r)
{
    unsigned irq = r & 0x0f;

    return !(r & 0x80) && irq > 2 && irq != 8 && irq != 13;
}

/* Recompute every ISA line this bridge drives. */
static void piix3_update(Piix3 *p) REQUIRES(sys_bql)
{
    bool want[16] = { false };

    for (int pirq = 0; pirq < 4; pirq++) {
        uint8_t r = p->dev.config[PIIX3_PIRQRC + pirq];

        if (p->pirq_level[pirq] && route_valid(r)) {
            want[r & 0x0f] = true;
        }
    }
    for (int irq = 0; irq < 16; irq++) {
        if (want[irq] != p->isa_level[irq]) {
            p->isa_level[irq] = want[irq];
            sys_irq_set(pic_input(p->pic, irq), want[irq]);
        }
    }
}

static void piix3_set_irq(void *opaque, int pirq, int level) REQUIRES(sys_bql)
{
    Piix3 *p = opaque;

    p->pirq_level[pirq] = level;
    sys_irq_set(p->apic_pirq[pirq], level);
    piix3_update(p);
}

NO_THREAD_SAFETY_ANALYSIS   /* config space is accessed under the BQL */
static void piix3_config_write(PciDevice *d, unsigned addr, uint32_t val,
                               unsigned len)
{
    Piix3 *p = (Piix3 *)d;

    pci_default_config_write(d, addr, val, len);
    if (addr < PIIX3_PIRQRC + 4 && addr + len > PIIX3_PIRQRC) {
        piix3_update(p);
    }
}

void piix3_reset(Piix3 *p)
{
    memset(&p->dev.config[PIIX3_PIRQRC], 0x80, 4);
    piix3_update(p);
}

void piix3_init(Piix3 *p, PciBus *bus, PicPair *pic)
{
    memset(p, 0, sizeof(*p));
    p->pic = pic;
    /* 82371SB function 0: ISA bridge, multi-function header. */
    pci_device_init(&p->dev, "piix3", 0x8086, 0x7000, 0x00, 0x060100);
    p->dev.config[PCI_HEADER_TYPE] = 0x80;
    memset(&p->dev.config[PIIX3_PIRQRC], 0x80, 4);   /* routes disabled */
    p->dev.config_write = piix3_config_write;
    pci_bus_attach(bus, &p->dev, PCI_DEVFN(1, 0));
    bus->map_irq = pci_pc_map_irq;
    bus->set_irq = piix3_set_irq;
    bus->irq_opaque = p;
}
