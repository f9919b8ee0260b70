/*
 * accel-kvm.c — KVM without an in-kernel irqchip: the VM and its RAM
 * slots, per-vCPU run loops that hand port I/O and MMIO to the address
 * spaces (which take the BQL for devices that need it), interrupt
 * injection when the guest can take one, and the boot state the machine's
 * loader asked for (32-bit protected mode, flat segments).
 */
#include "system/accel-kvm.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "jit/fatal.h"
#include "system/machine.h"
#include "system/runstate.h"

#define KVM_KICK_SIGNAL SIGUSR1

/* Set once by sys_kvm_init, read-only afterwards. */
static int kvm_fd = -1, vm_fd = -1;
static int run_size;
static struct kvm_cpuid2 *supported_cpuid;

#define KVM_CPUID_MAX 256
#define CPUID1_ECX_X2APIC (1u << 21)
#define CPUID1_ECX_TSC_DEADLINE (1u << 24)

/* The vCPU's own state; only its thread touches it (kick writes
 * run->immediate_exit from the signal handler on that same thread). */
typedef struct KvmCpu {
    int fd;
    struct kvm_run *run;
    bool boot_state_loaded;     /* set the loader's entry state first */
    bool run_fresh;             /* kvm_run's if_flag etc. describe now */
} KvmCpu;

static __thread struct kvm_run *current_run;

#define kvm_error(err, ...) \
    g_set_error(err, g_quark_from_static_string("sys-kvm"), 0, __VA_ARGS__)

/* ---- VM ------------------------------------------------------------------ */

static void kick_handler(int sig)
{
    if (current_run) {
        current_run->immediate_exit = 1;
    }
}

