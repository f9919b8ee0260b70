/*
 * gen-arith.c — the arithmetic instruction kinds of the oracle differ
 * (alu, shift, muldiv, bitops, and their LOCK forms). Each entry encodes
 * one random instruction and records what the Intel SDM says about its
 * EFLAGS (defined / undefined / unchanged) and destinations.
 */
#include <string.h>

#include "tests/x86/gen-enc.h"

#define SZAPC (XT_SF | XT_ZF | XT_AF | XT_PF | XT_CF)
#define ALL XT_OSZAPC

static unsigned full_rm(const XtEnc *e, unsigned size)
{
    return xt_full_reg(e->rm.reg, size, e->rex);
}

/* Record the write of a register r/m destination of `size` bytes. */
static void wrote_rm(XtGen *g, const XtEnc *e, unsigned size)
{
    if (!e->rm.mem) {
        xt_wrote(g, full_rm(e, size));
    }
}

static void wrote_reg(XtGen *g, const XtEnc *e, unsigned size)
{
    xt_wrote(g, xt_full_reg(e->reg, size, e->rex));
}

/* An immediate of n bytes: edge values truncated, or random. */
static uint64_t imm_of(XtGen *g, unsigned n)
{
    uint64_t v = xt_edge_value(g->rng);
    return n >= 8 ? v : v & ((1ull << (8 * n)) - 1);
}

/* Bytes of an Iz immediate for an operand size. */
static unsigned iz(unsigned size)
{
    return size == 1 ? 1 : size == 2 ? 2 : 4;
}

/* The data-buffer offset a [rbx+...] operand addresses (generation time). */
static int mem_off(XtGen *g, const XtRm *m)
{
    int64_t off = m->disp;
    if (m->index >= 0) {
        off += (int64_t)g->c->init.regs[m->index] << m->scale;
    }
    return (int)off + XT_DATA_SIZE / 2;
}

static void set_mem(XtGen *g, const XtRm *m, unsigned size, uint64_t v)
{
    memcpy(g->c->init.data + mem_off(g, m), &v, size);
}

/* ---------------------------------------------------------------------- */
/* alu: ADD OR ADC SBB AND SUB XOR CMP, TEST, INC DEC, NEG NOT             */

static bool alu_flags(XtGen *g, unsigned op)
{
    if ((op == 2 || op == 3) && !(g->def & XT_CF)) {
        return false;                 /* ADC/SBB read CF */
    }
    if (op == 1 || op == 4 || op == 6) {
        xt_flags(g, ALL & ~XT_AF, XT_AF);
    } else {
        xt_flags(g, ALL, 0);
    }
    return true;
}

/* op r/m, r  or  op r, r/m */
static bool alu_rm_r(XtGen *g, bool lock, bool to_reg)
{
    unsigned op = xt_pick(g, lock ? 7 : 8), size = xt_pick_size(g, true);
    XtEnc e = xt_begin(g, size, size == 1);

    e.lock = lock;
    e.oplen = 1;
    e.op[0] = (uint8_t)(op * 8 + (size == 1 ? 0 : 1) + (to_reg ? 2 : 0));
    e.modrm = true;
    e.rm = lock ? xt_mem(g, size) : xt_rm(g, size, e.rex, !to_reg && op != 7);
    e.reg = to_reg && op != 7 ? xt_pick_dst(g, size, e.rex) : xt_pick_src(g, size, e.rex);
    if (!alu_flags(g, op)) {
        return false;
    }
    xt_emit(g, &e);
    if (op != 7) {
        if (to_reg) {
            wrote_reg(g, &e, size);
        } else {
            wrote_rm(g, &e, size);
        }
    }
    return true;
}

static bool gen_alu_rm_r(XtGen *g) { return alu_rm_r(g, false, false); }
static bool gen_alu_r_rm(XtGen *g) { return alu_rm_r(g, false, true); }
static bool gen_lock_alu_m_r(XtGen *g) { return alu_rm_r(g, true, false); }

