/*
 * syscall-net.c — sockets. sockaddr, msghdr, mmsghdr, iovec, cmsghdr
 * (with SCM_RIGHTS' int array and SCM_CREDENTIALS' struct ucred), linger
 * and timeval have the same layout on x86-64 and every 64-bit host ferry
 * runs on (arm64 and loongarch64 use the same generic socket ABI and
 * SO_* numbers), so only the pointers inside msghdr need translating;
 * control data is passed through as it is. Calls that can block go
 * through lu_safe_syscall so a guest signal interrupts them.
 */
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include "linux-user/safe-syscall.h"
#include "linux-user/syscall-int.h"

/* The guest's struct msghdr and struct mmsghdr (x86-64 layout). */
typedef struct LuX86Msghdr {
    uint64_t name;
    uint32_t namelen;
    uint32_t pad0;
    uint64_t iov;
    uint64_t iovlen;
    uint64_t control;
    uint64_t controllen;
    int32_t flags;
    uint32_t pad1;
} LuX86Msghdr;

typedef struct LuX86Mmsghdr {
    LuX86Msghdr hdr;
    uint32_t len;
    uint32_t pad;
} LuX86Mmsghdr;

G_STATIC_ASSERT(sizeof(LuX86Msghdr) == 56 && sizeof(LuX86Mmsghdr) == 64);

/* A guest sockaddr of len bytes (NULL when addr is 0). */
static int64_t addr_in(LuProc *p, uint64_t addr, uint64_t len, const void **out)
{
    if (len > sizeof(struct sockaddr_storage)) {
        return -EINVAL;
    }
    *out = addr ? lu_gptr(p, addr, len, PROT_READ) : NULL;
    return addr && !*out ? -EFAULT : 0;
}

/* A guest (sockaddr *, socklen_t *) result pair: the length is read and
 * written back by the host call, the buffer is checked for its size. */
static int64_t addr_out(LuProc *p, uint64_t addr, uint64_t lenp, void **out, socklen_t **len)
{
    *out = NULL;
    *len = NULL;
    if (!addr) {
        return 0;
    }
    if (!(*len = lu_gptr(p, lenp, sizeof(socklen_t), PROT_READ | PROT_WRITE))) {
        return -EFAULT;
    }
    if ((int)**len < 0) {
        return -EINVAL;
    }
    return (*out = lu_gptr(p, addr, **len, PROT_WRITE)) ? 0 : -EFAULT;
}

static int64_t sys_socket(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    return lu_ret(socket((int)a[0], (int)a[1], (int)a[2]));
}

static int64_t sys_socketpair(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    int *sv = lu_gptr(p, a[3], 2 * sizeof(int), PROT_WRITE);
    return sv ? lu_ret(socketpair((int)a[0], (int)a[1], (int)a[2], sv)) : -EFAULT;
}

static int64_t sys_bind(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    const void *sa;
    int64_t r = addr_in(p, a[1], (socklen_t)a[2], &sa);
    return r ? r : lu_ret(bind((int)a[0], sa, (socklen_t)a[2]));
}

static int64_t sys_connect(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    const void *sa;
    int64_t r = addr_in(p, a[1], (socklen_t)a[2], &sa);
    return r ? r : lu_safe_syscall(SYS_connect, (int)a[0], sa, (socklen_t)a[2]);
}

static int64_t sys_listen(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    return lu_ret(listen((int)a[0], (int)a[1]));
}

static int64_t sys_shutdown(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    return lu_ret(shutdown((int)a[0], (int)a[1]));
}

/* accept is accept4 with no flags (SOCK_NONBLOCK and SOCK_CLOEXEC are
 * O_NONBLOCK and O_CLOEXEC, the same on every host). */
static int64_t sys_accept4(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    void *sa;
    socklen_t *len;
    int64_t r = addr_out(p, a[1], a[2], &sa, &len);
    return r ? r : lu_safe_syscall(SYS_accept4, (int)a[0], sa, len, (int)a[3]);
}

static int64_t sys_accept(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    const uint64_t b[4] = { a[0], a[1], a[2], 0 };
    return sys_accept4(p, c, b);
}

/* getsockname and getpeername */
static int64_t do_sockname(LuProc *p, const uint64_t *a, int (*fn)(int, struct sockaddr *, socklen_t *))
{
    void *sa;
    socklen_t *len;
    if (!a[1]) {
        return -EFAULT;
    }
    int64_t r = addr_out(p, a[1], a[2], &sa, &len);
    return r ? r : lu_ret(fn((int)a[0], sa, len));
}

