/*
 * fuzz-decode.c — libFuzzer target for x86_decode(). The first input byte
 * picks the mode; the rest is the instruction buffer, copied to a heap
 * block of exactly that size so ASan catches any read past it. Build and
 * run with `make fuzz-decode` (clang-16), not part of make check.
 */
#include "tests/x86/decode-invariants.h"

#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    X86Mode mode = (X86Mode)(data[0] % 3);
    size_t len = size - 1;
    uint8_t *buf = malloc(len ? len : 1), scratch[32];
    memcpy(buf, data + 1, len);
    const char *why = decode_check(buf, len, mode, scratch);
    free(buf);
    if (why) {
        fprintf(stderr, "invariant broken: %s\n", why);
        abort();
    }
    return 0;
}
