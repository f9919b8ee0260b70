/*
 * gen-move.c — the data-movement, condition and stack instruction kinds of
 * the oracle differ (MOV and friends, LEA, XCHG, flag ops, SETcc/CMOVcc/
 * Jcc/LOOP, PUSH/POP/LEAVE/CALL, LOCK misuse), plus XADD/CMPXCHG which the
 * translator does not implement yet. Flag effects are from the Intel SDM.
 */
#include <string.h>

#include "tests/x86/gen-enc.h"

#define SZAPC (XT_SF | XT_ZF | XT_AF | XT_PF | XT_CF)

static void wrote_rm(XtGen *g, const XtEnc *e, unsigned size)
{
    if (!e->rm.mem) {
        xt_wrote(g, xt_full_reg(e->rm.reg, size, e->rex));
    }
}

static void wrote_reg(XtGen *g, const XtEnc *e, unsigned size)
{
    xt_wrote(g, xt_full_reg(e->reg, size, e->rex));
}

static uint64_t imm_of(XtGen *g, unsigned n)
{
    uint64_t v = xt_edge_value(g->rng);
    return n >= 8 ? v : v & ((1ull << (8 * n)) - 1);
}

/* ---------------------------------------------------------------------- */
/* move                                                                    */

static bool gen_mov(XtGen *g)
{
    unsigned size = xt_pick_size(g, true), form = xt_pick(g, 4);
    XtEnc e = xt_begin(g, size, size == 1);
    unsigned w = size == 1 ? 0 : 1;

    e.oplen = 1;
    switch (form) {
    case 0:                                           /* MOV r/m, r */
    case 1:                                           /* MOV r, r/m */
        e.op[0] = (uint8_t)(0x88 + w + 2 * form);
        e.modrm = true;
        e.rm = xt_rm(g, size, e.rex, form == 0);
        e.reg = form ? xt_pick_dst(g, size, e.rex) : xt_pick_src(g, size, e.rex);
        xt_emit(g, &e);
        if (form) {
            wrote_reg(g, &e, size);
        } else {
            wrote_rm(g, &e, size);
        }
        return true;
    case 2:                                           /* MOV r/m, imm */
        e.op[0] = (uint8_t)(0xc6 + w);
        e.modrm = true;
        e.rm = xt_rm(g, size, e.rex, true);
        e.immlen = size == 1 ? 1 : size == 2 ? 2 : 4;
        e.imm = imm_of(g, e.immlen);
        xt_fix_iz(g, &e);
        xt_emit(g, &e);
        wrote_rm(g, &e, size);
        return true;
    default:                                          /* MOV r, imm (B8+r: imm64) */
        e.op[0] = size == 1 ? 0xb0 : 0xb8;
        e.plusr = true;
        e.rm = xt_regop(xt_pick_dst(g, size, e.rex));
        e.immlen = size;
        break;
    }
    e.imm = imm_of(g, e.immlen);
    xt_emit(g, &e);
    wrote_rm(g, &e, size);
    return true;
}

/* MOVZX MOVSX (0F B6 B7 BE BF), MOVSXD (63) */
static bool gen_movx(XtGen *g)
{
    static const uint8_t ops[] = { 0xb6, 0xb7, 0xbe, 0xbf, 0x63 };
    unsigned kind = xt_pick(g, 5), size, src;
    XtEnc e;

    if (kind == 4) {
        size = xt_coin(g) ? 4 : 8;
        src = 4;
    } else {
        size = xt_pick_size(g, false);
        src = kind & 1 ? 2 : 1;
    }
    e = xt_begin(g, size, src == 1);
    e.oplen = kind == 4 ? 1 : 2;
    e.op[0] = kind == 4 ? 0x63 : 0x0f;
    e.op[1] = ops[kind];
    e.modrm = true;
    e.rm = xt_rm(g, src, e.rex, false);
    e.reg = xt_pick_dst(g, size, e.rex);
    xt_emit(g, &e);
    wrote_reg(g, &e, size);
    return true;
}

/* LEA with any addressing form: nothing is accessed, so any registers. */
static bool gen_lea(XtGen *g)
{
    unsigned size = xt_pick_size(g, false);
    XtEnc e = xt_begin(g, size, false);
    XtRm m = { .mem = true };

    e.oplen = 1;
    e.op[0] = 0x8d;
    e.modrm = true;
    e.addr32 = xt_pick(g, 4) == 0;
    if (xt_pick(g, 8) == 0) {
        m.rip = true;
    } else {
        m.base = xt_pick(g, 8) == 0 ? -1 : (int)xt_pick(g, 16);
        m.index = xt_coin(g) ? -1 : (int)xt_pick(g, 16);
        if (m.index == 4) {
            m.index = -1;
        }
        m.scale = xt_pick(g, 4);
        m.sib = xt_pick(g, 4) == 0;
    }
    m.disp = (int32_t)(xt_coin(g) ? xt_pick(g, 256) - 128 : (uint32_t)xt_edge_value(g->rng));
    e.rm = m;
    e.reg = xt_pick_dst(g, size, false);
    xt_emit(g, &e);
    wrote_reg(g, &e, size);
    return true;
}

