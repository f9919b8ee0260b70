/*
 * monitor-qmp.c — QMP sessions. Input bytes go through a JSON streamer;
 * each complete value is checked against QMP's request shape, dispatched
 * from the command table and answered with {"return": ...} or an error of
 * QMP's shape ({"error": {"class", "desc"}}), echoing "id". Everything runs
 * on the main loop thread under the BQL.
 */
#include "system/monitor-qmp.h"

#include <string.h>

#include "config.h"

#include "system/monitor-hmp.h"
#include "system/runstate.h"
#include "system/vcpu.h"

/* Largest request we take; bigger ones get an error and are skipped. */
#define QMP_MAX_REQUEST (1u << 20)

struct SysQmp {
    SysChardev *chr;
    JsonStreamer *streamer;
    bool negotiated;            /* qmp_capabilities done in this session */
};

/* Every live QMP monitor, for events. */
static GPtrArray *qmp_monitors GUARDED_BY(sys_bql);

/* QMP error classes (ErrorClass in QEMU's schema). */
typedef enum QmpErrClass {
    QMP_ERR_GENERIC,
    QMP_ERR_COMMAND_NOT_FOUND,
} QmpErrClass;

#define qmp_error(err, cls, ...) \
    g_set_error(err, g_quark_from_static_string("sys-qmp"), cls, __VA_ARGS__)

typedef JsonValue *(*QmpCmdFn)(SysQmp *mon, JsonValue *args, GError **err);

typedef struct QmpCommand {
    const char *name;
    QmpCmdFn fn;
    const char *const *args;    /* accepted argument names, NULL-terminated */
} QmpCommand;

/* ---- output -------------------------------------------------------------- */

static void qmp_send(SysQmp *mon, JsonValue *msg) REQUIRES(sys_bql)
{
    g_autoptr(GString) s = g_string_new(NULL);

    json_write(s, msg);
    g_string_append(s, "\r\n");
    sys_chardev_write(mon->chr, s->str, s->len);
    json_free(msg);
}

static JsonValue *error_reply(const GError *e)
{
    JsonValue *reply = json_object(), *err = json_object();

    json_object_set(err, "class", json_string(
        e->code == QMP_ERR_COMMAND_NOT_FOUND ? "CommandNotFound"
                                             : "GenericError"));
    json_object_set(err, "desc", json_string(e->message));
    json_object_set(reply, "error", err);
    return reply;
}

static JsonValue *timestamp(void)
{
    gint64 us = g_get_real_time();
    JsonValue *ts = json_object();

    json_object_set(ts, "seconds", json_int(us / G_USEC_PER_SEC));
    json_object_set(ts, "microseconds", json_int(us % G_USEC_PER_SEC));
    return ts;
}

void sys_qmp_event(const char *name, JsonValue *data)
{
    for (guint i = 0; qmp_monitors && i < qmp_monitors->len; i++) {
        SysQmp *mon = g_ptr_array_index(qmp_monitors, i);
        JsonValue *ev;

        if (!mon->negotiated) {
            continue;
        }
        ev = json_object();
        json_object_set(ev, "event", json_string(name));
        if (data) {
            /* Each session gets its own copy of the data. */
            g_autofree char *text = json_to_string(data);

            json_object_set(ev, "data", json_parse(text, strlen(text), NULL));
        }
        json_object_set(ev, "timestamp", timestamp());
        qmp_send(mon, ev);
    }
    json_free(data);
}

/* ---- commands ------------------------------------------------------------ */

static JsonValue *cmd_capabilities(SysQmp *mon, JsonValue *args, GError **err)
{
    JsonValue *en = args ? json_object_get(args, "enable") : NULL;

    if (en && json_type(en) != JSON_ARRAY) {
        qmp_error(err, QMP_ERR_GENERIC,
                  "Invalid parameter type for 'enable', expected: array");
        return NULL;
    }
    for (size_t i = 0; en && i < json_length(en); i++) {
        JsonValue *c = json_array_get(en, i);

        qmp_error(err, QMP_ERR_GENERIC, "Capability '%s' not available",
                  json_type(c) == JSON_STRING ? json_get_string(c) : "?");
        return NULL;
    }
    mon->negotiated = true;
    return json_object();
}

