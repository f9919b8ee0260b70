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

# interpreter backend
jit_interp_sources =

# register allocator, code buffer, TB cache, exec loop, softmmu
jit_exec_sources = \
	jit/codebuf.c jit/codebuf.h \
	jit/tb.h jit/engine.h jit/tbcache.c jit/exec.c

jit_libjit_a_SOURCES = $(jit_core_sources) $(jit_text_sources) $(jit_opt_sources) \
	$(jit_interp_sources) $(jit_exec_sources)
