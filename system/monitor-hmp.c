/*
 * monitor-hmp.c — the human monitor. Input is split into lines; each line
 * is a command name and arguments looked up in a table. Output is built in
 * a GString and written in one piece, followed by the prompt. Runs on the
 * main loop thread under the BQL.
 */
#include "system/monitor-hmp.h"

#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "system/runstate.h"
#include "system/vcpu.h"

#define HMP_PROMPT "(ferry) "
#define HMP_MAX_LINE 4096

struct SysHmp {
    SysChardev *chr;
    GString *line;          /* the partial input line */
    int cpu_index;          /* the selected vCPU ("cpu N") */
};

typedef void (*HmpCmdFn)(SysHmp *mon, char **argv, GString *out);

typedef struct HmpCommand {
    const char *name;       /* "info registers" is "info" + "registers" */
    const char *alias;
    const char *params;
    const char *help;
    HmpCmdFn fn;
} HmpCommand;

/* ---- info subcommands ---------------------------------------------------- */

static SysCPU *selected_cpu(SysHmp *mon)
{
    if (mon->cpu_index >= sys_vcpu_count()) {
        return NULL;
    }
    return sys_vcpu_get(mon->cpu_index);
}

NO_THREAD_SAFETY_ANALYSIS   /* run_on_cpu callback: BQL held */
static void sync_state(SysCPU *cpu, void *data)
{
    if (cpu->accel->synchronize_state) {
        cpu->accel->synchronize_state(cpu);
    }
}

NO_THREAD_SAFETY_ANALYSIS   /* monitor commands: BQL held */
static void info_registers(SysHmp *mon, char **argv, GString *out)
{
    SysCPU *cpu = selected_cpu(mon);

    if (!cpu) {
        g_string_append(out, "No CPU available\n");
        return;
    }
    /* The registers may live in the accelerator (KVM): fetch them on the
     * vCPU's own thread first, as QEMU's cpu_synchronize_state does. */
    sys_run_on_cpu(cpu, sync_state, NULL);
    cpu->accel->dump_state(cpu, out);
}

static void info_cpus(SysHmp *mon, char **argv, GString *out)
{
    for (int i = 0; i < sys_vcpu_count(); i++) {
        SysCPU *cpu = sys_vcpu_get(i);

        g_string_append_printf(out, "%c CPU #%d: thread_id=%d\n",
                               i == mon->cpu_index ? '*' : ' ', i,
                               atomic_load(&cpu->thread_id));
    }
}

NO_THREAD_SAFETY_ANALYSIS   /* monitor commands: BQL held */
static void info_status(SysHmp *mon, char **argv, GString *out)
{
    static const char *const text[] = {
        [SYS_RUN_STATE_PRELAUNCH] = "paused (prelaunch)",
        [SYS_RUN_STATE_RUNNING] = "running",
        [SYS_RUN_STATE_PAUSED] = "paused",
        [SYS_RUN_STATE_SHUTDOWN] = "paused (shutdown)",
    };

    g_string_append_printf(out, "VM status: %s\n", text[sys_runstate_get()]);
}

static void info_version(SysHmp *mon, char **argv, GString *out)
{
    g_string_append(out, PACKAGE_VERSION " (ferry)\n");
}

static const HmpCommand info_commands[] = {
    { "registers", NULL, "", "show the cpu registers", info_registers },
    { "cpus", NULL, "", "show infos for each CPU", info_cpus },
    { "status", NULL, "", "show the current VM status", info_status },
    { "version", NULL, "", "show the version", info_version },
};

/* ---- top-level commands -------------------------------------------------- */

static void cmd_help(SysHmp *mon, char **argv, GString *out);

static void cmd_info(SysHmp *mon, char **argv, GString *out)
{
    if (!argv[1]) {
        for (size_t i = 0; i < G_N_ELEMENTS(info_commands); i++) {
            g_string_append_printf(out, "info %s -- %s\n",
                                   info_commands[i].name,
                                   info_commands[i].help);
        }
        return;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(info_commands); i++) {
        if (!strcmp(argv[1], info_commands[i].name)) {
            info_commands[i].fn(mon, argv + 1, out);
            return;
        }
    }
    g_string_append_printf(out, "unknown info command: %s\n", argv[1]);
}

static void cmd_cpu(SysHmp *mon, char **argv, GString *out)
{
    char *end;
    long n = argv[1] ? strtol(argv[1], &end, 0) : -1;

    if (!argv[1] || *end || n < 0 || n >= sys_vcpu_count()) {
        g_string_append(out, "invalid CPU index\n");
        return;
    }
    mon->cpu_index = n;
}

NO_THREAD_SAFETY_ANALYSIS   /* monitor commands: BQL held */
static void cmd_stop(SysHmp *mon, char **argv, GString *out)
{
    sys_vm_stop();
}

