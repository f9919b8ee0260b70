/*
 * iothread.c — an iothread is a GThread iterating its own GMainContext until
 * told to stop; work arrives as idle sources attached to that context, so it
 * runs in order and never with the BQL held.
 */
#include "system/iothread.h"

#include <assert.h>
#include <stdatomic.h>

struct SysIOThread {
    GMainContext *ctx;      /* immutable; glib locks it internally */
    GThread *thread;        /* immutable after new */
    atomic_bool stop;       /* set by free, read by the thread */
};

static gpointer iothread_main(gpointer data)
{
    SysIOThread *io = data;

    g_main_context_push_thread_default(io->ctx);
    while (!atomic_load(&io->stop)) {
        g_main_context_iteration(io->ctx, TRUE);
    }
    /* Drain what was queued before the stop request. */
    while (g_main_context_iteration(io->ctx, FALSE)) {
    }
    g_main_context_pop_thread_default(io->ctx);
    return NULL;
}

SysIOThread *sys_iothread_new(const char *name)
{
    SysIOThread *io = g_new0(SysIOThread, 1);

    io->ctx = g_main_context_new();
    io->thread = g_thread_new(name, iothread_main, io);
    return io;
}

GMainContext *sys_iothread_context(SysIOThread *io)
{
    return io->ctx;
}

typedef struct IOWork {
    void (*fn)(void *opaque);
    void *opaque;
    /* sync only: done is written under lock and waited for with cond */
    GMutex *lock;
    GCond *cond;
    bool *done;
} IOWork;

static gboolean iowork_cb(gpointer data)
{
    IOWork *w = data;

    w->fn(w->opaque);
    if (w->done) {
        g_mutex_lock(w->lock);
        *w->done = true;
        g_cond_signal(w->cond);
        g_mutex_unlock(w->lock);
    }
    return G_SOURCE_REMOVE;
}

static void queue_work(SysIOThread *io, IOWork *w)
{
    GSource *src = g_idle_source_new();

    g_source_set_priority(src, G_PRIORITY_DEFAULT);
    g_source_set_callback(src, iowork_cb, w, g_free);
    g_source_attach(src, io->ctx);
    g_source_unref(src);
}

void sys_iothread_run_in(SysIOThread *io, void (*fn)(void *opaque),
                         void *opaque)
{
    IOWork *w = g_new0(IOWork, 1);

    w->fn = fn;
    w->opaque = opaque;
    queue_work(io, w);
}

void sys_iothread_run_in_sync(SysIOThread *io, void (*fn)(void *opaque),
                              void *opaque)
{
    IOWork *w = g_new0(IOWork, 1);
    GMutex lock;
    GCond cond;
    bool done = false;

    assert(!sys_iothread_is_current(io));
    g_mutex_init(&lock);
    g_cond_init(&cond);
    w->fn = fn;
    w->opaque = opaque;
    w->lock = &lock;
    w->cond = &cond;
    w->done = &done;
    queue_work(io, w);
    g_mutex_lock(&lock);
    while (!done) {
        g_cond_wait(&cond, &lock);
    }
    g_mutex_unlock(&lock);
    g_mutex_clear(&lock);
    g_cond_clear(&cond);
}

bool sys_iothread_is_current(SysIOThread *io)
{
    return g_thread_self() == io->thread;
}

void sys_iothread_free(SysIOThread *io)
{
    atomic_store(&io->stop, true);
    g_main_context_wakeup(io->ctx);
    g_thread_join(io->thread);
    g_main_context_unref(io->ctx);
    g_free(io);
}
