/*
 * interp-bc.h — private to the interpreter (interp-gen.c writes it,
 * interp.c runs it): the bytecode format interpreted TBs are stored in,
 * inside the code buffer like native code.
 *
 * A TB is a sequence of instructions made of 8-byte words. Word 0 is the
 * header: bits 0-15 the opcode (an IrOpcode, or BC_MOVI), 16-23 the op's
 * IrType, 24-31 the number of words of the instruction. Then one word per
 * IR argument in the IR order (outputs, inputs, consts): a temp is a
 * *ref* (below), a const is its value, except
 *   - a label const (br, brcond) is the signed distance in words from the
 *     start of this instruction to the label's position;
 *   - goto_tb n: one word, the *patch word*, holding the absolute address
 *     to continue at. It is the address of the next instruction until the
 *     TB is chained; patch_jump replaces it with one aligned 8-byte store;
 *   - call: the words are [ffi_cif *][function][nb_o | nb_i << 8] and then
 *     the refs of outputs and inputs.
 * insn_start and set_label produce no instruction.
 *
 * A ref names where a value lives: bit 31 set = a global at env + bits 0-27;
 * clear = frame slot bits 0-27 (slot 0 holds env itself). Bits 28-30 are
 * log2 of the value's size (2 = i32, 3 = i64, 4 = i128/v128, which take two
 * consecutive slots). An i32 value is always stored zero-extended.
 * A TB begins with one BC_MOVI [ref][value] per constant it uses.
 */
#ifndef FERRY_JIT_INTERP_BC_H
#define FERRY_JIT_INTERP_BC_H

#include <stdint.h>

#include "jit/ir.h"

enum {
    BC_MOVI = IR_OP_COUNT,         /* [ref][value]: load a constant into a slot */
};

#define BC_HDR(opc, type, nwords) \
    ((uint64_t)(opc) | (uint64_t)(type) << 16 | (uint64_t)(nwords) << 24)
#define BC_OPC(h)    ((unsigned)((h) & 0xffff))
#define BC_TYPE(h)   ((unsigned)(((h) >> 16) & 0xff))
#define BC_NWORDS(h) ((unsigned)(((h) >> 24) & 0xff))

#define BC_REF_GLOBAL   (1u << 31)
#define BC_REF_LG_SHIFT 28
#define BC_REF_IDX_MASK ((1u << BC_REF_LG_SHIFT) - 1)
#define BC_REF_LG(r)    ((unsigned)(((r) >> BC_REF_LG_SHIFT) & 7))

/* Longest instruction: a call with an output and IR_MAX_CALL_ARGS inputs. */
#define BC_MAX_WORDS (1 + 3 + 1 + IR_MAX_CALL_ARGS)

/* Run bytecode at code (a TB start or the prologue) until exit_tb. */
struct JitBackend;
struct JitCpu;
uintptr_t jit_interp_enter(const struct JitBackend *be, struct JitCpu *env, const void *code);

#endif
