/*
 * callq.h — a queue of deferred calls run by a GMainContext: any thread
 * pushes, the context's thread runs them in order from a GSource. The queue
 * has its own (pthread) lock rather than glib's, so that the hand-off is
 * visible to ThreadSanitizer, which cannot see glib's futex-based GMutex.
 */
#ifndef FERRY_SYSTEM_CALLQ_H
#define FERRY_SYSTEM_CALLQ_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct SysCallQueue SysCallQueue;

/* A queue whose calls run from @ctx (at default priority). */
SysCallQueue *sys_callq_new(GMainContext *ctx, const char *name);

/* Queue @fn(@opaque) and wake the context. Any thread. Returns a non-zero
 * id for sys_callq_cancel. */
uint64_t sys_callq_push(SysCallQueue *q, void (*fn)(void *opaque),
                        void *opaque);

/* Drop call @id if it has not started; returns whether it was dropped. */
bool sys_callq_cancel(SysCallQueue *q, uint64_t id);

/* Whether calls are waiting. Any thread. */
bool sys_callq_pending(SysCallQueue *q);

/* Detach from the context and free; queued calls are dropped. Call on the
 * context's thread (or when it no longer runs). */
void sys_callq_free(SysCallQueue *q);

#endif
