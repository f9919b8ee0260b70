/*
 * test-memory.c — the memory map: RAM, I/O callbacks and access size
 * adjustment, priorities, aliases, unassigned accesses, the BQL/lockless
 * dispatch rules, and view publication. Expected values follow from the
 * contract in system/memory.h (little-endian, all ones when unassigned).
 */
#include <check.h>
#include <glib.h>
#include <string.h>

#include "system/bql.h"
#include "system/log.h"
#include "system/memory.h"
#include "tests/system/systest.h"

/* A device that records its last access and answers with a pattern. */
typedef struct RecDev {
    int reads, writes;
    uint64_t last_addr, last_val;
    unsigned last_size;
    bool saw_bql;
    bool saw_own_lock_held;
    SysMutex lock;
} RecDev;

static uint64_t rec_read(void *opaque, uint64_t addr, unsigned size)
{
    RecDev *d = opaque;

    d->reads++;
    d->last_addr = addr;
    d->last_size = size;
    d->saw_bql = sys_bql_held();
    /* Byte k of the device reads as 0x10 + k. */
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++) {
        v |= (uint64_t)(0x10 + addr + i) << (i * 8);
    }
    return v;
}

static void rec_write(void *opaque, uint64_t addr, uint64_t val, unsigned size)
{
    RecDev *d = opaque;

    d->writes++;
    d->last_addr = addr;
    d->last_val = val;
    d->last_size = size;
    d->saw_bql = sys_bql_held();
    if (pthread_mutex_trylock(&d->lock.m) == 0) {
        pthread_mutex_unlock(&d->lock.m);
        d->saw_own_lock_held = false;
    } else {
        d->saw_own_lock_held = true;
    }
}

static const MemoryRegionOps rec_ops = {
    .read = rec_read, .write = rec_write, .min_access = 1, .max_access = 4,
};
static const MemoryRegionOps rec_ops_min4 = {
    .read = rec_read, .write = rec_write, .min_access = 4, .max_access = 4,
};
static const MemoryRegionOps rec_ops_lockless = {
    .read = rec_read, .write = rec_write, .lockless = true,
};

static MemoryRegion root, ram, io;
static AddressSpace *as;
static RecDev dev;

static void setup(void)
{
    memset(&dev, 0, sizeof(dev));
    sys_mutex_init(&dev.lock);
    sys_bql_lock();
    sys_mr_init_container(&root, "root", UINT64_MAX);
    sys_mr_init_ram(&ram, "ram", 0x10000);
    sys_mr_init_io(&io, "io", 0x100, &rec_ops, &dev);
    sys_mr_add_subregion(&root, 0, &ram);
    sys_mr_add_subregion(&root, 0x100000, &io);
    as = sys_as_new("test-mem", &root);
    sys_bql_unlock();
}

static void teardown(void)
{
    sys_as_free(as);
    sys_bql_lock();
    if (ram.parent) {
        sys_mr_del_subregion(&root, &ram);
    }
    if (io.parent) {
        sys_mr_del_subregion(&root, &io);
    }
    sys_bql_unlock();
    sys_mr_fini(&ram);
    sys_mr_fini(&io);
}

START_TEST(ram_little_endian)
{
    uint64_t v;

    ck_assert_int_eq(sys_as_write(as, 0x10, 4, 0x11223344), SYS_MEM_OK);
    ck_assert_int_eq(sys_as_read(as, 0x11, 1, &v), SYS_MEM_OK);
    ck_assert_uint_eq(v, 0x33);
    ck_assert_int_eq(sys_as_read(as, 0x10, 8, &v), SYS_MEM_OK);
    ck_assert_uint_eq(v, 0x11223344);
    ck_assert_uint_eq(ram.ram[0x13], 0x11);
    sys_as_write(as, 0x20, 8, UINT64_C(0x0102030405060708));
    sys_as_read(as, 0x24, 2, &v);
    ck_assert_uint_eq(v, 0x0304);
}
END_TEST

/* KVM memory slots need page-aligned host RAM (KVM_SET_USER_MEMORY_REGION
 * fails with EINVAL otherwise); 2 MiB lets THP back it. Fresh RAM reads 0. */
