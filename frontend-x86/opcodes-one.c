/*
 * opcodes-one.c — the one-byte opcode map and its groups (1, 1A, 2, 3, 4,
 * 5, 11). Prefix bytes and the 0F/VEX/EVEX escapes are handled by decode.c
 * before the table is consulted, so their rows here stay empty. Source:
 * Intel SDM vol. 2, appendix A, tables.
 */
#include "frontend-x86/opcodes.h"

/* The six ALU forms at 00..05, 08..0D, ... 38..3D. */
#define ALU(o, lk)                                                         \
    R2(o, lk, Eb, Gb), R2(o, lk, Ev, Gv), R2(o, MR, Gb, Eb),               \
    R2(o, MR, Gv, Ev), R2(o, 0, AL, Ib), R2(o, 0, rAX, Iz)
#define X8(...) __VA_ARGS__, __VA_ARGS__, __VA_ARGS__, __VA_ARGS__, \
    __VA_ARGS__, __VA_ARGS__, __VA_ARGS__, __VA_ARGS__
#define JCC8 X8(R1(JCC, XF_D64, Jb)), X8(R1(JCC, XF_D64, Jb))

const X86OpRow x86_map_one[256] = {
    [0x00] = ALU(ADD, LK),
    [0x06] = R1(PUSH, XF_I64, ES), R1(POP, XF_I64, ES),
    [0x08] = ALU(OR, LK),
    [0x0e] = R1(PUSH, XF_I64, CS),
    [0x10] = ALU(ADC, LK),
    [0x16] = R1(PUSH, XF_I64, SS), R1(POP, XF_I64, SS),
    [0x18] = ALU(SBB, LK),
    [0x1e] = R1(PUSH, XF_I64, DS), R1(POP, XF_I64, DS),
    [0x20] = ALU(AND, LK),
    [0x27] = R0(DAA, XF_I64),
    [0x28] = ALU(SUB, LK),
    [0x2f] = R0(DAS, XF_I64),
    [0x30] = ALU(XOR, LK),
    [0x37] = R0(AAA, XF_I64),
    [0x38] = ALU(CMP, MR),
    [0x3f] = R0(AAS, XF_I64),
    /* 40..4F are REX in 64-bit mode (decode.c never looks them up there). */
    [0x40] = X8(R1(INC, XF_I64, Zv)),
    [0x48] = X8(R1(DEC, XF_I64, Zv)),
    [0x50] = X8(R1(PUSH, XF_D64, Zv)),
    [0x58] = X8(R1(POP, XF_D64, Zv)),
    [0x60] = R0(PUSHA, XF_I64), R0(POPA, XF_I64),
    [0x62] = R2(BOUND, MR | XF_I64, Gv, M),
    [0x63] = R2(ARPL, MR | XF_I64, Ew, Gw),
    [0x68] = R1(PUSH, XF_D64, Iz),
    [0x69] = R3(IMUL, MR, Gv, Ev, Iz),
    [0x6a] = R1(PUSH, XF_D64, Ibs),
    [0x6b] = R3(IMUL, MR, Gv, Ev, Ibs),
    [0x6c] = R2(INS, 0, Yb, DX), R2(INS, 0, Yv, DX),
    [0x6e] = R2(OUTS, 0, DX, Xb), R2(OUTS, 0, DX, Xv),
    [0x70] = JCC8,
    [0x80] = GRP(XG_1_80, 0), GRP(XG_1_81, 0), GRP(XG_1_82, XF_I64),
    [0x83] = GRP(XG_1_83, 0),
    [0x84] = R2(TEST, MR, Eb, Gb), R2(TEST, MR, Ev, Gv),
    [0x86] = R2(XCHG, LK, Eb, Gb), R2(XCHG, LK, Ev, Gv),
    [0x88] = R2(MOV, MR, Eb, Gb), R2(MOV, MR, Ev, Gv),
    [0x8a] = R2(MOV, MR, Gb, Eb), R2(MOV, MR, Gv, Ev),
    [0x8c] = R2(MOV, MR, Ev, Sw), R2(LEA, MR, Gv, M),
    [0x8e] = R2(MOV, MR, Sw, Ew), GRP(XG_1A, XF_D64),
    /* 90 is NOP, PAUSE (F3) or XCHG r8,rAX (REX.B): decode.c decides. */
    [0x90] = R0(NOP, 0), R2(XCHG, 0, Zv, rAX), R2(XCHG, 0, Zv, rAX),
    [0x93] = R2(XCHG, 0, Zv, rAX), R2(XCHG, 0, Zv, rAX),
    [0x95] = R2(XCHG, 0, Zv, rAX), R2(XCHG, 0, Zv, rAX),
    [0x97] = R2(XCHG, 0, Zv, rAX),
    [0x98] = R0(CBW, 0), R0(CWD, 0), R1(CALLF, XF_I64, Ap), R0(FWAIT, 0),
    [0x9c] = R0(PUSHF, XF_D64), R0(POPF, XF_D64), R0(SAHF, 0), R0(LAHF, 0),
    [0xa0] = R2(MOV, 0, AL, Ob), R2(MOV, 0, rAX, Ov),
    [0xa2] = R2(MOV, 0, Ob, AL), R2(MOV, 0, Ov, rAX),
    [0xa4] = R2(MOVS, 0, Yb, Xb), R2(MOVS, 0, Yv, Xv),
    [0xa6] = R2(CMPS, 0, Xb, Yb), R2(CMPS, 0, Xv, Yv),
    [0xa8] = R2(TEST, 0, AL, Ib), R2(TEST, 0, rAX, Iz),
    [0xaa] = R2(STOS, 0, Yb, AL), R2(STOS, 0, Yv, rAX),
    [0xac] = R2(LODS, 0, AL, Xb), R2(LODS, 0, rAX, Xv),
    [0xae] = R2(SCAS, 0, AL, Yb), R2(SCAS, 0, rAX, Yv),
    [0xb0] = X8(R2(MOV, 0, Zb, Ib)),
    [0xb8] = X8(R2(MOV, 0, Zv, Iv)),
    [0xc0] = GRP(XG_2_C0, 0), GRP(XG_2_C1, 0),
    [0xc2] = R1(RET, XF_D64, Iw), R0(RET, XF_D64),
    /* C4/C5 are VEX in 64-bit mode and when ModRM.mod == 3. */
    [0xc4] = R2(LES, MR | XF_I64, Gv, Mp), R2(LDS, MR | XF_I64, Gv, Mp),
    [0xc6] = GRP(XG_11_C6, 0), GRP(XG_11_C7, 0),
    [0xc8] = R2(ENTER, XF_D64, Iw, Ib), R0(LEAVE, XF_D64),
    [0xca] = R1(RETF, 0, Iw), R0(RETF, 0),
    [0xcc] = R0(INT3, 0), R1(INT, 0, Ib), R0(INTO, XF_I64), R0(IRET, 0),
    [0xd0] = GRP(XG_2_D0, 0), GRP(XG_2_D1, 0), GRP(XG_2_D2, 0),
    [0xd3] = GRP(XG_2_D3, 0),
    [0xd4] = R1(AAM, XF_I64, Ib), R1(AAD, XF_I64, Ib), R0(SALC, XF_I64),
    [0xd7] = R0(XLAT, 0),
    [0xd8] = GRP(XG_X87_D8, 0), GRP(XG_X87_D9, 0), GRP(XG_X87_DA, 0),
    [0xdb] = GRP(XG_X87_DB, 0), GRP(XG_X87_DC, 0), GRP(XG_X87_DD, 0),
    [0xde] = GRP(XG_X87_DE, 0), GRP(XG_X87_DF, 0),
    [0xe0] = R1(LOOPNE, XF_D64, Jb), R1(LOOPE, XF_D64, Jb),
    [0xe2] = R1(LOOP, XF_D64, Jb), R1(JCXZ, XF_D64, Jb),
    [0xe4] = R2(IN, 0, AL, Ib), R2(IN, 0, rAX, Ib),
    [0xe6] = R2(OUT, 0, Ib, AL), R2(OUT, 0, Ib, rAX),
    [0xe8] = R1(CALL, XF_D64, Jz), R1(JMP, XF_D64, Jz),
    [0xea] = R1(JMPF, XF_I64, Ap), R1(JMP, XF_D64, Jb),
    [0xec] = R2(IN, 0, AL, DX), R2(IN, 0, rAX, DX),
    [0xee] = R2(OUT, 0, DX, AL), R2(OUT, 0, DX, rAX),
    [0xf1] = R0(INT1, 0),
    [0xf4] = R0(HLT, 0), R0(CMC, 0), GRP(XG_3_F6, 0), GRP(XG_3_F7, 0),
    [0xf8] = R0(CLC, 0), R0(STC, 0), R0(CLI, 0), R0(STI, 0),
    [0xfc] = R0(CLD, 0), R0(STD, 0), GRP(XG_4, 0), GRP(XG_5, 0),
};

