/*
 * test-x64-enc.c — the x86-64 encoder checked against capstone: every form
 * is encoded into a buffer, disassembled, and the text compared with the
 * Intel syntax written here. Covers register edge cases (rsp/r12 need a
 * SIB, rbp/r13 need a displacement, sil/dil need a REX prefix).
 */
#include <capstone/capstone.h>
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "backend-x86_64/x64-enc.h"

static csh cs;
static uint8_t code[256];
static int mismatches;

/* Disassemble everything in b and compare with `expect` ("a; b; c"). */
static void check_dis(X64Buf *b, const char *expect, const char *what)
{
    char got[512] = "";
    cs_insn *insn;

    if (x64_buf_overflow(b)) {
        fprintf(stderr, "%s: overflow\n", what);
        mismatches++;
        return;
    }
    size_t len = x64_buf_offset(b);
    size_t n = cs_disasm(cs, code, len, b->rx, 0, &insn);
    size_t used = 0;
    for (size_t i = 0; i < n; i++) {
        char one[256];
        snprintf(one, sizeof one, "%s%s%s%s", i ? "; " : "", insn[i].mnemonic,
                 insn[i].op_str[0] ? " " : "", insn[i].op_str);
        strncat(got, one, sizeof got - strlen(got) - 1);
        used += insn[i].size;
    }
    cs_free(insn, n);
    /* Report every mismatch of a test, then fail it once (see END_FORMS). */
    if (used != len || strcmp(got, expect) != 0) {
        fprintf(stderr, "%s:\n  got    %s (%zu of %zu bytes)\n  expect %s\n", what, got,
                used, len, expect);
        mismatches++;
    }
}

#define END_FORMS()                   \
    do {                                  \
        int m_ = mismatches;              \
        mismatches = 0;                   \
        ck_assert_int_eq(m_, 0);          \
    } while (0)

