/*
 * test-main-loop.c — the main loop and chardevs: a host-clock timer fires
 * from the loop no earlier than its deadline, a timer armed from another
 * thread wakes a sleeping loop, and pipe-backed chardevs deliver input to
 * a frontend at the pace it accepts (here a 16550A read through its ports)
 * and carry output.
 */
#include <check.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "hw/uart16550.h"
#include "system/chardev.h"
#include "system/main-loop.h"
#include "tests/system/devtest.h"
#include "tests/system/systest.h"

static SysClock *hclk;
static int fired;

static void fire_cb(void *opaque)
{
    fired++;
    if (opaque) {
        sys_main_loop_quit();
    }
}

static void setup(void)
{
    fired = 0;
    sys_main_loop_init();
    hclk = sys_clock_new_host();
    sys_main_loop_add_clock(hclk);
}

static void teardown(void)
{
    sys_main_loop_fini();
    sys_clock_free(hclk);
}

START_TEST(timer_fires_from_loop)
{
    SysTimer t;
    int64_t start;

    sys_timer_init(&t, hclk, fire_cb, NULL);
    sys_bql_lock();
    start = sys_clock_ns(hclk);
    sys_timer_mod(&t, start + 20 * 1000000);
    sys_bql_unlock();
    while (!fired) {
        sys_main_loop_iterate(true);
    }
    ck_assert_int_ge(sys_clock_ns(hclk) - start, 20 * 1000000);
}
END_TEST

static void *loop_thread(void *arg)
{
    sys_rcu_register_thread();
    sys_main_loop_run();
    sys_rcu_unregister_thread();
    return NULL;
}

START_TEST(cross_thread_timer_wakes_loop)
{
    static SysTimer t;
    pthread_t th;

    alarm(20);                  /* a loop that never wakes fails here */
    sys_timer_init(&t, hclk, fire_cb, &t);
    pthread_create(&th, NULL, loop_thread, NULL);
    usleep(50000);              /* the loop is asleep with no deadline */
    sys_bql_lock();
    sys_timer_mod(&t, sys_clock_ns(hclk) + 5 * 1000000);
    sys_bql_unlock();
    pthread_join(th, NULL);
    alarm(0);
    ck_assert_int_eq(fired, 1);
}
END_TEST

/* A frontend that takes at most 16 bytes until the test drains it. */
static uint8_t got[256];
static int got_len, room;

static int fe_can_receive(void *opaque)
{
    return room;
}

static void fe_receive(void *opaque, const uint8_t *buf, int len)
{
    memcpy(got + got_len, buf, len);
    got_len += len;
    room -= len;
}

START_TEST(input_flow_control)
{
    int in[2];
    uint8_t data[100];
    Chardev *c;

    ck_assert_int_eq(pipe(in), 0);
    for (int i = 0; i < 100; i++) {
        data[i] = i;
    }
    got_len = 0;
    room = 16;
    c = chr_new_fds("pipe", in[0], -1);
    chr_set_frontend(c, fe_can_receive, fe_receive, NULL);
    ck_assert_int_eq(write(in[1], data, 100), 100);
    while (got_len < 16) {
        sys_main_loop_iterate(true);
    }
    for (int i = 0; i < 20; i++) {
        sys_main_loop_iterate(false);
    }
    ck_assert_int_eq(got_len, 16);          /* no more than it took */
    room = 1000;
    while (got_len < 100) {
        sys_main_loop_iterate(true);
    }
    ck_assert_mem_eq(got, data, 100);
    chr_free(c);
    close(in[0]);
    close(in[1]);
}
END_TEST

static int uart_can(void *opaque) REQUIRES(sys_bql)
{
    return uart_can_receive(opaque);
}

static void uart_rx(void *opaque, const uint8_t *buf, int len)
    REQUIRES(sys_bql)
{
    uart_receive(opaque, buf, len);
}

START_TEST(uart_over_pipes)
{
    static Uart16550 uart;
    int in[2], out[2];
    char buf[32] = { 0 };
    Chardev *c;
    SysClock *vclk = sys_clock_new_manual(0);

    ck_assert_int_eq(pipe(in), 0);
    ck_assert_int_eq(pipe(out), 0);
    c = chr_new_fds("pipes", in[0], out[1]);
    devtest_io_init();
    uart_init(&uart, vclk, (SysIrqLine){ 0 }, chr_write, c);
    devtest_map(&uart.io, 0x3f8);
    chr_set_frontend(c, uart_can, uart_rx, &uart);
    outb(0x3fa, 0x07);                      /* FIFO on */
    ck_assert_int_eq(write(in[1], "ping", 4), 4);
    while (!(inb(0x3fd) & 1) || uart.rx_count < 4) {
        sys_main_loop_iterate(true);
    }
    for (int i = 0; i < 4; i++) {
        buf[i] = inb(0x3f8);
    }
    ck_assert_str_eq(buf, "ping");
    for (const char *p = "pong"; *p; p++) {
        outb(0x3f8, *p);
    }
    ck_assert_int_eq(read(out[0], buf, 4), 4);
    ck_assert_mem_eq(buf, "pong", 4);
    chr_free(c);
    devtest_io_fini();
    sys_clock_free(vclk);
    close(in[0]); close(in[1]); close(out[0]); close(out[1]);
}
END_TEST

START_TEST(specs)
{
    GError *err = NULL;
    Chardev *c = chr_new_spec("null", &err);

    ck_assert_ptr_nonnull(c);
    chr_write(c, (const uint8_t *)"x", 1);
    chr_free(c);
    ck_assert_ptr_null(chr_new_spec("bogus", &err));
    ck_assert_ptr_nonnull(strstr(err->message, "unknown backend"));
    g_clear_error(&err);
    ck_assert_ptr_null(chr_new_spec("file:/nonexistent/dir/x", &err));
    g_clear_error(&err);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("main-loop");
    TCase *tc = tcase_create("loop");

    tcase_set_timeout(tc, 30);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, timer_fires_from_loop);
    tcase_add_test(tc, cross_thread_timer_wakes_loop);
    tcase_add_test(tc, input_flow_control);
    tcase_add_test(tc, uart_over_pipes);
    tcase_add_test(tc, specs);
    suite_add_tcase(s, tc);
    return systest_run(s);
}
