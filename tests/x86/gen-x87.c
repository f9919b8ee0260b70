/*
 * gen-x87.c — the x87 family of the oracle differ: loads of edge values
 * (zeros, denormals, pseudo-denormals, unnormals, infinities, QNaN/SNaN,
 * extremes, halfway cases) from memory followed by arithmetic, compares,
 * stack operations, stores and control-word changes (rounding and
 * precision control). The differ compares the x87 registers, FCW, FSW,
 * the tag word and memory. Transcendentals are left out: the CPU is not
 * bit-exact there (tests/x86/test-softfloat80.c checks them with a
 * tolerance).
 */
#include <string.h>

#include "tests/x86/gen-enc.h"

/* Operands are [rbx + disp8]: loads from slots 0..7, stores to 8..15. */
static int8_t slot(XtGen *g, bool store)
{
    return (int8_t)(-128 + 16 * (int)((store ? 8 : 0) + xt_pick(g, 8)));
}

static void put_data(XtGen *g, int8_t disp, const void *v, size_t n)
{
    memcpy(g->c->init.data + XT_DATA_SIZE / 2 + disp, v, n);
}

/* An interesting 80-bit value. */
static void edge80(XtGen *g, uint8_t out[10])
{
    static const struct { uint16_t se; uint64_t m; } edges[] = {
        { 0, 0 }, { 0x8000, 0 }, { 0, 1 }, { 0x8000, 0x7fffffffffffffff },
        { 0, 0x8000000000000000 }, { 1, 0x8000000000000000 },
        { 0x7ffe, 0xffffffffffffffff }, { 0x3fff, 0x8000000000000000 },
        { 0xbfff, 0xc000000000000000 }, { 0x3fff, 0x8000000000000400 },
        { 0x3fff, 0x8000008000000000 }, { 0x7fff, 0x8000000000000000 },
        { 0xffff, 0x8000000000000000 }, { 0x7fff, 0xc000000000000001 },
        { 0xffff, 0xc000000000000000 }, { 0x7fff, 0x8000000000000001 },
        { 0x4000, 0x4000000000000000 }, { 0x7fff, 0 }, { 0x403e, 0xfffffffffffffc00 },
        { 0x401d, 0x8000000000000000 }, { 0x3ffe, 0x8000000000000001 },
    };
    uint64_t r = xt_rand(g->rng), m = xt_rand(g->rng);
    uint16_t se;
    switch (r & 3) {
    case 0:
        se = edges[(r >> 8) % (sizeof(edges) / sizeof(edges[0]))].se;
        m = edges[(r >> 8) % (sizeof(edges) / sizeof(edges[0]))].m;
        break;
    case 1:
        se = (uint16_t)((r >> 16) & 0xffff);
        break;
    default:
        se = (uint16_t)((r >> 16 & 0x8000) | (0x3fff - 40 + (r >> 20) % 80));
        if ((r >> 40) & 1) {
            m &= ~0ull << 40;
        }
        break;
    }
    if ((se & 0x7fff) && ((r >> 50) & 15)) {
        m |= 1ull << 63;
    }
    memcpy(out, &m, 8);
    memcpy(out + 8, &se, 2);
}

static void emit_mem(XtGen *g, uint8_t op, unsigned reg, int8_t disp)
{
    uint8_t b[3] = { op, (uint8_t)(0x43 | reg << 3), (uint8_t)disp };
    xt_emit_raw(g, b, 3);
}

static void emit2(XtGen *g, uint8_t a, uint8_t b)
{
    uint8_t x[2] = { a, b };
    xt_emit_raw(g, x, 2);
}

