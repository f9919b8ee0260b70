/*
 * decode.c — x86_decode(): prefixes, escapes (0F, 0F38, 0F3A, 3DNow!, VEX,
 * EVEX, XOP), table lookup, ModRM/SIB/displacement and immediates. All
 * opcode knowledge is in the opcodes-*.c tables; this file only walks them
 * and applies the encoding rules that are the same for every opcode.
 */
#include "frontend-x86/decode.h"

#include <string.h>

#include "frontend-x86/opcodes.h"

/* Decoder state for one instruction; buf is read only below lim. */
typedef struct Dec {
    const uint8_t *buf;
    size_t len;        /* caller's buffer length */
    size_t lim;        /* min(len, 15) */
    size_t p;          /* next byte */
    X86Insn *out;
    int err;           /* X86_DECODE_* once a read failed */
    bool undef;        /* opcode undefined: the row only gives the shape */
    bool has_h;        /* an operand comes from VEX.vvvv */
    uint8_t vvvv_raw;  /* all four VEX.vvvv bits, un-inverted: the
                          "unused must be 1111b" rule checks all of them
                          even in 32-bit mode, which ignores bit 3 for
                          register numbers (both seen on the host CPU) */
    uint8_t pclass;    /* X86_PC_* from the legacy prefixes */
} Dec;

/* Make sure n more bytes are available; on failure record why. */
static bool need(Dec *d, size_t n)
{
    if (d->p + n <= d->lim)
        return true;
    d->err = (d->len < X86_MAX_INSN_LEN && d->p + n > d->len)
                 ? X86_DECODE_TRUNCATED : X86_DECODE_TOO_LONG;
    return false;
}

/* Read an n-byte little-endian field (checked by need()), sign-extended. */
static int64_t read_le(Dec *d, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v |= (uint64_t)d->buf[d->p + i] << (8 * i);
    d->p += n;
    if (n < 8 && (v >> (8 * n - 1)) & 1)
        v |= ~0ULL << (8 * n);      /* sign-extend */
    return (int64_t)v;
}

/* Record why the instruction is #UD; the first reason found is kept. */
static void set_invalid(X86Insn *o, X86Invalid why)
{
    if (!o->invalid)
        o->invalid = why;
}

/* ---- prefixes ---------------------------------------------------------- */

/* Legacy prefix bytes: the X86_PFX_* bit each sets (0: not a prefix). */
static const uint8_t pfx_bit[256] = {
    [0xf0] = X86_PFX_LOCK, [0xf2] = X86_PFX_REPNE, [0xf3] = X86_PFX_REP,
    [0x66] = X86_PFX_OPSIZE, [0x67] = X86_PFX_ADDRSIZE,
    [0x26] = X86_PFX_SEG, [0x2e] = X86_PFX_SEG, [0x36] = X86_PFX_SEG,
    [0x3e] = X86_PFX_SEG, [0x64] = X86_PFX_SEG, [0x65] = X86_PFX_SEG,
};

/* Consume legacy and REX prefixes. Returns false on a short buffer. */
static bool decode_prefixes(Dec *d, X86Mode mode)
{
    X86Insn *o = d->out;
    unsigned last_rep = 0;
    for (;;) {
        if (!need(d, 1))
            return false;
        uint8_t b = d->buf[d->p];
        if (mode == X86_MODE_64 && (b & 0xf0) == 0x40) {
            o->rex = b;                 /* the last REX wins */
            d->p++;
            continue;
        }
        unsigned bit = pfx_bit[b];
        if (!bit)
            break;
        o->prefixes |= bit;
        if (bit & (X86_PFX_REP | X86_PFX_REPNE))
            last_rep = b;
        else if (bit == X86_PFX_SEG)    /* ES CS SS DS = 26 2E 36 3E */
            o->seg = b >= 0x64 ? b - 0x60 : (b >> 3) & 3;
        o->rex = 0;     /* a REX not right before the opcode is ignored */
        d->p++;
    }
    if (o->rex)
        o->prefixes |= X86_PFX_REX;
    o->rep = last_rep;
    /* F2/F3 take precedence over 66; the last of F2/F3 wins. */
    d->pclass = last_rep == 0xf3 ? X86_PC_F3
                : last_rep == 0xf2 ? X86_PC_F2
                : (o->prefixes & X86_PFX_OPSIZE) ? X86_PC_66 : X86_PC_NONE;
    return true;
}

