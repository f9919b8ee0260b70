/*
 * a64-backend.c — host glue of the arm64 backend: the register set given to
 * the allocator, the allocator's move/load/store hooks, the prologue and
 * epilogue (AAPCS64), gen_code (allocate + emit, slow paths, label fixups),
 * jump patching, entering code, and the LSE (ARMv8.1 atomics) and LRCPC
 * (ARMv8.3 LDAPR) probes.
 *
 * Prologue (enter(env, code)): stp x29/x30 and x19..x28; mov x29, sp;
 * sub sp, FRAME; x27 = env; x28 = env->guest_base; br code. Two epilogue
 * entries follow: "return 0" (movz x0, 0) and "return x0".
 */
#include "backend-arm64/a64-lower.h"

#include <stddef.h>
#include <string.h>

#if defined(__aarch64__) && defined(__linux__)
#include <sys/auxv.h>
#endif
#ifndef HWCAP_ATOMICS
#define HWCAP_ATOMICS (1 << 8)
#endif
#ifndef HWCAP_LRCPC
#define HWCAP_LRCPC (1 << 15)
#endif

#define R(x) ((RaRegSet)1 << (x))

/* ---------------------------------------------------------------------- */
/* LSE and LRCPC probes                                                    */

/* Process-wide: set by tests before translating, read when a TB starts. */
static bool lse_allowed = true;
static A64FeatMode lrcpc_mode = A64_FEAT_HOST;

void a64_set_lse_allowed(bool allowed)
{
    lse_allowed = allowed;
}

void a64_set_lrcpc_mode(A64FeatMode mode)
{
    lrcpc_mode = mode;
}

/* Whether AT_HWCAP has bit; false when emitting for a foreign host (the
 * portable ARMv8.0 forms). */
static bool hwcap_has(unsigned long bit)
{
#if defined(__aarch64__) && defined(__linux__)
    return (getauxval(AT_HWCAP) & bit) != 0;
#else
    (void)bit;
    return false;
#endif
}

bool a64_have_lse(void)
{
    return lse_allowed && hwcap_has(HWCAP_ATOMICS);
}

bool a64_have_lrcpc(void)
{
    return lrcpc_mode == A64_FEAT_ON || (lrcpc_mode == A64_FEAT_HOST && hwcap_has(HWCAP_LRCPC));
}

/* ---------------------------------------------------------------------- */
/* Register set                                                            */

/* Callee-saved first: values there survive calls and slow paths for free.
 * x0..x7 last: calls and helpers pin their arguments there. */
static const uint8_t alloc_order[] = {
    A64_X19, A64_X20, A64_X21, A64_X22, A64_X23, A64_X24, A64_X25, A64_X26, A64_X28,
    A64_X8, A64_X9, A64_X10, A64_X11, A64_X12, A64_X13, A64_X14, A64_X15,
    A64_X7, A64_X6, A64_X5, A64_X4, A64_X3, A64_X2, A64_X1, A64_X0,
    A64_RV(0), A64_RV(1), A64_RV(2), A64_RV(3), A64_RV(4), A64_RV(5), A64_RV(6),
    A64_RV(7), A64_RV(8), A64_RV(9), A64_RV(10), A64_RV(11), A64_RV(12), A64_RV(13),
    A64_RV(14), A64_RV(15), A64_RV(16), A64_RV(17), A64_RV(18), A64_RV(19), A64_RV(20),
    A64_RV(21), A64_RV(22), A64_RV(23), A64_RV(24), A64_RV(25), A64_RV(26), A64_RV(27),
    A64_RV(28), A64_RV(29), A64_RV(30),
};

static const char *const reg_names[64] = {
    "x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12",
    "x13", "x14", "x15", "x16", "x17", "x18", "x19", "x20", "x21", "x22", "x23", "x24",
    "x25", "x26", "x27", "x28", "x29", "x30", "sp",
    "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9", "v10", "v11", "v12",
    "v13", "v14", "v15", "v16", "v17", "v18", "v19", "v20", "v21", "v22", "v23", "v24",
    "v25", "v26", "v27", "v28", "v29", "v30", "v31",
};

/* ---------------------------------------------------------------------- */
/* Allocator hooks                                                         */

static bool is_vec(IrType t) { return t == IR_V128 || t == IR_I128; }

static void hook_mov(void *be, IrType t, int d, int s)
{
    a64_emit_mov(be, t, d, s);
}

static void hook_movi(void *be, IrType t, int d, uint64_t v)
{
    A64Gen *g = be;
    a64_movi(&g->buf, t == IR_I64, d, t == IR_I64 ? v : (uint32_t)v);
}

