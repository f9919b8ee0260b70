/*
 * runstate.h — the machine's run state (prelaunch, running, paused,
 * shutdown), stop/cont, and the shutdown/reset/powerdown requests that
 * vCPUs, devices and monitors make; requests are carried out on the main
 * loop thread, which also emits the matching QMP events.
 */
#ifndef FERRY_SYSTEM_RUNSTATE_H
#define FERRY_SYSTEM_RUNSTATE_H

#include <stdbool.h>

#include "system/bql.h"

typedef enum SysRunState {
    SYS_RUN_STATE_PRELAUNCH,    /* -S: created, never started */
    SYS_RUN_STATE_RUNNING,
    SYS_RUN_STATE_PAUSED,       /* stop */
    SYS_RUN_STATE_SHUTDOWN,
} SysRunState;

/* Why a shutdown or reset was asked for (QMP's ShutdownCause). */
typedef enum SysShutdownCause {
    SYS_SHUTDOWN_HOST_QMP_QUIT,
    SYS_SHUTDOWN_HOST_QMP_SYSTEM_RESET,
    SYS_SHUTDOWN_HOST_SIGNAL,
    SYS_SHUTDOWN_GUEST_SHUTDOWN,    /* power-off */
    SYS_SHUTDOWN_GUEST_RESET,       /* reboot, triple fault */
} SysShutdownCause;

/* QMP's names: "running", "paused", ... and "host-qmp-quit", ... */
const char *sys_runstate_name(SysRunState st);
const char *sys_shutdown_cause_name(SysShutdownCause cause);

SysRunState sys_runstate_get(void) REQUIRES(sys_bql);
bool sys_runstate_is_running(void) REQUIRES(sys_bql);

/* -no-reboot: a guest reset becomes a shutdown. Set before starting. */
void sys_runstate_set_no_reboot(bool no_reboot);

/* cont: let the vCPUs and the virtual clock run; emits RESUME. No effect
 * when running or shut down. */
void sys_vm_start(void) REQUIRES(sys_bql);

/* stop: pause the vCPUs and the virtual clock; emits STOP. No effect unless
 * running. */
void sys_vm_stop(void) REQUIRES(sys_bql);

/* Ask for a shutdown / reset / ACPI-style powerdown. Any thread, any lock
 * state: the main loop does the work (SHUTDOWN then quit; RESET;
 * POWERDOWN plus the powerdown notifiers). */
void sys_request_shutdown(SysShutdownCause cause);
void sys_request_reset(SysShutdownCause cause);
void sys_request_powerdown(void);

/* A guest-requested exit with a process status (isa-debug-exit): a
 * shutdown with cause guest-shutdown, after which the emulator exits with
 * @status. Any thread. */
void sys_request_exit(int status);

/* The status the process should exit with: 0 unless sys_request_exit. */
int sys_runstate_exit_status(void);

/* Whether a shutdown was carried out (the main loop has been told to quit). */
bool sys_shutdown_done(void) REQUIRES(sys_bql);

/* Devices: @fn(@opaque) runs on every system reset (BQL held, vCPUs
 * paused), in registration order. */
void sys_reset_register(void (*fn)(void *opaque), void *opaque)
    REQUIRES(sys_bql);

/* A powerdown handler (the ACPI power button once there is one). */
void sys_powerdown_register(void (*fn)(void *opaque), void *opaque)
    REQUIRES(sys_bql);

#endif
