/*
 * opt-eval.h — internal to the optimizer: exact evaluation of integer ops
 * on constants and known-bits transfer functions (jit/opt-eval.c), shared
 * by the folding pass and nothing else. Widths are 32 or 64 bits; values
 * are held zero-extended in uint64_t.
 */
#ifndef FERRY_JIT_OPT_EVAL_H
#define FERRY_JIT_OPT_EVAL_H

#include <stdbool.h>
#include <stdint.h>

#include "jit/ir.h"

/* Bits known to be 0 (`zero`) and known to be 1 (`one`); never both. */
typedef struct OptBits {
    uint64_t zero, one;
} OptBits;

static inline uint64_t opt_wmask(unsigned bits)
{
    return bits == 64 ? ~0ull : 0xffffffffull;
}

/* The result of a two-input op (add .. rotr, div/rem, clz/ctz); false when
 * the op is not one of those or its value is undefined (division by 0,
 * signed MIN / -1). */
bool opt_eval_binary(IrOpcode opc, unsigned bits, uint64_t a, uint64_t b, uint64_t *r);
/* One-input ops, including the i32/i64 conversions (bits = output width). */
bool opt_eval_unary(IrOpcode opc, unsigned bits, uint64_t a, uint64_t *r);
uint64_t opt_eval_extract(bool sign, unsigned bits, uint64_t a, unsigned pos, unsigned len);
uint64_t opt_eval_deposit(unsigned bits, uint64_t base, uint64_t val, unsigned pos, unsigned len);
/* mulu2, muls2, addcarry, subborrow, divu2, divs2 with inputs in[]. */
bool opt_eval_pair(IrOpcode opc, unsigned bits, const uint64_t *in, uint64_t *r0, uint64_t *r1);
bool opt_eval_div2(bool sign, unsigned bits, const uint64_t *in, uint64_t *q, uint64_t *r);

/* Known bits of the result from known bits of the inputs. For shifts the
 * count is used only when b_const (its value in bval). */
OptBits opt_bits_binary(IrOpcode opc, unsigned bits, OptBits a, OptBits b, bool b_const,
                        uint64_t bval);
OptBits opt_bits_unary(IrOpcode opc, unsigned bits, OptBits a);
OptBits opt_bits_extract(bool sign, unsigned bits, OptBits a, unsigned pos, unsigned len);
OptBits opt_bits_deposit(unsigned bits, OptBits base, OptBits val, unsigned pos, unsigned len);

/* 1 / 0 when (a c b) is decided by the known bits (same: a and b are the
 * same temp), -1 when it is not. */
int opt_cond_known(IrCond c, unsigned bits, OptBits a, OptBits b, bool same);

#endif /* FERRY_JIT_OPT_EVAL_H */
