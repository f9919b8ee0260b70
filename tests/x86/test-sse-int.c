/*
 * test-sse-int.c — the SSE integer, shuffle, pack, blend, move-mask, PTEST,
 * CRC32, AES-NI, PCLMULQDQ and PCMPxSTRx helpers against the same instructions run natively
 * on this CPU (inline asm, or generated code for every PCMPxSTRx imm8).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "frontend-x86/decode.h"
#include "frontend-x86/sse.h"
#include "tests/x86/sse-native.h"

/* ---------------------------------------------------------------------- */
/* Integer, shuffle and pack helpers                                       */

/* Native xmm = op(xmm) with an immediate only (shifts by imm). */
#define NAT1(fname, text)                                                       \
    static uint32_t fname(X86Vec *d, const X86Vec *s, uint32_t mx)              \
    {                                                                           \
        V2 a = v2_of(d);                                                        \
        (void)s; (void)mx;                                                      \
        __asm__(text " %[a]" : [a] "+x"(a));                                    \
        *d = vec_of(a);                                                         \
        return 0;                                                               \
    }

#define INT_OPS(X) \
    X(PADDB, paddb) X(PADDW, paddw) X(PADDD, paddd) X(PADDQ, paddq) \
    X(PSUBB, psubb) X(PSUBW, psubw) X(PSUBD, psubd) X(PSUBQ, psubq) \
    X(PADDSB, paddsb) X(PADDSW, paddsw) X(PADDUSB, paddusb) X(PADDUSW, paddusw) \
    X(PSUBSB, psubsb) X(PSUBSW, psubsw) X(PSUBUSB, psubusb) X(PSUBUSW, psubusw) \
    X(PAVGB, pavgb) X(PAVGW, pavgw) \
    X(PMINUB, pminub) X(PMAXUB, pmaxub) X(PMINSB, pminsb) X(PMAXSB, pmaxsb) \
    X(PMINUW, pminuw) X(PMAXUW, pmaxuw) X(PMINSW, pminsw) X(PMAXSW, pmaxsw) \
    X(PMINUD, pminud) X(PMAXUD, pmaxud) X(PMINSD, pminsd) X(PMAXSD, pmaxsd) \
    X(PCMPEQB, pcmpeqb) X(PCMPEQW, pcmpeqw) X(PCMPEQD, pcmpeqd) X(PCMPEQQ, pcmpeqq) \
    X(PCMPGTB, pcmpgtb) X(PCMPGTW, pcmpgtw) X(PCMPGTD, pcmpgtd) X(PCMPGTQ, pcmpgtq) \
    X(PMULLW, pmullw) X(PMULHW, pmulhw) X(PMULHUW, pmulhuw) X(PMULLD, pmulld) \
    X(PMULUDQ, pmuludq) X(PMULDQ, pmuldq) X(PMULHRSW, pmulhrsw) X(PMADDWD, pmaddwd) \
    X(PMADDUBSW, pmaddubsw) X(PSADBW, psadbw) X(PSIGNB, psignb) X(PSIGNW, psignw) \
    X(PSIGND, psignd) X(PABSB, pabsb) X(PABSW, pabsw) X(PABSD, pabsd) \
    X(PHADDW, phaddw) X(PHSUBW, phsubw) X(PHADDSW, phaddsw) X(PHSUBSW, phsubsw) \
    X(PHADDD, phaddd) X(PHSUBD, phsubd) X(PHMINPOSUW, phminposuw) \
    X(PSLLW, psllw) X(PSRLW, psrlw) X(PSRAW, psraw) X(PSLLD, pslld) X(PSRLD, psrld) \
    X(PSRAD, psrad) X(PSLLQ, psllq) X(PSRLQ, psrlq) \
    X(AESENC, aesenc) X(AESENCLAST, aesenclast) X(AESDEC, aesdec) \
    X(AESDECLAST, aesdeclast) X(AESIMC, aesimc) \
    X(PSHUFB, pshufb) X(PUNPCKLBW, punpcklbw) X(PUNPCKLWD, punpcklwd) \
    X(PUNPCKLDQ, punpckldq) X(PUNPCKLQDQ, punpcklqdq) X(PUNPCKHBW, punpckhbw) \
    X(PUNPCKHWD, punpckhwd) X(PUNPCKHDQ, punpckhdq) X(PUNPCKHQDQ, punpckhqdq) \
    X(UNPCKLPS, unpcklps) X(UNPCKHPS, unpckhps) X(UNPCKLPD, unpcklpd) X(UNPCKHPD, unpckhpd) \
    X(PACKSSWB, packsswb) X(PACKUSWB, packuswb) X(PACKSSDW, packssdw) X(PACKUSDW, packusdw) \
    X(PMOVSXBW, pmovsxbw) X(PMOVSXBD, pmovsxbd) X(PMOVSXBQ, pmovsxbq) X(PMOVSXWD, pmovsxwd) \
    X(PMOVSXWQ, pmovsxwq) X(PMOVSXDQ, pmovsxdq) X(PMOVZXBW, pmovzxbw) X(PMOVZXBD, pmovzxbd) \
    X(PMOVZXBQ, pmovzxbq) X(PMOVZXWD, pmovzxwd) X(PMOVZXWQ, pmovzxwq) X(PMOVZXDQ, pmovzxdq) \
    X(MOVSLDUP, movsldup) X(MOVSHDUP, movshdup) X(MOVDDUP, movddup)

