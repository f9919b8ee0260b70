/*
 * gen-crypto.c — the crypto family of the oracle differ: AES-NI (AESENC,
 * AESENCLAST, AESDEC, AESDECLAST, AESIMC, AESKEYGENASSIST) and PCLMULQDQ
 * with register and memory operands. The differ compares GPRs and memory,
 * not xmm registers, so every kind loads its xmm operands from the random
 * data buffer, runs the instruction and stores the result back there.
 * Memory operands are 16-byte aligned; the fault-crypto family also makes
 * misaligned ones, where the legacy SSE encoding must raise #GP.
 */
#include "tests/x86/gen-enc.h"

/* The longest kind: two loads, the op with imm8, one store. */
#define CRYPTO_MAX_BYTES 26

/* An xmm load/store/op: [66|F3] [REX] 0F map... op ModRM [disp8] [imm8]
 * with ModRM.reg = xmm reg and r/m = xmm rm or [rbx + disp]. */
static void emit_xmm(XtGen *g, uint8_t pfx, const uint8_t *op, unsigned oplen, unsigned reg,
                     bool mem, unsigned rm, int disp, int imm)
{
    uint8_t b[12];
    unsigned n = 0;
    unsigned rex = 0x40 | (reg & 8 ? 4 : 0) | (!mem && (rm & 8) ? 1 : 0);

    b[n++] = pfx;
    if (rex != 0x40 || xt_pick(g, 8) == 0) {
        b[n++] = (uint8_t)rex;     /* sometimes an empty REX, which changes nothing */
    }
    for (unsigned i = 0; i < oplen; i++) {
        b[n++] = op[i];
    }
    if (mem) {
        b[n++] = (uint8_t)(0x43 | (reg & 7) << 3);
        b[n++] = (uint8_t)disp;
    } else {
        b[n++] = (uint8_t)(0xc0 | (reg & 7) << 3 | (rm & 7));
    }
    if (imm >= 0) {
        b[n++] = (uint8_t)imm;
    }
    xt_emit_raw(g, b, n);
}

/* A 16-byte slot of the data buffer reachable by disp8 from rbx. */
static int slot(XtGen *g)
{
    return -128 + 16 * (int)xt_pick(g, 15);
}

static void movdqu(XtGen *g, unsigned xmm, bool store, int disp)
{
    static const uint8_t ld[2] = { 0x0f, 0x6f }, st[2] = { 0x0f, 0x7f };
    emit_xmm(g, 0xf3, store ? st : ld, 2, xmm, true, 0, disp, -1);
}

/* 66 0F 38 DB..DF and 66 0F 3A 44 / DF; misalign: the memory form with a
 * misaligned operand now and then (#GP, which ends the case). */
static bool gen_op(XtGen *g, bool misalign)
{
    static const struct { uint8_t map, op; bool imm, unary; } ops[] = {
        { 0x38, 0xdc, false, false }, { 0x38, 0xdd, false, false },
        { 0x38, 0xde, false, false }, { 0x38, 0xdf, false, false },
        { 0x38, 0xdb, false, true }, { 0x3a, 0xdf, true, true },
        { 0x3a, 0x44, true, false },
    };
    unsigned k = xt_pick(g, sizeof(ops) / sizeof(ops[0]));
    unsigned d = xt_pick(g, 16), s = xt_coin(g) ? d : xt_pick(g, 16);
    bool mem = xt_pick(g, 3) == 0;
    int imm = -1;

    if (g->c->len + CRYPTO_MAX_BYTES > sizeof(g->c->code)) {
        return false;
    }
    if (ops[k].imm) {
        /* PCLMULQDQ: the four selector forms (pseudo-ops) and ignored bits */
        imm = xt_coin(g) ? (int)(0x11 & (xt_pick(g, 4) * 0x0f)) : (int)xt_pick(g, 256);
    }
    /* unary ops overwrite d: load it first or not */
    bool d_loaded = !ops[k].unary || xt_coin(g);
    if (d_loaded) {
        movdqu(g, d, false, slot(g));
    }
    if (!mem && (s != d || !d_loaded)) {
        movdqu(g, s, false, slot(g));
    }
    int disp = slot(g);
    if (misalign && mem && xt_pick(g, 3) == 0) {
        disp += 1 + (int)xt_pick(g, 15);   /* misaligned: #GP */
        g->stop = true;
    }
    const uint8_t op[3] = { 0x0f, ops[k].map, ops[k].op };
    emit_xmm(g, 0x66, op, 3, d, mem, s, disp, imm);
    movdqu(g, d, true, slot(g));
    return true;
}

static bool gen_crypto(XtGen *g) { return gen_op(g, false); }
static bool gen_crypto_misaligned(XtGen *g) { return gen_op(g, true); }

const XtGenEntry xt_crypto_entries[] = {
    { "aes-clmul", gen_crypto },
    { NULL, NULL },
};

const XtGenEntry xt_fault_crypto_entries[] = {
    { "aes-clmul-misaligned", gen_crypto_misaligned },
    { NULL, NULL },
};