NO_THREAD_SAFETY_ANALYSIS   /* monitor commands: BQL held */
static void cmd_cont(SysHmp *mon, char **argv, GString *out)
{
    if (sys_runstate_get() == SYS_RUN_STATE_SHUTDOWN) {
        g_string_append(out, "Resetting the Virtual Machine is required\n");
        return;
    }
    sys_vm_start();
}

static void cmd_quit(SysHmp *mon, char **argv, GString *out)
{
    sys_request_shutdown(SYS_SHUTDOWN_HOST_QMP_QUIT);
}

static void cmd_system_reset(SysHmp *mon, char **argv, GString *out)
{
    sys_request_reset(SYS_SHUTDOWN_HOST_QMP_SYSTEM_RESET);
}

static void cmd_system_powerdown(SysHmp *mon, char **argv, GString *out)
{
    sys_request_powerdown();
}

static const HmpCommand hmp_commands[] = {
    { "help", "?", "[cmd]", "show the help", cmd_help },
    { "info", NULL, "subcommand", "show various information about the "
      "system state", cmd_info },
    { "cpu", NULL, "index", "set the default CPU", cmd_cpu },
    { "stop", "s", "", "stop emulation", cmd_stop },
    { "cont", "c", "", "resume emulation", cmd_cont },
    { "system_reset", NULL, "", "reset the system", cmd_system_reset },
    { "system_powerdown", NULL, "", "send system power down event",
      cmd_system_powerdown },
    { "quit", "q", "", "quit the emulator", cmd_quit },
};

static void cmd_help(SysHmp *mon, char **argv, GString *out)
{
    for (size_t i = 0; i < G_N_ELEMENTS(hmp_commands); i++) {
        const HmpCommand *c = &hmp_commands[i];

        if (argv[1] && strcmp(argv[1], c->name)) {
            continue;
        }
        g_string_append_printf(out, "%s%s%s %s -- %s\n", c->name,
                               c->alias ? "|" : "", c->alias ? c->alias : "",
                               c->params, c->help);
    }
}

/* ---- sessions ------------------------------------------------------------ */

void sys_hmp_execute(SysHmp *mon, const char *line, GString *out)
{
    g_auto(GStrv) argv = NULL;
    g_autofree char *copy = g_strstrip(g_strdup(line));

    if (!*copy) {
        return;
    }
    argv = g_strsplit_set(copy, " \t", -1);
    /* Collapse runs of blanks into one separator. */
    for (int i = 0, j = 0;; i++) {
        if (argv[i] && !*argv[i]) {
            g_free(argv[i]);
            continue;
        }
        argv[j++] = argv[i];
        if (!argv[i]) {
            break;
        }
    }
    for (size_t i = 0; i < G_N_ELEMENTS(hmp_commands); i++) {
        const HmpCommand *c = &hmp_commands[i];

        if (!strcmp(argv[0], c->name) ||
            (c->alias && !strcmp(argv[0], c->alias))) {
            c->fn(mon, argv, out);
            return;
        }
    }
    g_string_append_printf(out, "unknown command: '%s'\n", argv[0]);
}

NO_THREAD_SAFETY_ANALYSIS   /* chardev callback from the main loop */
static void hmp_receive(void *opaque, const uint8_t *buf, size_t len)
{
    SysHmp *mon = opaque;

    for (size_t i = 0; i < len; i++) {
        g_autoptr(GString) out = NULL;

        if (buf[i] == '\r') {
            continue;
        }
        if (buf[i] != '\n') {
            if (mon->line->len < HMP_MAX_LINE) {
                g_string_append_c(mon->line, buf[i]);
            }
            continue;
        }
        out = g_string_new(NULL);
        sys_hmp_execute(mon, mon->line->str, out);
        g_string_truncate(mon->line, 0);
        g_string_append(out, HMP_PROMPT);
        sys_chardev_write(mon->chr, out->str, out->len);
    }
}

NO_THREAD_SAFETY_ANALYSIS   /* chardev callback from the main loop */
static void hmp_event(void *opaque, SysChrEvent ev)
{
    SysHmp *mon = opaque;

    g_string_truncate(mon->line, 0);
    if (ev == SYS_CHR_EVENT_OPENED) {
        sys_chardev_printf(mon->chr, "ferry %s monitor - type 'help' for "
                           "more information\n" HMP_PROMPT, PACKAGE_VERSION);
    }
}

static const SysChrHandlers hmp_chr_handlers = {
    .receive = hmp_receive,
    .event = hmp_event,
};

SysHmp *sys_hmp_new(SysChardev *chr)
{
    SysHmp *mon = g_new0(SysHmp, 1);

    mon->chr = chr;
    mon->line = g_string_new(NULL);
    if (chr) {
        sys_chardev_set_handlers(chr, &hmp_chr_handlers, mon);
    }
    return mon;
}

void sys_hmp_free(SysHmp *mon)
{
    if (mon->chr) {
        sys_chardev_set_handlers(mon->chr, NULL, NULL);
        sys_chardev_free(mon->chr);
    }
    g_string_free(mon->line, TRUE);
    g_free(mon);
}
