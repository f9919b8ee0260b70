/*
 * callq.c — deferred calls: a list under a leaf SysMutex and a GSource that
 * is ready whenever the list is non-empty. Calls run without the queue lock
 * (they may push more calls).
 */
#include "system/callq.h"

#include "system/bql.h"

typedef struct Call {
    uint64_t id;
    void (*fn)(void *opaque);
    void *opaque;
} Call;

typedef struct CallSource {
    GSource src;
    SysCallQueue *q;
} CallSource;

struct SysCallQueue {
    GMainContext *ctx;          /* immutable */
    GSource *src;               /* immutable */
    SysMutex lock;
    /* Both under lock (C cannot name a sibling field in GUARDED_BY). */
    GQueue calls;                       /* of Call * */
    uint64_t next_id;
};

bool sys_callq_pending(SysCallQueue *q)
{
    bool pending;

    sys_mutex_lock(&q->lock);
    pending = !g_queue_is_empty(&q->calls);
    sys_mutex_unlock(&q->lock);
    return pending;
}

static gboolean callq_prepare(GSource *src, gint *timeout)
{
    *timeout = -1;
    return sys_callq_pending(((CallSource *)src)->q);
}

static gboolean callq_check(GSource *src)
{
    return sys_callq_pending(((CallSource *)src)->q);
}

static gboolean callq_dispatch(GSource *src, GSourceFunc cb, gpointer data)
{
    SysCallQueue *q = ((CallSource *)src)->q;
    guint n;

    /* Only the calls queued so far: new ones wait for the next iteration,
     * so a call that re-queues itself cannot starve the loop. */
    sys_mutex_lock(&q->lock);
    n = g_queue_get_length(&q->calls);
    sys_mutex_unlock(&q->lock);
    while (n--) {
        Call *c;

        sys_mutex_lock(&q->lock);
        c = g_queue_pop_head(&q->calls);
        sys_mutex_unlock(&q->lock);
        if (!c) {
            break;      /* cancelled meanwhile */
        }
        c->fn(c->opaque);
        g_free(c);
    }
    return G_SOURCE_CONTINUE;
}

static GSourceFuncs callq_funcs = {
    .prepare = callq_prepare,
    .check = callq_check,
    .dispatch = callq_dispatch,
};

SysCallQueue *sys_callq_new(GMainContext *ctx, const char *name)
{
    SysCallQueue *q = g_new0(SysCallQueue, 1);

    q->ctx = ctx;
    sys_mutex_init(&q->lock);
    g_queue_init(&q->calls);
    q->src = g_source_new(&callq_funcs, sizeof(CallSource));
    ((CallSource *)q->src)->q = q;
    g_source_set_name(q->src, name);
    g_source_attach(q->src, ctx);
    return q;
}

uint64_t sys_callq_push(SysCallQueue *q, void (*fn)(void *opaque),
                        void *opaque)
{
    Call *c = g_new0(Call, 1);
    uint64_t id;

    c->fn = fn;
    c->opaque = opaque;
    sys_mutex_lock(&q->lock);
    id = c->id = ++q->next_id;
    g_queue_push_tail(&q->calls, c);
    sys_mutex_unlock(&q->lock);
    g_main_context_wakeup(q->ctx);
    return id;
}

bool sys_callq_cancel(SysCallQueue *q, uint64_t id)
{
    bool found = false;

    sys_mutex_lock(&q->lock);
    for (GList *l = q->calls.head; l; l = l->next) {
        Call *c = l->data;

        if (c->id == id) {
            g_queue_delete_link(&q->calls, l);
            g_free(c);
            found = true;
            break;
        }
    }
    sys_mutex_unlock(&q->lock);
    return found;
}

NO_THREAD_SAFETY_ANALYSIS   /* no other user is left */
void sys_callq_free(SysCallQueue *q)
{
    g_source_destroy(q->src);
    g_source_unref(q->src);
    g_queue_clear_full(&q->calls, g_free);
    sys_mutex_destroy(&q->lock);
    g_free(q);
}
