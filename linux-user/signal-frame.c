/*
 * signal-frame.c — the x86-64 signal frame, as arch/x86/kernel/signal*.c
 * lays it out, and delivery at block boundaries. Below the 128-byte red
 * zone (or at the top of the alternate stack) come the FP state (512-byte
 * FXSAVE image, 64-byte aligned, with the kernel's software-reserved
 * bytes: LU_FP_XSTATE_MAGIC1 but no MAGIC2, as on a CPU without XSAVE), then
 * struct rt_sigframe at 16n - 8: the return address (sa_restorer), the
 * ucontext (uc_mcontext in struct sigcontext order) and the siginfo.
 */
#include "linux-user/signal-frame.h"

#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "linux-user/syscall-int.h"

/* struct sigcontext (arch/x86/include/uapi/asm/sigcontext.h, 64-bit). */
typedef struct LuSigcontext {
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
    uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
    uint16_t cs, gs, fs, ss;
    uint64_t err, trapno, oldmask, cr2;
    uint64_t fpstate;              /* guest address of the FXSAVE image */
    uint64_t reserved1[8];
} LuSigcontext;

/* The kernel's struct ucontext (its uc_sigmask is one word). */
typedef struct LuUcontext {
    uint64_t uc_flags, uc_link;
    uint64_t ss_sp;
    int32_t ss_flags, ss_pad;
    uint64_t ss_size;
    LuSigcontext mc;
    uint64_t sigmask;
} LuUcontext;

typedef struct LuRtSigframe {
    uint64_t pretcode;             /* the handler returns to sa_restorer */
    LuUcontext uc;
    LuSigInfo info;
} LuRtSigframe;

_Static_assert(sizeof(LuSigcontext) == 256, "struct sigcontext");
_Static_assert(offsetof(LuUcontext, mc) == 40, "uc_mcontext");
_Static_assert(sizeof(LuRtSigframe) == 440, "struct rt_sigframe");

#define UC_SIGCONTEXT_SS     2
#define UC_STRICT_RESTORE_SS 4
#define FXSAVE_SIZE          512
#define LU_FP_XSTATE_MAGIC1     0x46505853u
#define USER_CS              0x33
#define USER_DS              0x2b
#define REDZONE              128
/* The EFLAGS bits sigreturn takes from the frame (the kernel's FIX_EFLAGS). */
#define FIX_EFLAGS (X86_AC | X86_OF | X86_DF | X86_TF | X86_SF | X86_ZF | X86_AF | \
                    X86_PF | X86_CF | (1u << 16))

/* ---------------------------------------------------------------------- */
/* FP state                                                                 */

static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }

/* The FXSAVE image of cpu's x87/SSE state, with the software-reserved
 * bytes (464..511) the kernel writes when the state is only legacy:
 * magic1, extended_size (512 + the 4 of MAGIC2), xfeatures x87|SSE,
 * xstate_size 512. */
static void fp_save(const X86Cpu *cpu, uint8_t img[FXSAVE_SIZE])
{
    memset(img, 0, FXSAVE_SIZE);
    x87_state_to_fxsave(cpu, img);
    put32(img + 24, cpu->mxcsr);
    put32(img + 28, 0xffff);       /* MXCSR_MASK, as ferry's FXSAVE reports */
    memcpy(img + 160, cpu->xmm, 16 * 16);
    put32(img + 464, LU_FP_XSTATE_MAGIC1);
    put32(img + 468, FXSAVE_SIZE + 4);
    uint64_t xfeatures = 3;
    memcpy(img + 472, &xfeatures, 8);
    put32(img + 480, FXSAVE_SIZE);
}

static void fp_restore(X86Cpu *cpu, const uint8_t img[FXSAVE_SIZE])
{
    x87_state_from_fxsave(cpu, img);
    uint32_t mxcsr;
    memcpy(&mxcsr, img + 24, 4);
    cpu->mxcsr = mxcsr & 0xffff;
    memcpy(cpu->xmm, img + 160, 16 * 16);
}

/* The FPU init state the kernel gives a handler (and a NULL fpstate). */
static void fp_init(X86Cpu *cpu)
{
    x87_reset(cpu);
    cpu->mxcsr = 0x1f80;
    memset(cpu->xmm, 0, sizeof(cpu->xmm));
}

/* ---------------------------------------------------------------------- */
/* Building the frame                                                       */

static void save_regs(LuSigcontext *sc, const X86Cpu *c)
{
    const uint64_t *r = c->regs;
    sc->r8 = r[X86_R8]; sc->r9 = r[X86_R9]; sc->r10 = r[X86_R10]; sc->r11 = r[X86_R11];
    sc->r12 = r[X86_R12]; sc->r13 = r[X86_R13]; sc->r14 = r[X86_R14]; sc->r15 = r[X86_R15];
    sc->rdi = r[X86_RDI]; sc->rsi = r[X86_RSI]; sc->rbp = r[X86_RBP]; sc->rbx = r[X86_RBX];
    sc->rdx = r[X86_RDX]; sc->rax = r[X86_RAX]; sc->rcx = r[X86_RCX]; sc->rsp = r[X86_RSP];
    sc->rip = c->rip;
    sc->eflags = x86_cpu_get_eflags(c);
}

