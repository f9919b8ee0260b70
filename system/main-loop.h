/*
 * main-loop.h — the main loop thread: a glib GMainContext that runs timers
 * on two clocks, fd watches (chardevs, monitors) and deferred calls, all with
 * the BQL held. The BQL is released only while the loop sleeps in poll(), so
 * vCPU threads get it for MMIO and interrupts in between.
 */
#ifndef FERRY_SYSTEM_MAIN_LOOP_H
#define FERRY_SYSTEM_MAIN_LOOP_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "system/bql.h"
#include "system/clock.h"

typedef enum SysClockType {
    SYS_CLOCK_VIRTUAL,      /* stops while the machine is stopped */
    SYS_CLOCK_REALTIME,     /* host monotonic time, always running */
    SYS_CLOCK__COUNT
} SysClockType;

/* Create the main loop's context and clocks. Once per process, before any
 * other sys_main_loop_ or sys_timer_new call. The virtual clock starts
 * stopped: it runs while the machine runs (see sys_main_loop_clock_run). */
void sys_main_loop_init(void);

/* The main loop's context, to attach other sources to (they run with the
 * BQL held like everything else in the loop). */
GMainContext *sys_main_loop_context(void);

/* The main loop's clock @type (owned by the main loop). */
SysClock *sys_main_loop_clock(SysClockType type);

/* Current time of clock @type in ns. Any thread, no lock. */
int64_t sys_clock_get_ns(SysClockType type);

/* Start or stop the virtual clock (the machine runs / is stopped). */
void sys_main_loop_clock_run(bool run) REQUIRES(sys_bql);

/* A heap-allocated timer on clock @type whose callback runs on the main loop
 * thread with the BQL held; arm it with sys_timer_mod (absolute ns on that
 * clock) and disarm with sys_timer_del. */
SysTimer *sys_timer_new(SysClockType type, SysTimerCb cb, void *opaque);

/* Disarm and free a timer from sys_timer_new (NULL is fine). */
void sys_timer_free(SysTimer *t) REQUIRES(sys_bql);

/* Called with the BQL held on the main loop thread when @fd is ready for
 * @cond; return false to remove the watch. */
typedef bool (*SysFdFn)(int fd, GIOCondition cond, void *opaque);

/* Watch @fd for @cond (G_IO_IN, G_IO_OUT, ...). Any thread. Returns a
 * source id for sys_main_loop_remove_watch. */
guint sys_main_loop_add_fd(int fd, GIOCondition cond, SysFdFn fn, void *opaque);

/* Remove a watch (or any source) by id. Any thread; after it returns from
 * the main loop thread the callback will not run again. */
void sys_main_loop_remove_watch(guint id);

/* Run @fn(@opaque) soon on the main loop thread with the BQL held. Any
 * thread, never runs @fn before returning (no re-entrance). Returns an id
 * for sys_main_loop_cancel_call. */
uint64_t sys_main_loop_call(void (*fn)(void *opaque), void *opaque);

/* Drop a call that has not run yet (no effect once it ran). */
void sys_main_loop_cancel_call(uint64_t id);

/* Run the loop until sys_main_loop_quit. Caller holds the BQL and is the
 * thread that called sys_main_loop_init. */
void sys_main_loop_run(void) REQUIRES(sys_bql);

/* One iteration: dispatch what is ready, sleeping first if @block and
 * nothing is. Returns whether anything was dispatched. For tests. */
bool sys_main_loop_iterate(bool block) REQUIRES(sys_bql);

/* Make sys_main_loop_run return after the current iteration. Any thread. */
void sys_main_loop_quit(void);

/* Wake the loop from poll() (it then re-reads timer deadlines). Any thread. */
void sys_main_loop_wakeup(void);

/* Whether the calling thread is the main loop thread. */
bool sys_main_loop_is_current(void);

#endif
