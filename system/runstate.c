/*
 * runstate.c — the machine's run state and the requests that change it.
 * Requests from any thread are flags plus a deferred call to the main loop,
 * which pauses the vCPUs, resets or shuts down, and emits the QMP events.
 * State is under the BQL; the request flags are atomics.
 */
#include "system/runstate.h"

#include <stdatomic.h>

#include "system/json.h"
#include "system/main-loop.h"
#include "system/monitor-qmp.h"
#include "system/vcpu.h"

typedef struct Handler {
    void (*fn)(void *opaque);
    void *opaque;
} Handler;

static SysRunState runstate GUARDED_BY(sys_bql) = SYS_RUN_STATE_PRELAUNCH;
static bool shutdown_done GUARDED_BY(sys_bql);
static atomic_bool no_reboot;
static atomic_int exit_status;

/* 1 + cause, or 0 for no request; the first request of each kind wins. */
static atomic_int shutdown_req, reset_req;
static atomic_bool powerdown_req;

static GArray *reset_handlers GUARDED_BY(sys_bql);
static GArray *powerdown_handlers GUARDED_BY(sys_bql);

const char *sys_runstate_name(SysRunState st)
{
    static const char *const names[] = {
        [SYS_RUN_STATE_PRELAUNCH] = "prelaunch",
        [SYS_RUN_STATE_RUNNING] = "running",
        [SYS_RUN_STATE_PAUSED] = "paused",
        [SYS_RUN_STATE_SHUTDOWN] = "shutdown",
    };
    return names[st];
}

const char *sys_shutdown_cause_name(SysShutdownCause cause)
{
    static const char *const names[] = {
        [SYS_SHUTDOWN_HOST_QMP_QUIT] = "host-qmp-quit",
        [SYS_SHUTDOWN_HOST_QMP_SYSTEM_RESET] = "host-qmp-system-reset",
        [SYS_SHUTDOWN_HOST_SIGNAL] = "host-signal",
        [SYS_SHUTDOWN_GUEST_SHUTDOWN] = "guest-shutdown",
        [SYS_SHUTDOWN_GUEST_RESET] = "guest-reset",
    };
    return names[cause];
}

static bool cause_is_guest(SysShutdownCause cause)
{
    return cause == SYS_SHUTDOWN_GUEST_SHUTDOWN ||
           cause == SYS_SHUTDOWN_GUEST_RESET;
}

SysRunState sys_runstate_get(void)
{
    return runstate;
}

bool sys_runstate_is_running(void)
{
    return runstate == SYS_RUN_STATE_RUNNING;
}

void sys_runstate_set_no_reboot(bool v)
{
    atomic_store(&no_reboot, v);
}

bool sys_shutdown_done(void)
{
    return shutdown_done;
}

/* ---- stop / cont --------------------------------------------------------- */

void sys_vm_start(void)
{
    if (runstate == SYS_RUN_STATE_RUNNING ||
        runstate == SYS_RUN_STATE_SHUTDOWN) {
        return;
    }
    runstate = SYS_RUN_STATE_RUNNING;
    sys_main_loop_clock_run(true);
    sys_vcpu_resume_all();
    sys_qmp_event("RESUME", NULL);
}

void sys_vm_stop(void)
{
    if (runstate != SYS_RUN_STATE_RUNNING) {
        return;
    }
    runstate = SYS_RUN_STATE_PAUSED;
    sys_vcpu_pause_all();
    sys_main_loop_clock_run(false);
    sys_qmp_event("STOP", NULL);
}

/* ---- requests ------------------------------------------------------------ */

static JsonValue *cause_data(SysShutdownCause cause)
{
    JsonValue *d = json_object();

    json_object_set(d, "guest", json_bool(cause_is_guest(cause)));
    json_object_set(d, "reason", json_string(sys_shutdown_cause_name(cause)));
    return d;
}

static void run_handlers(GArray *handlers) REQUIRES(sys_bql)
{
    for (guint i = 0; handlers && i < handlers->len; i++) {
        Handler *h = &g_array_index(handlers, Handler, i);

        h->fn(h->opaque);
    }
}

static void do_shutdown(SysShutdownCause cause) REQUIRES(sys_bql)
{
    sys_qmp_event("SHUTDOWN", cause_data(cause));
    /* No STOP event: QEMU stops the vCPUs silently on the way out. */
    sys_vcpu_pause_all();
    sys_main_loop_clock_run(false);
    runstate = SYS_RUN_STATE_SHUTDOWN;
    shutdown_done = true;
    sys_main_loop_quit();
}

static void do_reset(SysShutdownCause cause) REQUIRES(sys_bql)
{
    bool was_running = runstate == SYS_RUN_STATE_RUNNING;

    sys_vcpu_pause_all();
    sys_vcpu_reset_all();
    run_handlers(reset_handlers);
    sys_qmp_event("RESET", cause_data(cause));
    if (was_running) {
        sys_vcpu_resume_all();
    }
}

/* The main loop's side of every request. */
NO_THREAD_SAFETY_ANALYSIS   /* main loop callback: BQL held */
static void handle_requests(void *opaque)
{
    int sd = atomic_exchange(&shutdown_req, 0);
    int rs = atomic_exchange(&reset_req, 0);

    if (shutdown_done) {
        return;
    }
    if (sd) {
        do_shutdown(sd - 1);
        return;
    }
    if (rs) {
        do_reset(rs - 1);
    }
    if (atomic_exchange(&powerdown_req, false)) {
        sys_qmp_event("POWERDOWN", NULL);
        run_handlers(powerdown_handlers);
    }
}

void sys_request_shutdown(SysShutdownCause cause)
{
    int none = 0;

    atomic_compare_exchange_strong(&shutdown_req, &none, (int)cause + 1);
    sys_main_loop_call(handle_requests, NULL);
}

void sys_request_reset(SysShutdownCause cause)
{
    int none = 0;

    if (atomic_load(&no_reboot) && cause_is_guest(cause)) {
        sys_request_shutdown(cause);
        return;
    }
    atomic_compare_exchange_strong(&reset_req, &none, (int)cause + 1);
    sys_main_loop_call(handle_requests, NULL);
}

void sys_request_exit(int status)
{
    atomic_store(&exit_status, status);
    sys_request_shutdown(SYS_SHUTDOWN_GUEST_SHUTDOWN);
}

int sys_runstate_exit_status(void)
{
    return atomic_load(&exit_status);
}

void sys_request_powerdown(void)
{
    atomic_store(&powerdown_req, true);
    sys_main_loop_call(handle_requests, NULL);
}

static void add_handler(GArray **arr, void (*fn)(void *), void *opaque)
    REQUIRES(sys_bql)
{
    Handler h = { fn, opaque };

    if (!*arr) {
        *arr = g_array_new(FALSE, FALSE, sizeof(Handler));
    }
    g_array_append_val(*arr, h);
}

void sys_reset_register(void (*fn)(void *opaque), void *opaque)
{
    add_handler(&reset_handlers, fn, opaque);
}

void sys_powerdown_register(void (*fn)(void *opaque), void *opaque)
{
    add_handler(&powerdown_handlers, fn, opaque);
}
