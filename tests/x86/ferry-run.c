/*
 * ferry-run.c — runs oracle snippets under ferry: an X86Cpu in user-memory
 * mode with guest_base 0, so the snippet, data buffer and stack of the
 * native arena are the guest's memory as they are. A ud2 after the
 * snippet marks completion. Translations are flushed before every run:
 * each snippet reuses the same address.
 */
#include "config.h"

#include "tests/x86/ferry-run.h"

#include <string.h>
#include <urcu.h>

#include "frontend-x86/translate.h"
#include "jit/engine.h"

struct XtFerry {
    JitEngine *engine;
    X86Cpu *cpu;
};

const char *const xt_ferry_backends[] = {
    "interp",
#ifdef FERRY_NATIVE_X86_64
    "x86_64",
#endif
    NULL,
};

/* Bytes of guest code the current run may fetch: the snippet and its ud2. */
static size_t code_len;

static size_t fetch(JitCpu *cpu, uint64_t addr, uint8_t *buf, size_t len)
{
    uint64_t start = (uint64_t)(uintptr_t)xt_snippet;
    (void)cpu;
    if (addr < start || addr >= start + code_len) {
        return 0;
    }
    size_t n = start + code_len - addr;
    n = n < len ? n : len;
    memcpy(buf, (const void *)(uintptr_t)addr, n);
    return n;
}

void xt_ferry_set_max_insns(unsigned n)
{
    x86_tr_config.max_insns = n;
}

XtFerry *xt_ferry_new(const char *backend)
{
    static bool rcu_done;
    JitBackend *be = NULL;

    if (strcmp(backend, "interp") == 0) {
        be = &jit_backend_interp;
    }
#ifdef FERRY_NATIVE_X86_64
    if (strcmp(backend, "x86_64") == 0) {
        be = &jit_backend_x86_64;
    }
#endif
    if (!be) {
        return NULL;
    }
    if (!rcu_done) {
        rcu_register_thread();
        rcu_done = true;
    }
    x86_tr_config.fetch = fetch;
    x86_tr_config.user_mode = true;

    XtFerry *f = g_new0(XtFerry, 1);
    f->engine = jit_engine_new(be, &x86_translator, 4 << 20, JIT_WX_AUTO);
    f->cpu = g_malloc0(sizeof(X86Cpu));
    f->cpu->jit.mem_mode = JIT_MEM_USER;
    f->cpu->jit.guest_base = 0;
    jit_cpu_register(f->engine, &f->cpu->jit);
    return f;
}

void xt_ferry_log_unimp(XtFerry *f, bool on)
{
    if (on) {
        f->engine->log_mask |= JIT_LOG_UNIMP;
    } else {
        f->engine->log_mask &= ~(unsigned)JIT_LOG_UNIMP;
    }
}

static void load_cpu(X86Cpu *cpu, const XtState *in)
{
    /* Reset everything after the JitCpu header, keep the header. */
    memset((uint8_t *)cpu + sizeof(JitCpu), 0, sizeof(*cpu) - sizeof(JitCpu));
    memcpy(cpu->regs, in->regs, sizeof(cpu->regs));
    cpu->rip = (uint64_t)(uintptr_t)xt_snippet;
    cpu->mxcsr = 0x1f80;
    x87_reset(cpu);
    cpu->seg_sel[1] = 0x33;            /* Linux x86-64 user CS (FNSTENV shows it) */
    cpu->seg_sel[2] = 0x2b;            /* and SS (MOV r, SS shows it) */
    x86_cpu_set_eflags(cpu, (in->rflags & (XT_OSZAPC | XT_DF)) | 0x202);
    cpu->jit.exception = -1;
}

static XtOutcome outcome_of(int excp, bool at_end)
{
    switch (excp) {
    case X86_EXCP_UD: return at_end ? XT_DONE : XT_FAULT_UD;
    case X86_EXCP_DE: case X86_EXCP_MF: return XT_FAULT_DE;   /* both SIGFPE */
    case X86_EXCP_GP: case X86_EXCP_PF: return XT_FAULT_SEGV;
    case X86_EXCP_BP: case X86_EXCP_DB: return XT_FAULT_TRAP;
    default: return XT_FAULT_OTHER;
    }
}

void xt_ferry_run(XtFerry *f, const uint8_t *code, size_t len, const XtState *in,
                  XtResult *out, int *excp)
{
    X86Cpu *cpu = f->cpu;
    uint64_t start = (uint64_t)(uintptr_t)xt_snippet;
    int rc;

    memcpy(xt_snippet, code, len);
    xt_snippet[len] = 0x0f;                           /* ud2: the end marker */
    xt_snippet[len + 1] = 0x0b;
    code_len = len + 2;
    jit_tb_flush(f->engine);
    xt_arena_load(in);
    load_cpu(cpu, in);
    do {
        rc = jit_cpu_exec(f->engine, &cpu->jit);
    } while (rc == JIT_EXCP_INTERRUPT);

    memset(out, 0, sizeof(*out));
    memcpy(out->st.regs, cpu->regs, sizeof(cpu->regs));
    out->st.rflags = x86_cpu_get_eflags(cpu);
    out->st.x87.fcw = cpu->fpu.fcw;
    out->st.x87.fsw = x87_get_fsw(cpu);
    out->st.x87.ftw = x87_get_ftw(cpu);
    for (unsigned i = 0; i < 8; i++) {
        const Sf80 *v = &cpu->fpu.st[(cpu->fpu.top + i) & 7];
        memcpy(out->st.x87.st[i], &v->mant, 8);
        memcpy(out->st.x87.st[i] + 8, &v->se, 2);
    }
    out->outcome = outcome_of(rc, cpu->rip == start + len);
    out->fault_off = out->outcome == XT_DONE ? 0 : cpu->rip - start;
    xt_arena_save(&out->st);
    *excp = rc;
}
