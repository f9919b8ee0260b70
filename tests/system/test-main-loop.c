/*
 * test-main-loop.c — the main loop (timers on both clocks, wake-up when a
 * timer is armed from another thread, fd watches, deferred calls),
 * iothreads, and chardev backends (file, unix server and client, flow
 * control) checked against what a raw socket or the file system sees.
 */
#include <check.h>
#include <glib-unix.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "system/chardev.h"
#include "system/iothread.h"
#include "system/main-loop.h"

#define MS (INT64_C(1000000))

/* Let other threads have the BQL for a while (the fixture holds it). */
NO_THREAD_SAFETY_ANALYSIS
static void sleep_without_bql(gulong us) REQUIRES(sys_bql)
{
    sys_bql_unlock();
    g_usleep(us);
    sys_bql_lock();
}

NO_THREAD_SAFETY_ANALYSIS
static void join_without_bql(GThread *t) REQUIRES(sys_bql)
{
    sys_bql_unlock();
    g_thread_join(t);
    sys_bql_lock();
}

/* Iterate the loop until @cond or ~10 s. */
#define SPIN_UNTIL(cond)                                                    \
    do {                                                                    \
        gint64 dl_ = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;          \
        while (!(cond)) {                                                   \
            ck_assert_msg(g_get_monotonic_time() < dl_,                     \
                          "timed out waiting for " #cond);                  \
            sys_main_loop_iterate(false);                                   \
            sleep_without_bql(100);                                         \
        }                                                                   \
    } while (0)

NO_THREAD_SAFETY_ANALYSIS
static void setup(void)
{
    sys_bql_lock();
}

NO_THREAD_SAFETY_ANALYSIS
static void teardown(void)
{
    sys_bql_unlock();
}

/* ---- timers -------------------------------------------------------------- */

typedef struct Fired {
    int count;
    bool had_bql, on_loop;
    int64_t at;
    SysClockType clock;
} Fired;

static void fire_cb(void *opaque)
{
    Fired *f = opaque;

    f->count++;
    f->had_bql = sys_bql_held();
    f->on_loop = sys_main_loop_is_current();
    f->at = sys_clock_get_ns(f->clock);
}

START_TEST(test_realtime_timer)
{
    sys_bql_assert_held();     /* the fixture holds it */
    Fired f = { .clock = SYS_CLOCK_REALTIME };
    SysTimer *t = sys_timer_new(SYS_CLOCK_REALTIME, fire_cb, &f);
    int64_t start = sys_clock_get_ns(SYS_CLOCK_REALTIME);

    sys_timer_mod(t, start + 20 * MS);
    while (f.count == 0) {
        sys_main_loop_iterate(true);    /* sleeps until the deadline */
    }
    ck_assert_int_eq(f.count, 1);
    ck_assert(f.had_bql && f.on_loop);
    ck_assert_int_ge(f.at - start, 20 * MS);
    /* A deleted timer does not fire. */
    sys_timer_mod(t, sys_clock_get_ns(SYS_CLOCK_REALTIME) + 1 * MS);
    sys_timer_del(t);
    sleep_without_bql(5000);
    while (sys_main_loop_iterate(false)) {
    }
    ck_assert_int_eq(f.count, 1);
    sys_timer_free(t);
}
END_TEST

START_TEST(test_virtual_clock_stops)
{
    sys_bql_assert_held();     /* the fixture holds it */
    Fired f = { .clock = SYS_CLOCK_VIRTUAL };
    SysTimer *t = sys_timer_new(SYS_CLOCK_VIRTUAL, fire_cb, &f);
    int64_t v0 = sys_clock_get_ns(SYS_CLOCK_VIRTUAL);

    /* Stopped (the machine has not started): time stands still and the
     * timer does not fire however long the loop runs. */
    sys_timer_mod(t, v0 + 1 * MS);
    for (int i = 0; i < 20; i++) {
        sys_main_loop_iterate(false);
        sleep_without_bql(1000);
    }
    ck_assert_int_eq(f.count, 0);
    ck_assert_int_eq(sys_clock_get_ns(SYS_CLOCK_VIRTUAL), v0);
    sys_main_loop_clock_run(true);
    SPIN_UNTIL(f.count == 1);
    ck_assert_int_ge(f.at, v0 + 1 * MS);
    /* Stopped again, it keeps the time it had. */
    sys_main_loop_clock_run(false);
    v0 = sys_clock_get_ns(SYS_CLOCK_VIRTUAL);
    sleep_without_bql(3000);
    ck_assert_int_eq(sys_clock_get_ns(SYS_CLOCK_VIRTUAL), v0);
    sys_timer_free(t);
}
END_TEST

/* A timer armed from another thread wakes a loop asleep in poll(). */
static void quit_cb(void *opaque)
{
    sys_main_loop_quit();
}

static gpointer arm_later(gpointer data)
{
    SysTimer *t = data;

    g_usleep(50000);
    sys_bql_lock();
    sys_timer_mod(t, sys_clock_get_ns(SYS_CLOCK_REALTIME) + 1 * MS);
    sys_bql_unlock();
    return NULL;
}

START_TEST(test_timer_from_other_thread)
{
    sys_bql_assert_held();     /* the fixture holds it */
    SysTimer *t = sys_timer_new(SYS_CLOCK_REALTIME, quit_cb, NULL);
    SysTimer *far = sys_timer_new(SYS_CLOCK_REALTIME, quit_cb, NULL);
    gint64 t0 = g_get_monotonic_time();
    GThread *th;

    sys_timer_mod(far, sys_clock_get_ns(SYS_CLOCK_REALTIME) + 60000 * MS);
    th = g_thread_new("arm", arm_later, t);
    sys_main_loop_run();
    ck_assert_int_lt(g_get_monotonic_time() - t0, 5 * G_USEC_PER_SEC);
    join_without_bql(th);
    sys_timer_free(far);
    sys_timer_free(t);
}
END_TEST

/* ---- fd watches and deferred calls --------------------------------------- */

static bool pipe_cb(int fd, GIOCondition cond, void *opaque)
{
    char buf[16];
    int *got = opaque;

    ck_assert(sys_bql_held());
    *got += read(fd, buf, sizeof(buf));
    return true;
}

static void append_cb(void *opaque)
{
    GString *s = opaque;

    g_string_append_c(s, sys_bql_held() ? 'x' : '!');
}

START_TEST(test_fd_watch_and_calls)
{
    sys_bql_assert_held();     /* the fixture holds it */
    int p[2], got = 0;
    guint id;
    g_autoptr(GString) s = g_string_new(NULL);

    ck_assert_int_eq(pipe(p), 0);
    id = sys_main_loop_add_fd(p[0], G_IO_IN, pipe_cb, &got);
    ck_assert_int_eq(write(p[1], "abc", 3), 3);
    SPIN_UNTIL(got == 3);
    sys_main_loop_remove_watch(id);
    /* Deferred calls never run inside the caller. */
    sys_main_loop_call(append_cb, s);
    sys_main_loop_call(append_cb, s);
    ck_assert_uint_eq(s->len, 0);
    SPIN_UNTIL(s->len == 2);
    ck_assert_str_eq(s->str, "xx");
    close(p[0]);
    close(p[1]);
}
END_TEST

/* ---- iothreads ----------------------------------------------------------- */

typedef struct IoLog {
    SysIOThread *io;
    GArray *order;          /* touched only on the iothread */
    atomic_int bad;
} IoLog;

static void io_work(void *opaque)
{
    IoLog *l = opaque;
    int n = l->order->len;

    if (!sys_iothread_is_current(l->io) || sys_bql_held()) {
        atomic_fetch_add(&l->bad, 1);
    }
    g_array_append_val(l->order, n);
}

START_TEST(test_iothread)
{
    sys_bql_assert_held();     /* the fixture holds it */
    IoLog l = { .order = g_array_new(FALSE, FALSE, sizeof(int)) };

    l.io = sys_iothread_new("io0");
    ck_assert(!sys_iothread_is_current(l.io));
    for (int i = 0; i < 1000; i++) {
        sys_iothread_run_in(l.io, io_work, &l);
    }
    /* Sync work runs after everything queued before it. */
    sys_iothread_run_in_sync(l.io, io_work, &l);
    ck_assert_uint_eq(l.order->len, 1001);
    for (int i = 0; i < 100; i++) {
        sys_iothread_run_in(l.io, io_work, &l);
    }
    sys_iothread_free(l.io);        /* drains the queue */
    ck_assert_uint_eq(l.order->len, 1101);
    ck_assert_int_eq(atomic_load(&l.bad), 0);
    g_array_free(l.order, TRUE);
}
END_TEST

/* ---- chardevs ------------------------------------------------------------ */

typedef struct Front {
    GString *in;
    int opened, closed;
    size_t window;          /* can_receive answer */
} Front;

static size_t front_can(void *opaque)
{
    return ((Front *)opaque)->window;
}

static void front_recv(void *opaque, const uint8_t *buf, size_t len)
{
    g_string_append_len(((Front *)opaque)->in, (const char *)buf, len);
}

static void front_event(void *opaque, SysChrEvent ev)
{
    Front *f = opaque;

    if (ev == SYS_CHR_EVENT_OPENED) {
        f->opened++;
    } else {
        f->closed++;
    }
}

static const SysChrHandlers front_handlers = {
    .can_receive = front_can, .receive = front_recv, .event = front_event,
};

static int connect_unix(const char *path)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);

    g_strlcpy(sa.sun_path, path, sizeof(sa.sun_path));
    ck_assert_int_eq(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    return fd;
}