START_TEST(ram_aligned_and_zero)
{
    MemoryRegion r;
    uint64_t sizes[] = { 0x10, 0x1001, 0x300000 };

    for (int i = 0; i < 3; i++) {
        sys_mr_init_ram(&r, "r", sizes[i]);
        ck_assert_uint_eq((uintptr_t)r.ram & ((2 << 20) - 1), 0);
        for (uint64_t off = 0; off < sizes[i]; off += 0x7ff) {
            ck_assert_uint_eq(r.ram[off], 0);
        }
        r.ram[sizes[i] - 1] = 0xaa;         /* the last byte is there */
        sys_mr_fini(&r);
    }
}
END_TEST

START_TEST(io_offsets_and_bql)
{
    uint64_t v;

    sys_as_read(as, 0x100005, 2, &v);
    ck_assert_uint_eq(v, 0x1615);
    ck_assert_uint_eq(dev.last_addr, 5);
    ck_assert_uint_eq(dev.last_size, 2);
    ck_assert(dev.saw_bql);
    sys_as_write(as, 0x100008, 1, 0x1ab);     /* truncated to the size */
    ck_assert_uint_eq(dev.last_val, 0xab);
    ck_assert(dev.saw_bql);
    /* A caller that already holds the BQL keeps it (no self-deadlock). */
    sys_bql_lock();
    sys_as_write(as, 0x100009, 1, 1);
    ck_assert(dev.saw_bql);
    sys_bql_unlock();
}
END_TEST

START_TEST(io_split_to_max)
{
    uint64_t v;

    dev.reads = 0;
    sys_as_read(as, 0x100000, 8, &v);
    ck_assert_int_eq(dev.reads, 2);             /* two 4-byte pieces */
    ck_assert_uint_eq(v, UINT64_C(0x1716151413121110));
    dev.writes = 0;
    sys_as_write(as, 0x100010, 8, UINT64_C(0xaabbccdd11223344));
    ck_assert_int_eq(dev.writes, 2);
    ck_assert_uint_eq(dev.last_addr, 0x14);
    ck_assert_uint_eq(dev.last_val, 0xaabbccdd);
}
END_TEST

START_TEST(io_widen_to_min)
{
    static MemoryRegion io4;
    uint64_t v;

    sys_bql_lock();
    sys_mr_init_io(&io4, "io4", 0x10, &rec_ops_min4, &dev);
    sys_mr_add_subregion(&root, 0x200000, &io4);
    sys_bql_unlock();
    sys_as_read(as, 0x200006, 1, &v);
    ck_assert_uint_eq(dev.last_size, 4);
    ck_assert_uint_eq(dev.last_addr, 4);
    ck_assert_uint_eq(v, 0x16);
    sys_as_write(as, 0x200007, 1, 0x5a);
    ck_assert_uint_eq(dev.last_addr, 4);
    ck_assert_uint_eq(dev.last_val, 0x5a000000);
    sys_bql_lock();
    sys_mr_del_subregion(&root, &io4);
    sys_bql_unlock();
}
END_TEST

START_TEST(unassigned_all_ones)
{
    unsigned long errs = sys_log_guest_error_count();
    uint64_t v = 0;

    ck_assert_int_eq(sys_as_read(as, 0x50000000, 4, &v), SYS_MEM_UNASSIGNED);
    ck_assert_uint_eq(v, 0xffffffff);
    ck_assert_int_eq(sys_as_read(as, 0x50000000, 8, &v), SYS_MEM_UNASSIGNED);
    ck_assert_uint_eq(v, UINT64_MAX);
    ck_assert_int_eq(sys_as_write(as, 0x50000000, 2, 0), SYS_MEM_UNASSIGNED);
    ck_assert_uint_ge(sys_log_guest_error_count(), errs + 3);
    /* Straddling the end of RAM: mapped bytes read, the rest all ones. */
    sys_as_write(as, 0xfffe, 2, 0x4241);
    ck_assert_int_eq(sys_as_read(as, 0xfffe, 4, &v), SYS_MEM_UNASSIGNED);
    ck_assert_uint_eq(v, 0xffff4241);
}
END_TEST

