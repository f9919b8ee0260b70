/*
 * sigtest.c — guest signal delivery, one case per argv[1]; each prints
 * what a program can observe (handler order, siginfo fields, ucontext
 * registers, FP state and its XSAVE layout, masks) so that run-e2e-signals.sh can compare the
 * run under ferry with the native one. Built by the host's gcc (x86-64).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <semaphore.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <ucontext.h>
#include <unistd.h>

static sigjmp_buf jb;
/* The page-fault error code bits printed: W (2) only where the host tells
 * ferry the access kind ("segv nowbit" elsewhere). */
static long err_bits = 0x17;
static volatile sig_atomic_t hits;
static volatile int last_sig;

static void on(int sig, void (*fn)(int, siginfo_t *, void *), int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = fn;
    sa.sa_flags = SA_SIGINFO | flags;
    sigaction(sig, &sa, NULL);
}

static void show_info(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    hits++;
    printf("sig %d signo %d code %d pid_ok %d\n", sig, si->si_signo, si->si_code,
           si->si_pid == getpid());
}

static int t_raise(void)
{
    on(SIGUSR1, show_info, 0);
    raise(SIGUSR1);
    kill(getpid(), SIGUSR1);
    syscall(SYS_tgkill, getpid(), gettid(), SIGUSR1);
    union sigval v = { .sival_int = 42 };
    sigqueue(getpid(), SIGUSR1, v);
    /* a fault signal sent by a process is an ordinary signal */
    on(SIGSEGV, show_info, 0);
    kill(getpid(), SIGSEGV);
    return hits != 5;
}

/* ud2 at a known place; the handler moves rip past it, sets rbx, and
 * reports the frame's view of the flags (CF set by stc just before). */
extern char ud2_here[];
static void fix_ud2(int sig, siginfo_t *si, void *p)
{
    ucontext_t *uc = p;
    greg_t *g = uc->uc_mcontext.gregs;
    printf("SIGILL %d code %d addr_ok %d rip_ok %d trapno %lld cf %lld rdi %llx\n", sig,
           si->si_code, si->si_addr == (void *)ud2_here, g[REG_RIP] == (greg_t)ud2_here,
           (long long)g[REG_TRAPNO], (long long)(g[REG_EFL] & 1), (long long)g[REG_RDI]);
    /* the frame: siginfo 304 bytes above the ucontext, which is 16-byte
     * aligned (the return address below it makes rsp 16n - 8) */
    printf("info - uc %ld, uc %% 16 = %ld, ss_flags %d\n", (long)((char *)si - (char *)uc),
           (long)((uintptr_t)uc % 16), uc->uc_stack.ss_flags);
    g[REG_RIP] += 2;
    g[REG_RBX] = 0x1234;
}

static int t_ucontext(void)
{
    on(SIGILL, fix_ud2, 0);
    long rbx;
    __asm__ volatile("mov $0xabc, %%rdi\n\tmov $1, %%rbx\n\tstc\n"
                     ".globl ud2_here\nud2_here: ud2\n\tmov %%rbx, %0"
                     : "=r"(rbx) : : "rbx", "rdi", "cc", "memory");
    printf("rbx after %lx\n", rbx);
    return rbx != 0x1234;
}

static void jump_out(int sig, siginfo_t *si, void *p)
{
    ucontext_t *uc = p;
    last_sig = sig;
    printf("sig %d code %d trapno %lld err %lld\n", sig, si->si_code,
           (long long)uc->uc_mcontext.gregs[REG_TRAPNO],
           (long long)(uc->uc_mcontext.gregs[REG_ERR] & err_bits));
    siglongjmp(jb, (int)(uintptr_t)si->si_addr | 1);
}

static int t_segv(void)
{
    on(SIGSEGV, jump_out, 0);
    volatile int *null = NULL;
    if (sigsetjmp(jb, 1) == 0) {
        *null = 1;
        return 1;
    }
    char *ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    static void *volatile addr;
    addr = ro + 100;
    (void)*(volatile char *)addr;  /* present (P = 1 in the error code) */
    if (sigsetjmp(jb, 1) == 0) {
        *(volatile char *)addr = 1;
        return 1;
    }
    /* the address itself, through the handler's siginfo */
    on(SIGSEGV, show_info, SA_RESETHAND);
    printf("ro write caught\n");
    return 0;
}