/* op r/m, imm (80 81 83) */
static bool alu_rm_imm(XtGen *g, bool lock)
{
    unsigned op = xt_pick(g, lock ? 7 : 8), size = xt_pick_size(g, true);
    XtEnc e = xt_begin(g, size, size == 1);
    bool ibs = size > 1 && xt_coin(g);

    e.lock = lock;
    e.oplen = 1;
    e.op[0] = size == 1 ? 0x80 : ibs ? 0x83 : 0x81;
    e.modrm = true;
    e.reg = op;
    e.rm = lock ? xt_mem(g, size) : xt_rm(g, size, e.rex, op != 7);
    e.immlen = ibs ? 1 : iz(size);
    e.imm = imm_of(g, e.immlen);
    xt_fix_iz(g, &e);
    if (!alu_flags(g, op)) {
        return false;
    }
    xt_emit(g, &e);
    if (op != 7) {
        wrote_rm(g, &e, size);
    }
    return true;
}

static bool gen_alu_rm_imm(XtGen *g) { return alu_rm_imm(g, false); }
static bool gen_lock_alu_m_imm(XtGen *g) { return alu_rm_imm(g, true); }

/* op AL/AX/EAX/RAX, imm (04 05 ...) */
static bool gen_alu_acc_imm(XtGen *g)
{
    unsigned op = xt_pick(g, 8), size = xt_pick_size(g, true);
    XtEnc e = xt_begin(g, size, false);

    e.oplen = 1;
    e.op[0] = (uint8_t)(op * 8 + (size == 1 ? 4 : 5));
    e.immlen = iz(size);
    e.imm = imm_of(g, e.immlen);
    xt_fix_iz(g, &e);
    if (!alu_flags(g, op)) {
        return false;
    }
    xt_emit(g, &e);
    if (op != 7) {
        xt_wrote(g, 0);
    }
    return true;
}

static bool gen_test(XtGen *g)
{
    unsigned size = xt_pick_size(g, true);
    XtEnc e = xt_begin(g, size, size == 1);

    e.oplen = 1;
    switch (xt_pick(g, 3)) {
    case 0:                                           /* TEST r/m, r */
        e.op[0] = size == 1 ? 0x84 : 0x85;
        e.modrm = true;
        e.rm = xt_rm(g, size, e.rex, false);
        e.reg = xt_pick_src(g, size, e.rex);
        break;
    case 1:                                           /* TEST acc, imm */
        e.op[0] = size == 1 ? 0xa8 : 0xa9;
        e.rex = false;
        e.immlen = iz(size);
        break;
    default:                                          /* TEST r/m, imm */
        e.op[0] = size == 1 ? 0xf6 : 0xf7;
        e.modrm = true;
        e.rm = xt_rm(g, size, e.rex, false);
        e.immlen = iz(size);
        break;
    }
    e.imm = imm_of(g, e.immlen);
    xt_fix_iz(g, &e);
    xt_flags(g, ALL & ~XT_AF, XT_AF);
    xt_emit(g, &e);
    return true;
}

/* INC/DEC (FE/FF /0 /1) and NEG/NOT (F6/F7 /3 /2) */
static bool unary(XtGen *g, bool lock, bool incdec)
{
    unsigned size = xt_pick_size(g, true);
    XtEnc e = xt_begin(g, size, size == 1);
    unsigned sub = xt_pick(g, 2);

    e.lock = lock;
    e.oplen = 1;
    e.op[0] = (uint8_t)((incdec ? 0xfe : 0xf6) + (size == 1 ? 0 : 1));
    e.modrm = true;
    e.reg = incdec ? sub : 2 + sub;
    e.rm = lock ? xt_mem(g, size) : xt_rm(g, size, e.rex, true);
    if (incdec) {
        xt_flags(g, ALL & ~XT_CF, 0);                 /* CF unchanged */
    } else if (e.reg == 3) {
        xt_flags(g, ALL, 0);                          /* NEG; NOT leaves flags */
    }
    xt_emit(g, &e);
    wrote_rm(g, &e, size);
    return true;
}

