# tests/linux-user/local.mk — unit tests of the linux-user pieces (loader,
# stack, syscall conversions) and the end-to-end guest program runs.
LU_TEST_LDADD = linux-user/liblu.a jit/libjit.a $(FERRY_BASE_LIBS) $(TEST_LIBS)

check_PROGRAMS += tests/linux-user/test-elfload tests/linux-user/test-stack
TESTS += tests/linux-user/test-elfload tests/linux-user/test-stack
tests_linux_user_test_elfload_SOURCES = tests/linux-user/test-elfload.c
tests_linux_user_test_elfload_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_linux_user_test_elfload_LDADD = $(LU_TEST_LDADD)
tests_linux_user_test_stack_SOURCES = tests/linux-user/test-stack.c
tests_linux_user_test_stack_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_linux_user_test_stack_LDADD = $(LU_TEST_LDADD)

check_PROGRAMS += tests/linux-user/test-syscall tests/linux-user/test-guestmem
TESTS += tests/linux-user/test-syscall tests/linux-user/test-guestmem
tests_linux_user_test_guestmem_SOURCES = tests/linux-user/test-guestmem.c
tests_linux_user_test_guestmem_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_linux_user_test_guestmem_LDADD = $(LU_TEST_LDADD)
tests_linux_user_test_syscall_SOURCES = tests/linux-user/test-syscall.c
tests_linux_user_test_syscall_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_linux_user_test_syscall_LDADD = $(LU_TEST_LDADD)

# End-to-end: nasm guest programs run under ferry-x86_64 and compared with
# a reference run (skipped while the binary is not built). The script
# runs from the top of the build tree, where its default paths point.
LU_GUEST_PROGS = tests/linux-user/guest/hello tests/linux-user/guest/exit42 \
	tests/linux-user/guest/loop tests/linux-user/guest/arith \
	tests/linux-user/guest/args tests/linux-user/guest/ud2 \
	tests/linux-user/guest/brk tests/linux-user/guest/segv \
	tests/linux-user/guest/hello-pie tests/linux-user/guest/sysc \
	tests/linux-user/guest/smc tests/linux-user/guest/forkexec
CLEANFILES += $(LU_GUEST_PROGS) $(LU_GUEST_PROGS:=.o)
EXTRA_DIST += tests/linux-user/guest/hello.asm tests/linux-user/guest/exit42.asm \
	tests/linux-user/guest/loop.asm tests/linux-user/guest/arith.asm \
	tests/linux-user/guest/args.asm tests/linux-user/guest/ud2.asm \
	tests/linux-user/guest/brk.asm tests/linux-user/guest/segv.asm \
	tests/linux-user/guest/sysc.c tests/linux-user/guest/smc.asm \
	tests/linux-user/guest/forkexec.asm tests/linux-user/guest/sigtest.c \
	tests/linux-user/run-e2e.sh tests/linux-user/run-e2e-host.sh tests/linux-user/e2e-common.sh \
	tests/linux-user/run-e2e-signals.sh
TESTS += tests/linux-user/run-e2e.sh tests/linux-user/run-e2e-host.sh \
	tests/linux-user/run-e2e-signals.sh
# Built with the check programs (before any test runs).
EXTRA_tests_linux_user_test_syscall_DEPENDENCIES = $(LU_GUEST_PROGS)
# Shell-script tests run under the shell even in a cross build (where
# LOG_COMPILER is the target's qemu-user): the .sh extension gets its own.
TEST_EXTENSIONS = .sh
SH_LOG_COMPILER = $(SHELL)

# The same hello as a static PIE (ET_DYN without an interpreter).
tests/linux-user/guest/hello-pie: tests/linux-user/guest/hello
	$(AM_V_GEN)ld -m elf_x86_64 -pie --no-dynamic-linker -o $@ tests/linux-user/guest/hello.o

# A freestanding C guest (no libc, no SSE), compiled by the build machine's
# x86-64 gcc whatever the host is.
tests/linux-user/guest/sysc: $(srcdir)/tests/linux-user/guest/sysc.c
	@$(MKDIR_P) $(@D)
	$(AM_V_GEN)gcc -O1 -static -nostdlib -fno-pie -no-pie -mgeneral-regs-only \
		-ffreestanding -fno-builtin -fno-stack-protector -fcf-protection=none \
		-fno-tree-loop-distribute-patterns -o $@ $<