static void *fault_addr;
static void grab_addr(int sig, siginfo_t *si, void *p)
{
    (void)sig, (void)p;
    fault_addr = si->si_addr;
    printf("code %d\n", si->si_code);
    siglongjmp(jb, 1);
}

static int t_segv_addr(void)
{
    on(SIGSEGV, grab_addr, 0);
    char *ro = mmap(NULL, 8192, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(ro + 4096, 4096);
    if (sigsetjmp(jb, 1) == 0) {
        *(volatile char *)(ro + 123) = 1;
    }
    printf("ro addr_ok %d\n", fault_addr == ro + 123);
    if (sigsetjmp(jb, 1) == 0) {
        (void)*(volatile char *)(ro + 4096 + 7);
    }
    printf("unmapped addr_ok %d\n", fault_addr == ro + 4096 + 7);

    return 0;
}

/* Instruction fetches from an unmapped and from a non-executable page. */
static void show_fetch(int sig, siginfo_t *si, void *p)
{
    ucontext_t *uc = p;
    greg_t *g = uc->uc_mcontext.gregs;
    printf("sig %d code %d addr_ok %d rip_ok %d cr2_ok %d trapno %lld err %#llx\n", sig,
           si->si_code, si->si_addr == fault_addr, g[REG_RIP] == (greg_t)fault_addr,
           g[REG_CR2] == (greg_t)fault_addr, (long long)g[REG_TRAPNO],
           (long long)(g[REG_ERR] & 0x1f));
    siglongjmp(jb, 1);
}

static int t_fetch(void)
{
    on(SIGSEGV, show_fetch, 0);
    char *data = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    data[0] = (char)0xc3;          /* ret, never run */
    void *targets[2] = { (void *)16, data };
    for (int i = 0; i < 2; i++) {
        fault_addr = targets[i];
        if (sigsetjmp(jb, 1) == 0) {
            ((void (*)(void))targets[i])();
        }
    }
    return 0;
}

/* Past the end of a mapped file: SIGBUS BUS_ADRERR at the address. */
static int t_bus(void)
{
    on(SIGBUS, grab_addr, 0);
    FILE *f = tmpfile();
    fputs("short file", f);
    fflush(f);
    char *m = mmap(NULL, 8192, PROT_READ, MAP_SHARED, fileno(f), 0);
    if (sigsetjmp(jb, 1) == 0) {
        (void)*(volatile char *)(m + 4096 + 5);
    }
    printf("bus addr_ok %d\n", fault_addr == m + 4096 + 5);
    return 0;
}

/* A child's exit: SIGCHLD with the kernel's siginfo. */
static void on_chld(int sig, siginfo_t *si, void *p)
{
    (void)p;
    printf("sig %d code %d status %d\n", sig, si->si_code, si->si_status);
    hits++;
}

static int t_chld(void)
{
    sigset_t set, none;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    sigemptyset(&none);
    sigprocmask(SIG_BLOCK, &set, NULL);
    on(SIGCHLD, on_chld, 0);
    if (fork() == 0) {
        _exit(7);
    }
    while (!hits) {
        sigsuspend(&none);
    }
    return 0;
}

/* A non-canonical address is #GP: SIGSEGV SI_KERNEL with no address. */
static int t_noncanonical(void)
{
    on(SIGSEGV, jump_out, 0);
    if (sigsetjmp(jb, 1) == 0) {
        (void)*(volatile char *)0x8000000000000010ull;
    }
    return 0;
}

extern char idiv_here[];
/* A memory fault in the middle of a block, right after a flag-setting
 * instruction: the frame's eflags and registers are those of that point. */
static void show_flags(int sig, siginfo_t *si, void *p)
{
    ucontext_t *uc = p;
    greg_t *g = uc->uc_mcontext.gregs;
    printf("sig %d code %d flags %#llx rdi %lld rsi %lld\n", sig, si->si_code,
           (long long)(g[REG_EFL] & 0x8d5), (long long)g[REG_RDI], (long long)g[REG_RSI]);
    siglongjmp(jb, 1);
}

static int t_segv_flags(void)
{
    on(SIGSEGV, show_flags, 0);
    static const long ops[][2] = { { 5, 7 }, { 7, 5 }, { -1, 1 }, { 0, 0 } };
    for (unsigned i = 0; i < 4; i++) {
        if (sigsetjmp(jb, 1) == 0) {
            __asm__ volatile("mov %0, %%rdi\n\tmov %1, %%rsi\n\tinc %%rsi\n\t"
                             "cmp %%rsi, %%rdi\n\tmov 8, %%eax"
                             : : "r"(ops[i][0]), "r"(ops[i][1]) : "rdi", "rsi", "rax", "cc");
        }
    }
    return 0;
}

static int t_fpe(void)
{
    on(SIGFPE, grab_addr, 0);
    volatile int zero = 0;
    int r = 0;
    if (sigsetjmp(jb, 1) == 0) {
        __asm__ volatile("mov $7, %%eax\n\tcltd\n.globl idiv_here\nidiv_here: idivl %1"
                         : "=a"(r) : "r"(zero) : "edx", "cc");
    }
    printf("fpe addr_ok %d r %d\n", fault_addr == idiv_here, r);
    return 0;
}

static int t_ill(void)
{
    on(SIGILL, grab_addr, 0);
    if (sigsetjmp(jb, 1) == 0) {
        __asm__ volatile("ud2");
    }
    return 0;
}

extern char after_int3[];
static void on_trap(int sig, siginfo_t *si, void *p)
{
    ucontext_t *uc = p;
    printf("SIGTRAP %d code %d rip_ok %d trapno %lld\n", sig, si->si_code,
           uc->uc_mcontext.gregs[REG_RIP] == (greg_t)after_int3,
           (long long)uc->uc_mcontext.gregs[REG_TRAPNO]);
}

static int t_trap(void)
{
    on(SIGTRAP, on_trap, 0);
    __asm__ volatile("int3\n.globl after_int3\nafter_int3: nop");
    printf("after int3\n");
    return 0;
}

static volatile sig_atomic_t stop;
static void set_stop(int sig, siginfo_t *si, void *p) { (void)sig, (void)si, (void)p; stop = 1; }

static void count_hit(int sig, siginfo_t *si, void *p) { (void)sig, (void)si, (void)p; hits++; }

static int t_alarm(void)
{
    on(SIGALRM, set_stop, 0);
    struct itimerval it = { { 0, 0 }, { 0, 20000 } };
    setitimer(ITIMER_REAL, &it, NULL);
    unsigned long n = 0;
    while (!stop) {
        n++;
    }
    printf("loop interrupted %d\n", n > 0);
    stop = 0;
    alarm(1);
    __asm__ volatile("1: cmpl $0, %0\n\tje 1b" : : "m"(stop) : "cc");
    printf("asm loop interrupted\n");
    /* A loop of two blocks, chained to each other, interrupted many times:
     * each signal must resume at the block it arrived in (at B, rax is
     * rbx + 1), so that rax == rbx when the loop ends after B. */
    struct itimerval every = { { 0, 500 }, { 0, 500 } };
    on(SIGALRM, count_hit, 0);
    hits = 0;
    setitimer(ITIMER_REAL, &every, NULL);
    long a, b;
    __asm__ volatile("xor %%eax, %%eax\n\txor %%ebx, %%ebx\n"
                     "1: inc %%rax\n\tjmp 2f\n"
                     "2: inc %%rbx\n\tcmpl $100, %2\n\tjl 1b"
                     : "=&a"(a), "=&b"(b) : "m"(hits) : "cc");
    struct itimerval off = { { 0, 0 }, { 0, 0 } };
    setitimer(ITIMER_REAL, &off, NULL);
    printf("two-block loop consistent %d\n", a == b);
    return 0;
}

static int pipefd[2];
static void feed_pipe(int sig, siginfo_t *si, void *p)
{
    (void)sig, (void)si, (void)p;
    hits++;
    if (write(pipefd[1], "x", 1) != 1) {
        _exit(9);
    }
}

static int t_restart(void)
{
    char c;
    if (pipe(pipefd)) {
        return 1;
    }
    struct itimerval it = { { 0, 0 }, { 0, 20000 } };
    on(SIGALRM, feed_pipe, SA_RESTART);
    setitimer(ITIMER_REAL, &it, NULL);
    ssize_t r = read(pipefd[0], &c, 1);
    printf("SA_RESTART read %zd hits %d\n", r, hits);
    on(SIGALRM, feed_pipe, 0);
    setitimer(ITIMER_REAL, &it, NULL);
    r = read(pipefd[0], &c, 1);
    printf("no SA_RESTART read %zd errno %s hits %d\n", r, r < 0 ? strerrorname_np(errno) : "-",
           hits);
    r = read(pipefd[0], &c, 1);
    printf("then read %zd\n", r);
    return 0;
}

/* Many timer signals around blocking reads with SA_RESTART: each read
 * restarts and returns the byte the handler wrote (a signal lost between
 * the pending check and the read would hang here; the window is too small
 * for this loop to hit it reliably). */
static int t_restart_stress(void)
{
    char c;
    if (pipe(pipefd)) {
        return 1;
    }
    on(SIGALRM, feed_pipe, SA_RESTART);
    int got = 0;
    for (int i = 0; i < 300; i++) {
        struct itimerval it = { { 0, 0 }, { 0, 50 + (i % 7) * 30 } };
        setitimer(ITIMER_REAL, &it, NULL);
        got += read(pipefd[0], &c, 1) == 1;
    }
    printf("reads %d\n", got);
    return 0;
}

static void print_sig(int sig, siginfo_t *si, void *p)
{
    (void)si, (void)p;
    printf("handler %d\n", sig);
}

static int t_mask(void)
{
    sigset_t set, old, pend;
    on(SIGUSR1, print_sig, 0);
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, &old);
    raise(SIGUSR1);
    sigpending(&pend);
    printf("blocked; pending %d\n", sigismember(&pend, SIGUSR1));
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    printf("unblocked\n");
    /* sigsuspend: pending while blocked, delivered inside, mask restored */
    sigprocmask(SIG_BLOCK, &set, NULL);
    raise(SIGUSR1);
    sigset_t none;
    sigemptyset(&none);
    int r = sigsuspend(&none);
    sigprocmask(SIG_BLOCK, NULL, &old);
    printf("sigsuspend %d %s; still blocked %d\n", r, strerrorname_np(errno),
           sigismember(&old, SIGUSR1));
    /* real-time signals queue while blocked */
    on(SIGRTMIN, print_sig, 0);
    sigaddset(&set, SIGRTMIN);
    sigprocmask(SIG_BLOCK, &set, NULL);
    for (int i = 0; i < 3; i++) {
        union sigval v = { .sival_int = i };
        sigqueue(getpid(), SIGRTMIN, v);
    }
    printf("queued 3\n");
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    return 0;
}