static bool gen_incdec(XtGen *g) { return unary(g, false, true); }
static bool gen_negnot(XtGen *g) { return unary(g, false, false); }
static bool gen_lock_incdec(XtGen *g) { return unary(g, true, true); }
static bool gen_lock_negnot(XtGen *g) { return unary(g, true, false); }

/* ---------------------------------------------------------------------- */
/* shift: ROL ROR SHL SHR SAR by 1, imm8, CL                               */

static const unsigned shift_ops[] = { 0, 1, 4, 5, 7 };

/* Flags after a shift/rotate of `size` bytes by count (-1: unknown). */
static void shift_flags(XtGen *g, unsigned op, unsigned size, int count)
{
    bool rot = op < 4;   /* ROL ROR RCL RCR: CF and OF only */
    bool cf_may_undef = (op == 4 || op == 5 || op == 6) && size < 4;

    if (count < 0) {
        xt_flags(g, 0, XT_OF | (rot ? 0 : XT_AF) | (cf_may_undef ? XT_CF : 0));
        return;
    }
    unsigned c = (unsigned)count & (size == 8 ? 63 : 31);
    if (c == 0) {
        return;
    }
    uint32_t of = c == 1 ? XT_OF : 0;
    if (rot) {
        xt_flags(g, XT_CF | of, XT_OF & ~of);
        return;
    }
    uint32_t cf_undef = (op == 4 || op == 5 || op == 6) && c >= size * 8 ? XT_CF : 0;
    xt_flags(g, (XT_SF | XT_ZF | XT_PF | XT_CF | of) & ~cf_undef,
             XT_AF | (XT_OF & ~of) | cf_undef);
}

static uint64_t count_value(XtGen *g, unsigned size)
{
    static const unsigned edges[] = { 0, 1, 2, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65 };
    unsigned w = size * 8;
    switch (xt_pick(g, 4)) {
    case 0: return (uint64_t)(w - 1 + xt_pick(g, 3));
    case 1: return edges[xt_pick(g, sizeof(edges) / sizeof(edges[0]))];
    case 2: {                                   /* CL only uses the low bits */
        uint64_t low = xt_pick(g, 256);
        return low | (xt_rand(g->rng) & ~0xffull);
    }
    default: return xt_pick(g, 256);
    }
}

/* form 0: by 1 (D0/D1), 1: by imm8 (C0/C1), 2: by CL (D2/D3) */
static bool shift(XtGen *g, const unsigned *ops, unsigned nb_ops, unsigned form)
{
    unsigned op = ops[xt_pick(g, nb_ops)], size = xt_pick_size(g, true);
    XtEnc e = xt_begin(g, size, size == 1);
    int count = 1;

    if ((op == 2 || op == 3) && !(g->def & XT_CF)) {
        return false;
    }
    e.oplen = 1;
    e.op[0] = (uint8_t)((form == 0 ? 0xd0 : form == 1 ? 0xc0 : 0xd2) + (size == 1 ? 0 : 1));
    e.modrm = true;
    e.reg = op;
    e.rm = xt_rm(g, size, e.rex, true);
    if (form == 1) {
        e.immlen = 1;
        e.imm = count_value(g, size) & 0xff;
        count = (int)e.imm;
    } else if (form == 2) {
        uint64_t v = count_value(g, size);
        count = xt_pin(g, 1, v) ? (int)(v & 0xff) : -1;
        if (count < 0 && !((g->written | g->pinned) & 2)) {
            count = (int)(g->c->init.regs[1] & 0xff);   /* rcx untouched so far */
        }
    }
    shift_flags(g, op, size, count);
    xt_emit(g, &e);
    wrote_rm(g, &e, size);
    return true;
}

