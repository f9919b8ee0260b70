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
#include "system/machine.h"
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

NO_THREAD_SAFETY_ANALYSIS   /* monitor commands: BQL held */
static void info_mtree(SysHmp *mon, char **argv, GString *out)
{
    if (!sys_machine_exists()) {
        g_string_append(out, "no machine\n");
        return;
    }
    sys_machine_print_mtree(out);
}

static const HmpCommand info_commands[] = {
    { "mtree", NULL, "", "show memory tree", info_mtree },
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

/* ---- memory and I/O ports ----------------------------------------------- */

/* "[count][x|d|u][b|h|w|g]" (xp) or "[b|w|l]" (i, o): QEMU's format after
 * the '/'. The caller presets the defaults. */
static bool parse_fmt(const char *s, long *count, char *format, int *size)
{
    char *end;

    if (g_ascii_isdigit(*s)) {
        *count = strtol(s, &end, 10);
        s = end;
    }
    for (; *s; s++) {
        switch (*s) {
        case 'x': case 'd': case 'u': *format = *s; break;
        case 'b': *size = 1; break;
        case 'h': *size = 2; break;
        case 'w': *size = *format ? 4 : 2; break;   /* xp: 32, i/o: 16 */
        case 'l': *size = 4; break;
        case 'g': *size = 8; break;
        default: return false;
        }
    }
    return *count > 0 && *count <= 4096;
}

/* The command's "/fmt" (attached as in "xp/4xb" or as the next word) and
 * the index of the first operand. */
static int split_fmt(char **argv, const char **fmt)
{
    char *slash = strchr(argv[0], '/');

    if (slash) {
        *fmt = slash + 1;
        return 1;
    }
    if (argv[1] && argv[1][0] == '/') {
        *fmt = argv[1] + 1;
        return 2;
    }
    *fmt = NULL;
    return 1;
}

static bool parse_u64(const char *s, uint64_t *v)
{
    char *end;

    if (!s) {
        return false;
    }
    *v = g_ascii_strtoull(s, &end, 0);
    return *s && !*end;
}

static void cmd_xp(SysHmp *mon, char **argv, GString *out)
{
    const char *fmt;
    int i = split_fmt(argv, &fmt), size = 4;
    long count = 1;
    char format = 'x';
    uint64_t addr;

    if ((fmt && !parse_fmt(fmt, &count, &format, &size)) ||
        !parse_u64(argv[i], &addr)) {
        g_string_append(out, "usage: xp /fmt addr\n");
        return;
    }
    if (!sys_machine_exists()) {
        g_string_append(out, "no machine\n");
        return;
    }
    for (long n = 0; n < count; n++) {
        uint64_t v;
        int per_line = size <= 2 ? 8 : 16 / size;

        if (n % per_line == 0) {
            g_string_append_printf(out, "%s%016" G_GINT64_MODIFIER "x:",
                                   n ? "\n" : "", addr + n * size);
        }
        sys_as_read(sys_machine_memory(), addr + n * size, size, &v);
        if (format == 'x') {
            g_string_append_printf(out, " 0x%0*" G_GINT64_MODIFIER "x",
                                   size * 2, v);
        } else {
            g_string_append_printf(out, " %" G_GINT64_MODIFIER "u", v);
        }
    }
    g_string_append_c(out, '\n');
}

/* i /[b|w|l] PORT and o /[b|w|l] PORT VALUE. */
static void port_access(SysHmp *mon, char **argv, GString *out, bool write)
{
    static const char suffix[] = { [1] = 'b', [2] = 'w', [4] = 'l' };
    const char *fmt;
    int i = split_fmt(argv, &fmt), size = 1;
    long count = 1;
    char format = 0;
    uint64_t port, val = 0;

    if ((fmt && !parse_fmt(fmt, &count, &format, &size)) || size > 4 ||
        !parse_u64(argv[i], &port) || port > 0xffff ||
        (write && !parse_u64(argv[i + 1], &val))) {
        g_string_append_printf(out, "usage: %s /[b|w|l] port%s\n",
                               write ? "o" : "i", write ? " value" : "");
        return;
    }
    if (!sys_machine_exists()) {
        g_string_append(out, "no machine\n");
        return;
    }
    if (write) {
        sys_as_write(sys_machine_io(), port, size, val);
        return;
    }
    sys_as_read(sys_machine_io(), port, size, &val);
    g_string_append_printf(out, "port%c[0x%04x] = 0x%0*x\n", suffix[size],
                           (unsigned)port, size * 2, (unsigned)val);
}

static void cmd_in(SysHmp *mon, char **argv, GString *out)
{
    port_access(mon, argv, out, false);
}

static void cmd_out(SysHmp *mon, char **argv, GString *out)
{
    port_access(mon, argv, out, true);
}

static const HmpCommand hmp_commands[] = {
    { "help", "?", "[cmd]", "show the help", cmd_help },
    { "info", NULL, "subcommand", "show various information about the "
      "system state", cmd_info },
    { "cpu", NULL, "index", "set the default CPU", cmd_cpu },
    { "xp", NULL, "/fmt addr", "physical memory dump starting at 'addr'",
      cmd_xp },
    { "i", NULL, "/fmt addr", "I/O port read", cmd_in },
    { "o", NULL, "/fmt addr value", "I/O port write", cmd_out },
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

        size_t len = strcspn(argv[0], "/");

        if ((strlen(c->name) == len && !strncmp(argv[0], c->name, len)) ||
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