static int depth, usr1_runs;
static void nest(int sig, siginfo_t *si, void *p)
{
    (void)si, (void)p;
    printf("enter %d depth %d\n", sig, depth);
    depth++;
    if (sig == SIGUSR1 && usr1_runs++ == 0) {
        raise(SIGUSR2);            /* not blocked: nests at once */
        raise(SIGUSR1);            /* blocked without SA_NODEFER: after we return */
    }
    if (sig == SIGHUP && depth < 3) {
        raise(SIGHUP);             /* SA_NODEFER: nests */
    }
    depth--;
    printf("leave %d\n", sig);
}

static int t_nested(void)
{
    on(SIGUSR1, nest, 0);
    on(SIGUSR2, nest, 0);
    on(SIGHUP, nest, SA_NODEFER);
    raise(SIGUSR1);
    raise(SIGHUP);
    on(SIGUSR1, print_sig, SA_RESETHAND);
    raise(SIGUSR1);
    struct sigaction sa;
    sigaction(SIGUSR1, NULL, &sa);
    printf("after SA_RESETHAND dfl %d\n", sa.sa_handler == SIG_DFL);
    signal(SIGUSR2, SIG_IGN);
    raise(SIGUSR2);
    printf("SIG_IGN survived\n");
    return 0;
}

