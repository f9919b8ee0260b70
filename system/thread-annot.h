/*
 * thread-annot.h — clang thread-safety annotations as small macros, so that
 * lock preconditions are written next to the code and checked by a build
 * with clang -Wthread-safety. They expand to nothing on other compilers.
 */
#ifndef FERRY_SYSTEM_THREAD_ANNOT_H
#define FERRY_SYSTEM_THREAD_ANNOT_H

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

#endif
