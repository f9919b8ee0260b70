/*
 * signal-frame.c — the x86-64 signal frame, as arch/x86/kernel/signal*.c
 * lays it out, and delivery at block boundaries. Below the 128-byte red
 * zone (or at the top of the alternate stack) come the FP state (64-byte
 * aligned: the XSAVE area of x87|SSE with the kernel's software-reserved
 * bytes and MAGIC2 after it, or the 512-byte FXSAVE image when the CPU
 * model has no XSAVE), then
 * struct rt_sigframe at 16n - 8: the return address (sa_restorer), the
 * ucontext (uc_mcontext in struct sigcontext order) and the siginfo.
 */
#include "linux-user/signal-frame.h"

#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "frontend-x86/cpu-model.h"
#include "frontend-x86/xsave.h"
#include "linux-user/syscall-int.h"

/* struct sigcontext (arch/x86/include/uapi/asm/sigcontext.h, 64-bit). */
typedef struct LuSigcontext {
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
    uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
    uint16_t cs, gs, fs, ss;
    uint64_t err, trapno, oldmask, cr2;
    uint64_t fpstate;              /* guest address of the XSAVE/FXSAVE area */
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
#define LU_FP_XSTATE_MAGIC1  0x46505853u   /* sw bytes: an xstate frame */
#define LU_FP_XSTATE_MAGIC2  0x46505845u   /* right after the xstate area */
#define MAGIC2_SIZE          4
#define SW_BYTES             464           /* struct _fpx_sw_bytes in the legacy region */
#define UC_FP_XSTATE         1
#define USER_CS              0x33
#define USER_DS              0x2b
#define REDZONE              128
/* The EFLAGS bits sigreturn takes from the frame (the kernel's FIX_EFLAGS). */
#define FIX_EFLAGS (X86_AC | X86_OF | X86_DF | X86_TF | X86_SF | X86_ZF | X86_AF | \
                    X86_PF | X86_CF | (1u << 16))

/* ---------------------------------------------------------------------- */
/* FP state                                                                 */

/* Whether the frame holds an XSAVE area: the kernel's use_xsave(), i.e.
 * whether the CPU model advertises XSAVE (-cpu max; not v1, v2). */
static bool frame_xsave(void)
{
    return x86_cpu_model_current()->features & X86_FEAT_BIT(XSAVE);
}

/* The kernel's fpstate->user_size: what XSAVE (or FXSAVE) writes. */
static uint32_t fp_xstate_size(bool xsave)
{
    return xsave ? X86_XSAVE_AREA_SIZE : FXSAVE_SIZE;
}

/* xstate_sigframe_size(): the area plus MAGIC2 after it with XSAVE. */
static uint32_t fp_frame_size(bool xsave)
{
    return fp_xstate_size(xsave) + (xsave ? MAGIC2_SIZE : 0);
}

/* AT_MINSIGSTKSZ (LU_MINSIGSTKSZ) must hold the largest frame, which the
 * kernel's init_sigframe_size() computes as rt_sigframe + 15 of
 * alignment + the FP frame + an ia32 fsave header (112) + 64-byte
 * alignment (63), rounded up to 16. */
_Static_assert(((sizeof(LuRtSigframe) + 15 + X86_XSAVE_AREA_SIZE + MAGIC2_SIZE + 112 + 63 +
                 15) & ~15ul) <= LU_MINSIGSTKSZ,
               "AT_MINSIGSTKSZ holds ferry's largest signal frame");

/*
 * The FP state as copy_fpstate_to_sigframe() writes it at img: XSAVE with
 * RFBM = XCR0 into a zeroed header, then save_xstate_epilog(): the
 * software-reserved struct _fpx_sw_bytes (magic1, extended_size =
 * xstate size + 4, xfeatures, xstate_size), XSTATE_BV |= x87|SSE (so
 * that a handler's edits of the legacy region are restored) and MAGIC2
 * after the area. Without XSAVE: the FXSAVE image (the legacy region of
 * the same write) and the sw bytes only, as the kernel writes them.
 */
static void fp_save(const X86Cpu *cpu, uint8_t *img, bool xsave)
{
    uint8_t area[X86_XSAVE_AREA_SIZE] __attribute__((aligned(64))) = { 0 };
    uint32_t size = fp_xstate_size(xsave);
    uint32_t sw[2] = { LU_FP_XSTATE_MAGIC1, size + MAGIC2_SIZE };
    uint64_t xfeatures = X86_XCR0;

    x86_xsave_write(cpu, area, X86_XCR0, 0);
    area[X86_XSAVE_HDR] |= X86_XCR0;
    memcpy(img, area, size);
    memcpy(img + SW_BYTES, sw, sizeof(sw));
    memcpy(img + SW_BYTES + 8, &xfeatures, 8);
    memcpy(img + SW_BYTES + 16, &size, 4);
    memset(img + SW_BYTES + 20, 0, FXSAVE_SIZE - SW_BYTES - 20);
    if (xsave) {
        uint32_t magic2 = LU_FP_XSTATE_MAGIC2;
        memcpy(img + size, &magic2, 4);
    }
}

/* The FPU init state (init_fpstate): an XSAVE area whose XSTATE_BV is 0
 * initializes x87 and SSE; the standard form still loads MXCSR, 1F80H. */
