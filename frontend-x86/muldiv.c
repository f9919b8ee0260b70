/*
 * muldiv.c — MUL, IMUL (one-, two- and three-operand forms), DIV and IDIV.
 * Division goes through a helper that raises #DE (divide by zero or a
 * quotient that does not fit) before changing any register, as the CPU does.
 */
#include "frontend-x86/translate.h"

#include "jit/fatal.h"

static unsigned helper_div;

/*
 * Divide rDX:rAX (AX for bytes) by src; size | (signed << 4) selects the
 * form. Returns 1 for #DE (registers untouched), else 0 with the quotient
 * and remainder written.
 */
static uint32_t helper_x86_div(void *env, uint64_t src, uint32_t form)
{
    X86Cpu *cpu = env;
    unsigned size = form & 15, bits = size * 8;
    bool sign = form >> 4;
    uint64_t m = bits == 64 ? ~0ull : (1ull << bits) - 1;
    uint64_t lo = cpu->regs[X86_RAX], hi = cpu->regs[X86_RDX];
    unsigned __int128 n;

    if (size == 1) {
        n = lo & 0xffff;
        hi = 0;
    } else {
        n = ((unsigned __int128)(hi & m) << bits) | (lo & m);
    }
    src &= m;
    if (src == 0) {
        return 1;
    }
    uint64_t q, r;
    if (!sign) {
        unsigned __int128 qq = n / src;
        if (qq > m) {
            return 1;
        }
        q = (uint64_t)qq;
        r = (uint64_t)(n % src);
    } else {
        unsigned dbits = bits * 2;
        __int128 sn = dbits == 128 ? (__int128)n
                                   : (__int128)(n << (128 - dbits)) >> (128 - dbits);
        __int128 sd = (int64_t)(src << (64 - bits)) >> (64 - bits);
        const __int128 min128 = (__int128)((unsigned __int128)1 << 127);
        if (sn == min128 && sd == -1) {
            return 1;
        }
        __int128 qq = sn / sd;
        __int128 lim = (__int128)1 << (bits - 1);
        if (qq >= lim || qq < -lim) {
            return 1;
        }
        q = (uint64_t)qq & m;
        r = (uint64_t)(sn % sd) & m;
    }
    if (size == 1) {
        cpu->regs[X86_RAX] = (lo & ~0xffffull) | q | (r << 8);
    } else if (size == 4) {
        cpu->regs[X86_RAX] = q;
        cpu->regs[X86_RDX] = r;
    } else {
        cpu->regs[X86_RAX] = (lo & ~m) | q;
        cpu->regs[X86_RDX] = (hi & ~m) | r;
    }
    return 0;
}

void x86_muldiv_register_helpers(void)
{
    static const IrHelper h = {
        .name = "x86_div", .func = (void *)helper_x86_div, .ret = IR_I32,
        .nb_args = 3, .args = { IR_I64, IR_I64, IR_I32 }, .flags = 0,
    };
    if (!ir_helper_find(h.name, &helper_div)) {
        helper_div = ir_helper_register(&h);
    }
}

static void gen_div(X86Tr *tr, unsigned size, bool sign)
{
    IrContext *ctx = tr->ctx;
    IrTempIdx src = x86_load_opnd(tr, 0);
    IrTempIdx err = ir_temp_new(ctx, IR_I32);
    uint32_t ok = ir_label_new(ctx);

    ir_gen_call(ctx, helper_div, err,
                (IrTempIdx[]){ ctx->env, src, ir_const_i32(ctx, size | (sign ? 16 : 0)) });
    ir_gen_brcond(ctx, IR_I32, IR_COND_EQ, err, ir_const_i32(ctx, 0), ok);
    x86_gen_exception(tr, X86_EXCP_DE);
    tr->end = false;               /* the fall-through path goes on */
    ir_gen_set_label(ctx, ok);
}

/* One-operand MUL/IMUL: rDX:rAX (AX) = rAX * src. */
static void gen_mul1(X86Tr *tr, unsigned size, bool sign)
{
    IrContext *ctx = tr->ctx;
    IrTempIdx src = x86_load_opnd(tr, 0);
    IrTempIdx a = x86_load_reg(tr, X86_RAX, size);
    IrTempIdx lo = x86_tmp(tr), hi = x86_tmp(tr);

    if (size == 8) {
        ir_emit(ctx, sign ? IR_OP_muls2 : IR_OP_mulu2, IR_I64, 2, 2, (IrArg[]){ lo, hi, a, src });
    } else {
        IrTempIdx p = x86_tmp(tr);
        if (sign) {
            a = x86_sext(tr, a, size);
            src = x86_sext(tr, src, size);
        }
        ir_gen_op2(ctx, IR_OP_mul, IR_I64, p, a, src);
        ir_gen_extract(ctx, IR_I64, lo, p, 0, size * 8);
        ir_gen_extract(ctx, IR_I64, hi, p, size * 8, size * 8);
    }
    if (size == 1) {
        IrTempIdx ax = x86_tmp(tr);
        ir_gen_deposit(ctx, IR_I64, ax, lo, hi, 8, 8);
        x86_store_reg(tr, X86_RAX, 2, ax);
    } else {
        x86_store_reg(tr, X86_RAX, size, lo);
        x86_store_reg(tr, X86_RDX, size, hi);
    }
    x86_set_cc(tr, sign ? X86_CC_IMULB : X86_CC_MULB, size, lo, hi, 0);
}

/* IMUL reg, r/m [, imm]: truncated product, CF = OF = it overflowed. */
static void gen_imul_n(X86Tr *tr, unsigned size)
{
    IrContext *ctx = tr->ctx;
    bool three = tr->insn.opnd[2] != X86_OPND_NONE;
    IrTempIdx a = x86_load_opnd(tr, 1);
    IrTempIdx b = three ? x86_load_opnd(tr, 2) : x86_load_reg(tr, tr->insn.reg, size);
    IrTempIdx lo = x86_tmp(tr), hi = x86_tmp(tr);

    if (size == 8) {
        ir_emit(ctx, IR_OP_muls2, IR_I64, 2, 2, (IrArg[]){ lo, hi, a, b });
    } else {
        IrTempIdx p = x86_tmp(tr);
        ir_gen_op2(ctx, IR_OP_mul, IR_I64, p, x86_sext(tr, a, size), x86_sext(tr, b, size));
        ir_gen_extract(ctx, IR_I64, lo, p, 0, size * 8);
        ir_gen_extract(ctx, IR_I64, hi, p, size * 8, size * 8);
    }
    x86_store_reg(tr, tr->insn.reg, size, lo);
    x86_set_cc(tr, X86_CC_IMULB, size, lo, hi, 0);
}

bool x86_tr_muldiv(X86Tr *tr)
{
    X86Op op = (X86Op)tr->insn.op;
    bool one = tr->insn.opnd[1] == X86_OPND_NONE;
    unsigned size = x86_opnd_size(tr, 0);

    switch (op) {
    case X86_OP_MUL:  gen_mul1(tr, size, false); return true;
    case X86_OP_DIV:  gen_div(tr, size, false); return true;
    case X86_OP_IDIV: gen_div(tr, size, true); return true;
    default:
        if (one) {
            gen_mul1(tr, size, true);
        } else {
            gen_imul_n(tr, size);
        }
        return true;
    }
}
