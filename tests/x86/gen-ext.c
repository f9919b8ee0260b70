/*
 * gen-ext.c — the later additions to the translator's integer set, as
 * oracle instruction kinds: SHLD/SHRD, BMI1/BMI2 (VEX), ADCX/ADOX, MOVBE,
 * string instructions with REP, PUSHF/POPF, ENTER and XLAT. Flag rules are
 * from the Intel SDM; results the SDM leaves undefined are not generated.
 */
#include <string.h>

#include "tests/x86/gen-enc.h"

#define SZAPC (XT_SF | XT_ZF | XT_AF | XT_PF | XT_CF)

static void wrote_rm(XtGen *g, const XtEnc *e)
{
    if (!e->rm.mem) {
        xt_wrote(g, e->rm.reg);
    }
}

/* ---------------------------------------------------------------------- */
/* SHLD SHRD                                                               */

/* A count for a double shift; 16-bit ones stay <= 16 (masked), since the
 * SDM leaves the result undefined above the operand width. */
static uint64_t shxd_count(XtGen *g, unsigned size)
{
    static const unsigned edges[] = { 0, 1, 2, 15, 16, 17, 31, 32, 33, 63, 64 };
    uint64_t v = xt_coin(g) ? edges[xt_pick(g, 11)] : xt_pick(g, 256);
    if (size == 2 && (v & 31) > 16) {
        v = xt_pick(g, 17) | (v & ~31ull);
    }
    return v;
}

static bool gen_shxd(XtGen *g)
{
    unsigned size = xt_pick_size(g, false);
    XtEnc e = xt_begin(g, size, false);
    bool right = xt_coin(g), cl = xt_coin(g);
    int count;

    e.oplen = 2;
    e.op[0] = 0x0f;
    e.op[1] = (uint8_t)((right ? 0xac : 0xa4) + cl);
    e.modrm = true;
    e.rm = xt_rm(g, size, false, true);
    e.reg = xt_pick_src(g, size, false);
    if (!cl) {
        e.immlen = 1;
        e.imm = shxd_count(g, size) & 0xff;
        count = (int)e.imm;
    } else {
        uint64_t v = shxd_count(g, size);
        if (xt_pin(g, 1, v)) {
            count = (int)(v & 0xff);
        } else if (!(g->written & 2)) {
            count = (int)(g->c->init.regs[1] & 0xff);     /* pinned earlier */
            if (size == 2 && (count & 31) > 16) {
                return false;
            }
        } else if (size == 2) {
            return false;
        } else {
            count = -1;
        }
    }
    if (count < 0) {
        xt_flags(g, 0, XT_OF | XT_AF);
    } else if ((count &= size == 8 ? 63 : 31) != 0) {
        uint32_t of = count == 1 ? XT_OF : 0;
        xt_flags(g, XT_SF | XT_ZF | XT_PF | XT_CF | of, XT_AF | (XT_OF & ~of));
    }
    xt_emit(g, &e);
    wrote_rm(g, &e);
    return true;
}

/* ---------------------------------------------------------------------- */
/* BMI1 BMI2 (VEX), ADCX ADOX, MOVBE                                        */

typedef struct BmiForm {
    const char *name;
    uint8_t map, pp, op, digit;   /* digit: ModRM.reg for the F3 group, else 0xff */
    uint8_t dst;                  /* 0: ModRM.reg, 1: VEX.vvvv, 2: both (MULX) */
    uint32_t def, undef;          /* flags */
    bool imm;
} BmiForm;

#define FL_ZSCO (XT_ZF | XT_SF | XT_CF | XT_OF)
static const BmiForm bmi_forms[] = {
    { "andn", 2, 0, 0xf2, 0xff, 0, FL_ZSCO, XT_AF | XT_PF, false },
    { "bextr", 2, 0, 0xf7, 0xff, 0, XT_ZF | XT_CF | XT_OF, XT_AF | XT_SF | XT_PF, false },
    { "blsr", 2, 0, 0xf3, 1, 1, FL_ZSCO, XT_AF | XT_PF, false },
    { "blsmsk", 2, 0, 0xf3, 2, 1, FL_ZSCO, XT_AF | XT_PF, false },
    { "blsi", 2, 0, 0xf3, 3, 1, FL_ZSCO, XT_AF | XT_PF, false },
    { "bzhi", 2, 0, 0xf5, 0xff, 0, FL_ZSCO, XT_AF | XT_PF, false },
    { "mulx", 2, 3, 0xf6, 0xff, 2, 0, 0, false },
    { "pdep", 2, 3, 0xf5, 0xff, 0, 0, 0, false },
    { "pext", 2, 2, 0xf5, 0xff, 0, 0, 0, false },
    { "rorx", 3, 3, 0xf0, 0xff, 0, 0, 0, true },
    { "sarx", 2, 2, 0xf7, 0xff, 0, 0, 0, false },
    { "shlx", 2, 1, 0xf7, 0xff, 0, 0, 0, false },
    { "shrx", 2, 3, 0xf7, 0xff, 0, 0, 0, false },
};

