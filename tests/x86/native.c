/*
 * native.c — runs x86-64 snippets on the host CPU for the oracle. The
 * snippet is copied into an RWX page between a prologue that loads every
 * GPR and the flags (popfq) from the input state and an epilogue that
 * stores them back (pushfq); faults are caught with sigsetjmp/siglongjmp
 * and the register state at the faulting instruction is taken from the
 * signal's ucontext.
 */
#include "tests/x86/native.h"

#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include "jit/fatal.h"

uint8_t *xt_snippet;
uint8_t *xt_data;
uint8_t *xt_stack;

static uint8_t *code_area;        /* RWX: prologue, snippet, epilogue */
#define CODE_AREA_SIZE 8192
#define SNIPPET_OFFSET 1024       /* the prologue ends right here */

/* What the generated prologue/epilogue read and write (absolute addresses
 * are baked into the code). Touched only by the one test thread. */
static struct {
    uint64_t host_rsp;
    uint64_t flags_in;
    uint64_t flags_out;
    uint64_t out[16];
    uint8_t fsave[108];           /* FNSAVE image (x87) */
} ctl;

static sigjmp_buf native_env;
static volatile sig_atomic_t in_native;
static volatile sig_atomic_t caught_sig;
static ucontext_t caught_uc;
static struct _libc_fpstate caught_fp;   /* fpregs points into the signal frame */

const char *xt_outcome_name(XtOutcome o)
{
    static const char *const names[] = { "done", "#DE", "#UD", "#GP/#PF", "#BP/#DB",
                                         "other" };
    return o <= XT_FAULT_OTHER ? names[o] : "?";
}

/* ---------------------------------------------------------------------- */
/* Arena and signals                                                       */

static void on_signal(int sig, siginfo_t *si, void *ucv)
{
    (void)si;
    if (!in_native) {
        /* Not ours (a crash in ferry or the test): die the usual way. */
        signal(sig, SIG_DFL);
        return;
    }
    in_native = 0;
    caught_sig = sig;
    memcpy(&caught_uc, ucv, sizeof(caught_uc));
    memcpy(&caught_fp, caught_uc.uc_mcontext.fpregs, sizeof(caught_fp));   /* x87 */
    siglongjmp(native_env, 1);
}

static void install_handlers(void)
{
    static uint8_t altstack[1 << 16];
    stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) };
    struct sigaction sa = { .sa_sigaction = on_signal, .sa_flags = SA_SIGINFO | SA_ONSTACK };
    const int sigs[] = { SIGFPE, SIGILL, SIGSEGV, SIGBUS, SIGTRAP };

    /* The snippet's rsp points into the small test stack: handle on our own. */
    if (sigaltstack(&ss, NULL) != 0) {
        ferry_die("sigaltstack failed");
    }
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
        sigaction(sigs[i], &sa, NULL);
    }
}