#define IMM_OPS(X) \
    X(SHUFPS, shufps, 0x1b) X(SHUFPS, shufps, 0xe4) X(SHUFPS, shufps, 0x72) \
    X(SHUFPD, shufpd, 0) X(SHUFPD, shufpd, 3) X(SHUFPD, shufpd, 1) X(SHUFPD, shufpd, 2) \
    X(PSHUFD, pshufd, 0x1b) X(PSHUFD, pshufd, 0x4e) X(PSHUFLW, pshuflw, 0x1b) \
    X(PSHUFHW, pshufhw, 0x72) X(PBLENDW, pblendw, 0xa5) X(BLENDPS, blendps, 0x6) \
    X(BLENDPD, blendpd, 0x2) X(PALIGNR, palignr, 0) X(PALIGNR, palignr, 5) \
    X(PALIGNR, palignr, 16) X(PALIGNR, palignr, 21) X(PALIGNR, palignr, 40) \
    X(INSERTPS, insertps, 0x00) X(INSERTPS, insertps, 0xe5) X(INSERTPS, insertps, 0x5a) \
    X(MPSADBW, mpsadbw, 0) X(MPSADBW, mpsadbw, 7) X(MPSADBW, mpsadbw, 5) \
    X(PCLMULQDQ, pclmulqdq, 0x00) X(PCLMULQDQ, pclmulqdq, 0x01) \
    X(PCLMULQDQ, pclmulqdq, 0x10) X(PCLMULQDQ, pclmulqdq, 0x11) \
    X(PCLMULQDQ, pclmulqdq, 0xee) X(PCLMULQDQ, pclmulqdq, 0x3f) \
    X(AESKEYGENASSIST, aeskeygenassist, 0x00) X(AESKEYGENASSIST, aeskeygenassist, 0x01) \
    X(AESKEYGENASSIST, aeskeygenassist, 0x1b) X(AESKEYGENASSIST, aeskeygenassist, 0x80) \
    X(AESKEYGENASSIST, aeskeygenassist, 0xff)

#define SHIFT_IMM_OPS(X) \
    X(PSLLW, psllw, 3) X(PSLLW, psllw, 16) X(PSRLW, psrlw, 15) X(PSRAW, psraw, 9) \
    X(PSRAW, psraw, 200) X(PSLLD, pslld, 31) X(PSRLD, psrld, 7) X(PSRAD, psrad, 33) \
    X(PSLLQ, psllq, 63) X(PSRLQ, psrlq, 64) X(PSLLDQ, pslldq, 3) X(PSRLDQ, psrldq, 11) \
    X(PSLLDQ, pslldq, 16) X(PSRLDQ, psrldq, 255)

#define DEF_INT(op, mn) NAT(nat_##mn, #mn)
INT_OPS(DEF_INT)
#define DEF_IMM(op, mn, imm) NAT(nat_##mn##_##imm, #mn " $" #imm ",")
IMM_OPS(DEF_IMM)
#define DEF_SHI(op, mn, imm) NAT1(nat_##mn##_i##imm, #mn " $" #imm ",")
SHIFT_IMM_OPS(DEF_SHI)

