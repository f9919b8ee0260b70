/*
 * monitor-hmp.h — the human monitor (HMP) on the -monitor chardev: a line
 * of text per command (info registers, info cpus, stop, cont, quit, ...),
 * answered in text, with a "(ferry) " prompt.
 */
#ifndef FERRY_SYSTEM_MONITOR_HMP_H
#define FERRY_SYSTEM_MONITOR_HMP_H

#include <glib.h>

#include "system/chardev.h"
#include "system/bql.h"

typedef struct SysHmp SysHmp;

/* Serve HMP on @chr (the monitor takes ownership of the chardev). */
SysHmp *sys_hmp_new(SysChardev *chr) REQUIRES(sys_bql);

/* Run one command line and append its output to @out (no prompt). Used by
 * the session and by tests. */
void sys_hmp_execute(SysHmp *mon, const char *line, GString *out)
    REQUIRES(sys_bql);

/* Stop serving and free @mon and its chardev. */
void sys_hmp_free(SysHmp *mon) REQUIRES(sys_bql);

#endif