static void hook_load(void *be, IrType t, int reg, int base, int32_t off)
{
    A64Gen *g = be;
    if (is_vec(t)) {
        a64_ldst_any(g, A64_LDR_Q, a64_v(reg), base, off);
    } else {
        a64_ldst_any(g, t == IR_I64 ? A64_LDR_X : A64_LDR_W, reg, base, off);
    }
}

static void hook_store(void *be, IrType t, int reg, int base, int32_t off)
{
    A64Gen *g = be;
    if (is_vec(t)) {
        a64_ldst_any(g, A64_STR_Q, a64_v(reg), base, off);
    } else {
        a64_ldst_any(g, t == IR_I64 ? A64_STR_X : A64_STR_W, reg, base, off);
    }
}

static void hook_store_imm(void *be, IrType t, uint64_t v, int base, int32_t off)
{
    A64Gen *g = be;
    bool sf = t == IR_I64;
    int r = a64_opnd_reg(g, sf, (RaOperand){ .is_imm = true, .imm = v }, A64_TMP1);
    a64_ldst_any(g, sf ? A64_STR_X : A64_STR_W, r, base, off);
}

#define GPR_ALLOC (0xffffull | R(A64_X19) | R(A64_X20) | R(A64_X21) | R(A64_X22) | \
                   R(A64_X23) | R(A64_X24) | R(A64_X25) | R(A64_X26))
#define VEC_ALLOC (0x7fffffffull << 32)         /* v0..v30 */
/* The upper halves of v8..v15 are not preserved by AAPCS64: every V
 * register is call-clobbered for 128-bit values. */
#define CALL_CLOBBERED (0x3ffffull | R(A64_LR) | (0xffffffffull << 32))

#define TARGET(gprs)                                                               \
    {                                                                              \
        .nb_regs = 64, .reg_names = reg_names,                                     \
        .class_regs = { [RA_CLASS_GPR] = (gprs), [RA_CLASS_VEC] = VEC_ALLOC },      \
        .alloc_order = alloc_order, .nb_alloc_order = sizeof(alloc_order),         \
        .call_clobbered = CALL_CLOBBERED,                                          \
        .call_arg_regs = { A64_X0, A64_X1, A64_X2, A64_X3, A64_X4, A64_X5 },        \
        .call_ret_reg = A64_X0, .env_reg = A64_ENV, .frame_reg = A64_SP,           \
        .frame_offset = A64_FRAME_SLOTS_OFF, .frame_size = A64_FRAME_SLOTS_SIZE,   \
        .hooks = { hook_mov, hook_movi, hook_load, hook_store, hook_store_imm,     \
                   a64_constraint, a64_emit },                                     \
    }

static const RaTarget target_user = TARGET(GPR_ALLOC);
static const RaTarget target_softmmu = TARGET(GPR_ALLOC | R(A64_X28));

const RaTarget *a64_target(bool user_mode)
{
    return user_mode ? &target_user : &target_softmmu;
}

/* ---------------------------------------------------------------------- */
/* Prologue                                                                */

/* Offsets of the epilogue entries from the prologue; written once by
 * gen_prologue before any code generation (jit_init), read-only after. */
static uint32_t epilogue_zero_off, epilogue_off;

static JitError a64_gen_prologue(JitCodeGen *cg)
{
    A64Buf b;

    a64_buf_init(&b, cg->rw, cg->cap);
    a64_ldstp(&b, A64_STP_X, A64_IDX_PRE, A64_FP, A64_LR, A64_SP, -96);
    for (int i = 0; i < 5; i++) {
        a64_ldstp(&b, A64_STP_X, A64_IDX_OFF, A64_X19 + 2 * i, A64_X20 + 2 * i, A64_SP,
                  16 + 16 * i);
    }
    a64_mov_rr(&b, true, A64_FP, A64_SP);
    a64_sub_rri(&b, true, A64_SP, A64_SP, A64_FRAME_SIZE);
    a64_mov_rr(&b, true, A64_ENV, A64_X0);
    a64_ldst(&b, A64_LDR_X, A64_GBASE, A64_X0, offsetof(JitCpu, guest_base));
    a64_br(&b, A64_X1);

    epilogue_zero_off = b.pos;
    a64_movz(&b, true, A64_X0, 0, 0);
    epilogue_off = b.pos;
    a64_add_rri(&b, true, A64_SP, A64_SP, A64_FRAME_SIZE);
    for (int i = 4; i >= 0; i--) {
        a64_ldstp(&b, A64_LDP_X, A64_IDX_OFF, A64_X19 + 2 * i, A64_X20 + 2 * i, A64_SP,
                  16 + 16 * i);
    }
    a64_ldstp(&b, A64_LDP_X, A64_IDX_POST, A64_FP, A64_LR, A64_SP, 96);
    a64_ret(&b, A64_LR);
    if (a64_buf_error(&b)) {
        return a64_buf_error(&b) == A64_ERR_OVERFLOW ? JIT_ERR_BUF_FULL : JIT_ERR_UNSUPPORTED;
    }
    cg->size = b.pos;
    return JIT_OK;
}

