/*
 * la64-backend.c — host glue of the loongarch64 backend: the register set
 * given to the allocator, its move/load/store hooks, the prologue and
 * epilogue, gen_code (allocate + emit, label fixups), jump patching and
 * entering code. Register conventions are in la64-lower.h.
 *
 * Prologue (enter(env = a0, code = a1), LP64D ABI): sp -= FRAME; save ra,
 * fp, s0..s8; s0 = env; s1 = env->guest_base; jump to code. Two epilogue
 * entries follow: "return 0" and "return a0".
 */
#include "backend-loongarch/la64-lower.h"

#include <stddef.h>
#include <string.h>

#define R(x) ((RaRegSet)1 << (x))

/* Callee-saved first: values there survive helper calls for free. */
static const uint8_t alloc_order[] = {
    LA64_S2, LA64_S3, LA64_S4, LA64_S5, LA64_S6, LA64_S7, LA64_S8, LA64_FP, LA64_S1,
    LA64_T1, LA64_T2, LA64_T3, LA64_T4, LA64_T5, LA64_T6, LA64_T7, LA64_T8,
    LA64_A7, LA64_A6, LA64_A5, LA64_A4, LA64_A3, LA64_A2, LA64_A1, LA64_A0,
    32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47,
};

static const char *const reg_names[] = {
    "zero", "ra", "tp", "sp", "a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7",
    "t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7", "t8", "r21", "fp", "s0",
    "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8",
    "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7",
    "v8", "v9", "v10", "v11", "v12", "v13", "v14", "v15",
};

_Static_assert(sizeof(reg_names) / sizeof(reg_names[0]) == LA64_VREG0 + LA64_NB_VREGS,
               "a name per register");

/* ---------------------------------------------------------------------- */
/* Allocator hooks (vector pseudo registers are frame slots)              */

static void hook_mov(void *be, IrType t, int d, int s)
{
    La64Gen *g = be;
    if (d == s) {
        return;
    }
    if (la64_is_vreg(d)) {
        la64_copy16(g, LA64_SP, la64_vslot(d), LA64_SP, la64_vslot(s));
    } else {
        la64_mov(&g->buf, d, s);
    }
}

static void hook_movi(void *be, IrType t, int d, uint64_t v)
{
    La64Gen *g = be;
    la64_movi64(&g->buf, d, t == IR_I32 ? (uint32_t)v : v);
}

static void hook_load(void *be, IrType t, int reg, int base, int32_t off)
{
    La64Gen *g = be;
    if (la64_is_vreg(reg)) {
        la64_copy16(g, LA64_SP, la64_vslot(reg), base, off);
        return;
    }
    la64_mem(&g->buf, t == IR_I64 ? LA64_LD_D : LA64_LD_W, reg, base, off, LA64_TMP2);
}

static void hook_store(void *be, IrType t, int reg, int base, int32_t off)
{
    La64Gen *g = be;
    if (la64_is_vreg(reg)) {
        la64_copy16(g, base, off, LA64_SP, la64_vslot(reg));
        return;
    }
    la64_mem(&g->buf, t == IR_I64 ? LA64_ST_D : LA64_ST_W, reg, base, off, LA64_TMP2);
}

static void hook_store_imm(void *be, IrType t, uint64_t v, int base, int32_t off)
{
    La64Gen *g = be;
    int r = LA64_ZERO;
    if (t == IR_I32) {
        v = (uint32_t)v;
    }
    if (v) {
        la64_movi64(&g->buf, LA64_TMP1, v);
        r = LA64_TMP1;
    }
    la64_mem(&g->buf, t == IR_I64 ? LA64_ST_D : LA64_ST_W, r, base, off, LA64_TMP2);
}

#define GPR_ALLOC (R(LA64_A0) | R(LA64_A1) | R(LA64_A2) | R(LA64_A3) | R(LA64_A4) |        \
                   R(LA64_A5) | R(LA64_A6) | R(LA64_A7) | R(LA64_T1) | R(LA64_T2) |        \
                   R(LA64_T3) | R(LA64_T4) | R(LA64_T5) | R(LA64_T6) | R(LA64_T7) |        \
                   R(LA64_T8) | R(LA64_FP) | R(LA64_S2) | R(LA64_S3) | R(LA64_S4) |        \
                   R(LA64_S5) | R(LA64_S6) | R(LA64_S7) | R(LA64_S8))
