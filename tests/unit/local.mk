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
	tests/ir/ref-value.c tests/ir/ref-value.h \
	tests/unit/test-opt.h
tests_unit_test_opt_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_unit_test_opt_LDADD = jit/libjit.a $(FERRY_BASE_LIBS) $(TEST_LIBS)

# --- jit: interpreter ---
check_PROGRAMS += tests/unit/test-interp
TESTS += tests/unit/test-interp
tests_unit_test_interp_SOURCES = tests/unit/test-interp.c \
	tests/ir/harness.c tests/ir/harness.h
tests_unit_test_interp_LDADD = jit/libjit.a $(FERRY_BASE_LIBS) $(CHECK_LIBS)

# --- jit: register allocator and exec ---
check_PROGRAMS += tests/unit/test-regalloc
TESTS += tests/unit/test-regalloc
tests_unit_test_regalloc_SOURCES = tests/unit/test-regalloc.c
tests_unit_test_regalloc_LDADD = jit/libjit.a $(FERRY_BASE_LIBS) $(TEST_LIBS)

# The engine through a toy guest, on every backend in the build.
check_PROGRAMS += tests/unit/test-engine
TESTS += tests/unit/test-engine
tests_unit_test_engine_SOURCES = tests/unit/test-engine.c \
	tests/unit/toy-guest.c tests/unit/toy-guest.h
tests_unit_test_engine_CPPFLAGS = $(AM_CPPFLAGS) $(tests_ir_backend_cppflags)
tests_unit_test_engine_LDADD = $(tests_ir_backend_libs) jit/libjit.a $(FERRY_BASE_LIBS) \
	$(CHECK_LIBS)

# --- jit: threads ---
# clang-16 -Wthread-safety over the annotated directories, and the engine's
# threading tests built with clang-16 -fsanitize=thread in a private
# directory (tests/unit/tsan-engine.d) and run; both skip without clang-16
# (its TSan runtime) and in cross builds.
if !CROSS_COMPILING
TESTS += scripts/check-thread-safety tests/unit/tsan-engine.sh
endif
EXTRA_DIST += scripts/check-thread-safety tests/unit/tsan-engine.sh \
	tests/unit/tsan-engine.supp
clean-local: clean-tsan-engine
clean-tsan-engine:
	rm -rf tests/unit/tsan-engine.d
.PHONY: clean-tsan-engine

# The engine under several host threads (translation, chaining, flush in
# an exclusive section, split-atomic links), on every backend in the build.
check_PROGRAMS += tests/unit/test-engine-threads
TESTS += tests/unit/test-engine-threads
tests_unit_test_engine_threads_SOURCES = tests/unit/test-engine-threads.c \
	tests/unit/toy-guest.c tests/unit/toy-guest.h
tests_unit_test_engine_threads_CPPFLAGS = $(AM_CPPFLAGS) $(tests_ir_backend_cppflags)
tests_unit_test_engine_threads_LDADD = $(tests_ir_backend_libs) jit/libjit.a \
	$(FERRY_BASE_LIBS) $(CHECK_LIBS)

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

# arm64 backend run natively (an arm64 host, or qemu-aarch64 as LOG_COMPILER):
# what tests/ir's suites do not cover (split W^X, far env offsets, threads).
if HOST_ARM64
check_PROGRAMS += tests/unit/test-a64-backend
TESTS += tests/unit/test-a64-backend
tests_unit_test_a64_backend_SOURCES = tests/unit/test-a64-backend.c
tests_unit_test_a64_backend_LDADD = backend-arm64/liba64.a jit/libjit.a \
	$(FERRY_BASE_LIBS) $(TEST_LIBS) -lpthread
endif

# x86-64 encoder (capstone) and backend (run natively on an x86-64 host).
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

# --- memory model: tso lowering on arm64 / loongarch64 (llvm-mc-16) ---
# Generates code only; llvm-mc-16 is a build-machine program, so not in a
# cross build (the test binary would run under qemu-user).
if !CROSS_COMPILING
check_PROGRAMS += tests/unit/test-tso-lower
TESTS += tests/unit/test-tso-lower
tests_unit_test_tso_lower_SOURCES = tests/unit/test-tso-lower.c
tests_unit_test_tso_lower_LDADD = backend-arm64/liba64.a backend-loongarch/libla64.a \
	jit/libjit.a $(FERRY_BASE_LIBS) $(TEST_LIBS)
endif

# --- memory model: parallel mode in the engine and the x86 front end ---
check_PROGRAMS += tests/unit/test-parallel-mode
TESTS += tests/unit/test-parallel-mode
tests_unit_test_parallel_mode_SOURCES = tests/unit/test-parallel-mode.c
tests_unit_test_parallel_mode_LDADD = $(FRONTEND_X86_LIBS) jit/libjit.a $(FERRY_BASE_LIBS) \
	$(TEST_LIBS)

# --- memory model: litmus tests (tests/litmus/) ---
# x86-64 guest programs built by the build machine's gcc whatever the host
# is (like tests/linux-user/guest/sysc); the scripts run them natively and
# under ferry-x86_64 (which a cross build runs under qemu-user).
LITMUS_PROGS = tests/litmus/litmus tests/litmus/shared-map
CLEANFILES += $(LITMUS_PROGS)
dist_noinst_SCRIPTS += tests/litmus/run-native.sh tests/litmus/run-ferry.sh \
	tests/litmus/check-tso-ir.sh
EXTRA_DIST += tests/litmus/litmus.c tests/litmus/shared-map.c tests/litmus/common.sh \
	tests/litmus/README.md
TESTS += tests/litmus/run-native.sh tests/litmus/run-ferry.sh tests/litmus/check-tso-ir.sh
tests/litmus/run-native.log: tests/litmus/litmus
tests/litmus/run-ferry.log: tests/litmus/litmus ferry-x86_64
tests/litmus/check-tso-ir.log: tests/litmus/shared-map ferry-x86_64

tests/litmus/litmus: $(srcdir)/tests/litmus/litmus.c
	@$(MKDIR_P) $(@D)
	$(AM_V_GEN)gcc -O2 -static -pthread -o $@ $<

tests/litmus/shared-map: $(srcdir)/tests/litmus/shared-map.c
	@$(MKDIR_P) $(@D)
	$(AM_V_GEN)gcc -O1 -static -nostdlib -fno-pie -no-pie -mgeneral-regs-only \
		-ffreestanding -fno-builtin -fno-stack-protector -fcf-protection=none -o $@ $<
