/*
 * bql.h — the big lock (BQL) that serializes device emulation, and SysMutex,
 * the annotated mutex every other system-side lock is made of (a lockless
 * device's own lock, for one). The lock order is written in bql.c.
 */
#ifndef FERRY_SYSTEM_BQL_H
#define FERRY_SYSTEM_BQL_H

#include <pthread.h>
#include <stdbool.h>

#include "system/thread-annot.h"

/* A plain mutex the thread-safety analysis knows about. */
typedef struct CAPABILITY("mutex") SysMutex {
    pthread_mutex_t m;
} SysMutex;

/* Initialise / destroy a SysMutex (not recursive). */
void sys_mutex_init(SysMutex *mu);
void sys_mutex_destroy(SysMutex *mu);

/* Take / release a SysMutex; aborts on a pthread error (a bug). */
void sys_mutex_lock(SysMutex *mu) ACQUIRE(mu);
void sys_mutex_unlock(SysMutex *mu) RELEASE(mu);

/* The BQL itself, as a capability for annotations: REQUIRES(sys_bql). */
extern SysMutex sys_bql;

/* Take the BQL. The calling thread must not hold it already. */
void sys_bql_lock(void) ACQUIRE(sys_bql);

/* Release the BQL held by the calling thread. */
void sys_bql_unlock(void) RELEASE(sys_bql);

/* Whether the calling thread holds the BQL. */
bool sys_bql_held(void);

/* Abort (debug builds) unless the calling thread holds the BQL; afterwards
 * the analysis treats it as held. */
void sys_bql_assert_held(void) ASSERT_CAPABILITY(sys_bql);

/* Wait on @cond, releasing the BQL while waiting and holding it again on
 * return (spurious wake-ups possible: callers loop on their predicate). */
void sys_bql_cond_wait(pthread_cond_t *cond) REQUIRES(sys_bql);

#endif
