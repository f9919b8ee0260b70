/*
 * x87.c — translation of the x87 instructions (escape opcodes D8..DF).
 * The x87 is rare enough that every operation is a helper call
 * (x87-helpers.c); generated code does the guest memory accesses, the
 * pending-exception check of waiting instructions (#MF), the FPU
 * instruction/data pointers, and FCMOV's condition and FCOMI's EFLAGS.
 */
#include "frontend-x86/x87.h"

#include <stddef.h>

#include "frontend-x86/translate.h"

enum {
    H_WAIT, H_LOAD_TMP, H_PUSH_TMP, H_ARITH, H_COM, H_STORE, H_MISC, H_FNSTSW,
    H_FLDCW, H_STENV, H_LDENV, H__COUNT,
};

static unsigned helper_id[H__COUNT];

void x86_x87_register_helpers(void)
{
    enum { NG = IR_CALL_NO_READ_GLOBALS | IR_CALL_NO_WRITE_GLOBALS };
    static const IrHelper h[H__COUNT] = {
        [H_WAIT] = { "x87_wait", (void *)x87_helper_wait, IR_I32, 1, { IR_I64 }, NG },
        [H_LOAD_TMP] = { "x87_load_tmp", (void *)x87_helper_load_tmp, IR_VOID, 4,
                         { IR_I64, IR_I64, IR_I64, IR_I32 }, NG },
        [H_PUSH_TMP] = { "x87_push_tmp", (void *)x87_helper_push_tmp, IR_VOID, 2,
                         { IR_I64, IR_I32 }, NG },
        [H_ARITH] = { "x87_arith", (void *)x87_helper_arith, IR_VOID, 2, { IR_I64, IR_I32 }, NG },
        [H_COM] = { "x87_com", (void *)x87_helper_com, IR_I32, 2, { IR_I64, IR_I32 }, NG },
        [H_STORE] = { "x87_store", (void *)x87_helper_store, IR_I64, 2, { IR_I64, IR_I32 }, NG },
        [H_MISC] = { "x87_misc", (void *)x87_helper_misc, IR_VOID, 2, { IR_I64, IR_I32 }, NG },
        [H_FNSTSW] = { "x87_fnstsw", (void *)x87_helper_fnstsw, IR_I32, 1, { IR_I64 }, NG },
        [H_FLDCW] = { "x87_fldcw", (void *)x87_helper_fldcw, IR_VOID, 2, { IR_I64, IR_I32 }, NG },
        [H_STENV] = { "x87_stenv", (void *)x87_helper_stenv, IR_VOID, 2, { IR_I64, IR_I32 }, NG },
        [H_LDENV] = { "x87_ldenv", (void *)x87_helper_ldenv, IR_VOID, 2, { IR_I64, IR_I32 }, NG },
    };
    for (unsigned i = 0; i < H__COUNT; i++) {
        if (!ir_helper_find(h[i].name, &helper_id[i])) {
            helper_id[i] = ir_helper_register(&h[i]);
        }
    }
}

/* ---------------------------------------------------------------------- */
/* Emission helpers                                                        */

static void call(X86Tr *tr, unsigned h, IrTempIdx ret, uint32_t code)
{
    IrContext *ctx = tr->ctx;
    ir_gen_call(ctx, helper_id[h], ret, (IrTempIdx[]){ ctx->env, ir_const_i32(ctx, code) });
}

static IrTempIdx call_ret(X86Tr *tr, unsigned h, IrType t, uint32_t code)
{
    IrTempIdx r = ir_temp_new(tr->ctx, t);
    call(tr, h, r, code);
    return r;
}

static IrTempIdx addr_plus(X86Tr *tr, IrTempIdx a, unsigned off)
{
    IrTempIdx r = x86_tmp(tr);
    ir_gen_op2(tr->ctx, IR_OP_add, IR_I64, r, a, x86_const(tr, off));
    return r;
}