static void read_exact(int fd, char *buf, size_t n)
{
    size_t got = 0;

    while (got < n) {
        ssize_t r = read(fd, buf + got, n - got);

        ck_assert_int_gt(r, 0);
        got += r;
    }
    buf[n] = 0;
}

START_TEST(test_chardev_unix_server)
{
    sys_bql_assert_held();     /* the fixture holds it */
    g_autofree char *path = g_strdup_printf("/tmp/ferry-tml-%d.sock",
                                            getpid());
    g_autofree char *spec = g_strdup_printf("unix:%s,server,nowait", path);
    Front f = { .in = g_string_new(NULL), .window = 4096 };
    SysChardev *chr = sys_chardev_new("t", spec, NULL);
    char buf[16];
    int c;

    ck_assert(chr);
    sys_chardev_set_handlers(chr, &front_handlers, &f);
    /* Writes with no client are dropped, like an unplugged line. */
    ck_assert_uint_eq(sys_chardev_write(chr, "lost", 4), 4);
    for (int round = 0; round < 2; round++) {
        c = connect_unix(path);
        SPIN_UNTIL(f.opened == round + 1);
        ck_assert_int_eq(write(c, "hello", 5), 5);
        SPIN_UNTIL(f.in->len == 5);
        ck_assert_str_eq(f.in->str, "hello");
        g_string_truncate(f.in, 0);
        ck_assert_uint_eq(sys_chardev_write(chr, "world", 5), 5);
        read_exact(c, buf, 5);
        ck_assert_str_eq(buf, "world");
        close(c);
        SPIN_UNTIL(f.closed == round + 1);     /* and it listens again */
    }
    /* Flow control: a full frontend stops input until it takes more. */
    c = connect_unix(path);
    SPIN_UNTIL(f.opened == 3);
    f.window = 2;
    ck_assert_int_eq(write(c, "abcdef", 6), 6);
    SPIN_UNTIL(f.in->len == 2);
    f.window = 0;
    for (int i = 0; i < 20; i++) {
        sys_main_loop_iterate(false);
    }
    SPIN_UNTIL(f.in->len >= 2);
    ck_assert_uint_le(f.in->len, 4);
    f.window = 4096;
    sys_chardev_accept_input(chr);
    SPIN_UNTIL(f.in->len == 6);
    ck_assert_str_eq(f.in->str, "abcdef");
    close(c);
    sys_chardev_free(chr);
    ck_assert_int_ne(access(path, F_OK), 0);    /* socket file removed */
    g_string_free(f.in, TRUE);
}
END_TEST

