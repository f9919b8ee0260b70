/*
 * x64-backend.c — host glue of the x86-64 backend: the register set given to
 * the allocator, the allocator's move/load/store hooks, the prologue and
 * epilogue, gen_code (allocate + emit, slow paths, label fixups), jump
 * patching and entering code. Register conventions are in x64-lower.h.
 *
 * Prologue (enter(env, code)): push rbp, rbx, r12..r15; sub rsp, FRAME;
 * r14 = env; r15 = env->guest_base; jmp code. Two epilogue entries follow:
 * "return 0" (xor eax, eax) and "return rax".
 */
#include "backend-x86_64/x64-lower.h"

#include <stddef.h>
#include <string.h>

#define R(x) ((RaRegSet)1 << (x))

/* Callee-saved first: values there survive calls and slow paths for free. */
static const uint8_t alloc_order[] = {
    X64_RBX, X64_RBP, X64_R12, X64_R13, X64_R15, X64_R10, X64_R9, X64_R8,
    X64_RSI, X64_RDI, X64_RCX, X64_RDX, X64_RAX,
    X64_XMM(0), X64_XMM(1), X64_XMM(2), X64_XMM(3), X64_XMM(4), X64_XMM(5),
    X64_XMM(6), X64_XMM(7), X64_XMM(8), X64_XMM(9), X64_XMM(10), X64_XMM(11),
    X64_XMM(12), X64_XMM(13), X64_XMM(14),
};

static const char *const reg_names[32] = {
    "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
    "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
    "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7",
    "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15",
};

/* ---------------------------------------------------------------------- */
/* Allocator hooks                                                         */

static bool is_vec(IrType t) { return t == IR_V128 || t == IR_I128; }

static void hook_mov(void *be, IrType t, int d, int s)
{
    x64_emit_mov(be, t, d, s);
}

static void hook_movi(void *be, IrType t, int d, uint64_t v)
{
    X64Gen *g = be;
    x64_movi(&g->buf, d, t == IR_I32 ? (uint32_t)v : v);
}

static void hook_load(void *be, IrType t, int reg, int base, int32_t off)
{
    X64Gen *g = be;
    if (is_vec(t)) {
        x64_movdqu_load(&g->buf, x64_xmm(reg), x64_mem(base, off));
    } else {
        x64_load(&g->buf, t == IR_I64 ? 8 : 4, false, t == IR_I64, reg, x64_mem(base, off));
    }
}

static void hook_store(void *be, IrType t, int reg, int base, int32_t off)
{
    X64Gen *g = be;
    if (is_vec(t)) {
        x64_movdqu_store(&g->buf, x64_xmm(reg), x64_mem(base, off));
    } else {
        x64_store(&g->buf, t == IR_I64 ? 8 : 4, reg, x64_mem(base, off));
    }
}

static void hook_store_imm(void *be, IrType t, uint64_t v, int base, int32_t off)
{
    X64Gen *g = be;
    if (t == IR_I32 || (int64_t)v == (int32_t)v) {
        x64_store_imm(&g->buf, t == IR_I64 ? 8 : 4, (int32_t)v, x64_mem(base, off));
    } else {
        x64_movi(&g->buf, X64_TMP, v);
        x64_store(&g->buf, 8, X64_TMP, x64_mem(base, off));
    }
}

#define GPR_ALLOC (R(X64_RAX) | R(X64_RCX) | R(X64_RDX) | R(X64_RBX) | R(X64_RBP) | \
                   R(X64_RSI) | R(X64_RDI) | R(X64_R8) | R(X64_R9) | R(X64_R10) |   \
                   R(X64_R12) | R(X64_R13))
#define VEC_ALLOC (0x7fffull << 16)          /* xmm0..xmm14 */
#define CALL_CLOBBERED (R(X64_RAX) | R(X64_RCX) | R(X64_RDX) | R(X64_RSI) | R(X64_RDI) | \
                        R(X64_R8) | R(X64_R9) | R(X64_R10) | R(X64_R11) | (0xffffull << 16))

#define TARGET(gprs)                                                             \
    {                                                                            \
        .nb_regs = 32, .reg_names = reg_names,                                   \
        .class_regs = { [RA_CLASS_GPR] = (gprs), [RA_CLASS_VEC] = VEC_ALLOC },    \
        .alloc_order = alloc_order, .nb_alloc_order = sizeof(alloc_order),       \
        .call_clobbered = CALL_CLOBBERED,                                        \
        .call_arg_regs = { X64_RDI, X64_RSI, X64_RDX, X64_RCX, X64_R8, X64_R9 },  \
        .call_ret_reg = X64_RAX, .env_reg = X64_ENV, .frame_reg = X64_RSP,       \
        .frame_offset = X64_FRAME_SLOTS_OFF, .frame_size = X64_FRAME_SLOTS_SIZE, \
        .hooks = { hook_mov, hook_movi, hook_load, hook_store, hook_store_imm,   \
                   x64_constraint, x64_emit },                                   \
    }

static const RaTarget target_user = TARGET(GPR_ALLOC);
static const RaTarget target_softmmu = TARGET(GPR_ALLOC | R(X64_R15));

const RaTarget *x64_target(bool user_mode)
{
    return user_mode ? &target_user : &target_softmmu;
}

/* ---------------------------------------------------------------------- */
/* Prologue                                                                */

static const uint8_t saved_regs[] = { X64_RBP, X64_RBX, X64_R12, X64_R13, X64_R14, X64_R15 };

/* Offsets of the epilogue entries from the prologue; written once by
 * gen_prologue before any code generation (jit_init), read-only after. */
static uint32_t epilogue_zero_off, epilogue_off;

