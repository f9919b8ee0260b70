/*
 * harness.c — the test machine of harness.h: globals, helpers, test TLB and
 * MMIO device, the hooks the exec layer normally provides (restore state,
 * lookup_tb) and a translate-and-run function over any backend. The test
 * programs are single-threaded; the run state below is per process.
 */
#include "tests/ir/harness.h"

#include <glib.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "jit/fatal.h"
#include "jit/opt.h"
#include "jit/softmmu.h"

/* ---------------------------------------------------------------------- */
/* Backends                                                                */

/*
 * "interp+opt" runs the optimizer (jit/opt.h) first: the same expected
 * values then check opt_run's folding and dead-code removal too.
 */
const TestBackend th_backends[] = {
    { "interp", &jit_backend_interp, NULL },
    { "interp+opt", &jit_backend_interp, opt_run },
#ifdef FERRY_TEST_X86_64
    { "x86_64", &jit_backend_x86_64, opt_run },   /* needs liveness's dead/sync */
#endif
#ifdef FERRY_TEST_ARM64
    { "arm64", &jit_backend_arm64, opt_run },
#endif
#ifdef FERRY_TEST_LOONGARCH64
    { "loongarch64", &jit_backend_loongarch64, opt_run },
#endif
};
const unsigned th_nb_backends = sizeof(th_backends) / sizeof(th_backends[0]);

/* ---------------------------------------------------------------------- */
/* Globals and helpers                                                     */

void th_register_globals(IrContext *ctx)
{
    char name[16];

    for (unsigned i = 0; i < TH_NB_R; i++) {
        snprintf(name, sizeof(name), "r%u", i);
        ir_global_new(ctx, IR_I64, offsetof(TestCpu, r) + 8 * i, name);
    }
    for (unsigned i = 0; i < TH_NB_W; i++) {
        snprintf(name, sizeof(name), "w%u", i);
        ir_global_new(ctx, IR_I32, offsetof(TestCpu, w) + 4 * i, name);
    }
    for (unsigned i = 0; i < TH_NB_V; i++) {
        snprintf(name, sizeof(name), "v%u", i);
        ir_global_new(ctx, IR_V128, offsetof(TestCpu, v) + 16 * i, name);
    }
    ir_global_new(ctx, IR_I64, offsetof(TestCpu, tbsel), "tbsel");
}

/* h_add3(a, b, c) = a + 2b + 3c: distinguishes every argument position. */
static uint64_t h_add3(uint64_t a, uint64_t b, uint64_t c)
{
    return a + 2 * b + 3 * c;
}

/* h_mix32(a, b) = a ^ (b >> 16), truncated to 32 bits. */
static uint32_t h_mix32(uint32_t a, uint64_t b)
{
    return a ^ (uint32_t)(b >> 16);
}

/* h_sum6(a..f) = a + 2b + 3c + 4d + 5e + 6f. */
static uint64_t h_sum6(uint64_t a, uint64_t b, uint64_t c, uint64_t d, uint64_t e, uint64_t f)
{
    return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f;
}

/* h_set_r0(env, v): r0 = v, from C (a helper that writes a global). */
static void h_set_r0(uint64_t env, uint64_t v)
{
    ((TestCpu *)(uintptr_t)env)->r[0] = v;
}

static void th_raise(JitCpu *c, int exc, uint64_t addr, uintptr_t ra);

/* h_fault(env, addr): raise the page fault at addr from a helper. */
static void h_fault(uint64_t env, uint64_t addr)
{
    th_raise((JitCpu *)(uintptr_t)env, TH_EXC_PAGE, addr, JIT_GETPC());
}

void th_register_helpers(void)
{
    static const IrHelper helpers[] = {
        { "h_add3", (void *)h_add3, IR_I64, 3, { IR_I64, IR_I64, IR_I64 },
          IR_CALL_NO_READ_GLOBALS | IR_CALL_NO_WRITE_GLOBALS | IR_CALL_NO_SIDE_EFFECTS },
        { "h_mix32", (void *)h_mix32, IR_I32, 2, { IR_I32, IR_I64 },
          IR_CALL_NO_READ_GLOBALS | IR_CALL_NO_WRITE_GLOBALS | IR_CALL_NO_SIDE_EFFECTS },
        { "h_sum6", (void *)h_sum6, IR_I64, 6,
          { IR_I64, IR_I64, IR_I64, IR_I64, IR_I64, IR_I64 },
          IR_CALL_NO_READ_GLOBALS | IR_CALL_NO_WRITE_GLOBALS | IR_CALL_NO_SIDE_EFFECTS },
        { "h_set_r0", (void *)h_set_r0, IR_VOID, 2, { IR_I64, IR_I64 }, 0 },
        { "h_fault", (void *)h_fault, IR_VOID, 2, { IR_I64, IR_I64 }, 0 },
    };

    if (ir_helper_find(helpers[0].name, NULL)) {
        return;
    }
    for (unsigned i = 0; i < G_N_ELEMENTS(helpers); i++) {
        ir_helper_register(&helpers[i]);
    }
}

