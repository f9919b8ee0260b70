# bench/local.mk — benchmarks. One block per benchmark program.

bench_elf_text_sources = bench/elf-text.c bench/elf-text.h

# --- x86-64 backend translation speed (runs on any host: it only emits code) ---
noinst_PROGRAMS += bench/jit-x64
bench_jit_x64_SOURCES = bench/jit-x64.c
bench_jit_x64_LDADD = backend-x86_64/libbackend-x64.a jit/libjit.a $(FERRY_BASE_LIBS)

# --- decoder throughput (frontend-x86) ---
noinst_PROGRAMS += bench/decode
bench_decode_SOURCES = bench/decode.c $(bench_elf_text_sources)
bench_decode_LDADD = frontend-x86/libfrontend.a

# --- end-to-end translation of real code (decode, IR, optimize, emit) ---
if HOST_X86_64
noinst_PROGRAMS += bench/translate
bench_translate_SOURCES = bench/translate.c $(bench_elf_text_sources)
bench_translate_LDADD = $(FRONTEND_X86_LIBS) backend-x86_64/libbackend-x64.a \
	backend-arm64/liba64.a backend-loongarch/libla64.a jit/libjit.a $(FERRY_BASE_LIBS)
endif

# --- bench/run: native vs ferry-x86_64 vs qemu-x86_64 (run by hand, not by make check;
# make check only runs its sub-second self-test) ---
dist_noinst_SCRIPTS += bench/run bench/run-selftest.sh
TESTS += bench/run-selftest.sh
