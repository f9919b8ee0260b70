/*
 * fuzz-elfload.c — libFuzzer target for the ELF loader: each input is a
 * program file (in a memfd) loaded through lu_elf_load_fd into a fresh
 * guest address space, which is then unmapped. Any crash, sanitizer report
 * or a result other than the loader's statuses is a bug. Build and run with
 * `make fuzz-elfload` (clang-16), not part of make check;
 * run-elf-fuzz.sh is the make-check slice.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "linux-user/elfload.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Unmap every guest range the loader left (also on failure). */
static void unmap_guest(LuMem *m)
{
    for (guint i = 0; i < m->ranges->len; i++) {
        LuMemRange r = g_array_index(m->ranges, LuMemRange, i);
        if (r.prot >= 0) {
            munmap(lu_g2h(m, r.start), r.end - r.start);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int fd = memfd_create("elf", MFD_CLOEXEC);
    if (fd < 0 || write(fd, data, size) != (ssize_t)size) {
        abort();
    }
    LuMem *m = lu_mem_new(0);
    LuElfInfo info;
    char err[512];
    int st = lu_elf_load_fd(m, fd, "fuzz", NULL, &info, err, sizeof(err));
    if (st != LU_ELF_OK && st != LU_ELF_BAD && st != LU_ELF_NEED_BASE &&
        st != LU_ELF_NOEXEC && st != LU_ELF_NOTFOUND) {
        fprintf(stderr, "unknown status %d\n", st);
        abort();
    }
    if (st != LU_ELF_OK && err[0] == '\0') {
        fprintf(stderr, "status %d without a message\n", st);
        abort();
    }
    lu_elf_info_clear(&info);
    unmap_guest(m);
    lu_mem_free(m);
    close(fd);
    return 0;
}
