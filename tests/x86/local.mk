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

# --- native oracle (tests/x86/native.c, gen*.c, differ.c, insn/) ---
# Runs only on an x86-64 host: the CPU is the oracle. See tests/x86/README.
if HOST_X86_64
xt_oracle_native_sources = tests/x86/native.c tests/x86/native.h \
	tests/x86/gen.c tests/x86/gen.h tests/x86/gen-enc.h \
	tests/x86/gen-arith.c tests/x86/gen-move.c tests/x86/gen-ext.c \
	tests/x86/gen-x87.c tests/x86/gen-mmx.c tests/x86/gen-crypto.c \
	tests/x86/gen-xsave.c

check_PROGRAMS += tests/x86/test-native
TESTS += tests/x86/test-native
tests_x86_test_native_SOURCES = tests/x86/test-native.c $(xt_oracle_native_sources)
tests_x86_test_native_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_x86_test_native_LDADD = jit/libjit.a $(FERRY_BASE_LIBS) $(TEST_LIBS)

# The ferry half: the translator on the interpreter and the x86-64 backend.
xt_oracle_ferry_sources = tests/x86/ferry-run.c tests/x86/ferry-run.h
xt_oracle_ferry_libs = $(FRONTEND_X86_LIBS) backend-x86_64/libbackend-x64.a \
	jit/libjit.a $(FERRY_BASE_LIBS)

check_PROGRAMS += tests/x86/differ
TESTS += tests/x86/differ
tests_x86_differ_SOURCES = tests/x86/differ.c $(xt_oracle_ferry_sources) \
	$(xt_oracle_native_sources)
tests_x86_differ_LDADD = $(xt_oracle_ferry_libs)
endif

# Hand-written instruction tests: nasm listings made at build time carry
# each test's bytes next to its `;>` header lines (see tests/x86/README).
xt_insn_asm = tests/x86/insn/alu.asm tests/x86/insn/atomic.asm \
	tests/x86/insn/bitops.asm tests/x86/insn/branch.asm tests/x86/insn/cc.asm \
	tests/x86/insn/move.asm tests/x86/insn/muldiv.asm tests/x86/insn/shift.asm \
	tests/x86/insn/stack.asm tests/x86/insn/regressions.asm \
	tests/x86/insn/x87.asm tests/x86/insn/mmx.asm tests/x86/insn/crypto.asm \
	tests/x86/insn/segment.asm
xt_insn_lst = $(xt_insn_asm:.asm=.lst)
EXTRA_DIST += $(xt_insn_asm) tests/x86/README
CLEANFILES += $(xt_insn_lst)

tests/x86/insn/%.lst: $(srcdir)/tests/x86/insn/%.asm
	@$(MKDIR_P) tests/x86/insn
	$(AM_V_GEN)if test -n "$(NASM)"; then \
	  $(NASM) -f bin -o /dev/null -l $@ $<; else : > $@; fi

if HOST_X86_64
check_PROGRAMS += tests/x86/insn-run
TESTS += tests/x86/insn-run
tests_x86_insn_run_SOURCES = tests/x86/insn-run.c $(xt_oracle_ferry_sources) \
	$(xt_oracle_native_sources)
tests_x86_insn_run_CPPFLAGS = $(AM_CPPFLAGS) -DXT_WITH_FERRY \
	-DXT_INSN_DIR=\"$(abs_builddir)/tests/x86/insn\"
tests_x86_insn_run_LDADD = $(xt_oracle_ferry_libs)
EXTRA_tests_x86_insn_run_DEPENDENCIES = $(xt_insn_lst)
endif

# --- x87 (helper x87): softfloat80 against the host FPU ---
check_PROGRAMS += tests/x86/test-softfloat80
TESTS += tests/x86/test-softfloat80
tests_x86_test_softfloat80_SOURCES = tests/x86/test-softfloat80.c
tests_x86_test_softfloat80_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_x86_test_softfloat80_LDADD = frontend-x86/libfrontend.a $(CHECK_LIBS) -lm

# ---- SSE ---------------------------------------------------------------------
# Every SSE helper against the same instruction run natively on this CPU
# (x86-64 hosts; the arm64 replay below carries the results elsewhere).
if HOST_X86_64
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


# SSE snippets natively and under ferry through the oracle's runners.
check_PROGRAMS += tests/x86/sse-oracle
TESTS += tests/x86/sse-oracle
tests_x86_sse_oracle_SOURCES = tests/x86/sse-oracle.c tests/x86/sse-oracle-snips.h \
	$(xt_oracle_ferry_sources) $(xt_oracle_native_sources)
tests_x86_sse_oracle_LDADD = $(xt_oracle_ferry_libs)

# Every SSE form through the translator: no #UD fallback, IR passes
# ir_verify (it checks CRC32 against the host instruction too).
check_PROGRAMS += tests/x86/test-sse-ir
TESTS += tests/x86/test-sse-ir
tests_x86_test_sse_ir_SOURCES = tests/x86/test-sse-ir.c
tests_x86_test_sse_ir_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_x86_test_sse_ir_LDADD = $(FRONTEND_X86_LIBS) jit/libjit.a $(FERRY_BASE_LIBS) $(CHECK_LIBS)

# The exported XSAVE API (xsave.h) against XSAVE/XSAVEC/XRSTOR on the host.
check_PROGRAMS += tests/x86/test-xsave
TESTS += tests/x86/test-xsave
tests_x86_test_xsave_SOURCES = tests/x86/test-xsave.c
tests_x86_test_xsave_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_x86_test_xsave_LDADD = $(FRONTEND_X86_LIBS) jit/libjit.a $(FERRY_BASE_LIBS) $(CHECK_LIBS)
endif

# AES-NI and PCLMULQDQ helpers on FIPS-197 known answers, on every host.
check_PROGRAMS += tests/x86/test-crypto-kat
TESTS += tests/x86/test-crypto-kat
tests_x86_test_crypto_kat_SOURCES = tests/x86/test-crypto-kat.c
tests_x86_test_crypto_kat_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_x86_test_crypto_kat_LDADD = frontend-x86/libx86sse.a $(CHECK_LIBS)

# ---- guest programs: CPU models (-cpu), int 0x80 ------------------------------
# Built by the build machine's x86-64 tools whatever the host is (a static
# glibc C guest, a nasm one), run by run-guests.sh.
XT_GUESTS = tests/x86/guest/cpu-models tests/x86/guest/int80
tests/x86/guest/cpu-models: $(srcdir)/tests/x86/guest/cpu-models.c
	@$(MKDIR_P) $(@D)
	$(AM_V_GEN)gcc -O1 -static -o $@ $<
tests/x86/guest/int80: $(srcdir)/tests/x86/guest/int80.asm
	@$(MKDIR_P) $(@D)
	$(AM_V_GEN)$(NASM) -f elf64 -o $@.o $< && ld -m elf_x86_64 -o $@ $@.o
CLEANFILES += $(XT_GUESTS) tests/x86/guest/int80.o
EXTRA_DIST += tests/x86/guest/cpu-models.c tests/x86/guest/int80.asm \
	tests/x86/run-guests.sh
TESTS += tests/x86/run-guests.sh
EXTRA_tests_x86_test_decode_DEPENDENCIES = $(XT_GUESTS)
