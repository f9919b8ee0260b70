/*
 * clock.h — the virtual clock devices count against, and timers on it. A
 * clock is either manual (time moves only when told: tests and
 * deterministic runs) or follows the host's monotonic clock. Timers fire
 * under the BQL from whoever runs the clock: a test, or the main loop.
 */
#ifndef FERRY_SYSTEM_CLOCK_H
#define FERRY_SYSTEM_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "system/bql.h"

#define SYS_NS_PER_SEC INT64_C(1000000000)

typedef struct SysClock SysClock;
typedef struct SysTimer SysTimer;

typedef void (*SysTimerCb)(void *opaque);

/* A one-shot timer. Fields are private to clock.c; all GUARDED_BY(sys_bql). */
struct SysTimer {
    SysClock *clock;
    SysTimerCb cb;
    void *opaque;
    int64_t expire;          /* ns on the clock */
    bool pending;
    SysTimer *next;          /* clock's list, sorted by expire */
};

/* A manual clock reading @start_ns until advanced. */
SysClock *sys_clock_new_manual(int64_t start_ns);

/* A clock following CLOCK_MONOTONIC, reading 0 at creation. */
SysClock *sys_clock_new_host(void);

/* Call @fn(@opaque) (under the BQL, from whoever arms the timer) when a
 * timer becomes the clock's earliest deadline, so that the thread sleeping
 * until the old deadline (the main loop) can be woken. */
void sys_clock_set_notify(SysClock *c, void (*fn)(void *opaque),
                          void *opaque) REQUIRES(sys_bql);

/* Stop or restart a host clock. A stopped clock keeps reading the time at
 * which it stopped; restarted, it continues from there (the virtual clock
 * while the machine is paused). No effect on manual clocks, which only
 * move when advanced. */
void sys_clock_set_enabled(SysClock *c, bool enabled) REQUIRES(sys_bql);

/* Free a clock with no pending timers. */
void sys_clock_free(SysClock *c);

/* The clock's time in ns. Any thread; never goes backwards. */
int64_t sys_clock_ns(SysClock *c);

/* Manual clocks: move time forward by @ns, stopping at every timer deadline
 * on the way to run it with the clock reading exactly its deadline. */
void sys_clock_advance(SysClock *c, int64_t ns) REQUIRES(sys_bql);

/* Run every timer whose deadline has passed (host clocks; also fine on
 * manual ones). Returns how many ran. */
int sys_clock_run_expired(SysClock *c) REQUIRES(sys_bql);

/* The earliest pending deadline, or INT64_MAX. */
int64_t sys_clock_next_deadline(SysClock *c) REQUIRES(sys_bql);

/* Prepare @t to call @cb(@opaque) on @c. */
void sys_timer_init(SysTimer *t, SysClock *c, SysTimerCb cb, void *opaque);

/* (Re)arm @t for @expire_ns; a deadline in the past fires at the next run. */
void sys_timer_mod(SysTimer *t, int64_t expire_ns) REQUIRES(sys_bql);

/* Disarm @t (no effect if not pending). */
void sys_timer_del(SysTimer *t) REQUIRES(sys_bql);

/* The guest time-stamp counter: SYS_TSC_HZ ticks per second of the
 * virtual clock, reading 0 where the clock reads 0 (all vCPUs share it;
 * no TSC writes or offsets yet). A CPU model reports this frequency in
 * CPUID leaf 0x15 as a 25 MHz crystal (ECX = 25000000) times EBX/EAX =
 * 80/1, and as 2000 MHz in leaf 0x16. */
#define SYS_TSC_HZ INT64_C(2000000000)
#define SYS_TSC_CRYSTAL_HZ 25000000u
#define SYS_TSC_CRYSTAL_RATIO 80u

/* The TSC value at virtual clock time @ns (>= 0). */
uint64_t sys_tsc_from_ns(int64_t ns);

/* The first virtual clock time at which the TSC reads @tsc or more
 * (INT64_MAX if that is beyond the clock's range). */
int64_t sys_ns_from_tsc(uint64_t tsc);

static inline bool sys_timer_pending(const SysTimer *t) REQUIRES(sys_bql)
{
    return t->pending;
}

#endif
