/*
 * test-memory-threads.c — the threading model of the memory map under load:
 * worker threads do PIO to a BQL device, to a lockless device with its own
 * lock and to a lockless device using atomics, while a mapper thread keeps
 * adding and removing a heap-allocated region (each time a new FlatView is
 * published; the region and its device are freed after a grace period).
 * Checks: no deadlock (alarm), every access counted exactly once by the
 * device it reached, old views freed. Run under TSan by tsan.sh. Threads
 * other than the Check runner fail with g_assert (abort), not ck_assert.
 */
#include <check.h>
#include <glib.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <unistd.h>

#include "system/bql.h"
#include "system/memory.h"
#include "system/rcu.h"
#include "tests/system/systest.h"

#define WORKERS 3
#define ITERS 200000

/* Protected by the BQL: a plain counter, so TSan sees any unlocked use. */
typedef struct BqlDev {
    unsigned long count;
    uint32_t reg;
} BqlDev;

/* Lockless, serialized by its own SysMutex taken by dispatch. */
typedef struct LockedDev {
    SysMutex lock;
    unsigned long count;        /* by lock (C cannot name it in GUARDED_BY) */
} LockedDev;

/* Lockless, no lock: atomics only. */
typedef struct AtomicDev {
    _Atomic unsigned long count;
} AtomicDev;

/* The region the mapper adds and removes; heap-allocated each time. */
typedef struct FlipDev {
    MemoryRegion mr;
    _Atomic unsigned long *hits;    /* shared counter outliving the dev */
    uint32_t magic;
} FlipDev;

static BqlDev bdev;
static LockedDev ldev;
static AtomicDev adev;
static _Atomic unsigned long flip_hits, flip_misses;
static _Atomic bool stop;
static AddressSpace *as;
static MemoryRegion root, bio, lio, aio;

static uint64_t bql_read(void *opaque, uint64_t addr, unsigned size)
{
    BqlDev *d = opaque;

    sys_bql_assert_held();
    d->count++;
    return d->reg;
}

static void bql_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
    BqlDev *d = opaque;

    sys_bql_assert_held();
    d->count++;
    d->reg = val;
}

NO_THREAD_SAFETY_ANALYSIS   /* dispatch holds ldev.lock around the callback */
static void locked_write(void *opaque, uint64_t addr, uint64_t val,
                         unsigned size)
{
    LockedDev *d = opaque;

    d->count++;
}

static void atomic_write(void *opaque, uint64_t addr, uint64_t val,
                         unsigned size)
{
    AtomicDev *d = opaque;

    d->count++;
}

static uint64_t flip_read(void *opaque, uint64_t addr, unsigned size)
{
    FlipDev *d = opaque;

    g_assert_cmpuint(d->magic, ==, 0xf11bf11b);   /* not freed under us */
    (*d->hits)++;
    return d->magic;
}

static const MemoryRegionOps bql_ops = { .read = bql_read, .write = bql_write };
static const MemoryRegionOps locked_ops = {
    .write = locked_write, .lockless = true,
};
static const MemoryRegionOps atomic_ops = {
    .write = atomic_write, .lockless = true,
};
static const MemoryRegionOps flip_ops = {
    .read = flip_read, .lockless = true,
};

static void *worker(void *arg)
{
    uintptr_t id = (uintptr_t)arg;

    sys_rcu_register_thread();
    for (int i = 0; i < ITERS; i++) {
        uint64_t v;

        sys_as_write(as, 0x10, 4, i);
        sys_as_read(as, 0x10, 4, &v);
        sys_as_write(as, 0x20, 1, 1);
        sys_as_write(as, 0x30, 2, 1);
        if (sys_as_read(as, 0x40, 4, &v) == SYS_MEM_OK) {
            g_assert_cmpuint(v, ==, 0xf11bf11b);
        } else {
            g_assert_cmpuint(v, ==, 0xffffffff);
            flip_misses++;
        }
        if (id == 0 && i % 64 == 0) {
            /* Dispatch with the BQL already held must not retake it. */
            sys_bql_lock();
            sys_as_write(as, 0x10, 4, 0);
            sys_bql_unlock();
        }
    }
    sys_rcu_unregister_thread();
    return NULL;
}

