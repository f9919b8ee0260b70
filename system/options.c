/*
 * options.c — the command-line parser. One table of options (name, whether
 * it takes an argument, handler); handlers check their own values and
 * check_combinations() the cross-option rules. Accepts -opt and --opt.
 */
#include "system/options.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#define opt_error(err, ...) \
    g_set_error(err, g_quark_from_static_string("sys-options"), 0, __VA_ARGS__)

typedef bool (*OptFn)(SysOptions *o, const char *arg, GError **err);

typedef struct OptDesc {
    const char *name;
    bool has_arg;
    OptFn fn;
    const char *help;           /* "-name ARG  text" line for -h */
} OptDesc;

/* ---- values -------------------------------------------------------------- */

bool sys_options_parse_size(const char *s, uint64_t *bytes, GError **err)
{
    const char *p = g_str_has_prefix(s, "size=") ? s + 5 : s;
    char *end;
    double v;
    uint64_t unit = 1 << 20;

    errno = 0;
    v = g_ascii_strtod(p, &end);
    if (end == p || errno || v < 0) {
        opt_error(err, "-m %s: not a size", s);
        return false;
    }
    switch (g_ascii_toupper(*end)) {
    case 0:   break;
    case 'B': unit = 1; end++; break;
    case 'K': unit = UINT64_C(1) << 10; end++; break;
    case 'M': unit = UINT64_C(1) << 20; end++; break;
    case 'G': unit = UINT64_C(1) << 30; end++; break;
    case 'T': unit = UINT64_C(1) << 40; end++; break;
    default:  end = (char *)"?"; break;
    }
    if (*end || v * unit >= 0x1p63) {
        opt_error(err, "-m %s: bad size (a number with an optional K, M, G "
                  "or T suffix)", s);
        return false;
    }
    *bytes = (uint64_t)(v * unit);
    return true;
}

static bool opt_m(SysOptions *o, const char *arg, GError **err)
{
    return sys_options_parse_size(arg, &o->ram_bytes, err);
}

static bool parse_int(const char *s, long *v)
{
    char *end;

    errno = 0;
    *v = strtol(s, &end, 10);
    return *s && !*end && !errno;
}

static bool opt_smp(SysOptions *o, const char *arg, GError **err)
{
    g_auto(GStrv) parts = g_strsplit(arg, ",", -1);
    long n = -1;

    for (int i = 0; parts[i]; i++) {
        const char *p = parts[i];

        if (g_str_has_prefix(p, "cpus=")) {
            p += 5;
        } else if (i > 0) {
            opt_error(err, "-smp %s: only a CPU count (N or cpus=N) is "
                      "supported", arg);
            return false;
        }
        if (!parse_int(p, &n)) {
            opt_error(err, "-smp %s: '%s' is not a number", arg, p);
            return false;
        }
    }
    if (n < 1 || n > SYS_MAX_CPUS) {
        opt_error(err, "-smp %s: the CPU count must be 1 to %d", arg,
                  SYS_MAX_CPUS);
        return false;
    }
    o->smp = n;
    return true;
}

static bool set_str(char **dst, const char *arg)
{
    g_free(*dst);
    *dst = g_strdup(arg);
    return true;
}

static bool opt_kernel(SysOptions *o, const char *a, GError **e)
{
    return set_str(&o->kernel, a);
}

static bool opt_initrd(SysOptions *o, const char *a, GError **e)
{
    return set_str(&o->initrd, a);
}

static bool opt_append(SysOptions *o, const char *a, GError **e)
{
    return set_str(&o->append, a);
}

static bool opt_monitor(SysOptions *o, const char *a, GError **e)
{
    return set_str(&o->monitor, a);
}

static bool opt_debugcon(SysOptions *o, const char *a, GError **e)
{
    return set_str(&o->debugcon, a);
}

static bool opt_nographic(SysOptions *o, const char *a, GError **e)
{
    o->nographic = true;
    return true;
}

static bool opt_display(SysOptions *o, const char *arg, GError **err)
{
    if (strcmp(arg, "none")) {
        opt_error(err, "-display %s: ferry has no display; only -display "
                  "none is supported", arg);
        return false;
    }
    return set_str(&o->display, arg);
}

