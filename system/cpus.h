/*
 * cpus.h — vCPU threads for the system emulator (DESIGN.md section 7): one
 * host thread per vCPU running guest code without the BQL through an
 * accelerator hook, halting on a per-vCPU condition, kicked out of guest
 * code by other threads, and carrying cross-vCPU work: run_on_cpu,
 * async_run_on_cpu, and "safe" work that runs while no vCPU is in guest
 * code (TB flush, global TLB changes).
 */
#ifndef FERRY_SYSTEM_CPUS_H
#define FERRY_SYSTEM_CPUS_H

#include <pthread.h>
#include <stdbool.h>

#include <glib.h>

#include "system/bql.h"

typedef struct SysCpu SysCpu;

/* Why the accelerator returned. */
typedef enum SysCpuExit {
    SYS_CPU_EXIT_REQUEST,     /* exit_request seen, or anything else that
                                 needs the loop to look at its queues */
    SYS_CPU_EXIT_HALT,        /* HLT: sleep until has_work() */
} SysCpuExit;

/* The accelerator (TCG, KVM) seen from the thread loop. */
typedef struct SysAccelOps {
    /* Run guest code without the BQL until the CPU's exit_request is set
     * (checked at least at every block boundary) or the CPU halts. */
    SysCpuExit (*exec)(SysCpu *cpu);
    /* Under the BQL: whether a halted CPU has something to do (a pending
     * interrupt). */
    bool (*has_work)(SysCpu *cpu);
    /* Optional, any thread: extra work to make exec() return soon (signal
     * a KVM thread); exit_request is set before it is called. */
    void (*kick)(SysCpu *cpu);
} SysAccelOps;

typedef void (*SysCpuWorkFn)(SysCpu *cpu, void *data);

struct SysCpu {
    int index;                        /* immutable */
    const SysAccelOps *ops;           /* immutable */
    void *opaque;                     /* the accelerator's CPU state */
    pthread_t thread;                 /* set by sys_cpu_start */
    pthread_cond_t cond;              /* waited on with the BQL */
    _Atomic bool exit_request;        /* "leave guest code now" */
    bool halted GUARDED_BY(sys_bql);
    bool stop GUARDED_BY(sys_bql);    /* pause requested */
    bool stopped GUARDED_BY(sys_bql); /* pause acknowledged */
    bool in_exec GUARDED_BY(sys_bql); /* between exec() entry and return */
    bool exit_thread GUARDED_BY(sys_bql);
    GQueue work GUARDED_BY(sys_bql);  /* queued SysCpuWork items */
};

/* A vCPU (not started) running @ops with @opaque as its state. */
SysCpu *sys_cpu_new(int index, const SysAccelOps *ops, void *opaque)
    REQUIRES(sys_bql);

/* Start its thread; the thread registers with RCU and enters the loop. */
void sys_cpu_start(SysCpu *cpu) REQUIRES(sys_bql);

/* Stop the thread, wait for it, and free the vCPU. Not from a vCPU. */
void sys_cpu_destroy(SysCpu *cpu) EXCLUDES(sys_bql);

/* The vCPU the calling thread runs, or NULL. */
SysCpu *sys_cpu_current(void);

/* Make @cpu leave guest code and look at its state; wakes it if halted.
 * Any thread. */
void sys_cpu_kick(SysCpu *cpu);

/* Tell @cpu that has_work() may now be true (an interrupt was raised). */
void sys_cpu_interrupt(SysCpu *cpu) REQUIRES(sys_bql);

/* Run @fn(@cpu, @data) on @cpu's thread under the BQL and wait for it
 * (directly if called on that thread). The BQL is released while waiting. */
void sys_run_on_cpu(SysCpu *cpu, SysCpuWorkFn fn, void *data)
    REQUIRES(sys_bql);

/* Queue @fn to run on @cpu's thread under the BQL; returns at once. Any
 * thread that holds no device lock (the BQL is taken if not held). */
void sys_async_run_on_cpu(SysCpu *cpu, SysCpuWorkFn fn, void *data);

/* Like sys_async_run_on_cpu, but @fn runs only while no vCPU is inside
 * exec() (and none enters until it is done). */
void sys_async_safe_run_on_cpu(SysCpu *cpu, SysCpuWorkFn fn, void *data);

/* Stop every vCPU outside guest code and wait until all have; resume
 * them. Not from a vCPU thread. */
void sys_pause_all_vcpus(void) REQUIRES(sys_bql);
void sys_resume_all_vcpus(void) REQUIRES(sys_bql);

/* How many vCPUs are inside exec() now (for tests and assertions). */
int sys_cpus_in_exec(void) REQUIRES(sys_bql);

#endif
