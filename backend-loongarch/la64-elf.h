/*
 * la64-elf.h — standalone loongarch64 executables for testing the backend
 * without a loongarch64 C library: write code + data as a static ELF with a
 * tiny runtime the encoder emits itself, run it under qemu-loongarch64 and
 * collect stdout bytes and exit status. Also writes a relocatable object so
 * llvm-objdump can disassemble emitted words.
 */
#ifndef FERRY_BACKEND_LOONGARCH_LA64_ELF_H
#define FERRY_BACKEND_LOONGARCH_LA64_ELF_H

#include <stddef.h>
#include <stdint.h>

/*
 * The contract for the code given to la64_elf_write. It is entered as a
 * function (BL, so ra returns into the runtime) with:
 *   a0  address of the data block: dlen bytes copied from @data, writable,
 *       16-byte aligned, followed by LA64_ELF_SCRATCH zeroed bytes
 *   a1  address of rt_write(a0 = buf, a1 = len): writes all bytes to stdout,
 *       returns a0 = 0 or -errno; clobbers a0-a2, a7, t0, t1. Call it with
 *       JIRL ra (keep your own ra, and the routine's address, elsewhere)
 *   a2  address of rt_exit(a0 = status): exit_group, never returns
 *   sp  the kernel's initial stack (16-byte aligned, usable)
 * Returning from the code exits the process with status a0 & 0xff.
 * The code must be position-independent within itself (it is placed after
 * the runtime at an address it need not know).
 */
enum { LA64_ELF_SCRATCH = 4096 };

/* Load address of the text segment (the ELF header is mapped there). */
#define LA64_ELF_TEXT_VADDR 0x120000000ull

/*
 * Write the executable to @path (mode 0755). @code is @len bytes (a multiple
 * of 4) of loongarch64 code; @data may be NULL when @dlen is 0. Returns 0 or
 * -errno (EINVAL for a bad length, or the failing file operation's errno).
 */
int la64_elf_write(const char *path, const void *code, size_t len,
                   const void *data, size_t dlen);

/*
 * Write @code as the .text section of a relocatable loongarch64 object
 * (address 0), for `llvm-objdump -d`. Returns 0 or -errno.
 */
int la64_elf_write_obj(const char *path, const void *code, size_t len);

/* What a program run produced. Owned by the caller: la64_run_result_clear. */
typedef struct La64RunResult {
    uint8_t *out;     /* stdout bytes (g_malloc'd, NUL-terminated extra) */
    size_t out_len;
    int exit_code;    /* 0..255 if it exited, else -1 */
    int signal;       /* the terminating signal, 0 if it exited */
} La64RunResult;

/*
 * Build the executable for (@code, @data) in a temporary file, run it under
 * the qemu-loongarch64 binary @qemu with a @timeout_s second alarm (a hung
 * program dies of SIGALRM), and fill @res. Returns 0 when the program ran
 * (whatever its status; 127 if @qemu could not be executed), -errno when
 * it could not be written or the child could not be created.
 */
int la64_elf_run(const char *qemu, const void *code, size_t len,
                 const void *data, size_t dlen, unsigned timeout_s,
                 La64RunResult *res);

/* Free what la64_elf_run stored in @res. */
void la64_run_result_clear(La64RunResult *res);

#endif
