/*
 * cpuloop.h — running a guest thread: the loop around jit_cpu_exec that
 * services syscalls and turns CPU exceptions into the signals Linux would
 * send, plus the guest code fetch callback the translator uses.
 */
#ifndef FERRY_LINUX_USER_CPULOOP_H
#define FERRY_LINUX_USER_CPULOOP_H

#include "frontend-x86/cpu.h"
#include "jit/engine.h"
#include "linux-user/syscall.h"

/*
 * Make the translator fetch guest code from m (only pages mapped with
 * PROT_EXEC; an unmapped page reads as nothing, so the translator raises a
 * fetch fault instead of ferry crashing). Call once before running.
 */
void lu_fetch_init(LuMem *m);

/* Prepare cpu for user mode at entry with the given stack pointer, as the
 * kernel leaves a fresh x86-64 process (all other registers zero). */
void lu_cpu_init(X86Cpu *cpu, LuMem *m, uint64_t entry, uint64_t sp);

/* AT_HWCAP: CPUID leaf 1 EDX as ferry's CPUID helper reports it. */
uint64_t lu_cpuid_hwcap(void);

/* CPUID leaf/subleaf as the guest sees it: out = eax, ebx, ecx, edx
 * (a LuCpuidFn for /proc/cpuinfo). */
void lu_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t out[4]);

/*
 * Run the guest thread whose state cpu is (embedded in a LuThread) until
 * it calls exit (returns its status; the thread's `exiting` is set) or
 * any thread calls exit_group (returns the process's status; p->exited
 * is set). The caller ends the thread or the process (thread.c). Calls
 * lu_signal_thread_start for the thread first. A guest exception (#UD,
 * #DE, a fault) becomes the signal Linux would send, delivered at once to
 * the faulting instruction; queued signals are delivered between blocks
 * (signal-frame.h).
 */
int lu_cpu_loop(LuProc *p, JitEngine *e, X86Cpu *cpu);

#endif
