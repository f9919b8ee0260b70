/*
 * sse-tr-move.c — translation of SSE data movement: full-register moves
 * (with the #GP alignment check of the aligned forms), scalar and half
 * moves, MOVD/MOVQ, lane inserts and extracts, move masks, and the
 * shuffle/unpack/pack/blend family (one helper, sse-move.c). Moves are
 * plain IR loads and stores of env and guest memory.
 */
#include "frontend-x86/sse-tr.h"

static bool has_mmx_opnd(const X86Insn *in)
{
    for (unsigned i = 0; i < 4; i++) {
        if (in->opnd[i] == X86_OPND_P || in->opnd[i] == X86_OPND_N ||
            in->opnd[i] == X86_OPND_Q) {
            return true;
        }
    }
    return false;
}

static bool is_mem(const X86Tr *tr) { return tr->insn.mod != 3; }

/* MOVAPS & co: 16 bytes, either direction. */
static void gen_mov128(X86Tr *tr, bool align)
{
    IrContext *ctx = tr->ctx;
    bool load = tr->insn.opnd[0] == X86_OPND_V;
    int32_t reg = SSE_XMM_OFF(tr->insn.reg);

    if (!is_mem(tr)) {
        int32_t rm = SSE_XMM_OFF(tr->insn.rm);
        sse_st_xmm(tr, load ? reg : rm, sse_ld_xmm(tr, load ? rm : reg));
        return;
    }
    if (align) {
        sse_check_align(tr);
    }
    if (load) {
        IrTempIdx v = ir_temp_new(ctx, IR_V128);
        ir_gen_guest_ld(ctx, IR_V128, v, sse_ea(tr), IR_MO_128, tr->mmu);
        sse_st_xmm(tr, reg, v);
    } else {
        ir_gen_guest_st(ctx, IR_V128, sse_ld_xmm(tr, reg), sse_ea(tr), IR_MO_128, tr->mmu);
    }
}

/* Copy `size` (4 or 8) low bytes between env xmm slots. */
static void env_copy(X86Tr *tr, int32_t dst, int32_t src, unsigned size)
{
    IrContext *ctx = tr->ctx;
    IrTempIdx v = x86_tmp(tr);
    IrMemOp mo = size == 8 ? IR_MO_64 : IR_MO_32;

    ir_gen_ld(ctx, IR_I64, v, ctx->env, src, mo);
    ir_gen_st(ctx, IR_I64, v, ctx->env, dst, mo);
}

static void env_zero64(X86Tr *tr, int32_t off)
{
    ir_gen_st(tr->ctx, IR_I64, x86_const(tr, 0), tr->ctx->env, off, IR_MO_64);
}

/* MOVSS/MOVSD: the register form merges, the load zeroes the rest. */
static void gen_movs(X86Tr *tr, unsigned size)
{
    IrContext *ctx = tr->ctx;
    bool load = tr->insn.opnd[0] == X86_OPND_V;
    int32_t reg = SSE_XMM_OFF(tr->insn.reg);

    if (!is_mem(tr)) {
        int32_t rm = SSE_XMM_OFF(tr->insn.rm);
        env_copy(tr, load ? reg : rm, load ? rm : reg, size);
    } else if (load) {
        IrTempIdx v = ir_temp_new(ctx, IR_V128);
        ir_gen_guest_ld(ctx, IR_V128, v, sse_ea(tr), size == 8 ? IR_MO_64 : IR_MO_32, tr->mmu);
        sse_st_xmm(tr, reg, v);
    } else {
        IrTempIdx v = x86_tmp(tr);
        ir_gen_ld(ctx, IR_I64, v, ctx->env, reg, size == 8 ? IR_MO_64 : IR_MO_32);
        x86_gen_st(tr, sse_ea(tr), size, v);
    }
}

