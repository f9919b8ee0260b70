/*
 * machine.h — the PC as ferry-system-x86_64 builds it: hw's board wired to
 * the vCPUs (the PIC's INT output to vCPU 0), to the chardevs (COM1 on the
 * first -serial, port 0xE9 on -debugcon), to the run state (keyboard
 * controller and port 0x92 resets, isa-debug-exit), a local APIC per vCPU,
 * and the Multiboot and Linux loaders for -kernel. One machine per process.
 */
#ifndef FERRY_SYSTEM_MACHINE_H
#define FERRY_SYSTEM_MACHINE_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "hw/linux-boot.h"
#include "hw/multiboot.h"
#include "system/bql.h"
#include "system/chardev.h"
#include "system/memory.h"

typedef enum SysBootKind {
    SYS_BOOT_NONE,
    SYS_BOOT_MULTIBOOT,
    SYS_BOOT_LINUX,
} SysBootKind;

/* How the boot vCPU starts: the loader's entry state for its kind. */
typedef struct SysBootInfo {
    SysBootKind kind;
    MbBoot mb;                  /* SYS_BOOT_MULTIBOOT */
    LinuxBoot linux_boot;       /* SYS_BOOT_LINUX */
} SysBootInfo;

typedef struct SysMachineConfig {
    uint64_t ram_bytes;
    const char *kernel;         /* Multiboot or bzImage, or NULL */
    const char *initrd;         /* Linux: a file; Multiboot: modules,
                                   "file[ args][,file[ args]...]" */
    const char *append;         /* kernel command line */
    SysChardev *serial0;        /* COM1's line (NULL: unconnected) */
    SysChardev *debugcon;       /* port 0xE9 output (NULL: dropped) */
    bool kvm;                   /* map RAM into the KVM VM */
} SysMachineConfig;

/* Build the board and load the kernel. The vCPUs must exist (the PIC's
 * output goes to vCPU 0). False with @err set on a kernel that cannot be
 * read or loaded. */
bool sys_machine_init(const SysMachineConfig *cfg, GError **err)
    REQUIRES(sys_bql);

/* Register the -device types the machine offers (before options are
 * acted on; instances are created after sys_machine_init). */
void sys_machine_register_devices(void);

/* Free the board (waits for an RCU grace period: not under the BQL). */
void sys_machine_fini(void) EXCLUDES(sys_bql);

/* Whether a machine exists (monitor commands that need one check). */
bool sys_machine_exists(void);

/* The memory and I/O address spaces (for the monitor and accelerators). */
AddressSpace *sys_machine_memory(void);
AddressSpace *sys_machine_io(void);

/* Where the boot vCPU starts if a kernel was loaded, else NULL. */
const SysBootInfo *sys_machine_boot(void);

/* The INTA cycle for vCPU @cpu_index: the vector its local APIC (or,
 * through LINT0 in ExtINT mode, the PIC) delivers, or -1 for none. */
int sys_machine_ack_interrupt(int cpu_index) REQUIRES(sys_bql);

/* `info mtree`: the memory and I/O region trees. */
void sys_machine_print_mtree(GString *out) REQUIRES(sys_bql);

#endif
