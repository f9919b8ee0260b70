/*
 * disas.c — host code disassembly for -d out_asm.
 */
#include "jit/disas.h"

#include <capstone/capstone.h>
#include <string.h>

static void hexdump(FILE *f, const uint8_t *code, size_t size, uint64_t rx)
{
    for (size_t i = 0; i < size; i += 16) {
        fprintf(f, "  %#014lx:", (unsigned long)(rx + i));
        for (size_t j = i; j < size && j < i + 16; j++) {
            fprintf(f, " %02x", code[j]);
        }
        fputc('\n', f);
    }
}

void jit_disas_host(FILE *f, const JitBackend *be, const uint8_t *code, size_t size,
                    uintptr_t rx)
{
    JitDisasArch arch = strcmp(be->name, "x86_64") == 0 ? JIT_DISAS_X86_64
                      : strcmp(be->name, "arm64") == 0 ? JIT_DISAS_ARM64 : JIT_DISAS_HEX;
    jit_disas(f, arch, code, size, rx);
}

void jit_disas(FILE *f, JitDisasArch which, const uint8_t *code, size_t size, uint64_t rx)
{
    cs_arch arch;
    cs_mode mode;
    csh h;

    if (which == JIT_DISAS_X86_64) {
        arch = CS_ARCH_X86;
        mode = CS_MODE_64;
    } else if (which == JIT_DISAS_ARM64) {
        arch = CS_ARCH_ARM64;
        mode = CS_MODE_LITTLE_ENDIAN;
    } else {
        hexdump(f, code, size, rx);
        return;
    }
    if (cs_open(arch, mode, &h) != CS_ERR_OK) {
        hexdump(f, code, size, rx);
        return;
    }
    cs_insn *insn;
    size_t n = cs_disasm(h, code, size, rx, 0, &insn);
    size_t done = 0;
    for (size_t i = 0; i < n; i++) {
        fprintf(f, "  %#014lx:  %-8s %s\n", (unsigned long)insn[i].address, insn[i].mnemonic,
                insn[i].op_str);
        done += insn[i].size;
    }
    if (n) {
        cs_free(insn, n);
    }
    cs_close(&h);
    if (done < size) {
        /* Data or padding capstone could not decode. */
        hexdump(f, code + done, size - done, rx + done);
    }
}
