/*
 * test-qmp.c — ferry-system-x86_64 as a child process, driven over its
 * sockets by a client written here: QMP (greeting, negotiation, status,
 * cont/stop with their events, errors of QMP's shape, reconnects, quit),
 * HMP, and the command line's exit codes. Thread ids reported by the
 * monitors are checked against /proc. The binary is $FERRY_SYSTEM or
 * system/ferry-system-x86_64 under the current (build) directory.
 */
#include <check.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "system/json.h"

#define TIMEOUT_MS 10000

typedef struct Child {
    GPid pid;
    char *sock;
} Child;

typedef struct Client {
    int fd;
    GString *buf;           /* bytes read but not yet returned as lines */
    GQueue events;          /* JsonValue *, events read while waiting */
} Client;

/* Set by local.mk: the cross build's qemu-user, else empty. */
#ifndef FERRY_TEST_WRAPPER
#define FERRY_TEST_WRAPPER ""
#endif

static const char *binary(void)
{
    const char *b = g_getenv("FERRY_SYSTEM");

    return b ? b : "system/ferry-system-x86_64";
}

/* Run the binary with @args (NULL-terminated); wait for status if @wait. */
static GPid spawn(const char *const *args, int *out_fd, int *err_fd)
{
    GPtrArray *argv = g_ptr_array_new();
    GError *err = NULL;
    GPid pid;

    /* A cross build runs its programs under qemu-user (no binfmt here). */
    if (FERRY_TEST_WRAPPER[0]) {
        g_ptr_array_add(argv, (char *)FERRY_TEST_WRAPPER);
    }
    g_ptr_array_add(argv, (char *)binary());
    for (; *args; args++) {
        g_ptr_array_add(argv, (char *)*args);
    }
    g_ptr_array_add(argv, NULL);
    ck_assert_msg(g_spawn_async_with_pipes(NULL, (char **)argv->pdata, NULL,
                                           G_SPAWN_DO_NOT_REAP_CHILD, NULL,
                                           NULL, &pid, NULL, out_fd, err_fd,
                                           &err),
                  "spawn %s: %s", binary(), err ? err->message : "");
    g_ptr_array_free(argv, TRUE);
    return pid;
}

static int wait_exit(GPid pid)
{
    int status;

    for (int i = 0; i < TIMEOUT_MS / 10; i++) {
        pid_t r = waitpid(pid, &status, WNOHANG);

        if (r == pid) {
            ck_assert_msg(WIFEXITED(status), "child died by a signal");
            return WEXITSTATUS(status);
        }
        g_usleep(10000);
    }
    kill(pid, SIGKILL);
    ck_abort_msg("child did not exit");
    return -1;
}

static int connect_retry(const char *path)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };

    g_strlcpy(sa.sun_path, path, sizeof(sa.sun_path));
    for (int i = 0; i < TIMEOUT_MS / 10; i++) {
        int fd = socket(AF_UNIX, SOCK_STREAM, 0);

        if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
            return fd;
        }
        close(fd);
        g_usleep(10000);
    }
    ck_abort_msg("cannot connect to %s", path);
    return -1;
}

/* ---- line-level client --------------------------------------------------- */

static Client *client_new(const char *path)
{
    Client *c = g_new0(Client, 1);

    c->fd = connect_retry(path);
    c->buf = g_string_new(NULL);
    g_queue_init(&c->events);
    return c;
}

static void client_free(Client *c)
{
    close(c->fd);
    g_string_free(c->buf, TRUE);
    g_queue_clear_full(&c->events, (GDestroyNotify)json_free);
    g_free(c);
}

/* Read until @c->buf holds @stop or EOF; false on EOF. */
static bool read_until(Client *c, const char *stop)
{
    while (!strstr(c->buf->str, stop)) {
        struct pollfd p = { .fd = c->fd, .events = POLLIN };
        char tmp[4096];
        ssize_t n;

        ck_assert_msg(poll(&p, 1, TIMEOUT_MS) == 1, "no reply within %d ms "
                      "(have '%s')", TIMEOUT_MS, c->buf->str);
        n = read(c->fd, tmp, sizeof(tmp));
        if (n <= 0) {
            return false;
        }
        g_string_append_len(c->buf, tmp, n);
    }
    return true;
}