#define CALL_CLOBBERED (R(LA64_RA) | R(LA64_A0) | R(LA64_A1) | R(LA64_A2) | R(LA64_A3) |  \
                        R(LA64_A4) | R(LA64_A5) | R(LA64_A6) | R(LA64_A7) | R(LA64_T0) |  \
                        R(LA64_T1) | R(LA64_T2) | R(LA64_T3) | R(LA64_T4) | R(LA64_T5) |  \
                        R(LA64_T6) | R(LA64_T7) | R(LA64_T8))

#define VREGS (((RaRegSet)1 << LA64_NB_VREGS) - 1) << LA64_VREG0

#define TARGET(gprs)                                                                  \
    {                                                                                 \
        .nb_regs = LA64_VREG0 + LA64_NB_VREGS, .reg_names = reg_names,                \
        .class_regs = { [RA_CLASS_GPR] = (gprs), [RA_CLASS_VEC] = VREGS },            \
        .alloc_order = alloc_order, .nb_alloc_order = sizeof(alloc_order),            \
        .call_clobbered = CALL_CLOBBERED,                                             \
        .call_arg_regs = { LA64_A0, LA64_A1, LA64_A2, LA64_A3, LA64_A4, LA64_A5 },    \
        .call_ret_reg = LA64_A0, .env_reg = LA64_ENV, .frame_reg = LA64_SP,           \
        .frame_offset = LA64_FRAME_SLOTS_OFF, .frame_size = LA64_FRAME_SLOTS_SIZE,    \
        .hooks = { hook_mov, hook_movi, hook_load, hook_store, hook_store_imm,        \
                   la64_constraint, la64_emit_op },                                   \
    }

static const RaTarget target_user = TARGET(GPR_ALLOC);
static const RaTarget target_softmmu = TARGET(GPR_ALLOC | R(LA64_S1));

/* ---------------------------------------------------------------------- */
/* Prologue                                                                */

static const uint8_t saved_regs[] = {
    LA64_RA, LA64_FP, LA64_S0, LA64_S1, LA64_S2, LA64_S3, LA64_S4, LA64_S5, LA64_S6,
    LA64_S7, LA64_S8,
};

/* Offsets of the epilogue entries from the prologue; written once by
 * gen_prologue before any code generation (jit_init), read-only after. */
static uint32_t epilogue_zero_off, epilogue_off;

static JitError la64_gen_prologue(JitCodeGen *cg)
{
    La64Buf b;

    la64_buf_init(&b, (uint32_t *)cg->rw, cg->cap / 4);
    la64_addi_d(&b, LA64_SP, LA64_SP, -LA64_FRAME_SIZE);
    for (unsigned i = 0; i < sizeof(saved_regs); i++) {
        la64_st_d(&b, saved_regs[i], LA64_SP, LA64_FRAME_SAVE_OFF + 8 * i);
    }
    la64_mov(&b, LA64_ENV, LA64_A0);
    la64_ld_d(&b, LA64_GBASE, LA64_A0, offsetof(JitCpu, guest_base));
    la64_jirl(&b, LA64_ZERO, LA64_A1, 0);

    epilogue_zero_off = b.len * 4;
    la64_mov(&b, LA64_A0, LA64_ZERO);
    epilogue_off = b.len * 4;
    for (unsigned i = 0; i < sizeof(saved_regs); i++) {
        la64_ld_d(&b, saved_regs[i], LA64_SP, LA64_FRAME_SAVE_OFF + 8 * i);
    }
    la64_addi_d(&b, LA64_SP, LA64_SP, LA64_FRAME_SIZE);
    la64_jirl(&b, LA64_ZERO, LA64_RA, 0);
    if (b.err != LA64_OK) {
        return b.err == LA64_ERR_OVERFLOW ? JIT_ERR_BUF_FULL : JIT_ERR_UNSUPPORTED;
    }
    cg->size = b.len * 4;
    return JIT_OK;
}

