# backend-loongarch/local.mk — the loongarch64 host backend: registers and
# instruction encoder, and the standalone-ELF harness that runs emitted code
# under qemu-loongarch64 (no loongarch64 C library needed).
noinst_LIBRARIES += backend-loongarch/libla64.a

backend_loongarch_libla64_a_SOURCES = \
	backend-loongarch/la64-regs.h \
	backend-loongarch/la64-enc.c backend-loongarch/la64-enc.h \
	backend-loongarch/la64-elf.c backend-loongarch/la64-elf.h \
	backend-loongarch/la64-lower.c backend-loongarch/la64-lower.h \
	backend-loongarch/la64-lower-mem.c backend-loongarch/la64-lower-vec.c \
	backend-loongarch/la64-lower-ctl.c backend-loongarch/la64-softmmu.c \
	backend-loongarch/la64-backend.c

# Encoder words checked against llvm-objdump-16; programs run under qemu.
check_PROGRAMS += tests/unit/test-la64-enc tests/unit/test-la64-run
TESTS += tests/unit/test-la64-enc tests/unit/test-la64-run

tests_unit_test_la64_enc_SOURCES = tests/unit/test-la64-enc.c
tests_unit_test_la64_enc_CPPFLAGS = $(AM_CPPFLAGS) -DLLVM_OBJDUMP=\"$(LLVM_OBJDUMP)\"
tests_unit_test_la64_enc_LDADD = backend-loongarch/libla64.a $(TEST_LIBS) $(FERRY_BASE_LIBS)

tests_unit_test_la64_run_SOURCES = tests/unit/test-la64-run.c
tests_unit_test_la64_run_CPPFLAGS = $(AM_CPPFLAGS) -DQEMU_LOONGARCH64=\"$(QEMU_LOONGARCH64)\"
tests_unit_test_la64_run_LDADD = backend-loongarch/libla64.a $(TEST_LIBS) $(FERRY_BASE_LIBS)
