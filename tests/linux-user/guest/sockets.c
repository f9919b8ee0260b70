/*
 * sockets.c — guest program for run-e2e-syscalls.sh: sockets (socketpair
 * with SCM_RIGHTS, TCP and UDP over loopback, SCM_CREDENTIALS, options,
 * sendmmsg/recvmmsg, a signal interrupting accept), eventfd, timerfd,
 * inotify, waitid, capget, execveat and splice. Prints only what is the
 * same on every run, so its output under ferry must equal the native one.
 * Usage: sockets CASE; built with the host's gcc at test time.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/capability.h>

/* Print a call's result and, when it failed, its errno (evaluated in
 * that order, unlike printf's arguments). */
#define SHOW(label, call) do { long r_ = (long)(call); int e_ = errno; \
    printf("%s: %ld %s\n", label, r_, r_ < 0 ? strerror(e_) : "ok"); } while (0)
#define CHECK(x) do { if (!(x)) { printf("FAILED %s: %s (line %d)\n", #x, strerror(errno), __LINE__); exit(1); } } while (0)

static void test_pair(void)
{
    int sv[2], pp[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    CHECK(pipe(pp) == 0);
    char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
    char data = 'x';
    struct iovec iov = { &data, 1 };
    struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
                        .msg_controllen = sizeof(cbuf) };
    struct cmsghdr *cm = CMSG_FIRSTHDR(&m);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cm), &pp[1], sizeof(int));
    CHECK(sendmsg(sv[0], &m, 0) == 1);
    close(pp[1]);
    char rbuf[CMSG_SPACE(sizeof(int))] = { 0 };
    char rd = 0;
    struct iovec riov = { &rd, 1 };
    struct msghdr r = { .msg_iov = &riov, .msg_iovlen = 1, .msg_control = rbuf,
                        .msg_controllen = sizeof(rbuf) };
    CHECK(recvmsg(sv[1], &r, 0) == 1);
    cm = CMSG_FIRSTHDR(&r);
    printf("data %c controllen %zu level %d type %d len %zu flags %d\n", rd,
           (size_t)r.msg_controllen, cm->cmsg_level, cm->cmsg_type, (size_t)cm->cmsg_len,
           r.msg_flags);
    int fd;
    memcpy(&fd, CMSG_DATA(cm), sizeof(int));
    CHECK(write(fd, "via passed fd", 13) == 13);
    close(fd);
    char buf[32] = { 0 };
    printf("pipe got %zd '%s'\n", read(pp[0], buf, sizeof(buf)), buf);
}

static void test_tcp(void)
{
    int ls = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    CHECK(ls >= 0);
    int one = 1;
    CHECK(setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == 0);
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    CHECK(bind(ls, (struct sockaddr *)&sa, sizeof(sa)) == 0);
    socklen_t len = sizeof(sa);
    CHECK(getsockname(ls, (struct sockaddr *)&sa, &len) == 0);
    printf("getsockname len %u family %d port nonzero %d\n", len, sa.sin_family, sa.sin_port != 0);
    CHECK(listen(ls, 4) == 0);
    int cs = socket(AF_INET, SOCK_STREAM, 0);
    CHECK(connect(cs, (struct sockaddr *)&sa, sizeof(sa)) == 0);
    struct sockaddr_in peer;
    len = sizeof(peer);
    int as = accept4(ls, (struct sockaddr *)&peer, &len, SOCK_CLOEXEC | SOCK_NONBLOCK);
    CHECK(as >= 0);
    printf("accept4 len %u family %d cloexec %d nonblock %d\n", len, peer.sin_family,
           !!(fcntl(as, F_GETFD) & FD_CLOEXEC), !!(fcntl(as, F_GETFL) & O_NONBLOCK));
    struct sockaddr_in pn;
    len = sizeof(pn);
    CHECK(getpeername(cs, (struct sockaddr *)&pn, &len) == 0);
    printf("getpeername same port %d\n", pn.sin_port == sa.sin_port);
    char buf[16] = { 0 };
    SHOW("recv on empty nonblocking", recv(as, buf, sizeof(buf), 0));
    CHECK(send(cs, "hello", 5, 0) == 5);
    CHECK(shutdown(cs, SHUT_WR) == 0);
    int fl = fcntl(as, F_GETFL);
    fcntl(as, F_SETFL, fl & ~O_NONBLOCK);
    ssize_t n, tot = 0;
    while ((n = recv(as, buf + tot, sizeof(buf) - 1 - tot, 0)) > 0) {
        tot += n;
    }
    printf("server got %zd '%s', then %zd\n", tot, buf, n);
    CHECK(send(as, "bye", 3, MSG_NOSIGNAL) == 3);
    close(as);
    memset(buf, 0, sizeof(buf));
    printf("client got %zd '%s'\n", recv(cs, buf, sizeof(buf), MSG_WAITALL), buf);
    close(cs);
    close(ls);
}

