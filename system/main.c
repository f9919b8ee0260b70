/*
 * main.c — ferry-system-x86_64: parse the command line, build the machine
 * (chardevs, monitors, vCPUs on the chosen accelerator, -device), start it
 * unless -S, run the main loop until shutdown, and tear everything down.
 * The board (RAM, devices, kernel loading) is hw's PC, wired in machine.c.
 */
#include <glib-unix.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "system/accel-kvm.h"
#include "system/chardev.h"
#include "system/device.h"
#include "system/machine.h"
#include "system/main-loop.h"
#include "system/monitor-hmp.h"
#include "system/monitor-qmp.h"
#include "system/options.h"
#include "system/rcu.h"
#include "system/runstate.h"
#include "system/vcpu.h"

typedef struct Machine {
    GPtrArray *serial;          /* SysChardev *, for the board's UARTs */
    SysChardev *debugcon;       /* for the board's port 0xE9 */
    SysHmp *hmp;
    GPtrArray *qmp;             /* SysQmp * */
} Machine;

static G_NORETURN void die_usage(const char *msg)
{
    fprintf(stderr, "ferry-system-x86_64: %s\n", msg);
    exit(1);
}

static gboolean on_signal(gpointer data)
{
    sys_request_shutdown(SYS_SHUTDOWN_HOST_SIGNAL);
    return G_SOURCE_CONTINUE;
}

static void watch_signals(void)
{
    static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };

    for (size_t i = 0; i < G_N_ELEMENTS(sigs); i++) {
        GSource *src = g_unix_signal_source_new(sigs[i]);

        g_source_set_callback(src, on_signal, NULL, NULL);
        g_source_attach(src, sys_main_loop_context());
        g_source_unref(src);
    }
}

static SysChardev *open_chardev(const char *label, const char *spec)
    REQUIRES(sys_bql)
{
    g_autoptr(GError) err = NULL;
    SysChardev *chr = sys_chardev_new(label, spec, &err);

    if (!chr) {
        die_usage(err->message);
    }
    return chr;
}

static void build_board(Machine *m, SysOptions *o) REQUIRES(sys_bql)
{
    SysMachineConfig cfg = {
        .ram_bytes = o->ram_bytes,
        .kernel = o->kernel,
        .initrd = o->initrd,
        .append = o->append,
        .serial0 = m->serial->len ? g_ptr_array_index(m->serial, 0) : NULL,
        .debugcon = m->debugcon,
        .kvm = !strcmp(o->accel, "kvm"),
    };
    g_autoptr(GError) err = NULL;

    if (!sys_machine_init(&cfg, &err)) {
        die_usage(err->message);
    }
}

static void build_machine(Machine *m, SysOptions *o) REQUIRES(sys_bql)
{
    m->serial = g_ptr_array_new();
    m->qmp = g_ptr_array_new();
    for (guint i = 0; i < o->serial->len; i++) {
        g_autofree char *label = g_strdup_printf("serial%u", i);
        const char *spec = g_ptr_array_index(o->serial, i);

        g_ptr_array_add(m->serial, open_chardev(label, spec));
    }
    if (o->debugcon) {
        m->debugcon = open_chardev("debugcon", o->debugcon);
    }
    if (o->monitor && strcmp(o->monitor, "none")) {
        m->hmp = sys_hmp_new(open_chardev("monitor", o->monitor));
    }
    for (guint i = 0; i < o->qmp->len; i++) {
        g_autofree char *label = g_strdup_printf("qmp%u", i);
        SysChardev *chr = open_chardev(label, g_ptr_array_index(o->qmp, i));

        g_ptr_array_add(m->qmp, sys_qmp_new(chr));
    }
    sys_runstate_set_no_reboot(o->no_reboot);
    if (!strcmp(o->accel, "kvm")) {
        g_autoptr(GError) err = NULL;

        if (!sys_kvm_init(&err)) {
            die_usage(err->message);
        }
        sys_vcpu_create_all(o->smp, &sys_kvm_accel);
    } else {
        sys_vcpu_create_all(o->smp, &sys_null_accel);
    }
    build_board(m, o);
    for (guint i = 0; i < o->devices->len; i++) {
        g_autoptr(GError) err = NULL;

        if (!sys_device_create(g_ptr_array_index(o->devices, i), &err)) {
            die_usage(err->message);
        }
    }
}

/* Tear down in dependency order: vCPUs, then the board (which uses the
 * chardevs and frees the memory map after a grace period, so without the
 * BQL), then monitors and chardevs. */
NO_THREAD_SAFETY_ANALYSIS   /* drops the BQL around sys_machine_fini */
static void destroy_machine(Machine *m) REQUIRES(sys_bql)
{
    sys_vcpu_pause_all();
    sys_vcpu_destroy_all();
    sys_bql_unlock();
    sys_machine_fini();
    sys_bql_lock();
    for (guint i = 0; i < m->qmp->len; i++) {
        sys_qmp_free(g_ptr_array_index(m->qmp, i));
    }
    if (m->hmp) {
        sys_hmp_free(m->hmp);
    }
    for (guint i = 0; i < m->serial->len; i++) {
        sys_chardev_free(g_ptr_array_index(m->serial, i));
    }
    sys_chardev_free(m->debugcon);
    g_ptr_array_free(m->qmp, TRUE);
    g_ptr_array_free(m->serial, TRUE);
}

/* -h, -version, -device help, -accel help: print and exit 0. */
static void informational(SysOptions *o, const char *prog)
{
    g_autoptr(GString) out = g_string_new(NULL);

    if (o->help) {
        sys_options_usage(out, prog);
    } else if (o->version) {
        g_string_append_printf(out, "ferry-system-x86_64 version %s\n",
                               PACKAGE_VERSION);
    } else if (o->device_help) {
        sys_device_list(out);
        if (!out->len) {
            g_string_append(out, "(no user-creatable devices registered)\n");
        }
    } else if (o->accel_help) {
        g_string_append(out, "Accelerators supported in ferry:\nkvm\nnull\n");
    } else {
        return;
    }
    fputs(out->str, stdout);
    exit(0);
}

int main(int argc, char **argv)
{
    g_autoptr(GError) err = NULL;
    SysOptions o;
    Machine m = { 0 };

    sys_machine_register_devices();
    if (!sys_options_parse(&o, argc, argv, &err)) {
        die_usage(err->message);
    }
    informational(&o, argv[0]);
    signal(SIGPIPE, SIG_IGN);
    sys_rcu_register_thread();      /* the monitor reads the memory map */
    sys_main_loop_init();
    sys_bql_lock();
    watch_signals();
    build_machine(&m, &o);
    if (o.kernel && !strcmp(o.accel, "null")) {
        fprintf(stderr, "ferry-system-x86_64: warning: the null accelerator "
                "runs no guest code; the kernel is loaded but does not "
                "run\n");
    }
    if (!o.start_stopped) {
        sys_vm_start();
    }
    sys_main_loop_run();
    destroy_machine(&m);
    sys_bql_unlock();
    sys_rcu_unregister_thread();
    sys_options_free(&o);
    return sys_runstate_exit_status();
}
