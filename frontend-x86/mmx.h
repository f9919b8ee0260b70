/*
 * mmx.h — what the MMX translator (mmx-tr.c) and its runtime helper
 * (mmx.c) share: the control word packed into the helper's argument and
 * the helper itself. Not for use outside the MMX files.
 */
#ifndef FERRY_FRONTEND_X86_MMX_H
#define FERRY_FRONTEND_X86_MMX_H

#include <stdint.h>

/* ctl bits: imm8, the mm/xmm register numbers and where the operands are. */
enum {
    MMX_CTL_IMM_MASK = 0xff,
    MMX_CTL_REG_SHIFT = 8,          /* ModRM.reg (+REX.R), 4 bits */
    MMX_CTL_RM_SHIFT = 12,          /* ModRM.rm (+REX.B), 4 bits */
    MMX_CTL_SRC_MM = 1 << 16,       /* the source is mm(rm), not the src argument */
    MMX_CTL_HAS_IMM = 1 << 17,      /* a shift group form: count in imm8 */
    MMX_CTL_STORE = 1 << 18,        /* MOVD/MOVQ/MOVNTQ to r/m: mm(rm) = mm(reg)
                                       when SRC_MM, else only the state change */
    MMX_CTL_SRC_TMP = 1 << 19,      /* CVT*2PI: the xmm source is xmm_tmp (memory) */
};

/*
 * Run one MMX instruction on cpu (env): the x87 state enters MMX mode
 * (TOP = 0, all tags valid; EMMS instead empties every tag), the
 * destination mm register gets its value with exponent/sign 0xFFFF.
 * `src` is the 64-bit source operand when it is not an mm register (memory,
 * GPR, or for MASKMOVQ the old memory quadword). Returns the value for a
 * GPR or memory destination (PEXTRW, PMOVMSKB, MASKMOVQ); for the
 * CVTPI2PS/PD and CVT(T)PS/PD2PI conversions 1 when an unmasked MXCSR
 * exception must raise #XM (nothing changed then), else 0. CVTPI2PS/PD
 * from memory leave the x87 state alone, as the CPU does.
 */
uint64_t x86_mmx_helper(void *env, uint32_t op, uint32_t ctl, uint64_t src);

#endif
