/*
 * i8259.h — the PC's pair of 8259A programmable interrupt controllers:
 * master at 0x20/0x21, slave at 0xA0/0xA1 cascaded on master IR2, edge/level
 * control registers (ELCR) at 0x4D0/0x4D1. The CPU sees one INT line and
 * fetches the vector with pic_intack() (the INTA cycle).
 */
#ifndef FERRY_HW_I8259_H
#define FERRY_HW_I8259_H

#include <stdbool.h>
#include <stdint.h>

#include "system/irq.h"
#include "system/memory.h"

/* One 8259A. All fields are protected by the BQL. */
typedef struct PicChip {
    uint8_t irr;              /* interrupt request register */
    uint8_t isr;              /* in-service register */
    uint8_t imr;              /* interrupt mask register (OCW1) */
    uint8_t last_level;       /* input levels, for edge detection */
    uint8_t priority_add;     /* IR with the highest priority */
    uint8_t irq_base;         /* ICW2: vector of IR0 */
    uint8_t elcr;             /* 1 = level triggered (PIIX ELCR) */
    uint8_t elcr_mask;        /* ELCR bits that can be set */
    uint8_t init_state;       /* 0 ready, 1-3 expecting ICW2-ICW4 */
    bool read_isr;            /* OCW3 RR/RIS: read ISR instead of IRR */
    bool poll;                /* OCW3 P: next read is a poll */
    bool special_mask;        /* OCW3 SMM */
    bool auto_eoi;            /* ICW4 AEOI */
    bool rotate_on_aeoi;      /* OCW2 R in auto-EOI mode */
    bool sfnm;                /* ICW4 special fully nested mode */
    bool init4;               /* ICW1 IC4: an ICW4 follows */
    bool single;              /* ICW1 SNGL: no ICW3 */
    bool ltim;                /* ICW1 LTIM: all inputs level triggered */
    bool is_master;           /* immutable */
} PicChip;

typedef struct PicPair {
    PicChip chip[2];          /* [0] master, [1] slave */
    SysIrqLine int_out;       /* to the CPU; immutable after init */
    bool int_level;           /* current INT output (BQL) */
    MemoryRegion io_master;   /* 2 bytes, map at 0x20 */
    MemoryRegion io_slave;    /* 2 bytes, map at 0xA0 */
    MemoryRegion io_elcr;     /* 2 bytes, map at 0x4D0 */
} PicPair;

/* Initialise the pair in its power-on state, driving @int_out. */
void pic_init(PicPair *p, SysIrqLine int_out);

/* Hardware reset (also clears ELCR). */
void pic_reset(PicPair *p) REQUIRES(sys_bql);

/* The line for ISA IRQ @irq (0-15: 0-7 master, 8-15 slave). */
SysIrqLine pic_input(PicPair *p, int irq);

/* The INTA cycle: acknowledge the highest-priority request and return its
 * vector (IR7's vector of the master for a spurious interrupt). */
int pic_intack(PicPair *p) REQUIRES(sys_bql);

/* The current level of the INT output. */
bool pic_int_level(PicPair *p) REQUIRES(sys_bql);

#endif
