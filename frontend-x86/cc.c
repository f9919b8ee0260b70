/*
 * cc.c — lazy flags in the translator. Flag-setting instructions record
 * (cc_op, cc_dst, cc_src, cc_src2) in globals; readers evaluate conditions
 * inline when the producing operation is known at translation time (the
 * common CMP/SUB/TEST + Jcc pairs), and otherwise call x86_cc_compute.
 * Writes that a later instruction overwrites before any exit are removed
 * by liveness, so unread flags cost nothing; components the new cc_op does
 * not use are zeroed so that this holds across memory accesses too.
 */
#include "frontend-x86/translate.h"

#include "jit/fatal.h"

static unsigned helper_cc_compute, helper_cc_cf;

static uint64_t helper_x86_cc_compute(uint32_t op, uint64_t dst, uint64_t src, uint64_t src2)
{
    return x86_cc_compute(op, dst, src, src2);
}

void x86_cc_register_helpers(void)
{
    static const IrHelper h = {
        .name = "x86_cc_compute", .func = (void *)helper_x86_cc_compute, .ret = IR_I64,
        .nb_args = 4, .args = { IR_I32, IR_I64, IR_I64, IR_I64 },
        .flags = IR_CALL_NO_READ_GLOBALS | IR_CALL_NO_WRITE_GLOBALS | IR_CALL_NO_SIDE_EFFECTS,
    };
    static const IrHelper cf = {
        .name = "x86_cc_compute_cf", .func = (void *)x86_cc_compute_cf, .ret = IR_I64,
        .nb_args = 4, .args = { IR_I32, IR_I64, IR_I64, IR_I64 },
        .flags = IR_CALL_NO_READ_GLOBALS | IR_CALL_NO_WRITE_GLOBALS | IR_CALL_NO_SIDE_EFFECTS,
    };
    if (!ir_helper_find(h.name, &helper_cc_compute)) {
        helper_cc_compute = ir_helper_register(&h);
        helper_cc_cf = ir_helper_register(&cf);
    }
    ir_helper_find(cf.name, &helper_cc_cf);
}

static unsigned size_index(unsigned size)
{
    return size == 1 ? 0 : size == 2 ? 1 : size == 4 ? 2 : 3;
}

void x86_set_cc(X86Tr *tr, X86CcOp base, unsigned size, IrTempIdx dst, IrTempIdx src,
                IrTempIdx src2)
{
    IrContext *ctx = tr->ctx;
    int op = base == X86_CC_EFLAGS ? X86_CC_EFLAGS : (int)(base + size_index(size));

    const IrTempIdx vals[3] = { dst, src, src2 };
    const IrTempIdx globals[3] = { x86_g.cc_dst, x86_g.cc_src, x86_g.cc_src2 };
    /* Components the new state reads: SAR's OF comes from src2 (0 unless
     * given), EFLAGS ignores dst, LOGIC reads dst only. */
    unsigned kind = op == X86_CC_EFLAGS ? ~0u : (unsigned)(op - X86_CC_ADDB) / 4;
    unsigned used = op == X86_CC_EFLAGS ? 2 : kind == 4 ? 1 : kind == 1 || kind == 3 || kind == 8 ? 7 : 3;

    /* A component the new state does not use is zeroed, when this TB gave
     * it a value before, rather than left alone: that makes the previous
     * producer's value dead, so liveness removes its computation (an eager
     * EFLAGS merge, say) even when a memory access lies between. Left
     * alone otherwise: a zero would cost a store at the next memory point
     * or exit, and the stale value is never read. The register allocator
     * stores a repeated zero to env only once. */
    for (unsigned i = 0; i < 3; i++) {
        if (vals[i]) {
            ir_gen_mov(ctx, IR_I64, globals[i], vals[i]);
            tr->cc_written |= 1u << i;
        } else if ((used | tr->cc_written) >> i & 1) {
            ir_gen_movi(ctx, IR_I64, globals[i], 0);
            tr->cc_written &= ~(1u << i);
        }
    }
    ir_gen_movi(ctx, IR_I32, x86_g.cc_op, (uint32_t)op);
    tr->cc_static = op;
}

static bool static_kind(const X86Tr *tr, X86CcOp *kind, unsigned *size);

bool x86_set_cc_rotate(X86Tr *tr, IrTempIdx cfof)
{
    X86CcOp kind;
    unsigned size;
    int old = tr->cc_static;

    /* The previous state must be known, and must not need src2 (which
     * now carries CF and OF). MD5 rotates right after an ADD. */
    if (old < 0 || old >= X86_CC_COUNT ||
        (static_kind(tr, &kind, &size) &&
         (kind == X86_CC_ADCB || kind == X86_CC_SBBB || kind == X86_CC_SARB))) {
        return false;
    }
    ir_gen_mov(tr->ctx, IR_I64, x86_g.cc_src2, cfof);
    tr->cc_written |= 4;
    ir_gen_movi(tr->ctx, IR_I32, x86_g.cc_op, (uint32_t)(X86_CC_ROT + old));
    tr->cc_static = X86_CC_ROT + old;
    return true;
}