/* ---------------------------------------------------------------------- */
/* Code generation                                                         */

/* Resolve the label branches; false if a label was never placed. */
static bool fix_relocs(La64Gen *g)
{
    for (unsigned i = 0; i < g->relocs->len; i++) {
        La64Reloc *r = &g_array_index(g->relocs, La64Reloc, i);
        int32_t at = g->label_insn[r->label];
        if (at < 0) {
            return false;
        }
        la64_set_branch_offset(&g->buf.start[r->insn], ((int64_t)at - r->insn) * 4);
    }
    return true;
}

static JitError la64_gen_code(IrContext *ctx, JitCodeGen *cg)
{
    La64Gen g;

    if (!jit_backend_loongarch64.prologue) {
        return JIT_ERR_UNSUPPORTED;             /* jit_init has not run gen_prologue */
    }
    memset(&g, 0, sizeof(g));
    la64_buf_init(&g.buf, (uint32_t *)cg->rw, cg->cap / 4);
    g.cg = cg;
    g.ctx = ctx;
    g.user_mode = cg->user_mode;
    g.label_insn = g_new(int32_t, ctx->nb_labels + 1);
    for (uint32_t i = 0; i <= ctx->nb_labels; i++) {
        g.label_insn[i] = -1;
    }
    g.relocs = g_array_new(FALSE, FALSE, sizeof(La64Reloc));
    g.slows = g_array_new(FALSE, FALSE, sizeof(La64Slow));
    uintptr_t pro = (uintptr_t)jit_backend_loongarch64.prologue;
    g.epilogue = pro + epilogue_off;
    g.epilogue_zero = pro + epilogue_zero_off;
    cg->nb_insns = 0;
    memset(cg->goto_tb_used, 0, sizeof(cg->goto_tb_used));

    JitError e = ra_run(cg->user_mode ? &target_user : &target_softmmu, &g, ctx, true);
    if (e == JIT_OK) {
        jit_cg_insns_end(cg, la64_gen_offset(&g));
    }
    if (e == JIT_OK && !la64_emit_slow_paths(&g)) {
        e = g.buf.err == LA64_ERR_OVERFLOW ? JIT_ERR_BUF_FULL : JIT_ERR_UNSUPPORTED;
    }
    if (e == JIT_OK && !fix_relocs(&g)) {
        e = JIT_ERR_UNSUPPORTED;
    }
    if (e == JIT_OK && g.buf.err != LA64_OK) {
        e = g.buf.err == LA64_ERR_OVERFLOW ? JIT_ERR_BUF_FULL : JIT_ERR_UNSUPPORTED;
    }
    cg->size = e == JIT_OK ? la64_gen_offset(&g) : 0;
    g_free(g.label_insn);
    g_array_free(g.relocs, TRUE);
    g_array_free(g.slows, TRUE);
    return e;
}

/*
 * The goto_tb jump is one B: la64_patch_branch rewrites it with one aligned
 * 32-bit store. On a loongarch64 host the instruction cache is then synced
 * (__builtin___clear_cache emits IBAR); elsewhere the code never runs here.
 */
static void la64_patch_jump(uintptr_t jmp_rx, uint8_t *jmp_rw, uintptr_t target)
{
    uint32_t *insn = (uint32_t *)jmp_rw;
    uint32_t word = *insn;
    int64_t off = (int64_t)(target - jmp_rx);
    La64Buf tmp;

    la64_buf_init(&tmp, &word, 1);
    la64_b(&tmp, off);
    __atomic_store_n(insn, word, __ATOMIC_RELEASE);
#ifdef __loongarch__
    __builtin___clear_cache((char *)jmp_rw, (char *)jmp_rw + 4);
#endif
}

static uintptr_t la64_enter(const JitBackend *be, JitCpu *env, const void *code)
{
    uintptr_t (*fn)(JitCpu *, const void *) = (uintptr_t (*)(JitCpu *, const void *))be->prologue;
    return fn(env, code);
}

JitBackend jit_backend_loongarch64 = {
    .name = "loongarch64",
    .gen_prologue = la64_gen_prologue,
    .gen_code = la64_gen_code,
    .patch_jump = la64_patch_jump,
    .enter = la64_enter,
};
