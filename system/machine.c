/*
 * machine.c — the machine glue: PcConfig callbacks turned into vCPU
 * interrupts, chardev writes and run-state requests; COM1 input from its
 * chardev with flow control; system reset of the board's devices; and the
 * Multiboot kernel and modules read from the host and loaded into RAM.
 */
#include "system/machine.h"

#include <string.h>
#include <time.h>

#include "hw/pc.h"
#include "system/device.h"
#include "system/main-loop.h"
#include "system/runstate.h"
#include "system/vcpu.h"

typedef struct Machine {
    PcBoard *pc;
    SysChardev *serial0;
    SysChardev *debugcon;
    SysTimer *rx_poll;          /* COM1 input paused: look for room */
    MbBoot boot;
    bool booted;
    GPtrArray *extra;           /* -device instances (DebugExit *) */
} Machine;

#define machine_error(err, ...) \
    g_set_error(err, g_quark_from_static_string("sys-machine"), 0, __VA_ARGS__)

/* Set once by sys_machine_init; the board's state is under the BQL. */
static Machine *machine;

/* How often a paused COM1 input looks for room in the receive FIFO (the
 * UART has no "room again" hook yet). */
#define RX_POLL_NS (1000 * 1000)

/* ---- board callbacks (all under the BQL) --------------------------------- */

static void cpu_int(void *opaque, int n, int level)
{
    SysCPU *cpu = sys_vcpu_get(0);

    if (level) {
        sys_cpu_interrupt(cpu, SYS_CPU_INTERRUPT_HARD);
    } else {
        sys_cpu_reset_interrupt(cpu, SYS_CPU_INTERRUPT_HARD);
    }
}

NO_THREAD_SAFETY_ANALYSIS   /* board callback: BQL held */
static void serial_out(void *opaque, const uint8_t *buf, int len)
{
    Machine *m = opaque;

    if (m->serial0) {
        sys_chardev_write(m->serial0, buf, len);
    }
}

NO_THREAD_SAFETY_ANALYSIS   /* board callback: BQL held */
static void debugcon_out(void *opaque, const uint8_t *buf, int len)
{
    Machine *m = opaque;

    if (m->debugcon) {
        sys_chardev_write(m->debugcon, buf, len);
    }
}

/* isa-debug-exit: the device hands over the status, (value << 1) | 1;
 * the process exit status keeps its low 8 bits, as QEMU's exit() does. */
static void debug_exit(void *opaque, uint64_t status)
{
    sys_request_exit((int)(status & 0xff));
}

static void guest_reset(void *opaque)
{
    sys_request_reset(SYS_SHUTDOWN_GUEST_RESET);
}

static void a20_changed(void *opaque, bool enabled)
{
    /* The CPU model masks address bit 20 once there is one (TCG). */
}

/* ---- COM1 input ---------------------------------------------------------- */

NO_THREAD_SAFETY_ANALYSIS   /* chardev callback: BQL held */
static size_t com1_can_receive(void *opaque)
{
    Machine *m = opaque;
    int room = uart_can_receive(&m->pc->com1);

    if (room == 0) {
        sys_timer_mod(m->rx_poll,
                      sys_clock_get_ns(SYS_CLOCK_REALTIME) + RX_POLL_NS);
    }
    return room;
}

NO_THREAD_SAFETY_ANALYSIS   /* chardev callback: BQL held */
static void com1_receive(void *opaque, const uint8_t *buf, size_t len)
{
    Machine *m = opaque;

    uart_receive(&m->pc->com1, buf, len);
}

NO_THREAD_SAFETY_ANALYSIS   /* timer callback: BQL held */
static void com1_rx_poll(void *opaque)
{
    Machine *m = opaque;

    if (uart_can_receive(&m->pc->com1) > 0) {
        sys_chardev_accept_input(m->serial0);
    } else {
        sys_timer_mod(m->rx_poll,
                      sys_clock_get_ns(SYS_CLOCK_REALTIME) + RX_POLL_NS);
    }
}

