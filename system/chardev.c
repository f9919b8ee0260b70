/*
 * chardev.c — chardev backends. Every backend is a pair of fds (input and
 * output, -1 when absent) plus, for a unix server, a listening socket; a
 * read watch in the main loop feeds the frontend's receive callback. Writes
 * go straight to the output fd; a socket is non-blocking and what the peer
 * does not take at once is buffered and sent from a write watch, so a
 * client that stops reading cannot stall the BQL holder. All state is
 * under the BQL.
 */
#include "system/chardev.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <glib-unix.h>

#include "system/main-loop.h"

typedef enum ChrKind { CHR_NONE, CHR_STDIO, CHR_FILE, CHR_UNIX } ChrKind;

struct SysChardev {
    char *label;                /* immutable */
    ChrKind kind;               /* immutable */
    char *path;                 /* unix socket (a server unlinks it at free) */
    bool server;                /* immutable */
    int in_fd GUARDED_BY(sys_bql);
    int out_fd GUARDED_BY(sys_bql);
    int listen_fd GUARDED_BY(sys_bql);
    guint read_watch GUARDED_BY(sys_bql);
    guint listen_watch GUARDED_BY(sys_bql);
    uint64_t open_call GUARDED_BY(sys_bql); /* deferred OPENED delivery */
    GByteArray *outbuf GUARDED_BY(sys_bql); /* socket output not yet sent */
    guint out_watch GUARDED_BY(sys_bql);
    SysChrHandlers h GUARDED_BY(sys_bql);
    bool has_frontend GUARDED_BY(sys_bql);
    void *opaque GUARDED_BY(sys_bql);
};

/* Chardev errors carry only a message: callers print it and give up. */
#define chr_error(err, ...) \
    g_set_error(err, g_quark_from_static_string("sys-chardev"), 0, __VA_ARGS__)

/* A peer that leaves this much output unread is dropped. */
#define CHR_MAX_BUFFERED (16u << 20)

static void update_read_watch(SysChardev *chr) REQUIRES(sys_bql);
static void start_listening(SysChardev *chr) REQUIRES(sys_bql);

/* ---- spec parsing -------------------------------------------------------- */

static bool parse_unix_opts(SysChardev *chr, char **opts, bool *wait,
                            GError **err)
{
    for (int i = 1; opts[i]; i++) {
        const char *o = opts[i];

        if (!strcmp(o, "server") || !strcmp(o, "server=on")) {
            chr->server = true;
        } else if (!strcmp(o, "server=off")) {
            chr->server = false;
        } else if (!strcmp(o, "nowait") || !strcmp(o, "wait=off")) {
            *wait = false;
        } else if (!strcmp(o, "wait=on")) {
            *wait = true;
        } else {
            chr_error(err, "%s: unknown unix socket option '%s'",
                      chr->label, o);
            return false;
        }
    }
    return true;
}

/* ---- input --------------------------------------------------------------- */

NO_THREAD_SAFETY_ANALYSIS   /* main loop callback: BQL held */
static void peer_closed(SysChardev *chr)
{
    if (chr->read_watch) {
        sys_main_loop_remove_watch(chr->read_watch);
        chr->read_watch = 0;
    }
    if (chr->kind == CHR_UNIX) {
        if (chr->out_watch) {
            sys_main_loop_remove_watch(chr->out_watch);
            chr->out_watch = 0;
        }
        g_byte_array_set_size(chr->outbuf, 0);
        close(chr->in_fd);
        chr->in_fd = chr->out_fd = -1;
        if (chr->has_frontend && chr->h.event) {
            chr->h.event(chr->opaque, SYS_CHR_EVENT_CLOSED);
        }
        if (chr->server) {
            start_listening(chr);
        }
    } else {
        chr->in_fd = -1;    /* stdin at EOF: stop watching, keep output */
    }
}

NO_THREAD_SAFETY_ANALYSIS   /* main loop callback: BQL held */
static bool chr_readable(int fd, GIOCondition cond, void *opaque)
{
    SysChardev *chr = opaque;
    uint8_t buf[4096];
    size_t want = sizeof(buf);
    ssize_t n;

    if (chr->h.can_receive) {
        want = MIN(want, chr->h.can_receive(chr->opaque));
    }
    if (want == 0) {
        chr->read_watch = 0;        /* until sys_chardev_accept_input */
        return false;
    }
    n = read(fd, buf, want);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
        return true;
    }
    if (n <= 0) {
        chr->read_watch = 0;
        peer_closed(chr);
        return false;
    }
    chr->h.receive(chr->opaque, buf, n);
    return true;
}

static void update_read_watch(SysChardev *chr)
{
    bool want = chr->in_fd >= 0 && chr->has_frontend && chr->h.receive;

    if (want && !chr->read_watch) {
        chr->read_watch = sys_main_loop_add_fd(chr->in_fd, G_IO_IN | G_IO_HUP,
                                               chr_readable, chr);
    } else if (!want && chr->read_watch) {
        sys_main_loop_remove_watch(chr->read_watch);
        chr->read_watch = 0;
    }
}