static bool opt_serial(SysOptions *o, const char *arg, GError **err)
{
    if (o->serial->len >= SYS_MAX_SERIAL) {
        opt_error(err, "-serial %s: at most %d serial ports", arg,
                  SYS_MAX_SERIAL);
        return false;
    }
    g_ptr_array_add(o->serial, g_strdup(arg));
    return true;
}

static bool opt_qmp(SysOptions *o, const char *arg, GError **err)
{
    g_ptr_array_add(o->qmp, g_strdup(arg));
    return true;
}

static bool opt_device(SysOptions *o, const char *arg, GError **err)
{
    if (!strcmp(arg, "help") || !strcmp(arg, "?")) {
        o->device_help = true;
    } else {
        g_ptr_array_add(o->devices, g_strdup(arg));
    }
    return true;
}

static bool opt_accel(SysOptions *o, const char *arg, GError **err)
{
    g_autofree char *name = g_strdup(arg);

    /* "-accel tcg,thread=multi" and "-accel accel=tcg" forms. */
    *strchrnul(name, ',') = 0;
    if (g_str_has_prefix(name, "accel=")) {
        memmove(name, name + 6, strlen(name + 6) + 1);
    }
    if (!strcmp(name, "help")) {
        o->accel_help = true;
        return true;
    }
    if (!strcmp(name, "tcg")) {
        opt_error(err, "-accel tcg: the TCG (JIT) accelerator is not built "
                  "into ferry yet (available: kvm, null)");
        return false;
    }
    if (strcmp(name, "null") && strcmp(name, "kvm")) {
        opt_error(err, "-accel %s: unknown accelerator (try -accel help)",
                  name);
        return false;
    }
    return set_str(&o->accel, name);
}

static bool opt_enable_kvm(SysOptions *o, const char *arg, GError **err)
{
    return opt_accel(o, "kvm", err);
}

static bool opt_no_reboot(SysOptions *o, const char *a, GError **e)
{
    o->no_reboot = true;
    return true;
}

static bool opt_S(SysOptions *o, const char *a, GError **e)
{
    o->start_stopped = true;
    return true;
}

static bool opt_help(SysOptions *o, const char *a, GError **e)
{
    o->help = true;
    return true;
}

static bool opt_version(SysOptions *o, const char *a, GError **e)
{
    o->version = true;
    return true;
}

static const OptDesc options[] = {
    { "m", true, opt_m, "-m SIZE           guest RAM (MiB, or K/M/G suffix)" },
    { "smp", true, opt_smp, "-smp N            number of vCPUs" },
    { "kernel", true, opt_kernel, "-kernel FILE      Multiboot kernel" },
    { "initrd", true, opt_initrd, "-initrd FILE      initial ram disk" },
    { "append", true, opt_append, "-append CMDLINE   kernel command line" },
    { "nographic", false, opt_nographic,
      "-nographic        no display; serial port on stdio" },
    { "display", true, opt_display, "-display none     no display" },
    { "serial", true, opt_serial,
      "-serial DEV       stdio, file:PATH, unix:PATH[,server][,nowait], none" },
    { "monitor", true, opt_monitor, "-monitor DEV      human monitor on DEV" },
    { "debugcon", true, opt_debugcon,
      "-debugcon DEV     port 0xE9 output to DEV" },
    { "qmp", true, opt_qmp,
      "-qmp DEV          QMP on DEV (unix:PATH,server,nowait)" },
    { "accel", true, opt_accel,
      "-accel NAME       accelerator: kvm, null (tcg: not yet)" },
    { "enable-kvm", false, opt_enable_kvm,
      "-enable-kvm       same as -accel kvm" },
    { "device", true, opt_device,
      "-device NAME[,prop=value...]   add a device (-device help lists them)" },
    { "no-reboot", false, opt_no_reboot,
      "-no-reboot        exit instead of rebooting" },
    { "S", false, opt_S,
      "-S                do not start the CPUs (cont does)" },
    { "h", false, opt_help, "-h, -help         this text" },
    { "help", false, opt_help, NULL },
    { "version", false, opt_version, "-version          print the version" },
};

/* ---- parsing ------------------------------------------------------------- */

static const OptDesc *find_option(const char *arg)
{
    const char *name = arg + (arg[1] == '-' ? 2 : 1);

    for (size_t i = 0; i < G_N_ELEMENTS(options); i++) {
        if (!strcmp(options[i].name, name)) {
            return &options[i];
        }
    }
    return NULL;
}

