# jit/local.mk — the shared JIT core: IR, passes, register allocator, code
# cache, TB management, exec loop, softmmu TLB, interpreter backend.
# One variable per concern so that each can grow without touching the others.
noinst_LIBRARIES += jit/libjit.a

jit_core_sources = \
	jit/fatal.c jit/fatal.h \
	jit/ir.c jit/ir.h jit/ir-ops.h

# text form and verifier
jit_text_sources = \
	jit/ir-text.h jit/ir-print.c jit/ir-parse.c jit/ir-verify.c

# optimizer passes and liveness
jit_opt_sources = \
	jit/opt.c jit/opt.h jit/opt-fold.c jit/opt-eval.c jit/opt-eval.h \
	jit/opt-mb.c jit/liveness.c

# interpreter backend, and the C guest-memory layer (softmmu.c) that it and
# the native backends' slow paths share
jit_interp_sources = \
	jit/interp.c jit/interp.h jit/interp-bc.h jit/interp-gen.c \
	jit/softmmu.c jit/softmmu.h jit/excl-link.c jit/excl-link.h jit/locks.c

# register allocator, code buffer, TB cache, exec loop, softmmu
jit_exec_sources = \
	jit/regalloc.c jit/regalloc.h \
	jit/codebuf.c jit/codebuf.h \
	jit/tb.h jit/engine.h jit/tbcache.c jit/exec.c jit/thread-annot.h jit/tsan.h \
	jit/disas.c jit/disas.h

# counters printed by -d stats
jit_stats_sources = jit/stats.c

jit_libjit_a_SOURCES = $(jit_core_sources) $(jit_text_sources) $(jit_opt_sources) \
	$(jit_interp_sources) $(jit_exec_sources) $(jit_stats_sources)

# ferry-ir: runs an IR program through the JIT (the README's first command).
# The native backend joins when this host's backend library is in the build.
if HOST_X86_64
jit_native_backend_cppflags = -DFERRY_HAVE_X86_64_BACKEND
jit_native_backend_lib = backend-x86_64/libbackend-x64.a
else
if HOST_ARM64
jit_native_backend_cppflags = -DFERRY_HAVE_ARM64_BACKEND
jit_native_backend_lib = backend-arm64/liba64.a
else
if HOST_LOONGARCH64
jit_native_backend_cppflags = -DFERRY_HAVE_LOONGARCH64_BACKEND
jit_native_backend_lib = backend-loongarch/libla64.a
else
jit_native_backend_cppflags =
jit_native_backend_lib =
endif
endif
endif
bin_PROGRAMS += ferry-ir
ferry_ir_SOURCES = jit/ferry-ir.c
ferry_ir_CPPFLAGS = $(AM_CPPFLAGS) $(jit_native_backend_cppflags)
ferry_ir_LDADD = $(jit_native_backend_lib) jit/libjit.a $(FERRY_BASE_LIBS)
