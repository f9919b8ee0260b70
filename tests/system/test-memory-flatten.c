/*
 * test-memory-flatten.c — flattening checked against a brute-force
 * reference: random trees of containers, RAM, I/O and aliases with
 * overlapping, prioritized and disabled subregions, then every address of
 * a small space resolved by walking the tree directly (highest priority
 * first, later-added first among equals, transparent containers, alias
 * windows) and compared with what the published view says.
 */
#include <check.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "system/memory.h"
#include "tests/system/systest.h"

#define SPACE 1024
#define NREG 40

static const MemoryRegionOps dummy_ops;
static MemoryRegion regs[NREG], root;

/* Reference: what @mr shows at @off, by walking the tree. */
static bool resolve(MemoryRegion *mr, uint64_t off, MemoryRegion **out,
                    uint64_t *out_off)
{
    if (!mr->enabled || off >= mr->size) {
        return false;
    }
    switch (mr->kind) {
    case MR_RAM:
    case MR_IO:
        *out = mr;
        *out_off = off;
        return true;
    case MR_ALIAS:
        return resolve(mr->alias, off + mr->alias_offset, out, out_off);
    default:
        /* Children are kept highest priority first, later-added first. */
        for (MemoryRegion *c = mr->subregions; c; c = c->next_sibling) {
            if (off >= c->addr &&
                resolve(c, off - c->addr, out, out_off)) {
                return true;
            }
        }
        return false;
    }
}

/* The list order is what the reference relies on: check it is sorted by
 * priority, independently of the insertion code. */
static void check_order(MemoryRegion *mr)
{
    for (MemoryRegion *c = mr->subregions; c && c->next_sibling;
         c = c->next_sibling) {
        ck_assert_int_ge(c->priority, c->next_sibling->priority);
    }
}

static void build_random_tree(GRand *rng) REQUIRES(sys_bql)
{
    MemoryRegion *containers[NREG + 1];
    int ncont = 1;

    containers[0] = &root;
    sys_mr_init_container(&root, "root", SPACE);
    for (int i = 0; i < NREG; i++) {
        MemoryRegion *mr = &regs[i];
        uint64_t size = g_rand_int_range(rng, 1, SPACE / 2);
        int kind = g_rand_int_range(rng, 0, 4);
        MemoryRegion *parent = containers[g_rand_int_range(rng, 0, ncont)];

        if (kind == 0) {
            sys_mr_init_container(mr, "c", size);
            containers[ncont++] = mr;
        } else if (kind == 1) {
            sys_mr_init_ram(mr, "ram", size);
        } else if (kind == 2 || i == 0) {
            sys_mr_init_io(mr, "io", size, &dummy_ops, NULL);
        } else {
            /* An alias onto an earlier region, at a random offset. */
            MemoryRegion *t = &regs[g_rand_int_range(rng, 0, i)];

            sys_mr_init_alias(mr, "alias", size, t,
                              g_rand_int_range(rng, 0, SPACE / 2));
        }
        sys_mr_add_subregion_prio(parent, g_rand_int_range(rng, 0, SPACE),
                                  mr, g_rand_int_range(rng, -2, 3));
        if (g_rand_int_range(rng, 0, 8) == 0) {
            sys_mr_set_enabled(mr, false);
        }
    }
    for (int i = 0; i < ncont; i++) {
        check_order(containers[i]);
    }
}

static void free_tree(void) REQUIRES(sys_bql)
{
    for (int i = NREG - 1; i >= 0; i--) {
        if (regs[i].parent) {
            sys_mr_del_subregion(regs[i].parent, &regs[i]);
        }
    }
    for (int i = 0; i < NREG; i++) {
        if (regs[i].kind == MR_RAM) {
            sys_mr_fini(&regs[i]);
        }
    }
}

START_TEST(random_trees_match_reference)
{
    GRand *rng = g_rand_new_with_seed(0xfe77e + _i);
    AddressSpace *as;
    int mismatches = 0;

    sys_bql_lock();
    sys_memory_begin();
    build_random_tree(rng);
    as = sys_as_new("flat", &root);
    sys_memory_commit();
    sys_bql_unlock();
    sys_rcu_read_lock();
    for (uint64_t a = 0; a < SPACE + 16; a++) {
        MemoryRegion *want = NULL;
        uint64_t want_off = 0;
        bool found = resolve(&root, a, &want, &want_off);
        SysMemSection sec;
        bool got = sys_as_lookup(as, a, &sec);

        if (found != got || (found && (sec.mr != want ||
                                       sec.offset != want_off))) {
            if (!mismatches++ && getenv("FLATTEN_DEBUG")) {
                fprintf(stderr, "seed %d addr %lu: want %s %p+%lu got %s %p+%lu\n",
                        _i, (unsigned long)a, found ? want->name : "-",
                        (void *)want, (unsigned long)want_off,
                        got ? sec.mr->name : "-", got ? (void *)sec.mr : NULL,
                        got ? (unsigned long)sec.offset : 0);
            }
        }
    }
    sys_rcu_read_unlock();
    ck_assert_int_eq(mismatches, 0);
    sys_as_free(as);
    sys_bql_lock();
    free_tree();
    sys_bql_unlock();
    sys_rcu_synchronize();
    g_rand_free(rng);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("memory-flatten");
    TCase *tc = tcase_create("flatten");

    tcase_add_loop_test(tc, random_trees_match_reference, 0, 1000);
    suite_add_tcase(s, tc);
    return systest_run(s);
}
