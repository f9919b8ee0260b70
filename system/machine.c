/*
 * machine.c — the machine glue: PcConfig callbacks turned into vCPU
 * interrupts, chardev writes and run-state requests; COM1 input from its
 * chardev with flow control; a local APIC per vCPU; system reset of the
 * board; and the kernel (Multiboot or Linux) read from the host and loaded
 * into RAM.
 */
#include "system/machine.h"

#include <string.h>
#include <time.h>

#include "hw/linux-boot.h"
#include "hw/pc.h"
#include "jit/fatal.h"
#include "system/accel-kvm.h"
#include "system/device.h"
#include "system/log.h"
#include "system/main-loop.h"
#include "system/runstate.h"
#include "system/vcpu.h"

typedef struct Machine {
    PcBoard *pc;
    LApic *lapic;               /* one per vCPU, index = vCPU = APIC ID */
    int ncpus;                  /* 0 until the APICs exist */
    int pic_level;              /* the PIC's INT output */
    SysChardev *serial0;
    SysChardev *debugcon;
    SysTimer *rx_poll;          /* COM1 input paused: look for room */
    SysBootInfo boot;
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

/* The PIC's INT output goes to the BSP's LINT0 (virtual wire mode; the
 * APIC resets with LINT0 in ExtINT, so an OS that never touches the APIC
 * still gets its interrupts). */
NO_THREAD_SAFETY_ANALYSIS   /* irq handler: BQL held */
static void pic_int(void *opaque, int n, int level)
{
    Machine *m = opaque;

    m->pic_level = level;
    if (m->ncpus) {             /* the board raises it while it is built */
        sys_irq_set(apic_lint(&m->lapic[0], 0), level);
    }
}

/* A local APIC's "an interrupt is deliverable" line to its vCPU. */
static void lapic_int(void *opaque, int n, int level)
{
    SysCPU *cpu = sys_vcpu_get(n);

    if (level) {
        sys_cpu_interrupt(cpu, SYS_CPU_INTERRUPT_HARD);
    } else {
        sys_cpu_reset_interrupt(cpu, SYS_CPU_INTERRUPT_HARD);
    }
}

static void lapic_nmi(void *cpu)
{
    sys_cpu_interrupt(cpu, SYS_CPU_INTERRUPT_NMI);
}

NO_THREAD_SAFETY_ANALYSIS   /* run_on_cpu work: BQL held */
static void init_cpu(SysCPU *cpu, void *data)
{
    if (cpu->accel->reset) {
        cpu->accel->reset(cpu);
    }
}

/* INIT IPI: the CPU resets (on its own thread, like any state change). */
static void lapic_init(void *cpu)
{
    sys_async_run_on_cpu(cpu, init_cpu, NULL);
}

/* Startup IPI: where an AP starts is the accelerator's business (the null
 * accelerator has no instruction pointer); kick so it looks. */
static void lapic_sipi(void *cpu, uint8_t vector)
{
    sys_cpu_kick(cpu);
}

static const ApicCpuOps lapic_ops = {
    .nmi = lapic_nmi,
    .init = lapic_init,
    .sipi = lapic_sipi,
};

/* The APIC page shows the accessing vCPU's own APIC (the monitor and
 * other non-vCPU threads see the BSP's). */
static LApic *current_lapic(void *opaque)
{
    Machine *m = opaque;
    SysCPU *cpu = sys_vcpu_current();

    return &m->lapic[cpu ? cpu->index : 0];
}

NO_THREAD_SAFETY_ANALYSIS   /* start-up: BQL held */
static void init_lapics(Machine *m)
{
    int n = sys_vcpu_count();

    m->lapic = g_new0(LApic, n);
    for (int i = 0; i < n; i++) {
        apic_init(&m->lapic[i], &m->pc->apic_bus, i,
                  sys_main_loop_clock(SYS_CLOCK_VIRTUAL),
                  sys_irq_line(lapic_int, m, i), &lapic_ops, sys_vcpu_get(i));
    }
    m->pc->apic_bus.current = current_lapic;
    m->pc->apic_bus.current_opaque = m;
    m->ncpus = n;
    sys_irq_set(apic_lint(&m->lapic[0], 0), m->pic_level);
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

/* ACPI SLP_EN: the DSDT offers only S5, soft off. */
static void acpi_sleep(void *opaque, unsigned slp_typ)
{
    if (slp_typ == ACPI_SLP_TYP_S5) {
        sys_request_shutdown(SYS_SHUTDOWN_GUEST_SHUTDOWN);
    } else {
        sys_log_unimp("acpi: sleep type %u", slp_typ);
    }
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

/* System reset: the board's devices and every local APIC. */
NO_THREAD_SAFETY_ANALYSIS   /* reset handler: BQL held */
static void board_reset(void *opaque)
{
    Machine *m = opaque;

    pc_reset(m->pc);
    for (int i = 0; i < m->ncpus; i++) {
        apic_reset(&m->lapic[i]);
    }
    sys_irq_set(apic_lint(&m->lapic[0], 0), m->pic_level);
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

static bool load_multiboot(Machine *m, const SysMachineConfig *cfg,
                           const char *image, gsize len, GError **err)
{
    g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GArray) mods = g_array_new(FALSE, FALSE, sizeof(MbModule));
    MbMemory mem = { m->pc->below_4g, m->pc->above_4g };
    g_autofree char *cmdline = NULL;

    if (cfg->initrd && !load_modules(cfg->initrd, files, mods, err)) {
        return false;
    }
    /* Multiboot's command line starts with the kernel's name, as GRUB and
     * QEMU pass it. */
    cmdline = g_strdup_printf("%s%s%s", cfg->kernel, cfg->append ? " " : "",
                              cfg->append ? cfg->append : "");
    if (!mb_load(m->pc->as_mem, &mem, (const uint8_t *)image, len, cmdline,
                 (const MbModule *)mods->data, mods->len, &m->boot.mb,
                 err)) {
        return false;
    }
    m->boot.kind = SYS_BOOT_MULTIBOOT;
    return true;
}

static bool load_linux(Machine *m, const SysMachineConfig *cfg,
                       const char *image, gsize len, GError **err)
{
    g_autofree char *initrd = NULL;
    gsize initrd_len = 0;

    if (cfg->initrd &&
        !g_file_get_contents(cfg->initrd, &initrd, &initrd_len, err)) {
        return false;
    }
    if (!linux_boot_load(m->pc->as_mem, m->pc->below_4g, m->pc->above_4g,
                         (const uint8_t *)image, len, cfg->append,
                         (const uint8_t *)initrd, initrd_len,
                         &m->boot.linux_boot, err)) {
        return false;
    }
    m->boot.kind = SYS_BOOT_LINUX;
    return true;
}

/* -kernel: a Multiboot 1 kernel (with -initrd modules) or a Linux bzImage
 * (with one -initrd file). */
static bool load_kernel(Machine *m, const SysMachineConfig *cfg,
                        GError **err)
{
    g_autofree char *image = NULL;
    gsize len;

    if (!g_file_get_contents(cfg->kernel, &image, &len, err)) {
        return false;
    }
    if (mb_probe((const uint8_t *)image, len)) {
        return load_multiboot(m, cfg, image, len, err);
    }
    if (linux_boot_probe((const uint8_t *)image, len)) {
        return load_linux(m, cfg, image, len, err);
    }
    machine_error(err, "-kernel %s: neither a Multiboot kernel nor a Linux "
                  "bzImage", cfg->kernel);
    return false;
}

/* KVM runs the guest from the board's RAM directly: below 4 GiB at 0, the
 * rest at 4 GiB (the PCI hole between stays MMIO). */
static bool map_kvm_ram(Machine *m, GError **err)
{
    uint8_t *ram = m->pc->ram.ram;

    if ((uintptr_t)ram & 4095) {
        ferry_die("the board's RAM is not page-aligned");    /* memory.c */
    }
    return sys_kvm_map_ram(0, 0, m->pc->below_4g, ram, err) &&
           (!m->pc->above_4g ||
            sys_kvm_map_ram(1, UINT64_C(1) << 32, m->pc->above_4g,
                            ram + m->pc->below_4g, err));
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
        .cpu_int = sys_irq_line(pic_int, m, 0),
        .serial_sink = serial_out,
        .debugcon_sink = debugcon_out,
        .sink_opaque = m,
        .exit_cb = debug_exit,
        .reset_cb = guest_reset,
        .a20_cb = a20_changed,
        .sleep_cb = acpi_sleep,
        .cb_opaque = m,
    };

    m->extra = g_ptr_array_new_with_free_func(g_free);
    m->serial0 = cfg->serial0;
    m->debugcon = cfg->debugcon;
    m->pc = pc_new(&pcfg);
    init_lapics(m);
    if (cfg->kvm && !map_kvm_ram(m, err)) {
        return false;
    }
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
    g_free(m->lapic);
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

const SysBootInfo *sys_machine_boot(void)
{
    return machine && machine->boot.kind != SYS_BOOT_NONE ? &machine->boot
                                                          : NULL;
}

int sys_machine_ack_interrupt(int cpu_index)
{
    int v = apic_get_interrupt(&machine->lapic[cpu_index]);

    return v == APIC_EXTINT ? pic_intack(&machine->pc->pic) : v;
}

void sys_machine_print_mtree(GString *out)
{
    g_string_append(out, "address-space: memory\n");
    sys_mr_print_tree(out, &machine->pc->sysmem);
    g_string_append(out, "\naddress-space: I/O\n");
    sys_mr_print_tree(out, &machine->pc->iomem);
}