static int64_t sys_getsockname(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    return do_sockname(p, a, getsockname);
}

static int64_t sys_getpeername(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    return do_sockname(p, a, getpeername);
}

static int64_t sys_sendto(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    const void *buf = lu_gptr(p, a[1], a[2], PROT_READ), *sa;
    if (!buf) {
        return -EFAULT;
    }
    int64_t r = addr_in(p, a[4], (socklen_t)a[5], &sa);
    return r ? r : lu_safe_syscall(SYS_sendto, (int)a[0], buf, a[2], (int)a[3], sa,
                                   (socklen_t)a[5]);
}

static int64_t sys_recvfrom(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    void *buf = lu_gptr(p, a[1], a[2], PROT_WRITE), *sa;
    socklen_t *len;
    if (!buf) {
        return -EFAULT;
    }
    int64_t r = addr_out(p, a[4], a[5], &sa, &len);
    return r ? r : lu_safe_syscall(SYS_recvfrom, (int)a[0], buf, a[2], (int)a[3], sa, len);
}

/* ---------------------------------------------------------------------- */
/* sendmsg / recvmsg and their vector forms                                 */

/*
 * The guest msghdr g as a host one in *h, its iovecs in *iov (g_free it;
 * NULL on error). recv: the name, data and control buffers are written.
 * The control buffer is passed unchanged: struct cmsghdr and the SCM_*
 * payloads have the guest's layout on every host.
 */
static int64_t msg_to_host(LuProc *p, const LuX86Msghdr *g, struct msghdr *h,
                           struct iovec **iov, bool recv)
{
    int prot = recv ? PROT_WRITE : PROT_READ;
    memset(h, 0, sizeof(*h));
    *iov = NULL;
    if (g->iovlen > IOV_MAX || g->namelen > INT_MAX) {
        return -EMSGSIZE;
    }
    h->msg_namelen = g->name ? g->namelen : 0;
    h->msg_name = g->name ? lu_gptr(p, g->name, h->msg_namelen, prot) : NULL;
    h->msg_controllen = g->control ? g->controllen : 0;
    h->msg_control = g->control ? lu_gptr(p, g->control, h->msg_controllen, prot) : NULL;
    if ((g->name && !h->msg_name) || (g->control && !h->msg_control)) {
        return -EFAULT;
    }
    *iov = g_new0(struct iovec, g->iovlen ? g->iovlen : 1);
    int64_t r = lu_iov_to_host(p, g->iov, g->iovlen, *iov, prot);
    if (r < 0) {
        g_free(*iov);
        *iov = NULL;
        return r;
    }
    h->msg_iov = *iov;
    h->msg_iovlen = g->iovlen;
    h->msg_flags = g->flags;
    return 0;
}

/* What recvmsg reports back in the guest's msghdr. */
static void msg_to_guest(LuX86Msghdr *g, const struct msghdr *h)
{
    if (g->name) {
        g->namelen = h->msg_namelen;
    }
    g->controllen = h->msg_controllen;
    g->flags = h->msg_flags;
}

static int64_t do_msg(LuProc *p, const uint64_t *a, bool recv)
{
    LuX86Msghdr *g = lu_gptr(p, a[1], sizeof(*g), recv ? PROT_READ | PROT_WRITE : PROT_READ);
    if (!g) {
        return -EFAULT;
    }
    struct msghdr h;
    struct iovec *iov;
    int64_t r = msg_to_host(p, g, &h, &iov, recv);
    if (r < 0) {
        return r;
    }
    r = lu_safe_syscall(recv ? SYS_recvmsg : SYS_sendmsg, (int)a[0], &h, (int)a[2]);
    if (recv && r >= 0) {
        msg_to_guest(g, &h);
    }
    g_free(iov);
    return r;
}

static int64_t sys_sendmsg(LuProc *p, X86Cpu *c, const uint64_t *a) { return do_msg(p, a, false); }
static int64_t sys_recvmsg(LuProc *p, X86Cpu *c, const uint64_t *a) { return do_msg(p, a, true); }

/* sendmmsg and recvmmsg: every guest mmsghdr converted into a host one,
 * one host call (vlen is capped at UIO_MAXIOV like the kernel does). */