/* The next line (without CRLF), or NULL at EOF. */
static char *read_line(Client *c)
{
    char *nl, *line;

    if (!read_until(c, "\n")) {
        return NULL;
    }
    nl = strchr(c->buf->str, '\n');
    line = g_strndup(c->buf->str, nl - c->buf->str);
    g_string_erase(c->buf, 0, nl - c->buf->str + 1);
    if (*line && line[strlen(line) - 1] == '\r') {
        line[strlen(line) - 1] = 0;
    }
    return line;
}

static JsonValue *read_msg(Client *c)
{
    g_autofree char *line = read_line(c);
    GError *err = NULL;
    JsonValue *v;

    ck_assert_msg(line, "unexpected EOF");
    v = json_parse(line, strlen(line), &err);
    ck_assert_msg(v && json_type(v) == JSON_OBJECT, "bad QMP line '%s'", line);
    return v;
}

static void send_text(Client *c, const char *text)
{
    ck_assert_int_eq(write(c->fd, text, strlen(text)), (ssize_t)strlen(text));
}

/* Send @text and return the reply (return or error), queueing events. */
static JsonValue *qmp(Client *c, const char *text)
{
    send_text(c, text);
    for (;;) {
        JsonValue *v = read_msg(c);

        if (json_object_get(v, "event")) {
            g_queue_push_tail(&c->events, v);
            continue;
        }
        return v;
    }
}

/* The first queued or next event, which must be @name. */
static JsonValue *expect_event(Client *c, const char *name)
{
    JsonValue *ev = g_queue_pop_head(&c->events), *ts;

    if (!ev) {
        ev = read_msg(c);
    }
    ck_assert_msg(json_object_get(ev, "event"), "expected event %s", name);
    ck_assert_str_eq(json_get_string(json_object_get(ev, "event")), name);
    ts = json_object_get(ev, "timestamp");
    ck_assert(ts);
    /* Event time is the host's wall clock, in the last minute. */
    ck_assert_int_le(labs((long)(json_get_int(json_object_get(ts, "seconds")) -
                                 g_get_real_time() / G_USEC_PER_SEC)), 60);
    ck_assert_int_lt(json_get_int(json_object_get(ts, "microseconds")),
                     1000000);
    return ev;
}

/* The reply must be {"return": {}}. */
static void expect_empty_return(JsonValue *r)
{
    JsonValue *ret = json_object_get(r, "return");

    ck_assert_msg(ret && json_type(ret) == JSON_OBJECT &&
                  json_length(ret) == 0, "expected empty return");
    json_free(r);
}

/* The reply must be an error of @cls; returns its desc (owned). */
static char *expect_error(JsonValue *r, const char *cls)
{
    JsonValue *e = json_object_get(r, "error");
    char *desc;

    ck_assert_msg(e, "expected an error reply");
    ck_assert_uint_eq(json_length(e), 2);
    ck_assert_str_eq(json_get_string(json_object_get(e, "class")), cls);
    desc = g_strdup(json_get_string(json_object_get(e, "desc")));
    json_free(r);
    return desc;
}

static bool query_running(Client *c, const char **status)
{
    JsonValue *r = qmp(c, "{\"execute\": \"query-status\"}");
    JsonValue *ret = json_object_get(r, "return");
    bool running;
    static char st[32];

    ck_assert(ret);
    running = json_get_bool(json_object_get(ret, "running"));
    g_strlcpy(st, json_get_string(json_object_get(ret, "status")), sizeof(st));
    *status = st;
    json_free(r);
    return running;
}

static Child start_child(const char *kind, const char *const *extra)
{
    Child ch;
    g_autofree char *spec = NULL;
    const char *args[16];
    int n = 0;

    ch.sock = g_strdup_printf("/tmp/ferry-test-%s-%d.sock", kind, getpid());
    spec = g_strdup_printf("unix:%s,server,nowait", ch.sock);
    args[n++] = g_str_has_prefix(kind, "qmp") ? "-qmp" : "-monitor";
    args[n++] = spec;
    args[n++] = "-display";
    args[n++] = "none";
    for (; extra && *extra; extra++) {
        args[n++] = *extra;
    }
    args[n] = NULL;
    ch.pid = spawn(args, NULL, NULL);
    return ch;
}

static bool is_thread_of(GPid pid, int64_t tid)
{
    g_autofree char *p = g_strdup_printf("/proc/%d/task/%" G_GINT64_FORMAT,
                                         (int)pid, tid);

    return access(p, F_OK) == 0;
}

/* ---- QMP ----------------------------------------------------------------- */

