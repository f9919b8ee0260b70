/*
 * a64-elf.h — write a minimal static arm64 Linux ELF executable (no libc)
 * around code emitted by the encoder, and run it. This is how the arm64
 * emitter is tested on any build host: the file runs under
 * qemu-aarch64-static, or directly on an arm64 machine.
 */
#ifndef FERRY_BACKEND_ARM64_A64_ELF_H
#define FERRY_BACKEND_ARM64_A64_ELF_H

#include <stddef.h>
#include <stdint.h>

/* Load address of the ELF header; the text segment starts here. */
#define A64_ELF_TEXT_ADDR UINT64_C(0x400000)
/* Load address of the data area (read-write): the caller's bytes followed
 * by A64_ELF_BSS_SIZE zero bytes of scratch. */
#define A64_ELF_DATA_ADDR UINT64_C(0x10000000)
#define A64_ELF_BSS_SIZE 0x10000

/*
 * Write an executable to path (mode 0755). Its entry point is a tiny
 * runtime that calls `code` as a function with x0 = A64_ELF_DATA_ADDR and
 * x1 = dlen, then writes x0, x1, x2, x3 as returned to stdout, each as 16
 * lowercase hex digits and a newline, and exits with status 0. The code
 * must preserve sp and return with RET (x30); it may make its own system
 * calls (e.g. exit with a status). Returns 0 or -errno.
 */
int a64_elf_write(const char *path, const void *code, size_t len,
                  const void *data, size_t dlen);

/* Address at which a64_elf_write places the first byte of `code`. */
uint64_t a64_elf_code_addr(void);

/*
 * Run the executable at path: under `qemu` (a qemu-aarch64 binary, with
 * "-cpu cpu" when cpu is non-NULL) or directly when qemu is NULL or empty.
 * Stores its stdout (NUL-terminated, truncated to outlen - 1 bytes) in out
 * and returns its wait status (see waitpid), or -1 if it could not start.
 */
int a64_elf_run(const char *qemu, const char *cpu, const char *path,
                char *out, size_t outlen);

#endif
