/*
 * procfs.h — the guest's view of its own /proc files. Opening
 * /proc/self/{maps,auxv,cmdline,environ} (also through thread-self or the
 * process's own pid) and /proc/cpuinfo gives a file made by ferry with what
 * the kernel would show an x86-64 process: its mappings, auxv, argv and
 * environment, and a CPU with the features ferry's CPUID reports
 * (/proc/self/exe is lu_gpath's: the guest program).
 */
#ifndef FERRY_LINUX_USER_PROCFS_H
#define FERRY_LINUX_USER_PROCFS_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "linux-user/elfload.h"
#include "linux-user/syscall.h"

/* CPUID leaf/subleaf as the guest sees it: out = eax, ebx, ecx, edx. */
typedef void (*LuCpuidFn)(uint32_t leaf, uint32_t subleaf, uint32_t out[4]);

/*
 * Record what the views need, once the program is loaded and its stack
 * built (sp = initial rsp, stack_size as given to lu_stack_setup): the
 * images' segments (named after exe_path and info->interp_path), the
 * stack, argv/environment/auxv from the initial stack. Sets p->procfs.
 * cpuid may be NULL (/proc/cpuinfo is then the host's).
 */
void lu_procfs_init(LuProc *p, const LuElfInfo *info, uint64_t sp, uint64_t stack_size,
                    LuCpuidFn cpuid);

/* Name [start, end) in /proc/self/maps (e.g. "[vdso]"); at setup only. */
void lu_procfs_name_range(LuProc *p, uint64_t start, uint64_t end, const char *name);

/*
 * If path is "/proc/self/NAME", "/proc/thread-self/NAME" or
 * "/proc/<own pid>/NAME", return NAME (a pointer into path), else NULL.
 */
const char *lu_procfs_self_file(const char *path);

/*
 * Open one of the emulated files: returns true and the fd or -errno in
 * *ret when path (as the guest gave it, relative to dirfd or AT_FDCWD
 * when not absolute) is one of them, false when the host should open it.
 * host_flags are host open(2) flags (O_CLOEXEC kept).
 */
bool lu_procfs_open(LuProc *p, int dirfd, const char *path, int host_flags, int64_t *ret);

/* /proc/cpuinfo in the x86 kernel's format: one block per online host
 * CPU, vendor, family/model/stepping, name and flags from cpuid. */
GString *lu_procfs_cpuinfo(LuCpuidFn cpuid);

/* Free p->procfs. */
void lu_procfs_free(LuProc *p);

#endif