/* MOVD/MOVQ between GPR or memory and xmm, and MOVQ xmm <-> xmm/m64. */
static bool gen_movdq(X86Tr *tr)
{
    IrContext *ctx = tr->ctx;
    const X86Insn *in = &tr->insn;
    int32_t reg = SSE_XMM_OFF(in->reg);

    if (in->opnd[1] == X86_OPND_Ey) {              /* 66 0F 6E: xmm = r/m32/64 */
        IrTempIdx v = x86_load_opnd(tr, 1);
        ir_gen_st(ctx, IR_I64, v, ctx->env, reg, IR_MO_64);
        env_zero64(tr, reg + 8);
        return true;
    }
    if (in->opnd[0] == X86_OPND_Ey) {              /* 66 0F 7E: r/m32/64 = xmm */
        IrTempIdx v = x86_tmp(tr);
        ir_gen_ld(ctx, IR_I64, v, ctx->env, reg, IR_MO_64);
        x86_store_opnd(tr, 0, v);
        return true;
    }
    bool load = in->opnd[0] == X86_OPND_V;         /* F3 0F 7E vs 66 0F D6 */
    if (!is_mem(tr)) {
        int32_t rm = SSE_XMM_OFF(in->rm);
        int32_t dst = load ? reg : rm;
        env_copy(tr, dst, load ? rm : reg, 8);
        env_zero64(tr, dst + 8);
    } else if (load) {
        IrTempIdx v = ir_temp_new(ctx, IR_V128);
        ir_gen_guest_ld(ctx, IR_V128, v, sse_ea(tr), IR_MO_64, tr->mmu);
        sse_st_xmm(tr, reg, v);
    } else {
        IrTempIdx v = x86_tmp(tr);
        ir_gen_ld(ctx, IR_I64, v, ctx->env, reg, IR_MO_64);
        x86_gen_st(tr, sse_ea(tr), 8, v);
    }
    return true;
}

/* MOVLPS/MOVHPS/MOVLPD/MOVHPD (memory) and MOVHLPS/MOVLHPS (register). */
static void gen_movhalf(X86Tr *tr, bool high)
{
    const X86Insn *in = &tr->insn;
    int32_t reg = SSE_XMM_OFF(in->reg), half = high ? 8 : 0;

    if (!is_mem(tr)) {
        /* MOVHLPS: low = src high; MOVLHPS: high = src low */
        env_copy(tr, reg + half, SSE_XMM_OFF(in->rm) + (high ? 0 : 8), 8);
    } else if (in->opnd[0] == X86_OPND_V) {
        IrTempIdx v = x86_gen_ld(tr, sse_ea(tr), 8);
        ir_gen_st(tr->ctx, IR_I64, v, tr->ctx->env, reg + half, IR_MO_64);
    } else {
        IrTempIdx v = x86_tmp(tr);
        ir_gen_ld(tr->ctx, IR_I64, v, tr->ctx->env, reg + half, IR_MO_64);
        x86_gen_st(tr, sse_ea(tr), 8, v);
    }
}

/* PEXTRB/W/D/Q, EXTRACTPS and the 0F C5 PEXTRW. */
static void gen_extract(X86Tr *tr, unsigned lsize)
{
    const X86Insn *in = &tr->insn;
    bool c5 = in->map == X86_MAP_0F;               /* Gd, U: source is rm */
    unsigned lane = (unsigned)in->imm & (16 / lsize - 1);
    int32_t src = SSE_XMM_OFF(c5 ? in->rm : in->reg) + (int32_t)(lane * lsize);
    IrTempIdx v = x86_tmp(tr);
    IrMemOp mo = lsize == 1 ? IR_MO_8 : lsize == 2 ? IR_MO_16 : lsize == 4 ? IR_MO_32 : IR_MO_64;

    ir_gen_ld(tr->ctx, IR_I64, v, tr->ctx->env, src, mo);
    if (c5) {
        x86_store_reg(tr, in->reg, 4, v);
    } else if (!is_mem(tr)) {
        x86_store_reg(tr, in->rm, lsize == 8 ? 8 : 4, v);
    } else {
        x86_gen_st(tr, sse_ea(tr), lsize, v);
    }
}

/* PINSRB/W/D/Q: a GPR or memory value into one lane. */
static void gen_insert(X86Tr *tr, unsigned lsize)
{
    const X86Insn *in = &tr->insn;
    unsigned lane = (unsigned)in->imm & (16 / lsize - 1);
    int32_t dst = SSE_XMM_OFF(in->reg) + (int32_t)(lane * lsize);
    IrTempIdx v = is_mem(tr) ? x86_gen_ld(tr, sse_ea(tr), lsize)
                             : x86_load_reg(tr, in->rm, lsize == 8 ? 8 : 4);
    IrMemOp mo = lsize == 1 ? IR_MO_8 : lsize == 2 ? IR_MO_16 : lsize == 4 ? IR_MO_32 : IR_MO_64;

    ir_gen_st(tr->ctx, IR_I64, v, tr->ctx->env, dst, mo);
}

/*
 * PMOVMSKB inline (glibc's string functions run it once per 16 bytes): per
 * 64-bit half, the byte sign bits moved to bit 0 of each byte and gathered
 * into the top byte by one multiply (byte i's bit lands at 56 + i, and no
 * other partial product reaches bits 56..63).
 */
