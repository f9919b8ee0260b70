/*
 * thr-basic.c — pthread basics for the threads e2e test: create/join with
 * results, __thread variables per thread, and create/exit churn (hundreds
 * of threads, joins through CLONE_CHILD_CLEARTID), a detached thread, and
 * a raw clone with CLONE_CHILD_SETTID/CLEARTID waited for by futex, and
 * a robust mutex whose owner exits holding it (EOWNERDEAD: the robust
 * list is walked at thread exit).
 * Prints deterministic results; the test compares them with a native run.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static __thread long tls_counter = 1000;

static void *sum_to(void *arg)
{
    long n = (long)arg, s = 0;
    for (long i = 1; i <= n; i++) {
        s += i;
        tls_counter++;
    }
    return (void *)(s * 10000 + (tls_counter - 1000 == n));
}

static void *twice(void *arg)
{
    return (void *)((long)arg * 2);
}

static atomic_int detached_done;

static void *detached(void *arg)
{
    (void)arg;
    atomic_store(&detached_done, 1);
    return NULL;
}

static int clone_child(void *arg)
{
    *(volatile int *)arg = 42;
    syscall(SYS_exit, 0);      /* thread exit, not exit_group */
    return 0;
}

/* A raw clone as glibc's pthread_create makes it, waited for by futex on
 * the CLONE_CHILD_CLEARTID word. */
static void raw_clone(void)
{
    size_t sz = 64 * 1024;
    char *stack = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    static volatile int value;
    static _Atomic pid_t ctid = -1;   /* not 0 before the child sets it */
    pid_t ptid = 0;
    int flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |
                CLONE_SYSVSEM | CLONE_PARENT_SETTID | CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID;
    pid_t tid = clone(clone_child, stack + sz, flags, (void *)&value, &ptid, NULL, &ctid);
    pid_t seen;
    while ((seen = atomic_load(&ctid)) != 0) {
        syscall(SYS_futex, &ctid, FUTEX_WAIT, seen, NULL, NULL, 0);
    }
    printf("raw clone: tid ok %d, parent tid ok %d, value %d, tid word cleared\n",
           tid > 0 && tid != getpid(), ptid == tid, value);
    munmap(stack, sz);
}

static pthread_mutex_t robust;

static void *die_holding(void *arg)
{
    pthread_mutex_lock(&robust);
    return arg;                    /* exits with the mutex held */
}

static void robust_owner_died(void)
{
    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
    pthread_mutex_init(&robust, &a);
    pthread_t t;
    pthread_create(&t, NULL, die_holding, NULL);
    pthread_join(t, NULL);
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 5;             /* fail rather than hang */
    int r = pthread_mutex_timedlock(&robust, &until);
    printf("robust mutex after its owner died: %s\n",
           r == EOWNERDEAD ? "EOWNERDEAD" : r == ETIMEDOUT ? "ETIMEDOUT" : "other");
    if (r == EOWNERDEAD) {
        pthread_mutex_consistent(&robust);
    }
    pthread_mutex_unlock(&robust);
}

int main(void)
{
    pthread_t t[8];
    for (long i = 0; i < 8; i++) {
        pthread_create(&t[i], NULL, sum_to, (void *)(1000 * (i + 1)));
    }
    for (int i = 0; i < 8; i++) {
        void *r;
        pthread_join(t[i], &r);
        printf("thread %d: sum %ld, own tls %ld\n", i, (long)r / 10000, (long)r % 10000);
    }
    printf("main tls %ld\n", tls_counter);

    long total = 0;
    for (long round = 0; round < 100; round++) {
        pthread_t c[4];
        for (long k = 0; k < 4; k++) {
            pthread_create(&c[k], NULL, twice, (void *)(round * 4 + k));
        }
        for (int k = 0; k < 4; k++) {
            void *r;
            pthread_join(c[k], &r);
            total += (long)r;
        }
    }
    printf("churn: 400 threads, total %ld\n", total);

    pthread_t d;
    pthread_create(&d, NULL, detached, NULL);
    pthread_detach(d);
    while (!atomic_load(&detached_done)) {
        sched_yield();
    }
    printf("detached thread ran\n");
    raw_clone();
    robust_owner_died();
    return 0;
}
