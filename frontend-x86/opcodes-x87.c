/*
 * opcodes-x87.c — the x87 escape opcodes D8..DF as groups: ModRM.reg picks
 * the row, memory and register forms differ, and a few register-form rows
 * are picked by ModRM.rm (D9 E0.., DB E0.., ...). Undocumented register
 * aliases (FCOM2, FXCH4, FSTP1, FFREEP) decode as the instruction they
 * alias, as the hardware executes them. Source: Intel SDM vol. 2, A.5.
 */
#include "frontend-x86/opcodes.h"

#define ARITH(t)                                                            \
    R1(FADD, MR, t), R1(FMUL, MR, t), R1(FCOM, MR, t), R1(FCOMP, MR, t),    \
    R1(FSUB, MR, t), R1(FSUBR, MR, t), R1(FDIV, MR, t), R1(FDIVR, MR, t)
#define IARITH(t)                                                           \
    R1(FIADD, MR, t), R1(FIMUL, MR, t), R1(FICOM, MR, t),                   \
    R1(FICOMP, MR, t), R1(FISUB, MR, t), R1(FISUBR, MR, t),                 \
    R1(FIDIV, MR, t), R1(FIDIVR, MR, t)

const X86Group x86_groups_x87[XG_6 - XG_X87_D8] = {
    [XG_X87_D8 - XG_X87_D8] = {
        .mem = { ARITH(Md) },
        .reg = { R2(FADD, MR, ST0, STi), R2(FMUL, MR, ST0, STi),
                 R1(FCOM, MR, STi), R1(FCOMP, MR, STi),
                 R2(FSUB, MR, ST0, STi), R2(FSUBR, MR, ST0, STi),
                 R2(FDIV, MR, ST0, STi), R2(FDIVR, MR, ST0, STi) },
    },
    [XG_X87_D9 - XG_X87_D8] = {
        .mem = { R1(FLD, MR, Md), UNDEF_M, R1(FST, MR, Md), R1(FSTP, MR, Md),
                 R1(FLDENV, MR, M), R1(FLDCW, MR, Mw), R1(FNSTENV, MR, M),
                 R1(FNSTCW, MR, Mw) },
        .reg = { R1(FLD, MR, STi), R1(FXCH, MR, STi), RMT(XR_D9_2, 0),
                 R1(FSTP, MR, STi), RMT(XR_D9_4, 0), RMT(XR_D9_5, 0),
                 RMT(XR_D9_6, 0), RMT(XR_D9_7, 0) },
    },
    [XG_X87_DA - XG_X87_D8] = {
        .mem = { IARITH(Md) },
        .reg = { R2(FCMOVB, MR, ST0, STi), R2(FCMOVE, MR, ST0, STi),
                 R2(FCMOVBE, MR, ST0, STi), R2(FCMOVU, MR, ST0, STi),
                 UNDEF_M, RMT(XR_DA_5, 0), UNDEF_M, UNDEF_M },
    },
    [XG_X87_DB - XG_X87_D8] = {
        .mem = { R1(FILD, MR, Md), R1(FISTTP, MR, Md), R1(FIST, MR, Md),
                 R1(FISTP, MR, Md), UNDEF_M, R1(FLD, MR, Mt), UNDEF_M,
                 R1(FSTP, MR, Mt) },
        .reg = { R2(FCMOVNB, MR, ST0, STi), R2(FCMOVNE, MR, ST0, STi),
                 R2(FCMOVNBE, MR, ST0, STi), R2(FCMOVNU, MR, ST0, STi),
                 RMT(XR_DB_4, 0), R2(FUCOMI, MR, ST0, STi),
                 R2(FCOMI, MR, ST0, STi), UNDEF_M },
    },
    [XG_X87_DC - XG_X87_D8] = {
        .mem = { ARITH(Mq) },
        .reg = { R2(FADD, MR, STi, ST0), R2(FMUL, MR, STi, ST0),
                 R1(FCOM, MR, STi), R1(FCOMP, MR, STi),
                 R2(FSUBR, MR, STi, ST0), R2(FSUB, MR, STi, ST0),
                 R2(FDIVR, MR, STi, ST0), R2(FDIV, MR, STi, ST0) },
    },
    [XG_X87_DD - XG_X87_D8] = {
        .mem = { R1(FLD, MR, Mq), R1(FISTTP, MR, Mq), R1(FST, MR, Mq),
                 R1(FSTP, MR, Mq), R1(FRSTOR, MR, M), UNDEF_M,
                 R1(FNSAVE, MR, M), R1(FNSTSW, MR, Mw) },
        .reg = { R1(FFREE, MR, STi), R1(FXCH, MR, STi), R1(FST, MR, STi),
                 R1(FSTP, MR, STi), R1(FUCOM, MR, STi), R1(FUCOMP, MR, STi),
                 UNDEF_M, UNDEF_M },
    },
    [XG_X87_DE - XG_X87_D8] = {
        .mem = { IARITH(Mw) },
        .reg = { R2(FADDP, MR, STi, ST0), R2(FMULP, MR, STi, ST0),
                 R1(FCOMP, MR, STi), RMT(XR_DE_3, 0),
                 R2(FSUBRP, MR, STi, ST0), R2(FSUBP, MR, STi, ST0),
                 R2(FDIVRP, MR, STi, ST0), R2(FDIVP, MR, STi, ST0) },
    },
    [XG_X87_DF - XG_X87_D8] = {
        .mem = { R1(FILD, MR, Mw), R1(FISTTP, MR, Mw), R1(FIST, MR, Mw),
                 R1(FISTP, MR, Mw), R1(FBLD, MR, Mt), R1(FILD, MR, Mq),
                 R1(FBSTP, MR, Mt), R1(FISTP, MR, Mq) },
        .reg = { R1(FFREEP, MR, STi), R1(FXCH, MR, STi), R1(FSTP, MR, STi),
                 R1(FSTP, MR, STi), RMT(XR_DF_4, 0),
                 R2(FUCOMIP, MR, ST0, STi), R2(FCOMIP, MR, ST0, STi),
                 UNDEF_M },
    },
};