NO_THREAD_SAFETY_ANALYSIS   /* commands run from the main loop: BQL held */
static JsonValue *cmd_query_status(SysQmp *mon, JsonValue *args, GError **err)
{
    JsonValue *r = json_object();

    json_object_set(r, "status",
                    json_string(sys_runstate_name(sys_runstate_get())));
    json_object_set(r, "singlestep", json_bool(false));
    json_object_set(r, "running", json_bool(sys_runstate_is_running()));
    return r;
}

static JsonValue *cmd_query_cpus_fast(SysQmp *mon, JsonValue *args,
                                      GError **err)
{
    JsonValue *list = json_array();

    for (int i = 0; i < sys_vcpu_count(); i++) {
        SysCPU *cpu = sys_vcpu_get(i);
        JsonValue *c = json_object(), *props = json_object();
        g_autofree char *path =
            g_strdup_printf("/machine/unattached/device[%d]", i);

        json_object_set(c, "cpu-index", json_int(i));
        json_object_set(c, "qom-path", json_string(path));
        json_object_set(c, "thread-id",
                        json_int(atomic_load(&cpu->thread_id)));
        json_object_set(props, "core-id", json_int(0));
        json_object_set(props, "thread-id", json_int(0));
        json_object_set(props, "socket-id", json_int(i));
        json_object_set(c, "props", props);
        json_object_set(c, "target", json_string("x86_64"));
        json_array_append(list, c);
    }
    return list;
}

NO_THREAD_SAFETY_ANALYSIS   /* commands run from the main loop: BQL held */
static JsonValue *cmd_stop(SysQmp *mon, JsonValue *args, GError **err)
{
    if (sys_runstate_get() == SYS_RUN_STATE_PRELAUNCH) {
        /* QEMU: with -S, stop before the first cont is a no-op. */
        return json_object();
    }
    sys_vm_stop();
    return json_object();
}

NO_THREAD_SAFETY_ANALYSIS   /* commands run from the main loop: BQL held */
static JsonValue *cmd_cont(SysQmp *mon, JsonValue *args, GError **err)
{
    if (sys_runstate_get() == SYS_RUN_STATE_SHUTDOWN) {
        qmp_error(err, QMP_ERR_GENERIC,
                  "Resetting the Virtual Machine is required");
        return NULL;
    }
    sys_vm_start();
    return json_object();
}

static JsonValue *cmd_system_reset(SysQmp *mon, JsonValue *args, GError **err)
{
    sys_request_reset(SYS_SHUTDOWN_HOST_QMP_SYSTEM_RESET);
    return json_object();
}

static JsonValue *cmd_system_powerdown(SysQmp *mon, JsonValue *args,
                                       GError **err)
{
    sys_request_powerdown();
    return json_object();
}

static JsonValue *cmd_quit(SysQmp *mon, JsonValue *args, GError **err)
{
    sys_request_shutdown(SYS_SHUTDOWN_HOST_QMP_QUIT);
    return json_object();
}

static JsonValue *cmd_query_version(SysQmp *mon, JsonValue *args,
                                    GError **err)
{
    JsonValue *r = json_object(), *q = json_object();

    json_object_set(q, "major", json_int(0));
    json_object_set(q, "minor", json_int(1));
    json_object_set(q, "micro", json_int(0));
    json_object_set(r, "qemu", q);
    json_object_set(r, "package", json_string("ferry " PACKAGE_VERSION));
    return r;
}

/* human-monitor-command: run an HMP command line, return its text. */
NO_THREAD_SAFETY_ANALYSIS   /* commands run from the main loop: BQL held */
static JsonValue *cmd_hmc(SysQmp *mon, JsonValue *args, GError **err)
{
    JsonValue *line = args ? json_object_get(args, "command-line") : NULL;
    JsonValue *cpu = args ? json_object_get(args, "cpu-index") : NULL;
    g_autoptr(GString) out = g_string_new(NULL);
    SysHmp *hmp;

    if (!line || json_type(line) != JSON_STRING) {
        qmp_error(err, QMP_ERR_GENERIC, line ? "Invalid parameter type for "
                  "'command-line', expected: string"
                  : "Parameter 'command-line' is missing");
        return NULL;
    }
    if (cpu && json_type(cpu) != JSON_INT) {
        qmp_error(err, QMP_ERR_GENERIC, "Invalid parameter type for "
                  "'cpu-index', expected: integer");
        return NULL;
    }
    hmp = sys_hmp_new(NULL);
    if (cpu) {
        g_autofree char *sel = g_strdup_printf("cpu %" G_GINT64_FORMAT,
                                               json_get_int(cpu));

        sys_hmp_execute(hmp, sel, out);
    }
    if (!out->len) {
        sys_hmp_execute(hmp, json_get_string(line), out);
    }
    sys_hmp_free(hmp);
    return json_string(out->str);
}

