/*
 * native-probe.h — ask the host CPU about an instruction: how long it is,
 * and whether it raises #UD. The oracle for the decoder tests where
 * capstone is wrong or silent. x86-64 Linux hosts only; elsewhere every
 * answer is "cannot tell".
 */
#ifndef FERRY_TESTS_X86_NATIVE_PROBE_H
#define FERRY_TESTS_X86_NATIVE_PROBE_H

#include <stddef.h>
#include <stdint.h>

/*
 * Length in bytes the host CPU fetches for the 64-bit-mode instruction at
 * bytes[0..n), or -1 when it cannot tell (not an x86-64 host, or the
 * instruction's own data access hides the answer). Runs the instruction
 * in a forked child, so it may be anything.
 */
int native_insn_length(const uint8_t *bytes, size_t n);

/*
 * Run the 64-bit-mode instruction bytes[0..n) once in a forked child with
 * every GPR but RSP pointing into a scratch area: 1 if it raised #UD
 * (SIGILL), 0 if it did anything else (ran, faulted otherwise, looped),
 * -1 if it cannot tell. The caller keeps syscalls out.
 */
int native_insn_ud(const uint8_t *bytes, size_t n);

#endif
