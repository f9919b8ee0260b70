/*
 * test-decode-random.c — a deterministic random-bytes run of x86_decode()
 * in every mode, with each input placed at the very end of a page that is
 * followed by a PROT_NONE guard page: a read past the given length
 * crashes the test. Every result is checked by decode_check().
 */
#include "tests/x86/decode-invariants.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#define ROUNDS 3000000   /* per mode: 9 million inputs, each decoded 3x */

static uint64_t rng = 0x2545f4914f6cdd1dull;

static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* Bytes biased toward prefixes and escapes so every path gets traffic. */
static uint8_t pick_byte(void)
{
    static const uint8_t hot[] = { 0x66, 0x67, 0xf2, 0xf3, 0xf0, 0x2e, 0x64,
                                   0x48, 0x41, 0x0f, 0x38, 0x3a, 0xc4, 0xc5,
                                   0x62, 0x8f, 0xd9, 0xf7, 0x0f, 0x0f };
    uint64_t r = next();
    return (r & 3) == 0 ? hot[(r >> 8) % sizeof hot] : (uint8_t)(r >> 16);
}

int main(void)
{
    long pg = sysconf(_SC_PAGESIZE);
    uint8_t *m = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED || mprotect(m + pg, pg, PROT_NONE)) {
        perror("mmap");
        return 2;
    }
    uint8_t *end = m + pg, scratch[32];
    unsigned long done = 0, ok = 0, bad = 0;
    for (int mode = X86_MODE_16; mode <= X86_MODE_64; mode++) {
        for (unsigned i = 0; i < ROUNDS; i++) {
            size_t len = next() % 18;          /* 0..17, past the limit */
            uint8_t *buf = end - len;
            for (size_t j = 0; j < len; j++)
                buf[j] = pick_byte();
            X86Insn in;
            ok += x86_decode(buf, len, (X86Mode)mode, &in) > 0;
            const char *why = decode_check(buf, len, (X86Mode)mode, scratch);
            done++;
            if (why && bad++ < 20) {
                printf("mode %d len %zu: %s:", mode, len, why);
                for (size_t j = 0; j < len; j++)
                    printf(" %02x", buf[j]);
                printf("\n");
            }
        }
    }
    printf("decoded %lu random inputs at a guard page (%lu complete), "
           "%lu broken invariants\n", done, ok, bad);
    return bad ? 1 : 0;
}