/* Push one value: FLD m32/m64/m80, FILD m16/m32/m64, a constant, FLD ST(i). */
static void load(XtGen *g)
{
    int8_t d = slot(g, false);
    uint8_t v[10];
    edge80(g, v);
    switch (xt_pick(g, 9)) {
    case 0: {                                        /* FLD m32 */
        uint32_t f = (uint32_t)xt_edge_value(g->rng);
        if (xt_coin(g)) {
            f = (uint32_t)(xt_rand(g->rng) & 0x807fffff);   /* sign, mantissa, then */
            f |= (uint32_t)(xt_pick(g, 256) << 23);         /* exponent (in this order) */
        }
        put_data(g, d, &f, 4);
        emit_mem(g, 0xd9, 0, d);
        break;
    }
    case 1: {                                        /* FLD m64 */
        uint64_t f;
        if (xt_coin(g)) {
            f = xt_edge_value(g->rng);
        } else {
            f = xt_rand(g->rng) & 0x800fffffffffffffull;      /* one draw per statement: */
            f |= (uint64_t)(0x3ff - 60 + xt_pick(g, 120)) << 52;   /* the same on all hosts */
        }
        put_data(g, d, &f, 8);
        emit_mem(g, 0xdd, 0, d);
        break;
    }
    case 2: {                                        /* FILD m16/m32/m64 */
        uint64_t i = xt_edge_value(g->rng);
        put_data(g, d, &i, 8);
        static const uint8_t op[3] = { 0xdf, 0xdb, 0xdf };
        unsigned k = xt_pick(g, 3);
        emit_mem(g, op[k], k == 2 ? 5 : 0, d);
        break;
    }
    case 6: {                                        /* FBLD: 18 valid digits */
        uint8_t bcd[10];
        for (unsigned i = 0; i < 9; i++) {
            unsigned hi = xt_pick(g, 10);
            bcd[i] = (uint8_t)(hi << 4 | xt_pick(g, 10));
        }
        bcd[9] = xt_coin(g) ? 0x80 : 0;
        put_data(g, d, bcd, 10);
        emit_mem(g, 0xdf, 4, d);
        break;
    }
    case 3:                                          /* FLD1 .. FLDZ */
        emit2(g, 0xd9, (uint8_t)(0xe8 + xt_pick(g, 7)));
        break;
    case 4:                                          /* FLD ST(i) */
        emit2(g, 0xd9, (uint8_t)(0xc0 + xt_pick(g, 8)));
        break;
    default:                                         /* FLD m80 */
        put_data(g, d, v, 10);
        emit_mem(g, 0xdb, 5, d);
        break;
    }
}

static bool g_load(XtGen *g)
{
    load(g);
    return true;
}

/* FADD..FDIVR: register forms (D8, DC, DE) and memory forms (D8 DC DA DE). */
static bool g_arith(XtGen *g)
{
    static const unsigned rows[6] = { 0, 1, 4, 5, 6, 7 };
    unsigned row = rows[xt_pick(g, 6)];
    if (xt_coin(g)) {
        load(g);
    }
    if (xt_coin(g)) {
        static const uint8_t ops[3] = { 0xd8, 0xdc, 0xde };
        uint8_t op = ops[xt_pick(g, 3)];
        emit2(g, op, (uint8_t)(0xc0 | row << 3 | xt_pick(g, 8)));
    } else {
        static const uint8_t ops[4] = { 0xd8, 0xdc, 0xda, 0xde };
        int8_t d = slot(g, false);
        uint8_t v[10];
        edge80(g, v);
        uint64_t x = xt_coin(g) ? xt_edge_value(g->rng) : 0;
        put_data(g, d, x ? (const void *)&x : (const void *)v, 8);
        emit_mem(g, ops[xt_pick(g, 4)], row, d);
    }
    return true;
}

/* FCOM, FCOMP, FCOMPP, FUCOM(P)(P), FICOM(P), FCOMI/FUCOMI(P) (EFLAGS). */
static bool g_compare(XtGen *g)
{
    unsigned i = xt_pick(g, 8);
    if (xt_coin(g)) {
        load(g);
    }
    switch (xt_pick(g, 6)) {
    case 0: emit2(g, 0xd8, (uint8_t)(0xd0 + xt_pick(g, 16))); break;   /* FCOM(P) */
    case 1: emit2(g, 0xdd, (uint8_t)(0xe0 + xt_pick(g, 16))); break;   /* FUCOM(P) */
    case 2: {
        uint8_t op = xt_coin(g) ? 0xde : 0xda;
        emit2(g, op, xt_coin(g) ? 0xd9 : 0xe9);
        break;
    }
    case 3: {
        static const uint8_t ops[4] = { 0xd8, 0xdc, 0xda, 0xde };
        int8_t d = slot(g, false);
        uint64_t x = xt_edge_value(g->rng);
        put_data(g, d, &x, 8);
        uint8_t op = ops[xt_pick(g, 4)];
        emit_mem(g, op, 2 + xt_pick(g, 2), d);
        break;
    }
    default: {
        static const uint8_t rows[4][2] = { { 0xdb, 0xe8 }, { 0xdb, 0xf0 }, { 0xdf, 0xe8 },
                                            { 0xdf, 0xf0 } };
        unsigned k = xt_pick(g, 4);
        emit2(g, rows[k][0], (uint8_t)(rows[k][1] + i));
        xt_flags(g, XT_OSZAPC, 0);
        break;
    }
    }
    return true;
}

