/*
 * test-pc-fuzz.c — guest input never aborts ferry: random port and memory
 * accesses of every size over the whole I/O space and the low 1 MiB, mixed
 * with virtual time passing and INTA cycles, against the PC board. After
 * the storm the devices must still answer as their datasheets say once
 * reprogrammed (PCI IDs, fw_cfg signature, PIC delivery).
 */
#include <check.h>
#include <glib.h>

#include "hw/pc.h"
#include "system/log.h"
#include "tests/system/systest.h"

static int cpu_level;

static void cpu_int(void *opaque, int n, int level)
{
    cpu_level = level;
}

static void ignore_exit(void *opaque, uint64_t status)
{
}

static void ignore_reset(void *opaque)
{
}

static const unsigned sizes[4] = { 1, 2, 4, 8 };

static void storm(PcBoard *pc, SysClock *clk, GRand *rng, int n)
{
    for (int i = 0; i < n; i++) {
        unsigned size = sizes[g_rand_int_range(rng, 0, 4)];
        uint64_t v = ((uint64_t)g_rand_int(rng) << 32) | g_rand_int(rng);
        /* Mostly the legacy ports, sometimes anywhere. */
        uint16_t port = g_rand_boolean(rng) ? g_rand_int_range(rng, 0, 0x100)
                                            : g_rand_int_range(rng, 0, 0x10000);

        switch (g_rand_int_range(rng, 0, 8)) {
        case 0:
            sys_as_read(pc->as_io, port, size, &v);
            break;
        case 1:
            sys_as_read(pc->as_mem, g_rand_int_range(rng, 0, 0x100000), size,
                        &v);
            break;
        case 2:
            sys_as_write(pc->as_mem, g_rand_int_range(rng, 0, 0x100000),
                         size, v);
            break;
        case 3:
            sys_bql_lock();
            sys_clock_advance(clk, g_rand_int_range(rng, 0, 2000000));
            if (cpu_level) {
                pic_intack(&pc->pic);
            }
            sys_bql_unlock();
            break;
        default:
            if (port != 0x501) {        /* keep the exit port out of it */
                sys_as_write(pc->as_io, port, size, v);
            }
            break;
        }
    }
}

START_TEST(random_io_storm)
{
    PcConfig cfg = {
        .ram_size = 16 << 20, .ncpus = 1, .rtc_start = 1700000000,
        .cpu_int = sys_irq_line(cpu_int, NULL, 0),
        .exit_cb = ignore_exit, .reset_cb = ignore_reset,
    };
    SysClock *clk = sys_clock_new_manual(0);
    GRand *rng = g_rand_new_with_seed(0xf022 + _i);
    PcBoard *pc;
    uint64_t v;

    cfg.clock = clk;
    sys_bql_lock();
    pc = pc_new(&cfg);
    sys_bql_unlock();
    storm(pc, clk, rng, 20000);

    /* Still a PC: reprogram and probe. */
    sys_as_write(pc->as_io, 0xcf8, 4, 0x80000000);
    sys_as_read(pc->as_io, 0xcfc, 4, &v);
    ck_assert_uint_eq(v, 0x12378086);
    sys_as_write(pc->as_io, 0x510, 2, 0);
    sys_as_read(pc->as_io, 0x511, 1, &v);
    ck_assert_uint_eq(v, 'Q');
    sys_as_write(pc->as_io, 0x20, 1, 0x11);
    sys_as_write(pc->as_io, 0x21, 1, 0x20);
    sys_as_write(pc->as_io, 0x21, 1, 0x04);
    sys_as_write(pc->as_io, 0x21, 1, 0x01);
    sys_as_write(pc->as_io, 0x21, 1, 0xfd);     /* only IRQ1 */
    sys_as_write(pc->as_io, 0x64, 1, 0x60);
    sys_as_write(pc->as_io, 0x60, 1, 0x01);     /* KBD interrupt on */
    do {                                        /* drain the queue */
        sys_as_read(pc->as_io, 0x60, 1, &v);
        sys_as_read(pc->as_io, 0x64, 1, &v);
    } while (v & 1);
    sys_as_write(pc->as_io, 0x64, 1, 0xaa);
    ck_assert_int_eq(cpu_level, 1);
    sys_bql_lock();
    ck_assert_int_eq(pic_intack(&pc->pic), 0x21);
    sys_bql_unlock();

    pc_free(pc);
    sys_clock_free(clk);
    g_rand_free(rng);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("pc-fuzz");
    TCase *tc = tcase_create("fuzz");

    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, random_io_storm, 0, 10);
    suite_add_tcase(s, tc);
    return systest_run(s);
}
