# tests/unit/local.mk — Check unit tests, one runner per module. Each
# section below belongs to one module; add a runner to TESTS in its section.

# --- jit: text form and verifier ---

# --- jit: optimizer ---

# --- jit: interpreter ---

# --- jit: register allocator and exec ---
check_PROGRAMS += tests/unit/test-regalloc
TESTS += tests/unit/test-regalloc
tests_unit_test_regalloc_SOURCES = tests/unit/test-regalloc.c
tests_unit_test_regalloc_LDADD = jit/libjit.a $(FERRY_BASE_LIBS) $(TEST_LIBS)

# --- frontend-x86 ---

# --- backends ---
check_PROGRAMS += tests/unit/test-x64-enc
TESTS += tests/unit/test-x64-enc
tests_unit_test_x64_enc_SOURCES = tests/unit/test-x64-enc.c
tests_unit_test_x64_enc_LDADD = backend-x86_64/libbackend-x64.a $(FERRY_BASE_LIBS) $(TEST_LIBS)
if HOST_X86_64
check_PROGRAMS += tests/unit/test-x64-backend
TESTS += tests/unit/test-x64-backend
tests_unit_test_x64_backend_SOURCES = tests/unit/test-x64-backend.c
tests_unit_test_x64_backend_LDADD = backend-x86_64/libbackend-x64.a jit/libjit.a \
	$(FERRY_BASE_LIBS) $(TEST_LIBS)
check_PROGRAMS += tests/unit/test-x64-random
TESTS += tests/unit/test-x64-random
tests_unit_test_x64_random_SOURCES = tests/unit/test-x64-random.c
tests_unit_test_x64_random_LDADD = backend-x86_64/libbackend-x64.a jit/libjit.a \
	$(FERRY_BASE_LIBS) $(TEST_LIBS)
endif

# --- linux-user ---

# --- system / hw ---
