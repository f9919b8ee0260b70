/*
 * chardev.c — fd-based character backends. Input: an fd watch in the main
 * context reads into a pending buffer and feeds the frontend what it can
 * take; while bytes are left over, the watch is paused and a 1 ms retry
 * timer offers them again (a guest that stops reading its UART must not
 * make the loop spin). Output: blocking write from the caller's thread,
 * serialized by the chardev's own lock.
 */
#include "system/chardev.h"

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "system/log.h"
#include "system/main-loop.h"

#define PENDING_MAX 4096

struct Chardev {
    char *label;                 /* immutable */
    int in_fd, out_fd;           /* immutable */
    bool close_out;              /* immutable: we opened out_fd */
    SysMutex out_lock;           /* serializes writers */
    bool out_failed;             /* by out_lock */
    /* Input side: main loop thread only. */
    ChrCanReceive can_receive;
    ChrReceive receive;
    void *opaque;
    GSource *watch;              /* fd watch, NULL while paused or at EOF */
    GSource *retry;              /* retry timer while bytes are pending */
    GByteArray *pending;
    bool eof;
};

static struct termios saved_tty;
static bool tty_raw;

static void restore_tty(void)
{
    if (tty_raw) {
        tcsetattr(STDIN_FILENO, TCSANOW, &saved_tty);
        tty_raw = false;
    }
}

Chardev *chr_new_fds(const char *label, int in_fd, int out_fd)
{
    Chardev *c = g_new0(Chardev, 1);

    c->label = g_strdup(label);
    c->in_fd = in_fd;
    c->out_fd = out_fd;
    sys_mutex_init(&c->out_lock);
    c->pending = g_byte_array_new();
    return c;
}

Chardev *chr_new_stdio(void)
{
    struct termios tty;

    if (!tty_raw && isatty(STDIN_FILENO) &&
        tcgetattr(STDIN_FILENO, &saved_tty) == 0) {
        tty = saved_tty;
        tty.c_iflag &= ~(ICRNL | IXON);
        tty.c_lflag &= ~(ICANON | ECHO | IEXTEN);
        tty.c_cc[VMIN] = 1;
        tty.c_cc[VTIME] = 0;
        if (tcsetattr(STDIN_FILENO, TCSANOW, &tty) == 0) {
            tty_raw = true;
            atexit(restore_tty);
        }
    }
    return chr_new_fds("stdio", STDIN_FILENO, STDOUT_FILENO);
}

Chardev *chr_new_file(const char *path, GError **err)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    Chardev *c;

    if (fd < 0) {
        g_set_error(err, G_FILE_ERROR, g_file_error_from_errno(errno),
                    "chardev: cannot open %s: %s", path, g_strerror(errno));
        return NULL;
    }
    c = chr_new_fds(path, -1, fd);
    c->close_out = true;
    return c;
}

Chardev *chr_new_null(void)
{
    return chr_new_fds("null", -1, -1);
}

Chardev *chr_new_spec(const char *spec, GError **err)
{
    if (strcmp(spec, "stdio") == 0) {
        return chr_new_stdio();
    }
    if (strcmp(spec, "null") == 0) {
        return chr_new_null();
    }
    if (g_str_has_prefix(spec, "file:")) {
        return chr_new_file(spec + 5, err);
    }
    g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                "chardev: unknown backend '%s' (stdio, null, file:PATH)",
                spec);
    return NULL;
}

void chr_write(void *opaque, const uint8_t *buf, int len)
{
    Chardev *c = opaque;

    if (c->out_fd < 0) {
        return;
    }
    sys_mutex_lock(&c->out_lock);
    while (len > 0 && !c->out_failed) {
        ssize_t n = write(c->out_fd, buf, len);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            fprintf(stderr, "ferry: chardev %s: write failed: %s\n", c->label,
                    n < 0 ? g_strerror(errno) : "no progress");
            c->out_failed = true;
            break;
        }
        buf += n;
        len -= n;
    }
    sys_mutex_unlock(&c->out_lock);
}

static void start_watch(Chardev *c);

/* Offer pending bytes to the frontend; returns whether any are left. */
NO_THREAD_SAFETY_ANALYSIS   /* lock taken and dropped here */
static bool feed(Chardev *c)
{
    int n;

    sys_bql_lock();
    n = MIN((int)c->pending->len, c->can_receive(c->opaque));
    if (n > 0) {
        c->receive(c->opaque, c->pending->data, n);
    }
    sys_bql_unlock();
    if (n > 0) {
        g_byte_array_remove_range(c->pending, 0, n);
    }
    return c->pending->len > 0;
}

static gboolean retry_cb(gpointer data)
{
    Chardev *c = data;

    if (feed(c)) {
        return G_SOURCE_CONTINUE;
    }
    g_source_unref(c->retry);
    c->retry = NULL;
    if (!c->eof) {
        start_watch(c);
    }
    return G_SOURCE_REMOVE;
}

static gboolean readable_cb(gint fd, GIOCondition cond, gpointer data)
{
    Chardev *c = data;
    uint8_t buf[PENDING_MAX];
    ssize_t n = read(fd, buf, sizeof(buf));

    if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
        return G_SOURCE_CONTINUE;
    }
    if (n <= 0) {
        c->eof = true;                  /* EOF or error: input ends */
    } else {
        g_byte_array_append(c->pending, buf, n);
    }
    if (c->pending->len && feed(c) && !c->retry) {
        c->retry = g_timeout_source_new(1);
        g_source_set_callback(c->retry, retry_cb, c, NULL);
        g_source_attach(c->retry, sys_main_loop_context());
    }
    if (c->eof || c->retry) {
        g_source_unref(c->watch);
        c->watch = NULL;
        return G_SOURCE_REMOVE;         /* paused until pending drains */
    }
    return G_SOURCE_CONTINUE;
}

static void start_watch(Chardev *c)
{
    c->watch = g_unix_fd_source_new(c->in_fd, G_IO_IN | G_IO_HUP | G_IO_ERR);
    g_source_set_callback(c->watch, (GSourceFunc)(void (*)(void))readable_cb,
                          c, NULL);
    g_source_attach(c->watch, sys_main_loop_context());
}

void chr_set_frontend(Chardev *c, ChrCanReceive can_receive,
                      ChrReceive receive, void *opaque)
{
    c->can_receive = can_receive;
    c->receive = receive;
    c->opaque = opaque;
    if (c->in_fd >= 0) {
        start_watch(c);
    }
}

void chr_free(Chardev *c)
{
    if (c->watch) {
        g_source_destroy(c->watch);
        g_source_unref(c->watch);
    }
    if (c->retry) {
        g_source_destroy(c->retry);
        g_source_unref(c->retry);
    }
    if (c->in_fd == STDIN_FILENO) {
        restore_tty();
    }
    if (c->close_out) {
        close(c->out_fd);
    }
    g_byte_array_free(c->pending, TRUE);
    sys_mutex_destroy(&c->out_lock);
    g_free(c->label);
    g_free(c);
}
