/*
 * cpuloop.c — the guest thread's main loop: jit_cpu_exec until the guest
 * needs the kernel (syscall) or takes an exception, which becomes the
 * signal Linux would send (with its si_code, si_addr, trap number and
 * error code), delivered at once to the faulting instruction; so does a
 * host SIGSEGV/SIGBUS/SIGFPE raised by generated code (a guest memory
 * fault), after restoring the guest state from the host pc. A write fault
 * on a page holding translated code is self-modifying code: invalidate and
 * retry. Queued asynchronous signals are delivered between blocks.
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
#include "jit/softmmu.h"
#include "linux-user/signal-frame.h"
#include "linux-user/stack.h"
#include "linux-user/syscall-nr.h"

/* The exception number a host fault in guest code leaves the exec loop
 * with (front-end exceptions are below 0x200). */
#define LU_EXCP_HOST_FAULT 0x200

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
    LuThread *t = lu_thread_of(cpu);
    if (nr == LU_NR_rt_sigreturn) {
        lu_sigreturn(p, t);        /* every register comes from the frame */
        return;
    }
    /* What the syscall instruction itself does: rcx = return rip, r11 = rflags. */
    cpu->regs[X86_RCX] = cpu->rip;
    cpu->regs[X86_R11] = x86_cpu_get_eflags(cpu);
    int64_t r = lu_do_syscall(p, cpu, nr, args);
    cpu->regs[X86_RAX] = (uint64_t)r;
    if (r == -EINTR && atomic_load(&t->sig_pending)) {
        lu_signal_note_interrupted(t, nr);   /* the delivery restarts it or not */
    }
}

void lu_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t out[4])
{
    x86_system_register_helpers();
    const IrHelper *h = ir_helper_find("x86_cpuid", NULL);
    memset(out, 0, 4 * sizeof(uint32_t));
    if (!h) {
        return;
    }
    X86Cpu *tmp = g_new0(X86Cpu, 1);
    tmp->regs[X86_RAX] = leaf;
    tmp->regs[X86_RCX] = subleaf;
    ((void (*)(void *))h->func)(tmp);
    static const int regs[4] = { X86_RAX, X86_RBX, X86_RCX, X86_RDX };
    for (int i = 0; i < 4; i++) {
        out[i] = (uint32_t)tmp->regs[regs[i]];
    }
    g_free(tmp);
}

uint64_t lu_cpuid_hwcap(void)
{
    uint32_t r[4];
    lu_cpuid(1, 0, r);
    return r[3] ? r[3] : LU_HWCAP_X86;
}

/* ---------------------------------------------------------------------- */
/* Host faults in generated code                                            */

/* The page-fault error code bits of the host's fault: W (2) and P (1) as
 * the x86-64 host reports them; elsewhere W from the ESR and, in place of
 * P, FAULT_P_FROM_MAP (P is then whether the guest page is mapped). */
#define FAULT_P_FROM_MAP 0x100
static uint32_t host_fault_err(const void *uc_)
{
    const ucontext_t *uc = uc_;
#if defined(__x86_64__)
    return (uint32_t)uc->uc_mcontext.gregs[REG_ERR] & 3;
#elif defined(__aarch64__)
    /* the ESR record in the signal frame: WnR (bit 6) of a data abort */
    const uint8_t *rec = (const uint8_t *)uc->uc_mcontext.__reserved;
    const uint8_t *end = rec + sizeof(uc->uc_mcontext.__reserved);
    while (rec + 8 <= end) {
        uint32_t magic, size;
        memcpy(&magic, rec, 4);
        memcpy(&size, rec + 4, 4);
        if (magic == 0 || size < 8) {
            break;
        }
        if (magic == 0x45535201 && size >= 16) {
            uint64_t esr;
            memcpy(&esr, rec + 8, 8);
            return FAULT_P_FROM_MAP | (((esr >> 6) & 1) ? 2 : 0);
        }
        rec += size;
    }
    return FAULT_P_FROM_MAP;
#else
    (void)uc;
    return FAULT_P_FROM_MAP;
#endif
}

/*
 * A host SIGSEGV/SIGBUS/SIGFPE. Sent by a process (si_code <= 0): an
 * ordinary guest signal. A write to a page of translated code: invalidate
 * and retry. Raised by generated code (or a helper's guest access):
 * restore the guest rip precisely, note the fault for the guest and leave
 * generated code for the CPU loop, which delivers it (jit_cpu_loop_exit's
 * siglongjmp; the handler runs with the fault-time mask, SA_NODEFER and no
 * sa_mask, so nothing needs restoring). Anything else is ferry's own
 * crash: the default action, so it is not disguised.
 */
