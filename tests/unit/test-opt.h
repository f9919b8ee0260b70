/*
 * test-opt.h — shared fixture of the optimizer unit tests
 * (tests/unit/test-opt.c for directed cases, test-opt-random.c for the
 * randomized before/after comparison).
 */
#ifndef FERRY_TESTS_UNIT_TEST_OPT_H
#define FERRY_TESTS_UNIT_TEST_OPT_H

#include <check.h>

#include "jit/ir.h"

#define TEST_NB_G 4     /* i64 globals g0..g3 */
#define TEST_NB_W 2     /* i32 globals w0..w1 */

/* Globals registered in every fresh context by test_opt_context(). */
extern IrTempIdx test_g[TEST_NB_G], test_w[TEST_NB_W];

/* A context with the globals above (env offsets: g at 8*i, w at 64+4*i). */
IrContext *test_opt_context(void);

Suite *opt_random_suite(void);

#endif /* FERRY_TESTS_UNIT_TEST_OPT_H */