/* Register forms picked by ModRM.rm; empty slots are undefined. */
const X86OpRow x86_rmtabs_x87[XR__COUNT - XR_D9_2][8] = {
    [XR_D9_2 - XR_D9_2] = { R0(FNOP, MR) },
    [XR_D9_4 - XR_D9_2] = { R0(FCHS, MR), R0(FABS, MR), UNDEF_M, UNDEF_M,
                            R0(FTST, MR), R0(FXAM, MR) },
    [XR_D9_5 - XR_D9_2] = { R0(FLD1, MR), R0(FLDL2T, MR), R0(FLDL2E, MR),
                            R0(FLDPI, MR), R0(FLDLG2, MR), R0(FLDLN2, MR),
                            R0(FLDZ, MR) },
    [XR_D9_6 - XR_D9_2] = { R0(F2XM1, MR), R0(FYL2X, MR), R0(FPTAN, MR),
                            R0(FPATAN, MR), R0(FXTRACT, MR), R0(FPREM1, MR),
                            R0(FDECSTP, MR), R0(FINCSTP, MR) },
    [XR_D9_7 - XR_D9_2] = { R0(FPREM, MR), R0(FYL2XP1, MR), R0(FSQRT, MR),
                            R0(FSINCOS, MR), R0(FRNDINT, MR), R0(FSCALE, MR),
                            R0(FSIN, MR), R0(FCOS, MR) },
    [XR_DA_5 - XR_D9_2] = { [1] = R0(FUCOMPP, MR) },
    [XR_DB_4 - XR_D9_2] = { R0(FENI, MR), R0(FDISI, MR), R0(FNCLEX, MR),
                            R0(FNINIT, MR), R0(FSETPM, MR) },
    [XR_DE_3 - XR_D9_2] = { [1] = R0(FCOMPP, MR) },
    [XR_DF_4 - XR_D9_2] = { R1(FNSTSW, MR, AX) },
};