typedef struct IntCase {
    const char *name;
    NativeFn native;
    unsigned op, imm;
} IntCase;

static const IntCase int_cases[] = {
#define INT_CASE(op, mn) { #mn, nat_##mn, X86_OP_##op, 0 },
    INT_OPS(INT_CASE)
#define IMM_CASE(op, mn, imm) { #mn " " #imm, nat_##mn##_##imm, X86_OP_##op, imm },
    IMM_OPS(IMM_CASE)
#define SHI_CASE(op, mn, imm) { #mn " imm " #imm, nat_##mn##_i##imm, X86_OP_##op, 0x100 | (imm) },
    SHIFT_IMM_OPS(SHI_CASE)
};

/* Lane patterns that reach saturation, sign and equality edges. */
static uint64_t pattern(unsigned k, unsigned half)
{
    static const uint64_t fixed[] = {
        0, ~0ull, 0x8000800080008000ull, 0x7fff7fff7fff7fffull, 0x8080808080808080ull,
        0x7f7f7f7f7f7f7f7full, 0x0001000100010001ull, 0x80000000ffffffffull,
        0x000000000000000full, 0x0000000000000021ull, 0x00ff00ff00ff00ffull,
    };
    unsigned n = sizeof(fixed) / sizeof(fixed[0]);
    if (k < n * n) {
        return fixed[half ? k / n : k % n];
    }
    uint64_t x = (k * 0x9e3779b97f4a7c15ull) ^ (half * 0xc2b2ae3d27d4eb4full);
    x ^= x >> 29;
    x *= 0xbf58476d1ce4e5b9ull;
    return x ^ (x >> 32);
}

START_TEST(test_int)
{
    const IntCase *c = &int_cases[_i];
    failures = 0;
    for (unsigned k = 0; k < 400; k++) {
        X86Vec a = { { pattern(k, 0), pattern(k + 7, 1) } };
        X86Vec b = { { pattern(k + 3, 1), pattern(k * 5, 0) } };
        if (k % 7 == 0) {
            b = a;
        }
        X86Vec want = a, got = a;
        c->native(&want, &b, 0x1f80);
        uint32_t r = x86_sse_int(&got, (c->imm & 0x100) ? &got : &b, c->op, c->imm);
        if (r != 0 || memcmp(&want, &got, 16) != 0) {
            report(c->name, 0, &a, &b, &want, 0, &got, 0);
        }
    }
    ck_assert_msg(failures == 0, "%s: %u mismatches", c->name, failures);
}
END_TEST

