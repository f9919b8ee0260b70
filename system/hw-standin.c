/*
 * hw-standin.c — the big lock and a host clock with timers, standing in for
 * the hw branch's system/bql.c and system/clock.c until it lands (see
 * hw-standin.h). Same lock order as theirs: the BQL first, then leaf locks.
 */
#include "system/hw-standin.h"

#include <assert.h>
#include <glib.h>
#include <string.h>
#include <time.h>

#include "jit/fatal.h"

/* ---- the BQL ------------------------------------------------------------- */

SysMutex sys_bql = { PTHREAD_MUTEX_INITIALIZER };

/* Set only by the owning thread, so thread-local needs no lock. */
static __thread bool bql_held_here;

void sys_mutex_init(SysMutex *mu)
{
    int err = pthread_mutex_init(&mu->m, NULL);

    if (err) {
        ferry_die("pthread_mutex_init: %s", strerror(err));
    }
}

void sys_mutex_destroy(SysMutex *mu)
{
    pthread_mutex_destroy(&mu->m);
}

NO_THREAD_SAFETY_ANALYSIS
void sys_mutex_lock(SysMutex *mu)
{
    int err = pthread_mutex_lock(&mu->m);

    if (err) {
        ferry_die("pthread_mutex_lock: %s", strerror(err));
    }
}

NO_THREAD_SAFETY_ANALYSIS
void sys_mutex_unlock(SysMutex *mu)
{
    int err = pthread_mutex_unlock(&mu->m);

    if (err) {
        ferry_die("pthread_mutex_unlock: %s", strerror(err));
    }
}

void sys_bql_lock(void)
{
    assert(!bql_held_here);
    sys_mutex_lock(&sys_bql);
    bql_held_here = true;
}

void sys_bql_unlock(void)
{
    assert(bql_held_here);
    bql_held_here = false;
    sys_mutex_unlock(&sys_bql);
}

bool sys_bql_held(void)
{
    return bql_held_here;
}

NO_THREAD_SAFETY_ANALYSIS
void sys_bql_assert_held(void)
{
    assert(bql_held_here);
}

void sys_bql_cond_wait(pthread_cond_t *cond)
{
    assert(bql_held_here);
    bql_held_here = false;
    pthread_cond_wait(cond, &sys_bql.m);
    bql_held_here = true;
}

/* ---- host clocks and timers ---------------------------------------------- */

struct SysClock {
    /* Reading = host - offset while enabled, else frozen. Written under the
     * BQL (set_enabled), read lock-free by any thread. */
    _Atomic int64_t offset;
    _Atomic int64_t frozen;
    _Atomic bool enabled;
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

SysClock *sys_clock_new_host(void)
{
    SysClock *c = g_new0(SysClock, 1);

    c->offset = host_ns();
    c->enabled = true;
    return c;
}

NO_THREAD_SAFETY_ANALYSIS
void sys_clock_free(SysClock *c)
{
    assert(!c->timers);
    g_free(c);
}

int64_t sys_clock_ns(SysClock *c)
{
    if (!c->enabled) {
        return c->frozen;
    }
    return host_ns() - c->offset;
}

void sys_clock_set_enabled(SysClock *c, bool enabled)
{
    if (enabled == c->enabled) {
        return;
    }
    if (enabled) {
        c->offset = host_ns() - c->frozen;
        c->enabled = true;
        if (c->timers && c->notify) {
            c->notify(c->notify_opaque);
        }
    } else {
        c->frozen = host_ns() - c->offset;
        c->enabled = false;
    }
}

void sys_clock_set_notify(SysClock *c, void (*fn)(void *opaque), void *opaque)
{
    c->notify = fn;
    c->notify_opaque = opaque;
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
    if (t->clock->timers == t && t->clock->notify) {
        t->clock->notify(t->clock->notify_opaque);
    }
}

void sys_timer_del(SysTimer *t)
{
    if (t->pending) {
        timer_unlink(t);
    }
}
