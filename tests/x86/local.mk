# tests/x86/local.mk — x86 front-end tests. Sections: one per helper.

# --- native oracle (tests/x86/native.c, gen*.c, differ.c, insn/) ---
# The native half runs only on an x86-64 host: the CPU is the oracle.
if HOST_X86_64
xt_oracle_native_sources = tests/x86/native.c tests/x86/native.h \
	tests/x86/gen.c tests/x86/gen.h tests/x86/gen-enc.h \
	tests/x86/gen-arith.c tests/x86/gen-move.c tests/x86/gen-ext.c

check_PROGRAMS += tests/x86/test-native
TESTS += tests/x86/test-native
tests_x86_test_native_SOURCES = tests/x86/test-native.c $(xt_oracle_native_sources)
tests_x86_test_native_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_x86_test_native_LDADD = jit/libjit.a $(FERRY_BASE_LIBS) $(TEST_LIBS)
endif

# Hand-written instruction tests: nasm listings made at build time carry
# each test's bytes next to its `;>` header lines (see tests/x86/README).
xt_insn_asm = tests/x86/insn/alu.asm tests/x86/insn/atomic.asm \
	tests/x86/insn/bitops.asm tests/x86/insn/branch.asm tests/x86/insn/cc.asm \
	tests/x86/insn/move.asm tests/x86/insn/muldiv.asm tests/x86/insn/shift.asm \
	tests/x86/insn/stack.asm
xt_insn_lst = $(xt_insn_asm:.asm=.lst)
# Tests of the translator bugs known today: built, not run by check
# (tests/x86/insn-run tests/x86/insn-bugs).
xt_insn_bugs_asm = tests/x86/insn-bugs/bugs.asm
xt_insn_bugs_lst = $(xt_insn_bugs_asm:.asm=.lst)
EXTRA_DIST += $(xt_insn_asm) $(xt_insn_bugs_asm) tests/x86/README
CLEANFILES += $(xt_insn_lst) $(xt_insn_bugs_lst)

tests/x86/insn/%.lst: $(srcdir)/tests/x86/insn/%.asm
	@$(MKDIR_P) tests/x86/insn
	$(AM_V_GEN)if test -n "$(NASM)"; then \
	  $(NASM) -f bin -o /dev/null -l $@ $<; else : > $@; fi
tests/x86/insn-bugs/%.lst: $(srcdir)/tests/x86/insn-bugs/%.asm
	@$(MKDIR_P) tests/x86/insn-bugs
	$(AM_V_GEN)if test -n "$(NASM)"; then \
	  $(NASM) -f bin -o /dev/null -l $@ $<; else : > $@; fi

if HOST_X86_64
check_PROGRAMS += tests/x86/insn-run
TESTS += tests/x86/insn-run
tests_x86_insn_run_SOURCES = tests/x86/insn-run.c $(xt_oracle_native_sources)
tests_x86_insn_run_CPPFLAGS = $(AM_CPPFLAGS) \
	-DXT_INSN_DIR=\"$(abs_builddir)/tests/x86/insn\"
tests_x86_insn_run_LDADD = jit/libjit.a $(FERRY_BASE_LIBS)
EXTRA_tests_x86_insn_run_DEPENDENCIES = $(xt_insn_lst) $(xt_insn_bugs_lst)
endif