/*
 * EFLAGS after a logic op, inline: ZF, SF and PF from the result, the rest
 * zero. glibc's pointer mangling (xor; rol) and BT/CLC after TEST read
 * whole flags this way often enough to keep it out of the helper.
 */
static IrTempIdx logic_eflags(X86Tr *tr, unsigned size)
{
    IrContext *ctx = tr->ctx;
    IrTempIdx dst = x86_zext(tr, x86_g.cc_dst, size);
    IrTempIdx z = x86_tmp(tr), sgn = x86_tmp(tr), p = x86_tmp(tr), f = x86_tmp(tr);

    ir_gen_setcond(ctx, IR_I64, IR_COND_EQ, z, dst, x86_const(tr, 0));
    ir_gen_op2(ctx, IR_OP_shl, IR_I64, z, z, x86_const(tr, 6));             /* ZF */
    ir_gen_extract(ctx, IR_I64, sgn, dst, size * 8 - 1, 1);
    ir_gen_op2(ctx, IR_OP_shl, IR_I64, sgn, sgn, x86_const(tr, 7));         /* SF */
    ir_gen_extract(ctx, IR_I64, p, dst, 0, 8);
    ir_gen_op1(ctx, IR_OP_popcnt, IR_I64, p, p);
    ir_gen_op2(ctx, IR_OP_and, IR_I64, p, p, x86_const(tr, 1));
    ir_gen_op2(ctx, IR_OP_xor, IR_I64, p, p, x86_const(tr, 1));
    ir_gen_op2(ctx, IR_OP_shl, IR_I64, p, p, x86_const(tr, 2));             /* PF: even */
    ir_gen_op2(ctx, IR_OP_or, IR_I64, f, z, sgn);
    ir_gen_op2(ctx, IR_OP_or, IR_I64, f, f, p);
    return f;
}

IrTempIdx x86_gen_eflags(X86Tr *tr)
{
    IrTempIdx f = x86_tmp(tr);

    if (tr->cc_static == X86_CC_EFLAGS) {
        /* Already computed: the flags are in cc_src. */
        ir_gen_op2(tr->ctx, IR_OP_and, IR_I64, f, x86_g.cc_src, x86_const(tr, X86_OSZAPC));
        return f;
    }
    X86CcOp kind;
    unsigned size;
    if (static_kind(tr, &kind, &size) && kind == X86_CC_LOGICB) {
        return logic_eflags(tr, size);
    }
    IrTempIdx op = tr->cc_static >= 0 ? ir_const_i32(tr->ctx, (uint32_t)tr->cc_static)
                                      : x86_g.cc_op;
    ir_gen_call(tr->ctx, helper_cc_compute, f,
                (IrTempIdx[]){ op, x86_g.cc_dst, x86_g.cc_src, x86_g.cc_src2 });
    return f;
}

/* Kind (ADD, SUB, LOGIC...) and operand size of a static cc_op. */
static bool static_kind(const X86Tr *tr, X86CcOp *kind, unsigned *size)
{
    if (tr->cc_static <= X86_CC_EFLAGS || tr->cc_static >= X86_CC_COUNT) {
        return false;
    }
    unsigned k = (unsigned)(tr->cc_static - X86_CC_ADDB);
    *kind = (X86CcOp)(X86_CC_ADDB + (k / 4) * 4);
    *size = 1u << (k % 4);
    return true;
}

/* Inline forms of condition pair p (cc >> 1) after CMP/SUB. */
static bool cond_after_sub(X86Tr *tr, unsigned p, unsigned size, IrCond *c, IrTempIdx *a,
                           IrTempIdx *b)
{
    IrContext *ctx = tr->ctx;
    IrTempIdx src = x86_g.cc_src;
    IrTempIdx lhs = x86_tmp(tr);

    switch (p) {
    case 1: *c = IR_COND_LTU; break;          /* B */
    case 2: *c = IR_COND_EQ; *a = x86_g.cc_dst; *b = x86_const(tr, 0); return true;
    case 3: *c = IR_COND_LEU; break;          /* BE */
    case 4: *c = IR_COND_LT; *a = x86_sext(tr, x86_g.cc_dst, size); *b = x86_const(tr, 0);
        return true;                          /* S */
    case 6: *c = IR_COND_LT; break;           /* L */
    case 7: *c = IR_COND_LE; break;           /* LE */
    default: return false;                    /* O, P: through the helper */
    }
    /* The first operand of the CMP/SUB: result + second operand. */
    ir_gen_op2(ctx, IR_OP_add, IR_I64, lhs, x86_g.cc_dst, src);
    if (*c == IR_COND_LT || *c == IR_COND_LE) {
        *a = x86_sext(tr, lhs, size);
        *b = x86_sext(tr, src, size);
    } else {
        *a = x86_zext(tr, lhs, size);
        *b = src;
    }
    return true;
}

