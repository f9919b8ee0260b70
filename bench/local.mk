# bench/local.mk — workloads and the runner that compares against peers.

# --- decoder throughput (frontend-x86) ---
noinst_PROGRAMS += bench/decode
bench_decode_SOURCES = bench/decode.c
bench_decode_LDADD = frontend-x86/libfrontend.a
