/*
 * decode.h — the x86 instruction decoder: bytes in, one X86Insn out.
 * Covers 16-, 32- and 64-bit modes, legacy/REX/VEX prefixes, the one-byte,
 * 0F, 0F38 and 0F3A maps, x87 and the opcode groups. It is table driven
 * (frontend-x86/opcodes-*.c) and never reads past the buffer it is given.
 *
 * Lengths and #UD verdicts are tested against capstone and against the
 * host CPU (tests/x86). Where CPUs differ the decoder follows the test
 * host, an AMD EPYC: 66-prefixed near branches in 64-bit mode take rel16,
 * UD0/UD1 end after their opcode, LOCK MOV CR0 is MOV CR8, and rows that
 * the CPU makes #UD under an unexpected 66/F2/F3 are prefix-strict.
 * EVEX (AVX-512), XOP and 3DNow! are decoded for their length only and
 * reported as X86_INV_UNSUPPORTED.
 */
#ifndef FERRY_FRONTEND_X86_DECODE_H
#define FERRY_FRONTEND_X86_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Mnemonics: one enum value per X86_OP row of x86-ops.h (INVALID is 0). */
typedef enum X86Op {
#define X86_OP(name) X86_OP_##name,
#include "frontend-x86/x86-ops.h"
#undef X86_OP
    X86_OP__COUNT
} X86Op;

extern const char *const x86_op_names[X86_OP__COUNT];

/*
 * Operand kinds, named as in the Intel SDM opcode map (appendix A):
 * letter = where the operand comes from, suffix = its size
 * (b byte, w word, d dword, q qword, v 16/32/64 by operand size,
 * y 32/64, z 16/32 even with 64-bit operand size).
 *   E ModRM r/m (register or memory)   G ModRM.reg general register
 *   M ModRM memory only                R ModRM r/m register only
 *   I immediate (Ibs: imm8 sign-extended to the operand size)
 *   J relative branch offset           O moffs (address-size offset)
 *   Z register in the opcode's low 3 bits (+REX.B)
 *   X/Y string source DS:rSI / destination ES:rDI
 *   V/U xmm/ymm from ModRM.reg / ModRM.rm (register only)
 *   W xmm/ymm or memory (Wd/Wq: scalar memory size)
 *   H xmm/ymm from VEX.vvvv (absent in legacy encoding)
 *   L xmm/ymm in imm8[7:4]             By GPR from VEX.vvvv
 *   P/N mmx from ModRM.reg / .rm       Q mmx or memory
 *   C/D control / debug register (ModRM.reg)   S segment register
 *   STi x87 stack register ModRM.rm    Ap far pointer ptr16:16/32
 */
#define X86_OPND_LIST(X)                                                   \
    X(NONE)                                                                \
    X(Eb) X(Ew) X(Ed) X(Eq) X(Ev) X(Ey)                                    \
    X(M) X(Mb) X(Mw) X(Md) X(Mq) X(Mp) X(Ms) X(Mt) X(Mx) X(Mdq)            \
    X(Gb) X(Gw) X(Gd) X(Gv) X(Gy) X(Gq)                                    \
    X(Rv) X(Ry) X(Rw) X(Cy) X(Dy) X(Sw)                                    \
    X(Ib) X(Ibs) X(Iw) X(Iz) X(Iv) X(Jb) X(Jz) X(Ap) X(Ob) X(Ov)           \
    X(Zb) X(Zv) X(AL) X(CL) X(DX) X(rAX) X(AX) X(ONE)                      \
    X(Xb) X(Xv) X(Yb) X(Yv)                                                \
    X(ES) X(CS) X(SS) X(DS) X(FS) X(GS)                                    \
    X(V) X(U) X(W) X(Wd) X(Wq) X(H) X(L) X(By) X(P) X(N) X(Q)              \
    X(ST0) X(STi)

typedef enum X86OperandKind {
#define X(k) X86_OPND_##k,
    X86_OPND_LIST(X)
#undef X
    X86_OPND__COUNT
} X86OperandKind;

extern const char *const x86_opnd_names[X86_OPND__COUNT];

typedef enum X86Mode {
    X86_MODE_16,
    X86_MODE_32,
    X86_MODE_64,
} X86Mode;

/* Which opcode map the opcode byte was found in. */
typedef enum X86Map {
    X86_MAP_ONE,       /* one-byte map, including x87 D8-DF */
    X86_MAP_0F,
    X86_MAP_0F38,
    X86_MAP_0F3A,
    X86_MAP_3DNOW,     /* 0F 0F modrm imm8: decoded for length, invalid */
} X86Map;

/* Legacy prefixes seen (all of them, whether or not they took effect). */
enum {
    X86_PFX_LOCK = 1 << 0,
    X86_PFX_REPNE = 1 << 1,    /* F2 */
    X86_PFX_REP = 1 << 2,      /* F3 */
    X86_PFX_OPSIZE = 1 << 3,   /* 66 */
    X86_PFX_ADDRSIZE = 1 << 4, /* 67 */
    X86_PFX_SEG = 1 << 5,      /* any segment override */
    X86_PFX_REX = 1 << 6,      /* a REX byte in effect (right before opcode) */
    X86_PFX_VEX = 1 << 7,      /* VEX (2 or 3 byte) */
    X86_PFX_EVEX = 1 << 8,     /* EVEX (62 ...): decoded for length only */
};