#define T(expect, stmt)                                      \
    do {                                                     \
        X64Buf bb, *b = &bb;                                 \
        x64_buf_init(b, code, sizeof code, 0x10000);         \
        stmt;                                                \
        check_dis(b, expect, #stmt);                         \
    } while (0)

enum { RAX = X64_RAX, RCX = X64_RCX, RDX = X64_RDX, RBX = X64_RBX, RSP = X64_RSP,
       RBP = X64_RBP, RSI = X64_RSI, RDI = X64_RDI, R8 = X64_R8, R9 = X64_R9,
       R10 = X64_R10, R11 = X64_R11, R12 = X64_R12, R13 = X64_R13, R14 = X64_R14,
       R15 = X64_R15 };

START_TEST(test_mov)
{
    T("mov rax, rbx", x64_mov_rr(b, true, RAX, RBX));
    T("mov r9d, r15d", x64_mov_rr(b, false, R9, R15));
    T("mov eax, 0x12345678", x64_movi(b, RAX, 0x12345678));
    T("mov r12d, 0", x64_movi(b, R12, 0));
    T("mov rcx, -1", x64_movi(b, RCX, ~0ull));
    T("mov r13, -0x80000000", x64_movi(b, R13, 0xffffffff80000000ull));
    T("movabs r11, 0x123456789a", x64_movi(b, R11, 0x123456789aull));
    T("xor r10d, r10d", x64_zero(b, R10));
    T("mov rax, qword ptr [rbx]", x64_load(b, 8, false, true, RAX, x64_mem(RBX, 0)));
    T("mov rax, qword ptr [rsp]", x64_load(b, 8, false, true, RAX, x64_mem(RSP, 0)));
    T("mov rax, qword ptr [r12]", x64_load(b, 8, false, true, RAX, x64_mem(R12, 0)));
    T("mov rax, qword ptr [rbp]", x64_load(b, 8, false, true, RAX, x64_mem(RBP, 0)));
    T("mov rax, qword ptr [r13]", x64_load(b, 8, false, true, RAX, x64_mem(R13, 0)));
    T("mov r8, qword ptr [r13 + 0x7f]", x64_load(b, 8, false, true, R8, x64_mem(R13, 127)));
    T("mov r8, qword ptr [r12 - 0x80]", x64_load(b, 8, false, true, R8, x64_mem(R12, -128)));
    T("mov r8, qword ptr [rsp + 0x80]", x64_load(b, 8, false, true, R8, x64_mem(RSP, 128)));
    T("mov edx, dword ptr [rax + rbx*4 + 0x10]",
      x64_load(b, 4, false, false, RDX, x64_mem_idx(RAX, RBX, 2, 16)));
    T("mov edx, dword ptr [r13 + r12*8]",
      x64_load(b, 4, false, false, RDX, x64_mem_idx(R13, R12, 3, 0)));
    T("mov edx, dword ptr [rbp + r15]",
      x64_load(b, 4, false, false, RDX, x64_mem_idx(RBP, R15, 0, 0)));
    T("mov rsi, qword ptr [r15 + rax]",
      x64_load(b, 8, false, true, RSI, x64_mem_idx(R15, RAX, 0, 0)));
    T("mov eax, dword ptr [rsp + r13*2 + 0x12345]",
      x64_load(b, 4, false, false, RAX, x64_mem_idx(RSP, R13, 1, 0x12345)));
    T("mov rcx, qword ptr [rax*8 + 0x40]",
      x64_load(b, 8, false, true, RCX, x64_mem_idx(X64_NOREG, RAX, 3, 0x40)));
    T("mov rcx, qword ptr [rip + 0x100]", x64_load(b, 8, false, true, RCX, x64_mem_rip(0x100)));
    T("movzx eax, byte ptr [rdi]", x64_load(b, 1, false, false, RAX, x64_mem(RDI, 0)));
    T("movsx rax, byte ptr [rdi]", x64_load(b, 1, true, true, RAX, x64_mem(RDI, 0)));
    T("movsx eax, byte ptr [rdi]", x64_load(b, 1, true, false, RAX, x64_mem(RDI, 0)));
    T("movzx r9d, word ptr [r14 + 2]", x64_load(b, 2, false, false, R9, x64_mem(R14, 2)));
    T("movsx r9, word ptr [r14 + 2]", x64_load(b, 2, true, true, R9, x64_mem(R14, 2)));
    T("movsxd r9, dword ptr [r14 + 2]", x64_load(b, 4, true, true, R9, x64_mem(R14, 2)));
    T("mov byte ptr [rax], sil", x64_store(b, 1, RSI, x64_mem(RAX, 0)));
    T("mov byte ptr [rax], dil", x64_store(b, 1, RDI, x64_mem(RAX, 0)));
    T("mov byte ptr [rax], bl", x64_store(b, 1, RBX, x64_mem(RAX, 0)));
    T("mov byte ptr [r13], r8b", x64_store(b, 1, R8, x64_mem(R13, 0)));
    T("mov word ptr [rsp + 8], r10w", x64_store(b, 2, R10, x64_mem(RSP, 8)));
    T("mov dword ptr [r12 + 4], eax", x64_store(b, 4, RAX, x64_mem(R12, 4)));
    T("mov qword ptr [rbp - 8], rdx", x64_store(b, 8, RDX, x64_mem(RBP, -8)));
    T("mov byte ptr [rax], 0x12", x64_store_imm(b, 1, 0x12, x64_mem(RAX, 0)));
    T("mov word ptr [rax], 0x1234", x64_store_imm(b, 2, 0x1234, x64_mem(RAX, 0)));
    T("mov dword ptr [rax], 0x12345678", x64_store_imm(b, 4, 0x12345678, x64_mem(RAX, 0)));
    T("mov qword ptr [r14 + 0x10], -1", x64_store_imm(b, 8, -1, x64_mem(R14, 16)));
    T("movzx eax, sil", x64_movzx(b, 1, RAX, RSI));
    T("movzx eax, bl", x64_movzx(b, 1, RAX, RBX));
    T("movzx r8d, r9w", x64_movzx(b, 2, R8, R9));
    T("movsx rax, dil", x64_movsx(b, 1, true, RAX, RDI));
    T("movsx ecx, dx", x64_movsx(b, 2, false, RCX, RDX));
    T("movsxd r12, r13d", x64_movsx(b, 4, true, R12, R13));
    T("lea rax, [rsp + 8]", x64_lea(b, true, RAX, x64_mem(RSP, 8)));
    T("lea r13d, [r13 + r13*2]", x64_lea(b, false, R13, x64_mem_idx(R13, R13, 1, 0)));
    T("lea rdi, [rip - 0x10]", x64_lea(b, true, RDI, x64_mem_rip(-16)));
    T("xchg rcx, rax", x64_xchg_rr(b, true, RAX, RCX));
    END_FORMS();
}
END_TEST

START_TEST(test_alu)
{
    T("add rax, rbx", x64_alu_rr(b, X64_ADD, true, RAX, RBX));
    T("or r8d, ecx", x64_alu_rr(b, X64_OR, false, R8, RCX));
    T("adc rdx, r15", x64_alu_rr(b, X64_ADC, true, RDX, R15));
    T("sbb esi, edi", x64_alu_rr(b, X64_SBB, false, RSI, RDI));
    T("and r12, r13", x64_alu_rr(b, X64_AND, true, R12, R13));
    T("sub rsp, rbp", x64_alu_rr(b, X64_SUB, true, RSP, RBP));
    T("xor eax, eax", x64_alu_rr(b, X64_XOR, false, RAX, RAX));
    T("cmp r9, r10", x64_alu_rr(b, X64_CMP, true, R9, R10));
    T("add rax, 1", x64_alu_ri(b, X64_ADD, true, RAX, 1));
    T("sub r12d, -0x80", x64_alu_ri(b, X64_SUB, false, R12, -128));
    T("and rcx, 0x12345", x64_alu_ri(b, X64_AND, true, RCX, 0x12345));
    T("cmp r13, -0x80000000", x64_alu_ri(b, X64_CMP, true, R13, INT32_MIN));
    T("xor rdi, qword ptr [r14 + 8]", x64_alu_rm(b, X64_XOR, true, RDI, x64_mem(R14, 8)));
    T("add qword ptr [r12], rsi", x64_alu_mr(b, X64_ADD, 8, x64_mem(R12, 0), RSI));
    T("or byte ptr [rax], sil", x64_alu_mr(b, X64_OR, 1, x64_mem(RAX, 0), RSI));
    T("and word ptr [rbp], cx", x64_alu_mr(b, X64_AND, 2, x64_mem(RBP, 0), RCX));
    T("xor dword ptr [rax + 4], edx", x64_alu_mr(b, X64_XOR, 4, x64_mem(RAX, 4), RDX));
    T("cmp qword ptr [r14 + 0x100], 5", x64_alu_mi(b, X64_CMP, 8, x64_mem(R14, 256), 5));
    T("add dword ptr [rax], 0x1000", x64_alu_mi(b, X64_ADD, 4, x64_mem(RAX, 0), 0x1000));
    T("sub byte ptr [rax], 1", x64_alu_mi(b, X64_SUB, 1, x64_mem(RAX, 0), 1));
    T("test rax, rbx", x64_test_rr(b, true, RAX, RBX));
    T("test r8d, r8d", x64_test_rr(b, false, R8, R8));
    T("test bl, 1", x64_test_ri(b, false, RBX, 1));
    T("test esi, 1", x64_test_ri(b, false, RSI, 1));
    T("test r12, 0x100", x64_test_ri(b, true, R12, 0x100));
    T("not rax", x64_unary(b, X64_NOT, true, RAX));
    T("neg r11d", x64_unary(b, X64_NEG, false, R11));
    T("mul r9", x64_unary(b, X64_MUL, true, R9));
    T("imul ecx", x64_unary(b, X64_IMUL1, false, RCX));
    T("div rbx", x64_unary(b, X64_DIV, true, RBX));
    T("idiv r13d", x64_unary(b, X64_IDIV, false, R13));
    T("inc rax", x64_inc(b, true, RAX));
    T("dec r12d", x64_dec(b, false, R12));
    T("shl rax, cl", x64_shift_cl(b, X64_SHL, true, RAX));
    T("shr r8d, cl", x64_shift_cl(b, X64_SHR, false, R8));
    T("sar rdi, cl", x64_shift_cl(b, X64_SAR, true, RDI));
    T("rol esi, cl", x64_shift_cl(b, X64_ROL, false, RSI));
    T("ror r15, cl", x64_shift_cl(b, X64_ROR, true, R15));
    T("shl rax, 1", x64_shift_ri(b, X64_SHL, true, RAX, 1));
    T("shr r9, 0x3f", x64_shift_ri(b, X64_SHR, true, R9, 63));
    T("sar edx, 0x1f", x64_shift_ri(b, X64_SAR, false, RDX, 31));
    T("ror r12d, 7", x64_shift_ri(b, X64_ROR, false, R12, 7));
    T("imul rax, r13", x64_imul_rr(b, true, RAX, R13));
    T("imul r10d, ebx, 0x64", x64_imul_rri(b, false, R10, RBX, 100));
    T("imul rsi, rdi, 0x10000", x64_imul_rri(b, true, RSI, RDI, 0x10000));
    T("cqo", x64_cqo(b, true));
    T("cdq", x64_cqo(b, false));
    T("bswap rax", x64_bswap(b, true, RAX));
    T("bswap r13d", x64_bswap(b, false, R13));
    T("rol r9w, 8", x64_rol16_8(b, R9));
    T("bt rcx, 0x3f", x64_bt_ri(b, true, RCX, 63));
    T("bt r8d, 0", x64_bt_ri(b, false, R8, 0));
    T("sete al", x64_setcc(b, X64_CC_E, RAX));
    T("setb sil", x64_setcc(b, X64_CC_B, RSI));
    T("setg dil", x64_setcc(b, X64_CC_G, RDI));
    T("setne bpl", x64_setcc(b, X64_CC_NE, RBP));
    T("seta r12b", x64_setcc(b, X64_CC_A, R12));
    T("cmovl rax, rbx", x64_cmov(b, X64_CC_L, true, RAX, RBX));
    T("cmovae r13d, r9d", x64_cmov(b, X64_CC_AE, false, R13, R9));
    END_FORMS();
}
END_TEST

START_TEST(test_bmi)
{
    T("shlx rax, rbx, rcx", x64_shlx(b, true, RAX, RBX, RCX));
    T("shrx r9d, r12d, r15d", x64_shrx(b, false, R9, R12, R15));
    T("sarx r13, rbp, rdx", x64_sarx(b, true, R13, RBP, RDX));
    T("rorx r10, r11, 0x3c", x64_rorx(b, true, R10, R11, 60));
    T("rorx eax, esi, 3", x64_rorx(b, false, RAX, RSI, 3));
    T("lzcnt rax, r9", x64_lzcnt(b, true, RAX, R9));
    T("tzcnt r12d, ecx", x64_tzcnt(b, false, R12, RCX));
    T("popcnt rdx, r13", x64_popcnt(b, true, RDX, R13));
    T("bsr rax, rbx", x64_bsr(b, true, RAX, RBX));
    T("bsf r8d, edi", x64_bsf(b, false, R8, RDI));
    END_FORMS();
}
END_TEST

START_TEST(test_atomic)
{
    T("lock cmpxchg qword ptr [r15 + rax], rcx",
      { x64_lock(b); x64_cmpxchg(b, 8, x64_mem_idx(R15, RAX, 0, 0), RCX); });
    T("lock cmpxchg dword ptr [rdi], esi", { x64_lock(b); x64_cmpxchg(b, 4, x64_mem(RDI, 0), RSI); });
    T("lock cmpxchg word ptr [rdi], si", { x64_lock(b); x64_cmpxchg(b, 2, x64_mem(RDI, 0), RSI); });
    T("lock cmpxchg byte ptr [rdi], sil", { x64_lock(b); x64_cmpxchg(b, 1, x64_mem(RDI, 0), RSI); });
    T("lock cmpxchg16b xmmword ptr [r12]", { x64_lock(b); x64_cmpxchg16b(b, x64_mem(R12, 0)); });
    T("lock xadd qword ptr [rbp], r13", { x64_lock(b); x64_xadd(b, 8, x64_mem(RBP, 0), R13); });
    T("lock xadd byte ptr [rax], dil", { x64_lock(b); x64_xadd(b, 1, x64_mem(RAX, 0), RDI); });
    T("lock add qword ptr [rax], rbx", { x64_lock(b); x64_alu_mr(b, X64_ADD, 8, x64_mem(RAX, 0), RBX); });
    T("lock and dword ptr [rax], ebx", { x64_lock(b); x64_alu_mr(b, X64_AND, 4, x64_mem(RAX, 0), RBX); });
    T("lock or word ptr [rax], bx", { x64_lock(b); x64_alu_mr(b, X64_OR, 2, x64_mem(RAX, 0), RBX); });
    T("lock xor byte ptr [rax], bl", { x64_lock(b); x64_alu_mr(b, X64_XOR, 1, x64_mem(RAX, 0), RBX); });
    T("xchg qword ptr [r13], rax", x64_xchg_mr(b, 8, x64_mem(R13, 0), RAX));
    T("xchg byte ptr [rcx], sil", x64_xchg_mr(b, 1, x64_mem(RCX, 0), RSI));
    T("mfence", x64_mfence(b));
    END_FORMS();
}
END_TEST

START_TEST(test_control)
{
    T("je 0x10006", { size_t f = x64_jcc32(b, X64_CC_E); x64_patch_rel32(b, f, 6); });
    T("jmp 0x10000", { size_t f = x64_jmp32(b); x64_patch_rel32(b, f, 0); });
    T("jmp 0x10080", { size_t f = x64_jmp32(b); x64_patch_rel32(b, f, 0x80); });
    T("nop; jl 0x10000", { x64_nop(b, 1); x64_jcc8(b, X64_CC_L, 0); });
    T("jmp 0x10002", x64_jmp8(b, 2));
    T("jbe 0x10004; nop; nop",
      { size_t f = x64_jcc8_fwd(b, X64_CC_BE); x64_nop(b, 1); x64_nop(b, 1);
        x64_patch_rel8(b, f, x64_buf_offset(b)); });
    T("call 0x10100", x64_call_abs(b, 0x10100, R11));
    T("jmp 0x8000", x64_jmp_abs(b, 0x8000, R11));
    T("movabs r11, 0x123456789000; call r11", x64_call_abs(b, 0x123456789000ull, R11));
    T("movabs rax, 0x123456789000; jmp rax", x64_jmp_abs(b, 0x123456789000ull, RAX));
    T("call r12", x64_call_r(b, R12));
    T("jmp rax", x64_jmp_r(b, RAX));
    T("ret", x64_ret(b));
    T("push rbx; push r15; pop r15; pop rbx",
      { x64_push(b, RBX); x64_push(b, R15); x64_pop(b, R15); x64_pop(b, RBX); });
    T("int3", x64_int3(b));
    for (unsigned n = 1; n <= 8; n++) {
        X64Buf bb, *b = &bb;
        x64_buf_init(b, code, sizeof code, 0x10000);
        x64_nop(b, n);
        cs_insn *insn;
        ck_assert_uint_eq(cs_disasm(cs, code, n, 0, 0, &insn), 1);
        ck_assert_uint_eq(insn[0].size, n);
        ck_assert_str_eq(insn[0].mnemonic, "nop");
        cs_free(insn, 1);
    }
    END_FORMS();
}
END_TEST

START_TEST(test_sse)
{
    T("paddb xmm0, xmm1", x64_sse_rr(b, X64_PADDB, 0, 1));
    T("paddw xmm8, xmm15", x64_sse_rr(b, X64_PADDW, 8, 15));
    T("paddd xmm2, xmm9", x64_sse_rr(b, X64_PADDD, 2, 9));
    T("paddq xmm3, xmm3", x64_sse_rr(b, X64_PADDQ, 3, 3));
    T("psubb xmm1, xmm2", x64_sse_rr(b, X64_PSUBB, 1, 2));
    T("psubw xmm1, xmm2", x64_sse_rr(b, X64_PSUBW, 1, 2));
    T("psubd xmm1, xmm2", x64_sse_rr(b, X64_PSUBD, 1, 2));
    T("psubq xmm1, xmm2", x64_sse_rr(b, X64_PSUBQ, 1, 2));
    T("pand xmm4, xmm5", x64_sse_rr(b, X64_PAND, 4, 5));
    T("por xmm4, xmm5", x64_sse_rr(b, X64_POR, 4, 5));
    T("pxor xmm12, xmm12", x64_sse_rr(b, X64_PXOR, 12, 12));
    T("pandn xmm4, xmm13", x64_sse_rr(b, X64_PANDN, 4, 13));
    T("pcmpeqb xmm0, xmm1", x64_sse_rr(b, X64_PCMPEQB, 0, 1));
    T("pcmpeqw xmm0, xmm1", x64_sse_rr(b, X64_PCMPEQW, 0, 1));
    T("pcmpeqd xmm0, xmm1", x64_sse_rr(b, X64_PCMPEQD, 0, 1));
    T("pcmpeqq xmm10, xmm1", x64_sse_rr(b, X64_PCMPEQQ, 10, 1));
    T("pcmpgtb xmm0, xmm1", x64_sse_rr(b, X64_PCMPGTB, 0, 1));
    T("pcmpgtw xmm0, xmm1", x64_sse_rr(b, X64_PCMPGTW, 0, 1));
    T("pcmpgtd xmm0, xmm1", x64_sse_rr(b, X64_PCMPGTD, 0, 1));
    T("pcmpgtq xmm0, xmm11", x64_sse_rr(b, X64_PCMPGTQ, 0, 11));
    T("pshufb xmm0, xmm1", x64_sse_rr(b, X64_PSHUFB, 0, 1));
    T("punpcklqdq xmm7, xmm8", x64_sse_rr(b, X64_PUNPCKLQDQ, 7, 8));
    T("punpcklbw xmm0, xmm0", x64_sse_rr(b, X64_PUNPCKLBW, 0, 0));
    T("punpcklwd xmm0, xmm0", x64_sse_rr(b, X64_PUNPCKLWD, 0, 0));
    T("movdqa xmm1, xmm14", x64_sse_rr(b, X64_MOVDQA, 1, 14));
    T("paddd xmm1, xmmword ptr [r14 + 0x40]", x64_sse_rm(b, X64_PADDD, 1, x64_mem(R14, 0x40)));
    T("psllw xmm1, 3", x64_sse_shift_i(b, X64_SHL, 1, 1, 3));
    T("pslld xmm9, 0x1f", x64_sse_shift_i(b, X64_SHL, 2, 9, 31));
    T("psllq xmm2, 0x3f", x64_sse_shift_i(b, X64_SHL, 3, 2, 63));
    T("psrlw xmm1, 1", x64_sse_shift_i(b, X64_SHR, 1, 1, 1));
    T("psrld xmm1, 1", x64_sse_shift_i(b, X64_SHR, 2, 1, 1));
    T("psrlq xmm15, 1", x64_sse_shift_i(b, X64_SHR, 3, 15, 1));
    T("psraw xmm1, 0xf", x64_sse_shift_i(b, X64_SAR, 1, 1, 15));
    T("psrad xmm1, 2", x64_sse_shift_i(b, X64_SAR, 2, 1, 2));
    T("pshufd xmm0, xmm9, 0x1b", x64_pshufd(b, 0, 9, 0x1b));
    T("pshuflw xmm0, xmm0, 0", x64_pshuflw(b, 0, 0, 0));
    T("pshufhw xmm11, xmm2, 0x1b", x64_pshufhw(b, 11, 2, 0x1b));
    T("movdqu xmm3, xmmword ptr [r15 + rax]", x64_movdqu_load(b, 3, x64_mem_idx(R15, RAX, 0, 0)));
    T("movdqu xmmword ptr [rsp + 0x10], xmm12", x64_movdqu_store(b, 12, x64_mem(RSP, 16)));
    T("movdqa xmm3, xmmword ptr [r13]", x64_movdqa_load(b, 3, x64_mem(R13, 0)));
    T("movdqa xmmword ptr [r12], xmm3", x64_movdqa_store(b, 3, x64_mem(R12, 0)));
    T("movd xmm2, dword ptr [r15 + rax]", x64_sse_load(b, 4, 2, x64_mem_idx(R15, RAX, 0, 0)));
    T("movq xmm10, qword ptr [r11 + rsi]", x64_sse_load(b, 8, 10, x64_mem_idx(R11, RSI, 0, 0)));
    T("movdqu xmm0, xmmword ptr [rsp]", x64_sse_load(b, 16, 0, x64_mem(RSP, 0)));
    T("movd dword ptr [r12], xmm9", x64_sse_store(b, 4, 9, x64_mem(R12, 0)));
    T("movq qword ptr [r13], xmm1", x64_sse_store(b, 8, 1, x64_mem(R13, 0)));
    T("movdqu xmmword ptr [rbp], xmm15", x64_sse_store(b, 16, 15, x64_mem(RBP, 0)));
    T("movq xmm5, rax", x64_movq_xr(b, true, 5, RAX));
    T("movd xmm13, r9d", x64_movq_xr(b, false, 13, R9));
    T("movq r10, xmm2", x64_movq_rx(b, true, R10, 2));
    T("movd esi, xmm8", x64_movq_rx(b, false, RSI, 8));
    T("pinsrq xmm1, r12, 1", x64_pinsr(b, 8, 1, R12, 1));
    T("pinsrd xmm9, eax, 3", x64_pinsr(b, 4, 9, RAX, 3));
    T("pinsrw xmm1, ecx, 7", x64_pinsr(b, 2, 1, RCX, 7));
    T("pinsrb xmm1, edi, 0xf", x64_pinsr(b, 1, 1, RDI, 15));
    T("pextrq r13, xmm1, 1", x64_pextr(b, 8, R13, 1, 1));
    T("pextrd eax, xmm10, 2", x64_pextr(b, 4, RAX, 10, 2));
    T("pextrw r8d, xmm1, 5", x64_pextr(b, 2, R8, 1, 5));
    T("pextrb esi, xmm1, 9", x64_pextr(b, 1, RSI, 1, 9));
    END_FORMS();
}
END_TEST

START_TEST(test_overflow)
{
    uint8_t small[40];
    X64Buf b;

    x64_buf_init(&b, small, sizeof small, 0);
    for (int i = 0; i < 20; i++) {
        x64_movi(&b, X64_RAX, 0x123456789aull);
    }
    ck_assert(x64_buf_overflow(&b));
    /* Nothing past the end was written: the last full insn fits below 40. */
    ck_assert(b.p >= b.sink && b.p <= b.sink + sizeof b.sink);
    END_FORMS();
}
END_TEST

int main(void)
{
    if (cs_open(CS_ARCH_X86, CS_MODE_64, &cs) != CS_ERR_OK) {
        fprintf(stderr, "capstone: cannot open x86-64\n");
        return 1;
    }
    Suite *s = suite_create("x64-enc");
    TCase *tc = tcase_create("forms");
    tcase_add_test(tc, test_mov);
    tcase_add_test(tc, test_alu);
    tcase_add_test(tc, test_bmi);
    tcase_add_test(tc, test_atomic);
    tcase_add_test(tc, test_control);
    tcase_add_test(tc, test_sse);
    tcase_add_test(tc, test_overflow);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_set_fork_status(sr, CK_NOFORK);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    cs_close(&cs);
    return failed ? 1 : 0;
}