static bool uses_stdio(const char *spec)
{
    return spec && !strcmp(spec, "stdio");
}

/* RAM plus swap: more guest RAM than this cannot be backed. */
static uint64_t host_backing_bytes(void)
{
    struct sysinfo si;

    if (sysinfo(&si) < 0) {
        return UINT64_MAX;
    }
    return ((uint64_t)si.totalram + si.totalswap) * si.mem_unit;
}

static bool check_combinations(SysOptions *o, GError **err)
{
    int stdio_users = uses_stdio(o->monitor) + uses_stdio(o->debugcon);

    if (o->ram_bytes == 0) {
        opt_error(err, "-m: the guest needs some RAM (got 0)");
        return false;
    }
    if (o->ram_bytes > host_backing_bytes()) {
        opt_error(err, "-m: %" G_GUINT64_FORMAT " MiB is more than this host "
                  "can back (%" G_GUINT64_FORMAT " MiB of RAM and swap)",
                  o->ram_bytes >> 20, host_backing_bytes() >> 20);
        return false;
    }
    if ((o->initrd || o->append) && !o->kernel) {
        opt_error(err, "-%s is only allowed with -kernel",
                  o->initrd ? "initrd" : "append");
        return false;
    }
    if (o->kernel && access(o->kernel, R_OK) < 0) {
        opt_error(err, "-kernel %s: %s", o->kernel, g_strerror(errno));
        return false;
    }
    if (o->initrd && access(o->initrd, R_OK) < 0) {
        opt_error(err, "-initrd %s: %s", o->initrd, g_strerror(errno));
        return false;
    }
    if (o->nographic && o->serial->len == 0) {
        g_ptr_array_add(o->serial, g_strdup("stdio"));
    }
    for (guint i = 0; i < o->serial->len; i++) {
        stdio_users += uses_stdio(g_ptr_array_index(o->serial, i));
    }
    for (guint i = 0; i < o->qmp->len; i++) {
        stdio_users += uses_stdio(g_ptr_array_index(o->qmp, i));
    }
    if (stdio_users > 1) {
        opt_error(err, "stdio is given to more than one of -serial, "
                  "-monitor, -debugcon and -qmp (ferry has no multiplexer "
                  "yet)");
        return false;
    }
    return true;
}

bool sys_options_parse(SysOptions *o, int argc, char **argv, GError **err)
{
    memset(o, 0, sizeof(*o));
    o->ram_bytes = SYS_DEFAULT_RAM;
    o->smp = 1;
    o->accel = g_strdup("null");
    o->serial = g_ptr_array_new_with_free_func(g_free);
    o->qmp = g_ptr_array_new_with_free_func(g_free);
    o->devices = g_ptr_array_new_with_free_func(g_free);
    for (int i = 1; i < argc; i++) {
        const OptDesc *d = argv[i][0] == '-' ? find_option(argv[i]) : NULL;

        if (!d) {
            opt_error(err, "%s: unknown option (try -h)", argv[i]);
            return false;
        }
        if (d->has_arg && i + 1 >= argc) {
            opt_error(err, "%s needs an argument", argv[i]);
            return false;
        }
        if (!d->fn(o, d->has_arg ? argv[++i] : NULL, err)) {
            return false;
        }
    }
    if (o->help || o->version || o->device_help || o->accel_help) {
        return true;
    }
    return check_combinations(o, err);
}

void sys_options_free(SysOptions *o)
{
    g_free(o->kernel);
    g_free(o->initrd);
    g_free(o->append);
    g_free(o->display);
    g_free(o->monitor);
    g_free(o->debugcon);
    g_free(o->accel);
    if (o->serial) {
        g_ptr_array_free(o->serial, TRUE);
        g_ptr_array_free(o->qmp, TRUE);
        g_ptr_array_free(o->devices, TRUE);
    }
    memset(o, 0, sizeof(*o));
}

void sys_options_usage(GString *out, const char *prog)
{
    g_string_append_printf(out, "usage: %s [options]\n\n", prog);
    for (size_t i = 0; i < G_N_ELEMENTS(options); i++) {
        if (options[i].help) {
            g_string_append_printf(out, "  %s\n", options[i].help);
        }
    }
}