/* PTEST flags, move masks, blendv and CRC32 against the host. */
START_TEST(test_int_misc)
{
    failures = 0;
    for (unsigned k = 0; k < 400; k++) {
        X86Vec a = { { pattern(k, 0), pattern(k + 7, 1) } };
        X86Vec b = { { pattern(k + 3, 1), pattern(k * 5, 0) } };
        X86Vec m = { { pattern(k * 3, 1), pattern(k + 11, 0) } };
        V2 va = v2_of(&a), vb = v2_of(&b), vm = v2_of(&m);
        uint64_t fl;
        __asm__("ptest %[b], %[a]\n\tpushfq\n\tpopq %[f]" : [f] "=r"(fl) : [a] "x"(va), [b] "x"(vb) : "cc");
        ck_assert_uint_eq(x86_sse_ptest(&a, &b), fl & (X86_ZF | X86_CF));
        uint32_t mb, mps, mpd;
        __asm__("pmovmskb %[a], %[r]" : [r] "=r"(mb) : [a] "x"(va));
        __asm__("movmskps %[a], %[r]" : [r] "=r"(mps) : [a] "x"(va));
        __asm__("movmskpd %[a], %[r]" : [r] "=r"(mpd) : [a] "x"(va));
        ck_assert_uint_eq(x86_sse_movmsk(&a, X86_OP_PMOVMSKB), mb);
        ck_assert_uint_eq(x86_sse_movmsk(&a, X86_OP_MOVMSKPS), mps);
        ck_assert_uint_eq(x86_sse_movmsk(&a, X86_OP_MOVMSKPD), mpd);
        static const unsigned ops[3] = { X86_OP_PBLENDVB, X86_OP_BLENDVPS, X86_OP_BLENDVPD };
        for (unsigned i = 0; i < 3; i++) {
            register V2 x0 __asm__("xmm0") = vm;
            V2 r = va;
            if (i == 0) {
                __asm__("pblendvb %%xmm0, %[b], %[r]" : [r] "+x"(r) : [b] "x"(vb), "x"(x0));
            } else if (i == 1) {
                __asm__("blendvps %%xmm0, %[b], %[r]" : [r] "+x"(r) : [b] "x"(vb), "x"(x0));
            } else {
                __asm__("blendvpd %%xmm0, %[b], %[r]" : [r] "+x"(r) : [b] "x"(vb), "x"(x0));
            }
            X86Vec got = a, want = vec_of(r);
            x86_sse_blendv(&got, &b, &m, ops[i]);
            ck_assert_mem_eq(&got, &want, 16);
        }
        uint64_t crc = (uint32_t)b.q[1], c8 = crc, c16 = crc, c32 = crc, c64 = crc;
        __asm__("crc32b %b1, %k0" : "+r"(c8) : "r"(a.q[0]));
        __asm__("crc32w %w1, %k0" : "+r"(c16) : "r"(a.q[0]));
        __asm__("crc32l %k1, %k0" : "+r"(c32) : "r"(a.q[0]));
        __asm__("crc32q %1, %0" : "+r"(c64) : "r"(a.q[0]));
        ck_assert_uint_eq(x86_crc32c((uint32_t)crc, a.q[0], 1), c8);
        ck_assert_uint_eq(x86_crc32c((uint32_t)crc, a.q[0], 2), c16);
        ck_assert_uint_eq(x86_crc32c((uint32_t)crc, a.q[0], 4), c32);
        ck_assert_uint_eq(x86_crc32c((uint32_t)crc, a.q[0], 8), c64);
    }
}
END_TEST

/* ---------------------------------------------------------------------- */
/* PCMPxSTRx: every imm8 (bits 0-6), generated as native code at run time  */

typedef void (*PcmpFn)(const X86Vec *a, const X86Vec *b, uint64_t *out, uint64_t la,
                       uint64_t lb);

/* out[0] = rflags, out[1] = rcx, out[2..3] = xmm0 after
 * `pcmp<opc> $imm, xmm2, xmm1` with xmm1 = *a, xmm2 = *b, rax = la, rdx = lb. */
static PcmpFn gen_pcmp(uint8_t *page, uint8_t opc, bool rexw, uint8_t imm)
{
    static const uint8_t pre[] = {
        0x49, 0x89, 0xd1,             /* mov r9, rdx */
        0xf3, 0x0f, 0x6f, 0x0f,       /* movdqu xmm1, [rdi] */
        0xf3, 0x0f, 0x6f, 0x16,       /* movdqu xmm2, [rsi] */
        0x48, 0x89, 0xc8,             /* mov rax, rcx */
        0x4c, 0x89, 0xc2,             /* mov rdx, r8 */
        0x66, 0x0f, 0xef, 0xc0,       /* pxor xmm0, xmm0 */
        0x48, 0xc7, 0xc1, 0x55, 0x55, 0x55, 0x55,   /* mov rcx, 0x55555555 */
    };
    static const uint8_t post[] = {
        0x9c, 0x58,                   /* pushfq; pop rax */
        0x49, 0x89, 0x01,             /* mov [r9], rax */
        0x49, 0x89, 0x49, 0x08,       /* mov [r9+8], rcx */
        0xf3, 0x41, 0x0f, 0x7f, 0x41, 0x10,   /* movdqu [r9+16], xmm0 */
        0xc3,
    };
    size_t n = 0;
    memcpy(page, pre, sizeof(pre));
    n = sizeof(pre);
    page[n++] = 0x66;
    if (rexw) {
        page[n++] = 0x48;
    }
    page[n++] = 0x0f;
    page[n++] = 0x3a;
    page[n++] = opc;
    page[n++] = 0xca;                 /* xmm1, xmm2 */
    page[n++] = imm;
    memcpy(page + n, post, sizeof(post));
    __builtin___clear_cache((char *)page, (char *)page + n + sizeof(post));
    return (PcmpFn)(void *)page;
}