tests/linux-user/guest/%: $(srcdir)/tests/linux-user/guest/%.asm
	@$(MKDIR_P) $(@D)
	$(AM_V_GEN)$(NASM) -f elf64 -o $@.o $< && ld -m elf_x86_64 -o $@ $@.o

# Guest threads (linux-user/thread.c): multi-threaded C programs built at
# test time by the build machine's gcc, xz -T2 and python3 threading,
# compared with native runs.
EXTRA_DIST += tests/linux-user/run-e2e-threads.sh tests/linux-user/guest/thr-basic.c \
	tests/linux-user/guest/thr-sync.c tests/linux-user/guest/thr-exit.c \
	tests/linux-user/guest/thr-fork.c tests/linux-user/guest/thr-xmc.c
TESTS += tests/linux-user/run-e2e-threads.sh

# Bad input for the loader: truncated, malformed, foreign and
# interpreter-less programs made from guest/exit42 (run-elf-fuzz.sh).
EXTRA_DIST += tests/linux-user/run-elf-fuzz.sh
TESTS += tests/linux-user/run-elf-fuzz.sh

# The guest's /proc/self views and vDSO against a native run (run-procfs.sh).
EXTRA_DIST += tests/linux-user/run-procfs.sh tests/linux-user/guest/procself.c \
	tests/linux-user/guest/vdso.c
TESTS += tests/linux-user/run-procfs.sh
EXTRA_DIST += tests/linux-user/check-vdso-image.sh
TESTS += tests/linux-user/check-vdso-image.sh

# binfmt_misc for real (root only; skipped otherwise): scripts/ferry-binfmt
# and ferry-x86_64's P and O handling (run-binfmt.sh).
EXTRA_DIST += tests/linux-user/run-binfmt.sh
TESTS += tests/linux-user/run-binfmt.sh

# libFuzzer target for the ELF loader (clang-16, ASan): `make fuzz-elfload`,
# then tests/linux-user/fuzz-elfload -max_total_time=300 CORPUS-DIR (seed
# it with a few small programs, e.g. tests/linux-user/guest/*).
EXTRA_DIST += tests/linux-user/fuzz-elfload.c
fuzz-elfload: tests/linux-user/fuzz-elfload
tests/linux-user/fuzz-elfload: $(srcdir)/tests/linux-user/fuzz-elfload.c \
		$(srcdir)/linux-user/elfload.c $(srcdir)/linux-user/guestmem.c
	@mkdir -p tests/linux-user
	$(FUZZ_CC) -g -O1 -std=gnu11 -fsanitize=fuzzer,address,undefined \
		-I$(top_srcdir) -I$(top_builddir) -D_GNU_SOURCE $(GLIB_CFLAGS) -o $@ \
		$(srcdir)/tests/linux-user/fuzz-elfload.c $(srcdir)/linux-user/elfload.c \
		$(srcdir)/linux-user/guestmem.c $(srcdir)/jit/fatal.c $(GLIB_LIBS) -lpthread
.PHONY: fuzz-elfload
CLEANFILES += tests/linux-user/fuzz-elfload

# The arm64 cross build's ferry on 16K and 64K host pages (qemu-aarch64's
# -p); a skip elsewhere.
TESTS += tests/linux-user/run-e2e-pages.sh
EXTRA_DIST += tests/linux-user/run-e2e-pages.sh

# Real programs from the system (busybox, coreutils, bash, python3, perl,
# sqlite3, make, gcc compiling and linking, a Java program) against their
# native runs; each skipped when absent (run-e2e-programs.sh).
EXTRA_DIST += tests/linux-user/run-e2e-programs.sh
TESTS += tests/linux-user/run-e2e-programs.sh

# Sockets, eventfd/timerfd/inotify, waitid, capget, execveat, splice
# (linux-user/syscall-net.c, syscall-misc.c): a C program built at test
# time, python3 sockets and node, compared with native runs.
EXTRA_DIST += tests/linux-user/run-e2e-syscalls.sh tests/linux-user/guest/sockets.c
TESTS += tests/linux-user/run-e2e-syscalls.sh
