/*
 * device.h — the -device registry: hw/ registers each user-creatable device
 * type by name with a help line and a create function; the command line
 * creates them from "NAME[,prop=value...]" and lists them for -device help.
 */
#ifndef FERRY_SYSTEM_DEVICE_H
#define FERRY_SYSTEM_DEVICE_H

#include <glib.h>
#include <stdbool.h>

#include "system/bql.h"

/* Create one instance with @props (prop name -> value strings; a bare
 * "flag" maps to "on"). Reject unknown or bad props with a message in @err
 * and return false. Runs on the main thread with the BQL held, after the
 * board exists and before the machine starts. */
typedef bool (*SysDeviceCreateFn)(GHashTable *props, GError **err);

/* Register device type @name. Names are unique (a duplicate is a bug);
 * call before the command line is acted on. */
void sys_device_register(const char *name, const char *help,
                         SysDeviceCreateFn create);

/* Append "name  help" lines for every registered type, sorted by name. */
void sys_device_list(GString *out);

/* Whether @name is registered. */
bool sys_device_exists(const char *name);

/* Create a device from a -device argument. */
bool sys_device_create(const char *spec, GError **err) REQUIRES(sys_bql);

#endif
