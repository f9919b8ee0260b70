/*
 * iothread.c — an iothread is a GThread iterating its own GMainContext until
 * told to stop; work arrives through a SysCallQueue attached to that
 * context, so it runs in order and never with the BQL held.
 */
#include "system/iothread.h"

#include <assert.h>
#include <stdatomic.h>

#include "system/callq.h"
#include "system/bql.h"

struct SysIOThread {
    GMainContext *ctx;      /* immutable; glib locks it internally */
    SysCallQueue *calls;    /* immutable; has its own lock */
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
    /* Run what was queued before the stop request. */
    while (sys_callq_pending(io->calls)) {
        g_main_context_iteration(io->ctx, FALSE);
    }
    g_main_context_pop_thread_default(io->ctx);
    return NULL;
}

SysIOThread *sys_iothread_new(const char *name)
{
    SysIOThread *io = g_new0(SysIOThread, 1);

    io->ctx = g_main_context_new();
    io->calls = sys_callq_new(io->ctx, name);
    io->thread = g_thread_new(name, iothread_main, io);
    return io;
}

GMainContext *sys_iothread_context(SysIOThread *io)
{
    return io->ctx;
}

void sys_iothread_run_in(SysIOThread *io, void (*fn)(void *opaque),
                         void *opaque)
{
    sys_callq_push(io->calls, fn, opaque);
}

/* A synchronous call: the caller waits on cond for done. */
typedef struct SyncCall {
    void (*fn)(void *opaque);
    void *opaque;
    SysMutex lock;
    pthread_cond_t cond;
    bool done;                  /* under lock */
} SyncCall;

NO_THREAD_SAFETY_ANALYSIS   /* pthread_cond_signal on a SysMutex */
static void sync_call(void *opaque)
{
    SyncCall *sc = opaque;

    sc->fn(sc->opaque);
    sys_mutex_lock(&sc->lock);
    sc->done = true;
    pthread_cond_signal(&sc->cond);
    sys_mutex_unlock(&sc->lock);
}

NO_THREAD_SAFETY_ANALYSIS   /* pthread_cond_wait on a SysMutex */
void sys_iothread_run_in_sync(SysIOThread *io, void (*fn)(void *opaque),
                              void *opaque)
{
    SyncCall sc = { .fn = fn, .opaque = opaque };

    assert(!sys_iothread_is_current(io));
    sys_mutex_init(&sc.lock);
    pthread_cond_init(&sc.cond, NULL);
    sys_callq_push(io->calls, sync_call, &sc);
    sys_mutex_lock(&sc.lock);
    while (!sc.done) {
        pthread_cond_wait(&sc.cond, &sc.lock.m);
    }
    sys_mutex_unlock(&sc.lock);
    pthread_cond_destroy(&sc.cond);
    sys_mutex_destroy(&sc.lock);
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
    sys_callq_free(io->calls);
    g_main_context_unref(io->ctx);
    g_free(io);
}