/* ---- ModRM, SIB, displacement ------------------------------------------ */

static const int8_t base16[8] = { 3, 3, 5, 5, 6, 7, 5, 3 };  /* BX BX BP BP SI DI BP BX */
static const int8_t index16[8] = { 6, 7, 6, 7, -1, -1, -1, -1 };

/* 16-bit addressing: fixed base/index pairs, no SIB, disp 0/8/16. */
static bool decode_mem16(Dec *d)
{
    X86Insn *o = d->out;
    unsigned rm = o->modrm & 7;
    o->base = base16[rm];
    o->index = index16[rm];
    if (o->mod == 0 && rm == 6) {
        o->base = -1;
        o->disp_size = 2;
    } else {
        o->disp_size = o->mod == 1 ? 1 : o->mod == 2 ? 2 : 0;
    }
    return true;
}

/* 32/64-bit addressing: SIB, disp32-only forms and RIP-relative. */
static bool decode_mem32(Dec *d, X86Mode mode, unsigned rexb, unsigned rexx)
{
    X86Insn *o = d->out;
    unsigned rm = o->modrm & 7;
    o->index = -1;
    if (rm == 4) {
        if (!need(d, 1))
            return false;
        uint8_t sib = d->buf[d->p++];
        unsigned idx = ((sib >> 3) & 7) | rexx;
        o->has_sib = true;
        o->sib = sib;
        o->scale = sib >> 6;
        o->index = idx == 4 ? -1 : (int8_t)idx;
        if ((sib & 7) == 5 && o->mod == 0) {
            o->base = -1;
            o->disp_size = 4;
        } else {
            o->base = (sib & 7) | rexb;
        }
    } else if (rm == 5 && o->mod == 0) {
        o->base = -1;
        o->disp_size = 4;
        o->rip_rel = mode == X86_MODE_64;
    } else {
        o->base = rm | rexb;
    }
    if (o->mod == 1)
        o->disp_size = 1;
    else if (o->mod == 2)
        o->disp_size = 4;
    return true;
}

/* Read ModRM (and SIB, displacement). modreg: always a register form. */
static bool decode_modrm(Dec *d, X86Mode mode, bool modreg, unsigned rexr,
                         unsigned rexx, unsigned rexb)
{
    X86Insn *o = d->out;
    if (!need(d, 1))
        return false;
    o->has_modrm = true;
    o->modrm = d->buf[d->p++];
    o->mod = o->modrm >> 6;
    o->reg = ((o->modrm >> 3) & 7) | rexr;
    o->rm = (o->modrm & 7) | rexb;
    if (modreg)
        o->mod = 3;
    if (o->mod == 3) {
        o->base = o->index = -1;
        return true;
    }
    bool ok = o->addrsize == 2 ? decode_mem16(d)
                               : decode_mem32(d, mode, rexb, rexx);
    if (!ok || !need(d, o->disp_size))
        return false;
    o->disp = read_le(d, o->disp_size);
    return true;
}

/* ---- operands and immediates ------------------------------------------ */

/* How each operand kind constrains ModRM.mod or consumes immediate bytes. */
enum { K_PLAIN, K_MEM, K_REG, K_IB, K_IBS, K_IW, K_IZ, K_IV, K_AP, K_MOFFS,
       K_SEG,
       K_CR, K_H };