static const SysChrHandlers com1_handlers = {
    .can_receive = com1_can_receive,
    .receive = com1_receive,
};

/* System reset: the devices pc_new resets (until the board has a reset
 * function of its own). */
NO_THREAD_SAFETY_ANALYSIS   /* reset handler: BQL held */
static void board_reset(void *opaque)
{
    Machine *m = opaque;

    pic_reset(&m->pc->pic);
    pit_reset(&m->pc->pit);
    uart_reset(&m->pc->com1);
    rtc_reset(&m->pc->rtc);
}

/* ---- kernel loading ------------------------------------------------------ */

/* -initrd "a.bin args,b.bin": each module a file and its command line. */
static bool load_modules(const char *spec, GPtrArray *files, GArray *mods,
                         GError **err)
{
    g_auto(GStrv) parts = g_strsplit(spec, ",", -1);

    for (int i = 0; parts[i]; i++) {
        MbModule mod;
        g_autofree char *path = g_strndup(parts[i],
                                          strcspn(parts[i], " "));
        char *data;
        gsize len;

        if (!g_file_get_contents(path, &data, &len, err)) {
            return false;
        }
        g_ptr_array_add(files, data);
        mod.data = (const uint8_t *)data;
        mod.len = len;
        mod.cmdline = g_strdup(parts[i]);
        g_ptr_array_add(files, (char *)mod.cmdline);
        g_array_append_val(mods, mod);
    }
    return true;
}

static bool load_kernel(Machine *m, const SysMachineConfig *cfg,
                        GError **err)
{
    g_autofree char *image = NULL;
    g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GArray) mods = g_array_new(FALSE, FALSE, sizeof(MbModule));
    MbMemory mem = { m->pc->below_4g, m->pc->above_4g };
    g_autofree char *cmdline = NULL;
    gsize len;

    if (!g_file_get_contents(cfg->kernel, &image, &len, err)) {
        return false;
    }
    if (!mb_probe((const uint8_t *)image, len)) {
        machine_error(err, "-kernel %s: not a Multiboot "
                    "kernel (only Multiboot 1 is supported yet)", cfg->kernel);
        return false;
    }
    if (cfg->initrd && !load_modules(cfg->initrd, files, mods, err)) {
        return false;
    }
    /* Multiboot's command line starts with the kernel's name, as GRUB and
     * QEMU pass it. */
    cmdline = g_strdup_printf("%s%s%s", cfg->kernel, cfg->append ? " " : "",
                              cfg->append ? cfg->append : "");
    if (!mb_load(m->pc->as_mem, &mem, (const uint8_t *)image, len, cmdline,
                 (const MbModule *)mods->data, mods->len, &m->boot, err)) {
        return false;
    }
    m->booted = true;
    return true;
}

/* ---- -device types ------------------------------------------------------ */

static bool prop_u32(GHashTable *props, const char *dev, const char *name,
                     uint32_t *val, GError **err)
{
    const char *s = g_hash_table_lookup(props, name);
    char *end;
    guint64 v;

    if (!s) {
        return true;            /* keep the default */
    }
    v = g_ascii_strtoull(s, &end, 0);
    if (!*s || *end || v > UINT32_MAX) {
        machine_error(err, "%s.%s: '%s' is not a number",
                    dev, name, s);
        return false;
    }
    *val = v;
    return true;
}

static bool only_props(GHashTable *props, const char *dev,
                       const char *const *known, GError **err)
{
    GHashTableIter it;
    gpointer key;

    g_hash_table_iter_init(&it, props);
    while (g_hash_table_iter_next(&it, &key, NULL)) {
        if (!g_strv_contains(known, key)) {
            machine_error(err, "Property '%s.%s' not found", dev, (char *)key);
            return false;
        }
    }
    return true;
}

/* -device isa-debug-exit[,iobase=N][,iosize=1|2|4] (QEMU's defaults 0x501
 * and 2), mapped above the board's own one in case they overlap. */