static void load_regs(X86Cpu *c, const LuSigcontext *sc)
{
    uint64_t *r = c->regs;
    r[X86_R8] = sc->r8; r[X86_R9] = sc->r9; r[X86_R10] = sc->r10; r[X86_R11] = sc->r11;
    r[X86_R12] = sc->r12; r[X86_R13] = sc->r13; r[X86_R14] = sc->r14; r[X86_R15] = sc->r15;
    r[X86_RDI] = sc->rdi; r[X86_RSI] = sc->rsi; r[X86_RBP] = sc->rbp; r[X86_RBX] = sc->rbx;
    r[X86_RDX] = sc->rdx; r[X86_RAX] = sc->rax; r[X86_RCX] = sc->rcx; r[X86_RSP] = sc->rsp;
    c->rip = sc->rip;
    uint64_t f = x86_cpu_get_eflags(c);
    x86_cpu_set_eflags(c, (f & ~(uint64_t)FIX_EFLAGS) | (sc->eflags & FIX_EFLAGS));
}

/*
 * Where the frame goes (the kernel's get_sigframe): below the red zone,
 * or at the top of the alternate stack for SA_ONSTACK when not on it yet;
 * the FP image 64-byte aligned below that, the frame below at 16n - 8.
 * Returns 0 when the frame would overflow the alternate stack.
 */
static uint64_t frame_addr(const LuThread *t, const LuSigaction *act, uint64_t *fpstate)
{
    uint64_t rsp = t->cpu.regs[X86_RSP];
    bool on_alt = lu_signal_on_altstack(t, rsp);
    bool entering = false;
    uint64_t sp = rsp - REDZONE;
    if ((act->flags & LU_SA_ONSTACK) && lu_signal_ss_flags(t, sp) == 0) {
        sp = t->altstack[0] + t->altstack[2];
        entering = true;
    }
    sp = (sp - FXSAVE_SIZE) & ~(uint64_t)63;
    *fpstate = sp;
    sp -= sizeof(LuRtSigframe);
    sp = (sp & ~(uint64_t)15) - 8;
    /* the kernel's __on_sig_stack: the range alone, even with SS_AUTODISARM */
    bool in_range = sp > t->altstack[0] && sp - t->altstack[0] <= t->altstack[2];
    if ((on_alt || entering) && !in_range) {
        return 0;
    }
    return sp;
}

/* Build the frame for sig and point t at the handler; false when the
 * frame cannot be written (the caller kills the process with SIGSEGV). */
static bool setup_frame(LuProc *p, LuThread *t, int sig, const LuSigInfo *info,
                        const LuSigaction *act, uint64_t oldmask)
{
    X86Cpu *c = &t->cpu;
    uint64_t fpaddr;
    uint64_t addr = frame_addr(t, act, &fpaddr);
    if (!addr || !(act->flags & LU_SA_RESTORER)) {
        return false;              /* x86-64 requires SA_RESTORER */
    }
    LuRtSigframe *f = lu_gptr(p, addr, fpaddr + FXSAVE_SIZE - addr, PROT_WRITE);
    if (!f) {
        return false;
    }
    uint8_t *img = (uint8_t *)f + (fpaddr - addr);
    fp_save(c, img);
    f->pretcode = act->restorer;
    f->uc.uc_flags = UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS;
    f->uc.uc_link = 0;
    f->uc.ss_sp = t->altstack[0];
    f->uc.ss_flags = (int32_t)t->altstack[1];   /* the flags as set, like the kernel */
    f->uc.ss_pad = 0;
    f->uc.ss_size = t->altstack[2];
    if (t->altstack[1] & LU_SS_AUTODISARM) {
        t->altstack[0] = t->altstack[2] = 0;
        t->altstack[1] = LU_SS_DISABLE;
    }
    LuSigcontext *sc = &f->uc.mc;
    save_regs(sc, c);
    sc->cs = USER_CS;
    sc->gs = sc->fs = 0;
    sc->ss = USER_DS;
    sc->err = t->error_code;
    sc->trapno = t->trapno;
    sc->oldmask = oldmask;
    sc->cr2 = t->cr2;
    sc->fpstate = fpaddr;
    memset(sc->reserved1, 0, sizeof(sc->reserved1));
    f->uc.sigmask = oldmask;
    if (act->flags & LU_SA_SIGINFO) {
        f->info = *info;
    }

    c->regs[X86_RDI] = (uint64_t)sig;
    c->regs[X86_RAX] = 0;
    c->regs[X86_RSI] = addr + offsetof(LuRtSigframe, info);
    c->regs[X86_RDX] = addr + offsetof(LuRtSigframe, uc);
    c->regs[X86_RSP] = addr;
    c->rip = act->handler;
    uint64_t fl = x86_cpu_get_eflags(c) & ~(uint64_t)(X86_DF | X86_TF | (1u << 16));
    x86_cpu_set_eflags(c, fl);
    fp_init(c);
    return true;
}

