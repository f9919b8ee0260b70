/*
 * cpuloop.c — the guest thread's main loop: jit_cpu_exec until the guest
 * needs the kernel (syscall) or takes an exception, which becomes the
 * signal Linux would send. Guest signal handlers are recorded by
 * rt_sigaction but not delivered yet, so such a signal ends the process
 * the way the default action would; so does a host SIGSEGV/SIGBUS/SIGFPE
 * raised by generated code (a guest memory fault), after restoring the
 * guest rip from the host pc. A write fault on a page holding translated
 * code is self-modifying code: invalidate and retry.
 */
#include "linux-user/cpuloop.h"

#include <errno.h>
#include <signal.h>
#include <ucontext.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "frontend-x86/translate.h"
#include "jit/fatal.h"
#include "linux-user/stack.h"

/* The table the fetch callback reads: set once by lu_fetch_init before
 * any translation, read-only afterwards (the callback has no opaque). */
static LuMem *fetch_mem;

/* Called by the translator (under tb_lock): the pages read become code
 * pages, write-protected while the guest could write them. Protected
 * before the read: a store by another thread after the read then faults
 * and invalidates this TB (it waits for tb_lock, so the TB is in the
 * table by then) instead of being missed. */
static size_t lu_fetch(JitCpu *cpu, uint64_t addr, uint8_t *buf, size_t len)
{
    (void)cpu;
    lu_mem_code_mark(fetch_mem, addr, len);
    return lu_mem_read(fetch_mem, addr, buf, len, PROT_EXEC);
}

void lu_fetch_init(LuMem *m)
{
    fetch_mem = m;
    x86_tr_config.fetch = lu_fetch;
    x86_tr_config.user_mode = true;
}

void lu_cpu_init(X86Cpu *cpu, LuMem *m, uint64_t entry, uint64_t sp)
{
    memset(cpu, 0, sizeof(*cpu));
    cpu->jit.exception = -1;
    cpu->jit.mem_mode = JIT_MEM_USER;
    cpu->jit.guest_base = m->guest_base;
    cpu->rip = entry;
    cpu->regs[X86_RSP] = sp;
    cpu->df = 1;
    cpu->mxcsr = 0x1f80;           /* all exceptions masked, round to nearest */
    cpu->seg_sel[1] = 0x33;        /* CS, SS: Linux's __USER_CS, __USER_DS */
    cpu->seg_sel[2] = 0x2b;
    x87_reset(cpu);                /* FCW 0x37f, empty stack: as after execve */
    x86_cpu_set_eflags(cpu, 0x202);   /* IF and the always-one bit */
}

void lu_syscall(LuProc *p, X86Cpu *cpu)
{
    const uint64_t args[6] = {
        cpu->regs[X86_RDI], cpu->regs[X86_RSI], cpu->regs[X86_RDX],
        cpu->regs[X86_R10], cpu->regs[X86_R8], cpu->regs[X86_R9],
    };
    uint64_t nr = cpu->regs[X86_RAX];
    /* What the syscall instruction itself does: rcx = return rip, r11 = rflags. */
    cpu->regs[X86_RCX] = cpu->rip;
    cpu->regs[X86_R11] = x86_cpu_get_eflags(cpu);
    cpu->regs[X86_RAX] = (uint64_t)lu_do_syscall(p, cpu, nr, args);
}

uint64_t lu_cpuid_hwcap(void)
{
    x86_system_register_helpers();
    const IrHelper *h = ir_helper_find("x86_cpuid", NULL);
    if (!h) {
        return LU_HWCAP_X86;
    }
    X86Cpu *tmp = g_new0(X86Cpu, 1);
    tmp->regs[X86_RAX] = 1;
    ((void (*)(void *))h->func)(tmp);
    uint64_t edx = (uint32_t)tmp->regs[X86_RDX];
    g_free(tmp);
    return edx;
}

/* End the process with sig as its default action would (the parent sees
 * the signal), falling back to the shell's 128 + sig. */
