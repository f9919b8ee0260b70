/*
 * a64-test-util.h — independent arm64 reference code for the encoder
 * tests: the Arm ARM's DecodeBitMasks and an evaluator for the constant
 * sequences a64_movi emits. Written from the architecture pseudo-code, not
 * from the encoder, so the tests have something separate to compare with.
 */
#ifndef FERRY_TESTS_UNIT_A64_TEST_UTIL_H
#define FERRY_TESTS_UNIT_A64_TEST_UTIL_H

#include <stdbool.h>
#include <stdint.h>

/* DecodeBitMasks(N, imms, immr, immediate=TRUE) for a 64-bit (sf) or
 * 32-bit register: store the value in *out and return true, or false for a
 * reserved/undefined combination. */
bool a64t_decode_bitmask(bool sf, int n, int immr, int imms, uint64_t *out);

/* Evaluate `len` instruction words that must each be MOVZ, MOVN, MOVK or
 * ORR (immediate) with Rn = ZR, all writing register rd with width sf.
 * Store the final register value in *out; false if a word is anything
 * else. */
bool a64t_eval_movi(const uint32_t *insn, int len, bool sf, int rd,
                    uint64_t *out);

#endif