static int64_t do_mmsg(LuProc *p, const uint64_t *a, bool recv)
{
    unsigned vlen = (unsigned)a[2] > IOV_MAX ? IOV_MAX : (unsigned)a[2];
    LuX86Mmsghdr *g = lu_gptr(p, a[1], (uint64_t)vlen * sizeof(*g), PROT_READ | PROT_WRITE);
    if (!g) {
        return -EFAULT;
    }
    const struct timespec *ts = NULL;
    if (recv && a[4] && !(ts = lu_gptr(p, a[4], sizeof(*ts), PROT_READ | PROT_WRITE))) {
        return -EFAULT;
    }
    struct mmsghdr *h = g_new0(struct mmsghdr, vlen ? vlen : 1);
    struct iovec **iov = g_new0(struct iovec *, vlen ? vlen : 1);
    int64_t r = 0;
    for (unsigned i = 0; i < vlen && r == 0; i++) {
        r = msg_to_host(p, &g[i].hdr, &h[i].msg_hdr, &iov[i], recv);
    }
    if (r == 0) {
        r = recv ? lu_safe_syscall(SYS_recvmmsg, (int)a[0], h, vlen, (int)a[3], ts)
                 : lu_safe_syscall(SYS_sendmmsg, (int)a[0], h, vlen, (int)a[3]);
    }
    for (int64_t i = 0; i < r; i++) {
        g[i].len = h[i].msg_len;
        if (recv) {
            msg_to_guest(&g[i].hdr, &h[i].msg_hdr);
        }
    }
    for (unsigned i = 0; i < vlen; i++) {
        g_free(iov[i]);
    }
    g_free(iov);
    g_free(h);
    return r;
}

static int64_t sys_sendmmsg(LuProc *p, X86Cpu *c, const uint64_t *a) { return do_mmsg(p, a, false); }
static int64_t sys_recvmmsg(LuProc *p, X86Cpu *c, const uint64_t *a) { return do_mmsg(p, a, true); }

/* ---------------------------------------------------------------------- */
/* Socket options: the level and option numbers and the value layouts      */
/* (int, linger, timeval, ucred, ...) match on every 64-bit host.           */

static int64_t sys_setsockopt(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    socklen_t len = (socklen_t)a[4];
    if ((int)len < 0) {
        return -EINVAL;
    }
    const void *val = a[3] ? lu_gptr(p, a[3], len, PROT_READ) : NULL;
    if (a[3] && !val) {
        return -EFAULT;
    }
    return lu_ret(setsockopt((int)a[0], (int)a[1], (int)a[2], val, len));
}

static int64_t sys_getsockopt(LuProc *p, X86Cpu *c, const uint64_t *a)
{
    socklen_t *len = lu_gptr(p, a[4], sizeof(*len), PROT_READ | PROT_WRITE);
    if (!len) {
        return -EFAULT;
    }
    if ((int)*len < 0) {
        return -EINVAL;
    }
    void *val = a[3] ? lu_gptr(p, a[3], *len, PROT_WRITE) : NULL;
    if (a[3] && !val) {
        return -EFAULT;
    }
    return lu_ret(getsockopt((int)a[0], (int)a[1], (int)a[2], val, len));
}

void lu_sys_net_init(void)
{
    static const LuSysEntry e[] = {
        { LU_NR_socket, sys_socket, "dddd" }, { LU_NR_socketpair, sys_socketpair, "ddddp" },
        { LU_NR_bind, sys_bind, "dfpu" }, { LU_NR_connect, sys_connect, "dfpu" },
        { LU_NR_listen, sys_listen, "dfd" }, { LU_NR_shutdown, sys_shutdown, "dfd" },
        { LU_NR_accept, sys_accept, "dfpp" }, { LU_NR_accept4, sys_accept4, "dfppx" },
        { LU_NR_getsockname, sys_getsockname, "dfpp" },
        { LU_NR_getpeername, sys_getpeername, "dfpp" },
        { LU_NR_sendto, sys_sendto, "dfpuxpu" }, { LU_NR_recvfrom, sys_recvfrom, "dfpuxpp" },
        { LU_NR_sendmsg, sys_sendmsg, "dfpx" }, { LU_NR_recvmsg, sys_recvmsg, "dfpx" },
        { LU_NR_sendmmsg, sys_sendmmsg, "dfpux" }, { LU_NR_recvmmsg, sys_recvmmsg, "dfpuxp" },
        { LU_NR_setsockopt, sys_setsockopt, "dfddpu" },
        { LU_NR_getsockopt, sys_getsockopt, "dfddpp" },
    };
    lu_sys_add(e, G_N_ELEMENTS(e));
}