static void fault_handler(int sig, siginfo_t *si, void *uc)
{
    LuThread *t = lu_signal_current();
    if (si->si_code <= 0) {
        lu_signal_host_handler(sig, si, uc);
        return;
    }
    X86Cpu *cpu = t ? &t->cpu : NULL;
    uint64_t start, end;
    uint64_t gaddr = cpu ? (uintptr_t)si->si_addr - cpu->jit.guest_base : 0;
    if (sig == SIGSEGV && si->si_code == SEGV_ACCERR && cpu &&
        lu_mem_code_unprotect(fetch_mem, gaddr, 1, true, &start, &end)) {
        /* A guest write to a page holding translated code: drop those
         * translations and let the store run again. (If the current block
         * rewrote itself, its remaining instructions still run as they
         * were translated.) */
        jit_tb_invalidate_range(cpu->jit.engine, start, end);
        return;
    }
    /* pc + 1: a return-address-like value inside the faulting insn's range */
    if (!cpu || !(jit_restore_state_from(cpu->jit.engine, &cpu->jit, lu_signal_host_pc(uc) + 1) ||
                  (jit_user_access_ra &&
                   jit_restore_state_from(cpu->jit.engine, &cpu->jit, jit_user_access_ra)))) {
        signal(sig, SIG_DFL);
        return;                    /* re-executes and dies with the default action */
    }
    memset(&t->fault, 0, sizeof(t->fault));
    t->fault.signo = sig;
    t->fault.code = si->si_code;
    t->fault.u.addr = gaddr;
    t->fault.err = (int32_t)host_fault_err(uc);
    cpu->jit.exception = LU_EXCP_HOST_FAULT;
    jit_cpu_loop_exit(&cpu->jit);
}