static const uint8_t kind_class[X86_OPND__COUNT] = {
    [X86_OPND_M] = K_MEM, [X86_OPND_Mb] = K_MEM, [X86_OPND_Mw] = K_MEM,
    [X86_OPND_Md] = K_MEM, [X86_OPND_Mq] = K_MEM, [X86_OPND_Mp] = K_MEM,
    [X86_OPND_Ms] = K_MEM, [X86_OPND_Mt] = K_MEM, [X86_OPND_Mx] = K_MEM,
    [X86_OPND_Mdq] = K_MEM,
    [X86_OPND_Rv] = K_REG, [X86_OPND_Ry] = K_REG, [X86_OPND_Rw] = K_REG,
    [X86_OPND_U] = K_REG, [X86_OPND_N] = K_REG,
    [X86_OPND_Ib] = K_IB, [X86_OPND_Ibs] = K_IBS, [X86_OPND_Jb] = K_IBS,
    [X86_OPND_L] = K_IB, [X86_OPND_Iw] = K_IW, [X86_OPND_Iz] = K_IZ,
    [X86_OPND_Jz] = K_IZ, [X86_OPND_Iv] = K_IV, [X86_OPND_Ap] = K_AP,
    [X86_OPND_Ob] = K_MOFFS, [X86_OPND_Ov] = K_MOFFS, [X86_OPND_Sw] = K_SEG,
    [X86_OPND_Cy] = K_CR, [X86_OPND_H] = K_H, [X86_OPND_By] = K_H,
};

/* Store an immediate: the first goes to imm, a second one to imm2.
   Sign-extended kinds (Ibs, Jb, Iz, Jz) are sign-extended to 64 bits,
   the others zero-extended, so imm is the value the instruction uses. */
static bool take_imm(Dec *d, unsigned n, bool sext)
{
    X86Insn *o = d->out;
    if (!need(d, n))
        return false;
    int64_t v = read_le(d, n);
    if (!sext && n < 8)
        v &= (int64_t)((1ULL << (8 * n)) - 1);
    if (!o->imm_size) {
        o->imm_size = n;
        o->imm = v;
    } else {
        o->imm2_size = n;
        o->imm2 = (uint16_t)v;
    }
    return true;
}

/* Walk the operand kinds: check ModRM form, read immediates in order. */
static bool decode_operands(Dec *d)
{
    X86Insn *o = d->out;
    for (unsigned i = 0; i < 4 && o->opnd[i]; i++) {
        unsigned c = kind_class[o->opnd[i]], z = o->opsize == 2 ? 2 : 4;
        bool ok = true;
        switch (c) {
        case K_MEM: if (o->mod == 3) set_invalid(o, X86_INV_MODRM); break;
        case K_REG: if (o->mod != 3) set_invalid(o, X86_INV_MODRM); break;
        case K_IB: ok = take_imm(d, 1, false); break;
        case K_IBS: ok = take_imm(d, 1, true); break;
        case K_IW: ok = take_imm(d, 2, false); break;
        case K_IZ: ok = take_imm(d, z, true); break;
        case K_IV: ok = take_imm(d, o->opsize, false); break;
        case K_AP:      /* offset (16/32), then the 16-bit selector */
            ok = take_imm(d, z, false) && take_imm(d, 2, false);
            break;
        case K_SEG:     /* no segment 6/7; MOV to CS is #UD */
            if (((o->modrm >> 3) & 7) > 5 ||
                (i == 0 && ((o->modrm >> 3) & 7) == X86_SEG_CS))
                set_invalid(o, X86_INV_OPCODE);
            break;
        case K_CR:      /* CR0, CR2-CR4, CR8 exist */
            if (o->reg != 0 && o->reg != 8 && (o->reg < 2 || o->reg > 4))
                set_invalid(o, X86_INV_OPCODE);
            break;
        case K_H:
            d->has_h = true;
            break;
        case K_MOFFS:
            ok = need(d, o->addrsize);
            if (ok) {
                o->disp_size = o->addrsize;
                o->disp = read_le(d, o->addrsize);
                if (o->addrsize < 8)
                    o->disp &= (1LL << (8 * o->addrsize)) - 1;
            }
            break;
        }
        if (!ok)
            return false;
    }
    return true;
}

