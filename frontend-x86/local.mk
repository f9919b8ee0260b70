# frontend-x86/local.mk — the x86 front end: decoder and its opcode tables.
noinst_LIBRARIES += frontend-x86/libfrontend.a

frontend_x86_decode_sources = \
	frontend-x86/decode.c frontend-x86/decode.h frontend-x86/x86-ops.h \
	frontend-x86/opcodes.h frontend-x86/opcodes-one.c \
	frontend-x86/opcodes-0f.c frontend-x86/opcodes-0f38.c \
	frontend-x86/opcodes-x87.c frontend-x86/x86-insn-print.c

frontend_x86_libfrontend_a_SOURCES = $(frontend_x86_decode_sources)

# ---- SSE families (branch sse) -----------------------------------------
# The helpers (pure C on X86Cpu/X86Vec, unit-tested against the host CPU
# in tests/x86/test-sse.c) and the translator handlers. -frounding-math
# and -fsignaling-nans keep the compiler from folding or reordering float
# operations across the helpers' fesetround/fetestexcept.
noinst_LIBRARIES += frontend-x86/libx86sse.a
frontend_x86_sse_helper_sources = \
	frontend-x86/sse.h frontend-x86/sse-fp.h frontend-x86/sse-float.c \
	frontend-x86/sse-cvt.c frontend-x86/sse-int.c frontend-x86/sse-move.c \
	frontend-x86/crc32.c frontend-x86/sse-string.c
frontend_x86_libx86sse_a_SOURCES = $(frontend_x86_sse_helper_sources)
frontend_x86_libx86sse_a_CFLAGS = $(AM_CFLAGS) -frounding-math -fsignaling-nans
# The SSE translator handlers. The rest of the translator (translate.c,
# operand.c, ...) is not built yet; when it is, these sources belong in its
# library (translate.c's handler table and init name them). Until then
# this library only proves they compile.
noinst_LIBRARIES += frontend-x86/libx86ssetr.a
frontend_x86_sse_tr_sources = \
	frontend-x86/sse-tr.h frontend-x86/sse-tr.c frontend-x86/sse-tr-float.c \
	frontend-x86/sse-tr-move.c frontend-x86/sse-state.c
frontend_x86_libx86ssetr_a_SOURCES = $(frontend_x86_sse_tr_sources)
