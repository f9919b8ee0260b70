/*
 * main-loop.h — the system emulator's main loop: a glib main context run by
 * one thread (the process's main thread) that fires clock timers, reads
 * chardev input and later serves the monitor. Sources dispatch device work
 * under the BQL; the loop itself sleeps without it.
 */
#ifndef FERRY_SYSTEM_MAIN_LOOP_H
#define FERRY_SYSTEM_MAIN_LOOP_H

#include <stdbool.h>

#include <glib.h>

#include "system/bql.h"
#include "system/clock.h"

/* Create the main context (once). */
void sys_main_loop_init(void);

/* Free it; every source must be gone and the loop not running. */
void sys_main_loop_fini(void);

/* The context sources attach to. */
GMainContext *sys_main_loop_context(void);

/* Fire @clock's timers from the loop (host clocks; a manual clock is
 * driven by its owner). Installs the clock's notify hook, so a timer armed
 * from any thread wakes the loop. The clock must outlive the loop. */
void sys_main_loop_add_clock(SysClock *clock);

/* Run until sys_main_loop_quit(). The calling thread must be registered
 * with RCU if sources dispatch memory accesses. */
void sys_main_loop_run(void) EXCLUDES(sys_bql);

/* Make sys_main_loop_run() return; callable from any thread. */
void sys_main_loop_quit(void);

/* One iteration; waits for an event when @blocking. Returns whether any
 * source was dispatched. For tests and single-threaded drivers. */
bool sys_main_loop_iterate(bool blocking) EXCLUDES(sys_bql);

#endif