/* ---- unix sockets -------------------------------------------------------- */

static int unix_socket(const char *path, struct sockaddr_un *sa, GError **err)
{
    int fd;

    if (strlen(path) >= sizeof(sa->sun_path)) {
        chr_error(err, "unix socket path too long: %s", path);
        return -1;
    }
    memset(sa, 0, sizeof(*sa));
    sa->sun_family = AF_UNIX;
    strcpy(sa->sun_path, path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        chr_error(err, "socket: %s", g_strerror(errno));
    }
    return fd;
}

NO_THREAD_SAFETY_ANALYSIS   /* main loop callback: BQL held */
static void deliver_opened(void *opaque)
{
    SysChardev *chr = opaque;

    chr->open_call = 0;
    if (chr->has_frontend && chr->h.event && chr->out_fd >= 0) {
        chr->h.event(chr->opaque, SYS_CHR_EVENT_OPENED);
    }
}

static void got_client(SysChardev *chr, int fd) REQUIRES(sys_bql)
{
    chr->in_fd = chr->out_fd = fd;
    update_read_watch(chr);
    deliver_opened(chr);
}

NO_THREAD_SAFETY_ANALYSIS   /* main loop callback: BQL held */
static bool chr_accept(int fd, GIOCondition cond, void *opaque)
{
    SysChardev *chr = opaque;
    int c = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

    if (c < 0) {
        return true;        /* spurious or transient: keep listening */
    }
    chr->listen_watch = 0;  /* one client at a time, as QEMU does */
    got_client(chr, c);
    return false;
}

static void start_listening(SysChardev *chr)
{
    chr->listen_watch = sys_main_loop_add_fd(chr->listen_fd, G_IO_IN,
                                             chr_accept, chr);
}

static bool open_unix(SysChardev *chr, bool wait, GError **err)
    REQUIRES(sys_bql)
{
    struct sockaddr_un sa;
    int fd = unix_socket(chr->path, &sa, err);

    if (fd < 0) {
        return false;
    }
    if (!chr->server) {
        if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
            chr_error(err, "%s: connect to %s: %s", chr->label, chr->path,
                        g_strerror(errno));
            close(fd);
            return false;
        }
        g_unix_set_fd_nonblocking(fd, TRUE, NULL);
        chr->in_fd = chr->out_fd = fd;
        return true;
    }
    unlink(chr->path);
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 1) < 0) {
        chr_error(err, "%s: listen on %s: %s", chr->label, chr->path,
                    g_strerror(errno));
        close(fd);
        return false;
    }
    chr->listen_fd = fd;
    if (wait) {
        int c;

        fprintf(stderr, "ferry: waiting for connection on %s\n", chr->path);
        c = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (c >= 0) {
            chr->in_fd = chr->out_fd = c;
            return true;
        }
    }
    start_listening(chr);
    return true;
}

/* ---- public API ---------------------------------------------------------- */

static bool open_backend(SysChardev *chr, const char *spec, GError **err)
    REQUIRES(sys_bql)
{
    if (!strcmp(spec, "none") || !strcmp(spec, "null")) {
        chr->kind = CHR_NONE;
    } else if (!strcmp(spec, "stdio")) {
        chr->kind = CHR_STDIO;
        chr->in_fd = STDIN_FILENO;
        chr->out_fd = STDOUT_FILENO;
    } else if (g_str_has_prefix(spec, "file:") && spec[5]) {
        chr->kind = CHR_FILE;
        chr->out_fd = open(spec + 5, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
                           0666);
        if (chr->out_fd < 0) {
            chr_error(err, "%s: cannot open %s: %s", chr->label, spec + 5,
                        g_strerror(errno));
            return false;
        }
    } else if (g_str_has_prefix(spec, "unix:") && spec[5] && spec[5] != ',') {
        g_auto(GStrv) opts = g_strsplit(spec + 5, ",", -1);
        bool wait = true;

        chr->kind = CHR_UNIX;
        chr->path = g_strdup(opts[0]);
        return parse_unix_opts(chr, opts, &wait, err) &&
               open_unix(chr, wait, err);
    } else {
        chr_error(err, "%s: unknown chardev '%s' (stdio, file:PATH, "
                    "unix:PATH[,server][,nowait], none)", chr->label, spec);
        return false;
    }
    return true;
}

NO_THREAD_SAFETY_ANALYSIS   /* not shared until returned */
SysChardev *sys_chardev_new(const char *label, const char *spec, GError **err)
{
    SysChardev *chr = g_new0(SysChardev, 1);

    chr->label = g_strdup(label);
    chr->outbuf = g_byte_array_new();
    chr->in_fd = chr->out_fd = chr->listen_fd = -1;
    if (!open_backend(chr, spec, err)) {
        sys_chardev_free(chr);
        return NULL;
    }
    return chr;
}

