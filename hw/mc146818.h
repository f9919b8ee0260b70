/*
 * mc146818.h — the PC's real-time clock and CMOS RAM (MC146818A): index
 * port 0x70 (bit 7 disables NMI), data port 0x71; time and alarm registers
 * in BCD or binary and 12 or 24 hours per register B; periodic, alarm and
 * update-ended interrupts on IRQ8. Time runs on an injectable virtual clock.
 */
#ifndef FERRY_HW_MC146818_H
#define FERRY_HW_MC146818_H

#include <stdbool.h>
#include <stdint.h>

#include "system/clock.h"
#include "system/irq.h"
#include "system/memory.h"

#define RTC_CMOS_SIZE 128
#define RTC_REG_CENTURY 0x32   /* PC convention: century, BCD */

/* All fields are protected by the BQL. */
typedef struct RtcState {
    uint8_t cmos[RTC_CMOS_SIZE];  /* registers A-D, alarms, CMOS RAM */
    uint8_t index;                /* selected register (port 0x70) */
    bool nmi_disabled;            /* port 0x70 bit 7 */
    int64_t rtc_secs;             /* RTC time (Unix seconds) at rtc_ref_ns,
                                     or the frozen time while halted */
    int64_t rtc_ref_ns;           /* a second boundary on the clock */
    int64_t div_origin;           /* divider phase: boundaries are at
                                     div_origin + k * period */
    int64_t pf_checked_ns;        /* periodic flags accounted up to here */
    int64_t upd_checked_ns;       /* update/alarm flags accounted to here */
    bool irq_level;
    SysIrqLine irq;               /* immutable after init */
    SysClock *clock;              /* immutable after init */
    SysTimer periodic_timer;      /* armed while PIE is set */
    SysTimer update_timer;        /* armed while UIE or AIE is set */
    MemoryRegion io;              /* 2 bytes, map at 0x70 */
} RtcState;

/* Initialise with the time @unix_secs (UTC) at the clock's current time,
 * register A 0x26 (32.768 kHz, 1024 Hz periodic), B 0x02 (24h, BCD). */
void rtc_init(RtcState *s, SysClock *clock, SysIrqLine irq, int64_t unix_secs);

/* The RESET pin: clears PIE, AIE, UIE, SQWE and the register C flags
 * (the time keeps running); disarms the timers. */
void rtc_reset(RtcState *s) REQUIRES(sys_bql);

/* The RTC's current time in Unix seconds. */
int64_t rtc_get_time(RtcState *s) REQUIRES(sys_bql);

/* CMOS RAM access for the board (memory size bytes and the like). */
void rtc_set_cmos(RtcState *s, unsigned addr, uint8_t val) REQUIRES(sys_bql);
uint8_t rtc_get_cmos(RtcState *s, unsigned addr) REQUIRES(sys_bql);

#endif