static bool gen_shift_1(XtGen *g) { return shift(g, shift_ops, 5, 0); }
static bool gen_shift_imm(XtGen *g) { return shift(g, shift_ops, 5, 1); }
static bool gen_shift_cl(XtGen *g) { return shift(g, shift_ops, 5, 2); }

/* ---------------------------------------------------------------------- */
/* muldiv: MUL IMUL (1, 2, 3 operands), DIV IDIV                           */

static bool gen_mul1(XtGen *g)
{
    unsigned size = xt_pick_size(g, true);
    XtEnc e = xt_begin(g, size, size == 1);

    e.oplen = 1;
    e.op[0] = size == 1 ? 0xf6 : 0xf7;
    e.modrm = true;
    e.reg = 4 + xt_pick(g, 2);
    e.rm = xt_rm(g, size, e.rex, false);
    xt_flags(g, XT_CF | XT_OF, XT_SF | XT_ZF | XT_AF | XT_PF);
    xt_emit(g, &e);
    xt_wrote(g, 0);
    if (size > 1) {
        xt_wrote(g, 2);
    }
    return true;
}

static bool gen_imul_n(XtGen *g)
{
    unsigned size = xt_pick_size(g, false), form = xt_pick(g, 3);
    XtEnc e = xt_begin(g, size, false);

    e.modrm = true;
    e.rm = xt_rm(g, size, false, false);
    e.reg = xt_pick_dst(g, size, false);
    if (form == 0) {
        e.oplen = 2;
        e.op[0] = 0x0f;
        e.op[1] = 0xaf;
    } else {
        e.oplen = 1;
        e.op[0] = form == 1 ? 0x69 : 0x6b;
        e.immlen = form == 1 ? iz(size) : 1;
        e.imm = imm_of(g, e.immlen);
        xt_fix_iz(g, &e);
    }
    xt_flags(g, XT_CF | XT_OF, XT_SF | XT_ZF | XT_AF | XT_PF);
    xt_emit(g, &e);
    wrote_reg(g, &e, size);
    return true;
}

static uint64_t divisor_value(XtGen *g)
{
    switch (xt_pick(g, 8)) {
    case 0: return 0;
    case 1: return 1;
    case 2: return (uint64_t)-1;
    default: return xt_edge_value(g->rng);
    }
}

/* Pin the dividend's high half so that the quotient fits most of the time
 * (a quarter of the time it stays random: #DE by overflow). */
static void pin_dividend(XtGen *g, unsigned size, bool sign, uint64_t divisor)
{
    uint64_t lo = g->c->init.regs[0];
    uint64_t mask = size == 8 ? ~0ull : (1ull << (8 * size)) - 1;
    uint64_t d = divisor & mask;

    if (xt_pick(g, 4) == 0) {
        return;
    }
    if (size == 1) {
        uint64_t ah = sign ? ((lo & 0x80) ? 0xff : 0) : d ? xt_rand(g->rng) % d : 0;
        xt_pin(g, 0, (lo & ~0xff00ull) | (ah << 8));
        return;
    }
    if (sign) {
        xt_pin(g, 2, (lo >> (size * 8 - 1)) & 1 ? ~0ull : 0);
    } else {
        xt_pin(g, 2, d ? xt_rand(g->rng) % d : 0);
    }
}

static bool gen_div(XtGen *g)
{
    unsigned size = xt_pick_size(g, true);
    XtEnc e = xt_begin(g, size, size == 1);
    uint64_t d = divisor_value(g);

    e.oplen = 1;
    e.op[0] = size == 1 ? 0xf6 : 0xf7;
    e.modrm = true;
    e.reg = 6 + xt_pick(g, 2);
    pin_dividend(g, size, e.reg == 7, d);
    if (xt_coin(g)) {
        e.rm = xt_mem(g, size);
        set_mem(g, &e.rm, size, d);
    } else {
        int r = xt_pin_reg(g, d, true);
        if (r < 0 || r == 0 || r == 2 || (size == 1 && !e.rex && r >= 4)) {
            e.rm = xt_regop(xt_pick_src(g, size, e.rex));
        } else {
            e.rm = xt_regop((unsigned)r);
        }
    }
    xt_flags(g, 0, ALL);
    xt_emit(g, &e);
    xt_wrote(g, 0);
    if (size > 1) {
        xt_wrote(g, 2);
    }
    return true;
}