/* Inline forms after logic ops (CF = OF = 0) and for ZF/SF of any op. */
static bool cond_from_result(X86Tr *tr, unsigned p, unsigned size, bool logic, IrCond *c,
                             IrTempIdx *a, IrTempIdx *b)
{
    IrTempIdx dst = x86_g.cc_dst;

    switch (p) {
    case 2: *c = IR_COND_EQ; *a = x86_zext(tr, dst, size); *b = x86_const(tr, 0); return true;
    case 4: *c = IR_COND_LT; *a = x86_sext(tr, dst, size); *b = x86_const(tr, 0); return true;
    default: break;
    }
    if (!logic) {
        return false;
    }
    switch (p) {
    case 0:                                   /* O */
    case 1: *c = IR_COND_NE; break;           /* B: never (0 != 0) */
    case 3: *c = IR_COND_EQ; *a = x86_zext(tr, dst, size); *b = x86_const(tr, 0); return true;
    case 6: *c = IR_COND_LT; *a = x86_sext(tr, dst, size); *b = x86_const(tr, 0); return true;
    case 7: *c = IR_COND_LE; *a = x86_sext(tr, dst, size); *b = x86_const(tr, 0); return true;
    default: return false;
    }
    *a = *b = x86_const(tr, 0);
    return true;
}

/*
 * CF (condition pair 1, "B") without the helper for the operations that
 * record it simply: ADD (the sum wrapped below an addend), INC/DEC (kept in
 * cc_src), SHL (top bit of the value shifted by count - 1), SAR/SHR (its
 * low bit). INC and DEC read the old CF this way, so chains of ADD/INC
 * stay inline.
 */
static bool carry_inline(X86Tr *tr, X86CcOp kind, unsigned size, IrCond *c, IrTempIdx *a,
                         IrTempIdx *b)
{
    switch (kind) {
    case X86_CC_ADDB:
        *c = IR_COND_LTU;
        *a = x86_zext(tr, x86_g.cc_dst, size);
        *b = x86_zext(tr, x86_g.cc_src, size);
        return true;
    case X86_CC_INCB: case X86_CC_DECB: case X86_CC_SARB:
        *c = IR_COND_TSTNE;
        *a = x86_g.cc_src;
        *b = x86_const(tr, 1);
        return true;
    case X86_CC_SHLB:
        *c = IR_COND_TSTNE;
        *a = x86_g.cc_src;
        *b = x86_const(tr, 1ull << (size * 8 - 1));
        return true;
    default:
        return false;
    }
}