static bool xchg(XtGen *g, bool mem, bool lock)
{
    unsigned size = xt_pick_size(g, true);
    XtEnc e = xt_begin(g, size, size == 1);

    e.lock = lock;
    if (!mem && xt_coin(g) && size > 1) {             /* 90+r: xchg rAX, r */
        e.oplen = 1;
        e.op[0] = 0x90;
        e.plusr = true;
        e.rm = xt_regop(xt_pick_dst(g, size, false));
        xt_emit(g, &e);
        xt_wrote(g, 0);
        xt_wrote(g, e.rm.reg);
        return true;
    }
    e.oplen = 1;
    e.op[0] = size == 1 ? 0x86 : 0x87;
    e.modrm = true;
    e.rm = mem ? xt_mem(g, size) : xt_regop(xt_pick_dst(g, size, e.rex));
    e.reg = xt_pick_dst(g, size, e.rex);
    xt_emit(g, &e);
    wrote_rm(g, &e, size);
    wrote_reg(g, &e, size);
    return true;
}

static bool gen_xchg(XtGen *g) { return xchg(g, xt_coin(g), false); }
static bool gen_xchg_mem(XtGen *g) { return xchg(g, true, xt_coin(g)); }

/* CBW CWDE CDQE (98), CWD CDQ CQO (99) */
static bool gen_cbw_cwd(XtGen *g)
{
    unsigned size = xt_pick_size(g, false);
    XtEnc e = xt_begin(g, size, false);
    bool cwd = xt_coin(g);

    e.oplen = 1;
    e.op[0] = cwd ? 0x99 : 0x98;
    xt_emit(g, &e);
    xt_wrote(g, cwd ? 2 : 0);
    return true;
}

/* CLC STC CMC LAHF SAHF CLD STD */
static bool gen_flagop(XtGen *g)
{
    static const uint8_t ops[] = { 0xf8, 0xf9, 0xf5, 0x9f, 0x9e, 0xfc, 0xfd };
    unsigned k = xt_pick(g, 7);

    if ((k == 2 && !(g->def & XT_CF)) || (k == 3 && (g->def & SZAPC) != SZAPC)) {
        return false;
    }
    xt_emit_raw(g, &ops[k], 1);
    if (k < 3) {
        xt_flags(g, XT_CF, 0);
    } else if (k == 3) {
        xt_wrote(g, 0);
    } else if (k == 4) {
        xt_flags(g, SZAPC, 0);
    }
    return true;
}

/* NOP forms: 90, F3 90 (pause), 0F 1F /0 (multi-byte), 0F 18 /0-3 (prefetch) */
static bool gen_nop(XtGen *g)
{
    XtEnc e = xt_begin(g, xt_coin(g) ? 2 : 4, false);

    switch (xt_pick(g, 4)) {
    case 0:
        e.oplen = 1;
        e.op[0] = 0x90;
        e.size = 4;
        break;
    case 1:
        e.pfx = 0xf3;
        e.oplen = 1;
        e.op[0] = 0x90;
        e.size = 4;
        break;
    default:
        e.oplen = 2;
        e.op[0] = 0x0f;
        e.op[1] = xt_coin(g) ? 0x1f : 0x18;
        e.modrm = true;
        e.reg = e.op[1] == 0x1f ? 0 : xt_pick(g, 4);
        e.rm = xt_mem(g, 8);
        break;
    }
    xt_emit(g, &e);
    return true;
}

/* ---------------------------------------------------------------------- */
/* cc: SETcc CMOVcc Jcc LOOP JRCXZ (the flag producers come from alu)      */

static bool gen_setcc(XtGen *g)
{
    int cc = xt_pick_cc(g);
    XtEnc e = xt_begin(g, 1, true);

    if (cc < 0) {
        return false;
    }
    e.oplen = 2;
    e.op[0] = 0x0f;
    e.op[1] = (uint8_t)(0x90 + cc);
    e.modrm = true;
    e.rm = xt_rm(g, 1, e.rex, true);
    xt_emit(g, &e);
    wrote_rm(g, &e, 1);
    return true;
}

