/*
 * acpi-pm.h — the ACPI fixed-hardware power management registers the FADT
 * (hw/acpi-tables.c) points at: a PM1a event block (status, enable), a
 * PM1a control block (SCI_EN, SLP_TYP/SLP_EN) and the 32-bit PM timer at
 * 3.579545 MHz on the virtual clock, in 12 I/O ports at ACPI_PM_IOBASE.
 */
#ifndef FERRY_HW_ACPI_PM_H
#define FERRY_HW_ACPI_PM_H

#include <stdint.h>

#include "system/clock.h"
#include "system/memory.h"

#define ACPI_PM_IOBASE 0x600       /* where QEMU's PIIX4 PM has them */
#define ACPI_PM_SIZE 12
#define ACPI_PM1_EVT_OFF 0         /* PM1_STS at +0, PM1_EN at +2 */
#define ACPI_PM1_CNT_OFF 4
#define ACPI_PM_TMR_OFF 8
#define ACPI_PM_TIMER_HZ 3579545
#define ACPI_SLP_TYP_S5 0          /* what the DSDT's \_S5 names */

/* The guest wrote SLP_EN with sleep type @slp_typ; under the BQL. */
typedef void (*AcpiPmSleepCb)(void *opaque, unsigned slp_typ);

/* All fields but the immutable ones are protected by the BQL. */
typedef struct AcpiPm {
    uint16_t sts, en, cnt;         /* PM1 status, enable, control */
    SysClock *clock;               /* immutable */
    AcpiPmSleepCb sleep;           /* immutable */
    void *opaque;
    MemoryRegion io;               /* ACPI_PM_SIZE ports */
} AcpiPm;

/* Initialise at reset state; the PM timer counts on @clock. @sleep may be
 * NULL (SLP_EN then does nothing). */
void acpi_pm_init(AcpiPm *s, SysClock *clock, AcpiPmSleepCb sleep,
                  void *opaque);

/* Reset: status, enable and control cleared (SCI_EN still reads 1). */
void acpi_pm_reset(AcpiPm *s) REQUIRES(sys_bql);

#endif
