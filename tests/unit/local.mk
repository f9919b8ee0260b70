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
check_PROGRAMS += tests/unit/test-opt
TESTS += tests/unit/test-opt
tests_unit_test_opt_SOURCES = tests/unit/test-opt.c tests/unit/test-opt-random.c \
	tests/unit/test-opt.h
tests_unit_test_opt_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_opt_LDADD = jit/libjit.a $(FERRY_BASE_LIBS) $(TEST_LIBS)

# --- jit: interpreter ---

# --- jit: register allocator and exec ---

# --- frontend-x86 ---

# --- backends ---
# arm64 encoder: capstone comparison and bitmask brute force.
check_PROGRAMS += tests/unit/test-a64-enc
TESTS += tests/unit/test-a64-enc
tests_unit_test_a64_enc_SOURCES = tests/unit/test-a64-enc.c \
	tests/unit/a64-test-util.c tests/unit/a64-test-util.h
tests_unit_test_a64_enc_LDADD = backend-arm64/liba64.a $(TEST_LIBS) \
	$(FERRY_BASE_LIBS)

# arm64 emitted programs run as standalone ELF files under qemu-aarch64.
check_PROGRAMS += tests/unit/test-a64-run
TESTS += tests/unit/test-a64-run
tests_unit_test_a64_run_SOURCES = tests/unit/test-a64-run.c
tests_unit_test_a64_run_CPPFLAGS = $(AM_CPPFLAGS) \
	-DQEMU_AARCH64=\"$(QEMU_AARCH64)\" \
	-DFERRY_TEST_WRAPPER=\"$(TEST_WRAPPER)\"
tests_unit_test_a64_run_LDADD = backend-arm64/liba64.a $(TEST_LIBS) \
	$(FERRY_BASE_LIBS)

# --- linux-user ---

# --- system / hw ---
