# frontend-x86/local.mk — the x86 front end: decoder and its opcode tables.
noinst_LIBRARIES += frontend-x86/libfrontend.a

frontend_x86_decode_sources = \
	frontend-x86/decode.c frontend-x86/decode.h frontend-x86/x86-ops.h \
	frontend-x86/opcodes.h frontend-x86/opcodes-one.c \
	frontend-x86/opcodes-0f.c frontend-x86/opcodes-0f38.c \
	frontend-x86/opcodes-x87.c frontend-x86/x86-insn-print.c

frontend_x86_libfrontend_a_SOURCES = $(frontend_x86_decode_sources)
