/*
 * pci-host.h — PCI configuration space: a bus of devices (each embeds a
 * PciDevice holding its 256-byte config header), the config access API for
 * devices and firmware loaders, and the PC host bridge reached through
 * configuration mechanism #1 (0xCF8 address, 0xCFC-0xCFF data), which is
 * itself device 00:00.0 (i440FX, 8086:1237).
 */
#ifndef FERRY_HW_PCI_HOST_H
#define FERRY_HW_PCI_HOST_H

#include <stdbool.h>
#include <stdint.h>

#include "system/memory.h"

#define PCI_CONFIG_SIZE 256
#define PCI_DEVFN(dev, fn) (((dev) << 3) | (fn))

/* Standard header offsets used here and by devices. */
enum {
    PCI_VENDOR_ID = 0x00, PCI_DEVICE_ID = 0x02, PCI_COMMAND = 0x04,
    PCI_STATUS = 0x06, PCI_REVISION_ID = 0x08, PCI_CLASS_PROG = 0x09,
    PCI_CACHE_LINE_SIZE = 0x0c, PCI_LATENCY_TIMER = 0x0d,
    PCI_COMMAND_INTX_DISABLE = 0x0400, PCI_STATUS_INTERRUPT = 0x0008,
    PCI_HEADER_TYPE = 0x0e, PCI_SUBSYSTEM_VENDOR_ID = 0x2c,
    PCI_INTERRUPT_LINE = 0x3c, PCI_INTERRUPT_PIN = 0x3d,
};

typedef struct PciDevice PciDevice;
typedef struct PciBus PciBus;

/* A function on the bus. Embedded in the device's state; config and masks
 * are protected by the BQL. The hooks default to the plain behaviour
 * below and may be replaced to give registers side effects (BARs, PAM). */
struct PciDevice {
    const char *name;
    uint8_t devfn;                           /* set by pci_bus_attach */
    PciBus *bus;
    uint8_t config[PCI_CONFIG_SIZE];
    uint8_t wmask[PCI_CONFIG_SIZE];          /* bits the guest may write */
    uint8_t w1cmask[PCI_CONFIG_SIZE];        /* bits cleared by writing 1 */
    bool intx_wanted;                        /* device asserts INTx */
    bool intx_level;                         /* as seen by the bus */
    uint32_t (*config_read)(PciDevice *d, unsigned addr, unsigned len);
    void (*config_write)(PciDevice *d, unsigned addr, uint32_t val,
                         unsigned len);
};

/* Bus 0 of the host; devices by devfn. Protected by the BQL. INTx lines
 * are wire-ORed per PIRQ: map_irq picks the PIRQ (0-3) for a device's pin
 * (0 = INTA), set_irq drives it (the PCI-ISA bridge's router). */
struct PciBus {
    PciDevice *devices[256];
    int (*map_irq)(PciDevice *d, int pin);
    void (*set_irq)(void *opaque, int pirq, int level);
    void *irq_opaque;
    int irq_count[4];                        /* devices asserting a PIRQ */
};

/* Initialise a type-0 header: IDs, revision, 24-bit class code
 * (class << 16 | subclass << 8 | prog-if), writable command bits, cache
 * line size, latency timer, interrupt line, device-specific 0x40-0xFF. */
void pci_device_init(PciDevice *d, const char *name, uint16_t vendor,
                     uint16_t device, uint8_t revision, uint32_t class_code);

/* Put @d at @devfn; the slot must be free (a board bug otherwise). */
void pci_bus_attach(PciBus *bus, PciDevice *d, unsigned devfn);

/* The plain config access: read @len (1, 2, 4) bytes little-endian; write
 * through wmask and w1cmask. Hooks call these for what they do not own. */
uint32_t pci_default_config_read(PciDevice *d, unsigned addr, unsigned len);
void pci_default_config_write(PciDevice *d, unsigned addr, uint32_t val,
                              unsigned len);

/* Config access to bus 0 by devfn as the host bridge performs it: an empty
 * slot reads all ones and ignores writes. @addr + @len stays in 256. */
uint32_t pci_bus_config_read(PciBus *bus, unsigned devfn, unsigned addr,
                             unsigned len) REQUIRES(sys_bql);
void pci_bus_config_write(PciBus *bus, unsigned devfn, unsigned addr,
                          uint32_t val, unsigned len) REQUIRES(sys_bql);

/* Assert or deassert @d's INTx (the pin in its config header). Masked by
 * the command register's interrupt disable bit; status bit 3 shows it. */
void pci_set_irq(PciDevice *d, bool level) REQUIRES(sys_bql);

/* The PC wiring of slots to PIRQs (i440FX/PIIX: rotate by slot - 1). */
int pci_pc_map_irq(PciDevice *d, int pin);

/* Little-endian helpers on a config array. */
static inline void pci_set_word(uint8_t *p, uint16_t v)
{
    p[0] = v;
    p[1] = v >> 8;
}

static inline uint16_t pci_get_word(const uint8_t *p)
{
    return p[0] | p[1] << 8;
}

typedef struct PciHost {
    PciBus bus;
    uint32_t config_address;     /* 0xCF8; BQL */
    PciDevice bridge;            /* 00:00.0 */
    MemoryRegion io_addr;        /* 4 bytes, map at 0xCF8 */
    MemoryRegion io_data;        /* 4 bytes, map at 0xCFC */
} PciHost;

/* Initialise the host with its bridge at 00:00.0. */
void pci_host_init(PciHost *h);

#endif