static IrTempIdx gen_pmovmskb(X86Tr *tr, int32_t off)
{
    IrContext *ctx = tr->ctx;
    IrTempIdx r = 0;

    for (int h = 0; h < 2; h++) {
        IrTempIdx x = x86_tmp(tr), t = x86_tmp(tr);
        ir_gen_ld(ctx, IR_I64, x, ctx->env, off + 8 * h, IR_MO_64);
        ir_gen_op2(ctx, IR_OP_shr, IR_I64, t, x, x86_const(tr, 7));
        ir_gen_op2(ctx, IR_OP_and, IR_I64, t, t, x86_const(tr, 0x0101010101010101ull));
        ir_gen_op2(ctx, IR_OP_mul, IR_I64, t, t, x86_const(tr, 0x0102040810204080ull));
        ir_gen_op2(ctx, IR_OP_shr, IR_I64, t, t, x86_const(tr, h ? 48 : 56));
        if (h) {
            IrTempIdx hi = x86_tmp(tr), m = x86_tmp(tr);
            ir_gen_op2(ctx, IR_OP_and, IR_I64, hi, t, x86_const(tr, 0xff00));
            ir_gen_op2(ctx, IR_OP_or, IR_I64, m, hi, r);
            return m;
        }
        r = t;
    }
    return r;
}

static void gen_movmsk(X86Tr *tr)
{
    IrContext *ctx = tr->ctx;
    IrTempIdx r = x86_tmp(tr);

    if (tr->insn.op == X86_OP_PMOVMSKB) {
        x86_store_reg(tr, tr->insn.reg, 4, gen_pmovmskb(tr, SSE_XMM_OFF(tr->insn.rm)));
        return;
    }
    ir_gen_call(ctx, sse_h.movmsk, r,
                (IrTempIdx[]){ sse_ptr(tr, SSE_XMM_OFF(tr->insn.rm)),
                               ir_const_i32(ctx, tr->insn.op) });
    x86_store_reg(tr, tr->insn.reg, 4, r);
}

/* The 32-bit x's lanes of `lane` bytes spread to every other lane of a
 * 64-bit value (the others zero): the interleave of PUNPCKL*. */
static IrTempIdx spread_lanes(X86Tr *tr, IrTempIdx x, unsigned lane)
{
    static const uint64_t masks[] = { 0x00ff00ff00ff00ffull, 0x0000ffff0000ffffull };

    for (unsigned unit = 16; unit >= lane * 8; unit /= 2) {
        IrTempIdx t = x86_tmp(tr), u = x86_tmp(tr), m = x86_tmp(tr);
        ir_gen_op2(tr->ctx, IR_OP_shl, IR_I64, t, x, x86_const(tr, unit));
        ir_gen_op2(tr->ctx, IR_OP_or, IR_I64, u, x, t);
        ir_gen_op2(tr->ctx, IR_OP_and, IR_I64, m, u, x86_const(tr, masks[unit == 16]));
        x = m;
    }
    return x;
}

/* Half h of the 64-bit value v as a zero-extended 32-bit value. */
static IrTempIdx half32(X86Tr *tr, IrTempIdx v, unsigned h)
{
    IrTempIdx r = x86_tmp(tr);
    if (h) {
        ir_gen_op2(tr->ctx, IR_OP_shr, IR_I64, r, v, x86_const(tr, 32));
    } else {
        ir_gen_extract(tr->ctx, IR_I64, r, v, 0, 32);
    }
    return r;
}

/* PSHUFD's result halves: two dwords of the source each. */
static void pshufd_halves(X86Tr *tr, int32_t s, unsigned imm, IrTempIdx out[2])
{
    IrContext *ctx = tr->ctx;

    for (unsigned h = 0; h < 2; h++) {
        IrTempIdx lo = x86_tmp(tr), hi = x86_tmp(tr), t = x86_tmp(tr);
        out[h] = x86_tmp(tr);
        ir_gen_ld(ctx, IR_I64, lo, ctx->env, s + 4 * (int32_t)(imm >> (4 * h) & 3), IR_MO_32);
        ir_gen_ld(ctx, IR_I64, hi, ctx->env, s + 4 * (int32_t)(imm >> (4 * h + 2) & 3), IR_MO_32);
        ir_gen_op2(ctx, IR_OP_shl, IR_I64, t, hi, x86_const(tr, 32));
        ir_gen_op2(ctx, IR_OP_or, IR_I64, out[h], lo, t);
    }
}