static void check_greeting(Client *c)
{
    JsonValue *g = read_msg(c), *q = json_object_get(g, "QMP");

    ck_assert(q);
    ck_assert(json_object_get(json_object_get(json_object_get(q, "version"),
                                              "qemu"), "major"));
    ck_assert(json_type(json_object_get(q, "capabilities")) == JSON_ARRAY);
    json_free(g);
}

START_TEST(test_qmp_session)
{
    static const char *const extra[] = { "-S", "-smp", "2", NULL };
    Child ch = start_child("qmp", extra);
    Client *c = client_new(ch.sock);
    const char *status;
    char *desc;
    JsonValue *r, *ev, *cpus;

    check_greeting(c);
    desc = expect_error(qmp(c, "{\"execute\": \"query-status\"}"),
                        "CommandNotFound");
    ck_assert_str_eq(desc, "Expecting capabilities negotiation with "
                     "'qmp_capabilities'");
    g_free(desc);
    expect_empty_return(qmp(c, "{\"execute\": \"qmp_capabilities\"}"));
    g_free(expect_error(qmp(c, "{\"execute\": \"qmp_capabilities\"}"),
                        "CommandNotFound"));

    /* -S: nothing runs until cont. */
    ck_assert(!query_running(c, &status));
    ck_assert_str_eq(status, "prelaunch");
    expect_empty_return(qmp(c, "{\"execute\": \"cont\"}"));
    json_free(expect_event(c, "RESUME"));
    ck_assert(query_running(c, &status));
    ck_assert_str_eq(status, "running");

    /* Two vCPUs, each a real thread of the child. */
    r = qmp(c, "{\"execute\": \"query-cpus-fast\"}");
    cpus = json_object_get(r, "return");
    ck_assert_uint_eq(json_length(cpus), 2);
    for (int i = 0; i < 2; i++) {
        JsonValue *cpu = json_array_get(cpus, i);
        int64_t tid = json_get_int(json_object_get(cpu, "thread-id"));

        ck_assert_int_eq(json_get_int(json_object_get(cpu, "cpu-index")), i);
        ck_assert_msg(tid != ch.pid && is_thread_of(ch.pid, tid),
                      "thread-id %" G_GINT64_FORMAT " is not a vCPU thread",
                      tid);
    }
    json_free(r);

    expect_empty_return(qmp(c, "{\"execute\": \"stop\"}"));
    json_free(expect_event(c, "STOP"));
    ck_assert(!query_running(c, &status));
    ck_assert_str_eq(status, "paused");

    /* Bad input gets an error and the session goes on. */
    desc = expect_error(qmp(c, "{\"execute\": }"), "GenericError");
    ck_assert(g_str_has_prefix(desc, "JSON parse error"));
    g_free(desc);
    g_free(expect_error(qmp(c, "nonsense\n"), "GenericError"));
    desc = expect_error(qmp(c, "{\"execute\": \"no-such-command\"}"),
                        "CommandNotFound");
    ck_assert_str_eq(desc, "The command no-such-command has not been found");
    g_free(desc);
    desc = expect_error(qmp(c, "{\"execute\": \"stop\", \"arguments\": "
                               "{\"force\": true}}"), "GenericError");
    ck_assert_str_eq(desc, "Parameter 'force' is unexpected");
    g_free(desc);
    desc = expect_error(qmp(c, "{\"execute\": \"stop\", \"arguments\": []}"),
                        "GenericError");
    ck_assert_str_eq(desc, "QMP input member 'arguments' must be an object");
    g_free(desc);
    desc = expect_error(qmp(c, "{\"exec\": \"stop\"}"), "GenericError");
    ck_assert_str_eq(desc, "QMP input member 'exec' is unexpected");
    g_free(desc);
    desc = expect_error(qmp(c, "[1, 2]"), "GenericError");
    ck_assert_str_eq(desc, "QMP input must be a JSON object");
    g_free(desc);
    r = qmp(c, "{\"execute\": \"query-status\", \"id\": {\"n\": [1]}}");
    ck_assert(json_object_get(r, "return"));
    ck_assert_int_eq(json_get_int(json_array_get(json_object_get(
        json_object_get(r, "id"), "n"), 0)), 1);
    json_free(r);
    ck_assert(!query_running(c, &status));

    /* HMP through QMP, on a chosen vCPU. */
    r = qmp(c, "{\"execute\": \"human-monitor-command\", \"arguments\": "
               "{\"command-line\": \"info registers\", \"cpu-index\": 1}}");
    ck_assert(g_str_has_prefix(json_get_string(json_object_get(r, "return")),
                               "CPU#1 (null accelerator"));
    json_free(r);
    desc = expect_error(qmp(c, "{\"execute\": \"human-monitor-command\"}"),
                        "GenericError");
    ck_assert_str_eq(desc, "Parameter 'command-line' is missing");
    g_free(desc);

    expect_empty_return(qmp(c, "{\"execute\": \"system_reset\"}"));
    ev = expect_event(c, "RESET");
    ck_assert_str_eq(json_get_string(json_object_get(
        json_object_get(ev, "data"), "reason")), "host-qmp-system-reset");
    json_free(ev);

    expect_empty_return(qmp(c, "{\"execute\": \"quit\"}"));
    ev = expect_event(c, "SHUTDOWN");
    ck_assert(!json_get_bool(json_object_get(json_object_get(ev, "data"),
                                             "guest")));
    ck_assert_str_eq(json_get_string(json_object_get(
        json_object_get(ev, "data"), "reason")), "host-qmp-quit");
    json_free(ev);
    ck_assert(!read_line(c));          /* the child closed the socket */
    ck_assert_int_eq(wait_exit(ch.pid), 0);
    ck_assert_int_ne(access(ch.sock, F_OK), 0);
    client_free(c);
    g_free(ch.sock);
}
END_TEST

