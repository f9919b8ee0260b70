/*
 * mptable.h — Intel MultiProcessor Specification 1.4 tables for kernels
 * booted without firmware: the floating pointer and a configuration table
 * listing the CPUs, the PCI and ISA buses, the I/O APIC and how every ISA
 * IRQ and PCI slot/pin reaches an I/O APIC pin, matching hw/pc.c's wiring.
 */
#ifndef FERRY_HW_MPTABLE_H
#define FERRY_HW_MPTABLE_H

#include <stdint.h>

#include "system/memory.h"

#define MPTABLE_DEFAULT_ADDR 0xf0000u    /* in the reserved BIOS area */
#define MPTABLE_PCI_BUS 0
#define MPTABLE_ISA_BUS 1

/* Write the floating pointer at @addr (16-byte aligned, and inside
 * 0xF0000-0xFFFFF for kernels to find it) followed by the configuration
 * table, for @ncpus CPUs with APIC IDs 0..ncpus-1 (CPU 0 the BSP) and the
 * I/O APIC with ID @ioapic_id. Returns the bytes written. */
uint32_t mptable_build(AddressSpace *as, uint32_t addr, unsigned ncpus,
                       uint8_t ioapic_id);

#endif
