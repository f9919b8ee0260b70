/*
 * x86-insn-print.c — a one-line debug form of a decoded X86Insn, for logs
 * and test failure messages. Not a disassembler: it prints the mnemonic,
 * operand kinds and the decoded fields, which is what a decoder bug shows.
 */
#include "frontend-x86/decode.h"

#include <stdio.h>

void x86_insn_print(const X86Insn *in, char *buf, size_t size)
{
    int n = snprintf(buf, size, "%s", x86_op_names[in->op]);
    for (unsigned i = 0; i < 4 && in->opnd[i] && n >= 0 && (size_t)n < size;
         i++)
        n += snprintf(buf + n, size - n, "%s%s", i ? "," : " ",
                      x86_opnd_names[in->opnd[i]]);
    if (n < 0 || (size_t)n >= size)
        return;
    snprintf(buf + n, size - n,
             " len=%u map=%u op=%02x pfx=%x rex=%02x osz=%u asz=%u"
             " modrm=%02x sib=%02x disp=%lld/%u imm=%lld/%u inv=%u",
             in->len, in->map, in->opcode, in->prefixes, in->rex,
             in->opsize, in->addrsize, in->modrm, in->sib,
             (long long)in->disp, in->disp_size, (long long)in->imm,
             in->imm_size, in->invalid);
}
