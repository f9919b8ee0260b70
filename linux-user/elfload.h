/*
 * elfload.h — loading an x86-64 ELF program (ET_EXEC or ET_DYN/PIE;
 * static, static-pie, or dynamic with its PT_INTERP loaded from the
 * sysroot) into the guest address space, with every header field checked
 * so that a malformed file gets a message and an exit status, never a crash.
 */
#ifndef FERRY_LINUX_USER_ELFLOAD_H
#define FERRY_LINUX_USER_ELFLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "linux-user/guestmem.h"

/* One loaded image (the program or its interpreter). */
typedef struct LuImage {
    uint64_t bias;                 /* guest load address - p_vaddr (0 for ET_EXEC) */
    uint64_t entry;                /* e_entry + bias */
    uint64_t phdr;                 /* guest address of the program headers, or 0 */
    uint16_t phnum;
    uint64_t lo, hi;               /* mapped guest span, 4K-aligned */
    uint64_t end;                  /* end of the highest segment (bss included) */
} LuImage;

typedef struct LuElfInfo {
    LuImage exe;
    LuImage interp;
    bool has_interp;
    char *interp_path;             /* host path actually loaded (g_free), or NULL */
    uint64_t start;                /* where the guest starts: interp or exe entry */
    uint64_t brk;                  /* initial program break (4K-aligned) */
    bool exec_stack;               /* PT_GNU_STACK asked for PF_X */
} LuElfInfo;

/* Exit statuses for a program that cannot be run, as a shell reports them. */
enum {
    LU_ELF_OK = 0,
    LU_ELF_BAD = 1,                /* malformed, wrong architecture */
    LU_ELF_NEED_BASE = 2,          /* ET_EXEC range [exe.lo, exe.hi) taken on the host
                                    * with this guest base: retry with another */
    LU_ELF_NOEXEC = 126,           /* exists but cannot be executed (or its interpreter) */
    LU_ELF_NOTFOUND = 127,         /* no such file (or no such interpreter) */
};

/*
 * Load `path` and, for a dynamic program, its interpreter (looked up as
 * sysroot + PT_INTERP first when sysroot is non-NULL, then as PT_INTERP
 * itself). On success returns LU_ELF_OK and fills *info. Otherwise returns
 * one of the statuses above with a one-line reason in err (no guest memory
 * is left half-loaded that matters: the process is about to exit).
 */
int lu_elf_load(LuMem *m, const char *path, const char *sysroot, LuElfInfo *info,
                char *err, size_t errlen);

/* The same from a file the caller opened (fd >= 0, not closed here; path
 * names it in messages): binfmt_misc's AT_EXECFD, which works for a program
 * that is executable but not readable. fd < 0: open path. */
int lu_elf_load_fd(LuMem *m, int fd, const char *path, const char *sysroot,
                   LuElfInfo *info, char *err, size_t errlen);

/* Release what lu_elf_load allocated in info (not the guest memory). */
void lu_elf_info_clear(LuElfInfo *info);

#endif
