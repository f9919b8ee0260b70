/*
 * opcodes.h — the decoder's opcode table format (private to frontend-x86).
 * Every map is an array of X86OpRow indexed by opcode byte; rows carry the
 * mnemonic, up to four operand kinds and property flags. Rows that depend
 * on ModRM.reg (groups), on the mandatory prefix or on ModRM.rm point to
 * further tables. The tables live in opcodes-*.c; decode.c walks them.
 */
#ifndef FERRY_FRONTEND_X86_OPCODES_H
#define FERRY_FRONTEND_X86_OPCODES_H

#include "frontend-x86/decode.h"

typedef struct X86OpRow {
    uint16_t op;       /* X86Op; UD (0) = undefined */
    uint32_t flags;    /* XF_* below */
    uint8_t opnd[4];   /* X86OperandKind */
    uint8_t ext;       /* XF_GROUP: group id; XF_RMTAB: rm-table id */
} X86OpRow;

enum {
    XF_MODRM = 1 << 0,   /* a ModRM byte follows the opcode */
    XF_GROUP = 1 << 1,   /* ModRM.reg selects the row in x86_groups[ext] */
    XF_MPFX = 1 << 2,    /* the mandatory prefix (none/66/F3/F2) selects
                            the row from the map's prefix tables */
    XF_I64 = 1 << 3,     /* invalid in 64-bit mode */
    XF_O64 = 1 << 4,     /* valid only in 64-bit mode */
    XF_D64 = 1 << 5,     /* 64-bit mode: operand size defaults to 64, 66
                            makes it 16. Near branches use this: with 66
                            their offset is rel16, as on AMD CPUs (and
                            capstone); Intel CPUs ignore 66 there. */
    XF_F64 = 1 << 6,     /* 64-bit mode: operand size is 64, 66 ignored */
    XF_LOCK = 1 << 7,    /* LOCK allowed (with a memory destination) */
    XF_VEX = 1 << 8,     /* also valid VEX-encoded */
    XF_VEXONLY = 1 << 9, /* valid only VEX-encoded */
    XF_OSZ66 = 1 << 10,  /* 66 is an operand-size prefix even when it is
                            also the row's mandatory prefix (MOVBE) */
    XF_MODREG = 1 << 11, /* ModRM is always a register form (MOV CRn) */
    XF_RMTAB = 1 << 12,  /* group row, register form: ModRM.rm selects
                            the row in x86_rmtabs[ext] */
    XF_L0 = 1 << 13,     /* VEX.L must be 0 (else #UD) */
    XF_L1 = 1 << 14,     /* VEX.L must be 1 (256-bit only) */
    XF_HREG = 1 << 15,   /* the H operand exists only in the register form
                            (VMOVSS/VMOVSD): memory form needs vvvv=1111 */
    XF_NOPFX = 1 << 16,  /* #UD with a 66/F2/F3 prefix (measured on the
                            host CPU for these rows) */
    XF_NOTIMPL = 1 << 17,/* defined, but ferry's CPU model lacks it
                            (FEMMS, like the rest of 3DNow!) */
};

/* A group: rows by ModRM.reg for memory forms and for register forms. */
typedef struct X86Group {
    X86OpRow mem[8];
    X86OpRow reg[8];
} X86Group;

/* Prefix classes used to index mandatory-prefix tables. */
enum { X86_PC_NONE, X86_PC_66, X86_PC_F3, X86_PC_F2 };

extern const X86OpRow x86_map_one[256];
extern const X86OpRow x86_row_movsxd;     /* 63 in 64-bit mode */
/* Two- and three-byte maps: one 256-row table per prefix class. */
extern const X86OpRow *const x86_map_0f[4];
extern const X86OpRow *const x86_map_0f38[4];
extern const X86OpRow *const x86_map_0f3a[4];