static void test_udp(void)
{
    int a = socket(AF_INET, SOCK_DGRAM, 0), b = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    CHECK(bind(b, (struct sockaddr *)&sa, sizeof(sa)) == 0);
    socklen_t len = sizeof(sa);
    CHECK(getsockname(b, (struct sockaddr *)&sa, &len) == 0);
    CHECK(sendto(a, "datagram", 8, 0, (struct sockaddr *)&sa, sizeof(sa)) == 8);
    char buf[32] = { 0 };
    struct sockaddr_in from;
    len = sizeof(from);
    ssize_t n = recvfrom(b, buf, sizeof(buf), 0, (struct sockaddr *)&from, &len);
    printf("udp %zd '%s' from len %u family %d loopback %d\n", n, buf, len, from.sin_family,
           from.sin_addr.s_addr == htonl(INADDR_LOOPBACK));
    /* sendmmsg / recvmmsg */
    struct iovec iov[2] = { { "one", 3 }, { "three", 5 } };
    struct mmsghdr mm[2] = { 0 };
    for (int i = 0; i < 2; i++) {
        mm[i].msg_hdr.msg_iov = &iov[i];
        mm[i].msg_hdr.msg_iovlen = 1;
        mm[i].msg_hdr.msg_name = &sa;
        mm[i].msg_hdr.msg_namelen = sizeof(sa);
    }
    SHOW("sendmmsg", sendmmsg(a, mm, 2, 0));
    printf("lens %u %u\n", mm[0].msg_len, mm[1].msg_len);
    char r0[8] = { 0 }, r1[8] = { 0 };
    struct iovec riov[2] = { { r0, 7 }, { r1, 7 } };
    struct mmsghdr rm[2] = { 0 };
    for (int i = 0; i < 2; i++) {
        rm[i].msg_hdr.msg_iov = &riov[i];
        rm[i].msg_hdr.msg_iovlen = 1;
    }
    int got = recvmmsg(b, rm, 2, MSG_WAITFORONE, NULL);
    int more = got == 1 ? recvmmsg(b, rm + 1, 1, 0, NULL) : 0;
    printf("recvmmsg %d '%s' %u '%s' %u\n", got + more, r0, rm[0].msg_len, r1, rm[1].msg_len);
}

static void test_creds(void)
{
    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0);
    int one = 1;
    CHECK(setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) == 0);
    CHECK(send(sv[0], "c", 1, 0) == 1);
    char data, cbuf[CMSG_SPACE(sizeof(struct ucred))];
    struct iovec iov = { &data, 1 };
    struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
                        .msg_controllen = sizeof(cbuf) };
    CHECK(recvmsg(sv[1], &m, 0) == 1);
    struct cmsghdr *cm = CMSG_FIRSTHDR(&m);
    struct ucred uc;
    memcpy(&uc, CMSG_DATA(cm), sizeof(uc));
    printf("creds level %d type %d len %zu pid ok %d uid ok %d gid ok %d\n", cm->cmsg_level,
           cm->cmsg_type, (size_t)cm->cmsg_len, uc.pid == getpid(), uc.uid == getuid(),
           uc.gid == getgid());
    /* a named unix socket, then SO_PEERCRED */
    char path[] = "/tmp/ferry-sockXXXXXX";
    CHECK(mkdtemp(path) != NULL);
    struct sockaddr_un su = { .sun_family = AF_UNIX };
    snprintf(su.sun_path, sizeof(su.sun_path), "%s/s", path);
    int ls = socket(AF_UNIX, SOCK_STREAM, 0), cs = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK(bind(ls, (struct sockaddr *)&su, sizeof(su)) == 0 && listen(ls, 1) == 0);
    CHECK(connect(cs, (struct sockaddr *)&su, sizeof(su)) == 0);
    int as = accept(ls, NULL, NULL);
    socklen_t len = sizeof(uc);
    CHECK(getsockopt(as, SOL_SOCKET, SO_PEERCRED, &uc, &len) == 0);
    printf("peercred len %u pid ok %d\n", len, uc.pid == getpid());
    unlink(su.sun_path);
    rmdir(path);
}