/* A client that does not read cannot block the writer (who holds the BQL):
 * output is buffered and sent as the client takes it, and a client that
 * leaves more than the cap unread is dropped. */
START_TEST(test_chardev_slow_reader)
{
    sys_bql_assert_held();     /* the fixture holds it */
    g_autofree char *path = g_strdup_printf("/tmp/ferry-tms-%d.sock",
                                            getpid());
    g_autofree char *spec = g_strdup_printf("unix:%s,server,nowait", path);
    Front f = { .in = g_string_new(NULL), .window = 4096 };
    SysChardev *chr = sys_chardev_new("slow", spec, NULL);
    size_t total = 8u << 20, got = 0;
    char *chunk = g_malloc(65536), *rbuf = g_malloc(65536);
    gint64 t0;
    int c;

    sys_chardev_set_handlers(chr, &front_handlers, &f);
    c = connect_unix(path);
    SPIN_UNTIL(f.opened == 1);
    t0 = g_get_monotonic_time();
    for (size_t off = 0; off < total; off += 65536) {
        for (int i = 0; i < 65536; i++) {
            chunk[i] = (char)((off + i) * 7 >> 3);
        }
        ck_assert_uint_eq(sys_chardev_write(chr, chunk, 65536), 65536);
    }
    ck_assert_int_lt(g_get_monotonic_time() - t0, 2 * G_USEC_PER_SEC);
    /* Everything arrives, in order, while the loop runs. */
    g_unix_set_fd_nonblocking(c, TRUE, NULL);
    while (got < total) {
        ssize_t n = read(c, rbuf, 65536);

        /* Check calls only on failure: a passing ck_assert per byte costs a
         * message to Check's parent process each (minutes under qemu-user). */
        for (ssize_t i = 0; i < n; i++) {
            if (rbuf[i] != (char)((got + i) * 7 >> 3)) {
                ck_abort_msg("byte %zu: %d", (size_t)(got + i), rbuf[i]);
            }
        }
        got += n > 0 ? n : 0;
        sys_main_loop_iterate(n <= 0);
    }
    ck_assert(sys_chardev_connected(chr));
    /* Past the cap without reading: the client is dropped. */
    for (int i = 0; i < 17 * 16 && sys_chardev_connected(chr); i++) {
        sys_chardev_write(chr, chunk, 65536);
    }
    ck_assert(!sys_chardev_connected(chr));
    ck_assert_int_eq(f.closed, 1);
    close(c);
    sys_chardev_free(chr);
    g_free(chunk);
    g_free(rbuf);
    g_string_free(f.in, TRUE);
}
END_TEST