/* ---------------------------------------------------------------------- */
/* Code generation                                                         */

static void gen_init(A64Gen *g, IrContext *ctx, JitCodeGen *cg)
{
    memset(g, 0, sizeof(*g));
    a64_buf_init(&g->buf, cg->rw, cg->cap);
    g->rx = cg->rx;
    g->cg = cg;
    g->ctx = ctx;
    g->user_mode = cg->user_mode;
    g->lse = a64_have_lse();
    g->lrcpc = a64_have_lrcpc();
    g->label_off = g_new(int32_t, ctx->nb_labels + 1);
    for (uint32_t i = 0; i < ctx->nb_labels; i++) {
        g->label_off[i] = -1;
    }
    g->relocs = g_array_new(FALSE, FALSE, sizeof(A64Reloc));
    g->slows = g_array_new(FALSE, FALSE, sizeof(A64Slow));
    uintptr_t pro = (uintptr_t)jit_backend_arm64.prologue;
    g->epilogue = pro + epilogue_off;
    g->epilogue_zero = pro + epilogue_zero_off;
    cg->nb_insns = 0;
    memset(cg->goto_tb_used, 0, sizeof(cg->goto_tb_used));
}

static void gen_fini(A64Gen *g)
{
    g_free(g->label_off);
    g_array_free(g->relocs, TRUE);
    g_array_free(g->slows, TRUE);
}

static JitError resolve_labels(A64Gen *g)
{
    for (unsigned i = 0; i < g->relocs->len; i++) {
        A64Reloc *r = &g_array_index(g->relocs, A64Reloc, i);
        if (g->label_off[r->label] < 0) {
            return JIT_ERR_UNSUPPORTED;          /* branch to a label never placed */
        }
        if (a64_patch_branch((uint32_t *)(void *)(g->buf.base + r->insn_off),
                             g->buf.base + g->label_off[r->label]) != A64_OK) {
            return JIT_ERR_TOO_LARGE;            /* beyond B.cond's +-1 MiB */
        }
    }
    return JIT_OK;
}

static JitError a64_gen_code(IrContext *ctx, JitCodeGen *cg)
{
    A64Gen g;

    if (!jit_backend_arm64.prologue) {
        return JIT_ERR_UNSUPPORTED;             /* jit_init has not run gen_prologue */
    }
    gen_init(&g, ctx, cg);
    /* ctx is optimized: opt_liveness ran last and left dead/sync hints. */
    JitError e = ra_run(a64_target(cg->user_mode), &g, ctx, true);
    if (e == JIT_OK) {
        jit_cg_insns_end(cg, a64_off(&g));
        a64_emit_slow_paths(&g);
    }
    if (e == JIT_OK && a64_buf_error(&g.buf)) {
        e = a64_buf_error(&g.buf) == A64_ERR_OVERFLOW ? JIT_ERR_BUF_FULL : JIT_ERR_UNSUPPORTED;
    }
    if (e == JIT_OK) {
        e = resolve_labels(&g);
    }
    cg->size = e == JIT_OK ? g.buf.pos : 0;
    gen_fini(&g);
    return e;
}

/*
 * The goto_tb jump is one B: a single aligned 32-bit store retargets it
 * (a64_patch_branch works on the writable alias, so the offset is taken
 * between rw addresses), then the instruction cache line is cleaned and
 * invalidated at the executable address.
 */
static void a64_patch_jump(uintptr_t jmp_rx, uint8_t *jmp_rw, uintptr_t target)
{
    uint8_t *target_rw = jmp_rw + (target - jmp_rx);
    if (a64_patch_branch((uint32_t *)(void *)jmp_rw, target_rw) != A64_OK) {
        return;                                  /* out of range: stays unchained */
    }
    __builtin___clear_cache((char *)jmp_rx, (char *)jmp_rx + 4);
}

static uintptr_t a64_enter(const JitBackend *be, JitCpu *env, const void *code)
{
    uintptr_t (*fn)(JitCpu *, const void *) = (uintptr_t (*)(JitCpu *, const void *))be->prologue;
    return fn(env, code);
}

JitBackend jit_backend_arm64 = {
    .name = "arm64",
    .gen_prologue = a64_gen_prologue,
    .gen_code = a64_gen_code,
    .patch_jump = a64_patch_jump,
    .enter = a64_enter,
};
