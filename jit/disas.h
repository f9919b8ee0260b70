/*
 * disas.h — disassembly for -d in_asm/out_asm logs: capstone for x86-64
 * (guest code, and the x86-64 backend) and arm64, a hex dump for the others
 * (capstone 4 has no loongarch64; the interpreter's bytecode has none).
 */
#ifndef FERRY_JIT_DISAS_H
#define FERRY_JIT_DISAS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "jit/backend.h"

typedef enum JitDisasArch {
    JIT_DISAS_X86_64,
    JIT_DISAS_ARM64,
    JIT_DISAS_HEX,                 /* no disassembler: a hex dump */
} JitDisasArch;

/* Print `size` bytes of code of architecture arch, located at addr, to f. */
void jit_disas(FILE *f, JitDisasArch arch, const uint8_t *code, size_t size, uint64_t addr);
/* The same for host code of backend be (running at address rx). */
void jit_disas_host(FILE *f, const JitBackend *be, const uint8_t *code, size_t size,
                    uintptr_t rx);

#endif