void x86_gen_cond(X86Tr *tr, unsigned cc, IrCond *cond, IrTempIdx *a, IrTempIdx *b)
{
    static const uint64_t masks[8] = {
        X86_OF, X86_CF, X86_ZF, X86_CF | X86_ZF, X86_SF, X86_PF, 0, 0,
    };
    unsigned p = cc >> 1;
    X86CcOp kind;
    unsigned size;
    bool done = false;

    if (static_kind(tr, &kind, &size)) {
        if (kind == X86_CC_SUBB) {
            done = cond_after_sub(tr, p, size, cond, a, b);
        } else if (p == 1) {
            done = kind == X86_CC_LOGICB ? cond_from_result(tr, p, size, true, cond, a, b)
                                        : carry_inline(tr, kind, size, cond, a, b);
        } else {
            done = cond_from_result(tr, p, size, kind == X86_CC_LOGICB, cond, a, b);
        }
    }
    if (!done && p <= 1 && tr->cc_static >= X86_CC_ROT) {
        /* After a rotate CF and OF are bits of cc_src2. */
        *cond = IR_COND_TSTNE;
        *a = x86_g.cc_src2;
        *b = x86_const(tr, p == 0 ? X86_OF : X86_CF);
        done = true;
    }
    if (!done && p == 1 && tr->cc_static < 0) {
        /* CF of an unknown producer (INC at the start of a TB): the
         * cheaper CF-only helper. */
        IrTempIdx f = x86_tmp(tr);
        ir_gen_call(tr->ctx, helper_cc_cf, f,
                    (IrTempIdx[]){ x86_g.cc_op, x86_g.cc_dst, x86_g.cc_src, x86_g.cc_src2 });
        *cond = IR_COND_NE;
        *a = f;
        *b = x86_const(tr, 0);
        done = true;
    }
    if (!done) {
        IrTempIdx f = x86_gen_eflags(tr);
        if (p < 6) {
            *cond = IR_COND_TSTNE;
            *a = f;
            *b = x86_const(tr, masks[p]);
        } else {
            /* L: SF != OF; LE: ZF or SF != OF. Bring OF down to SF's bit. */
            IrContext *ctx = tr->ctx;
            IrTempIdx t = x86_tmp(tr), u = x86_tmp(tr);
            ir_gen_op2(ctx, IR_OP_shr, IR_I64, t, f, x86_const(tr, 4));
            ir_gen_op2(ctx, IR_OP_xor, IR_I64, u, t, f);
            *cond = IR_COND_TSTNE;
            *a = u;
            *b = x86_const(tr, X86_SF);
            if (p == 7) {
                IrTempIdx w = x86_tmp(tr), z = x86_tmp(tr), v = x86_tmp(tr);
                ir_gen_op2(ctx, IR_OP_and, IR_I64, w, u, x86_const(tr, X86_SF));
                ir_gen_op2(ctx, IR_OP_and, IR_I64, z, f, x86_const(tr, X86_ZF));
                ir_gen_op2(ctx, IR_OP_or, IR_I64, v, w, z);
                *a = v;
                *b = x86_const(tr, X86_SF | X86_ZF);
            }
        }
    }
    if (cc & 1) {
        *cond = ir_cond_invert(*cond);
    }
}

IrTempIdx x86_gen_setcc(X86Tr *tr, unsigned cc)
{
    IrCond c;
    IrTempIdx a, b, d = x86_tmp(tr);

    x86_gen_cond(tr, cc, &c, &a, &b);
    ir_gen_setcond(tr->ctx, IR_I64, c, d, a, b);
    return d;
}

IrTempIdx x86_gen_cf(X86Tr *tr)
{
    return x86_gen_setcc(tr, 2);   /* B */
}

/*
 * CF of a producer unknown at translation time, with the SUB/CMP states
 * inline and the rest through the helper. A byte CMP + Jcc ending one TB
 * and an INC starting the next is the common case (busybox, gzip's
 * longest_match): the shift by 64 - size puts the operand's top bit at
 * bit 63 for every size, so one unsigned compare serves all four.
 */
static IrTempIdx cf_dispatch(X86Tr *tr)
{
    IrContext *ctx = tr->ctx;
    uint32_t slow = ir_label_new(ctx), done = ir_label_new(ctx);
    IrTempIdx f = ir_temp_new_tb(ctx, IR_I64), k = ir_temp_new_tb(ctx, IR_I64);  /* across brcond */
    IrTempIdx w = x86_tmp(tr), sh = x86_tmp(tr), lhs = x86_tmp(tr),
              src = x86_tmp(tr);

    ir_gen_op1(ctx, IR_OP_extu_i32_i64, IR_I64, k, x86_g.cc_op);
    ir_gen_op2(ctx, IR_OP_sub, IR_I64, k, k, x86_const(tr, X86_CC_SUBB));
    ir_gen_brcond(ctx, IR_I64, IR_COND_GTU, k, x86_const(tr, 3), slow);
    ir_gen_op2(ctx, IR_OP_shl, IR_I64, w, x86_const(tr, 8), k);
    ir_gen_op2(ctx, IR_OP_sub, IR_I64, sh, x86_const(tr, 64), w);
    ir_gen_op2(ctx, IR_OP_add, IR_I64, lhs, x86_g.cc_dst, x86_g.cc_src);  /* first operand */
    ir_gen_op2(ctx, IR_OP_shl, IR_I64, lhs, lhs, sh);
    ir_gen_op2(ctx, IR_OP_shl, IR_I64, src, x86_g.cc_src, sh);
    ir_gen_setcond(ctx, IR_I64, IR_COND_LTU, f, lhs, src);
    ir_gen_br(ctx, done);
    ir_gen_set_label(ctx, slow);
    ir_gen_call(ctx, helper_cc_cf, f,
                (IrTempIdx[]){ x86_g.cc_op, x86_g.cc_dst, x86_g.cc_src, x86_g.cc_src2 });
    ir_gen_set_label(ctx, done);
    tr->ea = 0;                    /* a label was placed */
    return f;
}

IrTempIdx x86_gen_cf_entry(X86Tr *tr)
{
    return tr->cc_static < 0 ? cf_dispatch(tr) : x86_gen_cf(tr);
}
