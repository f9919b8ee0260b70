/*
 * sse-tr.c — translation of the SSE arithmetic families: integer ops
 * (IR vector ops for logic/add/sub/compare/shift-by-imm, one helper for
 * the rest), float arithmetic, compares, (U)COMIS, conversions and CRC32
 * (helpers that take env pointers). Also the operand plumbing shared with
 * sse-tr-move.c and sse-state.c, and the helper registration.
 */
#include "frontend-x86/sse-tr.h"

#include "jit/fatal.h"

SseHelpers sse_h;

/* ---------------------------------------------------------------------- */
/* Operand plumbing                                                        */

IrTempIdx sse_ptr(X86Tr *tr, int32_t off)
{
    IrTempIdx p = x86_tmp(tr);
    ir_gen_op2(tr->ctx, IR_OP_add, IR_I64, p, tr->ctx->env, x86_const(tr, (uint64_t)(int64_t)off));
    return p;
}

IrTempIdx sse_ea(X86Tr *tr)
{
    IrContext *ctx = tr->ctx;
    IrTempIdx ea = x86_ea(tr);

    if (ctx->temps[ea].kind != IR_TEMP_TB) {
        IrTempIdx l = ir_temp_new_tb(ctx, IR_I64);
        ir_gen_mov(ctx, IR_I64, l, ea);
        tr->ea = l;
        ea = l;
    }
    return ea;
}

void sse_check_align(X86Tr *tr)
{
    IrContext *ctx = tr->ctx;
    IrTempIdx ea = sse_ea(tr);
    uint32_t ok = ir_label_new(ctx);

    ir_gen_brcond(ctx, IR_I64, IR_COND_TSTEQ, ea, x86_const(tr, 15), ok);
    x86_gen_exception(tr, X86_EXCP_GP);
    tr->end = false;               /* the aligned path goes on */
    ir_gen_set_label(ctx, ok);
}

static IrMemOp size_memop(unsigned size)
{
    return size == 16 ? IR_MO_128 : size == 8 ? IR_MO_64 : size == 4 ? IR_MO_32
         : size == 2 ? IR_MO_16 : IR_MO_8;
}

int32_t sse_src(X86Tr *tr, unsigned size, bool align)
{
    IrContext *ctx = tr->ctx;

    if (tr->insn.mod == 3) {
        return SSE_XMM_OFF(tr->insn.rm);
    }
    if (align) {
        sse_check_align(tr);
    }
    IrTempIdx v = ir_temp_new(ctx, IR_V128);
    ir_gen_guest_ld(ctx, IR_V128, v, sse_ea(tr), size_memop(size), tr->mmu);
    ir_gen_st(ctx, IR_V128, v, ctx->env, SSE_TMP_OFF, IR_MO_128);
    return SSE_TMP_OFF;
}

void sse_check_xm(X86Tr *tr, IrTempIdx r)
{
    IrContext *ctx = tr->ctx;
    uint32_t ok = ir_label_new(ctx);

    ir_gen_brcond(ctx, IR_I32, IR_COND_EQ, r, ir_const_i32(ctx, 0), ok);
    x86_gen_exception(tr, X86_EXCP_XM);
    tr->end = false;
    ir_gen_set_label(ctx, ok);
}

IrTempIdx sse_ld_xmm(X86Tr *tr, int32_t off)
{
    IrTempIdx v = ir_temp_new(tr->ctx, IR_V128);
    ir_gen_ld(tr->ctx, IR_V128, v, tr->ctx->env, off, IR_MO_128);
    return v;
}

void sse_st_xmm(X86Tr *tr, int32_t off, IrTempIdx v)
{
    ir_gen_st(tr->ctx, IR_V128, v, tr->ctx->env, off, IR_MO_128);
}

