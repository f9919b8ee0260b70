/*
 * piix3.h — the PIIX3 PCI-to-ISA bridge (function 00:01.0, 8086:7000) as
 * far as interrupts go: its PIRQ route control registers (config 0x60-0x63)
 * steer the four PCI interrupt lines onto ISA IRQs of the PIC pair.
 */
#ifndef FERRY_HW_PIIX3_H
#define FERRY_HW_PIIX3_H

#include <stdbool.h>

#include "hw/i8259.h"
#include "hw/pci-host.h"

#define PIIX3_PIRQRC 0x60      /* PIRQA..D route control, 4 bytes */

/* All fields are protected by the BQL. */
typedef struct Piix3 {
    PciDevice dev;
    PicPair *pic;              /* immutable after init */
    SysIrqLine apic_pirq[4];   /* PIRQA-D to I/O APIC pins (16-19 on a PC);
                                  set by the board, may stay unconnected */
    bool pirq_level[4];
    bool isa_level[16];        /* what this bridge drives on each IRQ */
} Piix3;

/* Initialise, attach at 00:01.0 of @bus and become its interrupt router
 * (the bus maps slots to PIRQs the PC way). */
void piix3_init(Piix3 *p, PciBus *bus, PicPair *pic);

/* Reset: all PIRQ routes disabled (0x80). */
void piix3_reset(Piix3 *p) REQUIRES(sys_bql);

#endif