/* Strings with zeros in various places, repeated characters, ranges. */
static X86Vec pcmp_vec(unsigned k, unsigned which)
{
    X86Vec v;
    uint8_t *p = (uint8_t *)&v;
    uint64_t x = (k * 0x9e3779b97f4a7c15ull) ^ (which * 0xbf58476d1ce4e5b9ull);
    for (unsigned i = 0; i < 16; i++) {
        x ^= x >> 31;
        x *= 0x94d049bb133111ebull;
        unsigned r = (unsigned)(x >> 59);        /* 0..31 */
        p[i] = r < 2 ? 0 : r < 20 ? (uint8_t)('a' + (r & 3)) : r < 26 ? (uint8_t)(0x80 + (r & 1)) : (uint8_t)(x >> 40);
    }
    if (which == 0 && (k & 3) == 0) {            /* range pairs */
        p[0] = 'a'; p[1] = 'b'; p[2] = 0x80; p[3] = 0xff;
    }
    return v;
}

START_TEST(test_pcmpstr)
{
    uint8_t *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    static const struct { uint8_t opc; uint32_t ctl; const char *name; } forms[] = {
        { 0x60, X86_PCMPSTR_EXPLICIT | X86_PCMPSTR_MASK, "pcmpestrm" },
        { 0x61, X86_PCMPSTR_EXPLICIT, "pcmpestri" },
        { 0x62, X86_PCMPSTR_MASK, "pcmpistrm" },
        { 0x63, 0, "pcmpistri" },
    };
    static const int64_t lens[] = { 0, 1, 3, 7, 8, 9, 15, 16, 17, -2, -9, -17, 0x100000003ll };

    ck_assert_ptr_ne(page, MAP_FAILED);
    failures = 0;
    for (unsigned f = 0; f < 4; f++) {
        for (unsigned w = 0; w < 2; w++) {
            for (unsigned imm = 0; imm < 128; imm++) {
                PcmpFn fn = gen_pcmp(page, forms[f].opc, w, (uint8_t)imm);
                for (unsigned k = 0; k < 40; k++) {
                    X86Vec a = pcmp_vec(k, 0), b = pcmp_vec(k, 1);
                    if (k % 5 == 1) {
                        b = a;
                    }
                    uint64_t la = (uint64_t)lens[k % 13], lb = (uint64_t)lens[(k * 7 + 3) % 13];
                    uint64_t out[4];
                    fn(&a, &b, out, la, lb);
                    X86Vec x0 = { { 0, 0 } };
                    uint32_t ctl = imm | forms[f].ctl | (w ? X86_PCMPSTR_WIDE : 0);
                    uint64_t r = x86_sse_pcmpstr(&x0, &a, &b, ctl, la, lb);
                    bool ok = (r & 0xfff) == (out[0] & X86_OSZAPC);
                    if (forms[f].ctl & X86_PCMPSTR_MASK) {
                        ok = ok && x0.q[0] == out[2] && x0.q[1] == out[3];
                    } else {
                        ok = ok && (r >> 32) == out[1];
                    }
                    if (!ok) {
                        X86Vec want = { { out[2], out[0] & X86_OSZAPC } };
                        X86Vec got = { { x0.q[0], r & 0xfff } };
                        char name[64];
                        snprintf(name, sizeof(name), "%s imm=%02x w=%u la=%lld lb=%lld rcx=%llx/%llx",
                                 forms[f].name, imm, w, (long long)la, (long long)lb,
                                 (unsigned long long)out[1], (unsigned long long)(r >> 32));
                        report(name, 0, &a, &b, &want, 0, &got, 0);
                    }
                }
            }
        }
    }
    munmap(page, 4096);
    ck_assert_msg(failures == 0, "%u mismatches", failures);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Suite                                                                   */

#define COUNT(a) (int)(sizeof(a) / sizeof((a)[0]))

int main(void)
{
    Suite *s = suite_create("sse-int");
    TCase *ti = tcase_create("int");
    tcase_set_timeout(ti, 60);
    tcase_add_loop_test(ti, test_int, 0, COUNT(int_cases));
    tcase_add_test(ti, test_int_misc);
    tcase_add_test(ti, test_pcmpstr);
    suite_add_tcase(s, ti);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