/* Segment registers in the hardware's numbering; X86_SEG_NONE = default. */
typedef enum X86Seg {
    X86_SEG_ES, X86_SEG_CS, X86_SEG_SS, X86_SEG_DS, X86_SEG_FS, X86_SEG_GS,
    X86_SEG_NONE = 7,
} X86Seg;

/* Why a decoded instruction is invalid (raises #UD when executed). */
typedef enum X86Invalid {
    X86_INV_NONE,
    X86_INV_OPCODE,     /* undefined opcode or group member */
    X86_INV_MODE,       /* not valid in this mode (e.g. PUSH ES in 64-bit) */
    X86_INV_LOCK,       /* LOCK on a non-lockable insn or register dest */
    X86_INV_MODRM,      /* register form where memory needed or vice versa */
    X86_INV_VEX,        /* VEX after 66/F2/F3/LOCK/REX, or VEX-only w/o VEX */
    X86_INV_UNSUPPORTED,/* EVEX, XOP, 3DNow!: valid on some CPUs, not here */
} X86Invalid;

/* Negative return values of x86_decode(). */
enum {
    X86_DECODE_TRUNCATED = -1,  /* the buffer ends inside the instruction */
    X86_DECODE_TOO_LONG = -2,   /* more than 15 bytes: #GP on hardware
                                   (reported like #UD by the translator) */
};

#define X86_MAX_INSN_LEN 15

typedef struct X86Insn {
    uint16_t op;           /* X86Op */
    uint8_t len;           /* bytes, 1..15 */
    uint8_t mode;          /* X86Mode it was decoded in */
    uint8_t map;           /* X86Map */
    uint8_t opcode;        /* the opcode byte within its map */
    uint8_t invalid;       /* X86Invalid; nonzero: translate to #UD */
    uint8_t opnd[4];       /* X86OperandKind, NONE-terminated */

    uint16_t prefixes;     /* X86_PFX_* */
    uint8_t seg;           /* X86Seg: the last segment prefix wins (in
                              64-bit mode ES/CS/SS/DS have no effect) */
    uint8_t rep;           /* 0, 0xF2 or 0xF3: last of F2/F3 when it is a
                              repeat prefix rather than a mandatory one */
    uint8_t mandatory;     /* 0, 0x66, 0xF3, 0xF2: the prefix that selected
                              this SSE-style opcode */
    uint8_t rex;           /* REX byte in effect (0x40..0x4F) or 0 */
    uint8_t opsize;        /* effective operand size in bytes: 2, 4, 8 */
    uint8_t addrsize;      /* effective address size in bytes: 2, 4, 8 */

    /* VEX fields (valid when prefixes & X86_PFX_VEX). */
    uint8_t vex_l;         /* 0: 128-bit, 1: 256-bit */
    uint8_t vex_w;
    uint8_t vex_vvvv;      /* register number, already un-inverted */

    /* ModRM/SIB, register numbers extended by REX/VEX R, X, B. */
    bool has_modrm;
    bool has_sib;
    bool rip_rel;          /* [rip + disp32] (64-bit mode, mod=00 rm=101) */
    uint8_t modrm;
    uint8_t mod;           /* 0..3 */
    uint8_t reg;           /* ModRM.reg + REX.R*8 (group index: modrm>>3&7) */
    uint8_t rm;            /* ModRM.rm + REX.B*8 (register form only) */
    uint8_t sib;
    int8_t base;           /* base register, -1 none (disp only / rip) */
    int8_t index;          /* index register, -1 none */
    uint8_t scale;         /* index is scaled by 1 << scale */
    uint8_t disp_size;     /* 0, 1, 2, 4 (8 for 64-bit moffs) */
    uint8_t zreg;          /* register from the opcode's low bits + REX.B */
    uint8_t cond;          /* condition code for JCC/SETCC/CMOVCC/FCMOV */

    uint8_t imm_size;      /* bytes of the first immediate */
    uint8_t imm2_size;     /* second immediate: ENTER's imm8, far ptr sel */
    int64_t disp;          /* sign-extended (moffs: zero-extended) */
    int64_t imm;           /* as the instruction uses it: Ibs, Jb, Iz, Jz
                              sign-extended to 64 bits; Ib, Iw, Iv, Ap
                              zero-extended */
    uint16_t imm2;
} X86Insn;

/*
 * Decode one instruction from buf[0..len) in the given mode into *out.
 * Returns the instruction length (1..15) on success, including for invalid
 * encodings, which have out->invalid set and must raise #UD; or
 * X86_DECODE_TRUNCATED when the buffer ends inside the instruction, or
 * X86_DECODE_TOO_LONG when it would exceed 15 bytes. Never reads
 * buf[len] or beyond; allocates nothing; thread-safe (tables are const).
 */
int x86_decode(const uint8_t *buf, size_t len, X86Mode mode, X86Insn *out);

/* Print a one-line debug form of insn ("ADD Ev,Gv len=3 ...") into buf. */
void x86_insn_print(const X86Insn *insn, char *buf, size_t size);

#endif