static bool gen_cmovcc(XtGen *g)
{
    int cc = xt_pick_cc(g);
    unsigned size = xt_pick_size(g, false);
    XtEnc e = xt_begin(g, size, false);

    if (cc < 0) {
        return false;
    }
    e.oplen = 2;
    e.op[0] = 0x0f;
    e.op[1] = (uint8_t)(0x40 + cc);
    e.modrm = true;
    e.rm = xt_rm(g, size, false, false);
    e.reg = xt_pick_dst(g, size, false);
    xt_emit(g, &e);
    wrote_reg(g, &e, size);   /* a 32-bit CMOV clears the top half even when false */
    return true;
}

/* `mov r32, imm32`, the instruction a conditional branch skips or not. */
static void skipped_mov(XtGen *g, unsigned reg)
{
    XtEnc e = xt_begin(g, 4, false);
    e.oplen = 1;
    e.op[0] = 0xb8;
    e.plusr = true;
    e.rm = xt_regop(reg);
    e.immlen = 4;
    e.imm = xt_rand(g->rng) & 0xffffffff;
    xt_emit(g, &e);
    xt_wrote(g, reg);
}

static bool gen_jcc(XtGen *g)
{
    int cc = xt_pick_cc(g);
    unsigned reg = xt_pick_dst(g, 4, false), skip = reg >= 8 ? 6 : 5;
    uint8_t b[6];

    if (cc < 0) {
        return false;
    }
    if (xt_pick(g, 4) == 0) {
        skip = 0;                                     /* taken or not: the next insn */
    }
    if (xt_coin(g)) {
        b[0] = (uint8_t)(0x70 + cc);
        b[1] = (uint8_t)skip;
        xt_emit_raw(g, b, 2);
    } else {
        uint32_t rel = skip;
        b[0] = 0x0f;
        b[1] = (uint8_t)(0x80 + cc);
        memcpy(b + 2, &rel, 4);
        xt_emit_raw(g, b, 6);
    }
    if (skip) {
        skipped_mov(g, reg);
    }
    return true;
}

/* LOOP LOOPE LOOPNE JRCXZ (67: ECX), over a mov */
static bool gen_loop(XtGen *g)
{
    static const uint64_t counts[] = { 0, 1, 2, 0x100000000ull, 0x100000001ull, ~0ull };
    unsigned k = xt_pick(g, 4), reg = xt_pick_dst(g, 4, false);
    uint8_t b[3];
    unsigned n = 0;

    if ((k == 1 || k == 2) && !(g->def & XT_ZF)) {
        return false;
    }
    if (xt_coin(g)) {
        xt_pin(g, 1, counts[xt_pick(g, 6)]);
    }
    if (xt_coin(g)) {
        b[n++] = 0x67;
    }
    b[n++] = (uint8_t)(k == 3 ? 0xe3 : 0xe2 - k);
    b[n++] = reg >= 8 ? 6 : 5;
    xt_emit_raw(g, b, n);
    skipped_mov(g, reg);
    if (k != 3) {
        xt_wrote(g, 1);
    }
    return true;
}

/* ---------------------------------------------------------------------- */
/* lock: XCHG with memory, LOCK where it is not allowed (#UD)              */

static bool gen_lock_ud(XtGen *g)
{
    unsigned size = xt_pick_size(g, false);
    XtEnc e = xt_begin(g, size, false);

    e.lock = true;
    e.oplen = 1;
    e.modrm = true;
    e.reg = xt_pick_src(g, size, false);
    if (xt_coin(g)) {
        e.op[0] = (uint8_t)(8 * xt_pick(g, 7) + 1);   /* ALU with a register destination */
        e.rm = xt_regop(xt_pick_dst(g, size, false));
    } else {
        e.op[0] = 0x89;                               /* MOV is never lockable */
        e.rm = xt_mem(g, size);
    }
    xt_emit(g, &e);
    g->stop = true;
    return true;
}

/* XADD (0F C0/C1), CMPXCHG (0F B0/B1): not translated yet. */
static bool xadd_cmpxchg(XtGen *g, bool cmpxchg)
{
    unsigned size = xt_pick_size(g, true);
    XtEnc e = xt_begin(g, size, size == 1);

    e.lock = xt_coin(g);
    e.oplen = 2;
    e.op[0] = 0x0f;
    e.op[1] = (uint8_t)((cmpxchg ? 0xb0 : 0xc0) + (size == 1 ? 0 : 1));
    e.modrm = true;
    e.rm = e.lock ? xt_mem(g, size) : xt_rm(g, size, e.rex, true);
    e.reg = xt_pick_dst(g, size, e.rex);
    xt_flags(g, XT_OSZAPC, 0);
    xt_emit(g, &e);
    wrote_rm(g, &e, size);
    if (cmpxchg && size == 4 && !e.rm.mem) {
        g->c->regs_undef_hi |= (uint16_t)(1u << e.rm.reg);
        g->stop = true;                               /* nothing may read it later */
    }
    if (cmpxchg) {
        xt_wrote(g, 0);
    } else {
        wrote_reg(g, &e, size);
    }
    return true;
}

