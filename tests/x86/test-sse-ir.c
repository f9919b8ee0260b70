/*
 * test-sse-ir.c — every SSE form the translator handles (register and
 * memory operands, assembled by the host assembler below) is translated
 * one instruction per TB; the translation must not fall back to #UD and
 * its IR must pass ir_verify (types, argument counts, temp lifetimes).
 * Until a backend is in main this is how the SSE handlers are exercised.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend-x86/decode.h"
#include "frontend-x86/translate.h"
#include "jit/engine.h"
#include "jit/tb.h"

/* One stream of SSE instructions; walked with the decoder's lengths. */
extern const uint8_t sse_insns_start[], sse_insns_end[];
__asm__(".pushsection .rodata\n"
        "sse_insns_start:\n"
        /* moves */
        "movaps %xmm1, %xmm2\n movaps (%rax), %xmm3\n movaps %xmm4, 16(%rsp)\n"
        "movapd %xmm9, %xmm10\n movdqa (%rip), %xmm15\n movdqa %xmm1, (%rbx,%rcx,4)\n"
        "movups 3(%rax), %xmm1\n movupd %xmm2, 5(%rdx)\n movdqu (%rsi), %xmm0\n"
        "movdqu %xmm0, (%rdi)\n lddqu (%rsi), %xmm1\n movntdq %xmm2, (%rdi)\n"
        "movntps %xmm3, (%rdi)\n movntpd %xmm3, (%rdi)\n movnti %eax, (%rdi)\n"
        "movnti %rax, (%rdi)\n movntdqa (%rsi), %xmm1\n"
        "movss %xmm1, %xmm2\n movss (%rax), %xmm2\n movss %xmm3, (%rax)\n"
        "movsd %xmm1, %xmm2\n movsd (%rax), %xmm2\n movsd %xmm3, (%rax)\n"
        "movd %eax, %xmm1\n movd (%rax), %xmm1\n movd %xmm1, %eax\n movd %xmm2, (%rbx)\n"
        "movq %rax, %xmm1\n movq %xmm1, %rax\n movq (%rax), %xmm1\n movq %xmm1, (%rax)\n"
        "movq %xmm1, %xmm2\n"
        "movlps (%rax), %xmm1\n movlps %xmm1, (%rax)\n movhps (%rax), %xmm1\n"
        "movhps %xmm1, (%rax)\n movlpd (%rax), %xmm1\n movhpd %xmm1, (%rax)\n"
        "movhlps %xmm1, %xmm2\n movlhps %xmm1, %xmm2\n"
        "movmskps %xmm1, %eax\n movmskpd %xmm1, %eax\n pmovmskb %xmm1, %eax\n"
        "pinsrw $3, %eax, %xmm1\n pinsrw $7, (%rax), %xmm1\n pextrw $2, %xmm1, %eax\n"
        "pextrw $5, %xmm1, (%rax)\n pextrb $15, %xmm1, %eax\n pextrb $3, %xmm1, (%rax)\n"
        "pextrd $1, %xmm1, %eax\n pextrq $1, %xmm1, %rax\n extractps $2, %xmm1, %eax\n"
        "pinsrb $9, %eax, %xmm1\n pinsrb $1, (%rax), %xmm1\n pinsrd $2, %eax, %xmm1\n"
        "pinsrq $1, (%rax), %xmm1\n insertps $0x5a, %xmm2, %xmm1\n insertps $0x10, (%rax), %xmm1\n"
        /* shuffles */
        "shufps $0x1b, %xmm1, %xmm2\n shufpd $1, (%rax), %xmm2\n pshufd $0x4e, %xmm1, %xmm2\n"
        "pshuflw $0x1b, (%rax), %xmm2\n pshufhw $0x1b, %xmm1, %xmm2\n unpcklps %xmm1, %xmm2\n"
        "unpckhpd (%rax), %xmm2\n punpcklbw %xmm1, %xmm2\n punpckhqdq (%rax), %xmm2\n"
        "packsswb %xmm1, %xmm2\n packusdw %xmm1, %xmm2\n palignr $5, %xmm1, %xmm2\n"
        "pshufb (%rax), %xmm2\n pblendw $0xa5, %xmm1, %xmm2\n blendps $3, %xmm1, %xmm2\n"
        "blendpd $1, %xmm1, %xmm2\n blendvps %xmm0, %xmm1, %xmm2\n blendvpd %xmm0, (%rax), %xmm2\n"
        "movddup (%rax), %xmm1\n movddup %xmm2, %xmm1\n movsldup %xmm1, %xmm2\n movshdup (%rax), %xmm2\n"
        /* integer */
        "pxor %xmm1, %xmm1\n por (%rax), %xmm2\n pand %xmm1, %xmm2\n pandn %xmm1, %xmm2\n"
        "xorps %xmm1, %xmm2\n andnpd (%rax), %xmm2\n paddb %xmm1, %xmm2\n paddq (%rax), %xmm2\n"
        "psubw %xmm1, %xmm2\n pcmpeqb %xmm1, %xmm2\n pcmpeqb (%rdi), %xmm0\n pcmpgtd %xmm1, %xmm2\n"
        "pcmpeqq %xmm1, %xmm2\n pcmpgtq %xmm1, %xmm2\n"
        "paddusb %xmm1, %xmm2\n pminub (%rdi), %xmm2\n pmaxsw %xmm1, %xmm2\n pavgb %xmm1, %xmm2\n"
        "pmullw %xmm1, %xmm2\n pmuludq %xmm1, %xmm2\n pmaddwd %xmm1, %xmm2\n psadbw %xmm1, %xmm2\n"
        "pabsb %xmm1, %xmm2\n psignw %xmm1, %xmm2\n phaddd %xmm1, %xmm2\n pmulhrsw %xmm1, %xmm2\n"
        "pmaddubsw %xmm1, %xmm2\n pminud %xmm1, %xmm2\n pmulld %xmm1, %xmm2\n phminposuw %xmm1, %xmm2\n"
        "mpsadbw $5, %xmm1, %xmm2\n pclmulqdq $0x11, (%rax), %xmm2\n maskmovdqu %xmm1, %xmm2\n"
        "psllw $3, %xmm1\n psrlw $16, %xmm1\n psraw $20, %xmm1\n pslld $5, %xmm1\n psrad $31, %xmm1\n"
        "psllq $40, %xmm1\n psrlq $64, %xmm1\n pslldq $3, %xmm1\n psrldq $8, %xmm1\n"
        "psllw %xmm1, %xmm2\n psrad (%rax), %xmm2\n psrlq %xmm1, %xmm2\n"
        "ptest %xmm1, %xmm2\n ptest (%rax), %xmm2\n pblendvb %xmm0, %xmm1, %xmm2\n"
        "pmovzxbw %xmm1, %xmm2\n pmovzxbw (%rax), %xmm2\n pmovsxbq (%rax), %xmm2\n pmovsxdq %xmm1, %xmm2\n"
        /* float */
        "addps %xmm1, %xmm2\n addps (%rax), %xmm2\n addpd %xmm1, %xmm2\n addss (%rax), %xmm2\n"
        "addsd %xmm1, %xmm2\n subsd (%rax), %xmm2\n mulsd %xmm1, %xmm2\n divss %xmm1, %xmm2\n"
        "minsd %xmm1, %xmm2\n maxps (%rax), %xmm2\n sqrtsd %xmm1, %xmm2\n sqrtps %xmm1, %xmm2\n"
        "cmpps $1, %xmm1, %xmm2\n cmpsd $7, (%rax), %xmm2\n cmpss $4, %xmm1, %xmm2\n cmppd $0, %xmm1, %xmm2\n"
        "ucomiss %xmm1, %xmm2\n ucomisd (%rax), %xmm2\n comiss %xmm1, %xmm2\n comisd %xmm1, %xmm2\n"
        "haddps %xmm1, %xmm2\n hsubpd %xmm1, %xmm2\n addsubps %xmm1, %xmm2\n addsubpd (%rax), %xmm2\n"
        "roundps $1, %xmm1, %xmm2\n roundsd $4, (%rax), %xmm2\n roundss $9, %xmm1, %xmm2\n roundpd $2, %xmm1, %xmm2\n"
        "dpps $0xff, %xmm1, %xmm2\n dppd $0x31, %xmm1, %xmm2\n rcpps %xmm1, %xmm2\n rsqrtss (%rax), %xmm2\n"
        "rcpss %xmm1, %xmm2\n rsqrtps %xmm1, %xmm2\n"
        /* conversions */
        "cvtsi2sd %eax, %xmm1\n cvtsi2sdq %rax, %xmm1\n cvtsi2ssl (%rax), %xmm1\n cvtsi2ss %rax, %xmm1\n"
        "cvttsd2si %xmm1, %eax\n cvttsd2si %xmm1, %rax\n cvtsd2si (%rax), %eax\n cvtss2si %xmm1, %rax\n"
        "cvttss2si (%rax), %eax\n cvtss2sd %xmm1, %xmm2\n cvtsd2ss (%rax), %xmm2\n cvtps2pd %xmm1, %xmm2\n"
        "cvtpd2ps %xmm1, %xmm2\n cvtdq2ps (%rax), %xmm2\n cvtps2dq %xmm1, %xmm2\n cvttps2dq %xmm1, %xmm2\n"
        "cvtdq2pd %xmm1, %xmm2\n cvtpd2dq %xmm1, %xmm2\n cvttpd2dq (%rax), %xmm2\n"
        /* state and CRC32 */
        "ldmxcsr (%rax)\n stmxcsr 4(%rsp)\n fxsave (%rax)\n fxrstor (%rax)\n fxsave64 (%rax)\n"
        "pcmpistri $0x0c, %xmm1, %xmm2\n pcmpestri $0x44, (%rax), %xmm2\n pcmpistrm $0x40, (%rax), %xmm3\n"
        "pcmpestrm $0x1a, %xmm1, %xmm2\n"
        "crc32b %al, %ecx\n crc32w (%rax), %ecx\n crc32l %eax, %ecx\n crc32q %rax, %rcx\n"
        "sse_insns_end:\n"
        ".popsection\n");

