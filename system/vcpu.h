/*
 * vcpu.h — the vCPU lifecycle and the accelerator interface. Each vCPU is a
 * host thread that runs guest code through its accelerator without the BQL
 * and takes the BQL for everything else: halting (waiting on its own
 * condition with the BQL released), queued work, pause and resume.
 *
 * Lock order: the BQL; then the exclusive-section lock or a vCPU's work_lock;
 * then a vCPU's wake_lock (innermost: kicks happen under the others).
 */
#ifndef FERRY_SYSTEM_VCPU_H
#define FERRY_SYSTEM_VCPU_H

#include <glib.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "system/bql.h"

typedef struct SysCPU SysCPU;

/* Why an accelerator's exec returned. */
typedef enum SysExecExit {
    SYS_EXEC_KICKED,        /* kicked or exit requested: look at work/stop */
    SYS_EXEC_HALTED,        /* the guest halted (HLT with nothing pending) */
    SYS_EXEC_TRIPLE_FAULT,  /* the CPU shut down: the PC resets */
} SysExecExit;

/* The accelerator interface (tcg, kvm, null). All hooks but kick run on the
 * vCPU's own thread. */
typedef struct SysAccelOps {
    const char *name;
    /* Set up cpu->accel_state; BQL held. */
    void (*init_vcpu)(SysCPU *cpu);
    /* Run guest code until something needs the loop; BQL NOT held. Must
     * return soon after cpu->exit_request is set (by kick). */
    SysExecExit (*exec)(SysCPU *cpu);
    /* Make a running exec return soon; any thread, any lock state. */
    void (*kick)(SysCPU *cpu);
    /* Bring the register state the accelerator holds into the state the
     * monitor reads (KVM: KVM_GET_REGS); BQL held. May be NULL. */
    void (*synchronize_state)(SysCPU *cpu);
    /* Print the registers for `info registers`; BQL held. */
    void (*dump_state)(SysCPU *cpu, GString *out);
    /* Architectural reset of the vCPU; BQL held, vCPU stopped. */
    void (*reset)(SysCPU *cpu);
    /* Free accel_state; BQL held. */
    void (*destroy_vcpu)(SysCPU *cpu);
} SysAccelOps;

/* Bits of SysCPU.interrupt_request. */
enum {
    SYS_CPU_INTERRUPT_HARD = 1u << 0,   /* the interrupt line (INTR) */
    SYS_CPU_INTERRUPT_NMI  = 1u << 1,
};

typedef struct SysWorkItem SysWorkItem;

struct SysCPU {
    int index;                              /* immutable */
    const SysAccelOps *accel;               /* immutable */
    void *accel_state;                      /* the vCPU thread's own */
    pthread_t thread;                       /* immutable after created */
    atomic_int thread_id;                   /* host tid, for query-cpus-fast */

    /* Idle waits: the vCPU reads kick_seq, checks its state under the BQL,
     * then sleeps on wake_cond until kick_seq moves; anyone who changes
     * what the vCPU waits for bumps kick_seq afterwards (sys_cpu_kick). A
     * leaf lock, so kicks work from any context without the BQL. */
    SysMutex wake_lock;
    pthread_cond_t wake_cond;
    atomic_uint kick_seq;

    bool created GUARDED_BY(sys_bql);
    bool halted GUARDED_BY(sys_bql);        /* waiting for an interrupt */
    bool stop GUARDED_BY(sys_bql);          /* asked to stop */
    bool stopped GUARDED_BY(sys_bql);       /* has stopped (paused) */
    bool unplug GUARDED_BY(sys_bql);        /* asked to exit its thread */
    bool sync_waiting GUARDED_BY(sys_bql);  /* in a wait for another thread */

    /* Read without locks by exec loops; set with atomics by anyone. */
    atomic_bool exit_request;
    atomic_uint interrupt_request;
    atomic_bool running;                    /* inside accel exec */

