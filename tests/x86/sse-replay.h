/*
 * sse-replay.h — the record test-sse.c writes and sse-replay.c reads: one
 * float helper call's selector, MXCSR and operands, with what the x86 CPU
 * produced for the same instruction. Host byte order (both little-endian).
 */
#ifndef FERRY_TESTS_X86_SSE_REPLAY_H
#define FERRY_TESTS_X86_SSE_REPLAY_H

#include <stdint.h>

#include "frontend-x86/cpu.h"

enum {
    SSE_REC_ARITH, SSE_REC_CMP, SSE_REC_HORIZ, SSE_REC_ROUND, SSE_REC_DP, SSE_REC_CVT,
    SSE_REC_COMI,                  /* want.q[0]: the OSZAPC bits */
};

typedef struct SseRecord {
    uint32_t kind, sel, mxcsr, want_mxcsr;
    X86Vec a, b;                   /* destination before, source */
    X86Vec want;                   /* destination after, on the x86 CPU */
} SseRecord;

#endif
