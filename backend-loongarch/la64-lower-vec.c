/*
 * la64-lower-vec.c — v128 and i128 on loongarch64 without LSX (qemu-
 * loongarch64 7.2 has none): the scalar path. Values live in the vector
 * pseudo registers (16-byte frame slots, la64-lower.h); every op loads a
 * 64-bit half at a time into GPRs, and lane ops go lane by lane with
 * BSTRPICK (extract, zero-extended) / SLLI+SRAI (sign-extended) and
 * BSTRINS (insert). Slow but exact; an LSX path can replace it per op.
 * Register use: TMP0/TMP1/TMP2 and three allocator scratch GPRs (a, b, r
 * halves).
 */
#include "backend-loongarch/la64-lower.h"

static const RaConstraint c_v_none = { .name = "v" };
static const RaConstraint c_v_3s = { .name = "v_3s", .nb_scratch = 3 };
static const RaConstraint c_vmem_guest = { .name = "vmem_guest", .flags = RA_OP_SYNC_GLOBALS };
/* The helper writes old[] while it may still read cmp[]/new[]: no sharing. */
static const RaConstraint c_cmpxchg128 = {
    .name = "cmpxchg128_call", .flags = RA_OP_SYNC_GLOBALS, .out = { { .flags = RA_ARG_NEWREG } },
};

static bool vec_candidate(const IrOp *op)
{
    return op->type == IR_V128 || op->type == IR_I128 || op->opc == IR_OP_concat_i64_i128 ||
           op->opc == IR_OP_extrl_i128_i64 || op->opc == IR_OP_extrh_i128_i64 ||
           (ir_op_defs[op->opc].flags & IR_OPF_VEC && op->opc >= IR_OP_dup);
}

const RaConstraint *la64_vec_constraint(La64Gen *g, const IrOp *op)
{
    (void)g;
    if (!vec_candidate(op)) {
        return NULL;
    }
    switch (op->opc) {
    case IR_OP_guest_ld: case IR_OP_guest_st:
        return &c_vmem_guest;
    case IR_OP_atomic_cmpxchg:
        return &c_cmpxchg128;
    case IR_OP_mov: case IR_OP_concat_i64_i128: case IR_OP_extrl_i128_i64:
    case IR_OP_extrh_i128_i64: case IR_OP_ld: case IR_OP_st:
        return &c_v_none;
    default:
        return &c_v_3s;
    }
}

void la64_copy16(La64Gen *g, int dbase, int32_t doff, int sbase, int32_t soff)
{
    for (int h = 0; h < 16; h += 8) {
        la64_mem(&g->buf, LA64_LD_D, LA64_TMP0, sbase, soff + h, LA64_TMP2);
        la64_mem(&g->buf, LA64_ST_D, LA64_TMP0, dbase, doff + h, LA64_TMP2);
    }
}

static void ld_half(La64Gen *g, int r, int vreg, int h)
{
    la64_ld_d(&g->buf, r, LA64_SP, la64_vslot(vreg) + 8 * h);
}

static void st_half(La64Gen *g, int r, int vreg, int h)
{
    la64_st_d(&g->buf, r, LA64_SP, la64_vslot(vreg) + 8 * h);
}

/* ---------------------------------------------------------------------- */
/* Memory                                                                  */

/* 128-bit or narrower access of vreg v at base+off (host or guest). */
static void vec_access(La64Gen *g, bool load, IrMemOp mo, int v, int base, int64_t off)
{
    unsigned sz = mo & IR_MO_SIZE_MASK;
    bool swap = mo & IR_MO_BSWAP;
    RaOperand t1 = { .reg = LA64_TMP1 };

    if (sz == 4) {
        IrMemOp m64 = IR_MO_64 | (swap ? IR_MO_BSWAP : 0);
        for (int h = 0; h < 2; h++) {
            int64_t at = off + 8 * (swap ? 1 - h : h);     /* be: halves swap too */
            if (load) {
                la64_emit_load(g, m64, LA64_TMP1, base, -1, at);
                st_half(g, LA64_TMP1, v, h);
            } else {
                ld_half(g, LA64_TMP1, v, h);
                la64_emit_store(g, m64, t1, base, -1, at);
            }
        }
        return;
    }
    if (load) {
        la64_emit_load(g, mo, LA64_TMP1, base, -1, off);
        st_half(g, LA64_TMP1, v, 0);
        if (mo & IR_MO_SIGN) {
            la64_srai_d(&g->buf, LA64_TMP1, LA64_TMP1, 63);
        } else {
            la64_mov(&g->buf, LA64_TMP1, LA64_ZERO);
        }
        st_half(g, LA64_TMP1, v, 1);
    } else {
        ld_half(g, LA64_TMP1, v, 0);
        la64_emit_store(g, mo, t1, base, -1, off);
    }
}

