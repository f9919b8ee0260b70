/*
 * sysc.c — a freestanding x86-64 guest (no libc, no SSE: built with
 * -nostdlib -mgeneral-regs-only) that makes the system calls glibc
 * programs depend on and prints what they return, so that a run under
 * ferry can be compared line by line with a native run.
 * Usage: sysc FILE DIR (FILE is read and stat'ed, DIR is listed).
 */
typedef unsigned long u64;
typedef long s64;
typedef unsigned int u32;

static s64 sc(long n, long a, long b, long c, long d, long e, long f)
{
    register long r10 __asm__("r10") = d;
    register long r8 __asm__("r8") = e;
    register long r9 __asm__("r9") = f;
    long ret;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
                     : "rcx", "r11", "memory");
    return ret;
}

#define SC0(n) sc(n, 0, 0, 0, 0, 0, 0)
#define SC1(n, a) sc(n, (long)(a), 0, 0, 0, 0, 0)
#define SC2(n, a, b) sc(n, (long)(a), (long)(b), 0, 0, 0, 0)
#define SC3(n, a, b, c) sc(n, (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define SC4(n, a, b, c, d) sc(n, (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)
#define SC5(n, a, b, c, d, e) sc(n, (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), 0)
#define SC6(n, a, b, c, d, e, f) \
    sc(n, (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), (long)(f))

static u64 slen(const char *s)
{
    u64 n = 0;
    while (s[n]) {
        n++;
    }
    return n;
}

static void out(const char *s, u64 n) { SC3(1, 1, s, n); }
static void puts_(const char *s) { out(s, slen(s)); }