/* Group ids. Each opcodes-*.c file owns a contiguous range. */
enum {
    /* opcodes-one.c: x86_groups_one[id] */
    XG_NONE,
    XG_1_80, XG_1_81, XG_1_82, XG_1_83, XG_1A, XG_2_C0, XG_2_C1,
    XG_2_D0, XG_2_D1, XG_2_D2, XG_2_D3, XG_3_F6, XG_3_F7, XG_4, XG_5,
    XG_11_C6, XG_11_C7,
    /* opcodes-x87.c: x86_groups_x87[id - XG_X87_D8] */
    XG_X87_D8, XG_X87_D9, XG_X87_DA, XG_X87_DB, XG_X87_DC, XG_X87_DD,
    XG_X87_DE, XG_X87_DF,
    /* opcodes-0f.c: x86_groups_0f[id - XG_6] */
    XG_6, XG_7, XG_8, XG_9, XG_9_66, XG_9_F3, XG_9_F2, XG_12, XG_12_66, XG_13,
    XG_13_66, XG_14, XG_14_66, XG_15, XG_15_66, XG_15_F3, XG_15_F2,
    XG_16, XG_P, XG_1E_F3, XG_EXTRQ, XG_0F12, XG_0F16,
    /* opcodes-0f38.c: x86_groups_0f38[id - XG_17] */
    XG_17,
    XG__COUNT
};

/* rm-table ids, same split: 0F ones then x87 ones. */
enum {
    XR_01_0, XR_01_1, XR_01_2, XR_01_3, XR_01_5, XR_01_7, XR_1E_7,
    XR_D9_2, XR_D9_4, XR_D9_5, XR_D9_6, XR_D9_7, XR_DA_5, XR_DB_4,
    XR_DE_3, XR_DF_4,
    XR__COUNT
};

extern const X86Group x86_groups_one[XG_X87_D8];
extern const X86Group x86_groups_x87[XG_6 - XG_X87_D8];
extern const X86Group x86_groups_0f[XG_17 - XG_6];
extern const X86Group x86_groups_0f38[XG__COUNT - XG_17];
extern const X86OpRow x86_rmtabs_0f[XR_D9_2][8];
extern const X86OpRow x86_rmtabs_x87[XR__COUNT - XR_D9_2][8];

static inline const X86Group *x86_group(unsigned id)
{
    if (id < XG_X87_D8)
        return &x86_groups_one[id];
    if (id < XG_6)
        return &x86_groups_x87[id - XG_X87_D8];
    if (id < XG_17)
        return &x86_groups_0f[id - XG_6];
    return &x86_groups_0f38[id - XG_17];
}

static inline const X86OpRow *x86_rmtab(unsigned id)
{
    return id < XR_D9_2 ? x86_rmtabs_0f[id] : x86_rmtabs_x87[id - XR_D9_2];
}

/* Row builders: R<n>(mnemonic, flags, operand kinds...). */
#define XK(k) X86_OPND_##k
#define R0(o, f) { X86_OP_##o, (f), { 0, 0, 0, 0 }, 0 }
#define R1(o, f, a) { X86_OP_##o, (f), { XK(a), 0, 0, 0 }, 0 }
#define R2(o, f, a, b) { X86_OP_##o, (f), { XK(a), XK(b), 0, 0 }, 0 }
#define R3(o, f, a, b, c) { X86_OP_##o, (f), { XK(a), XK(b), XK(c), 0 }, 0 }
#define R4(o, f, a, b, c, d) \
    { X86_OP_##o, (f), { XK(a), XK(b), XK(c), XK(d) }, 0 }
/* A row whose ModRM.reg selects the group g. */
#define GRP(g, f) { X86_OP_UD, XF_MODRM | XF_GROUP | (f), { 0 }, (g) }
/* A group register-form row whose ModRM.rm selects rm-table t. */
#define RMT(t, f) { X86_OP_UD, XF_MODRM | XF_RMTAB | (f), { 0 }, (t) }
/* An undefined opcode that still has a ModRM byte (for its length). */
#define UNDEF_M { X86_OP_UD, XF_MODRM, { 0 }, 0 }

/* Shorthands for the tables (never name a macro like an operand kind:
   R<n> arguments are macro-expanded before pasting). */
#define MR XF_MODRM
#define L0 XF_L0
#define L1 XF_L1
#define LK (XF_MODRM | XF_LOCK)

#endif