/* Raise #MF if an unmasked exception is pending (waiting instructions). */
static void gen_wait(X86Tr *tr)
{
    IrContext *ctx = tr->ctx;
    IrTempIdx pend = ir_temp_new(ctx, IR_I32);
    uint32_t ok = ir_label_new(ctx);

    ir_gen_call(ctx, helper_id[H_WAIT], pend, (IrTempIdx[]){ ctx->env });
    ir_gen_brcond(ctx, IR_I32, IR_COND_EQ, pend, ir_const_i32(ctx, 0), ok);
    x86_gen_exception(tr, X86_EXCP_MF);
    tr->end = false;
    ir_gen_set_label(ctx, ok);
    tr->ea = 0;                        /* a label was placed */
}

/* FIP, FOP and FDP for FNSTENV/FNSAVE (non-control instructions). */
static void gen_note_insn(X86Tr *tr, bool mem)
{
    IrContext *ctx = tr->ctx;
    uint16_t fop = (uint16_t)((tr->insn.opcode & 7) << 8 | tr->insn.modrm);

    ir_gen_st(ctx, IR_I64, x86_const(tr, tr->pc), ctx->env, offsetof(X86Cpu, fpu.fip),
              IR_MO_64);
    ir_gen_st(ctx, IR_I32, ir_const_i32(ctx, fop), ctx->env, offsetof(X86Cpu, fpu.fop),
              IR_MO_16);
    if (mem) {                         /* register forms keep the last FDP */
        ir_gen_st(ctx, IR_I64, x86_ea(tr), ctx->env, offsetof(X86Cpu, fpu.fdp), IR_MO_64);
    }
}

/* Load the memory operand (kind) into fpu.tmp. */
static void gen_load_tmp(X86Tr *tr, unsigned kind)
{
    static const unsigned size[] = { [X87_M_F32] = 4, [X87_M_F64] = 8, [X87_M_F80] = 8,
                                     [X87_M_I16] = 2, [X87_M_I32] = 4, [X87_M_I64] = 8,
                                     [X87_M_BCD] = 8 };
    IrContext *ctx = tr->ctx;
    IrTempIdx ea = x86_ea(tr);
    IrTempIdx lo = x86_gen_ld(tr, ea, size[kind]);
    IrTempIdx hi = x86_const(tr, 0);
    if (kind == X87_M_F80 || kind == X87_M_BCD) {
        hi = x86_gen_ld(tr, addr_plus(tr, ea, 8), 2);
    }
    ir_gen_call(ctx, helper_id[H_LOAD_TMP], 0,
                (IrTempIdx[]){ ctx->env, lo, hi, ir_const_i32(ctx, kind) });
}

/* Store ST0 to memory as kind, then pop if asked. */
static void gen_store(X86Tr *tr, unsigned kind, bool pop)
{
    static const unsigned size[] = { [X87_M_F32] = 4, [X87_M_F64] = 8, [X87_M_F80] = 8,
                                     [X87_M_I16] = 2, [X87_M_I32] = 4, [X87_M_I64] = 8,
                                     [X87_M_BCD] = 8, [X87_M_I16T] = 2, [X87_M_I32T] = 4,
                                     [X87_M_I64T] = 8 };
    IrContext *ctx = tr->ctx;
    IrTempIdx v = ir_temp_new_tb(ctx, IR_I64), skip = ir_temp_new(ctx, IR_I32);
    uint32_t done = ir_label_new(ctx);
    /* v crosses the branch: a temp of the whole TB, not a block temp. */
    ir_gen_call(ctx, helper_id[H_STORE], v, (IrTempIdx[]){ ctx->env, ir_const_i32(ctx, kind) });
    ir_gen_ld(ctx, IR_I32, skip, ctx->env, offsetof(X86Cpu, fpu.tmp_flags), IR_MO_16);
    ir_gen_brcond(ctx, IR_I32, IR_COND_NE, skip, ir_const_i32(ctx, 0), done);
    tr->ea = 0;                        /* recompute the address in this block */
    IrTempIdx ea = x86_ea(tr);
    if (kind == X87_M_F80 || kind == X87_M_BCD) {
        IrTempIdx hi = x86_tmp(tr);
        ir_gen_ld(ctx, IR_I64, hi, ctx->env, offsetof(X86Cpu, fpu.tmp.se), IR_MO_16);
        x86_gen_st(tr, addr_plus(tr, ea, 8), 2, hi);
    }
    x86_gen_st(tr, ea, size[kind], v);
    if (pop) {
        call(tr, H_MISC, 0, X87_POP);
    }
    ir_gen_set_label(ctx, done);
    tr->ea = 0;
}