/* A new client gets a new greeting and must negotiate again; events reach
 * only negotiated sessions. */
START_TEST(test_qmp_reconnect)
{
    static const char *const extra[] = { "-S", NULL };
    Child ch = start_child("qmp2", extra);
    Client *c = client_new(ch.sock);
    const char *status;

    check_greeting(c);
    expect_empty_return(qmp(c, "{\"execute\": \"qmp_capabilities\"}"));
    /* Leave in the middle of a request: the next session starts clean. */
    send_text(c, "{\"execute\": \"qu");
    client_free(c);
    c = client_new(ch.sock);
    check_greeting(c);
    g_free(expect_error(qmp(c, "{\"execute\": \"cont\"}"), "CommandNotFound"));
    ck_assert_int_eq(g_queue_get_length(&c->events), 0);
    expect_empty_return(qmp(c, "{\"execute\": \"qmp_capabilities\"}"));
    ck_assert(!query_running(c, &status));
    expect_empty_return(qmp(c, "{\"execute\": \"quit\"}"));
    json_free(expect_event(c, "SHUTDOWN"));
    ck_assert_int_eq(wait_exit(ch.pid), 0);
    client_free(c);
    g_free(ch.sock);
}
END_TEST

/* SIGTERM is a host-signal shutdown: the event, then exit status 0. */
START_TEST(test_qmp_sigterm)
{
    Child ch = start_child("qmp3", NULL);
    Client *c = client_new(ch.sock);
    const char *status;
    JsonValue *ev;

    check_greeting(c);
    expect_empty_return(qmp(c, "{\"execute\": \"qmp_capabilities\"}"));
    ck_assert(query_running(c, &status));       /* no -S: running */
    kill(ch.pid, SIGTERM);
    ev = expect_event(c, "SHUTDOWN");
    ck_assert_str_eq(json_get_string(json_object_get(
        json_object_get(ev, "data"), "reason")), "host-signal");
    json_free(ev);
    ck_assert_int_eq(wait_exit(ch.pid), 0);
    client_free(c);
    g_free(ch.sock);
}
END_TEST

/* ---- HMP ----------------------------------------------------------------- */

/* Send a command line and return the output up to the next prompt. */
static char *hmp(Client *c, const char *line)
{
    char *p, *out;

    send_text(c, line);
    send_text(c, "\n");
    ck_assert(read_until(c, "(ferry) "));
    p = strstr(c->buf->str, "(ferry) ");
    out = g_strndup(c->buf->str, p - c->buf->str);
    g_string_erase(c->buf, 0, p - c->buf->str + 8);
    return out;
}

