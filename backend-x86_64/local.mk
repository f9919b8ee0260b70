# backend-x86_64/local.mk — the x86-64 host backend: encoder, op lowering and
# host glue. Host-independent C, so every build can emit x86-64 code; only
# running it needs an x86-64 host.
noinst_LIBRARIES += backend-x86_64/libbackend-x64.a

backend_x86_64_libbackend_x64_a_SOURCES = \
	backend-x86_64/x64-enc.c backend-x86_64/x64-enc.h
backend_x86_64_libbackend_x64_a_SOURCES += \
	backend-x86_64/x64-lower.c backend-x86_64/x64-lower.h \
	backend-x86_64/x64-lower-mem.c backend-x86_64/x64-lower-vec.c \
	backend-x86_64/x64-backend.c