void sys_chardev_set_handlers(SysChardev *chr, const SysChrHandlers *h,
                              void *opaque)
{
    chr->has_frontend = h != NULL;
    if (h) {
        chr->h = *h;
    }
    chr->opaque = opaque;
    update_read_watch(chr);
    if (h && chr->out_fd >= 0 && chr->kind != CHR_FILE) {
        if (chr->open_call) {
            sys_main_loop_cancel_call(chr->open_call);
        }
        chr->open_call = sys_main_loop_call(deliver_opened, chr);
    }
}

/* Send what the socket takes now from the front of outbuf. False if the
 * peer went away. */
static bool flush_outbuf(SysChardev *chr) REQUIRES(sys_bql)
{
    while (chr->outbuf->len) {
        ssize_t n = send(chr->out_fd, chr->outbuf->data, chr->outbuf->len,
                         MSG_NOSIGNAL);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && errno == EAGAIN) {
            return true;
        }
        if (n <= 0) {
            return false;
        }
        g_byte_array_remove_range(chr->outbuf, 0, n);
    }
    return true;
}

NO_THREAD_SAFETY_ANALYSIS   /* main loop callback: BQL held */
static bool chr_writable(int fd, GIOCondition cond, void *opaque)
{
    SysChardev *chr = opaque;

    if (!flush_outbuf(chr)) {
        chr->out_watch = 0;
        peer_closed(chr);
        return false;
    }
    if (chr->outbuf->len == 0) {
        chr->out_watch = 0;
        return false;
    }
    return true;
}

static size_t socket_write(SysChardev *chr, const void *buf, size_t len)
    REQUIRES(sys_bql)
{
    if (chr->outbuf->len + len > CHR_MAX_BUFFERED) {
        fprintf(stderr, "ferry: %s: peer stopped reading; disconnecting\n",
                chr->label);
        peer_closed(chr);
        return 0;
    }
    g_byte_array_append(chr->outbuf, buf, len);
    if (!flush_outbuf(chr)) {
        peer_closed(chr);
        return 0;
    }
    if (chr->outbuf->len && !chr->out_watch) {
        chr->out_watch = sys_main_loop_add_fd(chr->out_fd, G_IO_OUT,
                                              chr_writable, chr);
    }
    return len;
}

size_t sys_chardev_write(SysChardev *chr, const void *buf, size_t len)
{
    const uint8_t *p = buf;
    size_t done = 0;

    if (chr->out_fd < 0) {
        return len;
    }
    if (chr->kind == CHR_UNIX) {
        return socket_write(chr, buf, len);
    }
    while (done < len) {
        ssize_t n = write(chr->out_fd, p + done, len - done);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && errno == EAGAIN) {     /* a non-blocking stdout */
            struct pollfd pfd = { .fd = chr->out_fd, .events = POLLOUT };

            poll(&pfd, 1, -1);
            continue;
        }
        if (n <= 0) {
            break;
        }
        done += n;
    }
    return done;
}

void sys_chardev_printf(SysChardev *chr, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *s = NULL;

    va_start(ap, fmt);
    s = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    sys_chardev_write(chr, s, strlen(s));
}

void sys_chardev_accept_input(SysChardev *chr)
{
    update_read_watch(chr);
}

bool sys_chardev_connected(SysChardev *chr)
{
    return chr->out_fd >= 0;
}

void sys_chardev_disconnect(SysChardev *chr)
{
    if (chr->kind == CHR_UNIX && chr->in_fd >= 0) {
        peer_closed(chr);
    }
}

const char *sys_chardev_label(const SysChardev *chr)
{
    return chr->label;
}

void sys_chardev_free(SysChardev *chr)
{
    if (!chr) {
        return;
    }
    if (chr->read_watch) {
        sys_main_loop_remove_watch(chr->read_watch);
    }
    if (chr->listen_watch) {
        sys_main_loop_remove_watch(chr->listen_watch);
    }
    if (chr->open_call) {
        sys_main_loop_cancel_call(chr->open_call);
    }
    if (chr->out_watch) {
        sys_main_loop_remove_watch(chr->out_watch);
    }
    if (chr->out_fd >= 0 && chr->outbuf->len) {
        /* Last words (a SHUTDOWN event): give the peer a second. */
        struct pollfd pfd = { .fd = chr->out_fd, .events = POLLOUT };

        while (chr->outbuf->len && poll(&pfd, 1, 1000) == 1 &&
               flush_outbuf(chr)) {
        }
    }
    g_byte_array_free(chr->outbuf, TRUE);
    if (chr->kind == CHR_UNIX || chr->kind == CHR_FILE) {
        if (chr->in_fd >= 0 && chr->in_fd != chr->out_fd) {
            close(chr->in_fd);
        }
        if (chr->out_fd >= 0) {
            close(chr->out_fd);
        }
    }
    if (chr->listen_fd >= 0) {
        close(chr->listen_fd);
        unlink(chr->path);
    }
    g_free(chr->path);
    g_free(chr->label);
    g_free(chr);
}