static JitError emit_vec_mem(La64Gen *g, RaState *ra, const IrOp *op, const RaOperand *o)
{
    IrArg *ca = ir_op_cargs((IrOp *)op);

    switch (op->opc) {
    case IR_OP_ld:
        vec_access(g, true, ca[1], o[0].reg, o[1].reg, (int32_t)ca[0]);
        return JIT_OK;
    case IR_OP_st:
        vec_access(g, false, ca[1], o[0].reg, o[1].reg, (int32_t)ca[0]);
        return JIT_OK;
    case IR_OP_guest_ld: case IR_OP_guest_st: {
        bool ld = op->opc == IR_OP_guest_ld, wide = (ca[0] & IR_MO_SIZE_MASK) == 4;
        La64SlowKind k = wide ? (ld ? LA64_SLOW_LD128 : LA64_SLOW_ST128)
                              : (ld ? LA64_SLOW_LD : LA64_SLOW_ST);
        int slow;
        if (g->user_mode) {
            slow = la64_align_check(g, ra, k, o[1].reg, ca[0], ca[1], -1);
            la64_add_d(&g->buf, LA64_TMP0, LA64_GBASE, o[1].reg);
        } else {
            slow = la64_tlb_check(g, ra, k, o[1].reg, ca[0], ca[1], -1);
            la64_add_d(&g->buf, LA64_TMP0, LA64_TMP0, o[1].reg);
        }
        if (slow >= 0) {
            g_array_index(g->slows, La64Slow, slow).vreg = o[0].reg;
        }
        vec_access(g, ld, ca[0], o[0].reg, LA64_TMP0, 0);
        if (slow >= 0) {
            la64_slow_return(g, slow);
        }
        return JIT_OK;
    }
    case IR_OP_atomic_cmpxchg: {
        /* no 128-bit LL/SC before LoongArch v1.1 (SC.Q): the C helper,
         * which is atomic against other vCPUs the way the C layer is */
        unsigned slow = la64_slow_always(g, ra, LA64_SLOW_CMPXCHG128, o[1].reg, ca[0], ca[1]);
        La64Slow *sl = &g_array_index(g->slows, La64Slow, slow);
        sl->vreg = o[0].reg;
        sl->vcmp = o[2].reg;
        sl->vnew = o[3].reg;
        la64_slow_return(g, slow);
        return JIT_OK;
    }
    default:
        return JIT_ERR_UNSUPPORTED;
    }
}

/* ---------------------------------------------------------------------- */
/* Lane ops                                                                */

/* x = lane at bit pos (lb bits) of half a, zero- or sign-extended. */
static void lane_get(La64Gen *g, int x, int a, unsigned pos, unsigned lb, bool sign)
{
    if (!sign) {
        la64_bstrpick_d(&g->buf, x, a, pos + lb - 1, pos);
    } else if (pos + lb == 64) {
        la64_srai_d(&g->buf, x, a, pos);
    } else {
        la64_slli_d(&g->buf, x, a, 64 - pos - lb);
        la64_srai_d(&g->buf, x, x, 64 - lb);
    }
}

/* r lane = op(x, y) for every lane of one half (a, b halves in GPRs). */
static void lanes_half(La64Gen *g, IrOpcode opc, unsigned lb, unsigned cnt, int r, int a, int b)
{
    La64Buf *bf = &g->buf;
    bool sign = opc == IR_OP_vec_cmpgt || opc == IR_OP_vec_sari;
    int x = LA64_TMP0, y = LA64_TMP1;

    for (unsigned pos = 0; pos < 64; pos += lb) {
        lane_get(g, x, a, pos, lb, sign);
        if (b >= 0) {
            lane_get(g, y, b, pos, lb, sign);
        }
        switch (opc) {
        case IR_OP_vec_add:   la64_add_d(bf, x, x, y); break;
        case IR_OP_vec_sub:   la64_sub_d(bf, x, x, y); break;
        case IR_OP_vec_cmpeq:
            la64_xor(bf, x, x, y);
            la64_sltui(bf, x, x, 1);
            la64_sub_d(bf, x, LA64_ZERO, x);
            break;
        case IR_OP_vec_cmpgt:
            la64_slt(bf, x, y, x);
            la64_sub_d(bf, x, LA64_ZERO, x);
            break;
        case IR_OP_vec_shli:  la64_slli_d(bf, x, x, cnt); break;
        case IR_OP_vec_shri:  la64_srli_d(bf, x, x, cnt); break;
        default:              la64_srai_d(bf, x, x, cnt); break;   /* sari */
        }
        la64_bstrins_d(bf, r, x, pos + lb - 1, pos);
    }
}

