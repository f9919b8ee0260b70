# frontend-x86/local.mk — the x86 front end: decoder and its opcode tables,
# and the translator (one file per instruction family).
noinst_LIBRARIES += frontend-x86/libfrontend.a

frontend_x86_decode_sources = \
	frontend-x86/decode.c frontend-x86/decode.h frontend-x86/x86-ops.h \
	frontend-x86/opcodes.h frontend-x86/opcodes-one.c \
	frontend-x86/opcodes-0f.c frontend-x86/opcodes-0f38.c \
	frontend-x86/opcodes-x87.c frontend-x86/x86-insn-print.c

frontend_x86_translate_sources = \
	frontend-x86/cpu.h frontend-x86/flags.c \
	frontend-x86/translate.c frontend-x86/translate.h \
	frontend-x86/operand.c frontend-x86/cc.c \
	frontend-x86/alu.c frontend-x86/move.c frontend-x86/shift.c \
	frontend-x86/muldiv.c frontend-x86/bitops.c frontend-x86/branch.c \
	frontend-x86/stack.c frontend-x86/segment.c frontend-x86/system.c frontend-x86/atomic.c \
	frontend-x86/string.c frontend-x86/bmi.c frontend-x86/misc.c \
	frontend-x86/softfloat80.c frontend-x86/softfloat80.h \
	frontend-x86/softfloat80-trans.c frontend-x86/x87.h frontend-x86/x87.c \
	frontend-x86/x87-helpers.c \
	frontend-x86/mmx.h frontend-x86/mmx.c frontend-x86/mmx-tr.c

# The SSE translator handlers (the helpers they call are in libx86sse.a).
frontend_x86_sse_tr_sources = \
	frontend-x86/sse-tr.h frontend-x86/sse-tr.c frontend-x86/sse-tr-float.c \
	frontend-x86/sse-tr-move.c frontend-x86/sse-state.c \
	frontend-x86/xsave.h frontend-x86/xsave.c \
	frontend-x86/cpu-model.h frontend-x86/cpu-model.c

frontend_x86_libfrontend_a_SOURCES = $(frontend_x86_decode_sources) \
	$(frontend_x86_translate_sources) $(frontend_x86_sse_tr_sources)

# ---- SSE helpers -----------------------------------------------------------
# Pure C on X86Cpu/X86Vec, unit-tested against the host CPU in
# tests/x86/test-sse.c. -frounding-math and -fsignaling-nans keep the
# compiler from folding or reordering float operations across the helpers'
# MXCSR/rounding-mode handling, so they are a library of their own.
noinst_LIBRARIES += frontend-x86/libx86sse.a
frontend_x86_sse_helper_sources = \
	frontend-x86/sse.h frontend-x86/sse-fp.h frontend-x86/sse-float-width.h frontend-x86/sse-float.c \
	frontend-x86/sse-cvt.c frontend-x86/sse-int.c frontend-x86/sse-move.c \
	frontend-x86/crc32.c frontend-x86/sse-string.c frontend-x86/sse-aes.c
frontend_x86_libx86sse_a_SOURCES = $(frontend_x86_sse_helper_sources)
frontend_x86_libx86sse_a_CFLAGS = $(AM_CFLAGS) -frounding-math -fsignaling-nans

# What a program that translates x86 links (before the JIT's libraries).
FRONTEND_X86_LIBS = frontend-x86/libfrontend.a frontend-x86/libx86sse.a
