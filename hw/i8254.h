/*
 * i8254.h — the 8254 programmable interval timer at 0x40-0x43 (1.193182 MHz
 * input clock; channel 0 drives IRQ0, channel 2 the speaker) and the port
 * 0x61 bits that gate channel 2 and show its output. Counting follows an
 * injectable virtual clock, so tests decide what time it is.
 */
#ifndef FERRY_HW_I8254_H
#define FERRY_HW_I8254_H

#include <stdbool.h>
#include <stdint.h>

#include "system/clock.h"
#include "system/irq.h"
#include "system/memory.h"

#define PIT_FREQ 1193182

/* One counter. All fields are protected by the BQL. */
typedef struct PitChannel {
    uint32_t count;          /* initial count in binary; 0x10000 for 0 */
    uint16_t latched_count;
    uint8_t count_latched;   /* 0, or the access mode the latch reads in */
    uint8_t status;
    bool status_latched;
    uint8_t read_state;
    uint8_t write_state;
    uint8_t write_latch;     /* first byte of an LSB-then-MSB write */
    uint8_t rw_mode;         /* 1 LSB, 2 MSB, 3 LSB then MSB */
    uint8_t mode;            /* 0-5 */
    bool bcd;
    bool gate;
    bool null_count;         /* count written but not yet loaded */
    bool armed;              /* a count was written since the mode was set */
    bool triggered;          /* modes 1, 5: a gate edge started counting */
    bool frozen;             /* modes 0, 4: gate low, count held */
    uint64_t frozen_ticks;   /* elapsed clocks while frozen */
    int64_t load_time;       /* ns on the clock when counting (re)started */
    SysIrqLine irq;          /* channel 0 only; immutable after init */
    bool irq_level;
    SysTimer timer;          /* channel 0: the next OUT transition */
} PitChannel;

typedef struct PitState {
    PitChannel ch[3];
    SysClock *clock;           /* immutable after init */
    bool speaker_data_on;      /* port 0x61 bit 1 (BQL) */
    MemoryRegion io;           /* 4 bytes, map at 0x40 */
    MemoryRegion io_speaker;   /* 1 byte, map at 0x61 */
} PitState;

/* Initialise at power-on state; channel 0's OUT drives @irq0. */
void pit_init(PitState *s, SysClock *clock, SysIrqLine irq0);

/* Hardware reset: all channels mode 3, not counting; IRQ0 is set to OUT
 * (call once after init, as the machine does). */
void pit_reset(PitState *s) REQUIRES(sys_bql);

/* Set the gate input of channel @n (0 and 1 are tied high on a PC). */
void pit_set_gate(PitState *s, int n, bool level) REQUIRES(sys_bql);

/* The OUT level of channel @n now. */
bool pit_get_out(PitState *s, int n) REQUIRES(sys_bql);

#endif
