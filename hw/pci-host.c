/*
 * pci-host.c — PCI config space and configuration mechanism #1 (PCI Local
 * Bus Specification 3.0, 3.2.2.3.2). CONFIG_ADDRESS is only a dword at
 * 0xCF8; CONFIG_DATA passes 1, 2 or 4 bytes at 0xCFC + (reg & 3) to the
 * selected function when the enable bit is set. Only bus 0 exists.
 */
#include "hw/pci-host.h"

#include <assert.h>
#include <string.h>

#include "jit/fatal.h"
#include "system/log.h"

#define CONFIG_ENABLE 0x80000000u
#define CONFIG_ADDRESS_MASK 0x80fffffcu

void pci_device_init(PciDevice *d, const char *name, uint16_t vendor,
                     uint16_t device, uint8_t revision, uint32_t class_code)
{
    memset(d, 0, sizeof(*d));
    d->name = name;
    pci_set_word(&d->config[PCI_VENDOR_ID], vendor);
    pci_set_word(&d->config[PCI_DEVICE_ID], device);
    d->config[PCI_REVISION_ID] = revision;
    d->config[PCI_CLASS_PROG] = class_code;
    d->config[PCI_CLASS_PROG + 1] = class_code >> 8;
    d->config[PCI_CLASS_PROG + 2] = class_code >> 16;
    /* I/O, memory, bus master, parity, SERR, interrupt disable. */
    pci_set_word(&d->wmask[PCI_COMMAND], 0x0547);
    /* Status error bits are write-one-to-clear. */
    pci_set_word(&d->w1cmask[PCI_STATUS], 0xf900);
    d->wmask[PCI_CACHE_LINE_SIZE] = 0xff;
    d->wmask[PCI_LATENCY_TIMER] = 0xff;
    d->wmask[PCI_INTERRUPT_LINE] = 0xff;
    memset(&d->wmask[0x40], 0xff, PCI_CONFIG_SIZE - 0x40);
    d->config_read = pci_default_config_read;
    d->config_write = pci_default_config_write;
}

void pci_bus_attach(PciBus *bus, PciDevice *d, unsigned devfn)
{
    if (devfn > 255 || bus->devices[devfn]) {
        ferry_die("pci: slot %02x.%x taken or invalid for %s", devfn >> 3,
                  devfn & 7, d->name);
    }
    d->devfn = devfn;
    d->bus = bus;
    bus->devices[devfn] = d;
}

uint32_t pci_default_config_read(PciDevice *d, unsigned addr, unsigned len)
{
    uint32_t v = 0;

    for (unsigned i = 0; i < len; i++) {
        v |= (uint32_t)d->config[addr + i] << (i * 8);
    }
    return v;
}

/* Drive the bus line from what the device wants and the disable bit. */
static void intx_update(PciDevice *d)
{
    bool level = d->intx_wanted &&
                 !(pci_get_word(&d->config[PCI_COMMAND]) &
                   PCI_COMMAND_INTX_DISABLE);
    PciBus *bus = d->bus;
    int pirq;

    if (level == d->intx_level || !bus || !bus->set_irq ||
        !d->config[PCI_INTERRUPT_PIN]) {
        return;
    }
    d->intx_level = level;
    pirq = bus->map_irq(d, d->config[PCI_INTERRUPT_PIN] - 1) & 3;
    bus->irq_count[pirq] += level ? 1 : -1;
    bus->set_irq(bus->irq_opaque, pirq, bus->irq_count[pirq] != 0);
}

void pci_set_irq(PciDevice *d, bool level)
{
    uint16_t status = pci_get_word(&d->config[PCI_STATUS]);

    d->intx_wanted = level;
    pci_set_word(&d->config[PCI_STATUS],
                 level ? status | PCI_STATUS_INTERRUPT
                       : status & ~PCI_STATUS_INTERRUPT);
    intx_update(d);
}

int pci_pc_map_irq(PciDevice *d, int pin)
{
    return (pin + (d->devfn >> 3) - 1) & 3;
}

