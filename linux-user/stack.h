/*
 * stack.h — the initial guest stack of an x86-64 Linux process exactly as
 * the kernel's create_elf_tables (fs/binfmt_elf.c) builds it: strings at
 * the top, AT_PLATFORM and AT_RANDOM bytes below them, then auxv, envp,
 * argv and argc with the stack pointer 16-byte aligned.
 */
#ifndef FERRY_LINUX_USER_STACK_H
#define FERRY_LINUX_USER_STACK_H

#include <stdbool.h>
#include <stdint.h>

#include "linux-user/guestmem.h"

/* What goes into the auxiliary vector besides the strings. */
typedef struct LuAuxInfo {
    uint64_t phdr, phnum;          /* the program's headers in guest memory */
    uint64_t base;                 /* interpreter load address, 0 if none */
    uint64_t entry;                /* the program's entry point */
    uint64_t hwcap, hwcap2;
    uint64_t minsigstksz;
    uint64_t sysinfo_ehdr;         /* the vDSO's guest address, 0 for none */
    uint64_t uid, euid, gid, egid;
    bool secure;
    uint8_t random[16];            /* AT_RANDOM bytes */
    const char *execfn;            /* AT_EXECFN string */
} LuAuxInfo;

/*
 * AT_HWCAP default: CPUID leaf 1 EDX of ferry's first CPU model (TSC and
 * CMOV). ferry-x86_64 replaces it with what the front end's CPUID helper
 * reports (lu_cpuid_hwcap); unit tests use this value.
 */
#define LU_HWCAP_X86 ((1u << 4) | (1u << 15))
/* AT_MINSIGSTKSZ: ferry's largest signal frame (an x87|SSE xsave area;
 * checked in signal-frame.c) fits in 2K. */
#define LU_MINSIGSTKSZ 2048

/* Fill ids from the host process, random bytes, hwcap and the rest of the
 * constant fields; the caller sets phdr, phnum, base, entry and execfn. */
void lu_aux_defaults(LuAuxInfo *aux);

/*
 * Build the stack inside the guest memory [top - size, top), whose host
 * address is `host` (the host view of guest address top - size). Returns
 * the initial guest rsp, or 0 if the strings and tables do not fit.
 */
uint64_t lu_stack_build(uint8_t *host, uint64_t top, uint64_t size, int argc,
                        char *const argv[], int envc, char *const envp[],
                        const LuAuxInfo *aux);

/* Map a stack of `size` bytes for the guest (executable if exec) and build
 * it; returns rsp, or 0 with errno-style failure printed by the caller. */
uint64_t lu_stack_setup(LuMem *m, uint64_t size, bool exec, int argc, char *const argv[],
                        int envc, char *const envp[], const LuAuxInfo *aux);

#endif