int sse_opnd_index(const X86Tr *tr, unsigned k1, unsigned k2)
{
    for (int i = 0; i < 4 && tr->insn.opnd[i] != X86_OPND_NONE; i++) {
        if (tr->insn.opnd[i] == k1 || tr->insn.opnd[i] == k2) {
            return i;
        }
    }
    return -1;
}

/* ---------------------------------------------------------------------- */
/* Helpers as generated code calls them (i64 pointers, i32 selectors)      */

static uint32_t h_arith(void *env, uint64_t d, uint64_t s, uint32_t sel)
{
    return x86_sse_arith(env, (X86Vec *)(uintptr_t)d, (const X86Vec *)(uintptr_t)s, sel);
}
static uint32_t h_cmp(void *env, uint64_t d, uint64_t s, uint32_t sel)
{
    return x86_sse_cmp(env, (X86Vec *)(uintptr_t)d, (const X86Vec *)(uintptr_t)s, sel);
}
/* OSZAPC bits, or bit 31 for #XM, as an i64 for cc_src. */
static uint64_t h_comi(void *env, uint64_t a, uint64_t b, uint32_t sel)
{
    return x86_sse_comi(env, (const X86Vec *)(uintptr_t)a, (const X86Vec *)(uintptr_t)b, sel);
}
static uint32_t h_horiz(void *env, uint64_t d, uint64_t s, uint32_t sel)
{
    return x86_sse_horiz(env, (X86Vec *)(uintptr_t)d, (const X86Vec *)(uintptr_t)s, sel);
}
static uint32_t h_round(void *env, uint64_t d, uint64_t s, uint32_t sel)
{
    return x86_sse_round(env, (X86Vec *)(uintptr_t)d, (const X86Vec *)(uintptr_t)s, sel);
}
static uint32_t h_dp(void *env, uint64_t d, uint64_t s, uint32_t sel)
{
    return x86_sse_dp(env, (X86Vec *)(uintptr_t)d, (const X86Vec *)(uintptr_t)s, sel);
}
static void h_rcp(void *env, uint64_t d, uint64_t s, uint32_t sel)
{
    x86_sse_rcp(env, (X86Vec *)(uintptr_t)d, (const X86Vec *)(uintptr_t)s, sel);
}
static uint32_t h_cvt(void *env, uint64_t d, uint64_t s, uint32_t sel)
{
    return x86_sse_cvt(env, (X86Vec *)(uintptr_t)d, (const X86Vec *)(uintptr_t)s, sel);
}
static void h_int(uint64_t d, uint64_t s, uint32_t op, uint32_t imm)
{
    x86_sse_int((X86Vec *)(uintptr_t)d, (const X86Vec *)(uintptr_t)s, op, imm);
}
static uint64_t h_ptest(uint64_t a, uint64_t b)
{
    return x86_sse_ptest((const X86Vec *)(uintptr_t)a, (const X86Vec *)(uintptr_t)b);
}
static void h_blendv(void *env, uint64_t d, uint64_t s, uint32_t op)
{
    X86Cpu *cpu = env;
    x86_sse_blendv((X86Vec *)(uintptr_t)d, (const X86Vec *)(uintptr_t)s, &cpu->xmm[0], op);
}
static uint64_t h_movmsk(uint64_t s, uint32_t op)
{
    return x86_sse_movmsk((const X86Vec *)(uintptr_t)s, op);
}
static uint64_t h_pcmpstr(void *env, uint64_t a, uint64_t b, uint32_t ctl, uint64_t rax,
                          uint64_t rdx)
{
    X86Cpu *cpu = env;
    return x86_sse_pcmpstr(&cpu->xmm[0], (const X86Vec *)(uintptr_t)a,
                           (const X86Vec *)(uintptr_t)b, ctl, rax, rdx);
}
static uint64_t h_crc32(uint64_t crc, uint64_t v, uint32_t size)
{
    return x86_crc32c((uint32_t)crc, v, size);
}

