/*
 * cpuloop.c — the guest thread's main loop: jit_cpu_exec until the guest
 * needs the kernel (syscall) or takes an exception, which becomes the
 * signal Linux would send. Guest signal handlers are recorded by
 * rt_sigaction but not delivered yet, so such a signal ends the process
 * the way the default action would.
 */
#include "linux-user/cpuloop.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "frontend-x86/translate.h"
#include "jit/fatal.h"

/* The table the fetch callback reads: set once by lu_fetch_init before
 * any translation, read-only afterwards (the callback has no opaque). */
static LuMem *fetch_mem;

static size_t lu_fetch(JitCpu *cpu, uint64_t addr, uint8_t *buf, size_t len)
{
    (void)cpu;
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

/* The signal Linux sends for an x86 exception in user mode. */
static int exception_signal(int excp, const char **why)
{
    *why = NULL;
    switch (excp) {
    case X86_EXCP_UD: return SIGILL;
    case X86_EXCP_DE: *why = "divide error"; return SIGFPE;
    case X86_EXCP_BP: case X86_EXCP_DB: return SIGTRAP;
    case X86_EXCP_PF: *why = "instruction fetch from an unmapped page"; return SIGSEGV;
    case X86_EXCP_GP: *why = "general protection"; return SIGSEGV;
    case X86_EXCP_HLT: *why = "hlt is privileged"; return SIGSEGV;
    default: return 0;
    }
}

int lu_cpu_loop(LuProc *p, JitEngine *e, X86Cpu *cpu)
{
    for (;;) {
        int r = jit_cpu_exec(e, &cpu->jit);
        if (r == X86_EXCP_SYSCALL) {
            lu_syscall(p, cpu);
            if (p->exited) {
                return p->exit_status;
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