static void test_sockopt(void)
{
    int s = socket(AF_INET, SOCK_STREAM, 0), v = 0;
    socklen_t len = sizeof(v);
    CHECK(getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &len) == 0);
    printf("SO_TYPE %d len %u\n", v, len);
    int one = 1;
    CHECK(setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) == 0);
    len = sizeof(v);
    CHECK(getsockopt(s, IPPROTO_TCP, TCP_NODELAY, &v, &len) == 0);
    printf("TCP_NODELAY %d\n", v != 0);
    struct linger lg = { 1, 7 };
    CHECK(setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)) == 0);
    memset(&lg, 0, sizeof(lg));
    len = sizeof(lg);
    CHECK(getsockopt(s, SOL_SOCKET, SO_LINGER, &lg, &len) == 0);
    printf("SO_LINGER %d %d len %u\n", lg.l_onoff, lg.l_linger, len);
    struct timeval tv = { 3, 500000 };
    CHECK(setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == 0);
    memset(&tv, 0, sizeof(tv));
    len = sizeof(tv);
    CHECK(getsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, &len) == 0);
    printf("SO_RCVTIMEO %ld.%06ld\n", (long)tv.tv_sec, (long)tv.tv_usec);
    SHOW("bad optval", getsockopt(s, SOL_SOCKET, SO_TYPE, (void *)8, &len));
    SHOW("bad socklen", getsockopt(s, SOL_SOCKET, SO_TYPE, &v, (void *)8));
    SHOW("bad msghdr", sendmsg(s, (void *)8, 0));
    SHOW("bad sockaddr", connect(s, (void *)8, sizeof(struct sockaddr_in)));
}

static void test_eventfd(void)
{
    int fd = eventfd(3, EFD_NONBLOCK);
    uint64_t v = 0;
    CHECK(write(fd, &(uint64_t){ 4 }, 8) == 8);
    SHOW("read", read(fd, &v, 8));
    printf("value %llu\n", (unsigned long long)v);
    SHOW("empty", read(fd, &v, 8));
    SHOW("short read", read(fd, &v, 4));
    close(fd);
    fd = eventfd(2, EFD_SEMAPHORE | EFD_NONBLOCK | EFD_CLOEXEC);
    printf("sem cloexec %d\n", !!(fcntl(fd, F_GETFD) & FD_CLOEXEC));
    for (int i = 0; i < 3; i++) {
        v = 0;
        ssize_t n = read(fd, &v, 8);
        printf("sem read %zd value %llu\n", n, (unsigned long long)v);
    }
    /* the raw eventfd (284), which glibc does not use */
    int raw = (int)syscall(SYS_eventfd, 5);
    CHECK(raw >= 0 && read(raw, &v, 8) == 8);
    printf("eventfd(5) %llu\n", (unsigned long long)v);
}

static void test_timerfd(void)
{
    int fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
    CHECK(fd >= 0);
    struct itimerspec it = { .it_value = { 0, 20 * 1000000 } }, cur, old;
    CHECK(timerfd_settime(fd, 0, &it, NULL) == 0);
    CHECK(timerfd_gettime(fd, &cur) == 0);
    printf("armed %d interval %ld\n", cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec > 0,
           cur.it_interval.tv_nsec);
    uint64_t n = 0;
    SHOW("one-shot read", read(fd, &n, 8));
    printf("count %llu\n", (unsigned long long)n);
    /* periodic: 10 ms, sleep ~55 ms, then read: at least 5 expirations */
    it.it_interval.tv_nsec = 10 * 1000000;
    it.it_value.tv_nsec = 10 * 1000000;
    CHECK(timerfd_settime(fd, 0, &it, &old) == 0);
    usleep(55000);
    CHECK(read(fd, &n, 8) == 8);
    printf("periodic count >= 5: %d\n", n >= 5);
    CHECK(read(fd, &n, 8) == 8);
    printf("next read count >= 1: %d\n", n >= 1);
    it = (struct itimerspec){ 0 };
    CHECK(timerfd_settime(fd, 0, &it, &old) == 0);
    printf("disarm old interval %ld\n", old.it_interval.tv_nsec);
    SHOW("bad settime", timerfd_settime(fd, 0, (void *)8, NULL));
}

static void test_inotify(void)
{
    char dir[] = "/tmp/ferry-inoXXXXXX", path[64];
    CHECK(mkdtemp(dir) != NULL);
    int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    int wd = inotify_add_watch(fd, dir, IN_CREATE | IN_DELETE | IN_CLOSE_WRITE);
    CHECK(fd >= 0 && wd >= 0);
    snprintf(path, sizeof(path), "%s/file", dir);
    close(open(path, O_CREAT | O_WRONLY, 0600));
    unlink(path);
    char buf[4096] __attribute__((aligned(8)));
    ssize_t n = read(fd, buf, sizeof(buf));
    for (char *p = buf; p < buf + n;) {
        struct inotify_event *e = (struct inotify_event *)p;
        printf("event wd ok %d mask %#x len>0 %d name %s\n", e->wd == wd, e->mask, e->len > 0,
               e->len ? e->name : "");
        p += sizeof(*e) + e->len;
    }
    printf("rm_watch %d\n", inotify_rm_watch(fd, wd));
    n = read(fd, buf, sizeof(buf));
    printf("after rm %zd mask %#x\n", n, n > 0 ? ((struct inotify_event *)buf)->mask : 0);
    rmdir(dir);
}

