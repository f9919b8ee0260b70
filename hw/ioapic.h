/*
 * ioapic.h — the I/O APIC (82093AA, version 0x20 with an EOI register) at
 * 0xFEC00000: 24 input pins, each steered by a redirection entry to an
 * interrupt message for the local APICs. Messages leave through a callback
 * (the APIC bus); local APICs report EOIs of level interrupts back.
 */
#ifndef FERRY_HW_IOAPIC_H
#define FERRY_HW_IOAPIC_H

#include <stdbool.h>
#include <stdint.h>

#include "system/irq.h"
#include "system/memory.h"

#define IOAPIC_BASE 0xfec00000u
#define IOAPIC_PINS 24

/* An interrupt message as the redirection entry describes it. */
typedef struct IoapicMsg {
    uint8_t vector;
    uint8_t delivery_mode;     /* 0 fixed, 1 lowest prio, 2 SMI, 4 NMI,
                                  5 INIT, 7 ExtINT */
    bool dest_logical;
    uint32_t dest;             /* 8 bits (0xFF: broadcast) unless x2apic */
    bool level;                /* level-triggered: expects an EOI */
    int pin;                   /* the I/O APIC pin, or -1 for an IPI */
    bool x2apic;               /* 32-bit x2APIC destination (an IPI from
                                  an APIC in x2APIC mode); 0xFFFFFFFF is
                                  the broadcast */
} IoapicMsg;

/* Sends a message to the local APICs, under the BQL. */
typedef void (*IoapicDeliver)(void *opaque, const IoapicMsg *msg);

/* All fields are protected by the BQL. */
typedef struct Ioapic {
    uint8_t id;
    uint8_t ioregsel;
    uint64_t redtbl[IOAPIC_PINS];
    uint32_t line;             /* input levels */
    IoapicDeliver deliver;     /* immutable after init */
    void *opaque;
    MemoryRegion mmio;         /* 4 KiB, map at IOAPIC_BASE */
} Ioapic;

/* Initialise at reset state: every entry masked, ID 0. */
void ioapic_init(Ioapic *s, IoapicDeliver deliver, void *opaque);

/* Reset: every entry masked, IOREGSEL 0. The ID is kept (the board sets
 * it to what its MP table says). */
void ioapic_reset(Ioapic *s) REQUIRES(sys_bql);

/* The line driving pin @pin. */
SysIrqLine ioapic_input(Ioapic *s, int pin);

/* A local APIC accepted an EOI for @vector (broadcast to I/O APICs). */
void ioapic_eoi(Ioapic *s, uint8_t vector) REQUIRES(sys_bql);

#endif
