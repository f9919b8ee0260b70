/*
 * disas.h — host code disassembly for -d out_asm logs: capstone for the
 * x86-64 and arm64 backends, a hex dump for the others (capstone 4 has no
 * loongarch64; the interpreter's bytecode has no disassembler).
 */
#ifndef FERRY_JIT_DISAS_H
#define FERRY_JIT_DISAS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "jit/backend.h"

/* Print the code at `code` (size bytes, running at address rx) to f. */
void jit_disas_host(FILE *f, const JitBackend *be, const uint8_t *code, size_t size,
                    uintptr_t rx);

#endif