static void h_fx_x87_save(void *env)
{
    X86Cpu *cpu = env;
    x87_state_to_fxsave(cpu, cpu->fx_image);
}
static void h_fx_x87_restore(void *env)
{
    X86Cpu *cpu = env;
    x87_state_from_fxsave(cpu, cpu->fx_image);
}

static unsigned reg_helper(const char *name, void *fn, IrType ret, unsigned n,
                           const IrType *args)
{
    IrHelper h = {
        .name = name, .func = fn, .ret = ret, .nb_args = (uint8_t)n,
        /* they touch xmm, xmm_tmp and mxcsr in env, none of the globals */
        .flags = IR_CALL_NO_READ_GLOBALS | IR_CALL_NO_WRITE_GLOBALS,
    };
    unsigned id;

    for (unsigned i = 0; i < n; i++) {
        h.args[i] = args[i];
    }
    if (!ir_helper_find(name, &id)) {
        id = ir_helper_register(&h);
    }
    return id;
}

void x86_sse_register_helpers(void)
{
    static const IrType ppi[4] = { IR_I64, IR_I64, IR_I64, IR_I32 };
    static const IrType ppii[4] = { IR_I64, IR_I64, IR_I32, IR_I32 };

    sse_h.arith = reg_helper("x86_sse_arith", (void *)h_arith, IR_I32, 4, ppi);
    sse_h.cmp = reg_helper("x86_sse_cmp", (void *)h_cmp, IR_I32, 4, ppi);
    sse_h.comi = reg_helper("x86_sse_comi", (void *)h_comi, IR_I64, 4, ppi);
    sse_h.horiz = reg_helper("x86_sse_horiz", (void *)h_horiz, IR_I32, 4, ppi);
    sse_h.round = reg_helper("x86_sse_round", (void *)h_round, IR_I32, 4, ppi);
    sse_h.dp = reg_helper("x86_sse_dp", (void *)h_dp, IR_I32, 4, ppi);
    sse_h.rcp = reg_helper("x86_sse_rcp", (void *)h_rcp, IR_VOID, 4, ppi);
    sse_h.cvt = reg_helper("x86_sse_cvt", (void *)h_cvt, IR_I32, 4, ppi);
    sse_h.intop = reg_helper("x86_sse_int", (void *)h_int, IR_VOID, 4, ppii);
    sse_h.ptest = reg_helper("x86_sse_ptest", (void *)h_ptest, IR_I64, 2, ppi);
    sse_h.blendv = reg_helper("x86_sse_blendv", (void *)h_blendv, IR_VOID, 4, ppi);
    sse_h.movmsk = reg_helper("x86_sse_movmsk", (void *)h_movmsk, IR_I64, 2, ppii + 1);
    sse_h.crc32 = reg_helper("x86_crc32c", (void *)h_crc32, IR_I64, 3, ppi + 1);
    static const IrType pcmp[6] = { IR_I64, IR_I64, IR_I64, IR_I32, IR_I64, IR_I64 };
    sse_h.pcmpstr = reg_helper("x86_sse_pcmpstr", (void *)h_pcmpstr, IR_I64, 6, pcmp);
    sse_h.fx_x87_save = reg_helper("x86_fx_x87_save", (void *)h_fx_x87_save, IR_VOID, 1, ppi);
    sse_h.fx_x87_restore = reg_helper("x86_fx_x87_restore", (void *)h_fx_x87_restore, IR_VOID,
                                      1, ppi);
}

/* ---------------------------------------------------------------------- */
/* Integer ops                                                             */