/* d = a OP b (b = -1: unary shifts) half by half; s[] = three scratch. */
static void emit_lanes(La64Gen *g, const IrOp *op, int d, int a, int b, const int *s)
{
    IrArg *ca = ir_op_cargs((IrOp *)op);
    unsigned lb = 8u << ca[0];
    unsigned cnt = ir_op_defs[op->opc].nb_cargs > 1 ? (unsigned)ca[1] : 0;
    La64Buf *bf = &g->buf;

    for (int h = 0; h < 2; h++) {
        ld_half(g, s[0], a, h);
        if (b >= 0) {
            ld_half(g, s[1], b, h);
        }
        switch (op->opc) {
        case IR_OP_vec_and:  la64_and(bf, s[2], s[0], s[1]); break;
        case IR_OP_vec_or:   la64_or(bf, s[2], s[0], s[1]); break;
        case IR_OP_vec_xor:  la64_xor(bf, s[2], s[0], s[1]); break;
        case IR_OP_vec_andc: la64_andn(bf, s[2], s[0], s[1]); break;
        default:
            la64_mov(bf, s[2], LA64_ZERO);
            lanes_half(g, op->opc, lb, cnt, s[2], s[0], b >= 0 ? s[1] : -1);
            break;
        }
        st_half(g, s[2], d, h);
    }
}

static void emit_dup(La64Gen *g, unsigned vece, int d, int src, int r)
{
    unsigned lb = 8u << vece;
    la64_mov(&g->buf, r, LA64_ZERO);
    for (unsigned pos = 0; pos < 64; pos += lb) {
        la64_bstrins_d(&g->buf, r, src, pos + lb - 1, pos);
    }
    st_half(g, r, d, 0);
    st_half(g, r, d, 1);
}

/* Lane idx of vece as (half, bit position, lane bits). */
static void lane_at(const IrOp *op, int *h, unsigned *pos, unsigned *lb)
{
    IrArg *ca = ir_op_cargs((IrOp *)op);
    *lb = 8u << ca[0];
    unsigned bit = (unsigned)ca[1] * *lb;
    *h = bit / 64;
    *pos = bit % 64;
}

JitError la64_emit_vec(La64Gen *g, RaState *ra, const IrOp *op, const RaOperand *o)
{
    int h;
    unsigned pos, lb;

    if (!vec_candidate(op)) {
        return JIT_ERR_UNSUPPORTED;
    }
    switch (op->opc) {
    case IR_OP_mov:
        if (o[0].reg != o[1].reg) {
            la64_copy16(g, LA64_SP, la64_vslot(o[0].reg), LA64_SP, la64_vslot(o[1].reg));
        }
        return JIT_OK;
    case IR_OP_concat_i64_i128:
        st_half(g, o[1].reg, o[0].reg, 0);
        st_half(g, o[2].reg, o[0].reg, 1);
        return JIT_OK;
    case IR_OP_extrl_i128_i64: ld_half(g, o[0].reg, o[1].reg, 0); return JIT_OK;
    case IR_OP_extrh_i128_i64: ld_half(g, o[0].reg, o[1].reg, 1); return JIT_OK;
    case IR_OP_ld: case IR_OP_st: case IR_OP_guest_ld: case IR_OP_guest_st:
    case IR_OP_atomic_cmpxchg:
        return emit_vec_mem(g, ra, op, o);
    case IR_OP_dup:
        emit_dup(g, ir_op_cargs((IrOp *)op)[0], o[0].reg, o[1].reg, o[2].reg);
        return JIT_OK;
    case IR_OP_vec_extract:
        lane_at(op, &h, &pos, &lb);
        ld_half(g, LA64_TMP0, o[1].reg, h);
        la64_bstrpick_d(&g->buf, o[0].reg, LA64_TMP0, pos + lb - 1, pos);
        return JIT_OK;
    case IR_OP_vec_insert:
        lane_at(op, &h, &pos, &lb);
        ld_half(g, LA64_TMP0, o[1].reg, 0);
        ld_half(g, LA64_TMP1, o[1].reg, 1);
        la64_bstrins_d(&g->buf, h ? LA64_TMP1 : LA64_TMP0, o[2].reg, pos + lb - 1, pos);
        st_half(g, LA64_TMP0, o[0].reg, 0);
        st_half(g, LA64_TMP1, o[0].reg, 1);
        return JIT_OK;
    case IR_OP_vec_add: case IR_OP_vec_sub: case IR_OP_vec_and: case IR_OP_vec_or:
    case IR_OP_vec_xor: case IR_OP_vec_andc: case IR_OP_vec_cmpeq: case IR_OP_vec_cmpgt: {
        int s[3] = { o[3].reg, o[4].reg, o[5].reg };
        emit_lanes(g, op, o[0].reg, o[1].reg, o[2].reg, s);
        return JIT_OK;
    }
    case IR_OP_vec_shli: case IR_OP_vec_shri: case IR_OP_vec_sari: {
        int s[3] = { o[2].reg, o[3].reg, o[4].reg };
        emit_lanes(g, op, o[0].reg, o[1].reg, -1, s);
        return JIT_OK;
    }
    default:
        return JIT_ERR_UNSUPPORTED;
    }
}