void xt_arena_init(void)
{
    /* guard | code (2 pages) | guard | data | guard | stack | guard */
    size_t pg = 4096, total = 9 * pg;
    /* A fixed address when free, so that reproducers (which may compute
     * with the buffer addresses) give the same values in every run. */
    uint8_t *base = mmap((void *)0x5a5a0000000ull, total, PROT_NONE,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

    if (base == MAP_FAILED) {
        base = mmap(NULL, total, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    }
    if (base == MAP_FAILED) {
        ferry_die("cannot map the oracle arena");
    }
    code_area = base + pg;
    xt_data = base + 4 * pg;
    xt_stack = base + 6 * pg;
    if (mprotect(code_area, CODE_AREA_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC) != 0 ||
        mprotect(xt_data, pg, PROT_READ | PROT_WRITE) != 0 ||
        mprotect(xt_stack, pg, PROT_READ | PROT_WRITE) != 0) {
        ferry_die("cannot set the oracle arena's protections");
    }
    xt_snippet = code_area + SNIPPET_OFFSET;
    install_handlers();
}

void xt_state_init(XtState *st)
{
    memset(st, 0, sizeof(*st));
    st->regs[3] = XT_DATA_PTR;
    st->regs[4] = XT_STACK_PTR;
}

void xt_arena_load(const XtState *st)
{
    memcpy(xt_data, st->data, XT_DATA_SIZE);
    memcpy(xt_stack, st->stack, XT_STACK_SIZE);
}

void xt_arena_save(XtState *st)
{
    memcpy(st->data, xt_data, XT_DATA_SIZE);
    memcpy(st->stack, xt_stack, XT_STACK_SIZE);
}

/* ---------------------------------------------------------------------- */
/* Prologue and epilogue                                                   */

typedef struct Emit {
    uint8_t *p;
} Emit;

static void b(Emit *e, unsigned byte) { *e->p++ = (uint8_t)byte; }

static void imm64(Emit *e, uint64_t v)
{
    memcpy(e->p, &v, 8);
    e->p += 8;
}

/* movabs r64, imm (does not touch the flags) */
static void movabs(Emit *e, unsigned reg, uint64_t v)
{
    b(e, 0x48 | (reg >> 3));
    b(e, 0xb8 + (reg & 7));
    imm64(e, v);
}

static uint64_t addr(const void *p) { return (uint64_t)(uintptr_t)p; }

/* Loads in->regs and the flags; ends exactly at xt_snippet. Returns its start. */
static uint8_t *gen_prologue(const XtState *in)
{
    uint8_t buf[512];
    Emit e = { buf };
    static const uint8_t saves[] = { 0x53, 0x55, 0x41, 0x54, 0x41, 0x55, 0x41, 0x56,
                                     0x41, 0x57 };   /* push rbx rbp r12-r15 */

    memcpy(e.p, saves, sizeof(saves));
    e.p += sizeof(saves);
    /* FNINIT with every physical register +0, as ferry-run's zeroed CPU
     * (FNINIT keeps register contents, which FXAM and FNSAVE reveal). */
    b(&e, 0xdb); b(&e, 0xe3);                        /* fninit */
    for (unsigned i = 0; i < 8; i++) {
        b(&e, 0xd9); b(&e, 0xee);                    /* fldz */
    }
    b(&e, 0xdb); b(&e, 0xe3);                        /* fninit */
    /* SSE as ferry-run's CPU: xmm0-15 zero, MXCSR 1F80H (XSAVE shows them) */
    for (unsigned i = 0; i < 16; i++) {
        b(&e, 0x66);
        if (i >= 8) {
            b(&e, 0x45);
        }
        b(&e, 0x0f); b(&e, 0xef); b(&e, 0xc0 | (i & 7) << 3 | (i & 7));   /* pxor xmmi, xmmi */
    }
    b(&e, 0x68); b(&e, 0x80); b(&e, 0x1f); b(&e, 0); b(&e, 0);   /* push 0x1f80 */
    b(&e, 0x0f); b(&e, 0xae); b(&e, 0x14); b(&e, 0x24);   /* ldmxcsr [rsp] */
    b(&e, 0x58);                                     /* pop rax */
    movabs(&e, 0, addr(&ctl.host_rsp));
    b(&e, 0x48); b(&e, 0x89); b(&e, 0x20);           /* mov [rax], rsp */
    movabs(&e, 0, addr(&ctl.flags_in));
    b(&e, 0x48); b(&e, 0x89); b(&e, 0xc4);           /* mov rsp, rax */
    b(&e, 0x9d);                                     /* popfq */
    movabs(&e, 4, in->regs[4]);
    for (unsigned r = 0; r < 16; r++) {
        if (r != 4) {
            movabs(&e, r, in->regs[r]);
        }
    }
    size_t n = (size_t)(e.p - buf);
    memcpy(xt_snippet - n, buf, n);
    return xt_snippet - n;
}

/* Stores every GPR and the flags into ctl, then returns to the caller. */
static void gen_epilogue(uint8_t *at)
{
    Emit e = { at };
    static const uint8_t restores[] = { 0x41, 0x5f, 0x41, 0x5e, 0x41, 0x5d, 0x41, 0x5c,
                                        0x5d, 0x5b, 0xc3 };   /* pop r15-r12 rbp rbx; ret */

    b(&e, 0x48); b(&e, 0xa3); imm64(&e, addr(&ctl.out[0]));   /* mov [moffs], rax */
    b(&e, 0x48); b(&e, 0x89); b(&e, 0xe0);                    /* mov rax, rsp */
    b(&e, 0x48); b(&e, 0xa3); imm64(&e, addr(&ctl.out[4]));
    movabs(&e, 0, addr(&ctl.flags_out) + 8);
    b(&e, 0x48); b(&e, 0x89); b(&e, 0xc4);                    /* mov rsp, rax */
    b(&e, 0x9c);                                              /* pushfq */
    b(&e, 0xfc);                                              /* cld: C needs DF=0 */
    movabs(&e, 0, addr(&ctl.out[0]));
    for (unsigned r = 1; r < 16; r++) {
        if (r != 4) {
            b(&e, 0x48 | ((r >> 3) << 2));                    /* REX.W + REX.R */
            b(&e, 0x89);                                      /* mov [rax+8*r], r */
            b(&e, 0x40 | ((r & 7) << 3));
            b(&e, 8 * r);
        }
    }
    movabs(&e, 0, addr(ctl.fsave));
    b(&e, 0xdd); b(&e, 0x30);                                 /* fnsave [rax] */
    movabs(&e, 0, addr(&ctl.host_rsp));
    b(&e, 0x48); b(&e, 0x8b); b(&e, 0x20);                    /* mov rsp, [rax] */
    memcpy(e.p, restores, sizeof(restores));
}

/* ---------------------------------------------------------------------- */
/* Running                                                                 */

static void state_from_ucontext(XtState *st, const ucontext_t *uc)
{
    static const int map[16] = { REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP,
                                 REG_RSI, REG_RDI, REG_R8, REG_R9, REG_R10, REG_R11,
                                 REG_R12, REG_R13, REG_R14, REG_R15 };
    for (int r = 0; r < 16; r++) {
        st->regs[r] = (uint64_t)uc->uc_mcontext.gregs[map[r]];
    }
    st->rflags = (uint64_t)uc->uc_mcontext.gregs[REG_EFL];
}

/* The x87 state from an FNSAVE image (32-bit format). */
static void x87_from_fsave(XtX87 *x, const uint8_t *img)
{
    memcpy(&x->fcw, img, 2);
    memcpy(&x->fsw, img + 4, 2);
    memcpy(&x->ftw, img + 8, 2);
    for (unsigned i = 0; i < 8; i++) {
        memcpy(x->st[i], img + 28 + 10 * i, 10);
    }
}

/* The x87 state at a signal (FXSAVE layout: abridged tags, physical
 * registers in ST order); the full tag word is rebuilt from the contents. */
static void x87_from_fpstate(XtX87 *x, const struct _libc_fpstate *fp)
{
    x->fcw = fp->cwd;
    x->fsw = fp->swd;
    x->ftw = 0;
    unsigned top = (fp->swd >> 11) & 7;
    for (unsigned i = 0; i < 8; i++) {
        memcpy(x->st[i], fp->_st[i].significand, 8);
        memcpy(x->st[i] + 8, &fp->_st[i].exponent, 2);
    }
    for (unsigned p = 0; p < 8; p++) {
        const uint8_t *v = x->st[(p - top) & 7];
        uint16_t se;
        uint64_t m;
        memcpy(&m, v, 8);
        memcpy(&se, v + 8, 2);
        unsigned e = se & 0x7fff, tag;
        if (!((fp->ftw >> p) & 1)) {
            tag = 3;
        } else if (e == 0) {
            tag = m == 0 ? 1 : 2;
        } else {
            tag = e == 0x7fff || !(m >> 63) ? 2 : 0;
        }
        x->ftw |= (uint16_t)(tag << (2 * p));
    }
}

static XtOutcome outcome_of(int sig)
{
    switch (sig) {
    case SIGFPE: return XT_FAULT_DE;
    case SIGILL: return XT_FAULT_UD;
    case SIGSEGV: case SIGBUS: return XT_FAULT_SEGV;
    case SIGTRAP: return XT_FAULT_TRAP;
    default: return XT_FAULT_OTHER;
    }
}

void xt_native_run(const uint8_t *code, size_t len, const XtState *in, XtResult *out)
{
    if (len > XT_MAX_CODE) {
        ferry_die("snippet of %zu bytes is too long", len);
    }
    uint8_t *entry = gen_prologue(in);
    memcpy(xt_snippet, code, len);
    gen_epilogue(xt_snippet + len);
    ctl.flags_in = (in->rflags & (XT_OSZAPC | XT_DF)) | 0x202;
    xt_arena_load(in);

    memset(out, 0, sizeof(*out));
    if (sigsetjmp(native_env, 1) == 0) {
        in_native = 1;
        ((void (*)(void))entry)();
        in_native = 0;
        memcpy(out->st.regs, ctl.out, sizeof(ctl.out));
        out->st.rflags = ctl.flags_out;
        x87_from_fsave(&out->st.x87, ctl.fsave);
        out->outcome = XT_DONE;
    } else {
        state_from_ucontext(&out->st, &caught_uc);
        x87_from_fpstate(&out->st.x87, &caught_fp);
        out->outcome = outcome_of(caught_sig);
        out->fault_off = (uint64_t)caught_uc.uc_mcontext.gregs[REG_RIP] - addr(xt_snippet);
    }
    xt_arena_save(&out->st);
}
