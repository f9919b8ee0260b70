/*
 * decode.c — decoder throughput: x86_decode() over the .text of the
 * system's libc, linearly (an undecodable byte is stepped over), repeated
 * for about a second. Prints instructions decoded per second.
 * Usage: bench/decode [elf-file]   (default: libc.so.6)
 */
#include "frontend-x86/decode.h"

#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

/* Map path and find its .text; returns false if it has none. */
static bool find_text(const char *path, const uint8_t **text, size_t *size)
{
    int fd = open(path, O_RDONLY);
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb))
        return false;
    const uint8_t *m = mmap(NULL, sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (m == MAP_FAILED || memcmp(m, ELFMAG, SELFMAG))
        return false;
    const Elf64_Ehdr *eh = (const void *)m;
    const Elf64_Shdr *sh = (const void *)(m + eh->e_shoff);
    const char *names = (const char *)m + sh[eh->e_shstrndx].sh_offset;
    for (unsigned i = 0; i < eh->e_shnum; i++) {
        if (!strcmp(names + sh[i].sh_name, ".text")) {
            *text = m + sh[i].sh_offset;
            *size = sh[i].sh_size;
            return true;
        }
    }
    return false;
}

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
    const char *path = argc > 1 ? argv[1] : "/usr/lib/x86_64-linux-gnu/libc.so.6";
    const uint8_t *text;
    size_t size;
    if (!find_text(path, &text, &size)) {
        fprintf(stderr, "decode: no .text in %s\n", path);
        return 1;
    }
    pass(text, size);                       /* warm up */
    unsigned long insns = 0, passes = 0;
    double t0 = now(), t;
    do {
        insns += pass(text, size);
        passes++;
    } while ((t = now() - t0) < 1.0);
    printf("decode: %s .text %zu bytes, %lu passes: %.1f M insns/s "
           "(%.0f MB/s)\n", path, size, passes, insns / t / 1e6,
           passes * size / t / 1e6);
    return 0;
}
