/*
 * main-loop.c — the main loop: a GMainContext whose poll function drops the
 * BQL around the sleep, a GSource that turns the two clocks' timer lists
 * into poll timeouts and runs expired timers, fd watches and deferred calls
 * (a SysCallQueue: vCPUs hand requests to the loop through it).
 */
#include "system/main-loop.h"

#include "system/callq.h"

#include <assert.h>
#include <glib-unix.h>
#include <stdatomic.h>

/* Set once by sys_main_loop_init, read-only afterwards. */
static GMainContext *loop_ctx;
static GThread *loop_thread;
static SysCallQueue *loop_calls;
static SysClock *loop_clocks[SYS_CLOCK__COUNT];
static bool vclock_running GUARDED_BY(sys_bql);
static atomic_bool loop_quit;

/* ---- poll with the BQL released ------------------------------------------ */

/* glib calls this with its context lock dropped; whoever iterates holds the
 * BQL (dynamic, hence no static analysis). */
NO_THREAD_SAFETY_ANALYSIS
static gint bql_poll(GPollFD *fds, guint nfds, gint timeout)
{
    bool held = sys_bql_held();
    gint r;

    if (held) {
        sys_bql_unlock();
    }
    r = g_poll(fds, nfds, timeout);
    if (held) {
        sys_bql_lock();
    }
    return r;
}

/* ---- timer source -------------------------------------------------------- */

/* ns until the earliest timer on a running clock, or -1 for none. */
NO_THREAD_SAFETY_ANALYSIS   /* runs inside an iteration: BQL held */
static int64_t timer_wait_ns(void)
{
    int64_t best = -1;

    for (int i = 0; i < SYS_CLOCK__COUNT; i++) {
        int64_t dl = sys_clock_next_deadline(loop_clocks[i]);
        int64_t wait;

        if (dl == INT64_MAX || (i == SYS_CLOCK_VIRTUAL && !vclock_running)) {
            continue;
        }
        wait = dl - sys_clock_ns(loop_clocks[i]);
        wait = wait < 0 ? 0 : wait;
        if (best < 0 || wait < best) {
            best = wait;
        }
    }
    return best;
}

static gboolean timer_prepare(GSource *src, gint *timeout)
{
    int64_t ns = timer_wait_ns();

    /* Round up so that the loop never wakes just before a deadline. */
    *timeout = ns < 0 ? -1 : (gint)MIN((ns + 999999) / 1000000, G_MAXINT);
    return ns == 0;
}

static gboolean timer_check(GSource *src)
{
    return timer_wait_ns() == 0;
}

NO_THREAD_SAFETY_ANALYSIS   /* runs inside an iteration: BQL held */
static gboolean timer_dispatch(GSource *src, GSourceFunc cb, gpointer data)
{
    sys_clock_run_expired(loop_clocks[SYS_CLOCK_REALTIME]);
    if (vclock_running) {
        sys_clock_run_expired(loop_clocks[SYS_CLOCK_VIRTUAL]);
    }
    return G_SOURCE_CONTINUE;
}

static GSourceFuncs timer_source_funcs = {
    .prepare = timer_prepare,
    .check = timer_check,
    .dispatch = timer_dispatch,
};

static void clock_notify(void *opaque)
{
    sys_main_loop_wakeup();
}

/* ---- setup and clocks ---------------------------------------------------- */

NO_THREAD_SAFETY_ANALYSIS   /* single-threaded start-up */
void sys_main_loop_init(void)
{
    GSource *ts;

    assert(!loop_ctx);
    loop_ctx = g_main_context_new();
    loop_thread = g_thread_self();
    g_main_context_set_poll_func(loop_ctx, bql_poll);
    for (int i = 0; i < SYS_CLOCK__COUNT; i++) {
        loop_clocks[i] = sys_clock_new_host();
        sys_clock_set_notify(loop_clocks[i], clock_notify, NULL);
    }
    sys_clock_set_enabled(loop_clocks[SYS_CLOCK_VIRTUAL], false);
    ts = g_source_new(&timer_source_funcs, sizeof(GSource));
    g_source_set_name(ts, "sys-timers");
    g_source_attach(ts, loop_ctx);
    g_source_unref(ts);
    loop_calls = sys_callq_new(loop_ctx, "sys-calls");
}

GMainContext *sys_main_loop_context(void)
{
    return loop_ctx;
}

SysClock *sys_main_loop_clock(SysClockType type)
{
    assert(type < SYS_CLOCK__COUNT);
    return loop_clocks[type];
}

int64_t sys_clock_get_ns(SysClockType type)
{
    return sys_clock_ns(sys_main_loop_clock(type));
}

void sys_main_loop_clock_run(bool run)
{
    vclock_running = run;
    sys_clock_set_enabled(loop_clocks[SYS_CLOCK_VIRTUAL], run);
    sys_main_loop_wakeup();
}

SysTimer *sys_timer_new(SysClockType type, SysTimerCb cb, void *opaque)
{
    SysTimer *t = g_new0(SysTimer, 1);

    sys_timer_init(t, sys_main_loop_clock(type), cb, opaque);
    return t;
}

void sys_timer_free(SysTimer *t)
{
    if (t) {
        sys_timer_del(t);
        g_free(t);
    }
}

/* ---- fd watches and deferred calls --------------------------------------- */

typedef struct FdWatch {
    SysFdFn fn;
    void *opaque;
} FdWatch;

static gboolean fd_watch_cb(gint fd, GIOCondition cond, gpointer data)
{
    FdWatch *w = data;

    return w->fn(fd, cond, w->opaque) ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

guint sys_main_loop_add_fd(int fd, GIOCondition cond, SysFdFn fn, void *opaque)
{
    GSource *src = g_unix_fd_source_new(fd, cond);
    FdWatch *w = g_new0(FdWatch, 1);
    guint id;

    w->fn = fn;
    w->opaque = opaque;
    g_source_set_callback(src, (GSourceFunc)(void (*)(void))fd_watch_cb, w,
                          g_free);
    id = g_source_attach(src, loop_ctx);
    g_source_unref(src);
    return id;
}

void sys_main_loop_remove_watch(guint id)
{
    GSource *src = g_main_context_find_source_by_id(loop_ctx, id);

    if (src) {
        g_source_destroy(src);
    }
}

uint64_t sys_main_loop_call(void (*fn)(void *opaque), void *opaque)
{
    return sys_callq_push(loop_calls, fn, opaque);
}

void sys_main_loop_cancel_call(uint64_t id)
{
    sys_callq_cancel(loop_calls, id);
}

/* ---- running ------------------------------------------------------------- */

bool sys_main_loop_iterate(bool block)
{
    assert(sys_main_loop_is_current());
    return g_main_context_iteration(loop_ctx, block);
}

void sys_main_loop_run(void)
{
    while (!atomic_exchange(&loop_quit, false)) {
        sys_main_loop_iterate(true);
    }
}

void sys_main_loop_quit(void)
{
    atomic_store(&loop_quit, true);
    sys_main_loop_wakeup();
}

void sys_main_loop_wakeup(void)
{
    g_main_context_wakeup(loop_ctx);
}

bool sys_main_loop_is_current(void)
{
    return loop_thread == g_thread_self();
}
