/*
 * main-loop.c — the glib main loop with a timer source per clock. A clock
 * source's timeout is its next deadline rounded up to a millisecond (the
 * resolution of poll()), so timers fire at most 1 ms late; the deadline is
 * read under the BQL because devices arm timers under it.
 */
#include "system/main-loop.h"

#include <assert.h>

typedef struct ClockSource {
    GSource src;
    SysClock *clock;             /* immutable */
} ClockSource;

/* Set by init in the main thread before other threads start; the loop
 * object is thread-safe (g_main_loop_quit). */
static GMainContext *ctx;
static GMainLoop *loop;

NO_THREAD_SAFETY_ANALYSIS   /* lock taken and dropped here */
static int64_t deadline_in(SysClock *c)
{
    int64_t dl, now;

    sys_bql_lock();
    dl = sys_clock_next_deadline(c);
    now = sys_clock_ns(c);
    sys_bql_unlock();
    return dl == INT64_MAX ? -1 : dl <= now ? 0 : dl - now;
}

static gboolean clock_prepare(GSource *src, gint *timeout)
{
    int64_t ns = deadline_in(((ClockSource *)src)->clock);

    if (ns < 0) {
        *timeout = -1;
        return FALSE;
    }
    *timeout = ns > (int64_t)G_MAXINT * 1000000 ? G_MAXINT
                                                 : (ns + 999999) / 1000000;
    return ns == 0;
}

static gboolean clock_check(GSource *src)
{
    return deadline_in(((ClockSource *)src)->clock) == 0;
}

NO_THREAD_SAFETY_ANALYSIS   /* lock taken and dropped here */
static gboolean clock_dispatch(GSource *src, GSourceFunc cb, gpointer data)
{
    sys_bql_lock();
    sys_clock_run_expired(((ClockSource *)src)->clock);
    sys_bql_unlock();
    return G_SOURCE_CONTINUE;
}

static GSourceFuncs clock_funcs = {
    .prepare = clock_prepare, .check = clock_check,
    .dispatch = clock_dispatch,
};

static void wake_loop(void *opaque)
{
    g_main_context_wakeup(opaque);
}

void sys_main_loop_init(void)
{
    assert(!ctx);
    ctx = g_main_context_new();
    loop = g_main_loop_new(ctx, FALSE);
}

void sys_main_loop_fini(void)
{
    g_main_loop_unref(loop);
    g_main_context_unref(ctx);
    loop = NULL;
    ctx = NULL;
}

GMainContext *sys_main_loop_context(void)
{
    return ctx;
}

void sys_main_loop_add_clock(SysClock *clock)
{
    GSource *src = g_source_new(&clock_funcs, sizeof(ClockSource));

    ((ClockSource *)src)->clock = clock;
    g_source_set_name(src, "clock");
    sys_clock_set_notify(clock, wake_loop, ctx);
    g_source_attach(src, ctx);
    g_source_unref(src);
}

void sys_main_loop_run(void)
{
    g_main_context_push_thread_default(ctx);
    g_main_loop_run(loop);
    g_main_context_pop_thread_default(ctx);
}

void sys_main_loop_quit(void)
{
    g_main_loop_quit(loop);
    g_main_context_wakeup(ctx);
}

bool sys_main_loop_iterate(bool blocking)
{
    return g_main_context_iteration(ctx, blocking);
}