/* ---------------------------------------------------------------------- */
/* Delivery                                                                 */

/* An interrupted syscall, settled before the first handler frame saves
 * the registers (handler != NULL) or when no handler runs. */
static void settle_restart(LuThread *t, const LuSigaction *handler)
{
    X86Cpu *c = &t->cpu;
    if (!t->restart_kind) {
        return;
    }
    if (handler && t->restart_kind != LU_RESTART_NOINTR &&
        (t->restart_kind == LU_RESTART_NOHAND || !(handler->flags & LU_SA_RESTART))) {
        c->regs[X86_RAX] = (uint64_t)-EINTR;
    } else {
        c->rip -= 2;               /* the syscall instruction again */
        c->regs[X86_RAX] = t->restart_nr;
    }
    t->restart_kind = 0;
}

/* The disposition of sig, applying SA_RESETHAND for a handler about to run. */
static LuSigaction take_action(LuProc *p, int sig)
{
    pthread_mutex_lock(&p->lock);
    LuSigaction act = p->sigact[sig];
    if (act.handler > 1 && (act.flags & LU_SA_RESETHAND)) {
        p->sigact[sig].handler = 0;
        lu_signal_host_action(p, sig);
    }
    pthread_mutex_unlock(&p->lock);
    return act;
}

/* Run a handler for sig: frame, then the handler's mask. */
static void run_handler(LuProc *p, LuThread *t, int sig, const LuSigInfo *info,
                        const LuSigaction *act)
{
    if (p->strace) {
        const char *name = sigabbrev_np(sig);
        fprintf(p->log, "%d --- SIG%s {si_signo=%d, si_code=%d} ---\n", t->tid,
                name ? name : "?", sig, info->code);
        fflush(p->log);
    }
    settle_restart(t, act);
    uint64_t oldmask = t->restore_sigmask ? t->saved_sigmask : t->sigmask;
    t->restore_sigmask = false;
    if (!setup_frame(p, t, sig, info, act, oldmask)) {
        lu_signal_die(p, SIGSEGV, t->cpu.rip, "cannot write the signal frame");
    }
    t->sigmask = oldmask | act->mask | ((act->flags & LU_SA_NODEFER) ? 0 : LU_SIGBIT(sig));
}

/* SIG_DFL for a signal that reached the queue (its host disposition was
 * ours when it arrived, or it is one ferry keeps). */
static void default_action(LuProc *p, LuThread *t, int sig)
{
    if (lu_signal_default_ignores(sig)) {
        return;
    }
    if (lu_signal_default_stops(sig)) {
        kill(getpid(), SIGSTOP);
        return;
    }
    lu_signal_die(p, sig, t->cpu.rip, NULL);
}

void lu_signal_deliver(LuProc *p, LuThread *t)
{
    if (!atomic_load(&t->sig_pending) && !t->restart_kind && !t->restore_sigmask) {
        return;
    }
    sigset_t old;
    lu_signal_block_all(&old);
    LuSigInfo info;
    int sig;
    while ((sig = lu_signal_dequeue(t, &info)) != 0) {
        LuSigaction act = take_action(p, sig);
        if (act.handler == 0) {
            default_action(p, t, sig);
        } else if (act.handler != 1) {
            run_handler(p, t, sig, &info, &act);
        }
    }
    settle_restart(t, NULL);
    if (t->restore_sigmask) {
        t->restore_sigmask = false;
        t->sigmask = t->saved_sigmask;
    }
    lu_signal_set_mask(t, t->sigmask);
}

void lu_signal_sync(LuProc *p, LuThread *t, const LuSigInfo *info, const char *why)
{
    int sig = info->signo;
    LuSigaction act = take_action(p, sig);
    if (act.handler <= 1 || (t->sigmask & LU_SIGBIT(sig))) {
        /* blocked or ignored: the kernel forces the default action */
        lu_signal_die(p, sig, t->cpu.rip, why ? why : "");
    }
    sigset_t old;
    lu_signal_block_all(&old);
    run_handler(p, t, sig, info, &act);
    lu_signal_set_mask(t, t->sigmask);
}

void lu_sigreturn(LuProc *p, LuThread *t)
{
    X86Cpu *c = &t->cpu;
    uint64_t addr = c->regs[X86_RSP] - 8;
    const LuRtSigframe *f = lu_gptr(p, addr, sizeof(*f), PROT_READ);
    const uint8_t *img = NULL;
    if (!f || (f->uc.mc.fpstate &&
               !(img = lu_gptr(p, f->uc.mc.fpstate, FXSAVE_SIZE, PROT_READ)))) {
        lu_signal_die(p, SIGSEGV, c->rip, "bad rt_sigreturn frame");
    }
    LuUcontext uc = f->uc;
    load_regs(c, &uc.mc);
    if (img) {
        fp_restore(c, img);
    } else {
        fp_init(c);
    }
    lu_signal_set_altstack(t, c->regs[X86_RSP], uc.ss_sp, (uint32_t)uc.ss_flags, uc.ss_size);
    t->restart_kind = 0;
    lu_signal_set_mask(t, uc.sigmask);
}
