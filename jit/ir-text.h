/*
 * ir-text.h — private to the IR text form (ir-print.c, ir-parse.c): how each
 * op's immediate const arguments are spelled. The printer and the parser
 * share this one table so that what one writes the other reads.
 */
#ifndef FERRY_JIT_IR_TEXT_H
#define FERRY_JIT_IR_TEXT_H

#include "jit/ir.h"

typedef enum IrConstKind {
    IR_CK_NONE,     /* no such const argument */
    IR_CK_UINT,     /* plain unsigned decimal: pos, len, slot, count, lane */
    IR_CK_OFFSET,   /* signed decimal int32: ld/st offset */
    IR_CK_IMM64,    /* `$` 64-bit value: insn_start words, exit_tb value */
    IR_CK_COND,     /* condition name: eq, ltu, ... */
    IR_CK_LABEL,    /* LN */
    IR_CK_MEMOP,    /* [u32 be align atom] */
    IR_CK_MMU,      /* mmuN, 0..15 */
    IR_CK_MBMASK,   /* ldld|stst or all */
    IR_CK_VECE,     /* e8, e16, e32, e64 */
    IR_CK_HELPER,   /* call: the helper name (printed before the argument list) */
} IrConstKind;

#define IR_MMU_COUNT 16

/* Kind of const argument i (0-based among the consts) of opc. */
IrConstKind ir_text_const_kind(IrOpcode opc, unsigned i);

/* True if the op prints a `.type` suffix (its flags allow several types). */
static inline bool ir_text_has_suffix(IrOpcode opc)
{
    return (ir_op_defs[opc].flags & (IR_OPF_INT | IR_OPF_VEC)) != 0;
}

/* Names of the mb mask bits, indexed by bit number. */
extern const char *const ir_text_mb_names[4];

#endif /* FERRY_JIT_IR_TEXT_H */