static char *alt;
static void on_overflow(int sig, siginfo_t *si, void *p)
{
    (void)si;
    char here;
    stack_t cur;
    sigaltstack(NULL, &cur);
    stack_t again = { .ss_sp = alt, .ss_size = 65536, .ss_flags = 0 };
    int r = sigaltstack(&again, NULL);
    printf("sig %d on altstack %d flags %d frame flags %d; change while on it %d %s\n", sig,
           &here > alt && &here < alt + 65536, cur.ss_flags,
           ((ucontext_t *)p)->uc_stack.ss_flags, r, strerrorname_np(errno));
    siglongjmp(jb, 1);
}

static int recurse(volatile char *prev)
{
    volatile char buf[4096];
    buf[0] = prev ? prev[0] + 1 : 0;
    return recurse(buf) + buf[100];
}

static void show_altstack(int sig, siginfo_t *si, void *p)
{
    (void)si;
    char here;
    stack_t cur;
    sigaltstack(NULL, &cur);
    printf("sig %d on altstack %d; now flags %#x size %zu; frame flags %#x\n", sig,
           &here > alt && &here < alt + 65536, cur.ss_flags, cur.ss_size,
           ((ucontext_t *)p)->uc_stack.ss_flags);
}

static int t_altstack(void)
{
    alt = malloc(65536);
    stack_t ss = { .ss_sp = alt, .ss_size = 65536, .ss_flags = 0 };
    stack_t small = { .ss_sp = alt, .ss_size = 100, .ss_flags = 0 };
    int r = sigaltstack(&small, NULL);
    printf("small %d %s\n", r, strerrorname_np(errno));
    stack_t bad = { .ss_sp = alt, .ss_size = 65536, .ss_flags = 5 };
    r = sigaltstack(&bad, NULL);
    printf("bad flags %d %s\n", r, strerrorname_np(errno));
    sigaltstack(&ss, NULL);
    on(SIGSEGV, on_overflow, SA_ONSTACK);
    if (sigsetjmp(jb, 1) == 0) {
        recurse(NULL);
    }
    stack_t cur;
    sigaltstack(NULL, &cur);
    printf("back; flags %d size_ok %d\n", cur.ss_flags, cur.ss_size == 65536);
    /* SS_AUTODISARM: the handler runs with the stack disarmed, sigreturn
     * re-arms it from the frame */
    stack_t auto_ss = { .ss_sp = alt, .ss_size = 65536, .ss_flags = (int)(1u << 31) }   /* SS_AUTODISARM */;
    sigaltstack(&auto_ss, NULL);
    on(SIGUSR1, show_altstack, SA_ONSTACK);
    raise(SIGUSR1);
    sigaltstack(NULL, &cur);
    printf("after: flags %#x size_ok %d\n", cur.ss_flags, cur.ss_size == 65536);
    return 0;
}

