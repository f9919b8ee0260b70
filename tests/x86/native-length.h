/*
 * native-length.h — ask the host CPU how long an instruction is: the
 * oracle for cases where capstone and our decoder disagree. x86-64 hosts
 * only; elsewhere it always answers "cannot tell".
 */
#ifndef FERRY_TESTS_X86_NATIVE_LENGTH_H
#define FERRY_TESTS_X86_NATIVE_LENGTH_H

#include <stddef.h>
#include <stdint.h>

/*
 * Length in bytes the host CPU fetches for the 64-bit-mode instruction at
 * bytes[0..n), or -1 when it cannot tell (not an x86-64 host, or the
 * instruction's own data access hides the answer). Runs the instruction
 * in a forked child, so it may be anything.
 */
int native_insn_length(const uint8_t *bytes, size_t n);

#endif