static bool gen_bmi(XtGen *g)
{
    const BmiForm *f = &bmi_forms[xt_pick(g, sizeof(bmi_forms) / sizeof(bmi_forms[0]))];
    unsigned size = xt_coin(g) ? 4 : 8, vvvv;
    XtEnc e = xt_begin(g, size, false);

    e.op[0] = f->op;
    e.modrm = true;
    e.rm = xt_rm(g, size, false, false);
    if (f->digit != 0xff) {
        e.reg = f->digit;
        vvvv = xt_pick_dst(g, size, false);
    } else {
        e.reg = xt_pick_dst(g, size, false);
        vvvv = f->dst == 2 ? xt_pick_dst(g, size, false) : xt_pick_src(g, size, false);
    }
    if (f->imm) {
        vvvv = 0;                                     /* RORX: vvvv must be 1111b */
        e.immlen = 1;
        e.imm = xt_pick(g, 256);
    }
    xt_flags(g, f->def, f->undef);
    xt_emit_vex(g, &e, f->map, f->pp, vvvv);
    if (f->dst != 1) {
        xt_wrote(g, e.reg);
    }
    if (f->dst != 0) {
        xt_wrote(g, vvvv);
    }
    return true;
}

/* ADCX (66 0F 38 F6): CF only; ADOX (F3 0F 38 F6): OF only. */
static bool gen_adx(XtGen *g)
{
    unsigned size = xt_coin(g) ? 4 : 8;
    XtEnc e = xt_begin(g, size, false);
    bool ox = xt_coin(g);
    uint32_t fl = ox ? XT_OF : XT_CF;

    if (!(g->def & fl)) {
        return false;
    }
    e.pfx = ox ? 0xf3 : 0x66;
    e.oplen = 3;
    memcpy(e.op, (const uint8_t[]){ 0x0f, 0x38, 0xf6 }, 3);
    e.modrm = true;
    e.rm = xt_rm(g, size, false, false);
    e.reg = xt_pick_dst(g, size, false);
    xt_flags(g, fl, 0);
    xt_emit(g, &e);
    xt_wrote(g, e.reg);
    return true;
}

static bool gen_movbe(XtGen *g)
{
    unsigned size = xt_pick_size(g, false);
    XtEnc e = xt_begin(g, size, false);
    bool store = xt_coin(g);

    e.oplen = 3;
    memcpy(e.op, (const uint8_t[]){ 0x0f, 0x38, (uint8_t)(0xf0 + store) }, 3);
    e.modrm = true;
    e.rm = xt_mem(g, size);
    e.reg = store ? xt_pick_src(g, size, false) : xt_pick_dst(g, size, false);
    xt_emit(g, &e);
    if (!store) {
        xt_wrote(g, e.reg);
    }
    return true;
}

/* ---------------------------------------------------------------------- */
/* String instructions                                                     */

/* Make rsi (6) / rdi (7) point into the data buffer. */
static bool str_ptr(XtGen *g, unsigned reg)
{
    uint16_t bit = (uint16_t)(1u << reg);
    if (g->str_ptrs & bit) {
        return true;
    }
    if (!xt_pin(g, reg, XT_DATA_PTR + (uint64_t)xt_pick(g, 1024) - 512)) {
        return false;
    }
    g->str_ptrs |= bit;
    return true;
}

static bool gen_string(XtGen *g)
{
    /* MOVS STOS LODS CMPS SCAS; which of rsi/rdi each one uses */
    static const uint8_t ops[] = { 0xa4, 0xaa, 0xac, 0xa6, 0xae };
    static const bool uses_si[] = { true, false, true, true, false };
    static const bool uses_di[] = { true, true, false, true, true };
    unsigned k = xt_pick(g, 5), size = xt_pick_size(g, true), rep = xt_pick(g, 3);
    bool cmp = k >= 3;
    XtEnc e = xt_begin(g, size, false);

    if ((uses_si[k] && !str_ptr(g, 6)) || (uses_di[k] && !str_ptr(g, 7))) {
        return false;
    }
    if (rep && !g->rcx_small) {
        if (!xt_pin(g, 1, xt_pick(g, 9))) {
            return false;
        }
        g->rcx_small = true;
    }
    /* REP CMPS/SCAS with rcx = 0 leave the flags as they were. */
    if (cmp && rep && g->def != XT_OSZAPC) {
        return false;
    }
    e.pfx = rep == 0 ? 0 : (rep == 2 && cmp) ? 0xf2 : 0xf3;
    e.oplen = 1;
    e.op[0] = (uint8_t)(ops[k] + (size > 1));
    e.no_w = size != 8;
    xt_emit(g, &e);
    if (cmp) {
        xt_flags(g, XT_OSZAPC, 0);
    }
    g->written |= (uint16_t)((uses_si[k] ? 1u << 6 : 0) | (uses_di[k] ? 1u << 7 : 0) |
                             (rep ? 2u : 0));
    if (k == 2) {
        xt_wrote(g, 0);
    }
    return true;
}