static const uint8_t fp_init_area[X86_XSAVE_AREA_SIZE] = { [24] = 0x80, [25] = 0x1f };

/* The FPU init state the kernel gives a handler (and a NULL fpstate). */
static void fp_init(X86Cpu *cpu)
{
    x86_xsave_read(cpu, fp_init_area, X86_XCR0, 0);
}

/* FXRSTOR of the 512-byte image: XRSTOR of both components from it.
 * false where FXRSTOR raises #GP (alignment, reserved MXCSR bits). */
static bool fp_fxrstor(X86Cpu *cpu, const uint8_t *img, uint64_t addr)
{
    uint8_t area[X86_XSAVE_AREA_SIZE] __attribute__((aligned(64))) = { 0 };

    memcpy(area, img, FXSAVE_SIZE);
    area[X86_XSAVE_HDR] = X86_XCR0;
    return addr % 16 == 0 && x86_xsave_read(cpu, area, X86_XCR0, 0);
}

/* XRSTOR of the frame's area with RFBM = its xfeatures; components of
 * XCR0 outside them are initialized (the kernel's init_bv). false where
 * XRSTOR raises #GP, changing nothing. */
static bool fp_xrstor(X86Cpu *cpu, const uint8_t *area, uint64_t addr, uint64_t xfeatures)
{
    uint64_t rfbm = xfeatures & X86_XCR0;

    if (addr % 64 != 0 || !x86_xsave_read(cpu, area, rfbm, 0)) {
        return false;
    }
    x86_xsave_read(cpu, fp_init_area, X86_XCR0 & ~rfbm, 0);
    return true;
}

/*
 * rt_sigreturn's FP state at guest address addr, as fpu__restore_sig():
 * with XSAVE, XRSTOR when check_xstate_in_sigframe() accepts the frame
 * (magic1, an xstate_size the kernel would have written, within
 * extended_size, MAGIC2 after the area), FXRSTOR of the legacy region
 * otherwise (a program that built a legacy frame); addr 0: the init
 * state. false: unreadable frame or a faulting restore, which the kernel
 * turns into SIGSEGV.
 */
static bool fp_restore(LuProc *p, X86Cpu *cpu, uint64_t addr)
{
    if (!addr) {
        fp_init(cpu);
        return true;
    }
    const uint8_t *img = lu_gptr(p, addr, FXSAVE_SIZE, PROT_READ);
    if (!img) {
        return false;
    }
    uint32_t magic1, extended, size, magic2;
    uint64_t xfeatures;
    memcpy(&magic1, img + SW_BYTES, 4);
    memcpy(&extended, img + SW_BYTES + 4, 4);
    memcpy(&xfeatures, img + SW_BYTES + 8, 8);
    memcpy(&size, img + SW_BYTES + 16, 4);
    if (frame_xsave() && magic1 == LU_FP_XSTATE_MAGIC1 && size == X86_XSAVE_AREA_SIZE &&
        size <= extended) {
        const uint8_t *area = lu_gptr(p, addr, size + MAGIC2_SIZE, PROT_READ);
        if (!area) {
            return false;
        }
        memcpy(&magic2, area + size, 4);
        if (magic2 == LU_FP_XSTATE_MAGIC2) {
            return fp_xrstor(cpu, area, addr, xfeatures);
        }
    }
    return fp_fxrstor(cpu, img, addr);
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
 * the fpsize bytes of FP state 64-byte aligned below that, the frame
 * below at 16n - 8. Returns 0 when the frame would overflow the
 * alternate stack.
 */
static uint64_t frame_addr(const LuThread *t, const LuSigaction *act, uint64_t fpsize,
                           uint64_t *fpstate)
{
    uint64_t rsp = t->cpu.regs[X86_RSP];
    bool on_alt = lu_signal_on_altstack(t, rsp);
    bool entering = false;
    uint64_t sp = rsp - REDZONE;
    if ((act->flags & LU_SA_ONSTACK) && lu_signal_ss_flags(t, sp) == 0) {
        sp = t->altstack[0] + t->altstack[2];
        entering = true;
    }
    sp = (sp - fpsize) & ~(uint64_t)63;
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
    bool xsave = frame_xsave();
    uint64_t fpaddr, fpsize = fp_frame_size(xsave);
    uint64_t addr = frame_addr(t, act, fpsize, &fpaddr);
    if (!addr || !(act->flags & LU_SA_RESTORER)) {
        return false;              /* x86-64 requires SA_RESTORER */
    }
    LuRtSigframe *f = lu_gptr(p, addr, fpaddr + fpsize - addr, PROT_WRITE);
    if (!f) {
        return false;
    }
    fp_save(c, (uint8_t *)f + (fpaddr - addr), xsave);
    f->pretcode = act->restorer;
    f->uc.uc_flags = UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS | (xsave ? UC_FP_XSTATE : 0);
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
    if (!f || !fp_restore(p, c, f->uc.mc.fpstate)) {
        lu_signal_die(p, SIGSEGV, c->rip, "bad rt_sigreturn frame");
    }
    LuUcontext uc = f->uc;
    load_regs(c, &uc.mc);
    lu_signal_set_altstack(t, c->regs[X86_RSP], uc.ss_sp, (uint32_t)uc.ss_flags, uc.ss_size);
    t->restart_kind = 0;
    lu_signal_set_mask(t, uc.sigmask);
}
