/*
 * acpi-tables.c — ACPI 6.5 tables (chapter 5.2) for the PC, built in one
 * buffer and written to the BIOS area: RSDP rev 2, RSDT and XSDT listing
 * FADT rev 3 and MADT rev 3, the FACS and a DSDT whose AML names \_S5
 * (SLP_TYP 0, power off) and the PCI root bridge \_SB.PCI0 (so an OS that
 * takes its PCI buses from ACPI still scans bus 0). The FADT is a full
 * (not hardware-reduced) one, so Linux keeps the PIT, the PIC and the
 * PM timer; SMI_CMD 0 says ACPI mode is always on.
 */
#include "hw/acpi-tables.h"

#include <glib.h>
#include <string.h>

#include "hw/acpi-pm.h"
#include "hw/apic.h"
#include "hw/bios-tables.h"
#include "hw/ioapic.h"

#define HDR_LEN 36
#define FADT_LEN 244                /* revision 3 (X_ fields, ACPI 2.0+) */
#define FACS_LEN 64

enum {
    MADT_LAPIC = 0, MADT_IOAPIC = 1, MADT_ISO = 2, MADT_LAPIC_NMI = 4,
    MADT_X2APIC = 9, MADT_X2APIC_NMI = 10,
    MADT_PCAT_COMPAT = 1,           /* dual 8259s present */
    ISO_LEVEL_HIGH = 0xd,           /* active high (01), level (11 << 2) */
    GAS_SYSTEM_IO = 1, GAS_WORD = 2, GAS_DWORD = 3,
};

/* FADT flags (table 5.10): WBINVD, PROC_C1, PWR_BUTTON and SLP_BUTTON
 * (no fixed buttons), TMR_VAL_EXT (32-bit PM timer). */
#define FADT_FLAGS ((1u << 0) | (1u << 2) | (1u << 4) | (1u << 5) | \
                    (1u << 8))
/* IA-PC boot architecture flags: LEGACY_DEVICES, 8042, VGA not present. */
#define FADT_BOOT_ARCH 0x0007u

/* DefinitionBlock AML: Name (\_S5, Package () { 0, 0, 0, 0 }) and
 * Scope (\_SB) { Device (PCI0) { Name (_HID, EisaId ("PNP0A03"))
 * Name (_UID, 0) } }, encoded per ACPI 6.5 chapter 20. */
static const uint8_t dsdt_aml[] = {
    0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0x00, 0x00, 0x00, 0x00,
    0x10, 0x1c, '_', 'S', 'B', '_',
    0x5b, 0x82, 0x15, 'P', 'C', 'I', '0',
    0x08, '_', 'H', 'I', 'D', 0x0c, 0x41, 0xd0, 0x0a, 0x03,
    0x08, '_', 'U', 'I', 'D', 0x00,
};

static void pad_to(GByteArray *b, unsigned align)
{
    static const uint8_t zero[64];

    g_byte_array_append(b, zero, (align - b->len % align) % align);
}

static void append_zeros(GByteArray *b, unsigned n)
{
    g_byte_array_set_size(b, b->len + n);
    memset(b->data + b->len - n, 0, n);
}

/* Start a table with the common header (length and checksum filled by
 * table_end); returns its offset in @b. */
static uint32_t table_begin(GByteArray *b, const char *sig, uint8_t rev)
{
    uint32_t off;
    uint8_t *h;

    pad_to(b, 16);
    off = b->len;
    append_zeros(b, HDR_LEN);
    h = b->data + off;
    memcpy(h, sig, 4);
    h[8] = rev;
    memcpy(h + 10, "FERRY ", 6);                /* OEM ID */
    memcpy(h + 16, "FERRYPC ", 8);              /* OEM table ID */
    bt_put32(h + 24, 1);                        /* OEM revision */
    memcpy(h + 28, "FRRY", 4);                  /* creator */
    bt_put32(h + 32, 1);
    return off;
}

static void table_end(GByteArray *b, uint32_t off)
{
    uint8_t *h = b->data + off;

    bt_put32(h + 4, b->len - off);
    h[9] = bt_checksum(h, b->len - off);
}

