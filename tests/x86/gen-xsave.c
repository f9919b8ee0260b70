/*
 * gen-xsave.c — the xsave family of the oracle differ: XSAVE, XSAVEOPT,
 * XSAVEC (with and without REX.W) of the x87 and SSE state into a
 * 64-byte-aligned area of the data buffer, and XRSTOR of an area just
 * saved, with the requested-feature bitmap in EAX limited to x87|SSE (and
 * bits the host's XCR0 lacks: the host has AVX, ferry does not) so both
 * sides save the same components. Every kind first loads a value into ST0
 * and an xmm register: the processor's XINUSE tracking of a component in
 * its initial configuration is implementation-specific (the host keeps
 * XINUSE[0] set after FNINIT), so only components in use are compared.
 * MXCSR_MASK (bytes 28-31) is cleared after each save: the host reports
 * its own mask (AMD: bit 17, MM), ferry 0xFFFF. fault-xsave: misaligned
 * areas and corrupted headers (#GP).
 */
#include "tests/x86/gen-enc.h"

#define XSAVE_MAX_BYTES 45          /* gen_roundtrip: its own */

/* [REX] 0F <op> /digit [rbx + disp8]. */
static void emit_m(XtGen *g, bool rexw, uint8_t op, unsigned digit, int disp)
{
    uint8_t b[6];
    unsigned n = 0;

    if (rexw) {
        b[n++] = 0x48;
    }
    b[n++] = 0x0f;
    b[n++] = op;
    b[n++] = (uint8_t)(0x43 | digit << 3);
    b[n++] = (uint8_t)disp;
    xt_emit_raw(g, b, n);
}

/* fld1 or fldz (a valid ST0), then an xmm from the random buffer; ones:
 * also pcmpeqb on the next xmm, in case the buffer slot holds zeros
 * written by an earlier save (the host tracks XINUSE[1] by use, not by
 * value). */
static void touch_state(XtGen *g, unsigned xmm, bool ones)
{
    uint8_t b[13];
    unsigned n = 0;
    unsigned other = (xmm + 1) & 15;

    if (ones) {
        b[n++] = 0x66;
        if (other >= 8) {
            b[n++] = 0x45;
        }
        b[n++] = 0x0f;
        b[n++] = 0x74;
        b[n++] = (uint8_t)(0xc0 | (other & 7) << 3 | (other & 7));
    }

    b[n++] = 0xd9;
    b[n++] = xt_coin(g) ? 0xe8 : 0xee;
    b[n++] = 0xf3;                 /* movdqu xmm, [rbx + disp8] */
    if (xmm >= 8) {
        b[n++] = 0x44;
    }
    b[n++] = 0x0f;
    b[n++] = 0x6f;
    b[n++] = (uint8_t)(0x43 | (xmm & 7) << 3);
    b[n++] = (uint8_t)(-128 + 16 * (int)xt_pick(g, 16));
    xt_emit_raw(g, b, n);
}

