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
	frontend-x86/stack.c frontend-x86/system.c frontend-x86/atomic.c \
	frontend-x86/string.c frontend-x86/bmi.c frontend-x86/misc.c \
	frontend-x86/softfloat80.c frontend-x86/softfloat80.h \
	frontend-x86/softfloat80-trans.c frontend-x86/x87.h frontend-x86/x87.c \
	frontend-x86/x87-helpers.c

frontend_x86_libfrontend_a_SOURCES = $(frontend_x86_decode_sources) \
	$(frontend_x86_translate_sources)