/* ---------------------------------------------------------------------- */
/* bitops: BT BTS BTR BTC, BSF BSR, TZCNT LZCNT POPCNT, BSWAP              */

static bool bt_flags(XtGen *g)
{
    xt_flags(g, XT_CF, XT_OF | XT_SF | XT_AF | XT_PF);
    return true;
}

/* BTx r/m, r. Memory: the bit offset register is pinned to a value that
 * stays inside the buffer (it may be negative). */
static bool bt_r(XtGen *g, bool lock, bool mem)
{
    unsigned size = xt_pick_size(g, false), op = xt_pick(g, lock ? 3 : 4) + (lock ? 1 : 0);
    XtEnc e = xt_begin(g, size, false);

    e.lock = lock;
    e.oplen = 2;
    e.op[0] = 0x0f;
    e.op[1] = (uint8_t)(0xa3 + 8 * op);
    e.modrm = true;
    if (mem) {
        int64_t bit = (int64_t)xt_pick(g, 16000) - 8000;
        int r = xt_pin_reg(g, (uint64_t)bit, true);
        if (r < 0) {
            return false;
        }
        e.reg = (unsigned)r;
        e.rm = (XtRm){ .mem = true, .base = 3, .index = -1,
                       .disp = (int32_t)xt_pick(g, 256) - 128 };
    } else {
        e.rm = xt_regop(op ? xt_pick_dst(g, size, false) : xt_pick_src(g, size, false));
        e.reg = xt_pick_src(g, size, false);
    }
    bt_flags(g);
    xt_emit(g, &e);
    if (op) {
        wrote_rm(g, &e, size);
    }
    return true;
}

static bool gen_bt_r_r(XtGen *g) { return bt_r(g, false, false); }
static bool gen_bt_m_r(XtGen *g) { return bt_r(g, false, true); }
static bool gen_lock_bt_m_r(XtGen *g) { return bt_r(g, true, true); }

static bool bt_imm(XtGen *g, bool lock)
{
    unsigned size = xt_pick_size(g, false), op = xt_pick(g, lock ? 3 : 4) + (lock ? 1 : 0);
    XtEnc e = xt_begin(g, size, false);

    e.lock = lock;
    e.oplen = 2;
    e.op[0] = 0x0f;
    e.op[1] = 0xba;
    e.modrm = true;
    e.reg = 4 + op;
    e.rm = lock ? xt_mem(g, size) : xt_rm(g, size, false, op != 0);
    e.immlen = 1;
    e.imm = xt_pick(g, 256);
    bt_flags(g);
    xt_emit(g, &e);
    if (op) {
        wrote_rm(g, &e, size);
    }
    return true;
}

static bool gen_bt_imm(XtGen *g) { return bt_imm(g, false); }
static bool gen_lock_bt_imm(XtGen *g) { return bt_imm(g, true); }

