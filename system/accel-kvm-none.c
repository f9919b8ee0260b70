/*
 * accel-kvm-none.c — the KVM accelerator on hosts that are not x86-64:
 * KVM runs guests of the host's own architecture, so -accel kvm is refused
 * there with a clear error (system/accel-kvm.c is the x86-64 host's).
 */
#include "system/accel-kvm.h"

static bool unavailable(GError **err)
{
    g_set_error(err, g_quark_from_static_string("ferry-kvm"), 1,
                "-accel kvm runs x86 guests only on an x86-64 host; use -accel tcg");
    return false;
}

bool sys_kvm_init(GError **err)
{
    return unavailable(err);
}

bool sys_kvm_map_ram(int slot, uint64_t gpa, uint64_t size, void *host, GError **err)
{
    (void)slot;
    (void)gpa;
    (void)size;
    (void)host;
    return unavailable(err);
}

/* Never used: sys_kvm_init fails first. */
const SysAccelOps sys_kvm_accel;