static bool gen_xadd(XtGen *g) { return xadd_cmpxchg(g, false); }
static bool gen_cmpxchg(XtGen *g) { return xadd_cmpxchg(g, true); }

/* ---------------------------------------------------------------------- */
/* stack                                                                   */

/* [rsp + disp8] inside the stack buffer */
static XtRm stack_mem(XtGen *g)
{
    return (XtRm){ .mem = true, .base = 4, .index = -1,
                   .disp = (int32_t)xt_pick(g, 16) * 8 - 64 };
}

static bool gen_push_pop_r(XtGen *g)
{
    bool pop = xt_coin(g);
    XtEnc e = xt_begin(g, xt_pick(g, 4) ? 8 : 2, false);

    e.no_w = true;
    e.oplen = 1;
    e.op[0] = pop ? 0x58 : 0x50;
    e.plusr = true;
    if (!pop) {
        e.rm = xt_regop(xt_pick_src(g, 8, false));    /* push rsp pushes the old value */
    } else if (xt_pick(g, 8) == 0) {
        e.rm = xt_regop(4);                           /* pop rsp: rsp = the popped value */
        g->stop = true;
    } else {
        e.rm = xt_regop(xt_pick_dst(g, 8, false));
    }
    xt_emit(g, &e);
    xt_wrote(g, 4);
    if (pop) {
        xt_wrote(g, e.rm.reg);
    }
    return true;
}

static bool gen_push_imm(XtGen *g)
{
    XtEnc e = xt_begin(g, xt_pick(g, 4) ? 8 : 2, false);
    bool ib = xt_coin(g);

    e.no_w = true;
    e.oplen = 1;
    e.op[0] = ib ? 0x6a : 0x68;
    e.immlen = ib ? 1 : e.size == 2 ? 2 : 4;
    e.imm = imm_of(g, e.immlen);
    xt_emit(g, &e);
    xt_wrote(g, 4);
    return true;
}

/* PUSH r/m (FF /6), POP r/m (8F /0): data buffer or [rsp+disp8], where a
 * POP computes the address with the incremented rsp. */
static bool gen_push_pop_m(XtGen *g)
{
    bool pop = xt_coin(g);
    XtEnc e = xt_begin(g, xt_pick(g, 4) ? 8 : 2, false);

    e.no_w = true;
    e.oplen = 1;
    e.op[0] = pop ? 0x8f : 0xff;
    e.modrm = true;
    e.reg = pop ? 0 : 6;
    e.rm = xt_coin(g) ? stack_mem(g) : xt_mem(g, 8);
    xt_emit(g, &e);
    xt_wrote(g, 4);
    return true;
}

static bool gen_leave(XtGen *g)
{
    if (!xt_pin(g, 5, XT_STACK_PTR + 8 * ((uint64_t)xt_pick(g, 64) - 32))) {
        return false;
    }
    xt_emit_raw(g, (const uint8_t[]){ 0xc9 }, 1);
    xt_wrote(g, 4);
    xt_wrote(g, 5);
    return true;
}

/* CALL to the next instruction: pushes its address, runs straight on. */
static bool gen_call0(XtGen *g)
{
    xt_emit_raw(g, (const uint8_t[]){ 0xe8, 0, 0, 0, 0 }, 5);
    xt_wrote(g, 4);
    return true;
}

/* ---------------------------------------------------------------------- */
/* Entry tables (the families are assembled in gen.c)                      */

const XtGenEntry xt_move_entries[] = {
    { "mov", gen_mov }, { "movx", gen_movx }, { "lea", gen_lea }, { "xchg", gen_xchg },
    { "cbw-cwd", gen_cbw_cwd }, { "flagop", gen_flagop }, { "nop", gen_nop },
    { NULL, NULL },
};

const XtGenEntry xt_cc_entries[] = {
    { "setcc", gen_setcc }, { "cmovcc", gen_cmovcc }, { "jcc", gen_jcc },
    { "loop", gen_loop },
    { NULL, NULL },
};

const XtGenEntry xt_lock_move_entries[] = {
    { "xchg-mem", gen_xchg_mem }, { "lock-ud", gen_lock_ud },
    { NULL, NULL },
};

const XtGenEntry xt_stack_entries[] = {
    { "push-pop-r", gen_push_pop_r }, { "push-imm", gen_push_imm },
    { "push-pop-m", gen_push_pop_m }, { "leave", gen_leave }, { "call0", gen_call0 },
    { NULL, NULL },
};

const XtGenEntry xt_xadd_entries[] = {
    { "xadd", gen_xadd }, { "cmpxchg", gen_cmpxchg },
    { NULL, NULL },
};
