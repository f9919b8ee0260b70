/*
 * monitor-qmp.h — QMP, the JSON machine protocol, on a chardev (normally
 * -qmp unix:PATH,server,nowait): greeting, capabilities negotiation,
 * commands, and events broadcast to every negotiated session.
 */
#ifndef FERRY_SYSTEM_MONITOR_QMP_H
#define FERRY_SYSTEM_MONITOR_QMP_H

#include "system/chardev.h"
#include "system/bql.h"
#include "system/json.h"

typedef struct SysQmp SysQmp;

/* Serve QMP on @chr (the monitor takes ownership of the chardev). Every
 * client that connects gets the greeting and must send qmp_capabilities
 * before anything else. */
SysQmp *sys_qmp_new(SysChardev *chr) REQUIRES(sys_bql);

/* Stop serving and free @mon and its chardev. */
void sys_qmp_free(SysQmp *mon) REQUIRES(sys_bql);

/* Send event @name with @data (owned; NULL for none) and the current
 * timestamp to every session past negotiation. */
void sys_qmp_event(const char *name, JsonValue *data) REQUIRES(sys_bql);

#endif
