/*
 * pc.h — the PC board: RAM, the memory and I/O address spaces, and the
 * legacy devices (PIC, I/O APIC, PIT, RTC, COM1, i8042, PCI host and
 * PIIX3, fw_cfg, ACPI PM registers, debug ports, port 0x92) at their
 * standard addresses, wired to each other, to the CPU's interrupt line and
 * to the APIC bus, and the MP and ACPI tables describing them in the BIOS
 * area. The machine code later adds CPUs, loaders and chardevs.
 */
#ifndef FERRY_HW_PC_H
#define FERRY_HW_PC_H

#include <stdint.h>

#include "hw/acpi-pm.h"
#include "hw/apic.h"
#include "hw/debug-exit.h"
#include "hw/debugcon.h"
#include "hw/fw-cfg.h"
#include "hw/i8042.h"
#include "hw/i8254.h"
#include "hw/i8259.h"
#include "hw/ioapic.h"
#include "hw/mc146818.h"
#include "hw/pci-host.h"
#include "hw/piix3.h"
#include "hw/port80.h"
#include "hw/port92.h"
#include "hw/uart16550.h"
#include "system/clock.h"
#include "system/memory.h"

/* What the board needs from the machine. Callbacks run under the BQL. */
typedef struct PcConfig {
    uint64_t ram_size;            /* bytes */
    unsigned ncpus;
    int64_t rtc_start;            /* Unix seconds the RTC starts at */
    SysClock *clock;              /* virtual clock for PIT, RTC, UART */
    SysIrqLine cpu_int;           /* the PIC's INT output goes here; with
                                     local APICs, forward it to the BSP's
                                     LINT0 (apic_lint) */
    IoapicDeliver apic_deliver;   /* I/O APIC messages (NULL: the board's
                                     APIC bus) */
    UartSink serial_sink;         /* COM1 output */
    DebugconSink debugcon_sink;   /* port 0xE9 output */
    void *sink_opaque;
    DebugExitCb exit_cb;          /* isa-debug-exit at 0x501, 1 byte */
    I8042ResetCb reset_cb;        /* keyboard controller reset */
    I8042A20Cb a20_cb;
    AcpiPmSleepCb sleep_cb;       /* ACPI SLP_EN (S5: power off); may
                                     be NULL */
    void *cb_opaque;
} PcConfig;

/* Device state is BQL-protected (see each device); the layout and the
 * address spaces are fixed after pc_new(). */
typedef struct PcBoard {
    MemoryRegion sysmem;          /* root of the memory space */
    MemoryRegion iomem;           /* root of the I/O space (64K) */
    MemoryRegion ram;             /* all RAM */
    MemoryRegion ram_below_4g;    /* alias: [0, below_4g) */
    MemoryRegion ram_above_4g;    /* alias: the rest at 4 GiB */
    uint64_t below_4g, above_4g;
    AddressSpace *as_mem;
    AddressSpace *as_io;
    PicPair pic;
    Ioapic ioapic;                /* ISA IRQs 1-15 on pins 1-15, IRQ0 on
                                     pin 2, PIRQA-D on pins 16-19 */
    SysIrqFanout isa_irq[16];     /* each ISA IRQ to the PIC and I/O APIC */
    ApicBus apic_bus;             /* the machine adds one LApic per CPU
                                     (apic_init) and sets bus.current */
    PitState pit;
    RtcState rtc;
    Uart16550 com1;
    I8042 kbc;
    PciHost pci;
    Piix3 piix3;               /* 00:01.0, routes PCI INTx to the PIC */
    FwCfg fw_cfg;
    AcpiPm acpi_pm;               /* ports 0x600-0x60B */
    DebugExit debug_exit;
    Debugcon debugcon;
    Port80 port80;
    Port92 port92;
} PcBoard;

/* RAM up to 3.5 GiB sits below 4 GiB; the rest starts at 4 GiB. */
#define PC_MAX_RAM_BELOW_4G UINT64_C(0xe0000000)

/* Build the board, reset its devices and write the firmware tables: MP
 * 1.4 at MPTABLE_DEFAULT_ADDR and ACPI at ACPI_TABLES_ADDR. An OS that
 * finds both (Linux) takes ACPI's and keeps the MP table as a fallback
 * (acpi=off), as with QEMU and SeaBIOS. */
PcBoard *pc_new(const PcConfig *cfg) REQUIRES(sys_bql);

/* System reset of the board's devices (system_reset, a reset request from
 * the i8042 or port 0x92): RAM and fw_cfg items stay; CPUs and their local
 * APICs are the machine's to reset. */
void pc_reset(PcBoard *pc) REQUIRES(sys_bql);

/* Free the board; waits for a grace period, so not under the BQL. */
void pc_free(PcBoard *pc) EXCLUDES(sys_bql);

#endif
