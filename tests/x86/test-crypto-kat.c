/*
 * test-crypto-kat.c — the AES-NI and PCLMULQDQ helpers (sse-aes.c) on
 * known answers, on every host (the arm64 cross build runs it under
 * qemu-aarch64): FIPS-197 appendix C.1 (AES-128) and C.3 (AES-256 key
 * expansion through AESKEYGENASSIST and AESENC/AESENCLAST, decryption
 * through AESIMC/AESDEC/AESDECLAST) and carry-less products whose values
 * follow from polynomial arithmetic.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "frontend-x86/decode.h"
#include "frontend-x86/sse.h"

static SseLanes op(unsigned x86op, SseLanes a, SseLanes b, unsigned imm)
{
    SseLanes r;
    ck_assert(x86_sse_crypto(&r, &a, &b, x86op, imm));
    return r;
}

static SseLanes bytes(const char *hex)
{
    SseLanes v;
    for (unsigned i = 0; i < 16; i++) {
        char b[3] = { hex[2 * i], hex[2 * i + 1], 0 };
        v.b[i] = (uint8_t)strtoul(b, NULL, 16);
    }
    return v;
}

/* w[i..i+3] ^= prefix xors of w; then ^= the broadcast dword `take` of t
 * (the Intel white paper's key expansion step). */
static SseLanes expand_step(SseLanes k, SseLanes t, unsigned take)
{
    uint32_t x = t.d[take];
    k.d[1] ^= k.d[0];
    k.d[2] ^= k.d[1];
    k.d[3] ^= k.d[2];
    for (unsigned i = 0; i < 4; i++) {
        k.d[i] ^= x;
    }
    return k;
}

/* Encrypt and decrypt `pt` with the nr + 1 round keys rk. */
static void check_cipher(const SseLanes *rk, unsigned nr, const char *pt, const char *ct)
{
    SseLanes s = bytes(pt), want = bytes(ct), zero = { .q = { 0, 0 } };

    s.q[0] ^= rk[0].q[0];
    s.q[1] ^= rk[0].q[1];
    for (unsigned i = 1; i < nr; i++) {
        s = op(X86_OP_AESENC, s, rk[i], 0);
    }
    s = op(X86_OP_AESENCLAST, s, rk[nr], 0);
    ck_assert_mem_eq(s.b, want.b, 16);
    s.q[0] ^= rk[nr].q[0];
    s.q[1] ^= rk[nr].q[1];
    for (unsigned i = nr - 1; i > 0; i--) {
        s = op(X86_OP_AESDEC, s, op(X86_OP_AESIMC, zero, rk[i], 0), 0);
    }
    s = op(X86_OP_AESDECLAST, s, rk[0], 0);
    ck_assert_mem_eq(s.b, bytes(pt).b, 16);
}

START_TEST(test_fips197_c1_aes128)
{
    static const uint8_t rcon[10] = { 1, 2, 4, 8, 0x10, 0x20, 0x40, 0x80, 0x1b, 0x36 };
    SseLanes rk[11], zero = { .q = { 0, 0 } };

    rk[0] = bytes("000102030405060708090a0b0c0d0e0f");
    for (unsigned i = 1; i <= 10; i++) {
        rk[i] = expand_step(rk[i - 1], op(X86_OP_AESKEYGENASSIST, zero, rk[i - 1], rcon[i - 1]), 3);
    }
    ck_assert_mem_eq(rk[10].b, bytes("13111d7fe3944a17f307a78b4d2b30c5").b, 16);
    check_cipher(rk, 10, "00112233445566778899aabbccddeeff", "69c4e0d86a7b0430d8cdb78070b4c55a");
}
END_TEST

START_TEST(test_fips197_c3_aes256)
{
    static const uint8_t rcon[7] = { 1, 2, 4, 8, 0x10, 0x20, 0x40 };
    SseLanes rk[15], zero = { .q = { 0, 0 } };

    rk[0] = bytes("000102030405060708090a0b0c0d0e0f");
    rk[1] = bytes("101112131415161718191a1b1c1d1e1f");
    for (unsigned i = 2; i <= 14; i++) {
        /* even keys: RotWord+SubWord+rcon of the previous key's last word
         * (dword 3); odd keys: SubWord only (dword 2, rcon 0) */
        bool even = (i & 1) == 0;
        SseLanes t = op(X86_OP_AESKEYGENASSIST, zero, rk[i - 1], even ? rcon[i / 2 - 1] : 0);
        rk[i] = expand_step(rk[i - 2], t, even ? 3 : 2);
    }
    check_cipher(rk, 14, "00112233445566778899aabbccddeeff", "8ea2b7ca516745bfeafc49904b496089");
}
END_TEST

START_TEST(test_pclmulqdq)
{
    SseLanes a = { .q = { 3, 5 } }, b = { .q = { 7, 0x10 } }, ones = { .q = { ~0ull, ~0ull } };
    /* imm bit 0: a's qword, bit 4: b's; the other bits are ignored */
    static const struct { unsigned imm; uint64_t lo; } sel[] = {
        { 0x00, 9 }, { 0x01, 0x1b }, { 0x10, 0x30 }, { 0x11, 0x50 }, { 0xee, 9 }, { 0xff, 0x50 },
    };
    for (unsigned i = 0; i < sizeof(sel) / sizeof(sel[0]); i++) {
        SseLanes r = op(X86_OP_PCLMULQDQ, a, b, sel[i].imm);
        ck_assert_uint_eq(r.q[0], sel[i].lo);
        ck_assert_uint_eq(r.q[1], 0);
    }
    /* (x^63 + ... + 1)^2 = x^126 + x^124 + ... + 1 over GF(2) */
    SseLanes r = op(X86_OP_PCLMULQDQ, ones, ones, 0);
    ck_assert_uint_eq(r.q[0], 0x5555555555555555ull);
    ck_assert_uint_eq(r.q[1], 0x5555555555555555ull);
    /* x^63 * x^63 = x^126 */
    SseLanes h = { .q = { 1ull << 63, 0 } };
    r = op(X86_OP_PCLMULQDQ, h, h, 0);
    ck_assert_uint_eq(r.q[0], 0);
    ck_assert_uint_eq(r.q[1], 1ull << 62);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("crypto-kat");
    TCase *tc = tcase_create("kat");
    tcase_add_test(tc, test_fips197_c1_aes128);
    tcase_add_test(tc, test_fips197_c3_aes256);
    tcase_add_test(tc, test_pclmulqdq);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
