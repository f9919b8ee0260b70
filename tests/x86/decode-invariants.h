/*
 * decode-invariants.h — properties every x86_decode() result must have,
 * whatever the bytes: shared by the guard-page random test (make check)
 * and the libFuzzer target. Header-only so both link nothing extra.
 */
#ifndef FERRY_TESTS_X86_DECODE_INVARIANTS_H
#define FERRY_TESTS_X86_DECODE_INVARIANTS_H

#include "frontend-x86/decode.h"

#include <string.h>

/*
 * Decode buf[0..len) in mode and check the result; returns NULL or a
 * description of the broken property. Re-decodes from `scratch` (at least
 * 16 bytes) to check that the answer only depends on the bytes it used.
 */
static inline const char *decode_check(const uint8_t *buf, size_t len,
                                       X86Mode mode, uint8_t *scratch)
{
    X86Insn a, b;
    int n = x86_decode(buf, len, mode, &a);
    if (n == X86_DECODE_TRUNCATED)
        return len >= X86_MAX_INSN_LEN ? "truncated with 15 bytes available"
                                       : NULL;
    if (n == X86_DECODE_TOO_LONG)
        return NULL;
    if (n < 1 || n > X86_MAX_INSN_LEN || (size_t)n > len)
        return "length out of range";
    if (a.len != n || a.op >= X86_OP__COUNT || a.mode != mode)
        return "inconsistent fields";
    if (a.imm_size > 8 || a.disp_size > 8 || a.opsize > 8 || a.addrsize > 8)
        return "field size out of range";
    /* The same bytes, exactly n of them, decode the same way ... */
    memcpy(scratch, buf, n);
    if (x86_decode(scratch, n, mode, &b) != n || memcmp(&a, &b, sizeof a))
        return "result depends on bytes past the instruction";
    /* ... and one byte fewer is truncated. */
    if (x86_decode(scratch, n - 1, mode, &b) != X86_DECODE_TRUNCATED)
        return "shorter buffer not reported truncated";
    return NULL;
}

#endif
