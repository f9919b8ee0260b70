/*
 * decode.c — decoder throughput: x86_decode() over the .text of the
 * system's libc, linearly (an undecodable byte is stepped over), repeated
 * for about a second of CPU time. Prints instructions decoded per second
 * of CPU time (process CPU clock: stable on a shared, busy machine).
 * Usage: bench/decode [elf-file]   (default: libc.so.6)
 */
#include "frontend-x86/decode.h"

#include <stdio.h>

#include "bench/elf-text.h"

/* One linear pass; returns the number of instructions decoded. */
static unsigned long pass(const uint8_t *text, size_t size)
{
    unsigned long n = 0;
    X86Insn in;
    for (size_t off = 0; off < size;) {
        int len = x86_decode(text + off, size - off, X86_MODE_64, &in);
        off += len > 0 ? (size_t)len : 1;
        n++;
    }
    return n;
}

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : BENCH_DEFAULT_ELF;
    const uint8_t *text;
    size_t size;
    if (!bench_find_text(path, &text, &size)) {
        fprintf(stderr, "decode: no .text in %s\n", path);
        return 1;
    }
    pass(text, size);                       /* warm up */
    unsigned long insns = 0, passes = 0;
    double t0 = bench_cpu_seconds(), t;
    do {
        insns += pass(text, size);
        passes++;
    } while ((t = bench_cpu_seconds() - t0) < 1.0);
    printf("decode: %s .text %zu bytes, %lu passes: %.1f M insns/s "
           "(%.0f MB/s)\n", path, size, passes, insns / t / 1e6,
           passes * size / t / 1e6);
    return 0;
}
