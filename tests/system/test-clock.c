/*
 * test-clock.c — virtual clocks and timers: a manual clock runs timers in
 * deadline order with the clock reading exactly each deadline, callbacks
 * may re-arm, the notify hook fires only when the earliest deadline
 * changes, and a stopped host clock holds its time and continues from it.
 */
#include <check.h>
#include <unistd.h>

#include "system/clock.h"
#include "tests/system/systest.h"

static SysClock *clk;
static int64_t fired_at[8];
static int nfired;
static int notified;

typedef struct Rearm {
    SysTimer t;
    int left;
    int64_t period;
} Rearm;

static void record_cb(void *opaque) REQUIRES(sys_bql)
{
    fired_at[nfired++] = sys_clock_ns(clk);
}

static void rearm_cb(void *opaque) REQUIRES(sys_bql)
{
    Rearm *r = opaque;

    fired_at[nfired++] = sys_clock_ns(clk);
    if (--r->left > 0) {
        sys_timer_mod(&r->t, sys_clock_ns(clk) + r->period);
    }
}

static void on_notify(void *opaque)
{
    notified++;
}

static void setup(void)
{
    nfired = notified = 0;
    clk = sys_clock_new_manual(1000);
}

static void teardown(void)
{
    sys_clock_free(clk);
}

START_TEST(manual_order_and_exact_time)
{
    SysTimer a, b, c;

    sys_bql_lock();
    sys_timer_init(&a, clk, record_cb, NULL);
    sys_timer_init(&b, clk, record_cb, NULL);
    sys_timer_init(&c, clk, record_cb, NULL);
    sys_timer_mod(&a, 5000);
    sys_timer_mod(&b, 2000);
    sys_timer_mod(&c, 9000);
    sys_timer_mod(&c, 3000);            /* re-armed earlier */
    sys_timer_del(&a);
    ck_assert_int_eq(sys_clock_next_deadline(clk), 2000);
    sys_clock_advance(clk, 10000);
    sys_bql_unlock();
    ck_assert_int_eq(nfired, 2);
    ck_assert_int_eq(fired_at[0], 2000);
    ck_assert_int_eq(fired_at[1], 3000);
    ck_assert_int_eq(sys_clock_ns(clk), 11000);
}
END_TEST

START_TEST(callbacks_rearm)
{
    Rearm r = { .left = 4, .period = 250 };

    sys_bql_lock();
    sys_timer_init(&r.t, clk, rearm_cb, &r);
    sys_timer_mod(&r.t, 1100);
    sys_clock_advance(clk, 1000);       /* to 2000: 1100, 1350, 1600, 1850 */
    ck_assert(!sys_timer_pending(&r.t));
    sys_bql_unlock();
    ck_assert_int_eq(nfired, 4);
    ck_assert_int_eq(fired_at[3], 1850);
}
END_TEST

START_TEST(notify_on_new_earliest)
{
    SysTimer a, b;

    sys_bql_lock();
    sys_clock_set_notify(clk, on_notify, NULL);
    sys_timer_init(&a, clk, record_cb, NULL);
    sys_timer_init(&b, clk, record_cb, NULL);
    sys_timer_mod(&a, 5000);
    ck_assert_int_eq(notified, 1);
    sys_timer_mod(&b, 8000);            /* later: no wake-up needed */
    ck_assert_int_eq(notified, 1);
    sys_timer_mod(&b, 4000);
    ck_assert_int_eq(notified, 2);
    sys_timer_del(&a);
    sys_timer_del(&b);
    sys_bql_unlock();
}
END_TEST

START_TEST(host_clock_stop_and_continue)
{
    SysClock *h = sys_clock_new_host();
    int64_t t0, t1;

    usleep(2000);
    sys_bql_lock();
    sys_clock_set_enabled(h, false);
    sys_bql_unlock();
    t0 = sys_clock_ns(h);
    ck_assert_int_ge(t0, 2000000);
    usleep(20000);
    ck_assert_int_eq(sys_clock_ns(h), t0);      /* held while stopped */
    sys_bql_lock();
    sys_clock_set_enabled(h, true);
    sys_bql_unlock();
    t1 = sys_clock_ns(h);
    ck_assert_int_ge(t1, t0);
    ck_assert_int_lt(t1 - t0, 15000000);        /* the 20 ms not counted */
    sys_clock_free(h);
}
END_TEST

/* The guest TSC: 2 GHz as CPUID leaf 0x15 would give it (25 MHz crystal
 * times 80), 0 at clock 0, and the first ns at which a value is reached. */
START_TEST(guest_tsc)
{
    ck_assert_int_eq(SYS_TSC_CRYSTAL_HZ * (int64_t)SYS_TSC_CRYSTAL_RATIO,
                     2000000000);
    ck_assert_uint_eq(sys_tsc_from_ns(0), 0);
    ck_assert_uint_eq(sys_tsc_from_ns(1000), 2000);
    ck_assert_uint_eq(sys_tsc_from_ns(INT64_C(3600) * SYS_NS_PER_SEC),
                      UINT64_C(7200000000000));
    ck_assert_int_eq(sys_ns_from_tsc(2000), 1000);
    ck_assert_int_eq(sys_ns_from_tsc(2001), 1001);
    ck_assert_int_eq(sys_ns_from_tsc(UINT64_MAX), INT64_MAX);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("clock");
    TCase *tc = tcase_create("clock");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, manual_order_and_exact_time);
    tcase_add_test(tc, callbacks_rearm);
    tcase_add_test(tc, notify_on_new_earliest);
    tcase_add_test(tc, host_clock_stop_and_continue);
    tcase_add_test(tc, guest_tsc);
    suite_add_tcase(s, tc);
    return systest_run(s);
}
