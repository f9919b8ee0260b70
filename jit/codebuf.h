/*
 * codebuf.h — the code buffer: one mmap'd region that generated code is
 * written to and run from. Where the host refuses writable+executable
 * pages (or when asked), the same memfd is mapped twice, once RW for the
 * translator and once RX for execution (W^X dual mapping).
 */
#ifndef FERRY_JIT_CODEBUF_H
#define FERRY_JIT_CODEBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum JitWxMode {
    JIT_WX_AUTO,                   /* RWX if the host allows it, else split */
    JIT_WX_RWX,                    /* one RWX mapping (fails if refused) */
    JIT_WX_SPLIT,                  /* RW + RX aliases of one memfd */
} JitWxMode;

/*
 * `used` is protected by the translation lock of the engine that owns the
 * buffer; the mappings themselves never change after jit_codebuf_new.
 */
typedef struct JitCodeBuf {
    uint8_t *rw;                   /* writable view */
    uint8_t *rx;                   /* executable view (== rw when not split) */
    size_t size;
    size_t used;
    bool split;
} JitCodeBuf;

/* Map a buffer of `size` bytes (rounded up to the host page). NULL on
 * failure with errno set. */
JitCodeBuf *jit_codebuf_new(size_t size, JitWxMode mode);
void jit_codebuf_free(JitCodeBuf *cb);

/* Reserve len bytes aligned to `align` (a power of two); NULL when full. */
uint8_t *jit_codebuf_alloc(JitCodeBuf *cb, size_t len, size_t align);
/* Bytes still free after aligning to `align`. */
size_t jit_codebuf_avail(const JitCodeBuf *cb, size_t align);
/* Forget everything (the caller guarantees no code runs from it). */
void jit_codebuf_reset(JitCodeBuf *cb);

static inline uintptr_t jit_codebuf_to_rx(const JitCodeBuf *cb, const uint8_t *rw)
{
    return (uintptr_t)(cb->rx + (rw - cb->rw));
}
static inline uint8_t *jit_codebuf_to_rw(const JitCodeBuf *cb, uintptr_t rx)
{
    return cb->rw + (rx - (uintptr_t)cb->rx);
}
static inline bool jit_codebuf_contains_rx(const JitCodeBuf *cb, uintptr_t rx)
{
    return rx >= (uintptr_t)cb->rx && rx < (uintptr_t)cb->rx + cb->size;
}

/* Make bytes written through rw visible to instruction fetch at rx. */
void jit_codebuf_sync(const JitCodeBuf *cb, uintptr_t rx, size_t len);

#endif
