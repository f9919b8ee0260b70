/*
 * tsan.h — tells ThreadSanitizer about the ordering liburcu provides, which
 * it cannot see (liburcu is not instrumented): publication into and lookup
 * from the lock-free TB table, and read-side sections ending before the
 * callbacks of a later grace period. Compiles to nothing outside TSan builds
 * (tests/unit/tsan-engine.sh).
 */
#ifndef FERRY_JIT_TSAN_H
#define FERRY_JIT_TSAN_H

#if defined(__SANITIZE_THREAD__)
#define FERRY_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define FERRY_TSAN 1
#endif
#endif

#ifdef FERRY_TSAN
void __tsan_acquire(void *addr);
void __tsan_release(void *addr);
extern char jit_tsan_rcu_gp;
/* An object published through liburcu (release) / found through it (acquire). */
#define JIT_TSAN_PUBLISH(p)      __tsan_release(p)
#define JIT_TSAN_FOUND(p)        __tsan_acquire(p)
/* A read-side section ends / a grace-period callback starts. */
#define JIT_TSAN_READER_DONE()   __tsan_release(&jit_tsan_rcu_gp)
#define JIT_TSAN_GP_DONE()       __tsan_acquire(&jit_tsan_rcu_gp)
#else
#define JIT_TSAN_PUBLISH(p)      ((void)(p))
#define JIT_TSAN_FOUND(p)        ((void)(p))
#define JIT_TSAN_READER_DONE()   ((void)0)
#define JIT_TSAN_GP_DONE()       ((void)0)
#endif

#endif
