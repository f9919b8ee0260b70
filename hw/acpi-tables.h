/*
 * acpi-tables.h — the ACPI tables of the PC for kernels booted without
 * firmware: RSDP (revision 2) pointing at an RSDT and an XSDT, which list
 * the FADT (PM blocks of hw/acpi-pm.c, SCI on IRQ 9, FACS and DSDT) and
 * the MADT (every CPU's local APIC, the I/O APIC, the ISA interrupt
 * overrides, LINT1 as NMI), all written into the BIOS area where an OS
 * scans for the RSDP.
 */
#ifndef FERRY_HW_ACPI_TABLES_H
#define FERRY_HW_ACPI_TABLES_H

#include <stdint.h>

#include "system/memory.h"

#define ACPI_TABLES_ADDR 0xf8000u      /* the RSDP, then the tables */
#define ACPI_SCI_IRQ 9                 /* as QEMU's PIIX4 */

/* Write the tables at @addr (16-byte aligned; inside 0xE0000-0xFFFFF for
 * OSes to find the RSDP) for @ncpus CPUs with APIC IDs 0..ncpus-1 (CPU 0
 * the BSP) and the I/O APIC with ID @ioapic_id at IOAPIC_BASE, GSIs 0-23.
 * Returns the bytes written. */
uint32_t acpi_tables_build(AddressSpace *as, uint32_t addr, unsigned ncpus,
                           uint8_t ioapic_id);

#endif