bool sys_kvm_init(GError **err)
{
    struct sigaction sa = { .sa_handler = kick_handler };

    kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (kvm_fd < 0) {
        kvm_error(err, "-accel kvm: /dev/kvm: %s", g_strerror(errno));
        return false;
    }
    if (ioctl(kvm_fd, KVM_GET_API_VERSION, 0) != KVM_API_VERSION ||
        ioctl(kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_IMMEDIATE_EXIT) <= 0) {
        kvm_error(err, "-accel kvm: this KVM is too old");
        return false;
    }
    supported_cpuid = g_malloc0(sizeof(*supported_cpuid) + KVM_CPUID_MAX *
                                sizeof(struct kvm_cpuid_entry2));
    supported_cpuid->nent = KVM_CPUID_MAX;
    if (ioctl(kvm_fd, KVM_GET_SUPPORTED_CPUID, supported_cpuid) < 0) {
        kvm_error(err, "-accel kvm: KVM_GET_SUPPORTED_CPUID: %s",
                  g_strerror(errno));
        return false;
    }
    vm_fd = ioctl(kvm_fd, KVM_CREATE_VM, 0);
    run_size = ioctl(kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
    if (vm_fd < 0 || run_size <= 0 ||
        ioctl(vm_fd, KVM_SET_TSS_ADDR, 0xfeffd000ul) < 0) {
        kvm_error(err, "-accel kvm: cannot create a VM: %s",
                  g_strerror(errno));
        return false;
    }
    /* No SA_RESTART: the signal must interrupt KVM_RUN. */
    sigemptyset(&sa.sa_mask);
    sigaction(KVM_KICK_SIGNAL, &sa, NULL);
    return true;
}

bool sys_kvm_map_ram(int slot, uint64_t gpa, uint64_t size, void *host,
                     GError **err)
{
    struct kvm_userspace_memory_region r = {
        .slot = slot,
        .guest_phys_addr = gpa,
        .memory_size = size,
        .userspace_addr = (uintptr_t)host,
    };

    if (ioctl(vm_fd, KVM_SET_USER_MEMORY_REGION, &r) < 0) {
        kvm_error(err, "-accel kvm: cannot map RAM at 0x%" G_GINT64_MODIFIER
                  "x: %s", gpa, g_strerror(errno));
        return false;
    }
    return true;
}

/* ---- boot state ---------------------------------------------------------- */

static void flat_segment(struct kvm_segment *s, uint16_t sel, bool code)
{
    memset(s, 0, sizeof(*s));
    s->selector = sel;
    s->limit = 0xffffffff;
    s->type = code ? 0xb : 0x3;     /* execute/read accessed, read/write */
    s->present = 1;
    s->s = 1;
    s->db = 1;
    s->g = 1;
}

/* 32-bit protected mode, paging and interrupts off, flat segments: the
 * entry state of both Multiboot and the Linux 32-bit boot protocol. */
static bool load_boot_state(KvmCpu *k, const SysBootInfo *boot)
{
    struct kvm_sregs sregs;
    struct kvm_regs regs = { .rflags = 2 };
    uint16_t cs = 0x08, ds = 0x10;

    if (ioctl(k->fd, KVM_GET_SREGS, &sregs) < 0) {
        return false;
    }
    if (boot->kind == SYS_BOOT_MULTIBOOT) {
        regs.rip = boot->mb.entry;
        regs.rax = boot->mb.eax;
        regs.rbx = boot->mb.ebx;
    } else {
        regs.rip = boot->linux_boot.entry;
        regs.rsi = boot->linux_boot.esi;
        cs = boot->linux_boot.cs;
        ds = boot->linux_boot.ds;
        sregs.gdt.base = boot->linux_boot.gdt_base;
        sregs.gdt.limit = boot->linux_boot.gdt_limit;
    }
    flat_segment(&sregs.cs, cs, true);
    flat_segment(&sregs.ds, ds, false);
    sregs.es = sregs.fs = sregs.gs = sregs.ss = sregs.ds;
    sregs.cr0 = (sregs.cr0 | 1) & ~(1ul << 31);     /* PE on, PG off */
    return ioctl(k->fd, KVM_SET_SREGS, &sregs) == 0 &&
           ioctl(k->fd, KVM_SET_REGS, &regs) == 0;
}

/* The CPUID KVM offers, with vCPU @index's initial APIC ID (leaf 1
 * EBX[31:24], leaves 0xB and 0x1F EDX) and without x2APIC and the
 * TSC-deadline timer: their MSRs would stay inside KVM, which has no APIC
 * here (hw/apic.c is the machine's). */
static bool set_cpuid(KvmCpu *k, int index)
{
    size_t size = sizeof(*supported_cpuid) +
                  supported_cpuid->nent * sizeof(struct kvm_cpuid_entry2);
    g_autofree struct kvm_cpuid2 *c = g_memdup2(supported_cpuid, size);

    for (uint32_t i = 0; i < c->nent; i++) {
        struct kvm_cpuid_entry2 *e = &c->entries[i];

        if (e->function == 1) {
            e->ebx = (e->ebx & 0x00ffffff) | (uint32_t)index << 24;
            e->ecx &= ~(CPUID1_ECX_X2APIC | CPUID1_ECX_TSC_DEADLINE);
        } else if (e->function == 0xb || e->function == 0x1f) {
            e->edx = index;
        }
    }
    return ioctl(k->fd, KVM_SET_CPUID2, c) == 0;
}

/* ---- exits --------------------------------------------------------------- */

static void handle_io(struct kvm_run *run)
{
    uint8_t *data = (uint8_t *)run + run->io.data_offset;

    for (uint32_t i = 0; i < run->io.count; i++, data += run->io.size) {
        uint64_t v = 0;

        if (run->io.direction == KVM_EXIT_IO_OUT) {
            memcpy(&v, data, run->io.size);

            sys_as_write(sys_machine_io(), run->io.port, run->io.size, v);
        } else {
            sys_as_read(sys_machine_io(), run->io.port, run->io.size, &v);
            memcpy(data, &v, run->io.size);
        }
    }
}

static void handle_mmio(struct kvm_run *run)
{
    uint64_t v = 0;

    if (run->mmio.is_write) {
        memcpy(&v, run->mmio.data, run->mmio.len);
        sys_as_write(sys_machine_memory(), run->mmio.phys_addr,
                     run->mmio.len, v);
    } else {
        sys_as_read(sys_machine_memory(), run->mmio.phys_addr,
                    run->mmio.len, &v);
        memcpy(run->mmio.data, &v, run->mmio.len);
    }
}

/* Inject the machine's pending interrupt if the guest can take it now,
 * else ask KVM to exit when it can. */
static void inject_interrupt(SysCPU *cpu, KvmCpu *k)
{
    struct kvm_run *run = k->run;

    run->request_interrupt_window = 0;
    if (!(atomic_load(&cpu->interrupt_request) & SYS_CPU_INTERRUPT_HARD)) {
        return;
    }
    /* After new registers were loaded, if_flag is the old state's. */
    if (k->run_fresh && run->ready_for_interrupt_injection && run->if_flag) {
        int vector;

        sys_bql_lock();
        vector = sys_machine_ack_interrupt(cpu->index);
        sys_bql_unlock();
        if (vector >= 0) {
            struct kvm_interrupt irq = { .irq = vector };

            ioctl(k->fd, KVM_INTERRUPT, &irq);
        }
    } else {
        run->request_interrupt_window = 1;
    }
}

static SysExecExit fail(SysCPU *cpu, const char *what)
{
    fprintf(stderr, "ferry: vCPU %d: KVM %s\n", cpu->index, what);
    sys_request_exit(1);
    return SYS_EXEC_HALTED;
}

/* ---- the accelerator ----------------------------------------------------- */

static void kvm_init_vcpu(SysCPU *cpu)
{
    KvmCpu *k = g_new0(KvmCpu, 1);

    k->fd = ioctl(vm_fd, KVM_CREATE_VCPU, cpu->index);
    if (k->fd < 0) {
        ferry_die("KVM_CREATE_VCPU: %s", g_strerror(errno));
    }
    if (!set_cpuid(k, cpu->index)) {
        ferry_die("KVM_SET_CPUID2: %s", g_strerror(errno));
    }
    k->run = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED, k->fd,
                  0);
    if (k->run == MAP_FAILED) {
        ferry_die("mmap of kvm_run: %s", g_strerror(errno));
    }
    current_run = k->run;
    cpu->accel_state = k;
}

