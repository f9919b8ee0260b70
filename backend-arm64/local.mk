# backend-arm64/local.mk — the arm64 host backend. Host-independent: every
# build compiles the encoder (tests and -d out_asm use it everywhere).
noinst_LIBRARIES += backend-arm64/liba64.a

backend_arm64_liba64_a_SOURCES = \
	backend-arm64/a64-regs.h \
	backend-arm64/a64-enc.h backend-arm64/a64-enc-int.h \
	backend-arm64/a64-enc.c backend-arm64/a64-enc-bits.c \
	backend-arm64/a64-enc-mem.c \
	backend-arm64/a64-enc-ctl.c \
	backend-arm64/a64-elf.h backend-arm64/a64-elf.c

# The backend proper (IR lowering + host glue), also host-independent C:
# every build can emit arm64 code; running it needs an arm64 host.
backend_arm64_liba64_a_SOURCES += \
	backend-arm64/a64-lower.h backend-arm64/a64-lower.c \
	backend-arm64/a64-lower-mem.c backend-arm64/a64-lower-vec.c \
	backend-arm64/a64-backend.c
