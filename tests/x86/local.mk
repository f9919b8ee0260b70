# tests/x86/local.mk — x86 front-end tests. Sections: one per helper.

# --- native oracle (tests/x86/native.c, gen*.c, differ.c, insn/) ---
# The native half runs only on an x86-64 host: the CPU is the oracle.
if HOST_X86_64
xt_oracle_native_sources = tests/x86/native.c tests/x86/native.h \
	tests/x86/gen.c tests/x86/gen.h tests/x86/gen-enc.h \
	tests/x86/gen-arith.c tests/x86/gen-move.c

check_PROGRAMS += tests/x86/test-native
TESTS += tests/x86/test-native
tests_x86_test_native_SOURCES = tests/x86/test-native.c $(xt_oracle_native_sources)
tests_x86_test_native_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_x86_test_native_LDADD = jit/libjit.a $(FERRY_BASE_LIBS) $(TEST_LIBS)
endif