/* 63 in 64-bit mode. */
const X86OpRow x86_row_movsxd = R2(MOVSXD, MR | XF_O64, Gv, Ed);

/* Group rows: the same row for memory and register forms unless noted. */
#define G1(a, b)                                                           \
    R2(ADD, LK, a, b), R2(OR, LK, a, b), R2(ADC, LK, a, b),                \
    R2(SBB, LK, a, b), R2(AND, LK, a, b), R2(SUB, LK, a, b),               \
    R2(XOR, LK, a, b), R2(CMP, MR, a, b)
#define G2(a, b)                                                           \
    R2(ROL, MR, a, b), R2(ROR, MR, a, b), R2(RCL, MR, a, b),               \
    R2(RCR, MR, a, b), R2(SHL, MR, a, b), R2(SHR, MR, a, b),               \
    R2(SHL, MR, a, b), R2(SAR, MR, a, b)
#define G3(e, i)                                                           \
    R2(TEST, MR, e, i), R2(TEST, MR, e, i), R1(NOT, LK, e), R1(NEG, LK, e), \
    R1(MUL, MR, e), R1(IMUL, MR, e), R1(DIV, MR, e), R1(IDIV, MR, e)
#define BOTH(...) { { __VA_ARGS__ }, { __VA_ARGS__ } }