START_TEST(test_hmp)
{
    static const char *const extra[] = { "-smp", "3", NULL };
    Child ch = start_child("hmp", extra);
    Client *c = client_new(ch.sock);
    g_auto(GStrv) lines = NULL;
    char *out;

    ck_assert(read_until(c, "(ferry) "));
    ck_assert(strstr(c->buf->str, "type 'help' for more information"));
    g_string_truncate(c->buf, 0);
    out = hmp(c, "info cpus");
    lines = g_strsplit(out, "\n", -1);
    ck_assert_uint_eq(g_strv_length(lines), 4);     /* 3 lines + "" */
    for (int i = 0; i < 3; i++) {
        int idx, tid;
        char mark;

        ck_assert_int_eq(sscanf(lines[i], "%c CPU #%d: thread_id=%d", &mark,
                                &idx, &tid), 3);
        ck_assert_int_eq(idx, i);
        ck_assert_int_eq(mark, i == 0 ? '*' : ' ');
        ck_assert(is_thread_of(ch.pid, tid));
    }
    g_free(out);
    out = hmp(c, "info status");
    ck_assert_str_eq(out, "VM status: running\n");
    g_free(out);
    out = hmp(c, "stop");
    ck_assert_str_eq(out, "");
    g_free(out);
    out = hmp(c, "info status");
    ck_assert_str_eq(out, "VM status: paused\n");
    g_free(out);
    out = hmp(c, "cpu 2");
    g_free(out);
    out = hmp(c, "info registers");
    ck_assert(g_str_has_prefix(out, "CPU#2 (null accelerator"));
    g_free(out);
    out = hmp(c, "cpu 9");
    ck_assert_str_eq(out, "invalid CPU index\n");
    g_free(out);
    out = hmp(c, "frobnicate now");
    ck_assert_str_eq(out, "unknown command: 'frobnicate'\n");
    g_free(out);
    out = hmp(c, "help");
    ck_assert(strstr(out, "\ninfo subcommand -- "));
    ck_assert(strstr(out, "\nquit|q  -- quit the emulator\n"));
    g_free(out);
    send_text(c, "quit\n");
    ck_assert_int_eq(wait_exit(ch.pid), 0);
    client_free(c);
    g_free(ch.sock);
}
END_TEST

/* ---- the PC board through the monitors --------------------------------- */

/* A Multiboot 1 image using the header's address fields: header at offset
 * 0 loaded at 1 MiB, then code at 0x100020 and a signature. */
static char *write_multiboot_image(void)
{
    uint32_t hdr[8] = {
        0x1badb002, 0x00010000, (uint32_t)-(0x1badb002u + 0x00010000u),
        0x100000, 0x100000, 0, 0, 0x100020,
    };
    uint8_t image[64] = { 0 };
    char *path = g_strdup_printf("/tmp/ferry-test-mb-%d.bin", getpid());

    memcpy(image, hdr, sizeof(hdr));
    memcpy(image + 32, "\xf4\xeb\xfd" "FERRYMB!", 11);  /* hlt; jmp $-1 */
    ck_assert(g_file_set_contents(path, (char *)image, sizeof(image), NULL));
    return path;
}

typedef struct Board {
    GPid pid;
    char *qmp_sock, *hmp_sock, *serial, *kernel;
    Client *q, *h;
} Board;

/* A minimal Linux bzImage (boot protocol 2.15, loaded high): 4 setup
 * sectors after the boot sector, then 64 bytes of "kernel" i * 13 + 1. */
static char *write_bzimage(void)
{
    uint8_t img[5 * 512 + 64] = { 0 };
    uint32_t v32;
    uint16_t v16;
    char *path = g_strdup_printf("/tmp/ferry-test-bz-%d.bin", getpid());

#define PUT(off, v, var) (var = (v), memcpy(img + (off), &var, sizeof(var)))
    img[0x1f1] = 4;                             /* setup_sects */
    PUT(0x1fe, 0xaa55, v16);
    img[0x200] = 0xeb;
    img[0x201] = 0x66;
    PUT(0x202, 0x53726448, v32);                /* "HdrS" */
    PUT(0x206, 0x020f, v16);                    /* protocol 2.15 */
    img[0x211] = 0x01;                          /* LOADED_HIGH */
    PUT(0x214, 0x100000, v32);                  /* code32_start */
    PUT(0x22c, 0x37ffffff, v32);                /* initrd_addr_max */
    PUT(0x230, 0x200000, v32);                  /* kernel_alignment */
    PUT(0x238, 2047, v32);                      /* cmdline_size */
    PUT(0x260, 0x400000, v32);                  /* init_size */
#undef PUT
    for (int i = 0; i < 64; i++) {
        img[5 * 512 + i] = i * 13 + 1;
    }
    ck_assert(g_file_set_contents(path, (char *)img, sizeof(img), NULL));
    return path;
}