/* Copy n bytes between guest memory at the operand and fpu.buf. */
static void gen_copy(X86Tr *tr, unsigned n, bool to_guest)
{
    IrContext *ctx = tr->ctx;
    IrTempIdx ea = x86_ea(tr);
    static const IrMemOp mo[9] = { [2] = IR_MO_16, [4] = IR_MO_32, [8] = IR_MO_64 };
    unsigned off = 0;
    while (off < n) {
        unsigned c = n - off >= 8 ? 8 : n - off >= 4 ? 4 : 2;
        IrTempIdx a = off ? addr_plus(tr, ea, off) : ea;
        int32_t eo = (int32_t)(offsetof(X86Cpu, fpu.buf) + off);
        if (to_guest) {
            IrTempIdx v = x86_tmp(tr);
            ir_gen_ld(ctx, IR_I64, v, ctx->env, eo, mo[c]);
            x86_gen_st(tr, a, c, v);
        } else {
            ir_gen_st(ctx, IR_I64, x86_gen_ld(tr, a, c), ctx->env, eo, mo[c]);
        }
        off += c;
    }
}

/* ---------------------------------------------------------------------- */
/* Instruction forms                                                       */

static unsigned sti(const X86Tr *tr)
{
    return tr->insn.modrm & 7;
}

/* Kind of the memory operand of a float/integer arithmetic or load. */
static unsigned mem_kind(const X86Tr *tr, bool integer)
{
    switch (tr->insn.opnd[0]) {
    case X86_OPND_Mw: return X87_M_I16;
    case X86_OPND_Md: return integer ? X87_M_I32 : X87_M_F32;
    case X86_OPND_Mq: return integer ? X87_M_I64 : X87_M_F64;
    default:          return X87_M_F80;
    }
}

static unsigned arith_op(X86Op op)
{
    switch (op) {
    case X86_OP_FADD: case X86_OP_FADDP: case X86_OP_FIADD: return X87_ADD;
    case X86_OP_FMUL: case X86_OP_FMULP: case X86_OP_FIMUL: return X87_MUL;
    case X86_OP_FSUB: case X86_OP_FSUBP: case X86_OP_FISUB: return X87_SUB;
    case X86_OP_FSUBR: case X86_OP_FSUBRP: case X86_OP_FISUBR: return X87_SUBR;
    case X86_OP_FDIV: case X86_OP_FDIVP: case X86_OP_FIDIV: return X87_DIV;
    default: return X87_DIVR;
    }
}

static void tr_arith(X86Tr *tr, X86Op op, bool integer, bool pop)
{
    unsigned aop = arith_op(op);
    if (tr->insn.mod != 3) {
        gen_load_tmp(tr, mem_kind(tr, integer));
        call(tr, H_ARITH, 0, X87_ARITH(aop, 0, X87_SRC_TMP, 0));
    } else if (tr->insn.opnd[0] == X86_OPND_ST0) {
        call(tr, H_ARITH, 0, X87_ARITH(aop, 0, sti(tr), 0));
    } else {
        call(tr, H_ARITH, 0, X87_ARITH(aop, sti(tr), 0, pop));
    }
}

