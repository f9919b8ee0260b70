# tests/ir/local.mk — backend conformance: the test machine (harness), the
# random-IR differential tester (fuzz; a fixed-seed slice runs in make
# check, `tests/ir/fuzz --seconds N` for longer) and the textual IR
# conformance suite (run-conformance over tests/ir/*.ir).

# Native backends join the table in harness.c when their library is built:
# add -DFERRY_TEST_X86_64 and the library to these two variables, e.g. once
# backend-x86_64 is in the build:
#   (done for x86-64 below)
#   tests_ir_backend_cppflags += -DFERRY_TEST_X86_64
#   tests_ir_backend_libs += backend-x86_64/libbackend-x64.a
#   endif
tests_ir_backend_cppflags =
tests_ir_backend_libs =
if HOST_X86_64
tests_ir_backend_cppflags += -DFERRY_TEST_X86_64
tests_ir_backend_libs += backend-x86_64/libbackend-x64.a
endif
if HOST_ARM64
tests_ir_backend_cppflags += -DFERRY_TEST_ARM64
tests_ir_backend_libs += backend-arm64/liba64.a
endif
if HOST_LOONGARCH64
tests_ir_backend_cppflags += -DFERRY_TEST_LOONGARCH64
tests_ir_backend_libs += backend-loongarch/libla64.a
endif

tests_ir_harness_sources = tests/ir/harness.c tests/ir/harness.h

check_PROGRAMS += tests/ir/fuzz
TESTS += tests/ir/fuzz
tests_ir_fuzz_SOURCES = tests/ir/fuzz.c tests/ir/reference.c tests/ir/ref-value.c tests/ir/ref-value.h $(tests_ir_harness_sources)
tests_ir_fuzz_CPPFLAGS = $(AM_CPPFLAGS) $(tests_ir_backend_cppflags)
tests_ir_fuzz_LDADD = $(tests_ir_backend_libs) jit/libjit.a $(FERRY_BASE_LIBS)

check_PROGRAMS += tests/ir/run-conformance
TESTS += tests/ir/run-conformance
tests_ir_run_conformance_SOURCES = tests/ir/run-conformance.c $(tests_ir_harness_sources)
tests_ir_run_conformance_CPPFLAGS = $(AM_CPPFLAGS) $(tests_ir_backend_cppflags)
tests_ir_run_conformance_LDADD = $(tests_ir_backend_libs) jit/libjit.a $(FERRY_BASE_LIBS)
EXTRA_DIST += tests/ir/README.md \
	$(patsubst $(srcdir)/%,%,$(wildcard $(srcdir)/tests/ir/*.ir))

# ---------------------------------------------------------------------------
# loongarch64 backend (la64lower): the conformance suite and a fixed-seed
# fuzz slice as standalone executables under qemu-loongarch64 (no
# loongarch64 C library here); la64-batch.c builds and runs them.
tests_ir_la64_sources = tests/ir/la64-batch.c tests/ir/la64-batch.h $(tests_ir_harness_sources)
tests_ir_la64_cppflags = $(AM_CPPFLAGS) $(tests_ir_backend_cppflags) \
	-DQEMU_LOONGARCH64=\"$(QEMU_LOONGARCH64)\"
tests_ir_la64_libs = backend-loongarch/libla64.a $(tests_ir_backend_libs) jit/libjit.a \
	$(FERRY_BASE_LIBS)

check_PROGRAMS += tests/ir/run-la64
TESTS += tests/ir/run-la64
tests_ir_run_la64_SOURCES = tests/ir/run-la64.c $(tests_ir_la64_sources)
tests_ir_run_la64_CPPFLAGS = $(tests_ir_la64_cppflags)
tests_ir_run_la64_LDADD = $(tests_ir_la64_libs)

check_PROGRAMS += tests/ir/fuzz-la64
TESTS += tests/ir/fuzz-la64
tests_ir_fuzz_la64_SOURCES = tests/ir/fuzz-la64.c tests/ir/reference.c tests/ir/ref-value.c tests/ir/ref-value.h $(tests_ir_la64_sources)
tests_ir_fuzz_la64_CPPFLAGS = $(tests_ir_la64_cppflags)
tests_ir_fuzz_la64_LDADD = $(tests_ir_la64_libs)

# x86 snippets: real front end -> loongarch64 backend under qemu, compared
# with native execution (so x86-64 hosts only).
if HOST_X86_64
check_PROGRAMS += tests/ir/x86-la64
TESTS += tests/ir/x86-la64
tests_ir_x86_la64_SOURCES = tests/ir/x86-la64.c tests/ir/la64-batch.c tests/ir/la64-batch.h
tests_ir_x86_la64_CPPFLAGS = $(tests_ir_la64_cppflags)
tests_ir_x86_la64_LDADD = $(FRONTEND_X86_LIBS) backend-loongarch/libla64.a \
	backend-x86_64/libbackend-x64.a jit/libjit.a $(FERRY_BASE_LIBS)
endif

# The suite again with every guest access tso-marked (parallel mode), on
# arm64 with and without LRCPC (tests/ir/run-tso.sh says how).
dist_noinst_SCRIPTS += tests/ir/run-tso.sh
TESTS += tests/ir/run-tso.sh