/* Start the board with @kernel (NULL: a Multiboot test image) and @extra
 * options, connect both monitors and negotiate QMP. */
static void board_start_kernel(Board *b, char *kernel,
                               const char *const *extra)
{
    g_autofree char *qspec = NULL, *hspec = NULL, *sspec = NULL;
    const char *args[20];
    int n = 0;

    b->qmp_sock = g_strdup_printf("/tmp/ferry-test-bq-%d.sock", getpid());
    b->hmp_sock = g_strdup_printf("/tmp/ferry-test-bh-%d.sock", getpid());
    b->serial = g_strdup_printf("/tmp/ferry-test-com1-%d.txt", getpid());
    b->kernel = kernel ? kernel : write_multiboot_image();
    qspec = g_strdup_printf("unix:%s,server,nowait", b->qmp_sock);
    hspec = g_strdup_printf("unix:%s,server,nowait", b->hmp_sock);
    sspec = g_strdup_printf("file:%s", b->serial);
    args[n++] = "-m";
    args[n++] = "256";
    args[n++] = "-display";
    args[n++] = "none";
    args[n++] = "-qmp";
    args[n++] = qspec;
    args[n++] = "-monitor";
    args[n++] = hspec;
    args[n++] = "-serial";
    args[n++] = sspec;
    args[n++] = "-kernel";
    args[n++] = b->kernel;
    args[n++] = "-append";
    args[n++] = "console=ttyS0";
    for (; extra && *extra; extra++) {
        args[n++] = *extra;
    }
    args[n] = NULL;
    b->pid = spawn(args, NULL, NULL);
    b->q = client_new(b->qmp_sock);
    check_greeting(b->q);
    expect_empty_return(qmp(b->q, "{\"execute\": \"qmp_capabilities\"}"));
    b->h = client_new(b->hmp_sock);
    ck_assert(read_until(b->h, "(ferry) "));
    g_string_truncate(b->h->buf, 0);
}

static void board_start(Board *b, const char *const *extra)
{
    board_start_kernel(b, NULL, extra);
}

static void board_end(Board *b, int status)
{
    ck_assert_int_eq(wait_exit(b->pid), status);
    client_free(b->q);
    client_free(b->h);
    unlink(b->serial);
    unlink(b->kernel);
    g_free(b->qmp_sock);
    g_free(b->hmp_sock);
    g_free(b->serial);
    g_free(b->kernel);
}

START_TEST(test_board)
{
    Board b;
    JsonValue *ev;
    g_autofree char *com1 = NULL;
    char *out;

    board_start(&b, NULL);
    out = hmp(b.h, "info mtree");
    ck_assert(strstr(out, "(prio 0, i/o): uart16550\n"));
    ck_assert(strstr(out, ": ram-below-4g @pc.ram 0000000000000000-"
                          "000000000fffffff\n"));
    g_free(out);
    /* The UART's line status after reset: THR and transmitter empty. */
    out = hmp(b.h, "i /b 0x3fd");
    ck_assert_str_eq(out, "portb[0x03fd] = 0x60\n");
    g_free(out);
    /* Bytes written to THR come out of the -serial chardev. */
    g_free(hmp(b.h, "o /b 0x3f8 0x41"));
    g_free(hmp(b.h, "o/b 0x3f8 0x0a"));
    /* The Multiboot loader put the image at 1 MiB. */
    out = hmp(b.h, "xp /12xb 0x100020");
    ck_assert_str_eq(out, "0000000000100020: 0xf4 0xeb 0xfd 0x46 0x45 0x52 "
                     "0x52 0x59\n0000000000100028: 0x4d 0x42 0x21 0x00\n");
    g_free(out);
    out = hmp(b.h, "xp /1xw 0x100000");
    ck_assert_str_eq(out, "0000000000100000: 0x1badb002\n");
    g_free(out);
    /* Keyboard controller pulse reset (0xFE to port 0x64): a guest reset. */
    g_free(hmp(b.h, "o /b 0x64 0xfe"));
    ev = expect_event(b.q, "RESET");
    ck_assert(json_get_bool(json_object_get(json_object_get(ev, "data"),
                                            "guest")));
    json_free(ev);
    /* isa-debug-exit: status (3 << 1) | 1. */
    send_text(b.h, "o /b 0x501 3\n");
    ev = expect_event(b.q, "SHUTDOWN");
    ck_assert_str_eq(json_get_string(json_object_get(
        json_object_get(ev, "data"), "reason")), "guest-shutdown");
    json_free(ev);
    ck_assert(g_file_get_contents(b.serial, &com1, NULL, NULL));
    board_end(&b, 7);
    ck_assert_str_eq(com1, "A\n");
}
END_TEST