NO_THREAD_SAFETY_ANALYSIS   /* device creation: BQL held */
static bool create_debug_exit(GHashTable *props, GError **err)
{
    static const char *const known[] = { "iobase", "iosize", NULL };
    uint32_t iobase = DEBUG_EXIT_DEFAULT_IOBASE, iosize = 2;
    DebugExit *d;

    if (!only_props(props, "isa-debug-exit", known, err) ||
        !prop_u32(props, "isa-debug-exit", "iobase", &iobase, err) ||
        !prop_u32(props, "isa-debug-exit", "iosize", &iosize, err)) {
        return false;
    }
    if ((iosize != 1 && iosize != 2 && iosize != 4) ||
        iobase + iosize > 0x10000) {
        machine_error(err, "isa-debug-exit: iobase 0x%x "
                    "and iosize %u do not fit the I/O space (1, 2 or 4 "
                    "bytes)", iobase, iosize);
        return false;
    }
    d = g_new0(DebugExit, 1);
    debug_exit_init(d, iosize, debug_exit, machine);
    sys_mr_add_subregion_prio(&machine->pc->iomem, iobase, &d->io, 1);
    g_ptr_array_add(machine->extra, d);
    return true;
}

void sys_machine_register_devices(void)
{
    sys_device_register("isa-debug-exit", "ISA debug exit: a write of v "
                        "exits with status (v << 1) | 1", create_debug_exit);
}

/* ---- public -------------------------------------------------------------- */

bool sys_machine_init(const SysMachineConfig *cfg, GError **err)
{
    Machine *m = g_new0(Machine, 1);
    PcConfig pcfg = {
        .ram_size = cfg->ram_bytes,
        .ncpus = sys_vcpu_count(),
        .rtc_start = time(NULL),
        .clock = sys_main_loop_clock(SYS_CLOCK_VIRTUAL),
        .cpu_int = sys_irq_line(cpu_int, NULL, 0),
        .serial_sink = serial_out,
        .debugcon_sink = debugcon_out,
        .sink_opaque = m,
        .exit_cb = debug_exit,
        .reset_cb = guest_reset,
        .a20_cb = a20_changed,
        .cb_opaque = m,
    };

    m->extra = g_ptr_array_new_with_free_func(g_free);
    m->serial0 = cfg->serial0;
    m->debugcon = cfg->debugcon;
    m->pc = pc_new(&pcfg);
    m->rx_poll = sys_timer_new(SYS_CLOCK_REALTIME, com1_rx_poll, m);
    machine = m;
    if (m->serial0) {
        sys_chardev_set_handlers(m->serial0, &com1_handlers, m);
    }
    sys_reset_register(board_reset, m);
    return !cfg->kernel || load_kernel(m, cfg, err);
}

void sys_machine_fini(void)
{
    Machine *m = machine;

    if (!m) {
        return;
    }
    sys_bql_lock();
    if (m->serial0) {
        sys_chardev_set_handlers(m->serial0, NULL, NULL);
    }
    sys_timer_free(m->rx_poll);
    sys_bql_unlock();
    pc_free(m->pc);
    g_ptr_array_free(m->extra, TRUE);     /* their regions went with it */
    machine = NULL;
    g_free(m);
}

bool sys_machine_exists(void)
{
    return machine != NULL;
}

AddressSpace *sys_machine_memory(void)
{
    return machine->pc->as_mem;
}

AddressSpace *sys_machine_io(void)
{
    return machine->pc->as_io;
}

const MbBoot *sys_machine_boot(void)
{
    return machine && machine->booted ? &machine->boot : NULL;
}

void sys_machine_print_mtree(GString *out)
{
    g_string_append(out, "address-space: memory\n");
    sys_mr_print_tree(out, &machine->pc->sysmem);
    g_string_append(out, "\naddress-space: I/O\n");
    sys_mr_print_tree(out, &machine->pc->iomem);
}