static const uint8_t *code;
static size_t code_len;

static size_t fetch(JitCpu *cpu, uint64_t addr, uint8_t *buf, size_t len)
{
    (void)cpu;
    if (addr >= code_len) {
        return 0;
    }
    size_t n = code_len - addr < len ? code_len - addr : len;
    memcpy(buf, code + addr, n);
    return n;
}

START_TEST(test_translate_all)
{
    JitEngine engine;
    X86Cpu cpu;
    char *logbuf = NULL;
    size_t logsize = 0;
    unsigned n = 0, bad = 0;

    memset(&engine, 0, sizeof(engine));
    memset(&cpu, 0, sizeof(cpu));
    engine.log = open_memstream(&logbuf, &logsize);
    engine.log_mask = JIT_LOG_UNIMP;
    cpu.jit.engine = &engine;
    code = sse_insns_start;
    code_len = (size_t)(sse_insns_end - sse_insns_start);
    x86_tr_config.fetch = fetch;
    x86_tr_config.max_insns = 1;

    IrContext *ctx = ir_context_new();
    x86_translator.init_context(ctx);
    for (uint64_t pc = 0; pc < code_len; n++) {
        X86Insn insn;
        int len = x86_decode(code + pc, code_len - pc, X86_MODE_64, &insn);
        ck_assert_int_gt(len, 0);
        TbEntry tb;
        memset(&tb, 0, sizeof(tb));
        tb.pc = pc;
        tb.flags = X86_MODE_64;
        ir_reset(ctx);
        ck_assert_int_eq(x86_translator.translate(&cpu.jit, &tb, ctx), 0);
        char msg[256];
        fflush(engine.log);
        if (logsize != 0 || !ir_verify(ctx, msg, sizeof(msg))) {
            char text[128];
            x86_insn_print(&insn, text, sizeof(text));
            fprintf(stderr, "at %#llx %s: %s%s\n", (unsigned long long)pc, text,
                    logsize ? "unimplemented" : "IR invalid: ", logsize ? "" : msg);
            if (logsize == 0) {
                ir_print(ctx, stderr);
            }
            bad++;
            fclose(engine.log);
            free(logbuf);
            logbuf = NULL;
            logsize = 0;
            engine.log = open_memstream(&logbuf, &logsize);
        }
        if (getenv("SSE_IR_DUMP")) {
            char text[128];
            x86_insn_print(&insn, text, sizeof(text));
            fprintf(stderr, "---- %s\n", text);
            ir_print(ctx, stderr);
        }
        pc += (unsigned)len;
    }
    fclose(engine.log);
    free(logbuf);
    ck_assert_msg(bad == 0, "%u of %u instructions failed", bad, n);
    ck_assert_uint_gt(n, 150);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("sse-ir");
    TCase *tc = tcase_create("translate");
    tcase_add_test(tc, test_translate_all);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
