/*
 * native-probe.h — ask the host CPU about an instruction: how long it is,
 * and whether it raises #UD, in 64-bit mode, 32-bit compatibility mode or
 * 16-bit protected mode. The oracle for the decoder tests where capstone is
 * wrong or silent. x86-64 Linux hosts only; elsewhere every answer is
 * "cannot tell".
 */
#ifndef FERRY_TESTS_X86_NATIVE_PROBE_H
#define FERRY_TESTS_X86_NATIVE_PROBE_H

#include <stddef.h>
#include <stdint.h>

#include "frontend-x86/decode.h"

/*
 * Both answers from one run: returns the length (as native_insn_length)
 * and stores in *ud (when not NULL) 1 if the instruction raised #UD, else
 * 0. For a #UD instruction the "length" is only what the CPU fetched
 * before deciding: often less than the encoding's length.
 */
int native_insn_probe(const uint8_t *bytes, size_t n, X86Mode mode,
                      int *ud);

/*
 * Length in bytes the host CPU fetches for the instruction at
 * bytes[0..n), or -1 when it cannot tell (no x86-64 host, or
 * the instruction's own data access hides the answer). Runs the
 * instruction in a forked child, so it may be anything but a system call.
 */
int native_insn_length(const uint8_t *bytes, size_t n, X86Mode mode);

/*
 * Run the instruction bytes[0..n) once in a forked child with every GPR
 * but rSP pointing into a scratch area: 1 if it raised #UD (SIGILL), 0 if
 * it did anything else (ran, faulted otherwise, looped), -1 if it cannot
 * tell. The caller keeps system calls out.
 */
int native_insn_ud(const uint8_t *bytes, size_t n, X86Mode mode);

#endif
