/*
 * elf-text.c — .text lookup and CPU clock for the benchmarks.
 */
#include "bench/elf-text.h"

#include <elf.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

double bench_cpu_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

bool bench_find_text(const char *path, const uint8_t **text, size_t *size)
{
    int fd = open(path, O_RDONLY);
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb)) {
        return false;
    }
    const uint8_t *m = mmap(NULL, sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (m == MAP_FAILED || (size_t)sb.st_size < sizeof(Elf64_Ehdr) ||
        memcmp(m, ELFMAG, SELFMAG)) {
        return false;
    }
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