/* BSF BSR (0F BC/BD), TZCNT LZCNT (F3 0F BC/BD), POPCNT (F3 0F B8) */
static bool gen_bitscan(XtGen *g)
{
    unsigned size = xt_pick_size(g, false), kind = xt_pick(g, 5);
    XtEnc e = xt_begin(g, size, false);
    static const uint8_t ops[] = { 0xbc, 0xbd, 0xbc, 0xbd, 0xb8 };

    e.pfx = kind >= 2 ? 0xf3 : 0;
    e.oplen = 2;
    e.op[0] = 0x0f;
    e.op[1] = ops[kind];
    e.modrm = true;
    e.rm = xt_rm(g, size, false, false);
    e.reg = xt_pick_dst(g, size, false);
    if (!e.rm.mem && xt_pick(g, 4) == 0) {
        /* a zero source now and then: the ZF / CF / undefined-result case */
        xt_pin(g, e.rm.reg, xt_coin(g) ? 0 : xt_rand(g->rng) & ~0xffffffffull);
    }
    if (kind < 2) {
        xt_flags(g, XT_ZF, XT_CF | XT_OF | XT_SF | XT_AF | XT_PF);
        /* The destination is undefined for a zero source: only as the
         * last instruction, where the final ZF tells. */
        g->c->regs_undef_if_zf |= (uint16_t)(1u << e.reg);
        g->stop = true;
    } else if (kind < 4) {
        xt_flags(g, XT_ZF | XT_CF, XT_OF | XT_SF | XT_AF | XT_PF);
    } else {
        xt_flags(g, ALL, 0);
    }
    xt_emit(g, &e);
    wrote_reg(g, &e, size);
    return true;
}

static bool gen_bswap(XtGen *g)
{
    unsigned size = xt_coin(g) ? 4 : 8;
    XtEnc e = xt_begin(g, size, false);

    e.oplen = 2;
    e.op[0] = 0x0f;
    e.op[1] = 0xc8;
    e.plusr = true;
    e.rm = xt_regop(xt_pick_dst(g, size, false));
    xt_emit(g, &e);
    xt_wrote(g, e.rm.reg);
    return true;
}

/* ---------------------------------------------------------------------- */
/* Entry tables (the families are assembled in gen.c)                      */

const XtGenEntry xt_alu_entries[] = {
    { "alu-rm-r", gen_alu_rm_r }, { "alu-r-rm", gen_alu_r_rm },
    { "alu-rm-imm", gen_alu_rm_imm }, { "alu-acc-imm", gen_alu_acc_imm },
    { "test", gen_test }, { "incdec", gen_incdec }, { "negnot", gen_negnot },
    { NULL, NULL },
};

const XtGenEntry xt_shift_entries[] = {
    { "shift-1", gen_shift_1 }, { "shift-imm", gen_shift_imm }, { "shift-cl", gen_shift_cl },
    { NULL, NULL },
};

const XtGenEntry xt_muldiv_entries[] = {
    { "mul1", gen_mul1 }, { "imul-n", gen_imul_n }, { "div", gen_div },
    { NULL, NULL },
};

const XtGenEntry xt_bitops_entries[] = {
    { "bt-r-r", gen_bt_r_r }, { "bt-m-r", gen_bt_m_r }, { "bt-imm", gen_bt_imm },
    { "bitscan", gen_bitscan }, { "bswap", gen_bswap },
    { NULL, NULL },
};

const XtGenEntry xt_lock_arith_entries[] = {
    { "lock-alu-m-r", gen_lock_alu_m_r }, { "lock-alu-m-imm", gen_lock_alu_m_imm },
    { "lock-incdec", gen_lock_incdec }, { "lock-negnot", gen_lock_negnot },
    { "lock-bt-m-r", gen_lock_bt_m_r }, { "lock-bt-imm", gen_lock_bt_imm },
    { NULL, NULL },
};

/* Rotates through carry: not translated yet (x86_tr_shift has no RCL/RCR). */
static const unsigned rc_ops[] = { 2, 3 };
static bool gen_rcx_imm(XtGen *g) { return shift(g, rc_ops, 2, 1); }
static bool gen_rcx_cl(XtGen *g) { return shift(g, rc_ops, 2, 2); }

const XtGenEntry xt_rotc_entries[] = {
    { "rcl-rcr-imm", gen_rcx_imm }, { "rcl-rcr-cl", gen_rcx_cl },
    { NULL, NULL },
};
