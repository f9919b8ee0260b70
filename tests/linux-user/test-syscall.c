/*
 * test-syscall.c — the syscall layer against real things: x86-64 numbers
 * against the host's <sys/syscall.h> (x86-64 hosts), the guest struct
 * stat against the offsets of arch/x86/include/uapi/asm/stat.h (and, on an
 * x86-64 host, against what the kernel's own fstat writes), and handlers
 * run through lu_do_syscall on real files, pipes and guest memory.
 */
#include <check.h>
#include <fcntl.h>
#include <glib.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <dirent.h>
#include <poll.h>
#include <stddef.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <linux/capability.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysinfo.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/xattr.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "linux-user/syscall-nr.h"
#include "linux-user/syscall.h"

static LuMem *mem;
static LuProc *proc;
static LuThread *thread;         /* the calling guest thread */
static uint64_t gbuf;              /* a 64K guest read-write buffer */

static void setup(void)
{
    mem = lu_mem_new(0);
    uint64_t brk = lu_mem_find_free(mem, 0, 1 << 24);
    proc = lu_proc_new(mem, "/opt/guest/prog", NULL, brk);
    gbuf = (uint64_t)lu_mem_map(mem, 0, 0x10000, PROT_READ | PROT_WRITE,
                                MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ck_assert_int_gt((int64_t)gbuf, 0);
    thread = lu_thread_new(proc);
}

static void teardown(void)
{
    lu_thread_free(thread);
    lu_proc_free(proc);
    lu_mem_free(mem);
}

static int64_t sc(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
    const uint64_t args[6] = { a0, a1, a2, a3, 0, 0 };
    return lu_do_syscall(proc, &thread->cpu, nr, args);
}

static char *gstr(uint64_t off, const char *s)
{
    char *h = lu_g2h(mem, gbuf + off);
    strcpy(h, s);
    return h;
}

/* ---------------------------------------------------------------------- */

#ifdef __x86_64__
START_TEST(numbers_match_host)
{
#define X(name, nr) ck_assert_msg(nr == SYS_##name, #name " is %d here, %d on the host", \
                                  nr, (int)SYS_##name);
    LU_SYSCALL_LIST(X)
#undef X
}
END_TEST
#endif

START_TEST(stat_layout)
{
    struct stat st;
    memset(&st, 0, sizeof(st));
    st.st_dev = 0x0101010101010101;
    st.st_ino = 0x0202020202020202;
    st.st_nlink = 0x03030303;
    st.st_mode = 0x04040404;
    st.st_uid = 0x05050505;
    st.st_gid = 0x06060606;
    st.st_rdev = 0x0707070707070707;
    st.st_size = 0x0808080808080808;
    st.st_blksize = 0x09090909;
    st.st_blocks = 0x0a0a0a0a0a0a0a0a;
    st.st_atim.tv_sec = 0x0b0b0b0b0b0b0b0b;
    st.st_atim.tv_nsec = 0x0c0c0c0c;
    st.st_mtim.tv_sec = 0x0d0d0d0d0d0d0d0d;
    st.st_mtim.tv_nsec = 0x0e0e0e0e;
    st.st_ctim.tv_sec = 0x0f0f0f0f0f0f0f0f;
    st.st_ctim.tv_nsec = 0x10101010;
    uint8_t g[144];
    memset(g, 0xff, sizeof(g));
    lu_stat_to_guest((LuX86Stat *)g, &st);
    /* offset, width, byte: from the x86-64 struct stat */
    static const struct { unsigned off, len; uint8_t byte; } f[] = {
        { 0, 8, 1 }, { 8, 8, 2 }, { 16, 4, 3 }, { 20, 4, 0 }, { 24, 4, 4 },
        { 28, 4, 5 }, { 32, 4, 6 }, { 36, 4, 0 }, { 40, 8, 7 }, { 48, 8, 8 },
        { 56, 4, 9 }, { 60, 4, 0 }, { 64, 8, 10 }, { 72, 8, 11 }, { 80, 4, 12 },
        { 84, 4, 0 }, { 88, 8, 13 }, { 96, 4, 14 }, { 100, 4, 0 }, { 104, 8, 15 },
        { 112, 4, 16 }, { 116, 4, 0 }, { 120, 24, 0 },
    };
    for (unsigned i = 0; i < G_N_ELEMENTS(f); i++) {
        for (unsigned b = 0; b < f[i].len; b++) {
            ck_assert_msg(g[f[i].off + b] == f[i].byte, "byte %u is %#x, want %#x",
                          f[i].off + b, g[f[i].off + b], f[i].byte);
        }
    }
}
END_TEST

#ifdef __x86_64__
/* What the x86-64 kernel itself writes for fstat. */
START_TEST(stat_matches_kernel)
{
    int fd = open("/proc/self/exe", O_RDONLY);
    ck_assert_int_ge(fd, 0);
    uint8_t raw[144], conv[144];
    memset(raw, 0, sizeof(raw));
    ck_assert_int_eq(syscall(SYS_fstat, fd, raw), 0);
    struct stat st;
    ck_assert_int_eq(fstat(fd, &st), 0);
    lu_stat_to_guest((LuX86Stat *)conv, &st);
    ck_assert_mem_eq(raw, conv, 120);   /* the __unused tail is not defined */
    close(fd);
}
END_TEST
#endif

START_TEST(pipe_write_read)
{
    ck_assert_int_eq(sc(LU_NR_pipe2, gbuf, 0, 0, 0), 0);
    int *fds = lu_g2h(mem, gbuf);
    gstr(0x100, "hello");
    ck_assert_int_eq(sc(LU_NR_write, fds[1], gbuf + 0x100, 5, 0), 5);
    ck_assert_int_eq(sc(LU_NR_read, fds[0], gbuf + 0x200, 100, 0), 5);
    ck_assert_mem_eq(lu_g2h(mem, gbuf + 0x200), "hello", 5);
    ck_assert_int_eq(sc(LU_NR_close, fds[0], 0, 0, 0), 0);
    ck_assert_int_eq(sc(LU_NR_close, fds[0], 0, 0, 0), -EBADF);
}
END_TEST

START_TEST(bad_pointers)
{
    /* 0x1000 is below mmap_min_addr: never guest memory */
    ck_assert_int_eq(sc(LU_NR_write, 1, 0x1000, 4, 0), -EFAULT);
    ck_assert_int_eq(sc(LU_NR_read, 0, 0x1000, 4, 0), -EFAULT);
    ck_assert_int_eq(sc(LU_NR_open, 0x1000, 0, 0, 0), -EFAULT);
    ck_assert_int_eq(sc(LU_NR_uname, 0x1000, 0, 0, 0), -EFAULT);
    /* ferry's own memory is not the guest's */
    ck_assert_int_eq(sc(LU_NR_write, 1, (uint64_t)(uintptr_t)&thread->cpu, 4, 0), -EFAULT);
}
END_TEST

START_TEST(open_flags_converted)
{
    gstr(0, "/proc/self/status");
    gstr(0x100, "/");
    /* x86-64 O_DIRECTORY is 0200000 whatever the host calls it */
    ck_assert_int_eq(sc(LU_NR_open, gbuf, 0200000, 0, 0), -ENOTDIR);
    int64_t fd = sc(LU_NR_openat, (uint64_t)(int64_t)AT_FDCWD, gbuf + 0x100, 0200000, 0);
    ck_assert_int_ge(fd, 0);
    ck_assert_uint_eq(sc(LU_NR_fcntl, fd, F_GETFL, 0, 0) & 0200000, 0200000);
    /* getdents64 on the root directory returns entries */
    ck_assert_int_gt(sc(LU_NR_getdents64, fd, gbuf + 0x1000, 0x1000, 0), 0);
    sc(LU_NR_close, fd, 0, 0, 0);
}
END_TEST

START_TEST(fstat_converted)
{
    gstr(0, "/");
    ck_assert_int_eq(sc(LU_NR_stat, gbuf, gbuf + 0x100, 0, 0), 0);
    struct stat st;
    stat("/", &st);
    LuX86Stat *g = lu_g2h(mem, gbuf + 0x100);
    ck_assert_uint_eq(g->st_ino, st.st_ino);
    ck_assert_uint_eq(g->st_mode, st.st_mode);
    ck_assert_uint_eq(g->st_nlink, st.st_nlink);
    ck_assert_int_eq(sc(LU_NR_newfstatat, (uint64_t)(int64_t)AT_FDCWD, gbuf, gbuf + 0x200, 0),
                     0);
    ck_assert_mem_eq(lu_g2h(mem, gbuf + 0x100), lu_g2h(mem, gbuf + 0x200), 144);
}
END_TEST

START_TEST(readlink_self_exe)
{
    gstr(0, "/proc/self/exe");
    ck_assert_int_eq(sc(LU_NR_readlink, gbuf, gbuf + 0x100, 100, 0), 15);
    ck_assert_mem_eq(lu_g2h(mem, gbuf + 0x100), "/opt/guest/prog", 15);
    ck_assert_int_eq(sc(LU_NR_readlinkat, (uint64_t)(int64_t)AT_FDCWD, gbuf, gbuf + 0x100, 4),
                     4);
}
END_TEST

START_TEST(uname_machine)
{
    ck_assert_int_eq(sc(LU_NR_uname, gbuf, 0, 0, 0), 0);
    struct utsname *u = lu_g2h(mem, gbuf);
    ck_assert_str_eq(u->machine, "x86_64");
}
END_TEST

START_TEST(arch_prctl_fs_gs)
{
    ck_assert_int_eq(sc(LU_NR_arch_prctl, 0x1002, 0x7f0000001000, 0, 0), 0);
    ck_assert_uint_eq(thread->cpu.seg_base[4], 0x7f0000001000);
    ck_assert_int_eq(sc(LU_NR_arch_prctl, 0x1001, 0x1234, 0, 0), 0);
    ck_assert_uint_eq(thread->cpu.seg_base[5], 0x1234);
    ck_assert_int_eq(sc(LU_NR_arch_prctl, 0x1003, gbuf, 0, 0), 0);
    ck_assert_uint_eq(*(uint64_t *)lu_g2h(mem, gbuf), 0x7f0000001000);
    ck_assert_int_eq(sc(LU_NR_arch_prctl, 0x1002, 0xffff800000000000, 0, 0), -EPERM);
    ck_assert_int_eq(sc(LU_NR_arch_prctl, 0x3001, 0, 0, 0), -EINVAL);
}
END_TEST

START_TEST(brk_grows_and_shrinks)
{
    uint64_t start = proc->brk_start;
    ck_assert_uint_eq(sc(LU_NR_brk, 0, 0, 0, 0), start);
    ck_assert_uint_eq(sc(LU_NR_brk, start + 10000, 0, 0, 0), start + 10000);
    memset(lu_g2h(mem, start), 0x5a, 10000);
    ck_assert(lu_mem_check(mem, start, 10000, PROT_WRITE));
    ck_assert_uint_eq(sc(LU_NR_brk, start + 100, 0, 0, 0), start + 100);
    ck_assert(!lu_mem_check(mem, start + 4096, 1, PROT_READ));
    /* below the start: refused, the break stays */
    ck_assert_uint_eq(sc(LU_NR_brk, start - 4096, 0, 0, 0), start + 100);
}
END_TEST

START_TEST(mmap_munmap_mprotect)
{
    int64_t a = sc(LU_NR_mmap, 0, 0x3000, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
    ck_assert_int_gt(a, 0);
    ck_assert_uint_lt(a + 0x3000, LU_GUEST_ADDR_LIMIT);
    ck_assert_uint_eq(a % 4096, 0);
    ck_assert(lu_mem_check(mem, a, 0x3000, PROT_WRITE));
    ck_assert_int_eq(sc(LU_NR_mprotect, a + 0x1000, 0x1000, PROT_READ, 0), 0);
    ck_assert_int_eq(lu_mem_prot_at(mem, a + 0x1000), PROT_READ);
    ck_assert_int_eq(lu_mem_prot_at(mem, a + 0x2000), PROT_READ | PROT_WRITE);
    ck_assert_int_eq(sc(LU_NR_munmap, a, 0x3000, 0, 0), 0);
    ck_assert_int_eq(sc(LU_NR_mprotect, a, 0x1000, PROT_READ, 0), -ENOMEM);
    ck_assert_int_eq(sc(LU_NR_mmap, 0, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS), -EINVAL);
}
END_TEST

START_TEST(mmap_fixed_over_ferry_refused)
{
    /* MAP_FIXED over ferry's own memory must not clobber it */
    uint64_t host = (uint64_t)(uintptr_t)&thread->cpu & ~0xfffull;
    ck_assert_int_eq(sc(LU_NR_mmap, host, 0x1000, PROT_READ,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED), -ENOMEM);
}
END_TEST

START_TEST(mremap_grows)
{
    int64_t a = sc(LU_NR_mmap, 0, 0x2000, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
    ck_assert_int_gt(a, 0);
    memset(lu_g2h(mem, a), 0x77, 0x2000);
    const uint64_t args[6] = { (uint64_t)a, 0x2000, 0x100000, MREMAP_MAYMOVE, 0, 0 };
    int64_t b = lu_do_syscall(proc, &thread->cpu, LU_NR_mremap, args);
    ck_assert_int_gt(b, 0);
    ck_assert(lu_mem_check(mem, b, 0x100000, PROT_WRITE));
    ck_assert_uint_eq(*(uint8_t *)lu_g2h(mem, b + 0x1fff), 0x77);
}
END_TEST

START_TEST(sigaction_recorded)
{
    uint64_t *act = lu_g2h(mem, gbuf);
    act[0] = 0x401234;             /* handler */
    act[1] = 0x04000000;           /* SA_RESTORER */
    act[2] = 0x401000;
    act[3] = 0;
    ck_assert_int_eq(sc(LU_NR_rt_sigaction, SIGUSR1, gbuf, 0, 8), 0);
    ck_assert_int_eq(sc(LU_NR_rt_sigaction, SIGUSR1, 0, gbuf + 0x100, 8), 0);
    ck_assert_mem_eq(lu_g2h(mem, gbuf + 0x100), act, 32);
    ck_assert_int_eq(sc(LU_NR_rt_sigaction, SIGKILL, gbuf, 0, 8), -EINVAL);
    ck_assert_int_eq(sc(LU_NR_rt_sigaction, SIGUSR1, gbuf, 0, 16), -EINVAL);
}
END_TEST

START_TEST(unknown_is_enosys)
{
    ck_assert_int_eq(sc(999, 0, 0, 0, 0), -ENOSYS);
    ck_assert_int_eq(sc(LU_NR_rseq, 0, 0, 0, 0), -ENOSYS);
}
END_TEST

START_TEST(exit_group_stops)
{
    ck_assert_int_eq(sc(LU_NR_exit_group, 0x1ff, 0, 0, 0), 0);
    ck_assert(proc->exited);
    ck_assert_int_eq(proc->exit_status, 0xff);
}
END_TEST

START_TEST(strace_format)
{
    char *buf = NULL;
    size_t len = 0;
    proc->log = open_memstream(&buf, &len);
    proc->strace = true;
    gstr(0, "/nonexistent");
    sc(LU_NR_openat, (uint64_t)(int64_t)AT_FDCWD, gbuf, O_RDONLY, 0);
    sc(LU_NR_getppid, 0, 0, 0, 0);
    fclose(proc->log);
    char *want = g_strdup_printf("%d openat(AT_FDCWD,\"/nonexistent\",0,00) = -1 errno=2 "
                                 "(No such file or directory)\n%d getppid() = %d\n",
                                 (int)getpid(), (int)getpid(), (int)getppid());
    ck_assert_str_eq(buf, want);
    g_free(want);
    free(buf);
}
END_TEST

/* Absolute paths are looked up in the sysroot first, then on the host. */
START_TEST(sysroot_paths)
{
    char *root = g_dir_make_tmp("ferry-root-XXXXXX", NULL);
    char *etc = g_build_filename(root, "etc", NULL);
    char *file = g_build_filename(etc, "probe", NULL);
    ck_assert_int_eq(g_mkdir(etc, 0755), 0);
    ck_assert(g_file_set_contents(file, "inside", 6, NULL));
    LuProc *q = lu_proc_new(mem, "/opt/guest/prog", root, proc->brk_start);
    const uint64_t open_probe[6] = { gbuf, 0, 0, 0, 0, 0 };
    gstr(0, "/etc/probe");
    int64_t fd = lu_do_syscall(q, &thread->cpu, LU_NR_open, open_probe);
    ck_assert_int_ge(fd, 0);
    const uint64_t rd[6] = { (uint64_t)fd, gbuf + 0x100, 64, 0, 0, 0 };
    ck_assert_int_eq(lu_do_syscall(q, &thread->cpu, LU_NR_read, rd), 6);
    ck_assert_mem_eq(lu_g2h(mem, gbuf + 0x100), "inside", 6);
    close((int)fd);
    gstr(0, "/proc/self/status");  /* not in the sysroot: the host's */
    fd = lu_do_syscall(q, &thread->cpu, LU_NR_open, open_probe);
    ck_assert_int_ge(fd, 0);
    close((int)fd);
    lu_proc_free(q);
    g_unlink(file);
    g_rmdir(etc);
    g_rmdir(root);
    g_free(file);
    g_free(etc);
    g_free(root);
}
END_TEST

/* The guest gets the host kernel's own answer for a missing attribute. */
START_TEST(xattr_passthrough)
{
    char *path = g_build_filename(g_get_tmp_dir(), "ferry-xattr-probe", NULL);
    ck_assert(g_file_set_contents(path, "x", 1, NULL));
    char v[16];
    ssize_t host = lgetxattr(path, "user.ferry-missing", v, sizeof(v));
    int host_errno = errno;
    gstr(0, path);
    gstr(0x200, "user.ferry-missing");
    const uint64_t args[6] = { gbuf, gbuf + 0x200, gbuf + 0x300, 16, 0, 0 };
    ck_assert_int_eq(lu_do_syscall(proc, &thread->cpu, LU_NR_lgetxattr, args),
                     host < 0 ? -host_errno : host);
    const uint64_t la[6] = { gbuf, gbuf + 0x400, 256, 0, 0, 0 };
    ck_assert_int_eq(lu_do_syscall(proc, &thread->cpu, LU_NR_llistxattr, la),
                     llistxattr(path, v, 0) < 0 ? -errno : llistxattr(path, v, 0));
    g_unlink(path);
    g_free(path);
}
END_TEST

START_TEST(clock_and_random)
{
    ck_assert_int_eq(sc(LU_NR_clock_gettime, CLOCK_MONOTONIC, gbuf, 0, 0), 0);
    ck_assert_int_eq(sc(LU_NR_getrandom, gbuf, 16, 0, 0), 16);
    ck_assert_int_gt(sc(LU_NR_time, 0, 0, 0, 0), 1700000000);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Layouts that differ on the host (syscall-layout.c), checked on every host */

/* x86-64 struct epoll_event is 12 bytes; a wait must write that stride. */
START_TEST(epoll_events_packed)
{
    ck_assert_uint_eq(offsetof(LuX86EpollEvent, data), 4);
#ifdef __x86_64__
    ck_assert_uint_eq(sizeof(struct epoll_event), sizeof(LuX86EpollEvent));
#endif
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    int64_t ep = sc(LU_NR_epoll_create1, 0, 0, 0, 0);
    ck_assert_int_ge(ep, 0);
    ck_assert_int_eq(sc(LU_NR_epoll_create, 0, 0, 0, 0), -EINVAL);
    uint8_t *ev = lu_g2h(mem, gbuf);
    uint32_t in = EPOLLIN;
    uint64_t data = 0x1122334455667788ull;
    memcpy(ev, &in, 4);
    memcpy(ev + 4, &data, 8);
    ck_assert_int_eq(sc(LU_NR_epoll_ctl, ep, EPOLL_CTL_ADD, fds[0], gbuf), 0);
    ck_assert_int_eq(sc(LU_NR_epoll_ctl, ep, EPOLL_CTL_ADD, fds[0], 0x1000), -EFAULT);
    uint8_t *out = lu_g2h(mem, gbuf + 0x100);
    memset(out, 0xaa, 64);
    ck_assert_int_eq(sc(LU_NR_epoll_wait, ep, gbuf + 0x100, 3, 0), 0);
    ck_assert_int_eq(write(fds[1], "x", 1), 1);
    ck_assert_int_eq(sc(LU_NR_epoll_wait, ep, gbuf + 0x100, 3, 1000), 1);
    uint32_t got_ev;
    uint64_t got_data;
    memcpy(&got_ev, out, 4);
    memcpy(&got_data, out + 4, 8);
    ck_assert_uint_eq(got_ev, EPOLLIN);
    ck_assert_uint_eq(got_data, data);
    ck_assert_uint_eq(out[12], 0xaa);  /* nothing past the one 12-byte event */
    /* pwait2 with a zero timespec, after MOD to EPOLLOUT only: nothing */
    in = EPOLLOUT;
    memcpy(ev, &in, 4);
    ck_assert_int_eq(sc(LU_NR_epoll_ctl, ep, EPOLL_CTL_MOD, fds[0], gbuf), 0);
    struct timespec *ts = lu_g2h(mem, gbuf + 0x200);
    *ts = (struct timespec){ 0, 0 };
    ck_assert_int_eq(sc(LU_NR_epoll_pwait2, ep, gbuf + 0x100, 3, gbuf + 0x200), 0);
    ck_assert_int_eq(sc(LU_NR_epoll_wait, ep, gbuf + 0x100, 0, 0), -EINVAL);
    ck_assert_int_eq(sc(LU_NR_epoll_ctl, ep, EPOLL_CTL_DEL, fds[0], 0), 0);
    close(fds[0]);
    close(fds[1]);
    close((int)ep);
}
END_TEST

/* getdents: the old struct linux_dirent (no such call on arm64). */
START_TEST(getdents_old_layout)
{
    char *dir = g_dir_make_tmp("ferry-getdents-XXXXXX", NULL);
    ck_assert_ptr_nonnull(dir);
    const char *names[] = { "a", "bb", "a-longer-name-for-padding" };
    for (unsigned i = 0; i < G_N_ELEMENTS(names); i++) {
        char *f = g_build_filename(dir, names[i], NULL);
        ck_assert(g_file_set_contents(f, "", 0, NULL));
        g_free(f);
    }
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    ck_assert_int_ge(fd, 0);
    int64_t n = sc(LU_NR_getdents, fd, gbuf, 0x1000, 0);
    ck_assert_int_gt(n, 0);
    unsigned seen = 0;
    for (int64_t o = 0; o < n;) {
        const uint8_t *rec = lu_g2h(mem, gbuf + (uint64_t)o);
        uint64_t ino;
        uint16_t reclen;
        memcpy(&ino, rec, 8);
        memcpy(&reclen, rec + 16, 2);
        const char *name = (const char *)rec + 18;
        ck_assert_uint_eq(reclen % 8, 0);
        ck_assert_uint_le(18 + strlen(name) + 2, reclen);
        struct stat st;
        char *path = g_build_filename(dir, name, NULL);
        ck_assert_int_eq(lstat(path, &st), 0);
        g_free(path);
        ck_assert_uint_eq(ino, st.st_ino);
        ck_assert_uint_eq(rec[reclen - 1], S_ISDIR(st.st_mode) ? DT_DIR : DT_REG);
        seen += S_ISREG(st.st_mode);
        o += reclen;
    }
    ck_assert_uint_eq(seen, G_N_ELEMENTS(names));
    ck_assert_int_eq(sc(LU_NR_getdents, fd, gbuf, 0x1000, 0), 0);   /* the end */
    close(fd);
    for (unsigned i = 0; i < G_N_ELEMENTS(names); i++) {
        char *f = g_build_filename(dir, names[i], NULL);
        g_unlink(f);
        g_free(f);
    }
    g_rmdir(dir);
    g_free(dir);
}
END_TEST

/* Structures passed as they are: the host's layout must be x86-64's
 * (offsets from arch/x86/include/uapi and the generic headers). */
/* The id calls against the host's own view; a set call with every id -1
 * (unchanged) succeeds and changes nothing; a bad pointer is EFAULT. */
START_TEST(credentials)
{
    uint32_t *ids = lu_g2h(mem, gbuf);
    ck_assert_int_eq(sc(LU_NR_getresuid, gbuf, gbuf + 4, gbuf + 8, 0), 0);
    ck_assert_uint_eq(ids[0], getuid());
    ck_assert_uint_eq(ids[1], geteuid());
    ck_assert_int_eq(sc(LU_NR_setresuid, ~0u, ~0u, ~0u, 0), 0);
    ck_assert_int_eq(sc(LU_NR_setresgid, ~0u, ~0u, ~0u, 0), 0);
    ck_assert_int_eq(sc(LU_NR_setreuid, ~0u, ~0u, 0, 0), 0);
    ck_assert_int_eq(sc(LU_NR_getuid, 0, 0, 0, 0), (int64_t)getuid());
    ck_assert_int_eq(sc(LU_NR_getegid, 0, 0, 0, 0), (int64_t)getegid());
    ck_assert_int_eq(sc(LU_NR_setfsuid, ~0u, 0, 0, 0), (int64_t)geteuid());
    ck_assert_int_eq(sc(LU_NR_getresgid, 8, gbuf, gbuf, 0), -EFAULT);
    int n = (int)sc(LU_NR_getgroups, 0, 0, 0, 0);
    ck_assert_int_eq(n, getgroups(0, NULL));
}
END_TEST

START_TEST(passthrough_layouts_match_x86)
{
    ck_assert_uint_eq(sizeof(struct statfs), 120);
    ck_assert_uint_eq(offsetof(struct statfs, f_bsize), 8);
    ck_assert_uint_eq(offsetof(struct statfs, f_blocks), 16);
    ck_assert_uint_eq(offsetof(struct statfs, f_files), 40);
    ck_assert_uint_eq(offsetof(struct statfs, f_fsid), 56);
    ck_assert_uint_eq(offsetof(struct statfs, f_namelen), 64);
    ck_assert_uint_eq(offsetof(struct statfs, f_frsize), 72);
    ck_assert_uint_eq(offsetof(struct statfs, f_flags), 80);
    ck_assert_uint_eq(sizeof(struct flock), 32);
    ck_assert_uint_eq(offsetof(struct flock, l_whence), 2);
    ck_assert_uint_eq(offsetof(struct flock, l_start), 8);
    ck_assert_uint_eq(offsetof(struct flock, l_len), 16);
    ck_assert_uint_eq(offsetof(struct flock, l_pid), 24);
    ck_assert_uint_eq(sizeof(struct pollfd), 8);
    ck_assert_uint_eq(sizeof(struct timespec), 16);
    ck_assert_uint_eq(sizeof(struct rlimit), 16);
    ck_assert_uint_eq(sizeof(struct winsize), 8);
    ck_assert_uint_eq(sizeof(struct sysinfo), 112);
    ck_assert_uint_eq(offsetof(struct sysinfo, totalram), 32);
    ck_assert_uint_eq(offsetof(struct sysinfo, procs), 80);
    ck_assert_uint_eq(offsetof(struct sysinfo, mem_unit), 104);
    ck_assert_uint_eq(sizeof(struct rusage), 144);
    ck_assert_uint_eq(offsetof(struct rusage, ru_maxrss), 32);
    ck_assert_uint_eq(sizeof(struct utsname), 390);
    /* statfs through the guest call matches the host's */
    gstr(0, "/");
    ck_assert_int_eq(sc(LU_NR_statfs, gbuf, gbuf + 0x100, 0, 0), 0);
    struct statfs sf;
    ck_assert_int_eq(statfs("/", &sf), 0);
    const struct statfs *g = lu_g2h(mem, gbuf + 0x100);
    ck_assert_uint_eq((uint64_t)g->f_type, (uint64_t)sf.f_type);
    ck_assert_uint_eq((uint64_t)g->f_blocks, (uint64_t)sf.f_blocks);
    ck_assert_uint_eq((uint64_t)g->f_namelen, (uint64_t)sf.f_namelen);
}
END_TEST

/*
 * Sockets, eventfd, timerfd, inotify, waitid and capget pass the guest's
 * structures to the host unchanged (syscall-net.c, syscall-misc.c): the
 * host's must have x86-64's layout (include/uapi/linux/socket.h, glibc's
 * x86_64 bits/socket.h, uapi inotify.h, capability.h, asm-generic
 * siginfo.h) and its constants x86-64's values. Checked on every host.
 */
START_TEST(socket_layouts_match_x86)
{
    ck_assert_uint_eq(sizeof(struct sockaddr), 16);
    ck_assert_uint_eq(sizeof(struct sockaddr_in), 16);
    ck_assert_uint_eq(sizeof(struct sockaddr_in6), 28);
    ck_assert_uint_eq(sizeof(struct sockaddr_un), 110);
    ck_assert_uint_eq(sizeof(struct sockaddr_storage), 128);
    ck_assert_uint_eq(sizeof(struct iovec), 16);
    ck_assert_uint_eq(sizeof(struct msghdr), 56);
    ck_assert_uint_eq(offsetof(struct msghdr, msg_namelen), 8);
    ck_assert_uint_eq(offsetof(struct msghdr, msg_iov), 16);
    ck_assert_uint_eq(offsetof(struct msghdr, msg_iovlen), 24);
    ck_assert_uint_eq(offsetof(struct msghdr, msg_control), 32);
    ck_assert_uint_eq(offsetof(struct msghdr, msg_controllen), 40);
    ck_assert_uint_eq(offsetof(struct msghdr, msg_flags), 48);
    ck_assert_uint_eq(sizeof(struct mmsghdr), 64);
    ck_assert_uint_eq(offsetof(struct mmsghdr, msg_len), 56);
    ck_assert_uint_eq(sizeof(struct cmsghdr), 16);
    ck_assert_uint_eq(offsetof(struct cmsghdr, cmsg_level), 8);
    ck_assert_uint_eq(offsetof(struct cmsghdr, cmsg_type), 12);
    ck_assert_uint_eq(CMSG_LEN(sizeof(int)), 20);
    ck_assert_uint_eq(CMSG_SPACE(sizeof(int)), 24);
    ck_assert_uint_eq(sizeof(struct ucred), 12);
    ck_assert_uint_eq(sizeof(struct linger), 8);
    ck_assert_uint_eq(sizeof(struct timeval), 16);
    ck_assert_int_eq(SOL_SOCKET, 1);
    ck_assert_int_eq(SCM_RIGHTS, 1);
    ck_assert_int_eq(SCM_CREDENTIALS, 2);
    ck_assert_int_eq(SO_REUSEADDR, 2);
    ck_assert_int_eq(SO_TYPE, 3);
    ck_assert_int_eq(SO_LINGER, 13);
    ck_assert_int_eq(SO_PASSCRED, 16);
    ck_assert_int_eq(SO_PEERCRED, 17);
    ck_assert_int_eq(SO_RCVTIMEO, 20);
    ck_assert_int_eq(SOCK_NONBLOCK, 04000);
    ck_assert_int_eq(SOCK_CLOEXEC, 02000000);
    ck_assert_int_eq(MSG_DONTWAIT, 0x40);
    ck_assert_int_eq(MSG_NOSIGNAL, 0x4000);
    ck_assert_int_eq(MSG_CMSG_CLOEXEC, 0x40000000);
    ck_assert_int_eq(EFD_SEMAPHORE, 1);
    ck_assert_int_eq(EFD_NONBLOCK, 04000);
    ck_assert_int_eq(TFD_CLOEXEC, 02000000);
    ck_assert_int_eq(IN_NONBLOCK, 04000);
    ck_assert_uint_eq(sizeof(struct itimerspec), 32);
    ck_assert_uint_eq(sizeof(struct inotify_event), 16);
    ck_assert_uint_eq(offsetof(struct inotify_event, mask), 4);
    ck_assert_uint_eq(offsetof(struct inotify_event, len), 12);
    ck_assert_uint_eq(sizeof(siginfo_t), 128);
    ck_assert_uint_eq(offsetof(siginfo_t, si_code), 8);
    ck_assert_uint_eq(offsetof(siginfo_t, si_pid), 16);
    ck_assert_uint_eq(offsetof(siginfo_t, si_uid), 20);
    ck_assert_uint_eq(offsetof(siginfo_t, si_status), 24);
    ck_assert_int_eq(SIGCHLD, 17);
    ck_assert_uint_eq(sizeof(struct __user_cap_header_struct), 8);
    ck_assert_uint_eq(sizeof(struct __user_cap_data_struct), 12);
}
END_TEST

/* The new calls through the dispatcher: results and -EFAULT. */
START_TEST(socket_and_eventfd_calls)
{
    ck_assert_int_eq(sc(LU_NR_socketpair, AF_UNIX, SOCK_STREAM, 0, 0x1000), -EFAULT);
    ck_assert_int_eq(sc(LU_NR_socketpair, AF_UNIX, SOCK_STREAM, 0, gbuf), 0);
    const int *sv = lu_g2h(mem, gbuf);
    int s0 = sv[0], s1 = sv[1];
    ck_assert_int_eq(sc(LU_NR_sendmsg, s0, 0x1000, 0, 0), -EFAULT);
    ck_assert_int_eq(sc(LU_NR_sendto, s0, 0x1000, 4, 0), -EFAULT);
    gstr(0x100, "abcd");
    ck_assert_int_eq(sc(LU_NR_sendto, s0, gbuf + 0x100, 4, 0), 4);
    ck_assert_int_eq(sc(LU_NR_recvfrom, s1, gbuf + 0x200, 16, 0), 4);
    ck_assert_mem_eq(lu_g2h(mem, gbuf + 0x200), "abcd", 4);
    close(s0);
    close(s1);
    int64_t efd = sc(LU_NR_eventfd2, 2, EFD_SEMAPHORE, 0, 0);
    ck_assert_int_ge(efd, 0);
    ck_assert_int_eq(sc(LU_NR_read, efd, gbuf, 8, 0), 8);
    ck_assert_uint_eq(*(uint64_t *)lu_g2h(mem, gbuf), 1);
    close((int)efd);
    ck_assert_int_eq(sc(LU_NR_capget, 0x1000, 0, 0, 0), -EFAULT);
    *(uint32_t *)lu_g2h(mem, gbuf) = 0;
    ck_assert_int_eq(sc(LU_NR_capget, gbuf, 0, 0, 0), 0);
    ck_assert_uint_eq(*(uint32_t *)lu_g2h(mem, gbuf), 0x20080522);   /* _V3 */
}
END_TEST

int main(void)
{
    Suite *s = suite_create("syscall");
    TCase *tc = tcase_create("syscall");
    tcase_add_checked_fixture(tc, setup, teardown);
#ifdef __x86_64__
    tcase_add_test(tc, numbers_match_host);
    tcase_add_test(tc, stat_matches_kernel);
#endif
    tcase_add_test(tc, stat_layout);
    tcase_add_test(tc, pipe_write_read);
    tcase_add_test(tc, bad_pointers);
    tcase_add_test(tc, open_flags_converted);
    tcase_add_test(tc, fstat_converted);
    tcase_add_test(tc, readlink_self_exe);
    tcase_add_test(tc, uname_machine);
    tcase_add_test(tc, arch_prctl_fs_gs);
    tcase_add_test(tc, brk_grows_and_shrinks);
    tcase_add_test(tc, mmap_munmap_mprotect);
    tcase_add_test(tc, mmap_fixed_over_ferry_refused);
    tcase_add_test(tc, mremap_grows);
    tcase_add_test(tc, sigaction_recorded);
    tcase_add_test(tc, unknown_is_enosys);
    tcase_add_test(tc, exit_group_stops);
    tcase_add_test(tc, strace_format);
    tcase_add_test(tc, clock_and_random);
    tcase_add_test(tc, sysroot_paths);
    tcase_add_test(tc, xattr_passthrough);
    tcase_add_test(tc, epoll_events_packed);
    tcase_add_test(tc, getdents_old_layout);
    tcase_add_test(tc, passthrough_layouts_match_x86);
    tcase_add_test(tc, credentials);
    tcase_add_test(tc, socket_layouts_match_x86);
    tcase_add_test(tc, socket_and_eventfd_calls);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
