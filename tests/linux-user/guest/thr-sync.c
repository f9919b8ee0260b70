/*
 * thr-sync.c — concurrency stress for the threads e2e test: N threads x M
 * LOCK increments with an exact total, a CMPXCHG spinlock, LOCK ADDs split
 * across a cache line racing aligned ones on the same bytes, a
 * mutex/condvar/barrier storm and a single-producer single-consumer ring
 * with release/acquire indices. Every result printed is exact.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define NT 4
#define M 20000

static atomic_long lock_total;
static void *lock_adder(void *a)
{
    (void)a;
    for (int i = 0; i < M; i++) {
        atomic_fetch_add(&lock_total, 1);          /* lock xadd / lock add */
    }
    return NULL;
}

static atomic_int spin;
static long spin_total;
static void *spin_adder(void *a)
{
    (void)a;
    for (int i = 0; i < M / 4; i++) {
        int expect = 0;
        while (!atomic_compare_exchange_weak_explicit(&spin, &expect, 1, memory_order_acquire,
                                                      memory_order_relaxed)) {
            expect = 0;                            /* lock cmpxchg */
        }
        spin_total++;
        atomic_store_explicit(&spin, 0, memory_order_release);
    }
    return NULL;
}

/* A qword at offset 60 of a line (split) and the dword at 64 (its high
 * half, aligned): both LOCK ADD 1, so the final qword is N + (N << 32). */
static _Alignas(64) unsigned char split_buf[128];
static void *split_adder(void *a)
{
    uint64_t *q = (uint64_t *)(split_buf + 60);
    for (int i = 0; i < 5000; i++) {
        __asm__ volatile("lock addq $1, %0" : "+m"(*q));
    }
    return a;
}
static void *high_adder(void *a)
{
    uint32_t *d = (uint32_t *)(split_buf + 64);
    for (int i = 0; i < 5000; i++) {
        __asm__ volatile("lock addl $1, %0" : "+m"(*d));
    }
    return a;
}

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static pthread_barrier_t barrier;
static long storm_total;
static int turn, pings;
static void *storm(void *a)
{
    long id = (long)a;
    for (int round = 0; round < 100; round++) {
        pthread_mutex_lock(&mu);
        storm_total += id + round;
        pthread_mutex_unlock(&mu);
        pthread_barrier_wait(&barrier);
    }
    /* Threads 0 and 1 play ping-pong through the condvar. */
    for (int i = 0; id < 2 && i < 500; i++) {
        pthread_mutex_lock(&mu);
        while (turn != id) {
            pthread_cond_wait(&cv, &mu);
        }
        pings++;
        turn = 1 - (int)id;
        pthread_cond_broadcast(&cv);
        pthread_mutex_unlock(&mu);
    }
    return NULL;
}

#define RING 64
#define ITEMS 100000
static uint64_t ring[RING];
static atomic_uint head, tail;     /* head: next to write; tail: next to read */
static void *producer(void *a)
{
    for (unsigned i = 0; i < ITEMS; i++) {
        unsigned h = atomic_load_explicit(&head, memory_order_relaxed);
        while (h - atomic_load_explicit(&tail, memory_order_acquire) == RING) {
        }
        ring[h % RING] = (uint64_t)i * i + 7;
        atomic_store_explicit(&head, h + 1, memory_order_release);
    }
    return a;
}
static void *consumer(void *a)
{
    uint64_t sum = 0, bad = 0;
    for (unsigned i = 0; i < ITEMS; i++) {
        unsigned t = atomic_load_explicit(&tail, memory_order_relaxed);
        while (atomic_load_explicit(&head, memory_order_acquire) == t) {
        }
        uint64_t v = ring[t % RING];
        bad += v != (uint64_t)i * i + 7;
        sum += v;
        atomic_store_explicit(&tail, t + 1, memory_order_release);
    }
    printf("ring: %u items, sum %llu, out of order %llu\n", ITEMS, (unsigned long long)sum,
           (unsigned long long)bad);
    return a;
}

static void run(void *(*fn)(void *), int n)
{
    pthread_t t[NT];
    for (long i = 0; i < n; i++) {
        pthread_create(&t[i], NULL, fn, (void *)i);
    }
    for (int i = 0; i < n; i++) {
        pthread_join(t[i], NULL);
    }
}

int main(void)
{
    run(lock_adder, NT);
    printf("lock add: %ld (want %d)\n", atomic_load(&lock_total), NT * M);
    run(spin_adder, NT);
    printf("cmpxchg spinlock: %ld (want %d)\n", spin_total, NT * M / 4);
    pthread_t s[4];
    pthread_create(&s[0], NULL, split_adder, NULL);
    pthread_create(&s[1], NULL, high_adder, NULL);
    pthread_create(&s[2], NULL, split_adder, NULL);
    pthread_create(&s[3], NULL, high_adder, NULL);
    for (int i = 0; i < 4; i++) {
        pthread_join(s[i], NULL);
    }
    uint64_t q;
    memcpy(&q, split_buf + 60, 8);
    printf("split lock add: %#llx\n", (unsigned long long)q);
    pthread_barrier_init(&barrier, NULL, NT);
    run(storm, NT);
    printf("mutex/barrier storm: %ld, condvar pings %d\n", storm_total, pings);
    pthread_t p, c;
    pthread_create(&c, NULL, consumer, NULL);
    pthread_create(&p, NULL, producer, NULL);
    pthread_join(p, NULL);
    pthread_join(c, NULL);
    return 0;
}
