/*
 * apic.h — local APICs (the xAPIC page at 0xFEE00000, x2APIC mode through
 * MSRs 0x800-0x8FF) and the APIC bus joining them to each other and to the
 * I/O APIC: fixed, lowest priority, NMI, INIT, SIPI and ExtINT delivery,
 * TPR/PPR priorities, EOI (broadcast to the I/O APIC for level
 * interrupts), the LVT and the timer (one-shot, periodic, TSC-deadline) on
 * the virtual clock. The CPU side asks apic_get_interrupt() for vectors
 * and sends its APIC MSR accesses to apic_msr_read/write.
 */
#ifndef FERRY_HW_APIC_H
#define FERRY_HW_APIC_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/ioapic.h"
#include "system/clock.h"
#include "system/irq.h"
#include "system/memory.h"

#define APIC_DEFAULT_BASE 0xfee00000u
#define APIC_BUS_MAX 255               /* xAPIC IDs; 0xFF broadcasts */
#define APIC_LVT_COUNT 6               /* timer, thermal, perf, LINT0/1, error */
#define APIC_EXTINT (-2)               /* apic_get_interrupt: ask the PIC */

/* The MSRs apic_msr_read/write handle. */
#define APIC_MSR_BASE 0x1bu            /* IA32_APIC_BASE */
#define APIC_MSR_TSC_DEADLINE 0x6e0u   /* IA32_TSC_DEADLINE */
#define APIC_MSR_X2APIC_FIRST 0x800u   /* the x2APIC registers */
#define APIC_MSR_X2APIC_LAST 0x8ffu

typedef struct LApic LApic;
typedef struct ApicBus ApicBus;

/* What a local APIC asks of its CPU, under the BQL. */
typedef struct ApicCpuOps {
    void (*nmi)(void *cpu);
    void (*init)(void *cpu);                 /* INIT IPI: reset the CPU (the
                                                APIC has reset itself) */
    void (*sipi)(void *cpu, uint8_t vector); /* start at vector << 12 */
} ApicCpuOps;

/* One local APIC. All fields are protected by the BQL. */
struct LApic {
    uint8_t id;                              /* xAPIC ID register */
    uint8_t initial_id;                      /* immutable: the x2APIC ID */
    uint64_t apicbase;                       /* IA32_APIC_BASE MSR */
    uint32_t tpr, ldr, dfr, svr, esr;
    uint32_t irr[8], isr[8], tmr[8];
    uint32_t lvt[APIC_LVT_COUNT];
    uint32_t icr_lo, icr_hi;                 /* icr_hi: the destination
                                                field (x2APIC: 32 bits) */
    uint32_t initial_count, divide_conf;
    int64_t timer_start;                     /* clock ns of the last load */
    uint64_t tsc_deadline;                   /* IA32_TSC_DEADLINE; 0:
                                                disarmed */
    bool extint_pending;                     /* LINT0 ExtINT asserted */
    bool lint_level[2];
    SysTimer timer;
    SysClock *clock;                         /* immutable after init */
    ApicBus *bus;                            /* immutable after init */
    SysIrqLine cpu_int;                      /* level: an interrupt waits */
    bool cpu_int_level;
    const ApicCpuOps *ops;                   /* immutable after init */
    void *cpu;
};

/* The bus: every local APIC, the I/O APIC EOI path, and which APIC the
 * MMIO window shows (the current vCPU's). Protected by the BQL. */
struct ApicBus {
    LApic *apics[APIC_BUS_MAX];
    int n;
    Ioapic *ioapic;                          /* EOIs of level vectors */
    LApic *(*current)(void *opaque);         /* NULL: the first APIC */
    void *current_opaque;
    MemoryRegion mmio;                       /* 4 KiB at 0xFEE00000 */
};

/* An empty bus with its MMIO window; @ioapic may be NULL. */
void apic_bus_init(ApicBus *bus, Ioapic *ioapic);

/* Initialise @s with APIC ID @id at reset state, join @bus, and signal
 * @cpu_int while an interrupt is deliverable. */
void apic_init(LApic *s, ApicBus *bus, uint8_t id, SysClock *clock,
               SysIrqLine cpu_int, const ApicCpuOps *ops, void *cpu);

/* Power-on / RESET state: xAPIC mode, the initial APIC ID, timer
 * stopped, IA32_TSC_DEADLINE 0. */
void apic_reset(LApic *s) REQUIRES(sys_bql);

/* Send an interrupt message on the bus (I/O APIC and IPIs use this). */
void apic_bus_deliver(ApicBus *bus, const IoapicMsg *msg) REQUIRES(sys_bql);

/* An IoapicDeliver callback with the bus as opaque. */
void apic_bus_ioapic_deliver(void *bus, const IoapicMsg *msg);

/* LINT0/LINT1 input (LINT0 carries the PIC's INT in virtual wire mode). */
SysIrqLine apic_lint(LApic *s, int n);

/* Whether an interrupt is waiting for the CPU (wakes a halted CPU). */
bool apic_has_interrupt(LApic *s) REQUIRES(sys_bql);

/* The INTA cycle: the vector to take (moved from IRR to ISR), the
 * spurious vector if none beats the PPR any more, APIC_EXTINT if the PIC
 * supplies it, or -1 if the APIC is software-disabled and nothing else. */
int apic_get_interrupt(LApic *s) REQUIRES(sys_bql);

/* The IA32_APIC_BASE MSR (0x1B): base 0xFEE00000, bit 8 BSP (APIC ID 0),
 * bit 11 global enable. */
uint64_t apic_get_base(LApic *s) REQUIRES(sys_bql);

/* Write IA32_APIC_BASE. Returns false (the CPU raises #GP) for reserved
 * bits and the transitions the SDM forbids (vol. 3 11.12.5: EXTD without
 * EN, x2APIC back to xAPIC, disabled straight to x2APIC). Setting EXTD
 * enters x2APIC mode (ID = initial APIC ID, LDR derived from it, the MMIO
 * page off); clearing EN resets the APIC and lets the PIC's INTR through
 * directly. Another base address is logged as unimplemented and ignored. */
bool apic_set_base(LApic *s, uint64_t val) REQUIRES(sys_bql);

/* RDMSR/WRMSR of the APIC's MSRs, for accelerators: IA32_APIC_BASE,
 * IA32_TSC_DEADLINE (reads 0 and ignores writes unless the LVT timer is
 * in TSC-deadline mode) and, in x2APIC mode, the x2APIC registers (vol. 3
 * table 11-6). False means the instruction raises #GP(0): any other MSR,
 * x2APIC registers outside x2APIC mode, reads of write-only registers
 * (EOI, SELF IPI), writes of read-only ones, reserved registers (DFR,
 * 0x831, ...) and writes setting reserved bits (bits 63:32 of all but
 * the ICR; a non-zero EOI or ESR write). */
bool apic_msr_read(LApic *s, uint32_t msr, uint64_t *val) REQUIRES(sys_bql);
bool apic_msr_write(LApic *s, uint32_t msr, uint64_t val) REQUIRES(sys_bql);

/* Register access at @offset in the xAPIC page (32-bit registers, xAPIC
 * semantics; the MMIO window passes accesses only in xAPIC mode). */
uint32_t apic_read(LApic *s, uint32_t offset) REQUIRES(sys_bql);
void apic_write(LApic *s, uint32_t offset, uint32_t val) REQUIRES(sys_bql);

#endif
