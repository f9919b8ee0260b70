/*
 * sse-replay.c — runs the SSE float helpers on records of inputs and the
 * results the x86 CPU gave for them (written by test-sse.c) and reports
 * every difference. Built for arm64 and run under qemu-aarch64 by
 * test-sse's arm64 case, so the helpers' x86 results are checked on a host
 * whose float hardware has other NaN, flush and rounding details.
 *     sse-replay < records                    exit 1 on any difference
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frontend-x86/sse.h"
#include "tests/x86/sse-replay.h"

static uint32_t run(const SseRecord *r, X86Vec *d, uint32_t *mx)
{
    X86Cpu cpu;
    memset(&cpu, 0, sizeof(cpu));
    cpu.mxcsr = r->mxcsr;
    *d = r->a;
    uint32_t ret;
    switch (r->kind) {
    case SSE_REC_ARITH: ret = x86_sse_arith(&cpu, d, &r->b, r->sel); break;
    case SSE_REC_CMP:   ret = x86_sse_cmp(&cpu, d, &r->b, r->sel); break;
    case SSE_REC_HORIZ: ret = x86_sse_horiz(&cpu, d, &r->b, r->sel); break;
    case SSE_REC_ROUND: ret = x86_sse_round(&cpu, d, &r->b, r->sel); break;
    case SSE_REC_DP:    ret = x86_sse_dp(&cpu, d, &r->b, r->sel); break;
    case SSE_REC_CVT:   ret = x86_sse_cvt(&cpu, d, &r->b, r->sel); break;
    case SSE_REC_COMI:
        *d = (X86Vec){ { x86_sse_comi(&cpu, &r->a, &r->b, r->sel), 0 } };
        ret = 0;
        break;
    default:
        fprintf(stderr, "sse-replay: unknown record kind %u\n", r->kind);
        exit(2);
    }
    *mx = cpu.mxcsr;
    return ret;
}

int main(void)
{
    SseRecord r;
    unsigned n = 0, bad = 0;

    while (fread(&r, sizeof(r), 1, stdin) == 1) {
        X86Vec d;
        uint32_t mx, ret = run(&r, &d, &mx);
        n++;
        if (ret != 0 || memcmp(&d, &r.want, 16) != 0 || mx != r.want_mxcsr) {
            if (bad++ < 20) {
                printf("kind %u sel %#x mxcsr %04x a=%016llx:%016llx b=%016llx:%016llx\n"
                       "   x86    %016llx:%016llx mxcsr %04x\n   here   %016llx:%016llx mxcsr %04x\n",
                       r.kind, r.sel, r.mxcsr, (unsigned long long)r.a.q[1],
                       (unsigned long long)r.a.q[0], (unsigned long long)r.b.q[1],
                       (unsigned long long)r.b.q[0], (unsigned long long)r.want.q[1],
                       (unsigned long long)r.want.q[0], r.want_mxcsr,
                       (unsigned long long)d.q[1], (unsigned long long)d.q[0], mx);
            }
        }
    }
    printf("sse-replay: %u of %u records differ\n", bad, n);
    return bad != 0 || n == 0;
}