static JsonValue *cmd_query_commands(SysQmp *mon, JsonValue *args,
                                     GError **err);

static const char *const no_args[] = { NULL };
static const char *const capabilities_args[] = { "enable", NULL };
static const char *const hmc_args[] = { "command-line", "cpu-index", NULL };

static const QmpCommand qmp_commands[] = {
    { "qmp_capabilities", cmd_capabilities, capabilities_args },
    { "query-status", cmd_query_status, no_args },
    { "query-cpus-fast", cmd_query_cpus_fast, no_args },
    { "query-version", cmd_query_version, no_args },
    { "query-commands", cmd_query_commands, no_args },
    { "stop", cmd_stop, no_args },
    { "cont", cmd_cont, no_args },
    { "system_reset", cmd_system_reset, no_args },
    { "system_powerdown", cmd_system_powerdown, no_args },
    { "quit", cmd_quit, no_args },
    { "human-monitor-command", cmd_hmc, hmc_args },
};

static JsonValue *cmd_query_commands(SysQmp *mon, JsonValue *args,
                                     GError **err)
{
    JsonValue *list = json_array();

    for (size_t i = 0; i < G_N_ELEMENTS(qmp_commands); i++) {
        JsonValue *c = json_object();

        json_object_set(c, "name", json_string(qmp_commands[i].name));
        json_array_append(list, c);
    }
    return list;
}

/* ---- dispatch ------------------------------------------------------------ */

static const QmpCommand *find_command(const char *name)
{
    for (size_t i = 0; i < G_N_ELEMENTS(qmp_commands); i++) {
        if (!strcmp(qmp_commands[i].name, name)) {
            return &qmp_commands[i];
        }
    }
    return NULL;
}

/* Check the request's shape; returns the command name or NULL + @err. */
static const char *check_request(JsonValue *req, JsonValue **args,
                                 GError **err)
{
    JsonValue *ex;

    if (json_type(req) != JSON_OBJECT) {
        qmp_error(err, QMP_ERR_GENERIC, "QMP input must be a JSON object");
        return NULL;
    }
    for (size_t i = 0; i < json_length(req); i++) {
        const char *k = json_object_key(req, i);

        if (strcmp(k, "execute") && strcmp(k, "arguments") &&
            strcmp(k, "id")) {
            qmp_error(err, QMP_ERR_GENERIC,
                      "QMP input member '%s' is unexpected", k);
            return NULL;
        }
    }
    ex = json_object_get(req, "execute");
    if (!ex) {
        qmp_error(err, QMP_ERR_GENERIC, "QMP input lacks member 'execute'");
        return NULL;
    }
    if (json_type(ex) != JSON_STRING) {
        qmp_error(err, QMP_ERR_GENERIC,
                  "QMP input member 'execute' must be a string");
        return NULL;
    }
    *args = json_object_get(req, "arguments");
    if (*args && json_type(*args) != JSON_OBJECT) {
        qmp_error(err, QMP_ERR_GENERIC,
                  "QMP input member 'arguments' must be an object");
        return NULL;
    }
    return json_get_string(ex);
}

static bool check_args(const QmpCommand *cmd, JsonValue *args, GError **err)
{
    for (size_t i = 0; args && i < json_length(args); i++) {
        const char *k = json_object_key(args, i);
        bool known = false;

        for (const char *const *a = cmd->args; *a; a++) {
            known |= !strcmp(*a, k);
        }
        if (!known) {
            qmp_error(err, QMP_ERR_GENERIC, "Parameter '%s' is unexpected", k);
            return false;
        }
    }
    return true;
}

