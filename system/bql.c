/*
 * bql.c — the big lock. It is a plain mutex plus a per-thread "held" flag so
 * that code reachable both with and without the lock (MMIO dispatch called
 * from a vCPU or from a device) can tell which case it is in.
 *
 * Lock order (outermost first), for all of system/ and hw/:
 *   1. the BQL
 *   2. a lockless device's own SysMutex (taken by dispatch or by the device;
 *      code holding one never takes the BQL or another device lock)
 *   3. leaf locks private to one module (none yet)
 * RCU read-side sections nest anywhere: inside or outside the BQL. Because a
 * reader may be waiting for the BQL inside its read-side section, no thread
 * may wait for a grace period (synchronize_rcu) while holding the BQL or a
 * device lock; memory map updates under the BQL free old views with call_rcu.
 */
#include "system/bql.h"

#include <assert.h>
#include <string.h>

#include "jit/fatal.h"

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