    SysMutex work_lock;
    /* Protected by work_lock (C cannot name a sibling field in GUARDED_BY). */
    SysWorkItem *work_head;
    SysWorkItem *work_tail;
};

/* ---- lifecycle ----------------------------------------------------------- */

/* Create @n vCPUs on @accel, each on its own thread, and wait until they
 * exist. They start stopped: sys_vcpu_resume_all lets them run. */
void sys_vcpu_create_all(int n, const SysAccelOps *accel) REQUIRES(sys_bql);

/* Stop every vCPU thread and free them (after a pause). */
void sys_vcpu_destroy_all(void) REQUIRES(sys_bql);

/* The number of vCPUs and vCPU @i (0-based); the list is fixed at creation. */
int sys_vcpu_count(void);
SysCPU *sys_vcpu_get(int i);

/* The vCPU whose thread is calling, or NULL. */
SysCPU *sys_vcpu_current(void);

/* Stop every vCPU and wait until they all have (from a vCPU thread: the
 * caller stops itself without waiting for itself). Idempotent. */
void sys_vcpu_pause_all(void) REQUIRES(sys_bql);

/* Let every vCPU run again. */
void sys_vcpu_resume_all(void) REQUIRES(sys_bql);

/* Whether every vCPU is stopped. */
bool sys_vcpu_all_stopped(void) REQUIRES(sys_bql);

/* Reset every vCPU through its accelerator. The vCPUs must be paused. */
void sys_vcpu_reset_all(void) REQUIRES(sys_bql);

/* ---- kicks, interrupts, work --------------------------------------------- */

/* Make @cpu look at its state: wake it if idle, make exec return. */
void sys_cpu_kick(SysCPU *cpu);

/* Raise / lower interrupt request bits; raising kicks the vCPU. */
void sys_cpu_interrupt(SysCPU *cpu, unsigned mask);
void sys_cpu_reset_interrupt(SysCPU *cpu, unsigned mask);

typedef void (*SysRunOnCpuFn)(SysCPU *cpu, void *data);

/* Run @fn(@cpu, @data) on @cpu's thread with the BQL held and wait for it
 * (the BQL is released while waiting; a vCPU caller keeps serving its own
 * queue meanwhile, so two vCPUs may run_on_cpu each other). On @cpu itself
 * it runs at once. */
void sys_run_on_cpu(SysCPU *cpu, SysRunOnCpuFn fn, void *data)
    REQUIRES(sys_bql);

/* Queue @fn(@cpu, @data) to run on @cpu's thread with the BQL held; returns
 * at once. Any thread, BQL held or not. */
void sys_async_run_on_cpu(SysCPU *cpu, SysRunOnCpuFn fn, void *data);

/* Queue @fn to run on @cpu's thread while no vCPU is inside exec (TB flush,
 * global TLB changes); it runs without the BQL. Any thread. */
void sys_async_safe_run_on_cpu(SysCPU *cpu, SysRunOnCpuFn fn, void *data);

/* Accelerators bracket every exec with these; a safe-work section waits for
 * all vCPUs to be outside. Called without the BQL. */
void sys_cpu_exec_start(SysCPU *cpu);
void sys_cpu_exec_end(SysCPU *cpu);

/* ---- the null accelerator ------------------------------------------------ */

/* A test accelerator without a guest: exec acknowledges pending interrupts
 * (counting them), returns the exit injected by sys_null_accel_inject if
 * any, and otherwise halts. */
extern const SysAccelOps sys_null_accel;

/* Make @cpu's next exec return @exit once (and kick it). */
void sys_null_accel_inject(SysCPU *cpu, SysExecExit exit) REQUIRES(sys_bql);

/* How many times @cpu's exec ran and how many interrupts it took. */
uint64_t sys_null_accel_execs(SysCPU *cpu);
uint64_t sys_null_accel_interrupts(SysCPU *cpu);

#endif