/* FP and SSE state survive a handler that clobbers both. */
static void clobber_fp(int sig, siginfo_t *si, void *p)
{
    (void)sig, (void)si;
    ucontext_t *uc = p;
    unsigned short cw;
    unsigned mx;
    __asm__ volatile("fnstcw %0\n\tstmxcsr %1" : "=m"(cw), "=m"(mx));
    uint32_t magic1;
    memcpy(&magic1, (char *)uc->uc_mcontext.fpregs + 464, 4);
    printf("in handler: fcw %#x mxcsr %#x magic1 %#x saved mxcsr %#x cw %#x\n", cw, mx,
           magic1, uc->uc_mcontext.fpregs->mxcsr, uc->uc_mcontext.fpregs->cwd);
    double junk[2] = { -1.0, -2.0 };
    __asm__ volatile("movupd %0, %%xmm0\n\tmovupd %0, %%xmm7\n\tmovupd %0, %%xmm15\n\t"
                     "fldpi\n\tfldpi\n\tfldpi\n\tfldcw %1\n\tldmxcsr %2"
                     : : "m"(junk), "m"((unsigned short){ 0xc7f }), "m"((unsigned){ 0x7f80 })
                     : "xmm0", "xmm7", "xmm15", "st", "st(1)", "st(2)");
}