/* -no-reboot: a guest reset ends the emulator instead. */
START_TEST(test_board_no_reboot)
{
    Board b;
    JsonValue *ev;

    static const char *const extra[] = { "-no-reboot", NULL };

    board_start(&b, extra);
    send_text(b.h, "o /b 0x64 0xfe\n");
    ev = expect_event(b.q, "SHUTDOWN");
    ck_assert_str_eq(json_get_string(json_object_get(
        json_object_get(ev, "data"), "reason")), "guest-reset");
    json_free(ev);
    board_end(&b, 0);
}
END_TEST

/* -device isa-debug-exit at the port test kernels use. */
START_TEST(test_board_device)
{
    static const char *const extra[] = {
        "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04", NULL,
    };
    Board b;
    char *out;

    board_start(&b, extra);
    out = hmp(b.h, "info mtree");
    ck_assert(strstr(out, "00000000000000f4-00000000000000f7 (prio 1, i/o): "
                          "isa-debug-exit\n"));
    g_free(out);
    send_text(b.h, "o /l 0xf4 0x10\n");
    json_free(expect_event(b.q, "SHUTDOWN"));
    board_end(&b, 0x21);
}
END_TEST

/* -kernel with a bzImage: the Linux loader puts the protected-mode kernel
 * at 1 MiB and the command line (-append) at 0x20000. */
START_TEST(test_board_linux)
{
    Board b;
    char *out;

    board_start_kernel(&b, write_bzimage(), NULL);
    out = hmp(b.h, "xp /4xb 0x100000");
    ck_assert_str_eq(out, "0000000000100000: 0x01 0x0e 0x1b 0x28\n");
    g_free(out);
    out = hmp(b.h, "xp /4xb 0x20000");          /* "cons" */
    ck_assert_str_eq(out, "0000000000020000: 0x63 0x6f 0x6e 0x73\n");
    g_free(out);
    expect_empty_return(qmp(b.q, "{\"execute\": \"quit\"}"));
    json_free(expect_event(b.q, "SHUTDOWN"));
    board_end(&b, 0);
}
END_TEST

/* The null accelerator's count of interrupts taken by the selected vCPU. */
static unsigned long interrupts_taken(Client *h)
{
    g_autofree char *out = hmp(h, "info registers");
    const char *p = strstr(out, " interrupts=");

    ck_assert_msg(p, "no count in '%s'", out);
    return strtoul(p + 12, NULL, 10);
}

/* An interrupt travels the whole chain: the UART's THR-empty interrupt on
 * IRQ4, the PIC (programmed here), the BSP's local APIC (LINT0 in ExtINT
 * mode from reset) and vCPU 0, whose null accelerator counts it. */
START_TEST(test_board_irq_chain)
{
    static const char *const setup[] = {
        "o /b 0x20 0x11", "o /b 0x21 0x08", "o /b 0x21 0x04",   /* ICW1-3 */
        "o /b 0x21 0x01", "o /b 0x21 0xff",         /* ICW4, mask all */
        "o /b 0x3fc 0x08",                          /* MCR: OUT2 */
        "o /b 0x3f9 0x02",                          /* IER: THR empty */
    };
    static const char *const extra[] = { "-smp", "2", NULL };
    gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
    unsigned long before, cpu1;
    Board b;

    board_start(&b, extra);
    for (size_t i = 0; i < G_N_ELEMENTS(setup); i++) {
        g_free(hmp(b.h, setup[i]));
    }
    g_free(hmp(b.h, "cpu 1"));
    cpu1 = interrupts_taken(b.h);
    g_free(hmp(b.h, "cpu 0"));
    before = interrupts_taken(b.h);
    g_free(hmp(b.h, "o /b 0x21 0xef"));            /* unmask IRQ4 */
    while (interrupts_taken(b.h) == before) {
        ck_assert_msg(g_get_monotonic_time() < deadline, "no interrupt");
        g_usleep(10000);
    }
    /* The PIC is wired to the BSP only. */
    g_free(hmp(b.h, "cpu 1"));
    ck_assert_uint_eq(interrupts_taken(b.h), cpu1);
    expect_empty_return(qmp(b.q, "{\"execute\": \"quit\"}"));
    json_free(expect_event(b.q, "SHUTDOWN"));
    board_end(&b, 0);
}
END_TEST