static JitError x64_gen_prologue(JitCodeGen *cg)
{
    X64Buf b;

    x64_buf_init(&b, cg->rw, cg->cap, cg->rx);
    for (unsigned i = 0; i < sizeof(saved_regs); i++) {
        x64_push(&b, saved_regs[i]);
    }
    x64_alu_ri(&b, X64_SUB, true, X64_RSP, X64_FRAME_SIZE);
    x64_mov_rr(&b, true, X64_ENV, X64_RDI);
    x64_load(&b, 8, false, true, X64_GBASE, x64_mem(X64_RDI, offsetof(JitCpu, guest_base)));
    x64_jmp_r(&b, X64_RSI);

    epilogue_zero_off = x64_buf_offset(&b);
    x64_zero(&b, X64_RAX);
    epilogue_off = x64_buf_offset(&b);
    x64_alu_ri(&b, X64_ADD, true, X64_RSP, X64_FRAME_SIZE);
    for (unsigned i = sizeof(saved_regs); i-- > 0;) {
        x64_pop(&b, saved_regs[i]);
    }
    x64_ret(&b);
    if (x64_buf_overflow(&b)) {
        return JIT_ERR_BUF_FULL;
    }
    cg->size = x64_buf_offset(&b);
    return JIT_OK;
}

/* ---------------------------------------------------------------------- */
/* Code generation                                                         */

/* Per-thread scratch reused by every code generation: allocating and
 * freeing the label table and both arrays for each TB was a tenth of the
 * allocator's share of translation time. Never freed (one set per thread
 * that translates). */
static _Thread_local struct {
    int32_t *label_off;
    uint32_t label_cap;
    GArray *relocs, *slows;
} gen_scratch;

static void gen_init(X64Gen *g, IrContext *ctx, JitCodeGen *cg)
{
    memset(g, 0, sizeof(*g));
    x64_buf_init(&g->buf, cg->rw, cg->cap, cg->rx);
    g->cg = cg;
    g->ctx = ctx;
    g->feat = x64_features();
    g->user_mode = cg->user_mode;
    if (gen_scratch.label_cap < ctx->nb_labels + 1) {
        gen_scratch.label_cap = MAX(ctx->nb_labels + 1, 2 * gen_scratch.label_cap);
        gen_scratch.label_off = g_renew(int32_t, gen_scratch.label_off, gen_scratch.label_cap);
    }
    g->label_off = gen_scratch.label_off;
    for (uint32_t i = 0; i < ctx->nb_labels; i++) {
        g->label_off[i] = -1;
    }
    if (!gen_scratch.relocs) {
        gen_scratch.relocs = g_array_new(FALSE, FALSE, sizeof(X64Reloc));
        gen_scratch.slows = g_array_new(FALSE, FALSE, sizeof(X64Slow));
    }
    g->relocs = g_array_set_size(gen_scratch.relocs, 0);
    g->slows = g_array_set_size(gen_scratch.slows, 0);
    uintptr_t pro = (uintptr_t)jit_backend_x86_64.prologue;
    g->epilogue = pro + epilogue_off;
    g->epilogue_zero = pro + epilogue_zero_off;
    cg->nb_insns = 0;
    memset(cg->goto_tb_used, 0, sizeof(cg->goto_tb_used));
}

static JitError x64_gen_code(IrContext *ctx, JitCodeGen *cg)
{
    X64Gen g;

    if (!jit_backend_x86_64.prologue) {
        return JIT_ERR_UNSUPPORTED;             /* jit_init has not run gen_prologue */
    }
    gen_init(&g, ctx, cg);
    /* ctx is optimized: opt_liveness (jit/opt.h) ran last and left the
     * allocator's dead/sync hints (callers with raw IR run opt_liveness or
     * ra_conservative_liveness first). */
    JitError e = ra_run(x64_target(cg->user_mode), &g, ctx, true);
    if (e == JIT_OK) {
        jit_cg_insns_end(cg, x64_buf_offset(&g.buf));
        x64_emit_slow_paths(&g);
        for (unsigned i = 0; i < g.relocs->len; i++) {
            X64Reloc *r = &g_array_index(g.relocs, X64Reloc, i);
            if (g.label_off[r->label] < 0) {
                e = JIT_ERR_UNSUPPORTED;         /* branch to a label never placed */
                break;
            }
            x64_patch_rel32(&g.buf, r->field, g.label_off[r->label]);
        }
    }
    if (e == JIT_OK && x64_buf_overflow(&g.buf)) {
        e = JIT_ERR_BUF_FULL;
    }
    cg->size = e == JIT_OK ? x64_buf_offset(&g.buf) : 0;
    return e;
}

/*
 * The rel32 of a goto_tb jump is 4-byte aligned (emit_goto_tb pads), so one
 * aligned 32-bit store is atomic for threads executing it; x86 needs no
 * instruction-cache maintenance for cross-modifying a single aligned field.
 */
static void x64_patch_jump(uintptr_t jmp_rx, uint8_t *jmp_rw, uintptr_t target)
{
    int32_t rel = (int32_t)(target - (jmp_rx + 5));
    __atomic_store_n((uint32_t *)(jmp_rw + 1), (uint32_t)rel, __ATOMIC_RELAXED);
}

static uintptr_t x64_enter(const JitBackend *be, JitCpu *env, const void *code)
{
    uintptr_t (*fn)(JitCpu *, const void *) = (uintptr_t (*)(JitCpu *, const void *))be->prologue;
    return fn(env, code);
}

JitBackend jit_backend_x86_64 = {
    .name = "x86_64",
    .gen_prologue = x64_gen_prologue,
    .gen_code = x64_gen_code,
    .patch_jump = x64_patch_jump,
    .enter = x64_enter,
};
