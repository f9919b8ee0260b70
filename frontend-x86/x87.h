/*
 * x87.h — what the x87 translator (x87.c) and its runtime helpers
 * (x87-helpers.c) share: the operation codes packed into helper arguments
 * and the helper entry points. Not for use outside the x87 files.
 */
#ifndef FERRY_FRONTEND_X86_X87_H
#define FERRY_FRONTEND_X86_X87_H

#include <stdint.h>

/* Memory operand kinds (load_tmp, store). */
enum {
    X87_M_F32, X87_M_F64, X87_M_F80, X87_M_I16, X87_M_I32, X87_M_I64, X87_M_BCD,
    X87_M_I16T, X87_M_I32T, X87_M_I64T,        /* FISTTP (store only) */
};

/* Arithmetic: ST(dst) = ST(dst) op src. */
enum { X87_ADD, X87_MUL, X87_SUB, X87_SUBR, X87_DIV, X87_DIVR };
#define X87_SRC_TMP 8                          /* src = the memory operand */
#define X87_ARITH(op, dst, src, pop) ((op) | (dst) << 4 | (src) << 8 | (pop) << 12)

/* Compare: src register (or X87_SRC_TMP), quiet, pops, and EFLAGS form. */
#define X87_COM(src, quiet, pops, eflags) \
    ((src) | (quiet) << 4 | (pops) << 5 | (eflags) << 7)

/* Register-only operations (x87_misc): op | i << 8 | extra << 12. */
enum {
    X87_FXCH, X87_FST, X87_FSTP, X87_FFREE, X87_FFREEP, X87_FCHS, X87_FABS,
    X87_FTST, X87_FXAM, X87_FLD1, X87_FLDL2T, X87_FLDL2E, X87_FLDPI,
    X87_FLDLG2, X87_FLDLN2, X87_FLDZ, X87_FINCSTP, X87_FDECSTP, X87_FNCLEX,
    X87_FNINIT, X87_FSQRT, X87_FRNDINT, X87_FSCALE, X87_FXTRACT, X87_FPREM,
    X87_FPREM1, X87_F2XM1, X87_FYL2X, X87_FYL2XP1, X87_FPTAN, X87_FPATAN,
    X87_FSIN, X87_FCOS, X87_FSINCOS, X87_FCMOV, X87_FLDST, X87_POP,
};

/* FNSTENV/FLDENV/FNSAVE/FRSTOR image formats in fpu.buf. */
enum { X87_ENV16 = 0, X87_ENV32 = 1, X87_SAVE = 2 };
#define X87_ENV_SIZE(mode) ((mode) & 1 ? 28 : 14)

uint32_t x87_helper_wait(void *env);
void x87_helper_load_tmp(void *env, uint64_t lo, uint64_t hi, uint32_t kind);
void x87_helper_push_tmp(void *env, uint32_t signal);
void x87_helper_arith(void *env, uint32_t code);
uint32_t x87_helper_com(void *env, uint32_t code);
uint64_t x87_helper_store(void *env, uint32_t kind);
void x87_helper_misc(void *env, uint32_t code);
uint32_t x87_helper_fnstsw(void *env);
void x87_helper_fldcw(void *env, uint32_t cw);
void x87_helper_stenv(void *env, uint32_t mode);
void x87_helper_ldenv(void *env, uint32_t mode);
/* F2XM1 FYL2X FYL2XP1 FPTAN FPATAN FSIN FCOS FSINCOS (x87-trans.c). */
void x87_transcendental(void *env, unsigned op);

#endif
