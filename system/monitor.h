/*
 * monitor.h — the human monitor (HMP) on a chardev: a line editor, a table
 * of commands, and built-ins to inspect the machine (help, info mtree,
 * xp, stop, cont). The machine registers the commands that need it (quit,
 * system_reset, device state). Commands run in the main loop under the BQL.
 */
#ifndef FERRY_SYSTEM_MONITOR_H
#define FERRY_SYSTEM_MONITOR_H

#include <stdbool.h>

#include "system/chardev.h"
#include "system/memory.h"

typedef struct Monitor Monitor;

/* A command: @argv[0] is its name ("info" commands get argv[0] = "info",
 * argv[1] = the topic). Runs under the BQL. */
typedef void (*MonCmdFn)(Monitor *mon, int argc, char **argv, void *opaque);

/* A monitor reading commands from @chr (which must have a main loop) and
 * answering on it; @echo repeats typed characters (for terminals). */
Monitor *mon_new(Chardev *chr, bool echo);

/* Free the monitor after chr_free() of its chardev (which is the
 * caller's); not under the BQL. */
void mon_free(Monitor *mon);

/* The spaces "info mtree" and "xp" look at (any may be NULL). */
void mon_set_memory(Monitor *mon, MemoryRegion *mem_root, AddressSpace *mem,
                    MemoryRegion *io_root, AddressSpace *io);

/* Add a command; @name is one word or "info TOPIC". @args and @help are
 * shown by "help". Strings are not copied. */
void mon_register(Monitor *mon, const char *name, const char *args,
                  const char *help, MonCmdFn fn, void *opaque);

/* Print to the monitor's chardev. */
void mon_printf(Monitor *mon, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Run one command line as if typed (no echo, no prompt). */
void mon_execute(Monitor *mon, const char *line) REQUIRES(sys_bql);

#endif