/* Stack and one-operand operations. */
static bool g_unary(XtGen *g)
{
    static const uint8_t d9[] = { 0xe0, 0xe1, 0xe4, 0xe5, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8,
                                  0xfa, 0xfc, 0xfd, 0xd0 };
    if (xt_coin(g)) {
        load(g);
    }
    switch (xt_pick(g, 4)) {
    case 0: emit2(g, 0xd9, (uint8_t)(0xc8 + xt_pick(g, 8))); break;   /* FXCH */
    case 1: {                                                          /* FFREE FST FSTP */
        static const uint8_t rows[4][2] = { { 0xdd, 0xc0 }, { 0xdd, 0xd0 }, { 0xdd, 0xd8 },
                                            { 0xdf, 0xc0 } };
        unsigned k = xt_pick(g, 4);
        emit2(g, rows[k][0], (uint8_t)(rows[k][1] + xt_pick(g, 8)));
        break;
    }
    default:
        emit2(g, 0xd9, d9[xt_pick(g, sizeof(d9))]);
        break;
    }
    return true;
}

/* FST(P) m32/m64/m80, FIST(P)/FISTTP m16/m32/m64, FBSTP. */
static bool g_store(XtGen *g)
{
    static const uint8_t forms[][2] = {
        { 0xd9, 2 }, { 0xd9, 3 }, { 0xdd, 2 }, { 0xdd, 3 }, { 0xdb, 7 }, { 0xdf, 2 },
        { 0xdf, 3 }, { 0xdb, 2 }, { 0xdb, 3 }, { 0xdf, 7 }, { 0xdb, 1 }, { 0xdd, 1 },
        { 0xdf, 1 }, { 0xdf, 6 },
    };
    unsigned k = xt_pick(g, sizeof(forms) / sizeof(forms[0]));
    if (xt_pick(g, 4)) {
        load(g);
    }
    emit_mem(g, forms[k][0], forms[k][1], slot(g, true));
    return true;
}

/* FLDCW (rounding and precision control, sometimes an unmasked exception:
 * #MF at the next waiting instruction), FNSTCW, FNSTSW, FNCLEX, FWAIT. */
static bool g_control(XtGen *g)
{
    switch (xt_pick(g, 5)) {
    case 0: case 1: {
        int8_t d = 124;                              /* no load or store slot */
        uint16_t cw = (uint16_t)(0x7f | xt_pick(g, 4) << 8);
        cw |= (uint16_t)(xt_pick(g, 4) << 10);
        if (xt_pick(g, 4) == 0) {
            cw &= (uint16_t)~(1u << xt_pick(g, 6));  /* unmask one: #MF later */
        }
        put_data(g, d, &cw, 2);
        emit_mem(g, 0xd9, 5, d);
        break;
    }
    case 2: {
        uint8_t op = xt_coin(g) ? 0xd9 : 0xdd;
        emit_mem(g, op, 7, slot(g, true));
        break;
    }
    case 3:
        emit2(g, 0xdf, 0xe0);                        /* FNSTSW AX */
        xt_wrote(g, 0);
        break;
    default:
        if (xt_coin(g)) {
            emit2(g, 0xdb, 0xe2);                    /* FNCLEX */
        } else {
            uint8_t w = 0x9b;                        /* FWAIT */
            xt_emit_raw(g, &w, 1);
        }
        break;
    }
    return true;
}

/* FNSAVE+FRSTOR or FNSTENV+FLDENV through [rbx+0]: the image is compared
 * as memory, and the reload must give back the same state. */
static bool g_save(XtGen *g)
{
    if (xt_coin(g)) {
        emit_mem(g, 0xdd, 6, 0);                     /* FNSAVE */
        emit_mem(g, 0xdd, 4, 0);                     /* FRSTOR */
    } else {
        emit_mem(g, 0xd9, 6, 0);                     /* FNSTENV */
        emit_mem(g, 0xd9, 4, 0);                     /* FLDENV */
    }
    return true;
}

/* FCMOVcc: reads CF, ZF or PF, which must be defined. */
static bool g_fcmov(XtGen *g)
{
    static const unsigned cc[8] = { 2, 4, 6, 10, 3, 5, 7, 11 };
    unsigned k = xt_pick(g, 8);
    if ((g->def & xt_cc_reads(cc[k])) != xt_cc_reads(cc[k])) {
        return false;
    }
    load(g);
    emit2(g, k < 4 ? 0xda : 0xdb, (uint8_t)(0xc0 + (k & 3) * 8 + xt_pick(g, 8)));
    return true;
}

const XtGenEntry xt_x87_entries[] = {
    { "x87-load", g_load }, { "x87-arith", g_arith }, { "x87-arith2", g_arith },
    { "x87-compare", g_compare }, { "x87-unary", g_unary }, { "x87-store", g_store },
    { "x87-control", g_control }, { "x87-fcmov", g_fcmov }, { "x87-save", g_save },
    { NULL, NULL },
};