static void test_waitid(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        _exit(7);
    }
    siginfo_t si = { 0 };
    CHECK(waitid(P_PID, pid, &si, WEXITED) == 0);
    printf("waitid signo %d code %d status %d pid ok %d\n", si.si_signo, si.si_code,
           si.si_status, si.si_pid == pid);
    SHOW("no child", waitid(P_ALL, 0, &si, WEXITED));
}

static void test_capget(void)
{
    struct __user_cap_header_struct h = { 0, 0 };
    SHOW("probe", syscall(SYS_capget, &h, NULL));
    printf("version %#x\n", h.version);
    struct __user_cap_data_struct d[2];
    h.version = _LINUX_CAPABILITY_VERSION_3;
    h.pid = 0;
    SHOW("capget v3", syscall(SYS_capget, &h, d));
    SHOW("bad header", syscall(SYS_capget, (void *)8, d));
    SHOW("bad data", syscall(SYS_capget, &h, (void *)8));
}

static void test_execveat(const char *self)
{
    int fd = open(self, O_RDONLY);
    CHECK(fd >= 0);
    pid_t pid = fork();
    if (pid == 0) {
        char *argv[] = { "sockets", "hello", NULL };
        syscall(SYS_execveat, fd, "", argv, environ, AT_EMPTY_PATH);
        _exit(99);
    }
    int st;
    waitpid(pid, &st, 0);
    printf("execveat by fd status %d\n", WEXITSTATUS(st));
    SHOW("empty name", syscall(SYS_execveat, fd, "", NULL, NULL, 0));
    SHOW("bad flags", syscall(SYS_execveat, AT_FDCWD, self, NULL, NULL, 0x4));
    SHOW("not found", syscall(SYS_execveat, AT_FDCWD, "/nonexistent", NULL, NULL, 0));
}

static void test_splice(void)
{
    int a[2], b[2];
    CHECK(pipe(a) == 0 && pipe(b) == 0);
    CHECK(write(a[1], "spliced data", 12) == 12);
    printf("tee %zd\n", tee(a[0], b[1], 6, 0));
    printf("splice %zd\n", splice(a[0], NULL, b[1], NULL, 12, 0));
    char buf[32] = { 0 };
    printf("read %zd '%s'\n", read(b[0], buf, sizeof(buf)), buf);
    struct iovec iov = { "vm", 2 };
    printf("vmsplice %zd\n", vmsplice(a[1], &iov, 1, 0));
    memset(buf, 0, sizeof(buf));
    printf("read %zd '%s'\n", read(a[0], buf, sizeof(buf)), buf);
}

static void on_alarm(int sig) { (void)sig; }

/* A blocking accept and recvmsg end with EINTR when a handler without
 * SA_RESTART runs. */
static void test_eintr(void)
{
    struct sigaction sa = { .sa_handler = on_alarm };
    sigaction(SIGALRM, &sa, NULL);
    int ls = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in in = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    CHECK(bind(ls, (struct sockaddr *)&in, sizeof(in)) == 0 && listen(ls, 1) == 0);
    ualarm(30000, 0);
    SHOW("accept", accept(ls, NULL, NULL));
    int sv[2];
    CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    char c;
    struct iovec iov = { &c, 1 };
    struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
    ualarm(30000, 0);
    SHOW("recvmsg", recvmsg(sv[0], &m, 0));
    int efd = eventfd(0, 0);
    uint64_t v;
    ualarm(30000, 0);
    SHOW("eventfd read", read(efd, &v, 8));
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    const char *c = argc > 1 ? argv[1] : "";
    if (!strcmp(c, "hello")) {
        printf("hello from execveat\n");
        return 5;
    }
    if (!strcmp(c, "pair")) test_pair();
    else if (!strcmp(c, "tcp")) test_tcp();
    else if (!strcmp(c, "udp")) test_udp();
    else if (!strcmp(c, "creds")) test_creds();
    else if (!strcmp(c, "sockopt")) test_sockopt();
    else if (!strcmp(c, "eventfd")) test_eventfd();
    else if (!strcmp(c, "timerfd")) test_timerfd();
    else if (!strcmp(c, "inotify")) test_inotify();
    else if (!strcmp(c, "waitid")) test_waitid();
    else if (!strcmp(c, "capget")) test_capget();
    else if (!strcmp(c, "execveat")) test_execveat(argv[0]);
    else if (!strcmp(c, "splice")) test_splice();
    else if (!strcmp(c, "eintr")) test_eintr();
    else {
        fprintf(stderr, "unknown case '%s'\n", c);
        return 2;
    }
    return 0;
}
