# tests/x86/local.mk — x86 front-end tests: decoder cross-checks against
# capstone, decoder unit tests, the guard-page random-bytes run. The
# libFuzzer target is built by `make fuzz-decode` (clang-16), not by check.

check_PROGRAMS += tests/x86/test-decode-capstone
TESTS += tests/x86/test-decode-capstone
tests_x86_test_decode_capstone_SOURCES = tests/x86/test-decode-capstone.c
tests_x86_test_decode_capstone_LDADD = frontend-x86/libfrontend.a \
	$(CAPSTONE_LIBS)
tests_x86_test_decode_capstone_SOURCES += tests/x86/native-probe.c \
	tests/x86/native-probe.h

check_PROGRAMS += tests/x86/test-decode
TESTS += tests/x86/test-decode
tests_x86_test_decode_SOURCES = tests/x86/test-decode.c
tests_x86_test_decode_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_x86_test_decode_LDADD = frontend-x86/libfrontend.a $(CHECK_LIBS)

check_PROGRAMS += tests/x86/test-decode-random
TESTS += tests/x86/test-decode-random
tests_x86_test_decode_random_SOURCES = tests/x86/test-decode-random.c \
	tests/x86/decode-invariants.h
tests_x86_test_decode_random_LDADD = frontend-x86/libfrontend.a

# libFuzzer target (clang-16, ASan): `make fuzz-decode`, then run
#   tests/x86/fuzz-decode -max_total_time=300 tests/x86/fuzz-corpus
EXTRA_DIST += tests/x86/fuzz-decode.c
FUZZ_CC = clang-16
fuzz-decode: tests/x86/fuzz-decode
tests/x86/fuzz-decode: $(srcdir)/tests/x86/fuzz-decode.c \
		$(srcdir)/tests/x86/decode-invariants.h \
		$(addprefix $(srcdir)/,$(frontend_x86_decode_sources))
	@mkdir -p tests/x86
	$(FUZZ_CC) -g -O1 -std=gnu11 -fsanitize=fuzzer,address,undefined \
		-I$(top_srcdir) -I$(top_builddir) -D_GNU_SOURCE -o $@ \
		$(srcdir)/tests/x86/fuzz-decode.c \
		$(addprefix $(srcdir)/,$(filter %.c,$(frontend_x86_decode_sources)))
.PHONY: fuzz-decode
CLEANFILES += tests/x86/fuzz-decode

check_PROGRAMS += tests/x86/test-decode-native
TESTS += tests/x86/test-decode-native
tests_x86_test_decode_native_SOURCES = tests/x86/test-decode-native.c \
	tests/x86/native-probe.c tests/x86/native-probe.h
tests_x86_test_decode_native_LDADD = frontend-x86/libfrontend.a

# ---- SSE helpers (branch sse) ------------------------------------------
# Every SSE helper against the same instruction run natively on this CPU.
check_PROGRAMS += tests/x86/test-sse
TESTS += tests/x86/test-sse
tests_x86_test_sse_SOURCES = tests/x86/test-sse.c tests/x86/sse-native.h
tests_x86_test_sse_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_x86_test_sse_LDADD = frontend-x86/libx86sse.a frontend-x86/libfrontend.a \
	$(CHECK_LIBS) -lm
tests_x86_test_sse_CPPFLAGS = $(AM_CPPFLAGS) -DQEMU_AARCH64=\"$(QEMU_AARCH64)\" \
	-DSSE_REPLAY_A64=\"$(abs_builddir)/tests/x86/sse-replay-a64\"
EXTRA_tests_x86_test_sse_DEPENDENCIES = tests/x86/sse-replay-a64
check_PROGRAMS += tests/x86/test-sse-int
TESTS += tests/x86/test-sse-int
tests_x86_test_sse_int_SOURCES = tests/x86/test-sse-int.c tests/x86/sse-native.h
tests_x86_test_sse_int_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_x86_test_sse_int_LDADD = frontend-x86/libx86sse.a frontend-x86/libfrontend.a \
	$(CHECK_LIBS)
# The float helpers built for arm64 (static, run under qemu-aarch64 by
# test-sse). Without the cross compiler the file is left empty and that
# test case says it skipped.
AARCH64_CC = aarch64-linux-gnu-gcc
sse_replay_sources = tests/x86/sse-replay.c tests/x86/sse-replay.h \
	$(frontend_x86_sse_helper_sources)
EXTRA_DIST += tests/x86/sse-replay.c tests/x86/sse-replay.h
CLEANFILES += tests/x86/sse-replay-a64
tests/x86/sse-replay-a64: $(addprefix $(srcdir)/,$(sse_replay_sources))
	@$(MKDIR_P) tests/x86
	$(AM_V_GEN)if command -v $(AARCH64_CC) >/dev/null 2>&1; then \
	  $(AARCH64_CC) -static -O1 -std=gnu11 -D_GNU_SOURCE -frounding-math \
	    -fsignaling-nans -I$(top_srcdir) -I$(top_builddir) -o $@ \
	    $(addprefix $(srcdir)/,$(filter %.c,$(sse_replay_sources))) -lm; \
	else : > $@; fi

# The native-vs-ferry SSE run for the oracle's runners (not built yet:
# needs tests/x86/native.c and ferry-run.c from branch oracle and a backend).
EXTRA_DIST += tests/x86/sse-oracle.c tests/x86/sse-oracle-snips.h

# Every SSE form through the translator: no #UD fallback, IR passes
# ir_verify. It builds the translator core from its sources because no
# library holds it yet.
check_PROGRAMS += tests/x86/test-sse-ir
TESTS += tests/x86/test-sse-ir
tests_x86_test_sse_ir_SOURCES = tests/x86/test-sse-ir.c \
	frontend-x86/alu.c frontend-x86/atomic.c frontend-x86/bitops.c \
	frontend-x86/bmi.c frontend-x86/branch.c frontend-x86/cc.c \
	frontend-x86/flags.c frontend-x86/misc.c frontend-x86/move.c \
	frontend-x86/muldiv.c frontend-x86/operand.c frontend-x86/shift.c \
	frontend-x86/stack.c frontend-x86/string.c frontend-x86/system.c \
	frontend-x86/translate.c
tests_x86_test_sse_ir_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_x86_test_sse_ir_LDADD = frontend-x86/libx86ssetr.a frontend-x86/libx86sse.a \
	frontend-x86/libfrontend.a jit/libjit.a $(CHECK_LIBS) $(GLIB_LIBS) \
	$(URCU_LIBS) -lm