void pci_default_config_write(PciDevice *d, unsigned addr, uint32_t val,
                              unsigned len)
{
    for (unsigned i = 0; i < len; i++) {
        uint8_t b = val >> (i * 8), wm = d->wmask[addr + i];
        uint8_t w1c = d->w1cmask[addr + i];

        d->config[addr + i] = (d->config[addr + i] & ~wm) | (b & wm);
        d->config[addr + i] &= ~(b & w1c);
    }
    if (addr <= PCI_COMMAND + 1 && addr + len > PCI_COMMAND) {
        intx_update(d);         /* the interrupt disable bit may change */
    }
}

uint32_t pci_bus_config_read(PciBus *bus, unsigned devfn, unsigned addr,
                             unsigned len)
{
    PciDevice *d = bus->devices[devfn & 0xff];

    assert(addr + len <= PCI_CONFIG_SIZE);
    if (!d) {
        return len == 4 ? 0xffffffffu : (1u << (len * 8)) - 1;
    }
    return d->config_read(d, addr, len);
}

void pci_bus_config_write(PciBus *bus, unsigned devfn, unsigned addr,
                          uint32_t val, unsigned len)
{
    PciDevice *d = bus->devices[devfn & 0xff];

    assert(addr + len <= PCI_CONFIG_SIZE);
    if (d) {
        d->config_write(d, addr, val, len);
    }
}

static uint64_t addr_read(void *opaque, uint64_t addr, unsigned size)
    REQUIRES(sys_bql)
{
    PciHost *h = opaque;

    if (addr != 0 || size != 4) {
        return (UINT64_C(1) << (size * 8)) - 1;   /* not CONFIG_ADDRESS */
    }
    return h->config_address;
}

static void addr_write(void *opaque, uint64_t addr, uint64_t val,
                       unsigned size) REQUIRES(sys_bql)
{
    PciHost *h = opaque;

    if (addr != 0 || size != 4) {
        sys_log_unimp("pci: %u-byte write to 0xcf8+%u", size, (unsigned)addr);
        return;
    }
    h->config_address = val & CONFIG_ADDRESS_MASK;
}

/* Whether CONFIG_ADDRESS selects a function on bus 0; sets its devfn. */
static bool selected(const PciHost *h, unsigned *devfn)
{
    uint32_t a = h->config_address;

    if (!(a & CONFIG_ENABLE) || ((a >> 16) & 0xff) != 0) {
        return false;
    }
    *devfn = (a >> 8) & 0xff;
    return true;
}

static uint64_t data_read(void *opaque, uint64_t addr, unsigned size)
    REQUIRES(sys_bql)
{
    PciHost *h = opaque;
    unsigned devfn, reg = (h->config_address & 0xfc) + addr;

    if (!selected(h, &devfn) || reg + size > PCI_CONFIG_SIZE) {
        return (UINT64_C(1) << (size * 8)) - 1;
    }
    return pci_bus_config_read(&h->bus, devfn, reg, size);
}

static void data_write(void *opaque, uint64_t addr, uint64_t val,
                       unsigned size) REQUIRES(sys_bql)
{
    PciHost *h = opaque;
    unsigned devfn, reg = (h->config_address & 0xfc) + addr;

    if (selected(h, &devfn) && reg + size <= PCI_CONFIG_SIZE) {
        pci_bus_config_write(&h->bus, devfn, reg, val, size);
    }
}

static const MemoryRegionOps addr_ops = {
    .read = addr_read, .write = addr_write, .max_access = 4,
};
static const MemoryRegionOps data_ops = {
    .read = data_read, .write = data_write, .max_access = 4,
};

void pci_host_init(PciHost *h)
{
    memset(h, 0, sizeof(*h));
    /* i440FX PMC: 8086:1237 rev 02, host bridge class 06/00/00, status
     * fast back-to-back and medium DEVSEL timing (0x0280). */
    pci_device_init(&h->bridge, "i440fx", 0x8086, 0x1237, 0x02, 0x060000);
    pci_set_word(&h->bridge.config[PCI_STATUS], 0x0280);
    pci_bus_attach(&h->bus, &h->bridge, PCI_DEVFN(0, 0));
    sys_mr_init_io(&h->io_addr, "pci-conf-addr", 4, &addr_ops, h);
    sys_mr_init_io(&h->io_data, "pci-conf-data", 4, &data_ops, h);
}