/* A Generic Address Structure in system I/O space. */
static void gas_io(uint8_t *p, uint8_t bits, uint8_t access, uint64_t port)
{
    p[0] = GAS_SYSTEM_IO;
    p[1] = bits;
    p[2] = 0;
    p[3] = access;
    bt_put64(p + 4, port);
}

static uint32_t build_dsdt(GByteArray *b)
{
    uint32_t off = table_begin(b, "DSDT", 2);   /* 64-bit integers */

    g_byte_array_append(b, dsdt_aml, sizeof(dsdt_aml));
    table_end(b, off);
    return off;
}

/* FADT: SCI, the PM blocks of hw/acpi-pm.c in both the 32-bit fields and
 * the X_ GASes, C2/C3 not supported, the RTC century byte. */
static uint32_t build_fadt(GByteArray *b, uint32_t base, uint32_t facs,
                           uint32_t dsdt)
{
    uint32_t off = table_begin(b, "FACP", 3);
    uint32_t evt = ACPI_PM_IOBASE + ACPI_PM1_EVT_OFF;
    uint32_t cnt = ACPI_PM_IOBASE + ACPI_PM1_CNT_OFF;
    uint32_t tmr = ACPI_PM_IOBASE + ACPI_PM_TMR_OFF;
    uint8_t *f;

    append_zeros(b, FADT_LEN - HDR_LEN);
    f = b->data + off;
    bt_put32(f + 36, base + facs);
    bt_put32(f + 40, base + dsdt);
    bt_put16(f + 46, ACPI_SCI_IRQ);
    bt_put32(f + 56, evt);                      /* PM1a_EVT_BLK */
    bt_put32(f + 64, cnt);                      /* PM1a_CNT_BLK */
    bt_put32(f + 76, tmr);                      /* PM_TMR_BLK */
    f[88] = 4;                                  /* PM1_EVT_LEN */
    f[89] = 2;                                  /* PM1_CNT_LEN */
    f[91] = 4;                                  /* PM_TMR_LEN */
    bt_put16(f + 96, 0xfff);                    /* P_LVL2_LAT: no C2 */
    bt_put16(f + 98, 0xfff);                    /* P_LVL3_LAT: no C3 */
    f[108] = 0x32;                              /* RTC CENTURY index */
    bt_put16(f + 109, FADT_BOOT_ARCH);
    bt_put32(f + 112, FADT_FLAGS);
    bt_put64(f + 132, base + facs);             /* X_FIRMWARE_CTRL */
    bt_put64(f + 140, base + dsdt);             /* X_DSDT */
    gas_io(f + 148, 32, GAS_WORD, evt);
    gas_io(f + 172, 16, GAS_WORD, cnt);
    gas_io(f + 208, 32, GAS_DWORD, tmr);
    table_end(b, off);
    return off;
}

/* Processor entries: a local APIC entry for IDs below 255, a local x2APIC
 * entry (and its NMI entry below) otherwise (ACPI 5.2.12.12). */
static bool madt_cpus(GByteArray *b, unsigned ncpus)
{
    bool x2apic = false;

    for (unsigned id = 0; id < ncpus; id++) {
        if (id < 255) {
            uint8_t e[8] = { MADT_LAPIC, 8, id, id };

            bt_put32(e + 4, 1);                 /* enabled */
            g_byte_array_append(b, e, sizeof(e));
        } else {
            uint8_t e[16] = { MADT_X2APIC, 16 };

            bt_put32(e + 4, id);
            bt_put32(e + 8, 1);
            bt_put32(e + 12, id);               /* ACPI processor UID */
            g_byte_array_append(b, e, sizeof(e));
            x2apic = true;
        }
    }
    return x2apic;
}

static void madt_iso(GByteArray *b, uint8_t irq, uint32_t gsi,
                     uint16_t flags)
{
    uint8_t e[10] = { MADT_ISO, 10, 0, irq };   /* bus 0: ISA */

    bt_put32(e + 4, gsi);
    bt_put16(e + 8, flags);
    g_byte_array_append(b, e, sizeof(e));
}