/* IR vector forms: op -> (vec opcode, vece); 0 when the op is a helper. */
static bool int_ir_op(unsigned op, IrOpcode *opc, unsigned *vece, bool *swap)
{
    static const struct { uint16_t op; uint8_t opc, vece, swap; } tab[] = {
        { X86_OP_PXOR, IR_OP_vec_xor, 0, 0 }, { X86_OP_POR, IR_OP_vec_or, 0, 0 },
        { X86_OP_PAND, IR_OP_vec_and, 0, 0 }, { X86_OP_PANDN, IR_OP_vec_andc, 0, 1 },
        { X86_OP_XORPS, IR_OP_vec_xor, 0, 0 }, { X86_OP_XORPD, IR_OP_vec_xor, 0, 0 },
        { X86_OP_ORPS, IR_OP_vec_or, 0, 0 }, { X86_OP_ORPD, IR_OP_vec_or, 0, 0 },
        { X86_OP_ANDPS, IR_OP_vec_and, 0, 0 }, { X86_OP_ANDPD, IR_OP_vec_and, 0, 0 },
        { X86_OP_ANDNPS, IR_OP_vec_andc, 0, 1 }, { X86_OP_ANDNPD, IR_OP_vec_andc, 0, 1 },
        { X86_OP_PADDB, IR_OP_vec_add, 0, 0 }, { X86_OP_PADDW, IR_OP_vec_add, 1, 0 },
        { X86_OP_PADDD, IR_OP_vec_add, 2, 0 }, { X86_OP_PADDQ, IR_OP_vec_add, 3, 0 },
        { X86_OP_PSUBB, IR_OP_vec_sub, 0, 0 }, { X86_OP_PSUBW, IR_OP_vec_sub, 1, 0 },
        { X86_OP_PSUBD, IR_OP_vec_sub, 2, 0 }, { X86_OP_PSUBQ, IR_OP_vec_sub, 3, 0 },
        { X86_OP_PCMPEQB, IR_OP_vec_cmpeq, 0, 0 }, { X86_OP_PCMPEQW, IR_OP_vec_cmpeq, 1, 0 },
        { X86_OP_PCMPEQD, IR_OP_vec_cmpeq, 2, 0 }, { X86_OP_PCMPEQQ, IR_OP_vec_cmpeq, 3, 0 },
        { X86_OP_PCMPGTB, IR_OP_vec_cmpgt, 0, 0 }, { X86_OP_PCMPGTW, IR_OP_vec_cmpgt, 1, 0 },
        { X86_OP_PCMPGTD, IR_OP_vec_cmpgt, 2, 0 }, { X86_OP_PCMPGTQ, IR_OP_vec_cmpgt, 3, 0 },
    };
    for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
        if (tab[i].op == op) {
            *opc = (IrOpcode)tab[i].opc;
            *vece = tab[i].vece;
            *swap = tab[i].swap;
            return true;
        }
    }
    return false;
}

/* d = d op src with one IR vector op. */
static void gen_int_ir(X86Tr *tr, IrOpcode opc, unsigned vece, bool swap)
{
    IrContext *ctx = tr->ctx;
    IrTempIdx b = ir_temp_new(ctx, IR_V128), r = ir_temp_new(ctx, IR_V128);
    int32_t d = SSE_XMM_OFF(tr->insn.reg);

    if (tr->insn.mod == 3) {
        ir_gen_ld(ctx, IR_V128, b, ctx->env, SSE_XMM_OFF(tr->insn.rm), IR_MO_128);
    } else {
        sse_check_align(tr);
        ir_gen_guest_ld(ctx, IR_V128, b, sse_ea(tr), IR_MO_128, tr->mmu);
    }
    IrTempIdx a = sse_ld_xmm(tr, d);
    IrTempIdx x = swap ? b : a, y = swap ? a : b;      /* PANDN: ~d & src */
    if (opc == IR_OP_vec_and || opc == IR_OP_vec_or || opc == IR_OP_vec_xor ||
        opc == IR_OP_vec_andc) {
        ir_emit(ctx, opc, IR_V128, 1, 2, (IrArg[]){ r, x, y });
    } else {
        ir_emit(ctx, opc, IR_V128, 1, 2, (IrArg[]){ r, x, y, vece });
    }
    sse_st_xmm(tr, d, r);
}