/* ---- sizes ------------------------------------------------------------- */

static void set_opsize(X86Insn *o, X86Mode mode, uint32_t flags)
{
    bool o66 = (o->prefixes & X86_PFX_OPSIZE) &&
               (o->mandatory != 0x66 || (flags & XF_OSZ66));
    if (o->prefixes & (X86_PFX_VEX | X86_PFX_EVEX)) {
        o->opsize = mode == X86_MODE_64 && o->vex_w ? 8 : 4;
    } else if (mode == X86_MODE_64) {
        if ((o->rex & 8) || (flags & XF_F64))
            o->opsize = 8;
        else if (o66)
            o->opsize = 2;
        else
            o->opsize = (flags & XF_D64) ? 8 : 4;
    } else {
        bool wide = (mode == X86_MODE_32) != o66;
        o->opsize = wide ? 4 : 2;
    }
}

static void set_addrsize(X86Insn *o, X86Mode mode)
{
    bool a67 = o->prefixes & X86_PFX_ADDRSIZE;
    if (mode == X86_MODE_64)
        o->addrsize = a67 ? 4 : 8;
    else
        o->addrsize = ((mode == X86_MODE_32) != a67) ? 4 : 2;
}

/* ---- opcode escapes and table lookup ----------------------------------- */

/* Structure-only rows for opcodes no table defines (length still counts). */
static const X86OpRow row_undef_m = UNDEF_M;
static const X86OpRow row_undef_mib = { X86_OP_UD, XF_MODRM, { XK(Ib) }, 0 };
static const X86OpRow row_undef_miz = { X86_OP_UD, XF_MODRM, { XK(Iz) }, 0 };
static const X86OpRow row_3dnow = R3(3DNOW, MR, P, Q, Ib);
static const X86OpRow row_vzeroupper = R0(VZEROUPPER, XF_VEXONLY);
static const X86OpRow row_vzeroall = R0(VZEROALL, XF_VEXONLY);
static const X86OpRow row_pause = R0(PAUSE, 0);

static const uint8_t pclass_byte[4] = { 0, 0x66, 0xf3, 0xf2 };

/* Register-number extension bits from REX or VEX, each 8 or 0. */
typedef struct Ext {
    unsigned r, x, b;
} Ext;

/* Row of a 0F38/0F3A opcode in legacy encoding: always prefix-selected. */
static const X86OpRow *row_3byte(Dec *d, const X86OpRow *const *tab,
                                 uint8_t op, const X86OpRow *undef)
{
    const X86OpRow *row = &tab[d->pclass][op];
    if (row->op == X86_OP_UD && !(row->flags & XF_GROUP))
        return undef;
    d->out->mandatory = pclass_byte[d->pclass];
    return row;
}

/* Row of a 0F opcode in legacy encoding. */
static const X86OpRow *row_0f(Dec *d, uint8_t op)
{
    const X86OpRow *row = &x86_map_0f[X86_PC_NONE][op];
    if (!(row->flags & XF_MPFX) || d->pclass == X86_PC_NONE)
        return row;
    const X86OpRow *sel = &x86_map_0f[d->pclass][op];
    if (sel->op == X86_OP_UD && !(sel->flags & XF_GROUP)) {
        /* Undefined with this prefix: keep the shape for the length. */
        d->undef = true;
        return row;
    }
    d->out->mandatory = pclass_byte[d->pclass];
    return sel;
}

/* AVX-512 opmask instructions are VEX-encoded: KAND.., KMOV.., KORTEST..
   in map 1, KSHIFTR/L in map 3. */