START_TEST(priority_and_enable)
{
    static MemoryRegion hi_ram, low_ram;
    uint64_t v;

    sys_bql_lock();
    sys_mr_init_ram(&hi_ram, "hi", 0x1000);
    sys_mr_init_ram(&low_ram, "low", 0x1000);
    hi_ram.ram[0] = 0xaa;
    low_ram.ram[0] = 0x55;
    /* Overlaps RAM at 0x1000 with priority 1: wins over "ram" (prio 0). */
    sys_mr_add_subregion_prio(&root, 0x1000, &hi_ram, 1);
    sys_bql_unlock();
    sys_as_read(as, 0x1000, 1, &v);
    ck_assert_uint_eq(v, 0xaa);
    sys_bql_lock();
    sys_mr_set_enabled(&hi_ram, false);
    sys_bql_unlock();
    sys_as_read(as, 0x1000, 1, &v);
    ck_assert_uint_eq(v, ram.ram[0x1000]);
    /* Equal priority: the one added later wins. */
    sys_bql_lock();
    sys_mr_add_subregion(&root, 0x1000, &low_ram);
    sys_bql_unlock();
    sys_as_read(as, 0x1000, 1, &v);
    ck_assert_uint_eq(v, 0x55);
    /* Around the overlay, RAM shows through on both sides. */
    sys_as_write(as, 0xfff, 2, 0x3412);
    ck_assert_uint_eq(ram.ram[0xfff], 0x12);
    ck_assert_uint_eq(low_ram.ram[0], 0x34);
    sys_bql_lock();
    sys_mr_del_subregion(&root, &hi_ram);
    sys_mr_del_subregion(&root, &low_ram);
    sys_bql_unlock();
    sys_mr_fini(&hi_ram);
    sys_mr_fini(&low_ram);
}
END_TEST

START_TEST(alias_window)
{
    static MemoryRegion al;
    uint64_t v;

    ram.ram[0x8000] = 0x77;
    ram.ram[0x8fff] = 0x99;
    sys_bql_lock();
    sys_mr_init_alias(&al, "alias", 0x1000, &ram, 0x8000);
    sys_mr_add_subregion(&root, 0xfff00000, &al);
    sys_bql_unlock();
    sys_as_read(as, 0xfff00000, 1, &v);
    ck_assert_uint_eq(v, 0x77);
    sys_as_read(as, 0xfff00fff, 1, &v);
    ck_assert_uint_eq(v, 0x99);
    ck_assert_int_eq(sys_as_read(as, 0xfff01000, 1, &v), SYS_MEM_UNASSIGNED);
    sys_as_write(as, 0xfff00010, 1, 0x42);
    ck_assert_uint_eq(ram.ram[0x8010], 0x42);
    sys_bql_lock();
    sys_mr_del_subregion(&root, &al);
    sys_bql_unlock();
}
END_TEST

START_TEST(nested_container)
{
    static MemoryRegion sub, sub_io;
    uint64_t v;

    sys_bql_lock();
    sys_mr_init_container(&sub, "sub", 0x1000);
    sys_mr_init_io(&sub_io, "sub-io", 0x10, &rec_ops, &dev);
    sys_mr_add_subregion(&sub, 0x800, &sub_io);
    sys_mr_add_subregion(&root, 0x300000, &sub);
    sys_bql_unlock();
    sys_as_read(as, 0x300803, 1, &v);
    ck_assert_uint_eq(dev.last_addr, 3);
    ck_assert_uint_eq(v, 0x13);
    sys_bql_lock();
    sys_mr_set_address(&sub, 0x400000);
    sys_bql_unlock();
    ck_assert_int_eq(sys_as_read(as, 0x300803, 1, &v), SYS_MEM_UNASSIGNED);
    sys_as_read(as, 0x400804, 1, &v);
    ck_assert_uint_eq(v, 0x14);
    sys_bql_lock();
    sys_mr_del_subregion(&root, &sub);
    sys_mr_del_subregion(&sub, &sub_io);
    sys_bql_unlock();
}
END_TEST

START_TEST(lockless_dispatch)
{
    static MemoryRegion ll;
    uint64_t v;

    sys_bql_lock();
    sys_mr_init_io(&ll, "lockless", 0x10, &rec_ops_lockless, &dev);
    sys_mr_add_subregion(&root, 0x500000, &ll);
    sys_bql_unlock();
    sys_as_write(as, 0x500000, 4, 1);
    ck_assert(!dev.saw_bql);
    ck_assert(!dev.saw_own_lock_held);
    sys_bql_lock();
    sys_mr_set_lock(&ll, &dev.lock);
    sys_bql_unlock();
    sys_as_write(as, 0x500000, 4, 2);
    ck_assert(!dev.saw_bql);
    ck_assert(dev.saw_own_lock_held);
    sys_as_read(as, 0x500001, 1, &v);
    ck_assert_uint_eq(v, 0x11);
    sys_bql_lock();
    sys_mr_del_subregion(&root, &ll);
    sys_bql_unlock();
}
END_TEST

