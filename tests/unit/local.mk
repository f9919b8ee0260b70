# tests/unit/local.mk — Check unit tests, one runner per module. Each
# section below belongs to one module; add a runner to TESTS in its section.

# --- jit: text form and verifier ---

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

# --- linux-user ---

# --- system / hw ---
