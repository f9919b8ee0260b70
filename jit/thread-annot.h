/*
 * thread-annot.h — clang thread-safety annotations as small macros, so that
 * lock preconditions are written next to the code and checked by a build
 * with clang -Wthread-safety (scripts/check-thread-safety). They expand to
 * nothing on other compilers. The one copy: system/thread-annot.h includes
 * it. Also JitMutex, a pthread mutex the analysis knows about.
 */
#ifndef FERRY_JIT_THREAD_ANNOT_H
#define FERRY_JIT_THREAD_ANNOT_H

#include <pthread.h>
#include <stdlib.h>

#if defined(__clang__)
#define FERRY_TSA(x) __attribute__((x))
#else
#define FERRY_TSA(x)
#endif

/* A type that is a lock ("capability" in clang's words). */
#define CAPABILITY(name)        FERRY_TSA(capability(name))
/* A field only read or written with the lock held. */
#define GUARDED_BY(lock)        FERRY_TSA(guarded_by(lock))
/* A pointer field whose target is only touched with the lock held. */
#define PT_GUARDED_BY(lock)     FERRY_TSA(pt_guarded_by(lock))
/* The caller must hold the lock(s). */
#define REQUIRES(...)           FERRY_TSA(requires_capability(__VA_ARGS__))
/* The caller must not hold the lock(s) (the function takes them). */
#define EXCLUDES(...)           FERRY_TSA(locks_excluded(__VA_ARGS__))
/* The function takes / releases the lock(s). */
#define ACQUIRE(...)            FERRY_TSA(acquire_capability(__VA_ARGS__))
#define RELEASE(...)            FERRY_TSA(release_capability(__VA_ARGS__))
#define TRY_ACQUIRE(...)        FERRY_TSA(try_acquire_capability(__VA_ARGS__))
/* A run-time check after which the analysis may assume the lock is held. */
#define ASSERT_CAPABILITY(x)    FERRY_TSA(assert_capability(x))
/* Escape hatch for code whose locking is dynamic (say why where used). */
#define NO_THREAD_SAFETY_ANALYSIS FERRY_TSA(no_thread_safety_analysis)

/*
 * A plain (non-recursive) mutex as a capability. clang's C mode cannot name
 * a sibling struct field in GUARDED_BY, so locks that guard fields of a
 * struct are globals declared before it (see jit/engine.h).
 */
typedef struct CAPABILITY("mutex") JitMutex {
    pthread_mutex_t m;
} JitMutex;

#define JIT_MUTEX_INITIALIZER { PTHREAD_MUTEX_INITIALIZER }

/* Take / release; a pthread error is a bug and aborts. */
static inline void jit_mutex_lock(JitMutex *mu) ACQUIRE(mu) NO_THREAD_SAFETY_ANALYSIS
{
    if (pthread_mutex_lock(&mu->m) != 0) {
        abort();
    }
}

static inline void jit_mutex_unlock(JitMutex *mu) RELEASE(mu) NO_THREAD_SAFETY_ANALYSIS
{
    if (pthread_mutex_unlock(&mu->m) != 0) {
        abort();
    }
}

/* Wait on cond, releasing mu meanwhile; held again on return. */
static inline void jit_cond_wait(pthread_cond_t *cond, JitMutex *mu) REQUIRES(mu)
    NO_THREAD_SAFETY_ANALYSIS
{
    pthread_cond_wait(cond, &mu->m);
}

#endif