/* PUNPCKL*'s result halves for lanes of `lane` bytes (1, 2, 4, 8). */
static void unpackl_halves(X86Tr *tr, int32_t d, int32_t s, unsigned lane, IrTempIdx out[2])
{
    IrContext *ctx = tr->ctx;
    IrTempIdx a = x86_tmp(tr), b = x86_tmp(tr);

    ir_gen_ld(ctx, IR_I64, a, ctx->env, d, IR_MO_64);
    ir_gen_ld(ctx, IR_I64, b, ctx->env, s, IR_MO_64);
    if (lane == 8) {
        out[0] = a;
        out[1] = b;
        return;
    }
    for (unsigned h = 0; h < 2; h++) {
        IrTempIdx sb = x86_tmp(tr);
        out[h] = x86_tmp(tr);
        ir_gen_op2(ctx, IR_OP_shl, IR_I64, sb, spread_lanes(tr, half32(tr, b, h), lane),
                   x86_const(tr, lane * 8));
        ir_gen_op2(ctx, IR_OP_or, IR_I64, out[h], spread_lanes(tr, half32(tr, a, h), lane), sb);
    }
}

/*
 * PSHUFD and PUNPCKL{BW,WD,DQ,QDQ} inline on 64-bit halves (glibc's
 * strchr/memchr broadcast the byte they look for with PUNPCKLBW,
 * PUNPCKLWD, PSHUFD $0 on every call); false for the other shuffles. Both
 * halves are computed before either is stored, so d may be the source.
 */
static bool gen_shuffle_ir(X86Tr *tr, int32_t s, unsigned imm)
{
    int32_t d = SSE_XMM_OFF(tr->insn.reg);
    IrTempIdx out[2];

    switch (tr->insn.op) {
    case X86_OP_PSHUFD: pshufd_halves(tr, s, imm, out); break;
    case X86_OP_PUNPCKLBW: unpackl_halves(tr, d, s, 1, out); break;
    case X86_OP_PUNPCKLWD: unpackl_halves(tr, d, s, 2, out); break;
    case X86_OP_PUNPCKLDQ: unpackl_halves(tr, d, s, 4, out); break;
    case X86_OP_PUNPCKLQDQ: unpackl_halves(tr, d, s, 8, out); break;
    default: return false;
    }
    ir_gen_st(tr->ctx, IR_I64, out[0], tr->ctx->env, d, IR_MO_64);
    ir_gen_st(tr->ctx, IR_I64, out[1], tr->ctx->env, d + 8, IR_MO_64);
    return true;
}

/* Shuffles, unpacks, packs and blends: d = helper(d, src, imm). */
static void gen_shuffle(X86Tr *tr, unsigned size, bool align)
{
    IrContext *ctx = tr->ctx;
    const X86Insn *in = &tr->insn;
    unsigned imm = in->imm_size ? (unsigned)in->imm & 0xff : 0;
    int32_t s = sse_src(tr, size, align);

    if (in->op == X86_OP_INSERTPS && is_mem(tr)) {
        imm &= 0x3f;               /* the loaded dword is lane 0 of xmm_tmp */
    }
    if (gen_shuffle_ir(tr, s, imm)) {
        return;
    }
    if (in->op == X86_OP_BLENDVPS || in->op == X86_OP_BLENDVPD) {
        ir_gen_call(ctx, sse_h.blendv, 0,
                    (IrTempIdx[]){ ctx->env, sse_ptr(tr, SSE_XMM_OFF(in->reg)), sse_ptr(tr, s),
                                   ir_const_i32(ctx, in->op) });
        return;
    }
    ir_gen_call(ctx, sse_h.intop, 0,
                (IrTempIdx[]){ sse_ptr(tr, SSE_XMM_OFF(in->reg)), sse_ptr(tr, s),
                               ir_const_i32(ctx, in->op), ir_const_i32(ctx, imm) });
}

/* MASKMOVDQU: the bytes of xmm[reg] whose mask byte (xmm[rm]) has its top
 * bit set go to DS:rDI, one guarded byte store each (unselected bytes are
 * not accessed, so they cannot fault). */