static int commits;
static AddressSpace *committed;

static void on_commit(void *opaque, AddressSpace *space)
{
    commits++;
    committed = space;
}

START_TEST(views_published_and_freed)
{
    static MemoryRegion a, b, c;
    static SysMemListener l = { on_commit, NULL, NULL };
    unsigned long gen = sys_as_generation(as);
    unsigned long freed = sys_memory_views_freed();

    commits = 0;
    sys_bql_lock();
    sys_memory_listener_add(&l);
    sys_mr_init_ram(&a, "a", 0x10);
    sys_mr_init_ram(&b, "b", 0x10);
    sys_mr_init_ram(&c, "c", 0x10);
    sys_memory_begin();
    sys_mr_add_subregion(&root, 0x600000, &a);
    sys_mr_add_subregion(&root, 0x600010, &b);
    sys_mr_add_subregion(&root, 0x600020, &c);
    sys_memory_commit();
    sys_bql_unlock();
    ck_assert_uint_eq(sys_as_generation(as), gen + 1);   /* one view */
    ck_assert_int_eq(commits, 1);                        /* one TLB flush */
    ck_assert_ptr_eq(committed, as);
    sys_bql_lock();
    sys_mr_del_subregion(&root, &b);
    sys_bql_unlock();
    ck_assert_uint_eq(sys_as_generation(as), gen + 2);
    sys_rcu_barrier();
    ck_assert_uint_ge(sys_memory_views_freed(), freed + 2);
    sys_bql_lock();
    sys_memory_listener_del(&l);
    sys_mr_del_subregion(&root, &a);
    sys_mr_del_subregion(&root, &c);
    sys_bql_unlock();
    ck_assert_int_eq(commits, 2);
    sys_rcu_synchronize();
    sys_mr_fini(&a);
    sys_mr_fini(&b);
    sys_mr_fini(&c);
}
END_TEST

START_TEST(buffer_copies)
{
    uint8_t in[300], back[300];

    for (int i = 0; i < 300; i++) {
        in[i] = i * 7;
    }
    /* 200 bytes of RAM then 100 unassigned... */
    ck_assert_int_eq(sys_as_write_buf(as, 0xff38, in, 300),
                     SYS_MEM_UNASSIGNED);
    ck_assert_mem_eq(ram.ram + 0xff38, in, 200);
    ck_assert_int_eq(sys_as_read_buf(as, 0xff38, back, 300),
                     SYS_MEM_UNASSIGNED);
    ck_assert_mem_eq(back, in, 200);
    for (int i = 200; i < 300; i++) {
        ck_assert_uint_eq(back[i], 0xff);
    }
    /* ...and a device reached byte by byte. */
    dev.writes = 0;
    ck_assert_int_eq(sys_as_write_buf(as, 0x100010, in, 4), SYS_MEM_OK);
    ck_assert_int_eq(dev.writes, 4);
    ck_assert_uint_eq(dev.last_addr, 0x13);
    ck_assert_int_eq(sys_as_read_buf(as, 0x100020, back, 3), SYS_MEM_OK);
    ck_assert_uint_eq(back[0], 0x30);
    ck_assert_uint_eq(back[2], 0x32);
}
END_TEST

static Suite *memory_suite(void)
{
    Suite *s = suite_create("memory");
    TCase *tc = tcase_create("map");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, ram_little_endian);
    tcase_add_test(tc, ram_aligned_and_zero);
    tcase_add_test(tc, io_offsets_and_bql);
    tcase_add_test(tc, io_split_to_max);
    tcase_add_test(tc, io_widen_to_min);
    tcase_add_test(tc, unassigned_all_ones);
    tcase_add_test(tc, priority_and_enable);
    tcase_add_test(tc, alias_window);
    tcase_add_test(tc, nested_container);
    tcase_add_test(tc, lockless_dispatch);
    tcase_add_test(tc, views_published_and_freed);
    tcase_add_test(tc, buffer_copies);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return systest_run(memory_suite());
}