static void put_dec(s64 v)
{
    char b[24];
    int i = 23;
    int neg = v < 0;
    u64 u = neg ? (u64)-v : (u64)v;
    b[i] = 0;
    do {
        b[--i] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (neg) {
        b[--i] = '-';
    }
    puts_(b + i);
}

static void put_hex(u64 v)
{
    char b[19] = "0x";
    int n = 2;
    for (int s = 60; s >= 0; s -= 4) {
        unsigned d = (v >> s) & 15;
        if (d || n > 2 || s == 0) {
            b[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
        }
    }
    b[n] = 0;
    puts_(b);
}

/* "label value\n" */
static void kv(const char *label, s64 v)
{
    puts_(label);
    puts_(" ");
    put_dec(v);
    puts_("\n");
}

static void kx(const char *label, u64 v)
{
    puts_(label);
    puts_(" ");
    put_hex(v);
    puts_("\n");
}

static void ks(const char *label, const char *s)
{
    puts_(label);
    puts_(" ");
    puts_(s);
    puts_("\n");
}

static char buf[8192];

/* ---------------------------------------------------------------------- */

static void test_auxv(u64 *sp)
{
    u64 argc = sp[0];
    u64 *p = sp + 1 + argc + 1;
    while (*p) {
        p++;                       /* skip envp */
    }
    for (p++; p[0]; p += 2) {
        switch (p[0]) {
        case 6: kv("AT_PAGESZ", (s64)p[1]); break;
        case 5: kv("AT_PHNUM", (s64)p[1]); break;
        case 4: kv("AT_PHENT", (s64)p[1]); break;
        case 9: kx("AT_ENTRY", p[1]); break;
        case 23: kv("AT_SECURE", (s64)p[1]); break;
        case 15: ks("AT_PLATFORM", (const char *)p[1]); break;
        case 31: ks("AT_EXECFN", (const char *)p[1]); break;
        case 25: kv("AT_RANDOM_is_set", p[1] != 0); break;
        default: break;
        }
    }
    kv("sp_aligned", ((u64)sp & 15) == 0);
}

static void test_files(const char *file, const char *dir)
{
    s64 n = SC3(89, "/proc/self/exe", buf, sizeof(buf) - 1);
    buf[n > 0 ? n : 0] = 0;
    kv("readlink_ok", n > 0 && buf[0] == '/');
    SC1(63, buf);                  /* uname */
    ks("sysname", buf);
    ks("machine", buf + 4 * 65);
    s64 fd = SC3(2, file, 0, 0);   /* open O_RDONLY */
    kv("open", fd >= 3);
    n = SC3(0, fd, buf, sizeof(buf));
    kv("read", n);
    out(buf, n > 0 ? (u64)n : 0);
    kv("lseek", SC3(8, fd, 2, 0));
    kv("pread", SC4(17, fd, buf, 4, 5));
    out(buf, 4);
    puts_("\n");
    u64 st[18];
    kv("fstat", SC2(5, fd, st));
    kv("st_size", (s64)st[6]);
    kx("st_mode", st[3] & 0xffffffff);
    kv("st_nlink", (s64)st[2]);
    kv("stat_same_ino", SC2(4, file, buf) == 0 && ((u64 *)buf)[1] == st[1]);
    kv("lstat", SC2(6, file, buf));
    kv("newfstatat_size", SC4(262, -100, file, buf, 0) == 0 ? ((s64 *)buf)[6] : -1);
    kv("statx", SC5(332, -100, file, 0, 0x7ff, buf));
    kv("statx_size", (s64)*(u64 *)(buf + 40));
    kv("close", SC1(3, fd));
    kv("close_again", SC1(3, fd));
    kv("open_missing", SC3(2, "/nonexistent/x", 0, 0));
    kv("open_dir_flag_on_file", SC3(2, file, 0200000, 0));
    fd = SC4(257, -100, dir, 0200000, 0);   /* openat O_DIRECTORY */
    kx("getfl_directory_bit", (u64)SC2(72, fd, 3) & 0200000);
    n = SC3(217, fd, buf, sizeof(buf));
    for (s64 off = 0; off < n;) {
        const char *name = buf + off + 19;
        if (name[0] != '.') {
            ks("dirent", name);
        }
        off += *(unsigned short *)(buf + off + 16);
    }
    SC1(3, fd);
    kv("access_file", SC2(21, file, 4));
    kv("access_missing", SC2(21, "/nonexistent", 0));
    kv("getcwd_ok", SC2(79, buf, sizeof(buf)) > 1 && buf[0] == '/');
}

static void test_memory(void)
{
    char *m = (char *)SC6(9, 0, 3 * 4096, 3, 0x22, -1, 0);   /* RW, private anon */
    kv("mmap_ok", (s64)m > 0 && ((u64)m & 4095) == 0);
    for (int i = 0; i < 3 * 4096; i++) {
        m[i] = (char)i;
    }
    kv("mprotect", SC3(10, m + 4096, 4096, 1));
    kv("sum_after_mprotect", (unsigned char)m[4096 + 77]);
    kv("mprotect_back", SC3(10, m + 4096, 4096, 3));   /* mremap wants one VMA */
    char *g = (char *)SC5(25, m, 3 * 4096, 64 * 4096, 1, 0);   /* mremap MAYMOVE */
    kv("mremap_kept_data", (unsigned char)g[8192 + 5]);
    g[64 * 4096 - 1] = 1;
    kv("madvise_dontneed", SC3(28, g, 4096, 4));
    kv("zero_after_dontneed", g[5]);
    kv("munmap", SC2(11, g, 64 * 4096));
    kv("munmap_unaligned", SC2(11, g + 1, 4096));
    u64 b0 = (u64)SC1(12, 0);
    u64 b1 = (u64)SC1(12, b0 + 100000);
    kv("brk_grew", b1 - b0);
    ((char *)b0)[99999] = 1;
    kv("brk_shrunk", (s64)((u64)SC1(12, b0) - b0));
    kv("madvise_unmapped", SC3(28, g, 4096, 4));
}

static u64 tls_block[4] = { 0x1111, 0x2222, 0x3333, 0x4444 };

static void test_process(void)
{
    kv("pid_is_tid", SC0(39) == SC0(186));
    kv("ppid_positive", SC0(110) > 0);
    kv("uid_match", SC0(102) == SC0(107));
    kv("arch_prctl_set_fs", SC2(158, 0x1002, tls_block));
    u64 v;
    __asm__ volatile("mov %%fs:8, %0" : "=r"(v));
    kx("fs_8", v);
    u64 got = 0;
    kv("arch_prctl_get_fs", SC2(158, 0x1003, &got));
    kv("fs_base_matches", got == (u64)tls_block);
    kv("set_tid_address_is_tid", SC1(218, buf) == SC0(186));
    kv("set_robust_list", SC2(273, buf, 24));
    u64 rl[2];
    kv("prlimit_nofile", SC4(302, 0, 7, 0, rl));
    kv("getrandom", SC3(318, buf, 16, 0));
    u64 ts[2];
    kv("clock_gettime", SC2(228, 1, ts));
    kv("time_positive", SC1(201, 0) > 1600000000);
    u64 req[2] = { 0, 1000000 };
    kv("nanosleep", SC2(35, req, 0));
    u64 act[4] = { 0x401234, 0x04000000, 0x401000, 0 }, old[4];
    kv("sigaction", SC4(13, 10, act, 0, 8));
    kv("sigaction_get", SC4(13, 10, 0, old, 8));
    kx("sigaction_handler", old[0]);
    u64 set = 1ull << 9, oldset = 5;
    kv("sigprocmask", SC4(14, 0, &set, &oldset, 8));
    kv("sigprocmask_old", (s64)oldset);
    kv("sigprocmask_now", SC4(14, 0, 0, &oldset, 8) == 0 && oldset == set);
    u64 mask[16];
    kv("sched_getaffinity_positive", SC3(204, 0, sizeof(mask), mask) > 0);
    int fds[2];
    kv("pipe2", SC2(293, fds, 0));
    kv("pipe_write", SC3(1, fds[1], "pipe!", 5));
    kv("pipe_read", SC3(0, fds[0], buf, 100));
    kv("dup2", SC2(33, fds[0], 20));
    kv("dup3_cloexec", SC3(292, fds[0], 21, 02000000));
    kv("getfd_cloexec", SC2(72, 21, 1));
    int ws[2] = { 0, 0 };
    kv("ioctl_tiocgwinsz_pipe", SC3(16, fds[0], 0x5413, ws));
    kv("fionread", SC3(16, fds[0], 0x541b, ws) == 0 ? ws[0] : -1);
    kv("write_bad_pointer", SC3(1, 1, 8, 4));
    SC3(1, fds[1], "more", 4);     /* data pending: the kernel faults, not blocks */
    kv("read_bad_pointer", SC3(0, fds[0], 8, 4));
    kv("unknown_syscall", SC0(500));
}

void cmain(u64 *sp)
{
    char **argv = (char **)(sp + 1);
    if (sp[0] < 3) {
        puts_("usage: sysc FILE DIR\n");
        SC1(231, 2);
    }
    test_auxv(sp);
    test_files(argv[1], argv[2]);
    test_memory();
    test_process();
    SC1(231, 7);
}

__asm__(".globl _start\n"
        "_start:\n"
        "    mov %rsp, %rdi\n"
        "    and $-16, %rsp\n"
        "    call cmain\n"
        "    hlt\n");
