/*
 * clock.c — virtual clocks and their timer lists. The time of a manual
 * clock is an atomic so vCPU threads can read it without the BQL; timer
 * lists are BQL-protected because timer callbacks are device code.
 */
#include "system/clock.h"

#include <assert.h>
#include <glib.h>
#include <time.h>

struct SysClock {
    bool manual;                      /* immutable */
    _Atomic int64_t now;              /* manual: current time */
    /* Host clocks read CLOCK_MONOTONIC - origin, or frozen when >= 0.
     * Written under the BQL, read by any thread: atomics. */
    _Atomic int64_t host_origin;
    _Atomic int64_t frozen;
    SysTimer *timers GUARDED_BY(sys_bql);
    void (*notify)(void *opaque) GUARDED_BY(sys_bql);
    void *notify_opaque GUARDED_BY(sys_bql);
};

static int64_t host_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * SYS_NS_PER_SEC + ts.tv_nsec;
}

SysClock *sys_clock_new_manual(int64_t start_ns)
{
    SysClock *c = g_new0(SysClock, 1);

    c->manual = true;
    c->now = start_ns;
    return c;
}

SysClock *sys_clock_new_host(void)
{
    SysClock *c = g_new0(SysClock, 1);

    c->host_origin = host_ns();
    c->frozen = -1;
    return c;
}

void sys_clock_set_notify(SysClock *c, void (*fn)(void *opaque),
                          void *opaque)
{
    c->notify = fn;
    c->notify_opaque = opaque;
}

NO_THREAD_SAFETY_ANALYSIS
void sys_clock_free(SysClock *c)
{
    assert(!c->timers);
    g_free(c);
}

int64_t sys_clock_ns(SysClock *c)
{
    int64_t f;

    if (c->manual) {
        return c->now;
    }
    f = c->frozen;
    return f >= 0 ? f : host_ns() - c->host_origin;
}

void sys_clock_set_enabled(SysClock *c, bool enabled)
{
    if (c->manual) {
        return;
    }
    if (!enabled && c->frozen < 0) {
        c->frozen = host_ns() - c->host_origin;
    } else if (enabled && c->frozen >= 0) {
        /* Origin first: a reader seeing frozen == -1 sees the new origin. */
        c->host_origin = host_ns() - c->frozen;
        c->frozen = -1;
    }
}

static void timer_unlink(SysTimer *t) REQUIRES(sys_bql)
{
    SysTimer **link = &t->clock->timers;

    while (*link != t) {
        link = &(*link)->next;
    }
    *link = t->next;
    t->next = NULL;
    t->pending = false;
}

int64_t sys_clock_next_deadline(SysClock *c)
{
    return c->timers ? c->timers->expire : INT64_MAX;
}

int sys_clock_run_expired(SysClock *c)
{
    int n = 0;

    while (c->timers && c->timers->expire <= sys_clock_ns(c)) {
        SysTimer *t = c->timers;

        timer_unlink(t);
        t->cb(t->opaque);       /* may re-arm t or others */
        n++;
    }
    return n;
}

void sys_clock_advance(SysClock *c, int64_t ns)
{
    int64_t target = c->now + ns;

    assert(c->manual && ns >= 0);
    while (c->timers && c->timers->expire <= target) {
        if (c->timers->expire > c->now) {
            c->now = c->timers->expire;
        }
        sys_clock_run_expired(c);
    }
    c->now = target;
}

void sys_timer_init(SysTimer *t, SysClock *c, SysTimerCb cb, void *opaque)
{
    t->clock = c;
    t->cb = cb;
    t->opaque = opaque;
    t->pending = false;
    t->next = NULL;
}

void sys_timer_mod(SysTimer *t, int64_t expire_ns)
{
    SysTimer **link;

    if (t->pending) {
        timer_unlink(t);
    }
    t->expire = expire_ns;
    link = &t->clock->timers;
    while (*link && (*link)->expire <= expire_ns) {
        link = &(*link)->next;
    }
    t->next = *link;
    *link = t;
    t->pending = true;
    if (link == &t->clock->timers && t->clock->notify) {
        t->clock->notify(t->clock->notify_opaque);
    }
}

void sys_timer_del(SysTimer *t)
{
    if (t->pending) {
        timer_unlink(t);
    }
}

uint64_t sys_tsc_from_ns(int64_t ns)
{
    return (unsigned __int128)ns * SYS_TSC_HZ / SYS_NS_PER_SEC;
}

int64_t sys_ns_from_tsc(uint64_t tsc)
{
    unsigned __int128 ns = ((unsigned __int128)tsc * SYS_NS_PER_SEC +
                            SYS_TSC_HZ - 1) / SYS_TSC_HZ;

    return ns > INT64_MAX ? INT64_MAX : (int64_t)ns;
}

_Static_assert(SYS_TSC_HZ ==
               (int64_t)SYS_TSC_CRYSTAL_HZ * SYS_TSC_CRYSTAL_RATIO,
               "CPUID leaf 0x15 must describe SYS_TSC_HZ");