static int t_fpu(void)
{
    on(SIGUSR1, clobber_fp, 0);
    double in[3][2] = { { 1.5, 2.5 }, { 3.5, 4.5 }, { 5.5, 6.5 } }, out[3][2];
    double top = 0;
    unsigned short cw = 0x27f, cw_after;
    unsigned mx = 0x3f80, mx_after;
    long pid = getpid();
    __asm__ volatile(
        "fldcw %[cw]\n\tldmxcsr %[mx]\n\tfld1\n\t"
        "movupd 0(%[in]), %%xmm0\n\tmovupd 16(%[in]), %%xmm7\n\tmovupd 32(%[in]), %%xmm15\n\t"
        "mov $62, %%eax\n\tmov %[pid], %%rdi\n\tmov $10, %%esi\n\tsyscall\n\t"
        "movupd %%xmm0, 0(%[out])\n\tmovupd %%xmm7, 16(%[out])\n\tmovupd %%xmm15, 32(%[out])\n\t"
        "fstpl %[top]\n\tfnstcw %[cwa]\n\tstmxcsr %[mxa]"
        : [top] "=m"(top), [cwa] "=m"(cw_after), [mxa] "=m"(mx_after)
        : [in] "r"(in), [out] "r"(out), [pid] "r"(pid), [cw] "m"(cw), [mx] "m"(mx)
        : "rax", "rdi", "rsi", "rcx", "r11", "xmm0", "xmm7", "xmm15", "memory", "cc");
    printf("xmm ok %d st0 %g fcw %#x mxcsr %#x\n", memcmp(in, out, sizeof(in)) == 0, top,
           cw_after, mx_after);
    return 0;
}

/*
 * The XSAVE-format FP state of a frame (UC_FP_XSTATE), reduced to what
 * holds on any CPU with XSAVE whatever else its xstate has: the sw bytes,
 * MAGIC2 at fpstate + extended_size - 4, XSTATE_BV's x87|SSE bits, the
 * xmm values in the legacy region; and that edits of the frame take
 * effect through sigreturn's XRSTOR (mode 1: XSTATE_BV[1] cleared, so
 * the xmm registers come back zero) or its FXRSTOR fallback (mode 2:
 * MAGIC2 cleared too, so the legacy region is loaded and the header
 * ignored). Without UC_FP_XSTATE only the legacy region is looked at.
 */