/* ---------------------------------------------------------------------- */
/* Current run (what the exec-layer hooks below look at)                   */

#define CODE_SIZE (4u << 20)

static uint8_t *code_buf;          /* RWX: the tests need no W^X split */
static uint8_t *cur_mem;
static uintptr_t cur_code[TH_MAX_TBS];
static JitCodeGen cur_cg[TH_MAX_TBS];
static unsigned cur_nb_tbs;

/* Weak: a build whose libjit has the real exec layer uses neither. */
__attribute__((weak)) void jit_restore_state(JitCpu *c, uintptr_t host_pc)
{
    TestCpu *cpu = (TestCpu *)c;

    for (unsigned t = 0; t < cur_nb_tbs; t++) {
        const JitCodeGen *cg = &cur_cg[t];
        if (host_pc <= cur_code[t] || host_pc > cur_code[t] + cg->size) {
            continue;
        }
        uintptr_t off = host_pc - cur_code[t];
        for (unsigned i = 0; i < cg->nb_insns; i++) {
            if (off <= cg->insn_end[i]) {
                cpu->rpc = cg->insn_data[i][0];
                return;
            }
        }
    }
    ferry_die("restore_state: host pc %#lx is in no test TB", (unsigned long)host_pc);
}

__attribute__((weak)) const void *jit_lookup_tb_ptr(JitCpu *c)
{
    TestCpu *cpu = (TestCpu *)c;

    if (cpu->tbsel < cur_nb_tbs) {
        return (const void *)cur_code[cpu->tbsel];
    }
    return NULL;      /* the backend substitutes its epilogue */
}

/* ---------------------------------------------------------------------- */
/* The test TLB and MMIO device                                            */

static void th_raise(JitCpu *c, int exc, uint64_t addr, uintptr_t ra)
{
    c->exception = exc;
    c->fault_addr = addr;
    jit_cpu_loop_exit_restore(c, ra);
}

static void th_tlb_fill(JitCpu *c, uint64_t addr, JitAccess acc, unsigned mmu, uintptr_t ra)
{
    TestCpu *cpu = (TestCpu *)c;
    uint64_t page = addr & JIT_PAGE_MASK;

    cpu->fills++;
    if (page >= TH_MEM_BASE && page < TH_MEM_BASE + TH_MEM_SIZE) {
        unsigned prot = 7, flags = 0;
        if (page == TH_RO_PAGE) {
            if (acc == JIT_ACCESS_WRITE) {
                th_raise(c, TH_EXC_PAGE, addr, ra);
            }
            prot = 1u << JIT_ACCESS_READ | 1u << JIT_ACCESS_CODE;
        }
        if (page == TH_ND_PAGE) {
            flags = JIT_TLB_NOTDIRTY;
        }
        jit_tlb_set_page(c, addr, cur_mem + (page - TH_MEM_BASE), prot, mmu, flags, 0);
        return;
    }
    if (page == TH_MMIO_PAGE) {
        jit_tlb_set_page(c, addr, NULL, 3, mmu, 0, TH_IOTLB);
        return;
    }
    th_raise(c, TH_EXC_PAGE, addr, ra);
}

static uint64_t th_io_read(JitCpu *c, uint64_t iotlb, uint64_t addr, unsigned size,
                           uintptr_t ra)
{
    uint64_t v = 0;

    if (iotlb != TH_IOTLB) {
        ferry_die("io_read: iotlb %#lx", (unsigned long)iotlb);
    }
    for (unsigned i = 0; i < size; i++) {
        v |= ((addr + i) & 0xff) << (8 * i);
    }
    return v;
}

static void th_io_write(JitCpu *c, uint64_t iotlb, uint64_t addr, uint64_t val,
                        unsigned size, uintptr_t ra)
{
    TestCpu *cpu = (TestCpu *)c;

    if (iotlb != TH_IOTLB) {
        ferry_die("io_write: iotlb %#lx", (unsigned long)iotlb);
    }
    cpu->io_count++;
    cpu->io_addr = addr;
    cpu->io_val = val;
    cpu->io_size = size;
}