static void tr_compare(X86Tr *tr, X86Op op)
{
    bool quiet = op == X86_OP_FUCOM || op == X86_OP_FUCOMP || op == X86_OP_FUCOMPP ||
                 op == X86_OP_FUCOMI || op == X86_OP_FUCOMIP;
    bool eflags = op == X86_OP_FCOMI || op == X86_OP_FCOMIP || op == X86_OP_FUCOMI ||
                  op == X86_OP_FUCOMIP;
    unsigned pops = op == X86_OP_FCOMPP || op == X86_OP_FUCOMPP ? 2
                  : op == X86_OP_FCOMP || op == X86_OP_FUCOMP || op == X86_OP_FICOMP ||
                    op == X86_OP_FCOMIP || op == X86_OP_FUCOMIP ? 1 : 0;
    unsigned src = op == X86_OP_FCOMPP || op == X86_OP_FUCOMPP ? 1 : sti(tr);
    if (tr->insn.mod != 3) {
        gen_load_tmp(tr, mem_kind(tr, op == X86_OP_FICOM || op == X86_OP_FICOMP));
        src = X87_SRC_TMP;
    }
    IrTempIdx f = call_ret(tr, H_COM, IR_I32, X87_COM(src, quiet, pops, eflags));
    if (eflags) {
        IrTempIdx f64 = x86_tmp(tr);
        ir_gen_op1(tr->ctx, IR_OP_extu_i32_i64, IR_I64, f64, f);
        x86_set_cc(tr, X86_CC_EFLAGS, 8, 0, f64, 0);
    }
}

static void tr_fcmov(X86Tr *tr, X86Op op)
{
    static const struct { X86Op op; unsigned cc; } conds[] = {
        { X86_OP_FCMOVB, 2 }, { X86_OP_FCMOVE, 4 }, { X86_OP_FCMOVBE, 6 },
        { X86_OP_FCMOVU, 10 }, { X86_OP_FCMOVNB, 3 }, { X86_OP_FCMOVNE, 5 },
        { X86_OP_FCMOVNBE, 7 }, { X86_OP_FCMOVNU, 11 },
    };
    IrContext *ctx = tr->ctx;
    unsigned cc = 0;
    for (unsigned k = 0; k < sizeof(conds) / sizeof(conds[0]); k++) {
        if (conds[k].op == op) {
            cc = conds[k].cc;
        }
    }
    IrTempIdx c = x86_gen_setcc(tr, cc), code = x86_tmp(tr), code32 = ir_temp_new(ctx, IR_I32);
    ir_gen_op2(ctx, IR_OP_shl, IR_I64, code, c, x86_const(tr, 12));
    ir_gen_op2(ctx, IR_OP_or, IR_I64, code, code, x86_const(tr, X87_FCMOV | sti(tr) << 8));
    ir_gen_op1(ctx, IR_OP_extrl_i64_i32, IR_I32, code32, code);
    ir_gen_call(ctx, helper_id[H_MISC], 0, (IrTempIdx[]){ ctx->env, code32 });
}

/* FNSTENV/FLDENV/FNSAVE/FRSTOR: the image format follows the operand size. */
static void tr_env(X86Tr *tr, X86Op op)
{
    unsigned mode = tr->insn.opsize == 2 ? X87_ENV16 : X87_ENV32;
    if (op == X86_OP_FNSAVE || op == X86_OP_FRSTOR) {
        mode |= X87_SAVE;
    }
    unsigned n = X87_ENV_SIZE(mode) + (mode & X87_SAVE ? 80 : 0);
    if (op == X86_OP_FNSTENV || op == X86_OP_FNSAVE) {
        call(tr, H_STENV, 0, mode);
        gen_copy(tr, n, true);
    } else {
        gen_copy(tr, n, false);
        call(tr, H_LDENV, 0, mode);
    }
}

