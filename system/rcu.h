/*
 * rcu.h — the system emulator's use of liburcu (memb flavour): read-side
 * sections, publishing a pointer, and waiting for or deferring past a grace
 * period. Thin wrappers so that a ThreadSanitizer build can be told about the
 * ordering liburcu provides with barriers and membarrier(), which TSan cannot
 * see (the annotations compile to nothing otherwise).
 */
#ifndef FERRY_SYSTEM_RCU_H
#define FERRY_SYSTEM_RCU_H

#include <urcu/urcu-memb.h>

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
extern char sys_rcu_tsan_gp;
/* Readers' sections, and the work of whoever queues a callback, happen
 * before the end of every later grace period (and the callbacks after it). */
#define SYS_RCU_TSAN_READER_DONE() __tsan_release(&sys_rcu_tsan_gp)
#define SYS_RCU_TSAN_GP_DONE()     __tsan_acquire(&sys_rcu_tsan_gp)
/* Publication is a release store and reading it an acquire load. */
#define sys_rcu_publish(p, v)      __atomic_store_n(&(p), (v), __ATOMIC_RELEASE)
#define sys_rcu_deref(p)           __atomic_load_n(&(p), __ATOMIC_ACQUIRE)
#else
#define SYS_RCU_TSAN_READER_DONE() ((void)0)
#define SYS_RCU_TSAN_GP_DONE()     ((void)0)
#define sys_rcu_publish(p, v)      rcu_assign_pointer(p, v)
#define sys_rcu_deref(p)           rcu_dereference(p)
#endif

/* Every thread that enters read-side sections registers first (and
 * unregisters before it exits). Registering twice is a bug. */
static inline void sys_rcu_register_thread(void)
{
    urcu_memb_register_thread();
}

static inline void sys_rcu_unregister_thread(void)
{
    urcu_memb_unregister_thread();
}

/* Read-side sections nest; pointers read with sys_rcu_deref() stay valid
 * until the matching unlock. */
static inline void sys_rcu_read_lock(void)
{
    urcu_memb_read_lock();
}

static inline void sys_rcu_read_unlock(void)
{
    SYS_RCU_TSAN_READER_DONE();
    urcu_memb_read_unlock();
}

/* Wait until every read-side section that was running has ended. Never call
 * with the BQL or a device lock held (see the lock order in bql.c). */
static inline void sys_rcu_synchronize(void)
{
    urcu_memb_synchronize_rcu();
    SYS_RCU_TSAN_GP_DONE();
}

/* Run @fn(@head) after a grace period, on liburcu's call_rcu thread. The
 * callback must call SYS_RCU_TSAN_GP_DONE() before touching the data. */
static inline void sys_rcu_call(struct rcu_head *head,
                                void (*fn)(struct rcu_head *head))
{
    SYS_RCU_TSAN_READER_DONE();
    urcu_memb_call_rcu(head, fn);
}

/* Wait until every callback queued with sys_rcu_call() so far has run. */
static inline void sys_rcu_barrier(void)
{
    urcu_memb_barrier();
}

#endif