static const JitMemOps th_mem_ops = { th_tlb_fill, th_io_read, th_io_write };

static void th_notdirty(JitCpu *c, uint64_t addr, unsigned size)
{
    TestCpu *cpu = (TestCpu *)c;

    cpu->nd_count++;
    cpu->nd_addr = addr;
}

static void th_unaligned(JitCpu *c, uint64_t addr, JitAccess acc, unsigned mmu, uintptr_t ra)
{
    th_raise(c, TH_EXC_ALIGN, addr, ra);
}

/* ---------------------------------------------------------------------- */
/* Machine set-up and runs                                                 */

void th_cpu_init(TestCpu *cpu, uint8_t *mem, JitMemMode mode)
{
    cur_mem = mem;                 /* what the test tlb_fill maps */
    memset(cpu, 0, sizeof(*cpu));
    cpu->common.exception = TH_EXC_NONE;
    cpu->common.mem_mode = mode;
    if (mode == JIT_MEM_USER) {
        cpu->common.guest_base = (uintptr_t)mem - TH_MEM_BASE;
    } else {
        cpu->common.mem_ops = &th_mem_ops;
        jit_tlb_init(&cpu->common);
    }
    jit_notdirty_hook = th_notdirty;
    jit_unaligned_hook = th_unaligned;
}

void th_cpu_free(TestCpu *cpu)
{
    if (cpu->common.mem_mode == JIT_MEM_SOFTMMU) {
        jit_tlb_free(&cpu->common);
    }
}

static ThStatus gen_all(const TestBackend *tb, ThRun *run)
{
    size_t used = 0;
    JitCodeGen pcg = { .rw = code_buf, .rx = (uintptr_t)code_buf, .cap = CODE_SIZE };

    if (tb->be->gen_prologue(&pcg) != JIT_OK) {
        return TH_GEN_FAILED;
    }
    tb->be->prologue = code_buf;
    used = (pcg.size + 63) & ~(size_t)63;
    for (unsigned t = 0; t < run->nb_tbs; t++) {
        JitCodeGen *cg = &cur_cg[t];
        memset(cg, 0, sizeof(*cg));
        cg->rw = code_buf + used;
        cg->rx = (uintptr_t)cg->rw;
        cg->cap = CODE_SIZE - used;
        cg->user_mode = run->mode == JIT_MEM_USER;
        if (tb->prepare) {
            tb->prepare(run->tbs[t]);
        }
        JitError err = tb->be->gen_code(run->tbs[t], cg);
        if (err != JIT_OK) {
            return err == JIT_ERR_UNSUPPORTED ? TH_UNSUPPORTED : TH_GEN_FAILED;
        }
        cur_code[t] = cg->rx;
        used = (used + cg->size + 63) & ~(size_t)63;
    }
    cur_nb_tbs = run->nb_tbs;
    return TH_RAN;
}

static void patch_chains(const TestBackend *tb, ThRun *run)
{
    for (unsigned t = 0; t < run->nb_tbs; t++) {
        for (unsigned n = 0; n < 2; n++) {
            int to = run->chain[t][n];
            if (to >= 0 && cur_cg[t].goto_tb_used[n]) {
                uintptr_t jmp = cur_code[t] + cur_cg[t].goto_tb_jmp[n];
                tb->be->patch_jump(jmp, (uint8_t *)jmp, cur_code[to]);
            }
        }
    }
}

ThStatus th_run(const TestBackend *tb, ThRun *run, TestCpu *cpu, uint8_t *mem)
{
    if (!code_buf) {
        code_buf = mmap(NULL, CODE_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC,
                        MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (code_buf == MAP_FAILED) {
            ferry_die("cannot map the test code buffer");
        }
    }
    cur_mem = mem;
    ThStatus st = gen_all(tb, run);
    if (st != TH_RAN) {
        return st;
    }
    patch_chains(tb, run);
    __builtin___clear_cache((char *)code_buf, (char *)code_buf + CODE_SIZE);

    volatile JitCpu *vc = &cpu->common;
    run->ret = 0;
    if (sigsetjmp(cpu->common.jmp_env, 0) == 0) {
        run->ret = tb->be->enter(tb->be, &cpu->common, (const void *)cur_code[0]);
    }
    /* A helper that left by siglongjmp did not get to clear it. */
    jit_interp_helper_ra = 0;
    run->exception = vc->exception;
    run->fault_addr = vc->fault_addr;
    return TH_RAN;
}
