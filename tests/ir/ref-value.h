/*
 * ref-value.h — the tests' reference semantics of the IR's value ops
 * (arithmetic, shifts, counts, compares, fields, double-width ops),
 * written from docs/ir.md in deliberately plain forms (bit loops, 32-bit
 * limbs), independently of jit/. Shared by the IR fuzzer's evaluator
 * (tests/ir/reference.c) and the optimizer's random self-check
 * (tests/unit/test-opt-random.c).
 */
#ifndef FERRY_TESTS_IR_REF_VALUE_H
#define FERRY_TESTS_IR_REF_VALUE_H

#include <stdbool.h>
#include <stdint.h>

#include "jit/ir.h"

/* All ones in the low `bits` bits; the low `bits` bits of v as signed. */
uint64_t ref_mask(unsigned bits);
int64_t ref_signed(uint64_t v, unsigned bits);

/* Condition c on a and b as `bits`-bit values. */
bool ref_cond(IrCond c, uint64_t a, uint64_t b, unsigned bits);

/* Two-operand ops at width `bits` (add … rotr, clz/ctz with b as the
 * result for a zero input, div/rem: a fixed value when undefined).
 * The result's bits above `bits` are unspecified. */
uint64_t ref_binary(IrOpcode opc, uint64_t a, uint64_t b, unsigned bits);

/* One-operand ops: neg, not, popcnt, bswap16/32/64, and the width
 * changes (in_bits: the source's width). */
uint64_t ref_unary(IrOpcode opc, uint64_t a, unsigned bits, unsigned in_bits);

/* extract/sextract (b unused) and deposit of b into a, at pos/len. */
uint64_t ref_field(IrOpcode opc, uint64_t a, uint64_t b, unsigned pos, unsigned len);

/* mulu2, muls2, addcarry, subborrow: in = { a, b, carry-in }; r0 the low
 * (or sum) result, r1 the high half (or carry/borrow out). */
void ref_pair(IrOpcode opc, const uint64_t in[3], unsigned bits, uint64_t *r0, uint64_t *r1);

#endif
