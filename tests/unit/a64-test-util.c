/*
 * a64-test-util.c — reference DecodeBitMasks and a MOVZ/MOVN/MOVK/ORR
 * evaluator for the arm64 encoder tests (see a64-test-util.h).
 */
#include "tests/unit/a64-test-util.h"

static uint64_t ones(int n)
{
    return n >= 64 ? ~0ull : (1ull << n) - 1;
}

bool a64t_decode_bitmask(bool sf, int n, int immr, int imms, uint64_t *out)
{
    int datasize = sf ? 64 : 32, len = -1, levels, s, r, esize, i;
    unsigned combined = (unsigned)n << 6 | (~imms & 63);
    uint64_t welem, elem, v = 0;

    /* The 32-bit forms require N = 0 (UNDEFINED otherwise). */
    if (!sf && n != 0) {
        return false;
    }
    for (i = 6; i >= 0; i--) {
        if (combined & (1u << i)) {
            len = i;
            break;
        }
    }
    if (len < 1) {
        return false;
    }
    levels = (int)ones(len);
    if ((imms & levels) == levels) {
        return false;
    }
    s = imms & levels;
    r = immr & levels;
    esize = 1 << len;
    welem = ones(s + 1);
    elem = r ? ((welem >> r) | (welem << (esize - r))) & ones(esize) : welem;
    for (i = 0; i < datasize; i += esize) {
        v |= elem << i;
    }
    *out = v & ones(datasize);
    return true;
}

bool a64t_eval_movi(const uint32_t *insn, int len, bool sf, int rd,
                    uint64_t *out)
{
    uint64_t v = 0, mask = sf ? ~0ull : 0xffffffffull;

    for (int i = 0; i < len; i++) {
        uint32_t w = insn[i];
        int hw = (w >> 21) & 3, shift = 16 * hw;
        uint64_t imm = (w >> 5) & 0xffff;

        if ((w & 31) != (uint32_t)rd || (w >> 31) != (uint32_t)sf) {
            return false;
        }
        switch ((w >> 23) & 0xff) {      /* opc:100101 / opc:100100 */
        case 0x25:                       /* MOVN */
            v = ~(imm << shift) & mask;
            break;
        case 0xa5:                       /* MOVZ */
            v = imm << shift;
            break;
        case 0xe5:                       /* MOVK */
            v = (v & ~(0xffffull << shift)) | imm << shift;
            break;
        case 0x64:                       /* ORR (immediate) */
            if (((w >> 5) & 31) != 31 ||
                !a64t_decode_bitmask(sf, (w >> 22) & 1, (w >> 16) & 63,
                                     (w >> 10) & 63, &v)) {
                return false;
            }
            break;
        default:
            return false;
        }
    }
    *out = v & mask;
    return true;
}