static bool is_opmask(unsigned map, uint8_t op)
{
    if (map == 3)
        return op >= 0x30 && op <= 0x33;
    return map == 1 && ((op >= 0x41 && op <= 0x4b) ||
                        (op >= 0x90 && op <= 0x93) || op == 0x98 ||
                        op == 0x99);
}

/* VEX (C4/C5): fields, then the row from map mmmmm and prefix pp. */
static const X86OpRow *decode_vex(Dec *d, X86Mode mode, Ext *e)
{
    X86Insn *o = d->out;
    const uint8_t *q = d->buf + d->p;
    bool three = q[0] == 0xc4;
    if (!need(d, three ? 4 : 3))
        return NULL;      /* q[1] was checked by the caller, q[2] now */
    unsigned map = 1, b1 = q[1], wvvvv = three ? q[2] : q[1];
    if (three) {
        map = b1 & 0x1f;
        e->x = (b1 & 0x40) ? 0 : 8;
        e->b = (b1 & 0x20) ? 0 : 8;
        o->vex_w = wvvvv >> 7;
    }
    e->r = (b1 & 0x80) ? 0 : 8;
    o->vex_vvvv = d->vvvv_raw = (~wvvvv >> 3) & 15;
    o->vex_l = (wvvvv >> 2) & 1;
    if (mode != X86_MODE_64) {
        e->r = e->x = e->b = 0;
        o->vex_vvvv &= 7;
    }
    o->prefixes |= X86_PFX_VEX;
    o->mandatory = pclass_byte[wvvvv & 3];   /* pp orders like X86_PC_* */
    if (o->prefixes & (X86_PFX_LOCK | X86_PFX_OPSIZE | X86_PFX_REP |
                       X86_PFX_REPNE | X86_PFX_REX))
        set_invalid(o, X86_INV_VEX);
    d->p += three ? 3 : 2;
    uint8_t op = d->buf[d->p++];
    unsigned pp = wvvvv & 3;
    o->opcode = op;
    const X86OpRow *row;
    switch (map) {
    case 1:
        o->map = X86_MAP_0F;
        if (op == 0x77 && pp == 0)
            return o->vex_l ? &row_vzeroall : &row_vzeroupper;
        row = &x86_map_0f[pp][op];
        break;
    case 2: o->map = X86_MAP_0F38; row = &x86_map_0f38[pp][op]; break;
    case 3: o->map = X86_MAP_0F3A; row = &x86_map_0f3a[pp][op]; break;
    default: row = &row_undef_m; break;
    }
    if (row->op == X86_OP_UD && !(row->flags & XF_GROUP)) {
        set_invalid(o, is_opmask(map, op) ? X86_INV_UNSUPPORTED
                                          : X86_INV_OPCODE);
        return map == 3 ? &row_undef_mib : &row_undef_m;
    }
    if (is_opmask(map, op) && !(row->flags & (XF_VEX | XF_VEXONLY)))
        set_invalid(o, X86_INV_UNSUPPORTED);
    return row;     /* VEX validity of the final row: check_vex() */
}

/* EVEX (62) and XOP (8F): only their length; both are reported invalid. */
static const X86OpRow *decode_evex_xop(Dec *d, Ext *e)
{
    X86Insn *o = d->out;
    const uint8_t *q = d->buf + d->p;
    set_invalid(o, X86_INV_UNSUPPORTED);
    if (q[0] == 0x62) {
        if (!need(d, 5))
            return NULL;
        unsigned mm = q[1] & 3, op = q[4];
        o->prefixes |= X86_PFX_EVEX;
        o->op = X86_OP_EVEX;
        o->vex_w = q[2] >> 7;
        o->opcode = op;
        d->p += 5;
        o->map = mm == 2 ? X86_MAP_0F38 : mm == 3 ? X86_MAP_0F3A : X86_MAP_0F;
        bool ib = mm == 3 || (mm == 1 && ((op >= 0x70 && op <= 0x73) ||
                                          op == 0xc2 || op == 0xc4 ||
                                          op == 0xc5 || op == 0xc6));
        return ib ? &row_undef_mib : &row_undef_m;
    }
    if (!need(d, 4))
        return NULL;
    unsigned mmmmm = q[1] & 0x1f;
    o->vex_w = q[2] >> 7;
    o->opcode = q[3];
    d->p += 4;
    return mmmmm == 8 ? &row_undef_mib : mmmmm == 10 ? &row_undef_miz
                                                     : &row_undef_m;
}