static void gen_maskmov(X86Tr *tr)
{
    IrContext *ctx = tr->ctx;
    const X86Insn *in = &tr->insn;
    IrTempIdx addr = ir_temp_new_tb(ctx, IR_I64);

    if (in->addrsize == 8) {
        ir_gen_mov(ctx, IR_I64, addr, x86_g.regs[X86_RDI]);
    } else {
        ir_gen_extract(ctx, IR_I64, addr, x86_g.regs[X86_RDI], 0, in->addrsize * 8);
    }
    if (in->seg == X86_SEG_FS || in->seg == X86_SEG_GS || tr->mode != X86_MODE_64) {
        unsigned seg = in->seg == X86_SEG_NONE ? X86_SEG_DS : in->seg;
        ir_gen_op2(ctx, IR_OP_add, IR_I64, addr, addr, x86_g.seg_base[seg]);
    }
    for (unsigned i = 0; i < 16; i++) {
        uint32_t skip = ir_label_new(ctx);
        IrTempIdx m = x86_tmp(tr), v = x86_tmp(tr), a = x86_tmp(tr);
        ir_gen_ld(ctx, IR_I64, m, ctx->env, SSE_XMM_OFF(in->rm) + (int32_t)i, IR_MO_8);
        ir_gen_brcond(ctx, IR_I64, IR_COND_TSTEQ, m, x86_const(tr, 0x80), skip);
        ir_gen_ld(ctx, IR_I64, v, ctx->env, SSE_XMM_OFF(in->reg) + (int32_t)i, IR_MO_8);
        ir_gen_op2(ctx, IR_OP_add, IR_I64, a, addr, x86_const(tr, i));
        x86_gen_st(tr, a, 1, v);
        ir_gen_set_label(ctx, skip);
    }
}

bool x86_tr_sse_move(X86Tr *tr)
{
    const X86Insn *in = &tr->insn;

    if ((in->prefixes & X86_PFX_VEX) || has_mmx_opnd(in)) {
        return false;
    }
    switch (in->op) {
    case X86_OP_MOVAPS: case X86_OP_MOVAPD: case X86_OP_MOVDQA:
    case X86_OP_MOVNTPS: case X86_OP_MOVNTPD: case X86_OP_MOVNTDQ: case X86_OP_MOVNTDQA:
        gen_mov128(tr, true);
        return true;
    case X86_OP_MOVUPS: case X86_OP_MOVUPD: case X86_OP_MOVDQU: case X86_OP_LDDQU:
        gen_mov128(tr, false);
        return true;
    case X86_OP_MOVSS: gen_movs(tr, 4); return true;
    case X86_OP_MOVSD: gen_movs(tr, 8); return true;
    case X86_OP_MOVD: case X86_OP_MOVQ: return gen_movdq(tr);
    case X86_OP_MOVNTI:
        x86_store_opnd(tr, 0, x86_load_opnd(tr, 1));
        return true;
    case X86_OP_MOVLPS: case X86_OP_MOVLPD: case X86_OP_MOVHLPS:
        gen_movhalf(tr, false);
        return true;
    case X86_OP_MOVHPS: case X86_OP_MOVHPD: case X86_OP_MOVLHPS:
        gen_movhalf(tr, true);
        return true;
    case X86_OP_MOVMSKPS: case X86_OP_MOVMSKPD: case X86_OP_PMOVMSKB:
        gen_movmsk(tr);
        return true;
    case X86_OP_PEXTRB: gen_extract(tr, 1); return true;
    case X86_OP_PEXTRW: gen_extract(tr, 2); return true;
    case X86_OP_PEXTRD: gen_extract(tr, in->opsize == 8 ? 8 : 4); return true;
    case X86_OP_EXTRACTPS: gen_extract(tr, 4); return true;
    case X86_OP_PINSRB: gen_insert(tr, 1); return true;
    case X86_OP_PINSRW: gen_insert(tr, 2); return true;
    case X86_OP_PINSRD: gen_insert(tr, in->opsize == 8 ? 8 : 4); return true;
    case X86_OP_INSERTPS: gen_shuffle(tr, 4, false); return true;
    case X86_OP_MOVDDUP: gen_shuffle(tr, 8, false); return true;
    case X86_OP_MASKMOVDQU: gen_maskmov(tr); return true;
    default:
        break;
    }
    /* The rest are shuffles with a 16-byte aligned source; the integer
     * ones exist only with 66 here (without it they are MMX). */
    bool int_form = in->op != X86_OP_SHUFPS && in->op != X86_OP_SHUFPD &&
                    in->op != X86_OP_UNPCKLPS && in->op != X86_OP_UNPCKHPS &&
                    in->op != X86_OP_UNPCKLPD && in->op != X86_OP_UNPCKHPD &&
                    in->op != X86_OP_MOVSLDUP && in->op != X86_OP_MOVSHDUP &&
                    in->op != X86_OP_PSHUFLW && in->op != X86_OP_PSHUFHW;
    if (int_form && in->mandatory != 0x66) {
        return false;
    }
    gen_shuffle(tr, 16, true);
    return true;
}