const X86Group x86_groups_one[XG_X87_D8] = {
    [XG_1_80] = BOTH(G1(Eb, Ib)),
    [XG_1_81] = BOTH(G1(Ev, Iz)),
    [XG_1_82] = BOTH(G1(Eb, Ib)),
    [XG_1_83] = BOTH(G1(Ev, Ibs)),
    /* 8F /1../7 is XOP on AMD; decode.c reports that before getting here. */
    [XG_1A] = BOTH(R1(POP, MR, Ev)),
    [XG_2_C0] = BOTH(G2(Eb, Ib)),
    [XG_2_C1] = BOTH(G2(Ev, Ib)),
    [XG_2_D0] = BOTH(G2(Eb, ONE)),
    [XG_2_D1] = BOTH(G2(Ev, ONE)),
    [XG_2_D2] = BOTH(G2(Eb, CL)),
    [XG_2_D3] = BOTH(G2(Ev, CL)),
    [XG_3_F6] = BOTH(G3(Eb, Ib)),
    [XG_3_F7] = BOTH(G3(Ev, Iz)),
    [XG_4] = BOTH(R1(INC, LK, Eb), R1(DEC, LK, Eb)),
    [XG_5] = {
        .mem = { R1(INC, LK, Ev), R1(DEC, LK, Ev), R1(CALL, MR | XF_D64, Ev),
                 R1(CALLF, MR, Mp), R1(JMP, MR | XF_D64, Ev),
                 R1(JMPF, MR, Mp), R1(PUSH, MR | XF_D64, Ev) },
        .reg = { R1(INC, LK, Ev), R1(DEC, LK, Ev), R1(CALL, MR | XF_D64, Ev),
                 UNDEF_M, R1(JMP, MR | XF_D64, Ev), UNDEF_M,
                 R1(PUSH, MR | XF_D64, Ev) },
    },
    /* C6 F8 / C7 F8 are XABORT / XBEGIN (RTM). */
    [XG_11_C6] = {
        .mem = { R2(MOV, MR, Eb, Ib) },
        .reg = { R2(MOV, MR, Eb, Ib), [7] = R1(XABORT, MR, Ib) },
    },
    [XG_11_C7] = {
        .mem = { R2(MOV, MR, Ev, Iz) },
        .reg = { R2(MOV, MR, Ev, Iz), [7] = R1(XBEGIN, MR, Jz) },
    },
};

const char *const x86_op_names[X86_OP__COUNT] = {
#define X86_OP(name) [X86_OP_##name] = #name,
#include "frontend-x86/x86-ops.h"
#undef X86_OP
};

const char *const x86_opnd_names[X86_OPND__COUNT] = {
#define X(k) [X86_OPND_##k] = #k,
    X86_OPND_LIST(X)
#undef X
};
