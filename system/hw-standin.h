/*
 * hw-standin.h — the one coupling point with the hw branch until it lands:
 * a stand-in for system/thread-annot.h, system/bql.h and the part of
 * system/clock.h the main loop uses, with the same names and contracts, so
 * that switching over is deleting this file's body and including theirs.
 * Two clock functions here are not in hw's clock.h yet (marked ADDITION).
 */
#ifndef FERRY_SYSTEM_HW_STANDIN_H
#define FERRY_SYSTEM_HW_STANDIN_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

/* ---- thread-annot.h ---------------------------------------------------- */
#if defined(__clang__)
#define FERRY_TSA(x) __attribute__((x))
#else
#define FERRY_TSA(x)
#endif
#define CAPABILITY(name)        FERRY_TSA(capability(name))
#define GUARDED_BY(lock)        FERRY_TSA(guarded_by(lock))
#define PT_GUARDED_BY(lock)     FERRY_TSA(pt_guarded_by(lock))
#define REQUIRES(...)           FERRY_TSA(requires_capability(__VA_ARGS__))
#define EXCLUDES(...)           FERRY_TSA(locks_excluded(__VA_ARGS__))
#define ACQUIRE(...)            FERRY_TSA(acquire_capability(__VA_ARGS__))
#define RELEASE(...)            FERRY_TSA(release_capability(__VA_ARGS__))
#define ASSERT_CAPABILITY(x)    FERRY_TSA(assert_capability(x))
#define NO_THREAD_SAFETY_ANALYSIS FERRY_TSA(no_thread_safety_analysis)

/* ---- bql.h --------------------------------------------------------------- */
typedef struct CAPABILITY("mutex") SysMutex {
    pthread_mutex_t m;
} SysMutex;

void sys_mutex_init(SysMutex *mu);
void sys_mutex_destroy(SysMutex *mu);
void sys_mutex_lock(SysMutex *mu) ACQUIRE(mu);
void sys_mutex_unlock(SysMutex *mu) RELEASE(mu);

extern SysMutex sys_bql;

/* Take the BQL; the calling thread must not hold it already. */
void sys_bql_lock(void) ACQUIRE(sys_bql);
/* Release the BQL held by the calling thread. */
void sys_bql_unlock(void) RELEASE(sys_bql);
/* Whether the calling thread holds the BQL. */
bool sys_bql_held(void);
/* Abort (debug builds) unless the calling thread holds the BQL. */
void sys_bql_assert_held(void) ASSERT_CAPABILITY(sys_bql);
/* Wait on @cond with the BQL released; spurious wake-ups possible. */
void sys_bql_cond_wait(pthread_cond_t *cond) REQUIRES(sys_bql);

/* ---- clock.h (subset) ---------------------------------------------------- */
#define SYS_NS_PER_SEC INT64_C(1000000000)

typedef struct SysClock SysClock;
typedef struct SysTimer SysTimer;
typedef void (*SysTimerCb)(void *opaque);

/* A one-shot timer; fields private to the clock, GUARDED_BY(sys_bql). */
struct SysTimer {
    SysClock *clock;
    SysTimerCb cb;
    void *opaque;
    int64_t expire;
    bool pending;
    SysTimer *next;
};

/* A clock following CLOCK_MONOTONIC, reading 0 at creation. */
SysClock *sys_clock_new_host(void);
/* Free a clock with no pending timers. */
void sys_clock_free(SysClock *c);
/* The clock's time in ns. Any thread; never goes backwards. */
int64_t sys_clock_ns(SysClock *c);
/* Run every timer whose deadline has passed. Returns how many ran. */
int sys_clock_run_expired(SysClock *c) REQUIRES(sys_bql);
/* The earliest pending deadline, or INT64_MAX. */
int64_t sys_clock_next_deadline(SysClock *c) REQUIRES(sys_bql);
/* Prepare @t to call @cb(@opaque) on @c. */
void sys_timer_init(SysTimer *t, SysClock *c, SysTimerCb cb, void *opaque);
/* (Re)arm @t for @expire_ns; a deadline in the past fires at the next run. */
void sys_timer_mod(SysTimer *t, int64_t expire_ns) REQUIRES(sys_bql);
/* Disarm @t (no effect if not pending). */
void sys_timer_del(SysTimer *t) REQUIRES(sys_bql);

/* ADDITION: call @fn(@opaque) (under the BQL, from whoever arms the timer)
 * when a timer becomes the clock's earliest deadline, so that the thread
 * sleeping until the old deadline (the main loop) can be woken. */
void sys_clock_set_notify(SysClock *c, void (*fn)(void *opaque), void *opaque)
    REQUIRES(sys_bql);

/* ADDITION: stop or restart a host clock. A stopped clock keeps reading the
 * time at which it stopped; restarted, it continues from there (the virtual
 * clock while the machine is paused, like QEMU_CLOCK_VIRTUAL). Any thread. */
void sys_clock_set_enabled(SysClock *c, bool enabled) REQUIRES(sys_bql);

#endif