/* Shift by immediate (66 0F 71..73 /r): IR shifts for counts below the
 * lane width, zero or sign fill above; the byte shifts go to the helper. */
static void gen_shift_imm(X86Tr *tr, unsigned op, unsigned count)
{
    static const struct { uint16_t op; uint8_t opc, vece; } tab[] = {
        { X86_OP_PSLLW, IR_OP_vec_shli, 1 }, { X86_OP_PSRLW, IR_OP_vec_shri, 1 },
        { X86_OP_PSRAW, IR_OP_vec_sari, 1 }, { X86_OP_PSLLD, IR_OP_vec_shli, 2 },
        { X86_OP_PSRLD, IR_OP_vec_shri, 2 }, { X86_OP_PSRAD, IR_OP_vec_sari, 2 },
        { X86_OP_PSLLQ, IR_OP_vec_shli, 3 }, { X86_OP_PSRLQ, IR_OP_vec_shri, 3 },
    };
    IrContext *ctx = tr->ctx;
    int32_t off = SSE_XMM_OFF(tr->insn.rm);

    for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
        if (tab[i].op != op) {
            continue;
        }
        unsigned bits = 8u << tab[i].vece;
        IrTempIdx r = ir_temp_new(ctx, IR_V128);
        if (count >= bits && tab[i].opc != IR_OP_vec_sari) {
            ir_emit(ctx, IR_OP_dup, IR_V128, 1, 1, (IrArg[]){ r, ir_const_i32(ctx, 0), 2 });
        } else {
            IrTempIdx a = sse_ld_xmm(tr, off);
            unsigned c = count >= bits ? bits - 1 : count;
            ir_emit(ctx, (IrOpcode)tab[i].opc, IR_V128, 1, 1, (IrArg[]){ r, a, tab[i].vece, c });
        }
        sse_st_xmm(tr, off, r);
        return;
    }
    IrTempIdx p = sse_ptr(tr, off);
    ir_gen_call(ctx, sse_h.intop, 0,
                (IrTempIdx[]){ p, p, ir_const_i32(ctx, op), ir_const_i32(ctx, 0x100 | count) });
}

/* Memory operand size of the PMOVSX/ZX forms (the others are 16). */
static unsigned pmovx_size(unsigned op)
{
    switch (op) {
    case X86_OP_PMOVSXBW: case X86_OP_PMOVZXBW: case X86_OP_PMOVSXWD:
    case X86_OP_PMOVZXWD: case X86_OP_PMOVSXDQ: case X86_OP_PMOVZXDQ:
        return 8;
    case X86_OP_PMOVSXBD: case X86_OP_PMOVZXBD: case X86_OP_PMOVSXWQ:
    case X86_OP_PMOVZXWQ:
        return 4;
    case X86_OP_PMOVSXBQ: case X86_OP_PMOVZXBQ:
        return 2;
    default:
        return 16;
    }
}