/* MADT: CPUs, the I/O APIC (GSIs 0-23), IRQ0 on GSI 2 (hw/pc.c's wiring),
 * the SCI level-triggered, LINT1 as NMI on every processor. */
static uint32_t build_madt(GByteArray *b, unsigned ncpus, uint8_t ioapic_id)
{
    uint32_t off = table_begin(b, "APIC", 3);
    uint8_t hdr[8], io[12] = { MADT_IOAPIC, 12, ioapic_id };
    uint8_t nmi[6] = { MADT_LAPIC_NMI, 6, 0xff, 0, 0, 1 };  /* all, LINT1 */
    bool x2apic;

    bt_put32(hdr, APIC_DEFAULT_BASE);
    bt_put32(hdr + 4, MADT_PCAT_COMPAT);
    g_byte_array_append(b, hdr, sizeof(hdr));
    x2apic = madt_cpus(b, ncpus);
    bt_put32(io + 4, IOAPIC_BASE);
    g_byte_array_append(b, io, sizeof(io));              /* GSI base 0 */
    madt_iso(b, 0, 2, 0);                       /* conforming: edge high */
    madt_iso(b, ACPI_SCI_IRQ, ACPI_SCI_IRQ, ISO_LEVEL_HIGH);
    g_byte_array_append(b, nmi, sizeof(nmi));
    if (x2apic) {
        uint8_t x2nmi[12] = { MADT_X2APIC_NMI, 12, 0, 0, 0xff, 0xff, 0xff,
                              0xff, 1 };        /* all processors, LINT1 */
        g_byte_array_append(b, x2nmi, sizeof(x2nmi));
    }
    table_end(b, off);
    return off;
}

/* RSDT (32-bit entries) or XSDT (64-bit) listing @tables. */
static uint32_t build_sdt(GByteArray *b, const char *sig, unsigned width,
                          uint32_t base, const uint32_t *tables, int n)
{
    uint32_t off = table_begin(b, sig, 1);

    for (int i = 0; i < n; i++) {
        uint8_t e[8];

        bt_put64(e, base + tables[i]);
        g_byte_array_append(b, e, width);
    }
    table_end(b, off);
    return off;
}

/* The RSDP at offset 0 of @b: the ACPI 1.0 part checksummed on its own,
 * then the revision 2 extension. */
static void build_rsdp(GByteArray *b, uint32_t base, uint32_t rsdt,
                       uint32_t xsdt)
{
    uint8_t *r = b->data;

    memcpy(r, "RSD PTR ", 8);
    memcpy(r + 9, "FERRY ", 6);
    r[15] = 2;
    bt_put32(r + 16, base + rsdt);
    bt_put32(r + 20, 36);
    bt_put64(r + 24, base + xsdt);
    r[8] = bt_checksum(r, 20);
    r[32] = bt_checksum(r, 36);
}

uint32_t acpi_tables_build(AddressSpace *as, uint32_t addr, unsigned ncpus,
                           uint8_t ioapic_id)
{
    GByteArray *b = g_byte_array_new();
    uint32_t facs, dsdt, tables[2], rsdt, xsdt, len;

    append_zeros(b, 36);                        /* the RSDP */
    pad_to(b, 64);                              /* FACS: 64-byte aligned */
    facs = b->len;
    append_zeros(b, FACS_LEN);
    memcpy(b->data + facs, "FACS", 4);
    bt_put32(b->data + facs + 4, FACS_LEN);
    b->data[facs + 32] = 2;                     /* version */
    dsdt = build_dsdt(b);
    tables[0] = build_fadt(b, addr, facs, dsdt);
    tables[1] = build_madt(b, ncpus, ioapic_id);
    rsdt = build_sdt(b, "RSDT", 4, addr, tables, 2);
    xsdt = build_sdt(b, "XSDT", 8, addr, tables, 2);
    build_rsdp(b, addr, rsdt, xsdt);
    sys_as_write_buf(as, addr, b->data, b->len);
    len = b->len;
    g_byte_array_free(b, TRUE);
    return len;
}