static int xs_mode;
static void edit_xstate(int sig, siginfo_t *si, void *p)
{
    (void)sig, (void)si;
    ucontext_t *uc = p;
    unsigned char *fp = (unsigned char *)uc->uc_mcontext.fpregs;
    uint32_t magic1, ext, size, magic2 = 0, mxcsr = 0x5f80;
    uint64_t xfeatures, bv = 0;
    memcpy(&magic1, fp + 464, 4);
    memcpy(&ext, fp + 468, 4);
    memcpy(&xfeatures, fp + 472, 8);
    memcpy(&size, fp + 480, 4);
    int xstate = (uc->uc_flags & 1) != 0;     /* UC_FP_XSTATE */
    if (xstate) {
        memcpy(&magic2, fp + ext - 4, 4);
        memcpy(&bv, fp + 512, 8);
    }
    double x[3][2];
    memcpy(x[0], fp + 160, 16);
    memcpy(x[1], fp + 160 + 7 * 16, 16);
    memcpy(x[2], fp + 160 + 15 * 16, 16);
    printf("mode %d: fp_xstate %d aligned %d magic1 %#x xfeatures_fpsse %d", xs_mode, xstate,
           ((uintptr_t)fp & 63) == 0, magic1, (xfeatures & 3) == 3);
    if (xstate) {
        printf(" ext_ok %d magic2 %#x bv_fpsse %#x", ext == size + 4 && size >= 576, magic2,
               (unsigned)(bv & 3));
    } else {
        printf(" ext %u size %u", ext, size);
    }
    printf("\n  frame xmm0 %g %g xmm7 %g %g xmm15 %g %g mxcsr %#x\n", x[0][0], x[0][1],
           x[1][0], x[1][1], x[2][0], x[2][1], uc->uc_mcontext.fpregs->mxcsr);
    double edit[2] = { 7.25, 8.25 };
    memcpy(fp + 160, edit, 16);
    memcpy(&uc->uc_mcontext.fpregs->mxcsr, &mxcsr, 4);
    if (xstate && xs_mode >= 1) {
        bv &= ~(uint64_t)2;
        memcpy(fp + 512, &bv, 8);
    }
    if (xstate && xs_mode == 2) {
        memset(fp + ext - 4, 0, 4);
    }
}

static int t_xstate(void)
{
    on(SIGUSR1, edit_xstate, 0);
    for (xs_mode = 0; xs_mode < 3; xs_mode++) {
        double in[3][2] = { { 1.5, 2.5 }, { 3.5, 4.5 }, { 5.5, 6.5 } }, out[3][2];
        unsigned mx = 0x3f80, mx_after;
        long pid = getpid();
        __asm__ volatile(
            "ldmxcsr %[mx]\n\t"
            "movupd 0(%[in]), %%xmm0\n\tmovupd 16(%[in]), %%xmm7\n\tmovupd 32(%[in]), %%xmm15\n\t"
            "mov $62, %%eax\n\tmov %[pid], %%rdi\n\tmov $10, %%esi\n\tsyscall\n\t"
            "movupd %%xmm0, 0(%[out])\n\tmovupd %%xmm7, 16(%[out])\n\tmovupd %%xmm15, 32(%[out])\n\t"
            "stmxcsr %[mxa]"
            : [mxa] "=m"(mx_after)
            : [in] "r"(in), [out] "r"(out), [pid] "r"(pid), [mx] "m"(mx)
            : "rax", "rdi", "rsi", "rcx", "r11", "xmm0", "xmm7", "xmm15", "memory", "cc");
        printf("  after: xmm0 %g %g xmm7 %g %g xmm15 %g %g mxcsr %#x\n", out[0][0], out[0][1],
               out[1][0], out[1][1], out[2][0], out[2][1], mx_after);
    }
    return 0;
}

static int t_wait(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGUSR2);
    sigprocmask(SIG_BLOCK, &set, NULL);
    raise(SIGUSR1);
    siginfo_t si;
    int r = sigwaitinfo(&set, &si);
    printf("sigwaitinfo %d code %d\n", r, si.si_code);
    struct timespec ts = { 0, 10000000 };
    r = sigtimedwait(&set, &si, &ts);
    printf("timed out %d %s\n", r, strerrorname_np(errno));
    int fd = signalfd(-1, &set, 0);
    kill(getpid(), SIGUSR2);
    struct signalfd_siginfo fsi;
    ssize_t n = read(fd, &fsi, sizeof(fsi));
    printf("signalfd read %zd signo %u code %d pid_ok %d\n", n, fsi.ssi_signo, fsi.ssi_code,
           fsi.ssi_pid == (unsigned)getpid());
    return 0;
}

/* epoll_pwait and ppoll with a mask that lets a pending signal in: the
 * handler runs, the call fails with EINTR, the old mask is back after. */