/* CLD / STD: string direction for what follows. */
static bool gen_cld_std(XtGen *g)
{
    xt_emit_raw(g, (const uint8_t[]){ (uint8_t)(xt_coin(g) ? 0xfc : 0xfd) }, 1);
    return true;
}

/* ---------------------------------------------------------------------- */
/* PUSHF POPF ENTER XLAT                                                   */

/* PUSHF stores the flags: only when all of them are defined. */
static bool gen_pushf(XtGen *g)
{
    if (g->def != XT_OSZAPC) {
        return false;
    }
    if (xt_coin(g)) {
        xt_emit_raw(g, (const uint8_t[]){ 0x9c }, 1);
    } else {
        xt_emit_raw(g, (const uint8_t[]){ 0x66, 0x9c }, 2);
    }
    xt_wrote(g, 4);
    return true;
}

/* PUSH imm32 (arithmetic flags, DF, bit 1) then POPF. */
static bool gen_popf(XtGen *g)
{
    uint32_t v = ((uint32_t)xt_rand(g->rng) & (XT_OSZAPC | XT_DF)) | 2;
    uint8_t b[6] = { 0x68 };

    memcpy(b + 1, &v, 4);
    b[5] = 0x9d;
    xt_emit_raw(g, b, 6);
    xt_flags(g, XT_OSZAPC, 0);
    xt_wrote(g, 4);
    return true;
}

/* ENTER size, level: levels > 1 copy frame pointers from [rbp - 8i]. */
static bool gen_enter(XtGen *g)
{
    unsigned size = xt_pick(g, 64) * 8, level = xt_pick(g, 4);
    uint8_t b[4] = { 0xc8, (uint8_t)size, (uint8_t)(size >> 8), (uint8_t)level };

    if (level > 1 && !xt_pin(g, 5, XT_STACK_PTR + 8 * (uint64_t)xt_pick(g, 16))) {
        return false;
    }
    xt_emit_raw(g, b, 4);
    xt_wrote(g, 4);
    xt_wrote(g, 5);
    return true;
}

/* XLAT: al = [rbx + al], rbx being the data pointer. */
static bool gen_xlat(XtGen *g)
{
    if (xt_coin(g)) {
        xt_emit_raw(g, (const uint8_t[]){ 0xd7 }, 1);
    } else {
        xt_emit_raw(g, (const uint8_t[]){ 0x48, 0xd7 }, 2);
    }
    xt_wrote(g, 0);
    return true;
}

/* ---------------------------------------------------------------------- */
/* Faulting instructions: the fault kind, where it is reported, the state  */

/* INT3, INT1, UD2, UD0, UD1 and privileged instructions (#GP in user mode:
 * HLT CLI STI IN OUT); each ends the case. */
static bool gen_fault(XtGen *g)
{
    static const uint8_t forms[][3] = {
        { 1, 0xcc }, { 1, 0xf1 }, { 2, 0x0f, 0x0b }, { 2, 0x0f, 0xff }, { 2, 0x0f, 0xb9 },
        { 1, 0xf4 }, { 1, 0xfa }, { 1, 0xfb }, { 1, 0xec }, { 1, 0xee },
    };
    unsigned k = xt_pick(g, sizeof(forms) / sizeof(forms[0]));
    const uint8_t *f = forms[k];


    if (f[0] == 2 && f[2] != 0x0b) {
        /* UD0/UD1 take a ModRM byte: use a register form */
        xt_emit_raw(g, (const uint8_t[]){ 0x0f, f[2], 0xc0 }, 3);
    } else {
        xt_emit_raw(g, f + 1, f[0]);
    }
    g->stop = true;
    return true;
}

/* ---------------------------------------------------------------------- */
/* Entry tables (the families are assembled in gen.c)                      */

const XtGenEntry xt_shxd_entries[] = {
    { "shld-shrd", gen_shxd },
    { NULL, NULL },
};

const XtGenEntry xt_bmi_entries[] = {
    { "bmi", gen_bmi }, { "adx", gen_adx }, { "movbe", gen_movbe },
    { NULL, NULL },
};

const XtGenEntry xt_string_entries[] = {
    { "string", gen_string }, { "cld-std", gen_cld_std },
    { NULL, NULL },
};

const XtGenEntry xt_fault_entries[] = {
    { "fault", gen_fault },
    { NULL, NULL },
};

const XtGenEntry xt_frame_entries[] = {
    { "pushf", gen_pushf }, { "popf", gen_popf }, { "enter", gen_enter },
    { "xlat", gen_xlat },
    { NULL, NULL },
};