/* Memory loads and stores: FLD FILD FBLD FST(P) FIST(P) FISTTP FBSTP. */
static void tr_mem_move(X86Tr *tr, X86Op op)
{
    bool integer = op == X86_OP_FILD || op == X86_OP_FIST || op == X86_OP_FISTP ||
                   op == X86_OP_FISTTP;
    unsigned kind = mem_kind(tr, integer);
    switch (op) {
    case X86_OP_FLD: case X86_OP_FILD: case X86_OP_FBLD:
        gen_load_tmp(tr, op == X86_OP_FBLD ? X87_M_BCD : kind);
        call(tr, H_PUSH_TMP, 0, kind == X87_M_F32 || kind == X87_M_F64);
        break;
    case X86_OP_FBSTP:
        gen_store(tr, X87_M_BCD, true);
        break;
    case X86_OP_FISTTP:
        gen_store(tr, kind == X87_M_I16 ? X87_M_I16T : kind == X87_M_I32 ? X87_M_I32T
                                                                         : X87_M_I64T, true);
        break;
    default:
        gen_store(tr, kind, op != X86_OP_FST && op != X86_OP_FIST);
        break;
    }
}

/* Register-only operations handled entirely by x87_misc. */
static int misc_code(const X86Tr *tr, X86Op op)
{
    static const struct { X86Op op; unsigned code; } map[] = {
        { X86_OP_FXCH, X87_FXCH }, { X86_OP_FST, X87_FST }, { X86_OP_FSTP, X87_FSTP },
        { X86_OP_FLD, X87_FLDST }, { X86_OP_FFREE, X87_FFREE }, { X86_OP_FFREEP, X87_FFREEP },
        { X86_OP_FCHS, X87_FCHS }, { X86_OP_FABS, X87_FABS }, { X86_OP_FTST, X87_FTST },
        { X86_OP_FXAM, X87_FXAM }, { X86_OP_FLD1, X87_FLD1 }, { X86_OP_FLDL2T, X87_FLDL2T },
        { X86_OP_FLDL2E, X87_FLDL2E }, { X86_OP_FLDPI, X87_FLDPI },
        { X86_OP_FLDLG2, X87_FLDLG2 }, { X86_OP_FLDLN2, X87_FLDLN2 },
        { X86_OP_FLDZ, X87_FLDZ }, { X86_OP_FINCSTP, X87_FINCSTP },
        { X86_OP_FDECSTP, X87_FDECSTP }, { X86_OP_FNCLEX, X87_FNCLEX },
        { X86_OP_FNINIT, X87_FNINIT }, { X86_OP_FSQRT, X87_FSQRT },
        { X86_OP_FRNDINT, X87_FRNDINT }, { X86_OP_FSCALE, X87_FSCALE },
        { X86_OP_FXTRACT, X87_FXTRACT }, { X86_OP_FPREM, X87_FPREM },
        { X86_OP_FPREM1, X87_FPREM1 }, { X86_OP_F2XM1, X87_F2XM1 },
        { X86_OP_FYL2X, X87_FYL2X }, { X86_OP_FYL2XP1, X87_FYL2XP1 },
        { X86_OP_FPTAN, X87_FPTAN }, { X86_OP_FPATAN, X87_FPATAN },
        { X86_OP_FSIN, X87_FSIN }, { X86_OP_FCOS, X87_FCOS }, { X86_OP_FSINCOS, X87_FSINCOS },
    };
    for (unsigned k = 0; k < sizeof(map) / sizeof(map[0]); k++) {
        if (map[k].op == op) {
            return (int)(map[k].code | sti(tr) << 8);
        }
    }
    return -1;
}

/* Control instructions: no FIP/FOP update, and no #MF check except the
 * caller's for FLDCW/FLDENV/FRSTOR. */