static int t_pwait(void)
{
    sigset_t set, none, now;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigemptyset(&none);
    on(SIGUSR1, print_sig, 0);
    sigprocmask(SIG_BLOCK, &set, NULL);
    int ep = epoll_create1(0);
    struct epoll_event ev;
    raise(SIGUSR1);
    int r = epoll_pwait(ep, &ev, 1, 1000, &none);
    sigprocmask(SIG_BLOCK, NULL, &now);
    printf("epoll_pwait %d %s; blocked again %d\n", r, strerrorname_np(errno),
           sigismember(&now, SIGUSR1));
    raise(SIGUSR1);
    r = ppoll(NULL, 0, NULL, &none);
    sigprocmask(SIG_BLOCK, NULL, &now);
    printf("ppoll %d %s; blocked again %d\n", r, strerrorname_np(errno),
           sigismember(&now, SIGUSR1));
    r = epoll_wait(ep, &ev, 1, 10);
    printf("epoll_wait timeout %d\n", r);
    return 0;
}

/* Threads: tgkill reaches the thread it names (its blocking read returns
 * EINTR), and a process-directed signal goes to the thread that does not
 * block it. */
static volatile pid_t handler_tid;
static void note_tid(int sig, siginfo_t *si, void *p)
{
    (void)sig, (void)si, (void)p;
    handler_tid = gettid();
}

static pid_t worker_tid;
static sem_t worker_ready;
static volatile sig_atomic_t worker_done;
static void *worker(void *arg)
{
    (void)arg;
    char c;
    worker_tid = gettid();
    sem_post(&worker_ready);
    ssize_t r = read(pipefd[0], &c, 1);
    printf("worker read %zd %s, handled here %d\n", r, strerrorname_np(errno),
           handler_tid == gettid());
    handler_tid = 0;
    worker_done = 1;
    sem_post(&worker_ready);
    while (!handler_tid) {
    }
    printf("process signal handled by worker %d\n", handler_tid == gettid());
    return NULL;
}

static int t_threads(void)
{
    if (pipe(pipefd)) {
        return 1;
    }
    on(SIGUSR1, note_tid, 0);
    sem_init(&worker_ready, 0, 0);
    pthread_t th;
    pthread_create(&th, NULL, worker, NULL);
    sem_wait(&worker_ready);
    while (!worker_done) {         /* until one lands while it is in read */
        syscall(SYS_tgkill, getpid(), worker_tid, SIGUSR1);
        usleep(20000);
    }
    sem_wait(&worker_ready);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    kill(getpid(), SIGUSR1);
    pthread_join(th, NULL);
    return 0;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    static const struct { const char *name; int (*fn)(void); } cases[] = {
        { "raise", t_raise }, { "ucontext", t_ucontext }, { "segv", t_segv },
        { "segv-addr", t_segv_addr }, { "fpe", t_fpe }, { "ill", t_ill }, { "trap", t_trap },
        { "alarm", t_alarm }, { "restart", t_restart }, { "mask", t_mask },
        { "nested", t_nested }, { "altstack", t_altstack }, { "fpu", t_fpu },
        { "wait", t_wait }, { "segv-flags", t_segv_flags },
        { "restart-stress", t_restart_stress }, { "bus", t_bus }, { "chld", t_chld },
        { "fetch", t_fetch }, { "noncanonical", t_noncanonical },
        { "pwait", t_pwait }, { "threads", t_threads }, { "xstate", t_xstate },
    };
    if (argc < 2) {
        return 2;
    }
    if (argc > 2 && !strcmp(argv[2], "nowbit")) {
        err_bits &= ~2;
    }
    if (!strcmp(argv[1], "term")) {
        raise(SIGTERM);
    } else if (!strcmp(argv[1], "abort")) {
        abort();
    } else if (!strcmp(argv[1], "null")) {
        return *(volatile int *)NULL;
    } else if (!strcmp(argv[1], "ud2-blocked")) {
        sigset_t set;
        sigfillset(&set);
        sigprocmask(SIG_BLOCK, &set, NULL);
        signal(SIGILL, SIG_IGN);
        __asm__ volatile("ud2");
    }
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        if (!strcmp(argv[1], cases[i].name)) {
            return cases[i].fn();
        }
    }
    return 2;
}
