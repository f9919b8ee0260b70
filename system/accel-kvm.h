/*
 * accel-kvm.h — the KVM accelerator (x86-64 hosts with /dev/kvm): one KVM
 * vCPU per vCPU thread, the machine's RAM mapped into the VM, port I/O and
 * MMIO exits dispatched through the same address spaces as everything
 * else, interrupts injected from the machine's APIC/PIC (no in-kernel
 * irqchip), and kicks by a signal that makes KVM_RUN return.
 */
#ifndef FERRY_SYSTEM_ACCEL_KVM_H
#define FERRY_SYSTEM_ACCEL_KVM_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "system/vcpu.h"

/* Open /dev/kvm and create the VM. False with @err set when KVM is not
 * there or not usable. Once, before the vCPUs are created. */
bool sys_kvm_init(GError **err);

/* Map @size bytes of guest RAM at @gpa from @host (slot @slot). */
bool sys_kvm_map_ram(int slot, uint64_t gpa, uint64_t size, void *host,
                     GError **err);

extern const SysAccelOps sys_kvm_accel;

#endif