static _Noreturn void die_by_signal(LuProc *p, X86Cpu *cpu, int sig, const char *why)
{
    const char *name = sigabbrev_np(sig);
    fprintf(stderr, "ferry: guest SIG%s at rip %#llx%s%s\n", name ? name : "?",
            (unsigned long long)cpu->rip, why ? ": " : "", why ? why : "");
    fflush(NULL);
    if (p->log && p->log != stderr) {
        fflush(p->log);
    }
    signal(sig, SIG_DFL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    raise(sig);
    _exit(128 + sig);
}

/* ---------------------------------------------------------------------- */
/* Host faults in generated code                                            */

/* The guest CPU the calling host thread runs: set before its loop, read
 * by the fault handler on that thread. The engine (one per process) is
 * stored by every thread before its loop, always the same value. */
static __thread X86Cpu *fault_cpu;
static JitEngine *_Atomic fault_engine;

static uintptr_t host_pc(const void *uc_)
{
    const ucontext_t *uc = uc_;
#if defined(__x86_64__)
    return (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
#elif defined(__aarch64__)
    return (uintptr_t)uc->uc_mcontext.pc;
#elif defined(__loongarch64)
    return (uintptr_t)uc->uc_mcontext.__pc;
#else
    (void)uc;
    return 0;
#endif
}

/*
 * A fault whose host pc is in generated code is the guest's: restore its
 * rip, report, and die of the same signal. Anything else is ferry's own
 * crash: fall back to the default action so it is not disguised.
 * Only async-signal-safe calls once inside.
 */
static void fault_handler(int sig, siginfo_t *si, void *uc)
{
    uint64_t start, end;
    if (sig == SIGSEGV && si->si_code == SEGV_ACCERR && fault_cpu &&
        lu_mem_code_unprotect(fetch_mem,
                              (uintptr_t)si->si_addr - fault_cpu->jit.guest_base, 1, true,
                              &start, &end)) {
        /* A guest write to a page holding translated code: drop those
         * translations and let the store run again. (If the current block
         * rewrote itself, its remaining instructions still run as they
         * were translated.) */
        jit_tb_invalidate_range(fault_engine, start, end);
        return;
    }
    if (!fault_cpu || !jit_restore_state_from(fault_engine, &fault_cpu->jit, host_pc(uc))) {
        signal(sig, SIG_DFL);
        return;                    /* re-executes and dies with the default action */
    }
    char msg[160];
    const char *name = sigabbrev_np(sig);
    int n = snprintf(msg, sizeof(msg), "ferry: guest SIG%s at rip %#llx (address %#llx)\n",
                     name ? name : "?", (unsigned long long)fault_cpu->rip,
                     (unsigned long long)((uintptr_t)si->si_addr -
                                          fault_cpu->jit.guest_base));
    if (n > 0) {
        ssize_t w = write(2, msg, (size_t)n < sizeof(msg) ? (size_t)n : sizeof(msg) - 1);
        (void)w;
    }
    signal(sig, SIG_DFL);
    raise(sig);
    _exit(128 + sig);
}

static void fault_init(JitEngine *e, X86Cpu *cpu)
{
    fault_cpu = cpu;
    fault_engine = e;
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = fault_handler;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
    sigaction(SIGFPE, &sa, NULL);
}

/* ---------------------------------------------------------------------- */
/* The loop                                                                 */

/* The signal Linux sends for an x86 exception in user mode. */
static int exception_signal(int excp, const char **why)
{
    *why = NULL;
    switch (excp) {
    case X86_EXCP_UD: return SIGILL;
    case X86_EXCP_DE: *why = "divide error"; return SIGFPE;
    case 16: *why = "x87 floating-point error"; return SIGFPE;        /* #MF */
    case 19: *why = "SIMD floating-point exception"; return SIGFPE;   /* #XM */
    case 17: *why = "alignment check"; return SIGBUS;                 /* #AC */
    case 12: *why = "stack fault"; return SIGBUS;                     /* #SS */
    case X86_EXCP_BP: case X86_EXCP_DB: return SIGTRAP;
    case X86_EXCP_PF: *why = "instruction fetch from an unmapped page"; return SIGSEGV;
    case X86_EXCP_GP: *why = "general protection"; return SIGSEGV;
    case X86_EXCP_HLT: *why = "hlt is privileged"; return SIGSEGV;
    default: return 0;
    }
}

/*
 * `int 0x80` from 64-bit code: Linux (with IA32 emulation, as on the
 * machines ferry is compared with) runs its 32-bit syscall table on eax,
 * with ebx ecx edx esi edi ebp as 32-bit arguments, and returns the result
 * sign-extended in rax; the other registers are kept. ferry maps the few
 * calls below (number + 1 of the 64-bit call) and answers -ENOSYS to the
 * rest, which would need the 32-bit structure layouts.
 */
static void lu_syscall_int80(LuProc *p, X86Cpu *cpu)
{
    static const uint16_t ia32_to_64[] = {
        [1] = 60 + 1,              /* exit */
        [3] = 0 + 1,               /* read */
        [4] = 1 + 1,               /* write */
        [6] = 3 + 1,               /* close */
        [20] = 39 + 1,             /* getpid */
        [252] = 231 + 1,           /* exit_group */
    };
    const uint64_t args[6] = {
        (uint32_t)cpu->regs[X86_RBX], (uint32_t)cpu->regs[X86_RCX],
        (uint32_t)cpu->regs[X86_RDX], (uint32_t)cpu->regs[X86_RSI],
        (uint32_t)cpu->regs[X86_RDI], (uint32_t)cpu->regs[X86_RBP],
    };
    uint32_t nr = (uint32_t)cpu->regs[X86_RAX];

    if (nr >= sizeof(ia32_to_64) / sizeof(ia32_to_64[0]) || ia32_to_64[nr] == 0) {
        cpu->regs[X86_RAX] = (uint64_t)-ENOSYS;
        return;
    }
    cpu->regs[X86_RAX] = (uint64_t)lu_do_syscall(p, cpu, ia32_to_64[nr] - 1u, args);
}

int lu_cpu_loop(LuProc *p, JitEngine *e, X86Cpu *cpu)
{
    fault_init(e, cpu);
    for (;;) {
        int r = jit_cpu_exec(e, &cpu->jit);
        if (r == X86_EXCP_SYSCALL || r == X86_EXCP_INT80) {
            (r == X86_EXCP_SYSCALL ? lu_syscall : lu_syscall_int80)(p, cpu);
            if (atomic_load_explicit(&p->exited, memory_order_acquire)) {
                return p->exit_status;
            }
            if (lu_thread_of(cpu)->exiting) {
                return lu_thread_of(cpu)->exit_code;
            }
            continue;
        }
        if (r == JIT_EXCP_INTERRUPT) {
            continue;              /* a kick: nothing queued for user mode yet */
        }
        const char *why;
        int sig = exception_signal(r, &why);
        if (sig == 0) {
            ferry_die("unexpected exception %#x from the exec loop at rip %#llx", r,
                      (unsigned long long)cpu->rip);
        }
        die_by_signal(p, cpu, sig, why);
    }
}
