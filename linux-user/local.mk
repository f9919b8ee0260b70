# linux-user/local.mk — ferry-x86_64, the x86-64 Linux user-mode runner.
# liblu.a holds everything that does not depend on translation (loader,
# stack, syscalls) so it can be unit-tested on its own; the binary adds
# main.c and links the translator, engine and backend libraries.
noinst_LIBRARIES += linux-user/liblu.a

linux_user_liblu_a_SOURCES = \
	linux-user/guestmem.c linux-user/guestmem.h \
	linux-user/elfload.c linux-user/elfload.h \
	linux-user/stack.c linux-user/stack.h \
	linux-user/binfmt-script.c linux-user/binfmt-script.h \
	linux-user/procfs.c linux-user/procfs-cpuinfo.c linux-user/procfs.h \
	linux-user/vdso.c linux-user/vdso.h linux-user/vdso-image.c
EXTRA_DIST += linux-user/vdso-x86_64.asm scripts/gen-vdso-image

linux_user_liblu_a_SOURCES += \
	linux-user/syscall.c linux-user/syscall.h linux-user/syscall-int.h \
	linux-user/syscall-nr.h linux-user/syscall-file.c linux-user/syscall-stat.c \
	linux-user/syscall-mem.c linux-user/syscall-proc.c linux-user/syscall-cred.c linux-user/syscall-time.c \
	linux-user/syscall-exec.c linux-user/syscall-layout.c linux-user/syscall-signal.c \
	linux-user/syscall-net.c linux-user/syscall-misc.c \
	linux-user/signal.c linux-user/signal.h \
	linux-user/safe-syscall.c linux-user/safe-syscall.h linux-user/safe-syscall-stub.S

# The runner: liblu.a plus the translator, engine and this host's native
# backend as jit/local.mk selects it for ferry-ir (the IR interpreter on
# hosts without one).
bin_PROGRAMS += ferry-x86_64
ferry_x86_64_SOURCES = linux-user/main.c linux-user/cpuloop.c linux-user/cpuloop.h \
	linux-user/thread.c linux-user/signal-frame.c linux-user/signal-frame.h
ferry_x86_64_CPPFLAGS = $(AM_CPPFLAGS) $(jit_native_backend_cppflags)
ferry_x86_64_LDADD = linux-user/liblu.a $(FRONTEND_X86_LIBS) \
	$(jit_native_backend_lib) jit/libjit.a $(FERRY_BASE_LIBS)

# binfmt_misc registration, installed next to ferry-x86_64 (docs/linux-user.md).
dist_bin_SCRIPTS = scripts/ferry-binfmt