static SysExecExit kvm_exec(SysCPU *cpu)
{
    KvmCpu *k = cpu->accel_state;
    const SysBootInfo *boot = sys_machine_boot();

    if (!k->boot_state_loaded) {
        /* Only the BSP starts at the kernel; APs wait for a SIPI. */
        if (!boot || cpu->index != 0) {
            return SYS_EXEC_HALTED;
        }
        if (!load_boot_state(k, boot)) {
            return fail(cpu, "cannot set the boot state");
        }
        k->boot_state_loaded = true;
        k->run_fresh = false;
    }
    while (!atomic_load(&cpu->exit_request)) {
        inject_interrupt(cpu, k);
        if (ioctl(k->fd, KVM_RUN, 0) < 0) {
            k->run->immediate_exit = 0;
            k->run_fresh = true;
            if (errno == EINTR || errno == EAGAIN) {
                return SYS_EXEC_KICKED;
            }
            return fail(cpu, g_strerror(errno));
        }
        k->run_fresh = true;
        switch (k->run->exit_reason) {
        case KVM_EXIT_IO:
            handle_io(k->run);
            break;
        case KVM_EXIT_MMIO:
            handle_mmio(k->run);
            break;
        case KVM_EXIT_IRQ_WINDOW_OPEN:
        case KVM_EXIT_INTR:
            break;
        case KVM_EXIT_HLT:
            return SYS_EXEC_HALTED;
        case KVM_EXIT_SHUTDOWN:
            return SYS_EXEC_TRIPLE_FAULT;
        case KVM_EXIT_FAIL_ENTRY:
            return fail(cpu, "entry failed");
        case KVM_EXIT_INTERNAL_ERROR:
            return fail(cpu, "internal error (code outside RAM?)");
        default: {
            char what[32];

            snprintf(what, sizeof(what), "exit %u", k->run->exit_reason);
            return fail(cpu, what);
        }
        }
    }
    return SYS_EXEC_KICKED;
}

/* Make KVM_RUN return: the signal sets immediate_exit on the vCPU's own
 * thread, so a kick just before KVM_RUN is not lost either. */
static void kvm_kick(SysCPU *cpu)
{
    pthread_kill(cpu->thread, KVM_KICK_SIGNAL);
}

static void kvm_dump_state(SysCPU *cpu, GString *out)
{
    KvmCpu *k = cpu->accel_state;
    struct kvm_regs r;
    struct kvm_sregs s;

    if (ioctl(k->fd, KVM_GET_REGS, &r) < 0 ||
        ioctl(k->fd, KVM_GET_SREGS, &s) < 0) {
        g_string_append_printf(out, "CPU#%d: registers unavailable\n",
                               cpu->index);
        return;
    }
    g_string_append_printf(out,
        "CPU#%d (kvm)\nEAX=%08llx EBX=%08llx ECX=%08llx EDX=%08llx\n"
        "ESI=%08llx EDI=%08llx EBP=%08llx ESP=%08llx\n"
        "EIP=%08llx EFL=%08llx CS=%04x DS=%04x CR0=%08llx\n",
        cpu->index, r.rax, r.rbx, r.rcx, r.rdx, r.rsi, r.rdi, r.rbp, r.rsp,
        r.rip, r.rflags, s.cs.selector, s.ds.selector, s.cr0);
}

static void kvm_reset(SysCPU *cpu)
{
    KvmCpu *k = cpu->accel_state;

    k->boot_state_loaded = false;   /* back to the loader's entry state */
}

static void kvm_destroy_vcpu(SysCPU *cpu)
{
    KvmCpu *k = cpu->accel_state;

    current_run = NULL;
    munmap(k->run, run_size);
    close(k->fd);
    g_free(k);
    cpu->accel_state = NULL;
}

const SysAccelOps sys_kvm_accel = {
    .name = "kvm",
    .init_vcpu = kvm_init_vcpu,
    .exec = kvm_exec,
    .kick = kvm_kick,
    .synchronize_state = NULL,      /* dump_state reads KVM directly */
    .dump_state = kvm_dump_state,
    .reset = kvm_reset,
    .destroy_vcpu = kvm_destroy_vcpu,
};
