# tests/unit/local.mk — Check unit tests, one runner per module. Each
# section below belongs to one module; add a runner to TESTS in its section.

# --- jit: text form and verifier ---
check_PROGRAMS += tests/unit/test-ir-text tests/unit/test-ir-verify
TESTS += tests/unit/test-ir-text tests/unit/test-ir-verify
tests_unit_test_ir_text_SOURCES = tests/unit/test-ir-text.c tests/unit/ir-test-common.h
tests_unit_test_ir_text_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_ir_text_LDADD = jit/libjit.a $(FERRY_BASE_LIBS) $(TEST_LIBS)
tests_unit_test_ir_verify_SOURCES = tests/unit/test-ir-verify.c tests/unit/ir-test-common.h
tests_unit_test_ir_verify_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_ir_verify_LDADD = jit/libjit.a $(FERRY_BASE_LIBS) $(TEST_LIBS)

# --- jit: optimizer ---

# --- jit: interpreter ---
check_PROGRAMS += tests/unit/test-interp
TESTS += tests/unit/test-interp
tests_unit_test_interp_SOURCES = tests/unit/test-interp.c \
	tests/ir/harness.c tests/ir/harness.h
tests_unit_test_interp_LDADD = jit/libjit.a $(FERRY_BASE_LIBS) $(CHECK_LIBS)

# --- jit: register allocator and exec ---

# --- frontend-x86 ---

# --- backends ---

# --- linux-user ---

# --- system / hw ---