/* mov eax, rfbm: x87 and SSE bits, sometimes with bits neither XCR0 has. */
static void set_rfbm(XtGen *g)
{
    uint32_t v = xt_pick(g, 4) | (xt_coin(g) ? 0x18u | (uint32_t)xt_rand(g->rng) << 8 : 0);
    uint8_t b[5] = { 0xb8, (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };
    xt_emit_raw(g, b, 5);
    xt_wrote(g, 0);
}

/* An area offset from rbx, 64-byte aligned, reachable by disp8. */
static int area(XtGen *g)
{
    return -128 + 64 * (int)xt_pick(g, 3);
}

/* One of XSAVE (0F AE /4), XSAVEOPT (0F AE /6), XSAVEC (0F C7 /4). */
static void emit_save(XtGen *g, int disp)
{
    static const struct { uint8_t op, digit; } forms[3] = { { 0xae, 4 }, { 0xae, 6 }, { 0xc7, 4 } };
    unsigned k = xt_pick(g, 3);
    emit_m(g, xt_coin(g), forms[k].op, forms[k].digit, disp);
    /* mov dword [rbx + disp + 28], 0: MXCSR_MASK is the CPU's own */
    uint8_t b[7] = { 0xc7, 0x43, (uint8_t)(disp + 28), 0, 0, 0, 0 };
    xt_emit_raw(g, b, 7);
}

static bool room(XtGen *g)
{
    return g->c->len + XSAVE_MAX_BYTES <= sizeof(g->c->code);
}

static bool gen_save(XtGen *g)
{
    if (!room(g)) {
        return false;
    }
    touch_state(g, xt_pick(g, 16), true);
    set_rfbm(g);
    emit_save(g, area(g));
    return true;
}

/* Zero the header: XCOMP_BV and the reserved bytes, which XSAVE does not
 * write and XRSTOR checks, and XSTATE_BV, whose bits outside RFBM XSAVE
 * keeps (random ones would be valid components on the host, whose XCR0
 * has AVX, and not in ferry): lea rdi, [rbx + disp + 512]; xor eax, eax;
 * mov ecx, 8; rep stosq. */
static void clear_header(XtGen *g, int disp)
{
    int32_t at = disp + 512;
    uint8_t b[17] = { 0x48, 0x8d, 0xbb, (uint8_t)at, (uint8_t)(at >> 8), (uint8_t)(at >> 16),
                      (uint8_t)(at >> 24), 0x31, 0xc0, 0xb9, 8, 0, 0, 0, 0xf3, 0x48, 0xab };
    xt_emit_raw(g, b, sizeof(b));
    xt_wrote(g, 1);
    xt_wrote(g, 7);
}

/* Save, change the state (another ST0 push, another xmm load), restore,
 * and show the restored xmm in memory (the x87 state is compared anyway).
 * 61 bytes: the only instruction of its case. */
static bool gen_roundtrip(XtGen *g)
{
    unsigned xmm = xt_pick(g, 16);
    int disp = area(g);

    if (g->c->len != 0) {
        return false;
    }
    touch_state(g, xmm, false);    /* first in its case: the buffer is random */
    clear_header(g, disp);
    set_rfbm(g);
    emit_save(g, disp);
    touch_state(g, xmm, false);
    emit_m(g, xt_coin(g), 0xae, 5, disp);          /* xrstor */
    uint8_t b[6] = { 0xf3, 0x44, 0x0f, 0x7f, (uint8_t)(0x43 | (xmm & 7) << 3), 0x70 };
    b[1] = xmm >= 8 ? 0x44 : 0x40;
    xt_emit_raw(g, b, 6);                          /* movdqu [rbx + 0x70], xmm */
    g->stop = true;
    return true;
}

/* A misaligned save or restore, or a restore from an area whose header
 * was just corrupted (XSTATE_BV bit 2, XCOMP_BV, reserved bytes). */
static bool gen_fault(XtGen *g)
{
    int disp = area(g);

    if (!room(g)) {
        return false;
    }
    touch_state(g, xt_pick(g, 16), true);
    set_rfbm(g);
    if (xt_coin(g)) {
        emit_m(g, false, xt_coin(g) ? 0xae : 0xc7, 4, disp + 8 * (1 + (int)xt_pick(g, 7)));
    } else {
        emit_save(g, disp);
        /* XSTATE_BV bit 2, XCOMP_BV bit 0 or a reserved header byte; the
         * header is 512 bytes into the area: [rbx + disp32] */
        unsigned which = xt_pick(g, 3);
        int32_t at = disp + 512 + (which == 0 ? 0 : which == 1 ? 8 : 16);
        uint8_t b[7] = { 0x80, 0x8b, (uint8_t)at, (uint8_t)(at >> 8), (uint8_t)(at >> 16),
                         (uint8_t)(at >> 24), which == 0 ? 4 : 1 };
        xt_emit_raw(g, b, 7);                      /* or byte [rbx + at], bit */
        emit_m(g, false, 0xae, 5, disp);           /* xrstor */
    }
    g->stop = true;
    return true;
}

const XtGenEntry xt_xsave_entries[] = {
    { "xsave", gen_save },
    { "xsave-xrstor", gen_roundtrip },
    { NULL, NULL },
};

const XtGenEntry xt_fault_xsave_entries[] = {
    { "xsave-fault", gen_fault },
    { NULL, NULL },
};