/* Read the opcode (after prefixes) and return its table row. */
static const X86OpRow *decode_opcode(Dec *d, X86Mode mode, Ext *e)
{
    X86Insn *o = d->out;
    uint8_t b = d->buf[d->p];
    if (b == 0xc4 || b == 0xc5 || b == 0x62 || b == 0x8f) {
        if (!need(d, 2))
            return NULL;
        uint8_t nb = d->buf[d->p + 1];
        bool esc = b == 0x8f ? (nb & 0x1f) >= 8
                             : mode == X86_MODE_64 || (nb & 0xc0) == 0xc0;
        if (esc && b == 0x8f)
            o->op = X86_OP_XOP;
        if (esc)
            return (b == 0xc4 || b == 0xc5) ? decode_vex(d, mode, e)
                                             : decode_evex_xop(d, e);
    }
    d->p++;
    o->opcode = b;
    if (b != 0x0f) {
        if (b == 0x63 && mode == X86_MODE_64)
            return &x86_row_movsxd;
        if (b == 0x90 && e->b)
            return &x86_map_one[0x91];      /* XCHG r8, rAX */
        if (b == 0x90 && o->rep == 0xf3)
            return &row_pause;
        return &x86_map_one[b];
    }
    if (!need(d, 1))
        return NULL;
    b = d->buf[d->p++];
    o->opcode = b;
    switch (b) {
    case 0x38:
    case 0x3a:
        if (!need(d, 1))
            return NULL;
        o->map = b == 0x38 ? X86_MAP_0F38 : X86_MAP_0F3A;
        o->opcode = d->buf[d->p++];
        return b == 0x38
                   ? row_3byte(d, x86_map_0f38, o->opcode, &row_undef_m)
                   : row_3byte(d, x86_map_0f3a, o->opcode, &row_undef_mib);
    case 0x0f:
        o->map = X86_MAP_3DNOW;
        set_invalid(o, X86_INV_UNSUPPORTED);
        return &row_3dnow;
    default:
        o->map = X86_MAP_0F;
        return row_0f(d, b);
    }
}

/* ---- the decoder --------------------------------------------------------- */

/* Follow group and rm-table links from row to the final row; *flags
   becomes the union of the flags on the way. */
static const X86OpRow *resolve_group(X86Insn *o, const X86OpRow *row,
                                     uint32_t *flags)
{
    const X86Group *g = x86_group(row->ext);
    unsigned r = (o->modrm >> 3) & 7;
    const X86OpRow *sub = o->mod == 3 ? &g->reg[r] : &g->mem[r];
    if (sub->flags & XF_RMTAB)
        sub = &x86_rmtab(sub->ext)[o->modrm & 7];
    *flags = (*flags & ~(XF_GROUP | XF_RMTAB)) | (sub->flags & ~XF_RMTAB);
    return sub;
}

/* VEX-specific #UD rules (each seen on the host CPU): the row must allow
   VEX, VEX.L and VEX.W constraints, an unused VEX.vvvv must be 1111b, and
   gathers need a SIB byte. */