static bool tr_control(X86Tr *tr, X86Op op)
{
    IrContext *ctx = tr->ctx;
    switch (op) {
    case X86_OP_FNSTSW: {
        IrTempIdx sw = call_ret(tr, H_FNSTSW, IR_I32, 0), sw64 = x86_tmp(tr);
        ir_gen_op1(ctx, IR_OP_extu_i32_i64, IR_I64, sw64, sw);
        if (tr->insn.mod == 3) {
            x86_store_reg(tr, X86_RAX, 2, sw64);
        } else {
            x86_gen_st(tr, x86_ea(tr), 2, sw64);
        }
        return true;
    }
    case X86_OP_FNSTCW: {
        IrTempIdx cw = x86_tmp(tr);
        ir_gen_ld(ctx, IR_I64, cw, ctx->env, offsetof(X86Cpu, fpu.fcw), IR_MO_16);
        x86_gen_st(tr, x86_ea(tr), 2, cw);
        return true;
    }
    case X86_OP_FLDCW: {
        IrTempIdx v = x86_gen_ld(tr, x86_ea(tr), 2), v32 = ir_temp_new(ctx, IR_I32);
        ir_gen_op1(ctx, IR_OP_extrl_i64_i32, IR_I32, v32, v);
        ir_gen_call(ctx, helper_id[H_FLDCW], 0, (IrTempIdx[]){ ctx->env, v32 });
        return true;
    }
    case X86_OP_FNCLEX: call(tr, H_MISC, 0, X87_FNCLEX); return true;
    case X86_OP_FNINIT: call(tr, H_MISC, 0, X87_FNINIT); return true;
    case X86_OP_FNSTENV: case X86_OP_FLDENV: case X86_OP_FNSAVE: case X86_OP_FRSTOR:
        tr_env(tr, op);
        return true;
    case X86_OP_FENI: case X86_OP_FDISI: case X86_OP_FSETPM:
        return true;                   /* 8087/287 leftovers: no-ops on the 387+ */
    default:
        return false;
    }
}

bool x86_tr_x87(X86Tr *tr)
{
    X86Op op = (X86Op)tr->insn.op;
    bool mem = tr->insn.mod != 3;

    if (op == X86_OP_FWAIT) {
        gen_wait(tr);
        return true;
    }
    if (op == X86_OP_FLDCW || op == X86_OP_FLDENV || op == X86_OP_FRSTOR) {
        gen_wait(tr);                  /* waiting control instructions */
    }
    if (tr_control(tr, op)) {
        return true;
    }
    gen_wait(tr);
    gen_note_insn(tr, mem);
    switch (op) {
    case X86_OP_FNOP:
        return true;
    case X86_OP_FADD: case X86_OP_FMUL: case X86_OP_FSUB: case X86_OP_FSUBR:
    case X86_OP_FDIV: case X86_OP_FDIVR:
        tr_arith(tr, op, false, false);
        return true;
    case X86_OP_FADDP: case X86_OP_FMULP: case X86_OP_FSUBP: case X86_OP_FSUBRP:
    case X86_OP_FDIVP: case X86_OP_FDIVRP:
        tr_arith(tr, op, false, true);
        return true;
    case X86_OP_FIADD: case X86_OP_FIMUL: case X86_OP_FISUB: case X86_OP_FISUBR:
    case X86_OP_FIDIV: case X86_OP_FIDIVR:
        tr_arith(tr, op, true, false);
        return true;
    case X86_OP_FCOM: case X86_OP_FCOMP: case X86_OP_FCOMPP: case X86_OP_FUCOM:
    case X86_OP_FUCOMP: case X86_OP_FUCOMPP: case X86_OP_FICOM: case X86_OP_FICOMP:
    case X86_OP_FCOMI: case X86_OP_FCOMIP: case X86_OP_FUCOMI: case X86_OP_FUCOMIP:
        tr_compare(tr, op);
        return true;
    case X86_OP_FCMOVB: case X86_OP_FCMOVE: case X86_OP_FCMOVBE: case X86_OP_FCMOVU:
    case X86_OP_FCMOVNB: case X86_OP_FCMOVNE: case X86_OP_FCMOVNBE: case X86_OP_FCMOVNU:
        tr_fcmov(tr, op);
        return true;
    default:
        break;
    }
    if (mem) {
        tr_mem_move(tr, op);
        return true;
    }
    int code = misc_code(tr, op);
    if (code < 0) {
        return false;
    }
    call(tr, H_MISC, 0, (uint32_t)code);
    return true;
}
