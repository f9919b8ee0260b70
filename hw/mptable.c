/*
 * mptable.c — MP 1.4 tables as SeaBIOS builds them for a PC: processor
 * entries, bus 0 PCI and bus 1 ISA, one I/O APIC at 0xFEC00000, ISA IRQs
 * 0-15 on pins 0-15 except IRQ0 on pin 2 (IRQ2 is the cascade), PCI slot
 * S pin P on pin 16 + ((P + S - 1) mod 4) active low and level triggered,
 * ExtINT on LINT0 and NMI on LINT1 of every local APIC.
 */
#include "hw/mptable.h"

#include <glib.h>
#include <string.h>

#include "hw/bios-tables.h"
#include "hw/ioapic.h"

enum {
    MP_PROCESSOR = 0, MP_BUS = 1, MP_IOAPIC = 2, MP_INTSRC = 3,
    MP_LINTSRC = 4,
    MP_INT = 0, MP_NMI = 1, MP_EXTINT = 3,
    MP_FLAGS_PCI = 0x0f,                /* active low, level triggered */
};

/* Append an 8-byte interrupt assignment entry. */
static void add_int(GByteArray *t, uint8_t type, uint8_t irqtype,
                    uint16_t flags, uint8_t bus, uint8_t busirq,
                    uint8_t dest, uint8_t pin)
{
    uint8_t e[8] = { type, irqtype, 0, 0, bus, busirq, dest, pin };

    bt_put16(e + 2, flags);
    g_byte_array_append(t, e, sizeof(e));
}

static int add_cpus_buses_ioapic(GByteArray *t, unsigned ncpus,
                                 uint8_t ioapic_id)
{
    uint8_t e[20];

    for (unsigned i = 0; i < ncpus; i++) {
        memset(e, 0, sizeof(e));
        e[0] = MP_PROCESSOR;
        e[1] = i;                               /* local APIC ID */
        e[2] = 0x14;                            /* local APIC version */
        e[3] = 0x01 | (i == 0 ? 0x02 : 0);      /* enabled, BSP */
        bt_put32(e + 4, 0x600);                    /* family 6 signature */
        bt_put32(e + 8, 0x201);                    /* CPUID: FPU, APIC */
        g_byte_array_append(t, e, 20);
    }
    g_byte_array_append(t, (const uint8_t *)"\x01\x00PCI   ", 8);
    g_byte_array_append(t, (const uint8_t *)"\x01\x01ISA   ", 8);
    memset(e, 0, 8);
    e[0] = MP_IOAPIC;
    e[1] = ioapic_id;
    e[2] = 0x20;                                /* I/O APIC version */
    e[3] = 0x01;                                /* enabled */
    bt_put32(e + 4, IOAPIC_BASE);
    g_byte_array_append(t, e, 8);
    return ncpus + 3;
}

static int add_interrupts(GByteArray *t, uint8_t ioapic_id)
{
    int n = 0;

    for (int irq = 0; irq < 16; irq++) {
        if (irq == 2) {
            continue;                           /* the cascade */
        }
        add_int(t, MP_INTSRC, MP_INT, 0, MPTABLE_ISA_BUS, irq, ioapic_id,
                irq == 0 ? 2 : irq);
        n++;
    }
    for (int slot = 1; slot < 32; slot++) {
        for (int pin = 0; pin < 4; pin++) {
            add_int(t, MP_INTSRC, MP_INT, MP_FLAGS_PCI, MPTABLE_PCI_BUS,
                    slot << 2 | pin, ioapic_id, 16 + ((pin + slot - 1) & 3));
            n++;
        }
    }
    add_int(t, MP_LINTSRC, MP_EXTINT, 0, MPTABLE_ISA_BUS, 0, 0xff, 0);
    add_int(t, MP_LINTSRC, MP_NMI, 0, MPTABLE_ISA_BUS, 0, 0xff, 1);
    return n + 2;
}

uint32_t mptable_build(AddressSpace *as, uint32_t addr, unsigned ncpus,
                       uint8_t ioapic_id)
{
    GByteArray *t = g_byte_array_new();
    uint8_t fp[16] = "_MP_";
    uint8_t hdr[44] = "PCMP";
    int entries;
    uint32_t len;

    g_byte_array_append(t, hdr, sizeof(hdr));
    entries = add_cpus_buses_ioapic(t, ncpus, ioapic_id);
    entries += add_interrupts(t, ioapic_id);
    bt_put16(t->data + 4, t->len);                 /* base table length */
    t->data[6] = 4;                             /* spec 1.4 */
    memcpy(t->data + 8, "FERRY   ", 8);
    memcpy(t->data + 16, "PC          ", 12);
    bt_put16(t->data + 34, entries);
    bt_put32(t->data + 36, 0xfee00000);            /* local APIC address */
    t->data[7] = bt_checksum(t->data, t->len);

    bt_put32(fp + 4, addr + 16);                   /* configuration table */
    fp[8] = 1;                                  /* length: 16 bytes */
    fp[9] = 4;
    fp[10] = bt_checksum(fp, 16);                  /* features 0: virtual wire */
    sys_as_write_buf(as, addr, fp, 16);
    sys_as_write_buf(as, addr + 16, t->data, t->len);
    len = 16 + t->len;
    g_byte_array_free(t, TRUE);
    return len;
}
