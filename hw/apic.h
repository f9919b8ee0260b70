/*
 * apic.h — local APICs (xAPIC register interface at 0xFEE00000) and the
 * APIC bus joining them to each other and to the I/O APIC: fixed, lowest
 * priority, NMI, INIT, SIPI and ExtINT delivery, TPR/PPR priorities, EOI
 * (broadcast to the I/O APIC for level interrupts), the LVT and the timer
 * on the virtual clock. The CPU side asks apic_get_interrupt() for vectors.
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
#define APIC_BUS_MAX 32
#define APIC_LVT_COUNT 6               /* timer, thermal, perf, LINT0/1, error */
#define APIC_EXTINT (-2)               /* apic_get_interrupt: ask the PIC */

typedef struct LApic LApic;
typedef struct ApicBus ApicBus;

/* What a local APIC asks of its CPU, under the BQL. */
typedef struct ApicCpuOps {
    void (*nmi)(void *cpu);
    void (*init)(void *cpu);                 /* INIT IPI: reset the CPU */
    void (*sipi)(void *cpu, uint8_t vector); /* start at vector << 12 */
} ApicCpuOps;

/* One local APIC. All fields are protected by the BQL. */
struct LApic {
    uint8_t id;
    uint64_t apicbase;                       /* IA32_APIC_BASE MSR */
    uint32_t tpr, ldr, dfr, svr, esr;
    uint32_t irr[8], isr[8], tmr[8];
    uint32_t lvt[APIC_LVT_COUNT];
    uint32_t icr_lo, icr_hi;
    uint32_t initial_count, divide_conf;
    int64_t timer_start;                     /* clock ns of the last load */
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

/* Power-on / INIT state (ID kept; timer stopped). */
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
 * bits or x2APIC mode, which is not emulated. Clearing the enable bit
 * resets the APIC and lets the PIC's INTR through directly; another base
 * address is logged as unimplemented and ignored. */
bool apic_set_base(LApic *s, uint64_t val) REQUIRES(sys_bql);

/* Register access at @offset in the xAPIC page (32-bit registers). */
uint32_t apic_read(LApic *s, uint32_t offset) REQUIRES(sys_bql);
void apic_write(LApic *s, uint32_t offset, uint32_t val) REQUIRES(sys_bql);

#endif