static void check_vex(X86Insn *o, uint32_t flags, bool has_h,
                      unsigned vvvv_raw)
{
    if (!(flags & (XF_VEX | XF_VEXONLY)))
        set_invalid(o, X86_INV_OPCODE);
    if (((flags & XF_L0) && o->vex_l) || ((flags & XF_L1) && !o->vex_l))
        set_invalid(o, X86_INV_VEX);
    if ((flags & XF_HREG) && o->mod != 3)
        has_h = false;
    if (!has_h && vvvv_raw)
        set_invalid(o, X86_INV_VEX);
    if (((flags & XF_W0) && o->vex_w) || ((flags & XF_W1) && !o->vex_w))
        set_invalid(o, X86_INV_VEX);
    if ((flags & XF_VSIB) && !o->has_sib)
        set_invalid(o, X86_INV_MODRM);
}

/* AMD's alternate CR8 encoding: LOCK MOV CR0 is MOV CR8 (host CPU). */
static bool is_lock_cr8(const X86Insn *o)
{
    return o->map == X86_MAP_0F && (o->opcode == 0x20 || o->opcode == 0x22) &&
           o->reg == 0;
}

/* Mode, LOCK, VEX-only and special-case fix-ups after decoding. */
static void finish(const Dec *d, X86Mode mode, uint32_t flags)
{
    X86Insn *o = d->out;
    if (o->prefixes & X86_PFX_VEX)
        check_vex(o, flags, d->has_h, d->vvvv_raw);
    if (flags & XF_NOTIMPL)
        set_invalid(o, X86_INV_UNSUPPORTED);
    if ((flags & XF_NOPFX) &&
        (o->prefixes & (X86_PFX_OPSIZE | X86_PFX_REP | X86_PFX_REPNE)))
        set_invalid(o, X86_INV_OPCODE);
    if (o->op == X86_OP_UD)
        set_invalid(o, X86_INV_OPCODE);
    if (mode == X86_MODE_64 ? (flags & XF_I64) : (flags & XF_O64))
        set_invalid(o, X86_INV_MODE);
    if ((flags & XF_VEXONLY) && !(o->prefixes & X86_PFX_VEX))
        set_invalid(o, X86_INV_OPCODE);
    if ((o->prefixes & X86_PFX_LOCK) && is_lock_cr8(o))
        o->reg = 8;
    else if ((o->prefixes & X86_PFX_LOCK) &&
             (!(flags & XF_LOCK) || o->mod == 3 || !o->has_modrm))
        set_invalid(o, X86_INV_LOCK);
    if (o->op == X86_OP_CMPXCHG8B && (o->rex & 8))
        o->op = X86_OP_CMPXCHG16B;
    if (o->mandatory == 0xf2 || o->mandatory == 0xf3)
        o->rep = 0;
    o->cond = o->opcode & 15;
}

int x86_decode(const uint8_t *buf, size_t len, X86Mode mode, X86Insn *out)
{
    Dec d = { .buf = buf, .len = len, .out = out,
              .lim = len < X86_MAX_INSN_LEN ? len : X86_MAX_INSN_LEN };
    memset(out, 0, sizeof *out);
    out->mode = mode;
    out->seg = X86_SEG_NONE;
    out->base = out->index = -1;
    if (!decode_prefixes(&d, mode))
        return d.err;
    set_addrsize(out, mode);
    Ext e = { (out->rex & 4) << 1, (out->rex & 2) << 2, (out->rex & 1) << 3 };
    const X86OpRow *row = decode_opcode(&d, mode, &e);
    if (!row)
        return d.err;
    uint32_t flags = row->flags;
    if ((flags & XF_MODRM) &&
        !decode_modrm(&d, mode, flags & XF_MODREG, e.r, e.x, e.b))
        return d.err;
    if (flags & XF_GROUP)
        row = resolve_group(out, row, &flags);
    if (!out->op && !d.undef)
        out->op = row->op;
    memcpy(out->opnd, row->opnd, sizeof out->opnd);
    out->zreg = (out->opcode & 7) | e.b;
    set_opsize(out, mode, flags);
    if (!decode_operands(&d))
        return d.err;
    finish(&d, mode, flags);
    out->len = (uint8_t)d.p;
    return (int)d.p;
}
