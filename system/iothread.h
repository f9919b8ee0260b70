/*
 * iothread.h — an I/O thread: its own host thread and GMainContext running
 * work outside the BQL (a device queue such as virtio-blk dataplane). Work
 * that touches BQL-protected state must take the BQL itself.
 */
#ifndef FERRY_SYSTEM_IOTHREAD_H
#define FERRY_SYSTEM_IOTHREAD_H

#include <glib.h>
#include <stdbool.h>

typedef struct SysIOThread SysIOThread;

/* Start an iothread named @name (the host thread's name too). */
SysIOThread *sys_iothread_new(const char *name);

/* The iothread's context, to attach sources (fd watches, timeouts) to. */
GMainContext *sys_iothread_context(SysIOThread *io);

/* Queue @fn(@opaque) to run on the iothread, without the BQL. Any thread;
 * calls run in the order queued. */
void sys_iothread_run_in(SysIOThread *io, void (*fn)(void *opaque),
                         void *opaque);

/* Like sys_iothread_run_in but wait until @fn has returned. Must not be
 * called from @io itself; if the caller holds the BQL, @fn must not take it. */
void sys_iothread_run_in_sync(SysIOThread *io, void (*fn)(void *opaque),
                              void *opaque);

/* Whether the calling thread is @io's thread. */
bool sys_iothread_is_current(SysIOThread *io);

/* Run the work already queued, stop the thread, join it and free @io. */
void sys_iothread_free(SysIOThread *io);

#endif