static void *mapper(void *arg)
{
    unsigned long *flips = arg;

    sys_rcu_register_thread();
    while (!stop) {
        FlipDev *d = g_new0(FlipDev, 1);

        d->hits = &flip_hits;
        d->magic = 0xf11bf11b;
        sys_mr_init_io(&d->mr, "flip", 4, &flip_ops, d);
        sys_bql_lock();
        sys_mr_add_subregion(&root, 0x40, &d->mr);
        sys_bql_unlock();
        usleep(20);
        sys_bql_lock();
        sys_mr_del_subregion(&root, &d->mr);
        sys_bql_unlock();
        /* Outside the BQL: wait for readers that may still see the old map,
         * then poison and free the device they could have reached. */
        sys_rcu_synchronize();
        d->magic = 0xdead;
        sys_mr_fini(&d->mr);
        g_free(d);
        (*flips)++;
    }
    sys_rcu_unregister_thread();
    return NULL;
}

START_TEST(map_changes_under_load)
{
    pthread_t w[WORKERS], m;
    unsigned long flips = 0, freed0 = sys_memory_views_freed();
    unsigned long gen0 = sys_as_generation(as);

    alarm(120);     /* a deadlock fails the test instead of hanging */
    pthread_create(&m, NULL, mapper, &flips);
    for (uintptr_t i = 0; i < WORKERS; i++) {
        pthread_create(&w[i], NULL, worker, (void *)i);
    }
    for (int i = 0; i < WORKERS; i++) {
        pthread_join(w[i], NULL);
    }
    stop = true;
    pthread_join(m, NULL);
    alarm(0);

    sys_bql_lock();
    /* Each worker: 2 accesses per iteration + 1 per 64 for worker 0. */
    ck_assert_uint_eq(bdev.count,
                      WORKERS * ITERS * 2 + (ITERS + 63) / 64);
    sys_bql_unlock();
    sys_mutex_lock(&ldev.lock);
    ck_assert_uint_eq(ldev.count, WORKERS * ITERS);
    sys_mutex_unlock(&ldev.lock);
    ck_assert_uint_eq(adev.count, WORKERS * ITERS);
    ck_assert_uint_eq(flip_hits + flip_misses, WORKERS * ITERS);
    ck_assert_uint_gt(flips, 0);
    ck_assert_uint_eq(sys_as_generation(as), gen0 + 2 * flips);
    sys_rcu_barrier();
    ck_assert_uint_ge(sys_memory_views_freed(), freed0 + 2 * flips);
    fprintf(stderr, "map flips %lu, flip hits %lu, misses %lu\n", flips,
            (unsigned long)flip_hits, (unsigned long)flip_misses);
}
END_TEST

static void setup(void)
{
    sys_mutex_init(&ldev.lock);
    sys_bql_lock();
    sys_mr_init_container(&root, "io-root", 0x10000);
    sys_mr_init_io(&bio, "bql-dev", 4, &bql_ops, &bdev);
    sys_mr_init_io(&lio, "locked-dev", 2, &locked_ops, &ldev);
    sys_mr_set_lock(&lio, &ldev.lock);
    sys_mr_init_io(&aio, "atomic-dev", 2, &atomic_ops, &adev);
    sys_mr_add_subregion(&root, 0x10, &bio);
    sys_mr_add_subregion(&root, 0x20, &lio);
    sys_mr_add_subregion(&root, 0x30, &aio);
    as = sys_as_new("io", &root);
    sys_bql_unlock();
}

int main(void)
{
    Suite *s = suite_create("memory-threads");
    TCase *tc = tcase_create("threads");

    tcase_set_timeout(tc, 0);
    tcase_add_unchecked_fixture(tc, setup, NULL);
    tcase_add_test(tc, map_changes_under_load);
    suite_add_tcase(s, tc);
    return systest_run(s);
}