START_TEST(test_chardev_unix_client_and_file)
{
    sys_bql_assert_held();     /* the fixture holds it */
    g_autofree char *path = g_strdup_printf("/tmp/ferry-tmc-%d.sock",
                                            getpid());
    g_autofree char *fpath = g_strdup_printf("/tmp/ferry-tmf-%d.txt",
                                             getpid());
    g_autofree char *spec = g_strdup_printf("unix:%s", path);
    g_autofree char *fspec = g_strdup_printf("file:%s", fpath);
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int lfd = socket(AF_UNIX, SOCK_STREAM, 0), c;
    g_autofree char *contents = NULL;
    GError *err = NULL;
    SysChardev *chr;
    char buf[8];

    g_strlcpy(sa.sun_path, path, sizeof(sa.sun_path));
    unlink(path);
    ck_assert_int_eq(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    ck_assert_int_eq(listen(lfd, 1), 0);
    chr = sys_chardev_new("cli", spec, &err);
    ck_assert(chr);
    c = accept(lfd, NULL, NULL);
    sys_chardev_write(chr, "ping", 4);
    read_exact(c, buf, 4);
    ck_assert_str_eq(buf, "ping");
    sys_chardev_free(chr);
    close(c);
    close(lfd);
    unlink(path);

    chr = sys_chardev_new("f", fspec, &err);
    ck_assert(chr);
    sys_chardev_printf(chr, "line %d\n", 42);
    sys_chardev_free(chr);
    ck_assert(g_file_get_contents(fpath, &contents, NULL, NULL));
    ck_assert_str_eq(contents, "line 42\n");
    unlink(fpath);

    /* Bad specs and host errors come back as messages. */
    ck_assert(!sys_chardev_new("s0", "tcp:1234", &err));
    ck_assert_str_eq(err->message, "s0: unknown chardev 'tcp:1234' (stdio, "
                     "file:PATH, unix:PATH[,server][,nowait], none)");
    g_clear_error(&err);
    ck_assert(!sys_chardev_new("s1", "unix:/nonexistent/x.sock", &err));
    ck_assert_str_eq(err->message, "s1: connect to /nonexistent/x.sock: "
                     "No such file or directory");
    g_clear_error(&err);
    ck_assert(!sys_chardev_new("s2", "unix:/tmp/x,server,bogus", &err));
    g_clear_error(&err);
    ck_assert(!sys_chardev_new("s3", "file:/nonexistent/dir/f", &err));
    g_clear_error(&err);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("main-loop");
    TCase *tc = tcase_create("main-loop");
    SRunner *sr;
    int failed;

    sys_main_loop_init();
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_realtime_timer);
    tcase_add_test(tc, test_virtual_clock_stops);
    tcase_add_test(tc, test_timer_from_other_thread);
    tcase_add_test(tc, test_fd_watch_and_calls);
    tcase_add_test(tc, test_iothread);
    tcase_add_test(tc, test_chardev_unix_server);
    tcase_add_test(tc, test_chardev_slow_reader);
    tcase_add_test(tc, test_chardev_unix_client_and_file);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