static void fault_init(void)
{
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

/* The si_code of a #MF/#XM from the unmasked exception flags (the low
 * six bits of FSW or MXCSR), as the kernel's fpu__exception_code. */
static int fpe_code(uint32_t err)
{
    if (err & 0x01) return 7;      /* FPE_FLTINV */
    if (err & 0x04) return 3;      /* FPE_FLTDIV */
    if (err & 0x08) return 4;      /* FPE_FLTOVF */
    if (err & 0x12) return 5;      /* FPE_FLTUND */
    if (err & 0x20) return 6;      /* FPE_FLTRES */
    return 0;
}

/* A guest page fault at addr: SEGV_ACCERR when the page is mapped, else
 * SEGV_MAPERR; err is the page-fault error code without the user bit
 * (FAULT_P_FROM_MAP: P is whether the page is mapped). */
static void page_fault(LuThread *t, LuSigInfo *si, uint64_t addr, uint32_t err)
{
    bool mapped = lu_mem_prot_at(fetch_mem, addr) >= 0;
    si->signo = SIGSEGV;
    si->code = mapped ? SEGV_ACCERR : SEGV_MAPERR;
    si->u.addr = addr;
    t->trapno = X86_EXCP_PF;
    if (err & FAULT_P_FROM_MAP) {
        err = (err & ~FAULT_P_FROM_MAP) | (mapped ? 1 : 0);
    }
    t->error_code = err | 4;
    t->cr2 = addr;
}

/*
 * The signal Linux sends for exception excp of the instruction at rip,
 * with its si_code and si_addr, and the trap number and error code the
 * frame reports. Returns a note for the message when the process dies,
 * or NULL for an exception that user mode never sees.
 */
static const char *exception_info(LuThread *t, int excp, LuSigInfo *si)
{
    X86Cpu *c = &t->cpu;
    memset(si, 0, sizeof(*si));
    t->trapno = (uint64_t)excp;
    t->error_code = 0;
    switch (excp) {
    case X86_EXCP_UD:
        *si = (LuSigInfo){ .signo = SIGILL, .code = ILL_ILLOPN, .u.addr = c->rip };
        return "";
    case X86_EXCP_DE:
        *si = (LuSigInfo){ .signo = SIGFPE, .code = FPE_INTDIV, .u.addr = c->rip };
        return "divide error";
    case X86_EXCP_MF:
        *si = (LuSigInfo){ .signo = SIGFPE, .u.addr = c->rip,
                           .code = fpe_code(x87_get_fsw(c) & ~c->fpu.fcw & 0x3f) };
        return "x87 floating-point error";
    case X86_EXCP_XM:
        *si = (LuSigInfo){ .signo = SIGFPE, .u.addr = c->rip,
                           .code = fpe_code(c->mxcsr & ~(c->mxcsr >> 7) & 0x3f) };
        return "SIMD floating-point exception";
    case 17:                       /* #AC */
        *si = (LuSigInfo){ .signo = SIGBUS, .code = BUS_ADRALN };
        return "alignment check";
    case 12:                       /* #SS */
        *si = (LuSigInfo){ .signo = SIGBUS, .code = SI_KERNEL };
        return "stack fault";
    case X86_EXCP_BP:
        *si = (LuSigInfo){ .signo = SIGTRAP, .code = SI_KERNEL };
        return "";
    case X86_EXCP_DB:
        *si = (LuSigInfo){ .signo = SIGTRAP, .code = TRAP_BRKPT, .u.addr = c->rip };
        return "";
    case X86_EXCP_PF: {
        /* an instruction fetch: at rip, or where the instruction runs into
         * an unreadable page */
        uint64_t addr = lu_mem_check(fetch_mem, c->rip, 1, PROT_EXEC) ?
                        (c->rip | (LU_PAGE_SIZE - 1)) + 1 : c->rip;
        page_fault(t, si, addr, 0x10 | FAULT_P_FROM_MAP);
        return "instruction fetch from an unmapped page";
    }
    case X86_EXCP_GP:
    case X86_EXCP_HLT:             /* hlt is privileged: #GP */
        t->trapno = X86_EXCP_GP;
        t->error_code = excp == X86_EXCP_GP ? c->error_code : 0;
        *si = (LuSigInfo){ .signo = SIGSEGV, .code = SI_KERNEL };
        return "general protection";
    case LU_EXCP_HOST_FAULT:
        if (t->fault.signo == SIGFPE) {        /* a host divide in generated code */
            t->trapno = X86_EXCP_DE;
            *si = (LuSigInfo){ .signo = SIGFPE, .code = FPE_INTDIV, .u.addr = c->rip };
            return "divide error";
        }
        uint64_t a = t->fault.u.addr;
        bool canonical = (uint64_t)((int64_t)(a << 16) >> 16) == a;
        if (t->fault.signo == SIGSEGV && (t->fault.code == SI_KERNEL || !canonical)) {
            /* a non-canonical address: #GP on x86 (and on an x86-64 host,
             * where si_addr is 0), whatever another host says */
            t->trapno = X86_EXCP_GP;
            *si = (LuSigInfo){ .signo = SIGSEGV, .code = SI_KERNEL };
        } else if (t->fault.signo == SIGSEGV) {
            page_fault(t, si, t->fault.u.addr, (uint32_t)t->fault.err);
        } else {
            *si = t->fault;
            si->err = 0;
            t->trapno = X86_EXCP_PF;
            t->cr2 = si->u.addr;
        }
        return "";
    default:
        return NULL;
    }
}

/* Raise the signal of exception r at the current instruction. */
static void raise_exception(LuProc *p, LuThread *t, int r)
{
    LuSigInfo si;
    const char *why = exception_info(t, r, &si);
    if (!why) {
        ferry_die("unexpected exception %#x from the exec loop at rip %#llx", r,
                  (unsigned long long)t->cpu.rip);
    }
    lu_signal_sync(p, t, &si, why);
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
    LuThread *t = lu_thread_of(cpu);
    fault_init();
    lu_signal_thread_start(t);
    for (;;) {
        int r = jit_cpu_exec(e, &cpu->jit);
        if (r == X86_EXCP_SYSCALL || r == X86_EXCP_INT80) {
            (r == X86_EXCP_SYSCALL ? lu_syscall : lu_syscall_int80)(p, cpu);
            if (atomic_load_explicit(&p->exited, memory_order_acquire)) {
                return p->exit_status;
            }
            if (t->exiting) {
                return t->exit_code;
            }
        } else if (r != JIT_EXCP_INTERRUPT) {
            raise_exception(p, t, r);
        }
        lu_signal_deliver(p, t);   /* signals arrive at block boundaries */
    }
}