static JsonValue *dispatch(SysQmp *mon, JsonValue *req, GError **err)
{
    JsonValue *args = NULL;
    const char *name = check_request(req, &args, err);
    const QmpCommand *cmd;

    if (!name) {
        return NULL;
    }
    cmd = find_command(name);
    if (!mon->negotiated && (!cmd || cmd->fn != cmd_capabilities)) {
        qmp_error(err, QMP_ERR_COMMAND_NOT_FOUND,
                  "Expecting capabilities negotiation with "
                  "'qmp_capabilities'");
        return NULL;
    }
    if (!cmd) {
        qmp_error(err, QMP_ERR_COMMAND_NOT_FOUND,
                  "The command %s has not been found", name);
        return NULL;
    }
    if (mon->negotiated && cmd->fn == cmd_capabilities) {
        qmp_error(err, QMP_ERR_COMMAND_NOT_FOUND,
                  "Capabilities negotiation is already complete, command "
                  "ignored");
        return NULL;
    }
    if (!check_args(cmd, args, err)) {
        return NULL;
    }
    return cmd->fn(mon, args, err);
}

NO_THREAD_SAFETY_ANALYSIS   /* streamer callback from the main loop */
static void qmp_handle(void *opaque, JsonValue *req, const GError *perr)
{
    SysQmp *mon = opaque;
    g_autoptr(GError) err = NULL;
    JsonValue *reply, *result;

    if (!req) {
        qmp_error(&err, QMP_ERR_GENERIC, "JSON parse error, %s",
                  perr->message);
        qmp_send(mon, error_reply(err));
        return;
    }
    result = dispatch(mon, req, &err);
    if (result) {
        reply = json_object();
        json_object_set(reply, "return", result);
    } else {
        reply = error_reply(err);
    }
    if (json_type(req) == JSON_OBJECT && json_object_get(req, "id")) {
        g_autofree char *id = json_to_string(json_object_get(req, "id"));

        json_object_set(reply, "id", json_parse(id, strlen(id), NULL));
    }
    json_free(req);
    qmp_send(mon, reply);
}

/* ---- sessions ------------------------------------------------------------ */

static void qmp_greet(SysQmp *mon) REQUIRES(sys_bql)
{
    JsonValue *msg = json_object(), *qmp = json_object();

    json_object_set(qmp, "version", cmd_query_version(mon, NULL, NULL));
    json_object_set(qmp, "capabilities", json_array());
    json_object_set(msg, "QMP", qmp);
    qmp_send(mon, msg);
}

NO_THREAD_SAFETY_ANALYSIS   /* chardev callback from the main loop */
static void qmp_receive(void *opaque, const uint8_t *buf, size_t len)
{
    SysQmp *mon = opaque;

    json_streamer_feed(mon->streamer, buf, len);
}

NO_THREAD_SAFETY_ANALYSIS   /* chardev callback from the main loop */
static void qmp_event_cb(void *opaque, SysChrEvent ev)
{
    SysQmp *mon = opaque;

    mon->negotiated = false;
    json_streamer_reset(mon->streamer);
    if (ev == SYS_CHR_EVENT_OPENED) {
        qmp_greet(mon);
    }
}

static const SysChrHandlers qmp_chr_handlers = {
    .receive = qmp_receive,
    .event = qmp_event_cb,
};

SysQmp *sys_qmp_new(SysChardev *chr)
{
    SysQmp *mon = g_new0(SysQmp, 1);

    mon->chr = chr;
    mon->streamer = json_streamer_new(QMP_MAX_REQUEST, qmp_handle, mon);
    if (!qmp_monitors) {
        qmp_monitors = g_ptr_array_new();
    }
    g_ptr_array_add(qmp_monitors, mon);
    sys_chardev_set_handlers(chr, &qmp_chr_handlers, mon);
    return mon;
}

void sys_qmp_free(SysQmp *mon)
{
    g_ptr_array_remove(qmp_monitors, mon);
    sys_chardev_set_handlers(mon->chr, NULL, NULL);
    sys_chardev_free(mon->chr);
    json_streamer_free(mon->streamer);
    g_free(mon);
}