bool x86_tr_sse_int(X86Tr *tr)
{
    const X86Insn *in = &tr->insn;
    IrContext *ctx = tr->ctx;
    unsigned op = in->op;
    IrOpcode opc;
    unsigned vece;
    bool swap;

    if (in->prefixes & X86_PFX_VEX) {
        return false;              /* AVX is not advertised */
    }
    bool logic_ps = op == X86_OP_XORPS || op == X86_OP_ORPS || op == X86_OP_ANDPS ||
                    op == X86_OP_ANDNPS;
    if (in->mandatory != 0x66 && !logic_ps) {
        return false;              /* MMX forms */
    }
    if (in->map == X86_MAP_0F && in->opcode >= 0x71 && in->opcode <= 0x73) {
        gen_shift_imm(tr, op, (unsigned)in->imm & 0xff);
        return true;
    }
    if (int_ir_op(op, &opc, &vece, &swap)) {
        gen_int_ir(tr, opc, vece, swap);
        return true;
    }
    unsigned size = pmovx_size(op);
    int32_t s = sse_src(tr, size, size == 16);
    IrTempIdx d = sse_ptr(tr, SSE_XMM_OFF(in->reg));
    if (op == X86_OP_PTEST) {
        IrTempIdx f = x86_tmp(tr);
        ir_gen_call(ctx, sse_h.ptest, f, (IrTempIdx[]){ d, sse_ptr(tr, s) });
        x86_set_cc(tr, X86_CC_EFLAGS, 8, 0, f, 0);
        return true;
    }
    if (op == X86_OP_PBLENDVB) {
        ir_gen_call(ctx, sse_h.blendv, 0,
                    (IrTempIdx[]){ ctx->env, d, sse_ptr(tr, s), ir_const_i32(ctx, op) });
        return true;
    }
    uint32_t imm = in->imm_size ? (uint32_t)in->imm & 0xff : 0;
    ir_gen_call(ctx, sse_h.intop, 0,
                (IrTempIdx[]){ d, sse_ptr(tr, s), ir_const_i32(ctx, op), ir_const_i32(ctx, imm) });
    return true;
}

/* ---------------------------------------------------------------------- */
/* PCMPxSTRx                                                               */

bool x86_tr_sse_pcmpstr(X86Tr *tr)
{
    IrContext *ctx = tr->ctx;
    const X86Insn *in = &tr->insn;
    unsigned op = in->op;

    if ((in->prefixes & X86_PFX_VEX) || in->mandatory != 0x66) {
        return false;
    }
    bool expl = op == X86_OP_PCMPESTRI || op == X86_OP_PCMPESTRM;
    bool mask = op == X86_OP_PCMPESTRM || op == X86_OP_PCMPISTRM;
    uint32_t ctl = ((uint32_t)in->imm & 0xff) | (expl ? X86_PCMPSTR_EXPLICIT : 0) |
                   (mask ? X86_PCMPSTR_MASK : 0) |
                   ((in->rex & 8) ? X86_PCMPSTR_WIDE : 0);
    int32_t s = sse_src(tr, 16, false);      /* no alignment rule for these */
    IrTempIdx r = x86_tmp(tr);

    ir_gen_call(ctx, sse_h.pcmpstr, r,
                (IrTempIdx[]){ ctx->env, sse_ptr(tr, SSE_XMM_OFF(in->reg)), sse_ptr(tr, s),
                               ir_const_i32(ctx, ctl), x86_g.regs[X86_RAX],
                               x86_g.regs[X86_RDX] });
    if (!mask) {
        IrTempIdx idx = x86_tmp(tr);
        ir_gen_op2(ctx, IR_OP_shr, IR_I64, idx, r, x86_const(tr, 32));
        x86_store_reg(tr, X86_RCX, 4, idx);
    }
    IrTempIdx f = x86_tmp(tr);
    ir_gen_op2(ctx, IR_OP_and, IR_I64, f, r, x86_const(tr, X86_OSZAPC));
    x86_set_cc(tr, X86_CC_EFLAGS, 8, 0, f, 0);
    return true;
}

/* ---------------------------------------------------------------------- */
/* CRC32                                                                   */

bool x86_tr_crc32(X86Tr *tr)
{
    IrContext *ctx = tr->ctx;
    unsigned size = x86_opnd_size(tr, 1);
    IrTempIdx v = x86_load_opnd(tr, 1);
    IrTempIdx crc = x86_load_reg(tr, tr->insn.reg, 4);
    IrTempIdx r = x86_tmp(tr);

    ir_gen_call(ctx, sse_h.crc32, r, (IrTempIdx[]){ crc, v, ir_const_i32(ctx, size) });
    /* 32-bit result, zero-extended into a 64-bit destination too */
    x86_store_reg(tr, tr->insn.reg, 4, r);
    return true;
}