/* ---- command line -------------------------------------------------------- */

static char *slurp(int fd)
{
    GString *s = g_string_new(NULL);
    char buf[512];
    ssize_t n;

    while ((n = read(fd, buf, sizeof(buf))) > 0) {
        g_string_append_len(s, buf, n);
    }
    close(fd);
    return g_string_free(s, FALSE);
}

/* Run with @args; return the exit status and the stderr text. */
static int run_cli(const char *const *args, char **err_text)
{
    int err_fd;
    GPid pid = spawn(args, NULL, &err_fd);

    *err_text = slurp(err_fd);
    return wait_exit(pid);
}

/* Run with @args; return the stdout text, checking exit status 0. */
static char *run_cli_ok(const char *const *args)
{
    int out_fd;
    GPid pid = spawn(args, &out_fd, NULL);
    char *out = slurp(out_fd);

    ck_assert_int_eq(wait_exit(pid), 0);
    return out;
}

START_TEST(test_cli_errors)
{
    static const struct { const char *args[6]; const char *msg; } cases[] = {
        { { "-smp", "0" }, "-smp 0: the CPU count must be 1 to 255" },
        { { "-m", "0" }, "-m: the guest needs some RAM (got 0)" },
        { { "-m", "64T" }, "more than this host can back" },
        { { "-m", "12Q" }, "-m 12Q: bad size" },
        { { "-frobnicate" }, "-frobnicate: unknown option (try -h)" },
        { { "-smp" }, "-smp needs an argument" },
        { { "-accel", "tcg" }, "not built into ferry yet" },
        { { "-display", "gtk" }, "only -display none is supported" },
        { { "-append", "console=ttyS0" }, "-append is only allowed with "
                                          "-kernel" },
        { { "-kernel", "/nonexistent/bzImage" }, "No such file" },
        { { "-kernel", "/bin/sh" }, "-kernel /bin/sh: neither a Multiboot "
                                    "kernel nor a Linux bzImage" },
        { { "-serial", "stdio", "-monitor", "stdio" }, "stdio is given to "
                                                        "more than one" },
        { { "-serial", "tcp:1" }, "unknown chardev 'tcp:1'" },
        { { "-device", "no-such-dev" }, "no-such-dev: no such device" },
        { { "-device", "isa-debug-exit,foo=1" }, "Property "
                                                 "'isa-debug-exit.foo' not "
                                                 "found" },
        { { "-device", "isa-debug-exit,iosize=3" }, "isa-debug-exit: iobase "
                                                    "0x501 and iosize 3" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *err = NULL;
        int rc = run_cli(cases[i].args, &err);

        ck_assert_msg(rc == 1, "case %zu: exit %d", i, rc);
        ck_assert_msg(strstr(err, cases[i].msg), "case %zu: stderr '%s'", i,
                      err);
    }
}
END_TEST

START_TEST(test_cli_info)
{
    static const char *const version[] = { "-version", NULL };
    static const char *const help[] = { "-h", NULL };
    static const char *const devhelp[] = { "-device", "help", NULL };
    g_autofree char *o1 = run_cli_ok(version), *o2 = run_cli_ok(help);
    g_autofree char *o3 = run_cli_ok(devhelp);

    ck_assert(g_str_has_prefix(o1, "ferry-system-x86_64 version "));
    ck_assert(strstr(o2, "\n  -qmp DEV "));
    ck_assert(strstr(o2, "\n  -no-reboot "));
    ck_assert_str_eq(o3, "name \"isa-debug-exit\", desc \"ISA debug exit: "
                     "a write of v exits with status (v << 1) | 1\"\n");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("qmp");
    TCase *tc = tcase_create("child");
    SRunner *sr;
    int failed;

    signal(SIGPIPE, SIG_IGN);
    tcase_add_test(tc, test_qmp_session);
    tcase_add_test(tc, test_qmp_reconnect);
    tcase_add_test(tc, test_qmp_sigterm);
    tcase_add_test(tc, test_hmp);
    tcase_add_test(tc, test_board);
    tcase_add_test(tc, test_board_no_reboot);
    tcase_add_test(tc, test_board_device);
    tcase_add_test(tc, test_board_linux);
    tcase_add_test(tc, test_board_irq_chain);
    tcase_add_test(tc, test_cli_errors);
    tcase_add_test(tc, test_cli_info);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
